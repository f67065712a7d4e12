// SPDX-License-Identifier: MIT
/*
 * pmem: persistent memory as a filesystem would use it with DAX. A 256 MiB
 * pmem range above RAM gets struct pages in ZONE_DEVICE, with its own
 * memmap on the device (vmem_altmap), as memory-model.txt describes for
 * "alternative memory maps for non-volatile memory devices". The pages are
 * CPU-addressable, never part of the page allocator's memory, and each
 * points back to its pagemap.
 *
 * Build: cc -std=c11 pmem.c $(pkg-config --cflags --libs pmm)
 */
#include <stdio.h>
#include <string.h>

#include <pmm/pmm.h>

int main(void)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = 8ULL << 30 };
	struct pmm_dev_pagemap pmem = { 0 };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long start_pfn, first, nr;
	struct pmm_zone *dev;
	struct pmm_page *page;
	char *block;
	int err;

	/* a 2 GiB machine; the pmem DIMM sits at 4 GiB */
	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0-1") ||
	    pmm_machine_desc_add_memory(d, 0x100000, 2ULL << 30, 0, 0) || pmm_boot(d, &opts, &m)) {
		fprintf(stderr, "boot failed\n");
		return 1;
	}
	pmm_machine_desc_destroy(d);

	pmem.type = PMM_MEMORY_DEVICE_FS_DAX;
	pmem.range.start = 4ULL << 30;
	pmem.range.end = (4ULL << 30) + (256ULL << 20) - 1;
	start_pfn = pmm_phys_pfn(m, pmem.range.start);
	nr = pmm_phys_pfn(m, pmem.range.end + 1) - start_pfn;
	/* the label area (2 pages), then room for the memmap: 64 bytes per page */
	pmem.flags = PMM_PGMAP_ALTMAP_VALID;
	pmem.altmap = (struct pmm_vmem_altmap){ .base_pfn = start_pfn, .reserve = 2,
						.free = nr * sizeof(struct pmm_page) / 4096 };
	err = pmm_memremap_pages(m, &pmem, 0);
	if (err) {
		fprintf(stderr, "memremap_pages: %d\n", err);
		return 1;
	}
	dev = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DEVICE];
	first = start_pfn + pmm_vmem_altmap_offset(&pmem.altmap);
	printf("pmem [mem %#llx-%#llx]: %lu pages, memmap on the device: %lu pages (%lu reserved)\n",
	       (unsigned long long)pmem.range.start, (unsigned long long)pmem.range.end, nr,
	       pmem.altmap.alloc, pmem.altmap.reserve);
	printf("ZONE_DEVICE: start_pfn %#lx spanned %lu present %lu managed %lu\n",
	       dev->zone_start_pfn, dev->spanned_pages, dev->present_pages, dev->managed_pages);
	printf("first data page: pfn %#lx\n", first);

	/* a filesystem block written through the direct map, found again by pfn */
	page = pmm_pfn_to_page(m, first + 10);
	block = pmm_page_address(m, page);
	strcpy(block, "persistent hello");
	page = pmm_virt_to_page(m, block);
	printf("pfn %#lx: zone %s, pagemap %s, refcount %d, \"%s\"\n", pmm_page_to_pfn(m, page),
	       pmm_page_zone(m, page)->name, pmm_page_pgmap(page) == &pmem ? "pmem" : "?",
	       pmm_page_ref_count(page), (char *)pmm_page_address(m, page));

	err = pmm_memunmap_pages(m, &pmem) || pmm_check(m);
	pmm_shutdown(m);
	return err ? 1 : 0;
}

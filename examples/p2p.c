// SPDX-License-Identifier: MIT
/*
 * p2p: a PCI device's BAR memory published for peer-to-peer DMA
 * (MEMORY_DEVICE_PCI_P2PDMA), the third user memory-model.txt names. An
 * NVMe controller's memory buffer gets struct pages so that another
 * device's DMA can target it; a page handed out for a transfer holds a
 * reference, and how an idle page is counted depends on the kernel: at 1
 * before 6.2, at 0 since (userspace P2P allocations).
 *
 * Build: cc -std=c11 p2p.c $(pkg-config --cflags --libs pmm)
 */
#include <stdio.h>

#include <pmm/pmm.h>

static int p2p_frees;

static void p2p_page_free(struct pmm_dev_pagemap *pgmap, struct pmm_page *page)
{
	(void)pgmap;
	(void)page;
	p2p_frees++;	/* back in the genalloc pool of the p2pdma provider */
}

static const struct pmm_dev_pagemap_ops p2p_ops = { .page_free = p2p_page_free };

static int run(const char *kernel)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = 64ULL << 30 };
	struct pmm_dev_pagemap bar = { 0 };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_page *page;
	int idle, err;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0-3") ||
	    pmm_machine_desc_add_memory(d, 0x100000, 2ULL << 30, 0, 0) ||
	    pmm_machine_desc_set_kernel(d, kernel) || pmm_boot(d, &opts, &m)) {
		fprintf(stderr, "boot failed\n");
		return 1;
	}
	pmm_machine_desc_destroy(d);

	/* a 16 MiB BAR high in the PCI hole of a large machine */
	bar.type = PMM_MEMORY_DEVICE_PCI_P2PDMA;
	bar.ops = &p2p_ops;
	bar.range.start = 60ULL << 30;
	bar.range.end = (60ULL << 30) + (16ULL << 20) - 1;
	err = pmm_memremap_pages(m, &bar, 0);
	if (err) {
		fprintf(stderr, "memremap_pages: %d\n", err);
		return 1;
	}
	page = pmm_pfn_to_page(m, pmm_phys_pfn(m, bar.range.start));
	idle = pmm_page_ref_count(page);
	/* pci_alloc_p2pmem(): the page is taken for a transfer */
	if (idle == 0)
		pmm_zone_device_page_init(m, page);
	else
		pmm_get_page(page);
	printf("kernel %-5s P2P page pfn %#lx: idle refcount %d, in use %d", kernel,
	       pmm_page_to_pfn(m, page), idle, pmm_page_ref_count(page));
	/* pci_free_p2pmem(): the transfer is done */
	pmm_put_page(m, page);
	printf(", after the transfer %d, page_free called %d time(s)\n", pmm_page_ref_count(page),
	       p2p_frees);
	err = pmm_memunmap_pages(m, &bar) || pmm_check(m);
	pmm_shutdown(m);
	return err;
}

int main(void)
{
	return run("6.1") || run("6.12") ? 1 : 0;
}

// SPDX-License-Identifier: MIT
/*
 * hmm_device: an HMM-style device with its own memory the CPU cannot
 * address (MEMORY_DEVICE_PRIVATE), as memory-model.txt's "device driver
 * identified physical address ranges". The driver migrates a process's
 * page into device memory (the RAM page is freed), the CPU then "faults"
 * on it and the driver's migrate_to_ram() brings the data back into a new
 * RAM page; page_free() tells the driver when a device page is idle again.
 *
 * Build: cc -std=c11 hmm_device.c $(pkg-config --cflags --libs pmm)
 */
#include <stdio.h>
#include <string.h>

#include <pmm/pmm.h>

#define DEV_PAGES 512	/* 2 MiB: one sub-section */

struct gpu {
	struct pmm_dev_pagemap	pgmap;
	unsigned char		vram[4][4096];	/* the device's own storage, a few pages of it */
	int			used[DEV_PAGES];
	int			freed;
};

static void gpu_page_free(struct pmm_dev_pagemap *pgmap, struct pmm_page *page)
{
	struct gpu *gpu = pgmap->owner;
	unsigned long idx = pmm_page_to_pfn(pgmap->machine, page) -
			    pmm_phys_pfn(pgmap->machine, pgmap->range.start);

	gpu->used[idx] = 0;
	gpu->freed++;
}

static int gpu_migrate_to_ram(struct pmm_dev_pagemap *pgmap, struct pmm_page *page,
			      struct pmm_page **ram)
{
	struct gpu *gpu = pgmap->owner;
	struct pmm_machine *m = pgmap->machine;
	unsigned long idx = pmm_page_to_pfn(m, page) - pmm_phys_pfn(m, pgmap->range.start);
	struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);

	if (!p)
		return -12;	/* -ENOMEM: the fault would be VM_FAULT_OOM */
	memcpy(pmm_page_address(m, p), gpu->vram[idx % 4], 4096);
	pmm_put_page(m, page);	/* the CPU mapping's reference to the device page goes */
	*ram = p;
	return 0;
}

static const struct pmm_dev_pagemap_ops gpu_ops = {
	.page_free = gpu_page_free,
	.migrate_to_ram = gpu_migrate_to_ram,
};

/* the driver's allocator: the first idle device page */
static struct pmm_page *gpu_alloc(struct pmm_machine *m, struct gpu *gpu, unsigned long *idx)
{
	for (*idx = 0; *idx < DEV_PAGES; (*idx)++)
		if (!gpu->used[*idx]) {
			struct pmm_page *page = pmm_pfn_to_page(m, pmm_phys_pfn(m, gpu->pgmap.range.start) +
								    *idx);

			if (pmm_zone_device_page_init(m, page))
				return NULL;
			gpu->used[*idx] = 1;
			return page;
		}
	return NULL;
}

int main(void)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = 8ULL << 30 };
	static struct gpu gpu;
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_page *ram, *dev, *back;
	unsigned long idx;
	int err;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0-1") ||
	    pmm_machine_desc_add_memory(d, 0x100000, 1ULL << 30, 0, 0) || pmm_boot(d, &opts, &m)) {
		fprintf(stderr, "boot failed\n");
		return 1;
	}
	pmm_machine_desc_destroy(d);

	gpu.pgmap.type = PMM_MEMORY_DEVICE_PRIVATE;
	gpu.pgmap.ops = &gpu_ops;
	gpu.pgmap.owner = &gpu;
	/* device-private ranges sit where no RAM is (request_free_mem_region()) */
	gpu.pgmap.range.start = 6ULL << 30;
	gpu.pgmap.range.end = (6ULL << 30) + DEV_PAGES * 4096ULL - 1;
	err = pmm_memremap_pages(m, &gpu.pgmap, 0);
	if (err) {
		fprintf(stderr, "memremap_pages: %d\n", err);
		return 1;
	}

	/* a process's page with data in it */
	ram = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);
	strcpy(pmm_page_address(m, ram), "computed on the CPU");
	printf("RAM page pfn %#lx: \"%s\"\n", pmm_page_to_pfn(m, ram), (char *)pmm_page_address(m, ram));

	/* migrate_vma to the device: copy into VRAM, free the RAM page */
	dev = gpu_alloc(m, &gpu, &idx);
	memcpy(gpu.vram[idx % 4], pmm_page_address(m, ram), 4096);
	strcat((char *)gpu.vram[idx % 4], ", then on the GPU");
	pmm_free_pages(m, ram, 0);
	printf("device page pfn %#lx: zone %s, refcount %d, CPU-addressable: no\n",
	       pmm_page_to_pfn(m, dev), pmm_page_zone(m, dev)->name, pmm_page_ref_count(dev));

	/* the CPU touches it: fault, migrate_to_ram, the device page idles again */
	err = pmm_migrate_to_ram(m, dev, &back);
	if (err)
		return 1;
	printf("after the fault: RAM page pfn %#lx: \"%s\"\n", pmm_page_to_pfn(m, back),
	       (char *)pmm_page_address(m, back));
	printf("device page refcount %d, page_free called %d time(s)\n", pmm_page_ref_count(dev),
	       gpu.freed);

	pmm_free_pages(m, back, 0);
	err = pmm_memunmap_pages(m, &gpu.pgmap) || pmm_check(m) || gpu.freed != 1;
	pmm_shutdown(m);
	return err ? 1 : 0;
}

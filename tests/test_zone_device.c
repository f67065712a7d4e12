// SPDX-License-Identifier: MIT
/*
 * ZONE_DEVICE: pagemaps at sub-section boundaries, spans that grow and
 * shrink while present and managed pages do not move, overlapping ranges
 * refused, altmap accounting, the idle reference count of each type per
 * kernel version and page_free() called exactly when the count reaches 0,
 * device-private pages that the CPU cannot touch and migrate_to_ram().
 * Needs SPARSEMEM_VMEMMAP; the other models return -EOPNOTSUPP.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"
#include "internal.h"

#define G	(1ULL << 30)
#define M	(1ULL << 20)

/* x86_64-2node-8G with room up to 16 GiB; node 1 spans [0x140000, 0x240000) */
static struct pmm_machine *boot_2node(const char *kernel, void *unused)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = 16 * G };
	struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
	struct pmm_machine *m;

	(void)unused;
	if (kernel)
		assert_int_equal(pmm_machine_desc_set_kernel(d, kernel), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

struct driver {
	int		freed;		/* page_free() calls */
	unsigned long	last_freed;
	unsigned char	storage[16][4096];	/* device memory the CPU cannot see */
};

static void page_free(struct pmm_dev_pagemap *pgmap, struct pmm_page *page)
{
	struct driver *drv = pgmap->owner;

	drv->freed++;
	drv->last_freed = (unsigned long)page;
}

static int migrate_to_ram(struct pmm_dev_pagemap *pgmap, struct pmm_page *page,
			  struct pmm_page **ram)
{
	struct driver *drv = pgmap->owner;
	struct pmm_machine *m = pgmap->machine;
	unsigned long idx = pmm_page_to_pfn(m, page) - pmm_phys_pfn(m, pgmap->range.start);
	struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);

	if (!p)
		return -ENOMEM;
	memcpy(pmm_page_address(m, p), drv->storage[idx % 16], 4096);
	*ram = p;
	return 0;
}

static const struct pmm_dev_pagemap_ops ops = { .page_free = page_free,
						.migrate_to_ram = migrate_to_ram };

static struct pmm_zone *device_zone(struct pmm_machine *m, int nid)
{
	return &pmm_node_data(m, nid)->node_zones[PMM_ZONE_DEVICE];
}

static unsigned long total_managed(struct pmm_machine *m)
{
	unsigned long sum = 0;
	int nid, z;

	pmm_for_each_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			sum += pmm_node_data(m, nid)->node_zones[z].managed_pages;
	return sum;
}

/* ---- pmem with its memmap on the device ------------------------------------------------------- */

static void test_fsdax_altmap_and_spans(void **state)
{
	struct pmm_machine *m = boot_2node(NULL, NULL);
	struct pmm_dev_pagemap pmem = { 0 }, next = { 0 }, bad = { 0 };
	struct driver *drv = calloc(1, sizeof(*drv));
	pmm_pg_data_t *n1 = pmm_node_data(m, 1);
	unsigned long managed = total_managed(m), first;
	struct pmm_page *page;
	char *mem;

	(void)state;
	assert_non_null(drv);
	/* 64 MiB of pmem at 10 GiB: 16384 pages whose memmap takes 256 pages */
	pmem.type = PMM_MEMORY_DEVICE_FS_DAX;
	pmem.owner = drv;
	pmem.range.start = 10 * G;
	pmem.range.end = 10 * G + 64 * M - 1;
	pmem.flags = PMM_PGMAP_ALTMAP_VALID;
	pmem.altmap = (struct pmm_vmem_altmap){ .base_pfn = 0x280000, .reserve = 2, .free = 255 };
	assert_int_equal(pmm_memremap_pages(m, &pmem, 1), -ENOMEM);	/* one page short */
	pmem.altmap.base_pfn = 0x280001;
	pmem.altmap.free = 256;
	assert_int_equal(pmm_memremap_pages(m, &pmem, 1), -EINVAL);	/* not at the start */
	pmem.altmap.base_pfn = 0x280000;
	assert_int_equal(pmm_memremap_pages(m, &pmem, 1), 0);
	assert_int_equal(pmem.altmap.alloc, 256);

	/* ZONE_DEVICE spans the range; nothing present, nothing managed, N_MEMORY as before */
	assert_int_equal(device_zone(m, 1)->zone_start_pfn, 0x280000);
	assert_int_equal(device_zone(m, 1)->spanned_pages, 0x4000);
	assert_int_equal(device_zone(m, 1)->present_pages, 0);
	assert_int_equal(device_zone(m, 1)->managed_pages, 0);
	assert_int_equal(n1->node_start_pfn, 0x140000);
	assert_int_equal(n1->node_spanned_pages, 0x144000);
	assert_int_equal(n1->node_present_pages, 0x100000);
	assert_int_equal(total_managed(m), managed);

	/* pages past the altmap (2 reserved + 256 memmap) point back to the pagemap, idle at 1 (6.12) */
	first = 0x280000 + pmm_vmem_altmap_offset(&pmem.altmap);
	assert_int_equal(first, 0x280102);
	page = pmm_pfn_to_page(m, first);
	assert_true(pmm_is_zone_device_page(page));
	assert_ptr_equal(pmm_page_pgmap(page), &pmem);
	assert_int_equal(pmm_page_to_nid(page), 1);
	assert_true(pmm_PageReserved(page));
	assert_int_equal(pmm_page_ref_count(page), 1);
	assert_ptr_equal(pmm_get_dev_pagemap(m, 0x280000), &pmem);
	assert_ptr_equal(pmm_get_dev_pagemap(m, 0x283fff), &pmem);
	assert_null(pmm_get_dev_pagemap(m, 0x284000));
	assert_null(pmm_get_dev_pagemap(m, 0x27ffff));
	/* persistent memory is CPU-addressable through the direct map */
	mem = pmm_page_address(m, page);
	memset(mem, 0xa5, 4096);
	assert_int_equal((unsigned char)mem[4095], 0xa5);

	/* the diagram draws it as node 1's ZONE_DEVICE box from 10G to 10304M */
	{
		char *buf = pmm_test_capture(m, pmm_print_diagram);

		assert_non_null(strstr(buf, "DEVICE"));
		assert_non_null(strstr(buf, "10G"));
		assert_non_null(strstr(buf, "10304M"));
		free(buf);
	}

	/* refused: overlapping pagemaps, RAM, misalignment */
	bad.type = PMM_MEMORY_DEVICE_GENERIC;
	bad.range.start = 10 * G + 32 * M;
	bad.range.end = 10 * G + 96 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &bad, 1), -EEXIST);
	bad.range.start = 8 * G;
	bad.range.end = 8 * G + 2 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &bad, 0), -ENXIO);
	bad.range.start = 11 * G + 4096;
	bad.range.end = 11 * G + 2 * M + 4095;
	assert_int_equal(pmm_memremap_pages(m, &bad, 0), -EINVAL);
	bad.range.start = 11 * G;
	bad.range.end = 11 * G + M - 1;	/* half a sub-section */
	assert_int_equal(pmm_memremap_pages(m, &bad, 0), -EINVAL);
	bad.type = (enum pmm_memory_type)9;
	bad.range.end = 11 * G + 2 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &bad, 0), -EINVAL);

	/* one sub-section right after it, in the same 128 MiB section */
	next.type = PMM_MEMORY_DEVICE_GENERIC;
	next.range.start = 10 * G + 64 * M;
	next.range.end = 10 * G + 66 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &next, 1), 0);
	assert_int_equal(device_zone(m, 1)->spanned_pages, 0x4200);
	assert_true(pmm_pfn_valid(m, 0x284000));
	assert_int_equal(pmm_check(m), 0);

	/* the first goes: its sub-sections leave, the second stays */
	assert_int_equal(pmm_memunmap_pages(m, &pmem), 0);
	assert_int_equal(pmm_memunmap_pages(m, &pmem), -EINVAL);
	assert_false(pmm_pfn_valid(m, 0x280000));
	assert_true(pmm_pfn_valid(m, 0x284000));
	assert_int_equal(device_zone(m, 1)->zone_start_pfn, 0x284000);
	assert_int_equal(device_zone(m, 1)->spanned_pages, 0x200);
	assert_int_equal(n1->node_spanned_pages, 0x144200);
	assert_int_equal(pmm_memunmap_pages(m, &next), 0);
	assert_int_equal(device_zone(m, 1)->spanned_pages, 0);
	assert_int_equal(n1->node_spanned_pages, 0x100000);
	/* the range can be mapped again */
	pmem.flags = 0;
	assert_int_equal(pmm_memremap_pages(m, &pmem, 1), 0);
	assert_int_equal(pmm_memunmap_pages(m, &pmem), 0);
	assert_int_equal(total_managed(m), managed);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(drv);
}

/* ---- device-private memory: refcount 0 when idle, page_free, migrate_to_ram ------------------ */

static void test_device_private(void **state)
{
	struct pmm_machine *m = boot_2node(NULL, NULL);
	struct pmm_dev_pagemap dev = { 0 };
	struct driver *drv = calloc(1, sizeof(*drv));
	struct pmm_page *page, *ram = NULL;

	(void)state;
	assert_non_null(drv);
	dev.type = PMM_MEMORY_DEVICE_PRIVATE;
	dev.owner = drv;
	dev.range.start = 12 * G;
	dev.range.end = 12 * G + 4 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &dev, 0), -EINVAL);	/* no callbacks */
	dev.ops = &ops;
	assert_int_equal(pmm_memremap_pages(m, &dev, 0), 0);
	page = pmm_pfn_to_page(m, pmm_phys_pfn(m, 12 * G) + 3);
	assert_int_equal(pmm_page_ref_count(page), 0);
	/* the CPU cannot address it */
	assert_true(pmm_test_faults((volatile unsigned char *)pmm_page_address(m, page)));

	/* handed out: 1; get/put do not free; the last put calls page_free once */
	assert_int_equal(pmm_zone_device_page_init(m, page), 0);
	assert_int_equal(pmm_zone_device_page_init(m, page), -EINVAL);	/* busy */
	assert_int_equal(pmm_page_ref_count(page), 1);
	pmm_get_page(page);
	pmm_put_page(m, page);
	assert_int_equal(drv->freed, 0);
	assert_int_equal(pmm_memunmap_pages(m, &dev), -EBUSY);
	memset(drv->storage[3], 0x5c, 4096);
	assert_int_equal(pmm_migrate_to_ram(m, page, &ram), 0);
	assert_non_null(ram);
	assert_false(pmm_is_zone_device_page(ram));
	assert_int_equal(((unsigned char *)pmm_page_address(m, ram))[100], 0x5c);
	pmm_free_pages(m, ram, 0);
	pmm_put_page(m, page);
	assert_int_equal(drv->freed, 1);
	assert_int_equal(drv->last_freed, (unsigned long)page);
	assert_int_equal(pmm_page_ref_count(page), 0);
	assert_int_equal(pmm_zone_device_page_init(m, page), 0);	/* can be handed out again */
	pmm_free_pages(m, page, 0);	/* __free_pages() on a device page is a put */
	assert_int_equal(drv->freed, 2);
	assert_int_equal(pmm_migrate_to_ram(m, pmm_pfn_to_page(m, 0x1000), &ram), -EINVAL);
	assert_int_equal(pmm_memunmap_pages(m, &dev), 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(drv);
}

/* ---- idle counts by type and kernel version --------------------------------------------------- */

static int idle_count_of(const char *kernel, enum pmm_memory_type type, int *freed_at_zero)
{
	struct pmm_machine *m = boot_2node(kernel, NULL);
	struct pmm_dev_pagemap dev = { 0 };
	struct driver *drv = calloc(1, sizeof(*drv));
	struct pmm_page *page;
	int idle;

	assert_non_null(drv);
	dev.type = type;
	dev.ops = &ops;
	dev.owner = drv;
	dev.range.start = 12 * G;
	dev.range.end = 12 * G + 2 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &dev, 0), 0);
	page = pmm_pfn_to_page(m, pmm_phys_pfn(m, 12 * G));
	idle = pmm_page_ref_count(page);
	if (idle == 1) {
		/* dropping the idle reference frees it, and it idles at 1 again */
		pmm_put_page(m, page);
		*freed_at_zero = drv->freed == 1 && pmm_page_ref_count(page) == 1;
	} else {
		assert_int_equal(pmm_zone_device_page_init(m, page), 0);
		pmm_put_page(m, page);
		*freed_at_zero = drv->freed == 1 && pmm_page_ref_count(page) == 0;
	}
	assert_int_equal(pmm_memunmap_pages(m, &dev), 0);
	pmm_shutdown(m);
	free(drv);
	return idle;
}

static void test_idle_counts(void **state)
{
	int freed;

	(void)state;
	/* 6.1: private and coherent at 0, the rest at 1 */
	assert_int_equal(idle_count_of("6.1", PMM_MEMORY_DEVICE_PRIVATE, &freed), 0);
	assert_true(freed);
	assert_int_equal(idle_count_of("6.1", PMM_MEMORY_DEVICE_COHERENT, &freed), 0);
	assert_int_equal(idle_count_of("6.1", PMM_MEMORY_DEVICE_PCI_P2PDMA, &freed), 1);
	assert_true(freed);
	assert_int_equal(idle_count_of("6.1", PMM_MEMORY_DEVICE_FS_DAX, &freed), 1);
	/* 6.2: P2PDMA joins; 6.15: FS_DAX joins; GENERIC stays at 1 */
	assert_int_equal(idle_count_of("6.2", PMM_MEMORY_DEVICE_PCI_P2PDMA, &freed), 0);
	assert_int_equal(idle_count_of("6.12", PMM_MEMORY_DEVICE_FS_DAX, &freed), 1);
	assert_int_equal(idle_count_of("6.15", PMM_MEMORY_DEVICE_FS_DAX, &freed), 0);
	assert_true(freed);
	assert_int_equal(idle_count_of("6.15", PMM_MEMORY_DEVICE_GENERIC, &freed), 1);
	assert_true(freed);
}

static void test_unsupported(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(),
						   PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	struct pmm_dev_pagemap dev = { 0 };

	(void)state;
	dev.type = PMM_MEMORY_DEVICE_GENERIC;
	dev.range.start = 12 * G;
	dev.range.end = 12 * G + 2 * M - 1;
	assert_int_equal(pmm_memremap_pages(m, &dev, 0), -EOPNOTSUPP);
	assert_int_equal(pmm_memunmap_pages(m, &dev), -EOPNOTSUPP);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest vmemmap[] = {
		cmocka_unit_test(test_fsdax_altmap_and_spans),
		cmocka_unit_test(test_device_private),
		cmocka_unit_test(test_idle_counts),
	};
	const struct CMUnitTest others[] = {
		cmocka_unit_test(test_unsupported),
	};

	if (PMM_CONFIG_SPARSEMEM_VMEMMAP)
		return cmocka_run_group_tests(vmemmap, NULL, NULL);
	return cmocka_run_group_tests(others, NULL, NULL);
}

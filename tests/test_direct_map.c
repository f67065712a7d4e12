// SPDX-License-Identifier: MIT
/*
 * Real memory underneath: every range is readable and writable through
 * the direct map, holes fault, untouched memory costs the host nothing,
 * and a metadata-only machine has no direct map.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pmm_test.h"

static long rss_bytes(void)
{
	long size, resident;
	FILE *f = fopen("/proc/self/statm", "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &size, &resident), 2);
	fclose(f);
	return resident * sysconf(_SC_PAGESIZE);
}

static void test_first_and_last_page_of_each_range(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);
	unsigned int i;

	for (i = 0; i < pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY); i++) {
		struct pmm_memblock_region r;
		unsigned long first, last;
		unsigned char *a, *b;

		assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, i, &r), 0);
		first = pmm_phys_pfn(m, r.base);
		last = pmm_phys_pfn(m, r.base + r.size) - 1;
		a = pmm_page_address(m, pmm_pfn_to_page(m, first));
		b = pmm_page_address(m, pmm_pfn_to_page(m, last));
		assert_ptr_equal(a, pmm_phys_to_virt(m, r.base));
		memset(a, (int)(0x10 + i), 4096);
		memset(b, (int)(0x80 + i), 4096);
		assert_int_equal(a[0], 0x10 + i);
		assert_int_equal(a[4095], 0x10 + i);
		assert_int_equal(b[4095], 0x80 + i);
		/* the same bytes through the physical address */
		assert_int_equal(*(unsigned char *)pmm_phys_to_virt(m, r.base + r.size - 1), 0x80 + i);
		/* and back to the page */
		assert_ptr_equal(pmm_virt_to_page(m, b + 100), pmm_pfn_to_page(m, last));
		assert_int_equal(pmm_virt_to_phys(m, a + 5), r.base + 5);
	}
	pmm_shutdown(m);
}

static void test_holes_fault(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);

	/* 3G-4G (PCI hole), the e820 gap at 0xa0000 and pfn 0 have no memory */
	assert_true(pmm_test_faults(pmm_phys_to_virt(m, 0xc0000000ULL)));
	assert_true(pmm_test_faults(pmm_phys_to_virt(m, 0xa0000)));
	assert_true(pmm_test_faults(pmm_phys_to_virt(m, 0)));
	assert_true(pmm_test_faults(pmm_phys_to_virt(m, 0xbffe0000ULL)));
	/* memory next to them does not fault */
	assert_false(pmm_test_faults(pmm_phys_to_virt(m, 0xbffdf000ULL)));
	assert_false(pmm_test_faults(pmm_phys_to_virt(m, 0x9e000)));
	pmm_shutdown(m);
}

static void test_untouched_memory_is_free(void **state)
{
	long before = rss_bytes(), booted, written;
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);
	unsigned char *p = pmm_phys_to_virt(m, 0x100000000ULL);

	/* 8 GiB simulated: the host pays only for struct pages (64 B per 4 KiB) */
	booted = rss_bytes();
	assert_true(booted - before < 200L << 20);
	memset(p, 1, 64 << 20);
	written = rss_bytes();
	assert_true(written - booted >= 64L << 20);
	pmm_shutdown(m);
}

static void test_metadata_only(void **state)
{
	struct pmm_machine *m =
		pmm_test_boot_desc(pmm_test_desc_x86_2node(), PMM_BOOT_NO_DIRECT_MAP);

	assert_null(pmm_page_address(m, pmm_pfn_to_page(m, 0x1000)));
	assert_null(pmm_phys_to_virt(m, 0x1000000));
	/* the struct pages are all there */
	assert_int_equal(pmm_page_to_pfn(m, pmm_pfn_to_page(m, 0x23ffff)), 0x23ffff);
	pmm_shutdown(m);
}

static void test_host_binding(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);
	enum pmm_bind_status st0, st1;

	/* a 2-node simulation on any host: each node maps to a host node with memory */
	assert_true(pmm_machine_host_node(m, 0, &st0) >= 0);
	assert_true(pmm_machine_host_node(m, 1, &st1) >= 0);
	assert_true(st0 == PMM_BIND_BOUND || st0 == PMM_BIND_FAILED);
	assert_true(st1 == PMM_BIND_BOUND || st1 == PMM_BIND_FAILED);
	assert_int_equal(pmm_machine_host_node(m, 2, NULL), PMM_NUMA_NO_NODE);
	pmm_shutdown(m);

	m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), PMM_BOOT_NO_BIND);
	assert_int_equal(pmm_machine_host_node(m, 1, &st1), 0);
	assert_int_equal(st1, PMM_BIND_SKIPPED);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_and_last_page_of_each_range),
		cmocka_unit_test(test_holes_fault),
		cmocka_unit_test(test_untouched_memory_is_free),
		cmocka_unit_test(test_metadata_only),
		cmocka_unit_test(test_host_binding),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

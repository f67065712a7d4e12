// SPDX-License-Identifier: MIT
/*
 * <pmm/linux.h>: kernel-style code compiled with the kernel's names on the
 * thread's current machine gives what pmm's own API gives, per thread.
 */
#define _DEFAULT_SOURCE 1
#include <pthread.h>

#include "pmm_test.h"
#include <pmm/linux.h>

/* as mm code would write it */
static unsigned long present_pages_of_nodes(void)
{
	unsigned long sum = 0;
	int nid;

	for_each_online_node(nid)
		sum += NODE_DATA(nid)->node_present_pages;
	return sum;
}

static unsigned long nr_free_pages_in(enum pmm_zone_type idx)
{
	unsigned long sum = 0;
	int nid;

	for_each_node_state(nid, N_MEMORY) {
		struct pmm_zone *zone = &NODE_DATA(nid)->node_zones[idx];

		if (populated_zone(zone))
			sum += zone_page_state(zone, NR_FREE_PAGES);
	}
	return sum;
}

static void test_names(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(),
						   PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	struct pmm_page *page;
	unsigned long pfn, free_before;
	int nid;

	(void)state;
	assert_null(pmm_linux_set_machine(m));
	assert_ptr_equal(pmm_linux_machine(), m);

	/* x86_64-2node-8G: 0x9e + 0xbfee0 + 0x40000 pages on node 0, 0x100000 on node 1 */
	assert_int_equal(present_pages_of_nodes(), 0x9eUL + 0xbfee0 + 0x40000 + 0x100000);
	assert_int_equal(num_online_nodes(), 2);
	assert_true(node_state(1, N_NORMAL_MEMORY));

	pfn = 0x150000;
	assert_true(pfn_valid(pfn));
	page = pfn_to_page(pfn);
	assert_ptr_equal(page, pmm_pfn_to_page(m, pfn));
	assert_int_equal(page_to_pfn(page), pfn);
	assert_int_equal(page_to_nid(page), 1);
	assert_int_equal(zone_idx(page_zone(page)), ZONE_NORMAL);
	assert_ptr_equal(page_pgdat(page), NODE_DATA(1));

	/* the page allocator under kernel names */
	free_before = nr_free_pages_in(ZONE_NORMAL);
	page = alloc_pages_node(1, GFP_KERNEL | __GFP_THISNODE, 3);
	assert_non_null(page);
	nid = page_to_nid(page);
	assert_int_equal(nid, 1);
	assert_int_equal(page_count(page), 1);
	get_page(page);
	put_page(page);
	__free_pages(page, 3);
	drain_all_pages(NULL);
	assert_int_equal(nr_free_pages_in(ZONE_NORMAL), free_before);
	assert_int_equal(gfp_zone(GFP_DMA32), ZONE_DMA32);
	assert_int_equal(pmm_check(m), 0);

	assert_ptr_equal(pmm_linux_set_machine(NULL), m);
	pmm_shutdown(m);
}

/* each thread has its own current machine */
static void *other_machine(void *arg)
{
	struct pmm_machine *m = arg;

	assert_null(pmm_linux_machine());
	pmm_linux_set_machine(m);
	return (void *)(unsigned long)num_online_nodes();
}

static void test_per_thread(void **state)
{
	struct pmm_machine *two = pmm_test_boot_desc(pmm_test_desc_x86_2node(),
						     PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	struct pmm_machine *one = pmm_test_boot_desc(pmm_test_desc_simple("x86_64", 0x100000,
									  1ULL << 30),
						     PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	pthread_t t;
	void *ret;

	(void)state;
	pmm_linux_set_machine(two);
	assert_int_equal(pthread_create(&t, NULL, other_machine, one), 0);
	pthread_join(t, &ret);
	assert_int_equal((unsigned long)ret, 1);
	assert_ptr_equal(pmm_linux_machine(), two);
	assert_int_equal(num_online_nodes(), 2);
	pmm_linux_set_machine(NULL);
	pmm_shutdown(one);
	pmm_shutdown(two);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_per_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

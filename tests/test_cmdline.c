// SPDX-License-Identifier: MIT
/*
 * Kernel command line: kernelcore= (size, percent, mirror), movablecore=,
 * movable_node, mem=, memmap=, numa=off, and parameters the kernel ignores.
 * Expected values are worked out by hand from mm/mm_init.c's
 * find_zone_movable_pfns_for_nodes() (kernel-reference.md section 5.4).
 */
#include <string.h>

#include "pmm_test.h"

static struct pmm_machine *boot_with(struct pmm_machine_desc *d, const char *cmdline)
{
	assert_int_equal(pmm_machine_desc_set_cmdline(d, cmdline), 0);
	return pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
}

static const struct pmm_zone *zone_of(struct pmm_machine *m, int nid, enum pmm_zone_type z)
{
	return &pmm_node_data(m, nid)->node_zones[z];
}

static void assert_log_has(struct pmm_machine *m, const char *s)
{
	if (!strstr(pmm_boot_log(m), s))
		fail_msg("boot log lacks \"%s\":\n%s", s, pmm_boot_log(m));
}

/* kernelcore=50% on the x86_64-2node-8G layout (worked out in the file header's way):
 * 1048511 pages of kernelcore spread over two nodes, in two passes */
static void test_kernelcore_percent(void **state)
{
	struct pmm_machine *m = boot_with(pmm_test_desc_x86_2node(), "kernelcore=50%");

	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->zone_start_pfn, 0x120400);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_MOVABLE)->zone_start_pfn, 0x160400);
	assert_int_equal(pmm_zone_end_pfn(zone_of(m, 0, PMM_ZONE_NORMAL)), 0x120400);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_NORMAL)->spanned_pages, 0x160400 - 0x140000);
	assert_int_equal(pmm_zone_end_pfn(zone_of(m, 1, PMM_ZONE_MOVABLE)), 0x240000);
	assert_log_has(m, "Movable zone start for each node\n"
			  "  Node 0: 0x0000000120400000\n"
			  "  Node 1: 0x0000000160400000\n");
	pmm_shutdown(m);
}

/* more kernelcore than memory, or none: no ZONE_MOVABLE */
static void test_kernelcore_too_big(void **state)
{
	struct pmm_machine *m = boot_with(pmm_test_desc_x86_2node(), "kernelcore=64G movablecore=0");

	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->spanned_pages, 0);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_MOVABLE)->spanned_pages, 0);
	pmm_shutdown(m);
}

/* kernelcore=mirror: non-mirrored memory above 4G becomes ZONE_MOVABLE */
static void test_kernelcore_mirror(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 0x100000, 4 * SZ_1G, 0, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 4 * SZ_1G, 6 * SZ_1G, 0, PMM_MEMORY_MIRROR), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 6 * SZ_1G, 8 * SZ_1G, 0, 0), 0);
	m = boot_with(d, "kernelcore=mirror");
	/* Normal and Movable overlap; each holds only its kind of memory */
	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->zone_start_pfn, 0x180000);
	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->present_pages, 0x80000);
	assert_int_equal(zone_of(m, 0, PMM_ZONE_NORMAL)->zone_start_pfn, 0x100000);
	assert_int_equal(zone_of(m, 0, PMM_ZONE_NORMAL)->spanned_pages, 0x100000);
	assert_int_equal(zone_of(m, 0, PMM_ZONE_NORMAL)->present_pages, 0x80000);
	assert_log_has(m, "This configuration results in unmirrored kernel memory.");
	pmm_shutdown(m);

	m = boot_with(pmm_test_desc_x86_2node(), "kernelcore=mirror");
	assert_log_has(m, "The system has no mirror memory, ignore kernelcore=mirror.");
	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->spanned_pages, 0);
	pmm_shutdown(m);
}

/* movable_node: hotpluggable memory is ZONE_MOVABLE, kernelcore= is ignored */
static void test_movable_node(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 1, "1"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 0x100000, 4 * SZ_1G, 0, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 4 * SZ_1G, 6 * SZ_1G, 1,
						     PMM_MEMORY_HOTPLUGGABLE), 0);
	m = boot_with(d, "movable_node kernelcore=1G");
	assert_int_equal(zone_of(m, 1, PMM_ZONE_MOVABLE)->zone_start_pfn, 0x100000);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_MOVABLE)->present_pages, 0x80000);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_NORMAL)->spanned_pages, 0);
	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->spanned_pages, 0);
	/* node 1 has only movable memory: N_MEMORY, not N_NORMAL_MEMORY */
	assert_true(pmm_node_state(m, 1, PMM_N_MEMORY));
	assert_false(pmm_node_state(m, 1, PMM_N_NORMAL_MEMORY));
	pmm_shutdown(m);
}

/* mem= is an address limit on x86 and an amount of memory elsewhere */
static void test_mem_limit(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m = boot_with(pmm_test_desc_x86_2node(), "mem=3G");

	/* fixtures/linux/x86_64-2node-8G-mem3G: node 1 loses all its memory */
	assert_int_equal(pmm_max_pfn(m), 0xbffe0);
	assert_false(pmm_node_state(m, 1, PMM_N_MEMORY));
	assert_true(pmm_node_state(m, 1, PMM_N_ONLINE));
	pmm_shutdown(m);

	assert_int_equal(pmm_machine_desc_create("arm64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, SZ_1G, 9 * SZ_1G, 0, 0), 0);
	m = boot_with(d, "mem=3G");
	/* the first 3 GiB of memory: [1G, 4G) */
	assert_int_equal(pmm_max_pfn(m), 0x100000);
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 0xc0000);
	pmm_shutdown(m);
}

static void test_memmap(void **state)
{
	struct pmm_machine *m = boot_with(pmm_test_desc_x86_2node(), "memmap=1G$0x100000000");
	struct pmm_machine_desc *d;

	/* the reserve form takes [4G, 5G) out of node 0's memory */
	assert_int_equal(zone_of(m, 0, PMM_ZONE_NORMAL)->spanned_pages, 0);
	assert_int_equal(pmm_pgdat_end_pfn(pmm_node_data(m, 0)), 0xbffe0);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_NORMAL)->present_pages, 0x100000);
	pmm_shutdown(m);

	/* exactmap: only the ranges given */
	m = boot_with(pmm_test_desc_x86_2node(), "memmap=exactmap memmap=640K@0 memmap=1023M@1M");
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY), 2);
	assert_int_equal(pmm_max_pfn(m), 0x40000);
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 160 + 0x3ff00);
	pmm_shutdown(m);

	/* the protected (pmem) form also takes memory away; non-x86 ignores memmap= */
	m = boot_with(pmm_test_desc_x86_2node(), "memmap=4G!0x140000000");
	assert_false(pmm_node_state(m, 1, PMM_N_MEMORY));
	pmm_shutdown(m);
	d = pmm_test_desc_simple("arm64", SZ_1G, 2 * SZ_1G);
	m = boot_with(d, "memmap=512M$0x40000000");
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 0x40000);
	pmm_shutdown(m);
}

/* memblock.memory after boot: sorted, never overlapping */
static void assert_memblock_disjoint(struct pmm_machine *m)
{
	struct pmm_memblock_region prev, r;
	unsigned int i;

	for (i = 0; i < pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY); i++) {
		assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, i, &r), 0);
		if (i)
			assert_true(prev.base + prev.size <= r.base);
		prev = r;
	}
}

/*
 * memmap=SIZE@START over RAM that is there already (e820__range_add, then
 * the table sanitised, then memblock_add_range): what was RAM keeps its node
 * and flags, only what was not is added, on the node below it.
 */
static void test_memmap_over_ram(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_memblock_region r;

	(void)state;
	/* node 0 [1M, 256M), node 1 [256M, 512M): memmap=256M@128M adds nothing */
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, SZ_1M, 256 * SZ_1M, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 256 * SZ_1M, 512 * SZ_1M, 1, 0));
	m = boot_with(d, "memmap=256M@128M");
	assert_memblock_disjoint(m);
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY), 2);
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 255 * 256);
	assert_int_equal(pmm_node_data(m, 1)->node_present_pages, 256 * 256);
	assert_int_equal(pmm_node_data(m, 0)->node_start_pfn + pmm_node_data(m, 0)->node_spanned_pages,
			 pmm_node_data(m, 1)->node_start_pfn);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);

	/* one node of hotpluggable RAM [1M, 256M): [256M, 384M) is new, plain RAM */
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, SZ_1M, 256 * SZ_1M, 0,
						      PMM_MEMORY_HOTPLUGGABLE));
	m = boot_with(d, "memmap=256M@128M");
	assert_memblock_disjoint(m);
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY), 2);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, 0, &r), 0);
	assert_int_equal(r.base + r.size, 256 * SZ_1M);
	assert_int_equal(r.flags, PMM_MEMORY_HOTPLUGGABLE);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, 1, &r), 0);
	assert_int_equal(r.base, 256 * SZ_1M);
	assert_int_equal(r.size, 128 * SZ_1M);
	assert_int_equal(r.flags, 0);
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 383 * 256);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/*
 * Found by fuzz_machine_json: node 0 need not exist. memmap=@ on a machine
 * without memory gives the RAM to the first declared node; numa=off makes
 * node 0 the fake node even when the description has no node 0.
 */
static void test_no_node0(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	(void)state;
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "0"));
	m = boot_with(d, "memmap=256M@885M");
	assert_int_equal(pmm_node_data(m, 1)->node_present_pages, 65536);
	assert_null(pmm_node_data(m, 0));
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 2, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, SZ_1M, SZ_1G, 1, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 2 * SZ_1G, 3 * SZ_1G, 2, 0));
	m = boot_with(d, "numa=off");
	assert_int_equal(pmm_num_node_state(m, PMM_N_POSSIBLE), 1);
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 1023 * 256 + 262144);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

static void test_numa_off(void **state)
{
	struct pmm_machine *m = boot_with(pmm_test_desc_x86_2node(), "numa=off");

	assert_int_equal(pmm_num_node_state(m, PMM_N_POSSIBLE), 1);
	assert_int_equal(pmm_node_data(m, 0)->node_present_pages, 3998 + 782304 + 0x140000);
	assert_null(pmm_node_data(m, 1));
	assert_int_equal(pmm_machine_host_node(m, 1, NULL), PMM_NUMA_NO_NODE);
	assert_log_has(m, "NUMA turned off\n"
			  "Faking a node at [mem 0x0000000000000000-0x000000023fffffff]\n");
	assert_log_has(m, "Fallback order for Node 0: 0 \n");
	pmm_shutdown(m);
}

/* the kernel ignores parameters it does not know; malformed values are ignored too */
static void test_unknown_and_malformed(void **state)
{
	struct pmm_machine *m = boot_with(pmm_test_desc_x86_2node(),
					  "quiet foo=bar \"dyndbg=file x +p\" kernelcore=lots "
					  "movablecore=150% mem=");

	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->spanned_pages, 0);
	assert_int_equal(pmm_max_pfn(m), 0x240000);
	assert_log_has(m, "malformed command-line parameter kernelcore=lots");
	pmm_shutdown(m);
}

/* --cmdline adds to the description's command line; later parameters win */
static void test_append(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_set_cmdline(d, "movablecore=80%"), 0);
	assert_int_equal(pmm_machine_desc_append_cmdline(d, "movablecore=2G"), 0);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_log_has(m, "Command line: movablecore=80% movablecore=2G\n");
	/* fixtures/linux/x86_64-2node-8G-movablecore2G-k6.1 */
	assert_int_equal(zone_of(m, 0, PMM_ZONE_MOVABLE)->zone_start_pfn, 0x100400);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_MOVABLE)->zone_start_pfn, 0x200000);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernelcore_percent),
		cmocka_unit_test(test_kernelcore_too_big),
		cmocka_unit_test(test_kernelcore_mirror),
		cmocka_unit_test(test_movable_node),
		cmocka_unit_test(test_mem_limit),
		cmocka_unit_test(test_memmap),
		cmocka_unit_test(test_memmap_over_ram),
		cmocka_unit_test(test_no_node0),
		cmocka_unit_test(test_numa_off),
		cmocka_unit_test(test_unknown_and_malformed),
		cmocka_unit_test(test_append),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Descriptions, boot and shutdown: bad input is refused with a message,
 * zones and node spans match what real kernels printed for the same
 * layout (fixtures/linux), machines are independent of each other.
 */
#include <errno.h>
#include <string.h>

#include "pmm_test.h"

/* ---- bad input ------------------------------------------------------------------------ */

static void expect_error(struct pmm_machine_desc *d, int got, int want, const char *needle)
{
	assert_int_equal(got, want);
	if (!strstr(pmm_machine_desc_error(d), needle))
		fail_msg("error \"%s\" does not mention \"%s\"", pmm_machine_desc_error(d), needle);
}

static void test_unknown_arch(void **state)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;

	assert_int_equal(pmm_machine_desc_create("vax", &d), -EINVAL);
	assert_null(d);
	assert_int_equal(pmm_machine_desc_create(NULL, &d), -EINVAL);
}

static void test_bad_ranges(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0x100000, 0x40000000);

	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x70000000, 0, 0),
		     -EINVAL, "end is not above the start");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x80000000, 0, 0),
		     -EINVAL, "end is not above the start");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000800, 0x90000000, 0, 0),
		     -EINVAL, "not aligned");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x90000001, 0, 0),
		     -EINVAL, "not aligned");
	/* overlapping the first range, at either end and inside */
	expect_error(d, pmm_machine_desc_add_memory(d, 0x3ff00000, 0x50000000, 0, 0),
		     -EINVAL, "overlaps [0x100000-0x40000000)");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x0, 0x101000, 0, 0), -EINVAL, "overlaps");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x200000, 0x300000, 0, 0), -EINVAL, "overlaps");
	/* x86-64: MAX_PHYSMEM_BITS 46 */
	expect_error(d, pmm_machine_desc_add_memory(d, 1ULL << 45, (1ULL << 46) + 4096, 0, 0),
		     -ERANGE, "MAX_PHYSMEM_BITS");
	assert_int_equal(pmm_machine_desc_add_memory(d, (1ULL << 46) - SZ_1G, 1ULL << 46, 0, 0), 0);
	assert_string_equal(pmm_machine_desc_error(d), "");
	/* unknown node */
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x90000000, 3, 0),
		     -EINVAL, "node 3 is not declared");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x90000000, -1, 0),
		     -EINVAL, "not declared");
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x90000000, 0, 0x80),
		     -EINVAL, "unknown flags");
	expect_error(d, pmm_machine_desc_add_reserved(d, 0x2000, 0x1000), -EINVAL, "reserved");
	expect_error(d, pmm_machine_desc_add_reserved(d, 0, (1ULL << 46) + 1), -ERANGE,
		     "MAX_PHYSMEM_BITS");
	pmm_machine_desc_destroy(d);

	/* x86-32 without PAE has 32 physical address bits */
	d = pmm_test_desc_simple("x86_32", 0x100000, 0x40000000);
	expect_error(d, pmm_machine_desc_add_memory(d, 0xc0000000, 0x100001000ULL, 0, 0), -ERANGE,
		     "MAX_PHYSMEM_BITS (32)");
	pmm_machine_desc_destroy(d);
	/* arm64 with 64 KiB pages: 4 KiB alignment is not enough */
	d = pmm_test_desc_simple("arm64_64k", 0x40000000, 0x80000000);
	expect_error(d, pmm_machine_desc_add_memory(d, 0x80001000, 0x90000000, 0, 0), -EINVAL,
		     "65536-byte page");
	pmm_machine_desc_destroy(d);
}

static void test_bad_nodes(void **state)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	expect_error(d, pmm_machine_desc_add_node(d, PMM_MAX_NUMNODES, "0"), -EINVAL,
		     "node ids must be");
	expect_error(d, pmm_machine_desc_add_node(d, -1, "0"), -EINVAL, "node ids must be");
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0-1"), 0);
	expect_error(d, pmm_machine_desc_add_node(d, 0, "2"), -EINVAL, "declared twice");
	expect_error(d, pmm_machine_desc_add_node(d, 1, "1-2"), -EINVAL,
		     "CPU 1 already belongs to node 0");
	expect_error(d, pmm_machine_desc_add_node(d, 1, "2-x"), -EINVAL, "malformed CPU list");
	expect_error(d, pmm_machine_desc_add_node(d, 1, "4096"), -ERANGE, "names a CPU");
	assert_int_equal(pmm_machine_desc_add_node(d, 1, ""), 0);	/* CPU-less */
	expect_error(d, pmm_machine_desc_set_distance(d, 0, 2, 20), -EINVAL, "node 2 is not declared");
	expect_error(d, pmm_machine_desc_set_distance(d, 0, 1, 10), -EINVAL, "11..254");
	expect_error(d, pmm_machine_desc_set_distance(d, 0, 0, 20), -EINVAL, "10 to itself");
	expect_error(d, pmm_machine_desc_set_distance(d, 0, 1, 255), -EINVAL, "11..254");
	assert_int_equal(pmm_machine_desc_set_distance(d, 0, 1, 31), 0);
	expect_error(d, pmm_machine_desc_set_host_node(d, 5, 0), -EINVAL, "not declared");
	expect_error(d, pmm_machine_desc_set_host_node(d, 0, -7), -EINVAL, "not a node id");
	pmm_machine_desc_destroy(d);
}

static void test_boot_errors(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m = (struct pmm_machine *)1;
	struct pmm_boot_opts opts = { 0 };

	/* no memory at all */
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_boot(d, NULL, &m), -EINVAL);
	assert_null(m);
	pmm_machine_desc_destroy(d);

	/* a host node that does not exist */
	d = pmm_test_desc_simple("x86_64", 0x100000, 0x10000000);
	assert_int_equal(pmm_machine_desc_set_host_node(d, 0, PMM_MAX_NUMNODES - 1), 0);
	assert_int_equal(pmm_boot(d, NULL, &m), -ENODEV);
	assert_null(m);

	/* an address-space limit below the memory */
	assert_int_equal(pmm_machine_desc_set_host_node(d, 0, PMM_NUMA_NO_NODE), 0);
	opts.phys_limit = 0x1000000;
	assert_int_equal(pmm_boot(d, &opts, &m), -EINVAL);
	assert_null(m);
	pmm_machine_desc_destroy(d);
	assert_int_equal(pmm_boot(NULL, NULL, &m), -EINVAL);
}

static void keep_errors(void *arg, int level, const char *line)
{
	if (level <= PMM_LOG_ERR)
		snprintf(arg, 512, "%s", line);
}

/*
 * The memory budget: struct pages for RAM in 128 MiB sections, 64 bytes per
 * 4 KiB page. [1M, 1G) touches 8 sections: 32768 pages each, 16 MiB.
 */
static void test_memmap_budget(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0x100000, 1ULL << 30);
	char msg[512] = "";
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .memmap_limit = 16ULL << 20, .log = keep_errors,
				      .log_arg = msg, .defer = PMM_DEFER_EAGER };
	struct pmm_machine *m = (struct pmm_machine *)1;

	(void)state;
	assert_int_equal(pmm_boot(d, &opts, &m), 0);	/* exactly what it needs */
	pmm_shutdown(m);
	opts.memmap_limit = (16ULL << 20) - 1;
	assert_int_equal(pmm_boot(d, &opts, &m), -ENOMEM);
	assert_null(m);
	assert_non_null(strstr(msg, "need 16 MiB of host memory (8 sections of 128 MiB"));
	assert_non_null(strstr(msg, "more than the memmap_limit, 15 MiB"));
	/* left to pmm, a memmap over half the budget boots on demand instead, where
	 * deferral is possible (not under FLATMEM: refused as above) */
	opts.defer = PMM_DEFER_DEFAULT;
	if (PMM_CONFIG_SPARSEMEM) {
		assert_int_equal(pmm_boot(d, &opts, &m), 0);
		assert_int_not_equal(pmm_node_data(m, 0)->first_deferred_pfn, ~0UL);
		pmm_shutdown(m);
	} else {
		assert_int_equal(pmm_boot(d, &opts, &m), -ENOMEM);
	}
	opts.defer = PMM_DEFER_EAGER;
	/* 64 TiB on 8 nodes, struct pages initialised eagerly: more than any host of
	 * ours has available (left to pmm, it boots on demand: tests/test_mm_init.c) */
	pmm_machine_desc_destroy(d);
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	for (int nid = 0; nid < 8; nid++) {
		assert_desc_ok(d, pmm_machine_desc_add_node(d, nid, ""));
		assert_desc_ok(d, pmm_machine_desc_add_memory(d, (unsigned long long)nid << 43,
							      ((unsigned long long)nid + 1) << 43,
							      nid, 0));
	}
	opts.memmap_limit = 0;
	opts.defer = PMM_DEFER_EAGER;
	msg[0] = '\0';
	assert_int_equal(pmm_boot(d, &opts, &m), -ENOMEM);
	assert_non_null(strstr(msg, "need 1048576 MiB of host memory"));
	assert_non_null(strstr(msg, "MemAvailable"));
	pmm_machine_desc_destroy(d);
}

/* ---- layouts real kernels built -------------------------------------------------------------------- */

struct zone_want {
	int nid;
	enum pmm_zone_type zone;
	unsigned long start_pfn, spanned, present;
};

static void check_zones(struct pmm_machine *m, const struct zone_want *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pmm_zone *z = &pmm_node_data(m, w[i].nid)->node_zones[w[i].zone];

		if (z->zone_start_pfn != w[i].start_pfn || z->spanned_pages != w[i].spanned ||
		    z->present_pages != w[i].present)
			fail_msg("node %d zone %s: start %lu spanned %lu present %lu, want %lu %lu %lu",
				 w[i].nid, pmm_zone_names[w[i].zone], z->zone_start_pfn,
				 z->spanned_pages, z->present_pages, w[i].start_pfn, w[i].spanned,
				 w[i].present);
	}
}

static void assert_state(struct pmm_machine *m, enum pmm_node_states s, const char *want)
{
	char buf[64];

	pmm_nodelist_print(buf, sizeof(buf), pmm_node_states(m, s));
	if (strcmp(buf, want))
		fail_msg("%s: \"%s\", want \"%s\"", pmm_node_state_names[s], buf, want);
}

static void assert_log_has(struct pmm_machine *m, const char *line)
{
	if (!strstr(pmm_boot_log(m), line))
		fail_msg("boot log lacks \"%s\":\n%s", line, pmm_boot_log(m));
}

/* fixtures/linux/x86_64-2node-8G: zoneinfo.txt, dmesg.txt, node_states.txt */
static void test_x86_64_2node(void **state)
{
	static const struct zone_want want[] = {
		{ 0, PMM_ZONE_DMA, 1, 4095, 3998 },
		{ 0, PMM_ZONE_DMA32, 4096, 1044480, 782304 },
		{ 0, PMM_ZONE_NORMAL, 1048576, 262144, 262144 },
		{ 0, PMM_ZONE_MOVABLE, 0, 0, 0 },
		{ 1, PMM_ZONE_DMA, 0, 0, 0 },
		{ 1, PMM_ZONE_DMA32, 0, 0, 0 },
		{ 1, PMM_ZONE_NORMAL, 1310720, 1048576, 1048576 },
	};
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), PMM_BOOT_NO_BIND);
	const pmm_pg_data_t *n0 = pmm_node_data(m, 0), *n1 = pmm_node_data(m, 1);

	check_zones(m, want, sizeof(want) / sizeof(want[0]));
	assert_int_equal(n0->node_start_pfn, 1);
	assert_int_equal(n0->node_spanned_pages, 0x140000 - 1);
	assert_int_equal(n0->node_present_pages, 3998 + 782304 + 262144);
	assert_int_equal(n1->node_start_pfn, 0x140000);
	assert_int_equal(n1->node_spanned_pages, 0x100000);
	assert_int_equal(n0->nr_zones, PMM_ZONE_NORMAL + 1);
	assert_int_equal(pmm_max_pfn(m), 0x240000);
	assert_null(pmm_node_data(m, 2));

	assert_state(m, PMM_N_POSSIBLE, "0-1");
	assert_state(m, PMM_N_ONLINE, "0-1");
	assert_state(m, PMM_N_MEMORY, "0-1");
	assert_state(m, PMM_N_NORMAL_MEMORY, "0-1");
	assert_state(m, PMM_N_CPU, "0-1");

	assert_log_has(m, "Zone ranges:\n"
			  "  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
			  "  DMA32    [mem 0x0000000001000000-0x00000000ffffffff]\n"
			  "  Normal   [mem 0x0000000100000000-0x000000023fffffff]\n"
			  "  Device   empty\n"
			  "Movable zone start for each node\n"
			  "Early memory node ranges\n"
			  "  node   0: [mem 0x0000000000001000-0x000000000009efff]\n"
			  "  node   0: [mem 0x0000000000100000-0x00000000bffdffff]\n"
			  "  node   0: [mem 0x0000000100000000-0x000000013fffffff]\n"
			  "  node   1: [mem 0x0000000140000000-0x000000023fffffff]\n"
			  "Initmem setup node 0 [mem 0x0000000000001000-0x000000013fffffff]\n"
			  "Initmem setup node 1 [mem 0x0000000140000000-0x000000023fffffff]\n");
	assert_log_has(m, "On node 0, zone DMA: 1 pages in unavailable ranges\n"
			  "On node 0, zone DMA: 97 pages in unavailable ranges\n");
	/* the kernel (SPARSEMEM): only the present section 0x17 of the 3G-4G hole has
	 * struct pages; the line is the kernel's whatever model pmm is built with */
	assert_log_has(m, "On node 0, zone Normal: 32 pages in unavailable ranges\n");
	/* pmm's FLATMEM build has struct pages, reserved, over the whole hole */
	if (!PMM_CONFIG_SPARSEMEM)
		assert_true(pmm_PageReserved(pmm_pfn_to_page(m, 0xc0000)));
	pmm_shutdown(m);
}

/* fixtures/linux/i386-pae-1node-2G and the 32-bit example of physical_memory.rst */
static void test_x86_32_highmem(void **state)
{
	static const struct zone_want want[] = {
		{ 0, PMM_ZONE_DMA, 1, 4095, 3998 },
		{ 0, PMM_ZONE_NORMAL, 4096, 221182, 221182 },
		{ 0, PMM_ZONE_HIGHMEM, 225278, 298978, 298978 },
		{ 0, PMM_ZONE_MOVABLE, 0, 0, 0 },
	};
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_create("x86_32_pae", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x1000, 0x9f000, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x100000, 0x7ffe0000, 0, 0));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND);
	check_zones(m, want, sizeof(want) / sizeof(want[0]));
	assert_false(pmm_zone_type_configured(m, PMM_ZONE_DMA32));
	assert_false(pmm_zone_type_configured(m, PMM_ZONE_DEVICE));
	assert_state(m, PMM_N_HIGH_MEMORY, "0");
	assert_state(m, PMM_N_NORMAL_MEMORY, "0");
	assert_log_has(m, "  HighMem  [mem 0x0000000036ffe000-0x000000007ffdffff]\n");
	pmm_shutdown(m);
}

/* fixtures/linux/arm64-virt-1node-2G: DMA covers the low 4 GiB, DMA32 is empty */
static void test_arm64(void **state)
{
	struct pmm_machine *m =
		pmm_test_boot_desc(pmm_test_desc_simple("arm64", 0x40000000, 0xc0000000),
				   PMM_BOOT_NO_BIND);
	const struct pmm_zone *dma = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA];

	assert_int_equal(dma->zone_start_pfn, 0x40000);
	assert_int_equal(dma->spanned_pages, 0x80000);
	assert_int_equal(dma->present_pages, 524288);
	assert_log_has(m, "Zone ranges:\n"
			  "  DMA      [mem 0x0000000040000000-0x00000000bfffffff]\n"
			  "  DMA32    empty\n"
			  "  Normal   empty\n"
			  "  Device   empty\n");
	pmm_shutdown(m);
}

/* A node with CPUs and no memory: online, not N_MEMORY (cf. x86_64-4node-1G-3G-0-2G-dist). */
static void test_memoryless_node(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0x100000, 0x40000000);
	struct pmm_machine *m;

	assert_desc_ok(d, pmm_machine_desc_add_node(d, 2, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 3, ""));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND);
	assert_state(m, PMM_N_POSSIBLE, "0,2-3");
	assert_state(m, PMM_N_ONLINE, "0,2");
	assert_state(m, PMM_N_MEMORY, "0");
	assert_state(m, PMM_N_CPU, "0,2");
	assert_int_equal(pmm_node_data(m, 2)->node_present_pages, 0);
	assert_int_equal(pmm_node_data(m, 2)->nr_zones, 0);
	assert_log_has(m, "Initmem setup node 2 as memoryless\n");
	pmm_shutdown(m);
}

/* Interleaved banks (physical_memory.rst): node 0 spans 0-12G, node 1 spans 4-16G. */
static void test_interleaved_nodes(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	const pmm_pg_data_t *n0, *n1;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x1000, 4 * SZ_1G, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 4 * SZ_1G, 8 * SZ_1G, 1, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 8 * SZ_1G, 12 * SZ_1G, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 12 * SZ_1G, 16 * SZ_1G, 1, 0));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	n0 = pmm_node_data(m, 0);
	n1 = pmm_node_data(m, 1);
	assert_int_equal(n0->node_start_pfn, 1);
	assert_int_equal(pmm_pgdat_end_pfn(n0), 12 * SZ_1G >> 12);
	assert_int_equal(n1->node_start_pfn, 4 * SZ_1G >> 12);
	assert_int_equal(pmm_pgdat_end_pfn(n1), 16 * SZ_1G >> 12);
	/* node 0's Normal spans 4G-12G but only 8G-12G is present */
	assert_int_equal(n0->node_zones[PMM_ZONE_NORMAL].spanned_pages, 8 * SZ_1G >> 12);
	assert_int_equal(n0->node_zones[PMM_ZONE_NORMAL].present_pages, 4 * SZ_1G >> 12);
	assert_int_equal(n1->node_zones[PMM_ZONE_NORMAL].spanned_pages, 12 * SZ_1G >> 12);
	assert_int_equal(n1->node_zones[PMM_ZONE_NORMAL].present_pages, 8 * SZ_1G >> 12);
	assert_int_equal(n0->node_zones[PMM_ZONE_DMA].present_pages, 4095);
	assert_int_equal(n0->node_zones[PMM_ZONE_DMA32].present_pages, 0x100000 - 0x1000);
	/* pages of each bank carry their own node */
	assert_int_equal(pmm_pfn_to_nid(m, 6 * SZ_1G >> 12), 1);
	assert_int_equal(pmm_pfn_to_nid(m, 10 * SZ_1G >> 12), 0);
	assert_int_equal(pmm_page_zonenum(pmm_pfn_to_page(m, 10 * SZ_1G >> 12)), PMM_ZONE_NORMAL);
	pmm_shutdown(m);
}

/* managed = present - reserved (machine.json's reserved ranges, x86_64-2node-8G) */
static void test_reserved(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
	struct pmm_machine *m;
	struct pmm_memblock_region r;

	assert_desc_ok(d, pmm_machine_desc_add_reserved(d, 0xf62000, 0xf62000 + 647168));
	assert_desc_ok(d, pmm_machine_desc_add_reserved(d, 0xbbfe0000, 0xbbfe0000 + 67108864));
	assert_desc_ok(d, pmm_machine_desc_add_reserved(d, 0x139a3c000ULL, 0x139a3c000ULL + 106708992));
	assert_desc_ok(d, pmm_machine_desc_add_reserved(d, 0x23acbf000ULL, 0x23acbf000ULL + 87298048));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	/* the fixture's zoneinfo managed counts */
	assert_int_equal(pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA].managed_pages, 3840);
	assert_int_equal(pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32].managed_pages, 765920);
	assert_int_equal(pmm_node_data(m, 0)->node_zones[PMM_ZONE_NORMAL].managed_pages, 236092);
	assert_int_equal(pmm_node_data(m, 1)->node_zones[PMM_ZONE_NORMAL].managed_pages, 1027263);
	assert_true(pmm_PageReserved(pmm_pfn_to_page(m, 0xf62)));
	assert_false(pmm_PageReserved(pmm_pfn_to_page(m, 0xf61)));
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_RESERVED), 4);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_RESERVED, 0, &r), 0);
	assert_int_equal(r.base, 0xf62000);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_RESERVED, 4, &r), -EINVAL);
	/* memblock merged node 0's adjacent ranges of the same node? no: they are not adjacent */
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY), 4);
	pmm_shutdown(m);
}

static void test_memblock_merge(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0x100000, 0x40000000);
	struct pmm_machine *m;
	struct pmm_memblock_region r;

	/* touching ranges of one node merge; of another node or flags they do not */
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x40000000, 0x80000000, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, ""));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x80000000, 0x90000000, 1, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x90000000, 0xa0000000, 1,
						      PMM_MEMORY_HOTPLUGGABLE));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY), 3);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, 0, &r), 0);
	assert_int_equal(r.base, 0x100000);
	assert_int_equal(r.size, 0x80000000 - 0x100000);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, 2, &r), 0);
	assert_int_equal(r.flags, PMM_MEMORY_HOTPLUGGABLE);
	pmm_shutdown(m);
}

/* Two machines in one process do not share anything. */
static void test_two_machines(void **state)
{
	struct pmm_machine *a = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);
	struct pmm_machine *b =
		pmm_test_boot_desc(pmm_test_desc_simple("arm64", 0x40000000, 0x80000000), 0);
	unsigned char *pa = pmm_page_address(a, pmm_pfn_to_page(a, 0x40000));
	unsigned char *pb = pmm_page_address(b, pmm_pfn_to_page(b, 0x40000));

	assert_ptr_not_equal(pa, pb);
	assert_ptr_not_equal(pmm_node_data(a, 0), pmm_node_data(b, 0));
	memset(pa, 0xaa, 4096);
	memset(pb, 0x55, 4096);
	assert_int_equal(pa[100], 0xaa);
	assert_int_equal(pb[100], 0x55);
	assert_int_equal(pmm_machine_arch(a)->id, PMM_ARCH_X86_64);
	assert_int_equal(pmm_machine_arch(b)->id, PMM_ARCH_ARM64);
	assert_int_equal(pmm_page_zonenum(pmm_pfn_to_page(a, 0x40000)), PMM_ZONE_DMA32);
	assert_int_equal(pmm_page_zonenum(pmm_pfn_to_page(b, 0x40000)), PMM_ZONE_DMA);
	pmm_shutdown(a);
	/* b still works after a is gone */
	assert_int_equal(pb[100], 0x55);
	assert_int_equal(pmm_page_to_pfn(b, pmm_pfn_to_page(b, 0x7ffff)), 0x7ffff);
	pmm_shutdown(b);
	pmm_shutdown(NULL);
}

static void test_every_arch_boots(void **state)
{
	static const struct {
		const char *arch;
		pmm_phys_addr_t start, end;
		unsigned long page_size;
	} cases[] = {
		{ "x86_64", 0x1000, 0x40000000, 4096 },
		{ "x86_32", 0x1000, 0x40000000, 4096 },
		{ "x86_32_pae", 0x1000, 0x40000000, 4096 },
		{ "arm64", 0x40000000, 0x80000000, 4096 },
		{ "arm64_16k", 0x40000000, 0x80000000, 16384 },
		{ "arm64_64k", 0x40000000, 0x80000000, 65536 },
		{ "riscv64", 0x80000000, 0xc0000000, 4096 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pmm_machine *m = pmm_test_boot_desc(
			pmm_test_desc_simple(cases[i].arch, cases[i].start, cases[i].end), 0);
		unsigned long first = cases[i].start / cases[i].page_size;
		unsigned long last = cases[i].end / cases[i].page_size - 1;
		unsigned char *p;

		assert_string_equal(pmm_machine_arch(m)->name, cases[i].arch);
		assert_int_equal(pmm_page_size(m), cases[i].page_size);
		assert_int_equal(pmm_node_data(m, 0)->node_present_pages, last - first + 1);
		assert_int_equal(pmm_page_to_pfn(m, pmm_pfn_to_page(m, last)), last);
		p = pmm_page_address(m, pmm_pfn_to_page(m, last));
		p[cases[i].page_size - 1] = 7;
		assert_int_equal(*(unsigned char *)pmm_phys_to_virt(m, cases[i].end - 1), 7);
		pmm_shutdown(m);
	}
}

/*
 * No CPU 0 anywhere (found by fuzz_hwloc: an XML topology whose only node
 * is 1 and has no PU): the boot CPU's node falls back to the first node,
 * which has a pgdat and zonelists, instead of the absent node 0.
 */
static void test_no_cpu0_no_node0(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_page *p;

	(void)state;
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 2, "4-5"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 3, ""));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 1ULL << 20, 1ULL << 30, 2, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 1ULL << 32, (1ULL << 32) + (1ULL << 28), 3, 0));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_non_null(strstr(pmm_boot_log(m), "Fallback order for Node 2: 2 3"));
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	assert_non_null(p);
	pmm_free_pages(m, p, 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);

	/* no CPU at all */
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, ""));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 1ULL << 20, 1ULL << 28, 1, 0));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	assert_non_null(p);
	pmm_free_pages(m, p, 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unknown_arch),
		cmocka_unit_test(test_bad_ranges),
		cmocka_unit_test(test_bad_nodes),
		cmocka_unit_test(test_boot_errors),
		cmocka_unit_test(test_x86_64_2node),
		cmocka_unit_test(test_x86_32_highmem),
		cmocka_unit_test(test_arm64),
		cmocka_unit_test(test_memoryless_node),
		cmocka_unit_test(test_interleaved_nodes),
		cmocka_unit_test(test_reserved),
		cmocka_unit_test(test_memblock_merge),
		cmocka_unit_test(test_two_machines),
		cmocka_unit_test(test_every_arch_boots),
		cmocka_unit_test(test_no_cpu0_no_node0),
		cmocka_unit_test(test_memmap_budget),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Machine description files: the worked examples of physical_memory.rst
 * (examples/machines/) boot to the layouts the document draws, and bad
 * files are refused with an error naming file, line, column and field.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmm_test.h"

#define MiB(x)	((unsigned long)(x) << 8)	/* pfns of x MiB with 4 KiB pages */
#define GiB(x)	((unsigned long)(x) << 18)

static struct pmm_machine *boot_file(const char *name)
{
	char path[1024], err[512];
	struct pmm_machine_desc *d;

	pmm_test_fmt(path, sizeof(path), "%s/examples/machines/%s", PMM_SOURCE_DIR, name);
	if (pmm_machine_desc_from_json(path, &d, err, sizeof(err)))
		fail_msg("%s", err);
	return pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
}

static const struct pmm_zone *zone_of(struct pmm_machine *m, int nid, enum pmm_zone_type z)
{
	return &pmm_node_data(m, nid)->node_zones[z];
}

static void assert_zone(struct pmm_machine *m, int nid, enum pmm_zone_type z, unsigned long start,
			unsigned long end, unsigned long present)
{
	const struct pmm_zone *zone = zone_of(m, nid, z);

	if (zone->zone_start_pfn != start || pmm_zone_end_pfn(zone) != end ||
	    zone->present_pages != present)
		fail_msg("node %d %s: [%#lx, %#lx) present %lu; want [%#lx, %#lx) present %lu", nid,
			 pmm_zone_names[z], zone->zone_start_pfn, pmm_zone_end_pfn(zone),
			 zone->present_pages, start, end, present);
}

static char *diagram(struct pmm_machine *m)
{
	return pmm_test_capture(m, pmm_print_diagram);
}

/* "32-bit kernel on an x86 UMA machine with 2 Gbytes of RAM": DMA to 16M,
 * Normal to 896M (the kernel's exact lowmem end is a little lower), HighMem to 2G */
static void test_seed_x86_32(void **state)
{
	struct pmm_machine *m = boot_file("x86_32-uma-2G.json");
	const struct pmm_zone *high = zone_of(m, 0, PMM_ZONE_HIGHMEM);
	char *dia;

	assert_zone(m, 0, PMM_ZONE_DMA, 1, MiB(16), MiB(16) - 1 - 0x61);
	assert_int_equal(zone_of(m, 0, PMM_ZONE_NORMAL)->zone_start_pfn, MiB(16));
	assert_int_equal(pmm_zone_end_pfn(zone_of(m, 0, PMM_ZONE_NORMAL)), high->zone_start_pfn);
	assert_true(high->zone_start_pfn >= MiB(880) && high->zone_start_pfn <= MiB(896));
	assert_int_equal(pmm_zone_end_pfn(high), GiB(2));
	assert_false(pmm_zone_type_configured(m, PMM_ZONE_DMA32));
	dia = diagram(m);
	assert_non_null(strstr(dia, "|  DMA  |"));
	assert_non_null(strstr(dia, "HIGHMEM"));
	assert_non_null(strstr(dia, "16M"));
	assert_non_null(strstr(dia, "2G"));
	free(dia);
	pmm_shutdown(m);
}

/* arm64, 16 GiB over two nodes, movablecore=80%: the document's boundaries
 * 4200M and 9320M; below 4G the 6.12 kernel of the fixture uses DMA, not DMA32 */
static void test_seed_arm64_movablecore(void **state)
{
	struct pmm_machine *m = boot_file("arm64-2node-16G-movablecore80.json");
	char *dia;

	assert_zone(m, 0, PMM_ZONE_DMA, GiB(1), GiB(4), GiB(3));
	assert_int_equal(zone_of(m, 0, PMM_ZONE_DMA32)->spanned_pages, 0);
	assert_zone(m, 0, PMM_ZONE_NORMAL, GiB(4), MiB(4200), MiB(4200) - GiB(4));
	assert_zone(m, 0, PMM_ZONE_MOVABLE, MiB(4200), GiB(9), GiB(9) - MiB(4200));
	assert_zone(m, 1, PMM_ZONE_NORMAL, GiB(9), MiB(9320), MiB(9320) - GiB(9));
	assert_zone(m, 1, PMM_ZONE_MOVABLE, MiB(9320), GiB(17), GiB(17) - MiB(9320));
	dia = diagram(m);
	assert_non_null(strstr(dia, "4200M"));
	assert_non_null(strstr(dia, "9320M"));
	assert_non_null(strstr(dia, "node 1"));
	assert_non_null(strstr(dia, "MOVABLE"));
	free(dia);
	pmm_shutdown(m);
}

/* four 4 GiB banks, even ones on node 0: node 0 spans 0-12G, node 1 spans 4-16G */
static void test_seed_interleaved(void **state)
{
	struct pmm_machine *m = boot_file("x86_64-interleaved-4x4G.json");
	const pmm_pg_data_t *n0 = pmm_node_data(m, 0), *n1 = pmm_node_data(m, 1);

	assert_int_equal(n0->node_start_pfn, 0);
	assert_int_equal(pmm_pgdat_end_pfn(n0), GiB(12));
	assert_int_equal(n1->node_start_pfn, GiB(4));
	assert_int_equal(pmm_pgdat_end_pfn(n1), GiB(16));
	assert_zone(m, 0, PMM_ZONE_DMA, 0, MiB(16), MiB(16));
	assert_zone(m, 0, PMM_ZONE_DMA32, MiB(16), GiB(4), GiB(4) - MiB(16));
	assert_zone(m, 0, PMM_ZONE_NORMAL, GiB(4), GiB(12), GiB(4));
	assert_zone(m, 1, PMM_ZONE_NORMAL, GiB(4), GiB(16), GiB(8));
	assert_int_equal(n0->node_present_pages, GiB(8));
	assert_int_equal(n1->node_present_pages, GiB(8));
	pmm_shutdown(m);
}

/* ---- bad files ------------------------------------------------------------------------------ */

static void expect_bad(const char *json, int want_err, const char *want_msg)
{
	char path[] = "/tmp/pmm-test-XXXXXX", err[512];
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(json, f);
	fclose(f);
	rc = pmm_machine_desc_from_json(path, &d, err, sizeof(err));
	unlink(path);
	assert_null(d);
	if (rc != want_err || !strstr(err, want_msg) || strncmp(err, path, strlen(path)))
		fail_msg("got %d \"%s\", want %d and \"%s\"", rc, err, want_err, want_msg);
}

#define NODES "\"nodes\": [{\"id\": 0, \"cpus\": \"0\"}],\n"

static void test_bad_files(void **state)
{
	expect_bad("{\"arch\": \"x86_64\",\n \"nodes\": [", -EINVAL, ":2:");	/* malformed */
	expect_bad("[1, 2]", -EINVAL, "(top level): the file must hold one JSON object");
	expect_bad("{\"arch\": \"vax\", " NODES "\"memory\": []}", -EINVAL,
		   ":1:10: arch: unknown architecture \"vax\"");
	expect_bad("{\"arch\": 64}", -EINVAL, ":1:10: arch: unknown architecture");
	expect_bad("{\"nodes\": []}", -EINVAL, ":1:1: arch: missing");
	expect_bad("{\"arch\": \"x86_64\",\n \"nodes\": \"0\"}", -EINVAL,
		   ":2:11: nodes: must be a non-empty array");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [\n  {\"start\": 4096, \"end\": true, \"node\": 0}]}",
		   -EINVAL, ":4:26: memory[0].end: must be a number");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [\n  {\"start\": \"0x1000\", \"end\": \"16M\", \"node\": 0},\n"
		   "  {\"start\": \"8M\", \"size\": \"1G\", \"node\": 0}]}",
		   -EINVAL, ":5:3: memory[1]: memory [0x800000-0x40800000) overlaps [0x1000-0x1000000)");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": 0, \"end\": \"1G\", \"node\": 3}]}",
		   -EINVAL, "memory[0]: memory [0-0x40000000): node 3 is not declared");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": \"0xffffffffffffffffff\", \"end\": 1, \"node\": 0}]}",
		   -ERANGE, ":3:23: memory[0].start: \"0xffffffffffffffffff\" does not fit");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": 0, \"end\": 99999999999999999999999, \"node\": 0}]}",
		   -ERANGE, ":3:");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": \"64T\", \"end\": \"65T\", \"node\": 0}]}",
		   -ERANGE, "memory[0]: memory [0x400000000000-0x410000000000): beyond MAX_PHYSMEM_BITS (46)");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": \"1x\", \"end\": 1, \"node\": 0}]}",
		   -EINVAL, "memory[0].start: \"1x\" is not a number");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": 0, \"end\": \"1G\", \"node\": 0}],\n"
		   " \"sysctl\": {\"vm.watermark_scale_factor\": 0}}",
		   -EINVAL, ":4:42: sysctl.vm.watermark_scale_factor: vm.watermark_scale_factor = 0 is out of range");
	expect_bad("{\"arch\": \"x86_64\",\n" NODES " \"memory\": [{\"start\": 0, \"end\": \"1G\", \"node\": 0}],\n"
		   " \"sysctl\": {\"vm.lowmem_reserve_ratio\": [256, 32]}}",
		   -EINVAL, "has 2 values; x86_64 has 5 zone types");
	expect_bad("{\"arch\": \"x86_64\", \"kernel\": \"5.10\",\n" NODES " \"memory\": []}", -EINVAL,
		   "kernel: must be a version string");
	expect_bad("{\"arch\": \"x86_64\",\n \"nodes\": [{\"id\": 0, \"cpus\": \"0-1\", \"distances\": [10, 20]}]}",
		   -EINVAL, "nodes[0].distances: must list one distance per node (1)");
	expect_bad("{\"arch\": \"x86_64\", \"arch\": \"arm64\"}", -EINVAL, "duplicate");
}

static void test_missing_file(void **state)
{
	struct pmm_machine_desc *d;
	char err[256];

	assert_int_equal(pmm_machine_desc_from_json("/nonexistent/pmm.json", &d, err, sizeof(err)),
			 -ENOENT);
	assert_null(d);
	assert_non_null(strstr(err, "/nonexistent/pmm.json"));
	assert_int_equal(pmm_machine_desc_from_dmesg("/nonexistent/dmesg", &d, err, sizeof(err)),
			 -ENOENT);
}

/* numbers as JSON integers, hex strings and memparse suffixes are the same */
static void test_number_forms(void **state)
{
	char path[] = "/tmp/pmm-test-XXXXXX", err[512];
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_memblock_region r;
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("{\"arch\": \"x86_64\", \"cmdline\": \"mem=3G\",\n" NODES
	      " \"memory\": [{\"start\": 1048576, \"size\": \"0x3ff00000\", \"node\": 0},\n"
	      "            {\"start\": \"1G\", \"end\": \"4096M\", \"node\": 0}],\n"
	      " \"reserved\": [{\"start\": \"16M\", \"size\": \"4K\"}]}", f);
	fclose(f);
	assert_int_equal(pmm_machine_desc_from_json(path, &d, err, sizeof(err)), 0);
	unlink(path);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	/* adjacent ranges merge; mem=3G (x86: an address limit) cuts at 3G */
	assert_int_equal(pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY), 1);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, 0, &r), 0);
	assert_int_equal(r.base, 0x100000);
	assert_int_equal(r.base + r.size, 3 * SZ_1G);
	assert_int_equal(pmm_memblock_region(m, PMM_MEMBLOCK_RESERVED, 0, &r), 0);
	assert_int_equal(r.base, 16 * SZ_1M);
	assert_int_equal(r.size, 4096);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_x86_32),
		cmocka_unit_test(test_seed_arm64_movablecore),
		cmocka_unit_test(test_seed_interleaved),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_number_forms),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

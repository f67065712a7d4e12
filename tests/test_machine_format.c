// SPDX-License-Identifier: MIT
/*
 * Machine description files: the worked examples of physical_memory.rst
 * (examples/machines/) boot to the layouts the document draws, and bad
 * files are refused with an error naming file, line, column and field.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmm_test.h"
#include "internal.h"

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
	expect_bad("{\"arch\": \"x86_64\", \"kernel\": \"2.6\",\n" NODES " \"memory\": []}", -EINVAL,
		   "kernel: kernel version 2.6: pmm reads kernels from 3.0 on");
	expect_bad("{\"arch\": \"x86_64\", \"kernel\": \"suse-15\",\n" NODES " \"memory\": []}",
		   -EINVAL, "neither MAJOR.MINOR nor a known kernel");
	expect_bad("{\"arch\": \"x86_64\", \"kernel\": {\"zones\": [\"Normal\", \"HighMem\", "
		   "\"Movable\"]},\n" NODES " \"memory\": []}", -EINVAL,
		   "kernel.zones: kernel config: x86_64 cannot have ZONE_HIGHMEM");
	expect_bad("{\"arch\": \"arm64\", \"kernel\": {\"zones\": [\"DMA\", \"Normal\"]},\n" NODES
		   " \"memory\": []}", -EINVAL, "every kernel has ZONE_NORMAL and ZONE_MOVABLE");
	expect_bad("{\"arch\": \"arm64\", \"kernel\": {\"zones\": [\"Highmem\"]},\n" NODES
		   " \"memory\": []}", -EINVAL, "kernel.zones[0]: must be one of DMA, DMA32");
	expect_bad("{\"arch\": \"arm64\", \"kernel\": {\"versoin\": \"6.1\"},\n" NODES
		   " \"memory\": []}", -EINVAL, "kernel: unknown key \"versoin\"");
	expect_bad("{\"arch\": \"x86_64\",\n \"nodes\": [{\"id\": 0, \"cpus\": \"0-1\", \"distances\": [10, 20]}]}",
		   -EINVAL, "nodes[0].distances: must list one distance per node (1)");
	expect_bad("{\"arch\": \"x86_64\", \"arch\": \"arm64\"}", -EINVAL, "duplicate");
}

/* Boot a description given as JSON text; its zoneinfo zone names in @zones. */
static struct pmm_machine *boot_json(const char *json)
{
	struct pmm_machine_desc *d;
	char err[512];

	if (pmm_machine_desc_from_json_buffer(json, strlen(json), "test", &d, err, sizeof(err)))
		fail_msg("%s", err);
	return pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
}

/*
 * The kernel's build: Debian 12's arm64 6.1 has no ZONE_DEVICE (its capture,
 * tests/fixtures/linux/arm64-virt-2node-16G-k6.1, shows four zone types per
 * node and a four-value lowmem_reserve_ratio), 6.12 has; a named kernel sets
 * the version; "zones" and "numa" choose the build outright.
 */
static void test_kernel_build(void **state)
{
	static const char mem[] = NODES "\"memory\": [{\"start\": \"1G\", \"end\": \"3G\", \"node\": 0}]}";
	static const struct {
		const char	*kernel;
		bool		device, numa;
	} cases[] = {
		{ "\"6.1\"", false, true }, { "\"6.12\"", true, true },
		{ "\"debian-12\"", false, true }, { "\"ubuntu-24.04\"", true, true },
		{ "{\"version\": \"6.12\", \"zones\": [\"DMA\", \"DMA32\", \"Normal\", \"Movable\"]}",
		  false, true },
		{ "{\"zones\": [\"Normal\", \"Movable\", \"Device\"], \"numa\": false, \"version\": \"6.1\"}",
		  true, false },
	};
	char json[512];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pmm_machine *m;
		const char *log;
		char *zi;

		snprintf(json, sizeof(json), "{\"arch\": \"arm64\", \"kernel\": %s,\n%s", cases[i].kernel,
			 mem);
		m = boot_json(json);
		assert_int_equal(pmm_zone_type_configured(m, PMM_ZONE_DEVICE), cases[i].device);
		assert_int_equal(pmm_machine_arch(m)->numa, cases[i].numa);
		zi = pmm_test_capture(m, pmm_print_zoneinfo);
		log = pmm_boot_log(m);
		assert_int_equal(strstr(zi, "zone   Device") != NULL, cases[i].device);
		assert_int_equal(strstr(log, "  Device   empty") != NULL, cases[i].device);
		/* only NUMA kernels print the policy zone */
		assert_int_equal(strstr(log, "Policy zone: ") != NULL, cases[i].numa);
		free(zi);
		pmm_shutdown(m);
	}
}

/*
 * 6.13 shows each per-CPU list's high_min and high_max ("mm: add pcp
 * high_min high_max to proc zoneinfo"); high_max is zone_highsize() with
 * MIN_PERCPU_PAGELIST_HIGH_FRACTION (8): managed / 8 / the node's CPUs.
 */
static void test_zoneinfo_high_min_max(void **state)
{
	static const char json[] = "{\"arch\": \"x86_64\", \"kernel\": \"%s\",\n" NODES
		"\"memory\": [{\"start\": \"1M\", \"end\": \"2G\", \"node\": 0},"
		" {\"start\": \"4G\", \"end\": \"8G\", \"node\": 0}]}";
	char text[512], want[64];
	int v;

	(void)state;
	for (v = 0; v < 2; v++) {
		struct pmm_machine *m;
		const struct pmm_zone *normal;
		char *zi, *at;

		snprintf(text, sizeof(text), json, v ? "6.13" : "6.12");
		m = boot_json(text);
		normal = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_NORMAL];
		zi = pmm_test_capture(m, pmm_print_zoneinfo);
		at = strstr(zi, "zone   Normal");
		assert_non_null(at);
		snprintf(want, sizeof(want), "high_max: %lu\n", normal->managed_pages / 8);
		if (v) {
			assert_non_null(strstr(at, want));
			snprintf(want, sizeof(want), "high_min: %d\n", normal->pageset_high);
			assert_non_null(strstr(at, want));
		} else {
			assert_null(strstr(zi, "high_min"));
		}
		free(zi);
		pmm_shutdown(m);
	}
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

/* ---- hostile input: each refused at once with a message, never a hang or a crash ----------- */

static void expect_json_buffer(const char *text, size_t len, int want_err, const char *want_msg)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	char err[512];
	int rc = pmm_machine_desc_from_json_buffer(text, len, "in.json", &d, err, sizeof(err));

	assert_null(d);
	if (rc != want_err || !strstr(err, want_msg))
		fail_msg("got %d \"%s\", want %d and \"%s\"", rc, err, want_err, want_msg);
}

static void test_json_nul_bytes(void **state)
{
	static const char nul[] = "{\"arch\":\"x86_64\",\"nodes\":[0\0]}";
	static const char nul2[] = "{\"arch\":\"x86_64\",\n \"nodes\":[{\"id\":0\0}]}";
	static const char nul3[] = "\0";

	(void)state;
	/* the scanner once treated NUL as a delimiter and never advanced */
	expect_json_buffer(nul, sizeof(nul) - 1, -EINVAL, "in.json:1:28: a NUL byte");
	expect_json_buffer(nul2, sizeof(nul2) - 1, -EINVAL, "in.json:2:18: a NUL byte");
	expect_json_buffer(nul3, 1, -EINVAL, "in.json:1:1: a NUL byte");
	/* bare tokens, truncated text, deep nesting */
	expect_json_buffer("{\"arch\":\"x86_64\",\"nodes\":[tru]}", 31, -EINVAL, "in.json:1:");
	expect_json_buffer("{\"arch\":\"x86_64\",\"nodes\":[1,2,", 29, -EINVAL, "in.json:1:");
	expect_json_buffer("", 0, -EINVAL, "in.json:");
}

#define LOG_HEAD "Linux version 6.12.0-amd64 (gcc) #1 SMP\n"				\
		 "Command line: console=ttyS0\n"					\
		 "Early memory node ranges\n"						\
		 "  node   0: [mem 0x0000000000001000-0x000000000009efff]\n"		\
		 "  node   1: [mem 0x0000000000100000-0x000000007fffffff]\n"

static void expect_dmesg(const char *log, int want_err, const char *want_msg)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	char err[512];
	int rc = pmm_machine_desc_from_dmesg_buffer(log, strlen(log), "boot.log", &d, err,
						    sizeof(err));

	if (!want_err) {
		if (rc)
			fail_msg("got %d \"%s\", want 0", rc, err);
		pmm_machine_desc_destroy(d);
		return;
	}
	assert_null(d);
	if (rc != want_err || !strstr(err, want_msg))
		fail_msg("got %d \"%s\", want %d and \"%s\"", rc, err, want_err, want_msg);
}

static void test_dmesg_numbers_checked(void **state)
{
	(void)state;
	expect_dmesg(LOG_HEAD "Fallback order for Node 1: 1 0\n", 0, "");
	/* node ids of fallback lines once indexed a bool[64] out of bounds */
	expect_dmesg(LOG_HEAD "Fallback order for Node 1: 1 0 3127\n", -EINVAL,
		     "boot.log: line 6: node 3127 is out of range 0..");
	expect_dmesg(LOG_HEAD "Fallback order for Node 1: 1 -1\n", -EINVAL, "node -1 is out of range");
	expect_dmesg(LOG_HEAD "Fallback order for Node 99999999999999999999: 0\n", 0, "");
	expect_dmesg(LOG_HEAD "Initmem setup node 64 [mem 0x0-0x1]\n", -EINVAL,
		     "line 6: node 64 is out of range");
	/* early ranges of an impossible node: no node left for the CPUs */
	expect_dmesg("Linux version 6.12.0-amd64\nEarly memory node ranges\n"
		     "  node 700: [mem 0x0000000000001000-0x000000000009efff]\n", -EINVAL,
		     "line 3: node 700 is out of range");
	expect_dmesg(LOG_HEAD "x86: Booting SMP configuration:\n"
		     ".... node  #1, CPUs:        #1 #99999\n", -EINVAL, "line 7: CPU 99999 is out of range");
	/* inverted and overflowing ranges are not memory */
	expect_dmesg("Linux version 6.12.0-amd64\nEarly memory node ranges\n"
		     "  node   0: [mem 0x0000000000200000-0x0000000000100000]\n", -EINVAL,
		     "no \"Early memory node ranges\" block and no e820 map");
	expect_dmesg("Linux version 6.12.0-amd64\nEarly memory node ranges\n"
		     "  node   0: [mem 0x0000000000000000-0xffffffffffffffff]\n", -EINVAL,
		     "no \"Early memory node ranges\"");
}

/* The architecture of a log that @arch (NULL: none) and its lines give, or NULL with @err. */
static const char *dmesg_arch(const char *log, const char *arch, char *err, size_t len,
			      unsigned int *zones, int *numa)
{
	struct pmm_machine_desc *d;

	if (pmm_machine_desc_from_dmesg_buffer_arch(log, strlen(log), "boot.log", arch, &d, err,
						    len))
		return NULL;
	*zones = d->build.zones;
	*numa = (int)d->build.numa;
	arch = d->arch->name;	/* a static string of the profile table */
	arch = pmm_arch_lookup(arch)->name;
	pmm_machine_desc_destroy(d);
	return arch;
}

#define EARLY(lo, hi) "Early memory node ranges\n  node   0: [mem " lo "-" hi "]\n"

/*
 * Logs whose release names no architecture (kernel-reference: a release is
 * free text), told by lines only one architecture prints; the zones and
 * NUMA of their build from "Zone ranges" and "Policy zone".
 */
static void test_dmesg_arch_from_content(void **state)
{
	static const struct {
		const char	*log, *arch, *want;
		unsigned int	zones;	/* 0: not checked */
		int		numa;	/* -1: not checked */
	} cases[] = {
		{ "Linux version 6.4.7-1-cachyos-lto (clang version 15.0.7)\n"
		  "x86/fpu: Supporting XSAVE feature 0x001: 'x87 floating point registers'\n"
		  EARLY("0x0000000000001000", "0x000000007fffffff"), NULL, "x86_64", 0, -1 },
		{ "Linux version 6.1.0-custom (gcc)\nBIOS-e820: [mem 0x0-0x9ffff] usable\n"
		  "Zone ranges:\n  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
		  "  Normal   [mem 0x0000000001000000-0x00000000373fdfff]\n"
		  "  HighMem  [mem 0x00000000373fe000-0x000000007fffffff]\n"
		  EARLY("0x0000000000001000", "0x000000007fffffff"), NULL, "x86_32",
		  (1u << PMM_ZONE_DMA) | (1u << PMM_ZONE_NORMAL) | (1u << PMM_ZONE_HIGHMEM) |
		  (1u << PMM_ZONE_MOVABLE), -1 },
		{ "Linux version 6.1.0-custom (gcc)\nx86/fpu: x87 FPU will use FXSAVE\n"
		  "Zone ranges:\n  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
		  "  Normal   [mem 0x0000000001000000-0x00000000373fdfff]\n"
		  "  HighMem  [mem 0x00000000373fe000-0x000000017fffffff]\n"
		  EARLY("0x0000000000001000", "0x000000017fffffff"), NULL, "x86_32_pae", 0, -1 },
		{ "Linux version 6.12.9-custom (gcc)\n"
		  "Booting Linux on physical CPU 0x0000000000 [0x410fd034]\n"
		  EARLY("0x0000000040000000", "0x000000007fffffff")
		  "Built 1 zonelists, mobility grouping on.  Total pages: 262144\n",
		  NULL, "arm64", 0, 0 },
		{ "Linux version 6.12.16-generic (gcc (Ubuntu 15.2.0-11ubuntu1) 15.2.0)\n"
		  "SBI specification v2.0 detected\nZone ranges:\n"
		  "  Normal   [mem 0x0000000102000000-0x00000008ffffffff]\n"
		  EARLY("0x0000000102000000", "0x00000008ffffffff")
		  "Built 1 zonelists, mobility grouping on.  Total pages: 8380416\n"
		  "Policy zone: Normal\n", NULL, "riscv64",
		  (1u << PMM_ZONE_NORMAL) | (1u << PMM_ZONE_MOVABLE), 1 },
		/* the caller knows better than the lines */
		{ "Linux version 6.12.0 (gcc)\nx86/fpu: x87 FPU will use FXSAVE\n"
		  EARLY("0x0000000040000000", "0x000000007fffffff"), "arm64", "arm64", 0, -1 },
		/* refused */
		{ "Linux version 6.6.0-1-powerpc64le (powerpc64le-linux-gnu-gcc-13)\n"
		  EARLY("0x0000000000000000", "0x000000007fffffff"), NULL,
		  "the log of a kernel for powerpc64: pmm models x86_64", 0, -1 },
		{ "Linux version 6.12.0 (gcc)\n" EARLY("0x0000000000001000", "0x000000007fffffff"),
		  NULL, "nothing says which architecture this log is from", 0, -1 },
		/* 32-bit arm boots "on physical CPU" too (an STM32 board's 5.15 log) */
		{ "Booting Linux on physical CPU 0x0\n"
		  "Linux version 5.15.2 (danila@linux-y8k1) (arm-buildroot-uclinux-uclibcgnueabi-gcc.br_real"
		  " (Buildroot -g9b100d2) 11.1.0, GNU ld (GNU Binutils) 2.32) #2 PREEMPT\n"
		  "CPU: ARMv7-M [410fc241] revision 1 (ARMv7M), cr=00000000\n"
		  EARLY("0x0000000090000000", "0x00000000907fffff"), NULL,
		  "the log of a kernel for arm (32-bit)", 0, -1 },
		{ "Linux version 6.12.0 (gcc)\nx86/fpu: x87 FPU will use FXSAVE\n"
		  "riscv: base ISA extensions acdfimv\n"
		  EARLY("0x0000000000001000", "0x000000007fffffff"), NULL,
		  "lines of more than one architecture (x86, riscv64)", 0, -1 },
		{ "Linux version 6.12.0 (gcc)\n" EARLY("0x0000000000001000", "0x000000007fffffff"),
		  "vax", "unknown architecture \"vax\"", 0, -1 },
	};
	unsigned int i, zones;
	char err[512];
	int numa;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = dmesg_arch(cases[i].log, cases[i].arch, err, sizeof(err), &zones,
					     &numa);

		if (!pmm_arch_lookup(cases[i].want)) {
			if (got || !strstr(err, cases[i].want))
				fail_msg("case %u: got %s \"%s\", want \"%s\"", i, got ? got : "NULL",
					 err, cases[i].want);
			continue;
		}
		if (!got || strcmp(got, cases[i].want))
			fail_msg("case %u: got %s (%s), want %s", i, got ? got : "NULL", err,
				 cases[i].want);
		if (cases[i].zones)
			assert_int_equal(zones, cases[i].zones);
		if (cases[i].numa >= 0)
			assert_int_equal(numa, cases[i].numa);
	}
}

static char *write_json(const struct pmm_machine_desc *d)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	assert_int_equal(pmm_machine_desc_write_json(d, f), 0);
	assert_int_equal(fclose(f), 0);
	return text;
}

/*
 * @d written as a file and read back: written again, the same file (every
 * field kept); and, up to 8 GiB of memory (the boots cost what the memmap
 * costs) and in the VMEMMAP build, the same machine: boot log and zoneinfo
 * alike.
 */
static void assert_round_trip(struct pmm_machine_desc *d, const char *what)
{
	struct pmm_machine_desc *back;
	struct pmm_machine *m1, *m2;
	char *text = write_json(d), *again, err[512], *log1, *log2, *z1, *z2;
	unsigned long long bytes = 0;
	unsigned int i;

	if (pmm_machine_desc_from_json_buffer(text, strlen(text), what, &back, err, sizeof(err)))
		fail_msg("%s: the description written does not read back: %s\n%s", what, err, text);
	again = write_json(back);
	if (strcmp(text, again))
		fail_msg("%s: written, read and written again, it differs:\n%s\n---\n%s", what, text,
			 again);
	free(again);
	for (i = 0; i < d->nr_memory; i++)
		bytes += d->memory[i].end - d->memory[i].start;
	/* the boots compare what the writer kept, which no memory model changes:
	 * once, in the VMEMMAP build (the others' CI time goes to their own tests) */
	if (bytes > (8ULL << 30) || !PMM_CONFIG_SPARSEMEM_VMEMMAP) {
		pmm_machine_desc_destroy(back);
		free(text);
		return;
	}
	m1 = pmm_test_boot(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	m2 = pmm_test_boot_desc(back, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	log1 = strdup(pmm_boot_log(m1));
	log2 = strdup(pmm_boot_log(m2));
	z1 = pmm_test_capture(m1, pmm_print_zoneinfo);
	z2 = pmm_test_capture(m2, pmm_print_zoneinfo);
	if (strcmp(log1, log2))
		fail_msg("%s: boot logs differ after a round trip through\n%s", what, text);
	if (strcmp(z1, z2))
		fail_msg("%s: zoneinfo differs after a round trip through\n%s", what, text);
	free(log1);
	free(log2);
	free(z1);
	free(z2);
	free(text);
	pmm_shutdown(m1);
	pmm_shutdown(m2);
}

/*
 * The zones end where the log printed them: a Raspberry Pi 4's 5.10 kernel
 * limits ZONE_DMA to 30 bits (its DT's dma-ranges), not arm64's default 32;
 * a 32-bit kernel built with a smaller lowmem (vmalloc=) ends Normal early.
 */
static void test_dmesg_zone_ends(void **state)
{
	static const char *const logs[] = {
		"Linux version 5.10.103-v8+ (dom@buildbot) (aarch64-linux-gnu-gcc-8 (Ubuntu/Linaro "
		"8.4.0-3ubuntu1) 8.4.0) #1529 SMP PREEMPT\n"
		"Booting Linux on physical CPU 0x0000000000 [0x410fd083]\n"
		"Zone ranges:\n"
		"  DMA      [mem 0x0000000000000000-0x000000003fffffff]\n"
		"  DMA32    [mem 0x0000000040000000-0x00000000ffffffff]\n"
		"  Normal   [mem 0x0000000100000000-0x00000001ffffffff]\n"
		"Movable zone start for each node\n"
		"Early memory node ranges\n"
		"  node   0: [mem 0x0000000000000000-0x000000003b3fffff]\n"
		"  node   0: [mem 0x0000000040000000-0x00000000fbffffff]\n"
		"  node   0: [mem 0x0000000100000000-0x00000001ffffffff]\n",
		"Linux version 6.1.0-custom-686-pae (gcc)\n"
		"Zone ranges:\n"
		"  DMA      [mem 0x0000000000001000-0x0000000000ffffff]\n"
		"  Normal   [mem 0x0000000001000000-0x000000002fffffff]\n"
		"  HighMem  [mem 0x0000000030000000-0x000000007fffffff]\n"
		"Movable zone start for each node\n"
		"Early memory node ranges\n"
		"  node   0: [mem 0x0000000000001000-0x000000000009efff]\n"
		"  node   0: [mem 0x0000000000100000-0x000000007fffffff]\n",
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(logs) / sizeof(logs[0]); i++) {
		struct pmm_machine_desc *d;
		struct pmm_machine *m;
		const char *line, *zones = strstr(logs[i], "Zone ranges:\n");
		char err[512];

		assert_int_equal(pmm_machine_desc_from_dmesg_buffer(logs[i], strlen(logs[i]), "log",
								    &d, err, sizeof(err)), 0);
		assert_round_trip(d, "log");	/* pmm describe keeps the zone ends */
		m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
		/* every line of the block, as printed */
		for (line = zones; line && strncmp(line, "Movable", 7); line = strchr(line, '\n') + 1) {
			char want[128];

			snprintf(want, sizeof(want), "%.*s", (int)(strchr(line, '\n') - line + 1), line);
			if (!strstr(pmm_boot_log(m), want))
				fail_msg("log %u: no \"%s\" in\n%s", i, want, pmm_boot_log(m));
		}
		pmm_shutdown(m);
	}
}

/* A directory is refused with -EISDIR; a pipe is read to its end. */
static void test_directory_and_pipe(void **state)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	char err[512], path[64], json[1024];
	FILE *f;
	size_t n;
	int fds[2];

	(void)state;
	assert_int_equal(pmm_machine_desc_from_json("/tmp", &d, err, sizeof(err)), -EISDIR);
	assert_null(d);
	assert_non_null(strstr(err, "/tmp: is a directory"));
	assert_int_equal(pmm_machine_desc_from_dmesg("/tmp", &d, err, sizeof(err)), -EISDIR);
	assert_non_null(strstr(err, "/tmp: is a directory"));
	assert_int_equal(pmm_machine_from_hwloc_xml("/tmp", 0, NULL, &d, err, sizeof(err)), -EISDIR);

	/* a machine file through a pipe, as "--machine <(cat file)" gives it */
	pmm_test_fmt(path, sizeof(path), "%s/examples/machines/x86_32-uma-2G.json", PMM_SOURCE_DIR);
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(json, 1, sizeof(json) - 1, f);
	fclose(f);
	assert_true(n > 0 && n < sizeof(json) - 1);	/* fits a pipe's buffer */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(write(fds[1], json, n), (ssize_t)n);
	close(fds[1]);
	pmm_test_fmt(path, sizeof(path), "/proc/self/fd/%d", fds[0]);
	assert_int_equal(pmm_machine_desc_from_json(path, &d, err, sizeof(err)), 0);
	close(fds[0]);
	pmm_machine_desc_destroy(d);
}

/* hwloc would spend minutes building 100000 nodes before pmm refused them */
static void test_synthetic_counted_first(void **state)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	char err[512];

	(void)state;
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:100000 pu:1", 0, NULL, &d, err,
							  sizeof(err)), -EINVAL);
	assert_null(d);
	assert_non_null(strstr(err, "100000 NUMA nodes"));
	assert_int_equal(pmm_machine_from_hwloc_synthetic("pack:65 [numa] core:1 pu:1", 0, NULL, &d,
							  err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "65 NUMA nodes"));
	assert_int_equal(pmm_machine_from_hwloc_synthetic("pack:4096 core:4096 pu:4096", 0, NULL,
							  &d, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "68719476736 PUs"));
	/* 1024 PUs under 72 levels of 1024 objects each */
	{
		char deep[1024] = "pack:1024";
		int i;

		for (i = 0; i < 70; i++)
			strcat(deep, " core:1");
		strcat(deep, " pu:1");
		assert_int_equal(pmm_machine_from_hwloc_synthetic(deep, 0, NULL, &d, err,
								  sizeof(err)), -EINVAL);
		assert_non_null(strstr(err, "73729 objects"));
	}
	/* a bare arity is a level too: 12507 PUs kept hwloc busy for half a minute */
	assert_int_equal(pmm_machine_from_hwloc_synthetic("12507", 0, NULL, &d, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "12507 PUs"));
	/* arities after tokens pmm does not know count too (hwloc took this one) */
	assert_int_equal(pmm_machine_from_hwloc_synthetic("nu+a4 core:50000 pu:77", 0, NULL, &d,
							  err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "3850000 PUs"));
	/* nor does hwloc need spaces between levels */
	assert_int_equal(pmm_machine_from_hwloc_synthetic("nu+a:9 co:5pu:7118", 0, NULL, &d, err,
							  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "320310 PUs"));
	assert_int_equal(pmm_machine_from_hwloc_synthetic("pack:2 core:600 pu:1", 0, NULL, &d, err,
							  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "1200 PUs"));
	assert_int_equal(pmm_machine_from_hwloc_synthetic("pack:2 [numa(memory=1GiB)] core:1 pu:1",
							  0, NULL, &d, err, sizeof(err)), 0);
	pmm_machine_desc_destroy(d);
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

/*
 * pmm describe: every description pmm can read (each fixture's machine
 * file and boot log, the real machines' logs, hwloc topologies) written
 * with pmm_machine_desc_write_json() reads back into the same description
 * and (up to 8 GiB) the same machine: the same boot log (every layout
 * line) and the same zoneinfo.
 */
static void test_write_json_round_trip(void **state)
{
	const char *dirs[] = { PMM_FIXTURES_DIR, PMM_REPO_FIXTURES_DIR "/realworld" };
	unsigned int n = 0, k;

	(void)state;
	for (k = 0; k < 2; k++) {
		DIR *dir = opendir(dirs[k]);
		struct dirent *e;

		assert_non_null(dir);
		while ((e = readdir(dir))) {
			struct pmm_machine_desc *d;
			char path[1024], err[512];

			if (e->d_name[0] == '.')
				continue;
			pmm_test_fmt(path, sizeof(path), "%s/%s/machine.json", dirs[k], e->d_name);
			if (!access(path, R_OK)) {
				if (pmm_machine_desc_from_json(path, &d, err, sizeof(err)))
					fail_msg("%s", err);
				assert_round_trip(d, path);
				pmm_machine_desc_destroy(d);
				n++;
			}
			pmm_test_fmt(path, sizeof(path), "%s/%s/dmesg.txt", dirs[k], e->d_name);
			if (!access(path, R_OK) &&
			    !pmm_machine_desc_from_dmesg(path, &d, err, sizeof(err))) {
				assert_round_trip(d, path);
				pmm_machine_desc_destroy(d);
				n++;
			}
		}
		closedir(dir);
	}
	{
		struct pmm_machine_desc *d;
		char path[1024], err[512];

		pmm_test_fmt(path, sizeof(path), "%s/../hwloc/8intel64-4n2t-memattrs.xml",
			     PMM_FIXTURES_DIR);
		if (access(path, R_OK))
			pmm_test_fmt(path, sizeof(path), "%s/hwloc/8intel64-4n2t-memattrs.xml",
				     PMM_REPO_FIXTURES_DIR);
		if (pmm_machine_from_hwloc_xml(path, 0, NULL, &d, err, sizeof(err)))
			fail_msg("%s: %s", path, err);
		assert_round_trip(d, path);
		pmm_machine_desc_destroy(d);
		n++;
	}
	print_message("%u descriptions written and read back\n", n);
	assert_true(n >= 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_x86_32),
		cmocka_unit_test(test_seed_arm64_movablecore),
		cmocka_unit_test(test_seed_interleaved),
		cmocka_unit_test(test_bad_files),
		cmocka_unit_test(test_kernel_build),
		cmocka_unit_test(test_zoneinfo_high_min_max),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_number_forms),
		cmocka_unit_test(test_json_nul_bytes),
		cmocka_unit_test(test_dmesg_numbers_checked),
		cmocka_unit_test(test_dmesg_arch_from_content),
		cmocka_unit_test(test_dmesg_zone_ends),
		cmocka_unit_test(test_directory_and_pipe),
		cmocka_unit_test(test_synthetic_counted_first),
		cmocka_unit_test(test_write_json_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

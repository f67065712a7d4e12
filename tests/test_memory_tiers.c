// SPDX-License-Identifier: MIT
/*
 * Memory tiers (mm/memory-tiers.c): abstract distances from a driver's
 * type, from HMAT-like performance (mt_perf_to_adistance(), hand-computed
 * below) or DRAM's; tiers by distance / 1024; demotion targets as
 * establish_demotion_targets() picks them, in the kernel's log format;
 * hwloc's memory attributes (the KNL topology's MCDRAM bandwidth) making a
 * tiered machine; and reclaim demoting folios to the lower tier, contents
 * intact, instead of evicting them.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"
#include "internal.h"

#define M	(1ULL << 20)
#define HWLOC_DIR PMM_REPO_FIXTURES_DIR "/hwloc"

static struct pmm_machine *boot_json(const char *json, const char *kernel)
{
	struct pmm_machine_desc *d;
	char err[512];

	if (pmm_machine_desc_from_json_buffer(json, strlen(json), "tiers.json", &d, err,
					      sizeof(err)))
		fail_msg("%s", err);
	if (kernel)
		assert_int_equal(pmm_machine_desc_set_kernel(d, kernel), 0);
	return pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
}

static void assert_in_log(const struct pmm_machine *m, const char *line, bool present)
{
	if ((strstr(pmm_boot_log(m), line) != NULL) != present)
		fail_msg("\"%s\" %s the log:\n%s", line, present ? "not in" : "in", pmm_boot_log(m));
}

/*
 * Node 0 DRAM with CPUs, node 1 a dax/kmem device: tiers 4 and 22, node 0
 * demotes to node 1. From performance figures: node 2 with 2.5x DRAM's
 * latency and half its bandwidth gets 4608 * 500 / 200 * 20000 / 10000 =
 * 23040 (tier 22); node 1 within 10 % of node 0 is DRAM; 20 % off
 * disables the algorithm (all DRAM, the kernel's messages); 6.1 has no
 * such algorithm and prints no targets.
 */
static void test_tiers_from_description(void **state)
{
	static const char dax[] =
		"{\"arch\": \"x86_64\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\"},"
		" {\"id\": 1, \"adistance\": \"dax\"}],"
		" \"memory\": [{\"start\": \"16M\", \"size\": \"256M\", \"node\": 0},"
		"            {\"start\": \"4G\", \"size\": \"256M\", \"node\": 1}]}";
	static const char perf[] =
		"{\"arch\": \"x86_64\", \"nodes\": ["
		" {\"id\": 0, \"cpus\": \"0\", \"perf\": {\"read_latency\": 100, \"write_latency\": 100,"
		"  \"read_bandwidth\": 10000, \"write_bandwidth\": 10000}},"
		" {\"id\": 1, \"cpus\": \"1\", \"perf\": {\"read_latency\": 105, \"write_latency\": 100,"
		"  \"read_bandwidth\": %u, \"write_bandwidth\": 10000}},"
		" {\"id\": 2, \"perf\": {\"read_latency\": 250, \"write_latency\": 250,"
		"  \"read_bandwidth\": 5000, \"write_bandwidth\": 5000}}],"
		" \"memory\": [{\"start\": \"16M\", \"size\": \"256M\", \"node\": 0},"
		"            {\"start\": \"4G\", \"size\": \"256M\", \"node\": 1},"
		"            {\"start\": \"8G\", \"size\": \"256M\", \"node\": 2}]}";
	pmm_nodemask_t pref, fb;
	struct pmm_machine *m;
	char json[2048];

	(void)state;
	m = boot_json(dax, NULL);
	assert_int_equal(pmm_node_adistance(m, 0), 4608);
	assert_int_equal(pmm_node_memory_tier(m, 0), 4);
	assert_int_equal(pmm_node_adistance(m, 1), 23040);
	assert_int_equal(pmm_node_memory_tier(m, 1), 22);
	assert_int_equal(pmm_demotion_targets(m, 0, &pref, &fb), 0);
	assert_true(pmm_node_isset(1, &pref) && pmm_nodes_weight(&pref) == 1);
	assert_true(pmm_node_isset(1, &fb) && pmm_nodes_weight(&fb) == 1);
	assert_int_equal(pmm_demotion_targets(m, 1, &pref, NULL), -ENOENT);
	assert_true(pmm_nodes_empty(&pref));
	assert_int_equal(pmm_next_demotion_node(m, 0), 1);
	assert_int_equal(pmm_next_demotion_node(m, 1), PMM_NUMA_NO_NODE);
	assert_true(pmm_node_is_toptier(m, 0));
	assert_false(pmm_node_is_toptier(m, 1));
	assert_in_log(m, "Demotion targets for Node 0: preferred: 1, fallback: 1\n", true);
	assert_in_log(m, "Demotion targets for Node 1: null\n", true);
	{
		char *out = pmm_test_capture(m, pmm_print_memory_tiers);

		assert_string_equal(out, "memory_tier4: 0\nmemory_tier22: 1\n"
					 "Demotion targets for Node 0: preferred: 1, fallback: 1\n"
					 "Demotion targets for Node 1: null\n");
		free(out);
	}
	pmm_shutdown(m);

	pmm_test_fmt(json, sizeof(json), perf, 10500u);
	m = boot_json(json, NULL);
	assert_int_equal(pmm_node_adistance(m, 0), 4608);
	/* 4608 * 205 / 200 * 20000 / 20500 */
	assert_int_equal(pmm_node_adistance(m, 1), 4608 * 205 / 200 * 20000 / 20500);
	assert_int_equal(pmm_node_memory_tier(m, 1), 4);
	assert_int_equal(pmm_node_adistance(m, 2), 23040);
	assert_int_equal(pmm_node_memory_tier(m, 2), 22);
	assert_int_equal(pmm_demotion_targets(m, 1, &pref, NULL), 0);
	assert_true(pmm_node_isset(2, &pref));
	assert_in_log(m, "Demotion targets for Node 0: preferred: 2, fallback: 2\n", true);
	pmm_shutdown(m);

	pmm_test_fmt(json, sizeof(json), perf, 12000u);
	m = boot_json(json, NULL);
	assert_in_log(m, "memory-tiers: the performance of DRAM node 1 mismatches that of the "
			 "reference\n", true);
	assert_in_log(m, "    read_latency: 105, write_latency: 100, read_bandwidth: 12000, "
			 "write_bandwidth: 10000\n", true);
	assert_int_equal(pmm_node_memory_tier(m, 2), 4);
	assert_in_log(m, "Demotion targets for Node 2: null\n", true);
	pmm_shutdown(m);

	pmm_test_fmt(json, sizeof(json), perf, 10500u);
	m = boot_json(json, "6.1");
	assert_int_equal(pmm_node_memory_tier(m, 2), 4);
	assert_in_log(m, "Demotion targets", false);
	pmm_shutdown(m);
}

/*
 * hwloc: the KNL topology in SNC-4 flat mode gives MCDRAM nodes 4-7 four
 * times the DRAM nodes' bandwidth (90000 against 22500 MiB/s, no
 * latency): 4608 * 45000 / 180000 = 1152, tier 1, DRAM in tier 4, and
 * each MCDRAM node demotes to all DRAM nodes (no distance matrix: all at
 * 20). The A2A KNL says MCDRAM only by name, the memattrs topology has one
 * node's bandwidth: one tier each, as the kernel would make them; the A2A
 * node called NVM instead is dax/kmem memory, tier 22.
 */
static void test_tiers_from_hwloc(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	pmm_nodemask_t pref, fb;
	char err[512];
	int nid;

	(void)state;
	assert_int_equal(pmm_machine_from_hwloc_xml(HWLOC_DIR "/64intel64-fakeKNL-SNC4-hybrid.xml",
						    256 * M, NULL, &d, err, sizeof(err)), 0);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	for (nid = 0; nid < 4; nid++) {
		assert_int_equal(pmm_node_adistance(m, nid), 4608);
		assert_int_equal(pmm_demotion_targets(m, nid, &pref, NULL), -ENOENT);
	}
	for (nid = 4; nid < 8; nid++) {
		assert_int_equal(pmm_node_adistance(m, nid), 1152);
		assert_int_equal(pmm_node_memory_tier(m, nid), 1);
		assert_int_equal(pmm_demotion_targets(m, nid, &pref, &fb), 0);
		assert_int_equal(pmm_nodes_weight(&pref), 4);
		assert_true(pmm_node_isset(0, &pref) && pmm_node_isset(3, &pref));
		assert_true(pmm_nodes_equal(&pref, &fb));
		assert_true(pmm_node_is_toptier(m, nid));
	}
	assert_in_log(m, "Demotion targets for Node 4: preferred: 0-3, fallback: 0-3\n", true);
	pmm_shutdown(m);

	assert_int_equal(pmm_machine_from_hwloc_xml(
		HWLOC_DIR "/8intel64-fakeKNL-A2A-hybrid.rootattachednumas.xml", 256 * M, NULL, &d,
		err, sizeof(err)), 0);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_node_memory_tier(m, 0), 4);
	assert_int_equal(pmm_node_memory_tier(m, 1), 4);
	pmm_shutdown(m);

	/* the same node as hwloc's NVM: what dax/kmem onlines, tier 22 */
	{
		char *xml = pmm_test_read_file(HWLOC_DIR
					       "/8intel64-fakeKNL-A2A-hybrid.rootattachednumas.xml");
		char *at = strstr(xml, "subtype=\"MCDRAM\"");

		assert_non_null(at);
		memcpy(at, "subtype=\"NVM\"   ", 16);
		assert_int_equal(pmm_machine_from_hwloc_xml_buffer(xml, strlen(xml), 256 * M,
								   NULL, &d, err, sizeof(err)), 0);
		free(xml);
		m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
		assert_int_equal(pmm_node_memory_tier(m, 0), 4);
		assert_int_equal(pmm_node_adistance(m, 1), PMM_MEMTIER_DEFAULT_DAX_ADISTANCE);
		assert_int_equal(pmm_next_demotion_node(m, 0), 1);
		pmm_shutdown(m);
	}

	assert_int_equal(pmm_machine_from_hwloc_xml(HWLOC_DIR "/8intel64-4n2t-memattrs.xml",
						    256 * M, NULL, &d, err, sizeof(err)), 0);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	for (nid = 0; nid < 4; nid++)
		assert_int_equal(pmm_node_memory_tier(m, nid), 4);
	pmm_shutdown(m);
}

/* ---- demotion ------------------------------------------------------------------------------ */

struct owner {
	struct pmm_folio	**f;
	unsigned long		n, moved, evicted;
};

static int follow(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct owner *o = arg;
	unsigned long i = to->index;

	(void)order;
	if (i >= o->n || &o->f[i]->page != from)
		return 1;
	o->f[i] = (struct pmm_folio *)to;
	o->moved++;
	return 0;
}

static int let_go(void *arg, struct pmm_folio *folio, int op, pmm_swp_entry_t entry)
{
	struct owner *o = arg;

	(void)entry;
	if (op != PMM_RECLAIM_EVICT)
		return -1;
	o->f[folio->page.index] = NULL;
	o->evicted++;
	return 0;
}

/*
 * Node 0 (DRAM, CPU 0) holds 8192 anonymous folios, node 1 is a dax
 * device; no swap. With demotion off, anon is not reclaimable at all. On,
 * proactive reclaim of 32 pages (swappiness 200: anon has the whole share)
 * demotes 8192 >> 12 = 2, then 8190 >> 11 = 3, 8187 >> 10 = 7,
 * 8180 >> 9 = 15 and 8165 >> 8 = 31 folios: 58 pages, the oldest, now on
 * node 1 with their contents, their owner told; nothing evicted; counted
 * as pgdemote_direct (6.12 counts proactive as direct) and
 * pgmigrate_success.
 */
static void test_demotion(void **state)
{
	static const char json[] =
		"{\"arch\": \"x86_64\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\"},"
		" {\"id\": 1, \"adistance\": \"dax\"}],"
		" \"memory\": [{\"start\": \"16M\", \"size\": \"64M\", \"node\": 0},"
		"            {\"start\": \"4G\", \"size\": \"128M\", \"node\": 1}]}";
	const unsigned long n = 8192;
	struct owner o = { .n = n };
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_INLINE_DAEMONS,
				      .migrate_page = follow, .migrate_page_arg = &o,
				      .reclaim_folio = let_go, .reclaim_folio_arg = &o };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long i, migrated = 0;
	long swappiness = 200;
	char err[512];
	int z;

	(void)state;
	o.f = calloc(n, sizeof(*o.f));
	assert_non_null(o.f);
	assert_int_equal(pmm_machine_desc_from_json_buffer(json, strlen(json), "t.json", &d, err,
							   sizeof(err)), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	assert_int_equal(pmm_sysctl_write(m, "vm.swappiness", &swappiness, 1), 0);
	pmm_set_cpu(m, 0);
	for (i = 0; i < n; i++) {
		struct pmm_folio *f = (struct pmm_folio *)pmm_alloc_pages_node(
			m, 0, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE, 0);

		assert_non_null(f);
		f->page.index = i;
		pmm_page_set_flag(&f->page, PMM_PG_swapbacked);
		memset(pmm_page_address(m, &f->page), (int)(i & 0xff), 4096);
		((unsigned long *)pmm_page_address(m, &f->page))[1] = i;
		o.f[i] = f;
		assert_int_equal(pmm_folio_add_lru(m, f), 0);
	}
	assert_int_equal(pmm_reclaim_node(m, 0, 32), 0);
	assert_false(pmm_set_demotion_enabled(m, true));
	assert_int_equal(pmm_reclaim_node(m, 0, 32), 58);
	assert_int_equal(o.evicted, 0);
	assert_int_equal(o.moved, 58);
	for (i = 0; i < n; i++) {
		const unsigned char *p = pmm_page_address(m, &o.f[i]->page);

		assert_int_equal(pmm_page_to_nid(&o.f[i]->page), i < 58 ? 1 : 0);
		assert_int_equal(((const unsigned long *)p)[1], i);
		assert_int_equal(p[4095], (unsigned char)(i & 0xff));
		assert_true(pmm_page_test_flag(&o.f[i]->page, PMM_PG_lru));
	}
	assert_int_equal(pmm_lru_pages(m, 1, PMM_LRU_INACTIVE_ANON), 58);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON), n - 58);
	assert_int_equal(pmm_node_data(m, 0)->vm_stat[PMM_PGDEMOTE_DIRECT], 58);
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		migrated += pmm_zone_event(m, &pmm_node_data(m, 0)->node_zones[z],
					   PMM_PGMIGRATE_SUCCESS);
	assert_int_equal(migrated, 58);
	assert_true(pmm_set_demotion_enabled(m, false));
	assert_int_equal(pmm_check(m), 0);
	for (i = 0; i < n; i++)
		pmm_folio_put(m, o.f[i]);
	free(o.f);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiers_from_description),
		cmocka_unit_test(test_tiers_from_hwloc),
		cmocka_unit_test(test_demotion),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

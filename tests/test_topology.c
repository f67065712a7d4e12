// SPDX-License-Identifier: MIT
/*
 * Host NUMA: machines from hwloc topologies (synthetic and the XML exports
 * of fixtures/hwloc), simulated CPUs, binding to host nodes, placement
 * verified with the host kernel, and this host described as a machine.
 * Expected values are read off the topologies by hand (lstopo -p --cpuset).
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include "pmm_test.h"
#include "internal.h"

#define HWLOC_DIR PMM_FIXTURES_DIR "/../hwloc"

/* The node order of a node's FALLBACK zonelist. */
static void fallback_order(struct pmm_machine *m, int nid, char *buf, size_t len)
{
	const struct pmm_zoneref *z =
		pmm_node_data(m, nid)->node_zonelists[PMM_ZONELIST_FALLBACK]._zonerefs;
	int last = -1;
	size_t n = 0;

	buf[0] = '\0';
	for (; z->zone; z++) {
		if (z->zone->node == last)
			continue;
		last = z->zone->node;
		pmm_test_fmt(buf + n, len - n, "%s%d", n ? " " : "", last);
		n = strlen(buf);
	}
}

static void assert_states(struct pmm_machine *m, const char *possible, const char *cpu,
			  const char *memory)
{
	char buf[256];

	pmm_nodelist_print(buf, sizeof(buf), pmm_node_states(m, PMM_N_POSSIBLE));
	assert_string_equal(buf, possible);
	pmm_nodelist_print(buf, sizeof(buf), pmm_node_states(m, PMM_N_CPU));
	assert_string_equal(buf, cpu);
	pmm_nodelist_print(buf, sizeof(buf), pmm_node_states(m, PMM_N_MEMORY));
	assert_string_equal(buf, memory);
}

static unsigned long long desc_node_bytes(const struct pmm_machine_desc *d, int nid)
{
	unsigned long long sum = 0;
	unsigned int i;

	for (i = 0; i < d->nr_memory; i++)
		if (d->memory[i].nid == nid)
			sum += d->memory[i].end - d->memory[i].start;
	return sum;
}

/*
 * A node laid out from hwloc's @bytes: it ends on a section (memory block,
 * 128 MiB on x86-64) boundary, the nearest to where @bytes would end it,
 * so it holds @bytes within half a section, less the holes below it.
 */
static void assert_node_layout(const struct pmm_machine_desc *d, int nid, unsigned long long bytes)
{
	unsigned long long got = desc_node_bytes(d, nid), end = 0, half = 64ULL << 20;
	unsigned int i;

	for (i = 0; i < d->nr_memory; i++)
		if (d->memory[i].nid == nid)
			end = d->memory[i].end;
	if (end & ((128ULL << 20) - 1))
		fail_msg("node %d ends at %#llx, not on a 128 MiB boundary", nid, end);
	if (got + half + (1ULL << 20) < bytes || got > bytes + half)
		fail_msg("node %d holds %#llx bytes for hwloc's %#llx", nid, got, bytes);
}

static void assert_cpus(const struct pmm_machine_desc *d, int nid, const char *want)
{
	char buf[1024];

	pmm_cpulist_print(buf, sizeof(buf), &d->nodes[nid].cpus);
	if (strcmp(buf, want))
		fail_msg("node %d CPUs \"%s\", want \"%s\"", nid, buf, want);
}

/* ---- synthetic topologies ------------------------------------------------------------------ */

/* N nodes of two CPUs and 1 GiB each, 10/20 distances: the kernel's choice
 * (nodes above first, then load) makes every fallback order a rotation. */
static void test_synthetic(void **state)
{
	static const int counts[] = { 1, 2, 4, 8 };
	size_t c;

	for (c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		struct pmm_machine_desc *d;
		struct pmm_machine *m;
		char str[64], err[256], want[64], got[64], cpus[16];
		int n = counts[c], nid, k;

		pmm_test_fmt(str, sizeof(str), "numa:%d core:2 pu:1", n);
		assert_int_equal(pmm_machine_from_hwloc_synthetic(str, 0, NULL, &d, err, sizeof(err)), 0);
		for (nid = 0; nid < n; nid++) {
			pmm_test_fmt(cpus, sizeof(cpus), "%d-%d", 2 * nid, 2 * nid + 1);
			assert_cpus(d, nid, cpus);
			/* node 0 loses the holes below 1 MiB to the 1 GiB boundary */
			assert_int_equal(desc_node_bytes(d, nid), nid ? SZ_1G : SZ_1G - 0x62000);
			for (k = 0; k < n; k++)
				assert_int_equal(d->distance[nid][k], nid == k ? 10 : 20);
		}
		m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
		assert_int_equal(pmm_num_node_state(m, PMM_N_ONLINE), n);
		assert_int_equal(pmm_nr_cpus(m), 2 * n);
		for (nid = 0; nid < n; nid++) {
			size_t len = 0;

			assert_int_equal(pmm_node_data(m, nid)->node_present_pages,
					 (nid ? SZ_1G : SZ_1G - 0x62000) >> 12);
			for (k = 0; k < n; k++) {
				pmm_test_fmt(want + len, sizeof(want) - len, "%s%d", k ? " " : "",
					     (nid + k) % n);
				len = strlen(want);
			}
			fallback_order(m, nid, got, sizeof(got));
			assert_string_equal(got, want);
		}
		pmm_shutdown(m);
	}
}

/* memory given per node, other architectures' first addresses */
static void test_synthetic_memory_and_arch(void **state)
{
	struct pmm_machine_desc *d;
	char err[256];

	assert_int_equal(pmm_machine_from_hwloc_synthetic("pack:2 [numa(memory=2GiB)] core:1 pu:1",
							  0, "arm64", &d, err, sizeof(err)), 0);
	assert_int_equal(desc_node_bytes(d, 0), 2 * SZ_1G);
	assert_int_equal(d->memory[0].start, SZ_1G);	/* arm64 RAM starts at 1 GiB on virt */
	pmm_machine_desc_destroy(d);
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:2 pu:1", 512 * SZ_1M, "riscv64", &d,
							  err, sizeof(err)), 0);
	assert_int_equal(desc_node_bytes(d, 1), 512 * SZ_1M);
	assert_int_equal(d->memory[0].start, 2 * SZ_1G);
	assert_int_equal(d->memory[1].start, 2 * SZ_1G + 512 * SZ_1M);
	pmm_machine_desc_destroy(d);
}

/* ---- the XML exports of real machines ------------------------------------------------------- */

struct xml_case {
	const char	*file;
	int		nr_nodes;
	const char	*cpus[24];	/* by node id order of the nodes present */
	int		ids[24];
	unsigned long	mib[24];	/* local_memory of the XML, in whole MiB */
	const char	*possible, *has_cpu;
	int		dist_a, dist_b, dist;	/* one distance to check */
	const char	*fallback[8];	/* fallback orders of the first nodes, or NULL */
};

static const struct xml_case xml_cases[] = {
	{ "16amd64-4distances.xml", 8,
	  { "2-3", "0-1", "4-5", "10-11", "8-9", "6-7", "12-13", "14-15" },
	  { 0, 1, 2, 3, 4, 5, 6, 7 },
	  { 8190, 8192, 8192, 8192, 8192, 8192, 8192, 8192 }, "0-7", "0-7", 0, 5, 20,
	  { "0 1 2 3 4 5 6 7", "1 2 3 4 5 6 7 0", "2 3 4 5 6 7 0 1" } },
	/* CPUs of packages without memory go round robin to nodes with memory */
	{ "16amd64-8n2c-cpusets.xml", 5, { "0,2-3,15", "1,5", "6,12", "13", "14" },
	  { 1, 2, 3, 4, 5 }, { 8192, 8192, 8192, 8192, 8192 }, "1-5", "1-5", 1, 4, 20,
	  { "1 2 3 4 5", "2 3 4 5 1", "3 4 5 1 2" } },
	{ "24em64t-2n6c2t-pci.xml", 2,
	  { "0,2,4,6,8,10,12,14,16,18,20,22", "1,3,5,7,9,11,13,15,17,19,21,23" }, { 0, 1 },
	  { 18421, 18431 }, "0-1", "0-1", 0, 1, 20, { "0 1", "1 0" } },
	/* KNL SNC4: each MCDRAM node shares its DDR node's cpuset and gets no CPU;
	 * CPU-less nodes are preferred at equal distance */
	{ "64intel64-fakeKNL-SNC4-hybrid.xml", 8,
	  { "0-3,16-19,32-35,48-51", "4-7,20-23,36-39,52-55", "8-11,24-27,40-43,56-59",
	    "12-15,28-31,44-47,60-63", "", "", "", "" },
	  { 0, 1, 2, 3, 4, 5, 6, 7 }, { 1024, 1024, 1024, 1024, 2048, 2048, 2048, 2048 },
	  "0-7", "0-3", 0, 7, 20, { "0 4 5 6 7 1 2 3", "1 5 6 7 4 2 3 0" } },
	{ "8intel64-4n2t-memattrs.xml", 4, { "0-1", "2-3", "4-5", "6-7" }, { 0, 1, 2, 3 },
	  { 1024, 1024, 1024, 1024 }, "0-3", "0-3", 2, 3, 20,
	  { "0 1 2 3", "1 2 3 0", "2 3 0 1", "3 0 1 2" } },
	{ "8intel64-fakeKNL-A2A-hybrid.rootattachednumas.xml", 2, { "0-2,13-14,50,109-110", "" },
	  { 0, 1 }, { 49048, 8192 }, "0-1", "0", 0, 1, 20, { "0 1", "1 0" } },
	{ "96em64t-4n4d3ca2co-pci.xml", 4, { "0-23", "24-47", "48-71", "72-95" }, { 0, 1, 2, 3 },
	  { 48894, 48896, 48896, 48896 }, "0-3", "0-3", 1, 3, 26,
	  { "0 1 2 3", "1 2 3 0" } },
	{ "fakeheterodistances.xml", 8, { "0", "6", "12", "18", "24", "30", "36", "42" },
	  { 0, 1, 2, 3, 4, 5, 6, 7 }, { 8189, 16384, 8192, 16384, 8192, 16384, 8192, 16384 },
	  "0-7", "0-7", 0, 3, 22, { "0 1 2 4 6 3 5 7", "1 4 7 3 0 2 5 6" } },
};

static void test_xml_fixtures(void **state)
{
	size_t c;

	assert_int_equal(access(HWLOC_DIR "/24em64t-2n6c2t-pci.xml", R_OK), 0);
	for (c = 0; c < sizeof(xml_cases) / sizeof(xml_cases[0]); c++) {
		const struct xml_case *x = &xml_cases[c];
		char path[1024], err[256], got[64];
		struct pmm_machine_desc *d;
		struct pmm_machine *m;
		int i, declared = 0;

		pmm_test_fmt(path, sizeof(path), "%s/%s", HWLOC_DIR, x->file);
		if (pmm_machine_from_hwloc_xml(path, 0, NULL, &d, err, sizeof(err)))
			fail_msg("%s: %s", x->file, err);
		for (i = 0; i < PMM_MAX_NUMNODES; i++)
			declared += d->nodes[i].declared;
		assert_int_equal(declared, x->nr_nodes);
		for (i = 0; i < x->nr_nodes; i++) {
			assert_true(d->nodes[x->ids[i]].declared);
			assert_cpus(d, x->ids[i], x->cpus[i]);
			assert_node_layout(d, x->ids[i], (unsigned long long)x->mib[i] << 20);
		}
		assert_int_equal(d->distance[x->dist_a][x->dist_b], x->dist);
		pmm_machine_desc_destroy(d);

		/* the same topology with 256 MiB per node, booted */
		if (pmm_machine_from_hwloc_xml(path, 256 * SZ_1M, NULL, &d, err, sizeof(err)))
			fail_msg("%s: %s", x->file, err);
		m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
		assert_states(m, x->possible, x->has_cpu, x->possible);
		for (i = 0; i < 8 && x->fallback[i]; i++) {
			fallback_order(m, x->ids[i], got, sizeof(got));
			if (strcmp(got, x->fallback[i]))
				fail_msg("%s node %d: fallback \"%s\", want \"%s\"", x->file, x->ids[i], got,
					 x->fallback[i]);
		}
		pmm_shutdown(m);
	}
}

/* the 24-node machine: its SLIT-like distances decide the fallback order */
static void test_xml_24_nodes(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	char err[256], got[128];

	assert_int_equal(pmm_machine_from_hwloc_xml(HWLOC_DIR "/192em64t-24n8c2t.xml", 128 * SZ_1M,
						    NULL, &d, err, sizeof(err)), 0);
	assert_int_equal(d->distance[0][1], 50);
	assert_int_equal(d->distance[0][2], 65);
	assert_int_equal(d->distance[0][10], 79);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_num_node_state(m, PMM_N_CPU), 24);
	assert_int_equal(pmm_nr_cpus(m), 384);
	fallback_order(m, 0, got, sizeof(got));
	/* 1 at 50; the 65s (2-9, 12, 13, 16, 17) spread by load; then the 79s */
	assert_true(!strncmp(got, "0 1 ", 4));
	assert_non_null(strstr(got, " 23"));
	pmm_shutdown(m);
}

/* ---- simulated CPUs --------------------------------------------------------------------------- */

static void *thread_cpu(void *arg)
{
	struct pmm_machine *m = arg;

	assert_int_equal(pmm_set_cpu(m, 7), 0);
	assert_int_equal(pmm_get_cpu(m), 7);
	assert_int_equal(pmm_numa_node_id(m), 3);
	return NULL;
}

static void test_cpus(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	pthread_t t;
	char err[256];

	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:4 core:2 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	m = pmm_test_boot_desc(d, 0);
	assert_int_equal(pmm_cpu_to_node(m, 5), 2);
	assert_int_equal(pmm_cpu_to_node(m, 8), PMM_NUMA_NO_NODE);
	assert_int_equal(pmm_set_cpu(m, 5), 0);
	assert_int_equal(pmm_get_cpu(m), 5);
	assert_int_equal(pmm_numa_node_id(m), 2);
	assert_int_equal(pmm_set_cpu(m, 8), -EINVAL);
	/* another thread has its own CPU */
	assert_int_equal(pthread_create(&t, NULL, thread_cpu, m), 0);
	pthread_join(t, NULL);
	assert_int_equal(pmm_get_cpu(m), 5);
	/* back to the host CPU's default: some CPU of the machine */
	assert_int_equal(pmm_set_cpu(m, -1), 0);
	assert_true(pmm_get_cpu(m) >= 0 && pmm_get_cpu(m) < 8);
	assert_int_equal(pmm_numa_node_id(m), pmm_cpu_to_node(m, pmm_get_cpu(m)));
	pmm_shutdown(m);
}

/* a thread driving several machines keeps one CPU per machine, and a new
 * machine (even at a dead one's address) starts unset */
static void test_cpus_many_machines(void **state)
{
	struct pmm_machine *a, *b, *c;
	char err[256];
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:4 core:2 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	a = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:4 core:2 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	b = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_set_cpu(a, 6), 0);
	assert_int_equal(pmm_set_cpu(b, 1), 0);
	assert_int_equal(pmm_get_cpu(a), 6);
	assert_int_equal(pmm_get_cpu(b), 1);
	assert_int_equal(pmm_get_cpu(a), 6);
	assert_int_equal(pmm_numa_node_id(a), 3);
	assert_int_equal(pmm_numa_node_id(b), 0);
	assert_int_equal(pmm_get_cpu(a), 6);
	pmm_shutdown(a);
	/* one CPU: unset, whatever the host CPU, it is CPU 0, not a's cached 6 */
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:1 core:1 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	c = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_get_cpu(c), 0);
	pmm_shutdown(c);
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:4 core:2 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	c = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_set_cpu(c, 2), 0);
	assert_int_equal(pmm_get_cpu(b), 1);
	assert_int_equal(pmm_get_cpu(c), 2);
	pmm_shutdown(c);
	/* same for a machine that was never set on this thread */
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:4 core:2 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	c = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_set_cpu(b, -1), 0);
	assert_true(pmm_get_cpu(c) >= 0 && pmm_get_cpu(c) < 8);
	assert_true(pmm_get_cpu(b) >= 0 && pmm_get_cpu(b) < 8);
	pmm_shutdown(c);
	pmm_shutdown(b);
}

/* ---- binding and placement ---------------------------------------------------------------------- */

struct mismatch_log {
	unsigned long	nr, first_pfn;
	int		want, got;
};

static void record_mismatch(void *arg, unsigned long pfn, int want, int got)
{
	struct mismatch_log *l = arg;

	if (!l->nr++) {
		l->first_pfn = pfn;
		l->want = want;
		l->got = got;
	}
}

static void test_placement(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);
	struct pmm_placement_report r;
	struct mismatch_log log = { 0 };
	int expected[PMM_MAX_NUMNODES], nid;
	unsigned int i, written = 0, on_node1 = 0;
	long rc;

	for (i = 0; i < pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY); i++) {
		struct pmm_memblock_region reg;
		unsigned long first, last, pfn;

		pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, i, &reg);
		first = pmm_phys_pfn(m, reg.base);
		last = pmm_phys_pfn(m, reg.base + reg.size) - 1;
		for (pfn = first; pfn <= last; pfn += (last - first) / 16 + 1) {
			memset(pmm_page_address(m, pmm_pfn_to_page(m, pfn)), 0x5a, 4096);
			written++;
			on_node1 += reg.nid == 1;
		}
		memset(pmm_page_address(m, pmm_pfn_to_page(m, last)), 0xa5, 4096);
		written++;
		on_node1 += reg.nid == 1;
	}
	rc = pmm_verify_placement(m, 0, pmm_max_pfn(m), NULL, NULL, NULL, &r);
	if (rc == -EOPNOTSUPP) {
		pmm_shutdown(m);
		skip();
	}
	assert_int_equal(rc, 0);
	assert_int_equal(r.checked, written);
	assert_int_equal(r.mismatches, 0);
	assert_true(r.untouched > 0x100000);

	/* a wrong expectation for node 1 is reported, page by page */
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
		expected[nid] = pmm_machine_host_node(m, nid, NULL);
	expected[1] = expected[1] + 1;
	rc = pmm_verify_placement(m, 0, pmm_max_pfn(m), expected, record_mismatch, &log, &r);
	assert_int_equal(rc, on_node1);
	assert_int_equal(log.nr, on_node1);
	assert_true(log.first_pfn >= 0x140000);
	assert_int_equal(log.want, expected[1]);
	assert_int_equal(log.got, pmm_machine_host_node(m, 1, NULL));

	/* no host memory for its buffers: -ENOMEM, and the report left alone */
	for (i = 1; i <= 2; i++) {
		struct pmm_placement_report before = { .checked = 77 };

		r = before;
		pmm_fail_nth(i);
		assert_int_equal(pmm_verify_placement(m, 0, pmm_max_pfn(m), NULL, NULL, NULL, &r),
				 -ENOMEM);
		assert_int_equal(pmm_fail_nth_read(), 0);
		assert_int_equal(r.checked, 77);
	}
	pmm_fail_nth(0);
	pmm_shutdown(m);

	m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_verify_placement(m, 0, 10, NULL, NULL, NULL, NULL), -EINVAL);
	pmm_shutdown(m);

	/* booted on demand: pages whose struct pages are still deferred are
	 * checked against their node from the boot's ranges, and stay deferred */
	if (PMM_CONFIG_SPARSEMEM) {
		struct pmm_boot_opts opts = { .defer = PMM_DEFER_ON_DEMAND };
		struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
		unsigned long deferred0, deferred1;

		assert_int_equal(pmm_boot(d, &opts, &m), 0);
		pmm_machine_desc_destroy(d);
		deferred0 = pmm_node_data(m, 0)->first_deferred_pfn;
		deferred1 = pmm_node_data(m, 1)->first_deferred_pfn;
		assert_int_not_equal(deferred0, ~0UL);
		assert_true(deferred1 >= 0x140000 && deferred1 != ~0UL);
		memset(pmm_page_address(m, pmm_pfn_to_page(m, 0x100)), 0x5a, 4096);
		assert_int_equal(pmm_verify_placement(m, 0x100, 16, NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.checked, 1);
		/* one deferred page of each node, written through the direct map only */
		memset(pmm_phys_to_virt(m, pmm_pfn_phys(m, deferred0 + 5)), 0x5a, 4096);
		memset(pmm_phys_to_virt(m, pmm_pfn_phys(m, deferred1 + 7)), 0x5a, 4096);
		assert_int_equal(pmm_verify_placement(m, 0, pmm_max_pfn(m), NULL, NULL, NULL, &r), 0);
		assert_int_equal(r.checked, 3);
		for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
			expected[nid] = pmm_machine_host_node(m, nid, NULL);
		expected[1] = expected[1] + 1;
		memset(&log, 0, sizeof(log));
		assert_int_equal(pmm_verify_placement(m, 0, pmm_max_pfn(m), expected, record_mismatch,
						      &log, &r), 1);
		assert_int_equal(log.first_pfn, deferred1 + 7);
		assert_int_equal(log.want, expected[1]);
		assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, deferred0);
		assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, deferred1);
		pmm_shutdown(m);
	}
}

/* a host topology that is not this system (HWLOC_XMLFILE): binding is skipped and said so */
static void test_not_this_system(void **state)
{
	struct pmm_machine *m;
	enum pmm_bind_status st;

	assert_int_equal(access(HWLOC_DIR "/24em64t-2n6c2t-pci.xml", R_OK), 0);
	setenv("HWLOC_XMLFILE", HWLOC_DIR "/24em64t-2n6c2t-pci.xml", 1);
	m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), 0);
	unsetenv("HWLOC_XMLFILE");
	pmm_machine_host_node(m, 0, &st);
	assert_int_equal(st, PMM_BIND_SKIPPED);
	pmm_machine_host_node(m, 1, &st);
	assert_int_equal(st, PMM_BIND_SKIPPED);
	assert_non_null(strstr(pmm_boot_log(m), "not this system"));
	/* the layout does not depend on binding */
	assert_int_equal(pmm_node_data(m, 1)->node_zones[PMM_ZONE_NORMAL].present_pages, 0x100000);
	memset(pmm_phys_to_virt(m, 0x200000000ULL), 1, 4096);
	pmm_shutdown(m);
}

static void test_bad_inputs(void **state)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	char path[] = "/tmp/pmm-xml-XXXXXX", err[256];
	int fd;

	assert_int_equal(pmm_machine_from_hwloc_xml("/nonexistent.xml", 0, NULL, &d, err, sizeof(err)),
			 -ENOENT);
	assert_null(d);
	assert_non_null(strstr(err, "/nonexistent.xml"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "<topology><object", 17), 17);
	close(fd);
	assert_int_equal(pmm_machine_from_hwloc_xml(path, 0, NULL, &d, err, sizeof(err)), -EINVAL);
	unlink(path);
	assert_non_null(strstr(err, "cannot load"));
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:2 frob:3", 0, NULL, &d, err,
							  sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "cannot load the synthetic topology \"numa:2 frob:3\""));
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:2 pu:1", 0, "vax", &d, err,
							  sizeof(err)), -EINVAL);
	assert_null(d);
}

/* A fuzz input of fuzz_hwloc (first byte 0: XML follows), read whole. */
static char *read_fuzz_xml(const char *name, size_t *len)
{
	char path[1024], *xml;
	long n;
	FILE *f;

	pmm_test_fmt(path, sizeof(path), "%s/fuzz/corpus/hwloc/%s", PMM_SOURCE_DIR, name);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 1);
	rewind(f);
	xml = malloc((size_t)n);
	assert_non_null(xml);
	assert_int_equal(fread(xml, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return xml;
}

/*
 * XML on which libhwloc 2.9 itself dereferences NULL (found by fuzz_hwloc):
 * the load is tried in a child process first, so the caller gets -EINVAL.
 * And XML whose NUMA node has no OS index (hwloc's (unsigned)-1), which
 * once indexed pmm's per-node CPU masks at -1.
 */
static void test_xml_that_crashes_libhwloc(void **state)
{
	struct pmm_machine_desc *d = (struct pmm_machine_desc *)1;
	char err[512], *xml;
	size_t len;

	(void)state;
	xml = read_fuzz_xml("regress-libhwloc-crash-1", &len);
	assert_int_equal(pmm_machine_from_hwloc_xml_buffer(xml + 1, len - 1, 0, NULL, &d, err,
							   sizeof(err)), -EINVAL);
	assert_null(d);
	assert_non_null(strstr(err, "hwloc"));
	free(xml);
	xml = read_fuzz_xml("regress-numa-node-without-os-index", &len);
	assert_int_equal(pmm_machine_from_hwloc_xml_buffer(xml + 1, len - 1, 0, NULL, &d, err,
							   sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "a NUMA node without an OS index"));
	free(xml);
}

/* ---- this host -------------------------------------------------------------------------------------- */

/* Booting this host's description reproduces the host's zones (spanned,
 * present and start exactly; managed depends on what the host reserved). */
static void test_host_matches_proc_zoneinfo(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	FILE *iomem = fopen("/proc/iomem", "r"), *zi = fopen("/proc/zoneinfo", "r");
	char line[256], zone[32] = "";
	int exact = 0, node = -1, compared = 0;

	while (iomem && fgets(line, sizeof(line), iomem))
		exact |= strstr(line, "System RAM") && strncmp(line, "00000000-00000000", 17);
	if (iomem)
		fclose(iomem);
	if (!exact || !zi) {	/* without root, /proc/iomem shows no addresses */
		if (zi)
			fclose(zi);
		skip();
	}
	assert_int_equal(pmm_machine_from_host(&d), 0);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_DIRECT_MAP);
	while (fgets(line, sizeof(line), zi)) {
		unsigned long v;
		const struct pmm_zone *z = NULL;
		int i;

		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2)
			continue;
		for (i = 0; i < PMM_MAX_NR_ZONES && node >= 0; i++)
			if (!strcmp(pmm_zone_names[i], zone) && pmm_node_data(m, node))
				z = &pmm_node_data(m, node)->node_zones[i];
		if (!z)
			continue;
		if (sscanf(line, " spanned %lu", &v) == 1) {
			assert_int_equal(z->spanned_pages, v);
			compared++;
		} else if (sscanf(line, " present %lu", &v) == 1) {
			assert_int_equal(z->present_pages, v);
			compared++;
		} else if (sscanf(line, " start_pfn: %lu", &v) == 1) {
			assert_int_equal(z->zone_start_pfn, v);
		}
	}
	fclose(zi);
	assert_true(compared > 0);
	pmm_shutdown(m);
}

/*
 * The host's kernel, read independently here: its version (uname), the zone
 * types its /proc/zoneinfo lists, CONFIG_NUMA (/sys/devices/system/node),
 * what it does with hot-added memory, and vm.min_free_kbytes.
 */
static void test_host_kernel(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct utsname u;
	unsigned int zones = 0, major = 0, minor = 0;
	char line[256], name[32], online[32] = "";
	long min_free = -1;
	FILE *f;
	int nid, first = -1, z;

	(void)state;
	assert_int_equal(uname(&u), 0);
	assert_int_equal(sscanf(u.release, "%u.%u", &major, &minor), 2);
	f = fopen("/proc/zoneinfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Node %d, zone %31s", &nid, name) == 2 && (first < 0 || nid == first)) {
			first = nid;
			for (z = 0; z < PMM_MAX_NR_ZONES; z++)
				if (!strcmp(name, pmm_zone_names[z]))
					zones |= 1u << z;
		}
	if (f)
		fclose(f);
	f = fopen("/sys/devices/system/memory/auto_online_blocks", "r");
	if (f) {
		if (!fgets(online, sizeof(online), f))
			online[0] = '\0';
		online[strcspn(online, "\n")] = '\0';
		fclose(f);
	}
	f = fopen("/proc/sys/vm/min_free_kbytes", "r");
	if (f) {
		if (fscanf(f, "%ld", &min_free) != 1)
			min_free = -1;
		fclose(f);
	}
	assert_int_equal(pmm_machine_from_host(&d), 0);
	assert_int_equal(d->kernel_version, PMM_KERNEL_VERSION(major, minor));
	if (min_free >= 0)
		assert_int_equal(d->sysctl.min_free_kbytes, min_free);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_DIRECT_MAP);
	if (zones)
		assert_int_equal(m->view.zones_configured, zones);
	assert_int_equal(pmm_machine_arch(m)->numa, access("/sys/devices/system/node", F_OK) == 0);
	if (online[0] && PMM_CONFIG_SPARSEMEM) {	/* memory blocks need memory hotplug */
		char *blocks = pmm_test_capture(m, pmm_print_memory_blocks), want[64];

		snprintf(want, sizeof(want), "auto_online_blocks: %s\n", online);
		assert_non_null(strstr(blocks, want));
		free(blocks);
	}
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic),
		cmocka_unit_test(test_synthetic_memory_and_arch),
		cmocka_unit_test(test_xml_fixtures),
		cmocka_unit_test(test_xml_24_nodes),
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_cpus_many_machines),
		cmocka_unit_test(test_placement),
		cmocka_unit_test(test_not_this_system),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_xml_that_crashes_libhwloc),
		cmocka_unit_test(test_host_matches_proc_zoneinfo),
		cmocka_unit_test(test_host_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

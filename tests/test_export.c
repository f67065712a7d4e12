// SPDX-License-Identifier: MIT
/*
 * pmm_export(): the real tools read a simulated machine. lsmem(1) on the
 * export lists the memory blocks pmm has (state, node, zones, block by
 * block); hwloc's lstopo on it (HWLOC_FSROOT) finds the nodes, their CPUs,
 * their memory and the distance matrix pmm simulates. The procfs files
 * are pmm's reports, byte for byte.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hwloc.h>

#include "pmm_test.h"

#define M	(1ULL << 20)
#define G	(1ULL << 30)

/* three nodes (the third with one CPU), distances 16/22/28, a DIMM hot-added offline to node 2
 * (FLATMEM has no memory hotplug: no DIMM, no memory blocks) */
static struct pmm_machine *boot3(void)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0-1"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 1, "2-3"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 2, "4"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, M, G, 0, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 4 * G, 5 * G, 1, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 5 * G, 5 * G + 512 * M, 2, 0), 0);
	if (!PMM_CONFIG_FLATMEM)
		assert_int_equal(pmm_machine_desc_add_hotplug(d, 6 * G, 6 * G + 512 * M, 2), 0);
	assert_int_equal(pmm_machine_desc_set_cmdline(d, "memhp_default_state=offline"), 0);
	assert_int_equal(pmm_machine_desc_set_distance(d, 0, 1, 16), 0);
	assert_int_equal(pmm_machine_desc_set_distance(d, 1, 0, 16), 0);
	assert_int_equal(pmm_machine_desc_set_distance(d, 0, 2, 22), 0);
	assert_int_equal(pmm_machine_desc_set_distance(d, 2, 0, 22), 0);
	assert_int_equal(pmm_machine_desc_set_distance(d, 1, 2, 28), 0);
	assert_int_equal(pmm_machine_desc_set_distance(d, 2, 1, 28), 0);
	return pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
}

static char *run(const char *cmd)
{
	char *out = NULL;
	size_t len = 0, n;
	char buf[4096];
	FILE *p = popen(cmd, "r"), *f = open_memstream(&out, &len);

	if (!p)
		fail_msg("cannot run %s", cmd);
	assert_non_null(f);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		fwrite(buf, 1, n, f);
	if (pclose(p))
		fail_msg("%s failed:\n%s", cmd, out ? out : "");
	fclose(f);
	return out;
}

static void export_to(struct pmm_machine *m, char *dir)
{
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pmm_export(m, dir), 0);
}

static void remove_dir(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

/* lsmem --sysroot: every block, its state, node and zones as pmm has them */
static void test_lsmem(void **state)
{
	struct pmm_machine *m = boot3();
	char dir[] = "/tmp/pmm-export-XXXXXX", cmd[512], *out, *line;
	unsigned long i, rows = 0;

	(void)state;
	export_to(m, dir);
	if (PMM_CONFIG_FLATMEM) {	/* as a kernel without CONFIG_MEMORY_HOTPLUG: no directory */
		snprintf(cmd, sizeof(cmd), "%s/sys/devices/system/memory", dir);
		assert_int_equal(access(cmd, F_OK), -1);
		assert_int_equal(pmm_memory_block_count(m), 0);
		remove_dir(dir);
		pmm_shutdown(m);
		return;
	}
	snprintf(cmd, sizeof(cmd), "lsmem --sysroot '%s' -a -r -n -o BLOCK,STATE,NODE,ZONES", dir);
	out = run(cmd);
	line = out;
	for (i = 0; i < pmm_memory_block_count(m); i++) {
		struct pmm_memory_block_info info;
		char want[160], zones[64], *nl = strchr(line, '\n');
		int z;

		pmm_memory_block_info(m, i, &info);
		if (info.state == PMM_MEM_ONLINE) {
			snprintf(zones, sizeof(zones), "%s", info.zone >= 0 ?
				 pmm_zone_names[info.zone] : "None");
		} else {	/* lsmem joins valid_zones with '/' */
			snprintf(zones, sizeof(zones), "%s", pmm_zone_names[info.zone]);
			for (z = 0; z < PMM_MAX_NR_ZONES; z++)
				if (z != info.zone && (info.valid_zones >> z) & 1)
					snprintf(zones + strlen(zones), sizeof(zones) - strlen(zones),
						 "/%s", pmm_zone_names[z]);
		}
		snprintf(want, sizeof(want), "%lu %s %d %s", info.id,
			 info.state == PMM_MEM_ONLINE ? "online" : "offline", info.nid, zones);
		if (!nl)
			fail_msg("lsmem lists %lu blocks, pmm %lu:\n%s", rows, pmm_memory_block_count(m),
				 out);
		*nl = '\0';
		if (strcmp(line, want))
			fail_msg("block %lu: lsmem \"%s\", pmm \"%s\"", info.id, line, want);
		line = nl + 1;
		rows++;
	}
	assert_string_equal(line, "");
	assert_int_equal(rows, 8 + 8 + 4 + 4);	/* blocks 0-7, 32-39, 40-43, 48-51 */
	free(out);
	remove_dir(dir);
	pmm_shutdown(m);
}

/* lstopo on the export (HWLOC_FSROOT), its XML read back with libhwloc */
static void test_lstopo(void **state)
{
	struct pmm_machine *m = boot3();
	char dir[] = "/tmp/pmm-export-XXXXXX", cmd[512], *xml;
	hwloc_topology_t topo;
	hwloc_obj_t node = NULL;
	struct hwloc_distances_s *dist[1];
	unsigned int nr = 1, i, j;
	int nodes = 0;

	(void)state;
	export_to(m, dir);
	/* the x86 backend would read the host's CPUID: the export alone describes the machine */
	snprintf(cmd, sizeof(cmd), "HWLOC_FSROOT='%s' HWLOC_COMPONENTS=-x86 "
		 "lstopo-no-graphics --of xml - 2>/dev/null", dir);
	xml = run(cmd);
	assert_int_equal(hwloc_topology_init(&topo), 0);
	assert_int_equal(hwloc_topology_set_xmlbuffer(topo, xml, (int)strlen(xml) + 1), 0);
	assert_int_equal(hwloc_topology_load(topo), 0);
	while ((node = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, node))) {
		int nid = (int)node->os_index, cpu;
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
		unsigned long managed = 0;
		int z;

		assert_true(pmm_node_state(m, nid, PMM_N_ONLINE));
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			managed += pgdat->node_zones[z].managed_pages;
		/* nodeN/meminfo's MemTotal: the node's managed pages */
		assert_int_equal(node->attr->numanode.local_memory, (unsigned long long)managed << 12);
		for (cpu = 0; cpu < pmm_nr_cpus(m); cpu++)
			assert_int_equal(hwloc_bitmap_isset(node->cpuset, (unsigned int)cpu),
					 pmm_cpu_to_node(m, cpu) == nid);
		nodes++;
	}
	assert_int_equal(nodes, 3);
	assert_int_equal(hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_PU), pmm_nr_cpus(m));
	assert_int_equal(hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, dist,
						     HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0), 0);
	assert_int_equal(nr, 1);
	for (i = 0; i < dist[0]->nbobjs; i++)
		for (j = 0; j < dist[0]->nbobjs; j++)
			assert_int_equal(dist[0]->values[i * dist[0]->nbobjs + j],
					 pmm_node_distance(m, (int)dist[0]->objs[i]->os_index,
							   (int)dist[0]->objs[j]->os_index));
	assert_int_equal(pmm_node_distance(m, 1, 2), 28);
	assert_int_equal(pmm_node_distance(m, 0, 3), -EINVAL);
	hwloc_distances_release(topo, dist[0]);
	hwloc_topology_destroy(topo);
	free(xml);
	remove_dir(dir);
	pmm_shutdown(m);
}

/* the procfs files are the reports; a directory that cannot be made is an error */
static void test_proc_files(void **state)
{
	struct pmm_machine *m = boot3();
	char dir[] = "/tmp/pmm-export-XXXXXX", path[512], *file, *report;

	(void)state;
	export_to(m, dir);
	snprintf(path, sizeof(path), "%s/proc/zoneinfo", dir);
	file = pmm_test_read_file(path);
	report = pmm_test_capture(m, pmm_print_zoneinfo);
	assert_string_equal(file, report);
	free(file);
	free(report);
	snprintf(path, sizeof(path), "%s/proc/iomem", dir);
	file = pmm_test_read_file(path);
	assert_string_equal(file, PMM_CONFIG_FLATMEM ?
			    "00100000-3fffffff : System RAM\n"
			    "100000000-15fffffff : System RAM\n" :
			    "00100000-3fffffff : System RAM\n"
			    "100000000-15fffffff : System RAM\n"
			    "180000000-19fffffff : System RAM\n");
	free(file);
	snprintf(path, sizeof(path), "%s/sys/devices/system/node/node1/distance", dir);
	file = pmm_test_read_file(path);
	assert_string_equal(file, "16 10 28\n");
	free(file);
	snprintf(path, sizeof(path), "%s/sys/devices/system/node/node0/cpumap", dir);
	file = pmm_test_read_file(path);
	assert_string_equal(file, "00000003\n");
	free(file);
	remove_dir(dir);
	assert_int_equal(pmm_export(m, "/proc/no/such/dir"), -ENOENT);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lsmem),
		cmocka_unit_test(test_lstopo),
		cmocka_unit_test(test_proc_files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

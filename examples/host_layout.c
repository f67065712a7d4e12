// SPDX-License-Identifier: MIT
/*
 * host_layout: boot this host's memory layout, and a 4-socket machine it
 * does not have, and show where their simulated memory really lives.
 *
 * Build: cc -std=c11 host_layout.c $(pkg-config --cflags --libs pmm)
 */
#include <stdio.h>
#include <string.h>

#include <pmm/pmm.h>

static void show(struct pmm_machine *m, const char *title)
{
	struct pmm_placement_report r;
	unsigned long pfn, step = pmm_max_pfn(m) / 64 + 1;
	int nid;

	printf("== %s: %d nodes, %d CPUs; this thread runs on CPU %d, node %d\n", title,
	       pmm_num_node_state(m, PMM_N_ONLINE), pmm_nr_cpus(m), pmm_get_cpu(m),
	       pmm_numa_node_id(m));
	pmm_for_each_online_node(nid, m) {
		enum pmm_bind_status st;
		int host = pmm_machine_host_node(m, nid, &st);

		printf("  node %d: %lu MiB -> host node %d (%s)\n", nid,
		       pmm_node_data(m, nid)->node_present_pages >> (20 - 12), host,
		       st == PMM_BIND_BOUND ? "bound" : st == PMM_BIND_NONE ? "no memory" : "not bound");
	}
	/* touch a page every 1/64th of memory, then ask the host kernel where they are */
	for (pfn = 0; pfn < pmm_max_pfn(m); pfn += step)
		if (pmm_pfn_valid(m, pfn) && !pmm_PageReserved(pmm_pfn_to_page(m, pfn)))
			memset(pmm_page_address(m, pmm_pfn_to_page(m, pfn)), 1, 64);
	if (pmm_verify_placement(m, 0, pmm_max_pfn(m), NULL, NULL, NULL, &r) >= 0)
		printf("  placement: %lu touched pages checked, %lu on the wrong host node, "
		       "%lu untouched\n", r.checked, r.mismatches, r.untouched);
	else
		printf("  placement: the host kernel cannot tell (no NUMA support)\n");
}

int main(void)
{
	struct pmm_boot_opts opts = { 0 };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	char err[256];

	if (pmm_machine_from_host(&d) || pmm_boot(d, &opts, &m)) {
		fprintf(stderr, "cannot boot this host's layout\n");
		return 1;
	}
	pmm_machine_desc_destroy(d);
	show(m, "this host");
	pmm_shutdown(m);

	/* four sockets, one node each, 1 GiB per node: round robin over the host's nodes */
	if (pmm_machine_from_hwloc_synthetic("pack:4 numa:1 core:4 pu:2", 1ULL << 30, NULL, &d, err,
					     sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (pmm_boot(d, &opts, &m))
		return 1;
	pmm_machine_desc_destroy(d);
	show(m, "a simulated 4-socket machine");
	pmm_shutdown(m);
	return 0;
}

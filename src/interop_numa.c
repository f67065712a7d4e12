// SPDX-License-Identifier: MIT
/*
 * libnuma interop: conversions between pmm_nodemask_t and libnuma's
 * struct bitmask. The only file that includes <numa.h>.
 */
#include <numa.h>

#include "internal.h"
#include <pmm/interop_numa.h>
#include <pmm/topology.h>

int pmm_nodemask_to_bitmask(const pmm_nodemask_t *mask, struct bitmask *bmp)
{
	int node;

	numa_bitmask_clearall(bmp);
	pmm_for_each_node_mask(node, mask) {
		if ((unsigned long)node >= bmp->size)
			return -ERANGE;
		numa_bitmask_setbit(bmp, (unsigned int)node);
	}
	return 0;
}

int pmm_nodemask_from_bitmask(pmm_nodemask_t *mask, const struct bitmask *bmp)
{
	unsigned long i;

	pmm_nodes_clear(mask);
	for (i = 0; i < bmp->size; i++) {
		if (!numa_bitmask_isbitset(bmp, (unsigned int)i))
			continue;
		if (i >= PMM_MAX_NUMNODES)
			return -ERANGE;
		pmm_node_set((int)i, mask);
	}
	return 0;
}

/* ---- where pages really are --------------------------------------------------------------------- */

#define PLACEMENT_BATCH	1024

long pmm_verify_placement(struct pmm_machine *m, unsigned long start_pfn, unsigned long nr_pages,
			  const int *expected,
			  void (*on_mismatch)(void *arg, unsigned long pfn, int expected_host_node,
					      int host_node),
			  void *arg, struct pmm_placement_report *report)
{
	struct pmm_placement_report r = { 0 };
	void *pages[PLACEMENT_BATCH];
	unsigned long pfns[PLACEMENT_BATCH], pfn, end = start_pfn + nr_pages;
	int status[PLACEMENT_BATCH];
	unsigned int n = 0, i;
	/* a page's node: from the boot's deferred ranges while its struct page may be
	 * uninitialised (not touched: on demand, that would grow the memmap), else
	 * from its struct page */
	bool deferred = pmm__deferred_pending(m, start_pfn, end);

	if (!m->view.direct_map)
		return -EINVAL;
	if (numa_available() < 0)
		return -EOPNOTSUPP;
	for (pfn = start_pfn; pfn <= end; pfn++) {
		if (pfn < end && pfn < m->view.pfn_limit &&
		    pmm__memblock_pages_in_range(&m->memblock.memory, m->view.page_shift, -1, pfn,
						 pfn + 1) + pmm__hotplug_pages_in_range(m, pfn, pfn + 1)) {
			pfns[n] = pfn;
			pages[n++] = pmm_phys_to_virt(m, pmm_pfn_phys(m, pfn));
			if (n < PLACEMENT_BATCH)
				continue;
		} else if (pfn < end && n < PLACEMENT_BATCH) {
			continue;
		}
		if (!n)
			continue;
		if (numa_move_pages(0, n, pages, NULL, status, 0))
			return -EOPNOTSUPP;
		for (i = 0; i < n; i++) {
			int nid, want;

			if (status[i] == -ENOENT) {
				r.untouched++;
			} else if (status[i] < 0) {
				r.unknown++;
			} else {
				nid = deferred ? pmm__deferred_nid(m, pfns[i]) : PMM_NUMA_NO_NODE;
				if (nid < 0 && pmm_pfn_valid(m, pfns[i]))
					nid = pmm_page_to_nid(pmm_pfn_to_page(m, pfns[i]));
				want = nid < 0 ? PMM_NUMA_NO_NODE :
				       expected ? expected[nid] : m->node_host[nid].host_node;
				r.checked++;
				if (status[i] != want) {
					r.mismatches++;
					if (on_mismatch)
						on_mismatch(arg, pfns[i], want, status[i]);
				}
			}
		}
		n = 0;
	}
	if (report)
		*report = r;
	return (long)r.mismatches;
}

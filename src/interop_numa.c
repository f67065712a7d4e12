// SPDX-License-Identifier: MIT
/*
 * libnuma interop: conversions between pmm_nodemask_t and libnuma's
 * struct bitmask. The only file that includes <numa.h>.
 */
#define _GNU_SOURCE 1
#include <numa.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

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

#define PLACEMENT_BATCH	1024		/* pages per move_pages() call */
#define PLACEMENT_CHUNK	65536UL		/* pfns per mincore() call */

struct placement {
	struct pmm_machine	*m;
	const int		*expected;
	void			(*on_mismatch)(void *arg, unsigned long pfn, int expected_host_node,
					       int host_node);
	void			*arg;
	bool			deferred;	/* the range holds deferred struct pages */
	struct pmm_placement_report r;
	unsigned int		n;
	void			*pages[PLACEMENT_BATCH];
	unsigned long		pfns[PLACEMENT_BATCH];
	int			status[PLACEMENT_BATCH];
};

/* Ask the host where the batched pages are and compare. Return: 0 or -EOPNOTSUPP. */
static int placement_flush(struct placement *pl)
{
	struct pmm_machine *m = pl->m;
	unsigned int i;

	if (!pl->n)
		return 0;
	if (numa_move_pages(0, pl->n, pl->pages, NULL, pl->status, 0))
		return -EOPNOTSUPP;
	for (i = 0; i < pl->n; i++) {
		unsigned long pfn = pl->pfns[i];
		int nid, want;

		if (pl->status[i] == -ENOENT) {
			pl->r.untouched++;
			continue;
		}
		if (pl->status[i] < 0) {
			pl->r.unknown++;
			continue;
		}
		/* a page's node: from the boot's deferred ranges while its struct page
		 * may be uninitialised (not touched: on demand, that would grow the
		 * memmap), else from its struct page */
		nid = pl->deferred ? pmm__deferred_nid(m, pfn) : PMM_NUMA_NO_NODE;
		if (nid < 0 && pmm_pfn_valid(m, pfn))
			nid = pmm_page_to_nid(pmm_pfn_to_page(m, pfn));
		want = nid < 0 ? PMM_NUMA_NO_NODE :
		       pl->expected ? pl->expected[nid] : m->node_host[nid].host_node;
		pl->r.checked++;
		if (pl->status[i] != want) {
			pl->r.mismatches++;
			if (pl->on_mismatch)
				pl->on_mismatch(pl->arg, pfn, want, pl->status[i]);
		}
	}
	pl->n = 0;
	return 0;
}

/* pages of [start, end) that are RAM: memblock's and those hot-added since */
static unsigned long ram_pages(const struct pmm_machine *m, unsigned long start, unsigned long end)
{
	return pmm__memblock_pages_in_range(&m->memblock.memory, m->view.page_shift, -1, start,
					    end) + pmm__hotplug_pages_in_range(m, start, end);
}

/*
 * The RAM pages of [start, end): those the host has memory behind
 * (mincore(), one byte per host page, a call per chunk) are asked about in
 * batches; the rest are untouched. A 4 TiB machine has 2^30 pfns, nearly
 * all of them never touched: move_pages() on each would take the host
 * minutes.
 */
static int placement_chunk(struct placement *pl, unsigned long start, unsigned long end,
			   unsigned char *vec, unsigned long host_page)
{
	struct pmm_machine *m = pl->m;
	unsigned long ram = ram_pages(m, start, end), pfn, resident = 0;
	uintptr_t base, top;
	bool all = false;

	if (!ram)
		return 0;
	base = (uintptr_t)pmm_phys_to_virt(m, pmm_pfn_phys(m, start)) & ~(host_page - 1);
	top = (uintptr_t)pmm_phys_to_virt(m, pmm_pfn_phys(m, end));
	if (mincore((void *)base, top - base, vec))
		all = true;	/* the host cannot say: ask about every page */
	for (pfn = start; pfn < end; pfn++) {
		uintptr_t at = (uintptr_t)pmm_phys_to_virt(m, pmm_pfn_phys(m, pfn));
		int err;

		if (!all && !(vec[(at - base) / host_page] & 1))
			continue;
		if (!ram_pages(m, pfn, pfn + 1))
			continue;
		resident++;
		pl->pfns[pl->n] = pfn;
		pl->pages[pl->n++] = (void *)at;
		if (pl->n == PLACEMENT_BATCH && (err = placement_flush(pl)))
			return err;
	}
	pl->r.untouched += ram - resident;
	return 0;
}

long pmm_verify_placement(struct pmm_machine *m, unsigned long start_pfn, unsigned long nr_pages,
			  const int *expected,
			  void (*on_mismatch)(void *arg, unsigned long pfn, int expected_host_node,
					      int host_node),
			  void *arg, struct pmm_placement_report *report)
{
	unsigned long end = start_pfn + nr_pages, host_page = (unsigned long)sysconf(_SC_PAGESIZE);
	unsigned long chunk, vec_len;
	struct placement *pl;
	unsigned char *vec;
	int err = 0;
	long ret;

	if (!m->view.direct_map)
		return -EINVAL;
	if (numa_available() < 0)
		return -EOPNOTSUPP;
	if (end > m->view.pfn_limit || end < start_pfn)
		end = m->view.pfn_limit;
	/* one byte per host page of a chunk, and one more for a start not aligned to one */
	vec_len = ((PLACEMENT_CHUNK << m->view.page_shift) + host_page - 1) / host_page + 1;
	pl = pmm__malloc(sizeof(*pl));	/* all of it set below */
	vec = pmm__malloc(vec_len);
	if (!pl || !vec) {
		free(pl);
		free(vec);
		return -ENOMEM;
	}
	*pl = (struct placement){ .m = m, .expected = expected, .on_mismatch = on_mismatch,
				  .arg = arg, .deferred = pmm__deferred_pending(m, start_pfn, end) };
	for (chunk = start_pfn; chunk < end && !err; chunk += PLACEMENT_CHUNK)
		err = placement_chunk(pl, chunk, PMM__MIN(end, chunk + PLACEMENT_CHUNK), vec,
				      host_page);
	if (!err)
		err = placement_flush(pl);
	if (!err && report)
		*report = pl->r;
	ret = err ? err : (long)pl->r.mismatches;
	free(pl);
	free(vec);
	return ret;
}

// SPDX-License-Identifier: MIT
/*
 * NUMA memory policies. Mirrors mm/mempolicy.c: mpol_new,
 * policy_nodemask/policy_node, interleave_nodes,
 * weighted_interleave_nodes, alloc_pages_preferred_many, alloc_pages_mpol;
 * do_migrate_pages() with node_remap() (migrate_pages(2)) over the LRU
 * folios of the source nodes.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* The per-thread state of a machine: its policy and interleave cursor. */
struct thread_policy {
	struct pmm_mempolicy	pol;
	int			il_prev;	/* current->il_prev */
	unsigned int		il_weight;	/* current->il_weight */
	bool			has_cpuset;	/* in a cpuset of its own, not the root one */
	pmm_nodemask_t		mems_allowed;	/* current->mems_allowed */
};

/*
 * The thread's policy of the machine it used last, cached: every allocation
 * asks. Keyed by the machine's id, never reused; a thread's policy is
 * created by that thread only and freed when it exits or the machine goes.
 */
static __thread struct {
	unsigned long		machine_id;
	struct thread_policy	*tp;
} policy_cache;

static void free_thread_policy(void *p)
{
	free(p);
}

int pmm__mempolicy_init(struct pmm_machine *m)
{
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
		m->il_weight[nid] = 1;
	if (pthread_key_create(&m->mpol_key, free_thread_policy))
		return -ENOMEM;
	m->mpol_key_valid = true;
	return 0;
}

void pmm__mempolicy_fini(struct pmm_machine *m)
{
	if (!m->mpol_key_valid)
		return;
	/* the calling thread's state; other threads' state is freed at their exit */
	if (policy_cache.machine_id == m->id)
		policy_cache.machine_id = 0;
	free(pthread_getspecific(m->mpol_key));
	pthread_setspecific(m->mpol_key, NULL);
	pthread_key_delete(m->mpol_key);
	m->mpol_key_valid = false;
}

static struct thread_policy *thread_policy(struct pmm_machine *m, bool create)
{
	struct thread_policy *tp;

	if (policy_cache.machine_id == m->id && (policy_cache.tp || !create))
		return policy_cache.tp;
	tp = m->mpol_key_valid ? pthread_getspecific(m->mpol_key) : NULL;

	if (!tp && create && m->mpol_key_valid) {
		tp = pmm__calloc(1, sizeof(*tp));
		if (tp && pthread_setspecific(m->mpol_key, tp)) {
			free(tp);
			tp = NULL;
		}
		if (tp)
			tp->il_prev = PMM_MAX_NUMNODES - 1;	/* the first interleave goes to the first node */
	}
	if (m->mpol_key_valid) {
		policy_cache.machine_id = m->id;
		policy_cache.tp = tp;
	}
	return tp;
}

int pmm_set_mems_allowed(struct pmm_machine *m, const pmm_nodemask_t *mems)
{
	struct thread_policy *tp;

	/* cpuset.mems: a non-empty subset of the root cpuset's, the nodes with memory */
	if (mems && (pmm_nodes_empty(mems) || !pmm_nodes_subset(mems, pmm_node_states(m, PMM_N_MEMORY))))
		return -EINVAL;
	tp = thread_policy(m, mems != NULL);
	if (!tp)
		return mems ? -ENOMEM : 0;
	tp->has_cpuset = mems != NULL;
	if (mems) {
		tp->mems_allowed = *mems;
		__atomic_store_n(&m->cpusets_enabled, true, __ATOMIC_RELAXED);
	}
	return 0;
}

int pmm_get_mems_allowed(struct pmm_machine *m, pmm_nodemask_t *mems)
{
	const pmm_nodemask_t *cur = pmm__cpuset_current_mems(m);

	*mems = cur ? *cur : *pmm_node_states(m, PMM_N_MEMORY);
	return 0;
}

const pmm_nodemask_t *pmm__cpuset_current_mems(struct pmm_machine *m)
{
	struct thread_policy *tp;

	if (!__atomic_load_n(&m->cpusets_enabled, __ATOMIC_RELAXED))
		return NULL;	/* cpusets_enabled(): nobody has left the root cpuset */
	tp = thread_policy(m, false);
	return tp && tp->has_cpuset ? &tp->mems_allowed : NULL;
}

int pmm_set_mempolicy(struct pmm_machine *m, const struct pmm_mempolicy *pol)
{
	const pmm_nodemask_t *cpuset = pmm__cpuset_current_mems(m);
	struct pmm_mempolicy p = { 0 };
	struct thread_policy *tp;

	if (pol) {
		p = *pol;
		if ((unsigned int)p.mode >= PMM_MPOL_MAX)
			return -EINVAL;
		if (p.has_home_node && (p.mode != PMM_MPOL_BIND && p.mode != PMM_MPOL_PREFERRED_MANY))
			return -EINVAL;
		if (p.has_home_node && !pmm_node_state(m, p.home_node, PMM_N_MEMORY))
			return -EINVAL;
		/* mpol_new()/mpol_set_nodemask(): only nodes with memory in the cpuset count */
		pmm_nodes_and(&p.nodes, &p.nodes, pmm_node_states(m, PMM_N_MEMORY));
		if (cpuset)
			pmm_nodes_and(&p.nodes, &p.nodes, cpuset);
		switch (p.mode) {
		case PMM_MPOL_DEFAULT:
		case PMM_MPOL_LOCAL:
			pmm_nodes_clear(&p.nodes);
			break;
		case PMM_MPOL_PREFERRED:
			if (pmm_nodes_empty(&p.nodes)) {
				p.mode = PMM_MPOL_LOCAL;	/* an empty preferred mask is local */
			} else {
				int first = pmm_first_node(&p.nodes);

				pmm_nodes_clear(&p.nodes);
				pmm_node_set(first, &p.nodes);
			}
			break;
		default:
			if (pmm_nodes_empty(&p.nodes))
				return -EINVAL;
		}
	}
	tp = thread_policy(m, true);
	if (!tp)
		return -ENOMEM;
	tp->pol = p;
	tp->il_prev = PMM_MAX_NUMNODES - 1;
	tp->il_weight = 0;
	return 0;
}

int pmm_get_mempolicy(struct pmm_machine *m, struct pmm_mempolicy *pol)
{
	struct thread_policy *tp = thread_policy(m, false);

	if (tp)
		*pol = tp->pol;
	else
		memset(pol, 0, sizeof(*pol));
	return 0;
}

int pmm_set_il_weight(struct pmm_machine *m, int nid, unsigned int weight)
{
	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !pmm_node_data(m, nid) || !weight || weight > 255)
		return -EINVAL;
	__atomic_store_n(&m->il_weight[nid], (unsigned char)weight, __ATOMIC_RELAXED);
	return 0;
}

/* interleave_nodes(): the next node of the mask after the last one used */
static int interleave_nodes(struct thread_policy *tp, const struct pmm_mempolicy *pol)
{
	int next = pmm_next_node_in(tp->il_prev, &pol->nodes);

	if (next < PMM_MAX_NUMNODES)
		tp->il_prev = next;
	return next;
}

/* weighted_interleave_nodes(): weight[n] allocations on node n, then the next */
static int weighted_interleave_nodes(struct pmm_machine *m, struct thread_policy *tp,
				     const struct pmm_mempolicy *pol)
{
	int node = tp->il_prev;

	if (!tp->il_weight || !pmm_node_isset(node, &pol->nodes)) {
		node = pmm_next_node_in(node, &pol->nodes);
		if (node >= PMM_MAX_NUMNODES)
			return node;
		tp->il_prev = node;
		tp->il_weight = __atomic_load_n(&m->il_weight[node], __ATOMIC_RELAXED);
	}
	tp->il_weight--;
	return node;
}

/* policy_node() with the nodemask of policy_nodemask() */
static struct pmm_page *alloc_with(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				   const struct pmm_mempolicy *pol, struct thread_policy *tp)
{
	int local = pmm_numa_node_id(m), nid;
	struct pmm_page *page;

	switch (pol->mode) {
	case PMM_MPOL_PREFERRED:
		return pmm_alloc_pages_nodemask(m, gfp, order, pmm_first_node(&pol->nodes), NULL);
	case PMM_MPOL_BIND: {
		/* apply_policy_zone(): masks only bind allocations that may use policy_zone */
		int z = pmm_gfp_zone(m, gfp);
		bool apply = z >= (int)__atomic_load_n(&m->policy_zone, __ATOMIC_RELAXED) ||
			     z == PMM_ZONE_MOVABLE;

		nid = pol->has_home_node ? pol->home_node : local;
		return pmm_alloc_pages_nodemask(m, gfp, order, nid, apply ? &pol->nodes : NULL);
	}
	case PMM_MPOL_PREFERRED_MANY:
		/* alloc_pages_preferred_many(): the mask first, quietly, then anywhere */
		nid = pol->has_home_node ? pol->home_node :
		      pmm_node_isset(local, &pol->nodes) ? local : pmm_first_node(&pol->nodes);
		page = pmm_alloc_pages_nodemask(m, (gfp | __PMM_GFP_NOWARN | __PMM_GFP_NORETRY) &
						      ~__PMM_GFP_DIRECT_RECLAIM,
						order, nid, &pol->nodes);
		return page ? page : pmm_alloc_pages_nodemask(m, gfp, order, nid, NULL);
	case PMM_MPOL_INTERLEAVE:
	case PMM_MPOL_WEIGHTED_INTERLEAVE:
		nid = pol->mode == PMM_MPOL_INTERLEAVE ? interleave_nodes(tp, pol) :
							 weighted_interleave_nodes(m, tp, pol);
		if (nid >= PMM_MAX_NUMNODES)
			nid = local;
		page = pmm_alloc_pages_nodemask(m, gfp, order, nid, NULL);
		if (page && pmm_page_to_nid(page) == nid) {
			struct pmm_zone *zone = pmm_page_zone(m, page);
			int cpu = pmm_get_cpu(m);

			if (cpu < 0 || cpu >= m->nr_cpu_ids)
				cpu = 0;
			__atomic_fetch_add(&zone->per_cpu_pageset[cpu].numa_events[PMM_NUMA_INTERLEAVE],
					   1, __ATOMIC_RELAXED);
		}
		return page;
	case PMM_MPOL_LOCAL:
	case PMM_MPOL_DEFAULT:
	default:
		return pmm_alloc_pages_nodemask(m, gfp, order, local, NULL);
	}
}

struct pmm_page *pmm_alloc_pages_mpol(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				      const struct pmm_mempolicy *pol)
{
	struct thread_policy *tp = thread_policy(m, pol && (pol->mode == PMM_MPOL_INTERLEAVE ||
							  pol->mode == PMM_MPOL_WEIGHTED_INTERLEAVE));
	static const struct pmm_mempolicy local_policy = { .mode = PMM_MPOL_LOCAL };

	if (!pol)
		pol = tp ? &tp->pol : &local_policy;
	if ((pol->mode == PMM_MPOL_INTERLEAVE || pol->mode == PMM_MPOL_WEIGHTED_INTERLEAVE) && !tp)
		return NULL;	/* no memory for the cursor */
	return alloc_with(m, gfp, order, pol, tp);
}

struct pmm_page *pmm_alloc_pages(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order)
{
	struct thread_policy *tp = thread_policy(m, false);

	/* the default policy is local allocation: the fast path */
	if (!tp || tp->pol.mode == PMM_MPOL_DEFAULT || tp->pol.mode == PMM_MPOL_LOCAL)
		return pmm_alloc_pages_nodemask(m, gfp, order, PMM_NUMA_NO_NODE, NULL);
	return alloc_with(m, gfp, order, &tp->pol, tp);
}

/* node_remap(): the node of @to in the place @s has in @from (modulo @to's weight) */
static int node_remap(int s, const pmm_nodemask_t *from, const pmm_nodemask_t *to)
{
	int w = pmm_nodes_weight(to), ord = 0, n;

	if (!w || !pmm_node_isset(s, from))
		return s;
	pmm_for_each_node_mask(n, from) {
		if (n == s)
			break;
		ord++;
	}
	ord %= w;
	pmm_for_each_node_mask(n, to)
		if (!ord--)
			return n;
	return s;	/* not reached */
}

/* migrate_to_node(): every LRU folio of node @source to @dest, a cluster at a time */
static int migrate_to_node(struct pmm_machine *m, int source, int dest, unsigned long *nr_failed)
{
	pmm_pg_data_t *pgdat = m->view.node_data[source];
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		struct pmm_zone *zone = &pgdat->node_zones[z];
		unsigned long pfn, end = pmm_zone_end_pfn(zone);

		if (!pmm_populated_zone(zone) || z == PMM_ZONE_DEVICE)
			continue;
		for (pfn = zone->zone_start_pfn; pfn < end;) {
			struct pmm_list_head batch;
			unsigned long n = 0;
			int rc;

			pmm__list_init(&batch);
			for (; pfn < end && n < 32; pfn++) {
				struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);
				struct pmm_page *page;

				if (!pmm_pfn_valid(m, pfn) || (ms && !pmm_online_section(ms)))
					continue;
				page = pmm_pfn_to_page(m, pfn);
				if (pmm_PageBuddy(page)) {	/* racy: the order is checked */
					unsigned long order = pmm_page_private(page);

					if (order <= m->max_page_order)
						pfn += (1UL << order) - 1;
					continue;
				}
				if (!pmm_page_test_flag(page, PMM_PG_lru) || pmm_PageTail(page) ||
				    pmm_page_zone(m, page) != zone ||
				    !pmm_folio_isolate_lru(m, (struct pmm_folio *)page))
					continue;
				pfn += (1UL << pmm_compound_order(page)) - 1;
				pmm__list_add(&page->lru, &batch);
				n++;
			}
			if (!n)
				continue;
			rc = pmm__migrate_to_node(m, &batch, dest, nr_failed);
			if (rc == -ENOMEM)
				return rc;
		}
	}
	return 0;
}

int pmm_migrate_pages(struct pmm_machine *m, const pmm_nodemask_t *from, const pmm_nodemask_t *to)
{
	unsigned long nr_failed = 0;
	pmm_nodemask_t tmp;
	int n;

	if (!m || !from || !to)
		return -EINVAL;
	pmm_for_each_node_mask(n, to)
		if (!pmm_node_state(m, n, PMM_N_MEMORY)) {
			pmm__pr_err(m, "pmm: migrate_pages: destination node %d has no memory", n);
			return -EINVAL;
		}
	/* do_migrate_pages(): a source whose destination is not a source still to do goes first */
	pmm_nodes_and(&tmp, from, pmm_node_states(m, PMM_N_MEMORY));
	while (!pmm_nodes_empty(&tmp)) {
		int s, source = -1, dest = 0, err;

		pmm_for_each_node_mask(s, &tmp) {
			int d;

			if (pmm_nodes_weight(from) != pmm_nodes_weight(to) && pmm_node_isset(s, to))
				continue;
			d = node_remap(s, from, to);
			if (s == d)
				continue;
			source = s;
			dest = d;
			if (!pmm_node_isset(dest, &tmp))
				break;
		}
		if (source < 0)
			break;
		pmm_node_clear(source, &tmp);
		err = migrate_to_node(m, source, dest, &nr_failed);
		if (err < 0)
			return err;
	}
	return (int)PMM__MIN(nr_failed, (unsigned long)INT_MAX);
}

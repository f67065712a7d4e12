// SPDX-License-Identifier: MIT
/*
 * Memory tiers (mm/memory-tiers.c of kernel 6.12): each node with memory
 * gets a memory type by its abstract distance -- a driver's (dax/kmem),
 * the one HMAT's performance figures give it (mt_perf_to_adistance(), from
 * 6.7), or DRAM's -- once, at memory_tier_late_init() or when it first gets
 * memory; tiers are the types' distances rounded down to 1024
 * (memory_tierN, N = adistance >> 10), fastest first;
 * establish_demotion_targets() gives each node the nearest nodes of the
 * next tier down as its preferred demotion targets and every lower tier as
 * the fallback, and logs them (dump_demotion_targets(), in the 6.12 boot
 * logs, not in 6.1's).
 *
 * Readers (reclaim's next_demotion_node()) take the tiers' lock, where the
 * kernel reads under RCU: tiers change only when a node gains or loses all
 * its memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct pmm__memtier {
	int		adistance_start;
	pmm_nodemask_t	nodes;
	pmm_nodemask_t	lower_tier_mask;
};

struct pmm__memory_tiers {
	pmm_lock_t		lock;
	/* node_memory_types[]: a node's type, fixed when first set; 0: none yet */
	int			type[PMM_MAX_NUMNODES];
	bool			driver_type[PMM_MAX_NUMNODES];	/* set by a "driver" */
	bool			perf_set[PMM_MAX_NUMNODES];
	struct pmm_access_coordinate perf[PMM_MAX_NUMNODES];
	/* default_dram_perf: the reference node's, or an error that disables it */
	struct pmm_access_coordinate dram_perf;
	int			dram_ref_nid;
	bool			dram_perf_error;
	/* the tiers, by adistance_start; a node's tier while it has memory */
	struct pmm__memtier	tier[PMM_MAX_NUMNODES];
	int			nr_tiers;
	int			node_tier[PMM_MAX_NUMNODES];	/* index in tier[], -1: none */
	pmm_nodemask_t		preferred[PMM_MAX_NUMNODES];	/* node_demotion[] */
	int			top_tier_adistance;
	bool			demotion_enabled;
	unsigned long long	rnd;
};

/*
 * dump_demotion_targets()'s lines are in the 6.12 captures' logs (and a
 * real 6.12 machine's), not in 6.1's, nor in a real 7.0's: printed from 6.10
 * (where between 6.1 and 6.12 they appeared is not pinned down by a log)
 * until 7.0.
 */
static bool dumps_targets(const struct pmm_machine *m)
{
	return m->kernel_version >= PMM_KERNEL_VERSION(6, 10) &&
	       m->kernel_version < PMM_KERNEL_VERSION(7, 0);
}

/* the adistance algorithm from HMAT performance (mt_perf_to_adistance()) exists from 6.7 */
static bool perf_algorithm(const struct pmm_machine *m)
{
	return m->kernel_version >= PMM_KERNEL_VERSION(6, 7);
}

static void dump_hmem_attrs(struct pmm_machine *m, const struct pmm_access_coordinate *c)
{
	pmm__pr_info(m, "    read_latency: %u, write_latency: %u, read_bandwidth: %u, "
		     "write_bandwidth: %u", c->read_latency, c->write_latency, c->read_bandwidth,
		     c->write_bandwidth);
}

static unsigned int diff(unsigned int a, unsigned int b)
{
	return a > b ? a - b : b - a;
}

/* mt_set_default_dram_perf(): the first DRAM node's figures; the others within 10 % */
static void set_default_dram_perf(struct pmm_machine *m, struct pmm__memory_tiers *mt, int nid)
{
	const struct pmm_access_coordinate *p = &mt->perf[nid], *ref = &mt->dram_perf;

	if (mt->dram_perf_error || p->read_latency + p->write_latency == 0 ||
	    p->read_bandwidth + p->write_bandwidth == 0)
		return;
	if (mt->dram_ref_nid == PMM_NUMA_NO_NODE) {
		mt->dram_perf = *p;
		mt->dram_ref_nid = nid;
		return;
	}
	if (diff(p->read_latency, ref->read_latency) * 10ULL > ref->read_latency ||
	    diff(p->write_latency, ref->write_latency) * 10ULL > ref->write_latency ||
	    diff(p->read_bandwidth, ref->read_bandwidth) * 10ULL > ref->read_bandwidth ||
	    diff(p->write_bandwidth, ref->write_bandwidth) * 10ULL > ref->write_bandwidth) {
		pmm__pr_info(m, "memory-tiers: the performance of DRAM node %d mismatches that of "
			     "the reference", nid);
		pmm__pr_info(m, "DRAM node %d.", mt->dram_ref_nid);
		pmm__pr_info(m, "  performance of reference DRAM node %d from ACPI HMAT:",
			     mt->dram_ref_nid);
		dump_hmem_attrs(m, ref);
		pmm__pr_info(m, "  performance of DRAM node %d from ACPI HMAT:", nid);
		dump_hmem_attrs(m, p);
		pmm__pr_info(m, "  disable default DRAM node performance based abstract distance "
			     "algorithm.");
		mt->dram_perf_error = true;
	}
}

/* mt_calc_adistance() with HMAT's algorithm: DRAM's, scaled by latency and bandwidth */
static int calc_adistance(const struct pmm_machine *m, const struct pmm__memory_tiers *mt,
			  int nid)
{
	const struct pmm_access_coordinate *p = &mt->perf[nid], *ref = &mt->dram_perf;
	unsigned long long adist;

	if (!perf_algorithm(m) || !mt->perf_set[nid] || mt->dram_perf_error ||
	    mt->dram_ref_nid == PMM_NUMA_NO_NODE ||
	    p->read_latency + p->write_latency == 0 || p->read_bandwidth + p->write_bandwidth == 0)
		return PMM_MEMTIER_ADISTANCE_DRAM;
	/* the kernel's int arithmetic, in this order */
	adist = (unsigned long long)PMM_MEMTIER_ADISTANCE_DRAM *
		(p->read_latency + p->write_latency) / (ref->read_latency + ref->write_latency) *
		(ref->read_bandwidth + ref->write_bandwidth) /
		(p->read_bandwidth + p->write_bandwidth);
	return adist > 0x7fffffff ? 0x7fffffff : (int)adist;
}

/* set_node_memory_tier() for every node with memory: its type, fixed at the first time */
static void set_node_types(struct pmm_machine *m, struct pmm__memory_tiers *mt)
{
	int nid;

	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		if (!mt->type[nid])
			mt->type[nid] = calc_adistance(m, mt, nid);
}

/* the tiers of the nodes with memory, by distance; node_tier[] */
static void build_tiers(struct pmm_machine *m, struct pmm__memory_tiers *mt)
{
	int nid, i, j;

	mt->nr_tiers = 0;
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
		mt->node_tier[nid] = -1;
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY) {
		int start = mt->type[nid] & ~(PMM_MEMTIER_CHUNK_SIZE - 1);

		for (i = 0; i < mt->nr_tiers && mt->tier[i].adistance_start < start; i++)
			;
		if (i == mt->nr_tiers || mt->tier[i].adistance_start != start) {
			for (j = mt->nr_tiers; j > i; j--)
				mt->tier[j] = mt->tier[j - 1];
			memset(&mt->tier[i], 0, sizeof(mt->tier[i]));
			mt->tier[i].adistance_start = start;
			mt->nr_tiers++;
		}
		pmm_node_set(nid, &mt->tier[i].nodes);
	}
	for (i = 0; i < mt->nr_tiers; i++)
		for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
			if (pmm_node_isset(nid, &mt->tier[i].nodes))
				mt->node_tier[nid] = i;
}

static void print_nodelist(char *buf, size_t len, const pmm_nodemask_t *mask)
{
	pmm_nodelist_print(buf, len, mask);
}

/* establish_demotion_targets(), then dump_demotion_targets() */
static void establish_demotion_targets(struct pmm_machine *m, struct pmm__memory_tiers *mt)
{
	pmm_nodemask_t lower = *pmm_node_states(m, PMM_N_MEMORY);
	int nid, i;

	build_tiers(m, mt);
	memset(mt->preferred, 0, sizeof(mt->preferred));
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY) {
		pmm_nodemask_t used = *pmm_node_states(m, PMM_N_MEMORY);
		int t = mt->node_tier[nid], best_distance = -1;

		if (t < 0 || t == mt->nr_tiers - 1)
			continue;
		/* the next tier's nodes: all others are "used" for find_next_best_node() */
		for (i = 0; i < PMM_MAX_NUMNODES; i++)
			if (pmm_node_isset(i, &mt->tier[t + 1].nodes))
				pmm_node_clear(i, &used);
		for (;;) {
			int target = pmm__find_next_best_node(m, nid, &used), distance;

			if (target == PMM_NUMA_NO_NODE)
				break;
			distance = m->distance[nid][target];
			if (distance != best_distance && best_distance != -1)
				break;
			best_distance = distance;
			pmm_node_set(target, &mt->preferred[nid]);
		}
	}
	/* the top tier: the lowest one with CPUs, and any above it */
	mt->top_tier_adistance = 0;
	for (i = mt->nr_tiers - 1; i >= 0; i--) {
		pmm_nodemask_t cpus;

		pmm_nodes_and(&cpus, &mt->tier[i].nodes, pmm_node_states(m, PMM_N_CPU));
		if (!pmm_nodes_empty(&cpus)) {
			mt->top_tier_adistance = mt->tier[i].adistance_start +
						 PMM_MEMTIER_CHUNK_SIZE - 1;
			break;
		}
	}
	for (i = 0; i < mt->nr_tiers; i++) {
		pmm_nodes_andnot(&lower, &lower, &mt->tier[i].nodes);
		mt->tier[i].lower_tier_mask = lower;
	}
	if (!dumps_targets(m))
		return;
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY) {
		char pref[256], fb[256];

		if (mt->node_tier[nid] < 0)
			continue;
		if (pmm_nodes_empty(&mt->preferred[nid])) {
			pmm__pr_info(m, "Demotion targets for Node %d: null", nid);
			continue;
		}
		print_nodelist(pref, sizeof(pref), &mt->preferred[nid]);
		print_nodelist(fb, sizeof(fb), &mt->tier[mt->node_tier[nid]].lower_tier_mask);
		pmm__pr_info(m, "Demotion targets for Node %d: preferred: %s, fallback: %s", nid,
			     pref, fb);
	}
}

int pmm__memory_tiers_init(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	struct pmm__memory_tiers *mt;
	int nid;

	if (!m->arch->numa)
		return 0;	/* memory-tiers.c is built with CONFIG_NUMA */
	mt = pmm__calloc(1, sizeof(*mt));
	if (!mt)
		return -ENOMEM;
	pthread_mutex_init(&mt->lock, NULL);
	mt->dram_ref_nid = PMM_NUMA_NO_NODE;
	mt->rnd = 0x9e3779b97f4a7c15ULL ^ m->id;
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		mt->perf_set[nid] = d->nodes[nid].perf_set;
		mt->perf[nid] = d->nodes[nid].perf;
		/* a driver's memory type (init_node_memory_type()) comes first */
		if (d->nodes[nid].adistance) {
			mt->type[nid] = d->nodes[nid].adistance;
			mt->driver_type[nid] = true;
		}
	}
	/* hmat_set_default_dram_perf(): the nodes with CPUs and memory, in id order */
	if (perf_algorithm(m))
		pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
			if (pmm_node_state(m, nid, PMM_N_CPU) && mt->perf_set[nid] &&
			    !mt->driver_type[nid])
				set_default_dram_perf(m, mt, nid);
	m->tiers = mt;
	/* memory_tier_late_init() */
	set_node_types(m, mt);
	establish_demotion_targets(m, mt);
	return 0;
}

void pmm__memory_tiers_node_changed(struct pmm_machine *m, int nid)
{
	struct pmm__memory_tiers *mt = m->tiers;

	if (!mt)
		return;
	pthread_mutex_lock(&mt->lock);
	if (pmm_node_state(m, nid, PMM_N_MEMORY) && !mt->type[nid])
		mt->type[nid] = calc_adistance(m, mt, nid);
	establish_demotion_targets(m, mt);
	pthread_mutex_unlock(&mt->lock);
}

void pmm__memory_tiers_fini(struct pmm_machine *m)
{
	if (!m->tiers)
		return;
	pthread_mutex_destroy(&m->tiers->lock);
	free(m->tiers);
	m->tiers = NULL;
}

static bool node_ok(const struct pmm_machine *m, int nid)
{
	return m && m->tiers && nid >= 0 && nid < PMM_MAX_NUMNODES;
}

int pmm_node_adistance(const struct pmm_machine *m, int nid)
{
	int v = -1;

	if (!node_ok(m, nid))
		return -1;
	pthread_mutex_lock(&m->tiers->lock);
	if (m->tiers->node_tier[nid] >= 0)
		v = m->tiers->type[nid];
	pthread_mutex_unlock(&m->tiers->lock);
	return v;
}

int pmm_node_memory_tier(const struct pmm_machine *m, int nid)
{
	int v = pmm_node_adistance(m, nid);

	return v < 0 ? -1 : v >> PMM_MEMTIER_CHUNK_BITS;
}

bool pmm_node_is_toptier(const struct pmm_machine *m, int nid)
{
	bool top = true;

	if (!node_ok(m, nid))
		return true;
	pthread_mutex_lock(&m->tiers->lock);
	if (m->tiers->node_tier[nid] >= 0)
		top = m->tiers->tier[m->tiers->node_tier[nid]].adistance_start <=
		      m->tiers->top_tier_adistance;
	pthread_mutex_unlock(&m->tiers->lock);
	return top;
}

int pmm_demotion_targets(const struct pmm_machine *m, int nid, pmm_nodemask_t *preferred,
			 pmm_nodemask_t *fallback)
{
	int t;

	if (preferred)
		pmm_nodes_clear(preferred);
	if (fallback)
		pmm_nodes_clear(fallback);
	if (!node_ok(m, nid))
		return -ENOENT;
	pthread_mutex_lock(&m->tiers->lock);
	t = m->tiers->node_tier[nid];
	if (preferred)
		*preferred = m->tiers->preferred[nid];
	if (fallback && t >= 0)
		*fallback = m->tiers->tier[t].lower_tier_mask;
	pthread_mutex_unlock(&m->tiers->lock);
	return pmm_nodes_empty(&m->tiers->preferred[nid]) ? -ENOENT : 0;
}

int pmm_next_demotion_node(struct pmm_machine *m, int nid)
{
	struct pmm__memory_tiers *mt;
	int target = PMM_NUMA_NO_NODE, w, k, n;

	if (!node_ok(m, nid))
		return PMM_NUMA_NO_NODE;
	mt = m->tiers;
	pthread_mutex_lock(&mt->lock);
	w = pmm_nodes_weight(&mt->preferred[nid]);
	if (w) {
		/* node_random(): a uniform pick (xorshift64, per machine) */
		mt->rnd ^= mt->rnd << 13;
		mt->rnd ^= mt->rnd >> 7;
		mt->rnd ^= mt->rnd << 17;
		k = (int)(mt->rnd % (unsigned long long)w);
		for (n = pmm_first_node(&mt->preferred[nid]); k--; n = pmm_next_node(n, &mt->preferred[nid]))
			;
		target = n;
	}
	pthread_mutex_unlock(&mt->lock);
	return target;
}

bool pmm__can_demote(const struct pmm_machine *m, int nid)
{
	bool can;

	if (!node_ok(m, nid) || !__atomic_load_n(&m->tiers->demotion_enabled, __ATOMIC_RELAXED))
		return false;
	pthread_mutex_lock(&m->tiers->lock);
	can = !pmm_nodes_empty(&m->tiers->preferred[nid]);
	pthread_mutex_unlock(&m->tiers->lock);
	return can;
}

unsigned long pmm__demotion_fallback(const struct pmm_machine *m, int nid, pmm_nodemask_t *mask)
{
	pmm_demotion_targets(m, nid, NULL, mask);
	return (unsigned long)pmm_nodes_weight(mask);
}

bool pmm_set_demotion_enabled(struct pmm_machine *m, bool enabled)
{
	bool before;
	int nid;

	if (!m || !m->tiers)
		return false;
	before = __atomic_exchange_n(&m->tiers->demotion_enabled, enabled, __ATOMIC_RELAXED);
	if (!before && enabled)
		pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
			pmm__kswapd_reset_failures(m->view.node_data[nid]);
	return before;
}

int pmm_print_memory_tiers(const struct pmm_machine *m, FILE *f)
{
	struct pmm__memory_tiers *mt = m->tiers;
	char list[256], fb[256];
	int i, nid, err = 0;

	if (!mt)
		return fprintf(f, "no memory tiers: the kernel is built without NUMA\n") < 0 ? -EIO : 0;
	pthread_mutex_lock(&mt->lock);
	for (i = 0; i < mt->nr_tiers && !err; i++) {
		print_nodelist(list, sizeof(list), &mt->tier[i].nodes);
		if (fprintf(f, "memory_tier%d: %s\n",
			    mt->tier[i].adistance_start >> PMM_MEMTIER_CHUNK_BITS, list) < 0)
			err = -EIO;
	}
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY) {
		if (err || mt->node_tier[nid] < 0)
			continue;
		if (pmm_nodes_empty(&mt->preferred[nid])) {
			if (fprintf(f, "Demotion targets for Node %d: null\n", nid) < 0)
				err = -EIO;
			continue;
		}
		print_nodelist(list, sizeof(list), &mt->preferred[nid]);
		print_nodelist(fb, sizeof(fb), &mt->tier[mt->node_tier[nid]].lower_tier_mask);
		if (fprintf(f, "Demotion targets for Node %d: preferred: %s, fallback: %s\n", nid,
			    list, fb) < 0)
			err = -EIO;
	}
	pthread_mutex_unlock(&mt->lock);
	return err;
}

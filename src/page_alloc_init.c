// SPDX-License-Identifier: MIT
/*
 * Boot-time set-up of the page allocator: zonelists, watermarks, lowmem
 * reserves and per-CPU list sizes. Mirrors mm/page_alloc.c:
 * build_all_zonelists, build_zonelists, find_next_best_node,
 * build_zonerefs_node, calculate_min_free_kbytes, __setup_per_zone_wmarks,
 * setup_per_zone_lowmem_reserve, calculate_totalreserve_pages,
 * zone_batchsize, zone_highsize; and mm/khugepaged.c's
 * set_recommended_min_free_kbytes.
 */
#include <string.h>

#include "internal.h"

#define PENALTY_FOR_NODE_WITH_CPUS	1
#define SWAP_CLUSTER_MAX		32UL

/* ---- managed pages at zonelist build time ---------------------------------------------------- */

/* x86-64's dma_reserve (memblock_find_dma_reserve): reserved pages below 16 MiB. */
static unsigned long dma_reserve(const struct pmm_machine *m)
{
	const struct pmm_zone *dma;

	if (m->arch->id != PMM_ARCH_X86_64)
		return 0;
	dma = &m->view.node_data[m->boot_cpu_nid]->node_zones[PMM_ZONE_DMA];
	return dma->present_pages - dma->managed_pages;
}

/* calc_memmap_size(): pages of struct page a zone costs, as 6.1 estimated it. */
static unsigned long calc_memmap_size(const struct pmm_machine *m, unsigned long spanned,
				      unsigned long present)
{
	unsigned long pages = spanned;
	unsigned long page_size = 1UL << m->view.page_shift;

	if (spanned > present + (present >> 4) && m->arch->kernel_sparsemem)
		pages = present;
	return PMM__ALIGN(pages * m->arch->struct_page_size, page_size) >> m->view.page_shift;
}

/*
 * zone->managed_pages between free_area_init_core() and memblock_free_all():
 * present_pages from 6.10 on ("mm/mm_init.c: remove meaningless calculation
 * of zone->managed_pages in free_area_init_core()", "remove the useless
 * dma_reserve", March 2024); before, present minus the memmap estimate
 * (lowmem zones) and, for the first zone, dma_reserve.
 */
static unsigned long provisional_managed(const struct pmm_machine *m, const struct pmm_zone *zone)
{
	enum pmm_zone_type idx = pmm_zone_idx(zone);
	unsigned long freesize = zone->present_pages, memmap;

	if (m->kernel_version >= PMM_KERNEL_VERSION(6, 10) || !zone->spanned_pages)
		return freesize;
	memmap = calc_memmap_size(m, zone->spanned_pages, zone->present_pages);
	if (!pmm__is_highmem_idx(m, idx) && freesize >= memmap)
		freesize -= memmap;
	if (idx == PMM_ZONE_DMA && freesize > dma_reserve(m))
		freesize -= dma_reserve(m);
	return freesize;
}

/* ---- zonelists -------------------------------------------------------------------------------- */

/* build_zonerefs_node(): the zones of a node, highest first. */
static int build_zonerefs_node(struct pmm_machine *m, pmm_pg_data_t *pgdat,
			       struct pmm_zoneref *zonerefs)
{
	int z, nr = 0;

	for (z = PMM_MAX_NR_ZONES - 1; z >= 0; z--) {
		struct pmm_zone *zone = &pgdat->node_zones[z];

		if (!provisional_managed(m, zone))
			continue;
		zonerefs[nr].zone = zone;
		zonerefs[nr].zone_idx = z;
		nr++;
		/* check_highest_zone() */
		if (z != PMM_ZONE_MOVABLE && (enum pmm_zone_type)z > m->policy_zone_next)
			m->policy_zone_next = (enum pmm_zone_type)z;
	}
	return nr;
}

/* find_next_best_node(): distance, then nodes above us, then CPU-less, then load. */
int pmm__find_next_best_node(struct pmm_machine *m, int node, pmm_nodemask_t *used)
{
	const int *node_load = m->node_load;
	int n, best_node = PMM_NUMA_NO_NODE;
	long val, min_val = 0x7fffffff;
	/* since 6.7 a memoryless local node is skipped */
	bool skip_memoryless = m->kernel_version >= PMM_KERNEL_VERSION(6, 7);

	if (!pmm_node_isset(node, used) &&
	    (!skip_memoryless || pmm_node_state(m, node, PMM_N_MEMORY))) {
		pmm_node_set(node, used);
		return node;
	}
	pmm_for_each_node_state(n, m, PMM_N_MEMORY) {
		if (pmm_node_isset(n, used))
			continue;
		val = m->distance[node][n];
		val += (n < node);
		if (pmm_cpumask_weight(&m->node_cpus[n]))
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val *= PMM_MAX_NUMNODES;
		val += node_load[n];
		if (val < min_val) {
			min_val = val;
			best_node = n;
		}
	}
	if (best_node >= 0)
		pmm_node_set(best_node, used);
	return best_node;
}

/*
 * Publish a zonelist built aside: allocations walk zonelists without a
 * lock while hotplug rebuilds them, so each entry's zone pointer is
 * stored atomically (readers derive the zone index from it), the
 * terminator last. A reader may meet a mix of the old and the new list
 * for a moment; it retries when a walk that failed saw a rebuild
 * (zonelist_update_seq).
 */
static void publish_zonelist(struct pmm_zoneref *dst, const struct pmm_zoneref *src, int nr)
{
	int i;

	for (i = 0; i < nr; i++) {
		__atomic_store_n(&dst[i].zone_idx, src[i].zone_idx, __ATOMIC_RELAXED);
		__atomic_store_n(&dst[i].zone, src[i].zone, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&dst[nr].zone_idx, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&dst[nr].zone, (struct pmm_zone *)NULL, __ATOMIC_RELEASE);
}

static void build_zonelists(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	struct pmm_zoneref zr[PMM_MAX_ZONES_PER_ZONELIST + 1], self[PMM_MAX_NR_ZONES + 1];
	int node_order[PMM_MAX_NUMNODES], nr_nodes = 0, local = pgdat->node_id, prev = local;
	pmm_nodemask_t used;
	char line[16 + 4 * PMM_MAX_NUMNODES];
	int node, i, nr = 0;
	size_t len;

	pmm_nodes_clear(&used);
	if (!m->arch->numa) {
		/* !NUMA: this node, then the others in id order from here */
		node_order[nr_nodes++] = local;
		for (node = local + 1; node < PMM_MAX_NUMNODES; node++)
			if (pmm_node_state(m, node, PMM_N_ONLINE))
				node_order[nr_nodes++] = node;
		for (node = 0; node < local; node++)
			if (pmm_node_state(m, node, PMM_N_ONLINE))
				node_order[nr_nodes++] = node;
	} else {
		while ((node = pmm__find_next_best_node(m, local, &used)) >= 0) {
			if (m->distance[local][node] != m->distance[local][prev])
				m->node_load[node] += 1;
			node_order[nr_nodes++] = node;
			prev = node;
		}
	}
	for (i = 0; i < nr_nodes; i++)
		nr += build_zonerefs_node(m, m->view.node_data[node_order[i]], zr + nr);
	publish_zonelist(pgdat->node_zonelists[PMM_ZONELIST_FALLBACK]._zonerefs, zr, nr);
	nr = build_zonerefs_node(m, pgdat, self);
	publish_zonelist(pgdat->node_zonelists[PMM_ZONELIST_NOFALLBACK]._zonerefs, self, nr);

	/* printed from 5.14 on ("mm/page_alloc: print node fallback order") */
	if (!m->arch->numa || m->kernel_version < PMM_KERNEL_VERSION(5, 14))
		return;
	len = (size_t)snprintf(line, sizeof(line), "Fallback order for Node %d: ", local);
	for (i = 0; i < nr_nodes && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%d ", node_order[i]);
	pmm__pr_info(m, "%s", line);
}

/* nr_free_zone_pages(): managed above the high watermark, zones <= offset, local zonelist. */
static unsigned long nr_free_zone_pages(struct pmm_machine *m, enum pmm_zone_type offset,
					bool provisional)
{
	const struct pmm_zoneref *z =
		m->view.node_data[m->boot_cpu_nid]->node_zonelists[PMM_ZONELIST_FALLBACK]._zonerefs;
	unsigned long sum = 0;

	for (; z->zone; z++) {
		unsigned long managed, high;

		if ((enum pmm_zone_type)z->zone_idx > offset)
			continue;
		managed = provisional ? provisional_managed(m, z->zone) : z->zone->managed_pages;
		high = z->zone->_watermark[PMM_WMARK_HIGH] + z->zone->watermark_boost;
		if (managed > high)
			sum += managed - high;
	}
	return sum;
}

void pmm__build_all_zonelists(struct pmm_machine *m)
{
	unsigned long total;
	int nid;

	__atomic_fetch_add(&m->zonelist_seq, 1, __ATOMIC_SEQ_CST);	/* odd: rebuilding */
	m->policy_zone_next = PMM_ZONE_DMA;
	memset(m->node_load, 0, sizeof(m->node_load));
	pmm_for_each_node(nid, m)
		build_zonelists(m, m->view.node_data[nid]);
	__atomic_store_n(&m->policy_zone, m->policy_zone_next, __ATOMIC_RELAXED);
	__atomic_fetch_add(&m->zonelist_seq, 1, __ATOMIC_SEQ_CST);
	m->nr_online_nodes = (unsigned long)pmm_num_node_state(m, PMM_N_ONLINE);
	/* gfp_zone(GFP_HIGHUSER_MOVABLE) is ZONE_MOVABLE */
	total = nr_free_zone_pages(m, PMM_ZONE_MOVABLE, !m->booted);
	__atomic_store_n(&m->page_group_by_mobility_disabled,
			 total < (1UL << m->pageblock_order) * PMM_MIGRATE_TYPES, __ATOMIC_RELAXED);
	pmm__pr_info(m, "Built %lu zonelists, mobility grouping %s.  Total pages: %lu",
		     m->nr_online_nodes, m->page_group_by_mobility_disabled ? "off" : "on", total);
	if (m->arch->numa)
		pmm__pr_info(m, "Policy zone: %s", pmm_zone_names[m->policy_zone]);
}

/* ---- watermarks -------------------------------------------------------------------------------- */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static unsigned long mult_frac(unsigned long x, unsigned long n, unsigned long d)
{
	return (x / d) * n + ((x % d) * n) / d;
}

#define for_each_zone_of(m, nid, zone, z)					\
	pmm_for_each_node(nid, m)						\
		for ((z) = 0; (z) < PMM_MAX_NR_ZONES &&				\
		     ((zone) = &(m)->view.node_data[nid]->node_zones[z], 1); (z)++)	\
			if (pmm_zone_type_configured(m, (enum pmm_zone_type)(z)))

static unsigned long totalram_pages(const struct pmm_machine *m)
{
	const struct pmm_zone *zone;
	unsigned long sum = 0;
	int nid, z;

	for_each_zone_of(m, nid, zone, z)
		sum += zone->managed_pages;
	return sum;
}

/* __setup_per_zone_wmarks() */
static void setup_per_zone_wmarks(struct pmm_machine *m)
{
	unsigned long pages_min = (unsigned long)m->sysctl.min_free_kbytes >> (m->view.page_shift - 10);
	unsigned long lowmem_pages = 0, wsf = (unsigned long)m->sysctl.watermark_scale_factor;
	/* since 6.6 ZONE_MOVABLE gets HighMem's small clamped minimum */
	bool movable_clamped = m->kernel_version >= PMM_KERNEL_VERSION(6, 6);
	struct pmm_zone *zone;
	int nid, z;

	for_each_zone_of(m, nid, zone, z)
		if (!pmm__is_highmem_idx(m, (enum pmm_zone_type)z) &&
		    !(movable_clamped && z == PMM_ZONE_MOVABLE))
			lowmem_pages += zone->managed_pages;

	for_each_zone_of(m, nid, zone, z) {
		unsigned long managed = zone->managed_pages, min;
		unsigned long tmp = lowmem_pages ? (unsigned long)((unsigned long long)pages_min *
								   managed / lowmem_pages) : 0;

		pmm__spin_lock(&zone->lock);
		/* allocations read the marks without the lock: store each whole */
		if (pmm__is_highmem_idx(m, (enum pmm_zone_type)z) ||
		    (movable_clamped && z == PMM_ZONE_MOVABLE))
			min = PMM__MIN(PMM__MAX(managed / 1024, SWAP_CLUSTER_MAX), 128UL);
		else
			min = tmp;
		tmp = PMM__MAX(tmp >> 2, mult_frac(managed, wsf, 10000));
		__atomic_store_n(&zone->watermark_boost, 0UL, __ATOMIC_RELAXED);
		__atomic_store_n(&zone->_watermark[PMM_WMARK_MIN], min, __ATOMIC_RELAXED);
		__atomic_store_n(&zone->_watermark[PMM_WMARK_LOW], min + tmp, __ATOMIC_RELAXED);
		__atomic_store_n(&zone->_watermark[PMM_WMARK_HIGH], min + 2 * tmp, __ATOMIC_RELAXED);
		__atomic_store_n(&zone->_watermark[PMM_WMARK_PROMO], min + 3 * tmp, __ATOMIC_RELAXED);
		pmm__spin_unlock(&zone->lock);
	}
}

/* calculate_totalreserve_pages() */
static void calculate_totalreserve_pages(struct pmm_machine *m)
{
	unsigned long reserve_pages = 0;
	int nid;

	pmm_for_each_node(nid, m) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];
		int i, j;

		pgdat->totalreserve_pages = 0;
		for (i = 0; i < PMM_MAX_NR_ZONES; i++) {
			struct pmm_zone *zone = &pgdat->node_zones[i];
			long max = 0;
			unsigned long managed = zone->managed_pages;

			for (j = i; j < PMM_MAX_NR_ZONES; j++)
				max = PMM__MAX(max, zone->lowmem_reserve[j]);
			max += (long)(zone->_watermark[PMM_WMARK_HIGH] + zone->watermark_boost);
			if ((unsigned long)max > managed)
				max = (long)managed;
			pgdat->totalreserve_pages += (unsigned long)max;
			reserve_pages += (unsigned long)max;
		}
	}
	m->totalreserve_pages = reserve_pages;
}

/* setup_per_zone_lowmem_reserve(), over the configured zone types */
static void setup_per_zone_lowmem_reserve(struct pmm_machine *m)
{
	static const long default_ratio[PMM_MAX_NR_ZONES] = { 256, 256, 32, 0, 0, 0 };
	int nid;

	pmm_for_each_node(nid, m) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];
		int i, j;

		for (i = 0; i < PMM_MAX_NR_ZONES; i++) {
			struct pmm_zone *zone = &pgdat->node_zones[i];
			long ratio = m->sysctl.lowmem_reserve_ratio[i] >= 0 ?
				     m->sysctl.lowmem_reserve_ratio[i] : default_ratio[i];
			bool clear = ratio < 1 || !zone->managed_pages;
			unsigned long managed = 0;

			if (!pmm_zone_type_configured(m, (enum pmm_zone_type)i))
				continue;
			for (j = i + 1; j < PMM_MAX_NR_ZONES; j++) {
				if (!pmm_zone_type_configured(m, (enum pmm_zone_type)j))
					continue;
				managed += pgdat->node_zones[j].managed_pages;
				__atomic_store_n(&zone->lowmem_reserve[j],
						 clear ? 0 : (long)(managed / (unsigned long)ratio),
						 __ATOMIC_RELAXED);
			}
		}
	}
	calculate_totalreserve_pages(m);
}

/* zone_batchsize() and zone_highsize() with the default high fraction */
static void zone_set_pageset_high_and_batch(struct pmm_machine *m, struct pmm_zone *zone)
{
	unsigned long page_size = 1UL << m->view.page_shift;
	long batch = (long)PMM__MIN(zone->managed_pages >> 10, (1UL << 20) / page_size);
	unsigned long total;
	int high, nr_split_cpus;

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch = batch + batch / 2;
	batch = (1L << (63 - __builtin_clzl((unsigned long)batch))) - 1;	/* rounddown_pow_of_two - 1 */
	zone->pageset_batch = (int)PMM__MAX(1L, batch);

	if (m->sysctl.percpu_pagelist_high_fraction > 0)
		total = zone->managed_pages / (unsigned long)m->sysctl.percpu_pagelist_high_fraction;
	else
		total = zone->_watermark[PMM_WMARK_LOW] + zone->watermark_boost;
	nr_split_cpus = pmm_cpumask_weight(&m->node_cpus[zone->node]);
	if (!nr_split_cpus) {
		int nid;

		pmm_for_each_node(nid, m)
			nr_split_cpus += pmm_cpumask_weight(&m->node_cpus[nid]);
		if (!nr_split_cpus)
			nr_split_cpus = 1;
	}
	high = (int)(total / (unsigned long)nr_split_cpus);
	zone->pageset_high = PMM__MAX(high, zone->pageset_batch << 2);
	/* the ceiling: MIN_PERCPU_PAGELIST_HIGH_FRACTION (8) of the zone, or the fixed high */
	high = (int)(zone->managed_pages / 8 / (unsigned long)nr_split_cpus);
	zone->pageset_high_max = m->sysctl.percpu_pagelist_high_fraction > 0 ? zone->pageset_high :
				 PMM__MAX(high, zone->pageset_batch << 2);
}

/* set_recommended_min_free_kbytes(): khugepaged keeps pageblocks free for huge pages. */
static void set_recommended_min_free_kbytes(struct pmm_machine *m)
{
	unsigned long pageblock = 1UL << m->pageblock_order, nr_zones = 0, recommended;
	const struct pmm_zone *zone;
	int nid, z;

	/* hugepage_init(): THP is off below 512 MiB of RAM */
	if (totalram_pages(m) < (512UL << (20 - m->view.page_shift)))
		return;
	for_each_zone_of(m, nid, zone, z)
		if (pmm_populated_zone(zone) && z <= PMM_ZONE_NORMAL)
			nr_zones++;
	recommended = pageblock * nr_zones * 2;
	recommended += pageblock * nr_zones * PMM_MIGRATE_PCPTYPES * PMM_MIGRATE_PCPTYPES;
	recommended = PMM__MIN(recommended, nr_free_zone_pages(m, PMM_ZONE_NORMAL, false) / 20);
	recommended <<= (m->view.page_shift - 10);
	if (recommended > (unsigned long)m->sysctl.min_free_kbytes) {
		m->sysctl.min_free_kbytes = (long)recommended;
		setup_per_zone_wmarks(m);
	}
}

void pmm__init_per_zone_wmark_min(struct pmm_machine *m)
{
	bool user_min_free = m->user_min_free_kbytes >= 0;
	struct pmm_zone *zone;
	int nid, z;

	pmm__sysctl_defaults(&m->sysctl);	/* what the description left unset */

	if (user_min_free) {
		m->sysctl.min_free_kbytes = m->user_min_free_kbytes;
	} else {
		/* calculate_min_free_kbytes(): sqrt(16 * lowmem KiB), clamped */
		unsigned long lowmem_kbytes = nr_free_zone_pages(m, PMM_ZONE_NORMAL, false) *
					      ((1UL << m->view.page_shift) >> 10);

		m->sysctl.min_free_kbytes =
			(long)PMM__MIN(PMM__MAX(int_sqrt(lowmem_kbytes * 16), 128UL), 262144UL);
	}
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	pmm_for_each_node(nid, m) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];

		pgdat->min_unmapped_pages = 0;
		pgdat->min_slab_pages = 0;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			zone = &pgdat->node_zones[z];
			pgdat->min_unmapped_pages +=
				zone->managed_pages * (unsigned long)m->sysctl.min_unmapped_ratio / 100;
			pgdat->min_slab_pages +=
				zone->managed_pages * (unsigned long)m->sysctl.min_slab_ratio / 100;
		}
	}
	/* khugepaged raises min_free_kbytes for THP (enabled "always" in the reference kernels) */
	if (!user_min_free)
		set_recommended_min_free_kbytes(m);
	for_each_zone_of(m, nid, zone, z) {
		zone_set_pageset_high_and_batch(m, zone);
		pmm__zone_pcp_update(m, zone);
	}
}

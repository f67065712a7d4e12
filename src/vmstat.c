// SPDX-License-Identifier: MIT
/* Statistic item names. Mirrors vmstat_text[] of mm/vmstat.c (kernel 6.12). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

const char *const pmm_zone_stat_names[PMM_NR_VM_ZONE_STAT_ITEMS] = {
	"nr_free_pages",
	"nr_zone_inactive_anon",
	"nr_zone_active_anon",
	"nr_zone_inactive_file",
	"nr_zone_active_file",
	"nr_zone_unevictable",
	"nr_zone_write_pending",
	"nr_mlock",
	"nr_bounce",
	"nr_zspages",
	"nr_free_cma",
	"nr_unaccepted",
};

const char *const pmm_numa_stat_names[PMM_NR_VM_NUMA_EVENT_ITEMS] = {
	"numa_hit",
	"numa_miss",
	"numa_foreign",
	"numa_interleave",
	"numa_local",
	"numa_other",
};

const char *const pmm_node_stat_names[PMM_NR_VM_NODE_STAT_ITEMS] = {
	"nr_inactive_anon",
	"nr_active_anon",
	"nr_inactive_file",
	"nr_active_file",
	"nr_unevictable",
	"nr_slab_reclaimable",
	"nr_slab_unreclaimable",
	"nr_isolated_anon",
	"nr_isolated_file",
	"workingset_nodes",
	"workingset_refault_anon",
	"workingset_refault_file",
	"workingset_activate_anon",
	"workingset_activate_file",
	"workingset_restore_anon",
	"workingset_restore_file",
	"workingset_nodereclaim",
	"nr_anon_pages",
	"nr_mapped",
	"nr_file_pages",
	"nr_dirty",
	"nr_writeback",
	"nr_writeback_temp",
	"nr_shmem",
	"nr_shmem_hugepages",
	"nr_shmem_pmdmapped",
	"nr_file_hugepages",
	"nr_file_pmdmapped",
	"nr_anon_transparent_hugepages",
	"nr_vmscan_write",
	"nr_vmscan_immediate_reclaim",
	"nr_dirtied",
	"nr_written",
	"nr_throttled_written",
	"nr_kernel_misc_reclaimable",
	"nr_foll_pin_acquired",
	"nr_foll_pin_released",
	"nr_kernel_stack",
	"nr_page_table_pages",
	"nr_sec_page_table_pages",
	"nr_iommu_pages",
	"nr_swapcached",
	"pgpromote_success",
	"pgpromote_candidate",
	"pgdemote_kswapd",
	"pgdemote_direct",
	"pgdemote_khugepaged",
};

/* ---- /proc/zoneinfo (zoneinfo_show_print) ------------------------------------------------- */

/* Items that exist only in some kernels or configurations. */
static bool zone_stat_shown(const struct pmm_machine *m, int item)
{
	if (item == PMM_NR_UNACCEPTED)	/* CONFIG_UNACCEPTED_MEMORY: x86-64, since 6.5 */
		return m->arch->id == PMM_ARCH_X86_64 &&
		       m->kernel_version >= PMM_KERNEL_VERSION(6, 5);
	return true;
}

static bool node_stat_shown(const struct pmm_machine *m, int item)
{
	switch (item) {
	case PMM_NR_IOMMU_PAGES:
		return m->kernel_version >= PMM_KERNEL_VERSION(6, 11);
	case PMM_PGPROMOTE_SUCCESS:
	case PMM_PGPROMOTE_CANDIDATE:	/* CONFIG_NUMA_BALANCING */
		return m->arch->numa;
	case PMM_PGDEMOTE_KSWAPD:
	case PMM_PGDEMOTE_DIRECT:
	case PMM_PGDEMOTE_KHUGEPAGED:
		return m->arch->numa && m->kernel_version >= PMM_KERNEL_VERSION(6, 8);
	default:
		return true;
	}
}

static int nr_online_cpus(const struct pmm_machine *m)
{
	int nid, n = 0;

	pmm_for_each_node(nid, m)
		n += pmm_cpumask_weight(&m->node_cpus[nid]);
	return n ? n : 1;
}

static int fls_ul(unsigned long x)
{
	return x ? 64 - __builtin_clzl(x) : 0;
}

/* calculate_normal_threshold() */
static int stat_threshold(const struct pmm_machine *m, const struct pmm_zone *zone)
{
	unsigned long mem = zone->managed_pages >> (27 - m->view.page_shift);
	int threshold = 2 * fls_ul((unsigned long)nr_online_cpus(m)) * (1 + fls_ul(mem));

	return threshold < 125 ? threshold : 125;
}

static void zoneinfo_show_print(const struct pmm_machine *m, FILE *f, const pmm_pg_data_t *pgdat,
				const struct pmm_zone *zone, bool first_populated)
{
	unsigned long pending[PMM_NR_PAGE_ORDERS] = { 0 };
	/* on demand, free memory not yet initialised counts as the kernel shows it once it is */
	unsigned long deferred = pmm__deferred_pending_free(m, zone, pending);
	int z, i, cpu, nid;

	fprintf(f, "Node %d, zone %8s", pgdat->node_id, zone->name);
	if (first_populated) {
		fprintf(f, "\n  per-node stats");
		for (i = 0; i < PMM_NR_VM_NODE_STAT_ITEMS; i++)
			if (node_stat_shown(m, i))
				fprintf(f, "\n      %-12s %lu", pmm_node_stat_names[i],
					(unsigned long)pgdat->vm_stat[i]);
	}
	fprintf(f, "\n  pages free     %lu"
		   "\n        boost    %lu"
		   "\n        min      %lu"
		   "\n        low      %lu"
		   "\n        high     %lu",
		(unsigned long)zone->vm_stat[PMM_NR_FREE_PAGES] + deferred, zone->watermark_boost,
		zone->_watermark[PMM_WMARK_MIN] + zone->watermark_boost,
		zone->_watermark[PMM_WMARK_LOW] + zone->watermark_boost,
		zone->_watermark[PMM_WMARK_HIGH] + zone->watermark_boost);
	if (m->kernel_version >= PMM_KERNEL_VERSION(6, 8))
		fprintf(f, "\n        promo    %lu",
			zone->_watermark[PMM_WMARK_PROMO] + zone->watermark_boost);
	fprintf(f, "\n        spanned  %lu"
		   "\n        present  %lu"
		   "\n        managed  %lu"
		   "\n        cma      %lu",
		zone->spanned_pages, zone->present_pages, zone->managed_pages, zone->cma_pages);
	fprintf(f, "\n        protection: (");
	for (z = 0, i = 0; z < PMM_MAX_NR_ZONES; z++)
		if (pmm_zone_type_configured(m, (enum pmm_zone_type)z))
			fprintf(f, i++ ? ", %ld" : "%ld", zone->lowmem_reserve[z]);
	fprintf(f, ")");
	if (!pmm_populated_zone(zone)) {
		fprintf(f, "\n");
		return;
	}
	for (i = 0; i < PMM_NR_VM_ZONE_STAT_ITEMS; i++)
		if (zone_stat_shown(m, i))
			fprintf(f, "\n      %-12s %lu", pmm_zone_stat_names[i],
				(unsigned long)__atomic_load_n(&zone->vm_stat[i], __ATOMIC_RELAXED) +
				(i == PMM_NR_FREE_PAGES ? deferred : 0));
	if (m->arch->numa)
		for (i = 0; i < PMM_NR_VM_NUMA_EVENT_ITEMS; i++)
			fprintf(f, "\n      %-12s %lu", pmm_numa_stat_names[i],
				pmm_zone_event(m, zone, PMM_NR_ZONE_EVENTS + (unsigned int)i));
	fprintf(f, "\n  pagesets");
	pmm_for_each_node(nid, m) {
		pmm_for_each_cpu(cpu, &m->node_cpus[nid]) {
			const struct pmm_per_cpu_pages *pcp =
				zone->per_cpu_pageset && cpu < m->nr_cpu_ids ?
				&zone->per_cpu_pageset[cpu] : NULL;

			int count = pcp ? __atomic_load_n(&pcp->count, __ATOMIC_RELAXED) : 0;

			/* 6.13: "mm: add pcp high_min high_max to proc zoneinfo" */
			if (m->kernel_version >= PMM_KERNEL_VERSION(6, 13))
				fprintf(f, "\n    cpu: %i"
					   "\n              count:    %i"
					   "\n              high:     %i"
					   "\n              batch:    %i"
					   "\n              high_min: %i"
					   "\n              high_max: %i",
					cpu, count, zone->pageset_high, zone->pageset_batch,
					zone->pageset_high, zone->pageset_high_max);
			else
				fprintf(f, "\n    cpu: %i"
					   "\n              count: %i"
					   "\n              high:  %i"
					   "\n              batch: %i",
					cpu, count, zone->pageset_high, zone->pageset_batch);
			fprintf(f, "\n  vm stats threshold: %d", stat_threshold(m, zone));
		}
	}
	fprintf(f, "\n  node_unreclaimable:  %u"
		   "\n  start_pfn:           %lu"
		   "\n", pgdat->kswapd_failures >= 16, zone->zone_start_pfn);
}

int pmm_print_zoneinfo(const struct pmm_machine *m, FILE *f)
{
	int nid, z;

	pmm_for_each_online_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
		bool seen_populated = false;

		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			bool first = !seen_populated && pmm_populated_zone(zone);

			if (!pmm_zone_type_configured(m, (enum pmm_zone_type)z))
				continue;
			seen_populated |= first;
			zoneinfo_show_print(m, f, pgdat, zone, first);
		}
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- /proc/buddyinfo and /proc/pagetypeinfo (frag_show, pagetypeinfo_show) ------------------------- */

static const char *const migratetype_names[PMM_MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

const char *pmm__migratetype_name(int mt)
{
	return mt >= 0 && mt < PMM_MIGRATE_TYPES ? migratetype_names[mt] : "?";
}

static bool migratetype_shown(const struct pmm_machine *m, int mt)
{
	return mt != PMM_MIGRATE_CMA || m->arch->cma;
}

/*
 * The zone's free blocks by order: its lists, and on demand the blocks its
 * deferred memory will bring (pmm__deferred_pending_free()). Caller holds
 * zone->lock.
 */
static void zone_free_area(const struct pmm_machine *m, const struct pmm_zone *zone,
			   unsigned long *nr_free)
{
	unsigned long deferred[PMM_NR_PAGE_ORDERS] = { 0 };
	unsigned int o;

	pmm__deferred_pending_free(m, zone, deferred);
	for (o = 0; o < PMM_NR_PAGE_ORDERS; o++)
		nr_free[o] = zone->free_area[o].nr_free + deferred[o];
}

int pmm_print_buddyinfo(const struct pmm_machine *m, FILE *f)
{
	int nid, z;
	unsigned int o;

	pmm_for_each_online_node(nid, m) {
		pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long nr_free[PMM_NR_PAGE_ORDERS];

			if (!pmm_populated_zone(zone))
				continue;
			pmm__spin_lock(&zone->lock);
			zone_free_area(m, zone, nr_free);
			fprintf(f, "Node %d, zone %8s ", nid, zone->name);
			for (o = 0; o <= m->max_page_order; o++)
				fprintf(f, "%6lu ", nr_free[o]);
			fprintf(f, "\n");
			pmm__spin_unlock(&zone->lock);
		}
	}
	return ferror(f) ? -EIO : 0;
}

static unsigned long list_length(const struct pmm_list_head *h, unsigned long cap, bool *overflow)
{
	const struct pmm_list_head *p;
	unsigned long n = 0;

	*overflow = false;
	for (p = h->next; p != h; p = p->next)
		if (++n >= cap) {
			*overflow = true;
			break;
		}
	return n;
}

static void count_pageblock(void *arg, unsigned long pfn, int mt)
{
	unsigned long *count = arg;

	(void)pfn;
	count[mt]++;
}

void pmm__zone_pageblocks(const struct pmm_machine *m, struct pmm_zone *zone,
			  void (*fn)(void *arg, unsigned long pfn, int mt), void *arg)
{
	unsigned long pageblock = 1UL << m->pageblock_order, pfn, ds = 0, de = 0;
	int mt;

	for (pfn = zone->zone_start_pfn; pfn < pmm_zone_end_pfn(zone); pfn += pageblock) {
		const struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);
		struct pmm_page *page;

		/* still deferred (on demand): the zone's, its struct page not yet written */
		if (pfn >= de) {
			ds = pfn;
			if (!pmm__deferred_pending_next(m, zone, &ds, &de))
				ds = de = ~0UL;
		}
		if (pfn < ds) {
			/* pfn_to_online_page() */
			if (!pmm_pfn_valid(m, pfn) || (PMM_CONFIG_SPARSEMEM && !pmm_online_section(ms)))
				continue;
			page = pmm_pfn_to_page(m, pfn);
			if (pmm_page_zone(m, page) != zone)
				continue;
		}
		mt = pmm__get_pageblock_migratetype((struct pmm_machine *)m, zone, pfn);
		if (mt < PMM_MIGRATE_TYPES)
			fn(arg, pfn, mt);
	}
}

int pmm_print_pagetypeinfo(const struct pmm_machine *m, FILE *f)
{
	unsigned long pageblock = 1UL << m->pageblock_order;
	int nid, z, mt;
	unsigned int o;

	pmm_for_each_online_node(nid, m) {
		pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		if (!pmm_node_state(m, nid, PMM_N_MEMORY))
			continue;
		fprintf(f, "Page block order: %u\n", m->pageblock_order);
		fprintf(f, "Pages per block:  %lu\n\n", pageblock);
		fprintf(f, "%-43s ", "Free pages count per migrate type at order");
		for (o = 0; o <= m->max_page_order; o++)
			fprintf(f, "%6u ", o);
		fprintf(f, "\n");
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];
			/* on demand, the blocks deferred memory will bring are MOVABLE */
			unsigned long pending[PMM_NR_PAGE_ORDERS] = { 0 };

			if (!pmm_populated_zone(zone))
				continue;
			pmm__spin_lock(&zone->lock);
			pmm__deferred_pending_free(m, zone, pending);
			for (mt = 0; mt < PMM_MIGRATE_TYPES; mt++) {
				if (!migratetype_shown(m, mt))
					continue;
				fprintf(f, "Node %4d, zone %8s, type %12s ", nid, zone->name,
					migratetype_names[mt]);
				for (o = 0; o <= m->max_page_order; o++) {
					bool overflow;
					unsigned long n = list_length(&zone->free_area[o].free_list[mt],
								      100000, &overflow);

					if (mt == PMM_MIGRATE_MOVABLE && pending[o]) {
						n += pending[o];
						overflow |= n >= 100000;
						n = PMM__MIN(n, 100000UL);
					}

					fprintf(f, "%s%6lu ", overflow ? ">" : "", n);
				}
				fprintf(f, "\n");
			}
			pmm__spin_unlock(&zone->lock);
		}
		fprintf(f, "\n%-23s", "Number of blocks type ");
		for (mt = 0; mt < PMM_MIGRATE_TYPES; mt++)
			if (migratetype_shown(m, mt))
				fprintf(f, "%12s ", migratetype_names[mt]);
		fprintf(f, "\n");
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long count[PMM_MIGRATE_TYPES] = { 0 };

			if (!pmm_populated_zone(zone))
				continue;
			pmm__zone_pageblocks(m, zone, count_pageblock, count);
			fprintf(f, "Node %d, zone %8s ", nid, zone->name);
			for (mt = 0; mt < PMM_MIGRATE_TYPES; mt++)
				if (migratetype_shown(m, mt))
					fprintf(f, "%12lu ", count[mt]);
			fprintf(f, "\n");
		}
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- fragmentation (mm/vmstat.c fill_contig_page_info) --------------------------------------------------- */

struct contig_page_info {
	unsigned long free_pages, free_blocks_total, free_blocks_suitable;
};

static void fill_contig_page_info(const unsigned long *nr_free, unsigned int suitable_order,
				  struct contig_page_info *info)
{
	unsigned int o;

	memset(info, 0, sizeof(*info));
	for (o = 0; o < PMM_NR_PAGE_ORDERS; o++) {
		unsigned long blocks = nr_free[o];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= suitable_order)
			info->free_blocks_suitable += blocks << (o - suitable_order);
	}
}

/* __fragmentation_index() */
static int fragmentation_index(const unsigned long *nr_free, unsigned int order)
{
	struct contig_page_info info;
	unsigned long requested = 1UL << order;

	if (order >= PMM_NR_PAGE_ORDERS)
		return 0;
	fill_contig_page_info(nr_free, order, &info);
	if (!info.free_blocks_total)
		return 0;
	if (info.free_blocks_suitable)
		return -1000;
	return (int)(1000 - ((1000 + (info.free_pages * 1000 / requested)) / info.free_blocks_total));
}

static int unusable_free_index(const unsigned long *nr_free, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(nr_free, order, &info);
	if (!info.free_pages)
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) * 1000 /
		     info.free_pages);
}

static void zone_nr_free(const struct pmm_zone *zone, unsigned long *nr_free)
{
	unsigned int o;

	for (o = 0; o < PMM_NR_PAGE_ORDERS; o++)	/* a snapshot, as the kernel's readers take */
		nr_free[o] = __atomic_load_n(&zone->free_area[o].nr_free, __ATOMIC_RELAXED);
}

int pmm_fragmentation_index(const struct pmm_zone *zone, unsigned int order)
{
	unsigned long nr_free[PMM_NR_PAGE_ORDERS];

	zone_nr_free(zone, nr_free);
	return fragmentation_index(nr_free, order);
}

int pmm_unusable_free_index(const struct pmm_zone *zone, unsigned int order)
{
	unsigned long nr_free[PMM_NR_PAGE_ORDERS];

	zone_nr_free(zone, nr_free);
	return unusable_free_index(nr_free, order);
}

int pmm_print_extfrag(const struct pmm_machine *m, FILE *f, enum pmm_extfrag_file which)
{
	int nid, z;
	unsigned int o;

	pmm_for_each_online_node(nid, m) {
		pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		if (!pmm_node_state(m, nid, PMM_N_MEMORY))
			continue;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long nr_free[PMM_NR_PAGE_ORDERS];

			if (!pmm_populated_zone(zone))
				continue;
			pmm__spin_lock(&zone->lock);
			zone_free_area(m, zone, nr_free);
			fprintf(f, "Node %d, zone %8s ", nid, zone->name);
			for (o = 0; o <= m->max_page_order; o++) {
				int idx = which == PMM_EXTFRAG_INDEX ? fragmentation_index(nr_free, o) :
								       unusable_free_index(nr_free, o);

				fprintf(f, which == PMM_EXTFRAG_INDEX ? "%2d.%03d " : "%d.%03d ",
					idx / 1000, (idx < 0 ? -idx : idx) % 1000);
			}
			fprintf(f, "\n");
			pmm__spin_unlock(&zone->lock);
		}
	}
	return ferror(f) ? -EIO : 0;
}

/* ---- /proc/vmstat (vmstat_start, vmstat_show) ----------------------------------------------------------- */

/* Global sums, what global_zone_page_state() and friends read. */
unsigned long pmm__global_zone_stat(const struct pmm_machine *m, int item)
{
	long sum = 0;
	int nid, z;

	pmm_for_each_online_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long pending[PMM_NR_PAGE_ORDERS] = { 0 };

			sum += __atomic_load_n(&zone->vm_stat[item], __ATOMIC_RELAXED);
			/* memory deferred init has not reached is free to the kernel's eyes */
			if (item == PMM_NR_FREE_PAGES && pmm_populated_zone(zone))
				sum += (long)pmm__deferred_pending_free(m, zone, pending);
		}
	}
	return sum > 0 ? (unsigned long)sum : 0;
}

unsigned long pmm__global_node_stat(const struct pmm_machine *m, int item)
{
	long sum = 0;
	int nid;

	pmm_for_each_online_node(nid, m)
		sum += __atomic_load_n(&pmm_node_data(m, nid)->vm_stat[item], __ATOMIC_RELAXED);
	return sum > 0 ? (unsigned long)sum : 0;
}

/* all_vm_events() for one item; by zone type if @zone_type >= 0 */
static unsigned long global_event(const struct pmm_machine *m, unsigned int item, int zone_type)
{
	unsigned long sum = 0;
	int nid, z;

	pmm_for_each_online_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			if (zone_type < 0 || z == zone_type)
				sum += pmm_zone_event(m, &pgdat->node_zones[z], item);
	}
	return sum;
}

/*
 * global_dirtyable_memory(): free pages above the reserves and the file
 * LRU, HighMem left out (vm_highmem_is_dirtyable is 0), plus one.
 */
static unsigned long global_dirtyable_memory(const struct pmm_machine *m)
{
	unsigned long x = pmm__global_zone_stat(m, PMM_NR_FREE_PAGES), high = 0;
	int nid, z;

	x -= PMM__MIN(x, m->totalreserve_pages);
	x += pmm__global_node_stat(m, PMM_NR_INACTIVE_FILE) +
	     pmm__global_node_stat(m, PMM_NR_ACTIVE_FILE);
	/* highmem_dirtyable_memory() */
	pmm_for_each_online_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long n;

			if (!pmm__is_highmem_idx(m, (enum pmm_zone_type)z) || !pmm_populated_zone(zone))
				continue;
			n = pmm_zone_free_pages(zone);
			n -= PMM__MIN(n, zone->_watermark[PMM_WMARK_HIGH] + zone->watermark_boost);
			n += (unsigned long)pmm_zone_page_state(zone, PMM_NR_ZONE_INACTIVE_FILE) +
			     (unsigned long)pmm_zone_page_state(zone, PMM_NR_ZONE_ACTIVE_FILE);
			high += n;
		}
	}
	return x - PMM__MIN(high, x) + 1;
}

/* global_dirty_limits() for a task that is not real-time: thresh, bg_thresh */
static void global_dirty_limits(const struct pmm_machine *m, unsigned long *thresh,
				unsigned long *bg)
{
	unsigned long page_size = 1UL << m->view.page_shift;
	unsigned long ratio = (unsigned long)m->sysctl.dirty_ratio * page_size / 100;
	unsigned long bg_ratio = (unsigned long)m->sysctl.dirty_background_ratio * page_size / 100;
	unsigned long available = global_dirtyable_memory(m);

	*thresh = ratio * available / page_size;
	*bg = bg_ratio * available / page_size;
	if (*bg >= *thresh)
		*bg = *thresh / 2;
}

/* What a /proc/vmstat line shows. */
enum vmstat_source {
	V_ZERO,		/* something pmm does not model (faults, slab, THP, KSM, ...) */
	V_EVENT,	/* an enum pmm_zone_event summed over every zone */
	V_ZONE_EVENT,	/* pgalloc_<zone> and the like: one line per configured zone type */
	V_PGPGIN,	/* KiB read from "disk": swap-ins */
	V_PGPGOUT,	/* KiB written: swap-outs and file writeback */
	V_NODE_STAT,	/* an enum pmm_node_stat_item: pgdemote_* were events before 6.8 */
};

#define NOT_COUNTED	0xff	/* V_ZONE_EVENT's item for lines of zeros */

/* When a line exists: CONFIG_* of the reference builds and kernel versions. */
#define V_NUMA		0x01u	/* CONFIG_NUMA */
#define V_X86		0x02u	/* CONFIG_X86 */
#define V_X86_64	0x04u	/* x86-64 only (HAVE_ARCH_TRANSPARENT_HUGEPAGE_PUD) */
#define V_CMA		0x08u	/* CONFIG_CMA */
#define V_BEFORE_6_8	0x10u	/* pgdemote_* were events until 6.8 */

struct vm_event_line {
	const char *name;
	unsigned char source;
	unsigned char item;	/* enum pmm_zone_event for V_EVENT and V_ZONE_EVENT */
	unsigned char needs;	/* V_* */
	unsigned char since;	/* minor of 6.x it appeared in; 0: always */
};

#define EV(n, i)		{ n, V_EVENT, i, 0, 0 }
#define ZERO(n)			{ n, V_ZERO, 0, 0, 0 }
#define ZERO_IF(n, need, since)	{ n, V_ZERO, 0, need, since }

/* vmstat_text[]'s vm_event_item part, kernel 6.12, with where other builds differ */
static const struct vm_event_line vm_event_lines[] = {
	{ "pgpgin", V_PGPGIN, 0, 0, 0 },
	{ "pgpgout", V_PGPGOUT, 0, 0, 0 },
	EV("pswpin", PMM_PSWPIN),
	EV("pswpout", PMM_PSWPOUT),
	{ "pgalloc", V_ZONE_EVENT, PMM_PGALLOC, 0, 0 },
	{ "allocstall", V_ZONE_EVENT, PMM_ALLOCSTALL, 0, 0 },
	{ "pgskip", V_ZONE_EVENT, NOT_COUNTED, 0, 0 },
	EV("pgfree", PMM_PGFREE),
	EV("pgactivate", PMM_PGACTIVATE),
	EV("pgdeactivate", PMM_PGDEACTIVATE),
	ZERO("pglazyfree"),
	ZERO("pgfault"),
	ZERO("pgmajfault"),
	ZERO("pglazyfreed"),
	EV("pgrefill", PMM_PGREFILL),
	ZERO("pgreuse"),
	EV("pgsteal_kswapd", PMM_PGSTEAL_KSWAPD),
	EV("pgsteal_direct", PMM_PGSTEAL_DIRECT),
	ZERO_IF("pgsteal_khugepaged", 0, 3),
	{ "pgsteal_proactive", V_EVENT, PMM_PGSTEAL_PROACTIVE, 0, 17 },
	{ "pgdemote_kswapd", V_NODE_STAT, PMM_PGDEMOTE_KSWAPD, V_BEFORE_6_8, 0 },
	{ "pgdemote_direct", V_NODE_STAT, PMM_PGDEMOTE_DIRECT, V_BEFORE_6_8, 0 },
	{ "pgdemote_khugepaged", V_NODE_STAT, PMM_PGDEMOTE_KHUGEPAGED, V_BEFORE_6_8, 3 },
	EV("pgscan_kswapd", PMM_PGSCAN_KSWAPD),
	EV("pgscan_direct", PMM_PGSCAN_DIRECT),
	ZERO_IF("pgscan_khugepaged", 0, 3),
	{ "pgscan_proactive", V_EVENT, PMM_PGSCAN_PROACTIVE, 0, 17 },
	ZERO("pgscan_direct_throttle"),
	EV("pgscan_anon", PMM_PGSCAN_ANON),
	EV("pgscan_file", PMM_PGSCAN_FILE),
	EV("pgsteal_anon", PMM_PGSTEAL_ANON),
	EV("pgsteal_file", PMM_PGSTEAL_FILE),
	{ "zone_reclaim_success", V_EVENT, PMM_ZONE_RECLAIM_SUCCESS, V_NUMA, 12 },
	{ "zone_reclaim_failed", V_EVENT, PMM_ZONE_RECLAIM_FAILED, V_NUMA, 0 },
	ZERO("pginodesteal"),
	ZERO("slabs_scanned"),
	ZERO("kswapd_inodesteal"),
	EV("kswapd_low_wmark_hit_quickly", PMM_KSWAPD_LOW_WMARK_HIT_QUICKLY),
	EV("kswapd_high_wmark_hit_quickly", PMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY),
	EV("pageoutrun", PMM_PAGEOUTRUN),
	EV("pgrotated", PMM_PGROTATED),
	ZERO("drop_pagecache"),
	ZERO("drop_slab"),
	EV("oom_kill", PMM_OOM_CALLS),
	ZERO_IF("numa_pte_updates", V_NUMA, 0),		/* CONFIG_NUMA_BALANCING */
	ZERO_IF("numa_huge_pte_updates", V_NUMA, 0),
	ZERO_IF("numa_hint_faults", V_NUMA, 0),
	ZERO_IF("numa_hint_faults_local", V_NUMA, 0),
	ZERO_IF("numa_pages_migrated", V_NUMA, 0),
	EV("pgmigrate_success", PMM_PGMIGRATE_SUCCESS),
	EV("pgmigrate_fail", PMM_PGMIGRATE_FAIL),
	ZERO("thp_migration_success"),
	ZERO("thp_migration_fail"),
	ZERO("thp_migration_split"),
	EV("compact_migrate_scanned", PMM_COMPACT_MIGRATE_SCANNED),
	EV("compact_free_scanned", PMM_COMPACT_FREE_SCANNED),
	EV("compact_isolated", PMM_COMPACT_ISOLATED),
	EV("compact_stall", PMM_COMPACT_STALL),
	EV("compact_fail", PMM_COMPACT_FAIL),
	EV("compact_success", PMM_COMPACT_SUCCESS),
	EV("compact_daemon_wake", PMM_COMPACT_DAEMON_WAKE),
	EV("compact_daemon_migrate_scanned", PMM_KCOMPACTD_MIGRATE_SCANNED),
	EV("compact_daemon_free_scanned", PMM_KCOMPACTD_FREE_SCANNED),
	ZERO("htlb_buddy_alloc_success"),
	ZERO("htlb_buddy_alloc_fail"),
	ZERO_IF("cma_alloc_success", V_CMA, 0),
	ZERO_IF("cma_alloc_fail", V_CMA, 0),
	ZERO("unevictable_pgs_culled"),
	ZERO("unevictable_pgs_scanned"),
	ZERO("unevictable_pgs_rescued"),
	ZERO("unevictable_pgs_mlocked"),
	ZERO("unevictable_pgs_munlocked"),
	ZERO("unevictable_pgs_cleared"),
	ZERO("unevictable_pgs_stranded"),
	ZERO("thp_fault_alloc"),
	ZERO("thp_fault_fallback"),
	ZERO("thp_fault_fallback_charge"),
	ZERO("thp_collapse_alloc"),
	ZERO("thp_collapse_alloc_failed"),
	ZERO("thp_file_alloc"),
	ZERO("thp_file_fallback"),
	ZERO("thp_file_fallback_charge"),
	ZERO("thp_file_mapped"),
	ZERO("thp_split_page"),
	ZERO("thp_split_page_failed"),
	ZERO("thp_deferred_split_page"),
	ZERO_IF("thp_underused_split_page", 0, 12),
	ZERO("thp_split_pmd"),
	ZERO("thp_scan_exceed_none_pte"),
	ZERO("thp_scan_exceed_swap_pte"),
	ZERO("thp_scan_exceed_share_pte"),
	ZERO_IF("thp_split_pud", V_X86_64, 0),
	ZERO("thp_zero_page_alloc"),
	ZERO("thp_zero_page_alloc_failed"),
	ZERO("thp_swpout"),
	ZERO("thp_swpout_fallback"),
	ZERO("balloon_inflate"),
	ZERO("balloon_deflate"),
	ZERO("balloon_migrate"),
	ZERO("swap_ra"),
	ZERO("swap_ra_hit"),
	ZERO_IF("swpin_zero", 0, 12),
	ZERO_IF("swpout_zero", 0, 12),
	ZERO("ksm_swpin_copy"),
	ZERO("cow_ksm"),
	ZERO("zswpin"),
	ZERO("zswpout"),
	ZERO_IF("zswpwb", 0, 8),
	ZERO_IF("direct_map_level2_splits", V_X86, 0),
	ZERO_IF("direct_map_level3_splits", V_X86, 0),
};

static bool vm_event_shown(const struct pmm_machine *m, const struct vm_event_line *l)
{
	bool x86 = m->arch->id == PMM_ARCH_X86_64 || m->arch->id == PMM_ARCH_X86_32 ||
		   m->arch->id == PMM_ARCH_X86_32_PAE;

	if (m->kernel_version < PMM_KERNEL_VERSION(6, (unsigned int)l->since))
		return false;
	if ((l->needs & V_NUMA) && !m->arch->numa)
		return false;
	if ((l->needs & V_X86) && !x86)
		return false;
	if ((l->needs & V_X86_64) && m->arch->id != PMM_ARCH_X86_64)
		return false;
	if ((l->needs & V_CMA) && !m->arch->cma)
		return false;
	if ((l->needs & V_BEFORE_6_8) && m->kernel_version >= PMM_KERNEL_VERSION(6, 8))
		return false;
	return true;
}

static const char *const zone_type_vmstat_names[PMM_MAX_NR_ZONES] = {
	"dma", "dma32", "normal", "high", "movable", "device",
};

int pmm_print_vmstat(const struct pmm_machine *m, FILE *f)
{
	unsigned long kib_per_page = 1UL << (m->view.page_shift - 10), thresh, bg;
	unsigned int i;
	int z;

	for (i = 0; i < PMM_NR_VM_ZONE_STAT_ITEMS; i++)
		if (zone_stat_shown(m, (int)i))
			fprintf(f, "%s %lu\n", pmm_zone_stat_names[i], pmm__global_zone_stat(m, (int)i));
	if (m->arch->numa)
		for (i = 0; i < PMM_NR_VM_NUMA_EVENT_ITEMS; i++)
			fprintf(f, "%s %lu\n", pmm_numa_stat_names[i],
				global_event(m, PMM_NR_ZONE_EVENTS + i, -1));
	for (i = 0; i < PMM_NR_VM_NODE_STAT_ITEMS; i++)
		if (node_stat_shown(m, (int)i))
			fprintf(f, "%s %lu\n", pmm_node_stat_names[i], pmm__global_node_stat(m, (int)i));
	global_dirty_limits(m, &thresh, &bg);
	fprintf(f, "nr_dirty_threshold %lu\nnr_dirty_background_threshold %lu\n", thresh, bg);
	if (m->kernel_version >= PMM_KERNEL_VERSION(6, 11))
		fprintf(f, "nr_memmap_pages %ld\nnr_memmap_boot_pages %ld\n",
			__atomic_load_n(&m->memmap_pages, __ATOMIC_RELAXED),
			__atomic_load_n(&m->memmap_boot_pages, __ATOMIC_RELAXED));
	for (i = 0; i < PMM__ARRAY_SIZE(vm_event_lines); i++) {
		const struct vm_event_line *l = &vm_event_lines[i];

		if (!vm_event_shown(m, l))
			continue;
		switch (l->source) {
		case V_ZONE_EVENT:
			for (z = 0; z < PMM_MAX_NR_ZONES; z++)
				if (pmm_zone_type_configured(m, (enum pmm_zone_type)z))
					fprintf(f, "%s_%s %lu\n", l->name, zone_type_vmstat_names[z],
						l->item == NOT_COUNTED ? 0 :
						global_event(m, l->item, z));
			break;
		case V_EVENT:
			fprintf(f, "%s %lu\n", l->name, global_event(m, l->item, -1));
			break;
		case V_NODE_STAT:
			fprintf(f, "%s %lu\n", l->name, pmm__global_node_stat(m, l->item));
			break;
		case V_PGPGIN:
			fprintf(f, "%s %lu\n", l->name,
				global_event(m, PMM_PSWPIN, -1) * kib_per_page);
			break;
		case V_PGPGOUT:
			fprintf(f, "%s %lu\n", l->name,
				(global_event(m, PMM_PSWPOUT, -1) +
				 pmm__global_node_stat(m, PMM_NR_WRITTEN)) * kib_per_page);
			break;
		default:
			fprintf(f, "%s 0\n", l->name);
		}
	}
	fprintf(f, "nr_unstable 0\n");	/* kept for old tools since 5.8 */
	return ferror(f) ? -EIO : 0;
}

/* ---- per node (drivers/base/node.c) ---------------------------------------------------------- */

static int node_ok(const struct pmm_machine *m, int nid)
{
	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !pmm_node_state(m, nid, PMM_N_ONLINE))
		return -EINVAL;
	return m->arch->numa ? 0 : -ENOENT;
}

/* sum_zone_numa_event_state() / sum_zone_node_page_state() of one node's zones */
static unsigned long node_zone_sum(const struct pmm_machine *m, int nid, unsigned int item,
				   bool event)
{
	const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
	long sum = 0;
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		sum += event ? (long)pmm_zone_event(m, &pgdat->node_zones[z], item) :
			       __atomic_load_n(&pgdat->node_zones[z].vm_stat[item], __ATOMIC_RELAXED);
	return sum > 0 ? (unsigned long)sum : 0;
}

int pmm_print_node_vmstat(const struct pmm_machine *m, int nid, FILE *f)
{
	const pmm_pg_data_t *pgdat;
	unsigned int i;
	int err = node_ok(m, nid);

	if (err)
		return err;
	pgdat = pmm_node_data(m, nid);
	for (i = 0; i < PMM_NR_VM_ZONE_STAT_ITEMS; i++)
		if (zone_stat_shown(m, (int)i))
			fprintf(f, "%s %lu\n", pmm_zone_stat_names[i], node_zone_sum(m, nid, i, false));
	for (i = 0; i < PMM_NR_VM_NUMA_EVENT_ITEMS; i++)
		fprintf(f, "%s %lu\n", pmm_numa_stat_names[i],
			node_zone_sum(m, nid, PMM_NR_ZONE_EVENTS + i, true));
	for (i = 0; i < PMM_NR_VM_NODE_STAT_ITEMS; i++)
		if (node_stat_shown(m, (int)i)) {
			long v = __atomic_load_n(&pgdat->vm_stat[i], __ATOMIC_RELAXED);

			fprintf(f, "%s %lu\n", pmm_node_stat_names[i], v > 0 ? (unsigned long)v : 0);
		}
	return ferror(f) ? -EIO : 0;
}

int pmm_print_node_numastat(const struct pmm_machine *m, int nid, FILE *f)
{
	static const char *const names[] = { "numa_hit", "numa_miss", "numa_foreign",
					     "interleave_hit", "local_node", "other_node" };
	unsigned int i;
	int err = node_ok(m, nid);

	if (err)
		return err;
	/* NUMA_HIT .. NUMA_OTHER, the order of enum numa_stat_item */
	for (i = 0; i < PMM__ARRAY_SIZE(names); i++)
		fprintf(f, "%s %lu\n", names[i], node_zone_sum(m, nid, PMM_NR_ZONE_EVENTS + i, true));
	return ferror(f) ? -EIO : 0;
}

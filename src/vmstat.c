// SPDX-License-Identifier: MIT
/* Statistic item names. Mirrors vmstat_text[] of mm/vmstat.c (kernel 6.12). */
#include <stdio.h>

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
		(unsigned long)zone->vm_stat[PMM_NR_FREE_PAGES], zone->watermark_boost,
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
				(unsigned long)zone->vm_stat[i]);
	if (m->arch->numa)
		for (i = 0; i < PMM_NR_VM_NUMA_EVENT_ITEMS; i++)
			fprintf(f, "\n      %-12s %lu", pmm_numa_stat_names[i], zone->vm_numa_event[i]);
	fprintf(f, "\n  pagesets");
	pmm_for_each_node(nid, m) {
		pmm_for_each_cpu(cpu, &m->node_cpus[nid]) {
			fprintf(f, "\n    cpu: %i"
				   "\n              count: %i"
				   "\n              high:  %i"
				   "\n              batch: %i",
				cpu, 0, zone->pageset_high, zone->pageset_batch);
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

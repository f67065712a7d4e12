/* SPDX-License-Identifier: MIT */
/*
 * Zones. Mirrors struct zone, struct free_area and the zone helpers of
 * include/linux/mmzone.h.
 *
 *   pmm_zone_end_pfn(zone)        zone_start_pfn + spanned_pages
 *   pmm_zone_spans_pfn(zone, pfn) start <= pfn < end
 *   pmm_zone_is_empty(zone)       spanned_pages == 0
 *   pmm_populated_zone(zone)      present_pages != 0
 *   pmm_managed_zone(zone)        managed_pages != 0
 *   pmm_zone_idx(zone)            its enum pmm_zone_type
 *   pmm_zone_page_state(zone, i)  a zone counter (zone_page_state()), e.g. NR_FREE_PAGES
 *   pmm_zone_names[]              "DMA", "DMA32", "Normal", "HighMem", "Movable", "Device"
 */
#ifndef PMM_ZONE_H
#define PMM_ZONE_H

#include <pmm/types.h>
#include <pmm/vmstat.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * enum pmm_zone_type - zone types, in the kernel's order
 *
 * Every machine has all six slots in node_zones[]; the architecture
 * profile says which are configured (x86-64: DMA, DMA32, Normal, Movable,
 * Device; 32-bit x86: DMA, Normal, HighMem, Movable). A slot that is not
 * configured stays empty and is not shown in reports.
 */
enum pmm_zone_type {
	PMM_ZONE_DMA,		/* DMA for devices with small address limits */
	PMM_ZONE_DMA32,		/* below 4 GiB on 64-bit architectures */
	PMM_ZONE_NORMAL,	/* always enabled, permanently mapped */
	PMM_ZONE_HIGHMEM,	/* 32-bit: not permanently mapped */
	PMM_ZONE_MOVABLE,	/* kernelcore=, movablecore=, movable_node, hotplug */
	PMM_ZONE_DEVICE,	/* ZONE_DEVICE: device memory with struct pages */
	PMM_MAX_NR_ZONES
};

/** Zone names as the kernel prints them (zone_names[]). */
PMM_API extern const char *const pmm_zone_names[PMM_MAX_NR_ZONES];

/**
 * enum pmm_migratetype - mobility of a pageblock (enum migratetype,
 * with CONFIG_CMA and CONFIG_MEMORY_ISOLATION as in Debian's kernels)
 */
enum pmm_migratetype {
	PMM_MIGRATE_UNMOVABLE,
	PMM_MIGRATE_MOVABLE,
	PMM_MIGRATE_RECLAIMABLE,
	PMM_MIGRATE_PCPTYPES,
	PMM_MIGRATE_HIGHATOMIC = PMM_MIGRATE_PCPTYPES,
	PMM_MIGRATE_CMA,
	PMM_MIGRATE_ISOLATE,
	PMM_MIGRATE_TYPES
};

/** Capacity of free_area[]: the largest MAX_PAGE_ORDER of any profile (arm64 64K: 13), plus one. */
#define PMM_NR_PAGE_ORDERS	14

/** struct pmm_free_area - free blocks of one order (struct free_area) */
struct pmm_free_area {
	struct pmm_list_head	free_list[PMM_MIGRATE_TYPES];
	unsigned long		nr_free;	/* blocks, all migratetypes */
};

/** Watermark indices (enum zone_watermarks). */
enum pmm_zone_watermarks {
	PMM_WMARK_MIN,
	PMM_WMARK_LOW,
	PMM_WMARK_HIGH,
	PMM_WMARK_PROMO,
	PMM_NR_WMARK
};

struct pmm_pglist_data;
struct pmm_per_cpu_pages;	/* opaque: a zone's per-CPU free lists */

/**
 * struct pmm_zone - one zone of one node (struct zone)
 *
 * Spans are half-open pfn ranges: [zone_start_pfn, zone_start_pfn + spanned_pages).
 */
struct pmm_zone {
	/* read-only: written at boot, or by hotplug under the node's node_size_lock */
	unsigned long		_watermark[PMM_NR_WMARK];	/* page allocator (later issue) */
	unsigned long		watermark_boost;		/* page allocator (later issue) */
	unsigned long		nr_reserved_highatomic;		/* page allocator (later issue) */
	long			lowmem_reserve[PMM_MAX_NR_ZONES]; /* boot fidelity (later issue) */
	int			node;		/* node id */
	struct pmm_pglist_data	*zone_pgdat;	/* the node this zone belongs to */
	unsigned long		*pageblock_flags; /* FLATMEM: migratetype bits per pageblock */
	unsigned long		zone_start_pfn;	/* first pfn; 0 when spanned_pages == 0 */
	unsigned long		managed_pages;	/* present - reserved: owned by the buddy allocator */
	unsigned long		spanned_pages;	/* end - start, holes included */
	unsigned long		present_pages;	/* spanned - holes */
	unsigned long		present_early_pages; /* present at boot (hotplug's auto-movable policy) */
	unsigned long		cma_pages;	/* pages in CMA areas (none yet) */
	const char		*name;		/* pmm_zone_names[type] */
	unsigned long		nr_isolate_pageblock; /* isolated pageblocks (onlining, offlining) */
	int			pageset_high;	/* per-CPU list high mark (pageset_high_min) */
	int			pageset_high_max;	/* its ceiling (pageset_high_max, 6.7+) */
	int			pageset_batch;	/* per-CPU list batch */
	int			initialized;	/* init_currently_empty_zone() ran */
	int			pcp_disabled;	/* zone_pcp_disable(): offlining, pages bypass the lists */

	/* per-CPU lists in front of the buddy lists, one per simulated CPU (page allocator) */
	struct pmm_per_cpu_pages *per_cpu_pageset;

	/* ->lock */
	struct pmm_free_area	free_area[PMM_NR_PAGE_ORDERS];	/* buddy lists (page allocator issue) */
	unsigned long		flags;		/* ZONE_BOOSTED_WATERMARK etc. */

	/* compaction (mm/compaction.c), read and written without a lock as the
	 * kernel does: where the scanners resume, and deferral after failures */
	unsigned long		compact_cached_free_pfn;
	unsigned long		compact_cached_migrate_pfn[2];	/* [async, sync] */
	unsigned long		compact_init_migrate_pfn;
	unsigned long		compact_init_free_pfn;
	unsigned int		compact_considered;	/* attempts skipped since the last failure */
	unsigned int		compact_defer_shift;	/* skip 1 << this many before trying again */
	int			compact_order_failed;	/* lowest order that failed */
	int			compact_blockskip_flush;	/* skip bits to clear when kswapd sleeps */

	/* statistics, updated atomically (page allocator issue) */
	long			vm_stat[PMM_NR_VM_ZONE_STAT_ITEMS];
	unsigned long		vm_numa_event[PMM_NR_VM_NUMA_EVENT_ITEMS];

	/* private: layout may change between minor releases */
	pmm_spinlock_t		lock;		/* protects free_area[] and the counters */
};

static inline unsigned long pmm_zone_end_pfn(const struct pmm_zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline int pmm_zone_spans_pfn(const struct pmm_zone *zone, unsigned long pfn)
{
	return zone->zone_start_pfn <= pfn && pfn < pmm_zone_end_pfn(zone);
}

static inline int pmm_zone_is_empty(const struct pmm_zone *zone)
{
	return zone->spanned_pages == 0;
}

static inline int pmm_populated_zone(const struct pmm_zone *zone)
{
	return __atomic_load_n(&zone->present_pages, __ATOMIC_RELAXED) != 0;
}

static inline int pmm_managed_zone(const struct pmm_zone *zone)
{
	return __atomic_load_n(&zone->managed_pages, __ATOMIC_RELAXED) != 0;
}

/**
 * pmm_zone_page_state - a zone counter, as zone_page_state() reads it
 * Context: any; lock-free, a snapshot while others allocate.
 * Return: the counter, 0 if transiently negative.
 */
static inline unsigned long pmm_zone_page_state(const struct pmm_zone *zone,
						enum pmm_zone_stat_item item)
{
	long x = __atomic_load_n(&zone->vm_stat[item], __ATOMIC_RELAXED);

	return x < 0 ? 0 : (unsigned long)x;
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_ZONE_H */

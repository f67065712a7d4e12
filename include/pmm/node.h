/* SPDX-License-Identifier: MIT */
/*
 * NUMA nodes: struct pmm_pglist_data (pg_data_t), zonelists and node states.
 * Mirrors struct pglist_data of include/linux/mmzone.h and enum node_states
 * of include/linux/nodemask.h, with every field physical_memory.rst lists.
 *
 *   pmm_pgdat_end_pfn(pgdat)      node_start_pfn + node_spanned_pages
 *   pmm_zone_idx(zone)            index of zone in its node's node_zones[]
 *   pmm_node_names_of_states[]    "possible", "online", ... as sysfs names them
 *
 * NODE_DATA, node_states and the for_each_*node* iterators need the machine:
 * see <pmm/machine.h>.
 */
#ifndef PMM_NODE_H
#define PMM_NODE_H

#include <pmm/types.h>
#include <pmm/nodemask.h>
#include <pmm/zone.h>
#include <pmm/vmstat.h>

#ifdef __cplusplus
extern "C" {
#endif

/** enum pmm_node_states - the node_states[] masks (enum node_states) */
enum pmm_node_states {
	PMM_N_POSSIBLE,		/* the node could become online at some point */
	PMM_N_ONLINE,		/* the node is online */
	PMM_N_NORMAL_MEMORY,	/* the node has regular memory (a zone <= ZONE_NORMAL) */
	PMM_N_HIGH_MEMORY,	/* the node has regular or high memory (HighMem archs;
				   elsewhere equal to N_NORMAL_MEMORY) */
	PMM_N_MEMORY,		/* the node has memory (regular, high, movable) */
	PMM_N_CPU,		/* the node has one or more CPUs */
	PMM_N_GENERIC_INITIATOR,/* the node has a generic initiator (ACPI SRAT) */
	PMM_NR_NODE_STATES
};

/** sysfs file name of each state under /sys/devices/system/node. */
PMM_API extern const char *const pmm_node_state_names[PMM_NR_NODE_STATES];

/* ---- zonelists ---------------------------------------------------------------- */

/** Zonelists of a node: all nodes in fallback order, or this node alone. */
enum {
	PMM_ZONELIST_FALLBACK,		/* every node, by distance */
	PMM_ZONELIST_NOFALLBACK,	/* this node only, for __GFP_THISNODE */
	PMM_MAX_ZONELISTS
};

#define PMM_MAX_ZONES_PER_ZONELIST	(PMM_MAX_NUMNODES * PMM_MAX_NR_ZONES)

/** struct pmm_zoneref - one entry of a zonelist (struct zoneref) */
struct pmm_zoneref {
	struct pmm_zone	*zone;		/* NULL terminates the list */
	int		zone_idx;	/* pmm_zone_idx(zone) */
};

/** struct pmm_zonelist - zones in allocation preference order */
struct pmm_zonelist {
	struct pmm_zoneref _zonerefs[PMM_MAX_ZONES_PER_ZONELIST + 1];
};

/* ---- reclaim and compaction state ------------------------------------------------------------ */

/** LRU lists of a node (struct lruvec), by enum lru_list. */
enum { PMM_LRU_INACTIVE_ANON, PMM_LRU_ACTIVE_ANON, PMM_LRU_INACTIVE_FILE,
       PMM_LRU_ACTIVE_FILE, PMM_LRU_UNEVICTABLE, PMM_NR_LRU_LISTS };

struct pmm_lruvec {
	struct pmm_list_head	lists[PMM_NR_LRU_LISTS];
	pmm_lock_t		lru_lock;	/* the lists and PG_lru of the folios on them */
	/* what reclaiming each kind cost lately (lru_note_cost()): IO and rotations */
	unsigned long		anon_cost, file_cost;
};

/** Per-node queue of huge pages whose split was deferred. */
struct pmm_deferred_split {
	pmm_lock_t		split_queue_lock;
	struct pmm_list_head	split_queue;
	unsigned long		split_queue_len;
};

/** A wait queue (wait_queue_head_t): a condition variable with its mutex. */
struct pmm_wait_queue_head {
	pthread_mutex_t	lock;
	pthread_cond_t	cond;
};

/** Reasons reclaim waits (enum vmscan_throttle_state). */
enum { PMM_VMSCAN_THROTTLE_WRITEBACK, PMM_VMSCAN_THROTTLE_ISOLATED,
       PMM_VMSCAN_THROTTLE_NOPROGRESS, PMM_VMSCAN_THROTTLE_CONGESTED,
       PMM_NR_VMSCAN_THROTTLE };

/**
 * struct pmm_pglist_data - one NUMA node (struct pglist_data, pg_data_t)
 *
 * Every machine has one per possible node, even on UMA machines (the
 * kernel's contig_page_data). Fields keep the kernel's names and meaning.
 */
struct pmm_pglist_data {
	/* ---- general ---- */

	/* The zones of this node, all MAX_NR_ZONES slots, populated or not.
	 * Referenced by this node's zonelists and by other nodes' zonelists. */
	struct pmm_zone		node_zones[PMM_MAX_NR_ZONES];

	/* Zones in allocation preference order: [FALLBACK] all nodes by
	 * distance, [NOFALLBACK] this node only. Built by build_all_zonelists()
	 * (boot-fidelity issue; until then they hold this node's zones only). */
	struct pmm_zonelist	node_zonelists[PMM_MAX_ZONELISTS];

	/* 1 + the highest zone index with spanned pages (as the kernel keeps it,
	 * not a count of populated zones). */
	int			nr_zones;

	/* FLATMEM: the struct page of node_start_pfn inside the one mem_map.
	 * NULL under SPARSEMEM, where memmaps belong to sections. */
	struct pmm_page		*node_mem_map;

	/* FLATMEM page extensions (CONFIG_PAGE_EXTENSION): pmm keeps none, NULL. */
	void			*node_page_ext;

	unsigned long		node_start_pfn;		/* first pfn of the node */
	unsigned long		node_present_pages;	/* total physical pages */
	unsigned long		node_spanned_pages;	/* total size, holes included */

	/* Protects node_start_pfn, node_present_pages, node_spanned_pages,
	 * nr_zones and first_deferred_pfn (pgdat_resize_lock()). Nests outside
	 * zone->lock; inside the machine's hotplug lock. */
	pmm_lock_t		node_size_lock;

	int			node_id;	/* this node's id */

	/* Pages of this node not available to user-space allocations
	 * (calculate_totalreserve_pages(); boot-fidelity issue). */
	unsigned long		totalreserve_pages;

	/* First pfn whose struct page initialisation is deferred, or ULONG_MAX
	 * (CONFIG_DEFERRED_STRUCT_PAGE_INIT; scale issue). */
	unsigned long		first_deferred_pfn;

	/* Huge pages whose split was deferred (THP; not modelled, empty). */
	struct pmm_deferred_split deferred_split_queue;

	/* LRU lists of the node (no memory cgroups: one lruvec), include/pmm/swap.h */
	struct pmm_lruvec	__lruvec;

	/* ---- reclaim control (mm/vmscan.c) ---- */
	pthread_t		kswapd;		/* valid only while kswapd_running and a thread */
	int			kswapd_running;
	int			kswapd_sleeping;	/* waitqueue_active(): under kswapd_wait.lock */
	int			kswapd_woken;		/* a wakeup not yet seen; same lock */
	int			kswapd_should_stop;
	int			kswapd_busy;		/* inline kswapd: a round is running */
	struct pmm_wait_queue_head kswapd_wait;
	struct pmm_wait_queue_head pfmemalloc_wait;
	struct pmm_wait_queue_head reclaim_wait[PMM_NR_VMSCAN_THROTTLE];
	int			nr_writeback_throttled;	/* tasks throttled on writeback */
	unsigned long		nr_reclaim_start;	/* pages written while throttled */
	int			kswapd_order;		/* order kswapd reclaims for */
	enum pmm_zone_type	kswapd_highest_zoneidx;	/* highest zone kswapd reclaims */
	int			kswapd_failures;	/* runs that reclaimed nothing */
	unsigned long		min_unmapped_pages;	/* vm.min_unmapped_ratio of managed */
	unsigned long		min_slab_pages;		/* vm.min_slab_ratio of managed */
	unsigned long		flags;			/* PGDAT_* reclaim flags */

	/* ---- compaction control (mm/compaction.c) ---- */
	int			kcompactd_max_order;
	enum pmm_zone_type	kcompactd_highest_zoneidx;
	struct pmm_wait_queue_head kcompactd_wait;
	pthread_t		kcompactd;	/* valid only while kcompactd_running and a thread */
	int			kcompactd_running;
	int			proactive_compact_trigger;	/* vm.compaction_proactiveness */
	int			kcompactd_sleeping;	/* under kcompactd_wait.lock */
	int			kcompactd_should_stop;
	int			kcompactd_busy;		/* inline kcompactd: work is running */
	unsigned long long	kcompactd_timer_ns;	/* inline: when its timeout fires */

	/* ---- statistics (page allocator issue) ---- */
	/* Per-CPU deltas of vm_stat, one row per simulated CPU (NULL until the
	 * page allocator keeps per-CPU counters). */
	long			(*per_cpu_nodestats)[PMM_NR_VM_NODE_STAT_ITEMS];
	long			vm_stat[PMM_NR_VM_NODE_STAT_ITEMS];
};

typedef struct pmm_pglist_data pmm_pg_data_t;

static inline unsigned long pmm_pgdat_end_pfn(const pmm_pg_data_t *pgdat)
{
	return pgdat->node_start_pfn + pgdat->node_spanned_pages;
}

static inline enum pmm_zone_type pmm_zone_idx(const struct pmm_zone *zone)
{
	return (enum pmm_zone_type)(zone - zone->zone_pgdat->node_zones);
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_NODE_H */

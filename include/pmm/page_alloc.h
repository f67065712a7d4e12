/* SPDX-License-Identifier: MIT */
/*
 * The page allocator: gfp flags, allocation and freeing of pages and
 * folios, reference counts. Mirrors include/linux/gfp.h, gfp_types.h and
 * the page allocator API of mm/page_alloc.c.
 *
 *   pmm_alloc_pages(m, gfp, order)                   alloc_pages(): the thread's policy
 *   pmm_alloc_pages_node(m, nid, gfp, order)         alloc_pages_node()
 *   pmm_alloc_pages_nodemask(m, gfp, order, nid, mask)   __alloc_pages()
 *   pmm_alloc_pages_bulk(m, gfp, nid, mask, nr, pages)   alloc_pages_bulk_array()
 *   pmm_free_pages(m, page, order)                   __free_pages()
 *   pmm_free_pages_bulk(m, nr, pages)                free_unref_page_list(): order 0 in bulk
 *   pmm_folio_alloc(m, gfp, order), pmm_folio_put(m, folio)
 *   pmm_get_page(page), pmm_put_page(m, page)        reference counts; freed at zero
 *   pmm_gfp_zone(m, gfp), pmm_gfp_migratetype(gfp)   which zone, which free lists
 *   pmm_check(m)                                     verify every allocator invariant
 */
#ifndef PMM_PAGE_ALLOC_H
#define PMM_PAGE_ALLOC_H

#include <pmm/types.h>
#include <pmm/nodemask.h>
#include <pmm/page.h>
#include <pmm/zone.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/** gfp flags: the bit values of kernel 6.1's include/linux/gfp_types.h. */
typedef unsigned int pmm_gfp_t;

#define __PMM_GFP_DMA			0x01u
#define __PMM_GFP_HIGHMEM		0x02u
#define __PMM_GFP_DMA32			0x04u
#define __PMM_GFP_MOVABLE		0x08u	/* page can be moved: MIGRATE_MOVABLE, and ZONE_MOVABLE with HIGHMEM */
#define __PMM_GFP_RECLAIMABLE		0x10u	/* MIGRATE_RECLAIMABLE */
#define __PMM_GFP_HIGH			0x20u	/* may use part of the min reserve */
#define __PMM_GFP_IO			0x40u
#define __PMM_GFP_FS			0x80u
#define __PMM_GFP_ZERO			0x100u	/* zero the page's real memory */
#define __PMM_GFP_DIRECT_RECLAIM	0x400u
#define __PMM_GFP_KSWAPD_RECLAIM	0x800u
#define __PMM_GFP_NOWARN		0x2000u	/* do not log a failure */
#define __PMM_GFP_RETRY_MAYFAIL	0x4000u		/* retry reclaim and compaction; may fail */
#define __PMM_GFP_NOFAIL		0x8000u		/* retry until it succeeds */
#define __PMM_GFP_NORETRY		0x10000u	/* one round of reclaim and compaction only */
#define __PMM_GFP_MEMALLOC		0x20000u	/* may use every reserve */
#define __PMM_GFP_COMP			0x40000u	/* make a compound page (a large folio) */
#define __PMM_GFP_NOMEMALLOC		0x80000u	/* never the reserves, whatever else says */
#define __PMM_GFP_HARDWALL		0x100000u	/* stay within the task's allowed nodes */
#define __PMM_GFP_THISNODE		0x200000u	/* the preferred node only, no fallback */

#define PMM_GFP_ZONEMASK	(__PMM_GFP_DMA | __PMM_GFP_HIGHMEM | __PMM_GFP_DMA32 | __PMM_GFP_MOVABLE)
#define __PMM_GFP_RECLAIM	(__PMM_GFP_DIRECT_RECLAIM | __PMM_GFP_KSWAPD_RECLAIM)

#define PMM_GFP_ATOMIC		(__PMM_GFP_HIGH | __PMM_GFP_KSWAPD_RECLAIM)
#define PMM_GFP_KERNEL		(__PMM_GFP_RECLAIM | __PMM_GFP_IO | __PMM_GFP_FS)
#define PMM_GFP_NOWAIT		(__PMM_GFP_KSWAPD_RECLAIM)
#define PMM_GFP_USER		(PMM_GFP_KERNEL | __PMM_GFP_HARDWALL)
#define PMM_GFP_DMA		(__PMM_GFP_DMA)
#define PMM_GFP_DMA32		(__PMM_GFP_DMA32)
#define PMM_GFP_HIGHUSER	(PMM_GFP_USER | __PMM_GFP_HIGHMEM)
#define PMM_GFP_HIGHUSER_MOVABLE	(PMM_GFP_HIGHUSER | __PMM_GFP_MOVABLE)
#define PMM_GFP_TRANSHUGE	(PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_COMP | __PMM_GFP_NOWARN)

/**
 * pmm_gfp_parse - gfp flags from their names, as the kernel prints them
 * @names: names joined by '|' (blanks around them allowed), as tracepoints
 *	and show_gfp_flags() print them: "GFP_KERNEL|__GFP_ZERO",
 *	"GFP_HIGHUSER_MOVABLE|__GFP_COMP"; "none" or "0" alone for no flags.
 *	Every name of kernel 6.12's gfpflag_names is known, and the older
 *	__GFP_ATOMIC, __GFP_REPEAT and __GFP_WAIT; names of flags pmm has no
 *	use for (__GFP_ACCOUNT, __GFP_WRITE, ...) are accepted and add nothing.
 * @gfp: receives the flags (untouched on error)
 * Context: any.
 * Return: 0; -EINVAL for a NULL argument, an empty string or an unknown name.
 */
PMM_API int pmm_gfp_parse(const char *names, pmm_gfp_t *gfp);

/**
 * pmm_gfp_zone - the highest zone an allocation may use (gfp_zone())
 * @m: machine (which zone types its architecture has)
 * @gfp: flags
 * Context: any.
 * Return: the zone type; -1 for an invalid combination of zone modifiers
 * (for example __PMM_GFP_DMA | __PMM_GFP_DMA32).
 */
PMM_API int pmm_gfp_zone(const struct pmm_machine *m, pmm_gfp_t gfp);

/** pmm_gfp_migratetype - MIGRATE_MOVABLE, _RECLAIMABLE or _UNMOVABLE (gfp_migratetype()) */
static inline enum pmm_migratetype pmm_gfp_migratetype(pmm_gfp_t gfp)
{
	if (gfp & __PMM_GFP_MOVABLE)
		return PMM_MIGRATE_MOVABLE;
	if (gfp & __PMM_GFP_RECLAIMABLE)
		return PMM_MIGRATE_RECLAIMABLE;
	return PMM_MIGRATE_UNMOVABLE;
}

/**
 * pmm_alloc_pages_nodemask - allocate 2^order pages (__alloc_pages())
 * @m: machine
 * @gfp: flags
 * @order: 0 .. MAX_PAGE_ORDER of the architecture
 * @preferred_nid: the node whose zonelist is walked; PMM_NUMA_NO_NODE for the local node
 * @nodemask: nodes allowed, or NULL for all
 *
 * Walks the preferred node's zonelist (the no-fallback one with
 * __PMM_GFP_THISNODE) over zones up to pmm_gfp_zone(), checks each zone's
 * low watermark with its lowmem_reserve, takes pages from the calling
 * thread's per-CPU list or the buddy lists, falling back between
 * migratetypes as the kernel does. When no zone has the pages above its
 * low watermark, the slow path (__alloc_pages_slowpath(), docs/page-allocator.md):
 * kswapd woken (__PMM_GFP_KSWAPD_RECLAIM), the min watermark, direct
 * compaction and direct reclaim (__PMM_GFP_DIRECT_RECLAIM) with the
 * kernel's retry rules for __PMM_GFP_NORETRY, __PMM_GFP_RETRY_MAYFAIL and
 * __PMM_GFP_NOFAIL; at the end the out-of-memory report (logged unless
 * __PMM_GFP_NOWARN) and NULL. Without __PMM_GFP_DIRECT_RECLAIM it never
 * waits for reclaim.
 * Context: any thread; takes zone->lock and per-CPU list locks; direct
 * reclaim and compaction take LRU locks.
 * Return: the first page, with a reference count of 1; NULL.
 */
PMM_API struct pmm_page *pmm_alloc_pages_nodemask(struct pmm_machine *m, pmm_gfp_t gfp,
						  unsigned int order, int preferred_nid,
						  const pmm_nodemask_t *nodemask);

/**
 * pmm_alloc_pages - allocate 2^order pages under the thread's memory policy (alloc_pages())
 * Context: any thread.
 * Return: the first page; NULL.
 */
PMM_API struct pmm_page *pmm_alloc_pages(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order);

/**
 * pmm_alloc_pages_node - allocate 2^order pages starting with a node (alloc_pages_node())
 * @nid: preferred node; PMM_NUMA_NO_NODE for the local node
 * Context: any thread.
 * Return: the first page; NULL.
 */
PMM_API struct pmm_page *pmm_alloc_pages_node(struct pmm_machine *m, int nid, pmm_gfp_t gfp,
					      unsigned int order);

/**
 * pmm_alloc_pages_bulk - allocate up to @nr order-0 pages (alloc_pages_bulk_array())
 * @pages: array of @nr; NULL entries are filled, others are left alone
 *
 * As __alloc_pages_bulk(): when the local node's first zone with room for
 * them all above its low watermark exists, the pages come from the calling
 * thread's per-CPU list under one hold of its lock; otherwise (and for what
 * that list could not give, a cpuset, or a machine without per-CPU lists)
 * they come one at a time from the full allocator, with reclaim and
 * fallback, without a failure warning.
 * Context: any thread.
 * Return: the number of non-NULL entries in @pages afterwards.
 */
PMM_API unsigned long pmm_alloc_pages_bulk(struct pmm_machine *m, pmm_gfp_t gfp, int nid,
					   const pmm_nodemask_t *nodemask, unsigned long nr,
					   struct pmm_page **pages);

/**
 * pmm_free_pages - drop a reference to 2^order pages; free them at zero (__free_pages())
 * @m: machine
 * @page: first page, as returned by an allocation
 * @order: the order it was allocated with
 *
 * A page that is free already (on the buddy or a per-CPU list), reserved,
 * of another machine, or freed with an order other than its compound order
 * or over pages it does not own (free, on a per-CPU list, reserved or in
 * use) is reported through the machine's on_bad_page hook and not freed;
 * the machine stays consistent. NULL is ignored.
 * Context: any thread.
 */
PMM_API void pmm_free_pages(struct pmm_machine *m, struct pmm_page *page, unsigned int order);

/**
 * pmm_free_pages_bulk - free order-0 pages in one call (free_unref_page_list())
 * @m: machine
 * @nr: entries in @pages
 * @pages: pages of @m to free, as pmm_free_pages(m, page, 0) would; NULL
 *	entries are skipped; the array is left as it was
 *
 * Each page is checked and its reference dropped as by pmm_free_pages(); a
 * bad one is reported (pmm_boot_opts.on_bad_page) and skipped. The pages
 * freed go to the calling thread's per-CPU list with its lock taken once for
 * a run of pages of one zone: the cost of a free without the per-call part.
 * Context: any thread.
 */
PMM_API void pmm_free_pages_bulk(struct pmm_machine *m, unsigned long nr, struct pmm_page **pages);

/** pmm_folio_alloc - allocate a folio of 2^order pages (folio_alloc(), with __GFP_COMP) */
PMM_API struct pmm_folio *pmm_folio_alloc(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order);

/** pmm_folio_put - drop a reference to a folio; free it at zero (folio_put()) */
PMM_API void pmm_folio_put(struct pmm_machine *m, struct pmm_folio *folio);

/** pmm_get_page - take a reference to a page or its folio (get_page()). Context: any. */
static inline void pmm_get_page(struct pmm_page *page)
{
	__atomic_fetch_add(&pmm_compound_head(page)->_refcount, 1, __ATOMIC_RELAXED);
}

/**
 * pmm_put_page - drop a reference; at zero the page (its whole folio) is freed (put_page())
 *
 * A page not in use, reserved or of another machine is reported through
 * on_bad_page and left alone.
 * Context: any thread.
 */
PMM_API void pmm_put_page(struct pmm_machine *m, struct pmm_page *page);

/**
 * pmm_check - verify every invariant of the page allocator
 *
 * Each free block is aligned, of one zone, marked buddy with its order and
 * on exactly one free list; nr_free and NR_FREE_PAGES equal the lists; no
 * free page is reserved; per-CPU list counts equal their lists; pageblock
 * migratetypes are valid; whole free pageblocks on the list of a mergeable
 * type (unmovable, movable, reclaimable) have mergeable types (6.1 merges
 * them across pageblocks), on any other list exactly its type; managed
 * pages cover free and per-CPU pages; every folio on a node's LRU lists is
 * in use, has PG_lru and is on the list its flags name, and each list's
 * pages equal the node's and the zones' LRU counters. Each violation is
 * logged.
 * Context: takes every zone->lock and per-CPU list lock, then each node's
 * lru_lock; the machine must not change meanwhile.
 * Every list walk is bounded by the zone's pages and checks each link before
 * following it, so a corrupted list (a cycle, a stray pointer) is reported,
 * never walked forever.
 * Return: 0; -EUCLEAN if anything is inconsistent; -ENOMEM if the walk
 * could not get memory (nothing inconsistent found so far).
 */
PMM_API int pmm_check(struct pmm_machine *m);

/**
 * pmm_drain_all_pages - give every per-CPU list's pages back to the buddy lists
 * Context: takes the per-CPU list locks and zone->lock.
 */
PMM_API void pmm_drain_all_pages(struct pmm_machine *m);

/** Events counted per zone (a subset of /proc/vmstat's vm_event_item, per zone). */
enum pmm_zone_event {
	PMM_PGALLOC,		/* pages allocated from the zone */
	PMM_PGFREE,		/* pages freed to the zone */
	PMM_PGALLOC_FALLBACK,	/* allocations that took another migratetype's pages */
	PMM_PGALLOC_FAIL,	/* allocations that found nothing (counted on the preferred zone) */
	PMM_PGACTIVATE,		/* pages moved to an active LRU list (folio_activate()) */
	PMM_PGMIGRATE_SUCCESS,	/* pages compaction migrated out of the zone's ranges */
	PMM_PGMIGRATE_FAIL,	/* pages it could not migrate */
	PMM_COMPACT_MIGRATE_SCANNED,	/* pages the migration scanner looked at */
	PMM_COMPACT_FREE_SCANNED,	/* pages the free scanner looked at */
	PMM_COMPACT_ISOLATED,	/* pages isolated by either scanner */
	PMM_COMPACT_STALL,	/* direct compactions an allocation waited for (compact_stall) */
	PMM_COMPACT_FAIL,	/* ... after which the allocation still failed */
	PMM_COMPACT_SUCCESS,	/* ... after which it succeeded */
	PMM_ALLOCSTALL,		/* allocations that entered direct reclaim (allocstall_*) */
	PMM_OOM_CALLS,		/* out-of-memory reports (oom_kill's calls, nobody killed) */
	/* node-wide events, counted on the node's lowest populated zone */
	PMM_PAGEOUTRUN,		/* kswapd's balance_pgdat() runs */
	PMM_KSWAPD_LOW_WMARK_HIT_QUICKLY,	/* kswapd woken during its nap */
	PMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY,	/* kswapd not balanced when it tried to nap */
	PMM_COMPACT_DAEMON_WAKE,	/* kcompactd woken for an order */
	PMM_KCOMPACTD_MIGRATE_SCANNED,	/* pages kcompactd's migration scanner looked at */
	PMM_KCOMPACTD_FREE_SCANNED,	/* pages kcompactd's free scanner looked at */
	PMM_PGREFILL,		/* pages the active lists' ageing scanned */
	PMM_PGSTEAL_KSWAPD,	/* pages kswapd reclaimed */
	PMM_PGSTEAL_DIRECT,	/* pages direct reclaim reclaimed */
	PMM_PGSCAN_KSWAPD,	/* pages kswapd scanned on the inactive lists */
	PMM_PGSCAN_DIRECT,	/* pages direct reclaim scanned there */
	PMM_PGSCAN_PROACTIVE,	/* pages proactive reclaim (pmm_reclaim_node()) scanned (6.17+) */
	PMM_PGSTEAL_PROACTIVE,	/* pages it reclaimed (6.17+; before, counted as direct) */
	PMM_PGSCAN_ANON,	/* ... of them on the anon list */
	PMM_PGSCAN_FILE,	/* ... on the file list */
	PMM_PGSTEAL_ANON,	/* pages reclaimed from the anon lists */
	PMM_PGSTEAL_FILE,	/* ... from the file lists */
	PMM_PGDEACTIVATE,	/* pages moved from an active list to an inactive one */
	PMM_PGROTATED,		/* written pages moved to their inactive list's tail */
	PMM_PSWPIN,		/* pages read back from swap */
	PMM_PSWPOUT,		/* pages written to swap */
	PMM_ZONE_RECLAIM_FAILED,	/* node reclaims (vm.zone_reclaim_mode) that freed too little */
	PMM_ZONE_RECLAIM_SUCCESS,	/* ... that freed enough */
	PMM_NR_ZONE_EVENTS
};

/**
 * pmm_zone_event - read a zone's event or NUMA counter
 * @zone: a zone of the machine
 * @item: an enum pmm_zone_event; or PMM_NR_ZONE_EVENTS + enum pmm_numa_stat_item
 * Context: any; the value is a snapshot.
 * Return: the count.
 */
PMM_API unsigned long pmm_zone_event(const struct pmm_machine *m, const struct pmm_zone *zone,
				     unsigned int item);

/**
 * pmm_zone_free_pages - NR_FREE_PAGES of a zone (pages on its buddy lists)
 * Context: any; a snapshot.
 */
static inline unsigned long pmm_zone_free_pages(const struct pmm_zone *zone)
{
	return (unsigned long)__atomic_load_n(&zone->vm_stat[PMM_NR_FREE_PAGES], __ATOMIC_RELAXED);
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_PAGE_ALLOC_H */

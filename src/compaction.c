// SPDX-License-Identifier: MIT
/*
 * Compaction (mm/compaction.c of kernel 6.12): the migration scanner walks
 * a zone up from its start and isolates movable folios
 * (isolate_migratepages_block()), the free scanner walks down from its end
 * and isolates free pages (isolate_freepages_block()), folios move to them
 * (migrate_pages() with compaction_alloc()), and it stops where the
 * scanners meet (compact_scanners_met()) or, for an allocation, as soon as
 * a block of its order is free (__compact_finished()).
 *
 * As the kernel's: the pageblock skip bits and cached scanner positions,
 * the fast searches of the free lists (fast_find_migrateblock(),
 * fast_isolate_freepages()), the free scanner's stride (it samples
 * pageblocks once a stretch gave nothing), the priorities (async, sync
 * light, sync), compaction_suitable() with the fragmentation index and
 * vm.extfrag_threshold, deferral after failures (compact_defer_shift).
 * Direct compaction captures the block of its order that it frees
 * (compaction_capture(), through pmm__capture_control). Large folios move
 * as 6.9 and later move them (6.1 skips them): those below the target order and below
 * pageblock_order are isolated whole and get a free block of their order
 * (compaction_alloc() splits a larger isolated one); the free scanner keeps
 * its blocks whole, per order. Unlike the kernel, pmm cannot split a folio
 * its owner holds (try_split_folio()): a large folio that finds no free
 * block of its order ends the batch as -ENOMEM does.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>

#include "internal.h"

#define COMPACT_CLUSTER_MAX	32	/* folios isolated at once (SWAP_CLUSTER_MAX) */
#define COMPACT_MAX_DEFER_SHIFT	6
#define NR_MAX_MIGRATE_SYNC_RETRY	10
#define NR_MAX_MIGRATE_ASYNC_RETRY	3

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

#define ISOLATE_UNEVICTABLE	0x1
#define ISOLATE_ASYNC_MIGRATE	0x2

/* READ_ONCE()/WRITE_ONCE() of the zone's compaction fields: the kernel reads
 * and writes them without a lock, racing benignly */
#define CREAD(x)	__atomic_load_n(&(x), __ATOMIC_RELAXED)
#define CWRITE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

struct compact_control {
	struct pmm_machine	*m;
	struct pmm_zone		*zone;
	struct pmm__capture_control *capc;	/* direct compaction's; NULL otherwise */
	unsigned long		zone_end;	/* zone_end_pfn(), or where deferred struct pages begin */
	struct pmm_list_head	freepages[PMM_NR_PAGE_ORDERS];	/* isolated free blocks, by order */
	unsigned long		nr_freepages;	/* their pages */
	struct pmm_list_head	migratepages;	/* isolated folios, the first at the tail */
	unsigned long		nr_migratepages;	/* their pages */
	unsigned long		free_pfn;	/* the free scanner's position */
	unsigned long		migrate_pfn;	/* the migration scanner's position */
	unsigned long		fast_start_pfn;	/* a pfn where the free lists had a block */
	unsigned long		total_migrate_scanned, total_free_scanned;
	unsigned long		nr_isolated, nr_migrated, nr_failed;
	unsigned int		fast_search_fail;
	int			search_order;	/* where fast_isolate_freepages() looks first */
	pmm_gfp_t		gfp_mask;
	int			order;		/* -1: the whole zone (compact_memory) */
	int			migratetype;
	unsigned int		alloc_flags;
	int			highest_zoneidx;
	enum migrate_mode	mode;
	bool			ignore_skip_hint;
	bool			no_set_skip_hint;
	bool			ignore_block_suitable;
	bool			direct_compaction;
	bool			whole_zone;
	bool			contended;
	bool			finish_pageblock;	/* scan the rest of the pageblock */
	bool			proactive_compaction;	/* kcompactd's, by fragmentation score */
};

static unsigned long pageblock_nr(const struct compact_control *cc)
{
	return 1UL << cc->m->pageblock_order;
}

static unsigned long pageblock_start(const struct compact_control *cc, unsigned long pfn)
{
	return PMM__ALIGN_DOWN(pfn, pageblock_nr(cc));
}

static unsigned long pageblock_end(const struct compact_control *cc, unsigned long pfn)
{
	return pageblock_start(cc, pfn) + pageblock_nr(cc);
}

static bool pageblock_aligned(const struct compact_control *cc, unsigned long pfn)
{
	return !(pfn & (pageblock_nr(cc) - 1));
}

static bool is_via_compact_memory(int order)
{
	return order == -1;
}

/* pfn_to_online_page() */
static struct pmm_page *online_page(const struct pmm_machine *m, unsigned long pfn)
{
	struct pmm_mem_section *ms;

	if (!pmm_pfn_valid(m, pfn))
		return NULL;
	ms = pmm_pfn_to_section(m, pfn);
	if (ms && !pmm_online_section(ms))
		return NULL;
	return pmm_pfn_to_page(m, pfn);
}

/* pageblock_pfn_to_page(): the first page of [start, end) if all of it is in the zone */
static struct pmm_page *pageblock_pfn_to_page(const struct compact_control *cc,
					      unsigned long start, unsigned long end)
{
	struct pmm_page *first, *last;

	if (start >= end || end > cc->zone_end)
		return NULL;
	first = online_page(cc->m, start);
	last = online_page(cc->m, end - 1);
	if (!first || !last || pmm_page_zone(cc->m, first) != cc->zone ||
	    pmm_page_zone(cc->m, last) != cc->zone)
		return NULL;
	return first;
}

/* ---- deferral (defer_compaction() and friends) ------------------------------------------- */

static void defer_compaction(struct pmm_zone *zone, int order)
{
	CWRITE(zone->compact_considered, 0);
	if (CREAD(zone->compact_defer_shift) < COMPACT_MAX_DEFER_SHIFT)
		CWRITE(zone->compact_defer_shift, CREAD(zone->compact_defer_shift) + 1);
	if (order < CREAD(zone->compact_order_failed))
		CWRITE(zone->compact_order_failed, order);
}

/* true: skip this attempt, compaction failed for this order lately */
static bool compaction_deferred(struct pmm_zone *zone, int order)
{
	unsigned int defer_limit = 1U << CREAD(zone->compact_defer_shift);
	unsigned int considered;

	if (order < CREAD(zone->compact_order_failed))
		return false;
	considered = CREAD(zone->compact_considered) + 1;
	if (considered >= defer_limit) {
		CWRITE(zone->compact_considered, defer_limit);
		return false;
	}
	CWRITE(zone->compact_considered, considered);
	return true;
}

void pmm__compaction_defer_reset(struct pmm_zone *zone, int order, bool alloc_success)
{
	if (alloc_success) {
		CWRITE(zone->compact_considered, 0);
		CWRITE(zone->compact_defer_shift, 0);
	}
	if (order >= CREAD(zone->compact_order_failed))
		CWRITE(zone->compact_order_failed, order + 1);
}

static bool compaction_restarting(struct pmm_zone *zone, int order)
{
	if (order < CREAD(zone->compact_order_failed))
		return false;
	return CREAD(zone->compact_defer_shift) == COMPACT_MAX_DEFER_SHIFT &&
	       CREAD(zone->compact_considered) >= 1U << COMPACT_MAX_DEFER_SHIFT;
}

/* ---- skip hints and cached positions ------------------------------------------------------ */

static bool get_skip(const struct compact_control *cc, unsigned long pfn)
{
	return pmm__get_pageblock_skip(cc->m, cc->zone, pfn);
}

static void set_skip(const struct compact_control *cc, unsigned long pfn)
{
	pmm__set_pageblock_skip(cc->m, cc->zone, pfn, true);
}

static bool isolation_suitable(const struct compact_control *cc, unsigned long pfn)
{
	return cc->ignore_skip_hint || !get_skip(cc, pfn);
}

static void reset_cached_positions(struct compact_control *cc)
{
	struct pmm_zone *zone = cc->zone;

	CWRITE(zone->compact_cached_migrate_pfn[0], zone->zone_start_pfn);
	CWRITE(zone->compact_cached_migrate_pfn[1], zone->zone_start_pfn);
	CWRITE(zone->compact_cached_free_pfn, pageblock_start(cc, pmm_zone_end_pfn(zone) - 1));
}

/* pageblock_skip_persistent(): a huge folio covers the pageblock */
static bool skip_persistent(const struct compact_control *cc, struct pmm_page *page)
{
	if (!pmm_PageHead(page) && !pmm_PageTail(page))
		return false;
	return pmm_compound_order(pmm_compound_head(page)) >= cc->m->pageblock_order;
}

/*
 * __reset_isolation_pfn(): clear the skip bit of the pageblock of @pfn if
 * it has something to take (an LRU folio as a source, a free page as a
 * target), sampled every 2^PAGE_ALLOC_COSTLY_ORDER pages.
 */
static bool reset_isolation_pfn(struct compact_control *cc, unsigned long pfn, bool check_source,
				bool check_target)
{
	struct pmm_zone *zone = cc->zone;
	struct pmm_page *page = online_page(cc->m, pfn);
	unsigned long block, last;

	if (!page || pmm_page_zone(cc->m, page) != zone || skip_persistent(cc, page))
		return false;
	if (check_source && check_target && !get_skip(cc, pfn))
		return true;
	if (!check_source && check_target &&
	    pmm__get_pageblock_migratetype(cc->m, zone, pfn) != PMM_MIGRATE_MOVABLE)
		return false;
	block = PMM__MAX(pageblock_start(cc, pfn), zone->zone_start_pfn);
	last = PMM__MIN(pageblock_end(cc, pfn), cc->zone_end) - 1;
	if (!online_page(cc->m, block) || !online_page(cc->m, last))
		return false;
	for (; block <= last; block += 1UL << PMM__PAGE_ALLOC_COSTLY_ORDER) {
		page = pmm_pfn_to_page(cc->m, block);
		if ((check_source && pmm_page_test_flag(page, PMM_PG_lru)) ||
		    (check_target && pmm_PageBuddy(page))) {
			pmm__set_pageblock_skip(cc->m, zone, block, false);
			return true;
		}
	}
	return false;
}

/* __reset_isolation_suitable(): both ends of the zone, towards the middle */
static void reset_isolation_suitable(struct compact_control *cc)
{
	struct pmm_zone *zone = cc->zone;
	unsigned long migrate_pfn = zone->zone_start_pfn, free_pfn = cc->zone_end - 1;
	unsigned long reset_migrate = free_pfn, reset_free = migrate_pfn;
	bool source_set = false, free_set = false;

	if (!CREAD(zone->compact_blockskip_flush))
		return;
	CWRITE(zone->compact_blockskip_flush, 0);
	for (; migrate_pfn < free_pfn; migrate_pfn += pageblock_nr(cc), free_pfn -= pageblock_nr(cc)) {
		if (reset_isolation_pfn(cc, migrate_pfn, true, source_set) &&
		    migrate_pfn < reset_migrate) {
			source_set = true;
			reset_migrate = migrate_pfn;
			CWRITE(zone->compact_init_migrate_pfn, reset_migrate);
			CWRITE(zone->compact_cached_migrate_pfn[0], reset_migrate);
			CWRITE(zone->compact_cached_migrate_pfn[1], reset_migrate);
		}
		if (reset_isolation_pfn(cc, free_pfn, free_set, true) && free_pfn > reset_free) {
			free_set = true;
			reset_free = free_pfn;
			CWRITE(zone->compact_init_free_pfn, reset_free);
			CWRITE(zone->compact_cached_free_pfn, reset_free);
		}
		if (free_pfn < pageblock_nr(cc))
			break;
	}
	/* nothing found: start the scanners where they left off */
	if (reset_migrate >= reset_free) {
		CWRITE(zone->compact_cached_migrate_pfn[0], migrate_pfn);
		CWRITE(zone->compact_cached_migrate_pfn[1], migrate_pfn);
		CWRITE(zone->compact_cached_free_pfn, free_pfn);
	}
}

/* test_and_set_skip(): true if another compaction marked the pageblock first */
static bool test_and_set_skip(struct compact_control *cc, unsigned long pfn)
{
	bool skip;

	if (cc->ignore_skip_hint)
		return false;
	skip = get_skip(cc, pfn);
	if (!skip && !cc->no_set_skip_hint)
		set_skip(cc, pfn);
	return skip;
}

static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct pmm_zone *zone = cc->zone;

	if (cc->no_set_skip_hint)
		return;
	pfn = pageblock_end(cc, pfn);
	if (pfn > CREAD(zone->compact_cached_migrate_pfn[0]))
		CWRITE(zone->compact_cached_migrate_pfn[0], pfn);
	if (cc->mode != MIGRATE_ASYNC && pfn > CREAD(zone->compact_cached_migrate_pfn[1]))
		CWRITE(zone->compact_cached_migrate_pfn[1], pfn);
}

/* update_pageblock_skip(): a free-scanner pageblock gave all it had */
static void update_pageblock_skip(struct compact_control *cc, unsigned long block_pfn,
				  unsigned long pfn)
{
	if (cc->no_set_skip_hint)
		return;
	set_skip(cc, block_pfn);
	if (pfn < CREAD(cc->zone->compact_cached_free_pfn))
		CWRITE(cc->zone->compact_cached_free_pfn, pfn);
}

/* compact_scanners_met(): the free scanner reached the migration scanner's pageblock */
static bool compact_scanners_met(const struct compact_control *cc)
{
	unsigned int shift = cc->m->pageblock_order;

	return (cc->free_pfn >> shift) <= (cc->migrate_pfn >> shift);
}

/*
 * compact_lock_irqsave(): async compaction notes contention (and finishes
 * early, in compact_finished()) rather than waiting unnoticed.
 */
static void compact_lock(struct compact_control *cc, pmm_spinlock_t *lock)
{
	if (cc->mode == MIGRATE_ASYNC && !cc->contended) {
		if (pmm__spin_trylock(lock))
			return;
		cc->contended = true;
	}
	pmm__spin_lock(lock);
}

/* ---- the free scanner ----------------------------------------------------------------------- */

/*
 * Take the free block at @page (under zone->lock) onto the free pages of
 * its order. Return: its pages, 0 when the zone is at its min watermark.
 */
static unsigned long isolate_free(struct compact_control *cc, struct pmm_page *page,
				  unsigned int order)
{
	unsigned long n = pmm__isolate_free_block(cc->m, cc->zone, page, order);

	if (n)
		pmm__list_add_tail(&page->lru, &cc->freepages[order]);
	cc->nr_freepages += n;
	cc->nr_isolated += n;
	return n;
}

/*
 * isolate_freepages_block(): free pages of [*start_pfn, end_pfn), every
 * @stride-th page, until there are as many as folios to move. Stops early
 * only at the min watermark. *start_pfn becomes where it stopped.
 */
static unsigned long isolate_freepages_block(struct compact_control *cc, unsigned long *start_pfn,
					     unsigned long end_pfn, unsigned int stride)
{
	struct pmm_machine *m = cc->m;
	unsigned long blockpfn = *start_pfn, nr_scanned = 0, total_isolated = 0;
	bool locked = false;

	for (; blockpfn < end_pfn; blockpfn += stride) {
		struct pmm_page *page = pmm_pfn_to_page(m, blockpfn);
		unsigned long isolated;

		nr_scanned++;
		if (pmm_PageHead(page)) {	/* skip a whole compound page at once */
			unsigned long nr = 1UL << pmm_compound_order(page);

			if (blockpfn + nr <= end_pfn) {
				blockpfn += nr - 1;
				nr_scanned += nr - 1;
			}
			continue;
		}
		if (!pmm_PageBuddy(page))
			continue;
		if (!locked) {
			compact_lock(cc, &cc->zone->lock);
			locked = true;
			if (!pmm_PageBuddy(page))
				continue;
		}
		isolated = isolate_free(cc, page, (unsigned int)pmm_page_private(page));
		if (!isolated)
			break;
		nr_scanned += isolated - 1;
		total_isolated += isolated;
		if (cc->nr_migratepages <= cc->nr_freepages) {
			blockpfn += isolated;
			break;
		}
		blockpfn += isolated - 1;
	}
	if (locked)
		pmm__spin_unlock(&cc->zone->lock);
	if (blockpfn > end_pfn)
		blockpfn = end_pfn;
	*start_pfn = blockpfn;
	cc->total_free_scanned += nr_scanned;
	return total_isolated;
}

/* suitable_migration_target(): a pageblock that takes movable data, not a wholly free one */
static bool suitable_migration_target(struct compact_control *cc, struct pmm_page *page,
				      unsigned long pfn)
{
	if (pmm_PageBuddy(page) && pmm_page_private(page) >= cc->m->pageblock_order)
		return false;
	if (cc->ignore_block_suitable)
		return true;
	return pmm__get_pageblock_migratetype(cc->m, cc->zone, pfn) == PMM_MIGRATE_MOVABLE;
}

/* freelist_scan_limit(): how far the fast searches walk a free list */
static unsigned int freelist_scan_limit(const struct compact_control *cc)
{
	/* SWAP_CLUSTER_MAX is an unsigned long: the shift may go to BITS_PER_LONG - 1 */
	return (unsigned int)((unsigned long)COMPACT_CLUSTER_MAX >>
			      PMM__MIN(cc->fast_search_fail, (unsigned int)PMM_BITS_PER_LONG - 1)) + 1;
}

/* move_freelist_head()/_tail(): rotate a free list so the next search starts elsewhere */
static void move_freelist_head(struct pmm_list_head *freelist, struct pmm_page *freepage)
{
	struct pmm_list_head *at = &freepage->buddy_list;

	if (freelist->next != at) {	/* @freepage becomes the first */
		pmm__list_del(freelist);
		pmm__list_add_tail(freelist, at);
	}
}

static void move_freelist_tail(struct pmm_list_head *freelist, struct pmm_page *freepage)
{
	struct pmm_list_head *at = &freepage->buddy_list;

	if (freelist->prev != at) {	/* @freepage becomes the last */
		pmm__list_del(freelist);
		pmm__list_add(freelist, at);
	}
}

/* fast_isolate_around(): the rest of the pageblock a fast search found a page in */
static void fast_isolate_around(struct compact_control *cc, unsigned long pfn)
{
	unsigned long start_pfn, end_pfn;

	if (cc->nr_freepages >= cc->nr_migratepages)
		return;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC)
		return;
	start_pfn = PMM__MAX(pageblock_start(cc, pfn), cc->zone->zone_start_pfn);
	end_pfn = PMM__MIN(pageblock_end(cc, pfn), cc->zone_end);
	if (!pageblock_pfn_to_page(cc, start_pfn, end_pfn))
		return;
	isolate_freepages_block(cc, &start_pfn, end_pfn, 1);
	if (start_pfn == end_pfn && !cc->no_set_skip_hint)
		set_skip(cc, pfn);
}

/* next_search_order(): orders below the allocation's, round robin from search_order */
static int next_search_order(struct compact_control *cc, int order)
{
	order--;
	if (order < 0)
		order = cc->order - 1;
	if (order == cc->search_order) {
		cc->search_order--;
		if (cc->search_order < 0)
			cc->search_order = cc->order - 1;
		return -1;
	}
	return order;
}

/*
 * fast_isolate_freepages(): for an allocation, take a free block of a
 * lower order from the free lists, in the quarter of the zone the free
 * scanner would reach next, instead of scanning pageblocks for it.
 */
static void fast_isolate_freepages(struct compact_control *cc)
{
	struct pmm_zone *zone = cc->zone;
	unsigned int limit = PMM__MAX(1U, freelist_scan_limit(cc) >> 1), nr_scanned = 0;
	unsigned long low_pfn, min_pfn, distance, highest = 0, found_pfn = 0;
	struct pmm_page *page = NULL;
	bool scan_start = false;
	int order;

	if (cc->order <= 0)
		return;
	/* full search at the start of the zone's free end */
	if (cc->free_pfn >= CREAD(zone->compact_init_free_pfn)) {
		limit = (unsigned int)pageblock_nr(cc) >> 1;
		scan_start = true;
	}
	distance = cc->free_pfn - cc->migrate_pfn;
	low_pfn = pageblock_start(cc, cc->free_pfn - (distance >> 2));
	min_pfn = pageblock_start(cc, cc->free_pfn - (distance >> 1));
	if (min_pfn > low_pfn)
		low_pfn = min_pfn;
	cc->search_order = PMM__MIN(cc->order - 1, cc->search_order);

	for (order = cc->search_order; !page && order >= 0; order = next_search_order(cc, order)) {
		struct pmm_free_area *area = &zone->free_area[order];
		struct pmm_list_head *freelist = &area->free_list[PMM_MIGRATE_MOVABLE], *l;
		struct pmm_page *freepage = NULL;
		unsigned int order_scanned = 0;
		unsigned long high_pfn = 0;

		if (!__atomic_load_n(&area->nr_free, __ATOMIC_RELAXED))
			continue;
		compact_lock(cc, &zone->lock);
		for (l = freelist->prev; l != freelist; l = l->prev) {	/* the tail first */
			unsigned long pfn;

			freepage = (struct pmm_page *)((char *)l - offsetof(struct pmm_page, buddy_list));
			order_scanned++;
			nr_scanned++;
			pfn = pmm_page_to_pfn(cc->m, freepage);
			if (pfn >= highest)
				highest = PMM__MAX(pageblock_start(cc, pfn), zone->zone_start_pfn);
			if (pfn >= low_pfn) {
				cc->fast_search_fail = 0;
				cc->search_order = order;
				page = freepage;
				break;
			}
			if (pfn >= min_pfn && pfn > high_pfn) {
				high_pfn = pfn;
				limit >>= 1;	/* shorten the search once there is a candidate */
			}
			if (order_scanned >= limit)
				break;
		}
		if (!page && high_pfn)
			freepage = page = pmm_pfn_to_page(cc->m, high_pfn);
		if (freepage)
			move_freelist_head(freelist, freepage);
		if (page) {
			if (isolate_free(cc, page, (unsigned int)order)) {
				found_pfn = pmm_page_to_pfn(cc->m, page);
				nr_scanned += (1U << order) - 1;
			} else {
				/* the watermark: try the next order down */
				order = cc->search_order + 1;
				page = NULL;
			}
		}
		pmm__spin_unlock(&zone->lock);
		if (cc->nr_freepages >= cc->nr_migratepages)
			break;
		if (order_scanned >= limit)
			limit = PMM__MAX(1U, limit >> 1);
	}
	cc->total_free_scanned += nr_scanned;
	if (!page) {
		cc->fast_search_fail++;
		if (scan_start) {
			/* the linear scan starts at the highest pageblock seen, or halfway */
			if (highest >= min_pfn) {
				found_pfn = highest;
				cc->free_pfn = highest;
			} else if (cc->direct_compaction && pageblock_pfn_to_page(cc, min_pfn,
					   PMM__MIN(pageblock_end(cc, min_pfn), cc->zone_end))) {
				found_pfn = min_pfn;
				cc->free_pfn = min_pfn;
			}
		}
	}
	if (highest && highest >= CREAD(zone->compact_cached_free_pfn)) {
		highest -= pageblock_nr(cc);
		CWRITE(zone->compact_cached_free_pfn, highest);
	}
	if (found_pfn)
		fast_isolate_around(cc, found_pfn);
}

/*
 * isolate_freepages(): pageblocks from the free scanner's position down to
 * the migration scanner, until there are as many free pages as folios to
 * move. A pageblock that gave nothing doubles the stride the next one is
 * sampled with, up to COMPACT_CLUSTER_MAX; one that gave something resets it.
 */
static void isolate_freepages(struct compact_control *cc)
{
	unsigned long block_start, block_end, isolate_start, low_pfn;
	unsigned int stride;

	fast_isolate_freepages(cc);
	if (cc->nr_freepages)
		return;
	isolate_start = cc->free_pfn;
	block_start = pageblock_start(cc, isolate_start);
	block_end = PMM__MIN(block_start + pageblock_nr(cc), cc->zone_end);
	low_pfn = pageblock_end(cc, cc->migrate_pfn);
	stride = cc->mode == MIGRATE_ASYNC ? COMPACT_CLUSTER_MAX : 1;

	for (; block_start >= low_pfn; block_end = block_start, block_start -= pageblock_nr(cc),
	     isolate_start = block_start) {
		struct pmm_page *page = pageblock_pfn_to_page(cc, block_start, block_end);
		unsigned long nr_isolated;

		if (!page || !suitable_migration_target(cc, page, block_start) ||
		    !isolation_suitable(cc, block_start))
			continue;
		nr_isolated = isolate_freepages_block(cc, &isolate_start, block_end, stride);
		/* the whole pageblock scanned: skip it next time */
		if (isolate_start == block_end)
			update_pageblock_skip(cc, block_start, block_start - pageblock_nr(cc));
		if (cc->nr_freepages >= cc->nr_migratepages) {
			/* resume in the pageblock below if this one is done */
			if (isolate_start >= block_end)
				isolate_start = block_start - pageblock_nr(cc);
			break;
		} else if (isolate_start < block_end) {
			break;	/* stopped early: the watermark */
		}
		if (nr_isolated) {
			stride = 1;
			continue;
		}
		stride = PMM__MIN((unsigned int)COMPACT_CLUSTER_MAX, stride << 1);
	}
	cc->free_pfn = isolate_start;
}

/* ---- the migration scanner ------------------------------------------------------------------ */

/* folio_try_get(): a reference unless the folio is being freed */
static bool try_get(struct pmm_page *page)
{
	int refs = __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);

	do {
		if (refs <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&page->_refcount, &refs, refs + 1, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return true;
}

static void putback_migratepages(struct compact_control *cc)
{
	while (!pmm__list_empty(&cc->migratepages)) {
		struct pmm_page *page = pmm__container_of(cc->migratepages.next, struct pmm_page, lru);

		pmm__list_del(&page->lru);
		pmm_folio_putback_lru(cc->m, (struct pmm_folio *)page);
	}
	cc->nr_migratepages = 0;
}

/*
 * skip_isolation_on_order(): a folio of @order is left where it is when it
 * is at least the target order (a free block of that order would have been
 * found instead) or at least a pageblock; compact_memory moves all below.
 */
static bool skip_isolation_on_order(const struct compact_control *cc, unsigned int order)
{
	/* before 6.9 ("enable compacting >0 order folios") only order-0 folios moved */
	if (cc->m->kernel_version < PMM_KERNEL_VERSION(6, 9))
		return order > 0;
	if (!is_via_compact_memory(cc->order) && order >= (unsigned int)cc->order)
		return true;
	return order >= cc->m->pageblock_order;
}

static unsigned long block_end_order(unsigned long pfn, int order)
{
	return PMM__ALIGN(pfn + 1, 1UL << order);
}

/*
 * isolate_migratepages_block(): folios on the LRU in [low_pfn, end_pfn)
 * (large ones below the target order too), until COMPACT_CLUSTER_MAX pages
 * are held. Async direct compaction
 * gives up an order-aligned block at its first failure. The pageblock's
 * skip bit is set when it is entered (another compaction skips it) or when
 * it was scanned to the end with nothing taken.
 */
static void isolate_migratepages_block(struct compact_control *cc, unsigned long low_pfn,
				       unsigned long end_pfn, unsigned int mode)
{
	struct pmm_machine *m = cc->m;
	unsigned long nr_scanned = 0, nr_isolated = 0, next_skip_pfn = 0, valid_pfn = 0;
	bool skip_on_failure = false, skip_updated = false, valid = false;

	cc->migrate_pfn = low_pfn;
	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
		skip_on_failure = true;
		next_skip_pfn = block_end_order(low_pfn, cc->order);
	}
	for (; low_pfn < end_pfn; low_pfn++) {
		struct pmm_page *page;
		unsigned long nr;

		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/* a whole order-aligned block isolated: migrate it first */
			if (nr_isolated)
				break;
			next_skip_pfn = block_end_order(low_pfn, cc->order);
		}
		nr_scanned++;
		page = pmm_pfn_to_page(m, low_pfn);
		if (!valid && (pageblock_aligned(cc, low_pfn) || low_pfn == cc->zone->zone_start_pfn)) {
			if (!isolation_suitable(cc, low_pfn)) {
				low_pfn = end_pfn;
				goto isolate_abort;
			}
			valid = true;
			valid_pfn = low_pfn;
		}
		if (pmm_PageBuddy(page)) {
			/* buddy_order_unsafe(): read without the zone lock, checked */
			unsigned long order = pmm_page_private(page);

			if (order > 0 && order <= m->max_page_order) {
				low_pfn += (1UL << order) - 1;
				nr_scanned += (1UL << order) - 1;
			}
			continue;
		}
		if (pmm_PageHead(page)) {	/* read without a reference, checked again below */
			unsigned int order = pmm_compound_order(page);

			if (skip_isolation_on_order(cc, order)) {
				if (order <= m->max_page_order) {
					low_pfn += (1UL << order) - 1;
					nr_scanned += (1UL << order) - 1;
				}
				goto isolate_fail;
			}
		}
		if (!pmm_page_test_flag(page, PMM_PG_lru) || pmm_PageTail(page))
			goto isolate_fail;
		if (!try_get(page))
			goto isolate_fail;
		if ((!(mode & ISOLATE_UNEVICTABLE) && pmm_page_test_flag(page, PMM_PG_unevictable)) ||
		    ((mode & ISOLATE_ASYNC_MIGRATE) && pmm_page_test_flag(page, PMM_PG_writeback)))
			goto isolate_fail_put;
		/* the first folio of the pageblock claims it: others skip it meanwhile */
		if (!skip_updated && valid) {
			skip_updated = true;
			if (test_and_set_skip(cc, valid_pfn) && !cc->finish_pageblock) {
				pmm_put_page(m, page);
				low_pfn = end_pfn;
				goto isolate_abort;
			}
		}
		/* the folio's order again, now that it cannot be freed under us */
		nr = 1UL << pmm_compound_order(page);
		if (nr > 1 && skip_isolation_on_order(cc, pmm_compound_order(page))) {
			low_pfn += nr - 1;
			nr_scanned += nr - 1;
			goto isolate_fail_put;
		}
		if (!pmm_folio_isolate_lru(m, (struct pmm_folio *)page))
			goto isolate_fail_put;
		pmm_put_page(m, page);	/* the isolation holds its own reference */
		pmm__list_add(&page->lru, &cc->migratepages);
		cc->nr_migratepages += nr;
		nr_isolated += nr;
		low_pfn += nr - 1;
		nr_scanned += nr - 1;
		if (cc->nr_migratepages >= COMPACT_CLUSTER_MAX && !cc->finish_pageblock &&
		    !cc->contended) {
			++low_pfn;
			break;
		}
		continue;
isolate_fail_put:
		pmm_put_page(m, page);
isolate_fail:
		if (!skip_on_failure)
			continue;
		/* async: this order-aligned block cannot be freed whole, drop it */
		if (nr_isolated) {
			putback_migratepages(cc);
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			next_skip_pfn += 1UL << cc->order;
		}
	}
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;
isolate_abort:
	if (low_pfn == end_pfn && (!nr_isolated || cc->finish_pageblock)) {
		if (!cc->no_set_skip_hint && valid && !skip_updated)
			set_skip(cc, valid_pfn);
		update_cached_migrate(cc, low_pfn);
	}
	cc->total_migrate_scanned += nr_scanned;
	cc->nr_isolated += nr_isolated;
	cc->migrate_pfn = low_pfn;
}

/* suitable_migration_source(): async direct compaction sticks to its own migratetype */
static bool suitable_migration_source(struct compact_control *cc, struct pmm_page *page,
				      unsigned long pfn)
{
	int block_mt;

	if (skip_persistent(cc, page))
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	block_mt = pmm__get_pageblock_migratetype(cc->m, cc->zone, pfn);
	if (cc->migratetype == PMM_MIGRATE_MOVABLE)
		return block_mt == PMM_MIGRATE_MOVABLE || block_mt == PMM_MIGRATE_CMA;
	return block_mt == cc->migratetype;
}

static void update_fast_start_pfn(struct compact_control *cc, unsigned long pfn)
{
	if (cc->fast_start_pfn == ~0UL)
		return;
	if (!cc->fast_start_pfn)
		cc->fast_start_pfn = pfn;
	cc->fast_start_pfn = PMM__MIN(cc->fast_start_pfn, pfn);
}

static unsigned long reinit_migrate_pfn(struct compact_control *cc)
{
	if (!cc->fast_start_pfn || cc->fast_start_pfn == ~0UL)
		return cc->migrate_pfn;
	cc->migrate_pfn = cc->fast_start_pfn;
	cc->fast_start_pfn = ~0UL;
	return cc->migrate_pfn;
}

/*
 * fast_find_migrateblock(): for a costly allocation, start the migration
 * scanner at a pageblock that has free blocks of a lower order (found on
 * the free lists, in the first part of the zone), which is cheap to empty.
 */
static unsigned long fast_find_migrateblock(struct compact_control *cc)
{
	struct pmm_zone *zone = cc->zone;
	unsigned int limit = freelist_scan_limit(cc), nr_scanned = 0;
	unsigned long pfn = cc->migrate_pfn, distance, high_pfn;
	bool found_block = false;
	int order;

	if (cc->ignore_skip_hint || cc->finish_pageblock)
		return pfn;
	if (pfn != zone->zone_start_pfn && pfn != pageblock_start(cc, pfn))
		return pfn;
	if (cc->order <= PMM__PAGE_ALLOC_COSTLY_ORDER)
		return pfn;
	if (cc->direct_compaction && cc->migratetype != PMM_MIGRATE_MOVABLE)
		return pfn;
	distance = (cc->free_pfn - cc->migrate_pfn) >> 1;
	if (cc->migrate_pfn != zone->zone_start_pfn)
		distance >>= 2;
	high_pfn = pageblock_start(cc, cc->migrate_pfn + distance);

	for (order = cc->order - 1; order >= PMM__PAGE_ALLOC_COSTLY_ORDER && !found_block &&
	     nr_scanned < limit; order--) {
		struct pmm_free_area *area = &zone->free_area[order];
		struct pmm_list_head *freelist = &area->free_list[PMM_MIGRATE_MOVABLE], *l;

		if (!__atomic_load_n(&area->nr_free, __ATOMIC_RELAXED))
			continue;
		pmm__spin_lock(&zone->lock);
		for (l = freelist->next; l != freelist; l = l->next) {
			struct pmm_page *freepage =
				(struct pmm_page *)((char *)l - offsetof(struct pmm_page, buddy_list));
			unsigned long free_pfn;

			if (nr_scanned++ >= limit) {
				move_freelist_tail(freelist, freepage);
				break;
			}
			free_pfn = pmm_page_to_pfn(cc->m, freepage);
			if (free_pfn < high_pfn) {
				if (get_skip(cc, free_pfn))
					continue;
				move_freelist_tail(freelist, freepage);
				update_fast_start_pfn(cc, free_pfn);
				pfn = PMM__MAX(pageblock_start(cc, free_pfn), zone->zone_start_pfn);
				cc->fast_search_fail = 0;
				found_block = true;
				break;
			}
		}
		pmm__spin_unlock(&zone->lock);
	}
	cc->total_migrate_scanned += nr_scanned;
	if (!found_block) {
		cc->fast_search_fail++;
		pfn = reinit_migrate_pfn(cc);
	}
	return pfn;
}

enum isolate_migrate { ISOLATE_NONE, ISOLATE_SUCCESS };

/* isolate_migratepages(): the next pageblock that gives folios to move */
static enum isolate_migrate isolate_migratepages(struct compact_control *cc)
{
	unsigned int mode = (cc->m->sysctl.compact_unevictable_allowed ? ISOLATE_UNEVICTABLE : 0) |
			    (cc->mode != MIGRATE_SYNC ? ISOLATE_ASYNC_MIGRATE : 0);
	unsigned long low_pfn = fast_find_migrateblock(cc), block_start, block_end;
	bool fast_find_block = low_pfn != cc->migrate_pfn && !cc->fast_search_fail;

	block_start = PMM__MAX(pageblock_start(cc, low_pfn), cc->zone->zone_start_pfn);
	block_end = pageblock_end(cc, low_pfn);
	for (; block_end <= cc->free_pfn; fast_find_block = false,
	     cc->migrate_pfn = low_pfn = block_end, block_start = block_end,
	     block_end += pageblock_nr(cc)) {
		struct pmm_page *page = pageblock_pfn_to_page(cc, block_start, block_end);

		if (!page)
			continue;
		/* the skip hint, unless a fast search chose this pageblock */
		if ((pageblock_aligned(cc, low_pfn) || low_pfn == cc->zone->zone_start_pfn) &&
		    !fast_find_block && !isolation_suitable(cc, block_start))
			continue;
		if (!suitable_migration_source(cc, page, block_start)) {
			update_cached_migrate(cc, block_end);
			continue;
		}
		isolate_migratepages_block(cc, low_pfn, block_end, mode);
		break;
	}
	return pmm__list_empty(&cc->migratepages) ? ISOLATE_NONE : ISOLATE_SUCCESS;
}

/* ---- migration ------------------------------------------------------------------------------- */

/*
 * compaction_alloc(): a free block of @src's order, the smallest isolated
 * one that holds it, split as the buddy allocator splits (the upper halves
 * go back to the lower orders); the free scanner runs once when none is
 * left. Return: the new folio with one reference, or NULL.
 */
static struct pmm_page *compaction_alloc(struct pmm_machine *m, struct pmm_page *src, void *arg)
{
	struct compact_control *cc = arg;
	unsigned int order = pmm_compound_order(src), start;
	bool isolated = false;
	struct pmm_page *page;
	unsigned long size;

	for (;;) {
		for (start = order; start < PMM_NR_PAGE_ORDERS; start++)
			if (!pmm__list_empty(&cc->freepages[start]))
				break;
		if (start < PMM_NR_PAGE_ORDERS)
			break;
		if (isolated)
			return NULL;
		isolate_freepages(cc);
		isolated = true;
	}
	page = pmm__container_of(cc->freepages[start].next, struct pmm_page, lru);
	pmm__list_del(&page->lru);
	for (size = 1UL << start; start > order;) {
		start--;
		size >>= 1;
		pmm_set_page_private(page + size, start);
		pmm__list_add(&page[size].lru, &cc->freepages[start]);
	}
	pmm__prep_new_page(m, page, order, order ? __PMM_GFP_COMP : 0);
	cc->nr_freepages -= 1UL << order;
	cc->nr_migratepages -= 1UL << order;
	return page;
}

/* compaction_free(): a folio migration did not use goes back to the free blocks */
static void compaction_free(struct pmm_machine *m, struct pmm_page *dst, void *arg)
{
	struct compact_control *cc = arg;
	unsigned int order = pmm_compound_order(dst);

	(void)m;
	if (__atomic_sub_fetch(&dst->_refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		pmm__free_pages_prepare(dst, order);
		pmm_set_page_private(dst, order);
		pmm__list_add(&dst->lru, &cc->freepages[order]);
		cc->nr_freepages += 1UL << order;
	}
	cc->nr_migratepages += 1UL << order;
}

/*
 * migrate_pages() of the isolated folios to the free scanner's pages; those
 * that do not move go back to the LRU. Return: 0; -ENOMEM when free pages
 * ran out; the number that failed.
 */
static int migrate_isolated(struct compact_control *cc)
{
	struct pmm__migrate_target t = {
		.get = compaction_alloc, .put = compaction_free, .arg = cc, .lru = true,
		.passes = cc->mode == MIGRATE_ASYNC ? NR_MAX_MIGRATE_ASYNC_RETRY :
						      NR_MAX_MIGRATE_SYNC_RETRY,
	};
	unsigned long succeeded;
	int rc;

	/* migrate_pages() takes them from the tail: the first isolated first */
	rc = pmm__migrate_pages(cc->m, &cc->migratepages, &t, &succeeded);
	putback_migratepages(cc);
	cc->nr_migrated += succeeded;
	if (rc > 0)
		cc->nr_failed += (unsigned long)rc;
	else if (rc == -ENOMEM)
		cc->nr_failed++;
	return rc;
}

/*
 * release_free_list(): the isolated free blocks back to the allocator.
 * Return: the highest pfn among them, 0 if none.
 */
static unsigned long release_free_list(struct compact_control *cc)
{
	unsigned long high_pfn = 0;
	unsigned int order;

	for (order = 0; order < PMM_NR_PAGE_ORDERS; order++)
		while (!pmm__list_empty(&cc->freepages[order])) {
			struct pmm_page *page =
				pmm__container_of(cc->freepages[order].next, struct pmm_page, lru);

			pmm__list_del(&page->lru);
			high_pfn = PMM__MAX(high_pfn, pmm_page_to_pfn(cc->m, page));
			pmm_set_page_private(page, 0);
			pmm__free_frozen_page(cc->m, page, order);
		}
	cc->nr_freepages = 0;
	return high_pfn;
}

/* ---- when to compact, when to stop ------------------------------------------------------------ */

static unsigned long wmark_pages(const struct pmm_zone *zone, int i)
{
	return __atomic_load_n(&zone->_watermark[i], __ATOMIC_RELAXED) +
	       __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED);
}

/* compact_gap(): the order-0 pages compaction needs to have room to move */
static unsigned long compact_gap(int order)
{
	return 2UL << order;
}

static bool __compaction_suitable(struct pmm_machine *m, struct pmm_zone *zone, int order,
				  int highest_zoneidx, unsigned long wmark_target)
{
	unsigned long watermark = wmark_pages(zone, order > PMM__PAGE_ALLOC_COSTLY_ORDER ?
						    PMM_WMARK_LOW : PMM_WMARK_MIN);

	watermark += compact_gap(order);
	return pmm__zone_watermark_ok(m, zone, 0, watermark, highest_zoneidx, 0, (long)wmark_target);
}

/*
 * compaction_suitable(): enough free order-0 pages to move folios into, and,
 * for a costly order, a failure due to fragmentation rather than a lack of
 * memory: the fragmentation index above vm.extfrag_threshold.
 */
bool pmm__compaction_suitable(struct pmm_machine *m, struct pmm_zone *zone, int order,
			      int highest_zoneidx)
{
	if (!__compaction_suitable(m, zone, order, highest_zoneidx, pmm_zone_free_pages(zone)))
		return false;
	if (order > PMM__PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = pmm_fragmentation_index(zone, (unsigned int)order);

		if (fragindex >= 0 && fragindex <= m->sysctl.extfrag_threshold)
			return false;
	}
	return true;
}

bool pmm__compaction_zonelist_suitable(struct pmm_machine *m, const struct alloc_context *ac,
				       unsigned int order, unsigned int alloc_flags)
{
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;

	(void)alloc_flags;
	pmm__for_each_zone_zonelist(zone, z, ac) {
		/* what reclaim could free, as if it came back in blocks of this order */
		unsigned long available = pmm__zone_reclaimable_pages(m, zone) / order +
					  pmm_zone_free_pages(zone);

		if (__compaction_suitable(m, zone, (int)order, ac->highest_zoneidx, available))
			return true;
	}
	return false;
}

/* a free block of @order or more the allocation's migratetype may take */
static bool free_block_available(struct compact_control *cc)
{
	struct pmm_zone *zone = cc->zone;
	bool found = false, can_steal;
	unsigned int order;

	pmm__spin_lock(&zone->lock);
	for (order = (unsigned int)cc->order; order <= cc->m->max_page_order && !found; order++) {
		const struct pmm_list_head *l = &zone->free_area[order].free_list[cc->migratetype];

		found = l->next != l ||
			pmm__find_suitable_fallback(cc->m, zone, order, cc->migratetype, true,
						    &can_steal) != -1;
	}
	pmm__spin_unlock(&zone->lock);
	return found;
}

static bool kswapd_is_running(struct pmm_machine *m, pmm_pg_data_t *pgdat);
static unsigned int fragmentation_score_zone(struct pmm_machine *m, struct pmm_zone *zone);
static unsigned int fragmentation_score_wmark(struct pmm_machine *m, bool low);

/* __compact_finished() with NO_SUITABLE_PAGE read as CONTINUE */
static enum pmm__compact_result compact_finished(struct compact_control *cc)
{
	if (compact_scanners_met(cc)) {
		reset_cached_positions(cc);
		/* kswapd clears the skip bits when it next sleeps */
		if (cc->direct_compaction)
			CWRITE(cc->zone->compact_blockskip_flush, 1);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction) {
		pmm_pg_data_t *pgdat = cc->zone->zone_pgdat;

		if (kswapd_is_running(cc->m, pgdat))
			return COMPACT_PARTIAL_SKIPPED;
		return fragmentation_score_zone(cc->m, cc->zone) > fragmentation_score_wmark(cc->m, true) ?
		       COMPACT_CONTINUE : COMPACT_SUCCESS;
	}
	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;
	/* check for a free block only at pageblock boundaries */
	if (!pageblock_aligned(cc, cc->migrate_pfn))
		return COMPACT_CONTINUE;
	if (free_block_available(cc))
		return COMPACT_SUCCESS;
	return cc->contended ? COMPACT_CONTENDED : COMPACT_CONTINUE;
}

/* ---- compact_zone() ----------------------------------------------------------------------------- */

static enum pmm__compact_result compact_zone(struct compact_control *cc)
{
	struct pmm_machine *m = cc->m;
	struct pmm_zone *zone = cc->zone;
	unsigned long start_pfn = zone->zone_start_pfn, end_pfn, last_migrated_pfn = 0;
	const bool sync = cc->mode != MIGRATE_ASYNC;
	enum pmm__compact_result ret;
	bool update_cached;
	unsigned int i;
	int nid = zone->node;

	/* struct pages deferred init has not reached are not scanned */
	end_pfn = PMM__MIN(pmm_zone_end_pfn(zone),
			   __atomic_load_n(&m->view.node_data[nid]->first_deferred_pfn, __ATOMIC_ACQUIRE));
	if (end_pfn <= start_pfn)
		return COMPACT_SKIPPED;
	cc->zone_end = end_pfn;
	cc->migratetype = (int)pmm_gfp_migratetype(cc->gfp_mask);

	if (!is_via_compact_memory(cc->order)) {
		unsigned long watermark = wmark_pages(zone, (int)(cc->alloc_flags & ALLOC_WMARK_MASK));

		if (pmm__zone_watermark_ok(m, zone, (unsigned int)cc->order, watermark,
					   cc->highest_zoneidx, cc->alloc_flags,
					   (long)pmm_zone_free_pages(zone)))
			return COMPACT_SUCCESS;
		if (!pmm__compaction_suitable(m, zone, cc->order, cc->highest_zoneidx))
			return COMPACT_SKIPPED;
	}
	/* deferred for the longest: clear the skip bits and start over */
	if (compaction_restarting(zone, cc->order))
		reset_isolation_suitable(cc);

	for (i = 0; i < PMM_NR_PAGE_ORDERS; i++)
		pmm__list_init(&cc->freepages[i]);
	pmm__list_init(&cc->migratepages);
	cc->nr_freepages = cc->nr_migratepages = 0;

	cc->fast_start_pfn = 0;
	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = pageblock_start(cc, end_pfn - 1);
	} else {
		cc->migrate_pfn = CREAD(zone->compact_cached_migrate_pfn[sync]);
		cc->free_pfn = CREAD(zone->compact_cached_free_pfn);
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
			cc->free_pfn = pageblock_start(cc, end_pfn - 1);
			CWRITE(zone->compact_cached_free_pfn, cc->free_pfn);
		}
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
			cc->migrate_pfn = start_pfn;
			CWRITE(zone->compact_cached_migrate_pfn[0], cc->migrate_pfn);
			CWRITE(zone->compact_cached_migrate_pfn[1], cc->migrate_pfn);
		}
		if (cc->migrate_pfn <= CREAD(zone->compact_init_migrate_pfn))
			cc->whole_zone = true;
	}
	/* async after a sync run moves the sync position along when it finds nothing */
	update_cached = !sync && CREAD(zone->compact_cached_migrate_pfn[0]) ==
				 CREAD(zone->compact_cached_migrate_pfn[1]);

	while ((ret = compact_finished(cc)) == COMPACT_CONTINUE) {
		unsigned long iteration_start_pfn = cc->migrate_pfn;
		int err;

		/* a pageblock migrated from before and not finished: finish it this time */
		cc->finish_pageblock = last_migrated_pfn &&
				       pageblock_start(cc, last_migrated_pfn) ==
				       pageblock_start(cc, iteration_start_pfn);
rescan:
		if (isolate_migratepages(cc) == ISOLATE_NONE) {
			if (update_cached)
				CWRITE(zone->compact_cached_migrate_pfn[1],
				       CREAD(zone->compact_cached_migrate_pfn[0]));
			goto check_drain;
		}
		update_cached = false;
		last_migrated_pfn = PMM__MAX(start_pfn, pageblock_start(cc, cc->migrate_pfn - 1));
		err = migrate_isolated(cc);
		if (err) {
			if (err == -ENOMEM && !compact_scanners_met(cc)) {
				ret = COMPACT_CONTENDED;
				break;
			}
			/* below sync, a failure finishes the pageblock: it may not be worth it */
			if (!pageblock_aligned(cc, cc->migrate_pfn) && !cc->ignore_skip_hint &&
			    !cc->finish_pageblock && cc->mode < MIGRATE_SYNC) {
				cc->finish_pageblock = true;
				if (cc->order == (int)m->pageblock_order)
					last_migrated_pfn = 0;
				goto rescan;
			}
		}
check_drain:
		/* past the order-aligned block migrated from: free its pages for merging */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn < PMM__ALIGN_DOWN(cc->migrate_pfn, 1UL << cc->order)) {
			pmm__drain_local_pages(m, zone);
			last_migrated_pfn = 0;
		}
		/* a block of the order was freed and captured: done */
		if (cc->capc && cc->capc->page) {
			ret = COMPACT_SUCCESS;
			break;
		}
	}
	/* the free scanner resumes at the highest released block next time */
	if (cc->nr_freepages) {
		unsigned long free_pfn = pageblock_start(cc, release_free_list(cc));

		if (free_pfn > CREAD(zone->compact_cached_free_pfn))
			CWRITE(zone->compact_cached_free_pfn, free_pfn);
	}
	pmm__count_zone_event(m, zone, PMM_COMPACT_MIGRATE_SCANNED, cc->total_migrate_scanned);
	pmm__count_zone_event(m, zone, PMM_COMPACT_FREE_SCANNED, cc->total_free_scanned);
	pmm__count_zone_event(m, zone, PMM_COMPACT_ISOLATED, cc->nr_isolated);
	return ret;
}

/* compact_zone_order(): direct compaction of one zone at a priority; the
 * block of the order this thread frees there meanwhile is *@capture */
static enum pmm__compact_result compact_zone_order(struct pmm_machine *m, struct pmm_zone *zone,
						   int order, pmm_gfp_t gfp,
						   enum pmm__compact_priority prio,
						   unsigned int alloc_flags, int highest_zoneidx,
						   struct pmm_page **capture)
{
	struct compact_control cc = {
		.m = m,
		.zone = zone,
		.order = order,
		.search_order = order,
		.gfp_mask = gfp,
		.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
		.alloc_flags = alloc_flags,
		.highest_zoneidx = highest_zoneidx,
		.direct_compaction = true,
		.whole_zone = prio == MIN_COMPACT_PRIORITY,
		.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
		.ignore_block_suitable = prio == MIN_COMPACT_PRIORITY,
	};
	struct pmm__capture_control capc = {
		.zone = zone,
		.order = (unsigned int)order,
		.migratetype = (int)pmm_gfp_migratetype(gfp),
	};
	enum pmm__compact_result ret;

	cc.capc = &capc;
	pmm__capture_control = &capc;
	ret = compact_zone(&cc);
	pmm__capture_control = NULL;
	*capture = capc.page;
	/* a capture is a success even where compaction itself was skipped */
	return *capture ? COMPACT_SUCCESS : ret;
}

enum pmm__compact_result pmm__try_to_compact_pages(struct pmm_machine *m, pmm_gfp_t gfp,
						   unsigned int order, unsigned int alloc_flags,
						   const struct alloc_context *ac,
						   enum pmm__compact_priority prio,
						   struct pmm_page **capture)
{
	enum pmm__compact_result rc = COMPACT_SKIPPED;
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;

	*capture = NULL;
	/* compaction may do I/O (writing back dirty folios) */
	if (!(gfp & __PMM_GFP_IO))
		return COMPACT_SKIPPED;
	pmm__for_each_zone_zonelist(zone, z, ac) {
		enum pmm__compact_result status;

		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(zone, (int)order)) {
					rc = PMM__MAX(rc, COMPACT_DEFERRED);
			continue;
		}
		status = compact_zone_order(m, zone, (int)order, gfp, prio, alloc_flags,
					    ac->highest_zoneidx, capture);
		rc = PMM__MAX(rc, status);
		if (status == COMPACT_SUCCESS) {
			/* the allocation may still fail: reset the deferral only then */
			pmm__compaction_defer_reset(zone, (int)order, false);
			break;
		}
		/* a full (sync) pass found nothing: defer the next ones */
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(zone, (int)order);
	}
	return rc;
}

/*
 * compact_node() of 6.12: every zone of a node, skip hints ignored;
 * synchronously when asked (compact_memory), sync light and until the
 * fragmentation score is low enough for kcompactd's proactive compaction.
 */
static void compact_node(struct pmm_machine *m, pmm_pg_data_t *pgdat, bool proactive)
{
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		struct compact_control cc = {
			.m = m,
			.zone = &pgdat->node_zones[z],
			.order = -1,
			.mode = proactive ? MIGRATE_SYNC_LIGHT : MIGRATE_SYNC,
			.ignore_skip_hint = true,
			.whole_zone = true,
			.gfp_mask = PMM_GFP_KERNEL,
			.proactive_compaction = proactive,
		};

		if (!pmm_populated_zone(cc.zone) || z == PMM_ZONE_DEVICE)
			continue;
		compact_zone(&cc);
		if (proactive) {
			pmm__count_zone_event(m, cc.zone, PMM_KCOMPACTD_MIGRATE_SCANNED,
					      cc.total_migrate_scanned);
			pmm__count_zone_event(m, cc.zone, PMM_KCOMPACTD_FREE_SCANNED,
					      cc.total_free_scanned);
		}
	}
}

int pmm_compact_node(struct pmm_machine *m, int nid)
{
	pmm_pg_data_t *pgdat;
	int err;

	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !(pgdat = m->view.node_data[nid]) ||
	    !pmm_node_state(m, nid, PMM_N_MEMORY))
		return -EINVAL;
	err = pmm_deferred_init_finish(m);	/* compaction walks every page of the zones */
	if (!err)
		compact_node(m, pgdat, false);
	return err;
}

int pmm_compact_memory(struct pmm_machine *m)
{
	int nid, err = 0;

	err = pmm_deferred_init_finish(m);
	if (err)
		return err;
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		compact_node(m, m->view.node_data[nid], false);
	return 0;
}

/*
 * The daemons' compaction keeps out of memory hotplug's way: zones change
 * their spans there. A daemon finding hotplug at work skips this round.
 */
static bool hotplug_trylock(struct pmm_machine *m)
{
	return !pthread_mutex_trylock(&m->hotplug_lock);
}

static void hotplug_unlock(struct pmm_machine *m)
{
	pthread_mutex_unlock(&m->hotplug_lock);
}

/* ---- kcompactd ------------------------------------------------------------------------------- */

#define HPAGE_FRAG_CHECK_INTERVAL_MSEC	500

/* reset_isolation_suitable(): kswapd going to sleep clears the skip bits direct compaction left */
void pmm__reset_isolation_suitable(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	int z;

	if (!hotplug_trylock(m))
		return;
	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		struct compact_control cc = { .m = m, .zone = &pgdat->node_zones[z] };

		if (!pmm_populated_zone(cc.zone) || z == PMM_ZONE_DEVICE ||
		    !CREAD(cc.zone->compact_blockskip_flush))
			continue;
		cc.zone_end = PMM__MIN(pmm_zone_end_pfn(cc.zone),
				       __atomic_load_n(&pgdat->first_deferred_pfn, __ATOMIC_ACQUIRE));
		if (cc.zone_end > cc.zone->zone_start_pfn)
			reset_isolation_suitable(&cc);
	}
	hotplug_unlock(m);
}

/* fragmentation_score_zone(): extfrag_for_order() at the huge page order, 0..100 */
static unsigned int fragmentation_score_zone(struct pmm_machine *m, struct pmm_zone *zone)
{
	return (unsigned int)pmm_unusable_free_index(zone, m->pageblock_order) / 10;
}

/* the node's score: each zone's, weighted by its share of the node */
static unsigned int fragmentation_score_node(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	unsigned long score = 0;
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		struct pmm_zone *zone = &pgdat->node_zones[z];

		if (!pmm_populated_zone(zone) || z == PMM_ZONE_DEVICE)
			continue;
		score += zone->present_pages * fragmentation_score_zone(m, zone) /
			 (pgdat->node_present_pages + 1);
	}
	return (unsigned int)score;
}

static unsigned int fragmentation_score_wmark(struct pmm_machine *m, bool low)
{
	long proactiveness = __atomic_load_n(&m->sysctl.compaction_proactiveness, __ATOMIC_RELAXED);
	unsigned int wmark_low = (unsigned int)PMM__MAX(100 - proactiveness, 5L);

	return low ? wmark_low : PMM__MIN(wmark_low + 10, 100U);
}

/* kswapd_is_running(): reclaim first, compaction after */
static bool kswapd_is_running(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	if (!__atomic_load_n(&pgdat->kswapd_running, __ATOMIC_ACQUIRE))
		return false;
	if (m->flags & PMM_BOOT_INLINE_DAEMONS)
		return __atomic_load_n(&pgdat->kswapd_busy, __ATOMIC_RELAXED);
	return !__atomic_load_n(&pgdat->kswapd_sleeping, __ATOMIC_RELAXED);
}

static bool should_proactive_compact_node(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	if (!__atomic_load_n(&m->sysctl.compaction_proactiveness, __ATOMIC_RELAXED) ||
	    kswapd_is_running(m, pgdat))
		return false;
	return fragmentation_score_node(m, pgdat) > fragmentation_score_wmark(m, false);
}

/* kcompactd_node_suitable(): a zone short of the order, where compaction could help */
static bool kcompactd_node_suitable(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	int highest = __atomic_load_n((int *)&pgdat->kcompactd_highest_zoneidx, __ATOMIC_RELAXED);
	int order = __atomic_load_n(&pgdat->kcompactd_max_order, __ATOMIC_RELAXED);
	int z;

	for (z = 0; z <= highest && z < PMM_MAX_NR_ZONES; z++) {
		struct pmm_zone *zone = &pgdat->node_zones[z];

		if (!pmm_populated_zone(zone) || z == PMM_ZONE_DEVICE)
			continue;
		if (pmm__zone_watermark_ok(m, zone, (unsigned int)order, wmark_pages(zone, PMM_WMARK_MIN),
					   highest, 0, (long)pmm_zone_free_pages(zone)))
			continue;
		if (pmm__compaction_suitable(m, zone, order, highest))
			return true;
	}
	return false;
}

/* kcompactd_do_work(): compaction for the order kswapd or an allocation asked for */
static void kcompactd_do_work(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	int order = __atomic_load_n(&pgdat->kcompactd_max_order, __ATOMIC_RELAXED);
	int highest = __atomic_load_n((int *)&pgdat->kcompactd_highest_zoneidx, __ATOMIC_RELAXED);
	int z;

	pmm__count_zone_event(m, pmm__node_event_zone(pgdat), PMM_COMPACT_DAEMON_WAKE, 1);
	for (z = 0; z <= highest && z < PMM_MAX_NR_ZONES; z++) {
		struct compact_control cc = {
			.m = m,
			.zone = &pgdat->node_zones[z],
			.order = order,
			.search_order = order,
			.highest_zoneidx = highest,
			.mode = MIGRATE_SYNC_LIGHT,
			.gfp_mask = PMM_GFP_KERNEL,
		};
		enum pmm__compact_result status;

		if (!pmm_populated_zone(cc.zone) || z == PMM_ZONE_DEVICE ||
		    compaction_deferred(cc.zone, order))
			continue;
		if (pmm__zone_watermark_ok(m, cc.zone, (unsigned int)order,
					   wmark_pages(cc.zone, PMM_WMARK_MIN), z, 0,
					   (long)pmm_zone_free_pages(cc.zone)))
			continue;
		if (!pmm__compaction_suitable(m, cc.zone, order, z))
			continue;
		if (__atomic_load_n(&pgdat->kcompactd_should_stop, __ATOMIC_ACQUIRE))
			return;
		status = compact_zone(&cc);
		if (status == COMPACT_SUCCESS) {
			pmm__compaction_defer_reset(cc.zone, order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			/* what was freed may sit on per-CPU lists: give it back, then wait */
			pmm_drain_all_pages(m);
			defer_compaction(cc.zone, order);
		}
		pmm__count_zone_event(m, cc.zone, PMM_KCOMPACTD_MIGRATE_SCANNED,
				      cc.total_migrate_scanned);
		pmm__count_zone_event(m, cc.zone, PMM_KCOMPACTD_FREE_SCANNED, cc.total_free_scanned);
	}
	/* done, unless a larger request came in meanwhile */
	if (__atomic_load_n(&pgdat->kcompactd_max_order, __ATOMIC_RELAXED) <= order)
		__atomic_store_n(&pgdat->kcompactd_max_order, 0, __ATOMIC_RELAXED);
	if (__atomic_load_n((int *)&pgdat->kcompactd_highest_zoneidx, __ATOMIC_RELAXED) >= highest)
		__atomic_store_n((int *)&pgdat->kcompactd_highest_zoneidx, pgdat->nr_zones - 1,
				 __ATOMIC_RELAXED);
}

static void kcompactd_inline(struct pmm_machine *m, pmm_pg_data_t *pgdat, bool proactive)
{
	if (__atomic_exchange_n(&pgdat->kcompactd_busy, 1, __ATOMIC_ACQUIRE))
		return;	/* running already, further up this thread's stack or in another */
	if (hotplug_trylock(m)) {
		if (!proactive)
			kcompactd_do_work(m, pgdat);
		else if (should_proactive_compact_node(m, pgdat))
			compact_node(m, pgdat, true);
		hotplug_unlock(m);
	}
	__atomic_store_n(&pgdat->kcompactd_busy, 0, __ATOMIC_RELEASE);
}

void pmm__wakeup_kcompactd(struct pmm_machine *m, pmm_pg_data_t *pgdat, int order,
			   int highest_zoneidx)
{
	if (!order || !__atomic_load_n(&pgdat->kcompactd_running, __ATOMIC_ACQUIRE))
		return;
	if (__atomic_load_n(&pgdat->kcompactd_max_order, __ATOMIC_RELAXED) < order)
		__atomic_store_n(&pgdat->kcompactd_max_order, order, __ATOMIC_RELAXED);
	if (__atomic_load_n((int *)&pgdat->kcompactd_highest_zoneidx, __ATOMIC_RELAXED) >
	    highest_zoneidx)
		__atomic_store_n((int *)&pgdat->kcompactd_highest_zoneidx, highest_zoneidx,
				 __ATOMIC_RELAXED);
	if (!kcompactd_node_suitable(m, pgdat))
		return;
	if (m->flags & PMM_BOOT_INLINE_DAEMONS) {
		kcompactd_inline(m, pgdat, false);
		return;
	}
	pthread_mutex_lock(&pgdat->kcompactd_wait.lock);
	if (pgdat->kcompactd_sleeping)	/* wq_has_sleeper() */
		pthread_cond_signal(&pgdat->kcompactd_wait.cond);
	pthread_mutex_unlock(&pgdat->kcompactd_wait.lock);
}

/*
 * kcompactd's timeout: proactive compaction if the node's score is above the
 * high mark. Return: the next timeout in ms, 64 times longer when compacting
 * did not lower the score; 0 while proactiveness is 0 (no timeout).
 */
static unsigned long kcompactd_timeout_work(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	unsigned long timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;

	if (!__atomic_load_n(&m->sysctl.compaction_proactiveness, __ATOMIC_RELAXED))
		return 0;
	if (hotplug_trylock(m)) {
		if (should_proactive_compact_node(m, pgdat)) {
			unsigned int prev_score = fragmentation_score_node(m, pgdat);

			compact_node(m, pgdat, true);
			if (fragmentation_score_node(m, pgdat) >= prev_score)
				timeout <<= COMPACT_MAX_DEFER_SHIFT;
		}
		hotplug_unlock(m);
	}
	return timeout;
}

unsigned long pmm__kcompactd_timer(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	unsigned long timeout;

	if (__atomic_exchange_n(&pgdat->kcompactd_busy, 1, __ATOMIC_ACQUIRE))
		return HPAGE_FRAG_CHECK_INTERVAL_MSEC;
	timeout = kcompactd_timeout_work(m, pgdat);
	__atomic_store_n(&pgdat->kcompactd_busy, 0, __ATOMIC_RELEASE);
	return timeout;
}

void pmm__compaction_proactiveness_changed(struct pmm_machine *m)
{
	int nid;

	if (!__atomic_load_n(&m->sysctl.compaction_proactiveness, __ATOMIC_RELAXED))
		return;
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];

		if (!__atomic_load_n(&pgdat->kcompactd_running, __ATOMIC_ACQUIRE))
			continue;
		if (m->flags & PMM_BOOT_INLINE_DAEMONS) {
			kcompactd_inline(m, pgdat, true);
			/* its timer runs again, from now */
			pthread_mutex_lock(&m->clock_lock);
			if (!pgdat->kcompactd_timer_ns)
				pgdat->kcompactd_timer_ns = pmm_clock_now(m) +
					HPAGE_FRAG_CHECK_INTERVAL_MSEC * 1000000ULL;
			pthread_mutex_unlock(&m->clock_lock);
			continue;
		}
		pthread_mutex_lock(&pgdat->kcompactd_wait.lock);
		pgdat->proactive_compact_trigger = 1;
		pthread_cond_signal(&pgdat->kcompactd_wait.cond);
		pthread_mutex_unlock(&pgdat->kcompactd_wait.lock);
	}
}

static bool kcompactd_work_requested(pmm_pg_data_t *pgdat)
{
	return __atomic_load_n(&pgdat->kcompactd_max_order, __ATOMIC_RELAXED) > 0 ||
	       pgdat->kcompactd_should_stop || pgdat->proactive_compact_trigger;
}

/*
 * kcompactd(): asleep until woken for an order; every 500 ms (while
 * vm.compaction_proactiveness is not 0) it checks the node's fragmentation
 * score and compacts proactively above the high mark, backing off 64 times
 * longer when that did not help.
 */
static void kcompactd(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	long timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;

	for (;;) {
		struct pmm_wait_queue_head *wq = &pgdat->kcompactd_wait;
		bool requested, trigger;

		pthread_mutex_lock(&wq->lock);
		if (!__atomic_load_n(&m->sysctl.compaction_proactiveness, __ATOMIC_RELAXED))
			timeout = 0;	/* MAX_SCHEDULE_TIMEOUT */
		__atomic_store_n(&pgdat->kcompactd_sleeping, 1, __ATOMIC_RELAXED);
		if (!kcompactd_work_requested(pgdat)) {
			if (timeout) {
				struct timespec deadline = pmm__deadline_ms(timeout);

				while (!kcompactd_work_requested(pgdat) &&
				       !pthread_cond_timedwait(&wq->cond, &wq->lock, &deadline))
					;
			} else {
				while (!kcompactd_work_requested(pgdat))
					pthread_cond_wait(&wq->cond, &wq->lock);
			}
		}
		__atomic_store_n(&pgdat->kcompactd_sleeping, 0, __ATOMIC_RELAXED);
		requested = __atomic_load_n(&pgdat->kcompactd_max_order, __ATOMIC_RELAXED) > 0;
		trigger = pgdat->proactive_compact_trigger;
		pthread_mutex_unlock(&wq->lock);
		if (__atomic_load_n(&pgdat->kcompactd_should_stop, __ATOMIC_ACQUIRE))
			return;
		if (requested && !trigger) {
			if (hotplug_trylock(m)) {
				kcompactd_do_work(m, pgdat);
				hotplug_unlock(m);
			}
			timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;
			continue;
		}
		timeout = (long)kcompactd_timeout_work(m, pgdat);
		if (!timeout)
			timeout = HPAGE_FRAG_CHECK_INTERVAL_MSEC;	/* rechecked on the next round */
		if (trigger) {
			pthread_mutex_lock(&wq->lock);
			pgdat->proactive_compact_trigger = 0;
			pthread_mutex_unlock(&wq->lock);
		}
	}
}

int pmm__kcompactd_run(struct pmm_machine *m, int nid)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];
	int err = 0;

	if (pgdat->kcompactd_running)
		return 0;
	pgdat->kcompactd_max_order = 0;
	pgdat->kcompactd_highest_zoneidx = (enum pmm_zone_type)(pgdat->nr_zones - 1);
	pgdat->kcompactd_should_stop = 0;
	pgdat->proactive_compact_trigger = 0;
	if (m->flags & PMM_BOOT_INLINE_DAEMONS)
		/* the first timeout, from now on the simulated clock */
		pgdat->kcompactd_timer_ns = pmm_clock_now(m) +
					    HPAGE_FRAG_CHECK_INTERVAL_MSEC * 1000000ULL;
	else
		err = pmm__kthread_run(m, pgdat, "kcompactd", kcompactd, &pgdat->kcompactd);
	if (!err)
		__atomic_store_n(&pgdat->kcompactd_running, 1, __ATOMIC_RELEASE);
	return err;
}

void pmm__kcompactd_stop(struct pmm_machine *m, int nid)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];

	if (!pgdat || !pgdat->kcompactd_running)
		return;
	__atomic_store_n(&pgdat->kcompactd_running, 0, __ATOMIC_RELEASE);
	if (!(m->flags & PMM_BOOT_INLINE_DAEMONS))
		pmm__kthread_stop(&pgdat->kcompactd_wait, &pgdat->kcompactd_should_stop,
				  pgdat->kcompactd);
}

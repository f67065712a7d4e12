// SPDX-License-Identifier: MIT
/*
 * The buddy allocator with per-CPU lists. Mirrors mm/page_alloc.c of kernel
 * 6.1: __free_one_page, expand, __rmqueue_smallest, __rmqueue_fallback,
 * steal_suitable_fallback, rmqueue_bulk, free_pcppages_bulk,
 * get_page_from_freelist, __alloc_pages, zone_watermark_ok, and mm/memblock.c's
 * memblock_free_all.
 */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* alloc_flags (mm/internal.h) */
/* zone->flags */
#define ZONE_BOOSTED_WATERMARK	(1UL << 0)	/* a fallback boosted it: wake kswapd */
#define ZONE_BELOW_HIGH		(1UL << 3)	/* free below the high watermark (6.7+) */

/* free page flags (FPI_*) */
#define FPI_NONE		0
#define FPI_TO_TAIL		1

#define NR_PAGEBLOCK_BITS	4
#define MIGRATETYPE_MASK	7UL
#define SWAP_CLUSTER_MAX	32	/* free_unref_page_list() lets the pcp lock go this often */

/* ---- lists --------------------------------------------------------------------------------- */

static inline void list_init(struct pmm_list_head *h)
{
	h->next = h->prev = h;
}

/* ->next is also read without the lock (the watermark check peeks at free
 * lists, as the kernel's data_race() readers do), so it is written atomically. */
static inline bool list_empty(const struct pmm_list_head *h)
{
	return __atomic_load_n(&h->next, __ATOMIC_RELAXED) == h;
}

static inline unsigned long nr_free(const struct pmm_free_area *area)
{
	return __atomic_load_n(&area->nr_free, __ATOMIC_RELAXED);
}

static inline void mod_nr_free(struct pmm_free_area *area, long n)
{
	__atomic_store_n(&area->nr_free, area->nr_free + (unsigned long)n, __ATOMIC_RELAXED);
}

#define page_of(l, member) \
	((struct pmm_page *)((char *)(l) - offsetof(struct pmm_page, member)))

/* ---- pageblock bits ------------------------------------------------------------------------- */

void pmm__set_pageblock_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
				    unsigned long pfn, enum pmm_migratetype mt)
{
	unsigned int bitidx;
	unsigned long *word = pmm__model_pageblock_bits(m, zone, pfn, &bitidx);
	unsigned long old, new;

	if (!word)
		return;
	if (__atomic_load_n(&m->page_group_by_mobility_disabled, __ATOMIC_RELAXED) && mt < PMM_MIGRATE_PCPTYPES)
		mt = PMM_MIGRATE_UNMOVABLE;
	old = __atomic_load_n(word, __ATOMIC_RELAXED);
	do {
		new = (old & ~(MIGRATETYPE_MASK << bitidx)) | ((unsigned long)mt << bitidx);
	} while (!__atomic_compare_exchange_n(word, &old, new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
}

/*
 * set_pageblock_migratetype() over every pageblock starting in [start, end),
 * a word of the bitmap at a time: memmap_init() of 64 TiB types 32 million
 * pageblocks. Boot only: plain stores, no allocator runs yet.
 */
void pmm__set_pageblocks_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
				     unsigned long start, unsigned long end, enum pmm_migratetype mt)
{
	unsigned long pageblock = 1UL << m->pageblock_order, pfn = PMM__ALIGN(start, pageblock);
	unsigned int shift = m->view.pfn_section_shift;

	if (m->page_group_by_mobility_disabled && mt < PMM_MIGRATE_PCPTYPES)
		mt = PMM_MIGRATE_UNMOVABLE;
	while (pfn < end) {
		unsigned int bitidx;
		unsigned long *word = pmm__model_pageblock_bits(m, zone, pfn, &bitidx);
		unsigned long limit = end, mask = 0, val = 0;

		/* the word's pageblocks run on to its last bit, end, or the section's end */
		if (shift && (pfn | ((1UL << shift) - 1)) + 1 < limit)
			limit = (pfn | ((1UL << shift) - 1)) + 1;
		for (; pfn < limit && bitidx < PMM_BITS_PER_LONG; pfn += pageblock, bitidx += NR_PAGEBLOCK_BITS) {
			mask |= MIGRATETYPE_MASK << bitidx;
			val |= (unsigned long)mt << bitidx;
		}
		if (word)
			*word = (*word & ~mask) | val;
	}
}

/* get_pageblock_migratetype(), inline for the free path */
static inline enum pmm_migratetype get_pageblock_migratetype(struct pmm_machine *m,
							     struct pmm_zone *zone,
							     unsigned long pfn)
{
	unsigned int bitidx;
	unsigned long *word = pmm__model_pageblock_bits(m, zone, pfn, &bitidx);

	if (!word)
		return PMM_MIGRATE_MOVABLE;
	return (enum pmm_migratetype)((__atomic_load_n(word, __ATOMIC_RELAXED) >> bitidx) &
				      MIGRATETYPE_MASK);
}

enum pmm_migratetype pmm__get_pageblock_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
						    unsigned long pfn)
{
	return get_pageblock_migratetype(m, zone, pfn);
}

/* PB_migrate_skip: the bit after the migratetype's three */
#define PB_MIGRATE_SKIP		(1UL << 3)

bool pmm__get_pageblock_skip(struct pmm_machine *m, struct pmm_zone *zone, unsigned long pfn)
{
	unsigned int bitidx;
	unsigned long *word = pmm__model_pageblock_bits(m, zone, pfn, &bitidx);

	return word && (__atomic_load_n(word, __ATOMIC_RELAXED) >> bitidx) & PB_MIGRATE_SKIP;
}

void pmm__set_pageblock_skip(struct pmm_machine *m, struct pmm_zone *zone, unsigned long pfn,
			     bool skip)
{
	unsigned int bitidx;
	unsigned long *word = pmm__model_pageblock_bits(m, zone, pfn, &bitidx);

	if (!word)
		return;
	if (skip)
		__atomic_fetch_or(word, PB_MIGRATE_SKIP << bitidx, __ATOMIC_RELAXED);
	else
		__atomic_fetch_and(word, ~(PB_MIGRATE_SKIP << bitidx), __ATOMIC_RELAXED);
}

static inline bool migratetype_is_mergeable(int mt)
{
	return mt < PMM_MIGRATE_PCPTYPES;
}

/* ---- buddy markers ---------------------------------------------------------------------------- */

static inline void set_buddy_order(struct pmm_page *page, unsigned int order)
{
	pmm_set_page_private(page, order);
	pmm_page_set_type(page, PMM_PGTY_buddy);
}

static inline unsigned int buddy_order(const struct pmm_page *page)
{
	return (unsigned int)pmm_page_private(page);
}

/* page_zone_id(): node and zone, the identity buddies must share */
static inline unsigned long page_zone_id(const struct pmm_page *page)
{
	return __atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> PMM_ZONES_PGSHIFT &
	       ((1UL << (PMM_ZONES_WIDTH + PMM_NODES_WIDTH)) - 1);
}

static inline bool page_is_buddy(const struct pmm_page *page, const struct pmm_page *buddy,
				 unsigned int order)
{
	return pmm_PageBuddy(buddy) && buddy_order(buddy) == order &&
	       page_zone_id(page) == page_zone_id(buddy);
}

static inline void add_to_free_list(struct pmm_page *page, struct pmm_zone *zone,
				    unsigned int order, int mt, bool tail)
{
	struct pmm_free_area *area = &zone->free_area[order];

	if (tail)
		pmm__list_add_tail(&page->buddy_list, &area->free_list[mt]);
	else
		pmm__list_add(&page->buddy_list, &area->free_list[mt]);
	mod_nr_free(area, 1);
}

static inline void del_page_from_free_list(struct pmm_page *page, struct pmm_zone *zone,
					   unsigned int order)
{
	pmm__list_del(&page->buddy_list);
	pmm_page_clear_type(page);
	pmm_set_page_private(page, 0);
	mod_nr_free(&zone->free_area[order], -1);
}

static inline void move_to_free_list(struct pmm_page *page, struct pmm_zone *zone,
				     unsigned int order, int mt)
{
	pmm__list_del(&page->buddy_list);
	pmm__list_add_tail(&page->buddy_list, &zone->free_area[order].free_list[mt]);
}

/*
 * NR_FREE_PAGES changes only with the buddy lists, under zone->lock (the
 * kernel's __mod_zone_page_state() there): a load and a store, no locked
 * instruction in the critical section; readers load it without the lock.
 */
static inline void mod_free_pages(struct pmm_zone *zone, long nr)
{
	long *stat = &zone->vm_stat[PMM_NR_FREE_PAGES];

	__atomic_store_n(stat, __atomic_load_n(stat, __ATOMIC_RELAXED) + nr, __ATOMIC_RELAXED);
}

/* ---- freeing: __free_one_page ---------------------------------------------------------------------- */

/*
 * The page of @target, from @page of @pfn in the same MAX_PAGE_ORDER block
 * (one memmap piece in every model); the offset may be negative.
 */
static inline struct pmm_page *pfn_offset(struct pmm_page *page, unsigned long pfn,
					  unsigned long target)
{
	return page + ((long)target - (long)pfn);
}

_Thread_local struct pmm__capture_control *pmm__capture_control;

/* task_capc(): this thread's direct compaction of @zone, still waiting for its block */
static inline struct pmm__capture_control *task_capc(const struct pmm_zone *zone)
{
	struct pmm__capture_control *capc = pmm__capture_control;

	return capc && !capc->page && capc->zone == zone ? capc : NULL;
}

/*
 * compaction_capture(): a block of the order compaction works for goes to
 * it, unless it is CMA or isolated, or a movable block below a pageblock
 * that an unmovable request would pollute.
 */
static bool compaction_capture(const struct pmm_machine *m, struct pmm__capture_control *capc,
			       struct pmm_page *page, unsigned int order, int mt)
{
	if (!capc || order != capc->order)
		return false;
	if (mt == PMM_MIGRATE_CMA || mt == PMM_MIGRATE_ISOLATE)
		return false;
	if (order < m->pageblock_order && mt == PMM_MIGRATE_MOVABLE &&
	    capc->migratetype != PMM_MIGRATE_MOVABLE)
		return false;
	capc->page = page;
	return true;
}

/* Caller holds zone->lock. */
static void free_one_page_locked(struct pmm_machine *m, struct pmm_zone *zone,
				 struct pmm_page *page, unsigned long pfn, unsigned int order,
				 int mt, int fpi)
{
	struct pmm__capture_control *capc = task_capc(zone);
	unsigned int max_order = m->max_page_order;
	unsigned long buddy_pfn = 0;
	bool to_tail;

	if (mt != PMM_MIGRATE_ISOLATE)
		mod_free_pages(zone, 1L << order);
	while (order < max_order) {
		struct pmm_page *buddy;

		if (__builtin_expect(capc != NULL, 0) && compaction_capture(m, capc, page, order, mt)) {
			mod_free_pages(zone, -(1L << order));
			return;
		}

		buddy_pfn = pfn ^ (1UL << order);
		buddy = pfn_offset(page, pfn, buddy_pfn);
		if (!page_is_buddy(page, buddy, order))
			break;
		if (order >= m->pageblock_order) {
			/* only the ordinary migratetypes merge across pageblocks */
			int buddy_mt = get_pageblock_migratetype(m, zone, buddy_pfn);

			if (mt != buddy_mt && (!migratetype_is_mergeable(mt) ||
					       !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		del_page_from_free_list(buddy, zone, order);
		page = pfn_offset(page, pfn, buddy_pfn & pfn);
		pfn = buddy_pfn & pfn;
		order++;
	}
	set_buddy_order(page, order);
	to_tail = fpi & FPI_TO_TAIL;
	if (!to_tail && order < max_order - 1) {
		/* buddy_merge_likely(): the next bigger buddy is free, so this may merge soon */
		unsigned long higher = (pfn & ~((2UL << order) - 1)) ^ (2UL << order);
		struct pmm_page *hb = pfn_offset(page, pfn, higher);

		to_tail = pmm_pfn_valid(m, higher) && page_is_buddy(page, hb, order + 1);
	}
	add_to_free_list(page, zone, order, mt, to_tail);
}

/* free_one_page(): under zone->lock, to the lists of the pageblock's type */
static void free_one_page(struct pmm_machine *m, struct pmm_zone *zone, struct pmm_page *page,
			  unsigned long pfn, unsigned int order, int fpi)
{
	pmm__spin_lock(&zone->lock);
	free_one_page_locked(m, zone, page, pfn, order, get_pageblock_migratetype(m, zone, pfn), fpi);
	pmm__spin_unlock(&zone->lock);
}

static void free_pages_core(struct pmm_machine *m, struct pmm_page *page, unsigned long pfn,
			    unsigned int order, bool account)
{
	struct pmm_zone *zone = pmm_page_zone(m, page);
	unsigned long i, nr = 1UL << order;

	for (i = 0; i < nr; i++) {
		pmm_page_clear_flag(page + i, PMM_PG_reserved);
		pmm_set_page_count(page + i, 0);
	}
	if (account)
		__atomic_fetch_add(&zone->managed_pages, nr, __ATOMIC_RELAXED);
	free_one_page(m, zone, page, pfn, order, FPI_TO_TAIL);
}

void pmm__free_pages_core(struct pmm_machine *m, struct pmm_page *page, unsigned long pfn,
			  unsigned int order)
{
	free_pages_core(m, page, pfn, order, true);
}

/* __free_pages_memory(): the largest naturally aligned blocks of [start, end) */
void pmm__free_pages_memory(struct pmm_machine *m, unsigned long start, unsigned long end,
			    bool account)
{
	while (start < end) {
		unsigned int order = start ? (unsigned int)__builtin_ctzl(start) : m->max_page_order;

		order = PMM__MIN(order, m->max_page_order);
		while (start + (1UL << order) > end)
			order--;
		free_pages_core(m, pmm_pfn_to_page(m, start), start, order, account);
		start += 1UL << order;
	}
}

/* __free_pages_memory() a chunk at a time; progress counts the region's pfns up to each chunk's end */
static void free_with_progress(struct pmm_machine *m, unsigned long start, unsigned long end,
			       unsigned long long region_done, unsigned long region_start,
			       unsigned long long total)
{
	while (start < end) {
		unsigned long next = PMM__MIN(end, PMM__ALIGN(start + 1, PMM__PROGRESS_CHUNK));

		pmm__free_pages_memory(m, start, next, true);
		start = next;
		pmm__progress(m, "freeing memory", region_done + (next - region_start), total);
	}
}

/* memblock_free_all(): every free (not reserved) page of every zone to the buddy lists. */
void pmm__memblock_free_all(struct pmm_machine *m)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory, *res = &m->memblock.reserved;
	unsigned long long total = 0, done = 0;
	unsigned int i;
	int nid, z;

	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e;

		if (pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			total += e - s;
	}

	/* reset_all_zones_managed_pages(): managed counts what is actually freed */
	pmm_for_each_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			m->view.node_data[nid]->node_zones[z].managed_pages = 0;
	for (i = 0; i < mem->cnt; i++) {
		const struct pmm_memblock_region *r = &mem->regions[i];
		pmm_pg_data_t *pgdat = m->view.node_data[r->nid];
		unsigned long s, e, fe;

		if (!pmm__region_pfns(r, m->view.page_shift, &s, &e))
			continue;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long zs = PMM__MAX(s, zone->zone_start_pfn);
			unsigned long ze = PMM__MIN(e, pmm_zone_end_pfn(zone));

			/* memblock_free_pages(): deferred struct pages are not initialised yet */
			ze = PMM__MIN(ze, pgdat->first_deferred_pfn);
			if (!zone->spanned_pages || zs >= ze)
				continue;
			/* for_each_free_mem_range(): the parts not in memblock.reserved */
			for (; pmm__next_free_pfn_range(res, m->view.page_shift, &zs, ze, &fe); zs = fe)
				free_with_progress(m, zs, fe, done, s, total);
		}
		done += e - s;
	}
	pmm__progress(m, "freeing memory", total, total);
}

/* ---- allocation: expand, __rmqueue_smallest, fallback ------------------------------------------- */

/* Caller holds zone->lock. The upper halves go back to the free lists. */
static void expand(struct pmm_zone *zone, struct pmm_page *page, unsigned int low,
		   unsigned int high, int mt)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high, mt, false);
		set_buddy_order(&page[size], high);
	}
}

static struct pmm_page *first_free(struct pmm_zone *zone, unsigned int order, int mt)
{
	struct pmm_list_head *l = &zone->free_area[order].free_list[mt];

	return list_empty(l) ? NULL : page_of(l->next, buddy_list);
}

/* Caller holds zone->lock. */
static struct pmm_page *rmqueue_smallest(struct pmm_machine *m, struct pmm_zone *zone,
					 unsigned int order, int mt)
{
	unsigned int o;

	for (o = order; o <= m->max_page_order; o++) {
		struct pmm_page *page = first_free(zone, o, mt);

		if (!page)
			continue;
		del_page_from_free_list(page, zone, o);
		expand(zone, page, order, o, mt);
		return page;
	}
	return NULL;
}

/* fallbacks[] of 6.1: which lists each migratetype may take from, in order */
static const int fallbacks[PMM_MIGRATE_PCPTYPES][2] = {
	[PMM_MIGRATE_UNMOVABLE] = { PMM_MIGRATE_RECLAIMABLE, PMM_MIGRATE_MOVABLE },
	[PMM_MIGRATE_MOVABLE] = { PMM_MIGRATE_RECLAIMABLE, PMM_MIGRATE_UNMOVABLE },
	[PMM_MIGRATE_RECLAIMABLE] = { PMM_MIGRATE_UNMOVABLE, PMM_MIGRATE_MOVABLE },
};

static bool can_steal_fallback(const struct pmm_machine *m, unsigned int order, int start_mt)
{
	if (order >= m->pageblock_order)
		return true;
	return order >= m->pageblock_order / 2 || start_mt == PMM_MIGRATE_RECLAIMABLE ||
	       start_mt == PMM_MIGRATE_UNMOVABLE || __atomic_load_n(&m->page_group_by_mobility_disabled, __ATOMIC_RELAXED);
}

int pmm__find_suitable_fallback(const struct pmm_machine *m, struct pmm_zone *zone,
				unsigned int order, int mt, bool only_stealable, bool *can_steal)
{
	int i;

	*can_steal = false;
	if (!nr_free(&zone->free_area[order]))
		return -1;
	for (i = 0; i < 2; i++) {
		int fmt = fallbacks[mt][i];

		if (list_empty(&zone->free_area[order].free_list[fmt]))
			continue;
		*can_steal = can_steal_fallback(m, order, mt);
		if (only_stealable && !*can_steal)
			continue;
		return fmt;
	}
	return -1;
}

/* boost_watermark(): fragmenting a pageblock raises the high watermark for a while */
static bool boost_watermark(struct pmm_machine *m, struct pmm_zone *zone)
{
	unsigned long pageblock = 1UL << m->pageblock_order, max_boost;
	unsigned long factor = (unsigned long)m->sysctl.watermark_boost_factor;
	unsigned long high = zone->_watermark[PMM_WMARK_HIGH];

	if (!factor || pageblock * 4 > zone->managed_pages)
		return false;
	max_boost = (high / 10000) * factor + ((high % 10000) * factor) / 10000;
	if (!max_boost)
		return false;
	max_boost = PMM__MAX(pageblock, max_boost);
	__atomic_store_n(&zone->watermark_boost, PMM__MIN(zone->watermark_boost + pageblock, max_boost),
			 __ATOMIC_RELAXED);
	return true;
}

/* move_freepages_block(): free pages of the pageblock to another list; counts movable pages */
static int move_freepages_block(struct pmm_machine *m, struct pmm_zone *zone,
				struct pmm_page *page, unsigned long pfn, int mt, int *movable)
{
	unsigned long pageblock = 1UL << m->pageblock_order;
	unsigned long start = PMM__ALIGN_DOWN(pfn, pageblock), end = start + pageblock, p;
	int moved = 0;

	*movable = 0;
	if (start < zone->zone_start_pfn || end > pmm_zone_end_pfn(zone))
		return 0;	/* the block straddles the zone: leave it */
	for (p = start; p < end;) {
		struct pmm_page *pg = pfn_offset(page, pfn, p);

		if (!pmm_pfn_valid(m, p)) {
			p++;
			continue;
		}
		if (!pmm_PageBuddy(pg)) {
			if (pmm_page_test_flag(pg, PMM_PG_movable))
				(*movable)++;
			p++;
			continue;
		}
		move_to_free_list(pg, zone, buddy_order(pg), mt);
		moved += 1 << buddy_order(pg);
		p += 1UL << buddy_order(pg);
	}
	return moved;
}

static void steal_suitable_fallback(struct pmm_machine *m, struct pmm_zone *zone,
				    struct pmm_page *page, unsigned long pfn, int start_type,
				    unsigned int alloc_flags, bool whole_block)
{
	unsigned int current_order = buddy_order(page), pb = m->pageblock_order;
	int old_block_type = pmm__get_pageblock_migratetype(m, zone, pfn);
	int free_pages, movable_pages, alike_pages;

	if (old_block_type == PMM_MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= pb) {
		/* change_pageblock_range(): the whole block changes type */
		unsigned long n;

		for (n = 0; n < (1UL << current_order); n += 1UL << pb)
			pmm__set_pageblock_migratetype(m, zone, pfn + n, start_type);
		goto single_page;
	}
	/* kswapd is woken to reclaim the boost, then kcompactd to undo the damage */
	if (boost_watermark(m, zone) && (alloc_flags & ALLOC_KSWAPD))
		__atomic_fetch_or(&zone->flags, ZONE_BOOSTED_WATERMARK, __ATOMIC_RELAXED);
	if (!whole_block)
		goto single_page;
	free_pages = move_freepages_block(m, zone, page, pfn, start_type, &movable_pages);
	if (!free_pages)
		goto single_page;
	if (start_type == PMM_MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == PMM_MIGRATE_MOVABLE)
		alike_pages = (int)(1UL << pb) - (free_pages + movable_pages);
	else
		alike_pages = 0;
	/* claim the block when at least half of it is free or of our kind */
	if (free_pages + alike_pages >= (1 << (pb - 1)) || __atomic_load_n(&m->page_group_by_mobility_disabled, __ATOMIC_RELAXED))
		pmm__set_pageblock_migratetype(m, zone, pfn, start_type);
	return;
single_page:
	move_to_free_list(page, zone, current_order, start_type);
}

/* Caller holds zone->lock. Returns true if pages were moved to start_mt's lists. */
static bool rmqueue_fallback(struct pmm_machine *m, struct pmm_zone *zone, unsigned int order,
			     int start_mt, unsigned int alloc_flags)
{
	unsigned int min_order = order;
	int current_order, fallback_mt = -1;
	bool can_steal = false;
	struct pmm_page *page;

	if ((alloc_flags & ALLOC_NOFRAGMENT) && order < m->pageblock_order)
		min_order = m->pageblock_order;
	for (current_order = (int)m->max_page_order; current_order >= (int)min_order;
	     current_order--) {
		fallback_mt = pmm__find_suitable_fallback(m, zone, (unsigned int)current_order,
							  start_mt, false, &can_steal);
		if (fallback_mt == -1)
			continue;
		if (!can_steal && start_mt == PMM_MIGRATE_MOVABLE && current_order > (int)order)
			goto find_smallest;
		goto do_steal;
	}
	return false;
find_smallest:
	for (current_order = (int)order; current_order <= (int)m->max_page_order; current_order++) {
		fallback_mt = pmm__find_suitable_fallback(m, zone, (unsigned int)current_order,
							  start_mt, false, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (current_order > (int)m->max_page_order)
		return false;
do_steal:
	page = first_free(zone, (unsigned int)current_order, fallback_mt);
	steal_suitable_fallback(m, zone, page, pmm_page_to_pfn(m, page), start_mt, alloc_flags,
				can_steal);
	/* trace_mm_page_alloc_extfrag() */
	__atomic_fetch_add(&m->nr_extfrag, 1, __ATOMIC_RELAXED);
	if (current_order < (int)m->pageblock_order)
		__atomic_fetch_add(&m->nr_extfrag_fragmenting, 1, __ATOMIC_RELAXED);
	return true;
}

/* Caller holds zone->lock. */
static struct pmm_page *rmqueue_locked(struct pmm_machine *m, struct pmm_zone *zone,
				       unsigned int order, int mt, unsigned int alloc_flags,
				       bool *fell_back)
{
	struct pmm_page *page;

	for (;;) {
		page = rmqueue_smallest(m, zone, order, mt);
		if (page || !rmqueue_fallback(m, zone, order, mt, alloc_flags))
			return page;
		*fell_back = true;
	}
}

/* ---- per-CPU lists ------------------------------------------------------------------------------ */

static inline bool pcp_allowed_order(const struct pmm_machine *m, unsigned int order)
{
	return order <= PMM__PAGE_ALLOC_COSTLY_ORDER || order == m->pageblock_order;
}

static inline int order_to_pindex(const struct pmm_machine *m, int mt, unsigned int order)
{
	if (order > PMM__PAGE_ALLOC_COSTLY_ORDER)
		return PMM__NR_LOWORDER_PCP_LISTS;	/* the THP list */
	(void)m;
	return PMM_MIGRATE_PCPTYPES * (int)order + mt;
}

static inline unsigned int pindex_to_order(const struct pmm_machine *m, int pindex)
{
	return pindex == PMM__NR_LOWORDER_PCP_LISTS ? m->pageblock_order :
						      (unsigned int)(pindex / PMM_MIGRATE_PCPTYPES);
}

/* The calling thread's simulated CPU, as an index of the per-CPU lists
 * (machine ids start at 1: an empty cache, id 0, matches no machine). */
static inline int this_cpu(struct pmm_machine *m)
{
	int cpu = pmm__cpu_cache.machine_id == m->id ? pmm__cpu_cache.cpu : pmm_get_cpu(m);

	return (unsigned int)cpu < (unsigned int)m->nr_cpu_ids ? cpu : 0;
}

static inline struct pmm_per_cpu_pages *pcp_of(struct pmm_zone *zone, int cpu)
{
	return &zone->per_cpu_pageset[cpu];
}

/* an event counted without the per-CPU list's lock */
static void count_event(struct pmm_zone *zone, int cpu, int item, unsigned long n)
{
	__atomic_fetch_add(&pcp_of(zone, cpu)->events[item], n, __ATOMIC_RELAXED);
}

/*
 * A counter of a per-CPU list whose lock the caller holds: a load and a
 * store, no locked instruction (the hot path). Counters written outside the
 * lock use an atomic add; when threads share a simulated CPU (kswapd and
 * kcompactd run on their node's first CPU) one of two racing updates may
 * be lost, as statistics may be; the lists themselves are under the lock.
 */
static inline void pcp_add(unsigned long *counter, unsigned long n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n, __ATOMIC_RELAXED);
}

/*
 * free_pcppages_bulk(): count pages back to the buddy lists, round robin
 * over the lists, oldest first, under zone->lock. The oldest pages of a long
 * list are rarely in cache and are reached one pointer at a time, and the
 * struct pages a free merges with rarely are either: so each page's buddies
 * are prefetched as it is taken off its list (prefetch_buddy()), and it is
 * merged PCP_FREE_DEPTH pages later, while the walk waits for the next one.
 */
#define PCP_FREE_DEPTH	8

struct pcp_free {
	struct pmm_page	*page;
	unsigned long	pfn;
	unsigned int	order;
	int		mt;
};

static inline void pcp_free_one(struct pmm_machine *m, struct pmm_zone *zone,
				const struct pcp_free *f, bool isolated)
{
	int mt = isolated ? (int)pmm__get_pageblock_migratetype(m, zone, f->pfn) : f->mt;

	free_one_page_locked(m, zone, f->page, f->pfn, f->order, mt, FPI_NONE);
}

static void free_pcppages_bulk(struct pmm_machine *m, struct pmm_zone *zone, int count,
			       struct pmm_per_cpu_pages *pcp, int pindex)
{
	struct pcp_free ring[PCP_FREE_DEPTH];
	unsigned int head = 0, n = 0;
	bool isolated;

	pmm__spin_lock(&zone->lock);
	isolated = zone->nr_isolate_pageblock != 0;
	while (count > 0 && pcp->count > 0) {
		struct pmm_list_head *list;
		unsigned int order;
		int tries = 0;

		do {
			if (++pindex >= PMM__NR_PCP_LISTS)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list) && ++tries <= PMM__NR_PCP_LISTS);
		if (list_empty(list))
			break;
		order = pindex_to_order(m, pindex);
		do {
			struct pmm_page *page = page_of(list->prev, pcp_list);	/* oldest first */
			unsigned long pfn;

			pmm__list_del(&page->pcp_list);
			pmm_page_clear_type(page);
			pcp->count -= 1 << order;
			count -= 1 << order;
			pfn = pmm_page_to_pfn(m, page);
			/* the buddies of this order and the next, where merging goes
			 * (within the MAX_PAGE_ORDER block, as pfn_offset() needs) */
			if (order < m->max_page_order)
				__builtin_prefetch(pfn_offset(page, pfn, pfn ^ (1UL << order)), 1);
			if (order + 1 < m->max_page_order)
				__builtin_prefetch(pfn_offset(page, pfn, pfn ^ (2UL << order)), 1);
			if (n == PCP_FREE_DEPTH)	/* the page taken DEPTH pages ago: its buddies are in */
				pcp_free_one(m, zone, &ring[head], isolated);
			else
				n++;
			ring[head] = (struct pcp_free){ page, pfn, order, (int)page->index };
			page->index = 0;	/* get_pcppage_migratetype() read above */
			head = (head + 1) % PCP_FREE_DEPTH;
		} while (count > 0 && !list_empty(list));
	}
	/* the last ones, in the order they came off */
	for (head = (head + PCP_FREE_DEPTH - n) % PCP_FREE_DEPTH; n; n--) {
		pcp_free_one(m, zone, &ring[head], isolated);
		head = (head + 1) % PCP_FREE_DEPTH;
	}
	pmm__spin_unlock(&zone->lock);
}

/* rmqueue_bulk(): refill a per-CPU list with count blocks. */
static int rmqueue_bulk(struct pmm_machine *m, struct pmm_zone *zone, unsigned int order,
			int count, struct pmm_list_head *list, int mt, unsigned int alloc_flags,
			bool *fell_back)
{
	int i;

	pmm__spin_lock(&zone->lock);
	for (i = 0; i < count; i++) {
		struct pmm_page *page = rmqueue_locked(m, zone, order, mt, alloc_flags, fell_back);

		if (!page)
			break;
		page->index = (unsigned long)mt;	/* set_pcppage_migratetype() */
		pmm_page_set_type(page, PMM_PGTY_pcp);
		pmm__list_add_tail(&page->pcp_list, list);
	}
	mod_free_pages(zone, -((long)i << order));
	pmm__spin_unlock(&zone->lock);
	return i;
}

/*
 * The per-CPU lists of kernel 6.7 and later (Huang Ying's auto-tuning):
 * pcp->high moves between high_min (the zone's low watermark, split over
 * the node's CPUs) and high_max (an eighth of the zone): refills raise it
 * while the zone is above its high watermark, consecutive frees flush in
 * batches as large as the run of frees, and below the high watermark
 * frees shrink it again. Earlier kernels keep a fixed high (6.1 above).
 */
#define PCP_BATCH_SCALE_MAX		5	/* CONFIG_PCP_BATCH_SCALE_MAX */
#define PCPF_PREV_FREE_HIGH_ORDER	0x1
#define PCPF_FREE_HIGH_BATCH		0x2

static inline bool pcp_autotune(const struct pmm_machine *m)
{
	return m->kernel_version >= PMM_KERNEL_VERSION(6, 7);
}

static inline bool zone_below_high(const struct pmm_zone *zone)
{
	return __atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & ZONE_BELOW_HIGH;
}

/* clamp(pcp->high, high_min, high_max), stored */
static int pcp_high_clamped(struct pmm_per_cpu_pages *pcp)
{
	pcp->high = PMM__MIN(PMM__MAX(pcp->high, pcp->high_min), pcp->high_max);
	return pcp->high;
}

/* nr_pcp_alloc() of 6.7+: how many pages a refill takes */
static int nr_pcp_alloc(struct pmm_per_cpu_pages *pcp, struct pmm_zone *zone, unsigned int order)
{
	int base_batch = pcp->batch, high = pcp_high_clamped(pcp), batch, max_nr_alloc;

	if (high < base_batch)
		return 1;
	batch = order ? base_batch : base_batch << pcp->alloc_factor;
	/* a larger high would have avoided this refill */
	if (pcp->high_min != pcp->high_max && !zone_below_high(zone))
		high = pcp->high = PMM__MIN(high + batch, pcp->high_max);
	if (!order) {
		max_nr_alloc = PMM__MAX(high - pcp->count - base_batch, base_batch);
		/* double the refill while allocations follow allocations */
		if (batch <= max_nr_alloc && pcp->alloc_factor < PCP_BATCH_SCALE_MAX)
			pcp->alloc_factor++;
		batch = PMM__MIN(batch, max_nr_alloc);
	}
	if (batch > 1)
		batch = PMM__MAX(batch >> order, 2);
	return batch;
}

/* nr_pcp_high() of 6.7+: the high this free is measured against */
static int nr_pcp_high(struct pmm_per_cpu_pages *pcp, struct pmm_zone *zone, int batch,
		       bool free_high)
{
	int high = pcp_high_clamped(pcp);

	if (!high)
		return 0;
	if (free_high) {
		pcp->high = PMM__MAX(high - (batch << PCP_BATCH_SCALE_MAX), pcp->high_min);
		return 0;
	}
	if (pcp->high_min == pcp->high_max)
		return high;
	if (zone_below_high(zone)) {
		/* memory is getting short: give pages back sooner */
		pcp->high = PMM__MAX(high - PMM__MAX(pcp->free_count, batch), pcp->high_min);
		high = PMM__MAX(pcp->count, pcp->high_min);
	} else if (pcp->count >= high) {
		/* large enough to hold a batch of frees */
		int need_high = pcp->free_count + batch;

		if (pcp->high < need_high)
			pcp->high = PMM__MIN(PMM__MAX(need_high, pcp->high_min), pcp->high_max);
	}
	return high;
}

/* nr_pcp_free() of 6.7+: as many as were freed in a row, leaving a batch */
static int nr_pcp_free_tuned(struct pmm_per_cpu_pages *pcp, int batch, int high, bool free_high)
{
	if (free_high)
		return PMM__MIN(pcp->count, batch << PCP_BATCH_SCALE_MAX);
	if (high < batch)
		return 1;
	return PMM__MIN(PMM__MAX(pcp->free_count, batch), high - batch);
}

/* an empty per-CPU list refilled from the buddy lists, a batch at a time */
static __attribute__((noinline)) void pcp_refill(struct pmm_machine *m, struct pmm_zone *zone,
						  struct pmm_per_cpu_pages *pcp,
						  struct pmm_list_head *list, unsigned int order,
						  int mt, unsigned int alloc_flags, bool *fell_back)
{
	int batch = pcp->batch;

	if (pcp_autotune(m))
		batch = nr_pcp_alloc(pcp, zone, order);
	else if (batch > 1)
		batch = PMM__MAX(batch >> order, 2);
	pcp->count += rmqueue_bulk(m, zone, order, batch, list, mt, alloc_flags, fell_back) << order;
}

static inline struct pmm_page *rmqueue_pcplist(struct pmm_machine *m, struct pmm_zone *zone,
					       struct pmm_per_cpu_pages *pcp, unsigned int order,
					       int mt, unsigned int alloc_flags, bool *fell_back)
{
	struct pmm_list_head *list = &pcp->lists[order_to_pindex(m, mt, order)];
	struct pmm_page *page;

	if (pcp_autotune(m))
		pcp->free_count >>= 1;
	else
		pcp->free_factor >>= 1;
	if (__builtin_expect(list_empty(list), 0)) {
		pcp_refill(m, zone, pcp, list, order, mt, alloc_flags, fell_back);
		if (list_empty(list))
			return NULL;
	}
	page = page_of(list->next, pcp_list);
	pmm__list_del(&page->pcp_list);
	pmm_page_clear_type(page);
	pcp->count -= 1 << order;
	page->index = 0;
	return page;
}

/* nr_pcp_free() of 6.1: free more each time frees follow frees */
static int nr_pcp_free(struct pmm_per_cpu_pages *pcp, int high, int batch)
{
	int min_nr_free, max_nr_free;

	if (high < batch)
		return 1;
	min_nr_free = batch;
	max_nr_free = high - batch;
	batch <<= pcp->free_factor;
	if (batch < max_nr_free)
		pcp->free_factor++;
	return PMM__MIN(PMM__MAX(batch, min_nr_free), max_nr_free);
}

static bool zone_watermark_ok(struct pmm_machine *m, struct pmm_zone *z, unsigned int order,
			      unsigned long mark, int highest_zoneidx, unsigned int alloc_flags,
			      long free_pages);

/* the rest of free_unref_page_commit() of 6.7+, the page already on the list */
static inline void free_unref_page_commit_tuned(struct pmm_machine *m, struct pmm_zone *zone,
						struct pmm_per_cpu_pages *pcp, unsigned int order,
						int pindex)
{
	int batch = pcp->batch, high;
	bool free_high = false;

	pcp->alloc_factor >>= 1;
	/* orders 1-3 freed in a row without allocations: flush them, they fragment */
	if (order && order <= PMM__PAGE_ALLOC_COSTLY_ORDER) {
		free_high = pcp->free_count >= batch && (pcp->flags & PCPF_PREV_FREE_HIGH_ORDER) &&
			    (!(pcp->flags & PCPF_FREE_HIGH_BATCH) || pcp->count >= batch);
		pcp->flags |= PCPF_PREV_FREE_HIGH_ORDER;
	} else {
		pcp->flags &= ~PCPF_PREV_FREE_HIGH_ORDER;
	}
	if (pcp->free_count < (batch << PCP_BATCH_SCALE_MAX))
		pcp->free_count += 1 << order;
	high = nr_pcp_high(pcp, zone, batch, free_high);
	if (pcp->count < high)
		return;
	free_pcppages_bulk(m, zone, nr_pcp_free_tuned(pcp, batch, high, free_high), pcp, pindex);
	if (zone_below_high(zone) &&
	    zone_watermark_ok(m, zone, 0, __atomic_load_n(&zone->_watermark[PMM_WMARK_HIGH],
							  __ATOMIC_RELAXED) +
			      __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED),
			      PMM_ZONE_MOVABLE, 0, (long)pmm_zone_free_pages(zone)))
		__atomic_fetch_and(&zone->flags, ~ZONE_BELOW_HIGH, __ATOMIC_RELAXED);
}

/* free_unref_page_commit(): onto @pcp's list of @mt, the caller holding its lock; trim it */
static inline void free_unref_page_commit(struct pmm_machine *m, struct pmm_zone *zone,
				   struct pmm_per_cpu_pages *pcp, struct pmm_page *page,
				   unsigned int order, int mt)
{
	int pindex = order_to_pindex(m, mt, order);

	page->index = (unsigned long)mt;
	pmm_page_set_type(page, PMM_PGTY_pcp);
	pmm__list_add(&page->pcp_list, &pcp->lists[pindex]);
	pcp->count += 1 << order;
	pcp_add(&pcp->events[PMM_PGFREE], 1UL << order);
	if (pcp_autotune(m))
		free_unref_page_commit_tuned(m, zone, pcp, order, pindex);
	else if (pcp->count >= pcp->high)
		free_pcppages_bulk(m, zone, nr_pcp_free(pcp, pcp->high, pcp->batch), pcp, pindex);
}

/* the per-CPU list a freed page of @pfn goes to; -1: straight to the buddy lists (isolated) */
static inline int free_unref_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
					 unsigned long pfn)
{
	int mt = get_pageblock_migratetype(m, zone, pfn);

	if (__builtin_expect(mt >= PMM_MIGRATE_PCPTYPES, 0))
		return mt == PMM_MIGRATE_ISOLATE ? -1 : PMM_MIGRATE_MOVABLE;
	return mt;
}

static inline void free_unref_page(struct pmm_machine *m, struct pmm_zone *zone,
				   struct pmm_page *page, unsigned long pfn, unsigned int order,
				   int cpu)
{
	int mt = free_unref_migratetype(m, zone, pfn);
	struct pmm_per_cpu_pages *pcp;

	if (mt < 0) {
		free_one_page(m, zone, page, pfn, order, FPI_NONE);
		return;
	}
	pcp = pcp_of(zone, cpu);
	pmm__pcp_lock(&pcp->lock);
	if (__atomic_load_n(&zone->pcp_disabled, __ATOMIC_RELAXED)) {
		/* zone_pcp_disable(): straight to the buddy lists, under the pageblock's type
		 * (the kernel's list of high 0 flushes at once; counted as a free all the same) */
		pmm__pcp_unlock(&pcp->lock);
		free_one_page(m, zone, page, pfn, order, FPI_NONE);
		count_event(zone, cpu, PMM_PGFREE, 1UL << order);
		return;
	}
	free_unref_page_commit(m, zone, pcp, page, order, mt);
	pmm__pcp_unlock(&pcp->lock);
}

static void drain_zone_pages(struct pmm_machine *m, struct pmm_zone *zone)
{
	int cpu;

	if (!zone->per_cpu_pageset)
		return;
	for (cpu = 0; cpu < m->nr_cpu_ids; cpu++) {
		struct pmm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		pmm__pcp_lock(&pcp->lock);
		if (pcp->count)
			free_pcppages_bulk(m, zone, pcp->count, pcp, 0);
		pmm__pcp_unlock(&pcp->lock);
	}
}

void pmm__drain_local_pages(struct pmm_machine *m, struct pmm_zone *zone)
{
	struct pmm_per_cpu_pages *pcp;

	if (!zone->per_cpu_pageset)
		return;
	pcp = pcp_of(zone, this_cpu(m));
	pmm__pcp_lock(&pcp->lock);
	if (pcp->count)
		free_pcppages_bulk(m, zone, pcp->count, pcp, 0);
	pmm__pcp_unlock(&pcp->lock);
}

void pmm_drain_all_pages(struct pmm_machine *m)
{
	int nid, z;

	pmm_for_each_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			drain_zone_pages(m, &m->view.node_data[nid]->node_zones[z]);
}

/* zone_set_pageset_high_and_batch() applied to every CPU's list */
void pmm__zone_pcp_update(struct pmm_machine *m, struct pmm_zone *zone)
{
	int cpu;

	if (!zone->per_cpu_pageset)
		return;
	for (cpu = 0; cpu < m->nr_cpu_ids; cpu++) {
		struct pmm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		pmm__pcp_lock(&pcp->lock);
		pcp->high = zone->pageset_high;
		pcp->batch = zone->pageset_batch;
		pcp->high_min = zone->pageset_high;
		pcp->high_max = pcp_autotune(m) ? zone->pageset_high_max : zone->pageset_high;
		pmm__pcp_unlock(&pcp->lock);
	}
}

int pmm__page_alloc_init(struct pmm_machine *m)
{
	int nid, z, cpu, i;

	m->nr_cpu_ids = PMM__MAX(pmm_nr_cpus(m), 1);
	pmm_for_each_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &m->view.node_data[nid]->node_zones[z];

			zone->per_cpu_pageset = aligned_alloc(64, sizeof(struct pmm_per_cpu_pages) *
								  (size_t)m->nr_cpu_ids);
			if (!zone->per_cpu_pageset)
				return -ENOMEM;
			memset(zone->per_cpu_pageset, 0,
			       sizeof(struct pmm_per_cpu_pages) * (size_t)m->nr_cpu_ids);
			for (cpu = 0; cpu < m->nr_cpu_ids; cpu++) {
				struct pmm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

				for (i = 0; i < PMM__NR_PCP_LISTS; i++)
					list_init(&pcp->lists[i]);
				pcp->batch = 1;	/* the boot pageset until watermarks exist */
			}
		}
	return 0;
}

void pmm__page_alloc_fini(struct pmm_machine *m)
{
	int nid, z;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		if (!m->view.node_data[nid])
			continue;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			free(m->view.node_data[nid]->node_zones[z].per_cpu_pageset);
			m->view.node_data[nid]->node_zones[z].per_cpu_pageset = NULL;
		}
	}
}

/* ---- statistics ------------------------------------------------------------------------------------- */

unsigned long pmm_zone_event(const struct pmm_machine *m, const struct pmm_zone *zone,
			     unsigned int item)
{
	unsigned long sum = 0;
	int cpu;

	if (!zone->per_cpu_pageset || item >= PMM_NR_ZONE_EVENTS + PMM_NR_VM_NUMA_EVENT_ITEMS)
		return 0;
	for (cpu = 0; cpu < m->nr_cpu_ids; cpu++) {
		const struct pmm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];

		sum += __atomic_load_n(item < PMM_NR_ZONE_EVENTS ? &pcp->events[item] :
				       &pcp->numa_events[item - PMM_NR_ZONE_EVENTS],
				       __ATOMIC_RELAXED);
	}
	return sum;
}

void pmm__count_zone_event(struct pmm_machine *m, struct pmm_zone *zone, int item, unsigned long n)
{
	if (zone->per_cpu_pageset)
		count_event(zone, this_cpu(m), item, n);
}

/* zone_statistics() for @nr pages; locked: the caller holds the lock of z's per-CPU list */
static inline void zone_statistics(struct pmm_zone *preferred, struct pmm_zone *z, int cpu,
				   int local_nid, bool locked, unsigned long nr)
{
	struct pmm_per_cpu_pages *pcp = pcp_of(z, cpu);
	int item = z->node == local_nid ? PMM_NUMA_LOCAL : PMM_NUMA_OTHER;

	if (locked) {
		pcp_add(&pcp->numa_events[z->node == preferred->node ? PMM_NUMA_HIT : PMM_NUMA_MISS], nr);
		pcp_add(&pcp->numa_events[item], nr);
	} else {
		__atomic_fetch_add(&pcp->numa_events[z->node == preferred->node ? PMM_NUMA_HIT :
						     PMM_NUMA_MISS], nr, __ATOMIC_RELAXED);
		__atomic_fetch_add(&pcp->numa_events[item], nr, __ATOMIC_RELAXED);
	}
	if (z->node != preferred->node)
		__atomic_fetch_add(&pcp_of(preferred, cpu)->numa_events[PMM_NUMA_FOREIGN], nr,
				   __ATOMIC_RELAXED);
}

/* ---- gfp --------------------------------------------------------------------------------------------- */

/* OPT_ZONE_DMA and its kind: @type if configured, else ZONE_NORMAL */
static inline int opt_zone(const struct pmm_machine *m, enum pmm_zone_type type)
{
	return pmm_zone_type_configured(m, type) ? (int)type : PMM_ZONE_NORMAL;
}

int pmm_gfp_zone(const struct pmm_machine *m, pmm_gfp_t gfp)
{
	switch (gfp & PMM_GFP_ZONEMASK) {
	case 0:
	case __PMM_GFP_MOVABLE:
		return PMM_ZONE_NORMAL;
	case __PMM_GFP_DMA:
	case __PMM_GFP_DMA | __PMM_GFP_MOVABLE:
		return opt_zone(m, PMM_ZONE_DMA);
	case __PMM_GFP_HIGHMEM:
		return opt_zone(m, PMM_ZONE_HIGHMEM);
	case __PMM_GFP_DMA32:
	case __PMM_GFP_DMA32 | __PMM_GFP_MOVABLE:
		return opt_zone(m, PMM_ZONE_DMA32);
	case __PMM_GFP_HIGHMEM | __PMM_GFP_MOVABLE:
		return PMM_ZONE_MOVABLE;
	default:
		return -1;	/* two zone modifiers at once: GFP_ZONE_BAD */
	}
}

/* ---- watermarks ---------------------------------------------------------------------------------------- */

/* __zone_watermark_ok() of kernel 6.12 (ALLOC_MIN_RESERVE, ALLOC_NON_BLOCK) */
static bool zone_watermark_ok(struct pmm_machine *m, struct pmm_zone *z, unsigned int order,
			      unsigned long mark, int highest_zoneidx, unsigned int alloc_flags,
			      long free_pages)
{
	long min = (long)mark;
	unsigned int o;

	free_pages -= (1L << order) - 1;
	/* the high-atomic reserve is for those allowed below the min watermark */
	if (!(alloc_flags & ALLOC_RESERVES))
		free_pages -= (long)__atomic_load_n(&z->nr_reserved_highatomic, __ATOMIC_RELAXED);
	if (alloc_flags & ALLOC_MIN_RESERVE) {
		min -= min / 2;
		if (alloc_flags & ALLOC_NON_BLOCK)
			min -= min / 4;
	}
	if (free_pages <= min + __atomic_load_n(&z->lowmem_reserve[highest_zoneidx], __ATOMIC_RELAXED))
		return false;
	if (!order)
		return true;
	for (o = order; o <= m->max_page_order; o++) {
		int mt;

		if (!nr_free(&z->free_area[o]))
			continue;
		for (mt = 0; mt < PMM_MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&z->free_area[o].free_list[mt]))
				return true;
		if ((alloc_flags & ALLOC_HIGHATOMIC) &&
		    !list_empty(&z->free_area[o].free_list[PMM_MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

/* zone_watermark_fast(): an order-0 request well above the mark decided inline */
static inline bool zone_watermark_fast(struct pmm_machine *m, struct pmm_zone *z,
				       unsigned int order, unsigned long mark, int highest_zoneidx,
				       unsigned int alloc_flags)
{
	long free_pages = (long)pmm_zone_free_pages(z);

	/* ALLOC_MIN_RESERVE only lowers the mark: above it, above any */
	if (!order && free_pages - (alloc_flags & ALLOC_RESERVES ? 0 :
				    (long)__atomic_load_n(&z->nr_reserved_highatomic,
							  __ATOMIC_RELAXED)) >
			      (long)mark + __atomic_load_n(&z->lowmem_reserve[highest_zoneidx],
							   __ATOMIC_RELAXED))
		return true;
	return zone_watermark_ok(m, z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

bool pmm__zone_watermark_ok(struct pmm_machine *m, struct pmm_zone *z, unsigned int order,
			    unsigned long mark, int highest_zoneidx, unsigned int alloc_flags,
			    long free_pages)
{
	return zone_watermark_ok(m, z, order, mark, highest_zoneidx, alloc_flags, free_pages);
}

/* ---- the allocation path -------------------------------------------------------------------------------- */


static struct pmm_zone *first_zone(const struct pmm_zoneref *z, int highest,
				   const pmm_nodemask_t *nodes)
{
	return pmm__next_zone(z, highest, nodes, &z);
}

static inline void prep_new_page(struct pmm_machine *m, struct pmm_page *page,
				 unsigned int order, pmm_gfp_t gfp)
{
	pmm_set_page_private(page, 0);
	pmm_set_page_count(page, 1);
	if (gfp & __PMM_GFP_MOVABLE)
		pmm___page_set_flag(page, PMM_PG_movable);
	if ((gfp & __PMM_GFP_ZERO) && m->view.direct_map)
		memset(pmm_page_address(m, page), 0, pmm_page_size(m) << order);
	if (order && (gfp & __PMM_GFP_COMP))
		pmm_prep_compound_page(page, order);
}

static struct pmm_page *rmqueue_page(struct pmm_machine *m, struct pmm_zone *zone,
				     unsigned int order, unsigned int alloc_flags,
				     const struct alloc_context *ac)
{
	bool fell_back = false;
	struct pmm_page *page;

	if (pcp_allowed_order(m, order) && !(m->flags & PMM_BOOT_NO_PCP)) {
		struct pmm_per_cpu_pages *pcp = pcp_of(zone, ac->cpu);

		pmm__pcp_lock(&pcp->lock);
		if (!__atomic_load_n(&zone->pcp_disabled, __ATOMIC_RELAXED)) {
			page = rmqueue_pcplist(m, zone, pcp, order, ac->migratetype, alloc_flags,
					       &fell_back);
			if (page) {
				pcp_add(&pcp->events[PMM_PGALLOC], 1UL << order);
				zone_statistics(ac->preferred_zone, zone, ac->cpu, ac->local_nid,
						true, 1);
			}
			if (fell_back)
				pcp_add(&pcp->events[PMM_PGALLOC_FALLBACK], 1);
			pmm__pcp_unlock(&pcp->lock);
			/* the buddy lists have more only for those the high-atomic reserve serves */
			if (page || !(alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_NON_BLOCK)))
				return page;
			fell_back = false;
		} else {
			pmm__pcp_unlock(&pcp->lock);	/* zone_pcp_disable(): straight to the buddy lists */
		}
	}
	/* rmqueue_buddy(): a high-order atomic allocation takes from the reserve
	 * first; a non-blocking one that found nothing else may take it too */
	pmm__spin_lock(&zone->lock);
	page = NULL;
	if (alloc_flags & ALLOC_HIGHATOMIC)
		page = rmqueue_smallest(m, zone, order, PMM_MIGRATE_HIGHATOMIC);
	if (!page)
		page = rmqueue_locked(m, zone, order, ac->migratetype, alloc_flags, &fell_back);
	if (!page && (alloc_flags & ALLOC_NON_BLOCK))
		page = rmqueue_smallest(m, zone, order, PMM_MIGRATE_HIGHATOMIC);
	if (page)
		mod_free_pages(zone, -(1L << order));
	pmm__spin_unlock(&zone->lock);
	if (page) {
		count_event(zone, ac->cpu, PMM_PGALLOC, 1UL << order);
		zone_statistics(ac->preferred_zone, zone, ac->cpu, ac->local_nid, false, 1);
	}
	if (fell_back)
		count_event(zone, ac->cpu, PMM_PGALLOC_FALLBACK, 1);
	return page;
}

static struct pmm_page *rmqueue(struct pmm_machine *m, struct pmm_zone *zone, unsigned int order,
				unsigned int alloc_flags, const struct alloc_context *ac)
{
	struct pmm_page *page = rmqueue_page(m, zone, order, alloc_flags, ac);

	/* a fallback boosted the watermark: kswapd reclaims the boost */
	if ((alloc_flags & ALLOC_KSWAPD) &&
	    (__atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & ZONE_BOOSTED_WATERMARK)) {
		__atomic_fetch_and(&zone->flags, ~ZONE_BOOSTED_WATERMARK, __ATOMIC_RELAXED);
		pmm__wakeup_kswapd(m, zone, 0, 0, (int)pmm_zone_idx(zone));
	}
	return page;
}

/* alloc_flags_nofragment(): keep Normal's pageblocks whole while DMA32 has memory */
static unsigned int alloc_flags_nofragment(struct pmm_machine *m, struct pmm_zone *zone)
{
	if (!pmm_zone_type_configured(m, PMM_ZONE_DMA32) || !zone || pmm_zone_idx(zone) != PMM_ZONE_NORMAL)
		return 0;
	/* "nr_online_nodes > 1 && !populated_zone(DMA32)": the cheap test first */
	if (pmm_populated_zone(&zone->zone_pgdat->node_zones[PMM_ZONE_DMA32]))
		return ALLOC_NOFRAGMENT;
	return pmm_num_node_state(m, PMM_N_ONLINE) == 1 ? ALLOC_NOFRAGMENT : 0;
}

/*
 * __cpuset_zone_allowed(): a node of the thread's cpuset; else, unless
 * __GFP_HARDWALL, a node of the nearest hardwall ancestor, which in pmm's
 * flat cpusets is the root one: every node.
 */
static bool cpuset_zone_allowed(const struct alloc_context *ac, const struct pmm_zone *zone,
				pmm_gfp_t gfp)
{
	return pmm_node_isset(zone->node, ac->cpuset_mems) || !(gfp & __PMM_GFP_HARDWALL);
}

/*
 * reserve_highatomic_pageblock(): the pageblock of a high-order atomic
 * allocation becomes MIGRATE_HIGHATOMIC, for later ones only; at most about
 * 1 % of the zone (none if that is less than a pageblock).
 */
static __attribute__((noinline, cold)) void
reserve_highatomic_pageblock(struct pmm_machine *m, struct pmm_page *page, unsigned int order,
			     struct pmm_zone *zone)
{
	unsigned long pageblock = 1UL << m->pageblock_order, pfn = pmm_page_to_pfn(m, page);
	unsigned long managed = __atomic_load_n(&zone->managed_pages, __ATOMIC_RELAXED);
	unsigned long max_managed;
	int mt, movable;

	if (managed / 100 < pageblock)
		return;
	max_managed = PMM__ALIGN(managed / 100, pageblock);
	if (__atomic_load_n(&zone->nr_reserved_highatomic, __ATOMIC_RELAXED) >= max_managed)
		return;
	pmm__spin_lock(&zone->lock);
	mt = pmm__get_pageblock_migratetype(m, zone, pfn);
	if (zone->nr_reserved_highatomic < max_managed && migratetype_is_mergeable(mt)) {
		unsigned long n;

		if (order < m->pageblock_order) {
			if (PMM__ALIGN_DOWN(pfn, pageblock) >= zone->zone_start_pfn &&
			    PMM__ALIGN_DOWN(pfn, pageblock) + pageblock <= pmm_zone_end_pfn(zone)) {
				pmm__set_pageblock_migratetype(m, zone, pfn, PMM_MIGRATE_HIGHATOMIC);
				move_freepages_block(m, zone, page, pfn, PMM_MIGRATE_HIGHATOMIC, &movable);
				__atomic_store_n(&zone->nr_reserved_highatomic,
						 zone->nr_reserved_highatomic + pageblock, __ATOMIC_RELAXED);
			}
		} else {
			for (n = 0; n < (1UL << order); n += pageblock)
				pmm__set_pageblock_migratetype(m, zone, pfn + n, PMM_MIGRATE_HIGHATOMIC);
			__atomic_store_n(&zone->nr_reserved_highatomic,
					 zone->nr_reserved_highatomic + (1UL << order), __ATOMIC_RELAXED);
		}
	}
	pmm__spin_unlock(&zone->lock);
}

/*
 * unreserve_highatomic_pageblock(): give a reserved pageblock back to the
 * allocation's migratetype; unless @force, each zone keeps one. Return:
 * true if free pages moved.
 */
static bool unreserve_highatomic_pageblock(struct pmm_machine *m, const struct alloc_context *ac,
					   bool force)
{
	unsigned long pageblock = 1UL << m->pageblock_order;
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;

	pmm__for_each_zone_zonelist(zone, z, ac) {
		unsigned int order;

		if (!force && __atomic_load_n(&zone->nr_reserved_highatomic, __ATOMIC_RELAXED) <=
			      pageblock)
			continue;
		pmm__spin_lock(&zone->lock);
		for (order = 0; order <= m->max_page_order; order++) {
			struct pmm_page *page = first_free(zone, order, PMM_MIGRATE_HIGHATOMIC);
			unsigned long pfn, size, n;
			int movable, moved = 1;

			if (!page)
				continue;
			pfn = pmm_page_to_pfn(m, page);
			if (pmm__get_pageblock_migratetype(m, zone, pfn) == PMM_MIGRATE_HIGHATOMIC) {
				size = PMM__MIN(PMM__MAX(pageblock, 1UL << order), zone->nr_reserved_highatomic);
				__atomic_store_n(&zone->nr_reserved_highatomic,
						 zone->nr_reserved_highatomic - size, __ATOMIC_RELAXED);
			}
			/* to the caller's type, past the usual stealing rules */
			if (order < m->pageblock_order) {
				pmm__set_pageblock_migratetype(m, zone, pfn, (enum pmm_migratetype)ac->migratetype);
				moved = move_freepages_block(m, zone, page, pfn, ac->migratetype, &movable);
			} else {
				move_to_free_list(page, zone, order, ac->migratetype);
				for (n = 0; n < (1UL << order); n += pageblock)
					pmm__set_pageblock_migratetype(m, zone, pfn + n,
								       (enum pmm_migratetype)ac->migratetype);
			}
			if (moved > 0) {
				pmm__spin_unlock(&zone->lock);
				return true;
			}
		}
		pmm__spin_unlock(&zone->lock);
	}
	return false;
}

/* node_reclaim_distance: nodes this near are reclaimed before an allocation leaves them */
#define RECLAIM_DISTANCE	30

struct pmm_page *pmm__get_page_from_freelist(struct pmm_machine *m, pmm_gfp_t gfp,
					     unsigned int order, unsigned int alloc_flags,
					     const struct alloc_context *ac)
{
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;

retry:
	for (zone = pmm__next_zone(ac->zonelist, ac->highest_zoneidx, ac->nodemask, &z); zone;
	     zone = pmm__next_zone(z + 1, ac->highest_zoneidx, ac->nodemask, &z)) {
		unsigned long mark;
		struct pmm_page *page;

		if ((alloc_flags & ALLOC_CPUSET) && !cpuset_zone_allowed(ac, zone, gfp))
			continue;
		/* fragment the local node before going to a remote one */
		if ((alloc_flags & ALLOC_NOFRAGMENT) && zone->node != ac->preferred_zone->node) {
			alloc_flags &= ~ALLOC_NOFRAGMENT;
			goto retry;
		}
		/* 6.7+: note a zone below its high watermark (per-CPU lists shrink) */
		if (pcp_autotune(m) && !zone_below_high(zone)) {
			mark = __atomic_load_n(&zone->_watermark[PMM_WMARK_HIGH], __ATOMIC_RELAXED) +
			       __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED);
			if (zone_watermark_fast(m, zone, order, mark, ac->highest_zoneidx, alloc_flags))
				goto try_this_zone;
			__atomic_fetch_or(&zone->flags, ZONE_BELOW_HIGH, __ATOMIC_RELAXED);
		}
		/* watermarks change when memory is onlined or offlined: read them once */
		mark = __atomic_load_n(&zone->_watermark[alloc_flags & ALLOC_WMARK_MASK],
				       __ATOMIC_RELAXED) +
		       __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED);
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(m, zone, order, mark, ac->highest_zoneidx, alloc_flags)) {
			/* the zone may grow if it has deferred pages */
			if (pmm__deferred_grow_zone(m, zone, order))
				goto try_this_zone;
			/* vm.zone_reclaim_mode: reclaim a near node before leaving it */
			if (!(m->sysctl.zone_reclaim_mode & 7) ||
			    m->distance[ac->preferred_zone->node][zone->node] > RECLAIM_DISTANCE)
				continue;
			if (pmm__node_reclaim(m, zone->zone_pgdat, gfp, order, ac->local_nid) <= 0 ||
			    !zone_watermark_ok(m, zone, order, mark, ac->highest_zoneidx,
					       alloc_flags, (long)pmm_zone_free_pages(zone)))
				continue;
		}
try_this_zone:
		page = rmqueue(m, zone, order, alloc_flags, ac);
		if (page) {
			prep_new_page(m, page, order, gfp);
			/* a high-order atomic allocation: keep its pageblock for the next ones */
			if (alloc_flags & ALLOC_HIGHATOMIC)
				reserve_highatomic_pageblock(m, page, order, zone);
			return page;
		}
		if (pmm__deferred_grow_zone(m, zone, order))
			goto try_this_zone;
	}
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

static bool prepare_alloc(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
			  int preferred_nid, const pmm_nodemask_t *nodemask,
			  struct alloc_context *ac)
{
	pmm_pg_data_t *pgdat;

	ac->highest_zoneidx = pmm_gfp_zone(m, gfp);
	if (ac->highest_zoneidx < 0 || order > m->max_page_order)
		return false;
	ac->cpu = this_cpu(m);
	ac->local_nid = m->cpu_nid[ac->cpu] >= 0 ? m->cpu_nid[ac->cpu] : m->boot_cpu_nid;
	if (preferred_nid == PMM_NUMA_NO_NODE)
		preferred_nid = ac->local_nid;
	pgdat = pmm_node_data(m, preferred_nid);
	if (!pgdat)
		return false;
	ac->zonelist = pgdat->node_zonelists[gfp & __PMM_GFP_THISNODE ? PMM_ZONELIST_NOFALLBACK :
									 PMM_ZONELIST_FALLBACK]._zonerefs;
	ac->nodemask = nodemask;
	ac->migratetype = __atomic_load_n(&m->page_group_by_mobility_disabled, __ATOMIC_RELAXED) ? PMM_MIGRATE_UNMOVABLE :
							       (int)pmm_gfp_migratetype(gfp);
	ac->preferred_zone = first_zone(ac->zonelist, ac->highest_zoneidx, nodemask);
	/* cpusets_enabled(): the thread's cpuset is looked up only once one exists */
	ac->cpuset_mems = __atomic_load_n(&m->cpusets_enabled, __ATOMIC_RELAXED) ?
			  pmm__cpuset_current_mems(m) : NULL;
	return ac->preferred_zone != NULL;
}

static __attribute__((noinline, cold)) void
warn_alloc(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order, const pmm_nodemask_t *nodemask)
{
	char nodes[256] = "(null)";

	if (gfp & __PMM_GFP_NOWARN)
		return;
	if (nodemask)
		pmm_nodelist_print(nodes, sizeof(nodes), nodemask);
	pmm__pr_warn(m, "page allocation failure: order:%u, mode:%#x, nodemask=%s", order, gfp,
		     nodes);
}

/* ---- the slow path (__alloc_pages_slowpath()) ---------------------------------------------------------- */

#define MAX_RECLAIM_RETRIES	16
#define MAX_COMPACT_RETRIES	16

/* gfp_to_alloc_flags(): the min watermark, and what the caller's gfp allows below it */
static unsigned int gfp_to_alloc_flags(pmm_gfp_t gfp, unsigned int order,
				       const struct alloc_context *ac)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | (ac->cpuset_mems ? ALLOC_CPUSET : 0);

	if (gfp & __PMM_GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (gfp & __PMM_GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	if (!(gfp & __PMM_GFP_DIRECT_RECLAIM)) {
		/* atomic: a little below min (high orders: the high-atomic reserve), and
		 * not confined to the cpuset if __GFP_HIGH */
		if (!(gfp & __PMM_GFP_NOMEMALLOC)) {
			alloc_flags |= ALLOC_NON_BLOCK;
			if (order > 0)
				alloc_flags |= ALLOC_HIGHATOMIC;
		}
		if (alloc_flags & ALLOC_MIN_RESERVE)
			alloc_flags &= ~ALLOC_CPUSET;
	}
	return alloc_flags;
}

/* __gfp_pfmemalloc_flags(): __GFP_MEMALLOC ignores the watermarks */
static unsigned int gfp_pfmemalloc_flags(pmm_gfp_t gfp)
{
	if (gfp & __PMM_GFP_NOMEMALLOC)
		return 0;
	return gfp & __PMM_GFP_MEMALLOC ? ALLOC_NO_WATERMARKS : 0;
}

/* wake_all_kswapds(): each node of the zonelist once */
static void wake_all_kswapds(struct pmm_machine *m, unsigned int order, pmm_gfp_t gfp,
			     const struct alloc_context *ac)
{
	const struct pmm_zoneref *z;
	pmm_pg_data_t *last = NULL;
	struct pmm_zone *zone;

	pmm__for_each_zone_zonelist(zone, z, ac) {
		if (zone->zone_pgdat == last)
			continue;
		last = zone->zone_pgdat;
		pmm__wakeup_kswapd(m, zone, gfp, (int)order, ac->highest_zoneidx);
	}
}

/* __alloc_pages_direct_compact(): compact, then try the free lists */
static struct pmm_page *direct_compact(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				       unsigned int alloc_flags, const struct alloc_context *ac,
				       enum pmm__compact_priority prio,
				       enum pmm__compact_result *result)
{
	struct pmm_page *page;

	if (!order)
		return NULL;
	*result = pmm__try_to_compact_pages(m, gfp, order, alloc_flags, ac, prio, &page);
	if (*result == COMPACT_SKIPPED)
		return NULL;
	/* compaction ran in at least one zone: the allocation stalled for it */
	count_event(ac->preferred_zone, ac->cpu, PMM_COMPACT_STALL, 1);
	if (page)	/* captured: as the kernel, not counted as a PGALLOC */
		prep_new_page(m, page, order, gfp);
	else
		page = pmm__get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page) {
		struct pmm_zone *zone = pmm_page_zone(m, page);

		__atomic_store_n(&zone->compact_blockskip_flush, 0, __ATOMIC_RELAXED);
		pmm__compaction_defer_reset(zone, (int)order, true);
		count_event(ac->preferred_zone, ac->cpu, PMM_COMPACT_SUCCESS, 1);
		return page;
	}
	count_event(ac->preferred_zone, ac->cpu, PMM_COMPACT_FAIL, 1);
	return NULL;
}

/*
 * __alloc_pages_direct_reclaim(): reclaim, then the free lists; if they
 * still have nothing after some progress, the per-CPU lists are drained
 * (their pages may complete a block) and the free lists tried once more.
 */
static struct pmm_page *direct_reclaim(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				       unsigned int alloc_flags, const struct alloc_context *ac,
				       unsigned long *did_some_progress)
{
	struct pmm_page *page;

	*did_some_progress = pmm__try_to_free_pages(m, gfp, order, ac);
	if (!*did_some_progress)
		return NULL;
	page = pmm__get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (!page) {
		unreserve_highatomic_pageblock(m, ac, false);
		pmm_drain_all_pages(m);
		page = pmm__get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	}
	return page;
}

/*
 * should_reclaim_retry(): retry while some zone would pass its min
 * watermark for this order if everything reclaimable were reclaimed, at
 * most MAX_RECLAIM_RETRIES rounds without progress (costly orders always
 * count as without).
 */
static bool should_reclaim_retry(struct pmm_machine *m, unsigned int order,
				 const struct alloc_context *ac, unsigned int alloc_flags,
				 bool did_some_progress, int *no_progress_loops)
{
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;

	if (did_some_progress && order <= PMM__PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	/* before giving up, the high-atomic reserve */
	if (*no_progress_loops > MAX_RECLAIM_RETRIES)
		return unreserve_highatomic_pageblock(m, ac, true);
	pmm__for_each_zone_zonelist(zone, z, ac) {
		unsigned long available = pmm__zone_reclaimable_pages(m, zone) + pmm_zone_free_pages(zone);

		if ((alloc_flags & ALLOC_CPUSET) && !pmm_node_isset(zone->node, ac->cpuset_mems))
			continue;
		if (zone_watermark_ok(m, zone, order,
				      __atomic_load_n(&zone->_watermark[PMM_WMARK_MIN], __ATOMIC_RELAXED),
				      ac->highest_zoneidx, alloc_flags, (long)available))
			return true;
	}
	return unreserve_highatomic_pageblock(m, ac, true);
}

/*
 * should_compact_retry(): after a compaction that succeeded but lost the
 * pages to a race, retry (a quarter as often for costly orders); after one
 * that failed, retry at the next higher priority until the lowest allowed;
 * after one skipped for lack of free pages, retry if reclaim could give them.
 */
static bool should_compact_retry(struct pmm_machine *m, const struct alloc_context *ac,
				 unsigned int order, unsigned int alloc_flags,
				 enum pmm__compact_result result,
				 enum pmm__compact_priority *priority, int *retries)
{
	int max_retries = MAX_COMPACT_RETRIES;
	enum pmm__compact_priority min_priority;

	if (!order)
		return false;
	if (result == COMPACT_SKIPPED)
		return pmm__compaction_zonelist_suitable(m, ac, order, alloc_flags);
	if (result == COMPACT_SUCCESS) {
		if (order > PMM__PAGE_ALLOC_COSTLY_ORDER)
			max_retries /= 4;
		if (++(*retries) <= max_retries)
			return true;
	}
	min_priority = order > PMM__PAGE_ALLOC_COSTLY_ORDER ? MIN_COMPACT_COSTLY_PRIORITY :
							      MIN_COMPACT_PRIORITY;
	if (*priority > min_priority) {
		(*priority)--;
		*retries = 0;
		return true;
	}
	return false;
}

/*
 * __alloc_pages_may_oom(): one last look at the high watermark, then, where
 * the OOM killer would run, the machine's on_oom callback: it may free
 * memory (a simulated kill) and say so, and the allocation retries.
 */
static struct pmm_page *may_oom(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				const pmm_nodemask_t *nodemask, const struct alloc_context *ac,
				unsigned long *did_some_progress)
{
	struct pmm_page *page;
	char nodes[256] = "(null)";

	*did_some_progress = 0;
	/* another thread reports already: count it as progress, let it finish */
	if (pthread_mutex_trylock(&m->oom_lock)) {
		struct timespec ts = { 0, 1000 * 1000 };

		*did_some_progress = 1;
		nanosleep(&ts, NULL);
		return NULL;
	}
	page = pmm__get_page_from_freelist(m, (gfp | __PMM_GFP_HARDWALL) & ~__PMM_GFP_DIRECT_RECLAIM,
					   order, ALLOC_WMARK_HIGH |
					   (ac->cpuset_mems ? ALLOC_CPUSET : 0), ac);
	/* where the OOM killer would not help, or must not kill for this */
	if (page || order > PMM__PAGE_ALLOC_COSTLY_ORDER ||
	    (gfp & (__PMM_GFP_RETRY_MAYFAIL | __PMM_GFP_THISNODE)) ||
	    ac->highest_zoneidx < PMM_ZONE_NORMAL)
		goto out;
	count_event(ac->preferred_zone, ac->cpu, PMM_OOM_CALLS, 1);
	if (nodemask)
		pmm_nodelist_print(nodes, sizeof(nodes), nodemask);
	pmm__pr_warn(m, "out of memory: gfp_mask=%#x, order=%u, nodemask=%s%s", gfp, order, nodes,
		     m->on_oom ? "" : " (nothing to kill in pmm)");
	if (m->on_oom && m->on_oom(m->on_oom_arg, gfp, order,
				   ac->preferred_zone ? ac->preferred_zone->node : PMM_NUMA_NO_NODE))
		*did_some_progress = 1;
	if (gfp & __PMM_GFP_NOFAIL) {
		*did_some_progress = 1;
		page = pmm__get_page_from_freelist(m, gfp, order, ALLOC_NO_WATERMARKS, ac);
		if (!page)
			sched_yield();	/* somebody else has to free memory */
	}
out:
	pthread_mutex_unlock(&m->oom_lock);
	return page;
}

/*
 * __alloc_pages_slowpath() of kernel 6.12: kswapd woken, the min
 * watermark; for costly orders (and unmovable high orders) async direct
 * compaction first; then rounds of direct reclaim and compaction at rising
 * priority, as long as should_reclaim_retry() and should_compact_retry()
 * allow; __GFP_NORETRY stops after one round, costly orders retry only
 * with __GFP_RETRY_MAYFAIL; then the OOM callback; __GFP_NOFAIL retries for
 * ever (with the min reserve). Out of line and cold: its locals would crowd
 * the fast path's registers.
 */
static __attribute__((noinline, cold)) struct pmm_page *
alloc_pages_slowpath(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
		     const pmm_nodemask_t *nodemask, struct alloc_context *ac, unsigned long seq)
{
	bool can_direct_reclaim = gfp & __PMM_GFP_DIRECT_RECLAIM;
	bool can_compact = gfp & __PMM_GFP_IO;
	bool costly_order = order > PMM__PAGE_ALLOC_COSTLY_ORDER;
	enum pmm__compact_result compact_result = COMPACT_SKIPPED;
	enum pmm__compact_priority compact_priority;
	unsigned long did_some_progress = 0;
	int compaction_retries, no_progress_loops;
	unsigned int alloc_flags, reserve_flags;
	double nofail_since = 0, nofail_warned = 0;
	struct pmm_page *page;

restart:
	compaction_retries = 0;
	no_progress_loops = 0;
	compact_priority = DEF_COMPACT_PRIORITY;
	/* the caller's nodemask again, the cpuset only hardwalled for __GFP_HARDWALL */
	ac->nodemask = nodemask;
	ac->preferred_zone = first_zone(ac->zonelist, ac->highest_zoneidx, nodemask);
	alloc_flags = gfp_to_alloc_flags(gfp, order, ac);
	if (!ac->preferred_zone)
		goto nopage;
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, order, gfp, ac);
	page = pmm__get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page)
		return page;

	/* costly orders are likelier to need compaction than reclaim: compact first */
	if (can_direct_reclaim && can_compact && !gfp_pfmemalloc_flags(gfp) &&
	    (costly_order || (order > 0 && ac->migratetype != PMM_MIGRATE_MOVABLE))) {
		page = direct_compact(m, gfp, order, alloc_flags, ac, INIT_COMPACT_PRIORITY,
				      &compact_result);
		if (page)
			return page;
		if (costly_order && (gfp & __PMM_GFP_NORETRY)) {
			if (compact_result == COMPACT_SKIPPED || compact_result == COMPACT_DEFERRED)
				goto nopage;
			compact_priority = INIT_COMPACT_PRIORITY;
		}
	}
retry:
	/* kswapd must not sleep while this loops */
	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, order, gfp, ac);
	reserve_flags = gfp_pfmemalloc_flags(gfp);
	if (reserve_flags)
		alloc_flags = reserve_flags | (alloc_flags & ALLOC_KSWAPD);
	page = pmm__get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page)
		return page;
	if (!can_direct_reclaim)
		goto nopage;
	page = direct_reclaim(m, gfp, order, alloc_flags, ac, &did_some_progress);
	if (page)
		return page;
	page = direct_compact(m, gfp, order, alloc_flags, ac, compact_priority, &compact_result);
	if (page)
		return page;
	if (gfp & __PMM_GFP_NORETRY)
		goto nopage;
	if (costly_order && (!can_compact || !(gfp & __PMM_GFP_RETRY_MAYFAIL)))
		goto nopage;
	if (should_reclaim_retry(m, order, ac, alloc_flags, did_some_progress > 0,
				 &no_progress_loops))
		goto retry;
	/* compaction needs free order-0 pages; without reclaim progress it cannot help */
	if (did_some_progress > 0 && can_compact &&
	    should_compact_retry(m, ac, order, alloc_flags, compact_result, &compact_priority,
				 &compaction_retries))
		goto retry;
	if (__atomic_load_n(&m->zonelist_seq, __ATOMIC_ACQUIRE) != seq)
		return NULL;	/* the caller restarts */
	page = may_oom(m, gfp, order, nodemask, ac, &did_some_progress);
	if (page)
		return page;
	if (did_some_progress) {
		no_progress_loops = 0;
		goto retry;
	}
nopage:
	if (__atomic_load_n(&m->zonelist_seq, __ATOMIC_ACQUIRE) != seq)
		return NULL;
	if ((gfp & __PMM_GFP_NOFAIL) && can_direct_reclaim && ac->preferred_zone) {
		/* __alloc_pages_cpuset_fallback() with part of the min reserve */
		double now;

		page = pmm__get_page_from_freelist(m, gfp, order, ALLOC_MIN_RESERVE |
						   ALLOC_WMARK_MIN | ALLOC_CPUSET, ac);
		if (!page)
			page = pmm__get_page_from_freelist(m, gfp, order,
							   ALLOC_MIN_RESERVE | ALLOC_WMARK_MIN, ac);
		if (page)
			return page;
		/* another thread has to free memory: let it run, and say so now and then */
		now = pmm__host_ms() / 1e3;
		if (!nofail_since)
			nofail_since = nofail_warned = now;
		if (now - nofail_warned >= 10) {
			nofail_warned = now;
			pmm__pr_warn(m, "__GFP_NOFAIL allocation of order %u retrying for %.0f s",
				     order, now - nofail_since);
		}
		sched_yield();
		if (__atomic_load_n(&m->zonelist_seq, __ATOMIC_ACQUIRE) != seq)
			goto restart;
		goto retry;
	}
	if (ac->preferred_zone)
		count_event(ac->preferred_zone, ac->cpu, PMM_PGALLOC_FAIL, 1);
	warn_alloc(m, gfp, order, nodemask);
	return NULL;
}

struct pmm_page *pmm_alloc_pages_nodemask(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
					  int preferred_nid, const pmm_nodemask_t *nodemask)
{
	struct alloc_context ac;
	unsigned int alloc_flags;
	struct pmm_page *page;
	unsigned long seq;
	int retries = 0;

restart:
	seq = __atomic_load_n(&m->zonelist_seq, __ATOMIC_ACQUIRE);
	if (!prepare_alloc(m, gfp, order, preferred_nid, nodemask, &ac)) {
		if (__atomic_load_n(&m->zonelist_seq, __ATOMIC_ACQUIRE) != seq && retries++ < 3)
			goto restart;
		warn_alloc(m, gfp, order, nodemask);
		return NULL;
	}
	/* the fast path: the low watermark; __GFP_KSWAPD_RECLAIM is ALLOC_KSWAPD */
	alloc_flags = ALLOC_WMARK_LOW | (gfp & __PMM_GFP_KSWAPD_RECLAIM ? ALLOC_KSWAPD : 0);
	if (ac.cpuset_mems) {
		/* prepare_alloc_pages(): the fast path stays in the cpuset, hardwalled */
		if (!nodemask) {
			ac.nodemask = ac.cpuset_mems;
			ac.preferred_zone = first_zone(ac.zonelist, ac.highest_zoneidx,
						       ac.nodemask);
		} else {
			alloc_flags |= ALLOC_CPUSET;
		}
	}
	alloc_flags |= alloc_flags_nofragment(m, ac.preferred_zone);
	page = ac.preferred_zone ? pmm__get_page_from_freelist(m, ac.cpuset_mems ?
							      gfp | __PMM_GFP_HARDWALL : gfp,
							      order, alloc_flags, &ac) : NULL;
	if (page)
		return page;
	page = alloc_pages_slowpath(m, gfp, order, nodemask, &ac, seq);
	if (!page && __atomic_load_n(&m->zonelist_seq, __ATOMIC_ACQUIRE) != seq && retries++ < 3)
		goto restart;	/* check_retry_zonelist(): a rebuild ran meanwhile */
	return page;
}

struct pmm_page *pmm_alloc_pages_node(struct pmm_machine *m, int nid, pmm_gfp_t gfp,
				      unsigned int order)
{
	return pmm_alloc_pages_nodemask(m, gfp, order, nid, NULL);
}

/* the bulk path's zone: the first of the local node's zones with room for @nr pages
 * above its low watermark; NULL sends the caller to the full allocator */
static struct pmm_zone *bulk_zone(struct pmm_machine *m, const struct alloc_context *ac,
				  unsigned int alloc_flags, unsigned long nr)
{
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;

	for (zone = pmm__next_zone(ac->zonelist, ac->highest_zoneidx, ac->nodemask, &z); zone;
	     zone = pmm__next_zone(z + 1, ac->highest_zoneidx, ac->nodemask, &z)) {
		unsigned long mark = __atomic_load_n(&zone->_watermark[PMM_WMARK_LOW],
						     __ATOMIC_RELAXED) +
				     __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED);

		if (zone->node != ac->preferred_zone->node)
			return NULL;
		if (zone_watermark_ok(m, zone, 0, mark + nr, ac->highest_zoneidx, alloc_flags,
				      (long)pmm_zone_free_pages(zone)))
			return zone;
	}
	return NULL;
}

/*
 * __alloc_pages_bulk(): the first zone with room for them all gives the
 * pages from this CPU's list, under its lock once; the per-page work is
 * what remains of an allocation (prep_new_page()), the statistics are
 * counted once. Whatever the fast path cannot give (no such zone, a
 * cpuset, no per-CPU lists) comes one by one from the full allocator.
 */
unsigned long pmm_alloc_pages_bulk(struct pmm_machine *m, pmm_gfp_t gfp, int nid,
				   const pmm_nodemask_t *nodemask, unsigned long nr,
				   struct pmm_page **pages)
{
	unsigned long i, filled = 0, want = 0, got = 0;
	struct pmm_per_cpu_pages *pcp;
	struct alloc_context ac;
	unsigned int alloc_flags;
	struct pmm_zone *zone;
	bool fell_back = false;

	for (i = 0; i < nr; i++)
		want += !pages[i];
	if (want > 1 && !(m->flags & PMM_BOOT_NO_PCP) && prepare_alloc(m, gfp, 0, nid, nodemask, &ac) &&
	    !ac.cpuset_mems) {
		alloc_flags = ALLOC_WMARK_LOW | (gfp & __PMM_GFP_KSWAPD_RECLAIM ? ALLOC_KSWAPD : 0) |
			      alloc_flags_nofragment(m, ac.preferred_zone);
		zone = bulk_zone(m, &ac, alloc_flags, want);
		if (zone) {
			pcp = pcp_of(zone, ac.cpu);
			pmm__pcp_lock(&pcp->lock);
			if (!__atomic_load_n(&zone->pcp_disabled, __ATOMIC_RELAXED)) {
				for (i = 0; i < nr; i++) {
					if (pages[i])
						continue;
					pages[i] = rmqueue_pcplist(m, zone, pcp, 0, ac.migratetype,
								   alloc_flags, &fell_back);
					if (!pages[i])
						break;
					prep_new_page(m, pages[i], 0, gfp);
					got++;
				}
				pcp_add(&pcp->events[PMM_PGALLOC], got);
				if (fell_back)
					pcp_add(&pcp->events[PMM_PGALLOC_FALLBACK], 1);
				if (got)
					zone_statistics(ac.preferred_zone, zone, ac.cpu, ac.local_nid,
							true, got);
			}
			pmm__pcp_unlock(&pcp->lock);
			if ((alloc_flags & ALLOC_KSWAPD) &&
			    (__atomic_load_n(&zone->flags, __ATOMIC_RELAXED) & ZONE_BOOSTED_WATERMARK)) {
				__atomic_fetch_and(&zone->flags, ~ZONE_BOOSTED_WATERMARK,
						   __ATOMIC_RELAXED);
				pmm__wakeup_kswapd(m, zone, 0, 0, (int)pmm_zone_idx(zone));
			}
		}
	}
	/* the rest, or all of it: the full allocator, page by page */
	for (i = 0; i < nr; i++) {
		if (!pages[i])
			pages[i] = pmm_alloc_pages_nodemask(m, gfp | __PMM_GFP_NOWARN, 0, nid,
							    nodemask);
		if (!pages[i])
			break;
	}
	for (i = 0; i < nr; i++)
		filled += pages[i] != NULL;
	return filled;
}

/* ---- freeing --------------------------------------------------------------------------------------------- */

void pmm__bad_page(struct pmm_machine *m, const struct pmm_page *page, const char *reason)
{
	unsigned long pfn = pmm_page_in_machine(m, page) ? pmm_page_to_pfn(m, page) : ~0UL;

	if (m->on_bad_page)
		m->on_bad_page(m->on_bad_page_arg, page, pfn, reason);
	else
		pmm__pr_err(m, "BUG: Bad page state: pfn:%#lx refcount:%d flags:%#lx: %s", pfn,
			    pmm_page_ref_count(page), pmm__page_flags(page), reason);
}

/* The checks of free_pages_prepare(): refuse a free that would corrupt the lists. */
static __attribute__((noinline)) bool free_is_bad_slow(struct pmm_machine *m,
							struct pmm_page *page,
							unsigned int order)
{
	unsigned long pfn, i;
	struct pmm_zone *zone;

	if (order > m->max_page_order) {
		pmm__bad_page(m, page, "order above MAX_PAGE_ORDER");
		return true;
	}
	if (pmm_PageTail(page)) {
		pmm__bad_page(m, page, "freeing a tail page");
		return true;
	}
	if (pmm_PageBuddy(page)) {
		pmm__bad_page(m, page, "double free: the page is already free");
		return true;
	}
	if (pmm_page_ref_count(page) <= 0) {
		pmm__bad_page(m, page, "nonzero _refcount expected: freeing a page that is not allocated");
		return true;
	}
	if (pmm_PageReserved(page)) {
		pmm__bad_page(m, page, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set: freeing a reserved page");
		return true;
	}
	if (pmm_page_test_flag(page, PMM_PG_lru) && pmm_page_ref_count(page) == 1) {
		pmm__bad_page(m, page, "PAGE_FLAGS_CHECK_AT_FREE flag(s) set: PG_lru, freeing a folio "
			      "on the LRU (put it with pmm_folio_put())");
		return true;
	}
	if (pmm_PageHead(page)) {
		if (pmm_compound_order(page) != order) {
			pmm__bad_page(m, page, "wrong order: not the order of the compound page");
			return true;
		}
		return false;
	}
	/* a non-compound block: the pages after the head must be ours, unused */
	pfn = pmm_page_to_pfn(m, page);
	zone = pmm_page_zone(m, page);
	if (pfn & ((1UL << order) - 1) || !pmm_zone_spans_pfn(zone, pfn + (1UL << order) - 1)) {
		pmm__bad_page(m, page, "wrong order: block not aligned or beyond the zone");
		return true;
	}
	/* the buddy of each order below is at page[2^i]: a page freed with too big
	 * an order meets the head of a block that is free or someone else's there */
	for (i = 1; i < (1UL << order); i <<= 1) {
		const struct pmm_page *p = page + i;

		if (pmm_page_has_type(p) || pmm_PageReserved(p) || pmm_page_ref_count(p) ||
		    pmm_PageHead(p) || pmm_PageTail(p)) {
			pmm__bad_page(m, page, "wrong order: the block holds pages that are free, "
				      "reserved or in use");
			return true;
		}
	}
	return false;
}

/* what a page freed as it was allocated never has: the page flags free_is_bad_slow() looks at */
#define FREE_CHECK_FLAGS	(1UL << PMM_PG_reserved | 1UL << PMM_PG_lru | 1UL << PMM_PG_head)

/*
 * free_is_bad_slow()'s verdict on the common free, an order-0 page that is
 * not compound, in use, without a flag to look at, from one load of each
 * word; anything else goes through every check, each with its message.
 */
static inline bool free_is_bad(struct pmm_machine *m, struct pmm_page *page, unsigned long flags,
			       unsigned int order)
{
	if (__builtin_expect(!order && !(flags & FREE_CHECK_FLAGS) && !pmm_PageTail(page) &&
			     !pmm_PageBuddy(page) && pmm_page_ref_count(page) > 0, 1))
		return false;
	return free_is_bad_slow(m, page, order);
}

/* free_pages_prepare(): undo the allocation's marks */
static void free_pages_prepare(struct pmm_page *page, unsigned int order)
{
	unsigned long i, flags = pmm__page_flags(page);

	if (flags & 1UL << PMM_PG_head) {
		for (i = 1; i < (1UL << order); i++) {
			pmm_clear_compound_head(page + i);
			page[i].mapping = NULL;
			pmm_set_page_private(page + i, 0);
		}
		__atomic_fetch_and(&page[1].flags, ~0xffUL, __ATOMIC_RELAXED);	/* folio order */
		page[1].index = 0;
		pmm_page_clear_type(page + 1);
		pmm_set_page_count(page + 1, 0);
	}
	/* PAGE_FLAGS_CHECK_AT_PREP: the owner's and the LRU's marks end with the folio
	 * (nobody else writes the flags of a page being freed: a plain store) */
	__atomic_store_n(&page->flags, flags & ~(PMM__FOLIO_STATE_FLAGS | 1UL << PMM_PG_head |
						 1UL << PMM_PG_movable), __ATOMIC_RELAXED);
	page->mapping = NULL;
	pmm_page_clear_type(page);	/* _mapcount = -1 */
}

/* A page whose last reference went: onto a per-CPU list if @pcp allows, else the buddy lists. */
static void __free_the_page(struct pmm_machine *m, struct pmm_page *page, unsigned int order,
			    bool pcp)
{
	struct pmm_zone *zone = pmm_page_zone(m, page);
	unsigned long pfn = pmm_page_to_pfn(m, page);

	free_pages_prepare(page, order);
	if (pcp && pcp_allowed_order(m, order) && !(m->flags & PMM_BOOT_NO_PCP)) {
		free_unref_page(m, zone, page, pfn, order, this_cpu(m));
		return;
	}
	free_one_page(m, zone, page, pfn, order, FPI_NONE);
	count_event(zone, this_cpu(m), PMM_PGFREE, 1UL << order);
}

static void free_the_page(struct pmm_machine *m, struct pmm_page *page, unsigned int order)
{
	__free_the_page(m, page, order, true);
}

/* A page handed in by the caller: one of this machine's, or reported and refused. */
static bool foreign_page(struct pmm_machine *m, const struct pmm_page *page)
{
	if (pmm_page_in_machine(m, page))
		return false;
	pmm__bad_page(m, page, "page of another machine (not a struct page of this one)");
	return true;
}

/*
 * What __free_pages() checks before it drops a reference: a page of this
 * machine (ZONE_DEVICE ones go back to their driver), freed as it was
 * allocated. Return: true if the caller may drop the reference.
 */
static inline bool free_pages_may_put(struct pmm_machine *m, struct pmm_page *page,
				      unsigned int order)
{
	unsigned long flags;

	if (!page || foreign_page(m, page))
		return false;
	flags = pmm__page_flags(page);
	if (__builtin_expect(((flags >> PMM_ZONES_PGSHIFT) & PMM_ZONES_MASK) == PMM_ZONE_DEVICE, 0)) {
		pmm__put_device_page(m, page);	/* the driver's, not the buddy allocator's */
		return false;
	}
	return !free_is_bad(m, page, flags, order);
}

void pmm_free_pages(struct pmm_machine *m, struct pmm_page *page, unsigned int order)
{
	if (!free_pages_may_put(m, page, order))
		return;
	if (__atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		free_the_page(m, page, order);
	} else if (!pmm_PageHead(page)) {
		/* someone else holds the head: give back the rest (__free_pages()) */
		while (order-- > 0)
			free_the_page(m, page + (1UL << order), order);
	}
}

/*
 * free_unref_page_list() for order-0 pages: each checked and its reference
 * dropped as pmm_free_pages() would; those freed go to this CPU's lists with
 * the list's lock taken once per run of pages of one zone (and let go every
 * SWAP_CLUSTER_MAX pages, as the kernel does, so others get their turn).
 */
void pmm_free_pages_bulk(struct pmm_machine *m, unsigned long nr, struct pmm_page **pages)
{
	struct pmm_per_cpu_pages *pcp = NULL;
	struct pmm_zone *locked = NULL;
	int cpu = this_cpu(m), batch = 0;
	bool use_pcp = !(m->flags & PMM_BOOT_NO_PCP);
	unsigned long i;

	for (i = 0; i < nr; i++) {
		struct pmm_page *page = pages[i];
		struct pmm_zone *zone;
		unsigned long pfn;
		int mt;

		if (i + 4 < nr && pages[i + 4])	/* the struct pages ahead, while this one is freed */
			__builtin_prefetch(pages[i + 4], 1);
		if (!free_pages_may_put(m, page, 0) ||
		    __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL) != 0)
			continue;
		zone = pmm_page_zone(m, page);
		pfn = pmm_page_to_pfn(m, page);
		free_pages_prepare(page, 0);
		mt = use_pcp ? free_unref_migratetype(m, zone, pfn) : -1;
		if (zone != locked || mt < 0 || ++batch == SWAP_CLUSTER_MAX) {
			if (locked)
				pmm__pcp_unlock(&pcp->lock);
			locked = NULL;
			batch = 0;
			if (mt >= 0) {
				pcp = pcp_of(zone, cpu);
				pmm__pcp_lock(&pcp->lock);
				locked = zone;
			}
		}
		if (mt < 0 || __atomic_load_n(&zone->pcp_disabled, __ATOMIC_RELAXED)) {
			if (locked) {
				pmm__pcp_unlock(&pcp->lock);
				locked = NULL;
			}
			free_one_page(m, zone, page, pfn, 0, FPI_NONE);
			if (!use_pcp || mt >= 0)	/* as the single path: an isolated page is not counted */
				count_event(zone, cpu, PMM_PGFREE, 1);
			continue;
		}
		free_unref_page_commit(m, zone, pcp, page, 0, mt);
	}
	if (locked)
		pmm__pcp_unlock(&pcp->lock);
}

struct pmm_folio *pmm_folio_alloc(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order)
{
	return (struct pmm_folio *)pmm_alloc_pages(m, gfp | __PMM_GFP_COMP, order);
}

void pmm_folio_put(struct pmm_machine *m, struct pmm_folio *folio)
{
	pmm_put_page(m, &folio->page);
}

void pmm_put_page(struct pmm_machine *m, struct pmm_page *page)
{
	struct pmm_page *head;
	unsigned int order;

	if (!page || foreign_page(m, page))
		return;
	head = pmm_compound_head(page);
	if (foreign_page(m, head))
		return;
	order = pmm_compound_order(head);
	if (pmm_page_zonenum(head) == PMM_ZONE_DEVICE) {
		pmm__put_device_page(m, head);
		return;
	}
	if (pmm_PageBuddy(head) || pmm_page_ref_count(head) <= 0) {
		pmm__bad_page(m, head, "put_page: the page is not in use");
		return;
	}
	if (pmm_PageReserved(head)) {
		pmm__bad_page(m, head, "put_page on a reserved page");
		return;
	}
	if (__atomic_sub_fetch(&head->_refcount, 1, __ATOMIC_ACQ_REL) == 0) {
		if (pmm_page_test_flag(head, PMM_PG_lru))
			pmm__folio_release_lru(m, head);	/* __page_cache_release() */
		if (pmm_page_test_flag(head, PMM_PG_dirty))
			pmm__folio_account_cleaned(m, head);
		free_the_page(m, head, order);
	}
}

/* ---- compaction's free pages (__isolate_free_page()) ------------------------------------- */

unsigned long pmm__isolate_free_block(struct pmm_machine *m, struct pmm_zone *zone,
				      struct pmm_page *page, unsigned int order)
{
	unsigned long pfn = pmm_page_to_pfn(m, page), i, nr = 1UL << order;
	unsigned long pageblock = 1UL << m->pageblock_order;
	long free_pages = pmm_zone_page_state(zone, PMM_NR_FREE_PAGES);
	int mt = pmm__get_pageblock_migratetype(m, zone, pfn);

	/* the allocator's reserves stay: the min watermark plus the block itself */
	if (mt != PMM_MIGRATE_ISOLATE &&
	    !zone_watermark_ok(m, zone, 0, zone->_watermark[PMM_WMARK_MIN] + nr, 0, 0, free_pages))
		return 0;
	del_page_from_free_list(page, zone, order);
	if (mt != PMM_MIGRATE_ISOLATE)
		mod_free_pages(zone, -(long)nr);
	/* a block of pageblock order or more becomes MOVABLE, as taken for movable data */
	if (order + 1 >= m->pageblock_order)
		for (i = 0; i < nr; i += pageblock) {
			int bmt = pmm__get_pageblock_migratetype(m, zone, pfn + i);

			if (bmt != PMM_MIGRATE_ISOLATE && bmt != PMM_MIGRATE_HIGHATOMIC)
				pmm__set_pageblock_migratetype(m, zone, pfn + i, PMM_MIGRATE_MOVABLE);
		}
	pmm_set_page_private(page, order);	/* the block stays whole, frozen */
	return nr;
}

void pmm__prep_new_page(struct pmm_machine *m, struct pmm_page *page, unsigned int order,
			pmm_gfp_t gfp)
{
	prep_new_page(m, page, order, gfp);
}

void pmm__free_pages_prepare(struct pmm_page *page, unsigned int order)
{
	free_pages_prepare(page, order);
}

/* ---- memory offlining: pcp off, isolation, taking pages out (mm/page_isolation.c) -------------- */

void pmm__zone_pcp_disable(struct pmm_machine *m, struct pmm_zone *zone)
{
	__atomic_fetch_add(&zone->pcp_disabled, 1, __ATOMIC_SEQ_CST);
	/* each list lock is taken after the flag is set: nothing goes on a list after this */
	drain_zone_pages(m, zone);
}

void pmm__zone_pcp_enable(struct pmm_zone *zone)
{
	__atomic_fetch_sub(&zone->pcp_disabled, 1, __ATOMIC_SEQ_CST);
}

/*
 * has_unmovable_pages() for [start, end): a reserved page, a page in use
 * that was not allocated movable (outside ZONE_MOVABLE, whose pages are all
 * movable), or a page that is neither free nor in use on its own (a tail
 * of a non-compound block, which pmm cannot migrate). Caller holds
 * zone->lock and has drained the zone's per-CPU lists.
 */
static unsigned long first_unmovable_pfn(struct pmm_machine *m, struct pmm_zone *zone,
					 unsigned long start, unsigned long end)
{
	bool movable_zone = pmm_zone_idx(zone) == PMM_ZONE_MOVABLE;
	unsigned long pfn;

	for (pfn = start; pfn < end;) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);

		if (pmm_PageBuddy(page)) {
			pfn += 1UL << buddy_order(page);
			continue;
		}
		if (pmm_PageReserved(page))
			return pfn;
		if (pmm_PageHead(page)) {
			if (!movable_zone && !pmm_page_test_flag(page, PMM_PG_movable))
				return pfn;
			pfn += 1UL << pmm_compound_order(page);
			continue;
		}
		if (pmm_page_ref_count(page) <= 0 || pmm_PageTail(page))
			return pfn;
		if (!movable_zone && !pmm_page_test_flag(page, PMM_PG_movable))
			return pfn;
		pfn++;
	}
	return end;
}

/* set_migratetype_isolate() over a range of whole pageblocks */
int pmm__isolate_range(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
		       unsigned long end, unsigned long *bad_pfn)
{
	unsigned long pageblock = 1UL << m->pageblock_order, pfn;
	int movable;

	pmm__spin_lock(&zone->lock);
	*bad_pfn = first_unmovable_pfn(m, zone, start, end);
	if (*bad_pfn != end) {
		pmm__spin_unlock(&zone->lock);
		return -EBUSY;
	}
	for (pfn = start; pfn < end; pfn += pageblock) {
		if (pmm__get_pageblock_migratetype(m, zone, pfn) == PMM_MIGRATE_ISOLATE)
			continue;
		pmm__set_pageblock_migratetype(m, zone, pfn, PMM_MIGRATE_ISOLATE);
		zone->nr_isolate_pageblock++;
		/* free pages leave the free count while isolated */
		mod_free_pages(zone, -(long)move_freepages_block(m, zone, pmm_pfn_to_page(m, pfn), pfn,
								   PMM_MIGRATE_ISOLATE, &movable));
	}
	pmm__spin_unlock(&zone->lock);
	return 0;
}

/* unset_migratetype_isolate(): free blocks go back through __free_one_page to merge */
void pmm__undo_isolate_range(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
			     unsigned long end)
{
	unsigned long pageblock = 1UL << m->pageblock_order, pfn;

	pmm__spin_lock(&zone->lock);
	for (pfn = start; pfn < end; pfn += pageblock)
		if (pmm__get_pageblock_migratetype(m, zone, pfn) == PMM_MIGRATE_ISOLATE) {
			pmm__set_pageblock_migratetype(m, zone, pfn, PMM_MIGRATE_MOVABLE);
			zone->nr_isolate_pageblock--;
		}
	for (pfn = start; pfn < end;) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);
		unsigned int order;

		if (!pmm_PageBuddy(page)) {
			pfn++;
			continue;
		}
		order = buddy_order(page);
		del_page_from_free_list(page, zone, order);
		free_one_page_locked(m, zone, page, pfn, order, PMM_MIGRATE_MOVABLE, FPI_TO_TAIL);
		pfn += 1UL << order;
	}
	pmm__spin_unlock(&zone->lock);
}

/* test_pages_isolated(): every page of the range is free on an isolated list */
bool pmm__range_isolated(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
			 unsigned long end)
{
	unsigned long pfn;

	pmm__spin_lock(&zone->lock);
	for (pfn = start; pfn < end;) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);

		if (!pmm_PageBuddy(page) ||
		    pmm__get_pageblock_migratetype(m, zone, pfn) != PMM_MIGRATE_ISOLATE)
			break;
		pfn += 1UL << buddy_order(page);
	}
	pmm__spin_unlock(&zone->lock);
	return pfn >= end;
}

/*
 * __offline_isolated_pages(): take the free blocks of an isolated range off
 * the lists; the pages become PageOffline (6.12) or PageReserved (6.1), as
 * hot-added pages before onlining. Returns the pages taken.
 */
unsigned long pmm__offline_isolated_pages(struct pmm_machine *m, struct pmm_zone *zone,
					  unsigned long start, unsigned long end)
{
	bool offline_type = m->kernel_version >= PMM_KERNEL_VERSION(6, 12);
	unsigned long pageblock = 1UL << m->pageblock_order, pfn, nr = 0, i;

	pmm__spin_lock(&zone->lock);
	for (pfn = start; pfn < end;) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);
		unsigned int order = buddy_order(page);

		del_page_from_free_list(page, zone, order);
		for (i = 0; i < 1UL << order; i++) {
			if (offline_type)
				pmm_page_set_type(page + i, PMM_PGTY_offline);
			else
				pmm_page_set_flag(page + i, PMM_PG_reserved);
		}
		nr += 1UL << order;
		pfn += 1UL << order;
	}
	zone->nr_isolate_pageblock -= (end - start) / pageblock;
	__atomic_fetch_sub(&zone->managed_pages, nr, __ATOMIC_RELAXED);
	pmm__spin_unlock(&zone->lock);
	return nr;
}

/*
 * A page taken from its owner by migration: refcount already 0 (frozen),
 * contents copied. Freed as folio_put() frees it: through the per-CPU
 * lists, which an isolated pageblock or a zone being offlined bypasses.
 */
void pmm__free_frozen_page(struct pmm_machine *m, struct pmm_page *page, unsigned int order)
{
	free_the_page(m, page, order);
}

// SPDX-License-Identifier: MIT
/*
 * Compaction of a zone (mm/compaction.c's compact_zone() for a whole zone,
 * as /proc/sys/vm/compact_memory runs it): the migration scanner walks up
 * from the zone's start and isolates movable folios
 * (isolate_migratepages_block()), the free scanner walks down from its end
 * and isolates free pages (isolate_freepages_block()), folios move
 * (migrate_pages() with compaction_alloc()), and the scanners stop where
 * they meet (compact_scanners_met()). What is not kept yet: pageblock skip
 * bits and cached scanner positions, the fast paths that sample pageblocks
 * (fast_find_migrateblock(), fast_isolate_freepages()), deferral, async
 * and sync-light priorities, large folios (skipped), kcompactd.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

#define COMPACT_CLUSTER_MAX	32	/* folios isolated at once (SWAP_CLUSTER_MAX) */

struct compact_control {
	struct pmm_machine	*m;
	struct pmm_zone		*zone;
	unsigned long		migrate_pfn;	/* where the migration scanner goes on */
	unsigned long		free_pfn;	/* the pageblock the free scanner takes next */
	struct pmm_page		*migratepages[COMPACT_CLUSTER_MAX];
	unsigned int		nr_migratepages;
	struct pmm_page		**freepages;	/* order-0, one reference each */
	unsigned long		nr_freepages, max_freepages;
	unsigned long		migrate_scanned, free_scanned, isolated, migrated, failed;
};

static unsigned long pageblock_nr(const struct pmm_machine *m)
{
	return 1UL << m->pageblock_order;
}

/* compact_scanners_met(): the free scanner reached the migration scanner's pageblock */
static bool scanners_met(const struct compact_control *cc)
{
	unsigned int shift = cc->m->pageblock_order;

	return (cc->free_pfn >> shift) <= (cc->migrate_pfn >> shift);
}

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

/*
 * isolate_migratepages_block(): order-0 folios on the LRU in [pfn, end),
 * until COMPACT_CLUSTER_MAX are held. Return: where the scan stopped.
 */
static unsigned long isolate_migratepages_block(struct compact_control *cc, unsigned long pfn,
						unsigned long end)
{
	struct pmm_machine *m = cc->m;

	for (; pfn < end && cc->nr_migratepages < COMPACT_CLUSTER_MAX; pfn++) {
		struct pmm_page *page;
		unsigned long order;

		if (!pmm_pfn_valid(m, pfn))
			continue;
		page = pmm_pfn_to_page(m, pfn);
		cc->migrate_scanned++;
		if (pmm_PageBuddy(page)) {
			/* buddy_order_unsafe(): read without the zone lock, checked */
			order = pmm_page_private(page);
			if (order > 0 && order <= m->max_page_order)
				pfn += (1UL << order) - 1;
			continue;
		}
		if (!pmm_page_test_flag(page, PMM_PG_lru) || pmm_PageTail(page))
			continue;
		if (pmm_PageHead(page)) {	/* large folios are not migrated yet */
			pfn += (1UL << pmm_compound_order(page)) - 1;
			continue;
		}
		if (!try_get(page))
			continue;
		if (pmm_folio_isolate_lru(m, (struct pmm_folio *)page)) {
			cc->migratepages[cc->nr_migratepages++] = page;
			cc->isolated++;
		}
		pmm_put_page(m, page);	/* the isolation holds its own reference */
	}
	return pfn;
}

/* isolate_migratepages(): pageblock by pageblock up to the free scanner */
static void isolate_migratepages(struct compact_control *cc)
{
	unsigned long zone_end = pmm_zone_end_pfn(cc->zone);

	while (!cc->nr_migratepages && !scanners_met(cc)) {
		unsigned long block_end = PMM__MIN(PMM__ALIGN(cc->migrate_pfn + 1, pageblock_nr(cc->m)),
						   zone_end);

		cc->migrate_pfn = isolate_migratepages_block(cc, cc->migrate_pfn, block_end);
	}
}

/* suitable_migration_target(): a pageblock that takes movable data and is not wholly free */
static bool suitable_target(struct compact_control *cc, unsigned long pfn)
{
	struct pmm_machine *m = cc->m;
	struct pmm_page *page = pmm_pfn_to_page(m, pfn);

	if (pmm_PageBuddy(page) && pmm_page_private(page) >= m->pageblock_order)
		return false;
	return pmm__get_pageblock_migratetype(m, cc->zone, pfn) == PMM_MIGRATE_MOVABLE;
}

/* isolate_freepages_block(): every free page of [pfn, end), under the zone's lock */
static void isolate_freepages_block(struct compact_control *cc, unsigned long pfn,
				    unsigned long end)
{
	struct pmm_machine *m = cc->m;
	struct pmm_zone *zone = cc->zone;

	pthread_mutex_lock(&zone->lock);
	for (; pfn < end; pfn++) {
		struct pmm_page *page;
		unsigned long n;

		if (!pmm_pfn_valid(m, pfn))
			continue;
		page = pmm_pfn_to_page(m, pfn);
		cc->free_scanned++;
		if (!pmm_PageBuddy(page))
			continue;
		if (cc->nr_freepages + (1UL << pmm_page_private(page)) > cc->max_freepages)
			break;	/* never, by the bound compact_zone() sizes the list for */
		n = pmm__isolate_free_block(m, zone, page, (unsigned int)pmm_page_private(page),
					    cc->freepages + cc->nr_freepages);
		if (!n)
			break;	/* the watermark */
		cc->nr_freepages += n;
		cc->isolated += n;
		pfn += n - 1;
	}
	pthread_mutex_unlock(&zone->lock);
}

/* isolate_freepages(): pageblocks from the zone's end down, until there are enough */
static void isolate_freepages(struct compact_control *cc)
{
	unsigned long zone_end = pmm_zone_end_pfn(cc->zone);

	while (cc->nr_freepages < cc->nr_migratepages && !scanners_met(cc)) {
		unsigned long start = PMM__MAX(cc->free_pfn, cc->zone->zone_start_pfn);

		if (pmm_pfn_valid(cc->m, start) && suitable_target(cc, start))
			isolate_freepages_block(cc, start, PMM__MIN(cc->free_pfn + pageblock_nr(cc->m),
								    zone_end));
		if (cc->free_pfn < pageblock_nr(cc->m))
			break;
		cc->free_pfn -= pageblock_nr(cc->m);
	}
}

/* migrate_pages() with compaction_alloc(): each isolated folio to a free page */
static void migrate_isolated(struct compact_control *cc)
{
	struct pmm_machine *m = cc->m;
	unsigned int i;

	isolate_freepages(cc);
	for (i = 0; i < cc->nr_migratepages; i++) {
		struct pmm_page *src = cc->migratepages[i], *dst;
		int rc = -ENOMEM;

		if (cc->nr_freepages) {
			dst = cc->freepages[--cc->nr_freepages];
			rc = pmm__migrate_folio(m, src, dst, 0);
			if (rc)
				cc->freepages[cc->nr_freepages++] = dst;	/* compaction_free() */
			else
				pmm_folio_putback_lru(m, (struct pmm_folio *)dst);
		}
		if (rc) {
			cc->failed++;
			pmm_folio_putback_lru(m, (struct pmm_folio *)src);
		} else {
			cc->migrated++;
		}
	}
	cc->nr_migratepages = 0;
}

static int compact_zone(struct pmm_machine *m, struct pmm_zone *zone)
{
	struct compact_control cc = { .m = m, .zone = zone };
	unsigned long pageblock = pageblock_nr(m);

	if (!pmm_populated_zone(zone) || pmm_zone_idx(zone) == PMM_ZONE_DEVICE)
		return 0;
	/* the free scanner takes a pageblock only while fewer than a cluster's worth
	 * of pages are held, and a pageblock gives fewer than its size (a wholly free
	 * one is no target): this many are never exceeded */
	cc.max_freepages = pageblock + COMPACT_CLUSTER_MAX;
	cc.freepages = pmm__malloc(cc.max_freepages * sizeof(*cc.freepages));
	if (!cc.freepages)
		return -ENOMEM;
	cc.migrate_pfn = zone->zone_start_pfn;
	cc.free_pfn = PMM__ALIGN_DOWN(pmm_zone_end_pfn(zone) - 1, pageblock);
	while (!scanners_met(&cc)) {
		isolate_migratepages(&cc);
		if (!cc.nr_migratepages)
			break;
		migrate_isolated(&cc);
	}
	while (cc.nr_freepages)
		pmm_free_pages(m, cc.freepages[--cc.nr_freepages], 0);
	free(cc.freepages);
	pmm__count_zone_event(m, zone, PMM_COMPACT_MIGRATE_SCANNED, cc.migrate_scanned);
	pmm__count_zone_event(m, zone, PMM_COMPACT_FREE_SCANNED, cc.free_scanned);
	pmm__count_zone_event(m, zone, PMM_COMPACT_ISOLATED, cc.isolated);
	pmm__count_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS, cc.migrated);
	pmm__count_zone_event(m, zone, PMM_PGMIGRATE_FAIL, cc.failed);
	return 0;
}

int pmm_compact_node(struct pmm_machine *m, int nid)
{
	pmm_pg_data_t *pgdat;
	int z, err = 0;

	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !(pgdat = m->view.node_data[nid]) ||
	    !pmm_node_state(m, nid, PMM_N_MEMORY))
		return -EINVAL;
	err = pmm_deferred_init_finish(m);	/* compaction walks every page of the zones */
	for (z = 0; z < PMM_MAX_NR_ZONES && !err; z++)
		err = compact_zone(m, &pgdat->node_zones[z]);
	return err;
}

int pmm_compact_memory(struct pmm_machine *m)
{
	int nid, err = 0;

	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		if (!err)
			err = pmm_compact_node(m, nid);
	return err;
}

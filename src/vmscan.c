// SPDX-License-Identifier: MIT
/*
 * Reclaim and kswapd (mm/vmscan.c of kernel 6.12, the classic two-list
 * LRU; MGLRU, which Debian builds but leaves off, is not modelled).
 *
 * shrink_node() balances the scan between the anon and file lists
 * (get_scan_count(): vm.swappiness, the lists' recent costs, cache trim
 * mode, a tiny file LRU), shrink_lruvec() scans them in SWAP_CLUSTER_MAX
 * batches at a priority (a 1/2^priority share of each list), the active
 * lists are aged into the inactive ones when these run low
 * (inactive_is_low()), and shrink_folio_list() decides each inactive
 * folio's fate from its references (PG_referenced, and PG_young of a mapped
 * folio: folio_check_references()), its dirty and writeback state and the
 * owner's answer: the owner's reclaim_folio callback evicts it (an
 * anonymous folio after its contents went to the swap device, swapfile.c)
 * or refuses, and kswapd writes dirty file folios back through it.
 *
 * kswapd: one thread per node with memory, woken by wakeup_kswapd() when
 * an allocation falls below a zone's low watermark (or a fallback boosted
 * one), balances the node up to the high watermarks (balance_pgdat():
 * boosted reclaim first, without writeback or swap, then priorities from
 * DEF_PRIORITY down) and sleeps as the kernel's does: a short nap (HZ/10)
 * that, if not cut short, turns into sleep until the next wakeup; on its
 * way to sleep it clears compaction's skip bits and wakes kcompactd for
 * the order it was woken for. After MAX_RECLAIM_RETRIES runs that
 * reclaimed nothing the node is hopeless and kswapd is left asleep
 * (kswapd_failures), until reclaim makes progress there again.
 *
 * Direct reclaim (try_to_free_pages()) shrinks the nodes of an
 * allocation's zonelist at falling priority until SWAP_CLUSTER_MAX pages
 * came free, and for a costly order leaves zones ready for compaction to
 * it; node reclaim (vm.zone_reclaim_mode) reclaims the local node before
 * an allocation falls back to another.
 *
 * With PMM_BOOT_INLINE_DAEMONS there are no threads: a wakeup runs kswapd's
 * work in the waking thread, at once, so that a run is deterministic.
 */
#include <string.h>
#include <time.h>

#include "internal.h"

#define MAX_RECLAIM_RETRIES	16
#define DEF_PRIORITY		12

static bool inline_daemons(const struct pmm_machine *m)
{
	return m->flags & PMM_BOOT_INLINE_DAEMONS;
}

static unsigned long high_wmark_pages(const struct pmm_zone *zone)
{
	return __atomic_load_n(&zone->_watermark[PMM_WMARK_HIGH], __ATOMIC_RELAXED) +
	       __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED);
}

/* The zone node-wide events are counted on: the node's lowest populated one. */
struct pmm_zone *pmm__node_event_zone(pmm_pg_data_t *pgdat)
{
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (pmm_populated_zone(&pgdat->node_zones[z]))
			return &pgdat->node_zones[z];
	return &pgdat->node_zones[0];
}

/*
 * pgdat_balanced(): some zone up to @highest_zoneidx is above its high
 * watermark for @order; a node with no managed zone there needs nothing.
 */
static bool pgdat_balanced(struct pmm_machine *m, pmm_pg_data_t *pgdat, int order,
			   int highest_zoneidx)
{
	bool managed = false;
	int i;

	for (i = 0; i <= highest_zoneidx; i++) {
		struct pmm_zone *zone = &pgdat->node_zones[i];

		if (!pmm_managed_zone(zone))
			continue;
		managed = true;
		if (pmm__zone_watermark_ok(m, zone, (unsigned int)order, high_wmark_pages(zone),
					   highest_zoneidx, 0, (long)pmm_zone_free_pages(zone)))
			return true;
	}
	return !managed;
}

static int read_kswapd_failures(pmm_pg_data_t *pgdat)
{
	return __atomic_load_n(&pgdat->kswapd_failures, __ATOMIC_RELAXED);
}

/* ---- the scan (shrink_node() and below) ------------------------------------------------------ */

#define SWAP_CLUSTER_MAX	32UL
#define MAX_SWAPPINESS		200
#define DEACTIVATE_ANON		1
#define DEACTIVATE_FILE		2
#define NODE_RECLAIM_PRIORITY	4
/* pgdat->flags */
#define PGDAT_DIRTY		(1UL << 0)	/* kswapd saw only dirty file folios: write them */
#define PGDAT_WRITEBACK		(1UL << 1)	/* it saw only folios under writeback */
#define PGDAT_RECLAIM_LOCKED	(1UL << 2)	/* node reclaim runs here */
/* vm.zone_reclaim_mode */
#define RECLAIM_ZONE		1
#define RECLAIM_WRITE		2
#define RECLAIM_UNMAP		4

enum scan_balance { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE };

enum folio_references {
	FOLIOREF_RECLAIM,
	FOLIOREF_RECLAIM_CLEAN,
	FOLIOREF_KEEP,
	FOLIOREF_ACTIVATE,
};

struct scan_control {
	struct pmm_machine *m;
	unsigned long	nr_to_reclaim;
	pmm_gfp_t	gfp_mask;
	int		order;
	int		priority;
	int		reclaim_idx;		/* the highest zone whose folios are taken */
	bool		kswapd;			/* current_is_kswapd() */
	bool		proactive;		/* asked for, not for an allocation */
	bool		no_demotion;
	bool		may_writepage, may_unmap, may_swap;
	bool		compaction_ready;
	bool		force_deactivate, skipped_deactivate;
	bool		cache_trim_mode, cache_trim_mode_failed, no_cache_trim_mode;
	bool		file_is_tiny;
	unsigned int	may_deactivate;		/* DEACTIVATE_* */
	unsigned long	anon_cost, file_cost;
	unsigned long	nr_scanned, nr_reclaimed;
	struct {
		unsigned long dirty, unqueued_dirty, congested, writeback, immediate;
		unsigned long file_taken, taken;
	} nr;
};

struct reclaim_stat {
	unsigned long nr_dirty, nr_unqueued_dirty, nr_congested, nr_writeback, nr_immediate;
	unsigned long nr_pageout, nr_activate[2], nr_ref_keep, nr_unmap_fail, nr_demoted;
};

static unsigned long node_state(const pmm_pg_data_t *pgdat, int item)
{
	long v = __atomic_load_n(&pgdat->vm_stat[item], __ATOMIC_RELAXED);

	return v > 0 ? (unsigned long)v : 0;
}

static void mod_node_state(pmm_pg_data_t *pgdat, int item, long nr)
{
	__atomic_add_fetch(&pgdat->vm_stat[item], nr, __ATOMIC_RELAXED);
}

static void count_node_event(struct scan_control *sc, pmm_pg_data_t *pgdat, int item,
			     unsigned long nr)
{
	if (nr)
		pmm__count_zone_event(sc->m, pmm__node_event_zone(pgdat), item, nr);
}

/* can_reclaim_anon_pages(): swap has room, or the node can demote */
bool pmm__can_reclaim_anon_pages(const struct pmm_machine *m, int nid)
{
	return pmm_swap_pages(m, NULL) > 0 || pmm__can_demote(m, nid);
}

/* can_demote() for this reclaim */
static bool can_demote(struct scan_control *sc, int nid)
{
	return !sc->no_demotion && pmm__can_demote(sc->m, nid);
}

/* the counters of this reclaimer: kswapd, direct, or (from 6.17) proactive */
static int reclaimer_item(const struct scan_control *sc, int kswapd, int direct, int proactive)
{
	if (sc->kswapd)
		return kswapd;
	return sc->proactive && sc->m->kernel_version >= PMM_KERNEL_VERSION(6, 17) ? proactive :
										     direct;
}

struct demote_target {
	int		nid;
	pmm_nodemask_t	allowed;
};

/* alloc_demote_folio(): the target node first, then any node of a lower tier */
static struct pmm_page *alloc_demote_folio(struct pmm_machine *m, struct pmm_page *src, void *arg)
{
	const struct demote_target *t = arg;
	unsigned int order = pmm_compound_order(src);
	pmm_gfp_t gfp = (PMM_GFP_HIGHUSER_MOVABLE & ~__PMM_GFP_RECLAIM) | __PMM_GFP_NOWARN |
			__PMM_GFP_NOMEMALLOC | __PMM_GFP_KSWAPD_RECLAIM |
			(order ? __PMM_GFP_COMP : 0);
	struct pmm_page *dst;

	dst = pmm_alloc_pages_nodemask(m, gfp | __PMM_GFP_THISNODE, order, t->nid, NULL);
	if (!dst)
		dst = pmm_alloc_pages_nodemask(m, gfp, order, t->nid, &t->allowed);
	return dst;
}

/*
 * demote_folio_list(): migrate the folios to the node's demotion target;
 * those that cannot move stay on @list. Return: the pages demoted.
 */
static unsigned long demote_folio_list(struct pmm_list_head *list, pmm_pg_data_t *pgdat,
				       struct scan_control *sc)
{
	/* MIGRATE_ASYNC, MR_DEMOTION */
	struct pmm__migrate_target target = { .get = alloc_demote_folio, .passes = 3, .lru = true };
	struct demote_target t;
	unsigned long nr;

	if (pmm__list_empty(list))
		return 0;
	t.nid = pmm_next_demotion_node(sc->m, pgdat->node_id);
	if (t.nid == PMM_NUMA_NO_NODE)
		return 0;
	pmm__demotion_fallback(sc->m, pgdat->node_id, &t.allowed);
	target.arg = &t;
	pmm__migrate_pages(sc->m, list, &target, &nr);
	mod_node_state(pgdat, reclaimer_item(sc, PMM_PGDEMOTE_KSWAPD, PMM_PGDEMOTE_DIRECT,
					     PMM_PGDEMOTE_DIRECT), (long)nr);
	return nr;
}

static bool is_file_lru(int lru)
{
	return lru == PMM_LRU_INACTIVE_FILE || lru == PMM_LRU_ACTIVE_FILE;
}

static bool is_active_lru(int lru)
{
	return lru == PMM_LRU_ACTIVE_ANON || lru == PMM_LRU_ACTIVE_FILE;
}

static unsigned long lru_pages(const pmm_pg_data_t *pgdat, int lru)
{
	return node_state(pgdat, PMM_NR_INACTIVE_ANON + lru);
}

/* lruvec_lru_size(): a list's pages in zones up to @zone_idx */
static unsigned long lruvec_lru_size(const pmm_pg_data_t *pgdat, int lru, int zone_idx)
{
	unsigned long size = 0;
	int zid;

	for (zid = 0; zid <= zone_idx; zid++)
		if (pmm_managed_zone(&pgdat->node_zones[zid]))
			size += pmm_zone_page_state(&pgdat->node_zones[zid],
						    PMM_NR_ZONE_INACTIVE_ANON + lru);
	return size;
}

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

/*
 * inactive_is_low(): the inactive list is too small against the active one:
 * inactive * sqrt(10 * GiB of both) < active (1:1 below a GiB, 1:3 at
 * 1 GiB, 1:10 at 10 GiB, 1:32 at 100 GiB).
 */
static bool inactive_is_low(const struct pmm_machine *m, const pmm_pg_data_t *pgdat,
			    int inactive_lru)
{
	unsigned long inactive = lru_pages(pgdat, inactive_lru);
	unsigned long active = lru_pages(pgdat, inactive_lru + 1);
	unsigned long gb = (inactive + active) >> (30 - m->arch->page_shift);
	unsigned long ratio = gb ? int_sqrt(10 * gb) : 1;

	return inactive * ratio < active;
}

/* lru_note_cost(): the price of reclaiming from a kind of list, decayed */
static void lru_note_cost(struct pmm_lruvec *lruvec, const pmm_pg_data_t *pgdat, bool file,
			  unsigned long nr_io, unsigned long nr_rotated)
{
	unsigned long cost = nr_io * SWAP_CLUSTER_MAX + nr_rotated, lrusize;

	lrusize = lru_pages(pgdat, PMM_LRU_INACTIVE_ANON) + lru_pages(pgdat, PMM_LRU_ACTIVE_ANON) +
		  lru_pages(pgdat, PMM_LRU_INACTIVE_FILE) + lru_pages(pgdat, PMM_LRU_ACTIVE_FILE);
	pthread_mutex_lock(&lruvec->lru_lock);
	if (file)
		lruvec->file_cost += cost;
	else
		lruvec->anon_cost += cost;
	/* decay: the more recent the cost, the more it weighs */
	if (lruvec->file_cost + lruvec->anon_cost > lrusize / 4) {
		lruvec->file_cost /= 2;
		lruvec->anon_cost /= 2;
	}
	pthread_mutex_unlock(&lruvec->lru_lock);
}

/* folio_try_get(): a reference, unless the folio is on its way to being freed */
static bool folio_try_get(struct pmm_page *head)
{
	int refs = __atomic_load_n(&head->_refcount, __ATOMIC_RELAXED);

	do {
		if (refs <= 0)
			return false;
	} while (!__atomic_compare_exchange_n(&head->_refcount, &refs, refs + 1, true,
					      __ATOMIC_ACQUIRE, __ATOMIC_RELAXED));
	return true;
}

static bool folio_mapped(const struct pmm_page *head)
{
	if (pmm_PageHead(head))
		return ((const struct pmm_folio *)head)->_large_mapcount >= 0 ||
		       ((const struct pmm_folio *)head)->_entire_mapcount >= 0;
	return head->_mapcount >= 0;
}

static bool folio_test_clear(struct pmm_page *head, int bit)
{
	return __atomic_fetch_and(&head->flags, ~(1UL << bit), __ATOMIC_RELAXED) & (1UL << bit);
}

/*
 * isolate_lru_folios(): up to @nr_to_scan pages' folios off the tail of
 * list @lru onto @dst, each with a reference and PG_lru cleared; folios of
 * zones above reclaim_idx go back to the head. Caller holds lru_lock.
 * Return: the pages taken; *@nr_scanned the pages looked at.
 */
static unsigned long isolate_lru_folios(struct scan_control *sc, struct pmm_lruvec *lruvec,
					int lru, unsigned long nr_to_scan, struct pmm_list_head *dst,
					unsigned long *nr_scanned)
{
	struct pmm_list_head *src = &lruvec->lists[lru], skipped;
	unsigned long nr_taken = 0, scan = 0, total_scan = 0;

	pmm__list_init(&skipped);
	while (scan < nr_to_scan && !pmm__list_empty(src)) {
		struct pmm_page *head = pmm__container_of(src->prev, struct pmm_page, lru);
		unsigned long nr_pages = pmm_folio_nr_pages((struct pmm_folio *)head);
		struct pmm_list_head *move_to = src;

		total_scan += nr_pages;
		if ((int)pmm_page_zonenum(head) > sc->reclaim_idx) {
			move_to = &skipped;
			goto move;
		}
		scan += nr_pages;
		if (!sc->may_unmap && folio_mapped(head))
			goto move;
		if (!folio_try_get(head))
			goto move;
		/* off the lists, its pages counted as isolated instead */
		pmm_page_clear_flag(head, PMM_PG_lru);
		pmm__lruvec_del_folio(sc->m, head);
		pmm__list_add(&head->lru, dst);
		nr_taken += nr_pages;
		continue;
move:
		pmm__list_del(&head->lru);
		pmm__list_add(&head->lru, move_to);
	}
	/* the skipped ones to the head, where they wait for a reclaim that may take them */
	while (!pmm__list_empty(&skipped)) {
		struct pmm_list_head *e = skipped.prev;

		pmm__list_del(e);
		pmm__list_add(e, src);
	}
	*nr_scanned = total_scan;
	return nr_taken;
}

/*
 * move_folios_to_lru(): each folio of @list back on the lists its flags
 * name, the isolation's reference dropped (freeing the folio if that was
 * the last). Return: the pages put back.
 */
static unsigned long move_folios_to_lru(struct pmm_machine *m, struct pmm_list_head *list)
{
	unsigned long nr_moved = 0;

	while (!pmm__list_empty(list)) {
		struct pmm_page *head = pmm__container_of(list->prev, struct pmm_page, lru);

		pmm__list_del(&head->lru);
		nr_moved += pmm_folio_nr_pages((struct pmm_folio *)head);
		pmm_folio_putback_lru(m, (struct pmm_folio *)head);
	}
	return nr_moved;
}

/* folio_referenced(): a mapped folio's accessed bits (PG_young), read and cleared */
static int folio_referenced(struct pmm_page *head)
{
	return folio_mapped(head) && folio_test_clear(head, PMM_PG_young) ? 1 : 0;
}

/* folio_check_references(): what the references say of an inactive folio */
static enum folio_references folio_check_references(struct pmm_page *head)
{
	int referenced_ptes = folio_referenced(head);
	bool referenced_folio = folio_test_clear(head, PMM_PG_referenced);

	if (referenced_ptes) {
		/* mapped folios start out referenced by their fault: look twice */
		pmm_page_set_flag(head, PMM_PG_referenced);
		if (referenced_folio || referenced_ptes > 1)
			return FOLIOREF_ACTIVATE;
		return FOLIOREF_KEEP;
	}
	/* reclaim if clean, leave dirty folios to writeback */
	if (referenced_folio && !pmm_page_test_flag(head, PMM_PG_swapbacked))
		return FOLIOREF_RECLAIM_CLEAN;
	return FOLIOREF_RECLAIM;
}

static bool folio_evictable(const struct pmm_page *head)
{
	return !pmm_page_test_flag(head, PMM_PG_unevictable) &&
	       !pmm_page_test_flag(head, PMM_PG_mlocked);
}

/* The owner lets the folio go: its reference and the isolation's are dropped. */
static void free_evicted_folio(struct pmm_machine *m, struct pmm_page *head)
{
	unsigned int order = pmm_compound_order(head);

	pmm_page_clear_flag(head, PMM_PG_active);
	pmm_page_clear_flag(head, PMM_PG_referenced);
	pmm_page_clear_flag(head, PMM_PG_reclaim);
	if (__atomic_sub_fetch(&head->_refcount, 2, __ATOMIC_ACQ_REL) == 0)
		pmm__free_frozen_page(m, head, order);
	/* else another user's last put frees it: it is on no list */
}

enum pageout { PAGE_KEEP, PAGE_ACTIVATE, PAGE_SUCCESS };

/* pageout() of a dirty file folio: the owner writes it back */
static enum pageout pageout(struct pmm_machine *m, struct pmm_page *head)
{
	struct pmm_folio *folio = (struct pmm_folio *)head;
	pmm_swp_entry_t none = { 0 };
	int ret;

	if (pmm_folio_start_writeback(m, folio))
		return PAGE_KEEP;
	pmm_page_set_flag(head, PMM_PG_reclaim);
	mod_node_state(m->view.node_data[pmm_page_to_nid(head)], PMM_NR_VMSCAN_WRITE,
		       (long)pmm_folio_nr_pages(folio));
	ret = m->reclaim_folio(m->reclaim_folio_arg, folio, PMM_RECLAIM_WRITEBACK, none);
	if (ret < 0) {
		/* handle_write_error(): dirty again, kept active */
		pmm_page_clear_flag(head, PMM_PG_reclaim);
		pmm_folio_end_writeback(m, folio);
		pmm_folio_mark_dirty(m, folio);
		return PAGE_ACTIVATE;
	}
	if (ret != PMM_RECLAIM_ASYNC) {
		pmm_page_clear_flag(head, PMM_PG_reclaim);	/* not rotated: freed below */
		pmm_folio_end_writeback(m, folio);
	}
	return PAGE_SUCCESS;
}

/*
 * shrink_folio_list(): each isolated folio of @list reclaimed, kept or
 * activated; what is not freed stays on @list. Return: pages reclaimed.
 */
static unsigned long shrink_folio_list(struct pmm_list_head *list, pmm_pg_data_t *pgdat,
				       struct scan_control *sc, struct reclaim_stat *stat)
{
	struct pmm_machine *m = sc->m;
	struct pmm_list_head ret, demote;
	unsigned long nr_reclaimed = 0;
	bool do_demote_pass = can_demote(sc, pgdat->node_id);

	memset(stat, 0, sizeof(*stat));
	pmm__list_init(&ret);
	pmm__list_init(&demote);
retry:
	while (!pmm__list_empty(list)) {
		/* lru_to_folio(): the oldest first, as isolated */
		struct pmm_page *head = pmm__container_of(list->prev, struct pmm_page, lru);
		struct pmm_folio *folio = (struct pmm_folio *)head;
		unsigned long nr_pages = pmm_folio_nr_pages(folio);
		bool anon = pmm_page_test_flag(head, PMM_PG_swapbacked), mapped;
		bool dirty, writeback;
		enum folio_references references;
		pmm_swp_entry_t entry = { 0 };

		pmm__list_del(&head->lru);
		sc->nr_scanned += nr_pages;
		if (!folio_evictable(head))
			goto activate_locked;
		if (!sc->may_unmap && folio_mapped(head))
			goto keep;
		dirty = pmm_page_test_flag(head, PMM_PG_dirty) && !anon;
		writeback = pmm_page_test_flag(head, PMM_PG_writeback);
		if (dirty || writeback)
			stat->nr_dirty += nr_pages;
		if (dirty && !writeback)
			stat->nr_unqueued_dirty += nr_pages;
		if (writeback && pmm_page_test_flag(head, PMM_PG_reclaim))
			stat->nr_congested += nr_pages;
		if (writeback) {
			/* case 1: kswapd sees only writeback: do not wait, count it */
			if (sc->kswapd && pmm_page_test_flag(head, PMM_PG_reclaim) &&
			    (__atomic_load_n(&pgdat->flags, __ATOMIC_RELAXED) & PGDAT_WRITEBACK)) {
				stat->nr_immediate += nr_pages;
				goto activate_locked;
			}
			/* case 2: mark it for immediate reclaim when written */
			pmm_page_set_flag(head, PMM_PG_reclaim);
			stat->nr_writeback += nr_pages;
			goto activate_locked;
		}
		references = folio_check_references(head);
		if (references == FOLIOREF_ACTIVATE)
			goto activate_locked;
		if (references == FOLIOREF_KEEP) {
			stat->nr_ref_keep += nr_pages;
			goto keep;
		}
		/* before reclaiming it, try to move it to a lower tier */
		if (do_demote_pass) {
			pmm__list_add(&head->lru, &demote);
			continue;
		}
		if (!m->reclaim_folio)
			goto activate_locked;	/* nobody could let it go */
		/* anonymous memory needs a place on the swap device */
		if (anon) {
			if (!(sc->gfp_mask & __PMM_GFP_IO))
				goto keep;
			if (pmm__swap_alloc(m, pmm_compound_order(head), &entry))
				goto activate_locked;
		}
		mapped = folio_mapped(head);
		if (!anon && pmm_page_test_flag(head, PMM_PG_dirty)) {
			/* only kswapd writes, and only what it has seen dirty before */
			if (!sc->kswapd || !pmm_page_test_flag(head, PMM_PG_reclaim) ||
			    !(__atomic_load_n(&pgdat->flags, __ATOMIC_RELAXED) & PGDAT_DIRTY)) {
				mod_node_state(pgdat, PMM_NR_VMSCAN_IMMEDIATE_RECLAIM, (long)nr_pages);
				pmm_page_set_flag(head, PMM_PG_reclaim);
				goto activate_locked;
			}
			if (references == FOLIOREF_RECLAIM_CLEAN || !(sc->gfp_mask & __PMM_GFP_FS) ||
			    !sc->may_writepage)
				goto keep;
			switch (pageout(m, head)) {
			case PAGE_KEEP:
				goto keep;
			case PAGE_ACTIVATE:
				goto activate_locked;
			case PAGE_SUCCESS:
				stat->nr_pageout += nr_pages;
				if (pmm_page_test_flag(head, PMM_PG_writeback) ||
				    pmm_page_test_flag(head, PMM_PG_dirty))
					goto keep;
				/* a synchronous write: reclaim it now */
				break;
			}
		}
		/* try_to_unmap() and __remove_mapping(): the owner lets go, or not */
		if (m->reclaim_folio(m->reclaim_folio_arg, folio, PMM_RECLAIM_EVICT, entry)) {
			if (entry.val)
				pmm__swap_release(m, entry);
			if (mapped) {
				stat->nr_unmap_fail += nr_pages;
				goto activate_locked;
			}
			goto keep;
		}
		if (entry.val) {
			pmm__swap_writepage(m, head, entry);	/* pageout() to swap: synchronous */
			stat->nr_pageout += nr_pages;
		}
		nr_reclaimed += nr_pages;
		free_evicted_folio(m, head);
		continue;
activate_locked:
		if (!pmm_page_test_flag(head, PMM_PG_mlocked)) {
			pmm_page_set_flag(head, PMM_PG_active);
			stat->nr_activate[!anon] += nr_pages;
		}
keep:
		pmm__list_add(&head->lru, &ret);
	}
	/* the folios chosen for demotion: moved, or reclaimed as any other */
	stat->nr_demoted = demote_folio_list(&demote, pgdat, sc);
	nr_reclaimed += stat->nr_demoted;
	if (!pmm__list_empty(&demote)) {
		while (!pmm__list_empty(&demote)) {
			struct pmm_list_head *e = demote.next;

			pmm__list_del(e);
			pmm__list_add_tail(e, list);
		}
		/* proactive reclaim is no real pressure: top tier memory stays */
		if (!sc->proactive) {
			do_demote_pass = false;
			goto retry;
		}
	}
	/* what stays goes back on the caller's list, still oldest at the tail */
	while (!pmm__list_empty(&ret)) {
		struct pmm_list_head *e = ret.prev;

		pmm__list_del(e);
		pmm__list_add(e, list);
	}
	count_node_event(sc, pgdat, PMM_PGACTIVATE, stat->nr_activate[0] + stat->nr_activate[1]);
	return nr_reclaimed;
}

/* shrink_inactive_list(): isolate, shrink_folio_list(), put back; the costs noted */
static unsigned long shrink_inactive_list(unsigned long nr_to_scan, pmm_pg_data_t *pgdat,
					  struct scan_control *sc, int lru)
{
	struct pmm_lruvec *lruvec = &pgdat->__lruvec;
	struct pmm_list_head list;
	struct reclaim_stat stat;
	unsigned long nr_taken, nr_scanned, nr_reclaimed;
	bool file = is_file_lru(lru);

	pmm__list_init(&list);
	pthread_mutex_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_folios(sc, lruvec, lru, nr_to_scan, &list, &nr_scanned);
	pthread_mutex_unlock(&lruvec->lru_lock);
	mod_node_state(pgdat, PMM_NR_ISOLATED_ANON + file, (long)nr_taken);
	count_node_event(sc, pgdat, reclaimer_item(sc, PMM_PGSCAN_KSWAPD, PMM_PGSCAN_DIRECT,
						   PMM_PGSCAN_PROACTIVE), nr_scanned);
	count_node_event(sc, pgdat, file ? PMM_PGSCAN_FILE : PMM_PGSCAN_ANON, nr_scanned);
	if (!nr_taken)
		return 0;
	nr_reclaimed = shrink_folio_list(&list, pgdat, sc, &stat);
	move_folios_to_lru(sc->m, &list);
	mod_node_state(pgdat, PMM_NR_ISOLATED_ANON + file, -(long)nr_taken);
	count_node_event(sc, pgdat, reclaimer_item(sc, PMM_PGSTEAL_KSWAPD, PMM_PGSTEAL_DIRECT,
						   PMM_PGSTEAL_PROACTIVE), nr_reclaimed);
	count_node_event(sc, pgdat, file ? PMM_PGSTEAL_FILE : PMM_PGSTEAL_ANON, nr_reclaimed);
	lru_note_cost(lruvec, pgdat, file, stat.nr_pageout, nr_scanned - nr_reclaimed);
	sc->nr.dirty += stat.nr_dirty;
	sc->nr.congested += stat.nr_congested;
	sc->nr.unqueued_dirty += stat.nr_unqueued_dirty;
	sc->nr.writeback += stat.nr_writeback;
	sc->nr.immediate += stat.nr_immediate;
	sc->nr.taken += nr_taken;
	if (file)
		sc->nr.file_taken += nr_taken;
	return nr_reclaimed;
}

/*
 * shrink_active_list(): age an active list: its tail's folios go to the
 * inactive list (referenced or not: the classic LRU gives a referenced
 * folio its second chance on the inactive list), unevictable ones to
 * theirs.
 */
static void shrink_active_list(unsigned long nr_to_scan, pmm_pg_data_t *pgdat,
			       struct scan_control *sc, int lru)
{
	struct pmm_lruvec *lruvec = &pgdat->__lruvec;
	struct pmm_list_head hold;
	unsigned long nr_taken, nr_scanned, nr_deactivate = 0;
	bool file = is_file_lru(lru);

	pmm__list_init(&hold);
	pthread_mutex_lock(&lruvec->lru_lock);
	nr_taken = isolate_lru_folios(sc, lruvec, lru, nr_to_scan, &hold, &nr_scanned);
	pthread_mutex_unlock(&lruvec->lru_lock);
	mod_node_state(pgdat, PMM_NR_ISOLATED_ANON + file, (long)nr_taken);
	count_node_event(sc, pgdat, PMM_PGREFILL, nr_scanned);
	while (!pmm__list_empty(&hold)) {
		struct pmm_page *head = pmm__container_of(hold.prev, struct pmm_page, lru);

		pmm__list_del(&head->lru);
		if (folio_evictable(head)) {
			folio_referenced(head);	/* the accessed bits are consumed */
			pmm_page_clear_flag(head, PMM_PG_active);
			pmm_page_set_flag(head, PMM_PG_workingset);
			nr_deactivate += pmm_folio_nr_pages((struct pmm_folio *)head);
		}
		pmm_folio_putback_lru(sc->m, (struct pmm_folio *)head);
	}
	mod_node_state(pgdat, PMM_NR_ISOLATED_ANON + file, -(long)nr_taken);
	count_node_event(sc, pgdat, PMM_PGDEACTIVATE, nr_deactivate);
}

static unsigned long shrink_list(int lru, unsigned long nr_to_scan, pmm_pg_data_t *pgdat,
				 struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (sc->may_deactivate & (1U << is_file_lru(lru)))
			shrink_active_list(nr_to_scan, pgdat, sc, lru);
		else
			sc->skipped_deactivate = true;
		return 0;
	}
	return shrink_inactive_list(nr_to_scan, pgdat, sc, lru);
}

/* prepare_scan_control(): costs, which active lists to age, cache trim mode, a tiny file LRU */
static void prepare_scan_control(pmm_pg_data_t *pgdat, struct scan_control *sc)
{
	struct pmm_lruvec *lruvec = &pgdat->__lruvec;
	unsigned long file;

	pthread_mutex_lock(&lruvec->lru_lock);
	sc->anon_cost = lruvec->anon_cost;
	sc->file_cost = lruvec->file_cost;
	pthread_mutex_unlock(&lruvec->lru_lock);
	/* no refault detection (shadow entries): ageing by the lists' ratio alone */
	if (sc->force_deactivate) {
		sc->may_deactivate = DEACTIVATE_ANON | DEACTIVATE_FILE;
	} else {
		sc->may_deactivate = 0;
		if (inactive_is_low(sc->m, pgdat, PMM_LRU_INACTIVE_ANON))
			sc->may_deactivate |= DEACTIVATE_ANON;
		if (inactive_is_low(sc->m, pgdat, PMM_LRU_INACTIVE_FILE))
			sc->may_deactivate |= DEACTIVATE_FILE;
	}
	file = lru_pages(pgdat, PMM_LRU_INACTIVE_FILE);
	sc->cache_trim_mode = (file >> sc->priority) && !(sc->may_deactivate & DEACTIVATE_FILE) &&
			      !sc->no_cache_trim_mode;
	{
		unsigned long total_high_wmark = 0, free = 0, anon;
		int z;

		file = lru_pages(pgdat, PMM_LRU_ACTIVE_FILE) + lru_pages(pgdat, PMM_LRU_INACTIVE_FILE);
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];

			if (!pmm_managed_zone(zone))
				continue;
			total_high_wmark += high_wmark_pages(zone);
			free += pmm_zone_free_pages(zone);
		}
		/* anon low too: no runaway file reclaim, just pressure */
		anon = lru_pages(pgdat, PMM_LRU_INACTIVE_ANON);
		sc->file_is_tiny = file + free <= total_high_wmark &&
				   !(sc->may_deactivate & DEACTIVATE_ANON) && (anon >> sc->priority);
	}
}

/* get_scan_count(): how many pages of each evictable list to scan at this priority */
static void get_scan_count(pmm_pg_data_t *pgdat, struct scan_control *sc, unsigned long *nr)
{
	unsigned long swappiness = (unsigned long)sc->m->sysctl.swappiness;
	unsigned long long fraction[2] = { 0, 0 }, denominator = 1;
	enum scan_balance scan_balance;
	int lru;

	if (!sc->may_swap || !pmm__can_reclaim_anon_pages(sc->m, pgdat->node_id)) {
		scan_balance = SCAN_FILE;
	} else if (!sc->priority && swappiness) {
		scan_balance = SCAN_EQUAL;	/* close to OOM: no cleverness */
	} else if (sc->file_is_tiny) {
		scan_balance = SCAN_ANON;
	} else if (sc->cache_trim_mode) {
		scan_balance = SCAN_FILE;	/* enough inactive cache to take first */
	} else {
		/* pressure inversely proportional to each kind's recent cost, a
		 * third at least, weighted by swappiness (100: equal IO cost) */
		unsigned long long total = sc->anon_cost + sc->file_cost;
		unsigned long long anon_cost = total + sc->anon_cost;
		unsigned long long file_cost = total + sc->file_cost;
		unsigned long long ap, fp;

		total = anon_cost + file_cost;
		ap = swappiness * (total + 1) / (anon_cost + 1);
		fp = (MAX_SWAPPINESS - swappiness) * (total + 1) / (file_cost + 1);
		fraction[0] = ap;
		fraction[1] = fp;
		denominator = ap + fp;
		scan_balance = SCAN_FRACT;
	}
	for (lru = PMM_LRU_INACTIVE_ANON; lru <= PMM_LRU_ACTIVE_FILE; lru++) {
		bool file = is_file_lru(lru);
		unsigned long scan = lruvec_lru_size(pgdat, lru, sc->reclaim_idx) >> sc->priority;

		switch (scan_balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = denominator ? (unsigned long)(scan * fraction[file] / denominator) : 0;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((scan_balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
}

/*
 * shrink_lruvec(): scan the lists in batches of SWAP_CLUSTER_MAX until the
 * targets are met; once enough is reclaimed, the smaller kind stops and
 * the other is scanned only in the proportion the targets had. The
 * inactive anon list is refilled even when anon was not scanned.
 */
static void shrink_lruvec(pmm_pg_data_t *pgdat, struct scan_control *sc)
{
	unsigned long nr[PMM_LRU_UNEVICTABLE], targets[PMM_LRU_UNEVICTABLE];
	unsigned long nr_reclaimed = 0, nr_to_reclaim = sc->nr_to_reclaim;
	bool proportional_reclaim;
	int lru;

	get_scan_count(pgdat, sc, nr);
	memcpy(targets, nr, sizeof(nr));
	/* direct reclaim at the first priority scans everything it set out to */
	proportional_reclaim = !sc->kswapd && sc->priority == DEF_PRIORITY;
	while (nr[PMM_LRU_INACTIVE_ANON] || nr[PMM_LRU_ACTIVE_FILE] || nr[PMM_LRU_INACTIVE_FILE]) {
		unsigned long nr_anon, nr_file, percentage, nr_scanned;

		for (lru = PMM_LRU_INACTIVE_ANON; lru <= PMM_LRU_ACTIVE_FILE; lru++) {
			if (nr[lru]) {
				unsigned long nr_to_scan = PMM__MIN(nr[lru], SWAP_CLUSTER_MAX);

				nr[lru] -= nr_to_scan;
				nr_reclaimed += shrink_list(lru, nr_to_scan, pgdat, sc);
			}
		}
		if (nr_reclaimed < nr_to_reclaim || proportional_reclaim)
			continue;
		nr_file = nr[PMM_LRU_INACTIVE_FILE] + nr[PMM_LRU_ACTIVE_FILE];
		nr_anon = nr[PMM_LRU_INACTIVE_ANON] + nr[PMM_LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			percentage = nr_anon * 100 /
				     (targets[PMM_LRU_INACTIVE_ANON] + targets[PMM_LRU_ACTIVE_ANON] + 1);
			lru = PMM_LRU_INACTIVE_ANON;
		} else {
			percentage = nr_file * 100 /
				     (targets[PMM_LRU_INACTIVE_FILE] + targets[PMM_LRU_ACTIVE_FILE] + 1);
			lru = PMM_LRU_INACTIVE_FILE;
		}
		/* stop scanning the smaller kind, scale the other's remainder */
		nr[lru] = 0;
		nr[lru + 1] = 0;
		lru = lru == PMM_LRU_INACTIVE_FILE ? PMM_LRU_INACTIVE_ANON : PMM_LRU_INACTIVE_FILE;
		nr_scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= PMM__MIN(nr[lru], nr_scanned);
		lru++;
		nr_scanned = targets[lru] - nr[lru];
		nr[lru] = targets[lru] * (100 - percentage) / 100;
		nr[lru] -= PMM__MIN(nr[lru], nr_scanned);
	}
	sc->nr_reclaimed += nr_reclaimed;
	if (pmm__can_reclaim_anon_pages(sc->m, pgdat->node_id) &&
	    inactive_is_low(sc->m, pgdat, PMM_LRU_INACTIVE_ANON))
		shrink_active_list(SWAP_CLUSTER_MAX, pgdat, sc, PMM_LRU_ACTIVE_ANON);
}

/* should_continue_reclaim(): for a high order, reclaim until compaction can run */
static bool should_continue_reclaim(pmm_pg_data_t *pgdat, unsigned long nr_reclaimed,
				    struct scan_control *sc)
{
	unsigned long inactive;
	int z;

	if (!sc->order || (sc->order <= PMM__PAGE_ALLOC_COSTLY_ORDER &&
			   sc->priority >= DEF_PRIORITY - 2))
		return false;
	if (!nr_reclaimed)
		return false;
	for (z = 0; z <= sc->reclaim_idx; z++) {
		struct pmm_zone *zone = &pgdat->node_zones[z];

		if (!pmm_managed_zone(zone))
			continue;
		if (pmm__zone_watermark_ok(sc->m, zone, (unsigned int)sc->order,
					   __atomic_load_n(&zone->_watermark[PMM_WMARK_MIN],
							   __ATOMIC_RELAXED),
					   sc->reclaim_idx, 0, (long)pmm_zone_free_pages(zone)))
			return false;
		if (pmm__compaction_suitable(sc->m, zone, sc->order, sc->reclaim_idx))
			return false;
	}
	inactive = lru_pages(pgdat, PMM_LRU_INACTIVE_FILE);
	if (pmm__can_reclaim_anon_pages(sc->m, pgdat->node_id))
		inactive += lru_pages(pgdat, PMM_LRU_INACTIVE_ANON);
	return inactive > (2UL << sc->order);
}

/*
 * shrink_node(): one pass over the node's lists at sc->priority; kswapd
 * notes a node whose file folios were all dirty (it may write them now) or
 * all under writeback; progress makes the node hopeful again.
 */
static void shrink_node(pmm_pg_data_t *pgdat, struct scan_control *sc)
{
	unsigned long nr_reclaimed;
	bool reclaimable = false;

again:
	memset(&sc->nr, 0, sizeof(sc->nr));
	nr_reclaimed = sc->nr_reclaimed;
	prepare_scan_control(pgdat, sc);
	shrink_lruvec(pgdat, sc);
	nr_reclaimed = sc->nr_reclaimed - nr_reclaimed;
	if (nr_reclaimed)
		reclaimable = true;
	if (sc->kswapd) {
		if (sc->nr.writeback && sc->nr.writeback == sc->nr.taken)
			__atomic_fetch_or(&pgdat->flags, PGDAT_WRITEBACK, __ATOMIC_RELAXED);
		if (sc->nr.unqueued_dirty == sc->nr.file_taken)
			__atomic_fetch_or(&pgdat->flags, PGDAT_DIRTY, __ATOMIC_RELAXED);
	}
	if (should_continue_reclaim(pgdat, nr_reclaimed, sc))
		goto again;
	if (reclaimable)
		pmm__kswapd_reset_failures(pgdat);
	else if (sc->cache_trim_mode)
		sc->cache_trim_mode_failed = true;
}

/* kswapd_age_node(): keep the inactive anon list from running dry, for later */
static void kswapd_age_node(pmm_pg_data_t *pgdat, struct scan_control *sc)
{
	if (!pmm__can_reclaim_anon_pages(sc->m, pgdat->node_id) ||
	    !inactive_is_low(sc->m, pgdat, PMM_LRU_INACTIVE_ANON))
		return;
	shrink_active_list(SWAP_CLUSTER_MAX, pgdat, sc, PMM_LRU_ACTIVE_ANON);
}

/*
 * kswapd_shrink_node(): reclaim the high watermarks' worth of pages;
 * after 2 << order pages, a high order is left to compaction (order 0
 * from now on). Return: true if as much was scanned as asked for (the
 * priority need not rise).
 */
static bool kswapd_shrink_node(pmm_pg_data_t *pgdat, struct scan_control *sc)
{
	unsigned long nr_reclaimed = sc->nr_reclaimed;
	int z;

	sc->nr_to_reclaim = 0;
	for (z = 0; z <= sc->reclaim_idx; z++) {
		struct pmm_zone *zone = &pgdat->node_zones[z];

		if (pmm_managed_zone(zone))
			sc->nr_to_reclaim += PMM__MAX(high_wmark_pages(zone), SWAP_CLUSTER_MAX);
	}
	shrink_node(pgdat, sc);
	if (sc->order && sc->nr_reclaimed >= 2UL << sc->order)
		sc->order = 0;
	return PMM__MAX(sc->nr_scanned, sc->nr_reclaimed - nr_reclaimed) >= sc->nr_to_reclaim;
}

/*
 * balance_pgdat(): reclaim at falling priority until the node is balanced
 * for @order (for boosted watermarks, first without writeback or swap).
 * Return: the order it balanced for (0 if a high order gave up for order 0).
 */
static int balance_pgdat(struct pmm_machine *m, pmm_pg_data_t *pgdat, int order,
			 int highest_zoneidx)
{
	unsigned long zone_boosts[PMM_MAX_NR_ZONES] = { 0 }, nr_boost_reclaim = 0;
	struct scan_control sc = { .m = m, .gfp_mask = PMM_GFP_KERNEL, .order = order,
				   .may_unmap = true, .kswapd = true };
	bool boosted, balanced;
	int i;

	pmm__count_zone_event(m, pmm__node_event_zone(pgdat), PMM_PAGEOUTRUN, 1);
	for (i = 0; i <= highest_zoneidx; i++) {
		struct pmm_zone *zone = &pgdat->node_zones[i];

		if (!pmm_managed_zone(zone))
			continue;
		zone_boosts[i] = __atomic_load_n(&zone->watermark_boost, __ATOMIC_RELAXED);
		nr_boost_reclaim += zone_boosts[i];
	}
	boosted = nr_boost_reclaim;
restart:
	sc.priority = DEF_PRIORITY;
	do {
		unsigned long nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true;

		sc.reclaim_idx = highest_zoneidx;
		balanced = pgdat_balanced(m, pgdat, sc.order, highest_zoneidx);
		/* a boost that cannot be met without real reclaim: do it unboosted */
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		if (nr_boost_reclaim && sc.priority == DEF_PRIORITY - 2)
			raise_priority = false;
		/* boosted reclaim relieves pressure: no writeback, no swap */
		sc.may_writepage = !nr_boost_reclaim;
		sc.may_swap = !nr_boost_reclaim;
		kswapd_age_node(pgdat, &sc);
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = true;
		sc.nr_scanned = 0;
		if (kswapd_shrink_node(pgdat, &sc))
			raise_priority = false;
		if (__atomic_load_n(&pgdat->kswapd_should_stop, __ATOMIC_RELAXED))
			break;
		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		nr_boost_reclaim -= PMM__MIN(nr_boost_reclaim, nr_reclaimed);
		/* boosted reclaim that gets nowhere stops */
		if (nr_boost_reclaim && !nr_reclaimed)
			break;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);
	/* cache trim mode got nowhere all the way down: once more without it */
	if (!sc.nr_reclaimed && sc.priority < 1 && !sc.no_cache_trim_mode &&
	    sc.cache_trim_mode_failed) {
		sc.no_cache_trim_mode = true;
		goto restart;
	}
	if (!sc.nr_reclaimed)
		__atomic_fetch_add(&pgdat->kswapd_failures, 1, __ATOMIC_RELAXED);
out:
	/* the boosts are spent: kcompactd works on what the fallback fragmented */
	if (boosted) {
		for (i = 0; i <= highest_zoneidx; i++) {
			struct pmm_zone *zone = &pgdat->node_zones[i];
			unsigned long cur;

			if (!zone_boosts[i])
				continue;
			pmm__spin_lock(&zone->lock);
			cur = zone->watermark_boost;
			__atomic_store_n(&zone->watermark_boost,
					 cur - PMM__MIN(cur, zone_boosts[i]), __ATOMIC_RELAXED);
			pmm__spin_unlock(&zone->lock);
		}
		pmm__wakeup_kcompactd(m, pgdat, (int)m->pageblock_order, highest_zoneidx);
	}
	return sc.order;
}

/* prepare_kswapd_sleep(): balanced, or hopeless */
static bool prepare_kswapd_sleep(struct pmm_machine *m, pmm_pg_data_t *pgdat, int order,
				 int highest_zoneidx)
{
	if (read_kswapd_failures(pgdat) >= MAX_RECLAIM_RETRIES)
		return true;
	return pgdat_balanced(m, pgdat, order, highest_zoneidx);
}

/* kswapd_highest_zoneidx(): the requested zone, or @prev if none was requested */
static int kswapd_highest_zoneidx(pmm_pg_data_t *pgdat, int prev)
{
	int curr = __atomic_load_n((int *)&pgdat->kswapd_highest_zoneidx, __ATOMIC_RELAXED);

	return curr == PMM_MAX_NR_ZONES ? prev : curr;
}

/* on the way to sleep: compaction may succeed now, and kcompactd gets the request */
static void kswapd_going_to_sleep(struct pmm_machine *m, pmm_pg_data_t *pgdat, int alloc_order,
				  int highest_zoneidx)
{
	pmm__reset_isolation_suitable(m, pgdat);
	pmm__wakeup_kcompactd(m, pgdat, alloc_order, highest_zoneidx);
}

/*
 * Wait on the node's kswapd queue: until woken, or for @ms milliseconds
 * (0: no limit). Return: true if woken. Called with kswapd_wait.lock held.
 */
static bool kswapd_wait(pmm_pg_data_t *pgdat, long ms)
{
	struct pmm_wait_queue_head *wq = &pgdat->kswapd_wait;
	struct timespec deadline = pmm__deadline_ms(ms);

	__atomic_store_n(&pgdat->kswapd_sleeping, 1, __ATOMIC_RELAXED);
	while (!pgdat->kswapd_woken && !pgdat->kswapd_should_stop)
		if (ms ? pthread_cond_timedwait(&wq->cond, &wq->lock, &deadline) :
			 pthread_cond_wait(&wq->cond, &wq->lock))
			break;
	__atomic_store_n(&pgdat->kswapd_sleeping, 0, __ATOMIC_RELAXED);
	if (!pgdat->kswapd_woken)
		return false;
	pgdat->kswapd_woken = 0;
	return true;
}

/* kswapd_try_to_sleep(): a nap of HZ/10, then, if still balanced, sleep until woken */
static void kswapd_try_to_sleep(struct pmm_machine *m, pmm_pg_data_t *pgdat, int alloc_order,
				int reclaim_order, int highest_zoneidx)
{
	struct pmm_wait_queue_head *wq = &pgdat->kswapd_wait;
	bool woken = false;

	pthread_mutex_lock(&wq->lock);
	if (pgdat->kswapd_should_stop) {
		pthread_mutex_unlock(&wq->lock);
		return;
	}
	if (prepare_kswapd_sleep(m, pgdat, reclaim_order, highest_zoneidx)) {
		pthread_mutex_unlock(&wq->lock);
		kswapd_going_to_sleep(m, pgdat, alloc_order, highest_zoneidx);
		pthread_mutex_lock(&wq->lock);
		woken = kswapd_wait(pgdat, 100);
		/* woken early: keep the request that cut the nap short, or the old one */
		if (woken) {
			__atomic_store_n((int *)&pgdat->kswapd_highest_zoneidx,
					 kswapd_highest_zoneidx(pgdat, highest_zoneidx), __ATOMIC_RELAXED);
			if (__atomic_load_n(&pgdat->kswapd_order, __ATOMIC_RELAXED) < reclaim_order)
				__atomic_store_n(&pgdat->kswapd_order, reclaim_order, __ATOMIC_RELAXED);
		}
		if (!woken && prepare_kswapd_sleep(m, pgdat, reclaim_order, highest_zoneidx)) {
			kswapd_wait(pgdat, 0);
			pthread_mutex_unlock(&wq->lock);
			return;
		}
	}
	pthread_mutex_unlock(&wq->lock);
	pmm__count_zone_event(m, pmm__node_event_zone(pgdat), woken ? PMM_KSWAPD_LOW_WMARK_HIT_QUICKLY :
				  PMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
}

/* the request kswapd was woken for, taken: its order and highest zone */
static void kswapd_take_request(pmm_pg_data_t *pgdat, int *alloc_order, int *highest_zoneidx)
{
	*alloc_order = __atomic_exchange_n(&pgdat->kswapd_order, 0, __ATOMIC_RELAXED);
	*highest_zoneidx = kswapd_highest_zoneidx(pgdat, *highest_zoneidx);
	__atomic_store_n((int *)&pgdat->kswapd_highest_zoneidx, PMM_MAX_NR_ZONES, __ATOMIC_RELAXED);
}

/*
 * kswapd(): sleep, take the request, balance; when a high order was given
 * up for order 0, try to sleep at once with kcompactd woken for the order
 * asked; otherwise go round, the next nap at the order still requested
 * (usually 0, the request having been taken).
 */
static void kswapd(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	int highest_zoneidx = PMM_MAX_NR_ZONES - 1, alloc_order, reclaim_order;

	for (;;) {
		alloc_order = reclaim_order = __atomic_load_n(&pgdat->kswapd_order, __ATOMIC_RELAXED);
		highest_zoneidx = kswapd_highest_zoneidx(pgdat, highest_zoneidx);
		do {
			kswapd_try_to_sleep(m, pgdat, alloc_order, reclaim_order, highest_zoneidx);
			kswapd_take_request(pgdat, &alloc_order, &highest_zoneidx);
			if (__atomic_load_n(&pgdat->kswapd_should_stop, __ATOMIC_ACQUIRE))
				return;
			reclaim_order = balance_pgdat(m, pgdat, alloc_order, highest_zoneidx);
		} while (reclaim_order < alloc_order);
	}
}

/*
 * PMM_BOOT_INLINE_DAEMONS: the thread's rounds from this wakeup until it
 * would sleep for good (balanced, or hopeless), in the waking thread.
 */
static void kswapd_inline(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	int highest_zoneidx = PMM_MAX_NR_ZONES - 1, alloc_order, reclaim_order, rounds = 0;

	if (__atomic_exchange_n(&pgdat->kswapd_busy, 1, __ATOMIC_ACQUIRE))
		return;	/* it runs already, further up this thread's stack or in another */
	for (;;) {
		kswapd_take_request(pgdat, &alloc_order, &highest_zoneidx);
		reclaim_order = balance_pgdat(m, pgdat, alloc_order, highest_zoneidx);
		if (reclaim_order >= alloc_order)
			alloc_order = reclaim_order =
				__atomic_load_n(&pgdat->kswapd_order, __ATOMIC_RELAXED);
		/* kswapd_try_to_sleep() */
		if (prepare_kswapd_sleep(m, pgdat, reclaim_order, highest_zoneidx)) {
			kswapd_going_to_sleep(m, pgdat, alloc_order, highest_zoneidx);
			break;
		}
		pmm__count_zone_event(m, pmm__node_event_zone(pgdat),
				      PMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY, 1);
		if (++rounds > MAX_RECLAIM_RETRIES)
			break;
	}
	__atomic_store_n(&pgdat->kswapd_busy, 0, __ATOMIC_RELEASE);
}

void pmm__wakeup_kswapd(struct pmm_machine *m, struct pmm_zone *zone, pmm_gfp_t gfp, int order,
			int highest_zoneidx)
{
	pmm_pg_data_t *pgdat = zone->zone_pgdat;
	int curr;

	if (!pmm_managed_zone(zone) || !__atomic_load_n(&pgdat->kswapd_running, __ATOMIC_ACQUIRE))
		return;
	curr = __atomic_load_n((int *)&pgdat->kswapd_highest_zoneidx, __ATOMIC_RELAXED);
	if (curr == PMM_MAX_NR_ZONES || curr < highest_zoneidx)
		__atomic_store_n((int *)&pgdat->kswapd_highest_zoneidx, highest_zoneidx,
				 __ATOMIC_RELAXED);
	if (__atomic_load_n(&pgdat->kswapd_order, __ATOMIC_RELAXED) < order)
		__atomic_store_n(&pgdat->kswapd_order, order, __ATOMIC_RELAXED);
	/* hopeless, or balanced: maybe just fragmented, which is kcompactd's */
	if (read_kswapd_failures(pgdat) >= MAX_RECLAIM_RETRIES ||
	    (pgdat_balanced(m, pgdat, order, highest_zoneidx) &&
	     !pmm__pgdat_watermark_boosted(pgdat, highest_zoneidx))) {
		if (!(gfp & __PMM_GFP_DIRECT_RECLAIM))
			pmm__wakeup_kcompactd(m, pgdat, order, highest_zoneidx);
		return;
	}
	if (inline_daemons(m)) {
		kswapd_inline(m, pgdat);
		return;
	}
	pthread_mutex_lock(&pgdat->kswapd_wait.lock);
	if (__atomic_load_n(&pgdat->kswapd_sleeping, __ATOMIC_RELAXED)) {	/* waitqueue_active() */
		pgdat->kswapd_woken = 1;
		pthread_cond_signal(&pgdat->kswapd_wait.cond);
	}
	pthread_mutex_unlock(&pgdat->kswapd_wait.lock);
}

/*
 * compaction_ready() of 6.4+: for a costly order, a zone where the
 * allocation would succeed, or where compaction is suitable and free
 * memory is above the high watermark plus compact_gap(), is left to
 * compaction rather than reclaimed.
 */
static bool compaction_ready(struct pmm_machine *m, struct pmm_zone *zone, pmm_gfp_t gfp,
			     unsigned int order, int reclaim_idx)
{
	if (!(gfp & __PMM_GFP_IO))
		return false;
	if (pmm__zone_watermark_ok(m, zone, order,
				   __atomic_load_n(&zone->_watermark[PMM_WMARK_MIN], __ATOMIC_RELAXED),
				   reclaim_idx, 0, (long)pmm_zone_free_pages(zone)))
		return true;
	/* compaction cannot proceed yet: reclaim first */
	if (!pmm__compaction_suitable(m, zone, (int)order, reclaim_idx))
		return false;
	return pmm__zone_watermark_ok(m, zone, 0, high_wmark_pages(zone) + (2UL << order),
				      reclaim_idx, 0, (long)pmm_zone_free_pages(zone));
}

/*
 * shrink_zones(): each node of the zonelist once; for a costly order, a
 * zone ready for compaction is left to it (sc->compaction_ready).
 */
static void shrink_zones(struct scan_control *sc, const struct alloc_context *ac)
{
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;
	pmm_pg_data_t *last_pgdat = NULL;

	pmm__for_each_zone_zonelist(zone, z, ac) {
		if (!pmm_populated_zone(zone))
			continue;
		if (sc->order > PMM__PAGE_ALLOC_COSTLY_ORDER &&
		    compaction_ready(sc->m, zone, sc->gfp_mask, (unsigned int)sc->order,
				     sc->reclaim_idx)) {
			sc->compaction_ready = true;
			continue;
		}
		if (zone->zone_pgdat == last_pgdat)
			continue;
		last_pgdat = zone->zone_pgdat;
		shrink_node(zone->zone_pgdat, sc);
	}
}

/*
 * try_to_free_pages() -> do_try_to_free_pages(): direct reclaim for an
 * allocation, counted as a stall: shrink the zonelist's nodes at falling
 * priority until SWAP_CLUSTER_MAX pages came free or compaction can take
 * over; if the active lists were spared and nothing came free, once more
 * ageing them by force.
 */
unsigned long pmm__try_to_free_pages(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				     const struct alloc_context *ac)
{
	struct scan_control sc = { .m = m, .nr_to_reclaim = SWAP_CLUSTER_MAX, .gfp_mask = gfp,
				   .order = (int)order, .priority = DEF_PRIORITY,
				   .reclaim_idx = ac->highest_zoneidx, .may_writepage = true,
				   .may_unmap = true, .may_swap = true };

	pmm__count_zone_event(m, ac->preferred_zone, PMM_ALLOCSTALL, 1);
retry:
	do {
		sc.nr_scanned = 0;
		shrink_zones(&sc, ac);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim || sc.compaction_ready)
			break;
	} while (--sc.priority >= 0);
	if (sc.nr_reclaimed)
		return sc.nr_reclaimed;
	if (sc.compaction_ready)
		return 1;	/* aborted for compaction: no OOM */
	if (sc.skipped_deactivate) {
		sc.priority = DEF_PRIORITY;
		sc.force_deactivate = true;
		sc.skipped_deactivate = false;
		goto retry;
	}
	return 0;
}

unsigned long pmm_reclaim_node(struct pmm_machine *m, int nid, unsigned long nr_pages)
{
	pmm_pg_data_t *pgdat = m ? pmm_node_data(m, nid) : NULL;
	struct scan_control sc = { .m = m, .nr_to_reclaim = nr_pages, .gfp_mask = PMM_GFP_KERNEL,
				   .priority = DEF_PRIORITY, .reclaim_idx = PMM_MAX_NR_ZONES - 1,
				   .may_writepage = true, .may_unmap = true, .may_swap = true,
				   .proactive = true };

	if (!pgdat || !pmm_node_state(m, nid, PMM_N_MEMORY) || !nr_pages)
		return 0;
	do {
		shrink_node(pgdat, &sc);
	} while (sc.nr_reclaimed < nr_pages && --sc.priority >= 0);
	return sc.nr_reclaimed;
}

/* node_pagecache_reclaimable(): the file pages node reclaim may take */
static unsigned long node_pagecache_reclaimable(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	long mode = m->sysctl.zone_reclaim_mode;
	unsigned long file = lru_pages(pgdat, PMM_LRU_INACTIVE_FILE) +
			     lru_pages(pgdat, PMM_LRU_ACTIVE_FILE);
	unsigned long mapped = node_state(pgdat, PMM_NR_MAPPED), delta = 0;
	unsigned long reclaimable;

	if (mode & RECLAIM_UNMAP)
		reclaimable = file;
	else
		reclaimable = file > mapped ? file - mapped : 0;
	if (!(mode & RECLAIM_WRITE))
		delta += node_state(pgdat, PMM_NR_DIRTY);
	return reclaimable - PMM__MIN(delta, reclaimable);
}

int pmm__node_reclaim(struct pmm_machine *m, pmm_pg_data_t *pgdat, pmm_gfp_t gfp,
		      unsigned int order, int local_nid)
{
	long mode = m->sysctl.zone_reclaim_mode;
	unsigned long nr_pages = 1UL << order;
	struct scan_control sc = { .m = m, .nr_to_reclaim = PMM__MAX(nr_pages, SWAP_CLUSTER_MAX),
				   .gfp_mask = gfp, .order = (int)order,
				   .priority = NODE_RECLAIM_PRIORITY,
				   .may_writepage = mode & RECLAIM_WRITE,
				   .may_unmap = mode & RECLAIM_UNMAP, .may_swap = true,
				   .reclaim_idx = pmm_gfp_zone(m, gfp) };

	/* little page cache and slab above the node's limits: nothing to gain */
	if (node_pagecache_reclaimable(m, pgdat) <= pgdat->min_unmapped_pages &&
	    node_state(pgdat, PMM_NR_SLAB_RECLAIMABLE) <= pgdat->min_slab_pages)
		return PMM__NODE_RECLAIM_FULL;
	if (!(gfp & __PMM_GFP_DIRECT_RECLAIM))
		return PMM__NODE_RECLAIM_NOSCAN;
	/* only the local node, or a node without CPUs */
	if (pgdat->node_id != local_nid && pmm_node_state(m, pgdat->node_id, PMM_N_CPU))
		return PMM__NODE_RECLAIM_NOSCAN;
	if (__atomic_fetch_or(&pgdat->flags, PGDAT_RECLAIM_LOCKED, __ATOMIC_ACQUIRE) &
	    PGDAT_RECLAIM_LOCKED)
		return PMM__NODE_RECLAIM_NOSCAN;
	do {
		shrink_node(pgdat, &sc);
	} while (sc.nr_reclaimed < nr_pages && --sc.priority >= 0);
	__atomic_fetch_and(&pgdat->flags, ~PGDAT_RECLAIM_LOCKED, __ATOMIC_RELEASE);
	if (sc.nr_reclaimed < nr_pages) {
		pmm__count_zone_event(m, pmm__node_event_zone(pgdat), PMM_ZONE_RECLAIM_FAILED, 1);
		return PMM__NODE_RECLAIM_SOME;
	}
	pmm__count_zone_event(m, pmm__node_event_zone(pgdat), PMM_ZONE_RECLAIM_SUCCESS, 1);
	return PMM__NODE_RECLAIM_SUCCESS;
}

bool pmm__pgdat_watermark_boosted(pmm_pg_data_t *pgdat, int highest_zoneidx)
{
	int i;

	for (i = highest_zoneidx; i >= 0; i--)
		if (pmm_managed_zone(&pgdat->node_zones[i]) &&
		    __atomic_load_n(&pgdat->node_zones[i].watermark_boost, __ATOMIC_RELAXED))
			return true;
	return false;
}

void pmm__kswapd_reset_failures(pmm_pg_data_t *pgdat)
{
	__atomic_store_n(&pgdat->kswapd_failures, 0, __ATOMIC_RELAXED);
}

int pmm__kswapd_run(struct pmm_machine *m, int nid)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];
	int err = 0;

	if (pgdat->kswapd_running)
		return 0;
	pgdat->kswapd_order = 0;
	pgdat->kswapd_highest_zoneidx = PMM_MAX_NR_ZONES;
	pgdat->kswapd_should_stop = 0;
	if (!inline_daemons(m))
		err = pmm__kthread_run(m, pgdat, "kswapd", kswapd, &pgdat->kswapd);
	if (!err)
		__atomic_store_n(&pgdat->kswapd_running, 1, __ATOMIC_RELEASE);
	return err;
}

void pmm__kswapd_stop(struct pmm_machine *m, int nid)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];

	if (!pgdat || !pgdat->kswapd_running)
		return;
	__atomic_store_n(&pgdat->kswapd_running, 0, __ATOMIC_RELEASE);
	if (!inline_daemons(m))
		pmm__kthread_stop(&pgdat->kswapd_wait, &pgdat->kswapd_should_stop, pgdat->kswapd);
}

int pmm__kthreads_run(struct pmm_machine *m, int nid)
{
	int err = pmm__kswapd_run(m, nid);

	return err ? err : pmm__kcompactd_run(m, nid);
}

void pmm__kthreads_stop(struct pmm_machine *m, int nid)
{
	pmm__kcompactd_stop(m, nid);
	pmm__kswapd_stop(m, nid);
}

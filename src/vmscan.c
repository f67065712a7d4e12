// SPDX-License-Identifier: MIT
/*
 * kswapd (mm/vmscan.c of kernel 6.12): one thread per node with memory,
 * woken by wakeup_kswapd() when an allocation falls below a zone's low
 * watermark (or a fallback boosted one), that balances the node up to the
 * high watermarks (balance_pgdat()) and sleeps as the kernel's does: a
 * short nap (HZ/10) that, if not cut short, turns into sleep until the next
 * wakeup; on its way to sleep it clears compaction's skip bits
 * (reset_isolation_suitable()) and wakes kcompactd for the order it was
 * woken for. After MAX_RECLAIM_RETRIES runs that reclaimed nothing the node
 * is hopeless and kswapd is left asleep (kswapd_failures).
 *
 * Reclaim itself (shrink_node(): the LRU lists, eviction, swap) is not in
 * pmm yet: balance_pgdat() and direct reclaim go through their priorities
 * finding nothing to take, which is what the kernel does on a node without
 * reclaimable memory; direct reclaim for a costly order still hands over
 * to compaction where a zone is ready for it (compaction_ready()).
 *
 * With PMM_BOOT_INLINE_DAEMONS there are no threads: a wakeup runs kswapd's
 * work in the waking thread, at once, so that a run is deterministic.
 */
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

/*
 * balance_pgdat(): reclaim at falling priority until the node is balanced
 * for @order (for boosted watermarks, first without the boost). Return:
 * the order it balanced for (0 if a high order gave up for order 0).
 */
static int balance_pgdat(struct pmm_machine *m, pmm_pg_data_t *pgdat, int order,
			 int highest_zoneidx)
{
	unsigned long zone_boosts[PMM_MAX_NR_ZONES] = { 0 }, nr_boost_reclaim = 0;
	unsigned long nr_reclaimed = 0;
	bool boosted, balanced;
	int i, priority;

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
	priority = DEF_PRIORITY;
	do {
		balanced = pgdat_balanced(m, pgdat, order, highest_zoneidx);
		/* a boost that cannot be met without real reclaim: do it unboosted */
		if (!balanced && nr_boost_reclaim) {
			nr_boost_reclaim = 0;
			goto restart;
		}
		if (!nr_boost_reclaim && balanced)
			goto out;
		/* kswapd_shrink_node(): nothing reclaimable in pmm yet */
		if (order && nr_reclaimed >= 2UL << order)
			order = 0;	/* enough for compaction: check order 0 from now on */
	} while (--priority >= 1);
	if (!nr_reclaimed)
		__atomic_fetch_add(&pgdat->kswapd_failures, 1, __ATOMIC_RELAXED);
out:
	/* the boosts are spent: kcompactd works on what the fallback fragmented */
	if (boosted) {
		for (i = 0; i <= highest_zoneidx; i++) {
			struct pmm_zone *zone = &pgdat->node_zones[i];
			unsigned long cur;

			if (!zone_boosts[i])
				continue;
			pthread_mutex_lock(&zone->lock);
			cur = zone->watermark_boost;
			__atomic_store_n(&zone->watermark_boost,
					 cur - PMM__MIN(cur, zone_boosts[i]), __ATOMIC_RELAXED);
			pthread_mutex_unlock(&zone->lock);
		}
		pmm__wakeup_kcompactd(m, pgdat, (int)m->pageblock_order, highest_zoneidx);
	}
	return order;
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
 * try_to_free_pages() -> do_try_to_free_pages() -> shrink_zones(): direct
 * reclaim, counted as an allocation stall. For a costly order, zones ready
 * for compaction are skipped, and if any was, reclaim "succeeds" so that
 * the allocator goes on to compaction (sc->compaction_ready). The other
 * zones would be shrunk: nothing there yet.
 */
unsigned long pmm__try_to_free_pages(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				     const struct alloc_context *ac)
{
	const struct pmm_zoneref *z;
	struct pmm_zone *zone;
	bool ready = false;

	pmm__count_zone_event(m, ac->preferred_zone, PMM_ALLOCSTALL, 1);
	pmm__for_each_zone_zonelist(zone, z, ac) {
		if (!pmm_populated_zone(zone))
			continue;
		if (order > PMM__PAGE_ALLOC_COSTLY_ORDER &&
		    compaction_ready(m, zone, gfp, order, ac->highest_zoneidx))
			ready = true;
	}
	return ready ? 1 : 0;
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

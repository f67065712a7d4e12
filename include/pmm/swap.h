/* SPDX-License-Identifier: MIT */
/*
 * The LRU lists (include/linux/swap.h, mm/swap.c, include/linux/mm_inline.h):
 * folios their owners put on a node's lists, aged by access, taken off for
 * reclaim, compaction and migration, and put back.
 *
 *   pmm_folio_add_lru(m, folio)          folio_add_lru(): onto its node's lists
 *   pmm_folio_mark_accessed(m, folio)    folio_mark_accessed(): referenced, then active
 *   pmm_folio_isolate_lru(m, folio)      folio_isolate_lru(): off the lists, with a reference
 *   pmm_folio_putback_lru(m, folio)      folio_putback_lru(): back on, reference dropped
 *   pmm_folio_lru_list(folio)            folio_lru_list(): which list it belongs on
 *
 * A folio is on the anon lists when PMM_PG_swapbacked is set, else on the
 * file lists; PMM_PG_unevictable or PMM_PG_mlocked put it on the
 * unevictable list; PMM_PG_active on the active list of its kind. The
 * owner sets PMM_PG_swapbacked before adding an anonymous folio, as the
 * kernel's anon fault path does. Being on a list holds no reference: the
 * last pmm_folio_put() (or pmm_put_page()) takes the folio off before
 * freeing it, and pmm_free_pages() of the last reference to a folio on the
 * lists is refused as the kernel refuses it (PG_lru at free).
 *
 * Reclaim (mm/vmscan.c, docs/reclaim.md) takes folios from the tails of
 * the inactive lists and hands them to pmm_boot_opts.reclaim_folio; the
 * marks it reads are set here:
 *
 *   pmm_folio_mark_dirty(m, folio)         folio_mark_dirty(): a file folio needs writing
 *   pmm_folio_start_writeback(m, folio)    folio_clear_dirty_for_io() + folio_start_writeback()
 *   pmm_folio_end_writeback(m, folio)      folio_end_writeback(): written; reclaimable
 *
 * and PMM_PG_young, which an owner that maps a folio sets when it is
 * accessed through a mapping (the accessed bit of its page table entries,
 * which folio_referenced() reads and clears), with _mapcount saying how
 * often it is mapped. The swap device (mm/swapfile.c; its size from the
 * description):
 *
 *   pmm_swapin(m, entry, gfp, nid)         do_swap_page(): the contents back in a new folio
 *   pmm_swap_free(m, entry)                free_swap_and_cache(): discard them
 *   pmm_swap_pages(m, &total)              free slots (get_nr_swap_pages()), and all
 */
#ifndef PMM_SWAP_H
#define PMM_SWAP_H

#include <pmm/page.h>
#include <pmm/node.h>
#include <pmm/page_alloc.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/** folio_lru_list(): the list a folio belongs on, by its flags. Context: any. */
static inline int pmm_folio_lru_list(const struct pmm_folio *folio)
{
	const struct pmm_page *page = &folio->page;
	int lru;

	if (pmm_page_test_flag(page, PMM_PG_unevictable) || pmm_page_test_flag(page, PMM_PG_mlocked))
		return PMM_LRU_UNEVICTABLE;
	lru = pmm_page_test_flag(page, PMM_PG_swapbacked) ? PMM_LRU_INACTIVE_ANON :
							    PMM_LRU_INACTIVE_FILE;
	if (pmm_page_test_flag(page, PMM_PG_active))
		lru += PMM_LRU_ACTIVE_ANON - PMM_LRU_INACTIVE_ANON;
	return lru;
}

/**
 * pmm_folio_add_lru - put a folio on its node's LRU lists
 * @m: machine
 * @folio: a folio in use (the head of an allocation), not on the lists
 *
 * Onto the head of pmm_folio_lru_list(folio), the node's and zone's LRU
 * counters raised by its pages (NR_INACTIVE_ANON ... NR_UNEVICTABLE and
 * NR_ZONE_*), PMM_PG_lru set. An active folio that is also unevictable is
 * the kernel's VM_BUG; here the unevictable list wins.
 * Context: takes the node's lru_lock.
 * Return: 0; -EINVAL for a folio of another machine, not in use, a tail
 * page, reserved, ZONE_DEVICE, or already on the lists (reported through
 * on_bad_page / the log as the kernel's VM_BUG_ON_FOLIO would).
 */
PMM_API int pmm_folio_add_lru(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_folio_mark_accessed - note an access to a folio (folio_mark_accessed())
 * @m: machine
 * @folio: a folio in use
 *
 * The first access sets PMM_PG_referenced; the second, on an evictable
 * inactive folio on the lists, moves it to the active list (counting
 * PGACTIVATE) and clears PMM_PG_referenced; off the lists it only clears
 * PMM_PG_referenced (the kernel activates only folios in its per-CPU add
 * batches, which pmm does not keep). PMM_PG_idle is cleared.
 * Context: takes the node's lru_lock when the folio moves.
 */
PMM_API void pmm_folio_mark_accessed(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_folio_isolate_lru - take a folio off the LRU lists (folio_isolate_lru())
 * @m: machine
 * @folio: a folio the caller holds a reference to
 *
 * Takes a reference for the isolation and clears PMM_PG_lru; the counters
 * fall as if the folio were freed. Reclaim, compaction and migration do
 * this before they work on a folio.
 * Context: takes the node's lru_lock.
 * Return: 1 if it was on the lists (and is now isolated); 0 if not.
 */
PMM_API int pmm_folio_isolate_lru(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_folio_putback_lru - undo pmm_folio_isolate_lru() (folio_putback_lru())
 * @m: machine
 * @folio: an isolated folio
 *
 * Back onto its list (which may have changed with its flags), then the
 * isolation's reference is dropped, which frees the folio if it was the
 * last one.
 * Context: takes the node's lru_lock.
 */
PMM_API void pmm_folio_putback_lru(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_lru_pages - pages on one of a node's LRU lists (lruvec_page_state())
 * @m: machine
 * @nid: a node with memory
 * @lru: PMM_LRU_INACTIVE_ANON .. PMM_LRU_UNEVICTABLE
 * Context: any; a snapshot.
 * Return: the pages, or 0 for a bad @nid or @lru.
 */
PMM_API unsigned long pmm_lru_pages(const struct pmm_machine *m, int nid, int lru);

/**
 * pmm_reclaim_node - reclaim pages of a node now (proactive reclaim)
 * @m: machine
 * @nid: a node with memory
 * @nr_pages: how many pages to free
 *
 * What writing to memory.reclaim (or a node's sysfs "reclaim") does:
 * shrink_node() at falling priority, from DEF_PRIORITY (a 1/4096 share of
 * each list) until @nr_pages came free or priority 0 scanned everything.
 * The scan is balanced as any reclaim's (vm.swappiness, the lists'
 * costs); evicting goes through pmm_boot_opts.reclaim_folio; dirty file
 * folios are not written (only kswapd writes). Counted as direct
 * reclaim's pgscan/pgsteal, as before 6.17, as pgscan_proactive and
 * pgsteal_proactive from 6.17. It may free somewhat more than
 * asked: a batch of SWAP_CLUSTER_MAX (32) folios at a time.
 * Context: a thread that may block; not from reclaim_folio.
 * Return: the pages freed; 0 for a node without memory.
 */
PMM_API unsigned long pmm_reclaim_node(struct pmm_machine *m, int nid, unsigned long nr_pages);

/** What pmm_boot_opts.reclaim_folio is asked to do with a folio. */
enum pmm_reclaim_op {
	PMM_RECLAIM_EVICT,	/* let it go: contents in swap (anon) or clean (file) */
	PMM_RECLAIM_WRITEBACK,	/* write a dirty file folio back */
};

/** reclaim_folio's answer to PMM_RECLAIM_WRITEBACK: the write completes later. */
#define PMM_RECLAIM_ASYNC	1

/**
 * pmm_folio_mark_dirty - a file folio's contents changed (folio_mark_dirty())
 * @m: machine
 * @folio: a folio in use, not under writeback
 *
 * Sets PMM_PG_dirty; for a folio that was clean, NR_DIRTY and
 * NR_ZONE_WRITE_PENDING rise by its pages and NR_DIRTIED counts them.
 * Reclaim does not drop a dirty file folio: kswapd writes it back first
 * (PMM_RECLAIM_WRITEBACK), direct reclaim leaves it.
 * Context: any.
 * Return: 1 if it was clean; 0 if dirty already; -EINVAL for a folio that
 * is not in use or is under writeback (reported as a bad page).
 */
PMM_API int pmm_folio_mark_dirty(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_folio_start_writeback - begin writing a dirty folio back
 * @m: machine
 * @folio: a dirty folio in use, not under writeback
 *
 * folio_clear_dirty_for_io() and folio_start_writeback(): PMM_PG_dirty
 * cleared, PMM_PG_writeback set, NR_DIRTY down and NR_WRITEBACK up. For
 * owners that model their own flushers; reclaim's writeback does this
 * before it calls reclaim_folio.
 * Context: any.
 * Return: 0; -EINVAL for a folio that is clean, under writeback already, or
 * not in use.
 */
PMM_API int pmm_folio_start_writeback(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_folio_end_writeback - a folio's writeback completed (folio_end_writeback())
 * @m: machine
 * @folio: a folio under writeback
 *
 * PMM_PG_writeback cleared, NR_WRITEBACK down, NR_WRITTEN up. A folio
 * reclaim wrote (PMM_PG_reclaim) moves to the tail of its inactive list,
 * where reclaim finds it next (folio_rotate_reclaimable(), PGROTATED).
 * Context: any thread; takes the node's lru_lock.
 * Return: 0; -EINVAL for a folio not under writeback.
 */
PMM_API int pmm_folio_end_writeback(struct pmm_machine *m, struct pmm_folio *folio);

/**
 * pmm_swapin - bring a swapped-out folio back (do_swap_page())
 * @m: machine
 * @entry: the entry reclaim_folio was given with PMM_RECLAIM_EVICT
 * @gfp: how to allocate the new folio (GFP_HIGHUSER_MOVABLE, as the kernel)
 * @nid: the node to allocate on first; PMM_NUMA_NO_NODE for the local one
 *
 * Allocates a folio of the order that was swapped out, copies the
 * contents back from the device (PSWPIN), frees the slots (the device is
 * synchronous, as zram: no swap cache is kept), marks it anonymous
 * (PMM_PG_swapbacked, dirty: nothing else holds its contents) and puts it
 * on the inactive anon list. The allocation may reclaim, and so swap other
 * folios out through reclaim_folio, before it returns.
 * Context: a thread that may block when @gfp allows it.
 * Return: the folio with one reference, the caller's; NULL if @entry is
 * not a swapped-out folio's first slot (logged) or the allocation failed
 * (the contents stay on the device).
 */
PMM_API struct pmm_folio *pmm_swapin(struct pmm_machine *m, pmm_swp_entry_t entry,
				     pmm_gfp_t gfp, int nid);

/**
 * pmm_swap_free - discard a swapped-out folio (free_swap_and_cache())
 * @m: machine
 * @entry: the entry reclaim_folio was given
 *
 * For an owner that no longer needs the contents (its simulated process
 * exited). The slots are free for other folios.
 * Context: any.
 * Return: 0; -EINVAL if @entry is not a swapped-out folio's first slot.
 */
PMM_API int pmm_swap_free(struct pmm_machine *m, pmm_swp_entry_t entry);

/**
 * pmm_swap_pages - the swap device's free slots (get_nr_swap_pages())
 * @m: machine
 * @total: if not NULL, receives all its slots (total_swap_pages); 0 without swap
 * Context: any; a snapshot.
 * Return: the free slots.
 */
PMM_API unsigned long pmm_swap_pages(const struct pmm_machine *m, unsigned long *total);

#ifdef __cplusplus
}
#endif

#endif /* PMM_SWAP_H */

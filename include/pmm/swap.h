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
 */
#ifndef PMM_SWAP_H
#define PMM_SWAP_H

#include <pmm/page.h>
#include <pmm/node.h>

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

#ifdef __cplusplus
}
#endif

#endif /* PMM_SWAP_H */

// SPDX-License-Identifier: MIT
/*
 * The LRU lists of a node: folio_add_lru(), folio_mark_accessed() and
 * folio_activate(), folio_isolate_lru() and folio_putback_lru(), and
 * __page_cache_release() when a folio on the lists is freed. Mirrors
 * mm/swap.c, mm/vmscan.c's folio_isolate_lru() and
 * include/linux/mm_inline.h's lruvec_add_folio()/lruvec_del_folio() and
 * update_lru_size(). pmm keeps no per-CPU folio batches: a folio goes on
 * or off the lists at once, under the node's lru_lock, so the counters are
 * exact at every moment (the kernel's are once its batches drain). The
 * classic two-list LRU is followed; MGLRU, which Debian builds but leaves
 * off, is not.
 */
#include <errno.h>
#include <stdio.h>

#include "internal.h"

static struct pmm_lruvec *folio_lruvec(struct pmm_machine *m, const struct pmm_page *head)
{
	return &m->view.node_data[pmm_page_to_nid(head)]->__lruvec;
}

/* update_lru_size(): the node's and the zone's counters of one list */
static void update_lru_size(struct pmm_machine *m, const struct pmm_page *head, int lru, long nr)
{
	pmm_pg_data_t *pgdat = m->view.node_data[pmm_page_to_nid(head)];
	struct pmm_zone *zone = pmm_page_zone(m, head);

	__atomic_add_fetch(&pgdat->vm_stat[PMM_NR_INACTIVE_ANON + lru], nr, __ATOMIC_RELAXED);
	__atomic_add_fetch(&zone->vm_stat[PMM_NR_ZONE_INACTIVE_ANON + lru], nr, __ATOMIC_RELAXED);
}

/* lruvec_add_folio(); caller holds lru_lock */
void pmm__lruvec_add_folio(struct pmm_machine *m, struct pmm_lruvec *lruvec, struct pmm_page *head)
{
	int lru = pmm_folio_lru_list((struct pmm_folio *)head);

	update_lru_size(m, head, lru, (long)pmm_folio_nr_pages((struct pmm_folio *)head));
	pmm__list_add(&head->lru, &lruvec->lists[lru]);
}

/* lruvec_del_folio(); caller holds lru_lock */
void pmm__lruvec_del_folio(struct pmm_machine *m, struct pmm_page *head)
{
	int lru = pmm_folio_lru_list((struct pmm_folio *)head);

	pmm__list_del(&head->lru);
	update_lru_size(m, head, lru, -(long)pmm_folio_nr_pages((struct pmm_folio *)head));
}

/* A folio an owner may put on the lists: this machine's head of an allocation, in use. */
static bool folio_ok(struct pmm_machine *m, struct pmm_page *head, const char *what)
{
	const char *why = NULL;

	if (!pmm_page_in_machine(m, head))
		why = "a page of another machine";
	else if (pmm_PageTail(head))
		why = "a tail page, not a folio";
	else if (pmm_page_zonenum(head) == PMM_ZONE_DEVICE)
		why = "a ZONE_DEVICE page";
	else if (pmm_PageReserved(head) || pmm_page_ref_count(head) <= 0 || pmm_PageBuddy(head))
		why = "a page that is not in use";
	if (!why)
		return true;
	{
		char reason[128];

		snprintf(reason, sizeof(reason), "%s: %s", what, why);
		pmm__bad_page(m, head, reason);
	}
	return false;
}

int pmm_folio_add_lru(struct pmm_machine *m, struct pmm_folio *folio)
{
	struct pmm_page *head = &folio->page;
	struct pmm_lruvec *lruvec;

	if (!folio_ok(m, head, "folio_add_lru"))
		return -EINVAL;
	lruvec = folio_lruvec(m, head);
	pthread_mutex_lock(&lruvec->lru_lock);
	if (pmm_page_test_flag(head, PMM_PG_lru)) {
		pthread_mutex_unlock(&lruvec->lru_lock);
		pmm__bad_page(m, head, "folio_add_lru: the folio is on the LRU already");
		return -EINVAL;
	}
	pmm_page_set_flag(head, PMM_PG_lru);
	pmm__lruvec_add_folio(m, lruvec, head);
	pthread_mutex_unlock(&lruvec->lru_lock);
	return 0;
}

/* folio_activate(): an evictable inactive folio on the lists moves to its active list */
static void folio_activate(struct pmm_machine *m, struct pmm_page *head)
{
	struct pmm_lruvec *lruvec = folio_lruvec(m, head);

	pthread_mutex_lock(&lruvec->lru_lock);
	if (pmm_page_test_flag(head, PMM_PG_lru) && !pmm_page_test_flag(head, PMM_PG_active) &&
	    pmm_folio_lru_list((struct pmm_folio *)head) != PMM_LRU_UNEVICTABLE) {
		pmm__lruvec_del_folio(m, head);
		pmm_page_set_flag(head, PMM_PG_active);
		pmm__lruvec_add_folio(m, lruvec, head);
		pmm__count_zone_event(m, pmm_page_zone(m, head), PMM_PGACTIVATE,
				      pmm_folio_nr_pages((struct pmm_folio *)head));
	}
	pthread_mutex_unlock(&lruvec->lru_lock);
}

void pmm_folio_mark_accessed(struct pmm_machine *m, struct pmm_folio *folio)
{
	struct pmm_page *head = &folio->page;

	if (!folio_ok(m, head, "folio_mark_accessed"))
		return;
	if (!pmm_page_test_flag(head, PMM_PG_referenced)) {
		pmm_page_set_flag(head, PMM_PG_referenced);
	} else if (pmm_page_test_flag(head, PMM_PG_unevictable)) {
		/* unevictable folios are not aged */
	} else if (!pmm_page_test_flag(head, PMM_PG_active)) {
		/* off the lists, the kernel activates only a folio in its CPU's
		 * add batch (__lru_cache_activate_folio()); pmm keeps no batches */
		if (pmm_page_test_flag(head, PMM_PG_lru))
			folio_activate(m, head);
		pmm_page_clear_flag(head, PMM_PG_referenced);
	}
	pmm_page_clear_flag(head, PMM_PG_idle);
}

int pmm_folio_isolate_lru(struct pmm_machine *m, struct pmm_folio *folio)
{
	struct pmm_page *head = &folio->page;
	struct pmm_lruvec *lruvec;
	int taken = 0;

	if (!folio_ok(m, head, "folio_isolate_lru"))
		return 0;
	lruvec = folio_lruvec(m, head);
	pthread_mutex_lock(&lruvec->lru_lock);
	if (pmm_page_test_flag(head, PMM_PG_lru)) {
		pmm_page_clear_flag(head, PMM_PG_lru);
		pmm_get_page(head);
		pmm__lruvec_del_folio(m, head);
		taken = 1;
	}
	pthread_mutex_unlock(&lruvec->lru_lock);
	return taken;
}

void pmm_folio_putback_lru(struct pmm_machine *m, struct pmm_folio *folio)
{
	if (pmm_folio_add_lru(m, folio) == 0)
		pmm_folio_put(m, folio);
}

void pmm__folio_release_lru(struct pmm_machine *m, struct pmm_page *head)
{
	struct pmm_lruvec *lruvec = folio_lruvec(m, head);

	pthread_mutex_lock(&lruvec->lru_lock);
	if (pmm_page_test_flag(head, PMM_PG_lru)) {
		pmm__lruvec_del_folio(m, head);
		pmm_page_clear_flag(head, PMM_PG_lru);
	}
	pthread_mutex_unlock(&lruvec->lru_lock);
}

/* ---- dirty and writeback (mm/page-writeback.c) ---------------------------------------- */

static void mod_node_state(struct pmm_machine *m, const struct pmm_page *head, int item, long nr)
{
	__atomic_add_fetch(&m->view.node_data[pmm_page_to_nid(head)]->vm_stat[item], nr,
			   __ATOMIC_RELAXED);
}

static void mod_write_pending(struct pmm_machine *m, const struct pmm_page *head, long nr)
{
	__atomic_add_fetch(&pmm_page_zone(m, head)->vm_stat[PMM_NR_ZONE_WRITE_PENDING], nr,
			   __ATOMIC_RELAXED);
}

/* file folios are accounted (folio_account_dirtied()); anon ones only marked */
static bool folio_accounted(const struct pmm_page *head)
{
	return !pmm_page_test_flag(head, PMM_PG_swapbacked);
}

int pmm_folio_mark_dirty(struct pmm_machine *m, struct pmm_folio *folio)
{
	struct pmm_page *head = &folio->page;
	long nr = (long)pmm_folio_nr_pages(folio);

	if (!folio_ok(m, head, "folio_mark_dirty"))
		return -EINVAL;
	if (pmm_page_test_flag(head, PMM_PG_writeback)) {
		pmm__bad_page(m, head, "folio_mark_dirty: the folio is under writeback");
		return -EINVAL;
	}
	if (__atomic_fetch_or(&head->flags, 1UL << PMM_PG_dirty, __ATOMIC_RELAXED) &
	    (1UL << PMM_PG_dirty))
		return 0;
	if (folio_accounted(head)) {
		mod_node_state(m, head, PMM_NR_DIRTY, nr);
		mod_node_state(m, head, PMM_NR_DIRTIED, nr);
		mod_write_pending(m, head, nr);
	}
	return 1;
}

void pmm__folio_account_cleaned(struct pmm_machine *m, struct pmm_page *head)
{
	long nr = (long)pmm_folio_nr_pages((struct pmm_folio *)head);

	if (!folio_accounted(head) ||
	    !(__atomic_fetch_and(&head->flags, ~(1UL << PMM_PG_dirty), __ATOMIC_RELAXED) &
	      (1UL << PMM_PG_dirty)))
		return;
	mod_node_state(m, head, PMM_NR_DIRTY, -nr);
	mod_write_pending(m, head, -nr);
}

int pmm_folio_start_writeback(struct pmm_machine *m, struct pmm_folio *folio)
{
	struct pmm_page *head = &folio->page;
	long nr = (long)pmm_folio_nr_pages(folio);

	if (!folio_ok(m, head, "folio_start_writeback"))
		return -EINVAL;
	if (!pmm_page_test_flag(head, PMM_PG_dirty) || pmm_page_test_flag(head, PMM_PG_writeback)) {
		pmm__bad_page(m, head, "folio_start_writeback: the folio is clean or under "
			      "writeback already");
		return -EINVAL;
	}
	pmm_page_set_flag(head, PMM_PG_writeback);
	pmm_page_clear_flag(head, PMM_PG_dirty);
	if (folio_accounted(head)) {
		/* write pending: dirty before, under writeback now */
		mod_node_state(m, head, PMM_NR_DIRTY, -nr);
		mod_node_state(m, head, PMM_NR_WRITEBACK, nr);
	}
	return 0;
}

/* folio_rotate_reclaimable(): a folio reclaim wrote goes to its inactive list's tail */
static void folio_rotate_reclaimable(struct pmm_machine *m, struct pmm_page *head)
{
	struct pmm_lruvec *lruvec = folio_lruvec(m, head);
	int lru;

	pthread_mutex_lock(&lruvec->lru_lock);
	if (pmm_page_test_flag(head, PMM_PG_lru) && !pmm_page_test_flag(head, PMM_PG_dirty) &&
	    pmm_folio_lru_list((struct pmm_folio *)head) != PMM_LRU_UNEVICTABLE) {
		pmm__lruvec_del_folio(m, head);
		pmm_page_clear_flag(head, PMM_PG_active);
		lru = pmm_folio_lru_list((struct pmm_folio *)head);
		update_lru_size(m, head, lru, (long)pmm_folio_nr_pages((struct pmm_folio *)head));
		pmm__list_add_tail(&head->lru, &lruvec->lists[lru]);
		pmm__count_zone_event(m, pmm_page_zone(m, head), PMM_PGROTATED,
				      pmm_folio_nr_pages((struct pmm_folio *)head));
	}
	pthread_mutex_unlock(&lruvec->lru_lock);
}

int pmm_folio_end_writeback(struct pmm_machine *m, struct pmm_folio *folio)
{
	struct pmm_page *head = &folio->page;
	long nr = (long)pmm_folio_nr_pages(folio);

	if (!folio_ok(m, head, "folio_end_writeback"))
		return -EINVAL;
	if (!pmm_page_test_flag(head, PMM_PG_writeback)) {
		pmm__bad_page(m, head, "folio_end_writeback: the folio is not under writeback");
		return -EINVAL;
	}
	if (__atomic_fetch_and(&head->flags, ~(1UL << PMM_PG_reclaim), __ATOMIC_RELAXED) &
	    (1UL << PMM_PG_reclaim))
		folio_rotate_reclaimable(m, head);
	pmm_page_clear_flag(head, PMM_PG_writeback);
	if (folio_accounted(head)) {
		mod_node_state(m, head, PMM_NR_WRITEBACK, -nr);
		mod_node_state(m, head, PMM_NR_WRITTEN, nr);
		mod_write_pending(m, head, -nr);
	}
	return 0;
}

unsigned long pmm_lru_pages(const struct pmm_machine *m, int nid, int lru)
{
	const pmm_pg_data_t *pgdat;
	long v;

	if (nid < 0 || nid >= PMM_MAX_NUMNODES || lru < 0 || lru >= PMM_NR_LRU_LISTS ||
	    !(pgdat = m->view.node_data[nid]))
		return 0;
	v = __atomic_load_n(&pgdat->vm_stat[PMM_NR_INACTIVE_ANON + lru], __ATOMIC_RELAXED);
	return v > 0 ? (unsigned long)v : 0;
}

unsigned long pmm__zone_reclaimable_pages(const struct pmm_machine *m, const struct pmm_zone *zone)
{
	unsigned long nr = pmm_zone_page_state(zone, PMM_NR_ZONE_INACTIVE_FILE) +
			   pmm_zone_page_state(zone, PMM_NR_ZONE_ACTIVE_FILE);

	if (pmm__can_reclaim_anon_pages(m, zone->node))
		nr += pmm_zone_page_state(zone, PMM_NR_ZONE_INACTIVE_ANON) +
		      pmm_zone_page_state(zone, PMM_NR_ZONE_ACTIVE_ANON);
	return nr;
}

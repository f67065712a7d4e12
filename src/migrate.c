// SPDX-License-Identifier: MIT
/*
 * Moving a folio in use to another place (mm/migrate.c's
 * migrate_folio_move(), folio_migrate_mapping(), folio_migrate_flags()):
 * its references frozen, its contents copied through the direct map, its
 * fields and flags carried, its owner told through
 * pmm_boot_opts.migrate_page, the old folio freed. Callers (memory
 * offlining, compaction, demotion) isolate it from the LRU and hand a list
 * to pmm__migrate_pages(), migrate_pages(): where each goes, how hard to
 * try, what is counted. move_pages(2) (pmm_move_pages()) and the folios
 * of a node moved to another (pmm__migrate_to_node(), for mempolicy.c's
 * migrate_pages(2)) go through it too.
 */
#include <errno.h>
#include <string.h>

#include "internal.h"

/* folio_migrate_flags(): the marks a folio keeps when it moves */
#define MIGRATE_FLAGS	(PMM__FOLIO_STATE_FLAGS | 1UL << PMM_PG_movable)

int pmm__migrate_folio(struct pmm_machine *m, struct pmm_page *src, struct pmm_page *dst,
		       unsigned int order)
{
	int refs;

	if (!m->migrate_page)
		return -EBUSY;	/* nobody could update the references to it */
	/* folio_ref_freeze(): nobody else may take or drop a reference now */
	refs = pmm_page_ref_count(src);
	if (refs <= 0 || !__atomic_compare_exchange_n(&src->_refcount, &refs, 0, false,
						       __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		return -EAGAIN;
	if (m->view.direct_map)
		memcpy(pmm_page_address(m, dst), pmm_page_address(m, src), pmm_page_size(m) << order);
	dst->mapping = src->mapping;
	dst->index = src->index;
	pmm_set_page_private(dst, pmm_page_private(src));
	__atomic_fetch_or(&dst->flags, src->flags & MIGRATE_FLAGS, __ATOMIC_RELAXED);
	pmm_set_page_count(dst, refs);
	if (m->migrate_page(m->migrate_page_arg, src, dst, order)) {
		/* refused: the folio stays with its owner; @dst goes back as it came */
		__atomic_fetch_and(&dst->flags, ~MIGRATE_FLAGS, __ATOMIC_RELAXED);
		pmm_set_page_count(dst, 1);
		dst->mapping = NULL;
		dst->index = 0;
		pmm_set_page_private(dst, 0);
		pmm_set_page_count(src, refs);
		return -EBUSY;
	}
	__atomic_fetch_and(&src->flags, ~MIGRATE_FLAGS, __ATOMIC_RELAXED);
	pmm__free_frozen_page(m, src, order);
	return 0;
}

int pmm__migrate_pages(struct pmm_machine *m, struct pmm_list_head *from,
		       struct pmm__migrate_target *t, unsigned long *nr_succeeded)
{
	struct pmm_list_head retry, failed;
	unsigned long moved = 0;
	unsigned int pass;
	int nr_failed = 0, rc = 0;

	pmm__list_init(&failed);
	for (pass = 0; pass < t->passes && !pmm__list_empty(from) && !rc; pass++) {
		pmm__list_init(&retry);
		while (!pmm__list_empty(from)) {
			struct pmm_page *src = pmm__container_of(from->prev, struct pmm_page, lru);
			unsigned int order = pmm_compound_order(src);
			struct pmm_zone *zone = pmm_page_zone(m, src);
			struct pmm_page *dst;
			int err;

			dst = t->get(m, src, t->arg);
			if (!dst) {
				/* no memory: this one failed, the rest are not tried */
				pmm__list_del(&src->lru);
				pmm__list_add(&src->lru, &failed);
				pmm__count_zone_event(m, zone, PMM_PGMIGRATE_FAIL, 1UL << order);
				nr_failed += 1 << order;
				rc = t->last_error = -ENOMEM;
				break;
			}
			pmm__list_del(&src->lru);
			err = pmm__migrate_folio(m, src, dst, order);
			if (!err) {
				pmm__count_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS, 1UL << order);
				if (t->lru)
					pmm_folio_putback_lru(m, (struct pmm_folio *)dst);
				moved += 1UL << order;
				continue;
			}
			if (t->put)
				t->put(m, dst, t->arg);
			else
				pmm_free_pages(m, dst, order);
			pmm__list_add(&src->lru, err == -EAGAIN ? &retry : &failed);
			if (err != -EAGAIN) {
				pmm__count_zone_event(m, zone, PMM_PGMIGRATE_FAIL, 1UL << order);
				nr_failed += 1 << order;
				t->last_error = err;
			}
		}
		/* the busy ones again, in their order */
		while (!pmm__list_empty(&retry)) {
			struct pmm_list_head *e = retry.prev;

			pmm__list_del(e);
			pmm__list_add(e, from);
		}
	}
	/* still busy after the last pass: failed too */
	if (!rc) {
		struct pmm_list_head *e;

		for (e = from->next; e != from; e = e->next) {
			struct pmm_page *src = pmm__container_of(e, struct pmm_page, lru);
			unsigned int order = pmm_compound_order(src);

			pmm__count_zone_event(m, pmm_page_zone(m, src), PMM_PGMIGRATE_FAIL,
					      1UL << order);
			nr_failed += 1 << order;
			t->last_error = -EAGAIN;
		}
	}
	/* what failed goes back with what is left, taken first next time as now */
	while (!pmm__list_empty(&failed)) {
		struct pmm_list_head *e = failed.next;

		pmm__list_del(e);
		pmm__list_add_tail(e, from);
	}
	if (nr_succeeded)
		*nr_succeeded = moved;
	return rc ? rc : nr_failed;
}

/* alloc_migration_target() with __GFP_THISNODE: a folio of @src's order on *(int *)@arg */
static struct pmm_page *alloc_on_node(struct pmm_machine *m, struct pmm_page *src, void *arg)
{
	unsigned int order = pmm_compound_order(src);
	pmm_gfp_t gfp = PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE | __PMM_GFP_NOWARN |
			(order ? __PMM_GFP_COMP : 0);

	return pmm_alloc_pages_node(m, *(const int *)arg, gfp, order);
}

int pmm__migrate_to_node(struct pmm_machine *m, struct pmm_list_head *folios, int nid,
			 unsigned long *nr_failed)
{
	struct pmm__migrate_target t = {
		.get = alloc_on_node, .arg = &nid, .passes = 10, .lru = true,
	};
	int rc = pmm__migrate_pages(m, folios, &t, NULL);

	if (rc > 0)
		rc = t.last_error;	/* why the last one failed */
	while (!pmm__list_empty(folios)) {	/* what did not move goes back */
		struct pmm_page *page = pmm__container_of(folios->next, struct pmm_page, lru);

		pmm__list_del(&page->lru);
		pmm_folio_putback_lru(m, (struct pmm_folio *)page);
		if (nr_failed)
			(*nr_failed)++;
	}
	return rc;
}

/* add_folio_for_migration(): the folio of @page isolated for a move to @nid; its status */
static int isolate_for_move(struct pmm_machine *m, struct pmm_page *page, int nid,
			    struct pmm_page **head)
{
	if (!page || !pmm_page_in_machine(m, page))
		return -EFAULT;
	*head = pmm_compound_head(page);
	if (pmm_page_ref_count(*head) <= 0 || pmm_page_zonenum(*head) == PMM_ZONE_DEVICE)
		return -ENOENT;
	if (nid < 0 || pmm_page_to_nid(*head) == nid)
		return pmm_page_to_nid(*head);
	if (!pmm_page_test_flag(*head, PMM_PG_lru) ||
	    !pmm_folio_isolate_lru(m, (struct pmm_folio *)*head))
		return -EBUSY;
	return -EINPROGRESS;	/* isolated: to be moved */
}

int pmm_move_pages(struct pmm_machine *m, unsigned long count, struct pmm_page **pages,
		   const int *nodes, int *status)
{
	unsigned long i;
	int failed = 0;

	if (!m || (count && (!pages || !status)))
		return -EINVAL;
	for (i = 0; nodes && i < count; i++)	/* nothing moves on a bad node */
		if (nodes[i] < 0 || nodes[i] >= PMM_MAX_NUMNODES ||
		    !pmm_node_state(m, nodes[i], PMM_N_MEMORY)) {
			pmm__pr_err(m, "pmm: move_pages: entry %lu asks for node %d, which has no memory",
				i, nodes[i]);
			return -ENODEV;
		}
	for (i = 0; i < count; i++) {
		struct pmm_page *head = NULL;
		struct pmm_list_head one;
		int rc;

		status[i] = isolate_for_move(m, pages[i], nodes ? nodes[i] : -1, &head);
		if (status[i] != -EINPROGRESS)
			continue;
		pmm__list_init(&one);
		pmm__list_add(&head->lru, &one);
		rc = pmm__migrate_to_node(m, &one, nodes[i], NULL);
		status[i] = rc ? rc : nodes[i];
		failed += rc != 0;
	}
	return failed;
}

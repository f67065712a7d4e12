// SPDX-License-Identifier: MIT
/*
 * Moving a folio in use to another place (mm/migrate.c's
 * migrate_folio_move(), folio_migrate_mapping(), folio_migrate_flags()):
 * its references frozen, its contents copied through the direct map, its
 * fields and flags carried, its owner told through
 * pmm_boot_opts.migrate_page, the old folio freed. Callers (memory
 * offlining, compaction) isolate it from the LRU first and put the copy
 * back, and say where it goes; pmm__migrate_pages() does that for a list of
 * isolated folios (demotion's migrate_pages()).
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

/* migrate_pages()'s passes for MIGRATE_ASYNC: a folio busy three times stays */
#define NR_MAX_MIGRATE_PAGES_RETRY	3

unsigned long pmm__migrate_pages(struct pmm_machine *m, struct pmm_list_head *from,
				 struct pmm_page *(*alloc)(struct pmm_machine *m,
							   struct pmm_page *src, void *arg),
				 void *arg)
{
	struct pmm_list_head retry, failed;
	unsigned long moved = 0;
	int pass;

	pmm__list_init(&failed);
	for (pass = 0; pass < NR_MAX_MIGRATE_PAGES_RETRY && !pmm__list_empty(from); pass++) {
		pmm__list_init(&retry);
		while (!pmm__list_empty(from)) {
			struct pmm_page *src = pmm__container_of(from->prev, struct pmm_page, lru);
			unsigned int order = pmm_compound_order(src);
			struct pmm_zone *zone = pmm_page_zone(m, src);
			struct pmm_page *dst;
			int err;

			pmm__list_del(&src->lru);
			dst = alloc(m, src, arg);
			err = dst ? pmm__migrate_folio(m, src, dst, order) : -ENOMEM;
			if (!err) {
				pmm__count_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS, 1UL << order);
				pmm_folio_putback_lru(m, (struct pmm_folio *)dst);
				moved += 1UL << order;
				continue;
			}
			if (dst)
				pmm_free_pages(m, dst, order);
			if (err == -EAGAIN) {
				pmm__list_add(&src->lru, &retry);
			} else {
				pmm__list_add(&src->lru, &failed);
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
	while (!pmm__list_empty(from)) {
		struct pmm_list_head *e = from->prev;

		pmm__list_del(e);
		pmm__list_add(e, &failed);
	}
	while (!pmm__list_empty(&failed)) {
		struct pmm_list_head *e = failed.prev;
		struct pmm_page *src = pmm__container_of(e, struct pmm_page, lru);

		pmm__list_del(e);
		pmm__list_add(e, from);
		pmm__count_zone_event(m, pmm_page_zone(m, src), PMM_PGMIGRATE_FAIL,
				      1UL << pmm_compound_order(src));
	}
	return moved;
}

// SPDX-License-Identifier: MIT
/*
 * Moving a folio in use to another place (mm/migrate.c's
 * migrate_folio_move(), folio_migrate_mapping(), folio_migrate_flags()):
 * its references frozen, its contents copied through the direct map, its
 * fields and flags carried, its owner told through
 * pmm_boot_opts.migrate_page, the old folio freed. Callers (memory
 * offlining, compaction) isolate it from the LRU first and put the copy
 * back, and say where it goes.
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

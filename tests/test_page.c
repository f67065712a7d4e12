// SPDX-License-Identifier: MIT
/* struct pmm_page and struct pmm_folio: layout, flags fields, types, compound pages. */
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"

static void test_layout(void **state)
{
	/* the kernel's struct page on 64-bit with MEMCG (mm_types.h) */
	assert_int_equal(sizeof(struct pmm_page), 64);
	assert_int_equal(offsetof(struct pmm_page, flags), 0);
	assert_int_equal(offsetof(struct pmm_page, lru), 8);
	assert_int_equal(offsetof(struct pmm_page, compound_head), 8);
	assert_int_equal(offsetof(struct pmm_page, pgmap), 8);
	assert_int_equal(offsetof(struct pmm_page, mapping), 24);
	assert_int_equal(offsetof(struct pmm_page, index), 32);
	assert_int_equal(offsetof(struct pmm_page, PMM__PRIV), 40);
	assert_int_equal(offsetof(struct pmm_page, _mapcount), 48);
	assert_int_equal(offsetof(struct pmm_page, page_type), 48);
	assert_int_equal(offsetof(struct pmm_page, _refcount), 52);
	assert_int_equal(offsetof(struct pmm_page, memcg_data), 56);
	/* folio fields over page[1] (6.12: _flags_1 @64, _head_1 @72, _folio_nr_pages @96) */
	assert_int_equal(offsetof(struct pmm_folio, _flags_1), 64);
	assert_int_equal(offsetof(struct pmm_folio, _head_1), 72);
	assert_int_equal(offsetof(struct pmm_folio, _folio_nr_pages), 96);
}

static void test_flags_fields(void **state)
{
	struct pmm_page p;
	unsigned long section = PMM_SECTIONS_WIDTH ? (1UL << 29) - 1 : 0;

	memset(&p, 0, sizeof(p));
	pmm_page_set_flag(&p, PMM_PG_reserved);
	pmm_page_set_flag(&p, PMM_PG_locked);
	pmm_set_page_links(&p, PMM_ZONE_MOVABLE, PMM_MAX_NUMNODES - 1, section);
	assert_int_equal(pmm_page_zonenum(&p), PMM_ZONE_MOVABLE);
	assert_int_equal(pmm_page_to_nid(&p), PMM_MAX_NUMNODES - 1);
	assert_int_equal(pmm_page_to_section(&p), section);
	/* the fields are above every flag bit and leave the flags alone */
	assert_true(pmm_page_test_flag(&p, PMM_PG_reserved));
	assert_true(pmm_page_test_flag(&p, PMM_PG_locked));
	assert_false(pmm_page_test_flag(&p, PMM_PG_head));
	assert_int_equal(p.flags & ((1UL << PMM_NR_PAGEFLAGS) - 1),
			 (1UL << PMM_PG_reserved) | (1UL << PMM_PG_locked));

	/* rewriting the links replaces the old values */
	pmm_set_page_links(&p, PMM_ZONE_DMA, 0, 0);
	assert_int_equal(pmm_page_zonenum(&p), PMM_ZONE_DMA);
	assert_int_equal(pmm_page_to_nid(&p), 0);
	assert_int_equal(pmm_page_to_section(&p), 0);
	assert_true(pmm_PageReserved(&p));
	pmm_page_clear_flag(&p, PMM_PG_reserved);
	assert_false(pmm_PageReserved(&p));

	/* page-flags-layout.h: fields from the most significant bit down */
	assert_int_equal(PMM_ZONES_PGSHIFT + PMM_ZONES_WIDTH, PMM_NODES_PGSHIFT);
	if (PMM_SECTIONS_WIDTH)
		assert_int_equal(PMM_SECTIONS_PGSHIFT + PMM_SECTIONS_WIDTH, 64);
	else
		assert_int_equal(PMM_NODES_PGSHIFT + PMM_NODES_WIDTH, 64);
}

static void test_page_types(void **state)
{
	struct pmm_page p;

	memset(&p, 0, sizeof(p));
	p._mapcount = -1;
	assert_false(pmm_page_has_type(&p));
	assert_int_equal(pmm_page_mapcount(&p), 0);
	pmm_page_set_type(&p, PMM_PGTY_buddy);
	assert_true(pmm_PageBuddy(&p));
	assert_false(pmm_PageOffline(&p));
	assert_int_equal(p.page_type, 0xf0000000u);
	pmm_page_clear_type(&p);
	assert_false(pmm_PageBuddy(&p));
	assert_int_equal(p._mapcount, -1);
}

static void test_compound(void **state)
{
	struct pmm_page *pages = calloc(16, sizeof(*pages));
	struct pmm_folio *folio;
	int i;

	assert_non_null(pages);
	for (i = 0; i < 16; i++) {
		pages[i]._mapcount = -1;
		pmm_set_page_links(&pages[i], PMM_ZONE_NORMAL, 1, 0);
	}
	pmm_set_page_count(&pages[0], 1);
	pmm_prep_compound_page(pages, 3);

	folio = pmm_page_folio(&pages[5]);
	assert_ptr_equal(folio, pages);
	assert_true(pmm_PageHead(&pages[0]));
	assert_false(pmm_PageTail(&pages[0]));
	for (i = 1; i < 8; i++) {
		assert_true(pmm_PageTail(&pages[i]));
		assert_ptr_equal(pmm_compound_head(&pages[i]), &pages[0]);
		/* a tail's compound_head is the head's address with bit 0 set */
		assert_int_equal(pages[i].compound_head, (unsigned long)&pages[0] + 1);
	}
	/* the ninth page is not part of the folio */
	assert_false(pmm_PageTail(&pages[8]));
	assert_ptr_equal(pmm_page_folio(&pages[8]), &pages[8]);

	assert_int_equal(pmm_folio_order(folio), 3);
	assert_int_equal(pmm_folio_nr_pages(folio), 8);
	assert_int_equal(pmm_compound_order(&pages[0]), 3);
	assert_int_equal(pmm_compound_order(&pages[1]), 0);
	assert_ptr_equal(pmm_folio_page(folio, 7), &pages[7]);
	/* the order lives in page[1]'s flags; its zone and node fields survive */
	assert_int_equal(pages[1].flags & 0xff, 3);
	assert_int_equal(pmm_page_zonenum(&pages[2]), PMM_ZONE_NORMAL);
	assert_int_equal(pmm_page_to_nid(&pages[2]), 1);
	assert_ptr_equal(pages[3].mapping, PMM_TAIL_MAPPING);
	assert_int_equal(pmm_page_ref_count(&folio->page), 1);

	/* order-0 pages are never large */
	assert_int_equal(pmm_folio_order(pmm_page_folio(&pages[9])), 0);
	assert_int_equal(pmm_folio_nr_pages(pmm_page_folio(&pages[9])), 1);
	free(pages);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_flags_fields),
		cmocka_unit_test(test_page_types),
		cmocka_unit_test(test_compound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

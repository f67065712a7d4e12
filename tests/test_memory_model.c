// SPDX-License-Identifier: MIT
/*
 * pfn <-> struct page in every memory model: round trips over every valid
 * pfn of a machine with holes, section boundaries, the top of
 * MAX_PHYSMEM_BITS, pfn_valid in holes, page->flags fields, and sections
 * that come and go.
 */
#include <errno.h>
#include <string.h>

#include "pmm_test.h"
#include "internal.h"

/* x86_64-2node-8G: present sections 0x00-0x17 and 0x20-0x47 (32768 pages each) */
#define NR_VALID_SPARSE		(64UL * 32768)
#define PFN_LIMIT		0x240000UL

static int setup_x86(void **state)
{
	*state = pmm_test_boot_desc(pmm_test_desc_x86_2node(),
				    PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	return 0;
}

static int teardown(void **state)
{
	pmm_shutdown(*state);
	return 0;
}

static void test_round_trip_every_pfn(void **state)
{
	struct pmm_machine *m = *state;
	unsigned long pfn, valid = 0;

	for (pfn = 0; pfn < PFN_LIMIT + 4 * 32768; pfn++) {
		struct pmm_page *page;

		if (!pmm_pfn_valid(m, pfn))
			continue;
		valid++;
		page = pmm_pfn_to_page(m, pfn);
		if (pmm_page_to_pfn(m, page) != pfn)
			fail_msg("pfn %#lx -> page %p -> pfn %#lx", pfn, (void *)page,
				 pmm_page_to_pfn(m, page));
	}
	/* FLATMEM: every pfn of mem_map [0, max_pfn) is valid, holes included */
	assert_int_equal(valid, PMM_CONFIG_FLATMEM ? PFN_LIMIT : NR_VALID_SPARSE);
}

/* the out-of-line forms of abi.h agree with the inline ones, and refuse what is not a page */
static void test_abi_forms(void **state)
{
	static const unsigned long pfns[] = { 0, 0x9e, 0x8000, 0xbffff, 0x100000, PFN_LIMIT - 1 };
	struct pmm_machine *m = *state;
	long v;
	size_t i;

	for (i = 0; i < PMM__ARRAY_SIZE(pfns); i++) {
		struct pmm_page *page = pmm_abi_pfn_to_page(m, pfns[i]);

		assert_ptr_equal(page, pmm_pfn_to_page(m, pfns[i]));
		assert_int_equal(pmm_abi_page_to_pfn(m, page), pfns[i]);
		assert_int_equal(pmm_abi_page_nid(page), pmm_page_to_nid(page));
		assert_int_equal(pmm_abi_page_zonenum(page), (int)pmm_page_zonenum(page));
		assert_null(pmm_abi_page_address(m, page));	/* booted without a direct map */
	}
	assert_int_equal(pmm_abi_page_nid(pmm_abi_pfn_to_page(m, 0x9e)), 0);
	assert_int_equal(pmm_abi_page_nid(pmm_abi_pfn_to_page(m, PFN_LIMIT - 1)), 1);
	assert_null(pmm_abi_pfn_to_page(m, PFN_LIMIT));
	assert_int_equal(pmm_abi_pfn_to_page(m, 0xc0000) != NULL, PMM_CONFIG_FLATMEM);
	assert_int_equal(pmm_abi_page_to_pfn(m, NULL), ~0UL);
	assert_int_equal(pmm_abi_page_to_pfn(m, (struct pmm_page *)&v), ~0UL);

	assert_int_equal(pmm_abi_sizeof("pmm_boot_opts"), sizeof(struct pmm_boot_opts));
	assert_int_equal(pmm_abi_sizeof("pmm_nodemask_t"), sizeof(pmm_nodemask_t));
	assert_int_equal(pmm_abi_sizeof("pmm_page"), 0);
	assert_int_equal(pmm_abi_offsetof("pmm_replay_stats", "last_ts"),
			 offsetof(struct pmm_replay_stats, last_ts));
	assert_int_equal(pmm_abi_offsetof("pmm_boot_opts", "progress_arg"),
			 offsetof(struct pmm_boot_opts, progress_arg));
	assert_int_equal(pmm_abi_offsetof("pmm_boot_opts", "nonsense"), (size_t)-1);
	assert_int_equal(pmm_abi_constant("PMM_NR_PAGE_ORDERS", &v), 0);
	assert_int_equal(v, PMM_NR_PAGE_ORDERS);
	assert_int_equal(pmm_abi_constant("PMM_MAX_NUMNODES", &v), 0);
	assert_int_equal(v, 1 << PMM_NODES_SHIFT);
	assert_int_equal(pmm_abi_constant("NR_BOGUS", &v), -ENOENT);
	assert_int_equal(pmm_abi_constant(NULL, &v), -EINVAL);
}

static void test_pfn_valid_holes(void **state)
{
	struct pmm_machine *m = *state;

	/* pfn 0 and [0x9f, 0x100) are holes inside section 0: they have struct pages */
	assert_true(pmm_pfn_valid(m, 0));
	assert_true(pmm_pfn_valid(m, 0xa0));
	assert_true(pmm_PageReserved(pmm_pfn_to_page(m, 0xa0)));
	assert_true(pmm_PageReserved(pmm_pfn_to_page(m, 0)));
	assert_false(pmm_PageReserved(pmm_pfn_to_page(m, 0x9e)));
	/* [0xbffe0, 0xc0000) is a hole inside the present section 0x17 */
	assert_true(pmm_pfn_valid(m, 0xbffe0));
	assert_true(pmm_PageReserved(pmm_pfn_to_page(m, 0xbffff)));
	/* sections 0x18-0x1f (3G-4G) have no memory at all */
	assert_int_equal(pmm_pfn_valid(m, 0xc0000), PMM_CONFIG_FLATMEM);
	assert_int_equal(pmm_pfn_valid(m, 0xfffff), PMM_CONFIG_FLATMEM);
	assert_true(pmm_pfn_valid(m, 0x100000));
	/* beyond the end of memory */
	assert_false(pmm_pfn_valid(m, PFN_LIMIT));
	assert_false(pmm_pfn_valid(m, ~0UL));
	assert_false(pmm_pfn_valid(m, 1UL << 40));
}

static void test_boundaries(void **state)
{
	static const unsigned long pfns[] = {
		1, 0x7fff, 0x8000, 0x8001, 0xbffff, 0x100000, 0x13ffff, 0x140000, PFN_LIMIT - 1,
	};
	struct pmm_machine *m = *state;
	size_t i;

	for (i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
		assert_true(pmm_pfn_valid(m, pfns[i]));
		assert_int_equal(pmm_page_to_pfn(m, pmm_pfn_to_page(m, pfns[i])), pfns[i]);
	}
	/* neighbours are neighbours in memory inside a section */
	assert_ptr_equal(pmm_pfn_to_page(m, 0x8001), pmm_pfn_to_page(m, 0x8000) + 1);
	if (PMM_CONFIG_FLATMEM || PMM_CONFIG_SPARSEMEM_VMEMMAP)
		assert_ptr_equal(pmm_pfn_to_page(m, 0x8000), pmm_pfn_to_page(m, 0x7fff) + 1);
}

static void test_flags_encode_links(void **state)
{
	static const struct {
		unsigned long pfn;
		int nid;
		enum pmm_zone_type zone;
	} cases[] = {
		{ 0x10, 0, PMM_ZONE_DMA },
		{ 0xfff, 0, PMM_ZONE_DMA },
		{ 0x1000, 0, PMM_ZONE_DMA32 },
		{ 0xbffdf, 0, PMM_ZONE_DMA32 },
		{ 0x100000, 0, PMM_ZONE_NORMAL },
		{ 0x13ffff, 0, PMM_ZONE_NORMAL },
		{ 0x140000, 1, PMM_ZONE_NORMAL },
		{ 0x23ffff, 1, PMM_ZONE_NORMAL },
	};
	struct pmm_machine *m = *state;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct pmm_page *page = pmm_pfn_to_page(m, cases[i].pfn);

		assert_int_equal(pmm_page_to_nid(page), cases[i].nid);
		assert_int_equal(pmm_page_zonenum(page), cases[i].zone);
		assert_ptr_equal(pmm_page_zone(m, page),
				 &pmm_node_data(m, cases[i].nid)->node_zones[cases[i].zone]);
		assert_ptr_equal(pmm_page_pgdat(m, page), pmm_node_data(m, cases[i].nid));
		assert_int_equal(pmm_page_to_section(page),
				 PMM_SECTIONS_WIDTH ? cases[i].pfn >> 15 : 0);
		/* memblock_free_all() gave every unreserved page to the buddy allocator */
		assert_int_equal(pmm_page_ref_count(page), 0);
		assert_false(pmm_PageReserved(page));
	}
}

static void test_sections(void **state)
{
	struct pmm_machine *m = *state;
	struct pmm_mem_section *ms;

	if (!PMM_CONFIG_SPARSEMEM) {
		assert_null(pmm_pfn_to_section(m, 0));
		skip();
	}
	ms = pmm_pfn_to_section(m, 0x8000);
	assert_non_null(ms);
	assert_int_equal(ms->section_mem_map & ~PMM_SECTION_MAP_MASK,
			 PMM_SECTION_MARKED_PRESENT | PMM_SECTION_HAS_MEM_MAP |
			 PMM_SECTION_IS_ONLINE | PMM_SECTION_IS_EARLY);
	assert_non_null(ms->usage);
	/* the encoded memmap minus the section's first pfn (sparse_encode_mem_map) */
	assert_int_equal((ms->section_mem_map & PMM_SECTION_MAP_MASK) + 0x8000 * sizeof(struct pmm_page),
			 (unsigned long)pmm_pfn_to_page(m, 0x8000));
	assert_false(pmm_present_section(pmm_pfn_to_section(m, 0xc0000)));
	assert_true(pmm_present_section(pmm_pfn_to_section(m, 0xb8000)));
	assert_null(pmm_nr_to_section(m, 1UL << 19));	/* NR_MEM_SECTIONS on x86-64 */
	if (PMM_CONFIG_SPARSEMEM_EXTREME)	/* roots beyond the memory were never allocated */
		assert_null(pmm_nr_to_section(m, (1UL << 19) - 1));
	/* the boot subsection map covers present memory */
	if (PMM_CONFIG_SPARSEMEM_VMEMMAP) {
		assert_int_equal(ms->usage->subsection_map[0], ~0UL);
		assert_int_equal(pmm_pfn_to_section(m, 0xb8000)->usage->subsection_map[0], ~0UL);
	}
}

/* Memory at the very top of x86-64's 46-bit physical address space. */
static void test_top_of_physmem(void **state)
{
	const pmm_phys_addr_t top = 1ULL << 46;
	struct pmm_machine *m = pmm_test_boot_desc(
		pmm_test_desc_simple("x86_64", top - SZ_1G, top),
		PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	unsigned long last = (unsigned long)(top >> 12) - 1, first = (unsigned long)((top - SZ_1G) >> 12);
	unsigned long pfn;

	for (pfn = first; pfn <= last; pfn += 4093)
		assert_int_equal(pmm_page_to_pfn(m, pmm_pfn_to_page(m, pfn)), pfn);
	assert_int_equal(pmm_page_to_pfn(m, pmm_pfn_to_page(m, last)), last);
	assert_int_equal(pmm_page_to_pfn(m, pmm_pfn_to_page(m, first)), first);
	assert_true(pmm_pfn_valid(m, last));
	assert_false(pmm_pfn_valid(m, last + 1));
	assert_false(pmm_pfn_valid(m, first - 1));
	assert_int_equal(pmm_page_zonenum(pmm_pfn_to_page(m, last)), PMM_ZONE_NORMAL);
	assert_int_equal(pmm_page_to_section(pmm_pfn_to_page(m, last)),
			 PMM_SECTIONS_WIDTH ? (1UL << 19) - 1 : 0);
	pmm_shutdown(m);
}

/* FLATMEM with arm's free_unused_memmap(): holes of whole MAX_ORDER blocks lose their memmap. */
static void test_flatmem_freed_memmap(void **state)
{
	struct pmm_machine *m;

	if (!PMM_CONFIG_FLATMEM)
		skip();
	m = pmm_test_boot_desc(pmm_test_desc_x86_2node(),
			       PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP |
			       PMM_BOOT_FREE_UNUSED_MEMMAP);
	assert_true(pmm_pfn_valid(m, 0xbffe0));	/* its 1024-page block holds memory */
	assert_true(pmm_pfn_valid(m, 0xbffff));
	assert_false(pmm_pfn_valid(m, 0xc0000));
	assert_false(pmm_pfn_valid(m, 0xfffff));
	assert_true(pmm_pfn_valid(m, 0x100000));
	/* the unavailable count now stops at the freed memmap, as in SPARSEMEM */
	assert_non_null(strstr(pmm_boot_log(m),
			       "On node 0, zone Normal: 32 pages in unavailable ranges"));
	pmm_shutdown(m);
}

/* Sections added and removed after boot (the model half of memory hotplug). */
static void test_add_remove_range(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .phys_limit = 16 * SZ_1G };
	struct pmm_machine *m;
	const unsigned long start = 0x280000, sec = 32768;
	struct pmm_page *page;

	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	if (PMM_CONFIG_FLATMEM) {
		assert_int_equal(pmm__model_add_range(m, start, sec, 1), -EOPNOTSUPP);
		pmm_shutdown(m);
		skip();
	}
	assert_false(pmm_pfn_valid(m, start));
	assert_int_equal(pmm__model_add_range(m, start, 2 * sec, 1), 0);
	assert_true(pmm_pfn_valid(m, start));
	assert_true(pmm_pfn_valid(m, start + 2 * sec - 1));
	assert_false(pmm_pfn_valid(m, start + 2 * sec));
	page = pmm_pfn_to_page(m, start + sec + 5);
	pmm__init_single_page(m, page, start + sec + 5, PMM_ZONE_NORMAL, 1);
	assert_int_equal(pmm_page_to_pfn(m, page), start + sec + 5);
	assert_true(pmm_present_section(pmm_pfn_to_section(m, start)));
	assert_false(pmm_early_section(pmm_pfn_to_section(m, start)));
	assert_false(pmm_online_section(pmm_pfn_to_section(m, start)));
	/* adding the same memory again is refused */
	assert_int_equal(pmm__model_add_range(m, start, sec, 1), -EEXIST);
	/* misaligned or out of the address space */
	assert_int_equal(pmm__model_add_range(m, start + 1, sec, 1), -EINVAL);
	assert_int_equal(pmm__model_add_range(m, (16 * SZ_1G) >> 12, sec, 1), -ERANGE);

	assert_int_equal(pmm__model_remove_range(m, start, sec), 0);
	assert_false(pmm_pfn_valid(m, start));
	assert_true(pmm_pfn_valid(m, start + sec));
	assert_int_equal(pmm__model_remove_range(m, start + sec, sec), 0);
	assert_false(pmm_pfn_valid(m, start + sec));
	assert_false(pmm_present_section(pmm_pfn_to_section(m, start + sec)));

	if (PMM_CONFIG_SPARSEMEM_VMEMMAP) {
		/* 2 MiB subsections (ZONE_DEVICE granularity) */
		assert_int_equal(pmm__model_add_range(m, start + 512, 512, 1), 0);
		assert_false(pmm_pfn_valid(m, start));
		assert_true(pmm_pfn_valid(m, start + 512));
		assert_true(pmm_pfn_valid(m, start + 1023));
		assert_false(pmm_pfn_valid(m, start + 1024));
		assert_int_equal(pmm__model_add_range(m, start + 1024, 512, 1), 0);
		assert_true(pmm_pfn_valid(m, start + 1024));
		assert_int_equal(pmm__model_remove_range(m, start + 512, 512), 0);
		assert_false(pmm_pfn_valid(m, start + 512));
		assert_true(pmm_pfn_valid(m, start + 1024));
		/* the section stays until its last subsection goes (freed at shutdown here) */
	} else {
		assert_int_equal(pmm__model_add_range(m, start + 512, 512, 1), -EINVAL);
	}
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip_every_pfn, setup_x86, teardown),
		cmocka_unit_test_setup_teardown(test_pfn_valid_holes, setup_x86, teardown),
		cmocka_unit_test_setup_teardown(test_abi_forms, setup_x86, teardown),
		cmocka_unit_test_setup_teardown(test_boundaries, setup_x86, teardown),
		cmocka_unit_test_setup_teardown(test_flags_encode_links, setup_x86, teardown),
		cmocka_unit_test_setup_teardown(test_sections, setup_x86, teardown),
		cmocka_unit_test(test_top_of_physmem),
		cmocka_unit_test(test_flatmem_freed_memmap),
		cmocka_unit_test(test_add_remove_range),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

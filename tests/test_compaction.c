// SPDX-License-Identifier: MIT
/*
 * Compaction (mm/compaction.c) on layouts worked out by hand, and on a
 * fragmented zone: folios move from the low end to the high end through
 * their owner, their contents intact, and free memory comes together.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"

#define M	(1ULL << 20)

/* The owner: where each of its folios is, and what each page holds. */
struct owner {
	struct pmm_page	*page[4096];
	int		moves;
};

static int on_migrate(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct owner *o = arg;
	unsigned long i = pmm_page_private(to);	/* the owner's index, carried */

	(void)order;
	if (i >= 4096 || o->page[i] != from)
		return -1;
	o->page[i] = to;
	o->moves++;
	return 0;
}

/* x86-64 with @mb MiB at 16 MiB (one zone, DMA32), [@res, @res_end) reserved; no per-CPU
 * lists; @kernel's rules (NULL: the default) */
static struct pmm_machine *boot_kernel(unsigned long long mb, unsigned long long res,
				       unsigned long long res_end, struct owner *o, const char *kernel)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_PCP |
					       PMM_BOOT_INLINE_DAEMONS,
				      .migrate_page = on_migrate, .migrate_page_arg = o };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	if (kernel)
		assert_int_equal(pmm_machine_desc_set_kernel(d, kernel), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 16 * M, (16 + mb) * M, 0, 0), 0);
	if (res_end)
		assert_int_equal(pmm_machine_desc_add_reserved(d, res, res_end), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

static struct pmm_machine *boot_small(unsigned long long mb, unsigned long long res,
				      unsigned long long res_end, struct owner *o)
{
	return boot_kernel(mb, res, res_end, o, NULL);
}

static uint64_t pattern(unsigned long i)
{
	return 0x9e3779b97f4a7c15ULL * (i + 1);
}

static struct pmm_page *own(struct pmm_machine *m, struct owner *o, unsigned long i)
{
	struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);
	uint64_t *mem;
	size_t k;

	assert_non_null(p);
	pmm_set_page_private(p, i);
	pmm_page_set_flag(p, PMM_PG_swapbacked);
	assert_int_equal(pmm_folio_add_lru(m, (struct pmm_folio *)p), 0);
	mem = pmm_page_address(m, p);
	for (k = 0; k < 4096 / sizeof(*mem); k++)
		mem[k] = pattern(i) ^ k;
	o->page[i] = p;
	return p;
}

/* folios up to the zone's high watermark (4096 at most), every other one put back */
static unsigned long fragment(struct pmm_machine *m, struct owner *o, struct pmm_zone *zone)
{
	unsigned long i, n = 0;

	while (n < 4096 && pmm_zone_free_pages(zone) > zone->_watermark[PMM_WMARK_HIGH] + 1)
		own(m, o, n++);
	for (i = 0; i < n; i += 2) {
		pmm_folio_put(m, (struct pmm_folio *)o->page[i]);
		o->page[i] = NULL;
	}
	return n;
}

static void check_contents(struct pmm_machine *m, const struct owner *o, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		const uint64_t *mem;
		size_t k;

		if (!o->page[i])
			continue;
		assert_int_equal(pmm_page_private(o->page[i]), i);
		mem = pmm_page_address(m, o->page[i]);
		for (k = 0; k < 4096 / sizeof(*mem); k++)
			if (mem[k] != (pattern(i) ^ k))
				fail_msg("page %lu word %zu changed in a move", i, k);
	}
}

static void put_all(struct pmm_machine *m, struct owner *o, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++)
		if (o->page[i]) {
			pmm_folio_put(m, (struct pmm_folio *)o->page[i]);
			o->page[i] = NULL;
		}
}

/*
 * 32 MiB at pfn 0x1000: sixteen pageblocks of 512 pages, eight MAX_ORDER
 * blocks; the first half of the last pageblock reserved. Of 1024 folios the
 * first 256 take that pageblock's free half and the next 512 the pageblock
 * below (the allocator hands out the smallest free block first), the last
 * 256 pfns 0x1000-0x10ff; the first 768 are put back. By hand: the free scanner starts at the last pageblock (in use
 * in part, MOVABLE) and isolates its free half, 256 pages; pageblocks 1-14
 * are wholly free, no targets; the migration scanner moves pageblock 0's
 * 256 folios there and meets the free scanner. Then pageblocks 0-13 are
 * seven free order-10 blocks, 14 an order-9 block, 15 full.
 */
static void test_by_hand(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	unsigned long long last = (16 + 32) * M - 2 * M;
	struct pmm_machine *m;
	struct pmm_zone *zone;
	unsigned long i;
	unsigned int ord;

	(void)state;
	assert_non_null(o);
	m = boot_small(32, last, last + M, o);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	assert_int_equal(zone->zone_start_pfn, 0x1000);
	assert_int_equal(zone->managed_pages, 8192 - 256);
	/* the smallest free block first: the last pageblock's free half (order 8),
	 * then its buddy pageblock (order 9), then 0x1000 on (order 10) */
	for (i = 0; i < 1024; i++)
		assert_int_equal(pmm_page_to_pfn(m, own(m, o, i)),
				 i < 256 ? 0x2f00 + i : i < 768 ? 0x2c00 + i - 256 : 0x1000 + i - 768);
	for (i = 0; i < 768; i++) {
		pmm_folio_put(m, (struct pmm_folio *)o->page[i]);
		o->page[i] = NULL;
	}
	assert_int_equal(zone->free_area[8].nr_free, 2);	/* 0x1100 and 0x2f00 */
	assert_int_equal(pmm_compact_memory(m), 0);
	for (ord = 0; ord <= 10; ord++)
		assert_int_equal(zone->free_area[ord].nr_free, ord == 9 ? 1 : ord == 10 ? 7 : 0);
	assert_int_equal(o->moves, 256);
	assert_int_equal(pmm_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS), 256);
	assert_int_equal(pmm_zone_event(m, zone, PMM_PGMIGRATE_FAIL), 0);
	assert_int_equal(pmm_zone_event(m, zone, PMM_COMPACT_ISOLATED), 256 + 256);
	for (i = 768; i < 1024; i++)	/* into the last pageblock's free half */
		assert_true(pmm_page_to_pfn(m, o->page[i]) >= 0x2f00);
	check_contents(m, o, 1024);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON), 256);
	assert_int_equal(pmm_check(m), 0);
	/* nothing left to do: a second run moves nothing */
	assert_int_equal(pmm_compact_node(m, 0), 0);
	assert_int_equal(o->moves, 256);
	assert_int_equal(pmm_compact_node(m, 3), -EINVAL);
	put_all(m, o, 1024);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(o);
}

/* a folio of @order for the owner, on the LRU, each of its pages patterned */
static struct pmm_page *own_folio(struct pmm_machine *m, struct owner *o, unsigned long i,
				  unsigned int order)
{
	struct pmm_folio *f = pmm_folio_alloc(m, PMM_GFP_HIGHUSER_MOVABLE, order);
	uint64_t *mem;
	size_t k;

	assert_non_null(f);
	pmm_set_page_private(&f->page, i);
	pmm_page_set_flag(&f->page, PMM_PG_swapbacked);
	assert_int_equal(pmm_folio_add_lru(m, f), 0);
	mem = pmm_page_address(m, &f->page);
	for (k = 0; k < (4096UL << order) / sizeof(*mem); k++)
		mem[k] = pattern(i) ^ k;
	o->page[i] = &f->page;
	return &f->page;
}

/*
 * Large folios (6.12's compaction of folios below the target order): the
 * layout of test_by_hand() with 256 order-2 folios instead of 1024 order-0
 * ones (64 in 0x2f00-0x2fff, 128 in 0x2c00-0x2dff, 64 in 0x1000-0x10ff),
 * then one order-9 folio (a THP), which takes the smallest free block that
 * holds it, 0x1200. The first 192 order-2 folios are put back. By hand:
 * the free scanner isolates 0x2f00's order-8 block whole; compaction_alloc()
 * splits it into order-2 blocks for the 64 folios of pageblock 0, which
 * keep their order and contents; the THP (pageblock order) stays. Then
 * 0x1000 and 0x2c00 are free order-9 blocks (0x1000's buddy is the THP) and
 * 0x1400-0x2bff six order-10 blocks. Kernel 6.1 (before 6.9) moves no
 * large folio: pageblock 0 stays as it was.
 */
static void large_folios_case(const char *kernel)
{
	struct owner *o = calloc(1, sizeof(*o));
	unsigned long long last = (16 + 32) * M - 2 * M;
	struct pmm_machine *m;
	struct pmm_zone *zone;
	struct pmm_page *thp;
	unsigned long i, pfn;
	unsigned int ord;

	assert_non_null(o);
	m = boot_kernel(32, last, last + M, o, kernel);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	for (i = 0; i < 256; i++)
		assert_int_equal(pmm_page_to_pfn(m, own_folio(m, o, i, 2)),
				 i < 64 ? 0x2f00 + 4 * i : i < 192 ? 0x2c00 + 4 * (i - 64) :
				 0x1000 + 4 * (i - 192));
	thp = own_folio(m, o, 256, 9);
	assert_int_equal(pmm_page_to_pfn(m, thp), 0x1200);
	for (i = 0; i < 192; i++) {
		pmm_folio_put(m, (struct pmm_folio *)o->page[i]);
		o->page[i] = NULL;
	}
	assert_int_equal(pmm_compact_memory(m), 0);
	if (kernel) {	/* 6.1: 0x1100 and 0x2f00 order 8, 0x2c00 order 9 */
		for (ord = 0; ord <= 10; ord++)
			assert_int_equal(zone->free_area[ord].nr_free,
					 ord == 8 ? 2 : ord == 9 ? 1 : ord == 10 ? 6 : 0);
		assert_int_equal(o->moves, 0);
		assert_int_equal(pmm_page_to_pfn(m, o->page[192]), 0x1000);
		goto out;
	}
	for (ord = 0; ord <= 10; ord++)
		assert_int_equal(zone->free_area[ord].nr_free, ord == 9 ? 2 : ord == 10 ? 6 : 0);
	assert_int_equal(o->moves, 64);
	assert_int_equal(pmm_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS), 256);
	assert_int_equal(pmm_zone_event(m, zone, PMM_PGMIGRATE_FAIL), 0);
	assert_int_equal(pmm_zone_event(m, zone, PMM_COMPACT_ISOLATED), 256 + 256);
	for (i = 192; i < 256; i++) {
		pfn = pmm_page_to_pfn(m, o->page[i]);
		assert_true(pfn >= 0x2f00 && pfn < 0x3000 && !(pfn & 3));
		assert_true(pmm_PageHead(o->page[i]));
		assert_int_equal(pmm_compound_order(o->page[i]), 2);
		assert_true(pmm_page_test_flag(o->page[i], PMM_PG_lru));
	}
	assert_ptr_equal(o->page[256], thp);
	assert_int_equal(pmm_compound_order(thp), 9);
	for (i = 192; i <= 256; i++) {
		const uint64_t *mem = pmm_page_address(m, o->page[i]);
		size_t k;

		for (k = 0; k < (4096UL << pmm_compound_order(o->page[i])) / sizeof(*mem); k++)
			if (mem[k] != (pattern(i) ^ k))
				fail_msg("folio %lu word %zu changed in a move", i, k);
	}
out:
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON), 64 * 4 + 512);
	assert_int_equal(pmm_check(m), 0);
	put_all(m, o, 257);
	assert_int_equal(pmm_check(m), 0);
	assert_int_equal(pmm_zone_free_pages(zone), 8192 - 256);
	pmm_shutdown(m);
	free(o);
}

static void test_large_folios(void **state)
{
	(void)state;
	large_folios_case(NULL);
	large_folios_case("6.1");
}

/*
 * 32 MiB, filled with order-0 folios up to the high watermark, every other
 * one put back: compaction gathers the freed half into whole pageblocks
 * (all but the pageblocks where the scanners meet), contents intact.
 */
static void test_fragmented_zone(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	struct pmm_zone *zone;
	unsigned long n, freed, blocks, before;

	(void)state;
	assert_non_null(o);
	m = boot_small(32, 0, 0, o);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	n = fragment(m, o, zone);
	freed = (n + 1) / 2;
	before = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	assert_int_equal(pmm_compact_memory(m), 0);
	blocks = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	/* the freed half comes together, but for the pageblocks where the scanners met */
	assert_true((blocks - before) * 512 + 1024 >= freed);
	assert_true(blocks > before + freed / 1024);
	check_contents(m, o, n);
	assert_int_equal(pmm_check(m), 0);
	put_all(m, o, n);
	pmm_shutdown(m);
	free(o);
}


/*
 * The free scanner's stride (isolate_freepages()): a pageblock that gives
 * nothing doubles the stride the next one is sampled with, up to 32. Here
 * the top four pageblocks are full of folios (strides 1, 2, 4, 8: 960 pages
 * scanned) and the twelve below have folios at one pfn parity and free
 * pages at the other. Free pages at odd pfns: pageblock 11 sampled every
 * 16th pfn (32 samples), 10 down to 1 every 32nd (16 each): nothing found,
 * 1152 scanned in all, the first 32 folios isolated fail (-ENOMEM; the
 * kernel counts the one that hit it) and the scanners meet: nothing moves.
 * Free pages at even pfns: the samples land on them and compaction moves
 * folios. This is why the kernel's compaction frees nothing when the freed
 * pages are the odd ones (fixtures/linux-frag).
 */
static void stride_case(int free_parity, unsigned long *migrated, unsigned long *failed,
			unsigned long *free_scanned)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_PCP,
				      .migrate_page = on_migrate, .migrate_page_arg = o };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_zone *zone;
	unsigned long i, n = 0, pfn;
	struct pmm_page **all = calloc(8192 + 1, sizeof(*all));

	assert_non_null(o);
	assert_non_null(all);
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 16 * M, 48 * M, 0, 0), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	/* every page a folio, the owner's index in private (the first 4096 tracked) */
	while ((all[n] = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN |
					 __PMM_GFP_MEMALLOC | __PMM_GFP_NORETRY, 0))) {
		pfn = pmm_page_to_pfn(m, all[n]);
		pmm_set_page_private(all[n], pfn - 0x1000);
		pmm_page_set_flag(all[n], PMM_PG_swapbacked);
		assert_int_equal(pmm_folio_add_lru(m, (struct pmm_folio *)all[n]), 0);
		if (pfn - 0x1000 < 4096)
			o->page[pfn - 0x1000] = all[n];
		n++;
	}
	assert_int_equal(n, 8192);
	/* pageblocks 0-11 (pfns 0x1000-0x27ff): the pages of one parity go */
	for (i = 0; i < n; i++) {
		pfn = pmm_page_to_pfn(m, all[i]);
		if (pfn < 0x2800 && (int)(pfn & 1) == free_parity) {
			if (pfn - 0x1000 < 4096)
				o->page[pfn - 0x1000] = NULL;
			pmm_folio_put(m, (struct pmm_folio *)all[i]);
			all[i] = NULL;
		}
	}
	assert_int_equal(pmm_zone_free_pages(zone), 12 * 256);
	assert_int_equal(pmm_compact_memory(m), 0);
	*migrated = pmm_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS);
	*failed = pmm_zone_event(m, zone, PMM_PGMIGRATE_FAIL);
	*free_scanned = pmm_zone_event(m, zone, PMM_COMPACT_FREE_SCANNED);
	assert_int_equal(pmm_check(m), 0);
	for (i = 0; i < 4096; i++)
		if (o->page[i])
			pmm_folio_put(m, (struct pmm_folio *)o->page[i]);
	for (i = 0; i < n; i++)	/* the folios above the tracked ones never moved */
		if (all[i] && pmm_page_to_pfn(m, all[i]) >= 0x2000)
			pmm_folio_put(m, (struct pmm_folio *)all[i]);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(all);
	free(o);
}

static void test_free_scanner_stride(void **state)
{
	unsigned long migrated, failed, scanned;

	(void)state;
	stride_case(1, &migrated, &failed, &scanned);
	assert_int_equal(migrated, 0);
	assert_int_equal(failed, 1);
	assert_int_equal(scanned, 512 + 256 + 128 + 64 + 32 + 10 * 16);
	stride_case(0, &migrated, &failed, &scanned);
	assert_true(migrated > 1000);
	assert_true(failed <= 1);	/* where the free pages ran out, if they did */
}

/*
 * Direct compaction in the allocator's slow path: on the fragmented zone
 * of test_fragmented_zone(), 2 MiB allocations (as hugetlb makes them) get
 * more blocks than were free, each compaction counted as a stall and a
 * success; contents intact. Without __GFP_DIRECT_RECLAIM, or with
 * vm.extfrag_threshold at 1000 (compaction_suitable() refuses every costly
 * order), only the blocks already free.
 */
static unsigned long huge_pages_after_fragmenting(int mode, unsigned long *before,
						  unsigned long *stalls, unsigned long *successes,
						  unsigned long *counted)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_page *huge[64];
	struct pmm_machine *m;
	struct pmm_zone *zone;
	unsigned long i, n = 0, got = 0;
	pmm_gfp_t gfp = PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_COMP | __PMM_GFP_RETRY_MAYFAIL |
			__PMM_GFP_NOWARN | __PMM_GFP_THISNODE;

	assert_non_null(o);
	m = boot_small(32, 0, 0, o);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	n = fragment(m, o, zone);
	*before = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	if (mode == 1)
		gfp &= ~__PMM_GFP_DIRECT_RECLAIM;
	if (mode == 2) {
		long v = 1000;

		assert_int_equal(pmm_sysctl_write(m, "vm.extfrag_threshold", &v, 1), 0);
	}
	*counted = pmm_zone_event(m, zone, PMM_PGALLOC);
	while (got < 64 && (huge[got] = pmm_alloc_pages_node(m, 0, gfp, 9)))
		got++;
	*counted = (pmm_zone_event(m, zone, PMM_PGALLOC) - *counted) / 512;
	*stalls = pmm_zone_event(m, zone, PMM_COMPACT_STALL);
	*successes = pmm_zone_event(m, zone, PMM_COMPACT_SUCCESS);
	check_contents(m, o, n);
	assert_int_equal(pmm_check(m), 0);
	for (i = 0; i < got; i++)
		pmm_free_pages(m, huge[i], 9);
	put_all(m, o, n);
	pmm_shutdown(m);
	free(o);
	return got;
}

static void test_direct_compaction(void **state)
{
	unsigned long before, stalls, successes, got, counted;

	(void)state;
	got = huge_pages_after_fragmenting(0, &before, &stalls, &successes, &counted);
	assert_true(got > before);
	assert_true(stalls > 0);
	assert_true(successes > 0);
	assert_true(successes <= stalls);
	/* compaction_capture(): the block a compaction frees is handed to its
	 * allocation, which the kernel then does not count as a PGALLOC; the
	 * blocks that were free before are counted */
	assert_true(counted < got);
	assert_true(counted >= got - successes);
	got = huge_pages_after_fragmenting(1, &before, &stalls, &successes, &counted);
	assert_int_equal(got, before);
	assert_int_equal(stalls, 0);
	assert_int_equal(counted, got);
	got = huge_pages_after_fragmenting(2, &before, &stalls, &successes, &counted);
	assert_int_equal(got, before);
	assert_int_equal(stalls, 0);
}

/*
 * kcompactd's proactive compaction on the simulated clock: 16 MiB filled
 * with folios up to the high watermark, every other one put back, scores above the high mark (100 -
 * proactiveness + 10 = 90, the unusable free space index at order 9 in
 * percent); nothing happens for 499 ms, at 500 ms kcompactd compacts the
 * zone until the score is at most 80 (or the scanners meet). With
 * vm.compaction_proactiveness at 0 the timer does not run.
 */
static void proactive_case(long proactiveness, unsigned long *scanned_early,
			   unsigned long *scanned, unsigned int *score_before, unsigned int *score_after)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	struct pmm_zone *zone;
	unsigned long n;

	assert_non_null(o);
	m = boot_small(16, 0, 0, o);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	assert_int_equal(pmm_sysctl_write(m, "vm.compaction_proactiveness", &proactiveness, 1), 0);
	n = fragment(m, o, zone);
	*score_before = (unsigned int)pmm_unusable_free_index(zone, 9) / 10;
	pmm_clock_advance(m, 499ULL * 1000 * 1000);
	*scanned_early = pmm_zone_event(m, zone, PMM_KCOMPACTD_MIGRATE_SCANNED);
	pmm_clock_advance(m, 1ULL * 1000 * 1000);
	assert_int_equal(pmm_clock_now(m), 500ULL * 1000 * 1000);
	*scanned = pmm_zone_event(m, zone, PMM_KCOMPACTD_MIGRATE_SCANNED);
	*score_after = (unsigned int)pmm_unusable_free_index(zone, 9) / 10;
	check_contents(m, o, n);
	assert_int_equal(pmm_check(m), 0);
	put_all(m, o, n);
	pmm_shutdown(m);
	free(o);
}

static void test_proactive_compaction(void **state)
{
	unsigned long early, scanned;
	unsigned int before, after;

	(void)state;
	proactive_case(20, &early, &scanned, &before, &after);
	assert_true(before > 90);
	assert_int_equal(early, 0);
	assert_true(scanned > 0);
	assert_true(after < before);
	proactive_case(0, &early, &scanned, &before, &after);
	assert_true(before > 90);
	assert_int_equal(scanned, 0);
	assert_int_equal(after, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_by_hand),
		cmocka_unit_test(test_large_folios),
		cmocka_unit_test(test_fragmented_zone),
		cmocka_unit_test(test_free_scanner_stride),
		cmocka_unit_test(test_direct_compaction),
		cmocka_unit_test(test_proactive_compaction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

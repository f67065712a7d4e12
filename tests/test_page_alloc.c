// SPDX-License-Identifier: MIT
/*
 * The page allocator: buddy split and merge, migratetype fallback and
 * pageblock stealing, gfp zone choice, zonelist fallback across nodes,
 * memory policies, folios, bad frees, per-CPU lists, fragmentation
 * indices, and a multi-threaded stress test. Expected free lists and
 * choices are worked out by hand from mm/page_alloc.c (kernel 6.1).
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pmm_test.h"
#include "internal.h"

#define M16	(16ULL << 20)

struct bad_log {
	int		n;
	unsigned long	pfn;
	char		reason[128];
};

static void on_bad(void *arg, const struct pmm_page *page, unsigned long pfn, const char *reason)
{
	struct bad_log *l = arg;

	(void)page;
	l->n++;
	l->pfn = pfn;
	snprintf(l->reason, sizeof(l->reason), "%s", reason);
}

static struct pmm_machine *boot(struct pmm_machine_desc *d, unsigned int flags, struct bad_log *log)
{
	struct pmm_boot_opts opts = { .flags = flags | PMM_BOOT_NO_BIND, .on_bad_page = on_bad,
				      .on_bad_page_arg = log };
	struct pmm_machine *m;

	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

static struct pmm_zone *zone_of(struct pmm_machine *m, int nid, enum pmm_zone_type z)
{
	return &pmm_node_data(m, nid)->node_zones[z];
}

static unsigned long pfn_of(struct pmm_machine *m, struct pmm_page *p)
{
	return pmm_page_to_pfn(m, p);
}

/* The first block on a free list, or ~0. */
static unsigned long first_free_pfn(struct pmm_machine *m, struct pmm_zone *z, unsigned int o,
				    int mt)
{
	struct pmm_list_head *h = &z->free_area[o].free_list[mt];

	if (h->next == h)
		return ~0UL;
	return pmm_page_to_pfn(m, (struct pmm_page *)((char *)h->next -
						      offsetof(struct pmm_page, buddy_list)));
}

/* ---- buddy split and merge --------------------------------------------------------------- */

/* 64 MiB of DMA32 at 16 MiB: sixteen order-10 blocks, pfns 0x1000 .. 0x5000 */
static struct pmm_machine_desc *desc_dma32_64m(void)
{
	return pmm_test_desc_simple("x86_64", M16, 5 * M16);
}

static void test_split_and_merge(void **state)
{
	struct bad_log log = { 0 };
	struct pmm_machine *m = boot(desc_dma32_64m(), PMM_BOOT_NO_PCP, &log);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_page *p, *q;
	unsigned int o;

	assert_int_equal(z->managed_pages, 16384);
	assert_int_equal(z->free_area[10].nr_free, 16);
	for (o = 0; o < 10; o++)
		assert_int_equal(z->free_area[o].nr_free, 0);
	assert_int_equal(first_free_pfn(m, z, 10, PMM_MIGRATE_MOVABLE), 0x1000);

	/* order 0 from an order-10 block: one buddy of each order 0..9 remains */
	p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(pfn_of(m, p), 0x1000);
	assert_int_equal(pmm_page_ref_count(p), 1);
	assert_int_equal(z->free_area[10].nr_free, 15);
	for (o = 0; o < 10; o++) {
		assert_int_equal(z->free_area[o].nr_free, 1);
		assert_int_equal(first_free_pfn(m, z, o, PMM_MIGRATE_MOVABLE), 0x1000 + (1UL << o));
	}
	assert_int_equal(pmm_zone_free_pages(z), 16383);
	assert_int_equal(pmm_check(m), 0);

	/* order 3: the order-3 buddy at 0x1008; freeing 0x1000 cannot merge past it */
	q = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 3);
	assert_int_equal(pfn_of(m, q), 0x1008);
	assert_int_equal(z->free_area[3].nr_free, 0);
	pmm_free_pages(m, p, 0);
	/* 0x1000 merges with 0x1001, 0x1002, 0x1004 into an order-3 block, then stops */
	assert_int_equal(z->free_area[3].nr_free, 1);
	assert_int_equal(first_free_pfn(m, z, 3, PMM_MIGRATE_MOVABLE), 0x1000);
	assert_int_equal(z->free_area[0].nr_free, 0);
	assert_int_equal(z->free_area[2].nr_free, 0);
	/* freeing 0x1008 merges everything back into one order-10 block */
	pmm_free_pages(m, q, 3);
	assert_int_equal(z->free_area[10].nr_free, 16);
	for (o = 0; o < 10; o++)
		assert_int_equal(z->free_area[o].nr_free, 0);
	assert_int_equal(pmm_zone_free_pages(z), 16384);
	assert_int_equal(log.n, 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- migratetype fallback and pageblock stealing ---------------------------------------------- */

/* 2 MiB of DMA32 (one pageblock at pfn 0x1000) and 16 MiB of Normal, so that
 * mobility grouping is on (4608 pages >= 6 pageblocks) */
static struct pmm_machine_desc *desc_one_pageblock(void)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", M16, M16 + (2 << 20));
	long min_free_kbytes = 128;	/* the smallest: DMA32's min watermark is 3 pages */

	assert_int_equal(pmm_machine_desc_add_memory(d, 4 * SZ_1G, 4 * SZ_1G + M16, 0, 0), 0);
	assert_int_equal(pmm_machine_desc_set_sysctl(d, "vm.min_free_kbytes", &min_free_kbytes, 1), 0);
	return d;
}

static void test_fallback_and_stealing(void **state)
{
	struct bad_log log = { 0 };
	struct pmm_machine *m = boot(desc_one_pageblock(), PMM_BOOT_NO_PCP, &log);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_page *p, *big[5];
	unsigned int o;

	assert_false(m->page_group_by_mobility_disabled);
	assert_int_equal(z->free_area[9].nr_free, 1);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, 0x1000), PMM_MIGRATE_MOVABLE);

	/* 1. unmovable order 0: no unmovable page; the whole order-9 block is stolen
	 * (order >= pageblock_order): the pageblock becomes unmovable */
	p = pmm_alloc_pages(m, PMM_GFP_DMA32 | PMM_GFP_KERNEL, 0);
	assert_int_equal(pfn_of(m, p), 0x1000);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, 0x1000), PMM_MIGRATE_UNMOVABLE);
	for (o = 0; o < 9; o++)
		assert_int_equal(first_free_pfn(m, z, o, PMM_MIGRATE_UNMOVABLE), 0x1000 + (1UL << o));
	assert_int_equal(pmm_zone_event(m, z, PMM_PGALLOC_FALLBACK), 1);

	/* 2. take the unmovable blocks of orders 8..4: orders 0..3 remain (0x1001..0x100f) */
	for (o = 8; o >= 4; o--) {
		big[8 - o] = pmm_alloc_pages(m, PMM_GFP_DMA32 | PMM_GFP_KERNEL, o);
		assert_int_equal(pfn_of(m, big[8 - o]), 0x1000 + (1UL << o));
	}

	/* 3. movable order 0: orders 3..0 of unmovable are too small to steal from
	 * (can_steal_fallback() is false below pageblock_order / 2): find_smallest
	 * takes the order-0 page alone; the pageblock stays unmovable */
	p = pmm_alloc_pages(m, PMM_GFP_DMA32 | __PMM_GFP_MOVABLE | PMM_GFP_KERNEL, 0);
	assert_int_equal(pfn_of(m, p), 0x1001);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, 0x1000), PMM_MIGRATE_UNMOVABLE);
	assert_int_equal(first_free_pfn(m, z, 1, PMM_MIGRATE_UNMOVABLE), 0x1002);
	pmm_free_pages(m, p, 0);
	for (o = 4; o <= 8; o++)
		pmm_free_pages(m, big[8 - o], o);

	/* 4. movable order 0 again, with the order-8 block back: 8 >= pageblock_order / 2,
	 * so the whole block's free pages move and, being more than half of it,
	 * the pageblock turns movable */
	p = pmm_alloc_pages(m, PMM_GFP_DMA32 | __PMM_GFP_MOVABLE | PMM_GFP_KERNEL, 0);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, 0x1000), PMM_MIGRATE_MOVABLE);
	for (o = 0; o < 9; o++)
		assert_int_equal(first_free_pfn(m, z, o, PMM_MIGRATE_UNMOVABLE), ~0UL);
	assert_int_equal(pfn_of(m, p), 0x1001);
	assert_int_equal(pmm_check(m), 0);
	assert_int_equal(log.n, 0);
	pmm_shutdown(m);
}

/* ---- gfp --------------------------------------------------------------------------------------------- */

static void test_gfp_zone(void **state)
{
	struct pmm_machine *x = boot(pmm_test_desc_x86_2node(), PMM_BOOT_NO_DIRECT_MAP, NULL);
	struct pmm_machine *i = boot(pmm_test_desc_simple("x86_32_pae", 0x1000, 2 * SZ_1G),
				     PMM_BOOT_NO_DIRECT_MAP, NULL);
	struct pmm_machine *r = boot(pmm_test_desc_simple("riscv64", 2 * SZ_1G, 4 * SZ_1G),
				     PMM_BOOT_NO_DIRECT_MAP, NULL);

	assert_int_equal(pmm_gfp_zone(x, PMM_GFP_KERNEL), PMM_ZONE_NORMAL);
	assert_int_equal(pmm_gfp_zone(x, PMM_GFP_USER), PMM_ZONE_NORMAL);
	assert_int_equal(pmm_gfp_zone(x, PMM_GFP_DMA), PMM_ZONE_DMA);
	assert_int_equal(pmm_gfp_zone(x, PMM_GFP_DMA32), PMM_ZONE_DMA32);
	assert_int_equal(pmm_gfp_zone(x, PMM_GFP_HIGHUSER), PMM_ZONE_NORMAL);	/* no HighMem */
	assert_int_equal(pmm_gfp_zone(x, PMM_GFP_HIGHUSER_MOVABLE), PMM_ZONE_MOVABLE);
	assert_int_equal(pmm_gfp_zone(x, __PMM_GFP_MOVABLE), PMM_ZONE_NORMAL);
	assert_int_equal(pmm_gfp_zone(x, __PMM_GFP_MOVABLE | __PMM_GFP_DMA32), PMM_ZONE_DMA32);
	assert_int_equal(pmm_gfp_zone(x, __PMM_GFP_DMA | __PMM_GFP_DMA32), -1);
	assert_int_equal(pmm_gfp_zone(x, __PMM_GFP_DMA | __PMM_GFP_HIGHMEM), -1);
	assert_int_equal(pmm_gfp_zone(i, PMM_GFP_HIGHUSER), PMM_ZONE_HIGHMEM);
	assert_int_equal(pmm_gfp_zone(i, PMM_GFP_DMA32), PMM_ZONE_NORMAL);	/* no DMA32 */
	assert_int_equal(pmm_gfp_zone(r, PMM_GFP_DMA), PMM_ZONE_NORMAL);	/* no DMA */
	assert_int_equal(pmm_gfp_migratetype(PMM_GFP_HIGHUSER_MOVABLE), PMM_MIGRATE_MOVABLE);
	assert_int_equal(pmm_gfp_migratetype(__PMM_GFP_RECLAIMABLE), PMM_MIGRATE_RECLAIMABLE);
	assert_int_equal(pmm_gfp_migratetype(PMM_GFP_KERNEL), PMM_MIGRATE_UNMOVABLE);
	/* invalid zone modifiers fail the allocation */
	assert_null(pmm_alloc_pages(x, __PMM_GFP_DMA | __PMM_GFP_DMA32 | __PMM_GFP_NOWARN, 0));
	assert_null(pmm_alloc_pages(x, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 11));
	pmm_shutdown(x);
	pmm_shutdown(i);
	pmm_shutdown(r);
}

/* pages land in the zone gfp asks for, and HighMem ones on 32-bit */
/* names as the kernel prints them, to the values of include/linux/gfp_types.h */
static void test_gfp_parse(void **state)
{
	pmm_gfp_t gfp = 0x12345;

	(void)state;
	assert_int_equal(pmm_gfp_parse("GFP_KERNEL", &gfp), 0);
	assert_int_equal(gfp, 0xcc0);
	assert_int_equal(pmm_gfp_parse("GFP_HIGHUSER_MOVABLE|__GFP_COMP", &gfp), 0);
	assert_int_equal(gfp, 0x140cca);
	assert_int_equal(pmm_gfp_parse(" GFP_NOWAIT | __GFP_NOWARN ", &gfp), 0);
	assert_int_equal(gfp, 0x2800);
	assert_int_equal(pmm_gfp_parse("GFP_KERNEL_ACCOUNT|__GFP_ACCOUNT", &gfp), 0);
	assert_int_equal(gfp, 0xcc0);	/* accounting is not modelled */
	assert_int_equal(pmm_gfp_parse("none", &gfp), 0);
	assert_int_equal(gfp, 0);
	gfp = 7;
	assert_int_equal(pmm_gfp_parse("", &gfp), -EINVAL);
	assert_int_equal(pmm_gfp_parse("GFP_KERNEL|", &gfp), -EINVAL);
	assert_int_equal(pmm_gfp_parse("|GFP_KERNEL", &gfp), -EINVAL);
	assert_int_equal(pmm_gfp_parse("GFP_KERNEL||__GFP_ZERO", &gfp), -EINVAL);
	assert_int_equal(pmm_gfp_parse("GFP_KERNAL", &gfp), -EINVAL);
	assert_int_equal(pmm_gfp_parse("none|GFP_KERNEL", &gfp), -EINVAL);
	assert_int_equal(pmm_gfp_parse(NULL, &gfp), -EINVAL);
	assert_int_equal(gfp, 7);	/* untouched on error */
}

static void test_gfp_allocations(void **state)
{
	static const struct {
		pmm_gfp_t gfp;
		enum pmm_zone_type zone;
	} cases[] = {
		{ PMM_GFP_DMA | PMM_GFP_KERNEL, PMM_ZONE_DMA },
		{ PMM_GFP_DMA32 | PMM_GFP_KERNEL, PMM_ZONE_DMA32 },
		{ PMM_GFP_KERNEL, PMM_ZONE_NORMAL },
		{ PMM_GFP_HIGHUSER_MOVABLE, PMM_ZONE_NORMAL },	/* no ZONE_MOVABLE here */
	};
	struct pmm_machine *m = boot(pmm_test_desc_x86_2node(), 0, NULL);
	struct pmm_machine *i = boot(pmm_test_desc_simple("x86_32_pae", 0x1000, 2 * SZ_1G), 0, NULL);
	struct pmm_page *p;
	size_t c;

	assert_int_equal(pmm_set_cpu(m, 0), 0);
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		p = pmm_alloc_pages(m, cases[c].gfp, 0);
		assert_non_null(p);
		assert_int_equal(pmm_page_zonenum(p), cases[c].zone);
		assert_int_equal(pmm_page_to_nid(p), 0);
		pmm_free_pages(m, p, 0);
	}
	p = pmm_alloc_pages(i, PMM_GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(pmm_page_zonenum(p), PMM_ZONE_HIGHMEM);
	pmm_free_pages(i, p, 0);
	p = pmm_alloc_pages(i, PMM_GFP_KERNEL, 0);
	assert_int_equal(pmm_page_zonenum(p), PMM_ZONE_NORMAL);
	pmm_free_pages(i, p, 0);
	assert_int_equal(pmm_check(m), 0);
	assert_int_equal(pmm_check(i), 0);
	pmm_shutdown(m);
	pmm_shutdown(i);
}

/* __GFP_ZERO clears the real memory behind the page */
static void test_gfp_zero(void **state)
{
	struct pmm_machine *m = boot(desc_dma32_64m(), 0, NULL);
	struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 1);
	unsigned char *mem = pmm_page_address(m, p);
	struct pmm_page *q;

	memset(mem, 0xee, 8192);
	pmm_free_pages(m, p, 1);
	q = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_ZERO, 1);
	assert_ptr_equal(q, p);	/* the per-CPU list gives the same block back */
	mem = pmm_page_address(m, q);
	assert_int_equal(mem[0], 0);
	assert_int_equal(mem[8191], 0);
	pmm_free_pages(m, q, 1);
	pmm_shutdown(m);
}

/* ---- zonelists across nodes ---------------------------------------------------------------------- */

/* fixtures/linux/x86_64-4node-1G-3G-0-2G-dist: node 2 (CPUs, no memory) falls back
 * "3 1 0". Exhausting memory from node 2 visits the nodes in that order down to
 * their low watermarks, then again in that order down to their min watermarks
 * (the slow path; pmm has no reclaim). */
static void test_zonelist_fallback_order(void **state)
{
	char path[1024], err[256];
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_page **pages;
	static const int order[3] = { 3, 1, 0 };
	int seq[16], nr_seq = 0, cpu, k;
	unsigned long n = 0, i;

	pmm_test_fmt(path, sizeof(path), "%s/x86_64-4node-1G-3G-0-2G-dist/machine.json",
		     PMM_FIXTURES_DIR);
	assert_int_equal(pmm_machine_desc_from_json(path, &d, err, sizeof(err)), 0);
	m = boot(d, PMM_BOOT_NO_DIRECT_MAP, NULL);
	cpu = pmm_cpumask_next(-1, &m->node_cpus[2]);
	assert_int_equal(pmm_set_cpu(m, cpu), 0);
	assert_int_equal(pmm_numa_node_id(m), 2);
	pages = calloc(8192, sizeof(*pages));
	assert_non_null(pages);
	for (;;) {
		struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 9);
		int nid;

		if (!p)
			break;
		pages[n++] = p;
		nid = pmm_page_to_nid(p);
		if (!nr_seq || seq[nr_seq - 1] != nid)
			seq[nr_seq++] = nid;
		assert_true(nr_seq <= 6);
	}
	assert_true(nr_seq >= 3);
	for (k = 0; k < nr_seq; k++)
		assert_int_equal(seq[k], order[k % 3]);
	/* the allocation stopped at watermarks, not with memory exhausted */
	assert_true(pmm_zone_free_pages(zone_of(m, 3, PMM_ZONE_NORMAL)) > 0);
	/* zone_statistics(): node 3's Normal zone is the preferred zone; the thread's
	 * node is 2, so nothing is local */
	assert_true(pmm_zone_event(m, zone_of(m, 3, PMM_ZONE_NORMAL), PMM_NR_ZONE_EVENTS + PMM_NUMA_HIT));
	assert_true(pmm_zone_event(m, zone_of(m, 3, PMM_ZONE_NORMAL),
				   PMM_NR_ZONE_EVENTS + PMM_NUMA_FOREIGN));
	assert_true(pmm_zone_event(m, zone_of(m, 1, PMM_ZONE_NORMAL), PMM_NR_ZONE_EVENTS + PMM_NUMA_MISS));
	assert_int_equal(pmm_zone_event(m, zone_of(m, 3, PMM_ZONE_NORMAL),
					PMM_NR_ZONE_EVENTS + PMM_NUMA_LOCAL), 0);
	assert_true(pmm_zone_event(m, zone_of(m, 3, PMM_ZONE_NORMAL), PMM_NR_ZONE_EVENTS + PMM_NUMA_OTHER));
	for (i = 0; i < n; i++)
		pmm_free_pages(m, pages[i], 9);
	free(pages);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- memory policies ------------------------------------------------------------------------------- */

static int alloc_nid(struct pmm_machine *m, const struct pmm_mempolicy *pol)
{
	struct pmm_page *p = pmm_alloc_pages_mpol(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN, 0,
						  pol);
	int nid;

	if (!p)
		return -1;
	nid = pmm_page_to_nid(p);
	pmm_free_pages(m, p, 0);
	return nid;
}

static void test_mempolicies(void **state)
{
	struct pmm_machine *m = boot(pmm_test_desc_x86_2node(), PMM_BOOT_NO_DIRECT_MAP, NULL);
	struct pmm_mempolicy pol = { 0 }, got;
	struct pmm_page *p;
	int i, seq[8];

	/* default and local: the node of the thread's CPU */
	assert_int_equal(pmm_set_cpu(m, 1), 0);
	assert_int_equal(alloc_nid(m, NULL), 1);
	assert_int_equal(pmm_set_cpu(m, 0), 0);
	assert_int_equal(alloc_nid(m, NULL), 0);
	pol.mode = PMM_MPOL_LOCAL;
	assert_int_equal(alloc_nid(m, &pol), 0);

	/* preferred: starts at its node */
	pol.mode = PMM_MPOL_PREFERRED;
	pmm_nodelist_parse("1", &pol.nodes);
	assert_int_equal(alloc_nid(m, &pol), 1);

	/* bind: only its nodes, from the local node's zonelist */
	pol.mode = PMM_MPOL_BIND;
	assert_int_equal(alloc_nid(m, &pol), 1);

	/* interleave: round robin, counted as numa_interleave */
	pol.mode = PMM_MPOL_INTERLEAVE;
	pmm_nodelist_parse("0-1", &pol.nodes);
	assert_int_equal(pmm_set_mempolicy(m, &pol), 0);
	for (i = 0; i < 4; i++)
		seq[i] = alloc_nid(m, NULL);
	assert_int_equal(seq[0], 0);
	assert_int_equal(seq[1], 1);
	assert_int_equal(seq[2], 0);
	assert_int_equal(seq[3], 1);
	assert_int_equal(pmm_zone_event(m, zone_of(m, 1, PMM_ZONE_NORMAL),
					PMM_NR_ZONE_EVENTS + PMM_NUMA_INTERLEAVE), 2);
	assert_int_equal(pmm_get_mempolicy(m, &got), 0);
	assert_int_equal(got.mode, PMM_MPOL_INTERLEAVE);

	/* weighted interleave 3:1 */
	pol.mode = PMM_MPOL_WEIGHTED_INTERLEAVE;
	assert_int_equal(pmm_set_il_weight(m, 0, 3), 0);
	assert_int_equal(pmm_set_mempolicy(m, &pol), 0);
	for (i = 0; i < 8; i++)
		seq[i] = alloc_nid(m, NULL);
	for (i = 0; i < 8; i++)
		assert_int_equal(seq[i], i % 4 == 3 ? 1 : 0);

	/* preferred-many: its nodes first, then anywhere */
	pol.mode = PMM_MPOL_PREFERRED_MANY;
	pmm_nodelist_parse("1", &pol.nodes);
	assert_int_equal(pmm_set_mempolicy(m, &pol), 0);
	assert_int_equal(alloc_nid(m, NULL), 1);

	/* bad policies */
	pol.mode = PMM_MPOL_BIND;
	pmm_nodes_clear(&pol.nodes);
	assert_int_equal(pmm_set_mempolicy(m, &pol), -EINVAL);
	pmm_node_set(7, &pol.nodes);	/* a node without memory */
	assert_int_equal(pmm_set_mempolicy(m, &pol), -EINVAL);
	pol.mode = (enum pmm_mpol_mode)42;
	assert_int_equal(pmm_set_mempolicy(m, &pol), -EINVAL);
	assert_int_equal(pmm_set_il_weight(m, 0, 0), -EINVAL);
	assert_int_equal(pmm_set_mempolicy(m, NULL), 0);
	assert_int_equal(alloc_nid(m, NULL), 0);

	/* bind to node 1 until it runs dry: no fallback to node 0; preferred-many falls back */
	pol.mode = PMM_MPOL_BIND;
	pmm_nodelist_parse("1", &pol.nodes);
	while ((p = pmm_alloc_pages_mpol(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 10, &pol)))
		assert_int_equal(pmm_page_to_nid(p), 1);
	pol.mode = PMM_MPOL_PREFERRED_MANY;
	p = pmm_alloc_pages_mpol(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 10, &pol);
	assert_non_null(p);
	assert_int_equal(pmm_page_to_nid(p), 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- cpusets and __GFP_HARDWALL ----------------------------------------------------------------------- */

static void *other_thread_nid(void *arg)
{
	struct pmm_machine *m = arg;
	struct pmm_page *p;
	long nid;

	/* a thread of its own: the root cpuset, its CPU on node 0 */
	pmm_set_cpu(m, 0);
	p = pmm_alloc_pages(m, PMM_GFP_USER, 0);
	nid = p ? pmm_page_to_nid(p) : -1;
	if (p)
		pmm_free_pages(m, p, 0);
	return (void *)nid;
}

/* __cpuset_zone_allowed(): the fast path keeps to the cpuset; the slow path
 * only for __GFP_HARDWALL; atomic __GFP_HIGH requests ignore it */
static void test_cpusets(void **state)
{
	struct pmm_machine *m = boot(pmm_test_desc_x86_2node(), PMM_BOOT_NO_DIRECT_MAP, NULL);
	pmm_nodemask_t one, zero, got, bad;
	struct pmm_mempolicy pol = { 0 };
	struct pmm_page *p, *held = NULL;
	pthread_t t;
	void *nid;

	pmm_nodelist_parse("1", &one);
	pmm_nodelist_parse("0", &zero);
	assert_int_equal(pmm_set_cpu(m, 0), 0);
	assert_int_equal(pmm_get_mems_allowed(m, &got), 0);
	assert_true(pmm_nodes_equal(&got, pmm_node_states(m, PMM_N_MEMORY)));

	/* bad masks */
	pmm_nodes_clear(&bad);
	assert_int_equal(pmm_set_mems_allowed(m, &bad), -EINVAL);
	pmm_node_set(7, &bad);	/* no memory there */
	assert_int_equal(pmm_set_mems_allowed(m, &bad), -EINVAL);

	/* CPU on node 0, cpuset {1}: local allocations go to node 1 */
	assert_int_equal(pmm_set_mems_allowed(m, &one), 0);
	assert_int_equal(pmm_get_mems_allowed(m, &got), 0);
	assert_true(pmm_nodes_equal(&got, &one));
	assert_int_equal(alloc_nid(m, NULL), 1);
	assert_int_equal(pmm_alloc_pages_node(m, 0, PMM_GFP_KERNEL, 0) != NULL, 1);

	/* an explicit nodemask outside the cpuset: refused for a hardwall request,
	 * allowed in the slow path otherwise */
	assert_null(pmm_alloc_pages_nodemask(m, PMM_GFP_USER | __PMM_GFP_NOWARN, 0,
					     PMM_NUMA_NO_NODE, &zero));
	p = pmm_alloc_pages_nodemask(m, PMM_GFP_KERNEL, 0, PMM_NUMA_NO_NODE, &zero);
	assert_non_null(p);
	assert_int_equal(pmm_page_to_nid(p), 0);
	pmm_free_pages(m, p, 0);

	/* policies are limited to the cpuset */
	pol.mode = PMM_MPOL_BIND;
	pmm_nodelist_parse("0-1", &pol.nodes);
	assert_int_equal(pmm_set_mempolicy(m, &pol), 0);
	assert_int_equal(pmm_get_mempolicy(m, &pol), 0);
	assert_true(pmm_nodes_equal(&pol.nodes, &one));
	pol.mode = PMM_MPOL_BIND;
	pol.nodes = zero;
	assert_int_equal(pmm_set_mempolicy(m, &pol), -EINVAL);
	assert_int_equal(pmm_set_mempolicy(m, NULL), 0);

	/* run node 1 dry with hardwalled requests: never node 0 */
	while ((p = pmm_alloc_pages(m, PMM_GFP_USER | __PMM_GFP_NOWARN, 9))) {
		assert_int_equal(pmm_page_to_nid(p), 1);
		p->lru.next = (struct pmm_list_head *)held;
		held = p;
	}
	/* GFP_KERNEL escapes to the root cpuset in the slow path, as does GFP_ATOMIC */
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 9);
	assert_non_null(p);
	assert_int_equal(pmm_page_to_nid(p), 0);
	pmm_free_pages(m, p, 9);
	p = pmm_alloc_pages(m, PMM_GFP_ATOMIC, 0);
	assert_non_null(p);
	pmm_free_pages(m, p, 0);

	/* other threads are not in this cpuset */
	assert_int_equal(pthread_create(&t, NULL, other_thread_nid, m), 0);
	pthread_join(t, &nid);
	assert_int_equal((long)nid, 0);

	/* back in the root cpuset: node 0 again */
	assert_int_equal(pmm_set_mems_allowed(m, NULL), 0);
	assert_int_equal(alloc_nid(m, NULL), 0);
	p = pmm_alloc_pages(m, PMM_GFP_USER, 9);
	assert_non_null(p);
	assert_int_equal(pmm_page_to_nid(p), 0);
	pmm_free_pages(m, p, 9);
	while (held) {
		p = held;
		held = (struct pmm_page *)p->lru.next;
		pmm_free_pages(m, p, 9);
	}
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- folios, reference counts, bulk ------------------------------------------------------------------- */

static void test_folios(void **state)
{
	struct bad_log log = { 0 };
	struct pmm_machine *m = boot(desc_dma32_64m(), 0, &log);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	unsigned long free_before = pmm_zone_free_pages(z);
	struct pmm_folio *f = pmm_folio_alloc(m, PMM_GFP_KERNEL, 4);
	struct pmm_page *pages[10] = { 0 };
	unsigned long i;

	assert_non_null(f);
	assert_true(pmm_folio_test_large(f));
	assert_int_equal(pmm_folio_order(f), 4);
	assert_int_equal(pmm_folio_nr_pages(f), 16);
	assert_ptr_equal(pmm_page_folio(pmm_folio_page(f, 9)), f);
	assert_int_equal(pmm_page_ref_count(&f->page), 1);
	/* references through any page count on the folio */
	pmm_get_page(pmm_folio_page(f, 3));
	assert_int_equal(pmm_page_ref_count(&f->page), 2);
	pmm_put_page(m, pmm_folio_page(f, 5));
	assert_int_equal(pmm_page_ref_count(&f->page), 1);
	assert_true(pmm_PageHead(&f->page));
	pmm_folio_put(m, f);
	/* freed: no compound marks remain, memory is back */
	assert_false(pmm_PageTail(pmm_pfn_to_page(m, 0x1001)));
	assert_int_equal(pmm_zone_free_pages(z), free_before);

	/* order-0 folios and get/put on plain pages */
	f = pmm_folio_alloc(m, PMM_GFP_KERNEL, 0);
	assert_false(pmm_folio_test_large(f));
	assert_int_equal(pmm_folio_nr_pages(f), 1);
	pmm_folio_put(m, f);

	assert_int_equal(pmm_alloc_pages_bulk(m, PMM_GFP_KERNEL, PMM_NUMA_NO_NODE, NULL, 10, pages), 10);
	for (i = 0; i < 10; i++) {
		assert_non_null(pages[i]);
		pmm_put_page(m, pages[i]);
	}
	pmm_drain_all_pages(m);
	assert_int_equal(pmm_zone_free_pages(z), free_before);
	assert_int_equal(log.n, 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- bulk allocation and free ------------------------------------------------------------------------ */

/*
 * alloc_pages_bulk(): NULL entries filled, others kept, pages prepared as
 * single allocations are, PGALLOC counted once per page; free_pages_bulk():
 * every page back, PGFREE counted, a bad entry reported and skipped, NULL
 * skipped; the zone ends as it began. With the per-CPU lists disabled
 * (offlining does that) or none at all, the same through the full allocator.
 */
static void check_bulk(struct pmm_machine *m, struct bad_log *log)
{
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_page *pages[100] = { NULL }, *keep, *again[3];
	unsigned long free_before, alloc_before, pgfree_before;
	int i;

	pmm_drain_all_pages(m);
	free_before = pmm_zone_free_pages(z);
	alloc_before = pmm_zone_event(m, z, PMM_PGALLOC);
	pgfree_before = pmm_zone_event(m, z, PMM_PGFREE);
	keep = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	pages[7] = keep;
	assert_int_equal(pmm_alloc_pages_bulk(m, PMM_GFP_KERNEL | __PMM_GFP_MOVABLE | __PMM_GFP_ZERO,
					      PMM_NUMA_NO_NODE, NULL, 100, pages), 100);
	assert_ptr_equal(pages[7], keep);
	for (i = 0; i < 100; i++) {
		int j;

		assert_true(pmm_page_in_machine(m, pages[i]));
		assert_int_equal(pmm_page_ref_count(pages[i]), 1);
		assert_false(pmm_PageBuddy(pages[i]) || pmm_PagePcp(pages[i]));
		if (i != 7)
			assert_true(pmm_page_test_flag(pages[i], PMM_PG_movable));
		for (j = 0; j < i; j++)
			assert_ptr_not_equal(pages[i], pages[j]);
	}
	assert_int_equal(pmm_zone_event(m, z, PMM_PGALLOC) - alloc_before, 100);
	assert_int_equal(pmm_check(m), 0);

	/* a NULL entry, and keep's second free: reported once, the rest freed */
	again[0] = NULL;
	again[1] = keep;
	again[2] = NULL;
	pmm_free_pages_bulk(m, 1, &keep);	/* keep's real free */
	pmm_free_pages(m, pages[49], 0);	/* one freed singly, its entry cleared */
	pages[49] = NULL;
	log->n = 0;
	pmm_free_pages_bulk(m, 3, again);	/* keep again: a double free */
	assert_int_equal(log->n, 1);
	assert_int_equal(log->pfn, pmm_page_to_pfn(m, keep));	/* on a per-CPU list: refcount 0 */
	pages[7] = NULL;
	pmm_free_pages_bulk(m, 100, pages);
	assert_int_equal(log->n, 1);
	pmm_drain_all_pages(m);
	assert_int_equal(pmm_zone_free_pages(z), free_before);
	assert_int_equal(pmm_zone_event(m, z, PMM_PGFREE) - pgfree_before, 100);
	assert_int_equal(pmm_check(m), 0);
}

static void test_bulk(void **state)
{
	struct bad_log log = { 0 };
	struct pmm_machine *m = boot(desc_dma32_64m(), 0, &log);

	(void)state;
	check_bulk(m, &log);
	pmm__zone_pcp_disable(m, zone_of(m, 0, PMM_ZONE_DMA32));
	check_bulk(m, &log);
	pmm__zone_pcp_enable(zone_of(m, 0, PMM_ZONE_DMA32));
	pmm_shutdown(m);
	m = boot(desc_dma32_64m(), PMM_BOOT_NO_PCP, &log);
	check_bulk(m, &log);
	pmm_shutdown(m);
}

/* ---- bad frees --------------------------------------------------------------------------------------- */

static void test_bad_frees(void **state)
{
	struct bad_log log = { 0 };
	struct pmm_machine_desc *d = desc_dma32_64m();
	struct pmm_machine *m;
	struct pmm_zone *z;
	struct pmm_page *p;
	struct pmm_folio *f;
	unsigned long free_pages;

	assert_int_equal(pmm_machine_desc_add_reserved(d, M16, M16 + 4096), 0);
	m = boot(d, PMM_BOOT_NO_PCP, &log);
	z = zone_of(m, 0, PMM_ZONE_DMA32);

	/* double free */
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	pmm_free_pages(m, p, 0);
	free_pages = pmm_zone_free_pages(z);
	pmm_free_pages(m, p, 0);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.pfn, pfn_of(m, p));
	assert_non_null(strstr(log.reason, "double free"));
	assert_int_equal(pmm_zone_free_pages(z), free_pages);
	assert_int_equal(pmm_check(m), 0);

	/* a reserved page */
	pmm_free_pages(m, pmm_pfn_to_page(m, 0x1000), 0);
	assert_int_equal(log.n, 2);
	assert_non_null(strstr(log.reason, "reserved"));

	/* wrong orders: a folio freed with another order; a page freed as a bigger block */
	f = pmm_folio_alloc(m, PMM_GFP_KERNEL, 2);
	pmm_free_pages(m, &f->page, 3);
	assert_int_equal(log.n, 3);
	assert_non_null(strstr(log.reason, "wrong order"));
	pmm_free_pages(m, &f->page, 2);	/* the right order works */
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	pmm_free_pages(m, p, 3);
	assert_int_equal(log.n, 4);
	assert_non_null(strstr(log.reason, "wrong order"));
	pmm_free_pages(m, p, 0);
	/* put_page on a free page; a tail page */
	pmm_put_page(m, p);
	assert_int_equal(log.n, 5);
	f = pmm_folio_alloc(m, PMM_GFP_KERNEL, 1);
	pmm_free_pages(m, pmm_folio_page(f, 1), 0);
	assert_int_equal(log.n, 6);
	assert_non_null(strstr(log.reason, "tail"));
	pmm_folio_put(m, f);
	assert_int_equal(log.n, 6);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/*
 * 6.1's __free_one_page() merges buddies of different mergeable pageblock
 * types into one block, on the list of the page being freed (found by
 * fuzz_api: pmm_check() used to call that corrupt).
 */
static void test_merge_across_pageblock_types(void **state)
{
	struct pmm_machine *m = boot(desc_dma32_64m(), PMM_BOOT_NO_PCP, NULL);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_page *lo, *hi;
	unsigned long x;

	(void)state;
	lo = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 9);
	hi = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 9);
	x = pfn_of(m, lo);
	assert_int_equal(x & 1023, 0);
	assert_int_equal(pfn_of(m, hi), x + 512);	/* the other half of the same block */
	pmm__set_pageblock_migratetype(m, z, x, PMM_MIGRATE_UNMOVABLE);
	pmm_free_pages(m, lo, 9);	/* no buddy yet: order 9 on the unmovable list */
	assert_int_equal(first_free_pfn(m, z, 9, PMM_MIGRATE_UNMOVABLE), x);
	pmm_free_pages(m, hi, 9);	/* merges: order 10 on the movable list */
	assert_int_equal(first_free_pfn(m, z, 10, PMM_MIGRATE_MOVABLE), x);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, x), PMM_MIGRATE_UNMOVABLE);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/*
 * Frees whose order covers pages on a per-CPU list: such a page has
 * _refcount 0 and is not PageBuddy, so only pmm's per-CPU mark tells it from
 * a page of the block being freed. Each is refused, the machine unchanged.
 */
static void test_bad_frees_over_pcp(void **state)
{
	struct bad_log log = { 0 };
	struct pmm_machine *m = boot(desc_dma32_64m(), 0, &log);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_page *pages[64], *a = NULL;
	unsigned long free_pages, pcp_count, base;
	int i, k = -1;

	(void)state;
	assert_int_equal(pmm_set_cpu(m, 0), 0);
	for (i = 0; i < 64; i++)
		pages[i] = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	/* the per-CPU refill hands out consecutive pfns: find a 16-aligned run of 16 */
	for (i = 0; i + 16 <= 64 && k < 0; i++)
		if (!(pfn_of(m, pages[i]) & 15) && pfn_of(m, pages[i + 15]) == pfn_of(m, pages[i]) + 15)
			k = i;
	assert_true(k >= 0);
	a = pages[k];
	base = pfn_of(m, a);

	/* a + 1 onto the per-CPU list, then a freed as order 1: refused */
	pmm_free_pages(m, pages[k + 1], 0);
	pages[k + 1] = NULL;
	free_pages = pmm_zone_free_pages(z);
	pcp_count = (unsigned long)z->per_cpu_pageset[0].count;
	assert_int_equal(log.n, 0);
	pmm_free_pages(m, a, 1);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.pfn, base);
	assert_non_null(strstr(log.reason, "wrong order"));
	assert_int_equal(pmm_zone_free_pages(z), free_pages);
	assert_int_equal(z->per_cpu_pageset[0].count, pcp_count);
	assert_int_equal(pmm_page_ref_count(a), 1);
	assert_int_equal(pmm_check(m), 0);

	/* the rest of the 16 freed (some to the buddy lists), then a as order 4: refused */
	for (i = k + 2; i < k + 16; i++) {
		pmm_free_pages(m, pages[i], 0);
		pages[i] = NULL;
	}
	pmm_free_pages(m, a, 4);
	assert_int_equal(log.n, 2);
	assert_non_null(strstr(log.reason, "wrong order"));
	assert_int_equal(pmm_check(m), 0);
	pmm_free_pages(m, a, 0);	/* its own order works */
	pages[k] = NULL;
	assert_int_equal(log.n, 2);
	for (i = 0; i < 64; i++)
		pmm_free_pages(m, pages[i], 0);
	assert_int_equal(log.n, 2);
	assert_int_equal(pmm_check(m), 0);
	pmm_drain_all_pages(m);
	assert_int_equal(pmm_zone_free_pages(z), z->managed_pages);
	pmm_shutdown(m);
}

/* A page of machine B handed to machine A: refused, both unchanged. */
static void test_free_foreign_page(void **state)
{
	struct bad_log log_a = { 0 }, log_b = { 0 };
	struct pmm_machine_desc *db;
	struct pmm_machine *a, *b, *c;
	struct pmm_page *p;
	unsigned long free_a;

	(void)state;
	a = boot(desc_dma32_64m(), 0, &log_a);
	/* B: node 5 only, above A's whole address space */
	assert_int_equal(pmm_machine_desc_create("x86_64", &db), 0);
	assert_desc_ok(db, pmm_machine_desc_add_node(db, 5, "0"));
	assert_desc_ok(db, pmm_machine_desc_add_memory(db, 4 * SZ_1G, 4 * SZ_1G + 256 * SZ_1M, 5, 0));
	b = boot(db, 0, &log_b);
	p = pmm_alloc_pages(b, PMM_GFP_KERNEL, 0);
	assert_non_null(p);
	free_a = pmm_zone_free_pages(zone_of(a, 0, PMM_ZONE_DMA32));
	assert_false(pmm_page_in_machine(a, p));
	assert_true(pmm_page_in_machine(b, p));
	pmm_free_pages(a, p, 0);
	assert_int_equal(log_a.n, 1);
	assert_int_equal(log_a.pfn, ~0UL);
	assert_non_null(strstr(log_a.reason, "another machine"));
	pmm_put_page(a, p);
	assert_int_equal(log_a.n, 2);
	assert_int_equal(pmm_page_ref_count(p), 1);
	assert_int_equal(pmm_zone_free_pages(zone_of(a, 0, PMM_ZONE_DMA32)), free_a);
	assert_int_equal(pmm_check(a), 0);
	assert_int_equal(pmm_check(b), 0);
	pmm_free_pages(b, p, 0);
	assert_int_equal(log_b.n, 0);

	/* C: the same layout as A, so node ids and pfns match; still refused */
	c = boot(desc_dma32_64m(), 0, &log_b);
	p = pmm_alloc_pages(c, PMM_GFP_KERNEL, 0);
	assert_false(pmm_page_in_machine(a, p));
	pmm_free_pages(a, p, 0);
	assert_int_equal(log_a.n, 3);
	assert_non_null(strstr(log_a.reason, "another machine"));
	assert_int_equal(pmm_check(a), 0);
	pmm_free_pages(c, p, 0);
	assert_int_equal(pmm_check(c), 0);
	assert_int_equal(log_b.n, 0);
	pmm_shutdown(c);
	pmm_shutdown(b);
	pmm_shutdown(a);
}

/* pmm_check() on corrupted lists: reported, and the walk ends. */
static void test_check_terminates_on_corruption(void **state)
{
	static struct pmm_page stray[2];
	struct pmm_machine *m = boot(desc_dma32_64m(), PMM_BOOT_NO_PCP, NULL);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_list_head *h = &z->free_area[pmm_machine_arch(m)->max_page_order].free_list[PMM_MIGRATE_MOVABLE];
	struct pmm_list_head *first = h->next, *saved_next = first->next;

	(void)state;
	assert_ptr_not_equal(first, h);
	assert_int_equal(pmm_check(m), 0);
	first->next = first;		/* a cycle */
	assert_int_equal(pmm_check(m), -EUCLEAN);
	first->next = &stray[1].buddy_list;	/* a pointer to no page of the machine */
	assert_int_equal(pmm_check(m), -EUCLEAN);
	first->next = saved_next;
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- per-CPU lists ------------------------------------------------------------------------------------- */

static void test_pcp(void **state)
{
	struct pmm_machine *m = boot(pmm_test_desc_x86_2node(), PMM_BOOT_NO_DIRECT_MAP, NULL);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_NORMAL);
	struct pmm_per_cpu_pages *pcp = &z->per_cpu_pageset[0];
	unsigned long free_before = pmm_zone_free_pages(z);
	struct pmm_page *p;

	/* zone_batchsize(): 236092 managed pages -> 63 */
	assert_int_equal(z->pageset_batch, 63);
	assert_int_equal(pcp->batch, 63);
	assert_int_equal(pcp->high, z->pageset_high);
	assert_int_equal(pmm_set_cpu(m, 0), 0);
	/* the first order-0 allocation pulls a batch onto CPU 0's list */
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	assert_int_equal(pmm_page_zonenum(p), PMM_ZONE_NORMAL);
	assert_int_equal(pcp->count, 62);
	assert_int_equal(pmm_zone_free_pages(z), free_before - 63);
	pmm_free_pages(m, p, 0);
	assert_int_equal(pcp->count, 63);
	assert_int_equal(pmm_check(m), 0);
	pmm_drain_all_pages(m);
	assert_int_equal(pcp->count, 0);
	assert_int_equal(pmm_zone_free_pages(z), free_before);
	pmm_shutdown(m);
}


/*
 * The per-CPU lists of 6.7+ (free_unref_page_commit(), nr_pcp_high(),
 * nr_pcp_alloc()): refills above the high watermark raise pcp->high by a
 * batch each, up to high_max = managed / 8 / the node's CPUs; a long run of
 * frees then keeps the list between high_max and high_max less one flush,
 * a flush being the run of frees (free_count, at most batch << 5). 6.1
 * keeps its fixed high.
 */
static void pcp_fill_and_free(const char *kernel, int *count, int *high, int *high_max,
			      int *pageset_high)
{
	struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
	struct pmm_machine *m;
	struct pmm_zone *z;
	struct pmm_page **held = calloc(40000, sizeof(*held));
	unsigned long i, cpus;

	assert_non_null(held);
	assert_int_equal(pmm_machine_desc_set_kernel(d, kernel), 0);
	m = boot(d, PMM_BOOT_NO_DIRECT_MAP, NULL);
	z = zone_of(m, 0, PMM_ZONE_NORMAL);
	assert_int_equal(pmm_set_cpu(m, 0), 0);
	for (i = 0; i < 40000; i++)
		assert_non_null(held[i] = pmm_alloc_pages_node(m, 0, PMM_GFP_KERNEL, 0));
	for (i = 0; i < 40000; i++)
		pmm_free_pages(m, held[i], 0);
	cpus = (unsigned long)pmm_cpumask_weight(&m->node_cpus[0]);
	assert_int_equal(z->pageset_high_max, (int)(z->managed_pages / 8 / cpus));
	*count = z->per_cpu_pageset[0].count;
	*high = z->per_cpu_pageset[0].high;
	*high_max = z->pageset_high_max;
	*pageset_high = z->pageset_high;
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(held);
}

static void test_pcp_autotune(void **state)
{
	int count, high, high_max, pageset_high;

	(void)state;
	pcp_fill_and_free("6.12", &count, &high, &high_max, &pageset_high);
	assert_true(high_max > pageset_high);
	assert_int_equal(high, high_max);
	assert_true(count < high_max);
	assert_true(count >= high_max - (63 << 5) - 1);
	pcp_fill_and_free("6.1", &count, &high, &high_max, &pageset_high);
	assert_int_equal(high, pageset_high);
	assert_true(count < pageset_high);
}

/* ---- sysctls at run time -------------------------------------------------------------------- */

/*
 * vm.min_free_kbytes written on a running machine gives the watermarks
 * the kernel computed for that value: the frag fixtures' machine (45056 kB,
 * THP's recommendation) booted with 1024 and then set to 45056 has the
 * zoneinfo min/low/high of the kernel's capture.
 */
static void test_sysctl_write(void **state)
{
	char dir[4096], path[4200], err[512], line[256], *zi;
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	long v = 1024, got[8];
	FILE *f;
	int checked = 0;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/../linux-frag/x86_64-1node-2G-frag-compact", PMM_FIXTURES_DIR);
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	if (access(path, R_OK))
		snprintf(dir, sizeof(dir), "%s/linux-frag/x86_64-1node-2G-frag-compact",
			 PMM_REPO_FIXTURES_DIR);
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	assert_int_equal(pmm_machine_desc_from_json(path, &d, err, sizeof(err)), 0);
	assert_int_equal(pmm_machine_desc_set_sysctl(d, "vm.min_free_kbytes", &v, 1), 0);
	m = boot(d, PMM_BOOT_NO_DIRECT_MAP, NULL);
	assert_int_equal(pmm_sysctl_read(m, "min_free_kbytes", got, 8), 1);
	assert_int_equal(got[0], 1024);
	v = 45056;
	assert_int_equal(pmm_sysctl_write(m, "vm.min_free_kbytes", &v, 1), 0);
	assert_int_equal(pmm_sysctl_read(m, "vm.min_free_kbytes", got, 8), 1);
	assert_int_equal(got[0], 45056);
	zi = pmm_test_capture(m, pmm_print_zoneinfo);
	snprintf(path, sizeof(path), "%s/step0_zoneinfo.txt", dir);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "        min ") || strstr(line, "        low ") ||
		    strstr(line, "        high ")) {
			assert_non_null(strstr(zi, line));
			checked++;
		}
	fclose(f);
	assert_true(checked >= 6);
	free(zi);
	/* the defaults, and what is refused */
	assert_int_equal(pmm_sysctl_read(m, "extfrag_threshold", got, 8), 1);
	assert_int_equal(got[0], 500);
	assert_int_equal(pmm_sysctl_read(m, "compaction_proactiveness", got, 8), 1);
	assert_int_equal(got[0], 20);
	assert_int_equal(pmm_sysctl_read(m, "lowmem_reserve_ratio", got, 8), 5);
	assert_int_equal(got[0], 256);
	assert_int_equal(got[2], 32);
	v = 1001;
	assert_int_equal(pmm_sysctl_write(m, "extfrag_threshold", &v, 1), -EINVAL);
	assert_int_equal(pmm_sysctl_write(m, "vm.no_such_thing", &v, 1), -EINVAL);
	assert_int_equal(pmm_sysctl_read(m, "compact_memory", got, 8), -EINVAL);
	v = 2;
	assert_int_equal(pmm_sysctl_write(m, "compact_memory", &v, 1), -EINVAL);
	v = 1;
	assert_int_equal(pmm_sysctl_write(m, "compact_memory", &v, 1), 0);
	pmm_shutdown(m);
}

/* ---- the slow path: OOM, NOFAIL, NORETRY ----------------------------------------------------- */

struct oom_log {
	struct pmm_machine	*m;
	int			calls;
	unsigned int		gfp, order;
	struct pmm_page		**victim;	/* freed on the call: a task's memory */
	unsigned long		nr_victim;
};

static int on_oom(void *arg, unsigned int gfp, unsigned int order, int nid)
{
	struct oom_log *l = arg;

	(void)nid;
	l->calls++;
	l->gfp = gfp;
	l->order = order;
	if (!l->nr_victim)
		return 0;
	while (l->nr_victim)
		pmm_free_pages(l->m, l->victim[--l->nr_victim], 0);
	return 1;
}

/* every page of a 64 MiB DMA32 machine held, order 0 */
static struct pmm_page **exhaust(struct pmm_machine *m, unsigned long *n)
{
	struct pmm_page **held = calloc(1UL << 15, sizeof(*held));
	struct pmm_page *p;

	assert_non_null(held);
	*n = 0;
	while ((p = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN | __PMM_GFP_MEMALLOC, 0)))
		held[(*n)++] = p;
	return held;
}

struct delayed_free {
	struct pmm_machine	*m;
	struct pmm_page		*page;
};

static void *free_later(void *arg)
{
	struct delayed_free *f = arg;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	pmm_free_pages(f->m, f->page, 0);
	return NULL;
}

static void test_slowpath_oom(void **state)
{
	struct oom_log l = { 0 };
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .on_oom = on_oom, .on_oom_arg = &l };
	struct pmm_machine_desc *d = desc_dma32_64m();
	struct delayed_free df;
	struct pmm_machine *m;
	struct pmm_page **held, *p;
	unsigned long n, i;
	pthread_t t;

	(void)state;
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	l.m = m;
	held = exhaust(m, &n);
	assert_true(n > 16000);
	l.calls = 0;	/* the last of those asked too */
	/* an allocation limited to DMA32 (lowmem: the OOM killer does not run
	 * for it) fails without a call */
	assert_null(pmm_alloc_pages(m, PMM_GFP_KERNEL | PMM_GFP_DMA32 | __PMM_GFP_NOWARN, 0));
	assert_int_equal(l.calls, 0);
	/* Movable, which may use every zone: the OOM callback runs; it frees nothing */
	assert_null(pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN, 0));
	assert_int_equal(l.calls, 1);
	assert_int_equal(l.gfp, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN);
	assert_int_equal(l.order, 0);
	assert_non_null(strstr(pmm_boot_log(m), "out of memory"));
	/* it frees a victim's 4096 pages: the allocation retries and gets one */
	n -= 4096;
	l.victim = held + n;
	l.nr_victim = 4096;
	p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN, 0);
	assert_non_null(p);
	assert_int_equal(l.calls, 2);
	held[n++] = p;
	while ((p = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN | __PMM_GFP_MEMALLOC, 0)))
		held[n++] = p;
	l.calls = 0;
	/* no call where the kernel would not kill: RETRY_MAYFAIL, THISNODE, costly orders */
	assert_null(pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_RETRY_MAYFAIL |
				    __PMM_GFP_NOWARN, 0));
	assert_null(pmm_alloc_pages_node(m, 0, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE |
					 __PMM_GFP_NOWARN, 0));
	assert_null(pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN, 4));
	/* NORETRY: one round only, no call either */
	assert_null(pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NORETRY |
				    __PMM_GFP_NOWARN, 0));
	assert_int_equal(l.calls, 0);
	assert_true(pmm_zone_event(m, zone_of(m, 0, PMM_ZONE_DMA32), PMM_OOM_CALLS) >= 3);
	/* NOFAIL waits until another thread frees a page (it may use part of the min reserve) */
	df.m = m;
	df.page = held[--n];
	assert_int_equal(pthread_create(&t, NULL, free_later, &df), 0);
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOFAIL, 0);
	assert_non_null(p);
	assert_int_equal(pthread_join(t, NULL), 0);
	held[n++] = p;
	for (i = 0; i < n; i++)
		pmm_free_pages(m, held[i], 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(held);
}

/*
 * The high-atomic reserve (reserve_highatomic_pageblock(),
 * unreserve_highatomic_pageblock()): 1 GiB of DMA32 held down to its low
 * watermark; a GFP_ATOMIC order-4 allocation (past the per-CPU lists) then
 * goes through the slow path and its pageblock becomes MIGRATE_HIGHATOMIC
 * (512 pages reserved, the cap being 1 % of the zone rounded up to
 * pageblocks: 3072). Freed, its pages go to the reserve's list: a
 * GFP_KERNEL order-4 allocation does not get them, the next GFP_ATOMIC one
 * does. Exhausting the zone with GFP_KERNEL gives the reserve back before
 * failing.
 */
static void test_highatomic_reserve(void **state)
{
	struct pmm_machine *m = boot(pmm_test_desc_simple("x86_64", M16, M16 + (1ULL << 30)),
				     PMM_BOOT_NO_DIRECT_MAP | PMM_BOOT_INLINE_DAEMONS, NULL);
	struct pmm_zone *z = zone_of(m, 0, PMM_ZONE_DMA32);
	struct pmm_page **held = calloc(1UL << 18, sizeof(*held)), *a, *b, *c, *p;
	unsigned long n = 0, apfn;

	(void)state;
	assert_non_null(held);
	assert_int_equal(pmm_set_cpu(m, 0), 0);
	while (pmm_zone_free_pages(z) > z->_watermark[PMM_WMARK_LOW] + 64)
		assert_non_null(held[n++] = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0));
	pmm_drain_all_pages(m);
	while (pmm_zone_free_pages(z) > z->_watermark[PMM_WMARK_LOW] + 64)
		assert_non_null(held[n++] = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0));
	assert_int_equal(z->nr_reserved_highatomic, 0);
	a = pmm_alloc_pages(m, PMM_GFP_ATOMIC, 4);
	assert_non_null(a);
	assert_int_equal(z->nr_reserved_highatomic, 512);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, pfn_of(m, a)), PMM_MIGRATE_HIGHATOMIC);
	assert_int_equal(pmm_check(m), 0);
	/* a freed goes back to the reserve's list: a GFP_KERNEL order-4 allocation
	 * does not get it, the next GFP_ATOMIC one does */
	apfn = pfn_of(m, a);
	pmm_free_pages(m, a, 4);
	assert_int_equal(first_free_pfn(m, z, 4, PMM_MIGRATE_HIGHATOMIC), apfn);
	c = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 4);
	if (c)
		assert_true(pmm__get_pageblock_migratetype(m, z, pfn_of(m, c)) != PMM_MIGRATE_HIGHATOMIC);
	b = pmm_alloc_pages(m, PMM_GFP_ATOMIC, 4);
	assert_non_null(b);
	assert_int_equal(pfn_of(m, b), apfn);
	assert_int_equal(z->nr_reserved_highatomic, 512);
	assert_int_equal(pmm_check(m), 0);
	/* everything, with GFP_KERNEL: the reserve goes back first */
	while ((p = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 0)))
		held[n++] = p;
	assert_int_equal(z->nr_reserved_highatomic, 0);
	assert_int_equal(pmm__get_pageblock_migratetype(m, z, apfn), PMM_MIGRATE_UNMOVABLE);
	assert_int_equal(pmm_check(m), 0);
	pmm_free_pages(m, b, 4);
	if (c)
		pmm_free_pages(m, c, 4);
	while (n)
		pmm_free_pages(m, held[--n], 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(held);
}

/* ---- fragmentation indices (mm/vmstat.c) ---------------------------------------------------------------- */

static void test_fragmentation_index(void **state)
{
	struct pmm_zone z;

	memset(&z, 0, sizeof(z));
	/* 10 order-0, 5 order-1, 1 order-3 blocks: 28 free pages in 16 blocks */
	z.free_area[0].nr_free = 10;
	z.free_area[1].nr_free = 5;
	z.free_area[3].nr_free = 1;
	assert_int_equal(pmm_fragmentation_index(&z, 2), -1000);	/* would succeed */
	/* 1000 - (1000 + 28 * 1000 / 16) / 16 = 1000 - 171 */
	assert_int_equal(pmm_fragmentation_index(&z, 4), 829);
	assert_int_equal(pmm_unusable_free_index(&z, 4), 1000);
	/* order 1: 5 + 4 (the order-3 block) suitable order-1 blocks hold 18 of the
	 * 28 free pages: (28 - 18) * 1000 / 28 */
	assert_int_equal(pmm_unusable_free_index(&z, 1), 357);
	assert_int_equal(pmm_unusable_free_index(&z, 0), 0);
	memset(&z, 0, sizeof(z));
	assert_int_equal(pmm_fragmentation_index(&z, 3), 0);
	assert_int_equal(pmm_unusable_free_index(&z, 3), 1000);
}

/* ---- threads ---------------------------------------------------------------------------------------------- */

struct stress {
	struct pmm_machine	*m;
	int			cpu;
	unsigned int		seed;
	unsigned long		allocs;
};

#define STRESS_SLOTS	64
#define STRESS_ROUNDS	20000

static void *stress_thread(void *arg)
{
	struct stress *s = arg;
	struct pmm_page *slot[STRESS_SLOTS] = { 0 };
	unsigned int order[STRESS_SLOTS] = { 0 };
	int i;

	assert_int_equal(pmm_set_cpu(s->m, s->cpu), 0);
	for (i = 0; i < STRESS_ROUNDS; i++) {
		int k = rand_r(&s->seed) % STRESS_SLOTS;

		if (k == 0) {	/* now and then a bulk round trip through the per-CPU lists */
			struct pmm_page *bulk[8] = { NULL };

			s->allocs += pmm_alloc_pages_bulk(s->m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN,
							  PMM_NUMA_NO_NODE, NULL, 8, bulk);
			pmm_free_pages_bulk(s->m, 8, bulk);
		} else if (slot[k]) {
			pmm_free_pages(s->m, slot[k], order[k]);
			slot[k] = NULL;
		} else {
			pmm_gfp_t gfp = rand_r(&s->seed) & 1 ? PMM_GFP_HIGHUSER_MOVABLE : PMM_GFP_KERNEL;

			order[k] = (unsigned int)(rand_r(&s->seed) % 6);
			if (order[k] == 5 && rand_r(&s->seed) % 4 == 0)
				order[k] = 9;	/* the THP per-CPU list */
			slot[k] = pmm_alloc_pages(s->m, gfp | __PMM_GFP_NOWARN, order[k]);
			s->allocs += slot[k] != NULL;
		}
	}
	for (i = 0; i < STRESS_SLOTS; i++)
		if (slot[i])
			pmm_free_pages(s->m, slot[i], order[i]);
	return NULL;
}

/* @nthreads threads on @nr_cpus of the machine's four simulated CPUs: with more
 * threads than host CPUs sharing a per-CPU list, its lock's holder is often
 * descheduled, and the waiters must yield rather than spin out their slices */
static void stress(int nthreads, int nr_cpus, unsigned int flags)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct stress s[8];
	pthread_t t[8];
	char err[256];
	int i, nid, z;

	/* two nodes of 256 MiB, four CPUs */
	assert_int_equal(pmm_machine_from_hwloc_synthetic("numa:2 core:2 pu:1", 256 * SZ_1M, NULL, &d,
							  err, sizeof(err)), 0);
	m = boot(d, PMM_BOOT_NO_DIRECT_MAP | flags, NULL);
	for (i = 0; i < nthreads; i++) {
		s[i] = (struct stress){ .m = m, .cpu = i % nr_cpus, .seed = 7u * (unsigned int)i + 1 };
		assert_int_equal(pthread_create(&t[i], NULL, stress_thread, &s[i]), 0);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		assert_true(s[i].allocs > 1000);
	}
	assert_int_equal(pmm_check(m), 0);
	pmm_drain_all_pages(m);
	/* everything came back: every zone's free pages are its managed pages */
	pmm_for_each_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = zone_of(m, nid, (enum pmm_zone_type)z);

			assert_int_equal(pmm_zone_free_pages(zone), zone->managed_pages);
		}
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

static void test_stress(void **state)
{
	(void)state;
	stress(4, 4, 0);	/* a thread per simulated CPU, two per node */
}

static void test_stress_oversubscribed(void **state)
{
	(void)state;
	stress(8, 2, 0);	/* four threads on each of two simulated CPUs, on two host cores */
	stress(8, 4, PMM_BOOT_NO_PCP);	/* eight threads on the zones' locks alone */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_merge),
		cmocka_unit_test(test_fallback_and_stealing),
		cmocka_unit_test(test_gfp_zone),
		cmocka_unit_test(test_gfp_parse),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_gfp_allocations),
		cmocka_unit_test(test_gfp_zero),
		cmocka_unit_test(test_zonelist_fallback_order),
		cmocka_unit_test(test_mempolicies),
		cmocka_unit_test(test_cpusets),
		cmocka_unit_test(test_folios),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_merge_across_pageblock_types),
		cmocka_unit_test(test_bad_frees_over_pcp),
		cmocka_unit_test(test_free_foreign_page),
		cmocka_unit_test(test_check_terminates_on_corruption),
		cmocka_unit_test(test_pcp),
		cmocka_unit_test(test_pcp_autotune),
		cmocka_unit_test(test_sysctl_write),
		cmocka_unit_test(test_slowpath_oom),
		cmocka_unit_test(test_highatomic_reserve),
		cmocka_unit_test(test_fragmentation_index),
		cmocka_unit_test(test_stress),
		cmocka_unit_test(test_stress_oversubscribed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Deferred struct page init (mm/mm_init.c, CONFIG_DEFERRED_STRUCT_PAGE_INIT):
 * where defer_init() cuts each node, worked out by hand from its rule (the
 * node's last zone keeps PAGES_PER_SECTION pfns, counted across its ranges,
 * up to the next section boundary); a deferred boot ends as the eager one
 * does: the same zones, free lists, reserved pages and reports. On demand,
 * zones grow a section at a time as allocations need them
 * (deferred_grow_zone()), from several threads at once, and finishing
 * leaves the eager machine.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"

#define M	(1ULL << 20)
#define G	(1ULL << 30)

struct log {
	char	text[8192];
	size_t	len;
};

static void keep_log(void *arg, int level, const char *line)
{
	struct log *l = arg;
	int n = snprintf(l->text + l->len, sizeof(l->text) - l->len, "%s\n", line);

	(void)level;
	if (n > 0 && l->len + (size_t)n < sizeof(l->text))
		l->len += (size_t)n;
}

static struct pmm_machine *boot(struct pmm_machine_desc *d, enum pmm_defer defer, struct log *l)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .defer = defer, .log = keep_log, .log_arg = l };
	struct pmm_machine *m;

	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	return m;
}

/* x86-64: node 0 with [1M, 2G) and two ranges of Normal; node 1 with 256 MiB */
static struct pmm_machine_desc *desc_two_nodes(void)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, M, 2 * G, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 4 * G, 4 * G + 64 * M, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 4 * G + 256 * M, 8 * G, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 8 * G, 8 * G + 256 * M, 1, 0));
	/* reserved pages in the deferred part, and across its first cut */
	assert_desc_ok(d, pmm_machine_desc_add_reserved(d, 6 * G, 6 * G + 3 * 4096));
	assert_desc_ok(d, pmm_machine_desc_add_reserved(d, 0x117000ULL << 12, 0x119000ULL << 12));
	return d;
}

static void test_where_defer_init_cuts(void **state)
{
	struct pmm_machine_desc *d = desc_two_nodes();
	struct log l = { .len = 0 };
	struct pmm_machine *m;

	(void)state;
	m = boot(d, PMM_DEFER_DEFERRED, &l);
	if (!PMM_CONFIG_SPARSEMEM) {
		/* DEFERRED_STRUCT_PAGE_INIT depends on SPARSEMEM: nothing deferred */
		assert_null(strstr(l.text, "deferred"));
		goto out;
	}
	/*
	 * node 0, Normal (its last zone), 32768 pages a section: [4G, 4G+64M) is
	 * 16384 pages, all kept; the next range starts at pfn 0x110000 and keeps
	 * 32768 - 16384 more, up to the section boundary after 0x114000.
	 */
	assert_non_null(strstr(l.text, "pmm: node 0: struct pages from pfn 0x118000 on are deferred"));
	/* node 1: Normal from pfn 0x200000, 65536 pages: a section kept, then cut */
	assert_non_null(strstr(l.text, "pmm: node 1: struct pages from pfn 0x208000 on are deferred"));
	assert_non_null(strstr(l.text, "node 0 deferred pages initialised in "));
	assert_non_null(strstr(l.text, "node 1 deferred pages initialised in "));
	/* done when pmm_boot() returns */
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, ~0UL);
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, ~0UL);
out:
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

/* A last zone of less than a section's worth defers nothing; neither does 32-bit. */
static void test_nothing_to_defer(void **state)
{
	struct pmm_machine_desc *d;
	struct log l = { .len = 0 };
	struct pmm_machine *m;

	(void)state;
	d = pmm_test_desc_simple("x86_64", M, 4 * G - 512 * M);	/* DMA32 is the last zone */
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 4 * G, 4 * G + 96 * M, 0, 0));
	m = boot(d, PMM_DEFER_DEFERRED, &l);
	assert_null(strstr(l.text, "deferred"));
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);

	l.len = 0;
	l.text[0] = '\0';
	d = pmm_test_desc_simple("x86_32_pae", M, 6 * G);
	m = boot(d, PMM_DEFER_DEFERRED, &l);
	assert_null(strstr(l.text, "deferred"));
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

/* A deferred boot ends where the eager one does. */
static void test_deferred_equals_eager(void **state)
{
	static int (*const reports[])(const struct pmm_machine *, FILE *) = {
		pmm_print_zoneinfo, pmm_print_buddyinfo, pmm_print_pagetypeinfo,
	};
	struct pmm_machine_desc *d = desc_two_nodes();
	struct log le = { .len = 0 }, ld = { .len = 0 };
	struct pmm_machine *eager = boot(d, PMM_DEFER_EAGER, &le);
	struct pmm_machine *deferred = boot(d, PMM_DEFER_DEFERRED, &ld);
	unsigned long pfn;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
		char *a = pmm_test_capture(eager, reports[i]);
		char *b = pmm_test_capture(deferred, reports[i]);

		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	/* reserved pages in the deferred part: initialised at boot, still reserved */
	for (pfn = 0x180000; pfn < 0x180003; pfn++) {
		struct pmm_page *p = pmm_pfn_to_page(deferred, pfn);

		assert_true(pmm_PageReserved(p));
		assert_int_equal(pmm_page_to_nid(p), 0);
		assert_int_equal(pmm_page_zonenum(p), PMM_ZONE_NORMAL);
	}
	assert_false(pmm_PageReserved(pmm_pfn_to_page(deferred, 0x180003)));
	for (pfn = 0x117000; pfn < 0x119000; pfn++)
		assert_true(pmm_PageReserved(pmm_pfn_to_page(deferred, pfn)));
	assert_int_equal(pmm_check(eager), 0);
	assert_int_equal(pmm_check(deferred), 0);
	pmm_shutdown(eager);
	pmm_shutdown(deferred);
	pmm_machine_desc_destroy(d);
}

/* Free a chain of order-9 blocks linked through page->private. */
static void free_chain(struct pmm_machine *m, struct pmm_page *head)
{
	while (head) {
		struct pmm_page *p = head;

		head = (struct pmm_page *)(uintptr_t)pmm_page_private(p);
		pmm_set_page_private(p, 0);
		pmm_free_pages(m, p, 9);
	}
}

/* Every page of a deferred machine can be allocated, once. */
static void test_deferred_pages_allocate(void **state)
{
	struct pmm_machine_desc *d = desc_two_nodes();
	struct log l = { .len = 0 };
	struct pmm_machine *m = boot(d, PMM_DEFER_DEFERRED, &l);
	struct pmm_zone *z = &pmm_node_data(m, 1)->node_zones[PMM_ZONE_NORMAL];
	unsigned long managed = z->managed_pages, got = 0;
	struct pmm_page *p, *head = NULL;

	(void)state;
	assert_int_equal(managed, 65536);
	while ((p = pmm_alloc_pages_node(m, 1, PMM_GFP_KERNEL | __PMM_GFP_THISNODE |
					 __PMM_GFP_NOWARN | __PMM_GFP_HIGH, 9))) {
		pmm_set_page_private(p, (unsigned long)(uintptr_t)head);	/* a chain */
		head = p;
		got += 512;
	}
	assert_true(got > managed - 4096);	/* all but the reserves below min */
	free_chain(m, head);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

/* ---- on demand -------------------------------------------------------------------------------- */

/*
 * On demand: the same managed pages, watermarks and reserves as the eager
 * machine from the start; node 1's Normal zone holds one section until an
 * allocation needs more (deferred_grow_zone()); pmm_deferred_init_finish()
 * leaves the eager machine's free lists.
 */
static void test_on_demand_grows(void **state)
{
	struct log le = { .len = 0 }, lo = { .len = 0 };
	struct pmm_machine_desc *d;
	struct pmm_machine *eager, *m;
	struct pmm_zone *z, *ze;
	struct pmm_page *pages[64];
	char *a, *b;
	int i;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM)
		skip();	/* nothing is deferred */
	d = desc_two_nodes();
	eager = boot(d, PMM_DEFER_EAGER, &le);
	m = boot(d, PMM_DEFER_ON_DEMAND, &lo);
	z = &pmm_node_data(m, 1)->node_zones[PMM_ZONE_NORMAL];
	ze = &pmm_node_data(eager, 1)->node_zones[PMM_ZONE_NORMAL];
	assert_int_equal(z->managed_pages, ze->managed_pages);
	assert_int_equal(z->_watermark[PMM_WMARK_MIN], ze->_watermark[PMM_WMARK_MIN]);
	assert_int_equal(z->_watermark[PMM_WMARK_HIGH], ze->_watermark[PMM_WMARK_HIGH]);
	assert_int_equal(z->lowmem_reserve[PMM_ZONE_MOVABLE], ze->lowmem_reserve[PMM_ZONE_MOVABLE]);
	/* one section of 32768 pages initialised; the rest waits */
	assert_int_equal(pmm_zone_free_pages(z), 32768);
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, 0x208000);
	assert_null(strstr(lo.text, "deferred pages initialised"));
	/* 64 order-9 blocks are 32768 pages: the zone grows by a section or more */
	for (i = 0; i < 64; i++) {
		pages[i] = pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE, 9);
		assert_non_null(pages[i]);
	}
	/* node 1 grew by its one deferred section; node 0 was not touched */
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, ~0UL);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, 0x118000);
	assert_int_equal(pmm_check(m), 0);
	for (i = 0; i < 64; i++)
		pmm_free_pages(m, pages[i], 9);
	pmm_drain_all_pages(m);
	assert_int_equal(pmm_check(m), 0);
	/* node 0 is still deferred: its free memory counts as it will once initialised */
	a = pmm_test_capture(eager, pmm_print_buddyinfo);
	b = pmm_test_capture(m, pmm_print_buddyinfo);
	assert_string_equal(a, b);
	free(a);
	free(b);
	pmm_deferred_init_finish(m);
	/* the threads had node 0 left to do; allocations had done node 1 */
	assert_non_null(strstr(pmm_boot_log(m), "node 0 deferred pages initialised in "));
	assert_null(strstr(pmm_boot_log(m), "node 1 deferred pages initialised in "));
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, ~0UL);
	assert_int_equal(pmm_zone_free_pages(z), pmm_zone_free_pages(ze));
	a = pmm_test_capture(eager, pmm_print_buddyinfo);
	b = pmm_test_capture(m, pmm_print_buddyinfo);
	assert_string_equal(a, b);
	free(a);
	free(b);
	a = pmm_test_capture(eager, pmm_print_pagetypeinfo);
	b = pmm_test_capture(m, pmm_print_pagetypeinfo);
	assert_string_equal(a, b);
	free(a);
	free(b);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_shutdown(eager);
	pmm_machine_desc_destroy(d);
}

struct grower {
	struct pmm_machine	*m;
	unsigned int		order;
	unsigned long		got;
};

static void *grow_and_free(void *arg)
{
	struct grower *g = arg;
	struct pmm_page *held[64];
	int round, i;

	/* 64 blocks of order 0 or 9 at a time: together within node 1's 65536 pages */
	pmm_set_cpu(g->m, (int)g->order % 2);
	for (round = 0; round < 8; round++) {
		for (i = 0; i < 64; i++) {
			held[i] = pmm_alloc_pages_node(g->m, 1, PMM_GFP_HIGHUSER_MOVABLE |
						       __PMM_GFP_THISNODE | __PMM_GFP_NOWARN, g->order);
			g->got += held[i] != NULL;
		}
		for (i = 0; i < 64; i++)
			pmm_free_pages(g->m, held[i], g->order);
	}
	return NULL;
}

/* Threads allocating while zones grow and while pmm_deferred_init_finish() runs. */
static void test_on_demand_threads(void **state)
{
	struct pmm_machine_desc *d = desc_two_nodes();
	struct log l = { .len = 0 };
	struct pmm_machine *m = boot(d, PMM_DEFER_ON_DEMAND, &l);
	struct grower g[2] = { { m, 0, 0 }, { m, 9, 0 } };
	pthread_t t[2];
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, grow_and_free, &g[i]), 0);
	pmm_deferred_init_finish(m);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(g[0].got, 8 * 64);
	assert_int_equal(g[1].got, 8 * 64);
	pmm_drain_all_pages(m);
	assert_int_equal(pmm_check(m), 0);
	if (PMM_CONFIG_SPARSEMEM)
		assert_int_equal(pmm_zone_free_pages(&pmm_node_data(m, 1)->node_zones[PMM_ZONE_NORMAL]),
				 65536);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

/*
 * The default for a machine whose memmap would not fit comfortably: on
 * demand. 16 TiB on four nodes needs 256 GiB of struct pages; its boot
 * initialises the low zones and a section of each node.
 */
static void test_default_is_on_demand_for_big_machines(void **state)
{
	struct pmm_machine_desc *d;
	struct log l = { .len = 0 };
	struct pmm_machine *m;
	struct pmm_page *p;
	int nid;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM)
		skip();
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	for (nid = 0; nid < 4; nid++) {
		unsigned long long start = nid ? (unsigned long long)nid << 42 : 4 * G;

		assert_desc_ok(d, pmm_machine_desc_add_node(d, nid, ""));
		assert_desc_ok(d, pmm_machine_desc_add_memory(d, start,
							      ((unsigned long long)nid + 1) << 42,
							      nid, 0));
	}
	m = boot(d, PMM_DEFER_DEFAULT, &l);
	for (nid = 0; nid < 4; nid++)
		assert_int_not_equal(pmm_node_data(m, nid)->first_deferred_pfn, ~0UL);
	assert_int_equal(pmm_node_data(m, 3)->node_zones[PMM_ZONE_NORMAL].managed_pages,
			 1UL << 30);
	p = pmm_alloc_pages_node(m, 3, PMM_GFP_KERNEL, 10);
	assert_non_null(p);
	pmm_free_pages(m, p, 10);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

/*
 * On demand, zones grow only while the struct pages fit the budget. By
 * hand: desc_two_nodes() has 49 present sections of 128 MiB, 98 MiB of
 * memmap eagerly; 983,040 of its pages are deferred (node 0 from 0x118000
 * to 8 GiB, node 1's second section), 60 MiB, so the boot commits 38 MiB.
 * A limit of 40 MiB lets one more section (2 MiB of struct pages) grow:
 * node 1's, then node 0 stops where its boot left it.
 */
static void test_on_demand_budget(void **state)
{
	struct log l = { .len = 0 };
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .defer = PMM_DEFER_ON_DEMAND, .memmap_limit = 40 * M,
				      .log = keep_log, .log_arg = &l };
	struct pmm_machine_desc *d;
	struct pmm_page *p, *head = NULL;
	struct pmm_machine *m;
	int nid;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM)
		skip();
	assert_int_equal(sizeof(struct pmm_page), 64);
	d = desc_two_nodes();
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	for (nid = 1; nid >= 0; nid--)
		while ((p = pmm_alloc_pages_node(m, nid, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE |
						 __PMM_GFP_NOWARN, 9))) {
			pmm_set_page_private(p, (unsigned long)(uintptr_t)head);
			head = p;
		}
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, ~0UL);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, 0x118000);
	assert_non_null(strstr(l.text, "node 0: struct pages initialised on demand would take more "
				       "than the 40 MiB"));
	assert_int_equal(pmm_deferred_init_finish(m), -ENOMEM);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, 0x118000);
	assert_null(strstr(l.text, "node 0 deferred pages initialised"));
	free_chain(m, head);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	/* without the limit, the same machine finishes */
	opts.memmap_limit = 0;
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	assert_int_equal(pmm_deferred_init_finish(m), 0);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, ~0UL);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

struct progress_log {
	char			phase[4][32];
	unsigned long long	last_done[4], total[4];
	int			nr;
	bool			backwards;
};

static void record_progress(void *arg, const char *phase, unsigned long long done,
			    unsigned long long total)
{
	struct progress_log *p = arg;
	int i;

	for (i = 0; i < p->nr && strcmp(p->phase[i], phase); i++)
		;
	if (i == p->nr) {
		assert_true(p->nr < 4);
		snprintf(p->phase[p->nr++], sizeof(p->phase[0]), "%s", phase);
	} else if (done < p->last_done[i] || total != p->total[i]) {
		p->backwards = true;
	}
	p->last_done[i] = done;
	p->total[i] = total;
}

/*
 * pmm_boot_opts.progress: each phase counts up to its total and ends there.
 * By hand, desc_two_nodes() has 524,032 + 16,384 + 983,040 + 65,536 pages
 * of memory; deferred init has 29 sections of node 0 and 1 of node 1.
 */
static void test_boot_progress(void **state)
{
	struct pmm_machine_desc *d = desc_two_nodes();
	enum pmm_defer modes[2] = { PMM_DEFER_EAGER, PMM_DEFER_DEFERRED };
	int k, i;

	(void)state;
	for (k = 0; k < 2; k++) {
		struct progress_log p = { .nr = 0 };
		struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
					      .defer = modes[k], .progress = record_progress,
					      .progress_arg = &p };
		struct pmm_machine *m;

		assert_int_equal(pmm_boot(d, &opts, &m), 0);
		assert_false(p.backwards);
		assert_string_equal(p.phase[0], "struct pages");
		assert_string_equal(p.phase[1], "freeing memory");
		for (i = 0; i < 2; i++) {
			assert_int_equal(p.total[i], 1588992);
			assert_int_equal(p.last_done[i], p.total[i]);
		}
		if (modes[k] == PMM_DEFER_DEFERRED && PMM_CONFIG_SPARSEMEM) {
			assert_int_equal(p.nr, 3);
			assert_string_equal(p.phase[2], "deferred struct pages");
			assert_int_equal(p.total[2], 30);
			assert_int_equal(p.last_done[2], 30);
		} else {
			assert_int_equal(p.nr, 2);
		}
		pmm_shutdown(m);
	}
	pmm_machine_desc_destroy(d);
}

/*
 * ZONE_DEVICE memory on a machine booted on demand: nothing deferred is
 * initialised for it, and Normal grows on demand below it.
 */
static void test_on_demand_then_memremap(void **state)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .defer = PMM_DEFER_ON_DEMAND, .phys_limit = 16 * G };
	struct pmm_dev_pagemap pmem = { 0 };
	struct pmm_page *pages[64];
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	int i;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM_VMEMMAP)
		skip();	/* ZONE_DEVICE needs SPARSEMEM_VMEMMAP */
	d = desc_two_nodes();
	pmem.type = PMM_MEMORY_DEVICE_FS_DAX;
	pmem.range.start = 10 * G;
	pmem.range.end = 10 * G + 64 * M - 1;
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	assert_int_equal(pmm_memremap_pages(m, &pmem, 1), 0);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, 0x118000);
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, 0x208000);
	assert_int_equal(pmm_node_data(m, 1)->node_zones[PMM_ZONE_DEVICE].spanned_pages, 0x4000);
	assert_int_equal(pmm_check(m), 0);
	for (i = 0; i < 64; i++) {	/* more than Normal's initialised section */
		pages[i] = pmm_alloc_pages_node(m, 1, PMM_GFP_KERNEL | __PMM_GFP_THISNODE, 9);
		assert_non_null(pages[i]);
	}
	assert_int_equal(pmm_node_data(m, 1)->first_deferred_pfn, ~0UL);
	for (i = 0; i < 64; i++)
		pmm_free_pages(m, pages[i], 9);
	assert_int_equal(pmm_memunmap_pages(m, &pmem), 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

/*
 * Memory hotplug on a machine booted on demand leaves deferred init alone
 * unless the range it changes holds deferred pages: adding and onlining
 * memory, and offlining it again, initialise nothing else; the zone that
 * deferred keeps growing on demand though the new memory above it made
 * another zone the node's last; offlining a block with deferred pages
 * initialises them first.
 */
static void test_on_demand_then_hotplug(void **state)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .defer = PMM_DEFER_ON_DEMAND, .phys_limit = 16 * G };
	struct pmm_page *pages[64];
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long block;
	pmm_pg_data_t *node1;
	int i;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM)
		skip();	/* memory hotplug needs SPARSEMEM */
	d = desc_two_nodes();
	assert_int_equal(pmm_machine_desc_set_cmdline(d, "memhp_default_state=offline"), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	node1 = pmm_node_data(m, 1);
	assert_int_equal(pmm_add_memory(m, 1, 12 * G, 128 * M), 0);
	block = (unsigned long)(12 * G / pmm_memory_block_size(m));
	assert_int_equal(pmm_online_memory_block(m, block, PMM_MMOP_ONLINE_MOVABLE), 0);
	/* nothing was initialised for it: both nodes still wait */
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, 0x118000);
	assert_int_equal(node1->first_deferred_pfn, 0x208000);
	assert_true(pmm_zone_end_pfn(&node1->node_zones[PMM_ZONE_NORMAL]) <
		    pmm_pgdat_end_pfn(node1));
	/* unmovable: Normal only. 64 order-9 blocks are the 32768 pages of its
	 * initialised section and more: Normal must grow, below Movable now */
	for (i = 0; i < 64; i++) {
		pages[i] = pmm_alloc_pages_node(m, 1, PMM_GFP_KERNEL | __PMM_GFP_THISNODE, 9);
		assert_non_null(pages[i]);
		assert_int_equal(pmm_page_zonenum(pages[i]), PMM_ZONE_NORMAL);
	}
	assert_int_equal(node1->first_deferred_pfn, ~0UL);
	for (i = 0; i < 64; i++)
		pmm_free_pages(m, pages[i], 9);
	assert_int_equal(pmm_offline_memory_block(m, block), 0);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, 0x118000);
	assert_int_equal(pmm_check(m), 0);
	/* a boot block of node 0's deferred memory: initialised before it goes */
	assert_int_equal(pmm_offline_memory_block(m, (unsigned long)(7 * G /
								     pmm_memory_block_size(m))), 0);
	assert_int_equal(pmm_node_data(m, 0)->first_deferred_pfn, ~0UL);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_where_defer_init_cuts),
		cmocka_unit_test(test_nothing_to_defer),
		cmocka_unit_test(test_deferred_equals_eager),
		cmocka_unit_test(test_deferred_pages_allocate),
		cmocka_unit_test(test_on_demand_grows),
		cmocka_unit_test(test_on_demand_threads),
		cmocka_unit_test(test_default_is_on_demand_for_big_machines),
		cmocka_unit_test(test_on_demand_then_hotplug),
		cmocka_unit_test(test_on_demand_budget),
		cmocka_unit_test(test_boot_progress),
		cmocka_unit_test(test_on_demand_then_memremap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

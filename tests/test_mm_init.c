// SPDX-License-Identifier: MIT
/*
 * Deferred struct page init (mm/mm_init.c, CONFIG_DEFERRED_STRUCT_PAGE_INIT):
 * where defer_init() cuts each node, worked out by hand from its rule (the
 * node's last zone keeps PAGES_PER_SECTION pfns, counted across its ranges,
 * up to the next section boundary); and a deferred boot ends as the eager
 * one does: the same zones, free lists, reserved pages and reports.
 */
#define _DEFAULT_SOURCE 1
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
	while (head) {
		p = head;
		head = (struct pmm_page *)(uintptr_t)pmm_page_private(p);
		pmm_set_page_private(p, 0);
		pmm_free_pages(m, p, 9);
	}
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

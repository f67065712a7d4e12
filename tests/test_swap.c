// SPDX-License-Identifier: MIT
/*
 * The LRU lists (mm/swap.c, include/linux/mm_inline.h): folios go on the
 * list their flags name (anon when swapbacked, file otherwise; active;
 * unevictable), the node's and zone's counters follow by pages, the second
 * access activates, isolation takes a reference and puts back where the
 * flags now say, the last put takes a folio off, and a free that would
 * leave one on the lists is refused as the kernel refuses it. Migration
 * (memory offlining) keeps a folio's place on the lists; pmm_check() sees
 * a folio on the wrong list; threads adding, ageing and isolating at once
 * leave the lists and counters consistent (TSan).
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"
#include "internal.h"

#define G	(1ULL << 30)
#define SZ_128M	(128ULL << 20)

static int bad_pages;

static void count_bad(void *arg, const struct pmm_page *page, unsigned long pfn, const char *reason)
{
	(void)arg;
	(void)page;
	(void)pfn;
	(void)reason;
	__atomic_add_fetch(&bad_pages, 1, __ATOMIC_RELAXED);
}

static int accept_move(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	(void)arg;
	(void)from;
	(void)to;
	(void)order;
	return 0;
}

static struct pmm_machine *boot(pmm_phys_addr_t limit)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = limit,
				      .on_bad_page = count_bad, .migrate_page = accept_move };
	struct pmm_machine_desc *d = pmm_test_desc_x86_2node();
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_set_auto_online(d, "offline"), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	bad_pages = 0;
	return m;
}

static struct pmm_folio *folio_on(struct pmm_machine *m, int nid, unsigned int order, int flag)
{
	struct pmm_folio *f = (struct pmm_folio *)pmm_alloc_pages_node(
		m, nid, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE | (order ? __PMM_GFP_COMP : 0),
		order);

	assert_non_null(f);
	if (flag >= 0)
		pmm_page_set_flag(&f->page, (enum pmm_pageflags)flag);
	return f;
}

static void assert_lru(struct pmm_machine *m, int nid, unsigned long ia, unsigned long aa,
		       unsigned long ifl, unsigned long af, unsigned long un)
{
	assert_int_equal(pmm_lru_pages(m, nid, PMM_LRU_INACTIVE_ANON), ia);
	assert_int_equal(pmm_lru_pages(m, nid, PMM_LRU_ACTIVE_ANON), aa);
	assert_int_equal(pmm_lru_pages(m, nid, PMM_LRU_INACTIVE_FILE), ifl);
	assert_int_equal(pmm_lru_pages(m, nid, PMM_LRU_ACTIVE_FILE), af);
	assert_int_equal(pmm_lru_pages(m, nid, PMM_LRU_UNEVICTABLE), un);
}

/*
 * An anonymous page, a file folio of 4 pages and an mlocked page on node 1:
 * each list and counter by hand; the second access moves the file folio to
 * the active list and counts 4 PGACTIVATE; the last put empties the lists.
 */
static void test_lists_and_ageing(void **state)
{
	struct pmm_machine *m = boot(0);
	struct pmm_folio *anon = folio_on(m, 1, 0, PMM_PG_swapbacked);
	struct pmm_folio *file = folio_on(m, 1, 2, -1);
	struct pmm_folio *locked = folio_on(m, 1, 0, PMM_PG_mlocked);
	struct pmm_zone *normal = &pmm_node_data(m, 1)->node_zones[PMM_ZONE_NORMAL];
	char *zi;

	(void)state;
	assert_lru(m, 1, 0, 0, 0, 0, 0);
	assert_int_equal(pmm_folio_add_lru(m, anon), 0);
	assert_int_equal(pmm_folio_add_lru(m, file), 0);
	assert_int_equal(pmm_folio_add_lru(m, locked), 0);
	assert_lru(m, 1, 1, 0, 4, 0, 1);
	assert_lru(m, 0, 0, 0, 0, 0, 0);
	assert_int_equal(normal->vm_stat[PMM_NR_ZONE_INACTIVE_FILE], 4);
	zi = pmm_test_capture(m, pmm_print_zoneinfo);
	assert_non_null(strstr(zi, "nr_zone_inactive_file 4"));
	assert_non_null(strstr(zi, "nr_inactive_file 4"));
	free(zi);
	/* twice on the lists is the kernel's VM_BUG */
	assert_int_equal(pmm_folio_add_lru(m, anon), -EINVAL);
	assert_int_equal(bad_pages, 1);

	pmm_folio_mark_accessed(m, file);	/* referenced */
	assert_true(pmm_page_test_flag(&file->page, PMM_PG_referenced));
	assert_lru(m, 1, 1, 0, 4, 0, 1);
	pmm_folio_mark_accessed(m, file);	/* activated */
	assert_false(pmm_page_test_flag(&file->page, PMM_PG_referenced));
	assert_true(pmm_page_test_flag(&file->page, PMM_PG_active));
	assert_lru(m, 1, 1, 0, 0, 4, 1);
	assert_int_equal(pmm_zone_event(m, normal, PMM_PGACTIVATE), 4);
	pmm_folio_mark_accessed(m, locked);
	pmm_folio_mark_accessed(m, locked);	/* unevictable folios are not aged */
	assert_lru(m, 1, 1, 0, 0, 4, 1);
	assert_int_equal(pmm_check(m), 0);

	/* a folio the caller frees while it is on the lists is refused, not corrupted */
	pmm_free_pages(m, &anon->page, 0);
	assert_int_equal(bad_pages, 2);
	assert_lru(m, 1, 1, 0, 0, 4, 1);
	pmm_folio_put(m, anon);
	pmm_folio_put(m, file);
	pmm_folio_put(m, locked);
	assert_lru(m, 1, 0, 0, 0, 0, 0);
	assert_int_equal(normal->vm_stat[PMM_NR_ZONE_ACTIVE_FILE], 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* Isolation takes a reference and the folio off; putback follows its flags as they are now. */
static void test_isolate_putback(void **state)
{
	struct pmm_machine *m = boot(0);
	struct pmm_folio *f = folio_on(m, 0, 0, PMM_PG_swapbacked);

	(void)state;
	assert_int_equal(pmm_folio_isolate_lru(m, f), 0);	/* not on the lists */
	assert_int_equal(pmm_folio_add_lru(m, f), 0);
	assert_lru(m, 0, 1, 0, 0, 0, 0);
	assert_int_equal(pmm_folio_isolate_lru(m, f), 1);
	assert_int_equal(pmm_page_ref_count(&f->page), 2);
	assert_false(pmm_page_test_flag(&f->page, PMM_PG_lru));
	assert_lru(m, 0, 0, 0, 0, 0, 0);
	assert_int_equal(pmm_folio_isolate_lru(m, f), 0);	/* once */
	pmm_page_set_flag(&f->page, PMM_PG_active);		/* reclaim decided so */
	pmm_folio_putback_lru(m, f);
	assert_int_equal(pmm_page_ref_count(&f->page), 1);
	assert_lru(m, 0, 0, 1, 0, 0, 0);
	assert_int_equal(pmm_check(m), 0);
	/* corruption: a flag changed behind the lists' back */
	pmm_page_clear_flag(&f->page, PMM_PG_active);
	assert_int_equal(pmm_check(m), -EUCLEAN);
	pmm_page_set_flag(&f->page, PMM_PG_active);
	assert_int_equal(pmm_check(m), 0);
	pmm_folio_put(m, f);
	/* the freed page comes back without the LRU's or the owner's marks */
	f = folio_on(m, 0, 0, -1);
	assert_false(pmm_page_test_flag(&f->page, PMM_PG_active));
	assert_false(pmm_page_test_flag(&f->page, PMM_PG_swapbacked));
	pmm_folio_put(m, f);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/*
 * Offlining a movable block migrates its folios: each new copy is on the
 * list of its kind on its new node (x86_64-2node-8G plus 128 MiB at 9 GiB
 * on node 1, block 72; the copies go to node 0).
 */
static void test_migration_keeps_lru(void **state)
{
	struct pmm_machine *m;
	struct pmm_folio *f[8];
	unsigned long moved = 0;
	int i;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM)
		skip();	/* memory hotplug needs SPARSEMEM */
	m = boot(16 * G);
	assert_int_equal(pmm_add_memory(m, 1, 9 * G, SZ_128M), 0);
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE_MOVABLE), 0);
	for (i = 0; i < 8; i++) {
		f[i] = (struct pmm_folio *)pmm_alloc_pages_node(
			m, 1, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE, 0);
		assert_non_null(f[i]);
		if (i % 2)
			pmm_page_set_flag(&f[i]->page, PMM_PG_swapbacked);
		assert_int_equal(pmm_folio_add_lru(m, f[i]), 0);
		if (i >= 6) {
			pmm_folio_mark_accessed(m, f[i]);
			pmm_folio_mark_accessed(m, f[i]);
		}
		moved += pmm_page_to_pfn(m, &f[i]->page) >= 0x240000;
	}
	assert_true(moved > 0);	/* movable allocations land in the new block first */
	assert_lru(m, 1, 3, 1, 3, 1, 0);
	assert_lru(m, 0, 0, 0, 0, 0, 0);
	assert_int_equal(pmm_offline_memory_block(m, 72), 0);
	/* the folios that were in the block moved to node 0 (alloc_migration_target()
	 * prefers another node), each onto the list of its kind there */
	for (i = 0; i < PMM_NR_LRU_LISTS; i++) {
		static const unsigned long want[PMM_NR_LRU_LISTS] = { 3, 1, 3, 1, 0 };

		assert_int_equal(pmm_lru_pages(m, 0, i) + pmm_lru_pages(m, 1, i), want[i]);
	}
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON) +
			 pmm_lru_pages(m, 0, PMM_LRU_ACTIVE_ANON) +
			 pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_FILE) +
			 pmm_lru_pages(m, 0, PMM_LRU_ACTIVE_FILE), moved);
	for (i = 0; i < 8; i++)
		assert_true(pmm_page_to_pfn(m, &f[i]->page) < 0x240000 ||
			    !pmm_page_test_flag(&f[i]->page, PMM_PG_lru));
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);	/* the owner's folios go with the machine */
}

struct worker {
	struct pmm_machine	*m;
	int			cpu;
};

static void *churn(void *arg)
{
	struct worker *w = arg;
	struct pmm_folio *held[32];
	int round, i;

	pmm_set_cpu(w->m, w->cpu);
	for (round = 0; round < 50; round++) {
		for (i = 0; i < 32; i++) {
			held[i] = folio_on(w->m, 0, (unsigned int)(i % 3 == 0), i % 2 ? PMM_PG_swapbacked : -1);
			assert_int_equal(pmm_folio_add_lru(w->m, held[i]), 0);
			pmm_folio_mark_accessed(w->m, held[i]);
		}
		for (i = 0; i < 32; i++) {
			pmm_folio_mark_accessed(w->m, held[i]);
			if (i % 4 == 0 && pmm_folio_isolate_lru(w->m, held[i]))
				pmm_folio_putback_lru(w->m, held[i]);
		}
		for (i = 0; i < 32; i++)
			pmm_folio_put(w->m, held[i]);
	}
	return NULL;
}

/* Two threads on the same node's lists (TSan in CI). */
static void test_lru_threads(void **state)
{
	struct pmm_machine *m = boot(0);
	struct worker w[2] = { { m, 0 }, { m, 1 } };
	pthread_t t[2];
	int i;

	(void)state;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, &w[i]), 0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_lru(m, 0, 0, 0, 0, 0, 0);
	assert_int_equal(bad_pages, 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/*
 * The swap device from a description: JSON's "swap" (memparse sizes),
 * booted as swapon would print it (65536 - 1 header page = 65532k usable
 * of 64 MiB), and refused below two pages; from a boot log, the "Adding Nk
 * swap on" lines of real machines (an NVMe partition, a zram device) as
 * one device of those slots and a header.
 */
static void test_swap_device_described(void **state)
{
	static const char good[] = "{\"arch\": \"x86_64\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\"}],"
				   " \"memory\": [{\"start\": \"16M\", \"size\": \"64M\", \"node\": 0}],"
				   " \"swap\": \"64M\"}";
	static const char tiny[] = "{\"arch\": \"x86_64\", \"nodes\": [{\"id\": 0, \"cpus\": \"0\"}],"
				   " \"memory\": [{\"start\": \"16M\", \"size\": \"64M\", \"node\": 0}],"
				   "\n \"swap\": 4096}";
	static const struct {
		const char *dir;
		unsigned long long kb;
	} logs[] = {
		{ "arm64-radxa-orion-o6-32G-k6.12", 1000444 },
		{ "x86_64-huananzhi-x99-qd4-32G-k6.4", 8175868 },
		{ "riscv64-spacemit-k3-32G-k6.12", 0 },
	};
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long total;
	char err[512], path[512];
	unsigned int i;

	(void)state;
	assert_int_equal(pmm_machine_desc_from_json_buffer(good, sizeof(good) - 1, "good.json", &d,
							   err, sizeof(err)), 0);
	m = pmm_test_boot(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_non_null(strstr(pmm_boot_log(m), "Adding 65532k swap on pmm-swap.  Priority:-2 "
					      "extents:1 across:65532k SS"));
	assert_int_equal(pmm_swap_pages(m, &total), 16383);
	assert_int_equal(total, 16383);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
	assert_int_equal(pmm_machine_desc_from_json_buffer(tiny, sizeof(tiny) - 1, "tiny.json", &d,
							   err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "tiny.json:2:10: swap: a swap device of 4096 bytes: it holds "
				    "from two pages"));
	for (i = 0; i < PMM__ARRAY_SIZE(logs); i++) {
		pmm_test_fmt(path, sizeof(path), "%s/realworld/%s/dmesg.txt", PMM_REPO_FIXTURES_DIR,
			     logs[i].dir);
		assert_int_equal(pmm_machine_desc_from_dmesg(path, &d, err, sizeof(err)), 0);
		assert_int_equal(d->swap_bytes, logs[i].kb ? logs[i].kb * 1024 + 4096 : 0);
		pmm_machine_desc_destroy(d);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists_and_ageing),
		cmocka_unit_test(test_isolate_putback),
		cmocka_unit_test(test_migration_keeps_lru),
		cmocka_unit_test(test_lru_threads),
		cmocka_unit_test(test_swap_device_described),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

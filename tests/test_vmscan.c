// SPDX-License-Identifier: MIT
/*
 * Reclaim and kswapd (mm/vmscan.c). Reclaim scans the tails of the
 * inactive lists a 1/2^priority share at a time and decides each folio as
 * shrink_folio_list() does (hand-computed below from the kernel's rules:
 * dirty file folios are left to kswapd, a mapped folio's first reference
 * keeps it, the owner may refuse); anonymous folios go to swap by
 * vm.swappiness with their contents, and come back; kswapd writes dirty
 * file folios back, synchronously or not; node reclaim keeps an
 * allocation on its node. kswapd on a node with nothing to reclaim gives
 * up after MAX_RECLAIM_RETRIES runs, as the kernel's does; a boosted
 * watermark wakes it and it spends the boost. The threads start with the
 * machine, run beside allocating threads and are joined at shutdown.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"
#include <pmm/swap.h>
#include <pmm/sysctl.h>
#include "internal.h"

#define M16	(16ULL << 20)

static struct pmm_machine *boot_64m(unsigned int flags)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", M16, 5 * M16);
	struct pmm_boot_opts opts = { .flags = flags | PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP };
	struct pmm_machine *m;

	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

static unsigned long event(struct pmm_machine *m, int item)
{
	unsigned long sum = 0;
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		sum += pmm_zone_event(m, &pmm_node_data(m, 0)->node_zones[z], item);
	return sum;
}

/* A line of /proc/vmstat or /proc/meminfo as pmm prints it; ~0 if absent. */
static unsigned long report_value(struct pmm_machine *m,
				  int (*print)(const struct pmm_machine *, FILE *), const char *name)
{
	char *text = pmm_test_capture(m, print);
	long v = pmm_test_field(text, name);

	free(text);
	return (unsigned long)v;
}

/*
 * 2 MiB allocations until they fail on a node with nothing reclaimable:
 * the failing one wakes kswapd, which finds the node unbalanced for order
 * 9, then (free memory being below the high watermark) for order 0, and
 * tries again at once, 16 runs in all, each a failure (15 times it could
 * not even nap: kswapd_high_wmark_hit_quickly); then it is hopeless and
 * no later wakeup runs it.
 */
static void test_kswapd_gives_up(void **state)
{
	struct pmm_machine *m = boot_64m(PMM_BOOT_INLINE_DAEMONS);
	pmm_pg_data_t *pgdat = pmm_node_data(m, 0);
	struct pmm_page *held[64];
	unsigned long n = 0, i, failures = 0;

	(void)state;
	assert_true(pgdat->kswapd_running);
	assert_true(pgdat->kcompactd_running);
	while (n < 64 && (held[n] = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 9)))
		n++;
	assert_true(n > 0 && n < 32);
	assert_int_equal(pgdat->kswapd_failures, 16);
	assert_int_equal(event(m, PMM_PAGEOUTRUN), 16);
	assert_int_equal(event(m, PMM_KSWAPD_HIGH_WMARK_HIT_QUICKLY), 15);
	for (i = 0; i < 10; i++) {
		assert_null(pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, 9));
		failures = pgdat->kswapd_failures;
	}
	assert_int_equal(failures, 16);
	assert_int_equal(event(m, PMM_PAGEOUTRUN), 16);
	/* freeing does not revive it: only reclaim that succeeds would */
	while (n)
		pmm_free_pages(m, held[--n], 9);
	assert_int_equal(pgdat->kswapd_failures, 16);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/*
 * A boosted watermark (a fallback fragmented a pageblock): the next
 * allocation that may wake kswapd does, and balance_pgdat() spends the
 * boost whether or not it reclaimed.
 */
static void test_boost_woken_and_spent(void **state)
{
	struct pmm_machine *m = boot_64m(PMM_BOOT_INLINE_DAEMONS);
	struct pmm_zone *zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	struct pmm_page *p;

	(void)state;
	__atomic_store_n(&zone->watermark_boost, 512, __ATOMIC_RELAXED);
	__atomic_fetch_or(&zone->flags, 1UL, __ATOMIC_RELAXED);	/* ZONE_BOOSTED_WATERMARK */
	/* no __GFP_KSWAPD_RECLAIM: kswapd is not woken, the boost stays */
	p = pmm_alloc_pages(m, __PMM_GFP_DIRECT_RECLAIM | __PMM_GFP_IO | __PMM_GFP_FS, 0);
	assert_non_null(p);
	pmm_free_pages(m, p, 0);
	assert_int_equal(zone->watermark_boost, 512);
	assert_int_equal(event(m, PMM_PAGEOUTRUN), 0);
	p = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
	assert_non_null(p);
	assert_int_equal(zone->watermark_boost, 0);
	assert_int_equal(event(m, PMM_PAGEOUTRUN), 1);
	assert_int_equal(zone->flags & 1UL, 0);
	pmm_free_pages(m, p, 0);
	pmm_shutdown(m);
}

struct churn {
	struct pmm_machine	*m;
	int			cpu;
	unsigned long		got;
};

static void *churn(void *arg)
{
	struct churn *c = arg;
	struct pmm_page *held[40];
	int round, n;

	pmm_set_cpu(c->m, c->cpu);
	for (round = 0; round < 20; round++) {
		for (n = 0; n < 40; n++) {
			held[n] = pmm_alloc_pages(c->m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN,
						  (unsigned int)(n % 10));
			if (!held[n])
				break;
			c->got++;
		}
		while (n--)
			pmm_free_pages(c->m, held[n], (unsigned int)(n % 10));
	}
	return NULL;
}

/*
 * The daemons as threads: two CPUs allocate up to failure and free, again
 * and again, waking kswapd and kcompactd; nothing is lost, and shutdown
 * joins both threads (TSan checks the handshakes).
 */
static void test_threads(void **state)
{
	struct pmm_machine *m = boot_64m(0);
	pmm_pg_data_t *pgdat = pmm_node_data(m, 0);
	struct churn c[2] = { { m, 0, 0 }, { m, 1, 0 } };
	unsigned long free_before;
	pthread_t t[2];
	int i;

	(void)state;
	assert_true(pgdat->kswapd_running);
	assert_true(pgdat->kcompactd_running);
	pmm_drain_all_pages(m);
	free_before = pmm_zone_free_pages(&pgdat->node_zones[PMM_ZONE_DMA32]);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, churn, &c[i]), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_true(c[0].got + c[1].got > 0);
	pmm_drain_all_pages(m);
	assert_int_equal(pmm_zone_free_pages(&pgdat->node_zones[PMM_ZONE_DMA32]), free_before);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- reclaim ------------------------------------------------------------------------------- */

/* An owner of folios: its index in page->index; it refuses a range, records evictions. */
struct owner {
	struct pmm_folio	**f;
	pmm_swp_entry_t		*entry;
	unsigned long		n;
	unsigned long		refuse_from, refuse_to;
	unsigned long		evicted, refused, writebacks;
	int			writeback_answer;	/* 0: written at once; PMM_RECLAIM_ASYNC */
	struct pmm_folio	**in_flight;		/* async writebacks, in order */
	unsigned long		nr_in_flight;
};

static int owner_reclaim(void *arg, struct pmm_folio *folio, int op, pmm_swp_entry_t entry)
{
	struct owner *o = arg;
	unsigned long i = folio->page.index;

	assert_true(i < o->n && o->f[i] == folio);
	if (op == PMM_RECLAIM_WRITEBACK) {
		assert_true(pmm_page_test_flag(&folio->page, PMM_PG_writeback));
		assert_false(pmm_page_test_flag(&folio->page, PMM_PG_dirty));
		o->writebacks++;
		if (o->writeback_answer == PMM_RECLAIM_ASYNC)
			o->in_flight[o->nr_in_flight++] = folio;
		return o->writeback_answer;
	}
	assert_int_equal(op, PMM_RECLAIM_EVICT);
	if (i >= o->refuse_from && i < o->refuse_to) {
		o->refused++;
		return 1;
	}
	o->f[i] = NULL;
	o->entry[i] = entry;
	o->evicted++;
	folio->page._mapcount = -1;	/* unmapped */
	return 0;
}

static void owner_init(struct owner *o, unsigned long n)
{
	memset(o, 0, sizeof(*o));
	o->f = calloc(n, sizeof(*o->f));
	o->entry = calloc(n, sizeof(*o->entry));
	o->in_flight = calloc(n, sizeof(*o->in_flight));
	assert_non_null(o->f);
	assert_non_null(o->entry);
	assert_non_null(o->in_flight);
	o->n = n;
}

static void owner_fini(struct pmm_machine *m, struct owner *o)
{
	unsigned long i;

	for (i = 0; i < o->n; i++) {
		if (o->f[i])
			pmm_folio_put(m, o->f[i]);
		else if (o->entry[i].val)
			assert_int_equal(pmm_swap_free(m, o->entry[i]), 0);
	}
	free(o->f);
	free(o->entry);
	free(o->in_flight);
}

static struct pmm_machine *boot_owned(pmm_phys_addr_t size, unsigned long long swap,
				      unsigned int flags, struct owner *o)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", M16, M16 + size);
	struct pmm_boot_opts opts = { .flags = flags | PMM_BOOT_NO_BIND | PMM_BOOT_INLINE_DAEMONS,
				      .reclaim_folio = owner_reclaim, .reclaim_folio_arg = o };
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_set_swap(d, swap), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

/* Folio i of the owner: order 0, on the LRU (anon if @anon), its index i. */
static void owner_add(struct pmm_machine *m, struct owner *o, unsigned long i, bool anon)
{
	struct pmm_folio *f = (struct pmm_folio *)pmm_alloc_pages_node(
		m, 0, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN, 0);

	assert_non_null(f);
	f->page.index = i;
	if (anon)
		pmm_page_set_flag(&f->page, PMM_PG_swapbacked);
	o->f[i] = f;
	assert_int_equal(pmm_folio_add_lru(m, f), 0);
}

static unsigned long node_free(struct pmm_machine *m)
{
	pmm_pg_data_t *pgdat = pmm_node_data(m, 0);
	unsigned long sum = 0;
	int z;

	pmm_drain_all_pages(m);
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		sum += pmm_zone_free_pages(&pgdat->node_zones[z]);
	return sum;
}

/*
 * 131072 clean file folios f0..f131071 (f0 oldest, at the tail); f0-f3
 * dirty, f4-f7 mapped and young, f8-f11 refused by their owner; asked for
 * 32 pages. Priority 12 scans 131072 >> 12 = 32 folios, f0..f31 (no swap:
 * file lists only; cache trim mode): f0-f3 are dirty and only kswapd
 * writes, so they get PG_reclaim and go active; f4-f7's first reference
 * keeps them (PG_referenced now); f8-f11 go back; f12-f31, 20 pages, are
 * freed. 20 < 32: priority 11 scans (131072 - 24) >> 11 = 63 in batches
 * of 32; the first batch, f32-f63, is freed, and with 52 >= 32 and no anon
 * to balance against, the scan stops. 52 pages, 64 scanned, the file
 * lists' cost 12 (the rotated folios of the first batch).
 */
static void test_reclaim_by_hand(void **state)
{
	const unsigned long n = 131072;
	struct owner o;
	struct pmm_machine *m;
	pmm_pg_data_t *pgdat;
	unsigned long i, before;

	(void)state;
	owner_init(&o, n);
	m = boot_owned(1ULL << 31, 0, PMM_BOOT_NO_DIRECT_MAP, &o);
	pgdat = pmm_node_data(m, 0);
	for (i = 0; i < n; i++)
		owner_add(m, &o, i, false);
	for (i = 0; i < 4; i++)
		assert_int_equal(pmm_folio_mark_dirty(m, o.f[i]), 1);
	assert_int_equal(pgdat->vm_stat[PMM_NR_DIRTY], 4);
	for (i = 4; i < 8; i++) {
		o.f[i]->page._mapcount = 0;
		pmm_page_set_flag(&o.f[i]->page, PMM_PG_young);
	}
	o.refuse_from = 8;
	o.refuse_to = 12;
	before = node_free(m);
	assert_int_equal(pmm_reclaim_node(m, 0, 32), 52);
	assert_int_equal(node_free(m) - before, 52);
	assert_int_equal(o.evicted, 52);
	assert_int_equal(o.refused, 4);
	for (i = 12; i < 64; i++)
		assert_null(o.f[i]);
	assert_non_null(o.f[64]);
	for (i = 0; i < 4; i++) {
		assert_true(pmm_page_test_flag(&o.f[i]->page, PMM_PG_active));
		assert_true(pmm_page_test_flag(&o.f[i]->page, PMM_PG_reclaim));
		assert_true(pmm_page_test_flag(&o.f[i]->page, PMM_PG_dirty));
	}
	for (i = 4; i < 8; i++) {
		assert_true(pmm_page_test_flag(&o.f[i]->page, PMM_PG_referenced));
		assert_false(pmm_page_test_flag(&o.f[i]->page, PMM_PG_young));
		assert_false(pmm_page_test_flag(&o.f[i]->page, PMM_PG_active));
	}
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_FILE), n - 52 - 4);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_ACTIVE_FILE), 4);
	assert_int_equal(pgdat->vm_stat[PMM_NR_VMSCAN_IMMEDIATE_RECLAIM], 4);
	assert_int_equal(pgdat->vm_stat[PMM_NR_ISOLATED_FILE], 0);
	/* 6.12 counts proactive reclaim as direct (its own counters came in 6.17) */
	assert_int_equal(event(m, PMM_PGSCAN_DIRECT), 64);
	assert_int_equal(event(m, PMM_PGSCAN_FILE), 64);
	assert_int_equal(event(m, PMM_PGSTEAL_DIRECT), 52);
	assert_int_equal(event(m, PMM_PGSTEAL_FILE), 52);
	assert_int_equal(event(m, PMM_PGSCAN_PROACTIVE) + event(m, PMM_PGSCAN_KSWAPD), 0);
	assert_int_equal(event(m, PMM_PGACTIVATE), 4);
	assert_int_equal(pgdat->__lruvec.file_cost, 12);
	assert_int_equal(pgdat->__lruvec.anon_cost, 0);
	assert_int_equal(pmm_check(m), 0);
	owner_fini(m, &o);
	assert_int_equal(pgdat->vm_stat[PMM_NR_DIRTY], 0);
	pmm_shutdown(m);
}

static unsigned int checksum(const struct pmm_machine *m, const struct pmm_page *page)
{
	const unsigned char *p = pmm_page_address(m, page);
	unsigned int sum = 0, i;

	for (i = 0; i < 4096; i++)
		sum = sum * 31 + p[i];
	return sum;
}

/*
 * 131072 anonymous folios with a swap device: with vm.swappiness 0 reclaim
 * leaves them (SCAN_FRACT gives anon no share, and there is no file cache
 * to take); with 200 anon has the whole share, and priority 12 swaps out
 * the 32 oldest. Their contents come back with pmm_swapin() (PSWPIN), the
 * slots are free again. A swap device of one slot takes one folio and the
 * others scanned stay, activated, contents intact.
 */
static void test_swap_out_and_in(void **state)
{
	const unsigned long n = 131072;
	long v0 = 0, v200 = 200;
	struct owner o;
	struct pmm_machine *m;
	pmm_pg_data_t *pgdat;
	unsigned int sums[32];
	unsigned long i, total;

	(void)state;
	owner_init(&o, n);
	m = boot_owned(1ULL << 31, 64ULL << 20, 0, &o);
	pgdat = pmm_node_data(m, 0);
	assert_int_equal(pmm_swap_pages(m, &total), 16383);
	assert_int_equal(total, 16383);
	for (i = 0; i < n; i++) {
		owner_add(m, &o, i, true);
		memset(pmm_page_address(m, &o.f[i]->page), (int)(i * 7 + 1), 4096);
		((unsigned long *)pmm_page_address(m, &o.f[i]->page))[0] = i;
	}
	for (i = 0; i < 32; i++)
		sums[i] = checksum(m, &o.f[i]->page);
	assert_int_equal(pmm_sysctl_write(m, "vm.swappiness", &v0, 1), 0);
	assert_int_equal(pmm_reclaim_node(m, 0, 32), 0);
	assert_int_equal(o.evicted, 0);
	assert_int_equal(pmm_sysctl_write(m, "vm.swappiness", &v200, 1), 0);
	assert_int_equal(pmm_reclaim_node(m, 0, 32), 32);
	assert_int_equal(o.evicted, 32);
	assert_int_equal(event(m, PMM_PSWPOUT), 32);
	assert_int_equal(event(m, PMM_PGSTEAL_ANON), 32);
	assert_int_equal(pmm_swap_pages(m, NULL), 16383 - 32);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON), n - 32);
	/* the reports: 32 pages out, 128 KiB written, the anon list and swap as left */
	assert_int_equal(report_value(m, pmm_print_vmstat, "pswpout"), 32);
	assert_int_equal(report_value(m, pmm_print_vmstat, "pgpgout"), 128);
	assert_int_equal(report_value(m, pmm_print_vmstat, "pgsteal_anon"), 32);
	assert_int_equal(report_value(m, pmm_print_vmstat, "pgsteal_direct") +
			 report_value(m, pmm_print_vmstat, "pgsteal_kswapd"), 32);
	assert_int_equal(report_value(m, pmm_print_vmstat, "nr_inactive_anon"), n - 32);
	{
		/* zoneinfo's per-node stats of the node: the same LRU counter */
		char *zi = pmm_test_capture(m, pmm_print_zoneinfo), line[64];

		snprintf(line, sizeof(line), "\n      nr_inactive_anon %lu\n", n - 32);
		assert_non_null(strstr(zi, line));
		free(zi);
	}
	assert_int_equal(report_value(m, pmm_print_meminfo, "Inactive(anon)"), (n - 32) * 4);
	assert_int_equal(report_value(m, pmm_print_meminfo, "SwapTotal"), 16383 * 4);
	assert_int_equal(report_value(m, pmm_print_meminfo, "SwapFree"), (16383 - 32) * 4);
	for (i = 0; i < 32; i++) {
		struct pmm_folio *f;

		assert_null(o.f[i]);
		assert_true(o.entry[i].val);
		f = pmm_swapin(m, o.entry[i], PMM_GFP_HIGHUSER_MOVABLE, PMM_NUMA_NO_NODE);
		assert_non_null(f);
		assert_int_equal(checksum(m, &f->page), sums[i]);
		assert_int_equal(((unsigned long *)pmm_page_address(m, &f->page))[0], i);
		assert_true(pmm_page_test_flag(&f->page, PMM_PG_swapbacked));
		assert_true(pmm_page_test_flag(&f->page, PMM_PG_lru));
		f->page.index = i;
		o.f[i] = f;
		o.entry[i].val = 0;
	}
	assert_int_equal(event(m, PMM_PSWPIN), 32);
	assert_int_equal(report_value(m, pmm_print_vmstat, "pswpin"), 32);
	assert_int_equal(report_value(m, pmm_print_vmstat, "pgpgin"), 128);
	assert_int_equal(pmm_swap_pages(m, NULL), 16383);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON), n);
	assert_null(pmm_swapin(m, (pmm_swp_entry_t){ 5 }, PMM_GFP_KERNEL, 0));
	assert_int_equal(pmm_swap_free(m, (pmm_swp_entry_t){ 0 }), -EINVAL);
	assert_int_equal(pmm_check(m), 0);
	owner_fini(m, &o);
	pmm_shutdown(m);
	(void)pgdat;

	/* one slot: the first folio scanned takes it, the rest stay, activated */
	owner_init(&o, n);
	m = boot_owned(1ULL << 31, 2 * 4096, 0, &o);
	assert_int_equal(pmm_sysctl_write(m, "vm.swappiness", &v200, 1), 0);
	for (i = 0; i < n; i++) {
		owner_add(m, &o, i, true);
		memset(pmm_page_address(m, &o.f[i]->page), (int)(i + 3), 4096);
	}
	assert_int_equal(pmm_reclaim_node(m, 0, 32), 1);
	assert_int_equal(o.evicted, 1);
	assert_null(o.f[0]);
	assert_int_equal(pmm_swap_pages(m, NULL), 0);
	for (i = 1; i < 32; i++) {
		assert_true(pmm_page_test_flag(&o.f[i]->page, PMM_PG_active));
		assert_int_equal(((unsigned char *)pmm_page_address(m, &o.f[i]->page))[4095],
				 (unsigned char)(i + 3));
	}
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_ACTIVE_ANON), 31);
	assert_int_equal(pmm_check(m), 0);
	owner_fini(m, &o);
	pmm_shutdown(m);
}

/*
 * A node filled with dirty file folios, and then a thousand more wanted:
 * direct reclaim may not write them, kswapd does, once it has seen them
 * dirty (PG_reclaim) on a node whose file folios were all dirty
 * (PGDAT_DIRTY); every allocation succeeds, and what was written is
 * counted (nr_written, nr_vmscan_write). Then writes that complete later:
 * a folio whose write ends goes to the tail of its inactive list
 * (pgrotated) and is the first that reclaim takes.
 */
static void test_kswapd_writeback(void **state)
{
	const unsigned long n = 40000;
	struct owner o;
	struct pmm_machine *m;
	pmm_pg_data_t *pgdat;
	unsigned long i, first_free, live = 0, dirty = 0, k, rotated = 0;

	(void)state;
	owner_init(&o, n);
	m = boot_owned(4 * M16, 0, PMM_BOOT_NO_DIRECT_MAP, &o);
	pgdat = pmm_node_data(m, 0);
	first_free = node_free(m);
	assert_true(first_free + 1000 < n);
	for (i = 0; i < first_free + 1000; i++) {
		owner_add(m, &o, i, false);
		assert_int_equal(pmm_folio_mark_dirty(m, o.f[i]), 1);
	}
	assert_true(o.writebacks > 0);
	assert_true(o.evicted >= 1000);
	assert_true(event(m, PMM_PGSTEAL_KSWAPD) > 0);
	for (i = 0; i < first_free + 1000; i++) {
		if (!o.f[i])
			continue;
		live++;
		dirty += pmm_page_test_flag(&o.f[i]->page, PMM_PG_dirty);
	}
	assert_int_equal(live, first_free + 1000 - o.evicted);
	assert_int_equal(pgdat->vm_stat[PMM_NR_DIRTY], dirty);
	assert_int_equal(pgdat->vm_stat[PMM_NR_WRITTEN], o.writebacks);
	assert_int_equal(pgdat->vm_stat[PMM_NR_VMSCAN_WRITE], o.writebacks);
	assert_int_equal(pgdat->vm_stat[PMM_NR_WRITEBACK], 0);
	assert_int_equal(pmm_check(m), 0);

	/* writes that complete later: the completed ones are reclaimed first */
	o.writeback_answer = PMM_RECLAIM_ASYNC;
	k = o.writebacks;
	for (; i < n && o.nr_in_flight < 64; i++) {
		owner_add(m, &o, i, false);
		assert_int_equal(pmm_folio_mark_dirty(m, o.f[i]), 1);
	}
	assert_true(o.nr_in_flight >= 64);
	assert_int_equal(pgdat->vm_stat[PMM_NR_WRITEBACK], o.nr_in_flight);
	for (k = 0; k < o.nr_in_flight; k++) {
		struct pmm_folio *f = o.in_flight[k];

		if (!pmm_page_test_flag(&f->page, PMM_PG_writeback))
			continue;
		rotated += pmm_page_test_flag(&f->page, PMM_PG_reclaim);
		assert_int_equal(pmm_folio_end_writeback(m, f), 0);
		assert_false(pmm_page_test_flag(&f->page, PMM_PG_reclaim));
	}
	assert_int_equal(event(m, PMM_PGROTATED), rotated);
	assert_int_equal(pgdat->vm_stat[PMM_NR_WRITEBACK], 0);
	assert_int_equal(pmm_folio_end_writeback(m, o.in_flight[0]), -EINVAL);
	assert_true(pmm_reclaim_node(m, 0, 8) >= 8);
	for (k = 0; k < 8; k++)
		assert_null(o.f[o.in_flight[o.nr_in_flight - 1 - k]->page.index]);
	assert_int_equal(pmm_check(m), 0);
	owner_fini(m, &o);
	pmm_shutdown(m);
}

/*
 * vm.zone_reclaim_mode: node 0 (CPU 0) full of clean 64 KiB file folios
 * down to just below its low watermark (less than one folio below: order 4
 * bypasses the per-CPU lists). With mode 0 an allocation from CPU 0 leaves
 * for node 1; with mode 1 node_reclaim() shrinks node 0 first at
 * NODE_RECLAIM_PRIORITY, one batch of SWAP_CLUSTER_MAX pages, the two
 * oldest folios (its page cache is far above min_unmapped_pages), which
 * lifts the zone over its low watermark, and the page is node 0's.
 */
static void test_node_reclaim(void **state)
{
	const unsigned long n = 70000;
	struct pmm_machine_desc *d;
	struct owner o;
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP |
					       PMM_BOOT_INLINE_DAEMONS,
				      .reclaim_folio = owner_reclaim, .reclaim_folio_arg = &o };
	struct pmm_machine *m;
	struct pmm_zone *zone;
	struct pmm_page *p;
	unsigned long i = 0, low;
	long mode = 1;

	(void)state;
	owner_init(&o, n);
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 1, "1"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, M16, M16 + (256ULL << 20), 0, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, M16 + (256ULL << 20), M16 + (512ULL << 20),
						     1, 0), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	pmm_set_cpu(m, 0);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	low = zone->_watermark[PMM_WMARK_LOW];
	while (pmm_zone_free_pages(zone) >= low) {
		struct pmm_folio *f = (struct pmm_folio *)pmm_alloc_pages_node(
			m, 0, __PMM_GFP_MOVABLE | __PMM_GFP_THISNODE | __PMM_GFP_COMP |
			__PMM_GFP_NOWARN | __PMM_GFP_NOMEMALLOC, 4);	/* no HIGHATOMIC reserve */

		assert_non_null(f);
		f->page.index = i;
		o.f[i++] = f;
		assert_int_equal(pmm_folio_add_lru(m, f), 0);
		assert_true(i < n);
	}
	p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(pmm_page_to_nid(p), 1);
	pmm_free_pages(m, p, 0);
	assert_int_equal(o.evicted, 0);
	assert_int_equal(pmm_sysctl_write(m, "vm.zone_reclaim_mode", &mode, 1), 0);
	p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(pmm_page_to_nid(p), 0);
	assert_int_equal(o.evicted, 2);
	assert_int_equal(event(m, PMM_PGSTEAL_DIRECT), 32);
	assert_int_equal(event(m, PMM_ZONE_RECLAIM_FAILED), 0);
	assert_null(o.f[0]);
	assert_null(o.f[1]);
	assert_non_null(o.f[2]);
	pmm_free_pages(m, p, 0);
	assert_int_equal(pmm_check(m), 0);
	owner_fini(m, &o);
	pmm_shutdown(m);
}

/* An owner shared by threads: a folio is the owner's until one side takes it atomically. */
struct shared_owner {
	struct pmm_folio	**f;
	unsigned long		n, next, evicted, refused, written;
};

static int shared_reclaim(void *arg, struct pmm_folio *folio, int op, pmm_swp_entry_t entry)
{
	struct shared_owner *o = arg;
	unsigned long i = folio->page.index;
	struct pmm_folio *expected = folio;

	(void)entry;
	if (op == PMM_RECLAIM_WRITEBACK) {
		__atomic_fetch_add(&o->written, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (!__atomic_compare_exchange_n(&o->f[i], &expected, NULL, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_ACQUIRE)) {
		__atomic_fetch_add(&o->refused, 1, __ATOMIC_RELAXED);
		return 1;	/* the owner is putting it itself */
	}
	__atomic_fetch_add(&o->evicted, 1, __ATOMIC_RELAXED);
	return 0;
}

struct filler {
	struct pmm_machine	*m;
	struct shared_owner	*o;
	int			cpu;
};

static void *fill(void *arg)
{
	struct filler *w = arg;
	struct shared_owner *o = w->o;

	pmm_set_cpu(w->m, w->cpu);
	for (;;) {
		unsigned long i = __atomic_fetch_add(&o->next, 1, __ATOMIC_RELAXED);
		struct pmm_folio *f;

		if (i >= o->n)
			break;
		f = (struct pmm_folio *)pmm_alloc_pages(w->m, PMM_GFP_HIGHUSER_MOVABLE |
							 __PMM_GFP_NOWARN, 0);
		if (!f)
			continue;
		f->page.index = i;
		if (i % 3 == 0)
			pmm_page_set_flag(&f->page, PMM_PG_swapbacked);
		__atomic_store_n(&o->f[i], f, __ATOMIC_RELEASE);
		pmm_folio_add_lru(w->m, f);
		if (i % 3 == 1)
			pmm_folio_mark_dirty(w->m, f);
		if (i % 5 == 0)
			pmm_folio_mark_accessed(w->m, f);
		/* give some back now and then, racing with reclaim for them */
		if (i % 7 == 0) {
			f = __atomic_exchange_n(&o->f[i], NULL, __ATOMIC_ACQ_REL);
			if (f)
				pmm_folio_put(w->m, f);
		}
	}
	return NULL;
}

/*
 * kswapd and direct reclaim as threads: two CPUs fill a 64 MiB machine
 * with twice its memory in anon (swap), clean and dirty file folios, and
 * give some back while reclaim evicts others. Each folio ends exactly once
 * (evicted or put), nothing is lost, the counters add up (TSan checks the
 * locking).
 */
static void test_reclaim_threads(void **state)
{
	const unsigned long n = 2 * 16384;
	struct shared_owner o = { .n = n };
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", M16, 5 * M16);
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .reclaim_folio = shared_reclaim, .reclaim_folio_arg = &o };
	struct filler w[2];
	struct pmm_machine *m;
	pthread_t t[2];
	unsigned long i, free_before, held = 0;
	int k;

	(void)state;
	o.f = calloc(n, sizeof(*o.f));
	assert_non_null(o.f);
	assert_int_equal(pmm_machine_desc_set_swap(d, 16ULL << 20), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	free_before = node_free(m);
	for (k = 0; k < 2; k++) {
		w[k] = (struct filler){ m, &o, k };
		assert_int_equal(pthread_create(&t[k], NULL, fill, &w[k]), 0);
	}
	for (k = 0; k < 2; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	assert_true(o.evicted > 0);
	assert_true(event(m, PMM_PGSTEAL_KSWAPD) + event(m, PMM_PGSTEAL_DIRECT) > 0);
	for (i = 0; i < n; i++) {
		struct pmm_folio *f = __atomic_exchange_n(&o.f[i], NULL, __ATOMIC_ACQ_REL);

		if (f) {
			held++;
			pmm_folio_put(m, f);
		}
	}
	assert_true(held > 0);
	pmm__kthreads_stop(m, 0);	/* joins kswapd: nothing of it runs past here */
	assert_int_equal(node_free(m), free_before);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON) +
			 pmm_lru_pages(m, 0, PMM_LRU_ACTIVE_ANON) +
			 pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_FILE) +
			 pmm_lru_pages(m, 0, PMM_LRU_ACTIVE_FILE), 0);
	assert_int_equal(pmm_node_data(m, 0)->vm_stat[PMM_NR_DIRTY], 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(o.f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kswapd_gives_up),
		cmocka_unit_test(test_boost_woken_and_spent),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_reclaim_by_hand),
		cmocka_unit_test(test_swap_out_and_in),
		cmocka_unit_test(test_kswapd_writeback),
		cmocka_unit_test(test_node_reclaim),
		cmocka_unit_test(test_reclaim_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * kswapd (mm/vmscan.c): woken by the allocator's slow path, it balances
 * the node, and on a node with nothing to reclaim it gives up after
 * MAX_RECLAIM_RETRIES runs, as the kernel's does; a boosted watermark
 * wakes it and it spends the boost. The threads start with the machine, run
 * beside allocating threads and are joined at shutdown.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "pmm_test.h"
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kswapd_gives_up),
		cmocka_unit_test(test_boost_woken_and_spent),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

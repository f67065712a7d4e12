// SPDX-License-Identifier: MIT
/*
 * zone->lock (pmm_spinlock_t, src/spinlock.c) against its contract:
 *  - mutual exclusion, with more threads than host CPUs;
 *  - a holder that keeps taking the lock hands it to a waiter after a turn
 *    (the waiter is not starved);
 *  - a lock promised to a waiter is taken by no one else;
 *  - a promised waiter whose holder keeps the lock sleeps on the futex and is
 *    woken by the unlock; the flags are clear afterwards.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <time.h>

#include <cmocka.h>

#include "internal.h"

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct counter {
	pmm_spinlock_t	lock;
	unsigned long	value;		/* written under the lock only, not atomically */
	int		inside;		/* threads inside the critical section */
	int		overlaps;	/* times a thread found another inside */
};

#define COUNT_THREADS	6
#define COUNT_ROUNDS	1000000

static void *count_thread(void *arg)
{
	struct counter *c = arg;
	int i;

	for (i = 0; i < COUNT_ROUNDS; i++) {
		pmm__spin_lock(&c->lock);
		if (c->inside++)
			c->overlaps++;
		c->value++;
		c->inside--;
		pmm__spin_unlock(&c->lock);
	}
	return NULL;
}

static void test_mutual_exclusion(void **state)
{
	static struct counter c;
	pthread_t t[COUNT_THREADS];
	int i;

	(void)state;
	for (i = 0; i < COUNT_THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, count_thread, &c), 0);
	for (i = 0; i < COUNT_THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(c.overlaps, 0);
	assert_int_equal(c.value, (unsigned long)COUNT_THREADS * COUNT_ROUNDS);
	/* every acquisition was counted in the word; no flag is left behind */
	assert_int_equal(c.lock.word / PMM__SPIN_TAKEN, (unsigned long)COUNT_THREADS * COUNT_ROUNDS);
	assert_int_equal(c.lock.word & (PMM__SPIN_TAKEN - 1), 0);
}

struct hog {
	pmm_spinlock_t	lock;
	int		stop;		/* set by the waiter when it is done */
	int		gave_up;	/* the hog's deadline passed: the waiter starved */
	unsigned long	rounds;
};

#define HOG_DEADLINE_S	10.0

/* takes and lets go of the lock back to back, as a thread allocating in a loop */
static void *hog_thread(void *arg)
{
	struct hog *h = arg;
	double deadline = now_s() + HOG_DEADLINE_S;

	while (!__atomic_load_n(&h->stop, __ATOMIC_RELAXED)) {
		unsigned long r;

		pmm__spin_lock(&h->lock);
		r = __atomic_add_fetch(&h->rounds, 1, __ATOMIC_RELAXED);
		pmm__spin_unlock(&h->lock);
		if (!(r % 4096) && now_s() > deadline) {
			h->gave_up = 1;
			break;
		}
	}
	return NULL;
}

static void test_busy_holder_hands_over(void **state)
{
	static struct hog h;
	pthread_t t;
	int i;

	(void)state;
	assert_int_equal(pthread_create(&t, NULL, hog_thread, &h), 0);
	while (__atomic_load_n(&h.rounds, __ATOMIC_RELAXED) < 10000)
		sleep_ms(1);	/* the hog is on its run */
	/* each of these waits for the hog's turn to end (a lock that let the hog keep
	 * it would hold this thread until the hog's deadline); after each, the hog,
	 * done waiting, takes the lock again (no flag left behind keeps it out; how
	 * soon depends on when the host runs it: on 2 busy host CPUs, milliseconds) */
	for (i = 0; i < 20; i++) {
		double deadline = now_s() + 5;
		unsigned long now;

		pmm__spin_lock(&h.lock);
		now = __atomic_load_n(&h.rounds, __ATOMIC_RELAXED);
		assert_int_equal(h.gave_up, 0);
		pmm__spin_unlock(&h.lock);
		while (__atomic_load_n(&h.rounds, __ATOMIC_RELAXED) == now && now_s() < deadline)
			sleep_ms(1);
		assert_true(__atomic_load_n(&h.rounds, __ATOMIC_RELAXED) > now);
	}
	__atomic_store_n(&h.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	assert_int_equal(h.gave_up, 0);
}

static void test_promised_lock(void **state)
{
	pmm_spinlock_t l = { 0 };

	(void)state;
	/* promised to a waiter and let go: no one else takes it */
	l.word = 5 * PMM__SPIN_TAKEN + PMM__SPIN_HANDOFF;
	assert_false(pmm__spin_trylock(&l));
	l.word = 5 * PMM__SPIN_TAKEN;
	assert_true(pmm__spin_trylock(&l));
	assert_int_equal(l.word, 6 * PMM__SPIN_TAKEN + PMM__SPIN_LOCKED);
	assert_false(pmm__spin_trylock(&l));
	pmm__spin_unlock(&l);
	assert_int_equal(l.word, 6 * PMM__SPIN_TAKEN);
}

struct sleeper {
	pmm_spinlock_t	*lock;
	int		got;
};

static void *sleeper_thread(void *arg)
{
	struct sleeper *s = arg;

	pmm__spin_lock(s->lock);
	__atomic_store_n(&s->got, 1, __ATOMIC_RELEASE);
	pmm__spin_unlock(s->lock);
	return NULL;
}

static void test_promised_waiter_sleeps(void **state)
{
	static pmm_spinlock_t l;
	struct sleeper s = { .lock = &l };
	const unsigned int asleep = PMM__SPIN_LOCKED | PMM__SPIN_HANDOFF | PMM__SPIN_SLEEPER;
	double deadline;
	pthread_t t;

	(void)state;
	pmm__spin_lock(&l);
	assert_int_equal(pthread_create(&t, NULL, sleeper_thread, &s), 0);
	/* this thread holds on for longer than a turn: the waiter asks for the lock,
	 * spins a while for the unlock, then sleeps */
	deadline = now_s() + 30;
	while ((__atomic_load_n(&l.word, __ATOMIC_RELAXED) & asleep) != asleep && now_s() < deadline)
		sleep_ms(1);
	assert_int_equal(__atomic_load_n(&l.word, __ATOMIC_RELAXED) & asleep, asleep);
	sleep_ms(20);
	assert_int_equal(__atomic_load_n(&s.got, __ATOMIC_ACQUIRE), 0);
	pmm__spin_unlock(&l);	/* wakes it */
	pthread_join(t, NULL);
	assert_int_equal(s.got, 1);
	assert_int_equal(l.word, 2 * PMM__SPIN_TAKEN);	/* two acquisitions, no flag left */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutual_exclusion),
		cmocka_unit_test(test_busy_holder_hands_over),
		cmocka_unit_test(test_promised_lock),
		cmocka_unit_test(test_promised_waiter_sleeps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

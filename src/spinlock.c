// SPDX-License-Identifier: MIT
/*
 * Locks that behave as the kernel's spinlock_t (kernel/locking/spinlock.c)
 * on a host that may have fewer CPUs than the simulated machine.
 *
 * A kernel spinlock spins because its holder is running on another CPU and
 * will let go within microseconds. Here the holder is a host thread that the
 * host may have descheduled (64 simulated CPUs on 2 host cores), and
 * spinning on would burn the waiter's whole timeslice. So pmm's spinning
 * locks spin briefly and then wait:
 *
 *  - the LRU lock is a pthread mutex of glibc's adaptive kind
 *    (PTHREAD_MUTEX_ADAPTIVE_NP): a contended lock spins up to
 *    glibc.pthread.mutex_spin_count times (100) with pause, learning how
 *    long holds last, before it sleeps on the futex;
 *  - zone->lock (pmm_spinlock_t) is one word and a timestamp: uncontended,
 *    one compare-and-swap to lock and one atomic subtract to unlock, no
 *    call. It is fair over turns, not over acquisitions. A waiter looks at
 *    the lock after 0.1, 0.2, 0.4, 0.8, 1.6 us spinning, then every 1.6 us
 *    asleep (the host's timer slack makes that about 50 us); it takes a
 *    free lock unless the holder took it again more than once a
 *    microsecond since the last look (a thread allocating in a loop, between
 *    two calls). Such a holder keeps the lock for its turn,
 *    SPIN_TURN_NS; then a waiter that has waited as long asks for it
 *    (no one else may take it now) and the holder's next unlock hands it
 *    over, waking the asker if it had to sleep. Go's sync.Mutex does the
 *    same after 1 ms and calls it starvation mode; the kernel's mutex sets
 *    MUTEX_FLAG_HANDOFF. Why: each time a zone's lock changes hands, the
 *    zone's lines (free list heads, counters, the struct pages both threads
 *    split and merge) move between host cores, at 100-250 ns a line, so a
 *    lock handed over at every release lets two threads do a third of the
 *    work of one (measured on a 2-vCPU EPYC: 0.30-0.43x); in turns they do
 *    about what one does (0.9-1.2x). A kernel spinlock is fair (queued) and
 *    collapses the same way on real hardware, where the zone lock is why
 *    the per-CPU lists exist;
 *  - a per-CPU list's lock is a test-and-test-and-set word unlocked with a
 *    plain store (it is rarely contended: each thread drives its own
 *    simulated CPU's lists); a waiter backs off exponentially and then
 *    yields the host CPU between tries.
 */
#define _GNU_SOURCE 1
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* a busy holder's turn while others wait */
#define SPIN_TURN_NS		100000ull
/* a waiter looks in after 100 ns, then at doubling intervals up to this; from
 * then on it sleeps between looks */
#define SPIN_FIRST_LOOK_NS	100ull
#define SPIN_LONGEST_LOOK_NS	1600ull
/* a holder that took the lock again more often than this is on a run */
#define SPIN_BUSY_NS		1000ull
/* a waiter promised the lock spins this long for the holder's unlock, then sleeps */
#define SPIN_HANDOFF_SPIN_NS	20000ull

#define SPIN_FLAGS	(PMM__SPIN_TAKEN - 1)

void pmm__spin_lock_init(pmm_lock_t *lock)
{
	pthread_mutexattr_t attr;

	pthread_mutexattr_init(&attr);
#ifdef PTHREAD_MUTEX_ADAPTIVE_NP
	pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
	pthread_mutex_init(lock, &attr);
	pthread_mutexattr_destroy(&attr);
}

static long futex(unsigned int *word, int op, unsigned int val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void spin_for(unsigned long long ns)
{
	unsigned long long end = now_ns() + ns;
	int i;

	do {
		for (i = 0; i < 8; i++)
			pmm__cpu_relax();
	} while (now_ns() < end);
}

/* Take the free lock whose word was @w, clearing any handoff it promised this
 * waiter; the taker's turn starts now. Return: false if the word changed. */
static bool take(pmm_spinlock_t *l, unsigned int w)
{
	unsigned int taken = (w & ~SPIN_FLAGS) + PMM__SPIN_TAKEN + PMM__SPIN_LOCKED;

	if (!__atomic_compare_exchange_n(&l->word, &w, taken, false, __ATOMIC_ACQUIRE,
					 __ATOMIC_RELAXED))
		return false;
	__atomic_store_n(&l->since, now_ns(), __ATOMIC_RELAXED);
	return true;
}

/* Take the lock once its holder lets go: this waiter set SPIN_HANDOFF, so no one
 * else may take it. While the word is locked and promised, only the holder's
 * unlock changes it, so a futex sleep on that value is woken by that unlock. */
static void take_promised(pmm_spinlock_t *l)
{
	unsigned long long start = now_ns();

	for (;;) {
		unsigned int w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

		if (!(w & PMM__SPIN_LOCKED)) {
			if (take(l, w))
				return;
			continue;
		}
		if (now_ns() - start < SPIN_HANDOFF_SPIN_NS) {
			spin_for(0);
			continue;
		}
		/* the holder is slow to let go (descheduled?): sleep until it does */
		if (!(w & PMM__SPIN_SLEEPER) &&
		    !__atomic_compare_exchange_n(&l->word, &w, w | PMM__SPIN_SLEEPER, false,
						 __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			continue;
		futex(&l->word, FUTEX_WAIT_PRIVATE, w | PMM__SPIN_SLEEPER);
	}
}

void pmm__spin_lock_slow(pmm_spinlock_t *l)
{
	unsigned long long start = now_ns(), last = start, gap = SPIN_FIRST_LOOK_NS;
	unsigned int seen = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	for (;;) {
		unsigned long long t, runs;
		unsigned int w;

		if (gap < SPIN_LONGEST_LOOK_NS) {
			spin_for(gap);
			gap *= 2;
		} else {
			struct timespec ts = { 0, (long)gap };

			nanosleep(&ts, NULL);
		}
		w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
		t = now_ns();
		/* free: take it unless a busy holder is between two calls */
		runs = ((w & ~SPIN_FLAGS) - (seen & ~SPIN_FLAGS)) / PMM__SPIN_TAKEN;
		if (!(w & (PMM__SPIN_LOCKED | PMM__SPIN_HANDOFF)) &&
		    runs * SPIN_BUSY_NS <= t - last && take(l, w))
			return;
		seen = w;
		last = t;
		/* waited a turn, and the holder has had one: ask for the lock */
		if (!(w & PMM__SPIN_HANDOFF) && t - start >= SPIN_TURN_NS &&
		    t - __atomic_load_n(&l->since, __ATOMIC_RELAXED) >= SPIN_TURN_NS &&
		    __atomic_compare_exchange_n(&l->word, &w, w | PMM__SPIN_HANDOFF, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			take_promised(l);
			return;
		}
	}
}

void pmm__spin_unlock_wake(pmm_spinlock_t *l)
{
	futex(&l->word, FUTEX_WAKE_PRIVATE, 1);
}

/* a pcp waiter backs off up to this many pauses between tries ... */
#define PCP_MAX_DELAY		64
/* ... and after this many of its longest backoffs, yields between them */
#define PCP_ROUNDS_BEFORE_YIELD	16

void pmm__pcp_lock_slow(pmm__pcp_lock_t *l)
{
	unsigned int delay = 1, rounds = 0, i;

	do {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			for (i = 0; i < delay; i++)
				pmm__cpu_relax();
			if (delay < PCP_MAX_DELAY)
				delay <<= 1;
			else if (++rounds >= PCP_ROUNDS_BEFORE_YIELD)
				sched_yield();	/* the holder may be waiting for this host CPU */
		}
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

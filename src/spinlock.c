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
 *  - zone->lock (pmm_spinlock_t) is one word
 *    (Drepper's futex mutex, "Futexes are tricky"): uncontended, one
 *    compare-and-swap to lock and one exchange to unlock, no call; a waiter
 *    spins backing off exponentially (1, 2, 4 ... PMM__SPIN_MAX_DELAY
 *    pauses between tries), then sleeps on the futex until the holder
 *    lets go, and spins again when woken. Spinning keeps a short wait short; sleeping lets the holder
 *    run its next operations with the zone's cache lines to itself, which
 *    is what two threads on one zone need to do more than one;
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
#include <unistd.h>

#include "internal.h"

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

static long futex(int *word, int op, int val)
{
	return syscall(SYS_futex, word, op, val, NULL, NULL, 0);
}

void pmm__spin_lock_slow(pmm_spinlock_t *l)
{
	int want = 1;	/* the state to take it in: 2 once we have slept (others may too) */

	for (;;) {
		unsigned int delay, i;

		/* spin while the holder runs, backing off exponentially: a waiter that
		 * keeps reading the lock's line takes it from the holder */
		for (delay = 1; delay <= PMM__SPIN_MAX_DELAY; delay <<= 1) {
			int unlocked = 0;

			for (i = 0; i < delay; i++)
				pmm__cpu_relax();
			if (!__atomic_load_n(&l->locked, __ATOMIC_RELAXED) &&
			    __atomic_compare_exchange_n(&l->locked, &unlocked, want, false,
							__ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
				return;
		}
		/* then sleep until the holder lets go (2: "someone may be waiting"), and
		 * spin again when woken: the holder pays one wakeup per sleep, not one
		 * per release while this waiter comes and goes */
		if (!__atomic_exchange_n(&l->locked, 2, __ATOMIC_ACQUIRE))
			return;
		futex(&l->locked, FUTEX_WAIT_PRIVATE, 2);
		want = 2;
	}
}

void pmm__spin_unlock_wake(pmm_spinlock_t *l)
{
	futex(&l->locked, FUTEX_WAKE_PRIVATE, 1);
}

/* a pcp waiter's longest backoffs before it starts yielding */
#define PCP_ROUNDS_BEFORE_YIELD	16

void pmm__pcp_lock_slow(pmm__pcp_lock_t *l)
{
	unsigned int delay = 1, rounds = 0, i;

	do {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			for (i = 0; i < delay; i++)
				pmm__cpu_relax();
			if (delay < PMM__SPIN_MAX_DELAY)
				delay <<= 1;
			else if (++rounds >= PCP_ROUNDS_BEFORE_YIELD)
				sched_yield();	/* the holder may be waiting for this host CPU */
		}
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

// SPDX-License-Identifier: MIT
/*
 * Locks that behave as the kernel's spinlock_t (kernel/locking/spinlock.c)
 * on a host that may have fewer CPUs than the simulated machine.
 *
 * A kernel spinlock spins because its holder is running on another CPU and
 * will let go within microseconds. Here the holder is a host thread that the
 * host may have descheduled (64 simulated CPUs on 2 host cores), and
 * spinning on would burn the waiter's whole timeslice. So both of pmm's
 * spinning locks spin briefly and then wait:
 *
 *  - zone->lock and the LRU lock are pthread mutexes of glibc's adaptive
 *    kind (PTHREAD_MUTEX_ADAPTIVE_NP): a contended lock spins up to
 *    glibc.pthread.mutex_spin_count times (100) with pause, learning how
 *    long holds last, before it sleeps on the futex;
 *  - the per-CPU lists' lock (pmm__spinlock_t) is a test-and-test-and-set
 *    word: uncontended, one atomic exchange; contended, it spins
 *    PMM__SPIN_BEFORE_YIELD times, then yields the host CPU between tries.
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <sched.h>

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

void pmm__spin_lock_slow(pmm__spinlock_t *l)
{
	unsigned int spins = 0;

	do {
		while (__atomic_load_n(&l->locked, __ATOMIC_RELAXED)) {
			if (++spins < PMM__SPIN_BEFORE_YIELD)
				pmm__cpu_relax();
			else
				sched_yield();	/* the holder may be waiting for this host CPU */
		}
	} while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE));
}

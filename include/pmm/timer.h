/* SPDX-License-Identifier: MIT */
/*
 * Simulated time (jiffies, and the timers of kernel/time/timer.c) for the
 * kernel's work that runs by the clock: kcompactd's proactive compaction
 * checks the node's fragmentation score every 500 ms (backing off 64 times
 * when compacting did not help).
 *
 *   pmm_clock_now(m)           nanoseconds of simulated time since boot
 *   pmm_clock_advance(m, ns)   let time pass: timed work falls due
 *
 * With PMM_BOOT_INLINE_DAEMONS, time passes only when the caller says so
 * and the work due runs in pmm_clock_advance(), in order: a replay that
 * advances the clock as the recorded workload ran gets the daemons' work
 * where the kernel did it, the same on every run. Without it, the daemons
 * are threads and follow the host's clock; pmm_clock_advance() only moves
 * pmm_clock_now().
 */
#ifndef PMM_TIMER_H
#define PMM_TIMER_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/**
 * pmm_clock_now - simulated time since boot
 * Context: any thread.
 * Return: nanoseconds.
 */
PMM_API unsigned long long pmm_clock_now(const struct pmm_machine *m);

/**
 * pmm_clock_advance - let @ns nanoseconds of simulated time pass
 * @m: machine
 * @ns: how long
 *
 * With PMM_BOOT_INLINE_DAEMONS, each node's kcompactd timer that falls due
 * meanwhile fires, in order, in the calling thread (proactive compaction,
 * as kcompactd() does on its timeout): owners' migrate_page callbacks may
 * run. Advancing by a long interval fires each timer at most as often as
 * its period allows.
 * Context: any thread; not from inside a pmm callback.
 * Return: the new time.
 */
PMM_API unsigned long long pmm_clock_advance(struct pmm_machine *m, unsigned long long ns);

#ifdef __cplusplus
}
#endif

#endif /* PMM_TIMER_H */

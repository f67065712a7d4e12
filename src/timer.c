// SPDX-License-Identifier: MIT
/*
 * Simulated time (include/pmm/timer.h): a clock the caller advances, and
 * the timed work of the daemons when they run inline (kcompactd's
 * timeout). Threaded daemons keep the host's time; its two readings pmm
 * needs are here too.
 */
#include <time.h>

#include "internal.h"

double pmm__host_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct timespec pmm__deadline_ms(long ms)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += (ms % 1000) * 1000000L;
	t.tv_sec += ms / 1000 + t.tv_nsec / 1000000000L;
	t.tv_nsec %= 1000000000L;
	return t;
}

unsigned long long pmm_clock_now(const struct pmm_machine *m)
{
	return __atomic_load_n(&m->clock_ns, __ATOMIC_ACQUIRE);
}

#define NS_PER_MS	1000000ULL

unsigned long long pmm_clock_advance(struct pmm_machine *m, unsigned long long ns)
{
	unsigned long long now, end;
	int nid;

	pthread_mutex_lock(&m->clock_lock);
	end = __atomic_load_n(&m->clock_ns, __ATOMIC_RELAXED) + ns;
	if (m->flags & PMM_BOOT_INLINE_DAEMONS) {
		/* the timers due before @end, earliest first */
		for (;;) {
			pmm_pg_data_t *due = NULL;

			pmm_for_each_node_state(nid, m, PMM_N_MEMORY) {
				pmm_pg_data_t *pgdat = m->view.node_data[nid];

				if (!__atomic_load_n(&pgdat->kcompactd_running, __ATOMIC_ACQUIRE) ||
				    !pgdat->kcompactd_timer_ns || pgdat->kcompactd_timer_ns > end)
					continue;
				if (!due || pgdat->kcompactd_timer_ns < due->kcompactd_timer_ns)
					due = pgdat;
			}
			if (!due)
				break;
			now = due->kcompactd_timer_ns;
			__atomic_store_n(&m->clock_ns, now, __ATOMIC_RELEASE);
			due->kcompactd_timer_ns = now + pmm__kcompactd_timer(m, due) * NS_PER_MS;
			if (due->kcompactd_timer_ns == now)
				due->kcompactd_timer_ns = 0;	/* no timeout: proactiveness 0 */
		}
	}
	__atomic_store_n(&m->clock_ns, end, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&m->clock_lock);
	return end;
}

// SPDX-License-Identifier: MIT
/*
 * The daemons' threads (kernel/kthread.c's kthread_run() and kthread_stop()
 * for kswapd and kcompactd): one per node, bound to the node's first
 * simulated CPU, stopped by a flag under their wait queue's lock.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct kthread_arg {
	struct pmm_machine	*m;
	pmm_pg_data_t		*pgdat;
	void			(*fn)(struct pmm_machine *m, pmm_pg_data_t *pgdat);
};

/* set_cpus_allowed_ptr(cpumask_of_node()): the node's first CPU, if it has one */
static void kthread_bind(struct pmm_machine *m, int nid)
{
	int cpu;

	pmm_for_each_cpu(cpu, &m->node_cpus[nid]) {
		pmm_set_cpu(m, cpu);
		return;
	}
}

static void *kthread(void *p)
{
	struct kthread_arg a = *(struct kthread_arg *)p;

	free(p);
	kthread_bind(a.m, a.pgdat->node_id);
	a.fn(a.m, a.pgdat);
	return NULL;
}

int pmm__kthread_run(struct pmm_machine *m, pmm_pg_data_t *pgdat, const char *name,
		     void (*fn)(struct pmm_machine *m, pmm_pg_data_t *pgdat), pthread_t *thread)
{
	struct kthread_arg *a = pmm__malloc(sizeof(*a));
	int err;

	if (!a)
		return -ENOMEM;
	a->m = m;
	a->pgdat = pgdat;
	a->fn = fn;
	err = pthread_create(thread, NULL, kthread, a);
	if (err) {
		free(a);
		pmm__pr_err(m, "Failed to start %s on node %d", name, pgdat->node_id);
		return -err;
	}
	return 0;
}

void pmm__kthread_stop(struct pmm_wait_queue_head *wq, int *should_stop, pthread_t thread)
{
	pthread_mutex_lock(&wq->lock);
	__atomic_store_n(should_stop, 1, __ATOMIC_RELEASE);
	pthread_cond_signal(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
	pthread_join(thread, NULL);
}

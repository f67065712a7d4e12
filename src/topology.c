// SPDX-License-Identifier: MIT
/*
 * Simulated CPUs: the CPU a thread runs on and its local node.
 * Mirrors smp_processor_id(), cpu_to_node() and numa_node_id().
 */
#define _GNU_SOURCE 1
#include <sched.h>
#include <stdint.h>
#include <stdlib.h>

#include "internal.h"

int pmm_nr_cpus(const struct pmm_machine *m)
{
	int nid, cpu, nr = 0;

	pmm_for_each_node(nid, m)
		pmm_for_each_cpu(cpu, &m->node_cpus[nid])
			nr = PMM__MAX(nr, cpu + 1);
	return nr;
}

int pmm_cpu_to_node(const struct pmm_machine *m, int cpu)
{
	if (cpu < 0 || cpu >= PMM_NR_CPUS)
		return PMM_NUMA_NO_NODE;
	return m->cpu_nid[cpu];
}

/*
 * The thread's last pmm_set_cpu(), cached: the allocator asks on every call,
 * and a thread mostly drives one machine. Keyed by the machine's id, which
 * no later machine reuses even at the same address.
 */
__thread struct pmm__cpu_cache pmm__cpu_cache;

static unsigned long next_machine_id = 1;

int pmm_set_cpu(struct pmm_machine *m, int cpu)
{
	if (cpu != -1 && pmm_cpu_to_node(m, cpu) < 0)
		return -EINVAL;
	if (!m->cpu_key_valid)
		return -ENOMEM;
	if (pthread_setspecific(m->cpu_key, (void *)(uintptr_t)(cpu + 1)))
		return -ENOMEM;
	pmm__cpu_cache.machine_id = cpu == -1 ? 0 : m->id;
	pmm__cpu_cache.cpu = cpu;
	return 0;
}

int pmm_get_cpu(struct pmm_machine *m)
{
	uintptr_t set;
	int host_cpu, nid, cpu, n = 0, nr;

	if (pmm__cpu_cache.machine_id == m->id)	/* ids start at 1 */
		return pmm__cpu_cache.cpu;
	set = m->cpu_key_valid ? (uintptr_t)pthread_getspecific(m->cpu_key) : 0;
	if (set) {
		pmm__cpu_cache.machine_id = m->id;
		pmm__cpu_cache.cpu = (int)set - 1;
		return pmm__cpu_cache.cpu;
	}
	host_cpu = sched_getcpu();
	if (host_cpu >= 0 && host_cpu < m->nr_host_cpus)
		return m->host_cpu_to_sim[host_cpu];
	/* no host topology: spread host CPUs over the simulated ones */
	nr = 0;
	pmm_for_each_node(nid, m)
		nr += pmm_cpumask_weight(&m->node_cpus[nid]);
	if (!nr)
		return 0;
	n = (host_cpu < 0 ? 0 : host_cpu) % nr;
	pmm_for_each_node(nid, m)
		pmm_for_each_cpu(cpu, &m->node_cpus[nid])
			if (!n--)
				return cpu;
	return 0;
}

int pmm_numa_node_id(struct pmm_machine *m)
{
	int nid = pmm_cpu_to_node(m, pmm_get_cpu(m));

	return nid >= 0 ? nid : m->boot_cpu_nid;
}

int pmm__cpus_init(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	int cpu, nid;

	for (cpu = 0; cpu < PMM_NR_CPUS; cpu++)
		m->cpu_nid[cpu] = PMM_NUMA_NO_NODE;
	pmm_for_each_node(nid, m)
		pmm_for_each_cpu(cpu, &m->node_cpus[nid])
			m->cpu_nid[cpu] = (short)nid;
	m->id = __atomic_fetch_add(&next_machine_id, 1, __ATOMIC_RELAXED);
	if (pthread_key_create(&m->cpu_key, NULL))
		return -ENOMEM;
	m->cpu_key_valid = true;
	return pmm__host_cpu_map(m, d);
}

void pmm__cpus_fini(struct pmm_machine *m)
{
	if (m->cpu_key_valid)
		pthread_key_delete(m->cpu_key);
	m->cpu_key_valid = false;
	free(m->host_cpu_to_sim);
	m->host_cpu_to_sim = NULL;
}

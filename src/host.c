// SPDX-License-Identifier: MIT
/*
 * The host underneath a machine: its NUMA topology (hwloc), the mapping of
 * simulated nodes to host nodes and of host CPUs to simulated CPUs, and
 * memory binding. A service of the boot and of the running mm (direct_map.c
 * binds through it); it reads no description but the one being booted.
 *
 * Binding policy: HWLOC_MEMBIND_BIND with HWLOC_MEMBIND_BYNODESET on the
 * one host node a simulated node maps to. Memory is bound before it is
 * first touched, so no migration is needed (no HWLOC_MEMBIND_MIGRATE), and
 * HWLOC_MEMBIND_STRICT is not asked for: a host that cannot honour the
 * binding still runs the simulation, and the failure is reported per node
 * (pmm_machine_host_node() and a boot-log warning), never silently.
 */
#define _DEFAULT_SOURCE 1
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <hwloc.h>

#include "internal.h"

struct pmm__host {
	hwloc_topology_t	topo;
	bool			thissystem;	/* the topology is the machine we run on */
	int			nr_mem_nodes;	/* host nodes with memory */
	int			mem_nodes[PMM_MAX_NUMNODES];	/* their os indexes */
};

int pmm__host_open(struct pmm_machine *m)
{
	struct pmm__host *h = pmm__calloc(1, sizeof(*h));
	hwloc_obj_t obj = NULL;

	if (!h)
		return -ENOMEM;
	if (hwloc_topology_init(&h->topo) || hwloc_topology_load(h->topo)) {
		free(h);
		return -ENODEV;
	}
	while ((obj = hwloc_get_next_obj_by_type(h->topo, HWLOC_OBJ_NUMANODE, obj))) {
		if (h->nr_mem_nodes < PMM_MAX_NUMNODES &&
		    (obj->attr->numanode.local_memory || !obj->parent))
			h->mem_nodes[h->nr_mem_nodes++] = (int)obj->os_index;
	}
	if (!h->nr_mem_nodes)		/* hwloc without memory sizes: any node will do */
		h->mem_nodes[h->nr_mem_nodes++] = 0;
	/* HWLOC_XMLFILE/HWLOC_SYNTHETIC can make hwloc describe another machine */
	h->thissystem = hwloc_topology_is_thissystem(h->topo);
	m->host = h;
	return 0;
}

void pmm__host_close(struct pmm_machine *m)
{
	if (!m->host)
		return;
	hwloc_topology_destroy(m->host->topo);
	free(m->host);
	m->host = NULL;
}

static hwloc_obj_t host_numanode(const struct pmm__host *h, int os_index)
{
	hwloc_obj_t obj = NULL;

	while ((obj = hwloc_get_next_obj_by_type(h->topo, HWLOC_OBJ_NUMANODE, obj)))
		if ((int)obj->os_index == os_index)
			return obj;
	return NULL;
}

static bool host_node_has_memory(const struct pmm__host *h, int os_index)
{
	int i;

	for (i = 0; i < h->nr_mem_nodes; i++)
		if (h->mem_nodes[i] == os_index)
			return true;
	return false;
}

int pmm__host_map_nodes(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	int nid, rr = 0;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		struct pmm__node_host *nh = &m->node_host[nid];
		int want = d->nodes[nid].host_node;

		nh->reason = NULL;
		/* numa=off: node 0 is the fake node, declared or not */
		if (!d->nodes[nid].declared && !(nid == 0 && m->cmdline_params.numa_off)) {
			nh->host_node = PMM_NUMA_NO_NODE;
			continue;
		}
		if (!m->host) {		/* not binding */
			nh->host_node = want >= 0 ? want : 0;
			nh->status = PMM_BIND_SKIPPED;
			nh->reason = "binding disabled";
			continue;
		}
		if (want >= 0) {
			if (!host_numanode(m->host, want)) {
				pmm__pr_err(m, "pmm: node %d: host node %d does not exist", nid, want);
				return -ENODEV;
			}
		} else if (d->from_host && host_numanode(m->host, nid)) {
			want = nid;
		} else {
			want = m->host->mem_nodes[rr++ % m->host->nr_mem_nodes];
		}
		nh->host_node = want;
		nh->status = PMM_BIND_NONE;
		if (!m->host->thissystem) {
			nh->status = PMM_BIND_SKIPPED;
			nh->reason = "the host topology hwloc reports is not this system";
		} else if (!host_node_has_memory(m->host, want)) {
			nh->status = PMM_BIND_SKIPPED;
			nh->reason = "the host node has no memory";
		}
	}
	return 0;
}

void pmm__host_report(struct pmm_machine *m)
{
	static const char *const names[] = {
		[PMM_BIND_NONE] = "nothing to bind", [PMM_BIND_BOUND] = "bound",
		[PMM_BIND_SKIPPED] = "not bound", [PMM_BIND_FAILED] = "binding failed",
	};
	int nid;

	pmm_for_each_node(nid, m) {
		const struct pmm__node_host *nh = &m->node_host[nid];
		int level = nh->status == PMM_BIND_FAILED ||
			    (nh->status == PMM_BIND_SKIPPED && !(m->flags & PMM_BOOT_NO_BIND)) ?
			    PMM_LOG_WARNING : PMM_LOG_INFO;

		pmm__printk(m, level, "pmm: node %d -> host node %d: %s%s%s%s", nid, nh->host_node,
			    names[nh->status], nh->reason ? " (" : "", nh->reason ? nh->reason : "",
			    nh->reason ? ")" : "");
	}
}

int pmm__host_bind(struct pmm_machine *m, void *addr, size_t bytes, int nid)
{
	struct pmm__node_host *nh;
	hwloc_obj_t obj;

	if (nid < 0 || nid >= PMM_MAX_NUMNODES)
		return 0;
	nh = &m->node_host[nid];
	if (!m->host || nh->status == PMM_BIND_FAILED || nh->status == PMM_BIND_SKIPPED)
		return nh->status == PMM_BIND_FAILED ? -EXDEV : 0;
	obj = host_numanode(m->host, nh->host_node);
	if (!obj || hwloc_set_area_membind(m->host->topo, addr, bytes, obj->nodeset,
					   HWLOC_MEMBIND_BIND, HWLOC_MEMBIND_BYNODESET)) {
		nh->status = PMM_BIND_FAILED;
		nh->reason = errno == ENOSYS ? "the host kernel has no NUMA memory policy" :
					       "the host refused the binding";
		return -EXDEV;
	}
	nh->status = PMM_BIND_BOUND;
	return 0;
}

int pmm_machine_host_node(const struct pmm_machine *m, int nid, enum pmm_bind_status *status)
{
	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !pmm_node_data(m, nid))
		return PMM_NUMA_NO_NODE;
	if (status)
		*status = m->node_host[nid].status;
	return m->node_host[nid].host_node;
}

/* ---- host CPUs -> simulated CPUs ------------------------------------------------------------------ */

int pmm__host_cpu_map(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	hwloc_topology_t topo;
	hwloc_obj_t pu = NULL;
	int max_host = 0, nr_sim = 0, sims[PMM_NR_CPUS], cpu, nid;

	pmm_for_each_node(nid, m)
		pmm_for_each_cpu(cpu, &m->node_cpus[nid])
			sims[nr_sim++] = cpu;
	if (!nr_sim)
		return 0;
	if (!m->host) {
		/* not binding: host CPU n runs simulated CPU n modulo their number (as
		 * pmm_get_cpu() would work out on every call for a thread without one) */
		long conf = sysconf(_SC_NPROCESSORS_CONF);
		int i;

		max_host = conf > 0 ? (int)PMM__MIN(conf, 65536L) : 1;
		m->host_cpu_to_sim = pmm__calloc((size_t)max_host, sizeof(int));
		if (!m->host_cpu_to_sim)
			return -ENOMEM;
		m->nr_host_cpus = max_host;
		for (i = 0; i < max_host; i++)
			m->host_cpu_to_sim[i] = sims[i % nr_sim];
		return 0;
	}
	topo = m->host->topo;
	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu)))
		max_host = PMM__MAX(max_host, (int)pu->os_index + 1);
	m->host_cpu_to_sim = pmm__calloc((size_t)max_host, sizeof(int));
	if (!m->host_cpu_to_sim)
		return -ENOMEM;
	m->nr_host_cpus = max_host;
	while ((pu = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, pu))) {
		int host_cpu = (int)pu->os_index, host_node = -1, cands[PMM_NR_CPUS], nr = 0;
		hwloc_obj_t numa = NULL;

		/* the same CPU when the machine describes this host */
		if (d->from_host && host_cpu < PMM_NR_CPUS && m->cpu_nid[host_cpu] >= 0) {
			m->host_cpu_to_sim[host_cpu] = host_cpu;
			continue;
		}
		while ((numa = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, numa)))
			if (hwloc_bitmap_isset(numa->cpuset, pu->os_index)) {
				host_node = (int)numa->os_index;
				break;
			}
		/* else a CPU of a simulated node that lives on this CPU's host node */
		pmm_for_each_node(nid, m)
			if (m->node_host[nid].host_node == host_node)
				pmm_for_each_cpu(cpu, &m->node_cpus[nid])
					cands[nr++] = cpu;
		m->host_cpu_to_sim[host_cpu] = nr ? cands[host_cpu % nr] : sims[host_cpu % nr_sim];
	}
	return 0;
}


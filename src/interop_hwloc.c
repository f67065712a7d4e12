// SPDX-License-Identifier: MIT
/*
 * hwloc interop: the host's NUMA topology, the mapping of simulated nodes
 * to host nodes, memory binding, and the description of this host as a
 * machine. The only file that includes <hwloc.h>.
 *
 * Binding policy: HWLOC_MEMBIND_BIND with HWLOC_MEMBIND_BYNODESET on the
 * one host node a simulated node maps to. Memory is bound before it is
 * first touched, so no migration is needed (no HWLOC_MEMBIND_MIGRATE), and
 * HWLOC_MEMBIND_STRICT is not asked for: a host that cannot honour the
 * binding still runs the simulation, and the failure is reported per node
 * (pmm_machine_host_node() and a boot-log warning), never silently.
 */
#define _DEFAULT_SOURCE 1
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <hwloc.h>

#include "internal.h"

struct pmm__host {
	hwloc_topology_t	topo;
	int			nr_mem_nodes;	/* host nodes with memory */
	int			mem_nodes[PMM_MAX_NUMNODES];	/* their os indexes */
};

int pmm__host_open(struct pmm_machine *m)
{
	struct pmm__host *h = calloc(1, sizeof(*h));
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

int pmm__host_map_nodes(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	int nid, rr = 0;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		struct pmm__node_host *nh = &m->node_host[nid];
		int want = d->nodes[nid].host_node;

		if (!d->nodes[nid].declared) {
			nh->host_node = PMM_NUMA_NO_NODE;
			continue;
		}
		if (!m->host) {		/* not binding */
			nh->host_node = want >= 0 ? want : 0;
			nh->status = PMM_BIND_SKIPPED;
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
	}
	return 0;
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
		pmm__pr_warn(m, "pmm: node %d: binding to host node %d failed; its memory is "
			     "placed by the host's default policy", nid, nh->host_node);
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

/* ---- this host as a machine description ------------------------------------------------------- */

static const char *host_arch_name(void)
{
	struct utsname u;
	long page = sysconf(_SC_PAGESIZE);

	if (uname(&u))
		return NULL;
	if (!strcmp(u.machine, "x86_64"))
		return "x86_64";
	if (!strcmp(u.machine, "aarch64"))
		return page == 65536 ? "arm64_64k" : page == 16384 ? "arm64_16k" : "arm64";
	if (!strcmp(u.machine, "riscv64"))
		return "riscv64";
	if (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"))
		return "x86_32";
	return NULL;
}

/* Node of each memory block, from /sys/devices/system/node/nodeN/memoryM. */
struct block_nodes {
	unsigned long	block_bytes;
	int		*nid;		/* by block id, -1 if unknown */
	unsigned long	nr;
};

static void read_block_nodes(struct block_nodes *bn)
{
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");
	DIR *nodes;
	struct dirent *de;

	memset(bn, 0, sizeof(*bn));
	if (!f)
		return;
	if (fscanf(f, "%lx", &bn->block_bytes) != 1)
		bn->block_bytes = 0;
	fclose(f);
	nodes = opendir("/sys/devices/system/node");
	if (!bn->block_bytes || !nodes) {
		if (nodes)
			closedir(nodes);
		return;
	}
	while ((de = readdir(nodes))) {
		char path[300];
		DIR *nd;
		struct dirent *me;
		int nid;

		if (sscanf(de->d_name, "node%d", &nid) != 1 || nid < 0 || nid >= PMM_MAX_NUMNODES)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/%s", de->d_name);
		nd = opendir(path);
		if (!nd)
			continue;
		while ((me = readdir(nd))) {
			unsigned long id;

			if (sscanf(me->d_name, "memory%lu", &id) != 1)
				continue;
			if (id >= bn->nr) {
				unsigned long nr = PMM__MAX(id + 1, bn->nr * 2), i;
				int *p = realloc(bn->nid, nr * sizeof(int));

				if (!p)
					continue;
				for (i = bn->nr; i < nr; i++)
					p[i] = -1;
				bn->nid = p;
				bn->nr = nr;
			}
			bn->nid[id] = nid;
		}
		closedir(nd);
	}
	closedir(nodes);
}

static int block_node(const struct block_nodes *bn, pmm_phys_addr_t addr, int fallback)
{
	unsigned long id;

	if (!bn->block_bytes)
		return fallback;
	id = (unsigned long)(addr / bn->block_bytes);
	return id < bn->nr && bn->nid[id] >= 0 ? bn->nid[id] : fallback;
}

/* Add [start, end) split where the node of the memory blocks changes. */
static int add_host_range(struct pmm_machine_desc *d, const struct block_nodes *bn,
			  pmm_phys_addr_t start, pmm_phys_addr_t end, int *last_nid)
{
	while (start < end) {
		int nid = block_node(bn, start, *last_nid);
		pmm_phys_addr_t next = end;
		int err;

		if (bn->block_bytes) {
			pmm_phys_addr_t b = (start / bn->block_bytes + 1) * bn->block_bytes;

			while (b < end && block_node(bn, b, nid) == nid)
				b += bn->block_bytes;
			next = PMM__MIN(b, end);
		}
		if (!d->nodes[nid].declared)
			nid = *last_nid;
		err = pmm_machine_desc_add_memory(d, start, next, nid, 0);
		if (err)
			return err;
		*last_nid = nid;
		start = next;
	}
	return 0;
}

/* Exact RAM ranges from /proc/iomem (needs root for real addresses). */
static int host_ranges_from_iomem(struct pmm_machine_desc *d, const struct block_nodes *bn,
				  int first_nid)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << d->arch->page_shift;
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	int nr = 0, last = first_nid, err = 0;

	if (!f)
		return -ENOENT;
	while (!err && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;

		if (isspace((unsigned char)line[0]) || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &s, &e) != 2 || e == 0)
			continue;
		/* memblock keeps whole pages only */
		s = (s + page - 1) & ~(page - 1);
		e = (e + 1) & ~(page - 1);
		if (s >= e)
			continue;
		err = add_host_range(d, bn, s, e, &last);
		nr++;
	}
	fclose(f);
	if (err)
		return err;
	return nr ? 0 : -ENOENT;
}

/* Without /proc/iomem: each node's memory laid out one after the other. */
static int host_ranges_from_hwloc(struct pmm_machine_desc *d, hwloc_topology_t topo)
{
	pmm_phys_addr_t section = (pmm_phys_addr_t)1 << d->arch->section_size_bits;
	pmm_phys_addr_t addr = d->arch->id == PMM_ARCH_ARM64 ? 0x40000000ULL :
			       d->arch->id == PMM_ARCH_RISCV64 ? 0x80000000ULL : 0;
	hwloc_obj_t obj = NULL;
	int err;

	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj))) {
		pmm_phys_addr_t bytes = obj->attr->numanode.local_memory & ~(section - 1);

		if ((int)obj->os_index >= PMM_MAX_NUMNODES || !bytes)
			continue;
		err = pmm_machine_desc_add_memory(d, addr, addr + bytes, (int)obj->os_index, 0);
		if (err)
			return err;
		addr += bytes;
	}
	return 0;
}

int pmm_machine_from_host(struct pmm_machine_desc **out)
{
	const char *arch = host_arch_name();
	struct pmm_machine_desc *d;
	hwloc_topology_t topo;
	hwloc_obj_t obj = NULL;
	struct block_nodes bn;
	int err, first = -1;

	*out = NULL;
	if (!arch)
		return -EOPNOTSUPP;
	if (hwloc_topology_init(&topo))
		return -ENODEV;
	if (hwloc_topology_load(topo)) {
		hwloc_topology_destroy(topo);
		return -ENODEV;
	}
	err = pmm_machine_desc_create(arch, &d);
	if (err)
		goto out_topo;
	d->from_host = true;

	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj))) {
		char cpus[4096];
		int nid = (int)obj->os_index;

		if (nid >= PMM_MAX_NUMNODES)
			continue;
		hwloc_bitmap_list_snprintf(cpus, sizeof(cpus), obj->cpuset);
		err = pmm_machine_desc_add_node(d, nid, cpus);
		if (err)
			goto out_desc;
		if (first < 0)
			first = nid;
	}
	if (first < 0) {
		err = -ENODEV;
		goto out_desc;
	}
	{	/* distances, when hwloc knows them */
		struct hwloc_distances_s *dist;
		unsigned int nr = 1, i, j;

		if (!hwloc_distances_get_by_name(topo, "NUMALatency", &nr, &dist, 0) && nr) {
			for (i = 0; i < dist->nbobjs; i++)
				for (j = 0; j < dist->nbobjs; j++) {
					int a = (int)dist->objs[i]->os_index;
					int b = (int)dist->objs[j]->os_index;

					if (a < PMM_MAX_NUMNODES && b < PMM_MAX_NUMNODES &&
					    d->nodes[a].declared && d->nodes[b].declared)
						pmm_machine_desc_set_distance(d, a, b,
							(int)dist->values[i * dist->nbobjs + j]);
				}
			hwloc_distances_release(topo, dist);
		}
	}
	read_block_nodes(&bn);
	err = host_ranges_from_iomem(d, &bn, first);
	if (err == -ENOENT) {
		/* unreadable or zeroed (not root): fall back to hwloc's sizes */
		d->nr_memory = 0;
		err = host_ranges_from_hwloc(d, topo);
	}
	free(bn.nid);
	if (err)
		goto out_desc;
	*out = d;
	hwloc_topology_destroy(topo);
	return 0;

out_desc:
	pmm_machine_desc_destroy(d);
out_topo:
	hwloc_topology_destroy(topo);
	return err;
}

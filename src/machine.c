// SPDX-License-Identifier: MIT
/*
 * Machine descriptions and the boot sequence. The order of pmm_boot()
 * follows the kernel's: setup_arch() (memblock, NUMA), sparse_init() or
 * alloc_node_mem_map() (the memory model), free_area_init() (zones, node
 * spans, node_states) and memmap_init() (struct pages).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- descriptions ---------------------------------------------------------------------- */

int pmm__desc_fail(struct pmm_machine_desc *d, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	return err;
}

static void desc_ok(struct pmm_machine_desc *d)
{
	d->error[0] = '\0';
}

int pmm_machine_desc_create(const char *arch, struct pmm_machine_desc **out)
{
	const struct pmm_arch_profile *a = pmm_arch_lookup(arch);
	struct pmm_machine_desc *d;
	int i;

	*out = NULL;
	if (!a)
		return -EINVAL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->arch = a;
	for (i = 0; i < PMM_MAX_NUMNODES; i++)
		d->nodes[i].host_node = PMM_NUMA_NO_NODE;
	*out = d;
	return 0;
}

void pmm_machine_desc_destroy(struct pmm_machine_desc *d)
{
	if (!d)
		return;
	free(d->memory);
	free(d->reserved);
	free(d->cmdline);
	free(d);
}

const char *pmm_machine_desc_error(const struct pmm_machine_desc *d)
{
	return d->error;
}

static bool node_declared(const struct pmm_machine_desc *d, int nid)
{
	return nid >= 0 && nid < PMM_MAX_NUMNODES && d->nodes[nid].declared;
}

int pmm_machine_desc_add_node(struct pmm_machine_desc *d, int nid, const char *cpulist)
{
	pmm_cpumask_t cpus;
	int err, other, cpu;

	if (nid < 0 || nid >= PMM_MAX_NUMNODES)
		return pmm__desc_fail(d, -EINVAL,
				      "node %d: node ids must be 0..%d (PMM_MAX_NUMNODES is %d)",
				      nid, PMM_MAX_NUMNODES - 1, PMM_MAX_NUMNODES);
	if (d->nodes[nid].declared)
		return pmm__desc_fail(d, -EINVAL, "node %d is declared twice", nid);
	err = pmm_cpulist_parse(cpulist, &cpus);
	if (err == -ERANGE)
		return pmm__desc_fail(d, err, "node %d: CPU list \"%s\" names a CPU >= %d",
				      nid, cpulist, PMM_NR_CPUS);
	if (err)
		return pmm__desc_fail(d, err, "node %d: malformed CPU list \"%s\"", nid, cpulist);
	for (other = 0; other < PMM_MAX_NUMNODES; other++) {
		if (!d->nodes[other].declared)
			continue;
		pmm_for_each_cpu(cpu, &cpus)
			if (pmm_cpumask_test_cpu(cpu, &d->nodes[other].cpus))
				return pmm__desc_fail(d, -EINVAL,
						      "node %d: CPU %d already belongs to node %d",
						      nid, cpu, other);
	}
	d->nodes[nid].declared = true;
	d->nodes[nid].cpus = cpus;
	for (other = 0; other < PMM_MAX_NUMNODES; other++) {
		if (!d->nodes[other].declared)
			continue;
		d->distance[nid][other] = other == nid ? PMM__LOCAL_DISTANCE : PMM__REMOTE_DISTANCE;
		d->distance[other][nid] = d->distance[nid][other];
	}
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_distance(struct pmm_machine_desc *d, int from, int to, int distance)
{
	if (!node_declared(d, from) || !node_declared(d, to))
		return pmm__desc_fail(d, -EINVAL, "distance %d -> %d: node %d is not declared",
				      from, to, node_declared(d, from) ? to : from);
	if (from == to ? distance != PMM__LOCAL_DISTANCE :
			 distance <= PMM__LOCAL_DISTANCE || distance > 254)
		return pmm__desc_fail(d, -EINVAL,
				      "distance %d -> %d is %d: must be 10 to itself, 11..254 to others",
				      from, to, distance);
	d->distance[from][to] = (unsigned char)distance;
	desc_ok(d);
	return 0;
}

static int add_range(struct pmm__range **arr, unsigned int *nr, unsigned int *max,
		     const struct pmm__range *r)
{
	if (*nr == *max) {
		unsigned int n = *max ? *max * 2 : 16;
		struct pmm__range *p = realloc(*arr, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*arr = p;
		*max = n;
	}
	(*arr)[(*nr)++] = *r;
	return 0;
}

int pmm_machine_desc_add_memory(struct pmm_machine_desc *d, pmm_phys_addr_t start,
				pmm_phys_addr_t end, int nid, unsigned int flags)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << d->arch->page_shift;
	pmm_phys_addr_t limit = (pmm_phys_addr_t)1 << d->arch->max_physmem_bits;
	struct pmm__range r = { start, end, nid, flags };
	unsigned int i;

	if (end <= start)
		return pmm__desc_fail(d, -EINVAL,
				      "memory [%#llx-%#llx): the end is not above the start",
				      (unsigned long long)start, (unsigned long long)end);
	if ((start | end) & (page - 1))
		return pmm__desc_fail(d, -EINVAL,
				      "memory [%#llx-%#llx): not aligned to the %llu-byte page of %s",
				      (unsigned long long)start, (unsigned long long)end,
				      (unsigned long long)page, d->arch->name);
	if (end > limit)
		return pmm__desc_fail(d, -ERANGE,
				      "memory [%#llx-%#llx): beyond MAX_PHYSMEM_BITS (%u) of %s",
				      (unsigned long long)start, (unsigned long long)end,
				      d->arch->max_physmem_bits, d->arch->name);
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL,
				      "memory [%#llx-%#llx): node %d is not declared",
				      (unsigned long long)start, (unsigned long long)end, nid);
	if (flags & ~(unsigned int)(PMM_MEMORY_HOTPLUGGABLE | PMM_MEMORY_MIRROR))
		return pmm__desc_fail(d, -EINVAL, "memory [%#llx-%#llx): unknown flags %#x",
				      (unsigned long long)start, (unsigned long long)end, flags);
	for (i = 0; i < d->nr_memory; i++) {
		const struct pmm__range *o = &d->memory[i];

		if (start < o->end && o->start < end)
			return pmm__desc_fail(d, -EINVAL,
					      "memory [%#llx-%#llx) overlaps [%#llx-%#llx) of node %d",
					      (unsigned long long)start, (unsigned long long)end,
					      (unsigned long long)o->start,
					      (unsigned long long)o->end, o->nid);
	}
	if (add_range(&d->memory, &d->nr_memory, &d->max_memory, &r))
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_add_reserved(struct pmm_machine_desc *d, pmm_phys_addr_t start,
				  pmm_phys_addr_t end)
{
	pmm_phys_addr_t limit = (pmm_phys_addr_t)1 << d->arch->max_physmem_bits;
	struct pmm__range r = { start, end, PMM_NUMA_NO_NODE, 0 };

	if (end <= start)
		return pmm__desc_fail(d, -EINVAL,
				      "reserved [%#llx-%#llx): the end is not above the start",
				      (unsigned long long)start, (unsigned long long)end);
	if (end > limit)
		return pmm__desc_fail(d, -ERANGE,
				      "reserved [%#llx-%#llx): beyond MAX_PHYSMEM_BITS (%u) of %s",
				      (unsigned long long)start, (unsigned long long)end,
				      d->arch->max_physmem_bits, d->arch->name);
	if (add_range(&d->reserved, &d->nr_reserved, &d->max_reserved, &r))
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_cmdline(struct pmm_machine_desc *d, const char *cmdline)
{
	char *s = strdup(cmdline ? cmdline : "");

	if (!s)
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	free(d->cmdline);
	d->cmdline = s;
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_host_node(struct pmm_machine_desc *d, int nid, int host_node)
{
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL, "host node of node %d: node is not declared", nid);
	if (host_node < 0 && host_node != PMM_NUMA_NO_NODE)
		return pmm__desc_fail(d, -EINVAL, "node %d: host node %d is not a node id",
				      nid, host_node);
	d->nodes[nid].host_node = host_node;
	desc_ok(d);
	return 0;
}

/* ---- booting ------------------------------------------------------------------------------ */

static void init_view(struct pmm_machine *m, const struct pmm_arch_profile *a)
{
	m->arch = a;
	m->view.arch = a;
	m->view.page_shift = a->page_shift;
	m->view.pfn_section_shift = a->section_size_bits - a->page_shift;
	m->view.pfn_subsection_shift = PMM_SUBSECTION_SHIFT > a->page_shift ?
				       PMM_SUBSECTION_SHIFT - a->page_shift : 0;
	m->view.zones_configured = a->zones;
	m->max_page_order = a->max_page_order;
	m->pageblock_order = a->pageblock_order;
}

static int boot_memblock(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << m->view.page_shift;
	unsigned int i;
	int err;

	for (i = 0; i < d->nr_memory; i++) {
		const struct pmm__range *r = &d->memory[i];

		err = pmm__memblock_add(&m->memblock.memory, r->start, r->end - r->start,
					r->nid, r->flags);
		if (err)
			return err;
	}
	for (i = 0; i < d->nr_reserved; i++) {
		pmm_phys_addr_t s = d->reserved[i].start & ~(page - 1);
		pmm_phys_addr_t e = (d->reserved[i].end + page - 1) & ~(page - 1);

		err = pmm__memblock_add(&m->memblock.reserved, s, e - s, PMM_NUMA_NO_NODE, 0);
		if (err)
			return err;
	}
	if (!m->memblock.memory.cnt) {
		pmm__pr_err(m, "pmm: the description has no memory");
		return -EINVAL;
	}
	return 0;
}

static int boot_limits(struct pmm_machine *m, const struct pmm_boot_opts *opts)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	const struct pmm_memblock_region *last = &mem->regions[mem->cnt - 1];
	unsigned long arch_limit = 1UL << (m->arch->max_physmem_bits - m->view.page_shift);
	unsigned long limit;

	m->max_pfn = (unsigned long)((last->base + last->size) >> m->view.page_shift);
	limit = PMM__ALIGN(m->max_pfn, pmm__pages_per_section(m));
	if (opts && opts->phys_limit) {
		unsigned long want = (unsigned long)(opts->phys_limit >> m->view.page_shift);

		want = PMM__ALIGN(want, pmm__pages_per_section(m));
		if (want < limit || want > arch_limit) {
			pmm__pr_err(m, "pmm: phys_limit %#llx must cover the memory (%#llx) and stay "
				    "within MAX_PHYSMEM_BITS (%u)",
				    (unsigned long long)opts->phys_limit,
				    (unsigned long long)((pmm_phys_addr_t)limit << m->view.page_shift),
				    m->arch->max_physmem_bits);
			return -EINVAL;
		}
		limit = want;
	}
	m->view.pfn_limit = PMM__MIN(limit, arch_limit);
	m->view.nr_mem_sections = 1UL << (m->arch->max_physmem_bits - m->arch->section_size_bits);
	return 0;
}

static int boot_nodes(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		pmm_pg_data_t *pgdat;
		int i;

		if (!d->nodes[nid].declared)
			continue;
		/* the kernel allocates NODE_DATA on the node itself (alloc_node_data) */
		pgdat = pmm__alloc_node(m, sizeof(*pgdat), nid);
		if (!pgdat)
			return -ENOMEM;
		pgdat->node_id = nid;
		pgdat->first_deferred_pfn = ~0UL;
		pthread_mutex_init(&pgdat->node_size_lock, NULL);
		pthread_mutex_init(&pgdat->deferred_split_queue.split_queue_lock, NULL);
		pgdat->deferred_split_queue.split_queue.next = &pgdat->deferred_split_queue.split_queue;
		pgdat->deferred_split_queue.split_queue.prev = &pgdat->deferred_split_queue.split_queue;
		for (i = 0; i < PMM_NR_LRU_LISTS; i++) {
			pgdat->__lruvec.lists[i].next = &pgdat->__lruvec.lists[i];
			pgdat->__lruvec.lists[i].prev = &pgdat->__lruvec.lists[i];
		}
		m->view.node_data[nid] = pgdat;
		m->node_cpus[nid] = d->nodes[nid].cpus;
		pmm_node_set(nid, &m->view.node_states[PMM_N_POSSIBLE]);
		if (pmm_cpumask_weight(&m->node_cpus[nid]))
			pmm_node_set(nid, &m->view.node_states[PMM_N_CPU]);
	}
	memcpy(m->distance, d->distance, sizeof(m->distance));
	return 0;
}

int pmm_boot(const struct pmm_machine_desc *d, const struct pmm_boot_opts *opts,
	     struct pmm_machine **out)
{
	struct pmm_machine *m;
	int err;

	*out = NULL;
	if (!d)
		return -EINVAL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	init_view(m, d->arch);
	pthread_mutex_init(&m->hotplug_lock, NULL);
	if (opts) {
		m->flags = opts->flags;
		m->log_fn = opts->log;
		m->log_arg = opts->log_arg;
	}
	m->cmdline = strdup(d->cmdline ? d->cmdline : "");
	if (!m->cmdline) {
		err = -ENOMEM;
		goto fail;
	}
	pmm__pr_info(m, "Command line: %s", m->cmdline);

	err = boot_memblock(m, d);
	if (!err)
		err = boot_limits(m, opts);
	if (err)
		goto fail;
	if (!(m->flags & PMM_BOOT_NO_BIND) && pmm__host_open(m))
		pmm__pr_warn(m, "pmm: cannot read the host topology; memory is not bound");
	if (!(m->flags & PMM_BOOT_NO_BIND) && !m->host)
		m->flags |= PMM_BOOT_NO_BIND;
	err = pmm__host_map_nodes(m, d);
	if (!err)
		err = boot_nodes(m, d);
	if (!err)
		err = pmm__free_area_init(m);
	if (!err)
		err = pmm__model_init(m);
	if (!err)
		err = pmm__direct_map_init(m);
	if (err)
		goto fail;
	pmm__memmap_init(m);
	*out = m;
	return 0;

fail:
	pmm_shutdown(m);
	return err;
}

void pmm_shutdown(struct pmm_machine *m)
{
	if (!m)
		return;
	pmm__model_fini(m);
	pmm__direct_map_fini(m);
	pmm__free_nodes(m);
	pmm__host_close(m);
	pmm__memblock_free_all_regions(&m->memblock);
	pthread_mutex_destroy(&m->hotplug_lock);
	free(m->cmdline);
	free(m->log);
	free(m);
}

const struct pmm_arch_profile *pmm_machine_arch(const struct pmm_machine *m)
{
	return m->arch;
}

unsigned long pmm_max_pfn(const struct pmm_machine *m)
{
	return m->max_pfn;
}

const char *pmm_version(void)
{
	return "0.1.0";
}

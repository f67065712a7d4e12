// SPDX-License-Identifier: MIT
/*
 * The boot sequence. The order of pmm_boot() follows the kernel's:
 * setup_arch() (memblock, NUMA), sparse_init() or alloc_node_mem_map()
 * (the memory model), free_area_init() (zones, node spans, node_states)
 * and memmap_init() (struct pages). It consumes a description
 * (machine_desc.c) and uses the host underneath (host.c) as a service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- booting ------------------------------------------------------------------------------ */

static void init_view(struct pmm_machine *m, const struct pmm_arch_profile *build)
{
	const struct pmm_arch_profile *a = &m->build;

	m->build = *build;
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

/* Remove [start, end) from memblock.memory (memblock_remove / e820__range_remove). */
static int memblock_remove_range(struct pmm__memblock_type *mem, pmm_phys_addr_t start,
				 pmm_phys_addr_t end)
{
	struct pmm__memblock_type out = { 0 };
	unsigned int i;
	int err = 0;

	for (i = 0; i < mem->cnt && !err; i++) {
		const struct pmm_memblock_region *r = &mem->regions[i];
		pmm_phys_addr_t rs = r->base, re = r->base + r->size;

		if (re <= start || rs >= end) {
			err = pmm__memblock_add(&out, rs, re - rs, r->nid, r->flags);
			continue;
		}
		if (rs < start)
			err = pmm__memblock_add(&out, rs, start - rs, r->nid, r->flags);
		if (!err && re > end)
			err = pmm__memblock_add(&out, end, re - end, r->nid, r->flags);
	}
	free(mem->regions);
	*mem = out;
	return err;
}

/*
 * The node a new RAM range belongs to: the node of the memory just below
 * it, else of the memory above it, else (no memory left) the first node the
 * description declares.
 */
static int nid_for_range(const struct pmm__memblock_type *mem, pmm_phys_addr_t start,
			 const struct pmm_machine_desc *d)
{
	int nid = mem->cnt ? mem->regions[0].nid : PMM_NUMA_NO_NODE;
	unsigned int i;

	for (i = 0; i < mem->cnt && mem->regions[i].base <= start; i++)
		nid = mem->regions[i].nid;
	for (i = 0; nid == PMM_NUMA_NO_NODE && i < PMM_MAX_NUMNODES; i++)
		if (d->nodes[i].declared)
			nid = (int)i;
	return nid == PMM_NUMA_NO_NODE ? 0 : nid;
}

/* mem= and memmap= (arch/x86/kernel/e820.c; memblock_enforce_memory_limit elsewhere). */
static int apply_memory_params(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	const struct pmm__cmdline *c = &m->cmdline_params;
	struct pmm__memblock_type *mem = &m->memblock.memory;
	bool x86 = m->arch->id == PMM_ARCH_X86_64 || m->arch->id == PMM_ARCH_X86_32 ||
		   m->arch->id == PMM_ARCH_X86_32_PAE;
	unsigned int i;
	int err = 0;

	if (x86 && c->nr_memmap) {
		if (c->memmap_exactmap) {
			free(mem->regions);
			memset(mem, 0, sizeof(*mem));
		}
		for (i = 0; i < c->nr_memmap && !err; i++) {
			const struct pmm__memmap_param *p = &c->memmap[i];

			if (p->type == '@')	/* force usage: RAM */
				err = pmm__memblock_add(mem, p->start, p->size,
							nid_for_range(mem, p->start, d), 0);
			else			/* reserved, ACPI data, persistent: not RAM */
				err = memblock_remove_range(mem, p->start, p->start + p->size);
		}
		pmm__pr_info(m, "e820: user-defined physical RAM map applied (memmap=)");
	}
	if (!err && c->mem_limit) {
		if (x86) {
			/* x86: RAM above the address is dropped */
			pmm__pr_info(m, "e820: remove [mem %#010llx-%#018llx] usable",
				     (unsigned long long)c->mem_limit, ~0ULL - 1);
			err = memblock_remove_range(mem, c->mem_limit, ~0ULL);
		} else {
			/* memblock_enforce_memory_limit(): keep the first mem_limit bytes of RAM */
			pmm_phys_addr_t left = c->mem_limit, max_addr = ~0ULL;

			for (i = 0; i < mem->cnt; i++) {
				if (left <= mem->regions[i].size) {
					max_addr = mem->regions[i].base + left;
					break;
				}
				left -= mem->regions[i].size;
			}
			if (max_addr != ~0ULL)
				err = memblock_remove_range(mem, max_addr, ~0ULL);
		}
	}
	return err;
}

static int boot_memblock(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << m->view.page_shift;
	unsigned int i;
	int err;

	for (i = 0; i < d->nr_memory; i++) {
		const struct pmm__range *r = &d->memory[i];
		int nid = m->cmdline_params.numa_off ? 0 : r->nid;

		err = pmm__memblock_add(&m->memblock.memory, r->start, r->end - r->start,
					nid, r->flags);
		/* memmap_init_reserved_pages(): a nomap region is reserved like
		 * memblock.reserved: present, never freed, PageReserved */
		if (!err && (r->flags & PMM_MEMORY_NOMAP))
			err = pmm__memblock_add(&m->memblock.reserved, r->start, r->end - r->start,
						PMM_NUMA_NO_NODE, 0);
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
	err = apply_memory_params(m, d);
	if (err)
		return err;
	if (!m->memblock.memory.cnt) {
		pmm__pr_err(m, "pmm: the description has no memory%s",
			    d->nr_memory ? " left after mem=/memmap=" : "");
		return -EINVAL;
	}
	return 0;
}

static int boot_limits(struct pmm_machine *m, const struct pmm_machine_desc *d,
		       const struct pmm_boot_opts *opts)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	const struct pmm_memblock_region *last = &mem->regions[mem->cnt - 1];
	unsigned long arch_limit = 1UL << (m->arch->max_physmem_bits - m->view.page_shift);
	unsigned long limit, end_pfn;
	unsigned int i;

	m->max_pfn = (unsigned long)((last->base + last->size) >> m->view.page_shift);
	/* the address space also holds the memory firmware hot-adds later */
	end_pfn = m->max_pfn;
	for (i = 0; i < d->nr_hotplug; i++)
		end_pfn = PMM__MAX(end_pfn, (unsigned long)(d->hotplug[i].end >> m->view.page_shift));
	limit = PMM__ALIGN(end_pfn, pmm__pages_per_section(m));
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
	bool numa_off = m->cmdline_params.numa_off;
	int nid, from, to;

	if (numa_off) {
		pmm_phys_addr_t end = (pmm_phys_addr_t)m->max_pfn << m->view.page_shift;

		/* dummy_numa_init(): one node holds all memory and every CPU */
		pmm__pr_info(m, "NUMA turned off");
		pmm__pr_info(m, "Faking a node at [mem 0x%016llx-0x%016llx]", 0ULL,
			     (unsigned long long)end - 1);
	}
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		pmm_pg_data_t *pgdat;
		int i;

		/* numa=off: node 0 is the fake node, declared or not */
		if (!d->nodes[nid].declared && !(numa_off && nid == 0))
			continue;
		if (numa_off && nid) {
			for (i = 0; i < (int)PMM__ARRAY_SIZE(m->node_cpus[0].bits); i++)
				m->node_cpus[0].bits[i] |= d->nodes[nid].cpus.bits[i];
			continue;
		}
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
		pmm__spin_lock_init(&pgdat->__lruvec.lru_lock);
		pthread_mutex_init(&pgdat->kswapd_wait.lock, NULL);
		pthread_cond_init(&pgdat->kswapd_wait.cond, NULL);
		pthread_mutex_init(&pgdat->kcompactd_wait.lock, NULL);
		pthread_cond_init(&pgdat->kcompactd_wait.cond, NULL);
		m->view.node_data[nid] = pgdat;
		for (i = 0; i < (int)PMM__ARRAY_SIZE(m->node_cpus[0].bits); i++)
			m->node_cpus[nid].bits[i] |= d->nodes[nid].cpus.bits[i];
		pmm_node_set(nid, &m->view.node_states[PMM_N_POSSIBLE]);
	}
	/* the boot CPU's node; without a CPU 0 (a CPU-less description, or CPUs
	 * numbered from elsewhere), the first node, so that it always has a pgdat */
	m->boot_cpu_nid = pmm_first_node(&m->view.node_states[PMM_N_POSSIBLE]);
	pmm_for_each_node(nid, m) {
		if (pmm_cpumask_weight(&m->node_cpus[nid]))
			pmm_node_set(nid, &m->view.node_states[PMM_N_CPU]);
		if (pmm_cpumask_test_cpu(0, &m->node_cpus[nid]))
			m->boot_cpu_nid = nid;
	}
	for (from = 0; from < PMM_MAX_NUMNODES; from++)
		for (to = 0; to < PMM_MAX_NUMNODES; to++)
			m->distance[from][to] = numa_off ? PMM__LOCAL_DISTANCE : d->distance[from][to];
	return 0;
}

/* What the eager memmap needs: the struct pages of every present section. */
static unsigned long long memmap_need(const struct pmm_machine *m, unsigned long *sections)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long last = ~0UL;
	unsigned int i;

	*sections = 0;
	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e, first, end;

		if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			continue;
		first = pmm_pfn_to_section_nr(m, s);
		end = pmm_pfn_to_section_nr(m, e - 1) + 1;
		*sections += end - first - (first == last);
		last = end - 1;
	}
	return (unsigned long long)*sections * pmm__pages_per_section(m) * sizeof(struct pmm_page);
}

/*
 * The memory budget, checked before the memory model allocates anything:
 * with no mode chosen, on demand when the eager memmap would not fit
 * comfortably (over half of it); eager or deferred, a memmap larger than
 * opts->memmap_limit or MemAvailable is refused with figures rather than
 * killed by the host. On demand, struct pages come as memory is used, and
 * zones grow only as far as the same budget allows (deferred_grow_zone()).
 */
static int memmap_budget(struct pmm_machine *m, const struct pmm_boot_opts *opts)
{
	unsigned long long have = opts && opts->memmap_limit ? opts->memmap_limit : 0;
	const char *what = "the memmap_limit";
	unsigned long sections;
	unsigned long long need = memmap_need(m, &sections);

	if (!have) {
		have = pmm__host_available_bytes();
		what = "what this host has available (MemAvailable)";
	}
	m->memmap_budget = have;
	m->memmap_committed = need;	/* on demand, less what stays deferred (mm_init.c) */
	if (m->defer_mode == PMM_DEFER_DEFAULT)
		m->defer_mode = have && need > have / 2 && pmm__deferral_possible(m) ?
				PMM_DEFER_ON_DEMAND : PMM_DEFER_EAGER;
	if (!have || need <= have || m->defer_mode == PMM_DEFER_ON_DEMAND)
		return 0;
	pmm__pr_err(m, "pmm: the struct pages of this machine need %llu MiB of host memory "
		    "(%lu sections of %lu MiB of RAM, %zu bytes a page), more than %s, "
		    "%llu MiB: %sdescribe a smaller machine, or raise pmm_boot_opts.memmap_limit",
		    need >> 20, sections,
		    (pmm__pages_per_section(m) << m->view.page_shift) >> 20,
		    sizeof(struct pmm_page), what, have >> 20,
		    pmm__deferral_possible(m) ? "boot it on demand (PMM_DEFER_ON_DEMAND, "
						"pmm --defer on-demand), " : "");
	return -ENOMEM;
}

int pmm_boot(const struct pmm_machine_desc *d, const struct pmm_boot_opts *opts,
	     struct pmm_machine **out)
{
	struct pmm_machine *m;
	int err, nid;

	*out = NULL;
	if (!d)
		return -EINVAL;
	m = pmm__calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	init_view(m, d->arch);
	pthread_mutex_init(&m->hotplug_lock, NULL);
	pthread_mutex_init(&m->oom_lock, NULL);
	pthread_mutex_init(&m->clock_lock, NULL);
	pthread_mutex_init(&m->log_lock, NULL);
	if (opts) {
		m->flags = opts->flags;
		m->log_fn = opts->log;
		m->log_arg = opts->log_arg;
		m->on_bad_page = opts->on_bad_page;
		m->on_bad_page_arg = opts->on_bad_page_arg;
		m->migrate_page = opts->migrate_page;
		m->migrate_page_arg = opts->migrate_page_arg;
		m->on_oom = opts->on_oom;
		m->on_oom_arg = opts->on_oom_arg;
		m->reclaim_folio = opts->reclaim_folio;
		m->reclaim_folio_arg = opts->reclaim_folio_arg;
		m->defer_mode = opts->defer;
		m->progress_fn = opts->progress;
		m->progress_arg = opts->progress_arg;
	}
	if (m->defer_mode > PMM_DEFER_ON_DEMAND) {
		err = -EINVAL;
		pmm__pr_err(m, "pmm: unknown pmm_boot_opts.defer %d", (int)m->defer_mode);
		goto fail;
	}
	m->kernel_version = d->kernel_version;
	memcpy(m->zone_end, d->zone_end, sizeof(m->zone_end));
	m->sysctl = d->sysctl;
	m->user_min_free_kbytes = d->sysctl.min_free_kbytes;
	m->cmdline = pmm__strdup(d->cmdline ? d->cmdline : "");
	if (!m->cmdline) {
		err = -ENOMEM;
		goto fail;
	}
	pmm__pr_info(m, "Command line: %s", m->cmdline);
	if (m->kernel_version < PMM_KERNEL_VERSION(6, 1) ||
	    m->kernel_version > PMM_KERNEL_VERSION(PMM__NEWEST_RULES_MAJOR, PMM__NEWEST_RULES_MINOR))
		pmm__pr_warn(m, "pmm: kernel %u.%u: pmm knows the rules of 6.1 to %d.%d; where they "
			     "changed it follows %s", m->kernel_version >> 16,
			     (m->kernel_version >> 8) & 0xff, PMM__NEWEST_RULES_MAJOR,
			     PMM__NEWEST_RULES_MINOR, m->kernel_version < PMM_KERNEL_VERSION(6, 1) ?
			     "6.1's" : "the newest's");
	err = pmm__parse_cmdline(m, m->cmdline);
	if (!err)
		err = boot_memblock(m, d);
	if (!err)
		err = boot_limits(m, d, opts);
	if (err)
		goto fail;
	if (!(m->flags & PMM_BOOT_NO_BIND) && pmm__host_open(m))
		pmm__pr_warn(m, "pmm: cannot read the host topology; memory is not bound");
	if (!(m->flags & PMM_BOOT_NO_BIND) && !m->host)
		m->flags |= PMM_BOOT_NO_BIND;
	err = memmap_budget(m, opts);
	if (!err)
		err = pmm__host_map_nodes(m, d);
	if (!err)
		err = boot_nodes(m, d);
	if (!err)
		err = pmm__free_area_init(m);
	if (!err)
		err = pmm__model_init(m);
	if (!err)
		err = pmm__direct_map_init(m);
	if (!err)
		err = pmm__memmap_init(m);
	if (err)
		goto fail;
	err = pmm__memory_blocks_init(m, d);
	if (!err)
		err = pmm__cpus_init(m, d);
	if (!err)
		err = pmm__page_alloc_init(m);
	if (!err)
		err = pmm__mempolicy_init(m);
	if (err)
		goto fail;
	pmm__build_all_zonelists(m);
	pmm__memblock_free_all(m);
	/* page_alloc_init_late(): deferred pages, then the limits taken from free memory */
	pmm__deferred_init_all(m);
	pmm__init_per_zone_wmark_min(m);
	/* userspace's swapon */
	err = pmm__swap_init(m, d->swap_bytes);
	if (err)
		goto fail;
	/*
	 * memory_tier_late_init(): before the daemons start, since kswapd's
	 * reclaim reads the demotion targets
	 */
	err = pmm__memory_tiers_init(m, d);
	if (err)
		goto fail;
	m->booted = true;
	/* kswapd_init() and kcompactd_init(): a thread each per node with memory */
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		if (!err)
			err = pmm__kthreads_run(m, nid);
	if (err)
		goto fail;
	/* memory the firmware adds after boot (ACPI memory devices) */
	err = pmm__hotplug_boot(m, d);
	if (err)
		goto fail;
	pmm__host_report(m);
	*out = m;
	return 0;

fail:
	pmm_shutdown(m);
	return err;
}

void pmm_shutdown(struct pmm_machine *m)
{
	int nid;

	if (!m)
		return;
	pmm_for_each_node(nid, m)
		pmm__kthreads_stop(m, nid);
	pmm__swap_fini(m);
	pmm__memory_tiers_fini(m);
	pmm__mempolicy_fini(m);
	pmm__page_alloc_fini(m);
	pmm__cpus_fini(m);
	pmm__model_fini(m);
	pmm__memory_blocks_fini(m);
	pmm__deferred_fini(m);
	pmm__direct_map_fini(m);
	pmm__free_nodes(m);
	pmm__host_close(m);
	pmm__memblock_free_all_regions(&m->memblock);
	pthread_mutex_destroy(&m->hotplug_lock);
	pthread_mutex_destroy(&m->oom_lock);
	pthread_mutex_destroy(&m->clock_lock);
	pthread_mutex_destroy(&m->log_lock);
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
	return PMM_VERSION_STRING;
}

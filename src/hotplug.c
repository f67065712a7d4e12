// SPDX-License-Identifier: MIT
/*
 * Memory hotplug: adding memory and onlining memory blocks.
 * Mirrors mm/memory_hotplug.c: add_memory_resource, check_hotplug_memory_range,
 * zone_for_pfn_range, default_kernel_zone_for_pfn, default_zone_for_pfn,
 * auto_movable_zone_for_pfn, move_pfn_range_to_zone, online_pages,
 * adjust_present_page_count, node_states_check_changes_online.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- which zone a range goes to ---------------------------------------------------------------- */

static struct pmm_zone *default_kernel_zone_for_pfn(struct pmm_machine *m, int nid,
						    unsigned long start_pfn, unsigned long nr_pages)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];
	int z;

	for (z = 0; z < PMM_ZONE_NORMAL; z++)
		if (pmm__zone_intersects(&pgdat->node_zones[z], start_pfn, nr_pages))
			return &pgdat->node_zones[z];
	return &pgdat->node_zones[PMM_ZONE_NORMAL];
}

static struct pmm_zone *default_zone_for_pfn(struct pmm_machine *m, int nid,
					     unsigned long start_pfn, unsigned long nr_pages)
{
	struct pmm_zone *kernel_zone = default_kernel_zone_for_pfn(m, nid, start_pfn, nr_pages);
	struct pmm_zone *movable_zone = &m->view.node_data[nid]->node_zones[PMM_ZONE_MOVABLE];
	bool in_kernel = pmm__zone_intersects(kernel_zone, start_pfn, nr_pages);
	bool in_movable = pmm__zone_intersects(movable_zone, start_pfn, nr_pages);

	/* inherit the zone when exactly one of them is there already */
	if (in_kernel ^ in_movable)
		return in_kernel ? kernel_zone : movable_zone;
	return m->cmdline_params.movable_node ? movable_zone : kernel_zone;
}

/* auto_movable_stats_account_zone() over one node, or every node (nid < 0) */
static void auto_movable_stats(struct pmm_machine *m, int nid, unsigned long *kernel_early,
			       unsigned long *movable)
{
	int n, z;

	*kernel_early = *movable = 0;
	pmm_for_each_node(n, m) {
		if (nid >= 0 && n != nid)
			continue;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &m->view.node_data[n]->node_zones[z];

			if (!pmm_populated_zone(zone))
				continue;
			if (z == PMM_ZONE_MOVABLE) {
				*movable += zone->present_pages;
			} else {
				*kernel_early += zone->present_early_pages - zone->cma_pages;
				*movable += zone->cma_pages;
			}
		}
	}
}

static bool auto_movable_can_online_movable(struct pmm_machine *m, int nid,
					    unsigned long nr_pages)
{
	unsigned long kernel_early, movable;

	auto_movable_stats(m, nid, &kernel_early, &movable);
	return movable + nr_pages <= m->cmdline_params.auto_movable_ratio * kernel_early / 100;
}

/* auto_movable_zone_for_pfn(), for memory outside memory groups (ACPI DIMMs) */
static struct pmm_zone *auto_movable_zone_for_pfn(struct pmm_machine *m, int nid,
						  unsigned long pfn, unsigned long nr_pages)
{
	if (m->cmdline_params.auto_movable_ratio &&
	    auto_movable_can_online_movable(m, PMM_NUMA_NO_NODE, nr_pages) &&
	    auto_movable_can_online_movable(m, nid, nr_pages))	/* auto_movable_numa_aware */
		return &m->view.node_data[nid]->node_zones[PMM_ZONE_MOVABLE];
	return default_kernel_zone_for_pfn(m, nid, pfn, nr_pages);
}

struct pmm_zone *pmm__zone_for_pfn_range(struct pmm_machine *m, int online_type, int nid,
					 unsigned long start_pfn, unsigned long nr_pages)
{
	if (online_type == PMM_MMOP_ONLINE_KERNEL)
		return default_kernel_zone_for_pfn(m, nid, start_pfn, nr_pages);
	if (online_type == PMM_MMOP_ONLINE_MOVABLE)
		return &m->view.node_data[nid]->node_zones[PMM_ZONE_MOVABLE];
	if (m->cmdline_params.online_policy_auto_movable)
		return auto_movable_zone_for_pfn(m, nid, start_pfn, nr_pages);
	return default_zone_for_pfn(m, nid, start_pfn, nr_pages);
}

/* ---- onlining ------------------------------------------------------------------------------------ */

/* resize_zone_range() / resize_pgdat_range() */
static void resize_span(unsigned long *start, unsigned long *spanned, unsigned long pfn,
			unsigned long nr_pages)
{
	unsigned long old_end = *start + *spanned;

	if (!*spanned || pfn < *start)
		*start = pfn;
	*spanned = PMM__MAX(*spanned ? old_end : 0, pfn + nr_pages) - *start;
}

static int online_pages(struct pmm_machine *m, unsigned long pfn, unsigned long nr_pages,
			struct pmm_zone *zone)
{
	pmm_pg_data_t *pgdat = zone->zone_pgdat;
	enum pmm_zone_type idx = pmm_zone_idx(zone);
	int nid = pgdat->node_id;
	bool was_populated = pmm_populated_zone(zone), new_memory, new_normal;

	if (!nr_pages || !PMM__IS_ALIGNED(pfn, 1UL << m->pageblock_order) ||
	    !PMM__IS_ALIGNED(pfn + nr_pages, pmm__pages_per_section(m)))
		return -EINVAL;
	if (idx == PMM_ZONE_DEVICE || !pmm_zone_type_configured(m, idx))
		return -EINVAL;

	/* move_pfn_range_to_zone() */
	pthread_mutex_lock(&pgdat->node_size_lock);
	if (pmm_zone_is_empty(zone))
		zone->initialized = 1;
	resize_span(&zone->zone_start_pfn, &zone->spanned_pages, pfn, nr_pages);
	resize_span(&pgdat->node_start_pfn, &pgdat->node_spanned_pages, pfn, nr_pages);
	if (pgdat->nr_zones < (int)idx + 1)
		pgdat->nr_zones = (int)idx + 1;
	pthread_mutex_unlock(&pgdat->node_size_lock);
	pmm__memmap_init_hotplug(m, zone, pfn, pfn + nr_pages);

	/* node_states_check_changes_online() */
	new_memory = !pmm_node_state(m, nid, PMM_N_MEMORY);
	new_normal = idx <= PMM_ZONE_NORMAL && !pmm_node_state(m, nid, PMM_N_NORMAL_MEMORY);

	pmm__model_online_range(m, pfn, nr_pages, true);
	/* generic_online_page(): the pages go to the page allocator */
	pmm__online_page_range(m, zone, pfn, pfn + nr_pages);

	/* adjust_present_page_count() */
	pthread_mutex_lock(&pgdat->node_size_lock);
	zone->present_pages += nr_pages;
	pgdat->node_present_pages += nr_pages;
	pthread_mutex_unlock(&pgdat->node_size_lock);

	/* node_states_set_node() */
	if (new_normal) {
		pmm_node_set(nid, &m->view.node_states[PMM_N_NORMAL_MEMORY]);
		if (!pmm_zone_type_configured(m, PMM_ZONE_HIGHMEM))
			pmm_node_set(nid, &m->view.node_states[PMM_N_HIGH_MEMORY]);
	}
	if (new_memory)
		pmm_node_set(nid, &m->view.node_states[PMM_N_MEMORY]);
	if (!was_populated)
		pmm__build_all_zonelists(m);
	pmm__init_per_zone_wmark_min(m);
	return 0;
}

int pmm_online_memory_block(struct pmm_machine *m, unsigned long id, enum pmm_online_type type)
{
	unsigned long nr = m->block_size >> m->view.page_shift;
	struct pmm__memory_block *b;
	struct pmm_zone *zone;
	int err;

	if (!PMM_CONFIG_SPARSEMEM)
		return -EOPNOTSUPP;
	if (type != PMM_MMOP_ONLINE && type != PMM_MMOP_ONLINE_KERNEL &&
	    type != PMM_MMOP_ONLINE_MOVABLE)
		return -EINVAL;
	pthread_mutex_lock(&m->hotplug_lock);
	b = pmm__find_memory_block(m, id);
	if (!b || b->state != PMM_MEM_OFFLINE) {
		pthread_mutex_unlock(&m->hotplug_lock);
		return -EINVAL;
	}
	zone = pmm__zone_for_pfn_range(m, (int)type, b->nid, id * nr, nr);
	err = online_pages(m, id * nr, nr, zone);
	if (!err) {
		b->state = PMM_MEM_ONLINE;
		b->zone = zone;
	}
	pthread_mutex_unlock(&m->hotplug_lock);
	return err;
}

/* ---- adding memory ------------------------------------------------------------------------------ */

static bool overlaps_memory(const struct pmm_machine *m, pmm_phys_addr_t start, pmm_phys_addr_t end)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned int i;

	for (i = 0; i < mem->cnt; i++)
		if (start < mem->regions[i].base + mem->regions[i].size && mem->regions[i].base < end)
			return true;
	for (i = 0; i < m->nr_hotplug; i++)
		if (start < m->hotplug[i].end && m->hotplug[i].start < end)
			return true;
	return false;
}

static int add_memory_locked(struct pmm_machine *m, int nid, pmm_phys_addr_t start,
			     pmm_phys_addr_t size)
{
	unsigned long start_pfn = pmm_phys_pfn(m, start), nr_pages = pmm_phys_pfn(m, size);
	unsigned long per_block = m->block_size >> m->view.page_shift, id;
	pmm_phys_addr_t end = start + size;
	int err;

	if (!size || start % m->block_size || size % m->block_size || end < start) {
		pmm__pr_err(m, "Block size [%#lx] unaligned hotplug range: start %#llx, size %#llx",
			    m->block_size, (unsigned long long)start, (unsigned long long)size);
		return -EINVAL;
	}
	if (start_pfn + nr_pages > m->view.pfn_limit) {
		pmm__pr_err(m, "pmm: hotplug range [%#llx-%#llx] is beyond the machine's address "
			    "space (%#llx); boot with a larger phys_limit",
			    (unsigned long long)start, (unsigned long long)end - 1,
			    (unsigned long long)m->view.pfn_limit << m->view.page_shift);
		return -ERANGE;
	}
	if (!pmm_node_data(m, nid))
		return -EINVAL;
	if (overlaps_memory(m, start, end))
		return -EEXIST;

	err = pmm__model_add_range(m, start_pfn, nr_pages, nid);
	if (err)
		return err;
	if (m->view.direct_map) {
		err = pmm__vm_populate(m, m->view.direct_map + start, (size_t)size, nid);
		if (err && err != -EXDEV) {
			pmm__model_remove_range(m, start_pfn, nr_pages);
			return err;
		}
	}
	if (m->nr_hotplug == m->max_hotplug) {
		unsigned int max = m->max_hotplug ? m->max_hotplug * 2 : 8;
		struct pmm__range *r = realloc(m->hotplug, max * sizeof(*r));

		if (!r)
			return -ENOMEM;
		m->hotplug = r;
		m->max_hotplug = max;
	}
	m->hotplug[m->nr_hotplug++] = (struct pmm__range){ start, end, nid, 0 };
	/* __try_online_node(): a node that gains memory comes online */
	if (!pmm_node_state(m, nid, PMM_N_ONLINE)) {
		pmm_node_set(nid, &m->view.node_states[PMM_N_ONLINE]);
		pmm__build_all_zonelists(m);
	}
	for (id = start_pfn / per_block; id < (start_pfn + nr_pages) / per_block; id++) {
		err = pmm__add_memory_block(m, id, nid, PMM_MEM_OFFLINE, false);
		if (err)
			return err;
	}
	return 0;
}

int pmm_add_memory(struct pmm_machine *m, int nid, pmm_phys_addr_t start, pmm_phys_addr_t size)
{
	unsigned long per_block, id;
	int err;

	if (!PMM_CONFIG_SPARSEMEM || !m->block_size)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&m->hotplug_lock);
	err = add_memory_locked(m, nid, start, size);
	pthread_mutex_unlock(&m->hotplug_lock);
	if (err || m->auto_online_type == PMM_MMOP_OFFLINE)
		return err;
	per_block = m->block_size >> m->view.page_shift;
	for (id = pmm_phys_pfn(m, start) / per_block;
	     id < pmm_phys_pfn(m, start + size) / per_block && !err; id++)
		err = pmm_online_memory_block(m, id, (enum pmm_online_type)m->auto_online_type);
	return err;
}

unsigned long pmm__hotplug_pages_in_range(const struct pmm_machine *m, unsigned long start_pfn,
					  unsigned long end_pfn)
{
	unsigned long nr = 0;
	unsigned int i;

	for (i = 0; i < m->nr_hotplug; i++) {
		unsigned long s = PMM__MAX(start_pfn, pmm_phys_pfn(m, m->hotplug[i].start));
		unsigned long e = PMM__MIN(end_pfn, pmm_phys_pfn(m, m->hotplug[i].end));

		if (s < e)
			nr += e - s;
	}
	return nr;
}

int pmm__hotplug_boot(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	unsigned int i;
	int err;

	for (i = 0; i < d->nr_hotplug; i++) {
		const struct pmm__range *r = &d->hotplug[i];

		if (!PMM_CONFIG_SPARSEMEM) {
			pmm__pr_warn(m, "pmm: memory hotplug needs SPARSEMEM; [mem %#018llx-%#018llx] "
				     "is not added", (unsigned long long)r->start,
				     (unsigned long long)r->end - 1);
			continue;
		}
		err = pmm_add_memory(m, m->cmdline_params.numa_off ? 0 : r->nid, r->start,
				     r->end - r->start);
		if (err) {
			pmm__pr_err(m, "pmm: hot-adding [mem %#018llx-%#018llx] to node %d failed: %d",
				    (unsigned long long)r->start, (unsigned long long)r->end - 1,
				    r->nid, err);
			return err;
		}
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Memory hotplug: adding memory, onlining and offlining memory blocks,
 * removing memory. Mirrors mm/memory_hotplug.c: add_memory_resource,
 * check_hotplug_memory_range, zone_for_pfn_range, default_kernel_zone_for_pfn,
 * default_zone_for_pfn, auto_movable_zone_for_pfn, move_pfn_range_to_zone,
 * online_pages, adjust_present_page_count, node_states_check_changes_online,
 * offline_pages, do_migrate_range, node_states_check_changes_offline,
 * remove_pfn_range_from_zone (shrink_zone_span, update_pgdat_span),
 * try_remove_memory, try_offline_node.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sched.h>

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
void pmm__resize_span(unsigned long *start, unsigned long *spanned, unsigned long pfn,
			unsigned long nr_pages)
{
	unsigned long old_end = *start + *spanned;

	if (!*spanned || pfn < *start)
		*start = pfn;
	*spanned = PMM__MAX(*spanned ? old_end : 0, pfn + nr_pages) - *start;
}

/*
 * online_pages() for a block whose first nr_vmemmap pages hold its own
 * memmap (memmap_on_memory): those join the zone and count as present
 * (mhp_init_memmap_on_memory(), adjust_present_page_count()) but stay
 * reserved, out of the buddy allocator.
 */
static int online_pages(struct pmm_machine *m, unsigned long pfn, unsigned long nr_pages,
			unsigned long nr_vmemmap, struct pmm_zone *zone)
{
	pmm_pg_data_t *pgdat = zone->zone_pgdat;
	enum pmm_zone_type idx = pmm_zone_idx(zone);
	int nid = pgdat->node_id;
	bool was_populated = pmm_populated_zone(zone), new_memory, new_normal;
	unsigned long i;

	if (!nr_pages || !PMM__IS_ALIGNED(pfn, 1UL << m->pageblock_order) ||
	    !PMM__IS_ALIGNED(pfn + nr_pages, pmm__pages_per_section(m)))
		return -EINVAL;
	if (idx == PMM_ZONE_DEVICE || !pmm_zone_type_configured(m, idx))
		return -EINVAL;

	/* move_pfn_range_to_zone() */
	pthread_mutex_lock(&pgdat->node_size_lock);
	if (pmm_zone_is_empty(zone))
		zone->initialized = 1;
	pmm__resize_span(&zone->zone_start_pfn, &zone->spanned_pages, pfn, nr_pages);
	pmm__resize_span(&pgdat->node_start_pfn, &pgdat->node_spanned_pages, pfn, nr_pages);
	if (pgdat->nr_zones < (int)idx + 1)
		pgdat->nr_zones = (int)idx + 1;
	pthread_mutex_unlock(&pgdat->node_size_lock);
	pmm__memmap_init_hotplug(m, zone, pfn, pfn + nr_pages);

	/* node_states_check_changes_online() */
	new_memory = !pmm_node_state(m, nid, PMM_N_MEMORY);
	new_normal = idx <= PMM_ZONE_NORMAL && !pmm_node_state(m, nid, PMM_N_NORMAL_MEMORY);

	pmm__model_online_range(m, pfn, nr_pages, true);
	for (i = pfn; i < pfn + nr_vmemmap; i++) {
		struct pmm_page *page = pmm_pfn_to_page(m, i);	/* PageVmemmapSelfHosted */

		pmm_page_clear_type(page);
		pmm_page_set_flag(page, PMM_PG_reserved);
		if (!(i & ((1UL << m->pageblock_order) - 1)))
			pmm__set_pageblock_migratetype(m, zone, i, PMM_MIGRATE_UNMOVABLE);
	}
	/* generic_online_page(): the pages go to the page allocator */
	pmm__online_page_range(m, zone, pfn + nr_vmemmap, pfn + nr_pages);

	/* adjust_present_page_count() */
	pthread_mutex_lock(&pgdat->node_size_lock);
	__atomic_fetch_add(&zone->present_pages, nr_pages, __ATOMIC_RELAXED);
	__atomic_fetch_add(&pgdat->node_present_pages, nr_pages, __ATOMIC_RELAXED);
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
	/* kswapd_run(), kcompactd_run() for a node that now has memory */
	if (new_memory && pmm__kthreads_run(m, nid))
		pmm__pr_warn(m, "node %d has memory but no kswapd or kcompactd", nid);
	/* memtier_hotplug_callback(): the node gets its tier */
	if (new_memory)
		pmm__memory_tiers_node_changed(m, nid);
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
	/*
	 * The kernel never onlines mid deferred init; pmm may, on demand: an
	 * offline block holds no deferred page (boot memory starts online, and
	 * offlining initialises the block's first), and the zone that deferred
	 * keeps growing on demand wherever this block lands.
	 */
	pthread_mutex_lock(&m->hotplug_lock);
	b = pmm__find_memory_block(m, id);
	if (!b || b->state != PMM_MEM_OFFLINE) {
		pthread_mutex_unlock(&m->hotplug_lock);
		return -EINVAL;
	}
	zone = pmm__zone_for_pfn_range(m, (int)type, b->nid, id * nr, nr);
	err = online_pages(m, id * nr, nr, b->nr_vmemmap_pages, zone);
	if (!err) {
		b->state = PMM_MEM_ONLINE;
		b->zone = zone;
	}
	pthread_mutex_unlock(&m->hotplug_lock);
	return err;
}

/* ---- offlining ---------------------------------------------------------------------------------- */

/* the first section-aligned pfn of [start, end) (searching up, or down) still in zone */
static unsigned long zone_section_pfn(struct pmm_machine *m, struct pmm_zone *zone,
				      unsigned long start, unsigned long end, bool up)
{
	unsigned long step = pmm__pages_per_section(m), pfn;

	for (pfn = up ? start : end - step; pfn >= start && pfn < end;
	     pfn = up ? pfn + step : pfn - step) {
		struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);

		if (!ms || !pmm_online_section(ms) || !pmm_pfn_valid(m, pfn))
			continue;
		if (pmm_page_zone(m, pmm_pfn_to_page(m, pfn)) != zone)
			continue;
		return pfn;
	}
	return ~0UL;
}

/* shrink_zone_span() and update_pgdat_span(); caller holds node_size_lock */
static void shrink_spans(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
			 unsigned long end)
{
	pmm_pg_data_t *pgdat = zone->zone_pgdat;
	unsigned long zs = zone->zone_start_pfn, ze = pmm_zone_end_pfn(zone), first, last;

	if (start == zs || end == ze) {
		first = zone_section_pfn(m, zone, zs, ze, true);
		last = zone_section_pfn(m, zone, zs, ze, false);
		if (first == ~0UL) {
			zone->zone_start_pfn = 0;
			zone->spanned_pages = 0;
		} else {
			/* keep a partial first or last section as the zone had it */
			first = PMM__MAX(first, zs);
			last = PMM__MIN(last + pmm__pages_per_section(m), ze);
			zone->zone_start_pfn = first;
			zone->spanned_pages = last - first;
		}
	}
	pmm__update_pgdat_span(pgdat);
}

/* update_pgdat_span(): the node spans its zones; caller holds node_size_lock */
void pmm__update_pgdat_span(pmm_pg_data_t *pgdat)
{
	unsigned long node_start = ~0UL, node_end = 0;
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		const struct pmm_zone *zn = &pgdat->node_zones[z];

		if (pmm_zone_is_empty(zn))
			continue;
		node_start = PMM__MIN(node_start, zn->zone_start_pfn);
		node_end = PMM__MAX(node_end, pmm_zone_end_pfn(zn));
	}
	if (node_start == ~0UL) {
		pgdat->node_start_pfn = 0;
		pgdat->node_spanned_pages = 0;
	} else {
		pgdat->node_start_pfn = node_start;
		pgdat->node_spanned_pages = node_end - node_start;
	}
}

/* alloc_migration_target(): another node with memory if there is one */
static struct pmm_page *alloc_migration_target(struct pmm_machine *m, struct pmm_page *src,
					       void *arg)
{
	unsigned int order = pmm_compound_order(src);
	pmm_gfp_t gfp = PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_NOWARN | (order ? __PMM_GFP_COMP : 0);
	int nid = pmm_page_to_nid(src);
	pmm_nodemask_t others = *pmm_node_states(m, PMM_N_MEMORY);

	(void)arg;
	pmm_node_clear(nid, &others);
	if (pmm_nodes_empty(&others))
		pmm_node_set(nid, &others);
	return pmm_alloc_pages_nodemask(m, gfp, order, nid, &others);
}

/*
 * migrate_pages() (MIGRATE_SYNC, MR_MEMORY_HOTPLUG) for one page in use: a
 * folio on the LRU is isolated and goes through pmm__migrate_pages(), its
 * copy put back on the lists of its new node. A page its owner keeps off
 * the LRU moves on its own (pmm__migrate_folio()): its lru field is the
 * owner's, so it cannot be put on a list. Return: 0; -EBUSY if it cannot
 * move, -EAGAIN if it stayed busy, -ENOMEM.
 */
static int migrate_one(struct pmm_machine *m, struct pmm_page *page, unsigned int order)
{
	struct pmm__migrate_target t = {
		.get = alloc_migration_target, .passes = 10, .lru = true,
	};
	struct pmm_list_head from;
	struct pmm_page *new;
	int rc;

	if (!m->migrate_page)
		return -EBUSY;
	if (pmm_page_test_flag(page, PMM_PG_lru) &&
	    pmm_folio_isolate_lru(m, (struct pmm_folio *)page)) {
		pmm__list_init(&from);
		pmm__list_add(&page->lru, &from);
		rc = pmm__migrate_pages(m, &from, &t, NULL);
		if (rc)
			pmm_folio_putback_lru(m, (struct pmm_folio *)page);
		return rc > 0 ? t.last_error : rc;
	}
	new = alloc_migration_target(m, page, NULL);
	rc = new ? pmm__migrate_folio(m, page, new, order) : -ENOMEM;
	if (rc && new)
		pmm_free_pages(m, new, order);
	return rc;
}

/* do_migrate_range(): move every page in use out of [start, end) */
static int migrate_range(struct pmm_machine *m, unsigned long start, unsigned long end)
{
	unsigned long pfn;
	int err = 0;

	for (pfn = start; pfn < end;) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);
		unsigned int order = 0;
		int rc;

		if (pmm_PageBuddy(page)) {
			pfn += 1UL << pmm_page_private(page);
			continue;
		}
		if (pmm_page_ref_count(page) <= 0 || pmm_PageTail(page)) {
			pfn++;	/* being freed, or the isolation check's business */
			continue;
		}
		if (pmm_PageHead(page))
			order = pmm_compound_order(page);
		rc = migrate_one(m, page, order);
		if (rc && rc != -EAGAIN)
			return rc;
		if (rc)
			err = rc;
		pfn += 1UL << order;
	}
	return err;
}

/* Called with the hotplug lock held; rolls back on failure. */
static int offline_pages(struct pmm_machine *m, unsigned long start, unsigned long nr,
			 unsigned long nr_vmemmap, struct pmm_zone *zone)
{
	pmm_pg_data_t *pgdat = zone->zone_pgdat;
	unsigned long block = start, end = start + nr, bad, present_normal = 0, present_all;
	enum pmm_zone_type idx = pmm_zone_idx(zone);
	bool clear_normal, clear_memory, early;
	const char *reason = NULL;
	int nid = pgdat->node_id, z, pass, err;

	/* the block's own memmap is not offlined page by page (mhp_deinit_memmap_on_memory()) */
	start += nr_vmemmap;
	pmm__zone_pcp_disable(m, zone);
	/* a page another thread is freeing right now looks unmovable for a moment */
	for (pass = 0; pass < 3; pass++) {
		err = pmm__isolate_range(m, zone, start, end, &bad);
		if (err != -EBUSY || pmm_page_ref_count(pmm_pfn_to_page(m, bad)) > 0 ||
		    pmm_PageReserved(pmm_pfn_to_page(m, bad)))
			break;
		sched_yield();
	}
	if (err) {
		pmm__pr_info(m, "pmm: pfn %#lx is unmovable", bad);
		reason = "failure to isolate range";
		goto fail_isolate;
	}

	/* node_states_check_changes_offline() */
	for (z = 0; z <= PMM_ZONE_NORMAL; z++)
		present_normal += pgdat->node_zones[z].present_pages;
	present_all = present_normal + pgdat->node_zones[PMM_ZONE_MOVABLE].present_pages;
	clear_normal = idx <= PMM_ZONE_NORMAL && nr >= present_normal;
	clear_memory = nr >= present_all;

	/* migrate until everything is free and isolated; pages in use that are being
	 * freed right now, or whose owner was busy, are retried a few times */
	for (pass = 0; pass < 16; pass++) {
		err = migrate_range(m, start, end);
		if (err && err != -EAGAIN)
			break;
		if (pmm__range_isolated(m, zone, start, end)) {
			err = 0;
			break;
		}
		err = -EBUSY;
	}
	if (err) {
		reason = err == -ENOMEM ? "out of memory to migrate to" :
			 "unmovable or unmigratable page";
		err = err == -ENOMEM ? -ENOMEM : -EBUSY;
		goto fail;
	}

	pmm__offline_isolated_pages(m, zone, start, end);
	pmm__zone_pcp_enable(zone);
	pmm__model_online_range(m, block, nr, false);

	pthread_mutex_lock(&pgdat->node_size_lock);
	early = pmm_early_section(pmm_pfn_to_section(m, block));
	__atomic_fetch_sub(&zone->present_pages, nr, __ATOMIC_RELAXED);
	if (early)
		zone->present_early_pages -= nr;
	__atomic_fetch_sub(&pgdat->node_present_pages, nr, __ATOMIC_RELAXED);
	shrink_spans(m, zone, block, end);
	pthread_mutex_unlock(&pgdat->node_size_lock);

	/* node_states_clear_node() */
	if (clear_normal) {
		pmm_node_clear(nid, &m->view.node_states[PMM_N_NORMAL_MEMORY]);
		if (!pmm_zone_type_configured(m, PMM_ZONE_HIGHMEM))
			pmm_node_clear(nid, &m->view.node_states[PMM_N_HIGH_MEMORY]);
	}
	if (clear_memory)
		pmm_node_clear(nid, &m->view.node_states[PMM_N_MEMORY]);
	if (!pmm_populated_zone(zone))
		pmm__build_all_zonelists(m);
	pmm__init_per_zone_wmark_min(m);
	if (clear_memory) {
		pmm__kthreads_stop(m, nid);
		pmm__memory_tiers_node_changed(m, nid);	/* it leaves its tier */
	}
	return 0;

fail:
	pmm__undo_isolate_range(m, zone, start, end);
fail_isolate:
	pmm__zone_pcp_enable(zone);
	pmm__pr_info(m, "memory offlining [mem %#010llx-%#010llx] failed due to %s",
		     (unsigned long long)pmm_pfn_phys(m, block),
		     (unsigned long long)pmm_pfn_phys(m, end) - 1, reason);
	return err;
}

int pmm_offline_memory_block(struct pmm_machine *m, unsigned long id)
{
	unsigned long nr = m->block_size >> m->view.page_shift;
	struct pmm__memory_block *b;
	int err;

	if (!PMM_CONFIG_SPARSEMEM || !m->block_size)
		return -EOPNOTSUPP;
	/* isolation walks every page of the block: none may be deferred */
	err = pmm__deferred_pending(m, id * nr, (id + 1) * nr) ? pmm_deferred_init_finish(m) : 0;
	if (err)
		return err;
	pthread_mutex_lock(&m->hotplug_lock);
	b = pmm__find_memory_block(m, id);
	if (!b || b->state != PMM_MEM_ONLINE || !b->zone ||
	    pmm_zone_idx(b->zone) == PMM_ZONE_DEVICE) {
		/* a block over several zones cannot go (test_pages_in_a_zone()) */
		pthread_mutex_unlock(&m->hotplug_lock);
		return -EINVAL;
	}
	b->state = PMM_MEM_GOING_OFFLINE;
	err = offline_pages(m, id * nr, nr, b->nr_vmemmap_pages, b->zone);
	b->state = err ? PMM_MEM_ONLINE : PMM_MEM_OFFLINE;
	if (!err)
		b->zone = NULL;
	pthread_mutex_unlock(&m->hotplug_lock);
	return err;
}

/* room for one more hot-added range, made before anything changes so nothing needs undoing */
static int reserve_hotplug_range(struct pmm_machine *m)
{
	unsigned int max = m->max_hotplug ? m->max_hotplug * 2 : 8;
	struct pmm__range *r;

	if (m->nr_hotplug < m->max_hotplug)
		return 0;
	r = pmm__realloc(m->hotplug, max * sizeof(*r));
	if (!r)
		return -ENOMEM;
	m->hotplug = r;
	m->max_hotplug = max;
	return 0;
}

/* ---- removing memory -------------------------------------------------------------------------- */

/* try_offline_node(): a node without memory, sections or CPUs goes offline */
static void try_offline_node(struct pmm_machine *m, int nid)
{
	unsigned long i;

	if (m->view.node_data[nid]->node_spanned_pages ||
	    pmm_cpumask_weight(&m->node_cpus[nid]))
		return;
	for (i = 0; i < m->nr_blocks; i++)
		if (m->blocks[i].nid == nid)
			return;
	pmm_node_clear(nid, &m->view.node_states[PMM_N_ONLINE]);
	pmm__build_all_zonelists(m);
}

static int remove_memory_locked(struct pmm_machine *m, pmm_phys_addr_t start, pmm_phys_addr_t size)
{
	unsigned long per_block = m->block_size >> m->view.page_shift;
	unsigned long start_pfn = pmm_phys_pfn(m, start), nr = pmm_phys_pfn(m, size), id, i;
	pmm_phys_addr_t end = start + size;
	unsigned int h;
	int nid = PMM_NUMA_NO_NODE;

	if (!size || start % m->block_size || size % m->block_size || end < start)
		return -EINVAL;
	/* pmm removes what was hot-added; the range must lie in one hot-added range */
	for (h = 0; h < m->nr_hotplug; h++)
		if (m->hotplug[h].start <= start && end <= m->hotplug[h].end)
			break;
	if (h == m->nr_hotplug)
		return -EINVAL;
	/* check_memblock_offlined_cb() */
	for (id = start_pfn / per_block; id < (start_pfn + nr) / per_block; id++) {
		struct pmm__memory_block *b = pmm__find_memory_block(m, id);

		if (!b)
			return -EINVAL;
		if (b->state != PMM_MEM_OFFLINE)
			return -EBUSY;
		nid = b->nid;
	}
	if (reserve_hotplug_range(m))	/* cutting out the middle splits the range */
		return -ENOMEM;
	/* remove_memory_block_devices() */
	for (i = 0; i < m->nr_blocks;) {
		if (m->blocks[i].id >= start_pfn / per_block &&
		    m->blocks[i].id < (start_pfn + nr) / per_block) {
			memmove(&m->blocks[i], &m->blocks[i + 1],
				(m->nr_blocks - i - 1) * sizeof(m->blocks[0]));
			m->nr_blocks--;
		} else {
			i++;
		}
	}
	/* arch_remove_memory(): the direct map, then sections and memmap */
	if (m->view.direct_map)
		pmm__vm_depopulate(m->view.direct_map + start, (size_t)size);
	pmm__model_remove_range(m, start_pfn, nr);
	/* the resource: cut [start, end) out of the hot-added range */
	if (m->hotplug[h].start == start && m->hotplug[h].end == end) {
		m->hotplug[h] = m->hotplug[--m->nr_hotplug];
	} else if (m->hotplug[h].start == start) {
		m->hotplug[h].start = end;
	} else if (m->hotplug[h].end == end) {
		m->hotplug[h].end = start;
	} else {
		struct pmm__range tail = m->hotplug[h];

		m->hotplug[h].end = start;
		tail.start = end;
		m->hotplug[m->nr_hotplug++] = tail;
	}
	if (nid != PMM_NUMA_NO_NODE)
		try_offline_node(m, nid);
	return 0;
}

int pmm_remove_memory(struct pmm_machine *m, pmm_phys_addr_t start, pmm_phys_addr_t size)
{
	int err;

	if (!PMM_CONFIG_SPARSEMEM || !m->block_size)
		return -EOPNOTSUPP;
	/* only hot-added memory goes: it never held a deferred page */
	pthread_mutex_lock(&m->hotplug_lock);
	err = remove_memory_locked(m, start, size);
	pthread_mutex_unlock(&m->hotplug_lock);
	return err;
}

/* ---- adding memory ------------------------------------------------------------------------------ */

bool pmm__overlaps_memory(const struct pmm_machine *m, pmm_phys_addr_t start, pmm_phys_addr_t end)
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

/*
 * mhp_supports_memmap_on_memory(): a block's memmap fills whole pageblocks
 * at its start, leaving whole pageblocks for memory.
 */
static unsigned long memmap_on_memory_pages(const struct pmm_machine *m)
{
	unsigned long per_block = m->block_size >> m->view.page_shift;
	unsigned long bytes = per_block * sizeof(struct pmm_page);

	if (bytes % pmm_page_size(m) || (bytes / pmm_page_size(m)) % (1UL << m->pageblock_order))
		return 0;
	return bytes / pmm_page_size(m);
}

static int add_memory_locked(struct pmm_machine *m, int nid, pmm_phys_addr_t start,
			     pmm_phys_addr_t size, unsigned int flags)
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
	if (pmm__overlaps_memory(m, start, end))
		return -EEXIST;
	if ((flags & PMM_MHP_MEMMAP_ON_MEMORY) && !memmap_on_memory_pages(m))
		return -EINVAL;

	/* everything that can fail comes first, so that -ENOMEM leaves nothing behind */
	err = reserve_hotplug_range(m);
	if (!err)
		err = pmm__reserve_memory_blocks(m, nr_pages / per_block);
	if (!err)
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
	m->hotplug[m->nr_hotplug++] = (struct pmm__range){ start, end, nid, 0 };
	/* __try_online_node(): a node that gains memory comes online */
	if (!pmm_node_state(m, nid, PMM_N_ONLINE)) {
		pmm_node_set(nid, &m->view.node_states[PMM_N_ONLINE]);
		pmm__build_all_zonelists(m);
	}
	for (id = start_pfn / per_block; id < (start_pfn + nr_pages) / per_block; id++) {
		pmm__add_memory_block(m, id, nid, PMM_MEM_OFFLINE, false);	/* room reserved */
		if (flags & PMM_MHP_MEMMAP_ON_MEMORY)
			pmm__find_memory_block(m, id)->nr_vmemmap_pages = memmap_on_memory_pages(m);
	}
	return 0;
}

int pmm_add_memory(struct pmm_machine *m, int nid, pmm_phys_addr_t start, pmm_phys_addr_t size)
{
	return pmm_add_memory_flags(m, nid, start, size, 0);
}

int pmm_add_memory_flags(struct pmm_machine *m, int nid, pmm_phys_addr_t start,
			 pmm_phys_addr_t size, unsigned int flags)
{
	unsigned long per_block, id;
	int err;

	if (!PMM_CONFIG_SPARSEMEM || !m->block_size)
		return -EOPNOTSUPP;
	if (flags & ~PMM_MHP_MEMMAP_ON_MEMORY)
		return -EINVAL;
	pthread_mutex_lock(&m->hotplug_lock);
	err = add_memory_locked(m, nid, start, size, flags);
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

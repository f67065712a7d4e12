// SPDX-License-Identifier: MIT
/*
 * ZONE_DEVICE: struct pages for device memory.
 * Mirrors mm/memremap.c (memremap_pages, pagemap_range, memunmap_pages,
 * get_dev_pagemap, free_zone_device_page, zone_device_page_init) and
 * mm/mm_init.c (memmap_init_zone_device, __init_zone_device_page).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Does a page of this type idle at reference count 0 (kernel-reference.md 12.3)? */
static bool idles_at_zero(const struct pmm_machine *m, enum pmm_memory_type type)
{
	switch (type) {
	case PMM_MEMORY_DEVICE_PRIVATE:
	case PMM_MEMORY_DEVICE_COHERENT:
		return true;
	case PMM_MEMORY_DEVICE_PCI_P2PDMA:
		return m->kernel_version >= PMM_KERNEL_VERSION(6, 2);
	case PMM_MEMORY_DEVICE_FS_DAX:
		return m->kernel_version >= PMM_KERNEL_VERSION(6, 15);
	default:
		return false;
	}
}

static int idle_count(const struct pmm_machine *m, const struct pmm_dev_pagemap *pgmap)
{
	return idles_at_zero(m, pgmap->type) ? 0 : 1;
}

static unsigned long pgmap_start_pfn(const struct pmm_machine *m, const struct pmm_dev_pagemap *p)
{
	return pmm_phys_pfn(m, p->range.start);
}

static unsigned long pgmap_end_pfn(const struct pmm_machine *m, const struct pmm_dev_pagemap *p)
{
	return pmm_phys_pfn(m, p->range.end + 1);
}

/* the first pfn with a device page: past the altmap's reserve and memmap */
static unsigned long pgmap_first_page(const struct pmm_machine *m, const struct pmm_dev_pagemap *p)
{
	return pgmap_start_pfn(m, p) +
	       (p->flags & PMM_PGMAP_ALTMAP_VALID ? pmm_vmem_altmap_offset(&p->altmap) : 0);
}

struct pmm_dev_pagemap *pmm_get_dev_pagemap(struct pmm_machine *m, unsigned long pfn)
{
	unsigned int i;

	for (i = 0; i < m->nr_pgmaps; i++)
		if (pfn >= pgmap_start_pfn(m, m->pgmaps[i]) && pfn < pgmap_end_pfn(m, m->pgmaps[i]))
			return m->pgmaps[i];
	return NULL;
}

/* the checks of memremap_pages() and pagemap_range() */
static int check_pgmap(struct pmm_machine *m, struct pmm_dev_pagemap *pgmap, int nid)
{
	unsigned long sub = 1UL << m->view.pfn_subsection_shift, start, end, i, memmap;

	switch (pgmap->type) {
	case PMM_MEMORY_DEVICE_PRIVATE:
		if (!pgmap->ops || !pgmap->ops->migrate_to_ram || !pgmap->ops->page_free)
			return -EINVAL;	/* "Missing migrate_to_ram/page_free method" */
		break;
	case PMM_MEMORY_DEVICE_COHERENT:
		if (!pgmap->ops || !pgmap->ops->page_free)
			return -EINVAL;
		break;
	case PMM_MEMORY_DEVICE_FS_DAX:
	case PMM_MEMORY_DEVICE_GENERIC:
	case PMM_MEMORY_DEVICE_PCI_P2PDMA:
		break;
	default:
		return -EINVAL;
	}
	if (pgmap->range.end < pgmap->range.start || pgmap->range.start % pmm_page_size(m) ||
	    (pgmap->range.end + 1) % pmm_page_size(m))
		return -EINVAL;
	start = pgmap_start_pfn(m, pgmap);
	end = pgmap_end_pfn(m, pgmap);
	if (start % sub || end % sub) {
		pmm__pr_err(m, "Misaligned device range start: %#lx end: %#lx", start, end);
		return -EINVAL;
	}
	if (end > m->view.pfn_limit)
		return -ERANGE;
	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !pmm_node_data(m, nid))
		return -EINVAL;
	if (pmm__overlaps_memory(m, pgmap->range.start, pgmap->range.end + 1)) {
		pmm__pr_warn(m, "attempted on System RAM region %#llx-%#llx",
			     (unsigned long long)pgmap->range.start,
			     (unsigned long long)pgmap->range.end);
		return -ENXIO;
	}
	for (i = 0; i < m->nr_pgmaps; i++)
		if (start < pgmap_end_pfn(m, m->pgmaps[i]) && pgmap_start_pfn(m, m->pgmaps[i]) < end) {
			pmm__pr_warn(m, "Conflicting mapping in same section");
			return -EEXIST;
		}
	if (pgmap->flags & PMM_PGMAP_ALTMAP_VALID) {
		/* __add_pages(): the altmap starts at the range and fits in it */
		if (pgmap->altmap.base_pfn != start || pmm_vmem_altmap_offset(&pgmap->altmap) > end - start) {
			pmm__pr_warn(m, "memory add fail, invalid altmap");
			return -EINVAL;
		}
		memmap = PMM__DIV_ROUND_UP((end - start) * sizeof(struct pmm_page), pmm_page_size(m));
		if (memmap > pgmap->altmap.free)
			return -ENOMEM;	/* altmap_alloc_block_buf() ran out */
		pgmap->altmap.alloc = memmap;
	}
	return 0;
}

/* memmap_init_zone_device() / __init_zone_device_page() */
static void init_zone_device_pages(struct pmm_machine *m, struct pmm_zone *zone,
				   struct pmm_dev_pagemap *pgmap)
{
	unsigned long pageblock = 1UL << m->pageblock_order, pfn;
	unsigned long end = pgmap_end_pfn(m, pgmap);
	int count = idle_count(m, pgmap);

	for (pfn = pgmap_first_page(m, pgmap); pfn < end; pfn++) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);

		pmm__init_single_page(m, page, pfn, PMM_ZONE_DEVICE, pgmap->nid);
		pmm_page_set_flag(page, PMM_PG_reserved);
		page->pgmap = pgmap;
		page->zone_device_data = NULL;
		pmm_set_page_count(page, count);
		if (pfn % pageblock == 0)
			pmm__set_pageblock_migratetype(m, zone, pfn, PMM_MIGRATE_MOVABLE);
	}
}

/* ZONE_DEVICE spans the node's pagemaps; caller holds the hotplug lock */
static void update_device_span(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	struct pmm_zone *zone = &pgdat->node_zones[PMM_ZONE_DEVICE];
	unsigned long start = ~0UL, end = 0;
	unsigned int i;

	for (i = 0; i < m->nr_pgmaps; i++)
		if (m->pgmaps[i]->nid == pgdat->node_id) {
			start = PMM__MIN(start, pgmap_start_pfn(m, m->pgmaps[i]));
			end = PMM__MAX(end, pgmap_end_pfn(m, m->pgmaps[i]));
		}
	pthread_mutex_lock(&pgdat->node_size_lock);
	if (start == ~0UL) {
		zone->zone_start_pfn = 0;
		zone->spanned_pages = 0;
	} else {
		zone->zone_start_pfn = start;
		zone->spanned_pages = end - start;
		zone->initialized = 1;
	}
	pmm__update_pgdat_span(pgdat);
	pthread_mutex_unlock(&pgdat->node_size_lock);
}

static int memremap_locked(struct pmm_machine *m, struct pmm_dev_pagemap *pgmap, int nid)
{
	unsigned long start, nr;
	int err;

	err = check_pgmap(m, pgmap, nid);
	if (err)
		return err;
	start = pgmap_start_pfn(m, pgmap);
	nr = pgmap_end_pfn(m, pgmap) - start;
	if (m->nr_pgmaps == m->max_pgmaps) {
		unsigned int max = m->max_pgmaps ? m->max_pgmaps * 2 : 8;
		struct pmm_dev_pagemap **p = pmm__realloc(m->pgmaps, max * sizeof(*p));

		if (!p)
			return -ENOMEM;
		m->pgmaps = p;
		m->max_pgmaps = max;
	}
	/* add_pages() for device-private memory, arch_add_memory() (with the direct map) otherwise */
	err = pmm__model_add_range(m, start, nr, nid);
	if (err)
		return err;
	if (m->view.direct_map && pgmap->type != PMM_MEMORY_DEVICE_PRIVATE) {
		err = pmm__vm_populate(m, m->view.direct_map + pgmap->range.start,
				       (size_t)(nr << m->view.page_shift), nid);
		if (err && err != -EXDEV) {
			pmm__model_remove_range(m, start, nr);
			return err;
		}
	}
	pgmap->nid = nid;
	pgmap->machine = m;
	m->pgmaps[m->nr_pgmaps++] = pgmap;
	/* move_pfn_range_to_zone(ZONE_DEVICE): spans grow, present pages do not */
	update_device_span(m, m->view.node_data[nid]);
	init_zone_device_pages(m, &m->view.node_data[nid]->node_zones[PMM_ZONE_DEVICE], pgmap);
	return 0;
}

int pmm_memremap_pages(struct pmm_machine *m, struct pmm_dev_pagemap *pgmap, int nid)
{
	int err;

	if (!PMM_CONFIG_SPARSEMEM_VMEMMAP || !pmm_zone_type_configured(m, PMM_ZONE_DEVICE))
		return -EOPNOTSUPP;
	if (!pgmap)
		return -EINVAL;
	/* spans change below, but no deferred page is in the range, and the zone
	 * that deferred keeps growing on demand below ZONE_DEVICE (hotplug.c) */
	if (nid == PMM_NUMA_NO_NODE)
		nid = pmm_numa_node_id(m);	/* numa_mem_id() */
	pthread_mutex_lock(&m->hotplug_lock);
	err = memremap_locked(m, pgmap, nid);
	pthread_mutex_unlock(&m->hotplug_lock);
	return err;
}

/* the kernel's percpu_ref of the pagemap: is any page above its idle count? */
static bool pgmap_busy(struct pmm_machine *m, const struct pmm_dev_pagemap *pgmap)
{
	unsigned long pfn, end = pgmap_end_pfn(m, pgmap);
	int idle = idle_count(m, pgmap);

	for (pfn = pgmap_first_page(m, pgmap); pfn < end; pfn++)
		if (pmm_page_ref_count(pmm_pfn_to_page(m, pfn)) > idle)
			return true;
	return false;
}

int pmm_memunmap_pages(struct pmm_machine *m, struct pmm_dev_pagemap *pgmap)
{
	unsigned long start, nr;
	unsigned int i;

	if (!PMM_CONFIG_SPARSEMEM_VMEMMAP)
		return -EOPNOTSUPP;
	pthread_mutex_lock(&m->hotplug_lock);
	for (i = 0; i < m->nr_pgmaps && m->pgmaps[i] != pgmap; i++)
		;
	if (i == m->nr_pgmaps || pgmap_busy(m, pgmap)) {
		pthread_mutex_unlock(&m->hotplug_lock);
		return i == m->nr_pgmaps ? -EINVAL : -EBUSY;
	}
	m->pgmaps[i] = m->pgmaps[--m->nr_pgmaps];
	start = pgmap_start_pfn(m, pgmap);
	nr = pgmap_end_pfn(m, pgmap) - start;
	/* pageunmap_range(): remove_pfn_range_from_zone(), then the memmap and the direct map */
	update_device_span(m, m->view.node_data[pgmap->nid]);
	if (m->view.direct_map && pgmap->type != PMM_MEMORY_DEVICE_PRIVATE)
		pmm__vm_depopulate(m->view.direct_map + pgmap->range.start,
				   (size_t)(nr << m->view.page_shift));
	pmm__model_remove_range(m, start, nr);
	pgmap->altmap.alloc = 0;
	pgmap->machine = NULL;
	pthread_mutex_unlock(&m->hotplug_lock);
	return 0;
}

int pmm_zone_device_page_init(struct pmm_machine *m, struct pmm_page *page)
{
	struct pmm_dev_pagemap *pgmap = pmm_page_pgmap(page);
	int zero = 0;

	if (!pgmap || !idles_at_zero(m, pgmap->type))
		return -EINVAL;
	if (!__atomic_compare_exchange_n(&page->_refcount, &zero, 1, false, __ATOMIC_ACQ_REL,
					 __ATOMIC_RELAXED))
		return -EINVAL;	/* not idle */
	return 0;
}

/* put_page() on a device page: free_zone_device_page() when the count reaches 0 */
void pmm__put_device_page(struct pmm_machine *m, struct pmm_page *page)
{
	struct pmm_dev_pagemap *pgmap = page->pgmap;
	int left = __atomic_sub_fetch(&page->_refcount, 1, __ATOMIC_ACQ_REL);

	if (left < 0) {
		__atomic_fetch_add(&page->_refcount, 1, __ATOMIC_RELAXED);
		pmm__bad_page(m, page, "put of an idle device page");
		return;
	}
	if (left)
		return;
	/* free_zone_device_page(): the page is the driver's again */
	page->mapping = NULL;
	page->zone_device_data = NULL;
	if (pgmap->ops && pgmap->ops->page_free)
		pgmap->ops->page_free(pgmap, page);
	if (!idles_at_zero(m, pgmap->type))
		pmm_set_page_count(page, 1);	/* the types that idle at 1 stay at 1 */
}

int pmm_migrate_to_ram(struct pmm_machine *m, struct pmm_page *page, struct pmm_page **ram)
{
	struct pmm_dev_pagemap *pgmap = pmm_page_pgmap(page);

	(void)m;
	if (!pgmap || pgmap->type != PMM_MEMORY_DEVICE_PRIVATE || !ram)
		return -EINVAL;
	*ram = NULL;
	return pgmap->ops->migrate_to_ram(pgmap, page, ram);
}

/* SPDX-License-Identifier: MIT */
/*
 * Opt-in: the kernel's plain names for pmm, so that mm code can be ported
 * with few edits. Each name works on the calling thread's current machine,
 * set with pmm_linux_set_machine(); nothing here is included by pmm.h.
 *
 *   pmm_linux_set_machine(m)   this thread's machine for the names below
 *   pmm_linux_machine()        the current one (NULL if none was set)
 *
 * Only function-like macros (pfn_to_page(pfn), NODE_DATA(nid), ...),
 * upper-case constants (GFP_KERNEL, ZONE_NORMAL, N_MEMORY, ...) and type
 * names with no pmm meaning of their own (pg_data_t, nodemask_t, gfp_t)
 * are defined, so that including this header does not rename anything
 * else. struct page and struct zone keep their pmm names: write
 * struct pmm_page and struct pmm_zone (or add your own #define).
 */
#ifndef PMM_LINUX_H
#define PMM_LINUX_H

#include <pmm/pmm.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * pmm_linux_set_machine - make @m the calling thread's machine for <pmm/linux.h>
 * @m: a booted machine, or NULL
 * Context: the calling thread only; other threads keep theirs.
 * Return: the previous one.
 */
PMM_API struct pmm_machine *pmm_linux_set_machine(struct pmm_machine *m);

/** pmm_linux_machine - the calling thread's machine for <pmm/linux.h>, or NULL */
PMM_API struct pmm_machine *pmm_linux_machine(void);

#ifdef __cplusplus
}
#endif

#define PMM__CUR	pmm_linux_machine()

/* types */
typedef pmm_pg_data_t	pg_data_t;
typedef pmm_nodemask_t	nodemask_t;
typedef pmm_gfp_t	gfp_t;

/* memory model (include/asm-generic/memory_model.h, include/linux/mmzone.h) */
#define pfn_to_page(pfn)		pmm_pfn_to_page(PMM__CUR, (pfn))
#define page_to_pfn(page)		pmm_page_to_pfn(PMM__CUR, (page))
#define pfn_valid(pfn)			pmm_pfn_valid(PMM__CUR, (pfn))
#define pfn_to_section_nr(pfn)		pmm_pfn_to_section_nr(PMM__CUR, (pfn))
#define section_nr_to_pfn(nr)		pmm_section_nr_to_pfn(PMM__CUR, (nr))
#define __nr_to_section(nr)		pmm_nr_to_section(PMM__CUR, (nr))
#define __pfn_to_section(pfn)		pmm_pfn_to_section(PMM__CUR, (pfn))
#define present_section(ms)		pmm_present_section(ms)
#define valid_section(ms)		pmm_valid_section(ms)
#define online_section(ms)		pmm_online_section(ms)
#define early_section(ms)		pmm_early_section(ms)
#define NODE_DATA(nid)			pmm_node_data(PMM__CUR, (nid))
#define page_pgdat(page)		pmm_page_pgdat(PMM__CUR, (page))
#define page_zone(page)			pmm_page_zone(PMM__CUR, (page))
#define page_to_nid(page)		pmm_page_to_nid(page)
#define page_zonenum(page)		pmm_page_zonenum(page)
#define pfn_to_nid(pfn)			pmm_pfn_to_nid(PMM__CUR, (pfn))
#define page_address(page)		pmm_page_address(PMM__CUR, (page))
#define virt_to_page(addr)		pmm_virt_to_page(PMM__CUR, (addr))
#define __va(phys)			pmm_phys_to_virt(PMM__CUR, (phys))
#define __pa(addr)			pmm_virt_to_phys(PMM__CUR, (addr))
#define PFN_PHYS(pfn)			pmm_pfn_phys(PMM__CUR, (pfn))
#define PHYS_PFN(phys)			pmm_phys_pfn(PMM__CUR, (phys))

/* zones */
#define zone_end_pfn(zone)		pmm_zone_end_pfn(zone)
#define zone_spans_pfn(zone, pfn)	pmm_zone_spans_pfn((zone), (pfn))
#define zone_is_empty(zone)		pmm_zone_is_empty(zone)
#define populated_zone(zone)		pmm_populated_zone(zone)
#define managed_zone(zone)		pmm_managed_zone(zone)
#define zone_idx(zone)			pmm_zone_idx(zone)
#define zone_page_state(zone, item)	pmm_zone_page_state((zone), (item))
#define ZONE_DMA			PMM_ZONE_DMA
#define ZONE_DMA32			PMM_ZONE_DMA32
#define ZONE_NORMAL			PMM_ZONE_NORMAL
#define ZONE_HIGHMEM			PMM_ZONE_HIGHMEM
#define ZONE_MOVABLE			PMM_ZONE_MOVABLE
#define ZONE_DEVICE			PMM_ZONE_DEVICE
#define MAX_NR_ZONES			PMM_MAX_NR_ZONES
#define NR_FREE_PAGES			PMM_NR_FREE_PAGES
#define MIGRATE_UNMOVABLE		PMM_MIGRATE_UNMOVABLE
#define MIGRATE_MOVABLE			PMM_MIGRATE_MOVABLE
#define MIGRATE_RECLAIMABLE		PMM_MIGRATE_RECLAIMABLE
#define MIGRATE_TYPES			PMM_MIGRATE_TYPES

/* nodes (include/linux/nodemask.h) */
#define MAX_NUMNODES			PMM_MAX_NUMNODES
#define NUMA_NO_NODE			PMM_NUMA_NO_NODE
#define N_POSSIBLE			PMM_N_POSSIBLE
#define N_ONLINE			PMM_N_ONLINE
#define N_NORMAL_MEMORY			PMM_N_NORMAL_MEMORY
#define N_HIGH_MEMORY			PMM_N_HIGH_MEMORY
#define N_MEMORY			PMM_N_MEMORY
#define N_CPU				PMM_N_CPU
#define node_state(nid, state)		pmm_node_state(PMM__CUR, (nid), (state))
#define num_node_state(state)		pmm_num_node_state(PMM__CUR, (state))
#define num_online_nodes()		pmm_num_node_state(PMM__CUR, PMM_N_ONLINE)
#define node_online(nid)		pmm_node_state(PMM__CUR, (nid), PMM_N_ONLINE)
#define for_each_node_state(node, state) pmm_for_each_node_state(node, PMM__CUR, state)
#define for_each_online_node(node)	pmm_for_each_online_node(node, PMM__CUR)
#define for_each_node(node)		pmm_for_each_node(node, PMM__CUR)
#define node_isset(node, mask)		pmm_node_isset((node), &(mask))
#define node_set(node, mask)		pmm_node_set((node), &(mask))
#define node_clear(node, mask)		pmm_node_clear((node), &(mask))
#define nodes_clear(mask)		pmm_nodes_clear(&(mask))
#define nodes_weight(mask)		pmm_nodes_weight(&(mask))
#define first_node(mask)		pmm_first_node(&(mask))
#define numa_node_id()			pmm_numa_node_id(PMM__CUR)
#define smp_processor_id()		pmm_get_cpu(PMM__CUR)
#define cpu_to_node(cpu)		pmm_cpu_to_node(PMM__CUR, (cpu))

/* the page allocator (include/linux/gfp.h) */
#define __GFP_DMA			__PMM_GFP_DMA
#define __GFP_HIGHMEM			__PMM_GFP_HIGHMEM
#define __GFP_DMA32			__PMM_GFP_DMA32
#define __GFP_MOVABLE			__PMM_GFP_MOVABLE
#define __GFP_RECLAIMABLE		__PMM_GFP_RECLAIMABLE
#define __GFP_HIGH			__PMM_GFP_HIGH
#define __GFP_ZERO			__PMM_GFP_ZERO
#define __GFP_NOWARN			__PMM_GFP_NOWARN
#define __GFP_COMP			__PMM_GFP_COMP
#define __GFP_HARDWALL			__PMM_GFP_HARDWALL
#define __GFP_THISNODE			__PMM_GFP_THISNODE
#define GFP_ATOMIC			PMM_GFP_ATOMIC
#define GFP_KERNEL			PMM_GFP_KERNEL
#define GFP_NOWAIT			PMM_GFP_NOWAIT
#define GFP_USER			PMM_GFP_USER
#define GFP_DMA				PMM_GFP_DMA
#define GFP_DMA32			PMM_GFP_DMA32
#define GFP_HIGHUSER			PMM_GFP_HIGHUSER
#define GFP_HIGHUSER_MOVABLE		PMM_GFP_HIGHUSER_MOVABLE
#define GFP_TRANSHUGE			PMM_GFP_TRANSHUGE
#define gfp_zone(gfp)			pmm_gfp_zone(PMM__CUR, (gfp))
#define gfp_migratetype(gfp)		pmm_gfp_migratetype(gfp)
#define alloc_pages(gfp, order)		pmm_alloc_pages(PMM__CUR, (gfp), (order))
#define alloc_page(gfp)			pmm_alloc_pages(PMM__CUR, (gfp), 0)
#define alloc_pages_node(nid, gfp, order) pmm_alloc_pages_node(PMM__CUR, (nid), (gfp), (order))
#define __alloc_pages(gfp, order, nid, mask) \
	pmm_alloc_pages_nodemask(PMM__CUR, (gfp), (order), (nid), (mask))
#define __free_pages(page, order)	pmm_free_pages(PMM__CUR, (page), (order))
#define __free_page(page)		pmm_free_pages(PMM__CUR, (page), 0)
#define folio_alloc(gfp, order)		pmm_folio_alloc(PMM__CUR, (gfp), (order))
#define folio_put(folio)		pmm_folio_put(PMM__CUR, (folio))
#define get_page(page)			pmm_get_page(page)
#define put_page(page)			pmm_put_page(PMM__CUR, (page))
#define page_folio(page)		pmm_page_folio(page)
#define folio_order(folio)		pmm_folio_order(folio)
#define folio_nr_pages(folio)		pmm_folio_nr_pages(folio)
#define compound_head(page)		pmm_compound_head(page)
#define page_count(page)		pmm_page_ref_count(page)
#define PageBuddy(page)			pmm_PageBuddy(page)
#define PageReserved(page)		pmm_PageReserved(page)
#define PageHead(page)			pmm_PageHead(page)
#define PageTail(page)			pmm_PageTail(page)
#define drain_all_pages(zone)		((void)(zone), pmm_drain_all_pages(PMM__CUR))

#endif /* PMM_LINUX_H */

/* SPDX-License-Identifier: MIT */
/*
 * pfn <-> struct page conversion for the memory model pmm was built with.
 * Mirrors include/asm-generic/memory_model.h and the SPARSEMEM part of
 * include/linux/mmzone.h. The one public header with an #if on the model.
 *
 *   pmm_pfn_to_page(m, pfn)      struct page of a valid pfn
 *   pmm_page_to_pfn(m, page)     pfn of a struct page
 *   pmm_pfn_valid(m, pfn)        1 if pfn has an initialised-or-hole struct page
 *   pmm_page_in_machine(m, page) 1 if page is a struct page of m (not another machine's)
 *   pmm_page_zone(m, page)       the zone of a page (page_zone)
 *   pmm_page_pgdat(m, page)      the node of a page (page_pgdat)
 *   pmm_pfn_to_nid(m, pfn)       node id of a valid pfn
 *   pmm_node_data(m, nid)        NODE_DATA(nid), NULL for an impossible node
 *   pmm_node_state(m, nid, st)   1 if nid is in node_states[st]
 *   pmm_for_each_node_state(n, m, st), pmm_for_each_node(n, m),
 *   pmm_for_each_online_node(n, m)
 *   pmm_page_address(m, page)    host address of the page's memory (__va/page_address)
 *   pmm_phys_to_virt(m, phys)    host address of a simulated physical address (__va)
 *   pmm_virt_to_phys(m, addr)    simulated physical address of a host address (__pa)
 *   pmm_virt_to_page(m, addr)    struct page of a host address (virt_to_page)
 *   pmm_pfn_to_section_nr(m, pfn), pmm_nr_to_section(m, nr),
 *   pmm_pfn_to_section(m, pfn), pmm_present_section(ms), pmm_valid_section(ms),
 *   pmm_online_section(ms), pmm_early_section(ms)    (SPARSEMEM; NULL/0 in FLATMEM)
 */
#ifndef PMM_MEMORY_MODEL_H
#define PMM_MEMORY_MODEL_H

#include <pmm/types.h>
#include <pmm/arch.h>
#include <pmm/nodemask.h>
#include <pmm/page.h>
#include <pmm/zone.h>
#include <pmm/node.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/* ---- SPARSEMEM sections (mm/sparse.c) ----------------------------------------------- */

/* Flag bits in the low bits of section_mem_map (kernel 6.12 with ZONE_DEVICE). */
enum {
	PMM_SECTION_MARKED_PRESENT_BIT,		/* memory exists in the section */
	PMM_SECTION_HAS_MEM_MAP_BIT,		/* a memmap is installed */
	PMM_SECTION_IS_ONLINE_BIT,		/* its pages are online */
	PMM_SECTION_IS_EARLY_BIT,		/* created at boot */
	PMM_SECTION_TAINT_ZONE_DEVICE_BIT,	/* ZONE_DEVICE memory mixed with online memory */
	PMM_SECTION_MAP_LAST_BIT,
};
#define PMM_SECTION_MARKED_PRESENT	(1UL << PMM_SECTION_MARKED_PRESENT_BIT)
#define PMM_SECTION_HAS_MEM_MAP		(1UL << PMM_SECTION_HAS_MEM_MAP_BIT)
#define PMM_SECTION_IS_ONLINE		(1UL << PMM_SECTION_IS_ONLINE_BIT)
#define PMM_SECTION_IS_EARLY		(1UL << PMM_SECTION_IS_EARLY_BIT)
#define PMM_SECTION_TAINT_ZONE_DEVICE	(1UL << PMM_SECTION_TAINT_ZONE_DEVICE_BIT)
#define PMM_SECTION_MAP_MASK		(~((1UL << PMM_SECTION_MAP_LAST_BIT) - 1))
#define PMM_SECTION_NID_SHIFT		PMM_SECTION_MAP_LAST_BIT

/** Largest SUBSECTIONS_PER_SECTION of any profile (512 MiB sections / 2 MiB). */
#define PMM_SUBSECTIONS_PER_SECTION_MAX	256
#define PMM_SUBSECTION_SHIFT		21	/* 2 MiB on every architecture */

/** struct pmm_mem_section_usage - per-section bitmaps (struct mem_section_usage) */
struct pmm_mem_section_usage {
	/* SPARSEMEM_VMEMMAP: which 2 MiB subsections have a memmap */
	unsigned long	subsection_map[PMM_BITS_TO_LONGS(PMM_SUBSECTIONS_PER_SECTION_MAX)];
	/* migratetype bits of each pageblock (NR_PAGEBLOCK_BITS each) */
	unsigned long	pageblock_flags[];
};

/**
 * struct pmm_mem_section - one section (struct mem_section)
 *
 * section_mem_map holds the flag bits above; once a memmap is installed it
 * also holds the memmap's address minus the section's first pfn times
 * sizeof(struct pmm_page) (sparse_encode_mem_map()), so that
 * pfn_to_page is one mask and one addition. Before that, at boot, it holds
 * the node id above PMM_SECTION_NID_SHIFT (sparse_encode_early_nid()).
 */
struct pmm_mem_section {
	unsigned long			section_mem_map;
	struct pmm_mem_section_usage	*usage;
};

/* ---- the machine as the inline helpers see it ------------------------------------------ */

/**
 * struct pmm_machine_view - the public first member of every struct pmm_machine
 *
 * Read by the inline helpers below; read-only for users, who should
 * prefer the helpers. Same layout in every memory model.
 */
struct pmm_machine_view {
	/* FLATMEM: the struct page of arch_pfn_offset. VMEMMAP: vmemmap, the
	 * (virtual) struct page of pfn 0. Classic SPARSEMEM: NULL. */
	struct pmm_page		*mem_map;
	unsigned long		arch_pfn_offset;	/* FLATMEM: ARCH_PFN_OFFSET */
	unsigned long		max_mapnr;		/* FLATMEM: entries of mem_map */
	/* FLATMEM: one bit per MAX_ORDER_NR_PAGES chunk of mem_map, clear where
	 * the memmap of a hole was freed (free_unused_memmap()). */
	const unsigned long	*memmap_valid;
	unsigned int		memmap_chunk_shift;	/* FLATMEM: log2 pages per bit */

	/* SPARSEMEM: EXTREME roots of (1 << section_root_shift) sections each,
	 * or the flat array of nr_mem_sections sections. */
	struct pmm_mem_section	**mem_section;
	struct pmm_mem_section	*mem_section_flat;
	unsigned long		nr_mem_sections;	/* NR_MEM_SECTIONS */
	unsigned int		section_root_shift;	/* log2 SECTIONS_PER_ROOT */
	unsigned int		pfn_section_shift;	/* PFN_SECTION_SHIFT */
	unsigned int		pfn_subsection_shift;	/* PFN_SUBSECTION_SHIFT */

	unsigned int		page_shift;		/* PAGE_SHIFT */
	unsigned long		pfn_limit;		/* pfns of the simulated address space */

	/* Host address of simulated physical address 0; NULL without a direct map. */
	unsigned char		*direct_map;

	const struct pmm_arch_profile *arch;
	unsigned int		zones_configured;	/* bit i: zone type i configured */
	pmm_pg_data_t		*node_data[PMM_MAX_NUMNODES];	/* NODE_DATA() */
	pmm_nodemask_t		node_states[PMM_NR_NODE_STATES];
};

static inline const struct pmm_machine_view *pmm__view(const struct pmm_machine *m)
{
	/* struct pmm_machine begins with its view (src/internal.h). */
	return (const struct pmm_machine_view *)(const void *)m;
}

/* ---- sections ---------------------------------------------------------------------------- */

static inline unsigned long pmm_pfn_to_section_nr(const struct pmm_machine *m,
						  unsigned long pfn)
{
	return pfn >> pmm__view(m)->pfn_section_shift;
}

static inline unsigned long pmm_section_nr_to_pfn(const struct pmm_machine *m,
						  unsigned long nr)
{
	return nr << pmm__view(m)->pfn_section_shift;
}

/**
 * pmm_nr_to_section - the mem_section of a section number (__nr_to_section)
 * Return: the section, or NULL if @nr is out of range, its root is not
 * allocated (EXTREME), or the build is FLATMEM.
 */
static inline struct pmm_mem_section *pmm_nr_to_section(const struct pmm_machine *m,
							unsigned long nr)
{
#if PMM_CONFIG_SPARSEMEM
	const struct pmm_machine_view *v = pmm__view(m);

	if (nr >= v->nr_mem_sections)
		return NULL;
#if PMM_CONFIG_SPARSEMEM_EXTREME
	{
		struct pmm_mem_section *root = v->mem_section[nr >> v->section_root_shift];

		if (!root)
			return NULL;
		return &root[nr & ((1UL << v->section_root_shift) - 1)];
	}
#else
	return &v->mem_section_flat[nr];
#endif
#else
	(void)m;
	(void)nr;
	return NULL;
#endif
}

static inline struct pmm_mem_section *pmm_pfn_to_section(const struct pmm_machine *m,
							 unsigned long pfn)
{
	return pmm_nr_to_section(m, pmm_pfn_to_section_nr(m, pfn));
}

static inline int pmm_present_section(const struct pmm_mem_section *ms)
{
	return ms && (ms->section_mem_map & PMM_SECTION_MARKED_PRESENT);
}

static inline int pmm_valid_section(const struct pmm_mem_section *ms)
{
	return ms && (ms->section_mem_map & PMM_SECTION_HAS_MEM_MAP);
}

static inline int pmm_online_section(const struct pmm_mem_section *ms)
{
	return ms && (ms->section_mem_map & PMM_SECTION_IS_ONLINE);
}

static inline int pmm_early_section(const struct pmm_mem_section *ms)
{
	return ms && (ms->section_mem_map & PMM_SECTION_IS_EARLY);
}

/* Section of a pfn or number known to be valid: no range or root checks (hot path). */
static inline const struct pmm_mem_section *pmm__valid_nr_to_section(const struct pmm_machine *m,
								      unsigned long nr)
{
#if PMM_CONFIG_SPARSEMEM_EXTREME
	const struct pmm_machine_view *v = pmm__view(m);

	return &v->mem_section[nr >> v->section_root_shift]
			      [nr & ((1UL << v->section_root_shift) - 1)];
#elif PMM_CONFIG_SPARSEMEM
	return &pmm__view(m)->mem_section_flat[nr];
#else
	(void)m;
	(void)nr;
	return NULL;
#endif
}

/* The decoded memmap address of section nr: its first struct page (__section_mem_map_addr + start). */
static inline unsigned long pmm__section_map_base(const struct pmm_mem_section *ms)
{
	return ms->section_mem_map & PMM_SECTION_MAP_MASK;
}

/* ---- pfn <-> page ------------------------------------------------------------------------------ */

/**
 * pmm_pfn_to_page - the struct page of a pfn (pfn_to_page)
 * @m: machine
 * @pfn: a pfn for which pmm_pfn_valid() is true
 *
 * FLATMEM: mem_map index; classic SPARSEMEM: section lookup and an
 * addition; SPARSEMEM_VMEMMAP: one addition.
 * Context: any; lock-free.
 * Return: the page. Undefined for an invalid pfn, as in the kernel.
 */
static inline struct pmm_page *pmm_pfn_to_page(const struct pmm_machine *m,
					       unsigned long pfn)
{
	const struct pmm_machine_view *v = pmm__view(m);
#if PMM_CONFIG_FLATMEM
	return v->mem_map + (pfn - v->arch_pfn_offset);
#elif PMM_CONFIG_SPARSEMEM_VMEMMAP
	return v->mem_map + pfn;
#else
	(void)v;
	return (struct pmm_page *)(pmm__section_map_base(pmm__valid_nr_to_section(
					   m, pfn >> v->pfn_section_shift)) +
				   pfn * sizeof(struct pmm_page));
#endif
}

/**
 * pmm_page_to_pfn - the pfn of a struct page (page_to_pfn)
 * @m: machine
 * @page: a struct page of @m
 *
 * Classic SPARSEMEM reads the section number from page->flags.
 * Context: any; lock-free.
 * Return: the pfn.
 */
static inline unsigned long pmm_page_to_pfn(const struct pmm_machine *m,
					    const struct pmm_page *page)
{
	const struct pmm_machine_view *v = pmm__view(m);
#if PMM_CONFIG_FLATMEM
	return (unsigned long)(page - v->mem_map) + v->arch_pfn_offset;
#elif PMM_CONFIG_SPARSEMEM_VMEMMAP
	return (unsigned long)(page - v->mem_map);
#else
	(void)v;
	return ((unsigned long)page -
		pmm__section_map_base(pmm__valid_nr_to_section(m, pmm_page_to_section(page)))) /
	       sizeof(struct pmm_page);
#endif
}

/**
 * pmm_pfn_valid - does a pfn have a struct page (pfn_valid)
 * @m: machine
 * @pfn: any value
 *
 * FLATMEM: inside mem_map and not in a part of it that was freed.
 * SPARSEMEM: the section has a memmap; a boot section is valid as a
 * whole; a hot-added section under VMEMMAP only in its populated subsections.
 * Holes inside a valid range are valid: their pages exist and are reserved.
 * Context: any; lock-free.
 * Return: 1 or 0.
 */
static inline int pmm_pfn_valid(const struct pmm_machine *m, unsigned long pfn)
{
	const struct pmm_machine_view *v = pmm__view(m);
#if PMM_CONFIG_FLATMEM
	unsigned long idx = pfn - v->arch_pfn_offset;

	if (pfn < v->arch_pfn_offset || idx >= v->max_mapnr)
		return 0;
	return pmm_bitmap_test(v->memmap_valid, (unsigned int)(idx >> v->memmap_chunk_shift));
#else
	const struct pmm_mem_section *ms;

	if ((pfn >> v->pfn_section_shift) >= v->nr_mem_sections)
		return 0;
	ms = pmm_pfn_to_section(m, pfn);
	if (!pmm_valid_section(ms))
		return 0;
	if (pmm_early_section(ms))
		return 1;
#if PMM_CONFIG_SPARSEMEM_VMEMMAP
	if (!ms->usage)
		return 0;
	return pmm_bitmap_test(ms->usage->subsection_map,
			       (unsigned int)((pfn & ((1UL << v->pfn_section_shift) - 1)) >>
					      v->pfn_subsection_shift));
#else
	return 1;
#endif
#endif
}

/**
 * pmm_page_in_machine - is @page a struct page of @m, of a valid pfn?
 * @m: machine
 * @page: any pointer to a struct page, of this machine or another
 *
 * O(1): the pointer is placed in @m's memmap, and its pfn mapped back.
 * Under classic SPARSEMEM it reads @page->flags (the section number), so
 * @page must point to readable memory, as a page of any machine does.
 * Context: any.
 * Return: 1 if pmm_pfn_to_page(m, pmm_page_to_pfn(m, page)) == page for a
 * valid pfn; 0 for a page of another machine or a pointer into nowhere.
 */
static inline int pmm_page_in_machine(const struct pmm_machine *m, const struct pmm_page *page)
{
	const struct pmm_machine_view *v = pmm__view(m);
	uintptr_t p = (uintptr_t)page, base;
	unsigned long pfn;

	if (!page)
		return 0;
#if PMM_CONFIG_FLATMEM
	base = (uintptr_t)v->mem_map;
	if (p < base || (p - base) % sizeof(*page) || (p - base) / sizeof(*page) >= v->max_mapnr)
		return 0;
	pfn = (unsigned long)((p - base) / sizeof(*page)) + v->arch_pfn_offset;
#elif PMM_CONFIG_SPARSEMEM_VMEMMAP
	base = (uintptr_t)v->mem_map;
	if (p < base || (p - base) % sizeof(*page) || (p - base) / sizeof(*page) >= v->pfn_limit)
		return 0;
	pfn = (unsigned long)((p - base) / sizeof(*page));
#else
	{
		unsigned long nr = pmm_page_to_section(page);
		const struct pmm_mem_section *ms = pmm_nr_to_section(m, nr);

		if (!pmm_valid_section(ms))
			return 0;
		base = (uintptr_t)pmm__section_map_base(ms);
		if ((p - base) % sizeof(*page))
			return 0;
		pfn = (unsigned long)((p - base) / sizeof(*page));
		if (pfn >> v->pfn_section_shift != nr)
			return 0;
	}
#endif
	return pmm_pfn_valid(m, pfn) && pmm_pfn_to_page(m, pfn) == page;
}

/* ---- nodes ---------------------------------------------------------------------------------------- */

/** NODE_DATA(nid): the node, or NULL if @nid is not a possible node. */
static inline pmm_pg_data_t *pmm_node_data(const struct pmm_machine *m, int nid)
{
	if (nid < 0 || nid >= PMM_MAX_NUMNODES)
		return NULL;
	return pmm__view(m)->node_data[nid];
}

static inline const pmm_nodemask_t *pmm_node_states(const struct pmm_machine *m,
						    enum pmm_node_states state)
{
	return &pmm__view(m)->node_states[state];
}

static inline int pmm_node_state(const struct pmm_machine *m, int nid,
				 enum pmm_node_states state)
{
	return pmm_node_isset(nid, pmm_node_states(m, state));
}

static inline int pmm_num_node_state(const struct pmm_machine *m,
				     enum pmm_node_states state)
{
	return pmm_nodes_weight(pmm_node_states(m, state));
}

#define pmm_for_each_node_state(node, m, state) \
	pmm_for_each_node_mask(node, pmm_node_states(m, state))
#define pmm_for_each_node(node, m) \
	pmm_for_each_node_state(node, m, PMM_N_POSSIBLE)
#define pmm_for_each_online_node(node, m) \
	pmm_for_each_node_state(node, m, PMM_N_ONLINE)

static inline int pmm_zone_type_configured(const struct pmm_machine *m,
					   enum pmm_zone_type type)
{
	return (int)((pmm__view(m)->zones_configured >> type) & 1);
}

/** page_pgdat(): the node of a page. */
static inline pmm_pg_data_t *pmm_page_pgdat(const struct pmm_machine *m,
					    const struct pmm_page *page)
{
	return pmm__view(m)->node_data[pmm_page_to_nid(page)];
}

/** page_zone(): the zone of a page. */
static inline struct pmm_zone *pmm_page_zone(const struct pmm_machine *m,
					     const struct pmm_page *page)
{
	return &pmm_page_pgdat(m, page)->node_zones[pmm_page_zonenum(page)];
}

static inline int pmm_pfn_to_nid(const struct pmm_machine *m, unsigned long pfn)
{
	return pmm_page_to_nid(pmm_pfn_to_page(m, pfn));
}

/* ---- the direct map: simulated physical memory is real memory ---------------------------------- */

static inline unsigned long pmm_page_size(const struct pmm_machine *m)
{
	return 1UL << pmm__view(m)->page_shift;
}

static inline pmm_phys_addr_t pmm_pfn_phys(const struct pmm_machine *m, unsigned long pfn)
{
	return (pmm_phys_addr_t)pfn << pmm__view(m)->page_shift;
}

static inline unsigned long pmm_phys_pfn(const struct pmm_machine *m, pmm_phys_addr_t phys)
{
	return (unsigned long)(phys >> pmm__view(m)->page_shift);
}

/**
 * pmm_phys_to_virt - host address of a simulated physical address (__va)
 * Return: the address, or NULL when the machine has no direct map. An
 * address in a hole is returned too but faults when touched, like a
 * missing DIMM.
 */
static inline void *pmm_phys_to_virt(const struct pmm_machine *m, pmm_phys_addr_t phys)
{
	unsigned char *base = pmm__view(m)->direct_map;

	return base ? base + phys : NULL;
}

/** pmm_virt_to_phys - simulated physical address of a direct-map address (__pa) */
static inline pmm_phys_addr_t pmm_virt_to_phys(const struct pmm_machine *m, const void *addr)
{
	return (pmm_phys_addr_t)((const unsigned char *)addr - pmm__view(m)->direct_map);
}

/** pmm_page_address - host address of a page's memory (page_address), NULL without a direct map */
static inline void *pmm_page_address(const struct pmm_machine *m, const struct pmm_page *page)
{
	return pmm_phys_to_virt(m, pmm_pfn_phys(m, pmm_page_to_pfn(m, page)));
}

/** pmm_virt_to_page - struct page of a direct-map address (virt_to_page) */
static inline struct pmm_page *pmm_virt_to_page(const struct pmm_machine *m, const void *addr)
{
	return pmm_pfn_to_page(m, pmm_phys_pfn(m, pmm_virt_to_phys(m, addr)));
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_MEMORY_MODEL_H */

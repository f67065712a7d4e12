// SPDX-License-Identifier: MIT
/*
 * FLATMEM: one mem_map array from ARCH_PFN_OFFSET to the highest pfn.
 * Mirrors alloc_node_mem_map() of mm/mm_init.c, the FLATMEM part of
 * include/asm-generic/memory_model.h, arm's free_unused_memmap() and the
 * per-zone pageblock bitmap of setup_usemap().
 *
 * The kernel's FLATMEM has one node; pmm lets a FLATMEM machine have
 * several (one mem_map over all of them, each node's part bound to its
 * host node), so every test runs under every model (docs/kernel-map.md).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct pmm__memmap {
	struct pmm_page	*map;		/* mem_map */
	size_t		bytes;
	unsigned long	*valid;		/* view.memmap_valid */
	unsigned long	nr_chunks;
	unsigned long	freed_chunks;
};

/* The mem_map covers whole MAX_ORDER blocks, as alloc_node_mem_map() aligns it. */
int pmm__model_init(struct pmm_machine *m)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long chunk = pmm__max_order_nr_pages(m), start, end, c;
	struct pmm__memmap *mm;
	unsigned int i;
	int nid;

	mm = pmm__calloc(1, sizeof(*mm));
	if (!mm)
		return -ENOMEM;
	m->memmap = mm;
	start = PMM__ALIGN_DOWN((unsigned long)(mem->regions[0].base >> m->view.page_shift), chunk);
	end = PMM__ALIGN(m->max_pfn, chunk);
	mm->bytes = (end - start) * sizeof(struct pmm_page);
	/* alloc_node_mem_map(): memmap_boot_pages_add() of the reference kernel's memmap */
	m->memmap_boot_pages = (long)(((end - start) * m->arch->struct_page_size +
				       (1UL << m->view.page_shift) - 1) >> m->view.page_shift);
	mm->map = pmm__alloc_node(m, mm->bytes, mem->regions[0].nid);
	mm->nr_chunks = (end - start) / chunk;
	mm->valid = pmm__calloc(PMM_BITS_TO_LONGS(mm->nr_chunks), sizeof(long));
	if (!mm->map || !mm->valid)
		return -ENOMEM;
	for (c = 0; c < mm->nr_chunks; c++)
		pmm_bitmap_set(mm->valid, (unsigned int)c);

	/* each node's struct pages live on that node */
	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e;

		if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			continue;
		pmm__host_bind(m, mm->map + (s - start),
			       (e - s) * sizeof(struct pmm_page), mem->regions[i].nid);
	}

	if (m->flags & PMM_BOOT_FREE_UNUSED_MEMMAP) {
		/* free_unused_memmap(): chunks with no memory at all lose their memmap */
		for (c = 0; c < mm->nr_chunks; c++) {
			unsigned long cs = start + c * chunk;

			if (pmm__memblock_pages_in_range(mem, m->view.page_shift, -1, cs, cs + chunk))
				continue;
			pmm_bitmap_clear(mm->valid, (unsigned int)c);
			pmm__vm_depopulate(mm->map + c * chunk, chunk * sizeof(struct pmm_page));
			mm->freed_chunks++;
		}
	}

	m->view.mem_map = mm->map;
	m->view.arch_pfn_offset = start;
	m->view.max_mapnr = end - start;
	m->view.memmap_valid = mm->valid;
	m->view.memmap_chunk_shift = m->max_page_order;

	pmm_for_each_node(nid, m) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];
		int z;

		if (pgdat->node_spanned_pages)
			pgdat->node_mem_map = mm->map + (pgdat->node_start_pfn - start);
		/* setup_usemap(): pageblock bits per zone */
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long pb = 1UL << m->pageblock_order, nr_blocks;

			if (!zone->spanned_pages)
				continue;
			nr_blocks = (zone->spanned_pages + (zone->zone_start_pfn & (pb - 1)) + pb - 1) /
				    pb;
			zone->pageblock_flags = pmm__calloc(PMM_BITS_TO_LONGS(nr_blocks * 4), sizeof(long));
			if (!zone->pageblock_flags)
				return -ENOMEM;
		}
	}
	return 0;
}

void pmm__model_fini(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];
		int z;

		if (!pgdat)
			continue;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			free(pgdat->node_zones[z].pageblock_flags);
			pgdat->node_zones[z].pageblock_flags = NULL;
		}
	}
	if (!mm)
		return;
	pmm__free_node(mm->map, mm->bytes);
	free(mm->valid);
	free(mm);
	m->memmap = NULL;
}

int pmm__model_add_range(struct pmm_machine *m, unsigned long start_pfn,
			 unsigned long nr_pages, int nid)
{
	return -EOPNOTSUPP;	/* memory hotplug needs SPARSEMEM */
}

int pmm__model_remove_range(struct pmm_machine *m, unsigned long start_pfn,
			    unsigned long nr_pages)
{
	return -EOPNOTSUPP;
}

void pmm__model_online_range(struct pmm_machine *m, unsigned long start_pfn,
			     unsigned long nr_pages, bool online)
{
}

unsigned long pmm__model_trailing_align(const struct pmm_machine *m)
{
	/* from 6.15 the trailing hole up to a MAX_ORDER block ("mm/mm_init: init
	 * holes in the end of the memory map for FLATMEM", March 2025) */
	return m->kernel_version >= PMM_KERNEL_VERSION(6, 15) ? pmm__max_order_nr_pages(m) : 1;
}

size_t pmm__model_memmap_bytes(const struct pmm_machine *m)
{
	const struct pmm__memmap *mm = m->memmap;

	return mm->bytes - mm->freed_chunks * pmm__max_order_nr_pages(m) * sizeof(struct pmm_page);
}

void pmm__model_dump(const struct pmm_machine *m, FILE *f)
{
	const struct pmm__memmap *mm = m->memmap;

	fprintf(f, "FLATMEM: mem_map of %lu struct pages from pfn %#lx (ARCH_PFN_OFFSET), "
		"%zu KiB; %lu of %lu MAX_ORDER chunks freed as holes\n",
		m->view.max_mapnr, m->view.arch_pfn_offset,
		pmm__model_memmap_bytes(m) >> 10, mm->freed_chunks, mm->nr_chunks);
}

/* SPDX-License-Identifier: MIT */
/*
 * Shared between sparse.c and sparse_vmemmap.c: the SPARSEMEM model state
 * and the memmap population functions each variant provides.
 */
#ifndef PMM_MEMORY_MODEL_SPARSE_H
#define PMM_MEMORY_MODEL_SPARSE_H

#include "internal.h"

struct pmm__sparse_alloc {
	void	*addr;
	size_t	bytes;
};

struct pmm__memmap {
	unsigned long	nr_roots;		/* NR_SECTION_ROOTS */
	unsigned long	nr_roots_allocated;	/* EXTREME */
	size_t		flat_bytes;		/* !EXTREME: the mem_section array */
	unsigned long	highest_present_section_nr;	/* __highest_present_section_nr */
	bool		any_present;
	unsigned long	nr_early_sections;
	/* boot-time node-local allocations (usage arrays, classic memmap buffers) */
	struct pmm__sparse_alloc *allocs;
	unsigned int	nr_allocs, max_allocs;
	size_t		metadata_bytes;		/* memmap + usage bytes held */
	/* classic: the current node's memmap buffer (sparse_buffer_init) */
	unsigned char	*buf, *buf_end;
	/* VMEMMAP: the reservation behind view.mem_map */
	void		*vmemmap;
	size_t		vmemmap_bytes;
	/* VMEMMAP at boot: the run of contiguous memmap [batch_start, batch_end)
	 * of node batch_nid not yet made accessible, populated in one go */
	bool		batching;
	int		batch_nid;
	unsigned long	batch_start, batch_end;
};

/* sparse.c */
size_t pmm__mem_section_usage_size(const struct pmm_machine *m);
int pmm__section_early_nid(const struct pmm_mem_section *ms);
int pmm__sparse_track(struct pmm_machine *m, void *addr, size_t bytes);

/* classic (sparse.c) or VMEMMAP (sparse_vmemmap.c) */
int pmm__memmap_model_init(struct pmm_machine *m);
void pmm__memmap_model_fini(struct pmm_machine *m);
/* Boot memmaps of one node's run of sections come between these two; the
 * memmaps populate_section_memmap() returns are usable once fini returned 0. */
int pmm__sparse_buffer_init(struct pmm_machine *m, unsigned long map_count, int nid);
int pmm__sparse_buffer_fini(struct pmm_machine *m);
/* The struct pages of [pfn, pfn + nr_pages), node-local; returns the page of pfn. */
struct pmm_page *pmm__populate_section_memmap(struct pmm_machine *m, unsigned long pfn,
					      unsigned long nr_pages, int nid);
/* Release them; section_empty: nothing of the section remains. */
void pmm__depopulate_section_memmap(struct pmm_machine *m, unsigned long pfn,
				    unsigned long nr_pages, struct pmm_mem_section *ms,
				    bool section_empty);

#endif /* PMM_MEMORY_MODEL_SPARSE_H */

// SPDX-License-Identifier: MIT
/*
 * SPARSEMEM_VMEMMAP: one virtually contiguous struct page array indexed by
 * pfn, populated section by section (or 2 MiB subsection by subsection)
 * as memory comes, node-local, released when it goes.
 * Mirrors mm/sparse-vmemmap.c: __populate_section_memmap,
 * vmemmap_populate_basepages, and the arch's vmemmap reservation.
 */
#include "memory_model/sparse.h"

int pmm__memmap_model_init(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;

	/* the vmemmap area: struct pages for every pfn below pfn_limit */
	mm->vmemmap_bytes = m->view.pfn_limit * sizeof(struct pmm_page);
	mm->vmemmap = pmm__vm_reserve(mm->vmemmap_bytes);
	if (!mm->vmemmap) {
		pmm__pr_err(m, "pmm: cannot reserve %zu MiB of address space for the vmemmap",
			    mm->vmemmap_bytes >> 20);
		return -ENOMEM;
	}
	/* vmemmap_populate_hugepages(): the host backs it with 2 MiB pages where it
	 * can, a section's memmap a fault, not 512 (advice; ignored without THP) */
	pmm__vm_advise_huge(mm->vmemmap, mm->vmemmap_bytes);
	m->view.mem_map = mm->vmemmap;
	return 0;
}

void pmm__memmap_model_fini(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;

	pmm__vm_release(mm->vmemmap, mm->vmemmap_bytes);
	mm->vmemmap = NULL;
	m->view.mem_map = NULL;
}

/*
 * At boot the memmaps of a node's sections are contiguous in the vmemmap:
 * they are made accessible a run at a time, one host call for a whole node
 * instead of one per section (half a million for 64 TiB). Untouched, they
 * cost the host no memory either way.
 */
int pmm__sparse_buffer_init(struct pmm_machine *m, unsigned long map_count, int nid)
{
	struct pmm__memmap *mm = m->memmap;

	mm->batching = true;
	mm->batch_nid = nid;
	mm->batch_start = mm->batch_end = 0;
	return 0;
}

static int flush_batch(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;
	unsigned long nr = mm->batch_end - mm->batch_start;
	int err;

	if (!nr)
		return 0;
	err = pmm__vm_populate(m, m->view.mem_map + mm->batch_start, nr * sizeof(struct pmm_page),
			       mm->batch_nid);
	mm->batch_start = mm->batch_end = 0;
	return err && err != -EXDEV ? err : 0;	/* -EXDEV: usable, binding failed and was reported */
}

int pmm__sparse_buffer_fini(struct pmm_machine *m)
{
	int err = flush_batch(m);

	m->memmap->batching = false;
	return err;
}

struct pmm_page *pmm__populate_section_memmap(struct pmm_machine *m, unsigned long pfn,
					      unsigned long nr_pages, int nid)
{
	struct pmm__memmap *mm = m->memmap;
	struct pmm_page *start = m->view.mem_map + pfn;

	if (mm->batching && nid == mm->batch_nid) {
		if (pfn != mm->batch_end && flush_batch(m))
			return NULL;
		if (mm->batch_start == mm->batch_end)
			mm->batch_start = pfn;
		mm->batch_end = pfn + nr_pages;
	} else {
		int err = pmm__vm_populate(m, start, nr_pages * sizeof(struct pmm_page), nid);

		if (err && err != -EXDEV)
			return NULL;
	}
	mm->metadata_bytes += nr_pages * sizeof(struct pmm_page);
	return start;
}

void pmm__depopulate_section_memmap(struct pmm_machine *m, unsigned long pfn,
				    unsigned long nr_pages, struct pmm_mem_section *ms,
				    bool section_empty)
{
	pmm__vm_depopulate(m->view.mem_map + pfn, nr_pages * sizeof(struct pmm_page));
	m->memmap->metadata_bytes -= nr_pages * sizeof(struct pmm_page);
}

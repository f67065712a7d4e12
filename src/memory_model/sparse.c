// SPDX-License-Identifier: MIT
/*
 * SPARSEMEM: memory as a collection of sections, each with its own memmap.
 * Mirrors mm/sparse.c: memory_present, sparse_index_init,
 * sparse_init_nid, sparse_init_one_section, sparse_encode_mem_map,
 * subsection_map_init, section_activate/section_deactivate. Used by both
 * classic SPARSEMEM (memmaps allocated per node here) and
 * SPARSEMEM_VMEMMAP (memmaps populated in the vmemmap, sparse_vmemmap.c).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "memory_model/sparse.h"

/* ---- the section table -------------------------------------------------------------- */

#if PMM_CONFIG_SPARSEMEM_EXTREME
static unsigned long sections_per_root(const struct pmm_machine *m)
{
	return 1UL << m->view.section_root_shift;
}
#endif

/* sparse_index_init(): EXTREME allocates the root holding a section on first use. */
static int sparse_index_init(struct pmm_machine *m, unsigned long nr, int nid)
{
#if PMM_CONFIG_SPARSEMEM_EXTREME
	unsigned long root = nr >> m->view.section_root_shift;
	size_t bytes = sections_per_root(m) * sizeof(struct pmm_mem_section);

	if (m->view.mem_section[root])
		return 0;
	/* a page's worth of sections, on the node of the first section */
	m->view.mem_section[root] = pmm__alloc_node(m, bytes, nid);
	if (!m->view.mem_section[root])
		return -ENOMEM;
	m->memmap->nr_roots_allocated++;
#else
	(void)m;
	(void)nr;
	(void)nid;
#endif
	return 0;
}

static int sparse_tables_init(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;

#if PMM_CONFIG_SPARSEMEM_EXTREME
	/* SECTIONS_PER_ROOT = PAGE_SIZE / sizeof(struct mem_section) */
	m->view.section_root_shift = m->view.page_shift - 4;
	mm->nr_roots = PMM__DIV_ROUND_UP(m->view.nr_mem_sections, sections_per_root(m));
	m->view.mem_section = pmm__calloc(mm->nr_roots, sizeof(struct pmm_mem_section *));
	if (!m->view.mem_section)
		return -ENOMEM;
#else
	/* the kernel's static mem_section[NR_MEM_SECTIONS]: reserved, paid for when touched */
	m->view.section_root_shift = 0;
	mm->nr_roots = m->view.nr_mem_sections;
	mm->flat_bytes = m->view.nr_mem_sections * sizeof(struct pmm_mem_section);
	m->view.mem_section_flat = pmm__alloc_node(m, mm->flat_bytes, PMM_NUMA_NO_NODE);
	if (!m->view.mem_section_flat)
		return -ENOMEM;
#endif
	return 0;
}

static void sparse_tables_fini(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;

#if PMM_CONFIG_SPARSEMEM_EXTREME
	unsigned long r;

	if (!m->view.mem_section)
		return;
	for (r = 0; r < mm->nr_roots; r++)
		pmm__free_node(m->view.mem_section[r],
			       sections_per_root(m) * sizeof(struct pmm_mem_section));
	free(m->view.mem_section);
	m->view.mem_section = NULL;
#else
	pmm__free_node(m->view.mem_section_flat, mm->flat_bytes);
	m->view.mem_section_flat = NULL;
#endif
}

/* ---- section usage: subsection map and pageblock bits --------------------------------------- */

static size_t usemap_size(const struct pmm_machine *m)
{
	unsigned long blocks = 1UL << (m->view.pfn_section_shift - m->pageblock_order);

	return PMM_BITS_TO_LONGS(blocks * 4) * sizeof(long);
}

size_t pmm__mem_section_usage_size(const struct pmm_machine *m)
{
	return sizeof(struct pmm_mem_section_usage) + usemap_size(m);
}

static void subsection_mask_set(const struct pmm_machine *m, unsigned long *map,
				unsigned long pfn, unsigned long nr_pages)
{
	unsigned long mask = (1UL << m->view.pfn_section_shift) - 1;
	unsigned int first = (unsigned int)((pfn & mask) >> m->view.pfn_subsection_shift);
	unsigned int last = (unsigned int)(((pfn + nr_pages - 1) & mask) >> m->view.pfn_subsection_shift);
	unsigned int i;

	for (i = first; i <= last; i++)
		pmm_bitmap_set(map, i);
}

/* ---- encoding ------------------------------------------------------------------------------ */

/* sparse_encode_mem_map(): the memmap address minus the section's first pfn, in struct pages. */
static unsigned long sparse_encode_mem_map(const struct pmm_machine *m, struct pmm_page *map,
					   unsigned long pnum)
{
	return (unsigned long)map - pmm_section_nr_to_pfn(m, pnum) * sizeof(struct pmm_page);
}

static void sparse_init_one_section(struct pmm_machine *m, struct pmm_mem_section *ms,
				    unsigned long pnum, struct pmm_page *map,
				    struct pmm_mem_section_usage *usage, unsigned long flags)
{
	ms->section_mem_map &= ~PMM_SECTION_MAP_MASK;
	ms->section_mem_map |= sparse_encode_mem_map(m, map, pnum) | PMM_SECTION_HAS_MEM_MAP | flags;
	ms->usage = usage;
}

static void section_mark_present(struct pmm_machine *m, struct pmm_mem_section *ms,
				 unsigned long nr)
{
	if (nr > m->memmap->highest_present_section_nr || !m->memmap->any_present)
		m->memmap->highest_present_section_nr = nr;
	m->memmap->any_present = true;
	ms->section_mem_map |= PMM_SECTION_MARKED_PRESENT;
}

int pmm__section_early_nid(const struct pmm_mem_section *ms)
{
	return (int)(ms->section_mem_map >> PMM_SECTION_NID_SHIFT);
}

/* ---- boot: memory_present + sparse_init ---------------------------------------------------------- */

static int memory_present(struct pmm_machine *m, int nid, unsigned long start, unsigned long end)
{
	unsigned long pfn;
	int err;

	start &= ~(pmm__pages_per_section(m) - 1);
	for (pfn = start; pfn < end; pfn += pmm__pages_per_section(m)) {
		unsigned long nr = pmm_pfn_to_section_nr(m, pfn);
		struct pmm_mem_section *ms;

		err = sparse_index_init(m, nr, nid);
		if (err)
			return err;
		ms = pmm_nr_to_section(m, nr);
		if (!ms->section_mem_map) {
			ms->section_mem_map = ((unsigned long)nid << PMM_SECTION_NID_SHIFT) |
					      PMM_SECTION_IS_ONLINE;
			section_mark_present(m, ms, nr);
		}
	}
	return 0;
}

/* One node's run of present sections: usage and memmap for each (sparse_init_nid). */
/* DIV_ROUND_UP(nr_pages * sizeof(struct page), PAGE_SIZE), the reference kernel's struct page */
static unsigned long memmap_pages(const struct pmm_machine *m, unsigned long nr_pages)
{
	unsigned long bytes = nr_pages * m->arch->struct_page_size;

	return (bytes + (1UL << m->view.page_shift) - 1) >> m->view.page_shift;
}

static int sparse_init_nid(struct pmm_machine *m, int nid, unsigned long pnum_begin,
			   unsigned long pnum_end, unsigned long map_count)
{
	struct pmm__memmap *mm = m->memmap;
	size_t usage_size = pmm__mem_section_usage_size(m);
	unsigned char *usage;
	unsigned long pnum;
	int err;

	usage = pmm__alloc_node(m, usage_size * map_count, nid);
	if (!usage)
		return -ENOMEM;
	err = pmm__sparse_track(m, usage, usage_size * map_count);
	if (err) {
		pmm__free_node(usage, usage_size * map_count);
		return err;
	}
	err = pmm__sparse_buffer_init(m, map_count, nid);
	if (err)
		return err;
	for (pnum = pnum_begin; pnum < pnum_end; pnum++) {
		struct pmm_mem_section *ms = pmm_nr_to_section(m, pnum);
		struct pmm_page *map;

		if (!pmm_present_section(ms) || pmm__section_early_nid(ms) != nid)
			continue;
		map = pmm__populate_section_memmap(m, pmm_section_nr_to_pfn(m, pnum),
						   pmm__pages_per_section(m), nid);
		if (!map) {
			pmm__pr_err(m, "sparse_init_nid: node[%d] memory map backing failed. "
				    "Some memory will not be available.", nid);
			return -ENOMEM;
		}
		sparse_init_one_section(m, ms, pnum, map, (struct pmm_mem_section_usage *)usage,
					PMM_SECTION_IS_EARLY);
		__atomic_add_fetch(&m->memmap_boot_pages,
				   (long)memmap_pages(m, pmm__pages_per_section(m)), __ATOMIC_RELAXED);
		usage += usage_size;
		mm->nr_early_sections++;
	}
	if (pmm__sparse_buffer_fini(m)) {
		pmm__pr_err(m, "sparse_init_nid: node[%d] memory map backing failed. "
			    "Some memory will not be available.", nid);
		return -ENOMEM;
	}
	return 0;
}

int pmm__model_init(struct pmm_machine *m)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long pnum, pnum_begin = 0, map_count = 0;
	int nid_begin = -1, err;
	unsigned int i;

	m->memmap = pmm__calloc(1, sizeof(*m->memmap));
	if (!m->memmap)
		return -ENOMEM;
	err = sparse_tables_init(m);
	if (!err)
		err = pmm__memmap_model_init(m);
	if (err)
		return err;

	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e;

		if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			continue;
		err = memory_present(m, mem->regions[i].nid, s, e);
		if (err)
			return err;
	}

	/* sparse_init(): runs of present sections with the same node */
	for (pnum = 0; pnum <= m->memmap->highest_present_section_nr; pnum++) {
		struct pmm_mem_section *ms = pmm_nr_to_section(m, pnum);
		int nid;

		if (!pmm_present_section(ms))
			continue;
		nid = pmm__section_early_nid(ms);
		if (nid == nid_begin) {
			map_count++;
			continue;
		}
		if (nid_begin >= 0) {
			err = sparse_init_nid(m, nid_begin, pnum_begin, pnum, map_count);
			if (err)
				return err;
		}
		nid_begin = nid;
		pnum_begin = pnum;
		map_count = 1;
	}
	err = sparse_init_nid(m, nid_begin, pnum_begin, m->memmap->highest_present_section_nr + 1,
			      map_count);
	if (err)
		return err;

	/* subsection_map_init(): boot ranges in the subsection maps */
	if (PMM_CONFIG_SPARSEMEM_VMEMMAP) {
		for (i = 0; i < mem->cnt; i++) {
			unsigned long s, e, pfn;

			if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
				continue;
			for (pfn = s; pfn < e;) {
				unsigned long next = PMM__MIN(e, PMM__ALIGN(pfn + 1, pmm__pages_per_section(m)));
				struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);

				subsection_mask_set(m, ms->usage->subsection_map, pfn, next - pfn);
				pfn = next;
			}
		}
	}
	return 0;
}

void pmm__model_fini(struct pmm_machine *m)
{
	struct pmm__memmap *mm = m->memmap;
	unsigned int i;

	if (!mm)
		return;
	if (m->view.mem_section || m->view.mem_section_flat) {
		unsigned long pnum;

		/* sections added after boot own their usage and memmap */
		for (pnum = 0; mm->any_present && pnum <= mm->highest_present_section_nr; pnum++) {
			struct pmm_mem_section *ms = pmm_nr_to_section(m, pnum);

			if (pmm_valid_section(ms) && !pmm_early_section(ms))
				pmm__model_remove_range(m, pmm_section_nr_to_pfn(m, pnum),
							pmm__pages_per_section(m));
		}
	}
	pmm__memmap_model_fini(m);
	for (i = 0; i < mm->nr_allocs; i++)
		pmm__free_node(mm->allocs[i].addr, mm->allocs[i].bytes);
	free(mm->allocs);
	sparse_tables_fini(m);
	free(mm);
	m->memmap = NULL;
}

int pmm__sparse_track(struct pmm_machine *m, void *addr, size_t bytes)
{
	struct pmm__memmap *mm = m->memmap;

	if (mm->nr_allocs == mm->max_allocs) {
		unsigned int max = mm->max_allocs ? mm->max_allocs * 2 : 16;
		struct pmm__sparse_alloc *p = pmm__realloc(mm->allocs, max * sizeof(*p));

		if (!p)
			return -ENOMEM;
		mm->allocs = p;
		mm->max_allocs = max;
	}
	mm->allocs[mm->nr_allocs].addr = addr;
	mm->allocs[mm->nr_allocs].bytes = bytes;
	mm->nr_allocs++;
	mm->metadata_bytes += bytes;
	return 0;
}

/* ---- hotplug: sections that come and go (section_activate / section_deactivate) ---------------- */

static int check_pfn_span(const struct pmm_machine *m, unsigned long pfn, unsigned long nr_pages)
{
	unsigned long align = PMM_CONFIG_SPARSEMEM_VMEMMAP ? 1UL << m->view.pfn_subsection_shift :
							     pmm__pages_per_section(m);

	if (!nr_pages || !PMM__IS_ALIGNED(pfn | nr_pages, align))
		return -EINVAL;
	if (pfn + nr_pages > m->view.pfn_limit || pfn + nr_pages < pfn)
		return -ERANGE;
	return 0;
}

int pmm__model_add_range(struct pmm_machine *m, unsigned long start_pfn,
			 unsigned long nr_pages, int nid)
{
	unsigned long pfn, end = start_pfn + nr_pages;
	int err = check_pfn_span(m, start_pfn, nr_pages);

	if (err)
		return err;
	for (pfn = start_pfn; pfn < end;) {
		unsigned long next = PMM__MIN(end, PMM__ALIGN(pfn + 1, pmm__pages_per_section(m)));
		unsigned long nr = pmm_pfn_to_section_nr(m, pfn);
		unsigned long sub[PMM_BITS_TO_LONGS(PMM_SUBSECTIONS_PER_SECTION_MAX)] = { 0 };
		struct pmm_mem_section *ms;
		struct pmm_page *map;
		unsigned int w;

		err = sparse_index_init(m, nr, nid);
		if (err)
			goto undo;
		ms = pmm_nr_to_section(m, nr);
		subsection_mask_set(m, sub, pfn, next - pfn);
		if (ms->usage) {
			for (w = 0; w < PMM__ARRAY_SIZE(sub); w++)
				if (ms->usage->subsection_map[w] & sub[w]) {
					err = -EEXIST;
					goto undo;
				}
		} else {
			ms->usage = pmm__calloc(1, pmm__mem_section_usage_size(m));
			if (!ms->usage) {
				err = -ENOMEM;
				goto undo;
			}
		}
		map = pmm__populate_section_memmap(m, pfn, next - pfn, nid);
		if (!map) {
			err = -ENOMEM;
			goto undo;
		}
		/* section_activate(): memmap_pages_add(), an altmap's memmap included */
		__atomic_add_fetch(&m->memmap_pages, (long)memmap_pages(m, next - pfn),
				   __ATOMIC_RELAXED);
		for (w = 0; w < PMM__ARRAY_SIZE(sub); w++)
			ms->usage->subsection_map[w] |= sub[w];
		if (!pmm_valid_section(ms)) {
			ms->section_mem_map = 0;
			section_mark_present(m, ms, nr);
			/* the memmap of the whole section, from its first pfn */
			sparse_init_one_section(m, ms, nr,
						map - (pfn - pmm_section_nr_to_pfn(m, nr)),
						ms->usage, 0);
		}
		pfn = next;
	}
	return 0;
undo:
	if (pfn > start_pfn)
		pmm__model_remove_range(m, start_pfn, pfn - start_pfn);
	return err;
}

int pmm__model_remove_range(struct pmm_machine *m, unsigned long start_pfn,
			    unsigned long nr_pages)
{
	unsigned long pfn, end = start_pfn + nr_pages;
	int err = check_pfn_span(m, start_pfn, nr_pages);

	if (err)
		return err;
	for (pfn = start_pfn; pfn < end;) {
		unsigned long next = PMM__MIN(end, PMM__ALIGN(pfn + 1, pmm__pages_per_section(m)));
		unsigned long sub[PMM_BITS_TO_LONGS(PMM_SUBSECTIONS_PER_SECTION_MAX)] = { 0 };
		struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);
		bool empty = true;
		unsigned int w;

		/* boot memmaps live in per-node buffers, released at shutdown */
		if (pmm_valid_section(ms) && !pmm_early_section(ms)) {
			subsection_mask_set(m, sub, pfn, next - pfn);
			for (w = 0; w < PMM__ARRAY_SIZE(sub); w++) {
				ms->usage->subsection_map[w] &= ~sub[w];
				if (ms->usage->subsection_map[w])
					empty = false;
			}
			pmm__depopulate_section_memmap(m, pfn, next - pfn, ms, empty);
			__atomic_sub_fetch(&m->memmap_pages, (long)memmap_pages(m, next - pfn),
					   __ATOMIC_RELAXED);
			if (empty) {
				free(ms->usage);
				ms->usage = NULL;
				ms->section_mem_map = 0;
			}
		}
		pfn = next;
	}
	return 0;
}

/* online_mem_sections() / offline_mem_sections() */
void pmm__model_online_range(struct pmm_machine *m, unsigned long start_pfn,
			     unsigned long nr_pages, bool online)
{
	unsigned long pfn;

	for (pfn = start_pfn; pfn < start_pfn + nr_pages; pfn += pmm__pages_per_section(m)) {
		struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);

		if (!ms)
			continue;
		if (online)
			ms->section_mem_map |= PMM_SECTION_IS_ONLINE;
		else
			ms->section_mem_map &= ~PMM_SECTION_IS_ONLINE;
	}
}

/* ---- queries ---------------------------------------------------------------------------------- */

unsigned long pmm__model_trailing_align(const struct pmm_machine *m)
{
	return pmm__pages_per_section(m);
}

size_t pmm__model_memmap_bytes(const struct pmm_machine *m)
{
	return m->memmap->metadata_bytes;
}

/*
 * The node of a section with a memmap: memblock's (struct pages whose
 * initialisation is deferred cannot tell), else its first page's
 * (hot-added memory).
 */
static int section_nid(const struct pmm_machine *m, unsigned long pnum)
{
	unsigned long start = pmm_section_nr_to_pfn(m, pnum), end = start + pmm__pages_per_section(m);
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long s, e;
	unsigned int i;

	for (i = 0; i < mem->cnt; i++)
		if (pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e) && s < end &&
		    e > start)
			return mem->regions[i].nid;
	return pmm_page_to_nid(pmm_pfn_to_page(m, start));
}

void pmm__model_dump(const struct pmm_machine *m, FILE *f)
{
	const struct pmm__memmap *mm = m->memmap;
	unsigned long pnum, present = 0, online = 0, early = 0, run_start = 0;
	int run_nid = -1;
	bool in_run = false;

	fprintf(f, "%s%s: SECTION_SIZE_BITS %u, MAX_PHYSMEM_BITS %u, NR_MEM_SECTIONS %lu, "
		"PAGES_PER_SECTION %lu\n",
		PMM_CONFIG_SPARSEMEM_VMEMMAP ? "SPARSEMEM_VMEMMAP" : "SPARSEMEM",
		PMM_CONFIG_SPARSEMEM_EXTREME ? " (EXTREME)" : "",
		m->arch->section_size_bits, m->arch->max_physmem_bits, m->view.nr_mem_sections,
		pmm__pages_per_section(m));
	if (PMM_CONFIG_SPARSEMEM_EXTREME)
		fprintf(f, "  mem_section: %lu roots of %lu sections, %lu allocated\n",
			mm->nr_roots, 1UL << m->view.section_root_shift, mm->nr_roots_allocated);
	for (pnum = 0; mm->any_present && pnum <= mm->highest_present_section_nr + 1; pnum++) {
		const struct pmm_mem_section *ms = pnum <= mm->highest_present_section_nr ?
						   pmm_nr_to_section(m, pnum) : NULL;
		int nid = pmm_valid_section(ms) ? section_nid(m, pnum) : -1;

		if (pmm_present_section(ms)) {
			present++;
			online += pmm_online_section(ms) ? 1 : 0;
			early += pmm_early_section(ms) ? 1 : 0;
		}
		if (in_run && (!pmm_present_section(ms) || nid != run_nid)) {
			fprintf(f, "  sections %lu-%lu: node %d, pfn %#lx-%#lx\n", run_start, pnum - 1,
				run_nid, pmm_section_nr_to_pfn(m, run_start),
				pmm_section_nr_to_pfn(m, pnum) - 1);
			in_run = false;
		}
		if (!in_run && pmm_present_section(ms)) {
			in_run = true;
			run_start = pnum;
			run_nid = nid;
		}
	}
	fprintf(f, "  %lu present sections (%lu online, %lu early), %zu KiB of memmap and usage\n",
		present, online, early, mm->metadata_bytes >> 10);
}

#if !PMM_CONFIG_SPARSEMEM_VMEMMAP
/* ---- classic SPARSEMEM: a memmap array per section ----------------------------------------------- */

/* section_map_size(): PAGE_ALIGN(sizeof(struct page) * PAGES_PER_SECTION) */
static size_t section_map_size(const struct pmm_machine *m)
{
	return PMM__ALIGN(pmm__pages_per_section(m) * sizeof(struct pmm_page),
			  (size_t)pmm_page_size(m));
}

int pmm__memmap_model_init(struct pmm_machine *m)
{
	return 0;
}

void pmm__memmap_model_fini(struct pmm_machine *m)
{
}

/* sparse_buffer_init(): one node-local buffer for all boot memmaps of a run. */
int pmm__sparse_buffer_init(struct pmm_machine *m, unsigned long map_count, int nid)
{
	struct pmm__memmap *mm = m->memmap;
	size_t bytes = map_count * section_map_size(m);
	int err;

	mm->buf = pmm__alloc_node(m, bytes, nid);
	if (!mm->buf)
		return -ENOMEM;
	err = pmm__sparse_track(m, mm->buf, bytes);
	if (err) {
		pmm__free_node(mm->buf, bytes);
		mm->buf = NULL;
		return err;
	}
	mm->buf_end = mm->buf + bytes;
	return 0;
}

int pmm__sparse_buffer_fini(struct pmm_machine *m)
{
	m->memmap->buf = m->memmap->buf_end = NULL;
	return 0;
}

struct pmm_page *pmm__populate_section_memmap(struct pmm_machine *m, unsigned long pfn,
					      unsigned long nr_pages, int nid)
{
	struct pmm__memmap *mm = m->memmap;
	size_t bytes = section_map_size(m);
	struct pmm_page *map;

	if (mm->buf && mm->buf + bytes <= mm->buf_end) {
		map = (struct pmm_page *)mm->buf;
		mm->buf += bytes;
		return map;
	}
	/* hot-added section: its own node-local allocation */
	map = pmm__alloc_node(m, bytes, nid);
	if (map)
		mm->metadata_bytes += bytes;
	return map;
}

void pmm__depopulate_section_memmap(struct pmm_machine *m, unsigned long pfn,
				    unsigned long nr_pages, struct pmm_mem_section *ms,
				    bool section_empty)
{
	unsigned long start = PMM__ALIGN_DOWN(pfn, pmm__pages_per_section(m));

	if (!section_empty)
		return;
	pmm__free_node((void *)(pmm__section_map_base(ms) + start * sizeof(struct pmm_page)),
		       section_map_size(m));
	m->memmap->metadata_bytes -= section_map_size(m);
}
#endif /* !PMM_CONFIG_SPARSEMEM_VMEMMAP */

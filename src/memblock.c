// SPDX-License-Identifier: MIT
/*
 * memblock: the boot-time list of memory and reserved ranges.
 * Mirrors mm/memblock.c: memblock_add_range, memblock_merge_regions.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static int memblock_grow(struct pmm__memblock_type *type)
{
	unsigned int max = type->max ? type->max * 2 : 16;
	struct pmm_memblock_region *r = pmm__realloc(type->regions, max * sizeof(*r));

	if (!r)
		return -ENOMEM;
	type->regions = r;
	type->max = max;
	return 0;
}

/* Merge neighbours that touch and have the same node and flags (memblock_merge_regions). */
static void memblock_merge_regions(struct pmm__memblock_type *type)
{
	unsigned int i = 0;

	while (i + 1 < type->cnt) {
		struct pmm_memblock_region *this = &type->regions[i];
		struct pmm_memblock_region *next = &type->regions[i + 1];

		if (this->base + this->size != next->base || this->nid != next->nid ||
		    this->flags != next->flags) {
			i++;
			continue;
		}
		this->size += next->size;
		memmove(next, next + 1, (type->cnt - (i + 2)) * sizeof(*next));
		type->cnt--;
	}
}

/* Put [base, end) at index i (room was made beforehand). */
static void memblock_insert_region(struct pmm__memblock_type *type, unsigned int i,
				   pmm_phys_addr_t base, pmm_phys_addr_t end, int nid,
				   unsigned int flags)
{
	memmove(&type->regions[i + 1], &type->regions[i],
		(type->cnt - i) * sizeof(type->regions[0]));
	type->regions[i] = (struct pmm_memblock_region){
		.base = base, .size = end - base, .nid = nid, .flags = flags,
	};
	type->cnt++;
}

/*
 * memblock_add_range(): the parts of [base, base + size) that no region
 * covers yet are inserted with @nid and @flags; what is already there keeps
 * its node and flags, so regions never overlap. The first pass counts the
 * pieces and makes room, the second inserts them: -ENOMEM changes nothing.
 * A range that would wrap is cut at the top of the address space.
 */
int pmm__memblock_add(struct pmm__memblock_type *type, pmm_phys_addr_t base,
		      pmm_phys_addr_t size, int nid, unsigned int flags)
{
	pmm_phys_addr_t end = base + size < base ? ~(pmm_phys_addr_t)0 : base + size;
	unsigned int nr_new, pass, i;

	if (!size)
		return 0;
	for (pass = 0; pass < 2; pass++) {
		pmm_phys_addr_t at = base;

		nr_new = 0;
		for (i = 0; i < type->cnt && at < end; i++) {
			pmm_phys_addr_t rbase = type->regions[i].base;
			pmm_phys_addr_t rend = rbase + type->regions[i].size;

			if (rend <= at)
				continue;
			if (rbase >= end)
				break;
			if (rbase > at) {
				nr_new++;
				if (pass)
					memblock_insert_region(type, i++, at, rbase, nid, flags);
			}
			at = PMM__MIN(rend, end);
		}
		if (at < end) {
			nr_new++;
			if (pass)
				memblock_insert_region(type, i, at, end, nid, flags);
		}
		if (!pass)
			while (type->cnt + nr_new > type->max)
				if (memblock_grow(type))
					return -ENOMEM;
	}
	memblock_merge_regions(type);
	return 0;
}

void pmm__memblock_free_all_regions(struct pmm__memblock *mb)
{
	free(mb->memory.regions);
	free(mb->reserved.regions);
	memset(mb, 0, sizeof(*mb));
}

bool pmm__region_pfns(const struct pmm_memblock_region *r, unsigned int page_shift,
		      unsigned long *spfn, unsigned long *epfn)
{
	pmm_phys_addr_t mask = ((pmm_phys_addr_t)1 << page_shift) - 1;

	*spfn = (unsigned long)((r->base + mask) >> page_shift);
	*epfn = (unsigned long)((r->base + r->size) >> page_shift);
	return *spfn < *epfn;
}

unsigned long pmm__memblock_pages_in_range(const struct pmm__memblock_type *type,
					   unsigned int page_shift, int nid,
					   unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long nr = 0, s, e;
	unsigned int i;

	for (i = 0; i < type->cnt; i++) {
		if (nid >= 0 && type->regions[i].nid != nid)
			continue;
		if (!pmm__region_pfns(&type->regions[i], page_shift, &s, &e))
			continue;
		s = PMM__MAX(s, start_pfn);
		e = PMM__MIN(e, end_pfn);
		if (s < e)
			nr += e - s;
	}
	return nr;
}

bool pmm__next_free_pfn_range(const struct pmm__memblock_type *reserved, unsigned int page_shift,
			      unsigned long *pfn, unsigned long end, unsigned long *free_end)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << page_shift;
	unsigned int i;

	*free_end = end;
	for (i = 0; i < reserved->cnt && *pfn < end; i++) {
		const struct pmm_memblock_region *r = &reserved->regions[i];
		unsigned long rs = (unsigned long)(r->base >> page_shift);
		unsigned long re = (unsigned long)((r->base + r->size + page - 1) >> page_shift);

		if (re <= *pfn)
			continue;
		if (rs > *pfn) {
			*free_end = PMM__MIN(end, rs);
			return true;
		}
		*pfn = re;	/* inside a reserved region: skip past it */
	}
	return *pfn < end;
}

unsigned int pmm_memblock_count(const struct pmm_machine *m, enum pmm_memblock_type type)
{
	return type == PMM_MEMBLOCK_MEMORY ? m->memblock.memory.cnt : m->memblock.reserved.cnt;
}

int pmm_memblock_region(const struct pmm_machine *m, enum pmm_memblock_type type,
			unsigned int idx, struct pmm_memblock_region *out)
{
	const struct pmm__memblock_type *t =
		type == PMM_MEMBLOCK_MEMORY ? &m->memblock.memory : &m->memblock.reserved;

	if (idx >= t->cnt)
		return -EINVAL;
	*out = t->regions[idx];
	return 0;
}

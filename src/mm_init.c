// SPDX-License-Identifier: MIT
/*
 * Zones, node spans and struct page initialisation at boot.
 * Mirrors mm/mm_init.c: free_area_init, free_area_init_node,
 * calculate_node_totalpages, zone_spanned_pages_in_node,
 * zone_absent_pages_in_node, check_for_memory, memmap_init,
 * init_unavailable_range, __init_single_page; and the architectures'
 * zone_sizes_init() for the zone limits.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

const char *const pmm_zone_names[PMM_MAX_NR_ZONES] = {
	"DMA", "DMA32", "Normal", "HighMem", "Movable", "Device",
};

const char *const pmm_node_state_names[PMM_NR_NODE_STATES] = {
	"possible", "online", "has_normal_memory", "has_high_memory",
	"has_memory", "has_cpu", "has_generic_initiator",
};

static void list_init(struct pmm_list_head *h)
{
	h->next = h;
	h->prev = h;
}

static pmm_phys_addr_t memblock_start_of_dram(const struct pmm_machine *m)
{
	return m->memblock.memory.regions[0].base;
}

static pmm_phys_addr_t memblock_end_of_dram(const struct pmm_machine *m)
{
	const struct pmm__memblock_type *t = &m->memblock.memory;

	return t->regions[t->cnt - 1].base + t->regions[t->cnt - 1].size;
}

/* ---- zone limits: the architectures' zone_sizes_init() ------------------------------------ */

/* arm64 max_zone_phys(): the end of a DMA zone limited to zone_bits address bits. */
static pmm_phys_addr_t arm64_max_zone_phys(const struct pmm_machine *m, unsigned int zone_bits)
{
	pmm_phys_addr_t zone_mask = (1ULL << zone_bits) - 1;
	pmm_phys_addr_t phys_start = memblock_start_of_dram(m);
	const pmm_phys_addr_t four_g_mask = (1ULL << 32) - 1;

	if (phys_start > four_g_mask)
		zone_mask = ~0ULL;
	else if (phys_start > zone_mask)
		zone_mask = four_g_mask;
	return PMM__MIN(zone_mask, memblock_end_of_dram(m) - 1) + 1;
}

static void arch_zone_limits(struct pmm_machine *m, unsigned long max_zone_pfn[])
{
	const struct pmm_arch_profile *a = m->arch;
	unsigned int shift = a->page_shift;

	m->max_low_pfn = m->max_pfn;
	if (a->max_lowmem_pfn && m->max_pfn > a->max_lowmem_pfn)
		m->max_low_pfn = a->max_lowmem_pfn;

	/* #ifdef CONFIG_ZONE_DMA / CONFIG_ZONE_DMA32: only the zones the kernel was built with */
	if (a->dma_zone_bits_rule) {
		/* arm64: zone_dma_bits is 32 unless firmware limits DMA further */
		if (a->zones & (1u << PMM_ZONE_DMA))
			max_zone_pfn[PMM_ZONE_DMA] =
				(unsigned long)(arm64_max_zone_phys(m, 32) >> shift);
		if (a->zones & (1u << PMM_ZONE_DMA32))
			max_zone_pfn[PMM_ZONE_DMA32] =
				(unsigned long)(arm64_max_zone_phys(m, 32) >> shift);
	} else {
		if (a->dma_limit && (a->zones & (1u << PMM_ZONE_DMA)))
			max_zone_pfn[PMM_ZONE_DMA] =
				PMM__MIN((unsigned long)(a->dma_limit >> shift), m->max_low_pfn);
		if (a->dma32_limit && (a->zones & (1u << PMM_ZONE_DMA32)))
			max_zone_pfn[PMM_ZONE_DMA32] =
				PMM__MIN((unsigned long)(a->dma32_limit >> shift), m->max_low_pfn);
	}
	/* where a boot log printed them: the firmware's DMA limits, the build's lowmem */
	if (m->zone_end[PMM_ZONE_NORMAL] && (a->zones & (1u << PMM_ZONE_HIGHMEM)))
		m->max_low_pfn = PMM__MIN(m->max_pfn,
					  (unsigned long)(m->zone_end[PMM_ZONE_NORMAL] >> shift));
	if (m->zone_end[PMM_ZONE_DMA] && (a->zones & (1u << PMM_ZONE_DMA)))
		max_zone_pfn[PMM_ZONE_DMA] = (unsigned long)(m->zone_end[PMM_ZONE_DMA] >> shift);
	if (m->zone_end[PMM_ZONE_DMA32] && (a->zones & (1u << PMM_ZONE_DMA32)))
		max_zone_pfn[PMM_ZONE_DMA32] = (unsigned long)(m->zone_end[PMM_ZONE_DMA32] >> shift);
	max_zone_pfn[PMM_ZONE_NORMAL] = m->max_low_pfn;
	if (a->zones & (1u << PMM_ZONE_HIGHMEM))
		max_zone_pfn[PMM_ZONE_HIGHMEM] = m->max_pfn;
}

/* ---- per-node spans ------------------------------------------------------------------------ */

static void get_pfn_range_for_nid(const struct pmm_machine *m, int nid,
				  unsigned long *start_pfn, unsigned long *end_pfn)
{
	const struct pmm__memblock_type *t = &m->memblock.memory;
	unsigned long s, e;
	unsigned int i;

	*start_pfn = ~0UL;
	*end_pfn = 0;
	for (i = 0; i < t->cnt; i++) {
		if (t->regions[i].nid != nid || !pmm__region_pfns(&t->regions[i], m->view.page_shift, &s, &e))
			continue;
		*start_pfn = PMM__MIN(*start_pfn, s);
		*end_pfn = PMM__MAX(*end_pfn, e);
	}
	if (*start_pfn == ~0UL)
		*start_pfn = 0;
}

static unsigned long clamp_ul(unsigned long v, unsigned long lo, unsigned long hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* adjust_zone_range_for_zone_movable() */
static void adjust_zone_range_for_zone_movable(const struct pmm_machine *m, int nid,
					       enum pmm_zone_type type, unsigned long node_end_pfn,
					       unsigned long *zs, unsigned long *ze)
{
	unsigned long movable = m->zone_movable_pfn[nid];

	if (!movable)
		return;
	if (type == PMM_ZONE_MOVABLE) {
		*zs = movable;
		*ze = PMM__MIN(node_end_pfn, m->arch_zone_highest_possible_pfn[m->movable_zone]);
	} else if (!m->cmdline_params.mirrored_kernelcore && *zs < movable && movable < *ze) {
		*ze = movable;
	} else if (*zs >= movable) {
		*zs = *ze;
	}
}

static unsigned long zone_spanned_pages_in_node(const struct pmm_machine *m, int nid,
						enum pmm_zone_type type,
						unsigned long node_start_pfn,
						unsigned long node_end_pfn,
						unsigned long *zs, unsigned long *ze)
{
	unsigned long lo = m->arch_zone_lowest_possible_pfn[type];
	unsigned long hi = m->arch_zone_highest_possible_pfn[type];

	*zs = clamp_ul(node_start_pfn, lo, hi);
	*ze = clamp_ul(node_end_pfn, lo, hi);
	adjust_zone_range_for_zone_movable(m, nid, type, node_end_pfn, zs, ze);
	if (*ze < node_start_pfn || *zs > node_end_pfn)
		return 0;
	*ze = PMM__MIN(*ze, node_end_pfn);
	*zs = PMM__MAX(*zs, node_start_pfn);
	return *ze - *zs;
}

static void zone_init_internals(struct pmm_zone *zone, enum pmm_zone_type idx,
				pmm_pg_data_t *pgdat)
{
	unsigned int o, t;

	zone->name = pmm_zone_names[idx];
	zone->node = pgdat->node_id;
	zone->zone_pgdat = pgdat;
	zone->lock = (pmm_spinlock_t){ 0 };
	for (o = 0; o < PMM_NR_PAGE_ORDERS; o++)
		for (t = 0; t < PMM_MIGRATE_TYPES; t++)
			list_init(&zone->free_area[o].free_list[t]);
}

/* zone_absent_pages_in_node() */
static unsigned long zone_absent_pages_in_node(const struct pmm_machine *m, int nid,
					       enum pmm_zone_type type, unsigned long zs,
					       unsigned long ze)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long nr_absent;
	unsigned int i;

	if (zs == ze)
		return 0;
	nr_absent = (ze - zs) - pmm__memblock_pages_in_range(mem, m->view.page_shift, nid, zs, ze);
	/* kernelcore=mirror: Movable and Normal overlap; each drops the other's memory */
	if (m->cmdline_params.mirrored_kernelcore && m->zone_movable_pfn[nid]) {
		for (i = 0; i < mem->cnt; i++) {
			const struct pmm_memblock_region *r = &mem->regions[i];
			bool mirror = r->flags & PMM_MEMORY_MIRROR;
			unsigned long s, e;

			if (r->nid != nid || !pmm__region_pfns(r, m->view.page_shift, &s, &e))
				continue;
			s = clamp_ul(s, zs, ze);
			e = clamp_ul(e, zs, ze);
			if ((type == PMM_ZONE_MOVABLE && mirror) ||
			    (type == PMM_ZONE_NORMAL && !mirror))
				nr_absent += e - s;
		}
	}
	return nr_absent;
}

/* Pages of [zs, ze) that are in a reserved memblock range and in memory. */
static unsigned long reserved_pages_in(const struct pmm_machine *m, int nid,
				       unsigned long zs, unsigned long ze)
{
	const struct pmm__memblock_type *res = &m->memblock.reserved;
	unsigned long nr = 0, s, e;
	unsigned int i;

	for (i = 0; i < res->cnt; i++) {
		if (!pmm__region_pfns(&res->regions[i], m->view.page_shift, &s, &e))
			continue;
		s = PMM__MAX(s, zs);
		e = PMM__MIN(e, ze);
		if (s < e)
			nr += pmm__memblock_pages_in_range(&m->memblock.memory,
							   m->view.page_shift, nid, s, e);
	}
	return nr;
}

/* calculate_node_totalpages() and the zone part of free_area_init_core() */
static void calculate_node_totalpages(struct pmm_machine *m, pmm_pg_data_t *pgdat,
				      unsigned long node_start_pfn, unsigned long node_end_pfn)
{
	unsigned long totalpages = 0, realtotalpages = 0;
	enum pmm_zone_type i;
	int nid = pgdat->node_id;

	for (i = 0; i < PMM_MAX_NR_ZONES; i++) {
		struct pmm_zone *zone = &pgdat->node_zones[i];
		unsigned long zs = 0, ze = 0, spanned = 0, absent = 0;

		zone_init_internals(zone, i, pgdat);
		if (node_start_pfn != node_end_pfn && pmm_zone_type_configured(m, i))
			spanned = zone_spanned_pages_in_node(m, nid, i, node_start_pfn,
							     node_end_pfn, &zs, &ze);
		if (spanned)
			absent = zone_absent_pages_in_node(m, nid, i, zs, ze);
		zone->zone_start_pfn = spanned ? zs : 0;
		zone->spanned_pages = spanned;
		zone->present_pages = spanned - absent;
		zone->present_early_pages = zone->present_pages;
		/* kernel: pages freed to the buddy allocator by memblock_free_all() */
		zone->managed_pages = spanned ? zone->present_pages - reserved_pages_in(m, nid, zs, ze) : 0;
		if (spanned) {
			zone->initialized = 1;
			pgdat->nr_zones = (int)i + 1;
		}
		totalpages += spanned;
		realtotalpages += zone->present_pages;
	}
	pgdat->node_spanned_pages = totalpages;
	pgdat->node_present_pages = realtotalpages;
}

/* check_for_memory(): N_NORMAL_MEMORY / N_HIGH_MEMORY from the first populated zone. */
static void check_for_memory(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	bool highmem = pmm_zone_type_configured(m, PMM_ZONE_HIGHMEM);
	enum pmm_zone_type z;
	int nid = pgdat->node_id;

	for (z = PMM_ZONE_DMA; z < PMM_ZONE_MOVABLE; z++) {
		if (!pmm_populated_zone(&pgdat->node_zones[z]))
			continue;
		if (highmem || z <= PMM_ZONE_NORMAL)
			pmm_node_set(nid, &m->view.node_states[PMM_N_HIGH_MEMORY]);
		if (z <= PMM_ZONE_NORMAL)
			pmm_node_set(nid, &m->view.node_states[PMM_N_NORMAL_MEMORY]);
		break;
	}
}

/* ---- ZONE_MOVABLE: kernelcore=, movablecore=, movable_node, kernelcore=mirror ---------- */

/* find_usable_zone_for_movable(): the highest zone with an architectural range. */
static void find_usable_zone_for_movable(struct pmm_machine *m)
{
	int z;

	for (z = PMM_MAX_NR_ZONES - 1; z >= 0; z--) {
		if (z == PMM_ZONE_MOVABLE)
			continue;
		if (m->arch_zone_highest_possible_pfn[z] > m->arch_zone_lowest_possible_pfn[z])
			break;
	}
	m->movable_zone = z < 0 ? PMM_ZONE_NORMAL : (enum pmm_zone_type)z;
}

static void for_nid_pfn_range(const struct pmm_machine *m, int nid, unsigned int *i,
			      unsigned long *s, unsigned long *e, bool *found)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;

	*found = false;
	for (; *i < mem->cnt; (*i)++) {
		if (mem->regions[*i].nid != nid ||
		    !pmm__region_pfns(&mem->regions[*i], m->view.page_shift, s, e))
			continue;
		(*i)++;
		*found = true;
		return;
	}
}

static void find_zone_movable_pfns_for_nodes(struct pmm_machine *m)
{
	const struct pmm__cmdline *c = &m->cmdline_params;
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long required_kernelcore = c->required_kernelcore;
	unsigned long required_movablecore = c->required_movablecore;
	unsigned long totalpages = 0, usable_startpfn, kernelcore_node, kernelcore_remaining;
	unsigned long *zone_movable_pfn = m->zone_movable_pfn;
	pmm_nodemask_t with_memory;
	int usable_nodes, nid;
	unsigned int i;

	/* early_calculate_totalpages() */
	pmm_nodes_clear(&with_memory);
	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e;

		if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			continue;
		totalpages += e - s;
		pmm_node_set(mem->regions[i].nid, &with_memory);
	}
	usable_nodes = pmm_nodes_weight(&with_memory);
	find_usable_zone_for_movable(m);

	if (c->movable_node) {
		for (i = 0; i < mem->cnt; i++) {
			unsigned long s, e;

			if (!(mem->regions[i].flags & PMM_MEMORY_HOTPLUGGABLE) ||
			    !pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
				continue;
			nid = mem->regions[i].nid;
			zone_movable_pfn[nid] = zone_movable_pfn[nid] ?
						PMM__MIN(s, zone_movable_pfn[nid]) : s;
		}
		goto out2;
	}

	if (c->mirrored_kernelcore) {
		bool mem_below_4gb_not_mirrored = false, any_mirror = false;

		for (i = 0; i < mem->cnt; i++)
			any_mirror |= !!(mem->regions[i].flags & PMM_MEMORY_MIRROR);
		/* memblock_has_mirror() is asked from 6.6 on ("mm/mm_init: ignore
		 * kernelcore=mirror boot option when no mirror memory presents",
		 * Levi Yun, August 2023); 6.1 makes every region above 4 GiB
		 * movable (its capture in tests/fixtures) */
		if (!any_mirror && m->kernel_version >= PMM_KERNEL_VERSION(6, 6)) {
			pmm__pr_warn(m, "The system has no mirror memory, ignore kernelcore=mirror.");
			return;
		}
		for (i = 0; i < mem->cnt; i++) {
			unsigned long s, e;

			if ((mem->regions[i].flags & PMM_MEMORY_MIRROR) ||
			    !pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
				continue;
			nid = mem->regions[i].nid;
			if (s < (unsigned long)((4ULL << 30) >> m->view.page_shift)) {
				mem_below_4gb_not_mirrored = true;
				continue;
			}
			zone_movable_pfn[nid] = zone_movable_pfn[nid] ?
						PMM__MIN(s, zone_movable_pfn[nid]) : s;
		}
		if (mem_below_4gb_not_mirrored)
			pmm__pr_warn(m, "This configuration results in unmirrored kernel memory.");
		goto out2;
	}

	if (c->required_kernelcore_percent)
		required_kernelcore = (totalpages * 100 * c->required_kernelcore_percent) / 10000UL;
	if (c->required_movablecore_percent)
		required_movablecore = (totalpages * 100 * c->required_movablecore_percent) / 10000UL;
	if (required_movablecore) {
		unsigned long corepages;

		/* round up so that ZONE_MOVABLE is at least what was asked */
		required_movablecore = PMM__ALIGN(required_movablecore, pmm__max_order_nr_pages(m));
		required_movablecore = PMM__MIN(totalpages, required_movablecore);
		corepages = totalpages - required_movablecore;
		required_kernelcore = PMM__MAX(required_kernelcore, corepages);
	}
	if (!required_kernelcore || required_kernelcore >= totalpages)
		return;

	usable_startpfn = m->arch_zone_lowest_possible_pfn[m->movable_zone];
restart:
	/* spread kernelcore memory as evenly as possible over the nodes */
	kernelcore_node = required_kernelcore / (unsigned long)usable_nodes;
	pmm_for_each_node_mask(nid, &with_memory) {
		unsigned long start_pfn, end_pfn;
		unsigned int it = 0;
		bool found;

		if (required_kernelcore < kernelcore_node)
			kernelcore_node = required_kernelcore / (unsigned long)usable_nodes;
		kernelcore_remaining = kernelcore_node;
		for (;;) {
			unsigned long size_pages;

			for_nid_pfn_range(m, nid, &it, &start_pfn, &end_pfn, &found);
			if (!found)
				break;
			start_pfn = PMM__MAX(start_pfn, zone_movable_pfn[nid]);
			if (start_pfn >= end_pfn)
				continue;
			/* memory below the movable zone is kernelcore anyway */
			if (start_pfn < usable_startpfn) {
				unsigned long kernel_pages = PMM__MIN(end_pfn, usable_startpfn) - start_pfn;

				kernelcore_remaining -= PMM__MIN(kernel_pages, kernelcore_remaining);
				required_kernelcore -= PMM__MIN(kernel_pages, required_kernelcore);
				if (end_pfn <= usable_startpfn) {
					zone_movable_pfn[nid] = end_pfn;
					continue;
				}
				start_pfn = usable_startpfn;
			}
			size_pages = PMM__MIN(end_pfn - start_pfn, kernelcore_remaining);
			zone_movable_pfn[nid] = start_pfn + size_pages;
			required_kernelcore -= PMM__MIN(required_kernelcore, size_pages);
			kernelcore_remaining -= size_pages;
			if (!kernelcore_remaining)
				break;
		}
	}
	/* kernelcore still missing: another pass, pushing the movable starts further */
	usable_nodes--;
	if (usable_nodes && required_kernelcore > (unsigned long)usable_nodes)
		goto restart;

out2:
	/* ZONE_MOVABLE starts MAX_ORDER aligned, and only inside its node */
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		unsigned long start_pfn, end_pfn;

		zone_movable_pfn[nid] = PMM__ALIGN(zone_movable_pfn[nid], pmm__max_order_nr_pages(m));
		get_pfn_range_for_nid(m, nid, &start_pfn, &end_pfn);
		if (zone_movable_pfn[nid] >= end_pfn)
			zone_movable_pfn[nid] = 0;
	}
}

static void print_range_line(struct pmm_machine *m, const char *prefix,
			     unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned int shift = m->view.page_shift;

	pmm__pr_info(m, "%s[mem 0x%016llx-0x%016llx]", prefix,
		     (unsigned long long)start_pfn << shift,
		     ((unsigned long long)end_pfn << shift) - 1);
}

/*
 * The holes' struct pages as the kernel's memory model has them (the
 * architecture's: FLATMEM on 32-bit x86, SPARSEMEM elsewhere), whatever
 * model pmm is built with, so that the log lines counting them are the
 * kernel's. SPARSEMEM: every pfn of an early section that holds memory has
 * a memmap; FLATMEM: every pfn of mem_map, which alloc_node_mem_map() lays
 * over whole MAX_ORDER blocks from the first memory to max_pfn.
 */
static bool early_section_present(const struct pmm_machine *m, unsigned long pfn)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned int shift = m->view.pfn_section_shift, i;
	unsigned long sec = pfn >> shift;

	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e;

		if (pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e) &&
		    s >> shift <= sec && (e - 1) >> shift >= sec)
			return true;
	}
	return false;
}

/* memmap_init()'s trailing hole ends at a multiple of this, in the kernel's model */
static unsigned long kernel_trailing_align(const struct pmm_machine *m)
{
	if (m->arch->kernel_sparsemem)
		return 1UL << m->view.pfn_section_shift;
	return m->kernel_version >= PMM_KERNEL_VERSION(6, 15) ? pmm__max_order_nr_pages(m) : 1;
}

/* init_unavailable_range()'s count over [spfn, epfn): pfns whose pageblock has a memmap */
static unsigned long kernel_hole_pages(const struct pmm_machine *m, unsigned long spfn,
				       unsigned long epfn)
{
	unsigned long chunk, pfn, pgcnt = 0, lo = 0, hi = ~0UL;

	if (spfn >= epfn)
		return 0;
	if (m->arch->kernel_sparsemem) {
		chunk = 1UL << m->view.pfn_section_shift;	/* at least a pageblock */
	} else {
		unsigned long order = pmm__max_order_nr_pages(m), first;

		if (!pmm__region_pfns(&m->memblock.memory.regions[0], m->view.page_shift, &first,
				      &hi))
			return 0;
		chunk = 1UL << m->pageblock_order;
		lo = PMM__ALIGN_DOWN(first, order);
		/* max_mapnr: rounded up to MAX_ORDER from 6.15 ("arch, mm: set max_mapnr
		 * when allocating memory map for FLATMEM") */
		hi = m->kernel_version >= PMM_KERNEL_VERSION(6, 15) ? PMM__ALIGN(m->max_pfn, order) :
								      m->max_pfn;
	}
	for (pfn = spfn; pfn < epfn; ) {
		unsigned long next = PMM__MIN(epfn, PMM__ALIGN_DOWN(pfn, chunk) + chunk);
		unsigned long block = PMM__ALIGN_DOWN(pfn, 1UL << m->pageblock_order);

		if (m->arch->kernel_sparsemem ? early_section_present(m, pfn) :
						block >= lo && block < hi)
			pgcnt += next - pfn;
		pfn = next;
	}
	return pgcnt;
}

/*
 * zero_resv_unavail() / init_unavailable_mem() of 4.20-5.11: the pfns with a
 * memmap in the holes between memory regions and after the last, counted
 * before the nodes are set up.
 */
static unsigned long unavailable_pages(struct pmm_machine *m)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long next = 0, pgcnt = 0, end;
	unsigned int i;

	for (i = 0; i <= mem->cnt; i++) {
		unsigned long s = 0, e = 0;

		if (i < mem->cnt && !pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			continue;
		/* the last section's tail too from 5.7 ("fix uninitialized memmaps on a
		 * partially populated last section"), up to max_pfn before */
		end = i < mem->cnt ? s : m->kernel_version >= PMM_KERNEL_VERSION(5, 7) ?
		      PMM__ALIGN(m->max_pfn, kernel_trailing_align(m)) : m->max_pfn;
		pgcnt += kernel_hole_pages(m, next, end);
		next = PMM__MAX(next, e);
	}
	return pgcnt;
}

int pmm__free_area_init(struct pmm_machine *m)
{
	unsigned long max_zone_pfn[PMM_MAX_NR_ZONES] = { 0 };
	unsigned long start_pfn;
	unsigned int i;
	int z, nid;
	char prefix[32];

	arch_zone_limits(m, max_zone_pfn);
	start_pfn = (unsigned long)(memblock_start_of_dram(m) >> m->view.page_shift);
	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		unsigned long end_pfn;

		if (z == PMM_ZONE_MOVABLE || !pmm_zone_type_configured(m, (enum pmm_zone_type)z))
			continue;
		end_pfn = PMM__MAX(max_zone_pfn[z], start_pfn);
		m->arch_zone_lowest_possible_pfn[z] = start_pfn;
		m->arch_zone_highest_possible_pfn[z] = end_pfn;
		start_pfn = end_pfn;
	}
	memset(m->zone_movable_pfn, 0, sizeof(m->zone_movable_pfn));
	find_zone_movable_pfns_for_nodes(m);

	pmm__pr_info(m, "Zone ranges:");
	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		if (z == PMM_ZONE_MOVABLE || !pmm_zone_type_configured(m, (enum pmm_zone_type)z))
			continue;
		snprintf(prefix, sizeof(prefix), "  %-8s ", pmm_zone_names[z]);
		if (m->arch_zone_lowest_possible_pfn[z] == m->arch_zone_highest_possible_pfn[z])
			pmm__pr_info(m, "%sempty", prefix);
		else
			print_range_line(m, prefix, m->arch_zone_lowest_possible_pfn[z],
					 m->arch_zone_highest_possible_pfn[z]);
	}
	pmm__pr_info(m, "Movable zone start for each node");
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
		if (m->zone_movable_pfn[nid])
			pmm__pr_info(m, "  Node %d: 0x%016llx", nid,
				     (unsigned long long)m->zone_movable_pfn[nid] << m->view.page_shift);
	pmm__pr_info(m, "Early memory node ranges");
	for (i = 0; i < m->memblock.memory.cnt; i++) {
		const struct pmm_memblock_region *r = &m->memblock.memory.regions[i];
		unsigned long s, e;

		if (!pmm__region_pfns(r, m->view.page_shift, &s, &e))
			continue;
		snprintf(prefix, sizeof(prefix), "  node %3d: ", r->nid);
		print_range_line(m, prefix, s, e);
	}

	/* 4.20 to 5.11: zero_resv_unavail(), init_unavailable_mem() from 5.8, counts them
	 * all before the nodes are set up */
	if (m->kernel_version >= PMM_KERNEL_VERSION(4, 20) &&
	    m->kernel_version < PMM_KERNEL_VERSION(5, 12)) {
		unsigned long pgcnt = unavailable_pages(m);

		if (pgcnt)
			pmm__pr_info(m, "Zeroed struct page in unavailable ranges: %lu pages", pgcnt);
	}
	pmm_for_each_node(nid, m) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];
		unsigned long node_start, node_end;

		get_pfn_range_for_nid(m, nid, &node_start, &node_end);
		pgdat->node_start_pfn = node_start;
		if (node_start != node_end) {
			snprintf(prefix, sizeof(prefix), "Initmem setup node %d ", nid);
			print_range_line(m, prefix, node_start, node_end);
		} else {
			/* announced before it is set up from 5.18 ("Initializing node %d as
			 * memoryless", January 2022) until 6.7 removed the redundant line
			 * (Yajun Deng, September 2023) */
			if (m->kernel_version >= PMM_KERNEL_VERSION(5, 18) &&
			    m->kernel_version < PMM_KERNEL_VERSION(6, 7))
				pmm__pr_info(m, "Initializing node %d as memoryless", nid);
			pmm__pr_info(m, "Initmem setup node %d as memoryless", nid);
		}
		calculate_node_totalpages(m, pgdat, node_start, node_end);
		if (pgdat->node_present_pages) {
			pmm_node_set(nid, &m->view.node_states[PMM_N_MEMORY]);
			check_for_memory(m, pgdat);
		}
		/* online: nodes with memory, and nodes with CPUs (init_cpu_to_node) */
		if (pgdat->node_present_pages || pmm_node_isset(nid, &m->view.node_states[PMM_N_CPU]))
			pmm_node_set(nid, &m->view.node_states[PMM_N_ONLINE]);
	}
	return 0;
}

void pmm__free_nodes(struct pmm_machine *m)
{
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];

		if (!pgdat)
			continue;
		pthread_mutex_destroy(&pgdat->node_size_lock);
		pthread_mutex_destroy(&pgdat->deferred_split_queue.split_queue_lock);
		pthread_mutex_destroy(&pgdat->__lruvec.lru_lock);
		pthread_mutex_destroy(&pgdat->kswapd_wait.lock);
		pthread_cond_destroy(&pgdat->kswapd_wait.cond);
		pthread_mutex_destroy(&pgdat->kcompactd_wait.lock);
		pthread_cond_destroy(&pgdat->kcompactd_wait.cond);
		pmm__free_node(pgdat, sizeof(*pgdat));
		m->view.node_data[nid] = NULL;
	}
}

/* ---- struct page initialisation ------------------------------------------------------------------ */

void pmm__init_single_page(struct pmm_machine *m, struct pmm_page *page,
			   unsigned long pfn, unsigned int zone, int nid)
{
	memset(page, 0, sizeof(*page));
	pmm_set_page_links(page, zone, nid, pmm_pfn_to_section_nr(m, pfn));
	page->_refcount = 1;
	page->_mapcount = -1;
	list_init(&page->lru);
}

/* memmap_init_range(): pages that exist, with pageblocks marked movable. */
static void memmap_init_range(struct pmm_machine *m, struct pmm_zone *zone, int nid,
			      unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pageblock_mask = (1UL << m->pageblock_order) - 1;
	unsigned int zidx = (unsigned int)pmm_zone_idx(zone);
	unsigned long pfn;

	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		pmm__init_single_page(m, pmm_pfn_to_page(m, pfn), pfn, zidx, nid);
		if (!(pfn & pageblock_mask))
			pmm__set_pageblock_migratetype(m, zone, pfn, PMM_MIGRATE_MOVABLE);
	}
}

/* memmap_init_range(MEMINIT_HOTPLUG): pages being onlined are PageOffline
 * (6.12; PageReserved in 6.1) until the page allocator takes them */
void pmm__memmap_init_hotplug(struct pmm_machine *m, struct pmm_zone *zone,
			      unsigned long start_pfn, unsigned long end_pfn)
{
	bool offline_type = m->kernel_version >= PMM_KERNEL_VERSION(6, 12);
	unsigned long pfn;

	memmap_init_range(m, zone, zone->node, start_pfn, end_pfn);
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);

		if (offline_type)
			pmm_page_set_type(page, PMM_PGTY_offline);
		else
			pmm_page_set_flag(page, PMM_PG_reserved);
	}
}

/* generic_online_page(): the pages go to the buddy allocator in MAX_ORDER blocks */
void pmm__online_page_range(struct pmm_machine *m, struct pmm_zone *zone,
			    unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long pfn;

	(void)zone;
	for (pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct pmm_page *page = pmm_pfn_to_page(m, pfn);

		if (pmm_PageOffline(page))
			pmm_page_clear_type(page);
	}
	/* online_pages_range(): the largest order the pfn's alignment allows */
	for (pfn = start_pfn; pfn < end_pfn;) {
		unsigned int order = m->max_page_order;

		while (order && ((pfn & ((1UL << order) - 1)) || pfn + (1UL << order) > end_pfn))
			order--;
		pmm__free_pages_core(m, pmm_pfn_to_page(m, pfn), pfn, order);
		pfn += 1UL << order;
	}
}

/*
 * init_unavailable_range(): reserved pages for the holes that have a memmap,
 * [spfn, epfn) in pmm's model; the line counts [spfn, print_end) as the
 * kernel's model does (kernel_hole_pages()).
 */
static void init_unavailable_range(struct pmm_machine *m, unsigned long spfn,
				   unsigned long epfn, unsigned long print_end, unsigned int zone,
				   int nid)
{
	unsigned long pageblock = 1UL << m->pageblock_order;
	unsigned long pfn, pgcnt;

	for (pfn = spfn; pfn < epfn; pfn++) {
		if (!pmm_pfn_valid(m, PMM__ALIGN_DOWN(pfn, pageblock))) {
			pfn = PMM__ALIGN_DOWN(pfn, pageblock) + pageblock - 1;
			continue;
		}
		pmm__init_single_page(m, pmm_pfn_to_page(m, pfn), pfn, zone, nid);
		pmm_page_set_flag(pmm_pfn_to_page(m, pfn), PMM_PG_reserved);
	}
	/* per zone from 5.12 on; before, one total ahead of the nodes (unavailable_pages()) */
	pgcnt = kernel_hole_pages(m, spfn, print_end);
	if (pgcnt && m->kernel_version >= PMM_KERNEL_VERSION(5, 12))
		pmm__pr_info(m, "On node %d, zone %s: %lu pages in unavailable ranges",
			     nid, pmm_zone_names[zone], pgcnt);
}

/* The deferred range holding pfn, and its node; NULL if pfn is initialised at boot. */
static const struct pmm__deferred_range *deferred_range(const struct pmm_machine *m,
							unsigned long pfn, int *nid)
{
	int n;
	unsigned int i;

	for (n = 0; n < PMM_MAX_NUMNODES; n++)
		for (i = 0; i < m->deferred[n].nr; i++) {
			const struct pmm__deferred_range *r = &m->deferred[n].ranges[i];

			if (pfn >= r->start_pfn && pfn < r->end_pfn) {
				*nid = n;
				return r;
			}
		}
	return NULL;
}

/* reserve_bootmem_region(): reserved memblock pages are PageReserved. */
static void reserve_bootmem_regions(struct pmm_machine *m)
{
	const struct pmm__memblock_type *res = &m->memblock.reserved;
	unsigned int i;

	for (i = 0; i < res->cnt; i++) {
		unsigned long s, e, pfn;

		if (!pmm__region_pfns(&res->regions[i], m->view.page_shift, &s, &e))
			continue;
		for (pfn = s; pfn < e && pfn < m->max_pfn; pfn++) {
			const struct pmm__deferred_range *r;
			int nid;

			if (!pmm__memblock_pages_in_range(&m->memblock.memory, m->view.page_shift,
							  -1, pfn, pfn + 1))
				continue;
			/* init_deferred_page(): deferred init walks free memory only */
			if (m->defer && (r = deferred_range(m, pfn, &nid)) != NULL)
				pmm__init_single_page(m, pmm_pfn_to_page(m, pfn), pfn, r->zone, nid);
			pmm_page_set_flag(pmm_pfn_to_page(m, pfn), PMM_PG_reserved);
		}
	}
}

/* ---- deferred struct page init (CONFIG_DEFERRED_STRUCT_PAGE_INIT) ---------------------------------------- */

/* The kernel's Kconfig: DEFERRED_STRUCT_PAGE_INIT depends on SPARSEMEM && 64BIT. */
bool pmm__deferral_possible(const struct pmm_machine *m)
{
	return PMM_CONFIG_SPARSEMEM && m->arch->bits_per_long == 64;
}

/* defer_init()'s counters: static in the kernel, one boot's memmap_init() here */
struct defer_state {
	unsigned long	prev_end_pfn, nr_initialised;
};

static int record_deferred(struct pmm_machine *m, int nid, unsigned int zone, unsigned long start,
			   unsigned long end)
{
	struct pmm__deferred *dr = &m->deferred[nid];

	if (dr->nr == dr->max) {
		unsigned int max = dr->max ? dr->max * 2 : 8;
		struct pmm__deferred_range *r = pmm__realloc(dr->ranges, max * sizeof(*r));

		if (!r)
			return -ENOMEM;
		dr->ranges = r;
		dr->max = max;
	}
	dr->ranges[dr->nr++] = (struct pmm__deferred_range){ start, end, zone };
	dr->nr_pages += end - start;
	return 0;
}

/*
 * defer_init() over a whole range at once: the first pfn of [start, end)
 * whose initialisation is deferred, or end. Only the node's last zone
 * defers; it keeps the first PAGES_PER_SECTION pfns (counted across its
 * ranges) up to the next section boundary, and everything after.
 */
static unsigned long defer_init(struct pmm_machine *m, struct defer_state *ds, int nid,
				unsigned long start, unsigned long end, unsigned long zone_end)
{
	unsigned long per_section = pmm__pages_per_section(m), first;
	pmm_pg_data_t *pgdat = m->view.node_data[nid];

	if (ds->prev_end_pfn != zone_end) {
		ds->prev_end_pfn = zone_end;
		ds->nr_initialised = 0;
	}
	if (zone_end < pmm_pgdat_end_pfn(pgdat))
		return end;	/* low zones serve address-constrained allocations */
	if (pgdat->first_deferred_pfn != ~0UL)
		return start;
	/* nr_initialised, counted at pfn p, passes PAGES_PER_SECTION once p - start
	 * reaches PAGES_PER_SECTION - nr_initialised; deferral waits for a section start */
	first = start + (ds->nr_initialised >= per_section ? 0 : per_section - ds->nr_initialised);
	first = PMM__ALIGN(first, per_section);
	if (first >= end) {
		ds->nr_initialised += end - start;
		return end;
	}
	pgdat->first_deferred_pfn = first;
	pmm__pr_debug(m, "pmm: node %d: struct pages from pfn %#lx on are deferred", nid, first);
	return first;
}

/* memmap_init_range() a chunk at a time, with progress between them */
static void memmap_init_chunks(struct pmm_machine *m, struct pmm_zone *zone, int nid,
			       unsigned long start, unsigned long end, unsigned long long *done,
			       unsigned long long total)
{
	while (start < end) {
		unsigned long next = PMM__MIN(end, PMM__ALIGN(start + 1, PMM__PROGRESS_CHUNK));

		memmap_init_range(m, zone, nid, start, next);
		*done += next - start;
		start = next;
		if (*done < total)
			pmm__progress(m, "struct pages", *done, total);
	}
}

int pmm__memmap_init(struct pmm_machine *m)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long hole_pfn = 0, end_pfn = 0, print_end;
	unsigned long long total = 0, done = 0;
	struct defer_state ds = { 0 };
	unsigned int i, zone_id = 0;
	int nid = 0;

	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e;

		if (pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			total += e - s;
	}

	m->defer = (m->defer_mode == PMM_DEFER_DEFERRED || m->defer_mode == PMM_DEFER_ON_DEMAND) &&
		   pmm__deferral_possible(m);

	for (i = 0; i < mem->cnt; i++) {
		unsigned long start_pfn, rend;
		pmm_pg_data_t *pgdat;
		int j;

		if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &start_pfn, &rend))
			continue;
		nid = mem->regions[i].nid;
		pgdat = m->view.node_data[nid];
		end_pfn = rend;
		for (j = 0; j < PMM_MAX_NR_ZONES; j++) {
			struct pmm_zone *zone = &pgdat->node_zones[j];
			unsigned long zs, ze;

			if (!pmm_populated_zone(zone))
				continue;
			zs = clamp_ul(start_pfn, zone->zone_start_pfn, pmm_zone_end_pfn(zone));
			ze = clamp_ul(end_pfn, zone->zone_start_pfn, pmm_zone_end_pfn(zone));
			zone_id = (unsigned int)j;
			if (zs >= ze)
				continue;
			if (m->defer) {
				unsigned long cut = defer_init(m, &ds, nid, zs, ze, pmm_zone_end_pfn(zone));

				if (cut < ze && record_deferred(m, nid, (unsigned int)j, cut, ze))
					return -ENOMEM;
				memmap_init_chunks(m, zone, nid, zs, cut, &done, total);
				done += ze - cut;
				/* the deferred pageblocks get their type now, as memmap_init()
				 * gives it: pages freed at boot may share one (another node's,
				 * next door), and reports count blocks by type */
				pmm__set_pageblocks_migratetype(m, zone, cut, ze, PMM_MIGRATE_MOVABLE);
			} else {
				memmap_init_chunks(m, zone, nid, zs, ze, &done, total);
			}
			if (hole_pfn < zs)
				init_unavailable_range(m, hole_pfn, zs, zs, (unsigned int)j, nid);
			hole_pfn = ze;
		}
	}
	/* the trailing hole: pmm's model initialises its own, the log counts the kernel's */
	print_end = PMM__ALIGN(end_pfn, kernel_trailing_align(m));
	end_pfn = PMM__ALIGN(end_pfn, pmm__model_trailing_align(m));
	if (hole_pfn < end_pfn || hole_pfn < print_end)
		init_unavailable_range(m, hole_pfn, PMM__MAX(hole_pfn, end_pfn),
				       PMM__MAX(hole_pfn, print_end), zone_id, nid);
	reserve_bootmem_regions(m);
	pmm__progress(m, "struct pages", total, total);
	return 0;
}

/*
 * deferred_init_memmap_chunk() for one claimed stretch [start, end) of a
 * node, within one section: the struct pages of its free memory
 * initialised, and those pages freed to the buddy allocator in the largest
 * aligned blocks (pageblock types were set at boot; the reserved pages were
 * initialised then, init_deferred_page()). Sections are never shared
 * between two claims, and a MAX_ORDER block never spans two sections, so
 * claims run in parallel: buddies merge within one. Return: pages freed.
 */
static unsigned long deferred_init_span(struct pmm_machine *m, int nid, unsigned long start,
					unsigned long end)
{
	const struct pmm__deferred *dr = &m->deferred[nid];
	/* on demand, managed_pages counted these pages at boot */
	bool account = m->defer_mode != PMM_DEFER_ON_DEMAND;
	unsigned long nr = 0;
	unsigned int i;

	for (i = 0; i < dr->nr; i++) {
		const struct pmm__deferred_range *r = &dr->ranges[i];
		unsigned long s = PMM__MAX(start, r->start_pfn), e = PMM__MIN(end, r->end_pfn);
		unsigned long pfn, fe;

		for (; s < e && pmm__next_free_pfn_range(&m->memblock.reserved, m->view.page_shift,
							   &s, e, &fe); s = fe) {
			for (pfn = s; pfn < fe; pfn++)
				pmm__init_single_page(m, pmm_pfn_to_page(m, pfn), pfn, r->zone, nid);
			pmm__free_pages_memory(m, s, fe, account);
			nr += fe - s;
		}
	}
	return nr;
}

/*
 * Take the next section's worth of a node's deferred pages: [*start, *end),
 * and move the node's cursor (first_deferred_pfn) past it. Caller holds
 * node_size_lock. False when nothing is left.
 */
static bool deferred_claim(struct pmm_machine *m, int nid, unsigned long *start, unsigned long *end)
{
	const struct pmm__deferred *dr = &m->deferred[nid];
	pmm_pg_data_t *pgdat = m->view.node_data[nid];
	unsigned long cursor = pgdat->first_deferred_pfn, next;
	unsigned int i;

	if (cursor == ~0UL)
		return false;
	for (i = 0; i < dr->nr && dr->ranges[i].end_pfn <= cursor; i++)
		;
	if (i == dr->nr) {
		__atomic_store_n(&pgdat->first_deferred_pfn, ~0UL, __ATOMIC_RELEASE);
		return false;
	}
	*start = PMM__MAX(cursor, dr->ranges[i].start_pfn);
	*end = PMM__ALIGN(*start + 1, pmm__pages_per_section(m));
	next = *end >= dr->ranges[dr->nr - 1].end_pfn ? ~0UL : *end;
	__atomic_store_n(&pgdat->first_deferred_pfn, next, __ATOMIC_RELEASE);
	return true;
}

/*
 * On demand, a section's struct pages are host memory the budget must
 * allow (pmm_boot_opts.memmap_limit, or MemAvailable at boot): charge a
 * section's worth before claiming it. Past the budget the zone stops
 * growing, and says so once, rather than the host killing the process.
 */
static bool memmap_charge(struct pmm_machine *m, int nid)
{
	unsigned long long bytes = pmm__pages_per_section(m) * sizeof(struct pmm_page), now;

	if (m->defer_mode != PMM_DEFER_ON_DEMAND || !m->memmap_budget)
		return true;
	now = __atomic_add_fetch(&m->memmap_committed, bytes, __ATOMIC_RELAXED);
	if (now <= m->memmap_budget)
		return true;
	__atomic_sub_fetch(&m->memmap_committed, bytes, __ATOMIC_RELAXED);
	if (!__atomic_exchange_n(&m->memmap_budget_warned, true, __ATOMIC_RELAXED))
		pmm__pr_warn(m, "pmm: node %d: struct pages initialised on demand would take more "
			     "than the %llu MiB of host memory the boot allowed "
			     "(pmm_boot_opts.memmap_limit, or MemAvailable); its deferred memory "
			     "stays unusable", nid, m->memmap_budget >> 20);
	return false;
}

static void memmap_uncharge(struct pmm_machine *m)
{
	if (m->defer_mode == PMM_DEFER_ON_DEMAND && m->memmap_budget)
		__atomic_sub_fetch(&m->memmap_committed,
				   pmm__pages_per_section(m) * sizeof(struct pmm_page),
				   __ATOMIC_RELAXED);
}

/* Claim, initialise, release: one section of a node; false when none is left. */
static bool deferred_init_one(struct pmm_machine *m, int nid, unsigned long *freed)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];
	struct pmm__deferred *dr = &m->deferred[nid];
	unsigned long start, end;
	bool claimed;

	if (!memmap_charge(m, nid))
		return false;
	pthread_mutex_lock(&pgdat->node_size_lock);
	claimed = deferred_claim(m, nid, &start, &end);
	if (claimed)
		__atomic_add_fetch(&dr->in_flight, 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&pgdat->node_size_lock);
	if (!claimed) {
		memmap_uncharge(m);
		return false;
	}
	*freed += deferred_init_span(m, nid, start, end);
	pthread_mutex_lock(&pgdat->node_size_lock);
	if (!__atomic_sub_fetch(&dr->in_flight, 1, __ATOMIC_RELEASE) &&
	    pgdat->first_deferred_pfn == ~0UL)
		dr->done_ms = pmm__host_ms();
	pthread_mutex_unlock(&pgdat->node_size_lock);
	return true;
}

/* Wait until no section of the node is being initialised; true if there was one. */
static bool wait_in_flight(struct pmm_machine *m, int nid)
{
	bool waited = false;

	while (__atomic_load_n(&m->deferred[nid].in_flight, __ATOMIC_ACQUIRE)) {
		sched_yield();
		waited = true;
	}
	return waited;
}

/* Every deferred page of the node initialised: nothing left to claim, none in flight. */
static bool deferred_done(const pmm_pg_data_t *pgdat, const struct pmm__deferred *dr)
{
	return !dr->nr || (__atomic_load_n(&pgdat->first_deferred_pfn, __ATOMIC_ACQUIRE) == ~0UL &&
			   !__atomic_load_n(&dr->in_flight, __ATOMIC_ACQUIRE));
}

/* The first node whose deferred init is unfinished and whose deferred ranges
 * (ascending, as the boot made them) meet [start, end); else PMM_NUMA_NO_NODE. */
static int deferred_node_in(const struct pmm_machine *m, unsigned long start, unsigned long end)
{
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		const struct pmm__deferred *dr = &m->deferred[nid];
		const pmm_pg_data_t *pgdat = m->view.node_data[nid];
		unsigned int i;

		if (!pgdat || deferred_done(pgdat, dr))
			continue;
		for (i = 0; i < dr->nr && dr->ranges[i].start_pfn < end; i++)
			if (start < dr->ranges[i].end_pfn)
				return nid;
	}
	return PMM_NUMA_NO_NODE;
}

bool pmm__deferred_pending(const struct pmm_machine *m, unsigned long start, unsigned long end)
{
	return deferred_node_in(m, start, end) != PMM_NUMA_NO_NODE;
}

int pmm__deferred_nid(const struct pmm_machine *m, unsigned long pfn)
{
	return deferred_node_in(m, pfn, pfn + 1);
}

/*
 * deferred_grow_zone(): an allocation found @zone short. If it is its
 * node's last zone and pages of the node are still deferred, initialise at
 * least ALIGN(2^order, PAGES_PER_SECTION) more, a section at a time.
 * Context: no pmm lock held; takes node_size_lock, then zone->lock.
 * Return: true if pages were added, so the allocation may try again.
 */
bool pmm__deferred_grow_zone(struct pmm_machine *m, struct pmm_zone *zone, unsigned int order)
{
	pmm_pg_data_t *pgdat = zone->zone_pgdat;
	unsigned long need = PMM__ALIGN(1UL << order, pmm__pages_per_section(m)), freed = 0;
	struct pmm__deferred *dr = &m->deferred[pgdat->node_id];

	/* the zone that deferred (the node's last at boot: memory hot-added above it
	 * may have made another zone the last since, and it still grows) */
	if (deferred_done(pgdat, dr) || pmm_zone_idx(zone) != dr->ranges[0].zone)
		return false;	/* the common case once everything is initialised */
	while (freed < need && deferred_init_one(m, pgdat->node_id, &freed))
		;
	/* nothing left to claim, but sections another thread claimed (finishing,
	 * or growing) are about to be freed: wait for them rather than fail */
	return freed || wait_in_flight(m, pgdat->node_id);
}

struct deferred_pool {
	struct pmm_machine	*m;
	unsigned int		next_node;	/* atomic: spreads threads over nodes */
	unsigned int		finished;	/* atomic: workers that are done */
	unsigned long		sections_done;	/* atomic: for pmm_boot_opts.progress */
};

/* padata's worker: claims sections of any node until none is left */
static void *deferred_worker(void *arg)
{
	struct deferred_pool *pool = arg;
	struct pmm_machine *m = pool->m;
	unsigned int first = __atomic_fetch_add(&pool->next_node, 1, __ATOMIC_RELAXED), k;
	unsigned long freed = 0;

	for (k = 0; k < PMM_MAX_NUMNODES; k++) {
		int nid = (int)((first + k) % PMM_MAX_NUMNODES);

		if (!m->view.node_data[nid] || !m->deferred[nid].nr)
			continue;
		while (deferred_init_one(m, nid, &freed))
			__atomic_add_fetch(&pool->sections_done, 1, __ATOMIC_RELAXED);
	}
	__atomic_add_fetch(&pool->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* page_alloc_init_late(): every node's deferred pages, by one thread per host CPU */
static void deferred_init_run(struct pmm_machine *m)
{
	struct deferred_pool pool = { .m = m };
	unsigned long sections = 0;
	pthread_t threads[64];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned int nr = 0, i;
	int nid;

	pmm_for_each_node(nid, m)
		if (__atomic_load_n(&m->view.node_data[nid]->first_deferred_pfn,
				    __ATOMIC_ACQUIRE) != ~0UL) {
			sections += PMM__DIV_ROUND_UP(m->deferred[nid].nr_pages,
						      pmm__pages_per_section(m));
			m->deferred[nid].start_ms = pmm__host_ms();
		}
	if (!sections)
		return;
	cpus = PMM__MAX(cpus, 1L);
	while (nr < PMM__MIN((unsigned long)cpus, PMM__MIN(sections, PMM__ARRAY_SIZE(threads))) &&
	       !pthread_create(&threads[nr], NULL, deferred_worker, &pool))
		nr++;
	if (!nr)
		deferred_worker(&pool);	/* no thread to be had: do it here */
	while (m->progress_fn && __atomic_load_n(&pool.finished, __ATOMIC_ACQUIRE) < nr) {
		pmm__progress(m, "deferred struct pages",
			      PMM__MIN(__atomic_load_n(&pool.sections_done, __ATOMIC_RELAXED),
				       sections), sections);
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
	}
	for (i = 0; i < nr; i++)
		pthread_join(threads[i], NULL);
	pmm__progress(m, "deferred struct pages", sections, sections);
	/* sections another thread's allocation claimed may still be in flight */
	pmm_for_each_node(nid, m)
		wait_in_flight(m, nid);
	pmm_for_each_node(nid, m)
		if (m->deferred[nid].start_ms > 0) {
			if (m->view.node_data[nid]->first_deferred_pfn == ~0UL)	/* not over budget */
				pmm__pr_info(m, "node %d deferred pages initialised in %.0fms", nid,
					     m->deferred[nid].done_ms - m->deferred[nid].start_ms);
			m->deferred[nid].start_ms = 0;
		}
}

void pmm__deferred_init_all(struct pmm_machine *m)
{
	int nid;

	if (m->defer_mode != PMM_DEFER_ON_DEMAND) {
		deferred_init_run(m);
		return;
	}
	pmm_for_each_node(nid, m)
		m->memmap_committed -= PMM__MIN(m->memmap_committed, (unsigned long long)
						m->deferred[nid].nr_pages * sizeof(struct pmm_page));
	/* on demand: managed_pages as the kernel has them once deferred init is done,
	 * so that watermarks, reserves and per-CPU list sizes are the eager machine's */
	pmm_for_each_node(nid, m) {
		const struct pmm__deferred *dr = &m->deferred[nid];
		unsigned int i;

		for (i = 0; i < dr->nr; i++) {
			const struct pmm__deferred_range *r = &dr->ranges[i];
			struct pmm_zone *zone = &m->view.node_data[nid]->node_zones[r->zone];
			unsigned long s = r->start_pfn, fe;

			for (; pmm__next_free_pfn_range(&m->memblock.reserved, m->view.page_shift, &s,
							r->end_pfn, &fe); s = fe)
				zone->managed_pages += fe - s;
		}
	}
}

bool pmm__deferred_pending_next(const struct pmm_machine *m, const struct pmm_zone *zone,
				unsigned long *start, unsigned long *end)
{
	const pmm_pg_data_t *pgdat = zone->zone_pgdat;
	const struct pmm__deferred *dr = &m->deferred[pgdat->node_id];
	unsigned long cursor = __atomic_load_n(&pgdat->first_deferred_pfn, __ATOMIC_ACQUIRE);
	unsigned int zid = (unsigned int)(zone - pgdat->node_zones), i;

	if (cursor == ~0UL)
		return false;
	for (i = 0; i < dr->nr; i++) {
		const struct pmm__deferred_range *r = &dr->ranges[i];
		unsigned long s = PMM__MAX(PMM__MAX(cursor, *start), r->start_pfn);

		if (r->zone == zid && s < r->end_pfn) {
			*start = s;
			*end = r->end_pfn;
			return true;
		}
	}
	return false;
}

/* count [start, end), free, as the buddy allocator holds it: the largest aligned blocks */
static void count_free_blocks(const struct pmm_machine *m, unsigned long start, unsigned long end,
			      unsigned long *nr_free)
{
	unsigned int max = m->max_page_order;

	while (start < end) {
		unsigned int order = start ? (unsigned int)__builtin_ctzl(start) : max;

		if (order >= max && end - start >= 1UL << max) {
			unsigned long n = (end - start) >> max;	/* the middle, at once */

			nr_free[max] += n;
			start += n << max;
			continue;
		}
		order = PMM__MIN(order, max);
		while (start + (1UL << order) > end)
			order--;
		nr_free[order]++;
		start += 1UL << order;
	}
}

unsigned long pmm__deferred_pending_free(const struct pmm_machine *m, const struct pmm_zone *zone,
					 unsigned long *nr_free)
{
	unsigned long pfn = 0, end, s, fe, run_start = 0, run_end = 0, pages = 0;

	/* deferred init frees each free stretch; buddies merge across adjacent
	 * ranges, so whole runs of free pages are what the lists end up holding */
	while (pmm__deferred_pending_next(m, zone, &pfn, &end)) {
		for (s = pfn; s < end && pmm__next_free_pfn_range(&m->memblock.reserved,
						m->view.page_shift, &s, end, &fe); s = fe) {
			if (s != run_end) {
				count_free_blocks(m, run_start, run_end, nr_free);
				run_start = s;
			}
			run_end = fe;
			pages += fe - s;
		}
		pfn = end;
	}
	count_free_blocks(m, run_start, run_end, nr_free);
	return pages;
}

int pmm_deferred_init_finish(struct pmm_machine *m)
{
	int nid;

	if (!m->defer)
		return 0;
	deferred_init_run(m);
	pmm_for_each_node(nid, m)
		if (__atomic_load_n(&m->view.node_data[nid]->first_deferred_pfn,
				    __ATOMIC_ACQUIRE) != ~0UL)
			return -ENOMEM;	/* the budget stopped it (logged) */
	return 0;
}

void pmm__deferred_fini(struct pmm_machine *m)
{
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		free(m->deferred[nid].ranges);
		memset(&m->deferred[nid], 0, sizeof(m->deferred[nid]));
	}
}

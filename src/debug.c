// SPDX-License-Identifier: MIT
/*
 * A human-readable summary of a booted machine (pmm_dump_machine), and the
 * gfp flags by name (mm/debug.c's gfpflag_names, here read as well as written).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const char *bind_status_name(enum pmm_bind_status s)
{
	switch (s) {
	case PMM_BIND_BOUND:	return "bound";
	case PMM_BIND_SKIPPED:	return "not bound (skipped)";
	case PMM_BIND_FAILED:	return "not bound (host refused)";
	default:		return "nothing to bind";
	}
}

void pmm_dump_machine(const struct pmm_machine *m, FILE *f)
{
	char list[1024];
	unsigned int shift = m->view.page_shift, i;
	int nid, s;

	fprintf(f, "pmm %s, memory model %s, architecture %s (%lu KiB pages, "
		"MAX_PAGE_ORDER %u, pageblock order %u)\n",
		pmm_version(), PMM_CONFIG_MODEL_NAME, m->arch->name,
		(1UL << shift) >> 10, m->max_page_order, m->pageblock_order);
	fprintf(f, "max_pfn %#lx (%llu MiB), address space %#llx, direct map %s\n",
		m->max_pfn, ((unsigned long long)m->max_pfn << shift) >> 20,
		(unsigned long long)m->view.pfn_limit << shift,
		m->view.direct_map ? "yes" : "no (metadata only)");

	fprintf(f, "\nmemblock.memory:\n");
	for (i = 0; i < m->memblock.memory.cnt; i++) {
		const struct pmm_memblock_region *r = &m->memblock.memory.regions[i];

		fprintf(f, "  [mem %#018llx-%#018llx] node %d%s%s\n",
			(unsigned long long)r->base, (unsigned long long)(r->base + r->size - 1),
			r->nid, r->flags & PMM_MEMORY_HOTPLUGGABLE ? " hotpluggable" : "",
			r->flags & PMM_MEMORY_MIRROR ? " mirror" : "");
	}
	fprintf(f, "memblock.reserved: %u regions\n", m->memblock.reserved.cnt);

	fprintf(f, "\nnodes:\n");
	pmm_for_each_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
		enum pmm_bind_status st;
		int host = pmm_machine_host_node(m, nid, &st);
		int z;

		pmm_cpulist_print(list, sizeof(list), &m->node_cpus[nid]);
		fprintf(f, "  node %d: pfn %#lx-%#lx, spanned %lu, present %lu, cpus %s, "
			"host node %d, %s\n", nid, pgdat->node_start_pfn, pmm_pgdat_end_pfn(pgdat),
			pgdat->node_spanned_pages, pgdat->node_present_pages,
			list[0] ? list : "none", host, bind_status_name(st));
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];

			if (!pmm_zone_type_configured(m, (enum pmm_zone_type)z) || !zone->spanned_pages)
				continue;
			fprintf(f, "    %-8s pfn %#lx-%#lx, spanned %lu, present %lu, managed %lu\n",
				zone->name, zone->zone_start_pfn, pmm_zone_end_pfn(zone),
				zone->spanned_pages, zone->present_pages, zone->managed_pages);
		}
	}

	fprintf(f, "\nnode states:\n");
	for (s = 0; s < PMM_NR_NODE_STATES; s++) {
		pmm_nodelist_print(list, sizeof(list), pmm_node_states(m, (enum pmm_node_states)s));
		fprintf(f, "  %s: %s\n", pmm_node_state_names[s], list);
	}

	fprintf(f, "\nmemory model:\n");
	pmm__model_dump(m, f);
}

/* ---- pmm_check: every invariant of the page allocator ------------------------------------------ */


struct block {
	unsigned long pfn, nr;
};

static int by_pfn(const void *a, const void *b)
{
	const struct block *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

/* append [pfn, pfn + nr) to a growing array of blocks; -ENOMEM leaves it as it was */
static int add_block(struct block **blocks, unsigned long *nr, unsigned long *max,
		     unsigned long pfn, unsigned long nr_pages)
{
	if (*nr == *max) {
		struct block *nb = pmm__realloc(*blocks, 2 * *max * sizeof(*nb));

		if (!nb)
			return -ENOMEM;
		*blocks = nb;
		*max *= 2;
	}
	(*blocks)[(*nr)++] = (struct block){ pfn, nr_pages };
	return 0;
}

#define CHECK(cond, ...) do {							\
	if (!(cond)) {								\
		pmm__pr_err(m, "pmm_check: " __VA_ARGS__);			\
		bad++;								\
	}									\
} while (0)

/*
 * The struct page a list entry is embedded in, if it is a page of this
 * zone; NULL for anything else (a corrupted link). Nothing behind an entry
 * is read before this says it is a page.
 */
static struct pmm_page *entry_page(struct pmm_machine *m, const struct pmm_zone *zone,
				   const struct pmm_list_head *l, size_t offset)
{
	struct pmm_page *page = (struct pmm_page *)(void *)((char *)l - offset);

	if (!pmm_page_in_machine(m, page) || !pmm_zone_spans_pfn(zone, pmm_page_to_pfn(m, page)))
		return NULL;
	return page;
}

/*
 * Walk a list whose entries are pages of @zone, at most @limit of them: a
 * cycle, a broken back link or an entry that is no page of the zone ends
 * the walk with a report. Yields each page in @page.
 */
#define for_each_listed_page(page, l, prev, n, h, offset, limit, what)			\
	for ((prev) = (h), (l) = (h)->next, (n) = 0;					\
	     (l) != (h) &&								\
	     list_entry_ok(m, zone, &bad, &(page), (l), (prev), ++(n), (limit), (offset), (what)); \
	     (prev) = (l), (l) = (l)->next)

static bool list_entry_ok(struct pmm_machine *m, const struct pmm_zone *zone, int *badp,
			  struct pmm_page **page, const struct pmm_list_head *l,
			  const struct pmm_list_head *prev, unsigned long n, unsigned long limit,
			  size_t offset, const char *what)
{
	int bad = 0;

	if (n > limit) {
		CHECK(false, "%s %s: more than %lu entries: the list is cyclic", zone->name, what,
		      limit);
	} else if (!(*page = entry_page(m, zone, l, offset))) {
		CHECK(false, "%s %s: entry %lu is not a page of the zone", zone->name, what, n);
	} else if (l->prev != prev) {
		CHECK(false, "%s %s: entry %lu (pfn %#lx) has a broken back link", zone->name, what,
		      n, pmm_page_to_pfn(m, *page));
	}
	*badp += bad;
	return !bad;
}

static int check_zone(struct pmm_machine *m, struct pmm_zone *zone, bool *nomem)
{
	unsigned long nr_blocks = 0, max_blocks = 1024, free_pages = 0, pcp_pages = 0, i, pfn, n;
	unsigned long limit = zone->spanned_pages;
	struct block *blocks = pmm__malloc(max_blocks * sizeof(*blocks));
	const struct pmm_list_head *l, *prev;
	struct pmm_page *page = NULL;
	char what[64];
	unsigned int o;
	int mt, cpu, bad = 0;

	if (!blocks) {
		*nomem = true;
		return 0;
	}
	for (o = 0; o <= m->max_page_order; o++) {
		unsigned long listed = 0;

		for (mt = 0; mt < PMM_MIGRATE_TYPES; mt++) {
			const struct pmm_list_head *h = &zone->free_area[o].free_list[mt];

			snprintf(what, sizeof(what), "order-%u type-%d free list", o, mt);
			for_each_listed_page(page, l, prev, n, h, offsetof(struct pmm_page, buddy_list),
					     (limit >> o) + 1, what) {
				bool placed;

				pfn = pmm_page_to_pfn(m, page);
				listed++;
				if (mt != PMM_MIGRATE_ISOLATE)
					free_pages += 1UL << o;
				placed = !(pfn & ((1UL << o) - 1)) &&
					 pmm_zone_spans_pfn(zone, pfn + (1UL << o) - 1);
				CHECK(placed, "%s free block %#lx order %u is not aligned or not inside "
				      "the zone", zone->name, pfn, o);
				CHECK(pmm_PageBuddy(page) && pmm_page_private(page) == o,
				      "%s pfn %#lx on the order-%u list is not a buddy of that order",
				      zone->name, pfn, o);
				CHECK(!pmm_PageReserved(page) && pmm_page_ref_count(page) == 0,
				      "%s free pfn %#lx is reserved or referenced", zone->name, pfn);
				CHECK(pmm_page_zone(m, page) == zone, "%s free pfn %#lx belongs to zone %s",
				      zone->name, pfn, pmm_page_zone(m, page)->name);
				/* whole free pageblocks: 6.1's __free_one_page() merges pageblocks of
				 * different mergeable types (onto the freed page's list), and
				 * expand() lists halves under the allocation's type, so a
				 * mergeable list may hold any mergeable pageblocks; the other
				 * types never merge with anything but their own */
				for (i = 0; placed && o >= m->pageblock_order && mt != PMM_MIGRATE_ISOLATE &&
				     i < (1UL << o); i += 1UL << m->pageblock_order) {
					int pb = (int)pmm__get_pageblock_migratetype(m, zone, pfn + i);

					/* 6.1 frees a high-atomic pageblock's pages through the
					 * per-CPU lists as MOVABLE: they may come together there */
					CHECK(mt < PMM_MIGRATE_PCPTYPES ?
					      pb < PMM_MIGRATE_PCPTYPES || pb == PMM_MIGRATE_HIGHATOMIC :
					      pb == mt,
					      "%s free pageblock %#lx on the %d list has type %d",
					      zone->name, pfn + i, mt, pb);
				}
				for (i = 1; placed && i < (1UL << o); i++)
					CHECK(!pmm_page_has_type(page + i) && !pmm_PageReserved(page + i),
					      "%s pfn %#lx inside a free block is marked", zone->name, pfn + i);
				if (add_block(&blocks, &nr_blocks, &max_blocks, pfn, 1UL << o))
					goto nomem;
			}
		}
		CHECK(listed == zone->free_area[o].nr_free, "%s order %u: nr_free %lu, lists hold %lu",
		      zone->name, o, zone->free_area[o].nr_free, listed);
	}
	CHECK((unsigned long)zone->vm_stat[PMM_NR_FREE_PAGES] == free_pages,
	      "%s NR_FREE_PAGES %ld, lists hold %lu", zone->name, zone->vm_stat[PMM_NR_FREE_PAGES],
	      free_pages);
	for (cpu = 0; zone->per_cpu_pageset && cpu < m->nr_cpu_ids; cpu++) {
		struct pmm_per_cpu_pages *pcp = &zone->per_cpu_pageset[cpu];
		unsigned long count = 0;
		int p;

		for (p = 0; p < PMM__NR_PCP_LISTS; p++) {
			unsigned int order = p == PMM__NR_LOWORDER_PCP_LISTS ? m->pageblock_order :
					     (unsigned int)(p / PMM_MIGRATE_PCPTYPES);
			const struct pmm_list_head *h = &pcp->lists[p];

			snprintf(what, sizeof(what), "cpu %d per-CPU list %d", cpu, p);
			for_each_listed_page(page, l, prev, n, h, offsetof(struct pmm_page, pcp_list),
					     (limit >> order) + 1, what) {
				pfn = pmm_page_to_pfn(m, page);
				count += 1UL << order;
				CHECK(pmm_PagePcp(page) && pmm_page_ref_count(page) == 0 &&
				      !pmm_PageReserved(page) && pmm_page_zone(m, page) == zone,
				      "%s cpu %d: per-CPU page %#lx is not marked per-CPU, or referenced, "
				      "reserved or foreign", zone->name, cpu, pfn);
				if (add_block(&blocks, &nr_blocks, &max_blocks, pfn, 1UL << order))
					goto nomem;
			}
		}
		CHECK((unsigned long)pcp->count == count, "%s cpu %d: pcp count %d, lists hold %lu",
		      zone->name, cpu, pcp->count, count);
		pcp_pages += count;
	}
	/* every free page is on exactly one list */
	qsort(blocks, nr_blocks, sizeof(*blocks), by_pfn);
	for (i = 1; i < nr_blocks; i++)
		CHECK(blocks[i - 1].pfn + blocks[i - 1].nr <= blocks[i].pfn,
		      "%s free blocks %#lx and %#lx overlap (a page on two lists)", zone->name,
		      blocks[i - 1].pfn, blocks[i].pfn);
	free(blocks);
	CHECK(free_pages + pcp_pages <= zone->managed_pages,
	      "%s: %lu free and %lu per-CPU pages but %lu managed", zone->name, free_pages, pcp_pages,
	      zone->managed_pages);
	for (pfn = PMM__ALIGN_DOWN(zone->zone_start_pfn, 1UL << m->pageblock_order);
	     zone->spanned_pages && pfn < pmm_zone_end_pfn(zone); pfn += 1UL << m->pageblock_order)
		if (pmm_pfn_valid(m, PMM__MAX(pfn, zone->zone_start_pfn)))
			CHECK(pmm__get_pageblock_migratetype(m, zone, PMM__MAX(pfn, zone->zone_start_pfn)) <
			      PMM_MIGRATE_TYPES, "%s pageblock %#lx has an invalid type", zone->name, pfn);
	return bad;
nomem:
	free(blocks);
	*nomem = true;
	return bad;
}

/*
 * The node's LRU lists: every entry a folio of the node in use with PG_lru,
 * on the list its flags name; each list's pages, per node and per zone,
 * what the counters say. Caller holds the node's lru_lock.
 */
static int check_lruvec(struct pmm_machine *m, pmm_pg_data_t *pgdat)
{
	unsigned long zone_pages[PMM_MAX_NR_ZONES][PMM_NR_LRU_LISTS] = { { 0 } };
	unsigned long limit = pgdat->node_spanned_pages + 1;
	int lru, z, bad = 0;

	for (lru = 0; lru < PMM_NR_LRU_LISTS; lru++) {
		const struct pmm_list_head *h = &pgdat->__lruvec.lists[lru], *l, *prev = h;
		unsigned long n = 0, pages = 0;

		for (l = h->next; l != h; prev = l, l = l->next) {
			struct pmm_page *page = (struct pmm_page *)(void *)((char *)l -
						offsetof(struct pmm_page, lru));

			if (++n > limit) {
				CHECK(false, "node %d LRU list %d: more than %lu entries: the list is "
				      "cyclic", pgdat->node_id, lru, limit);
				break;
			}
			if (!pmm_page_in_machine(m, page) || pmm_page_to_nid(page) != pgdat->node_id) {
				CHECK(false, "node %d LRU list %d: entry %lu is not a page of the node",
				      pgdat->node_id, lru, n);
				break;
			}
			if (l->prev != prev) {
				CHECK(false, "node %d LRU list %d: entry %lu (pfn %#lx) has a broken back "
				      "link", pgdat->node_id, lru, n, pmm_page_to_pfn(m, page));
				break;
			}
			CHECK(pmm_page_test_flag(page, PMM_PG_lru) && !pmm_PageTail(page) &&
			      pmm_page_ref_count(page) > 0,
			      "node %d LRU pfn %#lx: not a folio in use with PG_lru", pgdat->node_id,
			      pmm_page_to_pfn(m, page));
			CHECK(pmm_folio_lru_list((struct pmm_folio *)page) == lru,
			      "node %d LRU pfn %#lx: on list %d, its flags say %d", pgdat->node_id,
			      pmm_page_to_pfn(m, page), lru, pmm_folio_lru_list((struct pmm_folio *)page));
			pages += pmm_folio_nr_pages((struct pmm_folio *)page);
			zone_pages[pmm_page_zonenum(page)][lru] += pmm_folio_nr_pages((struct pmm_folio *)page);
		}
		CHECK((unsigned long)pgdat->vm_stat[PMM_NR_INACTIVE_ANON + lru] == pages,
		      "node %d LRU list %d: counter %ld, the list holds %lu pages", pgdat->node_id,
		      lru, pgdat->vm_stat[PMM_NR_INACTIVE_ANON + lru], pages);
	}
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		for (lru = 0; lru < PMM_NR_LRU_LISTS; lru++)
			CHECK((unsigned long)pgdat->node_zones[z].vm_stat[PMM_NR_ZONE_INACTIVE_ANON + lru] ==
			      zone_pages[z][lru], "node %d %s LRU list %d: zone counter %ld, lists "
			      "hold %lu pages", pgdat->node_id, pgdat->node_zones[z].name, lru,
			      pgdat->node_zones[z].vm_stat[PMM_NR_ZONE_INACTIVE_ANON + lru],
			      zone_pages[z][lru]);
	return bad;
}

int pmm_check(struct pmm_machine *m)
{
	int nid, z, cpu, bad = 0;
	bool nomem = false;

	pmm_for_each_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &m->view.node_data[nid]->node_zones[z];

			/* lock order: per-CPU lists, then zone->lock, as the allocation path */
			for (cpu = 0; zone->per_cpu_pageset && cpu < m->nr_cpu_ids; cpu++)
				pmm__pcp_lock(&zone->per_cpu_pageset[cpu].lock);
			pmm__spin_lock(&zone->lock);
			bad += check_zone(m, zone, &nomem);
			pmm__spin_unlock(&zone->lock);
			for (cpu = 0; zone->per_cpu_pageset && cpu < m->nr_cpu_ids; cpu++)
				pmm__pcp_unlock(&zone->per_cpu_pageset[cpu].lock);
		}
	pmm_for_each_node(nid, m) {
		pmm_pg_data_t *pgdat = m->view.node_data[nid];

		pthread_mutex_lock(&pgdat->__lruvec.lru_lock);
		bad += check_lruvec(m, pgdat);
		pthread_mutex_unlock(&pgdat->__lruvec.lru_lock);
	}
	if (bad)
		return -EUCLEAN;
	return nomem ? -ENOMEM : 0;
}

/* ---- gfp flags by name (mm/debug.c's gfpflag_names: kernel 6.12's __def_gfpflag_names) -- */

#define GFP_IGNORED	0	/* known to the kernel, no effect in pmm */

static const struct {
	const char	*name;
	pmm_gfp_t	gfp;
} gfp_names[] = {
	{ "GFP_TRANSHUGE", (PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_COMP | __PMM_GFP_NOMEMALLOC |
			    __PMM_GFP_NOWARN | __PMM_GFP_DIRECT_RECLAIM) & ~__PMM_GFP_KSWAPD_RECLAIM },
	{ "GFP_TRANSHUGE_LIGHT", (PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_COMP |
				  __PMM_GFP_NOMEMALLOC | __PMM_GFP_NOWARN) & ~__PMM_GFP_RECLAIM },
	{ "GFP_HIGHUSER_MOVABLE", PMM_GFP_HIGHUSER_MOVABLE },
	{ "GFP_HIGHUSER", PMM_GFP_HIGHUSER },
	{ "GFP_USER", PMM_GFP_USER },
	{ "GFP_KERNEL_ACCOUNT", PMM_GFP_KERNEL },
	{ "GFP_KERNEL", PMM_GFP_KERNEL },
	{ "GFP_NOFS", __PMM_GFP_RECLAIM | __PMM_GFP_IO },
	{ "GFP_ATOMIC", PMM_GFP_ATOMIC },
	{ "GFP_NOIO", __PMM_GFP_RECLAIM },
	{ "GFP_NOWAIT", PMM_GFP_NOWAIT },
	{ "GFP_DMA", PMM_GFP_DMA },
	{ "GFP_DMA32", PMM_GFP_DMA32 },
	{ "__GFP_DMA", __PMM_GFP_DMA },
	{ "__GFP_DMA32", __PMM_GFP_DMA32 },
	{ "__GFP_HIGHMEM", __PMM_GFP_HIGHMEM },
	{ "__GFP_HIGH", __PMM_GFP_HIGH },
	{ "__GFP_ATOMIC", __PMM_GFP_HIGH },	/* before 6.3: access to reserves */
	{ "__GFP_IO", __PMM_GFP_IO },
	{ "__GFP_FS", __PMM_GFP_FS },
	{ "__GFP_NOWARN", __PMM_GFP_NOWARN },
	{ "__GFP_RETRY_MAYFAIL", __PMM_GFP_RETRY_MAYFAIL },
	{ "__GFP_NOFAIL", __PMM_GFP_NOFAIL },
	{ "__GFP_NORETRY", __PMM_GFP_NORETRY },
	{ "__GFP_COMP", __PMM_GFP_COMP },
	{ "__GFP_ZERO", __PMM_GFP_ZERO },
	{ "__GFP_NOMEMALLOC", __PMM_GFP_NOMEMALLOC },
	{ "__GFP_MEMALLOC", __PMM_GFP_MEMALLOC },
	{ "__GFP_HARDWALL", __PMM_GFP_HARDWALL },
	{ "__GFP_THISNODE", __PMM_GFP_THISNODE },
	{ "__GFP_RECLAIMABLE", __PMM_GFP_RECLAIMABLE },
	{ "__GFP_MOVABLE", __PMM_GFP_MOVABLE },
	{ "__GFP_RECLAIM", __PMM_GFP_RECLAIM },
	{ "__GFP_DIRECT_RECLAIM", __PMM_GFP_DIRECT_RECLAIM },
	{ "__GFP_KSWAPD_RECLAIM", __PMM_GFP_KSWAPD_RECLAIM },
	{ "__GFP_ACCOUNT", GFP_IGNORED },
	{ "__GFP_WRITE", GFP_IGNORED },
	{ "__GFP_ZEROTAGS", GFP_IGNORED },
	{ "__GFP_SKIP_ZERO", GFP_IGNORED },
	{ "__GFP_SKIP_KASAN", GFP_IGNORED },
	{ "__GFP_SKIP_KASAN_POISON", GFP_IGNORED },
	{ "__GFP_SKIP_KASAN_UNPOISON", GFP_IGNORED },
	{ "__GFP_NOLOCKDEP", GFP_IGNORED },
	{ "__GFP_NO_OBJ_EXT", GFP_IGNORED },
	{ "__GFP_OTHER_NODE", GFP_IGNORED },
	{ "__GFP_COLD", GFP_IGNORED },
	{ "__GFP_NOTRACK", GFP_IGNORED },
	{ "__GFP_NOACCOUNT", GFP_IGNORED },
	{ "__GFP_REPEAT", __PMM_GFP_RETRY_MAYFAIL },	/* its name before 4.13 */
	{ "__GFP_WAIT", __PMM_GFP_DIRECT_RECLAIM },	/* before 4.4 */
};

/* "GFP_KERNEL|__GFP_ZERO" (@len bytes, blanks around names allowed), "none" or "0" */
int pmm__gfp_parse(const char *s, size_t len, pmm_gfp_t *gfp)
{
	const char *end = s + len;
	pmm_gfp_t flags = 0;

	while (s < end) {
		const char *bar = memchr(s, '|', (size_t)(end - s));
		const char *next = bar ? bar + 1 : end, *e = bar ? bar : end;
		size_t n, i;

		while (s < e && isspace((unsigned char)*s))
			s++;
		while (e > s && isspace((unsigned char)e[-1]))
			e--;
		n = (size_t)(e - s);
		if ((n == 4 && !memcmp(s, "none", 4)) || (n == 1 && *s == '0')) {
			if (bar || flags)	/* alone only */
				return -EINVAL;
		} else {
			for (i = 0; i < PMM__ARRAY_SIZE(gfp_names); i++)
				if (strlen(gfp_names[i].name) == n && !memcmp(gfp_names[i].name, s, n))
					break;
			if (i == PMM__ARRAY_SIZE(gfp_names))
				return -EINVAL;
			flags |= gfp_names[i].gfp;
		}
		s = next;
		if (bar && s == end)	/* a trailing '|' */
			return -EINVAL;
	}
	if (!len)
		return -EINVAL;
	*gfp = flags;
	return 0;
}

int pmm_gfp_parse(const char *names, pmm_gfp_t *gfp)
{
	if (!names || !gfp)
		return -EINVAL;
	return pmm__gfp_parse(names, strlen(names), gfp);
}

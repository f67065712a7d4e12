// SPDX-License-Identifier: MIT
/*
 * Fuzz target: sequences of API calls on one small machine, as a careless
 * or hostile user would make them. Each input byte pair is one step:
 * allocations of any order, node and gfp, and order 0 in bulk; frees with
 * the right order (order 0 also in bulk), a wrong one, twice, or of a page
 * that is not the machine's; put_page;
 * folios on and off the LRU lists, aged, isolated and put back; drains,
 * compaction, move_pages and migrate_pages; per-CPU switches; onlining and offlining the hot-added
 * blocks (pages in use migrated through the callback); memremap and
 * memunmap.
 * After every step pmm_check() must be clean, and misuse must have been
 * reported rather than done.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

#define M		(1ULL << 20)
#define G		(1ULL << 30)
#define NR_SLOTS	64
#define DIMM_START	(8 * G)
#define DIMM_BLOCKS	2

struct slot {
	struct pmm_page	*page;
	unsigned int	order;
};

struct run {
	struct slot	slots[NR_SLOTS];
	int		bad_reports;
	struct pmm_dev_pagemap pgmap;
	bool		remapped;
	bool		trace;
};

static void on_bad(void *arg, const struct pmm_page *page, unsigned long pfn, const char *reason)
{
	struct run *r = arg;

	(void)page;
	(void)pfn;
	(void)reason;
	r->bad_reports++;
}

/* offlining or compaction moved a page we hold: follow it */
static int migrate(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct run *r = arg;
	int i;

	for (i = 0; i < NR_SLOTS; i++)
		if (r->slots[i].page == from && r->slots[i].order == order)
			r->slots[i].page = to;
	return 0;
}

static void page_free(struct pmm_dev_pagemap *pgmap, struct pmm_page *page)
{
	(void)pgmap;
	(void)page;
}

static const struct pmm_dev_pagemap_ops pgmap_ops = { .page_free = page_free };

static const pmm_gfp_t gfps[] = {
	PMM_GFP_KERNEL, PMM_GFP_HIGHUSER_MOVABLE, PMM_GFP_DMA32, PMM_GFP_ATOMIC, PMM_GFP_DMA,
	PMM_GFP_KERNEL | __PMM_GFP_COMP, PMM_GFP_TRANSHUGE, PMM_GFP_NOWAIT | __PMM_GFP_THISNODE,
};

static struct pmm_machine *boot(struct run *r)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = 16 * G,
				      .on_bad_page = on_bad, .on_bad_page_arg = r,
				      .migrate_page = migrate, .migrate_page_arg = r };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	fuzz_assert(!pmm_machine_desc_create("x86_64", &d));
	fuzz_assert(!pmm_machine_desc_add_node(d, 0, "0"));
	fuzz_assert(!pmm_machine_desc_add_node(d, 1, "1"));
	fuzz_assert(!pmm_machine_desc_add_memory(d, M, 16 * M, 0, 0));
	fuzz_assert(!pmm_machine_desc_add_memory(d, 4 * G, 4 * G + 16 * M, 1, 0));
	fuzz_assert(!pmm_machine_desc_set_cmdline(d, "memhp_default_state=offline"));
	fuzz_assert(!pmm_boot(d, &opts, &m));
	pmm_machine_desc_destroy(d);
	fuzz_assert(!pmm_add_memory(m, 1, DIMM_START, DIMM_BLOCKS * pmm_memory_block_size(m)));
	return m;
}

static void step(struct pmm_machine *m, struct run *r, uint8_t op, uint8_t arg)
{
	static struct pmm_page not_a_page[2];
	struct slot *s = &r->slots[arg % NR_SLOTS];
	unsigned long block = DIMM_START / pmm_memory_block_size(m) + arg % DIMM_BLOCKS;
	int reports = r->bad_reports;

	if (r->trace)	/* PMM_FUZZ_TRACE=1: each step on stderr, to read a crash */
		fprintf(stderr, "step op %u (%u) arg %u slot %u: page %p order %u\n", op % 12, op,
			arg, arg % NR_SLOTS, (void *)s->page, s->order);
	switch (op % 12) {
	case 0: case 1: case 2:	/* allocate into an empty slot, or order 0 into four in bulk */
		if (op % 12 == 2 && (op & 0x80)) {
			struct pmm_page *pages[4] = { NULL };
			unsigned int k;

			pmm_alloc_pages_bulk(m, gfps[(op >> 2) % 8], (int)(arg >> 6) % 3 - 1, NULL, 4,
					     pages);
			for (k = 0; k < 4; k++) {
				struct slot *t = &r->slots[(arg + k) % NR_SLOTS];

				if (pages[k] && !t->page) {
					t->page = pages[k];
					t->order = 0;
					pages[k] = NULL;
				}
			}
			pmm_free_pages_bulk(m, 4, pages);	/* what found no empty slot */
			fuzz_assert(r->bad_reports == reports);
		} else if (!s->page) {
			s->order = (unsigned int)(op >> 4) % 11;
			s->page = pmm_alloc_pages_node(m, (int)(arg >> 6) % 3 - 1,
						       gfps[(op >> 2) % 8], s->order);
		}
		break;
	case 3: case 4:		/* free with the right order (order 0 now and then in bulk);
				 * a folio on the LRU is put */
		if (s->page) {
			if (pmm_page_test_flag(s->page, PMM_PG_lru))
				pmm_folio_put(m, (struct pmm_folio *)s->page);
			else if (!s->order && (op & 0x80))
				pmm_free_pages_bulk(m, 1, &s->page);
			else
				pmm_free_pages(m, s->page, s->order);
			fuzz_assert(r->bad_reports == reports);
			s->page = NULL;
		}
		break;
	case 5:			/* free with a wrong order: refused, or the slot is gone */
		if (s->page) {
			pmm_free_pages(m, s->page, (s->order + 1 + (op >> 4)) % 11);
			if (r->bad_reports == reports)
				s->page = NULL;
		}
		break;
	case 6:			/* a double free, a tail page, a page of no machine */
		if (s->page && s->order) {	/* a tail, or a page of a block with no reference */
			pmm_free_pages(m, s->page + 1, 0);
			fuzz_assert(r->bad_reports == reports + 1);
		}
		pmm_free_pages(m, &not_a_page[arg & 1], 0);
		fuzz_assert(r->bad_reports == reports + 1 + (s->page && s->order));
		break;
	case 7:			/* another reference, dropped again; or the LRU lists */
		if (s->page && (arg & 0x40) && (!s->order || pmm_PageHead(s->page))) {
			struct pmm_folio *f = (struct pmm_folio *)s->page;

			if (!pmm_page_test_flag(s->page, PMM_PG_lru)) {
				if (arg & 0x20)
					pmm_page_set_flag(s->page, PMM_PG_swapbacked);
				fuzz_assert(!pmm_folio_add_lru(m, f));
			} else if ((arg & 0x30) == 0x30 && pmm_folio_isolate_lru(m, f)) {
				pmm_folio_putback_lru(m, f);
			} else {
				pmm_folio_mark_accessed(m, f);
			}
		} else if (s->page) {
			pmm_get_page(s->page);
			pmm_put_page(m, s->page);
		}
		break;
	case 8:			/* drain, compact a node, or move folios: the LRU folios move */
		if ((arg & 3) == 1) {
			fuzz_assert(!pmm_compact_node(m, (arg >> 2) & 1));
		} else if ((arg & 3) == 2) {	/* move_pages(2) of the slot (or of nothing) */
			int node = (arg >> 2) & 1, status;

			fuzz_assert(pmm_move_pages(m, 1, &s->page, &node, &status) >= 0);
			fuzz_assert(status == node || status < 0);
		} else if ((arg & 3) == 3) {	/* migrate_pages(2) of one node to the other */
			pmm_nodemask_t from = { { 0 } }, to = { { 0 } };

			pmm_node_set((arg >> 2) & 1, &from);
			pmm_node_set(!((arg >> 2) & 1), &to);
			fuzz_assert(pmm_migrate_pages(m, &from, &to) >= -ENOMEM);
		} else {
			pmm_drain_all_pages(m);
		}
		break;
	case 9:
		pmm_set_cpu(m, arg % 2);
		break;
	case 10:		/* online or offline a hot-added block */
		if (arg & 0x80)
			pmm_offline_memory_block(m, block);
		else
			pmm_online_memory_block(m, block, (enum pmm_online_type)(1 + (arg >> 4) % 3));
		break;
	case 11:		/* ZONE_DEVICE pages come and go */
		if (r->remapped) {
			pmm_memunmap_pages(m, &r->pgmap);
			r->remapped = false;
		} else {
			memset(&r->pgmap, 0, sizeof(r->pgmap));
			r->pgmap.type = PMM_MEMORY_DEVICE_GENERIC;
			r->pgmap.range.start = 10 * G + (arg % 4) * 2 * M;
			r->pgmap.range.end = r->pgmap.range.start + (1 + arg / 64) * 2 * M - 1;
			r->pgmap.ops = &pgmap_ops;
			r->remapped = !pmm_memremap_pages(m, &r->pgmap, arg & 1);
		}
		break;
	}
	fuzz_check(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r;
	struct pmm_machine *m;
	size_t i;

	if (size > 1024)
		return 0;
	memset(&r, 0, sizeof(r));
	r.trace = getenv("PMM_FUZZ_TRACE") != NULL;
	m = boot(&r);
	for (i = 0; i + 1 < size; i += 2)
		step(m, &r, data[i], data[i + 1]);
	for (i = 0; i < NR_SLOTS; i++)
		if (r.slots[i].page) {
			if (r.trace)
				fprintf(stderr, "free slot %zu: page %p order %u\n", i,
					(void *)r.slots[i].page, r.slots[i].order);
			pmm_free_pages(m, r.slots[i].page, r.slots[i].order);
			if (r.trace)
				fuzz_check(m);
		}
	if (r.remapped)
		pmm_memunmap_pages(m, &r.pgmap);
	fuzz_check(m);
	pmm_shutdown(m);
	return 0;
}

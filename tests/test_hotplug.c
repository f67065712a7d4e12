// SPDX-License-Identifier: MIT
/*
 * Memory hotplug after boot: add, online (each type), offline with pages in
 * use migrated and their contents checked, offline refused by an
 * unmovable page with everything rolled back, remove; spans, present and
 * managed pages and node_states after each step against values worked out
 * by hand; a node that starts without memory and gains some; onlining and
 * offlining while other threads allocate. FLATMEM has no hotplug.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmm_test.h"
#include <pmm/swap.h>
#include "internal.h"

#define SZ_128M	(128ULL << 20)
#define G	(1ULL << 30)

/* ---- an owner of pages, told about migrations ---------------------------------------------------- */

#define MAX_OBJS 4096

struct owner {
	struct pmm_page	*page[MAX_OBJS];
	unsigned int	order[MAX_OBJS];
	uint64_t	sum[MAX_OBJS];
	int		nr;
	int		migrated;
	int		refuse;		/* answer every migration with a refusal */
};

static int on_migrate(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct owner *o = arg;
	unsigned long slot = pmm_page_private(to);

	if (o->refuse)
		return -1;
	/* our handle came along in page->private */
	if (slot >= (unsigned long)o->nr || o->page[slot] != from || o->order[slot] != order)
		return -1;
	o->page[slot] = to;
	o->migrated++;
	return 0;
}

static uint64_t fill(struct pmm_machine *m, struct pmm_page *p, unsigned int order, uint64_t seed)
{
	uint64_t *w = pmm_page_address(m, p), sum = 0;
	size_t i, n = (pmm_page_size(m) << order) / sizeof(*w);

	for (i = 0; i < n; i++) {
		w[i] = seed * 0x9e3779b97f4a7c15ULL + i;
		sum += w[i] ^ (i << 7);
	}
	return sum;
}

static uint64_t checksum(struct pmm_machine *m, struct pmm_page *p, unsigned int order)
{
	const uint64_t *w = pmm_page_address(m, p);
	size_t i, n = (pmm_page_size(m) << order) / sizeof(*w);
	uint64_t sum = 0;

	for (i = 0; i < n; i++)
		sum += w[i] ^ (i << 7);
	return sum;
}

static struct pmm_page *own(struct pmm_machine *m, struct owner *o, struct pmm_page *p,
			    unsigned int order)
{
	assert_non_null(p);
	assert_true(o->nr < MAX_OBJS);
	pmm_set_page_private(p, (unsigned long)o->nr);
	o->page[o->nr] = p;
	o->order[o->nr] = order;
	o->sum[o->nr] = fill(m, p, order, (uint64_t)o->nr + 1);
	o->nr++;
	return p;
}

static void check_contents(struct pmm_machine *m, const struct owner *o)
{
	int i;

	for (i = 0; i < o->nr; i++)
		if (o->page[i])
			assert_true(checksum(m, o->page[i], o->order[i]) == o->sum[i]);
}

static void release_all(struct pmm_machine *m, struct owner *o)
{
	int i;

	for (i = 0; i < o->nr; i++)
		if (o->page[i]) {
			pmm_set_page_private(o->page[i], 0);
			pmm_free_pages(m, o->page[i], o->order[i]);
			o->page[i] = NULL;
		}
}

static struct pmm_machine *boot_with(struct pmm_machine_desc *d, struct owner *o,
				     pmm_phys_addr_t limit)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = limit,
				      .migrate_page = o ? on_migrate : NULL, .migrate_page_arg = o };
	struct pmm_machine *m;

	/* added memory stays offline until a test onlines it */
	assert_int_equal(pmm_machine_desc_set_auto_online(d, "offline"), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

static struct pmm_zone *zone_of(struct pmm_machine *m, int nid, enum pmm_zone_type z)
{
	return &pmm_node_data(m, nid)->node_zones[z];
}

static int block_state(struct pmm_machine *m, unsigned long id)
{
	struct pmm_memory_block_info info;
	unsigned long i;

	for (i = 0; i < pmm_memory_block_count(m); i++) {
		assert_int_equal(pmm_memory_block_info(m, i, &info), 0);
		if (info.id == id)
			return (int)info.state;
	}
	return -1;
}

static void assert_zone(const struct pmm_zone *z, unsigned long start, unsigned long spanned,
			unsigned long present, unsigned long managed)
{
	assert_int_equal(z->zone_start_pfn, start);
	assert_int_equal(z->spanned_pages, spanned);
	assert_int_equal(z->present_pages, present);
	assert_int_equal(z->managed_pages, managed);
}

static char *nodes_of(struct pmm_machine *m, enum pmm_node_states s, char *buf, size_t len)
{
	pmm_nodelist_print(buf, len, pmm_node_states(m, s));
	return buf;
}

/* ---- add, online movable, offline with migration, remove ------------------------------------------- */

/*
 * x86_64-2node-8G plus 256 MiB at 9 GiB on node 1: memory blocks of
 * 128 MiB (ids 72 and 73, pfns 0x240000-0x248000-0x250000). Node 1 spans
 * [0x140000, 0x240000) at boot.
 */
static void test_add_online_offline_remove(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	pmm_pg_data_t *n1;
	struct pmm_zone *mov;
	unsigned long blocks, free_n0, i, in72 = 0;
	char buf[64];

	assert_non_null(o);
	m = boot_with(pmm_test_desc_x86_2node(), o, 16 * G);
	n1 = pmm_node_data(m, 1);
	mov = zone_of(m, 1, PMM_ZONE_MOVABLE);
	blocks = pmm_memory_block_count(m);
	assert_int_equal(pmm_memory_block_size(m), SZ_128M);

	/* added: two offline blocks, nothing present yet */
	assert_int_equal(pmm_add_memory(m, 1, 9 * G, 2 * SZ_128M), 0);
	assert_int_equal(pmm_memory_block_count(m), blocks + 2);
	assert_int_equal(block_state(m, 72), PMM_MEM_OFFLINE);
	assert_int_equal(block_state(m, 73), PMM_MEM_OFFLINE);
	assert_int_equal(n1->node_start_pfn, 0x140000);
	assert_int_equal(n1->node_spanned_pages, 0x100000);
	assert_int_equal(pmm_add_memory(m, 1, 9 * G, SZ_128M), -EEXIST);
	assert_int_equal(pmm_add_memory(m, 1, 9 * G + 4096, SZ_128M), -EINVAL);

	/* online both movable */
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE_MOVABLE), 0);
	assert_int_equal(pmm_online_memory_block(m, 73, PMM_MMOP_ONLINE_MOVABLE), 0);
	assert_int_equal(pmm_online_memory_block(m, 73, PMM_MMOP_ONLINE_MOVABLE), -EINVAL);
	assert_zone(mov, 0x240000, 0x10000, 0x10000, 0x10000);
	assert_int_equal(n1->node_spanned_pages, 0x110000);
	assert_int_equal(n1->node_present_pages, 0x110000);

	/* pages in use in ZONE_MOVABLE: single pages and a folio, contents known */
	for (i = 0; i < 600; i++)
		own(m, o, pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE, 0), 0);
	own(m, o, pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_COMP, 4), 4);
	for (i = 0; i < (unsigned long)o->nr; i++) {
		unsigned long pfn = pmm_page_to_pfn(m, o->page[i]);

		assert_int_equal(pmm_page_zone(m, o->page[i]), mov);
		in72 += pfn < 0x248000;
	}
	assert_true(in72 > 0);
	free_n0 = pmm_zone_page_state(zone_of(m, 0, PMM_ZONE_NORMAL), PMM_NR_FREE_PAGES);

	/* offline block 72: its pages go to node 0, contents intact */
	assert_int_equal(pmm_offline_memory_block(m, 72), 0);
	assert_int_equal(block_state(m, 72), PMM_MEM_OFFLINE);
	assert_int_equal(o->migrated, (int)in72);
	for (i = 0; i < (unsigned long)o->nr; i++) {
		unsigned long pfn = pmm_page_to_pfn(m, o->page[i]);

		assert_false(pfn >= 0x240000 && pfn < 0x248000);
	}
	check_contents(m, o);
	assert_true(pmm_zone_page_state(zone_of(m, 0, PMM_ZONE_NORMAL), PMM_NR_FREE_PAGES) < free_n0);
	assert_zone(mov, 0x248000, 0x8000, 0x8000, 0x8000);
	assert_int_equal(n1->node_start_pfn, 0x140000);
	assert_int_equal(n1->node_spanned_pages, 0x110000);
	assert_int_equal(n1->node_present_pages, 0x108000);
	assert_int_equal(pmm_check(m), 0);

	/* block 73 as well: ZONE_MOVABLE is empty again, node 1 back to its boot span */
	assert_int_equal(pmm_offline_memory_block(m, 73), 0);
	assert_int_equal(pmm_offline_memory_block(m, 73), -EINVAL);
	assert_int_equal(o->migrated, o->nr);
	check_contents(m, o);
	assert_zone(mov, 0, 0, 0, 0);
	assert_int_equal(n1->node_start_pfn, 0x140000);
	assert_int_equal(n1->node_spanned_pages, 0x100000);
	assert_int_equal(n1->node_present_pages, 0x100000);
	assert_string_equal(nodes_of(m, PMM_N_MEMORY, buf, sizeof(buf)), "0-1");
	assert_int_equal(pmm_check(m), 0);

	/* remove: the blocks and the memmap go; the range can be added again */
	assert_int_equal(pmm_remove_memory(m, 9 * G, SZ_128M), 0);
	assert_int_equal(pmm_memory_block_count(m), blocks + 1);
	assert_false(pmm_pfn_valid(m, 0x240000));
	assert_true(pmm_pfn_valid(m, 0x248000));
	assert_int_equal(pmm_remove_memory(m, 8 * G, SZ_128M), -EINVAL);	/* boot memory */
	assert_int_equal(pmm_remove_memory(m, 9 * G + SZ_128M, SZ_128M), 0);
	assert_int_equal(pmm_memory_block_count(m), blocks);
	assert_int_equal(pmm_add_memory(m, 1, 9 * G, SZ_128M), 0);
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE_KERNEL), 0);
	assert_zone(zone_of(m, 1, PMM_ZONE_NORMAL), 0x140000, 0x108000, 0x108000,
		    zone_of(m, 1, PMM_ZONE_NORMAL)->managed_pages);
	assert_int_equal(pmm_remove_memory(m, 9 * G, SZ_128M), -EBUSY);	/* still online */

	release_all(m, o);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(o);
}

/* ---- memmap_on_memory ---------------------------------------------------------------------------- */

/* 128 MiB blocks: 32768 struct pages of 64 bytes = 2 MiB = 512 pages, one pageblock */
static void test_memmap_on_memory(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	struct pmm_zone *mov;
	unsigned long i;

	(void)state;
	assert_non_null(o);
	m = boot_with(pmm_test_desc_x86_2node(), o, 16 * G);
	mov = zone_of(m, 1, PMM_ZONE_MOVABLE);
	assert_int_equal(pmm_add_memory_flags(m, 1, 9 * G, 2 * SZ_128M, 0x80), -EINVAL);
	assert_int_equal(pmm_add_memory_flags(m, 1, 9 * G, 2 * SZ_128M, PMM_MHP_MEMMAP_ON_MEMORY), 0);
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE_MOVABLE), 0);
	/* present counts the memmap's pages, managed does not */
	assert_zone(mov, 0x240000, 0x8000, 0x8000, 0x8000 - 512);
	for (i = 0x240000; i < 0x240200; i++)
		assert_true(pmm_PageReserved(pmm_pfn_to_page(m, i)));
	assert_false(pmm_PageReserved(pmm_pfn_to_page(m, 0x240200)));
	assert_int_equal(pmm_zone_page_state(mov, PMM_NR_FREE_PAGES), 0x8000 - 512);
	assert_int_equal(pmm_check(m), 0);
	/* the diagram: block 72 in ZONE_MOVABLE from 9G, block 73 offline from 9344M */
	{
		char *buf = pmm_test_capture(m, pmm_print_diagram);

		assert_non_null(strstr(buf, "MOVABLE"));
		assert_non_null(strstr(buf, "offline"));
		assert_non_null(strstr(buf, "9344M"));
		free(buf);
	}
	for (i = 0; i < 100; i++)
		own(m, o, pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE, 0), 0);
	assert_int_equal(pmm_offline_memory_block(m, 72), 0);
	assert_int_equal(o->migrated, 100);
	check_contents(m, o);
	assert_zone(mov, 0, 0, 0, 0);
	assert_int_equal(pmm_node_data(m, 1)->node_present_pages, 0x100000);
	/* and again, as a kernel block */
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE_KERNEL), 0);
	assert_int_equal(zone_of(m, 1, PMM_ZONE_NORMAL)->present_pages, 0x108000);
	assert_int_equal(pmm_check(m), 0);
	release_all(m, o);
	pmm_shutdown(m);
	free(o);
}

/* ---- a node without memory gains some; an unmovable page refuses offlining ------------------------- */

/* node 0: [1 MiB, 2 GiB); node 1: CPU 1, no memory until 128 MiB at 4 GiB (block 32) */
static struct pmm_machine_desc *desc_memoryless_node1(void)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 1, "1"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 0x100000, 2 * G, 0, 0), 0);
	return d;
}

static bool in_zonelist(struct pmm_machine *m, int nid, const struct pmm_zone *zone)
{
	const struct pmm_zoneref *z;

	for (z = pmm_node_data(m, nid)->node_zonelists[PMM_ZONELIST_FALLBACK]._zonerefs; z->zone; z++)
		if (z->zone == zone)
			return true;
	return false;
}

static void test_memoryless_node_and_rollback(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	struct pmm_zone *normal1;
	struct pmm_page *pin;
	unsigned long free_before, managed_before, i;
	char buf[64], *buddy_before, *buddy_after;

	assert_non_null(o);
	m = boot_with(desc_memoryless_node1(), o, 8 * G);
	normal1 = zone_of(m, 1, PMM_ZONE_NORMAL);
	assert_string_equal(nodes_of(m, PMM_N_MEMORY, buf, sizeof(buf)), "0");
	assert_string_equal(nodes_of(m, PMM_N_NORMAL_MEMORY, buf, sizeof(buf)), "0");

	/* node 1 gains memory: N_MEMORY, N_NORMAL_MEMORY, and node 0 falls back to it */
	assert_int_equal(pmm_add_memory(m, 1, 4 * G, SZ_128M), 0);
	assert_string_equal(nodes_of(m, PMM_N_MEMORY, buf, sizeof(buf)), "0");
	assert_int_equal(pmm_online_memory_block(m, 32, PMM_MMOP_ONLINE), 0);
	assert_zone(normal1, 0x100000, 0x8000, 0x8000, 0x8000);
	assert_string_equal(nodes_of(m, PMM_N_MEMORY, buf, sizeof(buf)), "0-1");
	assert_string_equal(nodes_of(m, PMM_N_NORMAL_MEMORY, buf, sizeof(buf)), "0-1");
	assert_true(in_zonelist(m, 0, normal1));

	/* movable pages and one unmovable page, all on node 1 */
	for (i = 0; i < 64; i++)
		own(m, o, pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE, 0),
		    0);
	pin = pmm_alloc_pages_node(m, 1, PMM_GFP_KERNEL | __PMM_GFP_THISNODE, 0);
	assert_non_null(pin);
	assert_ptr_equal(pmm_page_zone(m, pin), normal1);

	/* refused: nothing moved, nothing lost, the block as before */
	pmm_drain_all_pages(m);
	free_before = pmm_zone_page_state(normal1, PMM_NR_FREE_PAGES);
	managed_before = normal1->managed_pages;
	buddy_before = pmm_test_capture(m, pmm_print_buddyinfo);
	assert_int_equal(pmm_offline_memory_block(m, 32), -EBUSY);
	assert_int_equal(block_state(m, 32), PMM_MEM_ONLINE);
	assert_int_equal(o->migrated, 0);
	assert_int_equal(normal1->nr_isolate_pageblock, 0);
	assert_int_equal(pmm_zone_page_state(normal1, PMM_NR_FREE_PAGES), free_before);
	assert_int_equal(normal1->managed_pages, managed_before);
	assert_int_equal(normal1->present_pages, 0x8000);
	pmm_drain_all_pages(m);
	buddy_after = pmm_test_capture(m, pmm_print_buddyinfo);
	assert_string_equal(buddy_after, buddy_before);
	free(buddy_before);
	free(buddy_after);
	for (i = 0x100000; i < 0x108000; i += 512)
		assert_int_not_equal(pmm__get_pageblock_migratetype(m, normal1, i), PMM_MIGRATE_ISOLATE);
	check_contents(m, o);
	assert_int_equal(pmm_check(m), 0);

	/* the owner refuses: -EBUSY, rolled back the same way */
	pmm_free_pages(m, pin, 0);
	o->refuse = 1;
	assert_int_equal(pmm_offline_memory_block(m, 32), -EBUSY);
	assert_int_equal(block_state(m, 32), PMM_MEM_ONLINE);
	assert_int_equal(normal1->nr_isolate_pageblock, 0);
	assert_int_equal(pmm_check(m), 0);

	/* agreed: everything moves to node 0 and node 1 is memoryless again */
	o->refuse = 0;
	assert_int_equal(pmm_offline_memory_block(m, 32), 0);
	assert_int_equal(o->migrated, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(pmm_page_to_nid(o->page[i]), 0);
	check_contents(m, o);
	assert_zone(normal1, 0, 0, 0, 0);
	assert_int_equal(pmm_node_data(m, 1)->node_spanned_pages, 0);
	assert_string_equal(nodes_of(m, PMM_N_MEMORY, buf, sizeof(buf)), "0");
	assert_string_equal(nodes_of(m, PMM_N_NORMAL_MEMORY, buf, sizeof(buf)), "0");
	assert_false(in_zonelist(m, 0, normal1));

	/* removed; node 1 keeps its CPU, so it stays online */
	assert_int_equal(pmm_remove_memory(m, 4 * G, SZ_128M), 0);
	assert_true(pmm_node_state(m, 1, PMM_N_ONLINE));
	release_all(m, o);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(o);
}

/*
 * Folios on the LRU in a block being offlined go through migrate_pages():
 * isolated, moved to node 0 (the other node with memory), their copies back
 * on the LRU there, each page counted in pgmigrate_success of the zone
 * they left; contents intact.
 */
static void test_offline_lru_folios(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	struct pmm_zone *mov;
	int i;

	(void)state;
	assert_non_null(o);
	m = boot_with(pmm_test_desc_x86_2node(), o, 16 * G);
	mov = zone_of(m, 1, PMM_ZONE_MOVABLE);
	assert_int_equal(pmm_add_memory(m, 1, 9 * G, SZ_128M), 0);
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE_MOVABLE), 0);
	for (i = 0; i < 40; i++) {
		struct pmm_page *p = own(m, o, pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE |
								       __PMM_GFP_THISNODE, 0), 0);

		assert_ptr_equal(pmm_page_zone(m, p), mov);
		assert_int_equal(pmm_folio_add_lru(m, (struct pmm_folio *)p), 0);
	}
	assert_int_equal(pmm_lru_pages(m, 1, PMM_LRU_INACTIVE_FILE), 40);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_FILE), 0);
	assert_int_equal(pmm_offline_memory_block(m, 72), 0);
	assert_int_equal(o->migrated, 40);
	assert_int_equal(pmm_zone_event(m, mov, PMM_PGMIGRATE_SUCCESS), 40);
	assert_int_equal(pmm_lru_pages(m, 1, PMM_LRU_INACTIVE_FILE), 0);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_FILE), 40);
	for (i = 0; i < o->nr; i++) {
		assert_int_equal(pmm_page_to_nid(o->page[i]), 0);
		assert_true(pmm_page_test_flag(o->page[i], PMM_PG_lru));
	}
	check_contents(m, o);
	assert_int_equal(pmm_check(m), 0);
	for (i = 0; i < o->nr; i++) {
		pmm_set_page_private(o->page[i], 0);
		pmm_folio_put(m, (struct pmm_folio *)o->page[i]);
	}
	pmm_shutdown(m);
	free(o);
}

/* without a migrate_page callback pages in use cannot move */
static void test_no_callback(void **state)
{
	struct pmm_machine *m = boot_with(desc_memoryless_node1(), NULL, 8 * G);
	struct pmm_page *p;

	(void)state;
	assert_int_equal(pmm_add_memory(m, 1, 4 * G, SZ_128M), 0);
	assert_int_equal(pmm_online_memory_block(m, 32, PMM_MMOP_ONLINE_MOVABLE), 0);
	p = pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE, 0);
	assert_non_null(p);
	assert_int_equal(pmm_offline_memory_block(m, 32), -EBUSY);
	pmm_free_pages(m, p, 0);
	assert_int_equal(pmm_offline_memory_block(m, 32), 0);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

/* ---- concurrency -------------------------------------------------------------------------------- */

struct churn {
	struct pmm_machine	*m;
	int			cpu;
	int			*stop;
	unsigned long		allocs;
};

static void *allocator(void *arg)
{
	struct churn *c = arg;
	struct pmm_page *held[32] = { 0 };
	unsigned int order[32] = { 0 }, seed = (unsigned int)c->cpu * 77u + 3u;
	pmm_nodemask_t node0;
	int k;

	pmm_set_cpu(c->m, c->cpu);
	pmm_nodelist_parse("0", &node0);
	while (!__atomic_load_n(c->stop, __ATOMIC_RELAXED)) {
		seed = seed * 1103515245u + 12345u;
		k = (int)(seed >> 16) % 32;
		if (held[k])
			pmm_free_pages(c->m, held[k], order[k]);
		order[k] = (seed >> 8) % 4;
		held[k] = pmm_alloc_pages_nodemask(c->m, PMM_GFP_KERNEL | __PMM_GFP_NOWARN, order[k],
						   0, &node0);
		if (held[k])
			__atomic_fetch_add(&c->allocs, 1, __ATOMIC_RELAXED);
	}
	for (k = 0; k < 32; k++)
		if (held[k])
			pmm_free_pages(c->m, held[k], order[k]);
	return NULL;
}

static void test_online_offline_while_allocating(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_machine *m;
	struct churn c[2];
	pthread_t t[2];
	int stop = 0;
	int i, round;

	assert_non_null(o);
	m = boot_with(desc_memoryless_node1(), o, 8 * G);
	assert_int_equal(pmm_add_memory(m, 1, 4 * G, 2 * SZ_128M), 0);
	assert_int_equal(pmm_online_memory_block(m, 33, PMM_MMOP_ONLINE_MOVABLE), 0);
	for (i = 0; i < 2; i++) {
		c[i] = (struct churn){ .m = m, .cpu = i, .stop = &stop };
		assert_int_equal(pthread_create(&t[i], NULL, allocator, &c[i]), 0);
	}
	/* both allocators are running before the first online (a loaded host may start them late) */
	for (i = 0; i < 2; i++) {
		int waited;

		for (waited = 0; waited < 5000 && !__atomic_load_n(&c[i].allocs, __ATOMIC_RELAXED);
		     waited++)
			usleep(1000);
		assert_true(__atomic_load_n(&c[i].allocs, __ATOMIC_RELAXED) > 0);
	}
	pmm_set_cpu(m, 1);
	for (round = 0; round < 12; round++) {
		int type = round % 3 == 0 ? PMM_MMOP_ONLINE_KERNEL : PMM_MMOP_ONLINE_MOVABLE;

		assert_int_equal(pmm_online_memory_block(m, 32, (enum pmm_online_type)type), 0);
		/* pages of our own in the block, migrated when it goes */
		own(m, o, pmm_alloc_pages_node(m, 1, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE, 0),
		    0);
		assert_int_equal(pmm_offline_memory_block(m, 32), 0);
		check_contents(m, o);
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	release_all(m, o);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	free(o);
}

/* ---- FLATMEM -------------------------------------------------------------------------------------- */

static void test_flatmem_has_no_hotplug(void **state)
{
	struct pmm_machine *m;

	(void)state;
	m = pmm_test_boot_desc(pmm_test_desc_x86_2node(), PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	assert_int_equal(pmm_add_memory(m, 1, 9 * G, SZ_128M), -EOPNOTSUPP);
	assert_int_equal(pmm_online_memory_block(m, 72, PMM_MMOP_ONLINE), -EOPNOTSUPP);
	assert_int_equal(pmm_offline_memory_block(m, 0), -EOPNOTSUPP);
	assert_int_equal(pmm_remove_memory(m, 9 * G, SZ_128M), -EOPNOTSUPP);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest sparse[] = {
		cmocka_unit_test(test_add_online_offline_remove),
		cmocka_unit_test(test_offline_lru_folios),
		cmocka_unit_test(test_memmap_on_memory),
		cmocka_unit_test(test_memoryless_node_and_rollback),
		cmocka_unit_test(test_no_callback),
		cmocka_unit_test(test_online_offline_while_allocating),
	};
	const struct CMUnitTest flat[] = {
		cmocka_unit_test(test_flatmem_has_no_hotplug),
	};

	if (!PMM_CONFIG_SPARSEMEM)
		return cmocka_run_group_tests(flat, NULL, NULL);
	return cmocka_run_group_tests(sparse, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Moving folios between nodes on request: move_pages(2) (pmm_move_pages(),
 * a status per page as the kernel's) and migrate_pages(2)
 * (pmm_migrate_pages(), do_migrate_pages()'s node_remap() and source
 * order, so that no folio moves twice). Contents are checked after every
 * move; the owner is told each one.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"

#define M	(1ULL << 20)
#define NR	256

struct owner {
	struct pmm_page	*page[NR];
	int		moves;
};

static int on_migrate(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct owner *o = arg;
	unsigned long i = pmm_page_private(to);

	(void)order;
	if (i >= NR || o->page[i] != from)
		return -1;
	o->page[i] = to;
	o->moves++;
	return 0;
}

/* x86-64, three nodes of 64 MiB with a CPU each (node 3 exists in no mask) */
static struct pmm_machine *boot3(struct owner *o)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_INLINE_DAEMONS,
				      .migrate_page = on_migrate, .migrate_page_arg = o };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 0, "0"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 1, "1"), 0);
	assert_int_equal(pmm_machine_desc_add_node(d, 2, "2"), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 16 * M, 80 * M, 0, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 4096 * M, 4160 * M, 1, 0), 0);
	assert_int_equal(pmm_machine_desc_add_memory(d, 8192 * M, 8256 * M, 2, 0), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

static uint64_t pattern(unsigned long i, size_t k)
{
	return (0x9e3779b97f4a7c15ULL * (i + 1)) ^ k;
}

/* folio @i of @order on node @nid, on the LRU unless @off_lru, patterned */
static struct pmm_page *own(struct pmm_machine *m, struct owner *o, unsigned long i, int nid,
			    unsigned int order, bool off_lru)
{
	struct pmm_page *p = pmm_alloc_pages_node(m, nid, PMM_GFP_HIGHUSER_MOVABLE |
						  __PMM_GFP_THISNODE | (order ? __PMM_GFP_COMP : 0),
						  order);
	uint64_t *mem;
	size_t k;

	assert_non_null(p);
	assert_int_equal(pmm_page_to_nid(p), nid);
	pmm_set_page_private(p, i);
	pmm_page_set_flag(p, PMM_PG_swapbacked);
	if (!off_lru)
		assert_int_equal(pmm_folio_add_lru(m, (struct pmm_folio *)p), 0);
	mem = pmm_page_address(m, p);
	for (k = 0; k < (4096UL << order) / sizeof(*mem); k++)
		mem[k] = pattern(i, k);
	o->page[i] = p;
	return p;
}

static void check(struct pmm_machine *m, const struct owner *o)
{
	unsigned long i;

	for (i = 0; i < NR; i++) {
		const uint64_t *mem;
		size_t k;

		if (!o->page[i])
			continue;
		assert_int_equal(pmm_page_private(o->page[i]), i);
		mem = pmm_page_address(m, o->page[i]);
		for (k = 0; k < (4096UL << pmm_compound_order(o->page[i])) / sizeof(*mem); k++)
			if (mem[k] != pattern(i, k))
				fail_msg("folio %lu word %zu changed in a move", i, k);
	}
}

static void put_all(struct pmm_machine *m, struct owner *o)
{
	unsigned long i;

	for (i = 0; i < NR; i++)
		if (o->page[i]) {
			pmm_put_page(m, o->page[i]);
			o->page[i] = NULL;
		}
}

static unsigned long migrated(struct pmm_machine *m)
{
	unsigned long n = 0;
	int nid, z;

	for (nid = 0; nid < 3; nid++)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			n += pmm_zone_event(m, &pmm_node_data(m, nid)->node_zones[z],
					    PMM_PGMIGRATE_SUCCESS);
	return n;
}

/*
 * Seven entries: three order-0 folios to nodes 1, 2, 1; one already on
 * node 0 asked for 0; the tail page of an order-2 folio to node 1 (the
 * folio moves whole); a folio its owner keeps off the LRU (-EBUSY); a page
 * put back meanwhile (-ENOENT). 3 + 4 pages migrate, 4 folios move.
 */
static void test_move_pages(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_page *pages[8], stranger;
	int nodes[8] = { 1, 2, 1, 0, 1, 1, 1, 1 }, status[8], expect[8] = {
		1, 2, 1, 0, 1, -EBUSY, -ENOENT, -EFAULT };
	struct pmm_machine *m;
	unsigned long i;

	(void)state;
	assert_non_null(o);
	m = boot3(o);
	for (i = 0; i < 4; i++)
		pages[i] = own(m, o, i, 0, 0, false);
	pages[4] = own(m, o, 4, 0, 2, false) + 3;
	pages[5] = own(m, o, 5, 0, 0, true);
	pages[6] = own(m, o, 6, 0, 0, false);
	pmm_put_page(m, pages[6]);
	o->page[6] = NULL;
	memset(&stranger, 0, sizeof(stranger));
	pages[7] = &stranger;

	/* a node without memory: nothing moves */
	nodes[1] = 3;
	assert_int_equal(pmm_move_pages(m, 8, pages, nodes, status), -ENODEV);
	nodes[1] = -1;
	assert_int_equal(pmm_move_pages(m, 8, pages, nodes, status), -ENODEV);
	assert_int_equal(o->moves, 0);
	nodes[1] = 2;
	assert_int_equal(pmm_move_pages(m, 1, NULL, nodes, status), -EINVAL);

	assert_int_equal(pmm_move_pages(m, 8, pages, nodes, status), 0);
	for (i = 0; i < 8; i++)
		if (status[i] != expect[i])
			fail_msg("entry %lu: status %d, expected %d", i, status[i], expect[i]);
	assert_int_equal(o->moves, 4);
	assert_int_equal(migrated(m), 3 + 4);
	for (i = 0; i < 5; i++)
		assert_int_equal(pmm_page_to_nid(o->page[i]), nodes[i]);
	assert_int_equal(pmm_compound_order(o->page[4]), 2);
	assert_int_equal(pmm_lru_pages(m, 1, PMM_LRU_INACTIVE_ANON), 2 + 4);
	assert_int_equal(pmm_lru_pages(m, 2, PMM_LRU_INACTIVE_ANON), 1);
	assert_int_equal(pmm_lru_pages(m, 0, PMM_LRU_INACTIVE_ANON), 1);
	check(m, o);

	/* no nodes: where each one is */
	for (i = 0; i < 6; i++)
		pages[i] = o->page[i];
	assert_int_equal(pmm_move_pages(m, 6, pages, NULL, status), 0);
	for (i = 0; i < 6; i++)
		assert_int_equal(status[i], i < 5 ? nodes[i] : 0);
	assert_int_equal(o->moves, 4);
	assert_int_equal(pmm_check(m), 0);
	put_all(m, o);
	pmm_shutdown(m);
	free(o);
}

/*
 * A node full to its last free page refuses a move: -ENOMEM in the status
 * and the return value counts the folio; it stays where it was, on the LRU.
 */
static void test_move_pages_full_node(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	struct pmm_page *page, *p, *filler = NULL;
	struct pmm_machine *m;
	int node = 2, status;

	(void)state;
	assert_non_null(o);
	m = boot3(o);
	page = own(m, o, 0, 0, 0, false);
	while ((p = pmm_alloc_pages_node(m, 2, PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_THISNODE |
					 __PMM_GFP_NORETRY | __PMM_GFP_NOWARN |
					 __PMM_GFP_MEMALLOC, 0))) {
		p->lru.next = (struct pmm_list_head *)filler;	/* a chain of them */
		filler = p;
	}
	assert_int_equal(pmm_move_pages(m, 1, &page, &node, &status), 1);
	assert_int_equal(status, -ENOMEM);
	assert_ptr_equal(o->page[0], page);
	assert_int_equal(pmm_page_to_nid(page), 0);
	assert_true(pmm_page_test_flag(page, PMM_PG_lru));
	while (filler) {
		p = filler;
		filler = (struct pmm_page *)p->lru.next;
		pmm_free_pages(m, p, 0);
	}
	assert_int_equal(pmm_move_pages(m, 1, &page, &node, &status), 0);
	assert_int_equal(status, 2);
	check(m, o);
	assert_int_equal(pmm_check(m), 0);
	put_all(m, o);
	pmm_shutdown(m);
	free(o);
}

static unsigned long lru_folios_on(struct pmm_machine *m, const struct owner *o, int nid)
{
	unsigned long i, n = 0;

	(void)m;
	for (i = 0; i < NR; i++)
		n += o->page[i] && pmm_page_to_nid(o->page[i]) == nid;
	return n;
}

static void mask(pmm_nodemask_t *nm, const char *list)
{
	assert_int_equal(pmm_nodelist_parse(list, nm), 0);
}

/*
 * migrate_pages(2) from {0,1} to {1,2}: node 0's folios go to node 1 and
 * node 1's to node 2; the kernel takes node 1 first (its destination is
 * not a source still to do), so each folio moves once: 100 + 2 + 50 moves.
 * Taken the other way, node 0's would go on to node 2. From {0,1} to {1}
 * (weights differ): node 1 keeps its own, node 0's come to it. Folios off
 * the LRU stay.
 */
static void test_migrate_pages(void **state)
{
	struct owner *o = calloc(1, sizeof(*o));
	pmm_nodemask_t from, to;
	struct pmm_machine *m;
	unsigned long i;

	(void)state;
	assert_non_null(o);
	m = boot3(o);
	for (i = 0; i < 100; i++)
		own(m, o, i, 0, 0, false);
	own(m, o, 100, 0, 2, false);
	own(m, o, 101, 0, 2, false);
	own(m, o, 102, 0, 0, true);	/* off the LRU: stays */
	for (i = 110; i < 160; i++)
		own(m, o, i, 1, 0, false);
	mask(&from, "0-1");
	mask(&to, "1-2");
	assert_int_equal(pmm_migrate_pages(m, &from, &to), 0);
	assert_int_equal(o->moves, 100 + 2 + 50);
	assert_int_equal(lru_folios_on(m, o, 0), 1);
	assert_int_equal(lru_folios_on(m, o, 1), 102);
	assert_int_equal(lru_folios_on(m, o, 2), 50);
	assert_int_equal(pmm_page_to_nid(o->page[102]), 0);
	assert_int_equal(pmm_lru_pages(m, 1, PMM_LRU_INACTIVE_ANON), 100 + 8);
	check(m, o);

	mask(&from, "1-2");
	mask(&to, "1");
	assert_int_equal(pmm_migrate_pages(m, &from, &to), 0);
	assert_int_equal(o->moves, 100 + 2 + 50 + 50);
	assert_int_equal(lru_folios_on(m, o, 1), 152);
	assert_int_equal(lru_folios_on(m, o, 2), 0);
	check(m, o);

	mask(&to, "3");
	assert_int_equal(pmm_migrate_pages(m, &from, &to), -EINVAL);
	assert_int_equal(pmm_migrate_pages(m, NULL, &to), -EINVAL);
	assert_int_equal(pmm_check(m), 0);
	put_all(m, o);
	pmm_shutdown(m);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_move_pages),
		cmocka_unit_test(test_move_pages_full_node),
		cmocka_unit_test(test_migrate_pages),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

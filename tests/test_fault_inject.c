// SPDX-License-Identifier: MIT
/*
 * Allocation failures, injected one by one (pmm_fail_nth(), the kernel's
 * fail-nth): during boot, hot-add, online, offline and memremap, the Nth
 * host allocation fails for every N in turn. Each such call returns
 * -ENOMEM and leaves the machine as it was (pmm_check() clean, the same
 * blocks, pages and spans), and the same call succeeds when retried.
 * Leaks show under the AddressSanitizer build (LeakSanitizer at exit).
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <string.h>

#include "pmm_test.h"

#define G	(1ULL << 30)
#define M	(1ULL << 20)

static const struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .phys_limit = 16 * G };

/* Two nodes of 256 MiB each, a DIMM range for hotplug, room up to 16 GiB. */
static struct pmm_machine_desc *small_desc(void)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, M, 256 * M, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 4 * G, 4 * G + 256 * M, 1, 0));
	assert_desc_ok(d, pmm_machine_desc_set_cmdline(d, "memhp_default_state=offline"));
	return d;
}

/* What must not change when a call fails: a digest of the machine's state. */
struct state {
	unsigned long	free_pages, present, spanned, blocks, memblocks;
	int		online_nodes;
};

static struct state snapshot(struct pmm_machine *m)
{
	struct state s = { 0 };
	int nid, z;

	pmm_for_each_online_node(nid, m) {
		pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		s.present += pgdat->node_present_pages;
		s.spanned += pgdat->node_spanned_pages;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			s.free_pages += pmm_zone_free_pages(&pgdat->node_zones[z]);
		s.online_nodes++;
	}
	s.blocks = pmm_memory_block_count(m);
	s.memblocks = pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY);
	return s;
}

static void assert_unchanged(struct pmm_machine *m, const struct state *before)
{
	struct state now = snapshot(m);

	assert_int_equal(now.free_pages, before->free_pages);
	assert_int_equal(now.present, before->present);
	assert_int_equal(now.spanned, before->spanned);
	assert_int_equal(now.blocks, before->blocks);
	assert_int_equal(now.memblocks, before->memblocks);
	assert_int_equal(now.online_nodes, before->online_nodes);
	assert_int_equal(pmm_check(m), 0);
}

/*
 * Fail allocation 1, 2, ... of op until op gets through without reaching
 * the failure. Each injected failure must give -ENOMEM and change nothing;
 * undo() puts the machine back after each success. Returns how many
 * allocations op makes.
 */
static unsigned int inject_each(struct pmm_machine *m, int (*op)(struct pmm_machine *),
				void (*undo)(struct pmm_machine *))
{
	unsigned int n;

	for (n = 1;; n++) {
		struct state before = snapshot(m);
		int err;

		pmm_fail_nth(n);
		err = op(m);
		if (pmm_fail_nth_read()) {	/* op made fewer than n allocations */
			pmm_fail_nth(0);
			assert_int_equal(err, 0);
			undo(m);
			return n - 1;
		}
		if (err != -ENOMEM)
			fail_msg("allocation %u failed: the call returned %d, not -ENOMEM", n, err);
		assert_unchanged(m, &before);
		assert_int_equal(op(m), 0);	/* the same call, retried */
		undo(m);
		assert_unchanged(m, &before);
	}
}

/* ---- boot ------------------------------------------------------------------------------------- */

/* Boot with allocation 1, 2, ... failing: -ENOMEM and no machine each time. */
static unsigned int inject_boot(const struct pmm_machine_desc *d, const struct pmm_boot_opts *o)
{
	struct pmm_machine *m;
	unsigned int n;
	int err;

	for (n = 1;; n++) {
		m = (struct pmm_machine *)1;
		pmm_fail_nth(n);
		err = pmm_boot(d, o, &m);
		if (pmm_fail_nth_read()) {
			pmm_fail_nth(0);
			assert_int_equal(err, 0);
			assert_int_equal(pmm_check(m), 0);
			pmm_shutdown(m);
			return n - 1;
		}
		if (err != -ENOMEM)
			fail_msg("boot allocation %u failed: pmm_boot returned %d, not -ENOMEM", n, err);
		assert_null(m);
	}
}

static void test_boot(void **state)
{
	struct pmm_machine_desc *d = small_desc();
	struct pmm_boot_opts deferred = opts;
	unsigned int n;
	int err;

	(void)state;
	/* struct pages deferred: the ranges left to deferred init are recorded too */
	deferred.defer = PMM_DEFER_DEFERRED;
	print_message("deferred boot: %u allocations, each failed in turn\n",
		      inject_boot(d, &deferred));
	n = inject_boot(d, &opts);
	print_message("boot: %u allocations, each failed in turn\n", n);
	assert_true(n > 10);	/* memblock, memmap, nodes, zones, per-CPU lists, ... */
	pmm_machine_desc_destroy(d);

	/* the descriptions' own allocations */
	for (n = 1;; n++) {
		pmm_fail_nth(n);
		d = NULL;
		err = pmm_machine_desc_create("x86_64", &d);
		if (!err)
			err = pmm_machine_desc_add_node(d, 0, "0-3");
		if (!err)
			err = pmm_machine_desc_add_memory(d, M, G, 0, 0);
		if (!err)
			err = pmm_machine_desc_set_cmdline(d, "movablecore=10%");
		if (pmm_fail_nth_read()) {
			pmm_fail_nth(0);
			assert_int_equal(err, 0);
			pmm_machine_desc_destroy(d);
			break;
		}
		assert_int_equal(err, -ENOMEM);
		pmm_machine_desc_destroy(d);
	}
}

/* ---- hotplug ------------------------------------------------------------------------------------ */

static struct pmm_machine *boot_small(void)
{
	struct pmm_machine_desc *d = small_desc();
	struct pmm_machine *m;

	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	return m;
}

#define DIMM_START	(8 * G)
#define DIMM_SIZE	(256 * M)

static int add_dimm(struct pmm_machine *m)
{
	return pmm_add_memory(m, 1, DIMM_START, DIMM_SIZE);
}

static void remove_dimm(struct pmm_machine *m)
{
	assert_int_equal(pmm_remove_memory(m, DIMM_START, DIMM_SIZE), 0);
}

static unsigned long dimm_block(struct pmm_machine *m)
{
	return (unsigned long)(DIMM_START / pmm_memory_block_size(m));
}

static int online_dimm(struct pmm_machine *m)
{
	return pmm_online_memory_block(m, dimm_block(m), PMM_MMOP_ONLINE_MOVABLE);
}

static void offline_dimm(struct pmm_machine *m)
{
	assert_int_equal(pmm_offline_memory_block(m, dimm_block(m)), 0);
}

static int offline_dimm_op(struct pmm_machine *m)
{
	return pmm_offline_memory_block(m, dimm_block(m));
}

static void online_dimm_undo(struct pmm_machine *m)
{
	assert_int_equal(online_dimm(m), 0);
}

static void test_hotplug(void **state)
{
	struct pmm_machine *m;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM)
		skip();
	{	/* memory hotplug needs SPARSEMEM */
	unsigned int n;

	m = boot_small();
	n = inject_each(m, add_dimm, remove_dimm);
	print_message("hot-add: %u allocations, each failed in turn\n", n);
	assert_true(n > 0);
	assert_int_equal(add_dimm(m), 0);
	n = inject_each(m, online_dimm, offline_dimm);
	print_message("online: %u allocations\n", n);
	assert_int_equal(online_dimm(m), 0);
	n = inject_each(m, offline_dimm_op, online_dimm_undo);
	print_message("offline: %u allocations\n", n);
	offline_dimm(m);
	remove_dimm(m);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
	}
}

/* ---- memremap ------------------------------------------------------------------------------------ */

static struct pmm_dev_pagemap pgmap;

static void page_free(struct pmm_dev_pagemap *p, struct pmm_page *page)
{
	(void)p;
	(void)page;
}

static const struct pmm_dev_pagemap_ops pgmap_ops = { .page_free = page_free };

static int memremap(struct pmm_machine *m)
{
	memset(&pgmap, 0, sizeof(pgmap));
	pgmap.type = PMM_MEMORY_DEVICE_GENERIC;
	pgmap.range.start = 10 * G;
	pgmap.range.end = 10 * G + 64 * M - 1;
	pgmap.ops = &pgmap_ops;
	return pmm_memremap_pages(m, &pgmap, 1);
}

static void memunmap(struct pmm_machine *m)
{
	pmm_memunmap_pages(m, &pgmap);
}

static void test_memremap(void **state)
{
	struct pmm_machine *m;

	(void)state;
	if (!PMM_CONFIG_SPARSEMEM_VMEMMAP)
		skip();	/* ZONE_DEVICE needs SPARSEMEM_VMEMMAP */
	{
	unsigned int n;

	m = boot_small();
	n = inject_each(m, memremap, memunmap);
	print_message("memremap: %u allocations, each failed in turn\n", n);
	assert_true(n > 0);
	pmm_shutdown(m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot),
		cmocka_unit_test(test_hotplug),
		cmocka_unit_test(test_memremap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

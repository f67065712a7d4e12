// SPDX-License-Identifier: MIT
/*
 * /proc/vmstat and /proc/meminfo as pmm prints them, against values worked
 * out by hand from mm/vmstat.c, mm/page-writeback.c, fs/proc/meminfo.c,
 * mm/util.c and arch/x86/mm/init.c (the fixtures' comparison in
 * test_fixtures.c checks the lines and totals against real kernels):
 * the counters an allocation, a free and a hot-add move; the memmap's
 * pages of each memory model; the direct map's split; the dirty
 * thresholds and the commit limit as their sysctls change them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmm_test.h"
#include "internal.h"

/* The value of line @name; fails the test if there is none. */
static unsigned long value(const char *text, const char *name)
{
	long v = pmm_test_field(text, name);

	if (v < 0)
		fail_msg("no line %s in:\n%s", name, text);
	return (unsigned long)v;
}

static unsigned long vmstat(const struct pmm_machine *m, const char *name)
{
	char *text = pmm_test_capture(m, pmm_print_vmstat);
	unsigned long v = value(text, name);

	free(text);
	return v;
}

static unsigned long meminfo(const struct pmm_machine *m, const char *name)
{
	char *text = pmm_test_capture(m, pmm_print_meminfo);
	unsigned long v = value(text, name);

	free(text);
	return v;
}

/* x86-64, one node, [0, 768 MiB + 1 MiB): DMA and DMA32, a partial 7th section */
#define END	(0x30000000ULL + 0x100000)

static void test_allocations_counted(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_simple("x86_64", 0, END), 0);
	struct pmm_page *pages[100];
	unsigned long alloc0 = vmstat(m, "pgalloc_dma32"), free0 = vmstat(m, "pgfree");
	unsigned long nr_free0 = vmstat(m, "nr_free_pages");
	int i;

	(void)state;
	assert_int_equal(vmstat(m, "pgalloc_normal"), 0);	/* no memory above 4 GiB */
	for (i = 0; i < 100; i++) {
		pages[i] = pmm_alloc_pages(m, PMM_GFP_KERNEL, i < 90 ? 0 : 3);
		assert_non_null(pages[i]);
	}
	/* 90 single pages and 10 of 8: PGALLOC counts pages, in the zone they came from */
	assert_int_equal(vmstat(m, "pgalloc_dma32") - alloc0, 90 + 10 * 8);
	assert_int_equal(vmstat(m, "pgalloc_dma"), 0);
	for (i = 0; i < 100; i++)
		pmm_free_pages(m, pages[i], i < 90 ? 0 : 3);
	assert_int_equal(vmstat(m, "pgfree") - free0, 90 + 10 * 8);
	pmm_drain_all_pages(m);
	assert_int_equal(vmstat(m, "nr_free_pages"), nr_free0 + 0 * 1);
	/* MemFree is nr_free_pages in KiB */
	assert_int_equal(meminfo(m, "MemFree"), vmstat(m, "nr_free_pages") * 4);
	assert_int_equal(vmstat(m, "nr_unstable"), 0);
	pmm_shutdown(m);
}

/*
 * nr_memmap_boot_pages: SPARSEMEM gives each present section its memmap,
 * 32768 struct pages of 64 bytes = 512 pages, 7 sections = 3584;
 * FLATMEM one map from 0 to the end rounded up to MAX_ORDER_NR_PAGES
 * (1024): 0x30400 pages * 64 / 4096 = 3088. A hot-added section brings
 * 512 more to nr_memmap_pages, and its removal takes them back.
 */
static void test_memmap_pages(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0, END);
	struct pmm_boot_opts opts = { .phys_limit = 8ULL << 30 };
	struct pmm_machine *m = NULL;

	(void)state;
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	pmm_machine_desc_destroy(d);
	assert_int_equal(vmstat(m, "nr_memmap_boot_pages"), PMM_CONFIG_SPARSEMEM ? 3584 : 3088);
	assert_int_equal(vmstat(m, "nr_memmap_pages"), 0);
	if (PMM_CONFIG_SPARSEMEM) {
		assert_int_equal(pmm_add_memory(m, 0, 1ULL << 32, 128ULL << 20), 0);
		assert_int_equal(vmstat(m, "nr_memmap_pages"), 512);
		assert_int_equal(vmstat(m, "nr_memmap_boot_pages"), 3584);
		/* mapped in 2 MiB pages on x86-64 as arch_add_memory() maps it */
		assert_int_equal(meminfo(m, "DirectMap2M"), 784384 + 131072);
		/* the block the kernel onlined by itself goes offline before it goes */
		if (pmm_offline_memory_block(m, (1ULL << 32) / pmm_memory_block_size(m)) != 0)
			fail_msg("could not offline the hot-added block");
		assert_int_equal(pmm_remove_memory(m, 1ULL << 32, 128ULL << 20), 0);
		assert_int_equal(vmstat(m, "nr_memmap_pages"), 0);
	}
	pmm_shutdown(m);
}

/*
 * The direct map of [0, 769 MiB): the ISA MiB and [1, 2) MiB and [768, 769)
 * MiB in 4 KiB pages (3072 kB), [2, 768) MiB in 2 MiB pages (784384 kB).
 * On 32-bit PAE only lowmem is mapped: 2 GiB leaves max_low_pfn at
 * 0x36ffe, so [0, 0x36ffe000): 4 KiB pages for the ISA MiB, [1, 2) MiB
 * and [0x36e00000, 0x36ffe000) (2040 kB): 4088 kB, the rest 2 MiB pages.
 * arm64 has no such lines.
 */
static void test_direct_map(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(pmm_test_desc_simple("x86_64", 0, END), 0);
	char *text;

	(void)state;
	assert_int_equal(meminfo(m, "DirectMap4k"), 3072);
	assert_int_equal(meminfo(m, "DirectMap2M"), 784384);
	pmm_shutdown(m);

	m = pmm_test_boot_desc(pmm_test_desc_simple("x86_32_pae", 0, 2ULL << 30), 0);
	assert_int_equal(meminfo(m, "DirectMap4k"), 4088);
	assert_int_equal(meminfo(m, "DirectMap2M"), (0x36e00000UL - 0x200000UL) >> 10);
	/* HighMem: what lies above lowmem; LowTotal the rest */
	assert_int_equal(meminfo(m, "HighTotal") + meminfo(m, "LowTotal"), meminfo(m, "MemTotal"));
	assert_true(meminfo(m, "HighTotal") > 1000000);
	/* 120 MiB of vmalloc above a full lowmem, as the 686-pae kernel has */
	assert_int_equal(meminfo(m, "VmallocTotal"), 122880);
	pmm_shutdown(m);

	m = pmm_test_boot_desc(pmm_test_desc_simple("arm64", 0x40000000, 0x80000000), 0);
	text = pmm_test_capture(m, pmm_print_meminfo);
	assert_null(strstr(text, "DirectMap"));
	assert_non_null(strstr(text, "\nCmaTotal:"));
	assert_null(strstr(text, "\nUnaccepted:"));
	free(text);
	pmm_shutdown(m);
}

/*
 * global_dirty_limits(): available = free - reserve + file + 1, threshold
 * dirty_ratio % of it in PAGE_SIZE fixed point (20: 819/4096), background
 * dirty_background_ratio % (10: 409/4096), halved threshold if not below
 * it. CommitLimit: overcommit_ratio % of MemTotal plus swap.
 */
static void test_dirty_and_commit_limits(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0, END);
	struct pmm_machine *m;
	unsigned long avail, total_kb;
	long v40 = 40, v50 = 50, v80 = 80;

	(void)state;
	assert_int_equal(pmm_machine_desc_set_swap(d, 64ULL << 20), 0);
	m = pmm_test_boot_desc(d, 0);
	avail = vmstat(m, "nr_free_pages") - m->totalreserve_pages + 1;
	assert_int_equal(vmstat(m, "nr_dirty_threshold"), 819 * avail / 4096);
	assert_int_equal(vmstat(m, "nr_dirty_background_threshold"), 409 * avail / 4096);
	assert_int_equal(pmm_sysctl_write(m, "vm.dirty_ratio", &v40, 1), 0);
	assert_int_equal(pmm_sysctl_write(m, "dirty_background_ratio", &v50, 1), 0);
	avail = vmstat(m, "nr_free_pages") - m->totalreserve_pages + 1;	/* nothing else runs */
	assert_int_equal(vmstat(m, "nr_dirty_threshold"), 1638 * avail / 4096);
	assert_int_equal(vmstat(m, "nr_dirty_background_threshold"), 1638 * avail / 4096 / 2);

	/* 64 MiB of swap: 16383 usable slots after the header */
	total_kb = meminfo(m, "MemTotal");
	assert_int_equal(meminfo(m, "SwapTotal"), 65532);
	assert_int_equal(meminfo(m, "SwapFree"), 65532);
	assert_int_equal(meminfo(m, "CommitLimit"), (total_kb / 4 * 50 / 100 + 16383) * 4);
	assert_int_equal(pmm_sysctl_write(m, "vm.overcommit_ratio", &v80, 1), 0);
	assert_int_equal(meminfo(m, "CommitLimit"), (total_kb / 4 * 80 / 100 + 16383) * 4);
	assert_int_equal(pmm_sysctl_write(m, "vm.dirty_ratio", (long[]){ 101 }, 1), -EINVAL);
	pmm_shutdown(m);
}

/* Lines that depend on the kernel's version and build (vmstat_text[]). */
static void test_lines_by_kernel(void **state)
{
	struct pmm_machine_desc *d = pmm_test_desc_simple("x86_64", 0, END);
	struct pmm_machine *m;
	char *text;

	(void)state;
	assert_int_equal(pmm_machine_desc_set_kernel(d, "6.1"), 0);
	m = pmm_test_boot_desc(d, 0);
	text = pmm_test_capture(m, pmm_print_vmstat);
	/* 6.1: demotions are events after pgsteal_direct; no khugepaged, memmap or zswpwb lines */
	assert_non_null(strstr(text, "\npgsteal_direct 0\npgdemote_kswapd 0\npgdemote_direct 0\n"
				     "pgscan_kswapd 0\n"));
	assert_null(strstr(text, "nr_memmap_boot_pages"));
	assert_null(strstr(text, "zswpwb"));
	assert_null(strstr(text, "nr_unaccepted"));
	free(text);
	text = pmm_test_capture(m, pmm_print_meminfo);
	assert_null(strstr(text, "Unaccepted"));
	free(text);
	pmm_shutdown(m);
}

/* A frag fixture's directory: the shared checkout's, else the repository's copy. */
static void frag_dir(char *dir, size_t len, const char *name)
{
	char path[4200];

	snprintf(dir, len, "%s/../linux-frag/%s", PMM_FIXTURES_DIR, name);
	snprintf(path, sizeof(path), "%s/step1_extfrag_index.txt", dir);
	if (access(path, R_OK))
		snprintf(dir, len, "%s/linux-frag/%s", PMM_REPO_FIXTURES_DIR, name);
}

static int print_extfrag_index(const struct pmm_machine *m, FILE *f)
{
	return pmm_print_extfrag(m, f, PMM_EXTFRAG_INDEX);
}

static int print_unusable_index(const struct pmm_machine *m, FILE *f)
{
	return pmm_print_extfrag(m, f, PMM_UNUSABLE_INDEX);
}

/*
 * debugfs extfrag_index and unusable_index, byte for byte: the machine of
 * each fragmentation capture, its zones' free lists counted as the
 * kernel's buddyinfo of each step counted them (written into the zones
 * for the print, then put back), print what the kernel printed. Steps 0-3
 * (boot, filled, half freed, compacted); in step 4 the huge page pool was
 * still settling and the kernel read buddyinfo and the indices at
 * different free counts.
 */
static void test_extfrag_against_kernel(void **state)
{
	static const char *const machines[] = {
		"x86_64-1node-2G-frag-compact", "x86_64-1node-2G-frag-direct",
		"x86_64-1node-2G-frag-none", "x86_64-1node-2G-frag-compact-k6.1",
	};
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .defer = PMM_DEFER_EAGER };
	static const struct {
		const char *name;
		int (*print)(const struct pmm_machine *, FILE *);
	} files[] = {
		{ "extfrag_index", print_extfrag_index }, { "unusable_index", print_unusable_index },
	};
	char dir[4096], path[4200], err[512];
	unsigned int i, f, step, compared = 0;

	(void)state;
	for (i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
		struct pmm_machine_desc *d;
		struct pmm_machine *m = NULL;

		frag_dir(dir, sizeof(dir), machines[i]);
		snprintf(path, sizeof(path), "%s/machine.json", dir);
		assert_int_equal(pmm_machine_desc_from_json(path, &d, err, sizeof(err)), 0);
		assert_int_equal(pmm_boot(d, &opts, &m), 0);
		pmm_machine_desc_destroy(d);
		pmm_drain_all_pages(m);
		for (step = 0; step <= 3; step++) {
			unsigned long saved[PMM_MAX_NR_ZONES][PMM_NR_PAGE_ORDERS];
			char *buddy, *want, *got, *line;
			struct pmm_zone *zones = pmm_node_data(m, 0)->node_zones;
			int z, o;

			snprintf(path, sizeof(path), "%s/step%u_buddyinfo.txt", dir, step);
			if (access(path, R_OK))		/* frag-direct has no compaction step */
				continue;
			buddy = pmm_test_read_file(path);
			for (z = 0; z < PMM_MAX_NR_ZONES; z++)
				for (o = 0; o < PMM_NR_PAGE_ORDERS; o++)
					saved[z][o] = zones[z].free_area[o].nr_free;
			for (line = strtok(buddy, "\n"); line; line = strtok(NULL, "\n")) {
				char zname[16];
				int n = 0, pos;
				const char *p;

				assert_int_equal(sscanf(line, "Node 0, zone %15s%n", zname, &pos), 1);
				for (z = 0; z < PMM_MAX_NR_ZONES; z++)
					if (!strcmp(zones[z].name, zname))
						break;
				assert_true(z < PMM_MAX_NR_ZONES);
				for (p = line + pos, o = 0; o <= (int)m->max_page_order; o++) {
					unsigned long v;

					assert_int_equal(sscanf(p, "%lu%n", &v, &n), 1);
					zones[z].free_area[o].nr_free = v;
					p += n;
				}
			}
			free(buddy);
			for (f = 0; f < 2; f++) {
				snprintf(path, sizeof(path), "%s/step%u_%s.txt", dir, step, files[f].name);
				want = pmm_test_read_file(path);
				got = pmm_test_capture(m, files[f].print);
				if (strcmp(got, want))
					fail_msg("%s step %u %s:\n--- pmm\n%s--- kernel\n%s", machines[i],
						 step, files[f].name, got, want);
				free(got);
				free(want);
			}
			for (z = 0; z < PMM_MAX_NR_ZONES; z++)
				for (o = 0; o < PMM_NR_PAGE_ORDERS; o++)
					zones[z].free_area[o].nr_free = saved[z][o];
			compared++;
		}
		assert_int_equal(pmm_check(m), 0);
		pmm_shutdown(m);
	}
	assert_true(compared >= 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allocations_counted),
		cmocka_unit_test(test_memmap_pages),
		cmocka_unit_test(test_direct_map),
		cmocka_unit_test(test_dirty_and_commit_limits),
		cmocka_unit_test(test_lines_by_kernel),
		cmocka_unit_test(test_extfrag_against_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * compaction: the fragmentation workload real kernels ran in
 * fixtures/linux-frag (fragtest.c there), replayed on a pmm machine.
 *
 *   step1  fill 80 % of free memory with order-0 movable pages, as an
 *          anonymous mapping touched in ascending order: each page on the
 *          LRU, a page table (unmovable) before every 512 of them;
 *   step2  free every other page, by pfn parity: the even pfns (the
 *          kernel's usual case) or the odd ones;
 *   step3  compact every zone, as echo 1 > /proc/sys/vm/compact_memory
 *          ("frag"; not in "frag-direct" and "frag-none");
 *   step4  allocate 2 MiB pages as hugetlb does (GFP_HIGHUSER_MOVABLE |
 *          __GFP_COMP | __GFP_RETRY_MAYFAIL | __GFP_NOWARN | __GFP_THISNODE)
 *          one after another until one fails, each through the slow path
 *          with direct compaction. "frag-none" first sets
 *          vm.extfrag_threshold=1000, so compaction_suitable() refuses.
 *
 * Time passes as it did on the kernel (the fixture's step durations, on
 * pmm's simulated clock), and kswapd and kcompactd run inline
 * (PMM_BOOT_INLINE_DAEMONS): kcompactd's proactive compaction fires every
 * 500 ms of that time, as it did while the kernel allocated huge pages, and
 * every run gives the same figures.
 *
 * Given a linux-frag fixture directory, it boots its machine.json, replays
 * its mode and the parity the kernel freed, and prints pmm's figures next
 * to the kernel's; --check makes it fail (exit 1) when the huge pages
 * obtained differ from the kernel's by more than 10 %. Without a directory
 * it runs "frag" on a 2 GiB x86-64 machine like the fixtures', at the pace
 * of x86_64-1node-2G-frag-compact's kernel.
 *
 * Build: cc -std=c11 compaction.c $(pkg-config --cflags --libs pmm)
 * usage: compaction [--check] [--mode frag|frag-direct|frag-none]
 *                   [--free even-pfn|odd-pfn] [--machine FILE | FIXTURE_DIR]
 * (--machine runs the workload on any machine file, without a kernel to
 * compare with.)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmm/pmm.h>

/* the huge page order (HPAGE_PMD_ORDER, which is pageblock_order here) and the
 * pages one page table maps: 9 and 512 on x86-64 with 4 KiB pages */
static unsigned int huge_order = 9;
#define HUGE_ORDER	huge_order
#define PTRS_PER_PTE	(1UL << huge_order)

/* Where each page of the region is: migration tells us when it moves. */
struct region {
	struct pmm_page	**page;		/* by page index (vidx); NULL once freed */
	unsigned long	nr;
};

static int on_migrate(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct region *r = arg;
	unsigned long vidx = pmm_page_private(to);	/* carried by migration */

	(void)order;
	if (vidx >= r->nr || r->page[vidx] != from)
		return -1;
	r->page[vidx] = to;
	return 0;
}

/* What the kernel did, from the fixture directory. */
struct kernel_run {
	char		mode[32];
	int		freed_parity;		/* pfn parity the kernel freed: 0 even, 1 odd */
	long		huge_pages;		/* HugePages_Total_reached */
	unsigned long	buddy[3][16];		/* step2-4 buddyinfo, summed over zones */
	long		vmstat[2][11];		/* step3 and step4 counters below */
	/* how long each step took (stepN_info.txt): the replay lets as much
	 * simulated time pass, so that kcompactd's timer fires as often */
	double		touch_s, free_s, compact_s, huge_s;
	unsigned long	touched;		/* pages_touched */
};

static const char *const counters[] = {
	"compact_stall", "compact_success", "compact_fail", "pgmigrate_success",
	"pgmigrate_fail", "compact_migrate_scanned", "compact_free_scanned", "compact_isolated",
	"compact_daemon_wake", "compact_daemon_migrate_scanned", "pageoutrun",
};
#define NR_COUNTERS	(sizeof(counters) / sizeof(counters[0]))

static FILE *open_in(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return fopen(path, "r");
}

static void read_buddyinfo(const char *dir, const char *name, unsigned long *sum)
{
	FILE *f = open_in(dir, name);
	char line[512];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "zone");
		int o = 0;

		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;	/* the zone's name */
		for (char *end; o < 16; o++, p = end) {
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			sum[o] += v;
		}
	}
	fclose(f);
}

static void read_vmstat(const char *dir, const char *name, long *out)
{
	FILE *f = open_in(dir, name);
	char key[64];
	long v;

	if (!f)
		return;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		for (size_t i = 0; i < NR_COUNTERS; i++)
			if (!strcmp(key, counters[i]))
				out[i] = v;
	fclose(f);
}

static int read_kernel_run(const char *dir, struct kernel_run *k)
{
	FILE *f = open_in(dir, "frag_summary.txt");
	char line[512];
	unsigned long vidx, pfn;

	if (!f) {
		fprintf(stderr, "%s: no frag_summary.txt: not a linux-frag fixture\n", dir);
		return -ENOENT;
	}
	k->huge_pages = -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "mode: %31s", k->mode);
		sscanf(line, "HugePages_Total_reached: %ld", &k->huge_pages);
		sscanf(line, "pages_touched: %lu", &k->touched);
	}
	fclose(f);
	for (int step = 1; step <= 4; step++) {
		char name[32];

		snprintf(name, sizeof(name), "step%d_info.txt", step);
		f = open_in(dir, name);
		while (f && fgets(line, sizeof(line), f)) {
			sscanf(line, "touch_seconds: %lf", &k->touch_s);
			sscanf(line, "free_seconds: %lf", &k->free_s);
			sscanf(line, "compact_seconds: %lf", &k->compact_s);
			sscanf(line, "hugepages_seconds: %lf", &k->huge_s);
		}
		if (f)
			fclose(f);
	}
	/* the parity of the pages still mapped after step2: the other one was freed */
	f = open_in(dir, "step2_pagemap.txt");
	k->freed_parity = -1;
	while (f && fgets(line, sizeof(line), f))
		if (line[0] != '#' && sscanf(line, "%lu %lx", &vidx, &pfn) == 2) {
			k->freed_parity = !(pfn & 1);
			break;
		}
	if (f)
		fclose(f);
	if (!k->mode[0] || k->huge_pages < 0 || k->freed_parity < 0) {
		fprintf(stderr, "%s: frag_summary.txt or step2_pagemap.txt incomplete\n", dir);
		return -EINVAL;
	}
	read_buddyinfo(dir, "step2_buddyinfo.txt", k->buddy[0]);
	read_buddyinfo(dir, "step3_buddyinfo.txt", k->buddy[1]);
	read_buddyinfo(dir, "step4_buddyinfo.txt", k->buddy[2]);
	read_vmstat(dir, "step3_vmstat.txt", k->vmstat[0]);
	read_vmstat(dir, "step4_vmstat.txt", k->vmstat[1]);
	return 0;
}

static unsigned long free_pages(struct pmm_machine *m)
{
	unsigned long sum = 0;
	int nid, z;

	pmm_for_each_online_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			sum += pmm_zone_free_pages(&pmm_node_data(m, nid)->node_zones[z]);
	return sum;
}

static void buddy_sum(struct pmm_machine *m, unsigned long *sum)
{
	int nid, z;

	memset(sum, 0, 16 * sizeof(*sum));
	pmm_for_each_online_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			for (int o = 0; o < 16 && o < PMM_NR_PAGE_ORDERS; o++)
				sum[o] += pmm_node_data(m, nid)->node_zones[z].free_area[o].nr_free;
}

/* the share of free memory in blocks a huge page can come from, in percent */
static double huge_share(const unsigned long *b)
{
	double all = 0, huge = 0;

	for (int o = 0; o < 16; o++) {
		all += (double)(b[o] << o);
		if (o >= (int)HUGE_ORDER)
			huge += (double)(b[o] << o);
	}
	return all ? 100.0 * huge / all : 0;
}

/*
 * The same shape: the share of free memory in huge-page blocks within 20
 * points of the kernel's. Prints both; returns 1 when they differ more.
 */
static int compare_shape(const char *when, const unsigned long *pmm, const unsigned long *kernel)
{
	double a = huge_share(pmm), b = huge_share(kernel);

	printf("  free memory in blocks of order %u+ %s: pmm %.0f %%, kernel %.0f %%\n", HUGE_ORDER,
	       when, a, b);
	return a - b > 20 || b - a > 20;
}

static void print_buddy(const char *who, const unsigned long *b)
{
	printf("  %-7s", who);
	for (int o = 0; o <= 10; o++)
		printf(" %7lu", b[o]);
	printf("\n");
}

/* buddyinfo summed over zones, pmm's and the kernel's if there is one. Return: 1 if
 * their shapes differ (compare_shape()) */
static int report_buddyinfo(struct pmm_machine *m, const char *when, const unsigned long *kernel)
{
	unsigned long buddy[16];

	buddy_sum(m, buddy);
	printf("buddyinfo %s (orders 0-10, all zones)\n", when);
	print_buddy("pmm", buddy);
	if (!kernel)
		return 0;
	print_buddy("kernel", kernel);
	return compare_shape(when, buddy, kernel);
}

static void events(struct pmm_machine *m, long *out)
{
	static const int items[NR_COUNTERS] = {
		PMM_COMPACT_STALL, PMM_COMPACT_SUCCESS, PMM_COMPACT_FAIL, PMM_PGMIGRATE_SUCCESS,
		PMM_PGMIGRATE_FAIL, PMM_COMPACT_MIGRATE_SCANNED, PMM_COMPACT_FREE_SCANNED,
		PMM_COMPACT_ISOLATED, PMM_COMPACT_DAEMON_WAKE, PMM_KCOMPACTD_MIGRATE_SCANNED,
		PMM_PAGEOUTRUN,
	};
	int nid, z;

	memset(out, 0, NR_COUNTERS * sizeof(*out));
	pmm_for_each_online_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			for (size_t i = 0; i < NR_COUNTERS; i++)
				out[i] += (long)pmm_zone_event(m, &pmm_node_data(m, nid)->node_zones[z],
							       items[i]);
}

static int boot(const char *dir, const char *file, struct region *r, struct pmm_machine **m)
{
	/* kswapd and kcompactd in this thread, on the simulated clock: every run
	 * the same */
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_INLINE_DAEMONS,
				      .migrate_page = on_migrate,
				      .migrate_page_arg = r };
	struct pmm_machine_desc *d = NULL;
	char why[512] = "";
	int err;

	if (dir || file) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/machine.json", dir ? dir : ".");
		err = pmm_machine_desc_from_json(file ? file : path, &d, why, sizeof(why));
		if (err) {
			fprintf(stderr, "%s\n", why);
			return err;
		}
	} else {
		/* the fixtures' machine: 2 GiB on one node, one CPU */
		err = pmm_machine_desc_create("x86_64", &d);
		if (!err)
			err = pmm_machine_desc_add_node(d, 0, "0");
		if (!err)
			err = pmm_machine_desc_add_memory(d, 0x1000, 0x9f000, 0, 0);
		if (!err)
			err = pmm_machine_desc_add_memory(d, 0x100000, 0x7ffe0000, 0, 0);
	}
	if (err) {
		fprintf(stderr, "description: %s\n", d ? pmm_machine_desc_error(d) : strerror(-err));
		pmm_machine_desc_destroy(d);
		return err;
	}
	err = pmm_boot(d, &opts, m);
	pmm_machine_desc_destroy(d);
	if (err)
		fprintf(stderr, "boot: %s\n", strerror(-err));
	return err;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *mode = NULL, *file = NULL;
	int check = 0, freed_parity = -1, err, next_nid;
	pmm_nodemask_t noretry;
	struct kernel_run k = { .huge_pages = -1 };
	int differs = 0;
	double ns_per_touch, ns_per_free, ns_per_huge;
	struct region r = { 0 };
	struct pmm_page **tables, **huge;
	unsigned long nr_tables = 0, nr_huge = 0, i;
	long ev[NR_COUNTERS];
	struct pmm_machine *m;
	double off;

	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--check")) {
			check = 1;
		} else if (!strcmp(argv[a], "--machine") && a + 1 < argc) {
			file = argv[++a];
		} else if (!strcmp(argv[a], "--mode") && a + 1 < argc) {
			mode = argv[++a];
		} else if (!strcmp(argv[a], "--free") && a + 1 < argc) {
			a++;
			freed_parity = !strcmp(argv[a], "even-pfn") ? 0 : !strcmp(argv[a], "odd-pfn") ? 1 : -2;
		} else if (argv[a][0] != '-' && !dir) {
			dir = argv[a];
		} else {
			fprintf(stderr, "usage: %s [--check] [--mode frag|frag-direct|frag-none] "
				"[--free even-pfn|odd-pfn] [--machine FILE | FIXTURE_DIR]\n", argv[0]);
			return 2;
		}
	}
	if (dir && read_kernel_run(dir, &k))
		return 2;
	/* without a capture, the pace of x86_64-1node-2G-frag-compact's kernel */
	if (!k.touched || !k.touch_s) {
		k.touched = 392824;
		k.touch_s = 8.314;
		k.free_s = 1.242;
		k.compact_s = 0.946;
		k.huge_s = 1.964;
	}
	if (k.huge_pages <= 0)
		k.huge_pages = 540;
	if (!mode)
		mode = dir ? k.mode : "frag";
	if (freed_parity == -1)
		freed_parity = dir ? k.freed_parity : 0;
	if (freed_parity < 0 || (strcmp(mode, "frag") && strcmp(mode, "frag-direct") &&
				 strcmp(mode, "frag-none"))) {
		fprintf(stderr, "%s: --mode is frag, frag-direct or frag-none; --free even-pfn or odd-pfn\n",
			argv[0]);
		return 2;
	}
	if (check && !dir) {
		fprintf(stderr, "%s: --check compares with a fixture directory\n", argv[0]);
		return 2;
	}
	if (dir && file) {
		fprintf(stderr, "%s: a fixture directory or --machine, not both\n", argv[0]);
		return 2;
	}
	if (boot(dir, file, &r, &m))
		return 1;
	pmm_set_cpu(m, 0);	/* the workload runs on CPU 0 */
	huge_order = pmm_machine_arch(m)->pageblock_order;
	if (!strcmp(mode, "frag-none")) {
		long v = 1000;

		pmm_sysctl_write(m, "vm.extfrag_threshold", &v, 1);
		v = 0;
		pmm_sysctl_write(m, "vm.compaction_proactiveness", &v, 1);
	}
	printf("%s: mode %s, freeing the pages at %s pfns\n", dir ? dir : file ? file : "2 GiB x86-64", mode,
	       freed_parity ? "odd" : "even");

	/* step1: 80 % of free memory, a page table before every 512 pages */
	r.nr = free_pages(m) * 8 / 10;
	r.page = calloc(r.nr, sizeof(*r.page));
	tables = calloc(r.nr / PTRS_PER_PTE + 2, sizeof(*tables));
	huge = calloc(free_pages(m) >> HUGE_ORDER, sizeof(*huge));
	if (!r.page || !tables || !huge) {
		fprintf(stderr, "out of host memory\n");
		return 1;
	}
	printf("step0   free %lu pages\n", free_pages(m));
	/* simulated time passes as it did on the kernel: per page touched, per
	 * page freed, per huge page */
	ns_per_touch = k.touch_s * 1e9 / (double)k.touched;
	ns_per_free = k.free_s * 1e9 / (double)(k.touched / 2);
	ns_per_huge = k.huge_s * 1e9 / (double)k.huge_pages;
	for (i = 0; i < r.nr; i++) {
		struct pmm_page *p;

		if (i % PTRS_PER_PTE == 0) {
			tables[nr_tables] = pmm_alloc_pages(m, PMM_GFP_KERNEL | __PMM_GFP_ZERO, 0);
			if (tables[nr_tables])
				nr_tables++;
		}
		p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);
		if (!p)
			break;
		pmm_set_page_private(p, i);
		pmm_page_set_flag(p, PMM_PG_swapbacked);	/* anonymous */
		pmm_folio_add_lru(m, (struct pmm_folio *)p);
		r.page[i] = p;
		if (i % PTRS_PER_PTE == PTRS_PER_PTE - 1)
			pmm_clock_advance(m, (unsigned long long)(ns_per_touch * PTRS_PER_PTE));
	}
	r.nr = i;
	printf("step1   %lu pages touched, %lu page tables; free %lu\n", r.nr, nr_tables,
	       free_pages(m));

	/* step2: the pages at one pfn parity go */
	for (i = 0; i < r.nr; i++)
		if ((pmm_page_to_pfn(m, r.page[i]) & 1) == (unsigned long)freed_parity) {
			pmm_folio_put(m, (struct pmm_folio *)r.page[i]);
			r.page[i] = NULL;
			if (i % (2 * PTRS_PER_PTE) < 2)
				pmm_clock_advance(m, (unsigned long long)(ns_per_free * PTRS_PER_PTE));
		}
	printf("step2   free %lu\n", free_pages(m));
	differs |= report_buddyinfo(m, "after step2", dir ? k.buddy[0] : NULL);

	/* step3: explicit compaction */
	if (!strcmp(mode, "frag")) {
		long one = 1;

		err = pmm_sysctl_write(m, "vm.compact_memory", &one, 1);
		if (err)
			fprintf(stderr, "compact_memory: %s\n", strerror(-err));
		pmm_clock_advance(m, (unsigned long long)(k.compact_s * 1e9));
		events(m, ev);
		printf("step3   compacted: %ld pages migrated, %ld failed; free %lu\n", ev[3], ev[4],
		       free_pages(m));
		differs |= report_buddyinfo(m, "after step3", dir && k.buddy[1][0] ? k.buddy[1] : NULL);
	}

	/*
	 * step4: huge pages until one fails, as set_max_huge_pages() makes them:
	 * each from the next node with memory in turn (alloc_pool_huge_folio()),
	 * the first that succeeds; a node that failed while trying hard is asked
	 * again without __GFP_RETRY_MAYFAIL until it succeeds (node_alloc_noretry)
	 */
	next_nid = -1;
	pmm_nodes_clear(&noretry);
	for (;;) {
		struct pmm_page *p = NULL;
		int tries = pmm_num_node_state(m, PMM_N_MEMORY);

		while (!p && tries--) {
			pmm_gfp_t gfp = PMM_GFP_HIGHUSER_MOVABLE | __PMM_GFP_COMP | __PMM_GFP_NOWARN |
					__PMM_GFP_THISNODE;
			int hard;

			next_nid = pmm_next_node_in(next_nid, pmm_node_states(m, PMM_N_MEMORY));
			hard = !pmm_node_isset(next_nid, &noretry);
			if (hard)
				gfp |= __PMM_GFP_RETRY_MAYFAIL;
			p = pmm_alloc_pages_node(m, next_nid, gfp, HUGE_ORDER);
			if (p && !hard)
				pmm_node_clear(next_nid, &noretry);
			if (!p && hard)
				pmm_node_set(next_nid, &noretry);
		}
		if (!p)
			break;
		huge[nr_huge++] = p;
		pmm_clock_advance(m, (unsigned long long)ns_per_huge);
	}
	printf("step4   %lu huge pages; free %lu\n", nr_huge, free_pages(m));
	differs |= report_buddyinfo(m, "after step4", dir ? k.buddy[2] : NULL);
	events(m, ev);
	printf("counters after step4%s\n", dir ? "        pmm     kernel" : "");
	for (i = 0; i < NR_COUNTERS; i++) {
		printf("  %-24s %9ld", counters[i], ev[i]);
		if (dir)
			printf(" %10ld", k.vmstat[1][i]);
		printf("\n");
	}
	/*
	 * The counters move the same way: where the kernel compacted in earnest
	 * (more than 5 stalls, 10000 pages moved), pmm did too, moving as many
	 * within a factor of two; where the kernel did not compact, neither did pmm.
	 */
	if (dir) {
		long stalls = k.vmstat[1][0], moved = k.vmstat[1][3];

		if ((stalls > 5 && !ev[0]) || (!stalls && ev[0]) || (!moved && ev[3]) ||
		    (moved > 10000 && (ev[3] * 2 < moved || ev[3] > 2 * moved))) {
			printf("  compaction differs: %ld stalls and %ld pages moved, the kernel %ld and %ld\n",
			       ev[0], ev[3], stalls, moved);
			differs = 1;
		}
	}
	off = 0;
	if (dir) {
		off = k.huge_pages ? 100.0 * ((double)nr_huge - (double)k.huge_pages) /
				     (double)k.huge_pages : 0;
		printf("huge pages: pmm %lu, kernel %ld (%+.1f %%)\n", nr_huge, k.huge_pages, off);
	}
	err = pmm_check(m);
	if (err)
		fprintf(stderr, "pmm_check: %s\n", strerror(-err));

	for (i = 0; i < nr_huge; i++)
		pmm_free_pages(m, huge[i], HUGE_ORDER);
	for (i = 0; i < r.nr; i++)
		if (r.page[i])
			pmm_folio_put(m, (struct pmm_folio *)r.page[i]);
	for (i = 0; i < nr_tables; i++)
		pmm_free_pages(m, tables[i], 0);
	pmm_shutdown(m);
	free(r.page);
	free(tables);
	free(huge);
	if (err)
		return 1;
	return check && (off > 10.0 || off < -10.0 || differs) ? 1 : 0;
}

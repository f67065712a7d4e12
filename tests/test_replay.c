// SPDX-License-Identifier: MIT
/*
 * Replaying kernel page allocator traces (include/pmm/replay.h): the three
 * text formats (tracefs, trace-cmd report, perf script), what is counted
 * and skipped, the CSV, gzip and plain files; and the real kernel's trace
 * of fixtures/traces replayed on its machine, every count checked against
 * the fixture's own summary (trace_summary.txt).
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "pmm_test.h"

#define M	(1ULL << 20)
/* the shared fixtures' trace (3.4 MB, not copied into the repository) */
#define TRACE_DIR	PMM_FIXTURES_DIR "/../traces/x86_64-1node-2G-trace"

static struct pmm_machine *boot_small(void)
{
	return pmm_test_boot_desc(pmm_test_desc_simple("x86_64", 16 * M, 272 * M),
				  PMM_BOOT_NO_BIND);
}

static unsigned long free_now(struct pmm_machine *m)
{
	pmm_drain_all_pages(m);
	return pmm_zone_free_pages(&pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32]);
}

/*
 * The same allocation and free in each format; a free of a page allocated
 * before the trace; a batched free (counted once, with its free); a failed
 * kernel allocation (pfn -1); a fallback; a mark; lines that are not
 * events or lack a field.
 */
static void test_formats(void **state)
{
	static const char *const lines[] = {
		"# tracer: nop",
		"",
		/* tracefs */
		"  fragtest-699     [000] .....     5.304974: mm_page_alloc: page=(____ptrval____) "
		"pfn=0x6406 order=0 migratetype=0 gfp_flags=GFP_KERNEL_ACCOUNT|__GFP_COMP|__GFP_ZERO",
		/* trace-cmd report */
		"        bash-1234  [001]  5.305001: mm_page_alloc:        page=0xffffea0000100000 "
		"pfn=0x4000 order=2 migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE|__GFP_COMP",
		/* perf script */
		"        bash  1234 [000]     5.305100: kmem:mm_page_alloc: page=0xffffea0000200000 "
		"pfn=0x8000 order=1 migratetype=0 gfp_flags=GFP_KERNEL",
		"  fragtest-699     [000] .....     5.306000: mm_page_free: page=(____ptrval____) "
		"pfn=0x6406 order=0",
		"  fragtest-699     [000] .....     5.306001: mm_page_free_batched: page=(____ptrval____) "
		"pfn=0x6406 order=0",
		"        bash  1234 [000]     5.306100: kmem:mm_page_free: page=0xffffea0000200000 "
		"pfn=0x8000 order=1",
		"  fragtest-699     [000] .....     5.306200: mm_page_free: page=(____ptrval____) "
		"pfn=0x77777 order=0",
		"  fragtest-699     [000] .....     5.306300: mm_page_alloc: page=0000000000000000 "
		"pfn=0xffffffffffffffff order=9 migratetype=1 gfp_flags=GFP_TRANSHUGE|__GFP_THISNODE",
		"  fragtest-699     [000] .....     5.306400: mm_page_alloc_extfrag: page=(____ptrval____) "
		"pfn=0x21400 alloc_order=0 fallback_order=10 pageblock_order=9 alloc_migratetype=0 "
		"fallback_migratetype=1 fragmenting=0 change_ownership=1",
		"  fragtest-699     [000] .....     5.306500: mm_page_alloc_zone_locked: page=(____ptrval____) "
		"pfn=0x16ae order=0 migratetype=1 percpu_refill=1",
		"  fragtest-699     [000] .....     5.306600: mm_page_pcpu_drain: page=(____ptrval____) "
		"pfn=0x1428 order=0 migratetype=1",
		"  fragtest-699     [000] .....     5.306700: tracing_mark_write: pmm_phase=p2",
		"garbage that is not an event",
		"  fragtest-699     [000] .....     5.306800: mm_page_alloc: page=(____ptrval____) "
		"pfn=0x6407 order=0 migratetype=0",	/* no gfp_flags */
		"  fragtest-699     [000] .....     5.306900: mm_page_alloc: page=(____ptrval____) "
		"pfn=0x6408 order=0 migratetype=0 gfp_flags=GFP_KERNEL|__GFP_MADE_UP",
	};
	struct pmm_machine *m = boot_small();
	struct pmm_replay_stats st;
	struct pmm_replay *r;
	unsigned long before = free_now(m);
	size_t i;

	(void)state;
	r = pmm_replay_create(m, NULL);
	assert_non_null(r);
	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		assert_int_equal(pmm_replay_line(r, lines[i]), 0);
	pmm_replay_get_stats(r, &st);
	assert_int_equal(st.lines, sizeof(lines) / sizeof(lines[0]));
	assert_int_equal(st.events, 11);
	assert_int_equal(st.allocs, 4);	/* with the one the kernel failed */
	assert_int_equal(st.alloc_pages, 1 + 4 + 2 + 512);
	assert_int_equal(st.kernel_alloc_failed, 1);
	assert_int_equal(st.frees, 2);
	assert_int_equal(st.free_pages, 1 + 2);
	assert_int_equal(st.frees_untracked, 1);
	assert_int_equal(st.frees_batched, 1);
	assert_int_equal(st.kernel_fallbacks, 1);
	assert_int_equal(st.kernel_zone_locked, 1);
	assert_int_equal(st.kernel_pcpu_drain, 1);
	assert_int_equal(st.other_events, 1);
	assert_int_equal(st.unknown, 3);
	assert_int_equal(st.held, 1);	/* pfn 0x4000, order 2 */
	assert_int_equal(st.held_pages, 4);
	/* from the first kmem event (5.304974) to the last (the drain, 5.306600) */
	assert_true(st.last_ts - st.first_ts > 0.0016259 && st.last_ts - st.first_ts < 0.0016261);
	assert_int_equal(free_now(m), before - 4);
	pmm_replay_destroy(r, true);
	assert_int_equal(free_now(m), before);
	assert_int_equal(pmm_check(m), 0);
	pmm_shutdown(m);
}

static void write_lines(const char *path, bool gz, unsigned long pairs)
{
	unsigned long i;
	char line[256];
	gzFile g = NULL;
	FILE *f = NULL;

	if (gz)
		g = gzopen(path, "wb");
	else
		f = fopen(path, "w");
	assert_true(g || f);
	for (i = 0; i < 2 * pairs; i++) {
		snprintf(line, sizeof(line), " t-1 [000] ..... %lu.%06lu: %s: page=(____ptrval____) "
			 "pfn=%#lx order=0%s\n", 1 + i / 1000000, i % 1000000,
			 i & 1 ? "mm_page_free" : "mm_page_alloc", 0x1000 + i / 2,
			 i & 1 ? "" : " migratetype=1 gfp_flags=GFP_HIGHUSER_MOVABLE");
		if (gz)
			assert_true(gzputs(g, line) > 0);
		else if (f)
			assert_true(fputs(line, f) >= 0);
	}
	assert_int_equal(gz ? gzclose(g) : f ? fclose(f) : -1, 0);
}

/* the same events from a plain and a gzip file; the CSV rows; a file that is not there */
static void test_files_and_csv(void **state)
{
	char plain[] = "/tmp/pmm-replay-XXXXXX", gz[] = "/tmp/pmm-replay-gz-XXXXXX";
	struct pmm_replay_opts opts = { .interval = 1000 };
	struct pmm_machine *m = boot_small();
	struct pmm_replay_stats a, b;
	struct pmm_replay *r;
	char *csv = NULL, *p;
	size_t csv_len = 0;
	unsigned long rows = 0;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(plain)) >= 0);
	close(fd);
	assert_true((fd = mkstemp(gz)) >= 0);
	close(fd);
	write_lines(plain, false, 2500);
	write_lines(gz, true, 2500);
	opts.csv = open_memstream(&csv, &csv_len);
	assert_non_null(opts.csv);
	r = pmm_replay_create(m, &opts);
	assert_int_equal(pmm_replay_file(r, plain), 0);
	pmm_replay_get_stats(r, &a);
	pmm_replay_destroy(r, true);
	fclose(opts.csv);
	r = pmm_replay_create(m, NULL);
	assert_int_equal(pmm_replay_file(r, gz), 0);
	pmm_replay_get_stats(r, &b);
	assert_int_equal(pmm_replay_file(r, "/nonexistent/trace.txt"), -ENOENT);
	pmm_replay_destroy(r, true);
	assert_int_equal(a.events, 5000);
	assert_int_equal(a.allocs, 2500);
	assert_int_equal(a.frees, 2500);
	assert_int_equal(a.unknown, 0);
	assert_int_equal(a.held, 0);
	assert_int_equal(b.events, a.events);
	assert_int_equal(b.allocs, a.allocs);
	assert_int_equal(b.frees, a.frees);
	/* a header, a row every 1000 events (5), one at the end */
	assert_non_null(strstr(csv, "events,time_s,free_pages,free_2m_blocks,free_1g_blocks,"));
	for (p = csv; (p = strchr(p, '\n')); p++)
		rows++;
	assert_int_equal(rows, 1 + 5 + 1);
	assert_non_null(strstr(csv, "\n1000,"));
	assert_non_null(strstr(csv, "\n5000,"));
	free(csv);
	unlink(plain);
	unlink(gz);
	pmm_shutdown(m);
}

/* "NAME   COUNT" on the line after @section (or any line when NULL) of the summary */
static long summary_count(const char *summary, const char *section, const char *name)
{
	const char *p = section ? strstr(summary, section) : summary;

	if (!p)
		fail_msg("trace_summary.txt has no \"%s\"", section);
	while ((p = strstr(p, name))) {
		char *end;
		long v;

		if ((p == summary || p[-1] == '\n') && (p[strlen(name)] == ' ')) {
			v = strtol(p + strlen(name), &end, 10);
			if (end != p + strlen(name))
				return v;
		}
		p++;
	}
	fail_msg("trace_summary.txt has no \"%s\" count", name);
	return -1;
}

/* a number after @prefix in the summary */
static long summary_after(const char *summary, const char *prefix)
{
	const char *p = strstr(summary, prefix);

	if (!p)
		fail_msg("trace_summary.txt has no \"%s\"", prefix);
	return strtol(p + strlen(prefix), NULL, 10);
}

/*
 * The real kernel's trace (582 k events) on its machine: every allocation
 * and free replayed, the two frees of pages allocated before tracing
 * skipped, the 31 blocks (53 pages) still allocated at the end held; the
 * counts of each event as the fixture's summary gives them.
 */
static void test_kernel_trace(void **state)
{
	const char *dir = TRACE_DIR;
	char path[512], *summary, *json;
	struct pmm_machine_desc *d;
	struct pmm_replay_opts opts = { .lru = true };
	struct pmm_replay_stats st;
	struct pmm_machine *m;
	struct pmm_replay *r;
	char err[512];
	long allocs, frees, batched, zone_locked, drains, extfrag, pages_alloc, pages_freed;

	(void)state;
	if (access(TRACE_DIR "/trace.txt.gz", R_OK)) {	/* a checkout without ../shared */
		print_message("no %s: skipped\n", TRACE_DIR "/trace.txt.gz");
		skip();
	}
	snprintf(path, sizeof(path), "%s/trace_summary.txt", dir);
	summary = pmm_test_read_file(path);
	snprintf(path, sizeof(path), "%s/machine.json", dir);
	json = pmm_test_read_file(path);
	if (pmm_machine_desc_from_json_buffer(json, strlen(json), path, &d, err, sizeof(err)))
		fail_msg("%s", err);
	free(json);
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP |
			       PMM_BOOT_INLINE_DAEMONS);
	r = pmm_replay_create(m, &opts);
	assert_non_null(r);
	snprintf(path, sizeof(path), "%s/trace.txt.gz", dir);
	assert_int_equal(pmm_replay_file(r, path), 0);
	pmm_replay_get_stats(r, &st);

	allocs = summary_count(summary, "## events per type", "mm_page_alloc");
	frees = summary_count(summary, "## events per type", "mm_page_free");
	batched = summary_count(summary, "## events per type", "mm_page_free_batched");
	zone_locked = summary_count(summary, "## events per type", "mm_page_alloc_zone_locked");
	drains = summary_count(summary, "## events per type", "mm_page_pcpu_drain");
	extfrag = summary_count(summary, "## events per type", "mm_page_alloc_extfrag");
	pages_alloc = summary_after(summary, "pages allocated (sum 2^order, mm_page_alloc): ");
	pages_freed = summary_after(summary, "pages freed     (sum 2^order, mm_page_free):  ");
	assert_int_equal(st.events, allocs + frees + batched + zone_locked + drains + extfrag);
	assert_int_equal(st.other_events,
			 summary_after(summary, "event lines parsed: ") - (long)st.events);
	assert_int_equal(st.unknown, 0);
	assert_int_equal(st.kernel_alloc_failed, 0);
	/* the machine is the traced one: pmm gives every allocation a page */
	assert_int_equal(st.allocs, allocs);
	assert_int_equal(st.alloc_pages, pages_alloc);
	assert_int_equal(st.frees_untracked,
			 summary_after(summary, "frees with no earlier alloc of that pfn in the trace: "));
	assert_int_equal(st.frees + st.frees_untracked, frees);
	assert_int_equal(st.free_pages + st.frees_untracked, pages_freed);
	assert_int_equal(st.frees_batched, batched);
	assert_int_equal(st.order_mismatch,
			 summary_after(summary, "frees whose order differs from the alloc: "));
	assert_int_equal(st.realloc_live, summary_after(summary, "allocs of a pfn already live: "));
	assert_int_equal(st.held,
			 summary_after(summary, "allocated in the trace and not freed by its end: "));
	assert_int_equal(st.kernel_zone_locked, zone_locked);
	assert_int_equal(st.kernel_pcpu_drain, drains);
	assert_int_equal(st.kernel_fallbacks, extfrag);
	print_message("replayed %lu allocations (%lu pages) and %lu frees (%lu pages); "
		      "%lu frees skipped; pmm fell back %lu times, the kernel %lu\n",
		      st.allocs, st.alloc_pages, st.frees, st.free_pages, st.frees_untracked,
		      st.fallbacks, st.kernel_fallbacks);
	assert_int_equal(pmm_check(m), 0);
	pmm_replay_destroy(r, true);
	assert_int_equal(pmm_check(m), 0);
	free(summary);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_files_and_csv),
		cmocka_unit_test(test_kernel_trace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: MIT
/*
 * Boot fidelity against real kernels: every machine of fixtures/linux is
 * booted from its machine.json and compared, field by field, with what
 * the kernel printed (boot-log blocks, zoneinfo, node states, memory
 * blocks, before and after onlining), then booted again from its dmesg
 * alone and its boot-log blocks compared. A mismatch prints both values.
 *
 * The fixtures are found in PMM_FIXTURES (environment) or at the path
 * compiled in (PMM_FIXTURES_DIR: ../shared/fixtures/linux next to the
 * source tree if there is one, else the copy in tests/fixtures/linux);
 * without them the test fails.
 */
#define _DEFAULT_SOURCE 1
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pmm_test.h"
#include "internal.h"

static const char *fixtures_dir(void)
{
	const char *env = getenv("PMM_FIXTURES");

	return env && *env ? env : PMM_FIXTURES_DIR;
}

static char *read_file(const char *dir, const char *name)
{
	char path[1024];
	FILE *f;
	long n;
	char *buf;

	pmm_test_fmt(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static int mismatches;

#define MISMATCH(...) do { print_message(__VA_ARGS__); mismatches++; } while (0)

/* ---- zoneinfo: structural lines per zone ------------------------------------------------- */

struct zi_zone {
	char key[48];		/* "node/zone" */
	long v[8];		/* spanned present managed start_pfn min low high nr_prot */
	long prot[8];
};

enum { ZI_SPANNED, ZI_PRESENT, ZI_MANAGED, ZI_START, ZI_MIN, ZI_LOW, ZI_HIGH, ZI_NPROT };
static const char *const zi_names[] = { "spanned", "present", "managed", "start_pfn", "min",
					"low", "high" };

static int parse_zoneinfo(const char *text, struct zi_zone *zones, int max)
{
	const char *line = text;
	int n = -1;

	while (line && *line) {
		const char *next = strchr(line, '\n');
		char name[32], field[32];
		int node;
		long v;

		if (sscanf(line, "Node %d, zone %31s", &node, name) == 2 && n + 1 < max) {
			n++;
			memset(&zones[n], 0, sizeof(zones[n]));
			for (v = 0; v < ZI_NPROT; v++)
				zones[n].v[v] = -1;
			pmm_test_fmt(zones[n].key, sizeof(zones[n].key), "%d/%s", node, name);
		} else if (n >= 0 && sscanf(line, " protection: (%ld", &v) == 1) {
			const char *p = strchr(line, '(') + 1;
			int k = 0;

			while (k < 8 && sscanf(p, "%ld", &zones[n].prot[k]) == 1) {
				k++;
				p = strchr(p, ',');
				if (!p)
					break;
				p++;
			}
			zones[n].v[ZI_NPROT] = k;
		} else if (n >= 0 && sscanf(line, " %31s %ld", field, &v) == 2) {
			size_t i, len = strlen(field);

			if (len && field[len - 1] == ':')
				field[len - 1] = '\0';
			for (i = 0; i < sizeof(zi_names) / sizeof(zi_names[0]); i++)
				if (!strcmp(field, zi_names[i]) && zones[n].v[i] < 0)
					zones[n].v[i] = v;
		}
		line = next ? next + 1 : NULL;
	}
	return n + 1;
}

/* Watermarks and protection were computed before the kernel freed its init
 * memory (fixtures/README.md): a tolerance of 2.5 %, at least 16 pages. */
static int close_enough(long got, long want)
{
	long d = got > want ? got - want : want - got;
	long tol = want / 40 > 16 ? want / 40 : 16;

	return d <= tol;
}

static void compare_zoneinfo(const char *ctx, const char *got_text, const char *want_text)
{
	struct zi_zone got[64], want[64];
	int ng = parse_zoneinfo(got_text, got, 64), nw = parse_zoneinfo(want_text, want, 64);
	int i, j, k;

	if (ng != nw)
		MISMATCH("%s zoneinfo: %d zones, fixture %d\n", ctx, ng, nw);
	for (i = 0; i < nw; i++) {
		for (j = 0; j < ng && strcmp(got[j].key, want[i].key); j++)
			;
		if (j == ng) {
			MISMATCH("%s zoneinfo: zone %s missing\n", ctx, want[i].key);
			continue;
		}
		for (k = 0; k < ZI_NPROT; k++) {
			bool exact = k <= ZI_START;

			if (want[i].v[k] < 0)
				continue;
			if (exact ? got[j].v[k] != want[i].v[k] : !close_enough(got[j].v[k], want[i].v[k]))
				MISMATCH("%s zoneinfo %s %s: pmm %ld, kernel %ld\n", ctx, want[i].key,
					 zi_names[k], got[j].v[k], want[i].v[k]);
		}
		if (got[j].v[ZI_NPROT] != want[i].v[ZI_NPROT])
			MISMATCH("%s zoneinfo %s protection: %ld entries, kernel %ld\n", ctx,
				 want[i].key, got[j].v[ZI_NPROT], want[i].v[ZI_NPROT]);
		for (k = 0; k < want[i].v[ZI_NPROT] && k < got[j].v[ZI_NPROT]; k++)
			if (!close_enough(got[j].prot[k], want[i].prot[k]))
				MISMATCH("%s zoneinfo %s protection[%d]: pmm %ld, kernel %ld\n", ctx,
					 want[i].key, k, got[j].prot[k], want[i].prot[k]);
	}
}

static void compare_exact(const char *ctx, const char *what, const char *got, const char *want)
{
	if (strcmp(got, want))
		MISMATCH("%s %s differs:\n--- pmm\n%s--- kernel\n%s", ctx, what, got, want);
}

static bool fixture_model_matches(const struct pmm_machine *m);

/* ---- /proc/vmstat, /proc/meminfo, nodeN/meminfo ------------------------------------------------ */

/* Each line's name: up to the first ' ' (vmstat) or ':' (meminfo), one per line. */
static char *line_names(const char *text, char sep)
{
	size_t len = strlen(text), o = 0;
	char *out = malloc(len + 2);
	const char *p = text;

	assert_non_null(out);
	while (*p) {
		const char *end = strchr(p, '\n'), *stop = strchr(p, sep);
		size_t n;

		if (!end)
			end = p + strlen(p);
		n = (size_t)((stop && stop < end ? stop : end) - p);
		memcpy(out + o, p, n);
		o += n;
		out[o++] = '\n';
		p = *end ? end + 1 : end;
	}
	out[o] = '\0';
	return out;
}

static void compare_field(const char *ctx, const char *file, const char *got, const char *want,
			  const char *name)
{
	long g = pmm_test_field(got, name), w = pmm_test_field(want, name);

	if (g != w)
		MISMATCH("%s %s %s: pmm %ld, kernel %ld\n", ctx, file, name, g, w);
}

/* The names of both texts' lines, compared in order. */
static void compare_names(const char *ctx, const char *what, const char *got, const char *want,
			  char sep)
{
	char *gn = line_names(got, sep), *wn = line_names(want, sep);

	compare_exact(ctx, what, gn, wn);
	free(gn);
	free(wn);
}

static int print_node_meminfo(const struct pmm_machine *m, FILE *f)
{
	int nid, err = 0;

	for (nid = 0; nid < PMM_MAX_NUMNODES && !err; nid++)
		if (pmm_node_state(m, nid, PMM_N_ONLINE))
			err = pmm_print_node_meminfo(m, nid, f);
	return err == -ENOENT ? 0 : err;
}

/*
 * What the kernel's reports say that pmm can know: every line's name in
 * order, the totals (managed pages), the memmap's pages, the commit limit,
 * the vmalloc area, the direct map's size. The free memory and what the
 * thresholds derive from it differ (the kernel has used some), so those
 * are checked by recomputing the kernel's own figures from its other lines.
 */
static void compare_reports(const char *ctx, const char *dir, struct pmm_machine *m)
{
	static const char *const meminfo_exact[] = {
		"MemTotal", "HighTotal", "LowTotal", "SwapTotal", "CommitLimit", "VmallocTotal",
		"Hugepagesize", "Buffers", "Bounce",
	};
	char *got = pmm_test_capture(m, pmm_print_vmstat), *want = read_file(dir, "vmstat.txt");
	char name[64];
	long free_k, file_k, thresh_k, avail, small, large, want_small, want_large, extra;
	long kb = 1L << (pmm_machine_arch(m)->page_shift - 10);
	size_t i;
	int nid;

	if (!want)
		goto meminfo;
	compare_names(ctx, "vmstat names", got, want, ' ');
	if (fixture_model_matches(m)) {	/* FLATMEM's memmap spans the holes */
		compare_field(ctx, "vmstat", got, want, "nr_memmap_boot_pages");
		compare_field(ctx, "vmstat", got, want, "nr_memmap_pages");
	}
	free(got);
	/* the kernel's threshold from its own free and file pages and pmm's reserves
	 * (global_dirtyable_memory(), 20 %); HighMem kernels also leave HighMem out */
	got = read_file(dir, "meminfo.txt");
	if (got && pmm_test_field(got, "HighTotal") < 0) {
		free_k = pmm_test_field(got, "MemFree") / kb;
		file_k = (pmm_test_field(got, "Active(file)") +
			  pmm_test_field(got, "Inactive(file)")) / kb;
		avail = free_k - (long)PMM__MIN((unsigned long)free_k, m->totalreserve_pages) + file_k + 1;
		thresh_k = pmm_test_field(want, "nr_dirty_threshold");
		if (labs((long)(819 * (unsigned long)avail / 4096) - thresh_k) > thresh_k / 500)
			MISMATCH("%s vmstat nr_dirty_threshold: %ld from the kernel's free pages, it says %ld\n",
				 ctx, (long)(819 * (unsigned long)avail / 4096), thresh_k);
	}
	free(got);
	free(want);
meminfo:
	got = pmm_test_capture(m, pmm_print_meminfo);
	want = read_file(dir, "meminfo.txt");
	if (want) {
		compare_names(ctx, "meminfo names", got, want, ':');
		for (i = 0; i < sizeof(meminfo_exact) / sizeof(meminfo_exact[0]); i++)
			compare_field(ctx, "meminfo", got, want, meminfo_exact[i]);
		/* init_memory_mapping()'s direct map: the same size; the kernel has split
		 * a few more large pages (its text's protections); mapping bottom up
		 * (movable_node) it counts the large pages of its early page tables
		 * again: a few 2 MiB more in all */
		small = pmm_test_field(got, "DirectMap4k");
		want_small = pmm_test_field(want, "DirectMap4k");
		large = pmm_test_field(got, "DirectMap2M");
		want_large = pmm_test_field(want, "DirectMap2M");
		extra = want_small + want_large - small - large;
		if (m->cmdline && strstr(m->cmdline, "movable_node") && extra > 0 && extra <= 16 * 2048 &&
		    extra % 2048 == 0)
			extra = 0;
		if (extra || want_small < small || (want_small - small) % 2048)
			MISMATCH("%s meminfo DirectMap: pmm %ld+%ld kB, kernel %ld+%ld kB\n", ctx,
				 small, large, want_small, want_large);
	}
	free(got);
	free(want);
	got = pmm_test_capture(m, print_node_meminfo);
	want = read_file(dir, "node_meminfo.txt");
	if (want) {
		compare_names(ctx, "node meminfo names", got, want, ':');
		for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
			pmm_test_fmt(name, sizeof(name), "Node %d MemTotal", nid);
			if (pmm_node_state(m, nid, PMM_N_ONLINE))
				compare_field(ctx, "node meminfo", got, want, name);
		}
	}
	free(got);
	free(want);
}

/* ---- boot-log blocks ---------------------------------------------------------------------------- */

struct log_lines {
	char	*line[256];
	int	n;
};

static bool starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* The boot-log blocks of a log, timestamps removed. */
static void log_blocks(const char *text, struct log_lines *out)
{
	const char *line = text;
	bool in_block = false;

	out->n = 0;
	while (line && *line && out->n < 256) {
		const char *next = strchr(line, '\n'), *s = line;
		size_t len = next ? (size_t)(next - line) : strlen(line);
		char buf[512];

		if (*s == '[') {
			const char *q = memchr(s, ']', len);

			if (q) {
				len -= (size_t)(q + 2 - s);
				s = q + 2;
			}
		}
		pmm_test_fmt(buf, sizeof(buf), "%.*s", (int)len, s);
		if (in_block && starts(buf, "  ")) {
			out->line[out->n++] = strdup(buf);
		} else {
			in_block = !strcmp(buf, "Zone ranges:") ||
				   !strcmp(buf, "Movable zone start for each node") ||
				   !strcmp(buf, "Early memory node ranges");
			if (in_block || starts(buf, "Initmem setup node") ||
			    starts(buf, "Initializing node") || starts(buf, "Fallback order for Node") ||
			    starts(buf, "Built ") || starts(buf, "Policy zone:") ||
			    (starts(buf, "On node ") && strstr(buf, "unavailable ranges")) ||
			    starts(buf, "Zeroed struct page in unavailable ranges") ||
			    starts(buf, "Demotion targets for Node "))
				out->line[out->n++] = strdup(buf);
		}
		line = next ? next + 1 : NULL;
	}
}

static void free_lines(struct log_lines *l)
{
	int i;

	for (i = 0; i < l->n; i++)
		free(l->line[i]);
	l->n = 0;
}

/* "Built N zonelists ... Total pages: T": exact, or within tol_permille. */
static bool built_lines_match(const char *got, const char *want, long tol_permille)
{
	const char *g = strstr(got, "Total pages: "), *w = strstr(want, "Total pages: ");
	long gv, wv;

	if (!g || !w || strncmp(got, want, (size_t)(w - want)))
		return false;
	gv = atol(g + 13);
	wv = atol(w + 13);
	return labs(gv - wv) * 1000 <= tol_permille * wv;
}

/* Compare the blocks; max_groups: how many zonelist groups (Fallback order
 * ... Built ... Policy zone) to compare, -1 for all. */
static void compare_log(const char *ctx, const char *got_text, const char *want_text,
			int max_groups, long tol_permille)
{
	struct log_lines got, want;
	int i, groups = 0;
	bool after_built = false;

	log_blocks(got_text, &got);
	log_blocks(want_text, &want);
	for (i = 0; i < want.n; i++) {
		const char *w = want.line[i];
		bool built = starts(w, "Built ");

		/* a group starts with its first Fallback line, or with Built without NUMA */
		if ((starts(w, "Fallback order") || built) && (after_built || !groups)) {
			if (!groups || after_built)
				groups++;
			after_built = false;
			if (max_groups >= 0 && groups > max_groups)
				break;
		}
		if (built)
			after_built = true;
		if (i >= got.n) {
			MISMATCH("%s boot log: missing \"%s\"\n", ctx, w);
			break;
		}
		if (built ? !built_lines_match(got.line[i], w, groups > 1 ? 5 : tol_permille) :
			    strcmp(got.line[i], w) != 0) {
			MISMATCH("%s boot log line %d: pmm \"%s\", kernel \"%s\"\n", ctx, i,
				 got.line[i], w);
			break;
		}
	}
	free_lines(&got);
	free_lines(&want);
}

/* ---- free lists after memblock_free_all() ---------------------------------------------------------- */

/* The free pfns of a zone (memory minus reserved, per zone) split into the
 * largest naturally aligned blocks: what the buddy allocator must hold after
 * boot, whatever order the pages were freed in. */
static void expected_blocks(const struct pmm_machine *m, const struct pmm_zone *zone,
			    unsigned long *counts)
{
	unsigned int shift = pmm_machine_arch(m)->page_shift, max = pmm_machine_arch(m)->max_page_order;
	unsigned int i, j, nmem = pmm_memblock_count(m, PMM_MEMBLOCK_MEMORY);
	unsigned int nres = pmm_memblock_count(m, PMM_MEMBLOCK_RESERVED);
	unsigned long zs = zone->zone_start_pfn, ze = pmm_zone_end_pfn(zone);
	unsigned long nblocks = pmm_memory_block_count(m);

	memset(counts, 0, sizeof(long) * (max + 1));
	/* boot memory, then the hot-added blocks that are online */
	for (i = 0; i < nmem + nblocks; i++) {
		struct pmm_memblock_region r;
		unsigned long s, e, pfn;

		if (i < nmem) {
			pmm_memblock_region(m, PMM_MEMBLOCK_MEMORY, i, &r);
		} else {
			struct pmm_memory_block_info b;

			pmm_memory_block_info(m, i - nmem, &b);
			if (b.early || b.state != PMM_MEM_ONLINE)
				continue;
			r.base = b.start;
			r.size = pmm_memory_block_size(m);
			r.nid = b.nid;
		}
		if (r.nid != zone->node)
			continue;
		s = (unsigned long)((r.base + (1ULL << shift) - 1) >> shift);
		e = (unsigned long)((r.base + r.size) >> shift);
		s = s < zs ? zs : s;
		e = e > ze ? ze : e;
		for (pfn = s; pfn < e;) {
			unsigned long run_end = e, o;

			/* skip reserved pages, find the end of this free run */
			for (j = 0; j < nres; j++) {
				struct pmm_memblock_region q;
				unsigned long qs, qe;

				pmm_memblock_region(m, PMM_MEMBLOCK_RESERVED, j, &q);
				qs = (unsigned long)(q.base >> shift);
				qe = (unsigned long)((q.base + q.size + (1ULL << shift) - 1) >> shift);
				if (qs <= pfn && pfn < qe) {
					pfn = qe;
					j = (unsigned int)-1;	/* rescan from the new pfn */
					if (pfn >= e)
						break;
					continue;
				}
				if (qs > pfn && qs < run_end)
					run_end = qs;
			}
			if (pfn >= e)
				break;
			while (pfn < run_end) {
				o = pfn ? (unsigned long)__builtin_ctzl(pfn) : max;
				if (o > max)
					o = max;
				while (pfn + (1UL << o) > run_end)
					o--;
				counts[o]++;
				pfn += 1UL << o;
			}
		}
	}
}

static void compare_free_lists(const char *ctx, struct pmm_machine *m)
{
	unsigned long want[16];
	unsigned int o, max = pmm_machine_arch(m)->max_page_order;
	int nid, z;

	if (pmm_check(m))
		MISMATCH("%s: pmm_check found inconsistencies (see the log)\n", ctx);
	pmm_for_each_online_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pmm_node_data(m, nid)->node_zones[z];

			if (!pmm_populated_zone(zone))
				continue;
			expected_blocks(m, zone, want);
			for (o = 0; o <= max; o++)
				if (zone->free_area[o].nr_free != want[o])
					MISMATCH("%s node %d %s: %lu free blocks of order %u, want %lu\n",
						 ctx, nid, zone->name, zone->free_area[o].nr_free, o,
						 want[o]);
		}
}

/* ---- the zonelist walk ------------------------------------------------------------------------------ */

#define WALK_NODES 64

/* dmesg's last "Fallback order for Node N: a b c" line for each node; n[N] < 0 if none */
static void parse_fallback(const char *dmesg, int order[WALK_NODES][WALK_NODES], int n[WALK_NODES])
{
	const char *s = dmesg;
	int i;

	for (i = 0; i < WALK_NODES; i++)
		n[i] = -1;
	while (s && (s = strstr(s, "Fallback order for Node "))) {
		int nid, len, node;
		char *end;

		s += strlen("Fallback order for Node ");
		if (sscanf(s, "%d:%n", &nid, &len) != 1 || nid < 0 || nid >= WALK_NODES)
			continue;
		s += len;
		n[nid] = 0;
		for (;;) {
			node = (int)strtol(s, &end, 10);
			if (end == s || *s == '\n')
				break;
			if (n[nid] < WALK_NODES)
				order[nid][n[nid]++] = node;
			s = end;
		}
	}
}

/*
 * Exhausting memory from node N visits the nodes in the order of its
 * "Fallback order" line: every zone down to its low watermark, node by
 * node, then again (the slow path) down to the min watermarks, so the
 * nodes come in that order once, then in that order again (a node whose
 * zones have no room left between low and min is skipped the second time).
 * Everything freed, the free lists are as after boot.
 */
static void check_fallback_walk(const char *ctx, struct pmm_machine *m, const char *dmesg)
{
	static int order[WALK_NODES][WALK_NODES];
	unsigned int o = pmm_machine_arch(m)->max_page_order < 9 ? pmm_machine_arch(m)->max_page_order : 9;
	struct pmm_page **pages;
	unsigned long cap = 1024, nr, i;
	int n[WALK_NODES], seq[4 * WALK_NODES], nr_seq, nid, k, j;

	parse_fallback(dmesg, order, n);
	pages = malloc(cap * sizeof(*pages));
	assert_non_null(pages);
	for (nid = 0; nid < WALK_NODES; nid++) {
		if (n[nid] < 0)
			continue;
		nr = 0;
		nr_seq = 0;
		for (;;) {
			struct pmm_page *p = pmm_alloc_pages_node(m, nid, PMM_GFP_HIGHUSER_MOVABLE |
								  __PMM_GFP_NOWARN, o);

			if (!p)
				break;
			if (nr == cap) {
				cap *= 2;
				pages = realloc(pages, cap * sizeof(*pages));
				assert_non_null(pages);
			}
			pages[nr++] = p;
			if ((!nr_seq || seq[nr_seq - 1] != pmm_page_to_nid(p)) &&
			    nr_seq < (int)(sizeof(seq) / sizeof(seq[0])))
				seq[nr_seq++] = pmm_page_to_nid(p);
		}
		/* the first pass: exactly the printed order */
		for (k = 0; k < n[nid]; k++)
			if (k >= nr_seq || seq[k] != order[nid][k]) {
				MISMATCH("%s: allocating from node %d, visit %d went to node %d, "
					 "the fallback order says node %d\n", ctx, nid, k,
					 k < nr_seq ? seq[k] : -1, order[nid][k]);
				break;
			}
		/* the second: the same order, some nodes perhaps skipped */
		for (j = 0; k < nr_seq; k++) {
			while (j < n[nid] && order[nid][j] != seq[k])
				j++;
			if (j++ == n[nid]) {
				MISMATCH("%s: allocating from node %d, visit %d (node %d) breaks the "
					 "fallback order\n", ctx, nid, k, seq[k]);
				break;
			}
		}
		for (i = 0; i < nr; i++)
			pmm_free_pages(m, pages[i], o);
		pmm_drain_all_pages(m);
		compare_free_lists(ctx, m);
	}
	free(pages);
}

/* ---- one fixture ------------------------------------------------------------------------------------ */

static bool fixture_model_matches(const struct pmm_machine *m)
{
	/* the kernels behind the fixtures: FLATMEM on 32-bit x86, SPARSEMEM elsewhere */
	bool flat = pmm_machine_arch(m)->id == PMM_ARCH_X86_32 ||
		    pmm_machine_arch(m)->id == PMM_ARCH_X86_32_PAE;

	return flat ? PMM_CONFIG_FLATMEM : PMM_CONFIG_SPARSEMEM;
}

static void boot_log_hook(void *arg, int level, const char *line)
{
	(void)arg;
	if (level <= PMM_LOG_WARNING)
		print_message("%s\n", line);
}

/* boot a description just parsed (@parse_err its result), or count a mismatch and return NULL */
static struct pmm_machine *boot_or_mismatch(const char *ctx, int parse_err, const char *err,
					    struct pmm_machine_desc *d,
					    const struct pmm_boot_opts *opts)
{
	struct pmm_machine *m = NULL;

	if (parse_err) {
		MISMATCH("%s: %s\n", ctx, err);
		return NULL;
	}
	if (pmm_boot(d, opts, &m))
		MISMATCH("%s: boot failed\n", ctx);
	pmm_machine_desc_destroy(d);
	return m;
}

/* The nodes of "node N deferred pages initialised in Xms" lines, as a bit mask. */
static unsigned long long deferred_nodes(const char *log)
{
	unsigned long long mask = 0;
	const char *p;

	for (p = log; p && (p = strstr(p, "deferred pages initialised")); p++) {
		const char *q = p;
		int nid;

		while (q > log && q[-1] != '\n' && q[-1] != ']')
			q--;
		if (sscanf(q, " node %d ", &nid) == 1 && nid >= 0 && nid < 64)
			mask |= 1ULL << nid;
	}
	return mask;
}

/* ---- the free-memory reports in every init mode ---------------------------------------------- */

static int print_extfrag(const struct pmm_machine *m, FILE *f)
{
	return pmm_print_extfrag(m, f, PMM_EXTFRAG_INDEX);
}

static int print_unusable(const struct pmm_machine *m, FILE *f)
{
	return pmm_print_extfrag(m, f, PMM_UNUSABLE_INDEX);
}

static const struct {
	const char	*name;
	int		(*print)(const struct pmm_machine *m, FILE *f);
} free_reports[] = {
	{ "zoneinfo", pmm_print_zoneinfo }, { "buddyinfo", pmm_print_buddyinfo },
	{ "pagetypeinfo", pmm_print_pagetypeinfo }, { "extfrag_index", print_extfrag },
	{ "unusable_index", print_unusable },
};
static char *eager_reports[sizeof(free_reports) / sizeof(free_reports[0])];

/*
 * Right after boot, the free-memory reports of a deferred or on-demand
 * machine are the eager machine's, word for word: on demand, memory not yet
 * initialised counts as it will once it is (docs/memory-models.md).
 */
static void compare_with_eager(const char *ctx, const struct pmm_machine *m, enum pmm_defer defer)
{
	size_t i;

	for (i = 0; i < sizeof(free_reports) / sizeof(free_reports[0]); i++) {
		char *got = pmm_test_capture(m, free_reports[i].print);

		if (defer == PMM_DEFER_EAGER) {
			free(eager_reports[i]);
			eager_reports[i] = got;
			continue;
		}
		if (eager_reports[i] && strcmp(got, eager_reports[i]))
			MISMATCH("%s %s differs from the eager boot's:\n--- pmm\n%s--- eager\n%s", ctx,
				 free_reports[i].name, got, eager_reports[i]);
		free(got);
	}
}

static void check_fixture(const char *dir, const char *name, enum pmm_defer defer)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .log = boot_log_hook, .defer = defer };
	char path[1024], err[1024], ctx[256], *cmdline, *online, *want, *got;
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	bool model_ok, blocks_ok;
	int parse_err;
	size_t r;

	if (defer == PMM_DEFER_EAGER)	/* a fixture the eager boot fails has none to compare */
		for (r = 0; r < sizeof(eager_reports) / sizeof(eager_reports[0]); r++) {
			free(eager_reports[r]);
			eager_reports[r] = NULL;
		}
	pmm_test_fmt(path, sizeof(path), "%s/machine.json", dir);
	parse_err = pmm_machine_desc_from_json(path, &d, err, sizeof(err));
	m = boot_or_mismatch(name, parse_err, err, d, &opts);
	if (!m)
		return;
	model_ok = fixture_model_matches(m);
	/* memory blocks exist only with memory hotplug, i.e. SPARSEMEM */
	blocks_ok = PMM_CONFIG_SPARSEMEM || !pmm_machine_arch(m)->memory_hotplug;

	pmm_test_fmt(ctx, sizeof(ctx), "%s (machine.json%s)", name,
		     defer == PMM_DEFER_DEFERRED ? ", deferred struct page init" :
		     defer == PMM_DEFER_ON_DEMAND ? ", struct pages on demand" : "");
	compare_with_eager(ctx, m, defer);
	want = read_file(dir, "dmesg.txt");
	compare_log(ctx, pmm_boot_log(m), want, 1, 0);
	/* the nodes whose struct pages the kernel deferred are the ones pmm defers */
	if (defer == PMM_DEFER_DEFERRED && model_ok &&
	    deferred_nodes(pmm_boot_log(m)) != deferred_nodes(want))
		MISMATCH("%s: deferred init of nodes %#llx, the kernel's %#llx\n", ctx,
			 deferred_nodes(pmm_boot_log(m)), deferred_nodes(want));
	free(want);
	/* memory that firmware hot-adds needs memory hotplug, i.e. SPARSEMEM */
	want = read_file(dir, "machine.json");
	if (!PMM_CONFIG_SPARSEMEM && strstr(want, "\"hotplug\"")) {
		print_message("%s: hot-added memory needs SPARSEMEM; zoneinfo not compared\n", ctx);
		free(want);
		goto dmesg;
	}
	free(want);
	got = pmm_test_capture(m, pmm_print_zoneinfo);
	want = read_file(dir, "zoneinfo.txt");
	compare_zoneinfo(ctx, got, want);
	free(got);
	free(want);
	got = pmm_test_capture(m, pmm_print_node_states);
	want = read_file(dir, "node_states.txt");
	compare_exact(ctx, "node_states", got, want);
	free(got);
	free(want);
	compare_reports(ctx, dir, m);
	/* on demand, the free lists hold what was initialised: all of it, once finished */
	pmm_deferred_init_finish(m);
	compare_free_lists(ctx, m);
	if (blocks_ok) {
		got = pmm_test_capture(m, pmm_print_memory_blocks);
		want = read_file(dir, "memory_blocks_before_online.txt");
		if (!want)
			want = read_file(dir, "memory_blocks.txt");
		compare_exact(ctx, "memory_blocks", got, want);
		free(got);
		free(want);
	}

	/* the fixtures' init script onlined memory as pmm_online=TYPE[:COUNT] says */
	cmdline = read_file(dir, "cmdline.txt");
	online = cmdline ? strstr(cmdline, "pmm_online=") : NULL;
	if (online && PMM_CONFIG_SPARSEMEM) {
		char type[32] = "";
		unsigned long count = ~0UL, i, done = 0;
		enum pmm_online_type t;
		char *log;

		sscanf(online + 11, "%31[a-z_]:%lu", type, &count);
		t = !strcmp(type, "online_movable") ? PMM_MMOP_ONLINE_MOVABLE :
		    !strcmp(type, "online_kernel") ? PMM_MMOP_ONLINE_KERNEL : PMM_MMOP_ONLINE;
		log = read_file(dir, "online_log.txt");
		if (log) {
			/* exactly what the init script did: "memoryN: ... echo TYPE > state: ok" */
			char *line;

			for (line = strtok(log, "\n"); line; line = strtok(NULL, "\n")) {
				char *echo = strstr(line, "echo ");
				unsigned long id;
				char ltype[32];
				int rc;

				if (sscanf(line, "memory%lu:", &id) != 1 || !echo ||
				    sscanf(echo, "echo %31s", ltype) != 1)
					continue;
				rc = pmm_online_memory_block(m, id, (enum pmm_online_type)
							     pmm__online_type_from_name(ltype));
				if ((rc == 0) != (strstr(echo, ": ok") != NULL))
					MISMATCH("%s: onlining memory%lu as %s: %d, the kernel: %s\n",
						 name, id, ltype, rc, echo);
			}
			free(log);
		} else {
			for (i = 0; i < pmm_memory_block_count(m) && done < count; i++) {
				struct pmm_memory_block_info info;

				pmm_memory_block_info(m, i, &info);
				if (info.state != PMM_MEM_OFFLINE)
					continue;
				assert_int_equal(pmm_online_memory_block(m, info.id, t), 0);
				done++;
			}
		}
		pmm_test_fmt(ctx, sizeof(ctx), "%s (after %s)", name, strtok(online, " \n"));
		got = pmm_test_capture(m, pmm_print_zoneinfo);
		want = read_file(dir, "zoneinfo_after_online.txt");
		compare_zoneinfo(ctx, got, want);
		free(got);
		free(want);
		got = pmm_test_capture(m, pmm_print_node_states);
		want = read_file(dir, "node_states_after_online.txt");
		compare_exact(ctx, "node_states", got, want);
		free(got);
		free(want);
		got = pmm_test_capture(m, pmm_print_memory_blocks);
		want = read_file(dir, "memory_blocks_after_online.txt");
		compare_exact(ctx, "memory_blocks", got, want);
		free(got);
		free(want);
		compare_free_lists(ctx, m);
		want = read_file(dir, "dmesg.txt");
		compare_log(ctx, pmm_boot_log(m), want, -1, 0);
		free(want);
	}
	free(cmdline);
	want = read_file(dir, "dmesg.txt");
	check_fallback_walk(ctx, m, want);
	free(want);
dmesg:
	pmm_shutdown(m);

	/* the boot log alone: only the reservations every x86 kernel makes are
	 * known, and they are what 6.1's "Total pages" counts */
	pmm_test_fmt(path, sizeof(path), "%s/dmesg.txt", dir);
	pmm_test_fmt(ctx, sizeof(ctx), "%s (dmesg)", name);
	parse_err = pmm_machine_desc_from_dmesg(path, &d, err, sizeof(err));
	m = boot_or_mismatch(ctx, parse_err, err, d, &opts);
	if (!m)
		return;
	want = read_file(dir, "dmesg.txt");
	compare_log(ctx, pmm_boot_log(m), want, 1, 0);
	free(want);
	pmm_shutdown(m);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

/* Check every machine of @dir not already checked; returns how many were checked. */
static int check_fixture_dir(const char *root, char seen[][256], int *nr_seen, int max_seen)
{
	struct dirent **list;
	int n, i, j, checked = 0;

	n = scandir(root, &list, NULL, by_name);
	if (n < 0)
		return 0;
	for (i = 0; i < n; i++) {
		char dir[1024], json[1100];
		struct stat st;

		pmm_test_fmt(dir, sizeof(dir), "%s/%s", root, list[i]->d_name);
		pmm_test_fmt(json, sizeof(json), "%s/machine.json", dir);
		for (j = 0; j < *nr_seen && strcmp(seen[j], list[i]->d_name); j++)
			;
		if (list[i]->d_name[0] != '.' && !stat(json, &st) && j == *nr_seen) {
			int before = mismatches;

			if (*nr_seen < max_seen)
				pmm_test_fmt(seen[(*nr_seen)++], sizeof(seen[0]), "%s", list[i]->d_name);
			/* the same results with struct pages initialised eagerly and deferred */
			check_fixture(dir, list[i]->d_name, PMM_DEFER_EAGER);
			check_fixture(dir, list[i]->d_name, PMM_DEFER_DEFERRED);
			check_fixture(dir, list[i]->d_name, PMM_DEFER_ON_DEMAND);
			print_message("%-48s %s\n", list[i]->d_name, mismatches == before ? "ok" : "MISMATCH");
			checked++;
		}
		free(list[i]);
	}
	free(list);
	return checked;
}

/*
 * The fixtures: those of PMM_FIXTURES or the shared checkout (which may hold
 * more machines), then those of this repository's tests/fixtures/linux that
 * it does not have (captures added with the code that reproduces them).
 */
static void test_every_fixture(void **state)
{
	static char seen[512][256];
	int nr_seen = 0, checked;

	(void)state;
	checked = check_fixture_dir(fixtures_dir(), seen, &nr_seen, 512);
	if (!checked)
		print_message("no fixtures at %s\n", fixtures_dir());
	checked += check_fixture_dir(PMM_REPO_FIXTURES_DIR "/linux", seen, &nr_seen, 512);
	assert_true(checked > 0);
	assert_int_equal(mismatches, 0);
}

/* ---- real machines' boot logs ---------------------------------------------------------------- */

/* Boot one real machine's log through pmm_machine_desc_from_dmesg() and compare its layout lines. */
static bool check_realworld(const char *dir, const char *name)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP };
	char path[1100], err[1024], ctx[300];
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	int before = mismatches;
	char *want;

	pmm_test_fmt(path, sizeof(path), "%s/dmesg.txt", dir);
	pmm_test_fmt(ctx, sizeof(ctx), "%s (real log)", name);
	if (pmm_machine_desc_from_dmesg(path, &d, err, sizeof(err))) {
		MISMATCH("%s: %s\n", ctx, err);
		return false;
	}
	m = boot_or_mismatch(ctx, 0, "", d, &opts);
	if (!m)
		return false;
	/* exact in every memory model pmm is built with: the lines count what the
	 * kernel's model has (kernel_hole_pages(), calc_memmap_size()) */
	want = read_file(dir, "dmesg.txt");
	compare_log(ctx, pmm_boot_log(m), want, -1, 0);
	free(want);
	pmm_shutdown(m);
	return mismatches == before;
}

static int check_realworld_dir(const char *root, char seen[][256], int *nr_seen, int max_seen)
{
	struct dirent **list;
	int n, i, j, checked = 0;

	n = scandir(root, &list, NULL, by_name);
	for (i = 0; i < n; i++) {
		char dir[1024], log[1100];
		struct stat st;

		pmm_test_fmt(dir, sizeof(dir), "%s/%s", root, list[i]->d_name);
		pmm_test_fmt(log, sizeof(log), "%s/dmesg.txt", dir);
		for (j = 0; j < *nr_seen && strcmp(seen[j], list[i]->d_name); j++)
			;
		if (list[i]->d_name[0] != '.' && !stat(log, &st) && j == *nr_seen) {
			if (*nr_seen < max_seen)
				pmm_test_fmt(seen[(*nr_seen)++], sizeof(seen[0]), "%s", list[i]->d_name);
			print_message("%-48s %s\n", list[i]->d_name,
				      check_realworld(dir, list[i]->d_name) ? "ok" : "MISMATCH");
			checked++;
		}
		free(list[i]);
	}
	if (n >= 0)
		free(list);
	return checked;
}

/*
 * Real machines' boot logs (fixtures/realworld: no machine file, no /proc):
 * pmm_machine_desc_from_dmesg() must find their architecture, kernel and
 * build, and the machine booted from them must print the log's own layout
 * lines: zone ranges, movable zone start, early memory node ranges, Initmem
 * setup, unavailable ranges, fallback orders, "Built N zonelists ... Total
 * pages", policy zone.
 */
static void test_real_boot_logs(void **state)
{
	static char seen[256][256];
	char shared[1100];
	int nr_seen = 0, checked;

	(void)state;
	mismatches = 0;
	pmm_test_fmt(shared, sizeof(shared), "%s/../realworld", fixtures_dir());
	checked = check_realworld_dir(shared, seen, &nr_seen, 256);
	checked += check_realworld_dir(PMM_REPO_FIXTURES_DIR "/realworld", seen, &nr_seen, 256);
	assert_true(checked > 0);
	assert_int_equal(mismatches, 0);
}

/*
 * A 5.11 log at the default loglevel lacks "DMA zone: N pages reserved": the
 * reservations of x86 before 5.13 (the first 64 KiB and a 24 KiB trampoline
 * below 1 MiB) give the same "Total pages" as the line does.
 */
static void test_old_x86_log_without_debug_lines(void **state)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP };
	char *log = read_file(PMM_REPO_FIXTURES_DIR "/realworld/x86_64-sunfire-x4600m2-8node-128G-k5.11",
			      "dmesg.txt"), *cut, *eol, err[512];
	const char *built;
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	(void)state;
	assert_non_null(log);
	cut = strstr(log, "  DMA zone: 21 pages reserved");
	assert_non_null(cut);
	while (cut > log && cut[-1] != '\n')
		cut--;
	eol = strchr(cut, '\n');
	memmove(cut, eol + 1, strlen(eol + 1) + 1);
	assert_null(strstr(log, "pages reserved"));
	assert_int_equal(pmm_machine_desc_from_dmesg_buffer(log, strlen(log), "quiet.log", &d, err,
							    sizeof(err)), 0);
	assert_int_equal(pmm_boot(d, &opts, &m), 0);
	built = strstr(pmm_boot_log(m), "Built 8 zonelists");
	assert_non_null(built);
	if (PMM_CONFIG_SPARSEMEM)	/* the memmap estimate is the kernel's with its model */
		assert_int_equal(strncmp(built, "Built 8 zonelists, mobility grouping on.  Total pages: "
					 "33029924\n", 64), 0);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_fixture),
		cmocka_unit_test(test_real_boot_logs),
		cmocka_unit_test(test_old_x86_log_without_debug_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

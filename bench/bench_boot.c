// SPDX-License-Identifier: MIT
/*
 * Boot cost: machines of 1, 16 and 64 GiB booted with struct pages
 * initialised eagerly (one thread) and deferred (a thread per host CPU),
 * each in a child process, so that its time and peak RSS are its own. Next
 * to them, the floor measured in the same run: 64-byte records stored into
 * fresh memory, one per page, as plain as struct page initialisation can be.
 * Then 1 TiB and 64 TiB (8 nodes, x86-64's 46 bits) on demand with real
 * memory behind them: the boot, the first allocation, and 64 GiB of order-9
 * pages allocated, written and freed, 4 GiB at a time (the host has less
 * than 64 GiB), next to a memset of the same bytes.
 *
 * usage: bench_boot [--quick]   (--quick: 1 and 16 GiB, and 1 TiB, only)
 */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pmm/pmm.h>

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
	double	seconds;	/* wall time of the measured part */
	long	max_rss_kb;
	int	ok;
};

/* Run fn(arg) in a child; its wall time and peak RSS come back through a pipe. */
static struct result in_child(double (*fn)(unsigned long long), unsigned long long arg)
{
	struct result r = { 0 };
	int fds[2];
	pid_t pid;

	if (pipe(fds))
		return r;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		struct rusage ru;

		close(fds[0]);
		r.seconds = fn(arg);
		getrusage(RUSAGE_SELF, &ru);
		r.max_rss_kb = ru.ru_maxrss;
		r.ok = r.seconds >= 0;
		if (write(fds[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &r, sizeof(r)) != (ssize_t)sizeof(r))
		r.ok = 0;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return r;
}

static int floor_huge;

/* The floor: one 64-byte record per page of @gib GiB, stored into fresh memory
 * (with floor_huge, memory the host backs with 2 MiB pages, as pmm's vmemmap). */
static double floor_stores(unsigned long long gib)
{
	unsigned long long pages = gib << 18, i;
	size_t bytes = (size_t)pages * 64;
	struct record { unsigned long w[8]; } *recs;
	double t;

	recs = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		    -1, 0);
	if (recs == MAP_FAILED)
		return -1;
	if (floor_huge)
		madvise(recs, bytes, MADV_HUGEPAGE);
	t = now_s();
	for (i = 0; i < pages; i++) {
		memset(&recs[i], 0, sizeof(recs[i]));
		recs[i].w[0] = i;		/* flags: zone, node, section */
		recs[i].w[6] = 1;		/* a count, as _refcount */
	}
	__asm__ __volatile__("" : : "r"(recs) : "memory");
	return now_s() - t;
}

static enum pmm_defer bench_defer;

/* x86-64, two nodes: [1M, 2G) and [4G, ...) on node 0, the same again on node 1 */
static double boot_gib(unsigned long long gib)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .defer = bench_defer };
	unsigned long long half = (gib << 30) / 2, base1 = 1ULL << 40;
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	double t;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0") ||
	    pmm_machine_desc_add_node(d, 1, "1") ||
	    pmm_machine_desc_add_memory(d, 1ULL << 20, half, 0, 0) ||
	    pmm_machine_desc_add_memory(d, base1, base1 + half, 1, 0))
		return -1;
	t = now_s();
	if (pmm_boot(d, &opts, &m))
		return -1;
	t = now_s() - t;
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
	return t;
}

/* x86-64, @tib TiB over 8 nodes (node 0 from 4 GiB, above the low zones' 2 GiB) */
static struct pmm_machine_desc *desc_tib(unsigned long long tib)
{
	unsigned long long per_node = (tib << 40) / 8, start = 4ULL << 30;
	struct pmm_machine_desc *d;
	int nid;

	if (pmm_machine_desc_create("x86_64", &d))
		return NULL;
	for (nid = 0; nid < 8; nid++) {
		unsigned long long end = (unsigned long long)(nid + 1) * per_node;

		if (pmm_machine_desc_add_node(d, nid, "") ||
		    (!nid && pmm_machine_desc_add_memory(d, 1ULL << 20, 2ULL << 30, 0, 0)) ||
		    pmm_machine_desc_add_memory(d, nid ? (unsigned long long)nid * per_node : start,
						end, nid, 0))
			return NULL;
	}
	return d;
}

static double first_alloc_ms;
static double held_64g_s, alloc_64g_s, write_64g_s;

#define ROUND_BLOCKS	2048UL	/* 4 GiB of order-9 blocks held at a time */
#define ROUNDS		16UL	/* 64 GiB in all */

/*
 * Boot @tib TiB on demand (the default for it) with its real memory behind
 * it, allocate once, then 64 GiB of order-9 pages held at once (the zones
 * grow) and freed, then 64 GiB again in rounds of 4 GiB: each round
 * allocates its blocks, writes every byte of their memory, frees them.
 * Returns the boot's time.
 */
static double boot_tib_on_demand(unsigned long long tib)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND };
	struct pmm_machine_desc *d = desc_tib(tib);
	struct pmm_page **pages;
	struct pmm_machine *m;
	unsigned long i, r, got = 0;
	double t0, t, ta;

	if (!d)
		return -1;
	t0 = now_s();
	if (pmm_boot(d, &opts, &m))
		return -1;
	t = now_s() - t0;
	pages = calloc(ROUNDS * ROUND_BLOCKS, sizeof(*pages));
	pages[0] = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 9);
	first_alloc_ms = (now_s() - t0) * 1e3;
	/* 64 GiB held at once: the zones grow by 512 sections */
	for (i = 1; pages[i - 1] && i < ROUNDS * ROUND_BLOCKS; i++)
		pages[i] = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 9);
	for (i = 0; i < ROUNDS * ROUND_BLOCKS && pages[i]; i++, got++)
		pmm_free_pages(m, pages[i], 9);
	held_64g_s = now_s() - t0 - t;
	if (got < ROUNDS * ROUND_BLOCKS)
		return -1;
	got = 0;
	alloc_64g_s = write_64g_s = 0;
	for (r = 0; r < ROUNDS; r++) {
		ta = now_s();
		for (i = 0; i < ROUND_BLOCKS; i++)
			if (!(pages[i] = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 9)))
				break;
		alloc_64g_s += now_s() - ta;
		ta = now_s();
		for (i = 0; i < ROUND_BLOCKS && pages[i]; i++)
			memset(pmm_page_address(m, pages[i]), (int)r + 1, 2UL << 20);
		write_64g_s += now_s() - ta;
		ta = now_s();
		for (i = 0; i < ROUND_BLOCKS && pages[i]; i++, got++)
			pmm_free_pages(m, pages[i], 9);
		alloc_64g_s += now_s() - ta;
	}
	if (got < ROUNDS * ROUND_BLOCKS || pmm_check(m))
		return -1;
	free(pages);
	pmm_shutdown(m);
	pmm_machine_desc_destroy(d);
	return t;
}

/* the floor for the writes: memset of 4 GiB of fresh memory, then of the same 4 GiB 15 times more */
static double memset_64g(void)
{
	size_t bytes = ROUND_BLOCKS << 21;
	unsigned char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	unsigned long r;
	double t;

	if (p == MAP_FAILED)
		return -1;
	t = now_s();
	for (r = 0; r < ROUNDS; r++)
		memset(p, (int)r + 1, bytes);
	__asm__ __volatile__("" : : "r"(p) : "memory");
	t = now_s() - t;
	munmap(p, bytes);
	return t;
}

/* in_child() carries one figure: the boot, then the rest through stdout */
static double on_demand_child(unsigned long long tib)
{
	double t = boot_tib_on_demand(tib), floor = t < 0 ? -1 : memset_64g();

	if (t < 0)
		return t;
	printf("%4llu TiB on demand: boot %.3f s, first order-9 allocation %.1f ms after the boot "
	       "began;\n         64 GiB of order-9 pages allocated and freed %.3f s; again in rounds "
	       "of 4 GiB, written: allocation and free %.3f s,\n         writing every byte %.3f s "
	       "(floor: memset of the same bytes %.3f s)\n",
	       tib, t, first_alloc_ms, held_64g_s, alloc_64g_s, write_64g_s, floor);
	fflush(stdout);
	return t;
}

int main(int argc, char **argv)
{
	static const unsigned long long sizes[] = { 1, 16, 64 };
	unsigned int n = argc > 1 && !strcmp(argv[1], "--quick") ? 2 : 3, i;

	printf("boot of an x86-64 machine with two nodes, metadata only, best of 3; floor: one\n"
	       "64-byte record stored per page into fresh memory, in the same run\n");
	printf("%-8s %-9s %10s %12s %12s %10s %10s\n", "memory", "init", "boot s", "ns/page",
	       "floor ns/pg", "ratio", "peak MiB");
	for (i = 0; i < n; i++) {
		unsigned long long pages = sizes[i] << 18;
		struct result fl = { 1e9, 0, 0 }, flh = { 1e9, 0, 0 }, eager = { 0 };
		int mode, k;

		for (k = 0; k < 6; k++) {
			struct result r;

			floor_huge = k & 1;
			r = in_child(floor_stores, sizes[i]);
			if (r.ok && r.seconds < (floor_huge ? flh : fl).seconds)
				*(floor_huge ? &flh : &fl) = r;
		}
		for (mode = 0; mode < 2; mode++) {
			struct result best = { 1e9, 0, 0 };

			bench_defer = mode ? PMM_DEFER_DEFERRED : PMM_DEFER_EAGER;
			for (k = 0; k < 3; k++) {
				struct result r = in_child(boot_gib, sizes[i]);

				if (r.ok && r.seconds < best.seconds)
					best = r;
			}
			if (!best.ok) {
				printf("%4llu GiB %-9s boot failed\n", sizes[i], mode ? "deferred" : "eager");
				continue;
			}
			if (!mode)
				eager = best;
			printf("%4llu GiB %-9s %10.3f %12.1f %12.1f %10.2f %10ld\n", sizes[i],
			       mode ? "deferred" : "eager", best.seconds, best.seconds * 1e9 / (double)pages,
			       fl.seconds * 1e9 / (double)pages,
			       best.seconds / fl.seconds, best.max_rss_kb >> 10);
		}
		if (eager.ok)
			printf("struct page init: %.1f ns/page (floor %.1f ns/page, ratio %.2f; floor on "
			       "2 MiB pages %.1f ns/page, ratio %.2f), %llu GiB eager\n",
			       eager.seconds * 1e9 / (double)pages, fl.seconds * 1e9 / (double)pages,
			       eager.seconds / fl.seconds, flh.seconds * 1e9 / (double)pages,
			       eager.seconds / flh.seconds, sizes[i]);
	}
	for (i = 0; i < (n == 2 ? 1U : 2U); i++) {
		unsigned long long tib = i ? 64 : 1;
		struct result r = in_child(on_demand_child, tib);

		if (!r.ok)
			printf("%4llu TiB on demand: failed\n", tib);
		else
			printf("%4llu TiB on demand: peak RSS %ld MiB\n", tib, r.max_rss_kb >> 10);
	}
	return 0;
}

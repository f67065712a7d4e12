// SPDX-License-Identifier: MIT
/*
 * Page allocator throughput, each figure next to a floor measured in the
 * same run:
 *  - alloc+free pairs: order 0 with and without per-CPU lists, orders 0 to
 *    10, on one and two threads (every lock path: the per-CPU lists' lock,
 *    zone->lock for order 0 without them and for orders 4-8 and 10), with
 *    how much work two threads do together against one ("2T/1T": pairs per
 *    second of two threads, one pinned on each of two host CPUs, from the
 *    first start to the last end, over the mean rate of one thread on each
 *    of those CPUs, measured just before: the median of 5 such ratios);
 *    floor: a bare doubly linked free list of the same struct pages
 *    (unlink the first, link it back at the head), the least any
 *    list-based allocator does per pair;
 *  - freeing 1 GiB of order-0 pages in shuffled order, the struct pages
 *    cold; floor: the same shuffled walk over the same struct pages,
 *    reading and writing each (the loads overlap), and beside it the same
 *    walk with each load waiting for the last (the memory's latency: what
 *    a free pays when nothing of it overlaps the next free's miss);
 *  - bulk allocation (pmm_alloc_pages_bulk) and bulk free
 *    (pmm_free_pages_bulk) of 1, 8 and 64 pages per call, per page.
 *
 * Every pair row starts from the per-CPU lists drained, so that every free
 * block has merged as far as it goes: the buddy lists a row starts from do
 * not depend on the rows before it (the per-CPU lists of the order-0 rows
 * hold pages split from MAX_PAGE_ORDER blocks, and an order-4 pair beside
 * those remnants neither splits nor merges as much: 68 against 91 ns on one
 * host), and a pair of orders 4 to 8 splits from and merges back to a
 * MAX_PAGE_ORDER block, as in the instruction counts below.
 *
 * usage: bench_page_alloc [--quick]
 *        bench_page_alloc --pairs ORDER N [--no-pcp]
 * The second form only runs N pairs of ORDER on one thread, for counting
 * instructions, which unlike times do not vary from run to run: under
 * valgrind --tool=callgrind, the difference between N = 200000 and N =
 * 100000, over 100000, is the instructions of one pair.
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pmm/pmm.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static struct pmm_machine *boot(unsigned int flags)
{
	struct pmm_boot_opts opts = { .flags = flags | PMM_BOOT_NO_DIRECT_MAP | PMM_BOOT_NO_BIND };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;

	/* one node, 4 GiB above 4 GiB (Normal) and the low 2 GiB, two CPUs */
	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0-1") ||
	    pmm_machine_desc_add_memory(d, 0x100000, 2ULL << 30, 0, 0) ||
	    pmm_machine_desc_add_memory(d, 4ULL << 30, 8ULL << 30, 0, 0) || pmm_boot(d, &opts, &m)) {
		fprintf(stderr, "bench: boot failed\n");
		exit(1);
	}
	pmm_machine_desc_destroy(d);
	return m;
}

struct run {
	struct pmm_machine	*m;
	int			cpu;
	int			host_cpu;	/* pinned there; -1: not pinned */
	pthread_barrier_t	*ready;		/* all threads pinned: start together */
	unsigned int		order;
	unsigned long		iters;
	double			start, end;	/* when this thread began and finished */
	int			baseline;
	struct pmm_list_head	list;	/* the baseline's free list, linked through page->lru */
} __attribute__((aligned(64)));	/* one cache line per thread */

static void list_add_head(struct pmm_list_head *e, struct pmm_list_head *h)
{
	e->next = h->next;
	e->prev = h;
	h->next->prev = e;
	h->next = e;
}

static void list_unlink(struct pmm_list_head *e)
{
	e->next->prev = e->prev;
	e->prev->next = e->next;
}

static void *pairs(void *arg)
{
	struct run *r = arg;
	unsigned long i;

	if (r->host_cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(r->host_cpu, &set);
		pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	}
	pmm_set_cpu(r->m, r->cpu);
	/* a thread that starts first may run on the CPU its sibling is still being
	 * created from, and start a scheduler slice (ms) ahead: wait for all */
	pthread_barrier_wait(r->ready);
	if (r->baseline) {
		r->start = now_ns();
		for (i = 0; i < r->iters; i++) {
			struct pmm_list_head *e = r->list.next;

			list_unlink(e);
			/* the page leaves the list; make the compiler keep both halves */
			__asm__ __volatile__("" : : "r"(e) : "memory");
			list_add_head(e, &r->list);
		}
		r->end = now_ns();
		return NULL;
	}
	r->start = now_ns();
	for (i = 0; i < r->iters; i++) {
		struct pmm_page *p = pmm_alloc_pages(r->m, PMM_GFP_KERNEL, r->order);

		if (!p) {
			fprintf(stderr, "bench: allocation failed\n");
			exit(1);
		}
		pmm_free_pages(r->m, p, r->order);
	}
	r->end = now_ns();
	return NULL;
}

/* The host CPUs the threads run on: the first two this process may use. Host
 * CPUs need not be equal (a VM's vCPUs share physical cores with others), so
 * each thread is pinned, and one thread is measured on each. */
static int host_cpus[2] = { -1, -1 };

static void find_host_cpus(void)
{
	cpu_set_t set;
	int cpu, n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return;
	for (cpu = 0; cpu < CPU_SETSIZE && n < 2; cpu++)
		if (CPU_ISSET(cpu, &set))
			host_cpus[n++] = cpu;
	if (n < 2)
		host_cpus[0] = host_cpus[1] = -1;	/* one CPU: the threads share it */
}

/* Rounds of every measurement: a shared host's vCPUs lose time to other
 * guests now and then, and the best of a few rounds is what the code costs. */
#define ROUNDS	5

/* ns per pair with nthreads threads (the first on host_cpus[first]), one round */
static double measure_once(struct pmm_machine *m, unsigned int order, int nthreads, int first_cpu,
			   unsigned long iters, int baseline)
{
	struct run r[2];
	pthread_t t[2];
	pthread_barrier_t ready;
	double first = 1e300, last = 0;
	int i;

	pthread_barrier_init(&ready, NULL, (unsigned int)nthreads);
	for (i = 0; i < nthreads; i++) {
		r[i] = (struct run){ .m = m, .cpu = i, .order = order, .iters = iters,
				     .baseline = baseline,
				     .host_cpu = host_cpus[(first_cpu + i) % 2],
				     .ready = &ready };
		r[i].list.next = r[i].list.prev = &r[i].list;
		if (baseline) {
			/* a list of 64 pages taken from the machine */
			int k;

			for (k = 0; k < 64; k++)
				list_add_head(&pmm_alloc_pages(m, PMM_GFP_KERNEL, 0)->lru, &r[i].list);
		}
	}
	for (i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, pairs, &r[i]);
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		first = r[i].start < first ? r[i].start : first;
		last = r[i].end > last ? r[i].end : last;
		while (r[i].list.next != &r[i].list) {
			struct pmm_list_head *e = r[i].list.next;

			list_unlink(e);
			pmm_free_pages(m, (struct pmm_page *)((char *)e - offsetof(struct pmm_page, lru)),
				       0);
		}
	}
	pthread_barrier_destroy(&ready);
	/* per pair, as seen by one thread: from the first thread's start to the
	 * last one's end, so a thread that waited for its turn counts its wait */
	return (last - first) / (double)iters;
}

/* ns per pair on one thread: its rate the mean of its rates on each of the two host CPUs */
static double one_thread_once(struct pmm_machine *m, unsigned int order, unsigned long iters,
			      int baseline)
{
	double a = measure_once(m, order, 1, 0, iters, baseline);
	double b = measure_once(m, order, 1, 1, iters, baseline);

	return 2 / (1 / a + 1 / b);
}

/* ns per pair on one thread, best of ROUNDS */
static double measure(struct pmm_machine *m, unsigned int order, unsigned long iters, int baseline)
{
	double best = 1e30, v;
	int round;

	pmm_drain_all_pages(m);	/* every row from the same buddy lists (see the top) */
	for (round = 0; round < ROUNDS; round++) {
		v = one_thread_once(m, order, iters, baseline);
		best = v < best ? v : best;
	}
	return best;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * One thread, then two, ROUNDS times: ns per pair per thread, the best of
 * each, and 2T/1T, the work two threads do together against one (2.0:
 * perfect scaling; below 1.0 a second thread hurts), as the median of each
 * round's ratio of two measurements taken back to back, so that a slow
 * minute of a shared host weighs on both sides of a ratio or on none.
 */
static void measure_pair(struct pmm_machine *m, unsigned int order, unsigned long iters,
			 int baseline, double *one, double *two, double *ratio)
{
	double ratios[ROUNDS];
	int round;

	*one = *two = 1e30;
	pmm_drain_all_pages(m);	/* every row from the same buddy lists (see the top) */
	for (round = 0; round < ROUNDS; round++) {
		double a = one_thread_once(m, order, iters, baseline);
		double b = measure_once(m, order, 2, 0, iters, baseline);

		*one = a < *one ? a : *one;
		*two = b < *two ? b : *two;
		ratios[round] = 2 * a / b;
	}
	qsort(ratios, ROUNDS, sizeof(ratios[0]), cmp_double);
	*ratio = ratios[ROUNDS / 2];
}

static void row2(struct pmm_machine *pcp, struct pmm_machine *nopcp, const char *name,
		 unsigned int order, int no_pcp, unsigned long iters, double base1, double base2)
{
	double one, two, ratio;
	char label[80];

	measure_pair(no_pcp ? nopcp : pcp, order, iters, 0, &one, &two, &ratio);
	snprintf(label, sizeof(label), "%s, 1 thread", name);
	printf("%-40s %10.2f %12.1f %9.1fx\n", label, one, 1e3 / one, one / base1);
	snprintf(label, sizeof(label), "%s, 2 threads", name);
	printf("%-40s %10.2f %12.1f %9.1fx %7.2fx\n", label, two, 2e3 / two, two / base2, ratio);
}

/* xorshift64: the same shuffle on every run */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Free 1 GiB of order-0 pages in shuffled order: ns per page, and the floor:
 * the same walk touching each struct page (a load and a store), with the
 * pages' struct pages evicted from the caches before each.
 */
static void shuffled_free(struct pmm_machine *m, int in_bulk, double *free_ns, double *floor_ns,
			  double *chase_ns)
{
	unsigned long n = (1UL << 30) / 4096, i;
	struct pmm_page **pages = malloc(n * sizeof(*pages));
	size_t evict_len = 64UL << 20;
	unsigned char *evict = malloc(evict_len);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	double t;
	int round;

	if (!pages || !evict) {
		fprintf(stderr, "bench: out of memory\n");
		exit(1);
	}
	pmm_set_cpu(m, 0);
	*free_ns = *floor_ns = *chase_ns = 1e30;
	for (round = 0; round < ROUNDS; round++) {
		for (i = 0; i < n; i++) {
			pages[i] = pmm_alloc_pages(m, PMM_GFP_KERNEL, 0);
			if (!pages[i]) {
				fprintf(stderr, "bench: allocation failed\n");
				exit(1);
			}
		}
		for (i = n - 1; i > 0; i--) {
			unsigned long j = next_random(&seed) % (i + 1);
			struct pmm_page *p = pages[i];

			pages[i] = pages[j];
			pages[j] = p;
		}
		/* each struct page names the next in the shuffled order, for the chase */
		for (i = 0; i < n; i++)
			pages[i]->private = i + 1 < n ? (unsigned long)pages[i + 1] : 0;
		memset(evict, round, evict_len);	/* the struct pages out of the caches */
		t = now_ns();
		for (i = 0; i < n; i++) {
			volatile unsigned long *w = &pages[i]->private;

			*w = *w;
		}
		t = (now_ns() - t) / (double)n;
		*floor_ns = t < *floor_ns ? t : *floor_ns;
		memset(evict, round + 1, evict_len);
		t = now_ns();
		{
			const struct pmm_page *p = pages[0];

			while (p->private)
				p = (const struct pmm_page *)p->private;
			__asm__ __volatile__("" : : "r"(p) : "memory");
		}
		t = (now_ns() - t) / (double)n;
		*chase_ns = t < *chase_ns ? t : *chase_ns;
		for (i = 0; i < n; i++)
			pages[i]->private = 0;
		memset(evict, round + 2, evict_len);
		t = now_ns();
		if (in_bulk)
			for (i = 0; i < n; i += 64)
				pmm_free_pages_bulk(m, 64, pages + i);
		else
			for (i = 0; i < n; i++)
				pmm_free_pages(m, pages[i], 0);
		t = (now_ns() - t) / (double)n;
		*free_ns = t < *free_ns ? t : *free_ns;
		pmm_drain_all_pages(m);
	}
	free(evict);
	free(pages);
}

/* bulk allocation and free of @batch pages per call: ns per page */
static double bulk(struct pmm_machine *m, unsigned long batch, unsigned long pages_total)
{
	struct pmm_page *pages[64];
	double best = 1e30, t;
	unsigned long done;
	int round;

	pmm_set_cpu(m, 0);
	for (round = 0; round < ROUNDS; round++) {
		t = now_ns();
		for (done = 0; done < pages_total; done += batch) {
			memset(pages, 0, batch * sizeof(pages[0]));
			if (pmm_alloc_pages_bulk(m, PMM_GFP_KERNEL, PMM_NUMA_NO_NODE, NULL, batch,
						 pages) != batch) {
				fprintf(stderr, "bench: bulk allocation failed\n");
				exit(1);
			}
			pmm_free_pages_bulk(m, batch, pages);
		}
		t = (now_ns() - t) / (double)done;
		best = t < best ? t : best;
	}
	return best;
}

/* --pairs ORDER N [--no-pcp]: N pairs and nothing else (see the top) */
static int pairs_only(int argc, char **argv)
{
	char *end1, *end2;
	unsigned long order = argc > 2 ? strtoul(argv[2], &end1, 10) : 0;
	unsigned long n = argc > 3 ? strtoul(argv[3], &end2, 10) : 0, i;
	int no_pcp = argc > 4 && !strcmp(argv[4], "--no-pcp");
	struct pmm_machine *m;

	if (argc < 4 || argc > 5 || *end1 || *end2 || order > 10 || (argc == 5 && !no_pcp)) {
		fprintf(stderr, "usage: bench_page_alloc --pairs ORDER(0-10) N [--no-pcp]\n");
		return 2;
	}
	m = boot(no_pcp ? PMM_BOOT_NO_PCP : 0);
	pmm_set_cpu(m, 0);
	for (i = 0; i < n; i++) {
		struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_KERNEL, (unsigned int)order);

		if (!p) {
			fprintf(stderr, "bench: allocation failed\n");
			return 1;
		}
		pmm_free_pages(m, p, (unsigned int)order);
	}
	printf("%lu pairs of order %lu%s\n", n, order, no_pcp ? ", no per-CPU lists" : "");
	pmm_shutdown(m);
	return 0;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	unsigned long iters = quick ? 200000 : 2000000;
	struct pmm_machine *pcp, *nopcp;
	double base1, base2, base_ratio, v;
	unsigned int order;

	if (argc > 1 && !strcmp(argv[1], "--pairs"))
		return pairs_only(argc, argv);
	pcp = boot(0);
	nopcp = boot(PMM_BOOT_NO_PCP);

	find_host_cpus();
	measure_pair(pcp, 0, iters, 1, &base1, &base2, &base_ratio);
	printf("alloc+free pairs, 8 GiB x86-64 machine, best of %d (ns per pair per thread)\n",
	       ROUNDS);
	printf("%-40s %10s %12s %10s %8s\n", "case", "ns/pair", "Mpairs/s", "vs floor", "2T/1T");
	printf("%-40s %10.2f %12.1f %9.1fx\n", "floor: bare free list, 1 thread", base1,
	       1e3 / base1, 1.0);
	printf("%-40s %10.2f %12.1f %9.1fx %7.2fx\n", "floor: bare free list, 2 threads", base2,
	       2e3 / base2, 1.0, base_ratio);
	row2(pcp, nopcp, "order 0, per-CPU lists", 0, 0, iters, base1, base2);
	row2(pcp, nopcp, "order 0, no per-CPU lists", 0, 1, iters, base1, base2);
	for (order = 1; order <= 10; order++) {
		char name[64];

		snprintf(name, sizeof(name), "order %u%s", order,
			 order <= 3 || order == 9 ? " (per-CPU list)" : " (zone->lock)");
		if (order == 1 || order == 4 || order == 9 || order == 10)
			row2(pcp, nopcp, name, order, 0, iters / 4, base1, base2);
		else {
			v = measure(pcp, order, iters / 4, 0);
			printf("%-40s %10.2f %12.1f %9.1fx\n", name, v, 1e3 / v, v / base1);
		}
	}
	{
		double free_ns, floor_ns, chase_ns, bulk_ns;

		shuffled_free(pcp, 0, &free_ns, &floor_ns, &chase_ns);
		shuffled_free(pcp, 1, &bulk_ns, &v, &v);	/* the floors of the first */
		printf("\nfree 1 GiB of order-0 pages in shuffled order, cold (ns per page)\n");
		printf("%-40s %10.2f\n", "floor: the same walk, touching each", floor_ns);
		printf("%-40s %10.2f\n", "  one at a time (each load waits)", chase_ns);
		printf("%-40s %10.2f %23.1fx\n", "pmm_free_pages", free_ns, free_ns / floor_ns);
		printf("%-40s %10.2f %23.1fx\n", "pmm_free_pages_bulk, 64 a call", bulk_ns,
		       bulk_ns / floor_ns);
	}
	printf("\nbulk allocation and free, order 0 (ns per page)\n");
	for (order = 0; order < 3; order++) {
		static const unsigned long batches[] = { 1, 8, 64 };
		char name[64];

		snprintf(name, sizeof(name), "alloc_pages_bulk + free_pages_bulk, %lu", batches[order]);
		v = bulk(pcp, batches[order], iters);
		printf("%-40s %10.2f %12.1f %9.1fx\n", name, v, 1e3 / v, v / base1);
	}
	if (pmm_check(pcp) || pmm_check(nopcp))
		fprintf(stderr, "bench: pmm_check failed\n");
	pmm_shutdown(pcp);
	pmm_shutdown(nopcp);
	return 0;
}

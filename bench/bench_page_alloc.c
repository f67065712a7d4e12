// SPDX-License-Identifier: MIT
/*
 * Page allocator throughput: alloc+free pairs per second, order 0 with and
 * without per-CPU lists, orders 0 to 10, on one and two threads, next to
 * the floor measured in the same run: a bare doubly linked free list of
 * the same struct pages (unlink the first, link it back at the head), the
 * least any list-based allocator does per pair.
 *
 * usage: bench_page_alloc [--quick]
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <stddef.h>
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
	unsigned int		order;
	unsigned long		iters;
	double			ns;
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
	double t;

	pmm_set_cpu(r->m, r->cpu);
	if (r->baseline) {
		t = now_ns();
		for (i = 0; i < r->iters; i++) {
			struct pmm_list_head *e = r->list.next;

			list_unlink(e);
			/* the page leaves the list; make the compiler keep both halves */
			__asm__ __volatile__("" : : "r"(e) : "memory");
			list_add_head(e, &r->list);
		}
		r->ns = now_ns() - t;
		return NULL;
	}
	t = now_ns();
	for (i = 0; i < r->iters; i++) {
		struct pmm_page *p = pmm_alloc_pages(r->m, PMM_GFP_KERNEL, r->order);

		if (!p) {
			fprintf(stderr, "bench: allocation failed\n");
			exit(1);
		}
		pmm_free_pages(r->m, p, r->order);
	}
	r->ns = now_ns() - t;
	return NULL;
}

/* ns per pair with nthreads threads, best of three */
static double measure(struct pmm_machine *m, unsigned int order, int nthreads, unsigned long iters,
		      int baseline)
{
	double best = 1e30;
	int round, i;

	for (round = 0; round < 3; round++) {
		struct run r[2];
		pthread_t t[2];
		double total = 0;

		for (i = 0; i < nthreads; i++) {
			r[i] = (struct run){ .m = m, .cpu = i, .order = order, .iters = iters,
					     .baseline = baseline };
			r[i].list.next = r[i].list.prev = &r[i].list;
			if (baseline) {
				/* a list of 64 pages taken from the machine */
				int k;

				for (k = 0; k < 64; k++)
					list_add_head(&pmm_alloc_pages(m, PMM_GFP_KERNEL, 0)->lru,
						      &r[i].list);
			}
		}
		for (i = 0; i < nthreads; i++)
			pthread_create(&t[i], NULL, pairs, &r[i]);
		for (i = 0; i < nthreads; i++) {
			pthread_join(t[i], NULL);
			total += r[i].ns;
			while (r[i].list.next != &r[i].list) {
				struct pmm_list_head *e = r[i].list.next;

				list_unlink(e);
				pmm_free_pages(m, (struct pmm_page *)((char *)e -
						offsetof(struct pmm_page, lru)), 0);
			}
		}
		/* per pair, as seen by one thread */
		if (total / nthreads / (double)iters < best)
			best = total / nthreads / (double)iters;
	}
	return best;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && !strcmp(argv[1], "--quick");
	unsigned long iters = quick ? 200000 : 2000000;
	struct pmm_machine *pcp = boot(0), *nopcp = boot(PMM_BOOT_NO_PCP);
	double base1, base2, v;
	unsigned int order;

	base1 = measure(pcp, 0, 1, iters, 1);
	base2 = measure(pcp, 0, 2, iters, 1);
	printf("alloc+free pairs, 8 GiB x86-64 machine, best of 3 (ns per pair per thread)\n");
	printf("%-34s %10s %12s %10s\n", "case", "ns/pair", "Mpairs/s", "vs floor");
	printf("%-34s %10.2f %12.1f %9.1fx\n", "floor: bare free list, 1 thread", base1,
	       1e3 / base1, 1.0);
	printf("%-34s %10.2f %12.1f %9.1fx\n", "floor: bare free list, 2 threads", base2,
	       2e3 / base2, 1.0);
	v = measure(pcp, 0, 1, iters, 0);
	printf("%-34s %10.2f %12.1f %9.1fx\n", "order 0, per-CPU lists, 1 thread", v, 1e3 / v,
	       v / base1);
	v = measure(pcp, 0, 2, iters, 0);
	printf("%-34s %10.2f %12.1f %9.1fx\n", "order 0, per-CPU lists, 2 threads", v, 2e3 / v,
	       v / base2);
	v = measure(nopcp, 0, 1, iters, 0);
	printf("%-34s %10.2f %12.1f %9.1fx\n", "order 0, no per-CPU lists, 1 thread", v, 1e3 / v,
	       v / base1);
	v = measure(nopcp, 0, 2, iters, 0);
	printf("%-34s %10.2f %12.1f %9.1fx\n", "order 0, no per-CPU lists, 2 threads", v, 2e3 / v,
	       v / base2);
	for (order = 1; order <= 10; order++) {
		char name[64];

		v = measure(pcp, order, 1, iters / 4, 0);
		snprintf(name, sizeof(name), "order %u, 1 thread%s", order,
			 order <= 3 || order == 9 ? " (per-CPU list)" : "");
		printf("%-34s %10.2f %12.1f %9.1fx\n", name, v, 1e3 / v, v / base1);
	}
	for (order = 1; order <= 10; order += 3) {
		char name[64];

		v = measure(pcp, order, 2, iters / 4, 0);
		snprintf(name, sizeof(name), "order %u, 2 threads", order);
		printf("%-34s %10.2f %12.1f %9.1fx\n", name, v, 2e3 / v, v / base2);
	}
	if (pmm_check(pcp) || pmm_check(nopcp))
		fprintf(stderr, "bench: pmm_check failed\n");
	pmm_shutdown(pcp);
	pmm_shutdown(nopcp);
	return 0;
}

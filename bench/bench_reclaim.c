// SPDX-License-Identifier: MIT
/*
 * Reclaim throughput: a 1 GiB x86-64 machine with its real memory behind it,
 * filled with order-0 folios on the LRU, then pmm_reclaim_node() asked for
 * all of them.
 *   file: clean file folios, dropped. Floor: taking as many nodes off the
 *         tail of a bare doubly linked list onto another (what reclaiming a
 *         page costs at least: off one list, onto the free one).
 *   anon: anonymous folios swapped out to a swap device of the same size.
 *         Floor: a memcpy of the same pages (what swapping out costs at
 *         least: the copy to the device).
 * Both floors are measured in the same run.
 */
#define _GNU_SOURCE 1
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pmm/pmm.h>

#define M	(1ULL << 20)
#define NR	200000UL

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned long evicted;

static int let_go(void *arg, struct pmm_folio *folio, int op, pmm_swp_entry_t entry)
{
	(void)arg;
	(void)folio;
	(void)entry;
	if (op == PMM_RECLAIM_EVICT)
		evicted++;
	return 0;
}

struct node {
	struct node *prev, *next;
};

/* off the tail of one list, onto the head of another, @n times */
static double floor_lists(unsigned long n)
{
	struct node *v = calloc(n, sizeof(*v)), a = { &a, &a }, b = { &b, &b };
	unsigned long i;
	double t;

	if (!v)
		return -1;
	for (i = 0; i < n; i++) {
		v[i].next = a.next;
		v[i].prev = &a;
		a.next->prev = &v[i];
		a.next = &v[i];
	}
	t = now_s();
	while (a.prev != &a) {
		struct node *x = a.prev;

		x->prev->next = x->next;
		x->next->prev = x->prev;
		x->next = b.next;
		x->prev = &b;
		b.next->prev = x;
		b.next = x;
	}
	t = now_s() - t;
	__asm__ __volatile__("" : : "r"(b.next) : "memory");
	free(v);
	return t;
}

static double floor_copy(unsigned long pages)
{
	size_t bytes = pages * 4096;
	char *a = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;
	double t;

	if (a == MAP_FAILED || b == MAP_FAILED)
		return -1;
	memset(a, 1, bytes);
	t = now_s();
	for (i = 0; i < pages; i++)
		memcpy(b + i * 4096, a + i * 4096, 4096);	/* b fresh, as the device is */
	t = now_s() - t;
	__asm__ __volatile__("" : : "r"(b) : "memory");
	munmap(a, bytes);
	munmap(b, bytes);
	return t;
}

static int run(bool anon)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_INLINE_DAEMONS,
				      .reclaim_folio = let_go };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long i, got;
	long swappiness = 200;
	double t, fl;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0") ||
	    pmm_machine_desc_add_memory(d, 16 * M, 1040 * M, 0, 0) ||
	    (anon && pmm_machine_desc_set_swap(d, (NR + 1) * 4096)) || pmm_boot(d, &opts, &m))
		return 1;
	pmm_machine_desc_destroy(d);
	pmm_sysctl_write(m, "vm.swappiness", &swappiness, 1);
	for (i = 0; i < NR; i++) {
		struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);

		if (!p)
			return 1;
		memset(pmm_page_address(m, p), (int)i, 4096);
		if (anon)
			pmm_page_set_flag(p, PMM_PG_swapbacked);
		pmm_folio_add_lru(m, (struct pmm_folio *)p);
	}
	evicted = 0;
	t = now_s();
	got = pmm_reclaim_node(m, 0, NR);
	t = now_s() - t;
	fl = anon ? floor_copy(got) : floor_lists(got);
	printf("%s: %lu of %lu pages reclaimed in %.3f s: %.0f ns/page, %.0f pages/s\n",
	       anon ? "anon, swapped out" : "file, clean", got, NR, t, t / got * 1e9, got / t);
	printf("  floor: %s %.1f ns/page; ratio %.1f\n",
	       anon ? "memcpy of the pages" : "list to list", fl / got * 1e9, t / fl);
	pmm_shutdown(m);
	return got == evicted ? 0 : 1;
}

int main(void)
{
	printf("reclaim of %lu order-0 folios on a 1 GiB machine (pmm_reclaim_node):\n", NR);
	return run(false) || run(true);
}

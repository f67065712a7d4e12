// SPDX-License-Identifier: MIT
/*
 * ns per pmm_pfn_to_page and pmm_page_to_pfn on a 64 GiB simulated x86-64
 * machine with the usual holes (below 1 MiB, 3-4 GiB), sequential and
 * random pfns, next to a plain array index measured in the same run.
 * Built once per memory model; bench/run_bench.sh prints them side by side.
 *
 * usage: bench_memory_model_<model> [--header]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pmm/pmm.h>

#define NR_RANDOM	(1UL << 22)
#define ROUNDS		3

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static volatile unsigned long sink;

/* xorshift64: reproducible random pfns */
static unsigned long next_rand(unsigned long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

struct result {
	double seq, rnd;
};

static double best(double a, double b)
{
	return a < b ? a : b;
}

int main(int argc, char **argv)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_DIRECT_MAP | PMM_BOOT_NO_BIND };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long *pfns, pfn, i, seed = 88172645463325252UL, max_pfn;
	struct pmm_page **pages, *base;
	struct result p2pg = { 1e30, 1e30 }, pg2p = { 1e30, 1e30 };
	struct result arr_p2pg = { 1e30, 1e30 }, arr_pg2p = { 1e30, 1e30 };
	/* a baseline that also loads page->flags, as classic SPARSEMEM's page_to_pfn must */
	struct result arr_pg2p_load = { 1e30, 1e30 };
	const char *model = PMM_CONFIG_SPARSEMEM_VMEMMAP ? "SPARSEMEM_VMEMMAP" :
			    PMM_CONFIG_SPARSEMEM_EXTREME ? "SPARSEMEM+EXTREME" :
			    PMM_CONFIG_SPARSEMEM ? "SPARSEMEM" : "FLATMEM";
	int round;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0-1") ||
	    pmm_machine_desc_add_memory(d, 0x1000, 0x9f000, 0, 0) ||
	    pmm_machine_desc_add_memory(d, 0x100000, 0xbffe0000ULL, 0, 0) ||
	    pmm_machine_desc_add_memory(d, 1ULL << 32, (1ULL << 32) + (61ULL << 30), 0, 0)) {
		fprintf(stderr, "bench: description failed\n");
		return 1;
	}
	if (pmm_boot(d, &opts, &m)) {
		fprintf(stderr, "bench: boot failed\n");
		return 1;
	}
	pmm_machine_desc_destroy(d);
	max_pfn = pmm_max_pfn(m);

	pfns = malloc(NR_RANDOM * sizeof(*pfns));
	pages = malloc(NR_RANDOM * sizeof(*pages));
	if (!pfns || !pages)
		return 1;
	for (i = 0; i < NR_RANDOM;) {
		pfn = next_rand(&seed) % max_pfn;
		if (!pmm_pfn_valid(m, pfn))
			continue;
		pfns[i] = pfn;
		pages[i] = pmm_pfn_to_page(m, pfn);
		i++;
	}
	/* the baseline: a plain array indexed by pfn (here, vmemmap-like arithmetic
	 * on the same numbers, never dereferenced) */
	base = pmm_pfn_to_page(m, 0x100000) - 0x100000;

	for (round = 0; round < ROUNDS; round++) {
		unsigned long acc = 0;
		double t;

		/* sequential over every valid pfn of [4G, end) */
		t = now_ns();
		for (pfn = 0x100000; pfn < max_pfn; pfn++)
			acc += (unsigned long)pmm_pfn_to_page(m, pfn);
		p2pg.seq = best(p2pg.seq, (now_ns() - t) / (max_pfn - 0x100000));
		t = now_ns();
		for (pfn = 0x100000; pfn < max_pfn; pfn++)
			acc += (unsigned long)(base + pfn);
		arr_p2pg.seq = best(arr_p2pg.seq, (now_ns() - t) / (max_pfn - 0x100000));

		t = now_ns();
		for (pfn = 0x100000; pfn < max_pfn; pfn++)
			acc += pmm_page_to_pfn(m, base + pfn);
		pg2p.seq = best(pg2p.seq, (now_ns() - t) / (max_pfn - 0x100000));
		t = now_ns();
		for (pfn = 0x100000; pfn < max_pfn; pfn++)
			acc += (unsigned long)((base + pfn) - base);
		arr_pg2p.seq = best(arr_pg2p.seq, (now_ns() - t) / (max_pfn - 0x100000));
		t = now_ns();
		for (pfn = 0x100000; pfn < max_pfn; pfn++)
			acc += (unsigned long)((base + pfn) - base) ^ (base[pfn].flags >> 63);
		arr_pg2p_load.seq = best(arr_pg2p_load.seq, (now_ns() - t) / (max_pfn - 0x100000));

		/* random valid pfns */
		t = now_ns();
		for (i = 0; i < NR_RANDOM; i++)
			acc += (unsigned long)pmm_pfn_to_page(m, pfns[i]);
		p2pg.rnd = best(p2pg.rnd, (now_ns() - t) / NR_RANDOM);
		t = now_ns();
		for (i = 0; i < NR_RANDOM; i++)
			acc += (unsigned long)(base + pfns[i]);
		arr_p2pg.rnd = best(arr_p2pg.rnd, (now_ns() - t) / NR_RANDOM);

		t = now_ns();
		for (i = 0; i < NR_RANDOM; i++)
			acc += pmm_page_to_pfn(m, pages[i]);
		pg2p.rnd = best(pg2p.rnd, (now_ns() - t) / NR_RANDOM);
		t = now_ns();
		for (i = 0; i < NR_RANDOM; i++)
			acc += (unsigned long)(pages[i] - base);
		arr_pg2p.rnd = best(arr_pg2p.rnd, (now_ns() - t) / NR_RANDOM);
		t = now_ns();
		for (i = 0; i < NR_RANDOM; i++)
			acc += (unsigned long)(pages[i] - base) ^ (pages[i]->flags >> 63);
		arr_pg2p_load.rnd = best(arr_pg2p_load.rnd, (now_ns() - t) / NR_RANDOM);
		sink = acc;
	}

	if (argc > 1 && !strcmp(argv[1], "--header"))
		printf("%-22s %-12s %9s %9s %7s   %9s %9s %7s\n", "model", "operation",
		       "seq ns", "array ns", "ratio", "rand ns", "array ns", "ratio");
	printf("%-22s %-12s %9.3f %9.3f %6.2fx   %9.3f %9.3f %6.2fx\n",
	       model, "pfn_to_page", p2pg.seq, arr_p2pg.seq,
	       p2pg.seq / arr_p2pg.seq, p2pg.rnd, arr_p2pg.rnd, p2pg.rnd / arr_p2pg.rnd);
	printf("%-22s %-12s %9.3f %9.3f %6.2fx   %9.3f %9.3f %6.2fx\n",
	       model, "page_to_pfn", pg2p.seq, arr_pg2p.seq,
	       pg2p.seq / arr_pg2p.seq, pg2p.rnd, arr_pg2p.rnd, pg2p.rnd / arr_pg2p.rnd);
	printf("%-22s %-12s %9.3f %9.3f %6.2fx   %9.3f %9.3f %6.2fx\n",
	       model, "page_to_pfn*", pg2p.seq, arr_pg2p_load.seq,
	       pg2p.seq / arr_pg2p_load.seq, pg2p.rnd, arr_pg2p_load.rnd,
	       pg2p.rnd / arr_pg2p_load.rnd);
	free(pfns);
	free(pages);
	pmm_shutdown(m);
	return 0;
}

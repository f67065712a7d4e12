/* SPDX-License-Identifier: MIT */
/*
 * Shared by the fuzz targets: boot what a reader accepted, bounded so that
 * one input costs milliseconds, and treat any broken invariant as a crash.
 */
#ifndef PMM_FUZZ_H
#define PMM_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pmm/pmm.h>

/* The simulated address space a fuzzed description may have: its memmap stays small. */
#define FUZZ_PHYS_LIMIT	(2ULL << 30)

/* An invariant pmm promises: break it and the fuzzer reports a crash. */
#define fuzz_assert(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* pmm_check() must be clean; if not, show what it found before the crash. */
static inline void fuzz_check(struct pmm_machine *m)
{
	if (pmm_check(m) == 0)
		return;
	fputs(pmm_boot_log(m), stderr);
	__builtin_trap();
}

/* The reports of any machine a reader accepted print without a fault. */
static inline void fuzz_reports(const struct pmm_machine *m)
{
	FILE *null = fopen("/dev/null", "w");
	int nid;

	if (!null)
		return;
	pmm_print_vmstat(m, null);
	pmm_print_meminfo(m, null);
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
		if (pmm_node_state(m, nid, PMM_N_ONLINE))
			pmm_print_node_meminfo(m, nid, null);
	fclose(null);
}

/* Whatever a reader accepted, written as a machine file, reads back (pmm describe). */
static inline void fuzz_write_reads_back(const struct pmm_machine_desc *d)
{
	struct pmm_machine_desc *back;
	char *text = NULL, err[512];
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		return;
	fuzz_assert(!pmm_machine_desc_write_json(d, f));
	fclose(f);
	if (pmm_machine_desc_from_json_buffer(text, len, "written.json", &back, err, sizeof(err))) {
		fprintf(stderr, "written description refused: %s\n%s\n", err, text);
		__builtin_trap();
	}
	pmm_machine_desc_destroy(back);
	free(text);
}

/*
 * Boot @d (no binding, no direct map, at most @phys_limit of address
 * space), check it, allocate and free a little at every order, check
 * again, shut down. A refused boot is fine; an inconsistent machine is not.
 */
static inline void fuzz_boot_limit(const struct pmm_machine_desc *d,
				   unsigned long long phys_limit, enum pmm_defer defer)
{
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP,
				      .phys_limit = phys_limit, .defer = defer };
	struct pmm_page *pages[16];
	struct pmm_machine *m;
	unsigned int order;

	if (pmm_boot(d, &opts, &m))
		return;
	fuzz_check(m);
	for (order = 0; order < 16; order++)
		pages[order] = pmm_alloc_pages(m, PMM_GFP_KERNEL, order);
	for (order = 0; order < 16; order++)
		pmm_free_pages(m, pages[order], order);
	fuzz_check(m);
	fuzz_reports(m);
	pmm_shutdown(m);
}

static inline void fuzz_boot(const struct pmm_machine_desc *d)
{
	fuzz_boot_limit(d, FUZZ_PHYS_LIMIT, PMM_DEFER_EAGER);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* PMM_FUZZ_H */

// SPDX-License-Identifier: MIT
/*
 * Fuzz target: page allocator traces (pmm_replay_line()), line by line, on
 * a small machine: any text must be counted as events, other events or
 * lines not understood, without a crash, and the machine must stay
 * consistent; the replay's pages all come back when it ends. (One machine
 * per input: a machine kept across inputs holds pointers in mmap'd memory
 * LeakSanitizer does not scan, which it would report as leaks.)
 * The input's first line also goes to pmm_gfp_parse() as a whole: an error
 * leaves the flags alone, a success is a set of the kernel's gfp bits.
 */
#include <string.h>

#include "fuzz.h"

#define M	(1ULL << 20)

static struct pmm_machine *machine(void)
{
	struct pmm_machine *m;
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP |
					       PMM_BOOT_INLINE_DAEMONS };
	struct pmm_machine_desc *d;

	fuzz_assert(!pmm_machine_desc_create("x86_64", &d));
	fuzz_assert(!pmm_machine_desc_add_node(d, 0, "0-1"));
	fuzz_assert(!pmm_machine_desc_add_memory(d, M, 64 * M, 0, 0));
	fuzz_assert(!pmm_boot(d, &opts, &m));
	pmm_machine_desc_destroy(d);
	return m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmm_machine *m = machine();
	struct pmm_replay_stats st;
	struct pmm_replay *r;
	unsigned long free_before;
	char line[1024];
	size_t i = 0;

	pmm_drain_all_pages(m);
	free_before = pmm_zone_free_pages(&pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32]);
	r = pmm_replay_create(m, NULL);
	fuzz_assert(r);
	while (i < size) {
		size_t n = 0;

		while (i < size && data[i] != '\n' && n < sizeof(line) - 1)
			line[n++] = (char)data[i++];
		line[n] = '\0';
		i++;
		fuzz_assert(!pmm_replay_line(r, line));
	}
	{
		pmm_gfp_t gfp = 0xdeadbeef;
		size_t n = 0;

		while (n < size && n < sizeof(line) - 1 && data[n] != '\n')
			n++;
		memcpy(line, data, n);
		line[n] = '\0';
		if (pmm_gfp_parse(line, &gfp))
			fuzz_assert(gfp == 0xdeadbeef);
		else
			fuzz_assert(!(gfp & ~0x3fffffu));	/* __GFP_THISNODE is the highest */
	}
	pmm_replay_get_stats(r, &st);
	fuzz_assert(st.events + st.other_events + st.unknown <= st.lines);
	fuzz_assert(st.frees <= st.allocs);
	fuzz_check(m);
	pmm_replay_destroy(r, true);
	fuzz_check(m);
	pmm_drain_all_pages(m);
	fuzz_assert(pmm_zone_free_pages(&pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32]) ==
		    free_before);
	pmm_shutdown(m);
	return 0;
}

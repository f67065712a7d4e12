// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the kernel command line, through pmm_boot(). The first byte
 * picks a machine (x86-64 with two nodes and a DIMM, arm64 with two nodes,
 * 32-bit PAE with HighMem) and, in bit 7, deferred struct page init; the
 * rest is the command line.
 */
#include <string.h>

#include "fuzz.h"

#define M	(1ULL << 20)
#define G	(1ULL << 30)

static struct pmm_machine_desc *machine(unsigned int which)
{
	struct pmm_machine_desc *d;

	switch (which % 3) {
	case 0:
		fuzz_assert(!pmm_machine_desc_create("x86_64", &d));
		fuzz_assert(!pmm_machine_desc_add_node(d, 0, "0"));
		fuzz_assert(!pmm_machine_desc_add_node(d, 1, "1"));
		fuzz_assert(!pmm_machine_desc_add_memory(d, 4096, 640 << 10, 0, 0));
		fuzz_assert(!pmm_machine_desc_add_memory(d, M, 256 * M, 0, 0));
		fuzz_assert(!pmm_machine_desc_add_memory(d, 4 * G, 4 * G + 256 * M, 1,
							 PMM_MEMORY_HOTPLUGGABLE));
		fuzz_assert(!pmm_machine_desc_add_hotplug(d, 6 * G, 6 * G + 256 * M, 1));
		break;
	case 1:
		fuzz_assert(!pmm_machine_desc_create("arm64", &d));
		fuzz_assert(!pmm_machine_desc_add_node(d, 0, "0-1"));
		fuzz_assert(!pmm_machine_desc_add_node(d, 1, "2-3"));
		fuzz_assert(!pmm_machine_desc_add_memory(d, G, G + 256 * M, 0, 0));
		fuzz_assert(!pmm_machine_desc_add_memory(d, 2 * G, 2 * G + 256 * M, 1, 0));
		break;
	default:
		fuzz_assert(!pmm_machine_desc_create("x86_32_pae", &d));
		fuzz_assert(!pmm_machine_desc_add_node(d, 0, "0"));
		fuzz_assert(!pmm_machine_desc_add_memory(d, M, 1280 * M, 0, 0));
		break;
	}
	return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmm_machine_desc *d;
	char cmdline[4096];

	if (!size || size > sizeof(cmdline))
		return 0;
	memcpy(cmdline, data + 1, size - 1);
	cmdline[size - 1] = '\0';
	d = machine(data[0] & 0x7f);
	if (!pmm_machine_desc_set_cmdline(d, cmdline))
		fuzz_boot_limit(d, 8 * G,	/* room for the DIMM at 6 GiB */
				data[0] & 0x80 ? PMM_DEFER_DEFERRED : PMM_DEFER_EAGER);
	pmm_machine_desc_destroy(d);
	return 0;
}

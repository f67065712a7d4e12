// SPDX-License-Identifier: MIT
// The public headers compile as C++ and link from C++ (simulators embed pmm).
#include <pmm/pmm.h>
#include <pmm/linux.h>

#include <cstdio>
#include <cstring>

int main()
{
	struct pmm_machine_desc *d = nullptr;
	struct pmm_machine *m = nullptr;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0") ||
	    pmm_machine_desc_add_memory(d, 0x100000, 0x10000000, 0, 0))
		return 1;
	struct pmm_boot_opts opts = {};
	opts.flags = PMM_BOOT_NO_BIND;
	int err = pmm_boot(d, &opts, &m);
	pmm_machine_desc_destroy(d);
	if (err)
		return 1;
	struct pmm_page *page = pmm_pfn_to_page(m, 0x1000);
	int ok = pmm_page_to_pfn(m, page) == 0x1000 && pmm_page_to_nid(page) == 0 &&
		 pmm_page_zonenum(page) == PMM_ZONE_DMA32;
	std::memset(pmm_page_address(m, page), 0, 4096);
	pmm_shutdown(m);
	std::printf("C++: %s\n", ok ? "ok" : "FAILED");
	return ok ? 0 : 1;
}

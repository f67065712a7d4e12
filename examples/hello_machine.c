// SPDX-License-Identifier: MIT
/*
 * hello_machine: describe a two-node x86-64 machine, boot it, walk its
 * nodes and zones as kernel code walks pg_data_t, and use its memory.
 *
 * Build: cc -std=c11 hello_machine.c $(pkg-config --cflags --libs pmm)
 */
#include <stdio.h>
#include <string.h>

#include <pmm/pmm.h>

int main(void)
{
	struct pmm_machine_desc *desc;
	struct pmm_machine *m;
	struct pmm_page *page;
	char *mem;
	int nid, z, err;

	/* the firmware's view: two nodes, the usual x86 holes below 1 MiB and at 3-4 GiB */
	err = pmm_machine_desc_create("x86_64", &desc);
	if (!err)
		err = pmm_machine_desc_add_node(desc, 0, "0-1");
	if (!err)
		err = pmm_machine_desc_add_node(desc, 1, "2-3");
	if (!err)
		err = pmm_machine_desc_add_memory(desc, 0x1000, 0x9f000, 0, 0);
	if (!err)
		err = pmm_machine_desc_add_memory(desc, 0x100000, 0xc0000000, 0, 0);
	if (!err)
		err = pmm_machine_desc_add_memory(desc, 0x100000000ULL, 0x180000000ULL, 1, 0);
	if (err) {
		fprintf(stderr, "description: %s\n", desc ? pmm_machine_desc_error(desc) : "?");
		return 1;
	}
	err = pmm_boot(desc, NULL, &m);
	pmm_machine_desc_destroy(desc);
	if (err) {
		fprintf(stderr, "boot failed: %d\n", err);
		return 1;
	}

	/* for_each_online_node(nid) { pg_data_t *pgdat = NODE_DATA(nid); ... } */
	pmm_for_each_online_node(nid, m) {
		pmm_pg_data_t *pgdat = pmm_node_data(m, nid);

		printf("node %d: start_pfn %#lx, spanned %lu, present %lu\n", nid,
		       pgdat->node_start_pfn, pgdat->node_spanned_pages, pgdat->node_present_pages);
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pgdat->node_zones[z];

			if (pmm_populated_zone(zone))
				printf("  %-8s [%#lx, %#lx) present %lu\n", zone->name,
				       zone->zone_start_pfn, pmm_zone_end_pfn(zone),
				       zone->present_pages);
		}
	}

	/* a struct page, the real memory behind it, and back */
	page = pmm_pfn_to_page(m, 0x100000);
	mem = (char *)pmm_page_address(m, page);
	strcpy(mem, "hello from simulated physical memory");
	printf("pfn %#lx: node %d, zone %s, says \"%s\"\n", pmm_page_to_pfn(m, page),
	       pmm_page_to_nid(page), pmm_page_zone(m, page)->name,
	       (char *)pmm_phys_to_virt(m, 0x100000000ULL));
	if (pmm_virt_to_page(m, mem) != page)
		return 1;
	pmm_shutdown(m);
	return 0;
}

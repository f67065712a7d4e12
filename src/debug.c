// SPDX-License-Identifier: MIT
/* A human-readable summary of a booted machine (pmm_dump_machine). */
#include <stdio.h>

#include "internal.h"

static const char *bind_status_name(enum pmm_bind_status s)
{
	switch (s) {
	case PMM_BIND_BOUND:	return "bound";
	case PMM_BIND_SKIPPED:	return "not bound (skipped)";
	case PMM_BIND_FAILED:	return "not bound (host refused)";
	default:		return "nothing to bind";
	}
}

void pmm_dump_machine(const struct pmm_machine *m, FILE *f)
{
	char list[1024];
	unsigned int shift = m->view.page_shift, i;
	int nid, s;

	fprintf(f, "pmm %s, memory model %s, architecture %s (%lu KiB pages, "
		"MAX_PAGE_ORDER %u, pageblock order %u)\n",
		pmm_version(), PMM_CONFIG_MODEL_NAME, m->arch->name,
		(1UL << shift) >> 10, m->max_page_order, m->pageblock_order);
	fprintf(f, "max_pfn %#lx (%llu MiB), address space %#llx, direct map %s\n",
		m->max_pfn, ((unsigned long long)m->max_pfn << shift) >> 20,
		(unsigned long long)m->view.pfn_limit << shift,
		m->view.direct_map ? "yes" : "no (metadata only)");

	fprintf(f, "\nmemblock.memory:\n");
	for (i = 0; i < m->memblock.memory.cnt; i++) {
		const struct pmm_memblock_region *r = &m->memblock.memory.regions[i];

		fprintf(f, "  [mem %#018llx-%#018llx] node %d%s%s\n",
			(unsigned long long)r->base, (unsigned long long)(r->base + r->size - 1),
			r->nid, r->flags & PMM_MEMORY_HOTPLUGGABLE ? " hotpluggable" : "",
			r->flags & PMM_MEMORY_MIRROR ? " mirror" : "");
	}
	fprintf(f, "memblock.reserved: %u regions\n", m->memblock.reserved.cnt);

	fprintf(f, "\nnodes:\n");
	pmm_for_each_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
		enum pmm_bind_status st;
		int host = pmm_machine_host_node(m, nid, &st);
		int z;

		pmm_cpulist_print(list, sizeof(list), &m->node_cpus[nid]);
		fprintf(f, "  node %d: pfn %#lx-%#lx, spanned %lu, present %lu, cpus %s, "
			"host node %d, %s\n", nid, pgdat->node_start_pfn, pmm_pgdat_end_pfn(pgdat),
			pgdat->node_spanned_pages, pgdat->node_present_pages,
			list[0] ? list : "none", host, bind_status_name(st));
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];

			if (!pmm_zone_type_configured(m, (enum pmm_zone_type)z) || !zone->spanned_pages)
				continue;
			fprintf(f, "    %-8s pfn %#lx-%#lx, spanned %lu, present %lu, managed %lu\n",
				zone->name, zone->zone_start_pfn, pmm_zone_end_pfn(zone),
				zone->spanned_pages, zone->present_pages, zone->managed_pages);
		}
	}

	fprintf(f, "\nnode states:\n");
	for (s = 0; s < PMM_NR_NODE_STATES; s++) {
		pmm_nodelist_print(list, sizeof(list), pmm_node_states(m, (enum pmm_node_states)s));
		fprintf(f, "  %s: %s\n", pmm_node_state_names[s], list);
	}

	fprintf(f, "\nmemory model:\n");
	pmm__model_dump(m, f);
}

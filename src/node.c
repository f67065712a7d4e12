// SPDX-License-Identifier: MIT
/* /sys/devices/system/node: the node state masks. Mirrors drivers/base/node.c. */
#include <stdio.h>

#include <errno.h>

#include "internal.h"

int pmm_print_node_states(const struct pmm_machine *m, FILE *f)
{
	static const struct {
		const char *name;
		enum pmm_node_states state;
	} files[] = {
		{ "possible", PMM_N_POSSIBLE },
		{ "online", PMM_N_ONLINE },
		{ "has_cpu", PMM_N_CPU },
		{ "has_memory", PMM_N_MEMORY },
		{ "has_normal_memory", PMM_N_NORMAL_MEMORY },
		{ "has_high_memory", PMM_N_HIGH_MEMORY },
		{ "has_generic_initiator", PMM_N_GENERIC_INITIATOR },
	};
	char list[4 * PMM_MAX_NUMNODES];
	size_t i;

	for (i = 0; i < PMM__ARRAY_SIZE(files); i++) {
		/* no node directory without NUMA; has_high_memory only with HighMem */
		if (!m->arch->numa || (files[i].state == PMM_N_HIGH_MEMORY &&
				       !pmm_zone_type_configured(m, PMM_ZONE_HIGHMEM))) {
			fprintf(f, "%s: <absent>\n", files[i].name);
			continue;
		}
		pmm_nodelist_print(list, sizeof(list), pmm_node_states(m, files[i].state));
		fprintf(f, "%s: %s\n", files[i].name, list);
	}
	return ferror(f) ? -EIO : 0;
}

int pmm_node_distance(const struct pmm_machine *m, int from, int to)
{
	if (!m || from < 0 || to < 0 || from >= PMM_MAX_NUMNODES || to >= PMM_MAX_NUMNODES ||
	    !pmm_node_state(m, from, PMM_N_POSSIBLE) || !pmm_node_state(m, to, PMM_N_POSSIBLE))
		return -EINVAL;
	return m->distance[from][to];
}

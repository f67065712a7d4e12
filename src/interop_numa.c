// SPDX-License-Identifier: MIT
/*
 * libnuma interop: conversions between pmm_nodemask_t and libnuma's
 * struct bitmask. The only file that includes <numa.h>.
 */
#include <numa.h>

#include "internal.h"
#include <pmm/interop_numa.h>

int pmm_nodemask_to_bitmask(const pmm_nodemask_t *mask, struct bitmask *bmp)
{
	int node;

	numa_bitmask_clearall(bmp);
	pmm_for_each_node_mask(node, mask) {
		if ((unsigned long)node >= bmp->size)
			return -ERANGE;
		numa_bitmask_setbit(bmp, (unsigned int)node);
	}
	return 0;
}

int pmm_nodemask_from_bitmask(pmm_nodemask_t *mask, const struct bitmask *bmp)
{
	unsigned long i;

	pmm_nodes_clear(mask);
	for (i = 0; i < bmp->size; i++) {
		if (!numa_bitmask_isbitset(bmp, (unsigned int)i))
			continue;
		if (i >= PMM_MAX_NUMNODES)
			return -ERANGE;
		pmm_node_set((int)i, mask);
	}
	return 0;
}

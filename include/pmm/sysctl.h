/* SPDX-License-Identifier: MIT */
/*
 * The vm sysctls of a running machine, as /proc/sys/vm reads and writes
 * them (kernel/sysctl.c and the handlers of mm/).
 *
 *   pmm_sysctl_write(m, name, v, n)    echo v > /proc/sys/vm/NAME
 *   pmm_sysctl_read(m, name, v, max)   cat /proc/sys/vm/NAME
 *
 * Names: min_free_kbytes, watermark_scale_factor, lowmem_reserve_ratio,
 * percpu_pagelist_high_fraction, watermark_boost_factor,
 * min_unmapped_ratio, min_slab_ratio, extfrag_threshold,
 * compaction_proactiveness, compact_unevictable_allowed, swappiness,
 * zone_reclaim_mode, dirty_ratio, dirty_background_ratio (the dirty
 * thresholds /proc/vmstat shows), overcommit_ratio (meminfo's
 * CommitLimit), and (write only)
 * compact_memory; the "vm." prefix is optional. A description sets the
 * same ones before boot (pmm_machine_desc_set_sysctl()).
 */
#ifndef PMM_SYSCTL_H
#define PMM_SYSCTL_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/**
 * pmm_sysctl_write - set a vm sysctl of a running machine
 * @m: machine
 * @name: a sysctl (above)
 * @values: the value; lowmem_reserve_ratio takes one per configured zone
 *          type, lowest zone first; compact_memory takes 1
 * @nr_values: number of @values
 *
 * Takes effect as the kernel's handler makes it: min_free_kbytes,
 * watermark_scale_factor and lowmem_reserve_ratio recompute the
 * watermarks and reserves, percpu_pagelist_high_fraction the per-CPU list
 * sizes, min_unmapped_ratio and min_slab_ratio the nodes' limits;
 * compact_memory compacts every node (pmm_compact_memory()).
 * Context: any thread; allocations may run meanwhile; serialised with
 * memory hotplug.
 * Return: 0; -EINVAL for an unknown name, a wrong count or a value out of
 * range (logged with the name and value); compact_memory: as
 * pmm_compact_memory().
 */
PMM_API int pmm_sysctl_write(struct pmm_machine *m, const char *name, const long *values,
			     unsigned int nr_values);

/**
 * pmm_sysctl_read - read a vm sysctl of a running machine
 * @values: receives up to @max values
 * Context: any thread.
 * Return: the number of values the sysctl has (more than @max: only @max
 * stored); -EINVAL for an unknown or write-only name.
 */
PMM_API int pmm_sysctl_read(const struct pmm_machine *m, const char *name, long *values,
			    unsigned int max);

#ifdef __cplusplus
}
#endif

#endif /* PMM_SYSCTL_H */

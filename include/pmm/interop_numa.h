/* SPDX-License-Identifier: MIT */
/*
 * Conversions between pmm node masks and libnuma bitmasks. Include <numa.h>
 * before this header; the core pmm headers never include it.
 *
 *   pmm_nodemask_to_bitmask(&mask, bmp)     pmm -> libnuma
 *   pmm_nodemask_from_bitmask(&mask, bmp)   libnuma -> pmm
 */
#ifndef PMM_INTEROP_NUMA_H
#define PMM_INTEROP_NUMA_H

#include <pmm/nodemask.h>

#ifdef __cplusplus
extern "C" {
#endif

struct bitmask;

/**
 * pmm_nodemask_to_bitmask - copy a node mask into a libnuma bitmask
 * @mask: source
 * @bmp: destination, e.g. from numa_allocate_nodemask(); cleared first
 * Context: any.
 * Return: 0; -ERANGE if a node does not fit in @bmp.
 */
PMM_API int pmm_nodemask_to_bitmask(const pmm_nodemask_t *mask, struct bitmask *bmp);

/**
 * pmm_nodemask_from_bitmask - copy a libnuma bitmask into a node mask
 * @mask: destination, cleared first
 * @bmp: source
 * Context: any.
 * Return: 0; -ERANGE if a set bit is >= PMM_MAX_NUMNODES.
 */
PMM_API int pmm_nodemask_from_bitmask(pmm_nodemask_t *mask, const struct bitmask *bmp);

#ifdef __cplusplus
}
#endif

#endif /* PMM_INTEROP_NUMA_H */

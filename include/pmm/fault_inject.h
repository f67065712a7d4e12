/* SPDX-License-Identifier: MIT */
/*
 * Fault injection for pmm's own host allocations, after the kernel's
 * per-task /proc/<pid>/fail-nth (Documentation/fault-injection/): make the
 * Nth allocation that pmm makes on this thread fail, to prove that every
 * caller handles -ENOMEM, leaks nothing and leaves the machine as it was.
 *
 *   pmm_fail_nth(n)        the nth allocation from now fails (0: none)
 *   pmm_fail_nth_read()    allocations left before it; 0 once it was injected
 *
 * What counts: every malloc/calloc/realloc/strdup and mmap pmm itself makes
 * (descriptions, memblock, memmaps, the direct map, memory blocks, zonelists,
 * per-CPU lists, pagemaps). What does not: allocations inside jansson,
 * hwloc and libnuma, and the log buffer (the kernel's printk does not
 * allocate; a log line that cannot be stored is counted as dropped).
 */
#ifndef PMM_FAULT_INJECT_H
#define PMM_FAULT_INJECT_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * pmm_fail_nth - fail the @nth host allocation pmm makes on this thread
 * @nth: 1 fails the next one, 2 the one after, ...; 0 cancels
 *
 * The failure is injected once; later allocations succeed again.
 * Context: any; the setting is per thread.
 */
PMM_API void pmm_fail_nth(unsigned int nth);

/**
 * pmm_fail_nth_read - what is left of the last pmm_fail_nth() on this thread
 *
 * Context: any.
 * Return: 0 once the failure was injected (or if none was asked for);
 * otherwise how many allocations may still be made before it.
 */
PMM_API unsigned int pmm_fail_nth_read(void);

#ifdef __cplusplus
}
#endif

#endif /* PMM_FAULT_INJECT_H */

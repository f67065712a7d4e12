/* SPDX-License-Identifier: MIT */
/*
 * Reports in the kernel's own formats, for tools that read them.
 *
 *   pmm_print_zoneinfo(m, f)       /proc/zoneinfo
 *   pmm_print_node_states(m, f)    /sys/devices/system/node/{possible,online,...}, one per line
 *   pmm_print_memory_blocks(m, f)  /sys/devices/system/memory, as the fixtures' memory_blocks.txt
 *   pmm_print_diagram(m, f)        the node/zone diagrams of physical_memory.rst
 */
#ifndef PMM_REPORT_H
#define PMM_REPORT_H

#include <stdio.h>

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/**
 * pmm_print_zoneinfo - print /proc/zoneinfo (mm/vmstat.c zoneinfo_show)
 *
 * Every zone of every online node in the format of the machine's kernel
 * version; counters pmm does not maintain print 0.
 * Context: while no hotplug runs.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_zoneinfo(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_node_states - print the node state masks
 *
 * One line per /sys/devices/system/node file: "possible: 0-3". Files the
 * kernel would not have are "<absent>" (has_high_memory without HighMem;
 * all of them on a kernel without NUMA), as the fixtures record them.
 * Context: while no hotplug runs.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_node_states(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_memory_blocks - print the memory blocks
 *
 * "block_size_bytes: %lx", "auto_online_blocks: TYPE", a header, then one
 * tab-separated row per block: name, phys_index, state, valid_zones,
 * removable, phys_device, node. Without memory hotplug (FLATMEM) only
 * "block_size_bytes: -" and the header.
 * Context: while no hotplug runs.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_memory_blocks(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_diagram - draw the nodes and their zones as physical_memory.rst does
 * Context: while no hotplug runs.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_diagram(const struct pmm_machine *m, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* PMM_REPORT_H */

/* SPDX-License-Identifier: MIT */
/*
 * Reports in the kernel's own formats, for tools that read them.
 *
 *   pmm_print_zoneinfo(m, f)       /proc/zoneinfo
 *   pmm_print_node_states(m, f)    /sys/devices/system/node/{possible,online,...}, one per line
 *   pmm_print_memory_blocks(m, f)  /sys/devices/system/memory, as the fixtures' memory_blocks.txt
 *   pmm_print_diagram(m, f)        the node/zone diagrams of physical_memory.rst
 *   pmm_print_buddyinfo(m, f)      /proc/buddyinfo
 *   pmm_print_pagetypeinfo(m, f)   /proc/pagetypeinfo
 *   pmm_print_extfrag(m, f, which) /sys/kernel/debug/extfrag/{extfrag_index,unusable_index}
 *   pmm_print_vmstat(m, f)         /proc/vmstat
 *   pmm_print_meminfo(m, f)        /proc/meminfo
 *   pmm_print_node_meminfo(m, nid, f)  /sys/devices/system/node/nodeN/meminfo
 *   pmm_fragmentation_index(zone, order)   __fragmentation_index(), in thousandths
 *   pmm_unusable_free_index(zone, order)   unusable_free_index(), in thousandths
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

/**
 * pmm_print_buddyinfo - print /proc/buddyinfo: free blocks per order of each populated zone
 * Context: takes each zone->lock in turn.
 * Return: 0; -EIO.
 */
PMM_API int pmm_print_buddyinfo(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_pagetypeinfo - print /proc/pagetypeinfo: free blocks per migratetype and
 * order, and pageblocks per migratetype, for each node with memory
 * Context: takes each zone->lock in turn.
 * Return: 0; -EIO.
 */
PMM_API int pmm_print_pagetypeinfo(const struct pmm_machine *m, FILE *f);

/** Which debugfs extfrag file to print. */
enum pmm_extfrag_file {
	PMM_EXTFRAG_INDEX,	/* extfrag_index: the fragmentation index */
	PMM_UNUSABLE_INDEX,	/* unusable_index: the unusable free space index */
};

/**
 * pmm_print_extfrag - print one of debugfs's extfrag files
 * Context: takes each zone->lock in turn.
 * Return: 0; -EIO.
 */
PMM_API int pmm_print_extfrag(const struct pmm_machine *m, FILE *f, enum pmm_extfrag_file which);

/**
 * pmm_print_vmstat - print /proc/vmstat (mm/vmstat.c vmstat_show)
 *
 * The lines of the machine's kernel version and build (CONFIG_NUMA, CMA,
 * x86 or not, ...), in its order, one "name value" each: the zone, NUMA
 * and node counters summed over the machine; nr_dirty_threshold and
 * nr_dirty_background_threshold from vm.dirty_ratio and
 * vm.dirty_background_ratio; nr_memmap_boot_pages and nr_memmap_pages
 * (6.11+) in pages of the reference kernel's struct page; the events
 * pmm counts (allocation, reclaim, kswapd, compaction, kcompactd,
 * migration, swap; pgpgin/pgpgout in KiB of swap and writeback I/O).
 * Events of what pmm does not model (faults, THP, slab, KSM, hugetlb)
 * print 0; oom_kill counts out-of-memory reports (nobody is killed).
 * Context: any; the values are a snapshot.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_vmstat(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_meminfo - print /proc/meminfo (fs/proc/meminfo.c)
 *
 * The lines of the machine's kernel and build (HighTotal.. with HighMem,
 * CmaTotal/CmaFree with CMA, Unaccepted on x86-64 6.5+, DirectMap on x86)
 * in its widths. MemTotal is the managed pages, MemAvailable
 * si_mem_available(), CommitLimit vm.overcommit_ratio of MemTotal plus
 * swap; DirectMap is the direct map init_memory_mapping() builds (without
 * 1 GiB pages, and without the few 2 MiB pages a real kernel's text
 * protections split). pmm has no processes, slab, vmalloc, per-CPU areas,
 * hugetlb pool or CMA areas: those lines read 0.
 * Context: any; the values are a snapshot.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_meminfo(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_node_meminfo - print /sys/devices/system/node/node@nid/meminfo
 * (drivers/base/node.c node_read_meminfo): "Node N " lines, as
 * pmm_print_meminfo() counts them, for one node
 * Context: any; the values are a snapshot.
 * Return: 0; -ENOENT if the kernel has no NUMA (no such file); -EINVAL if
 * @nid is not an online node; -EIO if writing failed.
 */
PMM_API int pmm_print_node_meminfo(const struct pmm_machine *m, int nid, FILE *f);

/**
 * pmm_print_node_vmstat - /sys/devices/system/node/nodeN/vmstat
 * @nid: an online node
 *
 * The node's zone counters summed, its NUMA events, its node counters, in
 * the order of drivers/base/node.c's node_read_vmstat().
 * Return: 0; -EINVAL for a node that is not online; -ENOENT for a kernel
 * built without NUMA (no such file); -EIO if writing failed.
 */
PMM_API int pmm_print_node_vmstat(const struct pmm_machine *m, int nid, FILE *f);

/**
 * pmm_print_node_numastat - /sys/devices/system/node/nodeN/numastat
 * (numa_hit, numa_miss, numa_foreign, interleave_hit, local_node, other_node)
 * Return: as pmm_print_node_vmstat().
 */
PMM_API int pmm_print_node_numastat(const struct pmm_machine *m, int nid, FILE *f);

/**
 * pmm_print_iomem - /proc/iomem's System RAM lines (as root reads them)
 *
 * The RAM ranges of the machine (memblock's, and memory hot-added since),
 * page-aligned, one "START-END : System RAM" line each; firmware's other
 * resources (Reserved, PCI, ROMs) are not modelled.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_iomem(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_map_svg - draw the physical address space as an SVG picture
 * @m: machine
 * @f: where to write the SVG document
 *
 * What `pmm map --svg FILE` draws (docs/map.md): a strip of the address
 * space from 0 to the end of memory with rows for nodes, zones, sections
 * (SPARSEMEM) and memory blocks with their state, memory to scale and
 * holes to scale until they would crowd it out, then logarithmic (marked);
 * under it a grid of every zone's pageblocks, each cell coloured by its
 * migratetype and filled as far as its pages are in use (a machine of more
 * than 4096 pageblocks draws several to a cell); a legend. 1200 pixels
 * wide, whatever the machine's size. Every shape carries a <title> and
 * data- attributes (docs/map.md) for programs that read it back.
 * Context: takes each zone's lock in turn, briefly; while no hotplug runs.
 * Return: 0; -EINVAL for NULL; -ENOMEM; -EIO if writing failed.
 */
PMM_API int pmm_print_map_svg(const struct pmm_machine *m, FILE *f);

/**
 * pmm_print_report_json - a report as one JSON document (docs/json.md)
 * @m: machine
 * @report: "boot-log", "zoneinfo", "node-states", "memory-blocks",
 *          "buddyinfo", "pagetypeinfo", "extfrag", "unusable",
 *          "memory-tiers", "vmstat", "meminfo", "node-meminfo" or "summary"
 * @f: where to write it
 *
 * {"schema": 1, "report": NAME, "kernel": "6.12", "pmm": VERSION, "data":
 * {...}}: the figures of the text report as numbers, per node and zone as
 * objects. The schema number grows when a field changes meaning or goes;
 * fields are only added within one schema.
 * Context: reads the machine.
 * Return: 0; -ENOENT for an unknown report or one without a JSON form
 * (the diagram); -EINVAL for NULL arguments; -ENOMEM; -EIO.
 */
PMM_API int pmm_print_report_json(const struct pmm_machine *m, const char *report, FILE *f);

/**
 * pmm_export - write the machine as the sysfs and procfs files tools read
 * @m: machine
 * @dir: a directory (created if missing) that becomes the root: DIR/sys/...,
 *       DIR/proc/...; files there already are overwritten
 *
 * Writes devices/system/node/ (possible, online, has_*, nodeN/{cpulist,
 * cpumap, distance, meminfo, numastat, vmstat, memoryM}), devices/system/
 * memory/ (block_size_bytes, auto_online_blocks, memoryN/{state, phys_index,
 * valid_zones, removable, phys_device, nodeN}), devices/system/cpu/ (online,
 * possible, present, cpuN/{online, topology/...}, cpuN/nodeM) and
 * proc/{zoneinfo, buddyinfo, pagetypeinfo, vmstat, meminfo, iomem, cpuinfo}:
 * enough for `lsmem --sysroot DIR`, `HWLOC_FSROOT=DIR lstopo`, numactl's
 * and numastat's readers (docs/export.md).
 * Context: reads the machine; other threads may change it meanwhile.
 * Return: 0; -errno of the first file that could not be written (the
 * message names it in the machine's log).
 */
PMM_API int pmm_export(const struct pmm_machine *m, const char *dir);

struct pmm_zone;

/**
 * pmm_fragmentation_index - why an allocation of 2^order pages would fail
 * (__fragmentation_index()): towards 0 for lack of memory, towards 1000 for
 * external fragmentation; -1000 if it would succeed; 0 without free pages
 * Context: the caller holds zone->lock, or accepts a snapshot.
 * Return: the index in thousandths.
 */
PMM_API int pmm_fragmentation_index(const struct pmm_zone *zone, unsigned int order);

/**
 * pmm_unusable_free_index - the share of free memory unusable for 2^order
 * pages (unusable_free_index()); 1000 without free pages
 * Context: as pmm_fragmentation_index().
 * Return: the index in thousandths.
 */
PMM_API int pmm_unusable_free_index(const struct pmm_zone *zone, unsigned int order);

#ifdef __cplusplus
}
#endif

#endif /* PMM_REPORT_H */

/* SPDX-License-Identifier: MIT */
/*
 * Memory tiers (mm/memory-tiers.c, include/linux/memory-tiers.h): nodes
 * grouped by abstract distance, faster memory in lower-numbered tiers,
 * each node's demotion targets in the next tier down. Reclaim demotes to
 * them instead of evicting while demotion is enabled
 * (/sys/kernel/mm/numa/demotion_enabled). docs/memory-tiers.md.
 *
 *   pmm_node_adistance(m, nid)          the node's abstract distance
 *   pmm_node_memory_tier(m, nid)        its tier (memory_tierN), -1 without one
 *   pmm_node_is_toptier(m, nid)         node_is_toptier()
 *   pmm_demotion_targets(m, nid, ...)   node_demotion[].preferred and the fallback
 *   pmm_next_demotion_node(m, nid)      next_demotion_node()
 *   pmm_set_demotion_enabled(m, on)     echo on > /sys/kernel/mm/numa/demotion_enabled
 *   pmm_print_memory_tiers(m, f)        /sys/devices/virtual/memory_tiering
 *
 * A description gives a node its performance (what ACPI HMAT reports to
 * the kernel) or its abstract distance outright (what a driver such as
 * dax/kmem gives its memory type): pmm_machine_desc_set_node_perf(),
 * pmm_machine_desc_set_node_adistance(); hwloc topologies give it from
 * their memory attributes.
 */
#ifndef PMM_MEMORY_TIERS_H
#define PMM_MEMORY_TIERS_H

#include <stdbool.h>
#include <stdio.h>

#include <pmm/types.h>
#include <pmm/nodemask.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;
struct pmm_machine_desc;

/* include/linux/memory-tiers.h */
#define PMM_MEMTIER_CHUNK_BITS		10
#define PMM_MEMTIER_CHUNK_SIZE		(1 << PMM_MEMTIER_CHUNK_BITS)
/* DRAM's abstract distance: the middle of tier 4, room for four faster tiers */
#define PMM_MEMTIER_ADISTANCE_DRAM	((4 * PMM_MEMTIER_CHUNK_SIZE) + (PMM_MEMTIER_CHUNK_SIZE >> 1))
/* what dax/kmem gives memory it onlines without performance data (tier 22) */
#define PMM_MEMTIER_DEFAULT_DAX_ADISTANCE	(PMM_MEMTIER_ADISTANCE_DRAM * 5)

/** struct access_coordinate: a node's performance from its nearest CPUs (ns, MB/s). */
struct pmm_access_coordinate {
	unsigned int read_latency;
	unsigned int write_latency;
	unsigned int read_bandwidth;
	unsigned int write_bandwidth;
};

/**
 * pmm_machine_desc_set_node_perf - a node's memory performance, as HMAT reports it
 * @d: description
 * @nid: a declared node
 * @perf: latencies in ns, bandwidths in MB/s, from the node's nearest CPUs
 *
 * On kernels from 6.7, the nodes with CPUs and memory set the DRAM
 * reference (the first in id order; one differing by more than 10 %
 * disables the algorithm, with the kernel's messages), and every node's
 * abstract distance is DRAM's scaled by its latency and inversely by its
 * bandwidth (mt_perf_to_adistance()). 6.1 has no such algorithm: every
 * node without an explicit abstract distance is DRAM.
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for an undeclared node.
 */
PMM_API int pmm_machine_desc_set_node_perf(struct pmm_machine_desc *d, int nid,
					   const struct pmm_access_coordinate *perf);

/**
 * pmm_machine_desc_set_node_adistance - a node's abstract distance, as a driver sets it
 * @d: description
 * @nid: a declared node
 * @adistance: 1 .. 2^20; PMM_MEMTIER_DEFAULT_DAX_ADISTANCE for memory that
 *             dax/kmem onlines, PMM_MEMTIER_ADISTANCE_DRAM for DRAM
 *
 * The node's memory type is fixed before the kernel's late init, which
 * then leaves it alone (init_node_memory_type()); its performance is not
 * used.
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for an undeclared node or an abstract distance out of range.
 */
PMM_API int pmm_machine_desc_set_node_adistance(struct pmm_machine_desc *d, int nid,
						int adistance);

/**
 * pmm_node_adistance - a node's abstract distance
 * Context: any.
 * Return: the distance; -1 for a node without memory or a kernel built without NUMA.
 */
PMM_API int pmm_node_adistance(const struct pmm_machine *m, int nid);

/**
 * pmm_node_memory_tier - a node's memory tier (/sys/devices/virtual/memory_tiering/memory_tierN)
 * Context: any.
 * Return: N (adistance / 1024, rounded down); -1 for a node without memory.
 */
PMM_API int pmm_node_memory_tier(const struct pmm_machine *m, int nid);

/**
 * pmm_node_is_toptier - node_is_toptier(): no faster tier with CPUs above it
 * Context: any.
 * Return: true for a node in the lowest tier that has a node with CPUs, or in one above.
 */
PMM_API bool pmm_node_is_toptier(const struct pmm_machine *m, int nid);

/**
 * pmm_demotion_targets - where reclaim on a node demotes to
 * @m: machine
 * @nid: a node
 * @preferred: receives node_demotion[nid].preferred: the nearest nodes of
 *             the next tier down (all at the same distance)
 * @fallback: if not NULL, receives the tier's lower_tier_mask: every node
 *            of every lower tier
 * Context: any.
 * Return: 0; -ENOENT for a node with no lower tier (both masks empty).
 */
PMM_API int pmm_demotion_targets(const struct pmm_machine *m, int nid, pmm_nodemask_t *preferred,
				 pmm_nodemask_t *fallback);

/**
 * pmm_next_demotion_node - next_demotion_node(): one of the preferred targets
 * Context: any.
 * Return: a node, picked at random among the preferred ones as the kernel
 * does (a generator seeded per machine: the same sequence every run);
 * PMM_NUMA_NO_NODE if there is none.
 */
PMM_API int pmm_next_demotion_node(struct pmm_machine *m, int nid);

/**
 * pmm_set_demotion_enabled - /sys/kernel/mm/numa/demotion_enabled (false at boot)
 * @m: machine
 * @enabled: reclaim demotes to the next tier before it evicts
 *
 * Enabling it makes every node's kswapd hopeful again (kswapd_failures reset).
 * Context: any thread.
 * Return: the previous setting.
 */
PMM_API bool pmm_set_demotion_enabled(struct pmm_machine *m, bool enabled);

/**
 * pmm_print_memory_tiers - the tiers as sysfs shows them
 *
 * One line per tier, "memory_tierN: NODELIST", fastest first, then one
 * per node with memory in the kernel's dump_demotion_targets() format
 * ("Demotion targets for Node N: null" or "...: preferred: LIST,
 * fallback: LIST").
 * Context: any; a snapshot.
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_print_memory_tiers(const struct pmm_machine *m, FILE *f);

#ifdef __cplusplus
}
#endif

#endif /* PMM_MEMORY_TIERS_H */

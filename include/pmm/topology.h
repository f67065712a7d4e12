/* SPDX-License-Identifier: MIT */
/*
 * Host NUMA and simulated CPUs: where a machine's memory really lives, the
 * simulated CPU a thread runs on, and machines described from hwloc
 * topologies. Mirrors the kernel's numa_node_id(), cpu_to_node() and the
 * way firmware (SRAT/SLIT) describes nodes.
 *
 *   pmm_machine_from_hwloc_xml(path, bytes, arch, &d, err, len)    a topology exported by hwloc
 *   pmm_machine_from_hwloc_synthetic(str, bytes, arch, &d, err, len)  "pack:2 numa:2 core:4 pu:1"
 *   pmm_nr_cpus(m)                    number of simulated CPUs (nr_cpu_ids)
 *   pmm_cpu_to_node(m, cpu)           cpu_to_node()
 *   pmm_set_cpu(m, cpu)               this thread runs on simulated CPU cpu
 *   pmm_get_cpu(m)                    smp_processor_id(): declared, else from the host CPU
 *   pmm_numa_node_id(m)               numa_node_id(): the node of pmm_get_cpu()
 *   pmm_verify_placement(m, ...)      check that touched pages live on their host node
 *
 * The host node behind a simulated node: pmm_machine_host_node() in <pmm/machine.h>.
 */
#ifndef PMM_TOPOLOGY_H
#define PMM_TOPOLOGY_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;
struct pmm_machine_desc;

/**
 * pmm_machine_from_hwloc_xml - describe the machine of a hwloc XML export
 * @path: an XML file written by lstopo or hwloc_topology_export_xml()
 * @bytes_per_node: memory of each node; 0 keeps the topology's sizes
 * @arch: architecture profile name, or NULL for x86_64
 * @out: receives the description
 * @err: if not NULL, receives a message on failure
 * @err_len: size of @err
 *
 * Nodes are the topology's NUMA nodes (by OS index), with their memory
 * laid out one after the other from the architecture's usual first
 * address, skipping its holes (x86: below 1 MiB and 3-4 GiB). A CPU
 * belongs to the node with the smallest cpuset containing it, ordinary
 * memory before MCDRAM/HBM, then the lowest id, so memory-only tiers are
 * CPU-less as in Linux; a CPU outside every node's cpuset is given to the
 * nodes with memory in turn (x86's numa_init_array()). Distances are hwloc's NUMA latency matrix
 * (scaled to 10 for local if needed), else 10/20. The host-node mapping of
 * such a machine is round robin over this host's nodes with memory.
 * Context: any.
 * Return: 0; -ENOENT for a missing file; -EISDIR for a directory; -EINVAL
 * for a file hwloc rejects,
 * no NUMA node, a node id >= PMM_MAX_NUMNODES or an unknown architecture; -ENOMEM.
 */
PMM_API int pmm_machine_from_hwloc_xml(const char *path, unsigned long long bytes_per_node,
				       const char *arch, struct pmm_machine_desc **out, char *err,
				       size_t err_len);

/**
 * pmm_machine_from_hwloc_xml_buffer - pmm_machine_from_hwloc_xml() on XML text in memory
 * @xml: the XML text (need not be NUL-terminated)
 * @len: its length in bytes
 * @bytes_per_node, @arch, @out, @err, @err_len: as pmm_machine_from_hwloc_xml()
 *
 * libhwloc 2.9 itself may crash or leak on malformed XML (docs/errors.md);
 * pmm releases everything it holds on every path.
 * Context: any.
 * Return: as pmm_machine_from_hwloc_xml(); -EINVAL for a NULL or empty @xml.
 */
PMM_API int pmm_machine_from_hwloc_xml_buffer(const char *xml, size_t len,
					      unsigned long long bytes_per_node, const char *arch,
					      struct pmm_machine_desc **out, char *err,
					      size_t err_len);

/**
 * pmm_machine_from_hwloc_synthetic - describe a machine from a synthetic topology
 * @description: an hwloc synthetic string, e.g. "pack:2 numa:2 core:4 pu:1" or
 *               "pack:2 [numa(memory=64GiB)] core:8 pu:2"
 * @bytes_per_node: memory of each node; 0 keeps hwloc's (1 GiB unless given in @description)
 * @arch: architecture profile name, or NULL for x86_64
 * @out: receives the description
 * @err: if not NULL, receives a message on failure
 * @err_len: size of @err
 *
 * As pmm_machine_from_hwloc_xml().
 * Context: any.
 * Return: 0; -EINVAL if hwloc rejects @description or it asks for more than
 * PMM_MAX_NUMNODES nodes, PMM_NR_CPUS PUs or 64 * PMM_NR_CPUS objects
 * (counted before hwloc builds them), or as pmm_machine_from_hwloc_xml().
 */
PMM_API int pmm_machine_from_hwloc_synthetic(const char *description,
					     unsigned long long bytes_per_node, const char *arch,
					     struct pmm_machine_desc **out, char *err,
					     size_t err_len);

/** pmm_nr_cpus - 1 + the highest simulated CPU id (nr_cpu_ids). Context: any. */
PMM_API int pmm_nr_cpus(const struct pmm_machine *m);

/**
 * pmm_cpu_to_node - the node of a simulated CPU
 * Context: any.
 * Return: the node id; PMM_NUMA_NO_NODE for a CPU the machine does not have.
 */
PMM_API int pmm_cpu_to_node(const struct pmm_machine *m, int cpu);

/**
 * pmm_node_distance - node_distance(): the distance from node @from to @to
 * (10 to itself; as nodeN/distance and the SLIT give it)
 * Context: any.
 * Return: the distance; -EINVAL for a node that is not possible.
 */
PMM_API int pmm_node_distance(const struct pmm_machine *m, int from, int to);

/**
 * pmm_set_cpu - declare the simulated CPU the calling thread runs on
 * @m: machine
 * @cpu: a CPU of @m, or -1 to go back to the default (inherited from the host CPU)
 *
 * Per thread and per machine.
 * Context: any thread.
 * Return: 0; -EINVAL for a CPU the machine does not have; -ENOMEM.
 */
PMM_API int pmm_set_cpu(struct pmm_machine *m, int cpu);

/**
 * pmm_get_cpu - the simulated CPU of the calling thread
 *
 * The CPU declared with pmm_set_cpu(); else the CPU the host CPU it runs on
 * (sched_getcpu()) maps to: the same CPU when the machine describes this
 * host, else a CPU of a simulated node bound to the host CPU's NUMA node,
 * else one spread by host CPU number.
 * Context: any thread.
 * Return: a CPU id of @m (0 if the machine has no CPU).
 */
PMM_API int pmm_get_cpu(struct pmm_machine *m);

/**
 * pmm_numa_node_id - the local node of the calling thread (numa_node_id())
 * Context: any thread.
 * Return: the node of pmm_get_cpu().
 */
PMM_API int pmm_numa_node_id(struct pmm_machine *m);

/** struct pmm_placement_report - what pmm_verify_placement() found */
struct pmm_placement_report {
	unsigned long	checked;	/* pages with memory behind them, verified */
	unsigned long	untouched;	/* pages never touched: no host memory yet */
	unsigned long	mismatches;	/* pages on another host node than expected */
	unsigned long	unknown;	/* pages whose host node could not be read */
};

/**
 * pmm_verify_placement - check on which host NUMA node simulated pages live
 * @m: machine with a direct map
 * @start_pfn: first pfn to check
 * @nr_pages: number of pfns (holes are skipped)
 * @expected: host node expected for each simulated node id (PMM_MAX_NUMNODES
 *            entries), or NULL for the machine's own mapping
 * @on_mismatch: called for each page on an unexpected host node, may be NULL
 * @arg: passed to @on_mismatch
 * @report: if not NULL, receives the counts
 *
 * Asks the host kernel (libnuma's move_pages() without target nodes) where
 * each touched page of the direct map is. Pages never touched have no
 * memory yet and are counted as untouched (mincore() tells them, so a
 * range of untouched terabytes takes seconds, not minutes). A page's
 * simulated node comes from its struct page, or, while its struct page is
 * still deferred (a machine booted with deferred or on-demand init), from
 * the node's deferred ranges of the boot: the check initialises no struct
 * page, so it costs a machine booted on demand no memmap.
 * Context: any; the machine must not be changed meanwhile.
 * Return: the number of mismatches (>= 0); -EINVAL without a direct map;
 * -EOPNOTSUPP if the host kernel cannot tell (no NUMA support); -ENOMEM if
 * the host has no memory for its buffer (a byte per host page of 64 Ki
 * pages).
 */
PMM_API long pmm_verify_placement(struct pmm_machine *m, unsigned long start_pfn,
				  unsigned long nr_pages, const int *expected,
				  void (*on_mismatch)(void *arg, unsigned long pfn,
						      int expected_host_node, int host_node),
				  void *arg, struct pmm_placement_report *report);

#ifdef __cplusplus
}
#endif

#endif /* PMM_TOPOLOGY_H */

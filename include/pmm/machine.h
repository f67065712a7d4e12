/* SPDX-License-Identifier: MIT */
/*
 * Machines: a description (the firmware's view, an opaque builder) and a
 * booted machine (struct pmm_machine, opaque). Mirrors what setup_arch(),
 * memblock, sparse_init()/free_area_init() and mm_core_init() do at boot.
 *
 *   pmm_machine_desc_create(arch, &d)          empty description for an architecture
 *   pmm_machine_desc_destroy(d)
 *   pmm_machine_desc_add_node(d, nid, cpus)    a node and its CPU list ("0-3")
 *   pmm_machine_desc_set_distance(d, a, b, v)  SLIT distance from node a to b
 *   pmm_machine_desc_add_memory(d, s, e, nid, flags)  RAM [s, e) on node nid
 *   pmm_machine_desc_add_reserved(d, s, e)     memory the firmware/kernel keeps
 *   pmm_machine_desc_set_cmdline(d, str)       kernel command line
 *   pmm_machine_desc_append_cmdline(d, str)    add parameters to it
 *   pmm_machine_desc_set_host_node(d, nid, h)  bind node nid to host node h
 *   pmm_machine_desc_set_kernel(d, "6.1")      whose rules to follow where versions differ
 *   pmm_machine_desc_set_sysctl(d, name, v, n) vm.min_free_kbytes and friends
 *   pmm_machine_desc_add_hotplug(d, s, e, nid) memory firmware adds after boot
 *   pmm_machine_desc_set_auto_online(d, type)  what the kernel does with it
 *   pmm_machine_desc_set_swap(d, bytes)         a swap device, as swapon gives one
 *   pmm_machine_desc_from_json(path, &d, err, len)   a machine file (docs/machine-format.md)
 *   pmm_machine_desc_from_json_buffer(text, n, name, &d, err, len)  the same, from memory
 *   pmm_machine_desc_from_dmesg(path, &d, err, len)  a real boot log
 *   pmm_machine_desc_from_dmesg_buffer(text, n, name, &d, err, len)  the same, from memory
 *   pmm_machine_desc_error(d)                  why the last call failed
 *   pmm_machine_from_host(&d)                  describe the machine pmm runs on
 *   pmm_boot(d, opts, &m)                      build the machine
 *   pmm_shutdown(m)                            release everything
 *   pmm_deferred_init_finish(m)                initialise what on-demand init left
 *   pmm_machine_arch(m), pmm_max_pfn(m)        what was built
 *   pmm_memblock_count(m, type), pmm_memblock_region(m, type, i, &r)
 *   pmm_boot_log(m)                            the kernel-style boot log
 *   pmm_machine_host_node(m, nid)              host node behind a simulated node
 *   pmm_dump_machine(m, FILE *)                human-readable summary
 *   pmm_version()
 */
#ifndef PMM_MACHINE_H
#define PMM_MACHINE_H

#include <stdio.h>

#include <pmm/types.h>
#include <pmm/arch.h>
#include <pmm/memory_model.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine_desc;	/* opaque: a description being built */
struct pmm_machine;		/* opaque: a booted machine */

/* ---- descriptions ------------------------------------------------------------------ */

/**
 * pmm_machine_desc_create - start an empty machine description
 * @arch: architecture profile name (see pmm_arch_lookup())
 * @out: receives the description
 *
 * Context: any.
 * Return: 0; -EINVAL for an unknown architecture (*@out is NULL);
 * -ENOMEM.
 */
PMM_API int pmm_machine_desc_create(const char *arch, struct pmm_machine_desc **out);

/** pmm_machine_desc_destroy - free a description (NULL is allowed). Context: any. */
PMM_API void pmm_machine_desc_destroy(struct pmm_machine_desc *d);

/**
 * pmm_machine_desc_error - the message of the last failed call on @d
 *
 * Context: as the call that failed.
 * Return: a NUL-terminated message ("" when no call failed), valid until
 * the next call on @d.
 */
PMM_API const char *pmm_machine_desc_error(const struct pmm_machine_desc *d);

/**
 * pmm_machine_desc_add_node - declare a node
 * @d: description
 * @nid: node id, 0 <= nid < PMM_MAX_NUMNODES
 * @cpulist: its CPUs as a list ("0-3,8"), "" or NULL for a CPU-less node
 *
 * A node must be declared before memory is added to it. Distances
 * default to 10 to itself and 20 to every other node (the kernel's
 * LOCAL_DISTANCE/REMOTE_DISTANCE).
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for a bad id, a node declared twice, a bad list or a
 * CPU already on another node; -ERANGE for a CPU >= PMM_NR_CPUS.
 */
PMM_API int pmm_machine_desc_add_node(struct pmm_machine_desc *d, int nid,
				      const char *cpulist);

/**
 * pmm_machine_desc_set_distance - set the distance from node @from to node @to
 * @d: description
 * @from: a declared node
 * @to: a declared node
 * @distance: 10 to itself, 11..254 to other nodes (ACPI SLIT rules)
 *
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for an undeclared node or a distance out of range.
 */
PMM_API int pmm_machine_desc_set_distance(struct pmm_machine_desc *d, int from,
					  int to, int distance);

/** Flags of a memory range (the memblock flags). */
enum {
	PMM_MEMORY_HOTPLUGGABLE	= 1u << 0,	/* MEMBLOCK_HOTPLUG: SRAT hot-pluggable */
	PMM_MEMORY_MIRROR	= 1u << 1,	/* MEMBLOCK_MIRROR: mirrored (kernelcore=mirror) */
	PMM_MEMORY_NOMAP	= 1u << 2,	/* MEMBLOCK_NOMAP: firmware's; present, never
						 * freed, its pages PageReserved */
};

/**
 * pmm_machine_desc_add_memory - add a range of RAM to a node
 * @d: description
 * @start: first byte, page aligned
 * @end: one past the last byte, page aligned, > @start
 * @nid: a declared node
 * @flags: PMM_MEMORY_* flags
 *
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL if @end <= @start, a bound is not page aligned, the
 * node is not declared, or the range overlaps another; -ERANGE if @end
 * is beyond MAX_PHYSMEM_BITS of the architecture; -ENOMEM.
 */
PMM_API int pmm_machine_desc_add_memory(struct pmm_machine_desc *d,
					pmm_phys_addr_t start, pmm_phys_addr_t end,
					int nid, unsigned int flags);

/**
 * pmm_machine_desc_add_reserved - mark memory that is not given to the page allocator
 * @d: description
 * @start: first byte
 * @end: one past the last byte, > @start
 *
 * Reserved ranges stay present (they count in present_pages) but not
 * managed, as memblock.reserved does. Unaligned bounds are widened to
 * whole pages; ranges may overlap each other and need not lie in memory.
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL if @end <= @start; -ERANGE beyond MAX_PHYSMEM_BITS; -ENOMEM.
 */
PMM_API int pmm_machine_desc_add_reserved(struct pmm_machine_desc *d,
					  pmm_phys_addr_t start, pmm_phys_addr_t end);

/**
 * pmm_machine_desc_set_cmdline - set the kernel command line
 * @d: description
 * @cmdline: parameters, as after "Command line:" in a boot log
 *
 * Context: not thread-safe on the same @d.
 * Return: 0; -ENOMEM.
 */
PMM_API int pmm_machine_desc_set_cmdline(struct pmm_machine_desc *d, const char *cmdline);

/**
 * pmm_machine_desc_append_cmdline - add parameters to the kernel command line
 * @d: description
 * @params: parameters appended after a space; a later parameter overrides
 *          an earlier one as in the kernel
 *
 * Context: not thread-safe on the same @d.
 * Return: 0; -ENOMEM.
 */
PMM_API int pmm_machine_desc_append_cmdline(struct pmm_machine_desc *d, const char *params);

/**
 * pmm_machine_desc_set_host_node - choose the host NUMA node behind a simulated node
 * @d: description
 * @nid: a declared node
 * @host_node: host node os index, or PMM_NUMA_NO_NODE for the default mapping
 *
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for an undeclared node or a negative host node other
 * than PMM_NUMA_NO_NODE. A host node that does not exist is reported by pmm_boot().
 */
PMM_API int pmm_machine_desc_set_host_node(struct pmm_machine_desc *d, int nid,
					   int host_node);

/**
 * pmm_machine_desc_set_kernel - follow the rules of a kernel version and build
 * @d: description
 * @version: "6.1", "6.12", a full release such as "6.12.117+deb12-amd64",
 *           or a named distribution kernel: "debian-11", "debian-12",
 *           "debian-13", "ubuntu-20.04", "ubuntu-22.04", "ubuntu-24.04",
 *           "rhel-8", "rhel-9", "rhel-10"
 *
 * Where the kernel's algorithms or report formats changed between
 * versions (docs/kernel-map.md), pmm follows this version; the default is
 * 6.12. Each change applies from the version that made it; versions before
 * 6.1 get 6.1's rules and later ones the newest pmm knows, and the boot
 * log says so. The build options (zone types, NUMA) become the version's
 * or the named kernel's, unless pmm_machine_desc_set_kernel_config() chose
 * them: a bare version is Debian's build of it (arm64 before 6.12 has no
 * ZONE_DEVICE).
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL if @version is neither "MAJOR.MINOR..." (3.0 or
 * later) nor a named kernel.
 */
PMM_API int pmm_machine_desc_set_kernel(struct pmm_machine_desc *d, const char *version);

/**
 * pmm_machine_desc_set_kernel_config - the build options that shape the layout
 * @d: description
 * @zones: the zone types the kernel was built with, as bits 1 << PMM_ZONE_*
 *         (ZONE_NORMAL and ZONE_MOVABLE always; the others a subset of what
 *         the architecture can have); 0 keeps the version's default
 * @numa: 1 if built with CONFIG_NUMA, 0 if not, -1 to keep the default
 *
 * A boot log says both: its "Zone ranges" block lists every configured zone
 * but Movable, and only NUMA kernels print "Policy zone". The choice stays
 * when pmm_machine_desc_set_kernel() is called afterwards.
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for a zone set without Normal or Movable, with a zone
 * type the architecture cannot have, or @numa out of range.
 */
PMM_API int pmm_machine_desc_set_kernel_config(struct pmm_machine_desc *d, unsigned int zones,
					       int numa);

/**
 * pmm_machine_desc_set_sysctl - set a vm sysctl as /proc/sys/vm would hold it
 * @d: description
 * @name: "vm.min_free_kbytes", "vm.watermark_scale_factor",
 *        "vm.lowmem_reserve_ratio", "vm.percpu_pagelist_high_fraction",
 *        "vm.watermark_boost_factor", "vm.min_unmapped_ratio" or
 *        "vm.min_slab_ratio" (the "vm." prefix is optional)
 * @values: the value; lowmem_reserve_ratio takes one per configured zone
 *          type of the architecture, lowest zone first
 * @nr_values: number of @values
 *
 * An unset sysctl is computed at boot as the kernel computes it.
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for an unknown name, a wrong count or a value out of
 * the kernel's range (min_free_kbytes >= 0, watermark_scale_factor
 * 1..3000, lowmem_reserve_ratio >= 0, percpu_pagelist_high_fraction 0 or >= 8).
 */
PMM_API int pmm_machine_desc_set_sysctl(struct pmm_machine_desc *d, const char *name,
					const long *values, unsigned int nr_values);

/**
 * pmm_machine_desc_add_hotplug - memory the firmware adds after boot
 * @d: description
 * @start: first byte, aligned to the architecture's memory block size
 * @end: one past the last byte, aligned likewise, > @start
 * @nid: a declared node
 *
 * The range is not in memory at boot; right after boot it is hot-added
 * as ACPI adds a DIMM: present sections, offline memory blocks, unless
 * auto-online says otherwise (pmm_machine_desc_set_auto_online()).
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for bad bounds, an undeclared node, or an overlap
 * with memory or another hotplug range; -ERANGE beyond MAX_PHYSMEM_BITS; -ENOMEM.
 */
PMM_API int pmm_machine_desc_add_hotplug(struct pmm_machine_desc *d, pmm_phys_addr_t start,
					 pmm_phys_addr_t end, int nid);

/**
 * pmm_machine_desc_set_auto_online - what happens to hot-added memory blocks
 * @d: description
 * @type: "offline", "online", "online_kernel" or "online_movable"
 *        (/sys/devices/system/memory/auto_online_blocks); the command
 *        line's memhp_default_state= overrides it
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for an unknown type.
 */
PMM_API int pmm_machine_desc_set_auto_online(struct pmm_machine_desc *d, const char *type);

/**
 * pmm_machine_desc_set_swap - give the machine a swap device
 * @d: description
 * @bytes: the device's size, header page included (what swapon's Size
 *         column shows); 0: no swap
 *
 * The machine boots with the device swapped on (sys_swapon(): "Adding Nk
 * swap on pmm-swap.  Priority:-2 ..." in the log, N = @bytes / page size
 * - 1 pages), where reclaim writes anonymous folios (docs/reclaim.md).
 * The size is rounded down to whole pages of the architecture.
 * Context: not thread-safe on the same @d.
 * Return: 0; -EINVAL for a device of fewer than two pages (the kernel's
 * swapon refuses it: only the header would fit) or more than 2^50 bytes.
 */
PMM_API int pmm_machine_desc_set_swap(struct pmm_machine_desc *d, unsigned long long bytes);

/**
 * pmm_machine_desc_write_json - write a description as a machine file
 * @d: a description from any reader (a file, a boot log, hwloc, this host)
 * @f: where to write it
 *
 * Writes docs/machine-format.md's JSON: what pmm_machine_desc_from_json()
 * reads back into the same machine (the same boot, zone for zone), every
 * setting explicit where the reader derived it (the kernel's version, zone
 * types and NUMA; distances; a boot log's zone ends; sysctls it set), so
 * that a host or a log becomes a file to edit.
 * Context: any.
 * Return: 0; -EINVAL for NULL arguments; -ENOMEM; -EIO if writing failed.
 */
PMM_API int pmm_machine_desc_write_json(const struct pmm_machine_desc *d, FILE *f);

/**
 * pmm_machine_desc_from_json - read a machine description file
 * @path: a JSON file in the format of docs/machine-format.md
 * @out: receives the description
 * @err: if not NULL, receives "FILE:LINE:COLUMN: FIELD: what is wrong" on failure
 * @err_len: size of @err
 *
 * Context: any.
 * The file may be a regular file or anything read to its end (a pipe,
 * /dev/stdin, /proc/self/fd/N).
 * Return: 0; -ENOENT or another -errno if the file cannot be read;
 * -EISDIR for a directory; -EFBIG for a file over 256 MiB; -EINVAL for
 * malformed JSON (a NUL byte included) or a bad field; -ERANGE for a number
 * that does not fit; -ENOMEM. Nothing is returned in *@out on failure.
 */
PMM_API int pmm_machine_desc_from_json(const char *path, struct pmm_machine_desc **out,
				       char *err, size_t err_len);

/**
 * pmm_machine_desc_from_json_buffer - pmm_machine_desc_from_json() on text in memory
 * @text: the JSON text, @len bytes (need not be NUL-terminated)
 * @len: its length
 * @name: what messages call it in place of FILE ("(buffer)" if NULL)
 * @out: receives the description
 * @err: as pmm_machine_desc_from_json()
 * @err_len: size of @err
 *
 * Context: any.
 * Return: as pmm_machine_desc_from_json(), without the file errors;
 * -EINVAL if @text is NULL.
 */
PMM_API int pmm_machine_desc_from_json_buffer(const char *text, size_t len, const char *name,
					      struct pmm_machine_desc **out, char *err,
					      size_t err_len);

/**
 * pmm_machine_desc_from_dmesg - describe the machine a Linux boot log came from
 * @path: a dmesg capture, with or without "[    0.000000] " timestamps
 * @out: receives the description
 * @err: if not NULL, receives "FILE:LINE: what is wrong" on failure
 * @err_len: size of @err
 *
 * Takes the architecture (see pmm_machine_desc_from_dmesg_arch()) and
 * kernel version ("Linux version"), the kernel's build (the zones its
 * "Zone ranges" block lists, NUMA if it prints "Policy zone"), the command
 * line, the memory ranges per node ("Early memory node ranges", each kept
 * apart as memblock kept it: neighbours the kernel printed separately
 * differ in their flags, so pmm marks every other one of a run nomap,
 * the largest not; else the x86 e820 map with SRAT node ranges), the nodes ("Initmem setup node",
 * "Fallback order for Node", SRAT), CPUs per node (x86 ".... node #N,
 * CPUs:" lines, else spread evenly) and, when the log has no distance
 * table, distances that reproduce each node's printed fallback order.
 * Context: any.
 * Every number taken from the log is range-checked: a node id beyond
 * PMM_MAX_NUMNODES, a CPU beyond PMM_NR_CPUS or an inverted range is
 * refused with a message naming the line.
 * Return: 0; -errno if the file cannot be read (-EISDIR for a directory,
 * -EFBIG over 256 MiB); -EINVAL if the log has no recognisable memory map
 * or architecture, or holds a value out of range; -ENOMEM.
 */
PMM_API int pmm_machine_desc_from_dmesg(const char *path, struct pmm_machine_desc **out,
					char *err, size_t err_len);

/**
 * pmm_machine_desc_from_dmesg_buffer - pmm_machine_desc_from_dmesg() on text in memory
 * @text: the log, @len bytes (need not be NUL-terminated; NUL bytes end a line)
 * @len: its length
 * @name: what messages call it in place of FILE ("(buffer)" if NULL)
 * @out: receives the description
 * @err: as pmm_machine_desc_from_dmesg()
 * @err_len: size of @err
 *
 * Context: any.
 * Return: as pmm_machine_desc_from_dmesg(), without the file errors;
 * -EINVAL if @text is NULL.
 */
PMM_API int pmm_machine_desc_from_dmesg_buffer(const char *text, size_t len, const char *name,
					       struct pmm_machine_desc **out, char *err,
					       size_t err_len);

/**
 * pmm_machine_desc_from_dmesg_arch - pmm_machine_desc_from_dmesg() of a known architecture
 * @path: the log
 * @arch: its architecture ("x86_64", "arm64", ... as pmm_arch_lookup() takes),
 *        or NULL to tell it from the log
 * @out: receives the description
 * @err: as pmm_machine_desc_from_dmesg()
 * @err_len: size of @err
 *
 * Without @arch the architecture comes from the "Linux version" line's
 * release or compiler triple, else from lines only one architecture
 * prints (the x86 e820 map and x86/ lines, arm64's "Booting Linux on
 * physical CPU", riscv's SBI lines; 32-bit x86 lists HighMem, PAE shows as
 * memory above 4 GiB). A log of an architecture pmm has no profile for
 * (powerpc, s390, 32-bit arm, ...) is refused naming it.
 * Context: any.
 * Return: as pmm_machine_desc_from_dmesg(); -EINVAL for an unknown @arch.
 */
PMM_API int pmm_machine_desc_from_dmesg_arch(const char *path, const char *arch,
					     struct pmm_machine_desc **out, char *err,
					     size_t err_len);

/**
 * pmm_machine_desc_from_dmesg_buffer_arch - pmm_machine_desc_from_dmesg_arch() on text in memory
 * @text: the log, @len bytes
 * @len: its length
 * @name: what messages call it ("(buffer)" if NULL)
 * @arch: as pmm_machine_desc_from_dmesg_arch()
 * @out: receives the description
 * @err: as pmm_machine_desc_from_dmesg()
 * @err_len: size of @err
 *
 * Context: any.
 * Return: as pmm_machine_desc_from_dmesg_buffer().
 */
PMM_API int pmm_machine_desc_from_dmesg_buffer_arch(const char *text, size_t len,
						    const char *name, const char *arch,
						    struct pmm_machine_desc **out, char *err,
						    size_t err_len);

/**
 * pmm_machine_from_host - describe the machine pmm runs on
 * @out: receives a new description
 *
 * Architecture from uname; nodes, CPUs and distances from hwloc; memory
 * ranges from /proc/iomem "System RAM" (exact, when readable) assigned to
 * nodes by /sys/devices/system/node/nodeN/memoryM, else from hwloc's node
 * sizes laid out from the architecture's usual start. Each simulated node
 * maps to the host node of the same id.
 * Context: any.
 * Return: 0; -ENODEV if the host's topology cannot be read; -EOPNOTSUPP
 * for a host architecture without a profile; -ENOMEM.
 */
PMM_API int pmm_machine_from_host(struct pmm_machine_desc **out);

/* ---- booting -------------------------------------------------------------------------- */

/** Log levels of the boot log and of messages (the kernel's printk levels). */
enum pmm_log_level {
	PMM_LOG_ERR	= 3,
	PMM_LOG_WARNING	= 4,
	PMM_LOG_NOTICE	= 5,
	PMM_LOG_INFO	= 6,
	PMM_LOG_DEBUG	= 7,
};

/** Boot flags. */
enum {
	/* Metadata only: no direct map; pmm_page_address() returns NULL.
	 * For machines larger than the host's address space. */
	PMM_BOOT_NO_DIRECT_MAP		= 1u << 0,
	/* Do not bind memory to host NUMA nodes (binding is reported as skipped). */
	PMM_BOOT_NO_BIND		= 1u << 1,
	/* FLATMEM: free the memmap of holes of MAX_ORDER_NR_PAGES or more, as
	 * arm's free_unused_memmap() does; pfn_valid() is then false there. */
	PMM_BOOT_FREE_UNUSED_MEMMAP	= 1u << 2,
	/* No per-CPU page lists: every allocation and free takes zone->lock
	 * (for measuring what the lists buy). */
	PMM_BOOT_NO_PCP			= 1u << 3,
	/* No kswapd or kcompactd threads: a wakeup runs their work in the
	 * thread that wakes them, at once (and proactive compaction runs only
	 * when vm.compaction_proactiveness is written), so that a run is
	 * deterministic. Without it each node with memory has both threads,
	 * started by pmm_boot() and hotplug, joined by pmm_shutdown(). */
	PMM_BOOT_INLINE_DAEMONS		= 1u << 4,
};

/**
 * enum pmm_defer - when struct pages are initialised (CONFIG_DEFERRED_STRUCT_PAGE_INIT)
 * @PMM_DEFER_DEFAULT: pmm's choice: PMM_DEFER_ON_DEMAND where the eager
 *	memmap would take more than half of the host's available memory (and
 *	deferral is possible), PMM_DEFER_EAGER otherwise
 * @PMM_DEFER_EAGER: every struct page during the boot, one thread
 * @PMM_DEFER_DEFERRED: as a kernel built with DEFERRED_STRUCT_PAGE_INIT:
 *	the boot initialises every node's lower zones and the first section's
 *	worth of its highest zone (defer_init()); one thread per host CPU then
 *	initialises the rest, section by section, and frees it to the buddy
 *	allocator (deferred_init_memmap(), padata), logging "node N deferred
 *	pages initialised in Xms"; pmm_boot() returns when they are done, as
 *	the kernel's page_alloc_init_late() waits for them. The result is the
 *	eager machine's. Nothing is deferred where the kernel cannot defer:
 *	32-bit architectures and FLATMEM builds (the Kconfig needs 64BIT and
 *	SPARSEMEM).
 * @PMM_DEFER_ON_DEMAND: the boot defers as PMM_DEFER_DEFERRED does, and
 *	starts no thread: a zone grows a section at a time when an allocation
 *	finds it short (deferred_grow_zone()), so untouched memory costs
 *	neither time nor memmap. Managed pages, watermarks, lowmem reserves
 *	and per-CPU list sizes are the eager machine's from the start (the
 *	kernel computes them once deferred init is done); the free lists hold
 *	what has been initialised, and the reports (zoneinfo, buddyinfo,
 *	pagetypeinfo, extfrag) count the rest as the free blocks deferred init
 *	will make of it, so they read as the eager machine's. Zones grow only
 *	while the struct pages fit the memmap budget (memmap_limit, or
 *	MemAvailable at boot); past it, allocations fail and the log says
 *	why. pmm_deferred_init_finish() initialises the rest; memory
 *	hotplug calls it only to offline a block that holds deferred pages,
 *	and pmm_verify_placement() never does.
 */
enum pmm_defer {
	PMM_DEFER_DEFAULT,
	PMM_DEFER_EAGER,
	PMM_DEFER_DEFERRED,
	PMM_DEFER_ON_DEMAND,
};

/**
 * struct pmm_boot_opts - how to boot; zero-initialise, then set what you need
 */
struct pmm_boot_opts {
	unsigned int	flags;		/* PMM_BOOT_* */
	/* Simulated physical address space reserved for the direct map and the
	 * vmemmap, in bytes; memory can be hot-added below it. 0: up to the end
	 * of the highest range of the description, rounded up to a section. */
	pmm_phys_addr_t	phys_limit;
	/* Called for every boot-log line and message, with its level; the line
	 * has no trailing newline. NULL: nothing is printed (the log is still
	 * kept, see pmm_boot_log()). pmm never writes to stderr itself. */
	void		(*log)(void *arg, int level, const char *line);
	void		*log_arg;
	/* Called when a caller misuses a page (double free, freeing a reserved
	 * page, a wrong order, a page of another machine), as the kernel's
	 * bad_page(); the operation is refused. @pfn is ~0UL for a page that is
	 * not this machine's. NULL: the report goes to the log at PMM_LOG_ERR. */
	void		(*on_bad_page)(void *arg, const struct pmm_page *page,
				       unsigned long pfn, const char *reason);
	void		*on_bad_page_arg;
	/* Called when offlining memory migrates a page in use: @from's contents,
	 * reference count, mapping, index and private are now @to's (2^order
	 * pages, a folio's head or a single page); update your references and
	 * return 0, or return nonzero to refuse (the page stays, the offlining
	 * fails with -EBUSY). Runs in the offlining thread; the owner must not
	 * free or use @from meanwhile. NULL: pages in use are not migrated, and
	 * offlining a block that holds any fails with -EBUSY. */
	int		(*migrate_page)(void *arg, struct pmm_page *from, struct pmm_page *to,
					unsigned int order);
	void		*migrate_page_arg;
	/* Called where the kernel would run the OOM killer: an allocation of
	 * @order with @gfp (pmm_gfp_t) found nothing after reclaim and
	 * compaction (not for costly orders, __GFP_RETRY_MAYFAIL or
	 * __GFP_THISNODE, as the kernel). Free memory (kill a simulated task)
	 * and return nonzero to have the allocation retry; return 0 and it
	 * fails. Runs in the allocating thread, one call at a time (others that
	 * need it wait and retry); it may free pages, and allocate only with
	 * flags that cannot come back here (no __GFP_DIRECT_RECLAIM). NULL: the
	 * allocation fails, after a log line. */
	int		(*on_oom)(void *arg, unsigned int gfp, unsigned int order, int nid);
	void		*on_oom_arg;
	/* Called when reclaim takes a folio its owner put on the LRU lists
	 * (docs/reclaim.md), with @op:
	 * PMM_RECLAIM_EVICT: let the folio go. An anonymous folio's contents
	 *	are on the swap device at @entry (pmm_swapin() brings them back,
	 *	pmm_swap_free() discards them); a file folio is clean and leaves
	 *	your page cache. Drop every use of it and return 0: your
	 *	reference is reclaim's, which frees the folio. Nonzero keeps it
	 *	(a mapped folio is activated, as when try_to_unmap() fails).
	 * PMM_RECLAIM_WRITEBACK: a dirty file folio (kswapd's pageout()):
	 *	it is under writeback now (PG_writeback, no longer PG_dirty).
	 *	Return 0 when written, PMM_RECLAIM_ASYNC if the write completes
	 *	later (call pmm_folio_end_writeback() then), negative if it
	 *	cannot be written (it is dirty again, and activated).
	 * Runs in the reclaiming thread (kswapd, or an allocating thread);
	 * it must not allocate with __GFP_DIRECT_RECLAIM. NULL: reclaim
	 * ages the lists but evicts nothing. */
	int		(*reclaim_folio)(void *arg, struct pmm_folio *folio, int op,
					 pmm_swp_entry_t entry);
	void		*reclaim_folio_arg;
	/* When struct pages are initialised (enum pmm_defer). */
	enum pmm_defer	defer;
	/* Host memory the struct pages may take, in bytes: a boot whose memmap
	 * needs more fails with -ENOMEM and says so, before anything is
	 * allocated; on demand, zones stop growing there. 0: what the host has
	 * available (/proc/meminfo MemAvailable), so that the host never has
	 * to kill the process. */
	size_t		memmap_limit;
	/* Called now and then while a boot works through its memory, from the
	 * booting thread only (and later from a pmm_deferred_init_finish()
	 * caller): @phase says what ("struct pages", "freeing memory",
	 * "deferred struct pages"), @done of @total units (pages, or sections
	 * for deferred init) are through, never going back; the last call of
	 * a phase has @done == @total. One call per 2^18 pages at most, or
	 * every 50 ms. NULL: none. */
	void		(*progress)(void *arg, const char *phase, unsigned long long done,
				    unsigned long long total);
	void		*progress_arg;
};

/**
 * pmm_boot - build a machine from its description
 * @desc: the description; not modified, may be destroyed after the call
 * @opts: options, or NULL for the defaults
 * @out: receives the machine
 *
 * Builds memblock, the memory model (mem_map or sections and memmaps),
 * the direct map, node and zone spans, node_states and the struct pages.
 * Why a boot failed is logged at PMM_LOG_ERR through @opts->log.
 * Context: any; machines are independent of each other.
 * Return: 0; -EINVAL for a description that cannot boot (no memory,
 * sections beyond the model's limits); -ENOMEM if the memmap would not fit
 * in @opts->memmap_limit or the host's available memory (logged with both
 * figures), or if host memory or address
 * space ran out (try PMM_BOOT_NO_DIRECT_MAP); -ENODEV for a host node
 * that does not exist.
 */
PMM_API int pmm_boot(const struct pmm_machine_desc *desc,
		     const struct pmm_boot_opts *opts, struct pmm_machine **out);

/**
 * pmm_shutdown - release a machine and all host memory it holds
 * @m: machine, or NULL
 *
 * Context: no other thread may use @m.
 */
PMM_API void pmm_shutdown(struct pmm_machine *m);

/**
 * pmm_deferred_init_finish - initialise every struct page still deferred
 * @m: machine
 *
 * What the kernel's page_alloc_init_late() waits for: the pages that
 * PMM_DEFER_ON_DEMAND left are initialised and freed to the buddy
 * allocator, by one thread per host CPU. Afterwards the machine is the
 * eagerly booted one. Nothing to do for other modes.
 * Context: any thread; allocations may run meanwhile.
 * Return: 0; -ENOMEM if the struct pages would take more host memory than
 * the boot's budget (pmm_boot_opts.memmap_limit, or MemAvailable at boot):
 * what fits is initialised, the rest stays deferred and unusable (logged).
 */
PMM_API int pmm_deferred_init_finish(struct pmm_machine *m);

/* ---- what was built -------------------------------------------------------------------- */

/** pmm_machine_arch - the architecture profile of @m. Context: any. */
PMM_API const struct pmm_arch_profile *pmm_machine_arch(const struct pmm_machine *m);

/** pmm_max_pfn - one past the highest pfn of memory (max_pfn). Context: any. */
PMM_API unsigned long pmm_max_pfn(const struct pmm_machine *m);

/** memblock types */
enum pmm_memblock_type {
	PMM_MEMBLOCK_MEMORY,	/* memblock.memory */
	PMM_MEMBLOCK_RESERVED,	/* memblock.reserved */
};

/** struct pmm_memblock_region - one memblock region */
struct pmm_memblock_region {
	pmm_phys_addr_t	base;
	pmm_phys_addr_t	size;
	int		nid;		/* memory: its node; reserved: PMM_NUMA_NO_NODE */
	unsigned int	flags;		/* PMM_MEMORY_* */
};

/**
 * pmm_memblock_count - number of regions of a memblock type
 * Context: any, while no hotplug runs.
 * Return: the count.
 */
PMM_API unsigned int pmm_memblock_count(const struct pmm_machine *m,
					enum pmm_memblock_type type);

/**
 * pmm_memblock_region - one region, in address order
 * Context: any, while no hotplug runs.
 * Return: 0; -EINVAL if @idx is out of range.
 */
PMM_API int pmm_memblock_region(const struct pmm_machine *m, enum pmm_memblock_type type,
				unsigned int idx, struct pmm_memblock_region *out);

/**
 * pmm_boot_log - the boot log, one line per message, as dmesg would show it
 * without timestamps
 * Context: any.
 * Return: a NUL-terminated string owned by @m.
 */
PMM_API const char *pmm_boot_log(const struct pmm_machine *m);

/** How a simulated node's memory is placed on the host. */
enum pmm_bind_status {
	PMM_BIND_NONE,		/* node has no memory, or no direct map */
	PMM_BIND_BOUND,		/* memory bound to host_node with hwloc */
	PMM_BIND_SKIPPED,	/* asked not to bind (PMM_BOOT_NO_BIND) */
	PMM_BIND_FAILED,	/* binding was refused by the host; memory is wherever the host put it */
};

/**
 * pmm_machine_host_node - the host NUMA node a simulated node maps to
 * @m: machine
 * @nid: simulated node
 * @status: if not NULL, receives how the node's memory is bound
 * Context: any.
 * Return: the host node's os index; PMM_NUMA_NO_NODE for a node that does not exist.
 */
PMM_API int pmm_machine_host_node(const struct pmm_machine *m, int nid,
				  enum pmm_bind_status *status);

/**
 * pmm_dump_machine - print the memory model, nodes, ranges, zones and sections
 * Context: while no hotplug runs.
 */
PMM_API void pmm_dump_machine(const struct pmm_machine *m, FILE *f);

/** pmm_version - "MAJOR.MINOR.PATCH" of the library. Context: any. */
PMM_API const char *pmm_version(void);

#ifdef __cplusplus
}
#endif

#endif /* PMM_MACHINE_H */

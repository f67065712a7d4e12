/* SPDX-License-Identifier: MIT */
/*
 * Memory hotplug and memory blocks. Mirrors mm/memory_hotplug.c
 * (add_memory, online_pages, zone_for_pfn_range) and
 * drivers/base/memory.c (struct memory_block, /sys/devices/system/memory).
 * Needs SPARSEMEM, as the kernel's Kconfig does: FLATMEM builds return
 * -EOPNOTSUPP.
 *
 *   pmm_memory_block_size(m)             memory_block_size_bytes()
 *   pmm_memory_block_count(m)            number of memory blocks
 *   pmm_memory_block_info(m, i, &info)   block i in id order: id, state, node, zone
 *   pmm_add_memory(m, nid, start, size)  hot-add RAM: present, offline blocks
 *   pmm_online_memory_block(m, id, type) echo online|online_kernel|online_movable > state
 *   pmm_offline_memory_block(m, id)      echo offline > state: migrate, then take the pages out
 *   pmm_remove_memory(m, start, size)    remove_memory(): offline blocks, sections and memmap go
 */
#ifndef PMM_HOTPLUG_H
#define PMM_HOTPLUG_H

#include <pmm/types.h>
#include <pmm/zone.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/** How to online memory (enum mmop; also auto_online_blocks and memhp_default_state=). */
enum pmm_online_type {
	PMM_MMOP_OFFLINE,
	PMM_MMOP_ONLINE,		/* the kernel's default zone choice */
	PMM_MMOP_ONLINE_KERNEL,		/* a kernel zone (DMA, DMA32 or Normal) */
	PMM_MMOP_ONLINE_MOVABLE,	/* ZONE_MOVABLE */
};

/** State of a memory block (MEM_ONLINE etc.). */
enum pmm_memory_block_state {
	PMM_MEM_ONLINE,
	PMM_MEM_GOING_OFFLINE,
	PMM_MEM_OFFLINE,
};

/** struct pmm_memory_block_info - one /sys/devices/system/memory/memoryN */
struct pmm_memory_block_info {
	unsigned long			id;		/* N of memoryN = phys_index */
	pmm_phys_addr_t			start;		/* first byte */
	enum pmm_memory_block_state	state;
	int				nid;		/* its node */
	/* online: the one zone it is in, or -1 ("none": it spans several);
	 * offline: the zone "online" would choose */
	int				zone;
	/* offline only: the zones it could be onlined to, as valid_zones
	 * lists them (bit i: enum pmm_zone_type i) */
	unsigned int			valid_zones;
	int				early;		/* 1 if present at boot */
};

/**
 * pmm_memory_block_size - memory_block_size_bytes() of the machine
 * Context: any.
 * Return: bytes per memory block; 0 under FLATMEM (no memory blocks).
 */
PMM_API unsigned long pmm_memory_block_size(const struct pmm_machine *m);

/** pmm_memory_block_count - number of memory blocks. Context: while no hotplug runs. */
PMM_API unsigned long pmm_memory_block_count(const struct pmm_machine *m);

/**
 * pmm_memory_block_info - describe one memory block
 * @m: machine
 * @idx: 0 .. pmm_memory_block_count() - 1, in block id order
 * @info: receives the description
 * Context: while no hotplug runs.
 * Return: 0; -EINVAL if @idx is out of range.
 */
PMM_API int pmm_memory_block_info(const struct pmm_machine *m, unsigned long idx,
				  struct pmm_memory_block_info *info);

/**
 * pmm_add_memory - hot-add a range of RAM to a node (add_memory)
 * @m: machine
 * @nid: a possible node; it comes online if it was not
 * @start: first byte, memory-block aligned
 * @size: bytes, a multiple of the memory block size
 *
 * Adds the range's sections (memmap populated on the node), maps it in
 * the direct map, creates its memory blocks offline, and then onlines them
 * if the machine's auto-online type says so.
 * Context: takes the machine's hotplug lock.
 * All or nothing: a call that fails (-ENOMEM included) leaves no section,
 * block or mapping behind, and the same call may be retried.
 * Return: 0; -EINVAL if misaligned or @nid is not possible; -EEXIST if the
 * range overlaps boot or hot-added memory (the kernel's register_memory_resource()
 * answer); -ERANGE beyond the machine's address space
 * (pmm_boot_opts.phys_limit); -ENOMEM; -EOPNOTSUPP under FLATMEM.
 */
PMM_API int pmm_add_memory(struct pmm_machine *m, int nid, pmm_phys_addr_t start,
			   pmm_phys_addr_t size);

/** Each block's memmap on its own first pages (MHP_MEMMAP_ON_MEMORY, vmem_altmap). */
#define PMM_MHP_MEMMAP_ON_MEMORY	0x1u

/**
 * pmm_add_memory_flags - pmm_add_memory() with MHP_* flags (add_memory(..., mhp_flags))
 * @flags: 0 or PMM_MHP_MEMMAP_ON_MEMORY
 *
 * With PMM_MHP_MEMMAP_ON_MEMORY each memory block's memmap is placed on
 * the block's first pages, as memory_hotplug.memmap_on_memory=1 does with
 * a vmem_altmap: block size / PAGE_SIZE * sizeof(struct page) bytes (on
 * x86-64, 512 pages of a 128 MiB block). When the block is onlined those
 * pages join the zone and count as present but stay reserved; managed
 * pages are the rest. pmm accounts for them; the struct pages themselves
 * stay in the vmemmap.
 * Context: as pmm_add_memory().
 * Return: as pmm_add_memory(); -EINVAL for unknown flags, or if the
 * memmap would not fill whole pageblocks (mhp_supports_memmap_on_memory()).
 */
PMM_API int pmm_add_memory_flags(struct pmm_machine *m, int nid, pmm_phys_addr_t start,
				 pmm_phys_addr_t size, unsigned int flags);

/**
 * pmm_online_memory_block - online an offline memory block
 * @m: machine
 * @id: the block id (memoryN)
 * @type: PMM_MMOP_ONLINE, PMM_MMOP_ONLINE_KERNEL or PMM_MMOP_ONLINE_MOVABLE
 *
 * Chooses the zone as the kernel does (zone_for_pfn_range(), with the
 * contig-zones or auto-movable policy of the command line), extends zone
 * and node spans, counts the pages present and managed, updates
 * node_states, rebuilds zonelists if a zone became populated and
 * recomputes watermarks.
 * Context: takes the machine's hotplug lock, then the node's node_size_lock.
 * Return: 0; -EINVAL for an unknown block, a block that is not offline, a
 * bad @type, or a zone the block cannot join; -EOPNOTSUPP under FLATMEM.
 */
PMM_API int pmm_online_memory_block(struct pmm_machine *m, unsigned long id,
				    enum pmm_online_type type);

/**
 * pmm_offline_memory_block - offline an online memory block (offline_pages())
 * @m: machine
 * @id: the block id (memoryN)
 *
 * Turns the zone's per-CPU lists off, isolates the block's pageblocks
 * (refusing with -EBUSY, before touching anything, if a page is reserved
 * or in use and not movable: allocated without __PMM_GFP_MOVABLE outside
 * ZONE_MOVABLE, or part of a non-compound multi-page allocation), then
 * migrates every page in use elsewhere (another node first), copying its
 * contents through the direct map and telling the owner through
 * pmm_boot_opts.migrate_page, and takes the then free pages out of the
 * buddy allocator. Present and managed pages, zone and node spans,
 * node_states, zonelists and watermarks follow. On failure the block stays
 * online and everything is as before, except pages already migrated,
 * which stay where they went (as in the kernel); the reason is logged.
 * Context: takes the machine's hotplug lock, then zone and node locks;
 * allocation elsewhere goes on meanwhile.
 * Return: 0; -EINVAL for an unknown block, one not online, or one over
 * several zones; -EBUSY for a page that cannot move (or no migrate_page
 * callback while pages are in use, or the callback refused); -ENOMEM if
 * there is nowhere to migrate to, or if the block holds struct pages a
 * boot on demand deferred and they do not fit the memmap budget
 * (pmm_deferred_init_finish()); -EOPNOTSUPP under FLATMEM.
 */
PMM_API int pmm_offline_memory_block(struct pmm_machine *m, unsigned long id);

/**
 * pmm_remove_memory - remove hot-added memory whose blocks are offline (remove_memory())
 * @m: machine
 * @start: first byte, memory-block aligned
 * @size: bytes, a multiple of the memory block size
 *
 * Removes the memory blocks, unmaps the direct map, tears down the
 * sections' memmaps and usage maps; a node left without memory, blocks
 * and CPUs goes offline (try_offline_node()). pmm removes only memory that
 * was hot-added (pmm_add_memory() or the description's "hotplug").
 * Context: takes the machine's hotplug lock.
 * Return: 0; -EINVAL if misaligned or not within one hot-added range;
 * -EBUSY if a block is not offline; -ENOMEM; -EOPNOTSUPP under FLATMEM.
 */
PMM_API int pmm_remove_memory(struct pmm_machine *m, pmm_phys_addr_t start, pmm_phys_addr_t size);

#ifdef __cplusplus
}
#endif

#endif /* PMM_HOTPLUG_H */

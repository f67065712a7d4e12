/* SPDX-License-Identifier: MIT */
/*
 * Compaction (mm/compaction.c): folios in use move from the low end of a
 * zone to free pages at its high end, so that free memory comes together
 * in large blocks.
 *
 *   pmm_compact_memory(m)        echo 1 > /proc/sys/vm/compact_memory
 *   pmm_compact_node(m, nid)     echo 1 > /sys/devices/system/node/nodeN/compact
 *
 * The migration scanner walks pageblocks up from the zone's start and
 * isolates order-0 folios on the LRU (the movable ones; owners put them
 * there); the free scanner walks down from the zone's end and isolates the
 * free pages of pageblocks that may take movable data (MOVABLE, and not a
 * whole free pageblock, as suitable_migration_target() says); each folio
 * moves through pmm_boot_opts.migrate_page, which may refuse. They stop
 * where they meet. The counters are zone events: PMM_COMPACT_MIGRATE_SCANNED,
 * PMM_COMPACT_FREE_SCANNED, PMM_COMPACT_ISOLATED, PMM_PGMIGRATE_SUCCESS,
 * PMM_PGMIGRATE_FAIL.
 *
 * Compaction also runs by itself, as in the kernel: direct compaction in
 * the allocator's slow path for high orders (async, then sync light, with
 * skip bits, cached positions and deferral), and kcompactd, woken by kswapd
 * or proactive every 500 ms while vm.compaction_proactiveness says the node
 * is too fragmented (docs/page-allocator.md).
 */
#ifndef PMM_COMPACTION_H
#define PMM_COMPACTION_H

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;

/**
 * pmm_compact_memory - compact every zone of every node, as writing 1 to
 * /proc/sys/vm/compact_memory does (MIGRATE_SYNC, whole zones)
 * @m: machine
 *
 * Context: takes zone and LRU locks; other threads may allocate and free
 * meanwhile; folios in flight are put back as they were.
 * Return: 0; -ENOMEM if a machine booted on demand could not initialise
 * the rest of its struct pages within its memmap budget
 * (pmm_deferred_init_finish()).
 */
PMM_API int pmm_compact_memory(struct pmm_machine *m);

/**
 * pmm_compact_node - compact every zone of one node
 * @m: machine
 * @nid: a node with memory
 *
 * Context: as pmm_compact_memory().
 * Return: 0; -EINVAL for a node without memory; -ENOMEM as above.
 */
PMM_API int pmm_compact_node(struct pmm_machine *m, int nid);

#ifdef __cplusplus
}
#endif

#endif /* PMM_COMPACTION_H */

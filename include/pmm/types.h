/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by every pmm header: the export marker, physical
 * addresses, the lock type and the kernel's intrusive list head.
 *
 *   PMM_API                 marks an exported function
 *   pmm_phys_addr_t         a simulated physical address (phys_addr_t)
 *   pmm_lock_t              the one lock type (zone->lock, node_size_lock, ...)
 *   struct pmm_list_head    doubly linked list node (struct list_head)
 *   PMM_NUMA_NO_NODE        "no node" (NUMA_NO_NODE)
 */
#ifndef PMM_TYPES_H
#define PMM_TYPES_H

#include <stddef.h>
#include <stdint.h>
#include <pthread.h>

#include <pmm/config.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(PMM_BUILDING)
#define PMM_API __attribute__((visibility("default")))
#else
#define PMM_API
#endif

/* pmm models the kernel on 64-bit hosts: unsigned long holds a pfn and
 * page->flags has room for the section, node and zone fields. */
#if !defined(__LP64__) && !defined(_LP64)
#error "pmm needs an LP64 host (64-bit long and pointers)"
#endif

/** A simulated physical address, as the kernel's phys_addr_t. */
typedef uint64_t pmm_phys_addr_t;

/** The lock of nodes, LRU lists and the machine; a mutex. */
typedef pthread_mutex_t pmm_lock_t;

/** zone->lock, as the kernel's spinlock_t: mutual exclusion with bounded unfairness
 * (a busy holder keeps the lock for up to about 100 us while others wait, then hands
 * it to the one that has waited; src/spinlock.c). Zero-initialised is unlocked. */
typedef struct {
	unsigned int		word;	/* locked, handoff and sleeper bits; acquisitions above */
	unsigned long long	since;	/* when the holder took it in the slow path (ns) */
} pmm_spinlock_t;

#define PMM_NUMA_NO_NODE	(-1)

/** A slot on the swap device (swp_entry_t): where a swapped-out folio is; 0: none. */
typedef struct {
	unsigned long val;
} pmm_swp_entry_t;

/** Doubly linked list node, the kernel's struct list_head. */
struct pmm_list_head {
	struct pmm_list_head *next, *prev;
};

#ifdef __cplusplus
}
#endif

#endif /* PMM_TYPES_H */

/* SPDX-License-Identifier: MIT */
/*
 * pmm: the Linux kernel's physical memory model in user space, backed by
 * real, host-NUMA-bound memory. Include this header to get everything.
 */
#ifndef PMM_PMM_H
#define PMM_PMM_H

#define PMM_VERSION_MAJOR 0
#define PMM_VERSION_MINOR 1
#define PMM_VERSION_PATCH 0

#include <pmm/config.h>
#include <pmm/types.h>
#include <pmm/arch.h>
#include <pmm/nodemask.h>
#include <pmm/vmstat.h>
#include <pmm/page.h>
#include <pmm/zone.h>
#include <pmm/node.h>
#include <pmm/memory_model.h>
#include <pmm/machine.h>
#include <pmm/hotplug.h>
#include <pmm/memremap.h>
#include <pmm/page_alloc.h>
#include <pmm/swap.h>
#include <pmm/memory-tiers.h>
#include <pmm/compaction.h>
#include <pmm/sysctl.h>
#include <pmm/timer.h>
#include <pmm/mempolicy.h>
#include <pmm/report.h>
#include <pmm/replay.h>
#include <pmm/topology.h>
#include <pmm/fault_inject.h>
#include <pmm/abi.h>

#endif /* PMM_PMM_H */

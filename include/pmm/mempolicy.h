/* SPDX-License-Identifier: MIT */
/*
 * NUMA memory policies. Mirrors mm/mempolicy.c and
 * include/uapi/linux/mempolicy.h: which node an allocation starts from and
 * which nodes it may use.
 *
 *   pmm_set_mempolicy(m, &pol)     the calling thread's policy (set_mempolicy())
 *   pmm_get_mempolicy(m, &pol)     read it back
 *   pmm_alloc_pages_mpol(m, gfp, order, &pol)   one allocation under a policy
 *   pmm_set_il_weight(m, nid, w)   weighted interleave weight of a node
 *   pmm_set_mems_allowed(m, &mask) the calling thread's cpuset.mems (NULL: the root cpuset)
 *   pmm_get_mems_allowed(m, &mask) read it back
 *   pmm_move_pages(m, n, pages, nodes, status)   folios to chosen nodes (move_pages())
 *   pmm_migrate_pages(m, &from, &to)             every folio of some nodes to others (migrate_pages())
 */
#ifndef PMM_MEMPOLICY_H
#define PMM_MEMPOLICY_H

#include <pmm/types.h>
#include <pmm/nodemask.h>
#include <pmm/page_alloc.h>

#ifdef __cplusplus
extern "C" {
#endif

/** enum pmm_mpol_mode - MPOL_* (values of the kernel's uapi) */
enum pmm_mpol_mode {
	PMM_MPOL_DEFAULT,		/* no policy: the system default, local allocation */
	PMM_MPOL_PREFERRED,		/* start at the one node of @nodes, fall back anywhere */
	PMM_MPOL_BIND,			/* only the nodes of @nodes */
	PMM_MPOL_INTERLEAVE,		/* round robin over @nodes, one allocation each */
	PMM_MPOL_LOCAL,			/* the node of the thread's CPU */
	PMM_MPOL_PREFERRED_MANY,	/* first @nodes only, then anywhere */
	PMM_MPOL_WEIGHTED_INTERLEAVE,	/* round robin, weight[n] allocations per node (6.9+) */
	PMM_MPOL_MAX
};

/** struct pmm_mempolicy - a policy; zero-initialise it */
struct pmm_mempolicy {
	enum pmm_mpol_mode	mode;
	pmm_nodemask_t		nodes;		/* the policy's nodes */
	int			home_node;	/* BIND/PREFERRED_MANY: start here (0 = none, see below) */
	int			has_home_node;	/* 1 if home_node is set (set_mempolicy_home_node()) */
};

/**
 * pmm_set_mempolicy - set the calling thread's memory policy
 * @m: machine
 * @pol: the policy, or NULL for PMM_MPOL_DEFAULT
 *
 * As set_mempolicy(2): PREFERRED takes the first node of @nodes (an empty
 * mask means LOCAL); BIND, INTERLEAVE, WEIGHTED_INTERLEAVE and
 * PREFERRED_MANY need at least one node with memory; nodes without memory
 * are dropped from the mask. The interleave cursor restarts.
 * Context: the calling thread; per machine.
 * Return: 0; -EINVAL for a bad mode, an empty or memory-less mask, or a bad
 * home node; -ENOMEM.
 */
PMM_API int pmm_set_mempolicy(struct pmm_machine *m, const struct pmm_mempolicy *pol);

/** pmm_get_mempolicy - the calling thread's policy. Context: the calling thread. Return: 0. */
PMM_API int pmm_get_mempolicy(struct pmm_machine *m, struct pmm_mempolicy *pol);

/**
 * pmm_alloc_pages_mpol - allocate under a given policy (alloc_pages_mpol())
 * @pol: the policy; NULL means the thread's own
 *
 * Interleaving advances the calling thread's cursor as the kernel's
 * il_prev does for allocations outside a VMA, and counts numa_interleave
 * when the page lands on the intended node.
 * Context: any thread.
 * Return: the first page; NULL.
 */
PMM_API struct pmm_page *pmm_alloc_pages_mpol(struct pmm_machine *m, pmm_gfp_t gfp,
					      unsigned int order,
					      const struct pmm_mempolicy *pol);

/**
 * pmm_set_il_weight - weighted interleave weight of a node
 * (/sys/kernel/mm/mempolicy/weighted_interleave/nodeN)
 * @weight: 1..255
 * Context: any.
 * Return: 0; -EINVAL.
 */
PMM_API int pmm_set_il_weight(struct pmm_machine *m, int nid, unsigned int weight);

/**
 * pmm_set_mems_allowed - put the calling thread in a cpuset with these memory nodes
 * @m: machine
 * @mems: cpuset.mems, a non-empty set of nodes with memory; NULL for the
 *        root cpuset (every node, the default)
 *
 * pmm's cpusets are flat: one per thread, directly below the root. As in
 * the kernel, an allocation's fast path keeps to @mems; when that fails,
 * requests with __PMM_GFP_HARDWALL (PMM_GFP_USER, PMM_GFP_HIGHUSER*) still
 * keep to @mems, others may use any node (the root cpuset is the nearest
 * hardwall ancestor), and atomic __GFP_HIGH requests ignore the cpuset.
 * A policy set afterwards is limited to @mems; one set before is not
 * rebound.
 * Context: the calling thread; per machine.
 * Return: 0; -EINVAL for an empty mask or one with a node without memory; -ENOMEM.
 */
PMM_API int pmm_set_mems_allowed(struct pmm_machine *m, const pmm_nodemask_t *mems);

/**
 * pmm_get_mems_allowed - the calling thread's cpuset.mems
 * Context: the calling thread.
 * Return: 0; @mems holds the cpuset's nodes, or every node with memory.
 */
PMM_API int pmm_get_mems_allowed(struct pmm_machine *m, pmm_nodemask_t *mems);

/**
 * pmm_move_pages - move folios in use to the nodes asked for, as
 * move_pages(2) does
 * @m: machine (booted with a migrate_page callback, or nothing can move)
 * @count: entries in @pages, @nodes and @status
 * @pages: pages of @m in use; a tail page stands for its folio
 * @nodes: the node for each page, one with memory; NULL: nothing moves,
 *	@status says where each page is
 * @status: out: the node each page's folio is on after the call, or why it
 *	did not move: -EFAULT not a page of @m, -ENOENT free or not a folio,
 *	-EBUSY not on the LRU (an owner keeps it off the lists, or another
 *	migration holds it) or refused by the owner, -EAGAIN still referenced
 *	after ten passes, -ENOMEM no free memory on the node
 *
 * Each folio on the LRU is isolated and goes through migrate_pages()
 * (MIGRATE_SYNC, GFP_HIGHUSER_MOVABLE on that node only); a large folio
 * moves whole. The owner learns the new place through migrate_page; @pages
 * is not updated. pgmigrate_success/pgmigrate_fail count the pages.
 * Context: takes zone and LRU locks; other threads may allocate meanwhile.
 * Return: 0, or the number of folios migrate_pages() tried and could not
 * move (their @status is negative; a folio that could not be isolated only
 * has its @status say so, as in the kernel); -EINVAL for a NULL array with
 * @count > 0; -ENODEV (nothing moved) if a node of @nodes has no memory.
 */
PMM_API int pmm_move_pages(struct pmm_machine *m, unsigned long count, struct pmm_page **pages,
			   const int *nodes, int *status);

/**
 * pmm_migrate_pages - move every folio on the LRU of the @from nodes to the
 * @to nodes, as migrate_pages(2) does for a process (do_migrate_pages())
 * @m: machine
 * @from: source nodes
 * @to: destination nodes; the k-th node of @from goes to the k-th of @to
 *	(modulo their number: node_remap()), sources taken in the kernel's
 *	order so that no folio moves twice
 *
 * pmm has no processes: what a process's page tables reach in the kernel
 * is here everything on the LRU of the source nodes. Folios off the LRU
 * stay. Nodes of both masks keep theirs when the masks have different
 * weights, as in the kernel.
 * Context: as pmm_move_pages().
 * Return: the number of folios that could not be moved (0: all moved);
 * -EINVAL for NULL masks or a node of @to without memory; -ENOMEM when a
 * destination ran out of free memory (what moved until then stays moved).
 */
PMM_API int pmm_migrate_pages(struct pmm_machine *m, const pmm_nodemask_t *from,
			      const pmm_nodemask_t *to);

#ifdef __cplusplus
}
#endif

#endif /* PMM_MEMPOLICY_H */

/* SPDX-License-Identifier: MIT */
/*
 * pmm internals: the definition of struct pmm_machine and of the machine
 * description, and the pmm__ functions shared between source files,
 * grouped by the file that defines them.
 */
#ifndef PMM_INTERNAL_H
#define PMM_INTERNAL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <pmm/pmm.h>

#define PMM__ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PMM__MIN(a, b)		((a) < (b) ? (a) : (b))
#define PMM__MAX(a, b)		((a) > (b) ? (a) : (b))
#define PMM__ALIGN(x, a)	(((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define PMM__ALIGN_DOWN(x, a)	((x) & ~((__typeof__(x))(a) - 1))
#define PMM__IS_ALIGNED(x, a)	(((x) & ((__typeof__(x))(a) - 1)) == 0)
#define PMM__DIV_ROUND_UP(n, d)	(((n) + (d) - 1) / (d))

#define PMM__LOCAL_DISTANCE	10
#define PMM__REMOTE_DISTANCE	20

/* ---- the machine description (machine.c) ------------------------------------------- */

struct pmm__range {
	pmm_phys_addr_t	start;
	pmm_phys_addr_t	end;		/* exclusive */
	int		nid;
	unsigned int	flags;
};

struct pmm__desc_node {
	bool		declared;
	pmm_cpumask_t	cpus;
	int		host_node;	/* PMM_NUMA_NO_NODE: default mapping */
	int		adistance;	/* a driver's memory type; 0: none */
	bool		perf_set;	/* perf is what HMAT would report */
	struct pmm_access_coordinate perf;
};

/* vm sysctls that shape watermarks and reserves; -1: compute as the kernel does */
struct pmm__sysctl {
	long	min_free_kbytes;
	long	watermark_scale_factor;
	long	lowmem_reserve_ratio[PMM_MAX_NR_ZONES];	/* by zone type; -1: default */
	long	percpu_pagelist_high_fraction;
	long	watermark_boost_factor;
	long	min_unmapped_ratio;
	long	min_slab_ratio;
	long	extfrag_threshold;		/* compaction_suitable(): 0..1000 */
	long	compaction_proactiveness;	/* kcompactd: 0..100 */
	long	compact_unevictable_allowed;	/* 0 or 1 */
	long	swappiness;			/* vmscan: anon vs file, 0..200 */
	long	zone_reclaim_mode;		/* node_reclaim(): RECLAIM_ZONE|WRITE|UNMAP */
	long	dirty_ratio;			/* page-writeback.c: % of dirtyable memory */
	long	dirty_background_ratio;
	long	overcommit_ratio;		/* mm/util.c vm_commit_limit(): % of RAM */
};

/* sysctl.c: validate and store a vm sysctl (the "vm." prefix optional); @arch's
 * zone types: lowmem_reserve_ratio has one value each. -EINVAL with @err */
int pmm__sysctl_set(struct pmm__sysctl *s, const struct pmm_arch_profile *arch, const char *name,
		    const long *values, unsigned int nr_values, char *err, size_t err_len);
/* the kernel's default for each sysctl still unset (-1); min_free_kbytes is computed */
void pmm__sysctl_defaults(struct pmm__sysctl *s);

struct pmm_machine_desc {
	const struct pmm_arch_profile *arch;	/* &build */
	/* the kernel build: the architecture's profile with the build options
	 * the kernel version, a named profile or the description chose */
	struct pmm_arch_profile	build;
	bool			zones_set;	/* build.zones chosen, not a version default */
	/* where DMA and DMA32 end, and Normal below HighMem (a boot log's "Zone
	 * ranges": firmware and build decide them); 0: the architecture's rule */
	pmm_phys_addr_t		zone_end[PMM_MAX_NR_ZONES];
	bool			numa_set;
	unsigned int		kernel_version;	/* PMM_KERNEL_VERSION(major, minor) */
	struct pmm__sysctl	sysctl;
	struct pmm__range	*hotplug;	/* memory firmware adds after boot */
	unsigned int		nr_hotplug, max_hotplug;
	int			auto_online;	/* MMOP_*, or -1: the kernel's default */
	unsigned long long	swap_bytes;	/* the swap device's size; 0: none */
	struct pmm__desc_node	nodes[PMM_MAX_NUMNODES];
	unsigned char		distance[PMM_MAX_NUMNODES][PMM_MAX_NUMNODES];
	struct pmm__range	*memory;
	unsigned int		nr_memory, max_memory;
	struct pmm__range	*reserved;
	unsigned int		nr_reserved, max_reserved;
	char			*cmdline;
	bool			from_host;	/* described from this host: same node ids */
	char			error[512];
};

/* Where zone type z ends, as a boot log printed it (DMA, DMA32; Normal below HighMem). */
int pmm__desc_set_zone_end(struct pmm_machine_desc *d, int z, pmm_phys_addr_t end);

/* MMOP_OFFLINE 0, MMOP_ONLINE 1, MMOP_ONLINE_KERNEL 2, MMOP_ONLINE_MOVABLE 3; -1 if unknown */
int pmm__online_type_from_name(const char *name);

/* Record a message in d->error and return err. */
int pmm__desc_fail(struct pmm_machine_desc *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define PMM_KERNEL_VERSION(a, b)	(((a) << 16) + ((b) << 8))
/* the newest kernel version any rule of pmm's follows (docs/kernel-map.md) */
#define PMM__NEWEST_RULES_MAJOR	6
#define PMM__NEWEST_RULES_MINOR	15

/* ---- cmdline.c ------------------------------------------------------------------------- */

struct pmm__memmap_param {
	char		type;		/* '@' RAM, '$' reserved, '#' ACPI data, '!' persistent */
	pmm_phys_addr_t	start, size;
};

struct pmm__cmdline {
	unsigned long	required_kernelcore, required_kernelcore_percent;	/* kernelcore= */
	unsigned long	required_movablecore, required_movablecore_percent;	/* movablecore= */
	bool		mirrored_kernelcore;	/* kernelcore=mirror */
	bool		movable_node;
	bool		numa_off;
	pmm_phys_addr_t	mem_limit;		/* mem=, 0 if absent */
	bool		memmap_exactmap;
	struct pmm__memmap_param memmap[32];
	unsigned int	nr_memmap;
	int		memhp_default_online_type;	/* memhp_default_state=, -1 if absent */
	bool		online_policy_auto_movable;	/* memory_hotplug.online_policy= */
	unsigned long	auto_movable_ratio;		/* memory_hotplug.auto_movable_ratio= */
};

/* memparse(): a number (0x allowed) with an optional K/M/G/T/P/E suffix. */
int pmm__memparse(const char *s, const char **end, unsigned long long *out);
int pmm__parse_cmdline(struct pmm_machine *m, const char *cmdline);

/* ---- memblock (memblock.c) --------------------------------------------------------------- */

struct pmm__memblock_type {
	struct pmm_memblock_region *regions;	/* sorted by base, not overlapping */
	unsigned int		cnt, max;
};

struct pmm__memblock {
	struct pmm__memblock_type memory;
	struct pmm__memblock_type reserved;
};

/* memblock_add_range(): add what is not covered yet; merge neighbours of the same nid and flags. */
int pmm__memblock_add(struct pmm__memblock_type *type, pmm_phys_addr_t base,
		      pmm_phys_addr_t size, int nid, unsigned int flags);
void pmm__memblock_free_all_regions(struct pmm__memblock *mb);
/* Pages of [start_pfn, end_pfn) covered by the regions of nid (any node if nid < 0). */
unsigned long pmm__memblock_pages_in_range(const struct pmm__memblock_type *type,
					   unsigned int page_shift, int nid,
					   unsigned long start_pfn, unsigned long end_pfn);
/*
 * for_each_free_mem_range() one step at a time: the first stretch of
 * [*pfn, end) in no reserved region (widened to whole pages) is
 * [*pfn, *free_end); false when none is left.
 */
bool pmm__next_free_pfn_range(const struct pmm__memblock_type *reserved, unsigned int page_shift,
			      unsigned long *pfn, unsigned long end, unsigned long *free_end);
/* A region clamped to whole pages: [*spfn, *epfn); false if it holds no whole page. */
bool pmm__region_pfns(const struct pmm_memblock_region *r, unsigned int page_shift,
		      unsigned long *spfn, unsigned long *epfn);

/* ---- the machine ------------------------------------------------------------------------------ */

struct pmm__memmap;	/* defined by the memory model file */

/* A per-CPU list's lock (pcp->lock): rarely contended (a thread drives its
 * own simulated CPU's lists; drains and shared CPUs are the exceptions), so
 * unlocking is a plain release store, as the kernel's spin_unlock() on x86 */
typedef struct {
	int locked;
} pmm__pcp_lock_t;

static inline void pmm__cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* topology.c: the thread's last pmm_set_cpu() and the id of its machine (0: none) */
struct pmm__cpu_cache {
	unsigned long	machine_id;
	int		cpu;
};
extern __thread struct pmm__cpu_cache pmm__cpu_cache;

/* spinlock.c: a pmm_lock_t that spins briefly before it sleeps (lru_lock) */
void pmm__spin_lock_init(pmm_lock_t *lock);

/*
 * zone->lock (pmm_spinlock_t, spinlock.c). l->word: bit 0 locked, bit 1 a
 * waiter has asked for the lock to be handed to it (no one else may take it),
 * bit 2 that waiter sleeps on the futex; above them, the number of
 * acquisitions, which tells waiters whether the holder is still busy. Taken
 * with one compare-and-swap when free, let go with one atomic subtract.
 */
#define PMM__SPIN_LOCKED	1u
#define PMM__SPIN_HANDOFF	2u
#define PMM__SPIN_SLEEPER	4u
#define PMM__SPIN_TAKEN		8u	/* one acquisition */
void pmm__spin_lock_slow(pmm_spinlock_t *l);
void pmm__spin_unlock_wake(pmm_spinlock_t *l);

/* Return: true if taken (false if held, or promised to a waiter) */
static inline bool pmm__spin_trylock(pmm_spinlock_t *l)
{
	unsigned int w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);

	return !(w & (PMM__SPIN_LOCKED | PMM__SPIN_HANDOFF)) &&
	       __atomic_compare_exchange_n(&l->word, &w, w + PMM__SPIN_TAKEN + PMM__SPIN_LOCKED,
					   false, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

static inline void pmm__spin_lock(pmm_spinlock_t *l)
{
	if (__builtin_expect(!pmm__spin_trylock(l), 0))
		pmm__spin_lock_slow(l);
}

static inline void pmm__spin_unlock(pmm_spinlock_t *l)
{
	if (__builtin_expect(__atomic_fetch_sub(&l->word, PMM__SPIN_LOCKED, __ATOMIC_RELEASE) &
			     PMM__SPIN_SLEEPER, 0))
		pmm__spin_unlock_wake(l);
}

/* spinlock.c: a contended pcp lock: back off, then yield the host CPU between tries */
void pmm__pcp_lock_slow(pmm__pcp_lock_t *l);

static inline void pmm__pcp_lock(pmm__pcp_lock_t *l)
{
	if (__builtin_expect(__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE), 0))
		pmm__pcp_lock_slow(l);
}

static inline void pmm__pcp_unlock(pmm__pcp_lock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

/* struct per_cpu_pages (6.1): lists of order 0-3 per migratetype, and one for THP */
#define PMM__PAGE_ALLOC_COSTLY_ORDER	3
#define PMM__NR_LOWORDER_PCP_LISTS	(PMM_MIGRATE_PCPTYPES * (PMM__PAGE_ALLOC_COSTLY_ORDER + 1))
#define PMM__NR_PCP_LISTS		(PMM__NR_LOWORDER_PCP_LISTS + 1)

struct pmm_per_cpu_pages {
	pmm__pcp_lock_t		lock;
	int			count;		/* pages on the lists */
	int			high;		/* free a batch back when count reaches it */
	int			batch;		/* pages moved at a time */
	int			free_factor;	/* 6.1: batch scaling on consecutive frees */
	/* 6.7+: high tuned between high_min and high_max as the CPU allocates and frees */
	int			high_min, high_max;
	int			free_count;	/* pages freed since the last allocation (halved by one) */
	int			alloc_factor;	/* refill batch scaling on consecutive allocations */
	int			flags;		/* PCPF_* */
	struct pmm_list_head	lists[PMM__NR_PCP_LISTS];
	/* this CPU's share of the zone's counters (folded on read) */
	unsigned long		events[PMM_NR_ZONE_EVENTS];
	unsigned long		numa_events[PMM_NR_VM_NUMA_EVENT_ITEMS];
} __attribute__((aligned(64)));

/* struct memory_block (drivers/base/memory.c) */
struct pmm__memory_block {
	unsigned long			id;
	int				nid;
	enum pmm_memory_block_state	state;
	struct pmm_zone			*zone;	/* online: its single zone, or NULL */
	bool				early;
	unsigned long			nr_vmemmap_pages; /* memmap_on_memory: its memmap's pages */
};
/* A stretch of struct pages memmap_init() left to deferred init (mm_init.c). */
struct pmm__deferred_range {
	unsigned long	start_pfn, end_pfn;
	unsigned int	zone;
};

/* What deferred struct page init still has to do on one node. */
struct pmm__deferred {
	struct pmm__deferred_range *ranges;	/* ascending */
	unsigned int	nr, max;
	unsigned int	in_flight;	/* sections being initialised; changed under
					 * node_size_lock, read atomically */
	unsigned long	nr_pages;	/* pages the ranges hold (reserved ones included) */
	double		start_ms;	/* when the threads began on the node; 0: not yet */
	double		done_ms;	/* when its last section was done; under node_size_lock */
};

struct pmm__host;	/* defined by interop_hwloc.c */

struct pmm__node_host {
	int			host_node;	/* os index of the host node */
	enum pmm_bind_status	status;
	const char		*reason;	/* why not bound, or NULL */
};

struct pmm_machine {
	struct pmm_machine_view	view;		/* must stay first: read by the inline helpers */

	const struct pmm_arch_profile *arch;	/* &build */
	struct pmm_arch_profile	build;		/* the description's kernel build */
	pmm_phys_addr_t		zone_end[PMM_MAX_NR_ZONES];	/* the description's */
	unsigned int		flags;		/* PMM_BOOT_* */
	struct pmm__memblock	memblock;
	unsigned long		max_pfn;	/* one past the highest pfn of memory */
	unsigned long		max_low_pfn;	/* HighMem archs: end of lowmem */
	unsigned long		arch_zone_lowest_possible_pfn[PMM_MAX_NR_ZONES];
	unsigned long		arch_zone_highest_possible_pfn[PMM_MAX_NR_ZONES];
	unsigned long		zone_movable_pfn[PMM_MAX_NUMNODES];
	unsigned int		max_page_order;		/* MAX_PAGE_ORDER */
	unsigned int		pageblock_order;

	/* topology */
	pmm_cpumask_t		node_cpus[PMM_MAX_NUMNODES];
	unsigned char		distance[PMM_MAX_NUMNODES][PMM_MAX_NUMNODES];
	char			*cmdline;
	struct pmm__cmdline	cmdline_params;
	unsigned int		kernel_version;	/* PMM_KERNEL_VERSION(major, minor) */
	struct pmm__sysctl	sysctl;
	long			user_min_free_kbytes;	/* -1: computed */
	int			(*on_oom)(void *arg, unsigned int gfp, unsigned int order, int nid);
	void			*on_oom_arg;
	pmm_lock_t		oom_lock;	/* one OOM report at a time (oom_lock) */
	int			(*reclaim_folio)(void *arg, struct pmm_folio *folio, int op,
						 pmm_swp_entry_t entry);
	void			*reclaim_folio_arg;
	struct pmm__swap	*swap;		/* the swap device (swapfile.c); NULL: none */
	struct pmm__memory_tiers *tiers;	/* memory-tiers.c; NULL without NUMA */
	/* build_zonelists()'s node_load[], which find_next_best_node() reads after
	 * the zonelists are built too (the kernel's is a static array) */
	int			node_load[PMM_MAX_NUMNODES];
	unsigned long long	clock_ns;	/* simulated time (timer.c) */
	pmm_lock_t		clock_lock;	/* serialises pmm_clock_advance() */
	int			boot_cpu_nid;	/* node of CPU 0: numa_node_id() at boot */
	unsigned long		totalreserve_pages;
	unsigned long		nr_online_nodes;
	enum pmm_zone_type	movable_zone;	/* the zone ZONE_MOVABLE is taken from */
	enum pmm_zone_type	policy_zone;
	enum pmm_zone_type	policy_zone_next;	/* while zonelists are rebuilt */
	unsigned long		zonelist_seq;		/* odd while zonelists are rebuilt */
	bool			page_group_by_mobility_disabled;
	/* migratetype fallbacks (the kernel's mm_page_alloc_extfrag events), and
	 * those that split a pageblock (its "fragmenting=1") */
	unsigned long		nr_extfrag, nr_extfrag_fragmenting;

	/* memory blocks, sorted by id (memory.c) */
	struct pmm__memory_block *blocks;
	unsigned long		nr_blocks, max_blocks;
	unsigned long		block_size;		/* bytes; 0 without hotplug */
	int			auto_online_type;	/* enum pmm_online_type */
	bool			booted;			/* boot finished */
	struct pmm__range	*hotplug;		/* hot-added ranges */
	struct pmm_dev_pagemap	**pgmaps;		/* ZONE_DEVICE ranges (memremap.c) */
	unsigned int		nr_pgmaps, max_pgmaps;
	unsigned int		nr_hotplug, max_hotplug;

	/* deferred struct page init (mm_init.c); cursor: pgdat->first_deferred_pfn */
	enum pmm_defer		defer_mode;	/* as asked for (pmm_boot_opts.defer) */
	bool			defer;		/* CONFIG_DEFERRED_STRUCT_PAGE_INIT at this boot */
	/* on demand: host bytes the memmap may take (pmm_boot_opts.memmap_limit or
	 * MemAvailable at boot; 0: no limit known), and what initialised struct
	 * pages take (atomic); a zone does not grow past the budget */
	unsigned long long	memmap_budget, memmap_committed;
	bool			memmap_budget_warned;
	struct pmm__deferred	deferred[PMM_MAX_NUMNODES];

	/* the memory model's private state (src/memory_model/<model>.c) */
	struct pmm__memmap	*memmap;
	/* /proc/vmstat nr_memmap_boot_pages, nr_memmap_pages: pages of struct
	 * pages (the reference kernel's size) set up at boot and since (atomic) */
	long			memmap_boot_pages, memmap_pages;

	/* real memory underneath */
	struct pmm__host	*host;		/* host topology; NULL when not binding */
	struct pmm__node_host	node_host[PMM_MAX_NUMNODES];
	int			*host_cpu_to_sim;	/* by host CPU os index */
	short			cpu_nid[PMM_NR_CPUS];	/* cpu_to_node(), -1 for no such CPU */
	int			nr_host_cpus;
	pthread_key_t		cpu_key;		/* this thread's simulated CPU + 1 */
	bool			cpu_key_valid;
	unsigned long		id;			/* unique in the process, never reused */
	size_t			direct_map_bytes;	/* reservation at view.direct_map */

	/* locks (docs/locking.md): hotplug_lock > node_size_lock > zone->lock */
	pmm_lock_t		hotplug_lock;

	/* page allocator */
	int			nr_cpu_ids;		/* per-CPU lists per zone */
	void			(*on_bad_page)(void *arg, const struct pmm_page *page,
					       unsigned long pfn, const char *reason);
	void			*on_bad_page_arg;
	int			(*migrate_page)(void *arg, struct pmm_page *old, struct pmm_page *new,
						unsigned int order);
	void			*migrate_page_arg;
	unsigned char		il_weight[PMM_MAX_NUMNODES];	/* weighted interleave */
	pthread_key_t		mpol_key;			/* the thread's mempolicy */
	bool			mpol_key_valid;
	bool			cpusets_enabled;	/* a thread has set its cpuset's mems */

	/* log */
	void			(*log_fn)(void *arg, int level, const char *line);
	void			*log_arg;
	void			(*progress_fn)(void *arg, const char *phase, unsigned long long done,
					       unsigned long long total);
	void			*progress_arg;
	char			*log;
	size_t			log_len, log_cap;
	pmm_lock_t		log_lock;	/* log, log_len, log_cap: any thread may print */
};

static inline unsigned long pmm__pages_per_section(const struct pmm_machine *m)
{
	return 1UL << m->view.pfn_section_shift;
}

/* is_highmem_idx(): HighMem, or Movable when it is taken from HighMem */
static inline bool pmm__is_highmem_idx(const struct pmm_machine *m, enum pmm_zone_type idx)
{
	return idx == PMM_ZONE_HIGHMEM ||
	       (idx == PMM_ZONE_MOVABLE && m->movable_zone == PMM_ZONE_HIGHMEM);
}

static inline unsigned long pmm__max_order_nr_pages(const struct pmm_machine *m)
{
	return 1UL << m->max_page_order;
}

/* ---- printk.c ---------------------------------------------------------------------------------- */

/* Append one line to the boot log and pass it to the log hook. */
void pmm__printk(struct pmm_machine *m, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define pmm__pr_err(m, ...)	pmm__printk(m, PMM_LOG_ERR, __VA_ARGS__)
#define pmm__pr_warn(m, ...)	pmm__printk(m, PMM_LOG_WARNING, __VA_ARGS__)
#define pmm__pr_info(m, ...)	pmm__printk(m, PMM_LOG_INFO, __VA_ARGS__)
#define pmm__pr_debug(m, ...)	pmm__printk(m, PMM_LOG_DEBUG, __VA_ARGS__)

/* ---- direct_map.c: host memory for the machine ---------------------------------------------------- */

/* Reserve address space: PROT_NONE, MAP_NORESERVE. NULL on failure. */
void *pmm__vm_reserve(size_t bytes);
void pmm__vm_release(void *addr, size_t bytes);
/* Make [addr, addr+bytes) of a reservation usable and bind it to nid's host node. */
int pmm__vm_populate(struct pmm_machine *m, void *addr, size_t bytes, int nid);
/* Give the memory back to the host and make the range inaccessible again. */
void pmm__vm_depopulate(void *addr, size_t bytes);
/* Ask the host for transparent huge pages over the whole 2 MiB blocks of a
 * metadata mapping the boot writes end to end (memmaps), as the kernel maps
 * its vmemmap with PMD pages: one fault per 2 MiB instead of 512. Never for
 * the direct map, whose pages the host should commit only when touched. */
#define PMM__HOST_HUGE_BYTES	(2UL << 20)
void pmm__vm_advise_huge(void *addr, size_t bytes);
/* Node-local zeroed memory for metadata (memmaps, usemaps, pgdat). NULL on failure. */
void *pmm__alloc_node(struct pmm_machine *m, size_t bytes, int nid);
void pmm__free_node(void *addr, size_t bytes);
int pmm__direct_map_init(struct pmm_machine *m);
/* The host's MemAvailable in bytes; 0 if it cannot be read. */
size_t pmm__host_available_bytes(void);
void pmm__direct_map_fini(struct pmm_machine *m);

/* ---- interop_hwloc.c ------------------------------------------------------------------------------------ */

int pmm__host_open(struct pmm_machine *m);
void pmm__host_close(struct pmm_machine *m);
/* Map every simulated node to a host node (explicit, same id, or round robin). */
int pmm__host_map_nodes(struct pmm_machine *m, const struct pmm_machine_desc *d);
/* Log the mapping and binding of every node. */
void pmm__host_report(struct pmm_machine *m);
/* Host CPU -> simulated CPU table for pmm_get_cpu(). */
int pmm__host_cpu_map(struct pmm_machine *m, const struct pmm_machine_desc *d);
/* Bind [addr, addr+bytes) to the host node of simulated node nid; 0 or -errno. */
int pmm__host_bind(struct pmm_machine *m, void *addr, size_t bytes, int nid);

/* ---- memory model (src/memory_model/<model>.c) ------------------------------------------------------------- */

/* Build the model's maps for memblock.memory (sparse_init / alloc_node_mem_map). */
int pmm__model_init(struct pmm_machine *m);
void pmm__model_fini(struct pmm_machine *m);
/* Hotplug: sections and memmap for a range (-EOPNOTSUPP under FLATMEM). */
int pmm__model_add_range(struct pmm_machine *m, unsigned long start_pfn,
			 unsigned long nr_pages, int nid);
int pmm__model_remove_range(struct pmm_machine *m, unsigned long start_pfn,
			    unsigned long nr_pages);
/* Set or clear SECTION_IS_ONLINE over a section-aligned range (no-op for FLATMEM). */
void pmm__model_online_range(struct pmm_machine *m, unsigned long start_pfn,
			     unsigned long nr_pages, bool online);
/*
 * The word and bit index holding the pageblock bits of pfn (zone for
 * FLATMEM), or NULL (and index 0) if it has none: inline, as every free
 * asks (get_pfnblock_flags_mask()).
 */
static inline unsigned long *pmm__model_pageblock_bits(struct pmm_machine *m,
						       struct pmm_zone *zone, unsigned long pfn,
						       unsigned int *bitidx)
{
	unsigned long bit;
#if PMM_CONFIG_FLATMEM
	unsigned long pb_start = PMM__ALIGN_DOWN(zone->zone_start_pfn, 1UL << m->pageblock_order);

	*bitidx = 0;
	if (!zone->pageblock_flags)
		return NULL;
	bit = ((pfn - pb_start) >> m->pageblock_order) * 4;
	*bitidx = (unsigned int)(bit % PMM_BITS_PER_LONG);
	return &zone->pageblock_flags[bit / PMM_BITS_PER_LONG];
#else
	struct pmm_mem_section *ms = pmm_pfn_to_section(m, pfn);

	(void)zone;
	*bitidx = 0;
	if (!ms || !ms->usage)
		return NULL;
	bit = ((pfn & (pmm__pages_per_section(m) - 1)) >> m->pageblock_order) * 4;
	*bitidx = (unsigned int)(bit % PMM_BITS_PER_LONG);
	return &ms->usage->pageblock_flags[bit / PMM_BITS_PER_LONG];
#endif
}
/* memmap_init(): the trailing hole is initialised up to a multiple of this. */
unsigned long pmm__model_trailing_align(const struct pmm_machine *m);
/* Print what the model built. */
void pmm__model_dump(const struct pmm_machine *m, FILE *f);
/* Host bytes held by memmaps and section metadata. */
size_t pmm__model_memmap_bytes(const struct pmm_machine *m);

/* list.h, for lists that lock-free readers may walk (pmm_check, reports): the
 * forward links are stored atomically */
static inline void pmm__list_insert(struct pmm_list_head *n, struct pmm_list_head *prev,
			       struct pmm_list_head *next)
{
	next->prev = n;
	__atomic_store_n(&n->next, next, __ATOMIC_RELAXED);
	n->prev = prev;
	__atomic_store_n(&prev->next, n, __ATOMIC_RELAXED);
}

static inline void pmm__list_init(struct pmm_list_head *h)
{
	h->next = h->prev = h;
}

static inline bool pmm__list_empty(const struct pmm_list_head *h)
{
	return __atomic_load_n(&h->next, __ATOMIC_RELAXED) == h;
}

#define pmm__container_of(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

static inline void pmm__list_add(struct pmm_list_head *n, struct pmm_list_head *h)
{
	pmm__list_insert(n, h, h->next);
}

static inline void pmm__list_add_tail(struct pmm_list_head *n, struct pmm_list_head *h)
{
	pmm__list_insert(n, h->prev, h);
}

static inline void pmm__list_del(struct pmm_list_head *n)
{
	n->next->prev = n->prev;
	__atomic_store_n(&n->prev->next, n->next, __ATOMIC_RELAXED);
	__atomic_store_n(&n->next, n, __ATOMIC_RELAXED);
	n->prev = n;
}

/* pmm_boot_opts.progress: boot work done so far, from the booting thread */
static inline void pmm__progress(struct pmm_machine *m, const char *phase,
				 unsigned long long done, unsigned long long total)
{
	if (m->progress_fn)
		m->progress_fn(m->progress_arg, phase, done, total);
}
/* boot work is reported in chunks of this many pages (a multiple of every MAX_ORDER block) */
#define PMM__PROGRESS_CHUNK	(1UL << 18)

/* ---- mm_init.c ------------------------------------------------------------------------------------------- */

int pmm__free_area_init(struct pmm_machine *m);
int pmm__memmap_init(struct pmm_machine *m);
void pmm__init_single_page(struct pmm_machine *m, struct pmm_page *page,
			   unsigned long pfn, unsigned int zone, int nid);
void pmm__free_nodes(struct pmm_machine *m);
void pmm__memmap_init_hotplug(struct pmm_machine *m, struct pmm_zone *zone,
			      unsigned long start_pfn, unsigned long end_pfn);
void pmm__online_page_range(struct pmm_machine *m, struct pmm_zone *zone,
			    unsigned long start_pfn, unsigned long end_pfn);
/* CONFIG_DEFERRED_STRUCT_PAGE_INIT is possible: SPARSEMEM and a 64-bit architecture */
bool pmm__deferral_possible(const struct pmm_machine *m);
/* page_alloc_init_late(): initialise and free every node's deferred pages, in threads;
 * on demand, only account for them */
void pmm__deferred_init_all(struct pmm_machine *m);
/* deferred_grow_zone(): true if @zone got more pages for an allocation of @order */
bool pmm__deferred_grow_zone(struct pmm_machine *m, struct pmm_zone *zone, unsigned int order);
/*
 * Whether a struct page of [start, end) may still be uninitialised: it lies
 * in a node's deferred ranges and that node's deferred init has not
 * finished. Memory hotplug finishes deferred init only then: a boot on
 * demand never initialises all of a machine larger than the host, and a
 * hot-added block holds no deferred page.
 */
bool pmm__deferred_pending(const struct pmm_machine *m, unsigned long start, unsigned long end);
/*
 * The node of @pfn if it lies in the deferred ranges of a node whose deferred
 * init has not finished (its struct page may be uninitialised: the boot's
 * ranges tell its node, which do not change), else PMM_NUMA_NO_NODE.
 */
int pmm__deferred_nid(const struct pmm_machine *m, unsigned long pfn);
void pmm__deferred_fini(struct pmm_machine *m);
/*
 * On demand: the next stretch of @zone whose struct pages are still deferred,
 * at or after *start: [*start, *end). Its pageblocks have their types; its
 * free pages are on no list yet. False when there is none.
 */
bool pmm__deferred_pending_next(const struct pmm_machine *m, const struct pmm_zone *zone,
				unsigned long *start, unsigned long *end);
/* The free blocks deferred init will give @zone, added to nr_free[order] (all of
 * them MOVABLE): the reports show memory as the kernel does once it is initialised.
 * Return: their pages. A section being initialised right now is in neither. */
unsigned long pmm__deferred_pending_free(const struct pmm_machine *m, const struct pmm_zone *zone,
					 unsigned long *nr_free);
/* memblock_free_pages()'s test: is the struct page of pfn on nid initialised yet? */
static inline bool pmm__early_page_initialised(const struct pmm_machine *m, int nid,
					       unsigned long pfn)
{
	return pfn < m->view.node_data[nid]->first_deferred_pfn;
}

/* ---- memory.c / hotplug.c ------------------------------------------------------------------------------------ */

int pmm__memory_blocks_init(struct pmm_machine *m, const struct pmm_machine_desc *d);
void pmm__memory_blocks_fini(struct pmm_machine *m);
struct pmm__memory_block *pmm__find_memory_block(struct pmm_machine *m, unsigned long id);
/* Room for nr more blocks, so that the next nr adds cannot fail. */
int pmm__reserve_memory_blocks(struct pmm_machine *m, unsigned long nr);
int pmm__add_memory_block(struct pmm_machine *m, unsigned long id, int nid,
			  enum pmm_memory_block_state state, bool early);
/* zone_for_pfn_range(): the zone an online of this type would use */
struct pmm_zone *pmm__zone_for_pfn_range(struct pmm_machine *m, int online_type, int nid,
					 unsigned long start_pfn, unsigned long nr_pages);
bool pmm__zone_intersects(const struct pmm_zone *zone, unsigned long start_pfn,
			  unsigned long nr_pages);
/* Pages of [start, end) in hot-added ranges. */
/* does [start, end) meet boot or hot-added memory? (region_intersects() on System RAM) */
bool pmm__overlaps_memory(const struct pmm_machine *m, pmm_phys_addr_t start, pmm_phys_addr_t end);
void pmm__resize_span(unsigned long *start, unsigned long *spanned, unsigned long pfn,
		      unsigned long nr_pages);
void pmm__update_pgdat_span(pmm_pg_data_t *pgdat);
/* a ZONE_DEVICE page's reference reached its end (memremap.c) */
void pmm__put_device_page(struct pmm_machine *m, struct pmm_page *page);
unsigned long pmm__hotplug_pages_in_range(const struct pmm_machine *m, unsigned long start_pfn,
					  unsigned long end_pfn);
/* The hotplug ranges of the description, after boot. */
int pmm__hotplug_boot(struct pmm_machine *m, const struct pmm_machine_desc *d);

/* ---- topology.c ------------------------------------------------------------------------------------------- */

int pmm__cpus_init(struct pmm_machine *m, const struct pmm_machine_desc *d);
void pmm__cpus_fini(struct pmm_machine *m);

/* ---- page_alloc.c ---------------------------------------------------------------------------------------------- */

int pmm__page_alloc_init(struct pmm_machine *m);
void pmm__page_alloc_fini(struct pmm_machine *m);
/* memblock_free_all(): free memory to the buddy allocator at boot */
void pmm__memblock_free_all(struct pmm_machine *m);
/* __free_pages_memory(): [start, end) to the allocator in the largest aligned blocks,
 * added to managed_pages if @account */
void pmm__free_pages_memory(struct pmm_machine *m, unsigned long start, unsigned long end,
			    bool account);
/* __free_pages_core(): hand 2^order boot or hotplugged pages to the allocator */
void pmm__free_pages_core(struct pmm_machine *m, struct pmm_page *page, unsigned long pfn,
			  unsigned int order);
void pmm__set_pageblock_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
				    unsigned long pfn, enum pmm_migratetype mt);
/* every pageblock starting in [start, end), at boot (plain stores) */
void pmm__set_pageblocks_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
				     unsigned long start, unsigned long end, enum pmm_migratetype mt);
enum pmm_migratetype pmm__get_pageblock_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
						    unsigned long pfn);
void pmm__bad_page(struct pmm_machine *m, const struct pmm_page *page, const char *reason);
/* A folio's state flags: the owner's and the LRU's marks, which migration carries
 * (folio_migrate_flags()) and freeing clears (PAGE_FLAGS_CHECK_AT_PREP) */
#define PMM__FOLIO_STATE_FLAGS	(1UL << PMM_PG_referenced | 1UL << PMM_PG_active |		\
				 1UL << PMM_PG_swapbacked | 1UL << PMM_PG_unevictable |	\
				 1UL << PMM_PG_mlocked | 1UL << PMM_PG_workingset |		\
				 1UL << PMM_PG_idle | 1UL << PMM_PG_dirty)
/* count_vm_events() for the zone's counters, on the calling thread's CPU */
void pmm__count_zone_event(struct pmm_machine *m, struct pmm_zone *zone, int item, unsigned long n);
/*
 * __isolate_free_page() for compaction's free scanner: the free block of
 * @order at @page (PageBuddy, of @zone) leaves the lists whole, frozen
 * (refcount 0), its order in page_private. Keeps the min watermark. Caller
 * holds zone->lock. Return: its pages, or 0.
 */
unsigned long pmm__isolate_free_block(struct pmm_machine *m, struct pmm_zone *zone,
				      struct pmm_page *page, unsigned int order);
/* prep_new_page()/post_alloc_hook(): a free block of @order becomes an
 * allocation with one reference (a folio if @gfp has __PMM_GFP_COMP) */
void pmm__prep_new_page(struct pmm_machine *m, struct pmm_page *page, unsigned int order,
			pmm_gfp_t gfp);
/* free_pages_prepare(): an allocation whose last reference went becomes a
 * plain free block of @order (compound state and owner marks cleared) */
void pmm__free_pages_prepare(struct pmm_page *page, unsigned int order);
/* vmstat.c: a migratetype's name as pagetypeinfo prints it ("Movable") */
const char *pmm__migratetype_name(int mt);
/* vmstat.c: pagetypeinfo_showblockcount_print()'s walk: @fn for each pageblock of
 * @zone the kernel counts (online, of this zone; deferred ones included), in
 * address order, with its migratetype. Context: the zone's span must not change. */
void pmm__zone_pageblocks(const struct pmm_machine *m, struct pmm_zone *zone,
			  void (*fn)(void *arg, unsigned long pfn, int mt), void *arg);
/* diagram.c: the machine's memory in address order, as runs of one node and kind
 * (boot or hot-added RAM, or a ZONE_DEVICE pagemap); runs of one node and kind
 * that touch merge, and with @join_gaps those with a hole between them too */
struct pmm__bank {
	pmm_phys_addr_t	start, end;
	int		nid;
	bool		device;		/* a ZONE_DEVICE range */
	bool		hotplugged;	/* holds hot-added memory */
};
#define PMM__MAX_BANKS	(4 * PMM_MAX_NUMNODES)
/* Return: the number of runs written to @banks (at most @max) */
int pmm__memory_banks(const struct pmm_machine *m, struct pmm__bank *banks, int max,
		      bool join_gaps);
/* gfp flag names ("GFP_KERNEL|__GFP_ZERO", @len bytes) to flags: 0, or -EINVAL (debug.c) */
int pmm__gfp_parse(const char *s, size_t len, pmm_gfp_t *gfp);
/* memory.c: RAM range @i of the machine, memblock's then those hot-added since,
 * as [*start, *end); false past the last (/proc/iomem, meminfo's DirectMap) */
bool pmm__ram_range(const struct pmm_machine *m, unsigned int i, unsigned long long *start,
		    unsigned long long *end);
/* memory.c: the names sysfs prints for memory blocks (drivers/base/memory.c) */
const char *pmm__online_type_name(int type);
const char *pmm__memory_block_state_name(enum pmm_memory_block_state state);
/* valid_zones: an online block's zone ("none" if several), an offline one's choices */
void pmm__memory_block_zones(const struct pmm_memory_block_info *info, char *buf, size_t len);
/* ---- the allocator's context, shared by page_alloc.c and compaction.c (mm/internal.h) ---- */

#define ALLOC_WMARK_MIN		PMM_WMARK_MIN
#define ALLOC_WMARK_LOW		PMM_WMARK_LOW
#define ALLOC_WMARK_HIGH	PMM_WMARK_HIGH
#define ALLOC_WMARK_MASK	0x03
#define ALLOC_NO_WATERMARKS	0x04
#define ALLOC_MIN_RESERVE	0x08	/* __GFP_HIGH */
#define ALLOC_NON_BLOCK		0x10	/* cannot reclaim */
#define ALLOC_HIGHATOMIC	0x20	/* may use the high-atomic reserve */
#define ALLOC_CPUSET		0x40	/* check the thread's cpuset */
#define ALLOC_NOFRAGMENT	0x100	/* fall back only by whole pageblocks */
#define ALLOC_KSWAPD		0x800
/* below the min watermark, and the high-atomic reserve not counted against them */
#define ALLOC_RESERVES		(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC)

struct alloc_context {
	const struct pmm_zoneref *zonelist;
	const pmm_nodemask_t	*nodemask;
	struct pmm_zone		*preferred_zone;
	int			highest_zoneidx;
	int			migratetype;
	int			local_nid;
	int			cpu;
	const pmm_nodemask_t	*cpuset_mems;	/* the thread's cpuset, NULL in the root one */
};

/*
 * The first zone from @z on of a zone type <= @highest in @nodes, or NULL;
 * *@at is where it is. Lockless against a rebuild: each pointer is read
 * once and its index derived from it.
 */
static inline struct pmm_zone *pmm__next_zone(const struct pmm_zoneref *z, int highest,
					      const pmm_nodemask_t *nodes,
					      const struct pmm_zoneref **at)
{
	struct pmm_zone *zone;

	for (; (zone = __atomic_load_n(&z->zone, __ATOMIC_ACQUIRE)); z++)
		if ((int)pmm_zone_idx(zone) <= highest && (!nodes || pmm_node_isset(zone->node, nodes)))
			break;
	*at = z;
	return zone;
}

/* for_each_zone_zonelist_nodemask() */
#define pmm__for_each_zone_zonelist(zone, z, ac)						\
	for ((zone) = pmm__next_zone((ac)->zonelist, (ac)->highest_zoneidx, (ac)->nodemask, &(z)); \
	     (zone);										\
	     (zone) = pmm__next_zone((z) + 1, (ac)->highest_zoneidx, (ac)->nodemask, &(z)))

/* __zone_watermark_ok() against @free_pages */
bool pmm__zone_watermark_ok(struct pmm_machine *m, struct pmm_zone *z, unsigned int order,
			    unsigned long mark, int highest_zoneidx, unsigned int alloc_flags,
			    long free_pages);
/* find_suitable_fallback(): the migratetype @mt may take order-@order blocks from, or -1 */
int pmm__find_suitable_fallback(const struct pmm_machine *m, struct pmm_zone *zone,
				unsigned int order, int mt, bool only_stealable, bool *can_steal);
/* get_page_from_freelist() and prep_new_page() */
struct pmm_page *pmm__get_page_from_freelist(struct pmm_machine *m, pmm_gfp_t gfp,
					     unsigned int order, unsigned int alloc_flags,
					     const struct alloc_context *ac);
/* drain_local_pages(zone): the calling thread's CPU's per-CPU lists of @zone */
void pmm__drain_local_pages(struct pmm_machine *m, struct pmm_zone *zone);
/* the PB_migrate_skip bit of a pageblock (compaction's skip hint) */
bool pmm__get_pageblock_skip(struct pmm_machine *m, struct pmm_zone *zone, unsigned long pfn);
void pmm__set_pageblock_skip(struct pmm_machine *m, struct pmm_zone *zone, unsigned long pfn,
			     bool skip);

/* compaction.c, for the allocator's slow path (mm/compaction.c) */
enum pmm__compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	MIN_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	MIN_COMPACT_COSTLY_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	DEF_COMPACT_PRIORITY = COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
	INIT_COMPACT_PRIORITY = COMPACT_PRIO_ASYNC
};

/* enum compact_result: ordered, try_to_compact_pages() keeps the largest */
enum pmm__compact_result {
	COMPACT_NOT_SUITABLE_ZONE,
	COMPACT_SKIPPED,
	COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE,
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS,
};

/*
 * capture_control: while direct compaction works on a zone for an order,
 * the block of that order the compacting thread frees into the zone is
 * handed to it instead of the free lists (compaction_capture()); the
 * kernel's current->capture_control, a thread's own.
 */
struct pmm__capture_control {
	const struct pmm_zone	*zone;
	unsigned int		order;
	int			migratetype;	/* the allocation's */
	struct pmm_page		*page;		/* the captured block, not yet prepared */
};
extern _Thread_local struct pmm__capture_control *pmm__capture_control;

/* Return: the largest result of the zones tried; *@capture the block
 * compaction captured for the allocation, or NULL */
enum pmm__compact_result pmm__try_to_compact_pages(struct pmm_machine *m, pmm_gfp_t gfp,
						   unsigned int order, unsigned int alloc_flags,
						   const struct alloc_context *ac,
						   enum pmm__compact_priority prio,
						   struct pmm_page **capture);
bool pmm__compaction_zonelist_suitable(struct pmm_machine *m, const struct alloc_context *ac,
				       unsigned int order, unsigned int alloc_flags);
void pmm__compaction_defer_reset(struct pmm_zone *zone, int order, bool alloc_success);
bool pmm__compaction_suitable(struct pmm_machine *m, struct pmm_zone *zone, int order,
			      int highest_zoneidx);
/* kcompactd (compaction.c) */
void pmm__wakeup_kcompactd(struct pmm_machine *m, pmm_pg_data_t *pgdat, int order,
			   int highest_zoneidx);
void pmm__reset_isolation_suitable(struct pmm_machine *m, pmm_pg_data_t *pgdat);
int pmm__kcompactd_run(struct pmm_machine *m, int nid);
void pmm__kcompactd_stop(struct pmm_machine *m, int nid);
/* kcompactd's timeout, inline: proactive compaction if the score says so.
 * Return: the next timeout in ms (0: none while proactiveness is 0) */
unsigned long pmm__kcompactd_timer(struct pmm_machine *m, pmm_pg_data_t *pgdat);
/* writing vm.compaction_proactiveness: every node's kcompactd checks its score */
void pmm__compaction_proactiveness_changed(struct pmm_machine *m);

/* vmstat.c: global_zone_page_state() (free pages include those deferred init
 * has yet to bring) and global_node_page_state(), clamped at 0 */
unsigned long pmm__global_zone_stat(const struct pmm_machine *m, int item);
unsigned long pmm__global_node_stat(const struct pmm_machine *m, int item);

/* kswapd (vmscan.c) */
void pmm__wakeup_kswapd(struct pmm_machine *m, struct pmm_zone *zone, pmm_gfp_t gfp, int order,
			int highest_zoneidx);
bool pmm__pgdat_watermark_boosted(pmm_pg_data_t *pgdat, int highest_zoneidx);
/* try_to_free_pages(): direct reclaim for an allocation; the progress it made */
unsigned long pmm__try_to_free_pages(struct pmm_machine *m, pmm_gfp_t gfp, unsigned int order,
				     const struct alloc_context *ac);
void pmm__kswapd_reset_failures(pmm_pg_data_t *pgdat);
int pmm__kswapd_run(struct pmm_machine *m, int nid);
void pmm__kswapd_stop(struct pmm_machine *m, int nid);
struct pmm_zone *pmm__node_event_zone(pmm_pg_data_t *pgdat);
/* kthread.c: a daemon's thread for a node, running @fn; its stop (sets
 * *@should_stop under @wq's lock, signals, joins) */
int pmm__kthread_run(struct pmm_machine *m, pmm_pg_data_t *pgdat, const char *name,
		     void (*fn)(struct pmm_machine *m, pmm_pg_data_t *pgdat), pthread_t *thread);
void pmm__kthread_stop(struct pmm_wait_queue_head *wq, int *should_stop, pthread_t thread);
/* timer.c: the host's monotonic clock in ms; the CLOCK_REALTIME time @ms
 * milliseconds from now, for pthread_cond_timedwait() */
double pmm__host_ms(void);
struct timespec pmm__deadline_ms(long ms);
/* kswapd_run() and kcompactd_run() for a node with memory; their stop */
int pmm__kthreads_run(struct pmm_machine *m, int nid);
void pmm__kthreads_stop(struct pmm_machine *m, int nid);

/* migrate.c: move one folio (its head, order) to @dst, allocated by the caller */
int pmm__migrate_folio(struct pmm_machine *m, struct pmm_page *src, struct pmm_page *dst,
		       unsigned int order);
/* zone_reclaimable_pages(): what reclaim could free in @zone: the file LRU
 * lists, and the anon ones while swap has room */
unsigned long pmm__zone_reclaimable_pages(const struct pmm_machine *m, const struct pmm_zone *zone);
/* can_reclaim_anon_pages(): anonymous folios of node @nid have somewhere to go */
bool pmm__can_reclaim_anon_pages(const struct pmm_machine *m, int nid);
/* node_reclaim() (vm.zone_reclaim_mode) before an allocation leaves a node */
enum {
	PMM__NODE_RECLAIM_NOSCAN = -2,	/* not scanned: may not block, remote, or busy */
	PMM__NODE_RECLAIM_FULL = -1,	/* too little page cache to be worth it */
	PMM__NODE_RECLAIM_SOME = 0,	/* scanned, less than the allocation reclaimed */
	PMM__NODE_RECLAIM_SUCCESS = 1,
};
int pmm__node_reclaim(struct pmm_machine *m, pmm_pg_data_t *pgdat, pmm_gfp_t gfp,
		      unsigned int order, int local_nid);
/* lruvec_add_folio() (at the head of its list) and lruvec_del_folio() with
 * the counters; caller holds lru_lock */
void pmm__lruvec_add_folio(struct pmm_machine *m, struct pmm_lruvec *lruvec, struct pmm_page *head);
void pmm__lruvec_del_folio(struct pmm_machine *m, struct pmm_page *head);
/* memory-tiers.c: memory_tier_late_init() at boot (copies the description's
 * node types), establish again when a node gains or loses its memory, free */
int pmm__memory_tiers_init(struct pmm_machine *m, const struct pmm_machine_desc *d);
void pmm__memory_tiers_node_changed(struct pmm_machine *m, int nid);
void pmm__memory_tiers_fini(struct pmm_machine *m);
/* can_demote(): demotion is on and @nid has a target; node_get_allowed_targets() */
bool pmm__can_demote(const struct pmm_machine *m, int nid);
unsigned long pmm__demotion_fallback(const struct pmm_machine *m, int nid, pmm_nodemask_t *mask);
/* page_alloc_init.c: find_next_best_node() with the machine's node_load[] */
int pmm__find_next_best_node(struct pmm_machine *m, int node, pmm_nodemask_t *used);
/* migrate.c: where migrate_pages() takes new folios from (get_new_folio,
 * put_new_folio, private) and how hard it tries */
struct pmm__migrate_target {
	/* a folio for @src, or NULL: out of memory */
	struct pmm_page *(*get)(struct pmm_machine *m, struct pmm_page *src, void *arg);
	/* take back a folio @get gave that was not used; NULL: it is freed */
	void (*put)(struct pmm_machine *m, struct pmm_page *dst, void *arg);
	void *arg;
	unsigned int passes;	/* -EAGAIN retries: 3 for MIGRATE_ASYNC, 10 otherwise */
	bool lru;		/* isolated from the LRU: the copies go back on it */
	int last_error;		/* set: why the last folio that failed did (-EAGAIN: busy) */
};
/*
 * migrate_pages(): each folio on @from (isolated, taken from the tail) to
 * one @t->get gives, a busy one (-EAGAIN) again in the next pass;
 * PGMIGRATE_SUCCESS and PGMIGRATE_FAIL counted on the source zones. What
 * did not move stays on @from. *@nr_succeeded: the pages moved (may be NULL).
 * Return: the pages that failed; -ENOMEM when @t->get had none (that folio
 * counted as failed, the rest not tried).
 */
int pmm__migrate_pages(struct pmm_machine *m, struct pmm_list_head *from,
		       struct pmm__migrate_target *t, unsigned long *nr_succeeded);
/*
 * migrate_pages() of isolated LRU folios to node @nid (MIGRATE_SYNC,
 * __GFP_THISNODE); those that do not move go back to the LRU, counted in
 * *@nr_failed if given. Return: 0; -ENOMEM; or why the last one failed
 * (-EAGAIN busy, -EBUSY refused).
 */
int pmm__migrate_to_node(struct pmm_machine *m, struct pmm_list_head *folios, int nid,
			 unsigned long *nr_failed);
/* swapfile.c: the device swapped on at boot (@bytes, 0: none) and its end;
 * slots for a folio (-ENOSPC), their release, swap_writepage() */
struct pmm__swap;
int pmm__swap_init(struct pmm_machine *m, unsigned long long bytes);
/* total_swap_pages and nr_swap_pages (the header slot is not swap); 0 without a device */
void pmm__swap_totals(const struct pmm_machine *m, unsigned long *total, unsigned long *free);
void pmm__swap_fini(struct pmm_machine *m);
int pmm__swap_alloc(struct pmm_machine *m, unsigned int order, pmm_swp_entry_t *entry);
void pmm__swap_release(struct pmm_machine *m, pmm_swp_entry_t entry);
void pmm__swap_writepage(struct pmm_machine *m, struct pmm_page *head, pmm_swp_entry_t entry);
/* swap.c: folio_account_cleaned(): a dirty file folio freed is no longer write pending */
void pmm__folio_account_cleaned(struct pmm_machine *m, struct pmm_page *head);
/* swap.c: __page_cache_release(): a folio whose last reference went leaves the lists */
void pmm__folio_release_lru(struct pmm_machine *m, struct pmm_page *head);
void pmm__zone_pcp_update(struct pmm_machine *m, struct pmm_zone *zone);
/* memory offlining (page_alloc.c) */
void pmm__zone_pcp_disable(struct pmm_machine *m, struct pmm_zone *zone);
void pmm__zone_pcp_enable(struct pmm_zone *zone);
int pmm__isolate_range(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
		       unsigned long end, unsigned long *bad_pfn);
void pmm__undo_isolate_range(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
			     unsigned long end);
bool pmm__range_isolated(struct pmm_machine *m, struct pmm_zone *zone, unsigned long start,
			 unsigned long end);
unsigned long pmm__offline_isolated_pages(struct pmm_machine *m, struct pmm_zone *zone,
					  unsigned long start, unsigned long end);
void pmm__free_frozen_page(struct pmm_machine *m, struct pmm_page *page, unsigned int order);

/* every pageblock starting in [start, end), at boot (plain stores) */
void pmm__set_pageblocks_migratetype(struct pmm_machine *m, struct pmm_zone *zone,
				     unsigned long start, unsigned long end, enum pmm_migratetype mt);
/* ---- mempolicy.c -------------------------------------------------------------------------------------------- */

int pmm__mempolicy_init(struct pmm_machine *m);
void pmm__mempolicy_fini(struct pmm_machine *m);
/* the calling thread's cpuset mems, NULL in the root cpuset (all nodes) */
const pmm_nodemask_t *pmm__cpuset_current_mems(struct pmm_machine *m);

/* ---- page_alloc_init.c: zonelists, watermarks, reserves ----------------------------------------------------------- */

void pmm__build_all_zonelists(struct pmm_machine *m);
void pmm__init_per_zone_wmark_min(struct pmm_machine *m);

/* ---- fault_inject.c: every host allocation pmm makes ------------------------------------------------------------ */

/* should_fail(): true for the allocation pmm_fail_nth() chose */
bool pmm__should_fail(void);
void *pmm__malloc(size_t bytes);
void *pmm__calloc(size_t nmemb, size_t bytes);
void *pmm__realloc(void *ptr, size_t bytes);
char *pmm__strdup(const char *s);
void *pmm__mmap(void *addr, size_t bytes, int prot, int flags, int fd, long offset);
/* realloc() that fault injection leaves alone: the log (printk does not allocate) */
void *pmm__realloc_nofault(void *ptr, size_t bytes);

/* ---- read_file.c ------------------------------------------------------------------------------------------------- */

/*
 * Read a whole file (regular, pipe, character device) into a NUL-terminated
 * buffer the caller frees. -EISDIR for a directory, -EFBIG past max_bytes,
 * -errno if it cannot be opened or read; err receives "PATH: why".
 */
#define PMM__MAX_INPUT_BYTES	((size_t)256 << 20)	/* larger is no machine file or log */
int pmm__read_file(const char *path, size_t max_bytes, char **text, size_t *len, char *err,
		   size_t err_len);
/* A reader of descriptions from text in memory (the *_buffer functions). */
typedef int (*pmm__desc_reader)(const char *text, size_t len, const char *name,
				struct pmm_machine_desc **out, char *err, size_t err_len);
/* Read the file at path whole and hand it to reader, named by its path. */
int pmm__desc_from_file(const char *path, pmm__desc_reader reader, struct pmm_machine_desc **out,
			char *err, size_t err_len);

/* The plain allocators are off limits: use pmm__malloc() and friends, so that
 * fault injection reaches every allocation (free() stays as it is). */
#if defined(PMM_BUILDING) && !defined(PMM__ALLOC_IMPL)
#pragma GCC poison malloc calloc realloc strdup strndup
#endif

#endif /* PMM_INTERNAL_H */

/* SPDX-License-Identifier: MIT */
/*
 * Replaying what a real kernel's page allocator did: the text of its kmem
 * tracepoints (include/trace/events/kmem.h) as tracefs, `trace-cmd report`
 * or `perf script` print them, applied to a simulated machine. Each traced
 * allocation (mm_page_alloc: pfn, order, migratetype, gfp_flags, CPU) is
 * made on the machine with the same gfp flags, order and CPU, and the
 * traced pfn is mapped to the page pmm handed out; each traced free
 * (mm_page_free) frees that page. The machine may be another one than the
 * traced: pmm's allocator decides where everything goes.
 *
 *   r = pmm_replay_create(m, &opts)         a replay into machine m
 *   pmm_replay_file(r, "trace.txt.gz")      every line of a file (gzip or plain)
 *   pmm_replay_line(r, line)                one line
 *   pmm_replay_get_stats(r, &st)            what was replayed, what failed
 *   pmm_replay_destroy(r, free_pages)       the traced pages still held: freed or kept
 *
 * docs/replay.md says how to record a trace (tracefs, trace-cmd, perf).
 */
#ifndef PMM_REPLAY_H
#define PMM_REPLAY_H

#include <stdbool.h>
#include <stdio.h>

#include <pmm/types.h>
#include <pmm/zone.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;
struct pmm_page;
struct pmm_replay;

/** struct pmm_replay_opts - how to replay; zero-initialise, then set what you need */
struct pmm_replay_opts {
	/* A CSV row every @interval replayed events and one at the end, after a
	 * header line: the state researchers plot (docs/replay.md). NULL: none. */
	FILE		*csv;
	unsigned long	interval;	/* 0: 10000 */
	/* Where the first lines that could not be read are shown, with their
	 * line numbers (NULL: nowhere; they are counted either way). */
	FILE		*log;
	unsigned int	show_unknown;	/* how many to show; 0: 5 */
	/* Movable allocations (__GFP_MOVABLE) go on the LRU lists as anonymous
	 * folios, so that compaction and offlining can move them, as the
	 * kernel moves user memory. Needs the machine's migrate_page callback
	 * to call pmm_replay_migrate_page() (pmm's CLI does), the daemons run
	 * inline (PMM_BOOT_INLINE_DAEMONS: the map has one writer), and a
	 * reclaim_folio callback, if the machine has one, to refuse these
	 * folios (they have no contents to swap). */
	bool		lru;
};

/** struct pmm_replay_stats - what a replay read and did */
struct pmm_replay_stats {
	unsigned long	lines;		/* lines read, comments included */
	unsigned long	events;		/* kmem events understood */
	unsigned long	allocs;		/* mm_page_alloc replayed, pmm gave a page */
	unsigned long	alloc_pages;	/* their pages (sum of 2^order) */
	unsigned long	alloc_failed[PMM_NR_PAGE_ORDERS];	/* pmm gave nothing, by order
								 * (the last: that order or above) */
	unsigned long	kernel_alloc_failed;	/* allocations the traced kernel failed (pfn -1) */
	unsigned long	frees;		/* mm_page_free of a page the replay holds: freed */
	unsigned long	free_pages;	/* their pages */
	unsigned long	frees_untracked;	/* frees of pages allocated before the trace, or
					 * whose allocation pmm failed: skipped */
	unsigned long	frees_batched;	/* mm_page_free_batched: each follows its mm_page_free,
					 * counted once there */
	unsigned long	order_mismatch;	/* frees of another order than their allocation:
					 * freed at the allocation's */
	unsigned long	realloc_live;	/* allocations of a pfn still held: the old page freed */
	unsigned long	kernel_zone_locked;	/* mm_page_alloc_zone_locked (the kernel's
					 * refills: pmm makes its own) */
	unsigned long	kernel_pcpu_drain;	/* mm_page_pcpu_drain (likewise) */
	unsigned long	kernel_fallbacks;	/* mm_page_alloc_extfrag in the trace */
	unsigned long	kernel_fragmenting;	/* of them, fragmenting=1 */
	unsigned long	fallbacks;	/* pmm's migratetype fallbacks during the replay */
	unsigned long	fragmenting;	/* of them, from a block below pageblock order */
	unsigned long	nofail_demoted;	/* __GFP_NOFAIL replayed as __GFP_RETRY_MAYFAIL */
	unsigned long	other_events;	/* other events (tracing_mark_write, ...): ignored */
	unsigned long	unknown;	/* lines that could not be read */
	unsigned long	held;		/* traced allocations the replay holds now */
	unsigned long	held_pages;
	double		first_ts, last_ts;	/* timestamps of the first and last event (s) */
};

/**
 * pmm_replay_create - start a replay into a machine
 * @m: machine, booted; the replay allocates and frees on it, on the CPU each
 *     event names (modulo the machine's CPUs)
 * @opts: options, or NULL for the defaults
 *
 * Context: one thread drives a replay; other threads may use @m meanwhile.
 * Return: the replay; NULL with errno ENOMEM, or EINVAL for a NULL @m.
 */
PMM_API struct pmm_replay *pmm_replay_create(struct pmm_machine *m,
					     const struct pmm_replay_opts *opts);

/**
 * pmm_replay_line - replay one line of a trace
 * @r: replay
 * @line: a line as the trace prints it (a trailing newline is ignored);
 *        comments (#) and blank lines are counted and skipped
 *
 * Events of other kinds are counted as other_events; a line that is not an
 * event, or a kmem event without the fields it needs, counts as unknown
 * (the first few are shown on @opts->log).
 * Context: the replay's thread.
 * Return: 0; -ENOMEM if the replay's map could not grow (the line is lost).
 */
PMM_API int pmm_replay_line(struct pmm_replay *r, const char *line);

/**
 * pmm_replay_file - replay every line of a file
 * @r: replay
 * @path: a trace as text, or gzip-compressed (told from its first bytes);
 *        "-" reads standard input
 *
 * Context: the replay's thread.
 * Return: 0; -errno when the file cannot be opened or read (what was read
 * until then stays replayed; the message names the file on @opts->log);
 * -ENOMEM.
 */
PMM_API int pmm_replay_file(struct pmm_replay *r, const char *path);

/** pmm_replay_get_stats - the counts so far. Context: the replay's thread. */
PMM_API void pmm_replay_get_stats(const struct pmm_replay *r, struct pmm_replay_stats *st);

/**
 * pmm_replay_print_stats - the counts as a report, one "name: value" per line
 * Return: 0; -EIO if writing failed.
 */
PMM_API int pmm_replay_print_stats(const struct pmm_replay *r, FILE *out);

/**
 * pmm_replay_migrate_page - keep a replay's map right when pmm moves a page
 * @replay: the replay (a struct pmm_replay *), as the callback's argument
 * @from, @to, @order: as pmm_boot_opts.migrate_page
 *
 * Set as the machine's migrate_page callback (or called from yours for the
 * pages a replay allocated: their page_private holds the traced pfn).
 * Return: 0 (the move is accepted).
 */
PMM_API int pmm_replay_migrate_page(void *replay, struct pmm_page *from, struct pmm_page *to,
				    unsigned int order);

/**
 * pmm_replay_destroy - end a replay
 * @r: replay, or NULL
 * @free_pages: free the traced allocations it still holds; false leaves
 *              them allocated on the machine (until pmm_shutdown())
 */
PMM_API void pmm_replay_destroy(struct pmm_replay *r, bool free_pages);

#ifdef __cplusplus
}
#endif

#endif /* PMM_REPLAY_H */

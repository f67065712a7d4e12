// SPDX-License-Identifier: MIT
/*
 * Replaying a real kernel's page allocator trace (include/pmm/replay.h):
 * the kmem events of include/trace/events/kmem.h as text, each traced
 * allocation made on the machine, each traced free applied to the page
 * that allocation got. The map from traced pfn to page is a hash table of
 * chunks of 4096 pfns, allocated where the trace touches, so a trace of a
 * terabyte machine (or a pfn anywhere in 64 bits) costs what it touches.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

#define CHUNK_SHIFT	12
#define CHUNK_PAGES	(1UL << CHUNK_SHIFT)
#define DEFAULT_INTERVAL	10000UL
#define DEFAULT_SHOWN	5U

struct traced {
	struct pmm_page	*page;		/* what the traced allocation got here; NULL: none */
	unsigned char	order;
	bool		folio;		/* put on the LRU as a folio: put back as one */
};

struct chunk {
	unsigned long	key;		/* pfn >> CHUNK_SHIFT */
	struct traced	*pages;		/* CHUNK_PAGES of them; NULL: a free slot */
};

struct pmm_replay {
	struct pmm_machine	*m;
	struct pmm_replay_opts	opts;
	struct chunk		*chunks;	/* open addressing by pfn >> CHUNK_SHIFT */
	unsigned long		nr_slots, nr_chunks;	/* a power of two; used */
	struct pmm_replay_stats	st;
	unsigned long		extfrag0, fragmenting0;	/* the machine's counts at the start */
	unsigned long		next_row;		/* events at which the next CSV row is due */
	bool			csv_header;
};

enum kmem_event {
	EV_ALLOC, EV_FREE, EV_FREE_BATCHED, EV_ZONE_LOCKED, EV_PCPU_DRAIN, EV_EXTFRAG, EV_NONE
};

static const char *const event_names[] = {
	[EV_ALLOC] = "mm_page_alloc", [EV_FREE] = "mm_page_free",
	[EV_FREE_BATCHED] = "mm_page_free_batched", [EV_ZONE_LOCKED] = "mm_page_alloc_zone_locked",
	[EV_PCPU_DRAIN] = "mm_page_pcpu_drain", [EV_EXTFRAG] = "mm_page_alloc_extfrag",
};

/* ---- one line -------------------------------------------------------------------------------- */

struct event {
	enum kmem_event	type;
	int		cpu;		/* -1: not given */
	double		ts;
	bool		has_ts;
	unsigned long	pfn;
	bool		has_pfn;
	long		order, alloc_order, fallback_order, fragmenting;
	pmm_gfp_t	gfp;
	bool		has_gfp;
};

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* the value of "key=value" tokens after the event name; false if a number is malformed */
static bool parse_field(struct event *ev, const char *tok, size_t len)
{
	const char *eq = memchr(tok, '=', len);
	size_t klen, vlen;
	char num[32], *end;
	long v;

	if (!eq)
		return true;	/* not a field: ignored */
	klen = (size_t)(eq - tok);
	vlen = len - klen - 1;
	if (klen == 9 && !memcmp(tok, "gfp_flags", 9)) {
		ev->has_gfp = pmm__gfp_parse(eq + 1, vlen, &ev->gfp) == 0;
		return ev->has_gfp;
	}
	if (vlen == 0 || vlen >= sizeof(num))
		return !(klen == 3 && !memcmp(tok, "pfn", 3));
	memcpy(num, eq + 1, vlen);
	num[vlen] = '\0';
	if (klen == 3 && !memcmp(tok, "pfn", 3)) {
		errno = 0;
		ev->pfn = strtoul(num, &end, 0);
		if (*end || errno == EINVAL)
			return false;
		if (num[0] == '-')	/* a failed allocation: pfn -1 */
			ev->pfn = ~0UL;
		ev->has_pfn = true;
		return true;
	}
	v = strtol(num, &end, 0);
	if (*end)
		return true;	/* a field pmm does not read (page=(____ptrval____)) */
	if (klen == 5 && !memcmp(tok, "order", 5))
		ev->order = v;
	else if (klen == 11 && !memcmp(tok, "alloc_order", 11))
		ev->alloc_order = v;
	else if (klen == 14 && !memcmp(tok, "fallback_order", 14))
		ev->fallback_order = v;
	else if (klen == 11 && !memcmp(tok, "fragmenting", 11))
		ev->fragmenting = v;
	return true;
}

/* "[003]" */
static bool parse_cpu(const char *tok, size_t len, int *cpu)
{
	char *end;
	long v;

	if (len < 3 || tok[0] != '[' || tok[len - 1] != ']')
		return false;
	v = strtol(tok + 1, &end, 10);
	if (end != tok + len - 1 || v < 0 || v > 1 << 20)
		return false;
	*cpu = (int)v;
	return true;
}

/* "5.302628:" */
static bool parse_ts(const char *tok, size_t len, double *ts)
{
	char buf[40], *end;

	if (len < 2 || len >= sizeof(buf) || tok[len - 1] != ':' || tok[0] < '0' || tok[0] > '9')
		return false;
	memcpy(buf, tok, len - 1);
	buf[len - 1] = '\0';
	*ts = strtod(buf, &end);
	return *end == '\0';
}

/*
 * One line: "TASK-PID [CPU] FLAGS TS: EVENT: FIELDS" (tracefs, trace-cmd
 * report) or "TASK PID [CPU] TS: kmem:EVENT: FIELDS" (perf script).
 * Return: 1 a kmem event, 0 another event, -1 not an event or malformed.
 */
static int parse_line(const char *line, struct event *ev)
{
	const char *p = line;
	bool seen_event = false;

	memset(ev, 0, sizeof(*ev));
	ev->type = EV_NONE;
	ev->cpu = -1;
	ev->order = ev->alloc_order = ev->fallback_order = -1;
	while (*p) {
		const char *tok;
		size_t len;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && !is_space(*p))
			p++;
		len = (size_t)(p - tok);
		if (seen_event) {
			if (ev->type != EV_NONE && !parse_field(ev, tok, len))
				return -1;
			continue;
		}
		if (ev->cpu < 0 && parse_cpu(tok, len, &ev->cpu))
			continue;
		if (!ev->has_ts && parse_ts(tok, len, &ev->ts)) {
			ev->has_ts = true;
			continue;
		}
		/* the event: the first token ending in ':' after the timestamp */
		if (ev->has_ts && tok[len - 1] == ':') {
			const char *name = tok;
			size_t n = len - 1, i;

			if (n > 5 && !memcmp(name, "kmem:", 5)) {
				name += 5;
				n -= 5;
			}
			seen_event = true;
			for (i = 0; i < EV_NONE; i++)
				if (strlen(event_names[i]) == n && !memcmp(event_names[i], name, n))
					ev->type = (enum kmem_event)i;
		}
	}
	if (!seen_event)
		return -1;
	if (ev->type == EV_NONE)
		return 0;
	switch (ev->type) {
	case EV_ALLOC:
		return ev->has_pfn && ev->order >= 0 && ev->has_gfp ? 1 : -1;
	case EV_EXTFRAG:
		return ev->alloc_order >= 0 && ev->fallback_order >= 0 ? 1 : -1;
	default:
		return ev->has_pfn && (ev->order >= 0 || ev->type == EV_FREE_BATCHED) ? 1 : -1;
	}
}

/* ---- the map from traced pfns to pages ----------------------------------------------------- */

static unsigned long slot_of(unsigned long key, unsigned long nr_slots)
{
	return (key * 0x9e3779b97f4a7c15UL >> 17) & (nr_slots - 1);
}

/* the table twice as large (or its first 64 slots); false: no memory */
static bool grow(struct pmm_replay *r)
{
	unsigned long n = r->nr_slots ? 2 * r->nr_slots : 64, i;
	struct chunk *t = pmm__calloc(n, sizeof(*t));

	if (!t)
		return false;
	for (i = 0; i < r->nr_slots; i++) {
		unsigned long j = slot_of(r->chunks[i].key, n);

		if (!r->chunks[i].pages)
			continue;
		while (t[j].pages)
			j = (j + 1) & (n - 1);
		t[j] = r->chunks[i];
	}
	free(r->chunks);
	r->chunks = t;
	r->nr_slots = n;
	return true;
}

static struct traced *lookup(struct pmm_replay *r, unsigned long pfn, bool create)
{
	unsigned long key = pfn >> CHUNK_SHIFT, j;

	if (r->nr_slots) {
		for (j = slot_of(key, r->nr_slots); r->chunks[j].pages; j = (j + 1) & (r->nr_slots - 1))
			if (r->chunks[j].key == key)
				return &r->chunks[j].pages[pfn & (CHUNK_PAGES - 1)];
	}
	if (!create)
		return NULL;
	if ((r->nr_chunks + 1) * 2 > r->nr_slots && !grow(r))	/* at most half full */
		return NULL;
	for (j = slot_of(key, r->nr_slots); r->chunks[j].pages; j = (j + 1) & (r->nr_slots - 1))
		;
	r->chunks[j].pages = pmm__calloc(CHUNK_PAGES, sizeof(struct traced));
	if (!r->chunks[j].pages)
		return NULL;
	r->chunks[j].key = key;
	r->nr_chunks++;
	return &r->chunks[j].pages[pfn & (CHUNK_PAGES - 1)];
}

/* ---- what is replayed ------------------------------------------------------------------------ */

static void release(struct pmm_replay *r, struct traced *t)
{
	struct pmm_page *page = t->page;

	t->page = NULL;
	r->st.held--;
	r->st.held_pages -= 1UL << t->order;
	if (t->folio)
		pmm_folio_put(r->m, (struct pmm_folio *)page);	/* off the LRU, freed */
	else
		pmm_free_pages(r->m, page, t->order);
}

static int replay_alloc(struct pmm_replay *r, const struct event *ev)
{
	unsigned int order = (unsigned int)ev->order;
	pmm_gfp_t gfp = ev->gfp;
	struct pmm_page *page;
	struct traced *t = NULL;

	if (ev->pfn == ~0UL) {
		r->st.kernel_alloc_failed++;
	} else {
		t = lookup(r, ev->pfn, true);
		if (!t)
			return -ENOMEM;
		if (t->page) {	/* the trace missed its free: the old one goes */
			r->st.realloc_live++;
			release(r, t);
		}
	}
	if (gfp & __PMM_GFP_NOFAIL) {	/* a smaller machine would spin forever */
		gfp = (gfp & ~__PMM_GFP_NOFAIL) | __PMM_GFP_RETRY_MAYFAIL;
		r->st.nofail_demoted++;
	}
	if (order > r->m->max_page_order) {	/* beyond this machine's MAX_PAGE_ORDER */
		r->st.alloc_failed[PMM__MIN(order, PMM_NR_PAGE_ORDERS - 1U)]++;
		return 0;
	}
	page = pmm_alloc_pages(r->m, gfp | __PMM_GFP_NOWARN, order);
	if (!page) {
		r->st.alloc_failed[order]++;
		return 0;
	}
	r->st.allocs++;
	r->st.alloc_pages += 1UL << order;
	if (!t) {	/* the kernel failed it, pmm did not: nothing will free it */
		pmm_free_pages(r->m, page, order);
		return 0;
	}
	t->page = page;
	t->order = (unsigned char)order;
	t->folio = false;
	r->st.held++;
	r->st.held_pages += 1UL << order;
	if (r->opts.lru && (gfp & __PMM_GFP_MOVABLE) && (!order || (gfp & __PMM_GFP_COMP))) {
		pmm_set_page_private(page, ev->pfn);	/* for pmm_replay_migrate_page() */
		pmm_page_set_flag(page, PMM_PG_swapbacked);
		if (pmm_folio_add_lru(r->m, (struct pmm_folio *)page))
			pmm_page_clear_flag(page, PMM_PG_swapbacked);
		else
			t->folio = true;
	}
	return 0;
}

static void replay_free(struct pmm_replay *r, const struct event *ev)
{
	struct traced *t = lookup(r, ev->pfn, false);

	if (!t || !t->page) {
		r->st.frees_untracked++;
		return;
	}
	if (ev->order != t->order)
		r->st.order_mismatch++;
	r->st.frees++;
	r->st.free_pages += 1UL << t->order;
	release(r, t);
}

/* ---- the CSV rows ---------------------------------------------------------------------------- */

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return (x > y) - (x < y);
}

/*
 * Free naturally aligned blocks of 2^@order pages. Above MAX_PAGE_ORDER the
 * free blocks of the highest order are counted by the aligned block they
 * fall in: a block of 2^@order whose every page is free is one.
 */
static unsigned long free_blocks(struct pmm_machine *m, unsigned int order)
{
	unsigned int top = m->max_page_order, o;
	unsigned long n = 0;
	int nid, z;

	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &m->view.node_data[nid]->node_zones[z];
			unsigned long *pfns, nr, i, run;
			int mt;

			if (!pmm_populated_zone(zone) || z == PMM_ZONE_DEVICE)
				continue;
			if (order <= top) {
				for (o = order; o <= top; o++)
					n += __atomic_load_n(&zone->free_area[o].nr_free,
							     __ATOMIC_RELAXED) << (o - order);
				continue;
			}
			pmm__spin_lock(&zone->lock);
			nr = zone->free_area[top].nr_free;
			pfns = nr ? pmm__malloc(nr * sizeof(*pfns)) : NULL;
			i = 0;
			for (mt = 0; pfns && mt < PMM_MIGRATE_TYPES; mt++) {
				struct pmm_list_head *l, *head = &zone->free_area[top].free_list[mt];

				for (l = head->next; l != head && i < nr; l = l->next)
					pfns[i++] = pmm_page_to_pfn(m, pmm__container_of(l,
								struct pmm_page, buddy_list)) >> order;
			}
			pmm__spin_unlock(&zone->lock);
			if (!pfns)
				continue;
			qsort(pfns, i, sizeof(*pfns), cmp_ulong);
			for (nr = 0, run = 0; nr < i; nr++) {
				run = nr && pfns[nr] == pfns[nr - 1] ? run + 1 : 1;
				if (run == 1UL << (order - top))
					n++;
			}
			free(pfns);
		}
	return n;
}

/* the order of a block of @bytes, or -1 if pages are larger */
static int bytes_order(const struct pmm_machine *m, unsigned long long bytes)
{
	unsigned long long page = pmm_page_size(m);
	int order = 0;

	if (bytes < page)
		return -1;
	while ((page << order) < bytes)
		order++;
	return order;
}

static void csv_row(struct pmm_replay *r)
{
	struct pmm_machine *m = r->m;
	unsigned long free_at[PMM_NR_PAGE_ORDERS] = { 0 }, total = 0, suitable, failed = 0;
	int nid, z, o2m = bytes_order(m, 2ULL << 20), o1g = bytes_order(m, 1ULL << 30);
	unsigned int o, k;
	FILE *f = r->opts.csv;

	if (!r->csv_header) {
		fputs("events,time_s,free_pages,free_2m_blocks,free_1g_blocks,alloc_failures,"
		      "fallbacks,fragmenting_fallbacks", f);
		for (o = 0; o <= m->max_page_order; o++)
			fprintf(f, ",unusable_%u", o);
		fputc('\n', f);
		r->csv_header = true;
	}
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &m->view.node_data[nid]->node_zones[z];

			if (!pmm_populated_zone(zone) || z == PMM_ZONE_DEVICE)
				continue;
			for (o = 0; o <= m->max_page_order; o++)
				free_at[o] += __atomic_load_n(&zone->free_area[o].nr_free,
							      __ATOMIC_RELAXED);
		}
	for (o = 0; o <= m->max_page_order; o++)
		total += free_at[o] << o;
	for (k = 0; k < PMM_NR_PAGE_ORDERS; k++)
		failed += r->st.alloc_failed[k];
	fprintf(f, "%lu,%.6f,%lu,%lu,%lu,%lu,%lu,%lu", r->st.events,
		r->st.last_ts - r->st.first_ts, total,
		o2m >= 0 ? free_blocks(m, (unsigned int)o2m) : 0,
		o1g >= 0 ? free_blocks(m, (unsigned int)o1g) : 0, failed,
		__atomic_load_n(&m->nr_extfrag, __ATOMIC_RELAXED) - r->extfrag0,
		__atomic_load_n(&m->nr_extfrag_fragmenting, __ATOMIC_RELAXED) - r->fragmenting0);
	/* the unusable free space index of the whole machine (unusable_free_index()) */
	for (o = 0; o <= m->max_page_order; o++) {
		unsigned long idx;

		for (suitable = 0, k = o; k <= m->max_page_order; k++)
			suitable += free_at[k] << (k - o);
		idx = total ? (total - (suitable << o)) * 1000 / total : 0;
		fprintf(f, ",%lu.%03lu", idx / 1000, idx % 1000);
	}
	fputc('\n', f);
}

/* ---- the API ----------------------------------------------------------------------------------- */

struct pmm_replay *pmm_replay_create(struct pmm_machine *m, const struct pmm_replay_opts *opts)
{
	struct pmm_replay *r;

	if (!m) {
		errno = EINVAL;
		return NULL;
	}
	r = pmm__calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->m = m;
	if (opts)
		r->opts = *opts;
	if (!r->opts.interval)
		r->opts.interval = DEFAULT_INTERVAL;
	if (!r->opts.show_unknown)
		r->opts.show_unknown = DEFAULT_SHOWN;
	r->next_row = r->opts.interval;
	r->extfrag0 = __atomic_load_n(&m->nr_extfrag, __ATOMIC_RELAXED);
	r->fragmenting0 = __atomic_load_n(&m->nr_extfrag_fragmenting, __ATOMIC_RELAXED);
	return r;
}

int pmm_replay_line(struct pmm_replay *r, const char *line)
{
	const char *p = line;
	struct event ev;
	int kind, err = 0;

	r->st.lines++;
	while (is_space(*p))
		p++;
	if (!*p || *p == '#')
		return 0;
	kind = parse_line(p, &ev);
	if (kind < 0) {
		if (r->st.unknown++ < r->opts.show_unknown && r->opts.log) {
			size_t n = strcspn(line, "\r\n");

			fprintf(r->opts.log, "pmm: replay: line %lu not understood: %.*s\n",
				r->st.lines, (int)(n > 200 ? 200 : n), line);
		}
		return 0;
	}
	if (!kind) {
		r->st.other_events++;
		return 0;
	}
	if (!r->st.events++)
		r->st.first_ts = ev.ts;
	r->st.last_ts = ev.ts;
	if (ev.cpu >= 0 && r->m->nr_cpu_ids > 0)
		pmm_set_cpu(r->m, ev.cpu % r->m->nr_cpu_ids);
	switch (ev.type) {
	case EV_ALLOC:
		err = replay_alloc(r, &ev);
		break;
	case EV_FREE:
		replay_free(r, &ev);
		break;
	case EV_FREE_BATCHED:
		r->st.frees_batched++;
		break;
	case EV_ZONE_LOCKED:
		r->st.kernel_zone_locked++;
		break;
	case EV_PCPU_DRAIN:
		r->st.kernel_pcpu_drain++;
		break;
	case EV_EXTFRAG:
		r->st.kernel_fallbacks++;
		r->st.kernel_fragmenting += ev.fragmenting > 0;
		break;
	case EV_NONE:
		break;
	}
	if (r->opts.csv && r->st.events >= r->next_row) {
		csv_row(r);
		r->next_row += r->opts.interval;
	}
	return err;
}

int pmm_replay_file(struct pmm_replay *r, const char *path)
{
	char buf[4096];
	gzFile gz;
	int err = 0, errnum;

	if (!path)
		return -EINVAL;
	gz = !strcmp(path, "-") ? gzdopen(0, "rb") : gzopen(path, "rb");	/* plain text too */
	if (!gz) {
		err = errno ? -errno : -ENOMEM;
		if (r->opts.log)
			fprintf(r->opts.log, "pmm: replay: cannot open %s: %s\n", path, strerror(-err));
		return err;
	}
	gzbuffer(gz, 1 << 17);
	while (!err && gzgets(gz, buf, sizeof(buf))) {
		size_t n = strlen(buf);

		err = pmm_replay_line(r, buf);
		/* a line longer than the buffer: the rest is not an event */
		while (n == sizeof(buf) - 1 && buf[n - 1] != '\n' && gzgets(gz, buf, sizeof(buf)))
			n = strlen(buf);
	}
	if (!err && !gzeof(gz)) {
		const char *msg = gzerror(gz, &errnum);

		err = errnum == Z_ERRNO ? -errno : -EIO;
		if (r->opts.log)
			fprintf(r->opts.log, "pmm: replay: reading %s failed after line %lu: %s\n",
				path, r->st.lines, errnum == Z_ERRNO ? strerror(-err) : msg);
	}
	gzclose(gz);
	if (!err && r->opts.csv)
		csv_row(r);	/* the state at the end */
	return err;
}

void pmm_replay_get_stats(const struct pmm_replay *r, struct pmm_replay_stats *st)
{
	*st = r->st;
	st->fallbacks = __atomic_load_n(&r->m->nr_extfrag, __ATOMIC_RELAXED) - r->extfrag0;
	st->fragmenting = __atomic_load_n(&r->m->nr_extfrag_fragmenting, __ATOMIC_RELAXED) -
			  r->fragmenting0;
}

int pmm_replay_print_stats(const struct pmm_replay *r, FILE *out)
{
	struct pmm_replay_stats st;
	unsigned int o;

	pmm_replay_get_stats(r, &st);
	fprintf(out, "lines: %lu\nevents: %lu (%.6f s)\n", st.lines, st.events,
		st.last_ts - st.first_ts);
	fprintf(out, "allocations replayed: %lu (%lu pages)\n", st.allocs, st.alloc_pages);
	for (o = 0; o < PMM_NR_PAGE_ORDERS; o++)
		if (st.alloc_failed[o])
			fprintf(out, "allocations failed at order %u: %lu\n", o, st.alloc_failed[o]);
	fprintf(out, "allocations the kernel failed: %lu\n", st.kernel_alloc_failed);
	fprintf(out, "frees replayed: %lu (%lu pages)\n", st.frees, st.free_pages);
	fprintf(out, "frees skipped (allocated before the trace or not here): %lu\n",
		st.frees_untracked);
	fprintf(out, "frees batched (counted with their free): %lu\n", st.frees_batched);
	fprintf(out, "frees of another order: %lu\nallocations of a held pfn: %lu\n",
		st.order_mismatch, st.realloc_live);
	fprintf(out, "fallbacks: pmm %lu (%lu fragmenting), kernel %lu (%lu fragmenting)\n",
		st.fallbacks, st.fragmenting, st.kernel_fallbacks, st.kernel_fragmenting);
	fprintf(out, "kernel refills (zone_locked): %lu\nkernel drains (pcpu_drain): %lu\n",
		st.kernel_zone_locked, st.kernel_pcpu_drain);
	fprintf(out, "__GFP_NOFAIL replayed as __GFP_RETRY_MAYFAIL: %lu\n", st.nofail_demoted);
	fprintf(out, "other events: %lu\nlines not understood: %lu\n", st.other_events,
		st.unknown);
	fprintf(out, "held at the end: %lu (%lu pages)\n", st.held, st.held_pages);
	return ferror(out) ? -EIO : 0;
}

int pmm_replay_migrate_page(void *replay, struct pmm_page *from, struct pmm_page *to,
			    unsigned int order)
{
	struct pmm_replay *r = replay;
	struct traced *t = lookup(r, pmm_page_private(to), false);

	(void)order;
	if (t && t->page == from)
		t->page = to;
	return 0;
}

void pmm_replay_destroy(struct pmm_replay *r, bool free_pages)
{
	unsigned long c, i;

	if (!r)
		return;
	for (c = 0; c < r->nr_slots; c++) {
		struct traced *pages = r->chunks[c].pages;

		if (!pages)
			continue;
		for (i = 0; free_pages && i < CHUNK_PAGES; i++)
			if (pages[i].page)
				release(r, &pages[i]);
		free(pages);
	}
	free(r->chunks);
	free(r);
}

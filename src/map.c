// SPDX-License-Identifier: MIT
/*
 * The physical address space as a picture (pmm_print_map_svg()), drawn the
 * way lstopo draws a topology: one SVG of
 *
 *   - a strip of the address space from 0 to the end of memory, in rows:
 *     nodes, zones, sections (SPARSEMEM), memory blocks and their state;
 *     memory to scale, holes to scale while they are small and on a
 *     logarithmic scale once they would crowd the memory out (a 64 TiB
 *     machine's 60 TiB hole is as wide as a 1 TiB one, and marked);
 *   - a grid of pageblocks per zone, each cell coloured by its
 *     migratetype and filled as far as its pages are in use. A machine of
 *     more than MAX_CELLS pageblocks draws several to a cell (the
 *     commonest type gives the colour; the tooltip counts them all);
 *   - a legend.
 *
 * Every shape has a <title> (its tooltip: addresses, sizes, counts) and
 * data- attributes, so that the picture can be read back by programs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define WIDTH		1200
#define LEFT		112	/* the rows' labels */
#define STRIP_W		(WIDTH - LEFT - 24)
#define ROW_H		24
#define ROW_GAP		6
#define MAX_CELLS	4096
#define COLS		96
#define CELL		10	/* pixels, and one between cells */
#define PITCH		(CELL + 1)

static const char *const node_colours[] = {
	"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
};
static const char *const zone_colours[PMM_MAX_NR_ZONES] = {
	[PMM_ZONE_DMA] = "#c6dbef", [PMM_ZONE_DMA32] = "#9ecae1", [PMM_ZONE_NORMAL] = "#6baed6",
	[PMM_ZONE_HIGHMEM] = "#fdae6b", [PMM_ZONE_MOVABLE] = "#a1d99b", [PMM_ZONE_DEVICE] = "#bcbddc",
};
static const char *const mt_colours[PMM_MIGRATE_TYPES] = {
	"#d62728", "#1f77b4", "#ff7f0e", "#9467bd", "#17becf", "#7f7f7f",
};
static const char *const state_colours[] = {
	[PMM_MEM_ONLINE] = "#59a14f", [PMM_MEM_GOING_OFFLINE] = "#edc948",
	[PMM_MEM_OFFLINE] = "#bab0ac",
};
#define OFFLINE_COLOUR	"#e6e6e6"

/* one stretch of the strip: a run of memory (a bank) or a hole */
struct extent {
	pmm_phys_addr_t	start, end;
	int		bank;		/* -1: a hole */
	bool		squeezed;	/* a hole drawn narrower than to scale */
	double		x, w;
};

/* pageblocks of one zone, as the grid draws them */
struct cell {
	unsigned long	start_pfn, end_pfn;	/* the first pageblock's start, the last's end */
	unsigned long	pages, free;
	unsigned long	count[PMM_MIGRATE_TYPES];
};

struct run {		/* consecutive pageblocks the walk met: their index and pfns */
	unsigned long	start_pfn, end_pfn, first;
};

struct zone_grid {
	struct pmm_zone	*zone;
	int		nid;
	struct cell	*cells;
	unsigned long	nr_cells, nr_pageblocks, pages, free;
	struct run	*runs;
	unsigned long	nr_runs, max_runs;
	unsigned long	per_cell, pageblock;
	int		err;
};

struct map {
	const struct pmm_machine	*m;
	struct pmm__bank	banks[PMM__MAX_BANKS];
	struct extent		extents[2 * PMM__MAX_BANKS + 1];
	int			nr_banks, nr_extents;
	struct zone_grid	*grids;
	int			nr_grids;
	unsigned long		per_cell;
};

/* 4K, 16M, 3G, 64T: the largest unit that divides the size, or one decimal */
static void format_size(char *buf, size_t len, unsigned long long bytes)
{
	static const char units[] = "KMGTPE";
	unsigned long long unit = 1024;
	int u = 0;

	if (!bytes) {
		snprintf(buf, len, "0");
		return;
	}
	while (u < 5 && bytes >= unit * 1024)
		unit *= 1024, u++;
	if (bytes % unit == 0)
		snprintf(buf, len, "%llu%c", bytes / unit, units[u]);
	else if (u && bytes % (unit >> 10) == 0 && bytes / (unit >> 10) < 100000)
		snprintf(buf, len, "%llu%c", bytes / (unit >> 10), units[u - 1]);	/* 4080M */
	else if (bytes < 1024)
		snprintf(buf, len, "%lluB", bytes);
	else
		snprintf(buf, len, "%.1f%c", (double)bytes / (double)unit, units[u]);
}

static int ilog2ull(unsigned long long v)
{
	return v ? 63 - __builtin_clzll(v) : 0;
}

/*
 * Holes are drawn to scale up to SQUEEZE_PX; a wider one is squeezed: SQUEEZE_PX
 * and 4 pixels more per doubling beyond, so that a 60 TiB hole next to a few
 * GiB of memory leaves room for the memory, and a larger hole still looks larger.
 */
#define SQUEEZE_PX	(STRIP_W * 0.12)

static double squeezed_width(double to_scale)
{
	return SQUEEZE_PX + 4.0 * ilog2ull((unsigned long long)(to_scale / SQUEEZE_PX));
}

/* the strip: banks and holes from 0, widths to scale, huge holes squeezed */
static void layout_extents(struct map *mp)
{
	pmm_phys_addr_t at = 0;
	double fixed, linear, scale = 0, sum = 0;
	int b, e, pass;

	for (b = 0; b < mp->nr_banks; b++) {
		if (mp->banks[b].start > at)
			mp->extents[mp->nr_extents++] = (struct extent){ at, mp->banks[b].start, -1,
									 false, 0, 0 };
		mp->extents[mp->nr_extents++] = (struct extent){ mp->banks[b].start,
								 mp->banks[b].end, b, false, 0, 0 };
		at = PMM__MAX(at, mp->banks[b].end);
	}
	/* the scale that the squeezed holes leave; holes too wide at it are squeezed, until none changes */
	for (pass = 0; pass < 16; pass++) {
		bool changed = false;

		fixed = linear = 0;
		for (e = 0; e < mp->nr_extents; e++) {
			const struct extent *x = &mp->extents[e];

			if (!x->squeezed)
				linear += (double)(x->end - x->start);
		}
		scale = linear > 0 ? STRIP_W / linear : 0;
		for (e = 0; e < mp->nr_extents; e++)
			if (mp->extents[e].squeezed)
				fixed += squeezed_width((double)(mp->extents[e].end - mp->extents[e].start) *
							scale);
		scale = linear > 0 ? PMM__MAX(STRIP_W - fixed, STRIP_W / 4.0) / linear : 0;
		for (e = 0; e < mp->nr_extents; e++) {
			struct extent *x = &mp->extents[e];
			bool squeeze = x->bank < 0 && (double)(x->end - x->start) * scale > SQUEEZE_PX;

			if (squeeze && !x->squeezed) {	/* once squeezed, a hole stays so */
				x->squeezed = true;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	for (e = 0; e < mp->nr_extents; e++) {
		struct extent *x = &mp->extents[e];
		double to_scale = (double)(x->end - x->start) * scale;

		x->w = x->squeezed ? squeezed_width(to_scale) : to_scale;
		if (x->bank >= 0)
			x->w = PMM__MAX(x->w, 2.0);	/* 640 KiB of a terabyte still shows */
		sum += x->w;
	}
	for (e = 0, at = 0; e < mp->nr_extents; e++) {
		struct extent *x = &mp->extents[e];

		x->w *= sum > 0 ? STRIP_W / sum : 0;
		x->x = LEFT + (e ? mp->extents[e - 1].x + mp->extents[e - 1].w - LEFT : 0);
	}
}

/* where an address is drawn */
static double addr_x(const struct map *mp, pmm_phys_addr_t addr)
{
	int e;

	for (e = 0; e < mp->nr_extents; e++) {
		const struct extent *x = &mp->extents[e];

		if (addr < x->end || e == mp->nr_extents - 1) {
			double f = addr <= x->start ? 0 :
				   (double)(addr - x->start) / (double)(x->end - x->start);

			return x->x + (f > 1 ? 1 : f) * x->w;
		}
	}
	return LEFT;
}

/* ---- the pageblock grid ---------------------------------------------------------------------------------- */

static void grid_pageblock(void *arg, unsigned long pfn, int mt)
{
	struct zone_grid *g = arg;
	unsigned long idx = g->nr_pageblocks++, end = PMM__MIN(pfn + g->pageblock,
								    pmm_zone_end_pfn(g->zone));
	struct run *r = g->nr_runs ? &g->runs[g->nr_runs - 1] : NULL;
	struct cell *c;

	if (g->err)
		return;
	if (!r || r->end_pfn != pfn) {
		if (g->nr_runs == g->max_runs) {
			unsigned long max = g->max_runs ? 2 * g->max_runs : 16;
			struct run *runs = pmm__realloc(g->runs, max * sizeof(*runs));

			if (!runs) {
				g->err = -ENOMEM;
				return;
			}
			g->runs = runs;
			g->max_runs = max;
		}
		r = &g->runs[g->nr_runs++];
		*r = (struct run){ pfn, pfn, idx };
	}
	r->end_pfn = end;
	c = &g->cells[idx / g->per_cell];
	if (idx % g->per_cell == 0)
		c->start_pfn = pfn;
	c->end_pfn = end;
	c->pages += end - pfn;
	c->count[mt]++;
	g->nr_cells = idx / g->per_cell + 1;
	g->pages += end - pfn;
}

/* free pages [pfn, pfn + nr) into the cells of the pageblocks they are in */
static void grid_add_free(struct zone_grid *g, unsigned long pfn, unsigned long nr)
{
	unsigned long end = pfn + nr, lo = 0, hi = g->nr_runs;

	while (lo < hi) {	/* the first run that ends after pfn */
		unsigned long mid = (lo + hi) / 2;

		if (g->runs[mid].end_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < g->nr_runs && g->runs[lo].start_pfn < end; lo++) {
		const struct run *r = &g->runs[lo];
		unsigned long s = PMM__MAX(pfn, r->start_pfn), e = PMM__MIN(end, r->end_pfn);

		while (s < e) {
			unsigned long idx = r->first + (s - r->start_pfn) / g->pageblock;
			unsigned long cell = idx / g->per_cell;
			/* the rest of this cell's pageblocks within the run */
			unsigned long cell_end = r->start_pfn +
						 ((cell + 1) * g->per_cell - r->first) * g->pageblock;
			unsigned long upto = PMM__MIN(e, cell_end);

			g->cells[cell].free += upto - s;
			g->free += upto - s;
			s = upto;
		}
	}
}

static int grid_build(struct map *mp, struct zone_grid *g)
{
	const struct pmm_machine *m = mp->m;
	struct pmm_zone *zone = g->zone;
	unsigned long spanned_blocks = (zone->spanned_pages >> m->pageblock_order) + 2;
	unsigned long start, end;
	unsigned int o;
	int mt;

	g->pageblock = 1UL << m->pageblock_order;
	g->per_cell = mp->per_cell;
	g->cells = pmm__calloc(spanned_blocks / g->per_cell + 2, sizeof(*g->cells));
	if (!g->cells)
		return -ENOMEM;
	pmm__zone_pageblocks(m, zone, grid_pageblock, g);
	if (g->err)
		return g->err;
	/* free: the buddy lists' blocks, and on demand the memory still deferred */
	pmm__spin_lock(&zone->lock);
	for (o = 0; o <= m->max_page_order; o++)
		for (mt = 0; mt < PMM_MIGRATE_TYPES; mt++) {
			const struct pmm_list_head *h = &zone->free_area[o].free_list[mt], *p;

			for (p = h->next; p != h; p = p->next) {
				const struct pmm_page *page =
					pmm__container_of(p, struct pmm_page, buddy_list);

				grid_add_free(g, pmm_page_to_pfn(m, page), 1UL << o);
			}
		}
	for (start = zone->zone_start_pfn; pmm__deferred_pending_next(m, zone, &start, &end);
	     start = end)
		grid_add_free(g, start, end - start);
	pmm__spin_unlock(&zone->lock);
	return 0;
}

static int grids_build(struct map *mp)
{
	const struct pmm_machine *m = mp->m;
	unsigned long total = 0;
	int nid, z, err;

	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pmm_node_data(m, nid)->node_zones[z];

			if (pmm_populated_zone(zone) && z != PMM_ZONE_DEVICE) {
				total += (zone->spanned_pages >> m->pageblock_order) + 1;
				mp->nr_grids++;
			}
		}
	mp->per_cell = PMM__MAX(1UL, (total + MAX_CELLS - 1) / MAX_CELLS);
	mp->grids = pmm__calloc((size_t)mp->nr_grids + 1, sizeof(*mp->grids));
	if (!mp->grids)
		return -ENOMEM;
	mp->nr_grids = 0;
	pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			struct pmm_zone *zone = &pmm_node_data(m, nid)->node_zones[z];
			struct zone_grid *g = &mp->grids[mp->nr_grids];

			if (!pmm_populated_zone(zone) || z == PMM_ZONE_DEVICE)
				continue;
			g->zone = zone;
			g->nid = nid;
			mp->nr_grids++;
			err = grid_build(mp, g);
			if (err)
				return err;
		}
	return 0;
}

static void grids_free(struct map *mp)
{
	int i;

	for (i = 0; i < mp->nr_grids; i++) {
		free(mp->grids[i].cells);
		free(mp->grids[i].runs);
	}
	free(mp->grids);
}

/* ---- drawing ---------------------------------------------------------------------------------------------- */

static void label(FILE *f, double x, double y, const char *anchor, const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%s</text>\n", x, y, anchor, text);
}

/* a box with its tooltip, and its name inside when it fits */
static void box(FILE *f, double x, double y, double w, double h, const char *fill,
		const char *cls, const char *name, const char *tip)
{
	fprintf(f, "<rect class=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%.1f\" "
		"fill=\"%s\"><title>%s</title></rect>\n", cls, x, y, PMM__MAX(w, 0.5), h, fill, tip);
	if (name && w > 7.0 * (double)strlen(name) + 6)
		fprintf(f, "<text class=\"in\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
			x + w / 2, y + h / 2 + 4, name);
}

static void draw_nodes(FILE *f, const struct map *mp, double y)
{
	char a[24], b[24], size[24], tip[160], name[24];
	int e;

	label(f, LEFT - 8, y + ROW_H / 2 + 4, "end", "nodes");
	for (e = 0; e < mp->nr_extents; e++) {
		const struct extent *x = &mp->extents[e];

		format_size(a, sizeof(a), x->start);
		format_size(b, sizeof(b), x->end);
		format_size(size, sizeof(size), x->end - x->start);
		if (x->bank < 0) {
			snprintf(tip, sizeof(tip), "hole %s-%s (%s)%s", a, b, size,
				 x->squeezed ? ", not to scale" : "");
			box(f, x->x, y, x->w, ROW_H, "url(#hole)", x->squeezed ? "hole squeezed" : "hole",
			    NULL, tip);
			if (x->squeezed)	/* the break mark */
				fprintf(f, "<path class=\"break\" d=\"M%.1f %.1f l4 -4 l4 8 l4 -4\" "
					"fill=\"none\" stroke=\"#555\"/>\n", x->x + x->w / 2 - 6,
					y + ROW_H / 2);
			continue;
		}
		{
			const struct pmm__bank *bk = &mp->banks[x->bank];

			snprintf(name, sizeof(name), "node %d%s", bk->nid, bk->device ? " device" : "");
			snprintf(tip, sizeof(tip), "%s: %s-%s (%s)%s", name, a, b, size,
				 bk->hotplugged ? ", hot-added memory" : "");
			box(f, x->x, y, x->w, ROW_H,
			    node_colours[bk->nid % (int)PMM__ARRAY_SIZE(node_colours)], "node", name, tip);
		}
	}
}

static void draw_zones(FILE *f, const struct map *mp, double y)
{
	char a[24], b[24], size[24], tip[192];
	int e, z;

	label(f, LEFT - 8, y + ROW_H / 2 + 4, "end", "zones");
	for (e = 0; e < mp->nr_extents; e++) {
		const struct extent *x = &mp->extents[e];
		const struct pmm__bank *bk;

		if (x->bank < 0)
			continue;
		bk = &mp->banks[x->bank];
		/* under the zones: what no zone spans (hot-added memory not online) */
		snprintf(tip, sizeof(tip), "node %d: not in a zone (offline)", bk->nid);
		box(f, x->x, y, x->w, ROW_H, OFFLINE_COLOUR, "zone offline", NULL, tip);
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pmm_node_data(mp->m, bk->nid)->node_zones[z];
			pmm_phys_addr_t zs = pmm_pfn_phys(mp->m, zone->zone_start_pfn);
			pmm_phys_addr_t ze = pmm_pfn_phys(mp->m, pmm_zone_end_pfn(zone)), s, en;
			double x0, x1;

			if (!zone->spanned_pages || ze <= bk->start || zs >= bk->end ||
			    (z == PMM_ZONE_DEVICE) != bk->device)
				continue;
			s = PMM__MAX(zs, bk->start);
			en = PMM__MIN(ze, bk->end);
			x0 = addr_x(mp, s);
			x1 = addr_x(mp, en);
			format_size(a, sizeof(a), s);
			format_size(b, sizeof(b), en);
			format_size(size, sizeof(size), en - s);
			snprintf(tip, sizeof(tip), "node %d, zone %s: %s-%s (%s here; spanned %lu, "
				 "present %lu, managed %lu pages)", bk->nid, zone->name, a, b, size,
				 zone->spanned_pages, zone->present_pages, zone->managed_pages);
			box(f, x0, y, x1 - x0, ROW_H, zone_colours[z], "zone", zone->name, tip);
		}
	}
}

static void draw_sections(FILE *f, const struct map *mp, double y)
{
	const struct pmm_machine *m = mp->m;
	unsigned long long section = 1ULL << (m->view.pfn_section_shift + m->view.page_shift);
	char size[24], tip[160];
	int e;

	label(f, LEFT - 8, y + ROW_H / 2 + 4, "end", "sections");
	format_size(size, sizeof(size), section);
	for (e = 0; e < mp->nr_extents; e++) {
		const struct extent *x = &mp->extents[e];
		unsigned long long first, last, s;
		double px;

		if (x->bank < 0)
			continue;
		first = x->start / section;
		last = (x->end - 1) / section;
		px = x->w / (double)(last - first + 1);
		snprintf(tip, sizeof(tip), "sections %llu-%llu (%llu of %s)", first, last,
			 last - first + 1, size);
		box(f, x->x, y, x->w, ROW_H, "#f4f4f4", "sections", NULL, tip);
		if (px >= 3)	/* a line between sections, when they are that wide */
			for (s = first + 1; s <= last; s++)
				fprintf(f, "<line class=\"section\" x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" "
					"y2=\"%.1f\" stroke=\"#999\"/>\n", addr_x(mp, s * section), y,
					addr_x(mp, s * section), y + ROW_H);
		else if (x->w > 60) {
			char n[48];

			snprintf(n, sizeof(n), "%llu x %s", last - first + 1, size);
			fprintf(f, "<text class=\"in\" x=\"%.1f\" y=\"%.1f\">%s</text>\n",
				x->x + x->w / 2, y + ROW_H / 2 + 4, n);
		}
	}
}

static void draw_blocks(FILE *f, const struct map *mp, double y)
{
	const struct pmm_machine *m = mp->m;
	unsigned long size = pmm_memory_block_size(m), n = pmm_memory_block_count(m), i, first = 0;
	struct pmm_memory_block_info run = { 0 }, info;
	char tip[192], zones[64], a[24];

	label(f, LEFT - 8, y + ROW_H / 2 + 4, "end", "memory blocks");
	for (i = 0; i <= n; i++) {
		bool same = false;

		if (i < n) {
			pmm_memory_block_info(m, i, &info);
			same = i && info.id == run.id + 1 && info.state == run.state &&
			       info.nid == run.nid && info.zone == run.zone;
		}
		if (i && !same) {	/* draw the run that ended */
			const struct pmm_memory_block_info *fi = &run;
			double x0 = addr_x(mp, run.start - (run.id - first) * size);
			double x1 = addr_x(mp, run.start + size);

			pmm__memory_block_zones(fi, zones, sizeof(zones));
			format_size(a, sizeof(a), size);
			snprintf(tip, sizeof(tip), "memory%lu-%lu (%lu of %s): %s, node %d, zone %s",
				 first, run.id, run.id - first + 1, a,
				 pmm__memory_block_state_name(run.state), run.nid, zones);
			fprintf(f, "<rect class=\"block\" data-first=\"%lu\" data-last=\"%lu\" "
				"data-state=\"%s\" x=\"%.2f\" y=\"%.1f\" width=\"%.2f\" height=\"%d\" "
				"fill=\"%s\"><title>%s</title></rect>\n", first, run.id,
				pmm__memory_block_state_name(run.state), x0, y, PMM__MAX(x1 - x0, 0.5),
				ROW_H, state_colours[run.state], tip);
			if ((x1 - x0) / (double)(run.id - first + 1) >= 4) {
				unsigned long b;

				for (b = first + 1; b <= run.id; b++) {
					double bx = addr_x(mp, run.start - (run.id - b) * size);

					fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" "
						"stroke=\"#fff\"/>\n", bx, y, bx, y + ROW_H);
				}
			}
		}
		if (i < n) {
			if (!same)
				first = info.id;
			run = info;
		}
	}
}

/* addresses under the strip where extents meet, those that do not collide */
static void draw_axis(FILE *f, const struct map *mp, double y)
{
	double last_end = 0;
	char a[24];
	int e;

	for (e = 0; e <= mp->nr_extents; e++) {
		pmm_phys_addr_t addr = e < mp->nr_extents ? mp->extents[e].start :
							    mp->extents[e - 1].end;
		double x = e < mp->nr_extents ? mp->extents[e].x :
						mp->extents[e - 1].x + mp->extents[e - 1].w;
		double w;

		format_size(a, sizeof(a), addr);
		w = 6.5 * (double)strlen(a);
		if (x - w / 2 < last_end + 4)
			continue;
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.1f\" x2=\"%.2f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
			x, y - 4, x, y + 2);
		label(f, x, y + 14, "middle", a);
		last_end = x + w / 2;
	}
}

static const char *dominant(const struct cell *c, int *mt_out)
{
	int mt, best = 0;

	for (mt = 1; mt < PMM_MIGRATE_TYPES; mt++)
		if (c->count[mt] > c->count[best])
			best = mt;
	*mt_out = best;
	return pmm__migratetype_name(best);
}

static double draw_grid(FILE *f, const struct map *mp, const struct zone_grid *g, double y)
{
	char head[200], tip[400], a[24];
	unsigned long c;
	size_t len;

	format_size(a, sizeof(a), (unsigned long long)g->pages << mp->m->view.page_shift);
	snprintf(head, sizeof(head), "Node %d, zone %s: %lu pageblocks, %s, %.0f%% in use", g->nid,
		 g->zone->name, g->nr_pageblocks, a,
		 g->pages ? 100.0 * (double)(g->pages - PMM__MIN(g->free, g->pages)) /
				    (double)g->pages : 0.0);
	fprintf(f, "<text class=\"head\" x=\"%d\" y=\"%.1f\">%s</text>\n", LEFT, y + 12, head);
	y += 18;
	for (c = 0; c < g->nr_cells; c++) {
		const struct cell *cl = &g->cells[c];
		double x = LEFT + (double)(c % COLS) * PITCH, cy = y + (double)(c / COLS) * PITCH;
		double used = cl->pages ? (double)(cl->pages - PMM__MIN(cl->free, cl->pages)) /
					  (double)cl->pages : 0;
		int mt, t;
		const char *type = dominant(cl, &mt);

		len = (size_t)snprintf(tip, sizeof(tip), "pfn 0x%lx-0x%lx: %s, %.0f%% in use "
				       "(%lu of %lu pages free)", cl->start_pfn, cl->end_pfn - 1, type,
				       100 * used, PMM__MIN(cl->free, cl->pages), cl->pages);
		if (mp->per_cell > 1)
			for (t = 0; t < PMM_MIGRATE_TYPES && len < sizeof(tip); t++)
				if (cl->count[t])
					len += (size_t)snprintf(tip + len, sizeof(tip) - len, "%s %s %lu",
								t == mt ? ";" : ",",
								pmm__migratetype_name(t),
								cl->count[t]);
		fprintf(f, "<rect class=\"pb\" data-node=\"%d\" data-zone=\"%s\" data-pfn=\"0x%lx\" "
			"data-type=\"%s\" data-used=\"%.3f\" x=\"%.0f\" y=\"%.0f\" width=\"%d\" "
			"height=\"%d\" fill=\"%s\" fill-opacity=\"0.28\"><title>%s</title></rect>\n",
			g->nid, g->zone->name, cl->start_pfn, type, used, x, cy, CELL, CELL,
			mt_colours[mt], tip);
		if (used > 0)
			fprintf(f, "<rect x=\"%.0f\" y=\"%.2f\" width=\"%d\" height=\"%.2f\" "
				"fill=\"%s\" pointer-events=\"none\"/>\n", x, cy + CELL * (1 - used),
				CELL, CELL * used, mt_colours[mt]);
	}
	return y + (double)((g->nr_cells + COLS - 1) / COLS) * PITCH + 10;
}

static double draw_legend(FILE *f, const struct map *mp, double y)
{
	const struct pmm_machine *m = mp->m;
	bool zone_seen[PMM_MAX_NR_ZONES] = { false }, mt_seen[PMM_MIGRATE_TYPES] = { false };
	double x = LEFT;
	int nid, z, i, t;

#define SWATCH(colour, text)									\
	do {											\
		fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"12\" "		\
			"fill=\"%s\" stroke=\"#666\"/>\n", x, y, colour);			\
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">%s</text>\n", x + 16, y + 10, text);	\
		x += 26 + 6.6 * (double)strlen(text);						\
		if (x > WIDTH - 160) {								\
			x = LEFT;								\
			y += 18;								\
		}										\
	} while (0)

	fprintf(f, "<g class=\"legend\">\n");
	label(f, LEFT - 8, y + 10, "end", "legend");
	pmm_for_each_online_node(nid, m) {
		char name[16];

		snprintf(name, sizeof(name), "node %d", nid);
		SWATCH(node_colours[nid % (int)PMM__ARRAY_SIZE(node_colours)], name);
		for (z = 0; z < PMM_MAX_NR_ZONES; z++)
			zone_seen[z] |= pmm_node_data(m, nid)->node_zones[z].spanned_pages > 0;
	}
	for (i = 0; i < mp->nr_extents; i++)
		if (mp->extents[i].bank < 0) {
			SWATCH("url(#hole)", "hole (a break mark: not to scale, log)");
			break;
		}
	x = LEFT;
	y += 18;
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (zone_seen[z])
			SWATCH(zone_colours[z], pmm_zone_names[z]);
	SWATCH(OFFLINE_COLOUR, "in no zone (offline)");
	if (pmm_memory_block_size(m)) {
		x = LEFT;
		y += 18;
		for (t = 0; t < (int)PMM__ARRAY_SIZE(state_colours); t++) {
			char text[40];

			snprintf(text, sizeof(text), "block %s",
				 pmm__memory_block_state_name((enum pmm_memory_block_state)t));
			SWATCH(state_colours[t], text);
		}
	}
	x = LEFT;
	y += 18;
	for (i = 0; i < mp->nr_grids; i++) {
		unsigned long c;

		for (c = 0; c < mp->grids[i].nr_cells; c++)
			for (t = 0; t < PMM_MIGRATE_TYPES; t++)
				mt_seen[t] |= mp->grids[i].cells[c].count[t] > 0;
	}
	for (t = 0; t < PMM_MIGRATE_TYPES; t++)
		if (mt_seen[t])
			SWATCH(mt_colours[t], pmm__migratetype_name(t));
	x = LEFT;
	y += 20;
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">a pageblock cell: its colour is its migratetype; "
		"the dark part is in use, the light part free (on the buddy lists; pages on "
		"per-CPU lists count as in use)</text>\n", x, y + 10);
	fprintf(f, "</g>\n");
#undef SWATCH
	return y + 24;
}

int pmm_print_map_svg(const struct pmm_machine *m, FILE *f)
{
	struct map *mp;
	char total[24], per[24], *body = NULL;
	size_t body_len = 0;
	FILE *b;
	double y, height;
	pmm_phys_addr_t bytes = 0;
	int i, err, nr_nodes = 0, nid;
	bool sparse = PMM_CONFIG_SPARSEMEM, blocks;

	if (!m || !f)
		return -EINVAL;
	mp = pmm__calloc(1, sizeof(*mp));
	if (!mp)
		return -ENOMEM;
	mp->m = m;
	mp->nr_banks = pmm__memory_banks(m, mp->banks, PMM__MAX_BANKS, false);
	layout_extents(mp);
	err = grids_build(mp);
	if (err)
		goto out;
	blocks = pmm_memory_block_size(m) > 0;

	for (i = 0; i < mp->nr_banks; i++)
		if (!mp->banks[i].device)
			bytes += mp->banks[i].end - mp->banks[i].start;
	pmm_for_each_online_node(nid, m)
		nr_nodes++;
	format_size(total, sizeof(total), bytes);
	format_size(per, sizeof(per), (unsigned long long)mp->per_cell << (m->pageblock_order +
									    m->view.page_shift));

	/* the picture first, into memory: its height is known once the legend is drawn */
	b = open_memstream(&body, &body_len);
	if (!b) {
		err = -ENOMEM;
		goto out;
	}
	fprintf(b, "<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(b, "<text x=\"%d\" y=\"24\" font-size=\"15\" font-weight=\"bold\">"
		"%s, %s, %s of memory on %d node%s, kernel %u.%u rules, max_pfn %#lx</text>\n",
		LEFT, m->arch->name, PMM_CONFIG_MODEL_NAME, total, nr_nodes, nr_nodes == 1 ? "" : "s",
		m->kernel_version >> 16, (m->kernel_version >> 8) & 0xff, m->max_pfn);
	y = 44;
	draw_nodes(b, mp, y);
	y += ROW_H + ROW_GAP;
	draw_zones(b, mp, y);
	y += ROW_H + ROW_GAP;
	if (sparse) {
		draw_sections(b, mp, y);
		y += ROW_H + ROW_GAP;
	}
	if (blocks) {
		draw_blocks(b, mp, y);
		y += ROW_H + ROW_GAP;
	}
	draw_axis(b, mp, y + 2);
	y += 34;
	fprintf(b, "<text class=\"head\" x=\"%d\" y=\"%.0f\">pageblocks of %s (order %u), "
		"%lu to a cell (%s)</text>\n", LEFT, y + 10,
		(format_size(total, sizeof(total), 1ULL << (m->pageblock_order + m->view.page_shift)),
		 total), m->pageblock_order, mp->per_cell, per);
	y += 24;
	for (i = 0; i < mp->nr_grids; i++)
		y = draw_grid(b, mp, &mp->grids[i], y);
	height = draw_legend(b, mp, y + 6) + 4;
	if (fclose(b)) {
		err = -ENOMEM;
		goto out;
	}

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%.0f\" "
		"viewBox=\"0 0 %d %.0f\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
		"font-size=\"11\">\n", WIDTH, height, WIDTH, height);
	fprintf(f, "<defs><pattern id=\"hole\" width=\"6\" height=\"6\" "
		"patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
		"<rect width=\"6\" height=\"6\" fill=\"#fafafa\"/>"
		"<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#ccc\" stroke-width=\"2\"/>"
		"</pattern><style>text.in{text-anchor:middle;fill:#111}text.head{font-weight:bold}"
		"rect.node,rect.zone,rect.hole,rect.sections{stroke:#fff;stroke-width:0.5}"
		"</style></defs>\n");
	fwrite(body, 1, body_len, f);
	fprintf(f, "</svg>\n");
	err = ferror(f) ? -EIO : 0;
out:
	free(body);
	grids_free(mp);
	free(mp);
	return err;
}

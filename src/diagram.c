// SPDX-License-Identifier: MIT
/*
 * ASCII diagrams of nodes and zones, drawn as physical_memory.rst draws
 * them: a row of node boxes over a row of zone boxes, boundaries labelled
 * with their addresses.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define MAX_SEGS	(4 * PMM_MAX_NUMNODES * PMM_MAX_NR_ZONES)
#define TARGET_WIDTH	62

struct seg {
	pmm_phys_addr_t	start, end;
	char		label[16];
	int		width;
};

struct bank {
	struct pmm__bank	r;
	int			first_seg, nr_segs;
};

/* Addresses rounded to MiB, printed as G when whole gigabytes. */
static void format_addr(char *buf, size_t len, pmm_phys_addr_t addr)
{
	unsigned long long mib = (addr + (1ULL << 19)) >> 20;

	if (!mib)
		snprintf(buf, len, "0");
	else if (mib % 1024 == 0)
		snprintf(buf, len, "%lluG", mib / 1024);
	else
		snprintf(buf, len, "%lluM", mib);
}

static void put(char *line, size_t len, int col, const char *s)
{
	size_t n = strlen(s), i;

	for (i = 0; i < n && (size_t)col + i < len - 1; i++)
		line[col + (int)i] = s[i];
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && s[n - 1] == ' ')
		s[--n] = '\0';
}

/* One row of boxes: labels line, border, names, border. */
static void draw_row(FILE *f, const struct bank *banks, int nr_banks, const struct seg *segs,
		     bool node_row)
{
	char labels[1024], border[1024], names[1024], addr[32];
	int b, i, col = 2, last_label_end = 0;

	memset(labels, ' ', sizeof(labels));
	memset(border, ' ', sizeof(border));
	memset(names, ' ', sizeof(names));
	for (b = 0; b < nr_banks; b++) {
		int box_start = col, box_width = 0;

		for (i = 0; i < banks[b].nr_segs; i++)
			box_width += segs[banks[b].first_seg + i].width + (i ? 1 : 0);
		if (node_row) {
			char name[32];
			int w = snprintf(name, sizeof(name), "node %d", banks[b].r.nid);

			border[col] = '+';
			memset(border + col + 1, '-', (size_t)box_width);
			border[col + box_width + 1] = '+';
			names[col] = '|';
			put(names, sizeof(names), col + 1 + (box_width - w) / 2, name);
			names[col + box_width + 1] = '|';
			format_addr(addr, sizeof(addr), banks[b].r.start);
			if (col >= last_label_end) {
				put(labels, sizeof(labels), col, addr);
				last_label_end = col + (int)strlen(addr) + 1;
			}
		} else {
			for (i = 0; i < banks[b].nr_segs; i++) {
				const struct seg *s = &segs[banks[b].first_seg + i];
				int w = (int)strlen(s->label);

				border[col] = '+';
				memset(border + col + 1, '-', (size_t)s->width);
				names[col] = '|';
				put(names, sizeof(names), col + 1 + (s->width - w) / 2, s->label);
				format_addr(addr, sizeof(addr), s->start);
				if (col >= last_label_end) {
					put(labels, sizeof(labels), col, addr);
					last_label_end = col + (int)strlen(addr) + 1;
				}
				col += s->width + 1;
			}
			col = box_start;
			border[col + box_width + 1] = '+';
			names[col + box_width + 1] = '|';
		}
		col = box_start + box_width + 2;
		/* the end of a bank is labelled unless the next bank starts there */
		if (b + 1 == nr_banks || banks[b + 1].r.start != banks[b].r.end) {
			format_addr(addr, sizeof(addr), banks[b].r.end);
			{
				int at = col - 1 - (b + 1 == nr_banks ? 0 : (int)strlen(addr));

				if (at < last_label_end)
					at = last_label_end;
				put(labels, sizeof(labels), at, addr);
				last_label_end = at + (int)strlen(addr) + 1;
			}
		}
		col++;
	}
	labels[col + 16] = border[col] = names[col] = '\0';
	rstrip(labels);
	rstrip(border);
	rstrip(names);
	fprintf(f, "%s\n%s\n%s\n%s\n", labels, border, names, border);
}

int pmm_print_diagram(const struct pmm_machine *m, FILE *f)
{
	struct pmm__bank runs[PMM__MAX_BANKS];
	struct bank banks[PMM__MAX_BANKS];
	struct seg segs[MAX_SEGS];
	int nr_banks = 0, nr_segs = 0, b, z;
	pmm_phys_addr_t total = 0;
	unsigned int i;

	nr_banks = pmm__memory_banks(m, runs, (int)PMM__ARRAY_SIZE(runs), true);
	for (b = 0; b < nr_banks; b++)
		banks[b] = (struct bank){ .r = runs[b] };
	for (b = 0; b < nr_banks; b++)
		total += banks[b].r.end - banks[b].r.start;

	/* segments: the node's zones within each bank */
	for (b = 0; b < nr_banks; b++) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, banks[b].r.nid);

		banks[b].first_seg = nr_segs;
		for (z = 0; z < PMM_MAX_NR_ZONES && nr_segs < MAX_SEGS; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			pmm_phys_addr_t zs = pmm_pfn_phys(m, zone->zone_start_pfn);
			pmm_phys_addr_t ze = pmm_pfn_phys(m, pmm_zone_end_pfn(zone));
			struct seg *s = &segs[nr_segs];
			size_t k;

			if (!zone->spanned_pages || ze <= banks[b].r.start || zs >= banks[b].r.end)
				continue;
			if ((z == PMM_ZONE_DEVICE) != banks[b].r.device)
				continue;	/* device ranges show ZONE_DEVICE only, memory never */
			s->start = PMM__MAX(zs, banks[b].r.start);
			s->end = PMM__MIN(ze, banks[b].r.end);
			snprintf(s->label, sizeof(s->label), "%s", zone->name);
			for (k = 0; s->label[k]; k++)
				if (s->label[k] >= 'a' && s->label[k] <= 'z')
					s->label[k] = (char)(s->label[k] - 'a' + 'A');
			nr_segs++;
			banks[b].nr_segs++;
		}
		if (nr_segs < MAX_SEGS && !banks[b].r.device) {
			/* hot-added blocks not online yet, at the bank's end or making it up */
			pmm_phys_addr_t tail = banks[b].nr_segs ? segs[nr_segs - 1].end : banks[b].r.start;

			if (tail < banks[b].r.end) {
				segs[nr_segs] = (struct seg){ tail, banks[b].r.end, "offline", 0 };
				nr_segs++;
				banks[b].nr_segs++;
			}
		}
	}
	for (i = 0; i < (unsigned int)nr_segs; i++) {
		int prop = (int)((double)(segs[i].end - segs[i].start) * TARGET_WIDTH / (double)total + 0.5);
		int min = (int)strlen(segs[i].label) + 4;

		segs[i].width = PMM__MAX(prop, min);
	}
	/* a node box must fit its name */
	for (b = 0; b < nr_banks; b++) {
		int width = 0;

		for (i = 0; i < (unsigned int)banks[b].nr_segs; i++)
			width += segs[banks[b].first_seg + (int)i].width + (i ? 1 : 0);
		if (width < 10)
			segs[banks[b].first_seg + banks[b].nr_segs - 1].width += 10 - width;
	}
	draw_row(f, banks, nr_banks, segs, true);
	fprintf(f, "\n");
	draw_row(f, banks, nr_banks, segs, false);
	return ferror(f) ? -EIO : 0;
}

int pmm__memory_banks(const struct pmm_machine *m, struct pmm__bank *banks, int max,
		      bool join_gaps)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	int nr = 0, b, i;
	unsigned int r;

	for (r = 0; r < mem->cnt + m->nr_hotplug + m->nr_pgmaps; r++) {
		struct pmm__bank bank = { 0 };
		int k;

		if (r < mem->cnt) {
			bank.start = mem->regions[r].base;
			bank.end = bank.start + mem->regions[r].size;
			bank.nid = mem->regions[r].nid;
		} else if (r < mem->cnt + m->nr_hotplug) {
			bank.start = m->hotplug[r - mem->cnt].start;
			bank.end = m->hotplug[r - mem->cnt].end;
			bank.nid = m->hotplug[r - mem->cnt].nid;
			bank.hotplugged = true;
		} else {
			const struct pmm_dev_pagemap *pg = m->pgmaps[r - mem->cnt - m->nr_hotplug];

			bank.start = pg->range.start;
			bank.end = pg->range.end + 1;
			bank.nid = pg->nid;
			bank.device = true;
		}
		if (nr == max)
			break;
		for (k = nr; k > 0 && banks[k - 1].start > bank.start; k--)
			banks[k] = banks[k - 1];
		banks[k] = bank;
		nr++;
	}
	/* runs of one node and kind merge (across holes if asked) */
	for (b = 1, i = 1; b < nr; b++) {
		struct pmm__bank *prev = &banks[i - 1];

		if (prev->nid == banks[b].nid && prev->device == banks[b].device &&
		    (join_gaps || banks[b].start <= prev->end)) {
			prev->end = PMM__MAX(prev->end, banks[b].end);
			prev->hotplugged |= banks[b].hotplugged;
		} else {
			banks[i++] = banks[b];
		}
	}
	return nr ? i : 0;
}

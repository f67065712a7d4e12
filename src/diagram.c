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
	pmm_phys_addr_t	start, end;
	int		nid;
	int		first_seg, nr_segs;
	bool		device;		/* a ZONE_DEVICE range */
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
			int w = snprintf(name, sizeof(name), "node %d", banks[b].nid);

			border[col] = '+';
			memset(border + col + 1, '-', (size_t)box_width);
			border[col + box_width + 1] = '+';
			names[col] = '|';
			put(names, sizeof(names), col + 1 + (box_width - w) / 2, name);
			names[col + box_width + 1] = '|';
			format_addr(addr, sizeof(addr), banks[b].start);
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
		if (b + 1 == nr_banks || banks[b + 1].start != banks[b].end) {
			format_addr(addr, sizeof(addr), banks[b].end);
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
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	struct bank banks[4 * PMM_MAX_NUMNODES];
	struct seg segs[MAX_SEGS];
	int nr_banks = 0, nr_segs = 0, b, z;
	pmm_phys_addr_t total = 0;
	unsigned int i;

	/* banks: runs of memory (boot, hot-added) or device memory of one node, in address order */
	for (i = 0; i < mem->cnt + m->nr_hotplug + m->nr_pgmaps; i++) {
		struct bank r = { 0 };
		int k;

		if (i < mem->cnt) {
			r.start = mem->regions[i].base;
			r.end = r.start + mem->regions[i].size;
			r.nid = mem->regions[i].nid;
		} else if (i < mem->cnt + m->nr_hotplug) {
			r.start = m->hotplug[i - mem->cnt].start;
			r.end = m->hotplug[i - mem->cnt].end;
			r.nid = m->hotplug[i - mem->cnt].nid;
		} else {
			const struct pmm_dev_pagemap *pg = m->pgmaps[i - mem->cnt - m->nr_hotplug];

			r.start = pg->range.start;
			r.end = pg->range.end + 1;
			r.nid = pg->nid;
			r.device = true;
		}
		if (nr_banks == (int)PMM__ARRAY_SIZE(banks))
			break;
		for (k = nr_banks; k > 0 && banks[k - 1].start > r.start; k--)
			banks[k] = banks[k - 1];
		banks[k] = r;
		nr_banks++;
	}
	/* runs of one node and kind merge */
	for (b = 1, i = 1; b < nr_banks; b++) {
		struct bank *prev = &banks[i - 1];

		if (prev->nid == banks[b].nid && prev->device == banks[b].device)
			prev->end = PMM__MAX(prev->end, banks[b].end);
		else
			banks[i++] = banks[b];
	}
	if (nr_banks)
		nr_banks = (int)i;
	for (b = 0; b < nr_banks; b++)
		total += banks[b].end - banks[b].start;

	/* segments: the node's zones within each bank */
	for (b = 0; b < nr_banks; b++) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, banks[b].nid);

		banks[b].first_seg = nr_segs;
		for (z = 0; z < PMM_MAX_NR_ZONES && nr_segs < MAX_SEGS; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			pmm_phys_addr_t zs = pmm_pfn_phys(m, zone->zone_start_pfn);
			pmm_phys_addr_t ze = pmm_pfn_phys(m, pmm_zone_end_pfn(zone));
			struct seg *s = &segs[nr_segs];
			size_t k;

			if (!zone->spanned_pages || ze <= banks[b].start || zs >= banks[b].end)
				continue;
			if ((z == PMM_ZONE_DEVICE) != banks[b].device)
				continue;	/* device ranges show ZONE_DEVICE only, memory never */
			s->start = PMM__MAX(zs, banks[b].start);
			s->end = PMM__MIN(ze, banks[b].end);
			snprintf(s->label, sizeof(s->label), "%s", zone->name);
			for (k = 0; s->label[k]; k++)
				if (s->label[k] >= 'a' && s->label[k] <= 'z')
					s->label[k] = (char)(s->label[k] - 'a' + 'A');
			nr_segs++;
			banks[b].nr_segs++;
		}
		if (nr_segs < MAX_SEGS && !banks[b].device) {
			/* hot-added blocks not online yet, at the bank's end or making it up */
			pmm_phys_addr_t tail = banks[b].nr_segs ? segs[nr_segs - 1].end : banks[b].start;

			if (tail < banks[b].end) {
				segs[nr_segs] = (struct seg){ tail, banks[b].end, "offline", 0 };
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

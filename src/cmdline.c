// SPDX-License-Identifier: MIT
/*
 * The kernel command line parameters that shape the physical memory
 * layout. Mirrors lib/cmdline.c (memparse), mm/mm_init.c
 * (cmdline_parse_kernelcore, cmdline_parse_movablecore), mm/memory_hotplug.c
 * (movable_node, memhp_default_state), arch/x86/kernel/e820.c (mem=, memmap=)
 * and arch/x86/mm/numa.c (numa=off). Unknown parameters are ignored, as
 * the kernel ignores them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int pmm__memparse(const char *s, const char **end, unsigned long long *out)
{
	unsigned long long v, mult = 1;
	char *e;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &e, 0);
	if (errno == ERANGE)
		return -ERANGE;
	switch (*e) {
	case 'E': case 'e': mult <<= 10; /* fall through */
	case 'P': case 'p': mult <<= 10; /* fall through */
	case 'T': case 't': mult <<= 10; /* fall through */
	case 'G': case 'g': mult <<= 10; /* fall through */
	case 'M': case 'm': mult <<= 10; /* fall through */
	case 'K': case 'k': mult <<= 10; e++; break;
	default: break;
	}
	if (mult > 1 && v > ~0ULL / mult)
		return -ERANGE;
	*out = v * mult;
	if (end)
		*end = e;
	return 0;
}

/* cmdline_parse_core(): "N%" or a size; the size becomes pages. */
static int parse_core(struct pmm_machine *m, const char *val, unsigned long *pages,
		      unsigned long *percent)
{
	unsigned long long bytes;
	const char *end;
	char *pe;
	unsigned long pct;

	if (!val)
		return -EINVAL;
	pct = strtoul(val, &pe, 10);
	if (pe != val && *pe == '%' && !pe[1]) {
		if (pct > 100) {	/* the kernel WARNs and ignores the value */
			pmm__pr_warn(m, "pmm: percentage %lu%% is above 100; ignored", pct);
			return -EINVAL;
		}
		*percent = pct;
		*pages = 0;
		return 0;
	}
	if (pmm__memparse(val, &end, &bytes) || *end)
		return -EINVAL;
	*pages = (unsigned long)(bytes >> m->view.page_shift);
	*percent = 0;
	return 0;
}

static int parse_memmap(struct pmm__cmdline *c, const char *val)
{
	unsigned long long size, start = 0;
	const char *p;
	char type;

	if (!strcmp(val, "exactmap")) {
		c->memmap_exactmap = true;
		return 0;
	}
	if (pmm__memparse(val, &p, &size))
		return -EINVAL;
	type = *p;
	if (type != '@' && type != '$' && type != '#' && type != '!')
		return -EINVAL;
	p++;
	if (pmm__memparse(p, &p, &start) || *p)
		return -EINVAL;
	if (c->nr_memmap == PMM__ARRAY_SIZE(c->memmap))
		return -ENOSPC;
	c->memmap[c->nr_memmap].type = type;
	c->memmap[c->nr_memmap].start = start;
	c->memmap[c->nr_memmap].size = size;
	c->nr_memmap++;
	return 0;
}

/* One "param=value" or "param" token. */
static void parse_param(struct pmm_machine *m, char *param)
{
	struct pmm__cmdline *c = &m->cmdline_params;
	char *val = strchr(param, '=');
	int err = 0;

	if (val)
		*val++ = '\0';
	if (!strcmp(param, "kernelcore")) {
		if (val && !strcmp(val, "mirror"))
			c->mirrored_kernelcore = true;
		else
			err = parse_core(m, val, &c->required_kernelcore,
					 &c->required_kernelcore_percent);
	} else if (!strcmp(param, "movablecore")) {
		err = parse_core(m, val, &c->required_movablecore,
				 &c->required_movablecore_percent);
	} else if (!strcmp(param, "movable_node")) {
		c->movable_node = true;
	} else if (!strcmp(param, "numa")) {
		if (val && !strcmp(val, "off"))
			c->numa_off = true;
	} else if (!strcmp(param, "mem")) {
		unsigned long long bytes;
		const char *end;

		if (!val || pmm__memparse(val, &end, &bytes) || *end)
			err = -EINVAL;
		else
			c->mem_limit = bytes;
	} else if (!strcmp(param, "memmap")) {
		err = val ? parse_memmap(c, val) : -EINVAL;
	} else if (!strcmp(param, "memhp_default_state")) {
		int t = pmm__online_type_from_name(val);

		if (t < 0)
			err = -EINVAL;
		else
			c->memhp_default_online_type = t;
	} else if (!strcmp(param, "memory_hotplug.online_policy")) {
		if (val && !strcmp(val, "auto-movable"))
			c->online_policy_auto_movable = true;
		else if (val && !strcmp(val, "contig-zones"))
			c->online_policy_auto_movable = false;
		else
			err = -EINVAL;
	} else if (!strcmp(param, "memory_hotplug.auto_movable_ratio")) {
		char *e;
		unsigned long r = val ? strtoul(val, &e, 10) : 0;

		if (!val || *e)
			err = -EINVAL;
		else
			c->auto_movable_ratio = r;
	}
	if (err)
		pmm__pr_warn(m, "pmm: malformed command-line parameter %s%s%s; ignored",
			     param, val ? "=" : "", val ? val : "");
}

int pmm__parse_cmdline(struct pmm_machine *m, const char *cmdline)
{
	struct pmm__cmdline *c = &m->cmdline_params;
	char *buf = pmm__strdup(cmdline ? cmdline : ""), *p;

	if (!buf)
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	c->memhp_default_online_type = -1;
	c->auto_movable_ratio = 301;
	p = buf;
	while (*p) {
		char *start, *out;
		bool quoted = false;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		/* next_arg(): a token ends at a space outside double quotes */
		start = out = p;
		while (*p && (quoted || !isspace((unsigned char)*p))) {
			if (*p == '"')
				quoted = !quoted;
			else
				*out++ = *p;
			p++;
		}
		if (*p)
			p++;
		*out = '\0';
		parse_param(m, start);
	}
	free(buf);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * A Linux boot log as a machine description. Reads what the kernel printed
 * in setup_arch() and mm init: "Linux version", the command line, "Early
 * memory node ranges", "Initmem setup node", "Fallback order for Node",
 * the x86 e820 map and ACPI SRAT lines, and the SMP bring-up lines.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

struct dmesg_range {
	unsigned long long	start, end;	/* end exclusive */
	int			nid;
	bool			hotplug;
};

struct dmesg {
	char			arch[32];
	char			version[64];
	char			*cmdline;
	struct dmesg_range	early[256], e820[64], srat[64];
	int			nr_early, nr_e820, nr_srat;
	bool			in_early;
	bool			node_seen[PMM_MAX_NUMNODES];
	int			fallback[PMM_MAX_NUMNODES][PMM_MAX_NUMNODES];
	int			nr_fallback[PMM_MAX_NUMNODES];
	bool			has_fallback[PMM_MAX_NUMNODES];
	pmm_cpumask_t		cpus[PMM_MAX_NUMNODES];
	bool			cpu_lines;
	int			nr_cpus, nr_cpu_nodes;
};

/* Drop "[    0.000000] ", "<6>" and "kernel: " prefixes. */
static const char *strip_prefix(const char *line)
{
	const char *p = line, *k;

	if (*p == '<') {
		const char *q = strchr(p, '>');

		if (q && q - p <= 4)
			p = q + 1;
	}
	if (*p == '[') {
		const char *q = strchr(p, ']');

		if (q)
			p = q + 1;
		if (*p == ' ')
			p++;
	}
	k = strstr(p, "kernel: ");
	if (k && k - p < 40 && !strstr(p, "Linux version"))
		p = k + 8;
	return p;
}

static bool parse_mem(const char *s, unsigned long long *start, unsigned long long *end)
{
	const char *m = strstr(s, "[mem ");

	if (!m || sscanf(m, "[mem %llx-%llx]", start, end) != 2 || *end < *start)
		return false;
	*end += 1;	/* printed inclusive */
	return true;
}

static void note_node(struct dmesg *g, int nid)
{
	if (nid >= 0 && nid < PMM_MAX_NUMNODES)
		g->node_seen[nid] = true;
}

static void arch_from_release(struct dmesg *g, const char *s)
{
	if (strstr(s, "amd64") || strstr(s, "x86_64"))
		snprintf(g->arch, sizeof(g->arch), "x86_64");
	else if (strstr(s, "686-pae") || strstr(s, "-pae"))
		snprintf(g->arch, sizeof(g->arch), "x86_32_pae");
	else if (strstr(s, "686") || strstr(s, "i386"))
		snprintf(g->arch, sizeof(g->arch), "x86_32");
	else if (strstr(s, "arm64-16k") || strstr(s, "16k"))
		snprintf(g->arch, sizeof(g->arch), "arm64_16k");
	else if (strstr(s, "arm64-64k") || strstr(s, "64k"))
		snprintf(g->arch, sizeof(g->arch), "arm64_64k");
	else if (strstr(s, "arm64") || strstr(s, "aarch64"))
		snprintf(g->arch, sizeof(g->arch), "arm64");
	else if (strstr(s, "riscv64"))
		snprintf(g->arch, sizeof(g->arch), "riscv64");
}

static void parse_line(struct dmesg *g, const char *raw)
{
	const char *s = strip_prefix(raw), *p;
	unsigned long long a, b;
	int nid, n;

	if (g->in_early) {
		if (sscanf(s, " node %d: ", &nid) == 1 && parse_mem(s, &a, &b)) {
			if (g->nr_early < (int)PMM__ARRAY_SIZE(g->early))
				g->early[g->nr_early++] = (struct dmesg_range){ a, b, nid, false };
			note_node(g, nid);
			return;
		}
		g->in_early = false;
	}
	if ((p = strstr(s, "Linux version ")) != NULL && !g->version[0]) {
		sscanf(p + 14, "%63s", g->version);
		arch_from_release(g, p);
	} else if ((p = strstr(s, "Kernel command line: ")) != NULL ||
		   (p = strstr(s, "Command line: ")) != NULL) {
		if (!g->cmdline) {
			size_t len;

			p = strchr(p, ':') + 2;
			g->cmdline = strdup(p);
			len = g->cmdline ? strlen(g->cmdline) : 0;
			while (len && isspace((unsigned char)g->cmdline[len - 1]))
				g->cmdline[--len] = '\0';
		}
	} else if (strstr(s, "Early memory node ranges")) {
		g->in_early = true;
		g->nr_early = 0;
	} else if (sscanf(s, "Initmem setup node %d", &nid) == 1) {
		note_node(g, nid);
	} else if (sscanf(s, "Fallback order for Node %d:%n", &nid, &n) == 1 &&
		   nid >= 0 && nid < PMM_MAX_NUMNODES) {
		int other, used;

		note_node(g, nid);
		g->has_fallback[nid] = true;
		g->nr_fallback[nid] = 0;
		p = s + n;
		while (sscanf(p, "%d%n", &other, &used) == 1) {
			if (g->nr_fallback[nid] < PMM_MAX_NUMNODES)
				g->fallback[nid][g->nr_fallback[nid]++] = other;
			note_node(g, other);
			p += used;
		}
	} else if (strstr(s, "BIOS-e820: ") && strstr(s, "usable") && parse_mem(s, &a, &b)) {
		if (g->nr_e820 < (int)PMM__ARRAY_SIZE(g->e820))
			g->e820[g->nr_e820++] = (struct dmesg_range){ a, b, 0, false };
	} else if ((p = strstr(s, "SRAT: Node ")) != NULL && sscanf(p, "SRAT: Node %d", &nid) == 1 &&
		   parse_mem(p, &a, &b)) {
		if (g->nr_srat < (int)PMM__ARRAY_SIZE(g->srat))
			g->srat[g->nr_srat++] = (struct dmesg_range){ a, b, nid, strstr(p, "hotplug") };
		note_node(g, nid);
	} else if ((p = strstr(s, ".... node ")) != NULL && sscanf(p, ".... node #%d", &nid) == 1) {
		/* x86 smpboot: ".... node  #1, CPUs:      #1" */
		p = strstr(p, "CPUs:");
		g->cpu_lines = true;
		note_node(g, nid);
		while (p && (p = strchr(p, '#')) != NULL) {
			int cpu = atoi(p + 1);

			if (nid >= 0 && nid < PMM_MAX_NUMNODES && cpu >= 0 && cpu < PMM_NR_CPUS)
				pmm_cpumask_set_cpu(cpu, &g->cpus[nid]);
			p++;
		}
	} else if ((p = strstr(s, "smp: Brought up ")) != NULL) {
		if (sscanf(p, "smp: Brought up %d nodes, %d CPUs", &g->nr_cpu_nodes, &g->nr_cpus) != 2 &&
		    sscanf(p, "smp: Brought up %d node, %d CPU", &g->nr_cpu_nodes, &g->nr_cpus) != 2)
			g->nr_cpus = 0;
	}
}

static int srat_node(const struct dmesg *g, unsigned long long addr)
{
	int i;

	for (i = 0; i < g->nr_srat; i++)
		if (addr >= g->srat[i].start && addr < g->srat[i].end)
			return g->srat[i].nid;
	return 0;
}

static bool srat_hotplug(const struct dmesg *g, unsigned long long start, unsigned long long end)
{
	int i;

	for (i = 0; i < g->nr_srat; i++)
		if (g->srat[i].hotplug && start >= g->srat[i].start && end <= g->srat[i].end)
			return true;
	return false;
}

static int build_desc(struct dmesg *g, struct pmm_machine_desc *d, char *err, size_t err_len,
		      const char *path)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << d->arch->page_shift;
	int nid, i, first = -1, nr_nodes = 0, rc;

	/* memory: the early node ranges, else the usable e820 map without page 0 */
	if (!g->nr_early) {
		for (i = 0; i < g->nr_e820; i++) {
			unsigned long long s = PMM__ALIGN(PMM__MAX(g->e820[i].start, 0x1000ULL), page);
			unsigned long long e = g->e820[i].end & ~(page - 1);

			if (s < e && g->nr_early < (int)PMM__ARRAY_SIZE(g->early)) {
				g->early[g->nr_early++] = (struct dmesg_range){ s, e, srat_node(g, s),
										false };
				note_node(g, srat_node(g, s));
			}
		}
	}
	if (!g->nr_early) {
		snprintf(err, err_len, "%s: no \"Early memory node ranges\" block and no e820 map",
			 path);
		return -EINVAL;
	}
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++)
		if (g->node_seen[nid]) {
			nr_nodes++;
			if (first < 0)
				first = nid;
		}
	/* CPUs: the SMP lines, CPU 0 on the first node; else spread evenly */
	if (g->cpu_lines) {
		pmm_cpumask_set_cpu(0, &g->cpus[first]);
	} else {
		int cpus = g->nr_cpus > 0 ? g->nr_cpus : 1, cpu = 0, k = 0;

		for (nid = 0; nid < PMM_MAX_NUMNODES && cpu < cpus; nid++) {
			int share;

			if (!g->node_seen[nid])
				continue;
			share = (cpus - cpu) / (nr_nodes - k);
			for (i = 0; i < share; i++)
				pmm_cpumask_set_cpu(cpu++, &g->cpus[nid]);
			k++;
		}
	}
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		char list[1024];

		if (!g->node_seen[nid])
			continue;
		pmm_cpulist_print(list, sizeof(list), &g->cpus[nid]);
		rc = pmm_machine_desc_add_node(d, nid, list);
		if (rc)
			goto fail;
	}
	/* distances that reproduce each printed fallback order */
	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		int other, rank = 0;

		if (!g->has_fallback[nid])
			continue;
		for (i = 0; i < g->nr_fallback[nid]; i++) {
			other = g->fallback[nid][i];
			if (other == nid || !g->node_seen[other])
				continue;
			rc = pmm_machine_desc_set_distance(d, nid, other, 20 + 10 * rank++);
			if (rc)
				goto fail;
		}
		for (other = 0; other < PMM_MAX_NUMNODES; other++) {
			bool listed = other == nid;

			for (i = 0; i < g->nr_fallback[nid] && !listed; i++)
				listed = g->fallback[nid][i] == other;
			if (!listed && g->node_seen[other]) {
				rc = pmm_machine_desc_set_distance(d, nid, other,
								   PMM__MIN(20 + 10 * rank, 254));
				if (rc)
					goto fail;
			}
		}
	}
	for (i = 0; i < g->nr_early; i++) {
		unsigned int flags = srat_hotplug(g, g->early[i].start, g->early[i].end) ?
				     PMM_MEMORY_HOTPLUGGABLE : 0;

		rc = pmm_machine_desc_add_memory(d, g->early[i].start, g->early[i].end,
						 g->early[i].nid, flags);
		if (rc)
			goto fail;
	}
	rc = pmm_machine_desc_set_cmdline(d, g->cmdline ? g->cmdline : "");
	if (!rc)
		return 0;
fail:
	snprintf(err, err_len, "%s: %s", path, pmm_machine_desc_error(d));
	return rc;
}

int pmm_machine_desc_from_dmesg(const char *path, struct pmm_machine_desc **out, char *errbuf,
				size_t err_len)
{
	char localerr[512], line[4096];
	char *err = errbuf && err_len ? errbuf : localerr;
	struct pmm_machine_desc *d = NULL;
	struct dmesg *g;
	FILE *f;
	int rc;

	if (err == localerr)
		err_len = sizeof(localerr);
	err[0] = '\0';
	*out = NULL;
	f = fopen(path, "r");
	if (!f) {
		rc = -errno;
		snprintf(err, err_len, "%s: %s", path, strerror(-rc));
		return rc;
	}
	g = calloc(1, sizeof(*g));
	if (!g) {
		fclose(f);
		return -ENOMEM;
	}
	while (fgets(line, sizeof(line), f))
		parse_line(g, line);
	fclose(f);

	if (!g->arch[0]) {
		snprintf(err, err_len, "%s: no \"Linux version\" line: cannot tell the architecture",
			 path);
		rc = -EINVAL;
		goto out;
	}
	rc = pmm_machine_desc_create(g->arch, &d);
	if (rc)
		goto out;
	if (g->version[0] && pmm_machine_desc_set_kernel(d, g->version))
		pmm_machine_desc_set_kernel(d, "6.12");	/* unknown version: the default rules */
	rc = build_desc(g, d, err, err_len, path);
	if (!rc) {
		*out = d;
		d = NULL;
	}
out:
	pmm_machine_desc_destroy(d);
	free(g->cmdline);
	free(g);
	return rc;
}

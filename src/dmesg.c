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
	unsigned long		lineno;		/* of the line being read */
	char			bad[160];	/* why the log was refused, if it was */
	/* the kernel's build: zones of the "Zone ranges" block, NUMA ("Policy zone") */
	bool			in_zones, zones_block, built_zonelists, policy_zone;
	unsigned int		zones_listed, zones_empty;
	unsigned long long	zone_end[PMM_MAX_NR_ZONES];	/* of the listed ones */
	/* which architecture the lines are from, where the release does not say */
	unsigned int		signs;		/* SIGN_* */
	long			dma_reserved;	/* "DMA zone: N pages reserved" (before 5.13), or -1 */
	char			foreign[32];	/* an architecture pmm does not model */
	unsigned long long	swap_kb;	/* "Adding Nk swap on ...": usable swap, summed */
};

enum { SIGN_X86 = 1, SIGN_ARM64 = 2, SIGN_RISCV = 4 };

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

/*
 * Numbers from the log: strtol/strtoull with overflow detection (sscanf's %d
 * is undefined on overflow). *p moves past the number; false if there is none.
 */
static bool get_long(const char **p, int base, long *out)
{
	char *end;

	errno = 0;
	*out = strtol(*p, &end, base);
	if (end == *p || errno)
		return false;
	*p = end;
	return true;
}

static bool get_ull(const char **p, unsigned long long *out)
{
	char *end;

	if (**p == '-')
		return false;
	errno = 0;
	*out = strtoull(*p, &end, 16);
	if (end == *p || errno)
		return false;
	*p = end;
	return true;
}

/*
 * After leading blanks and the literal prefix, a decimal number, with an
 * optional '#': "Initmem setup node 3", ".... node  #1, CPUs:".
 */
static bool after(const char *s, const char *prefix, long *out, const char **rest)
{
	const char *p;

	while (*s == ' ')
		s++;
	if (strncmp(s, prefix, strlen(prefix)))
		return false;
	p = s + strlen(prefix);
	while (*p == ' ')
		p++;
	if (*p == '#')
		p++;
	if (!get_long(&p, 10, out))
		return false;
	if (rest)
		*rest = p;
	return true;
}

/* "[mem 0x...-0x...]", printed inclusive; false if absent or malformed */
static bool parse_mem(const char *s, unsigned long long *start, unsigned long long *end)
{
	const char *p = strstr(s, "[mem ");

	if (!p)
		return false;
	p += 5;
	if (!get_ull(&p, start) || *p++ != '-' || !get_ull(&p, end) || *p != ']' ||
	    *end < *start || *end == ~0ULL)
		return false;
	*end += 1;
	return true;
}

/* Refuse the log: a number out of range on the current line. */
static void refuse(struct dmesg *g, const char *what, long value, long max)
{
	if (!g->bad[0])
		snprintf(g->bad, sizeof(g->bad), "line %lu: %s %ld is out of range 0..%ld",
			 g->lineno, what, value, max);
}

static bool node_ok(struct dmesg *g, long nid)
{
	if (nid >= 0 && nid < PMM_MAX_NUMNODES)
		return true;
	refuse(g, "node", nid, PMM_MAX_NUMNODES - 1);
	return false;
}

static void note_node(struct dmesg *g, long nid)
{
	if (node_ok(g, nid))
		g->node_seen[nid] = true;
}

/* The architecture a release string or compiler triple names, if it names one. */
static const char *arch_named(const char *s)
{
	if (strstr(s, "amd64") || strstr(s, "x86_64") || strstr(s, "x86-64"))
		return "x86_64";
	if (strstr(s, "686-pae") || strstr(s, "-pae"))
		return "x86_32_pae";
	if (strstr(s, "686") || strstr(s, "i386"))
		return "x86_32";
	if (strstr(s, "arm64-16k"))
		return "arm64_16k";
	if (strstr(s, "arm64-64k"))
		return "arm64_64k";
	if (strstr(s, "arm64") || strstr(s, "aarch64"))
		return "arm64";
	if (strstr(s, "riscv64"))
		return "riscv64";
	return NULL;
}

/* Architectures pmm has no profile for, by the names their logs use. */
static const char *foreign_named(const char *s)
{
	static const struct { const char *sign, *name; } foreign[] = {
		{ "ppc64", "powerpc64" }, { "powerpc64", "powerpc64" }, { "powerpc", "powerpc" },
		{ "PowerPC", "powerpc" },
		{ "s390", "s390" }, { "loongarch", "loongarch64" }, { "LoongArch", "loongarch64" },
		{ "mips", "mips" }, { "MIPS", "mips" }, { "sparc", "sparc64" },
		{ "armv7", "arm (32-bit)" }, { "ARMv7", "arm (32-bit)" }, { "armhf", "arm (32-bit)" },
		{ "-armmp", "arm (32-bit)" }, { "(arm-", "arm (32-bit)" }, { "armv6", "arm (32-bit)" },
		{ "parisc", "parisc" }, { "alpha", "alpha" },
	};
	size_t i;

	for (i = 0; i < PMM__ARRAY_SIZE(foreign); i++)
		if (strstr(s, foreign[i].sign))
			return foreign[i].name;
	return NULL;
}

/* "Linux version RELEASE (builder) (compiler ...)": the release, then the compiler triple */
static void arch_from_version_line(struct dmesg *g, const char *line)
{
	char release[64] = "";
	const char *a, *f;

	sscanf(line, "%63s", release);
	a = arch_named(release);
	if (!a && (strstr(line, "-linux-gnu") || strstr(line, "-linux-")))
		a = arch_named(line);	/* x86_64-linux-gnu-gcc, aarch64-linux-gnu-gcc, ... */
	if (a) {
		snprintf(g->arch, sizeof(g->arch), "%s", a);
		return;
	}
	f = foreign_named(release);
	if (!f && strstr(line, "-linux-"))
		f = foreign_named(line);
	if (f)
		snprintf(g->foreign, sizeof(g->foreign), "%s", f);
}

/* Lines only one architecture prints. */
static void note_arch_signs(struct dmesg *g, const char *s)
{
	/* 32-bit arm also boots "on physical CPU"; its CPU line says which it is */
	if (!g->foreign[0] && (!strncmp(s, "CPU: ARMv", 9) || strstr(s, "ARMv7 Processor") ||
			       strstr(s, "ARMv6-compatible processor")))
		snprintf(g->foreign, sizeof(g->foreign), "arm (32-bit)");
	else if (!g->foreign[0] && (!strncmp(s, "MIPS: machine is", 16) ||
				    strstr(s, "CPU0 revision is:")))
		snprintf(g->foreign, sizeof(g->foreign), "mips");
	if (strstr(s, "BIOS-e820: ") || strstr(s, "x86/fpu: ") || strstr(s, "x86/PAT: ") ||
	    strstr(s, "x86/cpu: ") || strstr(s, "x86: Booting SMP"))
		g->signs |= SIGN_X86;
	else if (strstr(s, "Booting Linux on physical CPU ") || strstr(s, "CPU features: ") ||
		 strstr(s, "psci: "))
		g->signs |= SIGN_ARM64;
	else if (!strncmp(s, "riscv: ", 7) || strstr(s, "SBI specification v") ||
		 strstr(s, "riscv-intc") || strstr(s, "RISC-V"))
		g->signs |= SIGN_RISCV;
}

/* A "Zone ranges" line: "  DMA32    [mem ...]" or "  DMA32    empty"; false at the block's end */
static bool zone_range_line(struct dmesg *g, const char *s)
{
	char name[16];
	int z;

	if (*s != ' ' || sscanf(s, "%15s", name) != 1)
		return false;
	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		unsigned long long a, b;

		if (strcmp(name, pmm_zone_names[z]))
			continue;
		if (parse_mem(s, &a, &b)) {
			g->zone_end[z] = b;
		} else if (strstr(s, "empty")) {
			g->zones_empty |= 1u << z;
		} else {
			return false;
		}
		g->zones_listed |= 1u << z;
		return true;
	}
	return false;
}

static void parse_line(struct dmesg *g, const char *raw)
{
	const char *s = strip_prefix(raw), *p;
	unsigned long long a, b;
	long nid, v;

	note_arch_signs(g, s);
	if (g->in_zones) {
		if (zone_range_line(g, s))
			return;
		g->in_zones = false;
	}
	if (g->in_early) {
		if (after(s, "node", &nid, &p) && *p == ':' && parse_mem(s, &a, &b)) {
			if (node_ok(g, nid) && g->nr_early < (int)PMM__ARRAY_SIZE(g->early))
				g->early[g->nr_early++] = (struct dmesg_range){ a, b, (int)nid, false };
			note_node(g, nid);
			return;
		}
		g->in_early = false;
	}
	if ((p = strstr(s, "Linux version ")) != NULL && !g->version[0]) {
		sscanf(p + 14, "%63s", g->version);
		arch_from_version_line(g, p + 14);
	} else if (strstr(s, "Zone ranges:")) {
		g->in_zones = g->zones_block = true;
		g->zones_listed = g->zones_empty = 0;
		memset(g->zone_end, 0, sizeof(g->zone_end));
	} else if ((p = strstr(s, "DMA zone: ")) != NULL && strstr(p, " pages reserved")) {
		p += 10;
		if (get_long(&p, 10, &v) && v >= 0)
			g->dma_reserved = v;
	} else if (strstr(s, "Policy zone: ")) {
		g->policy_zone = true;
	} else if (strstr(s, "Built ") && strstr(s, " zonelists")) {
		g->built_zonelists = true;
	} else if ((p = strstr(s, "Kernel command line: ")) != NULL ||
		   (p = strstr(s, "Command line: ")) != NULL) {
		if (!g->cmdline) {
			size_t len;

			p = strchr(p, ':') + 2;
			g->cmdline = pmm__strdup(p);
			len = g->cmdline ? strlen(g->cmdline) : 0;
			while (len && isspace((unsigned char)g->cmdline[len - 1]))
				g->cmdline[--len] = '\0';
		}
	} else if (strstr(s, "Early memory node ranges")) {
		g->in_early = true;
		g->nr_early = 0;
	} else if (after(s, "Initmem setup node", &nid, NULL)) {
		note_node(g, nid);
	} else if (after(s, "Fallback order for Node", &nid, &p) && *p == ':') {
		if (!node_ok(g, nid))
			return;
		note_node(g, nid);
		g->has_fallback[nid] = true;
		g->nr_fallback[nid] = 0;
		p++;
		while (get_long(&p, 10, &v)) {
			if (!node_ok(g, v))
				return;
			if (g->nr_fallback[nid] < PMM_MAX_NUMNODES)
				g->fallback[nid][g->nr_fallback[nid]++] = (int)v;
			note_node(g, v);
		}
	} else if (strstr(s, "BIOS-e820: ") && strstr(s, "usable") && parse_mem(s, &a, &b)) {
		if (g->nr_e820 < (int)PMM__ARRAY_SIZE(g->e820))
			g->e820[g->nr_e820++] = (struct dmesg_range){ a, b, 0, false };
	} else if ((p = strstr(s, "SRAT: Node ")) != NULL && after(p, "SRAT: Node", &nid, NULL) &&
		   parse_mem(p, &a, &b)) {
		if (!node_ok(g, nid))
			return;
		if (g->nr_srat < (int)PMM__ARRAY_SIZE(g->srat))
			g->srat[g->nr_srat++] = (struct dmesg_range){ a, b, (int)nid,
								      strstr(p, "hotplug") };
		note_node(g, nid);
	} else if ((p = strstr(s, ".... node ")) != NULL && after(p, ".... node", &nid, &p)) {
		/* x86 smpboot: ".... node  #1, CPUs:      #1" */
		if (!node_ok(g, nid))
			return;
		p = strstr(p, "CPUs:");
		g->cpu_lines = true;
		note_node(g, nid);
		while (p && (p = strchr(p, '#')) != NULL) {
			p++;
			if (!get_long(&p, 10, &v))
				continue;
			if (v < 0 || v >= PMM_NR_CPUS) {
				refuse(g, "CPU", v, PMM_NR_CPUS - 1);
				return;
			}
			pmm_cpumask_set_cpu((int)v, &g->cpus[nid]);
		}
	} else if ((p = strstr(s, "Adding ")) != NULL && strstr(p, "k swap on ")) {
		long kb;

		p += 7;
		if (get_long(&p, 10, &kb) && !strncmp(p, "k swap on ", 10) && kb > 0 &&
		    kb < 1L << 40)
			g->swap_kb += (unsigned long long)kb;
	} else if ((p = strstr(s, "smp: Brought up ")) != NULL) {
		long nodes, cpus;

		p += 16;
		if (get_long(&p, 10, &nodes) && !strncmp(p, " node", 5) && (p = strchr(p, ',')) &&
		    (++p, get_long(&p, 10, &cpus)) && cpus > 0 && cpus <= PMM_NR_CPUS &&
		    nodes > 0 && nodes <= PMM_MAX_NUMNODES) {
			g->nr_cpu_nodes = (int)nodes;
			g->nr_cpus = (int)cpus;
		} else {
			g->nr_cpus = 0;
		}
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

/*
 * What every x86 kernel reserves before the zones are sized, which a log
 * does not list but its "Total pages" counts (dma_reserve): since 5.13 the
 * whole first MiB ("x86/setup: Always reserve the first 1M of RAM"); before,
 * the first 64 KiB (CONFIG_X86_RESERVE_LOW) and the real-mode trampoline,
 * which those kernels print as "DMA zone: N pages reserved" at a debug
 * loglevel: N pages of the lowest memory are reserved then, else the
 * trampoline is taken as 24 KiB at the top of memory below 1 MiB.
 */
static int x86_early_reservations(const struct dmesg *g, struct pmm_machine_desc *d)
{
	unsigned long long left, page = 1ULL << d->arch->page_shift;
	int i, rc;

	if (d->arch->id != PMM_ARCH_X86_64 && d->arch->id != PMM_ARCH_X86_32 &&
	    d->arch->id != PMM_ARCH_X86_32_PAE)
		return 0;
	if (g->dma_reserved < 0 && d->kernel_version >= PMM_KERNEL_VERSION(5, 13))
		return pmm_machine_desc_add_reserved(d, 0, 1ULL << 20);
	if (g->dma_reserved < 0) {
		/* the first 64 KiB, and the trampoline at the top of memory below 1 MiB:
		 * 24 KiB, which is what the 5.11 log's "DMA zone: 21 pages reserved" leaves */
		unsigned long long top = 0;

		for (i = 0; i < g->nr_early; i++)
			if (g->early[i].end <= 1ULL << 20)
				top = g->early[i].end;
		rc = pmm_machine_desc_add_reserved(d, 0, 64 << 10);
		if (!rc && top > (64 << 10) + (24 << 10))
			rc = pmm_machine_desc_add_reserved(d, top - (24 << 10), top);
		return rc;
	}
	left = (unsigned long long)g->dma_reserved * page;
	for (i = 0; i < g->nr_early && left; i++) {
		unsigned long long n = g->early[i].end - g->early[i].start;

		n = n < left ? n : left;
		rc = pmm_machine_desc_add_reserved(d, g->early[i].start, g->early[i].start + n);
		if (rc)
			return rc;
		left -= n;
	}
	return 0;
}

/*
 * Early ranges that touch on the same node were kept apart by memblock, so
 * their flags differ: firmware's nomap regions between usable memory. Which
 * of a run is nomap the log does not say; the largest is taken as usable
 * and the others alternate from it, which keeps every printed range.
 */
static bool adjacent_nomap(const struct dmesg *g, int i)
{
	int first = i, last = i, k, largest;

	while (first > 0 && g->early[first - 1].end == g->early[first].start &&
	       g->early[first - 1].nid == g->early[first].nid)
		first--;
	while (last + 1 < g->nr_early && g->early[last].end == g->early[last + 1].start &&
	       g->early[last + 1].nid == g->early[last].nid)
		last++;
	for (largest = k = first; k <= last; k++)
		if (g->early[k].end - g->early[k].start >
		    g->early[largest].end - g->early[largest].start)
			largest = k;
	return (i > largest ? i - largest : largest - i) & 1;
}

/*
 * Where the log's DMA and DMA32 zones end (firmware and the build decide:
 * arm64's zone_dma_bits, DT dma-ranges), and Normal where HighMem follows
 * (the lowmem limit, vmalloc= and the build's): the boot then lays the
 * zones out as printed. An empty zone ends where the zone below it does, or
 * where memory starts.
 */
static int zone_ends(const struct dmesg *g, struct pmm_machine_desc *d, char *err,
		     size_t err_len, const char *path)
{
	unsigned long long below = ~0ULL;
	int z, i;

	for (i = 0; i < g->nr_early; i++)
		below = PMM__MIN(below, g->early[i].start);
	if (below == ~0ULL)
		below = 0;
	for (z = PMM_ZONE_DMA; z <= PMM_ZONE_NORMAL; z++) {
		unsigned long long end = g->zone_end[z];

		if (!(g->zones_listed & (1u << z)))
			continue;
		if (g->zones_empty & (1u << z))
			end = below;
		below = PMM__MAX(below, end);
		if (z == PMM_ZONE_NORMAL && !(g->zones_listed & (1u << PMM_ZONE_HIGHMEM)))
			break;
		if (end && pmm__desc_set_zone_end(d, z, end)) {
			snprintf(err, err_len, "%s: %s", path, pmm_machine_desc_error(d));
			return -EINVAL;
		}
	}
	return 0;
}

/* The kernel's build as the log shows it: its zones ("Zone ranges" lists all but Movable), NUMA */
static int kernel_build(struct dmesg *g, struct pmm_machine_desc *d, char *err, size_t err_len,
			const char *path)
{
	unsigned int zones = g->zones_block ? g->zones_listed | (1u << PMM_ZONE_MOVABLE) : 0;
	int numa = g->built_zonelists ? g->policy_zone : -1;

	if (g->zones_block && !(g->zones_listed & (1u << PMM_ZONE_NORMAL)))
		zones = 0;	/* a truncated block: keep the version's zones */
	if ((zones || numa >= 0) && pmm_machine_desc_set_kernel_config(d, zones, numa)) {
		snprintf(err, err_len, "%s: its \"Zone ranges\" do not fit %s: %s%s", path,
			 d->arch->name, pmm_machine_desc_error(d),
			 g->arch[0] ? "" : " (say the architecture with --arch)");
		return -EINVAL;
	}
	return zones ? zone_ends(g, d, err, err_len, path) : 0;
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
	if (first < 0) {
		snprintf(err, err_len, "%s: memory ranges but no node", path);
		return -EINVAL;
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

		if (adjacent_nomap(g, i))
			flags |= PMM_MEMORY_NOMAP;

		rc = pmm_machine_desc_add_memory(d, g->early[i].start, g->early[i].end,
						 g->early[i].nid, flags);
		if (rc)
			goto fail;
	}
	rc = x86_early_reservations(g, d);
	if (!rc)
		rc = pmm_machine_desc_set_cmdline(d, g->cmdline ? g->cmdline : "");
	/* the swap devices swapon added, as one device: their slots and a header page */
	if (!rc && g->swap_kb)
		rc = pmm_machine_desc_set_swap(d, g->swap_kb * 1024 + page);
	if (!rc)
		return 0;
fail:
	snprintf(err, err_len, "%s: %s", path, pmm_machine_desc_error(d));
	return rc;
}

/*
 * The architecture: @arch if the caller knows it, else the release or the
 * compiler in the "Linux version" line, else lines only one architecture
 * prints (x86's e820 map and x86/ lines, arm64's "Booting Linux on physical
 * CPU", riscv's SBI lines). 32-bit x86 lists HighMem among its zones, and
 * PAE shows as memory above 4 GiB.
 */
static int decide_arch(struct dmesg *g, const char *arch, const char *name, char *err,
		       size_t err_len)
{
	static const char *const sign_names[] = { "x86", "arm64", "riscv64" };	/* SIGN_* bits */

	if (arch) {
		if (!pmm_arch_lookup(arch)) {
			snprintf(err, err_len, "%s: unknown architecture \"%s\" (x86_64, x86_32, "
				 "x86_32_pae, arm64, arm64_16k, arm64_64k or riscv64)", name, arch);
			return -EINVAL;
		}
		snprintf(g->arch, sizeof(g->arch), "%s", arch);
		return 0;
	}
	if (g->arch[0])
		return 0;
	if (g->foreign[0]) {
		snprintf(err, err_len, "%s: the log of a kernel for %s: pmm models x86_64, x86_32, "
			 "arm64 and riscv64", name, g->foreign);
		return -EINVAL;
	}
	if (g->signs == SIGN_X86) {
		bool above_4g = false;
		int i;

		for (i = 0; i < g->nr_early; i++)
			above_4g |= g->early[i].end > (1ULL << 32);
		for (i = 0; i < g->nr_e820; i++)
			above_4g |= g->e820[i].end > (1ULL << 32);
		snprintf(g->arch, sizeof(g->arch), "%s",
			 !(g->zones_listed & (1u << PMM_ZONE_HIGHMEM)) ? "x86_64" :
			 above_4g ? "x86_32_pae" : "x86_32");
		return 0;
	}
	if (g->signs == SIGN_ARM64 || g->signs == SIGN_RISCV) {
		snprintf(g->arch, sizeof(g->arch), "%s",
			 g->signs == SIGN_ARM64 ? "arm64" : "riscv64");
		return 0;
	}
	if (g->signs) {
		char seen[64] = "";
		size_t i, len = 0;

		for (i = 0; i < PMM__ARRAY_SIZE(sign_names); i++)
			if (g->signs & (1u << i))
				len += (size_t)snprintf(seen + len, sizeof(seen) - len, "%s%s",
							len ? ", " : "", sign_names[i]);
		snprintf(err, err_len, "%s: lines of more than one architecture (%s): say which "
			 "with --arch", name, seen);
		return -EINVAL;
	}
	snprintf(err, err_len, "%s: nothing says which architecture this log is from (the "
		 "\"Linux version\" line names none, and there are no e820/x86, \"Booting Linux "
		 "on physical CPU\" or riscv/SBI lines): say which with --arch", name);
	return -EINVAL;
}

int pmm_machine_desc_from_dmesg_buffer(const char *text, size_t len, const char *name,
				       struct pmm_machine_desc **out, char *errbuf, size_t err_len)
{
	return pmm_machine_desc_from_dmesg_buffer_arch(text, len, name, NULL, out, errbuf,
						       err_len);
}

int pmm_machine_desc_from_dmesg_buffer_arch(const char *text, size_t len, const char *name,
					    const char *arch, struct pmm_machine_desc **out,
					    char *errbuf, size_t err_len)
{
	char localerr[512];
	char *err = errbuf && err_len ? errbuf : localerr, *copy, *line, *end;
	struct pmm_machine_desc *d = NULL;
	struct dmesg *g;
	int rc;

	if (err == localerr)
		err_len = sizeof(localerr);
	err[0] = '\0';
	*out = NULL;
	if (!name)
		name = "(buffer)";
	if (!text)
		return -EINVAL;
	/* one writable copy, cut into lines in place; a NUL byte ends its line early */
	copy = pmm__malloc(len + 1);
	g = pmm__calloc(1, sizeof(*g));
	if (g)
		g->dma_reserved = -1;
	if (!copy || !g) {
		free(copy);
		free(g);
		snprintf(err, err_len, "%s: out of memory", name);
		return -ENOMEM;
	}
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; line < copy + len && !g->bad[0]; line = end + 1) {
		end = memchr(line, '\n', (size_t)(copy + len - line));
		if (!end)
			end = copy + len;
		*end = '\0';
		g->lineno++;
		parse_line(g, line);
	}
	free(copy);

	if (g->bad[0]) {
		snprintf(err, err_len, "%s: %s", name, g->bad);
		rc = -EINVAL;
		goto out;
	}
	rc = decide_arch(g, arch, name, err, err_len);
	if (rc)
		goto out;
	rc = pmm_machine_desc_create(g->arch, &d);
	if (rc) {
		snprintf(err, err_len, "%s: %s", name, rc == -ENOMEM ? "out of memory" :
			 "no architecture profile");
		goto out;
	}
	if (g->version[0] && pmm_machine_desc_set_kernel(d, g->version))
		pmm_machine_desc_set_kernel(d, "6.12");	/* unknown version: the default rules */
	rc = kernel_build(g, d, err, err_len, name);
	if (!rc)
		rc = build_desc(g, d, err, err_len, name);
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

int pmm_machine_desc_from_dmesg(const char *path, struct pmm_machine_desc **out, char *err,
				size_t err_len)
{
	return pmm__desc_from_file(path, pmm_machine_desc_from_dmesg_buffer, out, err, err_len);
}

int pmm_machine_desc_from_dmesg_arch(const char *path, const char *arch,
				     struct pmm_machine_desc **out, char *err, size_t err_len)
{
	char *text;
	size_t len;
	int rc;

	*out = NULL;
	rc = pmm__read_file(path, PMM__MAX_INPUT_BYTES, &text, &len, err, err_len);
	if (rc)
		return rc;
	rc = pmm_machine_desc_from_dmesg_buffer_arch(text, len, path, arch, out, err, err_len);
	free(text);
	return rc;
}

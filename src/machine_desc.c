// SPDX-License-Identifier: MIT
/*
 * Machine descriptions: what the readers (machine files, boot logs, hwloc
 * topologies, this host) fill and pmm_boot() consumes. Nothing here knows
 * about a booted machine: data flows from the readers through this file to
 * the boot (machine.c), never back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* ---- descriptions ---------------------------------------------------------------------- */

int pmm__desc_fail(struct pmm_machine_desc *d, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
	va_end(ap);
	return err;
}

static void desc_ok(struct pmm_machine_desc *d)
{
	d->error[0] = '\0';
}

int pmm_machine_desc_create(const char *arch, struct pmm_machine_desc **out)
{
	const struct pmm_arch_profile *a = pmm_arch_lookup(arch);
	struct pmm_machine_desc *d;
	int i;

	*out = NULL;
	if (!a)
		return -EINVAL;
	d = pmm__calloc(1, sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->build = *a;
	d->arch = &d->build;
	d->kernel_version = PMM_KERNEL_VERSION(6, 12);
	d->auto_online = -1;
	d->sysctl.min_free_kbytes = -1;
	d->sysctl.watermark_scale_factor = -1;
	d->sysctl.percpu_pagelist_high_fraction = -1;
	d->sysctl.watermark_boost_factor = -1;
	d->sysctl.min_unmapped_ratio = -1;
	d->sysctl.min_slab_ratio = -1;
	d->sysctl.extfrag_threshold = -1;
	d->sysctl.compaction_proactiveness = -1;
	d->sysctl.compact_unevictable_allowed = -1;
	d->sysctl.swappiness = -1;
	d->sysctl.zone_reclaim_mode = -1;
	d->sysctl.dirty_ratio = -1;
	d->sysctl.dirty_background_ratio = -1;
	d->sysctl.overcommit_ratio = -1;
	for (i = 0; i < PMM_MAX_NR_ZONES; i++)
		d->sysctl.lowmem_reserve_ratio[i] = -1;
	for (i = 0; i < PMM_MAX_NUMNODES; i++)
		d->nodes[i].host_node = PMM_NUMA_NO_NODE;
	*out = d;
	return 0;
}

void pmm_machine_desc_destroy(struct pmm_machine_desc *d)
{
	if (!d)
		return;
	free(d->memory);
	free(d->reserved);
	free(d->hotplug);
	free(d->cmdline);
	free(d);
}

const char *pmm_machine_desc_error(const struct pmm_machine_desc *d)
{
	return d->error;
}

static bool node_declared(const struct pmm_machine_desc *d, int nid)
{
	return nid >= 0 && nid < PMM_MAX_NUMNODES && d->nodes[nid].declared;
}

int pmm_machine_desc_add_node(struct pmm_machine_desc *d, int nid, const char *cpulist)
{
	pmm_cpumask_t cpus;
	int err, other, cpu;

	if (nid < 0 || nid >= PMM_MAX_NUMNODES)
		return pmm__desc_fail(d, -EINVAL,
				      "node %d: node ids must be 0..%d (PMM_MAX_NUMNODES is %d)",
				      nid, PMM_MAX_NUMNODES - 1, PMM_MAX_NUMNODES);
	if (d->nodes[nid].declared)
		return pmm__desc_fail(d, -EINVAL, "node %d is declared twice", nid);
	err = pmm_cpulist_parse(cpulist, &cpus);
	if (err == -ERANGE)
		return pmm__desc_fail(d, err, "node %d: CPU list \"%s\" names a CPU >= %d",
				      nid, cpulist, PMM_NR_CPUS);
	if (err)
		return pmm__desc_fail(d, err, "node %d: malformed CPU list \"%s\"", nid, cpulist);
	for (other = 0; other < PMM_MAX_NUMNODES; other++) {
		if (!d->nodes[other].declared)
			continue;
		pmm_for_each_cpu(cpu, &cpus)
			if (pmm_cpumask_test_cpu(cpu, &d->nodes[other].cpus))
				return pmm__desc_fail(d, -EINVAL,
						      "node %d: CPU %d already belongs to node %d",
						      nid, cpu, other);
	}
	d->nodes[nid].declared = true;
	d->nodes[nid].cpus = cpus;
	for (other = 0; other < PMM_MAX_NUMNODES; other++) {
		if (!d->nodes[other].declared)
			continue;
		d->distance[nid][other] = other == nid ? PMM__LOCAL_DISTANCE : PMM__REMOTE_DISTANCE;
		d->distance[other][nid] = d->distance[nid][other];
	}
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_distance(struct pmm_machine_desc *d, int from, int to, int distance)
{
	if (!node_declared(d, from) || !node_declared(d, to))
		return pmm__desc_fail(d, -EINVAL, "distance %d -> %d: node %d is not declared",
				      from, to, node_declared(d, from) ? to : from);
	if (from == to ? distance != PMM__LOCAL_DISTANCE :
			 distance <= PMM__LOCAL_DISTANCE || distance > 254)
		return pmm__desc_fail(d, -EINVAL,
				      "distance %d -> %d is %d: must be 10 to itself, 11..254 to others",
				      from, to, distance);
	d->distance[from][to] = (unsigned char)distance;
	desc_ok(d);
	return 0;
}

static int add_range(struct pmm__range **arr, unsigned int *nr, unsigned int *max,
		     const struct pmm__range *r)
{
	if (*nr == *max) {
		unsigned int n = *max ? *max * 2 : 16;
		struct pmm__range *p = pmm__realloc(*arr, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*arr = p;
		*max = n;
	}
	(*arr)[(*nr)++] = *r;
	return 0;
}

int pmm_machine_desc_add_memory(struct pmm_machine_desc *d, pmm_phys_addr_t start,
				pmm_phys_addr_t end, int nid, unsigned int flags)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << d->arch->page_shift;
	pmm_phys_addr_t limit = (pmm_phys_addr_t)1 << d->arch->max_physmem_bits;
	struct pmm__range r = { start, end, nid, flags };
	unsigned int i;

	if (end <= start)
		return pmm__desc_fail(d, -EINVAL,
				      "memory [%#llx-%#llx): the end is not above the start",
				      (unsigned long long)start, (unsigned long long)end);
	if ((start | end) & (page - 1))
		return pmm__desc_fail(d, -EINVAL,
				      "memory [%#llx-%#llx): not aligned to the %llu-byte page of %s",
				      (unsigned long long)start, (unsigned long long)end,
				      (unsigned long long)page, d->arch->name);
	if (end > limit)
		return pmm__desc_fail(d, -ERANGE,
				      "memory [%#llx-%#llx): beyond MAX_PHYSMEM_BITS (%u) of %s",
				      (unsigned long long)start, (unsigned long long)end,
				      d->arch->max_physmem_bits, d->arch->name);
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL,
				      "memory [%#llx-%#llx): node %d is not declared",
				      (unsigned long long)start, (unsigned long long)end, nid);
	if (flags & ~(unsigned int)(PMM_MEMORY_HOTPLUGGABLE | PMM_MEMORY_MIRROR | PMM_MEMORY_NOMAP))
		return pmm__desc_fail(d, -EINVAL, "memory [%#llx-%#llx): unknown flags %#x",
				      (unsigned long long)start, (unsigned long long)end, flags);
	for (i = 0; i < d->nr_memory; i++) {
		const struct pmm__range *o = &d->memory[i];

		if (start < o->end && o->start < end)
			return pmm__desc_fail(d, -EINVAL,
					      "memory [%#llx-%#llx) overlaps [%#llx-%#llx) of node %d",
					      (unsigned long long)start, (unsigned long long)end,
					      (unsigned long long)o->start,
					      (unsigned long long)o->end, o->nid);
	}
	if (add_range(&d->memory, &d->nr_memory, &d->max_memory, &r))
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_add_reserved(struct pmm_machine_desc *d, pmm_phys_addr_t start,
				  pmm_phys_addr_t end)
{
	pmm_phys_addr_t limit = (pmm_phys_addr_t)1 << d->arch->max_physmem_bits;
	struct pmm__range r = { start, end, PMM_NUMA_NO_NODE, 0 };

	if (end <= start)
		return pmm__desc_fail(d, -EINVAL,
				      "reserved [%#llx-%#llx): the end is not above the start",
				      (unsigned long long)start, (unsigned long long)end);
	if (end > limit)
		return pmm__desc_fail(d, -ERANGE,
				      "reserved [%#llx-%#llx): beyond MAX_PHYSMEM_BITS (%u) of %s",
				      (unsigned long long)start, (unsigned long long)end,
				      d->arch->max_physmem_bits, d->arch->name);
	if (add_range(&d->reserved, &d->nr_reserved, &d->max_reserved, &r))
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_cmdline(struct pmm_machine_desc *d, const char *cmdline)
{
	char *s = pmm__strdup(cmdline ? cmdline : "");

	if (!s)
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	free(d->cmdline);
	d->cmdline = s;
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_append_cmdline(struct pmm_machine_desc *d, const char *params)
{
	size_t a = d->cmdline ? strlen(d->cmdline) : 0, b = params ? strlen(params) : 0;
	char *s = pmm__malloc(a + b + 2);

	if (!s)
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	snprintf(s, a + b + 2, "%s%s%s", d->cmdline ? d->cmdline : "", a && b ? " " : "",
		 params ? params : "");
	free(d->cmdline);
	d->cmdline = s;
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_host_node(struct pmm_machine_desc *d, int nid, int host_node)
{
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL, "host node of node %d: node is not declared", nid);
	if (host_node < 0 && host_node != PMM_NUMA_NO_NODE)
		return pmm__desc_fail(d, -EINVAL, "node %d: host node %d is not a node id",
				      nid, host_node);
	d->nodes[nid].host_node = host_node;
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_node_perf(struct pmm_machine_desc *d, int nid,
				   const struct pmm_access_coordinate *perf)
{
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL, "performance of node %d: node is not declared",
				      nid);
	if (!perf)
		return pmm__desc_fail(d, -EINVAL, "performance of node %d: none given", nid);
	d->nodes[nid].perf = *perf;
	d->nodes[nid].perf_set = true;
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_node_adistance(struct pmm_machine_desc *d, int nid, int adistance)
{
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL, "abstract distance of node %d: node is not declared",
				      nid);
	if (adistance < 1 || adistance > 1 << 20)
		return pmm__desc_fail(d, -EINVAL, "node %d: abstract distance %d is not in 1..%d",
				      nid, adistance, 1 << 20);
	d->nodes[nid].adistance = adistance;
	desc_ok(d);
	return 0;
}

/* ---- the kernel build ---------------------------------------------------------------------- */

/*
 * Named kernels: a distribution's build of one version. The zone types and
 * NUMA are the architecture profile's (Debian's configs) except where a
 * build is known to differ: Debian 12's arm64 6.1 has no ZONE_DEVICE (its
 * capture in tests/fixtures), which a bare version before 6.12 on arm64
 * follows too, as the fixtures are Debian's kernels.
 */
static const struct {
	const char	*name;
	unsigned int	major, minor;
	bool		arm64_no_zone_device;
} kernel_profiles[] = {
	{ "debian-11", 5, 10, true },	{ "debian-12", 6, 1, true },
	{ "debian-13", 6, 12, false },	{ "ubuntu-20.04", 5, 4, false },
	{ "ubuntu-22.04", 5, 15, false }, { "ubuntu-24.04", 6, 8, false },
	{ "rhel-8", 4, 18, false },	{ "rhel-9", 5, 14, false },
	{ "rhel-10", 6, 12, false },
};

static bool arm64_family(const struct pmm_arch_profile *a)
{
	return a->id == PMM_ARCH_ARM64 || a->id == PMM_ARCH_ARM64_16K ||
	       a->id == PMM_ARCH_ARM64_64K;
}

/* The build options the version or profile implies, where the description chose none. */
static void apply_build_defaults(struct pmm_machine_desc *d, int profile)
{
	const struct pmm_arch_profile *a = pmm_arch_by_id(d->build.id);
	bool no_device = profile >= 0 ? kernel_profiles[profile].arm64_no_zone_device :
			 d->kernel_version < PMM_KERNEL_VERSION(6, 12);

	if (!d->zones_set) {
		d->build.zones = a->zones;
		if (arm64_family(a) && no_device)
			d->build.zones &= ~(1u << PMM_ZONE_DEVICE);
	}
	if (!d->numa_set)
		d->build.numa = a->numa;
}

int pmm_machine_desc_set_kernel(struct pmm_machine_desc *d, const char *version)
{
	unsigned long major, minor;
	int profile = -1;
	unsigned int i;
	char *end;

	if (!version)
		return pmm__desc_fail(d, -EINVAL, "kernel version missing");
	for (i = 0; i < PMM__ARRAY_SIZE(kernel_profiles); i++)
		if (!strcmp(version, kernel_profiles[i].name)) {
			d->kernel_version = PMM_KERNEL_VERSION(kernel_profiles[i].major,
							       kernel_profiles[i].minor);
			apply_build_defaults(d, (int)i);
			desc_ok(d);
			return 0;
		}
	major = strtoul(version, &end, 10);
	if (end == version || *end != '.')
		return pmm__desc_fail(d, -EINVAL, "kernel \"%s\" is neither MAJOR.MINOR nor a "
				      "known kernel (debian-12, ubuntu-24.04, rhel-9, ...)", version);
	version = end + 1;
	minor = strtoul(version, &end, 10);
	if (end == version || (*end && *end != '.' && *end != '-' && *end != '+'))
		return pmm__desc_fail(d, -EINVAL, "kernel version \"%s\" is not MAJOR.MINOR",
				      version);
	if (major < 3 || major > 255 || minor > 255)
		return pmm__desc_fail(d, -EINVAL, "kernel version %lu.%lu: pmm reads kernels from "
				      "3.0 on (and follows the rules of 6.1 and later)", major, minor);
	d->kernel_version = PMM_KERNEL_VERSION((unsigned int)major, (unsigned int)minor);
	apply_build_defaults(d, profile);
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_kernel_config(struct pmm_machine_desc *d, unsigned int zones, int numa)
{
	const struct pmm_arch_profile *a = pmm_arch_by_id(d->build.id);
	unsigned int required = (1u << PMM_ZONE_NORMAL) | (1u << PMM_ZONE_MOVABLE);
	int z;

	if (numa < -1 || numa > 1)
		return pmm__desc_fail(d, -EINVAL, "kernel config: numa must be 1, 0 or -1, not %d",
				      numa);
	if (zones && (zones & required) != required)
		return pmm__desc_fail(d, -EINVAL, "kernel config: every kernel has ZONE_NORMAL and "
				      "ZONE_MOVABLE");
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (((zones & ~a->zones) >> z) & 1)
			return pmm__desc_fail(d, -EINVAL, "kernel config: %s cannot have ZONE_%s",
					      a->name, z == PMM_ZONE_HIGHMEM ? "HIGHMEM" :
					      z == PMM_ZONE_DMA32 ? "DMA32" : z == PMM_ZONE_DMA ?
					      "DMA" : "DEVICE");
	if (zones) {
		d->build.zones = zones;
		d->zones_set = true;
	}
	if (numa >= 0) {
		d->build.numa = (unsigned int)numa;
		d->numa_set = true;
	}
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_sysctl(struct pmm_machine_desc *d, const char *name,
				const long *values, unsigned int nr_values)
{
	char err[160];
	int rc = pmm__sysctl_set(&d->sysctl, d->arch, name, values, nr_values, err,
				 sizeof(err));

	if (rc)
		return pmm__desc_fail(d, rc, "%s", err);
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_add_hotplug(struct pmm_machine_desc *d, pmm_phys_addr_t start,
				 pmm_phys_addr_t end, int nid)
{
	pmm_phys_addr_t section = (pmm_phys_addr_t)1 << d->arch->section_size_bits;
	pmm_phys_addr_t limit = (pmm_phys_addr_t)1 << d->arch->max_physmem_bits;
	struct pmm__range r = { start, end, nid, PMM_MEMORY_HOTPLUGGABLE };
	unsigned int i;

	if (end <= start)
		return pmm__desc_fail(d, -EINVAL, "hotplug [%#llx-%#llx): the end is not above the start",
				      (unsigned long long)start, (unsigned long long)end);
	if ((start | end) & (section - 1))
		return pmm__desc_fail(d, -EINVAL,
				      "hotplug [%#llx-%#llx): not aligned to a %llu MiB memory block",
				      (unsigned long long)start, (unsigned long long)end,
				      (unsigned long long)(section >> 20));
	if (end > limit)
		return pmm__desc_fail(d, -ERANGE, "hotplug [%#llx-%#llx): beyond MAX_PHYSMEM_BITS (%u)",
				      (unsigned long long)start, (unsigned long long)end,
				      d->arch->max_physmem_bits);
	if (!node_declared(d, nid))
		return pmm__desc_fail(d, -EINVAL, "hotplug [%#llx-%#llx): node %d is not declared",
				      (unsigned long long)start, (unsigned long long)end, nid);
	for (i = 0; i < d->nr_memory + d->nr_hotplug; i++) {
		const struct pmm__range *o = i < d->nr_memory ? &d->memory[i] :
					     &d->hotplug[i - d->nr_memory];

		if (start < o->end && o->start < end)
			return pmm__desc_fail(d, -EINVAL,
					      "hotplug [%#llx-%#llx) overlaps [%#llx-%#llx)",
					      (unsigned long long)start, (unsigned long long)end,
					      (unsigned long long)o->start, (unsigned long long)o->end);
	}
	if (add_range(&d->hotplug, &d->nr_hotplug, &d->max_hotplug, &r))
		return pmm__desc_fail(d, -ENOMEM, "out of memory");
	desc_ok(d);
	return 0;
}

int pmm__desc_set_zone_end(struct pmm_machine_desc *d, int z, pmm_phys_addr_t end)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << d->arch->page_shift;

	if (z != PMM_ZONE_DMA && z != PMM_ZONE_DMA32 && z != PMM_ZONE_NORMAL)
		return pmm__desc_fail(d, -EINVAL, "zone %d: only DMA, DMA32 and Normal end where "
				      "the description says", z);
	if (end & (page - 1))
		return pmm__desc_fail(d, -EINVAL, "zone %s ends at %#llx, not on a page boundary",
				      pmm_zone_names[z], (unsigned long long)end);
	d->zone_end[z] = end;
	desc_ok(d);
	return 0;
}

int pmm__online_type_from_name(const char *name)
{
	static const char *const names[] = { "offline", "online", "online_kernel",
					     "online_movable" };
	int i;

	for (i = 0; name && i < (int)PMM__ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

int pmm_machine_desc_set_auto_online(struct pmm_machine_desc *d, const char *type)
{
	int t = pmm__online_type_from_name(type);

	if (t < 0)
		return pmm__desc_fail(d, -EINVAL, "auto_online_blocks \"%s\": not offline, online, "
				      "online_kernel or online_movable", type ? type : "");
	d->auto_online = t;
	desc_ok(d);
	return 0;
}

int pmm_machine_desc_set_swap(struct pmm_machine_desc *d, unsigned long long bytes)
{
	unsigned long long page = 1ULL << d->arch->page_shift;

	if (bytes && (bytes < 2 * page || bytes > 1ULL << 50))
		return pmm__desc_fail(d, -EINVAL, "a swap device of %llu bytes: it holds from two "
				      "pages (%llu bytes: the header and one slot) to 2^50 bytes",
				      bytes, 2 * page);
	d->swap_bytes = bytes & ~(page - 1);
	desc_ok(d);
	return 0;
}

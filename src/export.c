// SPDX-License-Identifier: MIT
/*
 * The machine as the files real tools read (pmm_export()): the sysfs of
 * drivers/base/node.c (nodes), drivers/base/memory.c (memory blocks) and
 * drivers/base/cpu.c with the topology hwloc reads, and the procfs files
 * of mm/vmstat.c, fs/proc/meminfo.c and kernel/resource.c, in a directory
 * that tools take as their root (lsmem --sysroot, HWLOC_FSROOT).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct exporter {
	const struct pmm_machine *m;
	char	root[3072];
	int	err;		/* the first failure */
};

/* mkdir -p of ROOT/@rel */
static int make_dirs(struct exporter *x, const char *rel)
{
	char path[4096];
	size_t n = strlen(x->root), i;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", x->root, rel) >= sizeof(path))
		return -ENAMETOOLONG;
	for (i = n + 1; path[i]; i++) {
		if (path[i] != '/')
			continue;
		path[i] = '\0';
		if (mkdir(path, 0755) && errno != EEXIST)
			return -errno;
		path[i] = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static void failed(struct exporter *x, int err, const char *rel)
{
	if (x->err)
		return;
	x->err = err;
	pmm__pr_err((struct pmm_machine *)x->m, "pmm: export: %s/%s: %s", x->root, rel,
		    strerror(-err));
}

/* ROOT/@rel, with its directory, for writing; NULL after a failure (recorded) */
static FILE *open_file(struct exporter *x, const char *rel)
{
	char path[4096], dir[4096], *slash;
	FILE *f;
	int err;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		err = make_dirs(x, dir);
		if (err) {
			failed(x, err, dir);
			return NULL;
		}
	}
	snprintf(path, sizeof(path), "%s/%s", x->root, rel);
	f = fopen(path, "w");
	if (!f)
		failed(x, -errno, rel);
	return f;
}

/* close ROOT/@rel after writing it (@err: what its writer returned; -ENOENT:
 * the machine's kernel has no such file, which goes again) */
static void close_file(struct exporter *x, FILE *f, const char *rel, int err)
{
	char path[4096];

	if (!f)
		return;
	if (fclose(f) && !err)
		err = -errno;
	if (err == -ENOENT) {
		snprintf(path, sizeof(path), "%s/%s", x->root, rel);
		unlink(path);
	} else if (err) {
		failed(x, err, rel);
	}
}

static void put(struct exporter *x, const char *rel, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void put(struct exporter *x, const char *rel, const char *fmt, ...)
{
	FILE *f = open_file(x, rel);
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	close_file(x, f, rel, ferror(f) ? -EIO : 0);
}

/* a report function's output as ROOT/@rel */
static void report(struct exporter *x, const char *rel,
		   int (*print)(const struct pmm_machine *, FILE *))
{
	FILE *f = open_file(x, rel);

	if (f)
		close_file(x, f, rel, print(x->m, f));
}

/* ln -sf @target ROOT/@rel */
static void link_to(struct exporter *x, const char *target, const char *rel)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", x->root, rel);
	unlink(path);
	if (symlink(target, path))
		failed(x, -errno, rel);
}

/* cpumap's format (bitmap_print_to_pagebuf(false)): 32-bit words in hex, high first, commas */
static void print_cpumap(FILE *f, const pmm_cpumask_t *mask, int nr_cpus)
{
	int words = (nr_cpus + 31) / 32, w;

	if (words < 1)
		words = 1;
	for (w = words - 1; w >= 0; w--) {
		unsigned int v = 0;
		int b;

		for (b = 0; b < 32; b++)
			if (pmm_cpumask_test_cpu(w * 32 + b, mask))
				v |= 1u << b;
		fprintf(f, "%08x%s", v, w ? "," : "\n");
	}
}

static void node_cpus(const struct pmm_machine *m, int nid, pmm_cpumask_t *mask)
{
	int cpu;

	memset(mask, 0, sizeof(*mask));
	for (cpu = 0; cpu < pmm_nr_cpus(m); cpu++)
		if (pmm_cpu_to_node(m, cpu) == nid)
			pmm_cpumask_set_cpu(cpu, mask);
}

/* ---- /proc/iomem (kernel/resource.c's r_show() for System RAM) ------------------------------ */

static int cmp_range(const void *a, const void *b)
{
	const unsigned long long *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

int pmm_print_iomem(const struct pmm_machine *m, FILE *f)
{
	unsigned int n = m->memblock.memory.cnt + m->nr_hotplug, i, k = 0;
	unsigned long long (*r)[2] = pmm__calloc(n ? n : 1, sizeof(*r));
	unsigned long long page = 1ULL << m->view.page_shift, s, e;

	if (!r)
		return -ENOMEM;
	for (i = 0; pmm__ram_range(m, i, &s, &e); i++) {
		s = PMM__ALIGN(s, page);
		e &= ~(page - 1);
		if (s < e) {
			r[k][0] = s;
			r[k++][1] = e;
		}
	}
	qsort(r, k, sizeof(*r), cmp_range);
	for (i = 0; i < k; i++) {
		s = r[i][0];
		e = r[i][1];

		while (i + 1 < k && r[i + 1][0] == e)	/* touching ranges are one resource */
			e = r[++i][1];
		fprintf(f, "%08llx-%08llx : System RAM\n", s, e - 1);
	}
	free(r);
	return ferror(f) ? -EIO : 0;
}

/* ---- devices/system/node ------------------------------------------------------------------- */

static void export_nodes(struct exporter *x)
{
	static const char *const states[] = {
		[PMM_N_POSSIBLE] = "possible", [PMM_N_ONLINE] = "online",
		[PMM_N_NORMAL_MEMORY] = "has_normal_memory", [PMM_N_HIGH_MEMORY] = "has_high_memory",
		[PMM_N_MEMORY] = "has_memory", [PMM_N_CPU] = "has_cpu",
		[PMM_N_GENERIC_INITIATOR] = "has_generic_initiator",
	};
	const struct pmm_machine *m = x->m;
	char rel[256], list[4096];
	unsigned int s;
	int nid, k;

	for (s = 0; s < PMM__ARRAY_SIZE(states); s++) {
		if (!states[s])
			continue;
		/* HighMem kernels only have has_high_memory apart */
		if (s == PMM_N_HIGH_MEMORY && !pmm_zone_type_configured(m, PMM_ZONE_HIGHMEM))
			continue;
		pmm_nodelist_print(list, sizeof(list), pmm_node_states(m, (enum pmm_node_states)s));
		snprintf(rel, sizeof(rel), "sys/devices/system/node/%s", states[s]);
		put(x, rel, "%s\n", list);
	}
	pmm_for_each_online_node(nid, m) {
		FILE *f;
		pmm_cpumask_t cpus;

		node_cpus(m, nid, &cpus);
		pmm_cpulist_print(list, sizeof(list), &cpus);
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/cpulist", nid);
		put(x, rel, "%s\n", list);
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/cpumap", nid);
		if ((f = open_file(x, rel))) {
			print_cpumap(f, &cpus, pmm_nr_cpus(m));
			close_file(x, f, rel, ferror(f) ? -EIO : 0);
		}
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/distance", nid);
		if ((f = open_file(x, rel))) {
			bool first = true;

			pmm_for_each_online_node(k, m) {
				fprintf(f, "%s%d", first ? "" : " ", pmm_node_distance(m, nid, k));
				first = false;
			}
			fputc('\n', f);
			close_file(x, f, rel, ferror(f) ? -EIO : 0);
		}
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/meminfo", nid);
		if ((f = open_file(x, rel)))
			close_file(x, f, rel, pmm_print_node_meminfo(m, nid, f));
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/numastat", nid);
		if ((f = open_file(x, rel)))
			close_file(x, f, rel, pmm_print_node_numastat(m, nid, f));
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/vmstat", nid);
		if ((f = open_file(x, rel)))
			close_file(x, f, rel, pmm_print_node_vmstat(m, nid, f));
	}
}

/* ---- devices/system/memory ----------------------------------------------------------------- */

static void export_memory(struct exporter *x)
{
	const struct pmm_machine *m = x->m;
	char rel[256], target[128];
	unsigned long i;

	if (!m->block_size)
		return;	/* no CONFIG_MEMORY_HOTPLUG: no such directory */
	put(x, "sys/devices/system/memory/block_size_bytes", "%lx\n", m->block_size);
	put(x, "sys/devices/system/memory/auto_online_blocks", "%s\n",
	    pmm__online_type_name(m->auto_online_type));
	for (i = 0; i < pmm_memory_block_count(m); i++) {
		struct pmm_memory_block_info info;
		char zones[64];

		pmm_memory_block_info(m, i, &info);
		pmm__memory_block_zones(&info, zones, sizeof(zones));
		snprintf(rel, sizeof(rel), "sys/devices/system/memory/memory%lu/state", info.id);
		put(x, rel, "%s\n", pmm__memory_block_state_name(info.state));
		snprintf(rel, sizeof(rel), "sys/devices/system/memory/memory%lu/phys_index", info.id);
		put(x, rel, "%08lx\n", info.id);
		snprintf(rel, sizeof(rel), "sys/devices/system/memory/memory%lu/valid_zones", info.id);
		put(x, rel, "%s\n", zones);
		snprintf(rel, sizeof(rel), "sys/devices/system/memory/memory%lu/removable", info.id);
		put(x, rel, "1\n");
		snprintf(rel, sizeof(rel), "sys/devices/system/memory/memory%lu/phys_device", info.id);
		put(x, rel, "0\n");
		snprintf(rel, sizeof(rel), "sys/devices/system/memory/memory%lu/node%d", info.id,
			 info.nid);
		snprintf(target, sizeof(target), "../../node/node%d", info.nid);
		link_to(x, target, rel);
		snprintf(rel, sizeof(rel), "sys/devices/system/node/node%d/memory%lu", info.nid,
			 info.id);
		snprintf(target, sizeof(target), "../../memory/memory%lu", info.id);
		link_to(x, target, rel);
	}
}

/* ---- devices/system/cpu: one core per CPU, one package per node ------------------------------ */

static void export_cpus(struct exporter *x)
{
	const struct pmm_machine *m = x->m;
	int nr = pmm_nr_cpus(m), cpu;
	char rel[256], list[4096], target[64];

	if (nr <= 0)
		return;
	put(x, "sys/devices/system/cpu/online", "0-%d\n", nr - 1);
	put(x, "sys/devices/system/cpu/possible", "0-%d\n", nr - 1);
	put(x, "sys/devices/system/cpu/present", "0-%d\n", nr - 1);
	for (cpu = 0; cpu < nr; cpu++) {
		int nid = pmm_cpu_to_node(m, cpu);
		pmm_cpumask_t package, self;
		FILE *f;

		node_cpus(m, nid, &package);
		memset(&self, 0, sizeof(self));
		pmm_cpumask_set_cpu(cpu, &self);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/online", cpu);
		put(x, rel, "1\n");
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/physical_package_id",
			 cpu);
		put(x, rel, "%d\n", nid);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/die_id", cpu);
		put(x, rel, "0\n");
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/core_id", cpu);
		put(x, rel, "%d\n", cpu);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/thread_siblings_list",
			 cpu);
		put(x, rel, "%d\n", cpu);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/thread_siblings",
			 cpu);
		if ((f = open_file(x, rel))) {
			print_cpumap(f, &self, nr);
			close_file(x, f, rel, ferror(f) ? -EIO : 0);
		}
		pmm_cpulist_print(list, sizeof(list), &package);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/core_siblings_list",
			 cpu);
		put(x, rel, "%s\n", list);
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/topology/core_siblings", cpu);
		if ((f = open_file(x, rel))) {
			print_cpumap(f, &package, nr);
			close_file(x, f, rel, ferror(f) ? -EIO : 0);
		}
		snprintf(rel, sizeof(rel), "sys/devices/system/cpu/cpu%d/node%d", cpu, nid);
		snprintf(target, sizeof(target), "../../node/node%d", nid);
		if (pmm_node_state(m, nid, PMM_N_ONLINE))
			link_to(x, target, rel);
	}
}

/* /proc/cpuinfo: the lines that say which CPUs there are */
static int print_cpuinfo(const struct pmm_machine *m, FILE *f)
{
	int cpu;

	for (cpu = 0; cpu < pmm_nr_cpus(m); cpu++)
		fprintf(f, "processor\t: %d\nphysical id\t: %d\ncore id\t\t: %d\n\n", cpu,
			pmm_cpu_to_node(m, cpu), cpu);
	return ferror(f) ? -EIO : 0;
}

static int print_unusable(const struct pmm_machine *m, FILE *f)
{
	return pmm_print_extfrag(m, f, PMM_UNUSABLE_INDEX);
}

static int print_extfrag_index(const struct pmm_machine *m, FILE *f)
{
	return pmm_print_extfrag(m, f, PMM_EXTFRAG_INDEX);
}

int pmm_export(const struct pmm_machine *m, const char *dir)
{
	struct exporter x = { .m = m };
	int err;

	if (!m || !dir || !dir[0])
		return -EINVAL;
	if ((size_t)snprintf(x.root, sizeof(x.root), "%s", dir) >= sizeof(x.root))
		return -ENAMETOOLONG;
	if (mkdir(dir, 0755) && errno != EEXIST) {
		err = -errno;
		pmm__pr_err((struct pmm_machine *)m, "pmm: export: %s: %s", dir, strerror(-err));
		return err;
	}
	export_nodes(&x);
	export_memory(&x);
	export_cpus(&x);
	report(&x, "proc/zoneinfo", pmm_print_zoneinfo);
	report(&x, "proc/buddyinfo", pmm_print_buddyinfo);
	report(&x, "proc/pagetypeinfo", pmm_print_pagetypeinfo);
	report(&x, "proc/vmstat", pmm_print_vmstat);
	report(&x, "proc/meminfo", pmm_print_meminfo);
	report(&x, "proc/iomem", pmm_print_iomem);
	report(&x, "proc/cpuinfo", print_cpuinfo);
	report(&x, "sys/kernel/debug/extfrag/unusable_index", print_unusable);
	report(&x, "sys/kernel/debug/extfrag/extfrag_index", print_extfrag_index);
	return x.err;
}

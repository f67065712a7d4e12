// SPDX-License-Identifier: MIT
/*
 * Machines described by hwloc topologies (XML exports, synthetic strings)
 * and this host described as a machine: readers that fill a description,
 * as machine_json.c and dmesg.c do. Binding simulated memory to the host is
 * host.c's.
 */
#define _DEFAULT_SOURCE 1
#include <ctype.h>
#include <limits.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdarg.h>
#include <unistd.h>

#include <hwloc.h>

#include "internal.h"

/* a synthetic topology of more objects is no machine pmm can simulate */
#define PMM__HWLOC_LOAD_SECONDS		10	/* an hwloc input that takes longer is refused */
#define PMM__MAX_SYNTHETIC_OBJECTS	(64 * PMM_NR_CPUS)

/* ---- machines described by hwloc topologies -------------------------------------------------------- */

struct topo_node {
	int		os_index;
	unsigned long long bytes;
	hwloc_obj_t	obj;
};

static int fail_msg(char *err, size_t len, int rc, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail_msg(char *err, size_t len, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err && len) {
		va_start(ap, fmt);
		vsnprintf(err, len, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/* The NUMA node a PU belongs to: the smallest cpuset, ordinary memory before
 * MCDRAM/HBM tiers, then the lowest os index. */
static int node_of_pu(const struct topo_node *nodes, int nr, hwloc_obj_t pu)
{
	int i, best = -1, best_weight = 0;
	bool best_tier = true;

	for (i = 0; i < nr; i++) {
		hwloc_obj_t o = nodes[i].obj;
		int w;
		bool tier;

		if (!o->cpuset || !hwloc_bitmap_isset(o->cpuset, pu->os_index))
			continue;
		w = hwloc_bitmap_weight(o->cpuset);
		tier = o->subtype != NULL;
		if (best < 0 || w < best_weight || (w == best_weight && best_tier && !tier) ||
		    (w == best_weight && tier == best_tier && o->os_index < nodes[best].obj->os_index)) {
			best = i;
			best_weight = w;
			best_tier = tier;
		}
	}
	return best;
}

static struct hwloc_distances_s *numa_latencies(hwloc_topology_t topo)
{
	struct hwloc_distances_s *dist = NULL;
	unsigned int nr = 1;

	if (!hwloc_distances_get_by_name(topo, "NUMALatency", &nr, &dist, 0) && nr)
		return dist;
	nr = 1;
	if (!hwloc_distances_get_by_type(topo, HWLOC_OBJ_NUMANODE, &nr, &dist,
					 HWLOC_DISTANCES_KIND_MEANS_LATENCY, 0) && nr)
		return dist;
	return NULL;
}

static void set_distances(hwloc_topology_t topo, struct pmm_machine_desc *d)
{
	struct hwloc_distances_s *dist = numa_latencies(topo);
	unsigned int i, j, n;

	if (!dist)
		return;
	n = dist->nbobjs;
	for (i = 0; i < n; i++) {
		hwloc_uint64_t local = dist->values[i * n + i] ? dist->values[i * n + i] : 10;

		for (j = 0; j < n; j++) {
			int a = (int)dist->objs[i]->os_index, b = (int)dist->objs[j]->os_index;
			hwloc_uint64_t v = dist->values[i * n + j] * 10 / local;

			if (a >= PMM_MAX_NUMNODES || b >= PMM_MAX_NUMNODES || !d->nodes[a].declared ||
			    !d->nodes[b].declared)
				continue;
			if (a == b)
				v = 10;
			else
				v = PMM__MIN(PMM__MAX(v, 11), 254);
			pmm_machine_desc_set_distance(d, a, b, (int)v);
		}
	}
	hwloc_distances_release(topo, dist);
}

/* Lay the nodes' memory out from the architecture's first RAM address, skipping its holes. */
/* where @bytes of memory placed from @addr in segment *@seg end; *@seg becomes the last used */
static unsigned long long advance(unsigned long long segs[][2], int nr_segs, int *seg,
				  unsigned long long addr, unsigned long long bytes)
{
	while (*seg < nr_segs) {
		unsigned long long room = segs[*seg][1] - addr;

		if (bytes <= room)
			return addr + bytes;
		bytes -= room;
		if (++*seg == nr_segs)
			return segs[nr_segs - 1][1];
		addr = segs[*seg][0];
	}
	return addr;
}

static int layout_memory(struct pmm_machine_desc *d, const struct topo_node *nodes, int nr)
{
	static const unsigned long long x86_segments[][2] = {
		{ 0x1000, 0x9f000 }, { 0x100000, 0xc0000000ULL }, { 0x100000000ULL, ~0ULL },
	};
	unsigned long long page = 1ULL << d->arch->page_shift, segs[3][2];
	unsigned long long limit = 1ULL << d->arch->max_physmem_bits;
	/* a section: the memory block size up to 64 GiB, and what a node spans at least */
	unsigned long long block = 1ULL << d->arch->section_size_bits;
	int nr_segs, seg = 0, i, err;
	unsigned long long addr;

	if (d->arch->id == PMM_ARCH_X86_64 || d->arch->id == PMM_ARCH_X86_32 ||
	    d->arch->id == PMM_ARCH_X86_32_PAE) {
		memcpy(segs, x86_segments, sizeof(segs));
		nr_segs = 3;
	} else {
		segs[0][0] = d->arch->id == PMM_ARCH_RISCV64 ? 0x80000000ULL : 0x40000000ULL;
		segs[0][1] = ~0ULL;
		nr_segs = 1;
	}
	addr = segs[0][0];
	for (i = 0; i < nr; i++) {
		unsigned long long bytes = nodes[i].bytes & ~(page - 1), end, node_start = addr;
		int last = seg;

		if (!bytes || seg >= nr_segs)
			continue;
		/*
		 * A node ends on a section (memory block) boundary, as on real
		 * machines: the nearest to where hwloc's size would end it (at
		 * least one section in); holes below it count against it, as on a
		 * real node 0. (x86-64's 2 GiB blocks from 64 GiB on may still
		 * straddle nodes, as they do on real machines.)
		 */
		end = advance(segs, nr_segs, &last, addr, bytes);
		if (end != segs[last][1] && end < limit) {
			unsigned long long down = end & ~(block - 1), up = down + block;

			end = end - down < up - end && down > node_start ? down : up;
		}
		end = PMM__MIN(end, limit);
		while (seg < nr_segs && addr < end) {
			unsigned long long stop = PMM__MIN(segs[seg][1], end);

			if (stop <= addr)
				return -ERANGE;
			err = pmm_machine_desc_add_memory(d, addr, stop, nodes[i].os_index, 0);
			if (err)
				return err;
			addr = stop;
			if (addr == segs[seg][1] && ++seg < nr_segs)
				addr = segs[seg][0];
		}
		if (addr == limit)
			seg = nr_segs;
	}
	return 0;
}

/* A memory attribute of a node from its best initiator (HMAT's local one); 0 if unknown. */
static unsigned long long memattr(hwloc_topology_t topo, const char *name, hwloc_obj_t node)
{
	struct hwloc_location initiator;
	hwloc_memattr_id_t id;
	hwloc_uint64_t value = 0;
	unsigned long flags = 0;

	if (hwloc_memattr_get_by_name(topo, name, &id) || hwloc_memattr_get_flags(topo, id, &flags))
		return 0;
	if (!(flags & HWLOC_MEMATTR_FLAG_NEED_INITIATOR))
		return hwloc_memattr_get_value(topo, id, node, NULL, 0, &value) ? 0 : value;
	return hwloc_memattr_get_best_initiator(topo, id, node, 0, &initiator, &value) ? 0 : value;
}

/*
 * Each node's performance from hwloc's memory attributes (MiB/s and ns, as
 * HMAT gives them): ReadBandwidth/WriteBandwidth, else Bandwidth for both;
 * the same for latency. A topology that gives bandwidth and no latency at
 * all (hwloc's KNL: MCDRAM at 4x DRAM's bandwidth) is taken as equal
 * latency everywhere, so that the bandwidth alone sets the tiers; a node
 * whose latency is missing where others have one gets no figures. A node
 * without figures that hwloc calls NVM, SPM or CXL memory is what dax/kmem
 * onlines: the driver's default abstract distance.
 */
static int set_node_perf(hwloc_topology_t topo, struct pmm_machine_desc *d,
			 const struct topo_node *nodes, int nr)
{
	struct pmm_access_coordinate perf[PMM_MAX_NUMNODES];
	bool any_latency = false;
	int i, rc;

	for (i = 0; i < nr; i++) {
		struct pmm_access_coordinate *p = &perf[i];
		unsigned long long bw = memattr(topo, "Bandwidth", nodes[i].obj);
		unsigned long long lat = memattr(topo, "Latency", nodes[i].obj);
		unsigned long long rb = memattr(topo, "ReadBandwidth", nodes[i].obj);
		unsigned long long wb = memattr(topo, "WriteBandwidth", nodes[i].obj);
		unsigned long long rl = memattr(topo, "ReadLatency", nodes[i].obj);
		unsigned long long wl = memattr(topo, "WriteLatency", nodes[i].obj);

		p->read_bandwidth = (unsigned int)PMM__MIN(rb ? rb : bw, 0xffffffffULL);
		p->write_bandwidth = (unsigned int)PMM__MIN(wb ? wb : bw, 0xffffffffULL);
		p->read_latency = (unsigned int)PMM__MIN(rl ? rl : lat, 0xffffffffULL);
		p->write_latency = (unsigned int)PMM__MIN(wl ? wl : lat, 0xffffffffULL);
		if (p->read_latency + p->write_latency)
			any_latency = true;
	}
	for (i = 0; i < nr; i++) {
		struct pmm_access_coordinate *p = &perf[i];
		const char *subtype = nodes[i].obj->subtype;

		/* memory dax/kmem onlines (persistent, specific-purpose, CXL) without
		 * figures: the driver's default distance */
		if (p->read_bandwidth + p->write_bandwidth == 0 && subtype &&
		    (!strcmp(subtype, "NVM") || !strcmp(subtype, "SPM") ||
		     !strncmp(subtype, "CXL", 3))) {
			rc = pmm_machine_desc_set_node_adistance(d, nodes[i].os_index,
								 PMM_MEMTIER_DEFAULT_DAX_ADISTANCE);
			if (rc)
				return rc;
			continue;
		}
		if (p->read_bandwidth + p->write_bandwidth == 0)
			continue;
		if (p->read_latency + p->write_latency == 0) {
			if (any_latency)
				continue;
			p->read_latency = p->write_latency = 100;	/* equal everywhere */
		}
		rc = pmm_machine_desc_set_node_perf(d, nodes[i].os_index, p);
		if (rc)
			return rc;
	}
	return 0;
}

static int desc_from_topology(hwloc_topology_t topo, const char *arch,
			      unsigned long long bytes_per_node, bool layout,
			      struct pmm_machine_desc **out, char *err, size_t err_len)
{
	struct topo_node nodes[PMM_MAX_NUMNODES];
	pmm_cpumask_t cpus[PMM_MAX_NUMNODES];
	struct pmm_machine_desc *d;
	hwloc_obj_t obj = NULL;
	int nr = 0, i, rc, rr_last = -1;

	rc = pmm_machine_desc_create(arch ? arch : "x86_64", &d);
	if (rc)
		return fail_msg(err, err_len, rc, "unknown architecture \"%s\"", arch);
	memset(cpus, 0, sizeof(cpus));
	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj))) {
		if (obj->os_index == HWLOC_UNKNOWN_INDEX) {	/* (int) -1 */
			pmm_machine_desc_destroy(d);
			return fail_msg(err, err_len, -EINVAL, "a NUMA node without an OS index");
		}
		if (obj->os_index >= (unsigned int)PMM_MAX_NUMNODES || nr == PMM_MAX_NUMNODES) {
			pmm_machine_desc_destroy(d);
			return fail_msg(err, err_len, -EINVAL, "NUMA node P#%u: pmm was built for at "
					"most %d nodes (PMM_NODES_SHIFT)", obj->os_index,
					PMM_MAX_NUMNODES);
		}
		nodes[nr].os_index = (int)obj->os_index;
		nodes[nr].bytes = bytes_per_node ? bytes_per_node : obj->attr->numanode.local_memory;
		nodes[nr].obj = obj;
		nr++;
	}
	if (!nr) {
		pmm_machine_desc_destroy(d);
		return fail_msg(err, err_len, -EINVAL, "the topology has no NUMA node");
	}
	obj = NULL;
	while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_PU, obj))) {
		int n = node_of_pu(nodes, nr, obj);

		if (obj->os_index >= PMM_NR_CPUS)
			continue;
		if (n < 0) {
			/* no node claims the CPU: round robin over nodes with memory, by id */
			int k, best = -1;

			for (k = 0; k < nr; k++)
				if (nodes[k].bytes && nodes[k].os_index > rr_last &&
				    (best < 0 || nodes[k].os_index < nodes[best].os_index))
					best = k;
			if (best < 0)
				for (k = 0; k < nr; k++)
					if (nodes[k].bytes &&
					    (best < 0 || nodes[k].os_index < nodes[best].os_index))
						best = k;
			if (best < 0)
				continue;
			n = best;
			rr_last = nodes[n].os_index;
		}
		pmm_cpumask_set_cpu((int)obj->os_index, &cpus[nodes[n].os_index]);
	}
	/* nodes in id order, as firmware lists them */
	for (i = 0; i < PMM_MAX_NUMNODES; i++) {
		int k;

		for (k = 0; k < nr && nodes[k].os_index != i; k++)
			;
		if (k == nr)
			continue;
		{
			char list[4096];

			pmm_cpulist_print(list, sizeof(list), &cpus[i]);
			rc = pmm_machine_desc_add_node(d, i, list);
			if (rc)
				goto fail;
		}
	}
	set_distances(topo, d);
	rc = set_node_perf(topo, d, nodes, nr);
	if (rc)
		goto fail;
	if (layout) {
		struct topo_node sorted[PMM_MAX_NUMNODES];
		int k, n = 0;

		for (i = 0; i < PMM_MAX_NUMNODES; i++)
			for (k = 0; k < nr; k++)
				if (nodes[k].os_index == i)
					sorted[n++] = nodes[k];
		rc = layout_memory(d, sorted, n);
		if (rc)
			goto fail;
	}
	*out = d;
	return 0;
fail:
	fail_msg(err, err_len, rc, "%s", pmm_machine_desc_error(d));
	pmm_machine_desc_destroy(d);
	return rc;
}

/* An hwloc input: XML text (NUL-terminated, the NUL counted) or a synthetic string. */
struct hwloc_input {
	const char	*xml;
	int		xml_len;
	const char	*synthetic;
};

static int load_topology(hwloc_topology_t topo, const struct hwloc_input *in)
{
	if (in->xml)
		return hwloc_topology_set_xmlbuffer(topo, in->xml, in->xml_len) ||
		       hwloc_topology_load(topo) ? -EINVAL : 0;
	return hwloc_topology_set_synthetic(topo, in->synthetic) ||
	       hwloc_topology_load(topo) ? -EINVAL : 0;
}

/*
 * libhwloc 2.9 dereferences NULL on some malformed inputs (docs/errors.md):
 * try the load in a child process first, so that such an input is an
 * error for the caller rather than a crash. The same library on the same
 * input loads the same way in the parent. If no child can be made, load
 * unguarded.
 * Return: 0 if it loads; -EINVAL if hwloc refuses it; -EFAULT if hwloc
 * crashed on it; -ETIMEDOUT if it took more than PMM__HWLOC_LOAD_SECONDS.
 */
static int try_load_in_child(const struct hwloc_input *in)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return 0;
	if (pid == 0) {
		static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGALRM };
		hwloc_topology_t topo;
		unsigned int i;

		/* die of the signal itself, past any handler the caller installed
		 * (a sanitizer's, a fuzzer's, whose SIGALRM would keep the child
		 * alive): the parent reads it from the status */
		for (i = 0; i < PMM__ARRAY_SIZE(fatal); i++)
			signal(fatal[i], SIG_DFL);
		/* a load that does not end is a failure too (SIGALRM's default kills) */
		alarm(PMM__HWLOC_LOAD_SECONDS);
		if (hwloc_topology_init(&topo))
			_exit(2);
		_exit(load_topology(topo, in) ? 1 : 0);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 1)
		return -EINVAL;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		return 0;	/* the child had no memory; let the parent try */
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		return -ETIMEDOUT;
	return -EFAULT;	/* killed by a signal, or a sanitizer's report */
}

/* Load @in into a new topology; a message in @err when hwloc refuses or crashes. */
static int open_topology(hwloc_topology_t *topo, const struct hwloc_input *in, char *err,
			 size_t err_len)
{
	const char *what = in->xml ? "this XML topology" : "the synthetic topology";
	int rc = try_load_in_child(in);

	if (rc == -EFAULT)
		return fail_msg(err, err_len, -EINVAL, "libhwloc crashed reading %s (a bug of "
				"libhwloc itself, see docs/errors.md); the input is malformed", what);
	if (rc == -ETIMEDOUT)
		return fail_msg(err, err_len, -EINVAL, "hwloc took over %d s to load %s; it is "
				"too large or malformed", PMM__HWLOC_LOAD_SECONDS, what);
	if (rc)
		return fail_msg(err, err_len, -EINVAL, "hwloc cannot load %s", what);
	if (hwloc_topology_init(topo))
		return fail_msg(err, err_len, -ENOMEM, "out of memory");
	if (load_topology(*topo, in)) {
		hwloc_topology_destroy(*topo);
		return fail_msg(err, err_len, -EINVAL, "hwloc cannot load %s", what);
	}
	return 0;
}

int pmm_machine_from_hwloc_xml_buffer(const char *xml, size_t len,
				      unsigned long long bytes_per_node, const char *arch,
				      struct pmm_machine_desc **out, char *err, size_t err_len)
{
	struct hwloc_input in = { 0 };
	hwloc_topology_t topo;
	char *text;
	int rc;

	*out = NULL;
	if (!xml || !len || len >= INT_MAX)
		return fail_msg(err, err_len, -EINVAL, "no XML text");
	/* hwloc wants the text NUL-terminated, the NUL counted in the size */
	text = pmm__malloc(len + 1);
	if (!text)
		return fail_msg(err, err_len, -ENOMEM, "out of memory");
	memcpy(text, xml, len);
	text[len] = '\0';
	in.xml = text;
	in.xml_len = (int)len + 1;
	rc = open_topology(&topo, &in, err, err_len);
	free(text);
	if (rc)
		return rc;
	rc = desc_from_topology(topo, arch, bytes_per_node, true, out, err, err_len);
	hwloc_topology_destroy(topo);
	return rc;
}

int pmm_machine_from_hwloc_xml(const char *path, unsigned long long bytes_per_node,
			       const char *arch, struct pmm_machine_desc **out, char *err,
			       size_t err_len)
{
	size_t len;
	char *text;
	int rc;

	*out = NULL;
	if (!path)
		return fail_msg(err, err_len, -EINVAL, "(null): no file");
	rc = pmm__read_file(path, PMM__MAX_INPUT_BYTES, &text, &len, err, err_len);
	if (rc)
		return rc;
	rc = pmm_machine_from_hwloc_xml_buffer(text, len, bytes_per_node, arch, out, err,
					       err_len);
	if (rc == -EINVAL && err && err_len && !strncmp(err, "hwloc cannot", 12)) {
		char msg[256];

		snprintf(msg, sizeof(msg), "%s", err);
		snprintf(err, err_len, "%s: %s", path, msg);
	}
	free(text);
	return rc;
}

/*
 * How many NUMA nodes, objects and PUs a synthetic description asks for,
 * before hwloc builds them (it spends minutes on "numa:100000 pu:1"): every
 * arity multiplies the objects of the level below, whatever the token
 * around it ("2 4", "x:3", "co:5pu:7" all count, since hwloc takes some of
 * them); a "[numa...]" attaches one node to each object of the level before
 * it, and "numa"/"node" levels are nodes; the PUs are the last level.
 * Attributes in parentheses are skipped. The product bounds what hwloc
 * could build.
 */
static void synthetic_counts(const char *s, unsigned long long *nodes,
			     unsigned long long *objects, unsigned long long *pus)
{
	unsigned long long product = 1;
	const char *word = s;	/* start of the current type name */
	int parens = 0;

	*nodes = 0;
	*objects = 1;
	for (; *s; s++) {
		unsigned long long arity;
		char *num_end;

		if (*s == '(' || *s == ')') {
			parens += *s == '(' ? 1 : parens > 0 ? -1 : 0;
			continue;
		}
		if (parens)
			continue;
		if (*s == '[') {	/* memory attached to each object of the level above */
			*nodes += product;
			s += strcspn(s, "]");
			if (!*s)
				break;
			word = s + 1;
			continue;
		}
		if (isspace((unsigned char)*s)) {
			word = s + 1;
			continue;
		}
		/* an arity: after "type:", or a bare number starting a token */
		if (!isdigit((unsigned char)*s) || (s != word && s[-1] != ':'))
			continue;
		errno = 0;
		arity = strtoull(s, &num_end, 10);
		if (errno)
			arity = ~0ULL;
		product = arity && product > (1ULL << 40) / arity ? (1ULL << 40) : product * arity;
		*objects += product;
		if (!strncasecmp(word, "numa", 4) || !strncasecmp(word, "node", 4))
			*nodes += product;
		s = num_end - 1;
		word = num_end;	/* "co:5pu:7": the next type starts right after */
	}
	*pus = product;
}

int pmm_machine_from_hwloc_synthetic(const char *description, unsigned long long bytes_per_node,
				     const char *arch, struct pmm_machine_desc **out, char *err,
				     size_t err_len)
{
	struct hwloc_input in = { 0 };
	unsigned long long nodes, objects, pus;
	hwloc_topology_t topo;
	int rc;

	*out = NULL;
	if (description) {
		synthetic_counts(description, &nodes, &objects, &pus);
		if (nodes > PMM_MAX_NUMNODES)
			return fail_msg(err, err_len, -EINVAL, "%llu NUMA nodes in the synthetic "
					"topology \"%s\"; pmm was built for at most %d", nodes,
					description, PMM_MAX_NUMNODES);
		if (pus > PMM_NR_CPUS)
			return fail_msg(err, err_len, -EINVAL, "%llu PUs in the synthetic topology "
					"\"%s\"; pmm was built for at most %d CPUs (PMM_NR_CPUS)",
					pus, description, PMM_NR_CPUS);
		if (objects > PMM__MAX_SYNTHETIC_OBJECTS)
			return fail_msg(err, err_len, -EINVAL, "%llu objects in the synthetic "
					"topology \"%s\"; at most %d (PMM_NR_CPUS is %d)", objects,
					description, PMM__MAX_SYNTHETIC_OBJECTS, PMM_NR_CPUS);
	}
	if (!description)
		return fail_msg(err, err_len, -EINVAL, "no synthetic topology");
	in.synthetic = description;
	rc = open_topology(&topo, &in, err, err_len);
	if (rc) {
		if (rc == -EINVAL && err && err_len) {
			char msg[256];

			snprintf(msg, sizeof(msg), "%s", err);
			snprintf(err, err_len, "%s \"%s\"", msg, description);
		}
		return rc;
	}
	rc = desc_from_topology(topo, arch, bytes_per_node, true, out, err, err_len);
	hwloc_topology_destroy(topo);
	return rc;
}

/* ---- this host as a machine description ------------------------------------------------------- */

static const char *host_arch_name(void)
{
	struct utsname u;
	long page = sysconf(_SC_PAGESIZE);

	if (uname(&u))
		return NULL;
	if (!strcmp(u.machine, "x86_64"))
		return "x86_64";
	if (!strcmp(u.machine, "aarch64"))
		return page == 65536 ? "arm64_64k" : page == 16384 ? "arm64_16k" : "arm64";
	if (!strcmp(u.machine, "riscv64"))
		return "riscv64";
	if (u.machine[0] == 'i' && !strcmp(u.machine + 2, "86"))
		return "x86_32";
	return NULL;
}

/* Node of each memory block, from /sys/devices/system/node/nodeN/memoryM. */
struct block_nodes {
	unsigned long	block_bytes;
	int		*nid;		/* by block id, -1 if unknown */
	unsigned long	nr;
};

static void read_block_nodes(struct block_nodes *bn)
{
	FILE *f = fopen("/sys/devices/system/memory/block_size_bytes", "r");
	DIR *nodes;
	struct dirent *de;

	memset(bn, 0, sizeof(*bn));
	if (!f)
		return;
	if (fscanf(f, "%lx", &bn->block_bytes) != 1)
		bn->block_bytes = 0;
	fclose(f);
	nodes = opendir("/sys/devices/system/node");
	if (!bn->block_bytes || !nodes) {
		if (nodes)
			closedir(nodes);
		return;
	}
	while ((de = readdir(nodes))) {
		char path[300];
		DIR *nd;
		struct dirent *me;
		int nid;

		if (sscanf(de->d_name, "node%d", &nid) != 1 || nid < 0 || nid >= PMM_MAX_NUMNODES)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/node/%s", de->d_name);
		nd = opendir(path);
		if (!nd)
			continue;
		while ((me = readdir(nd))) {
			unsigned long id;

			if (sscanf(me->d_name, "memory%lu", &id) != 1)
				continue;
			if (id >= bn->nr) {
				unsigned long nr = PMM__MAX(id + 1, bn->nr * 2), i;
				int *p = pmm__realloc(bn->nid, nr * sizeof(int));

				if (!p)
					continue;
				for (i = bn->nr; i < nr; i++)
					p[i] = -1;
				bn->nid = p;
				bn->nr = nr;
			}
			bn->nid[id] = nid;
		}
		closedir(nd);
	}
	closedir(nodes);
}

static int block_node(const struct block_nodes *bn, pmm_phys_addr_t addr, int fallback)
{
	unsigned long id;

	if (!bn->block_bytes)
		return fallback;
	id = (unsigned long)(addr / bn->block_bytes);
	return id < bn->nr && bn->nid[id] >= 0 ? bn->nid[id] : fallback;
}

/* Add [start, end) split where the node of the memory blocks changes. */
static int add_host_range(struct pmm_machine_desc *d, const struct block_nodes *bn,
			  pmm_phys_addr_t start, pmm_phys_addr_t end, int *last_nid)
{
	while (start < end) {
		int nid = block_node(bn, start, *last_nid);
		pmm_phys_addr_t next = end;
		int err;

		if (bn->block_bytes) {
			pmm_phys_addr_t b = (start / bn->block_bytes + 1) * bn->block_bytes;

			while (b < end && block_node(bn, b, nid) == nid)
				b += bn->block_bytes;
			next = PMM__MIN(b, end);
		}
		if (!d->nodes[nid].declared)
			nid = *last_nid;
		err = pmm_machine_desc_add_memory(d, start, next, nid, 0);
		if (err)
			return err;
		*last_nid = nid;
		start = next;
	}
	return 0;
}

/* Exact RAM ranges from /proc/iomem (needs root for real addresses). */
static int host_ranges_from_iomem(struct pmm_machine_desc *d, const struct block_nodes *bn,
				  int first_nid)
{
	pmm_phys_addr_t page = (pmm_phys_addr_t)1 << d->arch->page_shift;
	FILE *f = fopen("/proc/iomem", "r");
	char line[256];
	int nr = 0, last = first_nid, err = 0;

	if (!f)
		return -ENOENT;
	while (!err && fgets(line, sizeof(line), f)) {
		unsigned long long s, e;

		if (isspace((unsigned char)line[0]) || !strstr(line, ": System RAM"))
			continue;
		if (sscanf(line, "%llx-%llx", &s, &e) != 2 || e == 0)
			continue;
		/* memblock keeps whole pages only */
		s = (s + page - 1) & ~(page - 1);
		e = (e + 1) & ~(page - 1);
		if (s >= e)
			continue;
		err = add_host_range(d, bn, s, e, &last);
		nr++;
	}
	fclose(f);
	if (err)
		return err;
	return nr ? 0 : -ENOENT;
}

/* Without /proc/iomem: whole memory blocks, from /sys/devices/system/node/nodeN/memoryM. */
static int host_ranges_from_blocks(struct pmm_machine_desc *d, const struct block_nodes *bn)
{
	unsigned long id;
	int err;

	if (!bn->block_bytes || !bn->nr)
		return -ENOENT;
	for (id = 0; id < bn->nr;) {
		unsigned long end = id + 1;
		int nid = bn->nid[id];

		if (nid < 0 || !d->nodes[nid].declared) {
			id++;
			continue;
		}
		while (end < bn->nr && bn->nid[end] == nid)
			end++;
		err = pmm_machine_desc_add_memory(d, (pmm_phys_addr_t)id * bn->block_bytes,
						  (pmm_phys_addr_t)end * bn->block_bytes, nid, 0);
		if (err)
			return err;
		id = end;
	}
	return d->nr_memory ? 0 : -ENOENT;
}

/* One line of a procfs/sysfs file, without its newline; false if unreadable. */
static bool read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	bool ok;

	if (!f)
		return false;
	ok = fgets(buf, (int)len, f) != NULL;
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/*
 * The running kernel, as the description's kernel: its version (uname), the
 * zone types it was built with (the zones /proc/zoneinfo lists for a node),
 * NUMA (/sys/devices/system/node exists only with CONFIG_NUMA), what it does
 * with hot-added memory, and its vm sysctls. What cannot be read keeps the
 * defaults.
 */
static void host_kernel(struct pmm_machine_desc *d)
{
	static const char *const sysctls[] = {
		"min_free_kbytes", "watermark_scale_factor", "percpu_pagelist_high_fraction",
		"watermark_boost_factor", "min_unmapped_ratio", "min_slab_ratio",
		"lowmem_reserve_ratio",
	};
	unsigned int zones = 0, i;
	struct utsname u;
	char line[256], path[128];
	struct stat st;
	FILE *f;
	int first = -1;

	if (!uname(&u))
		pmm_machine_desc_set_kernel(d, u.release);
	f = fopen("/proc/zoneinfo", "r");
	while (f && fgets(line, sizeof(line), f)) {
		char name[32];
		int nid, z;

		if (sscanf(line, "Node %d, zone %31s", &nid, name) != 2)
			continue;
		if (first < 0)
			first = nid;
		for (z = 0; z < PMM_MAX_NR_ZONES && nid == first; z++)
			if (!strcmp(name, pmm_zone_names[z]))
				zones |= 1u << z;
	}
	if (f)
		fclose(f);
	pmm_machine_desc_set_kernel_config(d, zones, stat("/sys/devices/system/node", &st) ? 0 : 1);
	if (read_line("/sys/devices/system/memory/auto_online_blocks", line, sizeof(line)))
		pmm_machine_desc_set_auto_online(d, line);
	for (i = 0; i < PMM__ARRAY_SIZE(sysctls); i++) {
		long values[PMM_MAX_NR_ZONES + 1];
		unsigned int n = 0;
		char *p, *end;

		snprintf(path, sizeof(path), "/proc/sys/vm/%s", sysctls[i]);
		if (!read_line(path, line, sizeof(line)))
			continue;
		for (p = line; n < PMM__ARRAY_SIZE(values); p = end) {
			values[n] = strtol(p, &end, 10);
			if (end == p)
				break;
			n++;
		}
		if (n)
			pmm_machine_desc_set_sysctl(d, sysctls[i], values, n);
	}
	d->error[0] = '\0';	/* what the host refused to tell is left at its default */
}

int pmm_machine_from_host(struct pmm_machine_desc **out)
{
	const char *arch = host_arch_name();
	struct pmm_machine_desc *d;
	hwloc_topology_t topo;
	struct block_nodes bn;
	int err, first = -1, nid;

	*out = NULL;
	if (!arch)
		return -EOPNOTSUPP;
	if (hwloc_topology_init(&topo))
		return -ENODEV;
	if (hwloc_topology_load(topo)) {
		hwloc_topology_destroy(topo);
		return -ENODEV;
	}
	err = desc_from_topology(topo, arch, 0, false, &d, NULL, 0);
	if (err) {
		hwloc_topology_destroy(topo);
		return err == -EINVAL ? -ENODEV : err;
	}
	d->from_host = true;
	host_kernel(d);
	for (nid = PMM_MAX_NUMNODES - 1; nid >= 0; nid--)
		if (d->nodes[nid].declared)
			first = nid;

	/* exact RAM ranges (root), else memory blocks, else hwloc's node sizes */
	read_block_nodes(&bn);
	err = host_ranges_from_iomem(d, &bn, first);
	if (err == -ENOENT) {
		d->nr_memory = 0;
		err = host_ranges_from_blocks(d, &bn);
	}
	if (err == -ENOENT) {
		struct topo_node nodes[PMM_MAX_NUMNODES];
		hwloc_obj_t obj = NULL;
		int nr = 0;

		d->nr_memory = 0;
		while ((obj = hwloc_get_next_obj_by_type(topo, HWLOC_OBJ_NUMANODE, obj)))
			if ((int)obj->os_index < PMM_MAX_NUMNODES && nr < PMM_MAX_NUMNODES)
				nodes[nr++] = (struct topo_node){ (int)obj->os_index,
								  obj->attr->numanode.local_memory, obj };
		err = layout_memory(d, nodes, nr);
	}
	free(bn.nid);
	hwloc_topology_destroy(topo);
	if (err) {
		pmm_machine_desc_destroy(d);
		return err;
	}
	*out = d;
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Machine description files (docs/machine-format.md), read with jansson.
 * jansson checks the syntax; a small scan of the text maps each value's
 * path ("memory[2].start") to its line and column, so that every error
 * names the file, line, column and field.
 */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

/* Field paths such as "memory[2].start"; long paths are cut, never overflow. */
static void field_path(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void field_path(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, len, fmt, ap);
	va_end(ap);
}

/* ---- where each value is -------------------------------------------------------------------- */

struct json_pos {
	char	*path;
	int	line, column;
};

struct json_ctx {
	const char	*file;
	const char	*text;
	size_t		len, at;
	int		line, column;
	struct json_pos	*pos;
	size_t		nr_pos, max_pos;
	char		*err;
	size_t		err_len;
};

static void advance(struct json_ctx *c)
{
	if (c->at >= c->len)
		return;
	if (c->text[c->at] == '\n') {
		c->line++;
		c->column = 1;
	} else {
		c->column++;
	}
	c->at++;
}

static void skip_ws(struct json_ctx *c)
{
	while (c->at < c->len && isspace((unsigned char)c->text[c->at]))
		advance(c);
}

static void record(struct json_ctx *c, const char *path)
{
	if (c->nr_pos == c->max_pos) {
		size_t max = c->max_pos ? c->max_pos * 2 : 64;
		struct json_pos *p = pmm__realloc(c->pos, max * sizeof(*p));

		if (!p)
			return;
		c->pos = p;
		c->max_pos = max;
	}
	c->pos[c->nr_pos].path = pmm__strdup(path);
	c->pos[c->nr_pos].line = c->line;
	c->pos[c->nr_pos].column = c->column;
	if (c->pos[c->nr_pos].path)
		c->nr_pos++;
}

/* Read a string token starting at '"' into buf (escapes copied raw). */
static void scan_string(struct json_ctx *c, char *buf, size_t len)
{
	size_t n = 0;

	advance(c);	/* opening quote */
	while (c->at < c->len && c->text[c->at] != '"') {
		if (c->text[c->at] == '\\') {
			advance(c);
			if (n + 1 < len)
				buf[n++] = '\\';
		}
		if (n + 1 < len && c->at < c->len)
			buf[n++] = c->text[c->at];
		advance(c);
	}
	advance(c);	/* closing quote */
	if (len)
		buf[n < len ? n : len - 1] = '\0';
}

/* a character that ends a bare token; never NUL, which strchr() would match */
static bool ends_token(char ch)
{
	return ch == ',' || ch == ']' || ch == '}' || ch == ':' || ch == '\0' ||
	       isspace((unsigned char)ch);
}

/*
 * Every loop below must consume input: jansson has checked the syntax, so
 * the text is valid JSON, but a member that does not advance the scan ends
 * it rather than spinning (the scan only places error messages).
 */
static void scan_value(struct json_ctx *c, const char *path, int depth)
{
	char child[512], key[256];
	size_t i = 0, at;

	skip_ws(c);
	record(c, path);
	if (c->at >= c->len || depth > 64)
		return;
	switch (c->text[c->at]) {
	case '{':
		advance(c);
		for (;;) {
			skip_ws(c);
			if (c->at >= c->len || c->text[c->at] == '}')
				break;
			scan_string(c, key, sizeof(key));
			skip_ws(c);
			advance(c);	/* ':' */
			field_path(child, sizeof(child), "%s%s%s", path, *path ? "." : "", key);
			at = c->at;
			scan_value(c, child, depth + 1);
			skip_ws(c);
			if (c->at < c->len && c->text[c->at] == ',')
				advance(c);
			else if (c->at == at)
				return;
		}
		advance(c);
		break;
	case '[':
		advance(c);
		for (;;) {
			skip_ws(c);
			if (c->at >= c->len || c->text[c->at] == ']')
				break;
			field_path(child, sizeof(child), "%s[%zu]", path, i++);
			at = c->at;
			scan_value(c, child, depth + 1);
			skip_ws(c);
			if (c->at < c->len && c->text[c->at] == ',')
				advance(c);
			else if (c->at == at)
				return;
		}
		advance(c);
		break;
	case '"':
		scan_string(c, key, sizeof(key));
		break;
	default:	/* number, true, false, null: up to the next delimiter */
		while (c->at < c->len && !ends_token(c->text[c->at]))
			advance(c);
	}
}

static const struct json_pos *find_pos(const struct json_ctx *c, const char *path)
{
	size_t i;

	for (i = 0; i < c->nr_pos; i++)
		if (!strcmp(c->pos[i].path, path))
			return &c->pos[i];
	return NULL;
}

/* Report an error at a field (or, if absent, at its parent object) and return err. */
static int fail(struct json_ctx *c, int err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fail(struct json_ctx *c, int err, const char *path, const char *fmt, ...)
{
	char parent[512], msg[512];
	const struct json_pos *p = find_pos(c, path);
	va_list ap;

	field_path(parent, sizeof(parent), "%s", path);
	while (!p && *parent) {
		char *cut = strrchr(parent, '.'), *br = strrchr(parent, '[');

		if (br > cut)
			cut = br;
		if (!cut)
			cut = parent;
		*cut = '\0';
		p = find_pos(c, parent);
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->err && c->err_len)
		snprintf(c->err, c->err_len, "%s:%d:%d: %s: %s", c->file, p ? p->line : 1,
			 p ? p->column : 1, *path ? path : "(top level)", msg);
	return err;
}

/* ---- values ---------------------------------------------------------------------------------- */

/* An integer, or a string in decimal, hex, or with a K/M/G/T suffix (memparse). */
static int get_number(struct json_ctx *c, json_t *v, const char *path, unsigned long long *out)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0)
			return fail(c, -EINVAL, path, "must not be negative");
		*out = (unsigned long long)i;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v), *end;
		int err = pmm__memparse(s, &end, out);

		if (err == -ERANGE)
			return fail(c, -ERANGE, path, "\"%s\" does not fit in 64 bits", s);
		if (err || *end)
			return fail(c, -EINVAL, path,
				    "\"%s\" is not a number (decimal, 0x hex, or with K/M/G/T)", s);
		return 0;
	}
	return fail(c, -EINVAL, path, "must be a number or a string such as \"0x1000\" or \"4G\"");
}

static int get_int(struct json_ctx *c, json_t *v, const char *path, long min, long max, long *out)
{
	json_int_t i;

	if (!json_is_integer(v))
		return fail(c, -EINVAL, path, "must be an integer");
	i = json_integer_value(v);
	if (i < min || i > max)
		return fail(c, -ERANGE, path, "%lld is out of range %ld..%ld", (long long)i, min, max);
	*out = (long)i;
	return 0;
}

/* A range object: start and (end or size); end exclusive. */
static int get_range(struct json_ctx *c, json_t *obj, const char *path,
		     unsigned long long *start, unsigned long long *end)
{
	char p[512];
	json_t *js = json_object_get(obj, "start"), *je = json_object_get(obj, "end");
	json_t *jz = json_object_get(obj, "size");
	unsigned long long size;
	int err;

	if (!json_is_object(obj))
		return fail(c, -EINVAL, path, "must be an object with start and end (or size)");
	field_path(p, sizeof(p), "%s.start", path);
	if (!js)
		return fail(c, -EINVAL, p, "missing");
	err = get_number(c, js, p, start);
	if (err)
		return err;
	if (je && jz)
		return fail(c, -EINVAL, path, "give end or size, not both");
	if (!je && !jz)
		return fail(c, -EINVAL, path, "missing end (exclusive) or size");
	field_path(p, sizeof(p), "%s.%s", path, je ? "end" : "size");
	err = get_number(c, je ? je : jz, p, je ? end : &size);
	if (err)
		return err;
	if (!je) {
		if (*start + size < *start)
			return fail(c, -ERANGE, p, "start + size does not fit in 64 bits");
		*end = *start + size;
	}
	return 0;
}

static int get_bool(struct json_ctx *c, json_t *obj, const char *key, const char *path, bool *out)
{
	json_t *v = json_object_get(obj, key);
	char p[512];

	*out = false;
	if (!v)
		return 0;
	field_path(p, sizeof(p), "%s.%s", path, key);
	if (!json_is_boolean(v))
		return fail(c, -EINVAL, p, "must be true or false");
	*out = json_is_true(v);
	return 0;
}

/* ---- the description -------------------------------------------------------------------------- */

/* nodes[i].adistance (a number, "dram" or "dax") and nodes[i].perf (HMAT's figures) */
static int parse_node_tier(struct json_ctx *c, json_t *n, size_t i, struct pmm_machine_desc *d,
			   int id)
{
	static const char *const keys[] = { "read_latency", "write_latency", "read_bandwidth",
					    "write_bandwidth" };
	json_t *v = json_object_get(n, "adistance"), *perf = json_object_get(n, "perf");
	char p[512];
	int err = 0;

	if (v) {
		long adist = 0;

		field_path(p, sizeof(p), "nodes[%zu].adistance", i);
		if (json_is_string(v) && !strcmp(json_string_value(v), "dram"))
			adist = PMM_MEMTIER_ADISTANCE_DRAM;
		else if (json_is_string(v) && !strcmp(json_string_value(v), "dax"))
			adist = PMM_MEMTIER_DEFAULT_DAX_ADISTANCE;
		else if (json_is_string(v))
			return fail(c, -EINVAL, p, "must be a number, \"dram\" or \"dax\"");
		else
			err = get_int(c, v, p, 1, 1L << 20, &adist);
		if (!err && pmm_machine_desc_set_node_adistance(d, id, (int)adist))
			err = fail(c, -EINVAL, p, "%s", d->error);
		if (err)
			return err;
	}
	if (perf) {
		struct pmm_access_coordinate coord;
		unsigned int *fields[] = { &coord.read_latency, &coord.write_latency,
					   &coord.read_bandwidth, &coord.write_bandwidth };
		const char *key;
		unsigned int k;

		field_path(p, sizeof(p), "nodes[%zu].perf", i);
		if (!json_is_object(perf))
			return fail(c, -EINVAL, p, "must be an object: read_latency, write_latency "
				    "(ns), read_bandwidth, write_bandwidth (MB/s)");
		json_object_foreach(perf, key, v) {
			for (k = 0; k < 4 && strcmp(key, keys[k]); k++)
				;
			if (k == 4)
				return fail(c, -EINVAL, p, "unknown key \"%s\" (read_latency, "
					    "write_latency, read_bandwidth, write_bandwidth)", key);
		}
		for (k = 0; k < 4; k++) {
			long x = 0;

			field_path(p, sizeof(p), "nodes[%zu].perf.%s", i, keys[k]);
			v = json_object_get(perf, keys[k]);
			if (!v)
				return fail(c, -EINVAL, p, "missing");
			err = get_int(c, v, p, 0, 0xffffffffL, &x);
			if (err)
				return err;
			*fields[k] = (unsigned int)x;
		}
		if (pmm_machine_desc_set_node_perf(d, id, &coord))
			return fail(c, -EINVAL, p, "%s", d->error);
	}
	return 0;
}

static int parse_nodes(struct json_ctx *c, json_t *root, struct pmm_machine_desc *d)
{
	json_t *nodes = json_object_get(root, "nodes"), *n;
	int ids[PMM_MAX_NUMNODES];
	size_t i, j;
	char p[512];
	int err;

	if (!nodes)
		return fail(c, -EINVAL, "nodes", "missing: a machine needs at least one node");
	if (!json_is_array(nodes) || !json_array_size(nodes))
		return fail(c, -EINVAL, "nodes", "must be a non-empty array of nodes");
	if (json_array_size(nodes) > PMM_MAX_NUMNODES)
		return fail(c, -EINVAL, "nodes", "%zu nodes; pmm was built for at most %d",
			    json_array_size(nodes), PMM_MAX_NUMNODES);
	json_array_foreach(nodes, i, n) {
		json_t *cpus;
		long id = 0;

		field_path(p, sizeof(p), "nodes[%zu]", i);
		if (!json_is_object(n))
			return fail(c, -EINVAL, p, "must be an object with an id");
		field_path(p, sizeof(p), "nodes[%zu].id", i);
		if (!json_object_get(n, "id"))
			return fail(c, -EINVAL, p, "missing");
		err = get_int(c, json_object_get(n, "id"), p, 0, PMM_MAX_NUMNODES - 1, &id);
		if (err)
			return err;
		cpus = json_object_get(n, "cpus");
		field_path(p, sizeof(p), "nodes[%zu].cpus", i);
		if (cpus && !json_is_string(cpus))
			return fail(c, -EINVAL, p, "must be a CPU list such as \"0-3,8\"");
		err = pmm_machine_desc_add_node(d, (int)id, cpus ? json_string_value(cpus) : "");
		if (err)
			return fail(c, err, err == -EINVAL && strstr(d->error, "CPU") ? p : p,
				    "%s", d->error);
		ids[i] = (int)id;
		if (json_object_get(n, "host_node")) {
			long h = 0;

			field_path(p, sizeof(p), "nodes[%zu].host_node", i);
			err = get_int(c, json_object_get(n, "host_node"), p, 0, 1L << 20, &h);
			if (!err)
				err = pmm_machine_desc_set_host_node(d, (int)id, (int)h);
			if (err)
				return err;
		}
		err = parse_node_tier(c, n, i, d, (int)id);
		if (err)
			return err;
	}
	json_array_foreach(nodes, i, n) {
		json_t *dist = json_object_get(n, "distances");

		if (!dist)
			continue;
		field_path(p, sizeof(p), "nodes[%zu].distances", i);
		if (!json_is_array(dist) || json_array_size(dist) != json_array_size(nodes))
			return fail(c, -EINVAL, p, "must list one distance per node (%zu)",
				    json_array_size(nodes));
		for (j = 0; j < json_array_size(dist); j++) {
			long v = 0;

			field_path(p, sizeof(p), "nodes[%zu].distances[%zu]", i, j);
			err = get_int(c, json_array_get(dist, j), p, 0, 255, &v);
			if (!err)
				err = pmm_machine_desc_set_distance(d, ids[i], ids[j], (int)v);
			if (err)
				return fail(c, err, p, "%s", d->error);
		}
	}
	return 0;
}

static int parse_ranges(struct json_ctx *c, json_t *root, struct pmm_machine_desc *d,
			const char *key)
{
	json_t *arr = json_object_get(root, key), *r;
	size_t i;
	char p[512];
	int err;

	if (!arr) {
		if (!strcmp(key, "memory"))
			return fail(c, -EINVAL, key, "missing: a machine needs memory");
		return 0;
	}
	if (!json_is_array(arr))
		return fail(c, -EINVAL, key, "must be an array of ranges");
	json_array_foreach(arr, i, r) {
		unsigned long long start, end;
		long nid = 0;

		field_path(p, sizeof(p), "%s[%zu]", key, i);
		err = get_range(c, r, p, &start, &end);
		if (err)
			return err;
		if (strcmp(key, "reserved")) {
			char pn[600];

			field_path(pn, sizeof(pn), "%s.node", p);
			if (!json_object_get(r, "node"))
				return fail(c, -EINVAL, pn, "missing");
			err = get_int(c, json_object_get(r, "node"), pn, 0, PMM_MAX_NUMNODES - 1, &nid);
			if (err)
				return err;
		}
		if (!strcmp(key, "memory")) {
			bool hotpluggable, mirror, nomap;
			unsigned int flags;

			err = get_bool(c, r, "hotpluggable", p, &hotpluggable);
			if (!err)
				err = get_bool(c, r, "mirror", p, &mirror);
			if (!err)
				err = get_bool(c, r, "nomap", p, &nomap);
			if (err)
				return err;
			flags = (hotpluggable ? PMM_MEMORY_HOTPLUGGABLE : 0) |
				(mirror ? PMM_MEMORY_MIRROR : 0) | (nomap ? PMM_MEMORY_NOMAP : 0);
			err = pmm_machine_desc_add_memory(d, start, end, (int)nid, flags);
		} else if (!strcmp(key, "reserved")) {
			err = pmm_machine_desc_add_reserved(d, start, end);
		} else {
			err = pmm_machine_desc_add_hotplug(d, start, end, (int)nid);
		}
		if (err)
			return fail(c, err, p, "%s", d->error);
	}
	return 0;
}

/*
 * "kernel": a version or named kernel, or an object: {"version": "6.1" or
 * "debian-12", "zones": ["DMA", "DMA32", "Normal", "Movable"], "numa": true}.
 */
static int parse_kernel(struct json_ctx *c, json_t *root, struct pmm_machine_desc *d)
{
	json_t *v = json_object_get(root, "kernel"), *ver, *zones, *z;
	unsigned int mask = 0;
	const char *key;
	int numa = -1, t, err;
	bool b;
	size_t i;

	if (!v)
		return 0;
	if (json_is_string(v)) {
		if (pmm_machine_desc_set_kernel(d, json_string_value(v)))
			return fail(c, -EINVAL, "kernel", "%s", d->error);
		return 0;
	}
	if (!json_is_object(v))
		return fail(c, -EINVAL, "kernel", "must be a version string such as \"6.12\", a "
			    "named kernel such as \"debian-12\", or an object with \"version\", "
			    "\"zones\" and \"numa\"");
	json_object_foreach(v, key, z)
		if (strcmp(key, "version") && strcmp(key, "zones") && strcmp(key, "numa"))
			return fail(c, -EINVAL, "kernel", "unknown key \"%s\" (version, zones, numa)",
				    key);
	zones = json_object_get(v, "zones");
	if (zones) {
		if (!json_is_array(zones))
			return fail(c, -EINVAL, "kernel.zones", "must be an array of zone names");
		json_array_foreach(zones, i, z) {
			char p[64];

			field_path(p, sizeof(p), "kernel.zones[%zu]", i);
			for (t = 0; t < PMM_MAX_NR_ZONES; t++)
				if (json_is_string(z) && !strcmp(json_string_value(z), pmm_zone_names[t]))
					break;
			if (t == PMM_MAX_NR_ZONES)
				return fail(c, -EINVAL, p, "must be one of DMA, DMA32, Normal, HighMem, "
					    "Movable, Device");
			mask |= 1u << t;
		}
		if (!mask)
			return fail(c, -EINVAL, "kernel.zones", "must name the zones, Normal and "
				    "Movable at least");
	}
	err = get_bool(c, v, "numa", "kernel", &b);
	if (err)
		return err;
	if (json_object_get(v, "numa"))
		numa = b;
	if ((mask || numa >= 0) && pmm_machine_desc_set_kernel_config(d, mask, numa))
		return fail(c, -EINVAL, zones ? "kernel.zones" : "kernel.numa", "%s", d->error);
	ver = json_object_get(v, "version");
	if (ver && (!json_is_string(ver) || pmm_machine_desc_set_kernel(d, json_string_value(ver))))
		return fail(c, -EINVAL, "kernel.version", "%s", json_is_string(ver) ? d->error :
			    "must be a version string such as \"6.12\" or a named kernel");
	return 0;
}

static int parse_sysctl(struct json_ctx *c, json_t *root, struct pmm_machine_desc *d)
{
	json_t *obj = json_object_get(root, "sysctl"), *v;
	const char *key;
	char p[512];
	int err;

	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return fail(c, -EINVAL, "sysctl", "must be an object of vm.* settings");
	json_object_foreach(obj, key, v) {
		long values[PMM_MAX_NR_ZONES + 1];
		unsigned int n = 0;
		size_t i;

		field_path(p, sizeof(p), "sysctl.%s", key);
		if (json_is_array(v)) {
			if (json_array_size(v) > PMM__ARRAY_SIZE(values))
				return fail(c, -EINVAL, p, "too many values");
			for (i = 0; i < json_array_size(v); i++) {
				char pi[600];

				field_path(pi, sizeof(pi), "%s[%zu]", p, i);
				err = get_int(c, json_array_get(v, i), pi, -(1L << 40), 1L << 40,
					      &values[n++]);
				if (err)
					return err;
			}
		} else {
			err = get_int(c, v, p, -(1L << 40), 1L << 40, &values[n++]);
			if (err)
				return err;
		}
		err = pmm_machine_desc_set_sysctl(d, key, values, n);
		if (err)
			return fail(c, err, p, "%s", d->error);
	}
	return 0;
}

/* "zone_ends": {"DMA": ..., "DMA32": ..., "Normal": ...}, where a boot log says they end */
static int parse_zone_ends(struct json_ctx *c, json_t *root, struct pmm_machine_desc *d)
{
	json_t *obj = json_object_get(root, "zone_ends"), *v;
	const char *key;
	char p[512];
	int z, err;

	if (!obj)
		return 0;
	if (!json_is_object(obj))
		return fail(c, -EINVAL, "zone_ends", "must be an object: DMA, DMA32, Normal");
	json_object_foreach(obj, key, v) {
		unsigned long long end;

		field_path(p, sizeof(p), "zone_ends.%s", key);
		for (z = 0; z < PMM_MAX_NR_ZONES && strcmp(key, pmm_zone_names[z]); z++)
			;
		if (z != PMM_ZONE_DMA && z != PMM_ZONE_DMA32 && z != PMM_ZONE_NORMAL)
			return fail(c, -EINVAL, p, "only DMA, DMA32 and Normal end where the "
				    "description says");
		err = get_number(c, v, p, &end);
		if (!err && pmm__desc_set_zone_end(d, z, end))
			err = fail(c, -EINVAL, p, "%s", d->error);
		if (err)
			return err;
	}
	return 0;
}

static int parse_root(struct json_ctx *c, json_t *root, struct pmm_machine_desc **out)
{
	struct pmm_machine_desc *d;
	json_t *arch = json_object_get(root, "arch"), *v;
	int err;

	if (!json_is_object(root))
		return fail(c, -EINVAL, "", "the file must hold one JSON object");
	if (!arch)
		return fail(c, -EINVAL, "arch", "missing (x86_64, x86_32, x86_32_pae, arm64, "
			    "arm64_16k, arm64_64k or riscv64)");
	if (!json_is_string(arch) || pmm_machine_desc_create(json_string_value(arch), &d))
		return fail(c, -EINVAL, "arch", "unknown architecture%s%s%s (x86_64, x86_32, "
			    "x86_32_pae, arm64, arm64_16k, arm64_64k or riscv64)",
			    json_is_string(arch) ? " \"" : "",
			    json_is_string(arch) ? json_string_value(arch) : "",
			    json_is_string(arch) ? "\"" : "");
	err = parse_kernel(c, root, d);
	if (err)
		goto out;
	v = json_object_get(root, "cmdline");
	if (v && !json_is_string(v)) {
		err = fail(c, -EINVAL, "cmdline", "must be a string");
		goto out;
	}
	err = pmm_machine_desc_set_cmdline(d, v ? json_string_value(v) : "");
	if (!err)
		err = parse_nodes(c, root, d);
	if (!err)
		err = parse_ranges(c, root, d, "memory");
	if (!err)
		err = parse_ranges(c, root, d, "reserved");
	if (!err)
		err = parse_ranges(c, root, d, "hotplug");
	if (!err)
		err = parse_sysctl(c, root, d);
	if (!err)
		err = parse_zone_ends(c, root, d);
	v = json_object_get(root, "swap");
	if (!err && v) {
		unsigned long long bytes;

		err = get_number(c, v, "swap", &bytes);
		if (!err && pmm_machine_desc_set_swap(d, bytes))
			err = fail(c, -EINVAL, "swap", "%s", d->error);
	}
	v = json_object_get(root, "auto_online_blocks");
	if (!err && v && (!json_is_string(v) || pmm_machine_desc_set_auto_online(d,
							json_string_value(v))))
		err = fail(c, -EINVAL, "auto_online_blocks",
			   "must be \"offline\", \"online\", \"online_kernel\" or \"online_movable\"");
out:
	if (err)
		pmm_machine_desc_destroy(d);
	else
		*out = d;
	return err;
}

/* Where the first NUL byte is (jansson stops reading there; the scan must not run). */
static bool find_nul(const char *text, size_t len, int *line, int *column)
{
	const char *nul = memchr(text, '\0', len), *p;

	if (!nul)
		return false;
	*line = 1;
	*column = 1;
	for (p = text; p < nul; p++) {
		if (*p == '\n') {
			++*line;
			*column = 1;
		} else {
			++*column;
		}
	}
	return true;
}

int pmm_machine_desc_from_json_buffer(const char *text, size_t len, const char *name,
				      struct pmm_machine_desc **out, char *errbuf, size_t err_len)
{
	struct json_ctx c = { .file = name ? name : "(buffer)", .line = 1, .column = 1,
			      .err = errbuf, .err_len = err_len };
	json_error_t jerr;
	json_t *root;
	int err, line, column;
	size_t i;

	*out = NULL;
	if (errbuf && err_len)
		errbuf[0] = '\0';
	if (!text)
		return -EINVAL;
	if (find_nul(text, len, &line, &column)) {
		if (errbuf && err_len)
			snprintf(errbuf, err_len, "%s:%d:%d: a NUL byte: not JSON text", c.file,
				 line, column);
		return -EINVAL;
	}
	root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (errbuf && err_len)
			snprintf(errbuf, err_len, "%s:%d:%d: %s", c.file, jerr.line, jerr.column,
				 jerr.text);
		if (json_error_code(&jerr) == json_error_out_of_memory)
			return -ENOMEM;
		return strstr(jerr.text, "too big") ? -ERANGE : -EINVAL;
	}
	c.text = text;
	c.len = len;
	scan_value(&c, "", 0);
	err = parse_root(&c, root, out);
	json_decref(root);
	for (i = 0; i < c.nr_pos; i++)
		free(c.pos[i].path);
	free(c.pos);
	return err;
}

int pmm_machine_desc_from_json(const char *path, struct pmm_machine_desc **out, char *err,
			       size_t err_len)
{
	return pmm__desc_from_file(path, pmm_machine_desc_from_json_buffer, out, err, err_len);
}

/* ---- writing a description ------------------------------------------------------------------- */

static json_t *hex(unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%#llx", v);
	return json_string(v ? buf : "0");
}

static json_t *ranges_json(const struct pmm__range *r, unsigned int nr, bool with_node,
			   bool with_flags)
{
	json_t *arr = json_array();
	unsigned int i;

	for (i = 0; arr && i < nr; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "start", hex(r[i].start));
		json_object_set_new(o, "end", hex(r[i].end));
		if (with_node)
			json_object_set_new(o, "node", json_integer(r[i].nid));
		if (with_flags && (r[i].flags & PMM_MEMORY_HOTPLUGGABLE))
			json_object_set_new(o, "hotpluggable", json_true());
		if (with_flags && (r[i].flags & PMM_MEMORY_MIRROR))
			json_object_set_new(o, "mirror", json_true());
		if (with_flags && (r[i].flags & PMM_MEMORY_NOMAP))
			json_object_set_new(o, "nomap", json_true());
		json_array_append_new(arr, o);
	}
	return arr;
}

static json_t *sysctl_json(const struct pmm_machine_desc *d)
{
	static const struct {
		const char	*name;
		size_t		offset;
	} one[] = {
#define SYSCTL(x)	{ "vm." #x, offsetof(struct pmm__sysctl, x) }
		SYSCTL(min_free_kbytes), SYSCTL(watermark_scale_factor),
		SYSCTL(percpu_pagelist_high_fraction), SYSCTL(watermark_boost_factor),
		SYSCTL(min_unmapped_ratio), SYSCTL(min_slab_ratio), SYSCTL(extfrag_threshold),
		SYSCTL(compaction_proactiveness), SYSCTL(compact_unevictable_allowed),
		SYSCTL(swappiness), SYSCTL(zone_reclaim_mode), SYSCTL(dirty_ratio),
		SYSCTL(dirty_background_ratio), SYSCTL(overcommit_ratio),
#undef SYSCTL
	};
	json_t *o = json_object(), *ratios = json_array();
	bool all_set = true;
	unsigned int i;
	int z;

	for (i = 0; i < PMM__ARRAY_SIZE(one); i++) {
		long v = *(const long *)((const char *)&d->sysctl + one[i].offset);

		if (v >= 0)
			json_object_set_new(o, one[i].name, json_integer(v));
	}
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (d->build.zones & (1u << z)) {
			all_set &= d->sysctl.lowmem_reserve_ratio[z] >= 0;
			json_array_append_new(ratios, json_integer(d->sysctl.lowmem_reserve_ratio[z]));
		}
	if (all_set && json_array_size(ratios))
		json_object_set_new(o, "vm.lowmem_reserve_ratio", ratios);
	else
		json_decref(ratios);
	return o;
}

static json_t *desc_json(const struct pmm_machine_desc *d)
{
	static const char *const online[] = { "offline", "online", "online_kernel",
					      "online_movable" };
	json_t *root = json_object(), *kernel = json_object(), *zones = json_array();
	json_t *nodes = json_array(), *ends = json_object(), *sysctl;
	char version[16], list[4096];
	int z, n, k;

	json_object_set_new(root, "arch", json_string(d->arch->name));
	snprintf(version, sizeof(version), "%u.%u", d->kernel_version >> 16,
		 (d->kernel_version >> 8) & 0xff);
	json_object_set_new(kernel, "version", json_string(version));
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (d->build.zones & (1u << z))
			json_array_append_new(zones, json_string(pmm_zone_names[z]));
	json_object_set_new(kernel, "zones", zones);
	json_object_set_new(kernel, "numa", json_boolean(d->build.numa));
	json_object_set_new(root, "kernel", kernel);
	if (d->cmdline && d->cmdline[0])
		json_object_set_new(root, "cmdline", json_string(d->cmdline));
	for (n = 0; n < PMM_MAX_NUMNODES; n++) {
		const struct pmm__desc_node *dn = &d->nodes[n];
		json_t *o, *dist;

		if (!dn->declared)
			continue;
		o = json_object();
		dist = json_array();
		json_object_set_new(o, "id", json_integer(n));
		pmm_cpulist_print(list, sizeof(list), &dn->cpus);
		json_object_set_new(o, "cpus", json_string(list));
		for (k = 0; k < PMM_MAX_NUMNODES; k++)
			if (d->nodes[k].declared)
				json_array_append_new(dist, json_integer(d->distance[n][k]));
		json_object_set_new(o, "distances", dist);
		if (dn->host_node != PMM_NUMA_NO_NODE)
			json_object_set_new(o, "host_node", json_integer(dn->host_node));
		else if (d->from_host)	/* described from this host: its own node */
			json_object_set_new(o, "host_node", json_integer(n));
		if (dn->adistance)
			json_object_set_new(o, "adistance", json_integer(dn->adistance));
		if (dn->perf_set) {
			json_t *perf = json_object();

			json_object_set_new(perf, "read_latency", json_integer(dn->perf.read_latency));
			json_object_set_new(perf, "write_latency",
					    json_integer(dn->perf.write_latency));
			json_object_set_new(perf, "read_bandwidth",
					    json_integer(dn->perf.read_bandwidth));
			json_object_set_new(perf, "write_bandwidth",
					    json_integer(dn->perf.write_bandwidth));
			json_object_set_new(o, "perf", perf);
		}
		json_array_append_new(nodes, o);
	}
	json_object_set_new(root, "nodes", nodes);
	json_object_set_new(root, "memory", ranges_json(d->memory, d->nr_memory, true, true));
	if (d->nr_reserved)
		json_object_set_new(root, "reserved",
				    ranges_json(d->reserved, d->nr_reserved, false, false));
	if (d->nr_hotplug)
		json_object_set_new(root, "hotplug",
				    ranges_json(d->hotplug, d->nr_hotplug, true, false));
	if (d->auto_online >= 0 && d->auto_online < (int)PMM__ARRAY_SIZE(online))
		json_object_set_new(root, "auto_online_blocks", json_string(online[d->auto_online]));
	if (d->swap_bytes)
		json_object_set_new(root, "swap", hex(d->swap_bytes));
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (d->zone_end[z])
			json_object_set_new(ends, pmm_zone_names[z], hex(d->zone_end[z]));
	if (json_object_size(ends))
		json_object_set_new(root, "zone_ends", ends);
	else
		json_decref(ends);
	sysctl = sysctl_json(d);
	if (json_object_size(sysctl))
		json_object_set_new(root, "sysctl", sysctl);
	else
		json_decref(sysctl);
	return root;
}

int pmm_machine_desc_write_json(const struct pmm_machine_desc *d, FILE *f)
{
	json_t *root;
	int rc;

	if (!d || !f)
		return -EINVAL;
	root = desc_json(d);
	if (!root)
		return -ENOMEM;
	rc = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	json_decref(root);
	if (rc || fputc('\n', f) == EOF || ferror(f))
		return -EIO;
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Every report as JSON (pmm_print_report_json(), `pmm --format json`):
 * the same figures as the kernel-format text, as objects and arrays a
 * program reads without parsing (docs/json.md, schema version 1). The
 * "name value" files (vmstat, meminfo) and pagetypeinfo are taken from the
 * text pmm prints, so that both forms always say the same; the others are
 * built from the machine.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "internal.h"

#define SCHEMA_VERSION	1

/* what a text report prints, as a string to free(); NULL on failure (*@err set) */
static char *capture(const struct pmm_machine *m, int (*print)(const struct pmm_machine *, FILE *),
		     int *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = print(m, f);
	if (fclose(f) && !*err)
		*err = -ENOMEM;
	if (*err) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* "Name:   123 kB" or "name 123" lines: {"Name": 123, ...} (kB values stay in kB) */
static json_t *name_values(const char *text, const char *prefix)
{
	json_t *o = json_object();
	const char *line;

	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		char name[128];
		unsigned long long v;
		const char *p = line;
		size_t n;

		if (prefix) {	/* "Node 0 MemTotal:" */
			if (strncmp(p, prefix, strlen(prefix)))
				continue;
			p += strlen(prefix);
		}
		n = strcspn(p, ": \n");
		if (!n || n >= sizeof(name))
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		p += n;
		p += strspn(p, ": ");
		if (sscanf(p, "%llu", &v) == 1)
			json_object_set_new(o, name, json_integer((json_int_t)v));
	}
	return o;
}

/* a "name value" report (@print) as data.@key */
static int name_value_report(const struct pmm_machine *m, json_t *data, const char *key,
			     int (*print)(const struct pmm_machine *, FILE *))
{
	int err;
	char *text = capture(m, print, &err);

	if (!text)
		return err;
	json_object_set_new(data, key, name_values(text, NULL));
	free(text);
	return 0;
}

static int vmstat_json(const struct pmm_machine *m, json_t *data)
{
	return name_value_report(m, data, "vmstat", pmm_print_vmstat);
}

static int meminfo_json(const struct pmm_machine *m, json_t *data)
{
	return name_value_report(m, data, "meminfo_kb", pmm_print_meminfo);
}

static int node_meminfo_json(const struct pmm_machine *m, json_t *data)
{
	json_t *nodes = json_object();
	int nid;

	for (nid = 0; nid < PMM_MAX_NUMNODES; nid++) {
		char *text = NULL, prefix[32], key[16];
		size_t len = 0;
		FILE *f;
		int err;

		if (!pmm_node_state(m, nid, PMM_N_ONLINE))
			continue;
		f = open_memstream(&text, &len);
		if (!f)
			return -ENOMEM;
		err = pmm_print_node_meminfo(m, nid, f);
		fclose(f);
		if (err) {
			free(text);
			json_decref(nodes);
			return err;
		}
		snprintf(prefix, sizeof(prefix), "Node %d ", nid);
		snprintf(key, sizeof(key), "%d", nid);
		json_object_set_new(nodes, key, name_values(text, prefix));
		free(text);
	}
	json_object_set_new(data, "nodes_kb", nodes);
	return 0;
}

static json_t *zone_id(const pmm_pg_data_t *pgdat, const struct pmm_zone *zone)
{
	json_t *o = json_object();

	json_object_set_new(o, "node", json_integer(pgdat->node_id));
	json_object_set_new(o, "zone", json_string(zone->name));
	return o;
}

#define for_each_zone_of(m, nid, z, pgdat, zone)						\
	pmm_for_each_online_node(nid, m)							\
		for (z = 0, pgdat = pmm_node_data(m, nid); z < PMM_MAX_NR_ZONES; z++)		\
			if ((zone = &pgdat->node_zones[z]),					\
			    pmm_zone_type_configured(m, (enum pmm_zone_type)z))

static int zoneinfo_json(const struct pmm_machine *m, json_t *data)
{
	json_t *zones = json_array();
	const pmm_pg_data_t *pgdat;
	const struct pmm_zone *zone;
	int nid, z, k;
	unsigned int i;

	for_each_zone_of(m, nid, z, pgdat, zone) {
		json_t *o = zone_id(pgdat, zone), *prot = json_array(), *stats = json_object();

		json_object_set_new(o, "start_pfn", json_integer((json_int_t)zone->zone_start_pfn));
		json_object_set_new(o, "spanned", json_integer((json_int_t)zone->spanned_pages));
		json_object_set_new(o, "present", json_integer((json_int_t)zone->present_pages));
		json_object_set_new(o, "managed", json_integer((json_int_t)zone->managed_pages));
		json_object_set_new(o, "free", json_integer((json_int_t)pmm_zone_free_pages(zone)));
		json_object_set_new(o, "min", json_integer((json_int_t)(zone->_watermark[PMM_WMARK_MIN] +
								       zone->watermark_boost)));
		json_object_set_new(o, "low", json_integer((json_int_t)(zone->_watermark[PMM_WMARK_LOW] +
								       zone->watermark_boost)));
		json_object_set_new(o, "high", json_integer((json_int_t)(zone->_watermark[PMM_WMARK_HIGH] +
									zone->watermark_boost)));
		json_object_set_new(o, "boost", json_integer((json_int_t)zone->watermark_boost));
		for (k = 0; k < PMM_MAX_NR_ZONES; k++)
			if (pmm_zone_type_configured(m, (enum pmm_zone_type)k))
				json_array_append_new(prot, json_integer(zone->lowmem_reserve[k]));
		json_object_set_new(o, "protection", prot);
		for (i = 0; i < PMM_NR_VM_ZONE_STAT_ITEMS; i++)
			json_object_set_new(stats, pmm_zone_stat_names[i],
					    json_integer(pmm_zone_page_state(zone, (int)i)));
		json_object_set_new(o, "stats", stats);
		json_object_set_new(o, "pageset_high", json_integer(zone->pageset_high));
		json_object_set_new(o, "pageset_batch", json_integer(zone->pageset_batch));
		json_array_append_new(zones, o);
	}
	json_object_set_new(data, "zones", zones);
	return 0;
}

/* buddyinfo: free blocks per order; unusable/extfrag: the indices per order */
static int per_order_json(const struct pmm_machine *m, json_t *data, int which)
{
	json_t *zones = json_array();
	const pmm_pg_data_t *pgdat;
	const struct pmm_zone *zone;
	unsigned int o;
	int nid, z;

	for_each_zone_of(m, nid, z, pgdat, zone) {
		json_t *o_json, *arr;

		if (!pmm_populated_zone(zone))
			continue;	/* buddyinfo and debugfs list populated zones only */
		o_json = zone_id(pgdat, zone);
		arr = json_array();
		for (o = 0; o <= m->max_page_order; o++) {
			if (which == 0)
				json_array_append_new(arr, json_integer((json_int_t)
					__atomic_load_n(&zone->free_area[o].nr_free, __ATOMIC_RELAXED)));
			else	/* thousandths, as debugfs prints them with three decimals */
				json_array_append_new(arr, json_real((which == 1 ?
					pmm_unusable_free_index(zone, o) :
					pmm_fragmentation_index(zone, o)) / 1000.0));
		}
		json_object_set_new(o_json, which == 0 ? "free_blocks" : which == 1 ?
				    "unusable_index" : "extfrag_index", arr);
		json_array_append_new(zones, o_json);
	}
	json_object_set_new(data, "zones", zones);
	return 0;
}

/* pagetypeinfo, from its text: free blocks per migratetype and order, pageblocks per type */
static int pagetypeinfo_json(const struct pmm_machine *m, json_t *data)
{
	json_t *free_arr = json_array(), *blocks = json_array(), *types = json_array();
	const char *line;
	char *text;
	int err;

	text = capture(m, pmm_print_pagetypeinfo, &err);
	if (!text)
		return err;
	for (line = text; line && *line; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		int node, used = 0;
		char zone[16], type[16];

		if (sscanf(line, "Number of blocks type %n", &used) >= 0 && used) {
			const char *p = line + used;
			char t[16];
			int n;

			while (sscanf(p, "%15s%n", t, &n) == 1) {
				json_array_append_new(types, json_string(t));
				p += n;
			}
		} else if (sscanf(line, "Node %d, zone %15[^,], type %15s%n", &node, zone, type,
				  &used) == 3) {
			json_t *o = json_object(), *counts = json_array();
			const char *p = line + used;
			unsigned long long v;
			int n;

			while (sscanf(p, "%llu%n", &v, &n) == 1) {
				json_array_append_new(counts, json_integer((json_int_t)v));
				p += n;
			}
			json_object_set_new(o, "node", json_integer(node));
			json_object_set_new(o, "zone", json_string(zone + strspn(zone, " ")));
			json_object_set_new(o, "type", json_string(type));
			json_object_set_new(o, "free_blocks", counts);
			json_array_append_new(free_arr, o);
		} else if (sscanf(line, "Node %d, zone %15s%n", &node, zone, &used) == 2) {
			json_t *o = json_object(), *counts = json_object();
			const char *p = line + used;
			unsigned long long v;
			size_t k = 0;
			int n;

			while (sscanf(p, "%llu%n", &v, &n) == 1 && k < json_array_size(types)) {
				json_object_set_new(counts, json_string_value(json_array_get(types, k++)),
						    json_integer((json_int_t)v));
				p += n;
			}
			json_object_set_new(o, "node", json_integer(node));
			json_object_set_new(o, "zone", json_string(zone));
			json_object_set_new(o, "pageblocks", counts);
			json_array_append_new(blocks, o);
		}
	}
	free(text);
	json_decref(types);
	json_object_set_new(data, "pageblock_order", json_integer(m->pageblock_order));
	json_object_set_new(data, "free", free_arr);
	json_object_set_new(data, "blocks", blocks);
	return 0;
}

static int node_states_json(const struct pmm_machine *m, json_t *data)
{
	json_t *o = json_object();
	char list[4096];
	int s;

	for (s = 0; s < PMM_NR_NODE_STATES; s++) {
		pmm_nodelist_print(list, sizeof(list), pmm_node_states(m, (enum pmm_node_states)s));
		json_object_set_new(o, pmm_node_state_names[s], json_string(list));
	}
	json_object_set_new(data, "node_states", o);
	return 0;
}

static int memory_blocks_json(const struct pmm_machine *m, json_t *data)
{
	json_t *arr = json_array();
	unsigned long i;

	json_object_set_new(data, "block_size_bytes", json_integer((json_int_t)m->block_size));
	if (m->block_size)
		json_object_set_new(data, "auto_online_blocks",
				    json_string(pmm__online_type_name(m->auto_online_type)));
	for (i = 0; i < pmm_memory_block_count(m); i++) {
		struct pmm_memory_block_info info;
		json_t *o = json_object();
		char zones[64];

		pmm_memory_block_info(m, i, &info);
		pmm__memory_block_zones(&info, zones, sizeof(zones));
		json_object_set_new(o, "id", json_integer((json_int_t)info.id));
		json_object_set_new(o, "start", json_integer((json_int_t)info.start));
		json_object_set_new(o, "state", json_string(pmm__memory_block_state_name(info.state)));
		json_object_set_new(o, "node", json_integer(info.nid));
		json_object_set_new(o, "valid_zones", json_string(zones));
		json_array_append_new(arr, o);
	}
	json_object_set_new(data, "blocks", arr);
	return 0;
}

static int memory_tiers_json(const struct pmm_machine *m, json_t *data)
{
	json_t *arr = json_array();
	int nid;

	pmm_for_each_online_node(nid, m) {
		json_t *o = json_object();
		pmm_nodemask_t pref;
		char list[4096];

		json_object_set_new(o, "node", json_integer(nid));
		json_object_set_new(o, "adistance", json_integer(pmm_node_adistance(m, nid)));
		json_object_set_new(o, "tier", json_integer(pmm_node_memory_tier(m, nid)));
		if (!pmm_demotion_targets(m, nid, &pref, NULL)) {
			pmm_nodelist_print(list, sizeof(list), &pref);
			json_object_set_new(o, "demotion_targets", json_string(list));
		} else {
			json_object_set_new(o, "demotion_targets", json_null());
		}
		json_array_append_new(arr, o);
	}
	json_object_set_new(data, "nodes", arr);
	return 0;
}

static int boot_log_json(const struct pmm_machine *m, json_t *data)
{
	json_t *arr = json_array();
	const char *line = pmm_boot_log(m);

	while (line && *line) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		json_array_append_new(arr, json_stringn(line, n));
		line = nl ? nl + 1 : NULL;
	}
	json_object_set_new(data, "lines", arr);
	return 0;
}

static int summary_json(const struct pmm_machine *m, json_t *data)
{
	json_t *nodes = json_array();
	int nid, z, cpu;

	json_object_set_new(data, "arch", json_string(m->arch->name));
	json_object_set_new(data, "memory_model", json_string(PMM_CONFIG_MODEL_NAME));
	json_object_set_new(data, "page_size", json_integer((json_int_t)pmm_page_size(m)));
	json_object_set_new(data, "max_page_order", json_integer(m->max_page_order));
	json_object_set_new(data, "pageblock_order", json_integer(m->pageblock_order));
	json_object_set_new(data, "max_pfn", json_integer((json_int_t)m->max_pfn));
	pmm_for_each_online_node(nid, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
		json_t *o = json_object(), *zones = json_array(), *cpus = json_array();

		json_object_set_new(o, "node", json_integer(nid));
		json_object_set_new(o, "start_pfn", json_integer((json_int_t)pgdat->node_start_pfn));
		json_object_set_new(o, "spanned", json_integer((json_int_t)pgdat->node_spanned_pages));
		json_object_set_new(o, "present", json_integer((json_int_t)pgdat->node_present_pages));
		for (cpu = 0; cpu < pmm_nr_cpus(m); cpu++)
			if (pmm_cpu_to_node(m, cpu) == nid)
				json_array_append_new(cpus, json_integer(cpu));
		json_object_set_new(o, "cpus", cpus);
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			json_t *zo;

			if (!pmm_populated_zone(zone))
				continue;
			zo = json_object();
			json_object_set_new(zo, "zone", json_string(zone->name));
			json_object_set_new(zo, "start_pfn", json_integer((json_int_t)zone->zone_start_pfn));
			json_object_set_new(zo, "spanned", json_integer((json_int_t)zone->spanned_pages));
			json_object_set_new(zo, "present", json_integer((json_int_t)zone->present_pages));
			json_object_set_new(zo, "managed", json_integer((json_int_t)zone->managed_pages));
			json_array_append_new(zones, zo);
		}
		json_object_set_new(o, "zones", zones);
		json_array_append_new(nodes, o);
	}
	json_object_set_new(data, "nodes", nodes);
	return 0;
}

static int buddyinfo_json(const struct pmm_machine *m, json_t *data)
{
	return per_order_json(m, data, 0);
}

static int unusable_json(const struct pmm_machine *m, json_t *data)
{
	return per_order_json(m, data, 1);
}

static int extfrag_json(const struct pmm_machine *m, json_t *data)
{
	return per_order_json(m, data, 2);
}

static const struct {
	const char	*name;
	int		(*build)(const struct pmm_machine *m, json_t *data);
} reports[] = {
	{ "boot-log", boot_log_json }, { "zoneinfo", zoneinfo_json },
	{ "node-states", node_states_json }, { "memory-blocks", memory_blocks_json },
	{ "buddyinfo", buddyinfo_json }, { "pagetypeinfo", pagetypeinfo_json },
	{ "extfrag", extfrag_json }, { "unusable", unusable_json },
	{ "memory-tiers", memory_tiers_json }, { "vmstat", vmstat_json },
	{ "meminfo", meminfo_json }, { "node-meminfo", node_meminfo_json },
	{ "summary", summary_json },
};

int pmm_print_report_json(const struct pmm_machine *m, const char *report, FILE *f)
{
	json_t *root, *data;
	unsigned int i;
	char version[16];
	int err;

	if (!m || !report || !f)
		return -EINVAL;
	for (i = 0; i < PMM__ARRAY_SIZE(reports) && strcmp(reports[i].name, report); i++)
		;
	if (i == PMM__ARRAY_SIZE(reports))
		return -ENOENT;
	root = json_object();
	data = json_object();
	if (!root || !data) {
		json_decref(root);
		json_decref(data);
		return -ENOMEM;
	}
	snprintf(version, sizeof(version), "%u.%u", m->kernel_version >> 16,
		 (m->kernel_version >> 8) & 0xff);
	json_object_set_new(root, "schema", json_integer(SCHEMA_VERSION));
	json_object_set_new(root, "report", json_string(report));
	json_object_set_new(root, "kernel", json_string(version));
	json_object_set_new(root, "pmm", json_string(pmm_version()));
	err = reports[i].build(m, data);
	if (err) {
		json_decref(data);
		json_decref(root);
		return err;
	}
	json_object_set_new(root, "data", data);
	err = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) || fputc('\n', f) == EOF ?
	      -EIO : 0;
	json_decref(root);
	return err || ferror(f) ? -EIO : 0;
}

// SPDX-License-Identifier: MIT
/*
 * The reports as JSON (pmm_print_report_json(), docs/json.md): every
 * report is one valid document of schema 1, and says what the text report
 * says: vmstat and meminfo value for value, buddyinfo the zones' free
 * lists, zoneinfo each zone's spans and watermarks, the unusable index as
 * debugfs prints it, memory blocks and node states as the machine has them.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "pmm_test.h"

static struct pmm_machine *boot_fixture(void)
{
	char path[1024], err[512];
	struct pmm_machine_desc *d;

	pmm_test_fmt(path, sizeof(path), "%s/x86_64-hotplug-dimm1G-node1-online1-movable/machine.json",
		     PMM_REPO_FIXTURES_DIR "/linux");
	if (pmm_machine_desc_from_json(path, &d, err, sizeof(err)))
		fail_msg("%s", err);
	return pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
}

static json_t *report(struct pmm_machine *m, const char *name)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_error_t jerr;
	json_t *root;

	assert_non_null(f);
	assert_int_equal(pmm_print_report_json(m, name, f), 0);
	fclose(f);
	root = json_loads(text, 0, &jerr);
	if (!root)
		fail_msg("%s: not JSON (%s, line %d):\n%s", name, jerr.text, jerr.line, text);
	free(text);
	assert_int_equal(json_integer_value(json_object_get(root, "schema")), 1);
	assert_string_equal(json_string_value(json_object_get(root, "report")), name);
	assert_true(json_is_object(json_object_get(root, "data")));
	return root;
}

static json_t *data_of(json_t *root, const char *key)
{
	json_t *v = json_object_get(json_object_get(root, "data"), key);

	if (!v)
		fail_msg("no data.%s", key);
	return v;
}

/* every "name value" line of @text equals data.@key.name */
static void same_values(const char *text, json_t *obj)
{
	const char *line;
	unsigned int n = 0;

	for (line = text; *line; line = strchr(line, '\n') + 1) {
		char name[128];
		unsigned long long v;

		if (sscanf(line, "%127[^: ]%*[: ]%llu", name, &v) != 2)
			continue;
		if (!json_object_get(obj, name))
			fail_msg("%s missing from the JSON", name);
		assert_int_equal(json_integer_value(json_object_get(obj, name)), v);
		n++;
	}
	assert_int_equal(json_object_size(obj), n);
}

static void test_name_value_reports(void **state)
{
	struct pmm_machine *m = boot_fixture();
	json_t *root;
	char *text;

	(void)state;
	root = report(m, "vmstat");
	text = pmm_test_capture(m, pmm_print_vmstat);
	same_values(text, data_of(root, "vmstat"));
	free(text);
	json_decref(root);
	root = report(m, "meminfo");
	text = pmm_test_capture(m, pmm_print_meminfo);
	same_values(text, data_of(root, "meminfo_kb"));
	assert_true(json_integer_value(json_object_get(data_of(root, "meminfo_kb"), "MemTotal")) > 0);
	free(text);
	json_decref(root);
	pmm_shutdown(m);
}

static void test_zone_reports(void **state)
{
	struct pmm_machine *m = boot_fixture();
	json_t *root, *zones, *z;
	size_t i;

	(void)state;
	root = report(m, "buddyinfo");
	zones = data_of(root, "zones");
	json_array_foreach(zones, i, z) {
		int nid = (int)json_integer_value(json_object_get(z, "node"));
		const char *name = json_string_value(json_object_get(z, "zone"));
		const pmm_pg_data_t *pgdat = pmm_node_data(m, nid);
		const struct pmm_zone *zone = NULL;
		unsigned int o;
		int t;

		for (t = 0; t < PMM_MAX_NR_ZONES; t++)
			if (!strcmp(pgdat->node_zones[t].name, name))
				zone = &pgdat->node_zones[t];
		assert_non_null(zone);
		for (o = 0; o <= 10; o++)
			assert_int_equal(json_integer_value(json_array_get(json_object_get(z,
					 "free_blocks"), o)), zone->free_area[o].nr_free);
	}
	json_decref(root);

	root = report(m, "zoneinfo");
	zones = data_of(root, "zones");
	json_array_foreach(zones, i, z) {
		const pmm_pg_data_t *pgdat =
			pmm_node_data(m, (int)json_integer_value(json_object_get(z, "node")));
		int t;

		for (t = 0; t < PMM_MAX_NR_ZONES; t++) {
			const struct pmm_zone *zone = &pgdat->node_zones[t];

			if (strcmp(zone->name, json_string_value(json_object_get(z, "zone"))))
				continue;
			assert_int_equal(json_integer_value(json_object_get(z, "managed")),
					 zone->managed_pages);
			assert_int_equal(json_integer_value(json_object_get(z, "spanned")),
					 zone->spanned_pages);
			assert_int_equal(json_integer_value(json_object_get(z, "min")),
					 zone->_watermark[PMM_WMARK_MIN]);
		}
	}
	json_decref(root);

	/* the same three decimals as debugfs */
	root = report(m, "unusable");
	z = json_array_get(data_of(root, "zones"), 0);
	assert_true(json_real_value(json_array_get(json_object_get(z, "unusable_index"), 0)) == 0.0);
	json_decref(root);

	root = report(m, "pagetypeinfo");
	assert_int_equal(json_integer_value(data_of(root, "pageblock_order")), 9);
	z = json_array_get(data_of(root, "blocks"), 1);	/* node 0 DMA32 */
	assert_string_equal(json_string_value(json_object_get(z, "zone")), "DMA32");
	assert_true(json_integer_value(json_object_get(json_object_get(z, "pageblocks"),
						       "Movable")) > 0);
	json_decref(root);
	pmm_shutdown(m);
}

static void test_machine_reports(void **state)
{
	static const char *const all[] = {
		"boot-log", "zoneinfo", "node-states", "memory-blocks", "buddyinfo", "pagetypeinfo",
		"extfrag", "unusable", "memory-tiers", "vmstat", "meminfo", "node-meminfo", "summary",
	};
	struct pmm_machine *m = boot_fixture();
	json_t *root, *blocks;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		json_decref(report(m, all[i]));
	root = report(m, "memory-blocks");
	blocks = data_of(root, "blocks");
	assert_int_equal(json_array_size(blocks), pmm_memory_block_count(m));
	if (pmm_memory_block_count(m))	/* FLATMEM has none */
		assert_string_equal(json_string_value(json_object_get(json_array_get(blocks, 0),
								      "valid_zones")), "none");
	json_decref(root);
	root = report(m, "node-states");
	assert_string_equal(json_string_value(json_object_get(data_of(root, "node_states"),
							      "has_memory")), "0-1");
	json_decref(root);
	root = report(m, "node-meminfo");
	assert_true(json_integer_value(json_object_get(json_object_get(data_of(root, "nodes_kb"),
								       "1"), "MemTotal")) > 0);
	json_decref(root);
	assert_int_equal(pmm_print_report_json(m, "diagram", stdout), -ENOENT);
	assert_int_equal(pmm_print_report_json(m, NULL, stdout), -EINVAL);
	pmm_shutdown(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_name_value_reports),
		cmocka_unit_test(test_zone_reports),
		cmocka_unit_test(test_machine_reports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

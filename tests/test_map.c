// SPDX-License-Identifier: MIT
/*
 * The SVG map (pmm_print_map_svg()): the pageblock grid has the kernel's
 * pageblocks zone by zone (the fixtures' pagetypeinfo), a pageblock taken
 * whole by an unmovable allocation shows as such, memory blocks and holes
 * are all there and huge holes squeezed. Well-formedness and rendering are
 * checked with rsvg-convert (cli/map_svg) and Python's XML parser.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmm_test.h"
#include "internal.h"

static unsigned long count(const char *text, const char *needle)
{
	unsigned long n = 0;

	for (; (text = strstr(text, needle)); text += strlen(needle))
		n++;
	return n;
}

/* the kernel's pageblocks of one zone: the sum of its "Number of blocks type" row */
static long kernel_pageblocks(const char *pagetypeinfo, int nid, const char *zone)
{
	const char *p = strstr(pagetypeinfo, "Number of blocks type");
	char head[64];
	long sum = 0, v;
	int used;

	if (!p)
		return -1;
	snprintf(head, sizeof(head), "Node %d, zone %8s", nid, zone);
	p = strstr(p, head);
	if (!p)
		return -1;
	for (p += strlen(head); sscanf(p, "%ld%n", &v, &used) == 1; p += used)
		sum += v;
	return sum;
}

static void check_well_formed(const char *svg)
{
	assert_int_equal(strncmp(svg, "<?xml", 5), 0);
	assert_int_equal(count(svg, "<svg "), 1);
	assert_non_null(strstr(svg, "</svg>\n"));
	assert_int_equal(strcmp(svg + strlen(svg) - 7, "</svg>\n"), 0);
	assert_int_equal(count(svg, "<title>"), count(svg, "</title>"));
	assert_int_equal(count(svg, "<text "), count(svg, "</text>"));
	assert_null(strstr(svg, "(null)"));
}

/* every zone's cells are the kernel's pageblocks of it, one to a cell */
static void test_fixture_pageblocks(void **state)
{
	static const char *const fixtures[] = {
		"x86_64-1node-512M-k6.1", "i386-pae-1node-2G", "arm64-virt-1node-2G",
		"x86_64-1node-3584M",
	};
	size_t i;
	int checked = 0;

	(void)state;
	for (i = 0; i < PMM__ARRAY_SIZE(fixtures); i++) {
		struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP };
		char path[1024], err[512], *pti, *svg, needle[96];
		struct pmm_machine_desc *d;
		struct pmm_machine *m;
		int nid, z;

		pmm_test_fmt(path, sizeof(path), "%s/%s/machine.json", PMM_FIXTURES_DIR, fixtures[i]);
		if (pmm_machine_desc_from_json(path, &d, err, sizeof(err)))
			fail_msg("%s", err);
		if (pmm_boot(d, &opts, &m)) {	/* a model the machine cannot have (HighMem VMEMMAP) */
			pmm_machine_desc_destroy(d);
			continue;
		}
		pmm_machine_desc_destroy(d);
		pmm_test_fmt(path, sizeof(path), "%s/%s/pagetypeinfo.txt", PMM_FIXTURES_DIR,
			     fixtures[i]);
		pti = pmm_test_read_file(path);
		svg = pmm_test_capture(m, pmm_print_map_svg);
		check_well_formed(svg);
		assert_non_null(strstr(svg, "1 to a cell"));
		pmm_for_each_node_state(nid, m, PMM_N_MEMORY)
			for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
				const struct pmm_zone *zone = &pmm_node_data(m, nid)->node_zones[z];
				long want;

				if (!pmm_populated_zone(zone))
					continue;
				want = kernel_pageblocks(pti, nid, zone->name);
				snprintf(needle, sizeof(needle), "class=\"pb\" data-node=\"%d\" "
					 "data-zone=\"%s\"", nid, zone->name);
				if (want < 0 || (long)count(svg, needle) != want)
					fail_msg("%s: node %d zone %s: %lu cells, the kernel has %ld "
						 "pageblocks", fixtures[i], nid, zone->name,
						 count(svg, needle), want);
				snprintf(needle, sizeof(needle), "zone %s:", zone->name);
				assert_non_null(strstr(svg, needle));	/* its heading */
			}
		checked++;
		free(svg);
		free(pti);
		pmm_shutdown(m);
	}
	assert_true(checked >= 2);
}

/* an order-9 unmovable allocation steals a whole movable pageblock: one cell, full */
static void test_allocation_shows(void **state)
{
	struct pmm_machine *m = pmm_test_boot_desc(
		pmm_test_desc_simple("x86_64", SZ_1M, 512 * SZ_1M), PMM_BOOT_NO_BIND);
	struct pmm_page *page;
	char needle[128], *svg, *cell;
	unsigned long full;

	(void)state;
	svg = pmm_test_capture(m, pmm_print_map_svg);
	full = count(svg, "data-used=\"1.000\"");	/* reserved ones */
	/* [1M, 512M): DMA's 8 pageblocks from pfn 1, DMA32's 248 from 16M */
	assert_int_equal(count(svg, "class=\"pb\""), 256);
	assert_int_equal(count(svg, "data-zone=\"DMA\""), 8);
	assert_int_equal(count(svg, "data-zone=\"DMA32\""), 248);
	free(svg);

	page = pmm_alloc_pages(m, PMM_GFP_KERNEL, 9);
	assert_non_null(page);
	pmm_drain_all_pages(m);		/* the refill's second block, off the per-CPU list */
	svg = pmm_test_capture(m, pmm_print_map_svg);
	snprintf(needle, sizeof(needle), "data-pfn=\"0x%lx\"", pmm_page_to_pfn(m, page));
	cell = strstr(svg, needle);
	assert_non_null(cell);
	assert_int_equal(strncmp(strstr(cell, "data-type="), "data-type=\"Unmovable\" "
				 "data-used=\"1.000\"", 38), 0);
	assert_int_equal(count(svg, "data-used=\"1.000\""), full + 1);
	free(svg);
	pmm_free_pages(m, page, 9);
	pmm_shutdown(m);
}

/* memory blocks all drawn; a hole of 2 GiB to scale, one of 60 TiB squeezed */
static void test_holes_and_blocks(void **state)
{
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	unsigned long blocks = 0, first, last;
	const char *p;
	char *svg;

	(void)state;
	if (PMM_CONFIG_FLATMEM)
		skip();	/* a 60 TiB mem_map */
	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, SZ_1M, 2 * SZ_1G, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 4 * SZ_1G, 6 * SZ_1G, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 60 * 1024 * SZ_1G,
						      60 * 1024 * SZ_1G + 16 * SZ_1G, 1, 0));
	m = pmm_test_boot_desc(d, PMM_BOOT_NO_BIND | PMM_BOOT_NO_DIRECT_MAP);
	svg = pmm_test_capture(m, pmm_print_map_svg);
	check_well_formed(svg);
	assert_int_equal(count(svg, "class=\"hole\""), 2);		/* [0, 1M), [2G, 4G) */
	assert_int_equal(count(svg, "class=\"hole squeezed\""), 1);	/* [6G, 60T) */
	assert_non_null(strstr(svg, "hole 6G-60T (61434G), not to scale"));
	assert_int_equal(count(svg, "class=\"node\""), 3);
	for (p = svg; (p = strstr(p, "class=\"block\" data-first=\"")); p++) {
		assert_int_equal(sscanf(p, "class=\"block\" data-first=\"%lu\" data-last=\"%lu\"",
					&first, &last), 2);
		blocks += last - first + 1;
	}
	assert_int_equal(blocks, pmm_memory_block_count(m));
	assert_non_null(strstr(svg, "61456G"));		/* the end of memory, on the axis */
	free(svg);
	pmm_shutdown(m);
}

static void test_errors(void **state)
{
	(void)state;
	assert_int_equal(pmm_print_map_svg(NULL, stdout), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_pageblocks),
		cmocka_unit_test(test_allocation_shows),
		cmocka_unit_test(test_holes_and_blocks),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

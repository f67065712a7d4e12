// SPDX-License-Identifier: MIT
/* Node masks and range lists against hand-computed masks. */
#include <errno.h>
#include <string.h>

#include "pmm_test.h"

static pmm_nodemask_t mask_of(const char *list)
{
	pmm_nodemask_t m;

	assert_int_equal(pmm_nodelist_parse(list, &m), 0);
	return m;
}

static void test_set_clear_test(void **state)
{
	pmm_nodemask_t m;

	pmm_nodes_clear(&m);
	assert_true(pmm_nodes_empty(&m));
	pmm_node_set(0, &m);
	pmm_node_set(5, &m);
	pmm_node_set(PMM_MAX_NUMNODES - 1, &m);
	assert_true(pmm_node_isset(0, &m));
	assert_true(pmm_node_isset(5, &m));
	assert_false(pmm_node_isset(4, &m));
	assert_true(pmm_node_isset(PMM_MAX_NUMNODES - 1, &m));
	assert_false(pmm_node_isset(-1, &m));
	assert_false(pmm_node_isset(PMM_MAX_NUMNODES, &m));
	assert_int_equal(pmm_nodes_weight(&m), 3);
	pmm_node_clear(5, &m);
	assert_false(pmm_node_isset(5, &m));
	assert_int_equal(pmm_nodes_weight(&m), 2);
	pmm_nodes_setall(&m);
	assert_int_equal(pmm_nodes_weight(&m), PMM_MAX_NUMNODES);
}

static void test_first_next(void **state)
{
	pmm_nodemask_t m = mask_of("3,7,9-10"), empty;
	int n, seen[4], i = 0;

	pmm_nodes_clear(&empty);
	assert_int_equal(pmm_first_node(&m), 3);
	assert_int_equal(pmm_next_node(3, &m), 7);
	assert_int_equal(pmm_next_node(7, &m), 9);
	assert_int_equal(pmm_next_node(10, &m), PMM_MAX_NUMNODES);
	assert_int_equal(pmm_first_node(&empty), PMM_MAX_NUMNODES);
	assert_int_equal(pmm_next_node_in(10, &m), 3);	/* wraps */
	assert_int_equal(pmm_next_node_in(4, &m), 7);
	pmm_for_each_node_mask(n, &m) {
		assert_true(i < 4);
		seen[i++] = n;
	}
	assert_int_equal(i, 4);
	assert_int_equal(seen[0], 3);
	assert_int_equal(seen[3], 10);
}

static void test_and_or_andnot(void **state)
{
	pmm_nodemask_t a = mask_of("0-3,8"), b = mask_of("2-5"), r;
	pmm_nodemask_t want_and = mask_of("2-3"), want_or = mask_of("0-5,8");
	pmm_nodemask_t want_andnot = mask_of("0-1,8");

	pmm_nodes_and(&r, &a, &b);
	assert_true(pmm_nodes_equal(&r, &want_and));
	pmm_nodes_or(&r, &a, &b);
	assert_true(pmm_nodes_equal(&r, &want_or));
	pmm_nodes_andnot(&r, &a, &b);
	assert_true(pmm_nodes_equal(&r, &want_andnot));
	assert_false(pmm_nodes_equal(&a, &b));
	assert_true(pmm_nodes_intersects(&a, &b));
	assert_false(pmm_nodes_intersects(&want_andnot, &b));
}

static void test_subset(void **state)
{
	pmm_nodemask_t a = mask_of("1,3"), b = mask_of("0-3"), c = mask_of("3-4"), e;

	pmm_nodes_clear(&e);
	assert_true(pmm_nodes_subset(&a, &b));
	assert_false(pmm_nodes_subset(&b, &a));
	assert_false(pmm_nodes_subset(&c, &b));
	assert_true(pmm_nodes_subset(&e, &a));
	assert_true(pmm_nodes_subset(&a, &a));
}

static void test_print(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "0-3,7", "0-3,7" },
		{ "", "" },
		{ "5", "5" },
		{ "0,1", "0-1" },		/* the kernel prints 2 consecutive bits as a range */
		{ "0,2,4-6,9", "0,2,4-6,9" },
		{ "3-3", "3" },
		{ "1-2,2-4\n", "1-4" },	/* sysfs writes end in a newline */
		{ " 0-1 ", "0-1" },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pmm_nodemask_t m = mask_of(cases[i].in);

		assert_int_equal(pmm_nodelist_print(buf, sizeof(buf), &m),
				 (int)strlen(cases[i].out));
		assert_string_equal(buf, cases[i].out);
	}
}

static void test_print_truncates(void **state)
{
	pmm_nodemask_t m = mask_of("0,2,4,6,8,10");
	char buf[6];

	/* as snprintf: the full length is returned, the buffer is terminated */
	assert_int_equal(pmm_nodelist_print(buf, sizeof(buf), &m), 12);
	assert_string_equal(buf, "0,2,4");
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = { "a", "1-", "-1", "3-1", "1,,2", "1 2", "1,", "0x1" };
	pmm_nodemask_t m;
	char big[32];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(pmm_nodelist_parse(bad[i], &m), -EINVAL);
	snprintf(big, sizeof(big), "0,%d", PMM_MAX_NUMNODES);
	assert_int_equal(pmm_nodelist_parse(big, &m), -ERANGE);
	assert_true(pmm_nodes_empty(&m));
	assert_int_equal(pmm_nodelist_parse("99999999999999999999999", &m), -EINVAL);
}

static void test_cpumask(void **state)
{
	pmm_cpumask_t c;
	char buf[64];
	int cpu, n = 0;

	assert_int_equal(pmm_cpulist_parse("0-3,100,1023", &c), 0);
	assert_int_equal(pmm_cpumask_weight(&c), 6);
	assert_true(pmm_cpumask_test_cpu(100, &c));
	assert_false(pmm_cpumask_test_cpu(99, &c));
	pmm_for_each_cpu(cpu, &c)
		n++;
	assert_int_equal(n, 6);
	pmm_cpulist_print(buf, sizeof(buf), &c);
	assert_string_equal(buf, "0-3,100,1023");
	assert_int_equal(pmm_cpulist_parse("1024", &c), -ERANGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_clear_test),
		cmocka_unit_test(test_first_next),
		cmocka_unit_test(test_and_or_andnot),
		cmocka_unit_test(test_subset),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_truncates),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_cpumask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

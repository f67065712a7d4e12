/* SPDX-License-Identifier: MIT */
/* Shared fixtures of the CMocka tests: machines that do not depend on the host. */
#ifndef PMM_TEST_H
#define PMM_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pmm/pmm.h>

#define SZ_1M	(1ULL << 20)
#define SZ_1G	(1ULL << 30)

/* Fail the test with the description's message unless err == 0. */
#define assert_desc_ok(d, expr) do {						\
	int __err = (expr);							\
	if (__err)								\
		fail_msg("%s: %d (%s)", #expr, __err, pmm_machine_desc_error(d));	\
} while (0)

/*
 * The layout of fixtures/linux/x86_64-2node-8G (its machine.json and
 * dmesg "Early memory node ranges"): node 0 [0x1000-0x9f000)
 * [0x100000-0xbffe0000) [4G-5G), node 1 [5G-9G), one CPU each.
 */
struct pmm_machine_desc *pmm_test_desc_x86_2node(void);

/* One node, one range [start, end) of an architecture. */
struct pmm_machine_desc *pmm_test_desc_simple(const char *arch, pmm_phys_addr_t start,
					      pmm_phys_addr_t end);

/* Boot or fail the test; the machine logs into a buffer that tests can read. */
struct pmm_machine *pmm_test_boot(const struct pmm_machine_desc *d, unsigned int flags);

/* Boot with boot flags, and destroy the description. */
struct pmm_machine *pmm_test_boot_desc(struct pmm_machine_desc *d, unsigned int flags);

/* What a pmm_print_*() function prints, as a string to free(); fails the test on an error. */
char *pmm_test_capture(const struct pmm_machine *m, int (*print)(const struct pmm_machine *, FILE *));

/* Does touching addr fault (SIGSEGV/SIGBUS)? Tested in a child process. */
int pmm_test_faults(volatile unsigned char *addr);

/* A whole file, NUL-terminated, to free(); fails the test if it cannot be read. */
char *pmm_test_read_file(const char *path);

/* The number on the line of @text that starts with @name and ' ' or ':'
 * (/proc/vmstat, /proc/meminfo, nodeN/meminfo lines); -1 if there is none. */
long pmm_test_field(const char *text, const char *name);

/* snprintf that may cut long output (paths, messages) without a warning. */
void pmm_test_fmt(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Name of the model this test binary was built for. */
#define PMM_TEST_MODEL PMM_CONFIG_MODEL_NAME

#endif /* PMM_TEST_H */

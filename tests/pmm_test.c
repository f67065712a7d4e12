// SPDX-License-Identifier: MIT
/* Shared fixtures of the CMocka tests. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pmm_test.h"

struct pmm_machine_desc *pmm_test_desc_x86_2node(void)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create("x86_64", &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 1, "1"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x1000, 0x9f000, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x100000, 0xbffe0000, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x100000000ULL, 0x140000000ULL, 0, 0));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, 0x140000000ULL, 0x240000000ULL, 1, 0));
	return d;
}

struct pmm_machine_desc *pmm_test_desc_simple(const char *arch, pmm_phys_addr_t start,
					      pmm_phys_addr_t end)
{
	struct pmm_machine_desc *d;

	assert_int_equal(pmm_machine_desc_create(arch, &d), 0);
	assert_desc_ok(d, pmm_machine_desc_add_node(d, 0, "0"));
	assert_desc_ok(d, pmm_machine_desc_add_memory(d, start, end, 0, 0));
	return d;
}

static void test_log(void *arg, int level, const char *line)
{
	(void)arg;
	if (level <= PMM_LOG_WARNING)
		print_message("%s\n", line);
}

struct pmm_machine *pmm_test_boot(const struct pmm_machine_desc *d, unsigned int flags)
{
	struct pmm_boot_opts opts = { .flags = flags, .log = test_log };
	struct pmm_machine *m = NULL;
	int err = pmm_boot(d, &opts, &m);

	if (err)
		fail_msg("pmm_boot: %d", err);
	return m;
}

struct pmm_machine *pmm_test_boot_desc(struct pmm_machine_desc *d, unsigned int flags)
{
	struct pmm_machine *m = pmm_test_boot(d, flags);

	pmm_machine_desc_destroy(d);
	return m;
}

char *pmm_test_capture(const struct pmm_machine *m, int (*print)(const struct pmm_machine *, FILE *))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(print(m, f), 0);
	fclose(f);
	return buf;
}

void pmm_test_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

int pmm_test_faults(volatile unsigned char *addr)
{
	int status = 0;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* the child dies on the fault; reaching _exit means it did not fault */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		(void)*addr;
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		fail_msg("fork/waitpid failed");
	/* a sanitizer's fault handler exits non-zero instead of dying by the signal */
	return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

char *pmm_test_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len = 0;

	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)len + 1)) || fread(buf, 1, (size_t)len, f) != (size_t)len)
		fail_msg("cannot read %s", path);
	buf[len] = '\0';
	fclose(f);
	return buf;
}

long pmm_test_field(const char *text, const char *name)
{
	size_t n = strlen(name);
	const char *p = text;

	while (p && *p) {
		if (!strncmp(p, name, n) && (p[n] == ':' || p[n] == ' '))
			return strtol(p + n + 1, NULL, 10);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return -1;
}

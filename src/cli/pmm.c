// SPDX-License-Identifier: MIT
/*
 * pmm: boot a simulated machine and report what was built.
 * With no argument it boots this host's layout (pmm_machine_from_host()).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pmm/pmm.h>

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pmm [--host] [--no-direct-map] [COMMAND]\n"
		"\n"
		"Boots a simulated machine and prints what was built.\n"
		"  --host            describe this host (the default)\n"
		"  --no-direct-map   metadata only: no simulated memory behind the pages\n"
		"commands:\n"
		"  summary           memory model, nodes, ranges, zones, sections (default)\n"
		"  boot-log          the kernel-style boot log\n");
}

static void log_errors(void *arg, int level, const char *line)
{
	(void)arg;
	if (level <= PMM_LOG_WARNING)
		fprintf(stderr, "pmm: %s\n", line);
}

int main(int argc, char **argv)
{
	struct pmm_boot_opts opts = { .log = log_errors };
	struct pmm_machine_desc *desc;
	struct pmm_machine *m;
	const char *cmd = "summary";
	int i, err;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--host")) {
			continue;
		} else if (!strcmp(argv[i], "--no-direct-map")) {
			opts.flags |= PMM_BOOT_NO_DIRECT_MAP;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (argv[i][0] == '-') {
			fprintf(stderr, "pmm: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		} else {
			cmd = argv[i];
		}
	}
	if (strcmp(cmd, "summary") && strcmp(cmd, "boot-log")) {
		fprintf(stderr, "pmm: unknown command %s\n", cmd);
		usage(stderr);
		return 2;
	}

	err = pmm_machine_from_host(&desc);
	if (err) {
		fprintf(stderr, "pmm: cannot describe this host: %s\n", strerror(-err));
		return 1;
	}
	err = pmm_boot(desc, &opts, &m);
	pmm_machine_desc_destroy(desc);
	if (err) {
		fprintf(stderr, "pmm: boot failed: %s\n", strerror(-err));
		return 1;
	}
	if (!strcmp(cmd, "boot-log"))
		fputs(pmm_boot_log(m), stdout);
	else
		pmm_dump_machine(m, stdout);
	pmm_shutdown(m);
	return 0;
}

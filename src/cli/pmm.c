// SPDX-License-Identifier: MIT
/*
 * pmm: boot a simulated machine and print what a real kernel would.
 *
 *   pmm [--machine FILE | --dmesg FILE | --host] [--cmdline "PARAMS"]
 *       [--online TYPE[:COUNT]] [--offline IDS] [--no-direct-map] [COMMAND]
 *   pmm [machine options] replay TRACE [--csv FILE] [--interval N]
 *
 * With no machine it describes this host (pmm_machine_from_host()).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pmm/pmm.h>

/* the commands and what each prints; usage() lists them in this order */
static const struct command {
	const char	*name, *help;
} commands[] = {
	{ "boot-log", "the kernel's boot log lines (default)" },
	{ "zoneinfo", "/proc/zoneinfo" },
	{ "node-states", "/sys/devices/system/node masks, one per line" },
	{ "memory-blocks", "/sys/devices/system/memory blocks" },
	{ "diagram", "nodes and zones drawn as in physical_memory.rst" },
	{ "buddyinfo", "/proc/buddyinfo" },
	{ "pagetypeinfo", "/proc/pagetypeinfo" },
	{ "extfrag", "debugfs extfrag/extfrag_index" },
	{ "unusable", "debugfs extfrag/unusable_index" },
	{ "memory-tiers", "memory tiers and demotion targets (memory_tiering in sysfs)" },
	{ "vmstat", "/proc/vmstat" },
	{ "meminfo", "/proc/meminfo" },
	{ "node-meminfo", "/sys/devices/system/node/nodeN/meminfo of every online node" },
	{ "summary", "memory model, nodes, ranges, zones and sections" },
	{ "map", "[--svg FILE]: the physical address space drawn as SVG: nodes, zones,\n"
		 "sections, holes and memory blocks to scale (huge holes on a log scale),\n"
		 "every pageblock's migratetype and use, a legend (docs/map.md); to FILE,\n"
		 "or to standard output" },
	{ "export", "DIR: the machine as the sysfs and procfs files tools read, under DIR\n"
		    "(DIR/sys/devices/system/{node,memory,cpu}, DIR/proc/{zoneinfo,meminfo,...}):\n"
		    "lsmem --sysroot DIR, HWLOC_FSROOT=DIR lstopo (docs/export.md)" },
	{ "describe", "the machine as a description file (docs/machine-format.md), from any\n"
		      "input: a host, a boot log or a topology becomes a file to edit and\n"
		      "boot with --machine (nothing is booted)" },
	{ "replay", "TRACE [--csv FILE] [--interval N]: replay a kernel's page allocator\n"
		    "trace (kmem events as tracefs, trace-cmd report or perf script print\n"
		    "them; gzip or plain; - for stdin) and report what was replayed; --csv\n"
		    "writes the state every --interval events (default 10000) (docs/replay.md)" },
};

#define NR_COMMANDS	(sizeof(commands) / sizeof(commands[0]))

static void usage(FILE *f)
{
	size_t c;

	fprintf(f,
		"usage: pmm [--machine FILE | --dmesg FILE | --hwloc-xml FILE | --synthetic DESC | --host]\n"
		"           [--arch ARCH] [--memory-per-node SIZE] [--cmdline \"PARAMS\"]\n"
		"           [--online TYPE[:COUNT]] [--offline IDS] [--no-direct-map] [--no-bind]\n"
		"           [--defer eager|deferred|on-demand] [--format text|json] [COMMAND]\n"
		"       pmm [machine options] replay TRACE [--csv FILE] [--interval N]\n"
		"       pmm [machine options] map [--svg FILE]\n"
		"\n"
		"Boots a simulated machine as Linux would and prints what it built.\n"
		"  --machine FILE     a machine description (docs/machine-format.md)\n"
		"  --dmesg FILE       a Linux boot log: the machine it came from\n"
		"  --hwloc-xml FILE   a topology exported by hwloc (lstopo FILE.xml)\n"
		"  --synthetic DESC   an hwloc synthetic topology, e.g. \"pack:4 numa:1 core:8 pu:2\"\n"
		"  --host             this host (the default)\n"
		"  --arch ARCH        architecture of --hwloc-xml/--synthetic machines (x86_64),\n"
		"                     or of a --dmesg log that does not say (told from its lines)\n"
		"  --memory-per-node SIZE  memory of each --hwloc-xml/--synthetic node (4G, 0x1000)\n"
		"  --cmdline PARAMS   kernel parameters added to the description's command line\n"
		"  --online TYPE[:N]  online the first N offline memory blocks (all without N)\n"
		"                     with TYPE online, online_kernel or online_movable\n"
		"  --offline IDS      then offline these memory blocks (memoryN ids: 40,72-73);\n"
		"                     pages in use are not migrated from the command line\n"
		"  --no-direct-map    metadata only: no real memory behind the pages\n"
		"  --no-bind          do not bind memory to host NUMA nodes\n"
		"  --defer MODE       struct page initialisation: eager (one thread), deferred\n"
		"                     (as DEFERRED_STRUCT_PAGE_INIT: in parallel) or on-demand\n"
		"                     (as memory is allocated); default: on-demand when the eager\n"
		"                     memmap would take over half of the host's available memory\n"
		"  --format text|json the reports in the kernel's formats (text) or as JSON\n"
		"                     (docs/json.md)\n"
		"  --version          the version of pmm\n"
		"A boot that takes over a second shows its progress on stderr (a terminal).\n"
		"commands (pmm COMMAND -h says more):\n");
	for (c = 0; c < NR_COMMANDS; c++) {
		const char *nl = strchr(commands[c].help, '\n');

		if (nl)	/* the first line only */
			fprintf(f, "  %-18s %.*s\n", commands[c].name, (int)(nl - commands[c].help),
				commands[c].help);
		else
			fprintf(f, "  %-18s %s\n", commands[c].name, commands[c].help);
	}
}

/* pmm COMMAND -h */
static void command_usage(const struct command *c)
{
	const char *p = c->help, *nl;

	printf("usage: pmm [machine options] %s%s\n", c->name,
	       !strcmp(c->name, "replay") ? " TRACE [--csv FILE] [--interval N]" :
	       !strcmp(c->name, "export") ? " DIR" :
	       !strcmp(c->name, "map") ? " [--svg FILE]" : "");
	for (; (nl = strchr(p, '\n')); p = nl + 1)
		printf("  %.*s\n", (int)(nl - p), p);
	printf("  %s\n(pmm -h lists the machine options)\n", p);
}

static int print_node_meminfo(struct pmm_machine *m)
{
	int nid, err = 0;

	for (nid = 0; nid < PMM_MAX_NUMNODES && !err; nid++)
		if (pmm_node_state(m, nid, PMM_N_ONLINE))
			err = pmm_print_node_meminfo(m, nid, stdout);
	return err == -ENOENT ? 0 : err;	/* a kernel without NUMA: no files */
}

/* the replay running, for the migrate_page callback the machine was booted with */
static struct pmm_replay *replaying;

static int replay_migrate(void *arg, struct pmm_page *from, struct pmm_page *to,
			  unsigned int order)
{
	(void)arg;
	return replaying ? pmm_replay_migrate_page(replaying, from, to, order) : 0;
}

static int replay(struct pmm_machine *m, const char *trace, const char *csv,
		  unsigned long interval)
{
	struct pmm_replay_opts ro = { .log = stderr, .interval = interval, .lru = true };
	FILE *f = NULL;
	int err;

	if (csv) {
		f = !strcmp(csv, "-") ? stdout : fopen(csv, "w");
		if (!f) {
			fprintf(stderr, "pmm: --csv %s: %s\n", csv, strerror(errno));
			return -errno;
		}
		ro.csv = f;
	}
	replaying = pmm_replay_create(m, &ro);
	if (!replaying) {
		err = -errno;
	} else {
		err = pmm_replay_file(replaying, trace);
		if (!err && (!f || f != stdout))
			err = pmm_replay_print_stats(replaying, stdout);
		pmm_replay_destroy(replaying, false);
		replaying = NULL;
	}
	if (f && f != stdout && fclose(f) && !err) {
		fprintf(stderr, "pmm: --csv %s: %s\n", csv, strerror(errno));
		err = -EIO;
	}
	return err;
}

static void log_errors(void *arg, int level, const char *line)
{
	(void)arg;
	if (level <= PMM_LOG_WARNING)
		fprintf(stderr, "%s\n", line);
}

static int online_blocks(struct pmm_machine *m, const char *spec)
{
	static const char *const types[] = { "online", "online_kernel", "online_movable" };
	char name[32];
	const char *colon = strchr(spec, ':');
	unsigned long count = ~0UL, i, done = 0;
	size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
	int type = -1, t, err;

	if (len >= sizeof(name))
		len = sizeof(name) - 1;
	memcpy(name, spec, len);
	name[len] = '\0';
	for (t = 0; t < 3; t++)
		if (!strcmp(name, types[t]))
			type = PMM_MMOP_ONLINE + t;
	if (type < 0 || (colon && (!colon[1] || (count = strtoul(colon + 1, NULL, 10)) == 0))) {
		fprintf(stderr, "pmm: --online %s: expected online, online_kernel or online_movable, "
			"optionally followed by :COUNT\n", spec);
		return -EINVAL;
	}
	for (i = 0; i < pmm_memory_block_count(m) && done < count; i++) {
		struct pmm_memory_block_info info;

		pmm_memory_block_info(m, i, &info);
		if (info.state != PMM_MEM_OFFLINE)
			continue;
		err = pmm_online_memory_block(m, info.id, (enum pmm_online_type)type);
		if (err) {
			fprintf(stderr, "pmm: onlining memory%lu as %s failed: %s\n", info.id, name,
				strerror(-err));
			return err;
		}
		done++;
	}
	return 0;
}

/* echo offline > memoryN/state for each id of a list like "40,72-73" */
static int offline_blocks(struct pmm_machine *m, const char *list)
{
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long first = strtoul(p, &end, 10), last = first, id;
		int err;

		if (end == p)
			goto bad;
		if (*end == '-') {
			p = end + 1;
			last = strtoul(p, &end, 10);
			if (end == p || last < first)
				goto bad;
		}
		for (id = first; id <= last; id++) {
			err = pmm_offline_memory_block(m, id);
			if (err) {
				fprintf(stderr, "pmm: offlining memory%lu failed: %s\n", id,
					strerror(-err));
				return err;
			}
		}
		if (*end == ',')
			end++;
		else if (*end)
			goto bad;
		p = end;
	}
	return 0;
bad:
	fprintf(stderr, "pmm: --offline %s: expected memory block ids like 40,72-73\n", list);
	return -EINVAL;
}

/* Progress on a terminal: nothing for a boot done within a second, then a line redrawn ten times a second. */
struct progress {
	double	start, last;
	bool	shown;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void show_progress(void *arg, const char *phase, unsigned long long done,
			  unsigned long long total)
{
	struct progress *p = arg;
	double t = now_s();

	if (t - p->start < 1.0 || (t - p->last < 0.1 && done < total))
		return;
	p->last = t;
	p->shown = true;
	fprintf(stderr, "\rpmm: booting: %s %3llu%%\033[K", phase,
		total ? done * 100 / total : 100);
}

static void end_progress(const struct progress *p)
{
	if (p->shown)
		fputs("\r\033[K", stderr);
}

int main(int argc, char **argv)
{
	struct pmm_boot_opts opts = { .log = log_errors };
	struct progress progress = { 0 };
	const char *machine = NULL, *dmesg = NULL, *extra_cmdline = NULL, *online = NULL;
	const char *offline = NULL;
	const char *xml = NULL, *synthetic = NULL, *arch = NULL;
	const char *trace = NULL, *csv = NULL, *export_dir = NULL, *svg = NULL;
	unsigned long interval = 0;
	static const char *const with_argument[] = {
		"--machine", "--dmesg", "--hwloc-xml", "--synthetic", "--arch", "--memory-per-node",
		"--cmdline", "--online", "--offline", "--defer", "--csv", "--interval", "--format",
		"--svg",
	};
	bool help = false, cmd_given = false, json = false;
	unsigned long long per_node = 0;
	const char *cmd = "boot-log";
	struct pmm_machine_desc *desc = NULL;
	struct pmm_machine *m;
	char err_msg[1024] = "";
	size_t c;
	int i, err = 0;

	for (i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--host")) {
			machine = dmesg = xml = synthetic = NULL;
		} else if (!strcmp(a, "--hwloc-xml") && i + 1 < argc) {
			xml = argv[++i];
		} else if (!strcmp(a, "--synthetic") && i + 1 < argc) {
			synthetic = argv[++i];
		} else if (!strcmp(a, "--arch") && i + 1 < argc) {
			arch = argv[++i];
		} else if (!strcmp(a, "--memory-per-node") && i + 1 < argc) {
			char *end;

			errno = 0;
			per_node = strtoull(argv[++i], &end, 0);
			if (argv[i][0] == '-' || errno == ERANGE)
				end = (char *)"!";	/* a size is not negative, and fits */
			switch (*end) {
			case 'T': case 't': per_node <<= 10; /* fall through */
			case 'G': case 'g': per_node <<= 10; /* fall through */
			case 'M': case 'm': per_node <<= 10; /* fall through */
			case 'K': case 'k': per_node <<= 10; end++; break;
			default: break;
			}
			if (*end || !per_node) {
				fprintf(stderr, "pmm: --memory-per-node %s: not a size (a positive "
					"number of bytes, with K, M, G or T: 4G, 0x40000000)\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "--no-bind")) {
			opts.flags |= PMM_BOOT_NO_BIND;
		} else if (!strcmp(a, "--machine") && i + 1 < argc) {
			machine = argv[++i];
		} else if (!strcmp(a, "--dmesg") && i + 1 < argc) {
			dmesg = argv[++i];
		} else if (!strcmp(a, "--cmdline") && i + 1 < argc) {
			extra_cmdline = argv[++i];
		} else if (!strcmp(a, "--online") && i + 1 < argc) {
			online = argv[++i];
		} else if (!strcmp(a, "--offline") && i + 1 < argc) {
			offline = argv[++i];
		} else if (!strcmp(a, "--no-direct-map")) {
			opts.flags |= PMM_BOOT_NO_DIRECT_MAP;
		} else if (!strncmp(a, "--defer", 7) && (a[7] == '=' || (!a[7] && i + 1 < argc))) {
			const char *mode = a[7] == '=' ? a + 8 : argv[++i];

			if (!strcmp(mode, "eager")) {
				opts.defer = PMM_DEFER_EAGER;
			} else if (!strcmp(mode, "deferred")) {
				opts.defer = PMM_DEFER_DEFERRED;
			} else if (!strcmp(mode, "on-demand")) {
				opts.defer = PMM_DEFER_ON_DEMAND;
			} else {
				fprintf(stderr, "pmm: --defer %s: not eager, deferred or on-demand\n",
					mode);
				return 2;
			}
		} else if (!strcmp(a, "--format") && i + 1 < argc) {
			const char *fmt = argv[++i];

			if (strcmp(fmt, "text") && strcmp(fmt, "json")) {
				fprintf(stderr, "pmm: --format %s: text or json\n", fmt);
				return 2;
			}
			json = !strcmp(fmt, "json");
		} else if (!strcmp(a, "--svg") && i + 1 < argc) {
			svg = argv[++i];
		} else if (!strcmp(a, "--csv") && i + 1 < argc) {
			csv = argv[++i];
		} else if (!strcmp(a, "--interval") && i + 1 < argc) {
			char *end;

			interval = strtoul(argv[++i], &end, 0);
			if (*end || !interval || argv[i][0] == '-') {
				fprintf(stderr, "pmm: --interval %s: not a positive number of events\n",
					argv[i]);
				return 2;
			}
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			help = true;
		} else if (!strcmp(a, "--version") || !strcmp(a, "-V")) {
			printf("pmm %s (memory model %s)\n", pmm_version(), PMM_CONFIG_MODEL_NAME);
			return 0;
		} else if (a[0] == '-' && a[1]) {
			bool known = false;

			for (c = 0; c < sizeof(with_argument) / sizeof(with_argument[0]); c++)
				known |= !strcmp(a, with_argument[c]);
			if (known)
				fprintf(stderr, "pmm: %s needs an argument (pmm -h for the options)\n",
					a);
			else
				fprintf(stderr, "pmm: unknown option %s (pmm -h for the options)\n", a);
			return 2;
		} else if (!strcmp(cmd, "replay") && !trace && strcmp(a, "replay")) {
			trace = a;
		} else if (!strcmp(cmd, "export") && !export_dir && strcmp(a, "export")) {
			export_dir = a;
		} else if (cmd_given) {
			fprintf(stderr, "pmm: %s: one command at a time (%s was given)\n", a, cmd);
			return 2;
		} else {
			cmd = a;
			cmd_given = true;
		}
	}
	for (c = 0; c < NR_COMMANDS; c++)
		if (!strcmp(cmd, commands[c].name))
			break;
	if (c == NR_COMMANDS) {
		fprintf(stderr, "pmm: unknown command %s (pmm -h lists the commands)\n", cmd);
		return 2;
	}
	if (help) {
		if (cmd_given)
			command_usage(&commands[c]);
		else
			usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "replay") && !trace) {
		fprintf(stderr, "pmm: replay: which trace? pmm [machine options] replay TRACE\n");
		return 2;
	}
	if (!strcmp(cmd, "export") && !export_dir) {
		fprintf(stderr, "pmm: export: where to? pmm [machine options] export DIR\n");
		return 2;
	}
	if ((csv || interval) && strcmp(cmd, "replay")) {
		fprintf(stderr, "pmm: --csv and --interval go with replay\n");
		return 2;
	}
	if (svg && strcmp(cmd, "map")) {
		fprintf(stderr, "pmm: --svg goes with map\n");
		return 2;
	}
	if (json && (!strcmp(cmd, "diagram") || !strcmp(cmd, "map") || !strcmp(cmd, "replay") || !strcmp(cmd, "export") ||
		     !strcmp(cmd, "describe"))) {
		fprintf(stderr, "pmm: --format json: %s has no JSON form (describe writes JSON "
			"already)\n", cmd);
		return 2;
	}
	if (per_node && !xml && !synthetic) {
		fprintf(stderr, "pmm: --memory-per-node goes with --hwloc-xml or --synthetic\n");
		return 2;
	}

	if (machine)
		err = pmm_machine_desc_from_json(machine, &desc, err_msg, sizeof(err_msg));
	else if (dmesg)
		err = pmm_machine_desc_from_dmesg_arch(dmesg, arch, &desc, err_msg, sizeof(err_msg));
	else if (xml)
		err = pmm_machine_from_hwloc_xml(xml, per_node, arch, &desc, err_msg, sizeof(err_msg));
	else if (synthetic)
		err = pmm_machine_from_hwloc_synthetic(synthetic, per_node, arch, &desc, err_msg,
						       sizeof(err_msg));
	else
		err = pmm_machine_from_host(&desc);
	if (err) {
		const char *input = machine ? machine : dmesg ? dmesg : xml ? xml : synthetic;
		const char *flag = machine ? "--machine" : dmesg ? "--dmesg" : xml ? "--hwloc-xml" :
				   "--synthetic";

		if (!input)
			fprintf(stderr, "pmm: cannot describe this host: %s\n",
				err_msg[0] ? err_msg : strerror(-err));
		else if (err_msg[0] && strstr(err_msg, input))
			fprintf(stderr, "pmm: %s\n", err_msg);	/* it names the input already */
		else
			fprintf(stderr, "pmm: %s %s: %s\n", flag, input,
				err_msg[0] ? err_msg : strerror(-err));
		return 1;
	}
	if (extra_cmdline) {
		err = pmm_machine_desc_append_cmdline(desc, extra_cmdline);
		if (err) {
			fprintf(stderr, "pmm: --cmdline: %s\n", strerror(-err));
			pmm_machine_desc_destroy(desc);
			return 1;
		}
	}
	if (trace) {	/* the daemons in the replaying thread: its map has one writer */
		opts.flags |= PMM_BOOT_INLINE_DAEMONS;
		opts.migrate_page = replay_migrate;
	}
	if (!strcmp(cmd, "describe")) {
		err = pmm_machine_desc_write_json(desc, stdout);
		pmm_machine_desc_destroy(desc);
		if (err || fflush(stdout)) {
			fprintf(stderr, "pmm: describe: writing the description failed: %s\n",
				strerror(err ? -err : errno));
			return 1;
		}
		return 0;
	}
	if (isatty(STDERR_FILENO)) {
		progress.start = now_s();
		opts.progress = show_progress;
		opts.progress_arg = &progress;
	}
	err = pmm_boot(desc, &opts, &m);
	end_progress(&progress);
	pmm_machine_desc_destroy(desc);
	if (err) {
		fprintf(stderr, "pmm: boot failed: %s\n", strerror(-err));
		return 1;
	}
	if ((online && online_blocks(m, online)) || (offline && offline_blocks(m, offline))) {
		pmm_shutdown(m);
		return 1;
	}
	if (json)
		err = pmm_print_report_json(m, cmd, stdout);
	else if (!strcmp(cmd, "boot-log"))
		fputs(pmm_boot_log(m), stdout);
	else if (!strcmp(cmd, "zoneinfo"))
		err = pmm_print_zoneinfo(m, stdout);
	else if (!strcmp(cmd, "node-states"))
		err = pmm_print_node_states(m, stdout);
	else if (!strcmp(cmd, "memory-blocks"))
		err = pmm_print_memory_blocks(m, stdout);
	else if (!strcmp(cmd, "diagram"))
		err = pmm_print_diagram(m, stdout);
	else if (!strcmp(cmd, "vmstat"))
		err = pmm_print_vmstat(m, stdout);
	else if (!strcmp(cmd, "meminfo"))
		err = pmm_print_meminfo(m, stdout);
	else if (!strcmp(cmd, "node-meminfo"))
		err = print_node_meminfo(m);
	else if (!strcmp(cmd, "buddyinfo"))
		err = pmm_print_buddyinfo(m, stdout);
	else if (!strcmp(cmd, "pagetypeinfo"))
		err = pmm_print_pagetypeinfo(m, stdout);
	else if (!strcmp(cmd, "extfrag"))
		err = pmm_print_extfrag(m, stdout, PMM_EXTFRAG_INDEX);
	else if (!strcmp(cmd, "unusable"))
		err = pmm_print_extfrag(m, stdout, PMM_UNUSABLE_INDEX);
	else if (!strcmp(cmd, "memory-tiers"))
		err = pmm_print_memory_tiers(m, stdout);
	else if (export_dir)
		err = pmm_export(m, export_dir);
	else if (!strcmp(cmd, "map") && svg) {
		FILE *out = fopen(svg, "w");

		if (!out) {
			fprintf(stderr, "pmm: --svg %s: %s\n", svg, strerror(errno));
			pmm_shutdown(m);
			return 1;
		}
		err = pmm_print_map_svg(m, out);
		if (fclose(out) && !err)
			err = -EIO;
		if (err) {
			fprintf(stderr, "pmm: map: writing %s failed: %s\n", svg, strerror(-err));
			pmm_shutdown(m);
			return 1;
		}
	} else if (!strcmp(cmd, "map"))
		err = pmm_print_map_svg(m, stdout);
	else if (trace && replay(m, trace, csv, interval)) {
		pmm_shutdown(m);
		return 1;	/* the replay said why */
	}
	else
		pmm_dump_machine(m, stdout);
	pmm_shutdown(m);
	if (fflush(stdout) || err) {
		fprintf(stderr, "pmm: writing the report failed\n");
		return 1;
	}
	return 0;
}

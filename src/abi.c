// SPDX-License-Identifier: MIT
/* Out-of-line forms of the inline accessors, and the public layouts, for bindings (abi.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <pmm/abi.h>

#include "internal.h"

struct pmm_page *pmm_abi_pfn_to_page(const struct pmm_machine *m, unsigned long pfn)
{
	return m && pmm_pfn_valid(m, pfn) ? pmm_pfn_to_page(m, pfn) : NULL;
}

unsigned long pmm_abi_page_to_pfn(const struct pmm_machine *m, const struct pmm_page *page)
{
	return m && pmm_page_in_machine(m, page) ? pmm_page_to_pfn(m, page) : ~0UL;
}

int pmm_abi_page_nid(const struct pmm_page *page)
{
	return pmm_page_to_nid(page);
}

int pmm_abi_page_zonenum(const struct pmm_page *page)
{
	return (int)pmm_page_zonenum(page);
}

int pmm_abi_page_ref_count(const struct pmm_page *page)
{
	return pmm_page_ref_count(page);
}

void *pmm_abi_page_address(const struct pmm_machine *m, const struct pmm_page *page)
{
	if (!m || !m->view.direct_map || !pmm_page_in_machine(m, page))
		return NULL;
	return pmm_page_address(m, page);
}

/* ---- layouts --------------------------------------------------------------------------------- */

#define FIELD(type, field)	{ #type, #field, offsetof(struct type, field) }
#define TYPEDEF_FIELD(type, field)	{ #type, #field, offsetof(type, field) }

static const struct {
	const char	*type, *field;
	size_t		offset;
} fields[] = {
	FIELD(pmm_boot_opts, flags), FIELD(pmm_boot_opts, phys_limit),
	FIELD(pmm_boot_opts, log), FIELD(pmm_boot_opts, log_arg),
	FIELD(pmm_boot_opts, on_bad_page), FIELD(pmm_boot_opts, on_bad_page_arg),
	FIELD(pmm_boot_opts, migrate_page), FIELD(pmm_boot_opts, migrate_page_arg),
	FIELD(pmm_boot_opts, on_oom), FIELD(pmm_boot_opts, on_oom_arg),
	FIELD(pmm_boot_opts, reclaim_folio), FIELD(pmm_boot_opts, reclaim_folio_arg),
	FIELD(pmm_boot_opts, defer), FIELD(pmm_boot_opts, memmap_limit),
	FIELD(pmm_boot_opts, progress), FIELD(pmm_boot_opts, progress_arg),

	FIELD(pmm_replay_opts, csv), FIELD(pmm_replay_opts, interval), FIELD(pmm_replay_opts, log),
	FIELD(pmm_replay_opts, show_unknown), FIELD(pmm_replay_opts, lru),

	FIELD(pmm_replay_stats, lines), FIELD(pmm_replay_stats, events),
	FIELD(pmm_replay_stats, allocs), FIELD(pmm_replay_stats, alloc_pages),
	FIELD(pmm_replay_stats, alloc_failed), FIELD(pmm_replay_stats, kernel_alloc_failed),
	FIELD(pmm_replay_stats, frees), FIELD(pmm_replay_stats, free_pages),
	FIELD(pmm_replay_stats, frees_untracked), FIELD(pmm_replay_stats, frees_batched),
	FIELD(pmm_replay_stats, order_mismatch), FIELD(pmm_replay_stats, realloc_live),
	FIELD(pmm_replay_stats, kernel_zone_locked), FIELD(pmm_replay_stats, kernel_pcpu_drain),
	FIELD(pmm_replay_stats, kernel_fallbacks), FIELD(pmm_replay_stats, kernel_fragmenting),
	FIELD(pmm_replay_stats, fallbacks), FIELD(pmm_replay_stats, fragmenting),
	FIELD(pmm_replay_stats, nofail_demoted), FIELD(pmm_replay_stats, other_events),
	FIELD(pmm_replay_stats, unknown), FIELD(pmm_replay_stats, held),
	FIELD(pmm_replay_stats, held_pages), FIELD(pmm_replay_stats, first_ts),
	FIELD(pmm_replay_stats, last_ts),

	FIELD(pmm_mempolicy, mode), FIELD(pmm_mempolicy, nodes), FIELD(pmm_mempolicy, home_node),
	FIELD(pmm_mempolicy, has_home_node),

	FIELD(pmm_memory_block_info, id), FIELD(pmm_memory_block_info, start),
	FIELD(pmm_memory_block_info, state), FIELD(pmm_memory_block_info, nid),
	FIELD(pmm_memory_block_info, zone), FIELD(pmm_memory_block_info, valid_zones),
	FIELD(pmm_memory_block_info, early),

	TYPEDEF_FIELD(pmm_nodemask_t, bits),
};

static const struct {
	const char	*type;
	size_t		size;
} types[] = {
	{ "pmm_boot_opts", sizeof(struct pmm_boot_opts) },
	{ "pmm_replay_opts", sizeof(struct pmm_replay_opts) },
	{ "pmm_replay_stats", sizeof(struct pmm_replay_stats) },
	{ "pmm_mempolicy", sizeof(struct pmm_mempolicy) },
	{ "pmm_memory_block_info", sizeof(struct pmm_memory_block_info) },
	{ "pmm_nodemask_t", sizeof(pmm_nodemask_t) },
};

size_t pmm_abi_sizeof(const char *type)
{
	size_t i;

	for (i = 0; type && i < PMM__ARRAY_SIZE(types); i++)
		if (!strcmp(types[i].type, type))
			return types[i].size;
	return 0;
}

size_t pmm_abi_offsetof(const char *type, const char *field)
{
	size_t i;

	for (i = 0; type && field && i < PMM__ARRAY_SIZE(fields); i++)
		if (!strcmp(fields[i].type, type) && !strcmp(fields[i].field, field))
			return fields[i].offset;
	return (size_t)-1;
}

int pmm_abi_constant(const char *name, long *value)
{
	static const struct {
		const char	*name;
		long		value;
	} constants[] = {
		{ "PMM_MAX_NUMNODES", PMM_MAX_NUMNODES },
		{ "PMM_NR_CPUS", PMM_NR_CPUS },
		{ "PMM_NR_PAGE_ORDERS", PMM_NR_PAGE_ORDERS },
		{ "PMM_MAX_NR_ZONES", PMM_MAX_NR_ZONES },
		{ "PMM_MIGRATE_TYPES", PMM_MIGRATE_TYPES },
		{ "PMM_VERSION", PMM_VERSION_MAJOR * 10000L + PMM_VERSION_MINOR * 100L +
				 PMM_VERSION_PATCH },
	};
	size_t i;

	if (!name || !value)
		return -EINVAL;
	for (i = 0; i < PMM__ARRAY_SIZE(constants); i++)
		if (!strcmp(constants[i].name, name)) {
			*value = constants[i].value;
			return 0;
		}
	return -ENOENT;
}

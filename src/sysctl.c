// SPDX-License-Identifier: MIT
/*
 * The vm sysctls (kernel/sysctl.c's vm_table and mm/'s handlers): one
 * table of names and ranges, used by descriptions before boot and by
 * pmm_sysctl_write() on a running machine.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* name, where, range, the kernel's default (-1: computed at boot) */
static const struct {
	const char *name;
	size_t offset;
	long min, max, def;
} scalars[] = {
	{ "min_free_kbytes", offsetof(struct pmm__sysctl, min_free_kbytes), 0, 1L << 40, -1 },
	{ "watermark_scale_factor", offsetof(struct pmm__sysctl, watermark_scale_factor), 1, 3000,
	  10 },
	{ "percpu_pagelist_high_fraction",
	  offsetof(struct pmm__sysctl, percpu_pagelist_high_fraction), 0, 1L << 30, 0 },
	{ "watermark_boost_factor", offsetof(struct pmm__sysctl, watermark_boost_factor), 0, 1L << 30,
	  15000 },
	{ "min_unmapped_ratio", offsetof(struct pmm__sysctl, min_unmapped_ratio), 0, 100, 1 },
	{ "min_slab_ratio", offsetof(struct pmm__sysctl, min_slab_ratio), 0, 100, 5 },
	{ "extfrag_threshold", offsetof(struct pmm__sysctl, extfrag_threshold), 0, 1000, 500 },
	{ "compaction_proactiveness", offsetof(struct pmm__sysctl, compaction_proactiveness), 0, 100,
	  20 },
	{ "compact_unevictable_allowed", offsetof(struct pmm__sysctl, compact_unevictable_allowed),
	  0, 1, 1 },
	{ "swappiness", offsetof(struct pmm__sysctl, swappiness), 0, 200, 60 },
	{ "zone_reclaim_mode", offsetof(struct pmm__sysctl, zone_reclaim_mode), 0, 0x7fffffff, 0 },
	{ "dirty_ratio", offsetof(struct pmm__sysctl, dirty_ratio), 0, 100, 20 },
	{ "dirty_background_ratio", offsetof(struct pmm__sysctl, dirty_background_ratio), 0, 100,
	  10 },
	{ "overcommit_ratio", offsetof(struct pmm__sysctl, overcommit_ratio), 0, 0x7fffffff, 50 },
};

void pmm__sysctl_defaults(struct pmm__sysctl *s)
{
	unsigned int i;

	for (i = 0; i < PMM__ARRAY_SIZE(scalars); i++) {
		long *v = (long *)((char *)s + scalars[i].offset);

		if (*v < 0 && scalars[i].def >= 0)
			*v = scalars[i].def;
	}
}

static const char *strip_prefix(const char *name)
{
	return name && !strncmp(name, "vm.", 3) ? name + 3 : name;
}

int pmm__sysctl_set(struct pmm__sysctl *s, const struct pmm_arch_profile *arch, const char *name,
		    const long *values, unsigned int nr_values, char *err, size_t err_len)
{
	unsigned int zones = arch->zones;
	unsigned int i, nr_zones = 0;
	long ratio[PMM_MAX_NR_ZONES];
	int z;

	name = strip_prefix(name);
	if (!name) {
		snprintf(err, err_len, "sysctl without a name");
		return -EINVAL;
	}
	if (!values && nr_values) {
		snprintf(err, err_len, "vm.%s without values", name);
		return -EINVAL;
	}
	for (i = 0; i < PMM__ARRAY_SIZE(scalars); i++) {
		long v;

		if (strcmp(name, scalars[i].name))
			continue;
		if (nr_values != 1) {
			snprintf(err, err_len, "vm.%s takes one value, not %u", name, nr_values);
			return -EINVAL;
		}
		v = values[0];
		if (v < scalars[i].min || v > scalars[i].max ||
		    (!strcmp(name, "percpu_pagelist_high_fraction") && v > 0 && v < 8)) {
			snprintf(err, err_len, "vm.%s = %ld is out of range", name, v);
			return -EINVAL;
		}
		__atomic_store_n((long *)((char *)s + scalars[i].offset), v, __ATOMIC_RELAXED);
		return 0;
	}
	if (strcmp(name, "lowmem_reserve_ratio")) {
		snprintf(err, err_len, "unknown sysctl vm.%s", name);
		return -EINVAL;
	}
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		nr_zones += (zones >> z) & 1;
	if (nr_values != nr_zones) {
		snprintf(err, err_len, "vm.lowmem_reserve_ratio has %u values; %s has %u zone types",
			 nr_values, arch->name, nr_zones);
		return -EINVAL;
	}
	for (i = 0, z = 0; z < PMM_MAX_NR_ZONES; z++) {
		ratio[z] = s->lowmem_reserve_ratio[z];
		if (!((zones >> z) & 1))
			continue;
		if (values[i] < 0) {
			snprintf(err, err_len, "vm.lowmem_reserve_ratio[%u] = %ld is negative", i,
				 values[i]);
			return -EINVAL;
		}
		ratio[z] = values[i++];
	}
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		__atomic_store_n(&s->lowmem_reserve_ratio[z], ratio[z], __ATOMIC_RELAXED);
	return 0;
}

int pmm_sysctl_write(struct pmm_machine *m, const char *name, const long *values,
		     unsigned int nr_values)
{
	char err[160];
	int rc;

	if (name && !strcmp(strip_prefix(name), "compact_memory")) {
		/* sysctl_compaction_handler(): only 1 is accepted */
		if (nr_values != 1 || !values || values[0] != 1) {
			pmm__pr_warn(m, "sysctl: vm.compact_memory takes the value 1");
			return -EINVAL;
		}
		return pmm_compact_memory(m);
	}
	pthread_mutex_lock(&m->hotplug_lock);
	rc = pmm__sysctl_set(&m->sysctl, m->arch, name, values, nr_values, err, sizeof(err));
	if (!rc) {
		if (!strcmp(strip_prefix(name), "min_free_kbytes"))
			m->user_min_free_kbytes = values[0];	/* min_free_kbytes_sysctl_handler() */
		/* every value the sysctls shape, recomputed from them */
		pmm__init_per_zone_wmark_min(m);
	}
	pthread_mutex_unlock(&m->hotplug_lock);
	/* compaction_proactiveness_sysctl_handler(): kcompactd looks at once */
	if (!rc && !strcmp(strip_prefix(name), "compaction_proactiveness"))
		pmm__compaction_proactiveness_changed(m);
	if (rc)
		pmm__pr_warn(m, "sysctl: %s", err);
	return rc;
}

int pmm_sysctl_read(const struct pmm_machine *m, const char *name, long *values, unsigned int max)
{
	unsigned int i, n = 0;
	int z;

	name = strip_prefix(name);
	if (!name || (!values && max))
		return -EINVAL;
	for (i = 0; i < PMM__ARRAY_SIZE(scalars); i++) {
		if (strcmp(name, scalars[i].name))
			continue;
		if (max)
			values[0] = __atomic_load_n((const long *)((const char *)&m->sysctl +
								    scalars[i].offset), __ATOMIC_RELAXED);
		return 1;
	}
	if (strcmp(name, "lowmem_reserve_ratio"))
		return -EINVAL;
	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		if (!((m->arch->zones >> z) & 1))
			continue;
		if (n < max)
			values[n] = __atomic_load_n(&m->sysctl.lowmem_reserve_ratio[z], __ATOMIC_RELAXED);
		n++;
	}
	return (int)n;
}

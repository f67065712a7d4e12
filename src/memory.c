// SPDX-License-Identifier: MIT
/*
 * Memory blocks: the machine's memory in units of memory_block_size_bytes(),
 * as /sys/devices/system/memory shows it. Mirrors drivers/base/memory.c
 * (memory_dev_init, add_memory_block, memory_block_add_nid, valid_zones_show)
 * and arch/x86/mm/init_64.c (probe_memory_block_size).
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* probe_memory_block_size() (x86-64, under a hypervisor as the fixtures' QEMU) */
static unsigned long probe_memory_block_size(const struct pmm_machine *m)
{
	unsigned long section = 1UL << m->arch->section_size_bits;
	pmm_phys_addr_t boot_mem_end = (pmm_phys_addr_t)m->max_pfn << m->view.page_shift;
	unsigned long bz;

	if (m->arch->block_size_rule != PMM_BLOCK_SIZE_X86_64)
		return section;
	if (boot_mem_end < (1ULL << 36))	/* below 64 GiB */
		return section;
	/* the largest power of two from 2 GiB down that divides the end of memory */
	for (bz = 1UL << 31; bz > section; bz >>= 1)
		if (!(boot_mem_end & (bz - 1)))
			break;
	return bz;
}

struct pmm__memory_block *pmm__find_memory_block(struct pmm_machine *m, unsigned long id)
{
	unsigned long lo = 0, hi = m->nr_blocks;

	while (lo < hi) {
		unsigned long mid = (lo + hi) / 2;

		if (m->blocks[mid].id == id)
			return &m->blocks[mid];
		if (m->blocks[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

int pmm__reserve_memory_blocks(struct pmm_machine *m, unsigned long nr)
{
	unsigned long max = m->max_blocks ? m->max_blocks : 64;
	struct pmm__memory_block *b;

	if (m->nr_blocks + nr <= m->max_blocks)
		return 0;
	while (max < m->nr_blocks + nr)
		max *= 2;
	b = pmm__realloc(m->blocks, max * sizeof(*b));
	if (!b)
		return -ENOMEM;
	m->blocks = b;
	m->max_blocks = max;
	return 0;
}

int pmm__add_memory_block(struct pmm_machine *m, unsigned long id, int nid,
			  enum pmm_memory_block_state state, bool early)
{
	unsigned long i;
	int err = pmm__reserve_memory_blocks(m, 1);

	if (err)
		return err;
	for (i = m->nr_blocks; i > 0 && m->blocks[i - 1].id > id; i--)
		m->blocks[i] = m->blocks[i - 1];
	m->blocks[i] = (struct pmm__memory_block){
		.id = id, .nid = nid, .state = state, .early = early,
	};
	m->nr_blocks++;
	return 0;
}

bool pmm__zone_intersects(const struct pmm_zone *zone, unsigned long start_pfn,
			  unsigned long nr_pages)
{
	if (pmm_zone_is_empty(zone))
		return false;
	return start_pfn < pmm_zone_end_pfn(zone) && start_pfn + nr_pages > zone->zone_start_pfn;
}

/* early_node_zone_for_memory_block(): the one populated zone of nid in the block, or NULL */
static struct pmm_zone *early_node_zone(struct pmm_machine *m, unsigned long start_pfn,
					unsigned long nr_pages, int nid)
{
	pmm_pg_data_t *pgdat = m->view.node_data[nid];
	struct pmm_zone *match = NULL;
	int z;

	for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
		struct pmm_zone *zone = &pgdat->node_zones[z];

		if (!pmm_populated_zone(zone) || !pmm__zone_intersects(zone, start_pfn, nr_pages))
			continue;
		if (match)
			return NULL;
		match = zone;
	}
	return match;
}

/* memory_dev_init(): one online block per block-sized range with present sections */
int pmm__memory_blocks_init(struct pmm_machine *m, const struct pmm_machine_desc *d)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;
	unsigned long pages_per_block;
	unsigned int i;
	int err, nid;

	m->auto_online_type = m->cmdline_params.memhp_default_online_type >= 0 ?
			      m->cmdline_params.memhp_default_online_type :
			      d->auto_online >= 0 ? d->auto_online :
			      /* CONFIG_MHP_DEFAULT_ONLINE_TYPE_ONLINE_AUTO in 6.12; offline in 6.1 */
			      (m->kernel_version >= PMM_KERNEL_VERSION(6, 12) ? PMM_MMOP_ONLINE :
								       PMM_MMOP_OFFLINE);
	/* no CONFIG_MEMORY_HOTPLUG without SPARSEMEM, nor on 32-bit x86 */
	if (!PMM_CONFIG_SPARSEMEM || !m->arch->memory_hotplug)
		return 0;
	m->block_size = probe_memory_block_size(m);
	pages_per_block = m->block_size >> m->view.page_shift;
	if (m->arch->block_size_rule == PMM_BLOCK_SIZE_X86_64)
		pmm__pr_info(m, "x86/mm: Memory block size: %luMB", m->block_size >> 20);

	for (i = 0; i < mem->cnt; i++) {
		unsigned long s, e, id;

		if (!pmm__region_pfns(&mem->regions[i], m->view.page_shift, &s, &e))
			continue;
		for (id = s / pages_per_block; id * pages_per_block < e; id++) {
			if (!pmm__find_memory_block(m, id)) {
				err = pmm__add_memory_block(m, id, PMM_NUMA_NO_NODE, PMM_MEM_ONLINE,
							    true);
				if (err)
					return err;
			}
		}
	}
	/* memory_block_add_nid() as nodes register in order: the last node wins,
	 * and a block shared by two nodes has no single zone */
	pmm_for_each_node(nid, m) {
		for (i = 0; i < mem->cnt; i++) {
			const struct pmm_memblock_region *r = &mem->regions[i];
			unsigned long s, e, id;

			if (r->nid != nid || !pmm__region_pfns(r, m->view.page_shift, &s, &e))
				continue;
			for (id = s / pages_per_block; id * pages_per_block < e; id++) {
				struct pmm__memory_block *b = pmm__find_memory_block(m, id);

				if (b->nid == nid)
					continue;
				b->zone = b->nid == PMM_NUMA_NO_NODE ?
					  early_node_zone(m, id * pages_per_block, pages_per_block, nid) :
					  NULL;
				b->nid = nid;
			}
		}
	}
	return 0;
}

void pmm__memory_blocks_fini(struct pmm_machine *m)
{
	free(m->blocks);
	m->blocks = NULL;
	m->nr_blocks = m->max_blocks = 0;
	free(m->hotplug);
	free(m->pgmaps);
	m->pgmaps = NULL;
	m->hotplug = NULL;
}

unsigned long pmm_memory_block_size(const struct pmm_machine *m)
{
	return m->block_size;
}

unsigned long pmm_memory_block_count(const struct pmm_machine *m)
{
	return m->nr_blocks;
}

/* valid_zones of an offline block: the default zone, then the kernel and movable zones if different */
static unsigned int offline_valid_zones(struct pmm_machine *m, const struct pmm__memory_block *b,
					int *default_zone)
{
	unsigned long nr = m->block_size >> m->view.page_shift, start = b->id * nr;
	struct pmm_zone *def = pmm__zone_for_pfn_range(m, PMM_MMOP_ONLINE, b->nid, start, nr);
	struct pmm_zone *kernel = pmm__zone_for_pfn_range(m, PMM_MMOP_ONLINE_KERNEL, b->nid, start, nr);
	struct pmm_zone *movable = pmm__zone_for_pfn_range(m, PMM_MMOP_ONLINE_MOVABLE, b->nid, start,
							   nr);

	*default_zone = (int)pmm_zone_idx(def);
	return (1u << pmm_zone_idx(def)) | (1u << pmm_zone_idx(kernel)) | (1u << pmm_zone_idx(movable));
}

int pmm_memory_block_info(const struct pmm_machine *m, unsigned long idx,
			  struct pmm_memory_block_info *info)
{
	const struct pmm__memory_block *b;

	if (idx >= m->nr_blocks)
		return -EINVAL;
	b = &m->blocks[idx];
	memset(info, 0, sizeof(*info));
	info->id = b->id;
	info->start = (pmm_phys_addr_t)b->id * m->block_size;
	info->state = b->state;
	info->nid = b->nid;
	info->early = b->early;
	if (b->state == PMM_MEM_ONLINE) {
		info->zone = b->zone ? (int)pmm_zone_idx(b->zone) : -1;
		info->valid_zones = b->zone ? 1u << info->zone : 0;
	} else {
		info->valid_zones = offline_valid_zones((struct pmm_machine *)m, b, &info->zone);
	}
	return 0;
}

bool pmm__ram_range(const struct pmm_machine *m, unsigned int i, unsigned long long *start,
		    unsigned long long *end)
{
	const struct pmm__memblock_type *mem = &m->memblock.memory;

	if (i < mem->cnt) {
		*start = mem->regions[i].base;
		*end = *start + mem->regions[i].size;
		return true;
	}
	if (i - mem->cnt >= m->nr_hotplug)
		return false;
	*start = m->hotplug[i - mem->cnt].start;
	*end = m->hotplug[i - mem->cnt].end;
	return true;
}

static const char *const online_type_names[] = { "offline", "online", "online_kernel",
						 "online_movable" };

const char *pmm__online_type_name(int type)
{
	return type >= 0 && type < (int)PMM__ARRAY_SIZE(online_type_names) ?
	       online_type_names[type] : "offline";
}

const char *pmm__memory_block_state_name(enum pmm_memory_block_state state)
{
	return state == PMM_MEM_ONLINE ? "online" : state == PMM_MEM_OFFLINE ? "offline" :
	       "going-offline";
}

void pmm__memory_block_zones(const struct pmm_memory_block_info *info, char *buf, size_t len)
{
	int z;

	if (info->state == PMM_MEM_ONLINE) {
		snprintf(buf, len, "%s", info->zone >= 0 ? pmm_zone_names[info->zone] : "none");
		return;
	}
	/* the default zone first, then the others it could join */
	snprintf(buf, len, "%s", pmm_zone_names[info->zone]);
	for (z = 0; z < PMM_MAX_NR_ZONES; z++)
		if (z != info->zone && (info->valid_zones >> z) & 1)
			snprintf(buf + strlen(buf), len - strlen(buf), " %s", pmm_zone_names[z]);
}

int pmm_print_memory_blocks(const struct pmm_machine *m, FILE *f)
{
	unsigned long i;

	if (!m->block_size) {
		fprintf(f, "block_size_bytes: -\n");
	} else {
		fprintf(f, "block_size_bytes: %lx\n", m->block_size);
		fprintf(f, "auto_online_blocks: %s\n", pmm__online_type_name(m->auto_online_type));
	}
	fprintf(f, "name\tphys_index\tstate\tvalid_zones\tremovable\tphys_device\tnode\n");
	for (i = 0; i < m->nr_blocks; i++) {
		struct pmm_memory_block_info info;
		char zones[64];

		pmm_memory_block_info(m, i, &info);
		pmm__memory_block_zones(&info, zones, sizeof(zones));
		fprintf(f, "memory%lu\t%08lx\t%s\t%s\t1\t0\tnode%d\n", info.id, info.id,
			pmm__memory_block_state_name(info.state), zones, info.nid);
	}
	return ferror(f) ? -EIO : 0;
}

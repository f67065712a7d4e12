// SPDX-License-Identifier: MIT
/*
 * /proc/meminfo (fs/proc/meminfo.c meminfo_proc_show(), with
 * si_mem_available() of mm/show_mem.c and x86's arch_report_meminfo()) and
 * /sys/devices/system/node/nodeN/meminfo (drivers/base/node.c
 * node_read_meminfo()), in the lines and widths of the machine's kernel.
 *
 * pmm has no processes, slab, vmalloc, hugetlb or per-CPU areas: their lines
 * read 0. What it models is real: totals and free memory, the LRU lists,
 * dirty and writeback pages, swap, the commit limit, the direct map.
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define SZ_1M	(1UL << 20)

static bool arch_is_x86(const struct pmm_machine *m)
{
	return m->arch->id == PMM_ARCH_X86_64 || m->arch->id == PMM_ARCH_X86_32 ||
	       m->arch->id == PMM_ARCH_X86_32_PAE;
}

/* CONFIG_UNACCEPTED_MEMORY: x86-64 since 6.5 */
static bool has_unaccepted(const struct pmm_machine *m)
{
	return m->arch->id == PMM_ARCH_X86_64 && m->kernel_version >= PMM_KERNEL_VERSION(6, 5);
}

static bool has_highmem(const struct pmm_machine *m)
{
	return pmm_zone_type_configured(m, PMM_ZONE_HIGHMEM);
}

/* show_val_kb(): the label padded to 16 columns, the value to 8 */
static void show_kb(FILE *f, const char *prefix, const char *label, unsigned long kb)
{
	fprintf(f, "%s%-16s%8lu kB\n", prefix, label, kb);
}

/* What si_meminfo() and si_meminfo_node() gather, in pages. */
struct sysinfo_pages {
	unsigned long totalram, freeram, totalhigh, freehigh, totalcma;
	unsigned long zone_stat[PMM_NR_VM_ZONE_STAT_ITEMS];
};

/* The zones of node @nid, or of every online node if @nid < 0. */
static void si_meminfo_node(const struct pmm_machine *m, int nid, struct sysinfo_pages *i)
{
	int n, z, item;

	memset(i, 0, sizeof(*i));
	pmm_for_each_online_node(n, m) {
		const pmm_pg_data_t *pgdat = pmm_node_data(m, n);

		if (nid >= 0 && n != nid)
			continue;
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pgdat->node_zones[z];
			unsigned long pending[PMM_NR_PAGE_ORDERS] = { 0 };
			unsigned long free = pmm_zone_free_pages(zone);

			if (pmm_populated_zone(zone))
				free += pmm__deferred_pending_free(m, zone, pending);
			for (item = 0; item < PMM_NR_VM_ZONE_STAT_ITEMS; item++) {
				long v = pmm_zone_page_state(zone, item);

				i->zone_stat[item] += v > 0 ? (unsigned long)v : 0;
			}
			i->zone_stat[PMM_NR_FREE_PAGES] += free - pmm_zone_free_pages(zone);
			i->totalram += zone->managed_pages;
			i->freeram += free;
			i->totalcma += zone->cma_pages;
			if (pmm__is_highmem_idx(m, (enum pmm_zone_type)z)) {
				i->totalhigh += zone->managed_pages;
				i->freehigh += free;
			}
		}
	}
}

static unsigned long node_stat(const struct pmm_machine *m, int nid, int item)
{
	long v;

	if (nid < 0)
		return pmm__global_node_stat(m, item);
	v = __atomic_load_n(&pmm_node_data(m, nid)->vm_stat[item], __ATOMIC_RELAXED);
	return v > 0 ? (unsigned long)v : 0;
}

/* The lines both files print alike, of node @nid or (-1) of all, prefixed by @p. */
static void show_lru(FILE *f, const char *p, const struct pmm_machine *m, int nid,
		     unsigned long kb)
{
	unsigned long aa = node_stat(m, nid, PMM_NR_ACTIVE_ANON) * kb;
	unsigned long ia = node_stat(m, nid, PMM_NR_INACTIVE_ANON) * kb;
	unsigned long af = node_stat(m, nid, PMM_NR_ACTIVE_FILE) * kb;
	unsigned long inf = node_stat(m, nid, PMM_NR_INACTIVE_FILE) * kb;

	show_kb(f, p, "Active:", aa + af);
	show_kb(f, p, "Inactive:", ia + inf);
	show_kb(f, p, "Active(anon):", aa);
	show_kb(f, p, "Inactive(anon):", ia);
	show_kb(f, p, "Active(file):", af);
	show_kb(f, p, "Inactive(file):", inf);
	show_kb(f, p, "Unevictable:", node_stat(m, nid, PMM_NR_UNEVICTABLE) * kb);
}

static void show_highmem(FILE *f, const char *p, const struct pmm_machine *m,
			 const struct sysinfo_pages *i, unsigned long kb)
{
	if (!has_highmem(m))
		return;
	show_kb(f, p, "HighTotal:", i->totalhigh * kb);
	show_kb(f, p, "HighFree:", i->freehigh * kb);
	show_kb(f, p, "LowTotal:", (i->totalram - i->totalhigh) * kb);
	show_kb(f, p, "LowFree:", (i->freeram - i->freehigh) * kb);
}

static void show_slab(FILE *f, const char *p, const struct pmm_machine *m, int nid,
		      unsigned long kb)
{
	unsigned long r = node_stat(m, nid, PMM_NR_SLAB_RECLAIMABLE) * kb;
	unsigned long u = node_stat(m, nid, PMM_NR_SLAB_UNRECLAIMABLE) * kb;

	show_kb(f, p, "KReclaimable:", r + node_stat(m, nid, PMM_NR_KERNEL_MISC_RECLAIMABLE) * kb);
	show_kb(f, p, "Slab:", r + u);
	show_kb(f, p, "SReclaimable:", r);
	show_kb(f, p, "SUnreclaim:", u);
}

static void show_thp(FILE *f, const char *p, const struct pmm_machine *m, int nid,
		     unsigned long kb)
{
	show_kb(f, p, "AnonHugePages:", node_stat(m, nid, PMM_NR_ANON_TRANSPARENT_HUGEPAGES) * kb);
	show_kb(f, p, "ShmemHugePages:", node_stat(m, nid, PMM_NR_SHMEM_HUGEPAGES) * kb);
	show_kb(f, p, "ShmemPmdMapped:", node_stat(m, nid, PMM_NR_SHMEM_PMDMAPPED) * kb);
	show_kb(f, p, "FileHugePages:", node_stat(m, nid, PMM_NR_FILE_HUGEPAGES) * kb);
	show_kb(f, p, "FilePmdMapped:", node_stat(m, nid, PMM_NR_FILE_PMDMAPPED) * kb);
}

/* si_mem_available(): what could be allocated without swapping, in pages */
static unsigned long si_mem_available(const struct pmm_machine *m, unsigned long free)
{
	unsigned long wmark_low = 0, pagecache, reclaimable;
	long available;
	int nid, z;

	pmm_for_each_online_node(nid, m)
		for (z = 0; z < PMM_MAX_NR_ZONES; z++) {
			const struct pmm_zone *zone = &pmm_node_data(m, nid)->node_zones[z];

			wmark_low += zone->_watermark[PMM_WMARK_LOW] + zone->watermark_boost;
		}
	available = (long)free - (long)m->totalreserve_pages;
	pagecache = node_stat(m, -1, PMM_NR_ACTIVE_FILE) +
		    node_stat(m, -1, PMM_NR_INACTIVE_FILE);
	pagecache -= PMM__MIN(pagecache / 2, wmark_low);
	available += (long)pagecache;
	reclaimable = node_stat(m, -1, PMM_NR_SLAB_RECLAIMABLE) +
		      node_stat(m, -1, PMM_NR_KERNEL_MISC_RECLAIMABLE);
	reclaimable -= PMM__MIN(reclaimable / 2, wmark_low);
	available += (long)reclaimable;
	return available > 0 ? (unsigned long)available : 0;
}

/*
 * (VMALLOC_END - VMALLOC_START) >> 10. x86-64 with 4-level paging and arm64
 * with 48-bit virtual addresses have fixed areas (arm64's grew when 6.9's
 * LPA2 work moved the vmemmap; the 6.1 and 6.12 captures agree); 32-bit x86 puts the area
 * 8 MiB above the end of lowmem (high_memory) and ends it 120 MiB above
 * the end of the largest lowmem (as Debian's 686-pae kernel does).
 */
static unsigned long long vmalloc_total_kb(const struct pmm_machine *m)
{
	const unsigned long long offset = 8ULL * SZ_1M, page_offset = 0xc0000000ULL;
	unsigned long long high_memory, start, end;

	switch (m->arch->id) {
	case PMM_ARCH_X86_64:
		return 34359738367ULL;
	case PMM_ARCH_ARM64:
	case PMM_ARCH_ARM64_16K:	/* 48-bit VA too; no capture to check against */
	case PMM_ARCH_ARM64_64K:
		return m->kernel_version >= PMM_KERNEL_VERSION(6, 9) ? 135288315904ULL :
								       133143592960ULL;
	case PMM_ARCH_RISCV64:		/* Sv48: half of the kernel's 128 TiB, an estimate */
		return 68719476736ULL;
	default:
		high_memory = page_offset + ((unsigned long long)m->max_low_pfn << m->view.page_shift);
		start = (high_memory + offset) & ~(offset - 1);
		end = ((page_offset + ((unsigned long long)m->arch->max_lowmem_pfn <<
				       m->view.page_shift) + offset - 1) & ~(offset - 1)) +
		      120ULL * SZ_1M;
		return end > start ? (end - start) >> 10 : 0;
	}
}

/* split_mem_range() of one range of RAM: 4 KiB pages up to the first large
 * page boundary and after the last, large pages between */
static void direct_map_range(unsigned long long s, unsigned long long e, unsigned long long large,
			     unsigned long long *small_bytes, unsigned long long *large_bytes)
{
	unsigned long long ls, le;

	s = (s + 4095) & ~4095ULL;
	e &= ~4095ULL;
	if (e <= s)
		return;
	ls = (s + large - 1) & ~(large - 1);
	le = e & ~(large - 1);
	if (ls >= le) {
		*small_bytes += e - s;
		return;
	}
	*small_bytes += (ls - s) + (e - le);
	*large_bytes += le - ls;
}

/*
 * The direct map as init_mem_mapping() builds it: the ISA range below
 * 1 MiB in 4 KiB pages, then each range of RAM (on 32-bit only lowmem) in
 * 2 MiB pages (4 MiB without PAE) where aligned; hot-added memory is mapped
 * the same way by arch_add_memory(). Not modelled: 1 GiB pages (the CPU's
 * gbpages), the large pages the kernel image's protections split later
 * (a few, depending on where KASLR put the kernel), and with movable_node
 * (memblock bottom-up) the 2 MiB pages the early page tables already
 * mapped, which the kernel counts a second time.
 */
static void direct_map_sizes(const struct pmm_machine *m, unsigned long long *small_kb,
			     unsigned long long *large_kb, unsigned int *large_mb)
{
	unsigned long long large = m->arch->id == PMM_ARCH_X86_32 ? 4ULL * SZ_1M : 2ULL * SZ_1M;
	unsigned long long limit = m->arch->id == PMM_ARCH_X86_64 ? ~0ULL :
				   (unsigned long long)m->max_low_pfn << m->view.page_shift;
	unsigned long long small = SZ_1M, big = 0, s, e;
	unsigned int i;

	for (i = 0; pmm__ram_range(m, i, &s, &e); i++) {
		s = PMM__MAX(s, (unsigned long long)SZ_1M);
		e = PMM__MIN(e, limit);
		if (s < e)
			direct_map_range(s, e, large, &small, &big);
	}
	*small_kb = small >> 10;
	*large_kb = big >> 10;
	*large_mb = (unsigned int)(large >> 20);
}

int pmm_print_meminfo(const struct pmm_machine *m, FILE *f)
{
	unsigned long kb = 1UL << (m->view.page_shift - 10);
	struct sysinfo_pages i;
	unsigned long swap_total, swap_free, cached, file, swapcached, commit;

	si_meminfo_node(m, -1, &i);
	pmm__swap_totals(m, &swap_total, &swap_free);
	swapcached = node_stat(m, -1, PMM_NR_SWAPCACHED);
	file = node_stat(m, -1, PMM_NR_FILE_PAGES);
	cached = file > swapcached ? file - swapcached : 0;	/* no block devices: no Buffers */

	show_kb(f, "", "MemTotal:", i.totalram * kb);
	show_kb(f, "", "MemFree:", i.freeram * kb);
	show_kb(f, "", "MemAvailable:", si_mem_available(m, i.freeram) * kb);
	show_kb(f, "", "Buffers:", 0);
	show_kb(f, "", "Cached:", cached * kb);
	show_kb(f, "", "SwapCached:", swapcached * kb);
	show_lru(f, "", m, -1, kb);
	show_kb(f, "", "Mlocked:", i.zone_stat[PMM_NR_MLOCK] * kb);
	show_highmem(f, "", m, &i, kb);
	show_kb(f, "", "SwapTotal:", swap_total * kb);
	show_kb(f, "", "SwapFree:", swap_free * kb);
	show_kb(f, "", "Zswap:", 0);
	show_kb(f, "", "Zswapped:", 0);
	show_kb(f, "", "Dirty:", node_stat(m, -1, PMM_NR_DIRTY) * kb);
	show_kb(f, "", "Writeback:", node_stat(m, -1, PMM_NR_WRITEBACK) * kb);
	show_kb(f, "", "AnonPages:", node_stat(m, -1, PMM_NR_ANON_PAGES) * kb);
	show_kb(f, "", "Mapped:", node_stat(m, -1, PMM_NR_MAPPED) * kb);
	show_kb(f, "", "Shmem:", node_stat(m, -1, PMM_NR_SHMEM) * kb);
	show_slab(f, "", m, -1, kb);
	show_kb(f, "", "KernelStack:", node_stat(m, -1, PMM_NR_KERNEL_STACK)); /* in kB */
	show_kb(f, "", "PageTables:", node_stat(m, -1, PMM_NR_PAGE_TABLE_PAGES) * kb);
	show_kb(f, "", "SecPageTables:", node_stat(m, -1, PMM_NR_SEC_PAGE_TABLE_PAGES) * kb);
	show_kb(f, "", "NFS_Unstable:", 0);
	show_kb(f, "", "Bounce:", i.zone_stat[PMM_NR_BOUNCE] * kb);
	show_kb(f, "", "WritebackTmp:", node_stat(m, -1, PMM_NR_WRITEBACK_TEMP) * kb);
	/* vm_commit_limit(): no hugetlb pages */
	commit = i.totalram * (unsigned long)m->sysctl.overcommit_ratio / 100 + swap_total;
	show_kb(f, "", "CommitLimit:", commit * kb);
	show_kb(f, "", "Committed_AS:", 0);
	fprintf(f, "%-16s%8llu kB\n", "VmallocTotal:", vmalloc_total_kb(m));
	show_kb(f, "", "VmallocUsed:", 0);
	show_kb(f, "", "VmallocChunk:", 0);
	show_kb(f, "", "Percpu:", 0);
	fprintf(f, "HardwareCorrupted: %5lu kB\n", 0UL);
	show_thp(f, "", m, -1, kb);
	if (m->arch->cma) {
		show_kb(f, "", "CmaTotal:", i.totalcma * kb);
		show_kb(f, "", "CmaFree:", i.zone_stat[PMM_NR_FREE_CMA] * kb);
	}
	if (has_unaccepted(m))
		show_kb(f, "", "Unaccepted:", i.zone_stat[PMM_NR_UNACCEPTED] * kb);
	/* hugetlb_report_meminfo(): no pool, the default huge page size */
	fprintf(f, "%-19s%5lu\n%-19s%5lu\n%-19s%5lu\n%-19s%5lu\n", "HugePages_Total:", 0UL,
		"HugePages_Free:", 0UL, "HugePages_Rsvd:", 0UL, "HugePages_Surp:", 0UL);
	show_kb(f, "", "Hugepagesize:", kb << m->pageblock_order);
	show_kb(f, "", "Hugetlb:", 0);
	if (arch_is_x86(m)) {
		unsigned long long small, large;
		unsigned int large_mb;
		char label[16];

		direct_map_sizes(m, &small, &large, &large_mb);
		fprintf(f, "%-16s%8llu kB\n", "DirectMap4k:", small);
		snprintf(label, sizeof(label), "DirectMap%uM:", large_mb);
		fprintf(f, "%-16s%8llu kB\n", label, large);
	}
	return ferror(f) ? -EIO : 0;
}

int pmm_print_node_meminfo(const struct pmm_machine *m, int nid, FILE *f)
{
	unsigned long kb = 1UL << (m->view.page_shift - 10);
	struct sysinfo_pages i;
	char p[24];

	if (!m->arch->numa)
		return -ENOENT;		/* no /sys/devices/system/node without CONFIG_NUMA */
	if (nid < 0 || nid >= PMM_MAX_NUMNODES || !pmm_node_state(m, nid, PMM_N_ONLINE))
		return -EINVAL;
	si_meminfo_node(m, nid, &i);
	snprintf(p, sizeof(p), "Node %d ", nid);
	show_kb(f, p, "MemTotal:", i.totalram * kb);
	show_kb(f, p, "MemFree:", i.freeram * kb);
	show_kb(f, p, "MemUsed:", (i.totalram - i.freeram) * kb);
	show_kb(f, p, "SwapCached:", node_stat(m, nid, PMM_NR_SWAPCACHED) * kb);
	show_lru(f, p, m, nid, kb);
	show_kb(f, p, "Mlocked:", i.zone_stat[PMM_NR_MLOCK] * kb);
	show_highmem(f, p, m, &i, kb);
	show_kb(f, p, "Dirty:", node_stat(m, nid, PMM_NR_DIRTY) * kb);
	show_kb(f, p, "Writeback:", node_stat(m, nid, PMM_NR_WRITEBACK) * kb);
	show_kb(f, p, "FilePages:", node_stat(m, nid, PMM_NR_FILE_PAGES) * kb);
	show_kb(f, p, "Mapped:", node_stat(m, nid, PMM_NR_MAPPED) * kb);
	show_kb(f, p, "AnonPages:", node_stat(m, nid, PMM_NR_ANON_PAGES) * kb);
	show_kb(f, p, "Shmem:", node_stat(m, nid, PMM_NR_SHMEM) * kb);
	show_kb(f, p, "KernelStack:", node_stat(m, nid, PMM_NR_KERNEL_STACK));
	show_kb(f, p, "PageTables:", node_stat(m, nid, PMM_NR_PAGE_TABLE_PAGES) * kb);
	show_kb(f, p, "SecPageTables:", node_stat(m, nid, PMM_NR_SEC_PAGE_TABLE_PAGES) * kb);
	show_kb(f, p, "NFS_Unstable:", 0);
	show_kb(f, p, "Bounce:", i.zone_stat[PMM_NR_BOUNCE] * kb);
	show_kb(f, p, "WritebackTmp:", node_stat(m, nid, PMM_NR_WRITEBACK_TEMP) * kb);
	show_slab(f, p, m, nid, kb);
	show_thp(f, p, m, nid, kb);
	if (has_unaccepted(m))
		show_kb(f, p, "Unaccepted:", i.zone_stat[PMM_NR_UNACCEPTED] * kb);
	fprintf(f, "%s%-17s%5lu\n%s%-17s%5lu\n%s%-17s%5lu\n", p, "HugePages_Total:", 0UL, p,
		"HugePages_Free:", 0UL, p, "HugePages_Surp:", 0UL);
	return ferror(f) ? -EIO : 0;
}

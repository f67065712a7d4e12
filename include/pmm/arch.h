/* SPDX-License-Identifier: MIT */
/*
 * Architecture profiles: the per-architecture constants a kernel is built
 * with (asm/page.h, asm/sparsemem.h, the zone limits of zone_sizes_init()).
 * One table in src/arch.c; a machine picks its profile at run time.
 *
 *   pmm_arch_lookup(name)     profile by name ("x86_64", "arm64_16k", ...)
 *   pmm_arch_by_id(id)        profile by enum pmm_arch
 */
#ifndef PMM_ARCH_H
#define PMM_ARCH_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

enum pmm_arch {
	PMM_ARCH_X86_64,
	PMM_ARCH_X86_32,	/* 32-bit x86 without PAE: 4 GiB physical */
	PMM_ARCH_X86_32_PAE,	/* 32-bit x86 with PAE: 64 GiB physical */
	PMM_ARCH_ARM64,		/* 4 KiB pages */
	PMM_ARCH_ARM64_16K,
	PMM_ARCH_ARM64_64K,
	PMM_ARCH_RISCV64,
	PMM_NR_ARCHS
};

/** How the architecture sizes its memory blocks (memory_block_size_bytes()). */
enum pmm_block_size_rule {
	PMM_BLOCK_SIZE_SECTION,	/* generic: one section (MIN_MEMORY_BLOCK_SIZE) */
	PMM_BLOCK_SIZE_X86_64,	/* probe_memory_block_size(): 128M below 64G, else larger */
};

/**
 * struct pmm_arch_profile - the constants of one architecture configuration
 *
 * Values are those of the Debian kernels behind the fixtures where they
 * exist (kernel-reference.md section 1.3); read-only.
 */
struct pmm_arch_profile {
	enum pmm_arch	id;
	const char	*name;			/* "x86_64", as in machine files */
	const char	*uname;			/* utsname machine: "x86_64", "i686", "aarch64" */
	unsigned int	bits_per_long;		/* 64, or 32 for x86_32 */
	unsigned int	page_shift;		/* PAGE_SHIFT */
	unsigned int	section_size_bits;	/* SECTION_SIZE_BITS */
	unsigned int	max_physmem_bits;	/* MAX_PHYSMEM_BITS */
	unsigned int	max_page_order;		/* MAX_PAGE_ORDER (inclusive) */
	unsigned int	pageblock_order;	/* pageblock_order */
	unsigned int	zones;			/* bit i set: zone type i is configured */
	pmm_phys_addr_t	dma_limit;		/* x86: MAX_DMA_PFN as an address; 0 if none */
	pmm_phys_addr_t	dma32_limit;		/* MAX_DMA32_PFN as an address; 0 if none */
	unsigned long	max_lowmem_pfn;		/* HighMem archs: MAXMEM_PFN; else 0 */
	enum pmm_block_size_rule block_size_rule;
	unsigned int	dma_zone_bits_rule;	/* arm64: zone DMA from zone_dma_bits (1) */
	unsigned int	numa;			/* 1: CONFIG_NUMA in the reference kernel */
	unsigned int	memory_hotplug;		/* 1: CONFIG_MEMORY_HOTPLUG (memory blocks) */
	unsigned int	cma;			/* 1: CONFIG_CMA (MIGRATE_CMA is shown in reports) */
	unsigned int	struct_page_size;	/* sizeof(struct page) of the reference kernel */
	unsigned int	kernel_sparsemem;	/* 1: the reference kernel is SPARSEMEM (else
						 * FLATMEM); its log lines count holes so,
						 * whatever model pmm is built with */
};

/**
 * pmm_arch_lookup - find a profile by its name
 * @name: "x86_64", "x86_32", "x86_32_pae", "arm64", "arm64_16k",
 *        "arm64_64k" or "riscv64" ("aarch64", "i386", "i686" also accepted)
 *
 * Context: any.
 * Return: the profile, or NULL for an unknown name.
 */
PMM_API const struct pmm_arch_profile *pmm_arch_lookup(const char *name);

/**
 * pmm_arch_by_id - the profile of an architecture
 * @id: an enum pmm_arch value
 *
 * Context: any.
 * Return: the profile, or NULL if @id is out of range.
 */
PMM_API const struct pmm_arch_profile *pmm_arch_by_id(enum pmm_arch id);

#ifdef __cplusplus
}
#endif

#endif /* PMM_ARCH_H */

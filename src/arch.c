// SPDX-License-Identifier: MIT
/*
 * Architecture profiles: the constants of asm/page.h, asm/sparsemem.h and
 * zone_sizes_init() per architecture (kernel-reference.md section 1.3),
 * with the values of the Debian kernels behind the fixtures.
 */
#include <string.h>

#include "internal.h"

#define Z(t)		(1u << PMM_ZONE_##t)
#define SZ_16M		(16ULL << 20)
#define SZ_4G		(4ULL << 30)

static const struct pmm_arch_profile arch_profiles[PMM_NR_ARCHS] = {
	[PMM_ARCH_X86_64] = {
		.id = PMM_ARCH_X86_64, .name = "x86_64", .uname = "x86_64",
		.bits_per_long = 64, .numa = 1, .memory_hotplug = 1, .struct_page_size = 64, .kernel_sparsemem = 1, .page_shift = 12, .section_size_bits = 27,
		.max_physmem_bits = 46,	/* 4-level paging, as QEMU's qemu64 CPU boots */
		.max_page_order = 10, .pageblock_order = 9,
		.zones = Z(DMA) | Z(DMA32) | Z(NORMAL) | Z(MOVABLE) | Z(DEVICE),
		.dma_limit = SZ_16M, .dma32_limit = SZ_4G,
		.block_size_rule = PMM_BLOCK_SIZE_X86_64,
	},
	[PMM_ARCH_X86_32] = {
		.id = PMM_ARCH_X86_32, .name = "x86_32", .uname = "i686",
		.bits_per_long = 32, .struct_page_size = 40, .page_shift = 12, .section_size_bits = 26,
		.max_physmem_bits = 32, .max_page_order = 10,
		.pageblock_order = 10,	/* 4 MiB huge pages without PAE */
		.zones = Z(DMA) | Z(NORMAL) | Z(HIGHMEM) | Z(MOVABLE),
		.dma_limit = SZ_16M,
		/* MAXMEM_PFN with the 3G/1G split: 896 MiB less the fixmap and
		 * pkmap areas; the non-PAE fixmap is smaller than PAE's. */
		.max_lowmem_pfn = 0x377fe,
		.block_size_rule = PMM_BLOCK_SIZE_SECTION,
	},
	[PMM_ARCH_X86_32_PAE] = {
		.id = PMM_ARCH_X86_32_PAE, .name = "x86_32_pae", .uname = "i686",
		.bits_per_long = 32, .struct_page_size = 40, .page_shift = 12, .section_size_bits = 29,
		.max_physmem_bits = 36, .max_page_order = 10, .pageblock_order = 9,
		.zones = Z(DMA) | Z(NORMAL) | Z(HIGHMEM) | Z(MOVABLE),
		.dma_limit = SZ_16M,
		.max_lowmem_pfn = 0x36ffe,	/* Debian 6.1 686-pae: HighMem starts at 0x36ffe000 */
		.block_size_rule = PMM_BLOCK_SIZE_SECTION,
	},
	[PMM_ARCH_ARM64] = {
		.id = PMM_ARCH_ARM64, .name = "arm64", .uname = "aarch64",
		.bits_per_long = 64, .numa = 1, .memory_hotplug = 1, .struct_page_size = 64, .kernel_sparsemem = 1, .page_shift = 12, .section_size_bits = 27,
		.max_physmem_bits = 52,	/* CONFIG_ARM64_PA_BITS=52 (Debian) */
		.max_page_order = 10, .pageblock_order = 9,
		.zones = Z(DMA) | Z(DMA32) | Z(NORMAL) | Z(MOVABLE) | Z(DEVICE),
		.dma32_limit = SZ_4G, .dma_zone_bits_rule = 1, .cma = 1,
		.block_size_rule = PMM_BLOCK_SIZE_SECTION,
	},
	[PMM_ARCH_ARM64_16K] = {
		.id = PMM_ARCH_ARM64_16K, .name = "arm64_16k", .uname = "aarch64",
		.bits_per_long = 64, .numa = 1, .memory_hotplug = 1, .struct_page_size = 64, .kernel_sparsemem = 1, .page_shift = 14, .section_size_bits = 27,
		.max_physmem_bits = 48, .max_page_order = 11,
		.pageblock_order = 11,	/* 32 MiB huge pages */
		.zones = Z(DMA) | Z(DMA32) | Z(NORMAL) | Z(MOVABLE) | Z(DEVICE),
		.dma32_limit = SZ_4G, .dma_zone_bits_rule = 1, .cma = 1,
		.block_size_rule = PMM_BLOCK_SIZE_SECTION,
	},
	[PMM_ARCH_ARM64_64K] = {
		.id = PMM_ARCH_ARM64_64K, .name = "arm64_64k", .uname = "aarch64",
		.bits_per_long = 64, .numa = 1, .memory_hotplug = 1, .struct_page_size = 64, .kernel_sparsemem = 1, .page_shift = 16, .section_size_bits = 29,
		.max_physmem_bits = 52, .max_page_order = 13,
		.pageblock_order = 13,	/* 512 MiB huge pages */
		.zones = Z(DMA) | Z(DMA32) | Z(NORMAL) | Z(MOVABLE) | Z(DEVICE),
		.dma32_limit = SZ_4G, .dma_zone_bits_rule = 1, .cma = 1,
		.block_size_rule = PMM_BLOCK_SIZE_SECTION,
	},
	[PMM_ARCH_RISCV64] = {
		.id = PMM_ARCH_RISCV64, .name = "riscv64", .uname = "riscv64",
		.bits_per_long = 64, .numa = 1, .memory_hotplug = 1, .struct_page_size = 64, .kernel_sparsemem = 1, .page_shift = 12, .section_size_bits = 27,
		.max_physmem_bits = 56, .max_page_order = 10, .pageblock_order = 9,
		.zones = Z(DMA32) | Z(NORMAL) | Z(MOVABLE) | Z(DEVICE),
		.dma32_limit = SZ_4G,
		.block_size_rule = PMM_BLOCK_SIZE_SECTION,
	},
};

static const struct {
	const char *alias;
	enum pmm_arch id;
} arch_aliases[] = {
	{ "amd64", PMM_ARCH_X86_64 },
	{ "i386", PMM_ARCH_X86_32 },
	{ "i686", PMM_ARCH_X86_32 },
	{ "aarch64", PMM_ARCH_ARM64 },
};

const struct pmm_arch_profile *pmm_arch_by_id(enum pmm_arch id)
{
	if ((unsigned int)id >= PMM_NR_ARCHS)
		return NULL;
	return &arch_profiles[id];
}

const struct pmm_arch_profile *pmm_arch_lookup(const char *name)
{
	size_t i;

	if (!name)
		return NULL;
	for (i = 0; i < PMM__ARRAY_SIZE(arch_profiles); i++)
		if (!strcmp(arch_profiles[i].name, name))
			return &arch_profiles[i];
	for (i = 0; i < PMM__ARRAY_SIZE(arch_aliases); i++)
		if (!strcmp(arch_aliases[i].alias, name))
			return &arch_profiles[arch_aliases[i].id];
	return NULL;
}

/* SPDX-License-Identifier: MIT */
/*
 * ZONE_DEVICE: struct pages for device memory. Mirrors
 * include/linux/memremap.h and mm/memremap.c: a driver describes a range
 * of device physical addresses with a struct pmm_dev_pagemap and gets
 * struct pages in its node's ZONE_DEVICE for it. The pages are never
 * onlined and never counted as memory; each points back to its pagemap.
 * Needs SPARSEMEM_VMEMMAP (sub-section, 2 MiB, granularity), as the
 * kernel's Kconfig does: other builds return -EOPNOTSUPP.
 *
 *   pmm_memremap_pages(m, pgmap, nid)     memremap_pages(): struct pages for the range
 *   pmm_memunmap_pages(m, pgmap)          memunmap_pages(): take them away again
 *   pmm_get_dev_pagemap(m, pfn)           get_dev_pagemap(): the pagemap of a pfn
 *   pmm_is_zone_device_page(page)         is_zone_device_page()
 *   pmm_page_pgmap(page)                  page_pgmap()
 *   pmm_zone_device_page_init(m, page)    zone_device_page_init(): a driver hands a page out
 *   pmm_migrate_to_ram(m, page, &ram)     a CPU fault on a device-private page
 *   pmm_vmem_altmap_offset(altmap)        pages at the start the memmap and the driver keep
 *
 * Reference counts of idle device pages follow the machine's kernel
 * version (kernel-reference.md section 12.3): DEVICE_PRIVATE and
 * DEVICE_COHERENT pages idle at 0 (6.1+), PCI_P2PDMA pages too from 6.2,
 * FS_DAX pages from 6.15; the others idle at 1. A page that idles at 0
 * is handed out with pmm_zone_device_page_init() (count 1) and, when
 * pmm_put_page() drops its count to 0, ops->page_free() runs and the page
 * is idle again. A page that idles at 1 calls page_free() only if its
 * count reaches 0, and is then reset to 1, as free_zone_device_page() does.
 */
#ifndef PMM_MEMREMAP_H
#define PMM_MEMREMAP_H

#include <pmm/types.h>
#include <pmm/page.h>
#include <pmm/zone.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;
struct pmm_dev_pagemap;

/** enum pmm_memory_type - what the device memory is (enum memory_type, same values) */
enum pmm_memory_type {
	PMM_MEMORY_DEVICE_PRIVATE = 1,	/* not CPU-addressable (HMM): no direct map, migrate_to_ram */
	PMM_MEMORY_DEVICE_COHERENT,	/* CPU-coherent device memory */
	PMM_MEMORY_DEVICE_FS_DAX,	/* persistent memory for filesystem DAX */
	PMM_MEMORY_DEVICE_GENERIC,	/* device-dax and the like, no callbacks */
	PMM_MEMORY_DEVICE_PCI_P2PDMA,	/* PCI peer-to-peer DMA memory (a BAR) */
};

/**
 * struct pmm_vmem_altmap - the device range's own memmap at its start
 * (struct vmem_altmap)
 *
 * The first @reserve pages of the range are the driver's (a label area),
 * the next @free pages may hold the range's struct pages. pmm counts in
 * @alloc the pages the memmap takes there (nr_pages * sizeof(struct page),
 * rounded up to pages); the struct pages themselves live in the vmemmap
 * like all others. The pages of pmm_vmem_altmap_offset() are not device
 * pages and are not initialised.
 */
struct pmm_vmem_altmap {
	unsigned long	base_pfn;	/* the range's first pfn */
	unsigned long	reserve;	/* pages kept by the driver */
	unsigned long	free;		/* pages the memmap may take */
	unsigned long	alloc;		/* pages the memmap took (set by pmm) */
};

/** struct pmm_dev_pagemap_ops - the driver's callbacks (struct dev_pagemap_ops) */
struct pmm_dev_pagemap_ops {
	/* A device page's reference count reached 0: the driver gets it back.
	 * Required for DEVICE_PRIVATE and DEVICE_COHERENT. */
	void	(*page_free)(struct pmm_dev_pagemap *pgmap, struct pmm_page *page);
	/* A CPU touched a DEVICE_PRIVATE page: move its data to a RAM page
	 * (allocate it, copy, update your mapping), return 0 with the RAM page
	 * in *ram, or a negative errno. Required for DEVICE_PRIVATE. */
	int	(*migrate_to_ram)(struct pmm_dev_pagemap *pgmap, struct pmm_page *page,
				  struct pmm_page **ram);
};

#define PMM_PGMAP_ALTMAP_VALID	0x1u	/* @altmap is in use (PGMAP_ALTMAP_VALID) */

/**
 * struct pmm_dev_pagemap - one device range (struct dev_pagemap)
 *
 * Fill in @type, @range, @ops (as the type needs), @owner, and @altmap
 * with PMM_PGMAP_ALTMAP_VALID if the memmap goes on the device; the rest
 * is pmm's. The structure must stay in place until pmm_memunmap_pages().
 */
struct pmm_dev_pagemap {
	struct pmm_vmem_altmap			altmap;
	unsigned int				flags;	/* PMM_PGMAP_ALTMAP_VALID */
	enum pmm_memory_type			type;
	const struct pmm_dev_pagemap_ops	*ops;
	void					*owner;	/* the driver's, for its callbacks */
	struct {
		pmm_phys_addr_t start;
		pmm_phys_addr_t end;	/* inclusive, as struct range */
	} range;
	/* set by pmm */
	int					nid;
	struct pmm_machine			*machine;
};

/**
 * pmm_memremap_pages - struct pages in ZONE_DEVICE for a device range
 * @m: machine (booted with a phys_limit above the range)
 * @pgmap: the range, type, callbacks and altmap; stays in place until unmapped
 * @nid: the node; PMM_NUMA_NO_NODE for the first node with memory near the caller
 *
 * Checks the type's callbacks, that the range is sub-section (2 MiB)
 * aligned, overlaps no memory and no other pagemap, and that an altmap
 * starts at the range and can hold its memmap; adds the sections'
 * sub-sections and memmap (node-local), maps the range in the direct map
 * (all types but DEVICE_PRIVATE, which the CPU cannot address), grows
 * ZONE_DEVICE's and the node's spans (present and managed pages do not
 * change), and initialises each page past the altmap: ZONE_DEVICE,
 * PageReserved, its pgmap, the idle reference count of its type.
 * Context: takes the machine's hotplug lock.
 * Return: 0; -EINVAL for a bad range, type, missing callback or altmap;
 * -ENXIO if the range overlaps memory; -EEXIST if it overlaps another
 * pagemap; -ERANGE beyond phys_limit; -ENOMEM (also: the altmap is too
 * small for the memmap); -EOPNOTSUPP without SPARSEMEM_VMEMMAP or
 * ZONE_DEVICE on the architecture.
 */
PMM_API int pmm_memremap_pages(struct pmm_machine *m, struct pmm_dev_pagemap *pgmap, int nid);

/**
 * pmm_memunmap_pages - take a pagemap's struct pages away (memunmap_pages())
 *
 * The kernel waits for every reference to go; pmm never blocks and
 * refuses while a page is in use (above its idle count).
 * Context: takes the machine's hotplug lock.
 * Return: 0; -EBUSY while pages are in use; -EINVAL if @pgmap is not mapped.
 */
PMM_API int pmm_memunmap_pages(struct pmm_machine *m, struct pmm_dev_pagemap *pgmap);

/**
 * pmm_get_dev_pagemap - the pagemap that covers a pfn (get_dev_pagemap())
 * Context: any; the pagemap must not be unmapped meanwhile.
 * Return: the pagemap; NULL.
 */
PMM_API struct pmm_dev_pagemap *pmm_get_dev_pagemap(struct pmm_machine *m, unsigned long pfn);

/**
 * pmm_zone_device_page_init - a driver hands out an idle device page (zone_device_page_init())
 * @page: a page of a pagemap whose pages idle at 0
 * Context: any; the driver serialises its own allocator.
 * Return: 0, the page's count is 1; -EINVAL if it is not an idle page of such a type.
 */
PMM_API int pmm_zone_device_page_init(struct pmm_machine *m, struct pmm_page *page);

/**
 * pmm_migrate_to_ram - a CPU access to a DEVICE_PRIVATE page (do_swap_page() of a
 * device-private entry): the driver's migrate_to_ram() moves the data to RAM
 * @ram: receives the RAM page
 * Context: any thread.
 * Return: 0; -EINVAL for a page that is not device-private; the callback's error.
 */
PMM_API int pmm_migrate_to_ram(struct pmm_machine *m, struct pmm_page *page, struct pmm_page **ram);

static inline int pmm_is_zone_device_page(const struct pmm_page *page)
{
	return pmm_page_zonenum(page) == PMM_ZONE_DEVICE;
}

static inline struct pmm_dev_pagemap *pmm_page_pgmap(const struct pmm_page *page)
{
	return pmm_is_zone_device_page(page) ? page->pgmap : NULL;
}

static inline unsigned long pmm_vmem_altmap_offset(const struct pmm_vmem_altmap *altmap)
{
	return altmap->reserve + altmap->free;
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_MEMREMAP_H */

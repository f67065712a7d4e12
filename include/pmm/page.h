/* SPDX-License-Identifier: MIT */
/*
 * struct pmm_page and struct pmm_folio. Mirrors include/linux/mm_types.h,
 * include/linux/page-flags.h and include/linux/page-flags-layout.h.
 *
 *   pmm_page_zonenum(page)        zone type from page->flags
 *   pmm_page_to_nid(page)         node id from page->flags
 *   pmm_page_to_section(page)     section number (classic SPARSEMEM only)
 *   pmm_set_page_links(p, z, n, pfn)  write zone, node (and section) fields
 *   pmm_page_test_flag(page, PG)  test a PMM_PG_* bit; _set_, _clear_ alike
 *   pmm_page_ref_count(page)      _refcount; pmm_page_mapcount(page) _mapcount + 1
 *   pmm_page_has_type(p)/pmm_page_is_buddy(p)  page_type word (PGTY_*)
 *   pmm_compound_head(page)       head of a compound page, or page itself
 *   pmm_page_folio(page)          folio that contains page
 *   pmm_folio_order(f), pmm_folio_nr_pages(f), pmm_folio_page(f, n)
 *   pmm_prep_compound_page(page, order)   make page[0..2^order) one folio
 *
 * page_zone(), pfn_to_page() and friends need the machine and live in
 * <pmm/memory_model.h>.
 */
#ifndef PMM_PAGE_H
#define PMM_PAGE_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- page->flags bits (enum pageflags, in the order of kernel 6.1) ----------- */
enum pmm_pageflags {
	PMM_PG_locked,
	PMM_PG_referenced,
	PMM_PG_uptodate,
	PMM_PG_dirty,
	PMM_PG_lru,
	PMM_PG_active,
	PMM_PG_workingset,
	PMM_PG_waiters,
	PMM_PG_error,
	PMM_PG_slab,
	PMM_PG_owner_priv_1,
	PMM_PG_arch_1,
	PMM_PG_reserved,
	PMM_PG_private,
	PMM_PG_private_2,
	PMM_PG_writeback,
	PMM_PG_head,		/* first page of a compound page / large folio */
	PMM_PG_mappedtodisk,
	PMM_PG_reclaim,
	PMM_PG_swapbacked,
	PMM_PG_unevictable,
	PMM_PG_mlocked,
	PMM_PG_hwpoison,
	PMM_PG_young,
	PMM_PG_idle,
	/* pmm: allocated with __GFP_MOVABLE; stands in for the kernel's PageLRU /
	 * __PageMovable when the allocator counts movable pages of a pageblock */
	PMM_PG_movable,
	PMM_NR_PAGEFLAGS
};

/*
 * page->flags layout (page-flags-layout.h): the fields are packed from the
 * most significant bit down, | SECTION | NODE | ZONE | ... | FLAGS |.
 * The section field exists only in classic SPARSEMEM (SECTION_IN_PAGE_FLAGS);
 * its width fits every architecture profile (riscv64: 56 - 27 = 29 bits).
 */
#define PMM_SECTIONS_WIDTH	((PMM_CONFIG_SPARSEMEM && !PMM_CONFIG_SPARSEMEM_VMEMMAP) ? 29 : 0)
#define PMM_NODES_WIDTH		PMM_NODES_SHIFT
#define PMM_ZONES_WIDTH		3

#define PMM_SECTIONS_PGOFF	(64 - PMM_SECTIONS_WIDTH)
#define PMM_NODES_PGOFF		(PMM_SECTIONS_PGOFF - PMM_NODES_WIDTH)
#define PMM_ZONES_PGOFF		(PMM_NODES_PGOFF - PMM_ZONES_WIDTH)

#define PMM_SECTIONS_PGSHIFT	(PMM_SECTIONS_PGOFF * (PMM_SECTIONS_WIDTH != 0))
#define PMM_NODES_PGSHIFT	(PMM_NODES_PGOFF * (PMM_NODES_WIDTH != 0))
#define PMM_ZONES_PGSHIFT	(PMM_ZONES_PGOFF * (PMM_ZONES_WIDTH != 0))

#define PMM_SECTIONS_MASK	((1UL << PMM_SECTIONS_WIDTH) - 1)
#define PMM_NODES_MASK		((1UL << PMM_NODES_WIDTH) - 1)
#define PMM_ZONES_MASK		((1UL << PMM_ZONES_WIDTH) - 1)


/* ---- page_type (the _mapcount word when the page has a type; kernel >= 6.12) */
#define PMM_PAGE_TYPE_NONE	0xffffffffu	/* "no type": _mapcount == -1 */
enum pmm_pagetype {
	PMM_PGTY_buddy		= 0xf0,	/* free, on a buddy free list */
	PMM_PGTY_offline	= 0xf1,	/* logically offline (hotplug, balloon) */
	PMM_PGTY_table		= 0xf2,
	PMM_PGTY_guard		= 0xf3,
	PMM_PGTY_hugetlb	= 0xf4,
	PMM_PGTY_slab		= 0xf5,
	PMM_PGTY_zsmalloc	= 0xf6,
	PMM_PGTY_unaccepted	= 0xf7,
	/* pmm: free on a per-CPU list. The kernel leaves such pages untyped;
	 * pmm marks them so that a free whose block covers one is refused. */
	PMM_PGTY_pcp		= 0xfe,
};

/** "mapping" of tail pages (TAIL_MAPPING, 0x400 + POISON_POINTER_DELTA). */
#define PMM_TAIL_MAPPING	((void *)0xdead000000000400UL)

struct pmm_dev_pagemap;

/* The kernel's field "private" is a C++ keyword: C++ code sees it as
 * "private_". Use pmm_page_private() / pmm_set_page_private() in portable code. */
#ifdef __cplusplus
#define PMM__PRIV private_
#else
#define PMM__PRIV private
#endif

/**
 * struct pmm_page - one page frame of the simulated machine (struct page)
 *
 * 64 bytes, the layout of the kernel's struct page on 64-bit with MEMCG.
 * Fields keep the kernel's names; the unions overlay the same words as in
 * the kernel, so a tail page's compound_head aliases lru.next.
 */
struct pmm_page {
	unsigned long flags;		/* PMM_PG_* bits; zone, node (section) fields on top */
	union {
		struct {	/* page cache, anonymous, and free (buddy, pcp) pages */
			union {
				struct pmm_list_head lru;
				struct pmm_list_head buddy_list; /* free: on free_area[order].free_list[mt] */
				struct pmm_list_head pcp_list;	  /* free: on a per-CPU list */
			};
			void *mapping;		/* owner's object, or PMM_TAIL_MAPPING */
			unsigned long index;	/* offset within mapping */
			unsigned long PMM__PRIV;	/* private; free page: its buddy order */
		};
		struct {	/* tail pages of a compound page */
			unsigned long compound_head;	/* head address | 1 */
		};
		struct {	/* ZONE_DEVICE pages */
			struct pmm_dev_pagemap *pgmap;
			void *zone_device_data;
		};
	};
	union {
		int _mapcount;		/* -1: not mapped */
		unsigned int page_type;	/* PMM_PGTY_* in the top byte, if a typed page */
	};
	int _refcount;			/* accessed atomically; 0: free */
	unsigned long memcg_data;
};

/**
 * struct pmm_folio - a contiguous set of pages, page[0] being the head
 *
 * Overlays struct pmm_page field for field (include/linux/mm_types.h):
 * the first 64 bytes are page[0]; the next 64 bytes are page[1], whose
 * flags word holds the order in its low byte (kernel >= 6.8) for large folios.
 */
struct pmm_folio {
	union {
		struct {
			unsigned long flags;
			union {
				struct pmm_list_head lru;
				struct {
					void *__filler;
					unsigned int mlock_count;
				};
			};
			void *mapping;
			unsigned long index;
			void *PMM__PRIV;	/* private */
			int _mapcount;
			int _refcount;
			unsigned long memcg_data;
		};
		struct pmm_page page;
	};
	union {
		struct {
			unsigned long _flags_1;		/* order in bits 0-7 */
			unsigned long _head_1;		/* page[1].compound_head */
			int _large_mapcount;
			int _entire_mapcount;
			int _nr_pages_mapped;
			int _pincount;
			unsigned int _folio_nr_pages;	/* 1 << order */
		};
		struct pmm_page __page_1;
	};
};

#ifdef __cplusplus
#define PMM__STATIC_ASSERT(c, m) static_assert(c, m)
#else
#define PMM__STATIC_ASSERT(c, m) _Static_assert(c, m)
#endif
PMM__STATIC_ASSERT(PMM_ZONES_PGOFF >= PMM_NR_PAGEFLAGS,
		   "page->flags: section, node and zone fields overlap the flag bits; lower PMM_NODES_SHIFT");
PMM__STATIC_ASSERT(sizeof(struct pmm_page) == 64, "struct pmm_page must be 64 bytes on LP64");
PMM__STATIC_ASSERT(sizeof(struct pmm_folio) == 2 * sizeof(struct pmm_page),
		   "struct pmm_folio overlays exactly two pages");
PMM__STATIC_ASSERT(offsetof(struct pmm_page, compound_head) ==
		   offsetof(struct pmm_page, lru), "compound_head aliases lru.next");
PMM__STATIC_ASSERT(offsetof(struct pmm_folio, _refcount) ==
		   offsetof(struct pmm_page, _refcount), "folio/page _refcount");
PMM__STATIC_ASSERT(offsetof(struct pmm_folio, _flags_1) ==
		   sizeof(struct pmm_page), "folio _flags_1 is page[1].flags");

/* ---- flags fields -------------------------------------------------------------- */

/*
 * The zone, node and section fields never change while a page is in use,
 * but the flag bits beside them do, from any thread (kswapd, kcompactd, an
 * owner), so the word is loaded atomically: a relaxed load, a plain move on
 * every host pmm runs on.
 */
static inline unsigned long pmm__page_flags(const struct pmm_page *page)
{
	return __atomic_load_n(&page->flags, __ATOMIC_RELAXED);
}

static inline unsigned int pmm_page_zonenum(const struct pmm_page *page)
{
	return (unsigned int)((pmm__page_flags(page) >> PMM_ZONES_PGSHIFT) & PMM_ZONES_MASK);
}

static inline int pmm_page_to_nid(const struct pmm_page *page)
{
	return (int)((pmm__page_flags(page) >> PMM_NODES_PGSHIFT) & PMM_NODES_MASK);
}

/* Classic SPARSEMEM only: the section number kept in page->flags; 0 otherwise. */
static inline unsigned long pmm_page_to_section(const struct pmm_page *page)
{
	return PMM_SECTIONS_WIDTH ?
	       (pmm__page_flags(page) >> PMM_SECTIONS_PGSHIFT) & PMM_SECTIONS_MASK : 0;
}

/**
 * pmm_set_page_links - write the zone, node and (classic SPARSEMEM) section fields
 * @page: the page
 * @zone: zone type (enum pmm_zone_type)
 * @nid: node id
 * @section_nr: section number, pfn >> PFN_SECTION_SHIFT (ignored unless classic)
 *
 * Context: the caller owns @page.
 */
static inline void pmm_set_page_links(struct pmm_page *page, unsigned int zone,
				      int nid, unsigned long section_nr)
{
	unsigned long f = pmm__page_flags(page);

	f &= ~(PMM_ZONES_MASK << PMM_ZONES_PGSHIFT);
	f |= ((unsigned long)zone & PMM_ZONES_MASK) << PMM_ZONES_PGSHIFT;
	f &= ~(PMM_NODES_MASK << PMM_NODES_PGSHIFT);
	f |= ((unsigned long)nid & PMM_NODES_MASK) << PMM_NODES_PGSHIFT;
	if (PMM_SECTIONS_WIDTH) {
		f &= ~(PMM_SECTIONS_MASK << PMM_SECTIONS_PGSHIFT);
		f |= (section_nr & PMM_SECTIONS_MASK) << PMM_SECTIONS_PGSHIFT;
	}
	__atomic_store_n(&page->flags, f, __ATOMIC_RELAXED);
}

/* ---- flag bits ------------------------------------------------------------------- */

static inline int pmm_page_test_flag(const struct pmm_page *page, enum pmm_pageflags bit)
{
	return (int)((__atomic_load_n(&page->flags, __ATOMIC_RELAXED) >> bit) & 1);
}

static inline void pmm_page_set_flag(struct pmm_page *page, enum pmm_pageflags bit)
{
	__atomic_fetch_or(&page->flags, 1UL << bit, __ATOMIC_RELAXED);
}

static inline void pmm_page_clear_flag(struct pmm_page *page, enum pmm_pageflags bit)
{
	__atomic_fetch_and(&page->flags, ~(1UL << bit), __ATOMIC_RELAXED);
}

/*
 * The non-atomic forms, the kernel's __SetPageFoo()/__ClearPageFoo(): for a
 * page whose flags nobody else writes meanwhile (one being allocated or
 * freed by its owner). Concurrent readers are fine; a concurrent writer's
 * update would be lost.
 */
static inline void pmm___page_set_flag(struct pmm_page *page, enum pmm_pageflags bit)
{
	__atomic_store_n(&page->flags, __atomic_load_n(&page->flags, __ATOMIC_RELAXED) | 1UL << bit,
			 __ATOMIC_RELAXED);
}

static inline void pmm___page_clear_flag(struct pmm_page *page, enum pmm_pageflags bit)
{
	__atomic_store_n(&page->flags,
			 __atomic_load_n(&page->flags, __ATOMIC_RELAXED) & ~(1UL << bit),
			 __ATOMIC_RELAXED);
}

static inline int pmm_PageReserved(const struct pmm_page *page)
{
	return pmm_page_test_flag(page, PMM_PG_reserved);
}

/* private and page_type are read by the buddy allocator without the owner's
 * knowledge (it checks whether a neighbour is a free buddy), so they are
 * accessed atomically, as the kernel reads them with data_race(). */
static inline unsigned long pmm_page_private(const struct pmm_page *page)
{
	return __atomic_load_n(&page->PMM__PRIV, __ATOMIC_RELAXED);
}

static inline void pmm_set_page_private(struct pmm_page *page, unsigned long v)
{
	__atomic_store_n(&page->PMM__PRIV, v, __ATOMIC_RELAXED);
}

/* ---- counts and types --------------------------------------------------------------- */

static inline int pmm_page_ref_count(const struct pmm_page *page)
{
	return __atomic_load_n(&page->_refcount, __ATOMIC_RELAXED);
}

static inline void pmm_set_page_count(struct pmm_page *page, int v)
{
	__atomic_store_n(&page->_refcount, v, __ATOMIC_RELAXED);
}

/* Number of mappings of an untyped page (_mapcount + 1). */
static inline int pmm_page_mapcount(const struct pmm_page *page)
{
	return page->_mapcount + 1;
}

static inline unsigned int pmm__page_type(const struct pmm_page *page)
{
	return __atomic_load_n(&page->page_type, __ATOMIC_RELAXED);
}

static inline int pmm_page_has_type(const struct pmm_page *page)
{
	unsigned int t = pmm__page_type(page);

	return t != PMM_PAGE_TYPE_NONE && (t >> 24) >= 0xf0;
}

static inline int pmm_page_has_pgty(const struct pmm_page *page, enum pmm_pagetype t)
{
	return (pmm__page_type(page) >> 24) == (unsigned int)t;
}

static inline int pmm_PageBuddy(const struct pmm_page *page)
{
	return pmm_page_has_pgty(page, PMM_PGTY_buddy);
}

/* pmm: the page heads a free block on a per-CPU list (PMM_PGTY_pcp) */
static inline int pmm_PagePcp(const struct pmm_page *page)
{
	return pmm_page_has_pgty(page, PMM_PGTY_pcp);
}

static inline int pmm_PageOffline(const struct pmm_page *page)
{
	return pmm_page_has_pgty(page, PMM_PGTY_offline);
}

/* Give an untyped page the type t (__SetPageBuddy etc.). */
static inline void pmm_page_set_type(struct pmm_page *page, enum pmm_pagetype t)
{
	__atomic_store_n(&page->page_type, (unsigned int)t << 24, __ATOMIC_RELAXED);
}

/* Remove the type: back to "not mapped" (-1). */
static inline void pmm_page_clear_type(struct pmm_page *page)
{
	__atomic_store_n(&page->page_type, PMM_PAGE_TYPE_NONE, __ATOMIC_RELAXED);
}

/* ---- compound pages and folios ------------------------------------------------------------ */

static inline int pmm_PageTail(const struct pmm_page *page)
{
	return (int)(__atomic_load_n(&page->compound_head, __ATOMIC_RELAXED) & 1);
}

static inline int pmm_PageHead(const struct pmm_page *page)
{
	return pmm_page_test_flag(page, PMM_PG_head);
}

static inline struct pmm_page *pmm_compound_head(const struct pmm_page *page)
{
	unsigned long head = __atomic_load_n(&page->compound_head, __ATOMIC_RELAXED);

	if (head & 1)
		return (struct pmm_page *)(head - 1);
	return (struct pmm_page *)page;
}

static inline struct pmm_folio *pmm_page_folio(const struct pmm_page *page)
{
	return (struct pmm_folio *)pmm_compound_head(page);
}

static inline struct pmm_page *pmm_folio_page(struct pmm_folio *folio, unsigned long n)
{
	return &folio->page + n;
}

static inline int pmm_folio_test_large(const struct pmm_folio *folio)
{
	return pmm_PageHead(&folio->page);
}

static inline unsigned int pmm_folio_order(const struct pmm_folio *folio)
{
	if (!pmm_folio_test_large(folio))
		return 0;
	return (unsigned int)(folio->_flags_1 & 0xff);
}

static inline unsigned long pmm_folio_nr_pages(const struct pmm_folio *folio)
{
	if (!pmm_folio_test_large(folio))
		return 1;
	return folio->_folio_nr_pages;
}

/* compound_order(): 0 unless page is a head page. */
static inline unsigned int pmm_compound_order(const struct pmm_page *page)
{
	return pmm_folio_order((const struct pmm_folio *)page);
}

static inline void pmm_set_compound_head(struct pmm_page *page, const struct pmm_page *head)
{
	__atomic_store_n(&page->compound_head, (unsigned long)head + 1, __ATOMIC_RELAXED);
}

static inline void pmm_clear_compound_head(struct pmm_page *page)
{
	__atomic_store_n(&page->compound_head, 0UL, __ATOMIC_RELAXED);
}

/**
 * pmm_prep_compound_page - turn 2^order contiguous pages into one folio
 * @page: the head; page[1 .. 2^order) become its tails
 * @order: at least 1
 *
 * As the kernel's prep_compound_page(): PG_head on the head, every tail
 * points to the head and has mapping PMM_TAIL_MAPPING, the order and page
 * count are written to page[1], mapcounts are reset.
 * Context: the caller owns the pages.
 */
static inline void pmm_prep_compound_page(struct pmm_page *page, unsigned int order)
{
	unsigned long i, nr = 1UL << order;
	struct pmm_folio *folio = (struct pmm_folio *)page;

	pmm_page_set_flag(page, PMM_PG_head);
	for (i = 1; i < nr; i++) {
		struct pmm_page *p = page + i;

		p->mapping = PMM_TAIL_MAPPING;
		pmm_set_compound_head(p, page);
		pmm_set_page_private(p, 0);
	}
	folio->_flags_1 = (folio->_flags_1 & ~0xffUL) | order;
	folio->_folio_nr_pages = (unsigned int)nr;
	folio->_large_mapcount = -1;
	folio->_entire_mapcount = -1;
	folio->_nr_pages_mapped = 0;
	folio->_pincount = 0;
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_PAGE_H */

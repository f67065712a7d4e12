// SPDX-License-Identifier: MIT
/*
 * The swap device (mm/swapfile.c, mm/page_io.c, the swapin of mm/memory.c's
 * do_swap_page()): one device the description sizes, swapped on at boot as
 * sys_swapon() does, whose slots reclaim fills with anonymous folios and
 * pmm_swapin() empties. The device is synchronous, as zram
 * (SWP_SYNCHRONOUS_IO): a write is done when swap_writepage() returns, so
 * reclaim frees the folio in the same pass, and a swapin skips the swap
 * cache and frees the slots at once. The contents live in host memory
 * reserved without commitment (MAP_NORESERVE): only what is swapped out
 * takes real memory, and a freed slot gives it back.
 *
 * swap_map: a byte per slot, 0 free; a folio of 2^order pages takes that
 * many slots aligned to their number (the kernel's swap clusters of 6.12
 * give large folios aligned slots too), its first marked SLOT_HEAD | order,
 * the others SLOT_TAIL. Slot 0 is the device's header, never used.
 */
#define _DEFAULT_SOURCE 1
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"

#define SLOT_HEAD	0x40
#define SLOT_TAIL	0x80
#define SLOT_HEADER	0xff

struct pmm__swap {
	unsigned long	pages;		/* slots, the header included (maxpages) */
	unsigned long	nr_free;	/* free slots (nr_swap_pages); read without the lock */
	unsigned long	next;		/* where the search for free slots starts */
	unsigned char	*map;
	unsigned char	*data;		/* the contents; NULL without a direct map */
	pmm_lock_t	lock;
};

int pmm__swap_init(struct pmm_machine *m, unsigned long long bytes)
{
	struct pmm__swap *si;
	unsigned long pages = (unsigned long)(bytes >> m->arch->page_shift);

	if (!pages)
		return 0;
	si = pmm__calloc(1, sizeof(*si));
	if (!si)
		return -ENOMEM;
	si->map = pmm__calloc(pages, 1);
	if (!si->map) {
		free(si);
		return -ENOMEM;
	}
	if (m->view.direct_map) {
		void *p = mmap(NULL, (size_t)pages << m->arch->page_shift, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

		if (p == MAP_FAILED) {
			pmm__pr_err(m, "pmm: no host address space for a swap device of %llu bytes",
				    bytes);
			free(si->map);
			free(si);
			return -ENOMEM;
		}
		si->data = p;
	}
	si->pages = pages;
	si->map[0] = SLOT_HEADER;
	si->nr_free = pages - 1;
	si->next = 1;
	pthread_mutex_init(&si->lock, NULL);
	m->swap = si;
	/* sys_swapon()'s line; the device is an SSD to the kernel, as zram is */
	pmm__pr_info(m, "Adding %luk swap on pmm-swap.  Priority:-2 extents:1 across:%luk SS",
		     (pages - 1) << (m->arch->page_shift - 10),
		     (pages - 1) << (m->arch->page_shift - 10));
	return 0;
}

void pmm__swap_fini(struct pmm_machine *m)
{
	struct pmm__swap *si = m->swap;

	if (!si)
		return;
	if (si->data)
		munmap(si->data, si->pages << m->arch->page_shift);
	pthread_mutex_destroy(&si->lock);
	free(si->map);
	free(si);
	m->swap = NULL;
}

unsigned long pmm_swap_pages(const struct pmm_machine *m, unsigned long *total)
{
	const struct pmm__swap *si = m ? m->swap : NULL;

	if (total)
		*total = si ? si->pages - 1 : 0;
	return si ? __atomic_load_n(&si->nr_free, __ATOMIC_RELAXED) : 0;
}

/* the first of 2^order free slots aligned to their number, from si->next on; 0 if none */
static unsigned long scan_swap_map(struct pmm__swap *si, unsigned int order)
{
	unsigned long nr = 1UL << order, start = PMM__ALIGN(si->next, nr), off, i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (off = start; off + nr <= si->pages; off += nr) {
			for (i = 0; i < nr && !si->map[off + i]; i++)
				;
			if (i == nr)
				return off;
		}
		start = nr;	/* wrap: slot 0 is the header */
	}
	return 0;
}

/* add_to_swap()'s folio_alloc_swap(): slots for a folio of 2^order pages */
int pmm__swap_alloc(struct pmm_machine *m, unsigned int order, pmm_swp_entry_t *entry)
{
	struct pmm__swap *si = m->swap;
	unsigned long off, nr = 1UL << order, i;

	if (!si || __atomic_load_n(&si->nr_free, __ATOMIC_RELAXED) < nr)
		return -ENOSPC;
	pthread_mutex_lock(&si->lock);
	off = si->nr_free >= nr ? scan_swap_map(si, order) : 0;
	if (off) {
		si->map[off] = (unsigned char)(SLOT_HEAD | order);
		for (i = 1; i < nr; i++)
			si->map[off + i] = SLOT_TAIL;
		__atomic_store_n(&si->nr_free, si->nr_free - nr, __ATOMIC_RELAXED);
		si->next = off + nr;
	}
	pthread_mutex_unlock(&si->lock);
	entry->val = off;
	return off ? 0 : -ENOSPC;
}

/* The order of the folio at @entry, or -1 if it is not a folio's first slot. Lock held. */
static int slot_order(const struct pmm__swap *si, pmm_swp_entry_t entry)
{
	unsigned char v;

	if (!entry.val || entry.val >= si->pages)
		return -1;
	v = si->map[entry.val];
	return v != SLOT_HEADER && (v & SLOT_HEAD) && !(v & SLOT_TAIL) ? v & ~SLOT_HEAD : -1;
}

/* swap_entry_range_free(): the slots of the folio at @entry; its host memory back */
static void swap_range_free(struct pmm_machine *m, struct pmm__swap *si, pmm_swp_entry_t entry,
			    unsigned int order)
{
	unsigned long nr = 1UL << order;

	memset(si->map + entry.val, 0, nr);
	__atomic_store_n(&si->nr_free, si->nr_free + nr, __ATOMIC_RELAXED);
	if (si->data)
		madvise(si->data + (entry.val << m->arch->page_shift), nr << m->arch->page_shift,
			MADV_DONTNEED);
}

void pmm__swap_release(struct pmm_machine *m, pmm_swp_entry_t entry)
{
	struct pmm__swap *si = m->swap;
	int order;

	pthread_mutex_lock(&si->lock);
	order = slot_order(si, entry);
	if (order >= 0)
		swap_range_free(m, si, entry, (unsigned int)order);
	pthread_mutex_unlock(&si->lock);
}

void pmm__swap_totals(const struct pmm_machine *m, unsigned long *total, unsigned long *free)
{
	const struct pmm__swap *si = m->swap;

	*total = si ? si->pages - 1 : 0;
	*free = si ? __atomic_load_n(&si->nr_free, __ATOMIC_RELAXED) : 0;
}

/* swap_writepage(): the folio's contents to its slots, at once (PSWPOUT) */
void pmm__swap_writepage(struct pmm_machine *m, struct pmm_page *head, pmm_swp_entry_t entry)
{
	struct pmm__swap *si = m->swap;
	unsigned long nr = pmm_folio_nr_pages((struct pmm_folio *)head);

	if (si->data)
		memcpy(si->data + (entry.val << m->arch->page_shift), pmm_page_address(m, head),
		       nr << m->arch->page_shift);
	pmm__count_zone_event(m, pmm__node_event_zone(m->view.node_data[pmm_page_to_nid(head)]),
			      PMM_PSWPOUT, nr);
}

int pmm_swap_free(struct pmm_machine *m, pmm_swp_entry_t entry)
{
	struct pmm__swap *si = m ? m->swap : NULL;
	int order;

	if (!si) {
		if (m)
			pmm__pr_err(m, "pmm_swap_free: the machine has no swap device");
		return -EINVAL;
	}
	pthread_mutex_lock(&si->lock);
	order = slot_order(si, entry);
	if (order >= 0)
		swap_range_free(m, si, entry, (unsigned int)order);
	pthread_mutex_unlock(&si->lock);
	if (order < 0) {
		pmm__pr_err(m, "pmm_swap_free: swap entry %#lx is not a swapped-out folio", entry.val);
		return -EINVAL;
	}
	return 0;
}

struct pmm_folio *pmm_swapin(struct pmm_machine *m, pmm_swp_entry_t entry, pmm_gfp_t gfp, int nid)
{
	struct pmm__swap *si = m ? m->swap : NULL;
	struct pmm_page *page;
	int order;

	if (!si)
		return NULL;
	pthread_mutex_lock(&si->lock);
	order = slot_order(si, entry);
	pthread_mutex_unlock(&si->lock);
	if (order < 0) {
		pmm__pr_err(m, "pmm_swapin: swap entry %#lx is not a swapped-out folio", entry.val);
		return NULL;
	}
	page = pmm_alloc_pages_node(m, nid, order ? gfp | __PMM_GFP_COMP : gfp, (unsigned int)order);
	if (!page)
		return NULL;
	/* swap_read_folio(), then swap_free(): nothing else refers to the slots */
	pthread_mutex_lock(&si->lock);
	if (slot_order(si, entry) != order) {
		/* freed (pmm_swap_free() or another swapin) while we allocated */
		pthread_mutex_unlock(&si->lock);
		pmm_free_pages(m, page, (unsigned int)order);
		pmm__pr_err(m, "pmm_swapin: swap entry %#lx was freed meanwhile", entry.val);
		return NULL;
	}
	if (si->data)
		memcpy(pmm_page_address(m, page), si->data + (entry.val << m->arch->page_shift),
		       (1UL << order) << m->arch->page_shift);
	swap_range_free(m, si, entry, (unsigned int)order);
	pthread_mutex_unlock(&si->lock);
	pmm__count_zone_event(m, pmm__node_event_zone(m->view.node_data[pmm_page_to_nid(page)]),
			      PMM_PSWPIN, 1UL << order);
	pmm_page_set_flag(page, PMM_PG_swapbacked);
	pmm_page_set_flag(page, PMM_PG_uptodate);
	pmm_folio_add_lru(m, (struct pmm_folio *)page);
	return (struct pmm_folio *)page;
}

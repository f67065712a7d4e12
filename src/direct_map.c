// SPDX-License-Identifier: MIT
/*
 * Real memory underneath: the direct map of simulated physical memory and
 * node-local host memory for metadata. The kernel's counterparts are the
 * linear map (__va) set up by init_memory_mapping() and the node-local
 * memblock allocations of memmaps and pgdats.
 *
 * The direct map is one reservation (PROT_NONE, MAP_NORESERVE) spanning
 * simulated physical addresses [0, pfn_limit << PAGE_SHIFT); each memory
 * range is made read-write and bound to its node's host node. Holes stay
 * PROT_NONE, so touching one faults like missing hardware, and memory that
 * is never touched costs the host nothing.
 */
#define _DEFAULT_SOURCE 1
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

static size_t host_page_size(void)
{
	static size_t size;

	if (!size)
		size = (size_t)sysconf(_SC_PAGESIZE);
	return size;
}

/* An anonymous mapping of @bytes; one of 2 MiB or more starts on a 2 MiB boundary,
 * so that the host can back its 2 MiB blocks with huge pages. */
static void *map_anon(size_t bytes, int prot)
{
	size_t extra = bytes >= PMM__HOST_HUGE_BYTES ? PMM__HOST_HUGE_BYTES : 0;
	uintptr_t p, start;

	if (bytes + extra < bytes)
		return NULL;
	p = (uintptr_t)pmm__mmap(NULL, bytes + extra, prot,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if ((void *)p == MAP_FAILED)
		return NULL;
	if (!extra)
		return (void *)p;
	/* keep the aligned part; the rest goes back */
	start = PMM__ALIGN(p, PMM__HOST_HUGE_BYTES);
	if (start > p)
		munmap((void *)p, start - p);
	munmap((void *)(start + bytes), p + extra - start);	/* start < p + extra */
	return (void *)start;
}

void *pmm__vm_reserve(size_t bytes)
{
	return map_anon(bytes, PROT_NONE);
}

void pmm__vm_release(void *addr, size_t bytes)
{
	if (addr && bytes)
		munmap(addr, bytes);
}

int pmm__vm_populate(struct pmm_machine *m, void *addr, size_t bytes, int nid)
{
	size_t hp = host_page_size();
	uintptr_t start = PMM__ALIGN_DOWN((uintptr_t)addr, hp);
	uintptr_t end = PMM__ALIGN((uintptr_t)addr + bytes, hp);

	if (pmm__should_fail())
		return -ENOMEM;
	if (mprotect((void *)start, end - start, PROT_READ | PROT_WRITE))
		return -errno;
	return pmm__host_bind(m, (void *)start, end - start, nid);
}

void pmm__vm_depopulate(void *addr, size_t bytes)
{
	size_t hp = host_page_size();
	uintptr_t start = PMM__ALIGN((uintptr_t)addr, hp);
	uintptr_t end = PMM__ALIGN_DOWN((uintptr_t)addr + bytes, hp);

	if (end <= start)
		return;
	madvise((void *)start, end - start, MADV_DONTNEED);
	mprotect((void *)start, end - start, PROT_NONE);
}

void pmm__vm_advise_huge(void *addr, size_t bytes)
{
	uintptr_t start = PMM__ALIGN((uintptr_t)addr, PMM__HOST_HUGE_BYTES);
	uintptr_t end = PMM__ALIGN_DOWN((uintptr_t)addr + bytes, PMM__HOST_HUGE_BYTES);

	if (end > start)
		madvise((void *)start, end - start, MADV_HUGEPAGE);
}

void *pmm__alloc_node(struct pmm_machine *m, size_t bytes, int nid)
{
	void *p;

	if (!bytes)
		return NULL;
	p = map_anon(bytes, PROT_READ | PROT_WRITE);
	if (!p)
		return NULL;
	pmm__vm_advise_huge(p, bytes);
	/* Binding failures are recorded per node; the memory is usable anyway. */
	pmm__host_bind(m, p, PMM__ALIGN(bytes, host_page_size()), nid);
	return p;
}

void pmm__free_node(void *addr, size_t bytes)
{
	if (addr && bytes)
		munmap(addr, bytes);
}

int pmm__direct_map_init(struct pmm_machine *m)
{
	unsigned int page_shift = m->view.page_shift;
	unsigned int i;
	size_t bytes;

	if (m->flags & PMM_BOOT_NO_DIRECT_MAP)
		return 0;
	bytes = (size_t)m->view.pfn_limit << page_shift;
	m->view.direct_map = pmm__vm_reserve(bytes);
	if (!m->view.direct_map) {
		pmm__pr_err(m, "pmm: cannot reserve %zu MiB of address space for the direct map; "
			    "boot with PMM_BOOT_NO_DIRECT_MAP for metadata only", bytes >> 20);
		return -ENOMEM;
	}
	m->direct_map_bytes = bytes;
	for (i = 0; i < m->memblock.memory.cnt; i++) {
		const struct pmm_memblock_region *r = &m->memblock.memory.regions[i];
		int err = pmm__vm_populate(m, m->view.direct_map + r->base, (size_t)r->size, r->nid);

		if (err && err != -EXDEV) {
			pmm__pr_err(m, "pmm: cannot map [mem %#018llx-%#018llx]: error %d",
				    (unsigned long long)r->base,
				    (unsigned long long)(r->base + r->size - 1), err);
			return err;
		}
	}
	return 0;
}

void pmm__direct_map_fini(struct pmm_machine *m)
{
	pmm__vm_release(m->view.direct_map, m->direct_map_bytes);
	m->view.direct_map = NULL;
	m->direct_map_bytes = 0;
}

size_t pmm__host_available_bytes(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	unsigned long long kb = 0;
	char line[256];

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return (size_t)kb << 10;
}

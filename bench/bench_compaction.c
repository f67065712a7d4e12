// SPDX-License-Identifier: MIT
/*
 * Compaction throughput: a 1 GiB x86-64 machine with its real memory behind
 * it, filled with order-0 folios on the LRU up to the high watermark, every
 * other one put back, then pmm_compact_memory(). Reported: pages migrated
 * per second and the free pageblocks gained, next to the floor measured in
 * the same run: a memcpy of the same number of 4 KiB pages between fresh
 * buffers (what migrating costs at least: the copy).
 */
#define _GNU_SOURCE 1
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include <pmm/pmm.h>

#define M	(1ULL << 20)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct owner {
	struct pmm_page	**page;
	unsigned long	nr;
};

static int follow(void *arg, struct pmm_page *from, struct pmm_page *to, unsigned int order)
{
	struct owner *o = arg;
	unsigned long i = pmm_page_private(to);

	(void)order;
	if (i >= o->nr || o->page[i] != from)
		return -1;
	o->page[i] = to;
	return 0;
}

static double floor_copy(unsigned long pages)
{
	size_t bytes = pages * 4096;
	char *a = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	char *b = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long i;
	double t;

	if (a == MAP_FAILED || b == MAP_FAILED)
		return -1;
	memset(a, 1, bytes);
	memset(b, 2, bytes);	/* both resident: the pages compaction moves are */
	t = now_s();
	for (i = 0; i < pages; i++)
		memcpy(b + i * 4096, a + (pages - 1 - i) * 4096, 4096);
	t = now_s() - t;
	__asm__ __volatile__("" : : "r"(b) : "memory");
	munmap(a, bytes);
	munmap(b, bytes);
	return t;
}

int main(void)
{
	struct owner o = { 0 };
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND, .migrate_page = follow,
				      .migrate_page_arg = &o };
	struct pmm_machine_desc *d;
	struct pmm_machine *m;
	struct pmm_zone *zone;
	unsigned long i, moved, blocks_before, blocks_after, max = 262144;
	double t, fl;

	if (pmm_machine_desc_create("x86_64", &d) || pmm_machine_desc_add_node(d, 0, "0") ||
	    pmm_machine_desc_add_memory(d, 16 * M, 1040 * M, 0, 0) || pmm_boot(d, &opts, &m))
		return 1;
	pmm_machine_desc_destroy(d);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	o.page = calloc(max, sizeof(*o.page));
	while (o.nr < max && pmm_zone_free_pages(zone) > zone->_watermark[PMM_WMARK_HIGH] + 1024) {
		struct pmm_page *p = pmm_alloc_pages(m, PMM_GFP_HIGHUSER_MOVABLE, 0);

		if (!p)
			break;
		memset(pmm_page_address(m, p), (int)o.nr, 4096);
		pmm_set_page_private(p, o.nr);
		pmm_page_set_flag(p, PMM_PG_swapbacked);
		pmm_folio_add_lru(m, (struct pmm_folio *)p);
		o.page[o.nr++] = p;
	}
	for (i = 0; i < o.nr; i += 2) {
		pmm_folio_put(m, (struct pmm_folio *)o.page[i]);
		o.page[i] = NULL;
	}
	pmm_drain_all_pages(m);
	blocks_before = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	t = now_s();
	pmm_compact_memory(m);
	t = now_s() - t;
	blocks_after = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	moved = pmm_zone_event(m, zone, PMM_PGMIGRATE_SUCCESS);
	fl = floor_copy(moved);
	printf("compaction of a 1 GiB zone, %lu order-0 folios with every other one freed:\n", o.nr);
	printf("  %lu pages migrated in %.3f s: %.0f pages/s (%.2f GB/s of copying)\n", moved, t,
	       moved / t, moved * 4096.0 / t / 1e9);
	printf("  floor: memcpy of %lu pages %.3f s (%.2f GB/s); ratio %.1f\n", moved, fl,
	       moved * 4096.0 / fl / 1e9, t / fl);
	printf("  free pageblocks: %lu before, %lu after; scanned %lu (migration) %lu (free)\n",
	       blocks_before, blocks_after, pmm_zone_event(m, zone, PMM_COMPACT_MIGRATE_SCANNED),
	       pmm_zone_event(m, zone, PMM_COMPACT_FREE_SCANNED));
	free(o.page);
	pmm_shutdown(m);
	return 0;
}

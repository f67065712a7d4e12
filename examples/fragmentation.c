// SPDX-License-Identifier: MIT
/*
 * fragmentation: a mixed workload against the buddy allocator, as an
 * allocator study would run it. A 1 GiB x86-64 machine is filled to 85%
 * with a random mix of movable order-0 pages (user memory) and, one
 * allocation in ten, unmovable blocks of order 0-2 (kernel objects); then
 * it ages, random blocks replaced by new random ones; then every movable
 * page is freed, as if reclaimed. Where the unmovable leftovers sit
 * decides how much of the free memory still serves large allocations:
 * buddyinfo, the unusable free space index and the number of free order-9
 * (THP-sized) blocks show it at each step.
 *
 * Grouping pages by mobility keeps the unmovable blocks together in their
 * own pageblocks, so nearly all the memory comes back in order-9 and
 * larger blocks; pagetypeinfo shows the pageblocks each type ended in.
 * The run is deterministic for a given seed.
 *
 * Build: cc -std=c11 fragmentation.c $(pkg-config --cflags --libs pmm)
 * usage: fragmentation [seed]
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <pmm/pmm.h>

struct block {
	struct pmm_page	*page;
	unsigned int	order;
	int		movable;
};

/* xorshift64: the same workload for the same seed, on any machine */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* a new random block: movable order 0, or unmovable order 0-2 */
static int alloc_block(struct pmm_machine *m, struct block *b, uint64_t *seed)
{
	b->movable = next_random(seed) % 10 != 0;
	b->order = b->movable ? 0 : (unsigned int)(next_random(seed) % 3);
	b->page = pmm_alloc_pages(m, b->movable ? PMM_GFP_HIGHUSER_MOVABLE : PMM_GFP_KERNEL,
				  b->order);
	if (!b->page)
		fprintf(stderr, "order-%u %s allocation failed\n", b->order,
			b->movable ? "movable" : "unmovable");
	return b->page ? 0 : -ENOMEM;
}

/* free blocks of order 9 or more, counted in order-9 units */
static unsigned long thp_blocks(const struct pmm_zone *zone)
{
	unsigned long n = 0;
	unsigned int o;

	for (o = 9; o < PMM_NR_PAGE_ORDERS; o++)
		n += zone->free_area[o].nr_free << (o - 9);
	return n;
}

static void report(struct pmm_machine *m, const struct pmm_zone *zone, const char *when)
{
	unsigned int o;

	pmm_drain_all_pages(m);	/* the per-CPU lists' pages back on the buddy lists */
	printf("== %s: %lu pages free in %s, room for %lu order-9 blocks\n", when,
	       pmm_zone_page_state(zone, PMM_NR_FREE_PAGES), zone->name, thp_blocks(zone));
	pmm_print_buddyinfo(m, stdout);
	printf("unusable free space index (%s), order 0..10:", zone->name);
	for (o = 0; o <= 10; o++)
		printf(" %d.%03d", pmm_unusable_free_index(zone, o) / 1000,
		       pmm_unusable_free_index(zone, o) % 1000);
	printf("\n\n");
}

int main(int argc, char **argv)
{
	uint64_t seed = argc > 1 ? strtoull(argv[1], NULL, 0) : 0x5eed;
	struct pmm_machine_desc *desc;
	struct pmm_boot_opts opts = { .flags = PMM_BOOT_NO_BIND };
	struct pmm_machine *m;
	struct pmm_zone *zone;
	struct block *blocks;
	unsigned long nr = 0, target, boot_free, unmovable = 0, i;
	int err;

	if (!seed)
		seed = 1;	/* xorshift's one bad seed */
	/* one node, 1 GiB: ZONE_DMA below 16 MiB, the rest ZONE_DMA32 */
	err = pmm_machine_desc_create("x86_64", &desc);
	if (!err)
		err = pmm_machine_desc_add_node(desc, 0, "0-1");
	if (!err)
		err = pmm_machine_desc_add_memory(desc, 0x100000, 1ULL << 30, 0, 0);
	if (err) {
		fprintf(stderr, "description: %s\n", desc ? pmm_machine_desc_error(desc) : "?");
		return 1;
	}
	err = pmm_boot(desc, &opts, &m);
	pmm_machine_desc_destroy(desc);
	if (err) {
		fprintf(stderr, "boot failed: %d\n", err);
		return 1;
	}
	pmm_set_cpu(m, 0);
	zone = &pmm_node_data(m, 0)->node_zones[PMM_ZONE_DMA32];
	report(m, zone, "after boot");
	boot_free = pmm_zone_page_state(zone, PMM_NR_FREE_PAGES);

	/* fill 85% of the zone, one unmovable block in ten allocations */
	target = boot_free / 100 * 85;
	blocks = calloc(target, sizeof(*blocks));
	if (!blocks)
		return 1;
	for (i = 0; i < target; i += 1UL << blocks[nr++].order)
		if (alloc_block(m, &blocks[nr], &seed))
			return 1;
	report(m, zone, "85% allocated");

	/* age it: replace random blocks with new random ones, as a long-running system does */
	for (i = 0; i < 4 * nr; i++) {
		struct block *b = &blocks[next_random(&seed) % nr];

		pmm_free_pages(m, b->page, b->order);
		if (alloc_block(m, b, &seed))
			return 1;
	}
	for (i = 0; i < nr; i++)
		unmovable += blocks[i].movable ? 0 : 1UL << blocks[i].order;
	report(m, zone, "after churn");

	/* reclaim: every movable page goes */
	for (i = 0; i < nr; i++)
		if (blocks[i].movable) {
			pmm_free_pages(m, blocks[i].page, 0);
			blocks[i].page = NULL;
		}
	report(m, zone, "movable pages freed");
	printf("%lu unmovable pages (%lu%% of the zone) leave %lu order-9 blocks' worth of the "
	       "free memory in smaller pieces\n\n",
	       unmovable, unmovable * 100 / boot_free,
	       (boot_free - unmovable) / 512 - thp_blocks(zone));
	pmm_print_pagetypeinfo(m, stdout);
	printf("\n");

	/* the rest, and everything must merge back */
	for (i = 0; i < nr; i++)
		if (blocks[i].page)
			pmm_free_pages(m, blocks[i].page, blocks[i].order);
	free(blocks);
	report(m, zone, "all freed");
	err = pmm_check(m);
	if (err || pmm_zone_page_state(zone, PMM_NR_FREE_PAGES) != boot_free) {
		fprintf(stderr, "inconsistent allocator: pmm_check %d, %lu free of %lu\n", err,
			pmm_zone_page_state(zone, PMM_NR_FREE_PAGES), boot_free);
		return 1;
	}
	pmm_shutdown(m);
	return 0;
}

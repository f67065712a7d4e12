/* SPDX-License-Identifier: MIT */
/*
 * Node masks and CPU masks. Mirrors include/linux/nodemask.h and the list
 * format of lib/bitmap.c (bitmap_parselist, "%*pbl").
 *
 *   pmm_node_set(node, &mask)          set bit node
 *   pmm_node_clear(node, &mask)        clear bit node
 *   pmm_node_isset(node, &mask)        test bit node
 *   pmm_nodes_clear(&mask)             clear all bits
 *   pmm_nodes_setall(&mask)            set all PMM_MAX_NUMNODES bits
 *   pmm_nodes_empty(&mask)             1 if no bit is set
 *   pmm_nodes_weight(&mask)            number of bits set
 *   pmm_first_node(&mask)              lowest bit set, or PMM_MAX_NUMNODES
 *   pmm_next_node(n, &mask)            lowest bit set above n, or PMM_MAX_NUMNODES
 *   pmm_next_node_in(n, &mask)         as pmm_next_node, wrapping to the first
 *   pmm_nodes_and(&dst, &a, &b)        dst = a & b
 *   pmm_nodes_or(&dst, &a, &b)         dst = a | b
 *   pmm_nodes_andnot(&dst, &a, &b)     dst = a & ~b
 *   pmm_nodes_equal(&a, &b)            1 if a == b
 *   pmm_nodes_subset(&a, &b)           1 if every bit of a is in b
 *   pmm_nodes_intersects(&a, &b)       1 if a & b is not empty
 *   pmm_for_each_node_mask(n, &mask)   loop over the set bits
 *   pmm_nodelist_parse(str, &mask)     "0-3,7" -> mask
 *   pmm_nodelist_print(buf, len, &m)   mask -> "0-3,7"
 *   pmm_cpumask_*                      the same for CPU masks (PMM_NR_CPUS bits)
 */
#ifndef PMM_NODEMASK_H
#define PMM_NODEMASK_H

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PMM_BITS_PER_LONG	64
#define PMM_BITS_TO_LONGS(n)	(((n) + PMM_BITS_PER_LONG - 1) / PMM_BITS_PER_LONG)

/** A set of node ids, nodemask_t. */
typedef struct {
	unsigned long bits[PMM_BITS_TO_LONGS(PMM_MAX_NUMNODES)];
} pmm_nodemask_t;

/** Largest number of simulated CPUs of one machine (NR_CPUS). */
#define PMM_NR_CPUS	1024

/** A set of CPU ids, cpumask_t. */
typedef struct {
	unsigned long bits[PMM_BITS_TO_LONGS(PMM_NR_CPUS)];
} pmm_cpumask_t;

/* ---- generic bitmaps, the engine under both masks ------------------------ */

static inline int pmm_bitmap_test(const unsigned long *b, unsigned int bit)
{
	return (int)((b[bit / PMM_BITS_PER_LONG] >> (bit % PMM_BITS_PER_LONG)) & 1);
}

static inline void pmm_bitmap_set(unsigned long *b, unsigned int bit)
{
	b[bit / PMM_BITS_PER_LONG] |= 1UL << (bit % PMM_BITS_PER_LONG);
}

static inline void pmm_bitmap_clear(unsigned long *b, unsigned int bit)
{
	b[bit / PMM_BITS_PER_LONG] &= ~(1UL << (bit % PMM_BITS_PER_LONG));
}

/* First set bit >= start, or nbits. */
static inline unsigned int pmm_bitmap_next(const unsigned long *b,
					   unsigned int nbits, unsigned int start)
{
	while (start < nbits) {
		unsigned long w = b[start / PMM_BITS_PER_LONG] >>
				  (start % PMM_BITS_PER_LONG);
		if (w) {
			start += (unsigned int)__builtin_ctzl(w);
			return start < nbits ? start : nbits;
		}
		start = (start / PMM_BITS_PER_LONG + 1) * PMM_BITS_PER_LONG;
	}
	return nbits;
}

static inline unsigned int pmm_bitmap_weight(const unsigned long *b,
					     unsigned int nbits)
{
	unsigned int i, w = 0;

	for (i = 0; i < PMM_BITS_TO_LONGS(nbits); i++)
		w += (unsigned int)__builtin_popcountl(b[i]);
	return w;
}

/**
 * pmm_bitmap_parselist - parse a list such as "0-3,7,9-11" into a bitmap
 * @str: the list; empty or whitespace-only means no bits; a trailing newline is allowed
 * @bits: PMM_BITS_TO_LONGS(@nbits) longs, cleared first
 * @nbits: number of valid bits
 *
 * Accepts the kernel's bitmap_parselist() grammar without strides:
 * comma-separated decimal numbers or ranges "a-b" with a <= b.
 * Context: any.
 * Return: 0; -EINVAL on a malformed list; -ERANGE if a bit is >= @nbits.
 */
PMM_API int pmm_bitmap_parselist(const char *str, unsigned long *bits,
				 unsigned int nbits);

/**
 * pmm_bitmap_print_list - print a bitmap as a range list, like "%*pbl"
 * @buf: output, always NUL-terminated when @len > 0
 * @len: size of @buf
 * @bits: the bitmap
 * @nbits: number of valid bits
 *
 * Ranges of two or more consecutive bits print as "a-b", single bits as
 * "a", separated by commas; an empty bitmap prints "".
 * Context: any.
 * Return: the length of the full list (as snprintf: may exceed @len - 1).
 */
PMM_API int pmm_bitmap_print_list(char *buf, size_t len,
				  const unsigned long *bits, unsigned int nbits);

/* ---- nodemask ------------------------------------------------------------- */

static inline void pmm_node_set(int node, pmm_nodemask_t *m)
{
	pmm_bitmap_set(m->bits, (unsigned int)node);
}

static inline void pmm_node_clear(int node, pmm_nodemask_t *m)
{
	pmm_bitmap_clear(m->bits, (unsigned int)node);
}

static inline int pmm_node_isset(int node, const pmm_nodemask_t *m)
{
	return node >= 0 && node < PMM_MAX_NUMNODES &&
	       pmm_bitmap_test(m->bits, (unsigned int)node);
}

static inline void pmm_nodes_clear(pmm_nodemask_t *m)
{
	unsigned int i;

	for (i = 0; i < PMM_BITS_TO_LONGS(PMM_MAX_NUMNODES); i++)
		m->bits[i] = 0;
}

static inline void pmm_nodes_setall(pmm_nodemask_t *m)
{
	unsigned int i;

	for (i = 0; i < PMM_MAX_NUMNODES; i++)
		pmm_bitmap_set(m->bits, i);
}

static inline int pmm_nodes_weight(const pmm_nodemask_t *m)
{
	return (int)pmm_bitmap_weight(m->bits, PMM_MAX_NUMNODES);
}

static inline int pmm_nodes_empty(const pmm_nodemask_t *m)
{
	return pmm_nodes_weight(m) == 0;
}

static inline int pmm_first_node(const pmm_nodemask_t *m)
{
	return (int)pmm_bitmap_next(m->bits, PMM_MAX_NUMNODES, 0);
}

static inline int pmm_next_node(int n, const pmm_nodemask_t *m)
{
	return (int)pmm_bitmap_next(m->bits, PMM_MAX_NUMNODES,
				    (unsigned int)(n + 1));
}

static inline int pmm_next_node_in(int n, const pmm_nodemask_t *m)
{
	int next = pmm_next_node(n, m);

	return next < PMM_MAX_NUMNODES ? next : pmm_first_node(m);
}

#define PMM__NODEMASK_OP(name, expr)					\
static inline void name(pmm_nodemask_t *dst, const pmm_nodemask_t *a,	\
			const pmm_nodemask_t *b)			\
{									\
	unsigned int i;							\
	for (i = 0; i < PMM_BITS_TO_LONGS(PMM_MAX_NUMNODES); i++)	\
		dst->bits[i] = (expr);					\
}
PMM__NODEMASK_OP(pmm_nodes_and, a->bits[i] & b->bits[i])
PMM__NODEMASK_OP(pmm_nodes_or, a->bits[i] | b->bits[i])
PMM__NODEMASK_OP(pmm_nodes_andnot, a->bits[i] & ~b->bits[i])
#undef PMM__NODEMASK_OP

static inline int pmm_nodes_equal(const pmm_nodemask_t *a,
				  const pmm_nodemask_t *b)
{
	unsigned int i;

	for (i = 0; i < PMM_BITS_TO_LONGS(PMM_MAX_NUMNODES); i++)
		if (a->bits[i] != b->bits[i])
			return 0;
	return 1;
}

static inline int pmm_nodes_subset(const pmm_nodemask_t *a,
				   const pmm_nodemask_t *b)
{
	unsigned int i;

	for (i = 0; i < PMM_BITS_TO_LONGS(PMM_MAX_NUMNODES); i++)
		if (a->bits[i] & ~b->bits[i])
			return 0;
	return 1;
}

static inline int pmm_nodes_intersects(const pmm_nodemask_t *a,
				       const pmm_nodemask_t *b)
{
	unsigned int i;

	for (i = 0; i < PMM_BITS_TO_LONGS(PMM_MAX_NUMNODES); i++)
		if (a->bits[i] & b->bits[i])
			return 1;
	return 0;
}

#define pmm_for_each_node_mask(node, mask)				\
	for ((node) = pmm_first_node(mask); (node) < PMM_MAX_NUMNODES;	\
	     (node) = pmm_next_node((node), (mask)))

static inline int pmm_nodelist_parse(const char *str, pmm_nodemask_t *m)
{
	return pmm_bitmap_parselist(str, m->bits, PMM_MAX_NUMNODES);
}

static inline int pmm_nodelist_print(char *buf, size_t len,
				     const pmm_nodemask_t *m)
{
	return pmm_bitmap_print_list(buf, len, m->bits, PMM_MAX_NUMNODES);
}

/* ---- cpumask ------------------------------------------------------------- */

static inline void pmm_cpumask_set_cpu(int cpu, pmm_cpumask_t *m)
{
	pmm_bitmap_set(m->bits, (unsigned int)cpu);
}

static inline int pmm_cpumask_test_cpu(int cpu, const pmm_cpumask_t *m)
{
	return cpu >= 0 && cpu < PMM_NR_CPUS &&
	       pmm_bitmap_test(m->bits, (unsigned int)cpu);
}

static inline int pmm_cpumask_weight(const pmm_cpumask_t *m)
{
	return (int)pmm_bitmap_weight(m->bits, PMM_NR_CPUS);
}

static inline int pmm_cpumask_next(int cpu, const pmm_cpumask_t *m)
{
	return (int)pmm_bitmap_next(m->bits, PMM_NR_CPUS, (unsigned int)(cpu + 1));
}

#define pmm_for_each_cpu(cpu, mask)					\
	for ((cpu) = pmm_cpumask_next(-1, (mask)); (cpu) < PMM_NR_CPUS;	\
	     (cpu) = pmm_cpumask_next((cpu), (mask)))

static inline int pmm_cpulist_parse(const char *str, pmm_cpumask_t *m)
{
	return pmm_bitmap_parselist(str, m->bits, PMM_NR_CPUS);
}

static inline int pmm_cpulist_print(char *buf, size_t len,
				    const pmm_cpumask_t *m)
{
	return pmm_bitmap_print_list(buf, len, m->bits, PMM_NR_CPUS);
}

#ifdef __cplusplus
}
#endif

#endif /* PMM_NODEMASK_H */

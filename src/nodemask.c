// SPDX-License-Identifier: MIT
/* Range lists of bitmaps. Mirrors lib/bitmap.c: bitmap_parselist and "%*pbl". */
#include <ctype.h>
#include <string.h>

#include "internal.h"

static const char *skip_spaces(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	return s;
}

/* Parse a decimal number; false if there is none or it does not fit. */
static bool parse_uint(const char **sp, unsigned long *out)
{
	const char *s = *sp;
	unsigned long v = 0;

	if (!isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s)) {
		if (v > (~0UL - 9) / 10)
			return false;
		v = v * 10 + (unsigned long)(*s - '0');
		s++;
	}
	*sp = s;
	*out = v;
	return true;
}

int pmm_bitmap_parselist(const char *str, unsigned long *bits, unsigned int nbits)
{
	const char *s;
	unsigned long a, b, i;
	int err = 0;

	memset(bits, 0, PMM_BITS_TO_LONGS(nbits) * sizeof(long));
	if (!str)
		return 0;
	s = skip_spaces(str);
	if (!*s)
		return 0;
	for (;;) {
		if (!parse_uint(&s, &a))
			return -EINVAL;
		b = a;
		if (*s == '-') {
			s++;
			if (!parse_uint(&s, &b) || b < a)
				return -EINVAL;
		}
		if (b >= nbits)
			err = -ERANGE;
		else
			for (i = a; i <= b; i++)
				pmm_bitmap_set(bits, (unsigned int)i);
		if (*s != ',')
			break;
		s++;
	}
	s = skip_spaces(s);
	if (*s)
		return -EINVAL;
	if (err)
		memset(bits, 0, PMM_BITS_TO_LONGS(nbits) * sizeof(long));
	return err;
}

int pmm_bitmap_print_list(char *buf, size_t len, const unsigned long *bits,
			  unsigned int nbits)
{
	unsigned int a = pmm_bitmap_next(bits, nbits, 0), b;
	size_t n = 0;
	int w;

	if (len)
		buf[0] = '\0';
	while (a < nbits) {
		b = a;
		while (b + 1 < nbits && pmm_bitmap_test(bits, b + 1))
			b++;
		if (b == a)
			w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
				     "%s%u", n ? "," : "", a);
		else
			w = snprintf(n < len ? buf + n : NULL, n < len ? len - n : 0,
				     "%s%u-%u", n ? "," : "", a, b);
		n += (size_t)w;
		a = pmm_bitmap_next(bits, nbits, b + 1);
	}
	return (int)n;
}

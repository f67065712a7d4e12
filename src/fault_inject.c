// SPDX-License-Identifier: MIT
/*
 * Host allocations that can be made to fail on purpose (lib/fault-inject.c,
 * the per-task fail-nth counter). Every allocation pmm makes goes through
 * these wrappers; internal.h poisons the plain names so none slips past.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PMM__ALLOC_IMPL
#include "internal.h"

static _Thread_local unsigned int fail_nth;

void pmm_fail_nth(unsigned int nth)
{
	fail_nth = nth;
}

unsigned int pmm_fail_nth_read(void)
{
	return fail_nth;
}

/* should_fail(): count down, and fail the allocation that reaches zero */
bool pmm__should_fail(void)
{
	if (!fail_nth)
		return false;
	return --fail_nth == 0;
}

void *pmm__malloc(size_t bytes)
{
	return pmm__should_fail() ? NULL : malloc(bytes);
}

void *pmm__calloc(size_t nmemb, size_t bytes)
{
	return pmm__should_fail() ? NULL : calloc(nmemb, bytes);
}

void *pmm__realloc(void *ptr, size_t bytes)
{
	return pmm__should_fail() ? NULL : realloc(ptr, bytes);
}

char *pmm__strdup(const char *s)
{
	return pmm__should_fail() ? NULL : strdup(s);
}

void *pmm__mmap(void *addr, size_t bytes, int prot, int flags, int fd, long offset)
{
	if (pmm__should_fail())
		return MAP_FAILED;
	return mmap(addr, bytes, prot, flags, fd, (off_t)offset);
}

void *pmm__realloc_nofault(void *ptr, size_t bytes)
{
	return realloc(ptr, bytes);
}

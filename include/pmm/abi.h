/* SPDX-License-Identifier: MIT */
/*
 * Out-of-line entry points for language bindings (Python's ctypes, cffi's
 * ABI mode, a JIT) that can call only what the shared library exports: the
 * inline accessors of memory_model.h and page.h as functions, and the
 * layout of the public structures a binding mirrors, so that it can check
 * its mirror against the library it loaded instead of trusting it.
 * C and C++ programs use the inline forms; these cost a call each.
 *
 *   pmm_abi_pfn_to_page(m, pfn)      pfn_to_page(), NULL for an invalid pfn
 *   pmm_abi_page_to_pfn(m, page)     page_to_pfn(), ~0UL for a foreign page
 *   pmm_abi_page_nid(page), pmm_abi_page_zonenum(page), pmm_abi_page_ref_count(page)
 *   pmm_abi_page_address(m, page)    page_address(), NULL without a direct map
 *   pmm_abi_sizeof("pmm_boot_opts"), pmm_abi_offsetof("pmm_boot_opts", "log")
 *   pmm_abi_constant("PMM_MAX_NUMNODES", &value)
 */
#ifndef PMM_ABI_H
#define PMM_ABI_H

#include <stddef.h>

#include <pmm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

struct pmm_machine;
struct pmm_page;

/**
 * pmm_abi_pfn_to_page - the struct page of a pfn (pmm_pfn_to_page()), checked
 * Context: any; lock-free.
 * Return: the page; NULL if pmm_pfn_valid() is false for @pfn.
 */
PMM_API struct pmm_page *pmm_abi_pfn_to_page(const struct pmm_machine *m, unsigned long pfn);

/**
 * pmm_abi_page_to_pfn - the pfn of a struct page (pmm_page_to_pfn()), checked
 * Context: any; lock-free.
 * Return: the pfn; ~0UL if @page is not a struct page of @m (NULL included).
 */
PMM_API unsigned long pmm_abi_page_to_pfn(const struct pmm_machine *m,
					  const struct pmm_page *page);

/** pmm_abi_page_nid - the node of a page (page_to_nid()). Context: any. Return: the node. */
PMM_API int pmm_abi_page_nid(const struct pmm_page *page);

/** pmm_abi_page_zonenum - the zone type of a page (page_zonenum()). Context: any. */
PMM_API int pmm_abi_page_zonenum(const struct pmm_page *page);

/** pmm_abi_page_ref_count - page_ref_count(). Context: any; a snapshot. */
PMM_API int pmm_abi_page_ref_count(const struct pmm_page *page);

/**
 * pmm_abi_page_address - the host memory behind a page (page_address())
 * Context: any.
 * Return: the address of its page-size bytes; NULL for a machine booted
 * without a direct map (PMM_BOOT_NO_DIRECT_MAP) or a page not of @m.
 */
PMM_API void *pmm_abi_page_address(const struct pmm_machine *m, const struct pmm_page *page);

/**
 * pmm_abi_sizeof - sizeof a public structure, by name
 * @type: "pmm_boot_opts", "pmm_replay_opts", "pmm_replay_stats",
 *	"pmm_mempolicy", "pmm_memory_block_info" or "pmm_nodemask_t"
 * Context: any.
 * Return: the size in bytes; 0 for a name it does not know.
 */
PMM_API size_t pmm_abi_sizeof(const char *type);

/**
 * pmm_abi_offsetof - offsetof a field of a public structure, by name
 * @type: as for pmm_abi_sizeof()
 * @field: a field of it, as the header names it ("log", "alloc_failed")
 * Context: any.
 * Return: the offset in bytes; (size_t)-1 for a name it does not know.
 */
PMM_API size_t pmm_abi_offsetof(const char *type, const char *field);

/**
 * pmm_abi_constant - a compile-time constant of the headers, by name
 * @name: "PMM_MAX_NUMNODES", "PMM_NR_CPUS", "PMM_NR_PAGE_ORDERS",
 *	"PMM_MAX_NR_ZONES", "PMM_MIGRATE_TYPES" or "PMM_VERSION"
 *	(major * 10000 + minor * 100 + patch)
 * @value: receives it
 * Context: any.
 * Return: 0; -ENOENT for a name it does not know; -EINVAL for NULL.
 */
PMM_API int pmm_abi_constant(const char *name, long *value);

#ifdef __cplusplus
}
#endif

#endif /* PMM_ABI_H */

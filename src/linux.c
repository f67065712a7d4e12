// SPDX-License-Identifier: MIT
/*
 * The per-thread current machine behind <pmm/linux.h>'s kernel names.
 */
#include <pmm/linux.h>

static __thread struct pmm_machine *current_machine;

struct pmm_machine *pmm_linux_set_machine(struct pmm_machine *m)
{
	struct pmm_machine *prev = current_machine;

	current_machine = m;
	return prev;
}

struct pmm_machine *pmm_linux_machine(void)
{
	return current_machine;
}

// SPDX-License-Identifier: MIT
/* Fuzz target: machine description files (pmm_machine_desc_from_json_buffer), then boot. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmm_machine_desc *d;
	char err[512];

	if (pmm_machine_desc_from_json_buffer((const char *)data, size, "fuzz.json", &d, err,
					      sizeof(err)))
		return 0;
	fuzz_write_reads_back(d);
	fuzz_boot(d);
	pmm_machine_desc_destroy(d);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Fuzz target: hwloc topologies. The first byte picks the reader: even, an
 * XML text (pmm_machine_from_hwloc_xml_buffer); odd, a synthetic string
 * (pmm_machine_from_hwloc_synthetic). A description is booted with 64 MiB
 * per node.
 */
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pmm_machine_desc *d = NULL;
	char err[512], synthetic[1024];
	int rc;

	if (!size)
		return 0;
	if (data[0] & 1) {
		if (size > sizeof(synthetic))
			return 0;
		memcpy(synthetic, data + 1, size - 1);
		synthetic[size - 1] = '\0';
		rc = pmm_machine_from_hwloc_synthetic(synthetic, 64ULL << 20, NULL, &d, err,
						      sizeof(err));
	} else {
		rc = pmm_machine_from_hwloc_xml_buffer((const char *)data + 1, size - 1, 64ULL << 20,
						       NULL, &d, err, sizeof(err));
	}
	if (rc)
		return 0;
	fuzz_write_reads_back(d);
	fuzz_boot(d);
	pmm_machine_desc_destroy(d);
	return 0;
}

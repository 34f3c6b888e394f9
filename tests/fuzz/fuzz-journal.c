// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-journal.c - the binding journal's parser: a file outside the process,
 * so whatever it holds must give records that are safe to act on (canonical
 * device addresses, driver names sysfs could show, positive pids, one record
 * per device) or an error, never a crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-host.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iot_journal *j = NULL;
	int err = iot_journal_parse((const char *)data, size, &j);

	if (err) {
		if (err != -EINVAL && err != -EPROTONOSUPPORT && err != -EFBIG)
			abort();
		return 0;
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct iot_journal_entry *e = j->entries[i];
		char canon[IOT_PCI_ADDR_LEN];

		if (iot_norm_pci_addr(e->device, canon) || strcmp(canon, e->device) ||
		    !iot_driver_name_ok(e->driver) || e->pid <= 0 ||
		    (e->orig_driver && !iot_driver_name_ok(e->orig_driver)) ||
		    (e->orig_override && !iot_driver_name_ok(e->orig_override)))
			abort();
		for (size_t k = 0; k < i; k++)
			if (!strcmp(j->entries[k]->device, e->device))
				abort();
	}
	iot_journal_free(j);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-tracerec.c - the parser of --trace's records under run/iommu-tools/: a file
 * outside the process, so whatever it holds gives an instance name that is safe to
 * remove below instances/ (ours, one plain component) and a positive pid, or -EINVAL.
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
	char *text = malloc(size + 1), name[64];
	uint64_t start;
	int pid, err;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	err = iot_trace_record_parse(text, name, sizeof(name), &pid, &start);
	if (err && err != -EINVAL)
		abort();
	if (!err && (pid <= 0 || strncmp(name, "iommu-faults-", 13) || strchr(name, '/') ||
		     strlen(name) >= sizeof(name)))
		abort();
	free(text);
	return 0;
}

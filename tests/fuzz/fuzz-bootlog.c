// SPDX-License-Identifier: GPL-2.0-or-later
/* fuzz-bootlog.c - libFuzzer harness for the DMAR and AMD-Vi boot-line parsers. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-features.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct iot_bootlog_dmar d;
	struct iot_bootlog_amd a;
	char *line = malloc(size + 1);
	int r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = '\0'; /* embedded NULs just end the line early */

	r = iot_bootlog_parse_dmar(line, &d);
	if (r != 0 && r != -ENOENT && r != -EINVAL)
		abort();
	if (r == 0 && (strncmp(d.unit, "dmar", 4) != 0 || d.ver_major > 15 || d.ver_minor > 15))
		abort();

	r = iot_bootlog_parse_amd_features(line, &a);
	if (r != 0 && r != -ENOENT && r != -EINVAL)
		abort();
	if (r == 0) {
		char names[128];

		if (strlen(a.names) >= sizeof(a.names) || strlen(a.pci) >= sizeof(a.pci))
			abort();
		if (iot_amd_efr_kernel_names_ex(a.efr, a.efr2, IOT_AMD_NAMES_SEV_TIO, names,
						sizeof(names)) < 0)
			abort(); /* every EFR's names fit in 128 bytes */
	}
	free(line);
	return 0;
}

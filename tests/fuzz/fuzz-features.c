// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-features.c - libFuzzer harness for the strict value parsers: sysfs
 * amd-iommu/features, intel-iommu/version, iot_parse_u64, and the register
 * decoders fed with the parsed values.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "iommu-tools-features.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decode_all(uint64_t v)
{
	struct iot_field f[64];

	for (int r = 0; r < IOT_REG_COUNT; r++) {
		uint64_t x = iot_reg_width((enum iot_reg)r) == 32 ? (v & UINT32_MAX) : v;

		if (iot_reg_decode((enum iot_reg)r, x, f, IOT_ARRAY_SIZE(f)) <= 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	uint64_t efr, efr2, v;
	bool has2;
	int ma, mi, r, iv;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';

	for (int o = IOT_AMD_ORDER_GUESS; o <= IOT_AMD_ORDER_EFR2_FIRST; o++) {
		r = iot_amd_parse_features(s, (enum iot_amd_order)o, &efr, &efr2, &has2);
		if (r == 0) {
			decode_all(efr);
			decode_all(efr2);
			if (!has2 && efr2 != 0)
				abort();
		} else if (r != -EINVAL && r != -EDOM) {
			abort();
		}
	}
	(void)iot_amd_order_for_kernel(s);

	r = iot_vtd_parse_version(s, &ma, &mi);
	if (r == 0 && (ma < 0 || ma > 15 || mi < 0 || mi > 15))
		abort();

	if (iot_parse_u64(s, 16, &v) == 0)
		decode_all(v);
	(void)iot_parse_u64(s, 10, &v);
	(void)iot_parse_u64(s, 0, &v);
	(void)iot_parse_int(s, 10, &iv);
	free(s);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz-syslog.c - the parser of syslog(2) buffer lines (the kernel log when /dev/kmsg
 * cannot be read): whatever the buffer holds, a record whose message is safe to print
 * (no control character, no C1 byte, valid UTF-8) or -EINVAL, never a crash.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-host.h"
#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Printable ASCII and well-formed UTF-8 from U+00A0 up, nothing else. */
static void check_safe(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (!s)
		return;
	while (*p) {
		size_t len = *p < 0x80 ? 1 : *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
		uint32_t cp = len == 1 ? *p : *p & (0x7f >> len);

		if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && *p < 0xc2) || *p > 0xf4)
			abort();
		for (size_t i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				abort();
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if (len > 1 && (cp < 0xa0 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff))
			abort();
		p += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *msg = malloc(4 * size + 1);
	struct iot_kmsg_record r;
	int err;

	if (!msg)
		abort();
	err = iot_syslog_parse((const char *)data, size, msg, &r);
	if (err && err != -EINVAL)
		abort();
	if (!err) {
		if (r.level < 0 || r.level > 7 || r.facility < 0 || r.message != msg ||
		    strlen(msg) > 4 * size)
			abort();
		check_safe(msg);
	}
	free(msg);
	return 0;
}

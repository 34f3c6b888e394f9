/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * safe-text.h - what the kernel-log fuzz harnesses (kmsg, syslog) require of every
 * string a parser hands on: nothing a terminal would act on, and valid UTF-8.
 */
#ifndef IOT_FUZZ_SAFE_TEXT_H
#define IOT_FUZZ_SAFE_TEXT_H

#include <stdint.h>
#include <stdlib.h>

/* Printable ASCII and well-formed UTF-8 from U+00A0 up, nothing else. */
static inline void check_safe(const char *s)
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

#endif

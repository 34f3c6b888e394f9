// SPDX-License-Identifier: GPL-2.0-or-later
/* encode.c - escaping of tree strings for terminals (all views) and for JSON. */
#include <errno.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "encode.h"

/* Length of the valid UTF-8 sequence at @p, or 0 (RFC 3629: shortest form, no surrogates). */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0];
	size_t n;
	unsigned cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

bool cmd_utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n;

		/* most text is ASCII: no call per byte */
		if (*p < 0x80) {
			p++;
			continue;
		}
		n = utf8_len(p);
		if (!n)
			return false;
		p += n;
	}
	return true;
}

static bool utf8_locale(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
}

static char *put_hex(char *r, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";

	*r++ = '\\';
	*r++ = 'x';
	*r++ = hex[c >> 4];
	*r++ = hex[c & 0xf];
	return r;
}

/* Printable in this locale? Only asked of valid UTF-8 in a UTF-8 locale. */
static bool printable(const unsigned char *p, size_t n)
{
	mbstate_t st;
	wchar_t wc;

	memset(&st, 0, sizeof(st));
	if (mbrtowc(&wc, (const char *)p, n, &st) != n)
		return false;
	return iswprint((wint_t)wc) != 0;
}

char *cmd_safe_encode(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	bool utf8 = utf8_locale();
	char *res, *r;

	/* at worst every byte becomes four */
	res = malloc(strlen(s) * 4 + 1);
	if (!res)
		return NULL;
	r = res;
	while (*p) {
		size_t n = 1;

		if (*p == '\\' && p[1] == 'x') {
			r = put_hex(r, *p++);
			continue;
		}
		if (*p >= 0x20 && *p < 0x7f) {
			*r++ = (char)*p++;
			continue;
		}
		if (*p >= 0x80 && utf8)
			n = utf8_len(p);
		if (*p >= 0x80 && utf8 && n && printable(p, n)) {
			memcpy(r, p, n);
			r += n;
			p += n;
			continue;
		}
		/* a control byte, invalid UTF-8, or a sequence the locale cannot print */
		if (!n)
			n = 1;
		for (size_t i = 0; i < n; i++)
			r = put_hex(r, *p++);
	}
	*r = '\0';
	return res;
}

int cmd_fputs_safe(const char *s, FILE *out)
{
	char *e = cmd_safe_encode(s);
	int rc;

	if (!e)
		return -1;
	rc = fputs(e, out);
	free(e);
	return rc;
}

int cmd_utf8_sanitize(const char *s, char **out)
{
	const unsigned char *p = (const unsigned char *)s;
	char *res, *r;

	*out = NULL;
	if (cmd_utf8_valid(s))
		return 0;
	res = malloc(strlen(s) * 4 + 1);
	if (!res)
		return -ENOMEM;
	r = res;
	while (*p) {
		size_t n = utf8_len(p);

		if (*p == '\\' && p[1] == 'x') {
			r = put_hex(r, *p++);
		} else if (!n) {
			r = put_hex(r, *p++);
		} else {
			memcpy(r, p, n);
			r += n;
			p += n;
		}
	}
	*r = '\0';
	*out = res;
	return 0;
}

char *cmd_json_escape(char *dst, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const char *end = s + len;

	for (; s < end; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != 0x7f && c != '"' && c != '\\') {
			*dst++ = (char)c;
			continue;
		}
		*dst++ = '\\';
		switch (c) {
		case '"':
		case '\\':
			*dst++ = (char)c;
			break;
		case '\b':
			*dst++ = 'b';
			break;
		case '\t':
			*dst++ = 't';
			break;
		case '\n':
			*dst++ = 'n';
			break;
		case '\f':
			*dst++ = 'f';
			break;
		case '\r':
			*dst++ = 'r';
			break;
		default:
			*dst++ = 'u';
			*dst++ = '0';
			*dst++ = '0';
			*dst++ = hex[c >> 4];
			*dst++ = hex[c & 0xf];
			break;
		}
	}
	return dst;
}

int cmd_json_fputs(const char *s, FILE *out)
{
	char buf[CMD_JSON_ESCAPED(64)];
	char *clean = NULL;
	size_t len;

	if (cmd_utf8_sanitize(s, &clean))
		return -ENOMEM;
	if (clean)
		s = clean;
	putc('"', out);
	for (len = strlen(s); len;) {
		size_t n = len < 64 ? len : 64;
		const char *end = cmd_json_escape(buf, s, n);

		fwrite(buf, 1, (size_t)(end - buf), out);
		s += n;
		len -= n;
	}
	putc('"', out);
	free(clean);
	return 0;
}

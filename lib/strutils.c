// SPDX-License-Identifier: LGPL-2.1-or-later
/* strutils.c - strict number parsing and small string helpers. */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int iot_parse_u64(const char *s, int base, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	if (base == 16 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	/* strtoull skips blanks, takes a sign and a second 0x; sysfs values never have them */
	for (const char *p = s; *p; p++)
		if (base == 16 ? !isxdigit((unsigned char)*p) : !isdigit((unsigned char)*p))
			return -EINVAL;
	if (!*s)
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno)
		return -errno;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int iot_parse_int(const char *s, int base, int *out)
{
	uint64_t v;
	int err;

	if (s && *s == '-') {
		err = iot_parse_u64(s + 1, base, &v);
		if (err)
			return err;
		if (v > (uint64_t)INT32_MAX + 1)
			return -ERANGE;
		*out = (int)-(int64_t)v;
		return 0;
	}
	err = iot_parse_u64(s, base, &v);
	if (err)
		return err;
	if (v > INT32_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

bool iot_parse_canonical_int(const char *s, int *out)
{
	char buf[16];

	if (iot_parse_int(s, 10, out) || *out < 0)
		return false;
	snprintf(buf, sizeof(buf), "%d", *out);
	return !strcmp(buf, s);
}

int iot_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* @len hex digits (one to @digits of them) worth at most @max */
static int parse_hex_field(const char *s, size_t len, size_t digits, unsigned max, int *out)
{
	unsigned v = 0;

	if (len == 0 || len > digits)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = iot_hexval(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v * 16 + (unsigned)d;
	}
	if (v > max)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

int iot_parse_pci_addr(const char *s, int *domain, int *bus, int *slot, int *func)
{
	const char *c1, *c2, *dot;
	int d = 0;

	if (!s)
		return -EINVAL;
	c1 = strchr(s, ':');
	if (!c1)
		return -EINVAL;
	c2 = strchr(c1 + 1, ':');
	if (c2) {
		if (parse_hex_field(s, (size_t)(c1 - s), 4, 0xffff, &d))
			return -EINVAL;
		s = c1 + 1;
		c1 = c2;
	}
	dot = strchr(c1 + 1, '.');
	if (!dot || strchr(dot + 1, ':') || strchr(dot + 1, '.'))
		return -EINVAL;
	if (parse_hex_field(s, (size_t)(c1 - s), 4, 0xff, bus) ||
	    parse_hex_field(c1 + 1, (size_t)(dot - c1 - 1), 4, 0x1f, slot) ||
	    strlen(dot + 1) != 1 || parse_hex_field(dot + 1, 1, 1, 7, func))
		return -EINVAL;
	*domain = d;
	return 0;
}

/* A whole string of @min to @max hex digits ("%04X" of a u16 is exactly four). */
static int parse_hex_digits(const char *s, size_t min, size_t max, int *out)
{
	size_t len = strlen(s);

	return len < min ? -EINVAL : parse_hex_field(s, len, max, 0xffffff, out);
}

/* "VVVV:DDDD" as the kernel prints PCI_ID and PCI_SUBSYS_ID */
static int parse_id_pair(char *s, int *a, int *b)
{
	char *colon = strchr(s, ':');

	if (!colon)
		return -EINVAL;
	*colon = '\0';
	return parse_hex_digits(s, 4, 4, a) || parse_hex_digits(colon + 1, 4, 4, b) ? -EINVAL : 0;
}

int iot_parse_pci_uevent(char *text, struct iot_pci_uevent *out)
{
	char *line, *save = NULL;
	bool have_id = false, have_sub = false;

	*out = (struct iot_pci_uevent){ -1, -1, -1, -1, -1, NULL, NULL };
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *val = strchr(line, '=');
		int err = 0;

		if (!val)
			return -EINVAL;
		*val++ = '\0';
		if (!strcmp(line, "PCI_ID")) {
			err = have_id ? -EINVAL : parse_id_pair(val, &out->vendor, &out->device);
			have_id = true;
		} else if (!strcmp(line, "PCI_SUBSYS_ID")) {
			err = have_sub ? -EINVAL
				       : parse_id_pair(val, &out->subvendor, &out->subdevice);
			have_sub = true;
		} else if (!strcmp(line, "PCI_CLASS")) {
			/* printed "%04X" of a 24-bit value: four to six digits */
			err = out->class_code >= 0 ? -EINVAL
						   : parse_hex_digits(val, 4, 6, &out->class_code);
		} else if (!strcmp(line, "PCI_SLOT_NAME")) {
			int d, b, sl, f;

			err = out->slot || iot_parse_pci_addr(val, &d, &b, &sl, &f) ? -EINVAL : 0;
			out->slot = val;
		} else if (!strcmp(line, "DRIVER")) {
			/* a driver's name is a directory name under bus/pci/drivers */
			err = out->driver || !*val || strchr(val, '/') || !strcmp(val, ".") ||
					      !strcmp(val, "..")
				      ? -EINVAL
				      : 0;
			out->driver = val;
		}
		if (err)
			return -EINVAL;
	}
	return have_id && out->class_code >= 0 && out->slot ? 0 : -ENOENT;
}

static inline bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int iot_strnatcmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (is_digit(*a) && is_digit(*b)) {
			const char *ea, *eb;
			size_t la, lb;
			int c;

			while (*a == '0' && is_digit(a[1]))
				a++;
			while (*b == '0' && is_digit(b[1]))
				b++;
			for (ea = a; is_digit(*ea); ea++)
				;
			for (eb = b; is_digit(*eb); eb++)
				;
			la = (size_t)(ea - a);
			lb = (size_t)(eb - b);
			if (la != lb)
				return la < lb ? -1 : 1;
			c = memcmp(a, b, la);
			if (c)
				return c;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

void *iot_ptr_array_new(size_t n, size_t size)
{
	size_t head;
	char *block;
	void **v;

	/* n first: with none, the one pointer must not point at itself */
	if (!n)
		n = 1;
	/* the pointers' size must not wrap before the elements' is checked */
	if (n > (SIZE_MAX - 32) / sizeof(void *))
		return NULL;
	/* elements start after the pointers, aligned for any field */
	head = (n * sizeof(void *) + 15) & ~(size_t)15;
	if (size && n > (SIZE_MAX - head - 16) / size)
		return NULL;
	block = calloc(1, head + n * size + 16);
	if (!block)
		return NULL;
	v = (void **)(void *)block;
	for (size_t i = 0; i < n; i++)
		v[i] = block + head + i * size;
	return v;
}

void iot_strv_free(char **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

char *iot_strdup_printf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	return n < 0 ? NULL : s;
}

/* One reserved_regions line: "0x%016llx 0x%016llx type", end inclusive. */
int iot_parse_resv_region(char *line, struct iot_resv_region *r)
{
	char *save = NULL, *start, *end, *type, *extra;

	start = strtok_r(line, " \t", &save);
	end = strtok_r(NULL, " \t", &save);
	type = strtok_r(NULL, " \t", &save);
	extra = strtok_r(NULL, " \t", &save);
	if (!start || !end || !type || extra)
		return -EINVAL;
	if (strncmp(start, "0x", 2) || strncmp(end, "0x", 2))
		return -EINVAL;
	if (iot_parse_u64(start, 16, &r->start) || iot_parse_u64(end, 16, &r->end))
		return -EINVAL;
	if (r->end < r->start)
		return -EINVAL;
	r->type = iot_resv_type_parse(type);
	return r->type == IOT_RESV_UNKNOWN ? -EINVAL : 0;
}


// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * faultrec.c - fault records as lines of JSON: the format iommu-faults --record writes,
 * --events -J prints and --input reads back, defined here once in both directions.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "iommu-tools-faults.h"

struct out {
	char *buf;
	size_t len, pos;
	bool full;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->pos, o->len - o->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->len - o->pos)
		o->full = true;
	else
		o->pos += (size_t)n;
}

/* Text as the parser makes it, printable ASCII: any other byte is written as '?'. */
static void put_str(struct out *o, const char *key, const char *s, size_t cap)
{
	put(o, ",\"%s\":\"", key);
	for (size_t i = 0; i < cap && s[i] && !o->full; i++) {
		char c = s[i];

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else
			put(o, "%c", c >= 0x20 && c < 0x7f ? c : '?');
	}
	put(o, "\"");
}

int iot_fault_to_json(const struct iot_fault *r, char *buf, size_t len)
{
	struct out o = { .buf = buf, .len = len };
	const char *name = iot_fault_record_name(r->record);
	unsigned int has = r->present;

	if (!buf || !len)
		return -ENOSPC;
	if (!name)
		return -EINVAL;
	put(&o, "{\"record\":\"%s\"", name);
	if (r->vendor != IOT_FAULT_VENDOR_UNKNOWN && iot_fault_vendor_name(r->vendor))
		put(&o, ",\"vendor\":\"%s\"", iot_fault_vendor_name(r->vendor));
	if (r->kind != IOT_FAULT_KIND_UNKNOWN && iot_fault_kind_name(r->kind))
		put(&o, ",\"kind\":\"%s\"", iot_fault_kind_name(r->kind));
	if (has & IOT_FAULT_HAS_EVENT)
		put_str(&o, "event", r->event, sizeof(r->event));
	if (has & IOT_FAULT_HAS_UNIT)
		put_str(&o, "unit", r->unit, sizeof(r->unit));
	if (has & IOT_FAULT_HAS_DEVICE)
		put_str(&o, "device", r->device, sizeof(r->device));
	if (has & IOT_FAULT_HAS_GROUP)
		put(&o, ",\"group\":%d", r->group);
	if (has & IOT_FAULT_HAS_DRIVER)
		put_str(&o, "driver", r->driver, sizeof(r->driver));
	if (has & IOT_FAULT_HAS_NAME)
		put_str(&o, "name", r->name, sizeof(r->name));
	if (has & IOT_FAULT_HAS_PCI_IDS)
		put(&o, ",\"pci_id\":\"%04x:%04x\",\"pci_class\":\"0x%06x\"", r->pci_vendor,
		    r->pci_device, r->pci_class & 0xffffff);
	if (has & IOT_FAULT_HAS_ADDR)
		put(&o, ",\"addr\":\"0x%llx\"", (unsigned long long)r->addr);
	if ((has & IOT_FAULT_HAS_ACCESS) && iot_fault_access_name(r->access))
		put(&o, ",\"access\":\"%s\"", iot_fault_access_name(r->access));
	if (has & IOT_FAULT_HAS_REASON_CODE)
		put(&o, ",\"reason_code\":%u", r->reason_code);
	if (has & IOT_FAULT_HAS_REASON)
		put_str(&o, "reason", r->reason, sizeof(r->reason));
	if (has & IOT_FAULT_HAS_PASID)
		put(&o, ",\"pasid\":%u", r->pasid);
	if (has & IOT_FAULT_HAS_DOMAIN)
		put(&o, ",\"domain\":%u", r->domain);
	if (has & IOT_FAULT_HAS_SID)
		put(&o, ",\"sid\":%u", r->sid);
	if (has & IOT_FAULT_HAS_FLAGS)
		put(&o, ",\"flags\":%u", r->flags);
	if (has & IOT_FAULT_HAS_RESPONSE)
		put_str(&o, "response", r->response, sizeof(r->response));
	if (has & IOT_FAULT_HAS_TIMESTAMP)
		put(&o, ",\"timestamp\":%llu.%06llu",
		    (unsigned long long)(r->timestamp_us / 1000000),
		    (unsigned long long)(r->timestamp_us % 1000000));
	put(&o, ",\"count\":%llu}", (unsigned long long)r->count);
	if (o.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)o.pos;
}

/* ---- reading a recording back ---- */

struct in {
	const char *s, *end;
};

static void ws(struct in *in)
{
	while (in->s < in->end && (*in->s == ' ' || *in->s == '\t'))
		in->s++;
}

static bool ch(struct in *in, char c)
{
	ws(in);
	if (in->s < in->end && *in->s == c) {
		in->s++;
		return true;
	}
	return false;
}

/* A JSON string of printable ASCII (escapes \" \\ \/ and \u0020..\u007e), at most @cap - 1. */
static bool str(struct in *in, char *out, size_t cap)
{
	size_t n = 0;

	if (!ch(in, '"'))
		return false;
	while (in->s < in->end && *in->s != '"') {
		unsigned char c = (unsigned char)*in->s++;

		if (c == '\\') {
			if (in->s >= in->end)
				return false;
			c = (unsigned char)*in->s++;
			if (c == 'u') {
				unsigned int v = 0;

				if (in->end - in->s < 4)
					return false;
				for (int i = 0; i < 4; i++) {
					char h = *in->s++;

					v <<= 4;
					if (h >= '0' && h <= '9')
						v |= (unsigned int)(h - '0');
					else if (h >= 'a' && h <= 'f')
						v |= (unsigned int)(h - 'a' + 10);
					else if (h >= 'A' && h <= 'F')
						v |= (unsigned int)(h - 'A' + 10);
					else
						return false;
				}
				c = (unsigned char)v;
				if (v != c)
					return false;
			} else if (c != '"' && c != '\\' && c != '/') {
				return false;
			}
		}
		if (c < 0x20 || c >= 0x7f || n + 1 >= cap)
			return false;
		out[n++] = (char)c;
	}
	if (!ch(in, '"'))
		return false;
	out[n] = '\0';
	return true;
}

/* A name as the parser accepts one: [A-Za-z0-9_.:@+-]. */
static bool name_ok(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("_.:@+-", *s)))
			return false;
	return true;
}

static bool num(struct in *in, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *start;

	ws(in);
	start = in->s;
	while (in->s < in->end && *in->s >= '0' && *in->s <= '9') {
		unsigned int d = (unsigned int)(*in->s++ - '0');

		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	/* no leading zeros but "0" itself, as JSON */
	if (in->s == start || (*start == '0' && in->s - start > 1))
		return false;
	*out = v;
	return true;
}

static bool num32(struct in *in, uint32_t *out)
{
	uint64_t v;

	if (!num(in, UINT32_MAX, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* kernel seconds: "144.480641", microseconds kept, further digits must be zero */
static bool seconds(struct in *in, uint64_t *us)
{
	uint64_t sec, frac = 0;
	int digits = 0;

	if (!num(in, UINT64_MAX / 1000000 - 1, &sec))
		return false;
	if (in->s < in->end && *in->s == '.') {
		in->s++;
		for (; in->s < in->end && *in->s >= '0' && *in->s <= '9'; in->s++, digits++) {
			if (digits < 6)
				frac = frac * 10 + (uint64_t)(*in->s - '0');
			else if (*in->s != '0')
				return false;
		}
		if (!digits)
			return false;
	}
	for (; digits < 6; digits++)
		frac *= 10;
	*us = sec * 1000000 + frac;
	return true;
}

static bool hex_str(const char *s, int max_digits, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0;

	for (; *s; s++, n++) {
		char h = *s;

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= (uint64_t)(h - '0');
		else if (h >= 'a' && h <= 'f')
			v |= (uint64_t)(h - 'a' + 10);
		else
			return false;
	}
	if (!n || n > max_digits)
		return false;
	*out = v;
	return true;
}

/* "name" against a names.c table: the enum value, or -1 */
static int lookup(const char *(*name_of)(unsigned int), const char *s)
{
	const char *n;

	for (unsigned int i = 0; (n = name_of(i)); i++)
		if (!strcmp(n, s))
			return (int)i;
	return -1;
}

static const char *record_name(unsigned int v)
{
	return iot_fault_record_name((enum iot_fault_record)v);
}

static const char *vendor_name(unsigned int v)
{
	return iot_fault_vendor_name((enum iot_fault_vendor)v);
}

static const char *kind_name(unsigned int v)
{
	return iot_fault_kind_name((enum iot_fault_kind)v);
}

static const char *access_name(unsigned int v)
{
	return iot_fault_access_name((enum iot_fault_access)v);
}

static bool field(struct in *in, const char *key, struct iot_fault *r, bool *have_record)
{
	char text[sizeof(r->reason)] = "";
	uint64_t v;
	int e;

	if (!strcmp(key, "record") || !strcmp(key, "vendor") || !strcmp(key, "kind") ||
	    !strcmp(key, "access")) {
		if (!str(in, text, sizeof(text)))
			return false;
		if (key[0] == 'r') {
			e = lookup(record_name, text);
			r->record = (enum iot_fault_record)e;
			*have_record = true;
		} else if (key[0] == 'v') {
			e = lookup(vendor_name, text);
			r->vendor = (enum iot_fault_vendor)e;
		} else if (key[0] == 'k') {
			e = lookup(kind_name, text);
			r->kind = (enum iot_fault_kind)e;
		} else {
			e = lookup(access_name, text);
			r->access = (enum iot_fault_access)e;
			r->present |= IOT_FAULT_HAS_ACCESS;
		}
		return e >= 0;
	}
	if (!strcmp(key, "event")) {
		r->present |= IOT_FAULT_HAS_EVENT;
		return str(in, r->event, sizeof(r->event));
	}
	if (!strcmp(key, "reason")) {
		r->present |= IOT_FAULT_HAS_REASON;
		return str(in, r->reason, sizeof(r->reason)) && r->reason[0];
	}
	if (!strcmp(key, "response")) {
		r->present |= IOT_FAULT_HAS_RESPONSE;
		return str(in, r->response, sizeof(r->response)) && r->response[0];
	}
	if (!strcmp(key, "name")) {
		r->present |= IOT_FAULT_HAS_NAME;
		return str(in, r->name, sizeof(r->name)) && r->name[0];
	}
	if (!strcmp(key, "unit")) {
		r->present |= IOT_FAULT_HAS_UNIT;
		return str(in, r->unit, sizeof(r->unit)) && name_ok(r->unit);
	}
	if (!strcmp(key, "device")) {
		r->present |= IOT_FAULT_HAS_DEVICE;
		return str(in, r->device, sizeof(r->device)) && name_ok(r->device);
	}
	if (!strcmp(key, "driver")) {
		r->present |= IOT_FAULT_HAS_DRIVER;
		return str(in, r->driver, sizeof(r->driver)) && name_ok(r->driver);
	}
	if (!strcmp(key, "addr")) {
		r->present |= IOT_FAULT_HAS_ADDR;
		return str(in, text, sizeof(text)) && text[0] == '0' && text[1] == 'x' &&
		       hex_str(text + 2, 16, &r->addr);
	}
	if (!strcmp(key, "pci_id")) {
		uint64_t ven, dev;

		r->present |= IOT_FAULT_HAS_PCI_IDS;
		if (!str(in, text, sizeof(text)) || strlen(text) != 9 || text[4] != ':')
			return false;
		text[4] = '\0';
		if (!hex_str(text, 4, &ven) || !hex_str(text + 5, 4, &dev))
			return false;
		r->pci_vendor = (uint16_t)ven;
		r->pci_device = (uint16_t)dev;
		return true;
	}
	if (!strcmp(key, "pci_class")) {
		if (!str(in, text, sizeof(text)) || strncmp(text, "0x", 2) ||
		    !hex_str(text + 2, 6, &v))
			return false;
		r->pci_class = (uint32_t)v;
		return true;
	}
	if (!strcmp(key, "group")) {
		r->present |= IOT_FAULT_HAS_GROUP;
		if (!num(in, INT_MAX, &v))
			return false;
		r->group = (int)v;
		return true;
	}
	if (!strcmp(key, "reason_code")) {
		r->present |= IOT_FAULT_HAS_REASON_CODE;
		return num32(in, &r->reason_code);
	}
	if (!strcmp(key, "pasid")) {
		r->present |= IOT_FAULT_HAS_PASID;
		return num32(in, &r->pasid);
	}
	if (!strcmp(key, "domain")) {
		r->present |= IOT_FAULT_HAS_DOMAIN;
		return num32(in, &r->domain);
	}
	if (!strcmp(key, "sid")) {
		r->present |= IOT_FAULT_HAS_SID;
		return num32(in, &r->sid);
	}
	if (!strcmp(key, "flags")) {
		r->present |= IOT_FAULT_HAS_FLAGS;
		return num32(in, &r->flags);
	}
	if (!strcmp(key, "timestamp")) {
		r->present |= IOT_FAULT_HAS_TIMESTAMP;
		return seconds(in, &r->timestamp_us);
	}
	if (!strcmp(key, "count"))
		return num(in, UINT64_MAX, &r->count);
	/* a key of a later release: skip a string or number value */
	ws(in);
	if (in->s < in->end && *in->s == '"')
		return str(in, text, sizeof(text));
	return num(in, UINT64_MAX, &v);
}

int iot_fault_from_json(const char *line, size_t len, struct iot_fault *out)
{
	struct in in;
	struct iot_fault r;
	bool have_record = false;

	if (!line || !out)
		return -EINVAL;
	in.s = line;
	in.end = line + len;
	while (in.end > in.s && (in.end[-1] == '\n' || in.end[-1] == '\r'))
		in.end--;
	memset(&r, 0, sizeof(r));
	r.count = 1;
	if (!ch(&in, '{'))
		return -EINVAL;
	do {
		char key[24];

		if (!str(&in, key, sizeof(key)) || !ch(&in, ':') ||
		    !field(&in, key, &r, &have_record))
			return -EINVAL;
	} while (ch(&in, ','));
	if (!ch(&in, '}') || !have_record)
		return -EINVAL;
	ws(&in);
	if (in.s != in.end)
		return -EINVAL;
	if ((r.present & IOT_FAULT_HAS_PCI_IDS) != 0 && !r.pci_vendor && !r.pci_device)
		return -EINVAL;
	*out = r;
	return 0;
}

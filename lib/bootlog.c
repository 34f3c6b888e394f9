// SPDX-License-Identifier: LGPL-2.1-or-later
/* bootlog.c - parsers for the kernel's DMAR and AMD-Vi boot lines that print capability values. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "iommu-tools-features.h"
#include "internal.h"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static const char *skip_blanks(const char *p)
{
	while (is_blank(*p))
		p++;
	return p;
}

/* Only blanks (the line end, "\r\n" from pastes) may follow a complete line. */
static bool at_end(const char *p)
{
	return *skip_blanks(p) == '\0';
}

/*
 * Where @marker starts a message in @line: at the start, or after a prefix
 * ending in a blank, ']', ':' or '>' (timestamps, syslog, journal, quoting).
 * @from lets callers try later occurrences.
 */
static const char *find_marker(const char *line, const char *from, const char *marker)
{
	const char *p = from;

	while ((p = strstr(p, marker))) {
		if (p == line || is_blank(p[-1]) || p[-1] == ']' || p[-1] == ':' || p[-1] == '>')
			return p;
		p++;
	}
	return NULL;
}

/* @word then at least one blank; returns what follows the blanks, or NULL. */
static const char *expect_word(const char *p, const char *word)
{
	size_t n = strlen(word);

	if (strncmp(p, word, n) != 0 || (p[n] && !is_blank(p[n])))
		return NULL;
	return skip_blanks(p + n);
}

/* Bare hex token (1-16 digits) ending at a blank or the end of the line. */
static const char *bare_hex(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0, d;

	while ((d = iot_hexval(*p)) >= 0) {
		if (++n > 16)
			return NULL;
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (n == 0 || (*p && !is_blank(*p)))
		return NULL;
	*out = v;
	return p;
}

/* "0x" and 1-16 hex digits; the caller checks what follows. */
static const char *prefixed_hex(const char *p, uint64_t *out)
{
	uint64_t v = 0;
	int n = 0, d;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return NULL;
	p += 2;
	while ((d = iot_hexval(*p)) >= 0) {
		if (++n > 16)
			return NULL;
		v = v << 4 | (uint64_t)d;
		p++;
	}
	if (n == 0)
		return NULL;
	*out = v;
	return p;
}

/* Small decimal (unit numbers, version parts); at most @maxdigits digits. */
static const char *small_dec(const char *p, int maxdigits, int *out)
{
	int v = 0, n = 0;

	while (*p >= '0' && *p <= '9') {
		if (++n > maxdigits)
			return NULL;
		v = v * 10 + (*p - '0');
		p++;
	}
	if (n == 0)
		return NULL;
	*out = v;
	return p;
}

/* "reg_base_addr fed90000 ver 1:0 cap c0000020660462 ecap f0101a" and nothing after. */
static int parse_dmar_tail(const char *p, struct iot_bootlog_dmar *out)
{
	p = skip_blanks(p);
	p = bare_hex(p, &out->base);
	if (!p)
		return -EINVAL;
	p = expect_word(skip_blanks(p), "ver");
	if (!p)
		return -EINVAL;
	p = small_dec(p, 2, &out->ver_major);
	if (!p || *p != ':')
		return -EINVAL;
	p = small_dec(p + 1, 2, &out->ver_minor);
	if (!p || !is_blank(*p) || out->ver_major > 15 || out->ver_minor > 15)
		return -EINVAL;
	p = expect_word(skip_blanks(p), "cap");
	if (!p || !(p = bare_hex(p, &out->cap)))
		return -EINVAL;
	p = expect_word(skip_blanks(p), "ecap");
	if (!p || !(p = bare_hex(p, &out->ecap)))
		return -EINVAL;
	return at_end(p) ? 0 : -EINVAL;
}

int iot_bootlog_parse_dmar(const char *line, struct iot_bootlog_dmar *out)
{
	static const struct {
		const char *marker;
		bool old;
	} forms[] = {
		{ "DMAR: dmar", false },  /* 4.1 and later: "DMAR: dmar0: reg_base_addr ..." */
		{ "dmar: IOMMU ", true }, /* before: "dmar: IOMMU 0: reg_base_addr ..." */
	};
	struct iot_bootlog_dmar tmp;

	if (!line || !out)
		return -EINVAL;
	for (size_t f = 0; f < IOT_ARRAY_SIZE(forms); f++) {
		const char *m = line;

		while ((m = find_marker(line, m, forms[f].marker))) {
			const char *p = m + strlen(forms[f].marker);
			int idx, err;

			m++;
			p = small_dec(p, 4, &idx);
			if (!p || p[0] != ':' || !is_blank(p[1]))
				continue;
			p = expect_word(skip_blanks(p + 1), "reg_base_addr");
			if (!p)
				continue; /* another dmarN message: not ours */
			memset(&tmp, 0, sizeof(tmp));
			tmp.index = idx;
			tmp.old_format = forms[f].old;
			snprintf(tmp.unit, sizeof(tmp.unit), "dmar%d", idx);
			err = parse_dmar_tail(p, &tmp);
			if (err)
				return err;
			*out = tmp;
			return 0;
		}
	}
	return -ENOENT;
}

/* Names as printed ("PPR X2APIC [5] GA_vAPIC SEV-TIO"), single-spaced into @buf. */
static int copy_names(const char *p, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (p = skip_blanks(p); *p; p = skip_blanks(p)) {
		const char *start = p;
		size_t n;

		while (*p && !is_blank(*p)) {
			char c = *p;

			if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			      (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '[' ||
			      c == ']'))
				return -EINVAL;
			p++;
		}
		n = (size_t)(p - start);
		if (used + (used ? 1 : 0) + n + 1 > len)
			return -EINVAL; /* never truncate silently */
		if (used)
			buf[used++] = ' ';
		memcpy(buf + used, start, n);
		used += n;
		buf[used] = '\0';
	}
	return 0;
}

/* "pci 0000:00:00.2: " right before the marker names the IOMMU's PCI function. */
static void copy_pci_prefix(const char *line, const char *marker, char *pci, size_t len)
{
	static const char pattern[] = "pci hhhh:hh:hh.h: ";
	size_t plen = sizeof(pattern) - 1;
	const char *s;

	pci[0] = '\0';
	if ((size_t)(marker - line) < plen)
		return;
	s = marker - plen;
	for (size_t i = 0; i < plen; i++) {
		if (pattern[i] == 'h' ? iot_hexval(s[i]) < 0 : s[i] != pattern[i])
			return;
	}
	snprintf(pci, len, "%.*s", 12, s + 4);
}

/* After "Extended features ": "(0x..[, 0x..]):[ names]" or ":[ names]". */
static int parse_amd_features_tail(const char *p, struct iot_bootlog_amd *out)
{
	if (*p == ':') {
		out->kind = IOT_BOOTLOG_AMD_NAMES_ONLY;
		if (copy_names(p + 1, out->names, sizeof(out->names)))
			return -EINVAL;
		/* a names-only line without names carries nothing */
		return out->names[0] ? 0 : -EINVAL;
	}
	if (*p != '(')
		return -EINVAL;
	out->kind = IOT_BOOTLOG_AMD_FEATURES;
	p = prefixed_hex(p + 1, &out->efr);
	if (!p)
		return -EINVAL;
	out->has_efr = true;
	if (p[0] == ',') {
		p = prefixed_hex(skip_blanks(p + 1), &out->efr2);
		if (!p)
			return -EINVAL;
		out->has_efr2 = true;
	}
	if (p[0] != ')' || p[1] != ':')
		return -EINVAL;
	/* 4.9-5.12 printed the names on a continuation line: none here is fine */
	return copy_names(p + 2, out->names, sizeof(out->names)) ? -EINVAL : 0;
}

/* After "Using global IVHD ": "EFR:0x..., EFR2:0x..." */
static int parse_amd_global_tail(const char *p, struct iot_bootlog_amd *out)
{
	out->kind = IOT_BOOTLOG_AMD_GLOBAL_EFR;
	if (strncmp(p, "EFR:", 4) != 0 || !(p = prefixed_hex(p + 4, &out->efr)))
		return -EINVAL;
	if (*p != ',')
		return -EINVAL;
	p = skip_blanks(p + 1);
	if (strncmp(p, "EFR2:", 5) != 0 || !(p = prefixed_hex(p + 5, &out->efr2)))
		return -EINVAL;
	out->has_efr = out->has_efr2 = true;
	return at_end(p) ? 0 : -EINVAL;
}

int iot_bootlog_parse_amd_features(const char *line, struct iot_bootlog_amd *out)
{
	static const char marker[] = "AMD-Vi:";
	struct iot_bootlog_amd tmp;
	const char *m = line;

	if (!line || !out)
		return -EINVAL;
	while ((m = find_marker(line, m, marker))) {
		const char *p = skip_blanks(m + sizeof(marker) - 1);
		int err;

		memset(&tmp, 0, sizeof(tmp));
		if (strncmp(p, "Extended features", 17) == 0) {
			p += 17;
			if (*p == ' ' && p[1] == '(')
				p++;
			err = parse_amd_features_tail(p, &tmp);
		} else if (strncmp(p, "Using global IVHD ", 18) == 0) {
			err = parse_amd_global_tail(p + 18, &tmp);
		} else {
			m++; /* "AMD-Vi: AMD-Vi: ..." and other messages */
			continue;
		}
		if (err)
			return err;
		copy_pci_prefix(line, m, tmp.pci, sizeof(tmp.pci));
		*out = tmp;
		return 0;
	}
	return -ENOENT;
}

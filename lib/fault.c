// SPDX-License-Identifier: LGPL-2.1-or-later
/* fault.c - the kernel's IOMMU fault lines, every vendor, release and log prefix: lines in, records out. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-faults.h"
#include "internal.h"

#define FAULT_LINE_MAX 4096 /* printk lines are under 1 KiB; longer is not a kernel line */
#define FAULT_SLACK 64      /* bytes after a line's NUL that a literal compare may read */
#define FAULT_HOLD 8        /* lines a held record waits for its continuation */
#define FAULT_DEVS 4096     /* PCI functions remembered from the log (power of two) */

/* What a held multi-line record waits for. */
enum hold {
	HOLD_NONE = 0,
	HOLD_VTD_REASON,   /* old VT-d: "DMAR:[fault reason NN] ..." completes it */
	HOLD_VTD_IR_REASON, /* old VT-d: "INTR-REMAP:[fault reason NN] ..." */
	HOLD_AMD_EVENT,    /* old AMD-Vi: "Event logged [" then the event on the next line */
	HOLD_AMD_ATTACH,   /* "Event logged [Device not attached ...]" then "  device=..." */
	HOLD_SMMU_GLOBAL,  /* SMMUv2 global fault, waiting for its GFSR line */
	HOLD_SMMUV3_RAW,   /* SMMUv3 "event 0xNN received:", waiting for 4 dwords */
	HOLD_SMMUV3_DONE,  /* SMMUv3 record complete; a decoded line may still follow */
	HOLD_SMMUV3_DECODED, /* SMMUv3 "event: ..." seen; its access line may follow */
};

struct fault_dev {
	uint32_t key; /* (domain << 16 | bdf) + 1; 0 = empty */
	int group;    /* -1 unknown */
	bool ids;
	uint16_t vendor, device;
	uint32_t class;
	char driver[32];
};

struct iot_fault_parser {
	char buf[FAULT_LINE_MAX + 1 + FAULT_SLACK];
	const char *end; /* the NUL that ends the line in buf */
	/* the line being parsed */
	bool has_ts;
	uint64_t ts_us;
	const char *word; /* the message's first word, scanned once for two uses */
	size_t word_len;
	/* the held record */
	enum hold hold;
	unsigned int age;
	bool fresh; /* this line started or continued the held record */
	int ndw;
	uint64_t dw[4];
	char hold_drv[32];
	bool hold_has_ts; /* the time of the held record's first line */
	uint64_t hold_ts_us;
	struct iot_fault held;
	/* delivery */
	iot_fault_fn fn;
	void *data;
	int delivered;
	int err;
	/* the log's own PCI enumeration */
	struct fault_dev *devs;
	unsigned int ndevs;
	uint64_t lines, matched;
};

/* the names of the enums above live in names.c, with every other table */

/* drivers/iommu/intel/dmar.c: dma_remap_fault_reasons, dma_remap_sm_fault_reasons,
 * irq_remap_fault_reasons (the texts every release since 5.x prints). */
static const char *const vtd_reasons[] = {
	"Software",
	"Present bit in root entry is clear",
	"Present bit in context entry is clear",
	"Invalid context entry",
	"Access beyond MGAW",
	"PTE Write access is not set",
	"PTE Read access is not set",
	"Next page table ptr is invalid",
	"Root table address invalid",
	"Context table ptr is invalid",
	"non-zero reserved fields in RTP",
	"non-zero reserved fields in CTP",
	"non-zero reserved fields in PTE",
	"PCE for translation request specifies blocking",
};
static const char *const vtd_ir_reasons[] = {
	"Detected reserved fields in the decoded interrupt-remapped request",
	"Interrupt index exceeded the interrupt-remapping table size",
	"Present field in the IRTE entry is clear",
	"Error accessing interrupt-remapping table pointed by IRTA_REG",
	"Detected reserved fields in the IRTE entry",
	"Blocked a compatibility format interrupt request",
	"Blocked an interrupt request due to source-id verification failure",
};
static const struct { uint8_t code; const char *text; } vtd_sm_reasons[] = {
	{ 0x30, "SM: Invalid Root Table Address" },
	{ 0x31, "SM: TTM 0 for request with PASID" },
	{ 0x32, "SM: TTM 0 for page group request" },
	{ 0x38, "SM: Error attempting to access Root Entry" },
	{ 0x39, "SM: Present bit in Root Entry is clear" },
	{ 0x3a, "SM: Non-zero reserved field set in Root Entry" },
	{ 0x40, "SM: Error attempting to access Context Entry" },
	{ 0x41, "SM: Present bit in Context Entry is clear" },
	{ 0x42, "SM: Non-zero reserved field set in the Context Entry" },
	{ 0x43, "SM: Invalid Context Entry" },
	{ 0x44, "SM: DTE field in Context Entry is clear" },
	{ 0x45, "SM: PASID Enable field in Context Entry is clear" },
	{ 0x46, "SM: PASID is larger than the max in Context Entry" },
	{ 0x47, "SM: PRE field in Context-Entry is clear" },
	{ 0x48, "SM: RID_PASID field error in Context-Entry" },
	{ 0x50, "SM: Error attempting to access the PASID Directory Entry" },
	{ 0x51, "SM: Present bit in Directory Entry is clear" },
	{ 0x52, "SM: Non-zero reserved field set in PASID Directory Entry" },
	{ 0x58, "SM: Error attempting to access PASID Table Entry" },
	{ 0x59, "SM: Present bit in PASID Table Entry is clear" },
	{ 0x5a, "SM: Non-zero reserved field set in PASID Table Entry" },
	{ 0x5b, "SM: Invalid Scalable-Mode PASID Table Entry" },
	{ 0x5c, "SM: ERE field is clear in PASID Table Entry" },
	{ 0x5d, "SM: SRE field is clear in PASID Table Entry" },
	{ 0x70, "SM: Error attempting to access first-level paging entry" },
	{ 0x71, "SM: Present bit in first-level paging entry is clear" },
	{ 0x72, "SM: Non-zero reserved field set in first-level paging entry" },
	{ 0x73, "SM: Error attempting to access FL-PML4 entry" },
	{ 0x74, "SM: First-level entry address beyond MGAW in Nested translation" },
	{ 0x75, "SM: Read permission error in FL-PML4 entry in Nested translation" },
	{ 0x76, "SM: Read permission error in first-level paging entry in Nested translation" },
	{ 0x77, "SM: Write permission error in first-level paging entry in Nested translation" },
	{ 0x78, "SM: Error attempting to access second-level paging entry" },
	{ 0x79, "SM: Read/Write permission error in second-level paging entry" },
	{ 0x7a, "SM: Non-zero reserved field set in second-level paging entry" },
	{ 0x7b, "SM: Invalid second-level page table pointer" },
	{ 0x7c, "SM: A/D bit update needed in second-level entry when set up in no snoop" },
	{ 0x80, "SM: Address in first-level translation is not canonical" },
	{ 0x81, "SM: U/S set 0 for first-level translation with user privilege" },
	{ 0x82, "SM: No execute permission for request with PASID and ER=1" },
	{ 0x83, "SM: Address beyond the DMA hardware max" },
	{ 0x84, "SM: Second-level entry address beyond the max" },
	{ 0x85, "SM: No write permission for Write/AtomicOp request" },
	{ 0x86, "SM: No read permission for Read/AtomicOp request" },
	{ 0x87, "SM: Invalid address-interrupt address" },
	{ 0x90, "SM: A/D bit update needed in first-level entry when set up in no snoop" },
};

const char *iot_fault_vtd_reason(unsigned int code)
{
	if (code < IOT_ARRAY_SIZE(vtd_reasons))
		return vtd_reasons[code];
	if (code >= 0x20 && code - 0x20 < IOT_ARRAY_SIZE(vtd_ir_reasons))
		return vtd_ir_reasons[code - 0x20];
	for (size_t i = 0; i < IOT_ARRAY_SIZE(vtd_sm_reasons); i++)
		if (vtd_sm_reasons[i].code == code)
			return vtd_sm_reasons[i].text;
	return NULL;
}

/* SMMUv3 event ids (Arm IHI 0070, "Event records"); the kernel's event_str names. */
static const struct { uint8_t id; const char *name; } smmuv3_events[] = {
	{ 0x01, "F_UUT" },          { 0x02, "C_BAD_STREAMID" },   { 0x03, "F_STE_FETCH" },
	{ 0x04, "C_BAD_STE" },      { 0x05, "F_BAD_ATS_TREQ" },   { 0x06, "F_STREAM_DISABLED" },
	{ 0x07, "F_TRANSL_FORBIDDEN" }, { 0x08, "C_BAD_SUBSTREAMID" }, { 0x09, "F_CD_FETCH" },
	{ 0x0a, "C_BAD_CD" },       { 0x0b, "F_WALK_EABT" },      { 0x10, "F_TRANSLATION" },
	{ 0x11, "F_ADDR_SIZE" },    { 0x12, "F_ACCESS" },         { 0x13, "F_PERMISSION" },
	{ 0x20, "F_TLB_CONFLICT" }, { 0x21, "F_CFG_CONFLICT" },   { 0x24, "E_PAGE_REQUEST" },
	{ 0x25, "F_VMS_FETCH" },
};

static const char *smmuv3_event_name(unsigned int id)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(smmuv3_events); i++)
		if (smmuv3_events[i].id == id)
			return smmuv3_events[i].name;
	return NULL;
}

/* ---- small strict scanners over NUL-terminated text ---- */

static const char *skip_sp(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * @s starts with the @n bytes of @w (which holds no NUL in them). A byte loop, not
 * strncmp: the words are short, most lines differ in the first byte or two, and a
 * call per word cost more than the comparing. It stops at the first difference, so
 * it never reads past the NUL that ends a shorter @s.
 */
static inline bool same_n(const char *s, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != w[i])
			return false;
	return true;
}
/* @s starts with the literal @w; STR_IS: @s is exactly @w (its NUL compared too). For
 * any string, not only the line: see LIT for the line's faster compare. */
#define STARTS(s, w) same_n((s), (w), sizeof(w) - 1)
#define STR_IS(s, w) same_n((s), (w), sizeof(w))

/*
 * LIT: *@s, a place in the line being parsed (p->buf), starts with the literal @w; if
 * so, *@s moves past it. The scanners' common case is a match, so it compares whole
 * words (memcmp of a constant size, inlined): that may read past the line's NUL, into
 * the FAULT_SLACK bytes after it, which is why LIT takes only literals shorter than that
 * and only pointers into p->buf. A difference still means no match: the NUL differs.
 */
static inline bool lit_n(const char **s, const char *w, size_t n)
{
	if (**s != *w || memcmp(*s, w, n))
		return false;
	*s += n;
	return true;
}
#define LIT(s, w) ((void)sizeof(char[sizeof(w) <= FAULT_SLACK ? 1 : -1]), \
		   lit_n((s), (w), sizeof(w) - 1))

/* Character classes by table: the scanners below ask them for every byte of a line. */
enum { C_DIG = 1, C_HEX = 2, C_NAME = 4 };
#define C_HEXDIG (C_DIG | C_HEX | C_NAME)
#define C_HEXLET (C_HEX | C_NAME)
static const uint8_t ctype[256] = {
	['0' ... '9'] = C_HEXDIG,
	['a' ... 'f'] = C_HEXLET, ['A' ... 'F'] = C_HEXLET,
	['g' ... 'z'] = C_NAME,   ['G' ... 'Z'] = C_NAME,
	['_'] = C_NAME, ['.'] = C_NAME, [':'] = C_NAME, ['@'] = C_NAME, ['+'] = C_NAME,
	['-'] = C_NAME,
};
/* a hex digit's value plus one (0: not a hex digit) */
static const uint8_t hexv1[256] = {
	['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,  ['6'] = 7,
	['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14,
	['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15,
	['F'] = 16,
};

static inline bool is_hex(char c)
{
	return ctype[(unsigned char)c] & C_HEX;
}

static inline bool is_dig(char c)
{
	return ctype[(unsigned char)c] & C_DIG;
}

/* Hex number, "0x" optional, 1..16 digits. */
static bool hexnum(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	int n = 0;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && is_hex(p[2]))
		p += 2;
	for (unsigned int d; (d = hexv1[(unsigned char)*p]) != 0; p++, n++) {
		if (n == 16)
			return false;
		v = v << 4 | (d - 1);
	}
	if (!n)
		return false;
	*s = p;
	*out = v;
	return true;
}

/* Hex number that must carry "0x". */
static bool hex0x(const char **s, uint64_t *out)
{
	return ((*s)[0] == '0' && (*s)[1] == 'x') && hexnum(s, out);
}

static bool hex32(const char **s, uint32_t *out)
{
	uint64_t v;

	if (!hexnum(s, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool decnum(const char **s, uint64_t *out)
{
	const char *p = *s;
	uint64_t v = 0;
	int n = 0;

	for (; is_dig(*p); p++, n++) {
		if (n == 19)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (!n)
		return false;
	*s = p;
	*out = v;
	return true;
}

/* A field ends at a blank, the line's end or @also. */
static bool ends(const char *s, char also)
{
	return *s == ' ' || *s == '\t' || *s == '\0' || (also && *s == also);
}

/*
 * A PCI address as the kernel prints it: "bb:dd.f", "dddd:bb:dd.f" or the
 * short-lived "0xbb:0xdd.f"; written as "dddd:bb:dd.f" (domain 0 when absent).
 */
static bool pci_addr(const char **s, char out[16], uint32_t *key)
{
	uint64_t a, b, c = 0, f;
	const char *p = *s;
	bool three = false;

	if (!hexnum(&p, &a) || *p++ != ':' || !hexnum(&p, &b))
		return false;
	if (*p == ':') {
		p++;
		if (!hexnum(&p, &c))
			return false;
		three = true;
	}
	if (*p++ != '.' || !is_dig(*p))
		return false;
	f = (uint64_t)(*p++ - '0');
	if (!three) {
		c = b;
		b = a;
		a = 0;
	}
	if (a > 0xffff || b > 0xff || c > 0x1f || f > 7)
		return false;
	/* "%04x:%02x:%02x.%x" by hand: snprintf costs more than the rest of a line */
	static const char hex[] = "0123456789abcdef";
	out[0] = hex[a >> 12 & 15];
	out[1] = hex[a >> 8 & 15];
	out[2] = hex[a >> 4 & 15];
	out[3] = hex[a & 15];
	out[4] = ':';
	out[5] = hex[b >> 4 & 15];
	out[6] = hex[b & 15];
	out[7] = ':';
	out[8] = hex[c >> 4 & 15];
	out[9] = hex[c & 15];
	out[10] = '.';
	out[11] = hex[f];
	out[12] = '\0';
	if (key)
		*key = (uint32_t)(a << 16 | b << 8 | c << 3 | f);
	*s = p;
	return true;
}

/* Copy printable ASCII (others become '?'), at most @cap - 1 bytes, trailing blanks dropped. */
static void set_text(char *dst, size_t cap, const char *src, size_t n)
{
	size_t i;

	while (n && (src[n - 1] == ' ' || src[n - 1] == '\t'))
		n--;
	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

/* A device or driver name: [A-Za-z0-9_.:@+-], 1..cap-1 long. */
static inline bool name_char(char c)
{
	return ctype[(unsigned char)c] & C_NAME;
}

static bool set_name(char *dst, size_t cap, const char *src, size_t n)
{
	if (!n || n > cap - 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!name_char(src[i]))
			return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

/* ---- the log's PCI devices ---- */

static struct fault_dev *dev_slot(struct iot_fault_parser *p, uint32_t key, bool create)
{
	uint32_t k = key + 1, h;

	if (!p->devs) {
		if (!create)
			return NULL;
		p->devs = calloc(FAULT_DEVS, sizeof(*p->devs));
		if (!p->devs) {
			/* not "table full": the device's group would be missing from later records */
			if (!p->err)
				p->err = -ENOMEM;
			return NULL;
		}
	}
	h = (k * 2654435761u) & (FAULT_DEVS - 1);
	for (unsigned int i = 0; i < FAULT_DEVS; i++, h = (h + 1) & (FAULT_DEVS - 1)) {
		struct fault_dev *d = &p->devs[h];

		if (d->key == k)
			return d;
		if (!d->key) {
			/* keep a quarter free so that misses stay short */
			if (!create || p->ndevs >= FAULT_DEVS / 4 * 3)
				return NULL;
			d->key = k;
			d->group = -1;
			p->ndevs++;
			return d;
		}
	}
	return NULL;
}

/* ---- records ---- */

static void release_held(struct iot_fault_parser *p);

/* Start a new record in p->held; one still held there is delivered first. */
static struct iot_fault *rec_start(struct iot_fault_parser *p, enum iot_fault_vendor vendor,
				   enum iot_fault_kind kind)
{
	struct iot_fault *r = &p->held;

	release_held(p);
	memset(r, 0, sizeof(*r));
	r->record = IOT_FAULT_REC_FAULT;
	r->vendor = vendor;
	r->kind = kind;
	r->count = 1;
	if (p->has_ts) {
		r->timestamp_us = p->ts_us;
		r->present |= IOT_FAULT_HAS_TIMESTAMP;
	}
	return r;
}

static void rec_event(struct iot_fault *r, const char *name)
{
	set_text(r->event, sizeof(r->event), name, strlen(name));
	r->present |= IOT_FAULT_HAS_EVENT;
}

static void rec_access(struct iot_fault *r, enum iot_fault_access a)
{
	r->access = a;
	if (a != IOT_FAULT_ACCESS_UNKNOWN)
		r->present |= IOT_FAULT_HAS_ACCESS;
}

static void rec_reason(struct iot_fault *r, const char *text, size_t n)
{
	set_text(r->reason, sizeof(r->reason), text, n);
	if (r->reason[0])
		r->present |= IOT_FAULT_HAS_REASON;
}

/* Decoded bit names, "TF" or "PR RW PE": names[i] for bit i, NULL entries skipped. */
static void rec_bits(struct iot_fault *r, uint32_t v, const char *const *names, size_t n)
{
	char buf[sizeof(r->reason)];
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		if (!(v & (1u << i)) || !names[i])
			continue;
		size_t w = strlen(names[i]);

		if (len + !!len + w >= sizeof(buf))
			break;
		if (len)
			buf[len++] = ' ';
		memcpy(buf + len, names[i], w);
		len += w;
	}
	rec_reason(r, buf, len);
}

static bool rec_device_pci(struct iot_fault *r, const char **s)
{
	if (!pci_addr(s, r->device, NULL))
		return false;
	r->present |= IOT_FAULT_HAS_DEVICE;
	return true;
}

/* Attribute a PCI device from the log's own lines; hand the record to the caller. */
static void deliver(struct iot_fault_parser *p, struct iot_fault *r)
{
	const char *s = r->device;
	char norm[16];
	uint32_t key;

	if ((r->present & IOT_FAULT_HAS_DEVICE) && pci_addr(&s, norm, &key) && !*s) {
		const struct fault_dev *d = dev_slot(p, key, false);

		if (d && d->group >= 0) {
			r->group = d->group;
			r->present |= IOT_FAULT_HAS_GROUP;
		}
		if (d && d->ids) {
			r->pci_vendor = d->vendor;
			r->pci_device = d->device;
			r->pci_class = d->class;
			r->present |= IOT_FAULT_HAS_PCI_IDS;
		}
		if (d && d->driver[0] && !(r->present & IOT_FAULT_HAS_DRIVER)) {
			memcpy(r->driver, d->driver, sizeof(r->driver));
			r->present |= IOT_FAULT_HAS_DRIVER;
		}
	}
	p->matched++;
	if (p->err)
		return;
	if (p->fn) {
		int ret = p->fn(p->data, r);

		if (ret < 0) {
			p->err = ret;
			return;
		}
	}
	p->delivered++;
}

/* The record being built (p->held) is complete: deliver it now. */
static void emit(struct iot_fault_parser *p)
{
	p->hold = HOLD_NONE;
	deliver(p, &p->held);
}

/* Keep the record being built until a continuation line (or its absence) ends it. */
static void hold(struct iot_fault_parser *p, enum hold h)
{
	p->hold = h;
	p->age = 0;
	p->fresh = true;
}

/* A held record ends as it is: what its continuation would have added stays absent. */
static void release_held(struct iot_fault_parser *p)
{
	if (p->hold == HOLD_NONE)
		return;
	if (p->hold == HOLD_AMD_EVENT || (p->hold == HOLD_SMMUV3_RAW && p->ndw < 2)) {
		/* "Event logged [" alone, or a dump without its ids: nothing to report */
		p->hold = HOLD_NONE;
		return;
	}
	emit(p);
}

/* ---- Intel VT-d (drivers/iommu/intel/dmar.c, dmar_fault() and dmar_fault_do_one()) ---- */

/* "[fault reason NN] text", NN hex with 0x (5.10+) or decimal (before). */
static bool vtd_reason(struct iot_fault *r, const char *s)
{
	uint64_t code;
	const char *text;

	if (!LIT(&s, "[fault reason "))
		return false;
	if (s[0] == '0' && s[1] == 'x') {
		if (!hexnum(&s, &code))
			return false;
	} else if (!decnum(&s, &code)) {
		return false;
	}
	if (code > 0xff || *s++ != ']')
		return false;
	r->reason_code = (uint32_t)code;
	r->present |= IOT_FAULT_HAS_REASON_CODE;
	s = skip_sp(s);
	if (*s) {
		rec_reason(r, s, strlen(s));
	} else if ((text = iot_fault_vtd_reason((unsigned)code))) {
		rec_reason(r, text, strlen(text));
	}
	return true;
}

/* After "[DMA Read" / "[DMA Write". */
static bool vtd_dma(struct iot_fault_parser *p, const char *s, bool read)
{
	struct iot_fault *r = rec_start(p, IOT_FAULT_VENDOR_INTEL, IOT_FAULT_KIND_DMA);
	uint64_t v;

	rec_event(r, read ? "DMA Read" : "DMA Write");
	rec_access(r, read ? IOT_FAULT_ACCESS_READ : IOT_FAULT_ACCESS_WRITE);
	if (LIT(&s, " PASID ")) {
		if (!hexnum(&s, &v) || v > UINT32_MAX)
			return false;
		r->pasid = (uint32_t)v;
		r->present |= IOT_FAULT_HAS_PASID;
	} else if (!LIT(&s, " NO_PASID") && *s != ']') {
		return false;
	}
	if (!LIT(&s, "] Request device [") || !rec_device_pci(r, &s) || *s++ != ']')
		return false;
	if (LIT(&s, " PASID ")) { /* 5.1-5.9: "PASID %x", -1 when there is none */
		if (!hexnum(&s, &v) || v > UINT32_MAX)
			return false;
		if (v != 0xffffffff) {
			r->pasid = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_PASID;
		}
	}
	if (!LIT(&s, " fault addr ") || !hexnum(&s, &r->addr) || !ends(s, 0))
		return false;
	r->present |= IOT_FAULT_HAS_ADDR;
	s = skip_sp(s);
	if (!*s) { /* before 4.x the reason came on the next line */
		hold(p, HOLD_VTD_REASON);
		return true;
	}
	if (!vtd_reason(r, s))
		return false;
	emit(p);
	return true;
}

/* After "[INTR-REMAP]" (4.x+), or "INTR-REMAP: " (before, two lines). */
static bool vtd_intr(struct iot_fault_parser *p, const char *s, bool old)
{
	struct iot_fault *r = rec_start(p, IOT_FAULT_VENDOR_INTEL, IOT_FAULT_KIND_INTR_REMAP);
	uint64_t v;

	rec_event(r, "INTR-REMAP");
	if (!LIT(&s, " Request device ["))
		return false;
	if (old && *s == '[') /* the old format string's "[[" */
		s++;
	if (!rec_device_pci(r, &s) || *s++ != ']' || !LIT(&s, " fault index ") ||
	    !hexnum(&s, &v) || !ends(s, 0) || v > UINT32_MAX)
		return false;
	r->flags = (uint32_t)v; /* the interrupt-remapping table index: no address */
	r->present |= IOT_FAULT_HAS_FLAGS;
	s = skip_sp(s);
	if (!*s) {
		hold(p, HOLD_VTD_IR_REASON);
		return true;
	}
	if (!vtd_reason(r, s))
		return false;
	emit(p);
	return true;
}

/* After "DMAR:" or "dmar:". */
static bool vtd(struct iot_fault_parser *p, const char *s)
{
	uint64_t v;

	s = skip_sp(s);
	if (LIT(&s, "DMAR:")) /* 3.x: "dmar: DMAR:[DMA Read] ..." */
		s = skip_sp(s);
	if (LIT(&s, "[DMA Read"))
		return vtd_dma(p, s, true);
	if (LIT(&s, "[DMA Write"))
		return vtd_dma(p, s, false);
	if (LIT(&s, "[INTR-REMAP]"))
		return vtd_intr(p, s, false);
	if (LIT(&s, "INTR-REMAP:")) {
		if (LIT(&s, "[fault reason ")) { /* the old form's second line */
			if (p->hold != HOLD_VTD_IR_REASON || !vtd_reason(&p->held, s - 14))
				return false;
			emit(p);
			return true;
		}
		return vtd_intr(p, s, true);
	}
	if (LIT(&s, "[fault reason ")) { /* the old form's second line */
		if (p->hold != HOLD_VTD_REASON || !vtd_reason(&p->held, s - 14))
			return false;
		emit(p);
		return true;
	}
	if (LIT(&s, "DRHD: handling fault status reg ")) {
		struct iot_fault *r;

		if (!hexnum(&s, &v) || v > UINT32_MAX || !ends(s, 0))
			return false;
		r = rec_start(p, IOT_FAULT_VENDOR_INTEL, IOT_FAULT_KIND_UNKNOWN);
		r->record = IOT_FAULT_REC_INTERRUPT;
		r->flags = (uint32_t)v;
		r->present |= IOT_FAULT_HAS_FLAGS;
		emit(p);
		return true;
	}
	return false;
}

/* ---- AMD-Vi (drivers/iommu/amd/iommu.c, iommu_print_event() and friends) ---- */

/* IO_PAGE_FAULT flags (AMD IOMMU spec, event log "IO_PAGE_FAULT"). */
#define AMD_F_I  0x008
#define AMD_F_PR 0x010
#define AMD_F_RW 0x020
#define AMD_F_TR 0x100
static const char *const amd_flag_names[] = { "GN", "NX", "US", "I", "PR", "RW", "PE", "RZ", "TR" };

static const char *const amd_events[] = {
	"IO_PAGE_FAULT", "ILLEGAL_DEV_TABLE_ENTRY", "DEV_TAB_HARDWARE_ERROR",
	"PAGE_TAB_HARDWARE_ERROR", "ILLEGAL_COMMAND_ERROR", "COMMAND_HARDWARE_ERROR",
	"IOTLB_INV_TIMEOUT", "INVALID_DEVICE_REQUEST", "INVALID_PPR_REQUEST",
	"RMP_PAGE_FAULT", "RMP_HW_ERROR", "UNKNOWN",
};

/*
 * "NAME key=value ...]" after "Event logged [". @drv/@dev: the dev_printk prefix
 * ("nvme" "0000:01:00.0", or the IOMMU's own "iommu" "ivhd0"), or NULL.
 */
static bool amd_event(struct iot_fault_parser *p, const char *s, const char *drv,
		      const char *dev)
{
	struct iot_fault *r;
	const char *name = s;
	size_t n = 0, i;
	bool has_dev = false, closed = false, unknown;

	while ((name[n] >= 'A' && name[n] <= 'Z') || name[n] == '_')
		n++;
	for (i = 0; i < IOT_ARRAY_SIZE(amd_events); i++)
		if (same_n(name, amd_events[i], n) && !amd_events[i][n])
			break;
	if (i == IOT_ARRAY_SIZE(amd_events) || (name[n] != ' ' && name[n] != ']'))
		return false;
	r = rec_start(p, IOT_FAULT_VENDOR_AMD, IOT_FAULT_KIND_EVENT);
	unknown = STR_IS(amd_events[i], "UNKNOWN");
	rec_event(r, amd_events[i]);
	s += n;
	if (unknown) /* raw event words, no fields (and no closing bracket) */
		s += strlen(s);
	while (*s) {
		const char *key = s;
		size_t kn;
		uint64_t v;

		if (*s == ']') {
			closed = true;
			s++;
			break;
		}
		if (*s != ' ' && *s != ',')
			return false;
		while (*s == ' ' || *s == ',')
			s++;
		key = s;
		while (*s && *s != '=' && *s != ' ' && *s != ']')
			s++;
		kn = (size_t)(s - key);
		if (*s != '=') {
			if (!*s)
				break;
			continue;
		}
		s++;
#define KEY(k) (kn == sizeof(k) - 1 && STARTS(key, k))
		if (KEY("device")) {
			if (!rec_device_pci(r, &s))
				return false;
			has_dev = true;
			continue;
		}
		if (!hexnum(&s, &v))
			return false;
		if (KEY("address") || KEY("gpa") || KEY("spa")) {
			r->addr = v;
			r->present |= IOT_FAULT_HAS_ADDR;
		} else if (KEY("flags")) {
			r->flags = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_FLAGS;
		} else if (KEY("domain")) {
			r->domain = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_DOMAIN;
		} else if (KEY("pasid")) {
			r->pasid = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_PASID;
		}
#undef KEY
		if (!ends(s, ']') && *s != ',')
			return false;
	}
	if (!closed && !unknown)
		return false; /* cut short */
	if (*skip_sp(s))
		return false;
	if (!has_dev && dev && (i == 0 || STARTS(r->event, "RMP_"))) {
		/* pci_err() on the faulting device: its prefix names it and its driver */
		const char *d = dev;

		if (!rec_device_pci(r, &d) || *d)
			return false;
		if (drv && !STR_IS(drv, "pci") && set_name(r->driver, sizeof(r->driver), drv, strlen(drv)))
			r->present |= IOT_FAULT_HAS_DRIVER;
	} else if (dev && set_name(r->unit, sizeof(r->unit), dev, strlen(dev))) {
		r->present |= IOT_FAULT_HAS_UNIT; /* dev_err() on the IOMMU */
	}
	if (STR_IS(r->event, "IO_PAGE_FAULT") || STR_IS(r->event, "ILLEGAL_DEV_TABLE_ENTRY")) {
		uint32_t f = r->flags;

		if (r->present & IOT_FAULT_HAS_FLAGS)
			rec_bits(r, f, amd_flag_names, IOT_ARRAY_SIZE(amd_flag_names));
		if (STR_IS(r->event, "IO_PAGE_FAULT"))
			r->kind = (f & AMD_F_I) ? IOT_FAULT_KIND_INTR_REMAP : IOT_FAULT_KIND_DMA;
		/* the spec: RW only means something when PR=1, TR=0, I=0 */
		if ((r->present & IOT_FAULT_HAS_FLAGS) && (f & AMD_F_PR) &&
		    !(f & (AMD_F_TR | AMD_F_I)))
			rec_access(r, (f & AMD_F_RW) ? IOT_FAULT_ACCESS_WRITE : IOT_FAULT_ACCESS_READ);
	} else if (STR_IS(r->event, "INVALID_PPR_REQUEST")) {
		r->kind = IOT_FAULT_KIND_PAGE_REQUEST;
	}
	emit(p);
	return true;
}

/* After "AMD-Vi:". */
static bool amd(struct iot_fault_parser *p, const char *s, const char *drv, const char *dev)
{
	struct iot_fault *r;

	s = skip_sp(s);
	if (LIT(&s, "Event logged [")) {
		if (LIT(&s, "Device not attached to domain properly]")) {
			r = rec_start(p, IOT_FAULT_VENDOR_AMD, IOT_FAULT_KIND_EVENT);
			rec_event(r, "Device not attached to domain properly");
			hold(p, HOLD_AMD_ATTACH);
			return true;
		}
		if (!*skip_sp(s)) { /* before 4.x the event came on a line of its own */
			rec_start(p, IOT_FAULT_VENDOR_AMD, IOT_FAULT_KIND_EVENT);
			set_text(p->hold_drv, sizeof(p->hold_drv), drv ? drv : "", drv ? strlen(drv) : 0);
			set_text(p->held.unit, sizeof(p->held.unit), dev ? dev : "", dev ? strlen(dev) : 0);
			p->hold_has_ts = p->has_ts;
			p->hold_ts_us = p->ts_us;
			hold(p, HOLD_AMD_EVENT);
			return true;
		}
		return amd_event(p, s, drv, dev);
	}
	if (p->hold == HOLD_AMD_ATTACH && LIT(&s, "device=")) {
		uint64_t v;

		r = &p->held;
		if (!rec_device_pci(r, &s))
			return false;
		if (LIT(&s, " domain=") && hexnum(&s, &v) && v <= UINT32_MAX) {
			r->domain = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_DOMAIN;
		}
		emit(p);
		return true;
	}
	if (LIT(&s, "IOMMU event log overflow")) {
		r = rec_start(p, IOT_FAULT_VENDOR_AMD, IOT_FAULT_KIND_EVENT);
		r->record = IOT_FAULT_REC_LOST;
		emit(p);
		return true;
	}
	return false;
}

/* ---- Arm SMMU v1/v2 and qcom_iommu (drivers/iommu/arm/arm-smmu/) ---- */

static const char *const smmu_fsr_names[] = {
	NULL, "TF", "AFF", "PF", "EF", "TLBMCF", "TLBLKF", "ASF", "UUT", [30] = "SS",
	[31] = "MULTI",
};
static const char *const smmu_gfsr_names[] = {
	"ICF", "USF", "SMCF", "UCBF", "UCIF", "CAF", "EF", "PF", "UUT", [31] = "MULTI",
};
#define SMMU_FSYNR0_WNR 0x10
#define SMMU_FSYNR0_IND 0x40

/* "Unhandled context fault: fsr=0x402, iova=0x9c4b9000, fsynr=0x7c0020, cbfrsynra=0x800, cb=7" */
static bool smmu_context(struct iot_fault_parser *p, const char *s, enum iot_fault_vendor vendor,
			 const char *dev)
{
	struct iot_fault *r = rec_start(p, vendor, IOT_FAULT_KIND_CONTEXT);
	bool fsr = false, fsynr = false, iova = false;
	uint32_t fsynr_v = 0;

	rec_event(r, "context fault");
	if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
		r->present |= IOT_FAULT_HAS_UNIT;
	while (*s) {
		uint64_t v;

		if (LIT(&s, "fsr=")) {
			if (!hex32(&s, &r->reason_code))
				return false;
			fsr = true;
		} else if (LIT(&s, "iova=")) {
			if (!hexnum(&s, &r->addr))
				return false;
			iova = true;
		} else if (LIT(&s, "fsynr=")) {
			if (!hex32(&s, &fsynr_v))
				return false;
			fsynr = true;
		} else if (LIT(&s, "cbfrsynra=")) {
			if (!hexnum(&s, &v))
				return false;
			r->sid = (uint32_t)(v & 0xffff); /* CBFRSYNRA.SID */
			r->present |= IOT_FAULT_HAS_SID;
		} else if (LIT(&s, "cb=")) {
			if (!decnum(&s, &v) || v > 255)
				return false;
			r->domain = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_DOMAIN;
		} else {
			return false;
		}
		if (*s == ',')
			s++;
		s = skip_sp(s);
	}
	if (!iova)
		return false;
	r->present |= IOT_FAULT_HAS_ADDR;
	if (fsr) {
		r->present |= IOT_FAULT_HAS_REASON_CODE;
		rec_bits(r, r->reason_code, smmu_fsr_names, IOT_ARRAY_SIZE(smmu_fsr_names));
	}
	if (fsynr) {
		r->flags = fsynr_v;
		r->present |= IOT_FAULT_HAS_FLAGS;
		rec_access(r, (fsynr_v & SMMU_FSYNR0_IND)   ? IOT_FAULT_ACCESS_EXEC :
			      (fsynr_v & SMMU_FSYNR0_WNR) ? IOT_FAULT_ACCESS_WRITE :
							    IOT_FAULT_ACCESS_READ);
	}
	emit(p);
	return true;
}

/* "\tGFSR 0x%08x, GFSYNR0 0x%08x, GFSYNR1 0x%08x, GFSYNR2 0x%08x" */
static bool smmu_gfsr(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r;
	uint32_t gfsr, syn0;

	if (!hex32(&s, &gfsr) || !LIT(&s, ", GFSYNR0 ") || !hex32(&s, &syn0))
		return false;
	if (p->hold == HOLD_SMMU_GLOBAL && !strcmp(p->held.unit, dev)) {
		r = &p->held;
	} else {
		r = rec_start(p, IOT_FAULT_VENDOR_ARM_SMMU, IOT_FAULT_KIND_GLOBAL);
		rec_event(r, "global fault");
		if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
			r->present |= IOT_FAULT_HAS_UNIT;
	}
	r->reason_code = gfsr;
	r->flags = syn0;
	r->present |= IOT_FAULT_HAS_REASON_CODE | IOT_FAULT_HAS_FLAGS;
	rec_bits(r, gfsr, smmu_gfsr_names, IOT_ARRAY_SIZE(smmu_gfsr_names));
	emit(p);
	return true;
}

static bool smmu_v2(struct iot_fault_parser *p, const char *s, enum iot_fault_vendor vendor,
		    const char *dev)
{
	struct iot_fault *r;
	uint64_t v;

	s = skip_sp(s);
	if (LIT(&s, "Unhandled context fault: "))
		return smmu_context(p, s, vendor, dev);
	if (vendor != IOT_FAULT_VENDOR_ARM_SMMU)
		return false;
	if (LIT(&s, "GFSR "))
		return smmu_gfsr(p, s, dev);
	if (LIT(&s, "Unexpected global fault, this could be serious") ||
	    LIT(&s, "Blocked unknown Stream ID 0x")) {
		bool usf = s[-1] == 'x';

		if (usf && (!hexnum(&s, &v) || v > 0xffff || *s != ';'))
			return false;
		r = rec_start(p, IOT_FAULT_VENDOR_ARM_SMMU, IOT_FAULT_KIND_GLOBAL);
		rec_event(r, "global fault");
		if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
			r->present |= IOT_FAULT_HAS_UNIT;
		if (usf) {
			r->sid = (uint32_t)v;
			r->present |= IOT_FAULT_HAS_SID;
		}
		hold(p, HOLD_SMMU_GLOBAL);
		return true;
	}
	return false;
}

/* ---- Arm SMMUv3 (drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.c) ---- */

/* The four dwords of an event record (Arm IHI 0070, "Event records"). */
static void smmuv3_decode(struct iot_fault *r, const uint64_t *dw, int n)
{
	unsigned int id = (unsigned int)(dw[0] & 0xff);
	const char *name = smmuv3_event_name(id);

	r->reason_code = id;
	r->present |= IOT_FAULT_HAS_REASON_CODE;
	if (name && !(r->present & IOT_FAULT_HAS_EVENT))
		rec_event(r, name);
	if (n < 1)
		return;
	r->sid = (uint32_t)(dw[0] >> 32);
	r->present |= IOT_FAULT_HAS_SID;
	if (dw[0] & (1u << 11)) { /* SSV */
		r->pasid = (uint32_t)((dw[0] >> 12) & 0xfffff);
		r->present |= IOT_FAULT_HAS_PASID;
	}
	if (n >= 2 && id >= 0x10 && id <= 0x13) { /* the translation faults */
		bool rnw = dw[1] >> 35 & 1, ind = dw[1] >> 34 & 1;

		rec_access(r, ind ? IOT_FAULT_ACCESS_EXEC :
			      rnw ? IOT_FAULT_ACCESS_READ : IOT_FAULT_ACCESS_WRITE);
		r->flags = (uint32_t)(dw[1] >> 32);
		r->present |= IOT_FAULT_HAS_FLAGS;
	}
	if (n >= 3 && id >= 0x10 && id <= 0x13) {
		r->addr = dw[2];
		r->present |= IOT_FAULT_HAS_ADDR;
	}
}

/* "event: F_TRANSLATION client: 0000:01:00.0 sid: 0x100 ssid: 0x0 iova: 0x90000f040 ipa: 0x0" */
static bool smmuv3_decoded(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r;
	const char *name = s, *client;
	size_t n = 0;
	uint32_t sid, ssid;
	uint64_t v;

	while (name[n] && name[n] != ' ')
		n++;
	s += n;
	if (!LIT(&s, " client: "))
		return false;
	client = s;
	if (LIT(&s, "(unassigned sid)")) {
		client = NULL;
	} else {
		while (*s && *s != ' ')
			s++;
	}
	const char *cend = s;

	if (!LIT(&s, " sid: ") || !hex32(&s, &sid) || !LIT(&s, " ssid: ") || !hex32(&s, &ssid))
		return false;
	if ((p->hold == HOLD_SMMUV3_DONE || p->hold == HOLD_SMMUV3_RAW) &&
	    !strcmp(p->held.unit, dev) && (p->held.present & IOT_FAULT_HAS_SID) &&
	    p->held.sid == sid) {
		r = &p->held; /* the decoded lines of the dump just read */
	} else {
		r = rec_start(p, IOT_FAULT_VENDOR_ARM_SMMU_V3, IOT_FAULT_KIND_EVENT);
		if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
			r->present |= IOT_FAULT_HAS_UNIT;
		r->sid = sid;
		r->present |= IOT_FAULT_HAS_SID;
	}
	if (n && n < sizeof(r->event) && strncmp(name, "UNKNOWN", n)) {
		set_text(r->event, sizeof(r->event), name, n);
		r->present |= IOT_FAULT_HAS_EVENT;
	}
	if (client) {
		const char *c = client;

		if (pci_addr(&c, r->device, NULL) && c == cend)
			r->present |= IOT_FAULT_HAS_DEVICE;
		else if (set_name(r->device, sizeof(r->device), client, (size_t)(cend - client)))
			r->present |= IOT_FAULT_HAS_DEVICE;
	}
	if (ssid) { /* the kernel prints 0 when SSV is clear */
		r->pasid = ssid;
		r->present |= IOT_FAULT_HAS_PASID;
	}
	if (LIT(&s, " iova: ")) {
		if (!hexnum(&s, &v))
			return false;
		r->addr = v;
		r->present |= IOT_FAULT_HAS_ADDR;
		hold(p, HOLD_SMMUV3_DECODED);
		return true;
	}
	if (LIT(&s, " fetch_addr: ") && hexnum(&s, &v)) {
		r->addr = v;
		r->present |= IOT_FAULT_HAS_ADDR;
	}
	emit(p);
	return true;
}

/* `unpriv data write s1 "Input address caused fault" stag: 0x0` */
static bool smmuv3_access(struct iot_fault_parser *p, const char *s)
{
	struct iot_fault *r = &p->held;
	const char *q, *e;
	bool inst;

	if (!LIT(&s, "priv ") && !LIT(&s, "unpriv "))
		return false;
	if (LIT(&s, "inst "))
		inst = true;
	else if (LIT(&s, "data "))
		inst = false;
	else
		return false;
	if (LIT(&s, "read "))
		rec_access(r, inst ? IOT_FAULT_ACCESS_EXEC : IOT_FAULT_ACCESS_READ);
	else if (LIT(&s, "write "))
		rec_access(r, IOT_FAULT_ACCESS_WRITE);
	else
		return false;
	q = strchr(s, '"');
	e = q ? strchr(q + 1, '"') : NULL;
	if (e)
		rec_reason(r, q + 1, (size_t)(e - q - 1));
	emit(p);
	return true;
}

static bool smmuv3(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r;
	uint64_t v;

	s = skip_sp(s);
	if (LIT(&s, "event 0x")) {
		if (!hexnum(&s, &v) || v > 0xff || !LIT(&s, " received:"))
			return false;
		r = rec_start(p, IOT_FAULT_VENDOR_ARM_SMMU_V3, IOT_FAULT_KIND_EVENT);
		if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
			r->present |= IOT_FAULT_HAS_UNIT;
		p->ndw = 0;
		memset(p->dw, 0, sizeof(p->dw));
		p->dw[0] = v;
		smmuv3_decode(r, p->dw, 0);
		hold(p, HOLD_SMMUV3_RAW);
		return true;
	}
	if (s[0] == '0' && s[1] == 'x' && p->hold == HOLD_SMMUV3_RAW &&
	    !strcmp(p->held.unit, dev)) {
		if (!hexnum(&s, &v) || *skip_sp(s))
			return false;
		if (p->ndw == 0 && (v & 0xff) != p->dw[0])
			return false;
		p->dw[p->ndw++] = v;
		smmuv3_decode(&p->held, p->dw, p->ndw);
		hold(p, p->ndw == 4 ? HOLD_SMMUV3_DONE : HOLD_SMMUV3_RAW);
		return true;
	}
	if (LIT(&s, "event: "))
		return smmuv3_decoded(p, s, dev);
	if (p->hold == HOLD_SMMUV3_DECODED && !strcmp(p->held.unit, dev) && smmuv3_access(p, s))
		return true;
	if (LIT(&s, "EVTQ overflow detected -- events lost") ||
	    LIT(&s, "PRIQ overflow detected -- requests lost")) {
		r = rec_start(p, IOT_FAULT_VENDOR_ARM_SMMU_V3, IOT_FAULT_KIND_EVENT);
		r->record = IOT_FAULT_REC_LOST;
		if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
			r->present |= IOT_FAULT_HAS_UNIT;
		emit(p);
		return true;
	}
	if (LIT(&s, "unexpected global error reported (0x")) {
		if (!hexnum(&s, &v) || v > UINT32_MAX || !LIT(&s, "), this could be serious"))
			return false;
		r = rec_start(p, IOT_FAULT_VENDOR_ARM_SMMU_V3, IOT_FAULT_KIND_GLOBAL);
		rec_event(r, "global error");
		if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
			r->present |= IOT_FAULT_HAS_UNIT;
		r->reason_code = (uint32_t)v;
		r->present |= IOT_FAULT_HAS_REASON_CODE;
		emit(p);
		return true;
	}
	return false;
}

/* ---- SoC IOMMUs ---- */

static struct iot_fault *soc_rec(struct iot_fault_parser *p, enum iot_fault_vendor v,
				 const char *dev, const char *event)
{
	struct iot_fault *r = rec_start(p, v, IOT_FAULT_KIND_DMA);

	if (set_name(r->unit, sizeof(r->unit), dev, strlen(dev)))
		r->present |= IOT_FAULT_HAS_UNIT;
	rec_event(r, event);
	return r;
}

static bool read_write(const char **s, struct iot_fault *r)
{
	if (LIT(s, "read"))
		rec_access(r, IOT_FAULT_ACCESS_READ);
	else if (LIT(s, "write"))
		rec_access(r, IOT_FAULT_ACCESS_WRITE);
	else
		return false;
	return true;
}

/* drivers/iommu/rockchip-iommu.c, rk_iommu_irq() */
static bool rockchip(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r;

	if (LIT(&s, "Page fault at ")) {
		r = soc_rec(p, IOT_FAULT_VENDOR_ROCKCHIP, dev, "page fault");
		if (!hex0x(&s, &r->addr) || !LIT(&s, " of type ") || !read_write(&s, r) ||
		    *skip_sp(s))
			return false;
	} else if (LIT(&s, "BUS_ERROR occurred at ")) {
		r = soc_rec(p, IOT_FAULT_VENDOR_ROCKCHIP, dev, "BUS_ERROR");
		r->kind = IOT_FAULT_KIND_EVENT;
		if (!hex0x(&s, &r->addr) || *skip_sp(s))
			return false;
	} else {
		return false;
	}
	r->present |= IOT_FAULT_HAS_ADDR;
	emit(p);
	return true;
}

/* drivers/iommu/mtk_iommu.c, mtk_iommu_isr(): "fault type=0x%x iova=0x%llx pa=0x%llx
 * master=0x%x(larb=%d port=%d) layer=%d %s" (older: no master=). */
static bool mediatek(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r = soc_rec(p, IOT_FAULT_VENDOR_MEDIATEK, dev, "fault");
	uint64_t pa, larb, port, layer;
	const char *lp;

	if (!LIT(&s, "fault type=") || !hex32(&s, &r->reason_code) || !LIT(&s, " iova=") ||
	    !hexnum(&s, &r->addr) || !LIT(&s, " pa=") || !hexnum(&s, &pa))
		return false;
	if (LIT(&s, " master=")) {
		if (!hex32(&s, &r->flags) || *s++ != '(')
			return false;
		r->present |= IOT_FAULT_HAS_FLAGS;
	} else if (*s++ != ' ') {
		return false;
	}
	lp = s;
	if (!LIT(&s, "larb=") || !decnum(&s, &larb) || !LIT(&s, " port=") || !decnum(&s, &port))
		return false;
	rec_reason(r, lp, (size_t)(s - lp));
	if (*s == ')')
		s++;
	if (!LIT(&s, " layer=") || !decnum(&s, &layer) || *s++ != ' ' || !read_write(&s, r) ||
	    *skip_sp(s))
		return false;
	r->present |= IOT_FAULT_HAS_ADDR | IOT_FAULT_HAS_REASON_CODE;
	emit(p);
	return true;
}

/* drivers/memory/tegra/mc.c, tegra30_mc_handle_irq(): "%s: %s%s @%pa: %s (%s%s)";
 * only the SMMU's own errors are IOMMU faults. */
static bool tegra(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r = soc_rec(p, IOT_FAULT_VENDOR_TEGRA, dev, "SMMU translation error");
	const char *client = s, *paren, *end;
	size_t n = 0;

	while (client[n] && client[n] != ':' && client[n] != ' ')
		n++;
	s += n;
	if (!LIT(&s, ": ") || !set_name(r->device, sizeof(r->device), client, n))
		return false;
	r->present |= IOT_FAULT_HAS_DEVICE;
	LIT(&s, "secure ");
	if (!read_write(&s, r) || !LIT(&s, " @") || !hex0x(&s, &r->addr) || !LIT(&s, ": "))
		return false;
	paren = strrchr(s, '(');
	end = paren ? strrchr(paren, ')') : NULL;
	if (!end || end[1] || !STARTS(paren + 1, "SMMU "))
		return false;
	rec_reason(r, paren + 1, (size_t)(end - paren - 1));
	r->present |= IOT_FAULT_HAS_ADDR;
	emit(p);
	return true;
}

/* drivers/iommu/apple-dart.c: "translation fault: status:0x%x stream:%d code:0x%x (%s) at 0x%llx" */
static bool apple_dart(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r = soc_rec(p, IOT_FAULT_VENDOR_APPLE_DART, dev, "translation fault");
	const char *q;
	uint64_t stream;

	if (!LIT(&s, "translation fault: status:") || !hex32(&s, &r->flags) ||
	    !LIT(&s, " stream:") || !decnum(&s, &stream) || stream > UINT32_MAX ||
	    !LIT(&s, " code:") || !hex32(&s, &r->reason_code) || !LIT(&s, " ("))
		return false;
	q = strstr(s, ") at ");
	if (!q)
		return false;
	rec_reason(r, s, (size_t)(q - s));
	s = q + 5;
	if (!hex0x(&s, &r->addr) || *skip_sp(s))
		return false;
	r->sid = (uint32_t)stream;
	r->present |= IOT_FAULT_HAS_FLAGS | IOT_FAULT_HAS_SID | IOT_FAULT_HAS_REASON_CODE |
		      IOT_FAULT_HAS_ADDR;
	emit(p);
	return true;
}

/* drivers/iommu/ipmmu-vmsa.c, ipmmu_domain_irq() */
static bool renesas(struct iot_fault_parser *p, const char *s, const char *dev)
{
	struct iot_fault *r;

	if (LIT(&s, "Page Table Walk Abort @")) {
		r = soc_rec(p, IOT_FAULT_VENDOR_RENESAS, dev, "Page Table Walk Abort");
	} else if (LIT(&s, "Multiple TLB hits @")) {
		r = soc_rec(p, IOT_FAULT_VENDOR_RENESAS, dev, "Multiple TLB hits");
	} else if (LIT(&s, "Unhandled fault: status ")) {
		r = soc_rec(p, IOT_FAULT_VENDOR_RENESAS, dev, "Unhandled fault");
		if (!hex32(&s, &r->flags) || !LIT(&s, " iova "))
			return false;
		r->present |= IOT_FAULT_HAS_FLAGS;
	} else {
		return false;
	}
	if (!hex0x(&s, &r->addr) || *skip_sp(s))
		return false;
	r->present |= IOT_FAULT_HAS_ADDR;
	emit(p);
	return true;
}

/* ---- line prefixes ---- */

static bool is_month(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

	if (*s < 'A' || *s > 'S')
		return false;
	for (int i = 0; i < 36; i += 3)
		if (same_n(s, months + i, 3) && s[3] == ' ')
			return true;
	return false;
}

/* "[ 1234.567890]": kernel seconds. */
static bool dmesg_ts(const char **s, uint64_t *us)
{
	const char *p = *s + 1;
	uint64_t sec, frac = 0;
	int digits = 0;

	p = skip_sp(p);
	if (!decnum(&p, &sec) || *p++ != '.' || sec > UINT64_MAX / 1000000 - 1)
		return false;
	for (; is_dig(*p); p++, digits++)
		if (digits < 6)
			frac = frac * 10 + (uint64_t)(*p - '0');
	if (!digits || *p++ != ']')
		return false;
	for (; digits < 6; digits++)
		frac *= 10;
	*us = sec * 1000000 + frac;
	*s = p;
	return true;
}

/* "[Fri Apr  7 00:04:33 2023]" (dmesg -T), "[Apr 7 00:04]" or "[  +0.000123]" (dmesg -H). */
static bool dmesg_bracket(const char **s)
{
	const char *p = *s + 1;
	bool digit = false;

	for (int i = 0; i < 40 && *p && *p != ']'; i++, p++) {
		if (is_dig(*p))
			digit = true;
		else if (!(*p == ' ' || *p == ':' || *p == '.' || *p == '+' ||
			   (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')))
			return false;
	}
	if (*p != ']' || !digit)
		return false;
	*s = p + 1;
	return true;
}

/*
 * Strip what wraps a kernel message: paste quoting, /dev/kmsg "pri,seq,us,flags;",
 * "<3>", dmesg -x "kern  :err   : ", syslog and journal dates and "host kernel: ",
 * dmesg's "[ ts]" (or -T, -H) and "[ T123]" caller ids. NULL: not a kernel line.
 */
static const char *strip_prefix(struct iot_fault_parser *p, const char *s)
{
	uint64_t v;

	p->has_ts = false;
	p->word = NULL;
	for (;;) {
		s = skip_sp(s);
		if (*s != '>' && *s != '|')
			break;
		s++;
	}
	if (is_dig(*s)) {
		const char *q = s;
		uint64_t us;

		if (decnum(&q, &v) && *q++ == ',' && decnum(&q, &v) && *q++ == ',' &&
		    decnum(&q, &us) && *q == ',') { /* /dev/kmsg */
			/* the flags before ';' are short; never look past the line's end */
			size_t left = (size_t)(p->end - q);
			const char *semi = memchr(q, ';', left < 16 ? left : 16);

			if (semi) {
				p->has_ts = true;
				p->ts_us = us;
				return semi + 1;
			}
		}
		q = s;
		if (decnum(&q, &v) && v >= 1970 && *q == '-') { /* journal short-iso */
			const char *k = strstr(q, " kernel: ");

			if (!k || k - s > 96)
				return NULL;
			s = k + 9;
		}
	} else if (is_month(s)) { /* syslog, journal short and short-precise */
		const char *k = strstr(s, " kernel: ");

		if (!k || k - s > 96)
			return NULL;
		s = k + 9;
	} else if (*s == '<' && is_dig(s[1])) {
		const char *q = s + 1;

		if (decnum(&q, &v) && *q == '>')
			s = q + 1;
	} else if (*s >= 'a' && *s <= 'z') { /* dmesg -x "kern  :err   : " */
		const char *q = s;

		while (*q >= 'a' && *q <= 'z')
			q++;
		q = skip_sp(q);
		if (*q == ':' && q - s <= 8) {
			q++;
			while (*q >= 'a' && *q <= 'z')
				q++;
			q = skip_sp(q);
			if (*q == ':' && q[1] == ' ')
				s = q + 2;
		}
	}
	s = skip_sp(s);
	LIT(&s, "kernel: "); /* a syslog paste with the date cut off */
	if (*s == '[') {
		if (dmesg_ts(&s, &p->ts_us)) {
			const char *q;

			p->has_ts = true;
			s = skip_sp(s);
			/* journalctl -o short-monotonic: "[ ts] host kernel: " (host optional) */
			if (!LIT(&s, "kernel: ")) {
				q = s;
				while (name_char(*q) && *q != ':')
					q++;
				if (q != s && STARTS(q, " kernel: ")) {
					s = q + 9;
				} else {
					p->word = s; /* dev_prefix() scans the same */
					p->word_len = (size_t)(q - s);
				}
			}
		} else if (!dmesg_bracket(&s)) {
			return s;
		}
		s = skip_sp(s);
		/* "[ T123]" / "[  C0]" caller id */
		if (*s == '[') {
			const char *q = skip_sp(s + 1);

			if ((*q == 'T' || *q == 'C') && is_dig(q[1])) {
				q++;
				while (is_dig(*q))
					q++;
				if (*q == ']')
					s = skip_sp(q + 1);
			}
		}
	}
	return s;
}

/* ---- suppressed callbacks, enumeration, tracepoint ---- */

static const struct { const char *prefix; enum iot_fault_vendor vendor; } suppress_fns[] = {
	{ "dmar_", IOT_FAULT_VENDOR_INTEL },          { "intel_", IOT_FAULT_VENDOR_INTEL },
	{ "prq_", IOT_FAULT_VENDOR_INTEL },           { "amd_iommu", IOT_FAULT_VENDOR_AMD },
	{ "iommu_print_event", IOT_FAULT_VENDOR_AMD }, { "arm_smmu_evtq", IOT_FAULT_VENDOR_ARM_SMMU_V3 },
	{ "arm_smmu_priq", IOT_FAULT_VENDOR_ARM_SMMU_V3 }, { "arm_smmu_gerror", IOT_FAULT_VENDOR_ARM_SMMU_V3 },
	{ "arm_smmu_", IOT_FAULT_VENDOR_ARM_SMMU },   { "qcom_iommu", IOT_FAULT_VENDOR_QUALCOMM },
	{ "rk_iommu", IOT_FAULT_VENDOR_ROCKCHIP },    { "mtk_iommu", IOT_FAULT_VENDOR_MEDIATEK },
	{ "tegra30_mc", IOT_FAULT_VENDOR_TEGRA },     { "apple_dart", IOT_FAULT_VENDOR_APPLE_DART },
	{ "ipmmu_", IOT_FAULT_VENDOR_RENESAS },
};

/* "<fn>: N callbacks suppressed" (lib/ratelimit.c), "printk: " in front on some releases. */
static bool suppressed(struct iot_fault_parser *p, const char *s)
{
	const char *fn;
	size_t n = 0;
	uint64_t v;

	LIT(&s, "printk: ");
	fn = s;
	while (fn[n] && (name_char(fn[n]) && fn[n] != ':'))
		n++;
	s += n;
	if (!n || !LIT(&s, ": ") || !decnum(&s, &v) || !LIT(&s, " callbacks suppressed") ||
	    *skip_sp(s))
		return false;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(suppress_fns); i++) {
		size_t pl = strlen(suppress_fns[i].prefix);

		if (n >= pl && !strncmp(fn, suppress_fns[i].prefix, pl)) {
			struct iot_fault *r = rec_start(p, suppress_fns[i].vendor,
							IOT_FAULT_KIND_UNKNOWN);

			r->record = IOT_FAULT_REC_SUPPRESSED;
			r->count = v;
			set_text(r->event, sizeof(r->event), fn, n);
			r->present |= IOT_FAULT_HAS_EVENT;
			emit(p);
			return true;
		}
	}
	return false;
}

/* "pci 0000:00:02.0: [8086:3e92] type 00 class 0x030000", "... Adding to iommu group 1" */
static bool pci_enum(struct iot_fault_parser *p, const char *s, uint32_t key)
{
	struct fault_dev *d;
	uint64_t v, did, cls;

	if (LIT(&s, "Adding to iommu group ")) {
		if (!decnum(&s, &v) || v > INT32_MAX || *skip_sp(s))
			return false;
		d = dev_slot(p, key, true);
		if (d)
			d->group = (int)v;
		return d != NULL;
	}
	if (*s == '[' && is_hex(s[1])) {
		s++;
		if (!hexnum(&s, &v) || v > 0xffff || *s++ != ':' || !hexnum(&s, &did) ||
		    did > 0xffff || !LIT(&s, "] type ") || !hexnum(&s, &cls) ||
		    !LIT(&s, " class 0x") || !hexnum(&s, &cls) || cls > 0xffffff || !ends(s, 0))
			return false;
		d = dev_slot(p, key, true);
		if (!d)
			return false;
		d->vendor = (uint16_t)v;
		d->device = (uint16_t)did;
		d->class = (uint32_t)cls;
		d->ids = true;
		return true;
	}
	return false;
}

/* "iommu: Adding device 0000:00:02.0 to group 1" (before 5.x) */
static void iommu_enum_old(struct iot_fault_parser *p, const char *s)
{
	char addr[16];
	uint32_t key;
	uint64_t v;
	struct fault_dev *d;

	if (!pci_addr(&s, addr, &key) || !LIT(&s, " to group ") || !decnum(&s, &v) ||
	    v > INT32_MAX || *skip_sp(s))
		return;
	d = dev_slot(p, key, true);
	if (d)
		d->group = (int)v;
}

/* @n name bytes (already scanned as such) as a string, if they fit in @cap. */
static bool set_scanned(char *dst, size_t cap, const char *src, size_t n)
{
	if (n > cap - 1)
		return false;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return true;
}

/*
 * A dev_printk prefix "<driver or bus> <device>: ": what the IOMMU drivers and
 * pci_err() print. Returns the message after it, or NULL.
 */
static const char *dev_prefix(struct iot_fault_parser *p, const char *s, char *drv, size_t drvlen,
			      char *dev, size_t devlen)
{
	const char *a = s, *b;
	size_t n = 0, m = 0;

	if (a == p->word) {
		n = p->word_len;
	} else {
		while (name_char(a[n]) && a[n] != ':')
			n++;
	}
	if (!n || a[n] != ' ')
		return NULL;
	b = a + n + 1;
	while (name_char(b[m]))
		m++;
	/* the device name ends at ": " (it may hold colons itself) */
	while (m && b[m - 1] != ':')
		m--;
	if (m < 2 || b[m] != ' ')
		return NULL;
	if (!set_scanned(drv, drvlen, a, n) || !set_scanned(dev, devlen, b, m - 1))
		return NULL;
	return b + m + 1;
}

/* The iommu:io_page_fault tracepoint: "... 123.456789: io_page_fault: IOMMU:drv dev iova=0x... flags=0x..." */
static bool tracepoint(struct iot_fault_parser *p, const char *line, const char *at)
{
	struct iot_fault *r = rec_start(p, IOT_FAULT_VENDOR_UNKNOWN, IOT_FAULT_KIND_DMA);
	const char *s = at + 21, *t, *q;
	char drv[32], dev[64];
	size_t n = 0;
	uint32_t flags;

	rec_event(r, "io_page_fault");
	while (name_char(s[n]))
		n++;
	if (!set_name(drv, sizeof(drv), s, n) || s[n] != ' ')
		return false;
	s += n + 1;
	n = 0;
	while (name_char(s[n]))
		n++;
	if (!set_name(dev, sizeof(dev), s, n) || s[n] != ' ')
		return false;
	s += n;
	if (!LIT(&s, " iova=") || !hex0x(&s, &r->addr) || !LIT(&s, " flags=") ||
	    !hex32(&s, &flags) || *skip_sp(s))
		return false;
	q = dev;
	if (pci_addr(&q, r->device, NULL) && !*q)
		r->present |= IOT_FAULT_HAS_DEVICE;
	else if (set_name(r->device, sizeof(r->device), dev, strlen(dev)))
		r->present |= IOT_FAULT_HAS_DEVICE;
	memcpy(r->driver, drv, sizeof(drv));
	r->flags = flags;
	r->present |= IOT_FAULT_HAS_DRIVER | IOT_FAULT_HAS_ADDR | IOT_FAULT_HAS_FLAGS;
	rec_access(r, (flags & 1) ? IOT_FAULT_ACCESS_WRITE : IOT_FAULT_ACCESS_READ); /* IOMMU_FAULT_WRITE */
	/* the trace timestamp: "   123.456789: io_page_fault:" */
	t = at - 2;
	while (t > line && t[-1] != ' ')
		t--;
	if (t < at - 2) {
		const char *d = t;
		uint64_t sec, frac = 0;
		int digits = 0;

		if (decnum(&d, &sec) && *d++ == '.' && sec < UINT64_MAX / 1000000 - 1) {
			for (; is_dig(*d); d++, digits++)
				if (digits < 6)
					frac = frac * 10 + (uint64_t)(*d - '0');
			if (digits && d == at - 2) {
				for (; digits < 6; digits++)
					frac *= 10;
				r->timestamp_us = sec * 1000000 + frac;
				r->present |= IOT_FAULT_HAS_TIMESTAMP;
			}
		}
	}
	emit(p);
	return true;
}

/* One kernel message, prefixes gone. */
static bool parse_msg(struct iot_fault_parser *p, const char *line, const char *m)
{
	char drv[32], dev[64];
	const char *rest;
	size_t len;

	switch (m[0]) {
	case 'D':
		if (STARTS(m, "DMAR:"))
			return vtd(p, m + 5);
		break;
	case 'd':
		if (STARTS(m, "dmar:"))
			return vtd(p, m + 5);
		break;
	case 'I':
		if (STARTS(m, "INTR-REMAP:"))
			return vtd(p, m);
		break;
	case 'A':
		if (STARTS(m, "AMD-Vi:"))
			return amd(p, m + 7, NULL, NULL);
		break;
	case 'i':
		if (STARTS(m, "iommu: Adding device ")) {
			iommu_enum_old(p, m + 21);
			return false;
		}
		break;
	default:
		break;
	}
	if (p->hold == HOLD_AMD_EVENT && m[0] >= 'A' && m[0] <= 'Z') {
		/* the event on the line after "Event logged [" */
		char hdrv[32], hdev[64];

		memcpy(hdrv, p->hold_drv, sizeof(hdrv));
		memcpy(hdev, p->held.unit, sizeof(hdev));
		p->has_ts = p->hold_has_ts; /* the record is as old as its first line */
		p->ts_us = p->hold_ts_us;
		return amd_event(p, m, hdrv[0] ? hdrv : NULL, hdev[0] ? hdev : NULL);
	}
	len = (size_t)(p->end - m); /* m is inside p->buf, which has no NUL before p->end */
	if (len > 21 && STR_IS(m + len - 20, "callbacks suppressed"))
		return suppressed(p, m);

	rest = dev_prefix(p, m, drv, sizeof(drv), dev, sizeof(dev));
	if (rest) {
		const char *d = dev;
		char addr[16];
		uint32_t key;

		if (STARTS(rest, "AMD-Vi: "))
			return amd(p, rest + 7, drv, dev);
		switch (drv[0]) {
		case 'a':
			if (STR_IS(drv, "arm-smmu"))
				return smmu_v2(p, rest, IOT_FAULT_VENDOR_ARM_SMMU, dev);
			if (STR_IS(drv, "arm-smmu-v3"))
				return smmuv3(p, rest, dev);
			if (STR_IS(drv, "apple-dart"))
				return apple_dart(p, rest, dev);
			break;
		case 'i':
			if (STR_IS(drv, "ipmmu-vmsa"))
				return renesas(p, rest, dev);
			break;
		case 'm':
			if (STARTS(drv, "mtk-iommu") || STARTS(drv, "mtk_iommu"))
				return mediatek(p, rest, dev);
			break;
		case 'p':
			if (STR_IS(drv, "pci") && pci_addr(&d, addr, &key) && !*d) {
				pci_enum(p, rest, key);
				return false;
			}
			d = dev;
			break;
		case 'q':
			if (STARTS(drv, "qcom-iommu") || STARTS(drv, "qcom_iommu"))
				return smmu_v2(p, rest, IOT_FAULT_VENDOR_QUALCOMM, dev);
			break;
		case 'r':
			if (STR_IS(drv, "rk_iommu"))
				return rockchip(p, rest, dev);
			break;
		case 't':
			if (STR_IS(drv, "tegra-mc"))
				return tegra(p, rest, dev);
			break;
		default:
			break;
		}
		/* a driver speaking about its PCI device: remember who drives it */
		if (pci_addr(&d, addr, &key) && !*d) {
			struct fault_dev *fd = dev_slot(p, key, true);

			if (fd && strcmp(fd->driver, drv))
				set_text(fd->driver, sizeof(fd->driver), drv, strlen(drv));
			if (STARTS(rest, "Adding to iommu group "))
				pci_enum(p, rest, key);
		}
		return false;
	}
	(void)line;
	return false;
}

/* 16 bytes as one value: GCC's generic vectors, SSE2 on x86-64, NEON on arm64 */
typedef unsigned char bytes16 __attribute__((vector_size(16)));

static inline bool copy16(char *dst, const char *src)
{
	bytes16 v, zero;
	uint64_t z[2];

	memcpy(&v, src, 16);
	zero = (bytes16)(v == 0);
	memcpy(z, &zero, 16);
	if (z[0] | z[1])
		return false;
	memcpy(dst, &v, 16);
	return true;
}

/*
 * Copy a line into @dst and end it with a NUL; false if it holds a NUL itself (no text
 * line does). One pass, 16 bytes at a time, the last block overlapping the one before:
 * a memchr then a memcpy read every line twice.
 */
static bool copy_line(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	if (n < 16) {
		for (; i < n; i++) {
			if (!src[i])
				return false;
			dst[i] = src[i];
		}
	} else {
		for (; i + 16 < n; i += 16)
			if (!copy16(dst + i, src + i))
				return false;
		if (!copy16(dst + n - 16, src + n - 16))
			return false;
	}
	dst[n] = '\0';
	return true;
}

int iot_fault_parser_feed(struct iot_fault_parser *p, const char *line, size_t len,
			  iot_fault_fn fn, void *data)
{
	const char *m, *tp;

	if (!p || (!line && len))
		return -EINVAL;
	if (!line)
		line = "";
	p->fn = fn;
	p->data = data;
	p->delivered = 0;
	p->err = 0;
	p->lines++;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len > FAULT_LINE_MAX || !copy_line(p->buf, line, len)) {
		release_held(p);
		goto out;
	}
	p->end = p->buf + len;

	p->fresh = false;
	m = strip_prefix(p, p->buf);
	if (m && parse_msg(p, p->buf, m))
		goto aged;
	if (!m || !*m)
		goto aged;
	/* the tracepoint's lines have their own prefix: "task-pid [cpu] flags ts: "; a
	 * dmesg line (it has a kernel time) is none of them */
	if (p->has_ts)
		goto aged;
	tp = memmem(p->buf, len, "io_page_fault: IOMMU:", 21);
	if (tp)
		tracepoint(p, p->buf, tp);
aged:
	/* a held record ends when its continuation cannot come any more */
	if (p->hold != HOLD_NONE && !p->fresh) {
		bool optional = p->hold == HOLD_SMMUV3_DONE || p->hold == HOLD_SMMUV3_DECODED ||
				p->hold == HOLD_VTD_REASON || p->hold == HOLD_VTD_IR_REASON;

		if (optional || ++p->age >= FAULT_HOLD)
			release_held(p);
	}
out:
	return p->err ? p->err : p->delivered;
}

int iot_fault_parser_flush(struct iot_fault_parser *p, iot_fault_fn fn, void *data)
{
	if (!p)
		return -EINVAL;
	p->fn = fn;
	p->data = data;
	p->delivered = 0;
	p->err = 0;
	release_held(p);
	return p->err ? p->err : p->delivered;
}

void iot_fault_parser_stats(const struct iot_fault_parser *p, uint64_t *lines, uint64_t *matched)
{
	if (lines)
		*lines = p ? p->lines : 0;
	if (matched)
		*matched = p ? p->matched : 0;
}

int iot_fault_parser_new(struct iot_fault_parser **out)
{
	struct iot_fault_parser *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	*out = p;
	return 0;
}

void iot_fault_parser_free(struct iot_fault_parser *p)
{
	if (!p)
		return;
	free(p->devs);
	free(p);
}

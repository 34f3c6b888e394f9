/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-faults.h - the IOMMU fault engine's parser: kernel log lines in,
 * fault records out. Pure functions, no I/O: the caller reads the log (dmesg,
 * journal, syslog, /dev/kmsg, a paste) and feeds it one line at a time. Its
 * aggregator: those records in, counters by key and rates out.
 *
 * Conventions: functions that can fail return 0 (or a count) on success and a
 * negative errno on failure. Records handed to the callback belong to the
 * parser and are valid only during the call; copy what you keep. The parser
 * only ever appends fields to struct iot_fault, so a caller built against an
 * older header reads a prefix of a newer record correctly.
 */
#ifndef IOMMU_TOOLS_FAULTS_H
#define IOMMU_TOOLS_FAULTS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What a record stands for. Only IOT_FAULT_REC_FAULT is a fault. */
enum iot_fault_record {
	IOT_FAULT_REC_FAULT = 0,  /* one fault (or event) the kernel logged */
	IOT_FAULT_REC_SUPPRESSED, /* "<fn>: N callbacks suppressed": count = N, event = fn */
	IOT_FAULT_REC_INTERRUPT,  /* a fault interrupt's banner ("DRHD: handling fault status
				   * reg 2"): not a fault, one per logged interrupt */
	IOT_FAULT_REC_LOST,       /* the hardware or driver says records were lost (queue
				   * or log overflow) */
};

enum iot_fault_vendor {
	IOT_FAULT_VENDOR_UNKNOWN = 0, /* the tracepoint names no IOMMU */
	IOT_FAULT_VENDOR_INTEL,       /* VT-d, "DMAR" */
	IOT_FAULT_VENDOR_AMD,         /* AMD-Vi */
	IOT_FAULT_VENDOR_ARM_SMMU,    /* Arm SMMU v1/v2 (arm-smmu) */
	IOT_FAULT_VENDOR_ARM_SMMU_V3,
	IOT_FAULT_VENDOR_ROCKCHIP,
	IOT_FAULT_VENDOR_MEDIATEK,
	IOT_FAULT_VENDOR_TEGRA,       /* the Tegra memory controller's SMMU errors */
	IOT_FAULT_VENDOR_APPLE_DART,
	IOT_FAULT_VENDOR_RENESAS,     /* IPMMU-VMSA */
	IOT_FAULT_VENDOR_QUALCOMM,    /* qcom_iommu */
};

enum iot_fault_kind {
	IOT_FAULT_KIND_UNKNOWN = 0,
	IOT_FAULT_KIND_DMA,          /* a DMA translation fault */
	IOT_FAULT_KIND_INTR_REMAP,   /* an interrupt-remapping fault */
	IOT_FAULT_KIND_EVENT,        /* another event-log entry (AMD-Vi, SMMUv3) */
	IOT_FAULT_KIND_CONTEXT,      /* SMMUv2 context-bank fault */
	IOT_FAULT_KIND_GLOBAL,       /* SMMU global fault or error */
	IOT_FAULT_KIND_PAGE_REQUEST, /* a page request the IOMMU could not serve */
};

enum iot_fault_access {
	IOT_FAULT_ACCESS_UNKNOWN = 0,
	IOT_FAULT_ACCESS_READ,
	IOT_FAULT_ACCESS_WRITE,
	IOT_FAULT_ACCESS_EXEC,
};

/* struct iot_fault.present: which fields hold a value. Absent fields are zero. */
#define IOT_FAULT_HAS_UNIT        (1u << 0)
#define IOT_FAULT_HAS_DEVICE      (1u << 1)
#define IOT_FAULT_HAS_GROUP       (1u << 2)
#define IOT_FAULT_HAS_DRIVER      (1u << 3)
#define IOT_FAULT_HAS_NAME        (1u << 4)
#define IOT_FAULT_HAS_ADDR        (1u << 5)
#define IOT_FAULT_HAS_ACCESS      (1u << 6)
#define IOT_FAULT_HAS_REASON_CODE (1u << 7)
#define IOT_FAULT_HAS_REASON      (1u << 8)
#define IOT_FAULT_HAS_PASID       (1u << 9)
#define IOT_FAULT_HAS_DOMAIN      (1u << 10)
#define IOT_FAULT_HAS_FLAGS       (1u << 11)
#define IOT_FAULT_HAS_TIMESTAMP   (1u << 12)
#define IOT_FAULT_HAS_SID         (1u << 13)
#define IOT_FAULT_HAS_PCI_IDS     (1u << 14)
#define IOT_FAULT_HAS_EVENT       (1u << 15)
#define IOT_FAULT_HAS_RESPONSE    (1u << 16)

struct iot_fault {
	enum iot_fault_record record;
	unsigned int present;        /* IOT_FAULT_HAS_* */
	enum iot_fault_vendor vendor;
	enum iot_fault_kind kind;
	enum iot_fault_access access;
	char event[48];   /* the kernel's name for it: "IO_PAGE_FAULT", "F_TRANSLATION",
			   * "DMA Write"; for SUPPRESSED the function ("dmar_fault") */
	char unit[64];    /* the IOMMU as the log names it: "arm-smmu-v3.0.auto", "ivhd0",
			   * "0000:00:00.2"; VT-d fault lines name none */
	char device[64];  /* "0000:00:02.0" (domain added when the log has none), or a
			   * platform device or memory-controller client name */
	char driver[32];  /* the device's driver, from the line's own prefix or an
			   * earlier line of the same log */
	char name[64];    /* left for the caller (a name from pci.ids); never set here */
	char reason[96];  /* decoded reason: the VT-d text, AMD-Vi flag names ("PR RW"),
			   * SMMU FSR bits ("TF"), SMMUv3 class */
	int group;        /* IOMMU group, from "Adding to iommu group N" in the same log */
	uint16_t pci_vendor, pci_device; /* from "pci 0000:..: [vvvv:dddd] type .. class .." */
	uint32_t pci_class;
	uint64_t addr;        /* the faulting address (IOVA, GPA or DMA address) */
	uint32_t reason_code; /* VT-d fault reason, SMMU FSR/GFSR, SMMUv3 event id, ... */
	uint32_t pasid;       /* PASID or SMMUv3 SubstreamID */
	uint32_t domain;      /* AMD-Vi domain id; SMMUv2 context bank */
	uint32_t sid;         /* Arm StreamID, DART stream */
	uint32_t flags;       /* the raw flags or status word the line printed; the
			       * interrupt-remapping table index of a VT-d INTR-REMAP fault */
	uint64_t timestamp_us; /* kernel time (seconds since boot) in microseconds */
	uint64_t count;        /* records this line stands for: 1, or N suppressed */
	char response[48];     /* a page request's answer ("success", "invalid", "map",
				* "invalid (map: ...)"): iot_faultq_to_fault(); never from a log */
};

struct iot_fault_parser;

/* Called once per record; a negative return stops the feed and is returned by it. */
typedef int (*iot_fault_fn)(void *data, const struct iot_fault *rec);

/* A parser with its own state (held multi-line records, the log's PCI devices). */
int iot_fault_parser_new(struct iot_fault_parser **out);
void iot_fault_parser_free(struct iot_fault_parser *p);

/*
 * iot_fault_parser_feed - one line of a kernel log.
 * @line, @len: the bytes of the line; a trailing "\n" or "\r\n" is allowed, NUL
 *              bytes and invalid UTF-8 are just bytes. Lines longer than 4 KiB
 *              are no kernel line and are skipped.
 * @fn, @data: receive 0..n records: a record held from earlier lines (a
 *             multi-line form this line ends) comes before this line's own.
 *
 * Lines that are not understood are skipped, never guessed at.
 * Returns the number of records delivered, or the first negative value @fn
 * returned (the parser stays usable; undelivered records are dropped), or
 * -ENOMEM when memory ran out: what the log said about a device may be lost
 * and later records would lack it, so a caller stops there.
 */
int iot_fault_parser_feed(struct iot_fault_parser *p, const char *line, size_t len,
			  iot_fault_fn fn, void *data);

/* End of input: deliver a multi-line record still held. Returns as _feed. */
int iot_fault_parser_flush(struct iot_fault_parser *p, iot_fault_fn fn, void *data);

/* Lines fed so far and how many of them made a record (for headers and tests). */
void iot_fault_parser_stats(const struct iot_fault_parser *p, uint64_t *lines,
			    uint64_t *matched);

/* Short lowercase names ("intel", "arm-smmu-v3", "intr-remap", "write"), NULL if out of range. */
const char *iot_fault_record_name(enum iot_fault_record r);
const char *iot_fault_vendor_name(enum iot_fault_vendor v);
const char *iot_fault_kind_name(enum iot_fault_kind k);
const char *iot_fault_access_name(enum iot_fault_access a);

/* The kernel's text for a VT-d fault reason code ("PTE Write access is not set"), or NULL. */
const char *iot_fault_vtd_reason(unsigned int code);

/* ---- recordings: one record as one line of JSON ------------------------- */

/*
 * iot_fault_to_json - @rec as one line of JSON, without the newline: the keys
 * record, vendor, kind, event, unit, device, group, driver, name, pci_id,
 * pci_class, addr, access, reason_code, reason, pasid, domain, sid, flags,
 * response, timestamp and count, in that order, each only when present (record and
 * count always; vendor and kind when known). Text fields are written as the
 * parser makes them, printable ASCII; any other byte is written as '?'.
 * Returns: the length written (NUL-terminated), -ENOSPC when @buf is too
 * small (1 KiB always suffices), -EINVAL for an unknown record type.
 */
#define IOT_FAULT_JSON_MAX 1024
int iot_fault_to_json(const struct iot_fault *rec, char *buf, size_t len);

/*
 * iot_fault_from_json - a line iot_fault_to_json() wrote, back into @rec, so
 * that a recording replays as the log it was made from. Keys it does not
 * know are skipped (a later release's), values are checked as the parser
 * checks a log (names of [A-Za-z0-9_.:@+-], text of printable ASCII).
 * Returns: 0, or -EINVAL when @line is no such record (@rec untouched).
 */
int iot_fault_from_json(const char *line, size_t len, struct iot_fault *rec);

/* ---- aggregation: fault records in, counters by key out ------------------ */

/*
 * An aggregator counts the records a parser delivers, grouped by one key, in
 * bounded memory: at most max_keys rows, the records of any further key
 * folded into one "(other)" row. Time is EVENT time, the record's kernel
 * timestamp, so a replayed log gives the figures a live run gave; a record
 * without one takes the clock value the caller passes with it, which must be
 * on the same clock (kernel time since boot). Memory: no allocation per
 * record once its key has a row; no I/O, no printing, no global state.
 */

/* What rows are keyed by. */
enum iot_agg_by {
	IOT_AGG_BY_DEVICE = 0, /* the faulting device (the default) */
	IOT_AGG_BY_GROUP,      /* its IOMMU group */
	IOT_AGG_BY_UNIT,       /* the IOMMU unit */
	IOT_AGG_BY_REASON,     /* the decoded reason, else the kernel's event name */
	IOT_AGG_BY_DRIVER,     /* the device's driver */
	IOT_AGG_BY_PAGE,       /* the 4 KiB page of addr */
};

enum iot_agg_row_type {
	IOT_AGG_ROW_KEY = 0, /* one key's records */
	IOT_AGG_ROW_NONE,    /* faults that name no value for the key: "(none)" */
	IOT_AGG_ROW_OTHER,   /* keys past max_keys, folded together: "(other)" */
};

/* Columns a view sorts by; ties are broken by the key, ascending. */
enum iot_agg_sort {
	IOT_AGG_SORT_TOTAL = 0,
	IOT_AGG_SORT_RATE1,
	IOT_AGG_SORT_RATE10,
	IOT_AGG_SORT_RATE60,
	IOT_AGG_SORT_LAST_SEEN,
	IOT_AGG_SORT_FIRST_SEEN,
	IOT_AGG_SORT_KEY,     /* numerically for group and page, naturally for text */
};

#define IOT_AGG_MAX_KEYS_DEFAULT 4096
#define IOT_AGG_MAX_KEYS_LIMIT   (1u << 20) /* the most iot_agg_new accepts */
#define IOT_AGG_SECONDS          60 /* the longest rate window and the sparkline's length */

/*
 * One row of a view: a copy, valid until iot_agg_view_free(). Allocated by the
 * library and reached through view->rows[i]; fields are only ever appended.
 * Rates are faults per second over the 1, 10 or 60 whole seconds of event
 * time ending with the second that holds the view's now_us.
 */
struct iot_agg_row {
	enum iot_agg_row_type type;
	const char *key;      /* "0000:00:02.0", "14", "ivhd0", "i915", "0x9c000000" (page
			       * address), a reason; "(none)" or "(other)" */
	uint64_t total;       /* sum of the records' count */
	double rate1, rate10, rate60;
	uint64_t first_us, last_us; /* earliest and latest event time; after the clock went
				     * back (a later boot in a replayed log) the records of
				     * the new boot count as the latest */
	unsigned int present; /* IOT_FAULT_HAS_ADDR: last_addr holds a value */
	uint64_t last_addr;   /* of the latest record */
	const char *last_reason; /* of the latest record: reason, else event name, else "" */
	uint32_t spark[IOT_AGG_SECONDS]; /* faults per second; [IOT_AGG_SECONDS - 1] is
					  * the second holding now_us */
	unsigned int vendors; /* bit (1u << enum iot_fault_vendor) of every record counted */
	unsigned int kinds;   /* bit (1u << enum iot_fault_kind) of every record counted */
	const char *device;   /* the device all its records named; "" none, NULL several */
	const char *unit;     /* the same for the IOMMU unit */
	uint64_t folded_keys;    /* IOT_AGG_ROW_OTHER: distinct keys folded (a lower
				  * bound once view->folded_keys_capped) */
	uint64_t folded_records; /* IOT_AGG_ROW_OTHER: records folded */
};

/* Suppressed records ("dmar_fault: 893 callbacks suppressed") of one function. */
struct iot_agg_source {
	const char *name;     /* "dmar_fault"; "(other)" past the first 32 names */
	uint64_t count;
};

/* A view: library-allocated, fields only appended, lists are arrays of pointers. */
struct iot_agg_view {
	enum iot_agg_by by;
	uint64_t now_us;      /* the time the rates and sparklines are for */
	uint64_t faults;      /* all faults (sum of count), filtered out or not */
	double rate1, rate10, rate60;
	uint32_t spark[IOT_AGG_SECONDS];
	uint64_t first_us, last_us; /* of all faults; 0 when there were none */
	uint64_t suppressed;  /* the counts of all suppressed records */
	uint64_t interrupts;  /* fault interrupts the log announced (VT-d DRHD banners) */
	uint64_t lost;        /* records the hardware or the log says were lost */
	uint64_t keys;        /* distinct keys with a row of their own */
	uint64_t folded_keys, folded_records; /* as the "(other)" row's */
	int folded_keys_capped; /* folded_keys stopped counting (too many to remember) */
	size_t bytes;         /* memory the aggregator holds */
	struct iot_agg_row **rows; /* sorted and filtered; "(other)" always last */
	size_t n_rows;
	struct iot_agg_source **sources; /* in order of first appearance */
	size_t n_sources;
};

/*
 * What a view shows. Caller-allocated: pass sizeof(struct iot_agg_query) as
 * the caller knows it; fields are only appended and a zeroed query asks for
 * every row, by total, descending, at the latest event time.
 */
struct iot_agg_query {
	enum iot_agg_sort sort;
	int ascending;        /* 0: largest (latest, last key) first */
	uint64_t now_us;      /* 0: the latest event time seen */
	unsigned int vendors; /* rows with a record of one of these (1u << vendor); 0 any */
	unsigned int kinds;   /* rows with a record of one of these (1u << kind); 0 any */
	const char *device;   /* rows whose records all named this device; "03:00.0"
			       * means "0000:03:00.0"; NULL any */
	const char *unit;     /* rows whose records all named this unit; NULL any */
};
#define IOT_AGG_QUERY_SIZE_VER0 (offsetof(struct iot_agg_query, unit) + sizeof(const char *))

struct iot_agg;

/*
 * iot_agg_new - an empty aggregator.
 * @by: the key; @max_keys: rows before folding, 0 for IOT_AGG_MAX_KEYS_DEFAULT.
 * Returns: 0, -EINVAL (@by unknown, @max_keys above IOT_AGG_MAX_KEYS_LIMIT) or -ENOMEM.
 */
int iot_agg_new(enum iot_agg_by by, unsigned int max_keys, struct iot_agg **out);
void iot_agg_free(struct iot_agg *a);

/*
 * iot_agg_add - count one record of any kind (fault, suppressed, interrupt, lost).
 * @now_us: the event time of a record without a timestamp.
 * Event time only moves forward: a record older than the latest is counted in
 * its own second while that is within IOT_AGG_SECONDS of the latest, else in
 * the totals only; a record more than IOT_AGG_SECONDS older than the latest
 * starts a new timeline (the clock went back: a reboot in a replayed log),
 * where rates restart from zero. O(1) amortised.
 * Returns: 0, or -EINVAL for an unknown record type.
 */
int iot_agg_add(struct iot_agg *a, const struct iot_fault *rec, uint64_t now_us);

/* The clock value iot_agg_feed gives records without a timestamp (default 0). */
void iot_agg_set_clock(struct iot_agg *a, uint64_t now_us);
/* iot_agg_add() as an iot_fault_fn: iot_fault_parser_feed(p, line, len, iot_agg_feed, a). */
int iot_agg_feed(void *agg, const struct iot_fault *rec);

/* Forget every row and counter (the monitor's 'c' key); max_keys and the key stay. */
void iot_agg_clear(struct iot_agg *a);

/*
 * iot_agg_view_new - a sorted, filtered copy of the rows and the counters.
 * @q, @qsize: the query and sizeof(*q) as the caller knows it; @q NULL for
 *             the defaults.
 * Returns: 0, -EINVAL (an unknown sort, @qsize below IOT_AGG_QUERY_SIZE_VER0),
 * -E2BIG (@qsize larger than this library's query with non-zero bytes past
 * it) or -ENOMEM.
 */
int iot_agg_view_new(const struct iot_agg *a, const struct iot_agg_query *q, size_t qsize,
		     struct iot_agg_view **out);
void iot_agg_view_free(struct iot_agg_view *v);

/* Short names ("device", "rate10", "last-seen"), NULL if out of range. */
const char *iot_agg_by_name(enum iot_agg_by by);
const char *iot_agg_sort_name(enum iot_agg_sort sort);

/*
 * iot_agg_sparkline - @n counts as @n block characters scaled to their largest
 * (U+2581..U+2588, three bytes each), or with @utf8 0 as the ASCII "_.-:=+*#";
 * a zero count is a space. At most 3 * @n + 1 bytes.
 * Returns: the bytes written before the terminating NUL, or -ENOSPC when
 * @buf cannot hold them all (then @buf holds nothing).
 */
int iot_agg_sparkline(const uint32_t *counts, size_t n, int utf8, char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* IOMMU_TOOLS_FAULTS_H */

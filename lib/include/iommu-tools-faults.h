/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-faults.h - the IOMMU fault engine's parser: kernel log lines in,
 * fault records out. Pure functions, no I/O: the caller reads the log (dmesg,
 * journal, syslog, /dev/kmsg, a paste) and feeds it one line at a time.
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

#ifdef __cplusplus
}
#endif

#endif /* IOMMU_TOOLS_FAULTS_H */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-features.h - pure decoders for IOMMU capability registers
 * (Intel VT-d, AMD-Vi, Arm SMMUv3) and parsers for the kernel's boot lines
 * that print them. Nothing here does I/O; every function is safe on any input.
 */
#ifndef IOMMU_TOOLS_FEATURES_H
#define IOMMU_TOOLS_FEATURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- register decoders ---------------------------------------------------- */

enum iot_reg {
	IOT_REG_VTD_CAP,   /* VT-d CAP_REG (sysfs intel-iommu/cap) */
	IOT_REG_VTD_ECAP,  /* VT-d ECAP_REG (sysfs intel-iommu/ecap) */
	IOT_REG_AMD_CAP,   /* AMD-Vi PCI capability header, 32 bits (amd-iommu/cap) */
	IOT_REG_AMD_EFR,   /* AMD-Vi Extended Feature Register */
	IOT_REG_AMD_EFR2,  /* AMD-Vi Extended Feature 2 Register */
	IOT_REG_SMMU_IDR0, /* SMMUv3 ID registers, 32 bits (IOMMU_GET_HW_INFO) */
	IOT_REG_SMMU_IDR1,
	IOT_REG_SMMU_IDR3,
	IOT_REG_SMMU_IDR5,
	IOT_REG_SMMU_IIDR,
	IOT_REG_SMMU_AIDR,
	IOT_REG_COUNT,
};

enum iot_field_kind {
	IOT_FIELD_BOOL,   /* one bit; value 0 or 1, text "yes"/"no" */
	IOT_FIELD_NUM,    /* value = raw * mul + add, text decimal (plus unit) */
	IOT_FIELD_HEX,    /* value = raw * mul + add, text "0x..." (offsets, IDs) */
	IOT_FIELD_POW2,   /* value = 2^(raw * mul + add), text decimal (plus unit) */
	IOT_FIELD_FLAGS,  /* value = raw, text = names of the set bits */
	IOT_FIELD_ENUM,   /* value = values[raw] (or raw), text = names[raw] */
};

struct iot_field_desc {
	const char *key;   /* JSON name: kernel macro name without prefix, else spec name */
	const char *abbr;  /* spec abbreviation: "PT", "SAGAW", "HATS", "OAS" */
	const char *title; /* human text: "pass-through" */
	uint8_t lsb, msb;  /* bit positions, inclusive */
	enum iot_field_kind kind;
	uint8_t mul;       /* NUM/HEX/POW2: multiplier (0 means 1) */
	uint8_t add;       /* NUM/HEX/POW2: addend */
	const char *unit;  /* NUM/POW2: appended to the text ("bits"), or NULL */
	const char *const *names;  /* FLAGS: per bit; ENUM: per value (NULL entry: reserved) */
	const uint16_t *values;    /* ENUM: decoded value per raw value, or NULL */
	uint8_t n_names;
};

struct iot_field {
	const struct iot_field_desc *desc;
	uint64_t raw;   /* the bits as found */
	uint64_t value; /* decoded: bits, bytes, count, ... */
	char text[64];  /* "39 bits", "256", "4-level 5-level", "2M 1G", "yes" */
};

/* Short name of a register: "cap", "ecap", "efr", "efr2", "idr0", ... or NULL. */
const char *iot_reg_name(enum iot_reg reg);
/* Width of a register in bits (32 or 64), 0 for an unknown register. */
unsigned iot_reg_width(enum iot_reg reg);
/* The field table of a register, ordered by bit; NULL (and *count 0) if unknown. */
const struct iot_field_desc *iot_reg_fields(enum iot_reg reg, size_t *count);
/* The field called @key (JSON name) in @reg, or NULL. */
const struct iot_field_desc *iot_reg_find(enum iot_reg reg, const char *key);
/*
 * Decode @value into @out (at most @max entries), one per field in table order.
 * Returns the number of fields, -EINVAL for an unknown register or a value
 * wider than the register, -ENOSPC when @max is too small.
 */
int iot_reg_decode(enum iot_reg reg, uint64_t value, struct iot_field *out, size_t max);
/* Decode one field; 0 or -EINVAL. */
int iot_field_decode(const struct iot_field_desc *desc, uint64_t regval, struct iot_field *out);

/* ---- Intel VT-d ----------------------------------------------------------- */

/* sysfs intel-iommu/version, "1:0": both parts 0..15 (4-bit register fields). */
int iot_vtd_parse_version(const char *s, int *major, int *minor);

/* ---- AMD-Vi --------------------------------------------------------------- */

/* Which value comes first in the two-value amd-iommu/features form. */
enum iot_amd_order {
	IOT_AMD_ORDER_GUESS = 0,   /* decide from the values (EFR2 values are small) */
	IOT_AMD_ORDER_EFR_FIRST,   /* "EFR:EFR2", v6.7 and later */
	IOT_AMD_ORDER_EFR2_FIRST,  /* "EFR2:EFR", v6.0 up to v6.6 */
};

/*
 * The order a kernel prints amd-iommu/features in, from its release string
 * ("6.1.0-18-amd64"). GUESS when unparsable, and before 6.0 (mainline printed a
 * single value then; two values mean a backport of unknown vintage).
 */
enum iot_amd_order iot_amd_order_for_kernel(const char *osrelease);

/*
 * Parse amd-iommu/features: "EFR", "EFR2:EFR" or "EFR:EFR2" (bare hex, as the
 * kernel prints with %llx; one trailing newline allowed). Anything else is
 * -EINVAL. With IOT_AMD_ORDER_GUESS and two values that cannot be told apart,
 * returns -EDOM rather than guessing wrong.
 */
int iot_amd_parse_features(const char *sysfs_value, enum iot_amd_order order, uint64_t *efr,
			   uint64_t *efr2, bool *has_efr2);

/*
 * The feature names the kernel prints at boot after "Extended features (...):",
 * space-separated without a leading space: "PPR X2APIC NX GT IA GA PC GA_vAPIC".
 * Mainline rule: bits 0-9 by name ("[5]" for bit 5), then GA_vAPIC for bit 21,
 * then SNP for bit 63. Returns the length, or -ENOSPC (buf then holds "").
 */
int iot_amd_efr_kernel_names(uint64_t efr, char *buf, size_t len);

enum {
	IOT_AMD_NAMES_NO_SNP = 1 << 0,  /* kernels that did not print SNP yet */
	IOT_AMD_NAMES_SEV_TIO = 1 << 1, /* kernels printing SEV-TIO for EFR2 bit 1 */
};
int iot_amd_efr_kernel_names_ex(uint64_t efr, uint64_t efr2, unsigned flags, char *buf,
				size_t len);
/*
 * The IOT_AMD_NAMES_* flags that describe what the kernel @osrelease printed
 * ("5.15.0-91-generic": IOT_AMD_NAMES_NO_SNP); 0, today's mainline rule,
 * when @osrelease is NULL or not a release.
 */
unsigned iot_amd_names_for_kernel(const char *osrelease);

/* ---- boot log lines -------------------------------------------------------- */

/*
 * Both parsers skip any prefix before the kernel's own text (timestamps,
 * "kern  :info  : [date] ", journal "host kernel: ", "> " quoting) and return
 * 0 on a match, -ENOENT for a line that is not of their kind and -EINVAL for
 * a line of their kind that is malformed or truncated.
 */
struct iot_bootlog_dmar {
	char unit[16];      /* "dmar0" (old "IOMMU 0" lines give "dmar0" too) */
	int index;          /* 0 */
	bool old_format;    /* "dmar: IOMMU 0: ..." (kernels before ~4.1) */
	uint64_t base;      /* reg_base_addr */
	int ver_major, ver_minor;
	uint64_t cap, ecap;
};
int iot_bootlog_parse_dmar(const char *line, struct iot_bootlog_dmar *out);

enum iot_bootlog_amd_kind {
	IOT_BOOTLOG_AMD_FEATURES,   /* "Extended features (0x...[, 0x...]):[ names]" */
	IOT_BOOTLOG_AMD_GLOBAL_EFR, /* "Using global IVHD EFR:0x..., EFR2:0x..." */
	IOT_BOOTLOG_AMD_NAMES_ONLY, /* old "Extended features: PreF PPR ..." (no value) */
};

struct iot_bootlog_amd {
	enum iot_bootlog_amd_kind kind;
	char pci[16];      /* "0000:00:00.2" when the line names the device, else "" */
	bool has_efr, has_efr2;
	uint64_t efr, efr2;
	char names[128];   /* names as printed, single-spaced; "" if none on this line */
};
int iot_bootlog_parse_amd_features(const char *line, struct iot_bootlog_amd *out);

#ifdef __cplusplus
}
#endif
#endif

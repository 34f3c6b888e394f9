// SPDX-License-Identifier: LGPL-2.1-or-later
/* features.c - table-driven decoders for VT-d, AMD-Vi and SMMUv3 capability registers. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "iommu-tools-features.h"
#include "internal.h"

/*
 * Sources for the tables (bit positions only; the tables are ours):
 * - VT-d: the cap_ and ecap_ macros of drivers/iommu/intel/iommu.h, union over
 *   kernel versions (cap_isoch, ecap_ecs, ecap_dis, ecap_vcs exist only in
 *   some); spec-only bits (CH, ADMS, RPRIVS) per the VT-d spec register layout.
 * - AMD-Vi: FEATURE_* and IOMMU_EFR_* of drivers/iommu/amd/amd_iommu_types.h
 *   (HATS added 2025, EFR2 bits up to HT_RANGE_IGNORE); spec-only EFR fields
 *   per AMD spec 48882 (rev 3.1x) register layout.
 * - SMMUv3: IDR*_ macros of drivers/iommu/arm/arm-smmu-v3/arm-smmu-v3.h; TERM_MODEL,
 *   BTM and AIDR from the SMMUv3 spec.
 */

#define BIT_F(bit, k, a, t)                                                        \
	{ .key = (k), .abbr = (a), .title = (t), .lsb = (bit), .msb = (bit),       \
	  .kind = IOT_FIELD_BOOL }
#define NUM_F(lo, hi, k, a, t, m, ad, u)                                           \
	{ .key = (k), .abbr = (a), .title = (t), .lsb = (lo), .msb = (hi),         \
	  .kind = IOT_FIELD_NUM, .mul = (m), .add = (ad), .unit = (u) }
#define HEX_F(lo, hi, k, a, t, m)                                                  \
	{ .key = (k), .abbr = (a), .title = (t), .lsb = (lo), .msb = (hi),         \
	  .kind = IOT_FIELD_HEX, .mul = (m) }
#define POW2_F(lo, hi, k, a, t, m, ad, u)                                          \
	{ .key = (k), .abbr = (a), .title = (t), .lsb = (lo), .msb = (hi),         \
	  .kind = IOT_FIELD_POW2, .mul = (m), .add = (ad), .unit = (u) }
#define FLAGS_F(lo, hi, k, a, t, n)                                                \
	{ .key = (k), .abbr = (a), .title = (t), .lsb = (lo), .msb = (hi),         \
	  .kind = IOT_FIELD_FLAGS, .names = (n), .n_names = IOT_ARRAY_SIZE(n) }
#define ENUM_F(lo, hi, k, a, t, n, v)                                              \
	{ .key = (k), .abbr = (a), .title = (t), .lsb = (lo), .msb = (hi),         \
	  .kind = IOT_FIELD_ENUM, .names = (n), .values = (v),                     \
	  .n_names = IOT_ARRAY_SIZE(n) }

/* ---- Intel VT-d ---- */

/* SAGAW bit n is AGAW n: (n + 2)-level tables; bits 0 and 4 are reserved in VT-d 3.x. */
static const char *const vtd_sagaw_names[] = { "2-level", "3-level", "4-level", "5-level",
					       "6-level" };
static const char *const vtd_sllps_names[] = { "2M", "1G", "512G", "1T" };

static const struct iot_field_desc vtd_cap_fields[] = {
	POW2_F(0, 2, "ndoms", "ND", "number of domains", 2, 4, NULL),
	BIT_F(3, "afl", "AFL", "advanced fault logging"),
	BIT_F(4, "rwbf", "RWBF", "required write-buffer flushing"),
	BIT_F(5, "plmr", "PLMR", "protected low-memory region"),
	BIT_F(6, "phmr", "PHMR", "protected high-memory region"),
	BIT_F(7, "caching_mode", "CM", "caching mode (emulated IOMMU)"),
	FLAGS_F(8, 12, "sagaw", "SAGAW", "supported adjusted guest address widths",
		vtd_sagaw_names),
	NUM_F(16, 21, "mgaw", "MGAW", "maximum guest address width", 1, 1, "bits"),
	BIT_F(22, "zlr", "ZLR", "zero length read"),
	BIT_F(23, "isoch", "ISOCH", "isochrony (early chipsets; reserved now)"),
	HEX_F(24, 33, "fault_reg_offset", "FRO", "fault-recording register offset", 16),
	FLAGS_F(34, 37, "super_page_val", "SLLPS", "second-level large page sizes",
		vtd_sllps_names),
	BIT_F(39, "pgsel_inv", "PSI", "page-selective invalidation"),
	NUM_F(40, 47, "num_fault_regs", "NFR", "number of fault-recording registers", 1, 1,
	      NULL),
	NUM_F(48, 53, "max_amask_val", "MAMV", "maximum address mask value", 1, 0, NULL),
	BIT_F(54, "write_drain", "DWD", "DMA write draining"),
	BIT_F(55, "read_drain", "DRD", "DMA read draining"),
	BIT_F(56, "fl1gp_support", "FL1GP", "first-level 1-GByte pages"),
	BIT_F(59, "pi_support", "PI", "posted interrupts"),
	BIT_F(60, "fl5lp_support", "FL5LP", "first-level 5-level paging"),
	BIT_F(61, "ecmds", "ECMDS", "enhanced command support"),
	BIT_F(62, "esirtps", "ESIRTPS", "enhanced set interrupt remap table pointer"),
	BIT_F(63, "esrtps", "ESRTPS", "enhanced set root table pointer"),
};

static const struct iot_field_desc vtd_ecap_fields[] = {
	BIT_F(0, "coherent", "C", "page-walk coherency"),
	BIT_F(1, "qis", "QI", "queued invalidation"),
	BIT_F(2, "dev_iotlb_support", "DT", "device-TLB (ATS)"),
	BIT_F(3, "ir_support", "IR", "interrupt remapping"),
	BIT_F(4, "eim_support", "EIM", "extended interrupt mode (x2APIC)"),
	BIT_F(5, "ch", "CH", "caching hints (deprecated)"),
	BIT_F(6, "pass_through", "PT", "pass-through"),
	BIT_F(7, "sc_support", "SC", "snoop control"),
	HEX_F(8, 17, "iotlb_offset", "IRO", "IOTLB register offset", 16),
	NUM_F(20, 23, "max_handle_mask", "MHMV", "maximum handle mask value", 1, 0, NULL),
	BIT_F(24, "ecs", "ECS", "extended context support (VT-d 2.x)"),
	BIT_F(25, "mts", "MTS", "memory type support"),
	BIT_F(26, "nest", "NEST", "nested translation"),
	BIT_F(27, "dis", "DIS", "deferred invalidate (VT-d 2.x)"),
	BIT_F(28, "broken_pasid", "PASID(2.x)", "PASID support, VT-d 2.x position"),
	BIT_F(29, "prs", "PRS", "page requests"),
	BIT_F(30, "ers", "ERS", "execute requests"),
	BIT_F(31, "srs", "SRS", "supervisor requests"),
	BIT_F(33, "nwfs", "NWFS", "no write flag"),
	BIT_F(34, "eafs", "EAFS", "extended accessed flag"),
	NUM_F(35, 39, "pss", "PSS", "PASID size", 1, 1, "bits"),
	BIT_F(40, "pasid", "PASID", "process address space IDs"),
	BIT_F(41, "dit", "DIT", "device-TLB invalidation throttling"),
	BIT_F(42, "pds", "PDS", "page-request drain"),
	BIT_F(43, "smts", "SMTS", "scalable-mode translation"),
	BIT_F(44, "vcs", "VCS", "virtual command"),
	BIT_F(45, "slads", "SLADS", "second-level accessed/dirty"),
	BIT_F(46, "slts", "SLTS", "second-level translation"),
	BIT_F(47, "flts", "FLTS", "first-level translation"),
	BIT_F(48, "smpwc", "SMPWC", "scalable-mode page-walk coherency"),
	BIT_F(49, "rps", "RPS", "RID-PASID"),
	BIT_F(50, "tdxc", "TDXCS", "TDX Connect (proposed kernel macro)"),
	BIT_F(51, "pms", "PMS", "performance monitoring"),
	BIT_F(52, "adms", "ADMS", "abort DMA mode"),
	BIT_F(53, "rprivs", "RPRIVS", "RID_PRIV"),
};

/* ---- AMD-Vi ---- */

static const struct iot_field_desc amd_cap_fields[] = {
	HEX_F(0, 7, "capid", "CapId", "capability ID (0x0f)", 1),
	HEX_F(8, 15, "capptr", "CapPtr", "next capability pointer", 1),
	NUM_F(16, 18, "captype", "CapType", "capability type (3)", 1, 0, NULL),
	NUM_F(19, 23, "caprev", "CapRev", "capability revision", 1, 0, NULL),
	BIT_F(24, "iotlb", "IotlbSup", "remote IOTLB"),
	BIT_F(25, "httunnel", "HtTunnel", "HyperTransport tunnel"),
	BIT_F(26, "npcache", "NpCache", "caches not-present entries"),
	BIT_F(27, "efr", "EFRSup", "extended feature register"),
	BIT_F(28, "capext", "CapExt", "miscellaneous information register 1"),
};

/* Kernel: host page table level = HATS + 4; 3 is reserved (driver disables host translation). */
static const char *const amd_hats_names[] = { "4-level", "5-level", "6-level", NULL };
static const uint16_t amd_hats_values[] = { 4, 5, 6, 0 };
/* Kernel: GUEST_PGTABLE_4_LEVEL 0, GUEST_PGTABLE_5_LEVEL 1. */
static const char *const amd_gats_names[] = { "4-level", "5-level", NULL, NULL };
static const uint16_t amd_gats_values[] = { 4, 5, 0, 0 };

static const struct iot_field_desc amd_efr_fields[] = {
	BIT_F(0, "prefetch", "PreFSup", "prefetch"),
	BIT_F(1, "ppr", "PPRSup", "peripheral page requests"),
	BIT_F(2, "x2apic", "XTSup", "x2APIC"),
	BIT_F(3, "nx", "NXSup", "no-execute protection"),
	BIT_F(4, "gt", "GTSup", "guest translation"),
	BIT_F(5, "gappisup", "GAPPISup", "guest APIC physical processor interrupt"),
	BIT_F(6, "ia", "IASup", "INVALIDATE_ALL command"),
	BIT_F(7, "ga", "GASup", "guest virtual APIC"),
	BIT_F(8, "he", "HESup", "hardware error registers"),
	BIT_F(9, "pc", "PCSup", "performance counters"),
	ENUM_F(10, 11, "hats", "HATS", "host address translation levels", amd_hats_names,
	       amd_hats_values),
	ENUM_F(12, 13, "gats", "GATS", "guest address translation levels", amd_gats_names,
	       amd_gats_values),
	NUM_F(14, 15, "glx", "GLXSup", "guest CR3 table levels (encoded)", 1, 0, NULL),
	NUM_F(16, 17, "smifsup", "SmiFSup", "SMI filter (encoded)", 1, 0, NULL),
	NUM_F(18, 20, "smifrc", "SmiFRC", "SMI filter register count (encoded)", 1, 0, NULL),
	BIT_F(21, "gam_vapic", "GAMSup", "guest virtual APIC modes"),
	NUM_F(24, 25, "dualpprlogsup", "DualPprLogSup", "dual PPR log (encoded)", 1, 0, NULL),
	NUM_F(28, 29, "dualeventlogsup", "DualEventLogSup", "dual event log (encoded)", 1, 0,
	      NULL),
	BIT_F(31, "satssup", "SATSSup", "secure ATS"),
	NUM_F(32, 36, "pasmax", "PASmax", "PASID width", 1, 1, "bits"),
	BIT_F(37, "ussup", "USSup", "user/supervisor page protection"),
	NUM_F(38, 39, "devtblsegsup", "DevTblSegSup", "device table segments (encoded)", 1, 0,
	      NULL),
	BIT_F(40, "pprovrflwearlysup", "PprOvrflwEarlySup", "PPR log overflow early warning"),
	BIT_F(41, "pprautorspsup", "PPRAutoRspSup", "PPR automatic response"),
	NUM_F(42, 43, "marcsup", "MarcSup", "memory access routing and control (encoded)", 1,
	      0, NULL),
	BIT_F(44, "blkstopmrksup", "BlkStopMrkSup", "block StopMark message"),
	BIT_F(45, "perfoptsup", "PerfOptSup", "IOMMU performance optimization"),
	BIT_F(46, "msicapmmiosup", "MsiCapMmioSup", "MSI capability MMIO access"),
	BIT_F(48, "giosup", "GIoSup", "guest I/O protection"),
	BIT_F(49, "hasup", "HASup", "host access-bit update"),
	BIT_F(50, "ephsup", "EPHSup", "enhanced PPR handling"),
	BIT_F(51, "attrfwsup", "AttrFWSup", "attribute forwarding"),
	BIT_F(52, "hdsup", "HDSup", "host dirty-bit update"),
	BIT_F(54, "invibtlbtypesup", "InvIotlbTypeSup", "invalidate IOTLB type"),
	BIT_F(55, "viommusup", "VIommuSup", "virtualized IOMMU"),
	BIT_F(61, "gaupdatedissup", "GAUpdateDisSup", "disable guest access-bit update"),
	BIT_F(62, "forcephydestsup", "ForcePhyDestSup", "force physical destination mode"),
	BIT_F(63, "snp", "SNPSup", "SEV-SNP"),
};

static const char *const amd_intremap_names[] = { "512", "2048", NULL, NULL };
static const uint16_t amd_intremap_values[] = { 512, 2048, 0, 0 };

static const struct iot_field_desc amd_efr2_fields[] = {
	BIT_F(1, "sevsnpio_sup", "SEVSNPIOSup", "SEV-SNP trusted I/O (SEV-TIO)"),
	BIT_F(3, "gcr3trpmode", "GCR3TRPMode", "GCR3 table root pointer mode"),
	NUM_F(5, 7, "snpavicsup", "SNPAVICSup", "SNP AVIC (1: with GAM)", 1, 0, NULL),
	ENUM_F(8, 9, "num_int_remap_sup", "NumIntRemapSup", "interrupt remap entries per device",
	       amd_intremap_names, amd_intremap_values),
	BIT_F(11, "ht_range_ignore", "HtRangeIgnore", "HyperTransport range translated"),
};

/* ---- Arm SMMUv3 ---- */

static const char *const smmu_st_lvl_names[] = { "linear", "2-level", NULL, NULL };
static const char *const smmu_stall_names[] = { "stall", "terminate", "stall-forced", NULL };
static const char *const smmu_ttendian_names[] = { "mixed", NULL, "little", "big" };
static const char *const smmu_httu_names[] = { "none", "access", "access+dirty", NULL };
static const char *const smmu_ttf_names[] = { NULL, "aarch32", "aarch64", "aarch32+aarch64" };

static const struct iot_field_desc smmu_idr0_fields[] = {
	BIT_F(0, "s2p", "S2P", "stage-2 translation"),
	BIT_F(1, "s1p", "S1P", "stage-1 translation"),
	ENUM_F(2, 3, "ttf", "TTF", "translation table formats", smmu_ttf_names, NULL),
	BIT_F(4, "cohacc", "COHACC", "coherent access"),
	BIT_F(5, "btm", "BTM", "broadcast TLB maintenance"),
	ENUM_F(6, 7, "httu", "HTTU", "hardware table update", smmu_httu_names, NULL),
	BIT_F(9, "hyp", "Hyp", "hypervisor stage-1 contexts"),
	BIT_F(10, "ats", "ATS", "PCIe ATS"),
	BIT_F(12, "asid16", "ASID16", "16-bit ASID"),
	BIT_F(13, "msi", "MSI", "MSI generation"),
	BIT_F(14, "sev", "SEV", "WFE wake-up events"),
	BIT_F(16, "pri", "PRI", "page request interface"),
	BIT_F(18, "vmid16", "VMID16", "16-bit VMID"),
	BIT_F(19, "cd2l", "CD2L", "2-level context descriptor tables"),
	ENUM_F(21, 22, "ttendian", "TTENDIAN", "table endianness", smmu_ttendian_names, NULL),
	ENUM_F(24, 25, "stall_model", "STALL_MODEL", "stall model", smmu_stall_names, NULL),
	BIT_F(26, "term_model", "TERM_MODEL", "terminate model (1: no abort)"),
	ENUM_F(27, 28, "st_lvl", "ST_LEVEL", "stream table levels", smmu_st_lvl_names, NULL),
};

static const struct iot_field_desc smmu_idr1_fields[] = {
	NUM_F(0, 5, "sidsize", "SIDSIZE", "StreamID width", 1, 0, "bits"),
	NUM_F(6, 10, "ssidsize", "SSIDSIZE", "SubstreamID width", 1, 0, "bits"),
	POW2_F(11, 15, "priqs", "PRIQS", "PRI queue entries", 1, 0, NULL),
	POW2_F(16, 20, "evtqs", "EVENTQS", "event queue entries", 1, 0, NULL),
	POW2_F(21, 25, "cmdqs", "CMDQS", "command queue entries", 1, 0, NULL),
	BIT_F(27, "attr_types_ovr", "ATTR_TYPES_OVR", "attribute type override"),
	BIT_F(28, "rel", "REL", "relative base pointers"),
	BIT_F(29, "queues_preset", "QUEUES_PRESET", "queues preset"),
	BIT_F(30, "tables_preset", "TABLES_PRESET", "tables preset"),
};

static const char *const smmu_bbml_names[] = { "none", "BBML1", "BBML2", NULL };

static const struct iot_field_desc smmu_idr3_fields[] = {
	BIT_F(8, "fwb", "FWB", "stage-2 forced write-back"),
	BIT_F(10, "ril", "RIL", "range invalidation"),
	ENUM_F(11, 12, "bbml", "BBML", "break-before-make level", smmu_bbml_names, NULL),
};

static const char *const smmu_oas_names[] = { "32 bits", "36 bits", "40 bits", "42 bits",
					      "44 bits", "48 bits", "52 bits", NULL };
static const uint16_t smmu_oas_values[] = { 32, 36, 40, 42, 44, 48, 52, 0 };
static const char *const smmu_vax_names[] = { "48 bits", "52 bits", NULL, NULL };
static const uint16_t smmu_vax_values[] = { 48, 52, 0, 0 };

static const struct iot_field_desc smmu_idr5_fields[] = {
	ENUM_F(0, 2, "oas", "OAS", "output address size", smmu_oas_names, smmu_oas_values),
	BIT_F(4, "gran4k", "GRAN4K", "4KB translation granule"),
	BIT_F(5, "gran16k", "GRAN16K", "16KB translation granule"),
	BIT_F(6, "gran64k", "GRAN64K", "64KB translation granule"),
	ENUM_F(10, 11, "vax", "VAX", "virtual address size", smmu_vax_names, smmu_vax_values),
	NUM_F(16, 31, "stall_max", "STALL_MAX", "maximum outstanding stalls", 1, 0, NULL),
};

static const struct iot_field_desc smmu_iidr_fields[] = {
	HEX_F(0, 11, "implementer", "Implementer", "JEP106 implementer (0x43b: Arm)", 1),
	NUM_F(12, 15, "revision", "Revision", "revision", 1, 0, NULL),
	NUM_F(16, 19, "variant", "Variant", "variant", 1, 0, NULL),
	HEX_F(20, 31, "productid", "ProductID", "product ID", 1),
};

static const struct iot_field_desc smmu_aidr_fields[] = {
	NUM_F(0, 3, "archminorrev", "ArchMinorRev", "architecture minor revision (3.x)", 1, 0,
	      NULL),
	NUM_F(4, 7, "archmajorrev", "ArchMajorRev", "architecture major revision (0: v3)", 1,
	      0, NULL),
};

struct reg_info {
	const char *name;
	unsigned width;
	const struct iot_field_desc *fields;
	size_t n_fields;
};

#define REG(n, w, f) { .name = (n), .width = (w), .fields = (f), .n_fields = IOT_ARRAY_SIZE(f) }

static const struct reg_info regs[IOT_REG_COUNT] = {
	[IOT_REG_VTD_CAP] = REG("cap", 64, vtd_cap_fields),
	[IOT_REG_VTD_ECAP] = REG("ecap", 64, vtd_ecap_fields),
	[IOT_REG_AMD_CAP] = REG("cap", 32, amd_cap_fields),
	[IOT_REG_AMD_EFR] = REG("efr", 64, amd_efr_fields),
	[IOT_REG_AMD_EFR2] = REG("efr2", 64, amd_efr2_fields),
	[IOT_REG_SMMU_IDR0] = REG("idr0", 32, smmu_idr0_fields),
	[IOT_REG_SMMU_IDR1] = REG("idr1", 32, smmu_idr1_fields),
	[IOT_REG_SMMU_IDR3] = REG("idr3", 32, smmu_idr3_fields),
	[IOT_REG_SMMU_IDR5] = REG("idr5", 32, smmu_idr5_fields),
	[IOT_REG_SMMU_IIDR] = REG("iidr", 32, smmu_iidr_fields),
	[IOT_REG_SMMU_AIDR] = REG("aidr", 32, smmu_aidr_fields),
};

static const struct reg_info *reg_get(enum iot_reg reg)
{
	if ((unsigned)reg >= IOT_REG_COUNT)
		return NULL;
	return &regs[reg];
}

const char *iot_reg_name(enum iot_reg reg)
{
	const struct reg_info *ri = reg_get(reg);

	return ri ? ri->name : NULL;
}

unsigned iot_reg_width(enum iot_reg reg)
{
	const struct reg_info *ri = reg_get(reg);

	return ri ? ri->width : 0;
}

const struct iot_field_desc *iot_reg_fields(enum iot_reg reg, size_t *count)
{
	const struct reg_info *ri = reg_get(reg);

	if (count)
		*count = ri ? ri->n_fields : 0;
	return ri ? ri->fields : NULL;
}

const struct iot_field_desc *iot_reg_find(enum iot_reg reg, const char *key)
{
	const struct reg_info *ri = reg_get(reg);

	if (!ri || !key)
		return NULL;
	for (size_t i = 0; i < ri->n_fields; i++)
		if (strcmp(ri->fields[i].key, key) == 0)
			return &ri->fields[i];
	return NULL;
}

static uint64_t field_bits(const struct iot_field_desc *d, uint64_t regval)
{
	unsigned width = d->msb - d->lsb + 1u;
	uint64_t mask = width >= 64 ? UINT64_MAX : (UINT64_C(1) << width) - 1;

	return (regval >> d->lsb) & mask;
}

/* Append " word" (or "word" at the start) to the text; false when it does not fit. */
static bool text_add(char *text, size_t size, const char *word)
{
	size_t used = strlen(text);
	int n = snprintf(text + used, size - used, "%s%s", used ? " " : "", word);

	return n >= 0 && (size_t)n < size - used;
}

int iot_field_decode(const struct iot_field_desc *d, uint64_t regval, struct iot_field *out)
{
	uint64_t raw, scaled;
	unsigned mul;
	char buf[24];

	if (!d || !out || d->msb < d->lsb || d->msb > 63)
		return -EINVAL;
	raw = field_bits(d, regval);
	mul = d->mul ? d->mul : 1;
	scaled = raw * mul + d->add; /* fields are at most 16 bits wide: no overflow */
	memset(out, 0, sizeof(*out));
	out->desc = d;
	out->raw = raw;

	switch (d->kind) {
	case IOT_FIELD_BOOL:
		out->value = raw;
		snprintf(out->text, sizeof(out->text), "%s", raw ? "yes" : "no");
		break;
	case IOT_FIELD_NUM:
		out->value = scaled;
		snprintf(out->text, sizeof(out->text), "%" PRIu64 "%s%s", scaled,
			 d->unit ? " " : "", d->unit ? d->unit : "");
		break;
	case IOT_FIELD_HEX:
		out->value = scaled;
		snprintf(out->text, sizeof(out->text), "0x%" PRIx64, scaled);
		break;
	case IOT_FIELD_POW2:
		if (scaled > 63) {
			/* not representable; say so rather than wrap */
			out->value = 0;
			snprintf(out->text, sizeof(out->text), "2^%" PRIu64, scaled);
			break;
		}
		out->value = UINT64_C(1) << scaled;
		snprintf(out->text, sizeof(out->text), "%" PRIu64 "%s%s", out->value,
			 d->unit ? " " : "", d->unit ? d->unit : "");
		break;
	case IOT_FIELD_FLAGS:
		out->value = raw;
		for (unsigned i = 0; i <= (unsigned)(d->msb - d->lsb); i++) {
			const char *name;

			if (!(raw & (UINT64_C(1) << i)))
				continue;
			name = i < d->n_names ? d->names[i] : NULL;
			if (!name) {
				snprintf(buf, sizeof(buf), "bit%u", i);
				name = buf;
			}
			if (!text_add(out->text, sizeof(out->text), name))
				return -EINVAL;
		}
		if (!out->text[0])
			snprintf(out->text, sizeof(out->text), "none");
		break;
	case IOT_FIELD_ENUM:
		if (raw < d->n_names && d->names[raw]) {
			out->value = d->values ? d->values[raw] : raw;
			snprintf(out->text, sizeof(out->text), "%s", d->names[raw]);
		} else {
			out->value = d->values ? 0 : raw;
			snprintf(out->text, sizeof(out->text), "reserved (%" PRIu64 ")", raw);
		}
		break;
	default:
		return -EINVAL;
	}
	return 0;
}

int iot_reg_decode(enum iot_reg reg, uint64_t value, struct iot_field *out, size_t max)
{
	const struct reg_info *ri = reg_get(reg);

	if (!ri || (ri->width < 64 && value >> ri->width))
		return -EINVAL;
	if (!out || max < ri->n_fields)
		return -ENOSPC;
	for (size_t i = 0; i < ri->n_fields; i++) {
		int err = iot_field_decode(&ri->fields[i], value, &out[i]);

		if (err)
			return err;
	}
	return (int)ri->n_fields;
}

/* ---- strict little parsers ---- */

/* Bare hex, 1-16 digits, exactly @len characters. */
static int parse_hex_n(const char *s, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 16)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		int d = iot_hexval(s[i]);

		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint64_t)d;
	}
	*out = v;
	return 0;
}

/* Decimal 0..@max, 1-3 digits, exactly @len characters. */
static int parse_small_dec(const char *s, size_t len, int max, int *out)
{
	int v = 0;

	if (len == 0 || len > 3)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int iot_vtd_parse_version(const char *s, int *major, int *minor)
{
	const char *colon;
	size_t len;
	int ma, mi, err;

	if (!s || !major || !minor)
		return -EINVAL;
	len = strlen(s);
	if (len && s[len - 1] == '\n')
		len--;
	colon = memchr(s, ':', len);
	if (!colon)
		return -EINVAL;
	err = parse_small_dec(s, (size_t)(colon - s), 15, &ma);
	if (!err)
		err = parse_small_dec(colon + 1, len - (size_t)(colon - s) - 1, 15, &mi);
	if (err)
		return err;
	*major = ma;
	*minor = mi;
	return 0;
}

/* ---- AMD-Vi ---- */

/*
 * Order of amd-iommu/features, verified against kernel history:
 * - "iommu/amd: Introduce Support for Extended Feature 2 Register" (series v4,
 *   July 2022, merged for v6.0) changed features_show to
 *   "%llx:%llx" of iommu->features2, iommu->features: EFR2 first.
 * - "iommu/amd: Consolidate feature detection and reporting logic" (commit
 *   7b7563a93437, in the "IOMMU Updates for Linux v6.7" pull) prints the global
 *   amd_iommu_efr, amd_iommu_efr2: EFR first, from v6.7 (including -rc).
 * Before v6.0 mainline printed one value, so the order does not matter; a
 * two-value file on such a kernel is a distribution backport of unknown
 * vintage, hence GUESS there.
 */
/* "major.minor" at the start of a release; what follows ("-rc1", ".12-arch1") does not matter. */
static bool parse_release(const char *osrelease, int *major, int *minor)
{
	const char *p = osrelease;
	int n;

	*major = *minor = 0;
	if (!p || *p < '0' || *p > '9')
		return false;
	for (n = 0; *p >= '0' && *p <= '9'; p++, n++) {
		if (n >= 3)
			return false;
		*major = *major * 10 + (*p - '0');
	}
	if (*p++ != '.' || *p < '0' || *p > '9')
		return false;
	for (n = 0; *p >= '0' && *p <= '9'; p++, n++) {
		if (n >= 3)
			return false;
		*minor = *minor * 10 + (*p - '0');
	}
	return true;
}

enum iot_amd_order iot_amd_order_for_kernel(const char *osrelease)
{
	int major, minor;

	if (!parse_release(osrelease, &major, &minor) || major < 6)
		return IOT_AMD_ORDER_GUESS;
	if (major == 6 && minor < 7)
		return IOT_AMD_ORDER_EFR2_FIRST;
	return IOT_AMD_ORDER_EFR_FIRST;
}

/*
 * EFR2 defines bits 11:0 only; every real EFR has bits above 15 set (GAMSup,
 * PASmax, ...). A value with nothing above bit 15 is taken for EFR2.
 */
static bool looks_like_efr2(uint64_t v)
{
	return (v >> 16) == 0;
}

int iot_amd_parse_features(const char *s, enum iot_amd_order order, uint64_t *efr,
			   uint64_t *efr2, bool *has_efr2)
{
	const char *colon;
	uint64_t a, b;
	size_t len;
	int err;

	if (!s || !efr || !efr2 || !has_efr2)
		return -EINVAL;
	len = strlen(s);
	if (len && s[len - 1] == '\n')
		len--;
	colon = memchr(s, ':', len);
	if (!colon) {
		err = parse_hex_n(s, len, &a);
		if (err)
			return err;
		*efr = a;
		*efr2 = 0;
		*has_efr2 = false;
		return 0;
	}
	err = parse_hex_n(s, (size_t)(colon - s), &a);
	if (!err)
		err = parse_hex_n(colon + 1, len - (size_t)(colon - s) - 1, &b);
	if (err)
		return err; /* also catches a third field: ':' is not a hex digit */

	switch (order) {
	case IOT_AMD_ORDER_EFR_FIRST:
		break;
	case IOT_AMD_ORDER_EFR2_FIRST: {
		uint64_t t = a;

		a = b;
		b = t;
		break;
	}
	case IOT_AMD_ORDER_GUESS:
		if (a == b && a == 0)
			break;
		if (looks_like_efr2(b) && !looks_like_efr2(a))
			break;
		if (looks_like_efr2(a) && !looks_like_efr2(b)) {
			uint64_t t = a;

			a = b;
			b = t;
			break;
		}
		return -EDOM;
	default:
		return -EINVAL;
	}
	*efr = a;
	*efr2 = b;
	*has_efr2 = true;
	return 0;
}

/*
 * The features the kernel names at boot after "Extended features (...):", in
 * its print order: feat_str[] for EFR bits 0-9, then GA_vAPIC (bit 21, printed
 * whether or not GA is set), SNP (bit 63) and, on kernels that print it,
 * SEV-TIO (EFR2 bit 1). The only copy of this rule: the boot-name list and
 * the "already named" test below both read it.
 */
static const struct amd_kernel_name {
	enum iot_reg reg;
	uint8_t bit;
	const char *name;
	unsigned when;   /* printed only with this IOT_AMD_NAMES_* flag (0: always) */
	unsigned unless; /* not printed with this flag */
} amd_kernel_names[] = {
	{ IOT_REG_AMD_EFR, 0, "PreF", 0, 0 },
	{ IOT_REG_AMD_EFR, 1, "PPR", 0, 0 },
	{ IOT_REG_AMD_EFR, 2, "X2APIC", 0, 0 },
	{ IOT_REG_AMD_EFR, 3, "NX", 0, 0 },
	{ IOT_REG_AMD_EFR, 4, "GT", 0, 0 },
	{ IOT_REG_AMD_EFR, 5, "[5]", 0, 0 },
	{ IOT_REG_AMD_EFR, 6, "IA", 0, 0 },
	{ IOT_REG_AMD_EFR, 7, "GA", 0, 0 },
	{ IOT_REG_AMD_EFR, 8, "HE", 0, 0 },
	{ IOT_REG_AMD_EFR, 9, "PC", 0, 0 },
	{ IOT_REG_AMD_EFR, 21, "GA_vAPIC", 0, 0 },
	{ IOT_REG_AMD_EFR, 63, "SNP", 0, IOT_AMD_NAMES_NO_SNP },
	{ IOT_REG_AMD_EFR2, 1, "SEV-TIO", IOT_AMD_NAMES_SEV_TIO, 0 },
};

static bool amd_name_printed(const struct amd_kernel_name *k, unsigned flags)
{
	return (!k->when || (flags & k->when)) && !(flags & k->unless);
}

/* Whether a kernel with @flags names the one-bit field @d of @reg at boot. */
static bool amd_kernel_named(enum iot_reg reg, const struct iot_field_desc *d, unsigned flags)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(amd_kernel_names); i++) {
		const struct amd_kernel_name *k = &amd_kernel_names[i];

		if (k->reg == reg && d->lsb == k->bit && d->msb == k->bit &&
		    amd_name_printed(k, flags))
			return true;
	}
	return false;
}

int iot_amd_efr_kernel_names_ex(uint64_t efr, uint64_t efr2, unsigned flags, char *buf,
				size_t len)
{
	if (!buf || len == 0)
		return -EINVAL;
	buf[0] = '\0';
	for (size_t i = 0; i < IOT_ARRAY_SIZE(amd_kernel_names); i++) {
		const struct amd_kernel_name *k = &amd_kernel_names[i];
		uint64_t v = k->reg == IOT_REG_AMD_EFR2 ? efr2 : efr;

		if (!(v & (UINT64_C(1) << k->bit)) || !amd_name_printed(k, flags))
			continue;
		if (!text_add(buf, len, k->name)) {
			buf[0] = '\0';
			return -ENOSPC;
		}
	}
	return (int)strlen(buf);
}

int iot_amd_efr_kernel_names(uint64_t efr, char *buf, size_t len)
{
	return iot_amd_efr_kernel_names_ex(efr, 0, 0, buf, len);
}

/*
 * SNP came with the SNP host enablement of the AMD IOMMU driver (v6.0);
 * kernels before it print no SNP. No released kernel is known to print
 * SEV-TIO yet (posted 2025), so it is never assumed. An unknown release
 * gets today's mainline rule.
 */
unsigned iot_amd_names_for_kernel(const char *osrelease)
{
	int major, minor;

	if (!parse_release(osrelease, &major, &minor))
		return 0;
	return major < 6 ? IOT_AMD_NAMES_NO_SNP : 0;
}

/* ---- a unit's features as text ---- */

struct feature_text {
	char *buf;
	size_t len, used;
	bool keys, full;
};

static void feature_add(struct feature_text *t, const char *word)
{
	int n;

	if (t->full)
		return;
	n = snprintf(t->buf + t->used, t->len - t->used, "%s%s",
		     t->used ? (t->keys ? "\n" : " ") : "", word);
	if (n < 0 || (size_t)n >= t->len - t->used) {
		t->full = true;
		return;
	}
	t->used += (size_t)n;
}

/* The set one-bit fields of @reg: JSON keys, or spec abbreviations for people. */
static void feature_add_reg(struct feature_text *t, enum iot_reg reg, uint64_t value,
			    bool skip_kernel_named, unsigned names_flags)
{
	struct iot_field f[64];
	int n = iot_reg_decode(reg, value, f, IOT_ARRAY_SIZE(f));

	for (int i = 0; i < n; i++) {
		if (f[i].desc->kind != IOT_FIELD_BOOL || !f[i].value)
			continue;
		if (skip_kernel_named && amd_kernel_named(reg, f[i].desc, names_flags))
			continue;
		feature_add(t, t->keys ? f[i].desc->key : f[i].desc->abbr);
	}
}

int iot_unit_features(struct iot_ctx *ctx, const struct iot_unit *u, unsigned flags, char *buf,
		      size_t len)
{
	struct feature_text t = { .buf = buf, .len = len, .keys = flags & IOT_UNIT_FEATURES_KEYS };

	if (!u || !buf || !len)
		return -EINVAL;
	buf[0] = '\0';
	if (u->cap_known)
		feature_add_reg(&t, IOT_REG_VTD_CAP, u->cap, false, 0);
	if (u->ecap_known)
		feature_add_reg(&t, IOT_REG_VTD_ECAP, u->ecap, false, 0);
	if (u->has_amd) {
		/* people know AMD features by the names their kernel printed at boot */
		const char *rel = NULL;
		unsigned names;
		char kernel[256];

		if (ctx) {
			bool outer = iot_nomem_begin(ctx);

			rel = iot_kernel_release(ctx);
			/* a release lost for want of memory would pick the mainline names */
			if (iot_nomem_end(ctx, outer)) {
				buf[0] = '\0';
				return -ENOMEM;
			}
		}
		names = iot_amd_names_for_kernel(rel);

		if (!t.keys) {
			if (iot_amd_efr_kernel_names_ex(u->efr, u->has_efr2 ? u->efr2 : 0, names,
							kernel, sizeof(kernel)) < 0)
				t.full = true;
			else if (kernel[0])
				feature_add(&t, kernel);
		}
		feature_add_reg(&t, IOT_REG_AMD_EFR, u->efr, !t.keys, names);
		if (u->has_efr2)
			feature_add_reg(&t, IOT_REG_AMD_EFR2, u->efr2, !t.keys, names);
	}
	if (t.full) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)t.used;
}

/* ---- answers to the questions people ask of a unit ---- */

/* One field of a register by its key, through the table; false when it is not there. */
static bool field_value(enum iot_reg reg, uint64_t regval, const char *key, uint64_t *value)
{
	const struct iot_field_desc *d = iot_reg_find(reg, key);
	struct iot_field f;

	if (!d || iot_field_decode(d, regval, &f))
		return false;
	*value = f.value;
	return true;
}

static enum iot_answer yes_no(bool known, enum iot_reg reg, uint64_t regval, const char *key)
{
	uint64_t v;

	if (!known || !field_value(reg, regval, key, &v))
		return IOT_ANSWER_UNKNOWN;
	return v ? IOT_ANSWER_YES : IOT_ANSWER_NO;
}

static enum iot_answer both(enum iot_answer a, enum iot_answer b)
{
	if (a == IOT_ANSWER_NO || b == IOT_ANSWER_NO)
		return IOT_ANSWER_NO;
	if (a == IOT_ANSWER_UNKNOWN || b == IOT_ANSWER_UNKNOWN)
		return IOT_ANSWER_UNKNOWN;
	return IOT_ANSWER_YES;
}

static enum iot_answer vtd_answer(const struct iot_unit *u, enum iot_unit_question q,
				  long *number)
{
	const enum iot_reg C = IOT_REG_VTD_CAP, E = IOT_REG_VTD_ECAP;
	bool c = u->cap_known, e = u->ecap_known;
	enum iot_answer a;
	uint64_t v;

	switch (q) {
	case IOT_Q_INTR_REMAP:
		return yes_no(e, E, u->ecap, "ir_support");
	case IOT_Q_X2APIC:
		return yes_no(e, E, u->ecap, "eim_support");
	case IOT_Q_PASS_THROUGH:
		return yes_no(e, E, u->ecap, "pass_through");
	case IOT_Q_NESTED:
		return yes_no(e, E, u->ecap, "nest");
	case IOT_Q_DIRTY_TRACKING:
		/* second-stage A/D bits, in scalable mode (the kernel's ssads_supported) */
		return both(yes_no(e, E, u->ecap, "slads"), yes_no(e, E, u->ecap, "smts"));
	case IOT_Q_PASID:
		a = yes_no(e, E, u->ecap, "pasid");
		if (a == IOT_ANSWER_YES && field_value(E, u->ecap, "pss", &v))
			*number = (long)v;
		return a;
	case IOT_Q_PAGE_REQUESTS:
		return yes_no(e, E, u->ecap, "prs");
	case IOT_Q_POSTED_INTR:
		return yes_no(c, C, u->cap, "pi_support");
	case IOT_Q_5LEVEL:
		/* SAGAW bit 3: 57-bit, 5-level second-stage tables; or 5-level first stage */
		if (!c || !field_value(C, u->cap, "sagaw", &v))
			return IOT_ANSWER_UNKNOWN;
		if (v & 8)
			return IOT_ANSWER_YES;
		return yes_no(c, C, u->cap, "fl5lp_support");
	case IOT_Q_SCALABLE_MODE:
		return yes_no(e, E, u->ecap, "smts");
	default:
		return IOT_ANSWER_UNKNOWN;
	}
}

static enum iot_answer amd_answer(const struct iot_unit *u, enum iot_unit_question q,
				  long *number)
{
	const enum iot_reg F = IOT_REG_AMD_EFR;
	bool k = u->has_amd;
	enum iot_answer a;
	uint64_t v;

	switch (q) {
	case IOT_Q_INTR_REMAP:
	case IOT_Q_PASS_THROUGH:
		/* every AMD-Vi unit has them: the device table entry's remapping and mode 0 */
		return k ? IOT_ANSWER_YES : IOT_ANSWER_UNKNOWN;
	case IOT_Q_X2APIC:
		return yes_no(k, F, u->efr, "x2apic");
	case IOT_Q_NESTED:
		/* guest (v2) page tables under host tables */
		return yes_no(k, F, u->efr, "gt");
	case IOT_Q_DIRTY_TRACKING:
		return yes_no(k, F, u->efr, "hdsup");
	case IOT_Q_PASID:
		/* PASIDs come with guest translation; PASmax says how many */
		a = yes_no(k, F, u->efr, "gt");
		if (a == IOT_ANSWER_YES && field_value(F, u->efr, "pasmax", &v))
			*number = (long)v;
		return a;
	case IOT_Q_PAGE_REQUESTS:
		return yes_no(k, F, u->efr, "ppr");
	case IOT_Q_POSTED_INTR:
		return yes_no(k, F, u->efr, "ga");
	case IOT_Q_5LEVEL:
		if (!k || !field_value(F, u->efr, "hats", &v))
			return IOT_ANSWER_UNKNOWN;
		return v >= 5 ? IOT_ANSWER_YES : IOT_ANSWER_NO;
	case IOT_Q_SCALABLE_MODE:
		return IOT_ANSWER_NOT_APPLICABLE;
	default:
		return IOT_ANSWER_UNKNOWN;
	}
}

enum iot_answer iot_unit_answer(const struct iot_unit *u, enum iot_unit_question q, long *number)
{
	long dummy;

	if (!number)
		number = &dummy;
	*number = -1;
	if (!u || !iot_unit_question_key(q))
		return IOT_ANSWER_UNKNOWN;
	if (u->has_vtd || u->kind == IOT_UNIT_INTEL_VTD)
		return vtd_answer(u, q, number);
	if (u->kind == IOT_UNIT_AMD_VI)
		return amd_answer(u, q, number);
	/* SMMUv3, virtio-iommu, ...: the kernel exports no registers in sysfs */
	return IOT_ANSWER_NOT_EXPOSED;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* test-features.c - register decoders checked against real values and hand decodes. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "iommu-tools-features.h"
#include "internal.h"

/* Decoded value of field @key of @reg holding @regval. */
static uint64_t val(enum iot_reg reg, uint64_t regval, const char *key)
{
	const struct iot_field_desc *d = iot_reg_find(reg, key);
	struct iot_field f;

	assert_non_null(d);
	assert_int_equal(iot_field_decode(d, regval, &f), 0);
	return f.value;
}

static const char *text(enum iot_reg reg, uint64_t regval, const char *key)
{
	static struct iot_field f;
	const struct iot_field_desc *d = iot_reg_find(reg, key);

	assert_non_null(d);
	assert_int_equal(iot_field_decode(d, regval, &f), 0);
	return f.text;
}

#define CAP IOT_REG_VTD_CAP
#define ECAP IOT_REG_VTD_ECAP

/* Tables: bits in range, ordered, no overlap, keys unique, within the register. */
static void test_tables_sane(void **state)
{
	for (int r = 0; r < IOT_REG_COUNT; r++) {
		size_t n;
		const struct iot_field_desc *f = iot_reg_fields((enum iot_reg)r, &n);
		unsigned width = iot_reg_width((enum iot_reg)r);
		uint64_t seen = 0;

		assert_non_null(f);
		assert_non_null(iot_reg_name((enum iot_reg)r));
		assert_true(n > 0);
		for (size_t i = 0; i < n; i++) {
			unsigned w = f[i].msb - f[i].lsb + 1u;
			uint64_t mask = (w == 64 ? UINT64_MAX : ((UINT64_C(1) << w) - 1))
					<< f[i].lsb;

			assert_true(f[i].msb >= f[i].lsb);
			assert_true(f[i].msb < width);
			assert_int_equal(seen & mask, 0);
			seen |= mask;
			if (i)
				assert_true(f[i].lsb > f[i - 1].msb);
			assert_non_null(f[i].abbr);
			assert_non_null(f[i].title);
			for (size_t j = 0; j < i; j++)
				assert_string_not_equal(f[i].key, f[j].key);
			if (f[i].kind == IOT_FIELD_BOOL)
				assert_int_equal(f[i].msb, f[i].lsb);
		}
	}
	assert_null(iot_reg_fields(IOT_REG_COUNT, NULL));
	assert_null(iot_reg_name((enum iot_reg)-1));
	assert_null(iot_reg_find(CAP, "no_such_field"));
}

/*
 * Kernel macro bit positions (drivers/iommu/intel/iommu.h), one by one: a
 * value with only that bit set must decode to 1 for the field and 0 for all
 * other boolean fields.
 */
static const struct {
	enum iot_reg reg;
	unsigned bit;
	const char *key;
} vtd_bits[] = {
	{ CAP, 63, "esrtps" },	     { CAP, 62, "esirtps" },	  { CAP, 61, "ecmds" },
	{ CAP, 60, "fl5lp_support" }, { CAP, 59, "pi_support" },   { CAP, 56, "fl1gp_support" },
	{ CAP, 55, "read_drain" },   { CAP, 54, "write_drain" },  { CAP, 39, "pgsel_inv" },
	{ CAP, 22, "zlr" },	     { CAP, 23, "isoch" },	  { CAP, 7, "caching_mode" },
	{ CAP, 6, "phmr" },	     { CAP, 5, "plmr" },	  { CAP, 4, "rwbf" },
	{ CAP, 3, "afl" },	     { ECAP, 51, "pms" },	  { ECAP, 50, "tdxc" },
	{ ECAP, 49, "rps" },	     { ECAP, 48, "smpwc" },	  { ECAP, 47, "flts" },
	{ ECAP, 46, "slts" },	     { ECAP, 45, "slads" },	  { ECAP, 44, "vcs" },
	{ ECAP, 43, "smts" },	     { ECAP, 42, "pds" },	  { ECAP, 41, "dit" },
	{ ECAP, 40, "pasid" },	     { ECAP, 34, "eafs" },	  { ECAP, 33, "nwfs" },
	{ ECAP, 31, "srs" },	     { ECAP, 30, "ers" },	  { ECAP, 29, "prs" },
	{ ECAP, 28, "broken_pasid" }, { ECAP, 27, "dis" },	  { ECAP, 26, "nest" },
	{ ECAP, 25, "mts" },	     { ECAP, 24, "ecs" },	  { ECAP, 7, "sc_support" },
	{ ECAP, 6, "pass_through" }, { ECAP, 4, "eim_support" },  { ECAP, 3, "ir_support" },
	{ ECAP, 2, "dev_iotlb_support" }, { ECAP, 1, "qis" },	  { ECAP, 0, "coherent" },
	{ ECAP, 52, "adms" },	     { ECAP, 53, "rprivs" },	  { ECAP, 5, "ch" },
};

static void test_vtd_bits(void **state)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(vtd_bits); i++) {
		uint64_t v = UINT64_C(1) << vtd_bits[i].bit;
		const struct iot_field_desc *d = iot_reg_find(vtd_bits[i].reg, vtd_bits[i].key);

		assert_non_null(d);
		assert_int_equal(d->kind, IOT_FIELD_BOOL);
		assert_int_equal(d->lsb, vtd_bits[i].bit);
		assert_int_equal(val(vtd_bits[i].reg, v, vtd_bits[i].key), 1);
		assert_int_equal(val(vtd_bits[i].reg, ~v, vtd_bits[i].key), 0);
	}
}

/* Multi-bit VT-d fields as the kernel macros compute them. */
static void test_vtd_numeric(void **state)
{
	/* cap_ndoms: 2^(4 + 2*ND) */
	static const uint64_t ndoms[] = { 16, 64, 256, 1024, 4096, 16384, 65536, 262144 };

	for (uint64_t nd = 0; nd < 8; nd++)
		assert_int_equal(val(CAP, nd, "ndoms"), ndoms[nd]);
	assert_int_equal(val(CAP, UINT64_C(0x26) << 16, "mgaw"), 39);	     /* +1 */
	assert_int_equal(val(CAP, UINT64_C(0x3ff) << 24, "fault_reg_offset"), 0x3ff0); /* x16 */
	assert_int_equal(val(CAP, UINT64_C(0xff) << 40, "num_fault_regs"), 256); /* +1 */
	assert_int_equal(val(CAP, UINT64_C(0x3f) << 48, "max_amask_val"), 63);
	assert_int_equal(val(CAP, UINT64_C(0xf) << 34, "super_page_val"), 0xf);
	assert_string_equal(text(CAP, UINT64_C(0xf) << 34, "super_page_val"), "2M 1G 512G 1T");
	assert_int_equal(val(CAP, UINT64_C(0x1f) << 8, "sagaw"), 0x1f);
	assert_int_equal(val(ECAP, UINT64_C(0x3ff) << 8, "iotlb_offset"), 0x3ff0);
	assert_int_equal(val(ECAP, UINT64_C(0xf) << 20, "max_handle_mask"), 15);
	assert_int_equal(val(ECAP, UINT64_C(0x1f) << 35, "pss"), 32);
	/* the decoders must not read neighbouring bits */
	assert_int_equal(val(CAP, ~(UINT64_C(0x3f) << 16), "mgaw"), 1);
	assert_int_equal(val(ECAP, ~(UINT64_C(0x3ff) << 8), "iotlb_offset"), 0);
}

/* Worked decodes of the reference notes (section 4.6), checked by hand. */
static void test_vtd_worked(void **state)
{
	uint64_t cap = 0xd2008c40660462, ecap = 0xf050da;

	assert_int_equal(val(CAP, cap, "ndoms"), 256);
	assert_int_equal(val(CAP, cap, "plmr"), 1);
	assert_int_equal(val(CAP, cap, "phmr"), 1);
	assert_int_equal(val(CAP, cap, "caching_mode"), 0);
	assert_string_equal(text(CAP, cap, "sagaw"), "4-level");
	assert_string_equal(text(CAP, cap, "mgaw"), "39 bits");
	assert_int_equal(val(CAP, cap, "zlr"), 1);
	assert_string_equal(text(CAP, cap, "fault_reg_offset"), "0x400");
	assert_string_equal(text(CAP, cap, "super_page_val"), "2M 1G");
	assert_int_equal(val(CAP, cap, "pgsel_inv"), 1);
	assert_int_equal(val(CAP, cap, "num_fault_regs"), 1);
	assert_int_equal(val(CAP, cap, "max_amask_val"), 18);
	assert_int_equal(val(CAP, cap, "write_drain"), 1);
	assert_int_equal(val(CAP, cap, "read_drain"), 1);
	assert_int_equal(val(CAP, cap, "pi_support"), 0);

	assert_int_equal(val(ECAP, ecap, "qis"), 1);
	assert_int_equal(val(ECAP, ecap, "ir_support"), 1);
	assert_int_equal(val(ECAP, ecap, "eim_support"), 1);
	assert_int_equal(val(ECAP, ecap, "pass_through"), 1);
	assert_int_equal(val(ECAP, ecap, "sc_support"), 1);
	assert_int_equal(val(ECAP, ecap, "coherent"), 0);
	assert_int_equal(val(ECAP, ecap, "dev_iotlb_support"), 0);
	assert_string_equal(text(ECAP, ecap, "iotlb_offset"), "0x500");
	assert_int_equal(val(ECAP, ecap, "max_handle_mask"), 15);
	assert_int_equal(val(ECAP, ecap, "smts"), 0);
	assert_int_equal(val(ECAP, ecap, "pasid"), 0);

	/* I2, Xeon (LAKE#10): cap 8d2078c106f0466 ecap f020df */
	cap = 0x8d2078c106f0466;
	ecap = 0xf020df;
	assert_int_equal(val(CAP, cap, "ndoms"), 65536);
	assert_string_equal(text(CAP, cap, "sagaw"), "4-level");
	assert_string_equal(text(CAP, cap, "mgaw"), "48 bits");
	assert_string_equal(text(CAP, cap, "fault_reg_offset"), "0x100");
	assert_int_equal(val(CAP, cap, "num_fault_regs"), 8);
	assert_int_equal(val(CAP, cap, "pgsel_inv"), 1);
	assert_int_equal(val(CAP, cap, "pi_support"), 1);
	assert_string_equal(text(CAP, cap, "super_page_val"), "2M 1G");
	assert_int_equal(val(ECAP, ecap, "coherent"), 1);
	assert_int_equal(val(ECAP, ecap, "dev_iotlb_support"), 1);
	assert_int_equal(val(ECAP, ecap, "sc_support"), 1);
	assert_string_equal(text(ECAP, ecap, "iotlb_offset"), "0x200");

	/* I1, Gemini Lake iGPU unit (aqc111#57): ecap 9e2ff0505e, VT-d 2.x layout */
	ecap = 0x9e2ff0505e;
	assert_int_equal(val(ECAP, ecap, "coherent"), 0);
	assert_int_equal(val(ECAP, ecap, "dev_iotlb_support"), 1);
	assert_int_equal(val(ECAP, ecap, "ecs"), 1);
	assert_int_equal(val(ECAP, ecap, "mts"), 1);
	assert_int_equal(val(ECAP, ecap, "nest"), 1);
	assert_int_equal(val(ECAP, ecap, "prs"), 1);
	assert_string_equal(text(ECAP, ecap, "pss"), "20 bits");
	assert_int_equal(val(ECAP, ecap, "pasid"), 0);

	/* reference: ecap 19e2ff0505e sets PASID (bit 40) besides the same bits */
	ecap = 0x19e2ff0505e;
	assert_int_equal(val(ECAP, ecap, "pasid"), 1);
	assert_int_equal(val(ECAP, ecap, "nwfs"), 1);
	assert_int_equal(val(ECAP, ecap, "eafs"), 1);
	assert_int_equal(val(ECAP, ecap, "sc_support"), 0);
}

/* I3: Sapphire Rapids (intel-device-plugins-for-kubernetes#1836), ver 6:0. */
static void test_vtd_sapphire_rapids(void **state)
{
	uint64_t cap = 0x19ed008c40780c66, ecap = 0x3ee9e86f050df;

	assert_string_equal(text(CAP, cap, "sagaw"), "4-level 5-level");
	assert_string_equal(text(CAP, cap, "mgaw"), "57 bits");
	assert_int_equal(val(CAP, cap, "ndoms"), 65536);
	assert_int_equal(val(CAP, cap, "fl1gp_support"), 1);
	assert_int_equal(val(CAP, cap, "pi_support"), 1);
	assert_int_equal(val(CAP, cap, "fl5lp_support"), 1);
	assert_int_equal(val(CAP, cap, "ecmds"), 0);
	for (size_t i = 0; i < 8; i++) {
		static const char *const on[] = { "srs",  "smts", "slads", "slts",
						  "flts", "smpwc", "rps", "dit" };

		assert_int_equal(val(ECAP, ecap, on[i]), 1);
	}
	assert_int_equal(val(ECAP, ecap, "pds"), 1);
	assert_string_equal(text(ECAP, ecap, "pss"), "20 bits");
	assert_int_equal(val(ECAP, ecap, "pasid"), 0);
	assert_int_equal(val(ECAP, ecap, "vcs"), 0);
}

/* QEMU's emulated VT-d: values of the test VM; caching-mode sets CAP bit 7. */
static void test_vtd_qemu(void **state)
{
	uint64_t cap = 0xd2008c22260206, legacy = 0xf00f4a, scalable = 0x480080f00f4a;

	assert_int_equal(val(CAP, cap, "caching_mode"), 0);
	assert_int_equal(val(CAP, cap | 0x80, "caching_mode"), 1);
	assert_string_equal(text(CAP, cap, "sagaw"), "3-level");
	assert_string_equal(text(CAP, cap, "mgaw"), "39 bits");
	assert_int_equal(val(CAP, cap, "ndoms"), 65536);
	assert_string_equal(text(CAP, cap, "fault_reg_offset"), "0x220");
	assert_int_equal(val(ECAP, legacy, "qis"), 1);
	assert_int_equal(val(ECAP, legacy, "ir_support"), 1);
	assert_int_equal(val(ECAP, legacy, "pass_through"), 1);
	assert_int_equal(val(ECAP, legacy, "eim_support"), 0);
	assert_int_equal(val(ECAP, legacy, "smts"), 0);
	assert_string_equal(text(ECAP, legacy, "iotlb_offset"), "0xf0");
	assert_int_equal(val(ECAP, scalable, "smts"), 1);
	assert_int_equal(val(ECAP, scalable, "slts"), 1);
	assert_int_equal(val(ECAP, scalable, "srs"), 1);
	assert_int_equal(val(ECAP, scalable, "flts"), 0);
}

/*
 * cap_audit (5.13+) prints "IOMMU feature <name> inconsistent" with the
 * names below; each must be one of our keys (5lp_support is our
 * fl5lp_support) at the bit the audit checks.
 */
static void test_vtd_cap_audit_names(void **state)
{
	static const struct {
		enum iot_reg reg;
		unsigned bit;
		const char *name;
	} audit[] = {
		{ CAP, 56, "fl1gp_support" }, { CAP, 55, "read_drain" }, { CAP, 54, "write_drain" },
		{ CAP, 39, "pgsel_inv" },     { CAP, 22, "zlr" },        { CAP, 7, "caching_mode" },
		{ CAP, 6, "phmr" },	      { CAP, 5, "plmr" },        { CAP, 4, "rwbf" },
		{ CAP, 3, "afl" },	      { ECAP, 49, "rps" },       { ECAP, 48, "smpwc" },
		{ ECAP, 47, "flts" },	      { ECAP, 46, "slts" },      { ECAP, 33, "nwfs" },
		{ ECAP, 45, "slads" },	      { ECAP, 44, "vcs" },       { ECAP, 43, "smts" },
		{ ECAP, 42, "pds" },	      { ECAP, 41, "dit" },       { ECAP, 40, "pasid" },
		{ ECAP, 34, "eafs" },	      { ECAP, 31, "srs" },       { ECAP, 30, "ers" },
		{ ECAP, 29, "prs" },	      { ECAP, 26, "nest" },      { ECAP, 25, "mts" },
		{ ECAP, 7, "sc_support" },    { ECAP, 6, "pass_through" },
		{ ECAP, 2, "dev_iotlb_support" }, { ECAP, 1, "qis" },    { ECAP, 0, "coherent" },
		{ CAP, 59, "pi_support" },    { ECAP, 4, "eim_support" },
	};

	for (size_t i = 0; i < IOT_ARRAY_SIZE(audit); i++) {
		const struct iot_field_desc *d = iot_reg_find(audit[i].reg, audit[i].name);

		assert_non_null(d);
		assert_int_equal(d->lsb, audit[i].bit);
	}
	assert_int_equal(iot_reg_find(CAP, "fl5lp_support")->lsb, 60);
}

/*
 * Two units of one Alder Lake machine (I4/I6): the iGPU unit lacks IR,
 * has ECS-era bits; the audit would name exactly the boolean fields that
 * differ. Check our diff finds the bits set on only one side.
 */
static void test_vtd_unit_diff(void **state)
{
	uint64_t e0 = 0x29a00f0505e, e1 = 0xf050da, diff = e0 ^ e1;

	assert_true(diff & (UINT64_C(1) << 7)); /* SC only on dmar1 */
	assert_int_equal(val(ECAP, e0, "sc_support"), 0);
	assert_int_equal(val(ECAP, e1, "sc_support"), 1);
	assert_int_equal(val(ECAP, e0, "dev_iotlb_support"), 1);
	assert_int_equal(val(ECAP, e1, "dev_iotlb_support"), 0);
	assert_int_equal(val(ECAP, e0, "pasid"), 0);
	assert_int_equal(val(ECAP, e0, "smts"), 0);
}

static void test_decode_all(void **state)
{
	struct iot_field f[64];
	size_t n;
	int count;

	iot_reg_fields(CAP, &n);
	count = iot_reg_decode(CAP, 0xd2008c40660462, f, IOT_ARRAY_SIZE(f));
	assert_int_equal(count, (int)n);
	assert_string_equal(f[0].desc->key, "ndoms");
	assert_string_equal(f[0].text, "256");
	assert_int_equal(iot_reg_decode(CAP, 0, f, 2), -ENOSPC);
	assert_int_equal(iot_reg_decode(CAP, 0, NULL, 0), -ENOSPC);
	assert_int_equal(iot_reg_decode(IOT_REG_COUNT, 0, f, 64), -EINVAL);
	/* 32-bit registers refuse wider values */
	assert_int_equal(iot_reg_decode(IOT_REG_SMMU_IDR0, UINT64_C(1) << 32, f, 64), -EINVAL);
	assert_int_equal(iot_reg_decode(IOT_REG_AMD_CAP, UINT64_C(1) << 40, f, 64), -EINVAL);
	for (int r = 0; r < IOT_REG_COUNT; r++) {
		uint64_t all = iot_reg_width((enum iot_reg)r) == 64 ? UINT64_MAX : UINT32_MAX;

		assert_true(iot_reg_decode((enum iot_reg)r, all, f, 64) > 0);
		assert_true(iot_reg_decode((enum iot_reg)r, 0, f, 64) > 0);
	}
	assert_string_equal(text(CAP, 0, "sagaw"), "none");
	assert_string_equal(text(CAP, 0, "ndoms"), "16");
}

static void test_vtd_version(void **state)
{
	int ma = -1, mi = -1;

	assert_int_equal(iot_vtd_parse_version("1:0", &ma, &mi), 0);
	assert_int_equal(ma, 1);
	assert_int_equal(mi, 0);
	assert_int_equal(iot_vtd_parse_version("7:0\n", &ma, &mi), 0);
	assert_int_equal(ma, 7);
	assert_int_equal(iot_vtd_parse_version("15:15", &ma, &mi), 0);
	assert_int_equal(iot_vtd_parse_version("16:0", &ma, &mi), -ERANGE);
	static const char *const bad[] = { "",	  ":",	"1:",  ":0",  "1",   "1:0:0", "-1:0",
					   " 1:0", "1:0 ", "1 :0", "a:0", "1:0\n\n", "0x1:0",
					   "1:+0", "0001:0" };
	for (size_t i = 0; i < IOT_ARRAY_SIZE(bad); i++)
		assert_int_not_equal(iot_vtd_parse_version(bad[i], &ma, &mi), 0);
	assert_int_equal(iot_vtd_parse_version(NULL, &ma, &mi), -EINVAL);
}

/* ---- AMD ---- */

#define EFR IOT_REG_AMD_EFR
#define EFR2 IOT_REG_AMD_EFR2

static void test_amd_bits(void **state)
{
	static const struct {
		enum iot_reg reg;
		unsigned bit;
		const char *key;
	} bits[] = {
		/* FEATURE_* of amd_iommu_types.h */
		{ EFR, 0, "prefetch" },	 { EFR, 1, "ppr" },   { EFR, 2, "x2apic" },
		{ EFR, 3, "nx" },	 { EFR, 4, "gt" },    { EFR, 6, "ia" },
		{ EFR, 7, "ga" },	 { EFR, 8, "he" },    { EFR, 9, "pc" },
		{ EFR, 21, "gam_vapic" }, { EFR, 48, "giosup" }, { EFR, 49, "hasup" },
		{ EFR, 50, "ephsup" },	 { EFR, 52, "hdsup" }, { EFR, 63, "snp" },
		{ EFR, 46, "msicapmmiosup" },
		{ EFR2, 1, "sevsnpio_sup" }, { EFR2, 3, "gcr3trpmode" },
		{ EFR2, 11, "ht_range_ignore" },
		{ IOT_REG_AMD_CAP, 24, "iotlb" }, { IOT_REG_AMD_CAP, 26, "npcache" },
		{ IOT_REG_AMD_CAP, 27, "efr" },
	};

	for (size_t i = 0; i < IOT_ARRAY_SIZE(bits); i++) {
		const struct iot_field_desc *d = iot_reg_find(bits[i].reg, bits[i].key);

		assert_non_null(d);
		assert_int_equal(d->lsb, bits[i].bit);
		assert_int_equal(d->msb, bits[i].bit);
	}
	/* multi-bit kernel fields: GENMASK_ULL(11,10), (13,12), (15,14), (36,32); EFR2 (7,5), (9,8) */
	assert_int_equal(iot_reg_find(EFR, "hats")->lsb, 10);
	assert_int_equal(iot_reg_find(EFR, "hats")->msb, 11);
	assert_int_equal(iot_reg_find(EFR, "gats")->lsb, 12);
	assert_int_equal(iot_reg_find(EFR, "glx")->lsb, 14);
	assert_int_equal(iot_reg_find(EFR, "pasmax")->lsb, 32);
	assert_int_equal(iot_reg_find(EFR, "pasmax")->msb, 36);
	assert_int_equal(iot_reg_find(EFR2, "snpavicsup")->lsb, 5);
	assert_int_equal(iot_reg_find(EFR2, "snpavicsup")->msb, 7);
	assert_int_equal(iot_reg_find(EFR2, "num_int_remap_sup")->msb, 9);
}

static void test_amd_decode(void **state)
{
	/* A1: EPYC (openvelinux/kernel#50) */
	uint64_t efr = 0xa5bf732fa2295afe;

	assert_string_equal(text(EFR, efr, "hats"), "6-level"); /* raw 2: 2 + 4 */
	assert_int_equal(val(EFR, efr, "hats"), 6);
	assert_string_equal(text(EFR, efr, "gats"), "5-level");
	assert_string_equal(text(EFR, efr, "pasmax"), "16 bits"); /* 0xf + 1 */
	assert_int_equal(val(EFR, efr, "snp"), 1);
	assert_int_equal(val(EFR, efr, "gam_vapic"), 1);
	assert_int_equal(val(EFR, efr, "he"), 0);
	assert_string_equal(text(EFR, 0x3ull << 10, "hats"), "reserved (3)");
	assert_int_equal(val(EFR, 0x3ull << 10, "hats"), 0);
	assert_string_equal(text(EFR2, 0x100, "num_int_remap_sup"), "2048");
	assert_string_equal(text(EFR2, 0x53d, "num_int_remap_sup"), "2048");
	assert_int_equal(val(EFR2, 0x53d, "snpavicsup"), 1);
	assert_int_equal(val(EFR2, 0x10, "snpavicsup"), 0);
	/* amd-iommu/cap header: CapID 0x0f, type 3, EFRSup */
	assert_string_equal(text(IOT_REG_AMD_CAP, 0x190b640f, "capid"), "0xf");
	assert_int_equal(val(IOT_REG_AMD_CAP, 0x190b640f, "captype"), 3);
	assert_int_equal(val(IOT_REG_AMD_CAP, 0x190b640f, "iotlb"), 1);
	assert_int_equal(val(IOT_REG_AMD_CAP, 0x190b640f, "efr"), 1);
}

/*
 * The kernel's printed names on the same line as the value: a strong check.
 * Kernels before the SNP print (A1, A2 run 5.x) need IOT_AMD_NAMES_NO_SNP.
 */
static void test_amd_kernel_names(void **state)
{
	static const struct {
		uint64_t efr;
		unsigned flags;
		const char *printed;
	} cases[] = {
		/* A1 openvelinux/kernel#50, 5.15 */
		{ 0xa5bf732fa2295afe, IOT_AMD_NAMES_NO_SNP, "PPR X2APIC NX GT [5] IA GA PC GA_vAPIC" },
		/* A2 enarx/enarx#2263, AWS m6a.metal */
		{ 0x841f77e022094ace, IOT_AMD_NAMES_NO_SNP, "PPR X2APIC NX IA GA PC" },
		/* A3 AMDESE/AMDSEV#62 (continuation line) */
		{ 0x58f77ef22294ade, 0, "PPR X2APIC NX GT IA GA PC GA_vAPIC" },
		/* (no URL) 6.x paste */
		{ 0x58f77ef22294a5a, 0, "PPR NX GT IA PC GA_vAPIC" },
		/* (no URL) proxmox 6.x paste with EFR2 0x0 */
		{ 0x246577efa2254afa, 0, "PPR NX GT [5] IA GA PC GA_vAPIC" },
		/* (no URL) reference: 206d73ef22254ade */
		{ 0x206d73ef22254ade, 0, "PPR X2APIC NX GT IA GA PC GA_vAPIC" },
		/* synthetic: every named bit, mainline with SNP */
		{ 0x80000000002003ff, 0, "PreF PPR X2APIC NX GT [5] IA GA HE PC GA_vAPIC SNP" },
		{ 0, 0, "" },
	};
	char buf[128];

	for (size_t i = 0; i < IOT_ARRAY_SIZE(cases); i++) {
		int n = iot_amd_efr_kernel_names_ex(cases[i].efr, 0, cases[i].flags, buf,
						    sizeof(buf));

		assert_int_equal(n, (int)strlen(cases[i].printed));
		assert_string_equal(buf, cases[i].printed);
	}
	assert_int_equal(iot_amd_efr_kernel_names(0xa5bf732fa2295afe, buf, sizeof(buf)), 42);
	assert_string_equal(buf, "PPR X2APIC NX GT [5] IA GA PC GA_vAPIC SNP");
	assert_int_equal(iot_amd_efr_kernel_names_ex(0x2, 0x2, IOT_AMD_NAMES_SEV_TIO, buf,
						     sizeof(buf)), 11);
	assert_string_equal(buf, "PPR SEV-TIO");
	assert_int_equal(iot_amd_efr_kernel_names(0xa5bf732fa2295afe, buf, 10), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(iot_amd_efr_kernel_names(0x2, buf, 4), 3);
	assert_int_equal(iot_amd_efr_kernel_names(0x2, buf, 3), -ENOSPC);
	assert_int_equal(iot_amd_efr_kernel_names(0x2, NULL, 3), -EINVAL);
}

/* Which names a kernel printed, from its release: SNP came with v6.0. */
static void test_amd_names_for_kernel(void **state)
{
	assert_int_equal(iot_amd_names_for_kernel("5.15.0-91-generic"), IOT_AMD_NAMES_NO_SNP);
	assert_int_equal(iot_amd_names_for_kernel("4.19.0"), IOT_AMD_NAMES_NO_SNP);
	assert_int_equal(iot_amd_names_for_kernel("6.0.0"), 0);
	assert_int_equal(iot_amd_names_for_kernel("6.8.0-45-generic"), 0);
	assert_int_equal(iot_amd_names_for_kernel("7.3.4"), 0);
	/* unknown: today's mainline rule */
	assert_int_equal(iot_amd_names_for_kernel(NULL), 0);
	assert_int_equal(iot_amd_names_for_kernel("linux"), 0);
	assert_int_equal(iot_amd_names_for_kernel("5"), 0);
}

/* A scratch root whose proc/sys/kernel/osrelease says @release. */
static struct iot_ctx *ctx_with_release(char *dir, const char *release)
{
	char path[512];
	struct iot_ctx *ctx;
	int fd;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/proc", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/sys", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, release, strlen(release)), (ssize_t)strlen(release));
	close(fd);
	assert_int_equal(iot_ctx_new(dir, &ctx), 0);
	return ctx;
}

static void remove_release_root(const char *dir)
{
	const char *const sub[] = { "proc/sys/kernel/osrelease", "proc/sys/kernel", "proc/sys",
				    "proc", "" };
	char path[512];

	for (size_t i = 0; i < IOT_ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		assert_int_equal(remove(path), 0);
	}
}

/* iot_unit_features() gives exactly @want, and its length. */
static void features_are(struct iot_ctx *ctx, const struct iot_unit *u, unsigned flags,
			 const char *want)
{
	char buf[1024];

	assert_int_equal(iot_unit_features(ctx, u, flags, buf, sizeof(buf)), (int)strlen(want));
	assert_string_equal(buf, want);
}

/*
 * A unit's features as the command shows them: spec abbreviations, AMD's
 * boot names first, JSON keys one per line. The strings are those of the
 * golden outputs (tests/expected/{desktop,epyc}).
 */
static void test_unit_features(void **state)
{
	struct iot_unit vtd = { .name = "dmar1", .kind = IOT_UNIT_INTEL_VTD, .has_vtd = true,
				.cap_known = true, .ecap_known = true,
				.cap = 0x8d2008c40660462, .ecap = 0xf050da };
	struct iot_unit amd = { .name = "ivhd0", .kind = IOT_UNIT_AMD_VI, .has_amd = true,
				.efr = 0x58f77ef22294ade, .has_efr2 = true };
	struct iot_unit snp = { .name = "ivhd0", .kind = IOT_UNIT_AMD_VI, .has_amd = true,
				.efr = 0x8000000000000002, .efr2 = 0x2, .has_efr2 = true };
	char buf[1024], dir[] = "/tmp/iot-features-XXXXXX";
	struct iot_ctx *ctx;

	features_are(NULL, &vtd, 0, "PLMR PHMR ZLR PSI DWD DRD PI QI IR EIM PT SC");
	features_are(NULL, &vtd, IOT_UNIT_FEATURES_KEYS,
		     "plmr\nphmr\nzlr\npgsel_inv\nwrite_drain\nread_drain\npi_support\nqis\n"
		     "ir_support\neim_support\npass_through\nsc_support");
	/* only the ecap known: the cap's features are not guessed */
	vtd.cap_known = false;
	features_are(NULL, &vtd, 0, "QI IR EIM PT SC");

	/* the boot names, then what they leave out; never both for one bit */
	features_are(NULL, &amd, 0,
		     "PPR X2APIC NX GT IA GA PC GA_vAPIC USSup PprOvrflwEarlySup "
		     "PPRAutoRspSup BlkStopMrkSup PerfOptSup MsiCapMmioSup GIoSup "
		     "HASup EPHSup AttrFWSup VIommuSup");
	/* JSON keys name every feature, the kernel-named ones too */
	assert_true(iot_unit_features(NULL, &amd, IOT_UNIT_FEATURES_KEYS, buf, sizeof(buf)) > 0);
	assert_int_equal(strncmp(buf, "ppr\nx2apic\nnx\ngt\nia\nga\npc\n", 26), 0);
	assert_non_null(strstr(buf, "\ngam_vapic\n"));

	/* SNP: a kernel name on today's kernels; a spec abbreviation where 5.x printed none */
	features_are(NULL, &snp, 0, "PPR SNP SEVSNPIOSup");
	ctx = ctx_with_release(dir, "5.15.0-91-generic\n");
	assert_string_equal(iot_kernel_release(ctx), "5.15.0-91-generic");
	features_are(ctx, &snp, 0, "PPR SNPSup SEVSNPIOSup");
	iot_ctx_free(ctx);
	remove_release_root(dir);

	/* too small: nothing rather than a cut list */
	assert_int_equal(iot_unit_features(NULL, &amd, 0, buf, 20), -ENOSPC);
	assert_string_equal(buf, "");
	assert_int_equal(iot_unit_features(NULL, &amd, 0, buf, 0), -EINVAL);
	assert_int_equal(iot_unit_features(NULL, NULL, 0, buf, sizeof(buf)), -EINVAL);
}

static void test_amd_order(void **state)
{
	assert_int_equal(iot_amd_order_for_kernel("6.7.0"), IOT_AMD_ORDER_EFR_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("6.7.0-rc1"), IOT_AMD_ORDER_EFR_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("6.12.9-amd64"), IOT_AMD_ORDER_EFR_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("7.3.4-1~bpo13+1"), IOT_AMD_ORDER_EFR_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("6.6.12-arch1-1"), IOT_AMD_ORDER_EFR2_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("6.1.0-18-amd64"), IOT_AMD_ORDER_EFR2_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("6.0"), IOT_AMD_ORDER_EFR2_FIRST);
	assert_int_equal(iot_amd_order_for_kernel("5.15.0-91-generic"), IOT_AMD_ORDER_GUESS);
	assert_int_equal(iot_amd_order_for_kernel("6"), IOT_AMD_ORDER_GUESS);
	assert_int_equal(iot_amd_order_for_kernel("6."), IOT_AMD_ORDER_GUESS);
	assert_int_equal(iot_amd_order_for_kernel("v6.7"), IOT_AMD_ORDER_GUESS);
	assert_int_equal(iot_amd_order_for_kernel(""), IOT_AMD_ORDER_GUESS);
	assert_int_equal(iot_amd_order_for_kernel(NULL), IOT_AMD_ORDER_GUESS);
	assert_int_equal(iot_amd_order_for_kernel("9999.1"), IOT_AMD_ORDER_GUESS);
}

static void test_amd_parse_features(void **state)
{
	uint64_t efr, efr2;
	bool has2;

	/* one value (<= 5.19) */
	assert_int_equal(iot_amd_parse_features("206d73ef22254ade\n", IOT_AMD_ORDER_GUESS, &efr,
						&efr2, &has2), 0);
	assert_true(efr == 0x206d73ef22254ade && !has2);
	/* 6.0-6.6: EFR2:EFR */
	assert_int_equal(iot_amd_parse_features("0:206d73ef22254ade", IOT_AMD_ORDER_EFR2_FIRST,
						&efr, &efr2, &has2), 0);
	assert_true(efr == 0x206d73ef22254ade && efr2 == 0 && has2);
	/* 6.7+: EFR:EFR2 (AMD engineer's example) */
	assert_int_equal(iot_amd_parse_features("25bf732fa2295afe:53d", IOT_AMD_ORDER_EFR_FIRST,
						&efr, &efr2, &has2), 0);
	assert_true(efr == 0x25bf732fa2295afe && efr2 == 0x53d);
	/* guessing either order */
	assert_int_equal(iot_amd_parse_features("25bf732fa2295afe:53d", IOT_AMD_ORDER_GUESS, &efr,
						&efr2, &has2), 0);
	assert_true(efr == 0x25bf732fa2295afe && efr2 == 0x53d);
	assert_int_equal(iot_amd_parse_features("10:246577efa2254afa", IOT_AMD_ORDER_GUESS, &efr,
						&efr2, &has2), 0);
	assert_true(efr == 0x246577efa2254afa && efr2 == 0x10);
	assert_int_equal(iot_amd_parse_features("0:0", IOT_AMD_ORDER_GUESS, &efr, &efr2, &has2),
			 0);
	/* two EFR-looking or two EFR2-looking values: refuse to guess */
	assert_int_equal(iot_amd_parse_features("1d:10", IOT_AMD_ORDER_GUESS, &efr, &efr2, &has2),
			 -EDOM);
	assert_int_equal(iot_amd_parse_features("206d73ef22254ade:206d73ef22254ade",
						IOT_AMD_ORDER_GUESS, &efr, &efr2, &has2), -EDOM);

	static const char *const bad[] = {
		"",		     "\n",		  "xyz",		"0x",
		"0x12",		     "-1",		  "+1",			" 1",
		"1 ",		     "1\n\n",		  "12345678901234567", /* 17 digits */
		"1:2:3",	     ":1",		  "1:",			":",
		"1::2",		     "1:0x2",		  "1;2",		"g",
		"1:2\n3",	     "ffffffffffffffff0", "1 : 2",
	};
	for (size_t i = 0; i < IOT_ARRAY_SIZE(bad); i++)
		assert_int_equal(iot_amd_parse_features(bad[i], IOT_AMD_ORDER_EFR_FIRST, &efr,
							&efr2, &has2), -EINVAL);
	assert_int_equal(iot_amd_parse_features("ffffffffffffffff", IOT_AMD_ORDER_GUESS, &efr,
						&efr2, &has2), 0);
	assert_true(efr == UINT64_MAX);
	assert_int_equal(iot_amd_parse_features(NULL, IOT_AMD_ORDER_GUESS, &efr, &efr2, &has2),
			 -EINVAL);
	assert_int_equal(iot_amd_parse_features("1:2", (enum iot_amd_order)42, &efr, &efr2, &has2),
			 -EINVAL);
}

/* ---- SMMUv3 ---- */

static void test_smmu(void **state)
{
	/* IDR0 fields at the kernel's GENMASK positions */
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 1u << 27, "st_lvl"), "2-level");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 0, "st_lvl"), "linear");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 2u << 24, "stall_model"), "stall-forced");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 1u << 24, "stall_model"), "terminate");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 2u << 21, "ttendian"), "little");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 3u << 21, "ttendian"), "big");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 1u << 21, "ttendian"), "reserved (1)");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 2u << 2, "ttf"), "aarch64");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 3u << 2, "ttf"), "aarch32+aarch64");
	assert_string_equal(text(IOT_REG_SMMU_IDR0, 2u << 6, "httu"), "access+dirty");
	assert_int_equal(val(IOT_REG_SMMU_IDR0, 1u << 19, "cd2l"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR0, 1u << 18, "vmid16"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR0, 1u << 16, "pri"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR0, 1u << 12, "asid16"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR0, 1u << 10, "ats"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR0, 1u << 26, "term_model"), 1);
	/* IDR1 */
	assert_int_equal(val(IOT_REG_SMMU_IDR1, 0x10, "sidsize"), 16);
	assert_int_equal(val(IOT_REG_SMMU_IDR1, 20u << 6, "ssidsize"), 20);
	assert_int_equal(val(IOT_REG_SMMU_IDR1, 19u << 21, "cmdqs"), 1u << 19);
	assert_int_equal(val(IOT_REG_SMMU_IDR1, 19u << 16, "evtqs"), 1u << 19);
	assert_int_equal(val(IOT_REG_SMMU_IDR1, 1u << 30, "tables_preset"), 1);
	/* IDR3 */
	assert_int_equal(val(IOT_REG_SMMU_IDR3, 1u << 10, "ril"), 1);
	assert_string_equal(text(IOT_REG_SMMU_IDR3, 2u << 11, "bbml"), "BBML2");
	/* IDR5: OAS to bits, granules, VAX */
	static const unsigned oas[] = { 32, 36, 40, 42, 44, 48, 52 };
	for (unsigned i = 0; i < 7; i++)
		assert_int_equal(val(IOT_REG_SMMU_IDR5, i, "oas"), oas[i]);
	assert_string_equal(text(IOT_REG_SMMU_IDR5, 7, "oas"), "reserved (7)");
	assert_int_equal(val(IOT_REG_SMMU_IDR5, 1u << 10, "vax"), 52);
	assert_int_equal(val(IOT_REG_SMMU_IDR5, 0x70, "gran4k"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR5, 0x70, "gran64k"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IDR5, 0xffffu << 16, "stall_max"), 0xffff);
	/* IIDR: Arm MMU-700 */
	uint64_t iidr = (0x487u << 20) | (1u << 16) | (2u << 12) | 0x43b;
	assert_string_equal(text(IOT_REG_SMMU_IIDR, iidr, "implementer"), "0x43b");
	assert_string_equal(text(IOT_REG_SMMU_IIDR, iidr, "productid"), "0x487");
	assert_int_equal(val(IOT_REG_SMMU_IIDR, iidr, "variant"), 1);
	assert_int_equal(val(IOT_REG_SMMU_IIDR, iidr, "revision"), 2);
	assert_int_equal(val(IOT_REG_SMMU_AIDR, 0x01, "archminorrev"), 1);
	assert_int_equal(val(IOT_REG_SMMU_AIDR, 0x01, "archmajorrev"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_sane),
		cmocka_unit_test(test_vtd_bits),
		cmocka_unit_test(test_vtd_numeric),
		cmocka_unit_test(test_vtd_worked),
		cmocka_unit_test(test_vtd_sapphire_rapids),
		cmocka_unit_test(test_vtd_qemu),
		cmocka_unit_test(test_vtd_cap_audit_names),
		cmocka_unit_test(test_vtd_unit_diff),
		cmocka_unit_test(test_decode_all),
		cmocka_unit_test(test_vtd_version),
		cmocka_unit_test(test_amd_bits),
		cmocka_unit_test(test_amd_decode),
		cmocka_unit_test(test_amd_kernel_names),
		cmocka_unit_test(test_amd_names_for_kernel),
		cmocka_unit_test(test_unit_features),
		cmocka_unit_test(test_amd_order),
		cmocka_unit_test(test_amd_parse_features),
		cmocka_unit_test(test_smmu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* test-bootlog.c - boot-line parsers on real pasted lines and on hostile ones. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "iommu-tools-features.h"
#include "internal.h"

/* Real lines (tests/unit/data/README names the sources), prefixes as pasted. */
static const struct {
	const char *line;
	const char *unit;
	bool old;
	uint64_t base;
	int ma, mi;
	uint64_t cap, ecap;
} dmar_lines[] = {
	/* I1 bb-qq/aqc111#57 */
	{ "[    2.990097] DMAR: dmar0: reg_base_addr fed64000 ver 1:0 cap 1c0000c40660462 ecap 9e2ff0505e",
	  "dmar0", false, 0xfed64000, 1, 0, 0x1c0000c40660462, 0x9e2ff0505e },
	/* I2 utcs-scea/LAKE#10 */
	{ "kern  :info  : [Fri Apr  7 00:04:33 2023] DMAR: dmar0: reg_base_addr d37fc000 ver 1:0 cap 8d2078c106f0466 ecap f020df",
	  "dmar0", false, 0xd37fc000, 1, 0, 0x8d2078c106f0466, 0xf020df },
	/* I3 intel-device-plugins-for-kubernetes#1836 */
	{ "[    0.166047] DMAR: dmar0: reg_base_addr d97fc000 ver 6:0 cap 19ed008c40780c66 ecap 3ee9e86f050df",
	  "dmar0", false, 0xd97fc000, 6, 0, 0x19ed008c40780c66, 0x3ee9e86f050df },
	/* I4-I6 archlinux-ipu6-webcam#42 */
	{ "[    0.070507] DMAR: dmar0: reg_base_addr fed90000 ver 4:0 cap 1c0000c40660462 ecap 29a00f0505e",
	  "dmar0", false, 0xfed90000, 4, 0, 0x1c0000c40660462, 0x29a00f0505e },
	{ "[    0.070517] DMAR: dmar2: reg_base_addr fed91000 ver 5:0 cap d2008c40660462 ecap f050da",
	  "dmar2", false, 0xfed91000, 5, 0, 0xd2008c40660462, 0xf050da },
	{ "[    0.070511] DMAR: dmar1: reg_base_addr fed92000 ver 1:0 cap d2008c40660462 ecap f050da",
	  "dmar1", false, 0xfed92000, 1, 0, 0xd2008c40660462, 0xf050da },
	/* I7 slimbootloader#1502 */
	{ "[    0.013024] DMAR: dmar4: reg_base_addr fed86000 ver 1:0 cap d2008c40660462 ecap f050da",
	  "dmar4", false, 0xfed86000, 1, 0, 0xd2008c40660462, 0xf050da },
	/* I8 intel/gvt-linux#60 */
	{ "[    0.075238] DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 7e3ff0505e",
	  "dmar0", false, 0xfed90000, 1, 0, 0x1c0000c40660462, 0x7e3ff0505e },
	/* I9 fwupd/fwupd#2093 (indented in the paste) */
	{ "    [    0.248925] DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 7e3ff0505e",
	  "dmar0", false, 0xfed90000, 1, 0, 0x1c0000c40660462, 0x7e3ff0505e },
	/* I10 intel/gvt-linux#60, second unit */
	{ "[    0.075241] DMAR: dmar1: reg_base_addr fed91000 ver 1:0 cap d2008c40660462 ecap f050da",
	  "dmar1", false, 0xfed91000, 1, 0, 0xd2008c40660462, 0xf050da },
	/* (no URL) Lunar Lake-class client, ver 7:0 */
	{ "[    1.448249] DMAR: dmar1: reg_base_addr fc801000 ver 7:0 cap c9de008cee690462 ecap 12ca9a00f0efde",
	  "dmar1", false, 0xfc801000, 7, 0, 0xc9de008cee690462, 0x12ca9a00f0efde },
	/* (no URL) old format, Broadwell, with "> " mail quoting */
	{ "> [    0.028879] dmar: IOMMU 0: reg_base_addr fed90000 ver 1:0 cap c0000020660462 ecap f0101a",
	  "dmar0", true, 0xfed90000, 1, 0, 0xc0000020660462, 0xf0101a },
	/* (no URL) old format, journal prefix */
	{ "Dec  8 01:06:57 companyname-Ubuntu-1404 kernel: [    0.032112] dmar: IOMMU 0: reg_base_addr fed90000 ver 1:0 cap c0000020660462 ecap f0101a",
	  "dmar0", true, 0xfed90000, 1, 0, 0xc0000020660462, 0xf0101a },
	/* (no URL) old format, server */
	{ "dmar: IOMMU 0: reg_base_addr efffe000 ver 1:0 cap c90780106f0462 ecap f0207e",
	  "dmar0", true, 0xefffe000, 1, 0, 0xc90780106f0462, 0xf0207e },
	/* journal with host name, CRLF from a paste */
	{ "Jan 30 19:12:10 host kernel: DMAR: dmar1: reg_base_addr fed91000 ver 1:0 cap d2008c20660462 ecap f010da\r\n",
	  "dmar1", false, 0xfed91000, 1, 0, 0xd2008c20660462, 0xf010da },
};

static void test_dmar_real(void **state)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(dmar_lines); i++) {
		struct iot_bootlog_dmar d;

		assert_int_equal(iot_bootlog_parse_dmar(dmar_lines[i].line, &d), 0);
		assert_string_equal(d.unit, dmar_lines[i].unit);
		assert_int_equal(d.old_format, dmar_lines[i].old);
		assert_int_equal(d.base, dmar_lines[i].base);
		assert_int_equal(d.ver_major, dmar_lines[i].ma);
		assert_int_equal(d.ver_minor, dmar_lines[i].mi);
		assert_true(d.cap == dmar_lines[i].cap);
		assert_true(d.ecap == dmar_lines[i].ecap);
		/* and they are not AMD lines */
		struct iot_bootlog_amd a;
		assert_int_equal(iot_bootlog_parse_amd_features(dmar_lines[i].line, &a), -ENOENT);
	}
}

static void test_dmar_other_lines(void **state)
{
	static const char *const lines[] = {
		"",
		"[    0.222966] DMAR: Host address width 39",
		"[    0.222967] DMAR: DRHD base: 0x000000fed90000 flags: 0x0",
		"DMAR: dmar0: Using Queued invalidation",
		"DMAR-IR: IOAPIC id 2 under DRHD base  0xfed91000 IOMMU 1",
		"DMAR: IOMMU enabled",
		"XDMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 0 ecap 0", /* not at a boundary */
		"dmar: IOMMU enabled",
		"DMAR: dmarX: reg_base_addr fed90000 ver 1:0 cap 0 ecap 0",
		"AMD-Vi: Extended features (0x1): PPR",
	};
	struct iot_bootlog_dmar d;

	for (size_t i = 0; i < IOT_ARRAY_SIZE(lines); i++)
		assert_int_equal(iot_bootlog_parse_dmar(lines[i], &d), -ENOENT);
	assert_int_equal(iot_bootlog_parse_dmar(NULL, &d), -EINVAL);
}

static void test_dmar_malformed(void **state)
{
	static const char *const lines[] = {
		"DMAR: dmar0: reg_base_addr",
		"DMAR: dmar0: reg_base_addr fed90000",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap c0000020660462",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap c0000020660462 ecap",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap c0000020660462 ecap =",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap c0000020660462 ecap f0101a trailing",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660=",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 1c0000c40660462 ecap 49e2=",
		"DMAR: dmar0: reg_base_addr fed9000g ver 1:0 cap 0 ecap 0",
		"DMAR: dmar0: reg_base_addr 0xfed90000 ver 1:0 cap 0 ecap 0",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1 cap 0 ecap 0",
		"DMAR: dmar0: reg_base_addr fed90000 ver 16:0 cap 0 ecap 0",
		"DMAR: dmar0: reg_base_addr fed90000 ver -1:0 cap 0 ecap 0",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap 12345678901234567 ecap 0",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 ecap 0 cap 0",
		"DMAR: dmar0: reg_base_addr fed90000 ver 1:0 cap -1 ecap 0",
		"dmar: IOMMU 1: reg_base_addr fed91000 ver 1:0 cap d2008c20660462 ecap",
	};
	struct iot_bootlog_dmar d;

	for (size_t i = 0; i < IOT_ARRAY_SIZE(lines); i++)
		assert_int_equal(iot_bootlog_parse_dmar(lines[i], &d), -EINVAL);
}

/* AMD lines: values plus the names the kernel printed on that same line. */
static const struct {
	const char *line;
	const char *pci;
	const char *names;
	uint64_t efr, efr2;
	enum iot_bootlog_amd_kind kind;
	unsigned names_flags; /* what the printing kernel did: see iot_amd_efr_kernel_names_ex */
	bool has_efr2;
} amd_lines[] = {
	/* A1 openvelinux/kernel#50 (5.15, SNP not printed) */
	{ "[    1.037827] AMD-Vi: Extended features (0xa5bf732fa2295afe): PPR X2APIC NX GT [5] IA GA PC GA_vAPIC",
	  "", "PPR X2APIC NX GT [5] IA GA PC GA_vAPIC", 0xa5bf732fa2295afe, 0,
	  IOT_BOOTLOG_AMD_FEATURES, IOT_AMD_NAMES_NO_SNP, false },
	/* A2 enarx/enarx#2263 */
	{ "[    0.779381] AMD-Vi: Extended features (0x841f77e022094ace): PPR X2APIC NX IA GA PC",
	  "", "PPR X2APIC NX IA GA PC", 0x841f77e022094ace, 0,
	  IOT_BOOTLOG_AMD_FEATURES, IOT_AMD_NAMES_NO_SNP, false },
	/* A3 AMDESE/AMDSEV#62: names on the continuation line */
	{ "[    2.616832] pci 0000:c0:00.2: AMD-Vi: Extended features (0x58f77ef22294ade):",
	  "0000:c0:00.2", "", 0x58f77ef22294ade, 0,
	  IOT_BOOTLOG_AMD_FEATURES, 0, false },
	/* (no URL) 6.x laptop, with EFR2 */
	{ "[    0.751039] AMD-Vi: Extended features (0x58f77ef22294a5a, 0x0): PPR NX GT IA PC GA_vAPIC",
	  "", "PPR NX GT IA PC GA_vAPIC", 0x58f77ef22294a5a, 0,
	  IOT_BOOTLOG_AMD_FEATURES, 0, true },
	/* (no URL) Proxmox host */
	{ "[    0.505792] AMD-Vi: Extended features (0x246577efa2254afa, 0x0): PPR NX GT [5] IA GA PC GA_vAPIC",
	  "", "PPR NX GT [5] IA GA PC GA_vAPIC", 0x246577efa2254afa, 0,
	  IOT_BOOTLOG_AMD_FEATURES, 0, true },
	/* (no URL) global EFR lines, 6.7+ */
	{ "[    0.244511] AMD-Vi: Using global IVHD EFR:0x246577efa2254afa, EFR2:0x0",
	  "", "", 0x246577efa2254afa, 0,
	  IOT_BOOTLOG_AMD_GLOBAL_EFR, 0, true },
	{ "[    0.894998] kernel: AMD-Vi: Using global IVHD EFR:0x246577efa2254afa, EFR2:0x10",
	  "", "", 0x246577efa2254afa, 0x10,
	  IOT_BOOTLOG_AMD_GLOBAL_EFR, 0, true },
	/* (no URL) lkml report, quoted */
	{ "> [    1.970973] AMD-Vi: Using global IVHD EFR:0xf77ef22294ada, EFR2:0x0",
	  "", "", 0xf77ef22294ada, 0,
	  IOT_BOOTLOG_AMD_GLOBAL_EFR, 0, true },
	/* reference: 5.13+ one-line form */
	{ "AMD-Vi: Extended features (0x206d73ef22254ade): PPR X2APIC NX GT IA GA PC GA_vAPIC",
	  "", "PPR X2APIC NX GT IA GA PC GA_vAPIC", 0x206d73ef22254ade, 0,
	  IOT_BOOTLOG_AMD_FEATURES, 0, false },
	/* reference: 3.x-4.x form without a value */
	{ "AMD-Vi:  Extended features:  PreF PPR GT IA",
	  "", "PreF PPR GT IA", 0, 0,
	  IOT_BOOTLOG_AMD_NAMES_ONLY, 0, false },
};

static void test_amd_real(void **state)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(amd_lines); i++) {
		struct iot_bootlog_amd a;

		assert_int_equal(iot_bootlog_parse_amd_features(amd_lines[i].line, &a), 0);
		assert_int_equal(a.kind, amd_lines[i].kind);
		assert_string_equal(a.pci, amd_lines[i].pci);
		assert_true(a.efr == amd_lines[i].efr);
		assert_true(a.efr2 == amd_lines[i].efr2);
		assert_int_equal(a.has_efr2, amd_lines[i].has_efr2);
		assert_string_equal(a.names, amd_lines[i].names);
		if (a.kind == IOT_BOOTLOG_AMD_FEATURES && a.names[0]) {
			char names[128];

			/* the strong check: our rule reproduces the kernel's own names */
			assert_true(iot_amd_efr_kernel_names_ex(a.efr, a.efr2,
								amd_lines[i].names_flags, names,
								sizeof(names)) >= 0);
			assert_string_equal(names, a.names);
		}
		struct iot_bootlog_dmar d;
		assert_int_equal(iot_bootlog_parse_dmar(amd_lines[i].line, &d), -ENOENT);
	}
}

static void test_amd_other_lines(void **state)
{
	static const char *const lines[] = {
		"",
		"AMD-Vi: Interrupt remapping enabled",
		"pci 0000:00:00.2: AMD-Vi: Found IOMMU cap 0x40",
		"AMD-Vi: AMD-Vi:   DEV_SPECIAL(IOAPIC[251])               devid: 0002:80:00.1",
		"AMD-Vi: ivrs, add hid:AMDI0020, uid:\\_SB.FUR0, rdevid:160",
		"perf/amd_iommu: Detected AMD IOMMU #0 (2 banks, 4 counters/bank).",
		"XAMD-Vi: Extended features (0x1): PPR",
	};
	struct iot_bootlog_amd a;

	for (size_t i = 0; i < IOT_ARRAY_SIZE(lines); i++)
		assert_int_equal(iot_bootlog_parse_amd_features(lines[i], &a), -ENOENT);
	assert_int_equal(iot_bootlog_parse_amd_features(NULL, &a), -EINVAL);
}

static void test_amd_malformed(void **state)
{
	static const char *const lines[] = {
		"AMD-Vi: Extended features (",
		"AMD-Vi: Extended features (0x",
		"AMD-Vi: Extended features (0x)",
		"AMD-Vi: Extended features (0x1",
		"AMD-Vi: Extended features (0x1)",
		"AMD-Vi: Extended features (0x1): PPR X2APIC=",
		"AMD-Vi: Extended features (0x1, ): PPR",
		"AMD-Vi: Extended features (0x1, 0x2, 0x3): PPR",
		"AMD-Vi: Extended features (0x12345678901234567): PPR",
		"AMD-Vi: Extended features (1): PPR",
		"AMD-Vi: Extended features (-0x1): PPR",
		"AMD-Vi: Extended features (0xg): PPR",
		"AMD-Vi: Extended features (0x1):PPR\x01",
		"AMD-Vi: Extended features:",
		"AMD-Vi: Extended features",
		"AMD-Vi: Using global IVHD EFR:",
		"AMD-Vi: Using global IVHD EFR:0x1",
		"AMD-Vi: Using global IVHD EFR:0x1, EFR2:",
		"AMD-Vi: Using global IVHD EFR:0x1, EFR2:0x2 trailing",
		"AMD-Vi: Using global IVHD EFR:0x1 EFR2:0x2",
		"AMD-Vi: Using global IVHD EFR:1, EFR2:0x2",
		"AMD-Vi: Extended features (0x1): "
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA "
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	struct iot_bootlog_amd a;

	for (size_t i = 0; i < IOT_ARRAY_SIZE(lines); i++)
		assert_int_equal(iot_bootlog_parse_amd_features(lines[i], &a), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dmar_real),
		cmocka_unit_test(test_dmar_other_lines),
		cmocka_unit_test(test_dmar_malformed),
		cmocka_unit_test(test_amd_real),
		cmocka_unit_test(test_amd_other_lines),
		cmocka_unit_test(test_amd_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test-strutils.c - the strict parsers: every value parses whole and exactly,
 * or is refused with the one error the header promises, at every boundary.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct u64_case {
	const char *s;
	int base;
	int ret;
	uint64_t v;
};

static void test_parse_u64(void **state)
{
	static const struct u64_case cases[] = {
		/* sysfs values as the kernel prints them */
		{ "d2008c22260206", 16, 0, 0xd2008c22260206ULL },
		{ "0x1f", 16, 0, 0x1f },
		{ "0X1F", 16, 0, 0x1f },
		{ "0", 16, 0, 0 },
		{ "0", 10, 0, 0 },
		{ "00000000000000000001", 16, 0, 1 }, /* leading zeros are not digits of range */
		{ "ffffffffffffffff", 16, 0, UINT64_MAX },
		{ "FFFFFFFFFFFFFFFF", 16, 0, UINT64_MAX },
		{ "18446744073709551615", 10, 0, UINT64_MAX },
		{ "10000000000000000", 16, -ERANGE, 0 },
		{ "18446744073709551616", 10, -ERANGE, 0 },
		{ "99999999999999999999999", 10, -ERANGE, 0 },
		/* nothing, or a prefix with nothing after it */
		{ "", 16, -EINVAL, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "0x", 16, -EINVAL, 0 },
		{ "0x0x5", 16, -EINVAL, 0 },
		/* 0x only in base 16: in base 10 the x is garbage */
		{ "0x10", 10, -EINVAL, 0 },
		/* what strtoull would take and sysfs never writes */
		{ " 12", 16, -EINVAL, 0 },
		{ "\t12", 10, -EINVAL, 0 },
		{ "-1", 16, -EINVAL, 0 },
		{ "-1", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 },
		{ "12 ", 10, -EINVAL, 0 },
		{ "12\n", 10, -EINVAL, 0 },
		{ "1a", 10, -EINVAL, 0 },
		{ "a", 10, -EINVAL, 0 },
		{ "g", 16, -EINVAL, 0 },
		{ "0xGGGG", 16, -EINVAL, 0 },
		{ "1.0", 10, -EINVAL, 0 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		uint64_t v = 0xdeadbeefULL;
		int ret = iot_parse_u64(cases[i].s, cases[i].base, &v);

		if (ret != cases[i].ret || v != (cases[i].ret ? 0xdeadbeefULL : cases[i].v))
			fail_msg("iot_parse_u64(\"%s\", %d): %d 0x%llx, want %d 0x%llx", cases[i].s,
				 cases[i].base, ret, (unsigned long long)v, cases[i].ret,
				 (unsigned long long)cases[i].v);
	}
	/* NULL is garbage, not a crash */
	assert_int_equal(iot_parse_u64(NULL, 10, &(uint64_t){ 0 }), -EINVAL);
}

struct int_case {
	const char *s;
	int base;
	int ret;
	int v;
};

static void test_parse_int(void **state)
{
	static const struct int_case cases[] = {
		{ "0", 10, 0, 0 },
		{ "-0", 10, 0, 0 },
		{ "-5", 10, 0, -5 },
		{ "511", 10, 0, 511 },
		{ "2147483647", 10, 0, INT32_MAX },
		{ "-2147483648", 10, 0, INT32_MIN },
		{ "7fffffff", 16, 0, INT32_MAX },
		{ "-0x80000000", 16, 0, INT32_MIN },
		{ "2147483648", 10, -ERANGE, 0 },
		{ "-2147483649", 10, -ERANGE, 0 },
		{ "80000000", 16, -ERANGE, 0 },
		{ "18446744073709551616", 10, -ERANGE, 0 },
		{ "", 10, -EINVAL, 0 },
		{ "-", 10, -EINVAL, 0 },
		{ "--1", 10, -EINVAL, 0 },
		{ "+1", 10, -EINVAL, 0 },
		{ "- 1", 10, -EINVAL, 0 },
		{ "1-", 10, -EINVAL, 0 },
		{ "12a", 10, -EINVAL, 0 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		int v = 0x5a5a;
		int ret = iot_parse_int(cases[i].s, cases[i].base, &v);

		if (ret != cases[i].ret || v != (cases[i].ret ? 0x5a5a : cases[i].v))
			fail_msg("iot_parse_int(\"%s\", %d): %d %d, want %d %d", cases[i].s,
				 cases[i].base, ret, v, cases[i].ret, cases[i].v);
	}
	assert_int_equal(iot_parse_int(NULL, 10, &(int){ 0 }), -EINVAL);
}

static void test_hexval(void **state)
{
	static const char digits[] = "0123456789abcdef";

	for (int i = 0; i < 16; i++) {
		assert_int_equal(iot_hexval(digits[i]), i);
		assert_int_equal(iot_hexval((char)(digits[i] >= 'a' ? digits[i] - 32 : digits[i])),
				 i);
	}
	assert_int_equal(iot_hexval('g'), -1);
	assert_int_equal(iot_hexval('G'), -1);
	assert_int_equal(iot_hexval('x'), -1);
	assert_int_equal(iot_hexval('/'), -1); /* one below '0' */
	assert_int_equal(iot_hexval(':'), -1); /* one above '9' */
	assert_int_equal(iot_hexval('@'), -1); /* one below 'A' */
	assert_int_equal(iot_hexval('`'), -1); /* one below 'a' */
	assert_int_equal(iot_hexval('\0'), -1);
	assert_int_equal(iot_hexval((char)0xff), -1);
}

struct addr_case {
	const char *s;
	int domain, bus, slot, func;
};

static void test_parse_pci_addr(void **state)
{
	static const struct addr_case good[] = {
		{ "0000:03:00.0", 0, 3, 0, 0 },
		{ "0000:00:00.0", 0, 0, 0, 0 },
		{ "03:1f.7", 0, 3, 0x1f, 7 },
		{ "ffff:ff:1f.7", 0xffff, 0xff, 0x1f, 7 },
		{ "FFFF:FF:1F.7", 0xffff, 0xff, 0x1f, 7 },
		{ "0001:c1:00.3", 1, 0xc1, 0, 3 },
		/* fields are one to four hex digits within their range, as lspci -s takes them */
		{ "3:0.1", 0, 3, 0, 1 },
		{ "1:2:3.4", 1, 2, 3, 4 },
		{ "00ff:001f.7", 0, 0xff, 0x1f, 7 },
	};
	static const char *const bad[] = {
		"", ":", ":.", "03:00", "03:00.", "03:00.8", "03:00.f", "03:20.0", "100:00.0",
		"0000:03:00.0.1", "zz:00.0", "03:00.00", ":00.0", "03:.0", "0000::00.0",
		"0000:03:00:0", "0:0000:03:00.0", "fd500000.pcie", "12345:03:00.0", "10000:03:00.0",
		"-1:00.0", "+1:00.0", " 03:00.0", "03:00.0 ", "03:00.0\n", "0x3:00.0", "03:0x1.0",
		"03.00:0", "03:00.-1",
	};

	for (size_t i = 0; i < N(good); i++) {
		int d = -2, b = -2, s = -2, f = -2;

		if (iot_parse_pci_addr(good[i].s, &d, &b, &s, &f) || d != good[i].domain ||
		    b != good[i].bus || s != good[i].slot || f != good[i].func)
			fail_msg("\"%s\": %x:%x:%x.%x", good[i].s, d, b, s, f);
	}
	for (size_t i = 0; i < N(bad); i++) {
		int d = -2, b = -2, s = -2, f = -2;

		if (iot_parse_pci_addr(bad[i], &d, &b, &s, &f) != -EINVAL)
			fail_msg("\"%s\" accepted as %x:%x:%x.%x", bad[i], d, b, s, f);
		/* a refused address leaves the domain alone: callers keep "unknown" */
		assert_int_equal(d, -2);
	}
	assert_int_equal(iot_parse_pci_addr(NULL, &(int){ 0 }, &(int){ 0 }, &(int){ 0 },
					    &(int){ 0 }),
			 -EINVAL);
}

struct resv_case {
	const char *line;
	uint64_t start, end;
	enum iot_resv_type type;
};

static void test_parse_resv_region(void **state)
{
	static const struct resv_case good[] = {
		{ "0x00000000fee00000 0x00000000feefffff msi", 0xfee00000, 0xfeefffff,
		  IOT_RESV_MSI },
		{ "0x000000fd00000000 0x000000ffffffffff reserved", 0xfd00000000ULL,
		  0xffffffffffULL, IOT_RESV_RESERVED },
		{ "0x000000004b000000 0x000000004f7fffff direct-relaxable", 0x4b000000,
		  0x4f7fffff, IOT_RESV_DIRECT_RELAXABLE },
		{ "0x0000000000000000 0x0000000000000fff direct", 0, 0xfff, IOT_RESV_DIRECT },
		/* one byte: the end is inclusive, so start == end is a region */
		{ "0x0000000008000000 0x0000000008000000 msi", 0x8000000, 0x8000000,
		  IOT_RESV_MSI },
		{ "0xffffffffffffffff 0xffffffffffffffff reserved", UINT64_MAX, UINT64_MAX,
		  IOT_RESV_RESERVED },
		/* blanks between fields: the kernel writes one space, a tab is still a blank */
		{ "0x1\t0x2  msi", 1, 2, IOT_RESV_MSI },
	};
	static const char *const bad[] = {
		"", " ", "0x1", "0x1 0x2", "0x1 0x2 msi extra", "1 0x2 msi", "0x1 2 msi",
		"0x2 0x1 msi", "0x1 0x2 weird", "0x1 0x2 MSI", "0x1 0x2 unknown", "0xzz 0x2 msi",
		"0x1 0x10000000000000000 msi", "0x 0x2 msi", "0x1 0x2 msi\n", "-0x1 0x2 msi",
		"0x1 0x2 direct-relaxable-x",
	};
	struct iot_resv_region r;
	char line[128];

	for (size_t i = 0; i < N(good); i++) {
		snprintf(line, sizeof(line), "%s", good[i].line);
		memset(&r, 0x5a, sizeof(r));
		if (iot_parse_resv_region(line, &r) || r.start != good[i].start ||
		    r.end != good[i].end || r.type != good[i].type)
			fail_msg("\"%s\": 0x%llx-0x%llx type %d", good[i].line,
				 (unsigned long long)r.start, (unsigned long long)r.end, r.type);
	}
	for (size_t i = 0; i < N(bad); i++) {
		snprintf(line, sizeof(line), "%s", bad[i]);
		if (iot_parse_resv_region(line, &r) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
	}
}

static void test_resv_type_name(void **state)
{
	assert_string_equal(iot_resv_type_name(IOT_RESV_UNKNOWN), "unknown");
	assert_string_equal(iot_resv_type_name(IOT_RESV_DIRECT), "direct");
	assert_string_equal(iot_resv_type_name(IOT_RESV_DIRECT_RELAXABLE), "direct-relaxable");
	assert_string_equal(iot_resv_type_name(IOT_RESV_RESERVED), "reserved");
	assert_string_equal(iot_resv_type_name(IOT_RESV_MSI), "msi");
	/* a value from a newer library, or garbage: a name, never NULL */
	assert_string_equal(iot_resv_type_name((enum iot_resv_type)99), "unknown");
	assert_string_equal(iot_resv_type_name((enum iot_resv_type)-1), "unknown");
}

#define PCI_KEYS "PCI_CLASS=60000\nPCI_ID=8086:29C0\nPCI_SLOT_NAME=0000:00:00.0\n"

/* uevent texts as the VM's kernel wrote them (tests/fixtures/vm-vtd-vfio) */
static void test_parse_pci_uevent(void **state)
{
	static const char *const bad[] = {
		/* ids: exactly four hex digits each side of one colon */
		"PCI_ID=8086:29C\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086:29C00\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=08086:29C0\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086-29C0\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=GGGG:7AE8\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086:29C0\nPCI_SUBSYS_ID=1AF4\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		/* class: "%04X" of 24 bits, four to six digits */
		"PCI_ID=8086:29C0\nPCI_CLASS=600\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086:29C0\nPCI_CLASS=1000000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086:29C0\nPCI_CLASS=0x0600\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086:29C0\nPCI_CLASS=\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_ID=8086:29C0\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00\n",
		"PCI_ID=8086:29C0\nPCI_CLASS=60000\nPCI_SLOT_NAME=\n",
		/* every key at most once */
		"PCI_ID=8086:29C0\nPCI_ID=8086:29C0\nPCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n",
		"PCI_SUBSYS_ID=1AF4:1100\nPCI_SUBSYS_ID=1AF4:1100\n" PCI_KEYS,
		"PCI_CLASS=60000\n" PCI_KEYS,
		"PCI_SLOT_NAME=0000:00:00.0\n" PCI_KEYS,
		"DRIVER=a\nDRIVER=b\n" PCI_KEYS,
		/* a driver is a directory name */
		"DRIVER=../x\n" PCI_KEYS,
		"DRIVER=\n" PCI_KEYS,
		"DRIVER=.\n" PCI_KEYS,
		"DRIVER=..\n" PCI_KEYS,
		"DRIVER=a/b\n" PCI_KEYS,
		/* a line without '=' */
		"garbage\n" PCI_KEYS,
		PCI_KEYS "garbage",
	};
	struct iot_pci_uevent ue;
	char text[512];

	snprintf(text, sizeof(text), "DRIVER=vfio-pci\nPCI_CLASS=FF00\nPCI_ID=1234:11E8\n"
		 "PCI_SUBSYS_ID=1AF4:1100\nPCI_SLOT_NAME=0000:00:03.0\n"
		 "MODALIAS=pci:v00001234d000011E8sv00001AF4sd00001100bc00scFFi00\n");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), 0);
	assert_int_equal(ue.vendor, 0x1234);
	assert_int_equal(ue.device, 0x11e8);
	assert_int_equal(ue.subvendor, 0x1af4);
	assert_int_equal(ue.subdevice, 0x1100);
	assert_int_equal(ue.class_code, 0xff00);
	assert_string_equal(ue.driver, "vfio-pci");
	assert_string_equal(ue.slot, "0000:00:03.0");

	/* no driver, no subsystem: those stay unknown, the rest is exact */
	snprintf(text, sizeof(text), "PCI_CLASS=60000\nPCI_ID=8086:29C0\n"
		 "PCI_SLOT_NAME=0000:00:00.0\n");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), 0);
	assert_int_equal(ue.vendor, 0x8086);
	assert_int_equal(ue.device, 0x29c0);
	assert_int_equal(ue.subvendor, -1);
	assert_int_equal(ue.subdevice, -1);
	assert_int_equal(ue.class_code, 0x060000);
	assert_null(ue.driver);
	assert_string_equal(ue.slot, "0000:00:00.0");

	/* the widest class and ids; no trailing newline; keys it does not know are skipped */
	snprintf(text, sizeof(text), "OF_NAME=x\nPCI_CLASS=FFFFFF\nPCI_ID=FFFF:ffff\n"
		 "PCI_SLOT_NAME=ffff:ff:1f.7");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), 0);
	assert_int_equal(ue.class_code, 0xffffff);
	assert_int_equal(ue.vendor, 0xffff);
	assert_int_equal(ue.device, 0xffff);
	assert_string_equal(ue.slot, "ffff:ff:1f.7");

	/* a uevent without the PCI keys (another bus, or a trimmed capture) */
	snprintf(text, sizeof(text), "DRIVER=serial8250\nMODALIAS=platform:serial8250\n");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), -ENOENT);
	snprintf(text, sizeof(text), "%s", "");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), -ENOENT);
	/* each of the three required keys alone missing */
	snprintf(text, sizeof(text), "PCI_CLASS=60000\nPCI_SLOT_NAME=0000:00:00.0\n");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), -ENOENT);
	snprintf(text, sizeof(text), "PCI_ID=8086:29C0\nPCI_SLOT_NAME=0000:00:00.0\n");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), -ENOENT);
	snprintf(text, sizeof(text), "PCI_ID=8086:29C0\nPCI_CLASS=60000\n");
	assert_int_equal(iot_parse_pci_uevent(text, &ue), -ENOENT);
	for (size_t i = 0; i < N(bad); i++) {
		snprintf(text, sizeof(text), "%s", bad[i]);
		if (iot_parse_pci_uevent(text, &ue) != -EINVAL)
			fail_msg("accepted: \"%s\"", bad[i]);
	}
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

struct nat_case {
	const char *a, *b;
	int cmp;
};

static void test_natcmp(void **state)
{
	static const struct nat_case cases[] = {
		{ "dmar2", "dmar10", -1 },
		{ "dmar10", "dmar2", 1 },
		{ "ivhd0", "ivhd0", 0 },
		{ "", "", 0 },
		{ "", "a", -1 },
		{ "a", "", 1 },
		{ "a", "b", -1 },
		{ "1", "2", -1 },
		{ "2", "10", -1 },
		{ "9", "10", -1 },
		{ "10", "10", 0 },
		{ "smmu3.0x9000", "smmu3.0x10000", -1 },
		/* leading zeros do not change a value: "007" sorts as 7 */
		{ "007", "7", 0 },
		{ "007", "8", -1 },
		{ "010", "9", 1 },
		{ "0", "00", 0 },
		/* a prefix sorts first */
		{ "dmar", "dmar0", -1 },
		{ "dmar1", "dmar1a", -1 },
		/* digits against a letter: byte order */
		{ "a1", "aa", -1 },
		/* values wider than any integer compare by length, then digits */
		{ "99999999999999999999999", "100000000000000000000000", -1 },
		{ "123456789012345678901234", "123456789012345678901235", -1 },
		/* bytes above 0x7f are unsigned */
		{ "a\xff", "a~", 1 },
	};

	for (size_t i = 0; i < N(cases); i++) {
		int c = sign(iot_strnatcmp(cases[i].a, cases[i].b));
		int r = sign(iot_strnatcmp(cases[i].b, cases[i].a));

		if (c != cases[i].cmp || r != -cases[i].cmp)
			fail_msg("\"%s\" vs \"%s\": %d/%d, want %d", cases[i].a, cases[i].b, c, r,
				 cases[i].cmp);
	}
}

struct elem {
	uint64_t a;
	char b[13];
};

static void test_ptr_array(void **state)
{
	struct elem **v = iot_ptr_array_new(5, sizeof(struct elem));
	void **none;

	assert_non_null(v);
	assert_int_equal((uintptr_t)v[0] % 16, 0);
	for (size_t i = 0; i < 5; i++) {
		/* zeroed, aligned for any field, laid out one after the other past the pointers */
		assert_int_equal(v[i]->a, 0);
		assert_int_equal(v[i]->b[0], 0);
		assert_int_equal((uintptr_t)v[i] % _Alignof(struct elem), 0);
		assert_true((char *)v[i] >= (char *)(v + 5));
		if (i)
			assert_int_equal((char *)v[i] - (char *)v[i - 1], sizeof(struct elem));
		v[i]->a = i;
		memset(v[i]->b, 'x', sizeof(v[i]->b));
	}
	/* writing every element clobbered no pointer */
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(v[i]->a, i);
	free(v);

	/* no elements is still one block to free, never NULL for success */
	none = iot_ptr_array_new(0, sizeof(struct elem));
	assert_non_null(none);
	/* its one pointer leads past itself, as with any n */
	assert_true((char *)none[0] >= (char *)(none + 1));
	free(none);

	/* sizes that overflow are NULL, not a short block */
	assert_null(iot_ptr_array_new(SIZE_MAX / sizeof(struct elem), sizeof(struct elem)));
	assert_null(iot_ptr_array_new(2, SIZE_MAX / 2));
	assert_null(iot_ptr_array_new(SIZE_MAX / sizeof(void *) + 1, 1));
	assert_null(iot_ptr_array_new(SIZE_MAX, 1));
}

static void test_strdup_printf(void **state)
{
	char *s = iot_strdup_printf("%s:%02x.%d", "0000:03", 0, 1);

	assert_string_equal(s, "0000:03:00.1");
	free(s);
	s = iot_strdup_printf("%s", "");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_int),
		cmocka_unit_test(test_hexval),
		cmocka_unit_test(test_parse_pci_addr),
		cmocka_unit_test(test_parse_resv_region),
		cmocka_unit_test(test_resv_type_name),
		cmocka_unit_test(test_parse_pci_uevent),
		cmocka_unit_test(test_natcmp),
		cmocka_unit_test(test_ptr_array),
		cmocka_unit_test(test_strdup_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

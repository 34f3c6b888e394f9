// SPDX-License-Identifier: GPL-2.0-or-later
/* test-names.c - the enum tables: every value named, unknown values safe, names read back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void test_names(void **state)
{
	assert_string_equal(iot_bus_name(IOT_BUS_PCI), "pci");
	assert_string_equal(iot_bus_name(IOT_BUS_PLATFORM), "platform");
	assert_string_equal(iot_bus_name(IOT_BUS_OTHER), "other");
	assert_string_equal(iot_group_type_name(IOT_GROUP_TYPE_DMA_FQ), "DMA-FQ");
	assert_string_equal(iot_group_type_name(IOT_GROUP_TYPE_NONE), "none");
	assert_string_equal(iot_resv_type_name(IOT_RESV_DIRECT_RELAXABLE), "direct-relaxable");
	assert_string_equal(iot_unit_kind_name(IOT_UNIT_SELFTEST), "iommufd-selftest");
	assert_string_equal(iot_viability_name(IOT_VIABLE), "yes");
	assert_string_equal(iot_viability_name(IOT_NOT_VIABLE), "no");
	assert_string_equal(iot_viability_name(IOT_VIABILITY_NOTHING), "nothing");
	assert_string_equal(iot_check_status_name(IOT_CHECK_SKIP), "SKIP");
	assert_string_equal(iot_check_status_name(IOT_CHECK_WARN), "WARN");
}

/* A value from a newer library, or garbage, reads as the table's fallback. */
static void test_unknown_values(void **state)
{
	assert_string_equal(iot_bus_name((enum iot_bus)99), "other");
	assert_string_equal(iot_bus_name((enum iot_bus)-1), "other");
	assert_string_equal(iot_group_type_name((enum iot_group_type)99), "unknown");
	assert_string_equal(iot_resv_type_name((enum iot_resv_type)99), "unknown");
	assert_string_equal(iot_unit_kind_name((enum iot_unit_kind)99), "other");
	assert_string_equal(iot_viability_name((enum iot_viability)99), "unknown");
	/* a status nobody knows is not a pass */
	assert_string_equal(iot_check_status_name((enum iot_check_status)99), "FAIL");
}

/* The kernel's words read back; its own "unknown" is NONE, not our UNKNOWN. */
static void test_parse(void **state)
{
	for (int t = IOT_GROUP_TYPE_BLOCKED; t < IOT_GROUP_TYPE_NONE; t++)
		assert_int_equal(iot_group_type_parse(iot_group_type_name((enum iot_group_type)t)),
				 t);
	assert_int_equal(iot_group_type_parse("unknown"), IOT_GROUP_TYPE_NONE);
	assert_int_equal(iot_group_type_parse("none"), IOT_GROUP_TYPE_UNKNOWN);
	assert_int_equal(iot_group_type_parse("dma"), IOT_GROUP_TYPE_UNKNOWN);
	assert_int_equal(iot_group_type_parse(""), IOT_GROUP_TYPE_UNKNOWN);
	for (int t = IOT_RESV_DIRECT; t <= IOT_RESV_MSI; t++)
		assert_int_equal(iot_resv_type_parse(iot_resv_type_name((enum iot_resv_type)t)), t);
	assert_int_equal(iot_resv_type_parse("unknown"), IOT_RESV_UNKNOWN);
	assert_int_equal(iot_resv_type_parse("MSI"), IOT_RESV_UNKNOWN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_unknown_values),
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

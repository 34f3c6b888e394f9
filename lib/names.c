// SPDX-License-Identifier: LGPL-2.1-or-later
/* names.c - every enum-to-text table of the library, and the parsers that read them back. */
#include <string.h>

#include "iommu-tools-attach.h"
#include "iommu-tools-faultq.h"
#include "iommu-tools-faults.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-replace.h"
#include "internal.h"

/* A table indexed by the enum; a value past its end or without an entry reads as @fallback. */
static const char *table_name(const char *const *table, size_t n, unsigned v, const char *fallback)
{
	return v < n && table[v] ? table[v] : fallback;
}

#define NAME(table, v, fallback) table_name(table, IOT_ARRAY_SIZE(table), (unsigned)(v), fallback)

static const char *const bus_names[] = {
	[IOT_BUS_OTHER] = "other",
	[IOT_BUS_PCI] = "pci",
	[IOT_BUS_PLATFORM] = "platform",
};

const char *iot_bus_name(enum iot_bus bus)
{
	return NAME(bus_names, bus, "other");
}

/* The kernel's own words in iommu_group/type, except NONE, which it prints "unknown". */
static const char *const group_type_names[] = {
	[IOT_GROUP_TYPE_UNKNOWN] = "unknown",   [IOT_GROUP_TYPE_BLOCKED] = "blocked",
	[IOT_GROUP_TYPE_IDENTITY] = "identity", [IOT_GROUP_TYPE_UNMANAGED] = "unmanaged",
	[IOT_GROUP_TYPE_DMA] = "DMA",           [IOT_GROUP_TYPE_DMA_FQ] = "DMA-FQ",
	[IOT_GROUP_TYPE_NONE] = "none",
};

const char *iot_group_type_name(enum iot_group_type type)
{
	return NAME(group_type_names, type, "unknown");
}

enum iot_group_type iot_group_type_parse(const char *s)
{
	for (size_t i = 1; i < IOT_ARRAY_SIZE(group_type_names); i++)
		if (i != IOT_GROUP_TYPE_NONE && !strcmp(s, group_type_names[i]))
			return (enum iot_group_type)i;
	if (!strcmp(s, "unknown"))
		return IOT_GROUP_TYPE_NONE;
	return IOT_GROUP_TYPE_UNKNOWN;
}

/* The kernel's words in iommu_group/reserved_regions. */
static const char *const resv_type_names[] = {
	[IOT_RESV_UNKNOWN] = "unknown",
	[IOT_RESV_DIRECT] = "direct",
	[IOT_RESV_DIRECT_RELAXABLE] = "direct-relaxable",
	[IOT_RESV_RESERVED] = "reserved",
	[IOT_RESV_MSI] = "msi",
};

const char *iot_resv_type_name(enum iot_resv_type type)
{
	return NAME(resv_type_names, type, "unknown");
}

enum iot_resv_type iot_resv_type_parse(const char *s)
{
	for (size_t i = 1; i < IOT_ARRAY_SIZE(resv_type_names); i++)
		if (!strcmp(s, resv_type_names[i]))
			return (enum iot_resv_type)i;
	return IOT_RESV_UNKNOWN;
}

static const char *const unit_kind_names[] = {
	[IOT_UNIT_OTHER] = "other",      [IOT_UNIT_INTEL_VTD] = "intel-vtd",
	[IOT_UNIT_AMD_VI] = "amd-vi",    [IOT_UNIT_ARM_SMMUV3] = "arm-smmu-v3",
	[IOT_UNIT_VIRTIO] = "virtio",    [IOT_UNIT_SELFTEST] = "iommufd-selftest",
};

const char *iot_unit_kind_name(enum iot_unit_kind kind)
{
	return NAME(unit_kind_names, kind, "other");
}

static const char *const viability_names[] = {
	[IOT_VIABILITY_UNKNOWN] = "unknown",
	[IOT_VIABLE] = "yes",
	[IOT_NOT_VIABLE] = "no",
	[IOT_VIABILITY_NOTHING] = "nothing",
};

const char *iot_viability_name(enum iot_viability v)
{
	return NAME(viability_names, v, "unknown");
}

static const char *const check_status_names[] = {
	[IOT_CHECK_PASS] = "PASS",
	[IOT_CHECK_WARN] = "WARN",
	[IOT_CHECK_FAIL] = "FAIL",
	[IOT_CHECK_SKIP] = "SKIP",
};

const char *iot_check_status_name(enum iot_check_status s)
{
	/* a status this table does not know yet is not a pass */
	return NAME(check_status_names, s, "FAIL");
}

/* ---- faults (fault.c) and their aggregation (aggregate.c); NULL past the end ---- */

static const char *const fault_record_names[] = {
	[IOT_FAULT_REC_FAULT] = "fault",
	[IOT_FAULT_REC_SUPPRESSED] = "suppressed",
	[IOT_FAULT_REC_INTERRUPT] = "interrupt",
	[IOT_FAULT_REC_LOST] = "lost",
};

const char *iot_fault_record_name(enum iot_fault_record r)
{
	return NAME(fault_record_names, r, NULL);
}

static const char *const fault_vendor_names[] = {
	[IOT_FAULT_VENDOR_UNKNOWN] = "unknown",
	[IOT_FAULT_VENDOR_INTEL] = "intel",
	[IOT_FAULT_VENDOR_AMD] = "amd",
	[IOT_FAULT_VENDOR_ARM_SMMU] = "arm-smmu",
	[IOT_FAULT_VENDOR_ARM_SMMU_V3] = "arm-smmu-v3",
	[IOT_FAULT_VENDOR_ROCKCHIP] = "rockchip",
	[IOT_FAULT_VENDOR_MEDIATEK] = "mediatek",
	[IOT_FAULT_VENDOR_TEGRA] = "tegra",
	[IOT_FAULT_VENDOR_APPLE_DART] = "apple-dart",
	[IOT_FAULT_VENDOR_RENESAS] = "renesas-ipmmu",
	[IOT_FAULT_VENDOR_QUALCOMM] = "qualcomm",
};

const char *iot_fault_vendor_name(enum iot_fault_vendor v)
{
	return NAME(fault_vendor_names, v, NULL);
}

static const char *const fault_kind_names[] = {
	[IOT_FAULT_KIND_UNKNOWN] = "unknown",
	[IOT_FAULT_KIND_DMA] = "dma",
	[IOT_FAULT_KIND_INTR_REMAP] = "intr-remap",
	[IOT_FAULT_KIND_EVENT] = "event",
	[IOT_FAULT_KIND_CONTEXT] = "context",
	[IOT_FAULT_KIND_GLOBAL] = "global",
	[IOT_FAULT_KIND_PAGE_REQUEST] = "page-request",
};

const char *iot_fault_kind_name(enum iot_fault_kind k)
{
	return NAME(fault_kind_names, k, NULL);
}

static const char *const fault_access_names[] = {
	[IOT_FAULT_ACCESS_UNKNOWN] = "unknown",
	[IOT_FAULT_ACCESS_READ] = "read",
	[IOT_FAULT_ACCESS_WRITE] = "write",
	[IOT_FAULT_ACCESS_EXEC] = "exec",
};

const char *iot_fault_access_name(enum iot_fault_access a)
{
	return NAME(fault_access_names, a, NULL);
}

static const char *const agg_by_names[] = {
	[IOT_AGG_BY_DEVICE] = "device", [IOT_AGG_BY_GROUP] = "group",
	[IOT_AGG_BY_UNIT] = "unit",     [IOT_AGG_BY_REASON] = "reason",
	[IOT_AGG_BY_DRIVER] = "driver", [IOT_AGG_BY_PAGE] = "page",
};

const char *iot_agg_by_name(enum iot_agg_by by)
{
	return NAME(agg_by_names, by, NULL);
}

static const char *const agg_sort_names[] = {
	[IOT_AGG_SORT_TOTAL] = "total",         [IOT_AGG_SORT_RATE1] = "rate1",
	[IOT_AGG_SORT_RATE10] = "rate10",       [IOT_AGG_SORT_RATE60] = "rate60",
	[IOT_AGG_SORT_LAST_SEEN] = "last-seen", [IOT_AGG_SORT_FIRST_SEEN] = "first-seen",
	[IOT_AGG_SORT_KEY] = "key",
};

const char *iot_agg_sort_name(enum iot_agg_sort sort)
{
	return NAME(agg_sort_names, sort, NULL);
}

static const char *const share_kind_names[] = {
	[IOT_SHARE_UNKNOWN] = "unknown",
	[IOT_SHARE_NO_ACS] = "no-acs",
	[IOT_SHARE_ACS_DISABLED] = "acs-disabled",
	[IOT_SHARE_MULTIFUNCTION] = "multifunction",
	[IOT_SHARE_PCI_BRIDGE] = "pci-bridge",
	[IOT_SHARE_DMA_ALIAS] = "dma-alias",
	[IOT_SHARE_UNEXPLAINED] = "unexplained",
};

const char *iot_share_kind_name(enum iot_share_kind kind)
{
	return NAME(share_kind_names, kind, "unknown");
}

static const char *const answer_names[] = {
	[IOT_ANSWER_UNKNOWN] = "unknown",
	[IOT_ANSWER_NO] = "no",
	[IOT_ANSWER_YES] = "yes",
	[IOT_ANSWER_NOT_EXPOSED] = "not exposed by this kernel",
	[IOT_ANSWER_NOT_APPLICABLE] = "n/a",
};

const char *iot_answer_name(enum iot_answer a)
{
	return NAME(answer_names, a, "unknown");
}

static const char *const question_keys[] = {
	[IOT_Q_INTR_REMAP] = "interrupt_remapping", [IOT_Q_X2APIC] = "x2apic",
	[IOT_Q_PASS_THROUGH] = "pass_through",      [IOT_Q_NESTED] = "nested_translation",
	[IOT_Q_DIRTY_TRACKING] = "dirty_tracking",  [IOT_Q_PASID] = "pasid",
	[IOT_Q_PAGE_REQUESTS] = "page_requests",    [IOT_Q_POSTED_INTR] = "posted_interrupts",
	[IOT_Q_5LEVEL] = "five_level_tables",       [IOT_Q_SCALABLE_MODE] = "scalable_mode",
};

static const char *const question_titles[] = {
	[IOT_Q_INTR_REMAP] = "interrupt remapping", [IOT_Q_X2APIC] = "x2APIC",
	[IOT_Q_PASS_THROUGH] = "pass-through",      [IOT_Q_NESTED] = "nested translation",
	[IOT_Q_DIRTY_TRACKING] = "dirty tracking",  [IOT_Q_PASID] = "PASID",
	[IOT_Q_PAGE_REQUESTS] = "page requests",    [IOT_Q_POSTED_INTR] = "posted interrupts",
	[IOT_Q_5LEVEL] = "5-level tables",          [IOT_Q_SCALABLE_MODE] = "scalable mode",
};

const char *iot_unit_question_key(enum iot_unit_question q)
{
	return NAME(question_keys, q, NULL);
}

const char *iot_unit_question_title(enum iot_unit_question q)
{
	return NAME(question_titles, q, NULL);
}

/* ---- the steps of an attach (explain.c) ---- */

static const char *const step_names[] = {
	[IOT_STEP_BIND_DRIVER] = "bind driver",
	[IOT_STEP_WAIT_CDEV] = "wait for cdev",
	[IOT_STEP_OPEN_IOMMUFD] = "open iommufd",
	[IOT_STEP_OPEN_CDEV] = "open cdev",
	[IOT_STEP_BIND] = "bind",
	[IOT_STEP_GET_HW_INFO] = "get hw info",
	[IOT_STEP_IOAS_ALLOC] = "ioas alloc",
	[IOT_STEP_HWPT_ALLOC] = "hwpt alloc",
	[IOT_STEP_FAULT_QUEUE] = "fault queue alloc",
	[IOT_STEP_DIRTY_TRACKING] = "dirty tracking",
	[IOT_STEP_ATTACH] = "attach",
	[IOT_STEP_ATTACH_PASID] = "attach pasid",
	[IOT_STEP_IOVA_RANGES] = "iova ranges",
	[IOT_STEP_MAP] = "map",
	[IOT_STEP_UNMAP] = "unmap",
	[IOT_STEP_REPLACE] = "replace",
	[IOT_STEP_DETACH] = "detach",
	[IOT_STEP_OPEN_CONTAINER] = "open container",
	[IOT_STEP_OPEN_GROUP] = "open group",
	[IOT_STEP_SET_CONTAINER] = "set container",
	[IOT_STEP_SET_IOMMU] = "set iommu",
	[IOT_STEP_GET_DEVICE_FD] = "get device fd",
	[IOT_STEP_MAP_DMA] = "map dma",
	[IOT_STEP_MOCK_DEVICE] = "mock device",
	[IOT_STEP_MOCK_REPLACE] = "mock replace",
};

const char *iot_step_name(enum iot_step step)
{
	return NAME(step_names, step, NULL);
}

/* ---- IOMMU_GET_HW_INFO data types (iommufd.c) ---- */

const char *iot_hw_info_type_name(uint32_t type)
{
	switch (type) {
	case IOT_HW_INFO_TYPE_NONE:
		return "none";
	case IOT_HW_INFO_TYPE_INTEL_VTD:
		return "intel-vtd";
	case IOT_HW_INFO_TYPE_ARM_SMMUV3:
		return "arm-smmuv3";
	case IOT_HW_INFO_TYPE_TEGRA241_CMDQV:
		return "tegra241-cmdqv";
	case IOT_HW_INFO_TYPE_AMD:
		return "amd";
	case IOT_HW_INFO_TYPE_SELFTEST:
		return "selftest";
	default:
		return NULL;
	}
}

/* ---- iommu-replace's targets and the HWPT allocation flags (replace.c) ---- */

static const char *const replace_kind_names[] = {
	[IOT_REPLACE_TO_HWPT] = "hwpt",
	[IOT_REPLACE_TO_IOAS] = "ioas",
	[IOT_REPLACE_TO_NEW_IOAS] = "new-ioas",
	[IOT_REPLACE_TO_NEW_IOAS_COPY] = "new-ioas:copy",
	[IOT_REPLACE_TO_NEW_HWPT] = "new-hwpt",
	[IOT_REPLACE_TO_BACK] = "back",
};

const char *iot_replace_kind_name(enum iot_replace_kind kind)
{
	return NAME(replace_kind_names, kind, NULL);
}

const char *iot_hwpt_flag_name(uint32_t bit)
{
	switch (bit) {
	case IOT_HWPT_ALLOC_NEST_PARENT:
		return "nest-parent";
	case IOT_HWPT_ALLOC_DIRTY_TRACKING:
		return "dirty-tracking";
	case IOT_HWPT_ALLOC_PASID:
		return "pasid";
	default:
		return NULL;
	}
}

/* ---- fault-queue policies (faultq.c): the words of --respond ---- */

static const char *const faultq_policy_names[] = {
	[IOT_FAULTQ_RESPOND_INVALID] = "invalid",
	[IOT_FAULTQ_RESPOND_SUCCESS] = "success",
	[IOT_FAULTQ_RESPOND_MAP] = "map",
};

const char *iot_faultq_policy_name(enum iot_faultq_policy p)
{
	return NAME(faultq_policy_names, p, NULL);
}

int iot_faultq_policy_parse(const char *s, enum iot_faultq_policy *out)
{
	for (size_t i = 0; s && i < IOT_ARRAY_SIZE(faultq_policy_names); i++)
		if (!strcmp(s, faultq_policy_names[i])) {
			*out = (enum iot_faultq_policy)i;
			return 0;
		}
	return -EINVAL;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools.h - public interface of libiommutools: a model of the host's
 * IOMMU groups, IOMMU units and the devices they serve, read from sysfs and
 * procfs under one root prefix.
 *
 * Conventions: functions that can fail return 0 (or a count) on success and a
 * negative errno on failure. A failed allocation anywhere while reading makes
 * the whole call fail with -ENOMEM: never an answer with something missing. The library never prints and never exits; it
 * reports through the log callback installed with iot_ctx_set_log_fn().
 * Objects returned by a snapshot belong to the snapshot and live until
 * iot_snapshot_free().
 *
 * ABI rules (the shared library keeps its soname while they hold):
 * - Model objects (snapshot, group, device, unit, owner, check) are allocated
 *   by the library only and reached through pointers: lists are arrays of
 *   pointers (snap->groups[i]->number). Fields are only ever appended, so a
 *   caller built against an older header reads the fields it knows. Callers
 *   never allocate, copy or take sizeof of these structs.
 * - Structs the caller allocates (out-parameters) either take their size as
 *   an argument (iot_pci_read_caps) and may grow at the end, or are frozen:
 *   one that must grow gets a new function in a new symbol version.
 * - Enums only gain values at the end; callers must accept unknown values.
 * - Anything else (a field removed, reordered or retyped) bumps the soname.
 */
#ifndef IOMMU_TOOLS_H
#define IOMMU_TOOLS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define IOT_SYSROOT_ENV "IOMMU_TOOLS_SYSROOT"

/* ---- context ----------------------------------------------------------- */

struct iot_ctx;

/* syslog priorities: LOG_ERR 3, LOG_WARNING 4, LOG_INFO 6, LOG_DEBUG 7 */
typedef void (*iot_log_fn)(void *data, int priority, const char *fmt, va_list ap);

/*
 * iot_ctx_new - open a context on a root directory.
 * @sysroot: root under which /sys, /proc and /dev are read; NULL means the
 *           value of $IOMMU_TOOLS_SYSROOT, or "/" when that is unset or empty.
 * @out: receives the context.
 *
 * Returns: 0, -ENOENT or -ENOTDIR when the root is not a directory, or
 * -EINVAL when it holds neither sys/ nor proc/ (not a system root).
 */
int iot_ctx_new(const char *sysroot, struct iot_ctx **out);
void iot_ctx_free(struct iot_ctx *ctx);
/* The root as given (never NULL); "/" for the live host. */
const char *iot_ctx_get_sysroot(const struct iot_ctx *ctx);
/* true when the context reads the running host rather than a captured tree */
bool iot_ctx_is_live(const struct iot_ctx *ctx);
void iot_ctx_set_log_fn(struct iot_ctx *ctx, iot_log_fn fn, void *data);
/* Messages above this priority are dropped; default LOG_WARNING. */
void iot_ctx_set_log_priority(struct iot_ctx *ctx, int priority);
/* pci.ids file used for names; NULL restores libpci's default. */
int iot_ctx_set_pci_ids(struct iot_ctx *ctx, const char *path);
/* Numeric-only PCI names (no pci.ids lookups). */
void iot_ctx_set_numeric(struct iot_ctx *ctx, bool numeric);

/* ---- the running kernel --------------------------------------------------- */

/*
 * iot_kernel_release - the kernel's release ("6.8.0-45-generic") from
 * proc/sys/kernel/osrelease below the root, read once per context.
 * Returns: text owned by the context, or NULL when unreadable or not a release;
 * NULL with errno ENOMEM when memory ran out (not remembered: read again next time).
 */
const char *iot_kernel_release(struct iot_ctx *ctx);
/*
 * iot_kernel_param - the value of the kernel command-line parameter @name,
 * from proc/cmdline below the root (read once per context). Names match as
 * the kernel matches them ('-' and '_' alike); quotes are removed; the last
 * occurrence wins; what follows "--" is init's and is not searched.
 * @buf: receives the value ("" for a bare "name"); NULL (with @len 0) only asks
 *       whether the parameter is there.
 * Returns: the value's length, -ENOENT when the parameter is absent or the
 * command line unreadable, -ENOSPC when @len cannot hold value and NUL,
 * -ENOMEM when memory ran out.
 */
int iot_kernel_param(struct iot_ctx *ctx, const char *name, char *buf, size_t len);

/* ---- the model ----------------------------------------------------------- */

enum iot_bus {
	IOT_BUS_OTHER = 0,
	IOT_BUS_PCI,
	IOT_BUS_PLATFORM,
};

enum iot_group_type {
	IOT_GROUP_TYPE_UNKNOWN = 0, /* file missing, unreadable or garbage */
	IOT_GROUP_TYPE_BLOCKED,
	IOT_GROUP_TYPE_IDENTITY,
	IOT_GROUP_TYPE_UNMANAGED,
	IOT_GROUP_TYPE_DMA,
	IOT_GROUP_TYPE_DMA_FQ,
	IOT_GROUP_TYPE_NONE, /* the kernel itself says "unknown" */
};

enum iot_resv_type {
	IOT_RESV_UNKNOWN = 0,
	IOT_RESV_DIRECT,
	IOT_RESV_DIRECT_RELAXABLE,
	IOT_RESV_RESERVED,
	IOT_RESV_MSI,
};

struct iot_resv_region {
	uint64_t start;
	uint64_t end; /* inclusive, as the kernel prints it */
	enum iot_resv_type type;
};

enum iot_unit_kind {
	IOT_UNIT_OTHER = 0,
	IOT_UNIT_INTEL_VTD,
	IOT_UNIT_AMD_VI,
	IOT_UNIT_ARM_SMMUV3,
	IOT_UNIT_VIRTIO,
	IOT_UNIT_SELFTEST, /* the iommufd selftest mock */
};

/* Host-critical reasons: assigning such a device away takes the host down. */
enum {
	IOT_CRIT_MOUNT = 1 << 0,   /* backs a mounted filesystem */
	IOT_CRIT_NET = 1 << 1,     /* network interface up with an address */
	IOT_CRIT_CONSOLE = 1 << 2, /* drives the active console */
};

struct iot_group;
struct iot_unit;

enum iot_viability {
	IOT_VIABILITY_UNKNOWN = 0, /* a member's driver could not be read */
	IOT_VIABLE,                /* every endpoint is on a VFIO driver or has none */
	IOT_NOT_VIABLE,            /* some endpoint is held by a host driver */
	IOT_VIABILITY_NOTHING,     /* no assignable endpoint: bridges, host bridges, dummies */
};

struct iot_device {
	char *name;          /* sysfs name: "0000:03:00.0", "fd500000.pcie" */
	char *syspath;       /* canonical path below the root: "sys/devices/..." */
	enum iot_bus bus;
	struct iot_group *group; /* NULL: not in any IOMMU group */
	struct iot_unit *unit;   /* NULL: no iommu link */
	char *driver;            /* NULL: no driver bound (unless unreadable) */
	bool unreadable;         /* its directory or driver link could not be read */
	char *driver_override;   /* NULL: none set */

	/* PCI identity, -1 where unknown or not PCI */
	int domain, busnr, slot, func;
	int vendor, device, subvendor, subdevice, revision;
	int32_t class_code; /* 24-bit base:sub:prog-if, -1 unknown */
	bool is_bridge;     /* PCI bridge: excluded from viability */
	char *physfn;       /* SR-IOV: name of the PF this VF belongs to */
	int sriov_numvfs;   /* -1 unknown or not a PF */

	/* VFIO */
	char *vfio_cdev;   /* "vfio0" when bound to a VFIO driver with cdev */
	int vfio_major, vfio_minor;

	/* host-critical: IOT_CRIT_* bits and a short description */
	unsigned critical;
	char *critical_what; /* "/ (nvme0n1p2)", "enp3s0 up 192.0.2.4", "fb0" */
	char *interfaces;    /* space-separated net, block, drm, sound children */
};

struct iot_group {
	int number;
	enum iot_group_type type;
	char *type_raw; /* as read; NULL if unreadable */
	char *name;     /* optional group name */
	struct iot_resv_region *regions;
	size_t n_regions;
	struct iot_device **devices; /* sorted by name; point into the snapshot */
	size_t n_devices;
	char *vfio_node; /* "/dev/vfio/12" if present */

	/* VFIO viability: can this group be handed to a VFIO user as it is? */
	enum iot_viability viability;
	char *verdict;     /* why, naming endpoints and drivers; host-critical devices */
	unsigned critical; /* IOT_CRIT_* of any member */
};

struct iot_unit {
	char *name;    /* "dmar0", "ivhd0", "smmu3.0x...", "iommufd_selftest_iommu.0" */
	char *syspath;
	enum iot_unit_kind kind;
	size_t n_devices;

	/* Intel VT-d: valid when has_vtd; cap and ecap only when known */
	bool has_vtd, cap_known, ecap_known;
	int ver_major, ver_minor;
	uint64_t address, cap, ecap;
	long domains_supported, domains_used; /* -1 unknown */

	/* AMD-Vi: valid when has_amd */
	bool has_amd;
	uint32_t amd_cap;
	uint64_t efr, efr2;
	bool has_efr2;
	char *amd_features_raw; /* sysfs amd-iommu/features as read */
};

struct iot_owner {
	int pid;
	char *comm;
	char *node; /* "/dev/iommu", "/dev/vfio/12", "/dev/vfio/devices/vfio0" */
};

/* What the snapshot reads beyond groups, units and devices. */
enum {
	IOT_SCAN_OWNERS = 1 << 0,   /* /proc/<pid>/fd holders of VFIO and iommufd nodes */
	IOT_SCAN_CRITICAL = 1 << 1, /* mounts, network, console */
	IOT_SCAN_ALL_PCI = 1 << 2,  /* also PCI devices outside any group */
	/* subsystem IDs, revision, driver_override, SR-IOV, the serving unit,
	 * group names and reserved regions */
	IOT_SCAN_DETAILS = 1 << 3,
	IOT_SCAN_UNITS_ONLY = 1 << 4, /* the IOMMU units alone: no groups, no devices */
};

struct iot_snapshot {
	struct iot_group **groups; /* sorted by number */
	size_t n_groups;
	struct iot_unit **units; /* sorted by name, naturally (dmar2 < dmar10) */
	size_t n_units;
	struct iot_device **devices; /* sorted: domain, bus, slot, func; then name */
	size_t n_devices;
	struct iot_owner **owners;
	size_t n_owners;
	bool owners_denied; /* /proc/<pid>/fd not readable: need root */
	int warnings;       /* values that were missing, unreadable or garbage */
};

/*
 * iot_snapshot_new - read the model once.
 * @flags: IOT_SCAN_* bits.
 * Returns: 0 or a negative errno for conditions that make a listing
 * impossible (out of memory, root vanished). Bad individual values are
 * logged once each at LOG_WARNING, counted in ->warnings and left unknown.
 */
int iot_snapshot_new(struct iot_ctx *ctx, unsigned flags, struct iot_snapshot **out);
void iot_snapshot_free(struct iot_snapshot *snap);
/*
 * iot_snapshot_new_for - read only what questions about a few devices or
 * groups need, in time independent of the size of the host: each PCI function
 * in @devices (found through sys/bus/pci/devices/<addr>, as lspci -s finds it),
 * the groups in @groups and those of the devices, every member of those groups,
 * with IOT_SCAN_ALL_PCI the named devices and the PCI bridges above every
 * device read (what iot_group_share_causes() walks), and with
 * IOT_SCAN_DETAILS the units serving them. The model has the same shape as
 * iot_snapshot_new()'s, holding only these: a bridge above whose group was
 * not read has a NULL group, a unit no device read links to is absent, and
 * IOT_SCAN_OWNERS reads /proc only when a group or device read has a VFIO
 * node. Names and numbers that do not exist are left out (the lookups say
 * so); a name that is not a PCI address, or IOT_SCAN_UNITS_ONLY, reads
 * everything, as iot_snapshot_new().
 * @devices: PCI addresses ("03:00.0", "0000:03:00.0"); @groups: group numbers.
 * Returns: as iot_snapshot_new().
 */
int iot_snapshot_new_for(struct iot_ctx *ctx, unsigned flags, const char *const *devices,
			 size_t n_devices, const int *groups, size_t n_groups,
			 struct iot_snapshot **out);

struct iot_group *iot_snapshot_find_group(const struct iot_snapshot *snap, int number);
/* Accepts "03:00.0", "0000:03:00.0" and platform names. */
struct iot_device *iot_snapshot_find_device(const struct iot_snapshot *snap, const char *addr);
struct iot_unit *iot_snapshot_find_unit(const struct iot_snapshot *snap, const char *name);

/* Names of the model's enums; a value a newer library added reads as the fallback. */
const char *iot_bus_name(enum iot_bus bus); /* "pci", "platform", "other" */
const char *iot_group_type_name(enum iot_group_type type);
const char *iot_resv_type_name(enum iot_resv_type type);
const char *iot_unit_kind_name(enum iot_unit_kind kind);
const char *iot_viability_name(enum iot_viability v);
/*
 * iot_unit_features - the features a unit supports, as text: the one-bit
 * fields of its registers that are set (VT-d cap and ecap, AMD-Vi EFR and
 * EFR2). For people (@flags 0): spec abbreviations separated by spaces, and
 * for AMD-Vi first the names its kernel printed at boot ("PPR X2APIC NX ...",
 * chosen by the context's kernel release), then the abbreviations of the
 * features those names leave out. With IOT_UNIT_FEATURES_KEYS: the fields'
 * JSON keys, one per line. @ctx may be NULL (then the mainline naming).
 * Returns: the length, -EINVAL, -ENOSPC or -ENOMEM (@buf then holds "").
 */
enum {
	IOT_UNIT_FEATURES_KEYS = 1 << 0,
};
int iot_unit_features(struct iot_ctx *ctx, const struct iot_unit *unit, unsigned flags,
		      char *buf, size_t len);
/*
 * iot_driver_is_vfio - whether the driver named @driver is a VFIO driver:
 * vfio-pci, the other vfio-<bus> drivers and the vfio-pci-core variant
 * drivers (<vendor>_vfio_pci). false for NULL (no driver).
 */
bool iot_driver_is_vfio(const char *driver);
/* Owners holding @node open ("/dev/vfio/12"); returns the count, fills up to @max. */
size_t iot_snapshot_node_owners(const struct iot_snapshot *snap, const char *node,
				const struct iot_owner **out, size_t max);

/* ---- host readiness ------------------------------------------------------ */

/* appended only (ABI): SKIP is a check that could not be judged here, never a pass */
enum iot_check_status { IOT_CHECK_PASS = 0, IOT_CHECK_WARN, IOT_CHECK_FAIL, IOT_CHECK_SKIP };

struct iot_check {
	const char *id;    /* stable key: "firmware-table", "interrupt-remapping", ... */
	const char *title; /* "IOMMU firmware table (DMAR/IVRS/IORT)" */
	enum iot_check_status status;
	char *detail;      /* what was found */
	char *hint;        /* what to do about it; NULL when it passes */
};

/*
 * iot_check_host - judge the host's readiness for device assignment from the
 * snapshot (read with IOT_SCAN_ALL_PCI, and IOT_SCAN_OWNERS to name who has
 * /dev/iommu open) and the files beside it. The kernel
 * command line is read only to word hints, never to conclude.
 * Returns: the number of checks in *out, an array of pointers (free with
 * iot_checks_free()), or -errno.
 */
int iot_check_host(struct iot_ctx *ctx, const struct iot_snapshot *snap,
		   struct iot_check ***out);
void iot_checks_free(struct iot_check **checks, size_t n);
const char *iot_check_status_name(enum iot_check_status s);

/* ---- PCI names (libpci) -------------------------------------------------- */

/*
 * "Intel Corporation", or "8086" in numeric mode or when unknown. NULL with
 * errno ENOMEM when memory ran out: a number is never shown for want of memory.
 */
const char *iot_pci_vendor_name(struct iot_ctx *ctx, const struct iot_device *dev,
				char *buf, size_t len);
const char *iot_pci_device_name(struct iot_ctx *ctx, const struct iot_device *dev,
				char *buf, size_t len);
const char *iot_pci_subsys_name(struct iot_ctx *ctx, const struct iot_device *dev,
				char *buf, size_t len);
const char *iot_pci_class_name(struct iot_ctx *ctx, const struct iot_device *dev,
			       char *buf, size_t len);


/* ---- why devices share a group ------------------------------------------- */

/* What made the kernel put devices into one group. */
enum iot_share_kind {
	IOT_SHARE_UNKNOWN = 0,   /* config space could not be read: "unknown, need root" */
	IOT_SHARE_NO_ACS,        /* a bridge or root port above them has no ACS */
	IOT_SHARE_ACS_DISABLED,  /* it has ACS, but not SV, RR, CR and UF all enabled */
	IOT_SHARE_MULTIFUNCTION, /* functions of one device without ACS */
	IOT_SHARE_PCI_BRIDGE,    /* behind a PCIe-to-PCI(-X) bridge: one requester ID */
	IOT_SHARE_DMA_ALIAS,     /* a kernel quirk: one function uses another's requester ID */
	IOT_SHARE_UNEXPLAINED,   /* not visible here: pcie_acs_override, a platform rule, ... */
};

struct iot_share_cause {
	enum iot_share_kind kind;
	char *device;      /* the device responsible ("0000:00:01.0"); NULL when none is */
	char **affected;   /* the group's members this cause ties together, sorted */
	size_t n_affected;
	char *text;        /* "root port 0000:00:01.0 has no ACS" */
	char *remedy;      /* "ACS on 0000:00:01.0 would isolate 0000:03:00.0"; NULL: none */
	char **isolates;   /* members the remedy would take out of the group */
	size_t n_isolates;
};

/*
 * iot_group_share_causes - why @g holds more than one device, as the kernel's
 * grouping rules (drivers/iommu/iommu.c pci_device_group) decide it from the
 * topology and config space: ACS on the bridges above, multifunction devices,
 * PCIe-to-PCI bridges, DMA-alias and ACS quirks. The snapshot should hold the
 * bridges above the group (IOT_SCAN_ALL_PCI). Config space is read through the
 * root; when it cannot be read the one cause is IOT_SHARE_UNKNOWN.
 * Returns: the number of causes (0 for a group of one device) in *out, an
 * array of pointers (free with iot_share_causes_free()), or -errno.
 */
int iot_group_share_causes(struct iot_ctx *ctx, const struct iot_snapshot *snap,
			   const struct iot_group *g, struct iot_share_cause ***out);
void iot_share_causes_free(struct iot_share_cause **causes, size_t n);
/* "no-acs", "acs-disabled", "multifunction", "pci-bridge", "dma-alias", "unknown", ... */
const char *iot_share_kind_name(enum iot_share_kind kind);


/* ---- what a unit can do --------------------------------------------------- */

enum iot_answer {
	IOT_ANSWER_UNKNOWN = 0,     /* the register was not readable */
	IOT_ANSWER_NO,
	IOT_ANSWER_YES,
	IOT_ANSWER_NOT_EXPOSED,     /* the kernel exports no registers of this kind of unit */
	IOT_ANSWER_NOT_APPLICABLE,  /* the question has no meaning there (AMD scalable mode) */
};

/* The questions people ask of a unit; iot_unit_question_key() is NULL past the last. */
enum iot_unit_question {
	IOT_Q_INTR_REMAP = 0, /* "interrupt_remapping" */
	IOT_Q_X2APIC,         /* "x2apic" */
	IOT_Q_PASS_THROUGH,   /* "pass_through" */
	IOT_Q_NESTED,         /* "nested_translation" */
	IOT_Q_DIRTY_TRACKING, /* "dirty_tracking" */
	IOT_Q_PASID,          /* "pasid"; number: PASID width in bits */
	IOT_Q_PAGE_REQUESTS,  /* "page_requests" (PRI/PPR, for SVA) */
	IOT_Q_POSTED_INTR,    /* "posted_interrupts" */
	IOT_Q_5LEVEL,         /* "five_level_tables" */
	IOT_Q_SCALABLE_MODE,  /* "scalable_mode" (VT-d) */
};

/*
 * iot_unit_answer - answer @q for @u from its decoded registers (VT-d cap and
 * ecap, AMD-Vi EFR). @number (may be NULL) receives a number where the answer
 * has one (PASID width in bits), else -1.
 */
enum iot_answer iot_unit_answer(const struct iot_unit *u, enum iot_unit_question q,
				long *number);
/* JSON key and words of a question ("dirty_tracking", "dirty tracking"); NULL past the last. */
const char *iot_unit_question_key(enum iot_unit_question q);
const char *iot_unit_question_title(enum iot_unit_question q);
/* "yes", "no", "unknown", "not exposed by this kernel", "n/a" */
const char *iot_answer_name(enum iot_answer a);

#ifdef __cplusplus
}
#endif
#endif

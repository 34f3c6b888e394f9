/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-replace.h - swap the I/O page table of an attached device with
 * one attach while attached (the kernel's replace: no blocking domain in
 * between), timed, checked, compared with a detach and attach, and watched
 * for DMA faults.
 *
 * Functions that can fail return 0 (or a count) on success and a negative
 * errno on failure; outputs are written only on success. Objects are
 * allocated by the library and freed by the matching _free(); their structs
 * only ever grow by fields appended at the end. A struct the caller fills
 * carries its size in its first field.
 */
#ifndef IOMMU_TOOLS_REPLACE_H
#define IOMMU_TOOLS_REPLACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IOT_REPLACE_NO_PASID UINT32_MAX /* the device's RID attachment */

/* Where to: the TARGET of iommu-replace --to. Only ever gains values at the end. */
enum iot_replace_kind {
	IOT_REPLACE_TO_HWPT = 0,      /* "hwpt:ID": an existing HWPT */
	IOT_REPLACE_TO_IOAS,          /* "ioas:ID": an existing IOAS (the kernel picks the HWPT) */
	IOT_REPLACE_TO_NEW_IOAS,      /* "new-ioas": a new, empty IOAS */
	IOT_REPLACE_TO_NEW_IOAS_COPY, /* "new-ioas:copy": a new IOAS, the mappings copied */
	IOT_REPLACE_TO_NEW_HWPT,      /* "new-hwpt[:FLAGS]": a new HWPT on the current IOAS */
	IOT_REPLACE_TO_BACK,          /* "back": the page table before the last replace */
};

/* A parsed TARGET; frozen (a new field means a new function). */
struct iot_replace_target {
	enum iot_replace_kind kind;
	uint32_t id;         /* hwpt:ID, ioas:ID */
	uint32_t hwpt_flags; /* new-hwpt: IOT_HWPT_ALLOC_* */
};

/*
 * iot_replace_target_parse - "hwpt:ID", "ioas:ID", "new-ioas", "new-ioas:copy",
 * "new-hwpt", "new-hwpt:FLAG[,FLAG...]" (FLAG: nest-parent, dirty-tracking,
 * pasid) or "back". -EINVAL for anything else.
 */
int iot_replace_target_parse(const char *s, struct iot_replace_target *out);
/* "hwpt", "ioas", "new-ioas", "new-ioas:copy", "new-hwpt", "back"; NULL out of range */
const char *iot_replace_kind_name(enum iot_replace_kind kind);
/* "nest-parent", "dirty-tracking", "pasid" for one IOT_HWPT_ALLOC_* bit; NULL if unknown */
const char *iot_hwpt_flag_name(uint32_t bit);

/*
 * The attached device a replace acts on. A VFIO cdev (devfd), or, for the
 * kernel's selftest, a mock device (devfd -1, mock_id its object).
 */
struct iot_replace_dev {
	size_t size;      /* sizeof(struct iot_replace_dev) */
	int iommufd;
	int devfd;        /* the VFIO cdev bound to iommufd; -1: a mock device */
	uint32_t mock_id; /* the mock device (iot_test_mock_domain's stdev_id) */
	uint32_t dev_id;  /* the device's iommufd id (for HWPT allocation) */
	uint32_t pasid;   /* IOT_REPLACE_NO_PASID: the RID attachment */
	uint32_t ioas;    /* the IOAS of the page table in use; 0: unknown */
	uint32_t hwpt;    /* the HWPT in use */
};

/* A mapping of the device's IOAS that new-ioas:copy copies. */
struct iot_replace_range {
	uint64_t iova;
	uint64_t len;
};

/* What iot_replace_prepare() made ready: the page table to swap to. */
struct iot_replace_plan {
	struct iot_replace_target target;
	uint32_t pt_id;   /* what the attach names: an HWPT, or an IOAS */
	uint32_t to_ioas; /* its IOAS (0: unknown, hwpt:ID) */
	uint32_t to_hwpt; /* the HWPT, once an attach named it (ioas targets) */
	size_t ncreated;
	uint32_t created[4]; /* objects made for it, in order: destroyed by _free in reverse */
	uint64_t copied;     /* bytes new-ioas:copy copied */
	bool keep;           /* _free leaves the created objects (the device uses them) */
};

/*
 * iot_replace_prepare - make the target ready without touching the device:
 * a new IOAS (and the copies of @copy into it, at the same IOVAs, by
 * IOMMU_IOAS_COPY: no page is pinned twice) with an HWPT for the device on
 * it, or a new HWPT on the device's IOAS. @prev_ioas/@prev_hwpt resolve "back" (0: none known, -ENOENT).
 * -EINVAL when the target needs the device's IOAS and it is unknown.
 */
int iot_replace_prepare(const struct iot_replace_dev *d, const struct iot_replace_target *t,
			const struct iot_replace_range *copy, size_t ncopy, uint32_t prev_ioas,
			uint32_t prev_hwpt, struct iot_replace_plan **out);
/* Destroy what the plan created (unless ->keep) and free it. */
void iot_replace_plan_free(const struct iot_replace_dev *d, struct iot_replace_plan *p);

/*
 * iot_replace_swap - one attach while attached to @pt_id (an HWPT or IOAS),
 * timed on CLOCK_MONOTONIC around the ioctl alone. *hwpt: the HWPT now in
 * use; *ns: the time. On failure the kernel has left the old attachment.
 */
int iot_replace_swap(const struct iot_replace_dev *d, uint32_t pt_id, uint32_t *hwpt,
		     uint64_t *ns);
/* The comparison: detach, then attach to @pt_id, timed together. */
int iot_replace_detach_attach(const struct iot_replace_dev *d, uint32_t pt_id, uint32_t *hwpt,
			      uint64_t *ns);
/*
 * iot_replace_verify - is the device on @hwpt? Attaching to the HWPT in use
 * is a no-op for the kernel, which answers with that HWPT; 0 when it did,
 * -ESTALE when it answered with another one, or the attach's error.
 */
int iot_replace_verify(const struct iot_replace_dev *d, uint32_t hwpt);

/* Latency of a series of swaps, in nanoseconds. */
struct iot_latency {
	size_t n;
	uint64_t min, median, p99, max;
};
/* Sorts @ns in place; the median of an even count is the lower middle; p99 nearest rank. */
int iot_latency_stats(uint64_t *ns, size_t n, struct iot_latency *out);

struct iot_replace_opts {
	size_t size;          /* sizeof(struct iot_replace_opts) */
	unsigned repeat;      /* swaps, alternately to the plan and back; 0 means 1 */
	unsigned interval_ms; /* pause between swaps */
	bool compare_detach;  /* the same swaps again, as detach + attach */
	const volatile int *stop; /* may be NULL; set (by a signal handler): no further swap */
};

struct iot_replace_result {
	uint32_t from_ioas, from_hwpt; /* where the device was */
	uint32_t to_ioas, to_hwpt;     /* the target's ids */
	uint32_t now_ioas, now_hwpt;   /* where it was left */
	unsigned swaps;                /* replaces done */
	struct iot_latency latency;
	struct iot_latency detach_attach; /* n 0: not compared */
	double ratio;                     /* latency median / detach_attach median; 0: none */
	int err;                          /* the failed swap's errno (negative), 0: none */
	unsigned failed_swap;             /* which one (1-based) */
	uint32_t back_pt;                 /* what the swaps back attach: from_hwpt or from_ioas */
	bool from_auto; /* from_hwpt was the kernel's pick for an IOAS, freed when left: the
			 * swaps back attached from_ioas (now_hwpt is a new one) */
};

/*
 * iot_replace_run - swap @d to the plan, back, to the plan... (@o->repeat
 * swaps in all), then with compare_detach the same again as detach and
 * attach. On success the device is left where the last swap put it (the
 * plan's table after an odd count) and ->keep of @p says whether it uses it.
 * On a failed swap *out is still written, with ->err and ->failed_swap, and
 * the error returned: the device is on ->now_hwpt (check it with
 * iot_replace_verify()). @d's ioas and hwpt are updated to where it is.
 * When *@o->stop becomes non-zero no further swap starts: -EINTR, with *out
 * written (->err -EINTR, ->failed_swap the swap not made).
 */
int iot_replace_run(struct iot_replace_dev *d, struct iot_replace_plan *p,
		    const struct iot_replace_opts *o, struct iot_replace_result **out);
void iot_replace_result_free(struct iot_replace_result *r);

/* ---- the fault window (/proc/interrupts and the kernel log) ------------------ */

struct iot_fault_watch;
/*
 * iot_fault_watch_begin - open a window on the faults of @devices (PCI
 * addresses) and of their IOMMU unit @unit ("dmar0"; NULL: every unit):
 * its fault vectors' interrupt count now, and a kernel log reader from now.
 * Either source may be missing (logged at debug; the result says which).
 */
int iot_fault_watch_begin(struct iot_ctx *ctx, const char *unit, const char *const *devices,
			  size_t ndevices, struct iot_fault_watch **out);

struct iot_fault_count {
	uint64_t irqs;      /* fault interrupts of the unit in the window */
	uint64_t log_lines; /* kernel log fault records naming one of the devices */
	uint64_t other_log; /* fault records naming other devices */
	bool irqs_known, log_known;
	uint64_t first_addr; /* of the first record for the devices */
	char first_reason[96];
};
/* Close the window: what happened since _begin. The watch stays usable. */
int iot_fault_watch_end(struct iot_fault_watch *w, struct iot_fault_count *out);
void iot_fault_watch_free(struct iot_fault_watch *w);

/* ---- "back": the page table before a session's last replace ----------------- */

/*
 * Kept in <root>/run/iommu-tools/NAME.replace, one line per device and
 * PASID: the ids a replace left, and the pid of the session's holder
 * (@holder), so that a later session of the same name finds none. _save
 * replaces the line of @addr/@pasid.
 */
int iot_replace_state_save(struct iot_ctx *ctx, const char *session, int holder,
			   const char *addr, uint32_t pasid, uint32_t ioas, uint32_t hwpt);
/* -ENOENT when none is recorded for this holder */
int iot_replace_state_load(struct iot_ctx *ctx, const char *session, int holder,
			   const char *addr, uint32_t pasid, uint32_t *ioas, uint32_t *hwpt);

#ifdef __cplusplus
}
#endif
#endif

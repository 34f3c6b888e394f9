/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach.h - what iommu-attach's files share: the control struct, and per file
 * what it provides (attach-setup.c: refusals, binding, the iommufd, legacy and mock
 * attach and their undo; attach-report.c: the report, --list and --recover
 * output; attach-run.c: signals, --hold and --exec).
 */
#ifndef CMD_ATTACH_H
#define CMD_ATTACH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "cmd-common.h"
#include "iommu-tools-attach.h"
#include "iommu-tools-host.h"
#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "output.h"

/* --hwpt=FLAGS */
enum {
	ATTACH_HWPT_NEST_PARENT = 1 << 0,
	ATTACH_HWPT_DIRTY = 1 << 1,
	ATTACH_HWPT_FAULT = 1 << 2,
	ATTACH_HWPT_PASID = 1 << 3,
};

#define ATTACH_CDEV_TIMEOUT_MS 10000
#define ATTACH_MAX_DEVICES 64 /* a session's limit */

/* --map IOVA:SIZE[:r|w|rw] */
struct attach_map {
	uint64_t iova, size;
	bool read, write;
	void *buf; /* anonymous memory while mapped; MAP_FAILED before */
	bool mapped;
};

struct attach_dev {
	char addr[16];          /* "0000:00:03.0" */
	bool companion;         /* added by --group */
	bool bridge;
	char *driver;           /* as found; NULL none */
	struct iot_binding *binding;
	char cdev[32];          /* "vfio0"; "" none */
	int group;              /* IOMMU group number; -1 none */
	int devfd;              /* -1; owned by the session once handed over */
	uint32_t dev_id, hwpt;
	bool has_hw_info;
	int hw_info_err;        /* 0, or why GET_HW_INFO gave nothing */
	struct iot_hw_info hw;
	union {
		struct iot_hw_info_vtd vtd;
		struct iot_hw_info_arm_smmuv3 smmu;
		struct iot_hw_info_amd amd;
		uint8_t raw[256];
	} hw_data;
	bool pasid_attached;
};

/* --mock: a device of the kernel's iommufd selftest mock, in place of PCI devices */
struct attach_mock {
	char name[IOT_SESSION_NAME_MAX + 1]; /* on the iommufd_mock bus: "iommufd_mock0" */
	uint32_t stdev;         /* its selftest object: destroying it removes the device */
	struct attach_dev dev;  /* dev_id, hwpt and the hardware information, as a PCI one's */
};

#define ATTACH_DEV_MOCK (-2) /* a step's or failure's device: the mock */

struct attach_step {
	enum iot_step step;
	int dev;   /* index into devs; -1: not one device's; ATTACH_DEV_MOCK */
	double ms;
};

struct attach_legacy {
	int container;
	int groups[ATTACH_MAX_DEVICES]; /* group numbers, in the order opened */
	int groupfds[ATTACH_MAX_DEVICES];
	size_t ngroups;
	bool iommu_set;
};

struct attach_ctl {
	/* options */
	char **args; /* DEVICE... as given */
	const char **popt_argv; /* the arguments popt parses (split_argv()), while it does */
	size_t nargs;
	bool bind_driver, keep_driver, group, force, legacy, quiet, hugepages;
	bool mock;       /* --mock */
	bool has_ioas;   /* --ioas ID (else a new IOAS) */
	uint32_t ioas_id;
	bool hwpt_given; /* --hwpt[=FLAGS] */
	unsigned hwpt_flags;
	bool has_pasid;
	uint32_t pasid;
	struct attach_map *maps;
	size_t nmaps;
	char *hold, *release;
	bool list, recover;
	const char **exec_argv; /* after --exec --; NULL-terminated */
	int exec_argc;
	char *sysroot;
	struct cmd_output out;

	/* state */
	struct iot_ctx *ctx;
	sigset_t oldmask;
	int sigfd;
	int stop_signal;          /* a SIGINT/SIGTERM/SIGHUP came: undo and leave */
	struct attach_dev *devs;
	size_t ndevs;
	bool use_legacy;          /* the path taken */
	const char *legacy_why;   /* the notice: why the legacy path */
	struct iot_session *session;
	int iommufd;              /* the session's */
	uint32_t ioas, hwpt, fault_id;
	int faultfd;              /* the session's */
	struct iot_iova_range *ranges;
	size_t nranges;
	uint64_t alignment;
	struct attach_legacy lg;
	struct attach_mock mk;    /* --mock's device; mk.stdev 0 until made */
	struct attach_step *steps;
	size_t nsteps;
	char *session_name;       /* --hold NAME, or exec-PID */
	const char *fail_what;    /* what a failing step acts on ("0x100000-0x10ffff") */
};

/* ---- attach-setup.c ---- */
/* DEVICE... to canonical addresses; the checks that refuse before anything changes. */
int attach_resolve(struct attach_ctl *ctl);
/* bind drivers, attach, map: 0, or 1 after one line saying what failed */
int attach_setup(struct attach_ctl *ctl);
/* undo everything in reverse, drivers last; 0, or 1 when something could not be undone */
int attach_teardown(struct attach_ctl *ctl);
/* "DEVICE: STEP: CAUSE" for @err at @step of device @dev (-1: none; ATTACH_DEV_MOCK) */
void attach_fail(struct attach_ctl *ctl, int dev, enum iot_step step, int err);
/* the name of a step's device: a PCI address, the mock's name, "" for none */
const char *attach_dev_name(const struct attach_ctl *ctl, int dev);
/* monotonic milliseconds */
double attach_now_ms(void);
/* true when SIGINT, SIGTERM or SIGHUP came (read from the signalfd, not waited for) */
bool attach_interrupted(struct attach_ctl *ctl);

/* ---- attach-report.c ---- */
void attach_report(const struct attach_ctl *ctl, const char *mode);
int attach_list(struct attach_ctl *ctl);
int attach_recover(struct attach_ctl *ctl);
int attach_release(struct attach_ctl *ctl);
const char *attach_hw_type_name(uint32_t type);

/* ---- attach-run.c ---- */
/* block the signals that end a run, and read them from a signalfd */
void attach_signals_init(struct attach_ctl *ctl);
/* --hold: serve the session until a signal or RELEASE; returns the exit code */
int attach_hold(struct attach_ctl *ctl);
/* --exec: run CMD on the context, serve while it runs; returns CMD's status */
int attach_exec(struct attach_ctl *ctl);

#endif

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-host.h - what the library does to, and reads from, the running
 * host beyond the model: binding a PCI device to a driver and restoring it,
 * the IOMMUs' interrupt counters in /proc/interrupts, and the kernel log
 * records of /dev/kmsg.
 *
 * Every path is read below the context's root, so each works on a captured
 * tree too: a copy's driver_override, a fixture's proc/interrupts, a saved
 * dev/kmsg file of records.
 *
 * Functions that can fail return 0 (or a count) on success and a negative
 * errno on failure; outputs are written only on success. Objects are
 * allocated by the library and freed by the matching _free(); their structs
 * only ever grow by fields appended at the end.
 */
#ifndef IOMMU_TOOLS_HOST_H
#define IOMMU_TOOLS_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- driver binding (bind.c) ---------------------------------------------- */

/*
 * A device's driver as it was before a bind, and what the bind did: all a
 * crash journal needs to record so that another process can restore it.
 * Strings are NUL-terminated; NULL means none.
 */
struct iot_binding {
	struct iot_ctx *ctx;
	char *device;        /* "0000:00:03.0" */
	char *driver;        /* the driver asked for: "vfio-pci" */
	char *orig_driver;   /* bound before, NULL: no driver */
	char *orig_override; /* driver_override before, NULL: none ("(null)") */
	bool changed;        /* the bind wrote anything; restore undoes only then */
	bool journaled;      /* the binding journal holds its record (IOT_BIND_JOURNAL) */
	int journal_pid;     /* the process the record names */
};

/*
 * iot_bind_driver - bind the PCI device @addr ("0000:00:03.0" or "00:03.0")
 * to @driver through driver_override, an unbind from its driver and
 * drivers_probe; *out records the state before. A device already on @driver
 * is left alone (->changed false). On a live host whose kernel has not
 * registered @driver yet, its module is loaded first (modprobe -q). On
 * failure everything written is undone.
 *
 * Returns: 0, -ENODEV no such device, -EINVAL a malformed address or driver
 * name, -ENXIO @driver did not take the device (not loaded, or it refused),
 * or the errno of a failed sysfs write (-EACCES, -EBUSY, ...).
 */
int iot_bind_driver(struct iot_ctx *ctx, const char *addr, const char *driver,
		    struct iot_binding **out);

/* record the binding in the journal before the first write; see iot_journal_list() */
#define IOT_BIND_JOURNAL (1U << 0)

/*
 * iot_bind_driver_flags - iot_bind_driver() with IOT_BIND_* @flags. With
 * IOT_BIND_JOURNAL the device, its original driver and override are written
 * to the binding journal (<root>/run/iommu-tools/bindings, durably) before
 * anything is changed; iot_binding_restore() removes the record once the
 * device is back, iot_binding_forget() when it is to stay. A device already
 * on @driver gets no record.
 *
 * Returns: as iot_bind_driver(), and -EEXIST when the journal holds a record
 * for the device already (a killed run: iot_journal_recover() first), -EPERM
 * when run/iommu-tools is not a private directory of the caller's.
 */
int iot_bind_driver_flags(struct iot_ctx *ctx, const char *addr, const char *driver,
			  unsigned flags, struct iot_binding **out);

/*
 * iot_binding_forget - leave the device on its new driver: its journal
 * record is removed and a later restore does nothing.
 */
int iot_binding_forget(struct iot_binding *b);

/*
 * iot_binding_new - a binding rebuilt from recorded state (a journal entry)
 * so that iot_binding_restore() can undo what a killed process left behind.
 * @orig_driver and @orig_override may be NULL.
 */
int iot_binding_new(struct iot_ctx *ctx, const char *addr, const char *driver,
		    const char *orig_driver, const char *orig_override, struct iot_binding **out);

/*
 * iot_binding_restore - put back the original driver_override and driver
 * (or none). Returns 0, -EIO when the device ended on another driver, or the
 * errno of a failed write. Restoring twice is harmless.
 */
int iot_binding_restore(struct iot_binding *b);
void iot_binding_free(struct iot_binding *b);

/*
 * iot_bind_wait_cdev - wait until the device @addr has its VFIO cdev
 * (vfio-dev/vfioN below the device, and dev/vfio/devices/vfioN on a live
 * host) and write its name ("vfio0") to @buf. Woken by a libudev monitor on
 * a live host (udev's events where udevd runs, so its rules have been
 * applied; the kernel's where it does not), by a bounded poll on a captured
 * tree. Returns 0, -ETIMEDOUT after @timeout_ms, -ENAMETOOLONG.
 */
int iot_bind_wait_cdev(struct iot_ctx *ctx, const char *addr, int timeout_ms, char *buf,
		       size_t len);

/* ---- the binding journal (journal.c) ------------------------------------ */

/* One record: a device a process bound and has not restored yet. */
struct iot_journal_entry {
	char *device;         /* "0000:00:03.0" */
	char *driver;         /* the driver it was bound to */
	char *orig_driver;    /* before: NULL no driver */
	char *orig_override;  /* driver_override before: NULL none */
	int pid;              /* the process that bound it */
	uint64_t start_time;  /* that process's start, clock ticks after boot; 0 unknown */
	bool alive;           /* that process still runs: not (yet) a leftover */
};

struct iot_journal {
	size_t n;
	struct iot_journal_entry **entries;
	unsigned bad_lines;      /* malformed records left out (one warning was logged) */
	unsigned first_bad_line; /* the line of the first of them */
};

/*
 * iot_journal_list - the records in <root>/run/iommu-tools/bindings: an
 * empty list when there is none. A file that is not a journal, or not the
 * caller's, is one warning and no records; -EPROTONOSUPPORT when a newer
 * version wrote it. Those with ->alive false are what a killed run left
 * behind (iommu-groups --check warns about them).
 */
int iot_journal_list(struct iot_ctx *ctx, struct iot_journal **out);
void iot_journal_free(struct iot_journal *j);

/* also restore records whose process still runs (it is about to be undone under it) */
#define IOT_JOURNAL_RECOVER_LIVE (1U << 0)

/* Called for each record with the result: 0 restored, -EBUSY its binder runs, or the error. */
typedef void (*iot_journal_fn)(void *data, const struct iot_journal_entry *e, int result);

/*
 * iot_journal_recover - restore each leftover record's original driver and
 * override (iot_binding_new() + iot_binding_restore()) and remove the record
 * once done; records of a running binder are skipped unless
 * IOT_JOURNAL_RECOVER_LIVE. @fn (may be NULL) hears of each record.
 *
 * Returns: the count restored, or the first failure's negative errno (the
 * others were still tried).
 */
int iot_journal_recover(struct iot_ctx *ctx, unsigned flags, iot_journal_fn fn, void *data);

/* ---- interrupt counters (interrupts.c) ------------------------------------ */

/* What an IOMMU's vector signals, by the kernel's name for it. */
enum iot_irq_kind {
	IOT_IRQ_NONE = 0,    /* not an IOMMU line */
	IOT_IRQ_FAULT,       /* DMA faults / event log: dmarN, AMD-ViN-Evt, arm-smmu-v3-evtq */
	IOT_IRQ_PAGE_REQ,    /* page requests: dmarN-prq, AMD-ViN-PPR, arm-smmu-v3-priq */
	IOT_IRQ_GLOBAL_ERR,  /* arm-smmu-v3-gerror */
	IOT_IRQ_GA_LOG,      /* AMD-ViN-GA: guest vAPIC log */
	IOT_IRQ_PERF,        /* dmarN-perf: the perfmon counters */
	IOT_IRQ_COMBINED,    /* one vector for all: AMD-Vi, AMD-ViN, arm-smmu-v3-combined-irq */
};

#define IOT_IRQ_MASK(kind) (1U << (kind))
/* the vectors that signal faults: what iommu-faults counts as signalled */
#define IOT_IRQ_FAULT_MASK (IOT_IRQ_MASK(IOT_IRQ_FAULT) | IOT_IRQ_MASK(IOT_IRQ_COMBINED))

/* One line of /proc/interrupts. */
struct iot_irq_line {
	char *irq;      /* "24", or "NMI", "LOC", ... */
	uint64_t total; /* summed over the CPU columns (saturating) */
	char *chip;     /* "DMAR-MSI", "IR-PCI-MSI", ...; NULL on the per-CPU lines (NMI) */
	char *actions;  /* "dmar0", "dmar1, dmar0", or the per-CPU lines' description */
};

/* One IOMMU vector of one unit: a line shared by several units appears once per unit. */
struct iot_irq_iommu {
	const struct iot_irq_line *line;
	char *unit;                  /* "dmar0", "ivhd0"; NULL when the name does not say */
	enum iot_unit_kind vendor;   /* IOT_UNIT_INTEL_VTD, IOT_UNIT_AMD_VI, IOT_UNIT_ARM_SMMUV3 */
	enum iot_irq_kind kind;
	bool shared;                 /* the vector serves other units too */
};

struct iot_interrupts {
	int ncpus;                   /* CPU columns in the header */
	size_t nlines;
	struct iot_irq_line **lines; /* in file order */
	size_t niommu;
	struct iot_irq_iommu **iommu;
	unsigned bad_lines;          /* lines skipped as malformed (one warning was logged) */
};

/* Read <root>/proc/interrupts. -ENOENT when absent; hostile contents are bounded. */
int iot_interrupts_read(struct iot_ctx *ctx, struct iot_interrupts **out);
void iot_interrupts_free(struct iot_interrupts *irqs);
/*
 * iot_interrupts_sum - the interrupts counted on the IOMMU vectors of @unit
 * (NULL: every unit) whose kind is in @kinds (IOT_IRQ_MASK bits), each line
 * counted once however many units share it. -ENOENT when no vector matches.
 */
int iot_interrupts_sum(const struct iot_interrupts *irqs, const char *unit, unsigned kinds,
		       uint64_t *total);
const char *iot_irq_kind_name(enum iot_irq_kind kind);

/* ---- kernel log records (klog.c) ------------------------------------------ */

/* One /dev/kmsg record, owned by the reader: valid until its next read. */
struct iot_kmsg_record {
	int facility;        /* 0 for the kernel */
	int level;           /* 0 (emerg) .. 7 (debug) */
	uint64_t seq;
	uint64_t ts_usec;    /* since boot */
	char flag;           /* '-', 'c' (continued) or '+' */
	const char *caller;  /* "T123" or "C1", or NULL */
	const char *message; /* \xNN unescaped; control characters stay escaped */
	const char *subsystem; /* SUBSYSTEM= of a dev_printk record, or NULL */
	const char *device;    /* DEVICE=: "+pci:0000:00:03.0", "c1:11", ... or NULL */
};

struct iot_kmsg;

#define IOT_KMSG_SINCE_BOOT (1U << 0) /* read the whole buffer first, not only what comes */

/*
 * iot_kmsg_open - a non-blocking reader of <root>/dev/kmsg. On a live host
 * the device, positioned at the end (or at the oldest record with
 * IOT_KMSG_SINCE_BOOT); on a captured tree a regular file of saved records,
 * read from its start, or a FIFO that records are written to (a feed, as for
 * a benchmark). -ENOENT when absent, -EPERM/-EACCES when not readable,
 * -EINVAL for anything else in its place.
 */
int iot_kmsg_open(struct iot_ctx *ctx, unsigned flags, struct iot_kmsg **out);
void iot_kmsg_close(struct iot_kmsg *k);
/* The fd to poll for POLLIN (a live reader's device, a FIFO); -1 for syslog(2). */
int iot_kmsg_fd(const struct iot_kmsg *k);

/*
 * iot_kmsg_next - the next record: 1 and *rec set, 0 when none is waiting
 * (or the saved file ended), or a negative errno. Records that cannot be
 * parsed are skipped (one warning per reader).
 */
int iot_kmsg_next(struct iot_kmsg *k, const struct iot_kmsg_record **rec);

/* Called for each record; a non-zero return stops the drain and is returned. */
typedef int (*iot_kmsg_fn)(void *data, const struct iot_kmsg_record *rec);

/*
 * iot_kmsg_drain - hand at most @budget waiting records to @fn. Returns the
 * count handed over, @fn's non-zero return, or a negative errno.
 */
int iot_kmsg_drain(struct iot_kmsg *k, unsigned budget, iot_kmsg_fn fn, void *data);

/*
 * Records the reader knows it missed: overwritten in the ring buffer before
 * they were read (the kernel's EPIPE and the jump in sequence numbers), and
 * with IOT_KMSG_SINCE_BOOT those gone before the first one read.
 */
uint64_t iot_kmsg_lost(const struct iot_kmsg *k);

/*
 * iot_kmsg_open_syslog - the kernel log through syslog(2) (klogctl), for when
 * /dev/kmsg cannot be read: no sequence numbers (nothing counted as lost) and
 * no device properties. Live hosts only (-ENODEV on a captured tree). There
 * is no fd to poll: call iot_kmsg_next() each interval; it reads the buffer
 * again and hands over the records newer than the last one handed over (all
 * of it with IOT_KMSG_SINCE_BOOT, else only what came after the open).
 * -EPERM when the kernel refuses (dmesg_restrict without CAP_SYSLOG).
 */
int iot_kmsg_open_syslog(struct iot_ctx *ctx, unsigned flags, struct iot_kmsg **out);

/* ---- the io_page_fault tracepoint (tracefs.c) ----------------------------- */

struct iot_trace;

/*
 * iot_trace_open - a trace instance of our own (instances/iommu-faults-PID
 * of <root>/sys/kernel/tracing) with iommu:io_page_fault enabled, its
 * trace_pipe opened non-blocking. The host's own tracing state is not
 * touched. A record in run/iommu-tools/ names the instance first, so that
 * iot_trace_recover() removes it after a run that was killed.
 * Returns: 0, -ENOENT (no tracefs, or the kernel has no such event),
 * -EACCES/-EPERM (root needed), or another negative errno.
 */
int iot_trace_open(struct iot_ctx *ctx, struct iot_trace **out);
/* The fd to poll for POLLIN (trace_pipe). */
int iot_trace_fd(const struct iot_trace *t);
/* The instance's name ("iommu-faults-1234"). */
const char *iot_trace_instance(const struct iot_trace *t);
/* One line of trace_pipe, without its newline; a non-zero return stops the read. */
typedef int (*iot_trace_line_fn)(void *data, const char *line, size_t len);
/*
 * iot_trace_read - the complete lines waiting, in at most @budget reads.
 * Returns the count of lines handed over, @fn's non-zero return, or a
 * negative errno.
 */
int iot_trace_read(struct iot_trace *t, unsigned budget, iot_trace_line_fn fn, void *data);
/* Remove the instance and its record; 0 or a negative errno (the record then stays). */
int iot_trace_close(struct iot_trace *t);
/* Told of each instance a killed run left behind, once it is removed. */
typedef void (*iot_trace_recover_fn)(void *data, const char *instance, int pid);
/*
 * iot_trace_recover - remove the instances of runs that are gone (their
 * records say which) and the records. Returns the count removed, or the
 * first failure's negative errno.
 */
int iot_trace_recover(struct iot_ctx *ctx, iot_trace_recover_fn fn, void *data);
/*
 * iot_trace_record_parse - a tracing record's text (modified), strictly: the
 * instance's name (at most @len bytes with its NUL), owner pid and start time.
 * 0 or -EINVAL. For tests and fuzzing.
 */
int iot_trace_record_parse(char *text, char *name, size_t len, int *pid, uint64_t *start);

/* ---- hotplug (hotplug.c) -------------------------------------------------- */

struct iot_hotplug;

enum iot_hotplug_action {
	IOT_HOTPLUG_ADD = 1,
	IOT_HOTPLUG_REMOVE,
	IOT_HOTPLUG_BIND,   /* a driver was bound */
	IOT_HOTPLUG_UNBIND, /* a driver was unbound */
	IOT_HOTPLUG_OTHER,
};

/*
 * iot_hotplug_open - PCI and platform devices arriving and leaving, through a
 * libudev monitor (udevd's events where it runs, else the kernel's). Live
 * hosts only: -ENODEV on a captured tree; -ENOMEM, or -EPERM and friends
 * from the netlink socket.
 */
int iot_hotplug_open(struct iot_ctx *ctx, struct iot_hotplug **out);
void iot_hotplug_close(struct iot_hotplug *h);
int iot_hotplug_fd(const struct iot_hotplug *h);
/*
 * iot_hotplug_next - the next event: 1 with *action and the device's name
 * ("0000:00:03.0") in @name (@len bytes), 0 when none is waiting.
 */
int iot_hotplug_next(struct iot_hotplug *h, enum iot_hotplug_action *action, char *name,
		     size_t len);

#ifdef __cplusplus
}
#endif

#endif

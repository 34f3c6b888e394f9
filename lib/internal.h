/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* internal.h - what the library's modules share and callers never see. */
#ifndef IOT_INTERNAL_H
#define IOT_INTERNAL_H

#include <errno.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <syslog.h>

#include "iommu-tools.h"
#include "iommu-tools-host.h"
#include "iommu-tools-session.h"

#define IOT_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct pci_access;

/* kernel.c: what is read about the running kernel, once per context */
struct iot_kernel_info {
	bool release_read, cmdline_read;
	char *release; /* NULL: unreadable or not a release */
	char *cmdline; /* NULL: unreadable */
};

struct iot_ctx {
	char *sysroot;  /* as given, for messages */
	int rootfd;     /* O_PATH|O_DIRECTORY on the root */
	bool live;      /* root is "/" */
	iot_log_fn log_fn;
	void *log_data;
	int log_priority;
	int *warn_count; /* where warnings are counted: the snapshot being read, or NULL */
	bool numeric;
	char *pci_ids;
	struct pci_access *pacc; /* lazily created by pci.c, for names only */
	bool pci_failed;	 /* libpci raised an error: pacc is not used again */
	struct pci_caps_memo *caps_memo; /* pci.c: config spaces read since the snapshot began */
	struct iot_kernel_info kernel;
	int pci_errno;		 /* why (ENOMEM must not read as "no names"), or 0 */
	bool no_openat2; /* path.c: openat2 absent (old kernel) or forbidden (seccomp) */
	char walk_known[4096]; /* path.c: a directory the last resolution found link-free */
	/*
	 * An allocation failed since the running entry point started: what was
	 * read may be missing something, so the result is -ENOMEM, never an
	 * answer. Set through iot_nomem() wherever the failure is noticed (the
	 * path layer, kernel.c, pci.c), however the caller then takes the
	 * error. A public entry point whose readers may take an error as
	 * "absent" (iot_snapshot_new, iot_check_host, iot_unit_features)
	 * brackets its work with iot_nomem_begin() and iot_nomem_end() and
	 * fails when the latter says something was lost; one that passes every
	 * error up as it is (interrupts.c, klog.c, bind.c) needs no bracket.
	 */
	bool nomem;
};

/* ---- ctx.c: logging ---- */
__attribute__((format(printf, 3, 4)))
void iot_log(struct iot_ctx *ctx, int priority, const char *fmt, ...);
/*
 * Count the warnings logged from now on into *@counter (NULL: count none);
 * returns the counter it replaces, to be put back when done.
 */
int *iot_ctx_count_warnings(struct iot_ctx *ctx, int *counter);
#define iot_err(ctx, ...) iot_log(ctx, LOG_ERR, __VA_ARGS__)
#define iot_warn(ctx, ...) iot_log(ctx, LOG_WARNING, __VA_ARGS__)
#define iot_info(ctx, ...) iot_log(ctx, LOG_INFO, __VA_ARGS__)
#define iot_dbg(ctx, ...) iot_log(ctx, LOG_DEBUG, __VA_ARGS__)
/* Record that an allocation failed (see struct iot_ctx); returns -ENOMEM. */
int iot_nomem(struct iot_ctx *ctx);
/* An entry point starts: clears ->nomem; returns the outer state for iot_nomem_end(). */
bool iot_nomem_begin(struct iot_ctx *ctx);
/* It ends: true when an allocation failed since iot_nomem_begin(); the outer one keeps it. */
bool iot_nomem_end(struct iot_ctx *ctx, bool outer);

/* ---- path.c: every file access below the root goes through here ---- */

/*
 * A directory below the root, opened once; reads are openat() against ->fd.
 * ->path is the canonical path relative to the root without a leading
 * slash ("sys/devices/pci0000:00/0000:00:02.0"); "" is the root itself.
 */
struct iot_dir {
	int fd;
	char *path;
	struct iot_ctx *ctx;
};

#define IOT_DIR_INIT { .fd = -1, .path = NULL, .ctx = NULL }

/*
 * Append the components of @p to @out (*@len bytes long, room for both),
 * resolving "." and ".." lexically, never above "": a path below the root.
 */
void iot_path_push(char *out, size_t *len, const char *p);
/* Open @relpath (relative to the root; a leading '/' is allowed). */
int iot_dir_open(struct iot_ctx *ctx, const char *relpath, struct iot_dir *out);
/* Open the subdirectory @name of @parent. */
int iot_dir_open_sub(const struct iot_dir *parent, const char *name, struct iot_dir *out);
/*
 * Follow the symlink @name in @dir and open its target. The target is
 * resolved as inside a chroot: ".." and absolute links never leave the root.
 * Returns -ENOENT for a missing or dangling link, -ELOOP for a loop.
 */
int iot_dir_open_link(const struct iot_dir *dir, const char *name, struct iot_dir *out);
void iot_dir_close(struct iot_dir *dir);

/* Canonical root-relative path of the link @name's target; caller frees. */
int iot_dir_link_target(const struct iot_dir *dir, const char *name, char **out);
/* Last component of the link @name's target ("vfio-pci" for driver). */
int iot_dir_link_base(const struct iot_dir *dir, const char *name, char *buf, size_t len);

/*
 * Read the attribute @name as text, without its trailing newline.
 * Returns the length, -ENOENT when absent, -EINVAL when it holds a NUL
 * byte or does not fit in @len, or another negative errno.
 */
ssize_t iot_dir_read_str(const struct iot_dir *dir, const char *name, char *buf, size_t len);
/* As iot_dir_read_str but the result is malloc'd. */
int iot_dir_read_strdup(const struct iot_dir *dir, const char *name, char **out);
/* Raw bytes (config space); returns the count read. */
ssize_t iot_dir_read_bytes(const struct iot_dir *dir, const char *name, void *buf, size_t len);
/* Strict numbers: the whole value must parse, else -EINVAL. */
int iot_dir_read_u64(const struct iot_dir *dir, const char *name, int base, uint64_t *out);
int iot_dir_read_int(const struct iot_dir *dir, const char *name, int base, int *out);
/*
 * Write @val to the attribute @name of @dir in one write() (a sysfs store):
 * no link followed, regular files only. 0 or a negative errno.
 */
int iot_dir_write_str(const struct iot_dir *dir, const char *name, const char *val);
/* true when @name exists below @dir (any type); follows no final link. */
bool iot_dir_has(const struct iot_dir *dir, const char *name);
/*
 * The entries of @dir, without "." and "..", sorted naturally; free with
 * iot_strv_free(). Returns the count or a negative errno.
 */
ssize_t iot_dir_list(const struct iot_dir *dir, char ***out);
/* As iot_dir_list in directory order, for callers that sort by what they parse. */
ssize_t iot_dir_list_unsorted(const struct iot_dir *dir, char ***out);

/*
 * Read the attribute @name of the directory @dirpath (root-relative) in one
 * open, without opening the directory: as iot_dir_read_str otherwise.
 */
ssize_t iot_root_read_attr(struct iot_ctx *ctx, const char *dirpath, const char *name,
			   char *buf, size_t len);
/* Whether @relpath exists below the root; @st may be NULL. */
int iot_root_stat(struct iot_ctx *ctx, const char *relpath, struct stat *st);
/* Open a file below the root for reading (as inside a chroot). */
int iot_root_open(struct iot_ctx *ctx, const char *relpath, int flags);
/*
 * Every data read below the root is of a regular file (sysfs and procfs
 * attributes are), opened non-blocking and bounded in size. Anything else
 * (FIFO, socket, device node, directory) is refused with one warning naming
 * the file and this error, which iot_bad_value() then does not repeat.
 */
#define IOT_EREFUSED EMEDIUMTYPE

/*
 * As iot_dir_read_str for the file @relpath below the root (links in it
 * resolved as inside a chroot): osrelease, cmdline and the like.
 */
ssize_t iot_root_read_str(struct iot_ctx *ctx, const char *relpath, char *buf, size_t len);

/* The caps of a line-oriented file (mountinfo, net/route): none is unbounded. */
#define IOT_LINES_MAX_BYTES (16u << 20) /* read at most the first 16 MiB */
#define IOT_LINES_MAX_LINES 1000000     /* default line count cap */
struct iot_lines {
	size_t max_line;  /* longest line taken, in bytes; 0: 4096 */
	size_t max_lines; /* lines handed over at most; 0: IOT_LINES_MAX_LINES */
};
/* One line, NUL-terminated without its newline, modifiable; 0 to go on. */
typedef int (*iot_line_fn)(char *line, size_t len, void *data);
/*
 * Hand each line of @relpath to @cb. A line longer than @lim->max_line or
 * holding a NUL byte is skipped whole, never split into records; what is
 * past the caps is not read. Each of these gives, together, one warning
 * naming the file. Returns 0, what @cb returned when not 0, -IOT_EREFUSED
 * (warned), or an unreported negative errno from the open (-ENOENT...).
 */
int iot_root_read_lines(struct iot_ctx *ctx, const char *relpath, const struct iot_lines *lim,
			iot_line_fn cb, void *data);

/*
 * Record a value that is missing where it must not be, unreadable or
 * garbage: one warning naming the file and what was wrong.
 */
void iot_bad_value(const struct iot_dir *dir, const char *name, int err, const char *value);
/* As iot_bad_value for the file @path (root-relative). */
void iot_root_bad_value(struct iot_ctx *ctx, const char *path, int err, const char *value);

/* ---- names.c: the enum tables, read back ---- */

/* The kernel's word in iommu_group/type; UNKNOWN for anything else. */
enum iot_group_type iot_group_type_parse(const char *s);
/* The kernel's word for a reserved region's type; IOT_RESV_UNKNOWN for anything else. */
enum iot_resv_type iot_resv_type_parse(const char *s);

/* ---- strutils.c ---- */

/* Strict: digits only (base 16 also takes a leading 0x), no sign, no
 * trailing characters, no overflow. -EINVAL or -ERANGE otherwise. */
int iot_parse_u64(const char *s, int base, uint64_t *out);
int iot_parse_int(const char *s, int base, int *out);
/*
 * A number as the kernel writes it in a name (a group directory, a pid, a
 * dev/vfio node): decimal, no sign, no leading zero. "007" is not group 7.
 */
bool iot_parse_canonical_int(const char *s, int *out);
/* The value of one hex digit, or -1. */
int iot_hexval(char c);
/* Parse "[dddd:]bb:ss.f" into parts; -EINVAL if malformed. */
int iot_parse_pci_addr(const char *s, int *domain, int *bus, int *slot, int *func);
/* One line of an iommu group's reserved_regions; modifies @line. */
int iot_parse_resv_region(char *line, struct iot_resv_region *r);
/* What a PCI device's uevent attribute says about it; -1 or NULL when absent. */
struct iot_pci_uevent {
	int vendor, device, subvendor, subdevice, class_code;
	const char *driver; /* points into the parsed text */
	const char *slot;   /* PCI_SLOT_NAME, likewise */
};
/*
 * Parse the text of a PCI device's uevent (modified in place). 0 when
 * PCI_ID, PCI_CLASS and PCI_SLOT_NAME are there and well formed, -ENOENT
 * when one is missing, -EINVAL for anything malformed or repeated.
 */
int iot_parse_pci_uevent(char *text, struct iot_pci_uevent *out);
/* strcmp that orders digit runs by value: dmar2 < dmar10. */
int iot_strnatcmp(const char *a, const char *b);
void iot_strv_free(char **v, size_t n);
/*
 * @n zeroed elements of @size bytes and an array of @n pointers to them, in
 * one block (free() releases both): the model's lists are arrays of pointers
 * so that callers never depend on sizeof of a public struct.
 */
void *iot_ptr_array_new(size_t n, size_t size);
char *iot_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- kernel.c ---- */
/* proc/cmdline as read once per context, or NULL. */
const char *iot_kernel_cmdline(struct iot_ctx *ctx);
/* Whether the comma-separated value of parameter @name holds @word ("iommu=pt,nobypass"). */
bool iot_kernel_param_has(struct iot_ctx *ctx, const char *name, const char *word);
void iot_kernel_free(struct iot_ctx *ctx);

/* ---- host.c: facts about the running host beyond sysfs ---- */
int iot_host_scan_owners(struct iot_ctx *ctx, struct iot_snapshot *snap);
/* @targeted: @snap holds a few devices of the tree; the scan costs what they do. */
int iot_host_scan_critical(struct iot_ctx *ctx, struct iot_snapshot *snap, bool targeted);

/* ---- bind.c, journal.c ---- */
#define IOT_PCI_ADDR_LEN 13 /* "0000:00:03.0" and its NUL */
/* "[dddd:]bb:ss.f" in the canonical form "dddd:bb:ss.f"; -EINVAL if malformed. */
int iot_norm_pci_addr(const char *addr, char buf[IOT_PCI_ADDR_LEN]);
/* A name sysfs could show as a driver directory: no '/', no blank or control byte. */
bool iot_driver_name_ok(const char *d);

/* the private directory below run/ of the root: the journal, the sessions' sockets */
#define IOT_RUNDIR_NAME "iommu-tools"
/*
 * One line of the syslog(2) buffer ("<6>[    1.234567] text", the time optional) into
 * @out, the message unescaped into @msg (room for 4 * @n + 1). 0 or -EINVAL.
 */
struct iot_kmsg_record;
int iot_syslog_parse(const char *p, size_t n, char *msg, struct iot_kmsg_record *out);
/* field 22 of proc/PID/stat: tells a running owner from a reused pid (journal, tracing) */
int iot_proc_start_time(struct iot_ctx *ctx, int pid, uint64_t *out);
/*
 * Open <root>/run/iommu-tools, creating it (0700) with @create. -EPERM (one
 * warning) when it is not a directory of the effective user closed to others.
 */
int iot_rundir_open(struct iot_ctx *ctx, bool create, struct iot_dir *out);
/*
 * The journal's text, parsed strictly (no I/O): -EINVAL when the header is
 * not ours, -EPROTONOSUPPORT for another version, -EFBIG past the size
 * bound; a malformed record is counted in ->bad_lines and left out.
 */
int iot_journal_parse(const char *text, size_t len, struct iot_journal **out);
/* Record @b as bound by @pid; -EEXIST when the device has a record already. */
int iot_journal_add(struct iot_ctx *ctx, const struct iot_binding *b, int pid);
/* Remove @device's record made by @pid; 0 when there is none. */
int iot_journal_remove(struct iot_ctx *ctx, const char *device, int pid);

/* ---- explain.c ---- */
struct iot_explain_row {
	int step; /* enum iot_step */
	int err;  /* positive errno */
	const char *text;
};
/* The whole table, for the tests: every row must be reachable. */
const struct iot_explain_row *iot_explain_rows(size_t *n);

/* ---- session.c: the control socket's messages, parsed without I/O ---- */
enum {
	IOT_SREQ_HELLO = 1,
	IOT_SREQ_INFO,
	IOT_SREQ_GETFDS,
	IOT_SREQ_SETIDS,
	IOT_SREQ_RELEASE,
	IOT_SREQ_GETFAULT,
	IOT_SREQ_MAPPED,
};
struct iot_session_request {
	int cmd;           /* IOT_SREQ_* */
	uint32_t version;  /* HELLO */
	bool has_dev;      /* SETIDS dev= */
	char dev[IOT_PCI_ADDR_LEN];
	uint32_t ioas, hwpt; /* SETIDS, MAPPED; 0 not given */
	uint64_t iova, len;  /* MAPPED */
};
/*
 * One request of @len bytes (no terminator needed). 0, -EMSGSIZE over
 * IOT_SESSION_MSG_MAX, -EOPNOTSUPP an unknown request word, -EINVAL anything
 * else malformed.
 */
int iot_session_parse_request(const char *msg, size_t len, struct iot_session_request *req);
struct iot_session_info;
/* An INFO reply's text; -EPROTO when it is not one. */
int iot_session_parse_info(const char *text, struct iot_session_info **out);

/* ---- verdict.c ---- */
int iot_verdict_compute(struct iot_snapshot *snap);
/*
 * The group's assignable endpoints are the functions of one PCI device that users assign
 * together: one function, ports of one class (a dual-port NIC), or a GPU with its audio,
 * USB and UCSI functions. How many such endpoints into *n (may be NULL).
 */
bool iot_group_one_device(const struct iot_group *g, size_t *n);

/* ---- pci.c, pcicfg.c ---- */
void iot_pci_release(struct iot_ctx *ctx);
/* Forget the config spaces read so far: a new snapshot reads them afresh. */
void iot_pci_forget_caps(struct iot_ctx *ctx);

/* the largest config space (PCIe extended); longer files are not config space */
#define IOT_PCI_CFG_MAX 4096
struct iot_pci_caps;
/*
 * Walk the capability lists in the @len bytes of config space at @config:
 * bounded, loop-safe, never reading past @len; no I/O. @stop (may be NULL)
 * receives the offset where a list stopped early (->truncated or ->broken),
 * else 0. Returns 0, -EINVAL when @len is below the 64-byte header or above
 * IOT_PCI_CFG_MAX, -ENODEV when the vendor ID is 0000 or ffff, -EACCES when
 * @len is exactly 64 and the capability list starts past it.
 */
int iot_pci_caps_parse(const void *config, size_t len, struct iot_pci_caps *out,
		       unsigned int *stop);
/* ---- interrupts.c, klog.c: the pure parsers, for tests and fuzzing ---- */
struct iot_interrupts;
struct iot_kmsg_record;
/* /proc/interrupts text in memory, as iot_interrupts_read parses the file. */
int iot_interrupts_parse(struct iot_ctx *ctx, const char *text, size_t len,
			 struct iot_interrupts **out);
/*
 * One /dev/kmsg record: "prio,seq,ts,flag[,...];message\n" and its " KEY=VALUE"
 * lines, @len bytes of @rec (modified in place: @rec has @len + 1 bytes). The message is
 * unescaped into @msg (at least 4 * @len + 1 bytes). 0 or -EINVAL; *out's
 * strings point into @rec and @msg.
 */
int iot_kmsg_parse(char *rec, size_t len, char *msg, struct iot_kmsg_record *out);

#endif

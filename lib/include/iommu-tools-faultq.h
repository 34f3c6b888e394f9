/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-faultq.h - an iommufd fault queue as a monitor holds it: the
 * page requests a session's fault HWPT raised (iommu-attach --hwpt=fault),
 * read from the queue's fd the session hands out (GETFAULT), each checked as
 * what a kernel of this uAPI writes, and answered once per fault group by a
 * policy: invalid, success, or map (map the faulting pages into the session's
 * IOAS from memory the library allocates, tell the holder, then success).
 *
 * Functions that can fail return 0 (or a count) on success and a negative
 * errno on failure. The library never prints; a reason is in @why or in
 * iot_faultq_error(). No group is ever left unanswered: the number of open
 * groups is bounded (IOT_FAULTQ_MAX_OPEN_GROUPS: the oldest is answered
 * invalid when a new one would pass it, counted in stats.refused) and
 * iot_faultq_close() answers every open group invalid.
 *
 * Flag bits the uAPI does not define (a newer kernel may add some): the
 * record is KEPT, its flags passed on as read, and iot_faultq_read() logs one
 * warning per queue naming the bits (stats.unknown_flags counts the records).
 * A newer kernel's flag can only add information about a request it still
 * expects answered; refusing the record would leave its group stalled.
 * Undefined PERMISSION bits, a non-zero reserved field, a PASID wider than
 * 20 bits or one without PASID_VALID, an over-large length hint are refused
 * (-EINVAL): the bytes are no record any kernel of this uAPI writes. A length
 * of 0 is the uAPI's "no hint" (what 7.3 always writes): one page.
 */
#ifndef IOMMU_TOOLS_FAULTQ_H
#define IOMMU_TOOLS_FAULTQ_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu-tools.h"
#include "iommu-tools-faults.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IOT_FAULTQ_PASID_VALID (1u << 0) /* = IOMMU_PGFAULT_FLAGS_PASID_VALID */
#define IOT_FAULTQ_LAST_PAGE   (1u << 1)
#define IOT_FAULTQ_PERM_READ   (1u << 0) /* R W X PRIV as the uAPI */
#define IOT_FAULTQ_PERM_WRITE  (1u << 1)
#define IOT_FAULTQ_PERM_EXEC   (1u << 2)
#define IOT_FAULTQ_PERM_PRIV   (1u << 3)

/* (added) the flag and permission bits this uAPI defines, the record size, the checks' limits */
#define IOT_FAULTQ_FLAGS_KNOWN (IOT_FAULTQ_PASID_VALID | IOT_FAULTQ_LAST_PAGE)
#define IOT_FAULTQ_PERM_KNOWN                                                                 \
	(IOT_FAULTQ_PERM_READ | IOT_FAULTQ_PERM_WRITE | IOT_FAULTQ_PERM_EXEC |                \
	 IOT_FAULTQ_PERM_PRIV)
#define IOT_FAULTQ_RECORD_SIZE 40
#define IOT_FAULTQ_PASID_MAX ((1u << 20) - 1) /* PCIe PASIDs are 20 bits */
#define IOT_FAULTQ_LENGTH_MAX (1u << 30)      /* a page request is for pages, not gigabytes */
#define IOT_FAULTQ_MAX_OPEN_GROUPS 64         /* open groups held before the oldest is refused */
#define IOT_FAULTQ_MAX_GROUP_RECORDS 512      /* records of one group before it is refused */
#define IOT_FAULTQ_PEER_TIMEOUT_S 3           /* a session's holder answers a request within */

struct iot_faultq_request {
	uint32_t flags, dev_id, pasid, grpid, perm;
	uint64_t addr;
	uint32_t length, cookie;
};

/*
 * The records one read() of a queue's fd returned: whole 40-byte records, each
 * checked. 0 and *n records; -EINVAL with @why ("read of 41 bytes: not whole
 * 40-byte records", "record 2: permission bits 0x30 the uAPI does not define")
 * when the bytes cannot be what a kernel of this uAPI wrote (records before the
 * bad one are in @out, *n of them). Records are numbered from 1. More than
 * @max records: the first @max are parsed, the rest are not looked at.
 * The checks: reserved field zero; perm only R W X PRIV (none of them is
 * allowed: a PRI stop marker asks for no access); pasid zero unless
 * PASID_VALID, then at most IOT_FAULTQ_PASID_MAX; length (a hint, 0 none) at
 * most IOT_FAULTQ_LENGTH_MAX and addr + length not past 2^64; grpid and
 * cookie are the kernel's to choose. Undefined flag bits are kept (see above).
 */
int iot_faultq_parse(const void *buf, size_t len, struct iot_faultq_request *out, size_t max,
		     size_t *n, char *why, size_t whylen);

enum iot_faultq_policy {
	IOT_FAULTQ_RESPOND_INVALID = 0,
	IOT_FAULTQ_RESPOND_SUCCESS,
	IOT_FAULTQ_RESPOND_MAP,
};

int iot_faultq_policy_parse(const char *s, enum iot_faultq_policy *out); /* -EINVAL */
const char *iot_faultq_policy_name(enum iot_faultq_policy p); /* "invalid" ...; in names.c */

struct iot_faultq; /* a session's fault queue as a monitor holds it */

struct iot_faultq_event { /* library-owned, valid during the callback */
	struct iot_faultq_request req;
	const char *device;   /* the session's name for req.dev_id ("0000:00:03.0",
			       * "iommufd_mock0"), "" when the session names none */
	bool answered;        /* this record closed its group: a response was written */
	uint32_t code;        /* when answered: 0 success, 1 invalid */
	const char *response; /* when answered: "success", "invalid", "map" (mapped, then
			       * success), "invalid (map: <why>)"; else "" (group still open) */
	int map_err;          /* map policy: 0, or -errno why the page was not mapped */
	int respond_err;      /* 0, or -errno of the response write */
	uint64_t map_iova, map_len; /* what map mapped for this group (0 none) */
};

typedef int (*iot_faultq_fn)(void *data, const struct iot_faultq_event *ev);

/*
 * Connect to session @name (below @ctx's root), INFO, GETFAULT; for map also
 * GETFDS (the iommufd) and check the session has an IOAS. -ENOENT no such
 * session / no fault queue (@why says which), -EPERM/-EACCES not allowed,
 * -EPROTO a lying peer (why says what: a "fault fd" that is a pipe, socket or
 * file rather than the kernel's anonymous inode), -ETIMEDOUT a holder that does
 * not answer within IOT_FAULTQ_PEER_TIMEOUT_S (each request is bounded so),
 * -ECONNREFUSED a dead session's socket, -EINVAL a bad name or policy.
 * Event device names: INFO's device lines (PCI address by dev_id) and its
 * mock_device line.
 */
int iot_faultq_open(struct iot_ctx *ctx, const char *name, enum iot_faultq_policy policy,
		    struct iot_faultq **out, char *why, size_t whylen);

/* fds to poll for POLLIN (the queue's fd and the session socket); call _read on any */
size_t iot_faultq_pollfds(const struct iot_faultq *q, struct pollfd *pfd, size_t max);

/*
 * Read what is ready (at most @budget records), answer each group on its last
 * record per the policy, call @fn per record. Returns records handled (0: none
 * ready), -ESHUTDOWN once the session has ended (its holder released or died:
 * close the queue), -EPROTO with a reason from iot_faultq_error() when the
 * queue gave bytes no kernel writes, or -errno. A negative return of @fn stops
 * the read and is returned (the records already answered stay answered).
 *
 * One read() per call. @budget 0 (or above 512) reads up to 512 records; the
 * kernel hands whole groups only, so a group larger than @budget is read with
 * room for 512. A read that is refused (-EPROTO) still answers, INVALID, every
 * group its records name (by their cookies), and the records before the bad
 * one are handled as usual. When @fn stops the read, the groups of the records
 * it was not called for are answered INVALID: nothing read is left stalled.
 * The session socket is looked at when the queue has nothing: a holder that
 * sends what nobody asked for is -EPROTO too.
 *
 * map: the 4 KiB pages covering addr..addr+length (length 0: one page) of the
 * group's records, mapped in the session's IOAS (FIXED_IOVA; READABLE unless
 * only WRITE was asked for, WRITEABLE when WRITE was) from anonymous memory the
 * queue allocates and keeps until close (the mappings stay: the holder unmaps
 * them when it undoes); contiguous pages in one mapping, a page mapped already
 * (EEXIST) counts as mapped. Each new mapping is told to the holder (MAPPED);
 * any failure (outside the IOAS's ranges: -ERANGE; over 1024 pages: -E2BIG;
 * the holder's 64 mappings: -ENOSPC; the ioctl's errno) unmaps what this group
 * mapped and answers INVALID, "invalid (map: <why>)".
 */
int iot_faultq_read(struct iot_faultq *q, size_t budget, iot_faultq_fn fn, void *data);
const char *iot_faultq_error(const struct iot_faultq *q); /* last why, "" none */

/*
 * requests: records read; groups: groups answered on their last record
 * (success + invalid also count the groups answered early); mapped_pages: pages
 * of groups map answered success (mapped now or already); refused: groups
 * answered INVALID before their last record (over a bound, a bad read, close);
 * fault_id, ioas: the session's queue and IOAS (0: none).
 */
struct iot_faultq_stats {
	uint64_t requests, groups, success, invalid, mapped_pages, map_failures,
		respond_failures, refused;
	uint32_t fault_id, ioas;
	/* (added) */
	uint64_t unknown_flags; /* records with flag bits this uAPI does not define */
	uint32_t open_groups;   /* groups read but not yet answered */
};

void iot_faultq_get_stats(const struct iot_faultq *q, struct iot_faultq_stats *out);

/* Answer still-open groups INVALID (nothing is left stalled), close fds, free. NULL ok. */
void iot_faultq_close(struct iot_faultq *q);

/*
 * An event as an engine record: kind IOT_FAULT_KIND_PAGE_REQUEST, event
 * "page-request", device, pasid (when valid), addr, access (write>exec>read),
 * flags = perm, response (IOT_FAULT_HAS_RESPONSE, when answered).
 */
int iot_faultq_to_fault(const struct iot_faultq_event *ev, struct iot_fault *rec);

/* ---- (added) for tests and for a caller that holds the fds itself ---------- */

/*
 * iot_faultq_from_fds - a queue on fds the caller already has: @fault_fd (the
 * queue's fd, or in a test one end of a socketpair: it is not checked),
 * @session_fd (a socket watched for hang-up and unasked messages, -1 none; no
 * requests are sent on it, so map tells no holder of its mappings), @iommufd
 * and @ioas for map (-1/0 none: map answers "invalid (map: no iommufd)"),
 * @device_names[i] naming @device_ids[i] (@ndev of them). The fds are taken
 * over (closed by iot_faultq_close, and on failure). -EINVAL, -ENOMEM.
 */
int iot_faultq_from_fds(struct iot_ctx *ctx, enum iot_faultq_policy policy, int fault_fd,
			int session_fd, int iommufd, uint32_t ioas, const char *const *device_names,
			const uint32_t *device_ids, size_t ndev, struct iot_faultq **out);

#ifdef __cplusplus
}
#endif

#endif /* IOMMU_TOOLS_FAULTQ_H */

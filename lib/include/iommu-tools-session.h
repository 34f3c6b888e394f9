/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * iommu-tools-session.h - a held iommufd context: the process that attached
 * devices owns the iommufd, the device fds, its IOAS/HWPT ids and mappings,
 * undoes them in reverse order when freed, and serves a control socket
 * through which an authorised peer (iommu-replace, iommu-faults --session)
 * learns the ids and receives duplicates of the fds.
 *
 * Functions that can fail return 0 (or a count) on success and a negative
 * errno on failure; outputs are written only on success. Objects are
 * allocated by the library and freed by the matching _free() or _close().
 *
 * THE CONTROL SOCKET (for the man page)
 *
 * <root>/run/iommu-tools/NAME.sock, an AF_UNIX SOCK_SEQPACKET socket, mode
 * 0600, in a directory of root's (the serving user's) with mode 0700. Each
 * connection's peer is checked with SO_PEERCRED: root and the session's
 * owner are served; anyone else gets one "ERR 13 ..." and is disconnected.
 *
 * One request per message, one reply per request; a message is printable
 * ASCII, at most 4096 bytes, words separated by single spaces, no newline.
 * The first request of a connection must be HELLO.
 *
 *   HELLO 1          the protocol version the client speaks; reply
 *                    "OK 1 iommu-tools-session NAME"
 *   INFO             reply "OK" and one line per fact:
 *                      name NAME / pid PID / owner UID / ioas ID / hwpt ID
 *                      device ADDR dev_id ID hwpt ID   (one per device)
 *                      mapping IOAS 0xIOVA 0xLEN      (one per mapping held,
 *                                                      as many as fit)
 *                    (ids are decimal; 0 means none)
 *   GETFDS           reply "OK iommufd ADDR..." carrying, with SCM_RIGHTS,
 *                    duplicates of the iommufd and of each device fd, in
 *                    the order named
 *   SETIDS [dev=ADDR] [ioas=ID] [hwpt=ID]
 *                    what a peer changed (a replace): with dev= the
 *                    device's HWPT, without it the session's IOAS/HWPT;
 *                    reply "OK"
 *   MAPPED ioas=ID iova=0xIOVA len=0xLEN
 *                    a peer mapped its memory in the session's IOAS: the
 *                    holder lists it and unmaps it when undoing; reply "OK"
 *                    (ERR 28 beyond 64 mappings; a range next to the last
 *                    one a peer gave in the same IOAS extends that one)
 *   RELEASE          the holder is to undo everything and exit; reply "OK"
 *   (INFO lines and requests are only ever appended: a client skips an INFO
 *   line whose key, lower-case letters and '_', it does not know)
 *   GETFAULT         (appended to protocol 1) reply "OK fault ID" carrying,
 *                    with SCM_RIGHTS, a duplicate of the fault queue's fd
 *                    (iommu-attach --hwpt=fault); "ERR 2 ..." when the
 *                    session has none. INFO then also says "fault ID".
 *   (appended to protocol 1) a session may hold one device of the kernel's
 *                    iommufd selftest mock (iommu-attach --mock); INFO then
 *                    also says
 *                      mock_device NAME dev_id ID stdev ID hwpt ID
 *                    NAME its name on the iommufd_mock bus ("iommufd_mock0";
 *                    "iommufd_mock" when the holder could not tell), dev_id
 *                    its iommufd device id (the dev_id of its faults), stdev
 *                    the selftest object whose destruction removes it, hwpt
 *                    the HWPT it is attached to. A mock device has no fd:
 *                    GETFDS hands out none for it.
 *                    When PASID P of the mock is attached too (iommu-attach
 *                    --mock --pasid P), a line after it says
 *                      mock_pasid P hwpt ID
 *                    (ID the HWPT the PASID is attached to).
 *
 * Failures reply "ERR ERRNO TEXT" (ERRNO decimal, TEXT a phrase): 22 a
 * malformed request, 90 a message over 4096 bytes (or cut short), 95 an
 * unknown request, 71 a request before HELLO, 93 another protocol version,
 * 2 no such device. The server keeps serving after any of them.
 */
#ifndef IOMMU_TOOLS_SESSION_H
#define IOMMU_TOOLS_SESSION_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "iommu-tools.h"

#ifdef __cplusplus
extern "C" {
#endif

#define IOT_SESSION_PROTOCOL 1
#define IOT_SESSION_MSG_MAX 4096
#define IOT_SESSION_NAME_MAX 64

/* ---- the holder ------------------------------------------------------------ */

struct iot_session;

/*
 * iot_session_new - an empty session named @name (letters, digits, '-',
 * '_' and '.', not first, at most IOT_SESSION_NAME_MAX bytes) whose
 * owner is @owner (served on the socket besides root).
 */
int iot_session_new(struct iot_ctx *ctx, const char *name, uid_t owner,
		    struct iot_session **out);

/*
 * Hand the session what was set up, in the order it was set up: freeing
 * undoes in the reverse order. Fds passed in are owned by the session from
 * then on (closed on free, and on failure of the call too).
 */
int iot_session_set_iommufd(struct iot_session *s, int iommufd);
int iot_session_add_device(struct iot_session *s, const char *addr, int devfd, uint32_t dev_id);
/* an IOAS or HWPT: destroyed on free */
int iot_session_add_object(struct iot_session *s, uint32_t id);
/* @addr was attached to @pt_id (the HWPT in use is @hwpt): detached on free */
int iot_session_add_attach(struct iot_session *s, const char *addr, uint32_t hwpt);
/* PASID @pasid of @addr was attached: detached on free */
int iot_session_add_attach_pasid(struct iot_session *s, const char *addr, uint32_t pasid);
/*
 * A fault queue (IOMMU_FAULT_QUEUE_ALLOC): object @fault_id destroyed and @fd
 * closed on free, after the HWPTs allocated later; handed out by GETFAULT.
 * @fd is owned by the session from then on (closed on failure too).
 */
int iot_session_add_fault_queue(struct iot_session *s, uint32_t fault_id, int fd);
/*
 * The selftest mock device @name ("iommufd_mock0"; letters, digits, '-', '_'
 * and '.'), iommufd device @dev_id, selftest object @stdev, attached to
 * @hwpt: at most one per session, handed over once it is on its HWPT. Its
 * undo destroys @stdev (which detaches and unbinds the mock) before the
 * HWPTs, the fault queue and the IOAS handed over earlier are destroyed.
 * -EINVAL a bad name or a 0 id, -EEXIST the session has a mock already.
 */
int iot_session_add_mock_device(struct iot_session *s, const char *name, uint32_t stdev,
				uint32_t dev_id, uint32_t hwpt);
/*
 * PASID @pasid of the session's mock device was attached to @hwpt
 * (IOMMU_TEST_OP_PASID_ATTACH): detached before the mock is destroyed.
 * -EINVAL a 0, -ENOENT no mock device yet, -EEXIST one PASID already.
 */
int iot_session_add_mock_pasid(struct iot_session *s, uint32_t pasid, uint32_t hwpt);
/* [iova, iova + len) mapped in @ioas: unmapped on free */
int iot_session_add_mapping(struct iot_session *s, uint32_t ioas, uint64_t iova, uint64_t len);
/* What INFO reports: the session's IOAS and HWPT (0: unchanged). */
int iot_session_set_ids(struct iot_session *s, uint32_t ioas, uint32_t hwpt);

/*
 * iot_session_free - undo everything in reverse (unmap, detach, destroy,
 * close), remove the socket, free. Failures along the way are logged and
 * the rest still undone. A fault queue whose fd a peer still holds cannot be
 * destroyed (EBUSY): that is one warning saying so, and the kernel frees the
 * queue and what is left of the iommufd context when the peer's fd closes.
 */
void iot_session_free(struct iot_session *s);

/*
 * iot_session_listen - create <root>/run/iommu-tools/NAME.sock and listen.
 * -EADDRINUSE when a live session has that name (a dead one's socket is
 * replaced), -EPERM when the directory is not private.
 */
int iot_session_listen(struct iot_session *s);

/* Serve an already connected SOCK_SEQPACKET socket as a client (taken over). */
int iot_session_add_client(struct iot_session *s, int fd);

/*
 * iot_session_serve - wait up to @timeout_ms (-1: forever) for connections
 * and requests and answer them. Returns the count of requests answered,
 * -EINTR when a signal came, or another negative errno.
 */
int iot_session_serve(struct iot_session *s, int timeout_ms);

/*
 * iot_session_pollfds - the fds iot_session_serve() waits on (listening
 * socket, clients), for a caller that waits on its own fds too (a signalfd,
 * a child's pidfd): poll them all, then iot_session_serve(s, 0) when one of
 * these is ready. Returns the count written (at most @max).
 */
size_t iot_session_pollfds(const struct iot_session *s, struct pollfd *pfd, size_t max);

/* true once a peer asked for RELEASE */
bool iot_session_released(const struct iot_session *s);

/* ---- a peer ------------------------------------------------------------------ */

struct iot_session_device {
	char *addr;      /* "0000:00:03.0" */
	uint32_t dev_id;
	uint32_t hwpt;   /* 0: none */
};

struct iot_session_mapping {
	uint32_t ioas;
	uint64_t iova, len;
};

struct iot_session_info {
	char *name;
	int pid;
	uid_t owner;
	uint32_t ioas, hwpt; /* 0: none */
	size_t ndevices;
	struct iot_session_device **devices;
	uint32_t fault; /* the fault queue's id; 0: none */
	size_t nmappings;    /* what the holder will unmap: its own and MAPPED ones */
	struct iot_session_mapping **mappings;
	/* the selftest mock device (INFO's mock_device line); NULL and 0: none */
	char *mock_name;
	uint32_t mock_dev_id, mock_stdev, mock_hwpt;
	/* the mock's PASID attachment (INFO's mock_pasid line); 0: none */
	uint32_t mock_pasid, mock_pasid_hwpt;
};

struct iot_session_client;

/* Connect to the session @name below @ctx's root and say HELLO. */
int iot_session_connect(struct iot_ctx *ctx, const char *name,
			struct iot_session_client **out);
/* The same on an already connected socket (taken over). */
int iot_session_client_from_fd(struct iot_ctx *ctx, int fd, struct iot_session_client **out);
void iot_session_client_close(struct iot_session_client *c);

int iot_session_client_info(struct iot_session_client *c, struct iot_session_info **out);
void iot_session_info_free(struct iot_session_info *info);
/*
 * The session's fds: *iommufd and *devfds (malloc'd, *n of them, in the
 * order of the info's devices). The caller owns and closes them.
 */
int iot_session_client_getfds(struct iot_session_client *c, int *iommufd, int **devfds,
			      size_t *n);
/* The session's fault queue: its id and a duplicate of its fd (the caller's). -ENOENT: none. */
int iot_session_client_getfault(struct iot_session_client *c, uint32_t *fault_id, int *fd);
/* Tell the holder of new ids after a replace; @addr NULL for the session's own. */
int iot_session_client_setids(struct iot_session_client *c, const char *addr, uint32_t ioas,
			      uint32_t hwpt);
int iot_session_client_release(struct iot_session_client *c);
/* Tell the holder of a mapping the peer made in its IOAS (listed, unmapped on undo). */
int iot_session_client_mapped(struct iot_session_client *c, uint32_t ioas, uint64_t iova,
			      uint64_t len);

/* ---- the sessions below a root ------------------------------------------------- */

struct iot_session_entry {
	char *name;      /* the session's name */
	int64_t created; /* its socket's modification time, seconds since the epoch */
};

/*
 * iot_session_list - the sockets in <root>/run/iommu-tools (NAME.sock),
 * sorted by name; a dead session's socket is listed too (connect to tell).
 * No directory: none. Free with iot_session_entries_free().
 */
int iot_session_list(struct iot_ctx *ctx, struct iot_session_entry ***out, size_t *n);
void iot_session_entries_free(struct iot_session_entry **v, size_t n);
/*
 * iot_session_reap - remove the socket of session @name when nobody serves it
 * (its holder was killed). -EADDRINUSE: it is live; -ENOENT: no such socket.
 */
int iot_session_reap(struct iot_ctx *ctx, const char *name);

#ifdef __cplusplus
}
#endif
#endif

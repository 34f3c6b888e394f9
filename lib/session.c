// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * session.c - a held iommufd context: what was set up is undone in reverse
 * when the session is freed, and a control socket hands its ids and fds to
 * authorised peers (protocol: iommu-tools-session.h). Messages come from
 * other processes: the request parser is pure, strict and fuzzed, and a bad
 * message gets an error reply, never the holder's end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "iommu-tools-iommufd.h"
#include "iommu-tools-session.h"
#include "internal.h"

#define SESSION_DEVICES_MAX 64 /* INFO must fit in one message */
#define SESSION_CLIENTS_MAX 16
#define SESSION_MAPPINGS_MAX 64 /* recorded for peers (MAPPED); INFO lists what fits */
#define SOCK_SUFFIX ".sock"

/* ---- requests: the pure parser ----------------------------------------------- */

static bool word_ok(const char *w)
{
	return *w && !strchr(w, ' ');
}

/* "ID" as a kernel object id: decimal, 32 bits. */
static int parse_id(const char *s, uint32_t *out)
{
	uint64_t v;

	if (iot_parse_u64(s, 10, &v) || v > UINT32_MAX || (s[0] == '0' && s[1]))
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int iot_session_parse_request(const char *msg, size_t len, struct iot_session_request *req)
{
	char buf[IOT_SESSION_MSG_MAX + 1], *w[8];
	size_t n = 0;

	if (len > IOT_SESSION_MSG_MAX)
		return -EMSGSIZE;
	if (!len)
		return -EINVAL;
	/* printable ASCII only: no NUL, no newline, nothing a terminal would act on */
	for (size_t i = 0; i < len; i++)
		if (msg[i] < 0x20 || msg[i] > 0x7e)
			return -EINVAL;
	memcpy(buf, msg, len);
	buf[len] = '\0';
	for (char *p = buf;;) {
		char *sp = strchr(p, ' ');

		if (n == IOT_ARRAY_SIZE(w) || sp == p || !*p)
			return -EINVAL; /* too many words, or an empty one */
		w[n++] = p;
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	memset(req, 0, sizeof(*req));
	if (!strcmp(w[0], "HELLO")) {
		uint32_t v;

		if (n != 2 || parse_id(w[1], &v))
			return -EINVAL;
		req->cmd = IOT_SREQ_HELLO;
		req->version = v;
	} else if (!strcmp(w[0], "INFO") || !strcmp(w[0], "GETFDS") ||
		   !strcmp(w[0], "RELEASE") || !strcmp(w[0], "GETFAULT")) {
		if (n != 1)
			return -EINVAL;
		req->cmd = !strcmp(w[0], "INFO")     ? IOT_SREQ_INFO :
			   !strcmp(w[0], "GETFDS")   ? IOT_SREQ_GETFDS :
			   !strcmp(w[0], "GETFAULT") ? IOT_SREQ_GETFAULT : IOT_SREQ_RELEASE;
	} else if (!strcmp(w[0], "MAPPED")) {
		bool iova = false;

		req->cmd = IOT_SREQ_MAPPED;
		for (size_t i = 1; i < n; i++) {
			char *v = strchr(w[i], '=');

			if (!v || !word_ok(v + 1))
				return -EINVAL;
			*v++ = '\0';
			if (!strcmp(w[i], "ioas") && !req->ioas) {
				if (parse_id(v, &req->ioas) || !req->ioas)
					return -EINVAL;
			} else if (!strcmp(w[i], "iova") && !iova) {
				if (strncmp(v, "0x", 2) || iot_parse_u64(v + 2, 16, &req->iova))
					return -EINVAL;
				iova = true;
			} else if (!strcmp(w[i], "len") && !req->len) {
				if (strncmp(v, "0x", 2) || iot_parse_u64(v + 2, 16, &req->len) ||
				    !req->len || req->len - 1 > UINT64_MAX - req->iova)
					return -EINVAL;
			} else {
				return -EINVAL;
			}
		}
		if (!req->ioas || !iova || !req->len)
			return -EINVAL;
	} else if (!strcmp(w[0], "SETIDS")) {
		req->cmd = IOT_SREQ_SETIDS;
		if (n == 1)
			return -EINVAL;
		for (size_t i = 1; i < n; i++) {
			char *v = strchr(w[i], '=');

			if (!v || !word_ok(v + 1))
				return -EINVAL;
			*v++ = '\0';
			if (!strcmp(w[i], "dev") && !req->has_dev) {
				char canon[IOT_PCI_ADDR_LEN];

				if (iot_norm_pci_addr(v, canon) || strcmp(canon, v))
					return -EINVAL;
				memcpy(req->dev, canon, sizeof(canon));
				req->has_dev = true;
			} else if (!strcmp(w[i], "ioas") && !req->ioas) {
				if (parse_id(v, &req->ioas) || !req->ioas)
					return -EINVAL;
			} else if (!strcmp(w[i], "hwpt") && !req->hwpt) {
				if (parse_id(v, &req->hwpt) || !req->hwpt)
					return -EINVAL;
			} else {
				return -EINVAL; /* unknown or repeated */
			}
		}
		if (!req->ioas && !req->hwpt)
			return -EINVAL;
	} else {
		for (const char *p = w[0]; *p; p++)
			if (*p < 'A' || *p > 'Z')
				return -EINVAL;
		return -EOPNOTSUPP;
	}
	return 0;
}

/* ---- the holder ------------------------------------------------------------------ */

enum undo_kind {
	UNDO_CLOSE_IOMMUFD,
	UNDO_CLOSE_DEVICE,
	UNDO_DESTROY,
	UNDO_DETACH,
	UNDO_UNMAP,
	UNDO_DETACH_PASID,
	UNDO_CLOSE_FAULT,
	UNDO_DESTROY_MOCK,
	UNDO_DETACH_MOCK_PASID,
};

struct undo {
	enum undo_kind kind;
	size_t dev;   /* index into devs */
	uint32_t id;  /* object, the IOAS of a mapping, or a PASID */
	uint64_t iova, len;
	bool peer;    /* UNDO_UNMAP: a peer's (MAPPED), not the holder's own */
};

struct sdev {
	char addr[IOT_PCI_ADDR_LEN];
	int fd;
	uint32_t dev_id, hwpt;
};

struct client {
	int fd;
	bool hello;
};

struct iot_session {
	struct iot_ctx *ctx;
	char name[IOT_SESSION_NAME_MAX + 1];
	uid_t owner;
	int iommufd;
	uint32_t ioas, hwpt;
	uint32_t fault_id; /* the fault queue's object; 0: none */
	int faultfd;
	/* the selftest mock device; mock.stdev 0: none; mock.pasid 0: no PASID attached */
	struct {
		char name[IOT_SESSION_NAME_MAX + 1];
		uint32_t stdev, dev_id, hwpt;
		uint32_t pasid, pasid_hwpt;
	} mock;
	struct sdev devs[SESSION_DEVICES_MAX];
	size_t ndevs;
	struct undo *undo;
	size_t nundo;
	struct iot_dir dir; /* run/iommu-tools, once listening */
	int listenfd;
	struct client clients[SESSION_CLIENTS_MAX];
	size_t nclients;
	bool released;
};

static bool name_ok(const char *name)
{
	size_t n = strlen(name);

	if (!n || n > IOT_SESSION_NAME_MAX || name[0] == '.')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9') || strchr("-_.", name[i])))
			return false;
	return true;
}

int iot_session_new(struct iot_ctx *ctx, const char *name, uid_t owner,
		    struct iot_session **out)
{
	struct iot_session *s;

	if (!name || !name_ok(name))
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ctx = ctx;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->owner = owner;
	s->iommufd = -1;
	s->faultfd = -1;
	s->listenfd = -1;
	s->dir = (struct iot_dir)IOT_DIR_INIT;
	*out = s;
	return 0;
}

static int push_undo(struct iot_session *s, struct undo u)
{
	struct undo *v = realloc(s->undo, (s->nundo + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	s->undo = v;
	s->undo[s->nundo++] = u;
	return 0;
}

static struct sdev *find_dev(struct iot_session *s, const char *addr)
{
	char canon[IOT_PCI_ADDR_LEN];

	if (iot_norm_pci_addr(addr, canon))
		return NULL;
	for (size_t i = 0; i < s->ndevs; i++)
		if (!strcmp(s->devs[i].addr, canon))
			return &s->devs[i];
	return NULL;
}

int iot_session_set_iommufd(struct iot_session *s, int iommufd)
{
	int err = s->iommufd >= 0 || iommufd < 0 ? -EINVAL : 0;

	if (!err)
		err = push_undo(s, (struct undo){ .kind = UNDO_CLOSE_IOMMUFD });
	if (err) {
		if (iommufd >= 0)
			close(iommufd);
		return err;
	}
	s->iommufd = iommufd;
	return 0;
}

int iot_session_add_device(struct iot_session *s, const char *addr, int devfd, uint32_t dev_id)
{
	char canon[IOT_PCI_ADDR_LEN];
	int err = 0;

	if (devfd < 0 || !addr || iot_norm_pci_addr(addr, canon) || find_dev(s, canon))
		err = -EINVAL;
	else if (s->ndevs == SESSION_DEVICES_MAX)
		err = -ENOSPC;
	if (!err)
		err = push_undo(s, (struct undo){ .kind = UNDO_CLOSE_DEVICE, .dev = s->ndevs });
	if (err) {
		if (devfd >= 0)
			close(devfd);
		return err;
	}
	memcpy(s->devs[s->ndevs].addr, canon, sizeof(canon));
	s->devs[s->ndevs].fd = devfd;
	s->devs[s->ndevs].dev_id = dev_id;
	s->devs[s->ndevs].hwpt = 0;
	s->ndevs++;
	return 0;
}

int iot_session_add_object(struct iot_session *s, uint32_t id)
{
	if (!id)
		return -EINVAL;
	return push_undo(s, (struct undo){ .kind = UNDO_DESTROY, .id = id });
}

int iot_session_add_attach(struct iot_session *s, const char *addr, uint32_t hwpt)
{
	struct sdev *d = addr ? find_dev(s, addr) : NULL;
	int err;

	if (!d)
		return -ENOENT;
	err = push_undo(s, (struct undo){ .kind = UNDO_DETACH, .dev = (size_t)(d - s->devs) });
	if (!err)
		d->hwpt = hwpt;
	return err;
}

int iot_session_add_attach_pasid(struct iot_session *s, const char *addr, uint32_t pasid)
{
	struct sdev *d = addr ? find_dev(s, addr) : NULL;

	if (!d)
		return -ENOENT;
	return push_undo(s, (struct undo){ .kind = UNDO_DETACH_PASID,
					   .dev = (size_t)(d - s->devs), .id = pasid });
}

int iot_session_add_fault_queue(struct iot_session *s, uint32_t fault_id, int fd)
{
	int err = s->faultfd >= 0 || fd < 0 || !fault_id ? -EINVAL : 0;

	/*
	 * Undone in reverse: the HWPTs using the queue go first, then its fd
	 * closes, then the queue is destroyed (an open fd holds it: EBUSY).
	 */
	if (!err)
		err = push_undo(s, (struct undo){ .kind = UNDO_DESTROY, .id = fault_id });
	if (!err) {
		err = push_undo(s, (struct undo){ .kind = UNDO_CLOSE_FAULT });
		if (err)
			s->nundo--;
	}
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	s->fault_id = fault_id;
	s->faultfd = fd;
	return 0;
}

int iot_session_add_mock_device(struct iot_session *s, const char *name, uint32_t stdev,
				uint32_t dev_id, uint32_t hwpt)
{
	int err;

	if (!name || !name_ok(name) || !stdev || !dev_id || !hwpt)
		return -EINVAL;
	if (s->mock.stdev)
		return -EEXIST;
	/*
	 * Undone in reverse like the rest: given once the mock is on its HWPT,
	 * destroying the stdev (which detaches and unbinds the mock) comes before
	 * the HWPTs, the fault queue and the IOAS made before it.
	 */
	err = push_undo(s, (struct undo){ .kind = UNDO_DESTROY_MOCK, .id = stdev });
	if (err)
		return err;
	snprintf(s->mock.name, sizeof(s->mock.name), "%s", name);
	s->mock.stdev = stdev;
	s->mock.dev_id = dev_id;
	s->mock.hwpt = hwpt;
	return 0;
}

int iot_session_add_mock_pasid(struct iot_session *s, uint32_t pasid, uint32_t hwpt)
{
	int err;

	if (!pasid || !hwpt)
		return -EINVAL;
	if (!s->mock.stdev)
		return -ENOENT;
	if (s->mock.pasid)
		return -EEXIST;
	/* undone in reverse: detached before the stdev (the mock) is destroyed */
	err = push_undo(s, (struct undo){ .kind = UNDO_DETACH_MOCK_PASID, .id = pasid });
	if (err)
		return err;
	s->mock.pasid = pasid;
	s->mock.pasid_hwpt = hwpt;
	return 0;
}

int iot_session_add_mapping(struct iot_session *s, uint32_t ioas, uint64_t iova, uint64_t len)
{
	if (!ioas || !len)
		return -EINVAL;
	return push_undo(s, (struct undo){ .kind = UNDO_UNMAP, .id = ioas, .iova = iova,
					   .len = len });
}

int iot_session_set_ids(struct iot_session *s, uint32_t ioas, uint32_t hwpt)
{
	if (ioas)
		s->ioas = ioas;
	if (hwpt)
		s->hwpt = hwpt;
	return 0;
}

static void undo_one(struct iot_session *s, const struct undo *u)
{
	int err = 0;

	switch (u->kind) {
	case UNDO_UNMAP:
		err = iot_ioas_unmap(s->iommufd, u->id, u->iova, u->len, NULL);
		iot_dbg(s->ctx, "session %s: undo: unmap ioas %u iova 0x%llx len 0x%llx: %s",
			s->name, u->id, (unsigned long long)u->iova, (unsigned long long)u->len,
			strerror(-err));
		break;
	case UNDO_DETACH:
		err = iot_vfio_detach_pt(s->devs[u->dev].fd);
		iot_dbg(s->ctx, "session %s: undo: detach %s: %s", s->name, s->devs[u->dev].addr,
			strerror(-err));
		break;
	case UNDO_DESTROY:
		err = iot_destroy(s->iommufd, u->id);
		if (err == -EBUSY && u->id == s->fault_id) {
			/* a peer's duplicate of the queue's fd holds it, and with it the context */
			iot_warn(s->ctx, "session %s: fault queue %u is still open in another process "
				 "(a peer such as iommu-faults --session holds its fd): the kernel frees "
				 "it, and what is left of this iommufd context, when that fd closes",
				 s->name, u->id);
			break;
		}
		iot_dbg(s->ctx, "session %s: undo: destroy %u: %s", s->name, u->id,
			strerror(-err));
		break;
	case UNDO_DESTROY_MOCK:
		err = iot_destroy(s->iommufd, u->id);
		iot_dbg(s->ctx, "session %s: undo: destroy mock device %s (stdev %u): %s", s->name,
			s->mock.name, u->id, strerror(-err));
		if (!err)
			s->mock.stdev = 0;
		break;
	case UNDO_DETACH_MOCK_PASID:
		err = iot_test_pasid_detach(s->iommufd, s->mock.stdev, u->id);
		iot_dbg(s->ctx, "session %s: undo: detach mock device %s pasid %u: %s", s->name,
			s->mock.name, u->id, strerror(-err));
		if (!err)
			s->mock.pasid = 0;
		break;
	case UNDO_DETACH_PASID:
		err = iot_vfio_detach_pasid(s->devs[u->dev].fd, u->id);
		iot_dbg(s->ctx, "session %s: undo: detach %s pasid %u: %s", s->name,
			s->devs[u->dev].addr, u->id, strerror(-err));
		break;
	case UNDO_CLOSE_FAULT:
		err = close(s->faultfd) < 0 ? -errno : 0;
		s->faultfd = -1;
		iot_dbg(s->ctx, "session %s: undo: close fault queue: %s", s->name,
			strerror(-err));
		break;
	case UNDO_CLOSE_DEVICE:
		err = close(s->devs[u->dev].fd) < 0 ? -errno : 0;
		s->devs[u->dev].fd = -1;
		iot_dbg(s->ctx, "session %s: undo: close %s: %s", s->name, s->devs[u->dev].addr,
			strerror(-err));
		break;
	case UNDO_CLOSE_IOMMUFD:
		err = close(s->iommufd) < 0 ? -errno : 0;
		s->iommufd = -1;
		iot_dbg(s->ctx, "session %s: undo: close iommufd: %s", s->name, strerror(-err));
		break;
	}
}

static void client_drop(struct iot_session *s, size_t i)
{
	close(s->clients[i].fd);
	s->clients[i] = s->clients[--s->nclients];
}

void iot_session_free(struct iot_session *s)
{
	if (!s)
		return;
	while (s->nclients)
		client_drop(s, s->nclients - 1);
	if (s->listenfd >= 0) {
		char sock[IOT_SESSION_NAME_MAX + sizeof(SOCK_SUFFIX)];

		snprintf(sock, sizeof(sock), "%s" SOCK_SUFFIX, s->name);
		unlinkat(s->dir.fd, sock, 0);
		close(s->listenfd);
	}
	iot_dir_close(&s->dir);
	/* the unmaps and destroys need the iommufd: it was the first thing handed over */
	for (size_t i = s->nundo; i-- > 0;)
		undo_one(s, &s->undo[i]);
	free(s->undo);
	free(s);
}

bool iot_session_released(const struct iot_session *s)
{
	return s->released;
}

/* "/proc/self/fd/N/NAME.sock": a socket path below a root of any length */
static int sock_addr(const struct iot_dir *dir, const char *name, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s" SOCK_SUFFIX,
		     dir->fd, name) >= (int)sizeof(sa->sun_path))
		return -ENAMETOOLONG;
	return 0;
}

int iot_session_listen(struct iot_session *s)
{
	char sock[IOT_SESSION_NAME_MAX + sizeof(SOCK_SUFFIX)];
	struct sockaddr_un sa;
	struct stat st;
	int fd, err;

	if (s->listenfd >= 0)
		return -EALREADY;
	err = iot_rundir_open(s->ctx, true, &s->dir);
	if (err)
		return err;
	snprintf(sock, sizeof(sock), "%s" SOCK_SUFFIX, s->name);
	err = sock_addr(&s->dir, s->name, &sa);
	if (err)
		goto fail;
	if (!fstatat(s->dir.fd, sock, &st, AT_SYMLINK_NOFOLLOW)) {
		/* a live session answers; a dead one's socket refuses and is replaced */
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = -errno;
			goto fail;
		}
		err = S_ISSOCK(st.st_mode) && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ?
			      0 : -EADDRINUSE;
		close(fd);
		if (!err && unlinkat(s->dir.fd, sock, 0) < 0)
			err = -errno;
		if (err)
			goto fail;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		err = -errno;
		goto fail;
	}
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    fchmodat(s->dir.fd, sock, 0600, 0) < 0 || listen(fd, 8) < 0) {
		err = -errno;
		unlinkat(s->dir.fd, sock, 0);
		close(fd);
		goto fail;
	}
	s->listenfd = fd;
	return 0;
fail:
	iot_dir_close(&s->dir);
	return err;
}

static void reply(int fd, const char *text)
{
	/* a peer that does not read its replies loses them; the holder never blocks */
	if (send(fd, text, strlen(text), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		return;
}

static void reply_err(int fd, int err, const char *text)
{
	char buf[160];

	snprintf(buf, sizeof(buf), "ERR %d %s", err, text);
	reply(fd, buf);
}

int iot_session_add_client(struct iot_session *s, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int type = 0, err = 0;
	socklen_t tlen = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_SEQPACKET ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
		err = -EINVAL;
	} else if (cred.uid != 0 && cred.uid != s->owner) {
		iot_warn(s->ctx, "session %s: refused pid %d, uid %u: not root or the owner",
			 s->name, (int)cred.pid, (unsigned)cred.uid);
		reply_err(fd, EACCES, "permission denied: not root or the session's owner");
		err = -EACCES;
	} else if (s->nclients == SESSION_CLIENTS_MAX) {
		reply_err(fd, EBUSY, "too many connections");
		err = -EBUSY;
	} else if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		err = -errno;
	}
	if (err) {
		char drain[64];

		/* what it sent unread at close would reset the link before our reply is read */
		while (recv(fd, drain, sizeof(drain), MSG_DONTWAIT) > 0)
			;
		close(fd);
		return err;
	}
	s->clients[s->nclients++] = (struct client){ .fd = fd };
	return 0;
}

static size_t session_mappings(const struct iot_session *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nundo; i++)
		n += s->undo[i].kind == UNDO_UNMAP;
	return n;
}

/*
 * A peer's mapping that continues the last one it made in the same IOAS (a fault
 * storm walking pages, iommu-faults --respond map): one range, one of the
 * SESSION_MAPPINGS_MAX slots; one IOAS_UNMAP undoes both. Only the last undo
 * step is extended, so the order of undoing stays as it was.
 */
static bool extend_peer_mapping(struct iot_session *s, uint32_t ioas, uint64_t iova,
				uint64_t len)
{
	struct undo *u = s->nundo ? &s->undo[s->nundo - 1] : NULL;

	if (!u || u->kind != UNDO_UNMAP || !u->peer || u->id != ioas || !len)
		return false;
	if (u->iova + u->len == iova && iova + len > iova) {
		u->len += len;
		return true;
	}
	if (iova + len == u->iova) {
		u->iova = iova;
		u->len += len;
		return true;
	}
	return false;
}

static void reply_info(struct iot_session *s, int fd)
{
	char buf[IOT_SESSION_MSG_MAX];
	size_t n = 0;

	n += (size_t)snprintf(buf + n, sizeof(buf) - n,
			      "OK\nname %s\npid %d\nowner %u\nioas %u\nhwpt %u", s->name,
			      (int)getpid(), (unsigned)s->owner, s->ioas, s->hwpt);
	for (size_t i = 0; i < s->ndevs && n < sizeof(buf); i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\ndevice %s dev_id %u hwpt %u",
				      s->devs[i].addr, s->devs[i].dev_id, s->devs[i].hwpt);
	/* protocol 1, appended: only when there is a mock device */
	if (s->mock.stdev && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n,
				      "\nmock_device %s dev_id %u stdev %u hwpt %u", s->mock.name,
				      s->mock.dev_id, s->mock.stdev, s->mock.hwpt);
	/* appended after it: old clients skip it as a fact they do not know */
	if (s->mock.stdev && s->mock.pasid && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\nmock_pasid %u hwpt %u",
				      s->mock.pasid, s->mock.pasid_hwpt);
	/*
	 * protocol 1, appended: only when there is a fault queue; before the mappings,
	 * which may not all fit, so that it is never cut short or left out
	 */
	if (s->faultfd >= 0 && n < sizeof(buf))
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "\nfault %u", s->fault_id);
	/* what iommu-replace new-ioas:copy copies; a line that does not fit is left out whole */
	for (size_t i = 0; i < s->nundo && n < sizeof(buf); i++) {
		char line[80];
		int len;

		if (s->undo[i].kind != UNDO_UNMAP)
			continue;
		len = snprintf(line, sizeof(line), "\nmapping %u 0x%llx 0x%llx", s->undo[i].id,
			       (unsigned long long)s->undo[i].iova,
			       (unsigned long long)s->undo[i].len);
		if ((size_t)len < sizeof(buf) - n)
			n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s", line);
	}
	reply(fd, buf);
}

static void reply_fds(struct iot_session *s, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * (SESSION_DEVICES_MAX + 1))];
		struct cmsghdr align;
	} u;
	char text[IOT_SESSION_MSG_MAX];
	struct iovec iov = { .iov_base = text };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf };
	struct cmsghdr *cm;
	int fds[SESSION_DEVICES_MAX + 1];
	size_t n = 0, len;

	if (s->iommufd < 0) {
		reply_err(fd, ENOENT, "no iommufd held");
		return;
	}
	len = (size_t)snprintf(text, sizeof(text), "OK iommufd");
	fds[n++] = s->iommufd;
	for (size_t i = 0; i < s->ndevs; i++) {
		if (s->devs[i].fd < 0)
			continue;
		len += (size_t)snprintf(text + len, sizeof(text) - len, " %s", s->devs[i].addr);
		fds[n++] = s->devs[i].fd;
	}
	iov.iov_len = len;
	memset(u.buf, 0, sizeof(u.buf));
	msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * n);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * n);
	if (sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		iot_dbg(s->ctx, "session %s: GETFDS reply: %s", s->name, strerror(errno));
}

static void reply_fault(struct iot_session *s, int fd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char text[64];
	struct iovec iov = { .iov_base = text };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm;

	if (s->faultfd < 0) {
		reply_err(fd, ENOENT, "no fault queue held");
		return;
	}
	iov.iov_len = (size_t)snprintf(text, sizeof(text), "OK fault %u", s->fault_id);
	memset(u.buf, 0, sizeof(u.buf));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &s->faultfd, sizeof(int));
	if (sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		iot_dbg(s->ctx, "session %s: GETFAULT reply: %s", s->name, strerror(errno));
}

/* Close whatever fds a peer sent along: we take none. */
static void close_passed_fds(struct msghdr *msg)
{
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm; cm = CMSG_NXTHDR(msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int pfd;

			memcpy(&pfd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			close(pfd);
		}
	}
}

/* One message of client @c: 1 answered, 0 nothing waiting, -1 the client is gone. */
static int serve_one(struct iot_session *s, struct client *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 8)];
		struct cmsghdr align;
	} u;
	char buf[IOT_SESSION_MSG_MAX + 1];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	struct iot_session_request req;
	ssize_t n = recvmsg(c->fd, &msg, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
	int err;

	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -1;
	close_passed_fds(&msg);
	if (n == 0)
		return -1;
	if ((msg.msg_flags & MSG_TRUNC) || n > IOT_SESSION_MSG_MAX) {
		reply_err(c->fd, EMSGSIZE, "message too long");
		return 1;
	}
	err = iot_session_parse_request(buf, (size_t)n, &req);
	if (err == -EOPNOTSUPP) {
		reply_err(c->fd, EOPNOTSUPP, "unknown request");
		return 1;
	}
	if (err) {
		reply_err(c->fd, EINVAL, "malformed request");
		return 1;
	}
	if (req.cmd != IOT_SREQ_HELLO && !c->hello) {
		reply_err(c->fd, EPROTO, "HELLO first");
		return 1;
	}
	switch (req.cmd) {
	case IOT_SREQ_HELLO:
		if (req.version != IOT_SESSION_PROTOCOL) {
			reply_err(c->fd, EPROTONOSUPPORT, "protocol version 1 only");
		} else {
			snprintf(buf, sizeof(buf), "OK %d iommu-tools-session %s",
				 IOT_SESSION_PROTOCOL, s->name);
			c->hello = true;
			reply(c->fd, buf);
		}
		break;
	case IOT_SREQ_INFO:
		reply_info(s, c->fd);
		break;
	case IOT_SREQ_GETFDS:
		reply_fds(s, c->fd);
		break;
	case IOT_SREQ_GETFAULT:
		reply_fault(s, c->fd);
		break;
	case IOT_SREQ_SETIDS:
		if (req.has_dev) {
			struct sdev *d = find_dev(s, req.dev);

			if (!d || req.ioas) {
				reply_err(c->fd, d ? EINVAL : ENOENT,
					  d ? "a device has no ioas of its own" : "no such device");
				break;
			}
			d->hwpt = req.hwpt;
		} else {
			iot_session_set_ids(s, req.ioas, req.hwpt);
		}
		reply(c->fd, "OK");
		break;
	case IOT_SREQ_MAPPED:
		if (extend_peer_mapping(s, req.ioas, req.iova, req.len)) {
			reply(c->fd, "OK");
		} else if (session_mappings(s) >= SESSION_MAPPINGS_MAX) {
			reply_err(c->fd, ENOSPC, "too many mappings");
		} else if (iot_session_add_mapping(s, req.ioas, req.iova, req.len)) {
			reply_err(c->fd, ENOMEM, "out of memory");
		} else {
			s->undo[s->nundo - 1].peer = true;
			reply(c->fd, "OK");
		}
		break;
	case IOT_SREQ_RELEASE:
		s->released = true;
		reply(c->fd, "OK");
		break;
	}
	return 1;
}

size_t iot_session_pollfds(const struct iot_session *s, struct pollfd *pfd, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nclients && n < max; i++)
		pfd[n++] = (struct pollfd){ .fd = s->clients[i].fd, .events = POLLIN };
	if (s->listenfd >= 0 && n < max)
		pfd[n++] = (struct pollfd){ .fd = s->listenfd, .events = POLLIN };
	return n;
}

int iot_session_serve(struct iot_session *s, int timeout_ms)
{
	struct pollfd pfd[SESSION_CLIENTS_MAX + 1];
	int clientfd[SESSION_CLIENTS_MAX];
	size_t n = 0, nc = s->nclients;
	int ready, answered = 0;

	for (size_t i = 0; i < nc; i++) {
		clientfd[i] = s->clients[i].fd;
		pfd[n++] = (struct pollfd){ .fd = s->clients[i].fd, .events = POLLIN };
	}
	if (s->listenfd >= 0)
		pfd[n++] = (struct pollfd){ .fd = s->listenfd, .events = POLLIN };
	ready = poll(pfd, n, timeout_ms);
	if (ready < 0)
		return -errno;
	for (size_t i = 0; i < nc; i++) {
		size_t k;
		int r;

		if (!pfd[i].revents)
			continue;
		/* find it again: an earlier drop moved the array */
		for (k = 0; k < s->nclients && s->clients[k].fd != clientfd[i]; k++)
			;
		if (k == s->nclients)
			continue;
		r = serve_one(s, &s->clients[k]);
		if (r < 0)
			client_drop(s, k);
		else
			answered += r;
	}
	if (s->listenfd >= 0 && pfd[n - 1].revents) {
		int fd;

		while ((fd = accept4(s->listenfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
			iot_session_add_client(s, fd);
	}
	return answered;
}

/* ---- a peer --------------------------------------------------------------------- */

struct iot_session_client {
	struct iot_ctx *ctx;
	int fd;
};

void iot_session_client_close(struct iot_session_client *c)
{
	if (!c)
		return;
	close(c->fd);
	free(c);
}

/*
 * Send @req, receive the reply into @buf (NUL-terminated); fds passed with it
 * go to @fds (at most *nfds; the count in *nfds). Returns 0 on "OK...", the
 * negative errno of "ERR N ...", or -EPROTO for anything else.
 */
static int request(struct iot_session_client *c, const char *req, char *buf, size_t len,
		   int *fds, size_t *nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * (SESSION_DEVICES_MAX + 1))];
		struct cmsghdr align;
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = len - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			      .msg_controllen = sizeof(u.buf) };
	size_t got = 0;
	ssize_t n;
	int err;

	if (send(c->fd, req, strlen(req), MSG_NOSIGNAL) < 0)
		return -errno;
	do
		n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
			int pfd;

			memcpy(&pfd, CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
			if (fds && got < *nfds)
				fds[got++] = pfd;
			else
				close(pfd);
		}
	}
	if (nfds)
		*nfds = got;
	buf[n] = '\0';
	if (!strncmp(buf, "OK", 2) && (!buf[2] || buf[2] == ' ' || buf[2] == '\n'))
		return 0;
	err = -EPROTO;
	if (!strncmp(buf, "ERR ", 4)) {
		int e;
		char *sp = strchr(buf + 4, ' ');

		if (sp)
			*sp = '\0';
		if (!iot_parse_int(buf + 4, 10, &e) && e > 0 && e < 4096)
			err = -e;
	}
	for (size_t i = 0; i < got; i++)
		close(fds[i]);
	if (nfds)
		*nfds = 0;
	return err;
}

int iot_session_client_from_fd(struct iot_ctx *ctx, int fd, struct iot_session_client **out)
{
	char buf[IOT_SESSION_MSG_MAX + 1], want[64];
	struct iot_session_client *c = calloc(1, sizeof(*c));
	int err;

	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->ctx = ctx;
	c->fd = fd;
	err = request(c, "HELLO 1", buf, sizeof(buf), NULL, NULL);
	snprintf(want, sizeof(want), "OK %d iommu-tools-session ", IOT_SESSION_PROTOCOL);
	if (!err && strncmp(buf, want, strlen(want)))
		err = -EPROTO;
	if (err) {
		iot_session_client_close(c);
		return err;
	}
	*out = c;
	return 0;
}

int iot_session_connect(struct iot_ctx *ctx, const char *name, struct iot_session_client **out)
{
	struct iot_dir dir = IOT_DIR_INIT;
	struct sockaddr_un sa;
	int fd = -1, err;

	if (!name || !name_ok(name))
		return -EINVAL;
	err = iot_rundir_open(ctx, false, &dir);
	if (!err)
		err = sock_addr(&dir, name, &sa);
	if (!err) {
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
			err = -errno;
	}
	iot_dir_close(&dir);
	if (err) {
		if (fd >= 0)
			close(fd);
		return err;
	}
	return iot_session_client_from_fd(ctx, fd, out);
}

void iot_session_info_free(struct iot_session_info *info)
{
	if (!info)
		return;
	for (size_t i = 0; i < info->ndevices; i++) {
		free(info->devices[i]->addr);
		free(info->devices[i]);
	}
	free(info->devices);
	for (size_t i = 0; i < info->nmappings; i++)
		free(info->mappings[i]);
	free(info->mappings);
	free(info->mock_name);
	free(info->name);
	free(info);
}

/*
 * A fact a later holder may add (the protocol only ever appends): a key of
 * lower-case letters and '_' that this version does not know, then words.
 */
static bool is_later_fact(const char *line)
{
	static const char *const known[] = { "name", "pid", "owner", "ioas", "hwpt", "device",
					     "fault", "mapping", "mock_device", "mock_pasid" };
	size_t n = strspn(line, "abcdefghijklmnopqrstuvwxyz_");

	if (!n || line[n] != ' ' || !line[n + 1])
		return false;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(known); i++)
		if (strlen(known[i]) == n && !strncmp(line, known[i], n))
			return false;
	return true;
}

/* "mock_device NAME dev_id ID stdev ID hwpt ID": every id given, none 0, once only. */
static int parse_mock_line(char *line, struct iot_session_info *info)
{
	static const char *const keys[] = { "mock_device", NULL, "dev_id", NULL, "stdev", NULL,
					    "hwpt" };
	uint32_t id[3];
	char *w[9]; /* one more than it takes: a ninth word is an error */
	size_t n = 0;

	for (char *p = line; n < IOT_ARRAY_SIZE(w);) {
		char *sp = strchr(p, ' ');

		if (sp == p || !*p)
			return -EPROTO; /* an empty word */
		w[n++] = p;
		if (!sp)
			break;
		*sp = '\0';
		p = sp + 1;
	}
	if (n != 8 || info->mock_name || !name_ok(w[1]))
		return -EPROTO;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(keys); i++)
		if (keys[i] && strcmp(w[i], keys[i]))
			return -EPROTO;
	for (size_t i = 0; i < 3; i++)
		if (parse_id(w[3 + 2 * i], &id[i]) || !id[i])
			return -EPROTO;
	info->mock_name = strdup(w[1]);
	if (!info->mock_name)
		return -ENOMEM;
	info->mock_dev_id = id[0];
	info->mock_stdev = id[1];
	info->mock_hwpt = id[2];
	return 0;
}

int iot_session_parse_info(const char *text, struct iot_session_info **out)
{
	struct iot_session_info *info = calloc(1, sizeof(*info));
	char *copy = strdup(text), *line, *save = NULL;
	unsigned seen = 0;
	int err = 0;

	if (!info || !copy) {
		free(info);
		free(copy);
		return -ENOMEM;
	}
	line = strtok_r(copy, "\n", &save);
	if (!line || strcmp(line, "OK"))
		err = -EPROTO;
	while (!err && (line = strtok_r(NULL, "\n", &save))) {
		char key[16], val[IOT_SESSION_NAME_MAX + 1], k2[16], k3[16];
		unsigned a, b;
		int used = 0;

		char canon[IOT_PCI_ADDR_LEN];
		uint32_t owner;

		if (sscanf(line, "device %12s %15s %u %15s %u%n", val, k2, &a, k3, &b, &used) == 5 &&
		    (size_t)used == strlen(line) && !strcmp(k2, "dev_id") && !strcmp(k3, "hwpt") &&
		    !iot_norm_pci_addr(val, canon) && !strcmp(canon, val)) {
			struct iot_session_device *d, **v;

			if (info->ndevices == SESSION_DEVICES_MAX) {
				err = -EPROTO;
				break;
			}
			v = realloc(info->devices, (info->ndevices + 1) * sizeof(*v));
			d = calloc(1, sizeof(*d));
			if (v)
				info->devices = v;
			if (!v || !d || !(d->addr = strdup(val))) {
				free(d);
				err = -ENOMEM;
				break;
			}
			d->dev_id = a;
			d->hwpt = b;
			info->devices[info->ndevices++] = d;
			continue;
		}
		if (!strncmp(line, "mapping ", 8)) {
			struct iot_session_mapping *m, **v;
			unsigned long long iova, len;
			unsigned ioas;

			if (sscanf(line, "mapping %u 0x%llx 0x%llx%n", &ioas, &iova, &len, &used) != 3 ||
			    (size_t)used != strlen(line) || !ioas || !len ||
			    info->nmappings == SESSION_MAPPINGS_MAX) {
				err = -EPROTO;
				break;
			}
			v = realloc(info->mappings, (info->nmappings + 1) * sizeof(*v));
			m = calloc(1, sizeof(*m));
			if (v)
				info->mappings = v;
			if (!v || !m) {
				free(m);
				err = -ENOMEM;
				break;
			}
			*m = (struct iot_session_mapping){ .ioas = ioas, .iova = iova, .len = len };
			info->mappings[info->nmappings++] = m;
			continue;
		}
		if (!strncmp(line, "mock_device ", 12)) {
			err = parse_mock_line(line, info);
			continue;
		}
		if (!strncmp(line, "mock_pasid ", 11)) {
			/* "mock_pasid PASID hwpt ID": once, neither 0, after mock_device */
			char w1[16], w3[16];

			if (sscanf(line, "mock_pasid %15s %15s %15s%n", w1, k2, w3, &used) != 3 ||
			    (size_t)used != strlen(line) || strcmp(k2, "hwpt") || !info->mock_name ||
			    info->mock_pasid || parse_id(w1, &info->mock_pasid) ||
			    parse_id(w3, &info->mock_pasid_hwpt) || !info->mock_pasid ||
			    !info->mock_pasid_hwpt)
				err = -EPROTO;
			continue;
		}
		if (is_later_fact(line))
			continue;
		if (sscanf(line, "%15s %64s%n", key, val, &used) != 2 || (size_t)used != strlen(line)) {
			err = -EPROTO;
		} else if (!strcmp(key, "name") && !(seen & 1) && name_ok(val)) {
			info->name = strdup(val);
			err = info->name ? 0 : -ENOMEM;
			seen |= 1;
		} else if (!strcmp(key, "pid") && !(seen & 2) && !iot_parse_int(val, 10, &info->pid)) {
			seen |= 2;
		} else if (!strcmp(key, "owner") && !(seen & 4) && !parse_id(val, &owner)) {
			info->owner = owner;
			seen |= 4;
		} else if (!strcmp(key, "ioas") && !(seen & 8) && !parse_id(val, &info->ioas)) {
			seen |= 8;
		} else if (!strcmp(key, "hwpt") && !(seen & 16) && !parse_id(val, &info->hwpt)) {
			seen |= 16;
		} else if (!strcmp(key, "fault") && !(seen & 32) && !parse_id(val, &info->fault) &&
			   info->fault) {
			seen |= 32;
		} else {
			err = -EPROTO;
		}
	}
	free(copy);
	if (!err && (seen & 31) != 31)
		err = -EPROTO;
	if (err) {
		iot_session_info_free(info);
		return err;
	}
	*out = info;
	return 0;
}

int iot_session_client_info(struct iot_session_client *c, struct iot_session_info **out)
{
	char buf[IOT_SESSION_MSG_MAX + 1];
	int err = request(c, "INFO", buf, sizeof(buf), NULL, NULL);

	return err ? err : iot_session_parse_info(buf, out);
}

int iot_session_client_getfds(struct iot_session_client *c, int *iommufd, int **devfds,
			      size_t *n)
{
	char buf[IOT_SESSION_MSG_MAX + 1];
	int fds[SESSION_DEVICES_MAX + 1], *v = NULL;
	size_t nfds = IOT_ARRAY_SIZE(fds), words = 0;
	int err = request(c, "GETFDS", buf, sizeof(buf), fds, &nfds);

	if (err)
		return err;
	/* "OK iommufd ADDR...": one fd per word after OK */
	for (char *p = buf; (p = strchr(p, ' ')); p++)
		words++;
	if (strncmp(buf, "OK iommufd", 10) || words != nfds || !nfds)
		err = -EPROTO;
	if (!err && nfds > 1) {
		v = malloc((nfds - 1) * sizeof(*v));
		if (!v)
			err = -ENOMEM;
	}
	if (err) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return err;
	}
	if (v)
		memcpy(v, fds + 1, (nfds - 1) * sizeof(*v));
	*iommufd = fds[0];
	*devfds = v;
	*n = nfds - 1;
	return 0;
}

int iot_session_client_getfault(struct iot_session_client *c, uint32_t *fault_id, int *fd)
{
	char buf[IOT_SESSION_MSG_MAX + 1];
	int fds[1];
	size_t nfds = 1;
	uint32_t id;
	int err = request(c, "GETFAULT", buf, sizeof(buf), fds, &nfds);

	if (err)
		return err;
	if (nfds != 1 || strncmp(buf, "OK fault ", 9) || parse_id(buf + 9, &id) || !id) {
		for (size_t i = 0; i < nfds; i++)
			close(fds[i]);
		return -EPROTO;
	}
	*fault_id = id;
	*fd = fds[0];
	return 0;
}

int iot_session_client_setids(struct iot_session_client *c, const char *addr, uint32_t ioas,
			      uint32_t hwpt)
{
	char req[128], canon[IOT_PCI_ADDR_LEN], buf[256];
	size_t n = (size_t)snprintf(req, sizeof(req), "SETIDS");

	if (addr) {
		if (iot_norm_pci_addr(addr, canon))
			return -EINVAL;
		n += (size_t)snprintf(req + n, sizeof(req) - n, " dev=%s", canon);
	}
	if (ioas)
		n += (size_t)snprintf(req + n, sizeof(req) - n, " ioas=%u", ioas);
	if (hwpt)
		snprintf(req + n, sizeof(req) - n, " hwpt=%u", hwpt);
	return request(c, req, buf, sizeof(buf), NULL, NULL);
}

int iot_session_client_release(struct iot_session_client *c)
{
	char buf[256];

	return request(c, "RELEASE", buf, sizeof(buf), NULL, NULL);
}

int iot_session_client_mapped(struct iot_session_client *c, uint32_t ioas, uint64_t iova,
			      uint64_t len)
{
	char req[128], buf[256];

	snprintf(req, sizeof(req), "MAPPED ioas=%u iova=0x%llx len=0x%llx", ioas,
		 (unsigned long long)iova, (unsigned long long)len);
	return request(c, req, buf, sizeof(buf), NULL, NULL);
}

/* ---- the sessions below a root ------------------------------------------------- */

void iot_session_entries_free(struct iot_session_entry **v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!v[i])
			continue; /* the one a failed listing could not allocate */
		free(v[i]->name);
		free(v[i]);
	}
	free(v);
}

int iot_session_list(struct iot_ctx *ctx, struct iot_session_entry ***out, size_t *n)
{
	struct iot_dir dir = IOT_DIR_INIT;
	struct iot_session_entry **v = NULL;
	char **names = NULL;
	ssize_t count;
	size_t k = 0;
	int err = iot_rundir_open(ctx, false, &dir);

	if (err == -ENOENT) {
		*out = NULL;
		*n = 0;
		return 0;
	}
	if (err)
		return err;
	count = iot_dir_list(&dir, &names);
	if (count < 0) {
		iot_dir_close(&dir);
		return (int)count;
	}
	v = calloc((size_t)count + 1, sizeof(*v));
	err = v ? 0 : -ENOMEM;
	for (ssize_t i = 0; !err && i < count; i++) {
		size_t len = strlen(names[i]);
		struct stat st;

		/* NAME.sock, a socket, a name a session could have */
		if (len <= strlen(SOCK_SUFFIX) ||
		    strcmp(names[i] + len - strlen(SOCK_SUFFIX), SOCK_SUFFIX) ||
		    fstatat(dir.fd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode))
			continue;
		names[i][len - strlen(SOCK_SUFFIX)] = '\0';
		if (!name_ok(names[i]))
			continue;
		v[k] = calloc(1, sizeof(**v));
		if (!v[k] || !(v[k]->name = strdup(names[i]))) {
			err = -ENOMEM;
			break;
		}
		v[k]->created = (int64_t)st.st_mtime;
		k++;
	}
	iot_strv_free(names, (size_t)count);
	iot_dir_close(&dir);
	if (err) {
		iot_session_entries_free(v, k + 1);
		return err;
	}
	*out = v;
	*n = k;
	return 0;
}

int iot_session_reap(struct iot_ctx *ctx, const char *name)
{
	char sock[IOT_SESSION_NAME_MAX + sizeof(SOCK_SUFFIX)];
	struct iot_dir dir = IOT_DIR_INIT;
	struct sockaddr_un sa;
	struct stat st;
	int fd, err;

	if (!name || !name_ok(name))
		return -EINVAL;
	err = iot_rundir_open(ctx, false, &dir);
	if (!err)
		err = sock_addr(&dir, name, &sa);
	snprintf(sock, sizeof(sock), "%s" SOCK_SUFFIX, name);
	if (!err && (fstatat(dir.fd, sock, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISSOCK(st.st_mode)))
		err = -ENOENT;
	if (!err) {
		fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
		if (fd < 0)
			err = -errno;
		else if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			err = -EADDRINUSE; /* somebody serves it */
		else if (errno != ECONNREFUSED)
			err = -errno;
		if (fd >= 0)
			close(fd);
	}
	if (!err && unlinkat(dir.fd, sock, 0) < 0)
		err = -errno;
	iot_dir_close(&dir);
	return err;
}

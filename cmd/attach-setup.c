// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-setup.c - iommu-attach's work: the refusals decided before anything
 * changes, the driver binding, the iommufd attach (or the legacy VFIO
 * container) and its undo, each step timed and each failure one line naming
 * the device, the step and the cause.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "attach.h"

double attach_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

bool attach_interrupted(struct attach_ctl *ctl)
{
	struct signalfd_siginfo si;

	while (ctl->sigfd >= 0 && read(ctl->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo != SIGCHLD && !ctl->stop_signal)
			ctl->stop_signal = (int)si.ssi_signo;
	}
	return ctl->stop_signal != 0;
}

static void add_step(struct attach_ctl *ctl, enum iot_step step, int dev, double t0)
{
	struct attach_step *v = realloc(ctl->steps, (ctl->nsteps + 1) * sizeof(*v));

	if (!v)
		cmd_die("out of memory");
	ctl->steps = v;
	ctl->steps[ctl->nsteps++] = (struct attach_step){ .step = step, .dev = dev,
							  .ms = attach_now_ms() - t0 };
}

/* ---- failures: one line each ---- */

/* " (held by pid 123 qemu through /dev/vfio/12)": the owner scan, ourselves left out */
static void holders(struct attach_ctl *ctl, const char *addr, char *buf, size_t len)
{
	const char *const devs[] = { addr };
	struct iot_snapshot *snap = NULL;
	const struct iot_device *d;
	char nodes[2][64];
	size_t n = 0, used = 0;

	buf[0] = '\0';
	if (iot_snapshot_new_for(ctl->ctx, IOT_SCAN_OWNERS, devs, 1, NULL, 0, &snap))
		return;
	d = iot_snapshot_find_device(snap, addr);
	if (d && d->group && d->group->vfio_node)
		snprintf(nodes[n++], sizeof(nodes[0]), "%s", d->group->vfio_node);
	if (d && d->vfio_cdev)
		snprintf(nodes[n++], sizeof(nodes[0]), "/dev/vfio/devices/%s", d->vfio_cdev);
	for (size_t i = 0; i < n; i++) {
		const struct iot_owner *o[8];
		size_t k = iot_snapshot_node_owners(snap, nodes[i], o, CMD_ARRAY_SIZE(o));

		for (size_t j = 0; j < k && j < CMD_ARRAY_SIZE(o); j++) {
			if (o[j]->pid == (int)getpid() || used + 80 > len)
				continue;
			used += (size_t)snprintf(buf + used, len - used, "%s pid %d (%s) through %s",
						 used ? "," : "; held by", o[j]->pid,
						 o[j]->comm ? o[j]->comm : "?", o[j]->node);
		}
	}
	if (!used && snap->owners_denied)
		snprintf(buf, len, "; the holder is not known (run as root to see it)");
	iot_snapshot_free(snap);
}

void attach_fail(struct attach_ctl *ctl, int dev, enum iot_step step, int err)
{
	const char *why = iot_explain(step, err);
	const char *name = iot_step_name(step);
	char held[512] = "", devs[256] = "", what[96];
	size_t n = 0;

	/* a step of the whole context (the iommufd, the IOAS, a map) names every device */
	if (ctl->mock)
		n = (size_t)snprintf(devs, sizeof(devs), "%s",
				     ctl->mk.name[0] ? ctl->mk.name : "iommufd_mock");
	for (size_t i = dev >= 0 ? (size_t)dev : 0; i < ctl->ndevs && n + 16 < sizeof(devs);
	     i++) {
		n += (size_t)snprintf(devs + n, sizeof(devs) - n, "%s%s", n ? "," : "",
				      ctl->devs[i].addr);
		if (dev >= 0)
			break;
	}
	/* held: busy, or bound to another iommufd already */
	if (dev >= 0 && (abs(err) == EBUSY || (step == IOT_STEP_BIND && abs(err) == EINVAL)))
		holders(ctl, ctl->devs[dev].addr, held, sizeof(held));
	snprintf(what, sizeof(what), "%s%s%s", name ? name : "?", ctl->fail_what ? " " : "",
		 ctl->fail_what ? ctl->fail_what : "");
	if (why)
		cmd_warnx("%s%s%s: %s%s (%s)", devs, n ? ": " : "", what, why, held,
			  strerror(abs(err)));
	else
		cmd_warnx("%s%s%s: %s%s", devs, n ? ": " : "", what, strerror(abs(err)), held);
}

const char *attach_dev_name(const struct attach_ctl *ctl, int dev)
{
	if (dev == ATTACH_DEV_MOCK)
		return ctl->mk.name[0] ? ctl->mk.name : "iommufd_mock";
	return dev >= 0 && (size_t)dev < ctl->ndevs ? ctl->devs[dev].addr : "";
}

/* ---- DEVICE... and the refusals ---- */

static bool listed(const struct attach_ctl *ctl, const char *addr)
{
	for (size_t i = 0; i < ctl->ndevs; i++)
		if (!strcmp(ctl->devs[i].addr, addr))
			return true;
	return false;
}

static struct attach_dev *add_dev(struct attach_ctl *ctl, const char *addr)
{
	struct attach_dev *v;

	if (ctl->ndevs == ATTACH_MAX_DEVICES)
		cmd_usage_error("too many devices (at most %d)", ATTACH_MAX_DEVICES);
	v = realloc(ctl->devs, (ctl->ndevs + 1) * sizeof(*v));
	if (!v)
		cmd_die("out of memory");
	ctl->devs = v;
	v = &ctl->devs[ctl->ndevs++];
	memset(v, 0, sizeof(*v));
	snprintf(v->addr, sizeof(v->addr), "%s", addr);
	v->group = -1;
	v->devfd = -1;
	return v;
}

/* /dev/vfio/devices/vfioN: the device whose cdev it is */
static void cdev_to_addr(struct attach_ctl *ctl, const char *arg, char *addr, size_t len)
{
	const char *name = arg + strlen("/dev/vfio/devices/");
	struct iot_snapshot *snap = NULL;
	int err = iot_snapshot_new(ctl->ctx, 0, &snap);

	if (err)
		cmd_die("cannot read %s: %s", iot_ctx_get_sysroot(ctl->ctx), strerror(-err));
	addr[0] = '\0';
	for (size_t i = 0; i < snap->n_devices; i++) {
		const struct iot_device *d = snap->devices[i];

		if (d->vfio_cdev && !strcmp(d->vfio_cdev, name))
			snprintf(addr, len, "%s", d->name);
	}
	iot_snapshot_free(snap);
	if (!addr[0])
		cmd_die("%s: no PCI device has this VFIO cdev", arg);
}

/* "0000:00:1f.0 (lpc_ich), ...": the companions that keep the group from VFIO */
static void refuse_companions(const struct iot_device *d, const struct attach_ctl *ctl,
			      char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < d->group->n_devices; i++) {
		const struct iot_device *m = d->group->devices[i];

		if (m == d || m->is_bridge || listed(ctl, m->name) || !m->driver ||
		    iot_driver_is_vfio(m->driver))
			continue;
		if (used + 64 < len)
			used += (size_t)snprintf(buf + used, len - used, "%s%s (%s)",
						 used ? ", " : "", m->name, m->driver);
	}
}

static void check_device(struct attach_ctl *ctl, const struct iot_device *d, const char *asked)
{
	if (!d)
		cmd_die("%s: no such PCI device", asked);
	if (d->bus != IOT_BUS_PCI)
		cmd_die("%s: not a PCI device", asked);
	if (d->is_bridge)
		cmd_die("%s: a PCI bridge: bridges stay with the host", d->name);
	if (!d->group)
		cmd_die("%s: in no IOMMU group: no IOMMU translates its DMA", d->name);
	if (d->critical && !ctl->force)
		cmd_die("%s: refused: the host needs it (%s); --force attaches it anyway", d->name,
			d->critical_what ? d->critical_what : "host-critical");
	if (d->unreadable)
		cmd_die("%s: its driver could not be read", d->name);
}

int attach_resolve(struct attach_ctl *ctl)
{
	struct iot_snapshot *snap = NULL;
	const char **addrs = calloc(ctl->nargs + 1, sizeof(*addrs));
	char buf[1024];
	size_t nasked;
	int err;

	if (!addrs)
		cmd_die("out of memory");
	for (size_t i = 0; i < ctl->nargs; i++) {
		char addr[32];

		if (!strncmp(ctl->args[i], "/dev/vfio/devices/", strlen("/dev/vfio/devices/"))) {
			cdev_to_addr(ctl, ctl->args[i], addr, sizeof(addr));
		} else {
			struct cmd_pci_addr a;

			if (cmd_parse_pci_addr(ctl->args[i], &a))
				cmd_usage_error("not a PCI address or /dev/vfio/devices/vfioN: %s",
						ctl->args[i]);
			snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", a.domain, a.bus, a.slot,
				 a.func);
		}
		if (listed(ctl, addr))
			cmd_usage_error("%s is named twice", addr);
		add_dev(ctl, addr);
	}
	nasked = ctl->ndevs;
	for (size_t i = 0; i < nasked; i++)
		addrs[i] = ctl->devs[i].addr;
	err = iot_snapshot_new_for(ctl->ctx, IOT_SCAN_CRITICAL, addrs, nasked, NULL, 0, &snap);
	free(addrs);
	if (err)
		cmd_die("cannot read %s: %s", iot_ctx_get_sysroot(ctl->ctx), strerror(-err));

	for (size_t i = 0; i < nasked; i++) {
		const struct iot_device *d = iot_snapshot_find_device(snap, ctl->devs[i].addr);

		check_device(ctl, d, ctl->devs[i].addr);
		if (ctl->group) {
			for (size_t k = 0; k < d->group->n_devices; k++) {
				const struct iot_device *m = d->group->devices[k];

				if (m == d || m->is_bridge || listed(ctl, m->name))
					continue;
				check_device(ctl, m, m->name);
				add_dev(ctl, m->name)->companion = true;
			}
		} else if (!ctl->force) {
			refuse_companions(d, ctl, buf, sizeof(buf));
			if (buf[0])
				cmd_die("%s: refused: group %d also holds %s, neither unbound nor on a "
					"VFIO driver; --group binds the whole group", d->name,
					d->group->number, buf);
		}
	}
	for (size_t i = 0; i < ctl->ndevs; i++) {
		struct attach_dev *ad = &ctl->devs[i];
		const struct iot_device *d = iot_snapshot_find_device(snap, ad->addr);

		ad->group = d->group->number;
		if (d->driver && !(ad->driver = strdup(d->driver)))
			cmd_die("out of memory");
		if (!ctl->bind_driver && !iot_driver_is_vfio(d->driver))
			cmd_die("%s: on %s, not on a VFIO driver; --bind-driver binds it to vfio-pci",
				ad->addr, d->driver ? d->driver : "no driver");
	}
	iot_snapshot_free(snap);
	return 0;
}

/* ---- the iommufd path ---- */

#define STEP(ctl, step, dev, call)                                                            \
	({                                                                                    \
		double t0_ = attach_now_ms();                                                 \
		int e_ = (call);                                                              \
		if (!e_)                                                                      \
			add_step(ctl, step, dev, t0_);                                        \
		else                                                                          \
			attach_fail(ctl, dev, step, e_);                                      \
		e_;                                                                           \
	})

/*
 * The memory of --map's @m, and its range in @range ("0x100000-0x10ffff") as
 * what the map step acts on when it fails (ctl->fail_what: the caller clears it).
 */
static int map_memory(struct attach_ctl *ctl, struct attach_map *m, char *range, size_t len)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | (ctl->hugepages ? MAP_HUGETLB : 0);

	snprintf(range, len, "0x%llx-0x%llx", (unsigned long long)m->iova,
		 (unsigned long long)(m->iova + m->size - 1));
	m->buf = mmap(NULL, m->size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (m->buf == MAP_FAILED) {
		int err = errno;

		cmd_warnx("map %s: cannot allocate the memory%s: %s", range,
			  ctl->hugepages ? " in huge pages (see /proc/sys/vm/nr_hugepages)" : "",
			  strerror(err));
		return -err;
	}
	ctl->fail_what = range;
	return 0;
}

static int hwpt_flags(unsigned f)
{
	return (f & ATTACH_HWPT_NEST_PARENT ? IOT_HWPT_ALLOC_NEST_PARENT : 0) |
	       (f & ATTACH_HWPT_DIRTY ? IOT_HWPT_ALLOC_DIRTY_TRACKING : 0) |
	       (f & ATTACH_HWPT_PASID ? IOT_HWPT_ALLOC_PASID : 0);
}

/* The session that holds what is set up from here on, the iommufd first. */
static struct iot_session *session_begin(struct attach_ctl *ctl, int iommufd)
{
	int err;

	if (asprintf(&ctl->session_name, "%s", ctl->hold ? ctl->hold : "") < 0)
		cmd_die("out of memory");
	if (!ctl->hold) {
		free(ctl->session_name);
		if (asprintf(&ctl->session_name, "%s-%d", ctl->exec_argv ? "exec" : "check",
			     (int)getpid()) < 0)
			cmd_die("out of memory");
	}
	err = iot_session_new(ctl->ctx, ctl->session_name, getuid(), &ctl->session);
	if (err)
		cmd_die("session %s: %s", ctl->session_name, strerror(-err));
	err = iot_session_set_iommufd(ctl->session, iommufd);
	if (err)
		cmd_die("session: %s", strerror(-err));
	ctl->iommufd = iommufd;
	return ctl->session;
}

/* A new IOAS, or the one --ioas names. */
static int setup_ioas(struct attach_ctl *ctl)
{
	if (ctl->has_ioas) {
		ctl->ioas = ctl->ioas_id;
		return 0;
	}
	if (STEP(ctl, IOT_STEP_IOAS_ALLOC, -1, iot_ioas_alloc(ctl->iommufd, &ctl->ioas)))
		return 1;
	if (iot_session_add_object(ctl->session, ctl->ioas))
		cmd_die("out of memory");
	return 0;
}

/* --hwpt=fault: the queue, held by the session and handed out by GETFAULT. */
static int setup_fault_queue(struct attach_ctl *ctl, int dev)
{
	int ffd = -1, err;

	if (STEP(ctl, IOT_STEP_FAULT_QUEUE, dev,
		 iot_fault_queue_alloc(ctl->iommufd, &ctl->fault_id, &ffd)))
		return 1;
	err = iot_session_add_fault_queue(ctl->session, ctl->fault_id, ffd);
	if (err)
		cmd_die("session: fault queue: %s", strerror(-err));
	ctl->faultfd = ffd;
	return 0;
}

/* --hwpt[=FLAGS]: a HWPT for device @dev_id on the IOAS (with the fault queue), dirty on. */
static int setup_hwpt(struct attach_ctl *ctl, int dev, uint32_t dev_id)
{
	int flags = hwpt_flags(ctl->hwpt_flags);

	if (STEP(ctl, IOT_STEP_HWPT_ALLOC, dev,
		 ctl->fault_id ? iot_hwpt_alloc_fault(ctl->iommufd, dev_id, ctl->ioas,
						      (uint32_t)flags, ctl->fault_id, &ctl->hwpt) :
				 iot_hwpt_alloc(ctl->iommufd, dev_id, ctl->ioas, (uint32_t)flags,
						&ctl->hwpt)))
		return 1;
	if (iot_session_add_object(ctl->session, ctl->hwpt))
		cmd_die("out of memory");
	if ((ctl->hwpt_flags & ATTACH_HWPT_DIRTY) &&
	    STEP(ctl, IOT_STEP_DIRTY_TRACKING, dev,
		 iot_hwpt_set_dirty_tracking(ctl->iommufd, ctl->hwpt, true)))
		return 1;
	return 0;
}

/* What the IOAS allows once the devices are on it, then --map's mappings. */
static int setup_maps(struct attach_ctl *ctl)
{
	char range[48];
	int err;

	if (STEP(ctl, IOT_STEP_IOVA_RANGES, -1,
		 iot_ioas_iova_ranges(ctl->iommufd, ctl->ioas, &ctl->ranges, &ctl->nranges,
				      &ctl->alignment)))
		return 1;
	for (size_t i = 0; i < ctl->nmaps; i++) {
		struct attach_map *m = &ctl->maps[i];
		uint64_t iova = m->iova;
		uint32_t flags = IOT_IOAS_MAP_FIXED_IOVA | (m->read ? IOT_IOAS_MAP_READABLE : 0) |
				 (m->write ? IOT_IOAS_MAP_WRITEABLE : 0);

		if (map_memory(ctl, m, range, sizeof(range)))
			return 1;
		err = STEP(ctl, IOT_STEP_MAP, -1,
			   iot_ioas_map(ctl->iommufd, ctl->ioas, flags, m->buf, m->size, &iova));
		ctl->fail_what = NULL;
		if (err)
			return 1;
		m->mapped = true;
		if (iot_session_add_mapping(ctl->session, ctl->ioas, m->iova, m->size))
			cmd_die("out of memory");
		if (attach_interrupted(ctl))
			return 1;
	}
	iot_session_set_ids(ctl->session, ctl->ioas, ctl->hwpt);
	return 0;
}

static int setup_iommufd(struct attach_ctl *ctl, int iommufd)
{
	struct iot_session *s = session_begin(ctl, iommufd);
	uint32_t pt;
	int err;

	for (size_t i = 0; i < ctl->ndevs; i++) {
		struct attach_dev *d = &ctl->devs[i];
		double t0;
		int fd = -1;

		if (STEP(ctl, IOT_STEP_WAIT_CDEV, (int)i,
			 iot_bind_wait_cdev(ctl->ctx, d->addr, ATTACH_CDEV_TIMEOUT_MS, d->cdev,
					    sizeof(d->cdev))) ||
		    attach_interrupted(ctl))
			return 1;
		if (STEP(ctl, IOT_STEP_OPEN_CDEV, (int)i, iot_vfio_cdev_open(ctl->ctx, d->addr, &fd)))
			return 1;
		if (STEP(ctl, IOT_STEP_BIND, (int)i, iot_vfio_bind_iommufd(fd, iommufd, &d->dev_id))) {
			close(fd);
			return 1;
		}
		err = iot_session_add_device(s, d->addr, fd, d->dev_id);
		if (err)
			cmd_die("session: %s: %s", d->addr, strerror(-err));
		d->devfd = fd;
		/* the report's, not a condition of the attach: an IOMMU may report nothing */
		t0 = attach_now_ms();
		d->hw_info_err = iot_get_hw_info(iommufd, d->dev_id, &d->hw_data, sizeof(d->hw_data),
						 &d->hw);
		d->has_hw_info = !d->hw_info_err;
		if (d->has_hw_info)
			add_step(ctl, IOT_STEP_GET_HW_INFO, (int)i, t0);
		if (attach_interrupted(ctl))
			return 1;
	}

	if (setup_ioas(ctl))
		return 1;
	pt = ctl->ioas;
	if ((ctl->hwpt_flags & ATTACH_HWPT_FAULT) && setup_fault_queue(ctl, 0))
		return 1;
	if (ctl->hwpt_given) {
		if (setup_hwpt(ctl, 0, ctl->devs[0].dev_id))
			return 1;
		pt = ctl->hwpt;
	}
	for (size_t i = 0; i < ctl->ndevs; i++) {
		struct attach_dev *d = &ctl->devs[i];

		if (STEP(ctl, IOT_STEP_ATTACH, (int)i, iot_vfio_attach_pt(d->devfd, pt, &d->hwpt)))
			return 1;
		if (iot_session_add_attach(s, d->addr, d->hwpt))
			cmd_die("out of memory");
		if (!ctl->hwpt_given && !ctl->hwpt)
			ctl->hwpt = d->hwpt; /* the kernel's automatic HWPT (the first device's) */
		if (ctl->has_pasid) {
			uint32_t ppt;

			if (STEP(ctl, IOT_STEP_ATTACH_PASID, (int)i,
				 iot_vfio_attach_pasid(d->devfd, ctl->pasid, pt, &ppt)))
				return 1;
			if (iot_session_add_attach_pasid(s, d->addr, ctl->pasid))
				cmd_die("out of memory");
			d->pasid_attached = true;
		}
		if (attach_interrupted(ctl))
			return 1;
	}
	return setup_maps(ctl);
}

/* ---- --mock: a device of the kernel's iommufd selftest mock ---- */

/*
 * The mock made: its hardware information, the --hwpt HWPT it is moved to
 * (MOCK_DOMAIN_REPLACE, as a PCI device's attach), and then the session's.
 */
static int mock_attach(struct attach_ctl *ctl)
{
	struct attach_mock *mk = &ctl->mk;
	double t0 = attach_now_ms();
	int err;

	/* the report's, not a condition of the attach */
	mk->dev.hw_info_err = iot_get_hw_info(ctl->iommufd, mk->dev.dev_id, &mk->dev.hw_data,
					      sizeof(mk->dev.hw_data), &mk->dev.hw);
	mk->dev.has_hw_info = !mk->dev.hw_info_err;
	if (mk->dev.has_hw_info)
		add_step(ctl, IOT_STEP_GET_HW_INFO, ATTACH_DEV_MOCK, t0);
	if (attach_interrupted(ctl))
		return 1;
	if ((ctl->hwpt_flags & ATTACH_HWPT_FAULT) && setup_fault_queue(ctl, ATTACH_DEV_MOCK))
		return 1;
	if (ctl->hwpt_given) {
		if (setup_hwpt(ctl, ATTACH_DEV_MOCK, mk->dev.dev_id) ||
		    STEP(ctl, IOT_STEP_MOCK_REPLACE, ATTACH_DEV_MOCK,
			 iot_test_mock_domain_replace(ctl->iommufd, mk->stdev, ctl->hwpt,
						      &mk->dev.hwpt)))
			return 1;
	} else {
		ctl->hwpt = mk->dev.hwpt; /* the kernel's automatic HWPT */
	}
	if (attach_interrupted(ctl))
		return 1;
	/* from here the session destroys it, before the HWPTs made before */
	err = iot_session_add_mock_device(ctl->session, mk->name, mk->stdev, mk->dev.dev_id,
					  mk->dev.hwpt);
	if (err)
		cmd_die("session: %s: %s", mk->name, strerror(-err));
	return 0;
}

/* --pasid: that PASID of the (PASID-capable) mock on the page table its RID is on */
static int mock_attach_pasid(struct attach_ctl *ctl)
{
	struct attach_mock *mk = &ctl->mk;
	uint32_t pt = ctl->hwpt_given ? ctl->hwpt : ctl->ioas;
	char what[80];
	int err;

	/* the kernel attaches a PASID only where the RID's table allows PASIDs too */
	snprintf(what, sizeof(what), "%u%s", ctl->pasid,
		 ctl->hwpt_flags & ATTACH_HWPT_PASID ?
			 "" :
			 " (a page table without the pasid flag: try --hwpt=pasid)");
	ctl->fail_what = what;
	err = STEP(ctl, IOT_STEP_ATTACH_PASID, ATTACH_DEV_MOCK,
		   iot_test_pasid_attach(ctl->iommufd, mk->stdev, ctl->pasid, pt));
	ctl->fail_what = NULL;
	if (err)
		return 1;
	mk->dev.pasid_attached = true;
	/* the session detaches it before it destroys the mock */
	err = iot_session_add_mock_pasid(ctl->session, ctl->pasid, pt);
	if (err)
		cmd_die("session: %s pasid %u: %s", mk->name, ctl->pasid, strerror(-err));
	return attach_interrupted(ctl);
}

static int setup_mock(struct attach_ctl *ctl, int iommufd)
{
	struct attach_mock *mk = &ctl->mk;
	double t0;
	int err;

	session_begin(ctl, iommufd);
	if (setup_ioas(ctl))
		return 1;
	t0 = attach_now_ms();
	/* a PASID attaches only to a mock device made PASID-capable */
	err = iot_test_mock_domain_named(ctl->ctx, iommufd, ctl->ioas,
					 ctl->has_pasid ? IOT_TEST_MOCK_DEV_PASID : 0, &mk->stdev,
					 &mk->dev.hwpt, &mk->dev.dev_id, mk->name, sizeof(mk->name));
	if (err) {
		attach_fail(ctl, ATTACH_DEV_MOCK, IOT_STEP_MOCK_DEVICE, err);
		return 1;
	}
	add_step(ctl, IOT_STEP_MOCK_DEVICE, ATTACH_DEV_MOCK, t0);
	if (mock_attach(ctl)) {
		/* not the session's yet: it would destroy the HWPTs under the mock first */
		iot_destroy(iommufd, mk->stdev);
		return 1;
	}
	if (ctl->has_pasid && mock_attach_pasid(ctl))
		return 1;
	return setup_maps(ctl);
}

/* ---- the legacy path: VFIO group + type1 container ---- */

static int legacy_group_fd(struct attach_ctl *ctl, size_t dev, int *fd)
{
	struct attach_legacy *lg = &ctl->lg;
	int group = ctl->devs[dev].group;
	uint32_t status = 0;
	int gfd = -1;

	for (size_t i = 0; i < lg->ngroups; i++) {
		if (lg->groups[i] == group) {
			*fd = lg->groupfds[i];
			return 0;
		}
	}
	if (STEP(ctl, IOT_STEP_OPEN_GROUP, (int)dev, iot_vfio_group_open(ctl->ctx, group, &gfd)))
		return 1;
	lg->groups[lg->ngroups] = group;
	lg->groupfds[lg->ngroups++] = gfd;
	if (!iot_vfio_group_status(gfd, &status) && !(status & IOT_VFIO_GROUP_VIABLE)) {
		attach_fail(ctl, (int)dev, IOT_STEP_SET_CONTAINER, -EINVAL);
		return 1;
	}
	if (STEP(ctl, IOT_STEP_SET_CONTAINER, (int)dev,
		 iot_vfio_group_set_container(gfd, lg->container)))
		return 1;
	if (!lg->iommu_set) {
		int err = iot_vfio_check_extension(lg->container, IOT_VFIO_TYPE1v2_IOMMU);

		if (STEP(ctl, IOT_STEP_SET_IOMMU, (int)dev,
			 err < 0 ? err : !err ? -ENODEV :
				   iot_vfio_set_iommu(lg->container, IOT_VFIO_TYPE1v2_IOMMU)))
			return 1;
		lg->iommu_set = true;
	}
	*fd = gfd;
	return 0;
}

static int setup_legacy(struct attach_ctl *ctl)
{
	struct attach_legacy *lg = &ctl->lg;
	char range[48];
	int err;

	if (STEP(ctl, IOT_STEP_OPEN_CONTAINER, -1, iot_vfio_container_open(ctl->ctx, &lg->container)))
		return 1;
	for (size_t i = 0; i < ctl->ndevs; i++) {
		struct attach_dev *d = &ctl->devs[i];
		int gfd;

		if (legacy_group_fd(ctl, i, &gfd))
			return 1;
		if (STEP(ctl, IOT_STEP_GET_DEVICE_FD, (int)i,
			 iot_vfio_group_get_device_fd(gfd, d->addr, &d->devfd)))
			return 1;
		if (attach_interrupted(ctl))
			return 1;
	}
	for (size_t i = 0; i < ctl->nmaps; i++) {
		struct attach_map *m = &ctl->maps[i];
		uint32_t flags = (m->read ? IOT_VFIO_DMA_MAP_READ : 0) |
				 (m->write ? IOT_VFIO_DMA_MAP_WRITE : 0);

		if (map_memory(ctl, m, range, sizeof(range)))
			return 1;
		err = STEP(ctl, IOT_STEP_MAP_DMA, -1,
			   iot_vfio_map_dma(lg->container, m->buf, m->iova, m->size, flags));
		ctl->fail_what = NULL;
		if (err)
			return 1;
		m->mapped = true;
	}
	return 0;
}

static void teardown_legacy(struct attach_ctl *ctl)
{
	struct attach_legacy *lg = &ctl->lg;

	for (size_t i = ctl->nmaps; i-- > 0;) {
		if (ctl->maps[i].mapped)
			iot_vfio_unmap_dma(lg->container, ctl->maps[i].iova, ctl->maps[i].size, NULL);
		ctl->maps[i].mapped = false;
	}
	for (size_t i = ctl->ndevs; i-- > 0;) {
		if (ctl->devs[i].devfd >= 0)
			close(ctl->devs[i].devfd);
		ctl->devs[i].devfd = -1;
	}
	for (size_t i = lg->ngroups; i-- > 0;) {
		iot_vfio_group_unset_container(lg->groupfds[i]);
		close(lg->groupfds[i]);
	}
	lg->ngroups = 0;
	if (lg->container >= 0)
		close(lg->container);
	lg->container = -1;
}

/* ---- the whole run ---- */

int attach_setup(struct attach_ctl *ctl)
{
	int iommufd = -1, err;

	ctl->lg.container = -1;
	ctl->faultfd = -1;
	for (size_t i = 0; i < ctl->ndevs; i++) {
		struct attach_dev *d = &ctl->devs[i];

		if (iot_driver_is_vfio(d->driver))
			continue;
		if (STEP(ctl, IOT_STEP_BIND_DRIVER, (int)i,
			 iot_bind_driver_flags(ctl->ctx, d->addr, "vfio-pci", IOT_BIND_JOURNAL,
					       &d->binding)))
			return 1;
		if (attach_interrupted(ctl))
			return 1;
	}

	if (ctl->mock) {
		double t0 = attach_now_ms();

		/* no legacy fallback: the selftest mock is an iommufd device only */
		err = iot_iommufd_open(ctl->ctx, &iommufd);
		if (err) {
			attach_fail(ctl, -1, IOT_STEP_OPEN_IOMMUFD, err);
			return 1;
		}
		add_step(ctl, IOT_STEP_OPEN_IOMMUFD, -1, t0);
		return setup_mock(ctl, iommufd);
	}
	ctl->use_legacy = ctl->legacy;
	if (!ctl->use_legacy) {
		double t0 = attach_now_ms();

		err = iot_iommufd_open(ctl->ctx, &iommufd);
		if (err == -ENOENT) {
			ctl->use_legacy = true;
			ctl->legacy_why = "no /dev/iommu";
		} else if (err) {
			attach_fail(ctl, -1, IOT_STEP_OPEN_IOMMUFD, err);
			return 1;
		} else {
			add_step(ctl, IOT_STEP_OPEN_IOMMUFD, -1, t0);
			if (!iot_vfio_cdev_supported(ctl->ctx)) {
				close(iommufd);
				iommufd = -1;
				ctl->use_legacy = true;
				ctl->legacy_why = "no VFIO device cdev";
			}
		}
		if (ctl->use_legacy && !ctl->quiet)
			cmd_warnx("%s: using the legacy VFIO container (/dev/vfio/vfio)",
				  ctl->legacy_why);
	}
	if (ctl->use_legacy && (ctl->hold || ctl->exec_argv)) {
		cmd_warnx("%s needs iommufd (/dev/iommu and the VFIO device cdev): the legacy "
			  "VFIO container cannot be held in a session",
			  ctl->hold ? "--hold" : "--exec");
		return 1;
	}
	if (ctl->use_legacy && (ctl->hwpt_given || ctl->has_ioas || ctl->has_pasid)) {
		cmd_warnx("--ioas, --hwpt and --pasid need iommufd: the legacy VFIO container has "
			  "none of them");
		return 1;
	}
	if (ctl->use_legacy)
		return setup_legacy(ctl);
	return setup_iommufd(ctl, iommufd);
}

int attach_teardown(struct attach_ctl *ctl)
{
	int rc = 0;

	if (ctl->use_legacy) {
		teardown_legacy(ctl);
	} else {
		/* the session undoes in reverse: unmap, detach, destroy, close */
		iot_session_free(ctl->session);
		ctl->session = NULL;
		for (size_t i = 0; i < ctl->nmaps; i++)
			ctl->maps[i].mapped = false;
	}
	for (size_t i = 0; i < ctl->nmaps; i++) {
		if (ctl->maps[i].buf && ctl->maps[i].buf != MAP_FAILED)
			munmap(ctl->maps[i].buf, ctl->maps[i].size);
		ctl->maps[i].buf = MAP_FAILED;
	}
	/* drivers last: vfio-pci lets a device go only once every fd of it is closed */
	for (size_t i = ctl->ndevs; i-- > 0;) {
		struct attach_dev *d = &ctl->devs[i];
		int err;

		if (!d->binding)
			continue;
		err = ctl->keep_driver ? iot_binding_forget(d->binding) :
					 iot_binding_restore(d->binding);
		if (err) {
			cmd_warnx("%s: cannot put back %s: %s; iommu-attach --recover retries",
				  d->addr, d->binding->orig_driver ? d->binding->orig_driver :
								     "no driver",
				  err == -EIO ? "the device went to another driver" : strerror(-err));
			rc = 1;
		}
		iot_binding_free(d->binding);
		d->binding = NULL;
	}
	return rc;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * bind.c - hand a PCI device to a driver (vfio-pci) through driver_override,
 * an unbind and drivers_probe, as an administrator would, and put back the
 * driver and the override it had: every write is undone on failure, and the
 * original state is a plain record a crash journal can keep.
 */
#include <errno.h>
#include <libudev.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools-host.h"
#include "internal.h"

#define ADDR_LEN IOT_PCI_ADDR_LEN
#define DRIVER_MAX 64

int iot_norm_pci_addr(const char *addr, char buf[IOT_PCI_ADDR_LEN])
{
	int dom, bus, slot, func;

	if (iot_parse_pci_addr(addr, &dom, &bus, &slot, &func))
		return -EINVAL;
	snprintf(buf, ADDR_LEN, "%04x:%02x:%02x.%x", dom, bus, slot, func);
	return 0;
}

bool iot_driver_name_ok(const char *d)
{
	size_t n = d ? strlen(d) : 0;

	if (!n || n >= DRIVER_MAX || !strcmp(d, ".") || !strcmp(d, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (d[i] == '/' || (unsigned char)d[i] <= ' ' || d[i] == 0x7f)
			return false;
	return true;
}

static int dev_open(struct iot_ctx *ctx, const char *addr, struct iot_dir *dev)
{
	struct iot_dir devs = IOT_DIR_INIT;
	int err = iot_dir_open(ctx, "sys/bus/pci/devices", &devs);

	/* the device is a link in the bus directory: follow it inside the root */
	if (!err)
		err = iot_dir_open_link(&devs, addr, dev);
	iot_dir_close(&devs);
	return err == -ENOENT ? -ENODEV : err;
}

/* The driver bound now into @buf, "" when none. */
static int current_driver(const struct iot_dir *dev, char *buf, size_t len)
{
	int err = iot_dir_link_base(dev, "driver", buf, len);

	if (err == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	return err;
}

/* driver_override, NULL for none: the kernel shows "(null)", a cleared copy "". */
static int read_override(const struct iot_dir *dev, char **out)
{
	char buf[DRIVER_MAX + 8];
	ssize_t n = iot_dir_read_str(dev, "driver_override", buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (!n || !strcmp(buf, "(null)")) {
		*out = NULL;
		return 0;
	}
	if (!iot_driver_name_ok(buf))
		return -EINVAL;
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

static int write_override(const struct iot_dir *dev, const char *driver)
{
	/* a lone newline clears it */
	return iot_dir_write_str(dev, "driver_override", driver ? driver : "\n");
}

static int unbind(const struct iot_dir *dev, const char *addr)
{
	struct iot_dir drv = IOT_DIR_INIT;
	int err = iot_dir_open_link(dev, "driver", &drv);

	if (err == -ENOENT)
		return 0; /* gone meanwhile */
	if (!err)
		err = iot_dir_write_str(&drv, "unbind", addr);
	iot_dir_close(&drv);
	return err;
}

static int probe(struct iot_ctx *ctx, const char *addr)
{
	struct iot_dir bus = IOT_DIR_INIT;
	int err = iot_dir_open(ctx, "sys/bus/pci", &bus);

	if (!err)
		err = iot_dir_write_str(&bus, "drivers_probe", addr);
	iot_dir_close(&bus);
	return err;
}

void iot_binding_free(struct iot_binding *b)
{
	if (!b)
		return;
	free(b->device);
	free(b->driver);
	free(b->orig_driver);
	free(b->orig_override);
	free(b);
}

static char *strdup_or_null(const char *s, bool *fail)
{
	char *c;

	if (!s)
		return NULL;
	c = strdup(s);
	if (!c)
		*fail = true;
	return c;
}

int iot_binding_new(struct iot_ctx *ctx, const char *addr, const char *driver,
		    const char *orig_driver, const char *orig_override, struct iot_binding **out)
{
	char canon[ADDR_LEN];
	struct iot_binding *b;
	bool fail = false;

	if (iot_norm_pci_addr(addr, canon) || !iot_driver_name_ok(driver) ||
	    (orig_driver && !iot_driver_name_ok(orig_driver)) ||
	    (orig_override && !iot_driver_name_ok(orig_override)))
		return -EINVAL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->ctx = ctx;
	b->device = strdup_or_null(canon, &fail);
	b->driver = strdup_or_null(driver, &fail);
	b->orig_driver = strdup_or_null(orig_driver, &fail);
	b->orig_override = strdup_or_null(orig_override, &fail);
	/* rebuilt from a journal: the device may be anywhere, restore must look */
	b->changed = true;
	if (fail) {
		iot_binding_free(b);
		return -ENOMEM;
	}
	*out = b;
	return 0;
}

/* Drop the binding's journal record: the device is where its owner wants it. */
static int forget(struct iot_binding *b)
{
	int err;

	if (!b->journaled)
		return 0;
	err = iot_journal_remove(b->ctx, b->device, b->journal_pid);
	/* restored all the same: a stale record restores to where it is, and goes */
	if (err)
		iot_warn(b->ctx, "%s: restored, but its journal record stays: %s", b->device,
			 strerror(-err));
	else
		b->journaled = false;
	return err;
}

int iot_binding_forget(struct iot_binding *b)
{
	int err = forget(b);

	if (!err)
		b->changed = false;
	return err;
}

int iot_binding_restore(struct iot_binding *b)
{
	const char *want = b->orig_driver ? b->orig_driver : "";
	struct iot_dir dev = IOT_DIR_INIT;
	char cur[DRIVER_MAX];
	int err;

	if (!b->changed)
		return 0;
	err = dev_open(b->ctx, b->device, &dev);
	if (!err)
		err = current_driver(&dev, cur, sizeof(cur));
	if (!err)
		err = write_override(&dev, b->orig_override);
	if (!err && cur[0] && strcmp(cur, want))
		err = unbind(&dev, b->device);
	/* with the old override back, the kernel picks the old driver again */
	if (!err && b->orig_driver && strcmp(cur, want))
		err = probe(b->ctx, b->device);
	if (!err)
		err = current_driver(&dev, cur, sizeof(cur));
	if (!err && strcmp(cur, want)) {
		/* -EIO says it; the caller names the device in its own line */
		iot_dbg(b->ctx, "%s: restore left it on %s, not %s", b->device,
			cur[0] ? cur : "no driver", b->orig_driver ? b->orig_driver : "no driver");
		err = -EIO;
	}
	if (err)
		iot_dbg(b->ctx, "%s: restore: %s", b->device, strerror(-err));
	else
		b->changed = false;
	iot_dir_close(&dev);
	if (!err)
		forget(b);
	return err;
}

extern char **environ;

/*
 * On a live host, load @driver's module when its driver is not registered yet
 * (modprobe -q: a module built in, or absent, is the bind's ENXIO to report).
 * A captured tree has no kernel to load anything into.
 */
static void load_driver(struct iot_ctx *ctx, const char *driver)
{
	char path[128], *argv[] = { "modprobe", "-q", "--", (char *)driver, NULL };
	int status = 0, err;
	pid_t pid;

	snprintf(path, sizeof(path), "sys/bus/pci/drivers/%s", driver);
	if (!ctx->live || iot_root_stat(ctx, path, NULL) == 0)
		return;
	err = posix_spawnp(&pid, "modprobe", NULL, NULL, argv, environ);
	if (!err && waitpid(pid, &status, 0) < 0)
		err = errno;
	iot_dbg(ctx, "modprobe %s: %s, status %d", driver, strerror(err), status);
}

int iot_bind_driver_flags(struct iot_ctx *ctx, const char *addr, const char *driver,
			  unsigned flags, struct iot_binding **out)
{
	struct iot_dir dev = IOT_DIR_INIT;
	char canon[ADDR_LEN], cur[DRIVER_MAX];
	struct iot_binding *b = NULL;
	char *override = NULL;
	const char *step;
	int err, undo;

	if (iot_norm_pci_addr(addr, canon) || !iot_driver_name_ok(driver))
		return -EINVAL;
	err = dev_open(ctx, canon, &dev);
	if (err)
		return err;
	step = "read driver";
	err = current_driver(&dev, cur, sizeof(cur));
	if (!err) {
		step = "read driver_override";
		err = read_override(&dev, &override);
	}
	if (!err)
		err = iot_binding_new(ctx, canon, driver, cur[0] ? cur : NULL, override, &b);
	free(override);
	if (err)
		goto out;
	if (!strcmp(cur, driver)) {
		b->changed = false;
		goto out;
	}
	load_driver(ctx, driver);
	/* recorded before the first write, so that a kill at any point can be undone */
	if (flags & IOT_BIND_JOURNAL) {
		step = "record in the journal";
		b->journal_pid = (int)getpid();
		err = iot_journal_add(ctx, b, b->journal_pid);
		if (err)
			goto out;
		b->journaled = true;
	}
	/* from the first write on, a failure undoes what was written */
	step = "write driver_override";
	err = write_override(&dev, driver);
	if (!err && cur[0]) {
		step = "unbind";
		err = unbind(&dev, canon);
	}
	if (!err) {
		step = "drivers_probe";
		err = probe(ctx, canon);
	}
	if (!err) {
		step = "check the new driver";
		err = current_driver(&dev, cur, sizeof(cur));
		if (!err && strcmp(cur, driver))
			err = -ENXIO; /* not loaded, or it refused the device */
	}
	if (err) {
		undo = iot_binding_restore(b);
		if (undo)
			iot_err(ctx, "%s: could not undo a failed bind: %s", canon, strerror(-undo));
	}
out:
	iot_dir_close(&dev);
	if (err) {
		iot_dbg(ctx, "%s: bind to %s: %s: %s", canon, driver, step, strerror(-err));
		iot_binding_free(b);
		return err;
	}
	*out = b;
	return 0;
}

int iot_bind_driver(struct iot_ctx *ctx, const char *addr, const char *driver,
		    struct iot_binding **out)
{
	return iot_bind_driver_flags(ctx, addr, driver, 0, out);
}

/* ---- waiting for the VFIO cdev --------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The device's vfio-dev/vfioN, and on a live host its /dev node too. */
static int find_cdev(struct iot_ctx *ctx, const char *addr, char *buf, size_t len)
{
	struct iot_dir dev = IOT_DIR_INIT, vdir = IOT_DIR_INIT;
	char **names = NULL, node[64];
	ssize_t n = 0;
	int err;

	err = dev_open(ctx, addr, &dev);
	if (!err)
		err = iot_dir_open_sub(&dev, "vfio-dev", &vdir);
	if (!err)
		n = iot_dir_list(&vdir, &names);
	err = err ? err : n < 0 ? (int)n : -ENOENT;
	for (ssize_t i = 0; i < n && err == -ENOENT; i++) {
		struct stat st;
		int num;

		if (strncmp(names[i], "vfio", 4) || iot_parse_int(names[i] + 4, 10, &num) ||
		    num < 0)
			continue;
		snprintf(node, sizeof(node), "dev/vfio/devices/%s", names[i]);
		if (ctx->live && (iot_root_stat(ctx, node, &st) || !S_ISCHR(st.st_mode)))
			continue;
		err = snprintf(buf, len, "%s", names[i]) >= (int)len ? -ENAMETOOLONG : 0;
	}
	iot_strv_free(names, n > 0 ? (size_t)n : 0);
	iot_dir_close(&vdir);
	iot_dir_close(&dev);
	return err;
}

/* Where udevd runs, its rules (owner, mode) are applied once it has seen the device. */
static bool udev_done(struct udev *udev, const char *name)
{
	struct udev_device *d;
	bool done;

	if (!udev)
		return true;
	d = udev_device_new_from_subsystem_sysname(udev, "vfio-dev", name);
	done = d && udev_device_get_is_initialized(d) > 0;
	udev_device_unref(d);
	return done;
}

int iot_bind_wait_cdev(struct iot_ctx *ctx, const char *addr, int timeout_ms, char *buf,
		       size_t len)
{
	long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct udev_monitor *mon = NULL;
	struct udev *udev = NULL;
	bool udevd = false;
	char canon[ADDR_LEN];
	int err;

	if (iot_norm_pci_addr(addr, canon))
		return -EINVAL;
	if (ctx->live) {
		udevd = iot_root_stat(ctx, "run/udev/control", NULL) == 0;
		udev = udev_new();
		if (udev)
			mon = udev_monitor_new_from_netlink(udev, udevd ? "udev" : "kernel");
		if (mon && (udev_monitor_filter_add_match_subsystem_devtype(mon, "vfio-dev",
									    NULL) < 0 ||
			    udev_monitor_enable_receiving(mon) < 0)) {
			udev_monitor_unref(mon);
			mon = NULL;
		}
		if (!mon)
			iot_dbg(ctx, "no udev monitor: polling for the cdev of %s", canon);
	}
	for (;;) {
		long long left;

		err = find_cdev(ctx, canon, buf, len);
		if (!err && udev_done(udevd ? udev : NULL, buf))
			break;
		if (err && err != -ENOENT)
			break;
		left = deadline - now_ms();
		if (left <= 0) {
			err = -ETIMEDOUT;
			break;
		}
		if (mon) {
			struct pollfd pfd = { .fd = udev_monitor_get_fd(mon), .events = POLLIN };

			/* a wake-up is a hint; the directory is the truth, so also look now and then */
			if (poll(&pfd, 1, (int)(left < 100 ? left : 100)) > 0) {
				struct udev_device *d;

				while ((d = udev_monitor_receive_device(mon)))
					udev_device_unref(d);
			}
		} else {
			struct timespec ts = { .tv_nsec = 10 * 1000000L };

			nanosleep(&ts, NULL);
		}
	}
	udev_monitor_unref(mon);
	udev_unref(udev);
	return err;
}

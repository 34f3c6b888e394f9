// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * hotplug.c - PCI and platform devices arriving and leaving while a monitor runs, from a
 * libudev monitor: udevd's events where udevd runs (rules applied), else the kernel's own
 * uevents. The caller looks the device up again through the snapshot; nothing is cached here.
 */
#include <errno.h>
#include <libudev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-host.h"
#include "internal.h"

struct iot_hotplug {
	struct udev *udev;
	struct udev_monitor *mon;
};

void iot_hotplug_close(struct iot_hotplug *h)
{
	if (!h)
		return;
	udev_monitor_unref(h->mon);
	udev_unref(h->udev);
	free(h);
}

int iot_hotplug_open(struct iot_ctx *ctx, struct iot_hotplug **out)
{
	struct iot_hotplug *h;
	bool udevd;
	int err = 0;

	if (!iot_ctx_is_live(ctx))
		return -ENODEV;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	udevd = iot_root_stat(ctx, "run/udev/control", NULL) == 0;
	errno = 0;
	h->udev = udev_new();
	if (h->udev)
		h->mon = udev_monitor_new_from_netlink(h->udev, udevd ? "udev" : "kernel");
	if (!h->mon) {
		err = errno ? -errno : -ENOMEM;
		goto fail;
	}
	if (udev_monitor_filter_add_match_subsystem_devtype(h->mon, "pci", NULL) < 0 ||
	    udev_monitor_filter_add_match_subsystem_devtype(h->mon, "platform", NULL) < 0 ||
	    udev_monitor_enable_receiving(h->mon) < 0) {
		err = errno ? -errno : -EINVAL;
		goto fail;
	}
	iot_dbg(ctx, "hotplug: %s events", udevd ? "udev" : "kernel");
	*out = h;
	return 0;
fail:
	iot_hotplug_close(h);
	return err;
}

int iot_hotplug_fd(const struct iot_hotplug *h)
{
	return udev_monitor_get_fd(h->mon);
}

int iot_hotplug_next(struct iot_hotplug *h, enum iot_hotplug_action *action, char *name,
		     size_t len)
{
	for (;;) {
		struct udev_device *d = udev_monitor_receive_device(h->mon);
		const char *act, *sys;

		if (!d)
			return 0; /* nothing waiting (the socket is non-blocking) */
		act = udev_device_get_action(d);
		sys = udev_device_get_sysname(d);
		if (!act || !sys || strlen(sys) >= len) {
			udev_device_unref(d);
			continue;
		}
		if (!strcmp(act, "add"))
			*action = IOT_HOTPLUG_ADD;
		else if (!strcmp(act, "remove"))
			*action = IOT_HOTPLUG_REMOVE;
		else if (!strcmp(act, "bind"))
			*action = IOT_HOTPLUG_BIND;
		else if (!strcmp(act, "unbind"))
			*action = IOT_HOTPLUG_UNBIND;
		else
			*action = IOT_HOTPLUG_OTHER;
		snprintf(name, len, "%s", sys);
		udev_device_unref(d);
		return 1;
	}
}

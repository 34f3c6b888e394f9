// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio.c - the VFIO device cdev: find and verify /dev/vfio/devices/vfioN for
 * a PCI device, then one wrapper per device ioctl (bind, attach, detach,
 * region info, reset).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "internal.h"
#include "ioctl.h"
#include "iommu-tools-iommufd.h"
#include "uapi-iommufd.h"

/* "vfio" followed by digits only: the only names we open below dev/. */
static bool is_cdev_name(const char *name)
{
	const char *p;

	if (strncmp(name, "vfio", 4) || !name[4])
		return false;
	for (p = name + 4; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

/* "MAJOR:MINOR" from a sysfs dev attribute, strictly */
static int parse_devnum(const char *s, dev_t *out)
{
	char buf[32];
	char *colon;
	int major, minor, err;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", s) >= sizeof(buf))
		return -EINVAL;
	colon = strchr(buf, ':');
	if (!colon)
		return -EINVAL;
	*colon = '\0';
	err = iot_parse_int(buf, 10, &major);
	if (!err)
		err = iot_parse_int(colon + 1, 10, &minor);
	if (err)
		return err;
	*out = makedev((unsigned)major, (unsigned)minor);
	return 0;
}

/*
 * Find the device's single vfio-dev/vfioN child: its name and the device
 * number sysfs gives for it.
 */
static int find_cdev(struct iot_ctx *ctx, const char *addr, char *name, size_t len,
		     dev_t *devnum)
{
	struct iot_dir bus = IOT_DIR_INIT, dev = IOT_DIR_INIT, vdir = IOT_DIR_INIT;
	struct iot_dir cdir = IOT_DIR_INIT;
	char buf[64];
	char **names = NULL;
	ssize_t n = 0, n_read;
	int err;

	err = iot_dir_open(ctx, "sys/bus/pci/devices", &bus);
	if (err)
		goto out;
	err = iot_dir_open_link(&bus, addr, &dev);
	if (err) {
		iot_dbg(ctx, "%s/%s: %s", bus.path, addr, strerror(-err));
		goto out;
	}
	err = iot_dir_open_sub(&dev, "vfio-dev", &vdir);
	if (err) {
		/* not bound to a VFIO driver, or no VFIO_DEVICE_CDEV */
		iot_dbg(ctx, "%s/vfio-dev: %s", dev.path, strerror(-err));
		err = err == -ENOENT ? -ENODEV : err;
		goto out;
	}
	n = iot_dir_list(&vdir, &names);
	if (n < 0) {
		err = (int)n;
		n = 0;
		goto out;
	}
	if (n != 1 || !is_cdev_name(names[0]) || strlen(names[0]) >= len) {
		iot_dbg(ctx, "%s: expected one vfioN entry, found %zd", vdir.path, n);
		err = -ENODEV;
		goto out;
	}
	err = iot_dir_open_sub(&vdir, names[0], &cdir);
	if (err)
		goto out;
	n_read = iot_dir_read_str(&cdir, "dev", buf, sizeof(buf));
	err = n_read < 0 ? (int)n_read : parse_devnum(buf, devnum);
	if (err) {
		iot_bad_value(&cdir, "dev", err, n_read < 0 ? NULL : buf);
		err = -ENODEV;
		goto out;
	}
	snprintf(name, len, "%s", names[0]);
out:
	iot_strv_free(names, (size_t)n);
	iot_dir_close(&cdir);
	iot_dir_close(&vdir);
	iot_dir_close(&dev);
	iot_dir_close(&bus);
	return err;
}

int iot_vfio_cdev_open(struct iot_ctx *ctx, const char *pci_addr, int *fd)
{
	struct iot_dir devdir = IOT_DIR_INIT;
	int domain, busnr, slot, func, nfd, err;
	char addr[16], name[32];
	struct stat st;
	dev_t devnum;

	err = iot_parse_pci_addr(pci_addr, &domain, &busnr, &slot, &func);
	if (err)
		return err;
	snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", (unsigned)domain, (unsigned)busnr,
		 (unsigned)slot, (unsigned)func);
	err = find_cdev(ctx, addr, name, sizeof(name), &devnum);
	if (err)
		return err;

	err = iot_dir_open(ctx, "dev/vfio/devices", &devdir);
	if (err) {
		iot_dbg(ctx, "dev/vfio/devices: %s", strerror(-err));
		return err;
	}
	/* a single checked component below a directory opened inside the root */
	nfd = openat(devdir.fd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	err = nfd < 0 ? -errno : 0;
	iot_dir_close(&devdir);
	if (err) {
		iot_dbg(ctx, "dev/vfio/devices/%s: %s", name, strerror(-err));
		return err;
	}
	if (fstat(nfd, &st) < 0) {
		err = -errno;
		close(nfd);
		return err;
	}
	/* the node must be the device sysfs names, not whatever took its place */
	if (!S_ISCHR(st.st_mode) || st.st_rdev != devnum) {
		iot_dbg(ctx, "dev/vfio/devices/%s: is not %u:%u", name, major(devnum),
			minor(devnum));
		close(nfd);
		return -ESTALE;
	}
	iot_dbg(ctx, "%s: opened dev/vfio/devices/%s as fd %d", addr, name, nfd);
	*fd = nfd;
	return 0;
}

bool iot_vfio_cdev_supported(struct iot_ctx *ctx)
{
	/* the class appears with the vfio module of a CONFIG_VFIO_DEVICE_CDEV kernel */
	return iot_root_stat(ctx, "sys/class/vfio-dev", NULL) == 0 ||
	       iot_root_stat(ctx, "dev/vfio/devices", NULL) == 0;
}

int iot_vfio_bind_iommufd(int devfd, int iommufd, uint32_t *dev_id)
{
	struct iot_uapi_vfio_device_bind_iommufd cmd = {
		.argsz = sizeof(cmd),
		.iommufd = iommufd,
	};
	int err = do_ioctl(devfd, IOT_VFIO_DEVICE_BIND_IOMMUFD, &cmd);

	if (err)
		return err;
	*dev_id = cmd.out_devid;
	return 0;
}

int iot_vfio_attach_pt(int devfd, uint32_t pt_id, uint32_t *out_pt_id)
{
	struct iot_uapi_vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.pt_id = pt_id,
	};
	int err = do_ioctl(devfd, IOT_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);

	if (err)
		return err;
	if (out_pt_id)
		*out_pt_id = cmd.pt_id;
	return 0;
}

int iot_vfio_attach_pasid(int devfd, uint32_t pasid, uint32_t pt_id, uint32_t *out_pt_id)
{
	struct iot_uapi_vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.flags = IOT_VFIO_DEVICE_ATTACH_PASID,
		.pt_id = pt_id,
		.pasid = pasid,
	};
	int err = do_ioctl(devfd, IOT_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);

	if (err)
		return err;
	if (out_pt_id)
		*out_pt_id = cmd.pt_id;
	return 0;
}

int iot_vfio_detach_pt(int devfd)
{
	struct iot_uapi_vfio_device_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
	};

	return do_ioctl(devfd, IOT_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
}

int iot_vfio_detach_pasid(int devfd, uint32_t pasid)
{
	struct iot_uapi_vfio_device_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.flags = IOT_VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};

	return do_ioctl(devfd, IOT_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
}

int iot_vfio_device_info(int devfd, struct iot_vfio_device_info *out)
{
	struct vfio_device_info cmd = {
		.argsz = sizeof(cmd),
	};
	int err = do_ioctl(devfd, VFIO_DEVICE_GET_INFO, &cmd);

	if (err)
		return err;
	out->flags = cmd.flags;
	out->num_regions = cmd.num_regions;
	out->num_irqs = cmd.num_irqs;
	return 0;
}

int iot_vfio_region_info(int devfd, uint32_t index, struct iot_vfio_region *out)
{
	struct vfio_region_info cmd = {
		.argsz = sizeof(cmd),
		.index = index,
	};
	int err = do_ioctl(devfd, VFIO_DEVICE_GET_REGION_INFO, &cmd);

	if (err)
		return err;
	out->flags = cmd.flags;
	out->size = cmd.size;
	out->offset = cmd.offset;
	return 0;
}

int iot_vfio_reset(int devfd)
{
	return do_ioctl(devfd, VFIO_DEVICE_RESET, NULL);
}

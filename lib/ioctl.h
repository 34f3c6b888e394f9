/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ioctl.h - the one ioctl() call of iommufd.c and vfio.c, with an optional trace. */
#ifndef IOT_IOCTL_H
#define IOT_IOCTL_H

/*
 * Issue @request on @fd once. Returns 0 or the negative errno, taken before
 * anything else can change it. With IOMMU_TOOLS_DEBUG=ioctl in the
 * environment (read once per process, as util-linux reads LIBMOUNT_DEBUG),
 * one line per call goes to stderr: the request's name, the fd, the ids
 * going in and the ids coming out, or the error's name:
 *   iommufd: IOMMU_IOAS_ALLOC fd 3: ok, ioas 2
 *   vfio: VFIO_DEVICE_ATTACH_IOMMUFD_PT fd 5 pt 7: EINVAL
 * The wrappers take an fd, not a context, hence the environment rather than
 * the log callback; it is the library's only output of its own.
 */
int iot_ioctl(int fd, unsigned long request, const char *name, void *arg);
#define do_ioctl(fd, request, arg) iot_ioctl(fd, request, #request, arg)

/* The IOMMU_TOOLS_DEBUG words this library knows; the mask read from the environment. */
enum {
	IOT_DEBUG_IOCTL = 1 << 0,
};
unsigned iot_debug_mask(void);

#endif

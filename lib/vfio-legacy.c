// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vfio-legacy.c - the VFIO group and type1 container (/dev/vfio/vfio,
 * /dev/vfio/N), for kernels without /dev/iommu or the VFIO device cdev: one
 * wrapper per ioctl, no policy, 0 or a negative errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu-tools-attach.h"
#include "internal.h"

_Static_assert(IOT_VFIO_TYPE1v2_IOMMU == VFIO_TYPE1v2_IOMMU, "type1v2");
_Static_assert(IOT_VFIO_DMA_MAP_READ == VFIO_DMA_MAP_FLAG_READ, "map read");
_Static_assert(IOT_VFIO_DMA_MAP_WRITE == VFIO_DMA_MAP_FLAG_WRITE, "map write");
_Static_assert(IOT_VFIO_GROUP_VIABLE == VFIO_GROUP_FLAGS_VIABLE, "viable");
_Static_assert(IOT_VFIO_GROUP_CONTAINER_SET == VFIO_GROUP_FLAGS_CONTAINER_SET, "set");

/* A character device below the root, opened read-write. */
static int open_chr(struct iot_ctx *ctx, const char *path, int *out)
{
	int fd = iot_root_open(ctx, path, O_RDWR);
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode)) {
		close(fd);
		return -ENODEV;
	}
	*out = fd;
	return 0;
}

int iot_vfio_container_open(struct iot_ctx *ctx, int *fd)
{
	int c, err = open_chr(ctx, "dev/vfio/vfio", &c), v;

	if (err)
		return err;
	v = ioctl(c, VFIO_GET_API_VERSION);
	if (v != VFIO_API_VERSION) {
		close(c);
		return v < 0 ? -errno : -EPROTO;
	}
	*fd = c;
	return 0;
}

int iot_vfio_check_extension(int container, uint32_t ext)
{
	int r = ioctl(container, VFIO_CHECK_EXTENSION, (unsigned long)ext);

	return r < 0 ? -errno : r > 0;
}

int iot_vfio_pci_group(struct iot_ctx *ctx, const char *addr, int *group)
{
	char canon[IOT_PCI_ADDR_LEN], name[32];
	struct iot_dir devs = IOT_DIR_INIT, dev = IOT_DIR_INIT;
	int err, g;

	if (iot_norm_pci_addr(addr, canon))
		return -EINVAL;
	err = iot_dir_open(ctx, "sys/bus/pci/devices", &devs);
	if (!err)
		err = iot_dir_open_link(&devs, canon, &dev);
	if (!err)
		err = iot_dir_link_base(&dev, "iommu_group", name, sizeof(name));
	if (!err && (iot_parse_int(name, 10, &g) || g < 0))
		err = -EINVAL;
	iot_dir_close(&dev);
	iot_dir_close(&devs);
	if (err)
		return err == -ENOENT ? -ENODEV : err;
	*group = g;
	return 0;
}

int iot_vfio_group_open(struct iot_ctx *ctx, int group, int *fd)
{
	char path[32];

	if (group < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "dev/vfio/%d", group);
	return open_chr(ctx, path, fd);
}

int iot_vfio_group_status(int groupfd, uint32_t *flags)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };

	if (ioctl(groupfd, VFIO_GROUP_GET_STATUS, &st) < 0)
		return -errno;
	*flags = st.flags;
	return 0;
}

int iot_vfio_group_set_container(int groupfd, int container)
{
	return ioctl(groupfd, VFIO_GROUP_SET_CONTAINER, &container) < 0 ? -errno : 0;
}

int iot_vfio_group_unset_container(int groupfd)
{
	return ioctl(groupfd, VFIO_GROUP_UNSET_CONTAINER) < 0 ? -errno : 0;
}

int iot_vfio_set_iommu(int container, uint32_t type)
{
	return ioctl(container, VFIO_SET_IOMMU, (unsigned long)type) < 0 ? -errno : 0;
}

int iot_vfio_group_get_device_fd(int groupfd, const char *addr, int *devfd)
{
	char canon[IOT_PCI_ADDR_LEN];
	int fd;

	if (iot_norm_pci_addr(addr, canon))
		return -EINVAL;
	fd = ioctl(groupfd, VFIO_GROUP_GET_DEVICE_FD, canon);
	if (fd < 0)
		return -errno;
	*devfd = fd;
	return 0;
}

int iot_vfio_map_dma(int container, void *va, uint64_t iova, uint64_t size, uint32_t flags)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = flags,
		.vaddr = (uint64_t)(uintptr_t)va,
		.iova = iova,
		.size = size,
	};

	return ioctl(container, VFIO_IOMMU_MAP_DMA, &map) < 0 ? -errno : 0;
}

int iot_vfio_unmap_dma(int container, uint64_t iova, uint64_t size, uint64_t *unmapped)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = iova,
		.size = size,
	};

	if (ioctl(container, VFIO_IOMMU_UNMAP_DMA, &unmap) < 0)
		return -errno;
	if (unmapped)
		*unmapped = unmap.size;
	return 0;
}

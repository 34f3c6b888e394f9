// SPDX-License-Identifier: GPL-2.0-or-later
/* edu.c - QEMU's edu device through a VFIO cdev: what edu-dma and replace-check share. */
#include <errno.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "iommu-tools-iommufd.h"

#include "edu.h"

uint32_t edu_rd32(struct edu *e, unsigned off)
{
	return *(volatile uint32_t *)(e->bar + off);
}

uint64_t edu_rd64(struct edu *e, unsigned off)
{
	return *(volatile uint64_t *)(e->bar + off);
}

void edu_wr64(struct edu *e, unsigned off, uint64_t val)
{
	*(volatile uint64_t *)(e->bar + off) = val;
}

double edu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One edu DMA; the device finishes after a 100 ms timer. -ETIMEDOUT if it never does. */
int edu_dma(struct edu *e, bool to_ram, uint64_t src, uint64_t dst, uint64_t count)
{
	const struct timespec ms = { .tv_nsec = 1000000 };
	uint64_t dev = to_ram ? src : dst;
	double deadline = edu_now() + 10.0;

	/* a bad device-side range is a QEMU hw_error, which kills the whole VM */
	if (dev < EDU_BUF || count >= EDU_BUF_SIZE || dev - EDU_BUF >= EDU_BUF_SIZE - count)
		return -EINVAL;
	edu_wr64(e, EDU_DMA_SRC, src);
	edu_wr64(e, EDU_DMA_DST, dst);
	edu_wr64(e, EDU_DMA_COUNT, count);
	edu_wr64(e, EDU_DMA_CMD, EDU_CMD_START | (to_ram ? EDU_CMD_TO_RAM : 0));
	while (edu_rd64(e, EDU_DMA_CMD) & EDU_CMD_START) {
		if (edu_now() > deadline)
			return -ETIMEDOUT;
		nanosleep(&ms, NULL);
	}
	return 0;
}

void edu_fill(uint8_t *p, size_t len, unsigned seed)
{
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed + (i >> 8));
}

size_t edu_first_mismatch(const uint8_t *p, size_t len, unsigned seed)
{
	uint8_t want[XFER];
	size_t i;

	edu_fill(want, len, seed);
	for (i = 0; i < len; i++)
		if (p[i] != want[i])
			return i;
	return len;
}

int edu_enable_bus_master(struct edu *e)
{
	struct iot_vfio_region cfg;
	uint16_t cmd;
	int err;

	err = iot_vfio_region_info(e->devfd, VFIO_PCI_CONFIG_REGION_INDEX, &cfg);
	if (err)
		return err;
	if (pread(e->devfd, &cmd, sizeof(cmd), (off_t)(cfg.offset + PCI_COMMAND)) != sizeof(cmd))
		return -EIO;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(e->devfd, &cmd, sizeof(cmd), (off_t)(cfg.offset + PCI_COMMAND)) != sizeof(cmd))
		return -EIO;
	return 0;
}

int edu_map_bar0(struct edu *e)
{
	struct iot_vfio_region bar;
	void *p;
	int err;

	err = iot_vfio_region_info(e->devfd, VFIO_PCI_BAR0_REGION_INDEX, &bar);
	if (err)
		return err;
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < EDU_BUF + EDU_BUF_SIZE)
		return -ENXIO;
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, e->devfd, (off_t)bar.offset);
	if (p == MAP_FAILED)
		return -errno;
	e->bar = p;
	e->bar_size = bar.size;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* edu.c - QEMU's edu device through a VFIO device fd, for the guest test programs (edu.h). */
#include <errno.h>
#include <inttypes.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "iommu-tools-iommufd.h"
#include "report.h"

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2 /* direction: device buffer to RAM */

uint32_t edu_rd32(const struct edu *e, unsigned off)
{
	return *(volatile uint32_t *)(e->bar + off);
}

uint64_t edu_rd64(const struct edu *e, unsigned off)
{
	return *(volatile uint64_t *)(e->bar + off);
}

void edu_wr64(const struct edu *e, unsigned off, uint64_t val)
{
	*(volatile uint64_t *)(e->bar + off) = val;
}

double edu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int edu_dma(const struct edu *e, bool to_ram, uint64_t src, uint64_t dst, uint64_t count)
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
	uint8_t want[EDU_XFER];
	size_t i;

	edu_fill(want, len, seed);
	for (i = 0; i < len; i++)
		if (p[i] != want[i])
			return i;
	return len;
}

int edu_round_trip(const struct edu *e, unsigned seed, const char *what)
{
	size_t bad;
	int err;

	edu_fill(e->buf, EDU_XFER, seed);
	err = edu_dma(e, false, e->iova, EDU_BUF, EDU_XFER);
	if (err) {
		fail("%s: DMA RAM->device at iova 0x%" PRIx64 ": %s", what, e->iova,
		     strerror(-err));
		return err;
	}
	memset(e->buf, 0, EDU_XFER);
	err = edu_dma(e, true, EDU_BUF, e->iova, EDU_XFER);
	if (err) {
		fail("%s: DMA device->RAM at iova 0x%" PRIx64 ": %s", what, e->iova,
		     strerror(-err));
		return err;
	}
	bad = edu_first_mismatch(e->buf, EDU_XFER, seed);
	if (bad != EDU_XFER) {
		fail("%s: data differs at byte %zu after RAM->device->RAM via iova 0x%" PRIx64
		     " (got 0x%02x)", what, bad, e->iova, e->buf[bad]);
		return -EIO;
	}
	pass("%s: %d bytes RAM->device->RAM via iova 0x%" PRIx64 ", data matches", what,
	     EDU_XFER, e->iova);
	return 0;
}

int edu_enable_bus_master(const struct edu *e)
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

int edu_check_id(const struct edu *e)
{
	uint32_t id = edu_rd32(e, EDU_ID);

	if (id != EDU_ID_VALUE) {
		fail("edu id register reads 0x%08x, want 0x%08x", id, EDU_ID_VALUE);
		return -ENODEV;
	}
	pass("edu id 0x%08x, BAR0 %zu bytes", EDU_ID_VALUE, e->bar_size);
	return 0;
}

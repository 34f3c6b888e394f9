/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edu.h - QEMU's edu device driven through a VFIO cdev, shared by the guest
 * programs that DMA with it (edu-dma, replace-check): registers, one DMA,
 * the data pattern, and the setup of BAR0 and bus mastering.
 */
#ifndef IOT_GUEST_EDU_H
#define IOT_GUEST_EDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "iommu-tools.h"

/* edu BAR0 registers (QEMU docs/specs/edu.rst) */
#define EDU_ID 0x00
#define EDU_ID_VALUE 0x010000edU
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2 /* direction: device buffer to RAM */
#define EDU_BUF 0x40000    /* the device's own 4 KiB buffer */
#define EDU_BUF_SIZE 4096

/*
 * Bytes per DMA. QEMU 7.2's edu rejects a transfer that ends exactly at the
 * end of its buffer (and aborts QEMU), so stay below 4096.
 */
#define XFER 2048
#define MAP_SIZE 4096 /* the IOAS mapping: one page */
#define DEFAULT_IOVA 0x100000ULL /* below edu's 28-bit DMA mask */
#define FAULT_IOVA 0x200000ULL   /* never mapped */

struct edu {
	struct iot_ctx *ctx;
	int devfd;
	int iommufd;
	uint32_t dev_id;
	volatile uint8_t *bar;
	size_t bar_size;
	uint8_t *buf; /* MAP_SIZE bytes of RAM the device reads and writes */
	uint64_t iova;
};

uint32_t edu_rd32(struct edu *e, unsigned off);
uint64_t edu_rd64(struct edu *e, unsigned off);
void edu_wr64(struct edu *e, unsigned off, uint64_t val);
/* CLOCK_MONOTONIC in seconds */
double edu_now(void);
/* One edu DMA; the device finishes after a 100 ms timer. -ETIMEDOUT if it never does. */
int edu_dma(struct edu *e, bool to_ram, uint64_t src, uint64_t dst, uint64_t count);
/* The test pattern of @seed, and the first byte of @p that differs from it (@len: none). */
void edu_fill(uint8_t *p, size_t len, unsigned seed);
size_t edu_first_mismatch(const uint8_t *p, size_t len, unsigned seed);
/* PCI_COMMAND memory and bus master on, through the device fd's config region. */
int edu_enable_bus_master(struct edu *e);
/* mmap BAR0 into e->bar. */
int edu_map_bar0(struct edu *e);

#endif

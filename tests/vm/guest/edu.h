/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * edu.h - QEMU's edu device driven through a VFIO device fd, shared by the
 * guest programs that check DMA through the IOMMU: BAR0 mapped, bus master
 * on, a DMA each way and a round trip whose data is checked.
 */
#ifndef IOT_GUEST_EDU_H
#define IOT_GUEST_EDU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* edu BAR0 registers (QEMU docs/specs/edu.rst) */
#define EDU_ID 0x00
#define EDU_ID_VALUE 0x010000edU
#define EDU_BUF 0x40000 /* the device's own 4 KiB buffer */
#define EDU_BUF_SIZE 4096

/*
 * Bytes per DMA. QEMU 7.2's edu rejects a transfer that ends exactly at the
 * end of its buffer (and aborts QEMU), so stay below 4096.
 */
#define EDU_XFER 2048
#define EDU_MAP_SIZE 4096 /* the IOAS mapping a test makes: one page */
#define EDU_DEFAULT_IOVA 0x100000ULL /* below edu's 28-bit DMA mask */
#define EDU_FAULT_IOVA 0x200000ULL   /* never mapped by the tests */

struct iot_ctx;

struct edu {
	struct iot_ctx *ctx;
	int devfd;
	int iommufd;
	uint32_t dev_id;
	volatile uint8_t *bar;
	size_t bar_size;
	uint8_t *buf; /* EDU_MAP_SIZE bytes of RAM the device reads and writes */
	uint64_t iova;
};

/* Seconds on the monotonic clock. */
double edu_now(void);

uint32_t edu_rd32(const struct edu *e, unsigned off);
uint64_t edu_rd64(const struct edu *e, unsigned off);
void edu_wr64(const struct edu *e, unsigned off, uint64_t val);

/* a pattern of @len bytes from @seed, and the offset of its first wrong byte (@len: none) */
void edu_fill(uint8_t *p, size_t len, unsigned seed);
size_t edu_first_mismatch(const uint8_t *p, size_t len, unsigned seed);

/* Memory decoding and bus mastering on in PCI_COMMAND, through the device fd. */
int edu_enable_bus_master(const struct edu *e);
/* mmap BAR0 through the device fd into e->bar; -ENXIO when it cannot be mmapped. */
int edu_map_bar0(struct edu *e);
/* Check the id register: 0, or -ENODEV (with a FAIL line) when it is not edu. */
int edu_check_id(const struct edu *e);

/*
 * One edu DMA of @count bytes; the device finishes after a 100 ms timer.
 * -EINVAL for a device-side range outside its buffer, -ETIMEDOUT if it never finishes.
 */
int edu_dma(const struct edu *e, bool to_ram, uint64_t src, uint64_t dst, uint64_t count);

/*
 * A pattern from @seed RAM -> device buffer -> cleared RAM through e->iova;
 * one PASS or FAIL line prefixed by @what. 0 when the data came back intact.
 */
int edu_round_trip(const struct edu *e, unsigned seed, const char *what);

#endif

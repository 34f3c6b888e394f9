// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ioctl.c - every ioctl of the library goes through iot_ioctl(): one place
 * for the errno convention and for the IOMMU_TOOLS_DEBUG=ioctl trace.
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/vfio.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "internal.h"
#include "ioctl.h"
#include "uapi-iommufd.h"

#define DEBUG_ENV "IOMMU_TOOLS_DEBUG"

/* -1 until the environment is read; the same value whichever thread reads it first */
static int debug_mask = -1;

static unsigned parse_debug(const char *s)
{
	unsigned mask = 0;
	char buf[128], *save = NULL;

	if (!s || (size_t)snprintf(buf, sizeof(buf), "%s", s) >= sizeof(buf))
		return 0;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "ioctl"))
			mask |= IOT_DEBUG_IOCTL;
		else if (!strcmp(w, "all"))
			mask = ~0u >> 1;
	}
	return mask;
}

unsigned iot_debug_mask(void)
{
	int mask = __atomic_load_n(&debug_mask, __ATOMIC_RELAXED);

	if (mask < 0) {
		/* secure_getenv: no trace for a set-id program */
		mask = (int)parse_debug(secure_getenv(DEBUG_ENV));
		__atomic_store_n(&debug_mask, mask, __ATOMIC_RELAXED);
	}
	return (unsigned)mask;
}

/* The ids a request carries: which fields to print, going in and coming out. */
enum { ID_IN, ID_OUT };
enum { ID_DEC, ID_HEX };

struct id_field {
	const char *label;
	unsigned short off;
	unsigned char size; /* 2, 4 or 8 bytes */
	unsigned char dir : 1, fmt : 1;
};

struct ioctl_desc {
	unsigned long request;
	struct id_field ids[5];
};

#define IN(s, f, l) { l, offsetof(struct s, f), sizeof(((struct s *)0)->f), ID_IN, ID_DEC }
#define INX(s, f, l) { l, offsetof(struct s, f), sizeof(((struct s *)0)->f), ID_IN, ID_HEX }
#define OUT(s, f, l) { l, offsetof(struct s, f), sizeof(((struct s *)0)->f), ID_OUT, ID_DEC }
#define OUTX(s, f, l) { l, offsetof(struct s, f), sizeof(((struct s *)0)->f), ID_OUT, ID_HEX }

static const struct ioctl_desc descs[] = {
	{ IOT_IOMMU_DESTROY, { IN(iot_uapi_destroy, id, "id") } },
	{ IOT_IOMMU_IOAS_ALLOC, { OUT(iot_uapi_ioas_alloc, out_ioas_id, "ioas") } },
	{ IOT_IOMMU_IOAS_IOVA_RANGES,
	  { IN(iot_uapi_ioas_iova_ranges, ioas_id, "ioas"),
	    IN(iot_uapi_ioas_iova_ranges, num_iovas, "num"),
	    OUT(iot_uapi_ioas_iova_ranges, num_iovas, "num") } },
	{ IOT_IOMMU_IOAS_ALLOW_IOVAS,
	  { IN(iot_uapi_ioas_allow_iovas, ioas_id, "ioas"),
	    IN(iot_uapi_ioas_allow_iovas, num_iovas, "num") } },
	{ IOT_IOMMU_IOAS_MAP,
	  { IN(iot_uapi_ioas_map, ioas_id, "ioas"), INX(iot_uapi_ioas_map, flags, "flags"),
	    INX(iot_uapi_ioas_map, length, "length"), OUTX(iot_uapi_ioas_map, iova, "iova") } },
	{ IOT_IOMMU_IOAS_UNMAP,
	  { IN(iot_uapi_ioas_unmap, ioas_id, "ioas"), INX(iot_uapi_ioas_unmap, iova, "iova"),
	    INX(iot_uapi_ioas_unmap, length, "length"),
	    OUTX(iot_uapi_ioas_unmap, length, "unmapped") } },
	{ IOT_IOMMU_IOAS_COPY,
	  { IN(iot_uapi_ioas_copy, src_ioas_id, "src"), IN(iot_uapi_ioas_copy, dst_ioas_id, "dst"),
	    INX(iot_uapi_ioas_copy, src_iova, "src_iova"),
	    INX(iot_uapi_ioas_copy, length, "length"),
	    OUTX(iot_uapi_ioas_copy, dst_iova, "dst_iova") } },
	{ IOT_IOMMU_OPTION,
	  { IN(iot_uapi_option, option_id, "option"), IN(iot_uapi_option, op, "op"),
	    IN(iot_uapi_option, object_id, "object"), OUT(iot_uapi_option, val64, "val") } },
	{ IOT_IOMMU_HWPT_ALLOC,
	  { IN(iot_uapi_hwpt_alloc, dev_id, "dev"), IN(iot_uapi_hwpt_alloc, pt_id, "pt"),
	    INX(iot_uapi_hwpt_alloc, flags, "flags"),
	    OUT(iot_uapi_hwpt_alloc, out_hwpt_id, "hwpt") } },
	{ IOT_IOMMU_GET_HW_INFO,
	  { IN(iot_uapi_hw_info, dev_id, "dev"), OUT(iot_uapi_hw_info, out_data_type, "type"),
	    OUTX(iot_uapi_hw_info, out_capabilities, "caps") } },
	{ IOT_IOMMU_HWPT_SET_DIRTY_TRACKING,
	  { IN(iot_uapi_hwpt_set_dirty_tracking, hwpt_id, "hwpt"),
	    INX(iot_uapi_hwpt_set_dirty_tracking, flags, "flags") } },
	{ IOT_IOMMU_HWPT_GET_DIRTY_BITMAP,
	  { IN(iot_uapi_hwpt_get_dirty_bitmap, hwpt_id, "hwpt"),
	    INX(iot_uapi_hwpt_get_dirty_bitmap, iova, "iova"),
	    INX(iot_uapi_hwpt_get_dirty_bitmap, length, "length") } },
	{ IOT_IOMMU_FAULT_QUEUE_ALLOC,
	  { OUT(iot_uapi_fault_alloc, out_fault_id, "fault"),
	    OUT(iot_uapi_fault_alloc, out_fault_fd, "fd") } },
	{ IOT_IOMMU_VIOMMU_ALLOC,
	  { IN(iot_uapi_viommu_alloc, dev_id, "dev"), IN(iot_uapi_viommu_alloc, hwpt_id, "hwpt"),
	    IN(iot_uapi_viommu_alloc, type, "type"),
	    OUT(iot_uapi_viommu_alloc, out_viommu_id, "viommu") } },
	{ IOT_IOMMU_VEVENTQ_ALLOC,
	  { IN(iot_uapi_veventq_alloc, viommu_id, "viommu"),
	    IN(iot_uapi_veventq_alloc, type, "type"),
	    OUT(iot_uapi_veventq_alloc, out_veventq_id, "veventq"),
	    OUT(iot_uapi_veventq_alloc, out_veventq_fd, "fd") } },
	{ IOT_IOMMU_TEST_CMD,
	  { IN(iot_uapi_test_cmd, op, "op"), IN(iot_uapi_test_cmd, id, "id") } },
	{ IOT_VFIO_DEVICE_BIND_IOMMUFD,
	  { IN(iot_uapi_vfio_device_bind_iommufd, iommufd, "iommufd"),
	    OUT(iot_uapi_vfio_device_bind_iommufd, out_devid, "dev") } },
	{ IOT_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
	  { IN(iot_uapi_vfio_device_attach_iommufd_pt, pt_id, "pt"),
	    INX(iot_uapi_vfio_device_attach_iommufd_pt, flags, "flags"),
	    OUT(iot_uapi_vfio_device_attach_iommufd_pt, pt_id, "pt") } },
	{ IOT_VFIO_DEVICE_DETACH_IOMMUFD_PT,
	  { INX(iot_uapi_vfio_device_detach_iommufd_pt, flags, "flags") } },
	{ VFIO_DEVICE_GET_INFO,
	  { OUT(vfio_device_info, num_regions, "regions"),
	    OUT(vfio_device_info, num_irqs, "irqs") } },
	{ VFIO_DEVICE_GET_REGION_INFO,
	  { IN(vfio_region_info, index, "index"), OUTX(vfio_region_info, size, "size"),
	    OUTX(vfio_region_info, offset, "offset") } },
	{ VFIO_DEVICE_RESET, { { NULL, 0, 0, 0, 0 } } },
};

static const struct ioctl_desc *find_desc(unsigned long request)
{
	for (size_t i = 0; i < IOT_ARRAY_SIZE(descs); i++)
		if (descs[i].request == request)
			return &descs[i];
	return NULL;
}

static uint64_t field_value(const void *arg, const struct id_field *f)
{
	const char *p = (const char *)arg + f->off;
	uint64_t v8;
	uint32_t v4;
	uint16_t v2;

	switch (f->size) {
	case 8:
		memcpy(&v8, p, 8);
		return v8;
	case 4:
		memcpy(&v4, p, 4);
		return v4;
	case 2:
		memcpy(&v2, p, 2);
		return v2;
	default:
		return 0;
	}
}

static void add_fields(FILE *f, const struct ioctl_desc *d, const void *arg, int dir,
		       const char *first_sep)
{
	const char *sep = first_sep;

	if (!d || !arg)
		return;
	for (size_t i = 0; i < IOT_ARRAY_SIZE(d->ids) && d->ids[i].label; i++) {
		const struct id_field *id = &d->ids[i];

		if (id->dir != dir)
			continue;
		fprintf(f, id->fmt == ID_HEX ? "%s%s 0x%" PRIx64 : "%s%s %" PRIu64, sep, id->label,
			field_value(arg, id));
		sep = dir == ID_OUT ? ", " : " ";
	}
}

/*
 * One line, built in memory and written with one call so that the lines of
 * two threads do not interleave. @in holds the ids going in, formatted
 * before the call (the kernel may overwrite in/out fields).
 */
static void trace(int fd, const char *name, const struct ioctl_desc *d, const char *in,
		  const void *arg, int err)
{
	char *line = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&line, &len);
	const char *errname;

	if (!f)
		return;
	fprintf(f, "%s: %s fd %d%s: ", strncmp(name, "VFIO", 4) ? "iommufd" : "vfio", name, fd,
		in);
	if (err) {
		errname = strerrorname_np(-err);
		if (errname)
			fprintf(f, "%s", errname);
		else
			fprintf(f, "errno %d", -err);
	} else {
		fprintf(f, "ok");
		add_fields(f, d, arg, ID_OUT, ", ");
	}
	fputc('\n', f);
	if (fclose(f) == 0)
		fputs(line, stderr);
	free(line);
}

int iot_ioctl(int fd, unsigned long request, const char *name, void *arg)
{
	const struct ioctl_desc *d;
	char in[160] = "";
	int err = 0;

	if (!(iot_debug_mask() & IOT_DEBUG_IOCTL))
		return ioctl(fd, request, arg) < 0 ? -errno : 0;

	d = find_desc(request);
	if (d && arg) {
		FILE *f = fmemopen(in, sizeof(in), "w");

		if (f) {
			add_fields(f, d, arg, ID_IN, " ");
			fclose(f);
		}
		in[sizeof(in) - 1] = '\0';
	}
	if (ioctl(fd, request, arg) < 0)
		err = -errno;
	/* do_ioctl passes the name as written: IOT_IOMMU_IOAS_MAP is the kernel's IOMMU_IOAS_MAP */
	if (!strncmp(name, "IOT_", 4))
		name += 4;
	trace(fd, name, d, in, arg, err);
	return err;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * snapshot.c - read IOMMU groups, the devices in them and the IOMMU units
 * serving them, once, into one model that the commands render.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu-tools-features.h"
#include "internal.h"

/* A device found while walking groups or the PCI bus, before it is read. */
struct found {
	char *name;
	char *syspath;
	int group; /* -1: not listed in any group */
};

struct found_list {
	struct found *v;
	size_t n, cap;
};

static int found_add(struct found_list *l, const char *name, char *syspath, int group)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		struct found *nv = realloc(l->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n].name = strdup(name);
	if (!l->v[l->n].name)
		return -ENOMEM;
	l->v[l->n].syspath = syspath;
	l->v[l->n].group = group;
	l->n++;
	return 0;
}

static void found_free(struct found_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].syspath);
	}
	free(l->v);
}

/* ---- groups --------------------------------------------------------------- */

/*
 * A group's attributes are read as "<number>/<attr>" from the groups
 * directory: one open each, where opening the group's directory first would
 * double the system calls of a listing with thousands of groups.
 */
static const char *group_attr(char *buf, size_t len, int number, const char *attr)
{
	snprintf(buf, len, *attr ? "%d/%s" : "%d", number, attr);
	return buf;
}

static int read_regions(struct iot_dir *groups, struct iot_group *g)
{
	char buf[8192], *line, *save = NULL, name[64];
	ssize_t n;

	group_attr(name, sizeof(name), g->number, "reserved_regions");
	n = iot_dir_read_str(groups, name, buf, sizeof(buf));
	if (n == -ENOENT) /* before 4.11 */
		return 0;
	if (n < 0) {
		iot_bad_value(groups, name, (int)n, NULL);
		return 0;
	}
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct iot_resv_region r, *nv;
		char copy[128];

		snprintf(copy, sizeof(copy), "%s", line);
		if (iot_parse_resv_region(line, &r)) {
			iot_bad_value(groups, name, -EINVAL, copy);
			continue;
		}
		nv = realloc(g->regions, (g->n_regions + 1) * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		g->regions = nv;
		g->regions[g->n_regions++] = r;
	}
	return 0;
}

static int read_group(struct iot_dir *groups_dir, struct iot_group *g, struct found_list *found,
		      bool details)
{
	struct iot_dir ddir = IOT_DIR_INIT;
	char buf[64], **members = NULL, name[64];
	int err, derr;
	ssize_t n;

	derr = iot_dir_open_sub(groups_dir, group_attr(name, sizeof(name), g->number, "devices"),
				&ddir);
	if (derr) {
		/* a group we cannot enter at all gets one warning, not one per file */
		struct iot_dir gdir = IOT_DIR_INIT;

		err = iot_dir_open_sub(groups_dir, group_attr(name, sizeof(name), g->number, ""),
				       &gdir);
		iot_dir_close(&gdir);
		if (err) {
			iot_bad_value(groups_dir, name, err, NULL);
			return err == -ENOMEM ? err : 0;
		}
	}

	n = iot_dir_read_str(groups_dir, group_attr(name, sizeof(name), g->number, "type"), buf,
			     sizeof(buf));
	if (n >= 0) {
		g->type_raw = strdup(buf);
		if (!g->type_raw)
			iot_nomem(groups_dir->ctx);
		g->type = iot_group_type_parse(buf);
		if (g->type == IOT_GROUP_TYPE_UNKNOWN)
			iot_bad_value(groups_dir, name, -EINVAL, buf);
	} else if (n != -ENOENT) { /* absent before 5.2: nothing to say */
		iot_bad_value(groups_dir, name, (int)n, NULL);
	}
	if (details) {
		err = iot_dir_read_strdup(groups_dir,
					  group_attr(name, sizeof(name), g->number, "name"),
					  &g->name);
		if (err != -ENOMEM)
			err = read_regions(groups_dir, g);
		if (err)
			goto out;
	}

	if (derr) {
		iot_bad_value(groups_dir, group_attr(name, sizeof(name), g->number, "devices"),
			      derr, NULL);
		err = 0;
		goto out;
	}
	n = iot_dir_list_unsorted(&ddir, &members); /* members are sorted by address later */
	if (n < 0) {
		iot_bad_value(&ddir, ".", (int)n, NULL);
		err = 0;
		goto out;
	}
	err = 0;
	for (ssize_t i = 0; i < n; i++) {
		char *target;

		err = iot_dir_link_target(&ddir, members[i], &target);
		if (err == -ENOMEM)
			break;
		if (err) { /* a regular file or garbage where a link belongs */
			iot_bad_value(&ddir, members[i], err == -EINVAL ? -EINVAL : err,
				      err == -EINVAL ? "not a link" : NULL);
			err = 0;
			continue;
		}
		err = found_add(found, members[i], target, g->number);
		if (err) {
			free(target);
			break;
		}
	}
	iot_strv_free(members, (size_t)n);
out:
	iot_dir_close(&ddir);
	return err == -ENOMEM ? err : 0;
}

static int group_cmp(const void *a, const void *b)
{
	int x = (*(struct iot_group *const *)a)->number;
	int y = (*(struct iot_group *const *)b)->number;

	return (x > y) - (x < y);
}

static int read_groups(struct iot_ctx *ctx, struct iot_snapshot *snap, struct found_list *found,
		       bool details)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;
	int err = 0;

	err = iot_dir_open(ctx, "sys/kernel/iommu_groups", &dir);
	if (err == -ENOENT) /* no IOMMU, or a kernel without groups */
		return 0;
	if (err == -ENOMEM)
		return err;
	if (err) {
		iot_warn(ctx, "sys/kernel/iommu_groups: cannot open: %s", strerror(-err));
		return 0;
	}
	/* numbers sort faster than names: parse first, then read in group order */
	n = iot_dir_list_unsorted(&dir, &names);
	if (n < 0) {
		iot_dir_close(&dir);
		return n == -ENOMEM ? -ENOMEM : 0;
	}
	snap->groups = iot_ptr_array_new((size_t)n, sizeof(**snap->groups));
	if (!snap->groups) {
		err = -ENOMEM;
		goto out;
	}
	for (ssize_t i = 0; i < n; i++) {
		int num;

		if (!iot_parse_canonical_int(names[i], &num))
			iot_warn(ctx, "%s/%s: not a group number, skipped", dir.path, names[i]);
		else
			snap->groups[snap->n_groups++]->number = num;
	}
	qsort(snap->groups, snap->n_groups, sizeof(*snap->groups), group_cmp);
	for (size_t i = 0; i < snap->n_groups && !err; i++)
		err = read_group(&dir, snap->groups[i], found, details);
out:
	iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
	return err;
}

/* ---- devices -------------------------------------------------------------- */

static int read_pci_bus(struct iot_ctx *ctx, struct found_list *found)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;
	int err;

	err = iot_dir_open(ctx, "sys/bus/pci/devices", &dir);
	if (err)
		return err == -ENOMEM ? err : 0;
	n = iot_dir_list_unsorted(&dir, &names); /* merged and sorted by address later */
	for (ssize_t i = 0; i < n; i++) {
		char *target;

		err = iot_dir_link_target(&dir, names[i], &target);
		if (err == -ENOMEM)
			break;
		if (err) {
			iot_bad_value(&dir, names[i], err, NULL);
			err = 0;
			continue;
		}
		err = found_add(found, names[i], target, -1);
		if (err) {
			free(target);
			break;
		}
	}
	if (n < 0)
		err = n == -ENOMEM ? -ENOMEM : 0;
	else
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
	return err;
}

/* Returns -ENOENT when the file is absent (unwarned), else 0 (bad values warned). */
static int read_hex_id(struct iot_dir *dir, const char *name, int *out)
{
	uint64_t v;
	int err = iot_dir_read_u64(dir, name, 16, &v);

	*out = -1;
	if (err == -ENOENT)
		return err;
	if (!err && v > 0xffffff)
		err = -ERANGE;
	if (err) {
		char raw[64];

		/* the text only of a value that was read: a refused file is not opened twice */
		if ((err == -EINVAL || err == -ERANGE) &&
		    iot_dir_read_str(dir, name, raw, sizeof(raw)) >= 0)
			iot_bad_value(dir, name, err, raw);
		else
			iot_bad_value(dir, name, err, NULL);
		return 0;
	}
	*out = (int)v;
	return 0;
}

/* PCI-to-PCI and CardBus bridges forward DMA; they are not endpoints */
static bool is_bridge_class(int cls)
{
	return cls >= 0 && ((cls >> 8) == 0x0604 || (cls >> 8) == 0x0607);
}

static void read_pci_identity(struct iot_dir *dir, struct iot_device *d, bool details)
{
	int cls = -1;

	if (iot_parse_pci_addr(d->name, &d->domain, &d->busnr, &d->slot, &d->func))
		d->domain = d->busnr = d->slot = d->func = -1;
	read_hex_id(dir, "vendor", &d->vendor);
	read_hex_id(dir, "device", &d->device);
	/* like libpci's fill-on-demand: a large listing reads only what it shows */
	if (details) {
		read_hex_id(dir, "subsystem_vendor", &d->subvendor);
		read_hex_id(dir, "subsystem_device", &d->subdevice);
		read_hex_id(dir, "revision", &d->revision);
	}
	/* a missing class is worth a warning; a malformed one had its own already */
	if (read_hex_id(dir, "class", &cls) == -ENOENT && iot_dir_has(dir, "vendor"))
		iot_bad_value(dir, "class", -ENOENT, NULL);
	d->class_code = cls;
	d->is_bridge = is_bridge_class(cls);
}

static void read_vfio_cdev(struct iot_dir *dir, struct iot_device *d)
{
	struct iot_dir vdir = IOT_DIR_INIT, cdir = IOT_DIR_INIT;
	char **names = NULL, buf[32];
	ssize_t n;

	if (iot_dir_open_sub(dir, "vfio-dev", &vdir))
		return;
	n = iot_dir_list(&vdir, &names);
	for (ssize_t i = 0; i < n; i++) {
		unsigned maj, min;
		char tail;

		if (strncmp(names[i], "vfio", 4) || iot_dir_open_sub(&vdir, names[i], &cdir))
			continue;
		d->vfio_cdev = strdup(names[i]);
		if (!d->vfio_cdev)
			iot_nomem(dir->ctx);
		if (iot_dir_read_str(&cdir, "dev", buf, sizeof(buf)) >= 0 &&
		    sscanf(buf, "%u:%u%c", &maj, &min, &tail) == 2) {
			d->vfio_major = (int)maj;
			d->vfio_minor = (int)min;
		} else {
			iot_bad_value(&cdir, "dev", -EINVAL, NULL);
		}
		iot_dir_close(&cdir);
		break;
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&vdir);
}

static enum iot_bus device_bus(struct iot_dir *dir, const char *name)
{
	char sub[32];
	int a, b, c, e;

	/* a PCI address names only PCI functions: skip the link for most devices */
	if (!iot_parse_pci_addr(name, &a, &b, &c, &e))
		return IOT_BUS_PCI;
	if (iot_dir_link_base(dir, "subsystem", sub, sizeof(sub)))
		return IOT_BUS_OTHER;
	if (!strcmp(sub, "pci"))
		return IOT_BUS_PCI;
	return strcmp(sub, "platform") ? IOT_BUS_OTHER : IOT_BUS_PLATFORM;
}

/*
 * Fill a PCI function's identity and driver from its uevent. False, with
 * nothing filled, when the uevent is missing, incomplete, malformed or names
 * another function: the caller then reads the attribute files, which say
 * precisely what is wrong.
 */
static bool pci_from_uevent(struct iot_ctx *ctx, struct iot_device *d)
{
	struct iot_pci_uevent ue;
	char text[1024];
	int dom, bus, slot, func;
	ssize_t n;

	if (iot_parse_pci_addr(d->name, &dom, &bus, &slot, &func))
		return false;
	n = iot_root_read_attr(ctx, d->syspath, "uevent", text, sizeof(text));
	if (n < 0)
		return false;
	if (iot_parse_pci_uevent(text, &ue) || strcmp(ue.slot, d->name)) {
		iot_dbg(ctx, "%s/uevent: not usable, reading the attributes instead", d->syspath);
		return false;
	}
	if (ue.driver) {
		d->driver = strdup(ue.driver);
		if (!d->driver) {
			iot_nomem(ctx);
			return false;
		}
	}
	d->bus = IOT_BUS_PCI;
	d->domain = dom;
	d->busnr = bus;
	d->slot = slot;
	d->func = func;
	d->vendor = ue.vendor;
	d->device = ue.device;
	/* free here, and a DMA-alias quirk may name the subsystem (isolation.c) */
	d->subvendor = ue.subvendor;
	d->subdevice = ue.subdevice;
	d->class_code = ue.class_code;
	d->is_bridge = is_bridge_class(ue.class_code);
	return true;
}

static int read_device(struct iot_ctx *ctx, struct found *f, struct iot_device *d,
		       char **unit_name, bool details, int *group)
{
	struct iot_dir dir = IOT_DIR_INIT, sub = IOT_DIR_INIT;
	char buf[256];
	bool from_uevent;
	int err;

	d->name = f->name;
	d->syspath = f->syspath;
	f->name = f->syspath = NULL;
	d->domain = d->busnr = d->slot = d->func = -1;
	d->vendor = d->device = d->subvendor = d->subdevice = d->revision = -1;
	d->class_code = -1;
	d->sriov_numvfs = -1;
	d->vfio_major = d->vfio_minor = -1;
	*unit_name = NULL;

	/*
	 * A PCI function's uevent holds its IDs, class and driver: one read
	 * instead of four, and most devices need nothing else.
	 */
	from_uevent = !details && pci_from_uevent(ctx, d);
	if (from_uevent && *group >= 0 && !iot_driver_is_vfio(d->driver))
		return 0;

	err = iot_dir_open(ctx, d->syspath, &dir);
	if (err == -ENOMEM)
		return err;
	if (err) {
		iot_warn(ctx, "device %s: cannot open %s: %s", d->name, d->syspath, strerror(-err));
		d->unreadable = true;
		if (!iot_parse_pci_addr(d->name, &d->domain, &d->busnr, &d->slot, &d->func))
			d->bus = IOT_BUS_PCI;
		return err == -ENOMEM ? err : 0;
	}
	if (!from_uevent) {
		d->bus = device_bus(&dir, d->name);
		if (d->bus == IOT_BUS_PCI)
			read_pci_identity(&dir, d, details);

		err = iot_dir_link_base(&dir, "driver", buf, sizeof(buf));
		if (!err) {
			/* a lost copy would read as "no driver", and so as viable */
			d->driver = strdup(buf);
			if (!d->driver)
				err = -ENOMEM;
		} else if (err != -ENOENT) {
			iot_bad_value(&dir, "driver", err, NULL);
			d->unreadable = true;
		}
		if (err == -ENOMEM) {
			iot_dir_close(&dir);
			return iot_nomem(ctx);
		}
	}

	if (details && iot_dir_read_str(&dir, "driver_override", buf, sizeof(buf)) > 0 &&
	    strcmp(buf, "(null)")) {
		d->driver_override = strdup(buf);
		if (!d->driver_override)
			iot_nomem(ctx);
	}

	err = details ? iot_dir_link_base(&dir, "iommu", buf, sizeof(buf)) : -ENOENT;
	if (!err) {
		*unit_name = strdup(buf);
		if (!*unit_name)
			iot_nomem(ctx);
	} else if (err == -EINVAL && !iot_dir_open_sub(&dir, "iommu", &sub)) {
		/* an AMD IOMMU's own PCI function holds its unit in an iommu/ directory */
		iot_dir_close(&sub);
	} else if (err != -ENOENT) {
		iot_bad_value(&dir, "iommu", err, NULL);
	}

	if (details) {
		if (!iot_dir_link_base(&dir, "physfn", buf, sizeof(buf))) {
			d->physfn = strdup(buf);
			if (!d->physfn)
				iot_nomem(ctx);
		}
		if (iot_dir_read_int(&dir, "sriov_numvfs", 10, &d->sriov_numvfs) < 0)
			d->sriov_numvfs = -1;
	}
	/*
	 * Not listed in any group's devices/ (the group's directory may be
	 * unreadable): the device's own link still names its group.
	 */
	if (*group < 0 && !iot_dir_link_base(&dir, "iommu_group", buf, sizeof(buf)) &&
	    !iot_parse_canonical_int(buf, group))
		*group = -1;
	/* only VFIO drivers (vfio-pci and its variants) create the device cdev */
	if (iot_driver_is_vfio(d->driver))
		read_vfio_cdev(&dir, d);
	iot_dir_close(&dir);
	return 0;
}

/* entries always carry a path: found_add() takes ownership of a non-NULL one */
static int found_cmp_path(const void *a, const void *b)
{
	return strcmp(((const struct found *)a)->syspath, ((const struct found *)b)->syspath);
}

static int device_cmp(const void *pa, const void *pb)
{
	const struct iot_device *a = pa, *b = pb;

	/* PCI first in address order, then the rest by name */
	if ((a->domain >= 0) != (b->domain >= 0))
		return a->domain >= 0 ? -1 : 1;
	if (a->domain != b->domain)
		return a->domain < b->domain ? -1 : 1;
	if (a->busnr != b->busnr)
		return a->busnr < b->busnr ? -1 : 1;
	if (a->slot != b->slot)
		return a->slot < b->slot ? -1 : 1;
	if (a->func != b->func)
		return a->func < b->func ? -1 : 1;
	return iot_strnatcmp(a->name, b->name);
}

/*
 * Merge what the groups and the PCI bus listed: one entry per device, with
 * the group it is listed in. A device listed in two groups is garbage.
 */
static void merge_found(struct iot_ctx *ctx, struct found_list *l)
{
	size_t w = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), found_cmp_path);
	for (size_t r = 0; r < l->n; r++) {
		if (w && !strcmp(l->v[w - 1].syspath, l->v[r].syspath)) {
			struct found *keep = &l->v[w - 1];

			if (keep->group >= 0 && l->v[r].group >= 0 && keep->group != l->v[r].group)
				iot_warn(ctx, "%s is listed in groups %d and %d", keep->name,
					 keep->group, l->v[r].group);
			if (keep->group < 0)
				keep->group = l->v[r].group;
			free(l->v[r].name);
			free(l->v[r].syspath);
			continue;
		}
		l->v[w++] = l->v[r];
	}
	l->n = w;
}

/* ---- units ---------------------------------------------------------------- */

static void read_vtd(struct iot_dir *udir, struct iot_unit *u)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char buf[64];
	uint64_t v;
	int err;

	if (iot_dir_open_sub(udir, "intel-iommu", &dir))
		return;
	u->kind = IOT_UNIT_INTEL_VTD;
	u->has_vtd = true;
	u->ver_major = u->ver_minor = -1;
	u->domains_supported = u->domains_used = -1;
	if (iot_dir_read_str(&dir, "version", buf, sizeof(buf)) >= 0) {
		if (iot_vtd_parse_version(buf, &u->ver_major, &u->ver_minor))
			iot_bad_value(&dir, "version", -EINVAL, buf);
	}
	/* cap and ecap are what the whole decode rests on: say when they are bad */
	err = iot_dir_read_u64(&dir, "cap", 16, &u->cap);
	if (err)
		iot_bad_value(&dir, "cap", err, NULL);
	u->cap_known = !err;
	err = iot_dir_read_u64(&dir, "ecap", 16, &u->ecap);
	if (err)
		iot_bad_value(&dir, "ecap", err, NULL);
	u->ecap_known = !err;
	if (!iot_dir_read_u64(&dir, "address", 16, &v))
		u->address = v;
	if (!iot_dir_read_u64(&dir, "domains_supported", 10, &v))
		u->domains_supported = (long)v;
	if (!iot_dir_read_u64(&dir, "domains_used", 10, &v))
		u->domains_used = (long)v;
	iot_dir_close(&dir);
}

static void read_amd(struct iot_ctx *ctx, struct iot_dir *udir, struct iot_unit *u)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char buf[128];
	uint64_t v;
	int err;

	if (iot_dir_open_sub(udir, "amd-iommu", &dir))
		return;
	u->kind = IOT_UNIT_AMD_VI;
	err = iot_dir_read_u64(&dir, "cap", 16, &v);
	if (!err && v <= UINT32_MAX)
		u->amd_cap = (uint32_t)v;
	else if (err != -ENOENT)
		iot_bad_value(&dir, "cap", err ? err : -ERANGE, NULL);

	if (iot_dir_read_str(&dir, "features", buf, sizeof(buf)) >= 0) {
		/* the two-value order depends on the kernel that printed it */
		enum iot_amd_order order = iot_amd_order_for_kernel(iot_kernel_release(ctx));

		u->amd_features_raw = strdup(buf);
		if (!u->amd_features_raw)
			iot_nomem(ctx);
		if (iot_amd_parse_features(buf, order, &u->efr, &u->efr2, &u->has_efr2))
			iot_bad_value(&dir, "features", -EINVAL, buf);
		else
			u->has_amd = true;
	}
	iot_dir_close(&dir);
}

static void read_unit(struct iot_ctx *ctx, struct iot_dir *class_dir, const char *name,
		      struct iot_unit *u)
{
	struct iot_dir udir = IOT_DIR_INIT, ddir = IOT_DIR_INIT;
	char **devs = NULL, drv[64];
	ssize_t n;
	int err;

	u->name = strdup(name);
	if (!u->name) {
		iot_nomem(ctx);
		return;
	}
	u->ver_major = u->ver_minor = -1;
	u->domains_supported = u->domains_used = -1;
	err = iot_dir_open_link(class_dir, name, &udir);
	if (err) {
		iot_bad_value(class_dir, name, err, NULL);
		return;
	}
	u->syspath = strdup(udir.path);
	if (!u->syspath)
		iot_nomem(ctx);
	read_vtd(&udir, u);
	read_amd(ctx, &udir, u);
	if (u->kind == IOT_UNIT_OTHER) {
		/* the unit's parent device tells SMMUv3 and virtio-iommu apart */
		struct iot_dir parent = IOT_DIR_INIT;

		if (!strncmp(name, "iommufd_selftest", 16))
			u->kind = IOT_UNIT_SELFTEST;
		else if (!strncmp(name, "smmu3.", 6))
			u->kind = IOT_UNIT_ARM_SMMUV3;
		else if (!iot_dir_open_link(&udir, "device", &parent)) {
			if (!iot_dir_link_base(&parent, "driver", drv, sizeof(drv))) {
				if (!strcmp(drv, "arm-smmu-v3"))
					u->kind = IOT_UNIT_ARM_SMMUV3;
				else if (!strcmp(drv, "virtio_iommu"))
					u->kind = IOT_UNIT_VIRTIO;
			}
			iot_dir_close(&parent);
		}
	}
	if (!iot_dir_open_sub(&udir, "devices", &ddir)) {
		n = iot_dir_list_unsorted(&ddir, &devs); /* only counted */
		if (n > 0) {
			u->n_devices = (size_t)n;
			iot_strv_free(devs, (size_t)n);
		}
		iot_dir_close(&ddir);
	}
	iot_dir_close(&udir);
}

static int unit_cmp(const void *a, const void *b)
{
	return iot_strnatcmp((*(struct iot_unit *const *)a)->name,
			     (*(struct iot_unit *const *)b)->name);
}

static int read_units(struct iot_ctx *ctx, struct iot_snapshot *snap)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;

	if (iot_dir_open(ctx, "sys/class/iommu", &dir))
		return 0;
	n = iot_dir_list(&dir, &names);
	if (n <= 0) {
		iot_dir_close(&dir);
		return n == -ENOMEM ? -ENOMEM : 0;
	}
	snap->units = iot_ptr_array_new((size_t)n, sizeof(**snap->units));
	if (!snap->units) {
		iot_strv_free(names, (size_t)n);
		iot_dir_close(&dir);
		return -ENOMEM;
	}
	for (ssize_t i = 0; i < n; i++)
		read_unit(ctx, &dir, names[i], snap->units[snap->n_units++]);
	if (ctx->nomem) { /* a unit may have lost its name: never sort or show it */
		iot_strv_free(names, (size_t)n);
		iot_dir_close(&dir);
		return -ENOMEM;
	}
	qsort(snap->units, snap->n_units, sizeof(*snap->units), unit_cmp);
	iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
	return 0;
}

/* ---- lookups -------------------------------------------------------------- */

struct iot_group *iot_snapshot_find_group(const struct iot_snapshot *snap, int number)
{
	size_t lo = 0, hi = snap->n_groups;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (snap->groups[mid]->number == number)
			return snap->groups[mid];
		if (snap->groups[mid]->number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct iot_device *iot_snapshot_find_device(const struct iot_snapshot *snap, const char *addr)
{
	int dom, bus, slot, func;
	bool pci = !iot_parse_pci_addr(addr, &dom, &bus, &slot, &func);

	for (size_t i = 0; i < snap->n_devices; i++) {
		struct iot_device *d = snap->devices[i];

		if (pci ? (d->domain == dom && d->busnr == bus && d->slot == slot &&
			   d->func == func)
			: !strcmp(d->name, addr))
			return d;
	}
	return NULL;
}

struct iot_unit *iot_snapshot_find_unit(const struct iot_snapshot *snap, const char *name)
{
	for (size_t i = 0; i < snap->n_units; i++)
		if (!strcmp(snap->units[i]->name, name))
			return snap->units[i];
	return NULL;
}

size_t iot_snapshot_node_owners(const struct iot_snapshot *snap, const char *node,
				const struct iot_owner **out, size_t max)
{
	size_t lo = 0, hi = snap->n_owners, n = 0;

	/* owners are sorted by node, then pid (host.c): the first holder by bisection */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(snap->owners[mid]->node, node) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < snap->n_owners && !strcmp(snap->owners[i]->node, node); i++) {
		if (n < max)
			out[n] = snap->owners[i];
		n++;
	}
	return n;
}

/* ---- assembly ------------------------------------------------------------- */

static int link_members(struct iot_snapshot *snap, const int *dev_group)
{
	for (size_t i = 0; i < snap->n_devices; i++) {
		struct iot_group *g;

		if (dev_group[i] < 0)
			continue;
		g = iot_snapshot_find_group(snap, dev_group[i]);
		if (!g)
			continue;
		if (!g->devices) {
			g->devices = calloc(1, sizeof(*g->devices));
		} else {
			struct iot_device **nv =
				realloc(g->devices, (g->n_devices + 1) * sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			g->devices = nv;
		}
		if (!g->devices)
			return -ENOMEM;
		g->devices[g->n_devices++] = snap->devices[i];
		snap->devices[i]->group = g;
	}
	return 0;
}

/* VFIO group nodes: one listing of dev/vfio rather than a lookup per group. */
static void find_group_nodes(struct iot_ctx *ctx, struct iot_snapshot *snap)
{
	struct iot_dir dir = IOT_DIR_INIT;
	char **names = NULL;
	ssize_t n;

	if (iot_dir_open(ctx, "dev/vfio", &dir))
		return;
	n = iot_dir_list(&dir, &names);
	for (ssize_t i = 0; i < n; i++) {
		struct iot_group *g;
		int num;

		if (!iot_parse_canonical_int(names[i], &num))
			continue;
		g = iot_snapshot_find_group(snap, num);
		if (g && !g->vfio_node) {
			g->vfio_node = iot_strdup_printf("/dev/vfio/%d", num);
			if (!g->vfio_node)
				iot_nomem(ctx);
		}
	}
	if (n > 0)
		iot_strv_free(names, (size_t)n);
	iot_dir_close(&dir);
}

/* A device as read, with what it must be linked to once all are sorted. */
struct pending {
	struct iot_device dev;
	char *unit;
	int group;
};

static int pending_cmp(const void *a, const void *b)
{
	return device_cmp(&((const struct pending *)a)->dev, &((const struct pending *)b)->dev);
}

static int read_devices(struct iot_ctx *ctx, struct iot_snapshot *snap, struct found_list *found,
			int **dev_group, bool details)
{
	struct pending *p;
	int err = 0;

	merge_found(ctx, found);
	p = calloc(found->n ? found->n : 1, sizeof(*p));
	snap->devices = iot_ptr_array_new(found->n, sizeof(**snap->devices));
	*dev_group = calloc(found->n ? found->n : 1, sizeof(**dev_group));
	if (!p || !snap->devices || !*dev_group) {
		free(p);
		return -ENOMEM;
	}
	for (size_t i = 0; i < found->n && !err; i++) {
		p[i].group = found->v[i].group;
		err = read_device(ctx, &found->v[i], &p[i].dev, &p[i].unit, details, &p[i].group);
	}
	/* after a failure the unread entries have no name to sort by */
	if (!err)
		qsort(p, found->n, sizeof(*p), pending_cmp);
	for (size_t i = 0; i < found->n; i++) {
		struct iot_device *d = snap->devices[i];

		*d = p[i].dev;
		(*dev_group)[i] = p[i].group;
		if (p[i].unit && !err) {
			d->unit = iot_snapshot_find_unit(snap, p[i].unit);
			if (!d->unit)
				iot_warn(ctx, "%s: iommu link names unit %s, which is not in "
					      "sys/class/iommu", d->syspath, p[i].unit);
		}
		free(p[i].unit);
	}
	snap->n_devices = found->n;
	free(p);
	return err;
}

static bool has_vfio_node(const struct iot_snapshot *snap)
{
	for (size_t i = 0; i < snap->n_groups; i++)
		if (snap->groups[i]->vfio_node)
			return true;
	for (size_t i = 0; i < snap->n_devices; i++)
		if (snap->devices[i]->vfio_cdev)
			return true;
	return false;
}

/*
 * What a snapshot reads once it knows its groups, units and which devices to
 * read: the devices, linked to their groups, VFIO nodes, holders,
 * host-critical marks, then the verdicts. A targeted
 * snapshot reads /proc only when it holds a node, and the critical scan
 * only around its own devices.
 */
static int finish_snapshot(struct iot_ctx *ctx, struct iot_snapshot *snap,
			   struct found_list *found, unsigned flags, bool targeted)
{
	int *dev_group = NULL;
	int err;

	err = read_devices(ctx, snap, found, &dev_group, flags & IOT_SCAN_DETAILS);
	if (!err)
		err = link_members(snap, dev_group);
	free(dev_group); /* read_devices may leave it even when it fails */
	if (err)
		return err;
	find_group_nodes(ctx, snap);
	if ((flags & IOT_SCAN_OWNERS) && (!targeted || has_vfio_node(snap))) {
		err = iot_host_scan_owners(ctx, snap);
		if (err)
			return err;
	}
	if (flags & IOT_SCAN_CRITICAL) {
		err = iot_host_scan_critical(ctx, snap, targeted);
		if (err)
			return err;
	}
	/* something was lost on the way (a name, a link, a listing): no answer */
	if (ctx->nomem)
		return -ENOMEM;
	return iot_verdict_compute(snap);
}

int iot_snapshot_new(struct iot_ctx *ctx, unsigned flags, struct iot_snapshot **out)
{
	struct found_list found = { 0 };
	struct iot_snapshot *snap;
	int *outer;
	bool outer_nomem;
	int err = 0;

	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	/* this snapshot counts what it reads, and only that */
	outer = iot_ctx_count_warnings(ctx, &snap->warnings);
	iot_pci_forget_caps(ctx);
	outer_nomem = iot_nomem_begin(ctx);

	if (!(flags & IOT_SCAN_UNITS_ONLY))
		err = read_groups(ctx, snap, &found, flags & IOT_SCAN_DETAILS);
	if (!err && (flags & IOT_SCAN_ALL_PCI) && !(flags & IOT_SCAN_UNITS_ONLY))
		err = read_pci_bus(ctx, &found);
	if (!err)
		err = read_units(ctx, snap);
	if (!err)
		err = finish_snapshot(ctx, snap, &found, flags, false);
	if (err)
		goto fail;
	iot_nomem_end(ctx, outer_nomem);
	iot_ctx_count_warnings(ctx, outer);
	found_free(&found);
	*out = snap;
	return 0;
fail:
	if (iot_nomem_end(ctx, outer_nomem))
		err = -ENOMEM; /* whatever a reader made of its lost allocation */
	iot_ctx_count_warnings(ctx, outer);
	found_free(&found);
	iot_snapshot_free(snap);
	return err;
}

/* ---- a targeted read: a few devices and groups ----------------------------- */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Add @num to the numbers in @v (kept unique later); -ENOMEM or 0. */
static int num_add(int **v, size_t *n, int num)
{
	int *nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -ENOMEM;
	*v = nv;
	nv[(*n)++] = num;
	return 0;
}

/*
 * The named PCI functions, through sys/bus/pci/devices/<addr> as lspci -s finds
 * them: each goes into @found (with IOT_SCAN_ALL_PCI; without it a device is in a
 * listing only through its group, as in a full read) and its group into @nums.
 * A name that is not there is left out: the caller's lookup says so.
 */
static int target_devices(struct iot_ctx *ctx, const char *const *names, size_t n_names,
			  bool all_pci, struct found_list *found, int **nums, size_t *n_nums)
{
	struct iot_dir bus = IOT_DIR_INIT;
	int err = 0;

	if (!n_names)
		return 0;
	err = iot_dir_open(ctx, "sys/bus/pci/devices", &bus);
	if (err)
		return err == -ENOMEM ? err : 0;
	for (size_t i = 0; i < n_names && !err; i++) {
		struct iot_dir dev = IOT_DIR_INIT;
		char name[32], buf[32], *target = NULL;
		int dom, b, s, f, num;

		if (iot_parse_pci_addr(names[i], &dom, &b, &s, &f))
			continue;
		snprintf(name, sizeof(name), "%04x:%02x:%02x.%x", (unsigned)dom, (unsigned)b,
			 (unsigned)s, (unsigned)f);
		err = iot_dir_link_target(&bus, name, &target);
		if (err) {
			err = err == -ENOMEM ? err : 0;
			continue;
		}
		err = iot_dir_open(ctx, target, &dev);
		if (!err) {
			if (!iot_dir_link_base(&dev, "iommu_group", buf, sizeof(buf)) &&
			    iot_parse_canonical_int(buf, &num))
				err = num_add(nums, n_nums, num);
			iot_dir_close(&dev);
		} else if (err != -ENOMEM) {
			err = 0;
		}
		if (!err && all_pci) {
			err = found_add(found, name, target, -1);
			if (!err)
				target = NULL;
		}
		free(target);
	}
	iot_dir_close(&bus);
	return err;
}

/*
 * Whether group @num lists its members, each as a link that resolves: 1 if so, 0
 * if not, -ENOMEM when that could not be told (never "it does not": that would
 * send the caller to a full read, which may answer otherwise). A full read with
 * IOT_SCAN_ALL_PCI finds the members of a group that does not through their
 * iommu_group links, which only a walk of the whole bus can do.
 */
static int group_lists(struct iot_dir *groups, int num)
{
	struct iot_dir ddir = IOT_DIR_INIT;
	char name[32], **members = NULL;
	int ret;
	ssize_t n;

	snprintf(name, sizeof(name), "%d/devices", num);
	ret = iot_dir_open_sub(groups, name, &ddir);
	if (ret)
		return ret == -ENOMEM ? ret : 0;
	n = iot_dir_list_unsorted(&ddir, &members);
	ret = n == -ENOMEM ? -ENOMEM : n > 0;
	for (ssize_t i = 0; i < n && ret == 1; i++) {
		char *target = NULL;
		int err = iot_dir_link_target(&ddir, members[i], &target);

		ret = err == -ENOMEM ? err : !err;
		free(target);
	}
	if (n > 0)
		iot_strv_free(members, (size_t)n);
	iot_dir_close(&ddir);
	return ret;
}

/*
 * The groups numbered in @nums that exist, read with their members into @found.
 * 1 (nothing read) when one of them does not list its members and @all_pci asks
 * for them: then only a full read can answer.
 */
static int target_groups(struct iot_ctx *ctx, struct iot_snapshot *snap, int *nums,
			 size_t n_nums, struct found_list *found, bool details, bool all_pci)
{
	struct iot_dir dir = IOT_DIR_INIT;
	int err = 0;

	if (!n_nums)
		return 0;
	err = iot_dir_open(ctx, "sys/kernel/iommu_groups", &dir);
	if (err)
		return err == -ENOMEM ? err : 0;
	qsort(nums, n_nums, sizeof(*nums), int_cmp);
	snap->groups = iot_ptr_array_new(n_nums, sizeof(**snap->groups));
	if (!snap->groups) {
		iot_dir_close(&dir);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n_nums; i++) {
		char name[16];

		if (i && nums[i] == nums[i - 1])
			continue;
		snprintf(name, sizeof(name), "%d", nums[i]);
		if (!iot_dir_has(&dir, name))
			continue;
		if (all_pci) {
			err = group_lists(&dir, nums[i]);
			if (err <= 0) {
				iot_dir_close(&dir);
				return err ? err : 1;
			}
			err = 0;
		}
		snap->groups[snap->n_groups++]->number = nums[i];
	}
	for (size_t i = 0; i < snap->n_groups && !err; i++)
		err = read_group(&dir, snap->groups[i], found, details);
	iot_dir_close(&dir);
	return err;
}

/*
 * The PCI bridges above every device found, named by the components of its path
 * (sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0): what iot_group_share_causes()
 * walks, and nothing beside it.
 */
static int target_ancestors(struct found_list *found)
{
	size_t n = found->n;
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		const char *path = found->v[i].syspath, *p = path;

		while (!err && (p = strchr(p, '/'))) {
			const char *start = p + 1, *end = strchr(start, '/');
			char name[32], *sub;
			int dom, b, s, f;

			if (!end) /* the device itself */
				break;
			p = end;
			if ((size_t)(end - start) >= sizeof(name))
				continue;
			memcpy(name, start, (size_t)(end - start));
			name[end - start] = '\0';
			if (iot_parse_pci_addr(name, &dom, &b, &s, &f))
				continue;
			sub = strndup(path, (size_t)(end - path));
			err = sub ? found_add(found, name, sub, -1) : -ENOMEM;
			if (err)
				free(sub);
		}
	}
	return err;
}

/* The units the devices found are served by (their iommu links), not every unit. */
static int target_units(struct iot_ctx *ctx, struct iot_snapshot *snap, struct found_list *found)
{
	struct iot_dir class_dir = IOT_DIR_INIT;
	char **names = NULL;
	size_t n = 0;
	int err = 0;

	err = iot_dir_open(ctx, "sys/class/iommu", &class_dir);
	if (err)
		return err == -ENOMEM ? err : 0;
	for (size_t i = 0; i < found->n && !err; i++) {
		struct iot_dir dev = IOT_DIR_INIT;
		char buf[256];
		bool seen = false;

		err = iot_dir_open(ctx, found->v[i].syspath, &dev);
		if (err) {
			err = err == -ENOMEM ? err : 0;
			continue;
		}
		if (!iot_dir_link_base(&dev, "iommu", buf, sizeof(buf)) &&
		    iot_dir_has(&class_dir, buf)) {
			for (size_t j = 0; j < n && !seen; j++)
				seen = !strcmp(names[j], buf);
			if (!seen) {
				char **nv = realloc(names, (n + 1) * sizeof(*nv));

				if (nv) {
					names = nv;
					names[n] = strdup(buf);
				}
				err = nv && names[n] ? 0 : -ENOMEM;
				n += !err;
			}
		}
		iot_dir_close(&dev);
	}
	if (!err && n) {
		snap->units = iot_ptr_array_new(n, sizeof(**snap->units));
		if (!snap->units)
			err = -ENOMEM;
		for (size_t i = 0; i < n && !err; i++)
			read_unit(ctx, &class_dir, names[i], snap->units[snap->n_units++]);
		/* a unit may have lost its name: never sort or show it */
		if (!err && ctx->nomem)
			err = -ENOMEM;
		if (!err)
			qsort(snap->units, snap->n_units, sizeof(*snap->units), unit_cmp);
	}
	iot_strv_free(names, n);
	iot_dir_close(&class_dir);
	return err;
}

int iot_snapshot_new_for(struct iot_ctx *ctx, unsigned flags, const char *const *devices,
			 size_t n_devices, const int *groups, size_t n_groups,
			 struct iot_snapshot **out)
{
	struct found_list found = { 0 };
	struct iot_snapshot *snap;
	int *outer, *nums = NULL;
	size_t n_nums = 0;
	bool outer_nomem;
	int err = 0;

	if (!ctx || !out || (n_devices && !devices) || (n_groups && !groups))
		return -EINVAL;
	/* a platform device has no address to look up: read everything, a superset */
	for (size_t i = 0; i < n_devices; i++) {
		int dom, b, s, f;

		if (!devices[i] || iot_parse_pci_addr(devices[i], &dom, &b, &s, &f))
			return iot_snapshot_new(ctx, flags, out);
	}
	if (flags & IOT_SCAN_UNITS_ONLY)
		return iot_snapshot_new(ctx, flags, out);

	snap = calloc(1, sizeof(*snap));
	if (!snap)
		return -ENOMEM;
	outer = iot_ctx_count_warnings(ctx, &snap->warnings);
	iot_pci_forget_caps(ctx);
	/* as iot_snapshot_new: a lost allocation anywhere is -ENOMEM, never "absent" */
	outer_nomem = iot_nomem_begin(ctx);

	for (size_t i = 0; i < n_groups && !err; i++)
		if (groups[i] >= 0)
			err = num_add(&nums, &n_nums, groups[i]);
	if (!err)
		err = target_devices(ctx, devices, n_devices, flags & IOT_SCAN_ALL_PCI, &found,
				     &nums, &n_nums);
	if (!err)
		err = target_groups(ctx, snap, nums, n_nums, &found, flags & IOT_SCAN_DETAILS,
				    flags & IOT_SCAN_ALL_PCI);
	if (err == 1) {
		/* nothing read yet that warns: the full read says it all, once */
		bool lost = iot_nomem_end(ctx, outer_nomem);

		iot_ctx_count_warnings(ctx, outer);
		free(nums);
		found_free(&found);
		iot_snapshot_free(snap);
		/* unless what sent us there was a lost allocation: no answer then */
		return lost ? -ENOMEM : iot_snapshot_new(ctx, flags, out);
	}
	if (!err && (flags & IOT_SCAN_ALL_PCI))
		err = target_ancestors(&found);
	if (!err) {
		merge_found(ctx, &found);
		if (flags & IOT_SCAN_DETAILS)
			err = target_units(ctx, snap, &found);
	}
	if (!err)
		err = finish_snapshot(ctx, snap, &found, flags, true);
	if (err)
		goto fail;
	iot_nomem_end(ctx, outer_nomem);
	iot_ctx_count_warnings(ctx, outer);
	free(nums);
	found_free(&found);
	*out = snap;
	return 0;
fail:
	if (iot_nomem_end(ctx, outer_nomem))
		err = -ENOMEM; /* whatever a reader made of its lost allocation */
	iot_ctx_count_warnings(ctx, outer);
	free(nums);
	found_free(&found);
	iot_snapshot_free(snap);
	return err;
}

void iot_snapshot_free(struct iot_snapshot *snap)
{
	if (!snap)
		return;
	for (size_t i = 0; i < snap->n_groups; i++) {
		struct iot_group *g = snap->groups[i];

		free(g->type_raw);
		free(g->name);
		free(g->regions);
		free(g->devices);
		free(g->vfio_node);
		free(g->verdict);
	}
	free(snap->groups);
	for (size_t i = 0; i < snap->n_devices; i++) {
		struct iot_device *d = snap->devices[i];

		free(d->name);
		free(d->syspath);
		free(d->driver);
		free(d->driver_override);
		free(d->physfn);
		free(d->vfio_cdev);
		free(d->critical_what);
		free(d->interfaces);
	}
	free(snap->devices);
	for (size_t i = 0; i < snap->n_units; i++) {
		free(snap->units[i]->name);
		free(snap->units[i]->syspath);
		free(snap->units[i]->amd_features_raw);
	}
	free(snap->units);
	for (size_t i = 0; i < snap->n_owners; i++) {
		free(snap->owners[i]->comm);
		free(snap->owners[i]->node);
		free(snap->owners[i]);
	}
	free(snap->owners);
	free(snap);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * check.c - host readiness for device assignment, judged from what the
 * kernel registered (units, groups, interrupt domains, device nodes), never
 * from the command line alone: the command line only words the hints.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "iommu-tools-features.h"
#include "internal.h"

#define MAX_CHECKS 16

struct checks {
	struct iot_check v[MAX_CHECKS];
	size_t n;
	int err;
};

__attribute__((format(printf, 5, 6)))
static void add(struct checks *c, const char *id, const char *title, enum iot_check_status st,
		const char *fmt, ...)
{
	struct iot_check *k;
	va_list ap;

	if (c->n >= MAX_CHECKS || c->err)
		return;
	k = &c->v[c->n++];
	k->id = id;
	k->title = title;
	k->status = st;
	va_start(ap, fmt);
	if (vasprintf(&k->detail, fmt, ap) < 0) {
		k->detail = NULL;
		c->err = -ENOMEM;
	}
	va_end(ap);
}

/* Attach a hint to the last check. */
__attribute__((format(printf, 2, 3)))
static void hint(struct checks *c, const char *fmt, ...)
{
	struct iot_check *k;
	va_list ap;

	if (!c->n || c->err)
		return;
	k = &c->v[c->n - 1];
	free(k->hint);
	va_start(ap, fmt);
	if (vasprintf(&k->hint, fmt, ap) < 0) {
		k->hint = NULL;
		c->err = -ENOMEM;
	}
	va_end(ap);
}

static bool exists(struct iot_ctx *ctx, const char *path)
{
	return iot_root_stat(ctx, path, NULL) == 0;
}

/* A boolean kernel parameter set true, as the kernel's kstrtobool() reads it. */
static bool param_true(struct iot_ctx *ctx, const char *name)
{
	char val[16];

	if (iot_kernel_param(ctx, name, val, sizeof(val)) < 0)
		return false;
	return val[0] == '1' || val[0] == 'y' || val[0] == 'Y' || !strcasecmp(val, "on");
}

/* The command-line word that turned the IOMMU off, into @buf; false when none did. */
static bool cmdline_off_word(struct iot_ctx *ctx, char *buf, size_t len)
{
	static const char *const off[] = { "intel_iommu", "amd_iommu", "iommu" };

	for (size_t i = 0; i < IOT_ARRAY_SIZE(off); i++) {
		if (iot_kernel_param_has(ctx, off[i], "off")) {
			snprintf(buf, len, "%s=off", off[i]);
			return true;
		}
	}
	if (param_true(ctx, "iommu.passthrough")) {
		snprintf(buf, len, "iommu.passthrough=1");
		return true;
	}
	return false;
}

static void check_firmware(struct iot_ctx *ctx, struct checks *c)
{
	static const char *const tables[] = { "DMAR", "IVRS", "IORT", "VIOT" };
	const char *title = "IOMMU firmware table (DMAR/IVRS/IORT)";
	char found[32] = "";
	struct iot_dir dir = IOT_DIR_INIT;

	if (iot_dir_open(ctx, "sys/firmware/acpi/tables", &dir)) {
		if (exists(ctx, "sys/firmware/devicetree/base"))
			add(c, "firmware-table", title, IOT_CHECK_WARN,
			    "device-tree host: no ACPI tables to check");
		else
			add(c, "firmware-table", title, IOT_CHECK_WARN,
			    "cannot read /sys/firmware/acpi/tables");
		return;
	}
	for (size_t i = 0; i < IOT_ARRAY_SIZE(tables); i++)
		if (iot_dir_has(&dir, tables[i]))
			snprintf(found + strlen(found), sizeof(found) - strlen(found), "%s%s",
				 *found ? " " : "", tables[i]);
	iot_dir_close(&dir);
	if (*found) {
		add(c, "firmware-table", title, IOT_CHECK_PASS, "%s present", found);
		return;
	}
	add(c, "firmware-table", title, IOT_CHECK_FAIL, "no DMAR, IVRS, IORT or VIOT ACPI table");
	hint(c, "enable VT-d (Intel) or IOMMU/AMD-Vi (AMD) in the firmware setup");
}

static void check_units(struct iot_ctx *ctx, const struct iot_snapshot *snap, struct checks *c)
{
	const char *title = "IOMMU units registered";
	char names[256] = "", off[32];
	size_t n = 0;

	for (size_t i = 0; i < snap->n_units; i++) {
		const struct iot_unit *u = snap->units[i];

		if (u->kind == IOT_UNIT_SELFTEST) /* a test mock, not hardware */
			continue;
		if (n++ < 6)
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
				 *names ? ", " : "", u->name);
	}
	if (n) {
		add(c, "units", title, IOT_CHECK_PASS, "%zu: %s%s", n, names, n > 6 ? ", ..." : "");
		return;
	}
	add(c, "units", title, IOT_CHECK_FAIL, "none in /sys/class/iommu");
	if (cmdline_off_word(ctx, off, sizeof(off)))
		hint(c, "the kernel command line has %s: remove it", off);
	else if (c->n && c->v[0].status == IOT_CHECK_PASS)
		hint(c, "the firmware describes an IOMMU the kernel did not register: boot with "
			"intel_iommu=on (Intel) and look for DMAR or AMD-Vi errors in dmesg");
	else
		hint(c, "enable the IOMMU in the firmware setup");
}

static void check_groups(const struct iot_snapshot *snap, struct checks *c)
{
	const char *title = "IOMMU groups";
	size_t members = 0;

	for (size_t i = 0; i < snap->n_groups; i++)
		members += snap->groups[i]->n_devices;
	if (snap->n_groups) {
		add(c, "groups", title, IOT_CHECK_PASS, "%zu groups, %zu devices", snap->n_groups,
		    members);
		return;
	}
	add(c, "groups", title, IOT_CHECK_FAIL, "/sys/kernel/iommu_groups is empty");
	hint(c, "no device is behind an active IOMMU; see the checks above");
}

static void check_domain_type(struct iot_ctx *ctx, const struct iot_snapshot *snap,
			      struct checks *c)
{
	const char *title = "Default domain type";
	size_t count[IOT_GROUP_TYPE_NONE + 1] = { 0 }, translated;

	if (!snap->n_groups) {
		add(c, "default-domain", title, IOT_CHECK_SKIP, "no groups to judge");
		return;
	}
	for (size_t i = 0; i < snap->n_groups; i++)
		count[snap->groups[i]->type]++;
	translated = count[IOT_GROUP_TYPE_DMA] + count[IOT_GROUP_TYPE_DMA_FQ];
	if (translated == snap->n_groups) {
		add(c, "default-domain", title, IOT_CHECK_PASS, "translated in all %zu groups (%s)",
		    snap->n_groups,
		    count[IOT_GROUP_TYPE_DMA_FQ] && count[IOT_GROUP_TYPE_DMA] ? "DMA, DMA-FQ"
		    : count[IOT_GROUP_TYPE_DMA_FQ]                            ? "DMA-FQ"
									      : "DMA");
		return;
	}
	if (count[IOT_GROUP_TYPE_IDENTITY]) {
		add(c, "default-domain", title, IOT_CHECK_WARN,
		    "identity (passthrough) in %zu of %zu groups", count[IOT_GROUP_TYPE_IDENTITY],
		    snap->n_groups);
		bool pt = iot_kernel_param_has(ctx, "iommu", "pt");

		hint(c, "host drivers DMA untranslated%s; device assignment still works, boot "
			"without it for DMA protection",
		     pt ? " (iommu=pt on the command line)" : "");
		return;
	}
	add(c, "default-domain", title, IOT_CHECK_WARN,
	    "%zu of %zu groups are neither translated nor identity (blocked, unknown or unreadable)",
	    snap->n_groups - translated, snap->n_groups);
}

/* The unit's ECAP says it can remap interrupts (VT-d ECAP.IR). */
static bool unit_has_ir(const struct iot_unit *u)
{
	const struct iot_field_desc *d = iot_reg_find(IOT_REG_VTD_ECAP, "ir_support");
	struct iot_field f;

	return u->ecap_known && d && !iot_field_decode(d, u->ecap, &f) && f.value;
}

struct irq_kinds {
	bool ir, its, msi;
};

static int note_irq_line(char *line, size_t len, void *data)
{
	struct irq_kinds *k = data;

	k->ir |= strstr(line, " IR-") != NULL;
	k->its |= strstr(line, "ITS-") != NULL;
	k->msi |= strstr(line, "MSI") != NULL;
	return 0;
}

static void check_irq_remap(struct iot_ctx *ctx, const struct iot_snapshot *snap,
			    struct checks *c)
{
	/* a line per interrupt, a column per CPU: thousands of CPUs fit */
	static const struct iot_lines lim = { .max_line = 65536 };
	const char *title = "Interrupt remapping";
	struct irq_kinds k = { 0 };
	char unsafe[8] = "";
	struct iot_dir dir = IOT_DIR_INIT;
	int ferr = iot_root_read_lines(ctx, "proc/interrupts", &lim, note_irq_line, &k);
	bool ir = k.ir, its = k.its, msi = k.msi, f = ferr == 0;

	if (!iot_dir_open(ctx, "sys/module/vfio_iommu_type1/parameters", &dir)) {
		iot_dir_read_str(&dir, "allow_unsafe_interrupts", unsafe, sizeof(unsafe));
		iot_dir_close(&dir);
	}
	if (ir) {
		add(c, "interrupt-remapping", title, IOT_CHECK_PASS,
		    "on (IR- interrupt domains in /proc/interrupts)");
	} else if (its) {
		add(c, "interrupt-remapping", title, IOT_CHECK_PASS,
		    "MSIs isolated by the GICv3 ITS");
	} else if (!f) {
		add(c, "interrupt-remapping", title, IOT_CHECK_WARN, "cannot read /proc/interrupts");
	} else if (!msi) {
		add(c, "interrupt-remapping", title, IOT_CHECK_WARN,
		    "cannot tell: no MSI interrupts in /proc/interrupts");
	} else {
		bool hw_ir = false;

		for (size_t i = 0; i < snap->n_units; i++)
			hw_ir |= unit_has_ir(snap->units[i]);
		add(c, "interrupt-remapping", title, IOT_CHECK_FAIL,
		    "off: MSIs are delivered unremapped%s",
		    unsafe[0] == 'Y' ? " (vfio allow_unsafe_interrupts=Y)" : "");
		if (iot_kernel_param_has(ctx, "intremap", "off") ||
		    iot_kernel_param(ctx, "nointremap", NULL, 0) >= 0)
			hint(c, "the kernel command line turns it off: remove intremap=off/nointremap");
		else if (hw_ir)
			hint(c, "the IOMMU supports it (ecap IR): enable x2APIC in firmware and "
				"look for DMAR-IR errors in dmesg");
		else
			hint(c, "without it VFIO refuses devices unless allow_unsafe_interrupts is set, "
				"which lets a guest forge interrupts");
	}
}

static void check_iommufd(struct iot_ctx *ctx, const struct iot_snapshot *snap, struct checks *c)
{
	const char *title = "iommufd (/dev/iommu)";
	const struct iot_owner *o[4];
	char users[160] = "";
	struct stat st;
	size_t n;

	if (!iot_root_stat(ctx, "dev/iommu", &st) && (!ctx->live || S_ISCHR(st.st_mode))) {
		/* who uses it now: a VMM or another iommufd user */
		n = iot_snapshot_node_owners(snap, "/dev/iommu", o, IOT_ARRAY_SIZE(o));
		for (size_t i = 0; i < n && i < IOT_ARRAY_SIZE(o); i++)
			snprintf(users + strlen(users), sizeof(users) - strlen(users), "%s%d:%s",
				 *users ? " " : "", o[i]->pid, o[i]->comm);
		if (*users)
			add(c, "iommufd", title, IOT_CHECK_PASS, "present, open by %s%s", users,
			    n > IOT_ARRAY_SIZE(o) ? " ..." : "");
		else
			add(c, "iommufd", title, IOT_CHECK_PASS, "present%s",
			    snap->owners_denied ? " (need root to see its users)" : "");
		return;
	}
	add(c, "iommufd", title, IOT_CHECK_WARN, "no /dev/iommu");
	hint(c, "load iommufd (modprobe iommufd) or build with CONFIG_IOMMUFD; the legacy VFIO "
		"container still works");
}

static void check_vfio_cdev(struct iot_ctx *ctx, struct checks *c)
{
	const char *title = "VFIO device cdev";

	if (exists(ctx, "sys/class/vfio-dev") || exists(ctx, "dev/vfio/devices")) {
		add(c, "vfio-cdev", title, IOT_CHECK_PASS, "supported (/dev/vfio/devices)");
		return;
	}
	if (exists(ctx, "sys/module/vfio")) {
		add(c, "vfio-cdev", title, IOT_CHECK_WARN, "vfio has no device cdev support");
		hint(c, "a kernel with CONFIG_VFIO_DEVICE_CDEV (6.6 or later) is needed for iommufd "
			"attach");
		return;
	}
	add(c, "vfio-cdev", title, IOT_CHECK_WARN, "vfio is not loaded");
	hint(c, "modprobe vfio-pci");
}

static int find_module_line(char *line, size_t len, void *data)
{
	return strstr(line, data) != NULL;
}

static bool modules_list_has(struct iot_ctx *ctx, const char *list, const char *module)
{
	static const struct iot_lines lim = { .max_line = 65536 };
	const char *rel = iot_kernel_release(ctx);
	char path[512];

	if (!rel || !*rel || strchr(rel, '/'))
		return false;
	snprintf(path, sizeof(path), "lib/modules/%s/%s", rel, list);
	return iot_root_read_lines(ctx, path, &lim, find_module_line, (void *)module) > 0;
}

static void check_vfio_pci(struct iot_ctx *ctx, struct checks *c)
{
	const char *title = "vfio-pci driver";

	if (exists(ctx, "sys/bus/pci/drivers/vfio-pci")) {
		add(c, "vfio-pci", title, IOT_CHECK_PASS, "loaded");
		return;
	}
	if (modules_list_has(ctx, "modules.dep", "/vfio-pci.ko")) {
		add(c, "vfio-pci", title, IOT_CHECK_WARN, "available, not loaded");
		hint(c, "modprobe vfio-pci");
		return;
	}
	add(c, "vfio-pci", title, IOT_CHECK_WARN, "not loaded, and no module found");
	hint(c, "modprobe vfio-pci, or build the kernel with CONFIG_VFIO_PCI");
}

static void check_shared_groups(const struct iot_snapshot *snap, struct checks *c)
{
	const char *title = "Groups with several endpoints";
	char list[256] = "";
	size_t shared = 0, together = 0;

	if (!snap->n_groups) {
		add(c, "shared-groups", title, IOT_CHECK_SKIP, "no groups to judge");
		return;
	}
	for (size_t i = 0; i < snap->n_groups; i++) {
		const struct iot_group *g = snap->groups[i];
		size_t endpoints = 0, fns = 0;

		for (size_t j = 0; j < g->n_devices; j++)
			endpoints += !g->devices[j]->is_bridge;
		/* host bridges and dummies only: nobody assigns those (the verdict says so) */
		if (endpoints < 2 || g->viability == IOT_VIABILITY_NOTHING)
			continue;
		/* a GPU with its HDMI audio, two ports of one NIC: assigned together anyway */
		if (iot_group_one_device(g, &fns)) {
			together += fns > 1;
			continue;
		}
		if (shared++ < 4)
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%sgroup %d (%zu)", *list ? ", " : "", g->number, endpoints);
	}
	if (!shared) {
		if (together)
			add(c, "shared-groups", title, IOT_CHECK_PASS,
			    "every group holds one device (%zu with several functions of one device)",
			    together);
		else
			add(c, "shared-groups", title, IOT_CHECK_PASS, "every group has one endpoint");
		return;
	}
	add(c, "shared-groups", title, IOT_CHECK_WARN, "%zu: %s%s", shared, list,
	    shared > 4 ? ", ..." : "");
	hint(c, "devices in one group can only be assigned together; ACS on the upstream ports "
		"or another slot separates them");
}

/* Records of the binding journal whose binder is gone: drivers a killed run changed. */
static void check_bindings(struct iot_ctx *ctx, struct checks *c)
{
	const char *title = "Bindings left by a killed run";
	struct iot_journal *j = NULL;
	char list[256] = "";
	size_t left = 0;
	int err = iot_journal_list(ctx, &j);

	if (err == -ENOMEM) {
		c->err = err;
		return;
	}
	if (err) {
		add(c, "bindings", title, IOT_CHECK_SKIP, "the binding journal is unreadable: %s",
		    strerror(-err));
		return;
	}
	for (size_t i = 0; i < j->n; i++) {
		const struct iot_journal_entry *e = j->entries[i];

		if (e->alive)
			continue;
		if (left++ < 4)
			snprintf(list + strlen(list), sizeof(list) - strlen(list),
				 "%s%s on %s (was %s, pid %d)", *list ? ", " : "", e->device,
				 e->driver, e->orig_driver ? e->orig_driver : "no driver", e->pid);
	}
	iot_journal_free(j);
	if (!left) {
		add(c, "bindings", title, IOT_CHECK_PASS, "none");
		return;
	}
	add(c, "bindings", title, IOT_CHECK_WARN, "%zu: %s%s", left, list, left > 4 ? ", ..." : "");
	hint(c, "iommu-attach --recover restores their original drivers");
}

int iot_check_host(struct iot_ctx *ctx, const struct iot_snapshot *snap,
		   struct iot_check ***out)
{
	struct checks *c = calloc(1, sizeof(*c));
	struct iot_check **v;
	bool outer;
	size_t n;

	if (!c)
		return -ENOMEM;
	outer = iot_nomem_begin(ctx);
	check_firmware(ctx, c);
	check_units(ctx, snap, c);
	check_groups(snap, c);
	check_domain_type(ctx, snap, c);
	check_irq_remap(ctx, snap, c);
	check_iommufd(ctx, snap, c);
	check_vfio_cdev(ctx, c);
	check_vfio_pci(ctx, c);
	check_shared_groups(snap, c);
	check_bindings(ctx, c);
	/* a file that could not be opened or listed for want of memory is not a finding */
	if (iot_nomem_end(ctx, outer) && !c->err)
		c->err = -ENOMEM;
	n = c->n;
	v = c->err ? NULL : iot_ptr_array_new(n, sizeof(**v));
	if (!v) {
		int err = c->err ? c->err : -ENOMEM;

		for (size_t i = 0; i < n; i++) {
			free(c->v[i].detail);
			free(c->v[i].hint);
		}
		free(c);
		return err;
	}
	for (size_t i = 0; i < n; i++)
		*v[i] = c->v[i];
	free(c);
	*out = v;
	return (int)n;
}

void iot_checks_free(struct iot_check **checks, size_t n)
{
	if (!checks)
		return;
	for (size_t i = 0; i < n; i++) {
		free(checks[i]->detail);
		free(checks[i]->hint);
	}
	free(checks);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iommu-attach - bind devices to VFIO and attach them to an iommufd context:
 * check it and undo (the default), hold it in a session, or hand it to a
 * command. This file: options, help and main; the work is in attach-setup.c,
 * the output in attach-report.c, --hold and --exec in attach-run.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "attach.h"

__attribute__((noreturn)) static void usage(const struct poptOption *opts)
{
	FILE *out = stdout;

	fprintf(out, "\nUsage:\n %s [options] <device>...\n", cmd_progname);
	fprintf(out, " %s [options] --hold <name> <device>...\n", cmd_progname);
	fprintf(out, " %s [options] --exec <device>... -- <command> [<arg>...]\n", cmd_progname);
	fprintf(out, " %s [options] --mock [--hold <name> | --exec -- <command>...]\n",
		cmd_progname);
	fprintf(out, " %s --list | --release <name> | --recover\n", cmd_progname);
	fputs("\nBind PCI devices to vfio-pci and attach them to an iommufd context: check it\n"
	      "and undo everything (the default), hold it in a session, or run a command on it.\n"
	      "A device is a PCI address (0000:03:00.0 or 03:00.0) or /dev/vfio/devices/vfioN.\n",
	      out);
	cmd_usage_options(out, opts);
	fputs("\nIn --exec's command, {iommufd} and {dev:<address>} are replaced by the fd\n"
	      "numbers it inherits; IOMMU_TOOLS_IOMMUFD, IOMMU_TOOLS_DEVICES, IOMMU_TOOLS_IOAS,\n"
	      "IOMMU_TOOLS_HWPT and IOMMU_TOOLS_SESSION say the same in its environment;\n"
	      "with --mock, IOMMU_TOOLS_MOCK_DEVICE, IOMMU_TOOLS_MOCK_DEV_ID and\n"
	      "IOMMU_TOOLS_MOCK_STDEV name the mock device (it has no fd).\n",
	      out);
	fprintf(out, "\nExit status: %d success, %d failure, %d usage error;\n"
		"--exec: the command's status.\n",
		CMD_EXIT_OK, CMD_EXIT_FAILURE, CMD_EXIT_USAGE);
	fprintf(out, "\nFor more details see %s(8).\n", cmd_progname);
	exit(CMD_EXIT_OK);
}

/* ---- option arguments ---- */

/* a number with an optional K, M, G or T suffix (binary): 4096, 0x1000, 2M */
static int parse_size(const char *s, uint64_t *out)
{
	char buf[32];
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v;

	if (!n || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 'K': case 'k': shift = 10; break;
	case 'M': case 'm': shift = 20; break;
	case 'G': case 'g': shift = 30; break;
	case 'T': case 't': shift = 40; break;
	default: break;
	}
	if (shift)
		buf[--n] = '\0';
	if (n > 2 && buf[0] == '0' && (buf[1] == 'x' || buf[1] == 'X')) {
		if (cmd_parse_u64(buf + 2, 16, UINT64_MAX, &v))
			return -EINVAL;
	} else if (cmd_parse_u64(buf, 10, UINT64_MAX, &v)) {
		return -EINVAL;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*out = v << shift;
	return 0;
}

static void parse_map(struct attach_ctl *ctl, const char *arg)
{
	char *copy = cmd_arg_dup(arg), *size, *access;
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	struct attach_map m = { .buf = MAP_FAILED, .read = true, .write = true };
	struct attach_map *v;

	size = strchr(copy, ':');
	access = size ? strchr(size + 1, ':') : NULL;
	if (size)
		*size++ = '\0';
	if (access) {
		*access++ = '\0';
		m.read = !strcmp(access, "r") || !strcmp(access, "rw");
		m.write = !strcmp(access, "w") || !strcmp(access, "rw");
	}
	if (!size || parse_size(copy, &m.iova) || parse_size(size, &m.size) || !m.size ||
	    (access && !m.read && !m.write) || m.iova + m.size - 1 < m.iova) {
		free(copy);
		cmd_usage_error("invalid --map: %s (use IOVA:SIZE[:r|w|rw], such as 0x100000:2M)",
				arg);
	}
	free(copy);
	if (m.iova % page || m.size % page)
		cmd_usage_error("invalid --map: %s: IOVA and size must be multiples of the page "
				"size (%llu)", arg, (unsigned long long)page);
	v = realloc(ctl->maps, (ctl->nmaps + 1) * sizeof(*v));
	if (!v)
		cmd_die("out of memory");
	ctl->maps = v;
	ctl->maps[ctl->nmaps++] = m;
}

static void parse_hwpt(struct attach_ctl *ctl, const char *arg)
{
	static const char *const names[] = { "nest-parent", "dirty-tracking", "fault", "pasid" };
	char *copy = cmd_arg_dup(arg ? arg : ""), *tok, *save = NULL;

	ctl->hwpt_given = true;
	ctl->hwpt_flags = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		size_t i;

		for (i = 0; i < CMD_ARRAY_SIZE(names); i++)
			if (!strcasecmp(tok, names[i]))
				break;
		if (i == CMD_ARRAY_SIZE(names)) {
			char bad[64];

			snprintf(bad, sizeof(bad), "%s", tok);
			free(copy);
			cmd_usage_error("unknown --hwpt flag: %s (use nest-parent, dirty-tracking, "
					"fault, pasid)", bad);
		}
		ctl->hwpt_flags |= 1u << i;
	}
	free(copy);
}

static void parse_ioas(struct attach_ctl *ctl, const char *arg)
{
	uint64_t v;

	if (arg && !strcmp(arg, "new")) {
		ctl->has_ioas = false;
		return;
	}
	if (!arg || cmd_parse_u64(arg, 10, UINT32_MAX, &v) || !v)
		cmd_usage_error("invalid --ioas: %s (use new or an object id)", arg ? arg : "");
	ctl->has_ioas = true;
	ctl->ioas_id = (uint32_t)v;
}

/* the rules of a session's name, checked before anything changes */
static void check_session_name(const char *opt, const char *name)
{
	struct iot_session *s = NULL;

	if (iot_session_new(NULL, name, 0, &s))
		cmd_usage_error("invalid %s name: %s (letters, digits, '-', '_' and '.', "
				"at most %d)", opt, name, IOT_SESSION_NAME_MAX);
	iot_session_free(s);
}

/* ---- options ---- */

enum {
	OPT_HOLD = 1,
	OPT_EXEC,
	OPT_LIST,
	OPT_RELEASE,
	OPT_RECOVER,
	OPT_BIND,
	OPT_KEEP,
	OPT_GROUP,
	OPT_FORCE,
	OPT_LEGACY,
	OPT_IOAS,
	OPT_HWPT,
	OPT_PASID,
	OPT_MAP,
	OPT_HUGE,
	OPT_MOCK,
	OPT_JSON,
	OPT_QUIET,
};

/*
 * --exec's command follows "--": split it off before popt sees it, so that the
 * devices before it and the command's own arguments cannot mix. "--hwpt" alone
 * becomes "--hwpt=", so popt does not take the next word (a device) as its flags.
 */
static const char **split_argv(struct attach_ctl *ctl, int *argc, const char **argv)
{
	const char **v = calloc((size_t)*argc + 1, sizeof(*v));
	bool exec = false;
	int n = 0;

	if (!v)
		cmd_die("out of memory");
	for (int i = 0; i < *argc; i++) {
		if (!strcmp(argv[i], "--") && exec) {
			ctl->exec_argv = argv + i + 1;
			ctl->exec_argc = *argc - i - 1;
			break;
		}
		if (!strcmp(argv[i], "--"))
			exec = false; /* devices after "--" as usual; no --exec before it */
		if (!strcmp(argv[i], "--exec"))
			exec = true;
		v[n++] = !strcmp(argv[i], "--hwpt") ? "--hwpt=" : argv[i];
		if (!strcmp(argv[i], "--") && !exec) {
			/* the rest are devices */
			for (i++; i < *argc; i++)
				v[n++] = argv[i];
			break;
		}
	}
	*argc = n;
	return v;
}

static void parse_args(struct attach_ctl *ctl, int argc, const char **argv)
{
	char *arg = NULL;
	/* rows ascending: at most one of each row */
	static const cmd_excl_t excl[] = {
		{ OPT_HOLD, OPT_LIST, OPT_RELEASE, OPT_RECOVER },
		{ OPT_EXEC, OPT_LIST, OPT_RELEASE, OPT_RECOVER },
		{ OPT_HOLD, OPT_LEGACY },
		{ OPT_EXEC, OPT_LEGACY },
		{ OPT_LEGACY, OPT_IOAS },
		{ OPT_LEGACY, OPT_HWPT },
		{ OPT_LEGACY, OPT_PASID },
		/* the mock is made by the kernel's selftest: nothing to bind, no PCI group */
		{ OPT_BIND, OPT_MOCK },
		{ OPT_KEEP, OPT_MOCK },
		{ OPT_GROUP, OPT_MOCK },
		{ OPT_FORCE, OPT_MOCK },
		{ OPT_LEGACY, OPT_MOCK },
	};
	int excl_status[CMD_ARRAY_SIZE(excl)] = { 0 };
	bool exec = false, any_attach_opt = false;
	uint64_t v;
	int rc;
	struct poptOption modes[] = {
		{ "hold", 0, POPT_ARG_STRING, &arg, OPT_HOLD,
		  "keep the context and serve it as session <name>\nuntil SIGINT, SIGTERM or "
		  "--release",
		  "<name>" },
		{ "exec", 0, POPT_ARG_NONE, NULL, OPT_EXEC,
		  "run the command after -- on the context, undo\nwhen it exits, exit with its status",
		  NULL },
		{ "list", 0, POPT_ARG_NONE, NULL, OPT_LIST, "list the live sessions", NULL },
		{ "release", 0, POPT_ARG_STRING, &arg, OPT_RELEASE,
		  "end session <name>: its holder undoes everything", "<name>" },
		{ "recover", 0, POPT_ARG_NONE, NULL, OPT_RECOVER,
		  "restore the drivers a killed run left changed", NULL },
		POPT_TABLEEND
	};
	struct poptOption binding[] = {
		{ "bind-driver", 0, POPT_ARG_NONE, NULL, OPT_BIND,
		  "bind the devices to vfio-pci where they are not", NULL },
		{ "keep-driver", 0, POPT_ARG_NONE, NULL, OPT_KEEP,
		  "leave them on vfio-pci at the end", NULL },
		{ "group", 0, POPT_ARG_NONE, NULL, OPT_GROUP,
		  "take every endpoint of the devices' groups\n(bridges stay with the host)", NULL },
		{ "force", 0, POPT_ARG_NONE, NULL, OPT_FORCE,
		  "attach a device the host needs, or one whose\ngroup companions are on host "
		  "drivers",
		  NULL },
		{ "legacy", 0, POPT_ARG_NONE, NULL, OPT_LEGACY,
		  "use the VFIO group and type1 container, not iommufd", NULL },
		POPT_TABLEEND
	};
	struct poptOption attach[] = {
		{ "ioas", 0, POPT_ARG_STRING, &arg, OPT_IOAS,
		  "attach to a new IOAS (default) or object <id>", "new|<id>" },
		{ "hwpt", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, &arg, OPT_HWPT,
		  "allocate a HWPT with these flags: nest-parent,\ndirty-tracking, fault, pasid",
		  "<flags>" },
		{ "pasid", 0, POPT_ARG_STRING, &arg, OPT_PASID, "also attach this PASID", "<n>" },
		{ "map", 0, POPT_ARG_STRING, &arg, OPT_MAP,
		  "map anonymous memory there (repeatable)", "<iova:size[:r|w|rw]>" },
		{ "hugepages", 0, POPT_ARG_NONE, NULL, OPT_HUGE,
		  "back --map with huge pages", NULL },
		{ "mock", 0, POPT_ARG_NONE, NULL, OPT_MOCK,
		  "attach a device of the kernel's iommufd selftest\nmock (CONFIG_IOMMUFD_TEST) in "
		  "place of PCI devices",
		  NULL },
		POPT_TABLEEND
	};
	struct poptOption output[] = {
		{ "json", 'J', POPT_ARG_NONE, NULL, OPT_JSON, "use JSON output", NULL },
		{ "quiet", 'q', POPT_ARG_NONE, NULL, OPT_QUIET, "print only errors", NULL },
		POPT_TABLEEND
	};
	struct poptOption opts[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, modes, 0, "Modes", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, binding, 0, "Binding", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, attach, 0, "Attach", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, output, 0, "Output", NULL },
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, cmd_standard_options, 0, "Options", NULL },
		POPT_TABLEEND
	};
	poptContext pc;
	const char **rest;

	/* held in ctl: --help exits from the option loop with it still allocated */
	ctl->popt_argv = split_argv(ctl, &argc, argv);
	pc = cmd_popt_context(argc, ctl->popt_argv, opts);
	while ((rc = cmd_popt_loop(pc, &arg)) > 0) {
		cmd_exclusive_options(rc, opts, excl, CMD_ARRAY_SIZE(excl), excl_status);
		any_attach_opt |= rc >= OPT_BIND && rc <= OPT_MOCK;
		switch (rc) {
		case OPT_HOLD:
			cmd_set_str(&ctl->hold, arg);
			check_session_name("--hold", ctl->hold);
			break;
		case OPT_EXEC:
			exec = true;
			break;
		case OPT_LIST:
			ctl->list = true;
			break;
		case OPT_RELEASE:
			cmd_set_str(&ctl->release, arg);
			check_session_name("--release", ctl->release);
			break;
		case OPT_RECOVER:
			ctl->recover = true;
			break;
		case OPT_BIND:
			ctl->bind_driver = true;
			break;
		case OPT_KEEP:
			ctl->keep_driver = true;
			break;
		case OPT_GROUP:
			ctl->group = true;
			break;
		case OPT_FORCE:
			ctl->force = true;
			break;
		case OPT_LEGACY:
			ctl->legacy = true;
			break;
		case OPT_IOAS:
			parse_ioas(ctl, arg);
			break;
		case OPT_HWPT:
			parse_hwpt(ctl, arg);
			break;
		case OPT_PASID:
			if (!arg || cmd_parse_u64(arg, 10, (1u << 20) - 1, &v) || !v)
				cmd_usage_error("invalid --pasid: %s (1 to %u)", arg ? arg : "",
						(1u << 20) - 1);
			ctl->has_pasid = true;
			ctl->pasid = (uint32_t)v;
			break;
		case OPT_MAP:
			parse_map(ctl, arg);
			break;
		case OPT_HUGE:
			ctl->hugepages = true;
			break;
		case OPT_MOCK:
			ctl->mock = true;
			break;
		case OPT_JSON:
			ctl->out.json = true;
			break;
		case OPT_QUIET:
			ctl->quiet = true;
			break;
		default:
			cmd_standard_option(pc, rc, opts, usage, &ctl->sysroot);
		}
	}
	rest = poptGetArgs(pc);
	for (size_t i = 0; rest && rest[i]; i++) {
		char **nv = realloc(ctl->args, (ctl->nargs + 1) * sizeof(*nv));

		if (!nv)
			cmd_die("out of memory");
		ctl->args = nv;
		ctl->args[ctl->nargs++] = cmd_arg_dup(rest[i]);
	}
	poptFreeContext(pc);
	free(ctl->popt_argv);
	ctl->popt_argv = NULL;

	if (exec && !ctl->exec_argv)
		cmd_usage_error("--exec needs the command after --: --exec <device>... -- <command>");
	if (exec && !ctl->exec_argc)
		cmd_usage_error("--exec: no command after --");
	if (!exec)
		ctl->exec_argv = NULL;
	if (ctl->list || ctl->release || ctl->recover) {
		if (ctl->nargs)
			cmd_usage_error("%s takes no devices", ctl->list ? "--list" :
							  ctl->release ? "--release" : "--recover");
		if (any_attach_opt)
			cmd_usage_error("%s takes no binding or attach options",
					ctl->list ? "--list" : ctl->release ? "--release" :
									    "--recover");
		return;
	}
	if (ctl->mock && ctl->nargs)
		cmd_usage_error("--mock takes no devices: the mock device stands in for them (%s)",
				ctl->args[0]);
	if (ctl->mock && ctl->exec_argv) {
		for (int i = 0; i < ctl->exec_argc; i++)
			if (strstr(ctl->exec_argv[i], "{dev:"))
				cmd_usage_error("--exec with --mock: {dev:...} has no fd to stand for "
						"(the mock device has none; IOMMU_TOOLS_MOCK_DEV_ID "
						"names it)");
	}
	if (!ctl->nargs && !ctl->mock)
		cmd_usage_error("no device given");
	if (ctl->hugepages && !ctl->nmaps)
		cmd_usage_error("--hugepages applies to --map");
	if (ctl->keep_driver && !ctl->bind_driver)
		cmd_usage_error("--keep-driver applies to --bind-driver");
}

static void ctl_free(struct attach_ctl *ctl)
{
	for (size_t i = 0; i < ctl->nargs; i++)
		free(ctl->args[i]);
	free(ctl->args);
	for (size_t i = 0; i < ctl->ndevs; i++)
		free(ctl->devs[i].driver);
	free(ctl->devs);
	free(ctl->maps);
	free(ctl->steps);
	free(ctl->ranges);
	free(ctl->hold);
	free(ctl->release);
	free(ctl->sysroot);
	free(ctl->session_name);
	if (ctl->sigfd >= 0)
		close(ctl->sigfd);
	iot_ctx_free(ctl->ctx);
}

/* --hold NAME must be free before anything changes */
static void check_name_free(struct attach_ctl *ctl)
{
	struct iot_session_client *c = NULL;

	if (!ctl->hold || iot_session_connect(ctl->ctx, ctl->hold, &c))
		return;
	iot_session_client_close(c);
	cmd_die("session %s is live already (iommu-attach --list)", ctl->hold);
}

int main(int argc, const char **argv)
{
	struct attach_ctl ctl = { .sigfd = -1, .iommufd = -1, .faultfd = -1 };
	int rc, undo;

	cmd_init(argv[0]);
	parse_args(&ctl, argc, argv);
	ctl.ctx = cmd_open(ctl.sysroot, NULL, false, false);
	if (ctl.list || ctl.release || ctl.recover) {
		rc = ctl.list ? attach_list(&ctl) : ctl.release ? attach_release(&ctl) :
								  attach_recover(&ctl);
		ctl_free(&ctl);
		return rc;
	}

	/* refusals and bad names end here, before anything is changed */
	if (!ctl.mock)
		attach_resolve(&ctl);
	check_name_free(&ctl);
	attach_signals_init(&ctl);

	rc = attach_setup(&ctl);
	if (!rc && attach_interrupted(&ctl))
		rc = CMD_EXIT_FAILURE;
	else if (!rc && ctl.exec_argv)
		rc = attach_exec(&ctl);
	else if (!rc && ctl.hold)
		rc = attach_hold(&ctl);
	else if (!rc)
		attach_report(&ctl, "check");
	if (ctl.stop_signal && !ctl.hold && !ctl.exec_argv) {
		cmd_warnx("interrupted by %s: undoing", strsignal(ctl.stop_signal));
		rc = CMD_EXIT_FAILURE;
	}
	undo = attach_teardown(&ctl);
	if (undo && !rc)
		rc = CMD_EXIT_FAILURE;
	ctl_free(&ctl);
	return rc;
}

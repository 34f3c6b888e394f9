// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * attach-run.c - iommu-attach holding its context: the signals that end a run
 * read from a signalfd (no work in handlers), the session served under
 * --hold, and --exec's command run on the context's inherited fds.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attach.h"

#define EXEC_KILL_AFTER_MS 10000 /* CMD told to stop, then killed */

void attach_signals_init(struct attach_ctl *ctl)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	/* from here on they wait in the signalfd: every step can be undone first */
	if (sigprocmask(SIG_BLOCK, &set, &ctl->oldmask) < 0)
		cmd_die("sigprocmask: %s", strerror(errno));
	ctl->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ctl->sigfd < 0)
		cmd_die("signalfd: %s", strerror(errno));
	/* a peer gone mid-reply must not end the holder: sends use MSG_NOSIGNAL, stdout too */
	signal(SIGPIPE, SIG_IGN);
}

static int listen_session(struct attach_ctl *ctl)
{
	int err = iot_session_listen(ctl->session);

	if (err == -EADDRINUSE)
		cmd_warnx("session %s: a live session has that name", ctl->session_name);
	else if (err)
		cmd_warnx("session %s: cannot listen: %s", ctl->session_name, strerror(-err));
	return err ? 1 : 0;
}

/* poll the signalfd, the session's sockets and @extra (-1: none); serve what is ready */
static int wait_once(struct attach_ctl *ctl, int extra, int timeout_ms)
{
	struct pollfd pfd[32];
	size_t n = 0, ns;
	int r;

	pfd[n++] = (struct pollfd){ .fd = ctl->sigfd, .events = POLLIN };
	if (extra >= 0)
		pfd[n++] = (struct pollfd){ .fd = extra, .events = POLLIN };
	ns = iot_session_pollfds(ctl->session, pfd + n, CMD_ARRAY_SIZE(pfd) - n);
	r = poll(pfd, n + ns, timeout_ms);
	if (r < 0 && errno != EINTR)
		cmd_die("poll: %s", strerror(errno));
	attach_interrupted(ctl);
	for (size_t i = n; r > 0 && i < n + ns; i++) {
		if (pfd[i].revents) {
			iot_session_serve(ctl->session, 0);
			break;
		}
	}
	return r;
}

int attach_hold(struct attach_ctl *ctl)
{
	if (listen_session(ctl))
		return CMD_EXIT_FAILURE;
	attach_report(ctl, "hold");
	while (!attach_interrupted(ctl) && !iot_session_released(ctl->session))
		wait_once(ctl, -1, -1);
	if (!ctl->quiet)
		cmd_warnx("session %s: %s, undoing", ctl->session_name,
			  ctl->stop_signal ? strsignal(ctl->stop_signal) : "released");
	return CMD_EXIT_OK;
}

/* ---- --exec ---- */

/* "{iommufd}" and "{dev:ADDR}" in @arg replaced by fd numbers; malloc'd */
static char *substitute(const struct attach_ctl *ctl, const char *arg)
{
	size_t cap = strlen(arg) + 1, n = 0;
	char *out = malloc(cap);

	if (!out)
		cmd_die("out of memory");
	while (*arg) {
		char num[16] = "";
		size_t skip = 0;

		if (!strncmp(arg, "{iommufd}", 9)) {
			snprintf(num, sizeof(num), "%d", ctl->iommufd);
			skip = 9;
		} else if (!strncmp(arg, "{dev:", 5) && strchr(arg, '}')) {
			const char *end = strchr(arg, '}');
			char addr[32];
			struct cmd_pci_addr a;

			snprintf(addr, sizeof(addr), "%.*s", (int)(end - arg - 5), arg + 5);
			if (!cmd_parse_pci_addr(addr, &a)) {
				snprintf(addr, sizeof(addr), "%04x:%02x:%02x.%x", a.domain, a.bus,
					 a.slot, a.func);
				for (size_t i = 0; i < ctl->ndevs; i++)
					if (!strcmp(ctl->devs[i].addr, addr))
						snprintf(num, sizeof(num), "%d", ctl->devs[i].devfd);
			}
			if (num[0])
				skip = (size_t)(end - arg) + 1;
		}
		if (!skip) {
			num[0] = *arg;
			num[1] = '\0';
			skip = 1;
		}
		if (n + strlen(num) + 1 > cap) {
			char *v;

			cap = 2 * cap + strlen(num);
			v = realloc(out, cap);
			if (!v)
				cmd_die("out of memory");
			out = v;
		}
		memcpy(out + n, num, strlen(num));
		n += strlen(num);
		arg += skip;
	}
	out[n] = '\0';
	return out;
}

/* In the child: the fds inherited, the environment, the signals back, CMD. */
__attribute__((noreturn)) static void child(const struct attach_ctl *ctl, char **argv)
{
	char buf[32], *devices = NULL;
	int err;

	fcntl(ctl->iommufd, F_SETFD, 0);
	for (size_t i = 0; i < ctl->ndevs; i++) {
		char *v;

		fcntl(ctl->devs[i].devfd, F_SETFD, 0);
		if (asprintf(&v, "%s%s%s=%d", devices ? devices : "", devices ? " " : "",
			     ctl->devs[i].addr, ctl->devs[i].devfd) < 0)
			_exit(127);
		free(devices);
		devices = v;
	}
	snprintf(buf, sizeof(buf), "%d", ctl->iommufd);
	setenv("IOMMU_TOOLS_IOMMUFD", buf, 1);
	setenv("IOMMU_TOOLS_DEVICES", devices ? devices : "", 1);
	snprintf(buf, sizeof(buf), "%u", ctl->ioas);
	setenv("IOMMU_TOOLS_IOAS", buf, 1);
	snprintf(buf, sizeof(buf), "%u", ctl->hwpt);
	setenv("IOMMU_TOOLS_HWPT", buf, 1);
	setenv("IOMMU_TOOLS_SESSION", ctl->session_name ? ctl->session_name : "", 1);
	if (ctl->mock) {
		/* a mock device has no fd: its ids are what a command can use */
		setenv("IOMMU_TOOLS_MOCK_DEVICE", ctl->mk.name, 1);
		snprintf(buf, sizeof(buf), "%u", ctl->mk.dev.dev_id);
		setenv("IOMMU_TOOLS_MOCK_DEV_ID", buf, 1);
		snprintf(buf, sizeof(buf), "%u", ctl->mk.stdev);
		setenv("IOMMU_TOOLS_MOCK_STDEV", buf, 1);
	}
	sigprocmask(SIG_SETMASK, &ctl->oldmask, NULL);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv[0], argv);
	err = errno;
	fprintf(stderr, "%s: cannot run %s: %s\n", cmd_progname, argv[0], strerror(err));
	_exit(err == ENOENT ? 127 : 126);
}

int attach_exec(struct attach_ctl *ctl)
{
	char **argv = calloc((size_t)ctl->exec_argc + 1, sizeof(*argv));
	double kill_at = 0;
	int status = 0, rc;
	pid_t pid;

	if (!argv)
		cmd_die("out of memory");
	if (ctl->exec_argc < 1) /* parse_args() saw to it; said again for the analyzer */
		cmd_usage_error("--exec: no command after --");
	if (listen_session(ctl)) {
		free(argv);
		return CMD_EXIT_FAILURE;
	}
	for (int i = 0; i < ctl->exec_argc; i++)
		argv[i] = substitute(ctl, ctl->exec_argv[i]);
	if (!ctl->quiet)
		cmd_warnx("session %s: ioas %u, hwpt %u: running %s", ctl->session_name, ctl->ioas,
			  ctl->hwpt, argv[0]);
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		cmd_die("fork: %s", strerror(errno));
	if (pid == 0)
		child(ctl, argv);
	for (int i = 0; i < ctl->exec_argc; i++)
		free(argv[i]);
	free(argv);

	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			cmd_die("waitpid: %s", strerror(errno));
		/* a signal or RELEASE ends CMD first: its fds must close before drivers move */
		if (!kill_at && (ctl->stop_signal || iot_session_released(ctl->session))) {
			kill(pid, ctl->stop_signal ? ctl->stop_signal : SIGTERM);
			kill_at = attach_now_ms() + EXEC_KILL_AFTER_MS;
		} else if (kill_at && attach_now_ms() > kill_at) {
			kill(pid, SIGKILL);
		}
		wait_once(ctl, -1, kill_at ? 200 : -1);
	}
	if (WIFEXITED(status))
		rc = WEXITSTATUS(status);
	else if (WIFSIGNALED(status))
		rc = 128 + WTERMSIG(status);
	else
		rc = CMD_EXIT_FAILURE;
	if (!ctl->quiet && ctl->stop_signal)
		cmd_warnx("session %s: %s, undoing", ctl->session_name,
			  strsignal(ctl->stop_signal));
	return rc;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* ctx.c - the library context: the root prefix, logging and settings. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static bool is_live_root(const char *root)
{
	struct stat a, b;

	if (stat(root, &a) < 0 || stat("/", &b) < 0)
		return false;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int iot_ctx_new(const char *sysroot, struct iot_ctx **out)
{
	struct iot_ctx *ctx;
	struct stat st;
	int fd, err;

	if (!sysroot || !*sysroot)
		sysroot = getenv(IOT_SYSROOT_ENV);
	if (!sysroot || !*sysroot)
		sysroot = "/";

	fd = open(sysroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* a directory with neither sys/ nor proc/ is a typo, not a system */
	if (fstatat(fd, "sys", &st, 0) < 0 && fstatat(fd, "proc", &st, 0) < 0) {
		close(fd);
		return -EINVAL;
	}

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		err = -errno;
		close(fd);
		return err;
	}
	ctx->sysroot = strdup(sysroot);
	if (!ctx->sysroot) {
		close(fd);
		free(ctx);
		return -ENOMEM;
	}
	ctx->rootfd = fd;
	ctx->live = is_live_root(sysroot);
	ctx->log_priority = LOG_WARNING;
	*out = ctx;
	return 0;
}

void iot_ctx_free(struct iot_ctx *ctx)
{
	if (!ctx)
		return;
	iot_pci_release(ctx);
	iot_kernel_free(ctx);
	close(ctx->rootfd);
	free(ctx->pci_ids);
	free(ctx->sysroot);
	free(ctx);
}

const char *iot_ctx_get_sysroot(const struct iot_ctx *ctx)
{
	return ctx->sysroot;
}

bool iot_ctx_is_live(const struct iot_ctx *ctx)
{
	return ctx->live;
}

void iot_ctx_set_log_fn(struct iot_ctx *ctx, iot_log_fn fn, void *data)
{
	ctx->log_fn = fn;
	ctx->log_data = data;
}

void iot_ctx_set_log_priority(struct iot_ctx *ctx, int priority)
{
	ctx->log_priority = priority;
}

int iot_ctx_set_pci_ids(struct iot_ctx *ctx, const char *path)
{
	char *copy = NULL;

	if (path) {
		if (access(path, R_OK) < 0)
			return -errno;
		copy = strdup(path);
		if (!copy)
			return -ENOMEM;
	}
	/* names already looked up came from the old file: start over */
	iot_pci_release(ctx);
	free(ctx->pci_ids);
	ctx->pci_ids = copy;
	return 0;
}

void iot_ctx_set_numeric(struct iot_ctx *ctx, bool numeric)
{
	ctx->numeric = numeric;
}

int *iot_ctx_count_warnings(struct iot_ctx *ctx, int *counter)
{
	int *prev = ctx->warn_count;

	ctx->warn_count = counter;
	return prev;
}

int iot_nomem(struct iot_ctx *ctx)
{
	ctx->nomem = true;
	return -ENOMEM;
}

bool iot_nomem_begin(struct iot_ctx *ctx)
{
	bool outer = ctx->nomem;

	ctx->nomem = false;
	return outer;
}

bool iot_nomem_end(struct iot_ctx *ctx, bool outer)
{
	bool lost = ctx->nomem;

	/* a caller that is itself an entry point still sees the loss */
	ctx->nomem = outer || lost;
	return lost;
}

void iot_log(struct iot_ctx *ctx, int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority == LOG_WARNING && ctx->warn_count && *ctx->warn_count < INT_MAX)
		(*ctx->warn_count)++;
	if (!ctx->log_fn || priority > ctx->log_priority)
		return;
	va_start(ap, fmt);
	ctx->log_fn(ctx->log_data, priority, fmt, ap);
	va_end(ap);
}

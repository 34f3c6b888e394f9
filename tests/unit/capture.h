/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capture.h - for the unit tests: open a fixture tree with every message the
 * library logs kept, so a test asserts the exact warnings, not a count.
 */
#ifndef IOT_TEST_CAPTURE_H
#define IOT_TEST_CAPTURE_H

#include <stdio.h>
#include <string.h>
#include <syslog.h>

#define CAPTURE_MAX 64

struct capture {
	char lines[CAPTURE_MAX][512];
	int priority[CAPTURE_MAX];
	int n;
};

static void capture_fn(void *data, int priority, const char *fmt, va_list ap)
{
	struct capture *c = data;

	/* more than expected fails the count check below, never overruns */
	if (c->n < CAPTURE_MAX) {
		vsnprintf(c->lines[c->n], sizeof(c->lines[c->n]), fmt, ap);
		c->priority[c->n] = priority;
	}
	c->n++;
}

/* A context on tests/fixtures/@tree that logs warnings and errors into @c. */
static inline struct iot_ctx *capture_ctx(const char *tree, struct capture *c)
{
	struct iot_ctx *ctx;
	char root[512];

	snprintf(root, sizeof(root), "%s/%s", IOT_FIXTURES, tree);
	memset(c, 0, sizeof(*c));
	assert_int_equal(iot_ctx_new(root, &ctx), 0);
	assert_false(iot_ctx_is_live(ctx));
	iot_ctx_set_log_fn(ctx, capture_fn, c);
	return ctx;
}

static const char *const no_warnings[] = { "" };

/* Exactly the @n warnings @want, in order, and nothing else logged. */
static inline void capture_expect(const struct capture *c, const char *const *want, int n)
{
	for (int i = 0; i < c->n && i < CAPTURE_MAX; i++)
		if (i >= n || strcmp(c->lines[i], want[i]) || c->priority[i] != LOG_WARNING)
			fail_msg("message %d (priority %d): \"%s\", want \"%s\"", i,
				 c->priority[i], c->lines[i], i < n ? want[i] : "(none)");
	if (c->n != n)
		fail_msg("%d messages logged, want %d", c->n, n);
}

#endif

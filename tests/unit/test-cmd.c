// SPDX-License-Identifier: GPL-2.0-or-later
/* test-cmd.c - the command layer's pure helpers: escaping, UTF-8, strict parsing, exclusions. */
#include <errno.h>
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmd-common.h"
#include "encode.h"

static void expect_safe(const char *in, const char *want)
{
	char *got = cmd_safe_encode(in);

	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_safe_c_locale(void **state)
{
	(void)state;
	setlocale(LC_ALL, "C");
	expect_safe("dmar0", "dmar0");
	expect_safe("dmar\033[2J\033]0;X\007", "dmar\\x1b[2J\\x1b]0;X\\x07");
	expect_safe("a\nb\tc\x7f", "a\\x0ab\\x09c\\x7f");
	/* every byte above 0x7f: the terminal's charset is unknown */
	expect_safe("q\xc3\xa9mu", "q\\xc3\\xa9mu");
	expect_safe("drv\xff\xfe", "drv\\xff\\xfe");
	/* the escape's own introducer is escaped, a lone backslash is not */
	expect_safe("a\\x41 b\\c", "a\\x5cx41 b\\c");
	expect_safe("", "");
}

static void test_safe_utf8_locale(void **state)
{
	(void)state;
	if (!setlocale(LC_ALL, "C.UTF-8"))
		skip();
	expect_safe("q\xc3\xa9mu", "q\xc3\xa9mu");
	expect_safe("\xe2\x82\xac 5", "\xe2\x82\xac 5");
	expect_safe("drv\xff\xfe", "drv\\xff\\xfe");
	/* C1 controls (U+009B is CSI), overlong forms, surrogates, truncated sequences */
	expect_safe("a\xc2\x9b" "2J", "a\\xc2\\x9b2J");
	expect_safe("\xc0\xaf", "\\xc0\\xaf");
	expect_safe("\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect_safe("x\xe2\x82", "x\\xe2\\x82");
	expect_safe("\033[31m\xc3\xa9", "\\x1b[31m\xc3\xa9");
	setlocale(LC_ALL, "C");
}

static void test_utf8_sanitize(void **state)
{
	char *out = (char *)1;

	(void)state;
	assert_int_equal(cmd_utf8_sanitize("amdgpu", &out), 0);
	assert_null(out);
	/* valid text, backslashes and all, is left alone: JSON escapes it itself */
	assert_int_equal(cmd_utf8_sanitize("a\\x41\033 \xc3\xa9", &out), 0);
	assert_null(out);
	assert_int_equal(cmd_utf8_sanitize("amdgpu\xff\xfe", &out), 0);
	assert_string_equal(out, "amdgpu\\xff\\xfe");
	free(out);
	assert_int_equal(cmd_utf8_sanitize("\\x41\xc3\xa9\xc3", &out), 0);
	assert_string_equal(out, "\\x5cx41\xc3\xa9\\xc3");
	free(out);
	assert_true(cmd_utf8_valid("\xf4\x8f\xbf\xbf"));
	assert_false(cmd_utf8_valid("\xf4\x90\x80\x80"));
	assert_false(cmd_utf8_valid("\xe0\x80\xaf"));
}

/* cmd_json_fputs() of @in, as text */
static void expect_json(const char *in, const char *want)
{
	char *got = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&got, &len);

	assert_non_null(f);
	assert_int_equal(cmd_json_fputs(in, f), 0);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(got, want);
	free(got);
}

static void test_json_fputs(void **state)
{
	char long_in[200], long_want[2 * 200 + 3];

	(void)state;
	expect_json("", "\"\"");
	expect_json("dmar0", "\"dmar0\"");
	expect_json("a\"b\\c", "\"a\\\"b\\\\c\"");
	/* short forms where JSON has them, \u00NN for the other control bytes and DEL */
	expect_json("\b\t\n\f\r", "\"\\b\\t\\n\\f\\r\"");
	expect_json("\033[2J\x7f", "\"\\u001b[2J\\u007f\"");
	/* not UTF-8: the bytes as text first */
	expect_json("x\xff \xc3\xa9", "\"x\\\\xff \xc3\xa9\"");
	/* longer than one piece of the writer */
	memset(long_in, '"', sizeof(long_in) - 1);
	long_in[sizeof(long_in) - 1] = '\0';
	long_want[0] = '"';
	for (size_t i = 0; i < sizeof(long_in) - 1; i++)
		memcpy(long_want + 1 + 2 * i, "\\\"", 2);
	memcpy(long_want + 1 + 2 * (sizeof(long_in) - 1), "\"", 2);
	expect_json(long_in, long_want);
}

static void test_parse_u64(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(cmd_parse_u64("12", 10, 100, &v), 0);
	assert_int_equal(v, 12);
	assert_int_equal(cmd_parse_u64("0", 10, 100, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(cmd_parse_u64("101", 10, 100, &v), -ERANGE);
	assert_int_equal(cmd_parse_u64("99999999999999999999999", 10, UINT64_MAX, &v), -ERANGE);
	assert_int_equal(cmd_parse_u64("ff", 16, 0xff, &v), 0);
	assert_int_equal(v, 0xff);
	const char *bad[] = { "", " 1", "+1", "-1", "1 ", "1x", "x", "0x10", NULL };

	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(cmd_parse_u64(bad[i], i == 7 ? 16 : 10, 100, &v), -EINVAL);
	assert_int_equal(cmd_parse_u64(NULL, 10, 100, &v), -EINVAL);
}

static void test_parse_hex_n(void **state)
{
	unsigned v = 0;

	(void)state;
	assert_int_equal(cmd_parse_hex_n("8086", 4, 4, &v), 0);
	assert_int_equal(v, 0x8086);
	assert_int_equal(cmd_parse_hex_n("aBc", 3, 4, &v), 0);
	assert_int_equal(v, 0xabc);
	assert_int_equal(cmd_parse_hex_n("80866", 5, 4, &v), -EINVAL);
	assert_int_equal(cmd_parse_hex_n("", 0, 4, &v), -EINVAL);
	assert_int_equal(cmd_parse_hex_n("80g6", 4, 4, &v), -EINVAL);
	/* the length, not the NUL, ends the digits: "8086:73ff" */
	assert_int_equal(cmd_parse_hex_n("8086:73ff", 4, 4, &v), 0);
	assert_int_equal(v, 0x8086);
}

static void test_parse_pci_addr(void **state)
{
	struct cmd_pci_addr a;

	(void)state;
	assert_int_equal(cmd_parse_pci_addr("0000:03:00.1", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 3);
	assert_int_equal(a.slot, 0);
	assert_int_equal(a.func, 1);
	assert_int_equal(cmd_parse_pci_addr("10000:03:00.1", &a), -EINVAL);
	assert_int_equal(cmd_parse_pci_addr("ffff:ff:1f.7", &a), 0);
	assert_int_equal(a.domain, 0xffff);
	assert_int_equal(a.slot, 0x1f);
	assert_int_equal(cmd_parse_pci_addr("3:0.0", &a), 0);
	assert_int_equal(a.bus, 3);
	const char *bad[] = { "03:00",   "03:20.0", "03:00.8", "03:00.0 ", "03:00.00",
			      ":00.0",   "03:.0",   "03:00.",  "0000:03:00:00.0", "g3:00.0",
			      "0000::03:00.0", "dmar0", "", NULL };

	for (size_t i = 0; bad[i]; i++) {
		a.bus = 0x55;
		assert_int_equal(cmd_parse_pci_addr(bad[i], &a), -EINVAL);
		assert_int_equal(a.bus, 0x55); /* untouched on failure */
	}
}

enum { O_A = 1, O_B, O_C, O_D };

static struct poptOption excl_opts[] = {
	{ "alpha", 'a', POPT_ARG_NONE, NULL, O_A, "a", NULL },
	{ "beta", 0, POPT_ARG_NONE, NULL, O_B, "b", NULL },
	{ NULL, 'c', POPT_ARG_NONE, NULL, O_C, "c", NULL },
	{ "delta", 0, POPT_ARG_NONE, NULL, O_D, "d", NULL },
	POPT_TABLEEND
};

static const cmd_excl_t excl[] = {
	{ O_A, O_B },
	{ O_C, O_D },
};

/* Run the options in @vals through the table in a child; its exit status, or -1 if none. */
static int excl_run(const int *vals, size_t n)
{
	pid_t pid = fork();
	int st;

	assert_true(pid >= 0);
	if (pid == 0) {
		int status[CMD_ARRAY_SIZE(excl)] = { 0 };

		if (!freopen("/dev/null", "w", stderr))
			_exit(99);
		for (size_t i = 0; i < n; i++)
			cmd_exclusive_options(vals[i], excl_opts, excl, CMD_ARRAY_SIZE(excl),
					      status);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_exclusive_options(void **state)
{
	char buf[32];

	(void)state;
	assert_int_equal(excl_run((const int[]){ O_A, O_C }, 2), 0);
	assert_int_equal(excl_run((const int[]){ O_A, O_A, O_D }, 3), 0);
	assert_int_equal(excl_run((const int[]){ O_A, O_B }, 2), CMD_EXIT_USAGE);
	assert_int_equal(excl_run((const int[]){ O_D, O_A, O_C }, 3), CMD_EXIT_USAGE);
	assert_string_equal(cmd_option_name(excl_opts, O_B, buf, sizeof(buf)), "--beta");
	assert_string_equal(cmd_option_name(excl_opts, O_C, buf, sizeof(buf)), "-c");
}

/* The help lines come from the table: aligned, continuation lines indented. */
static void test_usage_options(void **state)
{
	struct poptOption inner[] = {
		{ "group", 'g', POPT_ARG_STRING, NULL, 1, "only these groups", "<n>" },
		{ "color", 0, POPT_ARG_STRING | POPT_ARGFLAG_OPTIONAL, NULL, 2, "colorize", "<when>" },
		{ "a-very-long-option", 0, POPT_ARG_STRING, NULL, 3, "one\ntwo", "<arg>" },
		{ "hidden", 0, POPT_ARG_NONE | POPT_ARGFLAG_DOC_HIDDEN, NULL, 4, "x", NULL },
		POPT_TABLEEND
	};
	struct poptOption outer[] = {
		{ NULL, 0, POPT_ARG_INCLUDE_TABLE, inner, 0, "Section", NULL },
		POPT_TABLEEND
	};
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	cmd_usage_options(f, outer);
	fclose(f);
	assert_string_equal(text, "\nSection:\n"
				  " -g, --group <n>        only these groups\n"
				  "     --color[=<when>]   colorize\n"
				  "     --a-very-long-option <arg>  one\n"
				  "                        two\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_safe_c_locale),	  cmocka_unit_test(test_safe_utf8_locale),
		cmocka_unit_test(test_utf8_sanitize),	  cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_hex_n),	  cmocka_unit_test(test_parse_pci_addr),
		cmocka_unit_test(test_exclusive_options), cmocka_unit_test(test_usage_options),
		cmocka_unit_test(test_json_fputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

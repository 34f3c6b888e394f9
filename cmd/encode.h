/* SPDX-License-Identifier: GPL-2.0-or-later */
/* encode.h - text from the tree made safe for a terminal, and valid UTF-8 for JSON. */
#ifndef CMD_ENCODE_H
#define CMD_ENCODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * Terminal-safe copy of @s, as util-linux's mbs_safe_encode(): control bytes (so every
 * escape sequence), invalid UTF-8 and characters the locale cannot print become \xNN,
 * one per byte; "\x" itself becomes \x5cx so the escapes stay unambiguous. Printable
 * UTF-8 stays when the locale is UTF-8; in other locales every byte above 0x7f is
 * escaped, as libsmartcols does for tables. Returns malloc'd text, NULL on ENOMEM.
 */
char *cmd_safe_encode(const char *s);
/* fputs() of cmd_safe_encode(@s); a negative value on ENOMEM or a write error. */
int cmd_fputs_safe(const char *s, FILE *out);

/*
 * For JSON: when @s is not valid UTF-8, *@out is a malloc'd copy with every byte that
 * is not part of valid UTF-8 written as the text \xNN (and "\x" as \x5cx, so the copy
 * is unambiguous); valid text is left alone (*@out NULL). Returns 0 or -ENOMEM.
 */
int cmd_utf8_sanitize(const char *s, char **out);
/*
 * The @len bytes at @s escaped for the inside of a JSON string, as libsmartcols escapes
 * its JSON cells (util-linux fputs_quoted_json): a quote and a backslash get a
 * backslash, \b \t \n \f \r their short forms, other control bytes and DEL \u00NN (no
 * raw DEL reaches a terminal; libsmartcols leaves it); every other byte as it is (make
 * it UTF-8 first: cmd_utf8_sanitize()). @dst holds at least CMD_JSON_ESCAPED(@len)
 * bytes; returns the end of what was written. Allocates nothing.
 */
#define CMD_JSON_ESCAPED(len) ((len) * 6)
char *cmd_json_escape(char *dst, const char *s, size_t len);
/*
 * @s as a whole JSON string on @out, quotes included: made UTF-8 (cmd_utf8_sanitize()),
 * then escaped (cmd_json_escape()). Returns 0, or -ENOMEM.
 */
int cmd_json_fputs(const char *s, FILE *out);
/* Is @s valid UTF-8 (no overlong forms, surrogates or code points above U+10FFFF)? */
bool cmd_utf8_valid(const char *s);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/* groups-check.c - iommu-groups --check: the host's readiness for device assignment. */
#include <string.h>

#include "iommu-groups.h"

enum { CCOL_ID, CCOL_CHECK, CCOL_RESULT, CCOL_DETAIL, CCOL_HINT };

const struct cmd_colinfo groups_check_infos[] = {
	[CCOL_ID] = { "ID", 10, 0, SCOLS_JSON_STRING, "stable check name" },
	[CCOL_CHECK] = { "CHECK", 0.3, 0, SCOLS_JSON_STRING, "what is checked" },
	[CCOL_RESULT] = { "RESULT", 4, 0, SCOLS_JSON_STRING, "PASS, WARN, FAIL or SKIP" },
	[CCOL_DETAIL] = { "DETAIL", 0.3, 0, SCOLS_JSON_STRING, "what was found" },
	[CCOL_HINT] = { "HINT", 0.3, 0, SCOLS_JSON_STRING, "what to do about it" },
};

const size_t groups_n_check_infos = CMD_ARRAY_SIZE(groups_check_infos);

int groups_view_check(struct groups_ctl *ctl)
{
	struct iot_check **checks;
	int n = iot_check_host(ctl->ctx, ctl->snap, &checks);
	bool warn = false, failed = false;

	if (n < 0)
		cmd_die("cannot check the host: %s", strerror(-n));
	for (int i = 0; i < n; i++) {
		warn |= checks[i]->status == IOT_CHECK_WARN;
		failed |= checks[i]->status == IOT_CHECK_FAIL;
	}

	if (cmd_output_machine(&ctl->out) || ctl->columns) {
		static const int defaults[] = { CCOL_ID, CCOL_CHECK, CCOL_RESULT, CCOL_DETAIL,
						CCOL_HINT };
		struct cmd_columns cols;
		struct libscols_table *tb;

		cmd_columns_init(&cols, groups_check_infos, groups_n_check_infos, defaults,
				 CMD_ARRAY_SIZE(defaults), ctl->columns);
		tb = cmd_table_new(&ctl->out, "checks", &cols);
		for (int i = 0; i < n; i++) {
			struct libscols_line *ln = cmd_line_new(tb, NULL);

			for (size_t c = 0; c < cols.n; c++) {
				const struct iot_check *k = checks[i];
				const char *v[] = { [CCOL_ID] = k->id, [CCOL_CHECK] = k->title,
						    [CCOL_RESULT] = iot_check_status_name(k->status),
						    [CCOL_DETAIL] = k->detail, [CCOL_HINT] = k->hint };

				cmd_cell_set(ln, c, v[cols.ids[c]]);
			}
		}
		cmd_table_print(tb);
	} else {
		bool colors = cmd_output_colors(&ctl->out);
		static const char *const color[] = {
			[IOT_CHECK_PASS] = "\033[32m",
			[IOT_CHECK_WARN] = "\033[33m",
			[IOT_CHECK_FAIL] = "\033[31m",
		};

		/* details and hints name things from the tree: only our colours go out raw */
		for (int i = 0; i < n; i++) {
			const struct iot_check *k = checks[i];
			bool paint = colors && (size_t)k->status < CMD_ARRAY_SIZE(color);

			cmd_printf_safe("%-40s: ", k->title);
			printf("%s%s%s", paint ? color[k->status] : "",
			       iot_check_status_name(k->status), paint ? "\033[0m" : "");
			cmd_printf_safe("  %s", k->detail);
			putchar('\n');
			if (k->hint) {
				cmd_printf_safe("%42s  hint: %s", "", k->hint);
				putchar('\n');
			}
		}
	}
	iot_checks_free(checks, (size_t)n);
	if (failed)
		return CMD_EXIT_CHECK_FAIL;
	return warn ? CMD_EXIT_CHECK_WARN : CMD_EXIT_OK;
}


/*
 * Unit tests for term.c: tables sized from their content (no trailing
 * blanks, numbers right-aligned, notes under their row), the colour of
 * status words, --color values and the ETA of a progress line.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "term.h"
#include "util.h"

/* What table_print wrote for t (never a terminal: no colour, no cut). */
static char *printed(struct table *t, FILE *f, char **buf)
{
	table_print(t, "  ");
	fclose(f);
	return *buf;
}

static void test_table_widths_from_content(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct table *t = table_new(f);
	(void)state;
	table_column(t, "table", COL_SHRINK);
	table_column(t, "rows", COL_RIGHT);
	table_column(t, "note", 0);
	table_cell(t, "app.users");
	table_cellf(t, "%d", 12345);
	table_cell(t, "");
	table_cell(t, "b");
	table_cell(t, "7");
	table_cell(t, "x");
	table_note(t, "a line of its own");
	assert_string_equal(printed(t, f, &buf),
			    "  table       rows  note\n"
			    "  app.users  12345\n"
			    "  b              7  x\n"
			    "      a line of its own\n");
	free(buf);
}

static void test_text_width_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(text_width("abc"), 3);
	assert_int_equal(text_width("caf\xc3\xa9"), 4);
	assert_int_equal(text_width("\xe2\x80\xa6"), 1);
	assert_int_equal(text_width(""), 0);
}

static void test_status_colours(void **state)
{
	(void)state;
	assert_int_equal(status_color("pass"), C_GREEN);
	assert_int_equal(status_color("done"), C_GREEN);
	assert_int_equal(status_color("approved"), C_GREEN);
	assert_int_equal(status_color("fail"), C_RED);
	assert_int_equal(status_color("failed: step x"), C_RED);
	assert_int_equal(status_color("warning"), C_YELLOW);
	assert_int_equal(status_color("in_progress 2/5"), C_YELLOW);
	assert_int_equal(status_color("passing"), C_RESET);
	assert_int_equal(status_color("rows"), C_RESET);
}

static void test_color_modes(void **state)
{
	(void)state;
	assert_int_equal(color_mode_parse("auto"), COLOR_AUTO);
	assert_int_equal(color_mode_parse("always"), COLOR_ALWAYS);
	assert_int_equal(color_mode_parse("never"), COLOR_NEVER);
	assert_int_equal(color_mode_parse("sometimes"), -1);
	dd_color_mode = COLOR_ALWAYS;
	assert_string_equal(color(1, C_RED), "\033[31m");
	dd_color_mode = COLOR_NEVER;
	assert_string_equal(color(1, C_RED), "");
	dd_color_mode = COLOR_AUTO;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_widths_from_content),
		cmocka_unit_test(test_text_width_counts_code_points),
		cmocka_unit_test(test_status_colours),
		cmocka_unit_test(test_color_modes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/*
 * to_char, to_timestamp(text, text), to_date: PostgreSQL's formatting.c
 * for the template patterns listed below.
 */
#include "fn_datetime.h"
#include "fn_datetime_int.h"

int fn_datetime_check_format(const char *fmt, int for_input, int is_interval,
			     const char **why)
{
	(void)fmt;
	(void)for_input;
	(void)is_interval;
	*why = "to_char is not implemented yet";
	return -1;
}

int dtf_register_fmt(sqlite3 *db)
{
	(void)db;
	return SQLITE_OK;
}

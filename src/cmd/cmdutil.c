/*
 * cmdutil: helpers every command shares (usage errors, scrubbing secrets
 * from argv).  Declared in commands.h.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <string.h>

#include "commands.h"
#include "util.h"

int usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	struct strbuf sb = STRBUF_INIT;
	va_start(ap, fmt);
	sb_vaddf(&sb, fmt, ap);
	va_end(ap);
	error("%s", sb.buf);
	hint("Run 'drydock %s --help' for usage.", cmd);
	sb_release(&sb);
	return EXIT_USAGE;
}

void scrub_conninfo_arg(char *arg)
{
	/* URI form: scheme://user:password@host */
	char *p = strstr(arg, "://");
	if (p) {
		char *at = strchr(p + 3, '@'), *colon = strchr(p + 3, ':');
		if (at && colon && colon < at)
			memset(colon + 1, 'x', (size_t)(at - colon - 1));
	}
	/* key=value form, and ?password= in URIs */
	for (p = arg; (p = strstr(p, "password=")); p += 9) {
		char *v = p + 9;
		while (*v && *v != ' ' && *v != '&')
			*v++ = 'x';
	}
}

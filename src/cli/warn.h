/* SPDX-License-Identifier: MIT */
/* The command line's own diagnostics: one line on stderr, "ringping: " first. */
#ifndef RP_CLI_WARN_H
#define RP_CLI_WARN_H

#include <stdarg.h>
#include <stdio.h>

/*
 * Messages quote what the user gave (tokens, file lines, paths): control
 * bytes in them are shown as \xNN, never sent raw to a terminal. The one
 * line break a message ends with stays.
 */
static inline void cli_puts_clean(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c < 0x20 && !(c == '\n' && !s[1])) || c == 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
}

__attribute__((format(printf, 1, 2))) static inline void cli_warn(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	fputs("ringping: ", stderr);
	cli_puts_clean(stderr, buf);
}

#endif

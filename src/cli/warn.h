/* SPDX-License-Identifier: MIT */
/* The command line's own diagnostics: one line on stderr, "ringping: " first. */
#ifndef RP_CLI_WARN_H
#define RP_CLI_WARN_H

#include <stdarg.h>
#include <stdio.h>

__attribute__((format(printf, 1, 2))) static inline void cli_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("ringping: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

#endif

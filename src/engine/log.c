// SPDX-License-Identifier: MIT
#include <stdarg.h>
#include <stdio.h>
#include <bpf/libbpf.h>
#include "log.h"

static enum log_level log_level = LOG_WARN;

void log_set_level(enum log_level lvl)
{
	log_level = lvl;
}

bool log_enabled(enum log_level lvl)
{
	return lvl <= log_level;
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (lvl > log_level)
		return;
	fputs("ringping: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static int log_libbpf(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	/* libbpf warnings are detail behind our own message: show them from -v on. */
	enum log_level ours = lvl == LIBBPF_WARN ? LOG_INFO : LOG_DEBUG;

	if (ours > log_level)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log_hook_libbpf(void)
{
	libbpf_set_print(log_libbpf);
}

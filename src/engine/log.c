// SPDX-License-Identifier: MIT
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include "log.h"

static __thread const struct log_sink *log_sink;

void log_bind(const struct log_sink *sink)
{
	log_sink = sink;
}

const struct log_sink *log_current(void)
{
	return log_sink;
}

bool log_enabled(enum log_level lvl)
{
	return log_sink && log_sink->fn && lvl <= log_sink->level;
}

/* Format and hand on one message; long ones (a verifier log) get a buffer of their own. */
static void log_vmsg(enum log_level lvl, const char *fmt, va_list ap)
{
	char buf[512], *big = NULL;
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf) && (big = malloc((size_t)n + 1)))
		vsnprintf(big, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	if (n >= 0)
		log_sink->fn(log_sink->ctx, (enum ringping_log_level)lvl, big ? big : buf);
	free(big);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(lvl))
		return;
	va_start(ap, fmt);
	log_vmsg(lvl, fmt, ap);
	va_end(ap);
}

static int log_libbpf(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	/* libbpf warnings are detail behind our own message: shown one level down. */
	enum log_level ours = lvl == LIBBPF_WARN ? LOG_INFO : LOG_DEBUG;

	if (log_enabled(ours))
		log_vmsg(ours, fmt, ap);
	return 0;
}

static void log_hook_once(void)
{
	libbpf_set_print(log_libbpf);
}

void log_hook_libbpf(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, log_hook_once);
}

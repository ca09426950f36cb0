/* SPDX-License-Identifier: MIT */
/*
 * Diagnostics, by level, to the log callback of the engine a thread works
 * for. The sink is per thread, not global: two engines in one process each
 * log to their own callback, and every module logs without carrying an
 * engine pointer. libbpf's own print hook is process-wide; it lands on the
 * sink of the thread that called into libbpf (a run's thread), one level down.
 */
#ifndef RP_LOG_H
#define RP_LOG_H

#include <stdbool.h>
#include "ringping.h"

enum log_level { LOG_WARN = RINGPING_LOG_WARN, LOG_INFO = RINGPING_LOG_INFO,
		 LOG_DEBUG = RINGPING_LOG_DEBUG };

struct log_sink {
	ringping_log_fn fn;	/* NULL: drop */
	void *ctx;
	enum log_level level;	/* the most detailed level passed on */
};

/* This thread logs to sink (NULL: nowhere) until bound again. */
void log_bind(const struct log_sink *sink);
/* The sink this thread logs to (for threads it starts). */
const struct log_sink *log_current(void);
/* Whether messages at lvl are shown (to skip work only they need). */
bool log_enabled(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Route libbpf's messages to the thread's sink (once per process). */
void log_hook_libbpf(void);

#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif

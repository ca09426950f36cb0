/* SPDX-License-Identifier: MIT */
/* Diagnostics to stderr, by level; libbpf's own messages sit one level down. */
#ifndef RP_LOG_H
#define RP_LOG_H

#include <stdbool.h>

enum log_level { LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level lvl);
/* Whether messages at lvl are shown (to skip work only they need). */
bool log_enabled(enum log_level lvl);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_hook_libbpf(void);

#define pr_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif

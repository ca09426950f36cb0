/* SPDX-License-Identifier: MIT */
/*
 * Capabilities: whether this thread holds what the BPF path needs, and,
 * once a run is set up (programs loaded, sockets open), dropping every one
 * it no longer needs. Capabilities belong to a thread, not a process: each
 * thread of a run drops its own. Read and set with capget/capset(2) directly
 * (libcap would be a dependency for two system calls). Never setuid.
 */
#ifndef RP_PRIVS_H
#define RP_PRIVS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

/* True if this thread's effective set covers the BPF path; else why names what is missing. */
bool privs_bpf_ok(char *why, size_t len);
/*
 * Clear this thread's effective, permitted and inheritable sets but for the
 * capabilities in keep (a bit per CAP_* number). 0 or -errno.
 */
int privs_drop(__u64 keep);
/* This thread's effective set as capability names ("none" if empty), for -v. */
void privs_describe(char *buf, size_t len);

#endif

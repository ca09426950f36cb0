/* SPDX-License-Identifier: MIT */
/*
 * -d: each answering target's reverse DNS name on its rows (fping's -d),
 * looked up off the run's thread so that no lookup ever slows a sweep. The
 * run's callback only queues a copy of the result; resolver threads look
 * the names up (once per target, cached), and one writer thread prints the
 * rows in the order they came, each once its name is known. The cost of a
 * slow resolver is late rows, never late probes. A name the resolver
 * returns is shown only if it is made of host name characters (a hostile
 * PTR record cannot break a CSV row or a JSON string).
 */
#ifndef RP_RDNS_H
#define RP_RDNS_H

#include <stdbool.h>
#include "ringping.h"

struct rdns;

/* Prints one row (on the writer thread); responder: a broadcast's further answer. */
typedef void (*rdns_emit_fn)(void *ctx, const struct ringping_probe *p, bool responder);

/* 0 or -errno. */
int rdns_open(struct rdns **out, rdns_emit_fn emit, void *ctx);
/* Queue a row. 0, or -ENOMEM (then the caller prints it itself, without a name). */
int rdns_push(struct rdns *r, const struct ringping_probe *p, bool responder);
/* The name found for target idx, or NULL (none, or not looked up yet). Thread-safe. */
const char *rdns_name(struct rdns *r, __u64 idx);
/*
 * Print every queued row and stop the threads. hurry (the run was
 * interrupted): rows not looked up yet go out without a name. The names
 * found stay readable (rdns_name) until rdns_free.
 */
void rdns_close(struct rdns *r, bool hurry);
void rdns_free(struct rdns *r);

#endif

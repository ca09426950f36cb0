/* SPDX-License-Identifier: MIT */
/*
 * Sender threads. The run's thread builds each batch (so the in-flight ring
 * has one writer) and hands it over as a job; a sender thread sends it on its
 * own raw socket and drains that socket's TX stamps into the job; the run's
 * thread takes finished jobs back and applies failures and stamps. With one
 * sender the same job runs inline on the run's thread, with no handoff.
 *
 * Why threads: on this data path the kernel does most of the work (route,
 * transmit, and in a lab also the target's reply) in the sending CPU's
 * context; one socket per core lets every core carry its share.
 */
#ifndef RP_SENDER_H
#define RP_SENDER_H

#include <pthread.h>
#include <stdbool.h>
#include "log.h"
#include "tx.h"

struct sender_stamp {
	__u32 key;
	__u64 tai_ns;
};

/* tx[] and jobs: index 0 is IPv4, 1 is IPv6. */
enum { SND_V4, SND_V6, SND__FAMS };

struct sender_job {
	struct tx_batch b;
	int fam;		     /* SND_V4 or SND_V6: every message of a job is one family */
	__u64 *seq;		     /* sequence number of each message (retries skip some) */
	__u32 n;		     /* messages in the batch */
	__u32 nstamps;
	struct sender_stamp *stamps; /* TX stamps read after the send (any batch's) */
	struct sender_job *next;
};

struct senders;

struct sender_thread {
	struct senders *s;
	struct tx tx[SND__FAMS]; /* opened for the families the run has */
	pthread_t th;
	bool started;
};

struct senders {
	int n;			     /* sender threads; 0 = inline on the caller */
	struct sender_thread *t;     /* n threads, or one entry for the inline socket */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct sender_job *todo, *todo_tail, *done;
	int efd;		     /* eventfd: a job is done */
	bool quit;
	__u32 stamp_cap;	     /* sender_stamp_cap(batch): bounds every drain */
	struct tx_eq poll_eq;	     /* the polling thread's own error-queue buffers */
	const struct log_sink *sink; /* the starting thread's: the sender threads log there too */
	bool said_looped;	     /* the looped-stamp notice was given (once a run) */
	int said_no_stamps;	     /* the no-TX-stamps notice was given */
	bool drop_caps;		     /* each thread drops its capabilities but keep_caps first */
	__u64 keep_caps;
};

/* A datagram socket that sent this long with no stamp back has none (tx_check_stamps). */
#define SENDER_STAMP_WAIT_NS (500 * 1000000ULL)

/* Stamps one drain may return: this batch's and stragglers of earlier ones. */
static inline __u32 sender_stamp_cap(__u32 batch)
{
	return 4 * batch + 256;
}

int sender_job_init(struct sender_job *j, __u32 batch, __u32 pkt_len, const struct tx_cfg *cfg);
void sender_job_free(struct sender_job *j);
/*
 * nthreads 0: inline. Opens a socket per thread for each family whose cfg is
 * not NULL; with keep_caps, each thread then drops every capability but those.
 * 0 or -errno.
 */
int senders_start(struct senders *s, int nthreads, const struct tx_cfg *const cfg[SND__FAMS],
		  __u32 batch, const __u64 *keep_caps);
/* Queue a job (inline: run it now). */
void senders_submit(struct senders *s, struct sender_job *j);
/* Finished jobs, oldest first; NULL if none. */
struct sender_job *senders_take_done(struct senders *s);
/* Every open socket of the run, each thread's and family's, until fn returns nonzero (returned). */
int senders_each(struct senders *s, int (*fn)(void *ctx, struct tx *tx), void *ctx);
/* Read stamps still queued on any socket (late ones, after the last batch). */
void senders_poll(struct senders *s, tx_stamp_fn fn, void *ctx);
/* True while kernel TX stamps are in use on every socket. */
bool senders_kstamp(const struct senders *s);
/* True if any socket keys its stamps by their looped frames (no SCM_TS_OPT_ID). */
bool senders_looped(const struct senders *s);
void senders_stop(struct senders *s);

#endif

// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <time.h>
#include "log.h"
#include "privs.h"
#include "sender.h"

int sender_job_init(struct sender_job *j, __u32 batch, __u32 pkt_len, const struct tx_cfg *cfg)
{
	memset(j, 0, sizeof(*j));
	j->stamps = calloc(sender_stamp_cap(batch), sizeof(*j->stamps));
	j->seq = calloc(batch, sizeof(*j->seq));
	if (!j->stamps || !j->seq)
		return -ENOMEM;
	return tx_batch_init(&j->b, batch, pkt_len, cfg);
}

void sender_job_free(struct sender_job *j)
{
	if (!j)
		return;
	tx_batch_free(&j->b);
	free(j->stamps);
	free(j->seq);
	j->stamps = NULL;
	j->seq = NULL;
}

static void sender_on_stamp(void *ctx, __u32 key, __u64 tai_ns)
{
	struct sender_job *j = ctx;

	j->stamps[j->nstamps].key = key;
	j->stamps[j->nstamps++].tai_ns = tai_ns;
}

static void sender_run_job(struct senders *s, struct tx *tx, struct sender_job *j)
{
	int err;

	tx += j->fam;
	tx_send(tx, &j->b, j->n);
	j->nstamps = 0;
	/* A datagram socket's error queue holds ICMP errors too: the run's thread reads those. */
	if (tx->dgram && s->n)
		return;
	err = tx_drain_stamps(tx, &tx->eq, sender_on_stamp, j, s->stamp_cap);
	if (err < 0)
		pr_warn("reading TX timestamps: %s\n", strerror(-err));
}

/* Append to the done list (kept in submission order per thread). */
static void sender_push_done(struct senders *s, struct sender_job *j)
{
	struct sender_job **p = &s->done;

	j->next = NULL;
	while (*p)
		p = &(*p)->next;
	*p = j;
}

static struct sender_job *sender_wait_job(struct senders *s)
{
	struct sender_job *j;

	pthread_mutex_lock(&s->mu);
	while (!s->todo && !s->quit)
		pthread_cond_wait(&s->cv, &s->mu);
	j = s->todo;
	if (j) {
		s->todo = j->next;
		if (!s->todo)
			s->todo_tail = NULL;
	}
	pthread_mutex_unlock(&s->mu);
	return j;
}

static void *sender_main(void *arg)
{
	struct sender_thread *t = arg;
	struct senders *s = t->s;
	struct sender_job *j;
	__u64 one = 1;

	log_bind(s->sink);
	/* Capabilities are per thread: this one's socket is open, it needs none of them. */
	if (s->drop_caps && privs_drop(s->keep_caps))
		pr_warn("sender thread: dropping capabilities: %s\n", strerror(errno));
	while ((j = sender_wait_job(s))) {
		sender_run_job(s, t->tx, j);
		pthread_mutex_lock(&s->mu);
		sender_push_done(s, j);
		pthread_mutex_unlock(&s->mu);
		if (write(s->efd, &one, sizeof(one)) < 0)
			pr_debug("eventfd: %s\n", strerror(errno));
	}
	return NULL;
}

int senders_start(struct senders *s, int nthreads, const struct tx_cfg *const cfg[SND__FAMS],
		  __u32 batch, const __u64 *keep_caps)
{
	int i, f, err, nsock = nthreads ? nthreads : 1;

	memset(s, 0, sizeof(*s));
	s->drop_caps = keep_caps != NULL;
	s->keep_caps = keep_caps ? *keep_caps : 0;
	s->efd = -1;
	s->stamp_cap = sender_stamp_cap(batch);
	s->sink = log_current();
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->t = calloc(nsock, sizeof(*s->t));
	if (!s->t || tx_eq_init(&s->poll_eq))
		return -ENOMEM;
	for (i = 0; i < nsock; i++) {
		s->t[i].s = s;
		for (f = 0; f < SND__FAMS; f++) {
			err = cfg[f] ? tx_open(&s->t[i].tx[f], cfg[f]) : 0;
			if (err)
				return err;
			s->t[i].tx[f].said_looped = &s->said_looped;
		}
	}
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->efd < 0) {
		err = -errno;
		pr_warn("eventfd: %s\n", strerror(-err));
		return err;
	}
	for (i = 0; i < nthreads; i++) {
		err = -pthread_create(&s->t[i].th, NULL, sender_main, &s->t[i]);
		if (err) {
			pr_warn("sender thread: %s\n", strerror(-err));
			return err;
		}
		s->t[i].started = true;
		s->n++;
	}
	return 0;
}

void senders_submit(struct senders *s, struct sender_job *j)
{
	j->next = NULL;
	if (!s->n) {
		sender_run_job(s, s->t[0].tx, j);
		sender_push_done(s, j);
		return;
	}
	pthread_mutex_lock(&s->mu);
	if (s->todo_tail)
		s->todo_tail->next = j;
	else
		s->todo = j;
	s->todo_tail = j;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

struct sender_job *senders_take_done(struct senders *s)
{
	struct sender_job *j;
	__u64 v;

	if (!s->n) {
		j = s->done;
		s->done = NULL;
		return j;
	}
	if (read(s->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		pr_debug("eventfd: %s\n", strerror(errno));
	pthread_mutex_lock(&s->mu);
	j = s->done;
	s->done = NULL;
	pthread_mutex_unlock(&s->mu);
	return j;
}

int senders_each(struct senders *s, int (*fn)(void *ctx, struct tx *tx), void *ctx)
{
	int i, f, err, nsock = s->n ? s->n : 1;

	for (i = 0; s->t && i < nsock; i++)
		for (f = 0; f < SND__FAMS; f++)
			if (s->t[i].tx[f].open && (err = fn(ctx, &s->t[i].tx[f])))
				return err;
	return 0;
}

void senders_poll(struct senders *s, tx_stamp_fn fn, void *ctx)
{
	int i, f, err, nsock = s->n ? s->n : 1;
	struct timespec ts;
	__u64 now;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	for (i = 0; i < nsock; i++)
		for (f = 0; f < SND__FAMS; f++) {
			struct tx *tx = &s->t[i].tx[f];

			if (!tx->open)
				continue;
			err = tx_drain_stamps(tx, &s->poll_eq, fn, ctx, s->stamp_cap);
			if (err < 0)
				pr_warn("reading TX timestamps: %s\n", strerror(-err));
			if (tx_check_stamps(tx, now, SENDER_STAMP_WAIT_NS) && !s->said_no_stamps++)
				pr_warn("this kernel gives ICMP%s datagram sockets no TX stamps: their send "
					"times come from userspace (tx_user_stamps)\n", f == SND_V6 ? "v6" : "");
		}
}

/* True if pred holds for any open socket (sender threads may change what it reads). */
static bool senders_any(const struct senders *s, bool (*pred)(const struct tx *))
{
	int i, f, nsock = s->n ? s->n : 1;

	for (i = 0; i < nsock; i++)
		for (f = 0; f < SND__FAMS; f++)
			if (s->t[i].tx[f].open && pred(&s->t[i].tx[f]))
				return true;
	return false;
}

static bool sender_tx_user(const struct tx *tx)
{
	return !__atomic_load_n(&tx->kstamp, __ATOMIC_RELAXED);
}

static bool sender_tx_looped(const struct tx *tx)
{
	return __atomic_load_n(&tx->looped, __ATOMIC_RELAXED);
}

bool senders_kstamp(const struct senders *s)
{
	return !senders_any(s, sender_tx_user);
}

bool senders_looped(const struct senders *s)
{
	return senders_any(s, sender_tx_looped);
}

void senders_stop(struct senders *s)
{
	int i, nsock = s->n ? s->n : 1;

	if (!s->t)
		return;
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	for (i = 0; i < s->n; i++)
		pthread_join(s->t[i].th, NULL);
	for (i = 0; i < nsock; i++) {
		tx_close(&s->t[i].tx[SND_V4]);
		tx_close(&s->t[i].tx[SND_V6]);
	}
	free(s->t);
	s->t = NULL;
	tx_eq_free(&s->poll_eq);
	if (s->efd >= 0)
		close(s->efd);
	s->efd = -1;
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
}

// SPDX-License-Identifier: MIT
/* Reverse DNS off the run's thread (rdns.h). */
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include "rdns.h"

#define RDNS_THREADS 8 /* getnameinfo blocks: lookups in parallel, as fping's resolver does not */

struct rdns_item {
	struct ringping_probe p;
	bool responder, done;
	struct rdns_item *next;
};

/* The cache: target index + 1 (0: free slot) to a name, "" for none. */
struct rdns_slot {
	__u64 key;
	char *name;
};

struct rdns {
	pthread_mutex_t mu;
	pthread_cond_t work, ready;
	struct rdns_item *head, *tail, *todo; /* todo: the first not yet taken by a resolver */
	struct rdns_slot *tab;
	size_t cap, n;
	bool closing, hurry;
	int nres;
	pthread_t res[RDNS_THREADS], writer;
	bool writer_up;
	rdns_emit_fn emit;
	void *ctx;
};

/* Open addressing; under mu. */
static struct rdns_slot *rdns_slot(struct rdns *r, __u64 idx)
{
	size_t i = (size_t)((idx + 1) * 0x9e3779b97f4a7c15ULL) & (r->cap - 1);

	while (r->tab[i].key && r->tab[i].key != idx + 1)
		i = (i + 1) & (r->cap - 1);
	return &r->tab[i];
}

static int rdns_grow(struct rdns *r)
{
	struct rdns_slot *old = r->tab;
	size_t i, cap = r->cap;

	r->tab = calloc(cap * 2, sizeof(*r->tab));
	if (!r->tab) {
		r->tab = old;
		return -ENOMEM;
	}
	r->cap = cap * 2;
	for (i = 0; i < cap; i++)
		if (old[i].key)
			*rdns_slot(r, old[i].key - 1) = old[i];
	free(old);
	return 0;
}

/* Keep a name for idx (name: malloc'd, or NULL for none); under mu. */
static void rdns_put(struct rdns *r, __u64 idx, char *name)
{
	struct rdns_slot *s;

	if (r->n * 2 >= r->cap && rdns_grow(r)) {
		free(name);
		return;
	}
	s = rdns_slot(r, idx);
	if (s->key) {
		free(name); /* another thread found it first */
		return;
	}
	s->key = idx + 1;
	s->name = name ? name : strdup("");
	r->n++;
}

/* Only host name characters, at most 253 of them: anything else is no name. */
static bool rdns_clean(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 253)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	return true;
}

static char *rdns_lookup(const struct ringping_addr *a)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4 = { .sin_family = AF_INET };
	char host[NI_MAXHOST];
	int rc;

	if (ringping_addr_family(a) == 4) {
		memcpy(&s4.sin_addr, a->b + 12, 4);
		rc = getnameinfo((struct sockaddr *)&s4, sizeof(s4), host, sizeof(host), NULL, 0, NI_NAMEREQD);
	} else {
		memcpy(&s6.sin6_addr, a->b, 16);
		rc = getnameinfo((struct sockaddr *)&s6, sizeof(s6), host, sizeof(host), NULL, 0, NI_NAMEREQD);
	}
	return !rc && rdns_clean(host) ? strdup(host) : NULL;
}

static bool rdns_known(struct rdns *r, __u64 idx)
{
	bool known;

	pthread_mutex_lock(&r->mu);
	known = rdns_slot(r, idx)->key != 0;
	pthread_mutex_unlock(&r->mu);
	return known;
}

/*
 * The lookups' threads yield to the probing thread: on Linux a thread has
 * its own nice value, and at 19 a busy resolver takes the CPU only when the
 * sender leaves it (a sweep at --rate 0 on two cores).
 */
static void rdns_background(void)
{
	if (setpriority(PRIO_PROCESS, (id_t)gettid(), 19))
		return; /* best effort: the lookups still work, at the default priority */
}

static void *rdns_resolver(void *arg)
{
	struct rdns *r = arg;
	struct rdns_item *it;
	bool hurry;
	char *name;

	rdns_background();
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!r->todo && !r->closing)
			pthread_cond_wait(&r->work, &r->mu);
		it = r->todo;
		if (it)
			r->todo = it->next;
		hurry = r->hurry;
		pthread_mutex_unlock(&r->mu);
		if (!it)
			return NULL;
		if (!hurry && !rdns_known(r, it->p.target_index)) {
			name = rdns_lookup(&it->p.target);
			pthread_mutex_lock(&r->mu);
			rdns_put(r, it->p.target_index, name);
			pthread_mutex_unlock(&r->mu);
		}
		pthread_mutex_lock(&r->mu);
		it->done = true;
		pthread_cond_broadcast(&r->ready);
		pthread_mutex_unlock(&r->mu);
	}
}

/* Rows in the order they came, each once its name is known. */
static void *rdns_writer(void *arg)
{
	struct rdns *r = arg;
	struct rdns_item *it;

	rdns_background();
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (!(r->head && r->head->done) && !(r->closing && !r->head && !r->nres))
			pthread_cond_wait(&r->ready, &r->mu);
		it = r->head;
		if (it) {
			r->head = it->next;
			if (!r->head)
				r->tail = NULL;
		}
		pthread_mutex_unlock(&r->mu);
		if (!it)
			return NULL;
		r->emit(r->ctx, &it->p, it->responder);
		free(it);
	}
}

int rdns_open(struct rdns **out, rdns_emit_fn emit, void *ctx)
{
	struct rdns *r = calloc(1, sizeof(*r));
	int err = 0;

	*out = NULL;
	if (!r || !(r->tab = calloc(64, sizeof(*r->tab)))) {
		free(r);
		return -ENOMEM;
	}
	r->cap = 64;
	r->emit = emit;
	r->ctx = ctx;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->work, NULL);
	pthread_cond_init(&r->ready, NULL);
	for (; r->nres < RDNS_THREADS && !err; r->nres += !err)
		err = -pthread_create(&r->res[r->nres], NULL, rdns_resolver, r);
	err = err ?: -pthread_create(&r->writer, NULL, rdns_writer, r);
	r->writer_up = !err;
	*out = r;
	if (err) {
		rdns_close(r, true);
		rdns_free(r);
		*out = NULL;
	}
	return err;
}

int rdns_push(struct rdns *r, const struct ringping_probe *p, bool responder)
{
	struct rdns_item *it = malloc(sizeof(*it));

	if (!it)
		return -ENOMEM;
	*it = (struct rdns_item){ .p = *p, .responder = responder };
	pthread_mutex_lock(&r->mu);
	if (r->tail)
		r->tail->next = it;
	else
		r->head = it;
	r->tail = it;
	if (!r->todo)
		r->todo = it;
	pthread_cond_signal(&r->work);
	pthread_mutex_unlock(&r->mu);
	return 0;
}

const char *rdns_name(struct rdns *r, __u64 idx)
{
	const char *name;

	pthread_mutex_lock(&r->mu);
	name = rdns_slot(r, idx)->name;
	pthread_mutex_unlock(&r->mu);
	return name && *name ? name : NULL; /* a found name is never freed before rdns_free */
}

void rdns_close(struct rdns *r, bool hurry)
{
	int i, n;

	pthread_mutex_lock(&r->mu);
	r->closing = true;
	r->hurry = hurry;
	n = r->nres;
	pthread_cond_broadcast(&r->work);
	pthread_mutex_unlock(&r->mu);
	for (i = 0; i < n; i++)
		pthread_join(r->res[i], NULL);
	pthread_mutex_lock(&r->mu);
	r->nres = 0;
	pthread_cond_broadcast(&r->ready);
	pthread_mutex_unlock(&r->mu);
	if (r->writer_up)
		pthread_join(r->writer, NULL);
	r->writer_up = false;
}

void rdns_free(struct rdns *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->cap; i++)
		free(r->tab[i].name);
	free(r->tab);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->work);
	pthread_cond_destroy(&r->ready);
	free(r);
}

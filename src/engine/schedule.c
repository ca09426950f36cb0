// SPDX-License-Identifier: MIT
#include <errno.h>
#include "schedule.h"

/* The IPv6 order comes from a different stream of the same seed. */
#define SCHED_V6_SEED 0x9e3779b97f4a7c15ULL

void sched_init(struct sched *s, __u64 ntargets, __u64 n4, __u64 total, __u32 retries,
		__u64 seed)
{
	s->ntargets = s->len = ntargets;
	s->n4 = s->len4 = n4;
	s->shards = 1;
	s->shard = 0;
	s->total = total;
	s->next = 0;
	s->retries = retries;
	s->round_end = ntargets;
	s->base = s->round0 = 0;
	s->seed = seed;
	s->wave[SCHED_V4] = s->wave[SCHED_V6] = 0;
	/* permute needs a domain of at least one, even for a family with no targets */
	permute_init(&s->perm[SCHED_V4], n4 ? n4 : 1, seed);
	permute_init(&s->perm[SCHED_V6], ntargets > n4 ? ntargets - n4 : 1, seed ^ SCHED_V6_SEED);
}

__u64 sched_shard_len(__u64 n, __u64 shards, __u64 shard)
{
	return n > shard ? (n - shard + shards - 1) / shards : 0;
}

void sched_set_shard(struct sched *s, __u64 shards, __u64 shard, __u64 rounds)
{
	s->shards = shards;
	s->shard = shard;
	s->len = sched_shard_len(s->ntargets, shards, shard);
	s->len4 = sched_shard_len(s->n4, shards, shard);
	s->total = s->base + rounds * s->len;
	s->round_end = s->base + s->len;
}

void sched_rebase(struct sched *s, __u64 ntargets, __u64 n4, __u64 rounds)
{
	__u64 next = s->next, round = sched_round(s, next), shards = s->shards, shard = s->shard;

	sched_init(s, ntargets, n4, next + rounds * ntargets, s->retries, s->seed);
	s->next = s->base = next;
	s->round0 = round;
	s->round_end = next + ntargets;
	if (shards > 1)
		sched_set_shard(s, shards, shard, rounds);
}

/* A round's length, never 0 in a division: a shard with no positions sends nothing anyway. */
static __u64 sched_len(const struct sched *s)
{
	return s->len ? s->len : 1;
}

__u64 sched_round(const struct sched *s, __u64 p)
{
	return s->round0 + (p - s->base) / sched_len(s);
}

bool sched_at_round_start(const struct sched *s)
{
	return (s->next - s->base) % sched_len(s) == 0;
}

/* Probe p's position in its round (this shard's: the q-th it walks). */
static __u64 sched_pos(const struct sched *s, __u64 p)
{
	return (p - s->base) % sched_len(s);
}

int sched_family(const struct sched *s, __u64 p)
{
	return sched_pos(s, p) < s->len4 ? SCHED_V4 : SCHED_V6;
}

void sched_set_waves(struct sched *s, __u64 wave4, __u64 wave6)
{
	s->wave[SCHED_V4] = wave4;
	s->wave[SCHED_V6] = wave6;
	permute_init(&s->perm[SCHED_V4], wave4 ? wave4 : 1, s->seed);
	permute_init(&s->perm[SCHED_V6], wave6 ? wave6 : 1, s->seed ^ SCHED_V6_SEED);
}

/* Within a family: whole waves in order, each one permuted (the family is one wave by default). */
static __u64 sched_wave_at(const struct sched *s, int f, __u64 local)
{
	__u64 w = s->wave[f];

	return w ? local / w * w + permute_at(&s->perm[f], local % w) : permute_at(&s->perm[f], local);
}

static __u64 sched_wave_pos(const struct sched *s, int f, __u64 local)
{
	__u64 w = s->wave[f];

	return w ? local / w * w + permute_pos(&s->perm[f], local % w) : permute_pos(&s->perm[f], local);
}

__u64 sched_order(const struct sched *s, __u64 p)
{
	__u64 pos = s->shard + sched_pos(s, p) * s->shards; /* the position in the whole round */

	return pos < s->n4 ? sched_wave_at(s, SCHED_V4, pos)
			   : s->n4 + sched_wave_at(s, SCHED_V6, pos - s->n4);
}

__u64 sched_position(const struct sched *s, __u64 idx)
{
	__u64 g = idx < s->n4 ? sched_wave_pos(s, SCHED_V4, idx)
			      : s->n4 + sched_wave_pos(s, SCHED_V6, idx - s->n4);

	if (g % s->shards != s->shard || (g - s->shard) / s->shards >= s->len)
		return SCHED_NONE; /* another shard's, or past a limit (sched_limit) */
	return (g - s->shard) / s->shards;
}

bool sched_in_shard(const struct sched *s, __u64 idx)
{
	return idx < s->ntargets && sched_position(s, idx) != SCHED_NONE;
}

void sched_limit(struct sched *s, __u64 max, __u64 rounds)
{
	if (!max || max >= s->len)
		return;
	s->len = max;
	s->len4 = s->len4 < max ? s->len4 : max;
	s->total = s->base + rounds * s->len;
	s->round_end = s->base + s->len;
}

__u64 sched_family_end(const struct sched *s, __u64 p)
{
	return p - sched_pos(s, p) + (sched_family(s, p) == SCHED_V4 ? s->len4 : s->len);
}

int sched_newest_seq(const struct sched *s, __u64 idx, __u64 *seq)
{
	__u64 pos;

	if (idx >= s->ntargets || (pos = sched_position(s, idx)) == SCHED_NONE)
		return -EINVAL;
	pos += s->base;
	if (pos >= s->next)
		return -EINVAL; /* never probed since the set last changed */
	*seq = pos + (s->next - 1 - pos) / sched_len(s) * sched_len(s);
	return 0;
}

__u64 sched_batch(const struct sched *s, __u64 want)
{
	__u64 left = s->total - s->next;

	if (s->retries && s->round_end - s->next < left)
		left = s->round_end - s->next;
	return want < left ? want : left;
}

bool sched_next_round(struct sched *s, __u64 in_flight)
{
	if (!s->retries || s->next < s->round_end || s->next >= s->total || in_flight)
		return false;
	s->round_end += s->len;
	return true;
}

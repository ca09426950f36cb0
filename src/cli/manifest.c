// SPDX-License-Identifier: MIT
/* The run manifest: written as flat JSON, read back by a strict parser of that shape (manifest.h). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>
#include "manifest.h"
#include "safefile.h"

#define MANIFEST_MAX (64 * 1024) /* a manifest is under 10 KiB; more is not one */

/* The fields, by kind: one table drives both the writer and the parser. */
enum mf_kind { MF_STR, MF_U64, MF_S64, MF_BOOL };

struct mf_field {
	const char *name;
	enum mf_kind kind;
	size_t off, size;
};

#define MF(n, k) { #n, k, offsetof(struct manifest, n), sizeof(((struct manifest *)0)->n) }
static const struct mf_field mf_fields[] = {
#define X(f) MF(f, MF_U64),
	MF(version, MF_STR), MF(targets_digest, MF_STR), MF(seed, MF_U64), MF(shards, MF_U64),
	MF(shard, MF_U64), MF(count, MF_U64), MF(set_targets, MF_U64), MANIFEST_COUNTS(X)
	MF(unaccounted, MF_S64), MF(complete, MF_BOOL), MF(key_id, MF_STR),
	MF(start, MF_STR), MF(end, MF_STR), MF(has_results, MF_BOOL), MF(results, MF_STR),
	MF(format, MF_STR), MF(results_bytes, MF_U64), MF(results_crc32, MF_U64),
};
#undef X
#define MF_N (sizeof(mf_fields) / sizeof(mf_fields[0]))

static void mf_iso(char *buf, size_t len, double t)
{
	time_t sec = (time_t)t;
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void manifest_from_run(struct manifest *m, struct ringping *e, const struct ringping_summary *s,
		       __u64 seed, __u64 shards, __u64 shard, __u64 count)
{
	__u64 n = 0;

	ringping_targets(e, &n);
	snprintf(m->version, sizeof(m->version), "%s", RINGPING_VERSION);
	snprintf(m->targets_digest, sizeof(m->targets_digest), "%016llx",
		 (unsigned long long)ringping_targets_digest(e));
	snprintf(m->key_id, sizeof(m->key_id), "%08x", s->meta.key_id);
	mf_iso(m->start, sizeof(m->start), s->meta.start_s);
	mf_iso(m->end, sizeof(m->end), s->meta.end_s);
	m->seed = seed;
	m->shards = shards > 1 ? shards : 1;
	m->shard = shards > 1 ? shard : 0;
	m->count = count;
	m->set_targets = n;
#define X(f) m->f = s->f;
	MANIFEST_COUNTS(X)
#undef X
	m->unaccounted = s->unaccounted;
	m->complete = !s->incomplete && !s->unprobed && !s->unaccounted;
}

int manifest_digest_file(const char *path, __u64 *bytes, __u64 *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0, NULL, 0);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	*bytes = 0;
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		c = crc32(c, buf, (uInt)n);
		*bytes += (__u64)n;
	}
	close(fd);
	*crc = c;
	return n < 0 ? -EIO : 0;
}

/* A JSON string: quotes, backslashes and control bytes escaped. */
static void mf_json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", (unsigned char)*s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void mf_write_field(FILE *f, const struct manifest *m, const struct mf_field *d)
{
	const char *p = (const char *)m + d->off;

	fprintf(f, "  \"%s\": ", d->name);
	if (d->kind == MF_STR)
		mf_json_str(f, p);
	else if (d->kind == MF_U64)
		fprintf(f, "%" PRIu64, (uint64_t) * (const __u64 *)p);
	else if (d->kind == MF_S64)
		fprintf(f, "%" PRId64, (int64_t) * (const __s64 *)p);
	else
		fputs(*(const bool *)p ? "true" : "false", f);
}

int manifest_write(const char *path, const struct manifest *m, char *why, size_t len)
{
	struct safefile sf;
	size_t i;
	int err = safefile_open(&sf, path, why, len);

	if (err)
		return err;
	fputs("{\n  \"ringping_manifest\": 1,\n", sf.f);
	for (i = 0; i < MF_N; i++) {
		mf_write_field(sf.f, m, &mf_fields[i]);
		fputs(i + 1 < MF_N ? ",\n" : "\n}\n", sf.f);
	}
	err = safefile_commit(&sf);
	if (err)
		snprintf(why, len, "'%s': %s", path, strerror(-err));
	return err;
}

/* ---- the parser: { "key": value, ... } with string, integer and true/false values only ---- */

struct mf_in {
	const char *p, *end;
};

static void mf_ws(struct mf_in *in)
{
	while (in->p < in->end && isspace((unsigned char)*in->p))
		in->p++;
}

static bool mf_eat(struct mf_in *in, char c)
{
	mf_ws(in);
	if (in->p < in->end && *in->p == c) {
		in->p++;
		return true;
	}
	return false;
}

/* Four hex digits of a \u escape, within the input (no sscanf: the text has no NUL). */
static bool mf_hex4(struct mf_in *in, unsigned *v)
{
	int i, d;

	if (in->end - in->p < 4)
		return false;
	for (*v = 0, i = 0; i < 4; i++) {
		char c = *in->p++;

		d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
		  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return false;
		*v = *v << 4 | (unsigned)d;
	}
	return true;
}

/* A string into buf (len bytes with its NUL); false if malformed or too long. */
static bool mf_str(struct mf_in *in, char *buf, size_t len)
{
	size_t k = 0;
	unsigned v;
	char c;

	if (!mf_eat(in, '"'))
		return false;
	while (in->p < in->end && *in->p != '"') {
		c = *in->p++;
		if ((unsigned char)c < 0x20)
			return false;
		if (c == '\\') {
			if (in->p >= in->end)
				return false;
			c = *in->p++;
			if (c == 'u') { /* \u00XX only: the writer escapes control bytes so */
				if (!mf_hex4(in, &v) || v >= 0x80 || !v)
					return false;
				c = (char)v;
			} else if (c != '"' && c != '\\' && c != '/') {
				return false;
			}
		}
		if (k + 1 >= len)
			return false;
		buf[k++] = c;
	}
	buf[k] = '\0';
	return mf_eat(in, '"');
}

static bool mf_num(struct mf_in *in, const struct mf_field *d, void *dst)
{
	char tmp[32], *e;
	size_t k = 0;

	mf_ws(in);
	while (in->p < in->end && k + 1 < sizeof(tmp) && (isdigit((unsigned char)*in->p) || *in->p == '-'))
		tmp[k++] = *in->p++;
	tmp[k] = '\0';
	errno = 0;
	if (d->kind == MF_U64) {
		if (!k || tmp[0] == '-')
			return false;
		*(__u64 *)dst = strtoull(tmp, &e, 10);
	} else {
		*(__s64 *)dst = strtoll(tmp, &e, 10);
	}
	return k && !*e && !errno;
}

static bool mf_bool(struct mf_in *in, bool *dst)
{
	mf_ws(in);
	if (in->end - in->p >= 4 && !memcmp(in->p, "true", 4))
		return in->p += 4, *dst = true, true;
	if (in->end - in->p >= 5 && !memcmp(in->p, "false", 5))
		return in->p += 5, *dst = false, true;
	return false;
}

static bool mf_value(struct mf_in *in, struct manifest *m, const char *key, unsigned *seen)
{
	__u64 format_version;
	size_t i;

	if (!strcmp(key, "ringping_manifest"))
		return mf_num(in, &(struct mf_field){ .kind = MF_U64 }, &format_version) && format_version == 1;
	for (i = 0; i < MF_N && strcmp(mf_fields[i].name, key); i++)
		;
	if (i == MF_N || (*seen >> i & 1))
		return false; /* unknown or repeated: not a manifest of this version */
	*seen |= 1u << i;
	switch (mf_fields[i].kind) {
	case MF_STR:
		return mf_str(in, (char *)m + mf_fields[i].off, mf_fields[i].size);
	case MF_BOOL:
		return mf_bool(in, (bool *)((char *)m + mf_fields[i].off));
	default:
		return mf_num(in, &mf_fields[i], (char *)m + mf_fields[i].off);
	}
}

bool manifest_parse(const char *text, size_t n, struct manifest *m)
{
	struct mf_in in = { text, text + n };
	unsigned seen = 0;
	char key[64];

	memset(m, 0, sizeof(*m));
	if (!mf_eat(&in, '{'))
		return false;
	do {
		if (!mf_str(&in, key, sizeof(key)) || !mf_eat(&in, ':') || !mf_value(&in, m, key, &seen))
			return false;
	} while (mf_eat(&in, ','));
	if (!mf_eat(&in, '}'))
		return false;
	mf_ws(&in);
	return in.p == in.end && seen == (1u << MF_N) - 1;
}

int manifest_read(const char *path, struct manifest *m, char *why, size_t len)
{
	char *buf = malloc(MANIFEST_MAX);
	FILE *f = buf ? fopen(path, "re") : NULL;
	size_t n = 0;
	int err = 0;

	if (!f) {
		err = buf ? -errno : -ENOMEM;
		snprintf(why, len, "manifest '%s': %s", path, strerror(-err));
		free(buf);
		return err;
	}
	n = fread(buf, 1, MANIFEST_MAX, f);
	if (ferror(f) || n == MANIFEST_MAX || !manifest_parse(buf, n, m)) {
		snprintf(why, len, "'%s' is not a ringping manifest (version %s)", path, RINGPING_VERSION);
		err = -EINVAL;
	}
	fclose(f);
	free(buf);
	return err;
}

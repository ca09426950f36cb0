// SPDX-License-Identifier: MIT
/* ringping merge (mergecmd.h). */
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "gzout.h"
#include "manifest.h"
#include "mergecmd.h"
#include "safefile.h"
#include "warn.h"

struct merge {
	const struct rp_opts *o;
	struct manifest *m;	/* one per manifest given */
	int n;
	char (*path)[MANIFEST_STR]; /* each one's results file, as found */
	__u64 sum[8];		/* targets, probes, sent, replied, errors, no_reply, dropped, failed */
};

/* Fields every shard of one sweep shares; a difference names the first that differs. */
static const char *merge_differs(const struct manifest *a, const struct manifest *b)
{
	if (strcmp(a->targets_digest, b->targets_digest) || a->set_targets != b->set_targets)
		return "target set";
	if (a->seed != b->seed)
		return "--seed";
	if (a->shards != b->shards)
		return "--shards";
	if (a->count != b->count)
		return "-c";
	if (strcmp(a->version, b->version))
		return "ringping version";
	if (strcmp(a->format, b->format))
		return "results format";
	return NULL;
}

/* Every probe in one bucket, and the run whole. */
static const char *merge_incomplete(const struct manifest *m)
{
	if (!m->complete || m->unprobed)
		return "did not finish (interrupted, or probes never sent)";
	if (m->replied + m->errors + m->no_reply + m->dropped_locally + m->send_failed != m->probes ||
	    m->unaccounted)
		return "has probes in no bucket";
	if (!m->has_results)
		return "wrote no results file (-o FILE)";
	return NULL;
}

/* The results file: where the manifest says, or beside the manifest (files moved together). */
static int merge_find(struct merge *g, int i, const char *manifest)
{
	const struct manifest *m = &g->m[i];
	char dir[MANIFEST_STR], base[MANIFEST_STR];
	__u64 bytes, crc;

	snprintf(g->path[i], MANIFEST_STR, "%s", m->results);
	if (access(g->path[i], R_OK)) {
		snprintf(dir, sizeof(dir), "%s", manifest);
		snprintf(base, sizeof(base), "%s", m->results);
		snprintf(g->path[i], MANIFEST_STR, "%.2000s/%.2000s", dirname(dir), basename(base));
	}
	if (manifest_digest_file(g->path[i], &bytes, &crc))
		return cli_warn("merge: shard %" PRIu64 ": results '%s' missing (%s)\n", (uint64_t)m->shard,
				m->results, manifest), -ENOENT;
	if (bytes != m->results_bytes || crc != m->results_crc32)
		return cli_warn("merge: shard %" PRIu64 ": results '%s' changed since its run (%" PRIu64
				" bytes, CRC %08" PRIx64 "; the manifest says %" PRIu64 ", %08" PRIx64 ")\n",
				(uint64_t)m->shard, g->path[i], (uint64_t)bytes, (uint64_t)crc,
				(uint64_t)m->results_bytes, (uint64_t)m->results_crc32), -EINVAL;
	return 0;
}

/* Each shard once, none missing: -EINVAL after naming every gap and repeat (up to 10). */
static int merge_shards(struct merge *g)
{
	__u64 n = g->m[0].shards, k, missing = 0;
	int *who = calloc(n, sizeof(*who)), i, err = 0;

	if (!who)
		return -ENOMEM;
	for (i = 0; i < g->n; i++) {
		k = g->m[i].shard;
		if (k >= n) {
			cli_warn("merge: '%s': shard %" PRIu64 " of %" PRIu64 "\n", g->o->targets[i],
				 (uint64_t)k, (uint64_t)n);
			err = -EINVAL;
		} else if (who[k]) {
			cli_warn("merge: shard %" PRIu64 " twice: '%s' and '%s'\n", (uint64_t)k,
				 g->o->targets[who[k] - 1], g->o->targets[i]);
			err = -EINVAL;
		} else {
			who[k] = i + 1;
		}
	}
	for (k = 0; k < n; k++)
		if (!who[k] && missing++ < 10)
			cli_warn("merge: shard %" PRIu64 " of %" PRIu64 " missing\n", (uint64_t)k, (uint64_t)n);
	if (missing > 10)
		cli_warn("merge: ... %" PRIu64 " shards missing in all\n", (uint64_t)missing);
	free(who);
	return missing ? -EINVAL : err;
}

static int merge_check(struct merge *g)
{
	const char *why;
	int i, err = 0;

	for (i = 0; i < g->n; i++) {
		const struct manifest *m = &g->m[i];

		if (i && (why = merge_differs(&g->m[0], m))) {
			cli_warn("merge: '%s' and '%s' are not shards of one sweep: their %s differs\n",
				 g->o->targets[0], g->o->targets[i], why);
			return -EINVAL;
		}
		if ((why = merge_incomplete(m))) {
			cli_warn("merge: shard %" PRIu64 " ('%s') %s\n", (uint64_t)m->shard, g->o->targets[i], why);
			err = -EINVAL;
		}
		err = merge_find(g, i, g->o->targets[i]) ?: err;
		g->sum[0] += m->targets, g->sum[1] += m->probes, g->sum[2] += m->sent;
		g->sum[3] += m->replied, g->sum[4] += m->errors, g->sum[5] += m->no_reply;
		g->sum[6] += m->dropped_locally, g->sum[7] += m->send_failed;
	}
	err = merge_shards(g) ?: err;
	if (!err && g->sum[0] != g->m[0].set_targets) {
		cli_warn("merge: the shards hold %" PRIu64 " targets, the set %" PRIu64 "\n",
			 (uint64_t)g->sum[0], (uint64_t)g->m[0].set_targets);
		err = -EINVAL;
	}
	return err;
}

/* One shard's rows: CSV's header from the first only, NDJSON without its summary. -errno. */
static int merge_copy(struct merge *g, int i, FILE *out, char *first_line, size_t len)
{
	char line[8192];
	gzFile in = gzopen(g->path[i], "rb"); /* plain files too: gzip reads them as they are */
	bool csv = !strcmp(g->m[0].format, "csv"), ndjson = !strcmp(g->m[0].format, "ndjson");
	bool head = true;

	if (!in)
		return -errno ?: -ENOMEM;
	while (gzgets(in, line, sizeof(line))) {
		if (csv && head && i && strcmp(line, first_line)) {
			gzclose(in);
			return cli_warn("merge: '%s': another CSV header\n", g->path[i]), -EINVAL;
		}
		if (csv && head)
			snprintf(first_line, len, "%s", line);
		if (!(csv && head && i) && !(ndjson && strstr(line, "\"type\":\"summary\"")))
			fputs(line, out);
		head = false;
	}
	gzclose(in);
	return 0;
}

static void merge_record(const struct merge *g, FILE *out)
{
	static const char *const name[8] = { "targets", "probes", "sent", "replied", "errors", "no_reply",
					     "dropped_locally", "send_failed" };
	int k;

	fprintf(out, "{\"type\":\"merge\",\"shards\":%" PRIu64 ",\"seed\":%" PRIu64 ",\"targets_digest\":\"%s\"",
		(uint64_t)g->m[0].shards, (uint64_t)g->m[0].seed, g->m[0].targets_digest);
	for (k = 0; k < 8; k++)
		fprintf(out, ",\"%s\":%" PRIu64, name[k], (uint64_t)g->sum[k]);
	fputs(",\"complete\":true}\n", out);
}

static int merge_write(struct merge *g)
{
	const char *path = g->o->out.path;
	struct safefile sf = { 0 };
	char why[256], first[8192] = "";
	FILE *out = stdout, *gz = NULL;
	int i, err = 0;

	if (path && strcmp(path, "-")) {
		if ((err = safefile_open(&sf, path, why, sizeof(why))))
			return cli_warn("merge: -o %s\n", why), err;
		out = sf.f;
		if (gzout_wanted(path) && !(out = gz = gzout_open(fileno(sf.f))))
			return safefile_abort(&sf), -errno;
	}
	for (i = 0; i < g->n && !err; i++)
		err = merge_copy(g, i, out, first, sizeof(first));
	if (!err && !strcmp(g->m[0].format, "ndjson"))
		merge_record(g, out);
	if (gz && fclose(gz))
		err = err ?: -EIO;
	if (sf.f)
		err = err ? (safefile_abort(&sf), err) : safefile_commit(&sf);
	else if (fflush(stdout) || ferror(stdout))
		err = err ?: -EIO;
	return err;
}

int mergecmd_main(const struct rp_opts *o)
{
	struct merge g = { .o = o, .n = o->ntargets };
	char why[512];
	int i, code = RP_EXIT_ALL_ALIVE, err = 0;

	g.m = calloc((size_t)g.n, sizeof(*g.m));
	g.path = calloc((size_t)g.n, sizeof(*g.path));
	if (!g.m || !g.path) {
		code = RP_EXIT_SYSTEM;
		goto out;
	}
	for (i = 0; i < g.n && !err; i++)
		if ((err = manifest_read(o->targets[i], &g.m[i], why, sizeof(why))))
			cli_warn("merge: %s\n", why);
	if (err) {
		code = err == -EINVAL ? RP_EXIT_MERGE : RP_EXIT_SYSTEM;
		goto out;
	}
	if ((err = merge_check(&g))) {
		code = err == -ENOMEM ? RP_EXIT_SYSTEM : RP_EXIT_MERGE;
		goto out;
	}
	if ((err = merge_write(&g))) {
		cli_warn("merge: writing the results: %s\n", strerror(-err));
		code = err == -EINVAL ? RP_EXIT_MERGE : RP_EXIT_SYSTEM;
		goto out;
	}
	fprintf(stderr, "merged %d shards of one sweep: %" PRIu64 " targets, %" PRIu64 " probes: %" PRIu64
		" replied, %" PRIu64 " ICMP errors, %" PRIu64 " no reply\n", g.n, (uint64_t)g.sum[0],
		(uint64_t)g.sum[1], (uint64_t)g.sum[3], (uint64_t)g.sum[4], (uint64_t)g.sum[5]);
out:
	free(g.m);
	free(g.path);
	return code;
}

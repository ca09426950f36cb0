// SPDX-License-Identifier: MIT
/* CSV: one record shape per file (results, probes with --per-probe, or hosts), rows from field tables. */
#include <inttypes.h>
#include "output_int.h"

static void csv_header_of(const struct output *o, const struct out_table *t)
{
	for (int i = 0, k = 0; i < t->n; i++)
		if (out_csv_column(o, &t->f[i]))
			fprintf(o->f, "%s%s", k++ ? "," : "", t->f[i].name);
	fputc('\n', o->f);
}

/* No field can hold a comma, quote or newline: addresses, numbers and fixed words. */
static void csv_row(struct output *o, const struct out_table *t, const struct out_row *w)
{
	char buf[64];
	const char *v;

	for (int i = 0, k = 0; i < t->n; i++) {
		if (!out_csv_column(o, &t->f[i]))
			continue;
		v = t->f[i].get(w, buf, sizeof(buf));
		fprintf(o->f, "%s%s", k++ ? "," : "", v ? v : "");
	}
	fputc('\n', o->f);
}

static void csv_result(struct output *o, const struct out_row *w)
{
	csv_row(o, &out_result_fields, w);
}

static void csv_probe(struct output *o, const struct out_row *w)
{
	csv_row(o, &out_probe_fields, w);
}

/* Hosts are the file's records only when probes are not (one shape per file); never the pool. */
static void csv_host(struct output *o, const char *host, const char *name, const char *label,
		     const struct ringping_host *s)
{
	FILE *f = o->f;

	if (o->cfg.per_probe || !host)
		return;
	fputs(host, f);
	if (o->cfg.names)
		fprintf(f, ",%s", name ? name : "");
#define X(name) fprintf(f, ",%u", s->name);
	HOST_COUNT_FIELDS(X)
#undef X
	fprintf(f, ",%.2f", s->loss_pct);
#define X(name) s->has_rtt ? fprintf(f, ",%.3f", s->name) : fputs(",", f);
	HOST_RTT_FIELDS(X)
#undef X
	fputc(',', f);
	out_host_errs(f, s, "%s%u/%u/%s=%u", " ", "%sother=%u");
	fputc('\n', f);
}

#define X(name) "," #name
static const char csv_host_header[] =
	HOST_COUNT_FIELDS(X) ",loss_pct" HOST_RTT_FIELDS(X) ",icmp_errors\n";
#undef X

static void csv_header(struct output *o)
{
	if (o->cfg.multi && o->cfg.per_probe)
		csv_header_of(o, &out_probe_fields);
	else if (o->cfg.multi)
		fprintf(o->f, "host%s%s", o->cfg.names ? ",name" : "", csv_host_header);
	else if (!o->cfg.quiet)
		csv_header_of(o, &out_result_fields);
}

/* -C's RTT lists have no CSV form: CSV holds one record shape. */
const struct output_ops output_csv_ops = {
	.result = csv_result, .probe = csv_probe, .host = csv_host, .header = csv_header,
};

// SPDX-License-Identifier: MIT
/* The live status line and --status-file (status.h). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include "status.h"

/* One tick's figures, for the line and the CSV alike. */
struct status_fig {
	double elapsed, pps, hit, pct, left; /* left < 0: unknown (a loop) */
	__u64 sent, total, replied, errors, no_reply, drops, failed;
};

static const char status_header[] =
	"time,elapsed_s,remaining_s,percent,sent,total,send_pps,replied,hit_pct,errors,no_reply,"
	"dropped_locally,send_failed\n";

int status_open(struct status *st, bool tty, const char *path, char *why, size_t len)
{
	int fd;

	st->tty = tty && isatty(STDERR_FILENO) ? stderr : NULL;
	if (!path)
		return 0;
	/* A file a machine follows as it grows: written in place, never through a link. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	st->csv = fd < 0 ? NULL : fdopen(fd, "w");
	if (!st->csv) {
		snprintf(why, len, "'%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	setvbuf(st->csv, NULL, _IOLBF, 0); /* each line whole as it is written */
	fputs(status_header, st->csv);
	return 0;
}

static void status_figures(struct status *st, const struct ringping_summary *s, struct status_fig *f,
			   bool final)
{
	double dt = s->elapsed_s - st->last_s, since_send = s->elapsed_s - s->send_s;
	__u64 left;

	*f = (struct status_fig){
		.elapsed = s->elapsed_s, .sent = s->sent, .replied = s->replied, .errors = s->errors,
		.no_reply = s->no_reply, .drops = s->dropped_locally, .failed = s->send_failed,
		/* While it runs, unprobed is what is still to send. */
		.total = st->loop ? 0 : s->probes + s->unprobed, .left = -1,
	};
	f->pps = dt > 0 && s->sent >= st->last_sent ? (double)(s->sent - st->last_sent) / dt : 0;
	f->hit = s->sent ? 100.0 * (double)s->replied / (double)s->sent : 0;
	st->last_s = s->elapsed_s;
	st->last_sent = s->sent;
	if (st->loop || !f->total)
		return;
	f->pct = 100.0 * (double)s->probes / (double)f->total;
	left = s->unprobed;
	/* What is still to send at the recent rate, then the last probe's wait. */
	if (left && f->pps > 0)
		f->left = (double)left / f->pps + st->timeout_s;
	else if (!left)
		f->left = !final && since_send < st->timeout_s ? st->timeout_s - since_send : 0;
}

/* "1:02:03", "2:03" */
static void status_hms(char *buf, size_t len, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%lu:%02lu", t / 60, t % 60);
}

void status_redraw(struct status *st)
{
	if (!st->tty || !st->line[0])
		return;
	fprintf(st->tty, "\r\033[K%s", st->line);
	fflush(st->tty);
	st->drawn = true;
}

static void status_draw(struct status *st, const struct status_fig *f)
{
	char line[256], el[32], left[32], tot[48] = "";
	struct winsize ws;
	int n, cols = 80;

	if (!ioctl(fileno(st->tty), TIOCGWINSZ, &ws) && ws.ws_col > 20)
		cols = ws.ws_col;
	status_hms(el, sizeof(el), f->elapsed);
	if (f->total)
		snprintf(tot, sizeof(tot), "/%" PRIu64 " (%.0f%%)", (uint64_t)f->total, f->pct);
	if (f->left >= 0)
		status_hms(left, sizeof(left), f->left);
	n = snprintf(line, sizeof(line),
		     "%s sent %" PRIu64 "%s %.0f p/s; replied %" PRIu64 " (%.1f%%); errors %" PRIu64
		     "; drops %" PRIu64 "%s%s", el, (uint64_t)f->sent, tot, f->pps, (uint64_t)f->replied,
		     f->hit, (uint64_t)f->errors, (uint64_t)(f->drops + f->failed),
		     f->left >= 0 ? "; ETA " : "", f->left >= 0 ? left : "");
	if (n >= cols)
		n = cols - 1; /* a line that wrapped could not be redrawn in place */
	snprintf(st->line, sizeof(st->line), "%.*s", n, line);
	status_redraw(st);
}

static void status_csv(struct status *st, const struct status_fig *f)
{
	char now[32], left[32] = "", tot[24] = "", pct[16] = "";
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (f->left >= 0)
		snprintf(left, sizeof(left), "%.1f", f->left);
	if (f->total) {
		snprintf(tot, sizeof(tot), "%" PRIu64, (uint64_t)f->total);
		snprintf(pct, sizeof(pct), "%.2f", f->pct);
	}
	fprintf(st->csv, "%s,%.3f,%s,%s,%" PRIu64 ",%s,%.0f,%" PRIu64 ",%.2f,%" PRIu64 ",%" PRIu64
		",%" PRIu64 ",%" PRIu64 "\n", now, f->elapsed, left, pct, (uint64_t)f->sent, tot, f->pps,
		(uint64_t)f->replied, f->hit, (uint64_t)f->errors, (uint64_t)f->no_reply,
		(uint64_t)f->drops, (uint64_t)f->failed);
}

static void status_update(struct status *st, struct ringping *e, bool final)
{
	struct ringping_summary s;
	struct status_fig f;

	if (!status_active(st) || ringping_summary(e, &s))
		return;
	status_figures(st, &s, &f, final);
	if (st->tty)
		status_draw(st, &f);
	if (st->csv)
		status_csv(st, &f);
}

void status_tick(struct status *st, struct ringping *e)
{
	status_update(st, e, false);
}

void status_clear(struct status *st)
{
	if (!st->drawn)
		return;
	fputs("\r\033[K", st->tty);
	st->drawn = false;
}

int status_close(struct status *st, struct ringping *e)
{
	int err = 0;

	status_clear(st);
	st->tty = NULL;
	if (!st->csv)
		return 0;
	status_update(st, e, true); /* the end: a short run's only line */
	if (fflush(st->csv) || ferror(st->csv))
		err = -(errno ? errno : EIO);
	if (fclose(st->csv) && !err)
		err = -(errno ? errno : EIO);
	st->csv = NULL;
	return err;
}

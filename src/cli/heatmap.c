// SPDX-License-Identifier: MIT
/* The Hilbert-curve map of a sweep, as a PNG through libpng (heatmap.h). */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>
#include "heatmap.h"
#include "safefile.h"

#define HEAT_MIN_SIDE 256 /* a small block is drawn at least this wide */
#define HEAT_LINE 11	  /* legend line height: 7-pixel glyphs and room */
#define HEAT_MARGIN 6

struct rgb {
	__u8 r, g, b;
};

/* Outcome colours (background: no target there). */
static const struct rgb heat_colour[HEAT_NCLS] = {
	[HEAT_NONE] = { 232, 232, 232 }, [HEAT_ALIVE] = { 44, 160, 44 },
	[HEAT_ERROR] = { 255, 127, 14 }, [HEAT_SILENT] = { 68, 68, 68 },
	[HEAT_FAILED] = { 148, 103, 189 }, [HEAT_UNPROBED] = { 31, 119, 180 },
};

static const char *const heat_name[HEAT_NCLS] = {
	[HEAT_NONE] = "not a target", [HEAT_ALIVE] = "alive", [HEAT_ERROR] = "icmp error",
	[HEAT_SILENT] = "no reply", [HEAT_FAILED] = "send failed", [HEAT_UNPROBED] = "not probed",
};

/* A 5x7 font for the legend: digits, lower case, a little punctuation (rows, 5 bits, MSB left). */
static const char heat_font_chars[] = "%()-./0123456789:<=>abcdefghijklmnopqrstuvwxyz";
static const __u8 heat_font[][7] = {
	{ 0x18, 0x19, 0x02, 0x04, 0x08, 0x13, 0x03 }, /* % */
	{ 0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02 }, /* ( */
	{ 0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08 }, /* ) */
	{ 0x00, 0x00, 0x00, 0x1f, 0x00, 0x00, 0x00 }, /* - */
	{ 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c, 0x0c }, /* . */
	{ 0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00 }, /* / */
	{ 0x0e, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0e }, /* 0 */
	{ 0x04, 0x0c, 0x04, 0x04, 0x04, 0x04, 0x0e }, /* 1 */
	{ 0x0e, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1f }, /* 2 */
	{ 0x1e, 0x01, 0x01, 0x0e, 0x01, 0x01, 0x1e }, /* 3 */
	{ 0x02, 0x06, 0x0a, 0x12, 0x1f, 0x02, 0x02 }, /* 4 */
	{ 0x1f, 0x10, 0x1e, 0x01, 0x01, 0x11, 0x0e }, /* 5 */
	{ 0x06, 0x08, 0x10, 0x1e, 0x11, 0x11, 0x0e }, /* 6 */
	{ 0x1f, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08 }, /* 7 */
	{ 0x0e, 0x11, 0x11, 0x0e, 0x11, 0x11, 0x0e }, /* 8 */
	{ 0x0e, 0x11, 0x11, 0x0f, 0x01, 0x02, 0x0c }, /* 9 */
	{ 0x00, 0x0c, 0x0c, 0x00, 0x0c, 0x0c, 0x00 }, /* : */
	{ 0x02, 0x04, 0x08, 0x10, 0x08, 0x04, 0x02 }, /* < */
	{ 0x00, 0x00, 0x1f, 0x00, 0x1f, 0x00, 0x00 }, /* = */
	{ 0x08, 0x04, 0x02, 0x01, 0x02, 0x04, 0x08 }, /* > */
	{ 0x00, 0x00, 0x0e, 0x01, 0x0f, 0x11, 0x0f }, /* a */
	{ 0x10, 0x10, 0x1e, 0x11, 0x11, 0x11, 0x1e }, /* b */
	{ 0x00, 0x00, 0x0e, 0x10, 0x10, 0x11, 0x0e }, /* c */
	{ 0x01, 0x01, 0x0f, 0x11, 0x11, 0x11, 0x0f }, /* d */
	{ 0x00, 0x00, 0x0e, 0x11, 0x1f, 0x10, 0x0e }, /* e */
	{ 0x06, 0x09, 0x08, 0x1c, 0x08, 0x08, 0x08 }, /* f */
	{ 0x00, 0x0f, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* g */
	{ 0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11 }, /* h */
	{ 0x04, 0x00, 0x0c, 0x04, 0x04, 0x04, 0x0e }, /* i */
	{ 0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0c }, /* j */
	{ 0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12 }, /* k */
	{ 0x0c, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0e }, /* l */
	{ 0x00, 0x00, 0x1a, 0x15, 0x15, 0x11, 0x11 }, /* m */
	{ 0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11 }, /* n */
	{ 0x00, 0x00, 0x0e, 0x11, 0x11, 0x11, 0x0e }, /* o */
	{ 0x00, 0x00, 0x1e, 0x11, 0x1e, 0x10, 0x10 }, /* p */
	{ 0x00, 0x00, 0x0d, 0x13, 0x0f, 0x01, 0x01 }, /* q */
	{ 0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10 }, /* r */
	{ 0x00, 0x00, 0x0e, 0x10, 0x0e, 0x01, 0x1e }, /* s */
	{ 0x08, 0x08, 0x1c, 0x08, 0x08, 0x09, 0x06 }, /* t */
	{ 0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0d }, /* u */
	{ 0x00, 0x00, 0x11, 0x11, 0x11, 0x0a, 0x04 }, /* v */
	{ 0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0a }, /* w */
	{ 0x00, 0x00, 0x11, 0x0a, 0x04, 0x0a, 0x11 }, /* x */
	{ 0x00, 0x00, 0x11, 0x11, 0x0f, 0x01, 0x0e }, /* y */
	{ 0x00, 0x00, 0x1f, 0x02, 0x04, 0x08, 0x1f }, /* z */
};

void heatmap_hilbert(__u32 side, __u64 d, __u32 *x, __u32 *y)
{
	__u32 s, rx, ry, t;

	*x = *y = 0;
	/* From the smallest square up: each pair of bits of d picks a quadrant, turned as the curve turns. */
	for (s = 1; s < side; s *= 2, d /= 4) {
		rx = (__u32)(1 & (d / 2));
		ry = (__u32)(1 & (d ^ rx));
		if (!ry) {
			if (rx) {
				*x = s - 1 - *x;
				*y = s - 1 - *y;
			}
			t = *x;
			*x = *y;
			*y = t;
		}
		*x += s * rx;
		*y += s * ry;
	}
}

static __u32 heat_v4(const struct ringping *e, __u64 idx)
{
	struct ringping_addr a;

	ringping_target(e, idx, &a);
	return (__u32)a.b[12] << 24 | (__u32)a.b[13] << 16 | (__u32)a.b[14] << 8 | a.b[15];
}

/* The enclosing block of first..last, and how it is cut into cells and squares. */
static void heat_layout(struct heatmap *h, __u32 first, __u32 last)
{
	int cbits;

	h->bits = first == last ? 0 : 32 - __builtin_clz(first ^ last);
	h->base = h->bits == 32 ? 0 : first & ~((1U << h->bits) - 1);
	cbits = h->bits < HEAT_MAX_PIXELS_LOG2 ? h->bits : HEAT_MAX_PIXELS_LOG2;
	h->shift = h->bits - cbits;
	h->squares = cbits & 1 ? 2 : 1;
	h->side = 1U << (cbits / 2);
	h->scale = h->side < HEAT_MIN_SIDE ? (int)(HEAT_MIN_SIDE / h->side) : 1;
}

int heatmap_open(struct heatmap *h, const struct ringping *e, const char *path, bool by_rtt, char *why,
		 size_t len)
{
	struct ringping_plan plan;
	__u64 i;

	memset(h, 0, sizeof(*h));
	if (ringping_plan((struct ringping *)e, &plan))
		return snprintf(why, len, "no targets"), -EINVAL;
	h->n = plan.targets4; /* targets are IPv4 first: indexes 0..targets4-1 */
	if (!h->n)
		return snprintf(why, len, "%s: no IPv4 targets to draw", path), -EINVAL;
	if (h->n > HEAT_MAX_TARGETS)
		return snprintf(why, len, "%s: %llu IPv4 targets, at most 2^24 drawn", path,
				(unsigned long long)h->n), -EINVAL;
	h->path = path;
	h->by_rtt = by_rtt;
	h->e = e;
	heat_layout(h, heat_v4(e, 0), heat_v4(e, h->n - 1));
	h->cls = malloc(h->n);
	h->rtt = by_rtt ? malloc(h->n * sizeof(*h->rtt)) : NULL;
	if (!h->cls || (by_rtt && !h->rtt)) {
		heatmap_free(h);
		return snprintf(why, len, "%s: out of memory", path), -ENOMEM;
	}
	memset(h->cls, HEAT_UNPROBED, h->n);
	for (i = 0; by_rtt && i < h->n; i++)
		h->rtt[i] = NAN;
	return 0;
}

void heatmap_record(struct heatmap *h, const struct ringping_probe *p)
{
	static const __u8 of[] = {
		[RINGPING_ALIVE] = HEAT_ALIVE, [RINGPING_UNREACHABLE] = HEAT_ERROR,
		[RINGPING_TIME_EXCEEDED] = HEAT_ERROR, [RINGPING_ERROR] = HEAT_ERROR,
		[RINGPING_NO_REPLY] = HEAT_SILENT, [RINGPING_SEND_FAILED] = HEAT_FAILED,
	};
	__u64 i = p->target_index;
	__u8 c;

	if (!h->cls || i >= h->n || (unsigned)p->status >= sizeof(of) || !of[p->status])
		return;
	c = of[p->status];
	if (c < h->cls[i])
		h->cls[i] = c; /* the best outcome of the target's probes */
	if (h->rtt && c == HEAT_ALIVE && p->rtt_ns >= 0 && !(p->rtt_ns / 1e6 >= h->rtt[i]))
		h->rtt[i] = (float)(p->rtt_ns / 1e6);
}

void heatmap_free(struct heatmap *h)
{
	free(h->cls);
	free(h->rtt);
	h->cls = NULL;
	h->rtt = NULL;
}

/* The picture being drawn: RGB rows, the map on top, the legend under it. */
struct heat_img {
	__u8 *px;
	__u32 w, h;
};

static void heat_fill(struct heat_img *im, __u32 x, __u32 y, __u32 w, __u32 h, struct rgb c)
{
	for (__u32 j = y; j < y + h && j < im->h; j++)
		for (__u32 i = x; i < x + w && i < im->w; i++)
			memcpy(im->px + ((size_t)j * im->w + i) * 3, &c, 3);
}

static void heat_text(struct heat_img *im, __u32 x, __u32 y, const char *s)
{
	static const struct rgb ink = { 0, 0, 0 };
	const char *g;
	int r, b;

	for (; *s; s++, x += 6) {
		if (*s == ' ' || !(g = strchr(heat_font_chars, *s)))
			continue;
		for (r = 0; r < 7; r++)
			for (b = 0; b < 5; b++)
				if (heat_font[g - heat_font_chars][r] & (0x10 >> b))
					heat_fill(im, x + (__u32)b, y + (__u32)r, 1, 1, ink);
	}
}

/* An RTT's colour on a log scale between lo and hi ms: dark violet, teal, yellow (viridis' ends and middle). */
static struct rgb heat_rtt_colour(double ms, double lo, double hi)
{
	static const struct rgb stop[3] = { { 68, 1, 84 }, { 33, 145, 140 }, { 253, 231, 37 } };
	double t = hi > lo ? (log(ms) - log(lo)) / (log(hi) - log(lo)) : 0.5;
	int k = t < 0.5 ? 0 : 1;
	double u;

	t = t < 0 ? 0 : t > 1 ? 1 : t;
	u = t < 0.5 ? t * 2 : (t - 0.5) * 2;
	return (struct rgb){ (__u8)(stop[k].r + (stop[k + 1].r - stop[k].r) * u),
			     (__u8)(stop[k].g + (stop[k + 1].g - stop[k].g) * u),
			     (__u8)(stop[k].b + (stop[k + 1].b - stop[k].b) * u) };
}

/* Per cell: how many targets ended in each class, and their RTTs. */
struct heat_cells {
	__u32 (*cnt)[HEAT_NCLS];
	double *rtt_sum;
	__u32 *rtt_n;
	__u64 ncells, total[HEAT_NCLS];
	double lo, hi; /* the smallest and largest cell RTT, ms */
};

static int heat_count(const struct heatmap *h, struct heat_cells *c)
{
	__u64 i, cell;

	c->ncells = (__u64)h->side * h->side * (__u64)h->squares;
	c->cnt = calloc(c->ncells, sizeof(*c->cnt));
	c->rtt_sum = h->by_rtt ? calloc(c->ncells, sizeof(*c->rtt_sum)) : NULL;
	c->rtt_n = h->by_rtt ? calloc(c->ncells, sizeof(*c->rtt_n)) : NULL;
	if (!c->cnt || (h->by_rtt && (!c->rtt_sum || !c->rtt_n)))
		return -ENOMEM;
	for (i = 0; i < h->n; i++) {
		cell = (__u64)(heat_v4(h->e, i) - h->base) >> h->shift;
		c->cnt[cell][h->cls[i]]++;
		c->total[h->cls[i]]++;
		if (h->by_rtt && !isnan(h->rtt[i])) {
			c->rtt_sum[cell] += h->rtt[i];
			c->rtt_n[cell]++;
		}
	}
	c->lo = INFINITY;
	c->hi = 0;
	for (cell = 0; h->by_rtt && cell < c->ncells; cell++) {
		double m = c->rtt_n[cell] ? c->rtt_sum[cell] / c->rtt_n[cell] : NAN;

		c->lo = m < c->lo ? m : c->lo;
		c->hi = m > c->hi ? m : c->hi;
	}
	return 0;
}

/* A cell's colour: the class most of its targets ended in (the better on a tie); an answering one by RTT. */
static struct rgb heat_cell_colour(const struct heatmap *h, const struct heat_cells *c, __u64 cell)
{
	int k, best = HEAT_NONE;
	__u32 most = 0;

	for (k = HEAT_ALIVE; k < HEAT_NCLS; k++)
		if (c->cnt[cell][k] > most) {
			most = c->cnt[cell][k];
			best = k;
		}
	if (best == HEAT_ALIVE && h->by_rtt && c->rtt_n[cell])
		return heat_rtt_colour(c->rtt_sum[cell] / c->rtt_n[cell], c->lo, c->hi);
	return heat_colour[best];
}

static void heat_draw_map(const struct heatmap *h, const struct heat_cells *c, struct heat_img *im)
{
	__u64 per = (__u64)h->side * h->side, cell;
	__u32 x, y, s = (__u32)h->scale;

	for (cell = 0; cell < c->ncells; cell++) {
		heatmap_hilbert(h->side, cell % per, &x, &y);
		x += (__u32)(cell / per) * h->side;
		heat_fill(im, x * s, y * s, s, s, heat_cell_colour(h, c, cell));
	}
}

static void heat_draw_legend(const struct heatmap *h, const struct heat_cells *c, struct heat_img *im,
			     __u32 y)
{
	char line[96], lo[24], hi[24];
	int k;

	snprintf(line, sizeof(line), "%u.%u.%u.%u/%d: 1 px = %llu address%s", h->base >> 24,
		 h->base >> 16 & 255, h->base >> 8 & 255, h->base & 255, 32 - h->bits,
		 1ULL << h->shift, h->shift ? "es" : "");
	if (h->scale > 1)
		snprintf(line + strlen(line), sizeof(line) - strlen(line), " (%d px)", h->scale);
	heat_text(im, HEAT_MARGIN, y, line);
	for (k = 0; k < HEAT_NCLS; k++) {
		y += HEAT_LINE;
		heat_fill(im, HEAT_MARGIN, y, 8, 8, (struct rgb){ 0, 0, 0 });
		heat_fill(im, HEAT_MARGIN + 1, y + 1, 6, 6, heat_colour[k]);
		if (k == HEAT_NONE)
			snprintf(line, sizeof(line), "%s", heat_name[k]);
		else
			snprintf(line, sizeof(line), "%s %llu", heat_name[k], (unsigned long long)c->total[k]);
		heat_text(im, HEAT_MARGIN + 12, y, line);
	}
	if (!h->by_rtt || !(c->hi > 0))
		return;
	y += HEAT_LINE;
	snprintf(lo, sizeof(lo), "rtt %.3f ms", c->lo);
	snprintf(hi, sizeof(hi), "%.3f ms", c->hi);
	heat_text(im, HEAT_MARGIN, y, lo);
	for (k = 0; k < 100; k++)
		heat_fill(im, HEAT_MARGIN + 6 * (__u32)strlen(lo) + 6 + (__u32)k, y, 1, 8,
			  heat_rtt_colour(exp(log(c->lo) + (log(c->hi) - log(c->lo)) * k / 99.0), c->lo, c->hi));
	heat_text(im, HEAT_MARGIN + 6 * (__u32)strlen(lo) + 112, y, hi);
}

/* libpng reports errors by longjmp: nothing of ours is live across it but the safefile. */
static int heat_png(FILE *f, const struct heat_img *im, const char *comment)
{
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
	png_infop info = png ? png_create_info_struct(png) : NULL;
	png_text text = { .compression = PNG_TEXT_COMPRESSION_NONE, .key = "Comment" };
	__u32 y;

	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -ENOMEM;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -EIO;
	}
	png_init_io(png, f);
	png_set_IHDR(png, info, im->w, im->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
		     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	text.text = (char *)comment;
	png_set_text(png, info, &text, 1);
	png_write_info(png, info);
	for (y = 0; y < im->h; y++)
		png_write_row(png, im->px + (size_t)y * im->w * 3);
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int heatmap_write(struct heatmap *h, char *why, size_t len)
{
	struct heat_cells c = { 0 };
	struct heat_img im = { 0 };
	struct safefile sf;
	__u32 map_w = h->side * (__u32)h->squares * (__u32)h->scale, map_h = h->side * (__u32)h->scale;
	int err = heat_count(h, &c);

	im.w = map_w;
	im.h = map_h + 2 * HEAT_MARGIN + HEAT_LINE * (HEAT_NCLS + 2);
	im.px = err ? NULL : malloc((size_t)im.w * im.h * 3);
	if (!im.px) {
		snprintf(why, len, "%s: out of memory", h->path);
		err = -ENOMEM;
		goto out;
	}
	memset(im.px, 255, (size_t)im.w * im.h * 3);
	heat_draw_map(h, &c, &im);
	heat_draw_legend(h, &c, &im, map_h + HEAT_MARGIN);
	err = safefile_open(&sf, h->path, why, len);
	if (err)
		goto out;
	err = heat_png(sf.f, &im, "ringping heatmap: Hilbert curve of the swept IPv4 block");
	if (err) {
		safefile_abort(&sf);
		snprintf(why, len, "%s: writing the PNG failed", h->path);
		goto out;
	}
	err = safefile_commit(&sf);
	if (err)
		snprintf(why, len, "%s: %s", h->path, strerror(-err));
out:
	free(im.px);
	free(c.cnt);
	free(c.rtt_sum);
	free(c.rtt_n);
	return err;
}

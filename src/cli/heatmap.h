/* SPDX-License-Identifier: MIT */
/*
 * --heatmap FILE.png: which parts of a swept IPv4 range answered, as a
 * picture. The targets' enclosing CIDR block is laid along a Hilbert curve
 * (neighbouring addresses stay neighbouring pixels, a /24 stays a square), a
 * pixel per address up to 2^20 of them, more per pixel above (a /8 is 4,096
 * by 4,096 addresses in a 1,024 square: 16 each). A block of an odd prefix
 * length is two squares side by side. Each pixel is coloured by the outcome
 * most of its targets had (or, --heatmap-by rtt, an answering pixel by its
 * mean RTT on a log scale), with a legend under the map. Written by libpng,
 * whole or not at all (safefile).
 */
#ifndef RP_HEATMAP_H
#define RP_HEATMAP_H

#include <stdbool.h>
#include "ringping.h"

/* The classes a target ends in, best first: a target's is the best of its probes'. */
enum heat_class { HEAT_NONE, HEAT_ALIVE, HEAT_ERROR, HEAT_SILENT, HEAT_FAILED, HEAT_UNPROBED, HEAT_NCLS };

#define HEAT_MAX_TARGETS (1ULL << 24)
#define HEAT_MAX_PIXELS_LOG2 20

struct heatmap {
	const struct ringping *e;
	const char *path;
	bool by_rtt;
	__u32 base;	/* the block's first address (host order) */
	int bits;	/* the block holds 2^bits addresses */
	int shift;	/* a pixel holds 2^shift addresses */
	__u32 side;	/* cells per side of a square */
	int squares;	/* 1, or 2 for an odd number of cell bits */
	int scale;	/* screen pixels per cell: small blocks drawn larger */
	__u64 n;	/* the IPv4 targets: indexes 0..n-1 */
	__u8 *cls;	/* per target: enum heat_class */
	float *rtt;	/* per target: the smallest RTT in ms (by_rtt), NAN for none */
};

/* Size the map for e's IPv4 targets. 0, or -errno with a one-line reason in why. */
int heatmap_open(struct heatmap *h, const struct ringping *e, const char *path, bool by_rtt, char *why,
		 size_t len);
/* A probe's outcome (a run's callback: an array write). */
void heatmap_record(struct heatmap *h, const struct ringping_probe *p);
/* Draw and write the PNG. 0, or -errno with why. */
int heatmap_write(struct heatmap *h, char *why, size_t len);
void heatmap_free(struct heatmap *h);
/* Cell d of a side x side Hilbert curve (side a power of two) as x, y. */
void heatmap_hilbert(__u32 side, __u64 d, __u32 *x, __u32 *y);

#endif

// SPDX-License-Identifier: MIT
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include "log.h"
#include "targets.h"

void targets_init(struct targets *t)
{
	memset(t, 0, sizeof(*t));
}

void targets_free(struct targets *t)
{
	if (!t)
		return;
	free(t->inc.v);
	free(t->exc.v);
	free(t->start);
	names_free(&t->names);
	memset(t, 0, sizeof(*t));
}

static int list_push(struct target_list *l, u128 lo, u128 hi)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		void *v = realloc(l->v, cap * sizeof(*l->v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].lo = lo;
	l->v[l->n].hi = hi;
	l->n++;
	return 0;
}

static int targets_bad(struct targets *t, const char *tok, const char *why)
{
	snprintf(t->err, sizeof(t->err), "bad target '%s': %s", tok, why);
	return -EINVAL;
}

/* -4/-6 restrict the set; a token of the other family is an error, not a silent skip. */
static int targets_check_family(struct targets *t, const char *tok, const struct ringping_addr *a)
{
	if (t->family == 4 && !addr_is_v4(a))
		return targets_bad(t, tok, t->v4_tstamp ? "IPv6, and ICMPv6 has no timestamp message"
						       : "an IPv6 target with -4");
	if (t->family == 6 && addr_is_v4(a))
		return targets_bad(t, tok, "an IPv4 target with -6");
	return 0;
}

/* floor(log2(n)) for n > 0. */
static int u128_log2(u128 n)
{
	__u64 hi = (__u64)(n >> 64);

	return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll((__u64)n);
}

/* The IPv6 guard: a /64 is not a sweep. n == 0 stands for 2^128 (::/0). */
static int targets_check_size(struct targets *t, const char *tok, const struct ringping_addr *a, u128 n)
{
	char why[128];

	if (addr_is_v4(a) || (n && n <= TARGETS_V6_MAX) || (t->force && n && n <= TARGETS_MAX))
		return 0;
	snprintf(why, sizeof(why), "2^%d IPv6 addresses; more than 2^24 need --force, more than 2^48 "
				   "are refused", n ? u128_log2(n) : 128);
	return targets_bad(t, tok, why);
}

/* "fe80::1%eth0", "ff02::1%eth0": the zone names the interface of a link-local target; one per run. */
static int targets_zone(struct targets *t, const char *tok, char *s)
{
	char *pct = strchr(s, '%');
	unsigned idx;

	struct ringping_addr a;
	char addr[64];

	if (!pct)
		return 0;
	*pct = '\0';
	/* The address before a zone (the first of a range or block) must be link-local IPv6. */
	snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(s, "/-"), s);
	if (addr_parse(addr, &a) || !addr_is_scoped(&a))
		return targets_bad(t, tok, "a zone ('%IFACE') belongs to link-local IPv6 addresses "
				   "(fe80::/10, ff02::/16) only");
	idx = if_nametoindex(pct + 1);
	if (!idx)
		return targets_bad(t, tok, "no such interface after '%'");
	if (t->scope_id && t->scope_id != idx)
		return targets_bad(t, tok, "a second zone; one zone per run");
	t->scope_id = idx;
	return 0;
}

static int targets_parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static void list_normalize(struct target_list *l);
static int list_subtract(struct target_list *inc, const struct target_list *exc);
static int list_append(struct target_list *dst, const struct target_list *src);

/* Whether lo..hi lies inside one range of a normalized list. */
static bool list_within(const struct target_list *l, u128 lo, u128 hi)
{
	size_t a = 0, b = l->n;

	while (a < b) { /* the first range that ends at or after lo */
		size_t m = a + (b - a) / 2;

		if (l->v[m].hi < lo)
			a = m + 1;
		else
			b = m;
	}
	return a < l->n && l->v[a].lo <= lo && hi <= l->v[a].hi;
}

/* A block or range into l: less the blocklist's space, unless it lies inside that space. */
static int targets_push_block(struct targets *t, struct target_list *l, u128 lo, u128 hi)
{
	struct target_list one = { 0 };
	u128 kept = 0;
	size_t i;
	int err;

	if (l != &t->inc || !t->deny || !t->deny->n || list_within(t->deny, lo, hi))
		return list_push(l, lo, hi);
	err = list_push(&one, lo, hi) ?: list_subtract(&one, t->deny);
	for (i = 0; !err && i < one.n; i++)
		kept += one.v[i].hi - one.v[i].lo + 1;
	if (!err)
		t->blocked += hi - lo + 1 - kept;
	err = err ?: list_append(l, &one);
	free(one.v);
	return err;
}

int targets_deny_add(struct targets *t, struct target_list *deny, const char *tok)
{
	int err = targets_add(t, tok, true);

	err = err ?: list_append(deny, &t->exc);
	t->exc.n = 0;
	if (!err)
		list_normalize(deny);
	return err;
}

void targets_list_free(struct target_list *l)
{
	free(l->v);
	*l = (struct target_list){ 0 };
}

static int targets_cidr(struct targets *t, const char *tok, char *slash, struct target_list *l)
{
	struct ringping_addr a;
	unsigned plen;
	u128 lo, mask;
	int err;

	*slash = '\0';
	err = addr_parse(tok, &a);
	*slash = '/';
	if (err)
		return targets_bad(t, tok, "not an address before '/'");
	if (targets_check_family(t, tok, &a))
		return -EINVAL;
	if (addr_is_v4(&a) && targets_parse_uint(slash + 1, 32, &plen))
		return targets_bad(t, tok, "prefix length must be 0..32");
	if (!addr_is_v4(&a) && targets_parse_uint(slash + 1, 128, &plen))
		return targets_bad(t, tok, "prefix length must be 0..128");
	plen += addr_is_v4(&a) ? 96 : 0;
	lo = addr_to_u128(&a);
	mask = plen == 128 ? 0 : plen == 0 ? ~(u128)0 : (((u128)1 << (128 - plen)) - 1);
	if (lo & mask)
		return targets_bad(t, tok, "host bits set after the prefix length");
	if (l == &t->inc && targets_check_size(t, tok, &a, mask + 1))
		return -EINVAL;
	return targets_push_block(t, l, lo, lo | mask);
}

static int targets_range(struct targets *t, const char *tok, char *dash, struct target_list *l)
{
	struct ringping_addr a, b;
	int err;

	*dash = '\0';
	err = addr_parse(tok, &a) || addr_parse(dash + 1, &b);
	*dash = '-';
	if (err)
		return targets_bad(t, tok, "a range is two addresses joined by '-'");
	if (targets_check_family(t, tok, &a) || targets_check_family(t, tok, &b))
		return -EINVAL;
	if (addr_is_v4(&a) != addr_is_v4(&b))
		return targets_bad(t, tok, "a range cannot span IPv4 and IPv6");
	if (addr_to_u128(&a) > addr_to_u128(&b))
		return targets_bad(t, tok, "range start is above its end");
	if (l == &t->inc && targets_check_size(t, tok, &a, addr_to_u128(&b) - addr_to_u128(&a) + 1))
		return -EINVAL;
	return targets_push_block(t, l, addr_to_u128(&a), addr_to_u128(&b));
}

/* RFC 1123 host name characters; all-digit-and-dot tokens are bad addresses, not names. */
static bool targets_is_name(const char *s)
{
	bool alpha = false;

	for (; *s; s++) {
		if (isalpha((unsigned char)*s))
			alpha = true;
		else if (!isdigit((unsigned char)*s) && *s != '-' && *s != '.' && *s != '_')
			return false;
	}
	return alpha;
}

/* One address of name tok's answer: a target, and the name kept for it. */
static int targets_resolved(struct targets *t, const char *tok, const struct addrinfo *ai)
{
	struct ringping_addr a;
	int err;

	if (ai->ai_family == AF_INET)
		addr_from_v4(&a, ntohl(((struct sockaddr_in *)ai->ai_addr)->sin_addr.s_addr));
	else
		memcpy(a.b, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, sizeof(a.b));
	err = list_push(&t->inc, addr_to_u128(&a), addr_to_u128(&a));
	return err ?: names_add(&t->names, addr_to_u128(&a), tok);
}

static int targets_resolve(struct targets *t, const char *tok)
{
	struct addrinfo hints = { .ai_socktype = SOCK_RAW };
	struct addrinfo *res, *ai;
	int rc, err;

	hints.ai_family = t->family == 4 ? AF_INET : t->family == 6 ? AF_INET6 : AF_UNSPEC;
	rc = getaddrinfo(tok, NULL, &hints, &res);
	if (rc) {
		pr_warn("%s: %s\n", tok, gai_strerror(rc));
		t->unresolved++;
		return 0;
	}
	/*
	 * Like fping: the first address of the answer (the resolver's preferred
	 * family) is the target; with all_addrs (fping's -m) every one is.
	 */
	err = targets_resolved(t, tok, res);
	for (ai = res->ai_next; !err && t->all_addrs && ai; ai = ai->ai_next)
		err = targets_resolved(t, tok, ai);
	freeaddrinfo(res);
	return err;
}

int targets_add(struct targets *t, const char *tok, bool exclude)
{
	struct target_list *l = exclude ? &t->exc : &t->inc;
	char buf[256], *p;
	struct ringping_addr a;

	if (strlen(tok) >= sizeof(buf) || !*tok)
		return targets_bad(t, tok, "empty or too long");
	strcpy(buf, tok);
	if (targets_zone(t, tok, buf))
		return -EINVAL;
	if ((p = strchr(buf, '/')))
		return targets_cidr(t, buf, p, l);
	if ((p = strchr(buf, '-')) && !targets_is_name(buf))
		return targets_range(t, buf, p, l);
	if (!addr_parse(buf, &a)) {
		if (targets_check_family(t, tok, &a))
			return -EINVAL;
		return list_push(l, addr_to_u128(&a), addr_to_u128(&a));
	}
	if (exclude || !targets_is_name(buf))
		return targets_bad(t, tok, exclude ? "not an address, CIDR, range or file"
						   : "not an address, CIDR, range or host name");
	if (t->numeric)
		return targets_bad(t, tok, "a host name, and names are not resolved here");
	return targets_resolve(t, buf);
}

#define TARGETS_TOKEN_MAX 255 /* a name is at most 253 bytes; anything longer is no target */

/* A token of a file, with its place for the message. */
static int targets_file_token(struct targets *t, const char *tok, const char *name, unsigned line,
			      bool exclude)
{
	char why[256];
	int err = targets_add(t, tok, exclude);

	if (err == -EINVAL) {
		snprintf(why, sizeof(why), "%s", t->err);
		snprintf(t->err, sizeof(t->err), "%.40s:%u: %.200s", name, line, why);
	}
	return err;
}

static int targets_file_bad(struct targets *t, const char *name, unsigned line, const char *why)
{
	snprintf(t->err, sizeof(t->err), "%.40s:%u: %s", name, line, why);
	return -EINVAL;
}

/*
 * Tokens separated by blanks and line ends; '#' to the end of its line is a
 * comment, however long. Byte by byte, so no line length cuts a token or
 * turns the rest of a comment into targets. A NUL byte is no text (a
 * binary file, /dev/zero): an error, not a silent end.
 */
int targets_add_stream(struct targets *t, FILE *f, const char *name, bool exclude)
{
	char tok[TARGETS_TOKEN_MAX + 1];
	unsigned line = 1, n = 0;
	bool comment = false;
	int c, err = 0;

	while (!err && (c = getc(f)) != EOF) {
		if (c == '\0')
			return targets_file_bad(t, name, line, "a NUL byte: not a text file");
		if (c == '#' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
			tok[n] = '\0';
			if (n && !comment)
				err = targets_file_token(t, tok, name, line, exclude);
			n = 0;
			comment = (comment || c == '#') && c != '\n';
			line += c == '\n';
		} else if (!comment && n == TARGETS_TOKEN_MAX) {
			return targets_file_bad(t, name, line, "a token longer than 255 bytes");
		} else if (!comment) {
			tok[n++] = (char)c;
		}
	}
	tok[n] = '\0';
	if (!err && n && !comment)
		err = targets_file_token(t, tok, name, line, exclude);
	if (!err && ferror(f)) {
		snprintf(t->err, sizeof(t->err), "%s: read error", name);
		return -EIO;
	}
	return err;
}

int targets_add_file(struct targets *t, const char *path, bool exclude)
{
	FILE *f;
	int err;

	if (!strcmp(path, "-"))
		return targets_add_stream(t, stdin, "<stdin>", exclude);
	f = fopen(path, "r");
	if (!f) {
		err = -errno;
		snprintf(t->err, sizeof(t->err), "cannot open '%s': %s", path, strerror(-err));
		return err;
	}
	err = targets_add_stream(t, f, path, exclude);
	fclose(f);
	return err;
}

static int range_cmp(const void *a, const void *b)
{
	const struct target_range *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static u128 range_size(const struct target_range *r)
{
	return r->hi - r->lo + 1;
}

/* Sort and merge overlapping or adjacent ranges in place. */
static void list_normalize(struct target_list *l)
{
	size_t i, out = 0;

	if (!l->n)
		return;
	qsort(l->v, l->n, sizeof(*l->v), range_cmp);
	for (i = 1; i < l->n; i++) {
		struct target_range *cur = &l->v[out];

		if (l->v[i].lo <= cur->hi || l->v[i].lo == cur->hi + 1) {
			if (l->v[i].hi > cur->hi)
				cur->hi = l->v[i].hi;
			continue;
		}
		l->v[++out] = l->v[i];
	}
	l->n = out + 1;
}

/* inc minus exc, both normalized; a merge walk over the two sorted lists. */
static int list_subtract(struct target_list *inc, const struct target_list *exc)
{
	struct target_list out = { 0 };
	size_t i, j = 0;
	int err;

	for (i = 0; i < inc->n; i++) {
		u128 lo = inc->v[i].lo, hi = inc->v[i].hi;
		bool empty = false;

		while (j < exc->n && exc->v[j].hi < lo)
			j++;
		for (size_t k = j; k < exc->n && exc->v[k].lo <= hi && !empty; k++) {
			if (exc->v[k].lo > lo && (err = list_push(&out, lo, exc->v[k].lo - 1)))
				goto fail;
			if (exc->v[k].hi >= hi)
				empty = true;
			else
				lo = exc->v[k].hi + 1;
		}
		if (!empty && (err = list_push(&out, lo, hi)))
			goto fail;
	}
	free(inc->v);
	*inc = out;
	return 0;
fail:
	free(out.v);
	return err;
}

static int list_append(struct target_list *dst, const struct target_list *src)
{
	int err = 0;

	for (size_t i = 0; i < src->n && !err; i++)
		err = list_push(dst, src->v[i].lo, src->v[i].hi);
	return err;
}

int targets_take(struct targets *t, struct targets *src)
{
	int err;

	if (src->scope_id && t->scope_id && src->scope_id != t->scope_id) {
		snprintf(t->err, sizeof(t->err), "link-local targets of two zones: one zone per run");
		return -EINVAL;
	}
	/* The newest word wins: an address added again is no longer excluded. */
	list_normalize(&src->inc);
	list_normalize(&t->exc);
	err = list_subtract(&t->exc, &src->inc);
	err = err ?: list_append(&t->inc, &src->inc);
	err = err ?: list_append(&t->exc, &src->exc);
	err = err ?: names_take(&t->names, &src->names);
	if (err)
		return err;
	t->scope_id = t->scope_id ?: src->scope_id;
	t->unresolved += src->unresolved;
	t->blocked += src->blocked;
	src->blocked = 0;
	src->inc.n = src->exc.n = 0;
	src->unresolved = 0;
	return 0;
}

static int list_dup(struct target_list *dst, const struct target_list *src)
{
	*dst = (struct target_list){ 0 };
	return list_append(dst, src);
}

int targets_dup(struct targets *dst, const struct targets *src)
{
	int err;

	*dst = *src;
	dst->inc = dst->exc = (struct target_list){ 0 };
	dst->names = (struct target_names){ 0 };
	dst->start = calloc(src->inc.n + 1, sizeof(*dst->start));
	err = dst->start ? 0 : -ENOMEM;
	err = err ?: names_dup(&dst->names, &src->names);
	err = err ?: list_dup(&dst->inc, &src->inc);
	err = err ?: list_dup(&dst->exc, &src->exc);
	if (!err && src->start)
		memcpy(dst->start, src->start, (src->inc.n + 1) * sizeof(*dst->start));
	if (err)
		targets_free(dst);
	return err;
}

/* The guards again on the whole set: many small IPv6 tokens add up too. */
static int targets_check_total(struct targets *t)
{
	u128 v6 = 0, all = 0;
	size_t i;

	for (i = 0; i < t->inc.n; i++) {
		u128 n = range_size(&t->inc.v[i]);
		struct ringping_addr a;

		addr_from_u128(&a, t->inc.v[i].lo);
		all += n;
		v6 += addr_is_v4(&a) ? 0 : n;
	}
	if (all > TARGETS_MAX)
		return snprintf(t->err, sizeof(t->err), "the targets add up to more than 2^48 addresses"),
		       -EINVAL;
	if (v6 > TARGETS_V6_MAX && !t->force)
		return snprintf(t->err, sizeof(t->err), "the IPv6 targets add up to %llu addresses; more "
				"than 2^24 need --force", (unsigned long long)v6), -EINVAL;
	return 0;
}

int targets_finalize(struct targets *t)
{
	size_t i;
	int err;

	t->given = 0;
	for (i = 0; i < t->inc.n; i++)
		t->given += (__u64)range_size(&t->inc.v[i]);
	list_normalize(&t->inc);
	list_normalize(&t->exc);
	err = list_subtract(&t->inc, &t->exc);
	err = err ?: targets_check_total(t);
	if (err)
		return err;
	free(t->start);
	t->start = calloc(t->inc.n + 1, sizeof(*t->start));
	if (!t->start)
		return -ENOMEM;
	t->count = t->count4 = 0;
	for (i = 0; i < t->inc.n; i++) {
		struct ringping_addr a;

		t->start[i] = t->count;
		t->count += (__u64)range_size(&t->inc.v[i]);
		addr_from_u128(&a, t->inc.v[i].lo);
		if (addr_is_v4(&a))
			t->count4 = t->count;
	}
	t->start[t->inc.n] = t->count;
	names_finalize(&t->names);
	return 0;
}

void targets_addr(const struct targets *t, __u64 idx, struct ringping_addr *out)
{
	size_t lo = 0, hi = t->inc.n; /* find the last range whose start <= idx */

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->start[mid] <= idx)
			lo = mid;
		else
			hi = mid;
	}
	addr_from_u128(out, t->inc.v[lo].lo + (idx - t->start[lo]));
}

int targets_index(const struct targets *t, const struct ringping_addr *a, __u64 *idx)
{
	u128 v = addr_to_u128(a);
	size_t lo = 0, hi = t->inc.n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->inc.v[mid].hi < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == t->inc.n || t->inc.v[lo].lo > v)
		return -ENOENT;
	*idx = t->start[lo] + (__u64)(v - t->inc.v[lo].lo);
	return 0;
}

const char *targets_name(const struct targets *t, __u64 idx)
{
	struct ringping_addr a;

	if (!t->names.n || idx >= t->count)
		return NULL;
	targets_addr(t, idx, &a);
	return names_find(&t->names, addr_to_u128(&a));
}

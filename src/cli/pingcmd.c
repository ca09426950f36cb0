// SPDX-License-Identifier: MIT
/*
 * ringping ping: ping(8)'s command line and lines over the engine. The
 * engine sends at -i, waits -W for each answer and hands back every probe
 * once (and each duplicate through on_duplicate); this module only counts
 * as ping counts and prints as ping prints. The sequence number printed is
 * ping's (1, 2, ...), not the keyed one on the wire (README, ringping ping).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <net/if.h>
#include <signal.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "ping_fmt.h"
#include "pingcmd.h"
#include "warn.h"

#define PING_NAMES 16 /* answering addresses whose names are kept */
#define PING_SEQS 65536 /* ping's MAX_DUP_CHK: the requests whose replies it tells apart */

struct ping_name {
	struct ringping_addr a;
	char text[NI_MAXHOST + RINGPING_ADDRSTRLEN + 4];
};

struct ping_ctx {
	const struct rp_opts *o;
	struct ping_stats st;
	struct ringping_addr dst;
	int family;
	bool numeric;		 /* -n, or a literal destination (as ping: no names then) */
	bool group;		 /* a broadcast or multicast destination: many hosts answer */
	char zone[IF_NAMESIZE];	 /* "ff02::1%eth0": the destination's zone, shown on link-local addresses */
	char host[NI_MAXHOST];	 /* the statistics' name: ping's "hostname" */
	struct ping_name names[PING_NAMES];
	int nnames;
	long local_errors;	 /* sends the kernel refused (-M do, -r): ping counts them as transmitted */
	__u64 sent;		 /* requests gone out so far (on_send): ping's ntransmitted */
	__u8 rcvd[PING_SEQS / 8]; /* which of the last 65536 requests have their reply (-O) */
	char source[RINGPING_ADDRSTRLEN]; /* -B: the source the first request got, kept */
	struct ping_rr rr;	 /* -R: the last route printed ("(same route)") */
	__u32 flowlabel;	 /* -F: the IPv6 requests' label (ping_flowlabel) */
};

/* The engine the signal handlers reach; set while it runs. */
static struct ringping *volatile ping_engine;

static void ping_on_stop(int sig)
{
	(void)sig;
	if (ping_engine)
		ringping_cancel(ping_engine);
}

static void ping_on_quit(int sig)
{
	(void)sig;
	if (ping_engine)
		ringping_interim(ping_engine);
}

/* Ctrl-C, SIGTERM and -w's alarm end the run (the statistics follow); SIGQUIT asks for the status line. */
static int ping_signals(__u64 deadline_ns)
{
	struct sigaction sa = { .sa_handler = ping_on_stop }, sq = { .sa_handler = ping_on_quit };
	struct itimerval it = { 0 };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	sigemptyset(&sq.sa_mask);
	sigaction(SIGQUIT, &sq, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (!deadline_ns)
		return 0;
	it.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ULL);
	it.it_value.tv_usec = (suseconds_t)(deadline_ns % 1000000000ULL / 1000);
	return setitimer(ITIMER_REAL, &it, NULL);
}

/* fe80::/10, ff01::/16, ff02::/16: addresses whose text carries the zone. */
static bool ping_scoped(const struct ringping_addr *a)
{
	return ringping_addr_family(a) == 6 &&
	       ((a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80) ||
		(a->b[0] == 0xff && ((a->b[1] & 0xf) == 1 || (a->b[1] & 0xf) == 2)));
}

/* a as a socket address of its own family (port 1025, for a UDP connect); its length. */
static socklen_t ping_sockaddr(const struct ringping_addr *a, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (ringping_addr_family(a) == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(1025);
		memcpy(&s4->sin_addr, a->b + 12, 4);
		return sizeof(*s4);
	}
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	s6->sin6_family = AF_INET6;
	s6->sin6_port = htons(1025);
	memcpy(&s6->sin6_addr, a->b, 16);
	return sizeof(*s6);
}

/*
 * A UDP socket connected to the destination (bound to iface if given): the
 * kernel routes it as it would a probe, and nothing is sent. The fd, or
 * -errno (EACCES: a broadcast address, without SO_BROADCAST).
 */
static int ping_connect(const struct ping_ctx *c, const char *iface)
{
	struct sockaddr_storage ss;
	socklen_t sl = ping_sockaddr(&c->dst, &ss);
	int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), err;

	if (fd < 0)
		return -errno;
	if ((iface && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, iface, (socklen_t)strlen(iface))) ||
	    connect(fd, (struct sockaddr *)&ss, sl)) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* An address as ping shows it: "name (addr)" when names are wanted, kept per address. */
static const char *ping_addr(struct ping_ctx *c, const struct ringping_addr *a)
{
	char num[RINGPING_ADDRSTRLEN], name[NI_MAXHOST];
	struct sockaddr_storage ss;
	struct ping_name *n;
	socklen_t sl;
	int i;

	for (i = 0; i < c->nnames; i++)
		if (!memcmp(&c->names[i].a, a, sizeof(*a)))
			return c->names[i].text;
	n = &c->names[c->nnames < PING_NAMES ? c->nnames++ : PING_NAMES - 1];
	n->a = *a;
	ringping_addr_str(a, num, sizeof(num));
	if (c->numeric) {
		/* ping's numeric form of a link-local address carries its zone. */
		snprintf(n->text, sizeof(n->text), "%s%s%s", num, c->zone[0] && ping_scoped(a) ? "%" : "",
			 c->zone[0] && ping_scoped(a) ? c->zone : "");
		return n->text;
	}
	sl = ping_sockaddr(a, &ss);
	if (getnameinfo((struct sockaddr *)&ss, sl, name, sizeof(name), NULL, 0, 0))
		snprintf(name, sizeof(name), "%s", num);
	snprintf(n->text, sizeof(n->text), "%s (%s)", name, num);
	return n->text;
}

/* -D: the time the line is printed, as ping's [seconds.microseconds]. */
static void ping_stamp(const struct ping_ctx *c)
{
	struct timespec ts;

	if (!c->o->out.timestamps)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	printf("[%lld.%06ld] ", (long long)ts.tv_sec, ts.tv_nsec / 1000);
}

/* An IPv4 address of an IP option, as ping names it. */
static const char *ping_addr4(void *ctx, const unsigned char *addr4)
{
	struct ringping_addr a = { .b = { [10] = 0xff, [11] = 0xff } };

	memcpy(a.b + 12, addr4, 4);
	return ping_addr(ctx, &a);
}

/*
 * -c with -w: the run ends once -c requests are answered (replies and
 * errors, as ping counts them), whatever is still out; ping's next step is
 * its statistics. Both cancels: stop sending, and do not wait.
 */
static void ping_enough(const struct ping_ctx *c)
{
	if (c->o->count_set && c->o->ping_deadline_ns && ping_engine &&
	    c->st.received + c->st.errors >= (long)c->o->count) {
		ringping_cancel(ping_engine);
		ringping_cancel(ping_engine);
	}
}

/* An answer to request round (0-based): ping's pipe, the most requests out at once. */
static void ping_ack(struct ping_ctx *c, __u64 round)
{
	__u64 pipe = c->sent > round ? c->sent - round : 1;

	if ((long)pipe > c->st.pipe)
		c->st.pipe = (long)pipe;
}

/* A request about to go (seq: its round): -O's word on the last one, -f's dot. */
static void ping_on_send(void *ctx, __u64 seq, __u64 target_index)
{
	struct ping_ctx *c = ctx;

	(void)target_index;
	c->sent = seq + 1;
	c->rcvd[seq % PING_SEQS / 8] &= (__u8)~(1 << (seq % 8));
	if (c->o->ping_outstanding && seq && !(c->rcvd[(seq - 1) % PING_SEQS / 8] & (1 << ((seq - 1) % 8)))) {
		ping_stamp(c);
		printf("no answer yet for icmp_seq=%llu\n", (unsigned long long)(seq % PING_SEQS));
	}
	if (c->o->ping_flood && !c->o->out.quiet)
		fputs(".", stdout);
	fflush(stdout);
}

/*
 * --probe timestamp (no ping of iputils sends these): the reply's three
 * times, ms since midnight UT (originate: our kernel's send stamp), and the
 * remote clock's offset from ours.
 */
static void ping_tstamp(const struct ringping_probe *p)
{
	if (!p->has_tstamp)
		return;
	printf(" originate=%u receive=%u transmit=%u", p->ts_originate, p->ts_receive, p->ts_transmit);
	if (p->offset_valid)
		printf(" offset=%+.3f ms", p->clock_offset_ns / 1e6);
}

/* A reply (or, dup, a further one): counted, and its line unless -q. */
static void ping_reply(struct ping_ctx *c, const struct ringping_probe *p, bool dup)
{
	long us = p->rtt_ns >= 0 ? (long)(p->rtt_ns / 1000) : 0;
	char rtt[48] = "";

	ping_ack(c, p->round);
	if (dup) {
		c->st.repeats++;
	} else {
		c->st.received++;
		c->rcvd[p->round % PING_SEQS / 8] |= (__u8)(1 << (p->round % 8));
	}
	/*
	 * No RTT: the kernel stamps put the answer before the send (the host's
	 * own answer to its multicast, looped back before the copy on the wire
	 * was stamped). The line has no time then, as ping's without timing.
	 */
	if (p->rtt_ns >= 0)
		ping_stats_add(&c->st, us);
	else
		c->st.untimed++;
	if (c->o->out.quiet)
		return;
	if (c->o->ping_flood) {
		fputs("\b \b", stdout); /* its request's dot goes */
		return;
	}
	if (p->rtt_ns >= 0) {
		memcpy(rtt, " time=", 6);
		ping_fmt_rtt(rtt + 6, sizeof(rtt) - 10, us);
		strcat(rtt, " ms");
	}
	ping_stamp(c);
	/* ping marks duplicates of a broadcast or multicast probe only with -v: they are its point. */
	printf("%u bytes from %s: icmp_seq=%u ttl=%u%s", p->bytes, ping_addr(c, &p->from),
	       (unsigned)((p->round + 1) & 0xffff), p->ttl, rtt);
	ping_tstamp(p);
	printf("%s%s", dup && (!c->group || c->o->verbose) ? " (DUP!)" : "", c->o->audible ? "\a" : "");
	if (p->ip_options_len)
		ping_fmt_options(stdout, p->ip_options, p->ip_options_len, &c->rr, ping_addr4, c);
	putchar('\n');
}

static void ping_error(struct ping_ctx *c, const struct ringping_probe *p)
{
	char what[96];

	ping_ack(c, p->round);
	c->st.errors++;
	if (c->o->out.quiet)
		return;
	if (c->o->ping_flood) {
		fputs("\bE", stdout);
		return;
	}
	ping_fmt_error(what, sizeof(what), c->family, p->icmp_type, p->icmp_code, p->info);
	ping_stamp(c);
	printf("From %s icmp_seq=%u %s\n", ping_addr(c, &p->from), (unsigned)((p->round + 1) & 0xffff), what);
}

/* The path MTU the kernel knows for the destination (a connected UDP socket's IP_MTU); 0: unknown. */
static unsigned ping_path_mtu(const struct ping_ctx *c)
{
	int fd = ping_connect(c, NULL), mtu = 0;
	socklen_t l = sizeof(mtu);

	if (fd < 0)
		return 0;
	if (c->family == 4 ? getsockopt(fd, IPPROTO_IP, IP_MTU, &mtu, &l)
			   : getsockopt(fd, IPPROTO_IPV6, IPV6_MTU, &mtu, &l))
		mtu = 0;
	close(fd);
	return mtu > 0 ? (unsigned)mtu : 0;
}

/*
 * A send the kernel refused, which ping counts as sent. With -M do, larger
 * than the path MTU it knows: also an error, in ping's own words per family.
 */
static void ping_send_failed(struct ping_ctx *c, const struct ringping_probe *p)
{
	c->local_errors++;
	if (c->o->ping_flood && !c->o->out.quiet)
		fputs("E", stdout);
	/*
	 * ping pretends such a request went, and says nothing unless the
	 * kernel queued an error for it (only -M do's does): -v says why.
	 */
	if (p->err != -EMSGSIZE) {
		if (c->o->verbose)
			cli_warn("sendmsg: %s\n", strerror(-p->err));
		return;
	}
	c->st.errors++;
	cli_warn(c->family == 4 ? "local error: message too long, mtu=%u\n"
				: "local error: message too long, mtu: %u\n", ping_path_mtu(c));
}

static void ping_on_probe(void *ctx, const struct ringping_probe *p)
{
	struct ping_ctx *c = ctx;

	switch (p->status) {
	case RINGPING_ALIVE: ping_reply(c, p, false); break;
	case RINGPING_NO_REPLY: break;
	case RINGPING_SEND_FAILED: ping_send_failed(c, p); break;
	default: ping_error(c, p); break;
	}
	fflush(stdout);
	ping_enough(c);
}

/* ping stops listening once -c replies are in: a duplicate after that is not its to see. */
static void ping_on_duplicate(void *ctx, const struct ringping_probe *p)
{
	struct ping_ctx *c = ctx;

	if (p->status != RINGPING_ALIVE || (c->o->count_set && c->st.received >= (long)c->o->count))
		return;
	ping_reply(c, p, true);
	fflush(stdout);
}

/* SIGQUIT: ping's one-line status on stderr. */
static void ping_on_interim(void *ctx, struct ringping *e)
{
	struct ping_ctx *c = ctx;
	struct ringping_summary s;

	if (ringping_summary(e, &s))
		return;
	c->st.transmitted = (long)s.sent + c->local_errors;
	ping_fmt_status(stderr, &c->st);
}

/* The destination: ping's first address of it, and the name its statistics go by. 0 or ping's 2. */
static int ping_resolve(struct ping_ctx *c, const char *token)
{
	struct addrinfo hints = { .ai_family = c->o->family == 4 ? AF_INET : c->o->family == 6 ? AF_INET6 : AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM, .ai_flags = AI_CANONNAME };
	struct addrinfo *ai;
	int err = getaddrinfo(token, NULL, &hints, &ai);

	if (err) {
		cli_warn("%s: %s\n", token, gai_strerror(err));
		return 2;
	}
	c->family = ai->ai_family == AF_INET6 ? 6 : 4;
	memset(&c->dst, 0, sizeof(c->dst));
	if (c->family == 4) {
		c->dst.b[10] = c->dst.b[11] = 0xff;
		memcpy(c->dst.b + 12, &((struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
	} else {
		memcpy(c->dst.b, &((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
	}
	/* ping names IPv4 statistics by the canonical name, IPv6 ones by the word given. */
	snprintf(c->host, sizeof(c->host), "%s",
		 c->family == 4 && ai->ai_canonname ? ai->ai_canonname : token);
	c->numeric = c->o->numeric || strchr(token, '%') ||
		     !ringping_addr_parse(token, &(struct ringping_addr){ 0 });
	if (strchr(token, '%'))
		snprintf(c->zone, sizeof(c->zone), "%s", strchr(token, '%') + 1);
	freeaddrinfo(ai);
	return 0;
}

/*
 * Many hosts answer a multicast destination, or an IPv4 broadcast one, which
 * needs -b as in ping: a UDP connect refuses it (EACCES) without
 * SO_BROADCAST, which is how ping finds out too. 0 or ping's 2.
 */
static int ping_groups(struct ping_ctx *c, struct ringping_opts *eo)
{
	int fd;
	bool refused;

	c->group = (c->family == 6 && c->dst.b[0] == 0xff) || (c->family == 4 && (c->dst.b[12] & 0xf0) == 0xe0);
	if (c->family == 4 && !c->group) {
		fd = ping_connect(c, NULL);
		refused = fd == -EACCES;
		if (fd >= 0)
			close(fd);
		if (refused && !c->o->broadcast)
			return cli_warn("Do you want to ping broadcast? Then -b. If not, check your local "
					"firewall rules\n"), 2;
		if (refused)
			fprintf(stderr, "WARNING: pinging broadcast address\n");
		c->group = refused;
	}
	eo->broadcast = c->group;
	return 0;
}

/* -I: the source the probes leave from, as ping's first line names it (the kernel's pick on IFACE). */
static void ping_source(const struct ping_ctx *c, char *buf, size_t len)
{
	const char *given = c->family == 4 ? c->o->src : c->o->src6;
	struct sockaddr_storage s;
	socklen_t sl = sizeof(s);
	int fd;

	if (!given && c->source[0])
		given = c->source; /* -B's */
	if (given) {
		snprintf(buf, len, "%s", given);
		return;
	}
	snprintf(buf, len, "?");
	/* The source a probe would get: the connected socket's own address. */
	fd = ping_connect(c, c->o->iface);
	if (fd < 0)
		return;
	if (getsockname(fd, (struct sockaddr *)&s, &sl) ||
	    getnameinfo((struct sockaddr *)&s, sl, buf, (socklen_t)len, NULL, 0, NI_NUMERICHOST))
		snprintf(buf, len, "?");
	close(fd);
}

/*
 * -F: the label given, or for 0 one at random as ping's kernel picks it:
 * under 0x80000, the labels it leases (the rest are for stateless use).
 */
static void ping_flowlabel(struct ping_ctx *c)
{
	__u32 r = 0;

	c->flowlabel = c->o->flowlabel;
	if (!c->o->flowlabel_set || c->flowlabel)
		return;
	while (!r)
		if (getrandom(&r, sizeof(r), 0) != sizeof(r) || !(r &= 0x7ffff))
			r = (__u32)getpid() & 0x7ffff;
	c->flowlabel = r;
}

/* -B: the source a request would get now, fixed for the run (ping binds its socket to it). */
static void ping_strict_source(struct ping_ctx *c, struct ringping_opts *eo)
{
	if (!c->o->ping_strict_source || (c->family == 4 ? c->o->src : c->o->src6))
		return;
	ping_source(c, c->source, sizeof(c->source));
	if (!strcmp(c->source, "?"))
		return;
	if (c->family == 4)
		eo->source = c->source;
	else
		eo->source6 = c->source;
}

/* -p: ping's "PATTERN: 0x..." line, before the first (not with -q). */
static void ping_pattern(const struct rp_opts *o)
{
	if (!o->pattern_len || o->out.quiet)
		return;
	printf("PATTERN: 0x");
	for (__u32 i = 0; i < o->pattern_len; i++)
		printf("%02x", o->pattern[i]);
	printf("\n");
}

/* "PING host (addr) 56(84) bytes of data." or, IPv6, "PING host(addr) 56 data bytes". */
static void ping_header(struct ping_ctx *c, const char *token)
{
	char num[RINGPING_ADDRSTRLEN], src[RINGPING_ADDRSTRLEN];
	const struct rp_opts *o = c->o;

	ringping_addr_str(&c->dst, num, sizeof(num));
	if (c->family == 4)
		printf("PING %s (%s) ", c->host, num);
	else
		printf("PING %s(%s) ", token, ping_addr(c, &c->dst));
	if (c->family == 6 && c->flowlabel)
		printf(", flow 0x%05x, ", c->flowlabel);
	if (o->iface || (c->family == 4 ? o->src : o->src6) || c->source[0]) {
		ping_source(c, src, sizeof(src));
		printf("from %s %s: ", src, o->iface ? o->iface : "");
	}
	if (c->family == 4) /* with -R or -T, ping counts a full 40 bytes of options */
		printf("%u(%u) bytes of data.\n", o->size, o->size + 28 + (o->ip_options_len ? 40 : 0));
	else
		printf("%u data bytes\n", o->size);
	fflush(stdout);
}

/*
 * ping's schedule: -i, or with no interval (-i 0, -f) the next request as
 * soon as one is answered and 100 a second at least; -A's adaptive interval
 * (over 2 ms for a user, as ping's); -l's preload. And its socket options.
 */
static void ping_schedule(struct ping_ctx *c, struct ringping_opts *eo)
{
	const struct rp_opts *o = c->o;

	eo->preload = o->ping_preload;
	eo->answer_paced = !o->ping_interval_ns;
	eo->adaptive = o->ping_adaptive;
	eo->adaptive_min_ns = o->ping_adaptive && getuid() ? 2000000 : 0;
	if (!o->ping_interval_ns)
		eo->period_ns = 10000000; /* ping's MIN_INTERVAL_MS */
	eo->on_send = ping_on_send;
	eo->send_ctx = c;
	eo->mark = o->mark;
	eo->dontroute = o->dontroute;
	eo->sndbuf = o->sndbuf;
	memcpy(eo->pattern, o->pattern, sizeof(eo->pattern));
	eo->pattern_len = o->pattern_len;
	/* -R, -T: IPv4's options; ping sends an IPv6 destination none. */
	memcpy(eo->ip_options, o->ip_options, sizeof(eo->ip_options));
	eo->ip_options_len = c->family == 4 ? o->ip_options_len : 0;
	eo->flowlabel = c->family == 6 ? c->flowlabel : 0;
	eo->user_times = o->ping_user_times;
}

/* main's engine options turned to ping's: its count, interval, timeout, deadline; one target, unpaced. */
static void ping_engine_opts(struct ping_ctx *c, struct ringping_opts *eo)
{
	const struct rp_opts *o = c->o;

	/* -c with -w counts answers, not requests: send until -c come, or the deadline (ping(8), -w). */
	eo->count = o->count_set && !o->ping_deadline_ns ? o->count : 1;
	eo->loop = !o->count_set || o->ping_deadline_ns;
	eo->period_ns = o->ping_interval_ns;
	ping_schedule(c, eo);
	eo->interval_ns = 0;
	eo->rate = 0;
	eo->timeout_ns = o->ping_timeout_ns ? o->ping_timeout_ns : 3600000000000ULL;
	eo->deadline_ns = o->ping_deadline_ns;
	eo->retries = 0;
	eo->sender_threads = 0;
	eo->host_stats = false;
	eo->keep_rtts = false;
	eo->interim_ns = 0;
	eo->on_interim = ping_on_interim;
	eo->interim_ctx = c;
	eo->on_duplicate = ping_on_duplicate;
	eo->duplicate_ctx = c;
	eo->keep_caps = 0;
	eo->trace = false;
}

/* ping's exit: 0 a reply came (and, with -w and -c, as many as -c), 1 not, 2 the run failed. */
static int ping_finish(struct ping_ctx *c, struct ringping *e, int err)
{
	struct ringping_summary s;

	if (ringping_summary(e, &s))
		return 2;
	c->st.transmitted = (long)s.sent + c->local_errors;
	ping_fmt_summary(stdout, c->host, &c->st, (long)(s.elapsed_s * 1000),
			 !c->o->ping_interval_ns || c->o->ping_flood || c->o->ping_adaptive, (long)(s.elapsed_s * 1e6));
	if (fflush(stdout) || ferror(stdout))
		return 2;
	if (err)
		return 2;
	if (!c->st.received || (c->o->ping_deadline_ns && c->o->count_set && c->st.received < (long)c->o->count))
		return 1;
	return 0;
}

int pingcmd_main(const struct rp_opts *o, struct ringping_opts *eo)
{
	struct ping_ctx c = { .o = o };
	struct ringping *e = NULL;
	char num[RINGPING_ADDRSTRLEN + IF_NAMESIZE + 1];
	int err, code;

	code = ping_resolve(&c, o->targets[0]);
	if (code)
		return code;
	ping_flowlabel(&c);
	ping_engine_opts(&c, eo);
	code = ping_groups(&c, eo);
	if (code)
		return code;
	ping_strict_source(&c, eo);
	if (o->ping_flood)
		setvbuf(stdout, NULL, _IONBF, 0); /* each dot and backspace as it happens, as ping's */
	err = ringping_open(&e, eo);
	if (err)
		return cli_warn("%s\n", ringping_errmsg(NULL)), 2;
	ringping_addr_str(&c.dst, num, sizeof(num));
	if (c.zone[0])
		snprintf(num + strlen(num), sizeof(num) - strlen(num), "%%%s", c.zone);
	err = ringping_add(e, num);
	if (err) {
		cli_warn("%s\n", ringping_errmsg(e));
		ringping_close(e);
		return 2;
	}
	ping_pattern(o);
	ping_header(&c, o->targets[0]);
	ping_engine = e;
	if (ping_signals(o->ping_deadline_ns))
		cli_warn("-w: %s\n", strerror(errno));
	err = ringping_run(e, ping_on_probe, &c);
	ping_engine = NULL;
	if (err)
		cli_warn("%s\n", ringping_errmsg(e));
	code = ping_finish(&c, e, err);
	ringping_close(e);
	return code;
}

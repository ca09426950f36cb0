// SPDX-License-Identifier: MIT
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/timex.h>
#include <linux/errqueue.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/if_packet.h>
#include <netinet/icmp6.h>
#include <linux/net_tstamp.h>
#include <linux/sock_diag.h>
#include "log.h"
#include "probe.h"
#include "tx.h"

#ifndef SCM_TS_OPT_ID
#define SCM_TS_OPT_ID 81 /* Linux 6.13 asm-generic/socket.h; Debian 12's headers predate it */
#endif

#define TX_EQ_BATCH 256
/* Sends of one message a datagram socket's pending ICMP errors may fail (tx_dgram_retry). */
#define TX_DGRAM_TRIES 16
#define TX_DGRAM_TRIES_MAX 256 /* when the route accepts the destination */
#define TX_DGRAM_PAUSE_US 50	/* before each try past TX_DGRAM_TRIES */
#define TX_SNDBUF (4 << 20)
/* The error queue holds stamps until we read them; each costs about 1 KiB of rcvbuf. */
#define TX_RCVBUF (64 << 20)
/* A looped stamp is charged the whole frame's buffer (2-3 KiB on 5.10's packet sockets). */
#define TX_RCVBUF_LOOPED (512 << 20)
/* Per message: its stamp key (SCM_TS_OPT_ID), then its own TTL (a trace's probes). */
#define TX_KEY_SPACE CMSG_SPACE(sizeof(__u32))
#define TX_TTL_SPACE CMSG_SPACE(sizeof(int))
#define TX_CMSG_SPACE (TX_KEY_SPACE + TX_TTL_SPACE)
#define TX_ECMSG_SPACE 512
/* Looped stamps: room for link and IP headers in front of the ICMP message. */
#define TX_LOOP_HDR 128
/* Looped stamps: at most this many bytes of frame buffers per error-queue read. */
#define TX_LOOP_BYTES (4u << 20)


__u64 tx_tai_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_TAI, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* TAI - UTC is a whole number of seconds the kernel keeps; adjtimex reports it. */
__s64 tx_tai_offset(void)
{
	struct timex tmx = { 0 };

	if (adjtimex(&tmx) < 0)
		return 0;
	return (__s64)tmx.tai * 1000000000LL;
}

static int tx_setsockopt(int fd, int level, int name, int val, const char *what)
{
	int err;

	if (setsockopt(fd, level, name, &val, sizeof(val)) == 0)
		return 0;
	err = -errno;
	pr_warn("setsockopt(%s): %s\n", what, strerror(-err));
	return err;
}

/* enum ringping_pmtu past DEFAULT is IP_PMTUDISC_* plus one (IPV6_PMTUDISC_* has the same numbers). */
_Static_assert(IP_PMTUDISC_DONT == RINGPING_PMTU_DONT - 1 && IP_PMTUDISC_PROBE == RINGPING_PMTU_PROBE - 1 &&
		       IPV6_PMTUDISC_DO == RINGPING_PMTU_DO - 1,
	       "enum ringping_pmtu follows IP_PMTUDISC_*");
static int tx_pmtudisc(const struct tx_cfg *cfg)
{
	return (int)cfg->pmtu - 1;
}

/* <linux/in6.h>'s, which clashes with <netinet/in.h>. */
#define TX_IPV6_FLOWLABEL_MGR 32
#define TX_IPV6_FLOWINFO_SEND 33
struct tx_flowlabel_req {
	struct in6_addr dst;
	__u32 label; /* network order */
	__u8 action, share;
	__u16 flags, expires, linger;
	__u32 pad;
};

/*
 * A flow label on the probes: leased from the kernel's flow label manager
 * (create if new, shared by this process's sockets: each sender thread has
 * one; for one destination, any other is still sent to), then sent with
 * each destination's sin6_flowinfo.
 */
static int tx_flowlabel(struct tx *tx, __u32 label, const struct ringping_addr *dst)
{
	struct tx_flowlabel_req r = { .label = htonl(label), .action = 0 /* GET */, .share = 2 /* PROCESS */,
				      .flags = 1 /* CREATE */ };
	int err;

	memcpy(&r.dst, dst->b, 16);
	if (setsockopt(tx->fd, IPPROTO_IPV6, TX_IPV6_FLOWLABEL_MGR, &r, sizeof(r))) {
		err = -errno;
		pr_warn("flow label 0x%05x: %s\n", label, strerror(-err));
		return err;
	}
	return tx_setsockopt(tx->fd, IPPROTO_IPV6, TX_IPV6_FLOWINFO_SEND, 1, "IPV6_FLOWINFO_SEND");
}

/* The IPv6 socket: hop limit, traffic class, path MTU discovery, and nothing ever queued to read. */
static int tx_ip6_sockopts(struct tx *tx, const struct tx_cfg *cfg)
{
	struct icmp6_filter none;
	int err = 0;

	ICMP6_FILTER_SETBLOCKALL(&none);
	if (!cfg->dgram && !cfg->proto &&
	    setsockopt(tx->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &none, sizeof(none)))
		pr_debug("ICMP6_FILTER: %s\n", strerror(errno));
	if (cfg->ttl)
		err = tx_setsockopt(tx->fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, cfg->ttl,
				    "IPV6_UNICAST_HOPS");
	if (cfg->tos >= 0)
		err = err ?: tx_setsockopt(tx->fd, IPPROTO_IPV6, IPV6_TCLASS, cfg->tos, "IPV6_TCLASS");
	if (cfg->pmtu)
		err = err ?: tx_setsockopt(tx->fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, tx_pmtudisc(cfg),
					   "IPV6_MTU_DISCOVER");
	if (cfg->flowlabel)
		err = err ?: tx_flowlabel(tx, cfg->flowlabel, &cfg->flow_dst);
	return err;
}

/*
 * A raw UDP or TCP socket is handed a copy of every datagram or segment of its
 * protocol the host receives; we never read them, so a filter refuses all.
 */
static int tx_refuse_all(int fd)
{
	struct sock_filter drop = BPF_STMT(BPF_RET | BPF_K, 0);
	struct sock_fprog prog = { .len = 1, .filter = &drop };

	int err;

	if (!setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return 0;
	err = -errno; /* before the message, which may set errno */
	pr_warn("SO_ATTACH_FILTER (send socket): %s\n", strerror(-err));
	return err;
}

/* The raw path's IP-level options; the packet path has TTL and TOS in its frame template. */
static int tx_ip_sockopts(struct tx *tx, const struct tx_cfg *cfg)
{
	struct icmp_filter none = { .data = ~0U }; /* we never read from this socket */
	int err = cfg->proto ? tx_refuse_all(tx->fd) : 0;

	if (err || cfg->family == AF_INET6)
		return err ?: tx_ip6_sockopts(tx, cfg);
	if (!cfg->dgram && !cfg->proto && setsockopt(tx->fd, SOL_RAW, ICMP_FILTER, &none, sizeof(none)))
		pr_debug("ICMP_FILTER: %s\n", strerror(errno));
	if (cfg->ttl)
		err = tx_setsockopt(tx->fd, IPPROTO_IP, IP_TTL, cfg->ttl, "IP_TTL");
	if (cfg->tos >= 0)
		err = err ?: tx_setsockopt(tx->fd, IPPROTO_IP, IP_TOS, cfg->tos, "IP_TOS");
	if (cfg->pmtu)
		err = err ?: tx_setsockopt(tx->fd, IPPROTO_IP, IP_MTU_DISCOVER, tx_pmtudisc(cfg), "IP_MTU_DISCOVER");
	if (cfg->broadcast)
		err = err ?: tx_setsockopt(tx->fd, SOL_SOCKET, SO_BROADCAST, 1, "SO_BROADCAST");
	if (!err && cfg->ip_options_len &&
	    setsockopt(tx->fd, IPPROTO_IP, IP_OPTIONS, cfg->ip_options, cfg->ip_options_len)) {
		err = -errno;
		pr_warn("setsockopt(IP_OPTIONS): %s\n", strerror(-err));
	}
	return err;
}

/*
 * Keyed stamps come alone (TSONLY); looped ones bring a copy of their frame.
 * A datagram socket also stamps what it receives, whichever its TX stamps are.
 */
static int tx_ts_flags(bool looped, bool dgram)
{
	return SOF_TIMESTAMPING_TX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_ID |
	       (looped ? 0 : SOF_TIMESTAMPING_OPT_TSONLY) | (dgram ? SOF_TIMESTAMPING_RX_SOFTWARE : 0);
}

/* Buffer sizes beyond the sysctl limits need CAP_NET_ADMIN; without it, as large as allowed. */
static int tx_bufsize(int fd, int force, int plain, int bytes, const char *what)
{
	if (setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof(bytes)) == 0)
		return 0;
	if (errno != EPERM)
		return tx_setsockopt(fd, SOL_SOCKET, force, bytes, what);
	pr_debug("%s: %s; the sysctl's limit instead\n", what, strerror(errno));
	return tx_setsockopt(fd, SOL_SOCKET, plain, bytes, plain == SO_SNDBUF ? "SO_SNDBUF" : "SO_RCVBUF");
}

/*
 * A datagram socket receives too: ICMP errors on its error queue (beside the
 * TX stamps), and each reply's kernel RX stamp and TTL.
 */
static int tx_dgram_sockopts(struct tx *tx, const struct tx_cfg *cfg)
{
	bool v6 = cfg->family == AF_INET6;
	int err;

	err = tx_setsockopt(tx->fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVERR : IP_RECVERR, 1,
			    v6 ? "IPV6_RECVERR" : "IP_RECVERR");
	return err ?: tx_setsockopt(tx->fd, v6 ? SOL_IPV6 : SOL_IP, v6 ? IPV6_RECVHOPLIMIT : IP_RECVTTL,
				    1, v6 ? "IPV6_RECVHOPLIMIT" : "IP_RECVTTL");
}

static int tx_sockopts(struct tx *tx, const struct tx_cfg *cfg)
{
	int ts = tx_ts_flags(false, cfg->dgram);
	int err = cfg->link ? 0 : tx_ip_sockopts(tx, cfg);

	/* RINGPING_TX_NO_STAMPS: act as an IPv6 ping socket of Linux 5.10, which stamps no send. */
	if (cfg->dgram && getenv("RINGPING_TX_NO_STAMPS"))
		ts &= ~SOF_TIMESTAMPING_TX_SOFTWARE;
	err = err ?: cfg->sndbuf ? tx_setsockopt(tx->fd, SOL_SOCKET, SO_SNDBUF, (int)cfg->sndbuf, "SO_SNDBUF")
			    : tx_bufsize(tx->fd, SO_SNDBUFFORCE, SO_SNDBUF, TX_SNDBUF, "SO_SNDBUFFORCE");
	if (cfg->mark)
		err = err ?: tx_setsockopt(tx->fd, SOL_SOCKET, SO_MARK, (int)cfg->mark, "SO_MARK");
	if (cfg->dontroute && !cfg->link)
		err = err ?: tx_setsockopt(tx->fd, SOL_SOCKET, SO_DONTROUTE, 1, "SO_DONTROUTE");
	err = err ?: tx_bufsize(tx->fd, SO_RCVBUFFORCE, SO_RCVBUF, TX_RCVBUF, "SO_RCVBUFFORCE");
	/* RINGPING_DGRAM_RCVBUF=N: the receive buffer a user gets under a lower rmem_max. */
	if (!err && cfg->dgram && getenv("RINGPING_DGRAM_RCVBUF"))
		err = tx_setsockopt(tx->fd, SOL_SOCKET, SO_RCVBUF,
				    atoi(getenv("RINGPING_DGRAM_RCVBUF")), "SO_RCVBUF");
	err = err ?: tx_setsockopt(tx->fd, SOL_SOCKET, SO_TIMESTAMPING, ts, "SO_TIMESTAMPING");
	return err ?: cfg->dgram ? tx_dgram_sockopts(tx, cfg) : 0;
}

static int tx_bind(struct tx *tx, const struct tx_cfg *cfg)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int err;

	if (cfg->link) {
		struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = cfg->link->ifindex };

		/* Past the qdisc: the veth/NIC queue is the only one, and a full one says ENOBUFS. */
		err = tx_setsockopt(tx->fd, SOL_PACKET, PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
		if (!err && bind(tx->fd, (struct sockaddr *)&sll, sizeof(sll))) {
			err = -errno;
			pr_warn("packet socket on %s: %s\n", cfg->link->ifname, strerror(-err));
		}
		return err;
	}
	if (cfg->ifname &&
	    setsockopt(tx->fd, SOL_SOCKET, SO_BINDTODEVICE, cfg->ifname, strlen(cfg->ifname) + 1)) {
		err = -errno;
		pr_warn("interface '%s': %s\n", cfg->ifname, strerror(-err));
		return err;
	}
	if (!cfg->src)
		return 0;
	sin.sin_addr.s_addr = htonl(addr_v4(cfg->src));
	if (cfg->family == AF_INET6) {
		struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };

		memcpy(&s6.sin6_addr, cfg->src->b, 16);
		err = bind(tx->fd, (struct sockaddr *)&s6, sizeof(s6));
	} else {
		err = bind(tx->fd, (struct sockaddr *)&sin, sizeof(sin));
	}
	if (err) {
		char buf[ADDR_STRLEN];

		err = -errno;
		pr_warn("source address %s: %s\n", addr_str(cfg->src, buf, sizeof(buf)), strerror(-err));
		return err;
	}
	return 0;
}

/* Ethernet + IPv6 header template: version, traffic class, payload length, ICMPv6, hop limit, source. */
static void tx_frame_template6(struct tx_batch *b, __u8 *f, const struct tx_cfg *cfg)
{
	const struct route_link *l = cfg->link;
	__u8 *ip = f + 14, tc = cfg->tos >= 0 ? (__u8)cfg->tos : 0;

	memcpy(f, l->dmac, 6);
	memcpy(f + 6, l->smac, 6);
	f[12] = 0x86, f[13] = 0xdd;
	ip[0] = 0x60 | tc >> 4;
	ip[1] = (__u8)(tc << 4 | (cfg->flowlabel >> 16 & 0xf));
	ip[2] = (__u8)(cfg->flowlabel >> 8), ip[3] = (__u8)cfg->flowlabel;
	ip[4] = (__u8)(b->pkt_len >> 8), ip[5] = (__u8)b->pkt_len;
	ip[6] = IPPROTO_ICMPV6;
	ip[7] = cfg->ttl ? (__u8)cfg->ttl : 64;
	memcpy(ip + 8, l->src, 16);
	/* Every probe's pseudo-header: this source, the length, next header 58; tx_seal adds dst. */
	b->ip_sum = probe_csum_add(b->pkt_len + IPPROTO_ICMPV6, l->src, 16);
}

/* Ethernet + IPv4 header template for the packet path; its sum without daddr, id and check. */
static void tx_frame_template(struct tx_batch *b, __u8 *f, const struct tx_cfg *cfg)
{
	const struct route_link *l = cfg->link;

	if (l->family == AF_INET6)
		return tx_frame_template6(b, f, cfg);
	__u8 *ip = f + 14;
	__u16 tot = (__u16)(20 + b->pkt_len);

	memcpy(f, l->dmac, 6);
	memcpy(f + 6, l->smac, 6);
	f[12] = 0x08, f[13] = 0x00;
	ip[0] = 0x45;
	ip[1] = cfg->tos >= 0 ? (__u8)cfg->tos : 0;
	ip[2] = tot >> 8, ip[3] = (__u8)tot;
	/* DF, as the raw path sends by default (path MTU discovery), unless told never to set it. */
	ip[6] = cfg->pmtu == RINGPING_PMTU_DONT ? 0 : 0x40;
	ip[8] = cfg->ttl ? (__u8)cfg->ttl : 64;
	ip[9] = IPPROTO_ICMP;
	memcpy(ip + 12, l->src, 4);
	b->ip_sum = probe_csum_add(0, ip, 20);
}

/* Each message's control data: its stamp key if the batch carries keys, then its TTL if set. */
static void tx_batch_control(struct tx_batch *b)
{
	size_t len = (b->kstamp ? TX_KEY_SPACE : 0) + (b->ttl_on ? TX_TTL_SPACE : 0);
	__u32 i;

	for (i = 0; i < b->cap; i++) {
		struct msghdr *m = &b->msgs[i].msg_hdr;

		m->msg_control = len ? b->cmsg + (size_t)i * TX_CMSG_SPACE + (b->kstamp ? 0 : TX_KEY_SPACE)
				     : NULL;
		m->msg_controllen = len;
	}
}

void tx_set_ttl(struct tx_batch *b, __u32 i, const struct ringping_addr *dst, int ttl)
{
	struct cmsghdr *c = (struct cmsghdr *)(b->cmsg + (size_t)i * TX_CMSG_SPACE + TX_KEY_SPACE);
	bool v4 = addr_is_v4(dst);

	c->cmsg_level = v4 ? SOL_IP : SOL_IPV6;
	c->cmsg_type = v4 ? IP_TTL : IPV6_HOPLIMIT;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &ttl, sizeof(ttl));
	if (!b->ttl_on) {
		b->ttl_on = true;
		tx_batch_control(b);
	}
}

int tx_batch_init(struct tx_batch *b, __u32 cap, __u32 pkt_len, const struct tx_cfg *cfg)
{
	__u32 i, slot;

	memset(b, 0, sizeof(*b));
	b->cap = cap;
	b->scope_id = cfg->scope_id;
	b->flowinfo = htonl(cfg->flowlabel);
	b->hdr_len = !cfg->link ? 0 : cfg->link->family == AF_INET6 ? TX_FRAME_HDR6 : TX_FRAME_HDR;
	b->pkt_len = pkt_len;
	slot = b->hdr_len + pkt_len;
	b->kstamp = true;
	b->msgs = calloc(cap, sizeof(*b->msgs));
	b->iov = calloc(cap, sizeof(*b->iov));
	b->dst = calloc(cap, sizeof(*b->dst));
	b->pkts = calloc(cap, slot);
	b->cmsg = calloc(cap, TX_CMSG_SPACE);
	b->status = calloc(cap, sizeof(*b->status));
	if (!b->msgs || !b->iov || !b->dst || !b->pkts || !b->cmsg || !b->status) {
		tx_batch_free(b);
		return -ENOMEM;
	}
	for (i = 0; i < cap; i++) {
		struct msghdr *m = &b->msgs[i].msg_hdr;
		struct cmsghdr *c = (struct cmsghdr *)(b->cmsg + i * TX_CMSG_SPACE);

		b->iov[i].iov_base = b->pkts + (size_t)i * slot;
		b->iov[i].iov_len = slot;
		if (cfg->link) /* the socket is bound to the link: no address */
			tx_frame_template(b, b->iov[i].iov_base, cfg);
		else
			m->msg_name = &b->dst[i]; /* the length follows the family, in tx_prepare */
		m->msg_iov = &b->iov[i];
		m->msg_iovlen = 1;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_TS_OPT_ID;
		c->cmsg_len = CMSG_LEN(sizeof(__u32));
	}
	tx_batch_control(b);
	return 0;
}

void tx_batch_free(struct tx_batch *b)
{
	if (!b)
		return;
	free(b->msgs);
	free(b->iov);
	free(b->dst);
	free(b->pkts);
	free(b->cmsg);
	free(b->status);
	memset(b, 0, sizeof(*b));
}

/* Switch to looped stamps (each brings its frame); false if the kernel refuses. */
static bool tx_go_looped(struct tx *tx)
{
	if (!tx->pkt_len ||
	    setsockopt(tx->fd, SOL_SOCKET, SO_TIMESTAMPING, &(int){ tx_ts_flags(true, tx->dgram) },
		       sizeof(int)))
		return false;
	/* Room for a sweep's worth of queued copies; a full queue would drop stamps. */
	if (setsockopt(tx->fd, SOL_SOCKET, SO_RCVBUFFORCE, &(int){ TX_RCVBUF_LOOPED }, sizeof(int)))
		pr_debug("SO_RCVBUFFORCE (looped stamps): %s\n", strerror(errno));
	__atomic_store_n(&tx->looped, true, __ATOMIC_RELEASE); /* before any looped stamp exists */
	return true;
}

/*
 * Datagram sockets are refused (EACCES) to a group outside the sysctl:
 * name it, its value and the one to set, in one line.
 */
static void tx_dgram_denied(const struct tx_cfg *cfg)
{
	char range[64] = "?";
	FILE *f = fopen("/proc/sys/net/ipv4/ping_group_range", "re");
	size_t n = f ? fread(range, 1, sizeof(range) - 1, f) : 0;
	unsigned g = (unsigned)getegid();

	if (f)
		fclose(f);
	if (n) {
		range[n] = 0;
		range[strcspn(range, "\n")] = 0;
		for (char *p = range; *p; p++)
			*p = *p == '\t' ? ' ' : *p;
	}
	pr_warn("%s%s%sICMP%s datagram sockets are refused: group %u is outside "
		"net.ipv4.ping_group_range (\"%s\"); allow it with: sysctl -w "
		"net.ipv4.ping_group_range=\"%u %u\"\n",
		cfg->no_bpf ? "no " : "", cfg->no_bpf ? cfg->no_bpf : "", cfg->no_bpf ? " for BPF, and " : "",
		cfg->family == AF_INET6 ? "v6" : "", g, range, g, g);
}

/* The socket of cfg's kind; -errno with the reason printed. */
static int tx_socket(const struct tx_cfg *cfg)
{
	bool v6 = cfg->family == AF_INET6;
	int fd, err;

	/* Packet path: protocol 0, so the socket is never handed a received frame. */
	if (cfg->link)
		fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	else
		fd = socket(v6 ? AF_INET6 : AF_INET, (cfg->dgram ? SOCK_DGRAM : SOCK_RAW) | SOCK_CLOEXEC,
			    cfg->proto ? cfg->proto : v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd >= 0)
		return fd;
	err = -errno;
	if (cfg->dgram && err == -EACCES)
		tx_dgram_denied(cfg);
	else
		pr_warn("%s socket: %s%s\n",
			cfg->link ? "packet" : cfg->dgram ? (v6 ? "ICMPv6 datagram" : "ICMP datagram")
			: cfg->proto ? (cfg->proto == IPPROTO_TCP ? "raw TCP" : "raw UDP")
			: (v6 ? "raw ICMPv6" : "raw ICMP"),
			strerror(-err), err == -EPERM && !cfg->dgram ? " (needs CAP_NET_RAW)" : "");
	return err;
}

int tx_open(struct tx *tx, const struct tx_cfg *cfg)
{
	int err;

	memset(tx, 0, sizeof(*tx));
	tx->kstamp = true;
	tx->pkt_len = cfg->pkt_len;
	tx->tai_off_ns = tx_tai_offset();
	tx->dgram = cfg->dgram;
	tx->family = cfg->family;
	tx->proto = cfg->proto;
	tx->fd = tx_socket(cfg);
	if (tx->fd < 0)
		return tx->fd;
	tx->open = true;
	err = tx_sockopts(tx, cfg);
	err = err ?: tx_bind(tx, cfg);
	/* Tests set RINGPING_TX_LOOPED to use looped stamps on kernels that would not need them. */
	if (!err && getenv("RINGPING_TX_LOOPED"))
		tx_go_looped(tx);
	/* RINGPING_TX_NO_OPT_ID: act as a kernel that refuses SCM_TS_OPT_ID (before 6.13). */
	tx->no_opt_id = !err && getenv("RINGPING_TX_NO_OPT_ID");
	if (!err && tx_eq_init(&tx->eq)) {
		pr_warn("tx: out of memory\n");
		err = -ENOMEM;
	}
	if (err)
		tx_close(tx);
	return err;
}

void tx_close(struct tx *tx)
{
	if (!tx)
		return;
	if (tx->open && tx->st_read)
		pr_debug("tx socket %d: %llu stamps read, %llu without a key; error queue peak "
			 "%llu of %llu bytes\n", tx->fd, (unsigned long long)tx->st_read,
			 (unsigned long long)tx->st_nokey, (unsigned long long)tx->st_rmem_peak,
			 (unsigned long long)tx->st_rcvbuf);
	if (tx->open)
		close(tx->fd);
	tx_eq_free(&tx->eq);
	memset(tx, 0, sizeof(*tx));
	tx->fd = -1;
}

__u8 *tx_prepare(struct tx_batch *b, __u32 i, const struct ringping_addr *dst, __u32 key)
{
	struct cmsghdr *c = (struct cmsghdr *)(b->cmsg + i * TX_CMSG_SPACE);
	__u8 *p = b->pkts + (size_t)i * (b->hdr_len + b->pkt_len);
	__u32 d = addr_v4(dst), sum;

	memcpy(CMSG_DATA(c), &key, sizeof(key));
	if (!b->hdr_len && !addr_is_v4(dst)) {
		struct sockaddr_in6 *s6 = &b->dst[i].v6;

		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, dst->b, 16);
		/* fe80::/10 and ff02::/16 need their zone; other scopes ignore it. */
		s6->sin6_scope_id = addr_is_scoped(dst) ? b->scope_id : 0;
		s6->sin6_flowinfo = b->flowinfo;
		b->msgs[i].msg_hdr.msg_namelen = sizeof(*s6);
		return p;
	}
	if (!b->hdr_len) {
		b->dst[i].v4.sin_family = AF_INET;
		b->dst[i].v4.sin_addr.s_addr = htonl(d);
		b->msgs[i].msg_hdr.msg_namelen = sizeof(b->dst[i].v4);
		return p;
	}
	if (b->hdr_len == TX_FRAME_HDR6) {
		memcpy(p + 14 + 24, dst->b, 16);
		return p + b->hdr_len;
	}
	/* IPv4 header: destination, ID (the stamp key's low bits), checksum from the template's sum. */
	sum = b->ip_sum + (d >> 16) + (d & 0xffff) + (key & 0xffff);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	p[14 + 4] = (__u8)(key >> 8), p[14 + 5] = (__u8)key;
	p[14 + 10] = (__u8)(~sum >> 8), p[14 + 11] = (__u8)~sum;
	p[14 + 16] = (__u8)(d >> 24), p[14 + 17] = (__u8)(d >> 16);
	p[14 + 18] = (__u8)(d >> 8), p[14 + 19] = (__u8)d;
	return p + b->hdr_len;
}

void tx_seal(struct tx_batch *b, __u32 i)
{
	__u8 *ip = b->pkts + (size_t)i * (b->hdr_len + b->pkt_len) + 14, *icmp = ip + 40;
	__u32 sum;

	if (b->hdr_len != TX_FRAME_HDR6)
		return;
	/* probe_build summed the message: add the pseudo-header to its sum (RFC 1624). */
	sum = (__u16)~(icmp[2] << 8 | icmp[3]);
	sum = probe_csum_add(sum + b->ip_sum, ip + 24, 16);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	icmp[2] = (__u8)(~sum >> 8), icmp[3] = (__u8)~sum;
}

/* Without kernel stamp keys a batch goes out with no key (its TTLs stay). */
static void tx_batch_strip(struct tx_batch *b)
{
	b->kstamp = false;
	tx_batch_control(b);
}

/*
 * Batches go from socket to socket. One that a looped socket stripped must
 * carry its keys again on a keyed one: sent bare there, its stamps would
 * come back with the socket's own counter in ee_data, which names some
 * other probe (a wrong send time, or none), and the socket would never
 * learn that its kernel refuses the keys.
 */
static void tx_batch_key(struct tx_batch *b)
{
	b->kstamp = true;
	tx_batch_control(b);
}

bool tx_use_looped(struct tx *tx)
{
	return tx_go_looped(tx);
}

/*
 * The kernel refused SCM_TS_OPT_ID before sending anything: key stamps by
 * their looped frames instead, or, if even that is refused, stamp in userspace.
 */
static void tx_no_opt_id(struct tx *tx, struct tx_batch *b)
{
	tx_batch_strip(b);
	if (tx_go_looped(tx)) {
		if (!tx->said_looped || !__atomic_exchange_n(tx->said_looped, true, __ATOMIC_RELAXED))
			pr_info("kernel has no SCM_TS_OPT_ID (Linux < 6.13): TX stamps are keyed by "
				"the copy of each probe they come back with\n");
		return;
	}
	pr_warn("kernel has no SCM_TS_OPT_ID (Linux < 6.13): TX times come from userspace\n");
	__atomic_store_n(&tx->kstamp, false, __ATOMIC_RELAXED);
}

static __u64 tx_mono_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void tx_note_sent(struct tx *tx)
{
	if (!__atomic_load_n(&tx->first_sent_ns, __ATOMIC_RELAXED))
		__atomic_store_n(&tx->first_sent_ns, tx_mono_now(), __ATOMIC_RELAXED);
}

int tx_meminfo(const struct tx *tx, __u32 *mi)
{
	socklen_t len = SK_MEMINFO_VARS * sizeof(*mi);

	return getsockopt(tx->fd, SOL_SOCKET, SO_MEMINFO, mi, &len) ||
	       len < SK_MEMINFO_VARS * sizeof(*mi) ? -1 : 0;
}

/* The socket's queues were never near full: it dropped nothing, and holds under half. */
static bool tx_unpressed(const struct tx *tx)
{
	__u32 mi[SK_MEMINFO_VARS];

	if (tx_meminfo(tx, mi))
		return false;
	return mi[SK_MEMINFO_DROPS] == 0 && mi[SK_MEMINFO_RMEM_ALLOC] < mi[SK_MEMINFO_RCVBUF] / 2;
}

bool tx_check_stamps(struct tx *tx, __u64 now_mono, __u64 wait_ns)
{
	__u64 first = __atomic_load_n(&tx->first_sent_ns, __ATOMIC_RELAXED);

	if (!tx->dgram || !first || now_mono - first < wait_ns ||
	    tx->answers < TX_NOSTAMP_ANSWERS ||
	    __atomic_load_n(&tx->st_read, __ATOMIC_RELAXED) ||
	    !__atomic_load_n(&tx->kstamp, __ATOMIC_RELAXED) || !tx_unpressed(tx))
		return false;
	__atomic_store_n(&tx->kstamp, false, __ATOMIC_RELAXED);
	return true;
}

/* Read (and so clear) a datagram socket's pending error; nonzero if there was one. */
static int tx_clear_pending(const struct tx *tx)
{
	int pending = 0;
	socklen_t len = sizeof(pending);

	if (getsockopt(tx->fd, SOL_SOCKET, SO_ERROR, &pending, &len))
		pr_debug("SO_ERROR: %s\n", strerror(errno));
	return pending;
}

struct tx_retry {
	unsigned tries;	    /* of the message being sent */
	bool route_checked; /* tx_route_refuses() asked about it */
};

/*
 * Whether the route itself refuses a message's destination: a connect() of a
 * spare UDP socket, bound to the same device and address, looks the route up
 * as the send does, sends nothing, and has no pending error to fail with.
 */
static bool tx_route_refuses(const struct tx *tx, const struct msghdr *m)
{
	struct sockaddr_in6 self, dst = { 0 };
	socklen_t len = sizeof(self);
	int fd, ifindex = 0, refused;
	socklen_t ilen = sizeof(ifindex);

	if (!m->msg_name || m->msg_namelen > sizeof(dst))
		return true;
	fd = socket(tx->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return true; /* cannot tell: the failure stands */
	if (!getsockopt(tx->fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, &ilen) && ifindex)
		setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, sizeof(ifindex));
	if (!getsockname(tx->fd, (struct sockaddr *)&self, &len)) {
		self.sin6_port = 0; /* the same offset in a sockaddr_in */
		if (bind(fd, (struct sockaddr *)&self, len))
			pr_debug("route check: bind: %s\n", strerror(errno));
	}
	memcpy(&dst, m->msg_name, m->msg_namelen);
	dst.sin6_port = htons(9);
	refused = connect(fd, (struct sockaddr *)&dst, m->msg_namelen);
	close(fd);
	return refused != 0;
}

/*
 * A datagram socket reports each ICMP error it gets once more, as a pending
 * socket error, and the next send fails with it (the kernel checks for one
 * before building the datagram): that probe was never sent, and its
 * failure says nothing about it. Errors an ICMP message maps to are tried
 * again; a real one fails the same way each time and is kept.
 */
static bool tx_dgram_retry(const struct tx *tx, int err, const struct msghdr *m, struct tx_retry *rt)
{
	if (!tx->dgram || ++rt->tries > TX_DGRAM_TRIES_MAX)
		return false;
	switch (err) {
	case EHOSTUNREACH: case ENETUNREACH: case ECONNREFUSED: case EHOSTDOWN:
	case EMSGSIZE: case EPROTO: case EACCES: case ENOPROTOOPT: case EOPNOTSUPP:
		break;
	default:
		return false;
	}
	/*
	 * Under a storm of errors (a sweep of unreachable space: one per probe)
	 * another is pending again by the time of the retry: cleared just
	 * before each. While the kernel turns errors into pending ones faster
	 * than we retry, tries fail in a row (an emulated 6.1 had 16 fail), and
	 * the failed send consumed the error that failed it, so nothing shows
	 * the storm afterwards. Past a few tries the route decides: if it
	 * refuses the destination the failure is the message's own; if not,
	 * the storm goes on and each further try waits a little for it to pass.
	 */
	if (rt->tries > TX_DGRAM_TRIES) {
		if (!rt->route_checked) {
			rt->route_checked = true;
			if (tx_route_refuses(tx, m))
				return false;
		}
		usleep(TX_DGRAM_PAUSE_US);
	}
	tx_clear_pending(tx);
	return true;
}

__u32 tx_send(struct tx *tx, struct tx_batch *b, __u32 n)
{
	__u32 i = 0, ok = 0;
	struct tx_retry rt = { 0 };
	int r, e;

	if ((!tx->kstamp || tx->looped) && b->kstamp)
		tx_batch_strip(b);
	else if (tx->kstamp && !tx->looped && !b->kstamp)
		tx_batch_key(b);
	while (i < n) {
		if (tx->no_opt_id && b->kstamp) { /* the test hook: EINVAL, as 5.10 answers */
			r = -1;
			errno = EINVAL;
		} else {
			/* Once errors come, each one's pending copy would fail the next send. */
			if (tx->dgram && __atomic_load_n(&tx->icmp_seen, __ATOMIC_RELAXED))
				tx_clear_pending(tx);
			r = sendmmsg(tx->fd, b->msgs + i, n - i, 0);
		}
		if (r > 0) {
			memset(&b->status[i], 0, r * sizeof(*b->status));
			i += r;
			ok += r;
			rt = (struct tx_retry){ 0 };
			tx_note_sent(tx);
			continue;
		}
		e = errno; /* the retry's checks make calls of their own */
		if (e == EINTR || tx_dgram_retry(tx, e, &b->msgs[i].msg_hdr, &rt))
			continue;
		if (e == EINVAL && tx->kstamp && !tx->looped && ok == 0) {
			tx_no_opt_id(tx, b);
			continue;
		}
		/* sendmmsg reports only the first failure: that message failed, go on. */
		b->status[i++] = -e;
		rt = (struct tx_retry){ 0 };
	}
	return ok;
}

/*
 * A looped frame ends with the ICMP message we sent (a frame being sent has no
 * trailer), whatever link header is in front: the key is the probe's sequence
 * number at the start of its data (a UDP probe's too; a TCP probe's is its
 * TSval). A cut or foreign copy gives no key.
 */
static bool tx_looped_key(const struct tx *tx, const struct mmsghdr *mm, __u32 *key)
{
	const __u8 *icmp;
	__u64 seq;

	if ((mm->msg_hdr.msg_flags & MSG_TRUNC) || mm->msg_len < tx->pkt_len ||
	    tx->pkt_len < 8 + sizeof(seq))
		return false;
	icmp = (const __u8 *)mm->msg_hdr.msg_iov->iov_base + mm->msg_len - tx->pkt_len;
	if (tx->proto == IPPROTO_TCP) {
		const __u8 *ts = icmp + RP_TCP_TSVAL_OFF;

		*key = ((__u32)ts[0] << 24) | ((__u32)ts[1] << 16) | ((__u32)ts[2] << 8) | ts[3];
		return true;
	}
	if (!tx->proto && icmp[0] == ICMP_TIMESTAMP) {
		/* Its originate: RP_TS_ORIG of the sequence number (inflight_tx_stamp masks to match). */
		*key = (((__u32)icmp[8] << 24) | ((__u32)icmp[9] << 16) | ((__u32)icmp[10] << 8) | icmp[11]) &
		       RP_TS_SEQ_MASK;
		return true;
	}
	if (!tx->proto && icmp[0] != ICMP_ECHO && icmp[0] != ICMP6_ECHO_REQUEST)
		return false;
	memcpy(&seq, icmp + 8, sizeof(seq)); /* host order, as probe_build wrote it */
	*key = (__u32)seq;
	return true;
}

/* A datagram socket's ICMP error goes to its handler; true if m was one. */
static bool tx_icmp_error(struct tx *tx, struct mmsghdr *mm, const struct sock_extended_err *serr)
{
	if (serr->ee_origin != SO_EE_ORIGIN_ICMP && serr->ee_origin != SO_EE_ORIGIN_ICMP6)
		return false;
	__atomic_add_fetch(&tx->icmp_seen, 1, __ATOMIC_RELAXED);
	if (tx->on_icmp && !(mm->msg_hdr.msg_flags & MSG_TRUNC))
		tx->on_icmp(tx->icmp_ctx, tx, &mm->msg_hdr, serr, mm->msg_len);
	return true;
}

static const struct sock_extended_err *tx_serr(struct msghdr *m)
{
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if ((c->cmsg_level == SOL_IP && c->cmsg_type == IP_RECVERR) ||
		    (c->cmsg_level == SOL_IPV6 && c->cmsg_type == IPV6_RECVERR) ||
		    (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_TX_TIMESTAMP))
			return (const struct sock_extended_err *)CMSG_DATA(c);
	return NULL;
}

static bool tx_parse_stamp(struct tx *tx, struct msghdr *m, __u32 *key, __u64 *tai)
{
	const struct sock_extended_err *serr = tx_serr(m);
	struct scm_timestamping *ts = NULL;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPING)
			ts = (struct scm_timestamping *)CMSG_DATA(c);
	if (!ts || !serr || serr->ee_origin != SO_EE_ORIGIN_TIMESTAMPING)
		return false;
	*key = serr->ee_data; /* the key for keyed stamps; looped ones take theirs from the frame */
	*tai = (__u64)ts->ts[0].tv_sec * 1000000000ULL + ts->ts[0].tv_nsec + tx->tai_off_ns;
	return true;
}

int tx_eq_init(struct tx_eq *eq)
{
	int i;

	eq->msgs = calloc(TX_EQ_BATCH, sizeof(*eq->msgs));
	eq->cmsg = calloc(TX_EQ_BATCH, TX_ECMSG_SPACE);
	eq->names = calloc(TX_EQ_BATCH, sizeof(*eq->names));
	if (!eq->msgs || !eq->cmsg || !eq->names) {
		tx_eq_free(eq);
		return -ENOMEM;
	}
	for (i = 0; i < TX_EQ_BATCH; i++) {
		eq->msgs[i].msg_hdr.msg_control = eq->cmsg + (size_t)i * TX_ECMSG_SPACE;
		eq->msgs[i].msg_hdr.msg_controllen = TX_ECMSG_SPACE;
		eq->msgs[i].msg_hdr.msg_name = &eq->names[i];
		eq->msgs[i].msg_hdr.msg_namelen = sizeof(eq->names[i]);
	}
	return 0;
}

void tx_eq_free(struct tx_eq *eq)
{
	if (!eq)
		return;
	free(eq->msgs);
	free(eq->cmsg);
	free(eq->names);
	free(eq->iov);
	free(eq->data);
	memset(eq, 0, sizeof(*eq));
}

/* Frame buffers of cap bytes in eq's messages; how many messages one read takes, or -errno. */
static int tx_eq_frames(struct tx_eq *eq, __u32 cap)
{
	__u32 n = TX_LOOP_BYTES / cap, i;

	n = n > TX_EQ_BATCH ? TX_EQ_BATCH : n < 1 ? 1 : n;
	if (eq->frame_cap == cap)
		return (int)n;
	free(eq->data);
	free(eq->iov);
	eq->frame_cap = 0;
	eq->iov = calloc(n, sizeof(*eq->iov));
	eq->data = calloc(n, cap);
	if (!eq->iov || !eq->data)
		return -ENOMEM;
	for (i = 0; i < n; i++) { /* recvmmsg never moves them */
		eq->iov[i].iov_base = eq->data + (size_t)i * cap;
		eq->iov[i].iov_len = cap;
		eq->msgs[i].msg_hdr.msg_iov = &eq->iov[i];
		eq->msgs[i].msg_hdr.msg_iovlen = 1;
	}
	eq->frame_cap = cap;
	return (int)n;
}

/* How full the error queue got, for the -vv line at close (before each read). */
static void tx_eq_meminfo(struct tx *tx)
{
	__u32 mi[SK_MEMINFO_VARS];
	__u64 peak;

	if (tx_meminfo(tx, mi))
		return;
	peak = __atomic_load_n(&tx->st_rmem_peak, __ATOMIC_RELAXED);
	if (mi[SK_MEMINFO_RMEM_ALLOC] > peak)
		__atomic_store_n(&tx->st_rmem_peak, mi[SK_MEMINFO_RMEM_ALLOC], __ATOMIC_RELAXED);
	__atomic_store_n(&tx->st_rcvbuf, mi[SK_MEMINFO_RCVBUF], __ATOMIC_RELAXED);
}

/*
 * One stamp. A looped stamp brings its frame, a keyed one nothing: the stamp
 * itself says which it is, so a thread that reads a socket just as its sender
 * switches it to looped stamps still keys each one right. A dataless stamp
 * from a looped socket has only the counter in ee_data, which is no key.
 */
static void tx_eq_stamp(struct tx *tx, struct mmsghdr *mm, tx_stamp_fn fn, void *ctx)
{
	bool data = mm->msg_len > 0 || (mm->msg_hdr.msg_flags & MSG_TRUNC), ok;
	const struct sock_extended_err *serr = tx->dgram ? tx_serr(&mm->msg_hdr) : NULL;
	__u32 key;
	__u64 tai;

	if (serr && tx_icmp_error(tx, mm, serr))
		goto out;
	ok = tx_parse_stamp(tx, &mm->msg_hdr, &key, &tai);
	if (ok && data)
		ok = tx_looped_key(tx, mm, &key);
	else if (ok)
		ok = !__atomic_load_n(&tx->looped, __ATOMIC_ACQUIRE);
	if (ok)
		fn(ctx, key, tai);
	__atomic_add_fetch(&tx->st_read, 1, __ATOMIC_RELAXED);
	if (!ok)
		__atomic_add_fetch(&tx->st_nokey, 1, __ATOMIC_RELAXED);
out:
	/* recvmmsg shrank them to what it wrote; the buffers themselves never move. */
	mm->msg_hdr.msg_controllen = TX_ECMSG_SPACE;
	mm->msg_hdr.msg_namelen = mm->msg_hdr.msg_name ? sizeof(struct sockaddr_in6) : 0;
	mm->msg_hdr.msg_flags = 0;
}

int tx_drain_stamps(struct tx *tx, struct tx_eq *eq, tx_stamp_fn fn, void *ctx, int max)
{
	/* Frame buffers always: a socket may turn to looped stamps at any time. */
	int total = 0, r, i, batch = tx_eq_frames(eq, tx->pkt_len + TX_LOOP_HDR);

	if (batch < 0)
		return batch;
	if (log_enabled(LOG_DEBUG))
		tx_eq_meminfo(tx);
	/* Bounded by max: a flood of stamps must not starve the rest of the loop. */
	while (total + batch <= max) {
		r = recvmmsg(tx->fd, eq->msgs, batch, MSG_ERRQUEUE | MSG_DONTWAIT, NULL);
		if (r < 0)
			return (errno == EAGAIN || errno == EINTR) ? total : -errno;
		for (i = 0; i < r; i++)
			tx_eq_stamp(tx, &eq->msgs[i], fn, ctx);
		total += r;
		if (r < batch)
			break;
	}
	return total;
}

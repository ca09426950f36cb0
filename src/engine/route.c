// SPDX-License-Identifier: MIT
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include "route.h"

#define RT_BUF 8192
#define RT_NEIGH_WAIT_MS 1000

struct rt_req {
	struct nlmsghdr nh;
	union {
		struct rtmsg rt;
		struct ndmsg nd;
	};
	char attrs[64];
};

static void rt_attr(struct rt_req *q, int type, const void *data, int len)
{
	struct rtattr *a = (struct rtattr *)((char *)q + NLMSG_ALIGN(q->nh.nlmsg_len));

	a->rta_type = (unsigned short)type;
	a->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(a), data, len);
	q->nh.nlmsg_len = NLMSG_ALIGN(q->nh.nlmsg_len) + RTA_ALIGN(a->rta_len);
}

/*
 * Send one request, read its one answer into buf: the answer's nlmsghdr, or
 * NULL with errno. A get is answered by data or an error; a change asks for
 * an ack (NLM_F_ACK from the caller), so no stray ack is left to be read as
 * the next request's answer.
 */
static struct nlmsghdr *rt_talk(int fd, struct rt_req *q, char *buf)
{
	struct nlmsghdr *nh = (struct nlmsghdr *)buf;
	ssize_t n;

	q->nh.nlmsg_flags |= NLM_F_REQUEST;
	if (send(fd, q, q->nh.nlmsg_len, 0) < 0)
		return NULL;
	n = recv(fd, buf, RT_BUF, 0);
	if (n < 0)
		return NULL;
	if (!NLMSG_OK(nh, (__u32)n)) {
		errno = EPROTO;
		return NULL;
	}
	if (nh->nlmsg_type == NLMSG_ERROR) {
		int e = -((struct nlmsgerr *)NLMSG_DATA(nh))->error;

		errno = e ? e : ENOENT;
		return e ? NULL : nh;
	}
	return nh;
}

/* An address of either family in network order, as rtnetlink carries it. */
struct rt_ip {
	int family, len; /* AF_INET: 4 bytes, AF_INET6: 16 */
	__u8 b[16];
};

static void rt_ip_of(struct rt_ip *ip, const struct ringping_addr *a)
{
	memset(ip, 0, sizeof(*ip));
	ip->family = addr_is_v4(a) ? AF_INET : AF_INET6;
	ip->len = ip->family == AF_INET ? 4 : 16;
	memcpy(ip->b, a->b + 16 - ip->len, ip->len);
}

static bool rt_ip_zero(const __u8 *b)
{
	static const __u8 zero[16];

	return !memcmp(b, zero, 16);
}

struct rt_hop {
	int oif;
	__u8 gw[16], src[16];
	unsigned char type;
};

static int rt_get_route(int fd, const struct rt_ip *dst, int oif, const struct rt_ip *src,
			struct rt_hop *h)
{
	struct rt_req q = { .nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg)),
				    .nlmsg_type = RTM_GETROUTE },
			    .rt = { .rtm_family = (unsigned char)dst->family,
				    .rtm_dst_len = (unsigned char)(8 * dst->len) } };
	char buf[RT_BUF];
	struct nlmsghdr *nh;
	struct rtattr *a;
	int len;

	rt_attr(&q, RTA_DST, dst->b, dst->len);
	if (oif)
		rt_attr(&q, RTA_OIF, &oif, 4);
	if (src)
		rt_attr(&q, RTA_SRC, src->b, src->len);
	nh = rt_talk(fd, &q, buf);
	if (!nh || nh->nlmsg_type != RTM_NEWROUTE)
		return -(errno ? errno : EPROTO);
	memset(h, 0, sizeof(*h));
	h->type = ((struct rtmsg *)NLMSG_DATA(nh))->rtm_type;
	len = (int)RTM_PAYLOAD(nh);
	for (a = RTM_RTA(NLMSG_DATA(nh)); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF)
			memcpy(&h->oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_GATEWAY)
			memcpy(h->gw, RTA_DATA(a), dst->len);
		else if (a->rta_type == RTA_PREFSRC)
			memcpy(h->src, RTA_DATA(a), dst->len);
	}
	return 0;
}

/* The neighbour's address if the kernel has a usable one: 0, or -ENOENT. */
static int rt_get_neigh(int fd, int ifindex, const struct rt_ip *ip, __u8 *mac)
{
	struct rt_req q = { .nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
				    .nlmsg_type = RTM_GETNEIGH },
			    .nd = { .ndm_family = (__u8)ip->family, .ndm_ifindex = ifindex } };
	char buf[RT_BUF];
	struct nlmsghdr *nh;
	struct ndmsg *nd;
	struct rtattr *a;
	int len;

	rt_attr(&q, NDA_DST, ip->b, ip->len);
	nh = rt_talk(fd, &q, buf);
	if (!nh || nh->nlmsg_type != RTM_NEWNEIGH)
		return -ENOENT;
	nd = NLMSG_DATA(nh);
	if (!(nd->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT |
			       NUD_NOARP)))
		return -ENOENT;
	len = (int)RTM_PAYLOAD(nh);
	for (a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd))); RTA_OK(a, len);
	     a = RTA_NEXT(a, len))
		if (a->rta_type == NDA_LLADDR && RTA_PAYLOAD(a) == 6) {
			memcpy(mac, RTA_DATA(a), 6);
			return 0;
		}
	return -ENOENT;
}

/* Ask the kernel to resolve ip (NTF_USE: as if a packet were waiting for it). */
static void rt_kick_neigh(int fd, int ifindex, const struct rt_ip *ip)
{
	struct rt_req q = { .nh = { .nlmsg_len = NLMSG_LENGTH(sizeof(struct ndmsg)),
				    .nlmsg_type = RTM_NEWNEIGH,
				    .nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK },
			    .nd = { .ndm_family = (__u8)ip->family, .ndm_ifindex = ifindex,
				    .ndm_state = NUD_NONE, .ndm_flags = NTF_USE } };
	char buf[RT_BUF];

	rt_attr(&q, NDA_DST, ip->b, ip->len);
	rt_talk(fd, &q, buf);
}

static int rt_neigh(int fd, int ifindex, const struct rt_ip *ip, __u8 *mac)
{
	struct timespec nap = { 0, 10 * 1000000 };
	int i;

	for (i = 0; i <= RT_NEIGH_WAIT_MS / 10; i++) {
		if (rt_get_neigh(fd, ifindex, ip, mac) == 0)
			return 0;
		if (i == 0)
			rt_kick_neigh(fd, ifindex, ip);
		nanosleep(&nap, NULL);
	}
	return -EHOSTUNREACH;
}

static int rt_iface(struct route_link *l)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (!if_indextoname((unsigned)l->ifindex, l->ifname)) {
		err = -errno;
		goto out;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) || ifr.ifr_hwaddr.sa_family != 1 /* ARPHRD_ETHER */) {
		err = errno ? -errno : -EOPNOTSUPP;
		goto out;
	}
	memcpy(l->smac, ifr.ifr_hwaddr.sa_data, 6);
	err = ioctl(fd, SIOCGIFMTU, &ifr) ? -errno : 0;
	l->mtu = (__u32)ifr.ifr_mtu;
out:
	close(fd);
	return err;
}

static int rt_check(const struct rt_hop *a, const struct rt_hop *b, const struct ringping_addr *first,
		    const struct ringping_addr *last, char *err, size_t errlen)
{
	char s1[ADDR_STRLEN], s2[ADDR_STRLEN];

	addr_str(first, s1, sizeof(s1));
	addr_str(last, s2, sizeof(s2));
	if (a->type != RTN_UNICAST || b->type != RTN_UNICAST)
		return snprintf(err, errlen, "packet send path: %s is local or not routable",
				a->type != RTN_UNICAST ? s1 : s2), -EHOSTUNREACH;
	if (addr_is_v4(first) != addr_is_v4(last))
		return snprintf(err, errlen, "packet send path: one family per run (%s, %s; use "
				"--send-path raw)", s1, s2), -EAFNOSUPPORT;
	if (rt_ip_zero(a->gw) || rt_ip_zero(b->gw))
		return snprintf(err, errlen, "packet send path: %s is on-link; it sends to one "
				"gateway only (use --send-path raw)", rt_ip_zero(a->gw) ? s1 : s2),
		       -EHOSTUNREACH;
	if (a->oif != b->oif || memcmp(a->gw, b->gw, 16) || memcmp(a->src, b->src, 16))
		return snprintf(err, errlen, "packet send path: %s and %s take different routes "
				"(use --send-path raw)", s1, s2), -EHOSTUNREACH;
	return 0;
}

int route_resolve(const struct ringping_addr *first, const struct ringping_addr *last, const char *ifname,
		  const struct ringping_addr *src, struct route_link *out, char *err, size_t errlen)
{
	struct rt_ip d1, d2, s, gw;
	struct ringping_addr s6;
	struct rt_hop a, b;
	int fd, oif = ifname ? (int)if_nametoindex(ifname) : 0, e;

	memset(out, 0, sizeof(*out));
	if (ifname && !oif)
		return snprintf(err, errlen, "interface '%s': %s", ifname, strerror(errno)), -ENODEV;
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return e = -errno, snprintf(err, errlen, "netlink: %s", strerror(-e)), e;
	rt_ip_of(&d1, first);
	rt_ip_of(&d2, last);
	if (src)
		rt_ip_of(&s, src);
	e = rt_get_route(fd, &d1, oif, src ? &s : NULL, &a);
	e = e ?: rt_get_route(fd, &d2, oif, src ? &s : NULL, &b);
	if (e) {
		snprintf(err, errlen, "packet send path: no route to the targets: %s", strerror(-e));
		goto out;
	}
	e = rt_check(&a, &b, first, last, err, errlen);
	if (e)
		goto out;
	out->family = d1.family;
	out->ifindex = a.oif;
	memcpy(out->gw, a.gw, 16);
	if (src)
		memcpy(out->src, s.b, s.len);
	else if (!rt_ip_zero(a.src))
		memcpy(out->src, a.src, 16);
	else if (d1.family == AF_INET6 && (e = route_source(first, a.oif, 0, &s6))) {
		snprintf(err, errlen, "packet send path: no IPv6 source: %s", strerror(-e));
		goto out;
	} else if (d1.family == AF_INET6) {
		memcpy(out->src, s6.b, 16); /* IPv6 routes often carry no preferred source */
	}
	e = rt_iface(out);
	if (e) {
		snprintf(err, errlen, "packet send path: interface %d is not Ethernet-like: %s",
			 a.oif, strerror(-e));
		goto out;
	}
	gw = (struct rt_ip){ .family = d1.family, .len = d1.len };
	memcpy(gw.b, a.gw, 16);
	e = rt_neigh(fd, a.oif, &gw, out->dmac);
	if (e) {
		char g[INET6_ADDRSTRLEN];

		inet_ntop(d1.family, gw.b, g, sizeof(g));
		snprintf(err, errlen, "packet send path: gateway %s on %s did not resolve in %d ms",
			 g, out->ifname, RT_NEIGH_WAIT_MS);
	}
out:
	close(fd);
	return e;
}

int route_source(const struct ringping_addr *dst, int ifindex, unsigned scope_id,
		 struct ringping_addr *src)
{
	union {
		struct sockaddr_in v4;
		struct sockaddr_in6 v6;
	} sa = { 0 };
	bool v4 = addr_is_v4(dst);
	socklen_t len = v4 ? sizeof(sa.v4) : sizeof(sa.v6);
	int fd = socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (fd < 0)
		return -errno;
	if (v4) {
		sa.v4 = (struct sockaddr_in){ .sin_family = AF_INET, .sin_port = htons(9) };
		memcpy(&sa.v4.sin_addr, dst->b + 12, 4);
	} else {
		sa.v6 = (struct sockaddr_in6){ .sin6_family = AF_INET6, .sin6_port = htons(9),
					       .sin6_scope_id = scope_id };
		memcpy(&sa.v6.sin6_addr, dst->b, 16);
	}
	if (ifindex && setsockopt(fd, SOL_SOCKET, SO_BINDTOIFINDEX, &ifindex, sizeof(ifindex)))
		err = -errno;
	if (!err && (connect(fd, (struct sockaddr *)&sa, len) || getsockname(fd, (struct sockaddr *)&sa, &len)))
		err = -errno;
	if (!err && v4)
		addr_from_v4(src, ntohl(sa.v4.sin_addr.s_addr));
	else if (!err)
		memcpy(src->b, &sa.v6.sin6_addr, 16);
	close(fd);
	return err;
}

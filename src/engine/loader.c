// SPDX-License-Identifier: MIT
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "loader.h"
#include "log.h"
#include "ringping.skel.h"

/* A raw receive socket for one family, carrying its filter; the fd or -errno. */
static int loader_rx_socket(int family, int proto, struct bpf_program *p, const char *ifname)
{
	int prog = bpf_program__fd(p), fd, err;
	const char *what = proto == IPPROTO_TCP ? (family == AF_INET ? "TCP" : "TCPv6")
			   : family == AF_INET ? "ICMP" : "ICMPv6";

	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, proto);
	if (fd < 0) {
		err = -errno;
		pr_warn("raw %s receive socket: %s\n", what, strerror(-err));
		return err;
	}
	if (ifname && setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, strlen(ifname) + 1)) {
		err = -errno;
		pr_warn("interface '%s': %s\n", ifname, strerror(-err));
		goto fail;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_BPF, &prog, sizeof(prog))) {
		err = -errno;
		pr_warn("SO_ATTACH_BPF (%s): %s\n", what, strerror(-err));
		goto fail;
	}
	return fd;
fail:
	close(fd);
	return err;
}

/*
 * A receive socket per family the targets need, of protocols p4 and p6, each
 * with its family's program. A TCP trace adds a TCP pair: its destinations'
 * SYN-ACKs and RSTs are TCP, and a raw TCP socket is handed a copy of each.
 */
static int loader_open_pair(struct loader *l, const struct loader_cfg *cfg, int p4, int p6, int *fd4,
			    int *fd6)
{
	if (cfg->v4) {
		*fd4 = loader_rx_socket(AF_INET, p4, l->skel->progs.rp_sock, cfg->ifname);
		if (*fd4 < 0)
			return *fd4;
	}
	if (cfg->v6) {
		*fd6 = loader_rx_socket(AF_INET6, p6, l->skel->progs.rp_sock6, cfg->ifname);
		if (*fd6 < 0)
			return *fd6;
	}
	return 0;
}

static int loader_open_socket(struct loader *l, const struct loader_cfg *cfg)
{
	int err = cfg->trace_proto == IPPROTO_TCP
			  ? loader_open_pair(l, cfg, IPPROTO_TCP, IPPROTO_TCP, &l->tcp_fd, &l->tcp6_fd)
			  : 0;

	return err ?: loader_open_pair(l, cfg, IPPROTO_ICMP, IPPROTO_ICMPV6, &l->sock_fd, &l->sock6_fd);
}

/*
 * The interface's MTU: an IPv4 datagram or IPv6 packet longer than this came
 * in fragments. Unknown, 65535: the socket programs then record nothing XDP
 * could have seen.
 */
static __u32 loader_mtu(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	__u32 mtu = 65535;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname ? ifname : "");
	if (fd >= 0 && !ioctl(fd, SIOCGIFMTU, &ifr) && ifr.ifr_mtu > 0)
		mtu = (__u32)ifr.ifr_mtu;
	if (fd >= 0)
		close(fd);
	return mtu;
}

/* Refuse, never replace, a program someone else attached. */
static int loader_check_xdp_free(struct loader *l, const char *ifname)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int err;

	err = bpf_xdp_query(l->ifindex, 0, &q);
	if (err) {
		pr_warn("XDP query on '%s': %s\n", ifname, strerror(-err));
		return err;
	}
	if (q.attach_mode != XDP_ATTACHED_NONE) {
		pr_warn("interface '%s' already has an XDP program (id %u); "
			"ringping will not replace it\n",
			ifname, q.prog_id ? q.prog_id : q.drv_prog_id ?: q.skb_prog_id);
		return -EBUSY;
	}
	return 0;
}

static int loader_open_xdp(struct loader *l, const struct loader_cfg *cfg)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	struct bpf_program *p = l->xdp_dpa ? l->skel->progs.rp_xdp_dpa : l->skel->progs.rp_xdp;
	int prog = bpf_program__fd(p), fd, err;

	l->ifindex = if_nametoindex(cfg->ifname);
	if (!l->ifindex) {
		err = -errno;
		pr_warn("interface '%s': %s\n", cfg->ifname, strerror(-err));
		return err;
	}
	err = loader_check_xdp_free(l, cfg->ifname);
	if (err)
		return err;
	opts.flags = cfg->xdp_generic ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE;
	fd = bpf_link_create(prog, l->ifindex, BPF_XDP, &opts);
	if (fd < 0) {
		err = fd;
		pr_warn("attach XDP (%s mode) to '%s': %s\n", cfg->xdp_generic ? "generic" : "native",
			cfg->ifname, strerror(-err));
		return err;
	}
	l->xdp_link_fd = fd;
	return 0;
}

/* 1 if programs of type t may call helper h here, 0 if not (or the probe failed). */
static bool loader_has_helper(enum bpf_prog_type t, enum bpf_func_id h)
{
	return libbpf_probe_bpf_helper(t, h, NULL) == 1;
}

/*
 * What this kernel offers, probed before load: the receive clock, and how
 * the XDP program copies a frame. Each fallback is said once at info level.
 */
static void loader_probe(struct loader *l, const struct loader_cfg *cfg)
{
	enum bpf_prog_type t = cfg->mode == LOADER_XDP ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SOCKET_FILTER;

	l->rx_mono = !loader_has_helper(t, BPF_FUNC_ktime_get_tai_ns);
	if (l->rx_mono)
		pr_info("kernel has no bpf_ktime_get_tai_ns (Linux < 6.1): receive times are "
			"CLOCK_MONOTONIC, related to the TX stamps by a measured offset\n");
	l->xdp_dpa = cfg->mode == LOADER_XDP &&
		     !loader_has_helper(BPF_PROG_TYPE_XDP, BPF_FUNC_xdp_load_bytes);
	if (l->xdp_dpa)
		pr_info("kernel has no bpf_xdp_load_bytes (Linux < 5.18): XDP copies frames by "
			"direct packet access (linear part only)\n");
}

static size_t loader_counters_len(const struct loader *l)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return ((size_t)l->ncounters * sizeof(struct rp_counters) + page - 1) / page * page;
}

/* The counters' slots, mapped read-only while this process may still do so. */
static int loader_map_counters(struct loader *l)
{
	void *p = mmap(NULL, loader_counters_len(l), PROT_READ, MAP_SHARED,
		       bpf_map__fd(l->skel->maps.rp_counters_map), 0);
	int err;

	if (p == MAP_FAILED) {
		err = -errno;
		pr_warn("mmap of the BPF counters: %s\n", strerror(-err));
		return err;
	}
	l->counters = p;
	return 0;
}

/* Broadcast and multicast targets under their tags, before any reply can come. */
static int loader_groups(struct loader *l, const struct loader_cfg *cfg)
{
	int fd = bpf_map__fd(l->skel->maps.rp_groups), err;

	for (__u32 i = 0; i < cfg->ngroups; i++)
		if (bpf_map_update_elem(fd, &cfg->group_tags[i], &cfg->groups[i], BPF_ANY)) {
			err = -errno;
			pr_warn("broadcast and multicast targets (rp_groups): %s\n", strerror(-err));
			return err;
		}
	return 0;
}

int loader_open(struct loader *l, const struct loader_cfg *cfg)
{
	int err;

	memset(l, 0, sizeof(*l));
	l->sock_fd = l->sock6_fd = l->tcp_fd = l->tcp6_fd = -1;
	l->xdp_link_fd = -1;
	l->skel = ringping_bpf__open();
	if (!l->skel) {
		err = -errno;
		pr_warn("open BPF object: %s\n", strerror(-err));
		return err;
	}
	l->skel->rodata->rp_key0 = cfg->key0;
	l->skel->rodata->rp_key1 = cfg->key1;
	l->skel->rodata->rp_xdp_drop = cfg->xdp_drop;
	l->skel->rodata->rp_trace = cfg->trace;
	l->skel->rodata->rp_trace_proto = cfg->trace ? (__u8)cfg->trace_proto : 0;
	l->skel->rodata->rp_trace_port = cfg->trace_port;
	l->skel->rodata->rp_probe = cfg->probe;
	l->skel->rodata->rp_ipopts = cfg->ipopts;
	l->skel->rodata->rp_rb_flags = cfg->rb_no_wakeup ? BPF_RB_NO_WAKEUP : 0;
	loader_probe(l, cfg);
	l->skel->rodata->rp_clock_mono = l->rx_mono;
	l->skel->rodata->rp_has_groups = cfg->ngroups > 0;
	bpf_map__set_max_entries(l->skel->maps.rp_events, cfg->ringbuf_bytes);
	l->ncounters = libbpf_num_possible_cpus();
	if (l->ncounters < 1) {
		err = l->ncounters < 0 ? l->ncounters : -EINVAL;
		pr_warn("possible CPUs: %s\n", strerror(-err));
		goto fail;
	}
	bpf_map__set_max_entries(l->skel->maps.rp_counters_map, (__u32)l->ncounters);
	/* Load only the programs this mode, this kernel and the targets' families use. */
	bpf_program__set_autoload(l->skel->progs.rp_xdp, cfg->mode == LOADER_XDP && !l->xdp_dpa);
	bpf_program__set_autoload(l->skel->progs.rp_xdp_dpa, cfg->mode == LOADER_XDP && l->xdp_dpa);
	/* The socket programs in XDP mode too: replies that came in fragments (rp_sock_min_len). */
	bpf_program__set_autoload(l->skel->progs.rp_sock, cfg->v4);
	bpf_program__set_autoload(l->skel->progs.rp_sock6, cfg->v6);
	if (cfg->mode == LOADER_XDP)
		l->skel->rodata->rp_sock_min_len = loader_mtu(cfg->ifname);
	err = ringping_bpf__load(l->skel);
	if (err) {
		pr_warn("load BPF programs: %s%s\n", strerror(-err),
			err == -EPERM ? " (needs CAP_BPF and CAP_NET_ADMIN, or root)" : "");
		goto fail;
	}
	err = loader_map_counters(l) ?: loader_groups(l, cfg);
	err = err ?: cfg->mode == LOADER_XDP ? loader_open_xdp(l, cfg) : 0;
	err = err ?: loader_open_socket(l, cfg);
	if (err)
		goto fail;
	return 0;
fail:
	loader_close(l);
	return err;
}

int loader_ringbuf_fd(const struct loader *l)
{
	return bpf_map__fd(l->skel->maps.rp_events);
}

int loader_counters(const struct loader *l, struct rp_counters *out)
{
	int i;

	memset(out, 0, sizeof(*out));
	if (!l->counters)
		return -ENODEV;
	for (i = 0; i < l->ncounters; i++) {
		const volatile struct rp_counters *v = &l->counters[i];

		out->reply += v->reply;
		out->error += v->error;
		out->not_ours += v->not_ours;
		out->malformed += v->malformed;
		out->rb_full += v->rb_full;
		out->forged += v->forged;
	}
	return 0;
}

void loader_close(struct loader *l)
{
	if (!l || !l->skel) /* never opened: no descriptors to close */
		return;
	if (l->xdp_link_fd >= 0)
		close(l->xdp_link_fd);
	l->xdp_link_fd = -1;
	if (l->sock_fd >= 0)
		close(l->sock_fd);
	if (l->sock6_fd >= 0)
		close(l->sock6_fd);
	if (l->tcp_fd >= 0)
		close(l->tcp_fd);
	if (l->tcp6_fd >= 0)
		close(l->tcp6_fd);
	l->sock_fd = l->sock6_fd = l->tcp_fd = l->tcp6_fd = -1;
	if (l->counters)
		munmap((void *)l->counters, loader_counters_len(l));
	l->counters = NULL;
	ringping_bpf__destroy(l->skel);
	l->skel = NULL;
}

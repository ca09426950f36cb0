// SPDX-License-Identifier: MIT
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include "privs.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static int privs_get(__u64 *eff)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };

	if (syscall(SYS_capget, &h, d))
		return -errno;
	*eff = (__u64)d[1].effective << 32 | d[0].effective;
	return 0;
}

static bool privs_has(__u64 eff, int cap)
{
	return eff >> cap & 1;
}

bool privs_bpf_ok(char *why, size_t len)
{
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_NET_RAW, "CAP_NET_RAW" }, { CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_BPF, "CAP_BPF" }, { CAP_PERFMON, "CAP_PERFMON" },
	};
	__u64 eff = 0;
	size_t i, n = 0;

	if (privs_get(&eff))
		eff = 0;
	if (privs_has(eff, CAP_SYS_ADMIN)) /* the kernel's stand-in for CAP_BPF and CAP_PERFMON */
		eff |= 1ULL << CAP_BPF | 1ULL << CAP_PERFMON;
	why[0] = 0;
	for (i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!privs_has(eff, need[i].cap))
			n += snprintf(why + (n < len ? n : len), n < len ? len - n : 0, "%s%s",
				      n ? ", " : "", need[i].name);
	return n == 0;
}

int privs_drop(__u64 keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	__u64 eff;

	if (privs_get(&eff))
		return -errno;
	keep &= eff; /* nothing is gained, only lost */
	d[0].effective = d[0].permitted = (__u32)keep;
	d[1].effective = d[1].permitted = (__u32)(keep >> 32);
	if (syscall(SYS_capset, &h, d))
		return -errno;
	return 0;
}

void privs_describe(char *buf, size_t len)
{
	static const char *const names[] = {
		"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
		"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast",
		"net_admin", "net_raw", "ipc_lock", "ipc_owner", "sys_module", "sys_rawio",
		"sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin", "sys_boot", "sys_nice",
		"sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
		"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm",
		"block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore",
	};
	__u64 eff = 0;
	size_t n = 0;
	int c;

	snprintf(buf, len, "none");
	if (privs_get(&eff))
		return;
	for (c = 0; c < 64; c++) {
		if (!privs_has(eff, c))
			continue;
		if (c < (int)(sizeof(names) / sizeof(names[0])))
			n += snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, "%scap_%s",
				      n ? "," : "", names[c]);
		else
			n += snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, "%scap_%d",
				      n ? "," : "", c);
	}
}

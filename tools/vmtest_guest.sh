#!/bin/bash
# SPDX-License-Identifier: MIT
# Second stage of a tools/vmtest.sh guest, on the overlay root: the mounts a
# booted system would have, the job the host wrote, then power off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
# /tmp stays the overlay's (writable, in tmpfs): a tmpfs on it would hide a checkout
# that lives under the host's /tmp, as CI's clones may.
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mkdir -p /dev/pts /dev/shm && mount -t devpts devpts /dev/pts && mount -t tmpfs tmpfs /dev/shm
ip link set lo up
ulimit -l unlimited # 5.10 charges BPF maps to RLIMIT_MEMLOCK, not to the memory cgroup
uname -r >/vmout/kernel # booted: from here on a failure is the job's
VMOUT=/vmout bash /vmout/job.sh >/vmout/job.log 2>&1
echo $? >/vmout/job.rc
sync
echo o >/proc/sysrq-trigger
sleep 10

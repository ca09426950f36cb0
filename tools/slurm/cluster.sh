#!/bin/bash
# SPDX-License-Identifier: MIT
# A one-node Slurm in a directory of its own, for the shard test and for
# trying ringping's job arrays by hand: munged on a private socket and key,
# slurmctld and slurmd on unusual ports, state, spool, logs and pid files all
# in DIR; nothing of the machine's /etc/slurm or /etc/munge is used.
#   tools/slurm/cluster.sh up DIR      (root; prints the SLURM_CONF to export)
#   tools/slurm/cluster.sh down DIR    (stops exactly the daemons of DIR)
set -u
cmd=${1:-} dir=${2:-}
[ -n "$dir" ] || { echo "usage: $0 up|down DIR" >&2; exit 2; }

down() {
	local f
	for f in slurmd slurmctld; do
		[ -s "$dir/$f.pid" ] && kill "$(cat "$dir/$f.pid")" 2>/dev/null
	done
	[ -S "$dir/munge.sock" ] && munged --stop --socket="$dir/munge.sock" >/dev/null 2>&1
	for _ in $(seq 50); do # bounded: 5 s for the daemons to go
		pgrep -f "$dir/slurm.conf" >/dev/null || break
		sleep 0.1
	done
	return 0
}

up() {
	local h
	h=$(hostname -s)
	mkdir -p "$dir/state" "$dir/spool" || return 1
	head -c 128 /dev/urandom >"$dir/munge.key" && chmod 600 "$dir/munge.key" || return 1
	munged --force --socket="$dir/munge.sock" --key-file="$dir/munge.key" --pid-file="$dir/munged.pid" \
		--log-file="$dir/munged.log" --seed-file="$dir/munged.seed" || return 1
	cat >"$dir/slurm.conf" <<-CONF
	ClusterName=ringping
	SlurmctldHost=$h(127.0.0.1)
	SlurmctldPort=16817
	SlurmdPort=16818
	AuthType=auth/munge
	AuthInfo=socket=$dir/munge.sock
	CredType=cred/munge
	SlurmUser=root
	SlurmdUser=root
	StateSaveLocation=$dir/state
	SlurmdSpoolDir=$dir/spool
	SlurmctldPidFile=$dir/slurmctld.pid
	SlurmdPidFile=$dir/slurmd.pid
	SlurmctldLogFile=$dir/slurmctld.log
	SlurmdLogFile=$dir/slurmd.log
	ProctrackType=proctrack/linuxproc
	TaskPlugin=task/none
	SelectType=select/linear
	SchedulerType=sched/builtin
	JobCompType=jobcomp/none
	JobAcctGatherType=jobacct_gather/none
	AccountingStorageType=accounting_storage/none
	MpiDefault=none
	ReturnToService=2
	SwitchType=switch/none
	NodeName=$h NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
	PartitionName=ringping Nodes=$h Default=YES MaxTime=10 State=UP OverSubscribe=YES
	CONF
	slurmctld -f "$dir/slurm.conf" && slurmd -f "$dir/slurm.conf" || return 1
	for _ in $(seq 100); do # bounded: 10 s for the node to come up
		SLURM_CONF=$dir/slurm.conf sinfo -h -o %t 2>/dev/null | grep -qx idle && {
			echo "SLURM_CONF=$dir/slurm.conf"
			return 0
		}
		sleep 0.1
	done
	echo "slurm: the node did not come up (see $dir/*.log)" >&2
	return 1
}

case $cmd in
up) up || { down; exit 1; } ;;
down) down ;;
*) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac

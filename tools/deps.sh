#!/bin/sh
# SPDX-License-Identifier: MIT
# Install every Debian package ringping's build, tests and demo need; idempotent.
# --bench: also the peers tools/bench.sh measures against.
# --vm: what tools/vmtest.sh needs to boot Debian kernels (qemu, an initramfs
# of busybox and the kernel's own modules, depmod and modprobe).
set -eu
# libxml2-utils and python3-prometheus-client: the tests parse the JUnit and
# OpenMetrics reports with real parsers (xmllint, prometheus_client's strict one);
# tcpdump: a test checks per-host statistics against an independent capture;
# binutils: ld -r and objcopy make the archive whose internals are local.
# iputils-ping: a test runs the system's ping beside unprivileged runs (no cross-credit);
# libcap2-bin: setcap, for make install-caps and its test.
# tmux: a test reads the status line off a real pseudo-terminal.
# libpng-dev: --heatmap writes PNGs; python3-pil: a test decodes them with another decoder.
# slurmctld, slurmd, slurm-client, munge: a test runs shards as a Slurm job array.
pkgs="clang llvm libbpf-dev bpftool libelf-dev zlib1g-dev libcmocka-dev pkg-config gcc binutils make
      iproute2 nftables libxml2-utils python3 python3-prometheus-client tcpdump iputils-ping
      libcap2-bin tmux libpng-dev python3-pil
      slurmctld slurmd slurm-client munge"
[ "${1:-}" = --bench ] && pkgs="zmap masscan fping nmap scamper time"
[ "${1:-}" = --vm ] && pkgs="qemu-system-x86 busybox-static kmod cpio xz-utils"
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: need root to install$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing

#!/bin/bash
# SPDX-License-Identifier: MIT
# ringping's kernel matrix: boot Debian's own kernel packages in qemu (TCG) and
# run the BPF crafted-packet tests and the lab tests inside each, then print a
# table per kernel. No network: the guest has no NIC at all.
#
#   host /  --9p, read-only-->  guest lower layer  \
#   tmpfs                       guest upper layer   }-> overlay, switch_root
#   cache/K/modules --9p-->     guest /usr/lib/modules (depmod'ed)
#   out dir --9p, rw-->         guest /vmout (job, log, tallies, exit code)
#
# The initramfs is busybox-static plus the kernel's own 9p/overlay modules; its
# init switch_roots (not chroot) so that the kernel's module autoload finds
# /sbin/modprobe on the new root (nftables' reject, veth). Kernels come from
# Debian's archive through a private apt configuration in a temporary
# directory (never the system's sources) and are cached in $VMTEST_CACHE.
#
# Usage: tools/vmtest.sh [KERNEL...]   KERNEL: 5.10 6.1 6.12 host (default: all)
#   host runs the same suite natively on this machine's kernel.
#   VMTEST_REFRESH=1 looks for newer kernel packages than the cached ones.
#   VMTEST_TESTS="test_a test_b" overrides the lab-test subset.
#   VMTEST_JOB=FILE runs that bash script in each guest instead (with VMOUT set).
#   VMTEST_KEEP=1 keeps every guest's logs; VMTEST_VERBOSE=1 prints a failed one's tail.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
CACHE=${VMTEST_CACHE:-/var/cache/ringping-vmtest}
MEM=${VMTEST_MEM:-3G}
TIMEOUT=${VMTEST_TIMEOUT:-1500}
# The lab tests run in every kernel: each receive mode (socket filter, XDP native
# and generic), each send path (raw, packet), each family, error classification,
# the stamp-keying test, the trace and ping tests, timestamp probes, and the clean-exit tests. The rest exercise userspace
# only (statistics, outputs, option parsing), which no kernel changes.
LAB_TESTS=${VMTEST_TESTS:-"test_sweep_socket_mode test_sweep_xdp_mode test_sweep_timestamps test_sweep_timestamps_xdp
 test_timestamp_offset_host test_sweep6_socket_mode
 test_sweep6_xdp_mode test_sweep_packet_path test_sweep6_packet_path_xdp
 test_sweep_xdp_generic_pass test_unreachable_classified test_time_exceeded_classified
 test_xdp_errors_classified test_errors6_classified test_packet_path_errors_and_refusals
 test_stamps_keyed_across_failed_sends test_stamps_keyed_when_kernel_refuses_keys
 test_xdp_fragmented_replies test_interface_vanishes test_xdp_detached_after_sigkill
 test_refuses_foreign_xdp test_dgram_sweeps_unprivileged test_dgram_errors_classified
 test_dgram_stamps_keyed_across_failed_sends test_dgram_route_refusals_fail test_trace_paths_text test_trace_chain test_ping_matches_iputils test_ping_broadcast_matches_iputils
 test_sweep_broadcast_lists_responders test_ping_flowlabel_on_the_wire test_caps_dropped_after_setup
 test_file_caps_let_a_user_run_bpf test_nothing_left_behind"}
ALL_KERNELS="5.10 6.1 6.12 host"
# A full-rate sweep queues tens of thousands of requests at the guest's slow lab
# target: the guests wait 10 s for each answer instead of 1 s. Counts must not change.
GUEST_SWEEP_TIMEOUT_MS=10000
# The packet path, XDP mode and datagram sockets outrun the guest's lab target at full
# rate (its ICMP socket's send buffer overflows with replies not yet received): the
# guests pace them. The raw path's socket-mode sweeps stay unpaced (--rate 0).
GUEST_SWEEP_RATE=20000

die() { echo "vmtest: $*" >&2; exit 1; }

# Debian suite and package-name pattern of each kernel series.
kernel_suite() {
	case $1 in
	5.10) echo "bullseye '^linux-image-5\.10\.0-[0-9]+-amd64\$'" ;;
	6.1) echo "bookworm '^linux-image-6\.1\.0-[0-9]+-amd64\$'" ;;
	6.12) echo "bookworm '^linux-image-6\.12\.[0-9]+\+deb12-amd64\$'" ;;
	*) return 1 ;;
	esac
}

# A private apt: its own sources, lists and cache under $1; the system's untouched.
apt_private() {
	local d=$1
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial" "$d/parts" "$d/prefs"
	cat >"$d/sources.list" <<'EOF'
deb http://deb.debian.org/debian bullseye main
deb http://deb.debian.org/debian-security bullseye-security main
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian bookworm-updates main
EOF
	APT_OPTS="-o Dir::Etc::SourceList=$d/sources.list -o Dir::Etc::SourceParts=$d/parts
	 -o Dir::Etc::Preferences=$d/preferences -o Dir::Etc::PreferencesParts=$d/prefs
	 -o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache -o Dir::State::status=/dev/null
	 -o APT::Architectures::=amd64 -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	apt-get -qq $APT_OPTS update
}

# Unpack the newest package of series $1 into $CACHE/$1 (once; again with VMTEST_REFRESH).
kernel_fetch() {
	local series=$1 dst=$CACHE/$1 tmp suite pat pkg ver
	if [ -e "$dst/ready" ] && [ -z "${VMTEST_REFRESH:-}" ]; then return 0; fi
	eval "set -- $(kernel_suite "$series")" || die "unknown kernel '$series'"
	suite=$1 pat=$2
	tmp=$(mktemp -d /tmp/ringping-vmapt.XXXXXX)
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" RETURN
	apt_private "$tmp" || { echo "vmtest: apt-get update (private, $suite) failed" >&2; return 1; }
	# shellcheck disable=SC2086
	pkg=$(apt-cache $APT_OPTS search --names-only "$pat" | awk '{print $1}' | sort -V | tail -1)
	[ -n "$pkg" ] || { echo "vmtest: no package matches $pat" >&2; return 1; }
	if [ -e "$dst/ready" ] && [ "$(cat "$dst/package")" = "$pkg" ]; then return 0; fi
	echo "vmtest: fetching $pkg"
	# shellcheck disable=SC2086
	(cd "$tmp" && apt-get -qq $APT_OPTS download "$pkg") || return 1
	rm -rf "$dst" && mkdir -p "$dst/x" || return 1
	dpkg-deb -x "$tmp"/"$pkg"_*.deb "$dst/x" || return 1
	ver=$(ls "$dst/x/lib/modules")
	mv "$dst/x/boot/vmlinuz-$ver" "$dst/vmlinuz" && mkdir -p "$dst/modules" &&
		mv "$dst/x/lib/modules/$ver" "$dst/modules/" && rm -rf "$dst/x" || return 1
	kernel_modview "$dst" && depmod -b "$dst/dm2" "$ver" || return 1
	echo "$ver" >"$dst/version" && echo "$pkg" >"$dst/package" && : >"$dst/ready"
}

# The initramfs: busybox, the modules 9p and overlay need (in load order), and init.
kernel_initrd() {
	local dst=$1 ver m f img=$1/initrd.img w
	ver=$(cat "$dst/version")
	[ -e "$img" ] && [ "$img" -nt "$top/tools/vmtest_init.sh" ] && return 0
	w=$(mktemp -d /tmp/ringping-vminit.XXXXXX)
	mkdir -p "$w/bin" "$w/mods" "$w/proc" "$w/sys" "$w/dev" "$w/lower" "$w/mnt" "$w/newroot"
	cp /bin/busybox "$w/bin/busybox" || { rm -rf "$w"; return 1; }
	: >"$w/mods/order"
	# One module per call: --show-depends takes the words after the first as parameters.
	for m in $(for f in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$dst/dm2" -S "$ver" --show-depends "$f" 2>/dev/null; done |
		awk '$1 == "insmod" {print $2}'); do
		f=$w/mods/$(basename "$m" | sed 's/\.xz$//; s/\.zst$//')
		[ -e "$f" ] && continue
		case $m in
		*.xz) xz -dc "$m" >"$f" ;;
		*.zst) zstd -qdc "$m" >"$f" ;;
		*) cp "$m" "$f" ;;
		esac
		echo "$(basename "$f")" >>"$w/mods/order"
	done
	cp "$top/tools/vmtest_init.sh" "$w/init" && chmod +x "$w/init"
	(cd "$w" && find . | cpio -o -H newc --quiet | gzip -1) >"$img.tmp" && mv "$img.tmp" "$img"
	rm -rf "$w"
}

# depmod -b and modprobe -d want BASE/lib/modules/VER: a view of that shape.
kernel_modview() {
	local dst=$1
	rm -rf "$dst/dm2" && mkdir -p "$dst/dm2/lib" && ln -s "$dst/modules" "$dst/dm2/lib/modules"
}

# Boot kernel $1 with job script $2; the guest's output lands in $3.
vm_boot() {
	local dst=$CACHE/$1 job=$2 out=$3
	cp "$job" "$out/job.sh" && cp "$top/tools/vmtest_guest.sh" "$out/stage2.sh" || return 1
	timeout -s KILL "$TIMEOUT" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m "$MEM" \
		-nographic -no-reboot -nic none -kernel "$dst/vmlinuz" -initrd "$dst/initrd.img" \
		-append "console=ttyS0 quiet panic=-1 mitigations=off net.ifnames=0 rp.top=$top" \
		-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=root,mount_tag=rproot \
		-fsdev local,id=mods,path="$dst/modules",security_model=none,readonly=on \
		-device virtio-9p-pci,fsdev=mods,mount_tag=rpmods \
		-fsdev local,id=out,path="$out",security_model=none \
		-device virtio-9p-pci,fsdev=out,mount_tag=rpout \
		</dev/null >"$out/console.log" 2>&1
}

# The suite, as run inside a guest (and natively for "host"); $2: the sweeps' timeout (ms),
# $3: the paced sweeps' rate (empty: the tests' own).
write_job() {
	cat >"$1" <<EOF
#!/bin/bash
cd '$top' || exit 1
out=\${VMOUT:-/vmout}
uname -r >"\$out/kernel"
'$BUILD/test_bpf' >"\$out/bpf.log" 2>&1; echo \$? >"\$out/bpf.rc"
RP_TESTS='$(echo $LAB_TESTS)' RP_SWEEP_TIMEOUT_MS='$2' RP_GUEST_SWEEP_RATE='$3' RP_SWEEP_RECONCILE='${3:+1}' \\
	tests/integration/run.sh '$BUILD/ringping' >"\$out/lab.log" 2>&1
echo \$? >"\$out/lab.rc"
EOF
}

# "N passed[, N failed][, N skipped]" from a cmocka log.
cmocka_tally() {
	local p f k
	# The BPF tests run two groups (plain and trace), each with its own tally.
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\).*/\1/p' "$1" 2>/dev/null | awk '{ n += $1 } END { if (NR) print n }')
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$1" 2>/dev/null | awk '{ n += $1 } END { if (NR) print n }')
	k=$(sed -n 's/^\[  SKIPPED \] \([0-9]*\).*/\1/p' "$1" 2>/dev/null | awk '{ n += $1 } END { if (NR) print n }')
	[ -n "$p" ] || { echo none; return; }
	echo "$p passed${f:+, $f failed}${k:+, $k skipped}"
}

# One line of the table: kernel, BPF tests, lab tests, seconds; then what failed or was skipped.
report_row() {
	local name=$1 out=$2 secs=$3 k l
	k=$(cat "$out/kernel" 2>/dev/null || echo "did not boot")
	l=$(sed -n 's/^integration: //p' "$out/lab.log" 2>/dev/null | tail -1)
	printf '%-6s %-24s %-28s %-26s %5ss\n' "$name" "$k" "bpf: $(cmocka_tally "$out/bpf.log")" \
		"lab: ${l:-none}" "$secs"
	[ -e "$out/lab.log" ] || tail -n 5 "$out/job.log" 2>/dev/null | sed 's/^/         job: /'
	grep -E '^(FAIL|SKIP|diag:|note:)' "$out/lab.log" 2>/dev/null | sed 's/^/         /'
	grep -E '^\[  (FAILED|ERROR|SKIPPED) +\] [a-z]' "$out/bpf.log" 2>/dev/null | sort -u |
		sed 's/^/         /'
}

passed_row() {
	local out=$1
	[ "$(cat "$out/bpf.rc" 2>/dev/null)" = 0 ] && [ "$(cat "$out/lab.rc" 2>/dev/null)" = 0 ]
}

run_one() {
	local k=$1 out=$2 t0 rc=0
	t0=$(date +%s)
	if [ -n "${VMTEST_JOB:-}" ]; then
		cp "$VMTEST_JOB" "$out/job"
	else
		if [ "$k" = host ]; then
			write_job "$out/job" "" ""
		else
			write_job "$out/job" "$GUEST_SWEEP_TIMEOUT_MS" "$GUEST_SWEEP_RATE"
		fi
	fi
	if [ "$k" = host ]; then
		VMOUT=$out bash "$out/job" >/dev/null 2>&1
	else
		{ kernel_fetch "$k" && kernel_modview "$CACHE/$k" && kernel_initrd "$CACHE/$k"; } ||
			{ echo "vmtest: kernel $k could not be prepared" >"$out/kernel"; return 1; }
		vm_boot "$k" "$out/job" "$out" || rc=$?
		if [ ! -s "$out/kernel" ]; then
			echo "vmtest: $k did not boot (qemu: $rc); once more. Its console ended:" >&2
			tail -n 15 "$out/console.log" >&2
			rc=0
			vm_boot "$k" "$out/job" "$out" || rc=$?
		fi
		[ ! -e "$out/lab.rc" ] && echo "vmtest: $k: no result (qemu: $rc)" >&2 &&
			tail -n 30 "$out/console.log" >&2
	fi
	echo $(($(date +%s) - t0)) >"$out/secs"
}

main() {
	local kernels=${*:-$ALL_KERNELS} k res failed=0 n=0
	[ "$(id -u)" -eq 0 ] || die "needs root (BPF, namespaces, the kernel cache)"
	for f in "$BUILD/ringping" "$BUILD/test_bpf"; do
		[ -x "$f" ] || die "$f missing: run make first"
	done
	command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (make deps)"
	mkdir -p "$CACHE" || die "cannot create $CACHE"
	res=$(mktemp -d /tmp/ringping-vmtest.XXXXXX)
	# shellcheck disable=SC2064
	[ -n "${VMTEST_KEEP:-}" ] && echo "vmtest: guest output kept in $res" ||
		trap "rm -rf '$res'" EXIT
	for k in $kernels; do
		mkdir -p "$res/$k"
		echo "vmtest: $k ..."
		run_one "$k" "$res/$k"
	done
	echo
	printf '%-6s %-24s %-28s %-26s %6s\n' kernel release "BPF crafted packets" "lab tests" time
	for k in $kernels; do
		report_row "$k" "$res/$k" "$(cat "$res/$k/secs" 2>/dev/null)"
		n=$((n + 1))
		passed_row "$res/$k" || { failed=$((failed + 1));
			[ -n "${VMTEST_VERBOSE:-}" ] && tail -n 50 "$res/$k/console.log" "$res/$k/lab.log"; }
	done
	echo "vmtest: $((n - failed)) passed, $failed failed"
	[ $failed -eq 0 ]
}

main "$@"

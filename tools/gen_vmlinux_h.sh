#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate vmlinux/x86/vmlinux.h from the running kernel's BTF.
# The header is committed so that builds do not depend on the build host's kernel;
# CO-RE relocations adapt the BPF object to the kernel it is loaded on.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
btf=${1:-/sys/kernel/btf/vmlinux}
out="$top/vmlinux/x86/vmlinux.h"
[ -r "$btf" ] || { echo "gen_vmlinux_h: $btf not readable (kernel built without BTF?)" >&2; exit 1; }
bpftool btf dump file "$btf" format c > "$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out ($(wc -l < "$out") lines)"

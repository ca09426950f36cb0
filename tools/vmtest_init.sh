#!/bin/busybox sh
# SPDX-License-Identifier: MIT
# /init of tools/vmtest.sh's initramfs: the host's / (9p, read-only) under a
# tmpfs overlay, the kernel's own modules at /usr/lib/modules, the output
# share at /vmout; then switch_root so that module autoload finds modprobe.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /mods/order); do insmod "/mods/$m" 2>/dev/null; done
o=trans=virtio,version=9p2000.L,msize=262144
fail() { echo "vmtest-init: $*"; echo o >/proc/sysrq-trigger; sleep 5; }
mount -t 9p -o "$o,ro,cache=loose" rproot /lower || fail "9p root"
mount -t tmpfs -o size=1G tmpfs /mnt && mkdir /mnt/up /mnt/work || fail "tmpfs"
mount -t overlay -o lowerdir=/lower,upperdir=/mnt/up,workdir=/mnt/work overlay /newroot ||
	fail "overlay"
mkdir -p /newroot/usr/lib/modules && mount -t 9p -o "$o,ro" rpmods /newroot/usr/lib/modules || fail "9p modules"
mkdir -p /newroot/vmout && mount -t 9p -o "$o" rpout /newroot/vmout || fail "9p out"
mount --move /proc /newroot/proc
mount --move /sys /newroot/sys
mount --move /dev /newroot/dev
exec switch_root /newroot /bin/bash /vmout/stage2.sh

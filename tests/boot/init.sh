#!/bin/sh
# tests/boot/init.sh — how PID 1 ends is how QEMU ends.
#
# For each arch, boots the kernel with a small initramfs and checks both
# the console and QEMU's exit status (tools/qemu.sh: the kernel's status):
#
#   /init exits with 300         -> status 44 (only the low 8 bits count),
#                                   the 300 reaching init through "-- 300"
#   /init stores through NULL     -> "segfault at 0", "killed by signal 11",
#                                   status 126 (init killed by a signal)
#   no /init in the archive       -> "No working init found", status 127
#   /init is not an ELF file      -> "Failed to execute /init", status 127
#   rdinit= names a program       -> that program runs, not /init
#
# The program is build/ARCH/user/exit (src.nw/86-usertests.nw), the same
# binary tests/user/host.sh runs on the host's Linux.  TAP on stdout.
set -u
cd "$(dirname "$0")/../.."

. tests/lib/tap.sh

out=build/tests/init
mkdir -p "$out"

# boot ARCH NAME CPIO APPEND: boot, leave the console in $log, status in $rc.
boot() {
	log=$out/$1-$2.log
	sh tools/qemu.sh --arch "$1" --kernel "build/$1/forklore.elf" \
	    --initrd "$3" --append "$4" --timeout 30 > "$log.raw" 2>&1
	rc=$?
	tr -d '\r' < "$log.raw" > "$log"
}

# has TEXT: does the last console log contain TEXT?
has() { grep -qF "$1" "$log"; }

printf 'this is not an ELF file\n' > "$out/notelf"
sh tools/mkinitramfs.sh "$out/noinit.cpio" "$out/notelf" || exit 1
sh tools/mkinitramfs.sh "$out/badelf.cpio" --init "$out/notelf" || exit 1
for arch in i386 x86_64; do
	prog=build/$arch/user/exit
	# On a clean tree nothing has built the user programs yet.
	make --no-print-directory -f tools/userbuild.mk ARCH=$arch > /dev/null || exit 1
	sh tools/initrd-one.sh "$prog" "$out/$arch-exit.cpio" > /dev/null || exit 1
	sh tools/mkinitramfs.sh "$out/$arch-rdinit.cpio" "$prog" || exit 1

	boot $arch exit300 "$out/$arch-exit.cpio" "-- 300"
	check $([ "$rc" = 44 ] && has "exit_group(300) next"; echo $?) \
	    "$arch: /init 300 exits, and QEMU ends with status 44 (got $rc)" "$log"

	boot $arch segv "$out/$arch-exit.cpio" "-- segv"
	check $([ "$rc" = 126 ] && has "segfault at 0 " &&
	    has "init killed by signal 11"; echo $?) \
	    "$arch: /init killed by SIGSEGV ends QEMU with status 126 (got $rc)" "$log"

	boot $arch noinit "$out/noinit.cpio" ""
	check $([ "$rc" = 127 ] && has "No working init found"; echo $?) \
	    "$arch: without /init the kernel panics, status 127 (got $rc)" "$log"

	boot $arch badelf "$out/badelf.cpio" ""
	check $([ "$rc" = 127 ] && has "Failed to execute /init (error -8)"; echo $?) \
	    "$arch: a text file as /init is ENOEXEC, status 127 (got $rc)" "$log"

	boot $arch rdinit "$out/$arch-rdinit.cpio" "rdinit=/exit -- 7"
	check $([ "$rc" = 7 ] && has "Run /exit as init process"; echo $?) \
	    "$arch: rdinit=/exit runs /exit 7 (status $rc)" "$log"
done
tap_done

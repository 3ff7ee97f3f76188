#!/bin/sh
# tools/qemu.sh — boot a forklore kernel (or any multiboot kernel) in QEMU.
#
#   tools/qemu.sh --arch i386|x86_64 --kernel ELF [--initrd CPIO]
#                 [--append ARGS] [--mem MiB] [--cpu MODEL]
#                 [--interactive [--gdb]] [--timeout SECONDS] [--stdin]
#
# Interactive (make run, make debug): the serial console is this terminal,
# Ctrl-A X quits, Ctrl-A C reaches QEMU's monitor.
#
# Headless (the default; what tests use): the serial console goes to
# stdout, the run is bounded by --timeout (default 30 s), and the last
# line says how it ended.  The console's input is /dev/null, or with
# --stdin this script's own standard input (tests/boot/shell.sh types
# commands into the shell that way).  The exit status is the kernel's own status when
# it powered off, 124 when the time ran out, 125 when QEMU ended any other
# way (a triple fault, with -no-reboot, ends QEMU like that).
#
# How the kernel's status reaches us: the kernel writes it to the
# isa-debug-exit device at port 0xf4, and QEMU exits with (status << 1) | 1.
# An odd exit code therefore always means "the kernel powered off".
set -u

arch=x86_64 kernel= initrd= append= mem=128 cpu=max interactive=0 gdb=0
tmo=30 input=/dev/null
while [ $# -gt 0 ]; do
	case "$1" in
	--arch) arch=$2; shift ;;
	--kernel) kernel=$2; shift ;;
	--initrd) initrd=$2; shift ;;
	--append) append=$2; shift ;;
	--mem) mem=$2; shift ;;
	--cpu) cpu=$2; shift ;;
	--timeout) tmo=$2; shift ;;
	--interactive) interactive=1 ;;
	--gdb) gdb=1 ;;
	--stdin) input=/dev/stdin ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

case "$arch" in
i386|x86_64) ;;
*) echo "qemu.sh: --arch must be i386 or x86_64" >&2; exit 2 ;;
esac
[ -f "$kernel" ] || { echo "qemu.sh: no kernel at '$kernel' (run make)" >&2; exit 2; }
if [ -n "$initrd" ] && [ ! -f "$initrd" ]; then
	echo "qemu.sh: no initramfs at '$initrd'" >&2; exit 2
fi

set -- -M pc -cpu "$cpu" -m "$mem" -nodefaults -display none -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$kernel"
[ -n "$append" ] && set -- "$@" -append "$append"
[ -n "$initrd" ] && set -- "$@" -initrd "$initrd"

if [ "$interactive" = 1 ]; then
	set -- "$@" -serial mon:stdio
	[ "$gdb" = 1 ] && set -- "$@" -S -gdb tcp::1234
	qemu-system-"$arch" "$@"
	rc=$?
else
	set -- "$@" -serial stdio -monitor none
	timeout -k 5 "$tmo" qemu-system-"$arch" "$@" <"$input"
	rc=$?
fi

if [ $((rc % 2)) = 1 ]; then
	status=$(((rc - 1) / 2))
	echo "qemu: kernel powered off with status $status"
	exit "$status"
elif [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
	echo "qemu: timed out after ${tmo}s: the kernel hung"
	exit 124
else
	echo "qemu: ended without powering off (exit code $rc): triple fault or QEMU error"
	exit 125
fi

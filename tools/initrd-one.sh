#!/bin/sh
# tools/initrd-one.sh — an initramfs holding one static program as /init.
#
# Usage: tools/initrd-one.sh PROGRAM OUT.cpio [--console]
#
# This is how an outside program — a test built here, a musl -static
# binary, one of Linux's own selftests — is run on forklore:
#
#   sh tools/initrd-one.sh build/x86_64/user/fileio /tmp/fileio.cpio
#   make run ARCH=x86_64 INITRD=/tmp/fileio.cpio
#
# --console adds /dev/console, which a real Linux kernel needs to give
# /init its standard input and output (see tools/mkinitramfs.sh).
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: ${0##*/} PROGRAM OUT.cpio [--console]" >&2
	exit 2
fi
exec sh "$(dirname "$0")/mkinitramfs.sh" "$2" ${3:+"$3"} --init "$1"

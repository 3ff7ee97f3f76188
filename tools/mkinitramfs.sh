#!/bin/sh
# tools/mkinitramfs.sh — pack files into an initramfs: a cpio archive in the
# "newc" format, which is what Linux (and forklore) unpack at boot.
#
# Usage: tools/mkinitramfs.sh OUT.cpio [--console] [--init PROGRAM]
#                              [--dir DIR] [FILE...]
#
#   --init PROGRAM  PROGRAM becomes /init, the first program the kernel runs
#   FILE...         each FILE becomes /<its basename>, keeping its mode
#   --dir DIR       the FILEs after it go into /DIR instead (a directory,
#                   mode 755, made as needed); --dir / goes back to /
#   --console       also add /dev and the device node /dev/console
#                   (character 5,1).  Linux opens /dev/console for PID 1's
#                   stdin, stdout and stderr, and without it PID 1 starts
#                   with no descriptors at all; use it to run an archive on
#                   a real Linux kernel.  Device nodes cannot be created
#                   without root, so these two entries are written by hand.
#
# Every file is owned by root (uid 0, gid 0), and the archive is the same
# for the same inputs: entries are sorted, times are SOURCE_DATE_EPOCH
# (default 0), and inode numbers do not depend on the host (--reproducible).
# Needs GNU cpio (Debian's cpio package).
set -eu

prog=${0##*/}
usage="usage: $prog OUT.cpio [--console] [--init PROGRAM] [--dir DIR] [FILE...]"

die() {
	echo "$prog: $*" >&2
	exit 1
}

[ $# -ge 1 ] || { echo "$usage" >&2; exit 2; }
case $1 in -*) echo "$usage" >&2; exit 2 ;; esac
out=$1
shift
command -v cpio >/dev/null 2>&1 || die "cpio is not installed (apt-get install cpio)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/root"
console=0
dir=

# put SRC NAME: copy SRC to /NAME in the archive, refusing duplicates.
put() {
	[ -f "$1" ] || die "$1: no such file"
	[ ! -e "$tmp/root/$2" ] || die "two files would both be /$2"
	cp "$1" "$tmp/root/$2"
}

while [ $# -gt 0 ]; do
	case $1 in
	--init)
		[ $# -ge 2 ] || die "--init needs a PROGRAM"
		put "$2" init
		chmod 755 "$tmp/root/init"
		shift 2 ;;
	--console)
		console=1
		shift ;;
	--dir)
		[ $# -ge 2 ] || die "--dir needs a DIR"
		dir=$(echo "$2" | sed 's|^/*||; s|/*$||')
		if [ -n "$dir" ]; then
			mkdir -p "$tmp/root/$dir"
			chmod 755 "$tmp/root/$dir"
			dir=$dir/
		fi
		shift 2 ;;
	--)
		shift
		for f in "$@"; do put "$f" "$dir$(basename "$f")"; done
		break ;;
	-*)
		die "unknown option '$1'" ;;
	*)
		put "$1" "$dir$(basename "$1")"
		shift ;;
	esac
done

# One newc header: magic 070701, then 13 fields of 8 hex digits (inode,
# mode, uid, gid, nlink, mtime, file size, device major/minor, the major/
# minor a device node stands for, name size with its NUL, checksum), then
# the name and its NUL, padded with NULs to a multiple of 4 bytes.
newc_entry() { # NAME MODE NLINK RDEVMAJOR RDEVMINOR INODE
	namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
	    "$6" "$2" 0 0 "$3" "$mtime" 0 0 0 "$4" "$5" "$namesize" 0
	printf '%s\0' "$1"
	pad=$(((4 - (110 + namesize) % 4) % 4))
	while [ $pad -gt 0 ]; do printf '\0'; pad=$((pad - 1)); done
}

mtime=${SOURCE_DATE_EPOCH:-0}
find "$tmp/root" -exec touch -h -d "@$mtime" {} +
(
	if [ $console = 1 ]; then
		newc_entry dev $((0040755)) 2 0 0 $((0x7f000001))
		newc_entry dev/console $((0020600)) 1 5 1 $((0x7f000002))
	fi
	cd "$tmp/root"
	find . -mindepth 1 | LC_ALL=C sort | sed 's|^\./||' |
	    cpio -o -H newc -R 0:0 --reproducible --quiet
) > "$tmp/out.cpio"
mv "$tmp/out.cpio" "$out"

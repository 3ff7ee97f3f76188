#!/bin/sh
# tools/mkktestcpio.sh — the initramfs the in-kernel self-tests unpack.
#
# Usage: tools/mkktestcpio.sh OUT.cpio
#
# The suite initramfs_cpio (src.nw/73-console.nw) checks what the kernel
# made of this archive against what this script put in it, so the two
# must change together.  The archive is made by GNU cpio from a real
# directory, so that the kernel's reader is tested against the format
# as cpio writes it, not only as the self-tests write it: a directory
# two levels deep, a symbolic link, a file with two names (which newc
# stores with the contents only on the last name), and a file long
# enough to need padding.
set -eu

[ $# -eq 1 ] || { echo "usage: ${0##*/} OUT.cpio" >&2; exit 2; }
command -v cpio >/dev/null 2>&1 || { echo "${0##*/}: cpio is not installed" >&2; exit 1; }
out=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$tmp/root/sub/dir"
cd "$tmp/root"
printf 'hello from the ktest initramfs\n' > hello.txt
printf 'deep\n' > sub/dir/deep.txt
ln -s hello.txt link
printf 'two names\n' > a
ln a b
awk 'BEGIN { for (i = 0; i < 5000; i++) printf "%c", 65 + i % 26 }' > big
find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet > "$tmp/out.cpio"
cd - >/dev/null
mv "$tmp/out.cpio" "$out"

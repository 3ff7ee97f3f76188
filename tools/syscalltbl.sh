#!/bin/sh
# tools/syscalltbl.sh TABLE OUTDIR — the system call table, as C.
#
# TABLE is a tangled arch/x86/entry/syscalls/syscall_{32,64}.tbl: lines of
# "number name entry", entry being Linux's kernel function (sys_read) or
# "-" when Linux has none.  Writes, under OUTDIR/generated/:
#   syscalls.h      __SYSCALL(number, symbol, name) for every line;
#   syscall_syms.h  __SYSCALL_SYM(symbol) once per distinct symbol;
#   syscall_nr.h    #define __NR_syscalls, the highest number plus one
#                   (Linux's syscallhdr.sh writes it into asm/unistd_64.h),
# where symbol is the entry without its sys_ prefix (read, newuname), or
# ni_NUMBER for a number Linux leaves empty.  arch/x86/entry/
# syscall_table.c includes both: the first builds the table and the list
# of names, the second declares each symbol a weak alias of the
# "not implemented" function.  Only changed files are rewritten.
set -eu
tbl=$1
out=$2/generated
mkdir -p "$out"
tmp=$out/.syscalltbl.$$
trap 'rm -f "$tmp".*' EXIT

awk '
NF >= 2 && $1 ~ /^[0-9]+$/ {
	sym = ($3 == "" || $3 == "-") ? "ni_" $1 : $3
	sub(/^sys_/, "", sym)
	printf "__SYSCALL(%d, %s, %s)\n", $1, sym, $2 > tbl
	if (!(sym in seen)) {
		seen[sym] = 1
		printf "__SYSCALL_SYM(%s)\n", sym > syms
	}
	if ($1 + 1 > nr)
		nr = $1 + 1
}
END { printf "#define __NR_syscalls %d\n", nr > nrh }
' tbl="$tmp.h" syms="$tmp.syms" nrh="$tmp.nr" "$tbl"

for f in syscalls.h:h syscall_syms.h:syms syscall_nr.h:nr; do
	name=${f%%:*} ext=${f#*:}
	cmp -s "$tmp.$ext" "$out/$name" || cp "$tmp.$ext" "$out/$name"
done

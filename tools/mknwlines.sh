#!/bin/sh
# tools/mknwlines.sh — turn a linked kernel's line table and symbols into
# data the kernel itself can search when it faults.
#
#   tools/mknwlines.sh forklore.stage1.elf > nwlines.S
#   tools/mknwlines.sh --empty > nwlines0.S
#
# Because tangle.sh puts #line directives in every C and assembly file,
# the DWARF line table of the kernel already maps each instruction to a
# line of a src.nw/ chapter.  objdump decodes that table; we keep, for
# every address where the source line changes, (offset from _text, file,
# line), sorted by address, and emit it as assembler data in the section
# .nwlines, which the linker script places after all code and data.  The
# kernel's lookup (kernel/nwlines.c) binary-searches it.  Function symbols
# (like Linux's kallsyms) come along, so a dump can say "copy_process+0x1c"
# as well as "src.nw/41-copy-process.nw:212".
#
# Addresses of the x86-64 kernel do not fit an awk number exactly, so we
# work on offsets from _text, computed from the low eight hex digits; the
# image is far smaller than 4 GiB, so no information is lost.
set -eu

emit_header() {
	printf '\t.section .nwlines, "a"\n\t.balign 4\n'
}

if [ "${1:-}" = --empty ]; then
	emit_header
	for s in nwline_count nwline_nfiles ksym_count; do
		printf '\t.globl %s\n%s:\t.long 0\n' "$s" "$s"
	done
	for s in nwline_table nwline_file_off nwline_file_names ksym_table \
	    ksym_names; do
		printf '\t.globl %s\n%s:\n' "$s" "$s"
	done
	exit 0
fi

elf=$1
OBJDUMP=${OBJDUMP:-objdump}
NM=${NM:-nm}

text=$($NM "$elf" | awk '$3 == "_text" { print $1 }')
[ -n "$text" ] || { echo "mknwlines: $elf has no _text symbol" >&2; exit 1; }

# A hex string's last eight digits, as a number, minus _text's.
HEXFN='
function hex8(s,   i, c, v) {
	sub(/^0x/, "", s)
	if (length(s) > 8) s = substr(s, length(s) - 7)
	v = 0
	for (i = 1; i <= length(s); i++) {
		c = index("0123456789abcdef", tolower(substr(s, i, 1))) - 1
		v = v * 16 + c
	}
	return v
}
function off(s,   d) {
	d = hex8(s) - base
	if (d < 0) d += 4294967296
	return d
}'

tmp=${TMPDIR:-/tmp}/mknwlines.$$
trap 'rm -f "$tmp".*' EXIT

# 1. Line rows: "offset file line", the last row for each address wins
#    (later rows at one address describe the instruction that is there).
#    An end-of-sequence row ("-") becomes line 0: no source line.
$OBJDUMP --dwarf=decodedline "$elf" | awk -v base_hex="$text" "$HEXFN"'
BEGIN { base = hex8(base_hex) }
NF >= 3 && $3 ~ /^0x[0-9a-fA-F]+$|^0$/ && ($2 ~ /^[0-9]+$/ || $2 == "-") {
	file = $1
	if (file ~ /\.nw$/ && file !~ /\//) file = "src.nw/" file
	line = ($2 == "-") ? 0 : $2
	if (line > 65535) line = 65535
	print off($3), file, line
}' | sort -s -n -k1,1 | awk '
# A real line beats an end-of-sequence row that shares its address.
{
	if (!($1 in seen)) { seen[$1] = 1; order[n++] = $1; last[$1] = $2 " " $3 }
	else if ($3 != 0) last[$1] = $2 " " $3
}
END { for (i = 0; i < n; i++) print order[i], last[order[i]] }' > "$tmp.lines"

# 2. Function symbols, sorted: "offset name".
$NM -n --defined-only "$elf" | awk -v base_hex="$text" "$HEXFN"'
BEGIN { base = hex8(base_hex) }
NF == 3 && ($2 == "t" || $2 == "T") && $3 !~ /^\.L/ { print off($1), $3 }' \
    > "$tmp.syms"

emit_header
awk '
# Files get small numbers in order of first appearance.
{
	if (!($2 in fileno)) { fileno[$2] = nf; files[nf++] = $2 }
	key = fileno[$2] " " $3
	if (key == prev) next          # same line continues: one row suffices
	prev = key
	rows[n++] = sprintf("\t.long %d\n\t.short %d, %d", $1, fileno[$2], $3)
}
END {
	printf "\t.globl nwline_count\nnwline_count:\t.long %d\n", n
	printf "\t.globl nwline_nfiles\nnwline_nfiles:\t.long %d\n", nf
	printf "\t.globl nwline_table\nnwline_table:\n"
	for (i = 0; i < n; i++) print rows[i]
	printf "\t.globl nwline_file_off\nnwline_file_off:\n"
	o = 0
	for (i = 0; i < nf; i++) { printf "\t.long %d\n", o; o += length(files[i]) + 1 }
	printf "\t.globl nwline_file_names\nnwline_file_names:\n"
	for (i = 0; i < nf; i++) printf "\t.asciz \"%s\"\n", files[i]
}' "$tmp.lines"

awk '
{ rows[n] = $1; names[n] = $2; n++ }
END {
	printf "\t.balign 4\n\t.globl ksym_count\nksym_count:\t.long %d\n", n
	printf "\t.globl ksym_table\nksym_table:\n"
	o = 0
	for (i = 0; i < n; i++) {
		printf "\t.long %d, %d\n", rows[i], o
		o += length(names[i]) + 1
	}
	printf "\t.globl ksym_names\nksym_names:\n"
	for (i = 0; i < n; i++) printf "\t.asciz \"%s\"\n", names[i]
}' "$tmp.syms"

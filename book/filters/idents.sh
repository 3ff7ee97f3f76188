#!/bin/sh
# idents.sh -- index the identifiers of the book (weave.sh step 1b).
#
#   sh book/filters/idents.sh WORKDIR FILE.nw...
#
# Tangles FILEs (tangle.sh) into WORKDIR/src, runs universal-ctags on
# the tangled C, assembler and linker-script files, and maps every tag
# back to its chunk through the `#line` directives (idents.awk):
# WORKDIR/idents.raw is what nw2md.awk reads (-v idents=...).  Needs
# WORKDIR/markup.out (noweb's markup of the same FILEs, same order).
#
# If the sources do not tangle (a fixture that uses an undefined chunk,
# say), the index is empty and nw2md.awk falls back on the `@ %def` lines
# alone; this is said on stderr, and the exit status is still 0.  Exit 2
# if ctags is missing (Debian package: universal-ctags).
set -u
prog=idents.sh
[ $# -ge 2 ] || { echo "usage: $prog WORKDIR FILE.nw..." >&2; exit 2; }
work=$1; shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
CTAGS=${CTAGS:-ctags}
AWK=${AWK:-awk}
"$CTAGS" --version 2>/dev/null | grep -q 'Universal Ctags' || {
	echo "$prog: universal-ctags not found (Debian package: universal-ctags)" >&2
	exit 2
}
: >"$work/idents.raw"
rm -rf "$work/src"
if ! "$root/tangle.sh" -o "$work/src" "$@" >"$work/tangle.out" 2>"$work/tangle.err"; then
	echo "$prog: the sources do not tangle, so only their @ %def identifiers are indexed" >&2
	exit 0
fi
[ -d "$work/src" ] || exit 0	# no code at all
cd "$work/src" || exit 2
"$CTAGS" -R --langmap=C:+.h --excmd=number --fields=+nKeZ \
	--kinds-C=+lzDLp -f "$work/tags" . 2>"$work/ctags.err" || {
	cat "$work/ctags.err" >&2; echo "$prog: ctags failed" >&2; exit 2
}
sfiles=$(find . -name '*.S' ! -name '*.lds.S' | sed 's|^\./||' | sort | tr '\n' ' ')
"$AWK" -f "$here/idents.awk" -v src="$work/src" -v sfiles="$sfiles" \
	"$work/markup.out" "$work/tags" >"$work/idents.raw" || {
	echo "$prog: idents.awk failed" >&2; exit 2
}
exit 0

#!/bin/sh
# tests/weave/idents.sh — the woven book's identifiers and anchors.
# Prints TAP version 13; exits non-zero if any test fails.
#
# 1. tests/weave/idents/*.nw, woven to HTML: a use of a global links to
#    its definition across pages; a struct member, a parameter or local
#    of the same name, a word after . or ->, a comment and a string do
#    not; `struct pid` links to the tag and `pid(` to the function of
#    the same name; an assembler call links to the C function; an
#    assembler label (SYM_CODE_START) is indexed; the first link to a
#    definition carries a data-preview; idents.tsv has its 7 columns;
#    the index pages are there and linked from the landing page; a
#    `Linux:` marker is a link to elixir.bootlin.com next to the chunk
#    header.
# 2. src.nw, through the front end only (noweb, ctags, nw2md.awk): the
#    fork path's functions are defined where the book says; and, after a
#    new chunk and a new continuation are inserted in the middle of one
#    chapter, every chunk anchor of the book still exists, on the same
#    page, for a chunk of the same name.
#
# POSIX sh and awk.

set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${IDENTS_TEST_OUT:-$root/build/tests/idents}
AWK=${AWK:-awk}
lib=${NOWEB_LIB:-/usr/lib/noweb}
rm -rf "$out" && mkdir -p "$out" || { echo "Bail out! cannot create $out"; exit 1; }

echo "TAP version 13"
n=0
failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
check() {
	_desc=$1; shift
	if "$@" >"$out/check.log" 2>&1; then
		ok "$_desc"
	else
		not_ok "$_desc"
		sed -n '1,40s/^/  # /p' "$out/check.log"
	fi
}

# ------------------------------------------------------------ fixtures
fx=$out/fx
cd "$root" || exit 1
# The fixture's C is a sketch that does not compile as a kernel: no call
# graphs for it (tests/callgraph has its own fixture).
if WEAVE_CALLGRAPHS=0 ./weave.sh -q --html -o "$fx" tests/weave/idents/*.nw >"$out/weave.log" 2>&1; then
	ok "fixtures: weave.sh --html exits 0"
else
	not_ok "fixtures: weave.sh --html exits 0"
	sed 's/^/  # /' "$out/weave.log"
fi
d=$fx/html
# code lines of a page, previews dropped (they hold code too)
code() { sed -n '/<pre/,/<\/pre>/p' "$d/$1" | sed 's/ data-preview="[^"]*"//g'; }
code 01-defs.html >"$out/01.code"
code 02-uses.html >"$out/02.code"

# has FILE TEXT: TEXT is in FILE, lines joined by spaces
has() { tr '\n' ' ' <"$1" | grep -F -e "$2" >/dev/null || { echo "not found in ${1##*/}: $2"; return 1; }; }
hasnt() { ! grep -F -e "$2" "$1" || { echo "found in ${1##*/}: $2"; return 1; }; }

check "a global's use links to its definition on another page" \
	has "$out/02.code" '<a class="nwidref" href="01-defs.html#kernel-defs-c">counter</a>++'
check "a parameter named like the global does not link" \
	has "$out/02.code" 't-&gt;counter += counter;'
check "a member after -> does not link" has "$out/02.code" '</span> t-&gt;pid;'
check "a struct member named like the global does not link" \
	has "$out/01.code" '<span class="dt">int</span> counter;    <span class="co">'
check "a prototype's parameter does not link" \
	has "$out/01.code" '<span class="dt">int</span> counter, <span class="kw">struct</span> thing'
check "comments and strings do not link" hasnt "$out/02.code" '">counter</a> in a comment'
check "struct pid links to the tag, pid( to the function" sh -c "
	grep -F '<span class=\"kw\">struct</span> <a class=\"nwidref\" href=\"01-defs.html#kernel-defs-h\">pid</a> *p' '$out/02.code' &&
	grep -F '<a class=\"nwidref\" href=\"01-defs.html#the-pid-functions\">pid</a>(<span' '$out/02.code'"
check "an assembler call links to the C function" \
	has "$out/01.code" '<span class="cf">call</span>    <a class="nwidref" href="02-uses.html#kernel-uses-c">counter_add</a>'
check "the first link to a definition carries a data-preview" \
	grep -F 'data-preview="⟨kernel/defs.c⟩ 1.1&#10;int counter;' "$d/02-uses.html"
check "a preview is not repeated on the page" sh -c \
	"[ \$(grep -o 'data-preview=\"⟨kernel/defs.c⟩' '$d/02-uses.html' | wc -l) = 1 ]"
check "prose [[counter_add]] links to its definition" \
	has "$d/02-uses.html" 'href="#kernel-uses-c" class="nwident"><code>counter_add</code>'

idents_ok() {	# idents.tsv: 7 columns, the expected definitions
	t=$fx/work/html/md/idents.tsv
	"$AWK" -F'\t' 'NF != 7 { print "bad line: " $0; bad = 1 } END { exit bad }' "$t" || return 1
	for want in 'counter	variable	01-defs	kernel-defs-c	1.1' \
		'pid	struct	01-defs	kernel-defs-h	1.2' 'pid	function	01-defs	the-pid-functions	1.3' \
		'thing	struct	01-defs	kernel-defs-h	1.2' 'MAX_THINGS	macro	01-defs	kernel-defs-h	1.2' \
		'ret_from_thing	label	01-defs	arch-x86-entry-entry-s	1.4' \
		'counter_add	function	02-uses	kernel-uses-c	2.1'; do
		grep -F -e "$want" "$t" >/dev/null || { echo "missing: $want"; return 1; }
	done
	! grep -P '^(t|p|s|nr)\t' "$t" || { echo "a local or a member is indexed"; return 1; }
}
check "idents.tsv: name, kind, stem, anchor, number, file, line of each definition" idents_ok
index_ok() {
	has "$d/idents.html" '<code>ret_from_thing</code> <a href="01-defs.html#arch-x86-entry-entry-s">1.4</a> label' &&
	has "$d/idents.html" '<code>counter_add</code> <a href="02-uses.html#kernel-uses-c">2.1</a> function'
}
check "the identifier index lists every identifier, with links" index_ok
check "the chunk index lists every chunk with its uses" \
	has "$d/chunks.html" '⟨The pid functions⟩ <a href="01-defs.html#the-pid-functions">1.3</a>; used in <a href="01-defs.html#kernel-defs-c">1.1</a>'
check "the landing page links both indexes" sh -c \
	"grep -F 'href=\"idents.html\"' '$d/index.html' && grep -F 'href=\"chunks.html\"' '$d/index.html'"
check "a Linux: marker is an elixir link beside the chunk header, at the line" \
	grep -F '<a class="nwlinux" href="https://elixir.bootlin.com/linux/v6.1/source/kernel/fork.c#L2105" title="Linux 6.1: kernel/fork.c">copy_process()</a>' "$d/02-uses.html"
check "a Linux: marker is not printed as prose" sh -c "! grep -F 'Linux: kernel/' '$d/01-defs.html' '$d/02-uses.html'"

# ------------------------------------------------------------ src.nw
# front_end DIR FILE.nw...: weave.sh's first step, without pandoc
front_end() {
	_d=$1; shift
	mkdir -p "$_d/md"
	"$lib/markup" "$@" >"$_d/markup.out" 2>"$_d/markup.err" &&
	"$lib/noidx" <"$_d/markup.out" >"$_d/noidx.out" &&
	sh "$root/book/filters/idents.sh" "$_d" "$@" &&
	"$AWK" -f "$root/book/filters/nw2md.awk" -v out="$_d/md" -v idents="$_d/idents.raw" \
		-v linuxtab="$root/book/linux-v6.1.tsv" "$_d/noidx.out" "$_d/noidx.out"
}

# anchors DIR: "stem<TAB>id<TAB>chunk name" of every chunk
anchors() {
	for f in "$1"/md/*.md; do
		s=${f##*/}; s=${s%.md}
		sed -n 's/^::: {\.nwchunk data-id="\([^"]*\)" data-name="\([^"]*\)".*/\1	\2/p' "$f" |
			sed "s/^/$s	/"
	done | sort
}

stab=$out/stability
mkdir -p "$stab/src.nw"
cp src.nw/*.nw "$stab/src.nw/"
(cd "$stab" && front_end "$stab/a" src.nw/*.nw) >"$out/fe.log" 2>&1
check "src.nw: the front end (noweb, ctags, nw2md.awk) runs" sh -c "[ -s '$stab/a/md/75-fork.md' ] || { cat '$out/fe.log'; exit 1; }"

fork_path_ok() {
	t=$stab/a/md/idents.tsv
	for want in 'copy_process	function	75-fork' 'kernel_clone	function	75-fork' \
		'task_struct	struct	60-tasks' 'wake_up_new_task	function	61-sched' \
		'ret_from_fork	label	61-sched' 'sys_clone3	function	75-fork' \
		'copy_mm	function	76-cow' 'alloc_pid	function	77-ids' 'do_exit	function	79-exit'; do
		grep -F -e "$want" "$t" >/dev/null || { echo "missing: $want"; return 1; }
	done
}
check "src.nw: the fork path's functions, structures and labels are indexed" fork_path_ok
check "src.nw: copy_process's local p never links (p->... everywhere)" sh -c \
	"! grep -E 'NWIDREF[0-9]+Q->' '$stab/a/md/75-fork.md' | grep -E '(^|[^A-Za-z_])p->' >/dev/null; \
	 ! awk -F'\t' '\$5 == \"p\"' '$stab/a/md/refs.tsv' | grep ."

# Insert, in the middle of 75-fork.nw, a section with a new chunk and a
# new continuation of the chapter's root chunk.
"$AWK" 'BEGIN { done = 0 }
/^<<Refuse the flag combinations Linux refuses>>=/ && !done {
	print "A chunk that was not there, and one more piece of the file."
	print ""
	print "<<A chunk inserted by the stability test>>="
	print "int inserted_by_the_test;"
	print "@"
	print ""
	print "<<kernel/fork.c>>="
	print "<<A chunk inserted by the stability test>>"
	print "@"
	print ""
	done = 1
}
{ print }' src.nw/75-fork.nw >"$stab/src.nw/75-fork.nw"
(cd "$stab" && front_end "$stab/b" src.nw/*.nw) >"$out/fe.log" 2>&1
anchors "$stab/a" >"$stab/a.anchors"
anchors "$stab/b" >"$stab/b.anchors"
anchors_kept() {
	comm -23 "$stab/a.anchors" "$stab/b.anchors" >"$stab/lost"
	echo "$(wc -l <"$stab/a.anchors") anchors before, $(wc -l <"$stab/b.anchors") after"
	# only continuations of the chunk that got a new piece may move
	grep -v '^75-fork	.*	kernel/fork\.c$' "$stab/lost" | sed 's/^/lost: /' >"$stab/lost.bad"
	cat "$stab/lost.bad"
	[ -s "$stab/b.anchors" ] && [ ! -s "$stab/lost.bad" ] &&
	grep -F '75-fork	a-chunk-inserted-by-the-stability-test	' "$stab/b.anchors"
}
check "src.nw: inserting a chunk in one chapter changes no other anchor" anchors_kept
kept_pages() {	# every chunk page of the first weave has the same anchors after
	for s in $(cut -f1 "$stab/a.anchors" | sort -u); do
		[ "$s" = 75-fork ] && continue
		grep "^$s	" "$stab/a.anchors" >"$stab/x.a"
		grep "^$s	" "$stab/b.anchors" >"$stab/x.b"
		cmp -s "$stab/x.a" "$stab/x.b" || { echo "$s: anchors changed"; return 1; }
	done
}
check "src.nw: the other chapters' anchors are identical" kept_pages

echo "1..$n"
if [ $failures -gt 0 ]; then
	echo "# $failures of $n tests failed"
	exit 1
fi
echo "# all $n tests passed"
exit 0

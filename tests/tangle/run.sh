#!/bin/sh
# tests/tangle/run.sh -- host tests of tangle.sh, printing TAP version 13.
#
# Usage: sh tests/tangle/run.sh        (from anywhere; exit status 1 if
#                                       any test fails)
#
# The fixtures live in tests/tangle/fixtures/.  The tests run from
# tests/tangle/, so the fixtures are named "fixtures/NAME.nw" on the
# command line, and that is the name tangle.sh must put in its #line
# directives and error messages.  Everything they write goes under
# build/tests/tangle/, which is emptied first.
#
# tangle.sh is run with dash when there is one (it is /bin/sh on Debian,
# and the strictest shell at hand), with the default awk; one test then
# runs every fixture again under each awk installed (mawk, gawk, busybox
# awk) and requires the very same results.  Tests that need gcc or noweb's
# notangle are skipped, with a reason, when those are missing.

# shellcheck disable=SC2086 # $GOOD, $isrc and $a are lists, split on purpose
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cd "$here" || exit 1

TANGLE=${TANGLE:-$top/tangle.sh}	# another tangle.sh may be tested
SH=$(command -v dash || echo sh)
work=$top/build/tests/tangle
rm -rf "$work" && mkdir -p "$work" || exit 1

GOOD="fixtures/good-1.nw fixtures/good-2.nw"
GOOD_ROOTS="empty.md hello.txt include/linux/core.h kernel/sched/core.c
tools/deep/dir/run.sh"

# ---------------------------------------------------------------------
# TAP plumbing.  Results are collected in a file, so that the plan can be
# printed first once the number of tests is known.

tap=$work/tap
: > "$tap"
n=0
failed=0

pass() {
	n=$((n + 1))
	echo "ok $n - $1" >> "$tap"
}

# fail DESCRIPTION [FILE...]: the files are shown as TAP diagnostics
fail() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n - $1" >> "$tap"
	shift
	for f; do
		[ -f "$f" ] && sed 's/^/#   /' "$f" >> "$tap"
	done
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2" >> "$tap"
}

# check DESCRIPTION COMMAND...: pass if the command succeeds; on failure
# its output is shown
check() {
	desc=$1; shift
	if "$@" > "$work/check.out" 2>&1; then
		pass "$desc"
	else
		fail "$desc" "$work/check.out"
	fi
}

# tangle OUTDIR FILE...: run tangle.sh; its status goes to $rc, its
# output to $work/out and $work/err
tangle() {
	o=$1; shift
	"$SH" "$TANGLE" -o "$o" "$@" > "$work/out" 2> "$work/err"
	rc=$?
}

have() {
	command -v "$1" > /dev/null 2>&1
}

# ---------------------------------------------------------------------
# Helpers for the checks.

# The files under a directory, one per line, sorted.
list_files() {
	(cd "$1" 2> /dev/null && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
}

# check_lines FILE...: in C or assembler produced by tangle.sh, every line
# must be where its #line state says: the effective (file, line) at each
# output line must name a .nw line that holds the same text, give or take
# the indentation.  (This is meant for roots without macros continued
# over a chunk boundary and without uses in the middle of a line.)
check_lines() {
	awk '
	function load(f,   l, i) {
		i = 0
		while ((getline l < f) > 0)
			src[f, ++i] = l
		close(f)
		loaded[f] = 1
	}
	function trim(s) {
		sub(/^[ \t]+/, "", s)
		sub(/[ \t]+$/, "", s)
		return s
	}
	FNR == 1 { f = ""; n = 0 }
	/^#line [0-9]+ "[^"]*"$/ {
		n = $2
		f = $0
		sub(/^#line [0-9]+ "/, "", f)
		sub(/"$/, "", f)
		next
	}
	{
		if (f == "") {
			print FILENAME ":" FNR ": no #line before this line"
			bad = 1
			next
		}
		if (!(f in loaded))
			load(f)
		if (trim($0) != trim(src[f, n])) {
			print FILENAME ":" FNR ": #line state says " f ":" n \
			    " (\"" src[f, n] "\") but the line is \"" $0 "\""
			bad = 1
		}
		n++
	}
	END { exit bad }' "$@"
}

# The line of a .nw file where a unique marker stands.
line_of() {
	grep -n -- "$2" "$1" | cut -d: -f1
}

# mtimes of all files under a directory are set to 2000-01-01; then the
# files a later run rewrote are those newer than $work/ref.
age_files() {
	find "$1" -type f -exec touch -t 200001010000 {} +
	touch -t 200101010000 "$work/ref"
}

newer_files() {
	(cd "$1" 2> /dev/null && find . -type f -newer "$work/ref" | sed 's|^\./||' |
	    LC_ALL=C sort)
}

# expect_error NAME DESCRIPTION FILE...: tangling must fail with status 1,
# print exactly the lines of $work/expected on stderr, and write nothing.
expect_error() {
	name=$1 desc=$2; shift 2
	o=$work/$name
	tangle "$o" "$@"
	if [ "$rc" -ne 1 ]; then
		echo "exit status $rc, not 1" > "$work/why"
		fail "$desc" "$work/why" "$work/err"
	elif ! cmp -s "$work/expected" "$work/err"; then
		diff "$work/expected" "$work/err" > "$work/why"
		fail "$desc" "$work/why"
	elif [ -e "$o" ]; then
		echo "$o was created" > "$work/why"
		fail "$desc" "$work/why"
	else
		pass "$desc"
	fi
}

# ---------------------------------------------------------------------
# Good sources.

out=$work/good
tangle "$out" $GOOD
if [ "$rc" -eq 0 ] && [ ! -s "$work/out" ] && [ ! -s "$work/err" ]; then
	pass "good fixtures tangle with status 0 and no output"
else
	echo "exit status $rc" > "$work/why"
	fail "good fixtures tangle with status 0 and no output" \
	    "$work/why" "$work/out" "$work/err"
fi

printf '%s\n' $GOOD_ROOTS > "$work/roots.expected"
list_files "$out" > "$work/roots"
check "every file root, in nested directories, and nothing else" \
    diff "$work/roots.expected" "$work/roots"

check "chunks continued across files, indentation, escapes (hello.txt)" \
    diff fixtures/expected-hello.txt "$out/hello.txt"

check "a root three directories deep (tools/deep/dir/run.sh)" \
    diff fixtures/expected-run.sh "$out/tools/deep/dir/run.sh"

check "an empty root gives an empty file" \
    test -f "$out/empty.md" -a ! -s "$out/empty.md"

check "no #line directives outside .c, .h and .S" \
    sh -c 'cat "$@" > /dev/null && ! grep -l "^#line" "$@"' sh "$out/hello.txt" \
    "$out/tools/deep/dir/run.sh"

# notangle -t8 is the reference for indentation and concatenation; only
# the #line directives differ (and notangle writes "\n" for an empty root)
if have notangle; then
	: > "$work/why"
	for r in $GOOD_ROOTS; do
		[ "$r" = empty.md ] && continue
		notangle -t8 -R"$r" $GOOD > "$work/notangle" 2>> "$work/why"
		grep -v '^#line ' "$out/$r" | diff "$work/notangle" - \
		    >> "$work/why" 2>&1 || echo "($r differs)" >> "$work/why"
	done
	if [ -s "$work/why" ]; then
		fail "same text as notangle -t8, #line aside" "$work/why"
	else
		pass "same text as notangle -t8, #line aside"
	fi
else
	skip "same text as notangle -t8, #line aside" "no notangle (noweb)"
fi

check "#line state names the right .nw line (core.c, core.h)" \
    check_lines "$out/kernel/sched/core.c" "$out/include/linux/core.h"

# A chapter of prose alone (no chunk at all) is a chapter like any other.
tangle "$work/prose-alone" fixtures/prose.nw
if [ "$rc" -eq 0 ] && [ ! -s "$work/out" ] && [ ! -s "$work/err" ] &&
    [ -z "$(list_files "$work/prose-alone")" ]; then
	pass "a prose-only chapter alone tangles with status 0 and writes nothing"
else
	echo "exit status $rc" > "$work/why"
	list_files "$work/prose-alone" >> "$work/why"
	fail "a prose-only chapter alone tangles with status 0 and writes nothing" \
	    "$work/why" "$work/out" "$work/err"
fi
tangle "$work/prose-mixed" fixtures/good-1.nw fixtures/prose.nw fixtures/good-2.nw
if [ "$rc" -eq 0 ] && [ ! -s "$work/err" ] &&
    diff -r "$out" "$work/prose-mixed" > "$work/why" 2>&1; then
	pass "a prose-only chapter between others changes no file"
else
	echo "exit status $rc" >> "$work/why"
	fail "a prose-only chapter between others changes no file" \
	    "$work/why" "$work/err"
fi

# ---------------------------------------------------------------------
# #line directives as gcc and gas see them.

lout=$work/lines
tangle "$lout" fixtures/lines.nw
check "lines.nw tangles" test "$rc" -eq 0

check "#line state names the right .nw line (lines.c, entry.S)" \
    check_lines "$lout/lines.c" "$lout/entry.S"

if have gcc; then
	gcc -I "$out/include/linux" -Wall -Werror -c \
	    -o "$work/core.o" "$out/kernel/sched/core.c" > "$work/gcc" 2>&1
	check "the tangled C compiles cleanly" test $? -eq 0

	gcc -c -o "$work/lines.o" "$lout/lines.c" > "$work/gcc" 2>&1
	st=$?
	l=$(line_of fixtures/lines.nw marker-nested)
	check "gcc puts a #warning two chunks deep at fixtures/lines.nw:$l" \
	    grep -q "^fixtures/lines.nw:$l:.*marker-nested" "$work/gcc"
	l=$(line_of fixtures/lines.nw marker-after-return)
	check "gcc puts a #warning after an included chunk at fixtures/lines.nw:$l" \
	    grep -q "^fixtures/lines.nw:$l:.*marker-after-return" "$work/gcc"
	check "warnings alone do not fail the compile" test $st -eq 0

	gcc -DFAIL -c -o "$work/lines.o" "$lout/lines.c" > "$work/gcc" 2>&1
	st=$?
	l=$(line_of fixtures/lines.nw marker-error)
	if [ $st -ne 0 ] &&
	    grep -q "^fixtures/lines.nw:$l:.*error.*marker-error" "$work/gcc"
	then
		pass "gcc fails on an #error and names fixtures/lines.nw:$l"
	else
		fail "gcc fails on an #error and names fixtures/lines.nw:$l" \
		    "$work/gcc"
	fi

	gcc -c -o "$work/macro.o" "$lout/macro.c" > "$work/gcc" 2>&1
	st=$?
	l=$(line_of fixtures/lines.nw marker-after-macro)
	if [ $st -eq 0 ] &&
	    grep -q "^fixtures/lines.nw:$l:.*marker-after-macro" "$work/gcc"
	then
		pass "no #line inside a macro continued with \\, right line after it"
	else
		fail "no #line inside a macro continued with \\, right line after it" \
		    "$lout/macro.c" "$work/gcc"
	fi

	gcc -c -o "$work/entry.o" "$lout/entry.S" > "$work/gcc" 2>&1
	l=$(line_of fixtures/lines.nw marker-asm)
	check "the assembler puts a .warning at fixtures/lines.nw:$l" \
	    grep -q "^fixtures/lines.nw:$l:.*marker-asm" "$work/gcc"
else
	for t in "the tangled C compiles cleanly" \
	    "gcc puts a #warning two chunks deep at the right line" \
	    "gcc puts a #warning after an included chunk at the right line" \
	    "warnings alone do not fail the compile" \
	    "gcc fails on an #error and names the right line" \
	    "no #line inside a macro continued with \\, right line after it" \
	    "the assembler puts a .warning at the right line"; do
		skip "$t" "no gcc"
	done
fi

# ---------------------------------------------------------------------
# Only files whose content changed are rewritten.

inc=$work/incremental
mkdir -p "$inc/src.nw"
cp fixtures/good-1.nw fixtures/good-2.nw "$inc/src.nw/"
isrc="$inc/src.nw/good-1.nw $inc/src.nw/good-2.nw"
tangle "$inc/out" $isrc
age_files "$inc/out"

tangle "$inc/out" $isrc
newer_files "$inc/out" > "$work/newer"
check "tangling again rewrites nothing" test "$rc" -eq 0 -a ! -s "$work/newer"

# a change to a chunk that only kernel/sched/core.c includes
sed 's/sum += i;/sum += i * 2;/' fixtures/good-1.nw > "$inc/src.nw/good-1.nw"
tangle "$inc/out" $isrc
newer_files "$inc/out" > "$work/newer"
echo kernel/sched/core.c > "$work/newer.expected"
check "changing one chunk rewrites only the file that includes it" \
    diff "$work/newer.expected" "$work/newer"
check "... and the file holds the change" \
    grep -q 'sum += i \* 2;' "$inc/out/kernel/sched/core.c"

# a line of prose added at the top of good-2.nw moves the #line numbers
# of core.h alone: hello.txt and run.sh, also continued there, carry none
age_files "$inc/out"
{ echo "% one more line"; cat fixtures/good-2.nw; } > "$inc/src.nw/good-2.nw"
tangle "$inc/out" $isrc
newer_files "$inc/out" > "$work/newer"
echo include/linux/core.h > "$work/newer.expected"
check "moving lines rewrites only the files whose #line changed" \
    diff "$work/newer.expected" "$work/newer"

# a tangled file edited by hand is put back, even if only its final
# newline went
h=$inc/out/hello.txt
printf '%s' "$(cat "$h")" > "$work/hello" && cat "$work/hello" > "$h"
tangle "$inc/out" $isrc
check "a file that lost only its final newline is rewritten" \
    diff fixtures/expected-hello.txt "$h"

# -v names each file and what was done with it
age_files "$inc/out"
"$SH" "$TANGLE" -v -o "$inc/out" $isrc > "$work/out" 2>&1
for r in $GOOD_ROOTS; do
	echo "unchanged $inc/out/$r"
done > "$work/verbose.expected"
LC_ALL=C sort "$work/out" > "$work/verbose"
check "-v reports every file, here all unchanged" \
    diff "$work/verbose.expected" "$work/verbose"

# ---------------------------------------------------------------------
# Broken sources: status 1, exact messages, nothing written.

cat > "$work/expected" <<'EOF'
fixtures/undefined.nw:5: chunk <<Missing step>> is used here but never defined
EOF
expect_error undefined "a chunk used but never defined" fixtures/undefined.nw

cat > "$work/expected" <<'EOF'
fixtures/unused.nw:8: chunk <<Helper nobody calls>> is defined but never used, and its name is not a relative file path, so it is not a root
EOF
expect_error unused "a chunk defined but never used, not named like a file" \
    fixtures/unused.nw

cat > "$work/expected" <<'EOF'
fixtures/island.nw:8: chunk <<Ping>> is defined but never reached from any root chunk: it is used only by chunks that are themselves unreachable
fixtures/island.nw:12: chunk <<Pong>> is defined but never reached from any root chunk: it is used only by chunks that are themselves unreachable
fixtures/island.nw:13: chunk <<Ping>> includes itself: <<Ping>> -> <<Pong>> -> <<Ping>>
EOF
expect_error island "chunks no root reaches (a cycle of their own)" \
    fixtures/island.nw

cat > "$work/expected" <<'EOF'
fixtures/badroot.nw:3: root chunk <</etc/forklore.conf>> is defined but never used, so it is a root, but it cannot be a file name: it is absolute (it starts with "/")
fixtures/badroot.nw:7: root chunk <<../outside.c>> is defined but never used, so it is a root, but it cannot be a file name: it has a ".." component
fixtures/badroot.nw:11: root chunk <<kernel/./fork.c>> is defined but never used, so it is a root, but it cannot be a file name: it has a "." component
fixtures/badroot.nw:15: root chunk <<my file.c>> is defined but never used, so it is a root, but it cannot be a file name: it contains white space
fixtures/badroot.nw:19: root chunk <<kernel//pid.c>> is defined but never used, so it is a root, but it cannot be a file name: it has an empty component ("//" or a trailing "/")
fixtures/badroot.nw:23: root chunk <<fs/file.c~>> is defined but never used, so it is a root, but it cannot be a file name: it contains the character "~" (a file name may hold only letters, digits, "/", "_", "+", "." and "-")
fixtures/badroot.nw:31: root chunk <<arch/x86/boot.S>> needs "arch" to be a directory, but root chunk <<arch>> makes it a file
EOF
expect_error badroot "roots named like paths that cannot be files" \
    fixtures/badroot.nw

cat > "$work/expected" <<'EOF'
fixtures/recursion.nw:16: chunk <<Step A>> includes itself: <<Step A>> -> <<Step B>> -> <<Step A>>
fixtures/recursion.nw:21: chunk <<Step C>> includes itself: <<Step C>> -> <<Step C>>
EOF
expect_error recursion "chunks that include themselves" fixtures/recursion.nw

cat > "$work/expected" <<'EOF'
fixtures/unterminated.nw:6: unterminated chunk reference "<<Give the child its own" (missing ">>"; write @<< for a literal <<)
EOF
expect_error unterminated \
    "a reference missing its >> (not a shift, not a chunk open at EOF)" \
    fixtures/unterminated.nw

cat > "$work/expected" <<'EOF'
fixtures/no-such-file.nw:0: cannot read this file: no such file
fixtures:0: cannot read this file: it is a directory
EOF
expect_error missing "chapters that cannot be read" \
    fixtures/good-1.nw fixtures/no-such-file.nw fixtures

cat > "$work/expected" <<'EOF'
fixtures/unused.nw:8: chunk <<Helper nobody calls>> is defined but never used, and its name is not a relative file path, so it is not a root
fixtures/undefined.nw:5: chunk <<Missing step>> is used here but never defined
EOF
expect_error several "errors of several files, in the order of the files" \
    fixtures/unused.nw fixtures/undefined.nw $GOOD

# an error leaves a tree tangled before exactly as it was
keep=$work/keep
tangle "$keep" $GOOD
age_files "$keep"
tangle "$keep" $GOOD fixtures/undefined.nw
newer_files "$keep" > "$work/newer"
check "an error rewrites no file of an existing tree" \
    test "$rc" -eq 1 -a ! -s "$work/newer"

"$SH" "$TANGLE" > "$work/out" 2>&1
check "no chapter at all is a usage error (status 2)" test $? -eq 2
"$SH" "$TANGLE" -x $GOOD > "$work/out" 2>&1
check "an unknown option is a usage error (status 2)" test $? -eq 2

# ---------------------------------------------------------------------
# Every awk at hand gives the same files and the same messages.

# run_sets DIR: tangle every fixture into DIR with the awk named by $AWK
run_sets() {
	mkdir -p "$1"
	"$SH" "$TANGLE" -o "$1/good" $GOOD 2> "$1/good.err"
	for f in lines undefined unused island badroot recursion unterminated
	do
		"$SH" "$TANGLE" -o "$1/$f" "fixtures/$f.nw" 2> "$1/$f.err"
	done
}

(unset AWK; run_sets "$work/awk-default")
: > "$work/why"
tried=""
for a in mawk gawk original-awk "busybox awk"; do
	set -- $a
	have "$1" || continue
	[ "$1" != busybox ] || busybox awk 'BEGIN {}' 2> /dev/null || continue
	tried="$tried${tried:+, }$a"
	d=$work/awk-$1
	(AWK=$a; export AWK; run_sets "$d")
	diff -r "$work/awk-default" "$d" >> "$work/why" 2>&1 ||
	    echo "($a differs from the default awk)" >> "$work/why"
done
if [ -z "$tried" ]; then
	skip "every awk gives the same files and messages" "no awk to compare"
elif [ -s "$work/why" ]; then
	fail "the same files and messages with: $tried" "$work/why"
else
	pass "the same files and messages with: $tried"
fi

# ---------------------------------------------------------------------
# Fast: a book of 5,000 lines and 150 files tangles well under a second.

big=$work/big.nw
awk 'BEGIN {
	for (r = 1; r <= 150; r++) {
		printf "@ File %d.\n\n<<dir%d/file%d.c>>=\n", r, r % 10, r
		printf "int\nf%d(void)\n{\n\t<<Body of %d>>\n}\n@\n\n", r, r
		printf "<<Body of %d>>=\nint x = 0;\n\n", r
		for (i = 1; i <= 15; i++)
			printf "x += %d;\t/* 1 << %d */\n", i, i
		printf "\t<<Tail of %d>>\nreturn x;\n@\n\n", r
		printf "<<Tail of %d>>=\nx++;\n@\n\n", r
	}
}' > "$big"
if date +%s%N | grep -q N; then
	skip "5,000 lines and 150 files tangle in under a second" \
	    "date cannot show nanoseconds"
else
	t0=$(date +%s%N)
	tangle "$work/big" "$big"
	t1=$(date +%s%N)
	ms=$(( (t1 - t0) / 1000000 ))
	check "5,000 lines and 150 files tangle in under a second (${ms} ms)" \
	    test "$rc" -eq 0 -a "$ms" -lt 1000
fi

# ---------------------------------------------------------------------

echo "TAP version 13"
echo "1..$n"
cat "$tap"
[ "$failed" -eq 0 ]

#!/bin/sh
# tools/trace.sh — what really ran during one clone3(CLONE_PIDFD).
#
#   tools/trace.sh [-o DIR]        (default DIR: build/trace)
#
# Appendix "how the book draws its figures" (src.nw/96-figures.nw):
#  1. build the x86-64 kernel once more, into build/x86_64-trace/, with
#     -finstrument-functions and CONFIG_FORKLORE_TRACE (tools/kbuild.mk,
#     its OUT and CFLAGS_STACK overridden; incremental like the real one);
#  2. build tools/trace/clone3_pidfd.c with musl-gcc -static;
#  3. boot it as /init under QEMU (60 s timeout) and read the
#     "calltrace:" lines the kernel prints;
#  4. name each address with nm and write
#       DIR/calltree.txt   the indented call tree, parent then child
#       DIR/trace.dot      the calls that ran, each edge with its count
#       DIR/summary.txt    one line: calls, functions, tasks
# Steps 3-4 are skipped when the kernel and the program are older than
# DIR/calltree.txt (nothing to redo).  Needs the tangled tree (make
# tangle), gcc, musl-gcc, qemu-system-x86_64.
set -u
prog=trace.sh
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd) || die "cannot find the repository"
cd "$root" || die "cannot enter $root"
out=build/trace
[ "${1:-}" = -o ] && { out=$2; shift 2; }
B=build
kout=$B/x86_64-trace
mkdir -p "$out" "$kout" || die "cannot create $out"

[ -f "$B/src/.stamp" ] || die "no tangled tree: run make tangle"
[ -f "$B/src/kernel/trace/calltrace.c" ] || die "no kernel/trace/calltrace.c in $B/src"

# ---- 1. the instrumented kernel
make --no-print-directory -s -f tools/kbuild.mk ARCH=x86_64 OUT="$kout" \
	CFLAGS_STACK="-mpreferred-stack-boundary=3 -finstrument-functions -DCONFIG_FORKLORE_TRACE=1" \
	>"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; die "the tracing kernel does not build"; }
elf=$kout/forklore.elf

# ---- 2. the program
src=$B/src/tools/trace/clone3_pidfd.c
bin=$kout/clone3_pidfd
if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ]; then
	command -v musl-gcc >/dev/null 2>&1 || die "musl-gcc not found (Debian package: musl-tools)"
	musl-gcc -static -O2 -Wall -Wextra -Werror -o "$bin" "$src" 2>"$out/prog.log" ||
		{ cat "$out/prog.log" >&2; die "cannot build $src"; }
fi

if [ -s "$out/calltree.txt" ] && [ "$out/calltree.txt" -nt "$elf" ] && [ "$out/calltree.txt" -nt "$bin" ]; then
	exit 0
fi

# ---- 3. run
sh tools/mkinitramfs.sh "$out/trace.cpio" --init "$bin" >/dev/null || die "cannot pack $bin"
sh tools/qemu.sh --arch x86_64 --kernel "$elf" --mem 128 --initrd "$out/trace.cpio" \
	--timeout 60 >"$out/console.raw" 2>&1
rc=$?
tr -d '\r' <"$out/console.raw" >"$out/console.txt"
grep -q '^calltrace: end$' "$out/console.txt" ||
	{ tail -n 20 "$out/console.txt" >&2; die "no call trace on the console (QEMU status $rc)"; }
grep -q '^clone3: child [0-9]*, pidfd [0-9]*, status 0$' "$out/console.txt" ||
	{ tail -n 20 "$out/console.txt" >&2; die "the clone3 program did not succeed"; }

# ---- 4. names, listing, graph
nm "$elf" | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }' >"$out/syms.txt"
awk -v tree="$out/calltree.txt" -v dot="$out/trace.dot" -v sum="$out/summary.txt" '
FILENAME ~ /syms\.txt$/ { name[tolower($1)] = $2; next }
/^calltrace: begin / { on = 1; lost = $4; next }
/^calltrace: end$/ { on = 0; next }
on && /^calltrace: [PC] [0-9]+ [0-9a-f]+$/ {
	who = $2; d = $3 + 0; a = sprintf("%016s", $4); gsub(/ /, "0", a)
	fn = (a in name) ? name[a] : "0x" $4
	n++; W[n] = who; D[n] = d; F[n] = fn
	next
}
END {
	for (i = 1; i <= n; i++) {
		if (W[i] != lastw) {
			printf "%s\n", W[i] == "P" ? "# the parent, in clone3():" : "# the child, from ret_from_fork:" > tree
			lastw = W[i]
		}
		ind = ""; for (j = 0; j < D[i]; j++) ind = ind "  "
		printf "%s%s\n", ind, F[i] > tree
		# the caller: the nearest earlier record of this task one level up
		stack[W[i], D[i]] = F[i]
		if (D[i] > 0 && ((W[i], D[i] - 1) in stack)) {
			e = stack[W[i], D[i] - 1] SUBSEP F[i]
			if (!(e in cnt)) { ne++; E[ne] = e }
			cnt[e]++
		}
		fns[F[i]] = 1
		if (W[i] == "C") child = 1
	}
	nf = 0; for (f in fns) nf++
	printf "digraph trace {\n\tgraph [rankdir=LR, fontname=\"sans-serif\", fontsize=10, nodesep=0.1, ranksep=0.3, bgcolor=\"white\"];\n" > dot
	printf "\tnode [shape=box, style=\"rounded,filled\", fillcolor=\"#fdf1e3\", color=\"#b07a3a\", fontname=\"monospace\", fontsize=9, height=0.2, margin=\"0.05,0.02\"];\n" > dot
	printf "\tedge [arrowsize=0.5, penwidth=0.8, color=\"#555555\", fontname=\"sans-serif\", fontsize=8];\n" > dot
	for (i = 1; i <= ne; i++) {
		split(E[i], p, SUBSEP)
		lab = (cnt[E[i]] > 1) ? " [label=\"" cnt[E[i]] "\"]" : ""
		printf "\t\"%s\" -> \"%s\"%s;\n", p[1], p[2], lab > dot
	}
	printf "}\n" > dot
	printf "%d calls of %d functions in %s; %d records lost\n", n, nf, child ? "the parent and the child" : "the parent", lost + 0 > sum
}' "$out/syms.txt" "$out/console.txt" || die "cannot read the call trace"
[ -s "$out/calltree.txt" ] || die "empty call trace"
exit 0

#!/bin/sh
# tools/callgraph.sh — the book's call graphs, generated from the code.
#
#   tools/callgraph.sh --work WORK --cache DIR [--formats "svg pdf"] FILE.nw...
#   tools/callgraph.sh --prepare --cache DIR FILE.nw...   (steps 1-3 only)
#
# weave.sh runs it after nw2md.awk, with WORK its work directory (which
# holds md/chunks.tsv, md/chapters.tsv and the chapters' Markdown).
#
#  1. tangle FILEs into DIR/src (tangle.sh rewrites only what changed);
#  2. compile the x86-64 kernel's .c files there with GCC's
#     -fcallgraph-info (tools/callgraph.mk: incremental, -O0, no link);
#  3. read the .ci files, the objects' relocations and the .S files
#     (tools/cgextract.awk) into DIR/cg.tsv: functions, with the .nw file
#     and line of their definition (#line), and calls between them;
#  4. map each function to the chunk holding that line (chunks.tsv) and
#     write Graphviz graphs (tools/cgdot.awk): one a chapter for the
#     functions it defines, and the fork path (cg-fork-path);
#  5. draw each graph with dot, in each FORMAT, into DIR/render/ (a graph
#     whose .dot did not change is not drawn again), and copy the
#     drawings to WORK/gfig/;
#  6. put each graph, with its generated caption, into its chapter's
#     Markdown: where the prose has the line <!-- forklore:callgraph -->
#     (the chapter's graph) or <!-- forklore:fork-path --> (the fork
#     path), else — the chapter's graph only — at the chapter's end.
#
# The HTML shows a graph as <figure class="callgraph"><div
# class="callgraph-scroll"><object data="figures/NAME.svg"> (an <object>,
# not an <img>, so that its nodes are links, to ../<stem>.html#<anchor>,
# target _top); a chapter's graph comes under "## Call graph"
# {#sec-cg-<stem>}; the PDF includes figures/NAME.pdf in a LaTeX figure
# labelled fig-NAME.  With --trace DIR (tools/trace.sh's output), the
# graph of what really ran (cg-fork-trace) and its indented listing go
# where a chapter has <!-- forklore:fork-trace -->.  weave.sh
# copies WORK/gfig/*.svg into html/figures/ and *.pdf into pdf/figures/.
#
# Steps 1-3 depend only on FILEs and on the tools that tangle, compile
# and read them: DIR/prepared holds a checksum of those (the FILEs'
# names and contents, tangle.sh, this script, callgraph.mk, kbuild.mk,
# cgextract.awk, the versions of gcc and objdump) as of the last time
# steps 1-3 ran to the end, and while it is the same they are skipped.
# --prepare runs steps 1-3 alone: weave.sh starts it as soon as it has
# its inputs, so that the compile runs beside noweb's front end, and the
# call that follows finds them done.
#
# Sources without a kernel (.c files under arch/ kernel/ mm/ ...), or
# that tangle.sh refuses, give no graph and no error.  DIR is shared by concurrent weaves (make -j
# html pdf): a lock directory DIR.lock serialises steps 1-5.
#
# Environment: CALLGRAPH_MAXOWN (functions of its own a chapter's graph
# shows, default 30), CALLGRAPH_MAXNB (callers and callees from other
# chapters, default 16), CALLGRAPH_TRACE_DEPTH (deepest level of the
# trace listing, default 6), DOT, AWK, MAKE, CALLGRAPH_JOBS.
set -u
prog=callgraph.sh
die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
root=$(cd "$(dirname "$0")/.." && pwd) || die "cannot find the repository"
AWK=${AWK:-awk}
DOT=${DOT:-dot}
MAKE=${MAKE:-make}
jobs=${CALLGRAPH_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}

work="" cache="" formats="svg pdf" trace="" prepare=0
while [ $# -gt 0 ]; do
	case $1 in
	--prepare) prepare=1; shift ;;
	--work) work=$2; shift 2 ;;
	--cache) cache=$2; shift 2 ;;
	--formats) formats=$2; shift 2 ;;
	--trace) trace=$2; shift 2 ;;
	--) shift; break ;;
	-*) die "unknown option: $1" ;;
	*) break ;;
	esac
done
{ [ -n "$work" ] || [ $prepare = 1 ]; } && [ -n "$cache" ] && [ $# -gt 0 ] ||
	die "usage: $prog --work WORK --cache DIR [--formats 'svg pdf'] FILE.nw... | --prepare --cache DIR FILE.nw..."
if [ $prepare = 0 ]; then
	[ -r "$work/md/chunks.tsv" ] || die "no $work/md/chunks.tsv (run nw2md.awk first)"
	mkdir -p "$work/gfig" || die "cannot create $work/gfig"
fi
mkdir -p "$cache" || die "cannot create $cache"
cache=$(cd "$cache" && pwd)
# FILEs as paths from the repository root, as tangle.sh writes them in
# #line (the chunks' file names are the same paths)
for f in "$@"; do
	[ -f "$f" ] || die "no such file: $f"
done

# ---- the lock (a directory holding the holder's pid; a lock whose
# holder is gone is taken over)
lock=$cache.lock
tries=0
until mkdir "$lock" 2>/dev/null; do
	holder=$(cat "$lock/pid" 2>/dev/null)
	if [ -n "$holder" ] && ! kill -0 "$holder" 2>/dev/null; then
		rm -rf "$lock"
		continue
	fi
	tries=$((tries + 1))
	[ $tries -le 300 ] || die "$lock is held for 5 minutes (by pid ${holder:-?})"
	sleep 1
done
echo $$ >"$lock/pid"
trap 'rm -rf "$lock"' EXIT
trap 'exit 1' INT TERM HUP PIPE

# ---- what steps 1-3 are made from (see above)
key=$({ printf '%s\n' "$@"; cat "$@"
	cat "$root/tangle.sh" "$root/tools/callgraph.sh" "$root/tools/callgraph.mk" \
	    "$root/tools/kbuild.mk" "$root/tools/cgextract.awk"
	gcc --version | head -n 1; objdump --version | head -n 1
	echo "$AWK $MAKE"; } | md5sum | cut -c1-32)
src=$cache/src
obj=$cache/x86_64/obj
kdirs="arch drivers init kernel lib mm fs"
if [ -s "$cache/cg.tsv" ] && [ -s "$cache/ranges.tsv" ] &&
	[ "$(cat "$cache/prepared" 2>/dev/null)" = "$key" ]; then
	[ $prepare = 1 ] && exit 0
else
rm -f "$cache/prepared"

# ---- 1. tangle
mkdir -p "$src"
# Sources that do not tangle (a weave test's broken fixture) have no
# graph; the book's own sources are held to tangling by make test.
"$root/tangle.sh" -v -o "$src" "$@" >"$cache/tangle.log" 2>"$cache/tangle.err" || exit 0
sed 's/^[a-z]* //' "$cache/tangle.log" | sed "s|^$src/||; s|^\./||" | sort >"$cache/tangle.files"
# remove what no root produces any more (a renamed chunk)
(cd "$src" && find . -type f | sed 's|^\./||' | sort) | comm -23 - "$cache/tangle.files" |
	while read -r f; do rm -f "$src/$f"; done

csrc=$(cd "$src" && for d in $kdirs; do [ -d "$d" ] && find "$d" -name '*.c'; done | grep -v '_32\.c$' | sort)
if [ -z "$csrc" ]; then
	exit 0	# no kernel: no graph
fi

# ---- 2. compile for the call graph (x86-64)
if ! (cd "$root" && "$MAKE" --no-print-directory -s -j"$jobs" -f tools/callgraph.mk \
	B="$cache" ARCH=x86_64 callgraph) >"$cache/make.log" 2>&1; then
	sed "s/^/$prog: /" "$cache/make.log" | head -n 30 >&2
	die "the call graph's compile failed (see $cache/make.log)"
fi

# ---- 3. extract (every time steps 1-3 run: 0.1 s)
asrc=$(cd "$src" && for d in $kdirs; do [ -d "$d" ] && find "$d" -name '*.S'; done |
	grep -v '\.lds\.S$' | grep -v '_32\.S$' | sort)
{
	for c in $csrc; do
		u=x86_64/obj/${c%.c}
		[ -f "$cache/$u.ci" ] && [ -f "$cache/$u.rel" ] && printf '%s\n%s\n' "$u.ci" "$u.rel"
	done
	for s in $asrc; do echo "src/$s"; done
} >"$cache/inputs"
(cd "$cache" && xargs "$AWK" -f "$root/tools/cgextract.awk" <inputs >cg.tmp) &&
	mv "$cache/cg.tmp" "$cache/cg.tsv" || die "cgextract.awk failed"
# ranges.tsv: which runs of .nw lines each tangled file holds
(cd "$src" && find . -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sed 's|^\./||' | sort |
	xargs "$AWK" '
	function flush() { if (nwf != "" && last >= first) printf "%s\t%d\t%d\t%s\n", nwf, first, last, tf; nwf = "" }
	FNR == 1 { flush(); tf = FILENAME }
	/^#line [0-9]+ "/ { flush(); nwf = $3; gsub(/"/, "", nwf); first = $2; last = $2 - 1; next }
	{ if (nwf != "") last++ }
	END { flush() }') >"$cache/ranges.tsv" || die "cannot read #line in $src"
echo "$key" >"$cache/prepared"
fi	# (steps 1-3)
[ $prepare = 1 ] && exit 0

# ---- 4. graphs
rm -rf "$cache/dot.new" && mkdir -p "$cache/dot.new"
"$AWK" -f "$root/tools/cgdot.awk" -v outdir="$cache/dot.new" \
	-v maxown="${CALLGRAPH_MAXOWN:-30}" -v maxnb="${CALLGRAPH_MAXNB:-16}" \
	"$work/md/chunks.tsv" "$work/md/chapters.tsv" "$cache/ranges.tsv" "$cache/cg.tsv" ||
	die "cgdot.awk failed"

# ---- 4b. what really ran (tools/trace.sh), when its output is there:
# its graph, each function linked to its chunk, at <!-- forklore:fork-trace -->
if [ -n "$trace" ] && [ -s "$trace/trace.dot" ] && [ -s "$trace/calltree.txt" ] &&
	grep -q -x '<!-- forklore:fork-trace -->' "$work"/md/*.md; then
	# helpers inlined from headers (get_current, list_empty, ...) are
	# left out of the graph and, with what they call, of the listing
	"$AWK" -F '\t' 'FILENAME == ARGV[1] { url[$1] = $2; hdr[$1] = ($3 ~ /\.h$/); next }
		/^\}$/ { for (n in seen) if (n in url) printf "\t\"%s\" [URL=\"../%s\", target=\"_top\"];\n", n, url[n] }
		/ -> / { split($0, q, "\""); if (hdr[q[2]] || hdr[q[4]]) next; seen[q[2]] = 1; seen[q[4]] = 1 }
		{ print }' \
		"$cache/dot.new/names.tsv" "$trace/trace.dot" >"$cache/dot.new/cg-fork-trace.dot" ||
		die "cannot read $trace/trace.dot"
	"$AWK" -F '\t' 'FILENAME == ARGV[1] { hdr[$1] = ($3 ~ /\.h$/); next }
		/^#/ { skip = -1; print; next }
		{ match($0, /^ */); d = RLENGTH / 2; f = substr($0, RLENGTH + 1)
		  if (skip >= 0 && d > skip) next
		  skip = -1
		  if (hdr[f]) { skip = d; next }
		  print }' "$cache/dot.new/names.tsv" "$trace/calltree.txt" >"$cache/dot.new/calltree.txt" ||
		die "cannot read $trace/calltree.txt"
	printf '\tcg-fork-trace\t%s\n' "What really ran: the calls made during one clone3(CLONE_PIDFD) in QEMU, recorded by the -finstrument-functions build of the kernel ($(cat "$trace/summary.txt")); helpers inlined from headers are left out. An arrow is a call that happened, labelled with how many times when more than once; a click on a function opens its chunk. Compare the static fork path: every arrow here is one there, but not the other way round." \
		>>"$cache/dot.new/figures.tsv"
fi

# ---- 5. draw what changed: render/sums lists the cksum of each .dot
# as last drawn, and the formats it was drawn in
mkdir -p "$cache/render"
(cd "$cache/dot.new" && ls | grep '\.dot$' | xargs -r cksum) >"$cache/sums.new" 2>/dev/null
touch "$cache/render/sums"
todo=$("$AWK" -v fmts="$formats" -v dir="$cache/render" '
	FILENAME == ARGV[1] { old[$3] = $1 " " $2; next }
	{
		n = $3; sub(/\.dot$/, "", n)
		# a changed graph: its drawings in every format are stale
		if (old[$3] != $1 " " $2) system("rm -f \"" dir "/" n "\".svg \"" dir "/" n "\".pdf")
		m = split(fmts, f, " ")
		for (i = 1; i <= m; i++)
			if (old[$3] != $1 " " $2 || (getline x < (dir "/" n "." f[i])) <= 0)
				print n "." f[i]
			else close(dir "/" n "." f[i])
	}' "$cache/render/sums" "$cache/sums.new")
# Graphviz's spline router fails on some graphs with clusters
# ("triangulation failed", "cannot find triangle path": a known bug of
# its libpath); such a graph is drawn again with curved edges, which
# take another router, and only a warning that remains is an error.
if [ -n "$todo" ]; then
	printf '%s\n' $todo | (cd "$cache" && xargs -P "$jobs" -n 1 sh -c '
		n=${1%.*} fmt=${1##*.}
		"$0" -T"$fmt" -o "render/$n.$fmt.tmp" "dot.new/$n.dot" 2>"render/$n.$fmt.err" &&
		if grep -q "triangulation failed\|cannot find triangle path" "render/$n.$fmt.err"; then
			"$0" -Gsplines=curved -T"$fmt" -o "render/$n.$fmt.tmp" \
			    "dot.new/$n.dot" 2>"render/$n.$fmt.err"
		fi &&
			mv "render/$n.$fmt.tmp" "render/$n.$fmt"' "$DOT") || {
		cat "$cache"/render/*.err >&2
		die "dot failed on a call graph (see $cache/dot.new/)"
	}
	# dot's warnings too are errors in the book
	if [ -n "$(cd "$cache/render" && find . -name '*.err' -size +0 | head -n 1)" ]; then
		cat "$cache"/render/*.err | sort -u | sed "s/^/$prog: dot: /" >&2
		rm -f "$cache"/render/*.err
		die "dot warned about a call graph (see $cache/dot.new/)"
	fi
	rm -f "$cache"/render/*.err
fi
mv "$cache/sums.new" "$cache/render/sums"
names=$(cd "$cache/dot.new" && ls | sed -n 's/\.dot$//p')
for fmt in $formats; do
	[ -n "$names" ] || break
	(cd "$cache/render" && cp $(printf "%s.$fmt " $names) "$work/gfig/") ||
		die "cannot copy the drawings to $work/gfig"
done

# ---- 6. into the chapters' Markdown: one awk for every chapter, each
# file read whole, then rewritten
[ -s "$cache/dot.new/figures.tsv" ] || exit 0
"$AWK" -F '\t' -v figs="$cache/dot.new/figures.tsv" -v tree="$cache/dot.new/calltree.txt" \
	-v maxdepth="${CALLGRAPH_TRACE_DEPTH:-6}" '
function htmlesc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
function texesc(s) {
	gsub(/\\/, "\\textbackslash{}", s); gsub(/[{}&%$#_]/, "\\\\&", s)
	gsub(/~/, "\\textasciitilde{}", s); gsub(/\^/, "\\textasciicircum{}", s)
	return s
}
function block(fig, cap, heading) {
	if (heading) printf "\n## Call graph {#sec-%s}\n", fig > out
	printf "\n::: {.nwfigure .callgraph #fig-%s}\n", fig > out
	printf "```{=html}\n<figure class=\"callgraph\"><div class=\"callgraph-scroll\" style=\"overflow:auto;max-height:80vh\"><object data=\"figures/%s.svg\" type=\"image/svg+xml\" aria-label=\"%s\"></object></div>\n<figcaption>%s <a href=\"figures/%s.svg\">(the drawing alone)</a></figcaption></figure>\n```\n", fig, htmlesc(cap), htmlesc(cap), fig > out
	printf "```{=latex}\n\\begin{figure}[htbp]\\centering\n\\includegraphics[width=\\linewidth,height=0.75\\textheight,keepaspectratio]{figures/%s.pdf}\n\\caption{%s}\\label{fig-%s}\n\\end{figure}\n```\n:::\n\n", fig, texesc(cap), fig > out
}
# the trace as an indented listing, deepest levels cut
function listing(    l, nl, cut) {
	printf "\nThe same calls as a tree (nesting deeper than %d calls left out):\n\n~~~ {.calltree}\n", maxdepth > out
	while ((getline l < tree) > 0) {
		if (match(l, /^ */) && RLENGTH / 2 > maxdepth) { cut++; continue }
		printf "%s\n", l > out
	}
	close(tree)
	printf "~~~\n\n" > out
}
function finish(    i, stem, has, done, m) {
	if (out == "") return
	stem = out; sub(/.*\//, "", stem); sub(/\.md$/, "", stem)
	for (i = 1; i <= n; i++) if (lines[i] == "<!-- forklore:callgraph -->") has = 1
	for (i = 1; i <= n; i++) {
		if (lines[i] == "<!-- forklore:callgraph -->") {
			if ((stem in cap) && !done) { block(cg[stem], cap[stem], 0); done = 1 }
			continue
		}
		if (lines[i] ~ /^<!-- forklore:[a-z-]+ -->$/ && lines[i] != "<!-- forklore:callgraph -->") {
			m = lines[i]; sub(/^<!-- forklore:/, "", m); sub(/ -->$/, "", m)
			if (("cg-" m) in other) {
				block("cg-" m, other["cg-" m], 0)
				if (m == "fork-trace") listing()
			}
			continue
		}
		if (i == n && !has && (stem in cap) && lines[i] ~ /^::::::::::$/) block(cg[stem], cap[stem], 1)
		print lines[i] > out
	}
	close(out)
	out = ""
}
BEGIN {
	while ((getline l < figs) > 0) {
		split(l, f, "\t")
		if (f[1] == "") other[f[2]] = f[3]
		else { cg[f[1]] = f[2]; cap[f[1]] = f[3] }
	}
}
FNR == 1 { finish(); out = FILENAME; n = 0 }
{ lines[++n] = $0 }
END { finish() }' "$work"/md/*.md || die "cannot put the call graphs into the chapters"
exit 0

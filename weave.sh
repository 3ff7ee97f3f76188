#!/bin/sh
# weave.sh — weave forklore's literate sources into a book.
#
#   ./weave.sh [--html] [--pdf] [-o OUTDIR] [FILE.nw...]
#
# With neither --html nor --pdf, both are built.  OUTDIR defaults to
# build/book; FILEs default to src.nw/*.nw (in name order = reading order).
#
#   OUTDIR/html/index.html, OUTDIR/html/<stem>.html   one page a chapter
#   OUTDIR/html/idents.html, OUTDIR/html/chunks.html  the indexes
#   OUTDIR/html/{css,js}/, OUTDIR/html/pagefind/     style, script, search
#   OUTDIR/forklore.pdf                              the whole book
#   OUTDIR/pdf/forklore.tex, forklore.log            LaTeX intermediates
#   OUTDIR/pdf/stats.tsv                             pages, pdflatex runs,
#                                                    overfull and underfull
#                                                    hboxes of the PDF
#   OUTDIR/cache/html/                               pages of the last weave,
#                                                    reused when unchanged
#   OUTDIR/cache/figures/{svg,pdf}/                  drawings of figures/,
#                                                    the same
#   OUTDIR/cache/pagefind/                           the search index of
#                                                    the same pages
#   OUTDIR/work/{all,html,pdf}/                      noweb and Markdown
#                                                    intermediates
#
# Pipeline: noweb's markup | noidx (front end and
# cross-referencer), book/filters/idents.sh (ctags on the tangled tree:
# where each identifier is defined) → book/filters/nw2md.awk (Pandoc
# Markdown, one file a chapter, plus the identifier and chunk indexes)
# → pandoc with book/filters/forklore.lua → book/filters/nwlinks.awk
# (links inside code) → book/templates/finish.awk → HTML pages, and
# Pagefind's search index of them; the same Markdown, concatenated, →
# LaTeX (book/latex/preamble.tex: chunk numbers and page-referenced notes
# in the margin) with the indexes of identifiers and chunks
# (book/latex/nwindex.awk) → pdflatex.
#
# Time: what does not wait for another step runs beside it.  The call
# graphs' compile and the figures start with the front end, noidx and
# idents.sh run side by side, the HTML pages are rendered WEAVE_JOBS at
# a time, and with both --html and --pdf the PDF (mostly two pdflatex
# runs, one after the other) is made in the background while the HTML
# pages are.  Unchanged pages come from OUTDIR/cache/html/ (a checksum
# of their inputs is their key), and the call graphs' compile is skipped
# while its inputs' checksum is unchanged (tools/callgraph.sh).
#
# Figures: every figures/NAME.dot (Graphviz) is drawn by dot, as
# OUTDIR/html/figures/NAME.svg for the HTML pages and as
# OUTDIR/pdf/figures/NAME.pdf for LaTeX.  A chapter shows one with
# ![caption](figures/NAME.svg); forklore.lua turns the .svg into .pdf
# for the PDF.
#
# Generated figures: tools/callgraph.sh draws each chapter's call graph
# and the fork path from a compile of the tangled code (cached in
# OUTDIR/callgraph/), and the trace of one clone3 when build/trace/ has
# one (`make trace`); they land in the same figures/ directories.
#
# Needs: noweb, pandoc (Debian 12: 2.17), universal-ctags, graphviz when there are
# figures, and for the PDF pdflatex with texlive-latex-base,
# texlive-latex-recommended, texlive-latex-extra,
# texlive-fonts-recommended, lmodern.
#
# Environment: WEAVE_JOBS (parallel pandoc runs; default: number of CPUs),
# NOWEB_LIB (default /usr/lib/noweb), PANDOC, PDFLATEX, AWK, DOT,
# WEAVE_FIGURES (the figures' directory; default figures/ beside weave.sh),
# WEAVE_COURSE (same as --course), KEEP_GOING=1 (--course: weave even
# with dangling anchors),
# WEAVE_BENCH (the results of `make bench` to include; default build/bench),
# WEAVE_SEARCH (0: no search index; 1: require one; default: build it
# with tools/search-index.sh when Pagefind is installed).

set -u
prog=weave.sh

half_pid=
die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	[ -z "$half_pid" ] || wait "$half_pid"
	exit 1
}
warn() { printf '%s: %s\n' "$prog" "$*" >&2; }
usage() {
	cat <<EOF
usage: $prog [--html] [--pdf] [-o OUTDIR] [FILE.nw...]
  --html     build the HTML site (OUTDIR/html/)
  --pdf      build the PDF (OUTDIR/forklore.pdf)
  -o OUTDIR  output directory (default build/book)
  -q         quiet: print only warnings and errors
  --course DIR  weave a course overlay (book/courses/NAME): its chapters
             in its order, its notes and exercises, its title page
With neither --html nor --pdf, both. Without FILEs, src.nw/*.nw.
EOF
}

root=$(cd "$(dirname "$0")" && pwd) || die "cannot find my own directory"
book=$root/book
lib=${NOWEB_LIB:-/usr/lib/noweb}
PANDOC=${PANDOC:-pandoc}
PDFLATEX=${PDFLATEX:-pdflatex}
AWK=${AWK:-awk}
DOT=${DOT:-dot}
figdir=${WEAVE_FIGURES:-$root/figures}

want_html=0 want_pdf=0 outdir=build/book quiet=0
course=${WEAVE_COURSE:-} course_meta=
while [ $# -gt 0 ]; do
	case $1 in
	--html) want_html=1 ;;
	--pdf) want_pdf=1 ;;
	-o) [ $# -ge 2 ] || { usage >&2; exit 2; }; outdir=$2; shift ;;
	-o*) outdir=${1#-o} ;;
	--out=*) outdir=${1#--out=} ;;
	-q|--quiet) quiet=1 ;;
	--course) [ $# -ge 2 ] || { usage >&2; exit 2; }; course=$2; shift ;;
	--course=*) course=${1#--course=} ;;
	-h|--help) usage; exit 0 ;;
	--) shift; break ;;
	-*) warn "unknown option: $1"; usage >&2; exit 2 ;;
	*) break ;;
	esac
	shift
done
if [ $want_html = 0 ] && [ $want_pdf = 0 ]; then want_html=1 want_pdf=1; fi
say() { [ $quiet = 1 ] || printf '%s: %s\n' "$prog" "$*"; }

if [ $# -eq 0 ]; then
	for f in src.nw/*.nw; do
		[ -e "$f" ] || die "no input: give FILE.nw arguments or create src.nw/*.nw"
		set -- "$@" "$f"
	done
fi
for f in "$@"; do
	case $f in *.nw) ;; *) die "not a .nw file: $f" ;; esac
	[ -e "$f" ] || die "no such file: $f"
	[ -f "$f" ] && [ -r "$f" ] || die "cannot read: $f"
done

for t in markup noidx; do
	[ -x "$lib/$t" ] || die "noweb's $lib/$t not found (Debian package: noweb)"
done
command -v "$PANDOC" >/dev/null 2>&1 || die "pandoc not found (Debian package: pandoc)"
if [ $want_pdf = 1 ]; then
	command -v "$PDFLATEX" >/dev/null 2>&1 ||
		die "pdflatex not found (Debian packages: texlive-latex-base texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended lmodern)"
fi
for f in filters/nw2md.awk filters/nwlinks.awk filters/forklore.lua \
	filters/idents.sh filters/idents.awk filters/indexes.awk linux-v6.1.tsv \
	templates/chapter.html templates/finish.awk css/forklore.css \
	js/forklore.js metadata.yaml \
	latex/preamble.tex latex/settings.yaml latex/nwindex.awk; do
	[ -r "$book/$f" ] || die "missing book/$f"
done

have_figures=0
for f in "$figdir"/*.dot; do
	[ -e "$f" ] && have_figures=1
	break
done
if [ $have_figures = 1 ]; then
	command -v "$DOT" >/dev/null 2>&1 || die "dot not found, needed for figures/*.dot (Debian package: graphviz)"
fi

inputs="$*"
mkdir -p "$outdir" || die "cannot create $outdir"
outdir=$(cd "$outdir" && pwd) || die "cannot enter $outdir"
# One work directory per kind of build, so that `make -j html pdf` can
# run two weaves of the same OUTDIR side by side.
if [ $want_html = 1 ] && [ $want_pdf = 1 ]; then kind=all
elif [ $want_html = 1 ]; then kind=html
else kind=pdf; fi
work=$outdir/work/$kind
rm -rf "$work" && mkdir -p "$work/md" || die "cannot create $work"

# HOOK course overlays (issue 7, tools/course.sh): the course's chapters
# in its order, then its extra chapters and its attribution page.
if [ -n "$course" ]; then
	course_files=$(sh "$root/tools/course.sh" inputs "$course" "$work" "$@") ||
		die "course overlay $course: cannot list its chapters"
	set -- $course_files
fi

# render_figures FORMAT DIR: every figures/NAME.dot as DIR/NAME.FORMAT.
# A drawing is kept in OUTDIR/cache/figures/FORMAT/ with its key, a
# checksum of the .dot and of dot's version, and dot's messages; while
# the key is the same, the drawing (and the messages) come from there.
render_figures() {
	[ $have_figures = 1 ] || return 0
	mkdir -p "$2" "$outdir/cache/figures/$1" || die "cannot create $2"
	_fc=$outdir/cache/figures/$1
	_dotv=$("$DOT" -V 2>&1)
	for fig in "$figdir"/*.dot; do
		name=${fig##*/}
		name=${name%.dot}
		_key=$({ echo "$_dotv"; cat "$fig"; } | md5sum | cut -c1-32)
		if [ -s "$_fc/$name.$1" ] && [ "$(cat "$_fc/$name.key" 2>/dev/null)" = "$_key" ]; then
			cp "$_fc/$name.$1" "$2/" || die "cannot copy $_fc/$name.$1"
			[ -s "$_fc/$name.err" ] && sed "s|^|$prog: figures/$name.dot: |" "$_fc/$name.err" >&2
			continue
		fi
		"$DOT" -T"$1" -o "$2/$name.$1" "$fig" 2>"$work/dot-$1.err" || {
			sed "s|^|$prog: figures/$name.dot: |" "$work/dot-$1.err" >&2
			die "dot failed on figures/$name.dot"
		}
		[ -s "$work/dot-$1.err" ] && sed "s|^|$prog: figures/$name.dot: |" "$work/dot-$1.err" >&2
		rm -f "$_fc/$name.key" &&
			cp "$2/$name.$1" "$_fc/$name.$1" && cp "$work/dot-$1.err" "$_fc/$name.err" &&
			echo "$_key" >"$_fc/$name.key" || die "cannot keep $name.$1 in $_fc"
	done
	return 0
}

# figures_start: every hand-drawn figure in each format this weave
# makes (svg for HTML, pdf for LaTeX) into work/fig/FORMAT/, in the
# background; figures_done waits for them, shows dot's messages, and
# stops the weave if dot failed; copy_figures FORMAT DIR copies them.
figures_pid=
figures_start() {
	[ $have_figures = 1 ] || return 0
	(
		[ $want_html = 0 ] || render_figures svg "$work/fig/svg"
		[ $want_pdf = 0 ] || render_figures pdf "$work/fig/pdf"
	) 2>"$work/figures.err" &
	figures_pid=$!
}
figures_done() {
	[ -n "$figures_pid" ] || return 0
	wait "$figures_pid"
	_st=$?
	figures_pid=
	[ -s "$work/figures.err" ] && cat "$work/figures.err" >&2
	[ $_st = 0 ] || exit 1
}
copy_figures() {
	[ $have_figures = 1 ] || return 0
	mkdir -p "$2" && cp "$work/fig/$1"/* "$2/" || die "cannot copy the figures to $2"
}

# ------------------------------------------------------------------
# 1. noweb front end: markup, then noidx beside idents.sh (ctags), then
#    our back end; each step's failure is seen and named.
"$lib/markup" "$@" >"$work/markup.out" 2>"$work/markup.err"
st=$?
noweb_errors=0
if grep -q '^@fatal' "$work/markup.out" || [ ! -s "$work/markup.out" ]; then
	sed "s/^/$prog: noweb: /" "$work/markup.err" >&2
	grep -q 'unescaped <<' "$work/markup.err" &&
		warn "hint: in prose, write @<< for a literal <<"
	die "noweb markup failed on: $*"
fi
if [ -s "$work/markup.err" ] || [ $st -ne 0 ]; then
	# e.g. "FILE.nw:708: unescaped << in documentation chunk": weave
	# anyway, so the author sees the result, but fail at the end.
	sed "s/^/$prog: noweb: /" "$work/markup.err" >&2
	[ $st -ne 0 ] && noweb_errors=1
fi
# What does not depend on noweb's cross-reference starts now, in the
# background, on the other CPUs: the call graphs' compile (step 1b) and
# the hand-drawn figures (render_figures, below).
cg_prepare_pid=
if [ "${WEAVE_CALLGRAPHS:-1}" != 0 ]; then
	AWK=$AWK sh "$root/tools/callgraph.sh" --prepare --cache "$outdir/callgraph" \
		$(printf '%s\n' "$@" | LC_ALL=C sort) >/dev/null 2>&1 &
	cg_prepare_pid=$!
fi
figures_start
# noidx and idents.sh side by side: both read markup.out only.
"$lib/noidx" <"$work/markup.out" >"$work/noidx.out" &
noidx_pid=$!
# Identifiers: ctags on the tangled sources, mapped back to chunks
# (book/filters/idents.sh; replaces noweb's finduses).
sh "$book/filters/idents.sh" "$work" "$@" 2>"$work/idents.err" || {
	sed "s/^/$prog: /" "$work/idents.err" >&2
	die "identifier index (book/filters/idents.sh) failed on: $*"
}
[ -s "$work/idents.err" ] && sed "s/^/$prog: /" "$work/idents.err" >&2
wait $noidx_pid || die "noweb noidx failed on: $*"
"$AWK" -f "$book/filters/nw2md.awk" -v out="$work/md" \
	-v idents="$work/idents.raw" -v linuxtab="$book/linux-v6.1.tsv" \
	"$work/noidx.out" "$work/noidx.out" 2>"$work/nw2md.err" || {
	sed "s/^/$prog: /" "$work/nw2md.err" >&2
	die "back end nw2md.awk failed on: $*"
}
[ -s "$work/nw2md.err" ] && sed "s/^/$prog: /" "$work/nw2md.err" >&2

# HOOK course overlays (issue 7): notes and exercises into the Markdown
# at their anchors (a dangling anchor fails here unless KEEP_GOING=1),
# omitted chapters out; the course's title page metadata.
if [ -n "$course" ]; then
	sh "$root/tools/course.sh" apply "$course" "$work/md" || exit 1
	course_meta=$work/md/course-meta.yaml
fi
# The figures of the last `make bench` (tools/bench.sh): a chapter line
# "::: {#bench-results}" is followed by WEAVE_BENCH/results.md (default
# build/bench/) when it exists, else by a note saying how to make it;
# the plot WEAVE_BENCH/forkbench.svg (.pdf for LaTeX) joins the figures.
benchdir=${WEAVE_BENCH:-$root/build/bench}
for md in "$work"/md/*.md; do
	grep -q '^::: {#bench-results}$' "$md" || continue
	if [ -s "$benchdir/results.md" ]; then
		ins=$benchdir/results.md
	else
		ins=$work/bench-note.md
		printf '%s\n' "*No measurements in this build of the book: run" \
		    "\`make bench\`, then weave again, to see the tables and the plot" \
		    "here.*" >"$ins"
	fi
	"$AWK" -v ins="$ins" '{ print }
	    $0 == "::: {#bench-results}" {
		print ""
		while ((getline l < ins) > 0) print l
		print ""
	    }' "$md" >"$md.tmp" && mv "$md.tmp" "$md" ||
		die "cannot insert the benchmark results into $md"
done
# copy_bench_figure FORMAT DIR: the benchmark plot beside the figures
copy_bench_figure() {
	[ -s "$benchdir/results.md" ] && [ -s "$benchdir/forkbench.$1" ] || return 0
	mkdir -p "$2" && cp "$benchdir/forkbench.$1" "$2/" ||
		die "cannot copy $benchdir/forkbench.$1"
}

# chapters.tsv: ordinal TAB stem TAB file TAB title
nchap=$(wc -l <"$work/md/chapters.tsv" | tr -d ' ')

# generated_figures_step FILE.nw...: the call graphs of tools/callgraph.sh
# (one a chapter, and the fork path), drawn from a compile of the tangled
# code, cached in OUTDIR/callgraph/, and the call trace of one clone3
# when tools/trace.sh (`make trace`) has left one in build/trace/ (or
# WEAVE_TRACE_DIR).  WEAVE_CALLGRAPHS=0 skips them.
generated_figures_step() {
	[ "${WEAVE_CALLGRAPHS:-1}" = 0 ] && return 0
	command -v "$DOT" >/dev/null 2>&1 || die "dot not found, needed for the call graphs (Debian package: graphviz)"
	_fmts=""
	[ $want_html = 1 ] && _fmts="svg"
	[ $want_pdf = 1 ] && _fmts="$_fmts pdf"
	_t0=$(date +%s)
	# (its steps 1-3 ran in the background, from the front end on;
	# whatever they could not do is done again, and reported, here)
	[ -z "$cg_prepare_pid" ] || wait "$cg_prepare_pid"
	# The code is tangled in the book's order, the order of the file
	# names, whatever order a course reads the chapters in.
	DOT=$DOT AWK=$AWK sh "$root/tools/callgraph.sh" --work "$work" \
		--cache "$outdir/callgraph" --formats "$_fmts" \
		--trace "${WEAVE_TRACE_DIR:-$root/build/trace}" \
		$(printf '%s\n' "$@" | LC_ALL=C sort) ||
		die "the call graphs failed (tools/callgraph.sh)"
	say "call graphs: $(ls "$work/gfig" | grep -c '\.svg$\|\.pdf$') drawings ($(($(date +%s) - _t0)) s)"
}

# generated_figures FORMAT DIR: the drawings of generated_figures_step
generated_figures() {
	for _g in "$work"/gfig/*."$1"; do
		[ -e "$_g" ] || continue
		mkdir -p "$2" && cp "$_g" "$2/" || die "cannot copy $_g to $2"
	done
	return 0
}

# 1b. Generated figures: the call graphs (tools/callgraph.sh; drawn
#     into work/gfig/, copied beside the hand-drawn figures below).
generated_figures_step "$@"
figures_done

# html_page STEM: one page, OUTDIR/html/STEM.html, rendered
# (html_render) and kept in the cache OUTDIR/cache/html/ with its key
# work/STEM.key (html_half finds which pages need it).
html_page() {
	html_render "$1" || return 1
	mkdir -p "$outdir/cache/html" &&
		cp "$outdir/html/$1.html" "$outdir/cache/html/$1.html" &&
		cp "$work/$1.key" "$outdir/cache/html/$1.key"
}

html_render() {
	"$PANDOC" "$work/md/$1.md" \
		--from markdown-auto_identifiers --to html5 --standalone \
		--template "$book/templates/chapter.html" \
		--metadata-file "$book/metadata.yaml" \
		--metadata-file "$work/md/$1.nav.yaml" \
		${course_meta:+--metadata-file "$course_meta"} \
		--lua-filter "$book/filters/forklore.lua" \
		--toc --toc-depth=2 \
		--output "$work/$1.html" 2>"$work/$1.html.err" || return 1
	"$AWK" -f "$book/filters/nwlinks.awk" -v fmt=html -v cur="$1" \
		-v refs="$work/md/refs.tsv" "$work/$1.html" >"$work/$1.linked.html" \
		2>>"$work/$1.html.err" || return 1
	# lighter code markup, and marks for the search index
	"$AWK" -f "$book/templates/finish.awk" "$work/$1.linked.html" \
		>"$outdir/html/$1.html" 2>>"$work/$1.html.err" || return 1
}

# search_index DIR: Pagefind's index of the site in DIR, as DIR/pagefind/
# (tools/search-index.sh; WEAVE_SEARCH=0 skips it, =1 requires it, and
# the default builds it when Pagefind is installed by `make deps`).
search_index() {
	case ${WEAVE_SEARCH:-auto} in
	0|no) return 0 ;;
	1|yes) ;;
	*) sh "$root/tools/search-index.sh" --check 2>/dev/null || {
		say "no search index: Pagefind is not installed (make deps)"
		return 0
	} ;;
	esac
	# The index of the same pages is the same: it is kept in
	# OUTDIR/cache/pagefind/ under a checksum of every page (name and
	# content), of the indexer and of the Pagefind installed.
	_sk=$({ cat "$root/tools/search-index.sh"
		cat "$root/tools/node/package-lock.json" 2>/dev/null; echo "${PAGEFIND:-}"
		(cd "$1" && find . -name '*.html' ! -path './pagefind/*' | LC_ALL=C sort |
			xargs md5sum); } | md5sum | cut -c1-32)
	_sc=$outdir/cache/pagefind
	if [ -s "$_sc/pagefind/pagefind.js" ] && [ "$(cat "$_sc/key" 2>/dev/null)" = "$_sk" ]; then
		rm -rf "$1/pagefind" && cp -r "$_sc/pagefind" "$1/" ||
			die "cannot copy the search index from $_sc"
		return 0
	fi
	sh "$root/tools/search-index.sh" "$1" >"$work/pagefind.log" 2>&1 || {
		sed "s/^/$prog: pagefind: /" "$work/pagefind.log" >&2
		die "the search index (tools/search-index.sh $1) failed"
	}
	rm -rf "$_sc" && mkdir -p "$_sc" && cp -r "$1/pagefind" "$_sc/" &&
		echo "$_sk" >"$_sc/key" || die "cannot keep the search index in $_sc"
}

# ------------------------------------------------------------------
# 2. HTML: one page a chapter, the two index pages, and index.html
html_half() {
	t0=$(date +%s)
	rm -rf "$outdir/html" && mkdir -p "$outdir/html/css" "$outdir/html/js" ||
		die "cannot create $outdir/html"
	cp "$book/css/forklore.css" "$outdir/html/css/" || die "cannot copy the stylesheet"
	cp "$book/js/forklore.js" "$outdir/html/js/" || die "cannot copy the script"
	# HOOK course overlays (issue 7): the notes' style
	if [ -n "$course" ]; then
		cat "$book/courses/course.css" >>"$outdir/html/css/forklore.css" ||
			die "cannot add book/courses/course.css"
	fi
	copy_figures svg "$outdir/html/figures"
	copy_bench_figure svg "$outdir/html/figures"
	generated_figures svg "$outdir/html/figures"

	# The landing page (title, subtitle and the chapters), rendered in
	# the background while the other pages are made.
	{
		printf -- '---\nchapters:\n'
		while IFS='	' read -r num stem file title; do
			printf "  - href: '%s.html'\n    num: %s\n    title: '%s'\n" \
				"$stem" "$num" "$(printf '%s' "$title" | sed "s/'/''/g")"
		done <"$work/md/chapters.tsv"
		printf 'landing: true\n---\n\n'
		printf '## Chapters {#chapters}\n\n'
		while IFS='	' read -r num stem file title; do
			printf '%s. [%s](%s.html)\n' "$num" "$title" "$stem"
		done <"$work/md/chapters.tsv"
		printf '\n## Indexes {#indexes}\n\n'
		printf -- '- [Identifiers](idents.html): every function, structure, macro, type, global and assembler label, and the chunk that defines it\n'
		printf -- '- [Chunks](chunks.html): every chunk by name, where it is defined and where it is used\n'
	} >"$work/index.md"
	"$PANDOC" "$work/index.md" --from markdown --to html5 --standalone \
		--template "$book/templates/chapter.html" \
		--metadata-file "$book/metadata.yaml" \
		${course_meta:+--metadata-file "$course_meta"} \
		--output "$outdir/html/index.html" 2>"$work/index.err" &
	landing_pid=$!

	# The index pages' Markdown: identifiers and chunks
	# (book/filters/indexes.awk).  Only what this book's pages hold: a
	# course may omit chapters.
	"$AWK" -F '	' 'FNR == NR { have[$2] = 1; next } ($3 in have)' \
		"$work/md/chapters.tsv" "$work/md/idents.tsv" |
		LC_ALL=C sort -f -t '	' -k1,1 -k2,2 -k5,5 >"$work/idents.sorted"
	"$AWK" -F '	' -v OFS='	' 'FNR == NR { have[$2] = 1; next }
		!($2 in have) { next }
		{	n = split($6, u, " "); $6 = ""
			for (i = 1; i <= n; i++) {
				st = u[i]; sub(/#.*/, "", st)
				if (st in have) $6 = $6 ($6 == "" ? "" : " ") u[i]
			}
			print }' "$work/md/chapters.tsv" "$work/md/chunkidx.tsv" |
		LC_ALL=C sort -f -t '	' -k1,1 -k5,5n >"$work/chunkidx.sorted"
	"$AWK" -f "$book/filters/indexes.awk" -v out="$work/md" \
		"$work/idents.sorted" "$work/chunkidx.sorted" || die "indexes.awk failed"
	for p in idents chunks; do
		# the chapters' list, and the page's own name for its breadcrumb
		{ cat "$work/md/index.nav.yaml"
		  printf "stem: '%s'\nchapter-title: '%s'\n" "$p" \
			"$([ $p = idents ] && echo 'Index of identifiers' || echo 'Index of chunks')"
		} >"$work/md/$p.nav.yaml"
	done

	# The pages, each from its Markdown and navigation: work/pages.tsv
	# lists them, stem TAB what to name when it fails.
	{
		"$AWK" -F '	' '{ print $2 "\t" $3 }' "$work/md/chapters.tsv"
		printf 'idents\tthe index of identifiers\nchunks\tthe index of chunks\n'
	} >"$work/pages.tsv"

	# A page whose inputs are the same as at the last weave into this
	# OUTDIR comes from the cache OUTDIR/cache/html/ instead: its key
	# is the checksums of its Markdown and navigation, and
	# $page_base_key, which covers what every page is made from besides:
	# the pandoc that renders it, this script (the options), the
	# filters, template and metadata, the course's metadata, and
	# refs.tsv, the book's chunk numbers, anchors and previews.
	# Touching one chapter's prose re-renders that page only.
	page_base_key=$({ "$PANDOC" --version | head -n 1
		cat "$root/weave.sh" "$work/md/refs.tsv" ${course_meta:+"$course_meta"} \
		    "$book/templates/chapter.html" "$book/metadata.yaml" \
		    "$book/filters/forklore.lua" "$book/filters/nwlinks.awk" \
		    "$book/templates/finish.awk"; } | md5sum | cut -c1-32)
	# One md5sum for all the pages' inputs; one awk writes each page's
	# key (work/STEM.key) and sorts the pages into work/pages.hit (the
	# cache has the page with that key) and work/pages.todo.
	(cd "$work/md" && "$AWK" -F '	' '{ print $1 ".md"; print $1 ".nav.yaml" }' \
		"$work/pages.tsv" | xargs md5sum) >"$work/pages.md5" ||
		die "cannot read the pages' Markdown"
	"$AWK" -F '	' -v work="$work" -v cache="$outdir/cache/html" -v base="$page_base_key" '
		FILENAME == ARGV[1] { f = $0; sub(/^[^ ]*  /, "", f); sum[f] = substr($0, 1, 32); next }
		{
			key = sum[$1 ".md"] sum[$1 ".nav.yaml"] base
			print key > (work "/" $1 ".key"); close(work "/" $1 ".key")
			old = ""
			if ((getline old < (cache "/" $1 ".key")) > 0) close(cache "/" $1 ".key")
			hit = 0
			if (old == key && (getline l < (cache "/" $1 ".html")) > 0) {
				hit = 1; close(cache "/" $1 ".html")
			}
			print (hit ? $1 : $0) > (work "/pages." (hit ? "hit" : "todo"))
		}' "$work/pages.md5" "$work/pages.tsv" || die "cannot sort the pages for the cache"
	touch "$work/pages.hit" "$work/pages.todo"
	if [ -s "$work/pages.hit" ]; then
		(cd "$outdir/cache/html" && cp $(sed 's/$/.html/' "$work/pages.hit") "$outdir/html/") ||
			die "cannot copy the pages from $outdir/cache/html"
	fi
	jobs=${WEAVE_JOBS:-$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)}
	case $jobs in ''|*[!0-9]*|0) jobs=2 ;; esac
	# Render the others in parallel, at most $jobs at a time; each
	# writes its exit status to work/<stem>.st.
	running=""
	nrun=0
	while IFS='	' read -r stem file; do
		( html_page "$stem"; echo $? >"$work/$stem.st" ) &
		running="$running $!"
		nrun=$((nrun + 1))
		if [ $nrun -ge $jobs ]; then
			set -- $running
			wait "$1"
			shift
			running="$*"
			nrun=$((nrun - 1))
		fi
	done <"$work/pages.todo"
	for pid in $running; do wait "$pid"; done
	failed=0
	while IFS='	' read -r stem file; do
		st=$(cat "$work/$stem.st" 2>/dev/null || echo 1)
		if [ "$st" != 0 ]; then
			sed "s|^|$prog: $file: |" "$work/$stem.html.err" >&2
			warn "pandoc failed on $file (HTML page $stem.html)"
			failed=1
		elif [ -s "$work/$stem.html.err" ]; then
			sed "s|^|$prog: $file: |" "$work/$stem.html.err" >&2
		fi
	done <"$work/pages.todo"
	wait "$landing_pid" || {
		cat "$work/index.err" >&2
		die "pandoc failed on the landing page (index.html)"
	}
	[ $failed = 0 ] || exit 1
	# The search index (Pagefind) of the chapter pages
	search_index "$outdir/html"
	t1=$(date +%s)
	say "HTML: $outdir/html/index.html and $nchap chapter pages ($((t1 - t0)) s)"
}

# ------------------------------------------------------------------
# 3. PDF: all chapters in one LaTeX book, with an index of identifiers
#    and an index of chunks (book/latex/nwindex.awk) at the end.
pdf_half() {
	t0=$(date +%s)
	pdfdir=$outdir/pdf
	mkdir -p "$pdfdir" || die "cannot create $pdfdir"
	rm -rf "$pdfdir/figures"
	copy_figures pdf "$pdfdir/figures"
	copy_bench_figure pdf "$pdfdir/figures"
	generated_figures pdf "$pdfdir/figures"
	: >"$work/book.md"
	while IFS='	' read -r num stem file title; do
		cat "$work/md/$stem.md" >>"$work/book.md"
		printf '\n' >>"$work/book.md"
	done <"$work/md/chapters.tsv"
	# The indexes, from noweb's cross-reference and, when there is one,
	# the identifier table md/idents.tsv (name, kind, stem, anchor,
	# chunk number, .nw file, line).
	idents=""
	[ -s "$work/md/idents.tsv" ] && idents=$work/md/idents.tsv
	{
		printf '\\nwbackmatter\n'
		"$AWK" -f "$book/latex/nwindex.awk" -v stage=collect -v idents="$idents" \
			"$work/noidx.out" | LC_ALL=C sort -t '	' -k1,1r -k2,2 -k3,3 |
			"$AWK" -f "$book/latex/nwindex.awk" -v stage=format
	} >"$work/backmatter.tex" || die "book/latex/nwindex.awk failed"
	"$PANDOC" "$work/book.md" \
		--from markdown-auto_identifiers --to latex --standalone \
		--top-level-division=chapter --toc \
		--metadata-file "$book/metadata.yaml" \
		--metadata-file "$book/latex/settings.yaml" \
		--include-in-header "$book/latex/preamble.tex" \
		${course_meta:+--metadata-file "$course_meta"} \
		${course_meta:+--include-in-header "$book/courses/course.tex"} \
		--include-after-body "$work/backmatter.tex" \
		--lua-filter "$book/filters/forklore.lua" \
		--output "$work/forklore.tex" 2>"$work/pdf.err" || {
		cat "$work/pdf.err" >&2
		die "pandoc failed to write LaTeX for: $inputs"
	}
	[ -s "$work/pdf.err" ] && sed "s/^/$prog: pandoc (PDF): /" "$work/pdf.err" >&2
	"$AWK" -f "$book/filters/nwlinks.awk" -v fmt=latex -v cur= \
		-v refs="$work/md/refs.tsv" "$work/forklore.tex" >"$pdfdir/forklore.tex" ||
		die "nwlinks.awk failed on $pdfdir/forklore.tex"
	rm -f "$pdfdir/forklore.pdf"
	# pdflatex until the table of contents and the page references
	# settle: the .aux and .toc of a run equal those it read.  From
	# scratch that is two runs (the first in draft mode: no PDF
	# written); the table of contents has its own page numbers (i, ii,
	# ...), so its growth moves no chunk.  At most 4 runs; one more if a
	# stale .aux from an earlier build broke the first.
	run=0
	while :; do
		run=$((run + 1))
		draft=
		[ -f "$pdfdir/forklore.aux" ] || draft=-draftmode
		rm -f "$work/prev.aux" "$work/prev.toc"
		for x in aux toc; do
			[ -f "$pdfdir/forklore.$x" ] && cp "$pdfdir/forklore.$x" "$work/prev.$x"
		done
		(cd "$pdfdir" && "$PDFLATEX" $draft -interaction=nonstopmode -halt-on-error \
			-file-line-error forklore.tex >"$work/pdflatex.out" 2>&1 </dev/null)
		st=$?
		[ -n "$draft" ] && [ $st -eq 0 ] && continue
		if { [ $st -ne 0 ] || [ ! -s "$pdfdir/forklore.pdf" ]; } &&
			[ $run -eq 1 ] && [ -f "$work/prev.aux" ]; then
			# Perhaps a stale .aux from an earlier build: once more
			# from scratch.
			rm -f "$pdfdir/forklore.aux" "$pdfdir/forklore.toc" \
				"$pdfdir/forklore.out" "$work/prev.aux" "$work/prev.toc"
			continue
		fi
		if [ $st -ne 0 ] || [ ! -s "$pdfdir/forklore.pdf" ]; then
			# Name the chapter (.nw file) where LaTeX stopped.
			line=$(sed -n 's/^\(\.\/\)\{0,1\}forklore\.tex:\([0-9][0-9]*\):.*/\2/p' \
				"$pdfdir/forklore.log" | head -n 1)
			where=""
			if [ -n "$line" ]; then
				where=$("$AWK" -v l="$line" 'NR > l { exit }
					/^% forklore-chapter: / { f = substr($0, 21) }
					END { print f }' "$pdfdir/forklore.tex")
			fi
			# The error and a few lines of context from the log
			"$AWK" '/^!|^(\.\/)?forklore\.tex:[0-9]+:/ { k = 5 }
				k > 0 { print; k--; if (++n >= 20) exit }' \
				"$pdfdir/forklore.log" >&2 2>/dev/null
			die "pdflatex failed${where:+ in $where}${line:+ (forklore.tex line $line)}; see $pdfdir/forklore.log"
		fi
		[ $run -ge 4 ] && break
		# (The page count, \@abspage@last, is no reference: it may differ.)
		if [ -f "$work/prev.aux" ] &&
			grep -v '^\\gdef \\@abspage@last' "$work/prev.aux" >"$work/prev.aux1" &&
			grep -v '^\\gdef \\@abspage@last' "$pdfdir/forklore.aux" >"$work/cur.aux1" &&
			cmp -s "$work/prev.aux1" "$work/cur.aux1" &&
			{ [ ! -f "$pdfdir/forklore.toc" ] || cmp -s "$work/prev.toc" "$pdfdir/forklore.toc"; }; then
			break
		fi
	done
	cp "$pdfdir/forklore.pdf" "$outdir/forklore.pdf" || die "cannot copy the PDF"
	log=$pdfdir/forklore.log
	pages=$(sed -n 's/^Output written on .*(\([0-9]*\) pages\{0,1\},.*/\1/p' "$log")
	# Typesetting quality: overfull and underfull lines (hboxes) of the
	# final run; tests/weave/run.sh keeps the count under a threshold.
	overfull=$(grep -c '^Overfull \\hbox' "$log")
	underfull=$(grep -c '^Underfull \\hbox' "$log")
	printf 'overfull\t%s\nunderfull\t%s\npages\t%s\nruns\t%s\n' \
		"$overfull" "$underfull" "${pages:-0}" "$run" >"$pdfdir/stats.tsv"
	if grep -q 'There were undefined references\|Reference .* undefined' "$log"; then
		grep 'Reference .* undefined' "$log" | sed -n "1,5s/^/$prog: /p" >&2
		warn "the PDF has undefined references (see $log)"
	fi
	t1=$(date +%s)
	say "PDF: $outdir/forklore.pdf (${pages:-?} pages, $run pdflatex runs, $((t1 - t0)) s, $overfull overfull and $underfull underfull hboxes)"
}

# ------------------------------------------------------------------
# 4. Both halves at once when both are wanted: the PDF's pdflatex runs
#    are one long sequential job, so it goes to the background while the
#    HTML pages take the other CPUs (a failure of either fails the
#    weave; die waits for the other half first).
if [ $want_html = 1 ] && [ $want_pdf = 1 ]; then
	pdf_half &
	half_pid=$!
	html_half
	wait "$half_pid" || exit 1
	half_pid=
elif [ $want_html = 1 ]; then
	html_half
else
	pdf_half
fi
if [ $noweb_errors = 1 ]; then
	die "noweb reported errors in the sources (see above); the book was woven anyway"
fi
exit 0

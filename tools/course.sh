#!/bin/sh
# tools/course.sh — course overlays: an instructor's notes and exercises
# woven into forklore without forking it (book/courses/<course>/; the
# appendix src.nw/98-courses.nw is the instructor's guide).
#
#   tools/course.sh check   COURSE [--update]   anchors and fingerprints
#   tools/course.sh grade   COURSE EXERCISE [--solution]
#   tools/course.sh publish COURSE              build/publish/COURSE/
#                  (COURSE_SOLUTIONS=1: with the solutions, COURSE-solutions/)
#   tools/course.sh weave   COURSE [weave.sh options]
# and, called by weave.sh --course DIR (not by hand):
#   tools/course.sh inputs  DIR WORK FILE.nw...  the .nw files, in course order
#   tools/course.sh apply   DIR WORK/md          notes in, chapters out, metadata
#
# COURSE is a name under book/courses/ or a directory.  An overlay is
#   course.yaml         title, term, institution, instructors, base_url,
#                       chapters (stems, in order), others (keep|omit),
#                       book_url, extra (Markdown chapters), solutions
#                       (hidden|shown), release (YYYY-MM-DD)
#   notes/*.md          front matter (anchor:, fingerprint:, instructor:)
#                       then Markdown
#   exercises/NAME/exercise.md   the same, plus title:, test:, arch:,
#                       points:; beside it the test program (C against
#                       our nolibc), expected.tap, and the solution
#                       (solution.patch against src.nw/, solution.md)
# Errors name the overlay's file and line: FILE:LINE: message.
# Environment: KEEP_GOING=1 (weave despite dangling anchors), B (build
# directory, default build), TIMEOUT (QEMU seconds for grading, 60).
set -u
prog=course.sh
root=$(cd "$(dirname "$0")/.." && pwd) || exit 1
AWK=${AWK:-awk}
B=${B:-build}

die() { printf '%s: %s\n' "$prog" "$*" >&2; exit 1; }
warn() { printf '%s: %s\n' "$prog" "$*" >&2; }

# course_dir NAME|DIR -> directory of the overlay (absolute)
course_dir() {
	case $1 in
	*/*) d=$1 ;;
	'') die "no course given (COURSE=name)" ;;
	*) d=$root/book/courses/$1 ;;
	esac
	[ -f "$d/course.yaml" ] || die "$d/course.yaml: no such course overlay"
	(cd "$d" && pwd)
}

# rel PATH: PATH relative to the repository, for messages
rel() { case $1 in "$root"/*) printf '%s' "${1#"$root"/}" ;; *) printf '%s' "$1" ;; esac; }

# yaml FILE: the small YAML subset course.yaml uses, as KEY TAB VALUE
# lines (a list gives one line per item; quotes are removed; comments
# and blank lines are skipped).  Line numbers are kept in a third field.
yaml() {
	"$AWK" '
	function unq(v) {
		sub(/^[ \t]+/, "", v); sub(/[ \t]+$/, "", v)
		if (v ~ /^".*"$/) v = substr(v, 2, length(v) - 2)
		else if (v ~ /^\x27.*\x27$/) { v = substr(v, 2, length(v) - 2); gsub(/\x27\x27/, "\x27", v) }
		return v
	}
	/^[ \t]*#/ || /^[ \t]*$/ { next }
	/^[A-Za-z_][A-Za-z0-9_-]*:/ {
		key = $0; sub(/:.*/, "", key)
		v = $0; sub(/^[^:]*:/, "", v); sub(/[ \t]+#.*$/, "", v)
		if (unq(v) != "") print key "\t" unq(v) "\t" NR
		next
	}
	/^[ \t]+- / {
		v = $0; sub(/^[ \t]+- /, "", v); sub(/[ \t]+#.*$/, "", v)
		print key "\t" unq(v) "\t" NR
		next
	}
	{ printf "%s:%d: not understood (course.yaml is key: value and lists of - items)\n", FILENAME, NR > "/dev/stderr"; bad = 1 }
	END { exit bad }' "$1"
}

# get KEY: first value of KEY in $cfg (the parsed course.yaml)
get() { "$AWK" -F'\t' -v k="$1" '$1 == k { print $2; exit }' "$cfg"; }
getall() { "$AWK" -F'\t' -v k="$1" '$1 == k { print $2 }' "$cfg"; }

load() { # DIR: parse course.yaml into $cfg
	cdir=$1
	[ -n "${cfg:-}" ] && rm -f "$cfg"
	cfg=$(mktemp) || die "mktemp"
	trap 'rm -f "$cfg"' EXIT
	yaml "$cdir/course.yaml" >"$cfg" || die "$(rel "$cdir")/course.yaml: cannot parse"
	[ -n "$(get title)" ] || die "$(rel "$cdir")/course.yaml:1: no title:"
}

# solutions_shown: 0 or 1, from solutions: and release:
solutions_shown() {
	[ "${COURSE_SOLUTIONS:-0}" = 1 ] && { echo 1; return; }
	s=$(get solutions)
	r=$(get release)
	if [ -n "$r" ]; then
		case $r in [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
		*) die "$(rel "$cdir")/course.yaml: release: $r is not YYYY-MM-DD" ;; esac
		today=$(date -u +%Y-%m-%d)
		if [ "$(echo "$today" | tr -d -)" -lt "$(echo "$r" | tr -d -)" ]; then echo 0; else echo 1; fi
		return
	fi
	case ${s:-hidden} in shown) echo 1 ;; hidden) echo 0 ;;
	*) die "$(rel "$cdir")/course.yaml: solutions: must be hidden or shown" ;; esac
}

# ------------------------------------------------------------------
# inputs DIR WORK FILE.nw...: print the .nw files to weave, in course
# order: the chapters course.yaml lists, then (others: keep, the
# default) every other chapter in book order, then the extra chapters
# and the attribution page, made into .nw files under WORK/course/.
cmd_inputs() {
	load "$1"
	work=$2
	shift 2
	mkdir -p "$work/course" || die "cannot create $work/course"
	: >"$work/course/omit"
	for st in $(getall chapters); do
		found=
		for f in "$@"; do
			b=${f##*/}
			[ "${b%.nw}" = "$st" ] && { found=$f; break; }
		done
		line=$("$AWK" -F'\t' -v s="$st" '$1 == "chapters" && $2 == s { print $3; exit }' "$cfg")
		[ -n "$found" ] || die "$(rel "$cdir")/course.yaml:$line: no chapter $st in the book"
		echo "$found"
	done >"$work/course/listed"
	[ -s "$work/course/listed" ] || for f in "$@"; do echo "$f"; done >"$work/course/listed"
	cat "$work/course/listed"
	others=$(get others)
	for f in "$@"; do
		grep -qxF "$f" "$work/course/listed" && continue
		echo "$f"
		case ${others:-keep} in
		keep) ;;
		omit) b=${f##*/}; echo "${b%.nw}" >>"$work/course/omit" ;;
		*) die "$(rel "$cdir")/course.yaml: others: must be keep or omit" ;;
		esac
	done
	if [ -s "$work/course/omit" ] && [ -z "$(get book_url)" ]; then
		die "$(rel "$cdir")/course.yaml: others: omit needs book_url: (where links into the omitted chapters go)"
	fi
	# Extra chapters: Markdown is noweb documentation once << is escaped.
	for x in $(getall extra); do
		[ -f "$cdir/$x" ] || die "$(rel "$cdir")/course.yaml: extra chapter $x not found"
		b=${x##*/}
		b=${b%.md}
		sed 's/<</@<</g' "$cdir/$x" >"$work/course/$b.nw" || die "cannot copy $x"
		echo "$work/course/$b.nw"
	done
	about >"$work/course/about-this-course.nw"
	echo "$work/course/about-this-course.nw"
}

# about: the attribution and licence page, from course.yaml
about() {
	title=$(get title)
	cat <<EOF
# About this course edition {#sec-about-this-course}

*$title* is a course edition of **forklore**, a literate reference
kernel for the Linux fork path: the book's chapters, unchanged, with the
notes and exercises of this course's instructors woven in at the places
they discuss. Every instructor's note is marked as such and names its
author; the rest of the text is forklore's.

EOF
	term=$(get term)
	inst=$(get institution)
	printf -- '- Course: %s%s%s\n' "$title" "${term:+, $term}" "${inst:+, $inst}"
	getall instructors | while IFS= read -r i; do
		printf -- '- Instructor: %s\n' "$(printf '%s' "$i" | sed 's/ *<\([^>]*\)>/ (<\1>)/')"
	done
	u=$(get base_url)
	[ -n "$u" ] && printf -- '- Published at: <%s>\n' "$u"
	cat <<EOF

## Licence and attribution {#sec-licence-and-attribution}

The text and code of forklore are the work of the forklore authors and
are distributed under the terms stated in the forklore repository; this
edition redistributes them unchanged, with attribution, under those same
terms. The instructors' notes and exercises belong to their authors.
forklore follows Linux 6.1 (kernel.org, GPL-2.0) in names, structures,
flag values and behaviour, and cites it by file and function; it copies
none of its code.

This edition was produced by \`make publish COURSE=$(basename "$cdir")\`
from the overlay \`book/courses/$(basename "$cdir")/\`, without editing
the book's sources: see the appendix on course overlays.
EOF
}

# ------------------------------------------------------------------
# index DIR: every note and exercise of the overlay, one line each:
# ID TAB KIND TAB FILE TAB ANCHOR TAB ANCHORLINE TAB FP TAB FPLINE TAB
# INSTRUCTOR TAB TITLE TAB BODYLINE  (FILE relative to the repository)
# A file without front matter, or without anchor:, is an error.
index_notes() {
	n=0
	for f in "$1"/notes/*.md "$1"/exercises/*/exercise.md; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		case $f in */exercises/*) kind=exercise ;; *) kind=note ;; esac
		"$AWK" -v id="n$n" -v kind="$kind" -v file="$(rel "$f")" '
		function val(s) { sub(/^[^:]*:[ \t]*/, "", s); sub(/[ \t]+$/, "", s)
			if (s ~ /^".*"$/) s = substr(s, 2, length(s) - 2); return s }
		NR == 1 { if ($0 != "---") { printf "%s:1: no front matter (a first line ---, then anchor: ...)\n", file > "/dev/stderr"; bad = 1; exit } ; fm = 1; next }
		fm && $0 == "---" { fm = 0; body = NR + 1; exit }
		fm && /^anchor:/ { anchor = val($0); aline = NR }
		fm && /^fingerprint:/ { fp = val($0); fpline = NR }
		fm && /^instructor:/ { who = val($0) }
		fm && /^title:/ { title = val($0) }
		END {
			if (bad) exit 1
			if (fm || body == "") { printf "%s:1: front matter not closed by ---\n", file > "/dev/stderr"; exit 1 }
			if (anchor == "") { printf "%s:2: no anchor: in the front matter\n", file > "/dev/stderr"; exit 1 }
			# "-" for an empty field: read with IFS=TAB would merge two TABs
			printf "%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\t%s\t%d\n", id, kind, file, anchor, aline,
				fp == "" ? "-" : fp, fpline, who == "" ? "-" : who, title == "" ? "-" : title, body
		}' "$f" || return 1
	done
}

# resolve DIR MD TMP: index + resolution + fingerprints in TMP/
#   TMP/index.tsv, TMP/res.tsv (ID ok STEM LINE | ID dangling WHY), TMP/fp/ID.txt
resolve() {
	mkdir -p "$3/fp" || die "cannot create $3"
	index_notes "$1" >"$3/index.tsv" || return 1
	cut -f1,4 "$3/index.tsv" >"$3/anchors.tsv"
	"$AWK" -f "$root/tools/course-resolve.awk" -v md="$2" -v fpdir="$3/fp" \
		"$3/anchors.tsv" >"$3/res.tsv" || die "course-resolve.awk failed"
	# An anchor in a chapter the course omits would vanish: dangling.
	omit=${2%/md}/course/omit
	if [ -s "$omit" ]; then
		"$AWK" -F'\t' -v OFS='\t' 'NR == FNR { omit[$1] = 1; next }
			$2 == "ok" && ($3 in omit) { print $1, "dangling", "in chapter " $3 ", which course.yaml omits"; next }
			{ print }' "$omit" "$3/res.tsv" >"$3/res.tsv.new" && mv "$3/res.tsv.new" "$3/res.tsv"
	fi
}

fingerprint() { # FILE -> 16 hex digits
	sha256sum <"$1" | cut -c1-16
}

# ------------------------------------------------------------------
# apply DIR MD: after nw2md.awk, before pandoc.  Drops omitted chapters,
# inserts notes and exercises at their anchors (fails on a dangling one
# unless KEEP_GOING=1), writes MD/course-meta.yaml (title page).
cmd_apply() {
	load "$1"
	md=$2
	work=${md%/md}
	tmp=$work/course/resolve
	rm -rf "$tmp"
	resolve "$cdir" "$md" "$tmp" || die "bad note files in $(rel "$cdir")"
	bad=0
	while IFS='	' read -r id st a b; do
		[ "$st" = dangling ] || continue
		line=$("$AWK" -F'\t' -v id="$id" '$1 == id { print $3 ":" $5 ": dangling anchor " $4 }' "$tmp/index.tsv")
		printf '%s (%s)\n' "$line" "$a" >&2
		bad=1
	done <"$tmp/res.tsv"
	if [ $bad = 1 ]; then
		if [ "${KEEP_GOING:-0}" = 1 ]; then
			warn "KEEP_GOING=1: weaving without the notes above"
		else
			die "dangling anchors in $(rel "$cdir") (make course-check; KEEP_GOING=1 weaves anyway)"
		fi
	fi
	shown=$(solutions_shown)
	first=$(getall instructors | head -n 1 | sed 's/ *<.*//')
	# Each note's Markdown block, in its own file
	while IFS='	' read -r id kind file anchor aline fp fpline who title body; do
		[ "$who" = - ] && who=$first
		[ "$title" = - ] && title=
		esc=$(printf '%s' "$who" | sed 's/&/\&amp;/g; s/"/\&quot;/g')
		tex=$(printf '%s' "$who" | sed 's/[\\{}$&#^_%~]/\\&/g')
		{
			if [ "$kind" = exercise ]; then
				printf '\n:::::::: {.course-exercise .instructor-note data-instructor="%s"}\n' "$esc"
				printf '```{=latex}\n\\begin{instructornote}{%s}\n```\n\n' "$tex"
				printf '**Exercise%s** (%s)\n\n' "${title:+: $title}" "$who"
			else
				printf '\n:::::::: {.instructor-note data-instructor="%s"}\n' "$esc"
				printf '```{=latex}\n\\begin{instructornote}{%s}\n```\n\n' "$tex"
				printf "**Instructor's note** (%s)\n\n" "$who"
			fi
			tail -n +"$body" "$root/$file"
			if [ "$kind" = exercise ]; then
				ex=$(basename "$(dirname "$file")")
				if sed -n "2,$((body - 2))p" "$root/$file" | grep -q '^test:'; then
					printf '\nGrade your work with `make grade COURSE=%s EXERCISE=%s`.\n' \
						"$(basename "$cdir")" "$ex"
				fi
				sol=$(dirname "$root/$file")/solution.md
				if [ "$shown" = 1 ] && [ -f "$sol" ]; then
					printf '\n**Solution.**\n\n'
					cat "$sol"
				fi
			fi
			printf '\n```{=latex}\n\\end{instructornote}\n```\n::::::::\n\n'
		} >"$tmp/$id.md"
	done <"$tmp/index.tsv"
	# Insert: for each chapter, the notes after their lines (in file order)
	"$AWK" -F'\t' '$2 == "ok" { print $3 "\t" $4 "\t" $1 }' "$tmp/res.tsv" |
		sort -t '	' -k1,1 -k2,2n -s >"$tmp/insert.tsv"
	for stem in $(cut -f1 "$tmp/insert.tsv" | sort -u); do
		"$AWK" -F'\t' -v stem="$stem" -v dir="$tmp" '
		FNR == NR { if ($1 == stem) { n[$2]++; ids[$2, n[$2]] = $3 } ; next }
		{ print
		  if (FNR in n) for (i = 1; i <= n[FNR]; i++) {
			f = dir "/" ids[FNR, i] ".md"
			while ((getline l < f) > 0) print l
			close(f)
		  } }' "$tmp/insert.tsv" "$md/$stem.md" >"$md/$stem.md.new" &&
			mv "$md/$stem.md.new" "$md/$stem.md" || die "cannot insert notes into $stem.md"
	done
	# Omitted chapters: out of chapters.tsv; links to them go to book_url
	if [ -s "$work/course/omit" ]; then
		url=$(get book_url)
		case $url in */) ;; *) url=$url/ ;; esac
		"$AWK" -F'\t' 'NR == FNR { omit[$1] = 1; next } !($2 in omit)' \
			"$work/course/omit" "$md/chapters.tsv" >"$md/chapters.tsv.new"
		mv "$md/chapters.tsv.new" "$md/chapters.tsv"
		sedx=
		while IFS= read -r st; do
			sedx="${sedx}s#\\([(\"| ]\\)$st\\.html#\\1$url$st.html#g;"
		done <"$work/course/omit"
		for st in $(cut -f2 "$md/chapters.tsv"); do
			sed "$sedx" "$md/$st.md" >"$md/$st.md.new" && mv "$md/$st.md.new" "$md/$st.md"
		done
		"$AWK" -F'\t' -v OFS='\t' -v url="$url" 'NR == FNR { omit[$1] = 1; next }
			$3 in omit { $3 = url $3 } { print }' "$work/course/omit" "$md/refs.tsv" >"$md/refs.tsv.new" &&
			mv "$md/refs.tsv.new" "$md/refs.tsv"
		navs "$md"
	fi
	meta >"$md/course-meta.yaml"
}

# navs MD: rewrite each kept chapter's navigation from chapters.tsv
# (the format nw2md.awk writes), after chapters were omitted.
navs() {
	"$AWK" -F'\t' -v md="$1" '
	function q(s) { gsub(/\x27/, "\x27\x27", s); return "\x27" s "\x27" }
	{ n++; num[n] = $1; stem[n] = $2; title[n] = $4 }
	END {
		for (c = 1; c <= n; c++) {
			f = md "/" stem[c] ".nav.yaml"
			printf "stem: %s\nchapter-num: %d\nchapter-title: %s\nchapters:\n", q(stem[c]), num[c], q(title[c]) > f
			for (i = 1; i <= n; i++) {
				printf "  - href: %s\n    num: %d\n    title: %s\n", q(stem[i] ".html"), num[i], q(title[i]) > f
				if (i == c) printf "    current: true\n" > f
			}
			if (c > 1) printf "prev:\n  href: %s\n  title: %s\n", q(stem[c-1] ".html"), q(title[c-1]) > f
			if (c < n) printf "next:\n  href: %s\n  title: %s\n", q(stem[c+1] ".html"), q(title[c+1]) > f
			close(f)
		}
		# the pages that are not chapters (the indexes) list them too
		f = md "/index.nav.yaml"
		printf "chapters:\n" > f
		for (i = 1; i <= n; i++)
			printf "  - href: %s\n    num: %d\n    title: %s\n", q(stem[i] ".html"), num[i], q(title[i]) > f
		close(f)
	}' "$1/chapters.tsv"
}

# meta: Pandoc metadata for the course's title page (HTML landing page
# and PDF), given after book/metadata.yaml so that it wins.
meta() {
	q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/''/g")"; }
	title=$(get title)
	term=$(get term)
	inst=$(get institution)
	sub="an edition of forklore"
	printf 'title: %s\n' "$(q "$title")"
	printf 'subtitle: %s\n' "$(q "${term:+$term · }${inst:+$inst · }$sub")"
	printf 'author:\n'
	getall instructors | sed 's/ *<.*//' | while IFS= read -r i; do
		printf '  - %s\n' "$(q "$i")"
	done
	printf 'course: %s\n' "$(q "$(basename "$cdir")")"
}

# ------------------------------------------------------------------
# frontend DIR OUT: noweb's front end and nw2md.awk, as weave.sh runs
# them with --course, into OUT/md (no pandoc: this is what check needs)
frontend() {
	lib=${NOWEB_LIB:-/usr/lib/noweb}
	rm -rf "$2" && mkdir -p "$2/md" || die "cannot create $2"
	set -- "$1" "$2" "$root"/src.nw/*.nw
	d=$1 o=$2
	shift 2
	files=$(cmd_inputs "$d" "$o" "$@") || exit 1
	# shellcheck disable=SC2086
	"$lib/markup" $files 2>"$o/markup.err" | "$lib/finduses" | "$lib/noidx" >"$o/noidx.out" ||
		die "noweb failed (see $o/markup.err)"
	"$AWK" -f "$root/book/filters/nw2md.awk" -v out="$o/md" "$o/noidx.out" "$o/noidx.out" 2>"$o/nw2md.err" ||
		die "nw2md.awk failed (see $o/nw2md.err)"
}

# check COURSE [--update]
cmd_check() {
	update=0
	[ "${2:-}" = --update ] && update=1
	d=$(course_dir "$1") || exit 1
	name=$(basename "$d")
	o=$root/$B/course/$name/check
	frontend "$d" "$o"
	load "$d"
	resolve "$d" "$o/md" "$o/resolve" || exit 1
	problems=0 updated=0 total=0
	while IFS='	' read -r id kind file anchor aline fp fpline who title body; do
		total=$((total + 1))
		[ "$fp" = - ] && fp=
		res=$(grep "^$id	" "$o/resolve/res.tsv")
		st=$(printf '%s' "$res" | cut -f2)
		if [ "$st" != ok ]; then
			echo "$file:$aline: dangling anchor $anchor ($(printf '%s' "$res" | cut -f3))"
			problems=$((problems + 1))
			continue
		fi
		case $anchor in chapter:*) continue ;; esac
		now=$(fingerprint "$o/resolve/fp/$id.txt")
		[ "$fp" = "$now" ] && continue
		if [ $update = 1 ]; then
			if [ "$fpline" -gt 0 ]; then
				sed "${fpline}s/^fingerprint:.*/fingerprint: $now/" "$root/$file" >"$root/$file.new"
			else
				sed "${aline}a\\
fingerprint: $now" "$root/$file" >"$root/$file.new"
			fi
			mv "$root/$file.new" "$root/$file"
			echo "$file:$aline: fingerprint of $anchor set to $now"
			updated=$((updated + 1))
		elif [ -z "$fp" ]; then
			echo "$file:$aline: $anchor has no fingerprint yet (review, then make course-check COURSE=$name UPDATE=1)"
			problems=$((problems + 1))
		else
			echo "$file:${fpline}: $anchor changed since the note was checked (fingerprint $fp, now $now): review the note, then make course-check COURSE=$name UPDATE=1"
			problems=$((problems + 1))
		fi
	done <"$o/resolve/index.tsv"
	if [ $problems -gt 0 ]; then
		echo "$prog: $(rel "$d"): $problems of $total notes and exercises need attention (above)" >&2
		exit 1
	fi
	msg="$total notes and exercises: every anchor resolves, every fingerprint matches"
	[ $updated -gt 0 ] && msg="$total notes and exercises: every anchor resolves; fingerprints updated: $updated"
	echo "$prog: $(rel "$d"): $msg"
}

# ------------------------------------------------------------------
# weave COURSE [weave.sh options]: the course's book into build/course/NAME/book
cmd_weave() {
	d=$(course_dir "$1") || exit 1
	shift
	"$root/weave.sh" --course "$d" -o "$root/$B/course/$(basename "$d")$(suffix)/book" "$@"
}

# suffix: "-solutions" for the instructors' edition (COURSE_SOLUTIONS=1)
suffix() { [ "${COURSE_SOLUTIONS:-0}" = 1 ] && echo -solutions; }

# publish COURSE: build/publish/NAME/{site/, NAME.pdf, NAME.tar.gz}; with
# COURSE_SOLUTIONS=1 the edition with every solution, as NAME-solutions
cmd_publish() {
	d=$(course_dir "$1") || exit 1
	cmd_weave "$d" -q || die "weaving $(basename "$d") failed"
	name=$(basename "$d")$(suffix)
	out=$root/$B/publish/$name
	bk=$root/$B/course/$name/book
	rm -rf "$out" && mkdir -p "$out" || die "cannot create $out"
	cp -R "$bk/html" "$out/site" && cp "$bk/forklore.pdf" "$out/$name.pdf" &&
		cp "$bk/forklore.pdf" "$out/site/$name.pdf" || die "cannot copy the book"
	# Search index.  HOOK (issue 6): the book's search-index script
	# (Pagefind), when it is there, indexes the published site itself,
	# so that the site carries its own index under site/pagefind/.
	if [ -f "$root/tools/search-index.sh" ]; then
		sh "$root/tools/search-index.sh" "$out/site" ||
			die "the search index of $(rel "$out")/site failed"
	fi
	(cd "$out" && tar -czf "$name.tar.gz" site "$name.pdf") || die "tar failed"
	echo "$prog: published $(rel "$out")/: site/ ($(find "$out/site" -name '*.html' | wc -l | tr -d ' ') pages), $name.pdf, $name.tar.gz"
}

# ------------------------------------------------------------------
# grade COURSE EXERCISE [--solution]
cmd_grade() {
	d=$(course_dir "$1") || exit 1
	name=$(basename "$d")
	ex=$2
	solution=0
	[ "${3:-}" = --solution ] && solution=1
	exd=$d/exercises/$ex
	[ -f "$exd/exercise.md" ] || die "$(rel "$exd")/exercise.md: no such exercise"
	fm() { "$AWK" -v k="$1" 'NR > 1 && $0 == "---" { exit }
		NR > 1 && index($0, k ":") == 1 { v = substr($0, length(k) + 2); sub(/^[ \t]+/, "", v); print v; exit }' "$exd/exercise.md"; }
	test=$(fm test)
	arch=$(fm arch)
	arch=${arch:-x86_64}
	points=$(fm points)
	[ -n "$test" ] || die "$(rel "$exd")/exercise.md: no test: (the test program) in the front matter"
	[ -f "$exd/$test" ] || die "$(rel "$exd")/$test: not found"
	[ -f "$exd/expected.tap" ] || die "$(rel "$exd")/expected.tap: not found"
	g=$root/$B/grade/$name-$ex
	mkdir -p "$g" || die "cannot create $g"
	if [ $solution = 1 ]; then
		# The reference solution, in a scratch copy of the tree: the
		# checkout is never patched.  The copy keeps its build/, so
		# a second run rebuilds only what the patch changed.
		[ -f "$exd/solution.patch" ] || die "$(rel "$exd")/solution.patch: not found"
		tree=$g/tree
		mkdir -p "$tree" || die "cannot create $tree"
		rm -rf "$tree/src.nw.new" && cp -pR "$root/src.nw" "$tree/src.nw.new" || die "copy failed"
		(cd "$tree/src.nw.new" && patch -s -p2 --no-backup-if-mismatch <"$exd/solution.patch") ||
			die "$(rel "$exd")/solution.patch does not apply to src.nw/"
		# Keep a file's old time when the patch left it as it was.
		if [ -d "$tree/src.nw" ]; then
			for f in "$tree/src.nw.new"/*.nw; do
				o=$tree/src.nw/${f##*/}
				[ -f "$o" ] && cmp -s "$f" "$o" && touch -r "$o" "$f"
			done
		fi
		rm -rf "$tree/src.nw" && mv "$tree/src.nw.new" "$tree/src.nw"
		# A new scratch tree starts from the checkout's own build (its
		# times kept): tangling rewrites only the files the patch
		# changes, so only those compile.
		if [ ! -d "$tree/build/$arch" ] && [ -d "$root/build/$arch" ] && [ -d "$root/build/src" ]; then
			mkdir -p "$tree/build" &&
				cp -pR "$root/build/src" "$root/build/$arch" "$tree/build/" ||
				die "cannot seed $(rel "$tree")/build"
		fi
		rm -rf "$tree/tools" && cp -pR "$root/tools" "$tree/tools"
		cp -p "$root/Makefile" "$root/tangle.sh" "$tree/" || die "copy failed"
		what="the reference solution"
	else
		tree=$root
		what="your kernel (src.nw/)"
	fi
	echo "$prog: grading $name/$ex: building $what for $arch"
	(cd "$tree" && make --no-print-directory ARCH="$arch" "build/$arch/forklore.elf") \
		>"$g/build.log" 2>&1 || { tail -n 30 "$g/build.log" >&2; die "the kernel does not build (see $(rel "$g")/build.log)"; }
	# The test program: tools/userbuild.mk's flags and our nolibc
	bin=$g/$arch-user
	(cd "$tree" && make --no-print-directory -f "$root/tools/userbuild.mk" ARCH="$arch" \
		SRC=build/src TESTDIR="$exd" OUT="$bin" "$bin/${test%.c}") \
		>"$g/user.log" 2>&1 || { cat "$g/user.log" >&2; die "the test program does not build"; }
	sh "$root/tools/mkinitramfs.sh" "$g/initrd.cpio" --init "$bin/${test%.c}" >/dev/null ||
		die "mkinitramfs failed"
	sh "$root/tools/qemu.sh" --arch "$arch" --kernel "$tree/build/$arch/forklore.elf" \
		--mem 256 --initrd "$g/initrd.cpio" --timeout "${TIMEOUT:-60}" >"$g/console.raw" 2>&1
	rc=$?
	tr -d '\r' <"$g/console.raw" >"$g/console.log"
	# Score: the expected results that the run printed, line for line
	# (a "not ok" never matches an expected "ok").
	total=0 got=0
	while IFS= read -r want; do
		case $want in ok\ *|not\ ok\ *) ;; *) continue ;; esac
		total=$((total + 1))
		if grep -qxF "$want" "$g/console.log"; then
			got=$((got + 1))
			echo "  PASS  $want"
		else
			echo "  FAIL  $want"
		fi
	done <"$exd/expected.tap"
	[ $total -gt 0 ] || die "$(rel "$exd")/expected.tap has no ok lines"
	[ $rc = 124 ] && echo "  (QEMU timed out after ${TIMEOUT:-60} s)"
	if [ -n "$points" ]; then
		echo "$prog: $name/$ex: score $((got * points / total))/$points ($got of $total results; console in $(rel "$g")/console.log)"
	else
		echo "$prog: $name/$ex: score $got/$total (console in $(rel "$g")/console.log)"
	fi
	[ $got = $total ]
}

case ${1:-} in
inputs) shift; [ $# -ge 3 ] || die "usage: inputs DIR WORK FILE.nw..."; cmd_inputs "$@" ;;
apply) shift; [ $# -eq 2 ] || die "usage: apply DIR MDDIR"; cmd_apply "$@" ;;
check) shift; [ $# -ge 1 ] || die "usage: check COURSE [--update]"; cmd_check "$@" ;;
weave) shift; [ $# -ge 1 ] || die "usage: weave COURSE [weave.sh options]"; cmd_weave "$@" ;;
publish) shift; [ $# -eq 1 ] || die "usage: publish COURSE"; cmd_publish "$@" ;;
grade) shift; [ $# -ge 2 ] || die "usage: grade COURSE EXERCISE [--solution]"; cmd_grade "$@" ;;
*) sed -n '2,/^set -u/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2 ;;
esac

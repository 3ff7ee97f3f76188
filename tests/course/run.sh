#!/bin/sh
# tests/course/run.sh — course overlays (issue 7, tools/course.sh) on the
# example overlay book/courses/example.  Prints TAP; exits non-zero if a
# test fails.
#
#  - course-check of the example is clean (every anchor resolves, every
#    fingerprint matches);
#  - in a temporary copy of the overlay (book/courses/ is never touched),
#    a broken anchor is reported as FILE:LINE by course-check, fails the
#    weave with the same message, and KEEP_GOING=1 weaves the other notes;
#    a stale fingerprint is reported at its FILE:LINE;
#  - the autograded exercise: the unmodified kernel fails the grader, the
#    reference solution (patched into a scratch tree under build/grade/,
#    never the checkout) passes it, and the test program passes on the
#    host's Linux too;
#  - make publish: the site, the PDF and the tarball are there; every
#    link of the site is relative and resolves; the notes are in it, on
#    at least three chapters, in the HTML and the PDF, attributed; the
#    hidden solution is not; the title page names the course; the
#    attribution and licence page is there.
#  TODO (issue 6): open the published site in headless Chromium with the
#  book's browser harness once it exists (tools/ or tests/ of issue 6);
#  until then the links are checked statically here.
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
AWK=${AWK:-awk}
out=build/tests/course
rm -rf "$out" && mkdir -p "$out" || { echo "Bail out! cannot create $out"; exit 1; }
course=book/courses/example
n=0 failures=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n - $*"; }
check() { # DESCRIPTION COMMAND...: output shown when it fails
	_d=$1
	shift
	if "$@" >"$out/check.log" 2>&1; then ok "$_d"; else
		not_ok "$_d"
		sed -n '1,30s/^/  # /p' "$out/check.log"
	fi
}
now() { date +%s; }
echo "TAP version 13"

t=$(now)
check "course-check of the example overlay is clean" sh tools/course.sh check example
echo "# course-check: $(($(now) - t)) s"

# A copy of the overlay with one anchor broken and one fingerprint stale.
broken=$out/broken
cp -R "$course" "$broken"
sed -i '2s/.*/anchor: chunk:A chunk that is not in the book/' "$broken/notes/refuse-flags.md"
sed -i 's/^fingerprint: .*/fingerprint: 0123456789abcdef/' "$broken/notes/cow-fault.md"
fpline=$(grep -n '^fingerprint:' "$broken/notes/cow-fault.md" | cut -d: -f1)
sh tools/course.sh check "$broken" >"$out/broken.log" 2>&1
rc=$?
want="$broken/notes/refuse-flags.md:2: dangling anchor chunk:A chunk that is not in the book"
if [ $rc != 0 ] && grep -qF "$want" "$out/broken.log"; then
	ok "course-check reports a dangling anchor as FILE:LINE and fails"
else
	not_ok "course-check reports a dangling anchor as FILE:LINE and fails (status $rc)"
	sed 's/^/  # /' "$out/broken.log"
fi
if grep -qF "$broken/notes/cow-fault.md:$fpline: section:" "$out/broken.log" &&
	grep -q 'cow-fault.md.*changed since the note was checked' "$out/broken.log"; then
	ok "course-check reports a changed section at its fingerprint's FILE:LINE"
else
	not_ok "course-check reports a changed section at its fingerprint's FILE:LINE"
	sed 's/^/  # /' "$out/broken.log"
fi
t=$(now)
./weave.sh --html --course "$broken" -o "$out/broken-book" >"$out/weave-broken.log" 2>&1
rc=$?
if [ $rc != 0 ] && grep -qF "$want" "$out/weave-broken.log" &&
	[ ! -e "$out/broken-book/html/index.html" ]; then
	ok "weaving with a dangling anchor fails, naming FILE:LINE ($(($(now) - t)) s)"
else
	not_ok "weaving with a dangling anchor fails, naming FILE:LINE (status $rc)"
	sed 's/^/  # /' "$out/weave-broken.log"
fi
# KEEP_GOING=1: the notes step alone, on the Markdown course-check made
rm -rf "$out/md" && cp -R "build/course/broken/check/md" "$out/md" 2>/dev/null &&
	mkdir -p "$out/course" && : >"$out/course/omit"
if KEEP_GOING=1 sh tools/course.sh apply "$broken" "$out/md" >"$out/keep.log" 2>&1 &&
	grep -qF "$want" "$out/keep.log" &&
	grep -q 'class="instructor-note\|{.instructor-note' "$out/md/76-cow.md"; then
	ok "KEEP_GOING=1 weaves the other notes and still names the dangling one"
else
	not_ok "KEEP_GOING=1 weaves the other notes and still names the dangling one"
	sed 's/^/  # /' "$out/keep.log"
fi
# Solutions: out of the book by default (checked on the published site
# below), in it for the staff's edition (COURSE_SOLUTIONS=1)
rm -rf "$out/md" && cp -R "build/course/example/check/md" "$out/md"
if COURSE_SOLUTIONS=1 sh tools/course.sh apply "$course" "$out/md" >"$out/sol.log" 2>&1 &&
	grep -q 'reference patch is' "$out/md/75-fork.md"; then
	ok "COURSE_SOLUTIONS=1 (make publish SOLUTIONS=1) weaves the solutions in"
else
	not_ok "COURSE_SOLUTIONS=1 (make publish SOLUTIONS=1) weaves the solutions in"
	sed 's/^/  # /' "$out/sol.log"
fi

# The autograded exercise
t=$(now)
make --no-print-directory grade COURSE=example EXERCISE=procstat >"$out/grade-base.log" 2>&1
rc=$?
if [ $rc != 0 ] && grep -q 'FAIL  ok 1 - /proc/stat opens' "$out/grade-base.log"; then
	ok "the unmodified kernel fails the procstat grader ($(($(now) - t)) s): $(grep 'score' "$out/grade-base.log" | sed 's/ (.*//; s/^course.sh: //')"
else
	not_ok "the unmodified kernel fails the procstat grader (status $rc)"
	sed 's/^/  # /' "$out/grade-base.log"
fi
t=$(now)
before=$(git status --porcelain -- src.nw | wc -l)
make --no-print-directory grade COURSE=example EXERCISE=procstat SOLUTION=1 >"$out/grade-sol.log" 2>&1
rc=$?
after=$(git status --porcelain -- src.nw | wc -l)
if [ $rc = 0 ] && grep -q 'score 10/10' "$out/grade-sol.log" && [ "$before" = "$after" ]; then
	ok "the reference solution passes the procstat grader, the checkout untouched ($(($(now) - t)) s)"
else
	not_ok "the reference solution passes the procstat grader, the checkout untouched (status $rc)"
	sed 's/^/  # /' "$out/grade-sol.log"
fi
bin=build/grade/example-procstat/x86_64-user/procstat
if [ -x "$bin" ] && timeout 30 "$bin" >"$out/host.tap" 2>&1 && ! grep -q '^not ok' "$out/host.tap"; then
	ok "the procstat test passes on the host's Linux"
else
	not_ok "the procstat test passes on the host's Linux"
	sed 's/^/  # /' "$out/host.tap" 2>/dev/null
fi

# make publish.  The whole book takes minutes to set in LaTeX on a busy
# machine, so by default the test publishes the example overlay with
# "others: omit": its four chapters, its extra chapter and its notes,
# the rest of the book linked at book_url (which tests omission too).
# COURSE_TEST_FULL=1 publishes the example itself, the whole book.
t=$(now)
if [ "${COURSE_TEST_FULL:-0}" = 1 ]; then
	name=example
	check "make publish COURSE=example" make --no-print-directory publish COURSE=example
else
	name=example-short
	rm -rf "$out/$name" && cp -R "$course" "$out/$name"
	sed -i 's/^others: keep/others: omit/' "$out/$name/course.yaml"
	printf 'book_url: https://forklore.invalid/book/\n' >>"$out/$name/course.yaml"
	check "make publish COURSE=<the example, its chapters only>" \
		make --no-print-directory publish COURSE="$out/$name"
	check "links into omitted chapters go to book_url" \
		grep -q 'href="https://forklore.invalid/book/' "build/publish/$name/site/75-fork.html"
	check "omitted chapters are not in the contents" sh -c \
		"! grep -q '10-image.html' build/publish/$name/site/index.html && test ! -e build/publish/$name/site/10-image.html"
fi
pub=build/publish/$name
echo "# publish (HTML and PDF weave): $(($(now) - t)) s"
check "the published site, PDF and tarball are there" \
	test -s "$pub/site/index.html" -a -s "$pub/$name.pdf" -a -s "$pub/$name.tar.gz" -a -s "$pub/site/$name.pdf"
check "the tarball holds the site and the PDF" sh -c \
	"tar -tzf '$pub/$name.tar.gz' | grep -qx 'site/index.html' && tar -tzf '$pub/$name.tar.gz' | grep -qx '$name.pdf'"

# site_links DIR: every link and src is relative (no /, no ..) and
# resolves to a file of DIR, and its #fragment to an id of that file
site_links() {
	(cd "$1" && find . -type f | sed 's|^\./||') >"$out/files"
	for f in "$1"/*.html; do
		"$AWK" -v page="${f##*/}" '{ s = " " $0
			while (match(s, /[ \t]id="[^"]*"/)) {
				print page "\t" substr(s, RSTART + 5, RLENGTH - 6); s = substr(s, RSTART + RLENGTH) } }' "$f"
	done >"$out/ids.tsv"
	bad=0
	for f in "$1"/*.html; do
		"$AWK" -v page="${f##*/}" -v idsfile="$out/ids.tsv" -v filesfile="$out/files" '
		BEGIN {
			while ((getline l < idsfile) > 0) { split(l, a, "\t"); id[a[1], a[2]] = 1 }
			while ((getline l < filesfile) > 0) file[l] = 1
		}
		{
			s = " " $0
			while (match(s, /[ \t](href|src)="[^"]*"/)) {
				h = substr(s, RSTART + 1, RLENGTH - 2); s = substr(s, RSTART + RLENGTH)
				sub(/^[a-z]*="/, "", h); gsub(/&amp;/, "\\&", h)
				if (h ~ /^(https?|mailto):/) continue
				n++
				if (h ~ /^data:/) continue	# inline, nothing to fetch
				if (h ~ /^\// || h ~ /^[a-z]+:/ || h ~ /(^|\/)\.\.\//) { print page ": " h ": not a relative link inside the site"; bad = 1; continue }
				p = h; frag = ""
				if (i = index(h, "#")) { p = substr(h, 1, i - 1); frag = substr(h, i + 1) }
				if (p == "") p = page
				if (!(p in file)) { print page ": " h ": no such file"; bad = 1; continue }
				if (frag != "" && !((p, frag) in id)) { print page ": " h ": no such anchor"; bad = 1 }
			}
		}
		END { exit bad }' "$f" || bad=1
	done
	return $bad
}
check "every link of the published site is relative and resolves" site_links "$pub/site"

notes_html() {
	for st in 00-preface 74-fork-history 75-fork 76-cow; do
		grep -q 'class="instructor-note' "$pub/site/$st.html" || { echo "no note in $st.html"; return 1; }
	done
	grep -q 'data-instructor="Grace Sample"' "$pub/site/76-cow.html" &&
		grep -q 'Instructor’s note</strong> (Grace Sample)' "$pub/site/76-cow.html" ||
		{ echo "76-cow.html: the note does not name Grace Sample"; return 1; }
	grep -q 'class="course-exercise' "$pub/site/75-fork.html" || { echo "no exercise in 75-fork.html"; return 1; }
	grep -q "make grade COURSE=$name EXERCISE=procstat" "$pub/site/75-fork.html" ||
		{ echo "75-fork.html: the autograded exercise does not say how to grade it"; return 1; }
	! grep -q "EXERCISE=unwind" "$pub/site/75-fork.html" ||
		{ echo "75-fork.html: the written exercise offers a grader"; return 1; }
}
check "the notes and exercises are on their chapters' pages, attributed" notes_html
no_solution() {
	! grep -l 'show_stat\|reference patch is' "$pub/site/"*.html &&
		! pdftotext "$pub/$name.pdf" - | grep 'show_stat\|reference patch is'
}
check "the hidden solution is neither in the site nor in the PDF" no_solution
pdf_notes() {
	pdftotext "$pub/$name.pdf" "$out/example.txt" || return 1
	c=$(grep -c "Instructor’s note\|Instructor's note" "$out/example.txt")
	echo "$c notes in the PDF"
	[ "$c" -ge 5 ] && grep -q 'CS 3210' "$out/example.txt" &&
		grep -q 'About this course edition' "$out/example.txt"
}
check "the PDF has the title page, the notes and the attribution page" pdf_notes
check "the landing page names the course" grep -q '<h1 class="book-title-big">CS 3210' "$pub/site/index.html"
check "the attribution and licence page is there" sh -c \
	"grep -q 'Licence and attribution' '$pub/site/about-this-course.html' && grep -q 'about-this-course.html' '$pub/site/index.html'"
check "the extra chapter and the course's order are in the contents" sh -c \
	"grep -A3 'book-toc' '$pub/site/index.html' >/dev/null; grep -o 'href=\"[0-9a-z-]*\.html\"' '$pub/site/index.html' | sed -n '1,12p' | tr '\n' ' ' | grep -q '00-preface.html.*74-fork-history.html.*75-fork.html.*76-cow.html' && grep -q 'syllabus.html' '$pub/site/index.html'"

# Headless Chromium: the book's browser harness (issue 6) on the
# published site, when the harness is there.
if [ -f tests/browser/run.sh ]; then
	BROWSER_PARTIAL=1 BROWSER_SHOTS=$out/screenshots sh tests/browser/run.sh "$pub/site" >"$out/browser.tap" 2>&1
	rc=$?
	if [ $rc = 0 ] && ! grep -q '^not ok' "$out/browser.tap"; then
		ok "the published site in headless Chromium ($(grep -c '^ok' "$out/browser.tap") checks)"
	else
		not_ok "the published site in headless Chromium (status $rc)"
		sed 's/^/  # /' "$out/browser.tap"
	fi
else
	ok "the published site in headless Chromium # SKIP TODO: issue 6's browser harness (tests/browser/run.sh) is not in this tree yet"
fi

echo "1..$n"
[ $failures = 0 ]

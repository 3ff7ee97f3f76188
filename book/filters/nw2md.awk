# nw2md.awk -- forklore's noweb back end: noweb pipeline → Pandoc Markdown.
#
# Input: the output of `markup FILE... | finduses | noidx` (noweb's own
# front end and cross-referencer), given TWICE on the command line:
# the first pass collects every chunk, name, use and identifier
# definition of the whole book; the second writes, for each chapter
# (each @file), OUT/<stem>.md plus OUT/<stem>.nav.yaml.  It also writes
#   OUT/chapters.tsv   ordinal, stem, file, title       (one line a chapter)
#   OUT/refs.tsv       placeholder, kind, stem, id, text, number
# The placeholders (NWCHREF<n>Q for a <<chunk>> use, NWIDREF<n>Q for an
# identifier use) stand in the code where a link goes; they survive
# Pandoc's highlighter as plain identifiers, and nwlinks.awk replaces
# them in the HTML or LaTeX that Pandoc writes.
#
# Anchors are derived from chunk NAMES only, never from hashes, and
# count positions only within one chapter and one name: in each chapter
# (each page), the first piece of <<Set up the GDT>> is `set-up-the-gdt`,
# the next ones `set-up-the-gdt-2`, `-3`, ...  (A name whose slug is
# already taken on the page by an earlier, different name gets `--2`,
# `--3`.)  So a link from outside, PAGE.html#ANCHOR, survives any edit
# of the book but one: inserting a piece of the same chunk earlier in
# the same chapter.  An id is unique on its page; the PDF, one
# document, prefixes it with the page: STEM:ANCHOR.
#
# Identifiers (links from every use in code to the defining chunk):
# the definitions come from -v idents=FILE, written by idents.awk from
# universal-ctags run on the tangled tree (functions, struct/union/enum
# tags, enumerators, macros, typedefs, globals, assembler labels, linker
# script symbols), plus every `@ %def NAME` of the sources whose NAME
# ctags does not know at all (not even as a member or a local).  Each code chunk of C or assembler is then scanned here:
# a word is a use of NAME when it is not in a comment, a string or an
# #include line, does not follow `.` or `->` (a member), is not declared
# in that chunk's function as a local, a parameter or a label (nor as a
# member or macro parameter in that chunk), and has a definition of the
# right sort (after struct/union/enum, a tag; elsewhere, anything but a
# tag).  Of several definitions, the one in the same tangled file wins,
# then one on the same side (kernel or user programs, tools/), then the
# first in the book.  It also writes
#   OUT/idents.tsv     name, kind, stem, anchor, chunk number, .nw file,
#                      .nw line   (one line a definition; unsorted)
#   OUT/chunkidx.tsv   name, stem, anchor, chunk number, k, used-in
#                      (one line a chunk definition; used-in is
#                      "stem#anchor|number ..." of the using chunks)
#   OUT/index.nav.yaml navigation for the index pages (no current page)
#
# Linux links: a prose line of the form
#   Linux: PATH [struct|union|enum] NAME
# (PATH relative to Linux's tree, with a / or a .) is not printed; it is attached to the
# next code chunk of the chapter as data-linux="PATH|NAME|LINE;...",
# where LINE is NAME's line in Linux 6.1 from -v linuxtab=FILE (rows
# PATH TAB NAME TAB LINE; 0 when unknown).  Rows "stem, anchor, chunk
# number, PATH, NAME, LINE, .nw file" go to OUT/linux.tsv.
#
# Usage: awk -f nw2md.awk -v out=DIR [-v idents=FILE] [-v linuxtab=FILE] \
#            noidx.out noidx.out
# POSIX awk only (runs under mawk).

function die(msg) { printf "nw2md.awk: %s\n", msg > "/dev/stderr"; failed = 1; exit 2 }

function slug(s,    t) {
	t = tolower(s)
	gsub(/[^a-z0-9_]+/, "-", t)
	sub(/^-+/, "", t); sub(/-+$/, "", t)
	if (t == "") t = "chunk"
	if (t ~ /^sec-/) t = "chunk-" t	# section ids are sec-*
	return t
}

function claim(id,    j, try) {	# make id unique in the chapter, deterministically
	if (!((nch, id) in taken)) { taken[nch, id] = 1; return id }
	for (j = 2; ; j++) {
		try = id "--" j
		if (!((nch, try) in taken)) { taken[nch, try] = 1; return try }
	}
}

function basename_nw(f,    b) {
	b = f; sub(/.*\//, "", b); sub(/\.nw$/, "", b)
	return b
}

function rest(n) {	# the text of the current line after the first n characters
	return substr($0, n + 1)
}

function attresc(s) {	# for a Pandoc Markdown attribute value in "..."
	gsub(/&/, "\\&amp;", s); gsub(/"/, "\\&quot;", s); gsub(/\\/, "\\&#92;", s)
	gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	return s
}

function yamlq(s) {	# single-quoted YAML scalar
	gsub(/'/, "''", s)
	return "'" s "'"
}

function tsvclean(s) { gsub(/[\t\n]/, " ", s); return s }

function langof(root,    f, e) {	# highlighting language for a root chunk name
	f = root; sub(/.*\//, "", f)
	if (f == "Makefile" || f == "GNUmakefile" || f ~ /\.mk$/) return "makefile"
	if (f !~ /\./) return ""
	e = f; sub(/.*\./, "", e)
	if (e == "c" || e == "h" || e == "lds" || e == "ld") return "c"
	if (e == "S" || e == "s") return "gnuassembler"
	if (e == "sh") return "bash"
	if (e == "awk") return "awk"
	if (e == "lua") return "lua"
	if (e == "py") return "python"
	if (e == "json") return "json"
	if (e == "yaml" || e == "yml") return "yaml"
	if (e == "dot") return "dot"
	return ""
}

function href(c) { return cstem[c] ".html#" cid[c] }

# Backtick fence for an inline code span holding s
function codespan(s,    t, run, max, i, fence, pad) {
	t = s; max = 0
	while (match(t, /`+/)) {
		if (RLENGTH > max) max = RLENGTH
		t = substr(t, RSTART + RLENGTH)
	}
	fence = "`"; for (i = 0; i < max; i++) fence = fence "`"
	pad = (s ~ /^`/ || s ~ /`$/) ? " " : ""
	return fence pad s pad fence
}

BEGIN {
	if (idents != "") {
		while ((r = (getline l < idents)) > 0) {
			nf = split(l, f, "\t")
			if (f[1] == "D" && nf >= 7) adddef(f[2], f[3], f[4] + 0, f[5], f[6] + 0, f[7], 1)
			else if (f[1] == "L") {
				k = f[2] + 0 SUBSEP f[3]
				supp[k] = supp[k] " " f[4] + 0 " " f[5] + 0
			}
			else if (f[1] == "K") ctagsdef[f[2]] = 1
			else if (f[1] == "F") {
				cfile[f[2] + 0, f[3]] = 1
				cside[f[2] + 0, side(f[3])] = 1
			}
		}
		if (r < 0) die("cannot read " idents)
		close(idents)
	}
	if (linuxtab != "") {
		while ((r = (getline l < linuxtab)) > 0) {
			if (l ~ /^#/) continue
			split(l, f, "\t")
			lxline[f[1], f[2]] = f[3]
		}
		close(linuxtab)
	}
	istag["struct"] = istag["union"] = istag["enum"] = 1
}

function side(tf) { return tf ~ /^tools\// ? "user" : "kernel" }

# adddef(name, kind, chunk, nwfile, nwline, tangledfile, from_ctags)
function adddef(name, kind, c, f, l, tf, byctags,    d) {
	if (!byctags && (name in ctagsdef)) return
	if ((name, c, istag[kind] ? 1 : 0) in defseen) return
	defseen[name, c, istag[kind] ? 1 : 0] = 1
	d = ++nd
	dname[d] = name; dkind[d] = kind; dc[d] = c; dfile[d] = f; dline[d] = l; dtf[d] = tf
	ndn[name]++; dof[name, ndn[name]] = d
}

# pick(name, tagctx, c): the definition a use of name in chunk c (0:
# prose) means; 0 if none, -1 if the chunk defines it itself
function pick(w, tagctx, c,    k, d, best, bs, sc) {
	best = 0; bs = -1
	for (k = 1; k <= ndn[w]; k++) {
		d = dof[w, k]
		if ((istag[dkind[d]] ? 1 : 0) != tagctx) continue
		if (dc[d] == c) return -1
		sc = ((c, dtf[d]) in cfile) ? 2 : (((c, side(dtf[d])) in cside) ? 1 : 0)
		if (sc > bs || (sc == bs && dc[d] < dc[best])) { best = d; bs = sc }
	}
	return best
}

FNR == 1 {
	pass++
	if (pass == 2) between_passes()
}

/^@fatal / { die("noweb: " rest(7)) }

# ---------------------------------------------------------------- chunks.tsv
# OUT/chunks.tsv: one line a code chunk definition, for tools that map a
# line of a .nw file (a #line in the tangled tree) back to its chunk:
#   file  first-line  last-line  stem  anchor  number  name
# first-line is the <<name>>= line, last-line the chunk's last code line.
# Lines are counted in pass 1 (@nl and @index nl each end a source line);
# these rules only count and never `next`.
pass == 1 && /^@file / { ckl_line = 1 }
pass == 1 && /^@defn / {
	ckl_first[nc] = ckl_last[nc] = ckl_line; ckl_fname[nc] = chfile[nch]
}
pass == 1 && incode && /^@nl/ { ckl_last[nc] = ckl_line }
pass == 1 && (/^@nl/ || /^@index nl/) { ckl_line++ }
FNR == 1 && pass == 2 { write_chunks_tsv() }
function write_chunks_tsv(    c, f) {
	f = out "/chunks.tsv"
	printf "" > f
	for (c = 1; c <= nc; c++)
		if (c in ckl_first)
			printf "%s\t%d\t%d\t%s\t%s\t%s\t%s\n", tsvclean(ckl_fname[c]), \
				ckl_first[c], ckl_last[c], cstem[c], cid[c], cnum[c], \
				tsvclean(nname[cname[c]]) > f
	close(f)
}

# ---------------------------------------------------------------- pass 1
pass == 1 && /^@file / {
	nch++
	chfile[nch] = rest(6)
	chstem[nch] = basename_nw(chfile[nch])
	if (chstem[nch] in stemseen)
		die("two chapters named " chstem[nch] ": " stemseen[chstem[nch]] " and " chfile[nch])
	stemseen[chstem[nch]] = chfile[nch]
	seq = 0; nwline = 1
	next
}
pass == 1 && /^@begin code/ { nc++; seq++; incode = 1; pvskip = 1; pvl = ""; next }
pass == 1 && /^@end code/ { incode = 0; next }
pass == 1 && /^@index nl/ { nwline++; next }
pass == 1 && incode && /^@nl/ {
	nwline++
	if (pvskip) { pvskip = 0; next }
	cl[nc, ++ncl[nc]] = pvl
	pvl = ""
	next
}
pass == 1 && /^@nl/ { nwline++ }
pass == 1 && incode && /^@text / { pvl = pvl rest(6); next }
pass == 1 && /^@defn / {
	cline[nc + 0] = nwline
	name = rest(6)
	if (!(name in nidx)) { nn++; nidx[name] = nn; nname[nn] = name }
	n = nidx[name]
	cname[nc] = n; cchap[nc] = nch; cstem[nc] = chstem[nch]
	cnum[nc] = nch "." seq
	k = ++ndefs[n]; ndef[n, k] = nc; ck[nc] = k
	kc = ++nkch[nch, n]	# pieces of this name in this chapter
	if (kc == 1) { nbase[nch, n] = claim(slug(name)); cid[nc] = nbase[nch, n] }
	else cid[nc] = claim(nbase[nch, n] "-" kc)
	next
}
pass == 1 && incode && /^@use / { pvl = pvl "⟨" rest(5) "⟩" }
pass == 1 && incode && /^@use / {
	name = rest(5)
	if (!(name in nidx)) { nn++; nidx[name] = nn; nname[nn] = name }
	u = nidx[name]
	if (!((nc, u) in useseen)) {
		useseen[nc, u] = 1
		nusedin[u]++; usedin[u, nusedin[u]] = nc
		ne++; eu[ne] = cname[nc]; ev[ne] = u
	}
	next
}
pass == 1 && incode && /^@index defn / {
	adddef(rest(12), "def", nc, chfile[nch], cline[nc], "", 0)
	next
}

function between_passes(    i, n, changed, l, c) {
	if (nch == 0) die("no chapters in input")
	# Language of each chunk: that of the (first) root file it is
	# reached from; a chunk reached from no typed root is C.
	for (n = 1; n <= nn; n++) {
		isroot[n] = (nusedin[n] == 0 && ndefs[n] > 0)
		lang[n] = isroot[n] ? langof(nname[n]) : ""
	}
	do {
		changed = 0
		for (i = 1; i <= ne; i++)
			if (lang[ev[i]] == "" && lang[eu[i]] != "") {
				lang[ev[i]] = lang[eu[i]]; changed = 1
			}
	} while (changed)
	for (n = 1; n <= nn; n++) if (lang[n] == "") lang[n] = "c"
	chap = 0; incode = 0; indocs = 0
	printf "" > (out "/refs.tsv")
	printf "" > (out "/linux.tsv")
	write_indexes()
}

# The identifiers each chunk defines (data-defs), idents.tsv,
# chunkidx.tsv and the navigation of the index pages.
function write_indexes(    d, c, f, i, n, k, u) {
	printf "" > (out "/idents.tsv"); printf "" > (out "/chunkidx.tsv")
	for (d = 1; d <= nd; d++) {
		c = dc[d]
		if (c < 1 || c > nc) continue
		if (!((c, dname[d]) in cdefseen)) {
			cdefseen[c, dname[d]] = 1
			cdefs[c] = (cdefs[c] == "" ? "" : cdefs[c] " ") dname[d]
		}
		printf "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", dname[d], dkind[d], cstem[c], cid[c], \
			cnum[c], dfile[d], dline[d] > (out "/idents.tsv")
	}
	close(out "/idents.tsv")
	for (n = 1; n <= nn; n++)
		for (k = 1; k <= ndefs[n]; k++) {
			c = ndef[n, k]; u = ""
			for (i = 1; i <= nusedin[n]; i++)
				u = u (i > 1 ? " " : "") cstem[usedin[n, i]] "#" cid[usedin[n, i]] "|" cnum[usedin[n, i]]
			printf "%s\t%s\t%s\t%s\t%d\t%s\n", tsvclean(nname[n]), cstem[c], cid[c], \
				cnum[c], k, u > (out "/chunkidx.tsv")
		}
	close(out "/chunkidx.tsv")
	write_nav(0)
}

# Chapter titles are needed by every page's navigation, so pass 1 reads
# them ahead: the first "# " line of each chapter's prose.
pass == 1 && /^@begin docs/ { indocs = 1; tline = ""; next }
pass == 1 && /^@end docs/ { indocs = 0; next }
pass == 1 && indocs && /^@text / { tline = tline rest(6); next }
pass == 1 && indocs && /^@quote/ { tline = tline "`"; next }
pass == 1 && indocs && /^@endquote/ { tline = tline "`"; next }
pass == 1 && indocs && /^@nl/ {
	if (title[nch] == "" && tline ~ /^# /) {
		t = substr(tline, 3)
		sub(/[ \t]*\{[^}]*\}[ \t]*$/, "", t); sub(/[ \t#]+$/, "", t)
		title[nch] = t
	}
	tline = ""
	next
}

# ---------------------------------------------------------------- pass 2
pass == 2 && /^@file / {
	end_chapter()
	chap++
	nwline = 1
	mdfile = out "/" chstem[chap] ".md"
	printf ":::::::::: {.nwchapter data-stem=\"%s\" data-num=\"%d\" data-file=\"%s\"}\n\n", \
		attresc(chstem[chap]), chap, attresc(chfile[chap]) > mdfile
	write_nav(chap)
	next
}

# .nw line numbers (the Linux markers and the locals need them)
pass == 2 && /^@index nl/ { nwline++; next }
pass == 2 && /^@nl/ { nwline++ }

function end_chapter() {
	if (mdfile == "") return
	if (pendlinux != "") {
		printf "warning: %s: a Linux: marker (%s) with no code chunk after it\n", \
			chfile[chap], pendlinux > "/dev/stderr"
		pendlinux = ""
	}
	flushline()
	printf "\n::::::::::\n" > mdfile
	close(mdfile)
	mdfile = ""
}

function flushline() {
	if (line != "") { printf "%s", line > mdfile; line = "" }
}

function write_nav(ch,    f, i, tt) {
	f = out "/" (ch == 0 ? "index" : chstem[ch]) ".nav.yaml"
	if (ch > 0) {
		printf "stem: %s\nchapter-num: %d\n", yamlq(chstem[ch]), ch > f
		printf "chapter-title: %s\n", yamlq(title[ch] == "" ? chstem[ch] : title[ch]) > f
	}
	printf "chapters:\n" > f
	for (i = 1; i <= nch; i++) {
		tt = title[i] == "" ? chstem[i] : title[i]
		printf "  - href: %s\n    num: %d\n    title: %s\n", yamlq(chstem[i] ".html"), i, yamlq(tt) > f
		if (i == ch) printf "    current: true\n" > f
	}
	if (ch == 0) { close(f); return }
	if (ch > 1) printf "prev:\n  href: %s\n  title: %s\n", yamlq(chstem[ch-1] ".html"), \
		yamlq(title[ch-1] == "" ? chstem[ch-1] : title[ch-1]) > f
	if (ch < nch) printf "next:\n  href: %s\n  title: %s\n", yamlq(chstem[ch+1] ".html"), \
		yamlq(title[ch+1] == "" ? chstem[ch+1] : title[ch+1]) > f
	close(f)
	printf "%d\t%s\t%s\t%s\n", ch, chstem[ch], tsvclean(chfile[ch]), \
		tsvclean(title[ch] == "" ? chstem[ch] : title[ch]) > (out "/chapters.tsv")
}

# -- documentation
pass == 2 && /^@begin docs/ { indocs = 1; next }
pass == 2 && /^@end docs/ { indocs = 0; next }
pass == 2 && indocs && /^@quote/ { inquote = 1; qtext = ""; next }
pass == 2 && inquote && /^@xref ref / { next }
pass == 2 && inquote && /^@index use / { next }
pass == 2 && inquote && /^@text / { qtext = qtext rest(6); next }
pass == 2 && inquote && /^@nl/ { qtext = qtext " "; next }
pass == 2 && inquote && /^@endquote/ {
	inquote = 0
	if ((d = quoted_ident(qtext)) > 0)
		line = line "[" codespan(qtext) "](" href(dc[d]) "){.nwident}"
	else
		line = line codespan(qtext)
	next
}
pass == 2 && indocs && /^@text / { line = line rest(6); next }
pass == 2 && indocs && /^@nl/ {
	if (line ~ /^Linux: [A-Za-z0-9_+-]*[\/.][A-Za-z0-9_.\/+-]* ((struct|union|enum) )?[A-Za-z_][A-Za-z0-9_]*[ \t]*$/) {
		lx = line; sub(/^Linux: /, "", lx); sub(/[ \t]+$/, "", lx)
		lxp = lx; sub(/ .*/, "", lxp); lxn = lx; sub(/^[^ ]+ /, "", lxn)
		lxl = ((lxp, lxn) in lxline) ? lxline[lxp, lxn] : 0
		pendlinux = pendlinux (pendlinux == "" ? "" : ";") lxp "|" lxn "|" lxl
		line = ""
		next
	}
	line = line "\n"; flushline(); next
}

# [[name]], [[name()]] or [[struct name]] in prose: its definition
function quoted_ident(q,    w, tag) {
	w = q; tag = 0
	if (w ~ /^(struct|union|enum) [A-Za-z_][A-Za-z0-9_]*$/) { sub(/^[a-z]+ /, "", w); tag = 1 }
	sub(/\(\)$/, "", w)
	if (w !~ /^[A-Za-z_][A-Za-z0-9_]*$/ || !(w in ndn)) return 0
	d = pick(w, tag, 0)
	if (d == 0 && !tag) d = pick(w, 1, 0)	# [[task_struct]] means the struct
	return d
}

# -- code
pass == 2 && /^@begin code/ {
	flushline()
	cc++	# same numbering as pass 1
	incode = 1; code = ""; skipnl = 1
	scan = (lang[cname[cc]] == "c" || lang[cname[cc]] == "gnuassembler")
	incomment = 0; skipline = 0; lastsig = ""; prevword = ""
	next
}
pass == 2 && incode && /^@defn / { next }
pass == 2 && incode && /^@nl/ {
	skipline = 0; lastsig = ""
	if (skipnl) { skipnl = 0; next }
	code = code "\n"; next
}
pass == 2 && incode && /^@xref ref / { next }
pass == 2 && incode && /^@index use / { next }
pass == 2 && incode && /^@use / {
	u = nidx[rest(5)]
	ph = "NWCHREF" u "Q"
	if (!(ph in phseen)) {
		phseen[ph] = 1
		if (ndefs[u] > 0)
			printf "%s\tchunk\t%s\t%s\t%s\t%s\n", ph, cstem[ndef[u, 1]], cid[ndef[u, 1]], \
				tsvclean(nname[u]), cnum[ndef[u, 1]] > (out "/refs.tsv")
		else
			printf "%s\tchunk\t\t\t%s\t\n", ph, tsvclean(nname[u]) > (out "/refs.tsv")
	}
	code = code ph
	next
}
pass == 2 && incode && /^@text / {
	code = code (scan ? linkify(rest(6)) : rest(6))
	next
}

# linkify(t): t, a piece of a line of C or assembler, with every use of a
# defined identifier replaced by its placeholder.  State that spans
# pieces and lines: incomment (in /* */), skipline (rest of the line is a
# comment or an #include), lastsig (last non-blank character(s)),
# prevword (the previous word, for struct/union/enum).
function linkify(t,    o, w, i, q, c2) {
	o = ""
	while (t != "") {
		if (incomment) {
			i = index(t, "*/")
			if (!i) return o t
			o = o substr(t, 1, i + 1); t = substr(t, i + 2); incomment = 0
			continue
		}
		if (skipline) return o t
		if (match(t, /^[A-Za-z_][A-Za-z0-9_]*/)) {
			w = substr(t, 1, RLENGTH); t = substr(t, RLENGTH + 1)
			o = o useword(w)
			if (w == "include" && lastsig == "#") skipline = 1
			prevword = w; lastsig = "w"
			continue
		}
		if (match(t, /^[0-9][A-Za-z0-9_.]*/)) {
			o = o substr(t, 1, RLENGTH); t = substr(t, RLENGTH + 1)
			prevword = ""; lastsig = "0"
			continue
		}
		if (match(t, /^[ \t]+/)) {
			o = o substr(t, 1, RLENGTH); t = substr(t, RLENGTH + 1)
			continue
		}
		c2 = substr(t, 1, 2)
		if (c2 == "/*") { incomment = 1; o = o c2; t = substr(t, 3); continue }
		if (c2 == "//") { skipline = 1; continue }
		q = substr(t, 1, 1)
		if (q == "\"" || q == "'") {
			for (i = 2; i <= length(t); i++) {
				if (substr(t, i, 1) == "\\") { i++; continue }
				if (substr(t, i, 1) == q) break
			}
			o = o substr(t, 1, i); t = substr(t, i + 1)
			prevword = ""; lastsig = q
			continue
		}
		if (c2 == "->") { o = o c2; t = substr(t, 3); lastsig = "->"; prevword = ""; continue }
		o = o q; t = substr(t, 2); lastsig = q
		if (q != "*") prevword = ""
	}
	return o
}

# preview(d): "⟨chunk name⟩ number" and three lines of the chunk from
# the definition's line, \036 between lines
function preview(d,    c, k, i, l, p) {
	c = dc[d]
	p = tsvclean("⟨" nname[cname[c]] "⟩ " cnum[c])
	k = dline[d] - cline[c]
	if (k < 1 || k > ncl[c]) k = 1
	for (i = k; i < k + 3 && i <= ncl[c]; i++) {
		l = cl[c, i]
		if (match(l, /^ +/)) l = substr("        ", 1, int((RLENGTH + 3) / 4)) substr(l, RLENGTH + 1)
		while (match(l, /[^ ]   +/)) l = substr(l, 1, RSTART + 1) substr(l, RSTART + RLENGTH)
		if (length(l) > 64) l = substr(l, 1, 63) "…"
		p = p "\036" tsvclean(l)
	}
	return p
}

# local(ranges): the current line is in one of the "lo hi" ranges
function local(r,    n, a, i) {
	n = split(r, a, " ")
	for (i = 1; i < n; i += 2)
		if (nwline >= a[i] + 0 && nwline <= a[i + 1] + 0) return 1
	return 0
}

# useword(w): w itself, or the placeholder of the link to its definition
function useword(w,    d, key, tag) {
	if (!(w in ndn) || lastsig == "." || lastsig == "->") return w
	tag = (prevword in istag) ? 1 : 0
	if (!tag && ((cc, w) in supp) && local(supp[cc, w])) return w
	d = pick(w, tag, cc)
	if (d <= 0) return w
	key = w SUBSEP d
	if (!(key in idph)) {
		nid++; idph[key] = "NWIDREF" nid "Q"
		printf "%s\tident\t%s\t%s\t%s\t%s\t%s\n", idph[key], cstem[dc[d]], cid[dc[d]], w, \
			cnum[dc[d]], preview(d) > (out "/refs.tsv")
	}
	return idph[key]
}
pass == 2 && /^@end code/ {
	incode = 0
	emit_chunk(cc)
	next
}

function emit_chunk(c,    n, k, a, i, u, fence, t, maxrun, code1, np, lxs, lxf) {
	n = cname[c]; k = ck[c]
	a = ".nwchunk data-id=\"" cid[c] "\""
	a = a " data-name=\"" attresc(nname[n]) "\" data-num=\"" cnum[c] "\" data-k=\"" k "\""
	if (k > 1) a = a " data-prev=\"" href(ndef[n, k-1]) "|" cnum[ndef[n, k-1]] "\""
	if (k < ndefs[n]) a = a " data-next=\"" href(ndef[n, k+1]) "|" cnum[ndef[n, k+1]] "\""
	if (nusedin[n] > 0) {
		u = ""
		for (i = 1; i <= nusedin[n]; i++)
			u = u (i > 1 ? " " : "") href(usedin[n, i]) "|" cnum[usedin[n, i]]
		a = a " data-usedin=\"" u "\""
	}
	if (isroot[n]) a = a " data-root=\"1\""
	if (cdefs[c] != "") a = a " data-defs=\"" attresc(cdefs[c]) "\""
	a = a " data-lang=\"" lang[n] "\""
	if (pendlinux != "") {
		a = a " data-linux=\"" attresc(pendlinux) "\""
		np = split(pendlinux, lxs, ";")
		for (i = 1; i <= np; i++) {
			split(lxs[i], lxf, "|")
			printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cstem[c], cid[c], cnum[c], lxf[1], \
				lxf[2], lxf[3], chfile[cchap[c]] > (out "/linux.tsv")
		}
		pendlinux = ""
	}
	# a tilde fence longer than any tilde run in the code
	code1 = code; sub(/\n$/, "", code1)
	t = code1; maxrun = 2
	while (match(t, /~~~+/)) {
		if (RLENGTH > maxrun) maxrun = RLENGTH
		t = substr(t, RSTART + RLENGTH)
	}
	fence = "~~~"; for (i = 3; i <= maxrun; i++) fence = fence "~"
	printf "\n::: {%s}\n%s {.%s .nwcode}\n%s%s%s\n:::\n\n", a, fence, lang[n], \
		code1, (code1 == "" ? "" : "\n"), fence > mdfile
}

END {
	if (failed) exit 2
	end_chapter()
	for (n = 1; n <= nn; n++)
		if (ndefs[n] == 0 && nusedin[n] > 0)
			printf "warning: chunk <<%s>> is used (in %s, %s.nw) but never defined\n", \
				nname[n], cnum[usedin[n, 1]], cstem[usedin[n, 1]] > "/dev/stderr"
	close(out "/refs.tsv"); close(out "/chapters.tsv")
}

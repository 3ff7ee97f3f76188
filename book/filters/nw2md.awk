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
# Anchors are derived from chunk NAMES only, never from positions or
# hashes: the first definition of <<Set up the GDT>> is `set-up-the-gdt`,
# its continuations `set-up-the-gdt-2`, `-3`, ...  (A name whose slug is
# already taken by an earlier, different name gets `--2`, `--3`.)
#
# Usage: awk -f nw2md.awk -v out=DIR noidx.out noidx.out
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

function claim(id,    j, try) {	# make id unique in the book, deterministically
	if (!(id in taken)) { taken[id] = 1; return id }
	for (j = 2; ; j++) {
		try = id "--" j
		if (!(try in taken)) { taken[try] = 1; return try }
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
	seq = 0
	next
}
pass == 1 && /^@begin code/ { nc++; seq++; incode = 1; label = ""; next }
pass == 1 && /^@end code/ { incode = 0; next }
pass == 1 && incode && /^@xref label / && label == "" { label = $3; next }
pass == 1 && /^@defn / {
	name = rest(6)
	if (!(name in nidx)) { nn++; nidx[name] = nn; nname[nn] = name }
	n = nidx[name]
	cname[nc] = n; cchap[nc] = nch; cstem[nc] = chstem[nch]
	cnum[nc] = nch "." seq
	k = ++ndefs[n]; ndef[n, k] = nc; ck[nc] = k
	if (k == 1) { nbase[n] = claim(slug(name)); cid[nc] = nbase[n] }
	else cid[nc] = claim(nbase[n] "-" k)
	if (label != "") label2c[label] = nc
	next
}
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
	ident = rest(12)
	cdefs[nc] = (cdefs[nc] == "" ? "" : cdefs[nc] " ") ident
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
	mdfile = out "/" chstem[chap] ".md"
	printf ":::::::::: {.nwchapter data-stem=\"%s\" data-num=\"%d\" data-file=\"%s\"}\n\n", \
		attresc(chstem[chap]), chap, attresc(chfile[chap]) > mdfile
	write_nav(chap)
	next
}

function end_chapter() {
	if (mdfile == "") return
	flushline()
	printf "\n::::::::::\n" > mdfile
	close(mdfile)
	mdfile = ""
}

function flushline() {
	if (line != "") { printf "%s", line > mdfile; line = "" }
}

function write_nav(ch,    f, i, tt) {
	f = out "/" chstem[ch] ".nav.yaml"
	printf "stem: %s\nchapter-num: %d\n", yamlq(chstem[ch]), ch > f
	printf "chapter-title: %s\n", yamlq(title[ch] == "" ? chstem[ch] : title[ch]) > f
	printf "chapters:\n" > f
	for (i = 1; i <= nch; i++) {
		tt = title[i] == "" ? chstem[i] : title[i]
		printf "  - href: %s\n    num: %d\n    title: %s\n", yamlq(chstem[i] ".html"), i, yamlq(tt) > f
		if (i == ch) printf "    current: true\n" > f
	}
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
pass == 2 && indocs && /^@quote/ { inquote = 1; qtext = ""; qref = ""; qident = ""; next }
pass == 2 && inquote && /^@xref ref / { qref = $3; next }
pass == 2 && inquote && /^@index use / { qident = rest(11); next }
pass == 2 && inquote && /^@text / { qtext = qtext rest(6); next }
pass == 2 && inquote && /^@nl/ { qtext = qtext " "; next }
pass == 2 && inquote && /^@endquote/ {
	inquote = 0
	if (qident != "" && qtext == qident && (qref in label2c))
		line = line "[" codespan(qtext) "](" href(label2c[qref]) "){.nwident}"
	else
		line = line codespan(qtext)
	next
}
pass == 2 && indocs && /^@text / { line = line rest(6); next }
pass == 2 && indocs && /^@nl/ { line = line "\n"; flushline(); next }

# -- code
pass == 2 && /^@begin code/ {
	flushline()
	cc++	# same numbering as pass 1
	incode = 1; code = ""; skipnl = 1; lastref = ""; pend = ""
	next
}
pass == 2 && incode && /^@defn / { next }
pass == 2 && incode && /^@nl/ {
	if (skipnl) { skipnl = 0; next }
	code = code "\n"; next
}
pass == 2 && incode && /^@xref ref / { lastref = $3; next }
pass == 2 && incode && /^@index use / { pend = rest(11); pendref = lastref; next }
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
	t = rest(6)
	if (pend != "" && substr(t, 1, length(pend)) == pend && (pendref in label2c) && label2c[pendref] != cc) {
		key = pend SUBSEP label2c[pendref]
		if (!(key in idph)) {
			nid++; idph[key] = "NWIDREF" nid "Q"
			printf "%s\tident\t%s\t%s\t%s\t%s\n", idph[key], cstem[label2c[pendref]], \
				cid[label2c[pendref]], pend, cnum[label2c[pendref]] > (out "/refs.tsv")
		}
		t = idph[key] substr(t, length(pend) + 1)
	}
	pend = ""
	code = code t
	next
}
pass == 2 && /^@end code/ {
	incode = 0
	emit_chunk(cc)
	next
}

function emit_chunk(c,    n, k, a, i, u, fence, t, maxrun, code1) {
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

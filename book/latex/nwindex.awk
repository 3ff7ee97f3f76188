# nwindex.awk -- the PDF book's index of identifiers and index of chunks.
#
# Two stages, with a sort between them (weave.sh, section 3):
#
#   awk -f nwindex.awk -v stage=collect [-v idents=idents.tsv] noidx.out |
#     LC_ALL=C sort -t TAB -k1,1r -k2,2 -k3,3 |
#   awk -f nwindex.awk -v stage=format >index.tex
#
# collect reads noweb's cross-referenced stream (markup | finduses |
# noidx) and numbers the code chunks as nw2md.awk does (<chapter>.<n>,
# chapters in @file order).  Identifiers come from noweb's @index defn
# lines; when the identifier table idents.tsv exists (columns: name,
# kind, stem, anchor, chunk number, .nw file, line; a header line is
# skipped) its definitions are added, with their kind.  Uses are found
# by scanning the code of every chunk for the name as a whole word (so
# noweb's finduses is not needed).  Chunk names come from @defn and @use.
# Output, one line each (TAB-separated):
#   I  sortkey  name  kind  defs  uses      an identifier
#   C  sortkey  name  defs  uses            a chunk name
# where defs and uses are space-separated chunk numbers in book order.
#
# format writes LaTeX for book/latex/preamble.tex's nwindex environment,
# \nwidxletter, \nwidxent and \nwcidxent.
# POSIX awk only (runs under mawk).

function add(list, x) {	# append x to a space-separated list once
	if ((" " list " ") ~ (" " x " ")) return list
	return list == "" ? x : list " " x
}
function addnum(arr, key, x) { arr[key] = add(arr[key], x) }
function lkey(s,    t) { t = tolower(s); sub(/^_+/, "", t); return t "\t" s }
function tex(s) {	# escape text for LaTeX (roman)
	gsub(/\\/, "\001", s)
	gsub(/[{}$&#%_]/, "\\\\&", s)
	gsub(/\^/, "\\^{}", s); gsub(/~/, "\\textasciitilde{}", s)
	gsub(/</, "\\textless{}", s); gsub(/>/, "\\textgreater{}", s)
	gsub(/\|/, "\\textbar{}", s); gsub(/"/, "\\textquotedbl{}", s)
	gsub(/\001/, "\\textbackslash{}", s)
	return s
}
function texpath(s) {	# a chunk name, breakable after a slash
	s = tex(s); gsub(/\//, "/\\nwbrk{}", s)
	return s
}

# ---------------------------------------------------------------- collect
stage == "collect" && FNR == 1 && !loaded {
	loaded = 1
	if (idents != "") {
		while ((r = (getline l < idents)) > 0) {
			split(l, f, "\t")
			if (f[5] !~ /^[0-9]+\.[0-9]+$/) continue	# a header line
			if (f[1] !~ /^[A-Za-z0-9_.$]+$/) continue
			xdef[f[1]] = add(xdef[f[1]], f[5]); kind[f[1]] = f[2]
			ident[f[1]] = 1
		}
		close(idents)
	}
}
stage == "collect" && /^@file / { nch++; seq = 0; next }
stage == "collect" && /^@begin code/ { seq++; cur = nch "." seq; incode = 1; next }
stage == "collect" && /^@end code/ { incode = 0; next }
stage == "collect" && incode && /^@defn / { n = substr($0, 7); addnum(cdef, n, cur); cname[n] = 1; next }
stage == "collect" && incode && /^@use / { n = substr($0, 6); addnum(cuse, n, cur); cname[n] = 1; next }
stage == "collect" && /^@index defn / { n = substr($0, 13); addnum(idef, n, cur); ident[n] = 1; next }
# Uses: every word of the code, with the chunks it occurs in (in book
# order); an identifier's uses are its word's chunks, less its own.
stage == "collect" && incode && /^@text / {
	t = substr($0, 7)
	while (match(t, /[A-Za-z_][A-Za-z0-9_]*/)) {
		w = substr(t, RSTART, RLENGTH); t = substr(t, RSTART + RLENGTH)
		if (!((w, cur) in seen)) { seen[w, cur] = 1; used[w] = used[w] (used[w] == "" ? "" : " ") cur }
	}
	next
}
function minus(l, d,    a, i, n, o) {	# the numbers of l not in d
	n = split(l, a, " "); o = ""
	for (i = 1; i <= n; i++) if ((" " d " ") !~ (" " a[i] " ")) o = o (o == "" ? "" : " ") a[i]
	return o
}
function merge(l, m,    a, i, n) {
	n = split(m, a, " ")
	for (i = 1; i <= n; i++) l = add(l, a[i])
	return l
}
stage == "collect" { next }

# ---------------------------------------------------------------- format
function refs(l, macro,    a, i, n, o, m) {
	n = split(l, a, " "); o = ""
	m = n > maxrefs ? maxrefs : n	# an index entry stays short
	for (i = 1; i <= m; i++) o = o (i > 1 ? ", " : "") "\\" macro "{" a[i] "}"
	if (m < n) o = o ", \\ldots\\ (" n " chunks)"
	return o
}
function letter(k,    c) {
	c = toupper(substr(k, 1, 1))
	return c ~ /[A-Z]/ ? c : "\\#"
}
function begin_index(kind) {
	if (kind == "I")
		print "\\begin{nwindex}{Index of identifiers}{Each identifier defined in " \
			"the code, with the chunks that define it (bold, with their page) and " \
			"the chunks that use it.}"
	else
		print "\\begin{nwindex}{Index of chunks}{Each chunk name, with the chunks " \
			"that define it (bold, with their page) and the chunks that use it.}"
	lastletter = ""
}
stage == "format" {
	if (!maxrefs) maxrefs = 30
	split($0, f, "\t")
	if (f[1] != open) {
		if (open != "") print "\\end{nwindex}"
		open = f[1]; begin_index(open)
	}
	l = letter(f[2])
	if (l != lastletter) { print "\\nwidxletter{" l "}"; lastletter = l }
	if (f[1] == "I")
		printf "\\nwidxent{%s}{%s}{%s}{%s}\n", f[3], tex(f[4]), refs(f[5], "nwidxpdef"), refs(f[6], "nwidxuse")
	else
		printf "\\nwcidxent{%s}{%s}{%s}\n", texpath(f[3]), refs(f[4], "nwidxpdef"), refs(f[5], "nwidxuse")
}

END {
	if (stage == "format") {
		if (open != "") print "\\end{nwindex}"
		exit 0
	}
	if (stage != "collect") { print "nwindex.awk: stage must be collect or format" > "/dev/stderr"; exit 2 }
	for (n in ident) {
		d = merge(idef[n], xdef[n])
		if (d == "") continue
		u = minus(used[n], d)
		printf "I\t%s\t%s\t%s\t%s\n", lkey(n), kind[n], d, u
	}
	for (n in cname) {
		if (cdef[n] == "") continue
		printf "C\t%s\t%s\t%s\n", lkey(n), cdef[n], minus(cuse[n], cdef[n])
	}
}

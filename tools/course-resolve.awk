# course-resolve.awk — resolve a course overlay's anchors against the woven book.
#
#   awk -f tools/course-resolve.awk -v md=DIR -v fpdir=DIR index.tsv
#
# DIR is the Markdown that book/filters/nw2md.awk wrote (chapters.tsv,
# refs.tsv, one <stem>.md a chapter): the book exactly as weave.sh turns
# it into HTML and PDF, so an anchor that resolves here is one the reader
# will see.  index.tsv has one line a note or exercise: ID TAB ANCHOR,
# where ANCHOR is one of
#   chunk:NAME      the chunk <<NAME>> (the note goes after its first definition)
#   ident:NAME      the chunk that defines the identifier NAME
#   section:ID      the heading whose id is ID (sec-..., as forklore.lua makes it)
#   chapter:STEM    the chapter STEM (the .nw file's name; after its title)
# For each line it prints ID TAB "ok" TAB STEM TAB LINE (insert after line
# LINE of STEM.md) or ID TAB "dangling" TAB WHY, and writes the text the
# anchor covers, the source of its fingerprint, to FPDIR/ID.txt: a chunk's
# code (every definition of its name, with <<uses>> spelt out as in the
# .nw source), an identifier's defining chunk, a section's text up to the
# next heading of its level.  A chapter has no fingerprint.
# POSIX awk (runs under mawk).

function slug(s,    t) {	# forklore.lua's slug()
	t = tolower(s)
	gsub(/[^a-z0-9_]+/, "-", t)
	sub(/^-+/, "", t); sub(/-+$/, "", t)
	if (t == "") t = "section"
	return t
}

function attrval(s, key,    i, t) {	# value of key="..." in a line
	i = index(s, key "=\"")
	if (!i) return ""
	t = substr(s, i + length(key) + 2)
	return unesc(substr(t, 1, index(t, "\"") - 1))
}

function unesc(s) {	# undo nw2md.awk's attresc()
	gsub(/&quot;/, "\"", s); gsub(/&lt;/, "<", s); gsub(/&gt;/, ">", s)
	gsub(/&#92;/, "\\", s); gsub(/&amp;/, "\\&", s)
	return s
}

function plain(s) {	# a Markdown heading's text as pandoc.utils.stringify sees it
	sub(/[ \t]*\{[^}]*\}[ \t]*$/, "", s)
	sub(/[ \t#]+$/, "", s)
	while (match(s, /\[[^]]*\]\([^)]*\)(\{[^}]*\})?/)) {
		t = substr(s, RSTART, RLENGTH)
		sub(/^\[/, "", t); sub(/\]\(.*$/, "", t)
		s = substr(s, 1, RSTART - 1) t substr(s, RSTART + RLENGTH)
	}
	gsub(/[`*]/, "", s)
	return s
}

function expand(s,    out, ph) {	# link placeholders back to source text
	out = ""
	while (match(s, /NW(CH|ID)REF[0-9]+Q/)) {
		ph = substr(s, RSTART, RLENGTH)
		out = out substr(s, 1, RSTART - 1) ((ph in phtext) ? phtext[ph] : ph)
		s = substr(s, RSTART + RLENGTH)
	}
	return out s
}

BEGIN {
	FS = "\t"
	if (md == "" || fpdir == "") { print "course-resolve.awk: need -v md=DIR -v fpdir=DIR" > "/dev/stderr"; exit 2 }
	while ((getline l < (md "/refs.tsv")) > 0) {
		split(l, f, "\t")
		phtext[f[1]] = (f[2] == "chunk") ? "<<" f[5] ">>" : f[5]
	}
	close(md "/refs.tsv")
	nch = 0
	while ((getline l < (md "/chapters.tsv")) > 0) {
		split(l, f, "\t")
		stems[++nch] = f[2]; isstem[f[2]] = 1
	}
	close(md "/chapters.tsv")
	for (c = 1; c <= nch; c++) scan(stems[c])
}

# scan(stem): index chunks, identifiers and headings of one chapter
function scan(stem,    file, l, n, inchunk, fence, infence, name, k, defs, w, nw, i, lvl, id, htxt, hfence, sec, s) {
	# nsec, secopen[], seclvl[]: the sections open at this line (global,
	# for sectext())
	file = md "/" stem ".md"
	n = 0; inchunk = 0; infence = 0; hfence = ""; nsec = 0
	delete seen
	while ((getline l < file) > 0) {
		n++
		if (inchunk) {
			if (!infence && l ~ /^~~~+ \{/) { infence = 1; fence = l; sub(/ .*/, "", fence); continue }
			if (infence && l == fence) { infence = 0; continue }
			if (infence) {
				ctext[cur] = ctext[cur] expand(l) "\n"
				for (s = 1; s <= nsec; s++) stext[secopen[s]] = stext[secopen[s]] expand(l) "\n"
				continue
			}
			if (l == ":::") { inchunk = 0; cend[cur] = n }
			continue
		}
		if (l ~ /^::: \{\.nwchunk /) {
			inchunk = 1; infence = 0
			name = attrval(l, "data-name"); k = attrval(l, "data-k")
			cur = stem SUBSEP n
			cstem[cur] = stem; ctext[cur] = ""
			if (!((name) in firstdef)) firstdef[name] = cur
			alldefs[name] = alldefs[name] " " cur
			defs = attrval(l, "data-defs")
			nw = split(defs, w, " ")
			for (i = 1; i <= nw; i++) if (!(w[i] in identdef)) identdef[w[i]] = cur
			continue
		}
		# prose: headings outside fenced code
		if (hfence != "") { if (l == hfence) hfence = ""; sectext(l); continue }
		if (l ~ /^(```+|~~~+)/) { hfence = l; sub(/[^`~].*$/, "", hfence); sectext(l); continue }
		if (l ~ /^#+ /) {
			lvl = l; sub(/ .*/, "", lvl); lvl = length(lvl)
			htxt = substr(l, lvl + 2)
			id = ""
			if (match(htxt, /\{#[^} ]+/)) id = substr(htxt, RSTART + 2, RLENGTH - 2)
			else {
				id = "sec-" slug(plain(htxt))
				if (id in seen) { for (i = 2; ((id "-" i) in seen); i++) ; id = id "-" i }
			}
			seen[id] = 1
			if (lvl == 1 && !(stem in chtitle)) chtitle[stem] = n
			# close open sections of this level or deeper
			while (nsec > 0 && seclvl[nsec] >= lvl) nsec--
			sec = stem SUBSEP id
			if (!(sec in secline)) { secline[sec] = n; stext[sec] = "" }
			secopen[++nsec] = sec; seclvl[nsec] = lvl
			sectext(l)
			continue
		}
		sectext(l)
	}
	close(file)
	if (!(stem in chtitle)) chtitle[stem] = 1
}

function sectext(l,    s) {
	for (s = 1; s <= nsec; s++) stext[secopen[s]] = stext[secopen[s]] expand(l) "\n"
}

function fp(id, text,    f) {
	f = fpdir "/" id ".txt"
	printf "%s", text > f
	close(f)
}

{
	id = $1; a = $2
	kind = a; sub(/:.*/, "", kind)
	arg = substr(a, length(kind) + 2)
	if (kind == "chunk") {
		if (!(arg in firstdef)) { print id "\tdangling\tno chunk <<" arg ">> in the book"; next }
		c = firstdef[arg]
		t = ""; nw = split(alldefs[arg], w, " ")
		for (i = 1; i <= nw; i++) t = t ctext[w[i]] "@\n"
		fp(id, t)
		print id "\tok\t" cstem[c] "\t" cend[c]
	} else if (kind == "ident") {
		if (!(arg in identdef)) { print id "\tdangling\tno chunk defines the identifier " arg; next }
		c = identdef[arg]
		fp(id, ctext[c])
		print id "\tok\t" cstem[c] "\t" cend[c]
	} else if (kind == "section") {
		found = ""
		for (c = 1; c <= nch; c++) if ((stems[c] SUBSEP arg) in secline) { found = stems[c]; break }
		if (found == "") { print id "\tdangling\tno section #" arg " in the book"; next }
		fp(id, stext[found SUBSEP arg])
		print id "\tok\t" found "\t" secline[found SUBSEP arg]
	} else if (kind == "chapter") {
		if (!(arg in isstem)) { print id "\tdangling\tno chapter " arg " in the book"; next }
		fp(id, "")
		print id "\tok\t" arg "\t" chtitle[arg]
	} else
		print id "\tdangling\tunknown anchor kind '" kind "' (chunk:, ident:, section:, chapter:)"
}

# nwlinks.awk -- put the links into woven code.
#
# nw2md.awk leaves a placeholder (NWCHREF<n>Q, NWIDREF<n>Q) in code where
# a <<chunk>> use or an indexed identifier stands, because a Pandoc
# CodeBlock cannot hold links.  The placeholders are plain identifiers,
# so Pandoc's highlighter keeps them whole; this program replaces them in
# the HTML page or LaTeX file Pandoc wrote.
#
# Usage: awk -f nwlinks.awk -v fmt=html|latex -v cur=STEM -v refs=refs.tsv FILE
#   refs.tsv: placeholder, kind, stem, id, text, number[, preview]
#   (tab-separated; preview: for an identifier, the defining chunk's
#   "⟨name⟩ number" and lines from the definition, separated by \036)
# Any placeholder left unreplaced is an error (exit 3).
#
# HTML: an identifier is <a class="nwidref" href="PAGE#ANCHOR">name</a>;
# the FIRST link of a page with a given href and text also carries
#   data-preview="⟨chunk name⟩ 21.3&#10;line&#10;line&#10;line"
# (plain text: the defining chunk's name and number, then three lines
# of it from the definition on) -- the page's script shows it on hover
# for every link with the same href and text, so that the preview is
# not repeated on each use.  Pandoc's per-line anchors in code blocks
# (<span id="X--line-N"><a href="#X--line-N" ...></a>...</span>) are
# dropped: they were a third of a page's weight and nothing links to
# them.  So are the <span class="op"> around operators (see below).
# POSIX awk only (runs under mawk).

function hesc(s) {
	gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	return s
}

# Inside pandoc's Highlighting environment (fancyvrb, commandchars \{})
# only \ { } are special; pandoc also writes _ as \_.
function lesc(s) {
	gsub(/\\/, "\001", s)
	gsub(/\{/, "\\{", s); gsub(/\}/, "\\}", s); gsub(/_/, "\\_", s)
	gsub(/\001/, "\\textbackslash{}", s)
	return s
}

function link(ph,    k, st, id, tx, num, h, pv) {
	k = kind[ph]; st = stem[ph]; id = anchor[ph]; tx = text[ph]; num = number[ph]
	if (fmt == "latex") {
		if (k == "chunk" && id == "") return "\\nwundefref{" lesc(tx) "}"
		if (k == "chunk") return "\\nwref{" st ":" id "}{" lesc(tx) "}{" num "}"
		return "\\nwidref{" st ":" id "}{" lesc(tx) "}"
	}
	h = (st == cur ? "" : st ".html") "#" id
	if (k == "chunk" && id == "")
		return "<span class=\"nwref nwundef\" title=\"undefined chunk\">⟨" hesc(tx) "⟩</span>"
	if (k == "chunk")
		return "<a class=\"nwref\" href=\"" hesc(h) "\">⟨<span class=\"nwrefname\">" hesc(tx) \
			"</span>&#8201;<span class=\"nwnum\">" num "</span>⟩</a>"
	pv = ""
	if (!((h, tx) in previewed) && preview[ph] != "") {
		previewed[h, tx] = 1
		pv = hesc(preview[ph]); gsub(/\036/, "\\&#10;", pv)
		pv = " data-preview=\"" pv "\""
	}
	return "<a class=\"nwidref\" href=\"" hesc(h) "\"" pv ">" hesc(tx) "</a>"
}

BEGIN {
	while ((r = (getline l < refs)) > 0) {
		split(l, f, "\t")
		kind[f[1]] = f[2]; stem[f[1]] = f[3]; anchor[f[1]] = f[4]
		text[f[1]] = f[5]; number[f[1]] = f[6]; preview[f[1]] = f[7]
	}
	if (r < 0) { printf "nwlinks.awk: cannot read %s\n", refs > "/dev/stderr"; exit 2 }
	close(refs)
}

# Pandoc's line anchors: the line's span opens with them and closes
# with the last </span> of the line.
fmt == "html" && /<span id="[^"]*--line-[0-9]+"><a href="#[^"]*--line-[0-9]+" aria-hidden="true" tabindex="-1"><\/a>/ {
	match($0, /<span id="[^"]*--line-[0-9]+"><a href="#[^"]*--line-[0-9]+" aria-hidden="true" tabindex="-1"><\/a>/)
	s = substr($0, RSTART + RLENGTH)
	pre = substr($0, 1, RSTART - 1)
	last = 0; off = 0; t = s
	while ((j = index(t, "</span>")) > 0) { last = off + j; off = last + 6; t = substr(s, off + 1) }
	if (last) s = substr(s, 1, last - 1) substr(s, last + 7)
	$0 = pre s
}

# Operators: Pandoc wraps each in <span class="op">, a quarter of a
# page's weight for a grey barely different from the text's; drop it.
fmt == "html" && /<span class="op">/ {
	s = $0; o = ""
	while (match(s, /<span class="op">[^<]*<\/span>/)) {
		o = o substr(s, 1, RSTART - 1) substr(s, RSTART + 17, RLENGTH - 24)
		s = substr(s, RSTART + RLENGTH)
	}
	$0 = o s
}

/NW(CH|ID)REF[0-9]+Q/ {
	s = $0; o = ""
	while (match(s, /NW(CH|ID)REF[0-9]+Q/)) {
		ph = substr(s, RSTART, RLENGTH)
		if (!(ph in kind)) {
			printf "nwlinks.awk: unknown placeholder %s\n", ph > "/dev/stderr"
			bad = 1
			o = o substr(s, 1, RSTART + RLENGTH - 1)
		} else
			o = o substr(s, 1, RSTART - 1) link(ph)
		s = substr(s, RSTART + RLENGTH)
	}
	print o s
	next
}

{ print }

END { if (bad) exit 3 }

# nwlinks.awk -- put the links into woven code.
#
# nw2md.awk leaves a placeholder (NWCHREF<n>Q, NWIDREF<n>Q) in code where
# a <<chunk>> use or an indexed identifier stands, because a Pandoc
# CodeBlock cannot hold links.  The placeholders are plain identifiers,
# so Pandoc's highlighter keeps them whole; this program replaces them in
# the HTML page or LaTeX file Pandoc wrote.
#
# Usage: awk -f nwlinks.awk -v fmt=html|latex -v cur=STEM -v refs=refs.tsv FILE
#   refs.tsv: placeholder, kind, stem, id, text, number  (tab-separated)
# Any placeholder left unreplaced is an error (exit 3).
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

function link(ph,    k, st, id, tx, num, h) {
	k = kind[ph]; st = stem[ph]; id = anchor[ph]; tx = text[ph]; num = number[ph]
	if (fmt == "latex") {
		if (k == "chunk" && id == "") return "\\nwundefref{" lesc(tx) "}"
		if (k == "chunk") return "\\nwref{" st ":" id "}{" lesc(tx) "}{" num "}"
		return "\\nwidref{" st ":" id "}{" lesc(tx) "}"
	}
	if (k == "chunk" && id == "")
		return "<span class=\"nwref nwundef\" title=\"undefined chunk\">⟨" hesc(tx) "⟩</span>"
	h = (st == cur ? "" : st ".html") "#" id
	if (k == "chunk")
		return "<a class=\"nwref\" href=\"" hesc(h) "\">⟨<span class=\"nwrefname\">" hesc(tx) \
			"</span>&#8201;<span class=\"nwnum\">" num "</span>⟩</a>"
	return "<a class=\"nwidref\" href=\"" hesc(h) "\" title=\"defined in " num "\">" hesc(tx) "</a>"
}

BEGIN {
	while ((r = (getline l < refs)) > 0) {
		split(l, f, "\t")
		kind[f[1]] = f[2]; stem[f[1]] = f[3]; anchor[f[1]] = f[4]
		text[f[1]] = f[5]; number[f[1]] = f[6]
	}
	if (r < 0) { printf "nwlinks.awk: cannot read %s\n", refs > "/dev/stderr"; exit 2 }
	close(refs)
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

# finish.awk -- the last touch to a chapter's HTML page, after
# nwlinks.awk: make it lighter and mark it up for the search index.
#
# 1. Pandoc wraps every line of highlighted code in
#      <span id="X-N"><a href="#X-N" aria-hidden="true" tabindex="-1"></a>...</span>
#    (an anchor a line that nobody links to), and every operator in
#    <span class="op">.  Both go: together they are more than a third of
#    a code-heavy page, and a chapter page must stay under 300 KB.
#    Operators are drawn in the text colour (forklore.css).
# 2. For Pagefind (tools/search-index.sh), a chunk's <div id=... class=
#    "nwchunk"> gets data-pagefind-title="NAME NUMBER", so that a search
#    result points into the chunk itself; a chunk's header (its name)
#    and the "Defines ..." of its footer (the identifiers it defines)
#    weigh more than prose.
#
# Usage: awk -f finish.awk PAGE.html > OUT.html
# POSIX awk only (runs under mawk).

# strip_line_spans(s): drop the per-line wrapper spans of pandoc's code
function strip_line_spans(s,    o, head, t, k, cl) {
	o = ""
	while (match(s, /<span id="[^"]*"><a href="#[^"]*" aria-hidden="true" tabindex="-1"><\/a>/)) {
		head = substr(s, 1, RSTART - 1)
		s = substr(s, RSTART + RLENGTH)
		# The wrapper closes at the last </span> of the line, or the
		# last one before </code> on the block's last line.
		k = index(s, "</code>")
		t = (k ? substr(s, 1, k - 1) : s)
		cl = lastindex(t, "</span>")
		if (cl == 0) {	# not the shape we know: leave it be
			return o head s
		}
		o = o head substr(s, 1, cl - 1)
		s = substr(s, cl + 7)
	}
	return o s
}

function lastindex(s, t,    i, k, base) {	# where t last starts in s, or 0
	k = 0; base = 0
	while ((i = index(s, t)) > 0) { k = base + i; base += i; s = substr(s, i + 1) }
	return k
}

function strip_ops(s,    o, m) {
	o = ""
	while (match(s, /<span class="op">[^<]*<\/span>/)) {
		m = substr(s, RSTART + 17, RLENGTH - 24)
		o = o substr(s, 1, RSTART - 1) m
		s = substr(s, RSTART + RLENGTH)
	}
	return o s
}

function attr(s) {	# HTML text -> attribute value (entities stay)
	gsub(/"/, "\\&quot;", s)
	return s
}

{
	line = $0
	if (index(line, "aria-hidden=\"true\" tabindex=\"-1\"></a>")) line = strip_line_spans(line)
	if (index(line, "<span class=\"op\">")) line = strip_ops(line)
}

# A chunk: hold its opening <div> until its header says its name.
held != "" {
	if (match(line, /<span class="nwchunkname">[^<]*<\/span>/)) {
		name = substr(line, RSTART + 26, RLENGTH - 33)
		num = ""
		if (match(line, /<span class="nwnum">[^<]*<\/span>/))
			num = substr(line, RSTART + 20, RLENGTH - 27)
		sub(/>$/, " data-pagefind-title=\"" attr(name) (num != "" ? " " num : "") "\">", held)
	}
	print held
	held = ""
}
/^<div id="[^"]*" class="nwchunk">$/ { held = line; next }
{
	sub(/^<div class="nwhead">/, "<div class=\"nwhead\" data-pagefind-weight=\"6\">", line)
	if (line ~ /^<div class="nwfoot">/ && line ~ /<\/div>$/ && (k = index(line, "Defines ")) > 0)
		line = substr(line, 1, k - 1) "<span data-pagefind-weight=\"10\">" \
			substr(line, k, length(line) - k - 5) "</span></div>"
	print line
}
END { if (held != "") print held }

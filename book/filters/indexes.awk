# indexes.awk -- the book's two index pages, as Pandoc Markdown.
#
# Usage: awk -f indexes.awk -v out=DIR idents.sorted chunkidx.sorted
#   idents.sorted    nw2md.awk's idents.tsv sorted by name:
#                    name, kind, stem, anchor, chunk number, .nw file, line
#   chunkidx.sorted  nw2md.awk's chunkidx.tsv sorted by name, then k:
#                    name, stem, anchor, chunk number, k, used-in
# Both sorted with `LC_ALL=C sort -f` (so "_" sorts after "Z").
# Writes DIR/idents.md (every identifier, grouped by initial, with the
# chunk that defines it and its kind) and DIR/chunks.md (every chunk
# name, its definitions and the chunks that use it).  weave.sh renders
# both like chapters, as idents.html and chunks.html.
# POSIX awk only (runs under mawk).

function mdesc(s) {	# literal text in Markdown
	gsub(/[][\\`*_{}()#+!<>|~$@"'.-]/, "\\\\&", s)
	return s
}

function initial(s,    c) {
	c = toupper(substr(s, 1, 1))
	return (c ~ /[A-Z]/) ? c : "_"
}

function heading(f, c, prefix,    id) {
	id = prefix (c == "_" ? "other" : tolower(c))
	printf "\n\n## %s {#%s}\n\n", (c == "_" ? "_ and others" : c), id > f
}

function letterbar(f, list, prefix,    n, a, i, id) {
	n = split(list, a, " ")
	for (i = 1; i <= n; i++) {
		id = prefix (a[i] == "_" ? "other" : tolower(a[i]))
		printf "%s[%s](#%s)", (i > 1 ? " · " : ""), (a[i] == "_" ? "\\_" : a[i]), id > f
	}
	printf "\n" > f
}

FNR == 1 { nfile++ }

nfile == 1 {
	split($0, f, "\t")
	ni++
	iname[ni] = f[1]; ikind[ni] = f[2]; ihref[ni] = f[3] ".html#" f[4]; inum[ni] = f[5]
	c = initial(f[1])
	if (!(c in iseen)) { iseen[c] = 1; iletters = iletters (iletters == "" ? "" : " ") c }
	next
}

nfile == 2 {
	split($0, f, "\t")
	nk++
	kname[nk] = f[1]; khref[nk] = f[2] ".html#" f[3]; knum[nk] = f[4]; kused[nk] = f[6]
	c = initial(f[1])
	if (!(c in kseen)) { kseen[c] = 1; kletters = kletters (kletters == "" ? "" : " ") c }
	next
}

END {
	of = out "/idents.md"
	printf "# Index of identifiers {#identifiers}\n\n" > of
	printf "Every function, structure, union and enumeration tag, enumerator,\n" > of
	printf "macro, type, global variable, assembler label and linker-script\n" > of
	printf "symbol of the kernel and its programs, with the chunk that defines\n" > of
	printf "it. In the code, each use of an identifier links to the same chunk.\n\n" > of
	letterbar(of, iletters, "ix-")
	cur = ""
	for (i = 1; i <= ni; i++) {
		c = initial(iname[i])
		if (c != cur) {
			if (cur != "") printf "\n:::\n" > of
			heading(of, c, "ix-"); cur = c
			printf "::: {.nwindex}\n" > of
		}
		if (i == 1 || iname[i] != iname[i - 1])
			printf "\n- `%s`", iname[i] > of
		printf " [%s](%s) %s", inum[i], ihref[i], ikind[i] > of
	}
	if (ni > 0) printf "\n:::\n" > of
	close(of)

	of = out "/chunks.md"
	printf "# Index of chunks {#chunks}\n\n" > of
	printf "Every code chunk by name, with its definitions (the first, then\n" > of
	printf "its continuations) and the chunks that use it. A root chunk, used\n" > of
	printf "by none, is a file of the tangled tree.\n\n" > of
	letterbar(of, kletters, "ck-")
	cur = ""
	for (i = 1; i <= nk; i++) {
		c = initial(kname[i])
		if (c != cur) { heading(of, c, "ck-"); cur = c }
		if (i == 1 || kname[i] != kname[i - 1]) {
			printf "\n- ⟨%s⟩ [%s](%s)", mdesc(kname[i]), knum[i], khref[i] > of
			u = kused[i]
		} else
			printf ", [%s](%s)", knum[i], khref[i] > of
		if (i == nk || kname[i + 1] != kname[i]) {
			n = split(u, a, " ")
			if (n == 0) printf "; root" > of
			for (j = 1; j <= n; j++) {
				split(a[j], b, "|")
				sub(/#/, ".html#", b[1])
				printf "%s[%s](%s)", (j == 1 ? "; used in " : ", "), b[2], b[1] > of
			}
		}
	}
	printf "\n" > of
	close(of)
}

# tools/cgextract.awk — the kernel's static call graph, as two tables.
#
# Input files (tools/callgraph.sh names them all):
#   X.ci    a unit's call graph (GCC -fcallgraph-info, VCG):
#           node: { title: "T" label: "NAME\nFILE.nw:LINE:COL" ... }
#           edge: { sourcename: "S" targetname: "T" label: "FILE.nw:LINE:COL" }
#   X.rel   `objdump -rw` of the same unit's object
#   Y.S     a tangled assembly file (with its #line directives)
# Output, tab-separated:
#   F  key  name  nwfile  line  lang        one a function defined
#   E  from  to  kind  nwfile:line           one an edge (kind: call,
#                                            ref = takes the address,
#                                            table:D = calls through
#                                            the function table D)
# A global function's key is its name; a static one's is name@file:line
# of its definition (a static inline in a header is then one function,
# whichever unit compiled it).
#
# POSIX awk (mawk).

function unq(s) { sub(/^"/, "", s); sub(/"$/, "", s); return s }
# the quoted value after `field:` in a .ci line
function civ(line, field,    i, t) {
	i = index(line, field ": \"")
	if (!i) return ""
	t = substr(line, i + length(field) + 3)
	return substr(t, 1, index(t, "\"") - 1)
}
# key of a .ci title in unit u: "PATH:name" is static, "name" global.
# (An edge may name a static function before its node line: keys are
# resolved at the end, from "unit|title".)
function cikey(u, title,    n) {
	if (index(title, ":")) {
		n = title; sub(/.*:/, "", n)
		return (u SUBSEP n) in stkey ? stkey[u, n] : n
	}
	return title
}
function resolve(k,    i) {
	i = index(k, "|")
	return i ? cikey(substr(k, 1, i - 1), substr(k, i + 1)) : k
}
function addedge(a, b, kind, site) {
	if (a == "" || b == "" || a == b) return
	if ((a, b) in eseen) return
	eseen[a, b] = 1
	ne++; ea[ne] = a; eb[ne] = b; ek[ne] = kind; es[ne] = site
}
function defn(key, name, file, line, lang) {
	if (key in fdef) return
	fdef[key] = 1; nf++; fk[nf] = key; fn[nf] = name; ff[nf] = file; fl[nf] = line; flang[nf] = lang
}
# a relocation's symbol (addend dropped), as a key in this unit
function relsym(v,    n) {
	sub(/[-+]0x[0-9a-fA-F]+$/, "", v)
	if (v ~ /^\.text\./) return tu "|:" substr(v, 7)
	if (v ~ /^\.(rodata|data|bss)\./) { n = v; sub(/^\.(rodata|data\.rel\.ro|data\.rel|data|bss)\./, "", n); return "D:" n "@" tu }
	return v
}

# files named on the command line: X.ci, X.rel (a unit's call graph and
# relocations, a unit named by X) and X.S (assembly)
FNR == 1 && FILENAME ~ /\.ci$/ { mode = "ci"; tu = FILENAME; sub(/\.ci$/, "", tu) }
FNR == 1 && FILENAME ~ /\.rel$/ { mode = "reloc"; stype = ""; tu = FILENAME; sub(/\.rel$/, "", tu) }
FNR == 1 && FILENAME ~ /\.S$/ { mode = "asm"; tu = FILENAME; afile = ""; aline = 0; afn = "" }

mode == "ci" && /^node: / {
	title = civ($0, "title"); lab = civ($0, "label")
	name = lab; sub(/\\n.*/, "", name)
	loc = lab; sub(/^[^\\]*\\n/, "", loc)
	file = loc; sub(/:[0-9]+:[0-9]+$/, "", file)
	line = loc; sub(/:[0-9]+$/, "", line); sub(/.*:/, "", line)
	if (index(title, ":")) { stkey[tu, name] = name "@" file ":" line }
	if ($0 !~ /shape : ellipse/ && name !~ /^__indirect_call/)
		defn(cikey(tu, title), name, file, line, "c")
	next
}
mode == "ci" && /^edge: / {
	t = civ($0, "targetname")
	if (t ~ /__indirect_call/) next
	site = civ($0, "label"); sub(/:[0-9]+$/, "", site)
	addedge(tu "|" civ($0, "sourcename"), tu "|" t, "call", site)
	next
}

mode == "reloc" && /^RELOCATION RECORDS FOR \[/ {
	sec = $0; sub(/^RELOCATION RECORDS FOR \[/, "", sec); sub(/\]:$/, "", sec)
	if (sec ~ /^\.text\./) { stype = "f"; sfrom = relsym(sec) }
	else if (sec ~ /^\.(rodata|data)/) {
		stype = "d"; n = sec; sub(/^\.(rodata|data\.rel\.ro|data\.rel|data)\./, "", n)
		sfrom = n
	} else stype = ""
	next
}
mode == "reloc" && stype != "" && NF == 3 && $1 ~ /^[0-9a-f]+$/ {
	if ($2 ~ /PLT32|PC32/ && stype == "f") next	# calls: the .ci has them
	s = relsym($3)
	if (s ~ /^\.(rodata|data|bss)$/ || s == "") next
	if (stype == "f") { nr++; ra[nr] = sfrom; rb[nr] = s; rtu[nr] = tu }
	else {	# a data object holding addresses: under both names
		dt[sfrom "@" tu] = dt[sfrom "@" tu] " " s
		dt[sfrom] = dt[sfrom] " " s
	}
	next
}

mode == "asm" && /^#line [0-9]+ "/ { aline = $2 - 1; afile = unq($3); next }
mode == "asm" {
	aline++
	if (afile == "") next
	if ($0 ~ /^[ \t]*(\.macro|\.endm|SYM_(CODE|FUNC)_END)/) { afn = ""; next }
	if ($0 ~ /^SYM_(CODE|FUNC)_START/ && $0 ~ /\\/) { afn = ""; next }
	if (match($0, /^SYM_(CODE|FUNC)_START(_LOCAL|_NOALIGN)?\([A-Za-z_][A-Za-z0-9_]*\)/) ||
	    match($0, /^ENTRY\([A-Za-z_][A-Za-z0-9_]*\)/)) {
		n = substr($0, RSTART, RLENGTH); sub(/^[^(]*\(/, "", n); sub(/\)$/, "", n)
		afn = n; defn(n, n, afile, aline, "asm")
		next
	}
	if (match($0, /^[A-Za-z_][A-Za-z0-9_]*:/) && $0 !~ /^[A-Za-z_][A-Za-z0-9_]*:[ \t]*\.(long|quad|word|byte|fill|space|zero)/) {
		n = substr($0, 1, RLENGTH - 1)
		if (n !~ /^\.L/) { afn = n; defn(n, n, afile, aline, "asm") }
		next
	}
	if (afn != "" && match($0, /^[ \t]*([0-9]+:)?[ \t]*(call|jmp)[lq]?[ \t]+[A-Za-z_][A-Za-z0-9_]*[ \t]*($|\/\*|#)/)) {
		t = substr($0, RSTART, RLENGTH); sub(/[ \t]*($|\/\*|#)$/, "", t); sub(/.*[ \t]/, "", t)
		addedge(afn, t, "call", afile ":" aline)
	}
	next
}

END {
	for (i = 1; i <= ne; i++) { ea[i] = resolve(ea[i]); eb[i] = resolve(eb[i]) }
	for (i = 1; i <= nr; i++) { ra[i] = resolve(ra[i]); rb[i] = resolve(rb[i]) }
	for (i = 1; i <= nf; i++)
		printf "F\t%s\t%s\t%s\t%s\t%s\n", fk[i], fn[i], ff[i], fl[i], flang[i]
	# references from code: to a function (its address is taken), or
	# to a table of functions (a call through it)
	for (i = 1; i <= nr; i++) {
		s = rb[i]
		if (s in fdef) { addedge(ra[i], s, "ref", ""); continue }
		d = s; sub(/^D:/, "", d)
		if (!(d in dt)) { dd = d; sub(/@.*/, "", dd); if (dd in dt) d = dd; else continue }
		m = split(dt[d], g, " ")
		dn = d; sub(/@.*/, "", dn)
		for (j = 1; j <= m; j++) {
			g[j] = resolve(g[j])
			if (g[j] in fdef) addedge(ra[i], g[j], "table:" dn, "")
		}
	}
	for (i = 1; i <= ne; i++)
		if ((ea[i] in fdef) && (eb[i] in fdef) && ea[i] != eb[i] && !((ea[i], eb[i]) in oseen) && (oseen[ea[i], eb[i]] = 1))
			printf "E\t%s\t%s\t%s\t%s\n", ea[i], eb[i], ek[i], es[i]
}

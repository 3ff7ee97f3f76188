# idents.awk -- where each identifier of the book is defined, from ctags.
#
# The identifiers of the woven book come from the TANGLED tree, not from
# the noweb text: universal-ctags parses the C, assembler and linker
# script files that tangle.sh wrote, and every tangled line carries its
# origin in a `#line N "FILE.nw"` directive.  This program maps each tag
# back to the .nw file and line, and that line to the code chunk that
# holds it (chunks are numbered 1, 2, ... in the order of noweb's markup
# output, as nw2md.awk numbers them).
#
# Usage: awk -f idents.awk -v src=TANGLED_DIR [-v sfiles="a.S b.S"] \
#          markup.out tags > idents.raw
#   sfiles      assembler files to scan even if ctags found nothing there
#   markup.out  noweb's `markup FILE...` output (for the chunks' lines)
#   tags        `ctags --excmd=number --fields=+nKeZ --kinds-C=+lzDLp`
#               run in TANGLED_DIR (file names relative to it)
# Output, tab-separated, one fact a line:
#   D name kind chunk nwfile nwline tangledfile    a definition
#   L chunk name lo hi           in .nw lines lo..hi of this chunk,
#                                NAME is a local, a parameter, a macro
#                                parameter or a goto label of the
#                                function (macro) there, or a struct
#                                member declared there: never a link
#   F chunk tangledfile          the chunk is part of this tangled file
#   K name                       ctags knows NAME (of any kind)
# Kinds: function struct union enum enumerator macro typedef variable
# (C), label macro (assembler), symbol (linker script).  ctags does not
# know Linux's SYM_CODE_START(name) & co. in .S files nor SYSCALL_DEFINEn
# (name, ...) in C: this program finds those itself, as kinds label and
# function (sys_name).
# POSIX awk only (runs under mawk).

function mapfile(tf,    path, l, n, f, ln, s, name) {
	# Read tangled file tf once: nw position of each of its lines.
	if (tf in mapped) return
	mapped[tf] = 1
	path = src "/" tf
	n = 0; f = ""; ln = 0
	while ((getline l < path) > 0) {
		n++
		if (l ~ /^#line [0-9]+ "/) {
			s = l; sub(/^#line /, "", s)
			ln = s + 0 - 1
			sub(/^[0-9]+ "/, "", s); sub(/"[ \t]*$/, "", s)
			f = s
			continue
		}
		ln++
		if (f == "") continue
		if (((f, ln) in chunkat)) {
			pos[tf, n] = chunkat[f, ln]
			posf[tf, n] = f; posl[tf, n] = ln
			c = chunkat[f, ln]
			if (!((c, tf) in infile)) {
				infile[c, tf] = 1
				printf "F\t%d\t%s\n", c, tf
			}
			# SYSCALL_DEFINEn(name, ...) defines sys_name
			if (tf ~ /\.c$/ && match(l, /^SYSCALL_DEFINE[0-6]\([a-z_0-9]+/)) {
				name = substr(l, RSTART, RLENGTH); sub(/.*\(/, "", name)
				def("sys_" name, "function", tf, n)
			}
			# Linux's assembler symbol macros: SYM_CODE_START(name) ...
			if (tf ~ /\.S$/ && tf !~ /\.lds\.S$/) {
				if (match(l, /SYM_(CODE|FUNC|DATA|INNER_LABEL)(_START)?[A-Z_]*\([A-Za-z_][A-Za-z0-9_]*/) &&
				    l !~ /SYM_[A-Z_]*_END/ && substr(l, RSTART + RLENGTH, 1) !~ /[#\\]/) {	# not a pasted name
					name = substr(l, RSTART, RLENGTH); sub(/.*\(/, "", name)
					def(name, "label", tf, n)
				} else if (match(l, /^[A-Za-z_][A-Za-z0-9_]*:/)) {
					def(substr(l, 1, RLENGTH - 1), "label", tf, n)
				}
			}
		}
	}
	close(path)
}

function def(name, kind, tf, n) {
	if (!((tf, n) in pos)) return
	if (name ~ /^__anon/ || name ~ /^\.L/ || name ~ /^[0-9]/) return
	if (name ~ /^SYSCALL_DEFINE[0-6]$/ && kind == "function") return	# ctags sees SYSCALL_DEFINE0(fork) { as a function
	if ((name, tf, n) in done) return
	done[name, tf, n] = 1
	if (!(name in known)) { known[name] = 1; printf "K\t%s\n", name }
	printf "D\t%s\t%s\t%d\t%s\t%d\t%s\n", name, kind, pos[tf, n], posf[tf, n], posl[tf, n], tf
}

# suppress(name, tf, a, b): NAME is not a global in lines a..b of tf:
# one L row per chunk those lines come from, with the chunk's .nw lines
function suppress(name, tf, a, b,    i, c, l, n, cs, lo, hi) {
	n = 0
	for (i = a; i <= b; i++) {
		if (!((tf, i) in pos)) continue
		c = pos[tf, i]; l = posl[tf, i]
		if (!(c in lo)) { lo[c] = hi[c] = l; cs[++n] = c }
		if (l < lo[c]) lo[c] = l
		if (l > hi[c]) hi[c] = l
	}
	for (i = 1; i <= n; i++) {
		c = cs[i]
		if ((c, name, lo[c], hi[c]) in supp) continue
		supp[c, name, lo[c], hi[c]] = 1
		printf "L\t%d\t%s\t%d\t%d\n", c, name, lo[c], hi[c]
	}
}

# ---- markup output: the lines of every code chunk
FNR == 1 { nfile++ }
nfile == 1 && /^@file / { file = substr($0, 7); line = 1; next }
nfile == 1 && /^@begin code/ { nc++; incode = 1; next }
nfile == 1 && /^@end code/ { incode = 0; next }
nfile == 1 && (/^@nl/ || /^@index nl/) { line++; if (incode) chunkat[file, line] = nc; next }
nfile == 1 { next }

# ---- tags
/^!/ { next }
{
	ntag++
	n = split($0, fld, "\t")
	if (!(fld[1] in known)) { known[fld[1]] = 1; printf "K\t%s\n", fld[1] }
	tname[ntag] = fld[1]; ttf[ntag] = fld[2]
	tkind[ntag] = fld[4]; tline[ntag] = fld[3] + 0; tend[ntag] = tline[ntag]; tscope[ntag] = ""
	for (i = 5; i <= n; i++) {
		if (fld[i] ~ /^end:/) tend[ntag] = substr(fld[i], 5) + 0
		else if (fld[i] ~ /^scope:/) tscope[ntag] = substr(fld[i], 7)
		else if (fld[i] ~ /^line:/) tline[ntag] = substr(fld[i], 6) + 0
	}
	if (tkind[ntag] == "function" || tkind[ntag] == "macro" || tkind[ntag] == "struct" ||
	    tkind[ntag] == "union" || tkind[ntag] == "prototype")
		range[ttf[ntag], tkind[ntag] ":" tname[ntag]] = tline[ntag] " " tend[ntag]
}

END {
	nsf = split(sfiles, sf, " ")
	for (i = 1; i <= nsf; i++) mapfile(sf[i])
	for (i = 1; i <= ntag; i++) mapfile(ttf[i])
	for (i = 1; i <= ntag; i++) {
		k = tkind[i]; tf = ttf[i]; asm = (tf ~ /\.S$/)
		if (k == "function" || k == "struct" || k == "union" || k == "enum" ||
		    k == "enumerator" || k == "macro" || k == "typedef" || k == "variable" ||
		    k == "symbol" || (k == "label" && asm))
			def(tname[i], k, tf, tline[i])
		else if (k == "local" || k == "parameter" || k == "macroparam" || (k == "label" && !asm)) {
			# the whole function (or macro) it belongs to
			sc = tscope[i]
			if ((tf, sc) in range) {
				split(range[tf, sc], ab, " ")
				suppress(tname[i], tf, ab[1] + 0, ab[2] + 0)
			} else
				suppress(tname[i], tf, tline[i], tend[i])
		} else if (k == "member")
			suppress(tname[i], tf, tline[i], tline[i])
	}
}

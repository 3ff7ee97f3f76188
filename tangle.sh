#!/bin/sh
# tangle.sh -- extract the source tree of forklore from its noweb chapters.
#
# Usage: ./tangle.sh [-v] [-o OUTDIR] FILE.nw...
#
# The chapters are read in the order given (the Makefile passes src.nw/*.nw,
# sorted), and every *root* chunk -- a chunk that is defined but never used
# in code -- whose name is a relative file path, such as <<kernel/fork.c>>,
# becomes the file OUTDIR/kernel/fork.c (OUTDIR defaults to build/src).
#
# How it works.  One awk program does all the work that needs the sources:
#
#   1. read  -- parse every chapter with noweb's rules: a line "<<name>>="
#      opens a code chunk, a line "@" or "@ ..." closes it; in code,
#      "<<name>>" uses another chunk, "@<<" and "@>>" stand for a literal
#      "<<" and ">>", and "@@" at the start of a line for "@".  Definitions
#      of the same name are concatenated in the order they are read.
#   2. check -- find every problem at once (undefined chunks, unused chunks
#      that cannot be files, bad file names, chunks that include themselves,
#      unreachable chunks) and report each as "FILE:LINE: message", sorted,
#      so an editor can jump to it.  If there is any, nothing is written.
#   3. expand -- expand each file root recursively, exactly like
#      `notangle -t8`: an included chunk is indented to the column of its
#      use (tab stops every 8 columns, written as tabs then spaces), and
#      every output line remembers the .nw line it came from.
#   4. write -- C and assembler files (.c, .h, .S) get "#line N "FILE.nw""
#      directives wherever the next line does not simply follow the
#      previous one, so that gcc's messages and gdb name the line of the
#      book.  Each file is compared, in memory, with the one already in
#      OUTDIR and written only if it differs: unchanged files keep their
#      mtime, so make rebuilds only what a change really touched.  Files in
#      OUTDIR that no root produces any more are left alone.
#
# Exit status: 0 success, 1 errors in the sources (nothing was written),
# 2 bad usage or a failure to write the output.
#
# POSIX sh and POSIX awk only: it must run under dash, with mawk and gawk.

set -u

prog=${0##*/}
usage="usage: $prog [-v] [-o OUTDIR] FILE.nw..."

outdir=build/src
verbose=0
while [ $# -gt 0 ]; do
	case $1 in
	-o)	[ $# -ge 2 ] || { echo "$usage" >&2; exit 2; }
		outdir=$2; shift 2 ;;
	-o?*)	outdir=${1#-o}; shift ;;
	-v)	verbose=1; shift ;;
	-h|--help)
		echo "$usage"; exit 0 ;;
	--)	shift; break ;;
	-?*)	echo "$prog: unknown option '$1'" >&2
		echo "$usage" >&2; exit 2 ;;
	*)	break ;;
	esac
done
if [ $# -eq 0 ] || [ -z "$outdir" ]; then
	echo "$usage" >&2
	exit 2
fi

# A chapter we cannot read is an error in the sources like any other:
# report all of them in the usual format (line 0 means the whole file).
status=0
for f in "$@"; do
	if [ -d "$f" ]; then
		echo "$f:0: cannot read this file: it is a directory" >&2
		status=1
	elif [ ! -e "$f" ]; then
		echo "$f:0: cannot read this file: no such file" >&2
		status=1
	elif [ ! -r "$f" ]; then
		echo "$f:0: cannot read this file: permission denied" >&2
		status=1
	fi
done
[ $status -eq 0 ] || exit 1

# Everything reaches awk through the environment: the chapter names one
# per line, so that awk does not take a name holding "=" for an assignment.
TANGLE_FILES=$(printf '%s\n' "$@")
TANGLE_OUTDIR=$outdir
TANGLE_VERBOSE=$verbose
export TANGLE_FILES TANGLE_OUTDIR TANGLE_VERBOSE

# LC_ALL=C: count bytes, not characters, so that mawk and gawk agree.
# AWK may name another awk (the tests run both mawk and gawk).
LC_ALL=C "${AWK:-awk}" -v q="'" '
# ---------------------------------------------------------------------
# Errors are collected, then printed sorted by file and line.
function error(fi, line, msg) {
	nerr++
	err_fi[nerr] = fi; err_line[nerr] = line
	err_msg[nerr] = fname[fi] ":" line ": " msg
}

function print_errors(   i, j, fi, ln, m) {
	# insertion sort: stable, and there are only ever a few errors
	for (i = 2; i <= nerr; i++) {
		fi = err_fi[i]; ln = err_line[i]; m = err_msg[i]
		for (j = i - 1; j >= 1 && (err_fi[j] > fi || \
		    (err_fi[j] == fi && err_line[j] > ln)); j--) {
			err_fi[j + 1] = err_fi[j]; err_line[j + 1] = err_line[j]
			err_msg[j + 1] = err_msg[j]
		}
		err_fi[j + 1] = fi; err_line[j + 1] = ln; err_msg[j + 1] = m
	}
	for (i = 1; i <= nerr; i++)
		print err_msg[i] | "cat 1>&2"
	close("cat 1>&2")
}

# ---------------------------------------------------------------------
# 1. Reading.
#
# Every code line gets a number id; L_fi[id] and L_no[id] say where it
# was read.  A code line is split once into segments: text (escapes
# already resolved) and uses of chunks.  S_pre[id,k] is the column of
# the "<<" in the source line (tab stops every 8 columns): an included
# chunk is indented by that much more than the chunk that uses it.
#
# A chunk is the list of its code lines: C_n[name] and C_line[name,k].

function define(name, fi, line) {
	if (!(name in C_n)) {
		C_n[name] = 0
		nchunks++; cname[nchunks] = name
		C_fi[name] = fi; C_no[name] = line
	}
}

function add_segment(id, isuse, text, pre) {
	L_nseg[id]++
	S_isuse[id, L_nseg[id]] = isuse
	S_text[id, L_nseg[id]] = text
	S_pre[id, L_nseg[id]] = pre
}

# The column a string ends at, with tab stops every 8 columns.
function column(s,   i, col) {
	col = 0
	for (i = 1; i <= length(s); i++)
		col = (substr(s, i, 1) == "\t") ? col - col % 8 + 8 : col + 1
	return col
}

function parse_code(id, raw, chunk,   p, rest, text, name, j, e) {
	L_nseg[id] = 0
	text = ""
	p = 1
	if (substr(raw, 1, 2) == "@@") {	# "@@" at line start is "@"
		text = "@"
		p = 3
	}
	while (match(rest = substr(raw, p), /@<<|@>>|<</)) {
		text = text substr(rest, 1, RSTART - 1)
		p += RSTART - 1
		if (substr(rest, RSTART, 1) == "@") {	# escaped << or >>
			text = text substr(rest, RSTART + 1, 2)
			p += 3
			continue
		}
		j = index(substr(rest, RSTART + 2), ">>")
		if (j == 0) {
			# "<<" without ">>" is plain text to noweb (it is
			# the shift operator in C), but a line that starts
			# with "<<name" is surely a reference missing its
			# ">>".
			if (raw ~ /^[ \t]*<<[^ \t=<]/) {
				e = substr(rest, RSTART)
				error(L_fi[id], L_no[id], "unterminated chunk " \
				    "reference \"" e "\" (missing \">>\"; " \
				    "write @<< for a literal <<)")
			}
			break
		}
		if (text != "")
			add_segment(id, 0, text, "")
		text = ""
		name = substr(rest, RSTART + 2, j - 1)
		add_segment(id, 1, name, column(substr(raw, 1, p - 1)))
		nuses++
		U_name[nuses] = name; U_id[nuses] = id; U_from[nuses] = chunk
		p += 2 + j - 1 + 2
	}
	text = text substr(raw, p)
	if (text != "")
		add_segment(id, 0, text, "")
}

function read_file(fi,   f, line, no, in_code, chunk, r, id) {
	f = fname[fi]
	no = 0
	in_code = 0
	while ((r = (getline line < f)) > 0) {
		no++
		if (line ~ /^<<.*>>=[ \t]*$/) {		# a definition opens
			chunk = line
			sub(/>>=[ \t]*$/, "", chunk)
			chunk = substr(chunk, 3)
			define(chunk, fi, no)
			in_code = 1
		} else if (in_code && line ~ /^@([ \t]|$)/) {
			in_code = 0			# back to prose
		} else if (in_code) {
			id = ++nlines
			L_fi[id] = fi; L_no[id] = no
			C_line[chunk, ++C_n[chunk]] = id
			parse_code(id, line, chunk)
		}
		# prose, [[quoted code]] included, does not matter here
	}
	if (r < 0)
		error(fi, 0, "cannot read this file")
	close(f)
}

# ---------------------------------------------------------------------
# 2. Checking.

# A root becomes a file when its name is a relative path made of safe
# characters.  bad_path() returns "" for such a name, else the reason.
function bad_path(name,   n, i, part, c) {
	if (name == "")
		return "it is empty"
	if (substr(name, 1, 1) == "/")
		return "it is absolute (it starts with \"/\")"
	if (name ~ /[ \t]/)
		return "it contains white space"
	n = split(name, part, "/")
	for (i = 1; i <= n; i++) {
		if (part[i] == "")
			return "it has an empty component (\"//\" or a " \
			    "trailing \"/\")"
		if (part[i] == "..")
			return "it has a \"..\" component"
		if (part[i] == ".")
			return "it has a \".\" component"
	}
	if (match(name, /[^A-Za-z0-9_+.\/-]/)) {
		c = substr(name, RSTART, 1)
		return "it contains the character \"" c "\" (a file name " \
		    "may hold only letters, digits, \"/\", \"_\", \"+\", " \
		    "\".\" and \"-\")"
	}
	return ""
}

# Does an invalid name look as if it was meant to be a file?  Chunk
# names are sentences ("Copy the file table"); a name that starts with
# "/", is a single word with a "/" or a ".", or ends in a known file
# extension was meant to be a path.
function looks_like_path(name) {
	return name ~ /^\// || (name !~ /[ \t]/ && name ~ /[\/.]/) ||
	    name ~ /\.(c|h|S|s|ld|lds|sh|awk|mk|md|txt|lua|py|json|html|css)$/
}

# Find chunks that include themselves: a depth-first search over the
# "uses" graph, where meeting a chunk still on the stack closes a cycle.
# Each cycle is reported once, at the use that closes it.
function find_cycles(name, depth,   k, to, i, path, u) {
	color[name] = 1
	stack[depth] = name
	for (k = 1; k <= E_n[name]; k++) {
		to = E_to[name, k]
		if (color[to] == 1) {
			path = ""
			for (i = 1; i <= depth; i++)
				if (path != "" || stack[i] == to)
					path = path "<<" stack[i] ">> -> "
			u = E_use[name, k]
			error(L_fi[U_id[u]], L_no[U_id[u]], "chunk <<" to \
			    ">> includes itself: " path "<<" to ">>")
		} else if (color[to] == 0)
			find_cycles(to, depth + 1)
	}
	color[name] = 2
}

function reach(name,   k) {
	if (name in reached)
		return
	reached[name] = 1
	for (k = 1; k <= E_n[name]; k++)
		reach(E_to[name, k])
}

function check(   i, u, name, to, why, k, n, part, dir) {
	# every use must name a defined chunk; defined uses are edges
	for (u = 1; u <= nuses; u++) {
		name = U_from[u]; to = U_name[u]
		used[to] = 1
		if (!(to in C_n)) {
			error(L_fi[U_id[u]], L_no[U_id[u]], "chunk <<" to \
			    ">> is used here but never defined")
		} else if (!((name, to) in edge)) {
			edge[name, to] = 1
			E_to[name, ++E_n[name]] = to
			E_use[name, E_n[name]] = u
		}
	}

	# roots: defined, never used; each must be a usable file name
	for (i = 1; i <= nchunks; i++) {
		name = cname[i]
		if (name in used)
			continue
		why = bad_path(name)
		if (why == "") {
			nroots++; root[nroots] = name
			is_root[name] = 1
		} else if (looks_like_path(name))
			error(C_fi[name], C_no[name], "root chunk <<" name \
			    ">> is defined but never used, so it is a root, " \
			    "but it cannot be a file name: " why)
		else
			error(C_fi[name], C_no[name], "chunk <<" name \
			    ">> is defined but never used, and its name is " \
			    "not a relative file path, so it is not a root")
		# mark all it reaches; under a bad root, its one error says enough
		reach(name)
	}

	# a root cannot be a file and the directory of another root
	for (i = 1; i <= nroots; i++) {
		n = split(root[i], part, "/")
		dir = part[1]
		for (k = 2; k <= n; k++) {
			if (dir in is_root)
				error(C_fi[root[i]], C_no[root[i]], "root " \
				    "chunk <<" root[i] ">> needs \"" dir \
				    "\" to be a directory, but root chunk <<" \
				    dir ">> makes it a file")
			dir = dir "/" part[k]
		}
	}

	for (i = 1; i <= nchunks; i++)
		if (color[cname[i]] == 0)
			find_cycles(cname[i], 1)

	# what no root reaches is used only from a cycle of unused chunks
	for (i = 1; i <= nchunks; i++) {
		name = cname[i]
		if (!(name in reached))
			error(C_fi[name], C_no[name], "chunk <<" name \
			    ">> is defined but never reached from any root " \
			    "chunk: it is used only by chunks that are " \
			    "themselves unreachable")
	}
}

# ---------------------------------------------------------------------
# 3. Expanding.
#
# Output lines are built in buf.  Each output line is attributed to the
# source line of its first non-blank character (bid), or to the line
# that began it if it is blank; that is the line #line will name.

# White space reaching column col: tabs, then spaces.
function spaces(col,   s) {
	s = ""
	for (; col >= 8; col -= 8)
		s = s "\t"
	for (; col > 0; col--)
		s = s " "
	return s
}

function start_line(id, indent) {
	buf = indent; bid = id; bblank = 1
}

function append(text, id) {
	buf = buf text
	if (bblank && text ~ /[^ \t]/) {
		bid = id; bblank = 0
	}
}

function flush_line() {
	out_n++
	out_text[out_n] = buf; out_id[out_n] = bid
	buf = ""; bid = 0; bblank = 1
}

# Expand a chunk into the current output line: its first line continues
# the line of the use, each further line starts a new output line with
# the indentation of the use, and the text after the use (if any) will
# continue its last line.  Empty lines are not indented.
function expand(name, indent,   k, s, id) {
	for (k = 1; k <= C_n[name]; k++) {
		id = C_line[name, k]
		if (k > 1) {
			flush_line()
			start_line(id, L_nseg[id] ? spaces(indent) : "")
		} else if (bid == 0)
			bid = id
		for (s = 1; s <= L_nseg[id]; s++) {
			if (S_isuse[id, s])
				expand(S_text[id, s], indent + S_pre[id, s])
			else
				append(S_text[id, s], id)
		}
	}
}

# ---------------------------------------------------------------------
# 4. Writing.

function c_string(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

# Quote a string for sh (q is a single quote, set on the command line).
function sh_quote(s) {
	gsub(q, q "\"" q "\"" q, s)	# a quote q becomes q"q"q
	return q s q
}

# Build the text of one root in text.  In C and assembler, put a "#line"
# wherever the position the compiler believes it is at (cur_f, cur_n)
# differs from the true origin of the next line -- but never right after
# a line ending in "\", where it would become part of a macro definition;
# the next line that may hold it carries it instead.
function render(name,   hash, k, id, f, n, cur_f, cur_n, cont, text) {
	out_n = 0
	buf = ""; bid = 0; bblank = 1
	expand(name, 0)
	if (buf != "" || bid != 0)
		flush_line()

	hash = name ~ /\.(c|h|S)$/
	cur_f = ""; cur_n = 0; cont = 0
	text = ""			# an empty root gives an empty file
	for (k = 1; k <= out_n; k++) {
		id = out_id[k]
		f = fname[L_fi[id]]; n = L_no[id]
		if (hash && !cont && (f != cur_f || n != cur_n)) {
			text = text "#line " n " " c_string(f) "\n"
			cur_f = f; cur_n = n
		}
		text = text out_text[k] "\n"
		cur_n++
		cont = out_text[k] ~ /\\$/
	}
	return text
}

# The whole content of a file, or "" with missing = 1 if it cannot be
# read.  RS is a control character that text files do not hold, so the
# file comes in one record, its final newline (or lack of one) included.
function slurp(path,   r, rec, s, n) {
	RS = "\001"
	s = ""; n = 0
	while ((r = (getline rec < path)) > 0)
		s = s (n++ ? RS : "") rec
	close(path)
	RS = "\n"
	missing = r < 0
	return s
}

# Compare each root with the file already in OUTDIR, in memory, and
# write only those that differ: an unchanged file keeps its mtime, and
# tangling forks no process at all unless a directory must be made.
function write_roots(   i, dest, old, dir, dirs) {
	outdir = ENVIRON["TANGLE_OUTDIR"]
	dirs = ""
	for (i = 1; i <= nroots; i++) {
		content[i] = render(root[i])
		dest = outdir "/" root[i]
		old = slurp(dest)
		changed[i] = missing || old != content[i]
		if (missing) {
			dir = dest
			sub(/\/[^\/]*$/, "", dir)
			if (!(dir in seen))
				dirs = dirs " " sh_quote(dir)
			seen[dir] = 1
		}
	}
	if (dirs != "" && system("mkdir -p --" dirs) != 0)
		exit 2
	for (i = 1; i <= nroots; i++) {
		dest = outdir "/" root[i]
		if (changed[i]) {
			printf "%s", content[i] > dest
			close(dest)
		}
		if (ENVIRON["TANGLE_VERBOSE"] + 0)
			print (changed[i] ? "wrote " : "unchanged ") dest
	}
}

BEGIN {
	nfiles = split(ENVIRON["TANGLE_FILES"], fname, "\n")
	for (fi = 1; fi <= nfiles; fi++)
		read_file(fi)
	check()
	if (nerr) {
		print_errors()
		exit 1
	}
	write_roots()
	exit 0
}'
# awk exits 1 after reporting errors in the sources, 2 if it cannot write.

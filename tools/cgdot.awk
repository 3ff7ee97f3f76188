# tools/cgdot.awk — call graphs as Graphviz, one a chapter, plus the
# fork path.  Run by tools/callgraph.sh:
#
#   awk -f cgdot.awk -v outdir=DIR -v maxown=N -v maxnb=N \
#       chunks.tsv chapters.tsv ranges.tsv cg.tsv
#
# chunks.tsv   file first last stem anchor number name   (nw2md.awk)
# chapters.tsv ordinal stem file title                   (nw2md.awk)
# ranges.tsv   nwfile first last tangled-file            (#line runs)
# cg.tsv       F/E records                               (cgextract.awk)
#
# Writes DIR/cg-<stem>.dot for each chapter that defines a function with
# at least one call to or from it, DIR/cg-fork-path.dot, and
# DIR/figures.tsv: stem, figure name, caption (plain text).
#
# A node is a function, labelled with its name and linked (URL, for the
# SVG) to the chunk that defines it: ../<stem>.html#<anchor>, relative
# to html/figures/ where the SVG is served.  POSIX awk (mawk).

BEGIN {
	FS = "\t"
	if (maxown == "") maxown = 30
	if (maxnb == "") maxnb = 16
	if (maxfanin == "") maxfanin = 12
}

FILENAME ~ /chunks\.tsv$/ {
	nck++; kf[nck] = $1; kfirst[nck] = $2 + 0; klast[nck] = $3 + 0
	kstem[nck] = $4; kanchor[nck] = $5; knum[nck] = $6; kname[nck] = $7
	next
}
FILENAME ~ /chapters\.tsv$/ { chord[$2] = $1; chtitle[$2] = $4; nchs++; chstem[nchs] = $2; next }
FILENAME ~ /ranges\.tsv$/ { nrg++; rf[nrg] = $1; rfirst[nrg] = $2 + 0; rlast[nrg] = $3 + 0; rt[nrg] = $4; next }
$1 == "F" {
	k = $2; fname[k] = $3; ffile[k] = $4; fline[k] = $5 + 0; flang[k] = $6
	nf++; fkey[nf] = k
	next
}
$1 == "E" { ne++; ea[ne] = $2; eb[ne] = $3; ek[ne] = $4; if ($4 == "call") fanin[$3]++; next }

function esc(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); return s }
function plain(s) { gsub(/`/, "", s); return s }

# chunk of each function, and the tangled file it lands in: the first
# chunk (range) of the function's .nw file that holds its line, looked
# up among that file's chunks (ranges) only
function locate(    i, j, k, n, m, ks, rs, cl, rl) {
	for (j = 1; j <= nck; j++) cl[kf[j]] = cl[kf[j]] " " j
	for (j = 1; j <= nrg; j++) rl[rf[j]] = rl[rf[j]] " " j
	for (i = 1; i <= nf; i++) {
		k = fkey[i]
		n = split(cl[ffile[k]], ks, " ")
		for (m = 1; m <= n; m++) {
			j = ks[m]
			if (kfirst[j] <= fline[k] && fline[k] <= klast[j]) { fck[k] = j; break }
		}
		n = split(rl[ffile[k]], rs, " ")
		for (m = 1; m <= n; m++) {
			j = rs[m]
			if (rfirst[j] <= fline[k] && fline[k] <= rlast[j]) { ftan[k] = rt[j]; break }
		}
		if (!(k in ftan)) ftan[k] = "?"
	}
}

function nodeattrs(k, own,    c, t) {
	c = fck[k]
	t = fname[k] "()  chunk " knum[c] ": " kname[c] "  (" ftan[k] ")"
	return sprintf("label=\"%s\", URL=\"../%s.html#%s\", target=\"_top\", tooltip=\"%s\"%s", \
		esc(fname[k]), kstem[c], kanchor[c], esc(t), \
		own ? "" : ", style=\"rounded,dashed\", fillcolor=\"#ffffff\", fontcolor=\"#555555\", color=\"#888888\"")
}

function edgeattrs(i) {
	if (ek[i] == "ref") return " [style=dotted, tooltip=\"takes the address\"]"
	if (ek[i] ~ /^table:/) return " [style=dashed, tooltip=\"called through " substr(ek[i], 7) "\"]"
	return ""
}

function header(f, name) {
	printf "digraph \"%s\" {\n", name > f
	printf "\tgraph [rankdir=LR, fontname=\"sans-serif\", fontsize=10, nodesep=0.12, ranksep=0.35, pad=0.1, bgcolor=\"white\", newrank=true];\n" > f
	printf "\tnode [shape=box, style=\"rounded,filled\", fillcolor=\"#e6eef8\", color=\"#3a5f8f\", fontname=\"monospace\", fontsize=9, height=0.22, margin=\"0.06,0.02\"];\n" > f
	printf "\tedge [arrowsize=0.5, penwidth=0.8, color=\"#555555\"];\n" > f
}

# cluster the nodes in set[] (sel[k] = 1 own, 2 neighbour): own ones by
# tangled file, neighbours by their chapter.  The nodes are taken in the
# order of their names, not awk's hash order, which may differ from one
# run to the next: Graphviz lays out clusters in the order they come,
# and some orders of the same graph make it fail ("triangulation failed")
function clusters(f,    k, g, n, i, key, lab, nc, cl, members, ks, nk, j, t) {
	nc = 0
	nk = 0
	for (k in sel) ks[++nk] = k
	for (i = 2; i <= nk; i++) {
		t = ks[i]
		for (j = i - 1; j >= 1 && ks[j] > t; j--) ks[j + 1] = ks[j]
		ks[j + 1] = t
	}
	for (i = 1; i <= nk; i++) {
		k = ks[i]
		g = sel[k] == 1 ? "f:" ftan[k] : "c:" kstem[fck[k]]
		if (!(g in cl)) { nc++; cl[g] = nc; gname[nc] = g }
		members[cl[g]] = members[cl[g]] " " k
	}
	for (i = 1; i <= nc; i++) {
		g = gname[i]
		if (g ~ /^f:/) lab = substr(g, 3)
		else lab = "ch. " chord[substr(g, 3)] " " plain(chtitle[substr(g, 3)])
		printf "\tsubgraph \"cluster_%d\" {\n\t\tlabel=\"%s\"; fontcolor=\"%s\"; color=\"%s\"; style=rounded;\n", \
			i, esc(lab), g ~ /^f:/ ? "#1f3b5c" : "#777777", g ~ /^f:/ ? "#99aabb" : "#cccccc" > f
		n = split(members[i], mm, " ")
		# sort for a stable output
		for (key = 1; key <= n; key++) for (j = key + 1; j <= n; j++)
			if (mm[j] < mm[key]) { t = mm[j]; mm[j] = mm[key]; mm[key] = t }
		for (key = 1; key <= n; key++)
			printf "\t\t\"%s\" [%s];\n", esc(mm[key]), nodeattrs(mm[key], sel[mm[key]] == 1) > f
		printf "\t}\n" > f
	}
}

function edges(f, tables,    i) {
	for (i = 1; i <= ne; i++)
		if ((ea[i] in sel) && (eb[i] in sel) && (sel[ea[i]] == 1 || sel[eb[i]] == 1 || tables) &&
		    (tables || ek[i] !~ /^table:/))
			printf "\t\"%s\" -> \"%s\"%s;\n", esc(ea[i]), esc(eb[i]), edgeattrs(i) > f
}

# sort keys in arr[1..n] by score (descending), then name
function rank(arr, n, score,    i, j, t) {
	for (i = 2; i <= n; i++) {
		t = arr[i]
		for (j = i - 1; j >= 1 && (score[arr[j]] < score[t] || (score[arr[j]] == score[t] && arr[j] > t)); j--)
			arr[j + 1] = arr[j]
		arr[j + 1] = t
	}
}

# in-kernel tests (tangled into test_*.c, ktest*) are left out of the
# graphs; so are, from other chapters' graphs, library functions:
# those called from more than `maxfanin` functions (IS_ERR, kfree, ...)
function istest(k) { return ftan[k] ~ /(^|\/)(test_[^\/]*|ktest[^\/]*)$/ }
function skip(k) { return istest(k) }
function isnblib(k) { return fanin[k] > maxfanin }

function chapter_graph(stem,    i, u, k, nown, own, deg, nb, nnb, nbk, f, shown, cap, extra, nedges) {
	split("", sel); split("", own); split("", deg); split("", nb)
	nown = split(substr(stemfns[stem], 2), own, SUBSEP)
	for (i = 1; i <= nown; i++) isown[own[i]] = 1
	if (nown == 0) return
	nedges = 0
	for (u = 1; u <= nue; u++) {
		i = uedge[u]
		if ((ea[i] in isown) || (eb[i] in isown)) { deg[ea[i]]++; deg[eb[i]]++; nedges++ }
	}
	if (nedges == 0) { for (i = 1; i <= nown; i++) delete isown[own[i]]; return }
	rank(own, nown, deg)
	shown = nown > maxown ? maxown : nown
	for (i = 1; i <= shown; i++) sel[own[i]] = 1
	# neighbours: callers and callees of the shown functions
	nnb = 0; nlib = 0
	for (u = 1; u <= nue; u++) {
		i = uedge[u]
		if ((ea[i] in sel) && !(eb[i] in isown) && isnblib(eb[i])) { nlib++; continue }
		if ((ea[i] in sel) && !(eb[i] in isown)) { if (!(eb[i] in nb)) { nnb++; nbk[nnb] = eb[i] } nb[eb[i]]++ }
		if ((eb[i] in sel) && !(ea[i] in isown)) { if (!(ea[i] in nb)) { nnb++; nbk[nnb] = ea[i] } nb[ea[i]]++ }
	}
	rank(nbk, nnb, nb)
	for (i = 1; i <= nnb && i <= maxnb; i++) sel[nbk[i]] = 2
	f = outdir "/cg-" stem ".dot"
	header(f, "cg-" stem)
	clusters(f)
	edges(f, 0)
	printf "}\n" > f
	close(f)
	cap = "Call graph of chapter " chord[stem] ", generated from the code: the functions it defines (filled, grouped by the file they are tangled into) and, one call away, their callers and callees in other chapters (white, grouped by chapter). A dotted arrow takes a function's address; a click on a function opens its chunk."
	extra = ""
	if (nown > shown) extra = extra " The " shown " most connected of its " nown " functions are shown."
	if (nnb > maxnb) extra = extra " " (nnb - maxnb) " more callers and callees are left out."
	if (nlib > 0) extra = extra " Calls to library functions of other chapters (called from more than " maxfanin " places) are not drawn."
	printf "%s\tcg-%s\t%s\n", stem, stem, cap extra > (outdir "/figures.tsv")
	for (i = 1; i <= nown; i++) delete isown[own[i]]
}

# The fork path: every function on a call path from the syscall entry to
# kernel_clone() (through sys_call_table only to the fork family), the
# steps of kernel_clone(), copy_process() and wake_up_new_task() (their
# callees that are functions of a .c or .S file, not header helpers),
# and the child's way out: ret_from_fork() and what it calls.
function fork_path(    i, k, changed, fwd, bwd, f, n, spine, key, hub, nh, j) {
	split("", sel)
	if (!("entry_SYSCALL_64" in fline) || !("kernel_clone" in fline)) return
	fwd["entry_SYSCALL_64"] = 1
	do {
		changed = 0
		for (i = 1; i <= ne; i++)
			if ((ea[i] in fwd) && !(eb[i] in fwd) && pathedge(i)) { fwd[eb[i]] = 1; changed = 1 }
	} while (changed)
	bwd["kernel_clone"] = 1
	do {
		changed = 0
		for (i = 1; i <= ne; i++)
			if ((eb[i] in bwd) && !(ea[i] in bwd) && pathedge(i)) { bwd[ea[i]] = 1; changed = 1 }
	} while (changed)
	for (k in fwd) if ((k in bwd) && (k in fck)) sel[k] = 1
	nh = split("kernel_clone copy_process wake_up_new_task ret_from_fork schedule_tail", hub, " ")
	for (j = 1; j <= nh; j++) {
		for (k in fline) if (fname[k] == hub[j] && (k in fck)) { sel[k] = 1; hubk[k] = 1 }
	}
	for (i = 1; i <= ne; i++)
		if ((ea[i] in hubk) && (eb[i] in fck) && ftan[eb[i]] !~ /\.h$/ && ek[i] !~ /^table:/)
			sel[eb[i]] = 1
	n = 0; for (k in sel) n++
	f = outdir "/cg-fork-path.dot"
	header(f, "cg-fork-path")
	clusters(f)
	edges(f, 1)
	printf "}\n" > f
	close(f)
	printf "%s\tcg-fork-path\t%s\n", "", "The fork path, generated from the code: from the syscall instruction (entry_SYSCALL_64) through do_syscall_64() and sys_call_table (dashed: a call through the table) to kernel_clone(), the steps of copy_process() and wake_up_new_task(), and the child's first way out: copy_thread() takes the address of ret_from_fork (dotted), where the child's first switch lands, and ret_from_fork calls schedule_tail() and returns to user mode. Functions grouped by the file they are tangled into; " n " functions; a click on one opens its chunk." > (outdir "/figures.tsv")
}
function pathedge(i,    t) {
	if (ek[i] == "ref") return 0
	if (ek[i] !~ /^table:/) return 1
	t = fname[eb[i]]
	return t ~ /^__x64_sys_(clone|clone3|fork|vfork)$/
}

# what the chapters' graphs are drawn from, found once: each chapter's
# own functions (stemfns, in cg.tsv's order), and the calls between
# functions that have a chunk, neither of them a test (uedge[1..nue])
function usable(    i, k) {
	for (i = 1; i <= nf; i++) {
		k = fkey[i]
		if ((k in fck) && !skip(k)) stemfns[kstem[fck[k]]] = stemfns[kstem[fck[k]]] SUBSEP k
	}
	nue = 0
	for (i = 1; i <= ne; i++) {
		if (ek[i] ~ /^table:/) continue
		if (!(ea[i] in fck) || !(eb[i] in fck) || skip(ea[i]) || skip(eb[i])) continue
		uedge[++nue] = i
	}
}

END {
	locate()
	usable()
	printf "" > (outdir "/figures.tsv")
	for (i = 1; i <= nchs; i++) chapter_graph(chstem[i])
	# names.tsv: a function name's chunk (its first definition), for
	# graphs drawn from names only (tools/trace.sh)
	for (i = 1; i <= nf; i++) {
		k = fkey[i]
		if ((k in fck) && !(fname[k] in named)) {
			named[fname[k]] = 1
			printf "%s\t%s.html#%s\t%s\n", fname[k], kstem[fck[k]], kanchor[fck[k]], ftan[k] > (outdir "/names.tsv")
		}
	}
	close(outdir "/names.tsv")
	fork_path()
	close(outdir "/figures.tsv")
}

#!/bin/sh
# tests/callgraph/run.sh — the generated call graphs (tools/callgraph.sh).
# Prints TAP version 13.
#
# 1. A fixture chapter (fixtures/cgdemo.nw: cg_top -> cg_middle -> cg_leaf,
#    and cg_other, called by nobody) is woven: its chapter graph has the
#    two edges and not cg_top -> cg_other, each node links to the chunk
#    that defines it, and the HTML page shows the drawing.  A copy with a
#    call to cg_other added to cg_top is woven again into the same
#    output: the new edge appears (the cache does not hide the change).
#    Woven a third time, unchanged, the compile is skipped; with a
#    changed tool (cgextract.awk) it is redone.
# 2. The book's own graphs: the fork path runs from entry_SYSCALL_64 to
#    wake_up_new_task and from ret_from_fork back to user mode, and every
#    node of every graph links to an anchor that nw2md.awk gave a chunk.
set -u
cd "$(dirname "$0")/../.."
root=$(pwd)
out=$root/build/tests/callgraph
rm -rf "$out/fixture" "$out/book-work" && mkdir -p "$out/fixture" "$out/book-work/md" || exit 1
. tests/lib/tap.sh

# has_edge DOT FROM TO: the .dot file has an arrow FROM -> TO
has_edge() { grep -q "^	\"$2\" -> \"$3\"" "$1"; }

# ---- 1. the fixture
fx=$out/fixture
cp tests/callgraph/fixtures/cgdemo.nw "$fx/cgdemo.nw"
(cd "$fx" && "$root/weave.sh" -q --html -o book cgdemo.nw) >"$fx/weave1.log" 2>&1
check $? "the fixture weaves with its call graph" "$fx/weave1.log"
dot1=$fx/book/callgraph/dot.new/cg-cgdemo.dot
has_edge "$dot1" cg_top cg_middle && has_edge "$dot1" cg_middle cg_leaf
check $? "the graph has cg_top -> cg_middle -> cg_leaf" "$dot1"
! has_edge "$dot1" cg_top cg_other
check $? "and no cg_top -> cg_other" "$dot1"
grep -q 'URL="../cgdemo.html#define-the-middle"' "$dot1"
check $? "cg_middle links to its chunk, cgdemo.html#define-the-middle" "$dot1"
svg=$fx/book/html/figures/cg-cgdemo.svg
grep -q 'xlink:href="../cgdemo.html#define-the-top"' "$svg" 2>/dev/null
check $? "the SVG is in html/figures and its nodes are links" "$svg"
grep -q '<object data="figures/cg-cgdemo.svg"' "$fx/book/html/cgdemo.html"
check $? "the chapter's page shows its graph" "$fx/book/html/cgdemo.html"
sed 's|	/\* more calls here \*/|	cg_other();|' tests/callgraph/fixtures/cgdemo.nw >"$fx/cgdemo.nw"
(cd "$fx" && "$root/weave.sh" -q --html -o book cgdemo.nw) >"$fx/weave2.log" 2>&1
check $? "a copy with one more call weaves again" "$fx/weave2.log"
has_edge "$dot1" cg_top cg_other && grep -q 'cg_other' "$svg"
check $? "and its graph gains the edge cg_top -> cg_other" "$dot1"
# The compile (steps 1-3) is skipped while the checksum of its inputs,
# callgraph/prepared, is the same: a weave of the same sources does not
# run make; one whose tools differ (a copy of the tree with a changed
# cgextract.awk) runs it again.
cgc=$fx/book/callgraph
sleep 1; touch "$fx/mark"
(cd "$fx" && "$root/weave.sh" -q --html -o book cgdemo.nw) >"$fx/weave3.log" 2>&1 &&
	[ -s "$cgc/prepared" ] && [ -z "$(find "$cgc/make.log" "$cgc/cg.tsv" -newer "$fx/mark")" ] &&
	has_edge "$dot1" cg_top cg_other
check $? "the same sources woven again: the compile is not redone, the graph is the same" "$fx/weave3.log"
rm -rf "$fx/tree" && mkdir -p "$fx/tree" && cp -r tools tangle.sh "$fx/tree/" &&
	rm -rf "$fx/tree/tools/node" && key1=$(cat "$cgc/prepared") &&
	(cd "$fx" && sh tree/tools/callgraph.sh --prepare --cache book/callgraph cgdemo.nw) &&
	[ "$(cat "$cgc/prepared")" = "$key1" ] && [ -z "$(find "$cgc/make.log" -newer "$fx/mark")" ] &&
	echo '# changed' >>"$fx/tree/tools/cgextract.awk" &&
	(cd "$fx" && sh tree/tools/callgraph.sh --prepare --cache book/callgraph cgdemo.nw) &&
	[ "$(cat "$cgc/prepared")" != "$key1" ] && [ -n "$(find "$cgc/make.log" "$cgc/cg.tsv" -newer "$fx/mark")" ]
check $? "a change to the call graph's tools (cgextract.awk) redoes the compile and extraction" "$cgc/make.log"

# ---- 2. the book
w=$out/book-work
lib=${NOWEB_LIB:-/usr/lib/noweb}
"$lib/markup" src.nw/*.nw | "$lib/finduses" | "$lib/noidx" >"$w/noidx.out" &&
	awk -f book/filters/nw2md.awk -v out="$w/md" "$w/noidx.out" "$w/noidx.out" 2>"$w/nw2md.err" &&
	sh tools/callgraph.sh --work "$w" --cache "$out/book-cache" --formats svg src.nw/*.nw >"$w/cg.log" 2>&1
check $? "the book's call graphs are made (tools/callgraph.sh)" "$w/cg.log"
fp=$out/book-cache/dot.new/cg-fork-path.dot
ok=0
for e in "entry_SYSCALL_64 do_syscall_64" "kernel_clone copy_process@" \
    "kernel_clone wake_up_new_task" "copy_process@ copy_thread" \
    "copy_thread ret_from_fork" "ret_from_fork schedule_tail" \
    "ret_from_fork syscall_exit_to_user_mode"; do
	set -- $e
	if ! grep -q "^	\"$1[^\"]*\" -> \"$2[^\"]*\"" "$fp" 2>/dev/null; then
		echo "# no edge $1 -> $2 in the fork path"; ok=1
	fi
done
grep -q -- '-> "__x64_sys_clone3" \[style=dashed' "$fp" || { echo "# no call through sys_call_table to __x64_sys_clone3"; ok=1; }
check $ok "the fork path: syscall entry -> kernel_clone -> copy_process, wake_up_new_task; ret_from_fork -> user mode"
cut -f4,5 "$w/md/chunks.tsv" | sed 's/\t/.html#/' | sort -u >"$w/anchors"
sed -n 's/.*URL="\.\.\/\([^"]*\)".*/\1/p' "$out"/book-cache/dot.new/*.dot | sort -u >"$w/links"
comm -23 "$w/links" "$w/anchors" >"$w/broken"
[ -s "$w/links" ] && [ ! -s "$w/broken" ]
check $? "every node of every graph ($(wc -l <"$w/links") links) names a chunk's anchor" "$w/broken"
n_graphs=$(ls "$out"/book-cache/dot.new/*.dot | wc -l)
[ "$n_graphs" -ge 20 ]
check $? "the book has $n_graphs call graphs"
tap_done

#!/bin/sh
# tools/linuxrefs.sh -- the book's links into Linux 6.1, checked against
# Linux itself.
#
#   tools/linuxrefs.sh [check]   TAP: every `Linux: PATH NAME` marker of
#                                src.nw names a file of linux-source-6.1
#                                that defines NAME, and book/linux-v6.1.tsv
#                                holds NAME's line there (make test)
#   tools/linuxrefs.sh update    rewrite book/linux-v6.1.tsv from the markers
#   tools/linuxrefs.sh suggest   list the chunks that define a function
#                                whose name Linux defines in the same file
#                                (our tree mirrors Linux's paths) but
#                                have no marker yet: candidates to add
#
# A marker is a line of prose just before the chunk it belongs to:
#     Linux: kernel/fork.c copy_process
#     Linux: include/linux/sched.h struct task_struct
#     Linux: kernel/fork.c sys_clone3        (SYSCALL_DEFINEn(clone3, ...))
# (after a code chunk with no prose between, write it as "@ Linux: ...").
# nw2md.awk turns it into a link to elixir.bootlin.com next to the chunk
# header, at the line book/linux-v6.1.tsv gives.
#
# NAME is defined in PATH when ctags finds a function, struct, union,
# enum, macro, typedef or variable of that name there, or (assembler)
# SYM_*_START(NAME) or NAME:, or (sys_X) SYSCALL_DEFINEn(X.  The files
# are extracted from /usr/src/linux-source-6.1.tar.xz (Debian package
# linux-source-6.1) into build/linux-6.1/, once.
#
# POSIX sh and awk; needs universal-ctags and xz.
set -u
cd "$(dirname "$0")/.." || exit 2
TARBALL=${LINUX_TARBALL:-/usr/src/linux-source-6.1.tar.xz}
CACHE=${LINUX_CACHE:-build/linux-6.1}
TABLE=book/linux-v6.1.tsv
mode=${1:-check}
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

# markers: FILE.nw TAB LINE TAB PATH TAB NAME, one a marker
# (the same pattern as nw2md.awk's: PATH has a / or a .)
grep -n -E '^(@ )?Linux: [A-Za-z0-9_+-]*[/.][A-Za-z0-9_./+-]* ((struct|union|enum) )?[A-Za-z_][A-Za-z0-9_]*[[:space:]]*$' \
	src.nw/*.nw /dev/null |
	awk '{
		i = index($0, ":"); f = substr($0, 1, i - 1); r = substr($0, i + 1)
		i = index(r, ":"); l = substr(r, 1, i - 1); t = substr(r, i + 1)
		sub(/^@ /, "", t); sub(/^Linux: /, "", t); sub(/[ \t]+$/, "", t)
		p = t; sub(/ .*/, "", p); n = substr(t, length(p) + 2)
		printf "%s\t%s\t%s\t%s\n", f, l, p, n
	}' >"$tmp/markers"

# extract PATH...: make sure the cache holds these Linux files
extract() {
	: >"$tmp/want"
	for p in "$@"; do
		[ -f "$CACHE/$p" ] || [ -f "$CACHE/.absent/$p" ] || echo "linux-source-6.1/$p" >>"$tmp/want"
	done
	[ -s "$tmp/want" ] || return 0
	[ -r "$TARBALL" ] || { echo "# $TARBALL missing (Debian package linux-source-6.1)"; return 1; }
	mkdir -p "$CACHE.tmp"
	sort -u "$tmp/want" | tar -xJf "$TARBALL" -C "$CACHE.tmp" -T - 2>/dev/null
	while read -r m; do
		p=${m#linux-source-6.1/}
		mkdir -p "$(dirname "$CACHE/$p")"
		if [ -f "$CACHE.tmp/$m" ]; then
			mv "$CACHE.tmp/$m" "$CACHE/$p"
		else
			mkdir -p "$(dirname "$CACHE/.absent/$p")" && : >"$CACHE/.absent/$p"
		fi
	done <"$tmp/want"
	rm -rf "$CACHE.tmp"
}

# tags PATH...: ctags of these Linux files, once, into $tmp/tags
tags() {
	: >"$tmp/tags"
	for p in "$@"; do
		[ -f "$CACHE/$p" ] || continue
		case $p in *.S) continue ;; esac
		echo "$CACHE/$p"
	done >"$tmp/tagfiles"
	[ -s "$tmp/tagfiles" ] || return 0
	ctags --langmap=C:+.h --language-force=C --excmd=number --fields=+nK \
		-L "$tmp/tagfiles" -f "$tmp/tags" 2>/dev/null
}

# lookup PATH NAME: the line of NAME's definition in Linux's PATH, or nothing
lookup() {
	f=$CACHE/$1
	[ -f "$f" ] || return 0
	case $2 in
	sys_*)
		grep -n -E "^(COMPAT_)?SYSCALL_DEFINE[0-6]\\(${2#sys_}[,)]" "$f" | head -n 1 | cut -d: -f1
		return 0 ;;
	esac
	case $1 in
	*.S)
		grep -n -E "^(SYM_[A-Z_]*START[A-Z_]*\\($2[,)]|$2:)" "$f" | head -n 1 | cut -d: -f1
		return 0 ;;
	esac
	kinds="function macro variable typedef"
	name=$2
	case $2 in
	"struct "*|"union "*|"enum "*) kinds=${2%% *}; name=${2#* } ;;
	esac
	awk -F'\t' -v n="$name" -v k=" $kinds " -v f="$f" '
		$1 == n && $2 == f && index(k, " " $4 " ") { l = $3 + 0; if (!best || l < best) best = l }
		END { if (best) print best }' "$tmp/tags"
}

case $mode in
check|update)
	extract $(cut -f3 "$tmp/markers" | sort -u) || { echo "Bail out! cannot extract Linux sources"; exit 1; }
	tags $(cut -f3 "$tmp/markers" | sort -u)
	: >"$tmp/table"
	echo "TAP version 13"
	n=0 bad=0
	while IFS='	' read -r f l p name; do
		n=$((n + 1))
		if [ ! -f "$CACHE/$p" ]; then
			echo "not ok $n - $f:$l: Linux 6.1 has no file $p"; bad=$((bad + 1)); continue
		fi
		line=$(lookup "$p" "$name")
		if [ -z "$line" ]; then
			echo "not ok $n - $f:$l: $name is not defined in Linux 6.1's $p"; bad=$((bad + 1)); continue
		fi
		printf '%s\t%s\t%s\n' "$p" "$name" "$line" >>"$tmp/table"
		echo "ok $n - $f:$l: $p $name (line $line)"
	done <"$tmp/markers"
	{
		sed -n '/^#/p' "$TABLE" 2>/dev/null
		LC_ALL=C sort -u "$tmp/table"
	} >"$tmp/newtable"
	if [ "$mode" = update ]; then
		cp "$tmp/newtable" "$TABLE"
		echo "# wrote $TABLE ($(grep -vc '^#' "$TABLE") rows)"
	else
		n=$((n + 1))
		if cmp -s "$tmp/newtable" "$TABLE"; then
			echo "ok $n - $TABLE matches the markers"
		else
			diff "$TABLE" "$tmp/newtable" | sed 's/^/# /'
			echo "not ok $n - $TABLE is stale: run tools/linuxrefs.sh update"
			bad=$((bad + 1))
		fi
	fi
	echo "1..$n"
	[ $bad = 0 ]
	;;
suggest)
	[ -s build/book/work/html/md/idents.tsv ] || { echo "run make html first" >&2; exit 1; }
	# our functions, with the tangled file that holds them (idents.raw)
	awk -F'\t' '$1 == "D" && ($3 == "function" || $3 == "label") { print $7 "\t" $2 "\t" $5 "\t" $6 }' \
		build/book/work/html/idents.raw | sort -u >"$tmp/ours"
	extract $(cut -f1 "$tmp/ours" | sort -u)
	tags $(cut -f1 "$tmp/ours" | sort -u)
	cut -f3,4 "$tmp/markers" | sort -u >"$tmp/have"
	while IFS='	' read -r p name f l; do
		grep -q "^$p	$name\$" "$tmp/have" && continue
		line=$(lookup "$p" "$name")
		[ -n "$line" ] && printf '%s:%s: Linux: %s %s\n' "$f" "$l" "$p" "$name"
	done <"$tmp/ours"
	;;
*)
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2; exit 2 ;;
esac

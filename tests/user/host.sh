#!/bin/sh
# tests/user/host.sh — run the in-guest test programs natively on the host's
# Linux, to prove that what they expect is Linux's behaviour (DESIGN.md,
# "Tests").  Prints TAP, one line per program, and exits non-zero if any
# failed.
#
# It tangles (make tangle), builds the programs of chapters 86, 88 and 89
# for both architectures (tools/userbuild.mk), then runs each one with a
# timeout.  A program passes only if it exits with status 0 and its own TAP
# has no "not ok" and a plan that matches the number of tests it ran.  The
# i386 programs run only if the host kernel can execute 32-bit programs
# (CONFIG_IA32_EMULATION); otherwise they are skipped, and say why.  Last,
# hello.c, built against nolibc and with musl, must print exactly
# "hello, forklore"; the demonstrations and ps of build/<arch>/bin must
# run (shelltest, a TAP program, runs the shell build/<arch>/bin/sh).
#
# Each program's output is kept in build/tests/user/<arch>-<name>.tap, and
# is shown here, as TAP comments, when the program failed.
set -u
cd "$(dirname "$0")/../.."

LOG=build/tests/user
TIMEOUT=${TIMEOUT:-30}
TESTS=build/src/tools/testing/selftests/forklore
mkdir -p "$LOG"
n=0
failed=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
show() { sed 's/^/#   | /' "$1"; }

# step DESCRIPTION LOGFILE COMMAND...: one TAP line for a build step.
step() {
	desc=$1 log=$2
	shift 2
	if "$@" > "$log" 2>&1; then
		ok "$desc"
	else
		show "$log"
		not_ok "$desc"
	fi
}

# run_tap ARCH PROGRAM: run one test program and judge its TAP.
run_tap() {
	name=$1/$(basename "$2")
	out=$LOG/$1-$(basename "$2").tap
	timeout "$TIMEOUT" "$2" > "$out" 2>&1
	rc=$?
	tr -d '\r' < "$out" > "$out.tmp" && mv "$out.tmp" "$out"
	passed=$(grep -c '^ok ' "$out")
	bad=$(grep -c '^not ok ' "$out")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$out" | tail -n 1)
	why=
	if [ "$rc" = 124 ]; then
		why="timed out after ${TIMEOUT}s"
	elif [ "$bad" != 0 ]; then
		why="$bad of its tests failed"
	elif [ -z "$plan" ]; then
		why="printed no TAP plan"
	elif [ "$plan" != $((passed + bad)) ]; then
		why="planned $plan tests but ran $((passed + bad))"
	elif [ "$rc" != 0 ]; then
		why="exited with status $rc"
	fi
	if [ -z "$why" ]; then
		ok "$name: $passed/$plan passed"
	else
		show "$out"
		not_ok "$name: $why"
	fi
}

# Can this host run the ARCH programs?  Prints the reason if it cannot.
cannot_run() {
	[ "$1" = x86_64 ] && return 1
	"build/$1/user/exit" > /dev/null 2>&1 && return 1
	case $? in
	126)	echo "the host kernel cannot run 32-bit programs" \
		    "(exec fails: no CONFIG_IA32_EMULATION)" ;;
	*)	echo "build/$1/user/exit does not run on this host" ;;
	esac
	return 0
}

echo "TAP version 13"
step "make tangle" "$LOG/tangle.log" make --no-print-directory tangle
for arch in x86_64 i386; do
	step "build the $arch test programs" "$LOG/build-$arch.log" \
	    make --no-print-directory -f tools/userbuild.mk ARCH=$arch
done

# The library's numbers (85-nolibc.nw) against the kernel's own tables
# (95-syscall-numbers.nw): two lists of the same facts must agree.
for bits in 64 32; do
	tbl=build/src/arch/x86/entry/syscalls/syscall_$bits.tbl
	hdr=build/src/tools/include/nolibc/asm/unistd_$bits.h
	if [ ! -f "$tbl" ] || [ ! -f "$hdr" ]; then
		skip "nolibc's unistd_$bits.h agrees with syscall_$bits.tbl" \
		    "a file is missing: $tbl or $hdr"
		continue
	fi
	wrong=$(awk 'FNR == NR { if ($1 ~ /^[0-9]+$/) nr[$2] = $1; next }
	    $1 == "#define" && $2 ~ /^__NR_/ {
		name = substr($2, 6)
		if (nr[name] != $3) print name " is " $3 ", the table says " \
		    (name in nr ? nr[name] : "nothing")
	    }' "$tbl" "$hdr")
	if [ -z "$wrong" ]; then
		ok "nolibc's unistd_$bits.h agrees with syscall_$bits.tbl"
	else
		echo "$wrong" | sed 's/^/#   /'
		not_ok "nolibc's unistd_$bits.h agrees with syscall_$bits.tbl"
	fi
done

for arch in x86_64 i386; do
	reason=$(cannot_run $arch)
	for src in "$TESTS"/*.c; do
		prog=build/$arch/user/$(basename "$src" .c)
		case $prog in */hello) continue ;; esac
		if [ ! -x "$prog" ]; then
			not_ok "$arch/$(basename "$prog"): was not built"
		elif [ -n "$reason" ]; then
			skip "$arch/$(basename "$prog")" "$reason"
		else
			run_tap $arch "$prog"
		fi
	done
done

# How the process ends is its parent's to see.  exit_group keeps the low
# 8 bits of the status: 300 & 0xff = 44.  A store through NULL is killed
# by SIGSEGV, which the shell reports as 128 + 11.
for arch in x86_64 i386; do
	reason=$(cannot_run $arch)
	for c in "300 44 ends with status 44" "segv 139 is killed by SIGSEGV"; do
		set -- $c
		arg=$1 want=$2
		shift 2
		what="$arch/exit $arg $*"
		if [ -n "$reason" ]; then
			skip "$what" "$reason"
			continue
		fi
		sh -c "exec build/$arch/user/exit $arg" > "$LOG/$arch-exit-$arg.tap" 2>/dev/null
		rc=$?
		if [ "$rc" = "$want" ]; then
			ok "$what"
		else
			show "$LOG/$arch-exit-$arg.tap"
			not_ok "$what (got $rc)"
		fi
	done
done

# The programs to play with (chapters 82 and 83) are not TAP programs:
# each demonstration exits with 0 when it showed what it shows, and ps
# must list itself from the host's /proc, "PID PPID STATE COMM" first.
for arch in x86_64 i386; do
	reason=$(cannot_run $arch)
	for name in pstree-demo cow threads vfork-demo ps; do
		what="$arch/bin/$name runs on the host's Linux and exits with 0"
		[ $name = ps ] && what="$arch/bin/ps lists itself from /proc"
		if [ -n "$reason" ]; then
			skip "$what" "$reason"
			continue
		fi
		out=$LOG/$arch-bin-$name.out
		timeout "$TIMEOUT" "build/$arch/bin/$name" > "$out" 2>&1
		rc=$?
		if [ $name = ps ]; then
			head -n 1 "$out" | grep -q '^  PID  PPID STATE COMM$' &&
			    grep -Eq '^ *[0-9]+ +[0-9]+ R +ps$' "$out" || rc=1
		fi
		if [ "$rc" = 0 ]; then
			ok "$what"
		else
			show "$out"
			not_ok "$what (status $rc)"
		fi
	done
done

# hello.c is an ordinary program: the same source built three ways.
for prog in x86_64/hello-musl x86_64/hello i386/hello; do
	arch=${prog%%/*}
	reason=$(cannot_run $arch)
	if [ -n "$reason" ]; then
		skip "$prog prints exactly \"hello, forklore\"" "$reason"
		continue
	fi
	out=$LOG/$arch-$(basename "$prog").out
	timeout "$TIMEOUT" "build/$arch/user/${prog#*/}" > "$out" 2>&1
	rc=$?
	if [ "$rc" = 0 ] && printf 'hello, forklore\n' | cmp -s - "$out"; then
		ok "$prog prints exactly \"hello, forklore\""
	else
		show "$out"
		not_ok "$prog prints exactly \"hello, forklore\" (status $rc)"
	fi
done

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/sh
# tests/run.sh — everything `make test` runs, in order, with one summary.
#
# Each suite is a command that prints TAP (TAP version 13, "ok N - ...",
# "not ok N - ...", a plan "1..N" first or last).  A suite also fails as a
# whole — counted as one more failure — when it exits non-zero, prints no
# plan, or prints a plan that does not match the tests it ran: a crashed or
# hung suite can never look like a pass.  The last line is
# "N passed, M failed", and the exit status is non-zero if M > 0.
#
# Host checks come first (the pipeline: tangling, building, weaving), then
# the kernels themselves under QEMU, each boot bounded by a timeout.
set -u
cd "$(dirname "$0")/.."

MEM=256	# x86-64 needs it for 1000 processes at once: max_threads is memory/(8 x 19 KiB)
LOG=build/tests
mkdir -p "$LOG"
passed=0 failed=0

# run_suite NAME COMMAND...: run, show its TAP prefixed with the name,
# add its counts to the totals.
run_suite() {
	name=$1
	shift
	log=$LOG/$name.tap
	"$@" > "$log.raw" 2>&1
	rc=$?
	tr -d '\r' < "$log.raw" > "$log"
	sed "s/^/[$name] /" "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$log" | tail -n 1)
	problem=
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		problem="exited with status $rc"
	elif [ -z "$plan" ]; then
		problem="printed no TAP plan"
	elif [ "$plan" != $((p + f)) ]; then
		problem="planned $plan tests but ran $((p + f))"
	fi
	if [ -n "$problem" ]; then
		echo "[$name] not ok - the suite $problem"
		f=$((f + 1))
	fi
	echo "[$name] $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
}

# The build is a test too: both kernels with -Wall -Wextra -Werror.
build_kernels() {
	echo "TAP version 13"
	if make --no-print-directory kernels > "$LOG/build.log" 2>&1; then
		echo "ok 1 - both kernels build with -Wall -Wextra -Werror"
	else
		cat "$LOG/build.log"
		echo "not ok 1 - both kernels build with -Wall -Wextra -Werror"
	fi
	echo "1..1"
}

# The in-kernel self-tests: boot with `ktest`, read TAP from the console.
# The initramfs is the one the suite initramfs_cpio checks, made by cpio.
ktest() {
	sh tools/mkktestcpio.sh build/ktest.cpio || return 1
	sh tools/qemu.sh --arch "$1" --kernel "build/$1/forklore.elf" \
	    --mem "$MEM" --append "ktest ktest_mem=$MEM" \
	    --initrd build/ktest.cpio --timeout 60
}

# A user program as PID 1: pack it as /init, with any further FILEs
# beside it in /, boot, read its TAP.  The kernel powers off with the
# program's exit status, so a program that fails or crashes fails its
# suite even if its TAP looked fine.
boot_user() { # ARCH PROGRAM [FILE...]
	arch=$1 prog=$2
	shift 2
	cpio=$LOG/initrd/$arch-$(basename "$prog").cpio
	mkdir -p "$LOG/initrd"
	sh tools/mkinitramfs.sh "$cpio" --init "$prog" "$@" >/dev/null ||
	    return 1
	sh tools/qemu.sh --arch "$arch" --kernel "build/$arch/forklore.elf" \
	    --mem "$MEM" --initrd "$cpio" --timeout 60
}

# Linux's own clone3 selftests (tools/kselftests.sh), built with musl
# for x86-64, run unmodified as /init; tests/user/kselftests.sh runs the
# same binaries on the host.
KSELFTEST_PROGRAMS="clone3 clone3_clear_sighand clone3_set_tid \
    pidfd_open_test pidfd_poll_test pidfd_wait pidfd_getfd_test pidfd_fdinfo_test pidfd_test pidfd_setns_test"

# boot_kselftest_long PROGRAM [mkinitramfs ARGS...]: boot_user for
# x86-64 with a 300-second timeout.
boot_kselftest_long() {
	prog=$1
	shift
	cpio=$LOG/initrd/x86_64-$(basename "$prog").cpio
	mkdir -p "$LOG/initrd"
	sh tools/mkinitramfs.sh "$cpio" --init "$prog" "$@" >/dev/null ||
	    return 1
	sh tools/qemu.sh --arch x86_64 --kernel build/x86_64/forklore.elf \
	    --mem "$MEM" --initrd "$cpio" --timeout 300
}

# kselftests_guest: each selftest as /init on x86-64.  It passes when
# it exits with 0 (the kernel powers off with /init's status) and its
# kselftest totals report no failure.
kselftests_guest() {
	echo "TAP version 13"
	n=0
	for ks in $KSELFTEST_PROGRAMS; do
		n=$((n + 1))
		bin=build/x86_64/kselftests/$ks
		if [ ! -x "$bin" ]; then
			echo "not ok $n - $ks was not built (see the kselftests-host suite)"
			continue
		fi
		if [ "$ks" = pidfd_test ]; then
			# It execs /bin/sleep from a thread (chapter
			# 79-group-exec.nw), and its pid-recycling test
			# forks ~32,000 children: a longer timeout.
			boot_kselftest_long "$bin" --dir bin \
			    build/x86_64/bin/sleep > "$LOG/kselftest-$ks.raw" 2>&1
		else
			boot_user x86_64 "$bin" > "$LOG/kselftest-$ks.raw" 2>&1
		fi
		rc=$?
		totals=$(tr -d '\r' < "$LOG/kselftest-$ks.raw" | grep '^# Totals:')
		if [ $rc = 0 ] && printf '%s\n' "$totals" | grep -q ' fail:0 '; then
			echo "ok $n - $ks as /init: ${totals#\# }"
		else
			tr -d '\r' < "$LOG/kselftest-$ks.raw" | sed 's/^/# /'
			echo "not ok $n - $ks as /init (status $rc)"
		fi
	done
	echo "1..$n"
}

# hello.c, an ordinary C program, as /init: built with musl-gcc -static
# it must run unmodified on x86_64, and built against our nolibc it must
# run on both arches; each prints "hello, forklore" and exits with 0.
hello() {
	echo "TAP version 13"
	n=0
	for prog in x86_64/hello-musl x86_64/hello i386/hello; do
		n=$((n + 1))
		boot_user "${prog%%/*}" "build/${prog%%/*}/user/${prog#*/}" > "$LOG/hello.raw" 2>&1
		rc=$?
		out=$(tr -d '\r' < "$LOG/hello.raw")
		if [ $rc = 0 ] && printf '%s\n' "$out" | grep -qx 'hello, forklore'; then
			echo "ok $n - $prog prints 'hello, forklore' as /init"
		else
			printf '%s\n' "$out" | sed 's/^/# /'
			echo "not ok $n - $prog prints 'hello, forklore' as /init (status $rc)"
		fi
	done
	echo "1..$n"
}

# `make bench QUICK=1`: the benchmark of the appendix src.nw/97-bench.nw
# runs on both forklore kernels, plain and icount, and every measurement
# gets a figure.  No figure is judged — benchmarks are not timed tests —
# but a row that failed or is missing fails the suite.  forkbench must
# also run on the host's Linux (a few round trips), as every in-guest
# program does.  The full comparison with Linux 6.1 is `make bench`.
BENCH_ROWS="boot null-syscall fork vfork clone3 clone3-pidfd thread \
    fork-exec fork-1M fork-1M-write fork-16M fork-16M-write fork-64M \
    fork-64M-write"
bench_quick() {
	echo "TAP version 13"
	n=1
	if sh tools/bench.sh --quick > "$LOG/bench.log" 2>&1; then
		echo "ok $n - make bench QUICK=1 runs forkbench on both kernels, plain and icount"
	else
		sed 's/^/# /' "$LOG/bench.log"
		echo "not ok $n - make bench QUICK=1 runs forkbench on both kernels, plain and icount"
	fi
	tsv=build/bench/quick/results.tsv
	for k in forklore-i386 forklore-x86_64; do
		for m in icount plain; do
			n=$((n + 1))
			missing=
			for r in $BENCH_ROWS; do
				[ $r = boot ] && [ $m = plain ] && r=boot-wall
				awk -F'\t' -v k=$k -v m=$m -v r=$r '
				    $1 == k && $2 == m && $3 == r && $4 != "failed" { f = 1 }
				    END { exit !f }' "$tsv" 2>/dev/null ||
				    missing="$missing $r"
			done
			if [ -z "$missing" ]; then
				echo "ok $n - $k $m: a figure for every measurement"
			else
				echo "not ok $n - $k $m: no figure for$missing"
			fi
		done
	done
	n=$((n + 1))
	grep -q '^| fork |' build/bench/quick/results.md 2>/dev/null &&
	    echo "ok $n - build/bench/quick/results.md has the table" ||
	    echo "not ok $n - build/bench/quick/results.md has the table"
	n=$((n + 1))
	if [ "$(uname -m)" != x86_64 ]; then
		echo "ok $n # SKIP the host is not x86-64"
	elif timeout 120 build/x86_64/bin/forkbench 2 > "$LOG/bench-host.log" 2>&1 &&
	    grep -q '^forkbench: done$' "$LOG/bench-host.log"; then
		echo "ok $n - x86_64/bin/forkbench runs on the host's Linux"
	else
		sed 's/^/# /' "$LOG/bench-host.log"
		echo "not ok $n - x86_64/bin/forkbench runs on the host's Linux"
	fi
	echo "1..$n"
}

run_suite tangle sh tests/tangle/run.sh
run_suite build build_kernels
run_suite weave sh tests/weave/run.sh
run_suite callgraph sh tests/callgraph/run.sh
run_suite weave-idents sh tests/weave/idents.sh
run_suite linux-refs sh tools/linuxrefs.sh check
# The site the weave suite made, in headless Chromium (tests/browser).
run_suite browser sh tests/browser/run.sh
run_suite course sh tests/course/run.sh
run_suite crash sh tests/boot/crash.sh
run_suite init sh tests/boot/init.sh
run_suite shell sh tests/boot/shell.sh
run_suite user-host sh tests/user/host.sh
run_suite kselftests-host sh tests/user/kselftests.sh
for arch in i386 x86_64; do
	run_suite "ktest-$arch" ktest "$arch"
	for prog in build/$arch/user/*; do
		case $prog in */hello*) continue ;; esac
		name=$(basename "$prog")
		# Every user program boots as /init with /exit beside it
		# (fork and vfork exec it).
		# shelltest runs the shell of chapter 82 from /bin.
		extra=
		[ "$name" = shelltest ] &&
		    extra="--dir bin build/$arch/bin/sh build/$arch/bin/hello"
		run_suite "user-$arch-$name" boot_user "$arch" "$prog" \
		    "build/$arch/user/exit" $extra
	done
done
run_suite kselftests-x86_64 kselftests_guest
run_suite hello hello
run_suite bench bench_quick

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

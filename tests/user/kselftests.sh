#!/bin/sh
# tests/user/kselftests.sh — Linux's own clone3 and pidfd selftests on the host's
# Linux: built by tools/kselftests.sh (musl-gcc -static, never
# committed), run here one by one.  Prints TAP, one line per program.
#
# A kselftest program prints its own TAP and ends with the kselftest
# exit codes: 0 when every test passed, 4 (KSFT_SKIP) when it cannot
# run here — most often because it needs root — and anything else when
# a test failed.  So a program passes with status 0, is skipped with 4,
# and fails otherwise; its output is shown as TAP comments when it
# failed, and kept in build/tests/kselftests/<name>.tap.
#
# This is the host half of DESIGN.md's promise that the selftests run
# unmodified on forklore x86-64; tests/run.sh boots the same binaries
# in-guest (suite kselftests-x86_64).
set -u
cd "$(dirname "$0")/../.."

LOG=build/tests/kselftests
BIN=build/x86_64/kselftests
# pidfd_poll_test forks and kills 10,000 children: seconds on an idle
# machine, much longer on a loaded one.  A hung test still fails.
TIMEOUT=${TIMEOUT:-300}
# pidfd_test's last test forks and stops ~32,000 children in a pid
# namespace, hunting for a reused pid: about a minute of CPU on the host,
# far longer on a loaded machine.  It gets a timeout of its own.
TIMEOUT_PIDFD_TEST=${TIMEOUT_PIDFD_TEST:-900}
mkdir -p "$LOG"
n=0
failed=0

echo "TAP version 13"
n=$((n + 1))
if sh tools/kselftests.sh "$BIN" > "$LOG/build.log" 2>&1; then
	echo "ok $n - build Linux 6.1's clone3 and pidfd selftests with musl-gcc -static"
else
	sed 's/^/#   | /' "$LOG/build.log"
	echo "not ok $n - build Linux 6.1's clone3 and pidfd selftests with musl-gcc -static"
	failed=$((failed + 1))
fi

for p in clone3 clone3_clear_sighand clone3_set_tid \
    clone3_cap_checkpoint_restore pidfd_open_test pidfd_poll_test pidfd_wait \
    pidfd_getfd_test pidfd_fdinfo_test pidfd_test pidfd_setns_test; do
	n=$((n + 1))
	if [ ! -x "$BIN/$p" ]; then
		why=$(sed -n "s|.*NOT BUILT $BIN/$p: ||p" "$LOG/build.log")
		echo "ok $n - $p # SKIP not built: ${why:-see $LOG/build.log}"
		continue
	fi
	t=$TIMEOUT
	[ "$p" = pidfd_test ] && t=$TIMEOUT_PIDFD_TEST
	timeout "$t" "$BIN/$p" > "$LOG/$p.tap" 2>&1
	rc=$?
	# kselftest.h ends with "# Totals: pass:N fail:N ..."; children
	# may print "ok" lines of their own, so count from the totals.
	passed=$(sed -n 's/^# Totals: pass:\([0-9]*\).*/\1/p' "$LOG/$p.tap")
	case $rc in
	0)	echo "ok $n - $p: status 0, $passed tests passed" ;;
	4)	echo "ok $n - $p # SKIP it skipped itself (KSFT_SKIP):" \
		    "$(grep -m1 -i 'skip' "$LOG/$p.tap" | tr -d '#')" ;;
	*)	sed 's/^/#   | /' "$LOG/$p.tap"
		echo "not ok $n - $p: status $rc"
		failed=$((failed + 1)) ;;
	esac
done

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" = 0 ]

#!/bin/sh
# tools/kselftests.sh — build Linux's own clone3 and pidfd selftests,
# unmodified, as
# static musl programs that run on the host's Linux and (later) as /init
# on forklore x86-64 (DESIGN.md, "Tests").
#
# Usage: tools/kselftests.sh [OUTDIR]      (default build/x86_64/kselftests)
#
# The sources come from Debian's linux-source-6.1 package, the same
# Linux the book follows: only tools/testing/selftests/clone3/ and
# kselftest.h are extracted, into build/kselftests/, and never
# committed.  They include the kernel's user-space headers (<linux/
# sched.h> for struct clone_args); musl-gcc does not look in the host's
# /usr/include, so a directory of three links to the host's uapi
# headers (linux-libc-dev) is put on the -isystem path.  They call
# strerror() without including <string.h>, which musl then declares as
# returning int — a truncated pointer on x86-64 — so <string.h> is
# included on the command line.
#
# clone3_cap_checkpoint_restore needs libcap's <sys/capability.h>,
# which has no musl build here: it is built only if the header is
# found, and otherwise listed as not built.  Prints one line per
# program; exits non-zero if a program that should build did not.
set -eu
cd "$(dirname "$0")/.."

TARBALL=${LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
SRC=build/kselftests
OUT=${1:-build/x86_64/kselftests}
TOP=linux-source-6.1/tools/testing/selftests
PROGS="clone3 clone3_clear_sighand clone3_set_tid clone3_cap_checkpoint_restore"
# The pidfd tests forklore can run.  Not built: pidfd_setns_test (setns
# and the user, network, IPC, UTS, cgroup and time namespaces).
PIDFD_PROGS="pidfd_open_test pidfd_poll_test pidfd_wait pidfd_getfd_test pidfd_fdinfo_test pidfd_test pidfd_setns_test"

die() { echo "${0##*/}: $*" >&2; exit 1; }
[ -f "$TARBALL" ] || die "$TARBALL is missing (apt-get install linux-source-6.1)"
command -v musl-gcc >/dev/null || die "musl-gcc is missing (apt-get install musl-tools)"

mkdir -p "$SRC" "$OUT"
if [ ! -f "$SRC/$TOP/clone3/clone3.c" ] || [ ! -f "$SRC/$TOP/pidfd/pidfd.h" ]; then
	tar -xJf "$TARBALL" -C "$SRC" "$TOP/kselftest.h" \
	    "$TOP/kselftest_harness.h" "$TOP/clone3" "$TOP/pidfd"
fi

# The host's uapi headers, and nothing else of its /usr/include.
inc=$SRC/include
mkdir -p "$inc"
multiarch=/usr/include/x86_64-linux-gnu
ln -sfn /usr/include/linux "$inc/linux"
ln -sfn "$multiarch/asm" "$inc/asm"
ln -sfn /usr/include/asm-generic "$inc/asm-generic"

failed=0

# musl_build NAME SOURCE [FLAGS...]: one static program into $OUT/NAME;
# the flags come after the source, where libraries must be.
musl_build() {
	name=$1 src=$2
	shift 2
	if musl-gcc -static -g -O2 -std=gnu99 -include string.h \
	    -isystem "$inc" "$src" -o "$OUT/$name" "$@" \
	    > "$SRC/$name.log" 2>&1; then
		echo "  MUSLCC $OUT/$name"
	else
		cat "$SRC/$name.log" >&2
		echo "  FAILED $OUT/$name" >&2
		failed=1
	fi
}

for p in $PROGS; do
	libs=
	if [ "$p" = clone3_cap_checkpoint_restore ]; then
		if ! echo '#include <sys/capability.h>' |
		    musl-gcc -isystem "$inc" -E - >/dev/null 2>&1; then
			echo "  NOT BUILT $OUT/$p: no <sys/capability.h> (libcap) for musl"
			rm -f "$OUT/$p"
			continue
		fi
		libs=-lcap
	fi
	musl_build "$p" "$SRC/$TOP/clone3/$p.c" $libs
done
for p in $PIDFD_PROGS; do
	musl_build "$p" "$SRC/$TOP/pidfd/$p.c" -I "$SRC/$TOP" -lpthread
done
exit $failed

#!/bin/sh
# tests/boot/shell.sh — type into the shell `make run` boots.
#
# For each arch, boots the kernel with make run's initramfs (/init is
# the shell of src.nw/82-shell.nw, /bin holds ps, the demos and hello)
# and types commands on the serial console, one line after each prompt:
# QEMU's -serial stdio reads the console's input from tools/qemu.sh
# --stdin, here a FIFO this script writes to.  Waiting for the prompt
# matters: a byte that reaches the UART before the console is opened is
# lost (tty_open clears the receive FIFO).  Then checks the console:
#
#   hello          -> "hello, forklore"
#   ps             -> its header, PID 1 (init, parent 0) and PID 2
#                     (kthreadd) from /proc
#   the four demos -> each one's closing line, and no failure status
#   nosuch         -> "sh: nosuch: not found"
#   /exit 3 &, jobs, wait
#                  -> "done, exit status 3: /exit": the job is reported
#                     by jobs if it has ended by then, or else by wait,
#                     which waits for it (typing jobs at once after the
#                     prompt raced with the job's exec on a busy host)
#   exit 0         -> the shell, PID 1, ends: the kernel powers off with 0
#
# TAP on stdout.
set -u
cd "$(dirname "$0")/../.."

. tests/lib/tap.sh

out=build/tests/shell
mkdir -p "$out"
LINES_TO_TYPE="hello
ps
pstree-demo
cow
threads
vfork-demo
nosuch
/exit 3 &
jobs
wait
exit 0"

# prompts LOG: how many prompts the shell has printed so far.
prompts() { grep -o 'forklore\$ ' "$1" 2>/dev/null | wc -l; }

# session ARCH: boot, type LINES_TO_TYPE, leave the console in $log and
# QEMU's status in $rc.
session() {
	log=$out/$1.log
	fifo=$out/$1.fifo
	rm -f "$fifo" "$log.raw"
	mkfifo "$fifo" || return 1
	sh tools/qemu.sh --arch "$1" --kernel "build/$1/forklore.elf" \
	    --initrd "build/$1/initramfs.cpio" --timeout 90 --stdin \
	    < "$fifo" > "$log.raw" 2>&1 &
	qpid=$!
	exec 3> "$fifo"
	want=1
	printf '%s\n' "$LINES_TO_TYPE" | while IFS= read -r line; do
		t=0
		while [ "$(prompts "$log.raw")" -lt "$want" ] && [ $t -lt 600 ]; do
			sleep 0.1
			t=$((t + 1))
		done
		printf '%s\n' "$line" >&3
		want=$((want + 1))
	done
	wait "$qpid"
	rc=$?
	exec 3>&-
	rm -f "$fifo"
	tr -d '\r' < "$log.raw" > "$log"
}

has() { grep -qF -- "$1" "$log"; }

for arch in i386 x86_64; do
	make --no-print-directory ARCH=$arch "build/$arch/forklore.elf" \
	    "build/$arch/initramfs.cpio" > "$out/build-$arch.log" 2>&1
	check $? "$arch: make run's kernel and initramfs build" "$out/build-$arch.log"
	session $arch
	has "forklore's shell: type help" && has 'forklore$ '
	check $? "$arch: the shell is /init and prompts" "$log"
	has "hello, forklore"
	check $? "$arch: hello prints 'hello, forklore'" "$log"
	has "  PID  PPID STATE COMM" &&
	    grep -qE '^ +1 +0 +S +init' "$log" &&
	    grep -qE '^ +2 +0 +S +kthreadd' "$log"
	check $? "$arch: ps lists init and kthreadd from /proc" "$log"
	has " depth 3" && has "my 2 children are done"
	check $? "$arch: pstree-demo grows its tree and waits" "$log"
	has "the child wrote to its own copy"
	check $? "$arch: cow shows the child's write stays in its copy" "$log"
	has "joined 3 threads; the shared counter is 6 (want 6)"
	check $? "$arch: threads starts, counts and joins 3 threads" "$log"
	has "written by the child in our memory; its status was 7"
	check $? "$arch: vfork-demo shows the child writing our memory" "$log"
	! grep -E -q "sh: (pstree-demo|cow|threads|vfork-demo|hello): " "$log"
	check $? "$arch: no demo ended with a failure status" "$log"
	has "sh: nosuch: not found"
	check $? "$arch: a missing program is 'not found'" "$log"
	has "done, exit status 3: /exit"
	check $? "$arch: a background job is reaped and reported" "$log"
	[ "$rc" = 0 ] && has "Power down (status 0)"
	check $? "$arch: exit 0 ends PID 1 and powers off with 0 (status $rc)" "$log"
done
tap_done

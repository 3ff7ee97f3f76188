#!/bin/sh
# tests/boot/crash.sh — a kernel fault must be readable.
#
# Boots each kernel with crash=KIND, which makes it fault on purpose with
# no fixup, and checks the oops: the QEMU run ends with the panic status
# (127), the report names the exception, and the "at src.nw/FILE:LINE"
# under the instruction pointer points at the very line of the book that
# commits the fault (found by reading that line, not by a number written
# here).  TAP on stdout.
set -u
cd "$(dirname "$0")/../.."

. tests/lib/tap.sh

out=build/tests/crash
mkdir -p "$out"
for arch in i386 x86_64; do
	for kind in null ud2 div0; do
		log=$out/$arch-$kind.log
		sh tools/qemu.sh --arch "$arch" --kernel "build/$arch/forklore.elf" \
		    --append "crash=$kind" --timeout 20 > "$log.raw" 2>&1
		rc=$?
		tr -d '\r' < "$log.raw" > "$log"	# the serial line ends in CRLF
		check $([ "$rc" = 127 ]; echo $?) "$arch crash=$kind: the kernel panics (status $rc)"
		case $kind in
		null) want='BUG: kernel NULL pointer dereference'; marker='the deliberate fault' ;;
		ud2) want='invalid opcode (#UD)'; marker='asm volatile("ud2")' ;;
		div0) want='divide error (#DE)'; marker='/ zero' ;;
		esac
		grep -qF "$want" "$log"
		check $? "$arch crash=$kind: the oops says \"$want\""
		# The first "at FILE:LINE" follows the RIP/EIP line.
		loc=$(grep -A1 -E '^(RIP|EIP): ' "$log" | sed -n 's/^ *at \(src\.nw\/[^:]*\):\([0-9]*\)$/\1 \2/p' | head -n 1)
		file=${loc% *} line=${loc#* }
		if [ -n "$loc" ] && [ -f "$file" ]; then
			text=$(sed -n "${line}p" "$file")
			printf '%s\n' "$text" | grep -qF "$marker"
			check $? "$arch crash=$kind: the oops points at $file:$line, which says: $(printf '%s' "$text" | tr -s '\t ' ' ')"
		else
			check 1 "$arch crash=$kind: the oops names a src.nw line (got '$loc')"
		fi
		grep -A1 -E '^ [0-9a-f]+ start_kernel\+' "$log" | grep -q 'at src.nw/40-start.nw:'
		check $? "$arch crash=$kind: the call trace reaches start_kernel, with its line"
	done
done
tap_done

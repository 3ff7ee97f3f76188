# tests/lib/tap.sh — TAP helpers shared by the boot tests; source it.
#
#   check RC DESCRIPTION [LOG]   "ok N - ..." if RC is 0, else "not ok N"
#                                and the last lines of LOG, as comments
#   tap_done                     the plan; returns non-zero if any failed
n=0 failed=0
echo "TAP version 13"

check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		printf 'ok %d - %s\n' "$n" "$2"
	else
		printf 'not ok %d - %s\n' "$n" "$2"
		failed=$((failed + 1))
		if [ -n "${3:-}" ]; then
			tail -n 15 "$3" | sed 's/^/#   | /'
		fi
	fi
}

tap_done() {
	echo "1..$n"
	[ "$failed" = 0 ]
}

#!/bin/sh
# tools/bench.sh — forklore's fork path against Linux 6.1, in the same QEMU.
#
#   tools/bench.sh [--quick] [--no-linux] [--fetch] [-n N]
#
# `make bench` runs it; `make bench QUICK=1` passes --quick.  It
#
#  1. builds both kernels and forkbench (src.nw/97-bench.nw) for both
#     arches (build/<arch>/bin/forkbench);
#  2. fetches Debian's Linux 6.1 for x86-64 (linux-image-6.1.*-amd64) and
#     for i386 (linux-image-6.1.*-686) with `apt-get download`, through a
#     private apt configuration and state under build/bench/apt/<arch>/
#     (the host's own sources, its dpkg configuration untouched: no
#     foreign architecture is added), and unpacks each with dpkg-deb -x
#     into build/bench/linux/<arch>/ — never installed.  The unpacked
#     kernels stay there as a cache: a second run needs no network;
#  3. boots each kernel — forklore i386, forklore x86-64, Linux x86-64,
#     Linux i386 — with the same options and forkbench as /init, twice:
#     plain TCG, and `-icount shift=0,sleep=off -rtc clock=vm`, where the
#     time-stamp counter counts guest instructions;
#  4. writes build/bench/results.tsv (every figure, one a line),
#     build/bench/results.md (the tables the book's appendix includes),
#     and the plot build/bench/forkbench.svg (and .pdf for the PDF book)
#     with gnuplot.  The QEMU logs are in build/bench/logs/.
#
# --quick: 4 round trips per measurement instead of 200, and forklore
# only (no download, no Linux boot), so that `make test` can check that
# the benchmark runs and produces every figure, in about a minute; its
# results go to build/bench/quick/ instead.
# --no-linux: forklore only, with the full counts.  --fetch: only fetch
# and unpack the Linux kernels (for `make deps`-like preparation).
# --report: run nothing; write the tables and the plot again from the
# results.tsv of the last run.  -n N: N round trips per measurement.
#
# Every QEMU run has a timeout; a run that does not print the benchmark's
# last line ("forkbench: done") makes the script fail.
set -u
cd "$(dirname "$0")/.."

prog=bench.sh
out=build/bench
quick=0 linux=1 fetch_only=0 report=0 n=200
while [ $# -gt 0 ]; do
	case $1 in
	--quick) quick=1 linux=0 n=4 ;;
	--no-linux) linux=0 ;;
	--fetch) fetch_only=1 ;;
	--report) report=1 ;;
	-n) n=$2; shift ;;
	*) echo "usage: $prog [--quick] [--no-linux] [--fetch] [--report] [-n N]" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "$prog: $*" >&2; exit 1; }
# The results of a quick run go apart, in build/bench/quick/, so that
# `make test` never overwrites the figures of a full `make bench`, which
# the book includes.
res=$out
[ $quick = 1 ] && res=$out/quick
say() { echo "$prog: $*" >&2; }

MEM=256
QEMU_OPTS="-M pc -cpu max -m $MEM -nodefaults -display none -no-reboot \
-device isa-debug-exit,iobase=0xf4,iosize=0x04 -serial stdio -monitor none"
ICOUNT_OPTS="-icount shift=0,sleep=off -rtc clock=vm"
APPEND="console=ttyS0 quiet panic=-1"

# ---------------------------------------------------------------------
# Linux: apt-get download through a private apt state, dpkg-deb -x.

# apt_opts DEBARCH: the options that make apt use build/bench/apt/DEBARCH
# for its lists and downloads, and see only that architecture.
apt_opts() {
	d=$(pwd)/$out/apt/$1
	echo "-o APT::Architecture=$1 -o APT::Architectures=$1" \
	    "-o Dir::State=$d -o Dir::State::Lists=$d/lists" \
	    "-o Dir::State::status=$d/status -o Dir::Cache=$d" \
	    "-o Dir::Cache::archives=$d/archives -o Debug::NoLocking=1" \
	    "-o APT::Sandbox::User=root -qq"
}

# fetch_linux ARCH DEBARCH FLAVOUR: unpack Debian's newest linux-image-
# <abi>-FLAVOUR into build/bench/linux/ARCH (vmlinuz, version, config).
fetch_linux() {
	arch=$1 debarch=$2 flavour=$3
	dest=$out/linux/$arch
	[ -s "$dest/vmlinuz" ] && return 0
	command -v apt-get >/dev/null 2>&1 || die "apt-get is needed to fetch Linux"
	d=$out/apt/$debarch
	mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/debs"
	: >"$d/status"
	opts=$(apt_opts "$debarch")
	say "fetching the package lists for $debarch (private apt state in $d)"
	# A suite whose index is being synced fails alone; the others still
	# give a kernel, so only a run that got no list at all stops here.
	# shellcheck disable=SC2086
	apt-get $opts update >"$d/update.log" 2>&1 ||
	    say "apt-get update reported errors (see $d/update.log); going on"
	# The meta-package linux-image-FLAVOUR depends on the real image.
	# shellcheck disable=SC2086
	pkg=$(apt-cache $opts depends "linux-image-$flavour" 2>/dev/null |
	    sed -n "s/^ *Depends: \(linux-image-6\.1\.[0-9.-]*-$flavour\)\$/\1/p" |
	    head -n 1)
	[ -n "$pkg" ] || die "no linux-image-6.1.*-$flavour in the $debarch lists"
	say "downloading $pkg ($debarch)"
	# shellcheck disable=SC2086
	(cd "$d/debs" && rm -f ./*.deb && apt-get $opts download "$pkg") ||
	    die "apt-get download $pkg failed"
	deb=$(ls "$d"/debs/*.deb | head -n 1)
	rm -rf "$d/root" && mkdir -p "$d/root" "$dest"
	dpkg-deb -x "$deb" "$d/root" || die "dpkg-deb -x $deb failed"
	cp "$(ls "$d"/root/boot/vmlinuz-* | head -n 1)" "$dest/vmlinuz" ||
	    die "no /boot/vmlinuz-* in $deb"
	cp "$(ls "$d"/root/boot/config-* | head -n 1)" "$dest/config" 2>/dev/null
	dpkg-deb --showformat='${Package} ${Version}\n' -W "$deb" >"$dest/version"
	rm -rf "$d/root"
}

if [ $report = 0 ] && { [ $linux = 1 ] || [ $fetch_only = 1 ]; }; then
	fetch_linux x86_64 amd64 amd64
	fetch_linux i386 i386 686
fi
[ $fetch_only = 1 ] && exit 0

tsv=$res/results.tsv
if [ $report = 1 ]; then
	[ -s "$tsv" ] || die "no $tsv: run the benchmark first"
	n=$(sed -n 's/^.*\tnull-syscall\t\([0-9]*\)\t.*/\1/p' "$tsv" | head -n 1)
	n=$((n / 100))
	grep -q '^linux-' "$tsv" || linux=0
else

# ---------------------------------------------------------------------
# Build forklore and forkbench for both arches.

mkdir -p "$res/logs"
make --no-print-directory kernels >"$res/build.log" 2>&1 ||
    { cat "$res/build.log" >&2; die "the kernels do not build"; }
for a in i386 x86_64; do
	make --no-print-directory user ARCH=$a >>"$res/build.log" 2>&1 ||
	    { cat "$res/build.log" >&2; die "the user programs do not build"; }
done
for a in i386 x86_64; do
	sh tools/mkinitramfs.sh "$res/$a.cpio" --console \
	    --init "build/$a/bin/forkbench" || die "mkinitramfs failed"
done

# ---------------------------------------------------------------------
# One boot: QEMU's serial output to LOG, with a line "host-marker-ns T"
# added when the benchmark's first line arrives, T nanoseconds after QEMU
# was started.

run_one() { # LOG TIMEOUT QEMU-ARGS...
	log=$1 tmo=$2
	shift 2
	t0=$(date +%s%N)
	{
		timeout -k 5 "$tmo" "$@" </dev/null 2>&1
		echo "qemu-exit $?"
	} | while IFS= read -r line; do
		case $line in
		"forkbench: init"*)
			echo "host-marker-ns $(($(date +%s%N) - t0))" ;;
		esac
		printf '%s\n' "$line"
	done | tr -d '\r' >"$log"
	grep -q '^forkbench: done' "$log"
}

# kernel labels: forklore-i386 forklore-x86_64 linux-x86_64 linux-i386
kernel_file() {
	case $1 in
	forklore-*) echo "build/${1#forklore-}/forklore.elf" ;;
	linux-*) echo "$out/linux/${1#linux-}/vmlinuz" ;;
	esac
}

labels="forklore-i386 forklore-x86_64"
[ $linux = 1 ] && labels="$labels linux-x86_64 linux-i386"
: >"$tsv"
failed=0
for label in $labels; do
	arch=${label#*-}
	kernel=$(kernel_file "$label")
	[ -f "$kernel" ] || die "no kernel $kernel"
	for mode in icount plain; do
		opts=$QEMU_OPTS
		tmo=600
		[ $mode = icount ] && opts="$opts $ICOUNT_OPTS" && tmo=900
		log=$res/logs/$label-$mode.log
		say "$label, $mode: qemu-system-$arch $opts -kernel $kernel -initrd $res/$arch.cpio -append '$APPEND -- $n'"
		# shellcheck disable=SC2086
		if ! run_one "$log" $tmo qemu-system-$arch $opts \
		    -kernel "$kernel" -initrd "$res/$arch.cpio" \
		    -append "$APPEND -- $n"; then
			say "$label, $mode: the benchmark did not finish (see $log)"
			failed=1
			continue
		fi
		awk -v k="$label" -v m="$mode" '
		    $1 == "bench" && $2 != "name" && $3 != "failed" {
			print k "\t" m "\t" $2 "\t" $3 "\t" $4 "\t" $5 }
		    $1 == "bench" && $3 == "failed" {
			print k "\t" m "\t" $2 "\tfailed\t-\t-" }
		    /^forkbench: init tsc=/ {
			sub(/.*tsc=/, ""); print k "\t" m "\tboot\t1\t" $0 "\t-" }
		    $1 == "host-marker-ns" {
			print k "\t" m "\tboot-wall\t1\t-\t" $2 }
		' "$log" >>"$tsv"
	done
	# QEMU's own start, for scale: the same machine, stopped before its
	# first instruction (-S), told to quit by its monitor.
	t0=$(date +%s%N)
	echo quit | timeout 60 qemu-system-$arch -M pc -cpu max -m $MEM \
	    -nodefaults -display none -S -monitor stdio >/dev/null 2>&1
	printf '%s\tplain\tqemu-start\t1\t-\t%s\n' "$label" \
	    $(($(date +%s%N) - t0)) >>"$tsv"
	printf '%s\t-\timage-bytes\t1\t%s\t-\n' "$label" \
	    "$(wc -c <"$kernel" | tr -d ' ')" >>"$tsv"
done

fi

# ---------------------------------------------------------------------
# The tables.  Per round trip: icount rows are instructions (tsc total /
# iterations), plain rows microseconds (ns total / iterations / 1000).

qemu_version=$(qemu-system-x86_64 --version | head -n 1)
{
	echo "Measured $(date -u -r "$tsv" '+%Y-%m-%d %H:%M UTC') by \`sh tools/bench.sh$([ $quick = 1 ] && echo ' --quick')$([ $quick = 0 ] && [ $linux = 0 ] && echo ' --no-linux')\`"
	echo "($n round trips per measurement), $qemu_version, with"
	echo "\`$(echo "$QEMU_OPTS" | tr -s ' ') -kernel K -initrd build/bench/ARCH.cpio -append '$APPEND -- $n'\`,"
	echo "plus \`$ICOUNT_OPTS\` for the instruction counts."
	for label in linux-x86_64 linux-i386; do
		[ -f "$out/linux/${label#linux-}/version" ] &&
		    echo "${label#linux-}: Debian's $(cat "$out/linux/${label#linux-}/version")."
	done
	echo
} >"$res/results.md"

awk -F'\t' -v linux=$linux '
function fmt(v) {
	if (v == "") return "—"
	if (v == "failed") return "failed"
	return v
}
function grp(x,   s, n) {	# 1234567 -> 1,234,567
	s = sprintf("%d", x); n = length(s)
	while (n > 3) { s = substr(s, 1, n - 3) "," substr(s, n - 2); n -= 3 }
	return s
}
function ratio(l, f) {
	if (l == "" || f == "" || l == "failed" || f == "failed" || f + 0 == 0) return "—"
	return sprintf("%.1f×", l / f)
}
{
	k = $1; m = $2; name = $3
	if (!(name in seen)) { seen[name] = 1; order[++nrows] = name }
	if ($4 == "failed") { ins[k, name] = "failed"; us[k, name] = "failed"; next }
	if (m == "icount" && name == "boot") ins[k, name] = $5
	else if (m == "icount" && $5 != "-") ins[k, name] = $5 / $4
	if (m == "plain" && name == "boot-wall") us[k, "boot"] = $6 / 1e3
	else if (m == "plain" && name == "qemu-start") us[k, name] = $6 / 1e3
	else if (m == "plain" && $6 != "-") us[k, name] = $6 / $4 / 1e3
	if (name == "image-bytes") size[k] = $5
}
END {
	split("forklore-i386 forklore-x86_64 linux-x86_64 linux-i386", K, " ")
	hdr = "| measurement | forklore i386 | forklore x86-64 | Linux 6.1 x86-64 | Linux 6.1 i386 (686) | Linux ÷ forklore, x86-64 | Linux ÷ forklore, i386 |"
	sep = "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	print "Guest instructions per round trip (icount; `boot` is from reset to the first instruction of /init):"
	print ""
	print hdr; print sep
	for (i = 1; i <= nrows; i++) {
		r = order[i]
		if (r == "boot-wall" || r == "image-bytes" || r == "qemu-start") continue
		line = "| " r
		for (j = 1; j <= 4; j++) {
			v = ins[K[j], r]
			line = line " | " (v == "" || v == "failed" ? fmt(v) : grp(v + 0.5))
		}
		line = line " | " ratio(ins[K[3], r], ins[K[2], r]) " | " ratio(ins[K[4], r], ins[K[1], r]) " |"
		print line
	}
	print ""
	print "Wall time per round trip in microseconds (plain TCG; `boot` is from QEMU'"'"'s start to the first line of /init, seen on the host; `qemu-start` is QEMU alone starting and quitting, for scale):"
	print ""
	print hdr; print sep
	for (i = 1; i <= nrows; i++) {
		r = order[i]
		if (r == "boot-wall" || r == "image-bytes") continue
		line = "| " r
		for (j = 1; j <= 4; j++) {
			v = us[K[j], r]
			line = line " | " (v == "" || v == "failed" ? fmt(v) : \
			    r == "boot" || r == "qemu-start" ? sprintf("%.2f s", v / 1e6) : \
			    sprintf("%.1f", v))
		}
		line = line " | " ratio(us[K[3], r], us[K[2], r]) " | " ratio(us[K[4], r], us[K[1], r]) " |"
		print line
	}
	print ""
	line = "| kernel image (bytes QEMU loads)"
	for (j = 1; j <= 4; j++) line = line " | " (size[K[j]] == "" ? "—" : grp(size[K[j]]))
	print hdr; print sep
	print line " | " ratio(size[K[3]], size[K[2]]) " | " ratio(size[K[4]], size[K[1]]) " |"
}' "$tsv" >>"$res/results.md"

# ---------------------------------------------------------------------
# The plot: instructions per round trip, log scale, one group of bars
# per measurement, one bar per kernel.
if command -v gnuplot >/dev/null 2>&1; then
	awk -F'\t' '$2 == "icount" && $4 != "failed" && $5 != "-" &&
	    $3 != "boot" {
		v[$3, $1] = $5 / $4; if (!($3 in s)) { s[$3] = 1; o[++n] = $3 } }
	    END { for (i = 1; i <= n; i++) { r = o[i]
		printf "%s %s %s %s %s\n", r, v[r, "forklore-i386"] + 0,
		    v[r, "forklore-x86_64"] + 0, v[r, "linux-x86_64"] + 0,
		    v[r, "linux-i386"] + 0 } }' "$tsv" >"$res/plot.dat"
	for t in svg pdf; do
		case $t in
		svg) term="svg size 900,480 font 'sans,11'" ;;
		pdf) term="pdfcairo size 16cm,8.5cm font 'sans,8'" ;;
		esac
		gnuplot >"$res/gnuplot.log" 2>&1 <<EOF || say "gnuplot failed ($t, see $res/gnuplot.log)"
set terminal $term
set output '$res/forkbench.$t'
set title 'Guest instructions per round trip (QEMU -icount), log scale'
set style data histogram
set style histogram cluster gap 1
set style fill solid 0.8 border -1
set logscale y
set yrange [1:*]
set format y '10^{%L}'
set xtics rotate by -35 nomirror
set rmargin 8
set bmargin 7
set key top left
set grid ytics
plot '$res/plot.dat' using 2:xtic(1) title 'forklore i386', \
     '' using 3 title 'forklore x86-64', \
     '' using 4 title 'Linux 6.1 x86-64', \
     '' using 5 title 'Linux 6.1 i386 (686)'
EOF
	done
	[ -s "$res/forkbench.svg" ] &&
	    printf '\n![Guest instructions per round trip, from the first table (log scale).](figures/forkbench.svg){#fig-forkbench}\n' >>"$res/results.md"
else
	say "gnuplot is not installed (make deps): no plot"
fi

say "wrote $res/results.md, $res/results.tsv and the logs in $res/logs/"
[ "${failed:-0}" = 0 ]

#!/bin/sh
# tools/deps.sh — install the Debian and npm packages forklore needs.
#
#   tools/deps.sh           install whatever is missing (idempotent)
#   tools/deps.sh --check   exit 0 if every tool is present, 1 otherwise
#
# The package list lives here and nowhere else; `make deps` and the
# README both point at this script.  The npm packages (Pagefind for the
# book's search, playwright-core to drive Debian's chromium in
# tests/browser) are pinned in tools/node/package.json and
# package-lock.json and installed by `npm install --no-save` into
# tools/node/node_modules (not committed); nothing downloads a browser.  We install as root directly, through
# sudo otherwise, and when neither works we print the exact apt-get line
# and fail, so that a fresh Debian 12 machine needs nothing but `make`.
set -eu

# Packages, one per purpose (gnuplot-nox draws the benchmark plot of
# `make bench`, tools/bench.sh).  --no-install-recommends keeps noweb and
# texlive from dragging in a Java runtime and hundreds of fonts.
PKGS="
	make gcc gcc-multilib binutils
	noweb pandoc graphviz universal-ctags xz-utils
	texlive-latex-base texlive-latex-recommended texlive-latex-extra
	texlive-fonts-recommended lmodern poppler-utils
	qemu-system-x86 cpio gnuplot-nox
	grub-pc-bin grub-common xorriso mtools
	musl-tools linux-source-6.1 linux-libc-dev
	chromium
"

# The commands whose absence tells us a package is missing.  Checking
# commands is fast enough to run before every `make run` and `make test`.
TOOLS="gcc ld notangle pandoc dot ctags xz pdflatex pdftotext qemu-system-i386
	qemu-system-x86_64 cpio grub-mkrescue xorriso musl-gcc gnuplot chromium
	node npm"

missing_tools() {
	for t in $TOOLS; do
		command -v "$t" >/dev/null 2>&1 || printf '%s ' "$t"
	done
	# gcc-multilib: a 32-bit compile must find its headers.
	if command -v gcc >/dev/null 2>&1 &&
	    ! echo 'int x;' | gcc -m32 -x c -c -o /dev/null - >/dev/null 2>&1; then
		printf 'gcc-m32 '
	fi
	if [ ! -x /usr/lib/noweb/markup ]; then printf 'noweb-markup '; fi
	# Linux's own selftests are built from Debian's kernel source,
	# against the uapi headers of linux-libc-dev (tools/kselftests.sh).
	[ -f /usr/src/linux-source-6.1.tar.xz ] || printf 'linux-source-6.1 '
	[ -f /usr/include/linux/sched.h ] || printf 'linux-libc-dev '
	npm_current || printf 'tools/node/node_modules '
}

# The npm packages: installed, and from the lock file as it is now.
here=$(cd "$(dirname "$0")" && pwd)
npm_current() {
	[ -f "$here/node/node_modules/.package-lock.json" ] &&
	    [ -x "$here/node/node_modules/.bin/pagefind" ] &&
	    [ -f "$here/node/node_modules/playwright-core/package.json" ] &&
	    ! [ "$here/node/package-lock.json" -nt "$here/node/node_modules/.package-lock.json" ]
}
npm_install() {
	npm_current && return 0
	command -v npm >/dev/null 2>&1 || { echo "deps: npm not found" >&2; return 1; }
	echo "deps: npm install in tools/node (pagefind, playwright-core, as locked)"
	# not `npm ci`: it refuses a lock that lacks the optional
	# packages of other platforms (pagefind's binaries), which the
	# registry here does not all have; --no-save keeps the lock as it is.
	(cd "$here/node" && npm install --no-save --no-audit --no-fund --loglevel=error) || return 1
	touch "$here/node/node_modules/.package-lock.json"
}

if [ "${1:-}" = --check ]; then
	m=$(missing_tools)
	[ -z "$m" ] && exit 0
	echo "deps: missing: $m" >&2
	exit 1
fi

missing_pkgs() {
	for p in $PKGS; do
		s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		case "$s" in
		*" installed") ;;
		*) printf '%s ' "$p" ;;
		esac
	done
}

# Debian's node and npm when there are none (a machine may have newer ones)
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"

need=$(missing_pkgs)
if [ -z "$need" ]; then
	npm_install
	echo "deps: every package is installed"
	exit 0
fi

line="apt-get install -y --no-install-recommends $need"
if [ "$(id -u)" = 0 ]; then
	SUDO=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
	SUDO=sudo
else
	echo "deps: cannot install as root; please run:" >&2
	echo "    sudo apt-get update && sudo $line" >&2
	exit 1
fi

echo "deps: installing $need"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $need
npm_install

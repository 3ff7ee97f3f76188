#!/bin/sh
# tests/browser/run.sh — the woven site in headless Chromium (TAP).
#
#   tests/browser/run.sh [SITEDIR]
#
# Runs tests/browser/site.js (node, playwright-core driving Debian's
# /usr/bin/chromium; both installed by `make deps`) against a woven HTML
# site, served on 127.0.0.1 by python3 -m http.server as `make serve`
# does.  The site: SITEDIR, else the one the weave suite just made of
# src.nw (build/tests/weave/src/html) when it is newer than every source
# of the book, else a fresh weave into build/tests/browser.  Screenshots
# of every page go to build/book/screenshots/ (BROWSER_SHOTS to change).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root" || exit 1

# newer_than_sources FILE: FILE is newer than src.nw, book/, weave.sh
newer_than_sources() {
	[ -f "$1" ] || return 1
	[ -z "$(find src.nw book figures weave.sh tools/search-index.sh -newer "$1" \
		-type f 2>/dev/null | head -n 1)" ]
}

site=${1:-}
if [ -z "$site" ]; then
	if newer_than_sources build/tests/weave/src/html/index.html &&
	    [ -f build/tests/weave/src/html/pagefind/pagefind.js ]; then
		site=build/tests/weave/src/html
	else
		WEAVE_SEARCH=1 ./weave.sh -q --html -o build/tests/browser src.nw/*.nw \
			>build/tests/browser.weave.log 2>&1 || {
			echo "TAP version 13"
			sed 's/^/# /' build/tests/browser.weave.log
			echo "Bail out! weave.sh --html failed"
			exit 1
		}
		site=build/tests/browser/html
	fi
fi
exec node "$here/site.js" "$site" "${BROWSER_SHOTS:-$root/build/book/screenshots}"

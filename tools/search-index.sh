#!/bin/sh
# tools/search-index.sh — build the search index of a woven site.
#
#   tools/search-index.sh SITEDIR     index SITEDIR/*.html into SITEDIR/pagefind/
#   tools/search-index.sh --check     exit 0 if Pagefind is installed
#
# The index is Pagefind's (npm package pagefind, pinned in
# tools/node/package.json, installed by tools/deps.sh into
# tools/node/node_modules; nothing is fetched here).  Only pages with a
# data-pagefind-body element are indexed (book/templates/chapter.html
# puts it on a chapter's <main>, not on the landing page); chunks carry
# data-pagefind-title and weights (book/templates/finish.awk).  The
# browser loads SITEDIR/pagefind/pagefind.js on the first search
# (book/js/forklore.js) and then only the index fragments it needs.
# weave.sh calls this for build/book/html; a site woven elsewhere (a
# course overlay) calls it with its own directory and gets its own index.
#
# Environment: PAGEFIND (the pagefind command; default the installed one).
set -u
prog=search-index.sh
root=$(cd "$(dirname "$0")/.." && pwd) || exit 1
PAGEFIND=${PAGEFIND:-$root/tools/node/node_modules/.bin/pagefind}

if [ "${1:-}" = --check ]; then
	[ -x "$PAGEFIND" ] || command -v "$PAGEFIND" >/dev/null 2>&1
	exit $?
fi
[ $# -eq 1 ] || { echo "usage: $prog SITEDIR | --check" >&2; exit 2; }
site=$1
[ -d "$site" ] || { echo "$prog: no such directory: $site" >&2; exit 1; }
if ! [ -x "$PAGEFIND" ] && ! command -v "$PAGEFIND" >/dev/null 2>&1; then
	echo "$prog: pagefind not found ($PAGEFIND): run make deps" >&2
	exit 1
fi
rm -rf "$site/pagefind"
# Pagefind's own UI bundles are not used (book/js/forklore.js draws the
# results); only pagefind.js, its worker, the wasm and the index stay.
"$PAGEFIND" --site "$site" --output-subdir pagefind --quiet || {
	echo "$prog: pagefind failed on $site" >&2
	exit 1
}
[ -s "$site/pagefind/pagefind.js" ] || { echo "$prog: no $site/pagefind/pagefind.js" >&2; exit 1; }
rm -f "$site"/pagefind/pagefind-*ui.js "$site"/pagefind/pagefind-*ui.css \
	"$site"/pagefind/pagefind-highlight.js
exit 0

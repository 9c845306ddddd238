#!/bin/sh
# Copies the built NHS.UK frontend and htmx files into static/ and records
# their versions. Run it again after unpacking newer packages:
#
#   npm pack nhsuk-frontend@10.6.1 htmx.org@4.0.1   # then untar each
#   assets/vendor.sh path/to/nhsuk-frontend/package path/to/htmx.org/package
#
# The NHS stylesheet loads its fonts from assets.nhs.uk, which our CSP
# (font-src 'self') blocks, so the @font-face rules are removed and text falls
# back to Arial. Source map comments are removed because the maps are not
# shipped. Running it twice gives the same files.
set -eu

if [ "$#" -ne 2 ]; then
	echo "usage: $0 NHSUK_FRONTEND_PACKAGE_DIR HTMX_PACKAGE_DIR" >&2
	exit 2
fi
nhsuk=$1
htmx=$2
static=$(cd "$(dirname "$0")" && pwd)/static

for f in "$nhsuk/package.json" "$nhsuk/dist/nhsuk/nhsuk-frontend.min.css" \
	"$nhsuk/dist/nhsuk/nhsuk-frontend.min.js" "$htmx/package.json" "$htmx/dist/htmx.min.js"; do
	[ -f "$f" ] || { echo "vendor.sh: missing $f" >&2; exit 1; }
done

# json_field FILE FIELD prints the first top-level string value of FIELD.
json_field() {
	sed -n "s/^  \"$2\": *\"\\([^\"]*\\)\".*/\\1/p" "$1" | head -n 1
}

# strip_source_map removes a trailing sourceMappingURL comment (CSS or JS).
strip_source_map() {
	sed -e 's#/\*\# sourceMappingURL=[^*]*\*/##' -e 's#//\# sourceMappingURL=.*$##' "$1"
}

mkdir -p "$static"

strip_source_map "$nhsuk/dist/nhsuk/nhsuk-frontend.min.css" |
	perl -0pe 's/\@font-face\{[^}]*\}//g' >"$static/nhsuk-frontend.min.css"
if grep -q 'assets\.nhs\.uk' "$static/nhsuk-frontend.min.css"; then
	echo "vendor.sh: assets.nhs.uk still referenced in nhsuk-frontend.min.css" >&2
	exit 1
fi

strip_source_map "$nhsuk/dist/nhsuk/nhsuk-frontend.min.js" >"$static/nhsuk-frontend.min.js"
strip_source_map "$htmx/dist/htmx.min.js" >"$static/htmx.min.js"

rm -rf "$static/images"
mkdir -p "$static/images"
cp "$nhsuk"/dist/nhsuk/assets/images/* "$static/images/"

nhsuk_version=$(json_field "$nhsuk/package.json" version)
nhsuk_licence=$(json_field "$nhsuk/package.json" license)
htmx_version=$(json_field "$htmx/package.json" version)
htmx_licence=$(json_field "$htmx/package.json" license)

cat >"$static/VERSIONS.txt" <<VERSIONS
Third-party files in this folder, copied by assets/vendor.sh from the npm packages.

nhsuk-frontend $nhsuk_version ($nhsuk_licence)
  https://github.com/nhsuk/nhsuk-frontend
  nhsuk-frontend.min.css  dist/nhsuk/nhsuk-frontend.min.css, @font-face rules removed
  nhsuk-frontend.min.js   dist/nhsuk/nhsuk-frontend.min.js (ES module exporting initAll)
  images/                 dist/nhsuk/assets/images/
  Code: MIT Licence. Documentation and images: (c) NHS England, Open Government Licence v3.0.

htmx.org $htmx_version ($htmx_licence)
  https://github.com/bigskysoftware/htmx
  htmx.min.js             dist/htmx.min.js

app.css and app.js are this project's own.
VERSIONS

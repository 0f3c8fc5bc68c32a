#!/usr/bin/env bash
# Refresh the vendored UI assets in static/vendor/ from the npm registry.
#
#   make vendor-ui      (or: bash scripts/vendor-ui.sh)
#
# Copies, unmodified, only the files listed in docs/UI.md section 1 and the QR
# decoder for check-in (THIRD_PARTY.md), and rewrites
# static/vendor/VERSIONS (package@version + npm integrity, then sha256 of each
# file). Idempotent: running it twice for the same pins gives identical bytes.
# Needs npm (only for this target; `make run`/`make test` never call npm) and python3.
#
# To upgrade: change a version below, clear its *_INTEGRITY pin (or set the new
# one from `npm view <pkg>@<version> dist.integrity`), read KERN's CHANGELOG,
# run this script, run the tests and look at the pages in de and ar.
set -euo pipefail

KERN_PKG="@kern-ux/native"
KERN_VERSION="2.7.2"
KERN_INTEGRITY="sha512-TN0Mqbasp7S1IOqurXickde8MDj5hIcgT4s3f1i33wyv2iVgA1dTO/FoQyi6rgM9KYTYkIthl9k72g7fBUUvHg=="

NOTO_ARABIC_PKG="@fontsource/noto-sans-arabic"
NOTO_ARABIC_VERSION="5.3.0"
NOTO_ARABIC_INTEGRITY="sha512-i3t6GR0LOReyJVEk+YfYCnxv53wuIelg7Y9NGNvOq4Diq/EP0YszaGXkQwfQNigLjfO4POrLaPGM0sNliGYk7A=="

# QR decoder for check-in by camera or photo where the browser has no BarcodeDetector (iPhone, Firefox).
# ZXing's decoder ported to TypeScript: pure JavaScript (no WebAssembly, no eval: our CSP allows neither),
# Apache-2.0, still released (jsQR's last release and commit are from 2021). Only its self-contained UMD
# bundle is shipped (its one dependency, ts-custom-error, is bundled in); static/js/checkin.js loads it
# only on a browser without a native QR detector.
ZXING_PKG="@zxing/library"
ZXING_VERSION="0.23.0"
ZXING_INTEGRITY="sha512-6fkkoFwP8CHxl6ugnPsj74PLJgX2iRv5zczGAyt5OBzQgxFhuhF0NCEc4t4OvSr8xAv2MRLlI0Iu9ZGDZQ2urA=="
# The bundle contains ts-custom-error (MIT), whose licence it does not carry: we ship it beside the bundle.
CUSTOM_ERROR_PKG="ts-custom-error"
CUSTOM_ERROR_VERSION="3.3.1"
CUSTOM_ERROR_INTEGRITY="sha512-5OX1tzOjxWEgsr/YEUWSuPrQ00deKLh6D7OTWcvNHm12/7QPyRh8SYpyWvA4IZv8H/+GQWQEh/kwo95Q9OVW1A=="

# Fira Sans ships inside the KERN package (dist/fonts/fira-sans, Fira Sans 4.106)
# without a licence file. This is the copyright notice embedded in those fonts
# (name table, ID 0); the OFL-1.1 text itself is taken from the Noto package.
FIRA_COPYRIGHT="Digitized data copyright © 2012-2015, The Mozilla Foundation and Telefonica S.A."

# Fira weights/styles we use (UI.md section 5): 400, 400 italic, 500, 600.
FIRA_FILES=(FiraSans-Regular FiraSans-Italic FiraSans-Medium FiraSans-SemiBold)
NOTO_WEIGHTS=(400 500 600)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENDOR="$ROOT/static/vendor"
KERN_DIR="kern-$KERN_VERSION"
ZXING_DIR="zxing-library-$ZXING_VERSION"

command -v npm >/dev/null || { echo "vendor-ui: npm is required" >&2; exit 1; }
command -v python3 >/dev/null || { echo "vendor-ui: python3 is required" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# fetch PKG VERSION EXPECTED_INTEGRITY DEST_DIR -> prints the integrity
fetch() {
    local pkg="$1" version="$2" expected="$3" dest="$4" json integrity filename
    json="$WORK/pack-$(echo "$pkg" | tr '/@' '__').json"
    (cd "$WORK" && npm pack --silent --json "$pkg@$version" >"$json")
    read -r filename integrity < <(python3 - "$json" <<'EOF'
import json, sys
info = json.load(open(sys.argv[1]))[0]
print(info["filename"], info["integrity"])
EOF
)
    if [[ -n "$expected" && "$integrity" != "$expected" ]]; then
        echo "vendor-ui: integrity mismatch for $pkg@$version" >&2
        echo "  expected $expected" >&2
        echo "  got      $integrity" >&2
        exit 1
    fi
    mkdir -p "$dest"
    tar -xzf "$WORK/$filename" -C "$dest"
    echo "$integrity"
}

echo "vendor-ui: fetching $KERN_PKG@$KERN_VERSION, $NOTO_ARABIC_PKG@$NOTO_ARABIC_VERSION and $ZXING_PKG@$ZXING_VERSION" >&2
kern_integrity="$(fetch "$KERN_PKG" "$KERN_VERSION" "$KERN_INTEGRITY" "$WORK/kern")"
noto_integrity="$(fetch "$NOTO_ARABIC_PKG" "$NOTO_ARABIC_VERSION" "$NOTO_ARABIC_INTEGRITY" "$WORK/noto")"
zxing_integrity="$(fetch "$ZXING_PKG" "$ZXING_VERSION" "$ZXING_INTEGRITY" "$WORK/zxing")"
custom_error_integrity="$(fetch "$CUSTOM_ERROR_PKG" "$CUSTOM_ERROR_VERSION" "$CUSTOM_ERROR_INTEGRITY" "$WORK/custom-error")"
KERN_SRC="$WORK/kern/package"
NOTO_SRC="$WORK/noto/package"
ZXING_SRC="$WORK/zxing/package"

# Build the new tree next to the old one, then swap it in.
OUT="$WORK/vendor"
mkdir -p "$OUT/$KERN_DIR" "$OUT/fonts/fira-sans" "$OUT/fonts/noto-sans-arabic" "$OUT/$ZXING_DIR"

# KERN: the minified CSS and its licence, unmodified.
install -m 0644 "$KERN_SRC/dist/kern.min.css" "$OUT/$KERN_DIR/kern.min.css"
install -m 0644 "$KERN_SRC/LICENSE.md" "$OUT/$KERN_DIR/LICENSE.md"

# Fira Sans from KERN's package, unmodified.
for f in "${FIRA_FILES[@]}"; do
    install -m 0644 "$KERN_SRC/dist/fonts/fira-sans/$f.woff2" "$OUT/fonts/fira-sans/$f.woff2"
done
{
    printf '%s\n\n' "$FIRA_COPYRIGHT"
    sed -n '/^This Font Software is licensed under the SIL Open Font License/,$p' "$NOTO_SRC/LICENSE"
} >"$OUT/fonts/fira-sans/OFL.txt"
grep -q 'SIL OPEN FONT LICENSE Version 1.1' "$OUT/fonts/fira-sans/OFL.txt" \
    || { echo "vendor-ui: could not extract the OFL text" >&2; exit 1; }

# Noto Sans Arabic: arabic subset, normal style only, unmodified.
for w in "${NOTO_WEIGHTS[@]}"; do
    install -m 0644 "$NOTO_SRC/files/noto-sans-arabic-arabic-$w-normal.woff2" \
        "$OUT/fonts/noto-sans-arabic/noto-sans-arabic-arabic-$w-normal.woff2"
done
install -m 0644 "$NOTO_SRC/LICENSE" "$OUT/fonts/noto-sans-arabic/LICENSE"

# ZXing: the minified UMD bundle (defines window.ZXing) and its licence, unmodified.
install -m 0644 "$ZXING_SRC/umd/index.min.js" "$OUT/$ZXING_DIR/index.min.js"
install -m 0644 "$ZXING_SRC/LICENSE" "$OUT/$ZXING_DIR/LICENSE"
install -m 0644 "$WORK/custom-error/package/LICENSE" "$OUT/$ZXING_DIR/ts-custom-error-LICENSE"
# Our CSP has no 'unsafe-eval', and collectstatic must not chase a source map we do not ship.
python3 - "$OUT/$ZXING_DIR/index.min.js" <<'EOF'
import re, sys
js = open(sys.argv[1], encoding="utf-8").read()
if re.search(r"\beval\(|new Function\(|sourceMappingURL|\brequire\(", js):
    sys.exit("vendor-ui: the ZXing bundle uses eval/Function, a source map or require()")
EOF

# kern.min.css must not reference files we do not ship (collectstatic with
# ManifestStaticFilesStorage fails on a missing url()).
python3 - "$OUT/$KERN_DIR/kern.min.css" <<'EOF'
import re, sys
css = open(sys.argv[1], encoding="utf-8").read()
bad = [u for u in re.findall(r'url\(\s*["\']?([^"\')]+)', css) if not u.startswith("data:")]
imports = re.findall(r'@import', css)
if bad or imports or "sourceMappingURL" in css:
    sys.exit(f"vendor-ui: kern.min.css references external files: {bad[:5]} imports={len(imports)}")
EOF

# VERSIONS: packages first, then sha256 of every file (sorted, paths relative to static/vendor).
{
    echo "# Vendored UI assets. Written by scripts/vendor-ui.sh; do not edit by hand."
    echo "# Fira Sans 4.106 woff2 files come from $KERN_PKG (dist/fonts/fira-sans); fira-sans/OFL.txt is assembled by the script."
    echo "$KERN_PKG@$KERN_VERSION integrity=$kern_integrity"
    echo "$NOTO_ARABIC_PKG@$NOTO_ARABIC_VERSION integrity=$noto_integrity"
    echo "$ZXING_PKG@$ZXING_VERSION integrity=$zxing_integrity"
    echo "$CUSTOM_ERROR_PKG@$CUSTOM_ERROR_VERSION integrity=$custom_error_integrity"
    (cd "$OUT" && find . -type f ! -name VERSIONS | sed 's|^\./||' | LC_ALL=C sort | while read -r p; do
        sha256sum "$p"
    done)
} >"$OUT/VERSIONS"

rm -rf "$VENDOR"
mkdir -p "$(dirname "$VENDOR")"
cp -R "$OUT" "$VENDOR"
echo "vendor-ui: wrote $(find "$VENDOR" -type f | wc -l) files, $(du -sh "$VENDOR" | cut -f1) to static/vendor" >&2

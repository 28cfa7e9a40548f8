#!/usr/bin/env bash
# Copy the front-end packages the pages use from node_modules into static/vendor.
# Source maps go beside the minified files: whitenoise's manifest storage
# refuses to collect a file whose sourceMappingURL points nowhere.
set -euo pipefail
cd "$(dirname "$0")/.."
out=static/vendor
rm -rf "$out"
mkdir -p "$out/govbr" "$out/fontawesome/css" "$out/raleway"
ds=node_modules/@govbr-ds/core/dist
cp "$ds"/core.min.css "$ds"/core.min.css.map "$ds"/core-init.min.js "$ds"/core-init.min.js.map "$out/govbr/"
fa=node_modules/@fortawesome/fontawesome-free
cp "$fa/css/all.min.css" "$out/fontawesome/css/"
cp -r "$fa/webfonts" "$out/fontawesome/"
rl=node_modules/@fontsource/raleway
cp "$rl"/400.css "$rl"/600.css "$rl"/700.css "$rl"/400-italic.css "$out/raleway/"
cp -r "$rl/files" "$out/raleway/"

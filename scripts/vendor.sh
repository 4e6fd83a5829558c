#!/usr/bin/env bash
# Copy the pinned front-end packages from the npm registry into the app's static files.
# The copies are committed, so `make demo` needs neither Node.js nor a network at run time.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp package.json "$work/"
(cd "$work" && npm install --no-audit --no-fund --ignore-scripts --no-package-lock --silent)
dest=wattwerk/core/static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/bootstrap-icons/fonts" "$dest/htmx"
m="$work/node_modules"
cp "$m/bootstrap/dist/css/bootstrap.min.css" "$m/bootstrap/dist/js/bootstrap.bundle.min.js" "$m/bootstrap/LICENSE" "$dest/bootstrap/"
cp "$m/bootstrap-icons/font/bootstrap-icons.min.css" "$m/bootstrap-icons/LICENSE" "$dest/bootstrap-icons/"
cp "$m/bootstrap-icons/font/fonts/bootstrap-icons.woff2" "$m/bootstrap-icons/font/fonts/bootstrap-icons.woff" "$dest/bootstrap-icons/fonts/"
cp "$m/htmx.org/dist/htmx.min.js" "$m/htmx.org/LICENSE" "$dest/htmx/"
# Source maps are not shipped; drop the comments that point at them.
sed -i '/sourceMappingURL/d' "$dest/bootstrap/bootstrap.min.css" "$dest/bootstrap/bootstrap.bundle.min.js"
for pkg in bootstrap bootstrap-icons htmx.org; do
  printf '%s %s\n' "$pkg" "$(node -p "require('$m/$pkg/package.json').version")"
done > "$dest/VERSIONS"
cat "$dest/VERSIONS"

#!/usr/bin/env bash
# Fetch the libraries only the browser tests use, unmodified, from the npm registry into
# tests/e2e/vendor/ (never served by Kliento). Run it after changing a version below; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=tests/e2e/vendor
packages=(axe-core@4.14.1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${packages[@]}"; do
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
done
for tarball in "$work"/*.tgz; do
  tar -xzf "$tarball" -C "$work" && mv "$work/package" "$work/$(basename "$tarball" .tgz)"
done
rm -rf "$dest" && mkdir -p "$dest"/axe-core
axe="$work/axe-core-4.14.1"
cp "$axe"/axe.min.js "$axe"/LICENSE "$dest/axe-core/"
cat > "$dest/VERSIONS.md" <<LIST
# Libraries vendored for the browser tests

Fetched unmodified from the npm registry by \`scripts/vendor-test-assets.sh\`; used only by
tests/e2e, never served by Kliento.

| package | version | licence | files |
| --- | --- | --- | --- |
| axe-core | 4.14.1 | MPL-2.0 | axe.min.js |
LIST
echo "vendored into $dest"

#!/usr/bin/env bash
# Fetch the browser libraries Kliento serves, unmodified, from the npm registry into
# kliento/web/static/vendor/. Run it after changing a version below; commit the result.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=kliento/web/static/vendor
packages=(bootstrap@5.3.9 htmx.org@2.0.11 bootstrap-icons@1.13.2 sortablejs@1.15.7)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for spec in "${packages[@]}"; do
  (cd "$work" && npm pack --silent "$spec" >/dev/null)
done
for tarball in "$work"/*.tgz; do
  tar -xzf "$tarball" -C "$work" && mv "$work/package" "$work/$(basename "$tarball" .tgz)"
done
rm -rf "$dest" && mkdir -p "$dest"/{bootstrap,htmx,bootstrap-icons/fonts,sortablejs}
bs="$work/bootstrap-5.3.9"
cp "$bs"/dist/css/bootstrap.min.css "$bs"/dist/css/bootstrap.rtl.min.css "$dest/bootstrap/"
cp "$bs"/dist/js/bootstrap.bundle.min.js "$bs/LICENSE" "$dest/bootstrap/"
hx="$work/htmx.org-2.0.11"
cp "$hx"/dist/htmx.min.js "$hx/LICENSE" "$dest/htmx/"
bi="$work/bootstrap-icons-1.13.2"
cp "$bi"/font/bootstrap-icons.min.css "$bi/LICENSE" "$dest/bootstrap-icons/"
cp "$bi"/font/fonts/bootstrap-icons.woff2 "$bi"/font/fonts/bootstrap-icons.woff "$dest/bootstrap-icons/fonts/"
sj="$work/sortablejs-1.15.7"
cp "$sj"/Sortable.min.js "$sj/LICENSE" "$dest/sortablejs/"
cat > "$dest/VERSIONS.md" <<LIST
# Vendored browser libraries

Fetched unmodified from the npm registry by \`scripts/vendor-assets.sh\`.

| package | version | licence | files |
| --- | --- | --- | --- |
| bootstrap | 5.3.9 | MIT | bootstrap.min.css, bootstrap.rtl.min.css, bootstrap.bundle.min.js |
| htmx.org | 2.0.11 | 0BSD | htmx.min.js |
| bootstrap-icons | 1.13.2 | MIT | bootstrap-icons.min.css, fonts/ |
| sortablejs | 1.15.7 | MIT | Sortable.min.js |
LIST
echo "vendored into $dest"

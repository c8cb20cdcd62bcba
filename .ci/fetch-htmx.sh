#!/bin/sh
# Fetches HTMX (a pinned release, checked by its SHA-256) from the npm registry into the web
# UI's static folder. The pages work without it (plain forms and links); with it, lists and the
# dashboard refresh themselves. Nothing is committed: the file is a third-party library.
set -eu

VERSION="2.0.11"
SHA256="d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
TARGET="intake/web/static/vendor/htmx.min.js"

if [ -f "$TARGET" ] && echo "$SHA256  $TARGET" | sha256sum -c --status; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed: the web UI runs without HTMX (no live refresh)." >&2
    echo "Install it with: apt-get install -y npm, then run: sh .ci/fetch-htmx.sh" >&2
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "htmx.org@$VERSION" >/dev/null)
tar -xzf "$work/htmx.org-$VERSION.tgz" -C "$work" package/dist/htmx.min.js
echo "$SHA256  $work/package/dist/htmx.min.js" | sha256sum -c --status || {
    echo "htmx.org@$VERSION from npm does not match its pinned SHA-256; not installed." >&2
    exit 1
}
mkdir -p "$(dirname "$TARGET")"
cp "$work/package/dist/htmx.min.js" "$TARGET"
echo "HTMX $VERSION installed for the web UI."

#!/usr/bin/env bash
# Installs the packages the two ways the README shows while they are not on npm, each into a
# scratch project in a temporary folder, and runs the README's snippet there:
#   1. tarballs: `npm pack` of each package (what `npm publish` would upload), then
#      `npm install ./orderstream-*.tgz zod`;
#   2. `file:` dependencies on the packages' folders, installed with --install-links (copied like
#      tarballs, so the app and the packages share one zod).
# Builds the packages first when dist/ is missing (or with --build). Usage: scripts/pack-install.sh [--build]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
packages=(core duckdb kafka)

build=0
for arg in "$@"; do
  case "$arg" in
    --build) build=1 ;;
    *) echo "pack-install: unknown option $arg" >&2; exit 2 ;;
  esac
done
for name in "${packages[@]}"; do [ -f "$root/packages/$name/dist/index.js" ] || build=1; done
if [ "$build" = 1 ]; then
  echo "pack-install: building the packages (npm run build)" >&2
  (cd "$root" && npm run build >/dev/null)
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/orderstream-pack-install-XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false npm_config_progress=false

workspaces=()
for name in "${packages[@]}"; do workspaces+=(-w "@orderstream/$name"); done
mkdir -p "$scratch/tarballs"
(cd "$root" && npm pack "${workspaces[@]}" --pack-destination "$scratch/tarballs" --loglevel=warn >/dev/null)

new_app() {
  mkdir -p "$1"
  cd "$1"
  npm init -y >/dev/null
  npm pkg set type=module private=true
  cp "$root/test/fixtures/pack-install/snippet.mjs" .
}

echo "pack-install: 1/2 tarballs" >&2
new_app "$scratch/app-tarballs"
npm install --prefer-offline --loglevel=error "$scratch"/tarballs/*.tgz zod@^4
node snippet.mjs

echo "pack-install: 2/2 file: dependencies" >&2
new_app "$scratch/app-file"
links=()
for name in "${packages[@]}"; do links+=("file:$root/packages/$name"); done
npm install --prefer-offline --loglevel=error --install-links "${links[@]}" zod@^4
node snippet.mjs

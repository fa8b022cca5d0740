#!/usr/bin/env bash
# Sets the `repository` field of the four published packages to the GitHub repository this runs in,
# for `npm publish --provenance`: npm refuses a provenance statement whose package names no
# repository, or another one than the workflow that built it. The repository is not written into
# the sources (its final address is not known yet); the release workflow runs this just before it
# publishes, from GitHub Actions' own variables:
#   GITHUB_SERVER_URL=https://github.com GITHUB_REPOSITORY=owner/name bash scripts/set-repository.sh
# It changes packages/*/package.json in the checkout it runs in (`git checkout packages` undoes it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="${GITHUB_SERVER_URL:-}"
repository="${GITHUB_REPOSITORY:-}"
if [[ -z "$server" || ! "$repository" =~ ^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$ ]]; then
  echo "set-repository: needs GITHUB_SERVER_URL and GITHUB_REPOSITORY=owner/name (GitHub Actions sets both)" >&2
  exit 2
fi
url="git+${server%/}/${repository}.git"
cd "$root"
for name in core duckdb kafka snowflake; do
  npm pkg set --workspace "@orderstream/$name" \
    repository.type=git "repository.url=$url" "repository.directory=packages/$name"
  echo "set-repository: @orderstream/$name → $url (packages/$name)" >&2
done

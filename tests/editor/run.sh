#!/usr/bin/env bash
# Runs the Neovim end-to-end test of `atlas lsp` (tests/editor/init.lua) on a copy of the
# repository's own site and prints its transcript. Exit status: 0 pass, non-zero fail.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$repo"
# $ATLAS_BIN if set (CI reuses the binary `cargo test` built), else a debug build.
if [ -z "${ATLAS_BIN:-}" ]; then
  cargo build --quiet --bin atlas
  ATLAS_BIN="$repo/target/debug/atlas"
fi
site="$(mktemp -d)"
trap 'rm -rf "$site"' EXIT
cp -r atlas.toml content data themes "$site/"
ATLAS_BIN="$ATLAS_BIN" ATLAS_SITE="$site" \
  timeout 180 nvim --headless -n -i NONE -u "$repo/tests/editor/init.lua"

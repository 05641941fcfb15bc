#!/usr/bin/env bash
# Installs code-server 4.100.3 (VS Code 1.100.3 server + web workbench) into
# <repo>/.vscode-test/code-server without any of its download steps, so it works on
# machines that reach only the npm registry and Debian packages.
# The reason for each step is in the comment above it.
#
# Idempotent: a marker written as the very last step makes later runs a no-op; a run
# that died half-way leaves no marker, so the next run redoes everything.
set -euo pipefail

VERSION=4.100.3
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DEST="$ROOT/.vscode-test/code-server"  # git-ignored; wiped and rebuilt when the marker is missing
# Bump the suffix when the recipe changes, so existing installs get redone.
MARKER="$DEST/.installed-$VERSION-r2"

if [[ -f "$MARKER" ]]; then
  echo "code-server $VERSION already installed in $DEST"
  exit 0
fi

# Workspace search in VS Code runs ripgrep; @vscode/ripgrep would download it, so we
# link the Debian one instead.
RG="$(command -v rg || true)"
if [[ -z "$RG" ]]; then
  # Only VS Code's workspace search needs it; the extension and its tests do not.
  echo "warning: ripgrep (rg) is not installed: search in the workbench will not work ('apt-get install -y ripgrep' fixes it)" >&2
fi

# Each step's output goes to a log; it is printed only when the step fails.
LOG="$(mktemp -t code-server-install.XXXXXX.log)"
step() {
  local what="$1"; shift
  echo "code-server install: $what"
  if ! "$@" >>"$LOG" 2>&1; then
    echo "error: step failed: $what (log below)" >&2
    tail -n 40 "$LOG" >&2
    exit 1
  fi
}

START=$SECONDS
rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
# npm_config_yes: node-pty's build calls `npx node-gyp`, which would otherwise wait for a
# "yes" that never comes without a terminal.
export npm_config_yes=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

step "npm init" npm init -y
step "npm install code-server@$VERSION (scripts ignored)" npm install --ignore-scripts "code-server@$VERSION"
step "rebuild argon2 (needed at start-up)" npm rebuild argon2

cd node_modules/code-server/lib/vscode
step "install VS Code server dependencies" npm install --omit=dev --ignore-scripts
# In VS Code 1.100 the watchdog package is `native-watchdog` (not @vscode/native-watchdog);
# without it every extension host start logs "Cannot find module './build/Release/watchdog'".
# kerberos is deliberately not built: it needs libkrb5-dev and the server starts without it.
step "rebuild native modules" npm rebuild @vscode/spdlog @parcel/watcher native-watchdog node-pty
step "link node_modules.asar (what code-server's postinstall does)" ln -sfn node_modules node_modules.asar
[[ -n "$RG" ]] && step "link ripgrep -> $RG" bash -c 'mkdir -p node_modules/@vscode/ripgrep/bin && ln -sf "$1" node_modules/@vscode/ripgrep/bin/rg' _ "$RG"

cd extensions
step "install built-in extensions' dependencies" npm install --omit=dev --ignore-scripts

rm -f "$LOG"
date -u +%FT%TZ >"$MARKER"
echo "code-server $VERSION installed in $DEST ($((SECONDS - START)) s)"

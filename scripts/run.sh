#!/usr/bin/env bash
# Sets up this machine (Debian 12) and runs haptik-mock on the bundled fixtures:
#   scripts/run.sh [haptik-mock flags]        e.g. scripts/run.sh --port 9000
# Installs libevent-dev, pkg-config (SwiftPM finds libevent through it) and curl if missing
# (sudo unless root), builds the release binary into .build-release (scripts/lib/release.sh: the
# Swift standard library linked statically, as in the container image), then replaces itself with
# the server. Build output goes to stderr, so stdout carries only the server's
# `Listening on http://HOST:PORT` line. Runs from the repository root: relative paths in the
# flags are taken from there. A later --fixtures overrides the bundled one.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh
# shellcheck source=scripts/lib/release.sh
source scripts/lib/release.sh

require_swift
ensure_packages libevent-dev pkg-config curl
"${release_build[@]}" >&2
exec "$release_binary" --fixtures Fixtures/fixtures.json "$@"

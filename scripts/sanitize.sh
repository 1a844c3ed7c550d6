#!/usr/bin/env bash
# Runs every test under a sanitizer; CI runs both after scripts/test.sh.
#   scripts/sanitize.sh address|thread [swift test arguments]    e.g. scripts/sanitize.sh thread --filter LoadAndLimitTests
# address: AddressSanitizer (with LeakSanitizer), scratch path .build-asan; thread: ThreadSanitizer,
# scratch path .build-tsan; so neither disturbs the normal build. The tests start the haptik-mock
# binary too, built with the same sanitizer; in-process servers with 2 and 4 workers are exercised.
# Fails on the first report (ASan) or at the end when any was printed (TSan's exit code 66). Leaks
# in the test harness and the toolchain's libraries are suppressed (scripts/lib/lsan-suppressions.txt),
# and so are races TSan cannot judge under Swift's Mutex (scripts/lib/tsan-suppressions.txt).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh

case "${1:-}" in
  address)
    scratch=.build-asan
    LSAN_OPTIONS="suppressions=$PWD/scripts/lib/lsan-suppressions.txt:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
    export LSAN_OPTIONS ;;
  thread)
    scratch=.build-tsan
    TSAN_OPTIONS="suppressions=$PWD/scripts/lib/tsan-suppressions.txt${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
    export TSAN_OPTIONS ;;
  *) echo "usage: scripts/sanitize.sh address|thread [swift test arguments]" >&2; exit 2 ;;
esac
sanitizer=$1
shift

require_swift
ensure_packages libevent-dev pkg-config curl
start=$(date +%s)
swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch"
built=$(date +%s)
swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
echo "$sanitizer sanitizer: built in $((built - start)) s, tests ran in $(($(date +%s) - built)) s" >&2

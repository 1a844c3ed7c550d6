#!/usr/bin/env bash
# Builds the libFuzzer targets of Fuzz/ and runs each for SECONDS (default 60); what CI runs.
#   scripts/fuzz.sh [SECONDS]
# Each target is compiled with swiftc straight from its module's sources (not a SwiftPM target):
#   request-head  Fuzz/RequestHead  + Sources/HTTP1      (RequestHeadParser)
#   chunked       Fuzz/Chunked      + Sources/HTTP1      (ChunkedDecoder, BodyDecoder)
#   multipart     Fuzz/Multipart    + Sources/Multipart  (MultipartParser, against a reference split)
# and started on a fresh copy of Fuzz/corpus/<target> in .build-fuzz/<target>/ (the repository's
# corpus is never written to). Prints the executions per target; on any crash, invariant failure or
# hang, prints the saved input's path (under .build-fuzz/<target>/crashes/) and exits 1.
# Reproduce one with: .build-fuzz/bin/<target> <input>
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh

require_swift
seconds=${1:-60}
if ! [[ $seconds =~ ^[0-9]+$ ]] || ((seconds < 1)); then
  echo "usage: scripts/fuzz.sh [SECONDS]" >&2
  exit 2
fi

scratch="$PWD/.build-fuzz"
targets=(request-head:RequestHead:HTTP1 chunked:Chunked:HTTP1 multipart:Multipart:Multipart)
mkdir -p "$scratch/bin"

for entry in "${targets[@]}"; do
  IFS=: read -r name directory module <<<"$entry"
  echo "building $name"
  # ld.gold warns "Cannot export local symbol" for every fuzzer target: harmless, so only shown on failure.
  if ! swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name "$module" -swift-version 6 \
    -enable-upcoming-feature InternalImportsByDefault -enable-upcoming-feature ExistentialAny \
    "Sources/$module"/*.swift "Fuzz/$directory/main.swift" -o "$scratch/bin/$name" \
    >"$scratch/build-$name.log" 2>&1; then
    grep -v 'Cannot export local symbol' "$scratch/build-$name.log" >&2
    exit 1
  fi
done

failed=0
for entry in "${targets[@]}"; do
  IFS=: read -r name _ _ <<<"$entry"
  work="$scratch/$name"
  rm -rf "$work"
  mkdir -p "$work/corpus" "$work/crashes"
  cp "Fuzz/corpus/$name"/* "$work/corpus/"
  echo "fuzzing $name for $seconds s"
  status=0
  # SWIFT_BACKTRACE=enable=no: let libFuzzer report a trap at once instead of the Swift backtracer.
  SWIFT_BACKTRACE=enable=no "$scratch/bin/$name" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/crashes/" "$work/corpus" >"$work/fuzz.log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -n 1)
  if [[ -z $runs ]]; then
    runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$work/fuzz.log" | tail -n 1)
  fi
  if ((status == 0)); then
    echo "$name: ${runs:-?} executions in $seconds s, no crash"
  else
    failed=1
    echo "$name: FAILED (exit $status) after ${runs:-?} executions; log: $work/fuzz.log" >&2
    grep -E 'Fatal error|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY' "$work/fuzz.log" | head -n 5 >&2 || true
    for input in "$work/crashes"/*; do
      [[ -e $input ]] && echo "  crash input: $input (reproduce: $scratch/bin/$name $input)" >&2
    done
  fi
done
exit "$failed"

#!/usr/bin/env bash
# The project's benchmark: throughput, memory and per-connection cost of the release build.
#
#   scripts/bench.sh                 from anywhere; builds .build-release first
#   DURATION=5 scripts/bench.sh      shorter wrk runs
#   BIN=path/to/haptik-mock scripts/bench.sh
#
# Environment:
#   DURATION     seconds per wrk run (default 10)
#   BIN          the haptik-mock binary; default: the release build of scripts/lib/release.sh
#                (static Swift standard library), .build-release/release/haptik-mock
#   STORAGE_TMP  where the work dir (payloads, storage dirs, server logs) goes; tmpfs so that
#                disk speed does not count (default /dev/shm). Run (b) stores about 1 GB per
#                second of DURATION there until it is checked and deleted.
#   KEEP         1 keeps the work dir afterwards
#
# Every run gets a fresh server: `haptik-mock --port 0 --storage-dir DIR --fixtures FILE`,
# defaults otherwise, its port read from the `Listening on http://127.0.0.1:PORT` line. Runs:
#   (a) 10 KiB uploads, wrk, 32 keep-alive connections        -> requests/s
#   (b) 10 MiB uploads, wrk, 8 keep-alive connections         -> MB/s of request body (10^6 B/s)
#   (c) 64 simultaneous 10 MiB uploads, one connection each    -> the server's VmHWM (peak RSS)
#   (d) 1,000 idle keep-alive connections after one request    -> RSS growth per connection
# Checks: no answer of 400 or more; after the server stops (SIGTERM, exit 0), its storage dir
# holds one file of the upload's size per 200 (plus at most one per connection for uploads wrk
# stopped waiting for), no `.partial-*` file, and 5 random files with the upload's sha256.
#
# Exit status: 0 when every check passed, 1 when one failed, 2 on a setup error.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
lib=$root/scripts/lib
duration=${DURATION:-10}
storage_tmp=${STORAGE_TMP:-/dev/shm}
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in scripts/lib

die() { echo "bench.sh: $*" >&2; exit 2; }

# ---------------------------------------------------------------- setup

missing=()
for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if ((${#missing[@]} > 0)); then
  die "missing ${missing[*]}; install with: sudo apt-get install -y ${missing[*]}"
fi
[[ $duration =~ ^[1-9][0-9]*$ ]] || die "DURATION must be a whole number of seconds, got '$duration'"
[[ -d $storage_tmp && -w $storage_tmp ]] || die "STORAGE_TMP=$storage_tmp is not a writable directory"

if [[ -n ${BIN:-} ]]; then
  bin=$BIN
else
  # shellcheck source=scripts/lib/release.sh
  source "$root/scripts/lib/release.sh"
  echo "building: ${release_build[*]}" >&2
  (cd "$root" && "${release_build[@]}") >&2
  bin=$root/$release_binary
fi
[[ -x $bin ]] || die "no executable at $bin"

free_mib=$(df -Pm "$storage_tmp" | awk 'NR == 2 { print $4 }')
if ((free_mib < 1200 * duration + 2000)); then
  echo "warning: $storage_tmp has $free_mib MiB free; run (b) may store ~1 GB per second of DURATION" >&2
fi

work=$(mktemp -d "$storage_tmp/haptik-bench-XXXXXX")
server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; fi
  if [[ ${KEEP:-0} == 1 ]]; then echo "work dir kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

bench_py() { python3 "$lib/bench.py" "$@"; }

# The fixture (one client) and the two uploads, each as a file and as the request body carrying it.
read -r token client < <(bench_py fixture "$work/fixtures.json") || die "cannot write the fixture"
read -r small_file small_body boundary < <(bench_py payload 10240 "$work") || die "cannot write the payload"
read -r large_file large_body _ < <(bench_py payload 10485760 "$work") || die "cannot write the payload"

# ---------------------------------------------------------------- the server

# start_server NAME: a fresh server storing into $work/NAME; sets server_pid, port, storage.
start_server() {
  storage=$work/$1
  "$bin" --port 0 --storage-dir "$storage" --fixtures "$work/fixtures.json" \
    >"$work/$1.out" 2>"$work/$1.log" </dev/null &
  server_pid=$!
  local waited=0
  until port=$(sed -n 's|^Listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$work/$1.out" 2>/dev/null) &&
    [[ -n $port ]]; do
    if ! kill -0 "$server_pid" 2>/dev/null || ((waited++ > 300)); then
      tail -n 5 "$work/$1.log" >&2
      die "the server did not print its Listening line within 30 s"
    fi
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/__admin/health" || die "GET /__admin/health failed"
}

# stop_server: SIGTERM, then the exit status must be 0 (graceful shutdown).
stop_server() {
  kill -TERM "$server_pid"
  local status=0
  wait "$server_pid" || status=$?
  server_pid=""
  ((status == 0)) || fail "the server exited with status $status after SIGTERM"
}

# ---------------------------------------------------------------- checks and results

failures=()
fail() { failures+=("$*"); echo "FAIL: $*" >&2; }

rows=()
row() { rows+=("$(printf '| %-40s | %16s | %-56s |' "$1" "$2" "$3")"); }

# check_storage RUN FILE ANSWERS SLACK: one stored file per 200 and a sha256 sample, in the
# stopped server's storage dir, which is then deleted (run (b) leaves gigabytes). Sets check.
check_storage() {
  local out files sampled identical
  if out=$(bench_py check "$storage" "$2" "$3" "$4" 2>&1); then
    read -r files sampled identical <<<"$out"
    check="ok: $files files, $identical/$sampled sha256 ok"
  else
    fail "$1: ${out##*$'\n'}"
    check="FAILED (see below)"
  fi
  rm -rf "$storage"
}

# run_wrk RUN CONNECTIONS BODY FILE: one wrk run on a fresh server, checked; sets requests,
# seconds, body_bytes, p99_ms and check.
run_wrk() {
  local name=$1 connections=$2 out duration_us non2xx socket_errors timeouts p99_us
  local failed_before=${#failures[@]}
  start_server "$name"
  out=$(BENCH_BODY=$3 BENCH_BOUNDARY=$boundary BENCH_TOKEN=$token BENCH_CLIENT=$client \
    wrk -t 1 -c "$connections" -d "${duration}s" --timeout 30s -s "$lib/upload.lua" \
    "http://127.0.0.1:$port/v1.0/log_file_from_user/")
  echo "$out" >"$work/$name.wrk"
  grep -q '^WRK_RESULT ' <<<"$out" || die "$name: wrk printed no result line"
  read -r _ requests duration_us non2xx socket_errors timeouts _ p99_us body_bytes < <(grep '^WRK_RESULT ' <<<"$out")
  stop_server
  seconds=$(awk -v us="$duration_us" 'BEGIN { print us / 1e6 }')
  ((non2xx == 0)) || fail "$name: $non2xx answers with status >= 400"
  ((socket_errors == 0 && timeouts == 0)) || fail "$name: $socket_errors socket errors, $timeouts timeouts"
  check_storage "$name" "$4" "$((requests - non2xx))" "$connections"
  ((${#failures[@]} == failed_before)) || check="FAILED (see below)"
  p99_ms=$(awk -v us="$p99_us" 'BEGIN { printf "%.1f", us / 1000 }')
}

echo "binary: $bin; $duration s per wrk run; work dir: $work" >&2

# (a) small uploads: the per-request cost.
run_wrk a-10KiB 32 "$small_body" "$small_file"
row "(a) 10 KiB uploads, 32 connections" \
  "$(awk -v n="$requests" -v s="$seconds" 'BEGIN { printf "%.0f req/s", n / s }')" "$check; p99 ${p99_ms} ms"

# (b) large uploads: streaming to disk. MB/s of request body, 10^6 bytes.
run_wrk b-10MiB 8 "$large_body" "$large_file"
row "(b) 10 MiB uploads, 8 connections" \
  "$(awk -v n="$requests" -v b="$body_bytes" -v s="$seconds" 'BEGIN { printf "%.0f MB/s", n * b / s / 1e6 }')" \
  "$check; $requests uploads"

# (c) 64 simultaneous 10 MiB uploads: memory stays flat while they stream.
start_server c-burst
if out=$(bench_py burst "$port" "$server_pid" "$large_body" 64 2>&1); then
  read -r _ idle_rss_kib peak_rss_kib seconds <<<"$out"
  stop_server
  check_storage c-burst "$large_file" 64 0
  row "(c) peak RSS, 64 x 10 MiB at once" "$((peak_rss_kib / 1024)) MiB" "$check; idle $((idle_rss_kib / 1024)) MiB, ${seconds} s"
else
  stop_server
  fail "c-burst: ${out##*$'\n'}"
  row "(c) peak RSS, 64 x 10 MiB at once" "-" "FAILED (see below)"
fi

# (d) idle keep-alive connections: what each costs the server.
start_server d-idle
if out=$(bench_py idle "$port" "$server_pid" 1000 2>&1); then
  read -r rss_before_kib rss_after_kib per_connection_kib <<<"$out"
  row "(d) RSS per idle connection (1,000)" "$per_connection_kib KiB" \
    "ok: $((rss_before_kib / 1024)) -> $((rss_after_kib / 1024)) MiB"
else
  fail "d-idle: ${out##*$'\n'}"
  row "(d) RSS per idle connection (1,000)" "-" "FAILED (see below)"
fi
stop_server

# ---------------------------------------------------------------- report

printf '| %-40s | %16s | %-56s |\n' "run" "result" "check"
printf '|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "$(printf -- '-%.0s' {1..18})" "$(printf -- '-%.0s' {1..58})"
printf '%s\n' "${rows[@]}"
echo "($(nproc) CPUs, $duration s per wrk run, storage on $storage_tmp)"
if ((${#failures[@]} > 0)); then
  printf 'FAILED: %s\n' "${failures[@]}" >&2
  exit 1
fi

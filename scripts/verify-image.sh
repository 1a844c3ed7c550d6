#!/usr/bin/env bash
# Proves docker/Dockerfile's runtime stage without a Docker engine (CI runs it after scripts/test.sh):
#   scripts/verify-image.sh            as root, on Debian 12
# 1. Builds the static release binary as the build stage does and checks with ldd that it links
#    nothing beyond glibc, libstdc++, libgcc_s and libevent's two libraries.
# 2. Makes a minimal Debian bookworm root (debootstrap --variant=minbase from deb.debian.org, the
#    base of debian:bookworm-slim), cached in $HAPTIK_ROOTFS_CACHE (default ${TMPDIR:-/tmp}/haptik-rootfs)
#    and reused; each run works on a throw-away overlay of it.
# 3. Replays the Dockerfile's runtime stage in that root, read from the Dockerfile itself: its RUN
#    lines (so exactly its apt-get package list, its useradd), COPY lines (binary and Fixtures to the
#    same paths), USER, WORKDIR, ENV, VOLUME. Any other instruction stops the script.
# 4. Checks that every library the binary loads inside the root comes from the base or from a listed
#    package, and that every listed package provides one of them (nothing missing, nothing extra).
# 5. Runs ENTRYPOINT in the root with chroot as the image's USER with its ENV, then, from outside:
#    the HEALTHCHECK command (inside), `haptik-mock healthcheck`, one curl upload of
#    Fixtures/sample.png, a download of file_url compared byte for byte, the stored file in the
#    VOLUME, SIGTERM and exit status 0, and the HEALTHCHECK failing once the server is gone.
# Settings: VERIFY_DOCKERFILE (docker/Dockerfile), VERIFY_PORT (run as with `docker run -e
# HAPTIK_MOCK_PORT=...` when the image's port is taken), DEBIAN_MIRROR (http://deb.debian.org/debian).
# Mounts, the server process and the overlay are removed on exit, whatever happens.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh

DOCKERFILE=${VERIFY_DOCKERFILE:-docker/Dockerfile}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
CACHE=${HAPTIK_ROOTFS_CACHE:-${TMPDIR:-/tmp}/haptik-rootfs}
BASE=$CACHE/$SUITE-minbase
started=$SECONDS

log() { printf 'verify-image: %s\n' "$*" >&2; }
fail() { printf 'verify-image: FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'verify-image: ok: %s\n' "$*" >&2; }

((EUID == 0)) || fail "run as root: debootstrap, chroot and mount need it"
[[ -f $DOCKERFILE ]] || fail "no $DOCKERFILE"

# ---------------------------------------------------------------- reading the Dockerfile

# The Dockerfile's instructions, one per line: continuation lines joined, comments and blanks dropped.
instructions() {
  awk '/^[[:space:]]*#/ || /^[[:space:]]*$/ { next }
       { line = $0; if (sub(/\\[[:space:]]*$/, " ", line)) { buffer = buffer line; next }
         print buffer line; buffer = "" }
       END { if (buffer != "") print buffer }' "$DOCKERFILE"
}

# The words of an exec-form JSON array (["a", "b"]), one per line; fails on any other form.
json_words() {
  local text=$1
  [[ $text =~ ^\[[[:space:]]*(\"[^\"\\]*\"[[:space:]]*,?[[:space:]]*)+\]$ ]] \
    || fail "expected an exec-form JSON array in $DOCKERFILE, got: $text"
  grep -oE '"[^"]*"' <<<"$text" | sed 's/^"//; s/"$//'
}

mapfile -t all_lines < <(instructions)
last_from=-1
for i in "${!all_lines[@]}"; do
  [[ ${all_lines[i]^^} =~ ^FROM[[:space:]] ]] && last_from=$i
done
((last_from > 0)) || fail "$DOCKERFILE has no build stage before the runtime stage"
build_stage=("${all_lines[@]:0:last_from}")
runtime_stage=("${all_lines[@]:last_from}")

read -r _ runtime_base _ <<<"${runtime_stage[0]}"
[[ $runtime_base == debian:bookworm-slim ]] \
  || fail "the runtime stage is FROM $runtime_base; this script reproduces debian:bookworm-slim only"
build_flags='swift build -c release --static-swift-stdlib'
printf '%s\n' "${build_stage[@]}" | grep -qF -- "$build_flags" \
  || fail "the build stage no longer runs '$build_flags'; this script builds the binary that way"

# The packages the runtime stage's RUN lines install with apt-get.
mapfile -t listed_packages < <(
  printf '%s\n' "${runtime_stage[@]}" | grep -E '^RUN[[:space:]]' | grep -oE 'apt-get install[^&;|]*' \
    | sed 's/^apt-get install//' | tr ' ' '\n' | grep -vE '^(-.*)?$' | sort -u)
((${#listed_packages[@]} > 0)) || fail "no 'apt-get install' in the runtime stage of $DOCKERFILE"
log "runtime stage installs: ${listed_packages[*]}"

# in_context PATH: fails unless PATH exists and .dockerignore lets it into the build context
# (the last pattern matching it or a parent decides; '!' re-includes).
in_context() {
  local source=${1%/} pattern negated excluded=''
  [[ -e $source ]] || fail "COPY $source: no such file in the build context"
  while read -r pattern; do
    [[ -z $pattern || $pattern == \#* ]] && continue
    negated=''
    [[ $pattern == '!'* ]] && { negated=1; pattern=${pattern#!}; }
    # shellcheck disable=SC2053
    if [[ $source == $pattern || $source == $pattern/* ]]; then
      if [[ -n $negated ]]; then excluded=''; else excluded=$pattern; fi
    fi
  done <.dockerignore
  [[ -z $excluded ]] || fail "COPY $source: .dockerignore excludes it ('$excluded')"
}

# Everything the build stage copies from the context must be in it.
for line in "${build_stage[@]}"; do
  [[ ${line^^} =~ ^COPY[[:space:]] && ! $line =~ --from= ]] || continue
  read -ra words <<<"${line#*[[:space:]]}"
  for source in "${words[@]:0:${#words[@]}-1}"; do [[ $source == --* ]] || in_context "$source"; done
done

# ---------------------------------------------------------------- the binary

require_swift
ensure_packages libevent-dev pkg-config curl debootstrap debian-archive-keyring
log "building the static release binary (.build-static)"
swift build -c release --static-swift-stdlib --scratch-path .build-static --product haptik-mock >&2
BIN=$(swift build -c release --static-swift-stdlib --scratch-path .build-static --show-bin-path)/haptik-mock
[[ -x $BIN ]] || fail "no binary at $BIN"

# ldd names: the C and C++ runtimes every bookworm image has, and libevent's two libraries.
allowed='^(linux-vdso\.so\.1|libc\.so\.6|libm\.so\.6|libstdc\+\+\.so\.6|libgcc_s\.so\.1|ld-linux-[a-z0-9_-]+\.so\.2|libevent_core-2\.1\.so\.7|libevent_pthreads-2\.1\.so\.7)$'
mapfile -t linked < <(ldd "$BIN" | awk '{ print $1 }' | xargs -n1 basename | sort -u)
for library in "${linked[@]}"; do
  [[ $library =~ $allowed ]] || fail "$BIN links $library, beyond libc and libevent:"$'\n'"$(ldd "$BIN")"
done
for library in libevent_core-2.1.so.7 libevent_pthreads-2.1.so.7; do
  printf '%s\n' "${linked[@]}" | grep -qxF "$library" || fail "$BIN no longer links $library; update this script's list"
done
pass "ldd lists only: ${linked[*]}"

# ---------------------------------------------------------------- the root file system

if [[ ! -f $BASE/.haptik-complete ]]; then
  log "debootstrap --variant=minbase $SUITE into $BASE (cached for later runs)"
  rm -rf "$BASE"
  mkdir -p "$CACHE"
  debootstrap --variant=minbase "$SUITE" "$BASE" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 \
    || fail "debootstrap failed; see $CACHE/debootstrap.log"
  # As in debian:bookworm-slim: deb822 sources for the release, its updates and security fixes.
  rm -f "$BASE/etc/apt/sources.list"
  cat >"$BASE/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  chroot "$BASE" apt-get clean
  rm -rf "$BASE"/var/lib/apt/lists/*
  touch "$BASE/.haptik-complete"
else
  log "reusing $BASE"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/haptik-verify.XXXXXX")
ROOT=$WORK/root
mounts=()
server_pid=
cleanup() {
  local status=$?
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  local index
  for ((index = ${#mounts[@]} - 1; index >= 0; index--)); do
    umount "${mounts[index]}" 2>/dev/null || umount -l "${mounts[index]}" 2>/dev/null || true
  done
  if mountpoint -q "$ROOT" 2>/dev/null; then
    log "could not unmount $ROOT; leaving $WORK"
  else
    rm -rf "$WORK"
  fi
  log "finished in $((SECONDS - started)) s"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/upper" "$WORK/overlay-work" "$ROOT"
if mount -t overlay overlay -o "lowerdir=$BASE,upperdir=$WORK/upper,workdir=$WORK/overlay-work" "$ROOT" 2>/dev/null; then
  mounts+=("$ROOT")
else
  log "overlayfs unavailable; copying the base root instead"
  cp -a "$BASE/." "$ROOT/"
fi
mount -t proc proc "$ROOT/proc" && mounts+=("$ROOT/proc")
# /dev as Docker gives it: a tmpfs with the usual character devices.
mount -t tmpfs -o mode=755,nosuid dev "$ROOT/dev" && mounts+=("$ROOT/dev")
for node in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  read -r name major minor <<<"$node"
  mknod -m 666 "$ROOT/dev/$name" c "$major" "$minor"
done
mkdir -p "$ROOT/dev/shm"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
# shellcheck disable=SC2016
mapfile -t base_packages < <(chroot "$ROOT" dpkg-query -W -f '${Package}\n')

# ---------------------------------------------------------------- replaying the runtime stage

declare -A image_env=([PATH]=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin)
env_names=(PATH)
user=root
workdir=/
volumes=()
exposed=()
entrypoint=()
command=()
healthcheck=()

set_env() {
  [[ $1 =~ ^[A-Za-z_][A-Za-z0-9_]*$ && $2 != *[\$\"\'\\]* ]] || fail "ENV $1=$2: only plain values are supported"
  [[ -v image_env[$1] ]] || env_names+=("$1")
  image_env[$1]=$2
}

# uid:gid for USER's value (name, uid, name:group or uid:gid), looked up in the root.
userspec() {
  local who=${1%%:*} group='' uid gid
  [[ $1 == *:* ]] && group=${1#*:}
  if [[ $who =~ ^[0-9]+$ ]]; then
    uid=$who
    gid=$(awk -F: -v u="$uid" '$3 == u { print $4; exit }' "$ROOT/etc/passwd")
  else
    uid=$(awk -F: -v u="$who" '$1 == u { print $3; exit }' "$ROOT/etc/passwd")
    gid=$(awk -F: -v u="$who" '$1 == u { print $4; exit }' "$ROOT/etc/passwd")
  fi
  [[ -n $uid ]] || fail "USER $1: no such user in the root's /etc/passwd"
  if [[ -n $group ]]; then
    [[ $group =~ ^[0-9]+$ ]] && gid=$group || gid=$(awk -F: -v g="$group" '$1 == g { print $3; exit }' "$ROOT/etc/group")
  fi
  echo "$uid:${gid:-$uid}"
}

# root_command COMMAND...: sets `rooted` to the command line that runs COMMAND in the root as the
# current USER, with only the image's ENV (plus HOME, as Docker adds it) and in its WORKDIR, like a
# RUN step or a container's process. chroot, env and sh each exec the next: one process in the end.
root_command() {
  local spec home variables=() name
  spec=$(userspec "$user")
  home=$(awk -F: -v u="${spec%%:*}" '$3 == u { print $6; exit }' "$ROOT/etc/passwd")
  for name in "${env_names[@]}"; do variables+=("$name=${image_env[$name]}"); done
  [[ -v image_env[HOME] ]] || variables+=("HOME=${home:-/}")
  # shellcheck disable=SC2016
  rooted=(chroot --userspec="$spec" --groups="${spec#*:}" "$ROOT" /usr/bin/env -i "${variables[@]}"
          /bin/sh -c 'cd "$0" && exec "$@"' "$workdir" "$@")
}

# in_root COMMAND...: runs COMMAND as root_command describes and waits for it.
in_root() {
  root_command "$@"
  "${rooted[@]}"
}

# COPY [--from=build] [--chown=U[:G]] SOURCE... DEST
copy_step() {
  local words word from='' chown='' sources=() destination source target owner
  read -ra words <<<"$1"
  for word in "${words[@]}"; do
    case $word in
      --from=*) from=${word#--from=} ;;
      --chown=*) chown=${word#--chown=} ;;
      --*) fail "COPY option $word is not supported here" ;;
      *) sources+=("$word") ;;
    esac
  done
  destination=${sources[-1]}
  unset 'sources[-1]'
  [[ $destination == /* ]] || destination=$workdir/$destination
  for source in "${sources[@]}"; do
    if [[ -n $from ]]; then
      if [[ $(basename "$source") != haptik-mock ]] || ! printf '%s\n' "${build_stage[@]}" | grep -qF -- "$source"; then
        fail "COPY --from=$from $source: not the binary the build stage installs"
      fi
      source=$BIN
    else
      in_context "$source"
    fi
    if [[ -d $source ]]; then
      target=$ROOT$destination
      mkdir -p "$target"
      cp -R --preserve=mode,timestamps "$source/." "$target/"
    else
      [[ $destination == */ ]] && target=$ROOT$destination$(basename "$source") || target=$ROOT$destination
      install -D -m "$(stat -c %a "$source")" "$source" "$target"
    fi
    owner=0:0
    [[ -z $chown ]] || owner=$(userspec "$chown")
    chown -R "$owner" "$target"
    log "COPY ${from:+--from=$from }$source -> $destination"
  done
}

for line in "${runtime_stage[@]:1}"; do
  keyword=${line%%[[:space:]]*}
  arguments=${line#"$keyword"}
  arguments=${arguments#"${arguments%%[![:space:]]*}"}
  case ${keyword^^} in
    RUN)
      [[ $arguments != \[* ]] || fail "RUN in exec form is not supported here"
      log "RUN (as $user) $arguments"
      in_root /bin/sh -c "$arguments" </dev/null >"$WORK/run.log" 2>&1 || { cat "$WORK/run.log" >&2; fail "RUN $arguments"; } ;;
    COPY) copy_step "$arguments" ;;
    USER) user=$arguments ;;
    WORKDIR)
      [[ $arguments == /* ]] || arguments=$workdir/$arguments
      workdir=$arguments
      mkdir -p "$ROOT$workdir" ;;
    ENV)
      if [[ $arguments =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
        read -ra pairs <<<"$arguments"
        for pair in "${pairs[@]}"; do set_env "${pair%%=*}" "${pair#*=}"; done
      else
        set_env "${arguments%%[[:space:]]*}" "${arguments#*[[:space:]]}"
      fi ;;
    VOLUME)
      if [[ $arguments == \[* ]]; then mapfile -t -O "${#volumes[@]}" volumes < <(json_words "$arguments")
      else read -ra more <<<"$arguments"; volumes+=("${more[@]}"); fi ;;
    EXPOSE) read -ra more <<<"$arguments"; exposed+=("${more[@]%/tcp}") ;;
    HEALTHCHECK)
      [[ $arguments =~ [[:space:]]?CMD[[:space:]]+(\[.*\])$ ]] || fail "HEALTHCHECK must end in CMD [\"...\"]"
      mapfile -t healthcheck < <(json_words "${BASH_REMATCH[1]}") ;;
    ENTRYPOINT) mapfile -t entrypoint < <(json_words "$arguments") ;;
    CMD) mapfile -t command < <(json_words "$arguments") ;;
    LABEL | STOPSIGNAL) ;;
    *) fail "the runtime stage has '$keyword', which this script cannot reproduce: teach it, or keep the stage simple" ;;
  esac
done

# ---------------------------------------------------------------- the root as built

((${#entrypoint[@]} + ${#command[@]} > 0)) || fail "no ENTRYPOINT or CMD"
((${#healthcheck[@]} > 0)) || fail "no HEALTHCHECK"
((${#volumes[@]} > 0)) || fail "no VOLUME for the storage directory"
image_uid=$(userspec "$user")
image_uid=${image_uid%%:*}
[[ $image_uid != 0 ]] || fail "the image runs as root (USER $user)"
storage=${image_env[HAPTIK_MOCK_STORAGE_DIR]:-}
printf '%s\n' "${volumes[@]}" | grep -qxF -- "$storage" \
  || fail "HAPTIK_MOCK_STORAGE_DIR ($storage) is not a VOLUME (${volumes[*]})"
[[ $(stat -c %u "$ROOT$storage") == "$image_uid" ]] || fail "$storage is not owned by USER $user"
[[ ${image_env[HAPTIK_MOCK_HOST]:-} == 0.0.0.0 ]] || fail "HAPTIK_MOCK_HOST must be 0.0.0.0 in the image"
image_port=${image_env[HAPTIK_MOCK_PORT]:-8080}
printf '%s\n' "${exposed[@]}" | grep -qxF "$image_port" || fail "EXPOSE (${exposed[*]}) does not include port $image_port"
pass "USER $user (uid $image_uid), VOLUME $storage owned by it, host 0.0.0.0, EXPOSE $image_port"

# Every library the binary loads in the root, and the package it comes from.
program=${entrypoint[0]:-${command[0]}}
# shellcheck disable=SC2016
executable=$(in_root /bin/sh -c 'command -v "$1"' sh "$program") || fail "$program is not on the image's PATH"
ldd_output=$(chroot "$ROOT" ldd "$executable") || fail "ldd $executable in the root failed"
if grep -q 'not found' <<<"$ldd_output"; then
  fail "in the root, libraries are missing (the Dockerfile's package list lacks them):"$'\n'"$ldd_output"
fi
declare -A needed_packages=()
while read -r path; do
  package=$(chroot "$ROOT" dpkg -S "$path" 2>/dev/null || chroot "$ROOT" dpkg -S "/usr$path" 2>/dev/null \
    || chroot "$ROOT" dpkg -S "${path#/usr}" 2>/dev/null) || fail "no package owns $path in the root"
  package=${package%%:*}
  needed_packages[$package]=1
  if ! printf '%s\n' "${base_packages[@]}" "${listed_packages[@]}" | grep -qxF "$package"; then
    fail "$path comes from $package, which neither bookworm-slim nor the runtime stage installs"
  fi
done < <(awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' <<<"$ldd_output" | sort -u)
for package in "${listed_packages[@]}"; do
  [[ -v needed_packages[$package] ]] || fail "the runtime stage installs $package, which the binary does not link"
done
pass "in the root every library resolves, from: ${!needed_packages[*]}"

# ---------------------------------------------------------------- the server in the root

port=${VERIFY_PORT:-$image_port}
[[ $port == "$image_port" ]] || { log "running with HAPTIK_MOCK_PORT=$port (VERIFY_PORT)"; image_env[HAPTIK_MOCK_PORT]=$port; }
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$port/"; then
  fail "port $port is already in use on this machine; set VERIFY_PORT to a free port"
fi
root_command "${entrypoint[@]}" "${command[@]}"
"${rooted[@]}" </dev/null >"$WORK/stdout" 2>"$WORK/stderr" &
server_pid=$!
for _ in $(seq 200); do
  [[ -s $WORK/stdout ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.05
done
listening=$(head -n1 "$WORK/stdout")
[[ $listening == "Listening on http://0.0.0.0:$port" ]] \
  || fail "expected 'Listening on http://0.0.0.0:$port', got '$listening'; stderr:"$'\n'"$(cat "$WORK/stderr")"
running_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$server_pid/status")
[[ $running_uid == "$image_uid" ]] || fail "the server runs as uid $running_uid, not $image_uid"
pass "the server started in the root as uid $running_uid: $listening"

in_root "${healthcheck[@]}" >/dev/null || fail "the HEALTHCHECK command (${healthcheck[*]}) failed inside the root"
"$BIN" healthcheck --url "http://127.0.0.1:$port" >/dev/null || fail "haptik-mock healthcheck from outside failed"
pass "HEALTHCHECK '${healthcheck[*]}' inside and 'haptik-mock healthcheck' outside exit 0"

# One upload as the README's sample command makes it, with the demo client of Fixtures/fixtures.json.
sample=Fixtures/sample.png
answer=$(curl -sS --max-time 20 -w '\n%{http_code}' -X POST "http://127.0.0.1:$port/v1.0/log_file_from_user/" \
  -H 'Authorization: Bearer demo-token' -H 'client-id: demo-client' \
  -F auth_id=user_001 -F business_id=4321 -F message_type=1 -F "file=@$sample" -F message_body=) \
  || fail "curl upload failed"
[[ ${answer##*$'\n'} == 200 ]] || fail "upload answered ${answer##*$'\n'}: ${answer%$'\n'*}"
file_url=$(sed -n 's/.*"file_url": *"\([^"]*\)".*/\1/p' <<<"${answer%$'\n'*}")
[[ $file_url =~ ^http://127\.0\.0\.1:$port/content/[0-9a-f]{32}\.png$ ]] || fail "unexpected file_url '$file_url'"
curl -sS --fail --max-time 20 -o "$WORK/downloaded" "$file_url" || fail "GET $file_url failed"
cmp -s "$sample" "$WORK/downloaded" || fail "GET $file_url returned other bytes than $sample"
stored=$ROOT$storage/${file_url##*/}
cmp -s "$sample" "$stored" || fail "$storage/${file_url##*/} in the root differs from $sample"
[[ $(stat -c %u "$stored") == "$image_uid" ]] || fail "the stored file is not owned by uid $image_uid"
pass "upload 200, file_url $file_url serves the same bytes, stored in the VOLUME"

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
[[ $status == 0 ]] || fail "after SIGTERM the server exited with status $status; stderr:"$'\n'"$(cat "$WORK/stderr")"
if in_root "${healthcheck[@]}" >/dev/null 2>&1; then fail "the HEALTHCHECK still passes with the server stopped"; fi
pass "SIGTERM: exit 0; the HEALTHCHECK then fails"
log "the runtime stage of $DOCKERFILE is complete"

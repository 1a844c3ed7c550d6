"""Helpers for scripts/bench.sh. Standard library only.

    bench.py fixture PATH                     writes the fixture file the benchmark server uses
    bench.py payload SIZE DIR                 writes DIR/file-SIZE.pdf and DIR/body-SIZE.bin
    bench.py check STORAGE FILE ANSWERS SLACK checks the storage dir after a run
    bench.py burst PORT PID BODY COUNT        COUNT simultaneous uploads; the server's peak RSS
    bench.py idle PORT PID COUNT              COUNT idle keep-alive connections; RSS per connection

Each command prints one line of values, separated by spaces, in the order its docstring gives,
for bench.sh to `read`; it exits 1 when a check fails, with the reason on stderr.
"""
import asyncio
import hashlib
import json
import os
import random
import re
import resource
import socket
import sys
import time

HOST = "127.0.0.1"
PATH = "/v1.0/log_file_from_user/"
TOKEN, CLIENT_ID = "bench-token", "bench-client"
AUTH_ID, BUSINESS_ID = "bench_user", 4321
# curl's own style of boundary: 24 dashes and 16 hex digits.
BOUNDARY = "------------------------" + "5f1d7a3c9b2e4d60"
FILE_NAME, FILE_TYPE = "bench.pdf", "application/pdf"
# What the server names a stored upload: 32 hex digits, then the filename's extension.
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.pdf$")


def fail(message):
    print("bench.py: " + message, file=sys.stderr)
    sys.exit(1)


# ---------------------------------------------------------------- fixture and upload

def write_fixture(path):
    """One client with one token, user and business id (CONTRACT §2). Prints: token client_id."""
    document = {"clients": [{"client_id": CLIENT_ID, "tokens": [TOKEN],
                             "auth_ids": [AUTH_ID], "business_ids": [BUSINESS_ID]}]}
    with open(path, "w") as f:
        json.dump(document, f)
    print(TOKEN, CLIENT_ID)


def text_part(name, value):
    return ('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
            % (BOUNDARY, name, value)).encode()


def multipart_body(data):
    """The body `curl -F auth_id=.. -F business_id=.. -F message_type=52 -F file=@bench.pdf
    -F message_body=..` sends: parts in that order, each closed by CRLF, then the close delimiter."""
    return b"".join([
        text_part("auth_id", AUTH_ID),
        text_part("business_id", BUSINESS_ID),
        text_part("message_type", 52),
        ('--%s\r\nContent-Disposition: form-data; name="file"; filename="%s"\r\nContent-Type: %s\r\n\r\n'
         % (BOUNDARY, FILE_NAME, FILE_TYPE)).encode(),
        data, b"\r\n",
        text_part("message_body", "benchmark upload"),
        ("--%s--\r\n" % BOUNDARY).encode(),
    ])


def write_payload(size, directory):
    """A pseudo-random file of `size` bytes (the same every run) and the request body carrying it.
    Prints: file_path body_path boundary."""
    data = random.Random(size).randbytes(size)
    file_path = os.path.join(directory, "file-%d.pdf" % size)
    body_path = os.path.join(directory, "body-%d.bin" % size)
    with open(file_path, "wb") as f:
        f.write(data)
    with open(body_path, "wb") as f:
        f.write(multipart_body(data))
    print(file_path, body_path, BOUNDARY)


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# ---------------------------------------------------------------- storage check

def check_storage(storage, file_path, answers, slack):
    """After a stopped run: at least one stored file per 200 (`answers`) and at most `slack` more
    (uploads the server finished after the client stopped counting), every one named as the server
    names uploads and of the uploaded size, no `.partial-*` left, and 5 random ones byte-identical
    (sha256) to the uploaded file. Prints: stored_files sampled identical."""
    size, expected_sha = os.path.getsize(file_path), sha256_of(file_path)
    stored, problems = [], []
    with os.scandir(storage) as entries:
        for entry in entries:
            if entry.name.startswith(".partial-"):
                problems.append("temporary file left: " + entry.name)
            elif not STORED_NAME.match(entry.name):
                problems.append("unexpected file: " + entry.name)
            elif entry.stat().st_size != size:
                problems.append("%s has %d bytes, not %d" % (entry.name, entry.stat().st_size, size))
            else:
                stored.append(entry.path)
    if len(stored) < answers:
        problems.append("%d files for %d answers" % (len(stored), answers))
    if len(stored) > answers + slack:
        problems.append("%d files for %d answers (at most %d in flight)" % (len(stored), answers, slack))
    sample = random.sample(stored, min(5, len(stored)))
    mismatched = [p for p in sample if sha256_of(p) != expected_sha]
    if mismatched:
        problems.append("sha256 differs from the upload: " + ", ".join(os.path.basename(p) for p in mismatched))
    print(len(stored), len(sample), len(sample) - len(mismatched))
    if problems:
        fail("storage check failed: " + "; ".join(problems[:5]))


# ---------------------------------------------------------------- memory

def status_kib(pid, key):
    """A `VmRSS:`/`VmHWM:` figure of /proc/PID/status, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    fail("no %s in /proc/%d/status" % (key, pid))


def upload_head(length):
    return ("POST %s HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nclient-id: %s\r\n"
            "Content-Type: multipart/form-data; boundary=%s\r\nContent-Length: %d\r\n\r\n"
            % (PATH, HOST, TOKEN, CLIENT_ID, BOUNDARY, length)).encode()


async def read_answer(reader):
    """Reads one HTTP answer; returns its status."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def one_upload(port, request, start):
    """Opens a connection, waits for the starting signal, sends the whole request in 256 KiB writes."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        await start.wait()
        view = memoryview(request)
        for offset in range(0, len(view), 256 * 1024):
            writer.write(view[offset:offset + 256 * 1024])
            await writer.drain()
        return await read_answer(reader)
    except (OSError, ValueError, IndexError, asyncio.IncompleteReadError) as error:
        return "%s" % error
    finally:
        writer.close()


async def run_burst(port, request, count):
    start = asyncio.Event()
    tasks = [asyncio.ensure_future(one_upload(port, request, start)) for _ in range(count)]
    await asyncio.sleep(0.2)   # every connection open before the first byte of any body
    start.set()
    return await asyncio.gather(*tasks)


def burst(port, pid, body_path, count):
    """`count` uploads at once, one connection each. VmHWM is the kernel's record of the process's
    peak resident memory, so no sample can miss the peak.
    Prints: uploads_answered_200 idle_rss_kib peak_rss_kib seconds."""
    with open(body_path, "rb") as f:
        body = f.read()
    request = upload_head(len(body)) + body
    idle = status_kib(pid, "VmRSS")
    began = time.monotonic()
    statuses = asyncio.run(asyncio.wait_for(run_burst(port, request, count), 600))
    seconds = time.monotonic() - began
    ok = sum(1 for s in statuses if s == 200)
    print("%d %d %d %.1f" % (ok, idle, status_kib(pid, "VmHWM"), seconds))
    if ok != count:
        others = sorted({str(s) for s in statuses if s != 200})
        fail("%d of %d uploads answered 200; others: %s" % (ok, count, ", ".join(others)))


def http_get(sock, path):
    """Sends a keep-alive GET on an open socket and reads the answer; returns its status."""
    sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\n\r\n" % (path, HOST)).encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise OSError("connection closed")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head).group(1))
    while len(rest) < length:
        rest += sock.recv(4096)
    return int(head.split()[1])


def settled_rss(pid):
    """RSS once the server has finished reacting (the allocator may trim lazily): the last of a few
    readings 100 ms apart, once two agree."""
    last = status_kib(pid, "VmRSS")
    for _ in range(20):
        time.sleep(0.1)
        now = status_kib(pid, "VmRSS")
        if now == last:
            return now
        last = now
    return last


def idle(port, pid, count):
    """Opens `count` connections, each used for one health request and then left open and idle;
    the server's RSS growth divided by `count`. Prints: rss_before_kib rss_after_kib kib_per_connection."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, count + 64), hard))
    warm = socket.create_connection((HOST, port))   # first-request allocations do not count
    http_get(warm, "/__admin/health")
    warm.close()
    before = settled_rss(pid)
    sockets = []
    try:
        for _ in range(count):
            sock = socket.create_connection((HOST, port), timeout=10)
            sockets.append(sock)
            if http_get(sock, "/__admin/health") != 200:
                fail("a health request did not answer 200")
        after = settled_rss(pid)
        still_open = 0   # each must still be served: the server kept them all
        for sock in random.sample(sockets, min(20, len(sockets))):
            still_open += http_get(sock, "/__admin/health") == 200
    except OSError as error:
        fail("idle connection %d of %d failed: %s" % (len(sockets), count, error))
    finally:
        for sock in sockets:
            sock.close()
    print("%d %d %.1f" % (before, after, (after - before) / count))
    if still_open != min(20, count):
        fail("only %d of 20 sampled idle connections were still served" % still_open)


# ---------------------------------------------------------------- entry point

def main(argv):
    commands = {
        "fixture": (write_fixture, [str]),
        "payload": (write_payload, [int, str]),
        "check": (check_storage, [str, str, int, int]),
        "burst": (burst, [int, int, str, int]),
        "idle": (idle, [int, int, int]),
    }
    if len(argv) < 2 or argv[1] not in commands or len(argv) - 2 != len(commands[argv[1]][1]):
        sys.exit(__doc__)
    function, types = commands[argv[1]]
    function(*(kind(value) for kind, value in zip(types, argv[2:])))


if __name__ == "__main__":
    main(sys.argv)

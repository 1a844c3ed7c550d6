#!/usr/bin/env python3
"""Differential test of Sources/Multipart against Python's standard-library email parser.

    scripts/multipart-differential.py [--count N] [--seed S] [--keep]

Generates N well-formed multipart/form-data bodies (default 1000, seed 1 so runs are repeatable):
random boundaries of 1-70 bchars, random fields in random order, binary contents full of near-delimiter
sequences (CRLF--bound, CR CR LF--boundary, a CR or a delimiter prefix as the last content byte, ...),
optional preamble, transport padding and epilogue, each with a random chunking (cuts right after CRs
and inside delimiters included). The browser captures of Tests/MultipartTests/Captures are added as
extra cases. Each body goes to the Swift harness Fuzz/Differential/main.swift (compiled with swiftc
from the Multipart sources into .build-fuzz/), fed in its chunks, and to email.parser.BytesParser with
email.policy.HTTP. Both must report the same parts (name, filename, Content-Type, exact bytes) and
both must equal what the generator put in. Exits 1 at the first disagreement, printing the body's
path (the case directory is then kept), 0 if every body agrees.
"""

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from email import policy
from email.parser import BytesParser
from urllib.parse import quote

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CAPTURES = os.path.join(ROOT, "Tests", "MultipartTests", "Captures")
BCHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? "
FIELD_NAMES = ["auth_id", "business_id", "message_type", "message_body", "file", "caption",
               "na me", "é-ü", 'q"uote', "semi;colon", "eq=ual", "back\\slash", "x" * 80]
CONTENT_TYPES = ["image/png", "application/pdf", "application/octet-stream", "text/plain; charset=utf-8",
                 "image/jpeg", "text/csv"]


def build_harness():
    out_dir = os.path.join(ROOT, ".build-fuzz")
    os.makedirs(out_dir, exist_ok=True)
    binary = os.path.join(out_dir, "multipart-differential")
    sources = sorted(os.path.join(ROOT, "Sources", "Multipart", f)
                     for f in os.listdir(os.path.join(ROOT, "Sources", "Multipart")) if f.endswith(".swift"))
    subprocess.run(["swiftc", "-O", "-parse-as-library", "-module-name", "Multipart", "-swift-version", "6",
                    "-enable-upcoming-feature", "InternalImportsByDefault",
                    "-enable-upcoming-feature", "ExistentialAny",
                    *sources, os.path.join(ROOT, "Fuzz", "Differential", "main.swift"), "-o", binary],
                   check=True)
    return binary


# ---------------------------------------------------------------- generation

def random_boundary(rng):
    style = rng.random()
    if style < 0.15:
        return "-" * 24 + "".join(rng.choice("0123456789abcdef") for _ in range(16))   # curl
    if style < 0.25:
        return "----WebKitFormBoundary" + "".join(rng.choice(BCHARS[:62]) for _ in range(16))
    if style < 0.35:
        return "-" * 27 + "".join(rng.choice("0123456789") for _ in range(rng.randint(10, 30)))  # Firefox
    length = rng.choice([1, 1, 2, 3, rng.randint(1, 70), rng.randint(1, 70), 70])
    boundary = "".join(rng.choice(BCHARS) for _ in range(length))
    if boundary.endswith(" "):
        boundary = boundary[:-1] + rng.choice(BCHARS[:-1])
    return boundary


def python_line_starts(data):
    """Where Python's feed parser starts a line: after LF, after CR not followed by LF, and at 0."""
    starts = [0]
    for i, byte in enumerate(data):
        if byte == 0x0A or (byte == 0x0D and data[i + 1:i + 2] != b"\n"):
            starts.append(i + 1)
    return starts


def safe_content(content, boundary):
    """Whether `content` is unambiguous part content: no CRLF--boundary before the real delimiter
    (which RFC 2046 forbids), and no line that Python, which also breaks lines at bare CR or LF,
    would take for a boundary line."""
    delimiter = b"\r\n--" + boundary
    framed = b"\r\n\r\n" + content + delimiter
    if framed.find(delimiter) != len(framed) - len(delimiter):
        return False
    return not any(content.startswith(b"--" + boundary, start) for start in python_line_starts(content))


def near_delimiter(rng, boundary):
    b = b"--" + boundary
    mutated = bytearray(b)
    mutated[rng.randrange(len(mutated))] ^= 1 << rng.randrange(7)
    choices = [
        b"\r\n" + b[:rng.randrange(len(b))],            # a delimiter prefix
        b"\r\n-" + boundary,                            # one dash short
        b"\r\r\n" + b[:rng.randrange(len(b))],          # CR CR LF then a prefix
        b"x" + b,                                       # the boundary mid-line
        b"\r\n" + bytes(mutated),                       # one bit off
        b"\r\n" + b + b"\r\n",                          # whole, unless safe_content refuses it
        b"\r", b"\r\n", b"\n", b"\r\r", b"-", b"--",
    ]
    return rng.choice(choices)


def random_content(rng, boundary):
    for _ in range(50):
        pieces = []
        for _ in range(rng.randint(0, 8)):
            kind = rng.random()
            if kind < 0.45:
                pieces.append(near_delimiter(rng, boundary))
            elif kind < 0.75:
                pieces.append(bytes(rng.randrange(256) for _ in range(rng.randint(0, 200))))
            else:
                pieces.append(bytes(rng.choice(b"abc -\r\n") for _ in range(rng.randint(0, 40))))
        if rng.random() < 0.3:   # a CR or a delimiter prefix as the very last bytes
            pieces.append(rng.choice([b"\r", b"\r\n", b"\r\n-", b"\r\n--" + boundary[:-1]]))
        content = b"".join(pieces)
        if safe_content(content, boundary):
            return content
    return bytes(rng.choice(b"abcdef") for _ in range(rng.randint(0, 30)))


def quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def random_part(rng, boundary, name):
    """Header lines (bytes) and the expected part."""
    disposition_name = rng.choice(["Content-Disposition", "content-disposition", "CONTENT-DISPOSITION"])
    separator = rng.choice(["; ", ";", " ; ", ";\t"])
    params = [f"name={quoted(name)}" if not name.isalnum() or rng.random() < 0.8 else f"name={name}"]
    filename = None
    if rng.random() < 0.5:
        filename = rng.choice(["a.png", "report 2024.pdf", "été.txt", "C:\\dir\\x.bin", 'say "hi".txt',
                               "../../etc/passwd", "a;b=c.bin", "日本語.jpg"])
        if rng.random() < 0.25:
            params.append("filename*=UTF-8''" + quote(filename, safe=""))
        else:
            params.append(f"filename={quoted(filename)}")
    rng.shuffle(params)
    lines = [f"{disposition_name}: form-data{separator}{separator.join(params)}"]
    content_type = None
    if rng.random() < 0.6:
        content_type = rng.choice(CONTENT_TYPES)
        lines.append(f"{rng.choice(['Content-Type', 'content-type'])}: {content_type}")
    if rng.random() < 0.2:
        lines.append("X-Extra: ignored; value")
    rng.shuffle(lines)
    content = random_content(rng, boundary)
    head = b"".join(line.encode() + b"\r\n" for line in lines)
    return head, {"name": name, "filename": filename, "content_type": content_type, "content": content}


def random_case(rng):
    boundary_text = random_boundary(rng)
    boundary = boundary_text.encode()
    names = rng.sample(FIELD_NAMES, rng.randint(1, 6))
    body = b""
    if rng.random() < 0.2:
        for _ in range(50):
            preamble = bytes(rng.choice(b"preamble text -\r\n") for _ in range(rng.randint(0, 60))) + b"\r\n"
            if safe_content(preamble[:-2], boundary):
                body += preamble
                break
    expected = []
    for name in names:
        head, part = random_part(rng, boundary, name)
        padding = rng.choice([b"", b"", b"", b" ", b"\t", b" \t "])
        body += b"--" + boundary + padding + b"\r\n" + head + b"\r\n" + part["content"] + b"\r\n"
        expected.append(part)
    body += b"--" + boundary + b"--" + rng.choice([b"", b"", b" ", b"\t "])
    if rng.random() < 0.7:   # RFC 2046: close-delimiter transport-padding [CRLF epilogue]
        body += b"\r\n"
        if rng.random() < 0.3:
            body += b"epilogue, ignored\r\n"
    return boundary_text, body, expected


def random_chunking(rng, body):
    if rng.random() < 0.2 or not body:
        return [len(body)]
    if len(body) < 400 and rng.random() < 0.1:
        return [1] * len(body)
    cuts = {rng.randint(0, len(body)) for _ in range(rng.randint(1, 12))}
    crs = [i + 1 for i, byte in enumerate(body) if byte == 0x0D]
    cuts.update(rng.sample(crs, min(len(crs), rng.randint(0, 4))))   # right after a CR
    points = sorted(cuts | {0, len(body)})
    return [end - start for start, end in zip(points, points[1:]) if end > start] or [len(body)]


def capture_cases():
    with open(os.path.join(CAPTURES, "manifest.json"), encoding="utf-8") as file:
        manifest = json.load(file)
    for key, entry in sorted(manifest.items()):
        if entry.get("expect") == "malformed":
            continue
        with open(os.path.join(CAPTURES, entry["body"]), "rb") as file:
            yield key, entry["boundary"], file.read()


# ---------------------------------------------------------------- the independent parser

def raw_header(part, name):
    """The first `name` field's value as sent (only trimmed), as the Swift parser gives it: the
    policy's parsed header would normalize `charset=utf-8` to `charset="utf-8"`."""
    for field, value in part.raw_items():
        if field.lower() == name:
            return value.strip(" \t")
    return None


def python_parts(boundary, body):
    document = (b'Content-Type: multipart/form-data; boundary="' + boundary.encode() + b'"\r\n'
                b"MIME-Version: 1.0\r\n\r\n" + body)
    message = BytesParser(policy=policy.HTTP).parsebytes(document)
    defects = list(message.defects)
    parts = []
    for part in message.get_payload() if message.is_multipart() else []:
        defects += part.defects
        parts.append({
            "name": part.get_param("name", header="content-disposition"),
            "filename": part.get_filename(),
            "content_type": raw_header(part, "content-type"),
            "content": part.get_payload(decode=True),
        })
    return parts, [type(defect).__name__ for defect in defects]


def describe(parts):
    return [{**part, "content": f"{len(part['content'])} bytes {part['content'][:40]!r}"} for part in parts]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the case directory even if all agree")
    args = parser.parse_args()

    binary = build_harness()
    rng = random.Random(args.seed)
    directory = tempfile.mkdtemp(prefix="multipart-differential.")
    cases = {}
    lines = []
    for index in range(args.count):
        boundary, body, expected = random_case(rng)
        cases[f"case{index:05d}"] = (boundary, body, expected)
    for key, boundary, body in capture_cases():
        cases[f"capture-{key}"] = (boundary, body, None)
    for case_id, (boundary, body, _) in cases.items():
        with open(os.path.join(directory, case_id + ".body"), "wb") as file:
            file.write(body)
        chunks = random_chunking(rng, body)
        lines.append(f"{case_id}\t{boundary}\t{','.join(map(str, chunks))}\n")
    with open(os.path.join(directory, "cases.tsv"), "w", encoding="utf-8") as file:
        file.writelines(lines)

    output = subprocess.run([binary, directory], check=True, capture_output=True).stdout
    results = {}
    for line in output.decode("utf-8").splitlines():
        result = json.loads(line)
        results[result["id"]] = result

    chunk_lists = {line.split("\t")[0]: line.split("\t")[2].strip() for line in lines}
    for case_id, (boundary, body, expected) in cases.items():
        swift = results.get(case_id)
        swift_parts = None if swift is None or swift["error"] else [
            {"name": part["name"], "filename": part["filename"], "content_type": part["content_type"],
             "content": bytes.fromhex(part["hex"])} for part in swift["parts"]]
        py_parts, defects = python_parts(boundary, body)
        problems = []
        if swift is None:
            problems.append("the harness printed nothing")
        elif swift["error"]:
            problems.append(f"Swift refused it: {swift['error']}")
        if defects:
            problems.append(f"Python found defects: {defects}")
        if not problems and swift_parts != py_parts:
            problems.append("Swift and Python report different parts")
        if not problems and expected is not None and swift_parts != expected:
            problems.append("both differ from what the generator put in")
        if problems:
            path = os.path.join(directory, case_id + ".body")
            print(f"DISAGREEMENT on {path} (boundary {boundary!r}, chunks {chunk_lists[case_id]}): "
                  + "; ".join(problems), file=sys.stderr)
            print(f"  swift:  {describe(swift_parts) if swift_parts is not None else swift}", file=sys.stderr)
            print(f"  python: {describe(py_parts)}", file=sys.stderr)
            if expected is not None:
                print(f"  built:  {describe(expected)}", file=sys.stderr)
            return 1

    part_count = sum(len(result["parts"]) for result in results.values())
    byte_count = sum(len(body) for _, body, _ in cases.values())
    print(f"multipart differential: {len(cases)} bodies ({args.count} generated with seed {args.seed}, "
          f"{len(cases) - args.count} browser captures), {part_count} parts, {byte_count} bytes: "
          "Swift and Python's email parser agree on all")
    if args.keep:
        print(f"cases kept in {directory}")
    else:
        shutil.rmtree(directory)
    return 0


if __name__ == "__main__":
    sys.exit(main())

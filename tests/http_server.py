#!/usr/bin/env python3
"""http_server.py: a tiny HTTP server on 127.0.0.1 that e2e.sh scrapes.

    python3 tests/http_server.py PORTFILE

Binds a free port, writes it to PORTFILE (written whole, then renamed, so
the test never reads half a number) and answers until killed. The
responses are written by hand, byte for byte, so the test can send what a
library would not: chunk extensions and trailers, malformed chunks, a
Content-Length past strata's limit, a response that never comes.

    /chunked     200, chunked, with an extension and a trailer
    /length      200 with Content-Length
    /close       200 whose body ends with the connection
    /missing     404
    /badchunk    200, chunked, a chunk size that is not hex
    /huge        200 claiming a 100 GB body
    /truncated   200, Content-Length 1000, 10 bytes, then the close
    /hang        reads the request and answers nothing for 60 s
    /count       200; its sample counts the requests to /count so far
    /flaky       404 for the 1st and 2nd request to /flaky, then 200
"""
import os
import socket
import sys
import threading
import time

BODY = (
    b"# HELP test_requests_total Requests seen.\n"
    b"# TYPE test_requests_total counter\n"
    b'test_requests_total{path="/x"} 7\n'
    b"test_temperature_celsius 21.5\n"
    b'test_stamped{job="fixed"} 3 1700000000000\n'
)

counts = {}
lock = threading.Lock()


def chunked(body, ext=b";name=value", trailer=b"X-Trailer: yes\r\n"):
    out = b""
    for i in range(0, len(body), 40):
        part = body[i : i + 40]
        out += b"%x%s\r\n%s\r\n" % (len(part), ext, part)
    return out + b"0\r\n" + trailer + b"\r\n"


def response(path):
    with lock:
        counts[path] = counts.get(path, 0) + 1
        n = counts[path]
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
    if path == "/chunked":
        return ok + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(BODY)
    if path == "/length":
        return ok + b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY
    if path == "/close":
        return ok + b"\r\n" + BODY
    if path == "/badchunk":
        return ok + b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n"
    if path == "/huge":
        return ok + b"Content-Length: 100000000000\r\n\r\n" + BODY
    if path == "/truncated":
        return ok + b"Content-Length: 1000\r\n\r\n0123456789"
    if path == "/hang":
        time.sleep(60)
        return b""
    if path == "/count":
        body = b"test_scrapes_total %d\n" % n
        return ok + b"Transfer-Encoding: chunked\r\n\r\n" + chunked(body)
    if path == "/flaky" and n > 2:
        return ok + b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY
    return b"HTTP/1.1 404 Not Found\r\nContent-Length: 10\r\n\r\nnot found\n"


def serve(conn):
    try:
        conn.settimeout(10)
        req = b""
        while b"\r\n\r\n" not in req:
            data = conn.recv(4096)
            if not data:
                return
            req += data
        path = req.split(b" ")[1].decode("ascii", "replace")
        conn.sendall(response(path))
    except OSError:
        pass
    finally:
        conn.close()


def main():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(tmp, sys.argv[1])
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


main()

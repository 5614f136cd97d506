# SPDX-License-Identifier: Apache-2.0
"""Web inbox section (issue 11's acceptance), loaded by bench/bench.py. Plain HTTP/1.1 on the http port.

  inbox-100k  stores 100,000 messages (Postflare POST /emails, pipelined on keep-alive connections), then
              measures what opening the inbox costs: GET /_emulator/ui/ (the page) and the first data call
              the page makes, GET /_emulator/messages?order=desc&limit=50 — median and p95 of 200 requests
              each, one keep-alive connection; target ≤ 50 ms for the page plus its first data call. The
              arrival-order listing (no `order`), which scans every message per page, is shown for
              comparison.
"""
import json
import socket
import statistics
import time

KEY = "re_test_maildouble_full"
STORED = 100_000
BATCH = 200


def _request(method, path, body=None):
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", f"Authorization: Bearer {KEY}"]
    payload = b"" if body is None else json.dumps(body).encode()
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + payload


class _Reader:
    """Reads Content-Length-framed HTTP/1.1 responses off one keep-alive socket."""

    def __init__(self, sock):
        self.sock, self.buffer = sock, b""

    def response(self):
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.buffer) < length:
            self._fill()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(head.split(b" ")[1]), body

    def _fill(self):
        chunk = self.sock.recv(1 << 20)
        if not chunk:
            raise ConnectionError("closed")
        self.buffer += chunk


def _store(port, count):
    with socket.create_connection(("127.0.0.1", port)) as s:
        reader = _Reader(s)
        sent = 0
        while sent < count:
            n = min(BATCH, count - sent)
            s.sendall(b"".join(_request("POST", "/emails", {
                "from": "Acme <hello@example.org>", "to": [f"user{sent + i}@acme.io"],
                "subject": f"Order {sent + i} confirmed", "html": f"<p>Order <b>{sent + i}</b> is confirmed.</p>",
                "text": f"Order {sent + i} is confirmed."}) for i in range(n)))
            for _ in range(n):
                status, body = reader.response()
                assert status == 200, body[:300]
            sent += n


def _timed(port, path, runs):
    times = []
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader = _Reader(s)
        for _ in range(runs):
            started = time.perf_counter()
            s.sendall(_request("GET", path))
            status, body = reader.response()
            times.append((time.perf_counter() - started) * 1000)
            assert status == 200, body[:300]
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], body


def inbox_100k(ctx):
    md = ctx.MailDouble(ctx.work, ctx.threads, ["--max-messages", str(STORED + 1000)])
    try:
        started = time.monotonic()
        _store(md.http_port, STORED)
        took = time.monotonic() - started
        print(f"inbox-100k — {ctx.threads} thread(s); {STORED:,} messages stored in {took:.1f} s")
        html, html95, _ = _timed(md.http_port, "/_emulator/ui/", 200)
        data, data95, body = _timed(md.http_port, "/_emulator/messages?order=desc&limit=50", 200)
        page = json.loads(body)
        assert len(page["data"]) == 50 and page["data"][0]["subject"] == f"Order {STORED - 1} confirmed"
        older, older95, _ = _timed(md.http_port, "/_emulator/messages?order=desc&limit=50&cursor=" + page["next"], 50)
        scan, scan95, _ = _timed(md.http_port, "/_emulator/messages?limit=50", 10)
        first = html + data
        print(f"  GET /_emulator/ui/: median {html:.2f} ms, p95 {html95:.2f} ms")
        print(f"  GET /_emulator/messages?order=desc&limit=50 (the page's first data call): median {data:.2f} ms, "
              f"p95 {data95:.2f} ms; its next page: median {older:.2f} ms")
        print(f"  first page (page + first data call): {first:.2f} ms  (target ≤ 50 ms: "
              f"{'met' if first <= 50 else 'NOT met'})")
        print(f"  for comparison, arrival order (scans every message): median {scan:.1f} ms, p95 {scan95:.1f} ms")
        ctx.results["inbox_html_ms_median"] = round(html, 3)
        ctx.results["inbox_first_data_ms_median"] = round(data, 3)
        ctx.results["inbox_first_page_ms"] = round(first, 3)
        ctx.results["messages_arrival_order_100k_ms_median"] = round(scan, 1)
    finally:
        md.stop()


SECTIONS = {"inbox-100k": inbox_100k}

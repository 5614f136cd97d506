# SPDX-License-Identifier: Apache-2.0
"""Transport interop with real clients: curl (HTTP/1.1, HTTP/2, h2c), httpx with http2=True, raw sockets."""
import concurrent.futures
import json
import re
import signal
import socket
import ssl
import subprocess

import httpx


def curl(*args):
    out = subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True, text=True, check=True)
    return out.stdout


def test_curl_http11_with_verified_chain(emulator):
    out = curl("--http1.1", "--cacert", emulator.ca_file, "-w", "\n%{http_version} %{http_code}",
               f"{emulator.https}/_emulator/health")
    body, status = out.rsplit("\n", 1)
    assert status == "1.1 200"
    assert json.loads(body)["status"] == "ok"


def test_curl_http2_with_verified_chain(emulator):
    out = curl("--http2", "--cacert", emulator.ca_file, "-w", "\n%{http_version} %{http_code}",
               f"{emulator.https}/_emulator/health")
    assert out.rsplit("\n", 1)[1] == "2 200"


def test_curl_h2c_prior_knowledge(emulator):
    out = curl("--http2-prior-knowledge", "-w", "\n%{http_version} %{http_code}", f"{emulator.http}/_emulator/health")
    assert out.rsplit("\n", 1)[1] == "2 200"


def test_vendor_hostnames_verify(emulator):
    for host in ["api.flowmailer.net", "login.flowmailer.net", "api.postflare.app", "api.resend.com", "api.flowdock.com"]:
        out = curl("--cacert", emulator.ca_file, "--resolve", f"{host}:{emulator.https_port}:127.0.0.1",
                   "-o", "/dev/null", "-w", "%{http_code}", f"https://{host}:{emulator.https_port}/_emulator/health")
        assert out == "200", host


def test_httpx_http2_multiplexes_many_streams_on_one_connection(emulator):
    with httpx.Client(http2=True, verify=ssl.create_default_context(cafile=emulator.ca_file)) as client:
        def get(i):
            r = client.get(f"{emulator.https}/_emulator/ping?i={i}")
            return r.status_code, r.http_version
        with concurrent.futures.ThreadPoolExecutor(max_workers=20) as pool:
            results = list(pool.map(get, range(200)))
    assert all(r == (200, "HTTP/2") for r in results)


def test_httpx_http11_keep_alive(emulator):
    with httpx.Client(http2=False, verify=ssl.create_default_context(cafile=emulator.ca_file)) as client:
        ports = set()
        for _ in range(5):
            r = client.get(f"{emulator.https}/_emulator/ping")
            assert r.status_code == 200 and r.http_version == "HTTP/1.1"
            ports.add(r.extensions["network_stream"].get_extra_info("client_addr"))
        assert len(ports) == 1, "all requests must reuse one connection"


def test_three_requests_in_one_packet_get_three_responses_in_order(emulator):
    with socket.create_connection(("127.0.0.1", emulator.http_port), timeout=10) as s:
        s.sendall(b"GET /_emulator/ping?n=1 HTTP/1.1\r\nHost: a\r\n\r\n"
                  b"GET /_emulator/clock HTTP/1.1\r\nHost: a\r\n\r\n"
                  b"GET /_emulator/nope HTTP/1.1\r\nHost: a\r\n\r\n")
        data = b""
        while data.count(b"HTTP/1.1 ") < 3 or not data.endswith(b"}"):
            chunk = s.recv(65536)
            assert chunk, "connection closed early"
            data += chunk
    statuses = re.findall(rb"HTTP/1\.1 (\d{3}) ", data)
    assert statuses == [b"200", b"200", b"404"]
    assert data.index(b'"object":"ping"') < data.index(b'"offset_ms"')


def test_sigterm_exits_zero(fresh_emulator):
    fresh_emulator.process.send_signal(signal.SIGTERM)
    assert fresh_emulator.process.wait(timeout=30) == 0


def test_injected_delay_answers_from_the_loop_timers_over_h1_and_h2c(emulator):
    for flag in ("--http1.1", "--http2-prior-knowledge"):
        out = curl(flag, "-w", "\n%{http_code}", f"{emulator.http}/_emulator/delay?ms=100")
        body, status = out.rsplit("\n", 1)
        assert status == "200"
        assert json.loads(body) == {"delayed_ms": 100}

# SPDX-License-Identifier: Apache-2.0
"""Process lifecycle of the release binary: the drain deadline is enforced, start-up refuses a port another
instance holds and a fixtures path that does not exist."""
import json
import os
import signal
import socket
import subprocess
import tempfile
import time

from conftest import BINARY, ROOT


class Piped:
    """The binary on free ports with stderr on a pipe, so a test can block until a given log line."""

    def __init__(self, *extra):
        self.dir = tempfile.mkdtemp(prefix="maildouble-lifecycle-")
        ready = os.path.join(self.dir, "ready")
        os.mkfifo(ready)
        self.process = subprocess.Popen(
            [str(BINARY), "--https-port", "0", "--http-port", "0", "--threads", "2",
             "--state-dir", os.path.join(self.dir, "state"), "--ready-file", ready,
             "--fixtures", str(ROOT / "fixtures"), *extra],
            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        with open(ready) as f:  # blocks until listening
            info = json.loads(f.read())
        self.http_port = info["http_port"]
        self.https_port = info["https_port"]

    def wait_for_line(self, needle):
        for line in self.process.stderr:
            if needle in line.decode(errors="replace"):
                return
        raise AssertionError(f"stderr ended without {needle!r}")

    def terminate_and_time(self):
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        rest = self.process.communicate(timeout=30)[1].decode(errors="replace")
        return self.process.returncode, time.monotonic() - started, rest


def send(port, text):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(text.encode())
    return s


def test_sigterm_with_a_deferred_request_in_flight_exits_by_the_drain_deadline():
    em = Piped("--drain-timeout", "1", "--log-requests")
    s = send(em.http_port, "GET /_emulator/delay?ms=30000 HTTP/1.1\r\nHost: x\r\n\r\n")
    em.wait_for_line("/_emulator/delay?ms=30000")  # the handler has answered "later"
    code, elapsed, rest = em.terminate_and_time()
    s.close()
    assert elapsed < 1 + 1, rest
    assert code == 3, rest
    assert "closed 1 connection(s) with requests unfinished" in rest


def test_sigterm_while_a_handler_holds_its_loop_thread_exits_by_the_drain_deadline():
    em = Piped("--drain-timeout", "1")
    s = send(em.http_port, "GET /_emulator/stall?ms=30000 HTTP/1.1\r\nHost: x\r\n\r\n")
    em.wait_for_line("holding an event-loop thread for 30000 ms")
    code, elapsed, rest = em.terminate_and_time()
    s.close()
    assert elapsed < 1 + 1, rest
    assert code == 3, rest
    assert "exiting with status 3" in rest


def test_a_second_sigterm_during_the_drain_exits_at_once():
    em = Piped("--drain-timeout", "20", "--log-requests")
    s = send(em.http_port, "GET /_emulator/delay?ms=30000 HTTP/1.1\r\nHost: x\r\n\r\n")
    em.wait_for_line("/_emulator/delay?ms=30000")
    em.process.send_signal(signal.SIGTERM)
    em.wait_for_line("draining in-flight requests")
    code, elapsed, rest = em.terminate_and_time()
    s.close()
    assert elapsed < 1, rest
    assert code == 3, rest
    assert "during the drain; exiting at once with status 3" in rest


def test_sigterm_with_nothing_in_flight_exits_zero_at_once():
    em = Piped("--drain-timeout", "5")
    code, elapsed, rest = em.terminate_and_time()
    assert code == 0, rest
    assert elapsed < 1, rest


def run_to_exit(*args):
    state = tempfile.mkdtemp(prefix="maildouble-lifecycle-")
    return subprocess.run([str(BINARY), "--state-dir", state, *args], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=30)


def test_a_second_instance_on_the_same_port_is_refused():
    first = Piped()
    try:
        out = run_to_exit("--https-port", "0", "--http-port", str(first.http_port), "--fixtures", "none")
        assert out.returncode != 0
        assert f"port {first.http_port} on 127.0.0.1 is already in use (another MailDouble?)" in out.stderr
        # The first one still answers every request (no split with a second listener).
        for _ in range(20):
            with send(first.http_port, "GET /_emulator/ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n") as s:
                assert s.recv(100).startswith(b"HTTP/1.1 200")
    finally:
        first.process.terminate()
        first.process.communicate(timeout=30)


def test_a_missing_fixtures_directory_is_refused():
    out = run_to_exit("--https-port", "0", "--http-port", "0", "--fixtures", "/nonexistent/fixtures")
    assert out.returncode != 0
    assert "/nonexistent/fixtures" in out.stderr
    assert "--fixtures none" in out.stderr


def test_a_drain_timeout_that_is_not_a_number_of_seconds_is_refused():
    out = run_to_exit("--https-port", "0", "--http-port", "0", "--fixtures", "none", "--drain-timeout", "inf")
    assert out.returncode == 64
    assert "--drain-timeout must be a number of seconds" in out.stderr

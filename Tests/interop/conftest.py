# SPDX-License-Identifier: Apache-2.0
"""Starts the release `maildouble` binary on free ports for the interop tests.

The ready file is a FIFO: reading it blocks until the emulator is listening, so nothing here sleeps or polls.
"""
import contextlib
import importlib
import json
import os
import pathlib
import subprocess
import tempfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# MAILDOUBLE_BINARY runs the tests against another build (a debug one while iterating).
BINARY = pathlib.Path(os.environ.get("MAILDOUBLE_BINARY", ROOT / ".build" / "release" / "maildouble"))


class Emulator:
    def __init__(self, extra_args=()):
        self.dir = tempfile.mkdtemp(prefix="maildouble-interop-")
        ready = os.path.join(self.dir, "ready")
        os.mkfifo(ready)
        args = [
            str(BINARY), "--https-port", "0", "--http-port", "0", "--threads", "2",
            "--state-dir", os.path.join(self.dir, "state"), "--ready-file", ready,
            "--fixtures", str(ROOT / "fixtures"), *extra_args,
        ]
        self.log = open(os.path.join(self.dir, "stderr.log"), "wb")
        self.process = subprocess.Popen(args, stderr=self.log, stdin=subprocess.DEVNULL)
        with open(ready, "r") as f:  # blocks until the emulator writes it, i.e. is listening
            info = json.loads(f.read())
        self.https_port = info["https_port"]
        self.http_port = info["http_port"]
        self.ca_file = info["ca_file"]
        self.pid = info["pid"]
        self.https = f"https://localhost:{self.https_port}"
        self.http = f"http://127.0.0.1:{self.http_port}"

    def stop(self):
        self.process.terminate()
        code = self.process.wait(timeout=30)
        self.log.close()
        return code


@pytest.fixture(scope="session")
def emulator():
    em = Emulator(["--postflare-rate-limit", "0"])
    yield em
    assert em.stop() == 0, "the emulator must exit 0 on SIGTERM"


@pytest.fixture
def fresh_emulator():
    """A private emulator for tests that change state or need default limits."""
    em = Emulator()
    yield em
    em.stop()


@contextlib.contextmanager
def resend_sdk_for(em, api_key):
    """The official `resend` module pointed at `em` the way a user does it: `RESEND_API_URL` and
    `REQUESTS_CA_BUNDLE` in the environment (the SDK calls `requests`, which reads the bundle from there) and
    `resend.api_url`, since the SDK reads RESEND_API_URL only at import. The environment is restored after."""
    saved = {k: os.environ.get(k) for k in ("RESEND_API_URL", "REQUESTS_CA_BUNDLE")}
    os.environ["RESEND_API_URL"] = em.https
    os.environ["REQUESTS_CA_BUNDLE"] = em.ca_file
    module = importlib.import_module("resend")  # imported after the env is set, as the SDK expects
    module.api_url = em.https
    module.api_key = api_key
    try:
        yield module
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value

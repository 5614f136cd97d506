# SPDX-License-Identifier: Apache-2.0
"""The README's shell and Python blocks, run the way a user who did `make run` pastes them.

Every fenced block of README.md must name its language. `sh` and `python` blocks are run unless the line before
the fence says `<!-- readme-test: skip (reason) -->`; other languages (`text`, `json`) are shown, not run, except
a `text` block marked `banner`, which must equal what the binary prints at start. Directives, `;`-separated, in
one `<!-- readme-test: … -->` comment on the line before the fence:

- `skip (reason)`      not run (make run itself, make install, podman); the reason is required.
- `pytest`             a `python` block that is a test file: run with `python -m pytest` instead of as a script.
- `output "A" 'B…C'`   each string ("…" or '…' quoted) must appear on one line of the block's stdout, `…`
                       standing for anything.
- `errors 401 422`     the HTTP error statuses the block is meant to cause; any other status >= 400 the server
                       answered while the block ran fails it, and so does a listed status that never came.
- `banner`             (a `text` block) the start-up banner, with `/path/to/checkout` for the working directory.

Blocks are self-contained (each sets its own BASE, TOKEN, KEY…), so each is one test case against a fresh
emulator started as `make run` starts it: `maildouble --fixtures fixtures` in a working directory where
`fixtures` is the checkout's and the development CA lands in `./.maildouble/ca.pem`; only the ports differ (0,
and 8443/8080 in the block are rewritten to the real ones). `test_readme_in_order` then pastes every runnable
block in README order into one emulator, as a reader going down the page does — that catches one block
breaking the next (an Idempotency-Key reused with another payload). Between two blocks it moves the emulator
clock 1 s (the reader's pause: rate-limit windows are on that clock) and removes fault rules (the Scripted
faults example adds one that would fail the next sends). Statuses come from `/_emulator/metrics`
(`maildouble_requests_total`, read before and after a block), so `/_emulator` routes are checked too.
"""
import dataclasses
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

import pytest
import requests
from conftest import BINARY, ROOT
from prometheus_client.parser import text_string_to_metric_families

README = ROOT / "README.md"
RUNNABLE = {"sh", "python"}
DIRECTIVE = re.compile(r"^<!--\s*readme-test:\s*(.*?)\s*-->\s*$")
BLOCK_TIMEOUT = 120  # seconds; a hung block fails instead of hanging the suite


@dataclasses.dataclass
class Block:
    heading: str
    index: int  # 1-based, among the blocks under the same heading
    line: int  # of the opening fence
    lang: str
    text: str
    directives: dict

    @property
    def name(self):
        return f"{self.heading} #{self.index}"

    @property
    def runnable(self):
        return self.lang in RUNNABLE and "skip" not in self.directives


def parse_directives(raw):
    directives = {}
    # `;` separates directives, but not inside quotes or a skip's parenthesised reason.
    parts = re.findall(r"""(?:[^;"'(]|"[^"]*"|'[^']*'|\([^)]*\))+""", raw)
    for part in filter(None, (p.strip() for p in parts)):
        word, _, rest = part.partition(" ")
        if word == "skip":
            directives["skip"] = rest.strip()
        elif word == "pytest" or word == "banner":
            directives[word] = True
        elif word == "output":
            directives["output"] = [a or b for a, b in re.findall(r'"([^"]*)"|\'([^\']*)\'', rest)]
        elif word == "errors":
            directives["errors"] = {int(s) for s in rest.split()}
        else:
            raise ValueError(f"unknown readme-test directive {part!r}")
    return directives


def parse_readme(text):
    blocks, heading, counts = [], "(top)", {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#"):
            heading = line.lstrip("#").strip()
        elif line.startswith("```"):
            lang = line[3:].strip()
            start = i
            i += 1
            body = []
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            match = DIRECTIVE.match(lines[start - 1]) if start > 0 else None
            counts[heading] = counts.get(heading, 0) + 1
            blocks.append(Block(heading, counts[heading], start + 1, lang, "\n".join(body) + "\n",
                                parse_directives(match.group(1)) if match else {}))
        i += 1
    return blocks


BLOCKS = parse_readme(README.read_text(encoding="utf-8"))
RUN = [b for b in BLOCKS if b.runnable]


class Instance:
    """`make run`'s `maildouble --fixtures fixtures` in `workdir`, on free ports; the ready file (a FIFO) says
    when it listens, so nothing waits by sleeping."""

    def __init__(self, workdir):
        self.workdir = workdir
        ready = os.path.join(workdir, "ready")
        if os.path.exists(ready):
            os.unlink(ready)
        os.mkfifo(ready)
        self.log_path = os.path.join(workdir, "maildouble.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [str(BINARY), "--fixtures", "fixtures", "--https-port", "0", "--http-port", "0", "--ready-file", ready],
            cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env={k: v for k, v in os.environ.items() if not k.startswith("MAILDOUBLE_")})  # no flag twins
        with open(ready) as f:
            info = json.loads(f.read())
        self.https_port, self.http_port = info["https_port"], info["http_port"]
        self.ca_file = info["ca_file"]
        self.control = f"http://127.0.0.1:{self.http_port}/_emulator"

    def stop(self):
        self.process.terminate()
        code = self.process.wait(timeout=30)
        self.log.close()
        return code

    def output(self):
        return pathlib.Path(self.log_path).read_text(encoding="utf-8", errors="replace")

    def statuses(self):
        """{(vendor, method, route, status): count} from the metrics."""
        text = requests.get(f"{self.control}/metrics", timeout=10).text
        counts = {}
        for family in text_string_to_metric_families(text):
            if family.name != "maildouble_requests":
                continue
            for sample in family.samples:
                if sample.name == "maildouble_requests_total":
                    labels = sample.labels
                    key = (labels["vendor"], labels["method"], labels["route"], int(labels["status"]))
                    counts[key] = counts.get(key, 0) + sample.value
        return counts


def workdir():
    """A working directory like a checkout's: `fixtures` is the checkout's (a symlink), nothing else."""
    path = tempfile.mkdtemp(prefix="maildouble-readme-")
    os.symlink(ROOT / "fixtures", os.path.join(path, "fixtures"))
    return path


def block_environment():
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("RESEND_", "MAILDOUBLE_")) and k not in {
               "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"}}
    # `python3` in a block is this venv's, which has the resend SDK, requests and pytest (a user's own).
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    env["NO_PROXY"] = env["no_proxy"] = "localhost,127.0.0.1"
    return env


def localized(block, inst):
    """The block as pasted against `inst`: only the ports change."""
    text = re.sub(r"\b8443\b", str(inst.https_port), block.text)
    return re.sub(r"\b8080\b", str(inst.http_port), text)


def run_block(block, inst, scratch):
    """Runs one block in the instance's working directory; returns (exit code, stdout, stderr)."""
    text = localized(block, inst)
    if block.lang == "sh":
        script = os.path.join(scratch, "block.sh")
        pathlib.Path(script).write_text(text, encoding="utf-8")
        command = ["bash", "-euo", "pipefail", script]
    elif "pytest" in block.directives:
        script = os.path.join(scratch, "test_readme_block.py")
        pathlib.Path(script).write_text(text, encoding="utf-8")
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", scratch, script]
    else:
        script = os.path.join(scratch, "block.py")
        pathlib.Path(script).write_text(text, encoding="utf-8")
        command = [sys.executable, script]
    result = subprocess.run(command, cwd=inst.workdir, env=block_environment(), capture_output=True, text=True,
                            timeout=BLOCK_TIMEOUT, stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout, result.stderr


def output_pattern(expected, inst):
    expected = re.sub(r"\b8443\b", str(inst.https_port), expected)
    expected = re.sub(r"\b8080\b", str(inst.http_port), expected)
    return re.compile(".*?".join(re.escape(part) for part in expected.split("…")))


def check_block(block, inst, before, code, out, err):
    """Every failure names the block and shows what it printed."""
    shown = (f"README.md line {block.line} ({block.name}), exit {code}\n--- block ---\n{localized(block, inst)}"
             f"--- stdout ---\n{out}--- stderr ---\n{err}")
    assert code == 0, shown
    for expected in block.directives.get("output", []):
        pattern = output_pattern(expected, inst)
        assert any(pattern.search(line) for line in out.splitlines()), f"no line matches {expected!r}\n{shown}"
    after = inst.statuses()
    errors = {key: n - before.get(key, 0) for key, n in after.items() if key[3] >= 400 and n > before.get(key, 0)}
    wanted = block.directives.get("errors", set())
    unexpected = {key: n for key, n in errors.items() if key[3] not in wanted}
    assert not unexpected, f"error answers the README does not announce: {unexpected}\n{shown}"
    missing = wanted - {key[3] for key in errors}
    assert not missing, f"the README announces {sorted(missing)}, the server never answered them\n{shown}"


def test_every_block_names_its_language_and_skips_say_why():
    assert BLOCKS, "README.md has no code blocks?"
    for block in BLOCKS:
        assert block.lang, f"README.md line {block.line}: a fence without a language"
        if "skip" in block.directives:
            assert block.lang in RUNNABLE, f"line {block.line}: only sh/python blocks are run, so only they skip"
            assert block.directives["skip"].strip("() "), f"line {block.line}: a skip needs its reason"
        if "pytest" in block.directives:
            assert block.lang == "python", f"line {block.line}: pytest marks a python block"
    assert RUN, "no README block is run"


@pytest.fixture(scope="module")
def shared_workdir():
    """One working directory for the per-block instances: the CA is made once, as `make run` reuses it."""
    path = workdir()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("block", RUN, ids=[b.name for b in RUN])
def test_readme_block(block, shared_workdir, tmp_path):
    inst = Instance(shared_workdir)
    try:
        before = inst.statuses()
        code, out, err = run_block(block, inst, str(tmp_path))
        check_block(block, inst, before, code, out, err)
    finally:
        stopped = inst.stop()
    assert stopped == 0, "the emulator must exit 0 on SIGTERM"


def test_readme_in_order(tmp_path):
    path = workdir()
    inst = Instance(path)
    try:
        for block in RUN:
            before = inst.statuses()
            code, out, err = run_block(block, inst, str(tmp_path))
            check_block(block, inst, before, code, out, err)
            requests.delete(f"{inst.control}/faults", timeout=10).raise_for_status()
            requests.post(f"{inst.control}/clock/advance", params={"seconds": 1}, timeout=10).raise_for_status()
    finally:
        stopped = inst.stop()
        shutil.rmtree(path, ignore_errors=True)
    assert stopped == 0, "the emulator must exit 0 on SIGTERM"


BANNERS = [b for b in BLOCKS if "banner" in b.directives]


@pytest.mark.parametrize("block", BANNERS, ids=[b.name for b in BANNERS])
def test_readme_banner_is_what_make_run_prints(block):
    path = workdir()
    inst = Instance(path)
    try:
        shown = localized(block, inst).replace("/path/to/checkout", os.path.realpath(path))
    finally:
        stopped = inst.stop()
    printed = inst.output()
    shutil.rmtree(path, ignore_errors=True)
    assert stopped == 0, "the emulator must exit 0 on SIGTERM"
    assert shown in printed, f"README.md line {block.line}:\n{shown}\nis not what the binary printed:\n{printed}"

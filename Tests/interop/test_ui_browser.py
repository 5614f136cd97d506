# SPDX-License-Identifier: Apache-2.0
"""The web inbox (/_emulator/ui/) in a real browser: Playwright from PyPI driving Debian's chromium
(`executable_path`; `playwright install` is never run). Messages sent through the official `resend` SDK and
the Flowmailer submit flow appear live; a message opens with its HTML in the sandbox and its timeline; the
page's clock buttons move a status; a fault added in the page fails the next SDK call; hostile subjects and
HTML execute nothing and load nothing; the journal's replay button re-sends a webhook; the control token is
asked for. Every wait is on a page condition (Playwright's expect / wait_for) or a threading.Event, never a
sleep. Screenshots go to .build/ui-screenshots/ (git-ignored)."""
import datetime
import http.server
import json
import os
import pathlib
import re
import shutil
import threading

import pytest
import requests

from conftest import ROOT, Emulator, resend_sdk_for
from test_flowmailer_sdk import FlowmailerClient
from test_postflare_webhooks import Receiver

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = ROOT / ".build" / "ui-screenshots"
FULL_KEY = "re_test_maildouble_full"
LIVE_MS = 1000  # "appear in the open page within a second, without reload"

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(scripts/install-deps.sh test)")


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture
def em():
    e = Emulator(["--postflare-rate-limit", "0"])
    yield e
    e.stop()


class Watched:
    """A page with every dialog, console message, page error and request recorded."""

    def __init__(self, browser, em):
        self.context = browser.new_context(ignore_https_errors=True, viewport={"width": 1366, "height": 900})
        self.page = self.context.new_page()
        self.dialogs, self.console, self.errors, self.requests = [], [], [], []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        # Requests that got an answer: the preload scanner may announce one that the CSP then blocks
        # (it shows as "requestfailed"), which never leaves the browser.
        self.page.on("requestfinished", lambda r: self.requests.append(r.url))
        self.em = em

    def open(self, fragment=""):
        self.page.goto(f"{self.em.http}/_emulator/ui/{fragment}")
        expect(self.page.locator("#live")).to_have_text("live")  # the change feed is being read
        return self.page

    def shot(self, name):
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def watched(browser, em):
    w = Watched(browser, em)
    yield w
    w.close()


def control(em):
    s = requests.Session()
    s.trust_env = False
    s.verify = em.ca_file
    return s


def row(page, vendor, message_id):
    return page.locator(f'tr.msg[data-vendor="{vendor}"][data-id="{message_id}"]')


def test_page_headers_and_assets(em):
    s = control(em)
    bare = s.get(f"{em.http}/_emulator/ui", allow_redirects=False)
    assert bare.status_code == 301 and bare.headers["Location"] == "/_emulator/ui/"
    page = s.get(f"{em.http}/_emulator/ui/")
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    csp = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-eval" not in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in page.text  # no inline script: the one script is app.js
    script = re.search(r'src="(/_emulator/ui/app\.js\?v=[0-9a-f]+)"', page.text).group(1)
    js = s.get(f"{em.http}{script}")
    assert js.status_code == 200 and js.headers["Content-Type"].startswith("text/javascript")
    assert "immutable" in js.headers["Cache-Control"] and js.headers["X-Content-Type-Options"] == "nosniff"
    assert "innerHTML" not in js.text
    assert s.get(f"{em.http}/_emulator/ui/nothing.js").status_code == 404


def test_sdk_sends_appear_live_open_in_the_sandbox_and_follow_the_clock(watched, em):
    page = watched.open()
    expect(page.locator("tr.msg").first).to_be_visible()  # the fixtures
    with resend_sdk_for(em, FULL_KEY) as resend:
        now = datetime.datetime.fromisoformat(control(em).get(f"{em.https}/_emulator/clock").json()["now"]
                                              .replace("Z", "+00:00"))
        later = (now + datetime.timedelta(hours=1)).isoformat().replace("+00:00", "Z")
        sent = resend.Emails.send({
            "from": "Acme <hello@example.org>", "to": ["delivered@resend.dev"], "subject": "Your invoice is ready",
            "html": '<h1 id="hello">Invoice</h1><p>Code <b>314159</b>: <a href="https://acme.io/i/1">view</a></p>',
            "text": "Invoice, code 314159: https://acme.io/i/1", "scheduled_at": later,
        })
    resend_row = row(page, "postflare", sent["id"])
    expect(resend_row).to_be_visible(timeout=LIVE_MS)
    expect(resend_row.locator(".msg-status")).to_have_text("scheduled")

    flowmailer = FlowmailerClient(em.https, em.ca_file)
    r = flowmailer.call("POST", "/messages/submit", {
        "messageType": "EMAIL", "senderAddress": "shop@acme.io", "recipientAddress": "richard@acme.io",
        "subject": "Order 1042 shipped", "html": "<p>Your order <b>1042</b> is on its way.</p>",
        "text": "Your order 1042 is on its way."})
    assert r.status_code == 201, r.text
    flowmailer_id = r.headers["Location"].rsplit("/", 1)[1]
    expect(row(page, "flowmailer", flowmailer_id)).to_be_visible(timeout=LIVE_MS)
    watched.shot("inbox")

    # The Resend message: its HTML in the sandbox, its timeline; the clock in the page moves its status.
    resend_row.click()
    expect(page.locator("#message-subject")).to_have_text("Your invoice is ready")
    frame = page.locator("#message-html")
    assert frame.get_attribute("sandbox") == ""
    expect(page.frame_locator("#message-html").locator("#hello")).to_have_text("Invoice")
    expect(page.locator("#codes")).to_contain_text("314159")
    expect(page.locator("#links")).to_contain_text("https://acme.io/i/1")
    expect(page.locator("#message-status")).to_have_text("scheduled")
    page.click('button[data-advance="86400"]')
    expect(page.locator("#message-status")).to_have_text("delivered")
    expect(page.locator("#timeline")).to_contain_text("delivered")
    watched.shot("message")

    # Flowmailer's web link of that message opens this inbox's view of it (issue 11, item 5).
    got = flowmailer.call("GET", f"/messages/{flowmailer_id}?addonlinelink=true").json()
    assert got["messageDetailsLink"].endswith(f"/_emulator/ui/#/message/flowmailer/{flowmailer_id}")
    page.goto(got["messageDetailsLink"])
    expect(page.locator("#message-subject")).to_have_text("Order 1042 shipped")
    expect(page.locator("#timeline")).to_contain_text("DELIVERED")
    page.goto(got["onlineLink"])
    expect(page.frame_locator("#message-html").locator("b")).to_have_text("1042")
    assert not watched.dialogs and not watched.errors, (watched.dialogs, watched.errors)


def test_a_fault_added_in_the_page_fails_the_next_sdk_call(watched, em):
    page = watched.open("#/faults")
    page.select_option("#fault-vendor", "postflare")
    page.select_option("#fault-method", "POST")
    page.fill("#fault-route", "/emails")
    page.select_option("#fault-kind", "status")
    page.fill("#fault-value", "503")
    page.click("#fault-add")
    expect(page.locator("tr.fault-row")).to_have_count(1)
    with resend_sdk_for(em, FULL_KEY) as resend:
        message = {"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "fault", "text": "x"}
        with pytest.raises(Exception) as failed:
            resend.Emails.send(message)
        assert "503" in str(failed.value) or "unavailable" in str(failed.value).lower()
        assert resend.Emails.send(message)["id"]  # times = 1: the next call goes through
    page.reload()
    expect(page.locator("tr.fault-row td").nth(4)).to_have_text("1")  # fired
    page.click("tr.fault-row button.remove")
    expect(page.locator("tr.fault-row")).to_have_count(0)


class Sink:
    """An HTTP server that records every request: what a message's remote references would hit."""

    def __init__(self):
        self.hits = []
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                sink.hits.append(self.path)
                self.send_response(204)
                self.end_headers()

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_hostile_subject_and_html_execute_nothing_and_load_nothing(watched, em):
    sink = Sink()
    try:
        page = watched.open()
        marker = "XSS-FIRED"
        subject = (f'<script>alert("{marker}")</script><img src=x onerror="alert(\'{marker}\')">'
                   f'<a href="javascript:alert(\'{marker}\')">x</a>')
        html = (f'<script>alert("{marker}");console.error("{marker}");fetch("{sink.base}/script")</script>'
                f'<img id="px" src="{sink.base}/pixel.png" onerror="alert(\'{marker}\')">'
                f'<img src="x" onerror="console.error(\'{marker}\');alert(\'{marker}\')">'
                f'<a id="js" href="javascript:alert(\'{marker}\')">click me</a>'
                f'<svg onload="alert(\'{marker}\')"></svg><iframe src="{sink.base}/frame"></iframe>'
                f'<link rel="stylesheet" href="{sink.base}/style.css"><div style="background:url({sink.base}/bg)">'
                f'bg</div><form action="{sink.base}/form" method="post"><button id="submit">send</button></form>'
                f'<meta http-equiv="refresh" content="0;url={sink.base}/refresh">')
        with resend_sdk_for(em, FULL_KEY) as resend:
            sent = resend.Emails.send({"from": f"Evil <hello@example.org>", "to": ["delivered@resend.dev"],
                                       "subject": subject, "html": html, "text": f"javascript:alert('{marker}')",
                                       "headers": {"X-Evil": '<img src=x onerror=alert(1)>'}})
        hostile = row(page, "postflare", sent["id"])
        expect(hostile).to_be_visible(timeout=LIVE_MS)
        expect(hostile.locator("td.subject")).to_have_text(subject)  # shown as text, not markup
        hostile.click()
        expect(page.locator("#message-subject")).to_have_text(subject)
        body = page.frame_locator("#message-html")
        expect(body.locator("#js")).to_have_text("click me")
        body.locator("#js").click()  # a javascript: link in a frame without allow-scripts does nothing
        body.locator("#submit").click()  # a form in a frame without allow-forms is not submitted
        # A round trip through the page after the clicks: anything they started would have happened by now.
        page.click('button[data-advance="10"]')
        expect(page.locator("#message-status")).to_be_visible()
        assert sink.hits == [], f"requests left the sandbox: {sink.hits}"
        watched.shot("hostile-message")
        # "Load remote images" widens img-src only: images (and CSS backgrounds) load, still no script runs.
        page.check("#remote-images")
        pixel = page.frame_locator("#message-html").locator("#px")
        expect(pixel).to_be_attached()
        page.click('button[data-advance="10"]')
        expect(page.locator("#message-status")).to_be_visible()
        page.reload()
        expect(page.locator("#message-subject")).to_have_text(subject)
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert watched.dialogs == [], watched.dialogs
        assert not [c for c in watched.console if marker in c], watched.console
        assert watched.errors == [], watched.errors
        # After the toggle only images reached the sink: no script, frame, stylesheet, form or refresh.
        assert set(sink.hits) <= {"/pixel.png", "/bg"}, sink.hits
        images = (sink.base + "/pixel.png", sink.base + "/bg")
        outside = [u for u in watched.requests if not u.startswith(em.http) and u not in images
                   and not u.startswith(("data:", "about:"))]
        assert outside == [], outside
    finally:
        sink.close()


def test_webhook_journal_shows_signatures_and_replays(watched, em):
    receiver = Receiver()
    try:
        with resend_sdk_for(em, FULL_KEY) as resend:
            resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.sent"]})
            resend.Emails.send({"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "hook",
                                "text": "x"})
        control(em).post(f"{em.https}/_emulator/clock/advance", params={"seconds": 3})
        first = receiver.wait(1)
        assert len(first) == 1
        page = watched.open("#/webhooks")
        delivery = page.locator("details.delivery").first
        expect(delivery).to_contain_text("email.sent", timeout=LIVE_MS)
        delivery.locator("summary").click()
        expect(delivery).to_contain_text("svix-signature")
        watched.shot("webhooks")
        delivery.locator("button.replay").click()
        again = receiver.wait(2)
        assert len(again) == 2, "the replay button must POST the delivery again"
        assert again[1]["headers"]["svix-id"] == first[0]["headers"]["svix-id"]
        assert again[1]["body"] == first[0]["body"]
        expect(page.locator("details.delivery").first).to_contain_text("replay of", timeout=LIVE_MS)
        page.goto(f"{em.http}/_emulator/ui/#/requests")
        expect(page.locator("details.request").first).to_be_visible()
        expect(page.locator("main")).to_contain_text("/emails")
    finally:
        receiver.close()


def test_reset_in_the_page_forgets_a_vendors_messages(watched, em):
    with resend_sdk_for(em, FULL_KEY) as resend:
        sent = resend.Emails.send({"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": "gone",
                                   "text": "x"})
    page = watched.open("#/system")
    page.select_option("#reset-vendor", "postflare")
    page.click("#reset-button")
    expect(page.locator("#system-result")).to_contain_text('"postflare"')
    page.goto(f"{em.http}/_emulator/ui/#/")
    expect(page.locator("tr.msg").first).to_be_visible()
    expect(row(page, "postflare", sent["id"])).to_have_count(0)


def test_control_token_is_asked_for_and_sent(browser):
    em = Emulator(["--control-token", "s3cret-token"])
    w = Watched(browser, em)
    try:
        page = w.page
        page.goto(f"{em.http}/_emulator/ui/")
        expect(page.locator("#login")).to_be_visible()
        expect(page.locator("tr.msg")).to_have_count(0)
        page.fill("#token-input", "wrong")
        page.click("#login button")
        expect(page.locator("#login-message")).to_have_text("That token was refused.")
        page.fill("#token-input", "s3cret-token")
        page.click("#login button")
        expect(page.locator("tr.msg").first).to_be_visible()
        expect(page.locator("#live")).to_have_text("live")
        expect(page.locator("#login")).to_be_hidden()
    finally:
        w.close()
        em.stop()


def test_demo_fixtures_show_a_welcome_mail_with_its_image(browser):
    em = Emulator(["--fixtures", str(ROOT / "fixtures" / "demo")])
    w = Watched(browser, em)
    try:
        page = w.open()
        page.locator("td.subject", has_text="Welcome to Acme, Richard!").click()
        image = page.frame_locator("#message-html").locator('img[alt="Acme logo"]')
        expect(image).to_be_visible()
        assert image.evaluate("i => i.naturalWidth") == 48  # the inline data: image is shown
        expect(page.locator("#codes")).to_contain_text("482913")
        expect(page.locator("main")).to_contain_text("welcome-invoice.pdf")
        w.shot("demo-welcome")
        page.goto(f"{em.http}/_emulator/ui/#/")
        page.locator("td.subject", has_text="test message 3").click()
        expect(page.locator("#timeline")).to_contain_text("ERROR")
        expect(page.locator("#timeline")).to_contain_text("evaluated to null")
        # Postflare's demo e-mails are history from the fixtures, shown like sent ones.
        page.goto(f"{em.http}/_emulator/ui/#/")
        expect(row(page, "postflare", "c41e9f08-2a6d-4b73-8e15-9f7c3d20a6b4").locator(".msg-status")).to_have_text(
            "bounced")
        expect(row(page, "postflare", "1b7d2c94-6e3f-4f50-a8d1-4c2b9e7f0a63").locator(".msg-status")).to_have_text(
            "complained")
        page.locator("td.subject", has_text="Welcome to Acme, Maria!").click()
        image = page.frame_locator("#message-html").locator('img[alt="Acme logo"]')
        expect(image).to_be_visible()
        assert image.evaluate("i => i.naturalWidth") == 48
        expect(page.locator("#timeline")).to_contain_text("email.delivered")
        w.shot("demo-postflare-welcome")
        page.goto(f"{em.http}/_emulator/ui/#/")
        page.locator("td.subject", has_text="Reset your Acme password").click()
        expect(page.locator("#codes")).to_contain_text("731904")
        assert not w.errors, w.errors
    finally:
        w.close()
        em.stop()

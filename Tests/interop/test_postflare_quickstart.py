# SPDX-License-Identifier: Apache-2.0
"""Resend's Python quick start, run unchanged against MailDouble.

QUICKSTART is the `index.py` of https://resend.com/docs/send-with-python ("Send email using HTML"), byte for byte:
the sandbox sender `Acme <onboarding@resend.dev>` to the test address `delivered@resend.dev`. It runs in its own
interpreter with nothing but `RESEND_API_KEY`, `RESEND_API_URL` and `REQUESTS_CA_BUNDLE` in the environment, as
a user would run it; a receiver verifying with `resend.Webhooks.verify` then gets `email.sent` and
`email.delivered` for the e-mail it printed."""
import ast
import os
import subprocess
import sys

import pytest
import requests
from conftest import resend_sdk_for
from test_postflare_webhooks import Receiver, advance, verify

FULL_KEY = "re_test_maildouble_full"

QUICKSTART = '''import os
import resend

resend.api_key = os.environ["RESEND_API_KEY"]

params: resend.Emails.SendParams = {
    "from": "Acme <onboarding@resend.dev>",
    "to": ["delivered@resend.dev"],
    "subject": "hello world",
    "html": "<strong>it works!</strong>",
}

email = resend.Emails.send(params)
print(email)
'''


def run_quickstart(em, tmp_path, script=QUICKSTART):
    path = tmp_path / "index.py"
    path.write_text(script)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "RESEND_API_KEY": FULL_KEY,
        "RESEND_API_URL": em.https,
        "REQUESTS_CA_BUNDLE": em.ca_file,
    }
    return subprocess.run([sys.executable, str(path)], env=env, capture_output=True, text=True, timeout=60)


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_the_python_quick_start_runs_unchanged_and_its_webhooks_verify(fresh_emulator, tmp_path, receiver):
    with resend_sdk_for(fresh_emulator, FULL_KEY) as resend:
        hook = resend.Webhooks.create({"endpoint": receiver.url, "events": ["email.sent", "email.delivered"]})

        done = run_quickstart(fresh_emulator, tmp_path)
        assert done.returncode == 0, done.stderr
        email = ast.literal_eval(done.stdout.strip())  # the script prints the SDK's dict
        assert email["id"]

        stored = resend.Emails.get(email["id"])
        assert stored["from"] == "Acme <onboarding@resend.dev>"
        assert stored["to"] == ["delivered@resend.dev"]

        advance(fresh_emulator, 3)  # sent at +1 s, delivered at +2 s
        deliveries = receiver.wait(2)
        events = [verify(resend, d, hook["signing_secret"]) for d in deliveries]
        assert [e["type"] for e in events] == ["email.sent", "email.delivered"]
        assert all(e["data"]["email_id"] == email["id"] for e in events)
        assert resend.Emails.get(email["id"])["last_event"] == "delivered"


@pytest.mark.parametrize("to", ["bounced@resend.dev", "complained+signup@resend.dev", "suppressed@resend.dev"])
def test_the_sandbox_sender_reaches_every_test_address(emulator, to):
    outcome = to.split("@")[0].split("+")[0]
    with resend_sdk_for(emulator, FULL_KEY) as resend:
        sent = resend.Emails.send({"from": "Acme <onboarding@resend.dev>", "to": [to], "subject": "t", "text": "t"})
        advance(emulator, 6)  # past the complaint at +5 s
        assert resend.Emails.get(sent["id"])["last_event"] == outcome


def test_the_sandbox_sender_still_refuses_other_recipients(emulator):
    with resend_sdk_for(emulator, FULL_KEY) as resend:
        with pytest.raises(resend.exceptions.ResendError) as refused:
            resend.Emails.send({
                "from": "Acme <onboarding@resend.dev>", "to": ["delivered@resend.dev", "ada@acme.io"],
                "subject": "t", "text": "t",
            })
        assert "You can only send testing emails to your own email address" in str(refused.value)
        with requests.Session() as s:
            s.trust_env = False
            r = s.post(f"{emulator.https}/emails", verify=emulator.ca_file,
                       headers={"Authorization": f"Bearer {FULL_KEY}"},
                       json={"from": "onboarding@resend.dev", "to": "ada@acme.io", "subject": "t", "text": "t"})
        assert r.status_code == 403
        assert r.json()["name"] == "validation_error"
        # The account owner may still be written to.
        owner = resend.Emails.send({"from": "onboarding@resend.dev", "to": "owner@example.org", "subject": "t",
                                    "text": "t"})
        assert owner["id"]

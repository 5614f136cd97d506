# SPDX-License-Identifier: Apache-2.0
"""Provisioned tenants (`POST /_emulator/tenants`) driven by the official clients: the `resend` SDK with a
tenant's Postflare keys, and the Flowmailer flows of test_flowmailer_sdk.py with a tenant's client credentials.
Two tenants share the session's emulator (as two CI jobs would) and never see each other's messages."""
import uuid

import pytest
import requests
from conftest import resend_sdk_for
from test_flowmailer_sdk import FlowmailerClient


def control(em):
    """A private session: the machine-wide REQUESTS_CA_BUNDLE must not apply here."""
    s = requests.Session()
    s.trust_env = False
    s.verify = em.ca_file
    return s


def provision(em, **body):
    r = control(em).post(f"{em.https}/_emulator/tenants", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def messages(em, **query):
    r = control(em).get(f"{em.https}/_emulator/messages", params=query)
    assert r.status_code == 200, r.text
    return r.json()["data"]


def test_resend_sdk_with_a_provisioned_tenants_keys(emulator):
    a = provision(emulator, name=f"job-{uuid.uuid4().hex[:8]}")
    b = provision(emulator)
    assert b["tenant"].startswith("t-") and a["postflare"]["tenant"] == a["tenant"]
    sent = {}
    for t in (a, b):
        pf = t["postflare"]
        with resend_sdk_for(emulator, pf["sending_api_key"]) as resend:
            sent[t["tenant"]] = resend.Emails.send({
                "from": f"App <app@{pf['domain']}>", "to": ["delivered@resend.dev"],
                "subject": f"hello {t['tenant']}", "html": "<p>hi</p>"})["id"]
            with pytest.raises(resend.exceptions.ResendError):  # the sending key only sends
                resend.Emails.list()
    with resend_sdk_for(emulator, a["postflare"]["api_key"]) as resend:
        assert [e["id"] for e in resend.Emails.list()["data"]] == [sent[a["tenant"]]]
        assert resend.Emails.get(sent[a["tenant"]])["subject"] == f"hello {a['tenant']}"
        with pytest.raises(resend.exceptions.ResendError):  # B's e-mail does not exist for A
            resend.Emails.get(sent[b["tenant"]])
        domains = {d["name"]: d["status"] for d in resend.Domains.list()["data"]}
        assert domains[a["postflare"]["domain"]] == "verified" and b["postflare"]["domain"] not in domains
    # The control plane agrees, and a wait for B answers with B's e-mail only.
    assert [m["id"] for m in messages(emulator, tenant=a["tenant"])] == [sent[a["tenant"]]]
    r = control(emulator).get(f"{emulator.https}/_emulator/messages/wait",
                              params={"tenant": b["tenant"], "vendor": "postflare", "timeout": 5})
    assert r.status_code == 200 and [m["id"] for m in r.json()["data"]] == [sent[b["tenant"]]]


def test_flowmailer_flows_with_a_provisioned_tenants_credentials(emulator):
    a = provision(emulator, vendors=["flowmailer"])
    b = provision(emulator, vendors=["flowmailer", "postflare"])
    assert set(a) == {"tenant", "flowmailer"} and set(b) == {"tenant", "flowmailer", "postflare"}
    ids = {}
    for t in (a, b):
        fm = t["flowmailer"]
        c = FlowmailerClient(emulator.https, emulator.ca_file, client_id=fm["client_id"],
                             secret=fm["client_secret"], account=fm["account_id"])
        r = c.call("POST", "/messages/submit", {
            "messageType": "EMAIL", "senderAddress": "shop@example.com", "recipientAddress": "anna@example.com",
            "subject": f"order {t['tenant']}", "text": "Thanks", "flowSelector": "flow2"})
        assert r.status_code == 201, r.text
        assert f"/{fm['account_id']}/messages/" in r.headers["Location"]
        ids[t["tenant"]] = r.headers["Location"].rsplit("/", 1)[1]
        assert [m["id"] for m in c.messages_all(page=2)] == [ids[t["tenant"]]]
        assert c.call("GET", f"/messages/{ids[t['tenant']]}").json()["flow"]["id"] == "16814"
    # A's credentials reach neither B's account nor the fixture account.
    fm = a["flowmailer"]
    intruder = FlowmailerClient(emulator.https, emulator.ca_file, client_id=fm["client_id"],
                                secret=fm["client_secret"], account=b["flowmailer"]["account_id"])
    assert intruder.call("GET", "/messages", headers={"Range": "items=:10"}).status_code == 403
    for t in (a, b):
        assert [m["id"] for m in messages(emulator, tenant=t["tenant"])] == [ids[t["tenant"]]]
    # Resetting A empties A only; A's credentials keep working.
    r = control(emulator).post(f"{emulator.https}/_emulator/reset",
                               params={"vendor": "flowmailer", "tenant": a["tenant"]})
    assert r.status_code == 200, r.text
    assert messages(emulator, tenant=a["tenant"]) == []
    assert [m["id"] for m in messages(emulator, tenant=b["tenant"])] == [ids[b["tenant"]]]
    c = FlowmailerClient(emulator.https, emulator.ca_file, client_id=fm["client_id"],
                         secret=fm["client_secret"], account=fm["account_id"])
    assert c.messages_all() == []
    # Deleted, its credentials are gone.
    assert control(emulator).delete(f"{emulator.https}/_emulator/tenants/{a['tenant']}").status_code == 200
    r = control(emulator).post(f"{emulator.https}/oauth/token", data={
        "client_id": fm["client_id"], "client_secret": fm["client_secret"], "grant_type": "client_credentials"})
    assert r.status_code == 401


def test_bad_tenant_requests_are_clear_errors(emulator):
    s = control(emulator)
    for body, status in [({"name": "No Spaces"}, 400), ({"vendors": ["nope"]}, 400), ({"name": "545"}, 409)]:
        r = s.post(f"{emulator.https}/_emulator/tenants", json=body)
        assert r.status_code == status and r.json()["message"], r.text
    assert s.delete(f"{emulator.https}/_emulator/tenants/acme").status_code == 400
    assert s.delete(f"{emulator.https}/_emulator/tenants/never-made").status_code == 404

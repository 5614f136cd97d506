# SPDX-License-Identifier: Apache-2.0
"""Postflare over HTTPS, driven by the official PyPI `resend` SDK, unmodified, configured the way a user points
it at a local server: `RESEND_API_URL` and `REQUESTS_CA_BUNDLE` (the SDK calls `requests.request`, which reads
the bundle from the environment), `resend.api_key`. Every resource family is exercised, and each error the SDK
maps to an exception class (missing/invalid key, validation, 404, 429, idempotency 409) is raised by a real
answer of the emulator."""
import base64
import os
import uuid

import pytest
import requests
from conftest import resend_sdk_for

FULL_KEY = "re_test_maildouble_full"
SEND_KEY = "re_test_maildouble_send"
FROM = "Acme <hello@example.org>"
NEWSLETTER = "78261eea-8f8b-4381-83c6-79fa7120f1cf"  # fixture segment (= audience) with 3 contacts
WELCOME = "34a080c9-b17d-4187-ad80-5af20266e535"  # fixture published template `welcome`
TOPIC = "b6d24b8e-af0b-4c3c-be0c-359bbd97381e"  # fixture topic `Product updates`


def point_sdk_at(resend, em):
    """What a user does: the env vars, plus `resend.api_url` because the SDK reads RESEND_API_URL at import."""
    os.environ["RESEND_API_URL"] = em.https
    os.environ["REQUESTS_CA_BUNDLE"] = em.ca_file
    resend.api_url = em.https
    resend.api_key = FULL_KEY


@pytest.fixture(scope="module")
def resend(emulator):
    with resend_sdk_for(emulator, FULL_KEY) as module:
        yield module


@pytest.fixture(autouse=True)
def full_key(resend):
    """Each test starts with the full-access key; tests that switch keys need not restore it."""
    resend.api_key = FULL_KEY
    yield


def advance(em, seconds):
    """Moves the emulator clock. A private session: the machine-wide REQUESTS_CA_BUNDLE must not apply here."""
    with requests.Session() as s:
        s.trust_env = False
        r = s.post(f"{em.https}/_emulator/clock/advance", params={"seconds": seconds}, verify=em.ca_file)
        assert r.status_code == 200, r.text


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


# ---- Emails ------------------------------------------------------------------------------------------------------

def test_send_get_and_life_of_an_email(resend, emulator):
    sent = resend.Emails.send({"from": FROM, "to": ["delivered@resend.dev"], "subject": "Hello",
                               "html": "<p>Hi <b>there</b></p>", "tags": [{"name": "kind", "value": "sdk"}]})
    email = resend.Emails.get(sent["id"])
    assert email["object"] == "email" and email["id"] == sent["id"]
    assert email["to"] == ["delivered@resend.dev"] and email["subject"] == "Hello"
    assert email["from"] == FROM and email["html"] == "<p>Hi <b>there</b></p>"
    assert email["text"]  # derived from html when omitted
    advance(emulator, 5)  # queued → sent (+1 s) → delivered (+2 s)
    assert resend.Emails.get(sent["id"])["last_event"] == "delivered"


def test_bounced_recipient_ends_bounced(resend, emulator):
    sent = resend.Emails.send({"from": FROM, "to": "bounced@resend.dev", "subject": "b", "text": "b"})
    advance(emulator, 5)
    assert resend.Emails.get(sent["id"])["last_event"] == "bounced"


def test_list_emails_pages_with_limit(resend):
    for i in range(3):
        resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": f"list {i}", "text": "x"})
    page = resend.Emails.list({"limit": 2})
    assert page["object"] == "list" and len(page["data"]) == 2 and page["has_more"] is True
    after = resend.Emails.list({"limit": 2, "after": page["data"][-1]["id"]})
    assert after["data"] and after["data"][0]["id"] not in {e["id"] for e in page["data"]}


def test_batch_strict_and_permissive(resend):
    sent = resend.Batch.send([
        {"from": FROM, "to": "delivered@resend.dev", "subject": "one", "text": "1"},
        {"from": FROM, "to": "bounced@resend.dev", "subject": "two", "text": "2"},
    ])
    assert len(sent["data"]) == 2 and all("id" in e for e in sent["data"])
    assert resend.Emails.get(sent["data"][1]["id"])["subject"] == "two"
    mixed = resend.Batch.send([
        {"from": FROM, "to": "delivered@resend.dev", "subject": "ok", "text": "1"},
        {"from": FROM, "to": "not-an-address", "subject": "bad", "text": "2"},
    ], {"batch_validation": "permissive"})
    assert len(mixed["data"]) == 1 and mixed["errors"][0]["index"] == 1 and mixed["errors"][0]["message"]
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Batch.send([{"from": FROM, "to": "not-an-address", "subject": "bad", "text": "2"}])
    assert err.value.code == 422


def test_scheduled_update_and_cancel(resend, emulator):
    sent = resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "later", "text": "t",
                               "scheduled_at": "in 1 min"})
    assert resend.Emails.get(sent["id"])["last_event"] == "scheduled"
    updated = resend.Emails.update({"id": sent["id"], "scheduled_at": "in 2 hours"})
    assert updated["id"] == sent["id"] and updated["object"] == "email"
    advance(emulator, 120)  # past the first time: the reschedule must hold it back
    assert resend.Emails.get(sent["id"])["last_event"] == "scheduled"
    canceled = resend.Emails.cancel(sent["id"])
    assert canceled["id"] == sent["id"]
    assert resend.Emails.get(sent["id"])["last_event"] == "canceled"
    with pytest.raises(resend.exceptions.ResendError):  # a canceled e-mail can no longer be rescheduled
        resend.Emails.update({"id": sent["id"], "scheduled_at": "in 3 hours"})


def test_scheduled_email_goes_out_when_due(resend, emulator):
    sent = resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "soon", "text": "t",
                               "scheduled_at": "in 1 min"})
    advance(emulator, 70)
    assert resend.Emails.get(sent["id"])["last_event"] in ("sent", "delivered")


def test_attachments_round_trip(resend):
    payload = b"hello attachment\n"
    sent = resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "files", "text": "see",
                               "attachments": [
                                   {"filename": "a.txt", "content": base64.b64encode(payload).decode()},
                                   {"filename": "b.bin", "content": list(b"\x00\x01\x02")},
                               ]})
    listed = resend.Emails.Attachments.list(sent["id"])
    assert listed["object"] == "list" and [a["filename"] for a in listed["data"]] == ["a.txt", "b.bin"]
    first = resend.Emails.Attachments.get(sent["id"], listed["data"][0]["id"])
    assert first["filename"] == "a.txt" and first["size"] == len(payload)
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "x", "text": "x",
                            "attachments": [{"filename": "empty.txt"}]})
    assert err.value.code == 422


def test_idempotency_replays_and_conflicts(resend):
    key = unique("idem")
    body = {"from": FROM, "to": "delivered@resend.dev", "subject": "once", "text": "t"}
    first = resend.Emails.send(body, {"idempotency_key": key})
    again = resend.Emails.send(body, {"idempotency_key": key})
    assert first["id"] == again["id"]
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Emails.send({**body, "subject": "other"}, {"idempotency_key": key})
    assert err.value.code == 409 and err.value.error_type == "invalid_idempotent_request"


# ---- Errors the SDK maps to exception classes --------------------------------------------------------------------

def test_validation_error_classes(resend):
    with pytest.raises(resend.exceptions.ValidationError) as err:
        resend.Emails.send({"from": FROM, "to": ["invalid"], "subject": "s", "html": "h"})
    assert err.value.code == 422 and "to" in err.value.message
    with pytest.raises(resend.exceptions.MissingRequiredFieldsError) as err:
        resend.Emails.send({"from": FROM, "subject": "s", "html": "h"})
    assert err.value.code == 422 and err.value.error_type == "missing_required_field"
    with pytest.raises(resend.exceptions.ResendError) as err:  # unverified domain
        resend.Emails.send({"from": "x@not-mine.example.net", "to": "delivered@resend.dev", "subject": "s",
                            "text": "t"})
    assert err.value.code == 403


def test_missing_and_invalid_key(resend):
    resend.api_key = ""
    with pytest.raises(resend.exceptions.MissingApiKeyError) as err:
        resend.Domains.list()
    assert err.value.code == 401 and err.value.error_type == "missing_api_key"
    # Observed live behaviour (spec §3.4/§11.10): an unknown key is 400 validation_error "API key is invalid".
    resend.api_key = "re_not_a_real_key"
    with pytest.raises(resend.exceptions.ValidationError) as err:
        resend.Domains.list()
    assert err.value.code == 400 and err.value.message == "API key is invalid"


def test_restricted_key(resend):
    resend.api_key = SEND_KEY
    assert resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "s", "text": "t"})["id"]
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Domains.list()
    assert err.value.code == 401 and err.value.error_type == "restricted_api_key"


def test_not_found(resend):
    missing = str(uuid.uuid4())
    for call in (lambda: resend.Emails.get(missing), lambda: resend.Domains.get(missing),
                 lambda: resend.Templates.get(missing), lambda: resend.Broadcasts.get(missing),
                 lambda: resend.Webhooks.get(missing), lambda: resend.Topics.get(missing)):
        with pytest.raises(resend.exceptions.ResendError) as err:
            call()
        assert err.value.code == 404 and err.value.error_type == "not_found"


def test_rate_limit_429(resend, emulator, fresh_emulator):
    """Default limits (10 requests/s per team): a burst through the SDK must end in RateLimitError."""
    point_sdk_at(resend, fresh_emulator)
    try:
        with pytest.raises(resend.exceptions.RateLimitError) as err:
            for _ in range(60):
                resend.ApiKeys.list()
        assert err.value.code == 429 and err.value.error_type == "rate_limit_exceeded"
        headers = {k.lower(): v for k, v in err.value.headers.items()}
        assert int(headers["retry-after"]) >= 1 and headers["ratelimit-remaining"] == "0"
        assert headers["ratelimit-policy"] == "10;w=1"
    finally:
        point_sdk_at(resend, emulator)


# ---- Domains, API keys -------------------------------------------------------------------------------------------

def test_domains_lifecycle(resend, emulator):
    name = f"{unique('sdk')}.example.org"
    domain = resend.Domains.create({"name": name})
    assert domain["name"] == name and domain["status"] == "not_started" and domain["records"]
    assert resend.Domains.get(domain["id"])["name"] == name
    assert domain["id"] in {d["id"] for d in resend.Domains.list()["data"]}
    assert resend.Domains.verify(domain["id"])["id"] == domain["id"]
    assert resend.Domains.get(domain["id"])["status"] == "pending"
    advance(emulator, 6)
    assert resend.Domains.get(domain["id"])["status"] == "verified"
    sent = resend.Emails.send({"from": f"news@{name}", "to": "delivered@resend.dev", "subject": "s", "text": "t"})
    assert sent["id"]  # a verified domain may send at once
    updated = resend.Domains.update({"id": domain["id"], "open_tracking": True, "click_tracking": True})
    assert updated["id"] == domain["id"]
    assert resend.Domains.get(domain["id"])["open_tracking"] is True
    removed = resend.Domains.remove(domain["id"])
    assert removed["deleted"] is True
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Domains.get(domain["id"])
    assert err.value.code == 404


def test_api_key_created_works_at_once_and_dies_on_delete(resend):
    created = resend.ApiKeys.create({"name": unique("sdk-key")})
    assert created["token"].startswith("re_") and created["id"]
    assert created["id"] in {k["id"] for k in resend.ApiKeys.list()["data"]}
    resend.api_key = created["token"]
    assert resend.Domains.list()["object"] == "list"
    resend.api_key = FULL_KEY
    resend.ApiKeys.remove(created["id"])
    resend.api_key = created["token"]
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Domains.list()
    assert err.value.code == 400


def test_sending_key_restricted_to_domain(resend):
    created = resend.ApiKeys.create({"name": unique("send-only"), "permission": "sending_access",
                                     "domain_id": "4dd369bc-aa82-4ff3-97de-514ae3000ee0"})
    resend.api_key = created["token"]
    assert resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "s", "text": "t"})["id"]
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.ApiKeys.list()
    assert err.value.code == 401


# ---- Audiences, contacts, segments, topics, contact properties ---------------------------------------------------

@pytest.mark.filterwarnings("ignore:Audiences is deprecated:DeprecationWarning")
def test_audiences(resend):
    created = resend.Audiences.create({"name": unique("aud")})
    assert resend.Audiences.get(created["id"])["id"] == created["id"]
    assert created["id"] in {a["id"] for a in resend.Audiences.list()["data"]}
    assert resend.Audiences.remove(created["id"])["deleted"] is True


def test_global_contacts_and_segments(resend):
    segment = resend.Segments.create({"name": unique("seg")})
    assert resend.Segments.get(segment["id"])["id"] == segment["id"]
    assert segment["id"] in {s["id"] for s in resend.Segments.list()["data"]}
    email = f"{unique('c')}@example.org"
    contact = resend.Contacts.create({"email": email, "first_name": "Sam", "unsubscribed": False})
    assert resend.Contacts.get(email=email)["id"] == contact["id"]
    got = resend.Contacts.get(id=contact["id"])
    assert got["email"] == email and got["first_name"] == "Sam"
    assert resend.Contacts.update({"id": contact["id"], "last_name": "Kay"})["id"] == contact["id"]
    assert resend.Contacts.get(id=contact["id"])["last_name"] == "Kay"
    resend.Contacts.Segments.add({"contact_id": contact["id"], "segment_id": segment["id"]})
    assert [s["id"] for s in resend.Contacts.Segments.list({"contact_id": contact["id"]})["data"]] == [segment["id"]]
    assert [c["email"] for c in resend.Contacts.list(segment_id=segment["id"])["data"]] == [email]
    resend.Contacts.Segments.remove({"contact_id": contact["id"], "segment_id": segment["id"]})
    assert resend.Contacts.list(segment_id=segment["id"])["data"] == []
    assert resend.Contacts.remove(email=email)["deleted"] is True
    with pytest.raises(resend.exceptions.ResendError) as err:
        resend.Contacts.get(id=contact["id"])
    assert err.value.code == 404
    assert resend.Segments.remove(segment["id"])["deleted"] is True


@pytest.mark.filterwarnings("ignore:Audiences is deprecated:DeprecationWarning")
def test_legacy_audience_contacts(resend):
    audience = resend.Audiences.create({"name": unique("legacy")})
    email = f"{unique('legacy')}@example.org"
    contact = resend.Contacts.create({"audience_id": audience["id"], "email": email})
    listed = resend.Contacts.list(audience_id=audience["id"])["data"]
    assert [c["id"] for c in listed] == [contact["id"]]
    assert resend.Contacts.get(audience_id=audience["id"], id=contact["id"])["email"] == email
    assert resend.Contacts.update({"audience_id": audience["id"], "id": contact["id"],
                                   "unsubscribed": True})["id"] == contact["id"]
    assert resend.Contacts.get(audience_id=audience["id"], email=email)["unsubscribed"] is True
    assert resend.Contacts.remove(audience_id=audience["id"], id=contact["id"])["deleted"] is True
    assert resend.Contacts.list(audience_id=audience["id"])["data"] == []


def test_topics_and_contact_subscriptions(resend):
    topic = resend.Topics.create({"name": unique("topic"), "default_subscription": "opt_in"})
    assert resend.Topics.get(topic["id"])["default_subscription"] == "opt_in"
    assert topic["id"] in {t["id"] for t in resend.Topics.list()["data"]}
    assert resend.Topics.update(topic["id"], {"description": "weekly"})["id"] == topic["id"]
    assert resend.Topics.get(topic["id"])["description"] == "weekly"
    contact = resend.Contacts.create({"email": f"{unique('t')}@example.org"})
    resend.Contacts.Topics.update({"id": contact["id"], "topics": [{"id": topic["id"], "subscription": "opt_out"}]})
    subs = {t["id"]: t["subscription"] for t in resend.Contacts.Topics.list(contact["id"])["data"]}
    assert subs[topic["id"]] == "opt_out"
    assert resend.Topics.remove(topic["id"])["deleted"] is True


def test_contact_properties(resend):
    key = unique("plan").replace("-", "_")
    prop = resend.ContactProperties.create({"key": key, "type": "string", "fallback_value": "free"})
    got = resend.ContactProperties.get(prop["id"])
    assert got["key"] == key and got["type"] == "string" and got["fallback_value"] == "free"
    assert prop["id"] in {p["id"] for p in resend.ContactProperties.list()["data"]}
    resend.ContactProperties.update({"id": prop["id"], "fallback_value": "pro"})
    assert resend.ContactProperties.get(prop["id"])["fallback_value"] == "pro"
    email = f"{unique('p')}@example.org"
    resend.Contacts.create({"email": email, "properties": {key: "team"}})
    assert resend.Contacts.get(email=email)["properties"][key] == "team"
    assert resend.ContactProperties.remove(prop["id"])["deleted"] is True


# ---- Templates, broadcasts, webhooks -----------------------------------------------------------------------------

def test_templates_publish_duplicate_and_render(resend):
    template = resend.Templates.create({
        "name": unique("tpl"), "subject": "Hi {{{NAME}}}", "html": "<p>Hello {{{NAME}}}, plan {{{PLAN}}}</p>",
        "variables": [{"key": "NAME", "type": "string"},
                      {"key": "PLAN", "type": "string", "fallback_value": "free"}]})
    assert resend.Templates.get(template["id"])["status"] == "draft"
    with pytest.raises(resend.exceptions.ResendError):  # only published templates can be sent
        resend.Emails.send({"from": FROM, "to": "delivered@resend.dev",
                            "template": {"id": template["id"], "variables": {"NAME": "Ann"}}})
    assert resend.Templates.publish(template["id"])["id"] == template["id"]
    assert resend.Templates.get(template["id"])["status"] == "published"
    copy = resend.Templates.duplicate(template["id"])
    assert copy["id"] != template["id"] and resend.Templates.get(copy["id"])["html"].startswith("<p>Hello")
    assert template["id"] in {t["id"] for t in resend.Templates.list()["data"]}
    sent = resend.Emails.send({"from": FROM, "to": "delivered@resend.dev",
                               "template": {"id": template["id"], "variables": {"NAME": "Ann"}}})
    email = resend.Emails.get(sent["id"])
    assert email["subject"] == "Hi Ann" and email["html"] == "<p>Hello Ann, plan free</p>"
    updated = resend.Templates.update({"id": copy["id"], "name": "renamed"})
    assert updated["id"] == copy["id"] and resend.Templates.get(copy["id"])["name"] == "renamed"
    assert resend.Templates.remove(copy["id"])["deleted"] is True


def test_fixture_template_by_alias(resend):
    sent = resend.Emails.send({"from": FROM, "to": "delivered@resend.dev",
                               "template": {"id": WELCOME, "variables": {"NAME": "Zoe"}}})
    assert resend.Emails.get(sent["id"])["subject"] == "Welcome, Zoe!"


def test_broadcast_send_renders_per_contact(resend, emulator):
    segment = resend.Segments.create({"name": unique("bc")})
    for name in ("Ann", "Bob"):
        contact = resend.Contacts.create({"email": f"{unique(name.lower())}@example.org", "first_name": name})
        resend.Contacts.Segments.add({"contact_id": contact["id"], "segment_id": segment["id"]})
    broadcast = resend.Broadcasts.create({"segment_id": segment["id"], "from": FROM, "subject": "News",
                                          "html": "<p>Hi {{{FIRST_NAME}}}</p>", "name": "weekly"})
    assert resend.Broadcasts.get(broadcast["id"])["status"] == "draft"
    assert broadcast["id"] in {b["id"] for b in resend.Broadcasts.list()["data"]}
    resend.Broadcasts.update({"broadcast_id": broadcast["id"], "subject": "News!"})
    assert resend.Broadcasts.send({"broadcast_id": broadcast["id"]})["id"] == broadcast["id"]
    advance(emulator, 5)
    assert resend.Broadcasts.get(broadcast["id"])["status"] == "sent"
    htmls = {resend.Emails.get(e["id"])["html"] for e in resend.Emails.list({"limit": 20})["data"]
             if e["subject"] == "News!"}
    assert {"<p>Hi Ann</p>", "<p>Hi Bob</p>"} <= htmls


def test_broadcast_scheduled_then_canceled(resend):
    broadcast = resend.Broadcasts.create({"segment_id": NEWSLETTER, "from": FROM, "subject": "Later",
                                          "html": "<p>later</p>"})
    resend.Broadcasts.send({"broadcast_id": broadcast["id"], "scheduled_at": "in 1 hour"})
    assert resend.Broadcasts.get(broadcast["id"])["status"] == "scheduled"
    assert resend.Broadcasts.cancel(broadcast["id"])["id"] == broadcast["id"]
    assert resend.Broadcasts.get(broadcast["id"])["status"] == "canceled"
    with pytest.raises(resend.exceptions.ValidationError):  # docs: only drafts (and scheduled) can be deleted
        resend.Broadcasts.remove(broadcast["id"])
    with pytest.raises(resend.exceptions.ResendError):  # "Only queued or scheduled broadcasts can be canceled"
        resend.Broadcasts.cancel(broadcast["id"])
    draft = resend.Broadcasts.create({"segment_id": NEWSLETTER, "from": FROM, "subject": "Draft", "text": "d"})
    assert resend.Broadcasts.remove(draft["id"])["deleted"] is True


def test_webhooks(resend):
    hook = resend.Webhooks.create({"endpoint": "https://example.org/hooks/sdk",
                                   "events": ["email.sent", "email.delivered"]})
    assert hook["signing_secret"].startswith("whsec_")
    got = resend.Webhooks.get(hook["id"])
    assert got["endpoint"] == "https://example.org/hooks/sdk" and set(got["events"]) == {"email.sent",
                                                                                         "email.delivered"}
    assert hook["id"] in {w["id"] for w in resend.Webhooks.list()["data"]}
    resend.Webhooks.update({"webhook_id": hook["id"], "status": "disabled"})
    assert resend.Webhooks.get(hook["id"])["status"] == "disabled"
    assert resend.Webhooks.remove(hook["id"])["deleted"] is True


# ---- Suppressions, events and automations, logs ------------------------------------------------------------------

def test_suppressed_address_is_not_delivered(resend, emulator):
    email = f"{unique('sup')}@example.org"
    assert resend.Suppressions.add({"email": email})["id"]
    assert resend.Suppressions.get(email)["origin"] == "manual"
    sent = resend.Emails.send({"from": FROM, "to": email, "subject": "s", "text": "t"})
    advance(emulator, 5)
    assert resend.Emails.get(sent["id"])["last_event"] == "suppressed"
    assert resend.Suppressions.remove(email)["deleted"] is True


def test_event_starts_automation(resend, emulator):
    name = unique("signup").replace("-", "_")
    segment = resend.Segments.create({"name": unique("auto")})
    assert resend.Events.create({"name": name})["id"]
    automation = resend.Automations.create({
        "name": "onboard", "status": "enabled",
        "steps": [{"key": "t", "type": "trigger", "config": {"event_name": name}},
                  {"key": "s", "type": "add_to_segment", "config": {"segment_id": segment["id"]}}],
        "connections": [{"from": "t", "to": "s"}]})
    email = f"{unique('auto')}@example.org"
    assert resend.Events.send({"event": name, "email": email})["event"] == name
    advance(emulator, 1)
    assert [c["email"] for c in resend.Contacts.list(segment_id=segment["id"])["data"]] == [email]
    assert resend.Automations.get(automation["id"])["name"] == "onboard"


def test_logs_record_requests(resend):
    resend.Emails.send({"from": FROM, "to": "delivered@resend.dev", "subject": "logged", "text": "t"})
    logs = resend.Logs.list()["data"]
    assert logs and resend.Logs.get(logs[0]["id"])["id"] == logs[0]["id"]

# SPDX-License-Identifier: Apache-2.0
"""Flowdock's Streaming API (spec §3.11) as a client reads it: `requests` with `stream=True` on
`stream.flowdock.com` (here the Host header, over the emulator's port), JSON objects separated by `\\r` and
Server-Sent Events. A message posted through REST, then its edit, arrive on the open stream at once: the read
timeout (1 s) is the bound, no sleeps."""
import json

import requests

TOKEN = "maildouble-flowdock-token"
STREAM = {"Host": "stream.flowdock.com"}


def session():
    s = requests.Session()
    s.trust_env = False
    return s


def objects(response):
    """The JSON objects of a `\\r`-separated stream, skipping the newline keep-alives."""
    buffer = b""
    for chunk in response.iter_content(chunk_size=None):
        buffer += chunk
        while b"\r" in buffer:
            item, buffer = buffer.split(b"\r", 1)
            if item.strip():
                yield json.loads(item)


def test_json_stream_receives_a_rest_post_and_its_edit_within_a_second(emulator):
    with session() as s:
        stream = s.get(f"{emulator.http}/flows", params={"filter": "acme/my-flow"}, headers=STREAM,
                       auth=(TOKEN, ""), stream=True, timeout=(5, 1))
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("application/json")
        events = objects(stream)
        posted = s.post(f"{emulator.http}/flows/acme/my-flow/messages", auth=(TOKEN, ""),
                        json={"event": "message", "content": "Deploying now"}).json()
        first = next(events)
        assert first["id"] == posted["id"] and first["content"] == "Deploying now" and first["event"] == "message"
        edit = s.put(f"{emulator.http}/flows/acme/my-flow/messages/{posted['id']}", auth=(TOKEN, ""),
                     json={"content": "Deployed"})
        assert edit.status_code == 200
        change = next(events)
        assert change["event"] == "message-edit"
        assert change["content"] == {"message": posted["id"], "updated_content": "Deployed"}
        stream.close()


def test_event_stream_has_ids_and_resumes_with_last_event_id(emulator):
    url = f"{emulator.http}/flows/acme/my-flow"
    headers = {**STREAM, "Accept": "text/event-stream"}
    with session() as s:
        stream = s.get(url, headers=headers, auth=(TOKEN, ""), stream=True, timeout=(5, 1))
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines(decode_unicode=True)
        posted = s.post(f"{url}/messages", auth=(TOKEN, ""), json={"event": "message", "content": "one"}).json()
        s.post(f"{url}/messages", auth=(TOKEN, ""), json={"event": "message", "content": "two"})
        frames, current = [], {}
        for line in lines:
            if line.startswith("id: "):
                current["id"] = line[4:]
            elif line.startswith("data: "):
                current["data"] = json.loads(line[6:])
            elif line == "" and current:
                frames.append(current)
                current = {}
                if len(frames) == 2:
                    break
        stream.close()
        assert [f["data"]["content"] for f in frames] == ["one", "two"]
        assert frames[0]["id"] == f"acme/my-flow:{posted['id']}"
        # A reconnect after the first frame gets the second again, first.
        again = s.get(url, headers={**headers, "Last-Event-ID": frames[0]["id"]}, auth=(TOKEN, ""), stream=True,
                      timeout=(5, 1))
        for line in again.iter_lines(decode_unicode=True):
            if line.startswith("data: "):
                assert json.loads(line[6:])["content"] == "two"
                break
        again.close()


def test_stream_errors_are_flowdock_errors(emulator):
    with session() as s:
        r = s.get(f"{emulator.http}/flows", headers=STREAM, auth=(TOKEN, ""), timeout=5)
        assert r.status_code == 400 and r.json()["errors"] == {"filter": ["can't be blank"]}
        r = s.get(f"{emulator.http}/flows", params={"filter": "acme/nope"}, headers=STREAM, auth=(TOKEN, ""),
                  timeout=5)
        assert r.status_code == 404 and "message" in r.json()
        r = s.get(f"{emulator.http}/flows", params={"filter": "acme/my-flow"}, headers=STREAM, timeout=5)
        assert r.status_code == 401
        # The same paths on the REST host stay REST.
        r = s.get(f"{emulator.http}/flows/acme/my-flow", auth=(TOKEN, ""), timeout=5)
        assert r.status_code == 200 and r.json()["parameterized_name"] == "my-flow"

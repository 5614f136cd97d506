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


def test_a_stream_receives_a_rest_post_its_edit_and_its_deletion_within_a_second(emulator):
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
        s.put(f"{emulator.http}/flows/acme/my-flow/messages/{posted['id']}", auth=(TOKEN, ""), json={"tags": ["ops"]})
        tags = next(events)
        assert tags["event"] == "tag-change" and tags["content"]["add"] == ["ops"]
        assert s.delete(f"{emulator.http}/flows/acme/my-flow/messages/{posted['id']}", auth=(TOKEN, "")).status_code == 200
        truncated = next(events)
        assert truncated["content"] == {"message": posted["id"], "updated_content": ""}
        stream.close()

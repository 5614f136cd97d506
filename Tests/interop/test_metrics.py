# SPDX-License-Identifier: Apache-2.0
"""`/_emulator/metrics` read the way Prometheus reads it: the official `prometheus_client` text parser
(`text_string_to_metric_families`) must accept the whole exposition, and its counters must equal the requests
this test made (counted here from the answers it got), over HTTP/1.1 and HTTP/2 with the chain verified. The
probes and the JSON request log lines with their request ids are checked on the same run."""
import collections
import http.server
import json
import os
import ssl
import threading

import httpx
import requests
from conftest import Emulator
from prometheus_client.parser import text_string_to_metric_families

KEY = {"Authorization": "Bearer re_test_maildouble_full"}


class Receiver:
    """A webhook endpoint on 127.0.0.1 answering `status` to every POST."""

    def __init__(self, status):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def families(text):
    return {f.name: f for f in text_string_to_metric_families(text)}


def test_metrics_parse_with_prometheus_client_and_count_the_requests_made():
    em = Emulator(["--postflare-rate-limit", "0", "--log-format", "json", "--log-level", "info"])
    ok, failing = Receiver(200), Receiver(500)
    made = collections.Counter()
    s = requests.Session()
    s.trust_env = False
    s.verify = em.ca_file

    def call(vendor, method, route, path, **kw):
        r = s.request(method, em.https + path, timeout=60, **kw)
        made[(vendor, method, route, str(r.status_code))] += 1
        return r

    try:
        assert call("emulator", "GET", "/_emulator/livez", "/_emulator/livez").status_code == 200
        assert call("emulator", "GET", "/_emulator/readyz", "/_emulator/readyz").json() == {"status": "ready"}
        for receiver in (ok, failing):
            r = call("postflare", "POST", "/webhooks", "/webhooks", headers=KEY,
                     json={"endpoint": receiver.url, "events": ["email.delivered"]})
            assert r.status_code in (200, 201), r.text
        ids = []
        for i in range(5):
            r = call("postflare", "POST", "/emails", "/emails", headers={**KEY, "X-Request-Id": f"metrics-{i}"},
                     json={"from": "hello@example.org", "to": ["delivered@resend.dev"], "subject": f"m{i}",
                           "text": "hi"})
            assert r.status_code == 200, r.text
            assert r.headers["X-Request-Id"] == f"metrics-{i}"
            ids.append(r.json()["id"])
        for email_id in ids[:2]:
            assert call("postflare", "GET", "/emails/{id}", f"/emails/{email_id}", headers=KEY).status_code == 200
        bad = call("postflare", "POST", "/emails", "/emails", headers=KEY, json={"to": "nobody"})
        assert 400 <= bad.status_code < 500
        # Five e-mails come due 3 s later on the emulator clock: one attempt per e-mail per endpoint.
        assert call("emulator", "POST", "/_emulator/clock/advance", "/_emulator/clock/advance",
                    params={"seconds": 3}).status_code == 200
        r = call("emulator", "GET", "/_emulator/deliveries/wait", "/_emulator/deliveries/wait",
                 params={"count": 10, "timeout": 60})
        assert r.status_code == 200, r.text
        stored = call("emulator", "GET", "/_emulator/messages", "/_emulator/messages",
                      params={"vendor": "postflare", "limit": 1000}).json()["data"]

        # HTTP/2 with the chain verified; the connection stays open through the scrape.
        with httpx.Client(http2=True, verify=ssl.create_default_context(cafile=em.ca_file), trust_env=False) as h2:
            for _ in range(3):
                r = h2.get(em.https + "/_emulator/health")
                assert r.http_version == "HTTP/2" and r.status_code == 200
                made[("emulator", "GET", "/_emulator/health", "200")] += 1
            scrape = s.get(em.https + "/_emulator/metrics", timeout=30)
        assert scrape.status_code == 200
        assert scrape.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        fams = families(scrape.text)

        requests_family = fams["maildouble_requests"]  # the parser drops a counter's `_total`
        assert requests_family.type == "counter"
        got = collections.Counter()
        for sample in requests_family.samples:
            assert sample.name == "maildouble_requests_total"
            labels = sample.labels
            got[(labels["vendor"], labels["method"], labels["route"], labels["status"])] += int(sample.value)
        # Exactly what was made: every series, nothing else (the scrape itself is counted after it rendered).
        assert got == made

        latency = collections.defaultdict(dict)
        for sample in fams["maildouble_request_duration_seconds"].samples:
            key = (sample.labels["vendor"], sample.labels["route"])
            if sample.name.endswith("_count"):
                latency[key]["count"] = sample.value
            elif sample.name.endswith("_bucket") and sample.labels["le"] == "+Inf":
                latency[key]["inf"] = sample.value
        assert latency[("postflare", "/emails")] == {"count": 6, "inf": 6}
        assert latency[("emulator", "/_emulator/health")] == {"count": 3, "inf": 3}

        def value(family, **labels):
            matches = [x.value for x in fams[family].samples if all(x.labels.get(k) == v for k, v in labels.items())]
            assert len(matches) == 1, (family, labels, matches)
            return matches[0]

        assert value("maildouble_webhook_deliveries", vendor="postflare", outcome="delivered") == 5
        assert value("maildouble_webhook_deliveries", vendor="postflare", outcome="rejected") == 5
        assert value("maildouble_webhook_deliveries", vendor="postflare", outcome="failed") == 0
        assert value("maildouble_stored_messages", vendor="postflare", tenant="team_maildouble") == len(stored)
        assert value("maildouble_open_connections", tls="true", protocol="h2") >= 1
        assert value("maildouble_tls_handshakes", result="completed") >= 2
        assert value("maildouble_parked_waiters") == 0
        assert value("maildouble_ready") == 1
    finally:
        s.close()
        ok.close()
        failing.close()
        assert em.stop() == 0

    # One JSON record per request on stderr, with the id it was answered with.
    with open(os.path.join(em.dir, "stderr.log")) as f:
        records = [json.loads(line) for line in f if line.startswith("{")]
    lines = [r for r in records if r.get("event") == "request"]
    assert len(lines) == sum(made.values()) + 1  # and the scrape
    assert [r["id"] for r in lines if r["id"].startswith("metrics-")] == [f"metrics-{i}" for i in range(5)]
    assert all(r["level"] == "info" and isinstance(r["status"], int) for r in lines if "status" in r)
    assert any(r.get("event") == "started" and r.get("https_port") == em.https_port for r in records)
    assert records[-1]["event"] == "stopped"

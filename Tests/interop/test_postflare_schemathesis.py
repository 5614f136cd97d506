# SPDX-License-Identifier: Apache-2.0
"""Property-based contract test: the schemathesis CLI generates requests from the Resend OpenAPI contract
(shared/spec/resend-openapi.yaml) and checks every answer of a live emulator over HTTPS against it.

What is adjusted, and why (nothing else is):
  The contract declares only the success responses (200/201/202) of each operation. Resend's errors page
  (spec §3.2) documents the error answers every endpoint can give — 400, 401, 403, 404, 409, 422, 429 — all in
  the one format of spec §3.1, `{"statusCode","message","name"}`. Generated data that the schema allows can
  still be refused on meaning (an unknown id → 404, a `from` on a domain the team has not verified → 403, a
  `scheduled_at` in the past → 422), so without those responses `status_code_conformance` would flag every
  correct refusal. The spec is therefore loaded and, in memory (a temporary copy; the shared file is not
  touched), every tested operation gets those documented error statuses with a strict schema: exactly the
  three keys, `statusCode` equal to the HTTP status, `name` one of the names §3.2 lists for that status. 5xx
  is never added, so `not_a_server_error` still fails on any server error, and a wrong status, a wrong error
  body or a success body that disagrees with its schema still fails.

  One success schema is loosened, on recorded real traffic: a contact's `first_name`/`last_name` are typed
  `string`, but the HAR recordings of the live API (spec §2.6/§2.7, summarised in §11.6) answer `null` for a
  contact created without them — so they are made `["string", "null"]` in the contact and contact-list
  schemas. Every other mismatch schemathesis found was fixed in the emulator.

  Path parameters of fixture resources get an `example` (FIXTURE_IDS) so that existing resources are tested
  too; that is test data, not a change of any schema.
"""
import copy
import os
import pathlib
import subprocess
import sys
import time

import yaml

from conftest import Emulator

# The CLI sits beside the interpreter in the venv (the package has no `__main__`, so no `python -m`).
SCHEMATHESIS = pathlib.Path(sys.executable).parent / "schemathesis"
SPEC = pathlib.Path(__file__).resolve().parents[3] / "shared" / "spec" / "resend-openapi.yaml"
KEY = "re_test_maildouble_full"
SEED = 20261121
MAX_EXAMPLES = 40  # per operation and phase: ~7,600 requests over all 104 operations, ~50 s on 2 cores
TIMEOUT_SECONDS = 300  # hard stop for CI; a normal run takes well under two minutes

# spec §3.2 (errors page, incl. the newer names of Aug 2026) and §3.4 (invalid key observed as 400/401
# `validation_error`): the error names documented for each status.
DOCUMENTED_ERRORS = {
    400: ["validation_error", "invalid_idempotency_key"],
    401: ["missing_api_key", "restricted_api_key", "validation_error"],
    403: ["invalid_api_key", "validation_error", "restricted_api_key", "invalid_permission", "suspended_api_key",
          "email_above_quota"],
    404: ["not_found"],
    409: ["invalid_idempotent_request", "concurrent_idempotent_requests", "resource_locked"],
    422: ["validation_error", "missing_required_field", "invalid_attachment", "invalid_from_address",
          "invalid_access", "invalid_parameter", "invalid_region", "missing_required_parameter"],
    429: ["rate_limit_exceeded", "daily_quota_exceeded", "monthly_quota_exceeded"],
}


# Path-parameter examples naming resources of fixtures/postflare.json, so that the examples and coverage phases
# also reach answers about existing resources (detail schemas), not only 404s. Parameter examples are data
# hints; they change no schema. API keys are left out: deleting the key the run uses would end it.
FIXTURE_IDS = {
    ("domains", "domain_id"): "4dd369bc-aa82-4ff3-97de-514ae3000ee0",
    ("templates", "id"): "34a080c9-b17d-4187-ad80-5af20266e535",
    ("audiences", "id"): "78261eea-8f8b-4381-83c6-79fa7120f1cf",
    ("segments", "id"): "78261eea-8f8b-4381-83c6-79fa7120f1cf",
    ("contacts", "segment_id"): "78261eea-8f8b-4381-83c6-79fa7120f1cf",
    ("contacts", "id"): "e169aa45-1ecf-4183-9955-b1499d5701d3",
    ("contacts", "contact_id"): "e169aa45-1ecf-4183-9955-b1499d5701d3",
    ("webhooks", "webhook_id"): "4f1c2e3d-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    ("topics", "id"): "b6d24b8e-af0b-4c3c-be0c-359bbd97381e",
    ("contact-properties", "id"): "e5c1a9d2-3b4f-4a6e-8c7d-9f0a1b2c3d4e",
}


def error_response(status, names):
    return {
        "description": f"Documented error (spec §3.2): {', '.join(names)}",
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["statusCode", "message", "name"],
            "additionalProperties": False,
            "properties": {
                "statusCode": {"const": status},
                "message": {"type": "string", "minLength": 1},
                "name": {"enum": names},
            },
        }}},
    }


def augmented_spec(source):
    spec = copy.deepcopy(yaml.safe_load(source.read_text()))
    schemas = spec["components"]["schemas"]
    # §11.6 / §2.7 [V-HAR]: `"first_name":null,"last_name":null` on the wire.
    for contact in (schemas["GetContactResponseSuccess"], schemas["ListContactsResponseSuccess"]["properties"]
                    ["data"]["items"]):
        for name in ("first_name", "last_name"):
            contact["properties"][name]["type"] = ["string", "null"]
    for path, item in spec["paths"].items():
        resource = path.split("/")[1]
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            for parameter in item.get("parameters", []) + operation.get("parameters", []):
                example = FIXTURE_IDS.get((resource, parameter.get("name")))
                if parameter.get("in") == "path" and example and "$ref" not in parameter:
                    parameter["example"] = example
            responses = operation.setdefault("responses", {})
            for status, names in DOCUMENTED_ERRORS.items():
                if str(status) not in responses and status not in responses:
                    responses[str(status)] = error_response(status, names)
    return spec


def test_contract_conformance_with_schemathesis(tmp_path):
    assert SPEC.is_file(), f"the shared contract is expected beside the checkout: {SPEC}"
    spec_file = tmp_path / "resend-openapi.augmented.yaml"
    spec_file.write_text(yaml.safe_dump(augmented_spec(SPEC), sort_keys=False))
    # A private emulator without the rate limit: the run creates and deletes resources at will, and must not
    # disturb the state the SDK tests share.
    em = Emulator(["--postflare-rate-limit", "0"])
    try:
        args = [
            str(SCHEMATHESIS), "run", str(spec_file),
            "--url", em.https, "--tls-verify", em.ca_file,
            "-H", f"Authorization: Bearer {KEY}",
            "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
                        "response_schema_conformance",
            # Default mode (positive and negative data): invalid input must get a documented 4xx, never a 5xx.
            # Stateful testing is left out: the contract has no links, and the inferred ones cover nothing.
            "--phases", "examples,coverage,fuzzing",
            # Fixed seed, no example database: every run generates the same cases.
            "--max-examples", str(MAX_EXAMPLES), "--seed", str(SEED), "--generation-database", "none",
            "--no-shrink",
            "--workers", "2", "--request-timeout", "10",
            "--no-color",
        ]
        # `--tls-verify` names the emulator's CA; a machine-wide bundle in the environment must not replace it.
        env = {k: v for k, v in os.environ.items() if k not in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")}
        started = time.monotonic()
        run = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env=env,
                             cwd=tmp_path)
        elapsed = time.monotonic() - started
    finally:
        em.stop()
    summary = run.stdout[run.stdout.rfind("SUMMARY"):]
    print(f"schemathesis ran {elapsed:.0f}s\n{summary}")
    assert run.returncode == 0, f"schemathesis found failures after {elapsed:.0f}s:\n{run.stdout[-20000:]}{run.stderr}"
    assert "Tested: 104" in summary, "all 104 operations of the contract are expected to be tested"

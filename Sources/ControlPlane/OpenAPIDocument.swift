// SPDX-License-Identifier: Apache-2.0

// `GET /_emulator/openapi.json`: every control route, described. Kept as the JSON it is served as; a test
// checks that it parses and that every route the control router registers is in it (and nothing else).
extension ControlPlane {
    static let openAPIDocument = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "MailDouble control plane",
            "version": "0.1.0",
            "description": "The emulator's own routes under /_emulator/ (on both ports): inspect what was sent, wait for it, journals, scripted vendor-correct faults, tenants, clock and reset. With --control-token every route but health, livez and readyz wants `Authorization: Bearer <token>`."
          },
          "paths": {
            "/_emulator/health": {
              "get": {
                "summary": "Liveness, version, clock and counters (never needs the control token).",
                "operationId": "health",
                "responses": {
                  "200": {
                    "description": "Healthy.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "status",
                            "version",
                            "vendors",
                            "clock"
                          ],
                          "properties": {
                            "status": {
                              "const": "ok"
                            },
                            "version": {
                              "type": "string"
                            },
                            "vendors": {
                              "type": "array",
                              "items": {
                                "type": "string"
                              }
                            },
                            "clock": {
                              "type": "string"
                            },
                            "uptime_seconds": {
                              "type": "integer"
                            },
                            "evicted_messages": {
                              "type": "object"
                            },
                            "parked_waiters": {
                              "type": "integer"
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/openapi.json": {
              "get": {
                "summary": "This document.",
                "operationId": "openapi",
                "responses": {
                  "200": {
                    "description": "OpenAPI 3.1.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/livez": {
              "get": {
                "summary": "Liveness probe: the event loops answer (never needs the control token).",
                "operationId": "livez",
                "responses": {
                  "200": {
                    "description": "Alive.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": ["status"],
                          "properties": { "status": { "const": "ok" } }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/readyz": {
              "get": {
                "summary": "Readiness probe: listening with fixtures and state loaded, not draining (never needs the control token).",
                "operationId": "readyz",
                "responses": {
                  "200": {
                    "description": "Ready.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": ["status"],
                          "properties": { "status": { "const": "ready" } }
                        }
                      }
                    }
                  },
                  "503": {
                    "description": "Starting, or draining after SIGTERM/SIGINT.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": ["status"],
                          "properties": { "status": { "enum": ["starting", "draining"] } }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/metrics": {
              "get": {
                "summary": "Prometheus metrics (text exposition format 0.0.4): requests by vendor, method, route and status, latency histograms, open connections, TLS handshakes, stored messages, webhook deliveries, faults fired, parked waiters.",
                "operationId": "metrics",
                "responses": {
                  "200": {
                    "description": "The exposition, computed at the request.",
                    "content": {
                      "text/plain": {
                        "schema": { "type": "string" }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/ping": {
              "get": {
                "summary": "A constant body (benchmarks).",
                "operationId": "ping",
                "responses": {
                  "200": {
                    "description": "Pong.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/clock": {
              "get": {
                "summary": "The emulator's clock.",
                "operationId": "getClock",
                "responses": {
                  "200": {
                    "description": "Now.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Clock"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/clock/advance": {
              "post": {
                "summary": "Moves emulator time forward; events that came due are on the change feed before the answer.",
                "operationId": "advanceClock",
                "parameters": [
                  {
                    "name": "seconds",
                    "in": "query",
                    "required": false,
                    "description": "Seconds to move forward (≥ 0, at most 400 days); or the JSON body {\"seconds\": n}.",
                    "schema": {
                      "type": "number",
                      "minimum": 0,
                      "maximum": 34560000
                    }
                  }
                ],
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "properties": {
                          "seconds": {
                            "type": "number",
                            "minimum": 0,
                            "maximum": 34560000
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "200": {
                    "description": "The new time.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Clock"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/clock/reset": {
              "post": {
                "summary": "Back to real time.",
                "operationId": "resetClock",
                "responses": {
                  "200": {
                    "description": "Now.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Clock"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/reset": {
              "post": {
                "summary": "Back to the fixtures: every vendor, one vendor, or one tenant of one vendor; also clears fault rules when everything is reset.",
                "operationId": "reset",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant: a provisioned tenant's name or a vendor's own tenant id; without `vendor`, in every vendor that has it (404 when none has).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "clock",
                    "in": "query",
                    "required": false,
                    "description": "`1`: the clock back to real time too.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "0",
                        "1",
                        "true",
                        "false"
                      ]
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "What was reset.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "reset"
                          ],
                          "properties": {
                            "reset": {
                              "type": "array",
                              "items": {
                                "type": "string"
                              }
                            },
                            "tenant": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/delay": {
              "get": {
                "summary": "Answers after `ms` milliseconds, on the event loop's timers.",
                "operationId": "delay",
                "parameters": [
                  {
                    "name": "ms",
                    "in": "query",
                    "required": true,
                    "description": "Milliseconds (0–30000).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 30000
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Delayed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "properties": {
                            "delayed_ms": {
                              "type": "integer"
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/stall": {
              "get": {
                "summary": "Holds the event-loop thread serving it for `ms` milliseconds, on purpose (client timeouts, drain deadline).",
                "operationId": "stall",
                "parameters": [
                  {
                    "name": "ms",
                    "in": "query",
                    "required": true,
                    "description": "Milliseconds (0–30000).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0,
                      "maximum": 30000
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Stalled.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "properties": {
                            "stalled_ms": {
                              "type": "integer"
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/messages": {
              "get": {
                "summary": "Every vendor's stored messages, in arrival order (or newest first with `order=desc`).",
                "operationId": "listMessages",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor's messages.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant's (a Flowmailer account id, a Postflare team id, a Flowdock organization, or a provisioned tenant's name).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "required": false,
                    "description": "A recipient address (to, cc or bcc), compared without display name and case.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "required": false,
                    "description": "The sender address, compared without display name and case.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "subject",
                    "in": "query",
                    "required": false,
                    "description": "The exact subject.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "q",
                    "in": "query",
                    "required": false,
                    "description": "A substring of the subject or text, case-insensitive.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "The vendor's status now (`delivered`, `DELIVERED`), case-insensitive.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "description": "Only messages stored after this change-feed sequence number, or created at or after this RFC 3339 time.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many items (default 100).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "order",
                    "in": "query",
                    "required": false,
                    "description": "`asc` (arrival order, the default) or `desc` (newest first, as the web inbox shows them: walks the change feed backwards, so a page costs the same at 100,000 stored messages; its cursors are its own).",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "asc",
                        "desc"
                      ]
                    }
                  },
                  {
                    "name": "cursor",
                    "in": "query",
                    "required": false,
                    "description": "The `next` of the previous page.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data",
                            "has_more",
                            "next"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Message"
                              }
                            },
                            "has_more": {
                              "type": "boolean"
                            },
                            "next": {
                              "type": [
                                "string",
                                "null"
                              ]
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              },
              "delete": {
                "summary": "Forgets stored messages (not tenants, keys or templates).",
                "operationId": "deleteMessages",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant (needs `vendor` where it resets or forgets).",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "How many.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Deleted"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/messages/wait": {
              "get": {
                "summary": "Long-poll: answers the moment `count` messages match, else 408 after `timeout` seconds.",
                "operationId": "waitForMessages",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor's messages.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant's (a Flowmailer account id, a Postflare team id, a Flowdock organization, or a provisioned tenant's name).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "to",
                    "in": "query",
                    "required": false,
                    "description": "A recipient address (to, cc or bcc), compared without display name and case.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "from",
                    "in": "query",
                    "required": false,
                    "description": "The sender address, compared without display name and case.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "subject",
                    "in": "query",
                    "required": false,
                    "description": "The exact subject.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "q",
                    "in": "query",
                    "required": false,
                    "description": "A substring of the subject or text, case-insensitive.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "The vendor's status now (`delivered`, `DELIVERED`), case-insensitive.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "description": "Only messages stored after this change-feed sequence number, or created at or after this RFC 3339 time.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many items (default 100).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "count",
                    "in": "query",
                    "required": false,
                    "description": "How many matches to wait for (default 1).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "timeout",
                    "in": "query",
                    "required": false,
                    "description": "Seconds to wait (default 30).",
                    "schema": {
                      "type": "number",
                      "minimum": 0,
                      "maximum": 300
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The matches.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Message"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "408": {
                    "description": "`count` matches did not exist within `timeout`: what matched by then.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "error",
                            "wanted",
                            "matched",
                            "data"
                          ],
                          "properties": {
                            "error": {
                              "const": "timeout"
                            },
                            "wanted": {
                              "type": "integer"
                            },
                            "matched": {
                              "type": "integer"
                            },
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Message"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/messages/{vendor}/{id}": {
              "get": {
                "summary": "One message, whole: bodies, headers, attachments, events, extracted links and one-time codes.",
                "operationId": "getMessage",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "path",
                    "required": true,
                    "description": "The vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "The vendor's own message id.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The message.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/MessageDetail"
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/messages/{vendor}/{id}/attachments/{index}": {
              "get": {
                "summary": "Download one attachment of a message: its bytes with its media type, as `Content-Disposition: attachment` (RFC 6266; `filename*` for a non-ASCII name). Each attachment's `url` in a message points here.",
                "description": "An attachment whose content the vendor does not hold (a Postflare attachment given only by `path` URL, which is never fetched) is a 404. A media type that cannot be a header value is served as `application/octet-stream`; every answer carries `X-Content-Type-Options: nosniff`.",
                "operationId": "getAttachment",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "path",
                    "required": true,
                    "description": "The vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "The vendor's own message id.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "index",
                    "in": "path",
                    "required": true,
                    "description": "0-based position in the message's `attachments` list; digits only (anything else is a 400).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The attachment's bytes, with its own `Content-Type` (any media type: the attachment's) and a `Content-Disposition: attachment; filename=\"…\"`.",
                    "headers": {
                      "Content-Disposition": {
                        "description": "`attachment; filename=\"…\"`, plus `filename*=UTF-8''…` when the name is not plain ASCII.",
                        "schema": {
                          "type": "string"
                        }
                      }
                    },
                    "content": {
                      "*/*": {
                        "schema": {
                          "type": "string",
                          "format": "binary"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/messages/postflare/{id}/events": {
              "post": {
                "summary": "Simulate a Postflare e-mail event no test address produces: `opened`, `clicked` (a link of the e-mail, or `link`), `delivery_delayed` or `failed` (with `reason`).",
                "description": "The e-mail's `last_event` becomes the type and the webhooks subscribed to `email.<type>` get the event (a click carries `click: {ipAddress, link, timestamp, userAgent}`, a failure `failed: {reason}`). Opens and clicks need a delivered e-mail (409 before that, or once it failed); a click without `link` uses the first `http(s)://` link of the e-mail (400 when it has none).",
                "operationId": "simulatePostflareEvent",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "The Postflare e-mail id.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": [
                          "type"
                        ],
                        "properties": {
                          "type": {
                            "type": "string",
                            "enum": [
                              "opened",
                              "clicked",
                              "delivery_delayed",
                              "failed",
                              "email.opened",
                              "email.clicked",
                              "email.delivery_delayed",
                              "email.failed"
                            ]
                          },
                          "link": {
                            "type": "string"
                          },
                          "reason": {
                            "type": "string"
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "The event as simulated.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "vendor",
                            "tenant",
                            "id",
                            "type",
                            "at",
                            "last_event"
                          ],
                          "properties": {
                            "vendor": {
                              "type": "string"
                            },
                            "tenant": {
                              "type": "string"
                            },
                            "id": {
                              "type": "string"
                            },
                            "type": {
                              "type": "string"
                            },
                            "at": {
                              "type": "string"
                            },
                            "last_event": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  },
                  "409": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/postflare/inbound": {
              "post": {
                "summary": "Inject a received (inbound) e-mail for a Postflare team: served by `GET /emails/receiving…` and announced as `email.received`.",
                "operationId": "injectPostflareInbound",
                "parameters": [
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "The team: a provisioned tenant's name or a team id (default: the fixtures' only team; 400 when they have several).",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": [
                          "from",
                          "to"
                        ],
                        "properties": {
                          "from": {
                            "type": "string"
                          },
                          "to": {
                            "oneOf": [
                              {
                                "type": "string"
                              },
                              {
                                "type": "array",
                                "items": {
                                  "type": "string"
                                }
                              }
                            ]
                          },
                          "cc": {
                            "type": "array",
                            "items": {
                              "type": "string"
                            }
                          },
                          "bcc": {
                            "type": "array",
                            "items": {
                              "type": "string"
                            }
                          },
                          "reply_to": {
                            "type": "array",
                            "items": {
                              "type": "string"
                            }
                          },
                          "subject": {
                            "type": "string"
                          },
                          "text": {
                            "type": "string"
                          },
                          "html": {
                            "type": "string"
                          },
                          "headers": {
                            "type": "object",
                            "additionalProperties": {
                              "type": "string"
                            }
                          },
                          "attachments": {
                            "type": "array",
                            "items": {
                              "type": "object",
                              "required": [
                                "filename",
                                "content"
                              ],
                              "properties": {
                                "filename": {
                                  "type": "string"
                                },
                                "content": {
                                  "type": "string",
                                  "description": "Base64."
                                },
                                "content_type": {
                                  "type": "string"
                                },
                                "content_id": {
                                  "type": "string"
                                }
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "Stored.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "vendor",
                            "tenant",
                            "id",
                            "message_id"
                          ],
                          "properties": {
                            "vendor": {
                              "type": "string"
                            },
                            "tenant": {
                              "type": "string"
                            },
                            "id": {
                              "type": "string"
                            },
                            "message_id": {
                              "type": "string"
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/requests": {
              "get": {
                "summary": "The request journal: the last `--journal-size` vendor requests, credentials redacted.",
                "operationId": "listRequests",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant (needs `vendor` where it resets or forgets).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "method",
                    "in": "query",
                    "required": false,
                    "description": "HTTP method.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "route",
                    "in": "query",
                    "required": false,
                    "description": "The matched route template.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "The answer's status.",
                    "schema": {
                      "type": "integer"
                    }
                  },
                  {
                    "name": "path",
                    "in": "query",
                    "required": false,
                    "description": "A substring of the path.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "description": "Only entries after this journal sequence number.",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many (default 100).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "cursor",
                    "in": "query",
                    "required": false,
                    "description": "The `next` of the previous page.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data",
                            "has_more",
                            "next"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/JournalEntry"
                              }
                            },
                            "has_more": {
                              "type": "boolean"
                            },
                            "next": {
                              "type": [
                                "string",
                                "null"
                              ]
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              },
              "delete": {
                "summary": "Empties the request journal.",
                "operationId": "clearRequests",
                "responses": {
                  "200": {
                    "description": "How many.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Deleted"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/deliveries": {
              "get": {
                "summary": "The delivery journal: every outbound webhook POST, attempt by attempt.",
                "operationId": "listDeliveries",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant (needs `vendor` where it resets or forgets).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "event_type",
                    "in": "query",
                    "required": false,
                    "description": "`email.delivered`…",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "endpoint_id",
                    "in": "query",
                    "required": false,
                    "description": "The webhook's id.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "The receiver's HTTP status.",
                    "schema": {
                      "type": "integer"
                    }
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "description": "After this sequence number.",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many (default 100).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "cursor",
                    "in": "query",
                    "required": false,
                    "description": "The `next` of the previous page.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "A page.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data",
                            "has_more",
                            "next"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Delivery"
                              }
                            },
                            "has_more": {
                              "type": "boolean"
                            },
                            "next": {
                              "type": [
                                "string",
                                "null"
                              ]
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/ui": {
              "get": {
                "summary": "The web inbox: one page (HTML, CSS and JavaScript compiled into the binary) over these control routes. `/_emulator/ui` redirects to `/_emulator/ui/`. Never needs the control token: the page asks for it and sends it on its data calls.",
                "operationId": "inbox",
                "responses": {
                  "200": {
                    "description": "The page (at `/_emulator/ui/`), with Content-Security-Policy (script-src 'self', frame-ancestors 'none'), X-Content-Type-Options: nosniff and Cache-Control: no-cache.",
                    "content": {
                      "text/html": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "301": {
                    "description": "`/_emulator/ui` without the slash: Location `/_emulator/ui/`."
                  }
                }
              }
            },
            "/_emulator/ui/{asset}": {
              "get": {
                "summary": "A file of the web inbox (`app.js`, `app.css`), cached for a year: the page names each with its content hash.",
                "operationId": "inboxAsset",
                "parameters": [
                  {
                    "name": "asset",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The file.",
                    "content": {
                      "text/javascript": {
                        "schema": {
                          "type": "string"
                        }
                      },
                      "text/css": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/deliveries/{seq}/replay": {
              "post": {
                "summary": "POSTs a journaled webhook attempt again, byte for byte (same URL, headers and signature, body), through the delivery worker within its poll interval. The attempt is journaled with `replay_of` and announced as `delivery.attempted`; a failed replay is not retried.",
                "operationId": "replayDelivery",
                "parameters": [
                  {
                    "name": "seq",
                    "in": "path",
                    "required": true,
                    "description": "The attempt's `seq` in `/_emulator/deliveries`.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "202": {
                    "description": "Queued.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "replay_of",
                            "delivery_id",
                            "queued"
                          ],
                          "properties": {
                            "replay_of": {
                              "type": "integer"
                            },
                            "delivery_id": {
                              "type": "string"
                            },
                            "queued": {
                              "const": true
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/deliveries/wait": {
              "get": {
                "summary": "Long-poll for webhook deliveries, like `messages/wait`.",
                "operationId": "waitForDeliveries",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant (needs `vendor` where it resets or forgets).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "event_type",
                    "in": "query",
                    "required": false,
                    "description": "`email.delivered`…",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "endpoint_id",
                    "in": "query",
                    "required": false,
                    "description": "The webhook's id.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "status",
                    "in": "query",
                    "required": false,
                    "description": "The receiver's HTTP status.",
                    "schema": {
                      "type": "integer"
                    }
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "description": "After this sequence number.",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "limit",
                    "in": "query",
                    "required": false,
                    "description": "At most this many (default 100).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "count",
                    "in": "query",
                    "required": false,
                    "description": "How many matches to wait for (default 1).",
                    "schema": {
                      "type": "integer",
                      "minimum": 1,
                      "maximum": 1000
                    }
                  },
                  {
                    "name": "timeout",
                    "in": "query",
                    "required": false,
                    "description": "Seconds to wait (default 30).",
                    "schema": {
                      "type": "number",
                      "minimum": 0,
                      "maximum": 300
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The matches.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Delivery"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "408": {
                    "description": "`count` matches did not exist within `timeout`: what matched by then.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "error",
                            "wanted",
                            "matched",
                            "data"
                          ],
                          "properties": {
                            "error": {
                              "const": "timeout"
                            },
                            "wanted": {
                              "type": "integer"
                            },
                            "matched": {
                              "type": "integer"
                            },
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Delivery"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/events": {
              "get": {
                "summary": "The change feed as Server-Sent Events (`id: seq`, `event: kind`, `data: JSON`); `Last-Event-ID` resumes.",
                "operationId": "events",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "description": "Only this vendor.",
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant (needs `vendor` where it resets or forgets).",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "kind",
                    "in": "query",
                    "required": false,
                    "description": "`message.stored`, `event.added`, `delivery.attempted`, `reset`.",
                    "schema": {
                      "type": "string"
                    }
                  },
                  {
                    "name": "since",
                    "in": "query",
                    "required": false,
                    "description": "Replay after this sequence number (like Last-Event-ID).",
                    "schema": {
                      "type": "integer",
                      "minimum": 0
                    }
                  },
                  {
                    "name": "Last-Event-ID",
                    "in": "header",
                    "required": false,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "An endless stream.",
                    "content": {
                      "text/event-stream": {
                        "schema": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/faults": {
              "post": {
                "summary": "Adds a fault rule (or a JSON array of them).",
                "operationId": "addFaults",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "oneOf": [
                          {
                            "$ref": "#/components/schemas/FaultInput"
                          },
                          {
                            "type": "array",
                            "items": {
                              "$ref": "#/components/schemas/FaultInput"
                            }
                          }
                        ]
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "The rule as stored (an array in: `{\"data\":[…]}` out).",
                    "content": {
                      "application/json": {
                        "schema": {
                          "oneOf": [
                            {
                              "$ref": "#/components/schemas/Fault"
                            },
                            {
                              "type": "object",
                              "required": [
                                "data"
                              ],
                              "properties": {
                                "data": {
                                  "type": "array",
                                  "items": {
                                    "$ref": "#/components/schemas/Fault"
                                  }
                                }
                              }
                            }
                          ]
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              },
              "get": {
                "summary": "The rules, with `fired` and `remaining`.",
                "operationId": "listFaults",
                "responses": {
                  "200": {
                    "description": "The rules.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Fault"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              },
              "delete": {
                "summary": "Removes every rule.",
                "operationId": "clearFaults",
                "responses": {
                  "200": {
                    "description": "How many.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Deleted"
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/faults/{id}": {
              "get": {
                "summary": "One rule.",
                "operationId": "getFault",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "`flt_…`",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The rule.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Fault"
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              },
              "delete": {
                "summary": "Removes one rule.",
                "operationId": "deleteFault",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "description": "`flt_…`",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The removed rule.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Fault"
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/webhooks": {
              "post": {
                "summary": "Adds a webhook to a vendor whose real service configures webhooks outside its API (SendPro/Flowmailer, in its web UI). Each lifecycle event of the tenant's messages is POSTed to `url` as a JSON array of {message?, messageEvent, messageTags} as the emulator clock passes it.",
                "operationId": "createWebhook",
                "requestBody": {
                  "required": true,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "required": [
                          "tenant",
                          "url"
                        ],
                        "additionalProperties": false,
                        "properties": {
                          "vendor": {
                            "type": "string",
                            "enum": [
                              "flowmailer"
                            ],
                            "description": "Optional while Flowmailer is the only vendor configured here."
                          },
                          "tenant": {
                            "type": "string",
                            "description": "A Flowmailer account id or a provisioned tenant's name."
                          },
                          "url": {
                            "type": "string",
                            "description": "Absolute http or https URL."
                          },
                          "description": {
                            "type": "string"
                          },
                          "add_message_tags": {
                            "type": "boolean",
                            "description": "Fill `messageTags` with the message's tags (else `[]`)."
                          },
                          "sources": {
                            "type": "array",
                            "items": {
                              "type": "string"
                            },
                            "description": "Source ids; empty or absent: every source."
                          },
                          "event_types": {
                            "type": "array",
                            "items": {
                              "type": "string"
                            },
                            "description": "Event types (SUBMITTED, PROCESSED, DELIVERED, SOFTBOUNCE, HARDBOUNCE, …); empty or absent: every type."
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "The webhook with its `id`, `vendor` and `tenant`.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Webhook"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              },
              "get": {
                "summary": "The configured webhooks.",
                "operationId": "listWebhooks",
                "parameters": [
                  {
                    "name": "vendor",
                    "in": "query",
                    "required": false,
                    "schema": {
                      "type": "string",
                      "enum": [
                        "flowmailer",
                        "postflare",
                        "flowdock"
                      ]
                    }
                  },
                  {
                    "name": "tenant",
                    "in": "query",
                    "required": false,
                    "description": "Only this tenant's.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "The webhooks.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "$ref": "#/components/schemas/Webhook"
                              }
                            }
                          }
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/webhooks/{id}": {
              "delete": {
                "summary": "Removes a webhook.",
                "operationId": "deleteWebhook",
                "parameters": [
                  {
                    "name": "id",
                    "in": "path",
                    "required": true,
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Removed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "id",
                            "deleted"
                          ],
                          "properties": {
                            "id": {
                              "type": "string"
                            },
                            "deleted": {
                              "type": "boolean"
                            }
                          }
                        }
                      }
                    }
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            },
            "/_emulator/tenants": {
              "post": {
                "summary": "Provisions an isolated tenant in every vendor (from the fixtures' first tenant) and returns its credentials.",
                "operationId": "createTenant",
                "requestBody": {
                  "required": false,
                  "content": {
                    "application/json": {
                      "schema": {
                        "type": "object",
                        "properties": {
                          "name": {
                            "type": "string",
                            "pattern": "^[a-z0-9-]{1,40}$"
                          },
                          "vendors": {
                            "type": "array",
                            "items": {
                              "type": "string",
                              "enum": [
                                "flowmailer",
                                "postflare",
                                "flowdock"
                              ]
                            }
                          }
                        }
                      }
                    }
                  }
                },
                "responses": {
                  "201": {
                    "description": "The tenant and its credentials per vendor.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "$ref": "#/components/schemas/Tenant"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "409": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              },
              "get": {
                "summary": "Every tenant, fixtures' and provisioned.",
                "operationId": "listTenants",
                "responses": {
                  "200": {
                    "description": "The tenants.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object",
                          "required": [
                            "data"
                          ],
                          "properties": {
                            "data": {
                              "type": "array",
                              "items": {
                                "type": "object"
                              }
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            },
            "/_emulator/tenants/{tenant}": {
              "delete": {
                "summary": "Removes a provisioned tenant from every vendor.",
                "operationId": "deleteTenant",
                "parameters": [
                  {
                    "name": "tenant",
                    "in": "path",
                    "required": true,
                    "description": "The name `POST /_emulator/tenants` returned.",
                    "schema": {
                      "type": "string"
                    }
                  }
                ],
                "responses": {
                  "200": {
                    "description": "Removed.",
                    "content": {
                      "application/json": {
                        "schema": {
                          "type": "object"
                        }
                      }
                    }
                  },
                  "400": {
                    "$ref": "#/components/responses/Error"
                  },
                  "404": {
                    "$ref": "#/components/responses/Error"
                  }
                }
              }
            }
          },
          "components": {
            "schemas": {
              "Webhook": {
                "type": "object",
                "required": [
                  "id",
                  "vendor",
                  "tenant",
                  "url",
                  "description",
                  "add_message_tags",
                  "sources",
                  "event_types"
                ],
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "vendor": {
                    "type": "string"
                  },
                  "tenant": {
                    "type": "string"
                  },
                  "url": {
                    "type": "string"
                  },
                  "description": {
                    "type": "string"
                  },
                  "add_message_tags": {
                    "type": "boolean"
                  },
                  "sources": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "event_types": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  }
                }
              },
              "Message": {
                "type": "object",
                "required": [
                  "vendor",
                  "tenant",
                  "id",
                  "created_at",
                  "seq"
                ],
                "properties": {
                  "vendor": {
                    "type": "string",
                    "enum": [
                      "flowmailer",
                      "postflare",
                      "flowdock"
                    ]
                  },
                  "tenant": {
                    "type": "string"
                  },
                  "id": {
                    "type": "string"
                  },
                  "seq": {
                    "type": "integer"
                  },
                  "created_at": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "from": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "to": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "cc": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "bcc": {
                    "type": "array",
                    "items": {
                      "type": "string"
                    }
                  },
                  "subject": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "text": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "html": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "headers": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "value": {
                          "type": "string"
                        }
                      }
                    }
                  },
                  "attachments": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "name": {
                          "type": "string"
                        },
                        "content_type": {
                          "type": "string"
                        },
                        "size": {
                          "type": "integer"
                        },
                        "url": {
                          "type": "string",
                          "description": "Where the attachment's bytes are served: `/_emulator/messages/{vendor}/{id}/attachments/{index}` (the id percent-encoded)."
                        }
                      }
                    }
                  },
                  "status": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "events": {
                    "type": "array",
                    "items": {
                      "type": "object",
                      "properties": {
                        "type": {
                          "type": "string"
                        },
                        "at": {
                          "type": "string"
                        },
                        "detail": {
                          "type": [
                            "string",
                            "null"
                          ]
                        }
                      }
                    }
                  },
                  "vendor_path": {
                    "type": "string"
                  }
                }
              },
              "MessageDetail": {
                "allOf": [
                  {
                    "$ref": "#/components/schemas/Message"
                  },
                  {
                    "type": "object",
                    "required": [
                      "links",
                      "codes"
                    ],
                    "properties": {
                      "links": {
                        "type": "array",
                        "items": {
                          "type": "string"
                        }
                      },
                      "codes": {
                        "type": "array",
                        "items": {
                          "type": "string"
                        }
                      }
                    }
                  }
                ]
              },
              "JournalEntry": {
                "type": "object",
                "required": [
                  "seq",
                  "method",
                  "path",
                  "status"
                ],
                "properties": {
                  "seq": {
                    "type": "integer"
                  },
                  "at": {
                    "type": "string"
                  },
                  "vendor": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "tenant": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "method": {
                    "type": "string"
                  },
                  "path": {
                    "type": "string"
                  },
                  "query": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "route": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "status": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "latency_ms": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "protocol": {
                    "type": "string"
                  },
                  "remote_address": {
                    "type": "string"
                  },
                  "local_address": {
                    "type": "string"
                  },
                  "request_headers": {
                    "type": "object"
                  },
                  "response_headers": {
                    "type": "object"
                  },
                  "request_bytes": {
                    "type": "integer"
                  },
                  "response_bytes": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "fault": {
                    "type": [
                      "string",
                      "null"
                    ]
                  }
                }
              },
              "Delivery": {
                "type": "object",
                "required": [
                  "seq",
                  "vendor",
                  "url",
                  "event_type",
                  "attempt"
                ],
                "properties": {
                  "seq": {
                    "type": "integer"
                  },
                  "vendor": {
                    "type": "string"
                  },
                  "tenant": {
                    "type": "string"
                  },
                  "endpoint_id": {
                    "type": "string"
                  },
                  "url": {
                    "type": "string"
                  },
                  "event_type": {
                    "type": "string"
                  },
                  "delivery_id": {
                    "type": "string"
                  },
                  "attempt": {
                    "type": "integer"
                  },
                  "status": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "error": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "request_headers": {
                    "type": "object"
                  },
                  "request_body": {
                    "type": "string"
                  },
                  "at": {
                    "type": "string"
                  },
                  "duration_ms": {
                    "type": [
                      "number",
                      "null"
                    ]
                  },
                  "next_attempt": {
                    "type": [
                      "string",
                      "null"
                    ]
                  },
                  "replay_of": {
                    "description": "The `seq` of the attempt this one replays (`POST /_emulator/deliveries/{seq}/replay`), null for the vendor's own attempts.",
                    "type": [
                      "integer",
                      "null"
                    ]
                  }
                }
              },
              "FaultInput": {
                "type": "object",
                "required": [
                  "action"
                ],
                "properties": {
                  "match": {
                    "type": "object",
                    "additionalProperties": false,
                    "description": "Every given key must hold. `{}` matches every vendor request (never a control route).",
                    "properties": {
                      "vendor": {
                        "type": "string",
                        "enum": [
                          "flowmailer",
                          "postflare",
                          "flowdock"
                        ]
                      },
                      "method": {
                        "type": "string"
                      },
                      "route": {
                        "type": "string",
                        "description": "A route template exactly as the vendor registers it: `/emails`, `/{account_id}/messages/submit`."
                      },
                      "path": {
                        "type": "string",
                        "description": "A glob on the raw path: `*` within a segment, `**` across segments."
                      },
                      "tenant": {
                        "type": "string"
                      },
                      "credential": {
                        "type": "string",
                        "description": "The bearer token or API key, a Basic user name, or an `access_token` query value."
                      },
                      "header": {
                        "type": "object",
                        "required": [
                          "name"
                        ],
                        "properties": {
                          "name": {
                            "type": "string"
                          },
                          "value": {
                            "type": "string",
                            "description": "A glob; absent: the header is present."
                          }
                        }
                      },
                      "local_address": {
                        "type": "string",
                        "description": "The address the connection arrived on: `127.0.0.2`, `127.0.0.2:8025` or `:8025`."
                      }
                    }
                  },
                  "action": {
                    "type": "object",
                    "description": "Exactly one of `status`, `delay_ms`, `drop`, `reset`, `slow_body`, `rst_stream`, `goaway`, `refuse`.",
                    "properties": {
                      "status": {
                        "type": "integer",
                        "minimum": 400,
                        "maximum": 599,
                        "description": "Answer with this status in the matched vendor's own error format and headers (429 and 503 with `Retry-After`, Postflare's `ratelimit-*`)."
                      },
                      "message": {
                        "type": "string"
                      },
                      "retry_after": {
                        "type": "integer",
                        "minimum": 0
                      },
                      "body": {
                        "description": "Replaces the error body (a string, or JSON serialized)."
                      },
                      "headers": {
                        "type": "object",
                        "additionalProperties": {
                          "type": "string"
                        }
                      },
                      "delay_ms": {
                        "type": "integer",
                        "minimum": 0,
                        "maximum": 60000,
                        "description": "The real answer, this much later."
                      },
                      "drop": {
                        "type": "string",
                        "enum": [
                          "before",
                          "after_commit"
                        ],
                        "description": "Close without answering: `before` handling, or `after_commit` (handled and stored, then closed)."
                      },
                      "reset": {
                        "type": "boolean",
                        "description": "TCP RST without answering."
                      },
                      "slow_body": {
                        "type": "integer",
                        "minimum": 1,
                        "description": "The real answer at this many bytes per second."
                      },
                      "rst_stream": {
                        "type": "string",
                        "description": "HTTP/2: RST_STREAM with this error code name (default INTERNAL_ERROR); HTTP/1.1: as `reset`."
                      },
                      "goaway": {
                        "type": "string",
                        "description": "HTTP/2: GOAWAY with this error code name, then close; HTTP/1.1: close."
                      },
                      "refuse": {
                        "type": "boolean",
                        "description": "Connections accepted on `match.local_address` are closed at once."
                      }
                    }
                  },
                  "times": {
                    "type": [
                      "integer",
                      "null"
                    ],
                    "minimum": 1,
                    "description": "How often it fires (default 1; null: every time)."
                  },
                  "probability": {
                    "type": "number",
                    "exclusiveMinimum": 0,
                    "maximum": 1
                  },
                  "seed": {
                    "type": "integer",
                    "description": "Makes the probability draws the same run to run."
                  }
                }
              },
              "Fault": {
                "type": "object",
                "required": [
                  "id",
                  "match",
                  "action",
                  "fired",
                  "remaining"
                ],
                "properties": {
                  "id": {
                    "type": "string"
                  },
                  "match": {
                    "type": "object"
                  },
                  "action": {
                    "type": "object"
                  },
                  "times": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "probability": {
                    "type": "number"
                  },
                  "seed": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "fired": {
                    "type": "integer"
                  },
                  "remaining": {
                    "type": [
                      "integer",
                      "null"
                    ]
                  },
                  "created_at": {
                    "type": "string"
                  }
                }
              },
              "Tenant": {
                "type": "object",
                "required": [
                  "tenant"
                ],
                "properties": {
                  "tenant": {
                    "type": "string"
                  },
                  "flowmailer": {
                    "type": "object"
                  },
                  "postflare": {
                    "type": "object"
                  },
                  "flowdock": {
                    "type": "object"
                  }
                }
              },
              "Clock": {
                "type": "object",
                "required": [
                  "now",
                  "offset_ms"
                ],
                "properties": {
                  "now": {
                    "type": "string",
                    "format": "date-time"
                  },
                  "offset_ms": {
                    "type": "integer"
                  }
                }
              },
              "Deleted": {
                "type": "object",
                "required": [
                  "deleted"
                ],
                "properties": {
                  "deleted": {
                    "type": "integer"
                  }
                }
              },
              "Error": {
                "type": "object",
                "required": [
                  "error",
                  "message"
                ],
                "properties": {
                  "error": {
                    "type": "string"
                  },
                  "message": {
                    "type": "string",
                    "minLength": 1
                  }
                }
              }
            },
            "responses": {
              "Error": {
                "description": "A clear error: what was wrong.",
                "content": {
                  "application/json": {
                    "schema": {
                      "$ref": "#/components/schemas/Error"
                    }
                  }
                }
              }
            },
            "securitySchemes": {
              "controlToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "Only with --control-token."
              }
            }
          }
        }
        """#
}

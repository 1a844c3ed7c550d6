/// The OpenAPI 3.1 description of the emulated endpoint and the admin API, served at
/// `GET /__admin/openapi.json`. Hand-maintained: change it with the routes it describes.
/// `OpenAPITests` checks that it is valid OpenAPI 3.1 and that real answers match its schemas.
enum OpenAPIDocument {
    static let bytes: [UInt8] = Array(text.utf8)

    static let text = #"""
    {
      "openapi": "3.1.0",
      "info": {
        "title": "haptik-mock",
        "version": "1.0.0",
        "description": "A local emulator of Haptik's file-upload API, and its admin API under /__admin for tests: the journal of upload requests, reset, wait, deterministic clock, live fixtures."
      },
      "servers": [{"url": "http://127.0.0.1:8080"}],
      "tags": [
        {"name": "emulated", "description": "The vendor's endpoint as the mock emulates it."},
        {"name": "admin", "description": "Inspecting and steering the mock; JSON in and out."}
      ],
      "paths": {
        "/v1.0/log_file_from_user/": {
          "post": {
            "tags": ["emulated"],
            "operationId": "logFileFromUser",
            "summary": "Upload a file on behalf of a user",
            "security": [{"bearer": []}],
            "parameters": [
              {"name": "client-id", "in": "header", "required": true, "schema": {"type": "string"},
               "description": "The client the bearer token belongs to."},
              {"name": "X-Mock-Session", "in": "header", "required": false, "schema": {"type": "string"},
               "description": "Tags the journal entry, so parallel tests can filter, wait and reset by session. Never changes the answer."},
              {"name": "X-Mock-Fault", "in": "header", "required": false, "schema": {"type": "string"},
               "example": "status=503;times=2",
               "description": "Only with --allow-fault-headers (else ignored): a fault rule for this request, as name=value pairs separated by ';', values JSON or text; times counts per identical value. Invalid: 400."}
            ],
            "requestBody": {
              "required": true,
              "content": {
                "multipart/form-data": {
                  "schema": {
                    "type": "object",
                    "required": ["auth_id", "business_id", "message_type", "file"],
                    "properties": {
                      "auth_id": {"type": "string", "pattern": "^[A-Za-z0-9_-]+$"},
                      "business_id": {"type": "string", "pattern": "^[0-9]+$"},
                      "message_type": {"type": "string", "enum": ["1", "52"], "description": "1: image, 52: document."},
                      "message_body": {"type": "string"},
                      "file": {"type": "string", "contentMediaType": "application/octet-stream"}
                    }
                  }
                }
              }
            },
            "responses": {
              "200": {"description": "Stored.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Receipt"}}}},
              "400": {"$ref": "#/components/responses/Error"},
              "401": {"$ref": "#/components/responses/Error"},
              "403": {"$ref": "#/components/responses/Error"},
              "413": {"$ref": "#/components/responses/Error"},
              "500": {"$ref": "#/components/responses/Error"},
              "507": {"$ref": "#/components/responses/Error"},
              "default": {"description": "An injected status fault: its status, headers and JSON body (an Error unless the rule gives one).", "content": {"application/json": {"schema": {}}}}
            }
          }
        },
        "/content/{name}": {
          "get": {
            "tags": ["emulated"],
            "operationId": "getContent",
            "summary": "A stored upload, at its receipt's file_url",
            "parameters": [
              {"name": "name", "in": "path", "required": true, "schema": {"type": "string"}, "description": "<name>.<ext> as in file_url."}
            ],
            "responses": {
              "200": {
                "description": "The file's bytes, typed by its extension.",
                "content": {
                  "image/jpeg": {"schema": {}}, "image/png": {"schema": {}}, "image/gif": {"schema": {}},
                  "image/webp": {"schema": {}}, "application/pdf": {"schema": {}}, "application/octet-stream": {"schema": {}}
                }
              },
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/__admin/health": {
          "get": {
            "tags": ["admin"],
            "operationId": "health",
            "responses": {"200": {"$ref": "#/components/responses/Status"}}
          }
        },
        "/__admin/uploads": {
          "get": {
            "tags": ["admin"],
            "operationId": "listUploads",
            "summary": "The journal, oldest first; filters are exact matches on the entry's text, ANDed",
            "parameters": [
              {"name": "status", "in": "query", "schema": {"type": "string"}, "description": "An HTTP status, or aborted."},
              {"name": "client_id", "in": "query", "schema": {"type": "string"}},
              {"name": "auth_id", "in": "query", "schema": {"type": "string"}},
              {"name": "message_type", "in": "query", "schema": {"type": "string"}},
              {"name": "session", "in": "query", "schema": {"type": "string"}},
              {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "Only entries with a greater id."},
              {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0}, "description": "The oldest N matches."},
              {"name": "wait_for", "in": "query", "schema": {"type": "integer", "minimum": 0},
               "description": "Answer once this many entries match, or at the timeout with those there are; adds timed_out."},
              {"name": "timeout_ms", "in": "query", "schema": {"type": "integer", "minimum": 0, "default": 5000}}
            ],
            "responses": {
              "200": {"description": "The matching entries.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/UploadList"}}}},
              "400": {"$ref": "#/components/responses/Error"}
            }
          },
          "delete": {
            "tags": ["admin"],
            "operationId": "resetUploads",
            "summary": "Empties the journal and deletes the stored files (or only a session's); ids continue",
            "parameters": [{"name": "session", "in": "query", "schema": {"type": "string"}}],
            "responses": {"200": {"$ref": "#/components/responses/Status"}}
          }
        },
        "/__admin/uploads/{id}": {
          "get": {
            "tags": ["admin"],
            "operationId": "getUpload",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {
              "200": {"description": "The entry as listed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/JournalEntry"}}}},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/__admin/clock": {
          "post": {
            "tags": ["admin"],
            "operationId": "setClock",
            "summary": "Fixes created_at and received_at, or restores real time with null",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClockSetting"}}}},
            "responses": {
              "200": {"description": "The clock now in use.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clock"}}}},
              "400": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/__admin/fixtures": {
          "get": {
            "tags": ["admin"],
            "operationId": "getFixtures",
            "responses": {"200": {"$ref": "#/components/responses/Fixtures"}}
          },
          "put": {
            "tags": ["admin"],
            "operationId": "replaceFixtures",
            "summary": "Validates a whole fixture document and swaps it in; an invalid one changes nothing",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fixtures"}}}},
            "responses": {
              "200": {"$ref": "#/components/responses/Fixtures"},
              "400": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/__admin/faults": {
          "get": {
            "tags": ["faults"],
            "operationId": "listFaults",
            "summary": "The fault rules in force, oldest first, with how often each fired; retired rules are gone",
            "responses": {"200": {"description": "The rules.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaultList"}}}}}
          },
          "post": {
            "tags": ["faults"],
            "operationId": "addFault",
            "summary": "Adds a fault rule after the others",
            "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FaultRule"}}}},
            "responses": {
              "201": {"description": "The rule as listed.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ListedFaultRule"}}}},
              "400": {"$ref": "#/components/responses/Error"}
            }
          },
          "delete": {
            "tags": ["faults"],
            "operationId": "deleteFaults",
            "summary": "Removes every rule and forgets how often each X-Mock-Fault value fired; ids continue",
            "responses": {"200": {"$ref": "#/components/responses/Status"}}
          }
        },
        "/__admin/faults/{id}": {
          "delete": {
            "tags": ["faults"],
            "operationId": "deleteFault",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer", "minimum": 1}}],
            "responses": {
              "200": {"$ref": "#/components/responses/Status"},
              "404": {"$ref": "#/components/responses/Error"}
            }
          }
        },
        "/__admin/openapi.json": {
          "get": {
            "tags": ["admin"],
            "operationId": "getOpenAPI",
            "responses": {"200": {"description": "This document.", "content": {"application/json": {"schema": {"type": "object"}}}}}
          }
        }
      },
      "components": {
        "securitySchemes": {
          "bearer": {"type": "http", "scheme": "bearer", "description": "A token of the client named by client-id."}
        },
        "responses": {
          "Error": {"description": "Refused.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
          "Status": {"description": "Done.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Status"}}}},
          "Fixtures": {"description": "The fixtures in use, tokens included.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fixtures"}}}}
        },
        "schemas": {
          "Timestamp": {
            "type": "string",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z$",
            "description": "UTC, milliseconds: YYYY-MM-DDTHH:MM:SS.mmmZ."
          },
          "Receipt": {
            "type": "object",
            "additionalProperties": false,
            "required": ["message_id", "message_body", "created_at", "message_type", "file_url"],
            "properties": {
              "message_id": {"type": "integer"},
              "message_body": {"type": "string"},
              "created_at": {"$ref": "#/components/schemas/Timestamp"},
              "message_type": {"type": "integer", "enum": [1, 52]},
              "file_url": {"type": "string"}
            }
          },
          "Error": {
            "type": "object",
            "additionalProperties": false,
            "required": ["error_message"],
            "properties": {"error_message": {"type": "string", "minLength": 1}}
          },
          "Status": {
            "type": "object",
            "additionalProperties": false,
            "required": ["status"],
            "properties": {"status": {"const": "ok"}}
          },
          "JournalEntry": {
            "type": "object",
            "description": "One request to the upload endpoint. Every key is present (null when unknown), but reason, which is absent on 200 and a non-empty string otherwise.",
            "additionalProperties": false,
            "required": ["id", "received_at", "status", "client_id", "auth_id", "business_id", "message_type",
                         "message_body", "file_name", "content_type", "sniffed_type", "size", "sha256", "message_id",
                         "file_url", "bytes_received", "session", "warnings", "fault"],
            "properties": {
              "id": {"type": "integer", "minimum": 1},
              "received_at": {"$ref": "#/components/schemas/Timestamp"},
              "status": {"oneOf": [{"type": "integer", "minimum": 100, "maximum": 599}, {"const": "aborted"}]},
              "reason": {"type": "string", "minLength": 1, "examples": ["token_unknown", "missing_field:auth_id", "file_too_large"]},
              "client_id": {"type": ["string", "null"]},
              "auth_id": {"type": ["string", "null"]},
              "business_id": {"type": ["integer", "string", "null"], "description": "A number when sent as digits only."},
              "message_type": {"type": ["integer", "string", "null"], "description": "A number when sent as digits only."},
              "message_body": {"type": ["string", "null"]},
              "file_name": {"type": ["string", "null"]},
              "content_type": {"type": ["string", "null"], "description": "As declared by the file part."},
              "sniffed_type": {"enum": ["png", "jpeg", "gif", "webp", "pdf", null]},
              "size": {"type": ["integer", "null"], "minimum": 0},
              "sha256": {"type": ["string", "null"], "pattern": "^[0-9a-f]{64}$"},
              "message_id": {"type": ["integer", "null"]},
              "file_url": {"type": ["string", "null"]},
              "bytes_received": {"type": "integer", "minimum": 0},
              "session": {"type": ["string", "null"]},
              "warnings": {
                "type": "array",
                "items": {"enum": ["message_type_mismatch", "extension_mismatch", "empty_file", "invalid_utf8"]}
              },
              "fault": {
                "oneOf": [
                  {"type": "null"},
                  {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["rule_id", "action"],
                    "description": "The fault that hit the request: its rule (null for X-Mock-Fault) and action field.",
                    "properties": {
                      "rule_id": {"type": ["integer", "null"]},
                      "action": {"enum": ["reset_before_body", "reset_after_bytes", "stall_after_bytes", "throttle_bytes_per_sec",
                                          "status", "delay_ms", "close_after_response"]}
                    }
                  }
                ]
              }
            },
            "if": {"properties": {"status": {"const": 200}}},
            "then": {"not": {"required": ["reason"]}},
            "else": {"required": ["reason"]}
          },
          "UploadList": {
            "type": "object",
            "additionalProperties": false,
            "required": ["uploads", "dropped"],
            "properties": {
              "uploads": {"type": "array", "items": {"$ref": "#/components/schemas/JournalEntry"}},
              "dropped": {"type": "integer", "minimum": 0, "description": "Entries dropped as the journal was full, since the last full reset."},
              "timed_out": {"type": "boolean", "description": "With wait_for only: whether the wait ended at the timeout."}
            }
          },
          "FixtureClient": {
            "type": "object",
            "additionalProperties": false,
            "required": ["client_id", "tokens"],
            "properties": {
              "client_id": {"type": "string"},
              "tokens": {"type": "array", "items": {"type": "string"}},
              "auth_ids": {"type": "array", "items": {"type": "string"}, "description": "Absent or empty: any well-formed auth_id passes."},
              "business_ids": {"type": "array", "items": {"type": "integer"}, "description": "Absent or empty: any business_id passes."}
            }
          },
          "Fixtures": {
            "type": "object",
            "additionalProperties": false,
            "required": ["clients"],
            "properties": {"clients": {"type": "array", "items": {"$ref": "#/components/schemas/FixtureClient"}}}
          },
          "ClockSetting": {
            "type": "object",
            "additionalProperties": false,
            "required": ["clock"],
            "properties": {
              "clock": {"type": ["string", "null"], "description": "ISO 8601 (UTC unless an offset is given), or null for real time."}
            }
          },
          "FaultRuleFields": {
            "type": "object",
            "description": "Matchers (absent: any), firing, and exactly one action. Pre-body actions (reset_before_body, reset_after_bytes, stall_after_bytes, throttle_bytes_per_sec) cannot match on auth_id or message_type.",
            "properties": {
              "client_id": {"type": "string"},
              "auth_id": {"type": "string"},
              "session": {"type": "string", "description": "The X-Mock-Session header."},
              "message_type": {"type": "integer"},
              "times": {"type": "integer", "minimum": 1, "description": "Fires N times, then retires: for the next N matches, or with probability, the next N hits."},
              "probability": {"type": "number", "minimum": 0, "maximum": 1, "description": "One draw per match."},
              "seed": {"type": "integer", "description": "With probability: the same seed gives the same sequence on a fresh server."},
              "reset_before_body": {"const": true, "description": "TCP reset right after the head."},
              "reset_after_bytes": {"type": "integer", "minimum": 0, "description": "TCP reset once this many body bytes were read."},
              "stall_after_bytes": {"type": "integer", "minimum": 0, "description": "Stop reading after this many body bytes; close at stall_ms or when the client leaves."},
              "stall_ms": {"type": "integer", "minimum": 0, "description": "With stall_after_bytes; default: the idle timeout."},
              "throttle_bytes_per_sec": {"type": "integer", "minimum": 1, "description": "Read the body no faster than this."},
              "status": {"type": "integer", "minimum": 200, "maximum": 599, "not": {"enum": [204, 304]}, "description": "Answer with this status once the body was read; nothing is stored."},
              "body": {"description": "With status: the JSON body to send (default: an Error object)."},
              "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "With status: extra header fields, e.g. Retry-After."},
              "delay_ms": {"type": "integer", "minimum": 0, "description": "Hold the answer back this long."},
              "close_after_response": {"const": true, "description": "Answer normally, then close though keep-alive was allowed."}
            },
            "oneOf": [
              {"required": ["reset_before_body"]}, {"required": ["reset_after_bytes"]}, {"required": ["stall_after_bytes"]},
              {"required": ["throttle_bytes_per_sec"]}, {"required": ["status"]}, {"required": ["delay_ms"]},
              {"required": ["close_after_response"]}
            ]
          },
          "FaultRule": {
            "$ref": "#/components/schemas/FaultRuleFields",
            "unevaluatedProperties": false
          },
          "ListedFaultRule": {
            "$ref": "#/components/schemas/FaultRuleFields",
            "required": ["id", "fired"],
            "properties": {
              "id": {"type": "integer", "minimum": 1},
              "fired": {"type": "integer", "minimum": 0, "description": "How many requests the rule has hit."}
            },
            "unevaluatedProperties": false
          },
          "FaultList": {
            "type": "object",
            "additionalProperties": false,
            "required": ["faults"],
            "properties": {"faults": {"type": "array", "items": {"$ref": "#/components/schemas/ListedFaultRule"}}}
          },
          "Clock": {
            "type": "object",
            "additionalProperties": false,
            "required": ["clock"],
            "properties": {
              "clock": {"oneOf": [{"$ref": "#/components/schemas/Timestamp"}, {"type": "null"}]}
            }
          }
        }
      }
    }
    """#
}

import Foundation
import Testing

/// Checks an OpenAPI document and JSON answers against it with Python's `openapi-spec-validator`
/// and `jsonschema` (installed by `.ci/run`), run as `python3 -c`.
///
/// Each ``Check`` names an operation and a status; the checker resolves that response's
/// `application/json` schema in the document (following local `$ref`s) and validates the answer's
/// exact bytes against it with JSON Schema 2020-12, the dialect of OpenAPI 3.1.
enum OpenAPIChecker {
    struct Check {
        let path: String
        let method: String
        let status: Int
        /// The answer's JSON text.
        let instance: String
    }

    struct Outcome {
        /// Why the document is not valid OpenAPI 3.1; nil when it is.
        let documentError: String?
        /// Per check, the schema violations (empty: it matched).
        let violations: [[String]]
    }

    private static let program = #"""
    import json, sys
    from jsonschema import Draft202012Validator
    from openapi_spec_validator import validate
    data = json.load(sys.stdin)
    document = data["document"]
    try:
        validate(document)
        document_error = None
    except Exception as error:
        document_error = str(error)[:2000]
    def resolve(node):
        while "$ref" in node and node["$ref"].startswith("#/components/responses/"):
            node = document["components"]["responses"][node["$ref"].split("/")[-1]]
        return node
    violations = []
    for check in data["checks"]:
        try:
            responses = document["paths"][check["path"]][check["method"]]["responses"]
            response = resolve(responses.get(str(check["status"])) or responses["default"])
            schema = dict(response["content"]["application/json"]["schema"])
        except KeyError as error:
            violations.append(["the document has no JSON answer for this: missing %s" % error])
            continue
        schema["components"] = document["components"]
        validator = Draft202012Validator(schema)
        violations.append(["%s at %s" % (e.message, list(e.absolute_path)) for e in validator.iter_errors(check["instance"])])
    json.dump({"document_error": document_error, "violations": violations}, sys.stdout)
    """#

    /// Validates `document` and each check's answer.
    static func run(document: String, checks: [Check]) throws -> Outcome {
        var input = #"{"document": \#(document), "checks": ["#
        for (index, check) in checks.enumerated() {
            if index > 0 { input += ", " }
            input += #"{"path": "\#(check.path)", "method": "\#(check.method)", "status": \#(check.status), "instance": \#(check.instance)}"#
        }
        input += "]}"
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program], input: Data(input.utf8), timeout: 120)
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.stdout)) as? [String: Any],
              let violations = object["violations"] as? [[String]]
        else {
            throw CheckerFailed(description: "python3 exited \(result.status): \(result.stderr)")
        }
        return Outcome(documentError: object["document_error"] as? String, violations: violations)
    }

    struct CheckerFailed: Error, CustomStringConvertible {
        let description: String
    }
}

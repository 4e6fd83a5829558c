"""OpenAPI post-processing: document the problem+json errors and the ETag on every operation."""

PROBLEM = {
    "type": "object",
    "description": "Fehler nach RFC 9457 (application/problem+json).",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Bei ungültiger Eingabe: jedes fehlerhafte Feld mit Meldung.",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "nullable": True},
                    "message": {"type": "string"},
                    "code": {"type": "string"},
                },
                "required": ["field", "message"],
            },
        },
    },
    "required": ["type", "title", "status"],
}

ERRORS = {
    "400": "Ungültige Eingabe; `errors` nennt jedes Feld.",
    "401": "Nicht angemeldet (Token fehlt oder ist ungültig).",
    "403": "Keine Berechtigung für diese Aktion.",
    "404": "Nicht gefunden oder nicht sichtbar.",
    "406": "Das verlangte Antwortformat wird nicht geliefert.",
    "409": "Widerspricht dem Zustand des Datensatzes (z. B. noch verwendet).",
    "412": "If-Match passt nicht mehr zum ETag: der Datensatz wurde inzwischen geändert.",
    "415": "Nur application/json wird angenommen.",
}

ETAG_HEADER = {
    "ETag": {
        "description": "Version des Datensatzes; als If-Match zurücksenden.",
        "schema": {"type": "string"},
    }
}


def errors_for(method: str, path: str) -> list[str]:
    codes = ["400", "401", "403", "406"]
    if "{" in path:
        codes.append("404")
    if method in {"post", "put", "patch"}:
        codes.append("415")
    if method in {"put", "patch", "delete"}:
        codes += ["409", "412"] if method == "delete" else ["412"]
    return codes


def add_problem_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                single = "{" in path or method == "post"
                if (code.startswith("2") and code != "204" and single and method != "get") or (
                    method == "get" and "{" in path and code == "200"
                ):
                    response.setdefault("headers", {}).update(ETAG_HEADER)
            for code in errors_for(method, path):
                responses.setdefault(code, {"description": ERRORS[code], "content": problem})
    return result

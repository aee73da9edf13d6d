"""The OpenAPI document describes the answers the API really gives, errors included."""

import jsonschema
import pytest


@pytest.fixture(scope="module")
def document(client):
    return client.get("/openapi.json").json()


def _validator(document, ref: str) -> jsonschema.Draft202012Validator:
    schema = {"$ref": ref, "components": document["components"]}
    return jsonschema.Draft202012Validator(schema)


def _response_schema(document, path, method, status):
    content = document["paths"][path][method]["responses"][status]["content"]
    return content["application/json"]["schema"]["$ref"]


def test_every_authenticated_operation_documents_401_and_503(document):
    operations = [(p, m, op) for p, ops in document["paths"].items() for m, op in ops.items()]
    secured = [(p, m, op) for p, m, op in operations if op.get("security")]
    assert len(secured) > 25
    for path, method, op in secured:
        assert {"401", "503"} <= set(op["responses"]), (method, path)
    assert "403" in document["paths"]["/api/v1/model/rollback"]["post"]["responses"]
    assert "403" in document["paths"]["/api/v1/plans"]["post"]["responses"]
    assert "403" not in document["paths"]["/api/v1/employees"]["get"]["responses"]


def test_error_bodies_match_their_schema(client, headers, document):
    cases = [  # (response, path, method, status)
        (client.get("/api/v1/employees", params={"page_size": 0}, headers=headers["admin"]),
         "/api/v1/employees", "get", "422"),
        (client.get("/api/v1/employees/x/recommendations", params={"quarter": "soon"},
                    headers=headers["admin"]),
         "/api/v1/employees/{employee_id}/recommendations", "get", "422"),
        (client.get("/api/v1/employees"), "/api/v1/employees", "get", "401"),
        (client.post("/api/v1/model/rollback", headers=headers["analyst"]),
         "/api/v1/model/rollback", "post", "403"),
        (client.post("/api/v1/decisions", content=b"{not json", headers={
            **headers["admin"], "content-type": "application/json"}),
         "/api/v1/decisions", "post", "422"),
        (client.post("/api/v1/decisions", content=b"=Z\xc3\x28 not utf-8", headers={
            **headers["admin"], "content-type": "application/json"}),
         "/api/v1/decisions", "post", "400"),
    ]
    for response, path, method, status in cases:
        assert str(response.status_code) == status, (path, response.text)
        _validator(document, _response_schema(document, path, method, status)).validate(
            response.json())


def test_the_validation_schema_rejects_fastapis_default_body(document):
    default = {"detail": [{"loc": ["query", "k"], "msg": "bad", "type": "int_parsing"}]}
    ref = _response_schema(document, "/api/v1/employees", "get", "422")
    assert not _validator(document, ref).is_valid(default)

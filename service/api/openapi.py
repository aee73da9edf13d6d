"""The OpenAPI document states every answer the API gives, errors included.

The handlers in ``service.api.errors`` answer ``{"detail": "..."}`` (and, for a request that fails
validation, the field errors too), not FastAPI's default error body; and the dependencies raise
401, 403 and 503 on routes that do not list them. ``document_errors`` adds both to the schema.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Callable

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute
from pydantic import BaseModel

from service.api import deps

REF = "#/components/schemas/{model}"


class Problem(BaseModel):
    """What went wrong, for the user."""

    detail: str


class FieldProblem(BaseModel):
    """One invalid field of a request: where, what and the rule's type."""

    loc: list[str | int]
    msg: str
    type: str


class ValidationProblem(BaseModel):
    """A request the API refuses: the message, and the invalid fields when a rule of the schema
    failed (a check done by the route itself gives the message only)."""

    detail: str
    errors: list[FieldProblem] | None = None


def _calls(dependant) -> set[Callable]:
    found = set()
    for sub in dependant.dependencies:
        found.add(sub.call)
        found |= _calls(sub)
    return found


def _added_responses(route: APIRoute) -> dict[str, str]:
    calls = _calls(route.dependant)
    out = {}
    if deps.current_principal in calls:
        out["401"] = "not authenticated, or the token is invalid or expired"
    if deps.require_admin in calls or deps.require_editor in calls:
        out["403"] = "the user's role may not do this"
    if route.body_field is not None:
        out["400"] = "the body could not be read (e.g. malformed JSON or multipart)"
        out["413"] = "the request body is over the limit"
    out["503"] = ("the service is starting, the database is busy, no model is loaded or the "
                  "request took too long; see Retry-After")
    return out


def _schema_ref(name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=name)}}}


def document_errors(app: FastAPI, routers: Iterable[APIRouter], prefix: str) -> None:
    """Make ``app.openapi()`` describe the error bodies and the answers of the dependencies of
    the ``routers`` mounted under ``prefix``."""
    build = app.openapi
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Problem, FieldProblem):
            components[model.__name__] = model.model_json_schema(ref_template=REF)
        validation = ValidationProblem.model_json_schema(ref_template=REF)
        validation.pop("$defs", None)
        components["HTTPValidationError"] = validation  # FastAPI's name, our body
        for route in routes:
            if not route.include_in_schema:
                continue
            added = _added_responses(route)
            for method in route.methods:
                operation = schema["paths"].get(prefix + route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for code, text in added.items():
                    responses.setdefault(code, {"description": text})
                for code, response in responses.items():
                    if code[0] in "45" and not response.get("content"):
                        name = "HTTPValidationError" if code == "422" else "Problem"
                        response["content"] = _schema_ref(name)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]

"""Schemas of health, the served model, imports and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel


def _as_utc(value: dt.datetime) -> dt.datetime:
    # SQLite gives timestamps back without a zone; the database stores UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


UtcDateTime = Annotated[dt.datetime, AfterValidator(_as_utc)]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    database: bool | None = None
    model_version: str | None = None
    reason: str | None = None


class ModelInfo(BaseModel):
    status: Literal["serving", "not_loaded"]
    version: str | None
    champion: str | None
    run_id: str | None
    sha256: str | None
    as_of: str | None
    metrics: dict[str, float]
    loaded_at: dt.datetime | None
    context_built_at: dt.datetime | None
    data_version: int | None
    last_error: str | None
    last_error_at: dt.datetime | None
    last_check_at: dt.datetime | None


class ReloadResult(BaseModel):
    outcome: Literal["loaded", "unchanged", "failed", "loading"]
    version: str | None
    last_error: str | None


class ImportProblem(BaseModel):
    file: str
    rule: str
    row: int | None
    column: str | None
    value: str | None


class ImportFile(BaseModel):
    file: str
    table: str
    rows: int
    sheet: str | None
    ignored_columns: list[str]
    inserted: int
    updated: int | None


class ImportMapping(BaseModel):
    """A value (or header) the profile rewrote into the canonical form, and on how many rows."""

    file: str
    column: str
    source: str
    canonical: str
    rows: int


class ImportResult(BaseModel):
    ok: bool
    dry_run: bool
    written: bool
    seconds: float
    profile: str = "canonical"
    files: list[ImportFile]
    mappings: list[ImportMapping] = []
    problems: list[ImportProblem]


class AuditEntry(BaseModel):
    id: int
    at: UtcDateTime
    actor: str
    action: str
    object_type: str | None
    object_key: str | None
    detail: str | None

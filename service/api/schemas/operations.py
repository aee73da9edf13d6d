"""Schemas of health, the served model, imports and the audit log."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel


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


class ImportResult(BaseModel):
    ok: bool
    dry_run: bool
    written: bool
    seconds: float
    files: list[ImportFile]
    problems: list[ImportProblem]


class AuditEntry(BaseModel):
    id: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str | None
    object_key: str | None
    detail: str | None

"""Keyed pseudonyms of employees: ``person_key`` = HMAC-SHA256(key, employee_id), 16 hex chars.

A plain hash of a NIP can be reversed by enumerating birth dates and serials, so the key is
secret: ``ASN_PSEUDONYM_KEY``, else ``pseudonym_key`` in the secrets file (created on first use,
mode 0600). Everything downstream of storage (features, models, MLflow, logs) sees only
``person_key``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

import pandas as pd

from service.settings import get_settings

KEY_LENGTH = 16
SECRET_NAME = "pseudonym_key"
# Columns holding an employee_id -> the column that replaces them.
PERSON_COLUMNS: dict[str, str] = {"employee_id": "person_key", "head_employee_id": "head_person_key"}
# Columns dropped from pseudonymised frames, by table.
# A certificate number is issued to one person: as identifying as a name, and no model input.
# A decision's free-text note may name people, and who decided is a user: neither is the
# model's business (the reason code is).
DROPPED: dict[str, tuple[str, ...]] = {"employees": ("name",),
                                       "training_records": ("certificate_number",),
                                       "decisions": ("reason", "decided_by")}


def _write_private(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=2)
    os.replace(tmp, path)


def load_key(secrets_file: Path | None = None) -> bytes:
    """The pseudonym key: from the environment, else the secrets file (created when missing)."""
    settings = get_settings()
    if settings.pseudonym_key:
        return settings.pseudonym_key.encode("utf-8")
    path = secrets_file or settings.secrets_file
    data: dict = {}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8") or "{}")
        except json.JSONDecodeError as exc:
            raise RuntimeError(f"secrets file {path} is not valid JSON: {exc.msg}") from None
    if not data.get(SECRET_NAME):
        path.parent.mkdir(parents=True, exist_ok=True)
        data[SECRET_NAME] = secrets.token_hex(32)
        _write_private(path, data)
    return str(data[SECRET_NAME]).encode("utf-8")


def person_key(employee_id: str, key: bytes) -> str:
    """The pseudonym of one employee_id."""
    digest = hmac.new(key, str(employee_id).strip().encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:KEY_LENGTH]


def pseudonymise(ids: pd.Series, key: bytes) -> pd.Series:
    """Pseudonyms of a column of employee_ids (missing stays missing)."""
    unique = ids.dropna().unique()
    mapping = {v: person_key(v, key) for v in unique}
    return ids.map(mapping).astype("string")  # missing stays missing (not the text "nan")


def pseudonymise_tables(
    frames: dict[str, pd.DataFrame], key: bytes | None = None
) -> dict[str, pd.DataFrame]:
    """Copies of canonical frames with employee ids replaced by pseudonyms and names dropped.

    ``employee_id`` becomes ``person_key`` and ``units.head_employee_id`` becomes
    ``head_person_key``, in the same position; ``employees.name``, certificate numbers and
    decisions' notes and deciders are dropped.
    """
    key = key if key is not None else load_key()
    out: dict[str, pd.DataFrame] = {}
    for name, frame in frames.items():
        frame = frame.drop(columns=[c for c in DROPPED.get(name, ()) if c in frame.columns])
        for column, replacement in PERSON_COLUMNS.items():
            if column in frame.columns:
                frame = frame.assign(**{column: pseudonymise(frame[column], key)})
                frame = frame.rename(columns={column: replacement})
        out[name] = frame
    return out

"""Upload of CSV/XLSX data files through the validated importer (admin, analyst)."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from service import audit
from service.api.deps import EditorUser, ServicesDep
from service.api.errors import ApiError
from service.api.schemas.operations import ImportResult
from service.ingest.importer import PROFILES, describe_suffixes, import_paths
from service.ingest.readers import SUFFIXES
from service.settings import get_settings

router = APIRouter(tags=["imports"])
CHUNK = 1 << 20
MAX_FILES = 20
# File types each profile reads (the LMS's xAPI statements come as JSON / JSON lines).
PROFILE_SUFFIXES = {"canonical": SUFFIXES, "siasn": SUFFIXES, "lms": SUFFIXES + (".json", ".jsonl")}


def safe_name(original: str | None, profile: str = "canonical") -> tuple[str, str]:
    """``(stem, suffix)`` of an uploaded file name, path parts dropped and odd characters
    replaced; raise 422 when nothing usable remains or the profile does not read the type."""
    base = re.split(r"[\\/]", original or "")[-1]
    path = Path(base)
    suffix = path.suffix.lower()
    allowed = PROFILE_SUFFIXES.get(profile, SUFFIXES)
    if suffix not in allowed:
        raise ApiError(422, f"{base or 'a file'}: only {describe_suffixes(allowed, 'and')} "
                            f"files can be imported with the "
                            f"{profile} profile")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", path.stem).strip("_.")[:80]
    if not stem:
        raise ApiError(422, f"{base}: the file name must name a table, e.g. employees.csv")
    return stem, suffix


def _save(upload: UploadFile, target: Path, limit: int) -> int:
    size = 0
    with open(target, "wb") as out:
        while chunk := upload.file.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise ApiError(413, f"{target.name}: file over the limit of {limit:,} bytes")
            out.write(chunk)
    return size


@router.post("/imports", response_model=ImportResult,
             responses={413: {"description": "a file is too large"},
                        422: {"description": "bad file name or type"}})
def upload(files: Annotated[list[UploadFile], File(description="files named after their table")],
           user: EditorUser, services: ServicesDep,
           dry_run: Annotated[bool, Form(description="validate only; write nothing")] = False,
           profile: Annotated[str, Form(description="canonical (files named after their table), "
                                                    "siasn (SIASN's exports as they are) or lms "
                                                    "(xAPI statements, Moodle completion CSV)")
                              ] = "canonical",
           ) -> ImportResult:
    """Validate the files and, when all are valid (and not ``dry_run``), import them at once.

    The answer is the importer's report: per file rows, new and changed rows; every problem
    with file, row, column and value. Nothing is written when there is any problem.
    """
    if len(files) > MAX_FILES:
        raise ApiError(422, f"at most {MAX_FILES} files per import")
    if profile not in PROFILES:
        raise ApiError(422, f"unknown profile {profile!r}; use one of: {', '.join(PROFILES)}")
    limit = get_settings().import_max_bytes
    folder = Path(tempfile.mkdtemp(prefix="asn-import-"))
    try:
        labels: dict[str, str] = {}
        for upload_file in files:
            stem, suffix = safe_name(upload_file.filename, profile)
            target = folder / f"{stem}{suffix}"
            if target.exists():
                raise ApiError(422, f"two files named {target.name}")
            _save(upload_file, target, limit)
            labels[str(target)] = target.name
        report = import_paths([folder / name for name in labels.values()], services.engine,
                              dry_run=dry_run, profile=profile)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    data = report.to_dict()
    # Show the uploaded names, not the server's temporary folder.
    for item in data["files"] + data["problems"] + data["mappings"]:
        item["file"] = labels.get(item["file"], Path(item["file"]).name)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "import" if report.written else "import_check", "import",
                     None, {"files": [f["file"] for f in data["files"]], "ok": report.ok,
                            "dry_run": dry_run, "profile": profile,
                            "problems": len(data["problems"]),
                            "rows": {f["table"]: f["rows"] for f in data["files"]}})
    if report.written:
        services.server.data_changed()
    return ImportResult(**data)

"""Online backup and atomic restore of a workspace: database, MLflow store and secrets.

A backup is one ``.tar.gz`` holding a consistent copy of the SQLite database (the ``sqlite3``
backup API: one read transaction, writers are not blocked), a copy of ``mlflow/mlflow.db`` made
the same way, the MLflow artifacts folder, ``secrets.json`` and ``manifest.json`` (SHA-256 and
size of every member, row counts of the database copy). The archive holds personal data (NIPs,
names and the key that links pseudonyms back to them): it is written with mode 0600.

A restore verifies the manifest, checks the database copy, builds the new workspace in a
temporary sibling folder and swaps it in with two renames. PostgreSQL is not supported yet.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from service.settings import Settings, get_settings

FORMAT = 1
DB_NAME, MLFLOW_DIR, MLFLOW_DB, SECRETS = "asn_reco.db", "mlflow", "mlflow/mlflow.db", "secrets.json"
MANIFEST = "manifest.json"
# Entries of the data folder a restore replaces (with SQLite's side files, never carried over).
REPLACED = {DB_NAME, f"{DB_NAME}-wal", f"{DB_NAME}-shm", f"{DB_NAME}-journal", MLFLOW_DIR, SECRETS}
PERSONAL_DATA_WARNING = ("the archive holds personal data (NIPs, names) and the pseudonym key: "
                         "keep it encrypted and access-controlled, like the database itself")


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


@dataclass
class BackupResult:
    """What :func:`create_backup` wrote."""

    archive: Path
    members: dict[str, dict] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(settings: Settings) -> Path:
    url = sa.make_url(settings.db_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(f"{url.get_backend_name()} databases are not supported yet: back them up "
                          "with the server's own tools (pg_dump) and back up the data folder")
    path = Path(url.database or "").expanduser().resolve()
    if path.parent != settings.data_dir:
        raise BackupError(f"the database {path.name} lies outside the data folder; only a "
                          "database inside ASN_DATA_DIR is supported yet")
    return path


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database (WAL or not) as one self-contained file."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: one read snapshot, writers carry on
        dst.execute("PRAGMA journal_mode=DELETE")  # no -wal file needed next to the copy
    finally:
        dst.close()
        src.close()


def _db_counts(path: Path) -> dict[str, int]:
    """Row counts of a database copy; raise BackupError when its integrity check fails."""
    from service.storage.engine import get_engine
    from service.storage.integrity import check_db

    engine = get_engine(f"sqlite:///{path}")
    try:
        result = check_db(engine)
    finally:
        engine.dispose()
    if not result.ok:
        raise BackupError("the database copy fails its check: " + "; ".join(result.problems))
    return result.counts


def _stage(settings: Settings, staging: Path, warnings: list[str]) -> dict[str, int]:
    db = _sqlite_path(settings)
    if not db.exists():
        raise BackupError(f"no database at {db}: nothing to back up")
    sqlite_copy(db, staging / DB_NAME)
    counts = _db_counts(staging / DB_NAME)
    mlflow_dir = settings.data_dir / MLFLOW_DIR
    if settings.mlflow_tracking_uri and settings.tracking_uri != f"sqlite:///{mlflow_dir / 'mlflow.db'}":
        warnings.append("MLFLOW_TRACKING_URI points elsewhere: only the local mlflow/ folder "
                        "is in the archive, back up the tracking server separately")
    if (settings.data_dir / MLFLOW_DB).exists():
        (staging / MLFLOW_DIR).mkdir()
        sqlite_copy(settings.data_dir / MLFLOW_DB, staging / MLFLOW_DB)
    else:
        warnings.append("no MLflow store (mlflow/mlflow.db) in the data folder")
    if (mlflow_dir / "artifacts").is_dir():
        # Artifacts are written once and never changed, so a file copy is consistent.
        shutil.copytree(mlflow_dir / "artifacts", staging / MLFLOW_DIR / "artifacts")
    if settings.secrets_file.exists():
        shutil.copy2(settings.secrets_file, staging / SECRETS)
    else:
        warnings.append("no secrets.json: pseudonyms in the archive cannot be recomputed")
    return counts


def create_backup(out_dir: Path | None = None, settings: Settings | None = None,
                  now: dt.datetime | None = None) -> BackupResult:
    """Write ``asn-reco-backup-<UTC time>.tar.gz`` into ``out_dir`` (default ``data/backups``)."""
    settings = settings or get_settings()
    out_dir = Path(out_dir or settings.data_dir / "backups").expanduser().resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%S%fZ")
    archive = out_dir / f"asn-reco-backup-{stamp}.tar.gz"
    result = BackupResult(archive)
    with tempfile.TemporaryDirectory(prefix=".asn-backup-", dir=out_dir) as tmp:
        staging = Path(tmp) / "workspace"
        staging.mkdir()
        result.counts = _stage(settings, staging, result.warnings)
        files = sorted(p for p in staging.rglob("*") if p.is_file())
        result.members = {p.relative_to(staging).as_posix(): {"sha256": _sha256(p),
                                                              "bytes": p.stat().st_size}
                          for p in files}
        manifest = {"format": FORMAT, "created_at": stamp, "members": result.members,
                    "counts": result.counts, "warning": PERSONAL_DATA_WARNING}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        partial = Path(tmp) / archive.name
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(staging / MANIFEST, arcname=MANIFEST)
            for name in result.members:
                tar.add(staging / name, arcname=name, recursive=False)
        os.replace(partial, archive)  # never a half-written archive under the final name
    return result


def _read_verified(archive: Path, into: Path) -> dict:
    """Extract ``archive`` into ``into`` and check it against its manifest."""
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            names = tar.getnames()
            if MANIFEST not in names:
                raise BackupError(f"{archive.name}: no {MANIFEST}; not an asn-reco backup")
            tar.extractall(into, filter="data")  # refuses links out, absolute paths, '..'
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{archive.name}: unreadable archive ({type(exc).__name__}: {exc})") from None
    try:
        manifest = json.loads((into / MANIFEST).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BackupError(f"{archive.name}: {MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{archive.name}: backup format {manifest.get('format')} is not {FORMAT}")
    members = manifest.get("members") or {}
    present = {p.relative_to(into).as_posix() for p in into.rglob("*") if p.is_file()} - {MANIFEST}
    if present != set(members):
        extra, missing = sorted(present - set(members)), sorted(set(members) - present)
        raise BackupError(f"{archive.name}: members differ from the manifest "
                          f"(unlisted {extra[:3]}, missing {missing[:3]})")
    for name, facts in members.items():
        if _sha256(into / name) != facts["sha256"]:
            raise BackupError(f"{archive.name}: {name} does not match its SHA-256 in the manifest")
    if DB_NAME not in members:
        raise BackupError(f"{archive.name}: holds no database")
    counts = _db_counts(into / DB_NAME)
    if counts != manifest["counts"]:
        raise BackupError(f"{archive.name}: the database's row counts differ from the manifest")
    return manifest


def workspace_in_use(data_dir: Path) -> list[str]:
    """The entries a restore would replace that hold something."""
    return sorted(name for name in REPLACED if (data_dir / name).exists()
                  and not ((data_dir / name).is_dir() and not any((data_dir / name).iterdir())))


def restore_backup(archive: Path, force: bool = False, settings: Settings | None = None) -> dict:
    """Restore ``archive`` into the data folder; refuse a non-empty one unless ``force``.

    The new workspace is built beside the data folder (the files the archive does not hold,
    such as ``raw/``, are moved into it) and swapped in by renaming. Stop the API and any
    job first: a process holding the old database open keeps using the old file.

    Returns:
        The archive's manifest.
    """
    settings = settings or get_settings()
    data_dir = settings.data_dir
    _sqlite_path(settings)
    archive = Path(archive).expanduser().resolve()
    if not archive.is_file():
        raise BackupError(f"no such archive: {archive}")
    used = workspace_in_use(data_dir)
    if used and not force:
        raise BackupError(f"the data folder {data_dir} already holds {', '.join(used)}; "
                          "pass --force to replace them")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restore-", dir=data_dir.parent))
    try:
        manifest = _read_verified(archive, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    (staging / MANIFEST).unlink()
    _swap_in(staging, data_dir)
    return manifest


def _swap_in(staging: Path, data_dir: Path) -> None:
    """Make ``staging`` the data folder, keeping the entries a backup does not hold."""
    if not data_dir.exists():
        os.rename(staging, data_dir)
        return
    kept = [e.name for e in data_dir.iterdir() if e.name not in REPLACED]
    moved: list[str] = []
    old = data_dir.with_name(f".{data_dir.name}.replaced-{os.getpid()}")
    try:
        for name in kept:
            os.rename(data_dir / name, staging / name)
            moved.append(name)
        os.rename(data_dir, old)
    except BaseException:
        for name in moved:  # put the user's files back before giving up
            os.rename(staging / name, data_dir / name)
        shutil.rmtree(staging, ignore_errors=True)
        raise
    os.rename(staging, data_dir)
    shutil.rmtree(old, ignore_errors=True)

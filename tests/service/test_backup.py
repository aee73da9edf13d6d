"""Backup and restore drill: an online backup while another thread writes, wipe, restore."""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from service import audit
from service.backup import BackupError, create_backup, restore_backup
from service.ingest.importer import import_paths
from service.pseudonym import load_key
from service.storage.engine import get_engine, init_db
from service.storage.integrity import check_db
from service.storage.schema import audit_log

WRITER = "backup-drill-writer"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workspace(data_dir, sample_dir):
    """Sample data imported, a pseudonym key and a small MLflow store (database + artifacts)."""
    engine = get_engine()
    init_db(engine)
    assert import_paths([sample_dir], engine).ok
    load_key()
    mlflow = data_dir / "mlflow"
    (mlflow / "artifacts" / "1" / "run1").mkdir(parents=True)
    (mlflow / "artifacts" / "1" / "run1" / "ranker.pkl").write_bytes(os.urandom(300_000))
    with sqlite3.connect(mlflow / "mlflow.db") as con:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, name TEXT)")
        con.executemany("INSERT INTO runs (name) VALUES (?)", [(f"run{i}",) for i in range(50)])
    (data_dir / "raw").mkdir()
    (data_dir / "raw" / "employees.csv").write_text("kept by a restore\n")
    yield engine
    engine.dispose()


def _writer_keys(engine) -> list[int]:
    with engine.connect() as conn:
        rows = conn.execute(sa.select(audit_log.c.object_key)
                            .where(audit_log.c.actor == WRITER)).scalars().all()
    return sorted(int(k) for k in rows)


def test_restore_drill_backup_while_writing_then_wipe_and_restore(workspace, data_dir, tmp_path):
    engine = workspace
    before = check_db(engine)
    assert before.ok
    files = {name: _sha(data_dir / name) for name in
             ("secrets.json", "mlflow/artifacts/1/run1/ranker.pkl")}
    stop, written = threading.Event(), []

    def write() -> None:
        while not stop.is_set():
            with engine.begin() as conn:
                audit.record(conn, WRITER, "drill", "row", str(len(written)))
            written.append(1)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        while len(written) < 30:
            stop.wait(0.01)
        result = create_backup(tmp_path / "backups")
        at_backup = len(written)
        while len(written) < at_backup + 30:
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(30)
    assert result.archive.name.startswith("asn-reco-backup-") and result.archive.suffixes[-2:] == [".tar", ".gz"]
    assert result.archive.stat().st_mode & 0o777 == 0o600  # personal data
    assert set(result.members) == {"asn_reco.db", "mlflow/mlflow.db", "secrets.json",
                                   "mlflow/artifacts/1/run1/ranker.pkl"}
    engine.dispose()

    shutil.rmtree(data_dir)
    manifest = restore_backup(result.archive)

    restored = get_engine()
    try:
        after = check_db(restored)
        assert after.ok, after.problems
        for table, count in before.counts.items():
            if table != "audit_log":
                assert after.counts[table] == count, table
        keys = _writer_keys(restored)
        # A consistent snapshot: the writer's rows up to some point, none missing in between.
        assert keys == list(range(len(keys)))
        assert 30 <= len(keys) <= at_backup + 1
        assert after.counts == manifest["counts"]
    finally:
        restored.dispose()
    for name, digest in files.items():
        assert _sha(data_dir / name) == digest
    with sqlite3.connect(data_dir / "mlflow" / "mlflow.db") as con:
        assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 50


def test_the_copy_holds_rows_still_in_the_wal_which_a_file_copy_would_lose(workspace, data_dir,
                                                                            tmp_path):
    con = sqlite3.connect(data_dir / "asn_reco.db")
    con.execute("PRAGMA wal_autocheckpoint=0")
    con.executemany("INSERT INTO audit_log (actor, action, object_key) VALUES (?, 'wal', ?)",
                    [(WRITER, str(i)) for i in range(200)])
    con.commit()
    naive = tmp_path / "naive.db"
    shutil.copy2(data_dir / "asn_reco.db", naive)  # what a plain file copy would keep
    try:
        result = create_backup(tmp_path / "backups")
    finally:
        con.close()
    with sqlite3.connect(naive) as copy:
        try:
            in_naive = copy.execute("SELECT count(*) FROM audit_log WHERE actor = ?",
                                    (WRITER,)).fetchone()[0]
        except sqlite3.OperationalError:  # not even the schema had been checkpointed
            in_naive = 0
    assert in_naive == 0
    assert result.counts["audit_log"] >= 200
    workspace.dispose()
    shutil.rmtree(data_dir)
    restore_backup(result.archive)
    restored = get_engine()
    assert len(_writer_keys(restored)) == 200
    restored.dispose()


def test_restore_refuses_a_non_empty_workspace_without_force(workspace, data_dir, tmp_path,
                                                             fingerprint, sample_dir):
    result = create_backup(tmp_path / "backups")
    with workspace.begin() as conn:
        audit.record(conn, WRITER, "after-backup", "row", "0")
    print_before = fingerprint(workspace)
    with pytest.raises(BackupError, match="--force"):
        restore_backup(result.archive)
    assert fingerprint(workspace) == print_before
    workspace.dispose()
    restore_backup(result.archive, force=True)
    restored = get_engine()
    assert _writer_keys(restored) == []  # back to the backup's state
    assert check_db(restored).ok
    restored.dispose()
    assert (data_dir / "raw" / "employees.csv").read_text() == "kept by a restore\n"
    assert not [p for p in data_dir.parent.iterdir() if ".restore-" in p.name or ".replaced-" in p.name]


def _rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of ``archive`` with members changed by ``change(name, data) -> (name, data)``."""
    with tarfile.open(archive, "r:gz") as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            name, data = change(member.name, src.extractfile(member).read())
            info = tarfile.TarInfo(name)
            info.size = len(data)
            dst.addfile(info, io.BytesIO(data))
    return out


def test_a_tampered_archive_is_refused_and_the_workspace_untouched(workspace, data_dir, tmp_path,
                                                                   fingerprint):
    result = create_backup(tmp_path / "backups")
    secrets_flipped = _rewrite(result.archive, tmp_path / "tampered.tar.gz",
                               lambda n, d: (n, d.replace(b"pseudonym", b"PSEUDONYM"))
                               if n == "secrets.json" else (n, d))
    escaping = _rewrite(result.archive, tmp_path / "escape.tar.gz",
                        lambda n, d: ("../escaped.txt", d) if n == "secrets.json" else (n, d))
    unlisted = _rewrite(result.archive, tmp_path / "unlisted.tar.gz",
                        lambda n, d: ("extra.db", d) if n == "secrets.json" else (n, d))
    manifest_lost = tmp_path / "nomanifest.tar.gz"
    with tarfile.open(manifest_lost, "w:gz") as tar:
        tar.add(data_dir / "asn_reco.db", arcname="asn_reco.db")
    print_before = fingerprint(workspace)
    workspace.dispose()
    shutil.move(data_dir, tmp_path / "moved")  # an empty workspace: only the archive can stop it
    for archive, message in ((secrets_flipped, "SHA-256"), (escaping, "unreadable archive"),
                             (unlisted, "differ from the manifest"), (manifest_lost, "manifest")):
        with pytest.raises(BackupError, match=message):
            restore_backup(archive)
        assert not data_dir.exists()
        assert not (tmp_path / "escaped.txt").exists()
    shutil.move(tmp_path / "moved", data_dir)
    engine = get_engine()
    assert fingerprint(engine) == print_before
    engine.dispose()


def test_postgresql_is_said_to_be_unsupported(data_dir, monkeypatch, tmp_path):
    from service.settings import get_settings

    monkeypatch.setenv("DATABASE_URL", "postgresql://asn@localhost/asn")
    get_settings.cache_clear()
    with pytest.raises(BackupError, match="not supported yet"):
        create_backup(tmp_path)

"""Training records are matched at import, and HR's review survives a re-import."""

from __future__ import annotations

import sqlalchemy as sa

from service.ingest.importer import import_paths
from service.storage.schema import CANONICAL

RECORDS = """employee_id,title,start_date,jp
198503122010012001,DIKLAT INTEGRITAS ANGKATAN II,10-03-2024,32
199001012015031002,Webinar Hari Bumi,22-04-2024,2
"""


def _records(engine) -> dict[str, tuple]:
    t = CANONICAL["training_records"]
    with engine.connect() as conn:
        return {r.title: (r.program_id, r.match_status) for r in conn.execute(
            sa.select(t.c.title, t.c.program_id, t.c.match_status))}


def test_a_clear_title_is_matched_and_a_strange_one_is_not(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir], db_engine).ok
    (tmp_path / "training_records.csv").write_text(RECORDS, encoding="utf-8")
    report = import_paths([tmp_path / "training_records.csv"], db_engine)
    assert report.ok, report.problems
    got = _records(db_engine)
    assert got["DIKLAT INTEGRITAS ANGKATAN II"] == ("P002", "auto")
    assert got["Webinar Hari Bumi"] == (None, "unmatched")
    assert any(m.canonical.startswith("program_id") and m.rows == 1 for m in report.mappings)


def test_a_reimport_keeps_what_hr_rejected(db_engine, sample_dir, tmp_path):
    assert import_paths([sample_dir], db_engine).ok
    path = tmp_path / "training_records.csv"
    path.write_text(RECORDS, encoding="utf-8")
    assert import_paths([path], db_engine).ok
    t = CANONICAL["training_records"]
    with db_engine.begin() as conn:
        conn.execute(sa.update(t).where(t.c.title.like("DIKLAT%"))
                     .values(match_status="rejected"))
    assert import_paths([path], db_engine).ok
    assert _records(db_engine)["DIKLAT INTEGRITAS ANGKATAN II"] == ("P002", "rejected")

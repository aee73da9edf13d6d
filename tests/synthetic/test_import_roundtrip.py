"""The generated world imports cleanly through the product's importer (CSV and XLSX)."""

from __future__ import annotations

import sqlalchemy as sa

from service.ingest.importer import import_paths
from synthetic import generate, write_world


def _counts(engine: sa.Engine, tables) -> dict[str, int]:
    with engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}


def test_the_small_world_imports_without_problems(written, world, db_engine, data_dir):
    raw, _ = written
    report = import_paths([raw], db_engine)
    assert report.ok, report.problems[:10]
    assert _counts(db_engine, world.tables) == {n: len(f) for n, f in world.tables.items()}


def test_the_xlsx_files_import_too(tmp_path, db_engine, data_dir):
    tiny = generate(120, 1, seed=2, end_quarter="2026Q3")
    write_world(tiny, tmp_path / "raw", tmp_path / "truth", xlsx=True)
    for csv in (tmp_path / "raw").glob("*.csv"):
        csv.unlink()
    report = import_paths([tmp_path / "raw"], db_engine)
    assert report.ok, report.problems[:10]
    assert _counts(db_engine, ["employees", "enrollments"]) == {
        "employees": len(tiny.tables["employees"]),
        "enrollments": len(tiny.tables["enrollments"])}

"""Shared fixtures: an isolated data folder, migrated databases (SQLite and PostgreSQL when
``TEST_DATABASE_URL`` is set), a database fingerprint and a small valid set of data files."""

from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from service.settings import get_settings

SAMPLE_FILES: dict[str, str] = {
    "units": """unit,sector,unit_kind,parent_unit,head_employee_id
Dinas Kesehatan,health,dinas,,198503122010012001
BKPSDM,general_administration,badan,,
""",
    "employees": """employee_id,name,sex,birth_date,employment_type,grade,job_kind,position,unit,education,appointment_date,digital_access,active
198503122010012001,Siti Aminah,F,1985-03-12,PNS,III/a,ahli_pertama,Perawat,Dinas Kesehatan,S1,2010-01-01,good,true
199001012015031002,Budi Santoso,M,1990-01-01,CPNS,II/a,pelaksana,Pengadministrasi,BKPSDM,SMA,2015-03-01,limited,true
PPPK-2023-0001,Rina,F,1995-07-20,PPPK,IX,ahli_pertama,Guru,BKPSDM,S1,2023-01-01,poor,true
""",
    "competencies": """code,name_id,name_en,type,sector
MK01,Integritas,Integrity,manajerial,
DL01,Literasi Digital,Digital literacy,teknis,
""",
    "competency_assessments": """employee_id,competency_code,assessed_level,required_level,assessed_on
198503122010012001,MK01,2,3,2024-06-01
199001012015031002,DL01,1,2,2024-06-01
""",
    "performance_reviews": """employee_id,period,skp_rating,skp_score,work_result_rating,behaviour_rating,quadrant
198503122010012001,2024,Baik,88.5,Sesuai Ekspektasi,Sesuai Ekspektasi,5
199001012015031002,2024,Sangat Baik,101,Di Atas Ekspektasi,Di Atas Ekspektasi,1
""",
    "programs": """program_id,title,category,competencies,form,delivery,jp,cost_idr,provider,eligible_job_kinds,min_grade,max_grade,max_age,eligible_employment_types,eligible_units,eligible_sectors,mandatory
P001,Literasi Digital Dasar,digital,DL01:2,non_klasikal,e_learning,20,0,BKPSDM,,,,,PNS;CPNS;PPPK,,,false
P002,Pelatihan Integritas,manajerial,MK01:3,klasikal,pelatihan,32,1500000,LAN,pelaksana;ahli_pertama,II/a,IV/e,58,PNS,,,false
""",
    "offerings": """offering_id,program_id,start_date,end_date,seats,location
O001,P001,2025-02-01,2025-02-28,100,Online
O002,P002,2025-03-10,2025-03-13,30,Aula BKPSDM
""",
    "enrollments": """employee_id,program_id,offering_id,date,status,jp_earned,post_test_score,source
198503122010012001,P001,O001,2025-01-15,completed,20,85,self
199001012015031002,,O002,2025-02-20,attended,32,,nominated
""",
    "training_records": """employee_id,title,start_date,end_date,kind,provider,jp,certificate_number,source,program_id,match_status,match_score
198503122010012001,Webinar Keselamatan Pasien,2024-09-10,2024-09-10,seminar,RSUP H. Adam Malik,4,,manual,,,
""",
}


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty ``ASN_DATA_DIR`` for this test (settings cache cleared before and after)."""
    folder = tmp_path / "data"
    monkeypatch.setenv("ASN_DATA_DIR", str(folder))
    for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def _postgres_url(schema: str) -> str | None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        return None
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_engine(request, tmp_path) -> sa.Engine:
    """A migrated, empty database: a SQLite file, or a fresh PostgreSQL schema per test."""
    from service.storage.engine import get_engine, init_db

    if request.param == "sqlite":
        engine = get_engine(f"sqlite:///{tmp_path / 'test.db'}")
        init_db(engine)
        yield engine
        engine.dispose()
        return
    schema = f"t_{uuid.uuid4().hex[:12]}"
    url = _postgres_url(schema)
    if url is None:
        pytest.skip("TEST_DATABASE_URL is not set (PostgreSQL variant)")
    admin = sa.create_engine(os.environ["TEST_DATABASE_URL"])
    with admin.begin() as conn:
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine = get_engine(url)
    try:
        init_db(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


def db_fingerprint(engine: sa.Engine) -> dict:
    """What a test compares to prove a database unchanged.

    SQLite: the SHA-256 of the database file after a WAL checkpoint, plus a logical dump.
    PostgreSQL: every table's row count and the md5 of its rows.
    """
    from service.storage.schema import metadata

    out: dict = {}
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            path = Path(engine.url.database)
            out["file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
            for table in metadata.sorted_tables:
                rows = sorted(map(repr, conn.execute(sa.select(table)).all()))
                out[table.name] = (len(rows), hashlib.md5("\n".join(rows).encode()).hexdigest())
        else:
            for table in metadata.sorted_tables:
                out[table.name] = tuple(conn.exec_driver_sql(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
                    f"FROM {table.name} t").one())
    return out


@pytest.fixture
def fingerprint():
    """``fingerprint(engine)``: see :func:`db_fingerprint`."""
    return db_fingerprint


@pytest.fixture
def sample_dir(tmp_path) -> Path:
    """A folder of small valid canonical CSV files, one per table (decisions excepted)."""
    folder = tmp_path / "sample"
    folder.mkdir()
    for name, text in SAMPLE_FILES.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def plan_world(tmp_path_factory) -> dict:
    """A small trained workspace for the training plan: 600 employees, 3 years, champion in MLflow.

    The synthetic files hold the history up to the latest complete quarter and, as HR publishes
    it, the next quarter's schedule (offerings without enrollments), which is the quarter planned.
    Tests that change data copy ``data_dir`` first (``plan_workspace``).
    """
    import pandas as pd

    from model.quarters import quarters_of
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from service.training import train_and_register
    from synthetic import generate, write_world

    root = tmp_path_factory.mktemp("plan_world")
    files, data = root / "files", root / "data"
    write_world(generate(n_employees=600, years=3, seed=11), files, root / "truth")
    off = pd.read_csv(files / "offerings.csv", dtype=str)
    scheduled = max(quarters_of(pd.to_datetime(off["start_date"])).dropna().unique())
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(data))
        for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        engine = get_engine()
        init_db(engine)
        assert import_paths([files], engine).ok
        outcome = train_and_register(engine)
        engine.dispose()
    get_settings.cache_clear()
    assert outcome.as_of == scheduled
    return {"data_dir": data, "quarter": outcome.as_of, "version": outcome.version}


@pytest.fixture
def plan_workspace(plan_world, tmp_path, monkeypatch) -> Path:
    """A private copy of ``plan_world``'s data folder, set as ``ASN_DATA_DIR`` for this test."""
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(plan_world["data_dir"], folder)
    monkeypatch.setenv("ASN_DATA_DIR", str(folder))
    for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


OULAD_DIR = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "oulad"


def write_oulad_slice(out: Path, modules: tuple[str, ...], share: float = 1.0,
                      edit=None) -> Path:
    """Write the OULAD files of some modules (a share of their students) into ``out``;
    ``edit(frames)`` may change the text frames first (keyed by file stem)."""
    import pandas as pd

    frames = {}
    for name in ("studentInfo", "studentRegistration", "courses", "assessments",
                 "studentAssessment"):
        frames[name] = pd.read_csv(OULAD_DIR / f"{name}.csv", dtype=str, keep_default_na=False)
    keep_ass = frames["assessments"]["code_module"].isin(modules)
    ids = frames["assessments"].loc[keep_ass, "id_assessment"]
    students = frames["studentInfo"].loc[frames["studentInfo"]["code_module"].isin(modules),
                                         "id_student"].drop_duplicates()
    students = students.sample(frac=share, random_state=3) if share < 1 else students
    for name, frame in frames.items():
        if "code_module" in frame:
            frame = frame[frame["code_module"].isin(modules)]
        if "id_student" in frame:
            frame = frame[frame["id_student"].isin(students)]
        if name == "studentAssessment":
            frame = frame[frame["id_assessment"].isin(ids)]
        frames[name] = frame.reset_index(drop=True)
    if edit is not None:
        edit(frames)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_csv(out / f"{name}.csv", index=False)
    return out


@pytest.fixture(scope="session")
def oulad_slice(tmp_path_factory) -> Path:
    """OULAD module DDD (2013B, 2013J, 2014B, 2014J), half of its students."""
    if not OULAD_DIR.exists():
        pytest.skip(f"OULAD files not found in {OULAD_DIR}")
    return write_oulad_slice(tmp_path_factory.mktemp("oulad") / "data", ("DDD",), share=0.5)


@pytest.fixture(scope="session")
def write_oulad():
    """``write_oulad_slice`` for tests that edit a slice before running it."""
    if not OULAD_DIR.exists():
        pytest.skip(f"OULAD files not found in {OULAD_DIR}")
    return write_oulad_slice


# ----------------------------------------------------------------------------- retraining
# A small synthetic world imported into a workspace, shared by the retraining tests. One person
# carries a planted name so the privacy test can look for it (and for every NIP) in MLflow.
PLANTED_NAME = "Zulkarnaen Planted Wiryaputra"


def use_workspace(mp: pytest.MonkeyPatch, folder: Path) -> None:
    """Point the settings at ``folder`` (its database, secrets and MLflow store)."""
    mp.setenv("ASN_DATA_DIR", str(folder))
    for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI", "ASN_CRASH_AT"):
        mp.delenv(name, raising=False)
    get_settings.cache_clear()


def build_workspace(folder: Path, world) -> None:
    """Write a synthetic world's files and import them into a new workspace at ``folder``."""
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from synthetic import write_world

    raw = folder.parent / f"{folder.name}-raw"
    write_world(world, raw, folder.parent / f"{folder.name}-truth")
    with pytest.MonkeyPatch.context() as mp:
        use_workspace(mp, folder)
        folder.mkdir(parents=True, exist_ok=True)
        engine = get_engine(get_settings().db_url)
        init_db(engine)
        report = import_paths([raw], engine)
        engine.dispose()
    assert not getattr(report, "errors", None), report


@pytest.fixture(scope="session")
def retrain_world():
    """A 400-person, 3-year world ending 2026Q3 with a planted name."""
    from synthetic import generate

    world = generate(400, 3, seed=3, end_quarter="2026Q3")
    world.tables["employees"].loc[world.tables["employees"].index[0], "name"] = PLANTED_NAME
    return world


@pytest.fixture(scope="session")
def retrain_base(retrain_world, tmp_path_factory) -> Path:
    """The world imported into a workspace with no MLflow store yet (copy it, never write)."""
    folder = tmp_path_factory.mktemp("retrain") / "base"
    build_workspace(folder, retrain_world)
    return folder


def copy_workspace(src: Path, dst: Path) -> Path:
    """An independent copy of a workspace (database, secrets, MLflow store)."""
    import shutil

    shutil.copytree(src, dst)
    return dst


@pytest.fixture(scope="session")
def retrain_tools():
    """The retraining helpers above, for tests (conftest is not importable as a module)."""
    from types import SimpleNamespace

    return SimpleNamespace(use=use_workspace, copy=copy_workspace, build=build_workspace,
                           planted_name=PLANTED_NAME)

"""A stand-in recommender and model source with the real interfaces (fast, deterministic).

Every score depends on the version's salt and the Context carries the salt it was built with,
so a request that mixed one version's recommender with another's Context would fail loudly.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass

import pandas as pd

from model.registry import ChecksumError
from service.model_source import Loaded


def unit_hash(*parts: str) -> float:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


@dataclass
class FakeContext:
    salt: str
    people: pd.DataFrame
    programs: pd.DataFrame
    builds: int


class FakeRecommender:
    """Same methods as ``model.recommender.Recommender`` (scores are hashes, not learnt)."""

    def __init__(self, salt: str, as_of: str = "2025Q2", delay: float = 0.0):
        self.salt, self.as_of_, self.delay = salt, as_of, delay
        self.context_builds = self.recommend_calls = 0
        self._lock = threading.Lock()

    def context(self, frames: dict[str, pd.DataFrame], as_of: str | None = None) -> FakeContext:
        with self._lock:
            self.context_builds += 1
        emp = frames["employees"]
        active = emp[emp["active"].fillna(True).astype(bool)]
        enr = frames["enrollments"]
        jp = enr.groupby("person_key")["jp_earned"].sum() if len(enr) else pd.Series(dtype=float)
        people = pd.DataFrame({"jp_this_year": active["person_key"].map(jp).fillna(0.0).to_numpy()},
                              index=pd.Index(active["person_key"], name="person_key"))
        programs = frames["programs"].set_index("program_id")
        return FakeContext(self.salt, people, programs, self.context_builds)

    def recommend(self, ctx: FakeContext, persons=None, k=10, quarter=None, form=None,
                  max_cost=None, reasons=True) -> pd.DataFrame:
        if ctx.salt != self.salt:
            raise AssertionError("a Context of another version was used")
        self.recommend_calls += 1
        if self.delay:
            time.sleep(self.delay)
        progs = ctx.programs
        if form:
            progs = progs[progs["form"] == form]
        if max_cost is not None:
            progs = progs[progs["cost_idr"].fillna(0) <= max_cost]
        rows = []
        for p in persons if persons is not None else list(ctx.people.index):
            scored = sorted(((unit_hash(self.salt, p, pid), pid) for pid in progs.index), reverse=True)
            for rank, (score, pid) in enumerate(scored[:k], start=1):
                prog = progs.loc[pid]
                rows.append({"person_key": p, "program_id": pid, "title": prog["title"],
                             "rank": rank, "score": score, "relevance": score, "p_complete": 0.5,
                             "mandatory": bool(prog["mandatory"]) if pd.notna(prog["mandatory"]) else False,
                             "form": prog["form"], "jp": prog["jp"], "cost_idr": prog["cost_idr"],
                             "reasons_id": [f"kode {self.salt}"], "reasons_en": [f"code {self.salt}"]})
        cols = ["person_key", "program_id", "title", "rank", "score", "relevance", "p_complete",
                "mandatory", "form", "jp", "cost_idr", "reasons_id", "reasons_en"]
        return pd.DataFrame(rows, columns=cols)

    def engagement(self, ctx: FakeContext, persons=None, factors=False) -> pd.DataFrame:
        keys = [p for p in (persons if persons is not None else ctx.people.index) if p in ctx.people.index]
        out = pd.DataFrame({"person_key": keys,
                            "jp_this_year": ctx.people.loc[keys, "jp_this_year"].to_numpy(),
                            "jp_duty": 20.0,
                            "p_reach_duty": [unit_hash(self.salt, "duty", p) for p in keys],
                            "expected_jp": [40 * unit_hash(self.salt, "jp", p) for p in keys]})
        if factors:
            out["factors"] = [[("recent_participation", 0.1), ("digital_access", -0.05)]] * len(keys)
        return out

    def describe(self) -> dict:
        return {"as_of": self.as_of_}


class FakeSource:
    """Versions by number; ``corrupt`` versions raise ChecksumError like the registry would."""

    def __init__(self, champion: str = "1", delay: float = 0.0, load_delay: float = 0.0):
        self.champion_version = champion
        self.corrupt: set[str] = set()
        self.delay, self.load_delay = delay, load_delay
        self.loads: list[str] = []

    def champion(self) -> str:
        return self.champion_version

    def load(self, version: str) -> Loaded:
        self.loads.append(version)
        if self.load_delay:
            time.sleep(self.load_delay)
        if version in self.corrupt:
            raise ChecksumError(f"version {version}: artifact checksum 000000000000 does not "
                                f"match the recorded abcdefabcdef")
        return Loaded(FakeRecommender(f"v{version}", delay=self.delay), version, f"run{version}",
                      "ab" * 32, {"ndcg_at_10": 0.3}, f"# Model card v{version}\n",
                      f"<h1>Model card v{version}</h1>")


# ------------------------------------------------------------------------------------ fixtures
import os  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from service.settings import get_settings  # noqa: E402

HEALTH, BKPSDM = "Dinas Kesehatan", "BKPSDM"
SITI, ANDI, FORMULA, BUDI, RUDI = ("198503122010012001", "198801152012031003",
                                   "199205202018012004", "199001012015031002",
                                   "198707072011011005")
API_FILES: dict[str, str] = {
    "units": f"""unit,sector,unit_kind,parent_unit,head_employee_id
{HEALTH},health,dinas,,{SITI}
{BKPSDM},general_administration,badan,,
""",
    "employees": f"""employee_id,name,sex,birth_date,employment_type,grade,job_kind,position,unit,education,appointment_date,digital_access,active
{SITI},Siti Aminah,F,1985-03-12,PNS,III/a,ahli_pertama,Perawat,{HEALTH},S1,2010-01-01,good,true
{ANDI},Andi Wijaya,M,1988-01-15,PNS,III/b,pelaksana,Pengadministrasi,{HEALTH},D3,2012-03-01,limited,true
{FORMULA},=HYPERLINK(\"http://x\"),F,1992-05-20,PNS,II/c,pelaksana,Pengadministrasi,{HEALTH},SMA,2018-01-01,good,true
{BUDI},Budi Santoso,M,1990-01-01,PNS,II/a,pelaksana,Pengadministrasi,{BKPSDM},SMA,2015-03-01,limited,true
{RUDI},Rudi Hartono,M,1987-07-07,PNS,III/c,administrator,Kepala Bidang,{BKPSDM},S2,2011-01-01,good,true
""",
    "competencies": """code,name_id,name_en,type,sector
MK01,Integritas,Integrity,manajerial,
DL01,Literasi Digital,Digital literacy,teknis,
""",
    "competency_assessments": f"""employee_id,competency_code,assessed_level,required_level,assessed_on
{SITI},MK01,2,3,2024-06-01
{SITI},MK01,1,3,2023-06-01
{SITI},DL01,2,2,2024-06-01
{BUDI},DL01,1,2,2024-06-01
""",
    "performance_reviews": f"""employee_id,period,skp_rating,skp_score
{SITI},2024,Baik,88.5
{SITI},2023,Sangat Baik,101
{BUDI},2024,Sangat Baik,101
""",
    "programs": """program_id,title,category,competencies,form,delivery,jp,cost_idr,provider,eligible_job_kinds,min_grade,max_grade,max_age,eligible_employment_types,eligible_units,eligible_sectors,mandatory
P001,Literasi Digital Dasar,digital,DL01:2,non_klasikal,e_learning,20,0,BKPSDM,,,,,PNS;CPNS;PPPK,,,false
P002,Pelatihan Integritas,manajerial,MK01:3,klasikal,pelatihan,32,1500000,LAN,pelaksana;ahli_pertama,II/a,IV/e,58,PNS,,,false
P003,Pelayanan Publik Prima,manajerial,MK01:2,klasikal,workshop,16,750000,BKPSDM,,,,,,,,false
P004,Coaching Kepemimpinan,kepemimpinan,MK01:3,non_klasikal,coaching,12,250000,BKPSDM,,,,,,,,false
""",
    "offerings": """offering_id,program_id,start_date,end_date,seats,location
O001,P001,2025-02-01,2025-02-28,100,Online
O002,P002,2025-03-10,2025-03-13,30,Aula BKPSDM
O003,P003,2025-05-05,2025-05-06,40,Aula BKPSDM
""",
    "enrollments": f"""employee_id,program_id,offering_id,date,status,jp_earned,post_test_score,source
{SITI},P001,O001,2025-01-15,completed,20,85,self
{BUDI},,O002,2025-02-20,attended,32,,nominated
""",
}
PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def api_world(tmp_path_factory):
    """A data folder with the sample data imported and three users; env set for the session."""
    from service.auth.users import create_user, ensure_first_admin
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db

    root = tmp_path_factory.mktemp("api")
    data, files = root / "data", root / "files"
    files.mkdir()
    for name, text in API_FILES.items():
        (files / f"{name}.csv").write_text(text, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(data))
        for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        engine = get_engine()
        init_db(engine)
        report = import_paths([files], engine)
        assert report.ok, report.problems
        admin_password = ensure_first_admin(engine)
        create_user(engine, "analyst1", PASSWORD, "analyst")
        create_user(engine, "head_health", PASSWORD, "unit_head", HEALTH)
        create_user(engine, "head_bkpsdm", PASSWORD, "unit_head", BKPSDM)
        yield {"engine": engine, "data_dir": data, "admin_password": admin_password}
        engine.dispose()
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def api_settings():
    from service.api.settings import ApiSettings

    return ApiSettings(model_poll_seconds=0, context_rebuild_delay=0.0, max_body_bytes=64 * 1024,
                       login_max_failures=3, login_max_per_client=1000)


@pytest.fixture
def make_client(api_world, api_settings):
    """``make_client(source=None, **settings)``: a started app on the shared database."""
    from service.api.app import create_app

    opened = []

    def make(source=None, engine=None, **overrides) -> TestClient:
        os.environ["ASN_DATA_DIR"] = str(api_world["data_dir"])
        get_settings.cache_clear()
        settings = api_settings.model_copy(update=overrides)
        client = TestClient(create_app(engine or api_world["engine"], source or FakeSource(),
                                       settings))
        client.__enter__()
        opened.append(client)
        return client

    yield make
    for client in opened:
        client.__exit__(None, None, None)
    get_settings.cache_clear()  # a test may have changed settings through the environment


@pytest.fixture(scope="session")
def client(api_world, api_settings):
    """The shared started app (fake model version 1)."""
    from service.api.app import create_app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(api_world["data_dir"]))
        get_settings.cache_clear()
        with TestClient(create_app(api_world["engine"], FakeSource(), api_settings)) as c:
            yield c


def login(client: TestClient, username: str, password: str = PASSWORD) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def bearer(client: TestClient, username: str, role: str) -> dict[str, str]:
    """Headers with a token minted directly (no password hashing in the timed path)."""
    from service.auth import tokens

    token, _ = tokens.issue(client.app.state.services.jwt_secret, username, role, minutes=5)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="session")
def headers(client, api_world):
    """Authorization headers by role: admin, analyst, head (Dinas Kesehatan), head_bkpsdm."""
    return {"admin": login(client, "admin", api_world["admin_password"]),
            "analyst": login(client, "analyst1"),
            "head": login(client, "head_health"),
            "head_bkpsdm": login(client, "head_bkpsdm")}


def wait_built(client: TestClient, plan_id: str, headers: dict, limit: float = 240.0) -> dict:
    """Poll a plan until it is no longer building (bounded by ``limit`` seconds)."""
    deadline = time.monotonic() + limit
    while True:
        r = client.get(f"/api/v1/plans/{plan_id}", headers=headers)
        assert r.status_code == 200, r.text
        if r.json()["status"] != "building":
            return r.json()
        assert time.monotonic() < deadline, f"plan {plan_id} still building after {limit} s"
        time.sleep(0.2)


@pytest.fixture(scope="session")
def kit():
    """Helpers and sample ids for tests (test modules cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(FakeSource=FakeSource, FakeRecommender=FakeRecommender, login=login,
                           bearer=bearer, wait_built=wait_built,
                           HEALTH=HEALTH, BKPSDM=BKPSDM, SITI=SITI, ANDI=ANDI, FORMULA=FORMULA,
                           BUDI=BUDI, RUDI=RUDI, PASSWORD=PASSWORD)


@pytest.fixture(scope="session")
def real_world(tmp_path_factory):
    """A synthetic world (300 employees, 3 years) imported, with two registered model versions
    (version 1 champion, version 2 registered only), trained with a small configuration."""
    import synthetic
    from model.config import ModelConfig
    from service.auth.users import create_user
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from service.training import train_and_register

    data = tmp_path_factory.mktemp("real") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(data))
        for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        world = synthetic.generate(300, 3, seed=11)
        synthetic.write_world(world, data / "raw", data / "truth")
        engine = get_engine()
        init_db(engine)
        assert import_paths([data / "raw"], engine).ok
        small = dict(train_quarters=4, ranker_max_iter=30, engagement_max_iter=30)
        first = train_and_register(engine, config=ModelConfig(**small, seed=1))
        second = train_and_register(engine, config=ModelConfig(**small, seed=2), promote=False)
        # The synthetic files include the serving quarter's published schedule.
        create_user(engine, "real_admin", PASSWORD, "admin")
        yield {"engine": engine, "data_dir": data, "versions": (first.version, second.version),
               "settings": get_settings()}
        engine.dispose()
    get_settings.cache_clear()

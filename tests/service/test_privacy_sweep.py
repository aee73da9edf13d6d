"""ONE privacy sweep (issue #10 item 6): a planted NIP and a planted name go through the real
flow, and none of the outputs that must not hold personal data holds them.

The flow, in a fresh workspace: ``asn-reco import`` of a small synthetic world whose first person
carries ``PLANTED_NAME``; training and registration in MLflow (a fast configuration); the API
(recommendations, engagement, a decision, a search by name, the risk groups, the model card) and
the dashboard's profile page on that person, with the application's logs configured as
``asn-reco serve`` configures them, raised to DEBUG and captured to a file; ``asn-reco risk report``
in xlsx, csv and json; ``asn-reco score-all`` (pseudonymous output, with reasons).

Then scanned, for the planted NIP and name (UTF-8, UTF-16 and UTF-32, as a pickled NumPy string
array stores them) and for every NIP of the world (UTF-8 and UTF-32): the log file and the
commands' output; every file of the MLflow store (the SQLite database, the artifacts, the model
card; every pickle and joblib file also unpickled and its pickle bytes scanned); the risk reports
(the XML inside the xlsx too); the batch output (raw bytes and every cell); the risk-group answer
of the API. Each scan counts what it read, so an empty or skipped scan fails.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import logging.config
import pickle
import re
import zipfile
from pathlib import Path

import pytest

from model.config import ModelConfig
from service.settings import get_settings

pytestmark = pytest.mark.slow

FAST = ModelConfig(train_quarters=4, ranker_max_iter=40, engagement_max_iter=40)
OUR_LOGGERS = ("asn_reco", "service", "model", "commands")
TOUCHED_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", *OUR_LOGGERS)
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le")


class Needles:
    """Byte patterns of the planted NIP and name (every encoding) and of every NIP (UTF-8 and
    UTF-32, the forms a CSV, a database, a pickle or a NumPy array would hold)."""

    def __init__(self, planted_nip: str, planted_name: str, nips: set[str]):
        self.labels: dict[bytes, str] = {}
        for text, label in ((planted_nip, "planted NIP"), (planted_name, "planted name")):
            for enc in ENCODINGS:
                self.labels[text.encode(enc)] = f"{label} ({enc})"
        for nip in nips:
            for enc in ("utf-8", "utf-32-le"):
                self.labels.setdefault(nip.encode(enc), f"NIP {nip} ({enc})")
        self.pattern = re.compile(b"|".join(re.escape(k) for k in
                                            sorted(self.labels, key=len, reverse=True)))
        self.planted_name = planted_name

    def found(self, blob: bytes) -> list[str]:
        hits = {self.labels[m.group(0)] for m in self.pattern.finditer(blob)}
        # A name in an XML or HTML file may have its spaces or letters escaped.
        if b"&" in blob and self.planted_name in html.unescape(blob.decode("utf-8", "replace")):
            hits.add("planted name (escaped)")
        return sorted(hits)


class Scan:
    """Counts what was scanned and collects every hit with where it was found."""

    def __init__(self, needles: Needles):
        self.needles, self.hits, self.counts = needles, [], {}

    def blob(self, kind: str, where: str, data: bytes) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        for hit in self.needles.found(data):
            self.hits.append((kind, where, hit))

    def text(self, kind: str, where: str, text: str) -> None:
        self.blob(kind, where, text.encode("utf-8"))

    def file(self, kind: str, path: Path) -> None:
        data = path.read_bytes()
        self.blob(kind, str(path), data)
        if path.suffix == ".joblib":
            import joblib

            self.blob("unpickled", f"{path} (joblib)", pickle.dumps(joblib.load(path), protocol=4))
        elif path.suffix in (".pkl", ".pickle"):
            self.blob("unpickled", f"{path} (pickle)", pickle.dumps(pickle.loads(data), protocol=4))
        elif path.suffix == ".xlsx" or (data[:2] == b"PK" and zipfile.is_zipfile(path)):
            with zipfile.ZipFile(path) as z:
                for member in z.namelist():
                    self.blob("zip member", f"{path}!{member}", z.read(member))
        elif path.suffix == ".parquet":
            import pandas as pd

            frame = pd.read_parquet(path)
            self.counts["parquet rows"] = self.counts.get("parquet rows", 0) + len(frame)
            cells = frame.astype(str).to_csv(index=False)
            self.text("parquet cells", str(path), cells)


@pytest.fixture
def server_log(tmp_path):
    """The application's logging as ``asn-reco serve`` sets it up, our loggers raised to DEBUG,
    every record of ours (and anyone's warnings) also written to a file; restored afterwards."""
    from commands.serving import _log_config

    saved = {}
    for name in TOUCHED_LOGGERS:
        lg = logging.getLogger(name)
        saved[name] = (lg.level, list(lg.handlers), lg.propagate, lg.disabled)
    path = tmp_path / "server.log"
    config = _log_config()
    config["handlers"]["capture"] = {"class": "logging.FileHandler", "filename": str(path),
                                     "formatter": "plain", "level": "DEBUG", "encoding": "utf-8"}
    config["formatters"]["plain"] = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    for name in OUR_LOGGERS:
        config["loggers"][name] = {"handlers": ["default", "capture"], "level": "DEBUG",
                                   "propagate": False}
    for name in ("uvicorn", "uvicorn.access"):
        config["loggers"][name]["handlers"].append("capture")
    # Libraries' warnings and errors (MLflow, SQLAlchemy, pandas) reach the root logger.
    config["root"] = {"handlers": ["capture"], "level": "WARNING"}
    logging.config.dictConfig(config)
    yield path
    for handler in logging.getLogger("").handlers:
        handler.flush()
    for name, (level, handlers, propagate, disabled) in saved.items():
        lg = logging.getLogger(name)
        for h in lg.handlers:
            if h not in handlers:
                h.close()
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate, lg.disabled = propagate, disabled


def test_no_planted_nip_or_name_in_logs_mlflow_models_reports_or_batch_output(
        retrain_world, retrain_tools, tmp_path, monkeypatch, server_log):
    import sqlalchemy as sa
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from commands.main import app as cli
    from service.api.app import create_app
    from service.api.settings import ApiSettings
    from service.auth import tokens
    from service.auth.users import create_user
    from service.storage.engine import get_engine
    from service.storage.schema import CANONICAL
    from service.training import train_and_register
    from synthetic import write_world

    employees = retrain_world.tables["employees"]
    planted = employees.iloc[0]
    planted_nip, planted_name = str(planted["employee_id"]), retrain_tools.planted_name
    assert planted["name"] == planted_name and re.fullmatch(r"\d{18}", planted_nip)
    needles = Needles(planted_nip, planted_name, set(employees["employee_id"].astype(str)))
    scan = Scan(needles)
    cli_output: list[str] = []
    runner = CliRunner()

    def run(*args: str) -> None:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        cli_output.append(result.output)

    # ---- import, through the command, into a fresh workspace
    folder, raw = tmp_path / "ws", tmp_path / "raw"
    write_world(retrain_world, raw, tmp_path / "truth")
    assert needles.found((raw / "employees.csv").read_bytes()), "the needles match nothing"
    retrain_tools.use(monkeypatch, folder)
    run("init-db")
    run("import", str(raw))
    engine = get_engine(get_settings().db_url)
    with engine.connect() as conn:
        emp = CANONICAL["employees"]
        assert conn.execute(sa.select(emp.c.name).where(emp.c.employee_id == planted_nip)
                            ).scalar_one() == planted_name

    # ---- training and registration in MLflow
    outcome = train_and_register(engine, config=FAST)
    assert outcome.version

    # ---- the API and a page on the planted person, logs captured
    create_user(engine, "privacy_admin", "correct-horse-battery", "admin")
    api = ApiSettings(model_poll_seconds=0, context_rebuild_delay=0.0)
    answers: dict[str, str] = {}
    with TestClient(create_app(engine, api=api)) as client:
        secret = client.app.state.services.jwt_secret
        token, _ = tokens.issue(secret, "privacy_admin", "admin", minutes=5)
        h = {"Authorization": f"Bearer {token}"}
        base = f"/api/v1/employees/{planted_nip}"
        profile = client.get(base, headers=h)
        assert profile.status_code == 200 and planted_name in profile.text  # the needle is live
        recs = client.get(f"{base}/recommendations", params={"k": 5}, headers=h)
        assert recs.status_code == 200 and recs.json()["items"], recs.text
        program = recs.json()["items"][0]["program_id"]
        assert client.get(f"{base}/engagement", params={"factors": True},
                          headers=h).status_code == 200
        r = client.post("/api/v1/decisions", headers=h,
                        json={"employee_id": planted_nip, "program_id": program,
                              "decision": "rejected", "reason": "privacy sweep"})
        assert r.status_code == 201, r.text
        # Errors on the person: a bad decision (422) and an unknown program (404).
        assert client.post("/api/v1/decisions", headers=h,
                           json={"employee_id": planted_nip, "program_id": program,
                                 "decision": planted_name}).status_code == 422
        assert client.post("/api/v1/decisions", headers=h,
                           json={"employee_id": planted_nip, "program_id": "NOPE-" + planted_nip,
                                 "decision": "accepted"}).status_code == 404
        found = client.get("/api/v1/employees", params={"q": planted_name}, headers=h).json()
        assert [e["employee_id"] for e in found["items"]] == [planted_nip]
        client.cookies.set("asn_session", token)
        page = client.get(f"/ui/employees/{planted_nip}", params={"lang": "en"})
        assert page.status_code == 200 and planted_name in html.unescape(page.text)
        risk = client.get("/api/v1/risk-groups", headers=h)
        assert risk.status_code == 200 and risk.json()["people"], risk.text
        answers["risk-groups (API JSON)"] = risk.text
        card = client.get("/api/v1/model/card", headers=h)
        assert card.status_code == 200 and "Model card" in card.text
        answers["model card (API)"] = card.text
    as_of = outcome.as_of

    # ---- the risk-group report and the batch scoring, through their commands
    reports = tmp_path / "reports"
    reports.mkdir()
    for fmt in ("xlsx", "csv", "json"):
        run("risk", "report", "--format", fmt, "--out", str(reports / f"risk.{fmt}"),
            "--trend-quarters", "4")
    batch = tmp_path / "batch"
    run("score-all", "--as-of", as_of, "--out", str(batch), "--reasons", "--chunk-size", "150")
    engine.dispose()
    for handler in logging.getLogger("asn_reco").handlers + logging.getLogger("").handlers:
        handler.flush()

    # ---- the scans
    log_text = server_log.read_text(encoding="utf-8")
    log_lines = log_text.splitlines()
    scan.text("log", str(server_log), log_text)
    for i, out in enumerate(cli_output):
        scan.text("command output", f"command {i}", out)
    for where, text in answers.items():
        scan.text("API answer", where, text)
    store = get_settings().mlflow_dir
    assert (store / "mlflow.db").exists()
    for path in sorted(store.rglob("*")):
        if path.is_file():
            scan.file("mlflow file", path)
    for path in sorted(reports.iterdir()):
        scan.file("report", path)
    for path in sorted(batch.rglob("*")):
        if path.is_file():
            scan.file("batch file", path)

    assert not scan.hits, scan.hits[:10]

    # ---- coverage: every scan read something, and the log holds the requests made
    counts = scan.counts
    print(f"\nscanned: {counts}; log lines: {len(log_lines)}")
    mlflow_files = {p.name for p in store.rglob("*") if p.is_file()}
    assert counts["mlflow file"] >= 5 and counts["unpickled"] >= 1, (counts, mlflow_files)
    assert "mlflow.db" in mlflow_files and any(n.endswith(".md") for n in mlflow_files), \
        mlflow_files  # the registry's database and the model card were read
    assert counts["report"] == 3 and counts["zip member"] >= 3, counts
    assert counts["batch file"] >= 2 and counts.get("parquet rows", 0) >= 100, counts
    assert counts["API answer"] == 2 and counts["command output"] == 6, counts
    assert len(log_lines) >= 10, log_lines
    for line in ("GET /api/v1/employees/{employee_id} 200",
                 "GET /api/v1/employees/{employee_id}/recommendations 200",
                 "GET /api/v1/employees/{employee_id}/engagement 200",
                 "POST /api/v1/decisions 201", "POST /api/v1/decisions 422",
                 "POST /api/v1/decisions 404", "GET /api/v1/employees 200",
                 "GET /ui/employees/{employee_id} 200", "GET /api/v1/risk-groups 200",
                 "serving model version"):
        assert line in log_text, f"the log has no line {line!r}: the capture is not working"
    assert dt.date.today().isoformat() in log_text

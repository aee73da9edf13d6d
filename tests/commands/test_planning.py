"""``asn-reco plan`` end to end on a small trained world, and its answers to bad input."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from commands.main import app
from model.planning import PlanConfig, check_plan
from service.plans import drafts
from service.pseudonym import load_key, person_key
from service.storage.engine import get_engine
from service.storage.schema import CANONICAL, plans

runner = CliRunner()
BUDGET = 60_000_000


def _latest_plan(engine: sa.Engine) -> str:
    with engine.connect() as conn:
        return conn.execute(sa.select(plans.c.plan_id)
                            .order_by(plans.c.created_at.desc(), plans.c.plan_id)).first()[0]


def _run(*args: str):
    result = runner.invoke(app, ["plan", *args], env={"COLUMNS": "200"})
    return result


@pytest.mark.slow
def test_plan_file_holds_a_valid_plan_with_employee_ids_mapped_back(plan_workspace, plan_world,
                                                                      tmp_path):
    engine = get_engine()
    first = _run("--budget", str(BUDGET), "--out", str(tmp_path / "first.csv"))
    assert first.exit_code == 0, first.output
    for label in ("milp", "greedy_by_score", "popular_first", "expected completions",
                  "employees reaching the JP duty", "cost per JP earned"):
        assert label in first.output
    plan_id = _latest_plan(engine)
    candidates, offerings, _ = drafts.plan_inputs(engine, plan_id)
    _, lines = drafts.get_plan(engine, plan_id)
    # Lock a candidate line the first plan left out; exclude someone the first plan chose.
    outside = candidates.merge(lines[["person_key", "offering_id"]], how="left", indicator=True)
    outside = outside[(outside["_merge"] == "left_only")
                      & ~outside["person_key"].isin(lines["person_key"])]
    lock_row = outside.sort_values("cost_idr").iloc[0]
    key = load_key()
    with engine.connect() as conn:
        ids = conn.execute(sa.select(CANONICAL["employees"].c.employee_id)).scalars().all()
    employee_of = {person_key(e, key): e for e in ids}
    lock_emp = employee_of[lock_row["person_key"]]
    dropped_emp = lines["employee_id"].iloc[0]
    out = tmp_path / "plan.csv"
    second = _run("--budget", str(BUDGET), "--quarter", plan_world["quarter"], "--out", str(out),
                  "--lock", f"{lock_emp}:{lock_row['offering_id']}",
                  "--exclude-employee", dropped_emp, "--time-limit", "30")
    assert second.exit_code == 0, second.output
    sheet = pd.read_csv(out, dtype={"employee_id": str, "offering_id": str, "program_id": str})
    assert len(sheet) > 50 and sheet["cost_idr"].sum() <= BUDGET
    assert set(sheet["employee_id"]) <= set(ids)
    assert dropped_emp not in set(sheet["employee_id"])
    locked = sheet[sheet["locked"]]
    assert list(zip(locked["employee_id"], locked["offering_id"])) == [
        (lock_emp, lock_row["offering_id"])]
    assert sheet["reason"].str.len().gt(0).all() and sheet["start_date"].notna().all()
    # The file, mapped back to pseudonyms, is the stored draft and meets every constraint.
    plan_id = _latest_plan(engine)
    candidates, offerings, settings = drafts.plan_inputs(engine, plan_id)
    assignments = pd.DataFrame({"person_key": [person_key(e, key) for e in sheet["employee_id"]],
                                "offering_id": sheet["offering_id"]})
    config = PlanConfig(**settings, locked={(lock_row["person_key"], lock_row["offering_id"])})
    assert config.excluded_people == {person_key(dropped_emp, key)}
    assert check_plan(assignments, candidates, offerings, config) == []
    _, stored = drafts.get_plan(engine, plan_id)
    assert set(zip(stored["employee_id"], stored["offering_id"])) == set(
        zip(sheet["employee_id"], sheet["offering_id"]))


@pytest.mark.slow
def test_xlsx_in_english(plan_workspace, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "plan.xlsx"
    result = _run("--budget", "20000000", "--out", str(out), "--language", "en",
                  "--max-per-person", "2")
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    header = rows[0]
    assert header[0] == "employee_id" and "reason" in header and len(rows) > 10
    reasons = [r[header.index("reason")] for r in rows[1:]]
    assert not any("JP dari kewajiban" in (r or "") for r in reasons)


@pytest.mark.parametrize("args, message", [
    (["--budget", "-1"], "budget_idr"),
    (["--budget", "1000", "--quarter", "2026Q9"], "not a quarter"),
    (["--budget", "1000", "--out", "plan.txt"], ".csv or .xlsx"),
    (["--budget", "1000", "--lock", "no-colon"], "EMPLOYEE_ID:OFFERING_ID"),
    (["--budget", "1000", "--min-unit-share", "BKPSDM"], "UNIT=SHARE"),
    (["--budget", "1000", "--min-unit-share", "A=0.7", "--min-unit-share", "B=0.7"], "adds up"),
    (["--budget", "1000", "--language", "fr"], "id or en"),
])
def test_bad_options_exit_2_without_traceback(args, message, data_dir):
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output


@pytest.mark.slow
def test_bad_plans_exit_2_with_a_reason(plan_workspace):
    cases = [(["--budget", "1000", "--quarter", "2031Q1"], "no offerings start in 2031Q1"),
             (["--budget", "1000", "--lock", "000000000000000000:X"], "not in the employees"),
             (["--budget", "1000", "--exclude-employee", "nobody"], "not in the employees")]
    for args, message in cases:
        result = _run(*args)
        assert result.exit_code == 2, result.output
        assert message in " ".join(result.output.split()) and "Traceback" not in result.output


def test_no_champion_is_a_clear_error(data_dir):
    # A fresh process, as a user runs it: MLflow keeps process-wide state between workspaces.
    import os
    import subprocess
    import sys

    env = {**os.environ, "ASN_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    done = subprocess.run([sys.executable, "-c", "from commands.main import app; app()", "plan", "--budget", "1000"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "no champion model" in done.stdout and "Traceback" not in done.stdout + done.stderr

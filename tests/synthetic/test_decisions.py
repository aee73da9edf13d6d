"""HR's simulated decisions: accepted nominations, rejections whose reasons follow the truth."""

import numpy as np
import pandas as pd

from model.tables import TABLES
from synthetic import generate
from synthetic.oracle import load_truth, oracle_benefit


def test_decisions_are_canonical_and_accept_only_real_nominations(world):
    d = world.tables["decisions"]
    assert list(d.columns) == TABLES["decisions"].names and d["decision_id"].is_unique
    assert set(d["decision"]) == {"accepted", "rejected"}
    enr = world.tables["enrollments"]
    nominated = set(zip(enr.loc[enr["source"] == "nominated", "employee_id"],
                        enr.loc[enr["source"] == "nominated", "offering_id"]))
    acc = d[d["decision"] == "accepted"]
    assert set(zip(acc["employee_id"], acc["offering_id"])) <= nominated
    assert (acc["reason_code"] == "").all()
    codes = next(c.choices for c in TABLES["decisions"].columns if c.name == "reason_code")
    assert set(d.loc[d["decision"] == "rejected", "reason_code"]) <= set(codes)


def test_fit_rejections_have_lower_true_benefit_than_other_rejections(world, written):
    d = world.tables["decisions"]
    rej = d[d["decision"] == "rejected"].copy()
    rej["quarter"] = pd.PeriodIndex(pd.to_datetime(rej["decided_at"]), freq="Q").astype(str)
    truth = load_truth(written[1])
    rej = rej[rej["quarter"].isin(truth.quarters)]
    benefit = oracle_benefit(truth, rej[["employee_id", "program_id", "quarter"]])
    fit = rej["reason_code"].eq("not_relevant").to_numpy()
    neutral = rej["reason_code"].isin(["scheduling", "budget", "already_planned"]).to_numpy()
    assert fit.sum() > 50 and neutral.sum() > 50
    assert np.mean(benefit[fit]) < np.mean(benefit[neutral]) - 0.02


def test_the_other_tables_do_not_change_with_the_decisions(world):
    again = generate(600, 2, seed=11, end_quarter="2026Q3")
    for name, frame in world.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name], obj=name)

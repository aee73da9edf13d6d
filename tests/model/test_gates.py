"""Gates: data sanity, metric tolerances, fairness (flag or block) and drift."""

from __future__ import annotations

import pandas as pd
import pytest

from model.gates import GateConfig, check_data, check_schema, evaluate_gates, metric_gates


def _eval(ndcg: float, auc: float, brier: float) -> dict:
    return {"ranking": {"model": {"ndcg@10": ndcg}},
            "engagement": {"completion": {"roc_auc": auc, "brier": brier}}}


FAIR = {"selection_flags": [], "calibration_flags": [], "groups_evaluated": 12}
CALM = {"blocked": [], "warned": [], "max_psi": 0.03}


def test_metric_gates_apply_tolerances_in_the_right_direction():
    cfg = GateConfig(tolerance_ndcg=0.02, tolerance_roc_auc=0.02, tolerance_brier=0.01)
    champion = _eval(0.30, 0.70, 0.20)
    ok = {g.name: g.passed for g in metric_gates(_eval(0.285, 0.69, 0.205), champion, cfg)}
    assert ok == {"metric.ndcg@10": True, "metric.roc_auc": True, "metric.brier": True}
    bad = {g.name: g for g in metric_gates(_eval(0.25, 0.75, 0.22), champion, cfg)}
    assert not bad["metric.ndcg@10"].passed and "worse by 0.0500" in bad["metric.ndcg@10"].detail
    assert bad["metric.roc_auc"].passed  # better
    assert not bad["metric.brier"].passed  # Brier is lower-is-better


def test_no_champion_passes_metric_gates():
    assert all(g.passed for g in metric_gates(_eval(0.1, 0.6, 0.3), None, GateConfig()))


def test_fairness_flags_review_and_blocks_only_when_configured():
    fair = {**FAIR, "selection_flags": ["sex=F / digital: rate 0.30, ratio 0.60"]}
    report = evaluate_gates(_eval(0.3, 0.7, 0.2), None, fair, CALM, GateConfig())
    assert report.passed and report.needs_review and report.warnings
    strict = evaluate_gates(_eval(0.3, 0.7, 0.2), None, fair, CALM,
                            GateConfig(fairness_blocks=True))
    assert not strict.passed and strict.reasons[0].startswith("fairness:")


def test_drift_blocks_and_warns():
    drift = {"blocked": ["age"], "warned": [], "max_psi": 0.4}
    report = evaluate_gates(_eval(0.3, 0.7, 0.2), None, FAIR, drift, GateConfig())
    assert not report.passed and report.reasons == ["drift: PSI >= 0.25 on age"]
    warn = evaluate_gates(_eval(0.3, 0.7, 0.2), None, FAIR,
                          {"blocked": [], "warned": ["tenure"], "max_psi": 0.15}, GateConfig())
    assert warn.passed and any("tenure" in w for w in warn.warnings)


def _enrollments(counts: dict[str, tuple[int, int]]) -> pd.DataFrame:
    rows = []
    for q, (n, done) in counts.items():
        rows += [{"quarter": q, "status": "completed" if i < done else "dropped"} for i in range(n)]
    return pd.DataFrame(rows)


def test_check_data_flags_a_drop_in_rows_and_a_label_jump():
    base = {"2025Q3": (100, 50), "2025Q4": (100, 50), "2026Q1": (100, 50), "2026Q2": (100, 50)}
    cfg = GateConfig()
    problems, facts = check_data(_enrollments({**base, "2026Q3": (95, 50)}), "2026Q3", cfg)
    assert problems == [] and facts["trailing_mean_rows"] == 100
    problems, _ = check_data(_enrollments({**base, "2026Q3": (40, 20)}), "2026Q3", cfg)
    assert len(problems) == 1 and "40 enrollments, 40% of the average 100" in problems[0]
    problems, _ = check_data(_enrollments({**base, "2026Q3": (100, 90)}), "2026Q3", cfg)
    assert len(problems) == 1 and "completion rate is 90.0% against 50.0%" in problems[0]
    problems, _ = check_data(_enrollments(base), "2026Q3", cfg)
    assert problems == ["no enrollments in 2026Q3: import the quarter's data first"]


def test_check_schema_names_missing_tables_and_columns():
    assert "table units is missing" in check_schema({})
    frames = {"enrollments": pd.DataFrame({"person_key": ["a"]})}
    problems = check_schema(frames)
    assert any(p.startswith("table enrollments lacks column(s) program_id") for p in problems)

"""Turn the simulation's arrays into the canonical tables and the truth frames."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from model.quarters import parse_quarter
from model.tables import TABLES
from synthetic import truth as t
from synthetic.external_training import training_records
from synthetic.outcomes import assessments, performance_reviews
from synthetic.decisions import DECIDED_BY
from synthetic.progress import progress_checks
from synthetic.simulation import SimResult


@dataclass
class SyntheticWorld:
    """The canonical tables (``tables``), the hidden truth (``truth``) and its arrays."""

    tables: dict[str, pd.DataFrame]
    truth: dict[str, pd.DataFrame]
    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)


def _iso(dates: pd.Series | np.ndarray) -> pd.Series:
    return pd.Series(pd.to_datetime(dates)).dt.strftime("%Y-%m-%d").fillna("")


def _bool(values: pd.Series | np.ndarray) -> np.ndarray:
    return np.where(np.asarray(values, bool), "true", "false")


def _columns(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return frame[TABLES[name].names].reset_index(drop=True)


def assemble(rng_assess: np.random.Generator, rng_skp: np.random.Generator,
             people: pd.DataFrame, units: pd.DataFrame, comps: pd.DataFrame, codes: list[str],
             required: np.ndarray, programs: pd.DataFrame, offerings: pd.DataFrame,
             u: np.ndarray, v: np.ndarray, sim: SimResult, quarters: list[str],
             params: t.TruthParams, seed: int, rng_progress: np.random.Generator,
             decisions: pd.DataFrame | None = None) -> SyntheticWorld:
    """Canonical tables in the column order of ``model.tables`` plus the truth."""
    ids = people["employee_id"].to_numpy()
    pids = programs["program_id"].to_numpy()
    oids = offerings["offering_id"].to_numpy()
    enr = sim.enrollments
    qstarts = np.array([np.datetime64(f"{q[:4]}-{3 * (int(q[-1]) - 1) + 1:02d}-01")
                        for q in quarters]).astype("datetime64[D]")
    window_end = (qstarts[-1].astype("datetime64[M]") + 3).astype("datetime64[D]") - 1
    enrollments = pd.DataFrame({
        "employee_id": ids[enr["e"]], "program_id": pids[enr["p"]],
        "offering_id": oids[enr["off"]], "date": _iso(enr["date"]).to_numpy(),
        "status": enr["status"], "jp_earned": enr["jp_earned"],
        "post_test_score": enr["post_test_score"], "source": enr["source"],
        # The synthetic registration forms ask neither the study load nor prior attempts.
        "study_load_jp": np.nan, "prior_attempts": np.nan,
    }).sort_values(["date", "employee_id", "program_id"], kind="stable")
    employees = people.assign(
        birth_date=_iso(people["birth_date"]), appointment_date=_iso(people["appointment_date"]),
        active=_bool(people["active"]))
    prog_out = programs.assign(mandatory=_bool(programs["mandatory"]))
    off_out = offerings.assign(start_date=_iso(offerings["start_date"]),
                               end_date=_iso(offerings["end_date"]))
    done = enr[enr["status"] == "completed"].assign(
        year=pd.to_datetime(enr["date"]).dt.year)
    first_year = parse_quarter(quarters[0])[0]
    end_year, end_q = parse_quarter(quarters[-1])
    skp_years = list(range(first_year - 1, end_year + (end_q == 4)))
    first_q = parse_quarter(quarters[0])[1]
    window_start = np.datetime64(f"{first_year}-{3 * first_q - 2:02d}-01")
    records, record_truth = training_records(np.random.default_rng([seed, 2]), people, programs,
                                             list(range(first_year, end_year + 1)),
                                             window_start, window_end)
    tables = {
        "units": _columns("units", units),
        "employees": _columns("employees", employees),
        "competencies": _columns("competencies", comps),
        "competency_assessments": _columns("competency_assessments", assessments(
            rng_assess, people, required, sim.levels, codes, qstarts, window_end)),
        "performance_reviews": _columns("performance_reviews", performance_reviews(
            rng_skp, people, people["talent"].to_numpy(), done, skp_years)),
        "programs": _columns("programs", prog_out),
        "offerings": _columns("offerings", off_out),
        "enrollments": _columns("enrollments", enrollments),
        "training_records": _columns("training_records", records),
        "progress_checks": _columns("progress_checks", _checks(
            rng_progress, enr, offerings, window_end, ids, oids)),
    }
    if decisions is not None:
        tables["decisions"] = _columns("decisions", _decision_rows(decisions, ids, pids, oids))
    k = u.shape[1]
    truth_people = people[["employee_id", "unit", "sector", "unit_kind", "job_kind",
                           "employment_type", "digital_access", "head_engagement", "planted",
                           "person_effect", "talent", "base_logit"]].assign(
        birth_date=employees["birth_date"], appointment_date=employees["appointment_date"],
        exit_date=_iso(people["exit_date"]),
        **{f"u_{i + 1}": u[:, i].round(6) for i in range(k)})
    truth_programs = programs[["program_id", "delivery", "form", "online", "mandatory",
                               "popularity", "program_sector", "competencies"]].assign(
        **{f"v_{i + 1}": v[:, i].round(6) for i in range(k)})
    props = sim.propensity
    planted = people.loc[people["planted"] != "", ["planted", "employee_id"]].rename(
        columns={"planted": "group_id"})
    planted.insert(1, "description", planted["group_id"].map(PLANTED_DESCRIPTIONS))
    truth = {
        "people": truth_people,
        "programs": truth_programs,
        "propensity": pd.DataFrame({"employee_id": ids[props["e"]],
                                    "quarter": np.asarray(quarters)[props["qi"]],
                                    "propensity": props["propensity"].round(6)}),
        "planted_groups": planted.sort_values(["group_id", "employee_id"]).reset_index(drop=True),
        "enrollment_truth": pd.DataFrame({
            "employee_id": ids[enr["e"]], "program_id": pids[enr["p"]],
            "date": _iso(enr["date"]).to_numpy(), "quarter": np.asarray(quarters)[enr["qi"]],
            "benefit": enr["benefit"].round(6), "p_complete": enr["p_complete"].round(6),
            "outcome": enr["outcome"]}),
        "units": units[["unit", "head_engagement"]],
        "training_record_truth": record_truth,
    }
    meta = {"seed": seed, "quarters": quarters, "competency_codes": codes,
            "n_employees": len(people), "params": params.to_dict()}
    return SyntheticWorld(tables, truth, {"levels": sim.levels, "required": required}, meta)


def _take(labels: np.ndarray, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """``labels[codes]`` as a text column (a take on the text of the distinct labels: much
    faster than making text of an array of many repeated strings)."""
    return pd.Series(labels, dtype="str").take(codes).array


def _day_text(days: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """ISO text of datetime64[D] values, "" for NaT, formatting each distinct day once."""
    known = ~np.isnat(days)
    if not known.any():
        return _take(np.array([""]), np.zeros(len(days), int))
    first = days[known].min()
    offset = np.where(known, (days - first).astype("timedelta64[D]").astype(np.int64) + 1, 0)
    span = first + np.arange(offset.max(), dtype="timedelta64[D]")
    return _take(np.concatenate([[""], np.datetime_as_string(span)]), offset)


def _checks(rng: np.random.Generator, enr: pd.DataFrame, offerings: pd.DataFrame,
            window_end: np.datetime64, ids: np.ndarray, oids: np.ndarray) -> pd.DataFrame:
    """The progress checks with canonical ids and text dates and booleans."""
    c = progress_checks(rng, enr, offerings, window_end, len(ids))
    return pd.DataFrame({
        "employee_id": _take(ids, c["e"].to_numpy()),
        "offering_id": _take(oids, c["off"].to_numpy()),
        "milestone": c["milestone"].astype("str").array,
        "check_date": _day_text(c["check_date"].to_numpy("datetime64[D]")),
        "submitted": _take(np.array(["false", "true"]), c["submitted"].to_numpy(int)),
        "score": c["score"].to_numpy(),
        "submitted_on": _day_text(c["submitted_on"].to_numpy("datetime64[D]")),
    })


def _decision_rows(d: pd.DataFrame, ids: np.ndarray, pids: np.ndarray,
                   oids: np.ndarray) -> pd.DataFrame:
    """HR's simulated decisions with canonical ids and text dates."""
    off = d["off"].to_numpy()
    return pd.DataFrame({
        "decision_id": [f"SIM-{i:07d}" for i in range(1, len(d) + 1)],
        "employee_id": ids[d["e"].to_numpy()], "program_id": pids[d["p"].to_numpy()],
        "offering_id": np.where(off >= 0, oids[np.maximum(off, 0)], ""),
        "decision": d["decision"].to_numpy(),
        "reason_code": d["reason_code"].fillna("").to_numpy(), "reason": "",
        "decided_by": DECIDED_BY, "decided_at": _iso(d["date"]).to_numpy(), "model_version": "",
    })


PLANTED_DESCRIPTIONS = {
    "G1": "PNS and PPPK staff of a unit whose head never trains",
    "G2": "staff aged 50 or older (at the window end) with poor digital access, outside G1",
}

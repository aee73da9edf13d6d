"""Features of people and of (person, program) pairs, computed from a ``Snapshot`` only.

Signals for the ranker and the engagement model: competency-gap coverage against the person's
assessed and required levels, sector/unit/job fit, JP still missing toward the yearly duty, the
collaborative score, popularity among similar employees, form preference and participation habit.
No column is derived from a label: labels are outcomes on or after ``as_of``, features strictly before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import quarters as qt
from model.decision_labels import decision_features, decision_tables
from model.snapshot import PERSON, Snapshot

# Who and what, as themselves: the unit and the program (e.g. a module's own withdrawal level,
# learned from the training examples). Read by the checkpoint engine, not by the ranker.
IDENTITY_FEATURES = ("program_id", "unit")
CATEGORICAL = ("job_family", "employment_type", "digital_access", "sector", "unit_kind",
               "form", "delivery", "category") + IDENTITY_FEATURES

PERSON_FEATURES = (
    "age", "tenure", "grade_rank", "standard_level", "skp_rating_last", "skp_work_result_last",
    "skp_behaviour_last", "education_rank", "jp_this_year",
    "jp_last_year", "jp_missing", "n_enroll_4q", "n_complete_4q", "completion_rate",
    "quarters_since_last", "head_trained_4q", "unit_participation_4q", "elearn_completion_rate",
    "total_gap", "quarter_of_year", "job_family", "employment_type", "digital_access", "sector",
    "unit_kind",
)
PAIR_FEATURES = (
    "gap_closed", "gap_in_program", "n_gaps_covered", "frac_gap_closed", "too_easy", "too_hard",
    "sector_match", "job_specific", "jp_closes", "cf_score", "pop_all", "pop_unit", "pop_family",
    "form_share", "prev_attempt", "jp", "cost_idr", "mandatory", "program_age_q", "form",
    "delivery", "category", "lead_days", "concurrent_jp", "program_completion_rate",
)
# What the registration itself states (known when the person registers, before the start): the
# engagement model reads them, the ranker does not (a candidate that nobody registered for has none).
REGISTRATION_FEATURES = ("study_load_jp", "prior_attempts")
# Columns a pairs frame may carry from its registration (see ``pair_features``).
REGISTRATION_COLUMNS = ("lead_days", "study_load_jp", "prior_attempts")
EDUCATION_ORDER = ("SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3")


UNKNOWN_OUTCOME = ("nominated", "registered")


def _known_outcomes(history: pd.DataFrame) -> pd.DataFrame:
    """Enrollments whose outcome is known (not still ``registered``/``nominated``)."""
    return history[~history["status"].isin(UNKNOWN_OUTCOME)]


def _recent(history: pd.DataFrame, as_of: str, n: int) -> pd.DataFrame:
    first = qt.shift(as_of, -n)
    return history[history["quarter"] >= first] if n else history.iloc[0:0]


def yearly_jp_of(history: pd.DataFrame, external_jp: pd.DataFrame) -> pd.Series:
    """JP per (person_key, year): enrollments' JP earned plus unmatched outside training."""
    earned = history[[PERSON, "quarter", "jp_earned"]]
    outside = external_jp.rename(columns={"jp": "jp_earned"})
    rows = pd.concat([earned, outside], ignore_index=True) if len(outside) else earned
    year = rows["quarter"].astype("string").str.slice(0, 4).rename("year")
    return rows.groupby([rows[PERSON], year])["jp_earned"].sum()


def person_features(snap: Snapshot, popularity_quarters: int = 4) -> pd.DataFrame:
    """One row per person of the snapshot (index person_key)."""
    p = snap.people
    h = snap.history
    year = snap.as_of[:4]
    out = pd.DataFrame(index=p.index)
    for col in ("age", "tenure", "grade_rank", "standard_level", "skp_rating_last",
                "skp_work_result_last", "skp_behaviour_last"):
        out[col] = p[col].astype(float)
    out["education_rank"] = p["education"].map(
        lambda v: EDUCATION_ORDER.index(v) if v in EDUCATION_ORDER else np.nan).astype(float)
    by_year = yearly_jp_of(h, snap.external_jp)
    jp = by_year.unstack("year") if len(by_year) else pd.DataFrame(index=p.index)
    out["jp_this_year"] = out.index.map(jp[year] if year in jp else pd.Series(dtype=float)).astype(float)
    last_year = str(int(year) - 1)
    out["jp_last_year"] = out.index.map(jp[last_year] if last_year in jp else pd.Series(dtype=float)).astype(float)
    out[["jp_this_year", "jp_last_year"]] = out[["jp_this_year", "jp_last_year"]].fillna(0.0)
    out["jp_missing"] = np.maximum(p["jp_duty"].to_numpy() - out["jp_this_year"].to_numpy(), 0.0)

    recent = _recent(h, snap.as_of, popularity_quarters)
    done = recent["status"] == "completed"
    out["n_enroll_4q"] = out.index.map(recent.groupby(PERSON).size()).fillna(0).astype(float)
    out["n_complete_4q"] = out.index.map(recent[done].groupby(PERSON).size()).fillna(0).astype(float)
    # Rates are over known outcomes: a training still running at as_of (or only nominated)
    # is neither a completion nor a drop-out yet.
    known = _known_outcomes(h)
    all_done = (known["status"] == "completed").groupby(known[PERSON])
    # Smoothed towards the population rate so one enrollment does not say 0% or 100%.
    prior = float((known["status"] == "completed").mean()) if len(known) else 0.5
    n, k = all_done.size(), all_done.sum()
    out["completion_rate"] = out.index.map((k + 2 * prior) / (n + 2)).astype(float)
    out["completion_rate"] = out["completion_rate"].fillna(prior)
    last_q = h.groupby(PERSON)["quarter"].max()
    # float even when the history is empty (an empty map keeps the text dtype otherwise)
    qidx = last_q.map(lambda q: -qt.parse_quarter(q)[0] * 4 - qt.parse_quarter(q)[1]).astype(float)
    y, q = qt.parse_quarter(snap.as_of)
    out["quarters_since_last"] = out.index.map(qidx + y * 4 + q).astype(float)

    heads = recent[done].groupby(PERSON).size()
    out["head_trained_4q"] = p["head_person_key"].map(heads).fillna(0).gt(0).astype(float).to_numpy()
    out.loc[p["head_person_key"].isna().to_numpy(), "head_trained_4q"] = np.nan
    took = p.index.isin(recent[PERSON])
    out["unit_participation_4q"] = pd.Series(took, index=p.index).groupby(p["unit"]).transform("mean")
    elearn = known[known["program_id"].map(snap.programs["delivery"]).eq("e_learning")]
    ek = (elearn["status"] == "completed").groupby(elearn[PERSON])
    out["elearn_completion_rate"] = out.index.map((ek.sum() + 1) / (ek.size() + 2)).astype(float)

    gap = np.clip(snap.required - snap.assessed, 0, None)
    out["total_gap"] = np.nansum(gap, axis=1)
    out.loc[np.isnan(gap).all(axis=1), "total_gap"] = np.nan
    out["quarter_of_year"] = float(q)
    for col in ("job_family", "employment_type", "digital_access", "sector", "unit_kind", "unit"):
        out[col] = p[col].astype("string")
    return out


def _gap_features(snap: Snapshot, pi: np.ndarray, pj: np.ndarray, chunk: int = 100_000) -> dict:
    names = ("gap_closed", "gap_in_program", "n_gaps_covered", "too_easy", "too_hard",
             "best_comp", "best_from", "best_to")
    res = {k: np.zeros(len(pi), dtype=np.float32) for k in names}
    if not snap.comp_codes:  # no competencies at all: nothing to compare
        res["best_comp"][:] = -1
        for k in ("gap_closed", "gap_in_program", "n_gaps_covered"):
            res[k] = np.full(len(pi), np.nan)
        return res
    for s in range(0, len(pi), chunk):
        a = snap.assessed[pi[s:s + chunk]]
        r = snap.required[pi[s:s + chunk]]
        t = snap.targets[pj[s:s + chunk]]
        cov = t > 0
        known = cov & ~np.isnan(a)
        gap = np.where(known, np.clip(np.nan_to_num(r, nan=0) - np.nan_to_num(a), 0, None), 0)
        closed = np.where(known, np.clip(np.minimum(t, np.nan_to_num(r, nan=t)) - np.nan_to_num(a), 0, None), 0)
        res["gap_closed"][s:s + chunk] = closed.sum(1)
        res["gap_in_program"][s:s + chunk] = gap.sum(1)
        res["n_gaps_covered"][s:s + chunk] = ((closed > 0)).sum(1)
        res["too_easy"][s:s + chunk] = (known & (t <= np.nan_to_num(a))).sum(1)
        ceiling = np.fmax(np.nan_to_num(r, nan=0), np.nan_to_num(a, nan=0)) + 1
        res["too_hard"][s:s + chunk] = np.where(cov, np.clip(t - ceiling, 0, None), 0).sum(1)
        best = closed.argmax(1)
        rows = np.arange(len(best))
        has = closed[rows, best] > 0
        res["best_comp"][s:s + chunk] = np.where(has, best, -1)
        res["best_from"][s:s + chunk] = np.where(has, np.nan_to_num(a)[rows, best], 0)
        res["best_to"][s:s + chunk] = np.where(has, np.minimum(t, np.nan_to_num(r, nan=t))[rows, best], 0)
    unknown = ~np.isfinite(snap.assessed).any(axis=1)[pi]
    for k in ("gap_closed", "gap_in_program", "n_gaps_covered"):
        res[k] = np.where(unknown, np.nan, res[k])
    return res


def _popularity_tables(snap: Snapshot, n: int) -> dict:
    """Completions in the recent window per program, and per (unit|job family, program)."""
    recent = _recent(snap.history, snap.as_of, n)
    done = recent[recent["status"] == "completed"]
    out = {"all": done.groupby("program_id").size()}
    for name, col in {"unit": snap.people["unit"], "family": snap.people["job_family"]}.items():
        g = col.reindex(done[PERSON]).to_numpy()
        out[name] = (done.assign(_g=g).groupby(["_g", "program_id"]).size(), col.value_counts())
    return out


def _popularity_arrays(snap: Snapshot, n: int) -> dict:
    """The popularity tables as arrays: per program, and per (group position, program) with a
    last all-zero row for people whose group is unknown."""
    tables = _popularity_tables(snap, n)
    programs = snap.programs.index
    out = {"all": tables["all"].reindex(programs).fillna(0).to_numpy(dtype=float)}
    for name, col in {"unit": snap.people["unit"], "family": snap.people["job_family"]}.items():
        counts, sizes = tables[name]
        groups = pd.Index(sizes.index)
        pos = groups.get_indexer(col)
        matrix = np.zeros((len(groups) + 1, len(programs)))
        if len(counts):
            gi = groups.get_indexer(counts.index.get_level_values(0))
            pj = programs.get_indexer(counts.index.get_level_values(1))
            ok = (gi >= 0) & (pj >= 0)
            matrix[gi[ok], pj[ok]] = counts.to_numpy(dtype=float)[ok]
        size = np.append(np.maximum(sizes.to_numpy(dtype=float), 1.0), 1.0)
        out[name] = (np.where(pos >= 0, pos, len(groups)), matrix / size[:, None])
    return out


def _popularity(snap: Snapshot, pi: np.ndarray, pj: np.ndarray, n: int) -> dict:
    """Share of everyone, and of the person's unit and job family, who completed the program in
    the last ``n`` quarters."""
    arrays = snap.cached(f"popularity_{n}", lambda: _popularity_arrays(snap, n))
    out = {"pop_all": arrays["all"][pj] / max(len(snap.people), 1)}
    for name in ("unit", "family"):
        group_of, share = arrays[name]
        out[f"pop_{name}"] = share[group_of[pi], pj]
    return out


def _pair_keys(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    return a.astype(np.int64) * width + b.astype(np.int64)


def _count_of(keys: np.ndarray, query: np.ndarray) -> np.ndarray:
    """How often each ``query`` key occurs in ``keys``."""
    uniq, counts = np.unique(keys, return_counts=True)
    if not len(uniq):
        return np.zeros(len(query), dtype=np.int64)
    at = np.minimum(np.searchsorted(uniq, query), len(uniq) - 1)
    return np.where(uniq[at] == query, counts[at], 0)


def _history_features(snap: Snapshot, pairs: pd.DataFrame, pi: np.ndarray,
                      pj: np.ndarray) -> dict:
    """Share of the person's completions in the program's form, and whether the person has
    enrolled in the program before (integer keys: no per-row index lookups)."""
    h = snap.history_of(pairs[PERSON])
    hi, hj = snap.person_pos(h[PERSON]), snap.program_pos(h["program_id"])
    known = (hi >= 0) & (hj >= 0)
    form_code, _ = snap.cached("form_codes", lambda: pd.factorize(snap.programs["form"]))
    n_forms = max(int(form_code.max()) + 1, 1) if len(form_code) else 1
    done = (hi >= 0) & (h["status"] == "completed").to_numpy()
    n_done = _count_of(hi[done], pi).astype(float)
    done_form = done & known
    done_form[done_form] = form_code[hj[done_form]] >= 0
    pair_form = form_code[pj]
    same = np.where(pair_form >= 0, _count_of(
        _pair_keys(hi[done_form], form_code[hj[done_form]], n_forms),
        _pair_keys(pi, np.maximum(pair_form, 0), n_forms)), 0).astype(float)
    n_prog = len(snap.programs)
    tried = np.isin(_pair_keys(pi, pj, n_prog), _pair_keys(hi[known], hj[known], n_prog))
    return {"form_share": np.where(n_done > 0, same / np.where(n_done > 0, n_done, 1), np.nan),
            "prev_attempt": tried.astype(float)}


def _program_completion_rate(snap: Snapshot) -> pd.Series:
    """Smoothed share of each program's past enrollments that were completed."""
    h = _known_outcomes(snap.history)
    by_prog = (h["status"] == "completed").groupby(h["program_id"])
    prior = float((h["status"] == "completed").mean()) if len(h) else np.nan
    return (by_prog.sum() + 5 * prior) / (by_prog.size() + 5)


def pair_features(snap: Snapshot, pairs: pd.DataFrame, people: pd.DataFrame,
                  cf_scores: np.ndarray | None = None, popularity_quarters: int = 4) -> pd.DataFrame:
    """Features of each (person_key, program_id) pair, joined with the person's features.

    Returns a frame aligned with ``pairs`` holding ``PERSON_FEATURES + PAIR_FEATURES`` and the
    helper columns ``best_comp``, ``best_from``, ``best_to`` used to word reasons.
    """
    pi = snap.person_pos(pairs[PERSON])
    pj = snap.program_pos(pairs["program_id"])
    if (pi < 0).any() or (pj < 0).any():
        raise ValueError("pairs reference people or programs unknown to the snapshot")
    prog = snap.programs.iloc[pj]
    feats = people.iloc[people.index.get_indexer(pairs[PERSON])].reset_index(drop=True)
    gaps = _gap_features(snap, pi, pj)
    for k, v in gaps.items():
        feats[k] = v
    total = feats["total_gap"].to_numpy(dtype=float)
    feats["frac_gap_closed"] = np.where(total > 0, feats["gap_closed"] / np.where(total > 0, total, 1), 0.0)
    feats.loc[np.isnan(total), "frac_gap_closed"] = np.nan

    fit = snap.cached("fit_matrix", lambda: _fit_matrix(snap))
    place = snap.cached("place_index", lambda: _place_index(snap))
    feats["sector_match"] = fit[pj, place[pi]]
    job_specific = snap.cached("job_specific", lambda: snap.programs["eligible_job_kinds"].map(
        lambda jobs: 1.0 if jobs else 0.0).to_numpy(dtype=float))
    feats["job_specific"] = job_specific[pj]
    jp = prog["jp"].to_numpy(dtype=float)
    feats["jp"] = jp
    feats["jp_closes"] = np.minimum(jp, feats["jp_missing"].to_numpy())
    feats["cost_idr"] = prog["cost_idr"].to_numpy(dtype=float)
    feats["mandatory"] = prog["mandatory"].to_numpy(dtype=float)
    feats["cf_score"] = np.nan if cf_scores is None else np.asarray(cf_scores, dtype=float)
    for k, v in _popularity(snap, pi, pj, popularity_quarters).items():
        feats[k] = v
    for k, v in _history_features(snap, pairs, pi, pj).items():
        feats[k] = v
    feats["program_age_q"] = snap.cached("program_age", lambda: _program_age(snap))[pj]
    for col in ("form", "delivery", "category"):
        feats[col] = prog[col].astype("string").to_numpy()
    rate = snap.cached("program_completion_rate", lambda: _program_completion_rate(snap)
                       .reindex(snap.programs.index).to_numpy(dtype=float))
    feats["program_completion_rate"] = rate[pj]
    feats["lead_days"] = _lead_days(snap, pairs, pj)
    feats["concurrent_jp"] = _concurrent_jp(snap, pairs)
    for col in REGISTRATION_FEATURES:
        feats[col] = _registration_value(snap, pairs, col)
    tables = snap.cached("decision_tables", lambda: decision_tables(snap.decisions, snap.people))
    for k, v in decision_features(tables, pairs, snap.people).items():
        feats[k] = v
    return feats


def _registration_value(snap: Snapshot, pairs: pd.DataFrame, col: str) -> np.ndarray:
    """A value the registration states (declared study load, prior attempts): the pair's own
    when ``pairs`` carries it, else the person's registration for the program made before the
    quarter (``pending``); missing when there is none."""
    if col in pairs:
        return pd.to_numeric(pairs[col], errors="coerce").to_numpy(dtype=float)
    pend = snap.pending[(snap.pending["quarter"] == snap.as_of) & snap.pending[col].notna()]
    if pend.empty:
        return np.full(len(pairs), np.nan)
    value = pd.to_numeric(pend[col], errors="coerce").groupby(
        [pend[PERSON], pend["program_id"]]).first()
    keys = pd.MultiIndex.from_arrays([pairs[PERSON], pairs["program_id"]])
    return value.reindex(keys).to_numpy(dtype=float)


def _quarter_index(label) -> float:
    if not isinstance(label, str):
        return np.nan
    y, q = qt.parse_quarter(label)
    return float(y * 4 + q)


def _program_age(snap: Snapshot) -> np.ndarray:
    """Quarters since each program was first offered (0 for a program never offered yet)."""
    now = _quarter_index(snap.as_of)
    first = snap.programs["first_quarter"].map(_quarter_index).to_numpy(dtype=float)
    return np.where(np.isnan(first), 0.0, now - first)


def _place_index(snap: Snapshot) -> np.ndarray:
    """Column of each person in ``_fit_matrix``: units first, then sectors."""
    units = sorted(set(snap.people["unit"].dropna()))
    return snap.people["unit"].map({u: i for i, u in enumerate(units)}).fillna(len(units)).to_numpy(dtype=int)


def _fit_matrix(snap: Snapshot) -> np.ndarray:
    """programs x person's unit: 1 when the program targets the unit or its sector, 0 when it
    targets other units/sectors only, 0.5 when it targets nobody in particular."""
    units = sorted(set(snap.people["unit"].dropna()))
    sector_of = snap.people.drop_duplicates("unit").set_index("unit")["sector"].to_dict()
    out = np.full((len(snap.programs), len(units) + 1), 0.5)
    for j, (eu, es) in enumerate(zip(snap.programs["eligible_units"], snap.programs["eligible_sectors"])):
        if eu or es:
            out[j, :] = 0.0
            for i, u in enumerate(units):
                if u in eu or sector_of.get(u) in es:
                    out[j, i] = 1.0
    return out


def _lead_days(snap: Snapshot, pairs: pd.DataFrame, pj: np.ndarray) -> np.ndarray:
    """Days from registration to the start: given for enrollments, else from the quarter's start
    to the program's next offering (a nomination made now); unknown when none is scheduled."""
    if "lead_days" in pairs:
        return pd.to_numeric(pairs["lead_days"], errors="coerce").to_numpy(dtype=float)
    off = snap.offerings[(snap.offerings["quarter"] >= snap.as_of) & snap.offerings["start_date"].notna()]
    if off.empty:
        return np.full(len(pairs), np.nan)
    first = off.groupby("program_id")["start_date"].min()
    days = (first - snap.start).dt.days.astype(float)
    return days.reindex(snap.programs.index).to_numpy(dtype=float)[pj]


def _concurrent_jp(snap: Snapshot, pairs: pd.DataFrame) -> np.ndarray:
    """JP of the person's other registrations for the same quarter already made (workload)."""
    pend = snap.pending[snap.pending["quarter"] == snap.as_of]
    if pend.empty:
        return np.zeros(len(pairs))
    jp = pend["program_id"].map(snap.programs["jp"]).fillna(0.0)
    total = jp.groupby(pend[PERSON]).sum()
    same = jp.groupby([pend[PERSON], pend["program_id"]]).sum()
    keys = pd.MultiIndex.from_arrays([pairs[PERSON], pairs["program_id"]])
    own = np.nan_to_num(same.reindex(keys).to_numpy(dtype=float))
    return np.nan_to_num(total.reindex(pairs[PERSON]).to_numpy(dtype=float)) - own

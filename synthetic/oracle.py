"""The oracle: the true benefit and completion probability of (employee, program, quarter).

Only the evaluation harness may use this module; it reads the truth folder written by
``asn-reco demo-data`` and recomputes ``synthetic.truth`` from the stored factors and each
person's state at the start of the quarter.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from model.quarters import quarter_start
from model.tables import parse_targets
from synthetic import truth as t

PAIR_COLUMNS = ("employee_id", "program_id", "quarter")


@dataclass
class Truth:
    """Everything needed to recompute the generative model."""

    people: pd.DataFrame  # indexed by employee_id, in the row order of the arrays
    programs: pd.DataFrame  # indexed by program_id
    levels: np.ndarray  # (Q x N x C) true levels at the start of each quarter
    required: np.ndarray  # (N x C)
    propensity: np.ndarray  # (N x Q), NaN when not employed
    quarters: list[str]
    codes: list[str]
    params: t.TruthParams
    targets: pd.DataFrame  # p (program row), c (competency column), level


def load_truth(truth_dir: str | Path) -> Truth:
    """Read a truth folder; raise FileNotFoundError naming the missing file."""
    folder = Path(truth_dir)
    for name in ("params.json", "people.csv", "programs.csv", "propensity.csv", "levels.npy",
                 "required.npy"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"truth folder {folder} has no {name}")
    meta = json.loads((folder / "params.json").read_text())
    raw = dict(meta["params"])
    raw["level_fit"] = tuple(raw["level_fit"])
    params = t.TruthParams(**raw)
    people = pd.read_csv(folder / "people.csv", dtype={"employee_id": str}, keep_default_na=False
                         ).set_index("employee_id")
    programs = pd.read_csv(folder / "programs.csv", keep_default_na=False).set_index("program_id")
    quarters, codes = meta["quarters"], meta["competency_codes"]
    prop = pd.read_csv(folder / "propensity.csv", dtype={"employee_id": str})
    grid = prop.pivot(index="employee_id", columns="quarter", values="propensity")
    grid = grid.reindex(index=people.index, columns=quarters)
    targets = [(p, codes.index(c), lvl) for p, cell in enumerate(programs["competencies"])
               for c, lvl in parse_targets(cell).items()]
    return Truth(people, programs, np.load(folder / "levels.npy"),
                 np.load(folder / "required.npy"), grid.to_numpy(float), quarters, codes, params,
                 pd.DataFrame(targets, columns=["p", "c", "level"]))


def _index(truth: Truth, pairs: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    missing = [c for c in PAIR_COLUMNS if c not in pairs.columns]
    if missing:
        raise ValueError(f"pairs need columns {list(PAIR_COLUMNS)}; missing {missing}")
    out = []
    for col, index in (("employee_id", truth.people.index), ("program_id", truth.programs.index),
                       ("quarter", pd.Index(truth.quarters))):
        pos = index.get_indexer(pairs[col].astype(str))
        if (pos < 0).any():
            raise ValueError(f"{(pos < 0).sum()} pairs have a {col} unknown to the truth "
                             f"(e.g. row {int(np.flatnonzero(pos < 0)[0])})")
        out.append(pos)
    return out[0], out[1], out[2]


def _pair_terms(truth: Truth, pairs: pd.DataFrame) -> dict[str, np.ndarray]:
    e, p, q = _index(truth, pairs)
    params = truth.params
    rows = pd.DataFrame({"row": np.arange(len(e)), "p": p}).merge(truth.targets, on="p")
    r, c = rows["row"].to_numpy(), rows["c"].to_numpy()
    terms = t.coverage_terms(truth.levels[q[r], e[r], c], truth.required[e[r], c],
                             rows["level"].to_numpy(), params)
    coverage = np.bincount(r, weights=terms, minlength=len(e)).astype(np.float32)
    people, programs = truth.people, truth.programs
    qstart = np.array([np.datetime64(quarter_start(x), "D") for x in truth.quarters])[q]
    birth = pd.to_datetime(people["birth_date"]).to_numpy("datetime64[D]")[e]
    age = (qstart - birth).astype("timedelta64[D]").astype(float) / 365.25
    digital = people["digital_access"].map(t.DIGITAL_CODE).to_numpy(np.float32)[e]
    online = programs["online"].astype(str).str.lower().eq("true").to_numpy()[p]
    klasikal = (programs["form"] == "klasikal").to_numpy()[p]
    ffit = t.form_fit(online, klasikal, age, digital, params)
    sfit = t.sector_fit(programs["program_sector"].to_numpy()[p], people["sector"].to_numpy()[e])
    k = params.n_factors
    u = people[[f"u_{i + 1}" for i in range(k)]].to_numpy(np.float32)[e]
    v = programs[[f"v_{i + 1}" for i in range(k)]].to_numpy(np.float32)[p]
    taste = ((u * v).sum(axis=1) / np.sqrt(k)).astype(np.float32)
    benefit = t.sigmoid(t.benefit_logit(coverage, sfit, ffit, taste, params))
    prop = truth.propensity[e, q]
    missing = np.isnan(prop)
    if missing.any():  # a person not employed that quarter: their average propensity
        seen = truth.propensity[e[missing]]
        count = (~np.isnan(seen)).sum(axis=1)
        mean = np.nansum(seen, axis=1) / np.maximum(count, 1)
        prop[missing] = np.where(count > 0, mean, 0.5)
    mandatory = programs["mandatory"].astype(str).str.lower().eq("true").to_numpy()[p]
    p_complete = (t.p_show(t.logit(prop), ffit, taste, mandatory, params)
                  * t.p_finish(benefit, ffit, taste, params))
    return {"benefit": benefit, "p_complete": p_complete}


def oracle_benefit(truth: Truth, pairs: pd.DataFrame) -> np.ndarray:
    """True benefit in (0, 1) of each (employee_id, program_id, quarter) row."""
    return _pair_terms(truth, pairs)["benefit"]


def oracle_p_complete(truth: Truth, pairs: pd.DataFrame) -> np.ndarray:
    """True probability that the person completes the program if enrolled in that quarter."""
    return _pair_terms(truth, pairs)["p_complete"]


def oracle_scores(truth: Truth, pairs: pd.DataFrame) -> np.ndarray:
    """True benefit x P(complete): the ideal ranking score of each pair."""
    terms = _pair_terms(truth, pairs)
    return terms["benefit"] * terms["p_complete"]

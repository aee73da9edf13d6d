"""The synthetic ASN population: a snapshot at the end of the window plus hidden columns.

Grades follow education and tenure (S1 enters III/a, D3 II/c, SMA II/a, one step about every
4 years); job kinds follow grades for functional staff; ages 19-58 (60 for senior functional);
PNS/CPNS/PPPK about 60/5/35. Every number is an assumption listed in docs/synthetic-data.md.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from model import glossary as g
from synthetic.employee_ids import employee_ids
from synthetic.names import make_names
from synthetic.positions import positions
from synthetic.units import head_job_kind, head_position

FAMILIES = ("jpt", "administrator", "pengawas", "pelaksana", "ahli", "terampil")
# P(family) for non-head staff by unit profile (order of FAMILIES).
FAMILY_SHARES: dict[str, tuple[float, ...]] = {
    "education": (0, .003, .01, .227, .72, .04),
    "health": (0, .01, .03, .21, .35, .40),
    "security": (0, .05, .12, .50, .03, .30),
    "kecamatan": (0, .10, .25, .58, .05, .02),
    "kelurahan": (0, 0, .15, .85, 0, 0),
    "default": (0, .08, .20, .55, .12, .05),
}
EDUCATIONS = ("SMP", "SMA", "D3", "D4", "S1", "S2", "S3")
EDUCATION_SHARES: dict[str, tuple[float, ...]] = {
    "jpt": (0, 0, 0, 0, .1, .8, .1),
    "administrator": (0, 0, 0, 0, .45, .55, 0),
    "pengawas": (0, 0, .05, 0, .7, .25, 0),
    "ahli": (0, 0, 0, .08, .8, .12, 0),
    "terampil": (0, .1, .9, 0, 0, 0, 0),
    "pelaksana": (.04, .5, .16, 0, .3, 0, 0),
}
ENTRY_AGE = {"SMP": (18, 25), "SMA": (19, 27), "D3": (21, 30), "D4": (22, 35), "S1": (22, 35),
             "S2": (24, 35), "S3": (28, 40)}
START_RANK = {"SMP": 2, "SMA": 4, "D3": 6, "D4": 8, "S1": 8, "S2": 9, "S3": 10}  # I/c II/a ...
PPPK_GRADE = {"SMP": "IV", "SMA": "V", "D3": "VII", "D4": "IX", "S1": "IX", "S2": "X",
              "S3": "XI"}
YEARS_PER_STEP = 4.0
MIN_TENURE = {"jpt": 18.0, "administrator": 12.0, "pengawas": 6.0}
MIN_AGE = {"jpt": 44.0, "administrator": 38.0, "pengawas": 32.0}
MIN_RANK = {"jpt": 12, "administrator": 10, "pengawas": 9}  # IV/a, III/c, III/b
MAX_RANK = {"pelaksana": 11, "terampil": 11}  # III/d
RETIREMENT_AGE = 58.0
SENIOR_FUNCTIONAL_RETIREMENT_AGE = 60.0
SHARE_PPPK = {"ahli": .48, "terampil": .48, "pelaksana": .32}
SHARE_CPNS = 0.10  # of non-structural PNS
SHARE_FEMALE = {"education": .68, "health": .72, "security": .15}
FAMILY_FEMALE = {"jpt": .25, "administrator": .35, "pengawas": .45, "pelaksana": .42,
                 "ahli": .55, "terampil": .55}
SHARE_RETIRED, SHARE_MOVED = 0.012, 0.008
FIRST_PPPK_TMT = dt.date(2021, 1, 1)


def _profile(units: pd.DataFrame) -> pd.Series:
    kind, sector = units["unit_kind"], units["sector"]
    out = np.where(kind.isin(["kecamatan", "kelurahan"]), kind,
                   np.where(sector.isin(["education", "health", "security"]), sector, "default"))
    return pd.Series(out, index=units.index)


def _draw(rng: np.random.Generator, labels: tuple, shares: dict, keys: np.ndarray) -> np.ndarray:
    out = np.empty(len(keys), dtype=object)
    for key, p in shares.items():
        mask = keys == key
        if mask.any():
            p = np.asarray(p, float)
            out[mask] = np.asarray(labels, dtype=object)[rng.choice(len(labels), mask.sum(),
                                                                    p=p / p.sum())]
    return out


def build_population(rng: np.random.Generator, units: pd.DataFrame, n: int,
                     window_start: dt.date, window_end: dt.date) -> pd.DataFrame:
    """Employees (canonical columns) plus hidden ``family``, ``sector``, ``unit_kind``,
    ``is_head``, ``exit_date`` (NaT when still employed) and ``age`` at the window end."""
    n_heads = len(units)
    if n < n_heads + 20:
        raise ValueError(f"need at least {n_heads + 20} employees for {n_heads} units, got {n}")
    profile = _profile(units)
    unit_idx = np.concatenate([np.arange(n_heads), np.zeros(6, int),
                               rng.choice(n_heads, n - n_heads - 6, p=units["weight"])])
    u = units.iloc[unit_idx].reset_index(drop=True)
    is_head = np.zeros(n, bool)
    is_head[:n_heads] = True
    family = _draw(rng, FAMILIES, FAMILY_SHARES, profile.iloc[unit_idx].to_numpy())
    family[:n_heads] = [g.job_family(head_job_kind(k)) for k in units["unit_kind"]]
    family[n_heads:n_heads + 6] = "jpt"  # assistants and expert staff of the Sekretariat Daerah
    structural = np.isin(family, ["jpt", "administrator", "pengawas"])

    emp = np.full(n, "PNS", dtype=object)
    p_pppk = pd.Series(family).map(SHARE_PPPK).fillna(0).to_numpy()
    emp[(rng.random(n) < p_pppk) & ~structural] = "PPPK"
    emp[(emp == "PNS") & ~structural & (rng.random(n) < SHARE_CPNS)] = "CPNS"
    education = _draw(rng, EDUCATIONS, EDUCATION_SHARES, family)

    years_window = (window_end - window_start).days / 365.25
    lo = pd.Series(education).map(lambda e: ENTRY_AGE[e][0]).to_numpy(float)
    hi = pd.Series(education).map(lambda e: ENTRY_AGE[e][1]).to_numpy(float)
    entry = lo + (hi - lo) * rng.random(n)
    min_tenure = pd.Series(family).map(MIN_TENURE).fillna(2.0).to_numpy()
    entry = np.minimum(entry, RETIREMENT_AGE - min_tenure - 0.5)
    age_lo = np.maximum(pd.Series(family).map(MIN_AGE).fillna(0).to_numpy(), entry + min_tenure)
    age = age_lo + (RETIREMENT_AGE - age_lo) * rng.beta(1.3, 1.0, n)
    cpns = emp == "CPNS"
    age[cpns] = entry[cpns] + rng.uniform(0.1, 1.9, cpns.sum())
    pppk = emp == "PPPK"
    age[pppk] = np.clip(rng.normal(38, 8, pppk.sum()), 23, RETIREMENT_AGE - 0.2)
    tenure = age - entry
    max_pppk_tenure = max((window_end - FIRST_PPPK_TMT).days / 365.25, 0.3)
    tenure[pppk] = 0.1 + (max_pppk_tenure - 0.1) * rng.beta(1.0, 1.8, pppk.sum())
    # Exits during the window: retirement at 58 and moves to other agencies.
    exit_years = np.full(n, np.nan)  # years before the window end
    kind = rng.random(n)
    retired = ~is_head & (emp == "PNS") & ~structural & (kind < SHARE_RETIRED)
    moved = ~is_head & ~retired & (kind > 1 - SHARE_MOVED)
    over = rng.uniform(0.05, max(years_window - 0.1, 0.1), n)
    age[retired] = RETIREMENT_AGE + over[retired]
    tenure[retired] = np.minimum(tenure[retired], age[retired] - entry[retired])
    exit_years[retired] = over[retired]
    exit_years[moved] = over[moved] * rng.random(moved.sum())

    grade = np.empty(n, dtype=object)
    start = pd.Series(education).map(START_RANK).to_numpy()
    slow = (rng.random(n) < 0.3).astype(int)
    steps = np.maximum(np.floor(tenure / YEARS_PER_STEP).astype(int) - slow, 0)
    steps[cpns] = 0
    rank = start + steps
    rank = np.maximum(rank, pd.Series(family).map(MIN_RANK).fillna(0).to_numpy().astype(int))
    rank = np.minimum(rank, pd.Series(family).map(MAX_RANK).fillna(16).to_numpy().astype(int))
    grade[:] = np.asarray(g.PNS_GRADES, dtype=object)[rank]
    grade[pppk] = pd.Series(education[pppk]).map(PPPK_GRADE).to_numpy()

    job_kind = np.where(family == "jpt", "jpt_pratama", family).astype(object)
    ahli, terampil = family == "ahli", family == "terampil"
    job_kind[ahli] = np.select([rank[ahli] <= 9, rank[ahli] <= 11, rank[ahli] <= 15],
                               ["ahli_pertama", "ahli_muda", "ahli_madya"], "ahli_utama")
    job_kind[terampil] = np.select([rank[terampil] <= 4, rank[terampil] <= 7,
                                    rank[terampil] <= 9],
                                   ["terampil_pemula", "terampil", "terampil_mahir"],
                                   "terampil_penyelia")
    job_kind[pppk & ahli] = np.where(grade[pppk & ahli] == "XI", "ahli_muda", "ahli_pertama")
    job_kind[pppk & terampil] = np.where(grade[pppk & terampil] == "VII", "terampil",
                                         "terampil_pemula")
    # Senior functional staff may work to 60 (BUP of ahli madya/utama).
    senior = np.isin(job_kind, ["ahli_madya", "ahli_utama"]) & ~retired & (rng.random(n) < 0.3)
    age[senior] = np.minimum(age[senior] + rng.uniform(0, 2, senior.sum()),
                             SENIOR_FUNCTIONAL_RETIREMENT_AGE - 0.1)

    sector = u["sector"].to_numpy()
    p_female = pd.Series(family).map(FAMILY_FEMALE).to_numpy()
    sector_female = pd.Series(sector).map(SHARE_FEMALE).to_numpy()
    p_female = np.where(np.isnan(sector_female) | structural, p_female, sector_female)
    sex = np.where(rng.random(n) < p_female, "F", "M")

    end = pd.Timestamp(window_end)
    birth = (end - pd.to_timedelta(age * 365.25, unit="D")).normalize()
    appointed = (end - pd.to_timedelta(tenure * 365.25, unit="D")).to_period("M").to_timestamp()
    appointed = np.maximum(appointed, birth + pd.DateOffset(years=18, months=1))
    exit_date = end - pd.to_timedelta(np.nan_to_num(exit_years) * 365.25, unit="D")
    exit_date = pd.Series(exit_date).where(~np.isnan(exit_years))

    score = (1.0 - 0.06 * (age - 40) + 0.6 * np.isin(education, ["D4", "S1", "S2", "S3"])
             - 1.2 * (u["unit_kind"].to_numpy() == "kelurahan")
             - 0.5 * (u["unit_kind"].to_numpy() == "kecamatan") + rng.logistic(0, 0.8, n))
    digital = np.select([score > 0.4, score > -1.0], ["good", "limited"], "poor")

    frame = pd.DataFrame({
        "sex": sex, "birth_date": birth, "employment_type": emp, "grade": grade,
        "job_kind": job_kind, "unit": u["unit"].to_numpy(), "education": education,
        "appointment_date": pd.DatetimeIndex(appointed), "digital_access": digital,
        "active": np.isnan(exit_years), "family": family, "sector": sector,
        "unit_kind": u["unit_kind"].to_numpy(), "is_head": is_head, "exit_date": exit_date,
        "age": age,
    })
    frame["position"] = positions(rng, frame["job_kind"], frame["sector"], frame["unit_kind"])
    heads = [head_position(un, k) for un, k in zip(units["unit"], units["unit_kind"])]
    frame.loc[:n_heads - 1, "position"] = heads
    frame["name"] = make_names(rng, sex, education, sector)
    frame["employee_id"] = employee_ids(frame["birth_date"], frame["appointment_date"],
                                        frame["sex"], frame["employment_type"])
    return frame

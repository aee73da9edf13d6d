"""Static eligibility of people for programs (job kind, grade, employment type, unit, sector).

Age limits and dates are applied per quarter by the simulation. Grades compare within their
own scale (PNS I/a..IV/e or PPPK I..XVII); a program with a grade bound of the other scale is
not open to the person.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model import glossary as g
from model.tables import parse_list


def _rank(grades: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    rank = grades.map(g.grade_rank).to_numpy()
    pppk = grades.isin(g.PPPK_GRADES).to_numpy()
    return rank, pppk


def static_eligibility(people: pd.DataFrame, programs: pd.DataFrame) -> np.ndarray:
    """Boolean matrix people x programs of the rules that do not change with time."""
    rank, pppk = _rank(people["grade"])
    out = np.ones((len(people), len(programs)), bool)
    for j, prog in enumerate(programs.itertuples(index=False)):
        col = out[:, j]
        for attr, values in (("job_kind", prog.eligible_job_kinds),
                             ("employment_type", prog.eligible_employment_types),
                             ("unit", prog.eligible_units), ("sector", prog.eligible_sectors)):
            allowed = parse_list(values)
            if allowed:
                col &= people[attr].isin(allowed).to_numpy()
        for bound, better in ((prog.min_grade, np.greater_equal), (prog.max_grade, np.less_equal)):
            if bound:
                col &= (pppk == (bound in g.PPPK_GRADES)) & better(rank, g.grade_rank(bound))
    return out

"""The evaluation harness's bridge to the synthetic truth (never used by model/ or service/).

The model sees pseudonyms; the truth is keyed by employee_id. The harness maps one to the other
with the workspace's pseudonym key, inside this process only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import sqlalchemy as sa

from service.pseudonym import load_key, person_key


def oracle_from_ids(truth_dir: Path, employee_ids: list[str], key: bytes
                    ) -> Callable[[pd.DataFrame], np.ndarray]:
    """Oracle scores for pairs keyed by ``person_key`` (true benefit x P(complete))."""
    from synthetic.oracle import load_truth

    return oracle_from_truth(load_truth(truth_dir), employee_ids, key)


def oracle_from_truth(truth, employee_ids: list[str], key: bytes
                      ) -> Callable[[pd.DataFrame], np.ndarray]:
    """``oracle_from_ids`` for a truth already loaded (``synthetic.oracle.load_truth``)."""
    from synthetic.oracle import oracle_scores

    to_id = {person_key(e, key): e for e in employee_ids}

    def score(pairs: pd.DataFrame) -> np.ndarray:
        ids = pairs["person_key"].map(to_id)
        known = ids.notna().to_numpy() & pairs["program_id"].isin(truth.programs.index).to_numpy()
        out = np.zeros(len(pairs))
        if known.any():
            q = pd.DataFrame({"employee_id": ids[known].to_numpy(),
                              "program_id": pairs.loc[known, "program_id"].to_numpy(),
                              "quarter": pairs.loc[known, "quarter"].to_numpy()})
            out[known] = oracle_scores(truth, q)
        return out

    return score


def oracle_for(engine: sa.Engine, truth_dir: Path) -> Callable[[pd.DataFrame], np.ndarray]:
    """The oracle for the workspace's database and truth folder."""
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(sa.text("SELECT employee_id FROM employees"))]
    return oracle_from_ids(truth_dir, ids, load_key())

"""What a retrain sees and is keyed on: the data as of the end of a quarter, and digests of the
data and of the model configuration (a re-run with the same key is the same version)."""

from __future__ import annotations

import hashlib
import json

import numpy as np
import pandas as pd

from model import quarters as qt
from model.config import ModelConfig
from model.snapshot import Frames, conform


def frames_until(frames: dict[str, pd.DataFrame], quarter: str) -> Frames:
    """The data as of the end of ``quarter``: later enrollments and assessments are dropped,
    offerings are kept up to the end of the next quarter (the planned catalogue served)."""
    f = conform(frames)
    end = pd.Timestamp(qt.quarter_end(quarter))
    cut = Frames(f)
    cut["enrollments"] = f["enrollments"][f["enrollments"]["quarter"] <= quarter].reset_index(drop=True)
    serve_end = pd.Timestamp(qt.quarter_end(qt.shift(quarter, 1)))
    off = f["offerings"]
    cut["offerings"] = off[off["start_date"].isna() | (off["start_date"] <= serve_end)]
    ass = f["competency_assessments"]
    cut["competency_assessments"] = ass[ass["assessed_on"].isna() | (ass["assessed_on"] <= end)]
    return cut


def data_fingerprint(frames: dict[str, pd.DataFrame]) -> str:
    """SHA-256 over every table's columns and rows (row order does not matter)."""
    h = hashlib.sha256()
    for name in sorted(frames):
        df = frames[name]
        cols = sorted(map(str, df.columns))
        h.update(f"{name}:{'|'.join(cols)}:{len(df)}".encode())
        rows = pd.util.hash_pandas_object(df[cols].astype("string"), index=False).to_numpy()
        h.update(np.sort(rows).tobytes())
    return h.hexdigest()[:32]


def config_digest(config: ModelConfig) -> str:
    """A short digest of the model configuration."""
    text = json.dumps(config.to_dict(), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]

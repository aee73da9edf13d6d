"""The model's view of the database: canonical frames, pseudonymised, names dropped."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from service.pseudonym import load_key, pseudonymise_tables
from service.storage.frames import load_tables


def load_model_frames(engine: sa.Engine, key: bytes | None = None) -> dict[str, pd.DataFrame]:
    """Every canonical table with employee ids replaced by keyed-HMAC pseudonyms (HR's
    decisions without their free-text notes and deciders: see ``pseudonymise_tables``)."""
    frames = load_tables(engine)
    return pseudonymise_tables(frames, key if key is not None else load_key())

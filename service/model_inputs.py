"""The model's view of the database: canonical frames, pseudonymised, names dropped."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from model.quarters import quarters_of
from service.pseudonym import load_key, pseudonymise_tables
from service.storage.frames import load_tables
from service.storage.schema import impressions


def load_model_frames(engine: sa.Engine, key: bytes | None = None) -> dict[str, pd.DataFrame]:
    """Every canonical table with employee ids replaced by keyed-HMAC pseudonyms (HR's
    decisions without their free-text notes and deciders: see ``pseudonymise_tables``)."""
    frames = load_tables(engine)
    return pseudonymise_tables(frames, key if key is not None else load_key())


def load_exposure(engine: sa.Engine) -> pd.DataFrame:
    """The exposure log as the evaluation reads it: ``person_key`` (already the pseudonym),
    ``program_id``, ``quarter`` (of when it was shown) and ``propensity``; one row per item shown."""
    cols = [impressions.c.person_key, impressions.c.program_id, impressions.c.shown_at,
            impressions.c.propensity]
    with engine.connect() as conn:
        rows = conn.execute(sa.select(*cols)).all()
    frame = pd.DataFrame(rows, columns=["person_key", "program_id", "shown_at", "propensity"])
    frame["quarter"] = quarters_of(pd.to_datetime(frame["shown_at"], utc=True)).astype(object)
    return frame.drop(columns="shown_at")

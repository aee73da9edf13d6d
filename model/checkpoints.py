"""Enrolments as of a checkpoint: what is known about a running (or not yet started) training on
a given day, for P(completes) at any date with one engine.

A checkpoint is a day per enrolment (its ``cutoff``): the day before the start (``"prestart"``),
the first progress check's due date (``"early"``), a day of the training (``30`` or ``"day30"``:
30 days after its start), a calendar date (``pd.Timestamp``, e.g. today) or a date per enrolment
(a Series, e.g. each one's previous milestone). The rows at a
checkpoint carry the pair features known at the start (nothing of the training's own outcome)
plus ``model.progress`` of the checks due by the cutoff and ``days_in`` (cutoff - start, in
days). Nothing dated after the cutoff is read; ``stack_checkpoints`` puts several checkpoints of
the same enrolments under each other so that one model learns every horizon.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from model.progress import PROGRESS_FEATURES, first_check_dates, progress_features
from model.snapshot import PERSON

HORIZONS = ("prestart", "early", "day30", "day60", "day90")
CHECKPOINT_FEATURES = PROGRESS_FEATURES + ("days_in",)


def day_of(checkpoint) -> int | None:
    """The day of the training a checkpoint names (``"day30"`` or ``30`` -> 30), else None."""
    if isinstance(checkpoint, (int, np.integer)) and not isinstance(checkpoint, bool):
        return int(checkpoint)
    if isinstance(checkpoint, str) and checkpoint.startswith("day") and checkpoint[3:].isdigit():
        return int(checkpoint[3:])
    return None


def cutoffs(offering_ids: pd.Series, starts: pd.Series, checks: pd.DataFrame,
            checkpoint) -> pd.Series:
    """The cutoff date of each enrolment (aligned with ``offering_ids``) at ``checkpoint``.

    Args:
        offering_ids: the offering of each enrolment.
        starts: start date of each offering (index offering_id).
        checks: progress checks (for ``"early"``: the first due date of the offering; an
            offering without checks falls back to its start).
        checkpoint: ``"prestart"``, ``"early"``, a day (``30``/``"day30"``), a date, or a
            date per enrolment (a Series aligned with ``offering_ids``).
    """
    ids = offering_ids.astype(str)
    start = pd.to_datetime(ids.map(starts))
    if isinstance(checkpoint, pd.Series):
        return pd.Series(pd.to_datetime(checkpoint).to_numpy(), index=ids.index)
    if isinstance(checkpoint, pd.Timestamp):
        return pd.Series(checkpoint, index=ids.index)
    if checkpoint == "prestart":
        return start - pd.Timedelta(days=1)
    if checkpoint == "early":
        first = ids.map(first_check_dates(checks)) if len(checks) else pd.Series(pd.NaT, ids.index)
        return pd.to_datetime(first).fillna(start)
    day = day_of(checkpoint)
    if day is None:
        raise ValueError(f"not a checkpoint: {checkpoint!r} (use prestart, early, dayN or a date)")
    return start + pd.Timedelta(days=day)


def at_checkpoint(rows: pd.DataFrame, checks: pd.DataFrame, starts: pd.Series,
                  checkpoint) -> pd.DataFrame:
    """``rows`` (PERSON, offering_id and the start features) as known at ``checkpoint``: the
    progress features of the checks due by each row's cutoff, ``days_in``, ``cutoff`` and the
    checkpoint's name in ``checkpoint``."""
    cutoff = cutoffs(rows["offering_id"], starts, checks, checkpoint)
    pairs = rows[[PERSON, "offering_id"]].assign(cutoff=cutoff.to_numpy())
    prog = progress_features(checks, pairs) if len(checks) else pd.DataFrame(
        np.nan, index=np.arange(len(rows)), columns=list(PROGRESS_FEATURES))
    out = rows.drop(columns=[c for c in CHECKPOINT_FEATURES if c in rows]).reset_index(drop=True)
    for col in PROGRESS_FEATURES:
        out[col] = prog[col].to_numpy()
    start = pd.to_datetime(rows["offering_id"].astype(str).map(starts)).to_numpy()
    out["days_in"] = (pd.to_datetime(cutoff).to_numpy() - start) / np.timedelta64(1, "D")
    out["cutoff"] = cutoff.to_numpy()
    out["checkpoint"] = ("date" if isinstance(checkpoint, (pd.Timestamp, pd.Series))
                         else str(checkpoint))
    return out


def stack_checkpoints(rows: pd.DataFrame, checks: pd.DataFrame, starts: pd.Series,
                      checkpoints=HORIZONS) -> pd.DataFrame:
    """The same enrolments at each of ``checkpoints``, one block per checkpoint."""
    return pd.concat([at_checkpoint(rows, checks, starts, c) for c in checkpoints],
                     ignore_index=True)

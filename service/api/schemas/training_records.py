"""Schemas of training records (training outside the catalogue) and HR's review of a match."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from model import glossary as g

MatchStatus = Literal[g.TRAINING_MATCH_STATUSES]  # type: ignore[valid-type]


class TrainingRecordPublic(BaseModel):
    employee_id: str
    title: str
    start_date: dt.date
    end_date: dt.date | None
    kind: str | None
    provider: str | None
    jp: float | None
    certificate_number: str | None = Field(
        description="only in one person's record (the profile, or the list filtered to one "
                    "employee_id); a list across people leaves it out")
    source: str | None
    program_id: str | None = Field(description="the catalogue program it was matched to")
    program_title: str | None
    match_status: str | None = Field(description="auto, confirmed, rejected or unmatched")
    match_score: float | None = Field(description="the matcher's confidence, 0-1")
    jp_year: int = Field(description="the year its JP counts in: of the end date, else the start")
    counted: bool = Field(description="False when a completed enrollment of the same program in "
                                      "the same year already counts these hours")


class TrainingRecordRow(TrainingRecordPublic):
    name: str | None
    unit: str | None


class TrainingRecordPage(BaseModel):
    items: list[TrainingRecordRow]
    total: int
    page: int
    page_size: int


class TrainingRecordKey(BaseModel):
    """A record by its natural key."""

    employee_id: str = Field(min_length=1, max_length=64)
    title: str = Field(min_length=1, max_length=500)
    start_date: dt.date


class TrainingRecordReview(TrainingRecordKey):
    """HR's word on a record's match: ``confirm`` it (with ``program_id``, another program or a
    program for an unmatched record), or ``reject`` it (the suggested program is kept, marked
    rejected, so it is not suggested again; the record's hours still count)."""

    action: Literal["confirm", "reject"]
    program_id: str | None = Field(default=None, min_length=1, max_length=64)
    reason: str | None = Field(default=None, max_length=1000)

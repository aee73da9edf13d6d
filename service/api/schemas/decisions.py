"""Schemas of HR decisions on suggestions and of enrollment outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Status = Literal["nominated", "registered", "attended", "completed", "dropped", "no_show"]


class DecisionCreate(BaseModel):
    employee_id: str = Field(min_length=1, max_length=64)
    program_id: str = Field(min_length=1, max_length=64)
    offering_id: str | None = Field(default=None, max_length=64)
    decision: Literal["accepted", "rejected"]
    reason: str | None = Field(default=None, max_length=1000)


class DecisionPublic(BaseModel):
    decision_id: str
    employee_id: str
    program_id: str
    offering_id: str | None
    decision: str
    reason: str | None
    decided_by: str
    decided_at: dt.date
    model_version: str | None
    enrollment_id: int | None = Field(default=None, description="the nomination an acceptance created")


class EnrollmentUpdate(BaseModel):
    status: Status
    jp_earned: float | None = Field(default=None, ge=0, le=1000)
    post_test_score: float | None = Field(default=None, ge=0, le=100)


class EnrollmentPublic(BaseModel):
    enrollment_id: int
    employee_id: str
    program_id: str
    offering_id: str | None
    date: dt.date
    status: str | None
    jp_earned: float | None
    post_test_score: float | None
    source: str | None

"""Schemas of HR decisions on suggestions and of enrollment outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from model.glossary import REJECT_REASONS

Status = Literal["nominated", "registered", "attended", "completed", "dropped", "no_show"]
ReasonCode = Literal[REJECT_REASONS]  # type: ignore[valid-type]


class DecisionCreate(BaseModel):
    employee_id: str = Field(min_length=1, max_length=64)
    program_id: str = Field(min_length=1, max_length=64)
    offering_id: str | None = Field(default=None, max_length=64)
    decision: Literal["accepted", "rejected"]
    reason_code: ReasonCode | None = Field(
        default=None, description="why it was rejected: not_relevant and already_competent teach "
        "the next model that the program does not fit the person; the others do not; "
        "a rejection without one is recorded as other")
    reason: str | None = Field(default=None, max_length=1000, description="free-text note")

    @model_validator(mode="after")
    def _reason_code_on_reject(self) -> "DecisionCreate":
        if self.decision == "accepted" and self.reason_code is not None:
            raise ValueError("reason_code is for rejections; leave it out when accepting")
        if self.decision == "rejected" and self.reason_code is None:
            self.reason_code = "other"
        return self


class DecisionPublic(BaseModel):
    decision_id: str
    employee_id: str
    program_id: str
    offering_id: str | None
    decision: str
    reason_code: str | None
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


Suppressed = Literal["fewer", "complementary"]


class DecisionRate(BaseModel):
    """One group's decisions and accept rate (numbers None when suppressed)."""

    group: str | None = Field(description="program category or unit; null: not recorded "
                                          "(in ``overall``: every decision of the scope)")
    decisions: int | None
    accepted: int | None
    accept_rate: float | None
    suppressed: Suppressed | None = Field(
        description="fewer: fewer than ``threshold`` decisions; complementary: hidden so that "
                    "a small group cannot be worked out from the total")


class ReasonShare(BaseModel):
    """One reject reason's count and share of the rejections (None when suppressed)."""

    reason_code: str
    count: int | None
    share: float | None
    suppressed: Suppressed | None


class DecisionStatsPublic(BaseModel):
    """HR's decisions in the caller's scope: every unit, or a unit head's own unit."""

    threshold: int
    unit: str | None = Field(description="the unit the statistics are restricted to")
    overall: DecisionRate
    by_category: list[DecisionRate]
    by_unit: list[DecisionRate]
    rejections: int | None
    reasons: list[ReasonShare] = Field(description="shown reasons, most frequent first, then "
                                                   "the suppressed ones")

"""Schemas of programs and offerings (the training catalogue)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, field_validator, model_validator

from model import glossary as g
from model.tables import parse_targets

Form = Literal["klasikal", "non_klasikal"]
Category = Literal[g.PROGRAM_CATEGORIES]  # type: ignore[valid-type]
Delivery = Literal[tuple(g.DELIVERIES)]  # type: ignore[valid-type]
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"


def _check_list(values: list[str] | None, allowed: tuple[str, ...], what: str) -> list[str] | None:
    if values is None:
        return None
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValueError(f"unknown {what}: {', '.join(bad)} (allowed: {', '.join(allowed)})")
    return values


class ProgramFields(BaseModel):
    title: str | None = Field(default=None, max_length=300)
    category: Category | None = None
    competencies: str | None = Field(default=None, max_length=500,
                                     description="covered competencies with target level: MK01:3;DL02:2")
    form: Form | None = None
    delivery: Delivery | None = None
    jp: int | None = Field(default=None, ge=0, le=1000)
    cost_idr: int | None = Field(default=None, ge=0)
    provider: str | None = Field(default=None, max_length=300)
    eligible_job_kinds: list[str] | None = None
    min_grade: str | None = None
    max_grade: str | None = None
    max_age: int | None = Field(default=None, ge=18, le=70)
    eligible_employment_types: list[str] | None = None
    eligible_units: list[str] | None = None
    eligible_sectors: list[str] | None = None
    mandatory: bool | None = None

    @field_validator("competencies")
    @classmethod
    def _targets(cls, v: str | None) -> str | None:
        if v is not None:
            parse_targets(v)
        return v

    @field_validator("min_grade", "max_grade")
    @classmethod
    def _grade(cls, v: str | None) -> str | None:
        if v is not None and g.grade_rank(v) < 0:
            raise ValueError(f"unknown grade {v!r}")
        return v

    @model_validator(mode="after")
    def _lists(self) -> "ProgramFields":
        _check_list(self.eligible_job_kinds, g.JOB_KINDS, "job kinds")
        _check_list(self.eligible_employment_types, g.EMPLOYMENT_TYPES, "employment types")
        _check_list(self.eligible_sectors, g.UNIT_SECTORS, "sectors")
        if self.delivery and self.form and g.DELIVERIES[self.delivery] != self.form:
            raise ValueError(f"delivery {self.delivery} is {g.DELIVERIES[self.delivery]}, not {self.form}")
        return self


class ProgramCreate(ProgramFields):
    program_id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1, max_length=300)


class ProgramUpdate(ProgramFields):
    """Only the fields sent are changed."""


class ProgramPublic(ProgramFields):
    program_id: str


class ProgramPage(BaseModel):
    items: list[ProgramPublic]
    total: int
    page: int
    page_size: int


class OfferingFields(BaseModel):
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    seats: int | None = Field(default=None, ge=0, le=100000)
    location: str | None = Field(default=None, max_length=300)

    @model_validator(mode="after")
    def _dates(self) -> "OfferingFields":
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class OfferingCreate(OfferingFields):
    offering_id: str = Field(pattern=ID_PATTERN)
    program_id: str = Field(pattern=ID_PATTERN)


class OfferingUpdate(OfferingFields):
    """Only the fields sent are changed."""


class OfferingPublic(OfferingFields):
    offering_id: str
    program_id: str


class OfferingPage(BaseModel):
    items: list[OfferingPublic]
    total: int
    page: int
    page_size: int

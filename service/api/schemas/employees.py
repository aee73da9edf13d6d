"""Schemas of employees: list rows, pages and the profile."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from service.api.schemas.training_records import TrainingRecordPublic


class EmployeePublic(BaseModel):
    employee_id: str
    name: str | None
    unit: str | None
    job_kind: str | None
    grade: str | None
    position: str | None
    employment_type: str | None
    active: bool | None


class EmployeePage(BaseModel):
    items: list[EmployeePublic]
    total: int
    page: int
    page_size: int


class CompetencyGap(BaseModel):
    code: str
    name_id: str | None
    name_en: str | None
    type: str | None
    assessed_level: int | None
    required_level: int | None
    gap: int | None
    assessed_on: dt.date


class PerformanceReview(BaseModel):
    period: str
    skp_rating: str | None
    skp_score: float | None


class TrainingRecord(BaseModel):
    enrollment_id: int
    program_id: str
    title: str | None
    offering_id: str | None
    date: dt.date
    status: str | None
    jp_earned: float | None
    post_test_score: float | None
    source: str | None


class EmployeeProfile(EmployeePublic):
    sex: str | None
    birth_date: dt.date | None
    education: str | None
    appointment_date: dt.date | None
    digital_access: str | None
    competency_gaps: list[CompetencyGap]
    performance: list[PerformanceReview]
    training: list[TrainingRecord]
    training_records: list[TrainingRecordPublic]
    jp_year: int
    jp_this_year: float

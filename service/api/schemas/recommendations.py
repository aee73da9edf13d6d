"""Schemas of recommendations and engagement."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Recommendation(BaseModel):
    rank: int
    program_id: str
    title: str | None
    score: float = Field(description="expected benefit: relevance x P(complete)")
    relevance: float
    p_complete: float = Field(description="probability the employee completes it")
    mandatory: bool
    form: str | None
    jp: float | None
    cost_idr: float | None
    reasons_id: list[str]
    reasons_en: list[str]
    explored: bool = Field(default=False, description="shown from outside the model's top k "
                                                      "to learn (exploration)")
    propensity: float = Field(default=1.0, description="probability it was shown in this list")


class EmployeeRecommendations(BaseModel):
    employee_id: str
    name: str | None
    unit: str | None
    model_version: str
    as_of: str | None
    items: list[Recommendation]
    note: str | None = None


class BatchRecommendations(BaseModel):
    model_version: str
    as_of: str | None
    employees: list[EmployeeRecommendations]


class Factor(BaseModel):
    factor: str
    effect: float = Field(description="change in P(reach duty) this factor makes")


class Engagement(BaseModel):
    employee_id: str
    name: str | None
    unit: str | None
    jp_this_year: float
    jp_duty: float
    p_reach_duty: float
    expected_jp: float
    factors: list[Factor] | None = None


class EmployeeEngagement(Engagement):
    model_version: str
    as_of: str | None
    note: str | None = None


class UnitEngagement(BaseModel):
    unit: str
    model_version: str
    as_of: str | None
    people: int
    mean_p_reach_duty: float | None
    likely_to_miss_duty: int = Field(description="people with P(reach duty) below 0.5")
    mean_jp_this_year: float | None
    mean_expected_jp: float | None
    employees: list[Engagement]

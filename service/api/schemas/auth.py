"""Schemas of login, tokens and users."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Role = Literal["admin", "analyst", "unit_head"]


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: dt.datetime


class UserCreate(BaseModel):
    username: str = Field(pattern=r"^[A-Za-z0-9_.-]{3,64}$")
    password: str = Field(min_length=10, max_length=256)
    role: Role
    unit: str | None = Field(default=None, max_length=200,
                             description="required for unit_head: the unit they may see")


class UserPublic(BaseModel):
    username: str
    role: Role
    unit: str | None
    active: bool

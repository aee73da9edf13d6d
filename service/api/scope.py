"""The caller's unit scope as conditions on the employees table (a unit head: their own unit)."""

from __future__ import annotations

import sqlalchemy as sa

from service.auth.roles import Principal
from service.storage.schema import CANONICAL

EMP = CANONICAL["employees"]


def unit_conditions(user: Principal, unit: str | None) -> list[sa.ColumnElement[bool]]:
    """The unit asked for (``None``: every unit), within the caller's scope."""
    where: list[sa.ColumnElement[bool]] = []
    scoped = user.scope_unit(unit)
    if not user.all_units and unit is not None and unit != user.unit:
        where.append(sa.false())  # a unit head asking for another unit sees nobody
    if scoped is not None:
        where.append(EMP.c.unit == scoped)
    return where

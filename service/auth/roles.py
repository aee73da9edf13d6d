"""Roles and what each may see: admin and analyst see every unit, a unit head only their own."""

from __future__ import annotations

from dataclasses import dataclass

ADMIN, ANALYST, UNIT_HEAD = "admin", "analyst", "unit_head"
ROLES = (ADMIN, ANALYST, UNIT_HEAD)
# Roles that may change the catalogue and import data.
EDITORS = (ADMIN, ANALYST)


@dataclass(frozen=True)
class Principal:
    """The authenticated user of a request."""

    username: str
    role: str
    unit: str | None

    @property
    def all_units(self) -> bool:
        return self.role in (ADMIN, ANALYST)

    def may_see_unit(self, unit: str | None) -> bool:
        """Whether this user may see people of ``unit``."""
        return self.all_units or (unit is not None and unit == self.unit)

    def scope_unit(self, requested: str | None) -> str | None:
        """The unit a list must be restricted to (a unit head's own unit, whatever was asked)."""
        return requested if self.all_units else self.unit

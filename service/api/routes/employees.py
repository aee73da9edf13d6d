"""Employees: search and list, and one employee's profile."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Query

from service import audit
from service.api import people
from service.api.deps import CurrentUser, ServicesDep
from service.api.schemas.employees import EmployeePage, EmployeeProfile

router = APIRouter(prefix="/employees", tags=["employees"])
EmployeeId = Annotated[str, Path(min_length=1, max_length=64)]


@router.get("", response_model=EmployeePage)
def list_employees(
    user: CurrentUser, services: ServicesDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=200)] = 50,
    unit: Annotated[str | None, Query(max_length=200)] = None,
    job_kind: Annotated[str | None, Query(max_length=64)] = None,
    grade: Annotated[str | None, Query(max_length=16)] = None,
    q: Annotated[str | None, Query(max_length=100, description="name or NIP substring")] = None,
) -> EmployeePage:
    """Employees the caller may see, filtered and paged (a unit head sees their own unit)."""
    with services.engine.connect() as conn:
        rows, total = people.search(conn, user, unit=unit, job_kind=job_kind, grade=grade, q=q,
                                    page=page, page_size=page_size)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "employee_list", "employees", None,
                     {"unit": unit, "returned": len(rows), "search": q is not None})
    return EmployeePage(items=rows, total=total, page=page, page_size=page_size)


@router.get("/{employee_id}", response_model=EmployeeProfile, responses={404: {}})
def profile(employee_id: EmployeeId, user: CurrentUser, services: ServicesDep,
            year: Annotated[int | None, Query(ge=1950, le=2200,
                                              description="year of 'JP this year' (default: the served model's as_of year, else now)")] = None,
            ) -> EmployeeProfile:
    """One employee: competency gaps, performance, training history and JP in the year."""
    state = services.server.state
    # "This year" is the served model's year when there is one: the data may end before today.
    year = year or (int(state.as_of[:4]) if state and state.as_of else dt.date.today().year)
    with services.engine.connect() as conn:
        row = people.visible_employee(conn, user, employee_id)
        parts = people.profile_parts(conn, employee_id, year)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "employee_view", "employee", employee_id)
    return EmployeeProfile(**row, **parts)

"""The training catalogue: programs and their offerings (create and update: admin, analyst)."""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query

from model.tables import parse_list
from service import audit
from service.api.deps import CurrentUser, EditorUser, ServicesDep
from service.api.errors import ApiError, not_found
from service.api.schemas.catalogue import (OfferingCreate, OfferingPage, OfferingPublic,
                                           OfferingUpdate, ProgramCreate, ProgramPage,
                                           ProgramPublic, ProgramUpdate)
from service.storage.schema import CANONICAL

router = APIRouter(tags=["catalogue"])
PROG, OFF = CANONICAL["programs"], CANONICAL["offerings"]
LIST_FIELDS = ("eligible_job_kinds", "eligible_employment_types", "eligible_units", "eligible_sectors")
Page = Annotated[int, Query(ge=1, le=100_000)]
PageSize = Annotated[int, Query(ge=1, le=200)]
Id = Annotated[str, Path(min_length=1, max_length=64)]


def _to_db(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: (";".join(v) if k in LIST_FIELDS and v is not None else v) for k, v in fields.items()}


def _program(row) -> ProgramPublic:
    data = dict(row)
    for k in LIST_FIELDS:
        data[k] = parse_list(data[k]) if data[k] is not None else None
    return ProgramPublic(**data)


def _changed(services, user, action: str, kind: str, key: str, detail: dict) -> None:
    with services.engine.begin() as conn:
        audit.record(conn, user.username, action, kind, key, detail)
    services.server.data_changed()


@router.get("/programs", response_model=ProgramPage)
def list_programs(user: CurrentUser, services: ServicesDep, page: Page = 1, page_size: PageSize = 50,
                  form: Annotated[str | None, Query(max_length=32)] = None,
                  category: Annotated[str | None, Query(max_length=32)] = None) -> ProgramPage:
    """Programs, by id."""
    where = [c for c in (PROG.c.form == form if form else None,
                         PROG.c.category == category if category else None) if c is not None]
    with services.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(PROG).where(*where)).scalar_one()
        rows = conn.execute(sa.select(PROG).where(*where).order_by(PROG.c.program_id)
                            .limit(page_size).offset((page - 1) * page_size)).mappings().all()
    return ProgramPage(items=[_program(r) for r in rows], total=total, page=page, page_size=page_size)


@router.post("/programs", response_model=ProgramPublic, status_code=201, responses={409: {}})
def create_program(body: ProgramCreate, user: EditorUser, services: ServicesDep) -> ProgramPublic:
    """Add a program to the catalogue."""
    with services.engine.begin() as conn:
        if conn.execute(sa.select(PROG.c.program_id).where(PROG.c.program_id == body.program_id)).first():
            raise ApiError(409, f"program {body.program_id!r} already exists")
        conn.execute(PROG.insert().values(**_to_db(body.model_dump())))
        row = conn.execute(sa.select(PROG).where(PROG.c.program_id == body.program_id)).mappings().one()
    _changed(services, user, "program_create", "program", body.program_id, {})
    return _program(row)


@router.patch("/programs/{program_id}", response_model=ProgramPublic, responses={404: {}})
def update_program(program_id: Id, body: ProgramUpdate, user: EditorUser,
                   services: ServicesDep) -> ProgramPublic:
    """Change the fields sent."""
    fields = _to_db(body.model_dump(exclude_unset=True))
    with services.engine.begin() as conn:
        if fields:
            done = conn.execute(PROG.update().where(PROG.c.program_id == program_id).values(**fields))
            if done.rowcount == 0:
                raise not_found("program")
        row = conn.execute(sa.select(PROG).where(PROG.c.program_id == program_id)).mappings().first()
        if row is None:
            raise not_found("program")
    _changed(services, user, "program_update", "program", program_id, {"fields": sorted(fields)})
    return _program(row)


@router.get("/offerings", response_model=OfferingPage)
def list_offerings(user: CurrentUser, services: ServicesDep, page: Page = 1, page_size: PageSize = 50,
                   program_id: Annotated[str | None, Query(max_length=64)] = None) -> OfferingPage:
    """Offerings (scheduled runs of programs), by start date."""
    where = [OFF.c.program_id == program_id] if program_id else []
    with services.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(OFF).where(*where)).scalar_one()
        rows = conn.execute(sa.select(OFF).where(*where).order_by(OFF.c.start_date, OFF.c.offering_id)
                            .limit(page_size).offset((page - 1) * page_size)).mappings().all()
    return OfferingPage(items=[OfferingPublic(**r) for r in rows], total=total, page=page,
                        page_size=page_size)


@router.post("/offerings", response_model=OfferingPublic, status_code=201, responses={409: {}})
def create_offering(body: OfferingCreate, user: EditorUser, services: ServicesDep) -> OfferingPublic:
    """Schedule an offering of an existing program."""
    with services.engine.begin() as conn:
        if conn.execute(sa.select(PROG.c.program_id).where(PROG.c.program_id == body.program_id)).first() is None:
            raise ApiError(422, f"program_id: unknown program {body.program_id!r}")
        if conn.execute(sa.select(OFF.c.offering_id).where(OFF.c.offering_id == body.offering_id)).first():
            raise ApiError(409, f"offering {body.offering_id!r} already exists")
        conn.execute(OFF.insert().values(**body.model_dump()))
    _changed(services, user, "offering_create", "offering", body.offering_id,
             {"program_id": body.program_id})
    return OfferingPublic(**body.model_dump())


@router.patch("/offerings/{offering_id}", response_model=OfferingPublic, responses={404: {}})
def update_offering(offering_id: Id, body: OfferingUpdate, user: EditorUser,
                    services: ServicesDep) -> OfferingPublic:
    """Change the fields sent (dates, seats, location)."""
    fields = body.model_dump(exclude_unset=True)
    with services.engine.begin() as conn:
        row = conn.execute(sa.select(OFF).where(OFF.c.offering_id == offering_id)).mappings().first()
        if row is None:
            raise not_found("offering")
        merged = {**dict(row), **fields}
        try:
            OfferingPublic(**merged)
        except ValueError as exc:
            raise ApiError(422, f"invalid offering: {exc.errors()[0]['msg'] if hasattr(exc, 'errors') else exc}") from None
        if fields:
            conn.execute(OFF.update().where(OFF.c.offering_id == offering_id).values(**fields))
    _changed(services, user, "offering_update", "offering", offering_id, {"fields": sorted(fields)})
    return OfferingPublic(**merged)

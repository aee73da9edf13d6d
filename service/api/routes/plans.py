"""The quarter's training plan: create (admin/analyst), view, edit lines, re-solve, approve, export.

Unit heads see the lines of their own unit only. Creating checks the request, then builds the
plan in a worker thread (``service.plans.builds``) and answers 202: the plan is ``building``
until it becomes a ``draft`` or ``failed``. Re-solving a draft runs inside the request
(``time_limit_s`` is capped below the request timeout).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from model.planning import PlanConfig, PlanInfeasibleError, PlanInputError, PlanTimeoutError
from model.quarters import parse_quarter
from service import audit
from service.api.deps import CurrentUser, EditorUser, RowId, ServicesDep, ServingDep
from service.api.errors import ApiError
from service.auth.roles import Principal
from service.plans import builds, drafts
from service.plans.building import plan_reasons, quarter_offerings
from service.plans.creation import create_plan, to_person_keys
from service.plans.sheets import employee_ids, plan_sheet, sheet_bytes

router = APIRouter(prefix="/plans", tags=["plans"])
PlanId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")]
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


class LockedLine(BaseModel):
    employee_id: str = Field(min_length=1, max_length=64)
    offering_id: str = Field(min_length=1, max_length=64)


class PlanCreate(BaseModel):
    budget_idr: float = Field(ge=0, le=1e13)
    quarter: str | None = Field(default=None, max_length=8, description="default: the model's")
    max_per_person: int = Field(default=1, ge=1, le=10)
    jp_weight: float = Field(default=0.5, ge=0, le=100)
    min_unit_share: dict[str, float] = Field(default_factory=dict, max_length=200)
    lock: list[LockedLine] = Field(default_factory=list, max_length=1000)
    exclude_employee: list[str] = Field(default_factory=list, max_length=10000)
    exclude_program: list[str] = Field(default_factory=list, max_length=1000)
    time_limit_s: float = Field(default=15.0, gt=0, le=20)
    top_k: int = Field(default=10, ge=1, le=30)


class LineEdit(BaseModel):
    action: Literal["remove", "lock", "unlock"]


class PlanLine(BaseModel):
    line_id: int
    employee_id: str
    unit: str | None
    offering_id: str
    program_id: str
    start_date: dt.date | None
    cost_idr: float
    jp: float
    expected_benefit: float
    p_complete: float
    mandatory: bool
    reason_id: str | None
    reason_en: str | None
    state: str
    enrollment_id: int | None


class PlanProgress(BaseModel):
    step: str
    fraction: float = Field(ge=0, le=1)


class PlanAccepted(BaseModel):
    plan_id: str
    quarter: str
    status: str = Field(description="building: poll GET /plans/{plan_id} until draft or failed")


class PlanPublic(BaseModel):
    plan_id: str
    quarter: str
    status: str = Field(description="building, draft, failed or approved")
    message: str | None = Field(default=None, description="why the build failed")
    progress: PlanProgress | None = Field(
        default=None, description="while building, when this server process runs the build")
    budget_idr: float
    model_version: str | None
    created_by: str
    approved_by: str | None
    settings: dict
    summary: dict | None
    cost_idr: float = Field(description="cost of the lines still in the plan (visible ones)")
    lines: list[PlanLine]


class Approval(BaseModel):
    plan_id: str
    nominations: int
    decisions: int


def _editor_plan_errors(exc: Exception) -> ApiError:
    if isinstance(exc, drafts.PlanNotFoundError):
        return ApiError(404, str(exc))
    if isinstance(exc, drafts.PlanStateError):
        return ApiError(409, str(exc))
    return ApiError(422, str(exc))


_HANDLED = (drafts.PlanNotFoundError, drafts.PlanStateError, PlanInputError, PlanInfeasibleError,
            PlanTimeoutError)


def _public(services, plan_id: str, user: Principal) -> PlanPublic:
    try:
        header, lines = drafts.get_plan(services.engine, plan_id, user.unit, user.all_units)
    except drafts.PlanNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    rows = [PlanLine(line_id=r["id"], **{k: r[k] for k in PlanLine.model_fields if k != "line_id"})
            for r in lines.astype(object).where(lines.notna(), None).to_dict("records")]
    live = lines[lines["state"] != "removed"]
    settings = header["settings"]
    if not user.all_units:  # whom the plan left out is people of every unit (person keys)
        settings = {k: v for k, v in settings.items() if k != "excluded_people"}
    summary = header["summary"]
    failed = header["status"] == builds.FAILED
    running = builds.get_builds().progress(plan_id)
    return PlanPublic(**{k: header[k] for k in ("plan_id", "quarter", "status", "budget_idr",
                                                "model_version", "created_by", "approved_by")},
                      settings=settings,
                      message=(summary or {}).get("error") if failed else None,
                      progress=PlanProgress(step=running[0], fraction=running[1])
                      if running and header["status"] == builds.BUILDING else None,
                      summary=summary if user.all_units and not failed else None,
                      cost_idr=float(live["cost_idr"].sum()), lines=rows)


@router.post("", response_model=PlanAccepted, status_code=202,
             responses={422: {"description": "bad settings, quarter, locks or exclusions"},
                        503: {"description": "too many plans are being built"}})
def create(body: PlanCreate, user: EditorUser, services: ServicesDep, serving: ServingDep,
           response: Response = None) -> PlanAccepted:  # type: ignore[assignment]
    """Check the request, then build the plan in the background; poll the ``Location``.

    The build (candidates for every employee, solve, reasons) turns the plan into a draft, or
    into ``failed`` with the reason. ``response`` is None when a page calls this function.
    """
    quarter = serving.ctx.snap.as_of
    if body.quarter is not None:
        try:
            year, q = parse_quarter(body.quarter)
        except ValueError as exc:
            raise ApiError(422, f"quarter: {exc}") from None
        quarter = f"{year}Q{q}"
    lock_ids = [(x.employee_id, x.offering_id) for x in body.lock]
    try:
        config = PlanConfig(budget_idr=body.budget_idr, max_per_person=body.max_per_person,
                            jp_weight=body.jp_weight, min_unit_share=body.min_unit_share,
                            excluded_programs=frozenset(body.exclude_program),
                            time_limit_s=body.time_limit_s)
        # Quick checks now (the snapshot holds every quarter's offerings); the build repeats them.
        quarter_offerings(serving.ctx, quarter)
        to_person_keys(services.engine, services.pseudonym_key,
                       sorted({e for e, _ in lock_ids} | set(body.exclude_employee)),
                       "locked or excluded")
    except _HANDLED as exc:
        raise _editor_plan_errors(exc) from None
    recommender, served_ctx = serving.recommender, serving.ctx

    def build(plan_id: str, progress: builds.Progress) -> None:
        ctx = served_ctx
        if quarter != ctx.snap.as_of:
            from service.model_inputs import load_model_frames

            progress(f"building the {quarter} context", 0.0)
            ctx = recommender.context(load_model_frames(services.engine,
                                                        services.pseudonym_key), quarter)
        create_plan(services.engine, services.pseudonym_key, recommender, ctx, config,
                    actor=user.username, model_version=serving.version, quarter=quarter,
                    lock_ids=lock_ids, exclude_ids=body.exclude_employee, top_k=body.top_k,
                    progress=progress, plan_id=plan_id)

    try:
        plan_id, _ = builds.get_builds().start(services.engine, build, quarter=quarter,
                                               config=config, actor=user.username,
                                               model_version=serving.version)
    except builds.BuildQueueFullError as exc:
        raise ApiError(503, str(exc),
                       {"Retry-After": str(services.settings.retry_after_seconds)}) from None
    if response is not None:
        from service.api.app import PREFIX  # here: the app module imports this one

        response.headers["Location"] = f"{PREFIX}{router.prefix}/{plan_id}"
    return PlanAccepted(plan_id=plan_id, quarter=quarter, status=builds.BUILDING)


@router.get("", response_model=list[dict])
def list_all(user: EditorUser, services: ServicesDep,
             limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[dict]:
    """Plans, newest first."""
    return drafts.list_plans(services.engine, limit)


@router.get("/{plan_id}", response_model=PlanPublic, responses={404: {}})
def view(plan_id: PlanId, user: CurrentUser, services: ServicesDep) -> PlanPublic:
    """A plan and its lines (a unit head sees only the lines of their own unit)."""
    out = _public(services, plan_id, user)
    with services.engine.begin() as conn:
        audit.record(conn, user.username, "plan_view", "plan", plan_id,
                     {"lines_shown": len(out.lines)})
    return out


@router.patch("/{plan_id}/lines/{line_id}", response_model=PlanLine,
              responses={404: {}, 409: {"description": "the plan is no longer a draft"}})
def edit(plan_id: PlanId, line_id: RowId, body: LineEdit,
         user: EditorUser, services: ServicesDep) -> PlanLine:
    """Remove, lock or unlock a line; solve again to fill what a removal freed."""
    try:
        row = drafts.edit_line(services.engine, plan_id, line_id, body.action, user.username)
    except _HANDLED as exc:
        raise _editor_plan_errors(exc) from None
    return PlanLine(line_id=row["id"], **{k: row[k] for k in PlanLine.model_fields
                                          if k != "line_id"})


@router.post("/{plan_id}/solve", response_model=PlanPublic, responses={404: {}, 409: {},
                                                                       422: {}})
def solve_again(plan_id: PlanId, user: EditorUser, services: ServicesDep,
                serving: ServingDep) -> PlanPublic:
    """Solve the draft again: removed lines stay out, locked lines stay in."""
    def reasoner(pairs):
        return plan_reasons(serving.recommender, serving.ctx, pairs)

    try:
        drafts.resolve(services.engine, plan_id, user.username,
                       employee_ids(services.engine, services.pseudonym_key), reasoner)
    except _HANDLED as exc:
        raise _editor_plan_errors(exc) from None
    return _public(services, plan_id, user)


@router.post("/{plan_id}/approve", response_model=Approval,
             responses={404: {}, 409: {"description": "not a draft, or a nomination clashes"}})
def approve(plan_id: PlanId, user: EditorUser, services: ServicesDep) -> Approval:
    """Nominate every line in the plan (enrollments, decisions, audit) in one transaction."""
    try:
        counts = drafts.approve(services.engine, plan_id, user.username)
    except _HANDLED as exc:
        raise _editor_plan_errors(exc) from None
    services.server.data_changed()
    return Approval(**counts)


@router.get("/{plan_id}/export", responses={200: {"content": {MEDIA["csv"]: {},
                                                               MEDIA["xlsx"]: {}}}, 404: {},
                                            409: {"description": "building or failed"}})
def export(plan_id: PlanId, user: CurrentUser, services: ServicesDep,
           format: Annotated[Literal["csv", "xlsx"], Query()] = "csv",
           language: Annotated[Literal["id", "en"], Query()] = "id") -> Response:
    """The plan file for approval (a unit head gets their own unit's lines)."""
    try:
        header, lines = drafts.get_plan(services.engine, plan_id, user.unit, user.all_units)
    except drafts.PlanNotFoundError as exc:
        raise ApiError(404, str(exc)) from None
    if header["status"] in (builds.BUILDING, builds.FAILED):
        raise ApiError(409, drafts.state_message(plan_id, header["status"])
                       .replace("only drafts can change", "it has no plan to export"))
    sheet = plan_sheet(lines, None, language)
    with services.engine.begin() as conn:
        audit.record_many(conn, user.username, "plan_export", "employee",
                          sorted(set(lines["employee_id"])), {"plan_id": plan_id,
                                                              "format": format})
    name = f"plan-{plan_id}.{format}"
    return Response(sheet_bytes(sheet, format), media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})

"""Reading the audit log (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service import audit
from service.api.deps import AdminUser, ServicesDep
from service.api.schemas.operations import AuditEntry

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=list[AuditEntry])
def entries(admin: AdminUser, services: ServicesDep,
            object_key: Annotated[str | None, Query(max_length=64, description="e.g. an employee_id")] = None,
            limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[AuditEntry]:
    """Latest entries, newest first: who viewed or changed whose data."""
    return [AuditEntry(**e) for e in audit.entries(services.engine, object_key, limit)]

"""One router per resource; ``ROUTERS`` is what the app mounts under ``/api/v1``."""

from service.api.routes import (audit_log, auth, decisions, employees, engagement, health, imports,
                                model_version, programs, recommendations, running,
                                training_records)

ROUTERS = (health.router, auth.router, employees.router, recommendations.router,
           engagement.router, programs.router, decisions.router, imports.router,
           training_records.router, model_version.router, audit_log.router, running.router)

"""ONE authorization sweep over the app's whole route table (issue #10 item 5).

The routes come from the app itself (``app.routes`` flattened with ``iter_route_contexts``,
cross-checked against the OpenAPI schema), so the API, the dashboard (``/ui``) and FastAPI's own
pages are all swept, and a route added later is swept automatically. A new route fails here until
it has a request recipe in ``RECIPES`` and a place in the public / admin / editor lists: no route
can be skipped silently.

On a private copy of ``real_world`` (a trained champion in MLflow, 300 people, a real plan built
through the API), every route is called:

1. without credentials, with an expired token, with a token signed with another secret, and with
   garbage: 401 (API) or a redirect to the login page (``/ui``); only the public routes answer;
2. by a unit head with another unit's employee, unit, enrollment and plan line: 403 or 404, or an
   answer that holds none of the other unit's ids or names and only own-unit ids; the same calls
   with the head's own unit's values succeed (so the 404s come from the unit scope, not from a
   broken request);
3. by an analyst and a unit head on the admin-only routes (derived from the dependency tree and
   compared with an explicit list), and by a unit head on the editor-only routes: 403.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
import zipfile
from collections import Counter
from urllib.parse import quote_plus, unquote

import pytest
import sqlalchemy as sa
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from service.settings import get_settings
from service.storage.schema import CANONICAL

pytestmark = pytest.mark.slow

PASSWORD = "correct-horse-battery"
CSRF = "sweep-csrf-token-0123456789abcdef"
API, UI = "/api/v1", "/ui"

# Routes anyone may call: health, the login (API and page), logout, FastAPI's API documentation
# (the schema only, no data), the root redirect to /ui/, and the static assets (a mount).
PUBLIC = {("GET", f"{API}/health/live"), ("GET", f"{API}/health/ready"),
          ("POST", f"{API}/auth/login"), ("GET", f"{UI}/login"), ("POST", f"{UI}/login"),
          ("POST", f"{UI}/logout"), ("GET", "/"), ("GET", "/openapi.json"), ("GET", "/docs"),
          ("GET", "/docs/oauth2-redirect"), ("GET", "/redoc"), ("MOUNT", f"{UI}/static")}
# Admin-only routes, read from the code (``require_admin`` / the pages' ``admin``): users, the
# audit log and every model operation. The sweep also derives this set from the dependency tree.
ADMIN_ONLY = {("GET", f"{API}/users"), ("POST", f"{API}/users"), ("GET", f"{API}/audit"),
              ("POST", f"{API}/model/reload"), ("POST", f"{API}/model/retrain"),
              ("GET", f"{API}/model/retrain"), ("POST", f"{API}/model/rollback"),
              ("POST", f"{UI}/model/reload"), ("POST", f"{UI}/model/rollback"),
              ("POST", f"{UI}/model/promote"), ("POST", f"{UI}/model/retrain")}
# Admin and analyst only (``require_editor`` / the pages' ``editor``): the catalogue, imports and
# the plan's building, editing and approval.
EDITOR_ONLY = {("POST", f"{API}/programs"), ("PATCH", f"{API}/programs/{{program_id}}"),
               ("POST", f"{API}/offerings"), ("PATCH", f"{API}/offerings/{{offering_id}}"),
               ("POST", f"{API}/imports"), ("POST", f"{API}/plans"), ("GET", f"{API}/plans"),
               ("POST", f"{API}/training-records/review"),
               ("POST", f"{UI}/employees/{{employee_id}}/training-records"),
               ("PATCH", f"{API}/plans/{{plan_id}}/lines/{{line_id}}"),
               ("POST", f"{API}/plans/{{plan_id}}/solve"),
               ("POST", f"{API}/plans/{{plan_id}}/approve"),
               ("GET", f"{UI}/plans"), ("POST", f"{UI}/plans"),
               ("POST", f"{UI}/plans/{{plan_id}}/lines/{{line_id}}"),
               ("POST", f"{UI}/plans/{{plan_id}}/solve"),
               ("POST", f"{UI}/plans/{{plan_id}}/approve"),
               ("GET", f"{UI}/imports"), ("POST", f"{UI}/imports"),
               ("POST", f"{UI}/imports/confirm"), ("POST", f"{UI}/imports/cancel")}
# Parameters that name a person or a unit's people: a route with one of them is a "person route".
PERSON_PARAMS = {"employee_id", "unit", "enrollment_id", "plan_id", "line_id", "q"}

EMPLOYEE_CSV = b"employee_id,name\n"


def _csrf(**form) -> dict:
    return {"data": {"csrf_token": CSRF, **form}}


# One or more requests per route. ``{name}`` placeholders are filled from the values of the
# sweep (the other unit's, or the head's own); strings in params/json/data too.
RECIPES: dict[tuple[str, str], list[dict]] = {
    ("GET", f"{API}/health/live"): [{}],
    ("GET", f"{API}/health/ready"): [{}],
    ("POST", f"{API}/auth/login"): [{"json": {"username": "nobody", "password": "x" * 12}}],
    ("GET", f"{API}/auth/me"): [{}],
    ("GET", f"{API}/users"): [{}],
    ("POST", f"{API}/users"): [{"json": {"username": "sweep_new", "password": "a-long-password",
                                         "role": "unit_head", "unit": "{unit}"}}],
    ("GET", f"{API}/employees"): [{}, {"params": {"unit": "{unit}"}},
                                  {"params": {"q": "{employee_id}"}},
                                  {"params": {"q": "{name}"}}],
    ("GET", f"{API}/employees/{{employee_id}}"): [{}],
    ("GET", f"{API}/employees/{{employee_id}}/recommendations"): [{}],
    ("GET", f"{API}/recommendations"): [{"params": {"unit": "{unit}", "format": fmt}}
                                        for fmt in ("json", "csv", "xlsx")]
    + [{"params": {"format": "xlsx"}}],
    ("GET", f"{API}/employees/{{employee_id}}/engagement"): [{}],
    ("GET", f"{API}/units/{{unit}}/engagement"): [{}],
    ("GET", f"{API}/programs"): [{}],
    ("POST", f"{API}/programs"): [{"json": {"program_id": "PSWEEP", "title": "x"}}],
    ("PATCH", f"{API}/programs/{{program_id}}"): [{"json": {}}],
    ("GET", f"{API}/offerings"): [{}],
    ("POST", f"{API}/offerings"): [{"json": {"offering_id": "OSWEEP",
                                             "program_id": "{program_id}"}}],
    ("PATCH", f"{API}/offerings/{{offering_id}}"): [{"json": {}}],
    ("POST", f"{API}/decisions"): [{"json": {"employee_id": "{employee_id}",
                                             "program_id": "{program_id}",
                                             "decision": "rejected", "reason": "sweep"}}],
    ("GET", f"{API}/decisions/stats"): [{}],
    ("PATCH", f"{API}/enrollments/{{enrollment_id}}"): [{"json": {"status": "{enrollment_status}"}}],
    ("GET", f"{API}/training-records"): [{}, {"params": {"unit": "{unit}"}},
                                         {"params": {"employee_id": "{employee_id}"}},
                                         {"params": {"match_status": "auto"}}],
    ("POST", f"{API}/training-records/review"): [{"json": {
        "employee_id": "{employee_id}", "title": "sweep", "start_date": "2024-01-01",
        "action": "reject"}}],
    ("POST", f"{API}/imports"): [{"files": {"files": ("employees.csv", EMPLOYEE_CSV, "text/csv")},
                                  "data": {"dry_run": "true"}}],
    ("GET", f"{API}/model"): [{}],
    ("GET", f"{API}/model/card"): [{}],
    ("POST", f"{API}/model/reload"): [{}],
    ("POST", f"{API}/model/retrain"): [{"json": {"quarter": "2026Q1"}}],
    ("GET", f"{API}/model/retrain"): [{}],
    ("POST", f"{API}/model/rollback"): [{}],
    ("GET", f"{API}/audit"): [{}],
    ("GET", f"{API}/risk-groups"): [{}],
    ("GET", f"{API}/running-enrolments"): [{}, {"params": {"unit": "{unit}"}}],
    ("POST", f"{API}/plans"): [{"json": {"budget_idr": 1000}}],
    ("GET", f"{API}/plans"): [{}],
    ("GET", f"{API}/plans/{{plan_id}}"): [{}],
    ("PATCH", f"{API}/plans/{{plan_id}}/lines/{{line_id}}"): [{"json": {"action": "lock"}}],
    ("POST", f"{API}/plans/{{plan_id}}/solve"): [{}],
    ("POST", f"{API}/plans/{{plan_id}}/approve"): [{}],
    ("GET", f"{API}/plans/{{plan_id}}/export"): [{"params": {"format": "csv"}},
                                                 {"params": {"format": "xlsx"}}],
    ("GET", f"{UI}/login"): [{}],
    ("POST", f"{UI}/login"): [_csrf(username="nobody", password="x" * 12)],
    ("POST", f"{UI}/logout"): [_csrf()],
    ("GET", f"{UI}/"): [{}],
    ("GET", f"{UI}/employees"): [{}, {"params": {"q": "{employee_id}"}},
                                 {"params": {"q": "{name}"}}],
    ("GET", f"{UI}/employees/{{employee_id}}"): [{}],
    ("POST", f"{UI}/employees/{{employee_id}}/decisions"): [
        _csrf(program_id="{program_id}", decision="rejected", reason="sweep")],
    ("POST", f"{UI}/employees/{{employee_id}}/training-records"): [
        _csrf(title="sweep", start_date="2024-01-01", action="reject")],
    ("GET", f"{UI}/units"): [{}],
    ("GET", f"{UI}/units/{{unit}}"): [{}],
    ("GET", f"{UI}/units/{{unit}}/export"): [{"params": {"format": "csv"}},
                                             {"params": {"format": "xlsx"}}],
    ("GET", f"{UI}/risk-groups"): [{}],
    ("GET", f"{UI}/running"): [{}],
    ("GET", f"{UI}/plans"): [{}],
    ("POST", f"{UI}/plans"): [_csrf(budget_idr="1000")],
    ("GET", f"{UI}/plans/{{plan_id}}"): [{}],
    ("POST", f"{UI}/plans/{{plan_id}}/lines/{{line_id}}"): [_csrf(action="lock")],
    ("POST", f"{UI}/plans/{{plan_id}}/solve"): [_csrf()],
    ("POST", f"{UI}/plans/{{plan_id}}/approve"): [_csrf()],
    ("GET", f"{UI}/plans/{{plan_id}}/export"): [{"params": {"format": "csv"}},
                                                {"params": {"format": "xlsx"}}],
    ("GET", f"{UI}/akpk"): [{}],
    ("GET", f"{UI}/akpk/download"): [{"params": {"year": "{year}", "budget_idr": "400000000"}}],
    ("GET", f"{UI}/imports"): [{}],
    ("POST", f"{UI}/imports"): [{"files": {"files": ("employees.csv", EMPLOYEE_CSV, "text/csv")},
                                 **_csrf()}],
    ("POST", f"{UI}/imports/confirm"): [_csrf(token="0" * 32)],
    ("POST", f"{UI}/imports/cancel"): [_csrf(token="0" * 32)],
    ("GET", f"{UI}/model"): [{}],
    ("GET", f"{UI}/model/card"): [{}],
    ("POST", f"{UI}/model/reload"): [_csrf()],
    ("POST", f"{UI}/model/rollback"): [_csrf()],
    ("POST", f"{UI}/model/promote"): [_csrf(version="1")],
    ("POST", f"{UI}/model/retrain"): [_csrf(quarter="2026Q1")],
    ("GET", "/"): [{}],
    ("GET", "/openapi.json"): [{}],
    ("GET", "/docs"): [{}],
    ("GET", "/docs/oauth2-redirect"): [{}],
    ("GET", "/redoc"): [{}],
    ("MOUNT", f"{UI}/static"): [],  # files, not a route: public by design
}


# ------------------------------------------------------------------------------ the route table
def route_table(app) -> dict[tuple[str, str], object]:
    """Every (method, path) the app answers, flattened through included routers; a mount is
    ("MOUNT", path). HEAD is left out (it answers as GET)."""
    table: dict[tuple[str, str], object] = {}
    for ctx in iter_route_contexts(app.routes):
        methods = sorted(set(ctx.methods or ()) - {"HEAD"})
        if not ctx.methods:
            table[("MOUNT", ctx.path)] = ctx
        for method in methods:
            assert (method, ctx.path) not in table, f"{method} {ctx.path} is registered twice"
            table[(method, ctx.path)] = ctx
    return table


def dependency_calls(ctx) -> set:
    """Every callable in a route's dependency tree."""
    calls: set = set()
    dependant = getattr(ctx, "dependant", None)
    stack = list(dependant.dependencies) if dependant is not None else []
    while stack:
        dep = stack.pop()
        calls.add(dep.call)
        stack.extend(dep.dependencies)
    return calls


def parameter_names(ctx) -> set[str]:
    """Path, query and form parameter names of a route, and the fields of its JSON body."""
    dependant = getattr(ctx, "dependant", None)
    if dependant is None:
        return set()
    names = {p.name for p in (*dependant.path_params, *dependant.query_params)}
    for param in dependant.body_params:
        names.add(param.name)
        names.update(getattr(param.field_info.annotation, "model_fields", {}) or {})
    return names


def role_gate(ctx) -> str | None:
    """"admin" or "editor" when the route's dependencies check the role, else None."""
    from service.api import deps
    from service.web import session

    calls = dependency_calls(ctx)
    if calls & {deps.require_admin, session.admin}:
        return "admin"
    if calls & {deps.require_editor, session.editor}:
        return "editor"
    return None


# ---------------------------------------------------------------------------------- the world
@pytest.fixture(scope="module")
def sweep(real_world, api_settings, tmp_path_factory, kit):
    """A private copy of ``real_world`` served by the app, users of every role for two units
    (A, B: the units with most lines in a plan built through the API), and the values a sweep
    fills its requests with."""
    from service.api.app import create_app
    from service.auth.users import create_user
    from service.pseudonym import person_key
    from service.storage.engine import get_engine

    with real_world["engine"].connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = tmp_path_factory.mktemp("authz") / "data"
    shutil.copytree(real_world["data_dir"], folder)
    emp, enr, prog = CANONICAL["employees"], CANONICAL["enrollments"], CANONICAL["programs"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(folder))
        for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        engine = get_engine()
        create_user(engine, "sw_admin", PASSWORD, "admin")
        create_user(engine, "sw_analyst", PASSWORD, "analyst")
        with TestClient(create_app(engine, api=api_settings), follow_redirects=False) as app_client:
            app = app_client.app
            secret = app.state.services.jwt_secret
            analyst = kit.bearer(app_client, "sw_analyst", "analyst")
            with engine.connect() as conn:  # one person of every unit is left out of the plan
                excluded = sorted(e for e, in conn.execute(
                    sa.select(sa.func.max(emp.c.employee_id)).group_by(emp.c.unit)))
            r = app_client.post(f"{API}/plans", json={"budget_idr": 400_000_000,
                                                      "max_per_person": 1,
                                                      "exclude_employee": excluded},
                                headers=analyst)
            assert r.status_code == 202, r.text
            plan = kit.wait_built(app_client, r.json()["plan_id"], analyst)
            assert plan["status"] == "draft", plan
            lines = Counter(line["unit"] for line in plan["lines"])
            (unit_a, _), (unit_b, _) = lines.most_common(2)
            create_user(engine, "sw_head_a", PASSWORD, "unit_head", unit_a)
            create_user(engine, "sw_head_b", PASSWORD, "unit_head", unit_b)
            with engine.connect() as conn:
                people = conn.execute(sa.select(emp.c.employee_id, emp.c.name, emp.c.unit)).all()
                program = conn.execute(sa.select(prog.c.program_id)
                                       .order_by(prog.c.program_id).limit(1)).scalar_one()
                offering = conn.execute(sa.select(CANONICAL["offerings"].c.offering_id)).first()[0]

                def values_for(unit: str) -> dict:
                    person = conn.execute(
                        sa.select(emp.c.employee_id, emp.c.name, enr.c.id, enr.c.status)
                        .join(enr, enr.c.employee_id == emp.c.employee_id)
                        .where(emp.c.unit == unit, emp.c.active.is_(True))
                        .order_by(emp.c.employee_id, enr.c.id)).first()
                    line = next(x for x in plan["lines"] if x["unit"] == unit)
                    return {"employee_id": person[0], "name": person[1], "unit": unit,
                            "enrollment_id": str(person[2]), "enrollment_status": person[3],
                            "plan_id": plan["plan_id"], "line_id": str(line["line_id"]),
                            "program_id": program, "offering_id": offering,
                            "year": plan["quarter"][:4]}

                values = {"a": values_for(unit_a), "b": values_for(unit_b)}
            ids = {u: {e for e, _, unit in people if unit == u} for u in (unit_a, unit_b)}
            all_ids = {e for e, _, _ in people}
            # The pseudonyms too: a unit head has no business with other units' person keys.
            pkey = app.state.services.pseudonym_key
            foreign_keys = {person_key(e, pkey) for e, _, unit in people if unit != unit_a}
            own_names = [n for _, n, unit in people if unit == unit_a and n]
            # Names of B that no one in A shares (nor contains): a hit is another unit's person.
            foreign_names = {n for _, n, unit in people
                             if unit != unit_a and n and len(n) >= 5
                             and not any(n in m for m in own_names)}

            def token(username: str, role: str, *, secret_: str = secret,
                      age_minutes: float = 0) -> str:
                from service.auth import tokens

                issued, _ = tokens.issue(secret_, username, role, minutes=5,
                                         now=dt.datetime.now(dt.UTC)
                                         - dt.timedelta(minutes=age_minutes))
                return issued

            yield {"app": app, "client": app_client, "engine": engine, "token": token,
                   "values": values, "unit_a": unit_a, "unit_b": unit_b, "ids": ids,
                   "all_ids": all_ids, "foreign_names": foreign_names, "plan": plan,
                   "foreign_keys": foreign_keys, "excluded": excluded}
        engine.dispose()
    get_settings.cache_clear()


def client_as(app, token: str | None) -> TestClient:
    """A client of the running app sending ``token`` as bearer and as the session cookie."""
    client = TestClient(app, follow_redirects=False)
    client.cookies.set("asn_csrf", CSRF)
    if token is not None:
        client.headers["Authorization"] = f"Bearer {token}"
        client.cookies.set("asn_session", token)
    return client


def _fill(value, values: dict):
    if isinstance(value, str):
        return value.format(**values)
    if isinstance(value, dict):
        return {k: _fill(v, values) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, values) for v in value]
    return value


def call(client: TestClient, method: str, path: str, recipe: dict, values: dict):
    kwargs = {k: _fill(v, values) for k, v in recipe.items() if k != "files"}
    if "files" in recipe:
        kwargs["files"] = recipe["files"]
    return client.request(method, path.format(**values), **kwargs)


def body_text(response) -> str:
    """What a person could read in an answer: JSON (unescaped), HTML (entities decoded), CSV,
    the XML inside an XLSX file, the redirect target and the download's file name. A page's echo
    of its own address and query is left out: it is not an answer."""
    kind = response.headers.get("content-type", "")
    raw = response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            text = "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())
    elif "json" in kind and raw:
        text = json.dumps(response.json(), ensure_ascii=False)
    else:
        text = raw.decode("utf-8", "replace")
    extra = " ".join(response.headers.get(h, "") for h in ("location", "content-disposition"))
    text = html.unescape(f"{text}\n{extra}")
    if "html" in kind:
        # A page echoes its own address and what was typed (search box, pager and language
        # links, also on an error page): not an answer. A page that did show the person would
        # still be caught: by id the row or profile shows the name, by name the id (the sweep
        # asks both ways), and the person routes must answer 403/404.
        url = response.request.url
        for echo in sorted({url.raw_path.decode().split("?")[0], unquote(url.path),
                            *url.params.values()}, key=len, reverse=True):
            if len(echo) > 1:
                text = text.replace(echo, "").replace(quote_plus(echo), "")
    return text


# ----------------------------------------------------------------------------------- the sweeps
def test_the_route_table_is_classified_and_has_a_recipe_for_every_route(sweep):
    app = sweep["app"]
    table = route_table(app)
    # The OpenAPI schema's operations are all in the flattened table (nothing hidden from it).
    schema_ops = {(m.upper(), p) for p, ops in app.openapi()["paths"].items() for m in ops}
    assert schema_ops and schema_ops <= set(table), schema_ops - set(table)
    ui_routes = {k for k in table if k[1].startswith(UI)}
    assert len(ui_routes) >= 25 and len(schema_ops) >= 35
    missing = set(table) - set(RECIPES)
    assert not missing, f"routes without a sweep recipe (add them to RECIPES): {sorted(missing)}"
    stale = set(RECIPES) - set(table)
    assert not stale, f"recipes for routes that no longer exist: {sorted(stale)}"
    # Role gates as the code declares them, against the lists above.
    gates = {k: role_gate(ctx) for k, ctx in table.items()}
    assert {k for k, g in gates.items() if g == "admin"} == ADMIN_ONLY
    assert {k for k, g in gates.items() if g == "editor"} == EDITOR_ONLY
    model_ops = {k for k in table if re.search(r"/model/(reload|retrain|rollback|promote)$", k[1])
                 and k[0] == "POST"}
    assert len(model_ops) == 7 and model_ops <= ADMIN_ONLY
    assert PUBLIC <= set(table)
    print(f"\nroute table: {len(table)} (method, path) pairs, {len(schema_ops)} in OpenAPI, "
          f"{len(ui_routes)} under /ui; admin-only {len(ADMIN_ONLY)}, editor-only "
          f"{len(EDITOR_ONLY)}, public {len(PUBLIC)}")


@pytest.mark.parametrize("credential", ["none", "expired", "other_secret", "garbage"])
def test_every_non_public_route_refuses_a_missing_or_bad_credential(sweep, credential):
    token = {"none": None, "garbage": "abc.def.ghi",
             "expired": sweep["token"]("sw_admin", "admin", age_minutes=10),
             "other_secret": sweep["token"]("sw_admin", "admin",
                                            secret_="not-the-secret-" + "x" * 32)}[credential]
    client = client_as(sweep["app"], token)
    table = route_table(sweep["app"])
    swept, requests_made = set(), 0
    values = sweep["values"]["a"]
    for key in sorted(table):
        method, path = key
        if key in PUBLIC:
            continue
        for recipe in RECIPES[key]:
            r = call(client, method, path, recipe, values)
            requests_made += 1
            if path.startswith(f"{API}/"):
                assert r.status_code == 401, (credential, key, r.status_code, r.text[:300])
                assert r.headers.get("www-authenticate") == "Bearer", key
            elif path.startswith(f"{UI}/"):
                assert r.status_code == 303, (credential, key, r.status_code, r.text[:300])
                assert r.headers["location"].startswith(f"{UI}/login?next="), key
                if token is not None:
                    assert "why=login.expired" in r.headers["location"], key
            else:
                pytest.fail(f"{key} is neither public nor under {API} or {UI}: classify it")
            for e in sweep["all_ids"]:
                assert e not in r.text, (key, "an employee id in a refusal")
        swept.add(key)
    assert swept == set(table) - PUBLIC, set(table) - PUBLIC - swept
    assert len(swept) >= 55 and requests_made > len(swept)
    print(f"\n{credential}: {len(swept)} routes, {requests_made} requests refused")


def _around(text: str, needle: str, width: int = 150) -> str:
    at = text.find(needle)
    return text[max(0, at - width):at + len(needle) + width]


def _sweep_unit_head(sweep, which: str) -> dict:
    """Head of unit A calls every non-public route with unit ``which``'s values."""
    head = client_as(sweep["app"], sweep["token"]("sw_head_a", "unit_head"))
    values = sweep["values"][which]
    table = route_table(sweep["app"])
    results: dict[tuple[str, str], list] = {}
    for key in sorted(table):
        if key in PUBLIC:
            continue
        results[key] = [(r.status_code, body_text(r), r)
                        for r in (call(head, key[0], key[1], recipe, values)
                                  for recipe in RECIPES[key])]
    return results


def test_a_unit_head_never_reaches_another_units_people(sweep):
    table = route_table(sweep["app"])
    foreign = _sweep_unit_head(sweep, "b")
    own = _sweep_unit_head(sweep, "a")
    own_ids = sweep["ids"][sweep["unit_a"]]
    foreign_ids = (sweep["all_ids"] - own_ids) | sweep["foreign_keys"]
    b = sweep["values"]["b"]
    assert b["name"] in sweep["foreign_names"], "the other unit's person has a name shared in A"
    tally = Counter()
    for key, answers in foreign.items():
        gate = role_gate(table[key])
        person_route = bool(parameter_names(table[key]) & PERSON_PARAMS)
        for (status, text, r), (own_status, own_text, _) in zip(answers, own[key]):
            where = f"{key[0]} {key[1]} -> {status}"
            # Nothing of another unit, in any answer (refusals included).
            leaked = [e for e in foreign_ids if e in text]
            assert not leaked, (where, "other units' ids", leaked[:3], _around(text, leaked[0]))
            names = [n for n in sweep["foreign_names"] if n in text]
            assert not names, (where, "other units' names", names[:3], _around(text, names[0]))
            assert not (r.is_redirect and r.headers["location"].startswith(f"{UI}/login")), where
            if gate is not None:
                assert status == 403, (where, f"{gate}-only route answered a unit head")
                tally["403 role"] += 1
                continue
            assert status in (200, 201, 303, 403, 404), (where, text[:300])
            if status in (403, 404):
                tally["403/404 scope"] += 1
                # The same request with the head's own unit's values is answered: the refusal
                # comes from the unit scope, not from a broken request.
                assert own_status in (200, 201, 303), (f"{key} own unit -> {own_status}",
                                                       own_text[:300])
                assert person_route, (where, "refused without a person parameter")
            else:
                tally["answered without foreign data"] += 1
            if person_route and own_status in (200, 201):
                tally["own-unit ids seen"] += any(e in own_text for e in own_ids)
    # The scoped person routes: every one refuses B's employee, enrollment and unit.
    refused = {k for k, answers in foreign.items() if role_gate(table[k]) is None
               and any(s in (403, 404) for s, _, _ in answers)}
    expected_refusals = {
        ("GET", f"{API}/employees/{{employee_id}}"),
        ("GET", f"{API}/employees/{{employee_id}}/recommendations"),
        ("GET", f"{API}/employees/{{employee_id}}/engagement"),
        ("GET", f"{API}/units/{{unit}}/engagement"),
        ("POST", f"{API}/decisions"), ("PATCH", f"{API}/enrollments/{{enrollment_id}}"),
        ("GET", f"{UI}/employees/{{employee_id}}"),
        ("POST", f"{UI}/employees/{{employee_id}}/decisions"),
        ("GET", f"{UI}/units/{{unit}}"), ("GET", f"{UI}/units/{{unit}}/export"),
    }
    assert refused == expected_refusals, (refused ^ expected_refusals)
    assert tally["own-unit ids seen"] >= 10, tally
    assert len(foreign) == len(route_table(sweep["app"])) - len(PUBLIC)
    print(f"\nunit head sweep: {len(foreign)} routes, {sum(map(len, foreign.values()))} requests "
          f"with another unit's values, the same with their own; {dict(tally)}")


def test_lists_exports_and_plans_hold_only_the_heads_unit(sweep):
    """The list, search, batch and export answers are not empty, and every id in them is A's."""
    head = client_as(sweep["app"], sweep["token"]("sw_head_a", "unit_head"))
    own_ids = sweep["ids"][sweep["unit_a"]]
    id_pattern = re.compile("|".join(re.escape(e) for e in sorted(sweep["all_ids"], key=len,
                                                                   reverse=True)))
    pid = sweep["values"]["a"]["plan_id"]
    checks = [("GET", f"{API}/employees", {"params": {"page_size": 200}}),
              ("GET", f"{API}/training-records", {"params": {"page_size": 200}}),
              ("GET", f"{API}/recommendations", {"params": {"format": "json"}}),
              ("GET", f"{API}/recommendations", {"params": {"format": "csv"}}),
              ("GET", f"{API}/recommendations", {"params": {"format": "xlsx"}}),
              ("GET", f"{API}/plans/{pid}", {}),
              ("GET", f"{API}/plans/{pid}/export", {"params": {"format": "xlsx"}}),
              ("GET", f"{UI}/plans/{pid}", {}), ("GET", f"{UI}/plans/{pid}/export", {}),
              ("GET", f"{UI}/employees", {}), ("GET", f"{UI}/",  {}),
              ("GET", f"{UI}/units/{sweep['unit_a']}", {}),
              ("GET", f"{UI}/units/{sweep['unit_a']}/export", {"params": {"format": "xlsx"}})]
    for method, path, kwargs in checks:
        r = head.request(method, path, **kwargs)
        assert r.status_code == 200, (path, r.status_code)
        seen = set(id_pattern.findall(body_text(r)))
        if path != f"{UI}/":
            assert seen, (path, "no employee in the answer: the check would prove nothing")
        assert seen <= own_ids, (path, sorted(seen - own_ids)[:3])
    # The plan holds both units; the head's view of it holds A's lines only.
    plan = head.get(f"{API}/plans/{pid}").json()
    assert {line["unit"] for line in plan["lines"]} == {sweep["unit_a"]}
    assert sweep["plan"]["settings"]["excluded_people"]  # the analyst sees whom they left out
    for text in (json.dumps(plan), body_text(head.get(f"{UI}/plans/{pid}"))):
        assert not [k for k in sweep["foreign_keys"] if k in text], "other units' person keys"
    assert plan["summary"] is None
    assert {line["unit"] for line in sweep["plan"]["lines"]} >= {sweep["unit_a"], sweep["unit_b"]}
    # Risk groups: the head's own unit's part, with no person in it.
    risk = head.get(f"{API}/risk-groups").json()
    assert risk["unit"] == sweep["unit_a"]
    assert not id_pattern.findall(json.dumps(risk))
    # Decision statistics: the head's own unit's decisions, by unit and category, no person.
    stats = head.get(f"{API}/decisions/stats").json()
    assert stats["unit"] == sweep["unit_a"]
    assert {r["group"] for r in stats["by_unit"]} <= {sweep["unit_a"]}
    assert not id_pattern.findall(json.dumps(stats))
    # Running trainings: only A's people (tests/service/api/test_running.py shows the list is
    # not empty on a world with running trainings in the head's unit).
    for path in (f"{API}/running-enrolments", f"{UI}/running"):
        r = head.get(path)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        assert set(id_pattern.findall(body_text(r))) <= own_ids, path


@pytest.mark.parametrize("role", ["analyst", "unit_head"])
def test_admin_only_routes_refuse_analysts_and_unit_heads(sweep, role):
    user = {"analyst": "sw_analyst", "unit_head": "sw_head_a"}[role]
    client = client_as(sweep["app"], sweep["token"](user, role))
    gated = ADMIN_ONLY | (EDITOR_ONLY if role == "unit_head" else set())
    champion = sweep["app"].state.services.server.state.version
    for method, path in sorted(gated):
        for recipe in RECIPES[(method, path)]:
            r = call(client, method, path, recipe, sweep["values"]["a"])
            assert r.status_code == 403, (role, method, path, r.status_code, r.text[:200])
    # Nothing changed: the same champion is served, no retraining started.
    assert sweep["app"].state.services.server.state.version == champion
    admin = client_as(sweep["app"], sweep["token"]("sw_admin", "admin"))
    job = admin.get(f"{API}/model/retrain").json()
    assert not job["running"] and job["actor"] not in ("sw_analyst", "sw_head_a"), job
    for path in (f"{API}/users", f"{API}/audit"):  # the admin is answered (the recipe is sound)
        assert admin.get(path).status_code == 200
    print(f"\n{role}: {len(gated)} gated routes refused")

"""Rendering a page: the Jinja2 environment, the language, the CSRF token and the navigation."""

from __future__ import annotations

from functools import lru_cache, partial
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from service.auth.roles import ADMIN, EDITORS, Principal
from service.web import formatting
from service.web.i18n import LANG_COOKIE, language_of, requested_language, translate
from service.web.session import CSRF_FIELD, csrf_token, set_csrf

TEMPLATES = Path(__file__).parent / "templates"
# (catalogue key, path, who sees it: None for everyone)
NAV = (("nav.overview", "/ui/", None), ("nav.employees", "/ui/employees", None),
       ("nav.units", "/ui/units", None), ("nav.risk", "/ui/risk-groups", None),
       ("nav.running", "/ui/running", None),
       ("nav.plans", "/ui/plans", EDITORS), ("nav.akpk", "/ui/akpk", None),
       ("nav.imports", "/ui/imports", EDITORS),
       ("nav.model", "/ui/model", None))


@lru_cache
def environment() -> Environment:
    """The template environment (built on first use)."""
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(),
                       trim_blocks=True, lstrip_blocks=True)


def navigation(user: Principal | None) -> list[tuple[str, str]]:
    """The menu entries this user's role may use."""
    if user is None:
        return []
    return [(key, path) for key, path, roles in NAV if roles is None or user.role in roles]


def switch_url(request: Request, lang: str) -> str:
    """The current page in another language."""
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def render(request: Request, template: str, user: Principal | None = None, status: int = 200,
           **values: object) -> HTMLResponse:
    """Render ``template`` in the request's language; remember a ``?lang=`` choice."""
    lang = language_of(request)
    token, new_token = csrf_token(request)
    context = {
        "request": request, "user": user, "lang": lang, "nav": navigation(user),
        "t": partial(translate, lang), "csrf_field": CSRF_FIELD, "csrf": token,
        "num": partial(formatting.number, lang=lang), "money": partial(formatting.money, lang=lang),
        "pct": partial(formatting.percent, lang=lang), "day": partial(formatting.date, lang=lang),
        "moment": partial(formatting.datetime, lang=lang),
        "is_admin": bool(user and user.role == ADMIN),
        "is_editor": bool(user and user.role in EDITORS),
        "switch_url": partial(switch_url, request),
        "path": request.url.path, **values,
    }
    html = environment().get_template(template).render(context)
    response = HTMLResponse(html, status)
    if new_token:
        set_csrf(response, request, token)
    if requested_language(request):
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", path="/")
    return response

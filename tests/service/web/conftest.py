"""Fixtures of the dashboard tests: one small trained world served by uvicorn on 127.0.0.1,
logged-in HTTP clients per role, and (when Chromium is installed) a headless browser."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from service.settings import get_settings

PASSWORD = "correct-horse-battery"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def web_world(tmp_path_factory):
    """200 synthetic employees over 2 years, one trained champion, users of every role.

    Two unit heads are made for the two largest units (``unit_a``, ``unit_b``).
    """
    import synthetic
    from model.config import ModelConfig
    from service.auth.users import create_user
    from service.ingest.importer import import_paths
    from service.storage.engine import get_engine, init_db
    from service.storage.schema import CANONICAL
    from service.training import train_and_register

    data = tmp_path_factory.mktemp("web") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(data))
        for name in ("DATABASE_URL", "ASN_PSEUDONYM_KEY", "MLFLOW_TRACKING_URI"):
            mp.delenv(name, raising=False)
        get_settings.cache_clear()
        synthetic.write_world(synthetic.generate(200, 2, seed=11), data / "raw", data / "truth")
        engine = get_engine()
        init_db(engine)
        assert import_paths([data / "raw"], engine).ok
        trained = train_and_register(engine, config=ModelConfig(
            train_quarters=4, ranker_max_iter=30, engagement_max_iter=30, seed=1))
        emp = CANONICAL["employees"]
        with engine.connect() as conn:
            units = [r[0] for r in conn.execute(
                sa.select(emp.c.unit).where(emp.c.active.is_(True)).group_by(emp.c.unit)
                .order_by(sa.func.count().desc(), emp.c.unit).limit(2))]
            first = {u: conn.execute(sa.select(emp.c.employee_id, emp.c.name)
                                     .where(emp.c.unit == u, emp.c.active.is_(True))
                                     .order_by(emp.c.employee_id)).first() for u in units}
        create_user(engine, "web_admin", PASSWORD, "admin")
        create_user(engine, "web_analyst", PASSWORD, "analyst")
        create_user(engine, "head_a", PASSWORD, "unit_head", units[0])
        create_user(engine, "head_b", PASSWORD, "unit_head", units[1])
        yield {"engine": engine, "data_dir": data, "version": trained.version,
               "as_of": trained.as_of, "unit_a": units[0], "unit_b": units[1],
               "person_a": first[units[0]][0], "name_a": first[units[0]][1],
               "person_b": first[units[1]][0], "name_b": first[units[1]][1]}
        engine.dispose()
    get_settings.cache_clear()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(web_world):
    """The whole app (API and dashboard) served by uvicorn on a free loopback port."""
    import uvicorn

    from service.api.app import create_app
    from service.api.settings import ApiSettings

    settings = ApiSettings(model_poll_seconds=0, context_rebuild_delay=0.0,
                           login_max_failures=5, login_max_per_client=1000)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ASN_DATA_DIR", str(web_world["data_dir"]))
        get_settings.cache_clear()
        port = _free_port()
        app = create_app(web_world["engine"], api=settings)
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                               log_level="warning", lifespan="on"))
        thread = threading.Thread(target=server.run, name="web-test-server", daemon=True)
        thread.start()
        deadline = time.monotonic() + 60
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/api/v1/health/ready", timeout=30).status_code == 200
        yield {"base": base, "app": app}
        server.should_exit = True
        thread.join(timeout=15)
    get_settings.cache_clear()


def csrf_of(client: httpx.Client) -> str:
    """The CSRF token the server set (a GET of any page sets it)."""
    if "asn_csrf" not in client.cookies:
        client.get("/ui/login")
    return client.cookies["asn_csrf"]


def log_in(base: str, username: str, password: str = PASSWORD) -> httpx.Client:
    """An HTTP client holding a dashboard session of ``username``."""
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    client.get("/ui/login")
    answer = client.post("/ui/login", data={"username": username, "password": password,
                                             "csrf_token": csrf_of(client), "next": "/ui/"})
    assert answer.status_code == 303, answer.text[:500]
    return client


@pytest.fixture(scope="session")
def sessions(live_server):
    """Logged-in HTTP clients: admin, analyst, head_a, head_b."""
    clients = {name: log_in(live_server["base"], user) for name, user in
               (("admin", "web_admin"), ("analyst", "web_analyst"), ("head_a", "head_a"),
                ("head_b", "head_b"))}
    yield clients
    for client in clients.values():
        client.close()


@pytest.fixture(scope="session")
def web_kit():
    """Helpers for the test modules (which cannot import conftest)."""
    from types import SimpleNamespace

    return SimpleNamespace(log_in=log_in, csrf_of=csrf_of, PASSWORD=PASSWORD,
                           SCREENSHOTS=SCREENSHOTS, text_of=text_of)


def text_of(html: str) -> str:
    """The visible text of a page, roughly (tags dropped, spaces collapsed)."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="session")
def browser(live_server):
    """Debian's Chromium driven by Playwright (skips when either is missing)."""
    playwright = pytest.importorskip("playwright.sync_api",
                                     reason="playwright is not installed (pip install playwright)")
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with playwright.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, headless=True,
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context (no cookies) at 1366x768, downloads allowed."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(base_url=live_server["base"], accept_downloads=True,
                                  viewport={"width": 1366, "height": 768}, locale="id-ID")
    context.set_default_timeout(20_000)
    tab = context.new_page()
    yield tab
    context.close()

"""``asn-reco create-user`` and the first-run admin of ``asn-reco serve`` (commands/serving.py)."""

from typer.testing import CliRunner

from commands.main import app


def test_create_user_command(data_dir):
    runner = CliRunner()
    r = runner.invoke(app, ["create-user", "analyst_cli", "--role", "analyst", "--generate"])
    assert r.exit_code == 0, r.output
    assert "created analyst_cli (analyst)" in r.output and "one-time password:" in r.output
    again = runner.invoke(app, ["create-user", "analyst_cli", "--role", "analyst", "--generate"])
    assert again.exit_code == 2 and "already exists" in again.output
    bad = runner.invoke(app, ["create-user", "boss", "--role", "root", "--generate"])
    assert bad.exit_code != 0
    head = runner.invoke(app, ["create-user", "head_x", "--role", "unit_head", "--unit", "Nowhere",
                               "--generate"])
    assert head.exit_code == 2 and "unknown unit" in head.output


def test_prompted_password_is_hashed_and_works(data_dir):
    from service.auth.passwords import verify_password
    from service.auth.users import find_user
    from service.storage.engine import get_engine

    r = CliRunner().invoke(app, ["create-user", "admin2", "--role", "admin"],
                           input="a-long-password\na-long-password\n")
    assert r.exit_code == 0, r.output
    assert "a-long-password" not in r.output
    with get_engine().connect() as conn:
        user, hashed = find_user(conn, "admin2")
    assert hashed.startswith("$argon2id$") and verify_password(hashed, "a-long-password")
    assert not verify_password(hashed, "a-long-passwore")


def test_serve_keeps_idle_connections_longer_than_the_proxy(data_dir, monkeypatch):
    """A server that closes idle connections before its clients do races their next request."""
    import re
    from pathlib import Path

    import uvicorn

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **kw: calls.append(kw))
    runner = CliRunner()
    assert runner.invoke(app, ["serve"]).exit_code == 0
    assert runner.invoke(app, ["serve", "--keep-alive", "120"]).exit_code == 0
    assert [c["timeout_keep_alive"] for c in calls] == [75, 120]
    nginx = (Path(__file__).parents[3] / "deploy" / "nginx-asn-reco.conf").read_text()
    proxy_idle = int(re.search(r"keepalive_timeout (\d+)s;", nginx).group(1))
    assert proxy_idle < calls[0]["timeout_keep_alive"]

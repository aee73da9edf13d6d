"""Logging in and out: cookie session, CSRF, redirects, wrong passwords."""

import httpx
import pytest

pytestmark = pytest.mark.slow


@pytest.fixture
def anon(live_server):
    with httpx.Client(base_url=live_server["base"], timeout=60) as client:
        yield client


def test_a_page_without_session_redirects_to_login_with_the_way_back(anon):
    answer = anon.get("/ui/employees?q=siti")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/ui/login?next=%2Fui%2Femployees%3Fq%3Dsiti"


def test_wrong_password_is_refused_without_a_session(anon, web_kit):
    anon.get("/ui/login")
    answer = anon.post("/ui/login", data={"username": "web_analyst", "password": "nope",
                                          "csrf_token": web_kit.csrf_of(anon)})
    assert answer.status_code == 401
    assert "Nama pengguna atau kata sandi salah" in answer.text
    assert "asn_session" not in answer.cookies


@pytest.mark.parametrize("token", [None, "x" * 43])
def test_login_without_the_matching_csrf_token_is_forbidden(anon, web_kit, token):
    anon.get("/ui/login")
    data = {"username": "web_analyst", "password": web_kit.PASSWORD}
    if token:
        data["csrf_token"] = token
    answer = anon.post("/ui/login", data=data)
    assert answer.status_code == 403 and "text/html" in answer.headers["content-type"]
    assert "Formulir kedaluwarsa" in answer.text


def test_login_sets_an_httponly_lax_cookie_and_never_redirects_off_site(anon, web_kit):
    anon.get("/ui/login")
    answer = anon.post("/ui/login", data={"username": "web_analyst", "password": web_kit.PASSWORD,
                                          "csrf_token": web_kit.csrf_of(anon),
                                          "next": "//evil.example/"})
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/"
    cookie = [c for c in answer.headers.get_list("set-cookie") if c.startswith("asn_session=")][0]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert anon.get("/ui/").status_code == 200


def test_logout_ends_the_session(live_server, web_kit):
    client = web_kit.log_in(live_server["base"], "web_analyst")
    assert client.get("/ui/").status_code == 200
    answer = client.post("/ui/logout", data={"csrf_token": web_kit.csrf_of(client)})
    assert answer.status_code == 303
    assert client.get("/ui/").status_code == 303


def test_a_forged_session_cookie_asks_to_log_in_again(anon):
    anon.cookies.set("asn_session", "not.a.token")
    answer = anon.get("/ui/")
    assert answer.status_code == 303 and "why=login.expired" in answer.headers["location"]

"""Session cookie flags and CSRF tokens."""

import pytest
from starlette.requests import Request
from starlette.responses import Response

from service.web import session


def request(scheme: str = "http", cookie: str = "") -> Request:
    headers = [(b"cookie", cookie.encode())] if cookie else []
    return Request({"type": "http", "method": "GET", "scheme": scheme, "path": "/ui/",
                    "headers": headers, "query_string": b"", "server": ("x", 443)})


@pytest.mark.parametrize("scheme, secure", [("http", False), ("https", True)])
def test_session_cookie_is_httponly_lax_and_secure_over_https(scheme, secure):
    response = Response()
    session.set_session(response, request(scheme), "token-value", 3600)
    cookie = response.headers["set-cookie"]
    assert "asn_session=token-value" in cookie and "HttpOnly" in cookie
    assert "SameSite=lax" in cookie and ("Secure" in cookie) is secure


def test_csrf_token_is_reused_when_present_and_made_when_missing():
    token, new = session.csrf_token(request())
    assert new and len(token) >= 32
    same, new_again = session.csrf_token(request(cookie=f"asn_csrf={token}"))
    assert same == token and not new_again
    _, replaced = session.csrf_token(request(cookie="asn_csrf=short"))
    assert replaced

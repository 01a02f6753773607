"""The HTTP client's retries and errors, against httpx.MockTransport."""

from __future__ import annotations

import httpx
import pytest

from flows.crawling.client import USER_AGENT, FetchError, fetch, make_client


def client_for(responses: list[httpx.Response | Exception]) -> tuple[httpx.Client, list[str]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["user-agent"])
        item = responses.pop(0)
        if isinstance(item, Exception):
            raise item
        return item

    return make_client(transport=httpx.MockTransport(handler)), seen


def no_sleep(_: float) -> None:
    return None


def test_retries_5xx_and_timeouts_then_succeeds() -> None:
    client, seen = client_for(
        [
            httpx.Response(503),
            httpx.ReadTimeout("slow"),
            httpx.Response(200, content=b"<html>ok</html>", headers={"content-type": "text/html"}),
        ]
    )
    fetched = fetch(client, "http://portal.test/a", attempts=3, sleep=no_sleep)
    assert (fetched.status, fetched.content, fetched.content_type) == (
        200,
        b"<html>ok</html>",
        "text/html",
    )
    assert seen == [USER_AGENT] * 3


def test_404_is_not_retried() -> None:
    client, seen = client_for([httpx.Response(404), httpx.Response(200)])
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/missing", sleep=no_sleep)
    assert (info.value.reason, info.value.status, info.value.attempts) == (
        "HTTP 404 Not Found",
        404,
        1,
    )
    assert len(seen) == 1


def test_gives_up_after_the_attempts_with_the_last_reason() -> None:
    client, _ = client_for([httpx.Response(500)] * 3)
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/x", attempts=3, sleep=no_sleep)
    assert info.value.reason == "HTTP 500 Internal Server Error after 3 attempts"
    assert info.value.status == 500


def test_connection_errors_are_named() -> None:
    client, _ = client_for([httpx.ConnectError("refused")] * 2)
    with pytest.raises(FetchError) as info:
        fetch(client, "http://portal.test/x", attempts=2, sleep=no_sleep)
    assert info.value.reason == "connection error (ConnectError: refused) after 2 attempts"
    assert info.value.status is None

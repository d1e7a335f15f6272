"""The client for Alexa's service APIs: JSON bodies, https only, one pool, a deadline, failures as SDK errors.

Requests go over real HTTP to a loopback stub (``settings_stub``), reached
through ``base_url`` as the benchmark's configuration does.
"""

from __future__ import annotations

import json
import socket

import pytest
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClientRequest

from support.settings_stub import settings_stub
from trust_renewal.alexa_api import HttpApiClient, request_budget, shared_pool
from trust_renewal.config import ConfigError, config_from_env

ALEXA = "https://api.amazonalexa.com"


@pytest.fixture
def stub():
    with settings_stub() as running:
        yield running


def test_a_json_body_is_sent_as_json_with_its_headers(stub):
    body = {"trigger": {"type": "SCHEDULED_ABSOLUTE"}, "alertInfo": {}}
    request = ApiClientRequest(
        headers=[("Authorization", "Bearer abc"), ("Content-Type", "application/json")],
        url=f"{ALEXA}/v1/alerts/reminders",
        method="POST",
        body=body,
    )
    stub.status = 201
    response = HttpApiClient(base_url=stub.url).invoke(request)
    sent = stub.requests[0]
    assert sent["method"] == "POST" and sent["path"] == "/v1/alerts/reminders"
    assert json.loads(sent["body"]) == body and sent["authorization"] == "Bearer abc"
    assert response.status_code == 201 and json.loads(json.loads(response.body)["echo"]) == body


def test_http_errors_come_back_as_responses(stub):
    stub.zone = None
    request = ApiClientRequest(
        headers=[], url=f"{ALEXA}/v2/devices/d/settings/System.timeZone", method="GET", body=None
    )
    response = HttpApiClient(base_url=stub.url).invoke(request)
    assert response.status_code == 500 and "unavailable" in response.body


def test_network_failures_and_plain_http_are_sdk_errors():
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    request = ApiClientRequest(headers=[], url=f"{ALEXA}/v2/x", method="GET", body=None)
    with pytest.raises(ApiClientException):
        HttpApiClient(base_url=f"http://127.0.0.1:{port}").invoke(request)
    plain = ApiClientRequest(headers=[], url="http://api.amazonalexa.com/v2/x", method="GET", body=None)
    with pytest.raises(ApiClientException):
        HttpApiClient().invoke(plain)


def test_a_stalled_api_is_abandoned_at_the_deadline(stub):
    stub.delay = 2.0
    request = ApiClientRequest(
        headers=[], url=f"{ALEXA}/v2/devices/d/settings/System.timeZone", method="GET", body=None
    )
    with pytest.raises(ApiClientException):
        HttpApiClient(deadline=0.3, base_url=stub.url).invoke(request)


def test_calls_share_one_pool_and_keep_their_connection(stub):
    first, second = HttpApiClient(base_url=stub.url), HttpApiClient(base_url=stub.url)
    assert first.pool is second.pool is shared_pool()
    request = ApiClientRequest(
        headers=[], url=f"{ALEXA}/v2/devices/d/settings/System.timeZone", method="GET", body=None
    )
    for client in (first, second, first):
        assert client.invoke(request).status_code == 200
    assert stub.connections == 1


@pytest.mark.parametrize(
    "url", ["http://api.amazonalexa.com", "http://10.0.0.8:8080", "ftp://127.0.0.1", "localhost:9"]
)
def test_the_api_url_setting_is_https_or_loopback_http_only(url):
    with pytest.raises(ConfigError):
        config_from_env({"ALEXA_API_URL": url})
    assert config_from_env({"ALEXA_API_URL": "http://127.0.0.1:8443"}).alexa_api_url
    assert config_from_env({}).alexa_api_url is None


def test_the_calls_of_one_request_share_one_budget(stub):
    stub.delay = 0.4
    client = HttpApiClient(base_url=stub.url)
    request = ApiClientRequest(
        headers=[], url=f"{ALEXA}/v2/devices/d/settings/System.timeZone", method="GET", body=None
    )
    with request_budget(0.6):
        assert client.invoke(request).status_code == 200  # alone, well inside its own deadline
        with pytest.raises(ApiClientException):
            client.invoke(request)  # the request's budget is spent
    assert client.invoke(request).status_code == 200, "the next request has its own budget"


class _RecordingPool:
    def __init__(self) -> None:
        self.urls: list[str] = []

    def request(self, method, url, **_):
        self.urls.append(url)
        raise ConnectionError("nothing is reachable from this test")


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://api.attacker.example",
        "https://api.amazonalexa.com.attacker.example",
        "https://api.amazonalexa.com:8443",
        "https://user@api.amazonalexa.com",
    ],
)
def test_the_token_is_sent_to_no_host_but_amazons(endpoint):
    pool = _RecordingPool()
    request = ApiClientRequest(
        headers=[("Authorization", "Bearer secret")], url=f"{endpoint}/v2/x", method="GET", body=None
    )
    with pytest.raises(ApiClientException):
        HttpApiClient(pool=pool).invoke(request)
    assert pool.urls == []


@pytest.mark.parametrize("host", ["api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"])
def test_amazons_three_api_hosts_are_called(host):
    pool = _RecordingPool()
    request = ApiClientRequest(headers=[], url=f"https://{host}/v2/x", method="GET", body=None)
    with pytest.raises(ApiClientException):  # the recording pool reaches nothing
        HttpApiClient(pool=pool).invoke(request)
    assert pool.urls == [f"https://{host}/v2/x"]

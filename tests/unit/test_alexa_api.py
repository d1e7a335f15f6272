"""The HTTP client for Alexa's service APIs: JSON bodies, https only, failures as SDK errors."""

from __future__ import annotations

import io
import json
import urllib.error

import pytest
from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClientRequest

from trust_renewal.alexa_api import HttpApiClient


class FakeResponse(io.BytesIO):
    status = 201

    def getheaders(self):
        return [("Content-Type", "application/json")]


def test_a_json_body_is_sent_as_json_with_its_headers():
    sent = {}

    def opener(request, timeout):
        sent.update(url=request.full_url, data=request.data, method=request.get_method(), timeout=timeout)
        sent["auth"] = request.get_header("Authorization")
        return FakeResponse(b'{"alertToken": "t-1"}')

    body = {"trigger": {"type": "SCHEDULED_ABSOLUTE"}, "alertInfo": {}}
    request = ApiClientRequest(
        headers=[("Authorization", "Bearer abc")],
        url="https://api.amazonalexa.com/v1/alerts/reminders",
        method="POST",
        body=body,
    )
    response = HttpApiClient(timeout=1.5, opener=opener).invoke(request)
    assert json.loads(sent["data"]) == body and sent["method"] == "POST" and sent["timeout"] == 1.5
    assert sent["auth"] == "Bearer abc"
    assert response.status_code == 201 and json.loads(response.body) == {"alertToken": "t-1"}


def test_http_errors_come_back_as_responses_and_network_failures_as_sdk_errors():
    def refused(request, timeout):
        raise urllib.error.HTTPError(request.full_url, 403, "Forbidden", {}, io.BytesIO(b"{}"))

    request = ApiClientRequest(headers=[], url="https://api.amazonalexa.com/v2/x", method="GET", body=None)
    assert HttpApiClient(opener=refused).invoke(request).status_code == 403

    def down(request, timeout):
        raise TimeoutError("slow")

    with pytest.raises(ApiClientException):
        HttpApiClient(opener=down).invoke(request)
    plain = ApiClientRequest(headers=[], url="http://api.amazonalexa.com/v2/x", method="GET", body=None)
    with pytest.raises(ApiClientException):
        HttpApiClient(opener=down).invoke(plain)

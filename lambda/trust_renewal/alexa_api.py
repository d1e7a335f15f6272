"""A small HTTP client for Alexa's service APIs (settings, reminders), with short timeouts.

The SDK's default client sets no timeout; a turn must answer within Alexa's 8 s,
so every call here gives up after ``timeout`` seconds.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse

DEFAULT_TIMEOUT = 1.5
MAX_BODY = 256 * 1024


class HttpApiClient(ApiClient):
    def __init__(self, timeout: float = DEFAULT_TIMEOUT, opener=urllib.request.urlopen) -> None:
        self.timeout = timeout
        self._open = opener

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        from ask_sdk_core.exceptions import ApiClientException

        if not (request.url or "").startswith("https://"):
            raise ApiClientException("Alexa APIs are reached over https only")
        body = request.body
        # The SDK hands over JSON bodies (the Reminders API's) as Python objects.
        if isinstance(body, dict | list):
            body = json.dumps(body)
        data = body.encode("utf-8") if isinstance(body, str) else body
        http_request = urllib.request.Request(
            request.url, data=data, method=request.method, headers=dict(request.headers or [])
        )
        try:
            with self._open(http_request, timeout=self.timeout) as http_response:
                status, headers, body = (
                    http_response.status,
                    http_response.getheaders(),
                    http_response.read(MAX_BODY),
                )
        except urllib.error.HTTPError as exc:
            status, headers, body = exc.code, list(exc.headers.items()), exc.read(MAX_BODY)
        except (OSError, ValueError) as exc:
            raise ApiClientException(f"Alexa API call failed: {type(exc).__name__}") from exc
        return ApiClientResponse(
            headers=headers, status_code=status, body=body.decode("utf-8", "replace")
        )

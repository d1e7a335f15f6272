"""The interfaces a device lists, kept exactly as Alexa sent them.

ask-sdk-model's ``SupportedInterfaces`` has no field for ``Alexa.Presentation.APLA``,
so the SDK's serializer drops that key when it reads a request. The skill's
serializer is the SDK's own plus one step: it keeps the raw
``context.System.device.supportedInterfaces`` dict on the device object
(``raw_interfaces``), where the renderers read it.
"""

from __future__ import annotations

import json
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer


class InterfaceKeepingSerializer(DefaultSerializer):
    def deserialize(self, payload: str, obj_type: Any) -> Any:
        obj = super().deserialize(payload, obj_type)
        device = getattr(getattr(getattr(obj, "context", None), "system", None), "device", None)
        if device is not None:
            try:
                raw = json.loads(payload)["context"]["System"]["device"]["supportedInterfaces"]
            except (ValueError, KeyError, TypeError):
                raw = None
            device.raw_interfaces = raw if isinstance(raw, dict) else {}
        return obj


def raw_interfaces(request_envelope: Any) -> dict[str, Any]:
    """``supportedInterfaces`` as sent (empty when the request named none)."""
    device = getattr(getattr(getattr(request_envelope, "context", None), "system", None), "device", None)
    raw = getattr(device, "raw_interfaces", None)
    if isinstance(raw, dict):
        return raw
    from trust_renewal.render.apl import device_interfaces  # built without our serializer

    return device_interfaces(request_envelope)

"""The skill's serializer: the interfaces a device lists kept as sent, each envelope read once.

The SDK's serializer drops any ``supportedInterfaces`` key its model has no field
for. The skill's serializer is the SDK's own plus one step: it keeps the raw
``context.System.device.supportedInterfaces`` dict on the device object
(``raw_interfaces``), where the screen renderer reads it, as sent. (APL for Audio
is not decided here: it plays on every device and requests never list it; see
``handlers.reading.plays_sounds``.)

It also reads each envelope once: ``admission.admit`` hands it the parsed dict
(``from_dict``), and the web door hands over the object it admitted
(``hand_over``) so flask-ask-sdk's SkillAdapter, which always deserializes the
body itself, gets that object back instead of parsing the body again.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer


class InterfaceKeepingSerializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._handed = threading.local()  # the web server answers on several threads

    def from_dict(self, data: Any, obj_type: Any) -> Any:
        """The SDK object for already parsed JSON (the SDK's own dict-to-model step)."""
        obj = self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]
        device = getattr(getattr(getattr(obj, "context", None), "system", None), "device", None)
        if device is not None:
            try:
                raw = data["context"]["System"]["device"]["supportedInterfaces"]
            except (KeyError, TypeError):
                raw = None
            device.raw_interfaces = raw if isinstance(raw, dict) else {}
        return obj

    def hand_over(self, payload: str, obj: Any) -> None:
        """The next ``deserialize`` of exactly ``payload`` on this thread returns ``obj``."""
        self._handed.item = (payload, obj)

    def deserialize(self, payload: str, obj_type: Any) -> Any:
        handed = getattr(self._handed, "item", None)
        self._handed.item = None
        if handed is not None and handed[0] == payload:
            return handed[1]
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception as exc:
            raise SerializationException(f"Couldn't parse the body ({type(exc).__name__})") from exc
        return self.from_dict(data, obj_type)


def raw_interfaces(request_envelope: Any) -> dict[str, Any]:
    """``supportedInterfaces`` as sent (empty when the request named none)."""
    device = getattr(getattr(getattr(request_envelope, "context", None), "system", None), "device", None)
    raw = getattr(device, "raw_interfaces", None)
    if isinstance(raw, dict):
        return raw
    # An envelope read by another serializer: the SDK's own fields (no APLA key).
    interfaces = getattr(device, "supported_interfaces", None)
    if interfaces is None:
        return {}
    serialized = DefaultSerializer().serialize(interfaces)
    return serialized if isinstance(serialized, dict) else {}

"""DynamoDB's attribute-value format, to and from plain Python, without boto3.

boto3's TypeSerializer/TypeDeserializer would pull boto3 (and s3transfer) into
every cold start and hand back ``Decimal``s; the store needs only this much.
Numbers leave as ``int`` (or ``float`` when fractional).
"""

from __future__ import annotations

import base64
import math
from decimal import Decimal, InvalidOperation
from typing import Any


class CodecError(ValueError):
    """A value that has no DynamoDB form, or an attribute value that is not valid."""


def _number(value: int | float | Decimal) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        raise CodecError("DynamoDB numbers cannot be NaN or infinite")
    return str(value) if not isinstance(value, float) else repr(value)


def encode(value: Any) -> dict[str, Any]:
    """One Python value as a DynamoDB attribute value."""
    if value is None:
        return {"NULL": True}
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, int | float | Decimal):
        return {"N": _number(value)}
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bytes | bytearray):
        return {"B": bytes(value)}
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise CodecError("map keys must be strings")
        return {"M": {k: encode(v) for k, v in value.items()}}
    if isinstance(value, list | tuple):
        return {"L": [encode(v) for v in value]}
    if isinstance(value, set | frozenset):
        if value and all(isinstance(v, str) for v in value):
            return {"SS": sorted(value)}
        if value and all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in value):
            return {"NS": sorted(_number(v) for v in value)}
        raise CodecError("sets must be non-empty and all strings or all numbers")
    raise CodecError(f"{type(value).__name__} has no DynamoDB form")


def _decode_number(text: Any) -> int | float:
    try:
        number = Decimal(str(text))
    except InvalidOperation as exc:
        raise CodecError(f"{text!r} is not a number") from exc
    return int(number) if number == number.to_integral_value() else float(number)


def decode(attribute: Any) -> Any:
    """One DynamoDB attribute value as plain Python; CodecError if it is malformed."""
    if not isinstance(attribute, dict) or len(attribute) != 1:
        raise CodecError("an attribute value has exactly one type key")
    ((kind, value),) = attribute.items()
    if kind == "S" and isinstance(value, str):
        return value
    if kind == "N":
        return _decode_number(value)
    if kind == "BOOL" and isinstance(value, bool):
        return value
    if kind == "NULL":
        return None
    if kind == "M" and isinstance(value, dict):
        return {k: decode(v) for k, v in value.items()}
    if kind == "L" and isinstance(value, list):
        return [decode(v) for v in value]
    if kind == "SS" and isinstance(value, list):
        return {str(v) for v in value}
    if kind == "NS" and isinstance(value, list):
        return {_decode_number(v) for v in value}
    if kind == "B":
        return value if isinstance(value, bytes) else base64.b64decode(value)
    if kind == "BS" and isinstance(value, list):
        return {v if isinstance(v, bytes) else base64.b64decode(v) for v in value}
    raise CodecError(f"unknown or malformed attribute value of type {kind!r}")


def encode_item(item: dict[str, Any]) -> dict[str, Any]:
    return encode(item)["M"]


def decode_item(item: dict[str, Any]) -> dict[str, Any]:
    return decode({"M": item})

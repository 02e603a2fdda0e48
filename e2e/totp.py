"""RFC 6238 TOTP codes in pure Python (HMAC-SHA1, 30-second steps), for the browser journeys."""

import base64
import hashlib
import hmac
import struct
import time

STEP_SECONDS = 30


def normalize_secret(secret_base32: str) -> str:
    """Uppercases, drops spaces and dashes, and restores the '=' padding base32 needs."""
    cleaned = "".join(secret_base32.split()).replace("-", "").upper().rstrip("=")
    return cleaned + "=" * (-len(cleaned) % 8)


def hotp(key: bytes, counter: int, digits: int = 6) -> str:
    """RFC 4226 HOTP for a raw key and counter."""
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % (10**digits)).zfill(digits)


def counter_at(timestamp: float | None = None, step: int = STEP_SECONDS) -> int:
    return int((time.time() if timestamp is None else timestamp) // step)


def totp_for_key(key: bytes, timestamp: float | None = None, digits: int = 6, step: int = STEP_SECONDS) -> str:
    return hotp(key, counter_at(timestamp, step), digits)


def totp(secret_base32: str, timestamp: float | None = None, digits: int = 6, step: int = STEP_SECONDS) -> str:
    """The code for a base32 secret (as shown to people: spaces and missing padding are fine)."""
    key = base64.b32decode(normalize_secret(secret_base32), casefold=True)
    return totp_for_key(key, timestamp, digits, step)


def totp_at_counter(secret_base32: str, counter: int, digits: int = 6) -> str:
    key = base64.b32decode(normalize_secret(secret_base32), casefold=True)
    return hotp(key, counter, digits)

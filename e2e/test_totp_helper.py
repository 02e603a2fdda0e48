"""The TOTP helper against RFC 6238 Appendix B (SHA-1 rows) and RFC 4226 Appendix D."""

import base64

import pytest

from totp import hotp, normalize_secret, totp, totp_for_key

RFC_KEY = b"12345678901234567890"
RFC_SECRET = base64.b32encode(RFC_KEY).decode()  # GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ


@pytest.mark.parametrize(
    ("timestamp", "expected"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_rfc6238_appendix_b_sha1(timestamp, expected):
    assert totp_for_key(RFC_KEY, timestamp, digits=8) == expected
    assert totp(RFC_SECRET, timestamp, digits=8) == expected


def test_rfc4226_appendix_d():
    expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"]
    assert [hotp(RFC_KEY, counter) for counter in range(10)] == expected


def test_six_digits_is_the_default():
    assert totp(RFC_SECRET, 59) == "287082"


def test_secret_as_displayed_with_spaces_lowercase_and_no_padding():
    shown = " ".join(RFC_SECRET[i : i + 4] for i in range(0, len(RFC_SECRET), 4)).lower()
    assert totp(shown, 59, digits=8) == "94287082"
    assert normalize_secret("mzxw 6yq") == "MZXW6YQ="

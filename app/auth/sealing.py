"""Second-factor secrets encrypted at rest, with a key derived from SECRET_KEY.

A TOTP secret is what a phone derives its codes from: whoever reads it from a database copy or backup
can make the codes. It is stored sealed (Fernet: AES-128-CBC with an HMAC, from the `cryptography`
library) under a key derived from SECRET_KEY with HKDF, and is opened only to check a code. A key
that was replaced is still tried while it is listed in SECRET_KEY_FALLBACKS, and a secret opened with
one is sealed again under the current key. A secret stored before sealing began (no prefix) is read as
it is; migration 0007 seals those.
"""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

PREFIX = "v1:"
_INFO = b"boelge totp secret v1"


def _fernet(secret_key: str | bytes) -> Fernet:
    material = secret_key.encode("utf-8") if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(material)
    return Fernet(base64.urlsafe_b64encode(key))


def _keys(config=None) -> list[str | bytes]:
    config = config if config is not None else current_app.config
    return [config["SECRET_KEY"], *(config.get("SECRET_KEY_FALLBACKS") or [])]


def seal(secret: str, config=None) -> str:
    """The secret as it is stored: sealed under the current SECRET_KEY."""
    return PREFIX + _fernet(_keys(config)[0]).encrypt(secret.encode("ascii")).decode("ascii")


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def unseal(stored: str, config=None) -> tuple[str | None, bool]:
    """(the secret, whether it should be sealed again under the current key). The secret is None when
    no key listed opens it (SECRET_KEY was changed without keeping the old one as a fallback)."""
    if not is_sealed(stored):
        return stored, True  # stored before sealing began
    token = stored[len(PREFIX):].encode("ascii")
    for index, key in enumerate(_keys(config)):
        try:
            return _fernet(key).decrypt(token).decode("ascii"), index > 0
        except InvalidToken:
            continue
    return None, False

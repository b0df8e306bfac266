"""Personal-link tokens: 256-bit HMAC of a random nonce; only the nonce and the token's hash are stored."""
from __future__ import annotations

import secrets

from flask import current_app

from app.security import derive_token, hash_token


def invitation_token(nonce: str) -> str:
    """Rebuild the token of an invitation from its stored nonce and the app's secret key."""
    return derive_token(current_app.config["SECRET_KEY"], "invitation", nonce)


def new_invitation_secret() -> tuple[str, str, str]:
    """(nonce, token, token_hash) for a new invitation; the nonce carries 128 random bits."""
    nonce = secrets.token_hex(16)
    token = invitation_token(nonce)
    return nonce, token, hash_token(token)

"""Personal-link tokens: 256-bit HMAC of a random nonce; only the nonce and the token's hash are stored."""
from __future__ import annotations

import hmac
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


def municipality_link_token(wave_id: int, municipality_id: int) -> str:
    """The token of a citizen wave's anonymous link for one of its municipalities: "<wave>.<municipality>.<HMAC>".

    The link names the municipality its answers are counted under; the HMAC over both ids means a changed id
    is no link at all, so nothing of it needs storing (the wave's own link hash says whether it still works)."""
    mac = derive_token(current_app.config["SECRET_KEY"], "wave-public", f"{wave_id}:{municipality_id}")
    return f"{wave_id}.{municipality_id}.{mac}"


def parse_municipality_link_token(token: str) -> tuple[int, int] | None:
    """(wave id, municipality id) of a genuine municipality link token, else None."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[0]) + len(parts[1]) > 18:
        return None
    wave_id, municipality_id = int(parts[0]), int(parts[1])
    if not hmac.compare_digest(municipality_link_token(wave_id, municipality_id), token):
        return None
    return wave_id, municipality_id

"""Password hashing with argon2id; hashes are upgraded when the parameters change."""
from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be replaced)."""
    try:
        _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    if _hasher.check_needs_rehash(stored_hash):
        return True, _hasher.hash(password)
    return True, None


@cache
def dummy_hash() -> str:
    """A hash to verify against when the e-mail is unknown, so timing does not reveal which accounts exist.

    Made on first use, not at import: argon2id's memory (64 MiB) and time would otherwise be paid by every
    command, worker and scheduler that never checks a password."""
    return _hasher.hash("not-a-real-password")

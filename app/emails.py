"""Reading an e-mail address typed or imported by staff: the one rule for every list of people.

Municipal networks often deliver mail inside their own domain under `.local` (an Active Directory
name such as `kommune.local`), and the demo's people have `@boelge.local` addresses. The library's
list of special-use names refuses those; here `.local` is an ordinary domain, the other special-use
names (`localhost`, `invalid`, `test`, `onion`, `arpa`) stay refused.
"""
from __future__ import annotations

INTERNAL_DOMAINS = ("local",)


def normalized_email(raw: str) -> str:
    """The address in its normal form, lower-cased; raises email_validator.EmailNotValidError when unusable."""
    import email_validator

    for name in INTERNAL_DOMAINS:
        if name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
            email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(name)
    return email_validator.validate_email(raw.strip(), check_deliverability=False).normalized.lower()

"""Her short check-in code: 8 characters she can read out at the door and staff can type.

The alphabet is Crockford's base32: digits and capital letters without I, L, O and U, so a printed code never
holds a letter that looks like a digit. What staff type is forgiven the usual slips: lower case, spaces and
dashes, O for 0, I or L for 1, U for V. 32**8 codes (about 10**12) make a guess at the door hopeless, and the
check-in page limits how many codes one account may try a minute.
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_FORGIVEN = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SEPARATORS = str.maketrans("", "", " -–—_.\t\r\n")


def new_short_code() -> str:
    """A random code (unique per event by the database's constraint; the caller tries again on a clash)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The code staff typed, as it is stored, or None when it cannot be one (wrong length or characters)."""
    code = typed.upper().translate(_SEPARATORS).translate(_FORGIVEN)
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def grouped(code: str) -> str:
    """For reading out: two groups of four, "K7PM-3XQA"."""
    return f"{code[:4]}-{code[4:]}" if code else ""

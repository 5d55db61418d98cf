"""Case numbers a resident can read over the phone: year, eight random digits, one check digit."""

import datetime as dt
import secrets


def _luhn_digit(digits: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2 == 0:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return str((10 - total % 10) % 10)


def new_case_number(today: dt.date) -> str:
    # Random rather than sequential so that knowing one case number does not reveal its neighbours.
    body = f"{today.year % 100:02d}{secrets.randbelow(10**8):08d}"
    return body + _luhn_digit(body)


def is_well_formed(case_no: str) -> bool:
    return len(case_no) == 11 and case_no.isdigit() and _luhn_digit(case_no[:-1]) == case_no[-1]


def normalise(raw: str) -> str:
    """The digits of a typed case number (full-width ones included); spaces and dashes dropped."""
    from service.intake.identity import typed

    return "".join(ch for ch in typed(raw) if "0" <= ch <= "9")[:20]

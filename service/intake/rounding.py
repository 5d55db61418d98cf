"""The means test's one rounding rule (pure).

Amounts stay exact decimals throughout. Two figures are rounded, both half up: per-capita monthly income
to the fen (0.01), and that rounded figure is the one shown, compared with the standard and used for the
benefit; every monthly amount paid out (补差, 单人保, 特困, 临时救助) to the whole yuan. Other figures are
shown rounded to the fen but computed exact. No float anywhere.
"""

from decimal import ROUND_HALF_UP, Decimal

from service.intake.wording import amount_cn

FEN, YUAN = Decimal("0.01"), Decimal("1")
RULE = "人均月收入四舍五入到分，按此数与标准比较并计算补差；每月发放金额四舍五入到元。"


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def yuan(value: Decimal) -> Decimal:
    return value.quantize(YUAN, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    """266.666… → '266.67', 439.00 → '439': rounded to the fen, then as the applicant's notices write amounts."""
    return amount_cn(fen(value))

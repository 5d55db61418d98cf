"""Routing classifier: a resident's words to an intake, a confidence and an urgency flag.

Pure text in, decision out: no Flask, no database. Lexicons are data files under data/.
"""

from .classifier import Decision, route
from .engine import warm_up
from .ladder import Step, Thresholds, ladder
from .lexicon import INTAKES

__all__ = ["INTAKES", "Decision", "Step", "Thresholds", "ladder", "route", "warm_up"]

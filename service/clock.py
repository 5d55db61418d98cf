"""Today's date where the bureau is: deadlines are counted on Beijing time, whatever the server's zone."""

import datetime as dt
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def today() -> dt.date:
    return dt.datetime.now(BEIJING).date()

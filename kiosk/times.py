"""Times as the hall reads them: every time is stored in UTC (ISO 8601 with its offset)
and shown, filtered and exported in the hall's own time zone, labelled. No Flask here."""
import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class UnknownZone(ValueError):
    """kiosk.ini names a time zone this machine does not know."""


def hall_zone(name):
    """The zone named in kiosk.ini (e.g. Asia/Shanghai), or the machine's own when empty."""
    if not name:
        return datetime.datetime.now().astimezone().tzinfo
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownZone(name) from None


def local_text(iso, zone):
    """"2026-11-27 19:33 (UTC+08:00)" for a stored ISO time; what it was if unreadable."""
    try:
        when = datetime.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso or "")
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    here = when.astimezone(zone)
    offset = here.strftime("%z")
    return f"{here:%Y-%m-%d %H:%M} (UTC{offset[:3]}:{offset[3:]})"


def day_start_utc(day, zone):
    """The UTC ISO instant at which the hall's calendar day `day` (YYYY-MM-DD) begins."""
    start = datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(),
                                      tzinfo=zone)
    return start.astimezone(datetime.timezone.utc).isoformat(timespec="seconds")


def day_after(day):
    return (datetime.date.fromisoformat(day) + datetime.timedelta(days=1)).isoformat()


def hall_date(iso, zone):
    """The hall's calendar date at a stored ISO time."""
    when = datetime.datetime.fromisoformat(iso)
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return when.astimezone(zone).date()


def working_days_after(day, count, holidays=()):
    """The date `count` working days after `day`, skipping Saturdays, Sundays and the
    `holidays` given (dates; the kiosk knows only those kiosk.ini lists): Friday + 2 is
    Tuesday. Make-up working weekends (调休) are not modelled: they only make a date later."""
    holidays = frozenset(holidays)
    while count > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count -= 1
    return day

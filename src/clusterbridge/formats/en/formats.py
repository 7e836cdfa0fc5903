"""English as written in Britain and the rest of Europe, not the United States: day before
month ("7 December 2026", "07/12/2026") and the 24-hour clock. Django's `en` writes
"Dec. 7, 2026, 10 a.m.", which also doubles the period when a sentence ends on a time.
Whatever is not set here comes from Django's `en` (numbers keep the dot and the comma)."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday

# ISO first: `<input type="date">` and the API send it, and Django writes a form's date back
# in the first format. Typed dates are read day first.
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2026-12-07'
    "%d/%m/%Y",  # '07/12/2026'
    "%d/%m/%y",  # '07/12/26'
    "%d %B %Y",  # '7 December 2026'
    "%d %b %Y",  # '7 Dec 2026'
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]

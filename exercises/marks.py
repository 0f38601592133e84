"""How a number of marks is written, wherever marks are shown."""

from decimal import Decimal


def marks(value):
    """A number of marks as a teacher writes it: 8, 2.5 (not 8.00)."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"

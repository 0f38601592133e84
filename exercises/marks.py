"""How a number of marks is written, wherever marks are shown: 8, 2.5, "6 / 8" (not 8.00).

The one formatter of marks: the desk's lists, forms and messages call `marks`, templates use
the `marks` filter (`{% load marks %}`), and the gradebook's cells are written with it.
"""

from decimal import Decimal


def marks(value, missing=""):
    """A number of marks as a teacher writes it: 8, 2.5 (not 8.00); `missing` for none."""
    if value is None or value == "":
        return missing
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    return f"{number.normalize():f}"

"""The one way to read JSON a browser sent: bounded in size and nesting depth.

`json.loads` parses nested arrays and objects by recursion, so a few kilobytes of "[[[[..."
raise RecursionError, which is not a ValueError and used to escape every `except ValueError`
as a server error. Depth is counted before parsing, without recursion.
"""

import json
import re

# Strings may hold brackets: remove them (with their escapes) before counting.
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class ClientJSONError(ValueError):
    """JSON from a browser that cannot be read; the message says so in plain words."""


def depth(text):
    """How deeply arrays and objects nest in `text` (0 for a plain value)."""
    deepest = level = 0
    for bracket in _BRACKETS.findall(_STRING.sub("", text)):
        level += 1 if bracket in "[{" else -1
        deepest = max(deepest, level)
    return deepest


def loads(text, *, max_chars, max_depth, what="The data sent"):
    """Parse `text`, refusing more than `max_chars` characters or `max_depth` levels."""
    if not isinstance(text, str):
        raise ClientJSONError(f"{what} could not be read.")
    if len(text) > max_chars:
        raise ClientJSONError(f"{what} is too long to be read.")
    if depth(text) > max_depth:
        raise ClientJSONError(f"{what} is nested too deeply to be read.")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise ClientJSONError(f"{what} could not be read.") from None

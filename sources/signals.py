"""What the source library tells other apps, so that it need not know them.

`text_corrected` is sent, inside the writer's transaction, by the two places that change a
source's text: the admin's save of a source and the pack import (`sources.services`). Its
arguments are `source` (saved, with the new text) and `old_text`. A receiver does what
follows from the correction and returns a sentence for the editor who made it (or None when
it had nothing to do); `announce_text_corrected` gathers them. A receiver's exception is not
swallowed: the correction is rolled back with it, so a text is never corrected without what
depends on it following.
"""

from django.dispatch import Signal

text_corrected = Signal()


def announce_text_corrected(source, old_text):
    """Send `text_corrected` for `source` (already saved) and return the receivers' reports."""
    if old_text == source.text:
        return []
    responses = text_corrected.send(sender=type(source), source=source, old_text=old_text)
    return [str(report) for _, report in responses if report]

"""Helpers the kinds share, kept apart so that nothing mistakes them for kinds.

text.py cleans untrusted text and numbers, ranges.py does the range algebra of marked
passages, answer_form.py is the answer forms' base and fields, charts.py lays out the
analytics' bar charts.
"""

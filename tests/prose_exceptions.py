"""The one list of prose numbers that need no backing by code or output, each with the reason why.

An entry covers `number` (exactly as written) in `file` (a path under notebooks/) where the number is part of
`context` in the same cell (INSTRUCTORS.md: the same line). test_prose fails on an entry that covers no
unbacked number, so the list cannot outlive what it excuses. A measurable fact belongs in an output, not here.
"""
EXCEPTIONS = [
    dict(file="04_range_overshoot.ipynb", number="1.2", context="network predicts 1.2",
         reason="the question's hypothetical out-of-range prediction, as the question is put; not a measurement"),
    dict(file="INSTRUCTORS.md", number="1.2", context="predictions of 1.2",
         reason="notebook 04's question restated: its hypothetical out-of-range prediction"),
    dict(file="INSTRUCTORS.md", number="1.2", context="predict 1.2?",
         reason="notebook 04's question asked of the room: its hypothetical out-of-range prediction"),
]

"""The wheel archive: raw zip access with bounded streaming (`zip`), reading and validating a
wheel's name, WHEEL, RECORD, members and hashes (`wheelfile`), and rewriting it with new tags,
fast, exact and atomic (`rewrite`).  May import `retag._errors` only.
"""

"""The wheel archive: raw zip access with bounded streaming (`zip`), reading and validating a
wheel's name, WHEEL, RECORD, members and hashes (`wheelfile`), and rewriting it with new tags,
fast, exact and atomic (`rewrite`, over `zipwrite`, which writes raw members as a zip).  May
import `retag._errors` only.
"""

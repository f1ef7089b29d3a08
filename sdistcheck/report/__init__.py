"""sdistcheck's reports: the outcome of one target (`outcome`), human text with rich (`text`),
JSON with a versioned schema (`json_report`), and the CI formats, GitHub annotations and SARIF
(`ci`).  May import `_model`, `sdistcheck.build.check` (for build outcomes),
`sdistcheck.coverage` (a release's coverage, which writes its own parts) and
`sdistcheck.pipeline`.
"""

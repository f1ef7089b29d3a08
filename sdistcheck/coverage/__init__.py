"""Release coverage: which environments install a wheel of a release, which build its sdist,
and what that costs them.

Owns: the target environments and their installer-ranked tag lists (`environments`), a
release's artifacts from a folder or the index (`release`), the matrix of the wheel each
environment installs (`matrix`), the sdist's platform findings and build needs tied to the
environments that build it (`platforms`, `requirements`), remedies (`remedies`), the artifacts'
agreement with each other (`consistency`), the assessment that gathers them (`assess`) and its
text, Markdown and JSON (`text`, `formats`).  May import `sdistcheck._model`, `sdistcheck._errors`,
`sdistcheck.archive`, `sdistcheck.rust.cfg` (to evaluate a finding's `cfg` per target) and
`sdistcheck.pipeline`; the reports import it, never the other way.
"""

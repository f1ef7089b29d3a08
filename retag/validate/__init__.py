"""`retag validate`: run a wheel's executables in container images and judge every cell.

Owns: the container engine (`engine`), the images (`images`), what runs inside them (`probe`),
foreign architectures (`binfmt`, `platforms`), reading a run's outcome (`classify`), judging the
cells (`judge`), the orchestration (`run`) and its reports (`report`).
May import `retag.archive`, `retag.binaries`, `retag._jobs`, `retag._policy` and
`sdistcheck.pipeline`.
"""

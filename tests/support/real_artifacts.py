"""Real sdists from PyPI that the tests check, pinned by file name and sha256.

Get one with the `pypi` fixture (tests/support/pypi.py): `pypi(sdist.filename, sdist.sha256)`.
Every entry but uv-0.5.2 is known good: its maintainers built their PyPI wheels for that
version, so a complete-sdist checker must find no missing file in it.
"""

from __future__ import annotations

from dataclasses import dataclass

MATURIN = "maturin"
SETUPTOOLS_RUST = "setuptools-rust"
SETUPTOOLS_C = "setuptools C extension"
IN_TREE = "in-tree PEP 517 backend over setuptools"
SCIKIT_BUILD_CORE = "scikit-build-core"
MESON_PYTHON = "meson-python"


@dataclass(frozen=True)
class RealSdist:
    filename: str
    sha256: str
    kind: str  # one of the constants above: how the native code is built
    note: str = ""
    known_good: bool = True  # False: files the build needs are missing from the sdist


UV_BROKEN = RealSdist(
    "uv-0.5.2.tar.gz",
    "89e60ad9601f35f187326de84f35e7517c6eb1438359da42ec85cfd9c1895957",
    MATURIN,
    "crates/uv-trampoline/trampolines/*.exe (include_bytes! under cfg(windows)) not shipped",
    known_good=False,
)
UV_FIXED = RealSdist(
    "uv-0.5.3.tar.gz",
    "867f9651225a55aec882c40b2a7a905cd4d3521c74a0675c11a7bdaf753b0400",
    MATURIN,
    "the fix of 0.5.2: ships the six Windows trampoline executables",
)

REAL_SDISTS: tuple[RealSdist, ...] = (
    UV_BROKEN,
    UV_FIXED,
    # maturin (Rust, PyO3)
    RealSdist(
        "orjson-3.13.0.tar.gz",
        "d1de5eb04485110c5da4c657e49168995d55e076b1ce60f1a042e254f4186c4f",
        MATURIN,
        "2.7 MB: vendored crates (include/cargo) and yyjson C",
    ),
    RealSdist(
        "pydantic_core-2.50.4.tar.gz",
        "aead3b74b68396bf0feab5d57e050b730ded7df55853c1e048a87e00aaf033c6",
        MATURIN,
    ),
    RealSdist(
        "rpds_py-2026.9.1.tar.gz",
        "4793ef7f78268b124b73fa933440f01d258bbae01de9fa53e9080c9ab0425a12",
        MATURIN,
    ),
    RealSdist(
        "jiter-0.19.0.tar.gz",
        "ba3064f8be276d7cfb83c2fb85c858be533da2c2f80f9b048c3781b45a57a195",
        MATURIN,
        "crate in a workspace",
    ),
    RealSdist(
        "watchfiles-1.3.0.tar.gz",
        "99aee4a07847c06820765fd7b1b49ceac4f3f711ccb7d104655a33231de1c207",
        MATURIN,
    ),
    RealSdist(
        "cryptography-50.0.2.tar.gz",
        "7b46165bb56eb4704e2eaaf86f3c940d19154535d9b0ca7d6d590b04060e00d5",
        MATURIN,
        "Rust workspace plus cffi",
    ),
    RealSdist(
        "ormsgpack-1.13.1.tar.gz",
        "803143ae0ab68e55baa14967595332e5c372b7f27f1ddf1b5b115329b17ccc41",
        MATURIN,
    ),
    RealSdist(
        "css_inline-0.23.1.tar.gz",
        "304520d89c99472e5e26ce95726b93c0730102f13b11627fcf2c106c47d78d1d",
        MATURIN,
    ),
    RealSdist(
        "tokenizers-0.23.3.tar.gz",
        "cded33237c77caeef62944d32aa9a7ef42bdce2b3497e18d137e072a8c4be438",
        MATURIN,
        "path dependency on the tokenizers crate",
    ),
    # setuptools-rust
    RealSdist(
        "bcrypt-5.0.0.tar.gz",
        "f748f7c2d6fd375cc93d3fba7ef4a9e3a092421b8dbf34d8d4dc06be9492dfdd",
        SETUPTOOLS_RUST,
    ),
    RealSdist(
        "bcrypt-4.0.1.tar.gz",
        "27d375903ac8261cfe4047f6709d16f7d18d39b1ec92aaf72af989552a650ebd",
        SETUPTOOLS_RUST,
    ),
    RealSdist(
        "cryptography-41.0.7.tar.gz",
        "13f93ce9bea8016c253b34afc6bd6a75993e5c40672ed5405a9c832f0d4a00bc",
        SETUPTOOLS_RUST,
        "plus cffi; before the move to maturin",
    ),
    # setuptools C / C++ extensions
    RealSdist(
        "msgpack-1.2.4.tar.gz",
        "475c44e12f2a5de766a8448783f149c9b33f3f49b88953c6cd739a77d93c732c",
        SETUPTOOLS_C,
        "Cython-generated C shipped",
    ),
    RealSdist(
        "markupsafe-3.0.4.tar.gz",
        "2e9ad7dd851bf45fab9f75cbff4cb493fee9979e8d8c7c9c3ee119022518edd6",
        SETUPTOOLS_C,
        "optional speedups",
    ),
    RealSdist(
        "simplejson-4.3.0.tar.gz",
        "ffe34ab51a0d37e6d1c661a5672df00d2d5e18804e38eac07abffb83fa5ec3d7",
        SETUPTOOLS_C,
        "optional speedups",
    ),
    RealSdist(
        "ujson-6.1.0.tar.gz",
        "aef7ea4cd9e2e9f8a35c4538a9780d58c80d76c5da66a8dad269b4cc6d930c29",
        SETUPTOOLS_C,
        "7.3 MB: C++ double-conversion vendored; setuptools-scm",
    ),
    RealSdist(
        "psutil-7.2.2.tar.gz",
        "0746f5f8d406af344fd547f1c8daa5f5c33dbc293bb8d6a16d80b4bb88f59372",
        SETUPTOOLS_C,
        "per-platform C sources",
    ),
    RealSdist(
        "regex-2026.11.15.tar.gz",
        "d6ec7e29e62ebf93ab2a593d1137022b6025497d8610e5cb666d52f9ee5bb0ce",
        SETUPTOOLS_C,
    ),
    RealSdist(
        "zstandard-0.25.0.tar.gz",
        "7713e1179d162cf5c7906da876ec2ccb9c3a9dcbdffef0cc7f70c3667a205f0b",
        SETUPTOOLS_C,
        "vendored zstd, plus a cffi backend",
    ),
    RealSdist(
        "multidict-7.2.1.tar.gz",
        "e8af3e6f1bdbc31fd762b094133b478b89988eaebc63cbe82b1d9e3bbd15cede",
        SETUPTOOLS_C,
    ),
    RealSdist(
        "cffi-2.1.1.tar.gz",
        "dd31f52ea1086513bb9df30f8fcee9b8918323ae067a3d5b78bc826a000712be",
        SETUPTOOLS_C,
        "system libffi via pkg-config on Linux",
    ),
    # in-tree backends and CMake
    RealSdist(
        "pyyaml-6.0.3.tar.gz",
        "d76623373421df22fb4cf8817020cbb7ef15c725b9d5e45f17e189bfc384190f",
        IN_TREE,
        "optional Cython extension (packaging/_pyyaml_pep517.py)",
    ),
    RealSdist(
        "frozenlist-1.8.0.tar.gz",
        "3ede829ed8d842f6cd48fc7081d7a41001a56f1f38603f9d49bf3020d59a31ad",
        IN_TREE,
        "Cython (packaging/pep517_backend/)",
    ),
    RealSdist(
        "yarl-1.25.1.tar.gz",
        "03dd38de09bc213e9a8b29761eec33ee1d5318dac0e49d8af36e4d27830e23a7",
        IN_TREE,
        "Cython (packaging/pep517_backend/)",
    ),
    RealSdist(
        "propcache-0.5.4.tar.gz",
        "ff6b113f50bc066a698db5d944d2c6dc7507168dd3341e255a8892fd0715a558",
        IN_TREE,
        "Cython (packaging/pep517_backend/)",
    ),
    RealSdist(
        "pyzmq-27.3.0.tar.gz",
        "bbedb3d1d99babc625f1dd9d7438acefd442b36b75073fd6bc1ef7c0a4b96d56",
        SCIKIT_BUILD_CORE,
        "CMake + Cython; libzmq from the system or fetched",
    ),
    # The big and the many-backed (issue 4's corpus)
    RealSdist(
        "numpy-2.5.5.tar.gz",
        "5cddc243c75114ba845f01b1f87aca1572dbf7b6c2d88636ed3e1d2bccd7f1bf",
        MESON_PYTHON,
        "21 MB: vendored meson, pocketfft, highway; C and C++",
    ),
    RealSdist(
        "scipy-1.18.1.tar.gz",
        "52c4b7422442aba924d03ad4019852b08a92e64ea187b933135687bfe2747307",
        MESON_PYTHON,
        "31 MB: C, C++, Fortran, Cython, vendored boost.math, HiGHS, PROPACK",
    ),
    RealSdist(
        "pandas-3.1.1.tar.gz",
        "05fed3e3b7c99b226f160e29d7d6cb7ef39638c758cbfe42b3f24ba34f04b859",
        MESON_PYTHON,
        "Cython, .pxi.in templates generated at build time",
    ),
    RealSdist(
        "lxml-6.1.3.tar.gz",
        "45222d94ddd511536f3b2f7d9deae3b2339b4ce0f075f1ca25703b07cad9dd21",
        SETUPTOOLS_C,
        "Cython with shipped .c, libxml2 from the system",
    ),
    RealSdist(
        "psycopg2-2.9.13.tar.gz",
        "d36784fc2dae69523ba4b79c7d1d1b4d6e83e87836874f111262f4db940b16a6",
        SETUPTOOLS_C,
    ),
    RealSdist(
        "lightgbm-4.7.0.tar.gz",
        "f8e20f682c9aabd000bcf4a7ed8aa6f473c1adfecccae34ec24e823d156f4af0",
        SCIKIT_BUILD_CORE,
        "C++ with vendored fmt, fast_double_parser, Eigen",
    ),
    RealSdist(
        "boost_histogram-1.8.1.tar.gz",
        "d1738fbb8b014fe3a4643005978299d6de267bcd4468852a84d42027df700ffd",
        SCIKIT_BUILD_CORE,
        "pybind11 + vendored Boost.Histogram",
    ),
    RealSdist(
        "aiohttp-3.14.5.tar.gz",
        "5558a7f5a05af9ecf744af91e5baefc436f93c9333e656c27ec253f9a6bbe178",
        SETUPTOOLS_C,
        "Cython and vendored llhttp",
    ),
    RealSdist(
        "ruff-0.17.6.tar.gz",
        "2b04276561331300325040bdca21460770029ec574d4c479099e39e8ad1ed43c",
        MATURIN,
        "a big Rust workspace",
    ),
    RealSdist(
        "polars_runtime_32-2.1.0.tar.gz",
        "c575f5f3cdb8a5f9be65477b9b4202b062593687fe62a0082add87fbd4571067",
        MATURIN,
        "a big Rust workspace",
    ),
)

KNOWN_GOOD: tuple[RealSdist, ...] = tuple(s for s in REAL_SDISTS if s.known_good)

"""Real wheels from PyPI that the retag tests use, pinned by file name and sha256."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RealWheel:
    filename: str
    sha256: str
    note: str = ""


UV_MUSL_X86_64 = RealWheel(
    "uv-0.5.2-py3-none-musllinux_1_1_x86_64.whl",
    "772b32d157ec8f27c0099ecac94cf5cd298bce72f1a1f512205591de4e9f0c5c",
    "static musl binary; uv itself published it musllinux-only for x86_64",
)
UV_DUAL_AARCH64 = RealWheel(
    "uv-0.5.2-py3-none-manylinux_2_17_aarch64.manylinux2014_aarch64.musllinux_1_1_aarch64.whl",
    "15c7ffa08ae21abd221dbdf9ba25c8969235f587cec6df8035552434e5ca1cc5",
    "already dual-tagged by uv (wheel tags): nothing to add",
)
NUMPY_MUSL = RealWheel(
    "numpy-2.5.5-cp312-cp312-musllinux_1_2_x86_64.whl",
    "7fb87c4bcc73850ef433a0c42f096b010d3d3d284e9d00028bb030b43df3d078",
    "extension modules: never static",
)
NINJA_MUSL = RealWheel(
    "ninja-1.13.2-py3-none-musllinux_1_2_x86_64.whl",
    "915bd482c4be41c75120fd67a22e0bb3f0fbb3bbc5f95b89787deadd59e27ef2",
    "a dynamically linked musl executable",
)
MATURIN_MUSL = RealWheel(
    "maturin-1.16.0-py3-none-manylinux2010_x86_64.manylinux_2_12_x86_64.musllinux_1_1_x86_64.whl",
    "837db2f4d93d4899c3ac393fb3cc9eebf35b6002336e5d574f4a4fb6c49fe283",
    "static, but tagged manylinux2010: older than a static Rust binary's Linux 3.2 floor",
)
STATIC_MUSL = (
    RealWheel(
        "ruff-0.17.6-py3-none-musllinux_1_2_x86_64.whl",
        "3db61f5015600543a581b07fa7f6f64afa0eeedefe16034cadd88c4074087582",
    ),
    RealWheel(
        "typos-1.52.0-py3-none-musllinux_1_2_x86_64.whl",
        "89dab63cc338b374ba3ba7e14cfdcc6dec2e4dca67309a85f84cc00f0cd3d54e",
    ),
    RealWheel(
        "rust_just-1.59.0-py3-none-musllinux_1_2_x86_64.whl",
        "55a22dbd38fb3491d221da1e45184d09460526fae73b845eb9cdfbefcf06822b",
    ),
    RealWheel(
        "zizmor-1.32.0-py3-none-musllinux_1_2_x86_64.whl",
        "dd818f99d833b86cd432d5412d620d936b5df074b33404fff8b67acff55d3259",
    ),
    RealWheel(
        "ty-0.0.105-py3-none-musllinux_1_2_x86_64.whl",
        "dd371e01305d5e64d82dc9afdc21c64fe101c3f5fa87ff5f9267f00a60845cc7",
    ),
)

# The rest of uv 0.5.2's release, for a multi-platform dist/ folder (with UV_MUSL_X86_64 and
# the sdist): a glibc build, Windows and macOS.
UV_GLIBC_X86_64 = RealWheel(
    "uv-0.5.2-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "374e9498e155fcaa8728a6770b84f03781106d705332f4ec059e1cc93c8f4d8a",
    "dynamically linked against glibc: the sibling that covers glibc x86_64",
)
UV_WIN_AMD64 = RealWheel(
    "uv-0.5.2-py3-none-win_amd64.whl",
    "a4d4fdad03e6dc3e8216192b8a12bcf2c71c8b12046e755575c7f262cbb61924",
)
UV_MACOS_ARM64 = RealWheel(
    "uv-0.5.2-py3-none-macosx_11_0_arm64.whl",
    "a8a9897dd7657258c53f41aecdbe787da99f4fc0775f19826ab65cc0a7136cbf",
)

# A small real binary wheel (setuptools, one Tag line per tag, Metadata 2.1, a CPython 3.12
# extension module) that the `retag check` audits fabricate their lies from.
MARKUPSAFE_CP312 = RealWheel(
    "MarkupSafe-3.0.2-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "e17c96c14e19278594aa4841ec148115f9c7615a47382ecb6b82bd8fea3ab0c8",
    "markupsafe/_speedups.cpython-312-x86_64-linux-gnu.so, glibc-linked",
)

# A real abi3 wheel abi3audit passes (cp39-abi3: limited API 3.9), for Linux and for macOS
# (universal2, minimum macOS 10.9 on x86_64): `retag check` must call both clean.
CRYPTOGRAPHY_ABI3 = RealWheel(
    "cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl",
    "f53c2c87e0fb4b0c00fa9571082a057e37690a8f12233306161c8f4b819960b7",
)
CRYPTOGRAPHY_ABI3_MACOS = RealWheel(
    "cryptography-44.0.0-cp39-abi3-macosx_10_9_universal2.whl",
    "660cb7312a08bc38be15b696462fa7cc7cd85c3ed9c576e81f4dc4d8b2b31591",
)
# CPython 3.15's stable ABI for both builds (abi3.abi3t): its module exports PEP 793's
# PyModExport_* hooks and no PyInit_* (abi3audit 0.0.26 calls those hooks 27 violations).
CRYPTOGRAPHY_PEP793 = RealWheel(
    "cryptography-50.0.2-cp315-abi3.abi3t-musllinux_1_2_x86_64.whl",
    "c71be1cbfa5cd9a41ee452acf1eccd82b2c05950358b106ec8ceb83411d1a020",
)
KIWISOLVER_MANYLINUX = RealWheel(
    "kiwisolver-1.4.8-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "cc978a80a0db3a66d25767b03688f1147a69e6237175c0f4ffffaaedf744055a",
    "a C++ extension: GLIBCXX_3.4.11, CXXABI_1.3, GCC_3.0 and libstdc++ from the system",
)
# auditwheel-repaired wheels whose extension modules reach their vendored libraries (hashed
# names in numpy.libs/ and scipy.libs/) through DT_RPATH $ORIGIN/../../numpy.libs and the like,
# and whose vendored libraries reach each other through $ORIGIN.
NUMPY_MANYLINUX = RealWheel(
    "numpy-2.2.6-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "fd83c01228a688733f1ded5201c678f0c53ecc1006ffbc404db9f7a899ac6249",
    "numpy.libs/: libscipy_openblas64_, libgfortran-040039e1-0352e75f.so.5.0.0, libquadmath",
)
SCIPY_MANYLINUX = RealWheel(
    "scipy-1.15.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
    "271e3713e645149ea5ea3e97b57fdab61ce61333f97cfae392c28ba786f9bb49",
    "37 MB; cython_special's RPATH keeps a build path, /opt/_internal/.../scipy_openblas32/lib",
)

# A small real Windows wheel whose extension module names its platform (rpds.cp312-win32.pyd).
RPDS_WIN32 = RealWheel(
    "rpds_py-2026.9.1-cp312-cp312-win32.whl",
    "befc2d6a953e563f8a7bfd87a42c22ebf8a3e980dcb7b6a4d17b70b0e914e8a3",
    "rpds/rpds.cp312-win32.pyd, a PE for x86",
)

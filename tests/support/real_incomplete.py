"""Real PyPI sdists known to be incomplete, each paired with the later release that fixed it.

Every pair below was downloaded from PyPI (files.pythonhosted.org) and checked by hand:
the sha256 is the one the PyPI simple index gives and the one the download hashed to;
each path in `missing` is absent from the bad sdist and present in the fixed one; and
`referenced_by` (present in the bad sdist) names that path (#include, cimport, add_subdirectory,
open(), a Cargo path/workspace entry, an Extension source, or the CMake source dir itself).

`missing` lists the files the bad sdist's own build files reference directly, which is what a
checker can prove from the bad sdist alone. Files needed only behind them (the sources a
missing CMakeLists.txt would list, say) are named in the comments, not in `missing`.
Paths are relative to the sdist root, without the `name-version/` prefix.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IncompleteCase:
    kind: str  # "missing-header", "missing-pxd", "missing-cmakelists", ...
    bad: str  # sdist filename of the incomplete release
    bad_sha256: str
    missing: tuple[str, ...]  # paths the build needs and the bad sdist lacks
    referenced_by: str  # build file in the bad sdist that references them
    fixed: str  # sdist filename of the fixed release
    fixed_sha256: str
    source: str  # where the report is


CASES: tuple[IncompleteCase, ...] = (
    # --- C/C++ headers -------------------------------------------------------------------
    # setuptools C extension. _crc32c.c line 30 has `#include "checkarm.h"`; 2.7 ships
    # checkarm.c but not checkarm.h; 2.7.post0 ships both.
    IncompleteCase(
        kind="missing-header",
        bad="crc32c-2.7.tar.gz",
        bad_sha256="400a9b51813ad7e3318ee988dc0d3305337c2e9ec95396270d560fb268214080",
        missing=("src/crc32c/ext/checkarm.h",),
        referenced_by="src/crc32c/ext/_crc32c.c",
        fixed="crc32c-2.7.post0.tar.gz",
        fixed_sha256="bb6e7c8e4680025256723f878825ace6b1a737fca936a5660d57aec92f76130b",
        source="https://github.com/ICRAR/crc32c/issues/52",
    ),
    # setuptools C extension. src/abpoa_align_simd.c (a listed source in setup.py) and
    # src/abpoa_simd.c both `#include "abpoa_simd_internal.h"`; only 1.5.7.1 ships it.
    IncompleteCase(
        kind="missing-header",
        bad="pyabpoa-1.5.7.tar.gz",
        bad_sha256="22c560ea89f28a19cccc0c6fee52cdf2d19b4aad19e56dc296349d64dd51dbec",
        missing=("src/abpoa_simd_internal.h",),
        referenced_by="src/abpoa_align_simd.c",
        fixed="pyabpoa-1.5.7.1.tar.gz",
        fixed_sha256="765643c522032cac957c5c8b057e021599ffa01bcace39ba893aa31448e7a428",
        source="https://github.com/yangao07/abPOA/issues/98",
    ),
    # setuptools C++ extension. matid/ext/ext.cpp includes "celllist.h" and "geometry.h"
    # (so do celllist.cpp / geometry.cpp); 2.0.0 has no .h under matid/ext, 2.0.1 has both.
    IncompleteCase(
        kind="missing-header",
        bad="matid-2.0.0.tar.gz",
        bad_sha256="b89fa51e15cb697880ec7127095b87b42a879ecb2f6e697f433555a8c0c47caa",
        missing=("matid/ext/celllist.h", "matid/ext/geometry.h"),
        referenced_by="matid/ext/ext.cpp",
        fixed="matid-2.0.1.tar.gz",
        fixed_sha256="d946c0525b3193a2f58a1fd0d1b02321a55dac32e9817c403a523248059e68f8",
        source="https://github.com/FAIRmat-NFDI/matid/issues/19",
    ),
    # --- Cython .pxd / .pyx ----------------------------------------------------------------
    # setup.py builds Extension(["fcl/fcl.pyx"]); fcl.pyx line 13 is `cimport fcl_defs as
    # defs`; 0.0.7 ships no .pxd at all. 0.0.8 is not on PyPI; 0.0.9 ships fcl_defs.pxd.
    IncompleteCase(
        kind="missing-pxd",
        bad="python-fcl-0.0.7.tar.gz",
        bad_sha256="a81dd3322c2a3ec635f4df53d971c8fa05c96065de1332a36851f8c19fb76a99",
        missing=("fcl/fcl_defs.pxd",),
        referenced_by="fcl/fcl.pyx",
        fixed="python-fcl-0.0.9.tar.gz",
        fixed_sha256="7ffb9a40f64884803a036c9f4b5b7d493269ea01eddd690e9185e44842bb0195",
        source="https://github.com/BerkeleyAutomation/python-fcl/issues/2",
    ),
    # setup.py builds Extension('hid', ['hid.pyx', ...]) (no generated .c shipped);
    # hid.pyx and hidraw.pyx both start `from chid cimport *`; post11 ships chid.pxd.
    IncompleteCase(
        kind="missing-pxd",
        bad="hidapi-0.7.99.post10.tar.gz",
        bad_sha256="3b180c3b2765ba98cd37010b995907a1e5f647d6be0f51d24917fe8cccc43436",
        missing=("chid.pxd",),
        referenced_by="hid.pyx",
        fixed="hidapi-0.7.99.post11.tar.gz",
        fixed_sha256="d428bfdbf5162909738eca1e9c9e27c322693243da21ab41434b2d5e0ac67443",
        source="https://github.com/trezor/cython-hidapi/issues/25",
    ),
    # _tsne.pyx cimports `.quad_tree` and `._matrix_mul.matrix_mul`; 0.3.9 ships only the
    # .pyx files (no .pxd, no generated .c, so the no-Cython fallback fails too). Also
    # missing: openTSNE/_tsne.pxd, cimported by kl_divergence.pyx. 0.3.10 ships all three.
    IncompleteCase(
        kind="missing-pxd",
        bad="openTSNE-0.3.9.tar.gz",
        bad_sha256="c16eba3d9a490a22555f93a2994fef622d0f0c35d60e533d7ce9559a26b0483d",
        missing=("openTSNE/quad_tree.pxd", "openTSNE/_matrix_mul/matrix_mul.pxd"),
        referenced_by="openTSNE/_tsne.pyx",
        fixed="openTSNE-0.3.10.tar.gz",
        fixed_sha256="9143ed7cd5cda32e7d225a846c968dcb0d9467d00e7a01bba10acf916bdab35e",
        source="https://github.com/pavlin-policar/openTSNE/issues/90",
    ),
    # setup.py unconditionally cythonize()s Extension sources stratify/_vinterp.pyx and
    # stratify/_conservative.pyx; 0.1 ships only the generated .c files; 0.1.1 ships the .pyx.
    IncompleteCase(
        kind="missing-pyx",
        bad="stratify-0.1.tar.gz",
        bad_sha256="5426f3b66e45e1010952d426e5a7be42cd45fe65f1cd73a98fee1eb7c110c6ee",
        missing=("stratify/_vinterp.pyx", "stratify/_conservative.pyx"),
        referenced_by="setup.py",
        fixed="stratify-0.1.1.tar.gz",
        fixed_sha256="29f5afc9a94719ccce277032b9db5b778f605d914917b43f031f752070e91e78",
        source="https://github.com/SciTools/python-stratify/issues/26",
    ),
    # --- CMake -----------------------------------------------------------------------------
    # scikit-build (classic): setup.py does `from skbuild import setup` with the default
    # cmake_source_dir "."; 2023.2 has no CMakeLists.txt. PyPI marks 2023.2 yanked with the
    # reason "CMakeLists.txt missing"; 2023.2.1 ships it.
    IncompleteCase(
        kind="missing-cmakelists",
        bad="islpy-2023.2.tar.gz",
        bad_sha256="9d4170a56453efe108a505d5ab4b34487f398e0ad88abf5b62ae1c31e91275f0",
        missing=("CMakeLists.txt",),
        referenced_by="setup.py",
        fixed="islpy-2023.2.1.tar.gz",
        fixed_sha256="bb5e7181b874181de8182a72cc3dccbed45b8866e324fbf15f4f23d2d359f889",
        source="https://github.com/inducer/islpy/pull/118",
    ),
    # setup.py CMakeExtension('python_ruckig') with sourcedir='' runs `cmake <sdist root>`;
    # 0.3.0 holds only setup.py + metadata (no CMakeLists.txt, no src/, no include/);
    # 0.3.1 ships CMakeLists.txt, src/*.cpp, include/ruckig/.
    IncompleteCase(
        kind="missing-cmakelists",
        bad="ruckig-0.3.0.tar.gz",
        bad_sha256="bb8a761ceb0780c46b7d8e211e92ccf140b086d6bd857c38c2a3d177cbdef37c",
        missing=("CMakeLists.txt",),
        referenced_by="setup.py",
        fixed="ruckig-0.3.1.tar.gz",
        fixed_sha256="da4dd4b00f0276891507f8c9acbc843638259c8ee1e8171bef549ed110006805",
        source="https://github.com/pantor/ruckig/issues/40",
    ),
    # setup.py CMakeExtension('_aicspylibczi') with sourcedir='' runs `cmake <sdist root>`;
    # 3.0.3 to 3.1.0 (27 kB each) lack CMakeLists.txt and all C++.  3.1.1 (7.6 MB) ships
    # CMakeLists.txt, but is still incomplete (next case); 3.1.2 is the first complete one.
    IncompleteCase(
        kind="missing-cmakelists",
        bad="aicspylibczi-3.1.0.tar.gz",
        bad_sha256="6b1eadeb87906f162458ec5a2c55e6acbb3212f611b9bb7a7cbaeac945e626ef",
        missing=("CMakeLists.txt",),
        referenced_by="setup.py",
        fixed="aicspylibczi-3.1.2.tar.gz",
        fixed_sha256="d903caaac5576922f8dd4b1170fae3421fb9d203128b4d8ecb11681173e7046c",
        source="https://github.com/bioio-devs/aicspylibczi/issues/90",
    ),
    # Found by sdistcheck itself: 3.1.1's CMakeLists.txt has an unconditional
    # `add_subdirectory(c_tests)` (line 76) and `add_executable(profile_me main.cpp)`, and the
    # sdist ships neither c_tests/ nor the root main.cpp, so `cmake` configure fails; 3.1.2
    # adds both (9 c_tests files, a third main.cpp).
    IncompleteCase(
        kind="missing-subdirectory",
        bad="aicspylibczi-3.1.1.tar.gz",
        bad_sha256="b8c2e9360e47ad9c08d9af492bea532daa93f6b73d596fadf683230b212c24e7",
        missing=("c_tests/CMakeLists.txt", "main.cpp"),
        referenced_by="CMakeLists.txt",
        fixed="aicspylibczi-3.1.2.tar.gz",
        fixed_sha256="d903caaac5576922f8dd4b1170fae3421fb9d203128b4d8ecb11681173e7046c",
        source="found by sdistcheck; compare the 3.1.1 and 3.1.2 sdists",
    ),
    # Root CMakeLists.txt line 541 is an unconditional
    # `add_subdirectory("${CMAKE_CURRENT_SOURCE_DIR}/package")`; 0.10.1 has no package/
    # directory at all; 0.11.0 (a .zip sdist) ships package/CMakeLists.txt. 12.7/15.7 MB.
    IncompleteCase(
        kind="missing-subdirectory",
        bad="lief-0.10.1.tar.gz",
        bad_sha256="a487fe7234c04bccd58223dbb79214421176e2629814c7a4a887764cceb5be7c",
        missing=("package/CMakeLists.txt",),
        referenced_by="CMakeLists.txt",
        fixed="lief-0.11.0.zip",
        fixed_sha256="ccf977099153eaefa351e72e84dfa829334699521ef00434b50647d80de2cc56",
        source="https://github.com/lief-project/LIEF/issues/505",
    ),
    # Root CMakeLists.txt line 138: `add_subdirectory(extern/pybind11/)` (vendored git
    # submodule); 0.1.4 to 0.1.12 ship no extern/pybind11; 0.1.13 ships it.
    IncompleteCase(
        kind="missing-subdirectory",
        bad="lephare-0.1.12.tar.gz",
        bad_sha256="ee0d9869807d7c4b7da24c3cfa9f4c76e44f3dcd7d8b47197e5ce576c4a80e42",
        missing=("extern/pybind11/CMakeLists.txt",),
        referenced_by="CMakeLists.txt",
        fixed="lephare-0.1.13.tar.gz",
        fixed_sha256="23cee9448526a1397b54345f33214a3f5992c542f766ed95b1e543d483d50102",
        source="https://github.com/lephare-photoz/lephare/issues/220",
    ),
    # scikit-build-core. CMakeLists.txt -> add_subdirectory(depend/bitcoin) ->
    # src/CMakeLists.txt add_subdirectory(univalue) -> add_library(univalue ... lib/*.cpp),
    # linked into bitcoinkernel; the default sdist excluded `lib/` dirs. The four .cpp files
    # are the whole diff between 0.1.0a1 and 0.1.0a2. 12.7 MB each.
    IncompleteCase(
        kind="missing-cmake-source",
        bad="py_bitcoinkernel-0.1.0a1.tar.gz",
        bad_sha256="bfe3af322819534a1302674da6090a7daaa4bc66cbc924905247195601597590",
        missing=(
            "depend/bitcoin/src/univalue/lib/univalue.cpp",
            "depend/bitcoin/src/univalue/lib/univalue_get.cpp",
            "depend/bitcoin/src/univalue/lib/univalue_read.cpp",
            "depend/bitcoin/src/univalue/lib/univalue_write.cpp",
        ),
        referenced_by="depend/bitcoin/src/univalue/CMakeLists.txt",
        fixed="py_bitcoinkernel-0.1.0a2.tar.gz",
        fixed_sha256="f5d46ff7c86f05e32e05c042d945bef9621cbcec7601dc475ff37a79c151dff3",
        source="https://github.com/stickies-v/py-bitcoinkernel/pull/21",
    ),
    # --- files setup.py reads --------------------------------------------------------------
    # setup.py: install_requires=_parse_requirements('requirements.txt') and
    # tests_require=_parse_requirements('requirements-test.txt'), both open() at import time.
    IncompleteCase(
        kind="missing-setup-read-file",
        bad="ml_collections-0.1.0.tar.gz",
        bad_sha256="59a17fcd1c140153009788517f304caaddd7a94f06690f9f0ed09987beebcf3c",
        missing=("requirements.txt", "requirements-test.txt"),
        referenced_by="setup.py",
        fixed="ml_collections-0.1.1.tar.gz",
        fixed_sha256="3fefcc72ec433aa1e5d32307a3e474bbb67f405be814ea52a2166bfc9dbe68cc",
        source="https://github.com/google/ml_collections/issues/7",
    ),
    # setup.py: open('requirements.txt') and open('package.json') (the version is read from
    # package.json); 1.0.0 has neither; 1.0.1 has both.
    IncompleteCase(
        kind="missing-setup-read-file",
        bad="fastapi_versionizer-1.0.0.tar.gz",
        bad_sha256="4cbd02571ff8e263218d342206cf114ec0f436a57bad1da9462cfece2c20ce8a",
        missing=("requirements.txt", "package.json"),
        referenced_by="setup.py",
        fixed="fastapi_versionizer-1.0.1.tar.gz",
        fixed_sha256="2f990895a28014ebd5355994fd39a9f23808ae72e3bc482ffd638d8e9a376392",
        source="https://github.com/alexschimpf/fastapi-versionizer/issues/19",
    ),
    # --- Rust ------------------------------------------------------------------------------
    # maturin. Root Cargo.toml [workspace.dependencies] has
    # `lakers-crypto-psa = { path = "crypto/lakers-crypto-psa/" }`, used by crypto/Cargo.toml;
    # 0.3.1 and 0.3.2 lack that crate (Cargo.toml and src/lib.rs); 0.3.3 ships both.
    IncompleteCase(
        kind="missing-cargo-path-dependency",
        bad="lakers_python-0.3.2.tar.gz",
        bad_sha256="f444fb134a3d66572c66f0d06aea06d75a2381ed2853ee9b521cab38ad2ed461",
        missing=("crypto/lakers-crypto-psa/Cargo.toml",),
        referenced_by="Cargo.toml",
        fixed="lakers_python-0.3.3.tar.gz",
        fixed_sha256="c0b3cfbc82478bde7dedcf06db275bdce328656361660bae7f527e6de617550c",
        source="https://github.com/lake-rs/lakers/issues/289",
    ),
    # setuptools-rust. setup.py: RustExtension(..., "crates/objects/Cargo.toml"), likewise
    # crates/pack and crates/diff-tree; 0.22.0 ships no Rust at all (also missing: root
    # Cargo.toml workspace and crates/*/src/lib.rs); 0.22.1 ships all of it. The extensions
    # are optional=True unless CIBUILDWHEEL=1, so a plain build "succeeds" without them.
    IncompleteCase(
        kind="missing-rust-extension-manifest",
        bad="dulwich-0.22.0.tar.gz",
        bad_sha256="e19789842ef6b9d3174db03c3300d9fe63d871f217ac0a8f6ded7b086898907d",
        missing=(
            "crates/objects/Cargo.toml",
            "crates/pack/Cargo.toml",
            "crates/diff-tree/Cargo.toml",
        ),
        referenced_by="setup.py",
        fixed="dulwich-0.22.1.tar.gz",
        fixed_sha256="e36d85967cfbf25da1c7bc3d6921adc5baa976969d926aaf1582bd5fd7e94758",
        source="https://github.com/jelmer/dulwich/issues/1287",
    ),
)

# Incomplete sdists whose next release fixed the build by dropping the reference, not by
# shipping the file: the fixed sdist is complete but does NOT contain `missing`.
DROPPED_REFERENCE_CASES: tuple[IncompleteCase, ...] = (
    # maturin 1.3. Root Cargo.toml [workspace] members lists mitmproxy-windows/redirector,
    # wireguard-test-client and mitmproxy-macos/certificate-truster; 0.4.0 ships only the
    # root and mitmproxy-rs/ manifests, so `cargo metadata` fails. 0.4.1 was re-packed by a
    # fixed maturin: no [workspace], the core crate moved to local_dependencies/mitmproxy.
    IncompleteCase(
        kind="missing-cargo-member",
        bad="mitmproxy_rs-0.4.0.tar.gz",
        bad_sha256="479c9c329d0070d72f8d37388aa772739eb10e379e1b49fbfc0204c78080a90e",
        missing=(
            "mitmproxy-windows/redirector/Cargo.toml",
            "wireguard-test-client/Cargo.toml",
            "mitmproxy-macos/certificate-truster/Cargo.toml",
        ),
        referenced_by="Cargo.toml",
        fixed="mitmproxy_rs-0.4.1.tar.gz",
        fixed_sha256="179bc584a771ec39c16b3a87bde7faffa3872137aad477173ad4435b49ef855e",
        source="https://github.com/PyO3/maturin/issues/1837",
    ),
)

# Development-half cases of testdata/corpus/incomplete.tsv caught by the default-build rules
# (issue 12); the evidence is in testdata/corpus/incomplete.md.
DEV_CASES: tuple[IncompleteCase, ...] = (
    # angle-bracket <simsimd/simsimd.h>; include_dirs=['include'] and no include/ shipped.
    IncompleteCase(
        kind="missing-header",
        bad="simsimd-5.4.3.tar.gz",
        bad_sha256="dc75ae8bc0bff160439f669eb664cf47cc24d1a450c93b6bb53d8eee68794956",
        missing=("include/simsimd/simsimd.h",),
        referenced_by="c/lib.c",
        fixed="simsimd-5.4.4.tar.gz",
        fixed_sha256="67a6311e3f8010f3d1dc4cb52c82f9e8373c3b34f0b0ed8048d455588f76bd8c",
        source="https://github.com/ashvardanian/NumKong/issues/196",
    ),
    # the fixed release's quoted "H5PLextern.h" is HDF5's plugin header, not the sdist's.
    IncompleteCase(
        kind="missing-header",
        bad="bitshuffle-0.2.3.tar.gz",
        bad_sha256="609fe3fb61d5c9713f36463de975d68cfef299867113fddd3f808e710ae78e2e",
        missing=("src/bitshuffle.h",),
        referenced_by="src/bitshuffle.c",
        fixed="bitshuffle-0.2.4.tar.gz",
        fixed_sha256="88dc0289edf6724e7495d63ce381a82ef88548508aecaafa905e422d52221205",
        source="https://github.com/kiyo-masui/bitshuffle/issues/46",
    ),
    # libbacktrace is compiled on Linux under `if IS_PYPY: ... else:` with IS_PYPY bound to a
    # PyPy test.
    IncompleteCase(
        kind="missing-header",
        bad="vmprof-0.4.3.tar.gz",
        bad_sha256="4db79ee75b8048fc1baf0917f3cdb662014f090dfcf83418b573aaf20c98b601",
        missing=("src/libbacktrace/dwarf2.def",),
        referenced_by="src/libbacktrace/dwarf2.h",
        fixed="vmprof-0.4.4.tar.gz",
        fixed_sha256="9278d6fb66f6386a6a364423d959eb0bb46effa58f25696785544b2d9a1ae917",
        source="https://github.com/vmprof/vmprof-python/issues/128",
    ),
    # #include "xxh3.h" under #ifndef XXH_NO_LONG_LONG, which nothing defines.
    IncompleteCase(
        kind="missing-header",
        bad="xxhash-1.4.0.tar.gz",
        bad_sha256="cb7a830d216e433518aeca389def4260940823308816358a5fc5d3beef682055",
        missing=("deps/xxhash/xxh3.h",),
        referenced_by="deps/xxhash/xxhash.c",
        fixed="xxhash-1.4.1.tar.gz",
        fixed_sha256="6b5af8c37ff12745ae77f28e695c0d3a3327932fd229824e49382377e940fdf1",
        source="https://github.com/ifduyue/python-xxhash/pull/29",
    ),
    # angle-bracket <experimental_heuristics.h>; its .cpp is on the include dir src/cpp.
    IncompleteCase(
        kind="missing-header",
        bad="pyastar2d-1.0.5.tar.gz",
        bad_sha256="a68cae18e1f4989f1ff05648d830d065afe65498f7c8fa7792010a1561ba8aa6",
        missing=("src/cpp/experimental_heuristics.h",),
        referenced_by="src/cpp/astar.cpp",
        fixed="pyastar2d-1.0.6.tar.gz",
        fixed_sha256="1391cad0654bae1cb932dbdbd1581d57e5e8eea34b9d9fc797f9b1434fc71fae",
        source="https://github.com/hjweide/pyastar2d/pull/37",
    ),
    # the fixed release's "uast.h" is on bblfsh/libuast/, which setup.py downloads itself.
    IncompleteCase(
        kind="missing-header",
        bad="bblfsh-2.9.2.tar.gz",
        bad_sha256="d6d37bf5b2f24a245f449ca74974a3ab3301840e97448b9ae43b16a1b0f43790",
        missing=("bblfsh/memtracker.h",),
        referenced_by="bblfsh/pyuast.cc",
        fixed="bblfsh-2.9.3.tar.gz",
        fixed_sha256="e0f097a9bf8050ee84d14b20afb5314073caa308f025a46d23bc211973b42032",
        source="https://github.com/bblfsh/python-client/issues/86",
    ),
    # "Compress.h" was meant for the include dir Include/, which was not shipped.
    IncompleteCase(
        kind="missing-header",
        bad="chipsec-1.10.4.tar.gz",
        bad_sha256="959f5d12b2887fb50fc87f256bc91ce38440457b9a8cb8a6b0961e3478eac6b3",
        missing=("chipsec_tools/compression/Include/Compress.h",),
        referenced_by="chipsec_tools/compression/Compress.c",
        fixed="chipsec-1.11.0.tar.gz",
        fixed_sha256="ec181d308409df1ffd49fcc6f46e9b836e8b5f73c10947dd0d5dd1244a26f4c3",
        source="https://github.com/chipsec/chipsec/pull/1743",
    ),
    # setup_requires gives Cython, so the try/except ImportError takes cythonize() of a glob
    # that matches nothing.
    IncompleteCase(
        kind="missing-pyx",
        bad="pomegranate-0.11.1.tar.gz",
        bad_sha256="765e66406c7d648aceaedd07c9a88c7895b8946796a572f5c01db67e40f21256",
        missing=("pomegranate/distributions/*.pyx",),
        referenced_by="setup.py",
        fixed="pomegranate-0.11.2.tar.gz",
        fixed_sha256="746970cb8268e280552c5204c2e350f149004a639df9238551b12109c72808d1",
        source="https://github.com/jmschrei/pomegranate/issues/341",
    ),
    # Extension sources from Path.glob('*.c') that matches nothing.
    IncompleteCase(
        kind="missing-source",
        bad="MulensModel-2.3.2.tar.gz",
        bad_sha256="9659200ecef84762b4d24b7d2da251a39e7cee3658ad70a9f34d94d88f8bff5d",
        missing=("source/AdaptiveContouring/*.c",),
        referenced_by="setup.py",
        fixed="MulensModel-2.3.3.tar.gz",
        fixed_sha256="acee9719d5d150eeccc1afc24aea477cb42c0e926173b1c78b051133cbb5dd62",
        source="https://github.com/rpoleski/MulensModel/pull/18",
    ),
    # setup.py imports ci.setup_utils; no build requirement provides it.
    IncompleteCase(
        kind="missing-setup-import",
        bad="datatable-0.7.0.tar.gz",
        bad_sha256="97b8a942c542a7d11eb634f1955e3b32906425ed2a6b7c23baa4568949f8fcd8",
        missing=("ci/setup_utils.py",),
        referenced_by="setup.py",
        fixed="datatable-0.8.0.tar.gz",
        fixed_sha256="53e657e07c87b6802633eff5547897bbe977989c17d09c79db9365e77e401fe9",
        source="https://github.com/h2oai/datatable/pull/1456",
    ),
    # Extensions made in a comprehension over a static module list.
    IncompleteCase(
        kind="missing-pxi",
        bad="ffpyplayer-4.2.0.tar.gz",
        bad_sha256="5438fe33679e56193e022590d5df3d8e20f5beb3f88bdb90d2b40131a2423422",
        missing=("ffpyplayer/includes/ff_consts.pxi",),
        referenced_by="ffpyplayer/player/player.pyx",
        fixed="ffpyplayer-4.3.0.tar.gz",
        fixed_sha256="a247b335d86c045f5c32b1ed0581b7c23b6c220265bfd657609c1504cdd9e4ec",
        source="https://github.com/matham/ffpyplayer/pull/80",
    ),
)

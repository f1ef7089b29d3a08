#!/usr/bin/env bash
# Build the small real binaries under testdata/bin/ that tests/retag/binaries/test_elf.py and
# tests/retag/binaries/test_analysis.py analyse, with real toolchains from Debian bookworm, and write
# testdata/bin/README.md (what each file is, how it was made, the toolchain versions).
#
#   scripts/build_test_binaries.sh            # build (fails, naming the packages, if tools lack)
#   scripts/build_test_binaries.sh --install  # apt-get install the toolchains first (root)
#
# Idempotent: everything is built in a scratch directory and copied over testdata/bin/, and the
# outputs are reproducible (no timestamps, stripped, build-ids derived from content).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/testdata/bin"
packages=(gcc musl-tools gcc-aarch64-linux-gnu gcc-i686-linux-gnu mingw-w64 clang lld llvm
          binutils-s390x-linux-gnu)
tools=(gcc musl-gcc aarch64-linux-gnu-gcc i686-linux-gnu-gcc x86_64-w64-mingw32-gcc
       i686-w64-mingw32-gcc clang ld.lld lld-link ld64.lld-14 llvm-lipo-14 llvm-dlltool-14
       s390x-linux-gnu-ld)

if [[ "${1:-}" == "--install" ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}"
fi
missing=()
for tool in "${tools[@]}"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if ((${#missing[@]})); then
    echo "missing: ${missing[*]}" >&2
    echo "install with: apt-get install ${packages[*]}  (or run with --install)" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export SOURCE_DATE_EPOCH=0 LC_ALL=C

cat > hello.c <<'EOF'
#include <stdio.h>
int main(void) { puts("hello"); return 0; }
EOF
cat > ext.c <<'EOF'
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
/* A stand-in for a CPython extension: exports PyInit_demo and links no libpython.  The libc
   calls depend on run-time input so they stay versioned imports (getentropy: GLIBC_2.25). */
static char buf[64];
void *PyInit_demo(void) {
    const char *v = getenv("DEMO");
    if (v != NULL) memcpy(buf, v, strnlen(v, sizeof buf - 1));
    else if (getentropy(buf, 8) != 0) return NULL;
    return buf;
}
EOF
cat > plain.c <<'EOF'
/* A shared library with no dependencies at all: no interpreter, no DT_NEEDED, not a PIE. */
int plain_answer(void) { return 42; }
EOF
cat > free.c <<'EOF'
/* Freestanding: no libc, so any target clang knows links without a sysroot. */
void _start(void) { for (;;) { } }
EOF

# --- ELF, x86_64 -------------------------------------------------------------------------
musl-gcc -Os -s -static -o musl-static-x86_64 hello.c
# Debian's musl-gcc specs always use Scrt1.o and pass -dynamic-linker, so -static-pie through
# the wrapper yields a dynamic PIE; link by hand against musl's rcrt1.o (self-relocating start).
m=/usr/lib/x86_64-linux-musl
gcc -Os -s -fPIE -nostdinc -isystem /usr/include/x86_64-linux-musl \
    -isystem "$(gcc -print-file-name=include)" -static-pie -nostdlib -nostartfiles \
    "$m/rcrt1.o" "$m/crti.o" "$(gcc -print-file-name=crtbeginS.o)" hello.c -L"$m" -lc \
    "$(gcc -print-libgcc-file-name)" "$(gcc -print-file-name=crtendS.o)" "$m/crtn.o" \
    -o musl-static-pie-x86_64
musl-gcc -Os -s -o musl-dynamic-x86_64 hello.c
gcc -Os -s -o glibc-dynamic-x86_64 hello.c
gcc -Os -s -shared -fPIC -o demo.cpython-311-x86_64-linux-gnu.so ext.c
gcc -Os -s -shared -fPIC -nostdlib -Wl,-soname,libplain.so.1 -o libplain.so.1 plain.c
cat > needsplain.c <<'EOF'
/* Needs libplain.so.1, found through a DT_RUNPATH written with ${ORIGIN}. */
int plain_answer(void);
int twice(void) { return 2 * plain_answer(); }
EOF
gcc -Os -s -shared -fPIC -nostdlib -Wl,-soname,libneedsplain.so.1 -Wl,--enable-new-dtags \
    '-Wl,-rpath,${ORIGIN}/../demo.libs' -o libneedsplain.so.1 needsplain.c libplain.so.1
cat > isa.c <<'EOF'
/* A stand-in extension built for x86-64-v3: the loop is vectorised with AVX2/FMA, and the
   linker records the level in .note.gnu.property (GNU_PROPERTY_X86_ISA_1_NEEDED). */
void scale(float *restrict out, const float *restrict in, float k, int n) {
    for (int i = 0; i < n; i++) out[i] = in[i] * k + out[i];
}
void *PyInit_demo_v3(void) { return (void *)scale; }
EOF
# -march alone records nothing in the output; ld's -z x86-64-v3 writes the ISA_1_NEEDED note.
gcc -O3 -s -shared -fPIC -nostdlib -march=x86-64-v3 -Wl,-z,x86-64-v3 \
    -o demo_v3.cpython-312-x86_64-linux-gnu.so isa.c
head -c 100 musl-static-x86_64 > truncated-x86_64.elf

# --- ELF, other architectures ---------------------------------------------------------------
i686-linux-gnu-gcc -Os -s -o glibc-dynamic-i686 hello.c
aarch64-linux-gnu-gcc -Os -s -static -o glibc-static-aarch64 hello.c
clang --target=aarch64-linux-gnu -O2 -ffreestanding -fPIE -c free.c -o free-aarch64.o
ld.lld -static -pie --no-dynamic-linker -s -o static-pie-aarch64 free-aarch64.o
build_free() {  # name, clang target, extra clang flags, linker
    clang --target="$2" -O2 -ffreestanding -fno-pic $3 -c free.c -o "$1.o"
    "$4" -static -s -o "$1" "$1.o"
}
build_free static-armv7l armv7-linux-gnueabihf "" ld.lld
build_free static-armel armv7-linux-gnueabi "-mfloat-abi=soft" ld.lld
build_free static-ppc64le powerpc64le-linux-gnu "" ld.lld
build_free static-ppc64 powerpc64-linux-gnu "" ld.lld
build_free static-riscv64 riscv64-linux-gnu "" ld.lld
build_free static-s390x s390x-linux-gnu "" s390x-linux-gnu-ld  # lld 14 has no SystemZ
# No loongarch64 toolchain in bookworm (LLVM gained it in 16, binutils-loongarch64 is not
# packaged): take the riscv64 file and set e_machine to EM_LOONGARCH (258) and e_flags to 0x43
# (LP64D, object ABI v1).  The header is what retag reads; the code is riscv64, never run.
cp static-riscv64 static-loongarch64
python3 - <<'EOF'
import struct
with open("static-loongarch64", "r+b") as f:
    f.seek(18); f.write(struct.pack("<H", 258))
    f.seek(48); f.write(struct.pack("<I", 0x43))
EOF

# --- PE --------------------------------------------------------------------------------------
x86_64-w64-mingw32-gcc -Os -s -Wl,--no-insert-timestamp -o hello-x86_64.exe hello.c
i686-w64-mingw32-gcc -Os -s -Wl,--no-insert-timestamp -o hello-x86.exe hello.c
cat > pyd.c <<'EOF'
__declspec(dllexport) void *PyInit_demo(void) { return 0; }
EOF
x86_64-w64-mingw32-gcc -Os -s -shared -Wl,--no-insert-timestamp -o demo.cp311-win_amd64.pyd pyd.c
# ARM64: clang + lld-link, no MSVC libraries: an import library for kernel32 from a .def file.
cat > winfree.c <<'EOF'
__declspec(dllimport) void __stdcall ExitProcess(unsigned int);
void mainCRTStartup(void) { ExitProcess(0); }
EOF
printf 'LIBRARY kernel32.dll\nEXPORTS\nExitProcess\n' > kernel32.def
llvm-dlltool-14 -m arm64 -d kernel32.def -l kernel32-arm64.lib
clang --target=aarch64-pc-windows-msvc -O2 -c winfree.c -o winfree-arm64.obj
lld-link /nologo /brepro /machine:arm64 /subsystem:console /entry:mainCRTStartup \
    /nodefaultlib /out:hello-arm64.exe winfree-arm64.obj kernel32-arm64.lib

# --- Mach-O ----------------------------------------------------------------------------------
# No macOS SDK: a hand-written text stub (.tbd) of libSystem is all ld64.lld needs to link.
mkdir -p sdk
cat > sdk/libSystem.tbd <<'EOF'
--- !tapi-tbd
tbd-version:     4
targets:         [ x86_64-macos, arm64-macos ]
install-name:    '/usr/lib/libSystem.B.dylib'
current-version: 1311
exports:
  - targets:     [ x86_64-macos, arm64-macos ]
    symbols:     [ _puts, dyld_stub_binder ]
...
EOF
printf 'int puts(const char *);\nint main(void) { return puts("hello") < 0; }\n' > mhello.c
for a in x86_64 arm64; do
    clang --target=$a-apple-macos11 -O2 -c mhello.c -o "mhello-$a.o"
    ld64.lld-14 -arch $a -platform_version macos 11.0 11.0 -L sdk -lSystem -o "hello-$a" \
        "mhello-$a.o"
done
llvm-lipo-14 -create hello-x86_64 hello-arm64 -output hello-universal2
printf 'void *PyInit_demo(void) { return 0; }\n' > mext.c
clang --target=arm64-apple-macos11 -O2 -c mext.c -o mext.o
ld64.lld-14 -arch arm64 -platform_version macos 11.0 11.0 -bundle -undefined dynamic_lookup \
    -L sdk -lSystem -o demo.cpython-311-darwin.so mext.o

files=(musl-static-x86_64 musl-static-pie-x86_64 musl-dynamic-x86_64 glibc-dynamic-x86_64
       demo.cpython-311-x86_64-linux-gnu.so libplain.so.1 libneedsplain.so.1
       demo_v3.cpython-312-x86_64-linux-gnu.so truncated-x86_64.elf
       glibc-dynamic-i686 glibc-static-aarch64 static-pie-aarch64 static-armv7l static-armel
       static-ppc64le static-ppc64 static-riscv64 static-s390x static-loongarch64
       hello-x86_64.exe hello-x86.exe demo.cp311-win_amd64.pyd hello-arm64.exe
       hello-universal2 demo.cpython-311-darwin.so)
mkdir -p "$out"
for f in "${files[@]}"; do install -m 0644 "$f" "$out/$f"; done

first() { "$@" 2>&1 | head -n1; }
{
cat <<'EOF'
# Test binaries

Small real binaries analysed by `tests/retag/binaries/test_elf.py` and `test_analysis.py`.  Built by
`scripts/build_test_binaries.sh` (idempotent; `--install` apt-gets the toolchains), stripped,
reproducible.  Do not edit by hand: rerun the script.

| file | what | built with |
| --- | --- | --- |
| musl-static-x86_64 | static ET_EXEC, no interpreter, no NEEDED | `musl-gcc -static` |
| musl-static-pie-x86_64 | static PIE (ET_DYN, DF_1_PIE, no interpreter, no NEEDED) | gcc `-static-pie` with musl's `rcrt1.o` (Debian's musl-gcc specs cannot) |
| musl-dynamic-x86_64 | dynamic PIE, interpreter `/lib/ld-musl-x86_64.so.1`, NEEDED `libc.so` | `musl-gcc` |
| glibc-dynamic-x86_64 | dynamic PIE, NEEDED `libc.so.6`, GLIBC_2.2.5 + GLIBC_2.34 | `gcc` |
| demo.cpython-311-x86_64-linux-gnu.so | extension module exporting `PyInit_demo`, GLIBC_2.2.5 + GLIBC_2.25 | `gcc -shared -fPIC`, no libpython |
| libplain.so.1 | shared library with SONAME and no dependencies (not static: a library) | `gcc -shared -nostdlib` |
| libneedsplain.so.1 | shared library needing `libplain.so.1`, DT_RUNPATH `${ORIGIN}/../demo.libs` | `gcc -shared -nostdlib -Wl,--enable-new-dtags,-rpath,...` |
| demo_v3.cpython-312-x86_64-linux-gnu.so | extension module (AVX2 loop) whose `.note.gnu.property` says x86 ISA needed: x86-64-v3 | `gcc -march=x86-64-v3 -Wl,-z,x86-64-v3 -nostdlib` |
| truncated-x86_64.elf | the first 100 bytes of musl-static-x86_64 | `head -c 100` |
| glibc-dynamic-i686 | EM_386 dynamic PIE, GLIBC_2.0 .. GLIBC_2.34 | `i686-linux-gnu-gcc` |
| glibc-static-aarch64 | static ET_EXEC with glibc (GNU ABI note) | `aarch64-linux-gnu-gcc -static` |
| static-pie-aarch64 | static PIE, freestanding | `clang` + `ld.lld -static -pie --no-dynamic-linker` |
| static-armv7l | EM_ARM EABI5 hard-float, freestanding | `clang --target=armv7-linux-gnueabihf` + `ld.lld` |
| static-armel | EM_ARM EABI5 soft-float: not armv7l | `clang --target=armv7-linux-gnueabi -mfloat-abi=soft` + `ld.lld` |
| static-ppc64le, static-ppc64 | EM_PPC64 little / big endian, freestanding | `clang` + `ld.lld` |
| static-riscv64 | EM_RISCV 64-bit, freestanding | `clang` + `ld.lld` |
| static-s390x | EM_S390 64-bit big endian, freestanding | `clang` + `s390x-linux-gnu-ld` (lld 14 has no SystemZ) |
| static-loongarch64 | **patched**: static-riscv64 with e_machine EM_LOONGARCH (258), e_flags 0x43 | no loongarch64 toolchain in bookworm |
| hello-x86_64.exe, hello-x86.exe | PE32+ AMD64 / PE32 i386 console programs, import KERNEL32.dll, msvcrt.dll | mingw-w64 gcc `-Wl,--no-insert-timestamp` |
| demo.cp311-win_amd64.pyd | PE32+ DLL exporting `PyInit_demo` | `x86_64-w64-mingw32-gcc -shared` |
| hello-arm64.exe | PE32+ ARM64 (0xaa64), imports kernel32.dll | `clang --target=aarch64-pc-windows-msvc` + `lld-link` with an import library from `llvm-dlltool` |
| hello-universal2 | fat Mach-O, x86_64 + arm64 executables linking `/usr/lib/libSystem.B.dylib` | `clang` + `ld64.lld` against a hand-written libSystem `.tbd` stub, `llvm-lipo` |
| demo.cpython-311-darwin.so | thin arm64 MH_BUNDLE exporting `_PyInit_demo` | `ld64.lld -bundle -undefined dynamic_lookup` |

Nothing here is run by the tests; the foreign ones could not be.

## Toolchain versions
EOF
echo
echo '```'
first gcc --version
echo "musl $(dpkg-query -W -f='${Version}' musl-dev 2>/dev/null || echo '?')"
first aarch64-linux-gnu-gcc --version
first i686-linux-gnu-gcc --version
first x86_64-w64-mingw32-gcc --version
first i686-w64-mingw32-gcc --version
first clang --version
first ld.lld --version
first s390x-linux-gnu-ld --version
echo '```'
} > "$out/README.md"
echo "built ${#files[@]} binaries in $out ($(du -sh "$out" | cut -f1))"

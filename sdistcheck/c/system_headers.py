"""Headers that are never the sdist's: the C/C++ standard library's, the OS's, Python's, and
common system libraries'.  A quoted include of one that resolves nowhere is no missing file.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SYSTEM_HEADERS = _words("""
assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h iso646.h limits.h locale.h math.h
setjmp.h signal.h stdalign.h stdarg.h stdatomic.h stdbit.h stdbool.h stdckdint.h stddef.h
stdint.h stdio.h stdlib.h stdnoreturn.h string.h tgmath.h threads.h time.h uchar.h wchar.h
wctype.h unistd.h fcntl.h dirent.h dlfcn.h pthread.h sched.h semaphore.h poll.h termios.h
syslog.h pwd.h grp.h netdb.h libgen.h fnmatch.h glob.h regex.h spawn.h utime.h utmp.h utmpx.h
langinfo.h iconv.h alloca.h malloc.h memory.h strings.h endian.h byteswap.h execinfo.h
features.h getopt.h ifaddrs.h link.h elf.h err.h paths.h mntent.h ucontext.h wordexp.h
sysexits.h ftw.h search.h aio.h mqueue.h nl_types.h monetary.h ndbm.h cpio.h tar.h ulimit.h
stropts.h crypt.h shadow.h resolv.h libintl.h values.h sgtty.h termio.h
availabilitymacros.h targetconditionals.h availability.h crt_externs.h xlocale.h
windows.h winsock.h winsock2.h ws2tcpip.h ws2def.h mswsock.h iphlpapi.h winbase.h windef.h
winnt.h winerror.h winternl.h winreg.h wincrypt.h winioctl.h wtsapi32.h psapi.h tlhelp32.h
shlobj.h shellapi.h shlwapi.h objbase.h ole2.h oleauto.h io.h process.h direct.h conio.h
tchar.h crtdbg.h intrin.h excpt.h sal.h bcrypt.h ntstatus.h pdh.h powrprof.h lm.h lmcons.h
userenv.h sddl.h aclapi.h accctrl.h dbghelp.h versionhelpers.h sdkddkver.h mmsystem.h
commctrl.h share.h windowsx.h winver.h fileapi.h synchapi.h processthreadsapi.h memoryapi.h
handleapi.h sysinfoapi.h errhandlingapi.h libloaderapi.h winuser.h wchar.h mbstring.h
arm_neon.h arm_sve.h arm_acle.h cpuid.h altivec.h wasm_simd128.h omp.h unwind.h
python.h structmember.h pythread.h frameobject.h datetime.h longintrepr.h pymem.h marshal.h
code.h abstract.h bltinmodule.h boolobject.h bytearrayobject.h bytesobject.h ceval.h codecs.h
compile.h complexobject.h descrobject.h dictobject.h enumobject.h errcode.h fileobject.h
fileutils.h floatobject.h funcobject.h genobject.h import.h intrcheck.h iterobject.h
listobject.h longobject.h memoryobject.h methodobject.h modsupport.h moduleobject.h object.h
objimpl.h opcode.h osdefs.h osmodule.h patchlevel.h py_curses.h pyarena.h pybuffer.h
pycapsule.h pyconfig.h pydtrace.h pyerrors.h pyexpat.h pyframe.h pyhash.h pylifecycle.h
pymacconfig.h pymacro.h pymath.h pyport.h pystate.h pystrcmp.h pystrtod.h pythonrun.h
pytypedefs.h rangeobject.h setobject.h sliceobject.h structseq.h sysmodule.h traceback.h
tracemalloc.h tupleobject.h typeslots.h unicodeobject.h warnings.h weakrefobject.h
cellobject.h classobject.h node.h graminit.h token.h bitset.h dynamic_annotations.h
genericaliasobject.h ucnhash.h pgenheaders.h parsetok.h python-ast.h pyfpe.h pyatomic.h
pystrhex.h pytime.h pydebug.h pyctype.h odictobject.h namespaceobject.h intobject.h
stringobject.h cobject.h bufferobject.h cstringio.h
zlib.h zconf.h bzlib.h lzma.h ffi.h ffitarget.h expat.h expat_external.h gmp.h mpfr.h
sqlite3.h png.h jpeglib.h tiff.h fftw3.h cblas.h lapacke.h mpi.h cuda.h cuda_runtime.h
yaml.h ncurses.h curses.h term.h readline.h gdbm.h tcl.h tk.h uv.h sodium.h hdf5.h
zmq.h zmq_utils.h libpq-fe.h libpq-events.h pg_config.h postgres_ext.h mysql.h
""")
_SYSTEM_DIRS = _words("""
sys net netinet netinet6 arpa linux asm asm-generic bits gnu mach mach-o libkern machine os
dispatch corefoundation iokit security carbon cocoa foundation applicationservices
systemconfiguration cpython numpy openssl crypto curl libxml libxslt pybind11
nanobind boost eigen x11 gl opengl egl vulkan readline hip tbb xsimd sodium unicode
""")


# HDF5's public headers (H5PLextern.h, H5Zpublic.h, H5pubconf.h ...), beside its hdf5.h
_HDF5 = re.compile(r"H5(?:[A-Z]{0,2}(?:public|extern|develop)|pubconf|version|api_adpt)\.h")


def is_system_header(name: str) -> bool:
    """True for a header the compiler, Python or a system library provides (never a reference)."""
    lowered = name.lower().replace("\\", "/").lstrip("./")
    if "." not in lowered.rpartition("/")[2]:
        return True  # <vector>, <cstdint>: C++ standard headers have no suffix
    base = lowered.rpartition("/")[2]
    if _HDF5.fullmatch(name.rpartition("/")[2]):
        return True
    if lowered in _SYSTEM_HEADERS or base.endswith("intrin.h") or base.startswith("pycore_"):
        return True
    return lowered.partition("/")[0] in _SYSTEM_DIRS and "/" in lowered


def of_linked_library(name: str, libraries: tuple[str, ...]) -> bool:
    """True for `avif/avif.h` or `avif.h` in a unit linking `avif` (or `libavif`): the header of
    a library the build links from the system, when the sdist has no such file anywhere."""
    lowered = name.lower().replace("\\", "/").lstrip("./")
    head, _, base = lowered.partition("/")
    first = head if base else head.rpartition(".")[0]
    linked = {lib.lower().removeprefix("lib") for lib in libraries}
    return bool(first) and first.removeprefix("lib") in linked

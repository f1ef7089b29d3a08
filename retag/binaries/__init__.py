"""What a wheel's native code is: ELF (`elf`, with pyelftools), PE and Mach-O (`analysis`), their
architectures, loaders, libc and symbol-version needs, and where glibc's loader finds the
libraries its ELF files need once the wheel is installed (`loader`).  May import
`retag._errors` only.
"""

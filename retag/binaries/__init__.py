"""What a wheel's native code is: ELF (`elf`, with pyelftools), PE and Mach-O (`analysis`), their
architectures, loaders, libc and symbol-version needs.  May import `retag._errors` only.
"""

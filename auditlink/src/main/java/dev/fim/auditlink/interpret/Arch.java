package dev.fim.auditlink.interpret;

/**
 * Audit architectures: the {@code AUDIT_ARCH_*} values of include/uapi/linux/audit.h
 * (EM_* from include/uapi/linux/elf-em.h, | __AUDIT_ARCH_64BIT 0x80000000,
 * | __AUDIT_ARCH_LE 0x40000000), with the names ausearch -i prints.
 *
 * <p>TODO(after merge): the rules helper generates syscall tables in
 * {@code dev.fim.auditlink.rules}; share one table then. Until then this package has its own
 * generated {@code SyscallTable} (x86_64, i386, aarch64).
 */
enum Arch {
    X86_64(0xc000003eL, "x86_64", SyscallTable.X86_64),
    I386(0x40000003L, "i386", SyscallTable.I386),
    AARCH64(0xc00000b7L, "aarch64", SyscallTable.AARCH64),
    ARM(0x40000028L, "arm", null),
    PPC64(0x80000015L, "ppc64", null),
    PPC64LE(0xc0000015L, "ppc64le", null),
    PPC(0x00000014L, "ppc", null),
    S390X(0x80000016L, "s390x", null),
    S390(0x00000016L, "s390", null),
    RISCV64(0xc00000f3L, "riscv64", null);

    private final long value;
    private final String displayName;
    private final String[] syscalls;

    Arch(long value, String displayName, String[] syscalls) {
        this.value = value;
        this.displayName = displayName;
        this.syscalls = syscalls;
    }

    String displayName() {
        return displayName;
    }

    /** The syscall's name, or null if this arch has no table here or no such number. */
    String syscallName(int n) {
        if (syscalls == null || n < 0 || n >= syscalls.length) return null;
        return syscalls[n];
    }

    /** The arch of an {@code arch=} hex value, or null (no Optional and lambda per field in a search). */
    static Arch ofHex(String hex) {
        if (hex == null || hex.isEmpty() || hex.length() > 8) return null;
        long v;
        try {
            v = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            return null;
        }
        for (Arch a : VALUES) {
            if (a.value == v) return a;
        }
        return null;
    }

    private static final Arch[] VALUES = values();
}

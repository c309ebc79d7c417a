package dev.fim.auditlink.rules;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The audit architectures a rule can name with {@code -F arch=}, with their {@code AUDIT_ARCH_*} values
 * (include/uapi/linux/audit.h: {@code AUDIT_ARCH_X86_64 (EM_X86_64|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE)} etc.;
 * EM_* from include/uapi/linux/elf-em.h). Syscall tables exist for x86_64 and i386; aarch64/arm are known so that
 * a golden made on aarch64 can be compiled, but only syscall numbers (not names) work there. Immutable and
 * thread-safe.
 */
public enum Arch {
    /** {@code AUDIT_ARCH_X86_64} = EM_X86_64 (62) | 64BIT | LE. */
    X86_64(0xc000003e, "x86_64", KernelTables.SYSCALLS_X86_64),
    /** {@code AUDIT_ARCH_I386} = EM_386 (3) | LE; the {@code b32} arch of an x86_64 machine. */
    I386(0x40000003, "i386", KernelTables.SYSCALLS_I386),
    /** {@code AUDIT_ARCH_AARCH64} = EM_AARCH64 (183) | 64BIT | LE. No syscall name table here. */
    AARCH64(0xc00000b7, "aarch64", null),
    /** {@code AUDIT_ARCH_ARM} = EM_ARM (40) | LE; the {@code b32} arch of an aarch64 machine. No name table. */
    ARM(0x40000028, "arm", null);

    private final int auditArch;
    private final String machineName;
    private final String[] syscalls;
    private final Map<String, Integer> byName = new HashMap<>();

    Arch(int auditArch, String machineName, String[] syscalls) {
        this.auditArch = auditArch;
        this.machineName = machineName;
        this.syscalls = syscalls;
        for (int i = 0; syscalls != null && i < syscalls.length; i++) {
            if (syscalls[i] != null) {
                byName.putIfAbsent(syscalls[i], i);
            }
        }
    }

    /** The {@code AUDIT_ARCH_*} value the kernel compares with {@code -F arch=}. */
    public int auditArch() {
        return auditArch;
    }

    /** The name auditctl uses for this machine ({@code uname -m} style). */
    public String machineName() {
        return machineName;
    }

    /** True when the {@code __AUDIT_ARCH_64BIT} bit is set. */
    public boolean is64Bit() {
        return (auditArch & 0x80000000) != 0;
    }

    /** The 32-bit compat arch of a 64-bit machine ({@code b32}), or empty. */
    public Optional<Arch> compat32() {
        return switch (this) {
            case X86_64 -> Optional.of(I386);
            case AARCH64 -> Optional.of(ARM);
            default -> Optional.empty();
        };
    }

    /** The arch with this {@code AUDIT_ARCH_*} value, or empty. */
    public static Optional<Arch> fromAuditArch(int value) {
        for (Arch a : values()) {
            if (a.auditArch == value) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The arch for a {@code uname -m} machine name (x86_64, amd64, i386…i686, aarch64, arm*), or empty. */
    public static Optional<Arch> fromMachineName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "x86_64", "amd64" -> Optional.of(X86_64);
            case "i386", "i486", "i586", "i686", "x86" -> Optional.of(I386);
            case "aarch64", "arm64" -> Optional.of(AARCH64);
            default -> n.startsWith("arm") ? Optional.of(ARM) : Optional.empty();
        };
    }

    boolean hasSyscallNames() {
        return syscalls != null;
    }

    /** The syscall number for a name in this arch's table. */
    OptionalInt syscallNumber(String name) {
        Integer nr = byName.get(name);
        return nr == null ? OptionalInt.empty() : OptionalInt.of(nr);
    }

    /** The syscall name for a number, or null when the table has none. */
    String syscallName(int nr) {
        return syscalls != null && nr >= 0 && nr < syscalls.length ? syscalls[nr] : null;
    }
}

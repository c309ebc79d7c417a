package dev.fim.auditlink.kernel;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The audit architectures: their {@code AUDIT_ARCH_*} values (include/uapi/linux/audit.h: {@code
 * AUDIT_ARCH_X86_64 (EM_X86_64|__AUDIT_ARCH_64BIT|__AUDIT_ARCH_LE)} etc.; EM_* from
 * include/uapi/linux/elf-em.h), the names auditctl takes after {@code -F arch=} and ausearch -i
 * prints, and the syscall table ({@link SyscallTable}) where there is one (x86_64, i386, aarch64).
 * The others are known so that a rule can name them and a record from such a machine can be read;
 * their syscalls are numbers only. Immutable and thread-safe.
 */
public enum Arch {
  /** {@code AUDIT_ARCH_X86_64} = EM_X86_64 (62) | 64BIT | LE. */
  X86_64(
      0xc000003e,
      "x86_64",
      SyscallTable.X86_64,
      SyscallTable.X86_64_KERNEL_NAMES,
      SyscallTable.X86_64_KERNEL_NUMBERS),
  /** {@code AUDIT_ARCH_I386} = EM_386 (3) | LE; the {@code b32} arch of an x86_64 machine. */
  I386(
      0x40000003,
      "i386",
      SyscallTable.I386,
      SyscallTable.I386_KERNEL_NAMES,
      SyscallTable.I386_KERNEL_NUMBERS),
  /** {@code AUDIT_ARCH_AARCH64} = EM_AARCH64 (183) | 64BIT | LE. */
  AARCH64(
      0xc00000b7,
      "aarch64",
      SyscallTable.AARCH64,
      SyscallTable.AARCH64_KERNEL_NAMES,
      SyscallTable.AARCH64_KERNEL_NUMBERS),
  /** {@code AUDIT_ARCH_ARM} = EM_ARM (40) | LE; the {@code b32} arch of an aarch64 machine. */
  ARM(0x40000028, "arm"),
  /** {@code AUDIT_ARCH_PPC64} = EM_PPC64 (21) | 64BIT. */
  PPC64(0x80000015, "ppc64"),
  /** {@code AUDIT_ARCH_PPC64LE} = EM_PPC64 (21) | 64BIT | LE. */
  PPC64LE(0xc0000015, "ppc64le"),
  /** {@code AUDIT_ARCH_PPC} = EM_PPC (20); the {@code b32} arch of a ppc64 machine. */
  PPC(0x00000014, "ppc"),
  /** {@code AUDIT_ARCH_S390X} = EM_S390 (22) | 64BIT. */
  S390X(0x80000016, "s390x"),
  /** {@code AUDIT_ARCH_S390} = EM_S390 (22); the {@code b32} arch of an s390x machine. */
  S390(0x00000016, "s390"),
  /** {@code AUDIT_ARCH_RISCV64} = EM_RISCV (243) | 64BIT | LE. */
  RISCV64(0xc00000f3, "riscv64");

  private static final Arch[] VALUES = values();

  private final int auditArch;
  private final String machineName;
  private final String[] syscalls;
  private final Map<String, Integer> byName = new HashMap<>();

  Arch(int auditArch, String machineName) {
    this(auditArch, machineName, null, new String[0], new int[0]);
  }

  Arch(
      int auditArch,
      String machineName,
      String[] syscalls,
      String[] kernelNames,
      int[] kernelNumbers) {
    this.auditArch = auditArch;
    this.machineName = machineName;
    this.syscalls = syscalls;
    for (int i = 0; syscalls != null && i < syscalls.length; i++) {
      if (syscalls[i] != null) {
        byName.putIfAbsent(syscalls[i], i);
      }
    }
    for (int i = 0; i < kernelNames.length; i++) {
      byName.putIfAbsent(kernelNames[i], kernelNumbers[i]);
    }
  }

  /**
   * The {@code AUDIT_ARCH_*} value the kernel compares with {@code -F arch=} and writes as {@code
   * arch=}.
   */
  public int auditArch() {
    return auditArch;
  }

  /** The name auditctl takes and ausearch -i prints for this arch ({@code uname -m} style). */
  public String machineName() {
    return machineName;
  }

  /** True when the {@code __AUDIT_ARCH_64BIT} bit is set. */
  public boolean is64Bit() {
    return (auditArch & 0x80000000) != 0;
  }

  /**
   * The 32-bit compat arch of a 64-bit machine ({@code b32}, as libaudit resolves it), or empty.
   */
  public Optional<Arch> compat32() {
    return switch (this) {
      case X86_64 -> Optional.of(I386);
      case AARCH64 -> Optional.of(ARM);
      case PPC64 -> Optional.of(PPC);
      case S390X -> Optional.of(S390);
      default -> Optional.empty();
    };
  }

  /** The arch with this {@code AUDIT_ARCH_*} value, or empty. */
  public static Optional<Arch> fromAuditArch(int value) {
    for (Arch a : VALUES) {
      if (a.auditArch == value) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /**
   * The arch of an {@code arch=} field's hex value as a record holds it ({@code c000003e}), or
   * null. Per record in a search: no Optional, no exception for the usual values.
   */
  public static Arch ofHex(String hex) {
    if (hex == null || hex.isEmpty() || hex.length() > 8) {
      return null;
    }
    long v;
    try {
      v = Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      return null;
    }
    int value = (int) v; // at most 8 hex digits: exact
    for (Arch a : VALUES) {
      if (a.auditArch == value) {
        return a;
      }
    }
    return null;
  }

  /**
   * The arch for a {@code uname -m} machine name (x86_64, amd64, i386…i686, aarch64, arm*, ppc64…),
   * or empty.
   */
  public static Optional<Arch> fromMachineName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "x86_64", "amd64" -> Optional.of(X86_64);
      case "i386", "i486", "i586", "i686", "x86" -> Optional.of(I386);
      case "aarch64", "arm64" -> Optional.of(AARCH64);
      default -> {
        for (Arch a : VALUES) {
          if (a.machineName.equals(n)) {
            yield Optional.of(a);
          }
        }
        yield n.startsWith("arm") ? Optional.of(ARM) : Optional.empty();
      }
    };
  }

  /** Whether this arch has a syscall name table (otherwise syscalls are numbers only). */
  public boolean hasSyscallNames() {
    return syscalls != null;
  }

  /**
   * The syscall number for a name: libaudit's name or the kernel's where it differs (pread,
   * pread64).
   */
  public OptionalInt syscallNumber(String name) {
    Integer nr = byName.get(name);
    return nr == null ? OptionalInt.empty() : OptionalInt.of(nr);
  }

  /**
   * The syscall's name (libaudit's, as ausearch -i prints it) for a number, or null when there is
   * none.
   */
  public String syscallName(int nr) {
    return syscalls != null && nr >= 0 && nr < syscalls.length ? syscalls[nr] : null;
  }
}

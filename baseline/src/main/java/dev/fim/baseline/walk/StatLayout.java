package dev.fim.baseline.walk;

import jnr.ffi.Runtime;
import jnr.ffi.StructLayout;

/**
 * {@code struct stat} as the x86_64 kernel fills it for {@code newfstatat}/{@code fstat}:
 * arch/x86/include/uapi/asm/stat.h (the {@code __x86_64__} branch); glibc's x86_64 {@code struct
 * stat} (sysdeps/unix/sysv/linux/x86/bits/struct_stat.h) is the same 144 bytes, which {@code
 * StatLayoutTest} checks against the kernel with a guard pattern.
 *
 * <p>Other architectures have other layouts (aarch64 uses include/uapi/asm-generic/stat.h, 128
 * bytes): {@link #forThisMachine} refuses them instead of misreading fields.
 */
final class StatLayout extends StructLayout {
  static final int X86_64_SIZE = 144;

  final Unsigned64 st_dev = new Unsigned64(); // __kernel_ulong_t st_dev
  final Unsigned64 st_ino = new Unsigned64(); // __kernel_ulong_t st_ino
  final Unsigned64 st_nlink =
      new Unsigned64(); // __kernel_ulong_t st_nlink (before st_mode on x86_64)
  final Unsigned32 st_mode = new Unsigned32(); // unsigned int st_mode
  final Unsigned32 st_uid = new Unsigned32(); // unsigned int st_uid
  final Unsigned32 st_gid = new Unsigned32(); // unsigned int st_gid
  final Unsigned32 pad0 = new Unsigned32(); // unsigned int __pad0
  final Unsigned64 st_rdev = new Unsigned64(); // __kernel_ulong_t st_rdev
  final Signed64 st_size = new Signed64(); // __kernel_long_t st_size
  final Signed64 st_blksize = new Signed64(); // __kernel_long_t st_blksize
  final Signed64 st_blocks = new Signed64(); // __kernel_long_t st_blocks (512-byte units)
  // The kernel declares the times unsigned, but they are seconds relative to the epoch and a
  // file may be dated before 1970: read them signed, as glibc's time_t does.
  final Signed64 st_atime = new Signed64(); // __kernel_ulong_t st_atime
  final Signed64 st_atime_nsec = new Signed64(); // __kernel_ulong_t st_atime_nsec
  final Signed64 st_mtime = new Signed64(); // __kernel_ulong_t st_mtime
  final Signed64 st_mtime_nsec = new Signed64(); // __kernel_ulong_t st_mtime_nsec
  final Signed64 st_ctime = new Signed64(); // __kernel_ulong_t st_ctime
  final Signed64 st_ctime_nsec = new Signed64(); // __kernel_ulong_t st_ctime_nsec
  final Padding unused =
      new Padding(jnr.ffi.NativeType.SLONGLONG, 3); // __kernel_long_t __unused[3]

  private StatLayout(Runtime runtime) {
    super(runtime);
  }

  static final StatLayout INSTANCE = forThisMachine();

  private static StatLayout forThisMachine() {
    java.lang.String arch = System.getProperty("os.arch");
    if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
      throw new UnsupportedOperationException(
          "struct stat layout is only defined for x86_64, not "
              + arch
              + " (add the asm-generic layout from include/uapi/asm-generic/stat.h)");
    }
    return new StatLayout(Runtime.getSystemRuntime());
  }
}

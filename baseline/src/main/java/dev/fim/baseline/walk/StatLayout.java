package dev.fim.baseline.walk;

/**
 * {@code struct stat} as the x86_64 kernel fills it for {@code newfstatat}/{@code fstat}:
 * arch/x86/include/uapi/asm/stat.h (the {@code __x86_64__} branch); glibc's x86_64 {@code struct
 * stat} (sysdeps/unix/sysv/linux/x86/bits/struct_stat.h) is the same 144 bytes, which {@code
 * StatLayoutTest} checks against the kernel with a guard pattern and against Java's own {@code
 * unix:*} attributes. The byte offsets of the fields, read from a {@link
 * dev.fim.store.sys.NativeBuffer} (plain constants: no jnr-ffi runtime at start-up).
 *
 * <p>Other architectures have other layouts (aarch64 uses include/uapi/asm-generic/stat.h, 128
 * bytes): {@link #checkMachine} refuses them instead of misreading fields.
 */
final class StatLayout {
  static final int X86_64_SIZE = 144;

  static final int ST_DEV = 0; // __kernel_ulong_t st_dev
  static final int ST_INO = 8; // __kernel_ulong_t st_ino
  static final int ST_NLINK = 16; // __kernel_ulong_t st_nlink (before st_mode on x86_64)
  static final int ST_MODE = 24; // unsigned int st_mode
  static final int ST_UID = 28; // unsigned int st_uid
  static final int ST_GID = 32; // unsigned int st_gid (then unsigned int __pad0 at 36)
  static final int ST_RDEV = 40; // __kernel_ulong_t st_rdev
  static final int ST_SIZE = 48; // __kernel_long_t st_size (then st_blksize at 56)
  static final int ST_BLOCKS = 64; // __kernel_long_t st_blocks (512-byte units)
  // The kernel declares the times unsigned, but they are seconds relative to the epoch and a
  // file may be dated before 1970: read them signed, as glibc's time_t does.
  static final int ST_ATIME = 72;
  static final int ST_ATIME_NSEC = 80;
  static final int ST_MTIME = 88;
  static final int ST_MTIME_NSEC = 96;
  static final int ST_CTIME = 104;
  static final int ST_CTIME_NSEC = 112; // then __kernel_long_t __unused[3] up to 144

  private StatLayout() {}

  /** Throws unless this is x86_64, the only layout above. Called once, before the first stat. */
  static void checkMachine() {
    String arch = System.getProperty("os.arch");
    if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
      throw new UnsupportedOperationException(
          "struct stat layout is only defined for x86_64, not "
              + arch
              + " (add the asm-generic layout from include/uapi/asm-generic/stat.h)");
    }
  }
}

package dev.fim.engine.fanotify;

import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import jnr.constants.platform.Errno;
import jnr.ffi.Runtime;

/**
 * The package's kernel calls, checked: the only caller of {@link FanotifyNative}. Every call
 * returns a value or throws {@link NativeException} with the call, the errno and a reason a person
 * can act on; EINTR is retried. Expected outcomes are values, not exceptions: EAGAIN of a
 * non-blocking read is {@code -1}, a stale handle is {@code -1}.
 *
 * <p>Stateless and thread-safe; callers own their buffers.
 */
final class FanotifyCalls {
  // include/uapi/asm-generic/fcntl.h (x86_64 uses the generic values).
  static final int O_RDONLY = 0;
  static final int O_NONBLOCK = 04000;
  static final int O_LARGEFILE = 0100000;
  static final int O_DIRECTORY = 0200000;
  static final int O_CLOEXEC = 02000000;
  static final int O_PATH = 010000000;

  /** include/uapi/linux/fcntl.h. */
  static final int AT_FDCWD = -100;

  /**
   * {@code struct statfs} on x86_64 (include/uapi/asm-generic/statfs.h with 64-bit {@code
   * __statfs_word}): seven words (f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree),
   * then f_fsid; 120 bytes in all.
   */
  static final int STATFS_SIZE = 120;

  static final int STATFS_F_FSID = 56;

  /**
   * {@code struct stat} on x86_64 (arch/x86/include/uapi/asm/stat.h): st_nlink is the third word.
   */
  static final int STAT_SIZE = 144;

  static final int STAT_ST_NLINK = 16;

  /** PATH_MAX: what readlink of /proc/self/fd/N can return, plus room to detect truncation. */
  static final int PATH_MAX = 4096;

  private static final FanotifyNative.LibC LIBC = FanotifyNative.LIBC;
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  static {
    // fanotify_mark's u64 mask is one argument only on a 64-bit ABI; the struct offsets above are
    // x86_64's.
    String arch = System.getProperty("os.arch");
    if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
      throw new UnsupportedOperationException(
          "dev.fim.engine.fanotify is only defined for x86_64, not "
              + arch
              + " (32-bit ABIs split fanotify_mark's mask; struct stat/statfs differ)");
    }
  }

  private FanotifyCalls() {}

  /** fanotify_init(2). */
  static int fanotifyInit(int flags, int eventFFlags) throws NativeException {
    while (true) {
      int fd = LIBC.fanotify_init(flags, eventFFlags);
      if (fd >= 0) {
        return fd;
      }
      int e = errno();
      if (e != Errno.EINTR.intValue()) {
        throw new NativeException("fanotify_init", null, e, initReason(e, flags));
      }
    }
  }

  /** fanotify_mark(2) of {@code path} (absolute), relative to nothing (AT_FDCWD). */
  static void fanotifyMark(int fd, int flags, long mask, PathBytes path) throws NativeException {
    byte[] p = path.toBytes();
    while (true) {
      int rc = LIBC.fanotify_mark(fd, flags, mask, AT_FDCWD, p);
      if (rc == 0) {
        return;
      }
      int e = errno();
      if (e != Errno.EINTR.intValue()) {
        throw new NativeException("fanotify_mark", path, e, markReason(e, flags, mask));
      }
    }
  }

  /**
   * open(2) of a directory for use as open_by_handle_at's {@code mount_fd} (an O_PATH fd is refused
   * there).
   */
  static int openDirectory(PathBytes path) throws NativeException {
    byte[] p = path.toBytes();
    while (true) {
      int fd = LIBC.open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
      if (fd >= 0) {
        return fd;
      }
      int e = errno();
      if (e != Errno.EINTR.intValue()) {
        throw new NativeException(
            "open", path, e, "cannot open the watched root to resolve file handles");
      }
    }
  }

  /**
   * open_by_handle_at(2) with O_PATH: returns the fd, or -1 if the handle no longer names an inode
   * (ESTALE: deleted; ENOENT is returned by some filesystems for the same).
   */
  static int openByHandle(int mountFd, FileHandleKey key) throws NativeException {
    byte[] h = key.fileHandleStruct();
    while (true) {
      int fd = LIBC.open_by_handle_at(mountFd, h, O_PATH | O_CLOEXEC);
      if (fd >= 0) {
        return fd;
      }
      int e = errno();
      if (e == Errno.ESTALE.intValue() || e == Errno.ENOENT.intValue()) {
        return -1;
      }
      if (e != Errno.EINTR.intValue()) {
        String reason =
            e == Errno.EPERM.intValue()
                ? "open_by_handle_at needs CAP_DAC_READ_SEARCH"
                : e == Errno.EOPNOTSUPP.intValue()
                    ? "the filesystem cannot decode file handles"
                    : "handle " + key;
        throw new NativeException("open_by_handle_at", null, e, reason);
      }
    }
  }

  /**
   * readlink(2) of {@code /proc/self/fd/<fd>}: the path the kernel names for an open fd, as bytes.
   */
  static byte[] fdPath(int fd, byte[] buf) throws NativeException {
    byte[] proc = ("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII);
    long n = LIBC.readlink(proc, buf, buf.length);
    if (n < 0) {
      throw new NativeException("readlink", PathBytes.of(proc), errno(), "");
    }
    if (n >= buf.length) {
      throw new NativeException(
          "readlink",
          PathBytes.of(proc),
          Errno.ENAMETOOLONG.intValue(),
          "path longer than PATH_MAX");
    }
    return java.util.Arrays.copyOf(buf, (int) n);
  }

  /** fstat(2)'s {@code st_nlink}: 0 for a directory that was removed while we held it. */
  static long linkCount(int fd, byte[] statBuf) throws NativeException {
    if (LIBC.fstat(fd, statBuf) < 0) {
      throw new NativeException("fstat", null, errno(), "");
    }
    return ByteBuffer.wrap(statBuf).order(ByteOrder.LITTLE_ENDIAN).getLong(STAT_ST_NLINK);
  }

  /**
   * fstatfs(2)'s {@code f_fsid}, packed as {@link FileHandleKey#fsid()} is: the fsid fanotify
   * reports.
   */
  static long fsid(int fd, PathBytes path) throws NativeException {
    byte[] buf = new byte[STATFS_SIZE];
    if (LIBC.fstatfs(fd, buf) < 0) {
      throw new NativeException("fstatfs", path, errno(), "");
    }
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
    return (b.getInt(STATFS_F_FSID) & 0xffffffffL) | ((long) b.getInt(STATFS_F_FSID + 4) << 32);
  }

  /**
   * close(2). Never retried: Linux releases the fd even when close reports EINTR, and a retry could
   * close an fd another thread just got. Errors of these read-only fds lose nothing, so they are
   * not reported.
   */
  static void close(int fd) {
    if (fd >= 0) {
      LIBC.close(fd);
    }
  }

  static String initReason(int errno, int flags) {
    if (errno == Errno.EPERM.intValue()) {
      return "fanotify needs CAP_SYS_ADMIN (FID groups without it need Linux 5.13+); fim falls back to inotify";
    }
    if (errno == Errno.EINVAL.intValue()) {
      return (flags & FanotifyLayout.FAN_REPORT_TARGET_FID) != 0
          ? "kernel older than 5.17 (FAN_REPORT_TARGET_FID); fim falls back to inotify"
          : "a flag is unknown to this kernel (FID reporting needs 5.9+); fim falls back to inotify";
    }
    if (errno == Errno.ENOSYS.intValue()) {
      return "kernel built without CONFIG_FANOTIFY; fim falls back to inotify";
    }
    if (errno == Errno.EMFILE.intValue()) {
      return "too many fanotify groups for this user (/proc/sys/fs/fanotify/max_user_groups) or open files";
    }
    return "";
  }

  static String markReason(int errno, int flags, long mask) {
    boolean filesystem = (flags & FanotifyLayout.FAN_MARK_FILESYSTEM) != 0;
    if (errno == Errno.EPERM.intValue() && filesystem) {
      return "FAN_MARK_FILESYSTEM needs CAP_SYS_ADMIN; fim falls back to inotify";
    }
    if (errno == Errno.EINVAL.intValue() && (mask & FanotifyEvent.FAN_RENAME) != 0) {
      return "kernel older than 5.17 (FAN_RENAME); fim falls back to inotify";
    }
    if (errno == Errno.ENODEV.intValue()) {
      return "the filesystem does not support file handles (no FID); fim falls back to inotify";
    }
    if (errno == Errno.EXDEV.intValue()) {
      return "the filesystem's fsid is zero or not unique (a btrfs subvolume, overlayfs); fim falls back to inotify";
    }
    if (errno == Errno.EOPNOTSUPP.intValue()) {
      return "the filesystem cannot encode file handles for fanotify; fim falls back to inotify";
    }
    if (errno == Errno.ENOSPC.intValue()) {
      return "too many marks (/proc/sys/fs/fanotify/max_user_marks)";
    }
    if (errno == Errno.ENOENT.intValue() || errno == Errno.ENOTDIR.intValue()) {
      return "the watched root does not exist";
    }
    return "";
  }

  private static int errno() {
    return RUNTIME.getLastError();
  }
}

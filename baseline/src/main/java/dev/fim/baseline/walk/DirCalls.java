package dev.fim.baseline.walk;

import dev.fim.store.FileType;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.CString;
import dev.fim.store.sys.LibcFunction;
import dev.fim.store.sys.NativeBuffer;
import dev.fim.store.sys.NativeException;
import java.nio.charset.StandardCharsets;
import jnr.constants.platform.Errno;

/**
 * The walk's kernel calls, checked: the only caller of {@link DirNative}. Every call either returns
 * a value or throws {@link NativeException} naming the call, the path and the errno; EINTR is
 * retried.
 *
 * <p>Not thread-safe: it owns reusable native buffers (a {@code struct stat}, a 64 KiB {@code
 * getdents64} buffer, a {@code readlinkat} buffer), so each worker thread has its own. The buffers
 * are freed by the garbage collector ({@link NativeBuffer}).
 *
 * <p>Never follows a symlink it meets: files and subdirectories are opened by one name relative to
 * their directory's fd with {@code O_NOFOLLOW}, or by a relative path beneath a root fd with {@code
 * openat2(RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS)}.
 */
public final class DirCalls {
  /** {@code AT_FDCWD} (include/uapi/linux/fcntl.h): a root path is resolved from the cwd. */
  public static final int AT_FDCWD = -100;

  // include/uapi/asm-generic/fcntl.h (x86_64 uses the generic values)
  static final int O_RDONLY = 0;
  static final int O_NONBLOCK = 04000;
  static final int O_DIRECTORY = 0200000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_NOATIME = 01000000;
  static final int O_CLOEXEC = 02000000;
  static final int O_PATH = 010000000;
  // include/uapi/linux/fcntl.h
  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  // include/uapi/linux/openat2.h; SYS_openat2 is 437 on every architecture (unified syscall table).
  static final long SYS_openat2 = 437;
  static final long RESOLVE_NO_SYMLINKS = 0x04;
  static final long RESOLVE_BENEATH = 0x08;

  /** {@code sizeof(struct open_how)}: u64 flags, u64 mode, u64 resolve (OPEN_HOW_SIZE_VER0). */
  static final int OPEN_HOW_SIZE = 24;

  // d_type values, include/linux/fs_types.h (DT_*), as getdents64 reports them.
  private static final int DT_FIFO = 1;
  private static final int DT_CHR = 2;
  private static final int DT_DIR = 4;
  private static final int DT_BLK = 6;
  private static final int DT_REG = 8;
  private static final int DT_LNK = 10;
  private static final int DT_SOCK = 12;

  /** Files: never follow, never block (FIFO, lease), never update atime, never leak to children. */
  static final int FILE_FLAGS = O_RDONLY | O_NOFOLLOW | O_NOATIME | O_NONBLOCK | O_CLOEXEC;

  static final int DIR_FLAGS = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC;

  /**
   * {@code PATH_MAX}: a symlink target is at most 4095 bytes plus the NUL readlink does not write.
   */
  private static final int PATH_MAX = 4096;

  private static final int DENTS_BUFFER = 64 * 1024;

  static {
    StatLayout.checkMachine();
  }

  /**
   * Cleared once openat2 turns out to be missing (ENOSYS before Linux 5.6) or filtered (EPERM from
   * a container's seccomp profile); then directories are opened one component at a time.
   */
  private static volatile boolean openat2Usable = true;

  private final NativeBuffer statBuf = new NativeBuffer(StatLayout.X86_64_SIZE);
  private final NativeBuffer dents = new NativeBuffer(DENTS_BUFFER);
  private final byte[] dentsCopy = new byte[DENTS_BUFFER];
  private final NativeBuffer how = new NativeBuffer(OPEN_HOW_SIZE);
  private final NativeBuffer linkBuf = new NativeBuffer(PATH_MAX);

  /** The NUL-terminated copy of the path argument of the call being made. */
  private final CString pathArg = new CString(PATH_MAX);

  /**
   * The longest path given to the kernel whole by {@link #locate}: below {@code PATH_MAX} (4096,
   * NUL included), with room to cut at a slash.
   */
  static final int MAX_WHOLE_PATH = 3072;

  /**
   * An absolute path resolved up to its last component: the entry is {@code name} relative to
   * {@code dirFd}. {@code dirFd} is {@link #AT_FDCWD} (and {@code name} the whole path) when the
   * path is short enough for the kernel, else an {@code O_PATH} fd of the parent directory that the
   * caller closes with {@link #close(Located)}.
   */
  public record Located(int dirFd, byte[] name) {
    /** True when {@link #dirFd} is a real fd (to close), not AT_FDCWD. */
    public boolean ownsFd() {
      return dirFd != AT_FDCWD;
    }
  }

  /**
   * Resolves {@code absPath}'s parent directories so that its last component can be looked up
   * relative to a directory fd, whatever the path's length: a path of {@code PATH_MAX} bytes or
   * more is ENAMETOOLONG for every path-taking call, but Linux paths have no length limit. A short
   * path is returned whole (AT_FDCWD). A long one is opened piece by piece ({@code O_PATH|
   * O_DIRECTORY}, at most {@value #MAX_WHOLE_PATH} bytes per piece, each relative to the last), so
   * symlinks in the parents are followed exactly as the kernel would for the whole path; the last
   * component is left to the caller (who never follows it).
   */
  public Located locate(byte[] absPath, PathBytes path) throws NativeException {
    if (absPath.length <= MAX_WHOLE_PATH) {
      return new Located(AT_FDCWD, absPath);
    }
    int end = absPath.length;
    while (end > 1 && absPath[end - 1] == '/') {
      end--; // "a/b/" names b
    }
    int slash = end - 1;
    while (slash >= 0 && absPath[slash] != '/') {
      slash--;
    }
    byte[] name = java.util.Arrays.copyOfRange(absPath, slash + 1, end);
    int parentEnd =
        slash <= 0 ? 1 : slash; // "/name": the parent is "/"; a relative "name": the cwd
    if (slash < 0) {
      return new Located(AT_FDCWD, name);
    }
    int fd = AT_FDCWD;
    int pos = 0;
    try {
      while (pos < parentEnd) {
        int cut = parentEnd;
        if (cut - pos > MAX_WHOLE_PATH) {
          cut = pos + MAX_WHOLE_PATH;
          while (cut > pos + 1 && absPath[cut] != '/') {
            cut--;
          }
          if (cut <= pos + 1) {
            throw new NativeException(
                "open", path, Errno.ENAMETOOLONG.intValue()); // no slash: not a path of names
          }
        }
        byte[] piece = java.util.Arrays.copyOfRange(absPath, pos, cut);
        int next = openPath(fd, piece, path);
        if (fd != AT_FDCWD) {
          close(fd);
        }
        fd = next;
        pos = cut;
        while (pos < parentEnd && absPath[pos] == '/') {
          pos++;
        }
      }
      return new Located(fd, name);
    } catch (NativeException e) {
      if (fd != AT_FDCWD) {
        close(fd);
      }
      throw e;
    }
  }

  /** Closes what {@link #locate} opened, if anything. */
  public void close(Located l) {
    if (l != null && l.ownsFd()) {
      close(l.dirFd());
    }
  }

  private int openPath(int dirFd, byte[] piece, PathBytes path) throws NativeException {
    while (true) {
      int fd =
          (int)
              DirNative.OPENAT.call(dirFd, pathArg.put(piece), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
      if (fd >= 0) {
        return fd;
      }
      int e = errno();
      if (e != Errno.EINTR.intValue()) {
        throw new NativeException("open", path, e);
      }
    }
  }

  /** Receives the entries of one {@code getdents64} batch, "." and ".." left out. */
  @FunctionalInterface
  public interface EntryConsumer {
    /** {@code name} is a fresh array the consumer may keep; {@code type} is null for DT_UNKNOWN. */
    void accept(byte[] name, FileType type);
  }

  /** {@code fstatat(dirFd, name, AT_SYMLINK_NOFOLLOW)}: the lstat of one entry. */
  public StatInfo lstatAt(int dirFd, byte[] name, PathBytes path) throws NativeException {
    int rc;
    do {
      rc =
          (int)
              DirNative.FSTATAT.call(
                  dirFd, pathArg.put(name), statBuf.address(), AT_SYMLINK_NOFOLLOW);
    } while (rc < 0 && errno() == Errno.EINTR.intValue());
    if (rc < 0) {
      throw new NativeException("lstat", path, errno());
    }
    return readStat();
  }

  /** {@code fstat(fd)}; {@code path} is only for the message. */
  public StatInfo fstat(int fd, PathBytes path) throws NativeException {
    int rc;
    do {
      rc = (int) DirNative.FSTAT.call(fd, statBuf.address());
    } while (rc < 0 && errno() == Errno.EINTR.intValue());
    if (rc < 0) {
      throw new NativeException("fstat", path, errno());
    }
    return readStat();
  }

  /**
   * Opens a regular file for reading: {@code O_RDONLY|O_NOFOLLOW|O_NOATIME|O_NONBLOCK|O_CLOEXEC}.
   * O_NOATIME is refused with EPERM unless we own the file or have CAP_FOWNER (open(2)); then the
   * open is retried without it (and the read may update atime under relatime rules). The caller
   * must {@code fstat} the fd: the name may have been replaced by a FIFO or device since its lstat,
   * and O_NONBLOCK only makes that open harmless, not readable.
   */
  public int openFile(int dirFd, byte[] name, PathBytes path) throws NativeException {
    return openWithNoatimeFallback(dirFd, name, FILE_FLAGS, path);
  }

  /**
   * Opens one directory by a single name relative to {@code dirFd} (or a root path relative to the
   * cwd with {@link #AT_FDCWD}) with O_DIRECTORY|O_NOFOLLOW: a symlink in the last component fails
   * with ELOOP, a non-directory with ENOTDIR.
   */
  public int openDirectory(int dirFd, byte[] name, PathBytes path) throws NativeException {
    return openWithNoatimeFallback(dirFd, name, DIR_FLAGS, path);
  }

  /**
   * Opens the directory {@code relPath} ("a/b/c", no "." or ".." components) beneath {@code rootFd}
   * without following any symlink on the way, so a directory swapped for a symlink while the scan
   * runs is never followed out of the tree: openat2 with RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS (Linux
   * 5.6+), else one O_NOFOLLOW openat per component.
   */
  public int openDirectoryBeneath(int rootFd, byte[] relPath, PathBytes path)
      throws NativeException {
    if (openat2Usable) {
      int flags = DIR_FLAGS;
      for (int attempt = 0; ; attempt++) {
        how.putLong(0, flags & 0xffffffffL);
        how.putLong(8, 0);
        how.putLong(16, RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
        long fd =
            DirNative.SYSCALL.call(
                SYS_openat2, rootFd, pathArg.put(relPath), how.address(), OPEN_HOW_SIZE);
        if (fd >= 0) {
          return (int) fd;
        }
        int e = errno();
        if (e == Errno.EINTR.intValue()) {
          continue;
        }
        // openat2 returns EAGAIN when a rename or mount raced with a RESOLVE_BENEATH lookup.
        if (e == Errno.EAGAIN.intValue() && attempt < 8) {
          continue;
        }
        if (e == Errno.EPERM.intValue() && (flags & O_NOATIME) != 0) {
          flags &= ~O_NOATIME;
          continue;
        }
        if (e == Errno.ENOSYS.intValue() || e == Errno.EPERM.intValue()) {
          openat2Usable = false;
          break;
        }
        throw new NativeException("openat2", path, e);
      }
    }
    return openByComponents(rootFd, relPath, path);
  }

  private int openByComponents(int rootFd, byte[] relPath, PathBytes path) throws NativeException {
    int fd = rootFd;
    int start = 0;
    try {
      while (start < relPath.length) {
        int end = start;
        while (end < relPath.length && relPath[end] != '/') {
          end++;
        }
        byte[] component = java.util.Arrays.copyOfRange(relPath, start, end);
        int next = openDirectory(fd, component, path);
        if (fd != rootFd) {
          close(fd);
        }
        fd = next;
        start = end + 1;
      }
      return fd;
    } catch (NativeException e) {
      if (fd != rootFd) {
        close(fd);
      }
      throw e;
    }
  }

  private int openWithNoatimeFallback(int dirFd, byte[] name, int flags, PathBytes path)
      throws NativeException {
    while (true) {
      int fd = (int) DirNative.OPENAT.call(dirFd, pathArg.put(name), flags, 0);
      if (fd >= 0) {
        return fd;
      }
      int e = errno();
      if (e == Errno.EINTR.intValue()) {
        continue;
      }
      if (e == Errno.EPERM.intValue() && (flags & O_NOATIME) != 0) {
        flags &= ~O_NOATIME;
        continue;
      }
      throw new NativeException("open", path, e);
    }
  }

  /**
   * Reads the next batch of entries of an open directory with {@code getdents64} and hands each to
   * {@code consumer}. Returns the number of records read (including "." and ".."), 0 at the end of
   * the directory.
   *
   * <p>Parses {@code struct linux_dirent64} (getdents(2); include/linux/dirent.h): {@code u64
   * d_ino} at 0, {@code s64 d_off} at 8, {@code unsigned short d_reclen} at 16, {@code unsigned
   * char d_type} at 18, NUL-terminated {@code d_name} from 19, padded to {@code d_reclen}.
   *
   * <p>The consumer may use the other calls of this object (the scan captures whole chunks from
   * inside the listing), but not {@code readEntries} itself: the batch is parsed from a copy that
   * the next call overwrites.
   */
  public int readEntries(int dirFd, PathBytes path, EntryConsumer consumer) throws NativeException {
    long n;
    do {
      n = DirNative.GETDENTS64.call(dirFd, dents.address(), DENTS_BUFFER);
    } while (n < 0 && errno() == Errno.EINTR.intValue());
    if (n < 0) {
      throw new NativeException("getdents64", path, errno());
    }
    int len = (int) n;
    dents.get(0, dentsCopy, 0, len);
    int records = 0;
    int pos = 0;
    while (pos < len) {
      int reclen =
          (dentsCopy[pos + 16] & 0xff) | (dentsCopy[pos + 17] & 0xff) << 8; // little-endian
      int type = dentsCopy[pos + 18] & 0xff;
      int nameStart = pos + 19;
      int nameEnd = nameStart;
      int limit = pos + reclen;
      while (nameEnd < limit && dentsCopy[nameEnd] != 0) {
        nameEnd++;
      }
      records++;
      int nameLen = nameEnd - nameStart;
      boolean dot = nameLen == 1 && dentsCopy[nameStart] == '.';
      boolean dotdot =
          nameLen == 2 && dentsCopy[nameStart] == '.' && dentsCopy[nameStart + 1] == '.';
      if (!dot && !dotdot) {
        consumer.accept(
            java.util.Arrays.copyOfRange(dentsCopy, nameStart, nameEnd), typeOfDirent(type));
      }
      pos = limit;
    }
    return records;
  }

  /** {@code readlinkat(dirFd, name)}: the symlink's target bytes, exactly. */
  public byte[] readLinkAt(int dirFd, byte[] name, PathBytes path) throws NativeException {
    long n;
    do {
      n = DirNative.READLINKAT.call(dirFd, pathArg.put(name), linkBuf.address(), PATH_MAX);
    } while (n < 0 && errno() == Errno.EINTR.intValue());
    if (n < 0) {
      throw new NativeException("readlink", path, errno());
    }
    byte[] out = new byte[(int) n];
    linkBuf.get(0, out, 0, out.length);
    return out;
  }

  /**
   * close(2). Never retried: Linux releases the fd even when close reports EINTR, and a retry could
   * close an fd another thread just got. Errors of a read-only fd carry no data loss, so they are
   * not reported.
   */
  public void close(int fd) {
    if (fd >= 0) {
      DirNative.CLOSE.call(fd);
    }
  }

  /** The file type a {@code d_type} names, or null for DT_UNKNOWN (the caller must lstat). */
  static FileType typeOfDirent(int dType) {
    return switch (dType) {
      case DT_REG -> FileType.FILE;
      case DT_DIR -> FileType.DIRECTORY;
      case DT_LNK -> FileType.SYMLINK;
      case DT_FIFO -> FileType.FIFO;
      case DT_SOCK -> FileType.SOCKET;
      case DT_CHR -> FileType.CHAR_DEVICE;
      case DT_BLK -> FileType.BLOCK_DEVICE;
      default -> null;
    };
  }

  /** The bytes of {@code /proc/self/fd/<dirFd>/<name>}: the entry itself, for l*xattr calls. */
  public static byte[] procPath(int dirFd, byte[] name) {
    byte[] prefix = ("/proc/self/fd/" + dirFd + "/").getBytes(StandardCharsets.US_ASCII);
    byte[] out = java.util.Arrays.copyOf(prefix, prefix.length + name.length);
    System.arraycopy(name, 0, out, prefix.length, name.length);
    return out;
  }

  private StatInfo readStat() {
    NativeBuffer p = statBuf;
    return new StatInfo(
        p.getInt(StatLayout.ST_MODE),
        p.getLong(StatLayout.ST_DEV),
        p.getLong(StatLayout.ST_INO),
        p.getLong(StatLayout.ST_NLINK),
        p.getInt(StatLayout.ST_UID),
        p.getInt(StatLayout.ST_GID),
        p.getLong(StatLayout.ST_RDEV),
        p.getLong(StatLayout.ST_SIZE),
        p.getLong(StatLayout.ST_BLOCKS),
        p.getLong(StatLayout.ST_ATIME) * 1_000_000_000L + p.getLong(StatLayout.ST_ATIME_NSEC),
        p.getLong(StatLayout.ST_MTIME) * 1_000_000_000L + p.getLong(StatLayout.ST_MTIME_NSEC),
        p.getLong(StatLayout.ST_CTIME) * 1_000_000_000L + p.getLong(StatLayout.ST_CTIME_NSEC));
  }

  private static int errno() {
    return LibcFunction.errno();
  }

  /** For the layout test: a raw fstat into caller memory. */
  static int rawFstat(int fd, NativeBuffer buf) {
    return (int) DirNative.FSTAT.call(fd, buf.address());
  }
}

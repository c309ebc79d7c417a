package dev.fim.engine.inotify;

import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jnr.constants.platform.Errno;
import jnr.ffi.Runtime;

/**
 * The package's kernel calls, checked: the only caller of {@link InotifyNative}. Every call returns
 * a value or throws {@link NativeException} with the call, the path, the errno and a reason a
 * person can act on (which sysctl to raise); EINTR is retried. Also reads the inotify limits in
 * /proc/sys/fs/inotify for those reasons.
 *
 * <p>Stateless and thread-safe.
 */
final class InotifyCalls {
  /** The sysctls of inotify(7) "/proc interfaces", under /proc/sys/fs/inotify/. */
  static final String MAX_USER_WATCHES = "max_user_watches";

  static final String MAX_QUEUED_EVENTS = "max_queued_events";
  static final String MAX_USER_INSTANCES = "max_user_instances";

  private static final InotifyNative.LibC LIBC = InotifyNative.LIBC;
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

  private InotifyCalls() {}

  /**
   * inotify_init1(IN_NONBLOCK | IN_CLOEXEC): a new instance, read by {@link
   * dev.fim.engine.QueueReader}.
   */
  static int init() throws NativeException {
    while (true) {
      int fd = LIBC.inotify_init1(InotifyLayout.IN_NONBLOCK | InotifyLayout.IN_CLOEXEC);
      if (fd >= 0) {
        return fd;
      }
      int e = errno();
      if (e != Errno.EINTR.intValue()) {
        String reason =
            e == Errno.EMFILE.intValue()
                ? "too many inotify instances for this user ("
                    + sysctl(MAX_USER_INSTANCES)
                    + ") or open files"
                : e == Errno.ENOSYS.intValue() ? "kernel built without CONFIG_INOTIFY_USER" : "";
        throw new NativeException("inotify_init1", null, e, reason);
      }
    }
  }

  /**
   * inotify_add_watch(2) on the directory open as {@code dirFd}, named by its {@code
   * /proc/self/fd/N} link: the watch lands on exactly the inode that was opened (with O_NOFOLLOW),
   * whatever has happened to its path since. The link must be followed, so {@code mask} must not
   * carry IN_DONT_FOLLOW; the open already refused a symlink.
   *
   * @param path the directory's path, for the message
   * @param ourWatches how many watches this instance holds, for the ENOSPC message
   * @return the watch descriptor; the same one again if the inode is watched already
   */
  static int addWatch(int inotifyFd, int dirFd, PathBytes path, int mask, int ourWatches)
      throws NativeException {
    byte[] proc = ("/proc/self/fd/" + dirFd).getBytes(StandardCharsets.US_ASCII);
    while (true) {
      int wd = LIBC.inotify_add_watch(inotifyFd, proc, mask);
      if (wd >= 0) {
        return wd;
      }
      int e = errno();
      if (e != Errno.EINTR.intValue()) {
        throw new NativeException("inotify_add_watch", path, e, addWatchReason(e, ourWatches));
      }
    }
  }

  /**
   * inotify_rm_watch(2); EINVAL (the kernel dropped the watch already: deleted, unmounted) is not
   * an error.
   */
  static void rmWatch(int inotifyFd, int wd, PathBytes path) throws NativeException {
    if (LIBC.inotify_rm_watch(inotifyFd, wd) < 0) {
      int e = errno();
      if (e != Errno.EINVAL.intValue()) {
        throw new NativeException("inotify_rm_watch", path, e, "");
      }
    }
  }

  static String addWatchReason(int errno, int ourWatches) {
    if (errno == Errno.ENOSPC.intValue()) {
      long limit = limit(MAX_USER_WATCHES);
      String raise = limit > 0 ? String.valueOf(Math.max(2 * limit, 524288)) : "N";
      return "inotify watch limit reached at "
          + ourWatches
          + " watches ("
          + sysctl(MAX_USER_WATCHES)
          + ", shared by all of this user's inotify instances): raise it with sysctl fs.inotify.max_user_watches="
          + raise;
    }
    if (errno == Errno.EACCES.intValue()) {
      return "inotify needs read permission on the directory";
    }
    if (errno == Errno.ENOMEM.intValue()) {
      return "the kernel is out of memory for watches";
    }
    return "";
  }

  /**
   * {@code fs.inotify.NAME=VALUE} as sysctl(8) prints it, or {@code =unknown} if /proc cannot tell.
   */
  static String sysctl(String name) {
    long v = limit(name);
    return "fs.inotify." + name + "=" + (v >= 0 ? String.valueOf(v) : "unknown");
  }

  /**
   * The value of /proc/sys/fs/inotify/NAME, or -1 when it cannot be read. One read(2) from offset
   * 0: a sysctl file answers a read at a later offset with EOF, so {@link Files#readString}, which
   * reads one byte and then the rest, sees only the first digit.
   */
  static long limit(String name) {
    try (InputStream in = Files.newInputStream(Path.of("/proc/sys/fs/inotify", name))) {
      byte[] buf = new byte[32];
      int n = in.read(buf);
      return n <= 0 ? -1 : Long.parseLong(new String(buf, 0, n, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  private static int errno() {
    return RUNTIME.getLastError();
  }
}

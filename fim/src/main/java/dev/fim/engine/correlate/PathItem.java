package dev.fim.engine.correlate;

import dev.fim.store.PathBytes;

/**
 * One PATH record of an audit event: a name the syscall looked up and the inode it found or made.
 * Immutable.
 *
 * @param name the name as the process passed it (may be relative), or null when the kernel logged
 *     {@code name=(null)} (an fd-based call)
 * @param path the absolute path: {@code name} itself when absolute, else {@code name} resolved
 *     against the event's CWD record ({@code .} and {@code ..} folded lexically). Null when it
 *     cannot be known: no name, no CWD, or the syscall named it relative to a directory fd other
 *     than {@code AT_FDCWD} (then only the inode joins)
 * @param inode the inode number, 0 when the kernel did not log one (a name that did not exist)
 * @param devMajor the device's major number ({@code dev=fd:01} → 0xfd), -1 when not logged
 * @param devMinor the device's minor number, -1 when not logged
 * @param nameType what the name was to the syscall
 */
public record PathItem(
    PathBytes name, PathBytes path, long inode, int devMajor, int devMinor, NameType nameType) {
  /** Not logged. */
  public static final long NO_DEV = -1;

  /**
   * The device as {@code stat(2)}'s {@code st_dev} encodes it (glibc's {@code gnu_dev_makedev},
   * which Java's {@code unix:dev} attribute returns), or {@link #NO_DEV}.
   */
  public long dev() {
    if (devMajor < 0 || devMinor < 0) {
      return NO_DEV;
    }
    long major = devMajor & 0xffffffffL;
    long minor = devMinor & 0xffffffffL;
    return ((major & 0xfffff000L) << 32)
        | ((major & 0xfffL) << 8)
        | ((minor & 0xffffff00L) << 12)
        | (minor & 0xffL);
  }
}

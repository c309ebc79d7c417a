package dev.fim.engine.fanotify;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One fanotify event of an FID group, decoded: the mask, the pid, and the handles and names of its
 * info records. Names are the raw bytes of one directory entry (any bytes but '/' and NUL; never
 * decoded here); handles are resolved to paths by {@link HandleResolver}, a later step.
 *
 * <p>Which fields are set depends on the event (fanotify(7); the reader's group has {@code
 * FAN_REPORT_DFID_NAME | FAN_REPORT_FID | FAN_REPORT_TARGET_FID}):
 *
 * <ul>
 *   <li>{@code dirHandle} + {@code name} (info type DFID_NAME): the parent directory and the
 *       entry's name, for create/delete/moved_from/moved_to and for events on a non-directory
 *       (modify, attrib, close_write). Events on a directory itself (attrib, delete_self, move_self
 *       with FAN_ONDIR) carry the directory's own handle and the name {@code "."}. A DFID record
 *       without a name leaves {@code name} null.
 *   <li>{@code objectHandle} (info type FID): the file or directory itself; for
 *       create/delete/move/rename the child's handle (FAN_REPORT_TARGET_FID, Linux 5.17+). Null
 *       when the kernel had none to report (e.g. the child of a delete whose inode is already gone
 *       on some filesystems).
 *   <li>{@code oldDirHandle}/{@code oldName} and {@code newDirHandle}/{@code newName}
 *       (OLD_DFID_NAME, NEW_DFID_NAME): only on {@link #FAN_RENAME}, one event with both ends.
 * </ul>
 *
 * Absent fields are null.
 *
 * <p>Immutable: the constructor takes ownership of the arrays it is given (the decoder passes fresh
 * ones; other callers must not change them afterwards), and the accessors of the byte arrays return
 * copies. Equality and {@link #toString()} are by content. Thread-safe.
 */
public record FanotifyEvent(
    long mask,
    int pid,
    FileHandleKey dirHandle,
    byte[] name,
    FileHandleKey objectHandle,
    FileHandleKey oldDirHandle,
    byte[] oldName,
    FileHandleKey newDirHandle,
    byte[] newName) {

  // Event mask bits, include/uapi/linux/fanotify.h:7-37 (linux-libc-dev 6.1 line numbers).
  public static final long FAN_ACCESS = 0x00000001L;
  public static final long FAN_MODIFY = 0x00000002L;
  public static final long FAN_ATTRIB = 0x00000004L;
  public static final long FAN_CLOSE_WRITE = 0x00000008L;
  public static final long FAN_CLOSE_NOWRITE = 0x00000010L;
  public static final long FAN_OPEN = 0x00000020L;
  public static final long FAN_MOVED_FROM = 0x00000040L;
  public static final long FAN_MOVED_TO = 0x00000080L;
  public static final long FAN_CREATE = 0x00000100L;
  public static final long FAN_DELETE = 0x00000200L;
  public static final long FAN_DELETE_SELF = 0x00000400L;
  public static final long FAN_MOVE_SELF = 0x00000800L;
  public static final long FAN_OPEN_EXEC = 0x00001000L;

  /**
   * The queue overflowed; never set on a {@link FanotifyEvent} (it becomes {@link
   * FanotifyStream#overflow()}).
   */
  public static final long FAN_Q_OVERFLOW = 0x00004000L;

  public static final long FAN_FS_ERROR = 0x00008000L;

  /** Linux 5.17+: one event with the old and the new parent and name. */
  public static final long FAN_RENAME = 0x10000000L;

  /** The event's object is a directory. */
  public static final long FAN_ONDIR = 0x40000000L;

  public static final long FAN_MOVE = FAN_MOVED_FROM | FAN_MOVED_TO;

  /** True if any of {@code bits} is set in the mask. */
  public boolean has(long bits) {
    return (mask & bits) != 0;
  }

  /** True if the event's object is a directory (FAN_ONDIR). */
  public boolean isDirectory() {
    return has(FAN_ONDIR);
  }

  /** A copy of the entry name, or null. */
  @Override
  public byte[] name() {
    return copy(name);
  }

  /** A copy of FAN_RENAME's old name, or null. */
  @Override
  public byte[] oldName() {
    return copy(oldName);
  }

  /** A copy of FAN_RENAME's new name, or null. */
  @Override
  public byte[] newName() {
    return copy(newName);
  }

  /** The name's length without copying it; -1 if there is none. */
  public int nameLength() {
    return name == null ? -1 : name.length;
  }

  /** True if the entry name is exactly {@code bytes}, without copying it. */
  public boolean nameIs(byte[] bytes) {
    return Arrays.equals(name, bytes);
  }

  private static byte[] copy(byte[] b) {
    return b == null ? null : b.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FanotifyEvent e
        && e.mask == mask
        && e.pid == pid
        && Objects.equals(e.dirHandle, dirHandle)
        && Arrays.equals(e.name, name)
        && Objects.equals(e.objectHandle, objectHandle)
        && Objects.equals(e.oldDirHandle, oldDirHandle)
        && Arrays.equals(e.oldName, oldName)
        && Objects.equals(e.newDirHandle, newDirHandle)
        && Arrays.equals(e.newName, newName);
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(mask) * 31 + pid;
    h = h * 31 + Objects.hashCode(dirHandle);
    h = h * 31 + Arrays.hashCode(name);
    h = h * 31 + Objects.hashCode(objectHandle);
    h = h * 31 + Objects.hashCode(oldDirHandle);
    h = h * 31 + Arrays.hashCode(oldName);
    h = h * 31 + Objects.hashCode(newDirHandle);
    return h * 31 + Arrays.hashCode(newName);
  }

  /** For tests and debugging: the mask in hex, names in hex (they need not be UTF-8). */
  @Override
  public String toString() {
    StringBuilder sb =
        new StringBuilder("FanotifyEvent[mask=0x")
            .append(Long.toHexString(mask))
            .append(", pid=")
            .append(pid);
    append(sb, "dir", dirHandle, name);
    if (objectHandle != null) {
      sb.append(", object=").append(objectHandle);
    }
    append(sb, "old", oldDirHandle, oldName);
    append(sb, "new", newDirHandle, newName);
    return sb.append(']').toString();
  }

  private static void append(StringBuilder sb, String label, FileHandleKey dir, byte[] n) {
    if (dir != null) {
      sb.append(", ").append(label).append('=').append(dir);
    }
    if (n != null) {
      sb.append(", ").append(label).append("Name=").append(HexFormat.of().formatHex(n));
    }
  }
}

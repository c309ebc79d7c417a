package dev.fim.engine.inotify;

/**
 * The kernel's inotify vocabulary, as include/uapi/linux/inotify.h defines it: the mask bits, the
 * flags of {@code inotify_init1}, and {@code struct inotify_event}'s layout. Constants only.
 */
final class InotifyLayout {
  // Events (include/uapi/linux/inotify.h).
  static final int IN_MODIFY = 0x00000002;
  static final int IN_ATTRIB = 0x00000004;
  static final int IN_CLOSE_WRITE = 0x00000008;
  static final int IN_MOVED_FROM = 0x00000040;
  static final int IN_MOVED_TO = 0x00000080;
  static final int IN_CREATE = 0x00000100;
  static final int IN_DELETE = 0x00000200;
  static final int IN_DELETE_SELF = 0x00000400;
  static final int IN_MOVE_SELF = 0x00000800;
  // Sent without being asked for.
  static final int IN_UNMOUNT = 0x00002000;
  static final int IN_Q_OVERFLOW = 0x00004000;
  static final int IN_IGNORED = 0x00008000;
  // Flags of inotify_add_watch.
  static final int IN_ONLYDIR = 0x01000000;
  static final int IN_DONT_FOLLOW = 0x02000000;
  static final int IN_EXCL_UNLINK = 0x04000000;

  /** In an event: the subject is a directory. */
  static final int IN_ISDIR = 0x40000000;

  // inotify_init1 flags: the O_* values (include/uapi/asm-generic/fcntl.h; x86_64 uses the generic
  // ones).
  static final int IN_NONBLOCK = 04000;
  static final int IN_CLOEXEC = 02000000;

  /**
   * {@code struct inotify_event}: {@code int wd; uint32_t mask; uint32_t cookie; uint32_t len; char
   * name[len]} in native byte order; {@code len} counts the name's NUL padding (0 when the event is
   * about the watched directory).
   */
  static final int WD = 0;

  static final int MASK = 4;
  static final int COOKIE = 8;
  static final int LEN = 12;
  static final int HEADER_SIZE = 16;

  /**
   * NAME_MAX (include/uapi/linux/limits.h): the longest event is {@code HEADER_SIZE + NAME_MAX +
   * 1}.
   */
  static final int NAME_MAX = 255;

  private InotifyLayout() {}
}

package dev.fim.engine.correlate;

/**
 * What a PATH record's item was to its syscall: the kernel's {@code nametype=} (kernel/audit.c
 * {@code audit_log_name}, values of {@code AUDIT_TYPE_*} in include/linux/audit.h).
 */
public enum NameType {
  /** The object the syscall acted on as it was (open for write, chmod, truncate…). */
  NORMAL,
  /** The directory that holds the object; its inode is the directory's, not the object's. */
  PARENT,
  /**
   * The object was created under this name (open O_CREAT, mkdir, link, the new name of a rename).
   */
  CREATE,
  /** The name was removed (unlink, rmdir, the old name of a rename, a file a rename replaced). */
  DELETE,
  /** {@code UNKNOWN}, or a value this enum does not know. */
  UNKNOWN;

  /** The record's value ({@code CREATE}, {@code DELETE}…); anything else is {@link #UNKNOWN}. */
  static NameType of(String value) {
    if (value == null) {
      return UNKNOWN;
    }
    return switch (value) {
      case "NORMAL" -> NORMAL;
      case "PARENT" -> PARENT;
      case "CREATE" -> CREATE;
      case "DELETE" -> DELETE;
      default -> UNKNOWN;
    };
  }
}

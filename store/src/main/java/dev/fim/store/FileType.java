package dev.fim.store;

/** The kind of a file system object, from the {@code S_IFMT} bits of {@code st_mode}. */
public enum FileType {
  /** {@code S_IFREG}: the only type whose content is hashed. */
  FILE(0100000, "file"),
  /** {@code S_IFDIR}. */
  DIRECTORY(0040000, "dir"),
  /** {@code S_IFLNK}: never followed; its target is recorded. */
  SYMLINK(0120000, "symlink"),
  /** {@code S_IFIFO}: never opened (an open would block or steal data). */
  FIFO(0010000, "fifo"),
  /** {@code S_IFSOCK}: never opened. */
  SOCKET(0140000, "socket"),
  /** {@code S_IFCHR}: never opened; device numbers are not content. */
  CHAR_DEVICE(0020000, "char_device"),
  /** {@code S_IFBLK}: never opened. */
  BLOCK_DEVICE(0060000, "block_device"),
  /** Anything else the kernel might report. */
  UNKNOWN(0, "unknown");

  private static final int S_IFMT = 0170000;
  private final int ifmt;
  private final String label;

  FileType(int ifmt, String label) {
    this.ifmt = ifmt;
    this.label = label;
  }

  /** The type named by the {@code S_IFMT} bits of a {@code st_mode}. */
  public static FileType ofMode(int stMode) {
    int fmt = stMode & S_IFMT;
    for (FileType t : values()) {
      if (t.ifmt == fmt && t != UNKNOWN) {
        return t;
      }
    }
    return UNKNOWN;
  }

  /** Short lower-case name used in reports and JSON ({@code file.type}, ECS style). */
  public String label() {
    return label;
  }
}

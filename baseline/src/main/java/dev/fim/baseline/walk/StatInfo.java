package dev.fim.baseline.walk;

/**
 * The fields of one {@code struct stat}, copied out of native memory. Immutable.
 *
 * @param mode {@code st_mode}: type bits and permission bits
 * @param dev {@code st_dev}
 * @param ino {@code st_ino}
 * @param nlink {@code st_nlink}
 * @param uid {@code st_uid}
 * @param gid {@code st_gid}
 * @param rdev {@code st_rdev} (device nodes)
 * @param size {@code st_size}
 * @param blocks {@code st_blocks}, 512-byte units
 * @param atimeNs access time, ns since the epoch
 * @param mtimeNs modification time, ns since the epoch
 * @param ctimeNs status change time, ns since the epoch
 */
public record StatInfo(
    int mode,
    long dev,
    long ino,
    long nlink,
    int uid,
    int gid,
    long rdev,
    long size,
    long blocks,
    long atimeNs,
    long mtimeNs,
    long ctimeNs) {

  private static final int S_IFMT = 0170000;
  private static final int S_IFREG = 0100000;
  private static final int S_IFDIR = 0040000;

  public boolean isRegularFile() {
    return (mode & S_IFMT) == S_IFREG;
  }

  public boolean isDirectory() {
    return (mode & S_IFMT) == S_IFDIR;
  }

  /** Same object: same {@code st_dev} and {@code st_ino}. */
  public boolean sameInode(StatInfo o) {
    return dev == o.dev && ino == o.ino;
  }

  /**
   * Same content as far as {@code stat} can tell: size, mtime and ctime unchanged (AIDE's test in
   * {@code calc_hashsums}). A writer moves at least one of them.
   */
  public boolean sameContentStamp(StatInfo o) {
    return sameInode(o) && size == o.size && mtimeNs == o.mtimeNs && ctimeNs == o.ctimeNs;
  }
}

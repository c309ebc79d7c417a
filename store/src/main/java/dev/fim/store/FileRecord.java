package dev.fim.store;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything fim knows about one file system object at one moment: its {@code lstat} fields,
 * symlink target, extended attributes and content digests. Immutable; thread-safe.
 *
 * @param type file type from {@code st_mode}
 * @param mode permission bits including setuid/setgid/sticky ({@code st_mode & 07777})
 * @param uid owner
 * @param gid group
 * @param size {@code st_size}
 * @param blocks {@code st_blocks} (512-byte units)
 * @param mtimeNs modification time, ns since the epoch
 * @param ctimeNs status change time, ns since the epoch
 * @param dev {@code st_dev}
 * @param ino {@code st_ino}
 * @param nlink {@code st_nlink}
 * @param linkTarget symlink target bytes, null for other types
 * @param xattrs extended attributes sorted by name; null when they were not captured
 * @param digests content digests (regular files whose rule asks for them); empty otherwise
 * @param selected bit set of the attributes the selection rule asked for (baseline's {@code
 *     AttributeSet} bits); stored so a later check compares like with like
 * @param problem why part of the record is missing (e.g. "open: EACCES (Permission denied); hash
 *     skipped, attributes kept"), or null
 */
public record FileRecord(
    FileType type,
    int mode,
    int uid,
    int gid,
    long size,
    long blocks,
    long mtimeNs,
    long ctimeNs,
    long dev,
    long ino,
    long nlink,
    byte[] linkTarget,
    List<Xattr> xattrs,
    List<Digest> digests,
    long selected,
    String problem) {

  public FileRecord {
    Objects.requireNonNull(type, "type");
    linkTarget = linkTarget == null ? null : Arrays.copyOf(linkTarget, linkTarget.length);
    xattrs = xattrs == null ? null : List.copyOf(xattrs);
    digests = digests == null ? List.of() : List.copyOf(digests);
  }

  @Override
  public byte[] linkTarget() {
    return linkTarget == null ? null : Arrays.copyOf(linkTarget, linkTarget.length);
  }

  /**
   * About how many bytes of heap this record holds, its arrays, lists and strings included: what a
   * cache of records counts against its budget (a symlink's target and the extended attributes are
   * up to kilobytes each, chosen by whoever writes the file).
   */
  public long heldBytes() {
    long bytes = 128; // the record, its boxed-free fields and the two lists' headers
    if (linkTarget != null) {
      bytes += 16 + linkTarget.length;
    }
    if (xattrs != null) {
      for (Xattr x : xattrs) {
        bytes += 64 + 2L * x.name().length() + x.valueLength();
      }
    }
    for (Digest d : digests) {
      bytes += 48 + d.algorithm().length();
    }
    if (problem != null) {
      bytes += 40 + 2L * problem.length();
    }
    return bytes;
  }

  /** The digest of the given algorithm, or null. */
  public Digest digest(HashAlgorithm algorithm) {
    for (Digest d : digests) {
      if (d.algorithm() == algorithm) {
        return d;
      }
    }
    return null;
  }

  /** A copy with other digests and problem (the hasher fills them in after lstat). */
  public FileRecord withDigests(List<Digest> newDigests, String newProblem) {
    return new FileRecord(
        type,
        mode,
        uid,
        gid,
        size,
        blocks,
        mtimeNs,
        ctimeNs,
        dev,
        ino,
        nlink,
        linkTarget,
        xattrs,
        newDigests,
        selected,
        newProblem);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileRecord r
        && r.type == type
        && r.mode == mode
        && r.uid == uid
        && r.gid == gid
        && r.size == size
        && r.blocks == blocks
        && r.mtimeNs == mtimeNs
        && r.ctimeNs == ctimeNs
        && r.dev == dev
        && r.ino == ino
        && r.nlink == nlink
        && Arrays.equals(r.linkTarget, linkTarget)
        && Objects.equals(r.xattrs, xattrs)
        && r.digests.equals(digests)
        && r.selected == selected
        && Objects.equals(r.problem, problem);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, mode, uid, gid, size, mtimeNs, ctimeNs, ino, digests);
  }
}

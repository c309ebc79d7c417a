package dev.fim.baseline;

import dev.fim.store.HashAlgorithm;

/**
 * The single source of truth for file attributes, in the manner of AIDE's {@code attributes.c}:
 * each constant carries its config name (AIDE's letter where AIDE has one), its report label and
 * its bit in {@link AttributeSet}. The bit is stored with every baseline record: never renumber.
 */
public enum Attribute {
  /** {@code ftype}: file type (file, dir, symlink…). */
  FTYPE(0, "ftype", "type"),
  /** {@code p}: permission bits including setuid, setgid, sticky. */
  PERMISSIONS(1, "p", "permissions"),
  /** {@code i}: inode number (changes when a file is replaced, e.g. by an editor's save). */
  INODE(2, "i", "inode"),
  /** {@code n}: number of hard links. */
  LINKCOUNT(3, "n", "links"),
  /** {@code u}: owner uid. */
  UID(4, "u", "owner"),
  /** {@code g}: group gid. */
  GID(5, "g", "group"),
  /** {@code s}: size in bytes. */
  SIZE(6, "s", "size"),
  /**
   * {@code S}: growing size (AIDE's {@code S}): a larger size is fine, a smaller one is a change.
   */
  GROWING(7, "S", "size"),
  /** {@code b}: block count (sparse files, preallocation). */
  BLOCKS(8, "b", "blocks"),
  /** {@code m}: modification time. */
  MTIME(9, "m", "mtime"),
  /** {@code a}: access time. Never updated by fim's reads (O_NOATIME). */
  ATIME(10, "a", "atime"),
  /** {@code c}: inode change time. */
  CTIME(11, "c", "ctime"),
  /** {@code l}: symlink target. */
  LINKNAME(12, "l", "link_target"),
  /** {@code xattrs}: all extended attributes. */
  XATTRS(13, "xattrs", "xattrs"),
  /**
   * {@code acl}: POSIX ACLs ({@code system.posix_acl_access}, {@code system.posix_acl_default}).
   */
  ACL(14, "acl", "acl"),
  /** {@code caps}: file capabilities ({@code security.capability}). */
  CAPS(15, "caps", "caps"),
  /** {@code selinux}: SELinux context ({@code security.selinux}). */
  SELINUX(16, "selinux", "selinux"),
  /** {@code xxh3}: XXH3-128 content hash (fim's default; fast, not cryptographic). */
  XXH3(17, "xxh3", "xxh3_128"),
  /** {@code sha256}: SHA-256 content hash. */
  SHA256(18, "sha256", "sha256"),
  /** {@code sha512}: SHA-512 content hash. */
  SHA512(19, "sha512", "sha512"),
  /**
   * {@code growing} (AIDE 0.18's): a larger size, block count, atime, mtime or ctime is not a
   * change, nor a new hash when the file grew and its first old-size bytes still hash as before (or
   * it was empty). Not reported itself.
   */
  GROWING_FILE(20, "growing", "growing"),
  /** {@code ANF} (allow new files): a new entry governed by this rule is not reported. */
  ALLOW_NEW(21, "ANF", "ANF"),
  /** {@code ARF} (allow removed files): a removed entry recorded with this rule is not reported. */
  ALLOW_REMOVED(22, "ARF", "ARF");

  private final int bit;
  private final String configName;
  private final String label;

  Attribute(int bit, String configName, String label) {
    this.bit = bit;
    this.configName = configName;
    this.label = label;
  }

  public int bit() {
    return bit;
  }

  /** The name used in config group expressions ({@code p+i+n+u+g+s+m+c+xxh3}). */
  public String configName() {
    return configName;
  }

  /** The name used in reports and JSON {@code file.changes}. */
  public String label() {
    return label;
  }

  /** The hash algorithm this attribute asks for, or null if it is not a hash. */
  public HashAlgorithm hashAlgorithm() {
    return switch (this) {
      case XXH3 -> HashAlgorithm.XXH3_128;
      case SHA256 -> HashAlgorithm.SHA256;
      case SHA512 -> HashAlgorithm.SHA512;
      default -> null;
    };
  }

  /**
   * The attribute with this config name (case-sensitive, as AIDE: {@code s} ≠ {@code S}), or null.
   */
  public static Attribute ofConfigName(String name) {
    for (Attribute a : values()) {
      if (a.configName.equals(name)) {
        return a;
      }
    }
    return null;
  }
}

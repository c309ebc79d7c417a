package dev.fim.baseline.diff;

import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;

/**
 * Hashes the first bytes of a file as it is now: how AIDE 0.18's {@code growing} tells a file that
 * only grew (its old content is still its prefix) from one that was rewritten.
 */
@FunctionalInterface
public interface PrefixHasher {
  /** Never hashes: every growing file whose hash changed counts as changed. */
  PrefixHasher NONE = (path, current, length, algorithm) -> null;

  /**
   * The digest of the first {@code length} bytes of the regular file at {@code path}, if it is
   * still the object {@code current} was captured from (same device and inode) and at least that
   * long; null otherwise (or when it cannot be read).
   */
  Digest prefix(PathBytes path, FileRecord current, long length, HashAlgorithm algorithm);
}

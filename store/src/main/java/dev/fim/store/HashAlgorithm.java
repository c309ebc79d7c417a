package dev.fim.store;

/**
 * Content hash algorithms a record can carry. The numeric id is part of the on-disk encoding: never
 * reuse or renumber one.
 */
public enum HashAlgorithm {
  /** XXH3-128: fast, detects accidental and ordinary changes; not cryptographic. Default. */
  XXH3_128(1, "xxh3_128", 16),
  /** SHA-256: for adversarial settings, where a collision must be infeasible. */
  SHA256(2, "sha256", 32),
  /** SHA-512. */
  SHA512(3, "sha512", 64);

  private final int id;
  private final String label;
  private final int length;

  HashAlgorithm(int id, String label, int length) {
    this.id = id;
    this.label = label;
    this.length = length;
  }

  public int id() {
    return id;
  }

  /** The name in reports and in the event JSON ({@code file.hash.<label>}). */
  public String label() {
    return label;
  }

  /** Digest length in bytes. */
  public int length() {
    return length;
  }

  public static HashAlgorithm ofId(int id) {
    for (HashAlgorithm a : values()) {
      if (a.id == id) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown hash algorithm id " + id);
  }
}

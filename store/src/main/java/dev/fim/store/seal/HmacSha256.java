package dev.fim.store.seal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Objects;

/**
 * HMAC-SHA256 (RFC 2104) over {@code MessageDigest.getInstance("SHA-256")}: bit-identical to {@code
 * javax.crypto.Mac.getInstance("HmacSHA256")}, with the same update/doFinal/reset life cycle. It
 * exists for start-up: the first {@code Mac.getInstance} sets up the JCE (the provider list up to
 * SunJCE, the crypto policy, SunEC's curve table; 33-43 ms of the critical path of a 1-file {@code
 * fim check}), while SHA-256 comes from the SUN provider, the first in the list.
 *
 * <p>Like {@code Mac}'s HmacCore it keeps only the two padded keys (key XOR ipad, key XOR opad),
 * never the key itself; the copy of the key it derives them from is zeroed. No key bytes appear in
 * {@link #toString} or any exception. Not thread-safe (neither is a {@code Mac}): one per thread.
 */
public final class HmacSha256 {
  /** The length of the MAC in bytes. */
  public static final int LENGTH = 32;

  /** SHA-256's block size, which the key is padded (or first hashed) to. */
  private static final int BLOCK = 64;

  private final MessageDigest digest;
  private final byte[] innerPad = new byte[BLOCK];
  private final byte[] outerPad = new byte[BLOCK];

  /** Whether the inner pad still has to go in first (it goes in lazily, as in HmacCore). */
  private boolean fresh = true;

  /**
   * A MAC keyed with {@code key} (any length; a key longer than the block is hashed first). The
   * caller's array is neither kept nor changed.
   */
  public HmacSha256(byte[] key) {
    Objects.requireNonNull(key, "key");
    digest = sha256();
    byte[] k = key.length > BLOCK ? digest.digest(key) : key.clone();
    try {
      for (int i = 0; i < BLOCK; i++) {
        byte b = i < k.length ? k[i] : 0;
        innerPad[i] = (byte) (b ^ 0x36);
        outerPad[i] = (byte) (b ^ 0x5c);
      }
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
    }
  }

  /** Makes sure the SHA-256 implementation is loaded (for a preload thread). */
  public static void load() {
    sha256();
  }

  private void start() {
    if (fresh) {
      digest.update(innerPad);
      fresh = false;
    }
  }

  public void update(byte b) {
    start();
    digest.update(b);
  }

  public void update(byte[] b) {
    update(b, 0, b.length);
  }

  public void update(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    start();
    digest.update(b, off, len);
  }

  /** Feeds the remaining bytes of {@code b} (heap or direct); its position moves to its limit. */
  public void update(ByteBuffer b) {
    start();
    digest.update(b);
  }

  /** The MAC of everything fed since the last reset; then resets. */
  public byte[] doFinal() {
    byte[] out = new byte[LENGTH];
    doFinal(out, 0);
    return out;
  }

  /** {@link #update(byte[])} then {@link #doFinal()}. */
  public byte[] doFinal(byte[] b) {
    update(b);
    return doFinal();
  }

  /** Writes the MAC into {@code out} at {@code off} (32 bytes), then resets. */
  public void doFinal(byte[] out, int off) {
    Objects.checkFromIndexSize(off, LENGTH, out.length);
    start();
    try {
      byte[] inner = digest.digest(); // resets the digest
      digest.update(outerPad);
      digest.update(inner);
      digest.digest(out, off, LENGTH);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 digest into 32 bytes failed", e);
    } finally {
      fresh = true;
    }
  }

  /** Discards what was fed since the last doFinal or reset; the key stays. */
  public void reset() {
    digest.reset();
    fresh = true;
  }

  @Override
  public String toString() {
    return "HmacSha256";
  }
}

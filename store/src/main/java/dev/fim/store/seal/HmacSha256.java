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
 * <p>Every MAC starts by compressing the block key XOR ipad and ends by compressing key XOR opad:
 * the same two blocks for every MAC of a key. The digests are kept in the state after those blocks
 * and each MAC starts from a clone of them ({@code MessageDigest.clone}, which the JDK's SHA-256
 * supports), so a MAC compresses two blocks fewer: a record's evidence tag 2 blocks instead of 4, a
 * 300-byte event's 7 instead of 9 (issue 18: the tags were a fifth of {@code fim watch}'s compare
 * thread, which runs C1 only, without the SHA-256 CPU intrinsic).
 *
 * <p>Like {@code Mac}'s HmacCore it keeps what the padded keys give, never the key itself: here the
 * two digest states after them (as secret as the padded keys, and no more); the copies of the key
 * and pads it derives them from are zeroed. No key bytes appear in {@link #toString} or any
 * exception. Not thread-safe (neither is a {@code Mac}): one per thread.
 */
public final class HmacSha256 {
  /** The length of the MAC in bytes. */
  public static final int LENGTH = 32;

  /** SHA-256's block size, which the key is padded (or first hashed) to. */
  private static final int BLOCK = 64;

  /** The states after key XOR ipad and after key XOR opad; never fed anything else. */
  private final MessageDigest innerStart;

  private final MessageDigest outerStart;

  /** The MAC being made: a clone of {@link #innerStart}, or null until the first byte comes. */
  private MessageDigest inner;

  /**
   * A MAC keyed with {@code key} (any length; a key longer than the block is hashed first). The
   * caller's array is neither kept nor changed.
   */
  public HmacSha256(byte[] key) {
    Objects.requireNonNull(key, "key");
    innerStart = sha256();
    outerStart = sha256();
    byte[] k = key.length > BLOCK ? innerStart.digest(key) : key.clone();
    byte[] pad = new byte[BLOCK];
    try {
      for (int i = 0; i < BLOCK; i++) {
        pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x36);
      }
      innerStart.update(pad);
      for (int i = 0; i < BLOCK; i++) {
        pad[i] = (byte) ((i < k.length ? k[i] : 0) ^ 0x5c);
      }
      outerStart.update(pad);
    } finally {
      Arrays.fill(k, (byte) 0);
      Arrays.fill(pad, (byte) 0);
    }
  }

  /**
   * A fresh SHA-256 digest: a clone of one made once. {@code MessageDigest.getInstance} makes each
   * digest through reflection, and its 16th call in a JVM spins a constructor accessor class (JFR
   * of a 1-file update: the seal's MAC in {@code sealFlushed} made it, issue 18, session 16); a
   * clone copies the digest's state arrays.
   */
  private static MessageDigest sha256() {
    return copy(Pristine.DIGEST);
  }

  /**
   * One SHA-256 digest that is never fed anything, only cloned (a clone reads its state): made on
   * first use, by the JVM's thread-safe class initialisation.
   */
  private static final class Pristine {
    static final MessageDigest DIGEST = newSha256();

    private Pristine() {}

    private static MessageDigest newSha256() {
      try {
        return MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every Java 17 runtime", e);
      }
    }
  }

  /** Makes sure the SHA-256 implementation is loaded (for a preload thread). */
  public static void load() {
    sha256();
  }

  private static MessageDigest copy(MessageDigest start) {
    try {
      return (MessageDigest) start.clone();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 digest can be cloned", e);
    }
  }

  private MessageDigest inner() {
    MessageDigest d = inner;
    if (d == null) {
      d = copy(innerStart);
      inner = d;
    }
    return d;
  }

  public void update(byte b) {
    inner().update(b);
  }

  public void update(byte[] b) {
    update(b, 0, b.length);
  }

  public void update(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    inner().update(b, off, len);
  }

  /** Feeds the remaining bytes of {@code b} (heap or direct); its position moves to its limit. */
  public void update(ByteBuffer b) {
    inner().update(b);
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
    MessageDigest in = inner();
    inner = null;
    MessageDigest outer = copy(outerStart);
    outer.update(in.digest());
    try {
      outer.digest(out, off, LENGTH);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 digest into 32 bytes failed", e);
    }
  }

  /** Discards what was fed since the last doFinal or reset; the key stays. */
  public void reset() {
    inner = null;
  }

  @Override
  public String toString() {
    return "HmacSha256";
  }
}

package dev.fim.store.seal;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * HMAC-SHA256 over {@code MessageDigest.getInstance("SHA-256")}: the two digests are kept in the
 * state after key XOR ipad and key XOR opad, and each MAC starts from a {@code clone()} of them
 * (the JDK's SHA-256 supports it), so a MAC compresses two blocks fewer (issue 18, session 10). The
 * engine of every command but {@code fim watch}, and its fallback when the system has no usable
 * libcrypto.
 */
final class JdkHmac implements HmacEngine {
  /** The states after key XOR ipad and after key XOR opad; never fed anything else. */
  private final MessageDigest innerStart;

  private final MessageDigest outerStart;

  /** The MAC being made: a clone of {@link #innerStart}, or null until the first byte comes. */
  private MessageDigest inner;

  JdkHmac(byte[] key) {
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
  static MessageDigest sha256() {
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

  @Override
  public void update(byte b) {
    inner().update(b);
  }

  @Override
  public void update(byte[] b, int off, int len) {
    inner().update(b, off, len);
  }

  @Override
  public void update(ByteBuffer b) {
    inner().update(b);
  }

  @Override
  public void doFinal(byte[] out, int off) {
    MessageDigest in = inner();
    inner = null;
    MessageDigest outer = copy(outerStart);
    outer.update(in.digest());
    try {
      outer.digest(out, off, HmacSha256.LENGTH);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException("SHA-256 digest into 32 bytes failed", e);
    }
  }

  @Override
  public void reset() {
    inner = null;
  }
}

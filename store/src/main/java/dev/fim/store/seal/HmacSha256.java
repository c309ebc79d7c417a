package dev.fim.store.seal;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * HMAC-SHA256 (RFC 2104): bit-identical to {@code javax.crypto.Mac.getInstance("HmacSHA256")}, with
 * the same update/doFinal/reset life cycle. It exists for start-up: the first {@code
 * Mac.getInstance} sets up the JCE (the provider list up to SunJCE, the crypto policy, SunEC's
 * curve table; 33-43 ms of the critical path of a 1-file {@code fim check}).
 *
 * <p>Every MAC starts by compressing the block key XOR ipad and ends by compressing key XOR opad:
 * the same two blocks for every MAC of a key. The engine keeps the states after those blocks and
 * starts each MAC from a copy of them, so a MAC compresses two blocks fewer (a record's evidence
 * tag 2 blocks instead of 4, a 300-byte event's 7 instead of 9). The SHA-256 itself is the system's
 * libcrypto when {@code -Dfim.sha256=libcrypto} asks for it (bin/fim does for {@code fim watch})
 * and the system has a usable one ({@link LibcryptoHmac}: OpenSSL's kernel, SHA-NI where the CPU
 * has it), else the JDK's ({@link JdkHmac}). Issue 18: the evidence tags' SHA-256 was the largest
 * user leaf of {@code fim watch}'s compare thread, which runs C1 only, without the JDK's SHA-256
 * CPU intrinsic.
 *
 * <p>Like {@code Mac}'s HmacCore it keeps what the padded keys give, never the key itself: the two
 * digest states after them (as secret as the padded keys, and no more); the copies of the key and
 * pads it derives them from are zeroed. No key bytes appear in {@link #toString} or any exception.
 * Not thread-safe (neither is a {@code Mac}): one per thread.
 */
public final class HmacSha256 {
  /** The length of the MAC in bytes. */
  public static final int LENGTH = 32;

  private final HmacEngine engine;

  /**
   * A MAC keyed with {@code key} (any length; a key longer than the block is hashed first). The
   * caller's array is neither kept nor changed.
   */
  public HmacSha256(byte[] key) {
    this(key, Libcrypto.load());
  }

  /** With libcrypto's SHA-256 when {@code lib} is not null, else the JDK's (for the tests). */
  HmacSha256(byte[] key, Libcrypto lib) {
    Objects.requireNonNull(key, "key");
    engine = lib != null ? new LibcryptoHmac(key, lib) : new JdkHmac(key);
  }

  /** Whether this MAC's SHA-256 is libcrypto's (for the tests). */
  boolean usesLibcrypto() {
    return engine instanceof LibcryptoHmac;
  }

  /**
   * Makes sure the SHA-256 implementation is loaded (for a preload thread): libcrypto, checked
   * against the JDK's, or the JDK's alone.
   */
  public static void load() {
    if (Libcrypto.load() == null) {
      JdkHmac.sha256();
    }
  }

  public void update(byte b) {
    engine.update(b);
  }

  public void update(byte[] b) {
    update(b, 0, b.length);
  }

  public void update(byte[] b, int off, int len) {
    Objects.checkFromIndexSize(off, len, b.length);
    engine.update(b, off, len);
  }

  /** Feeds the remaining bytes of {@code b} (heap or direct); its position moves to its limit. */
  public void update(ByteBuffer b) {
    engine.update(b);
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
    engine.doFinal(out, off);
  }

  /** Discards what was fed since the last doFinal or reset; the key stays. */
  public void reset() {
    engine.reset();
  }

  @Override
  public String toString() {
    return "HmacSha256";
  }
}

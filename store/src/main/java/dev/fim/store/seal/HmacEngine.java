package dev.fim.store.seal;

import java.nio.ByteBuffer;

/**
 * The SHA-256 work behind one {@link HmacSha256}: the JDK's digests ({@link JdkHmac}) or the
 * system's libcrypto ({@link LibcryptoHmac}). Both start every MAC from the states after key XOR
 * ipad and key XOR opad, kept from the constructor. Not thread-safe.
 */
sealed interface HmacEngine permits JdkHmac, LibcryptoHmac {
  /** SHA-256's block size, which the key is padded (or first hashed) to. */
  int BLOCK = 64;

  void update(byte b);

  void update(byte[] b, int off, int len);

  /** Feeds the remaining bytes of {@code b}; its position moves to its limit. */
  void update(ByteBuffer b);

  /** Writes the MAC of everything fed since the last reset at {@code off}, then resets. */
  void doFinal(byte[] out, int off);

  void reset();
}

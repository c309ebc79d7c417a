package dev.fim.store.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link HmacSha256} against RFC 4231 and, over random keys and messages, javax.crypto.Mac. */
class HmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  private static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  private static byte[] repeat(int b, int n) {
    byte[] a = new byte[n];
    Arrays.fill(a, (byte) b);
    return a;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** RFC 4231, section 4: the HMAC-SHA-256 results of test cases 1-7 (case 5 truncated to 128). */
  @Test
  void matchesRfc4231() {
    assertRfc(
        repeat(0x0b, 20),
        ascii("Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertRfc(
        ascii("Jefe"),
        ascii("what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertRfc(
        repeat(0xaa, 20),
        repeat(0xdd, 50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    assertRfc(
        hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
        repeat(0xcd, 50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    byte[] five = new HmacSha256(repeat(0x0c, 20)).doFinal(ascii("Test With Truncation"));
    assertEquals("a3b6167473100ee06e0c796c2955552b", HEX.formatHex(five, 0, 16));
    assertRfc(
        repeat(0xaa, 131),
        ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assertRfc(
        repeat(0xaa, 131),
        ascii(
            "This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm."),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  private static void assertRfc(byte[] key, byte[] data, String expected) {
    assertEquals(expected, HEX.formatHex(new HmacSha256(key).doFinal(data)));
  }

  /**
   * Thousands of random keys (0..200 bytes; 64 and 65, the block size and one past it, often) and
   * messages (0..5000 bytes) fed in random pieces through every update form, heap and direct
   * buffers, each MAC object reused across messages as the chain reuses its per-thread MAC.
   */
  @Test
  void isBitIdenticalToJavaxCryptoMac() throws Exception {
    SplittableRandom rnd = new SplittableRandom(0x5eed_4231L);
    Mac ref = Mac.getInstance("HmacSHA256");
    byte[] out = new byte[LENGTH_PLUS_OFFSET];
    for (int k = 0; k < 600; k++) {
      int keyLen =
          switch (k % 6) {
            case 0 -> 64;
            case 1 -> 65;
            case 2 -> rnd.nextInt(0, 4); // 0..3, the empty key included
            default -> rnd.nextInt(0, 201);
          };
      byte[] key = new byte[keyLen];
      rnd.nextBytes(key);
      byte[] keyCopy = key.clone();
      // SecretKeySpec refuses an empty key, yet an empty HMAC key is valid
      ref.init(key.length == 0 ? new EmptyKey() : new SecretKeySpec(key, "HmacSHA256"));
      HmacSha256 mine = new HmacSha256(key);
      assertArrayEquals(keyCopy, key, "the caller's key is left as it was");
      for (int m = 0; m < 6; m++) {
        int len = m == 0 ? 0 : rnd.nextInt(0, 5001);
        byte[] msg = new byte[len];
        rnd.nextBytes(msg);
        ref.update(msg);
        byte[] expected = ref.doFinal();
        feedInPieces(mine, msg, rnd);
        int off = rnd.nextInt(0, out.length - HmacSha256.LENGTH + 1);
        switch (rnd.nextInt(3)) {
          case 0 -> assertArrayEquals(expected, mine.doFinal(), () -> "key " + keyLen);
          case 1 -> {
            mine.doFinal(out, off);
            assertArrayEquals(
                expected,
                Arrays.copyOfRange(out, off, off + HmacSha256.LENGTH),
                () -> "key " + keyLen);
          }
          default -> {
            // an abandoned message, then reset: it must not leak into the next MAC
            mine.update(msg, 0, Math.min(len, 7));
            mine.reset();
            feedInPieces(mine, msg, rnd);
            assertArrayEquals(expected, mine.doFinal(), () -> "key " + keyLen + " after reset");
          }
        }
      }
    }
  }

  private static final int LENGTH_PLUS_OFFSET = HmacSha256.LENGTH + 17;

  /**
   * Feeds {@code msg} in random pieces through update(byte), update(byte[],off,len) and buffers.
   */
  private static void feedInPieces(HmacSha256 mac, byte[] msg, SplittableRandom rnd) {
    int i = 0;
    while (i < msg.length) {
      int n = rnd.nextInt(1, Math.min(msg.length - i, rnd.nextBoolean() ? 8 : 700) + 1);
      switch (rnd.nextInt(5)) {
        case 0 -> {
          for (int j = 0; j < n; j++) {
            mac.update(msg[i + j]);
          }
        }
        case 1 -> mac.update(msg, i, n);
        case 2 -> mac.update(Arrays.copyOfRange(msg, i, i + n));
        case 3 -> {
          // a heap buffer whose array is larger than the slice fed: only position..limit counts
          ByteBuffer b = ByteBuffer.wrap(msg);
          b.position(i).limit(i + n);
          mac.update(b);
          assertFalse(b.hasRemaining(), "the buffer is consumed");
        }
        default -> {
          ByteBuffer d = ByteBuffer.allocateDirect(n + 5);
          d.put(new byte[] {9, 9}).put(msg, i, n).put(new byte[] {9, 9, 9});
          d.position(2).limit(2 + n);
          mac.update(d);
          assertFalse(d.hasRemaining(), "the buffer is consumed");
        }
      }
      i += n;
    }
  }

  /** A zero-length raw key: SecretKeySpec refuses one, yet an empty HMAC key is valid. */
  private static final class EmptyKey implements javax.crypto.SecretKey {
    @Override
    public String getAlgorithm() {
      return "HmacSHA256";
    }

    @Override
    public String getFormat() {
      return "RAW";
    }

    @Override
    public byte[] getEncoded() {
      return new byte[0];
    }
  }

  @Test
  void showsNoKeyAndRejectsBadRangesWithoutIt() {
    byte[] key = ascii("secret-key-bytes-0123456789");
    HmacSha256 mac = new HmacSha256(key);
    assertEquals("HmacSha256", mac.toString());
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> mac.update(new byte[4], 2, 3));
    assertFalse(String.valueOf(e.getMessage()).contains("secret"));
    assertThrows(IndexOutOfBoundsException.class, () -> mac.doFinal(new byte[40], 9));
    assertThrows(NullPointerException.class, () -> new HmacSha256(null));
    // the failed calls left the MAC usable and unchanged
    assertArrayEquals(new HmacSha256(key).doFinal(ascii("x")), mac.doFinal(ascii("x")));
  }

  /** Keys derived the way EvidenceKey derives the chain key match Mac's (the chain's key). */
  @Test
  void evidenceKeyDerivationMatchesMac() throws Exception {
    byte[] seal = new byte[32];
    new SplittableRandom(7).nextBytes(seal);
    Mac ref = Mac.getInstance("HmacSHA256");
    ref.init(new SecretKeySpec(seal, "HmacSHA256"));
    byte[] label = ascii("fim-evidence-chain-v1");
    assertArrayEquals(ref.doFinal(label), new HmacSha256(seal).doFinal(label));
  }
}

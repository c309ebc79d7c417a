package dev.fim.store.seal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link HmacSha256} against RFC 4231 and, over random keys and messages, javax.crypto.Mac: with
 * the JDK's SHA-256 and with the system's libcrypto ({@link Libcrypto}), each case run on both.
 */
class HmacSha256Test {
  private static final HexFormat HEX = HexFormat.of();

  /** Where the SHA-256 comes from. */
  enum Engine {
    JDK,
    LIBCRYPTO;

    HmacSha256 keyed(byte[] key) {
      if (this == JDK) {
        return new HmacSha256(key, null);
      }
      Libcrypto lib = Libcrypto.open(LIBCRYPTO_3.getFileName().toString());
      assumeTrue(lib != null || !Files.exists(LIBCRYPTO_3), "no libcrypto on this system");
      assertNotNull(lib, LIBCRYPTO_3 + " is installed but Libcrypto did not load it");
      HmacSha256 mac = new HmacSha256(key, lib);
      assertTrue(mac.usesLibcrypto());
      return mac;
    }
  }

  /** The system's libcrypto.so.3 wherever the distribution keeps it (any architecture). */
  private static final Path LIBCRYPTO_3 = installedLibcrypto3();

  private static Path installedLibcrypto3() {
    for (String dir : new String[] {"/usr/lib", "/lib", "/usr/lib64", "/lib64"}) {
      Path top = Path.of(dir);
      if (Files.exists(top.resolve("libcrypto.so.3"))) {
        return top.resolve("libcrypto.so.3");
      }
      try (java.util.stream.Stream<Path> arches = Files.list(top)) {
        java.util.Optional<Path> found =
            arches.map(a -> a.resolve("libcrypto.so.3")).filter(Files::exists).findFirst();
        if (found.isPresent()) {
          return found.get();
        }
      } catch (java.io.IOException e) {
        // not a directory here: the next
      }
    }
    return Path.of("/usr/lib/libcrypto.so.3"); // absent: the libcrypto cases are skipped
  }

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
  @ParameterizedTest
  @EnumSource(Engine.class)
  void matchesRfc4231(Engine engine) {
    assertRfc(
        engine,
        repeat(0x0b, 20),
        ascii("Hi There"),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    assertRfc(
        engine,
        ascii("Jefe"),
        ascii("what do ya want for nothing?"),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    assertRfc(
        engine,
        repeat(0xaa, 20),
        repeat(0xdd, 50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    assertRfc(
        engine,
        hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
        repeat(0xcd, 50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    byte[] five = engine.keyed(repeat(0x0c, 20)).doFinal(ascii("Test With Truncation"));
    assertEquals("a3b6167473100ee06e0c796c2955552b", HEX.formatHex(five, 0, 16));
    assertRfc(
        engine,
        repeat(0xaa, 131),
        ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    assertRfc(
        engine,
        repeat(0xaa, 131),
        ascii(
            "This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm."),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
  }

  private static void assertRfc(Engine engine, byte[] key, byte[] data, String expected) {
    assertEquals(expected, HEX.formatHex(engine.keyed(key).doFinal(data)));
  }

  /**
   * Thousands of random keys (0..200 bytes; 64 and 65, the block size and one past it, often) and
   * messages (0..5000 bytes) fed in random pieces through every update form, heap and direct
   * buffers, each MAC object reused across messages as the chain reuses its per-thread MAC.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void isBitIdenticalToJavaxCryptoMac(Engine engine) throws Exception {
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
      HmacSha256 mine = engine.keyed(key);
      assertArrayEquals(keyCopy, key, "the caller's key is left as it was");
      for (int m = 0; m < 6; m++) {
        // up to 10,000 bytes: more than libcrypto's 4 KiB staging area, in pieces across it
        int len = m == 0 ? 0 : rnd.nextInt(0, m == 5 ? 10_001 : 5001);
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

  /**
   * The edges fixed, not left to chance: keys around the block (63, 64, 65) and past the staging
   * area (4,097), messages around SHA-256's padding (55, 56), the block (63-65, 119, 120) and
   * libcrypto's 4 KiB staging area (4,095-4,097, 8,193), fed whole and byte by byte.
   */
  @ParameterizedTest
  @EnumSource(Engine.class)
  void blockAndStagingEdgesAreJavaxCryptoMacs(Engine engine) throws Exception {
    Mac ref = Mac.getInstance("HmacSHA256");
    for (int keyLen : new int[] {0, 1, 32, 63, 64, 65, 4097}) {
      byte[] key = new byte[keyLen];
      for (int i = 0; i < keyLen; i++) {
        key[i] = (byte) (i * 7 + 1);
      }
      ref.init(keyLen == 0 ? new EmptyKey() : new SecretKeySpec(key, "HmacSHA256"));
      HmacSha256 mine = engine.keyed(key);
      for (int len : new int[] {0, 1, 55, 56, 63, 64, 65, 119, 120, 4095, 4096, 4097, 8193}) {
        byte[] msg = new byte[len];
        for (int i = 0; i < len; i++) {
          msg[i] = (byte) (i * 13 + keyLen);
        }
        byte[] expected = ref.doFinal(msg);
        String what = "key " + keyLen + ", message " + len;
        assertArrayEquals(expected, mine.doFinal(msg), what + ", whole");
        for (byte b : msg) {
          mine.update(b);
        }
        assertArrayEquals(expected, mine.doFinal(), what + ", byte by byte");
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

  @ParameterizedTest
  @EnumSource(Engine.class)
  void showsNoKeyAndRejectsBadRangesWithoutIt(Engine engine) {
    byte[] key = ascii("secret-key-bytes-0123456789");
    HmacSha256 mac = engine.keyed(key);
    assertEquals("HmacSha256", mac.toString());
    IndexOutOfBoundsException e =
        assertThrows(IndexOutOfBoundsException.class, () -> mac.update(new byte[4], 2, 3));
    assertFalse(String.valueOf(e.getMessage()).contains("secret"));
    assertThrows(IndexOutOfBoundsException.class, () -> mac.doFinal(new byte[40], 9));
    assertThrows(NullPointerException.class, () -> new HmacSha256(null));
    // the failed calls left the MAC usable and unchanged
    assertArrayEquals(engine.keyed(key).doFinal(ascii("x")), mac.doFinal(ascii("x")));
  }

  @Test
  void theJdkByDefaultAndLibcryptoWhenAskedFor() {
    String before = System.getProperty("fim.sha256");
    try {
      System.clearProperty("fim.sha256");
      assertFalse(new HmacSha256(new byte[32]).usesLibcrypto(), "the default engine");
      // The bench VM and CI have OpenSSL 3 (libssl3): without it the LIBCRYPTO cases are skipped
      assumeTrue(Files.exists(LIBCRYPTO_3));
      System.setProperty("fim.sha256", "libcrypto");
      assertTrue(new HmacSha256(new byte[32]).usesLibcrypto(), "-Dfim.sha256=libcrypto");
    } finally {
      if (before == null) {
        System.clearProperty("fim.sha256");
      } else {
        System.setProperty("fim.sha256", before);
      }
    }
  }

  @Test
  void aMissingLibraryOrFunctionMeansTheJdk() {
    assertNull(Libcrypto.open("libfim-no-such-crypto.so.3"), "no such library");
    assertNull(Libcrypto.open("libc.so.6"), "a library without SHA256_Init");
  }

  /** Keys derived the way EvidenceKey derives the chain key match Mac's (the chain's key). */
  @Test
  void evidenceKeyDerivationMatchesMac() throws Exception {
    byte[] seal = new byte[32];
    new SplittableRandom(7).nextBytes(seal);
    Mac ref = Mac.getInstance("HmacSHA256");
    ref.init(new SecretKeySpec(seal, "HmacSHA256"));
    byte[] label = ascii("fim-evidence-chain-v1");
    byte[] expected = ref.doFinal(label);
    for (Engine engine : Engine.values()) {
      assertArrayEquals(expected, engine.keyed(seal).doFinal(label), engine.name());
    }
  }
}

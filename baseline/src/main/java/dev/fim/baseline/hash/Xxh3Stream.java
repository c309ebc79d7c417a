package dev.fim.baseline.hash;

import com.kenai.jffi.MemoryIO;

/**
 * XXH3-128 of a long input (more than 240 bytes) fed in chunks of native memory: the {@code
 * XXH3_hashLong_128b} path of xxHash 0.8 (xxhash.h, scalar variant) with the default secret,
 * restated so that a file is hashed from a reusable read buffer instead of one mapping of the whole
 * file. zero-allocation-hashing computes the same function but only over one contiguous range; a
 * whole-file {@code mmap} turns a file truncated during the hash into SIGBUS at every 8-byte read
 * of the compiled hash loop (HotSpot skips the faulting instruction and the loop crawls on, fault
 * after fault: measured here as a scan stuck for minutes on a 400 MB file truncated to 1 MB).
 * {@code XxhStreamTest} checks this class against both the library and {@code xxh128sum}.
 *
 * <p>Layout of the input: 1024-byte blocks of 16 stripes of 64 bytes; every block but the one
 * holding the last byte is accumulated then scrambled; then the stripes of that last block except
 * the last, then the last 64 bytes of the input with the secret at offset 121; the two halves are
 * merged with the secret at offsets 11 and 117. Not thread-safe; reusable.
 */
final class Xxh3Stream {
  static final int BLOCK = 1024;

  /** Inputs up to this length take XXH3's short-input paths, which this class does not restate. */
  static final int MIN_LENGTH = 240;

  private static final int STRIPE = 64;
  private static final int STRIPES_PER_BLOCK = 16; // (secret size 192 - 64) / 8
  private static final long PRIME32_1 = 0x9E3779B1L;
  private static final long PRIME32_2 = 0x85EBCA77L;
  private static final long PRIME32_3 = 0xC2B2AE3DL;
  private static final long PRIME64_1 = 0x9E3779B185EBCA87L;
  private static final long PRIME64_2 = 0xC2B2AE3D27D4EB4FL;
  private static final long PRIME64_3 = 0x165667B19E3779F9L;
  private static final long PRIME64_4 = 0x85EBCA77C2B2AE63L;
  private static final long PRIME64_5 = 0x27D4EB2F165667C5L;
  private static final MemoryIO IO = MemoryIO.getInstance();

  /** XXH3_kSecret, xxhash.h (192 bytes). */
  private static final byte[] SECRET = {
    (byte) 0xb8, (byte) 0xfe, (byte) 0x6c, (byte) 0x39, (byte) 0x23, (byte) 0xa4, (byte) 0x4b,
        (byte) 0xbe,
    (byte) 0x7c, (byte) 0x01, (byte) 0x81, (byte) 0x2c, (byte) 0xf7, (byte) 0x21, (byte) 0xad,
        (byte) 0x1c,
    (byte) 0xde, (byte) 0xd4, (byte) 0x6d, (byte) 0xe9, (byte) 0x83, (byte) 0x90, (byte) 0x97,
        (byte) 0xdb,
    (byte) 0x72, (byte) 0x40, (byte) 0xa4, (byte) 0xa4, (byte) 0xb7, (byte) 0xb3, (byte) 0x67,
        (byte) 0x1f,
    (byte) 0xcb, (byte) 0x79, (byte) 0xe6, (byte) 0x4e, (byte) 0xcc, (byte) 0xc0, (byte) 0xe5,
        (byte) 0x78,
    (byte) 0x82, (byte) 0x5a, (byte) 0xd0, (byte) 0x7d, (byte) 0xcc, (byte) 0xff, (byte) 0x72,
        (byte) 0x21,
    (byte) 0xb8, (byte) 0x08, (byte) 0x46, (byte) 0x74, (byte) 0xf7, (byte) 0x43, (byte) 0x24,
        (byte) 0x8e,
    (byte) 0xe0, (byte) 0x35, (byte) 0x90, (byte) 0xe6, (byte) 0x81, (byte) 0x3a, (byte) 0x26,
        (byte) 0x4c,
    (byte) 0x3c, (byte) 0x28, (byte) 0x52, (byte) 0xbb, (byte) 0x91, (byte) 0xc3, (byte) 0x00,
        (byte) 0xcb,
    (byte) 0x88, (byte) 0xd0, (byte) 0x65, (byte) 0x8b, (byte) 0x1b, (byte) 0x53, (byte) 0x2e,
        (byte) 0xa3,
    (byte) 0x71, (byte) 0x64, (byte) 0x48, (byte) 0x97, (byte) 0xa2, (byte) 0x0d, (byte) 0xf9,
        (byte) 0x4e,
    (byte) 0x38, (byte) 0x19, (byte) 0xef, (byte) 0x46, (byte) 0xa9, (byte) 0xde, (byte) 0xac,
        (byte) 0xd8,
    (byte) 0xa8, (byte) 0xfa, (byte) 0x76, (byte) 0x3f, (byte) 0xe3, (byte) 0x9c, (byte) 0x34,
        (byte) 0x3f,
    (byte) 0xf9, (byte) 0xdc, (byte) 0xbb, (byte) 0xc7, (byte) 0xc7, (byte) 0x0b, (byte) 0x4f,
        (byte) 0x1d,
    (byte) 0x8a, (byte) 0x51, (byte) 0xe0, (byte) 0x4b, (byte) 0xcd, (byte) 0xb4, (byte) 0x59,
        (byte) 0x31,
    (byte) 0xc8, (byte) 0x9f, (byte) 0x7e, (byte) 0xc9, (byte) 0xd9, (byte) 0x78, (byte) 0x73,
        (byte) 0x64,
    (byte) 0xea, (byte) 0xc5, (byte) 0xac, (byte) 0x83, (byte) 0x34, (byte) 0xd3, (byte) 0xeb,
        (byte) 0xc3,
    (byte) 0xc5, (byte) 0x81, (byte) 0xa0, (byte) 0xff, (byte) 0xfa, (byte) 0x13, (byte) 0x63,
        (byte) 0xeb,
    (byte) 0x17, (byte) 0x0d, (byte) 0xdd, (byte) 0x51, (byte) 0xb7, (byte) 0xf0, (byte) 0xda,
        (byte) 0x49,
    (byte) 0xd3, (byte) 0x16, (byte) 0x55, (byte) 0x26, (byte) 0x29, (byte) 0xd4, (byte) 0x68,
        (byte) 0x9e,
    (byte) 0x2b, (byte) 0x16, (byte) 0xbe, (byte) 0x58, (byte) 0x7d, (byte) 0x47, (byte) 0xa1,
        (byte) 0xfc,
    (byte) 0x8f, (byte) 0xf8, (byte) 0xb8, (byte) 0xd1, (byte) 0x7a, (byte) 0xd0, (byte) 0x31,
        (byte) 0xce,
    (byte) 0x45, (byte) 0xcb, (byte) 0x3a, (byte) 0x8f, (byte) 0x95, (byte) 0x16, (byte) 0x04,
        (byte) 0x28,
    (byte) 0xaf, (byte) 0xd7, (byte) 0xfb, (byte) 0xca, (byte) 0xbb, (byte) 0x4b, (byte) 0x40,
        (byte) 0x7e,
  };

  /** The secret as little-endian 64-bit words at every byte offset the algorithm reads. */
  private static final long[] KEY = new long[SECRET.length - 7];

  static {
    for (int i = 0; i < KEY.length; i++) {
      long v = 0;
      for (int b = 7; b >= 0; b--) {
        v = (v << 8) | (SECRET[i + b] & 0xff);
      }
      KEY[i] = v;
    }
  }

  private final long[] acc = new long[8];
  private long consumed;

  Xxh3Stream() {
    reset();
  }

  void reset() {
    acc[0] = PRIME32_3;
    acc[1] = PRIME64_1;
    acc[2] = PRIME64_2;
    acc[3] = PRIME64_3;
    acc[4] = PRIME64_4;
    acc[5] = PRIME32_2;
    acc[6] = PRIME64_5;
    acc[7] = PRIME32_1;
    consumed = 0;
  }

  /**
   * Consumes {@code len} bytes at {@code addr}, a multiple of 1024, none of which is the last byte
   * of the input (more input follows).
   */
  void update(long addr, long len) {
    for (long off = 0; off < len; off += BLOCK) {
      block(addr + off);
    }
    consumed += len;
  }

  /**
   * Consumes the final {@code len} bytes at {@code addr} (1 or more) and returns {low64, high64}.
   * The 64 bytes before {@code addr} must hold the end of the previous chunk when {@code len < 64}:
   * the last stripe is read from {@code addr + len - 64}.
   */
  long[] finish(long addr, long len) {
    long total = consumed + len;
    long blocks = (total - 1) / BLOCK;
    long p = addr;
    for (long b = consumed / BLOCK; b < blocks; b++) {
      block(p);
      p += BLOCK;
    }
    int stripes = (int) (((total - 1) - BLOCK * blocks) / STRIPE);
    accumulate(p, stripes, 0);
    accumulate(addr + len - STRIPE, 1, SECRET.length - STRIPE - 7);
    long low = merge(11, total * PRIME64_1);
    long high = merge(SECRET.length - 64 - 11, ~(total * PRIME64_2));
    return new long[] {low, high};
  }

  private void block(long p) {
    accumulate(p, STRIPES_PER_BLOCK, 0);
    // scramble with the secret's last 64 bytes
    long[] a = acc;
    for (int i = 0; i < 8; i++) {
      long v = a[i];
      v ^= v >>> 47;
      v ^= KEY[SECRET.length - STRIPE + 8 * i];
      a[i] = v * PRIME32_1;
    }
  }

  /**
   * Accumulates {@code stripes} consecutive stripes from {@code p}, the n-th with the secret at
   * {@code secretOffset + 8 n}. Written out lane by lane with the accumulators in locals: C1
   * neither unrolls nor keeps an array in registers; this form hashes ~2× faster than a loop over
   * {@code acc[]} under C1 and C2 alike (6.5 and 13 GB/s on a 32 KiB input).
   */
  private void accumulate(long p, int stripes, int secretOffset) {
    long[] a = acc;
    long[] key = KEY;
    long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4], a5 = a[5], a6 = a[6], a7 = a[7];
    for (int k = secretOffset, end = secretOffset + 8 * stripes; k < end; k += 8, p += STRIPE) {
      long d0 = IO.getLong(p),
          d1 = IO.getLong(p + 8),
          d2 = IO.getLong(p + 16),
          d3 = IO.getLong(p + 24);
      long d4 = IO.getLong(p + 32),
          d5 = IO.getLong(p + 40),
          d6 = IO.getLong(p + 48),
          d7 = IO.getLong(p + 56);
      long k0 = d0 ^ key[k], k1 = d1 ^ key[k + 8], k2 = d2 ^ key[k + 16], k3 = d3 ^ key[k + 24];
      long k4 = d4 ^ key[k + 32],
          k5 = d5 ^ key[k + 40],
          k6 = d6 ^ key[k + 48],
          k7 = d7 ^ key[k + 56];
      // lane i gets its own key product and the data of lane i ^ 1
      a0 += d1 + (k0 & 0xFFFFFFFFL) * (k0 >>> 32);
      a1 += d0 + (k1 & 0xFFFFFFFFL) * (k1 >>> 32);
      a2 += d3 + (k2 & 0xFFFFFFFFL) * (k2 >>> 32);
      a3 += d2 + (k3 & 0xFFFFFFFFL) * (k3 >>> 32);
      a4 += d5 + (k4 & 0xFFFFFFFFL) * (k4 >>> 32);
      a5 += d4 + (k5 & 0xFFFFFFFFL) * (k5 >>> 32);
      a6 += d7 + (k6 & 0xFFFFFFFFL) * (k6 >>> 32);
      a7 += d6 + (k7 & 0xFFFFFFFFL) * (k7 >>> 32);
    }
    a[0] = a0;
    a[1] = a1;
    a[2] = a2;
    a[3] = a3;
    a[4] = a4;
    a[5] = a5;
    a[6] = a6;
    a[7] = a7;
  }

  private long merge(int secretOffset, long start) {
    long r = start;
    for (int i = 0; i < 4; i++) {
      r +=
          mulFold(
              acc[2 * i] ^ KEY[secretOffset + 16 * i],
              acc[2 * i + 1] ^ KEY[secretOffset + 16 * i + 8]);
    }
    r ^= r >>> 37;
    r *= 0x165667919E3779F9L;
    return r ^ (r >>> 32);
  }

  /** The 128-bit product of two unsigned 64-bit values, folded: low ^ high. */
  private static long mulFold(long a, long b) {
    long low = a * b;
    long high = Math.multiplyHigh(a, b) + ((a >> 63) & b) + ((b >> 63) & a);
    return low ^ high;
  }
}

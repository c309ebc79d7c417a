package dev.fim.store.seal;

import dev.fim.store.Column;
import dev.fim.store.RawCursor;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Computes, stores and verifies the seal of the {@code baseline} column family. The HMAC input is
 * "fim-seal-v1", the store format version, the config digest, then each record as (u32 key length,
 * key, u32 value length, value) in key order: streamed, so sealing 100k records costs one pass over
 * the column family and no memory. Thread-safe (stateless).
 */
public final class Sealer {
  /** The meta entry holding the baseline's seal. */
  public static final String META_SEAL = "seal";

  /** The meta entry holding the config digest the seal covers. */
  public static final String META_CONFIG_DIGEST = "config_digest";

  private static final byte[] DOMAIN = "fim-seal-v1".getBytes(StandardCharsets.US_ASCII);

  /** Records are fed to the HMAC in chunks of up to this many bytes. */
  static final int BUFFER = 1 << 16;

  private final SealKey key;

  public Sealer(SealKey key) {
    this.key = key;
  }

  /** Seals the current baseline with {@code configDigest} and stores both in meta. */
  public void seal(Store store, byte[] configDigest) throws StoreException {
    store(store, configDigest, compute(store, configDigest));
  }

  /**
   * The seal of the baseline as it is now, not stored: {@link #store} stores it. Split from {@link
   * #seal} so that the computation can overlap a flush of the same records.
   */
  public byte[] compute(Store store, byte[] configDigest) throws StoreException {
    return compute(store, Column.BASELINE, configDigest);
  }

  /**
   * The seal that the records of {@code column} would have as the baseline: a new baseline is built
   * and sealed beside the old one (in {@code scan}) before it replaces it.
   */
  public byte[] compute(Store store, Column column, byte[] configDigest) throws StoreException {
    HmacSha256 mac = new HmacSha256(key.bytes());
    mac.update(DOMAIN);
    mac.update(ByteBuffer.allocate(4).putInt(Store.FORMAT_VERSION).array());
    mac.update(ByteBuffer.allocate(4).putInt(configDigest.length).array());
    mac.update(configDigest);
    // The records go through one buffer: one update per 64 KiB instead of four per record (the
    // same bytes, so the same seal). Under C1, which runs the rest of a scan's code, those small
    // updates each went through the HMAC and DigestBase to a 64-byte block at a time. The cursor
    // copies each key and value straight to its place in the buffer (no arrays of their own).
    byte[] buf = new byte[BUFFER];
    int pos = 0; // bytes of buf not fed to the HMAC yet
    try (RawCursor c = store.rawCursor(column)) {
      while (c.next()) {
        if (BUFFER - pos < 8) {
          mac.update(buf, 0, pos);
          pos = 0;
        }
        int k = c.key(buf, pos + 4, BUFFER - pos - 8); // after its length, before the value's
        if (k > BUFFER - pos - 8) { // only its start was copied: feed what is before it, again
          if (pos > 0) {
            mac.update(buf, 0, pos);
            pos = 0;
            k = c.key(buf, 4, BUFFER - 8);
          }
          if (k > BUFFER - 8) {
            fieldByField(mac, c.key(), c.value());
            continue;
          }
        }
        int valueAt = pos + 8 + k;
        int v = c.value(buf, valueAt, BUFFER - valueAt);
        if (v > BUFFER - valueAt) { // as for the key; this record's key moves to the start
          if (pos > 0) {
            mac.update(buf, 0, pos);
            System.arraycopy(buf, pos + 4, buf, 4, k);
            pos = 0;
            valueAt = 8 + k;
            v = c.value(buf, valueAt, BUFFER - valueAt);
          }
          if (v > BUFFER - valueAt) { // a record larger than the buffer: field by field
            fieldByField(mac, c.key(), c.value());
            continue;
          }
        }
        putInt(buf, pos, k);
        putInt(buf, pos + 4 + k, v);
        pos = valueAt + v;
      }
    }
    mac.update(buf, 0, pos);
    return mac.doFinal();
  }

  /** One record's fields fed one by one: (u32 key length, key, u32 value length, value). */
  private static void fieldByField(HmacSha256 mac, byte[] k, byte[] v) {
    mac.update(ByteBuffer.allocate(4).putInt(k.length).array());
    mac.update(k);
    mac.update(ByteBuffer.allocate(4).putInt(v.length).array());
    mac.update(v);
  }

  /** {@code value} as 4 big-endian bytes at {@code at}, as {@link ByteBuffer#putInt} writes it. */
  private static void putInt(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 24);
    b[at + 1] = (byte) (value >>> 16);
    b[at + 2] = (byte) (value >>> 8);
    b[at + 3] = (byte) value;
  }

  /**
   * Stores {@code seal}, computed by {@link #compute} with {@code configDigest}, as the baseline's
   * seal.
   */
  public void store(Store store, byte[] configDigest, byte[] seal) throws StoreException {
    store.putMeta(META_CONFIG_DIGEST, configDigest);
    store.putMeta(META_SEAL, seal);
  }

  /**
   * Verifies the stored seal against the baseline as it is now.
   *
   * @throws SealException when there is no seal, or it does not match (records altered, added or
   *     removed outside fim, or another key)
   */
  public void verify(Store store) throws StoreException, SealException {
    byte[] stored = store.getMeta(META_SEAL);
    byte[] configDigest = store.getMeta(META_CONFIG_DIGEST);
    if (stored == null || configDigest == null) {
      throw new SealException(
          "database "
              + store.dir()
              + " has no seal: the baseline was never"
              + " completed by fim init/update, or its seal was removed; it cannot be trusted");
    }
    byte[] now = compute(store, configDigest);
    if (!MessageDigest.isEqual(stored, now)) {
      throw new SealException(
          "baseline seal mismatch in "
              + store.dir()
              + ": its records were"
              + " changed, added or removed outside fim, or "
              + key.file()
              + " is not the key that"
              + " sealed it; do not trust this baseline (re-create it with fim init after checking the host)");
    }
  }

  /** The config digest the baseline was sealed with, or null. */
  public static byte[] sealedConfigDigest(Store store) throws StoreException {
    return store.getMeta(META_CONFIG_DIGEST);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}

package dev.fim.store.seal;

import dev.fim.store.Column;
import dev.fim.store.RecordCursor;
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
    // updates each went through the HMAC and DigestBase to a 64-byte block at a time.
    ByteBuffer buf = ByteBuffer.allocate(BUFFER);
    try (RecordCursor c = store.cursor(column)) {
      while (c.next()) {
        byte[] k = c.path().toBytes();
        byte[] v = c.rawValue();
        int need = 8 + k.length + v.length;
        if (need > buf.remaining()) {
          mac.update(buf.array(), 0, buf.position());
          buf.clear();
        }
        if (need > buf.capacity()) { // a record larger than the buffer: field by field
          mac.update(ByteBuffer.allocate(4).putInt(k.length).array());
          mac.update(k);
          mac.update(ByteBuffer.allocate(4).putInt(v.length).array());
          mac.update(v);
          continue;
        }
        buf.putInt(k.length).put(k).putInt(v.length).put(v);
      }
    }
    mac.update(buf.array(), 0, buf.position());
    return mac.doFinal();
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

package dev.fim.store.seal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.Column;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import dev.fim.store.RecordWriter;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SealerTest {
  @TempDir Path tmp;
  Store store;
  SealKey key;
  final byte[] config = {1, 2, 3};

  static FileRecord rec(long ino, int mode) {
    return new FileRecord(
        FileType.FILE,
        mode,
        0,
        0,
        10,
        8,
        1,
        1,
        1,
        ino,
        1,
        null,
        null,
        List.of(new Digest(HashAlgorithm.XXH3_128, new byte[16])),
        0,
        null);
  }

  @BeforeEach
  void baseline() throws Exception {
    key = SealKey.loadOrCreate(tmp.resolve("keys/seal.key"));
    store = Store.open(tmp.resolve("db"), Store.OpenMode.CREATE);
    try (RecordWriter w = store.newWriter(Column.BASELINE)) {
      w.put(PathBytes.ofUtf8("/etc/a"), rec(1, 0644));
      w.put(PathBytes.ofUtf8("/etc/b"), rec(2, 0644));
    }
    new Sealer(key).seal(store, config);
  }

  @org.junit.jupiter.api.AfterEach
  void close() {
    store.close();
  }

  @Test
  void keyFileIsPrivate() throws Exception {
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key.file())));
    assertEquals(32, Files.size(key.file()));
    assertEquals(
        Sealer.hex(key.bytes()),
        Sealer.hex(SealKey.loadOrCreate(key.file()).bytes()),
        "an existing key is kept");
  }

  /**
   * The seal is the HMAC of the records field by field, whatever their sizes: records that cross
   * the seal's 64 KiB feed buffer, that fill it exactly and ones larger than it (by their value or
   * their key) give the seal the first Sealer computed (kept here as the oracle), so every sealed
   * database still verifies.
   */
  @Test
  void theSealIsTheHmacOfEveryRecordFieldByField() throws Exception {
    java.util.Random random = new java.util.Random(18);
    try (RecordWriter w = store.newWriter(Column.BASELINE)) {
      for (int i = 0; i < 3000; i++) {
        byte[] name = new byte[1 + random.nextInt(300)];
        random.nextBytes(name);
        for (int b = 0; b < name.length; b++) {
          name[b] = name[b] == 0 ? (byte) 'x' : name[b]; // no NUL in a path
        }
        name[0] = '/';
        List<dev.fim.store.Xattr> x = null;
        if (i % 97 == 0) { // values of up to ~70 KB: some records larger than the whole buffer
          byte[] value = new byte[random.nextInt(70_000)];
          random.nextBytes(value);
          x = List.of(new dev.fim.store.Xattr("user.big", value));
        }
        FileRecord r = rec(i, 0644);
        w.put(
            PathBytes.of(name),
            new FileRecord(
                r.type(),
                r.mode(),
                r.uid(),
                r.gid(),
                r.size(),
                r.blocks(),
                r.mtimeNs(),
                r.ctimeNs(),
                r.dev(),
                r.ino(),
                r.nlink(),
                null,
                x,
                r.digests(),
                r.selected(),
                null));
      }
      // keys that do not fit the buffer either (no path is this long; the seal takes any bytes)
      for (int size : new int[] {65_528, 65_529, 70_000}) {
        byte[] big = new byte[size];
        java.util.Arrays.fill(big, (byte) ('a' + size % 7));
        big[0] = '/';
        w.putRaw(big, new byte[] {1, 2, 3});
      }
    }
    assertEquals(
        Sealer.hex(fieldByField(key, store, config)),
        Sealer.hex(new Sealer(key).compute(store, config)));
  }

  /** The first Sealer's computation: four updates per record. */
  private static byte[] fieldByField(SealKey key, Store store, byte[] config) throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(key.bytes(), "HmacSHA256"));
    mac.update("fim-seal-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    mac.update(java.nio.ByteBuffer.allocate(4).putInt(Store.FORMAT_VERSION).array());
    mac.update(java.nio.ByteBuffer.allocate(4).putInt(config.length).array());
    mac.update(config);
    try (dev.fim.store.RecordCursor c = store.cursor(Column.BASELINE)) {
      while (c.next()) {
        byte[] k = c.path().toBytes();
        byte[] v = c.rawValue();
        mac.update(java.nio.ByteBuffer.allocate(4).putInt(k.length).array());
        mac.update(k);
        mac.update(java.nio.ByteBuffer.allocate(4).putInt(v.length).array());
        mac.update(v);
      }
    }
    return mac.doFinal();
  }

  @Test
  void untouchedBaselineVerifies() {
    assertDoesNotThrow(() -> new Sealer(key).verify(store));
  }

  @Test
  void alteredRecordBreaksTheSeal() throws Exception {
    try (RecordWriter w = store.newWriter(Column.BASELINE)) {
      w.put(PathBytes.ofUtf8("/etc/a"), rec(1, 0600));
    }
    SealException e = assertThrows(SealException.class, () -> new Sealer(key).verify(store));
    assertTrue(e.getMessage().contains("seal mismatch"), e.getMessage());
  }

  @Test
  void removedRecordBreaksTheSeal() throws Exception {
    try (RecordWriter w = store.newWriter(Column.BASELINE)) {
      w.delete(PathBytes.ofUtf8("/etc/b"));
    }
    assertThrows(SealException.class, () -> new Sealer(key).verify(store));
  }

  @Test
  void addedRecordBreaksTheSeal() throws Exception {
    try (RecordWriter w = store.newWriter(Column.BASELINE)) {
      w.put(PathBytes.ofUtf8("/etc/c"), rec(3, 0644));
    }
    assertThrows(SealException.class, () -> new Sealer(key).verify(store));
  }

  @Test
  void anotherKeyDoesNotVerify() throws Exception {
    SealKey other = SealKey.loadOrCreate(tmp.resolve("other.key"));
    assertThrows(SealException.class, () -> new Sealer(other).verify(store));
  }

  @Test
  void changedConfigDigestBreaksTheSeal() throws Exception {
    store.putMeta(Sealer.META_CONFIG_DIGEST, new byte[] {9});
    assertThrows(SealException.class, () -> new Sealer(key).verify(store));
  }

  @Test
  void missingSealIsNotTrusted() throws Exception {
    store.putMeta(Sealer.META_SEAL, new byte[0]);
    assertThrows(SealException.class, () -> new Sealer(key).verify(store));
  }

  @Test
  void shortKeyFileIsRejectedWithItsName() throws Exception {
    Path bad = tmp.resolve("short.key");
    Files.write(bad, new byte[5]);
    java.io.IOException e = assertThrows(java.io.IOException.class, () -> SealKey.load(bad));
    assertTrue(
        e.getMessage().contains(bad.toString()) && e.getMessage().contains("5 bytes"),
        e.getMessage());
  }
}

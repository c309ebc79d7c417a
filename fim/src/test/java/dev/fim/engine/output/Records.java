package dev.fim.engine.output;

import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Xattr;
import java.util.List;

/** Test records for the rendering tests (as the store tests' own helper of the same name). */
final class Records {
  private Records() {}

  static FileRecord file(long ino, int mode, byte[] xxh) {
    return new FileRecord(
        FileType.FILE,
        mode,
        0,
        0,
        220,
        8,
        1_700_000_000_123_456_789L,
        1_700_000_001_000_000_000L,
        2049,
        ino,
        1,
        null,
        List.of(
            new Xattr("security.capability", new byte[] {1, 0, 0, 2}),
            new Xattr("user.note", "hi".getBytes())),
        List.of(new Digest(HashAlgorithm.XXH3_128, xxh)),
        0x1ffffL,
        null);
  }

  static byte[] xxh(int fill) {
    byte[] b = new byte[16];
    java.util.Arrays.fill(b, (byte) fill);
    return b;
  }
}

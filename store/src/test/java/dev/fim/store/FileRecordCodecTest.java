package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Records are stored in every baseline ever written: the encoder may get faster, never different.
 * The oracle below is format version 1's encoder as it was first written (DataOutputStream).
 */
class FileRecordCodecTest {
  @Test
  void everyKindOfRecordEncodesToTheBytesOfFormatVersionOne() throws IOException {
    Random random = new Random(18);
    for (int i = 0; i < 3000; i++) {
      FileRecord r = randomRecord(random);
      byte[] encoded = FileRecordCodec.encode(r);
      assertArrayEquals(versionOneBytes(r), encoded, "record " + i + ": " + r);
      assertEquals(r, FileRecordCodec.decode(encoded));
    }
  }

  @Test
  void aPlainHashedFileHasTheDocumentedLayout() throws IOException {
    byte[] hash = new byte[16];
    for (int i = 0; i < 16; i++) {
      hash[i] = (byte) (0xf0 + i);
    }
    FileRecord r =
        new FileRecord(
            FileType.FILE,
            0644,
            0,
            0,
            8192,
            16,
            1L << 60,
            -1,
            2049,
            123456789,
            1,
            null,
            null,
            List.of(new Digest(HashAlgorithm.XXH3_128, hash)),
            0x3ff,
            null);
    byte[] b = FileRecordCodec.encode(r);
    // 3 header bytes, 3 ints, 8 longs, 1 digest count, id + 16 bytes
    assertEquals(3 + 12 + 64 + 1 + 17, b.length);
    assertEquals(1, b[0]); // version
    assertEquals(FileType.FILE.ordinal(), b[1]);
    assertEquals(0, b[2]); // no link, xattrs or problem
    assertEquals(0x01, b[5]);
    assertEquals((byte) 0xa4, b[6]); // mode 0644, big-endian
    assertEquals(1, b[79]); // one digest
    assertEquals(HashAlgorithm.XXH3_128.id(), b[80]);
    assertEquals((byte) 0xff, b[b.length - 1]);
    assertArrayEquals(versionOneBytes(r), b);
  }

  private static FileRecord randomRecord(Random random) {
    FileType type = FileType.values()[random.nextInt(FileType.values().length)];
    byte[] link = random.nextInt(3) == 0 ? bytes(random, random.nextInt(300)) : null;
    List<Xattr> xattrs = null;
    if (random.nextBoolean()) {
      xattrs = new ArrayList<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        String name = random.nextBoolean() ? "user.é" + random.nextInt(1000) : "security.selinux";
        xattrs.add(new Xattr(name, bytes(random, random.nextInt(70))));
      }
    }
    List<Digest> digests = new ArrayList<>();
    for (HashAlgorithm a : HashAlgorithm.values()) {
      if (random.nextBoolean()) {
        digests.add(new Digest(a, bytes(random, a.length())));
      }
    }
    String problem =
        random.nextInt(4) == 0 ? "open /tmp/é" + random.nextInt() + ": EACCES; hash skipped" : null;
    return new FileRecord(
        type,
        random.nextInt(07777 + 1),
        random.nextInt(),
        random.nextInt(),
        random.nextLong(),
        random.nextLong(),
        random.nextLong(),
        random.nextLong(),
        random.nextLong(),
        random.nextLong(),
        random.nextLong(),
        link,
        xattrs,
        digests,
        random.nextLong(),
        problem);
  }

  private static byte[] bytes(Random random, int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  /** Format version 1's first encoder, kept as the oracle. */
  private static byte[] versionOneBytes(FileRecord r) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      int flags =
          (r.linkTarget() != null ? 1 : 0)
              | (r.xattrs() != null ? 2 : 0)
              | (r.problem() != null ? 4 : 0);
      out.writeByte(1);
      out.writeByte(r.type().ordinal());
      out.writeByte(flags);
      out.writeInt(r.mode());
      out.writeInt(r.uid());
      out.writeInt(r.gid());
      out.writeLong(r.size());
      out.writeLong(r.blocks());
      out.writeLong(r.mtimeNs());
      out.writeLong(r.ctimeNs());
      out.writeLong(r.dev());
      out.writeLong(r.ino());
      out.writeLong(r.nlink());
      out.writeLong(r.selected());
      if (r.linkTarget() != null) {
        out.writeInt(r.linkTarget().length);
        out.write(r.linkTarget());
      }
      if (r.xattrs() != null) {
        out.writeInt(r.xattrs().size());
        for (Xattr x : r.xattrs()) {
          byte[] name = x.name().getBytes(StandardCharsets.UTF_8);
          out.writeShort(name.length);
          out.write(name);
          out.writeInt(x.value().length);
          out.write(x.value());
        }
      }
      out.writeByte(r.digests().size());
      for (Digest d : r.digests()) {
        out.writeByte(d.algorithm().id());
        out.write(d.value());
      }
      if (r.problem() != null) {
        byte[] p = r.problem().getBytes(StandardCharsets.UTF_8);
        out.writeInt(p.length);
        out.write(p);
      }
    }
    return bytes.toByteArray();
  }
}

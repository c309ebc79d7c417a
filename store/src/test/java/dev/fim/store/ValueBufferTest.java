package dev.fim.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ValueBuffer} holds exactly the bytes a {@link ByteArrayOutputStream} would, while growing.
 */
class ValueBufferTest {
  @Test
  void holdsTheSameBytesAsAByteArrayOutputStreamAcrossGrowth() throws Exception {
    ValueBuffer mine = new ValueBuffer(1);
    ByteArrayOutputStream plain = new ByteArrayOutputStream(1);
    Random r = new Random(18);
    try (DataOutputStream a = new DataOutputStream(mine);
        DataOutputStream b = new DataOutputStream(plain)) {
      for (int i = 0; i < 1000; i++) {
        long v = r.nextLong();
        a.writeLong(v);
        b.writeLong(v);
        a.writeByte(i);
        b.writeByte(i);
        byte[] chunk = new byte[r.nextInt(1500)];
        r.nextBytes(chunk);
        int off = chunk.length == 0 ? 0 : r.nextInt(chunk.length);
        a.write(chunk, off, chunk.length - off);
        b.write(chunk, off, chunk.length - off);
      }
    }
    assertArrayEquals(plain.toByteArray(), mine.toByteArray());
    assertThrows(IndexOutOfBoundsException.class, () -> mine.write(new byte[4], 3, 2));
  }
}

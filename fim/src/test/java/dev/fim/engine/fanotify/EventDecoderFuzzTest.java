package dev.fim.engine.fanotify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target for the fanotify event decoder (issue 12): the code that turns the bytes of one
 * read(2) of the fanotify fd into events. The kernel writes them, but a decoder that trusts a
 * length field reads past the buffer or loops; so any bytes, with any length, must decode without
 * an exception, every event or malformed one accounted for, and nothing read beyond {@code len}
 * (the same buffer with other bytes after {@code len} decodes the same). Stray fds the decoder
 * finds are collected here, never closed: a fuzzer must not close this JVM's descriptors.
 */
class EventDecoderFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void decodesAnyBuffer(FuzzedDataProvider data) {
    int slack = data.consumeInt(0, 64);
    byte[] bytes = data.consumeRemainingAsBytes();
    Result zeros = decode(bytes, slack, (byte) 0);
    Result ones = decode(bytes, slack, (byte) 0xff);
    assertEquals(zeros, ones, "the decoder read past len");
    assertTrue(zeros.fds.stream().allMatch(fd -> fd >= 0), zeros.fds::toString);
  }

  record Result(
      List<FanotifyEvent> events, int overflows, int malformed, int delivered, List<Integer> fds) {}

  private static Result decode(byte[] bytes, int slack, byte fill) {
    ByteBuffer buf =
        ByteBuffer.allocateDirect(bytes.length + slack); // the reader's buffer is direct
    buf.put(bytes);
    while (buf.hasRemaining()) {
      buf.put(fill);
    }
    buf.clear();
    List<Integer> fds = new ArrayList<>();
    EventDecoder decoder = new EventDecoder(fds::add);
    List<FanotifyEvent> events = new ArrayList<>();
    int[] overflows = {0};
    int[] malformed = {0};
    int delivered =
        decoder.decode(
            buf,
            bytes.length,
            new FanotifyStream() {
              @Override
              public void event(FanotifyEvent e) {
                for (byte[] name : new byte[][] {e.name(), e.oldName(), e.newName()}) {
                  if (name != null) {
                    for (byte b : name) {
                      assertTrue(b != 0, "a NUL inside a name");
                    }
                  }
                }
                e.toString();
                events.add(e);
              }

              @Override
              public void overflow() {
                overflows[0]++;
              }

              @Override
              public void malformed(int count) {
                assertTrue(count > 0);
                malformed[0] += count;
              }
            });
    assertEquals(events.size(), delivered);
    assertEquals(malformed[0], decoder.malformed());
    return new Result(events, overflows[0], malformed[0], delivered, fds);
  }
}

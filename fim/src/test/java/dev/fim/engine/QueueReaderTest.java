package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link QueueReader} over a real non-blocking eventfd standing in for the kernel's event queue: a
 * read(2) of it returns its 8-byte counter and empties it, as a read of a fanotify or inotify fd
 * returns the queued events; a write(2) queues more.
 */
class QueueReaderTest {
  private static final long WAIT_S = 10;

  /** What the reader's thread saw at each batch: the counter read and the read(2) calls so far. */
  private record Seen(long value, long reads) {}

  @Test
  void aReadThatLeftTheBufferMostlyEmptyEndsTheWakeUpWithoutAReadThatReturnsNothing()
      throws Exception {
    try (Running r = new Running(64 * 1024)) {
      for (long v = 1; v <= 3; v++) {
        r.queue(v);
        Seen s = r.next();
        assertEquals(v, s.value(), "the value queued after the previous batch is delivered");
        // one read per wake-up: the read that returned the events, no second read for EAGAIN
        assertEquals(v, s.reads(), "read(2) calls by the batch of wake-up " + v);
      }
    }
  }

  @Test
  void aReadThatFilledTheBufferIsFollowedByAnotherUntilTheQueueIsEmpty() throws Exception {
    // an 8-byte buffer is filled by every read: the reader cannot know the queue is empty, so it
    // reads again (EAGAIN) before it polls; nothing queued is left behind either way
    try (Running r = new Running(8)) {
      r.queue(5);
      assertEquals(new Seen(5, 1), r.next());
      r.queue(6);
      // the EAGAIN read after the first batch, then the one that returned 6
      assertEquals(new Seen(6, 3), r.next());
    }
  }

  /** A reader over an eventfd, running on its own thread, its batches in a queue. */
  private static final class Running implements AutoCloseable {
    private final int fd;
    private final QueueReader reader;
    private final LinkedBlockingQueue<Seen> seen = new LinkedBlockingQueue<>();
    private final List<Throwable> failures = new ArrayList<>();
    private final Thread thread;

    Running(int bufferBytes) throws NativeException {
      fd = QueueNative.LIBC.eventfd(0, QueueReader.EFD_NONBLOCK | QueueReader.EFD_CLOEXEC);
      assertTrue(fd >= 0, "eventfd");
      reader = QueueReader.open(fd, bufferBytes);
      QueueReader r = reader;
      thread =
          new Thread(
              () -> {
                try {
                  r.run(
                      (buf, length) -> {
                        assertEquals(8, length);
                        long v = buf.order(ByteOrder.nativeOrder()).getLong(0);
                        seen.add(new Seen(v, r.reads()));
                      });
                } catch (Throwable t) {
                  synchronized (failures) {
                    failures.add(t);
                  }
                }
              },
              "queue-reader-test");
      thread.start();
    }

    void queue(long v) {
      byte[] b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, v).array();
      assertEquals(8, QueueNative.LIBC.write(fd, b, 8), "write to the eventfd");
    }

    Seen next() throws InterruptedException {
      Seen s = seen.poll(WAIT_S, TimeUnit.SECONDS);
      assertNotNull(s, "no batch within " + WAIT_S + " s");
      return s;
    }

    @Override
    public void close() throws InterruptedException {
      reader.stop();
      thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
      reader.close();
      synchronized (failures) {
        assertTrue(failures.isEmpty(), "reader thread failed: " + failures);
      }
      assertTrue(seen.isEmpty(), "unexpected batches: " + seen);
    }
  }
}

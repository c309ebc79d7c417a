package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fim.store.sys.NativeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
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
      // queued only once the reader waits in poll(2) again: before that, its second read could
      // find 6 already there instead of EAGAIN
      r.awaitBlockedInPoll();
      r.queue(6);
      // the EAGAIN read after the first batch, then the one that returned 6
      assertEquals(new Seen(6, 3), r.next());
    }
  }

  /** One call of a {@link QueueReader.HoldingBatch}: the counters in the buffer, and held bytes. */
  private record Call(List<Long> values, int held) {}

  /**
   * A tail held back is handed again at the start of the next call, with what the next read
   * returned after it. The batch queues the next value itself before it returns: the reader's wait
   * for more then ends at once, whatever the load.
   */
  @Test
  void aHeldTailIsHandedAgainFollowedByTheNextRead() throws Exception {
    List<Call> calls =
        runHolding(
            (reader, fd, call, values) -> {
              if (call == 0) {
                write(fd, 2);
                return 0; // hold all 8 bytes
              }
              reader.stop();
              return values.size() * 8;
            },
            1);
    assertEquals(List.of(new Call(List.of(1L), 0), new Call(List.of(1L, 2L), 8)), calls);
  }

  /** Nothing more comes: the held tail is handed alone, as held, and must then be handled. */
  @Test
  void aHeldTailIsHandedAloneWhenNothingFollows() throws Exception {
    List<Call> calls =
        runHolding(
            (reader, fd, call, values) -> {
              if (call == 0) {
                return 0;
              }
              reader.stop();
              return values.size() * 8;
            },
            5);
    assertEquals(List.of(new Call(List.of(5L), 0), new Call(List.of(5L), 8)), calls);
  }

  /** A stop during the wait ends it: the held tail is handed alone, then run returns. */
  @Test
  void aStopDuringTheWaitHandsTheHeldTailAndReturns() throws Exception {
    List<Call> calls =
        runHolding(
            (reader, fd, call, values) -> {
              if (call == 0) {
                reader.stop();
                return 0;
              }
              return values.size() * 8;
            },
            3);
    assertEquals(List.of(new Call(List.of(3L), 0), new Call(List.of(3L), 8)), calls);
  }

  /** A batch that hands back held bytes unhandled breaks the contract: the reader fails. */
  @Test
  void aBatchThatDoesNotHandleItsHeldBytesFails() throws Exception {
    int fd = QueueNative.LIBC.eventfd(0, QueueReader.EFD_NONBLOCK | QueueReader.EFD_CLOEXEC);
    assertTrue(fd >= 0, "eventfd");
    try (QueueReader reader = QueueReader.open(fd, 64)) {
      write(fd, 4);
      IllegalStateException e =
          org.junit.jupiter.api.Assertions.assertThrows(
              IllegalStateException.class,
              () -> reader.run((QueueReader.HoldingBatch) (buf, length, held) -> 0));
      assertTrue(e.getMessage().contains("8 held"), e.getMessage());
    }
  }

  /** What a test's holding batch does at its {@code call}-th call (from 0). */
  private interface Holding {
    int accept(QueueReader reader, int fd, int call, List<Long> values) throws Exception;
  }

  /**
   * Runs a reader with {@code batch} over an eventfd holding {@code first}, on this thread, until
   * the batch stops it; returns the calls in order.
   */
  private static List<Call> runHolding(Holding batch, long first) throws Exception {
    int fd = QueueNative.LIBC.eventfd(0, QueueReader.EFD_NONBLOCK | QueueReader.EFD_CLOEXEC);
    assertTrue(fd >= 0, "eventfd");
    List<Call> calls = new ArrayList<>();
    try (QueueReader reader = QueueReader.open(fd, 64)) {
      write(fd, first);
      reader.run(
          (QueueReader.HoldingBatch)
              (buf, length, held) -> {
                List<Long> values = new ArrayList<>();
                for (int at = 0; at < length; at += 8) {
                  values.add(buf.order(ByteOrder.nativeOrder()).getLong(at));
                }
                calls.add(new Call(values, held));
                try {
                  return batch.accept(reader, fd, calls.size() - 1, values);
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
    }
    return calls;
  }

  private static void write(int fd, long v) {
    byte[] b = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(0, v).array();
    assertEquals(8, QueueNative.LIBC.write(fd, b, 8), "write to the eventfd");
  }

  /**
   * A stop racing the close (two stops can: a signal handler's and a failing thread's) must neither
   * fail nor write its signal into a file that took the closed eventfd's number. Each round closes
   * the reader while another thread stops it without pause, then opens two eventfds at once (the
   * lowest free numbers: the queue's and the stop signal's) and checks that nothing was written to
   * them. Before the close and the stop's write shared a lock, a stop that saw the reader open
   * could write after the close (EBADF) or into the new file.
   */
  @Test
  void aStopRacingTheCloseNeitherFailsNorWritesIntoAFileThatReusedItsNumber() throws Exception {
    for (int round = 0; round < 2_000; round++) {
      int fd = QueueNative.LIBC.eventfd(0, QueueReader.EFD_NONBLOCK | QueueReader.EFD_CLOEXEC);
      assertTrue(fd >= 0, "eventfd");
      QueueReader reader = QueueReader.open(fd, 64);
      java.util.concurrent.atomic.AtomicBoolean done =
          new java.util.concurrent.atomic.AtomicBoolean();
      java.util.concurrent.atomic.AtomicReference<Throwable> failed =
          new java.util.concurrent.atomic.AtomicReference<>();
      java.util.concurrent.CountDownLatch stopping = new java.util.concurrent.CountDownLatch(1);
      Thread stopper =
          new Thread(
              () -> {
                try {
                  stopping.countDown();
                  while (!done.get()) {
                    reader.stop();
                  }
                } catch (Throwable t) {
                  failed.set(t);
                }
              },
              "queue-reader-stopper");
      stopper.start();
      stopping.await();
      reader.close();
      int[] reused = new int[2];
      for (int i = 0; i < 2; i++) {
        reused[i] = QueueNative.LIBC.eventfd(0, QueueReader.EFD_NONBLOCK | QueueReader.EFD_CLOEXEC);
        assertTrue(reused[i] >= 0, "eventfd");
      }
      try {
        // a late write of the stopper lands in one of these only if it came after the close
        done.set(true);
        stopper.join(TimeUnit.SECONDS.toMillis(WAIT_S));
        assertTrue(!stopper.isAlive(), "the stopper ended");
        assertEquals(null, failed.get(), "a stop racing the close failed in round " + round);
        for (int r : reused) {
          ByteBuffer b = ByteBuffer.allocate(8);
          assertEquals(
              -1L,
              QueueNative.LIBC.read(r, b, 8),
              "round " + round + ": fd " + r + ", opened after the close, was written to");
        }
      } finally {
        for (int r : reused) {
          QueueNative.LIBC.close(r);
        }
      }
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

    /**
     * Waits until the reader's thread is blocked in poll(2) (its drain over), as the kernel shows
     * it: /proc/self/task/TID/syscall names the system call a blocked thread is in (poll is 7 on
     * x86_64, ppoll 271 where the C library implements poll with it).
     */
    void awaitBlockedInPoll() throws Exception {
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
      while (System.nanoTime() < end) {
        for (Path task : readerTasks()) {
          String call;
          try {
            call = Files.readString(task.resolve("syscall")).split(" ", 2)[0];
          } catch (java.io.IOException e) {
            continue; // the task ended meanwhile
          }
          if (call.equals("7") || call.equals("271")) {
            return;
          }
        }
        TimeUnit.MILLISECONDS.sleep(1); // polling the kernel's view of the thread, with a deadline
      }
      throw new AssertionError("the reader thread did not block in poll within " + WAIT_S + " s");
    }

    /** The reader thread's task (its name, cut to the kernel's 15 characters, in comm). */
    private static List<Path> readerTasks() throws java.io.IOException {
      List<Path> found = new ArrayList<>();
      try (var tasks = Files.list(Path.of("/proc/self/task"))) {
        for (Path t : (Iterable<Path>) tasks::iterator) {
          try {
            if (Files.readString(t.resolve("comm")).strip().equals("queue-reader-te")) {
              found.add(t);
            }
          } catch (java.io.IOException e) {
            // the task ended meanwhile
          }
        }
      }
      return found;
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

package dev.fim.engine.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link ServiceWatchdog}'s decisions against a real datagram socket: which environment asks for
 * keep-alives (WATCHDOG_PID must be this process), and a keep-alive only for progress — none for a
 * counter that stands still however often the watchdog looks, one stall line, one "working again".
 */
class ServiceWatchdogTest {
  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void theEnvironmentAsksForKeepAlivesOnlyForThisProcess() {
    assertEquals(2_000_000, ServiceWatchdog.requestedUsec("2000000", null, SELF));
    assertEquals(2_000_000, ServiceWatchdog.requestedUsec("2000000", "", SELF));
    assertEquals(2_000_000, ServiceWatchdog.requestedUsec("2000000", Long.toString(SELF), SELF));
    assertEquals(0, ServiceWatchdog.requestedUsec("2000000", Long.toString(SELF + 1), SELF));
    assertEquals(0, ServiceWatchdog.requestedUsec(null, null, SELF));
    assertEquals(0, ServiceWatchdog.requestedUsec("0", null, SELF));
    assertEquals(0, ServiceWatchdog.requestedUsec("-5", null, SELF));
    assertEquals(0, ServiceWatchdog.requestedUsec("2s", null, SELF));
    assertEquals(0, ServiceWatchdog.requestedUsec("2000000", "nobody", SELF));
  }

  @Test
  void aKeepAliveGoesOnlyWhenProgressMoved() throws Exception {
    Path dir = Files.createTempDirectory("fim-watchdog-");
    String socket = dir.resolve("notify.sock").toString();
    try (UnixDatagram.Receiver systemd = new UnixDatagram.Receiver(socket, 5)) {
      AtomicLong progress = new AtomicLong();
      List<String> said = new ArrayList<>();
      long usec = 2_000_000; // looks every 0.5 s; a stall is said after 1 s without progress
      long t = 0;
      ServiceWatchdog w =
          ServiceWatchdog.unstarted(
              new ServiceNotifier(socket, said::add), usec, progress::get, said::add, t);
      long quarter = TimeUnit.MICROSECONDS.toNanos(usec) / 4;

      progress.incrementAndGet();
      w.look(t += quarter);
      assertEquals("WATCHDOG=1", systemd.receive());

      // stuck: however often it looks, nothing is sent (8 looks: fewer than the 10 datagrams a
      // unix socket queues by default, so a wrong keep-alive fails here instead of blocking)
      for (int i = 0; i < 8; i++) {
        w.look(t += quarter);
      }
      assertNull(systemd.receiveQueued());
      assertEquals(1, said.size(), said.toString());
      assertTrue(
          said.get(0).startsWith("watchdog: no progress of the comparator for 1"), said.get(0));

      progress.incrementAndGet();
      w.look(t += quarter);
      assertEquals("WATCHDOG=1", systemd.receive());
      assertEquals("watchdog: working again; keep-alives resumed", said.get(1));
      w.look(t += quarter / 10); // a stall shorter than two looks is not said
      assertEquals(2, said.size(), said.toString());
      w.close();
      progress.incrementAndGet();
      w.look(t += quarter); // closed: nothing more
      assertNull(systemd.receiveQueued());
    } finally {
      new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
    }
  }
}

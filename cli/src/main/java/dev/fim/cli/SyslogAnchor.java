package dev.fim.cli;

import dev.fim.engine.sink.UnixDatagram;
import dev.fim.store.EvidenceChain;
import dev.fim.store.Store;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.Locale;

/**
 * The off-host anchor of the evidence chain: each new chain head's sequence and digest go to syslog
 * (journald reads the same socket), as one line in the format {@code logger} writes to {@code
 * /dev/log}: {@code <13>Dec 6 13:50:01 fim[4242]: evidence seal sequence=N digest=HEX records=R
 * db=DIR}. A syslog daemon that forwards to another host keeps a record the attacker on this host
 * cannot roll back; {@code --expect-seal DIGEST} compares a database with it.
 *
 * <p>At most one line a second per process (a burst of events seals many batches): the newest head
 * waits and is sent with the next seal a second later, and at the latest when the command ends
 * ({@link #flush}). Best effort: when the socket is missing or refuses, one note on stderr says the
 * anchor is missing, and the command goes on. The socket is {@code /dev/log}, or the system
 * property {@code fim.syslog.socket} / environment variable {@code FIM_SYSLOG_SOCKET} (another
 * socket; {@code none} turns the anchor off without a note). Thread-safe.
 */
final class SyslogAnchor implements EvidenceChain.Listener {
  static final String SOCKET_PROPERTY = "fim.syslog.socket";

  /** user.notice, as logger sends by default. */
  private static final int PRIORITY = 8 + 5;

  private static final long MIN_INTERVAL_NS = 1_000_000_000L;

  /** {@code MMM} of {@link Locale#ROOT}, as {@code logger} writes the month. */
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  private final String socket;
  private final PrintWriter err;

  /** The newest head not sent yet (its line is made only when it is sent: most are superseded). */
  private EvidenceChain.Head pending;

  private Store pendingStore;
  private long lastSentNs = Long.MIN_VALUE;
  private boolean failed;

  SyslogAnchor(PrintWriter err) {
    String p = System.getProperty(SOCKET_PROPERTY);
    if (p == null || p.isEmpty()) {
      p = System.getenv("FIM_SYSLOG_SOCKET");
    }
    this.socket = p == null || p.isEmpty() ? "/dev/log" : p;
    this.err = err;
  }

  @Override
  public synchronized void sealed(Store store, EvidenceChain.Head head) {
    if (socket.equals("none")) {
      return; // turned off on purpose (no syslog on this host, or tests)
    }
    pending = head;
    pendingStore = store;
    long now = System.nanoTime();
    if (head.sequence() == 0
        || lastSentNs == Long.MIN_VALUE
        || now - lastSentNs >= MIN_INTERVAL_NS) {
      send(now);
    }
  }

  /** Sends the newest head if it was held back. */
  synchronized void flush() {
    if (pending != null) {
      send(System.nanoTime());
    }
  }

  /**
   * The line's local time, {@code MMM ppd HH:mm:ss} of {@link Locale#ROOT} ({@code Dec 6
   * 13:50:01}), written out: a {@code DateTimeFormatter} with month text set up the JDK's locale
   * providers (CLDR's metadata, resource bundles) on the first seal, ~25 ms of the main thread
   * before an init's scan (issue 18, session 12). {@code SyslogAnchorTest} compares it with the
   * formatter.
   */
  static String stamp(LocalDateTime t) {
    int d = t.getDayOfMonth();
    StringBuilder b = new StringBuilder(15).append(MONTHS[t.getMonthValue() - 1]).append(' ');
    if (d < 10) {
      b.append(' ');
    }
    b.append(d).append(' ');
    twoDigits(b, t.getHour()).append(':');
    twoDigits(b, t.getMinute()).append(':');
    return twoDigits(b, t.getSecond()).toString();
  }

  private static StringBuilder twoDigits(StringBuilder b, int v) {
    return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  private void send(long now) {
    String line =
        "<"
            + PRIORITY
            + ">"
            // ZoneId.systemDefault() but UTC without the JDK's zone rules provider (LocalZone): the
            // same local time; the provider's start was ~7 ms of the main thread of every command
            // that seals an event (a check or update that finds a change, issue 18, session 16).
            + stamp(LocalDateTime.now(dev.fim.auditlink.search.LocalZone.systemDefault()))
            + " fim["
            + ProcessHandle.current().pid()
            + "]: evidence seal sequence="
            + pending.sequence()
            + " digest="
            + pending.digest()
            + " records="
            + pending.records()
            + " db="
            + pendingStore.dir();
    pending = null;
    pendingStore = null;
    lastSentNs = now;
    try {
      UnixDatagram.send(socket, line.getBytes(StandardCharsets.UTF_8));
    } catch (IOException | RuntimeException | LinkageError e) {
      if (!failed) {
        failed = true;
        synchronized (err) {
          err.println(
              "fim: note: the evidence seal could not be sent to syslog ("
                  + e.getMessage()
                  + "): no"
                  + " off-host record of it for this run; the database itself is sealed as usual (docs/security.md)");
          err.flush();
        }
      }
    }
  }
}

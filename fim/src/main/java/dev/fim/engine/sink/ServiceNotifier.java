package dev.fim.engine.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The service manager's readiness protocol (sd_notify(3)): newline-separated {@code KEY=VALUE}
 * assignments, one datagram each, to the unix datagram socket named by {@code $NOTIFY_SOCKET} (a
 * path, or {@code @name} in the abstract namespace). With {@code Type=notify} systemd counts the
 * service as started only on {@code READY=1}, so units ordered after it see a watch that is
 * watching. Without {@code $NOTIFY_SOCKET} (not under systemd) every call does nothing.
 *
 * <p>A failed send is reported once through {@code problem} and does not stop the caller: the
 * service manager then times the start out, which is the failure an administrator sees.
 */
public final class ServiceNotifier {
  /** The variable systemd sets for a service with {@code Type=notify}. */
  public static final String SOCKET_VARIABLE =
      dev.fim.store.sys.ServiceManagerEnvironment.NOTIFY_SOCKET;

  private final String socket;
  private final Consumer<String> problem;
  private boolean reported;

  /** A notifier for the socket {@code socket} (null or empty: none). */
  public ServiceNotifier(String socket, Consumer<String> problem) {
    this.socket = socket == null || socket.isEmpty() ? null : socket;
    this.problem = problem;
  }

  /** The notifier for this process's {@code $NOTIFY_SOCKET}. */
  public static ServiceNotifier fromEnvironment(Consumer<String> problem) {
    return new ServiceNotifier(System.getenv(SOCKET_VARIABLE), problem);
  }

  /** Whether a service manager listens. */
  public boolean active() {
    return socket != null;
  }

  /** READY=1: the service does what it is for from now on; {@code status} is shown by systemctl. */
  public void ready(String status) {
    send("READY=1\nSTATUS=" + oneLine(status));
  }

  /**
   * RELOADING=1 with the CLOCK_MONOTONIC time in µs (systemd 253's {@code Type=notify-reload}
   * requires it, older ones ignore it); {@link #ready} follows when the reload is done.
   */
  public void reloading(String status) {
    send("RELOADING=1\nMONOTONIC_USEC=" + monotonicMicros() + "\nSTATUS=" + oneLine(status));
  }

  /** STOPPING=1: the service is stopping in order. */
  public void stopping(String status) {
    send("STOPPING=1\nSTATUS=" + oneLine(status));
  }

  /** WATCHDOG=1: the keep-alive of {@code WatchdogSec} ({@link ServiceWatchdog} decides when). */
  public void watchdog() {
    send("WATCHDOG=1");
  }

  /** STATUS= alone. */
  public void status(String status) {
    send("STATUS=" + oneLine(status));
  }

  /**
   * CLOCK_MONOTONIC in microseconds: on Linux the JVM's {@link System#nanoTime} reads that clock
   * (clock_gettime(CLOCK_MONOTONIC)), the one systemd compares MONOTONIC_USEC with.
   */
  static long monotonicMicros() {
    return System.nanoTime() / 1000;
  }

  private static String oneLine(String s) {
    return s.replace('\n', ' ');
  }

  private void send(String message) {
    if (socket == null) {
      return;
    }
    try {
      UnixDatagram.send(socket, message.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      synchronized (this) {
        if (reported) {
          return;
        }
        reported = true;
      }
      problem.accept("cannot notify the service manager: " + e.getMessage());
    }
  }
}

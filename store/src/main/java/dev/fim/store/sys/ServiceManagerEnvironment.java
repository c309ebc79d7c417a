package dev.fim.store.sys;

import java.util.Map;

/**
 * The environment variables through which systemd talks to the service it started (sd_notify(3),
 * sd_watchdog_enabled(3)). They belong to fim's main process alone: a child that inherited them
 * (the audit progress probe's helper, an {@code @@x_include} script run on a reload) could tell the
 * service manager READY, STOPPING or a keep-alive in fim's name.
 */
public final class ServiceManagerEnvironment {
  /** The service manager's notification socket. */
  public static final String NOTIFY_SOCKET = "NOTIFY_SOCKET";

  /** The keep-alive period systemd expects, in µs ({@code WatchdogSec}). */
  public static final String WATCHDOG_USEC = "WATCHDOG_USEC";

  /** The process the watchdog is meant for. */
  public static final String WATCHDOG_PID = "WATCHDOG_PID";

  private ServiceManagerEnvironment() {}

  /** Removes the service manager's variables from a child's {@code environment}. */
  public static void removeFrom(Map<String, String> environment) {
    environment.remove(NOTIFY_SOCKET);
    environment.remove(WATCHDOG_USEC);
    environment.remove(WATCHDOG_PID);
  }
}

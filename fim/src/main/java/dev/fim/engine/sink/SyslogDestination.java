package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import java.io.IOException;

/**
 * Events to the local syslog daemon as RFC 5424 datagrams ({@link SyslogFormat}) on {@code
 * /dev/log} (or the socket the environment names, {@link #socket}). rsyslog and syslog-ng read that
 * socket; with journald it is journald's syslog socket, which forwards to the daemon.
 */
public final class SyslogDestination implements Destination {
  /** System property and environment variable naming another socket than /dev/log. */
  public static final String SOCKET_PROPERTY = "fim.syslog.socket";

  public static final String SOCKET_ENV = "FIM_SYSLOG_SOCKET";

  private final String name;
  private final SyslogFormat format;
  private final UnixDatagram.Sender sender;

  public SyslogDestination(String facilityName, int facility, String socket, long sendTimeoutMs)
      throws IOException {
    this.name = "syslog:" + facilityName;
    this.format = new SyslogFormat(facility, Host.name(), ProcessHandle.current().pid());
    this.sender = new UnixDatagram.Sender(socket, sendTimeoutMs);
  }

  /** /dev/log unless the property or the environment names another socket. */
  public static String socket() {
    return Host.setting(SOCKET_PROPERTY, SOCKET_ENV, "/dev/log");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void send(ChangeEvent e) throws IOException {
    sender.send(format.format(e));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    sender.close();
  }
}

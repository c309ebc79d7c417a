package dev.fim.engine.sink;

import dev.fim.store.ChangeEvent;
import java.io.IOException;

/**
 * Events to systemd-journald over its native socket ({@code /run/systemd/journal/socket}), in
 * {@link JournalFormat}. A datagram is limited by the socket's send buffer (about 208 KiB by
 * default); an entry past it (a command line of hundreds of KiB in the actor's args, say) goes as
 * journald takes it from {@code sd_journal_sendv}: the same bytes in a sealed memfd passed with
 * SCM_RIGHTS. Only when that fails too (a kernel without memfd, a receiver that refuses it) is the
 * event sent without FIM_EVENT and with {@code FIM_TRUNCATED=1}; the whole event stays in fim's
 * database either way.
 */
public final class JournalDestination implements Destination {
  public static final String SOCKET_PROPERTY = "fim.journal.socket";
  public static final String SOCKET_ENV = "FIM_JOURNAL_SOCKET";

  private final JournalFormat format;
  private final UnixDatagram.Sender sender;

  public JournalDestination(int facility, String socket, long sendTimeoutMs) throws IOException {
    this.format = new JournalFormat(facility);
    this.sender = new UnixDatagram.Sender(socket, sendTimeoutMs);
  }

  /** journald's native socket unless the property or the environment names another. */
  public static String socket() {
    return Host.setting(SOCKET_PROPERTY, SOCKET_ENV, "/run/systemd/journal/socket");
  }

  @Override
  public String name() {
    return "journal";
  }

  @Override
  public void send(ChangeEvent e) throws IOException {
    byte[] whole = format.format(e, true);
    try {
      sender.send(whole);
    } catch (UnixDatagram.TooLongException tooLong) {
      try {
        sender.sendInMemfd(whole, "fim-journal");
      } catch (IOException noMemfd) {
        sender.send(format.format(e, false));
      }
    }
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    sender.close();
  }
}

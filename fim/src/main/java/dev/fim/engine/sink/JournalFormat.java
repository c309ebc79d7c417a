package dev.fim.engine.sink;

import dev.fim.engine.output.EventJson;
import dev.fim.engine.output.EventText;
import dev.fim.store.Actor;
import dev.fim.store.ChangeEvent;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * One event in systemd-journald's native protocol (systemd.journal-fields(7), "Native Journal
 * Protocol"): one datagram of fields, each {@code NAME=value\n}, or, when the value holds a
 * newline, {@code NAME\n}, its length as a 64-bit little-endian integer, the value's bytes and
 * {@code \n} (so a file name with a newline cannot add a field). The fields:
 *
 * <ul>
 *   <li>{@code MESSAGE}: the text line ({@code fim watch --format text});
 *   <li>{@code PRIORITY}: {@link EventPriority}; {@code SYSLOG_FACILITY}; {@code
 *       SYSLOG_IDENTIFIER=fim};
 *   <li>{@code FIM_ACTION}, {@code FIM_SEQUENCE}, {@code FIM_PATH} (the exact bytes), {@code
 *       FIM_OLD_PATH} (moves), {@code FIM_AUID}, {@code FIM_UID}, {@code FIM_PID}, {@code FIM_EXE},
 *       {@code FIM_ATTRIBUTION} (each when known);
 *   <li>{@code FIM_EVENT}: the complete event JSON.
 * </ul>
 *
 * Stateless.
 */
public final class JournalFormat {
  private final int facility;

  public JournalFormat(int facility) {
    this.facility = facility;
  }

  /** MESSAGE's length in a shortened datagram (an overflow's message can list many paths). */
  static final int MAX_SHORT_MESSAGE = 8192;

  /**
   * The datagram; {@code withEvent} false leaves out FIM_EVENT, cuts MESSAGE to {@value
   * #MAX_SHORT_MESSAGE} characters and says FIM_TRUNCATED=1.
   */
  public byte[] format(ChangeEvent e, boolean withEvent) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    String message = EventText.line(e);
    if (!withEvent && message.length() > MAX_SHORT_MESSAGE) {
      message = message.substring(0, MAX_SHORT_MESSAGE) + "…[truncated]";
    }
    field(out, "MESSAGE", message);
    field(out, "PRIORITY", Integer.toString(EventPriority.of(e.action())));
    field(out, "SYSLOG_FACILITY", Integer.toString(facility));
    field(out, "SYSLOG_IDENTIFIER", "fim");
    field(out, "FIM_ACTION", e.action().label());
    field(out, "FIM_SEQUENCE", Long.toString(e.sequence()));
    field(out, "FIM_PATH", e.path().toBytes());
    if (e.oldPath() != null) {
      field(out, "FIM_OLD_PATH", e.oldPath().toBytes());
    }
    Actor a = e.actor();
    if (a != null) {
      if (a.auid() != null) {
        field(out, "FIM_AUID", Long.toString(a.auid()));
      }
      if (a.uid() != null) {
        field(out, "FIM_UID", Long.toString(a.uid()));
      }
      if (a.pid() != null) {
        field(out, "FIM_PID", Integer.toString(a.pid()));
      }
      if (a.executable() != null) {
        field(out, "FIM_EXE", a.executable());
      }
    }
    field(out, "FIM_ATTRIBUTION", e.attribution() == null ? "none" : e.attribution().label());
    if (withEvent) {
      field(out, "FIM_EVENT", EventJson.toJson(e));
    } else {
      field(out, "FIM_TRUNCATED", "1");
    }
    return out.toByteArray();
  }

  private static void field(ByteArrayOutputStream out, String name, String value) {
    field(out, name, value.getBytes(StandardCharsets.UTF_8));
  }

  static void field(ByteArrayOutputStream out, String name, byte[] value) {
    out.writeBytes(name.getBytes(StandardCharsets.US_ASCII));
    boolean binary = false;
    for (byte b : value) {
      if (b == '\n') {
        binary = true;
        break;
      }
    }
    if (binary) {
      out.write('\n');
      out.writeBytes(
          ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value.length).array());
    } else {
      out.write('=');
    }
    out.writeBytes(value);
    out.write('\n');
  }
}

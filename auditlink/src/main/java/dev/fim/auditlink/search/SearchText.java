package dev.fim.auditlink.search;

import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import java.io.IOException;
import java.io.Writer;
import java.time.ZoneId;

/**
 * Renders an event as {@code ausearch -i} does, for {@code fim audit search --format text}:
 *
 * <pre>
 * ----
 * time-&gt;Wed Apr 12 22:48:11 2017
 * type=SYSCALL msg=audit(04/12/17 22:48:11.036:59) : arch=x86_64 syscall=execve … key=user_commands
 * </pre>
 *
 * Each record's date is {@code %x %T} in the C locale, then {@code .millis:serial}; each field is
 * {@code name=value } (ausearch leaves a space after every field) with the value interpreted
 * ({@link Interpreter}) and unquoted; a SYSCALL's {@code a0}..{@code a3} are shown as {@code 0x…}
 * hex, without ausearch's per-syscall decoding of flags and signals.
 *
 * <p>Differences from ausearch 3.0.9, on purpose: the {@code time->} line (ausearch prints it only
 * without {@code -i}) gives the event's time once; records keep their log order (3.0.9 with {@code
 * -i} prints them last to first); a user message's {@code msg='…'} fields are shown flat, without
 * the quotes. Times are in the given zone (ausearch: the local one). One instance per writing
 * thread.
 */
public final class SearchText implements EventWriter {
  private final Interpreter names;
  private final AusearchTime time;

  /**
   * @param zone the zone times are shown in (ausearch: the local one)
   */
  public SearchText(Interpreter names, ZoneId zone) {
    this.names = names;
    this.time = new AusearchTime(zone);
  }

  /** Not thread-safe (the time formatter keeps the last second it computed). */
  @Override
  public void write(AuditEvent e, Writer w) throws IOException {
    StringBuilder sb = new StringBuilder(1024);
    sb.append("----\ntime->");
    time.appendCtime(e.time().getEpochSecond(), sb);
    sb.append('\n');
    for (AuditRecord r : e.records()) {
      if (r.node() != null) sb.append("node=").append(r.node()).append(' ');
      sb.append("type=").append(r.typeName()).append(" msg=audit(");
      time.appendRecordTime(r.timestampSeconds(), sb);
      AusearchTime.appendMillis(r.timestampMillisPart(), sb);
      sb.append(':').append(r.serial()).append(") : ");
      boolean syscall = r.type() == RecordType.SYSCALL;
      for (int i = 0, n = r.fieldCount(); i < n; i++) {
        String v = names.valueAt(r, i); // as interpret(r) gives them, without its map
        if (v == null) continue;
        String name = r.fieldName(i);
        sb.append(name).append('=');
        if (syscall && isSyscallArg(name)) {
          sb.append("0x"); // the kernel logs a0..a3 as bare hex
        }
        sb.append(v).append(' ');
      }
      sb.append('\n');
    }
    w.append(sb);
  }

  private static boolean isSyscallArg(String name) {
    return name.length() == 2
        && name.charAt(0) == 'a'
        && name.charAt(1) >= '0'
        && name.charAt(1) <= '3';
  }
}

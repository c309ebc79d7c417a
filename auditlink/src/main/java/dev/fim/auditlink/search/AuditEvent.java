package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One audit event found by a search: the records that share a serial (and node and timestamp), in
 * the order the log holds them, EOE left out.
 *
 * @param sequence the audit serial (unsigned 32-bit)
 * @param time the kernel's timestamp of the event (millisecond precision, as logged)
 * @param node the {@code node=} name, or null
 * @param records never empty; immutable
 */
public record AuditEvent(long sequence, Instant time, String node, List<AuditRecord> records) {
  public AuditEvent {
    if (records.isEmpty()) {
      throw new IllegalArgumentException("event " + sequence + " has no records");
    }
    records = List.copyOf(records);
  }

  /**
   * Record type names in record order, a repeated type once per record (as ausearch shows them).
   */
  public List<String> recordTypes() {
    List<String> t = new ArrayList<>(records.size());
    for (AuditRecord r : records) {
      t.add(r.typeName());
    }
    return t;
  }

  /** The first record of the given type, or null. */
  public AuditRecord first(int type) {
    for (AuditRecord r : records) {
      if (r.type() == type) {
        return r;
      }
    }
    return null;
  }
}

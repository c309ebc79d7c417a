package dev.fim.auditlink.parse;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One audit record: its type, timestamp, serial and node, parsed eagerly, and its fields, parsed on
 * first access and cached (with any error) — go-libaudit's {@code AuditMessage}.
 *
 * <p>Values are bytes: {@link #fieldBytes} gives the exact decoded bytes (quotes removed, hex
 * decoded; a path need not be UTF-8), {@link #field} a display string. The enriched section that
 * auditd appends after a {@code 0x1d} byte ({@code log_format = ENRICHED}, auditd.conf(5)) is kept
 * apart in {@link #enriched()}: those are interpretations, not what the kernel said.
 *
 * <p>Immutable to callers and safe to share between threads: the lazy parse is idempotent and
 * published through a volatile field (two threads may both parse once; both get equal results).
 */
public final class AuditRecord {
  private final int type;
  private final long seconds;
  private final int millis;
  private final long serial;
  private final String node;

  /** The record text from {@code audit(} on; node and type prefix are not kept. */
  private final byte[] text;

  private final int bodyStart;
  private final int bodyEnd;
  private final int enrichedStart;
  private volatile RecordFields fields;
  private volatile RecordFields enrichedFields;

  AuditRecord(
      int type,
      long seconds,
      int millis,
      long serial,
      String node,
      byte[] text,
      int bodyStart,
      int bodyEnd,
      int enrichedStart) {
    this.type = type;
    this.seconds = seconds;
    this.millis = millis;
    this.serial = serial;
    this.node = node;
    this.text = text;
    this.bodyStart = bodyStart;
    this.bodyEnd = bodyEnd;
    this.enrichedStart = enrichedStart;
  }

  /** The record type number ({@code AUDIT_*} in include/uapi/linux/audit.h or libaudit.h). */
  public int type() {
    return type;
  }

  /** The name auditd writes for the type, {@code UNKNOWN[n]} if the table does not know it. */
  public String typeName() {
    return RecordType.name(type);
  }

  /** Seconds since the epoch, as the kernel stamped the event. */
  public long timestampSeconds() {
    return seconds;
  }

  /** The millisecond part (0..999) of the timestamp. */
  public int timestampMillisPart() {
    return millis;
  }

  /** The timestamp in milliseconds since the epoch. */
  public long timestampMillis() {
    return seconds * 1000 + millis;
  }

  public Instant timestamp() {
    return Instant.ofEpochSecond(seconds, millis * 1_000_000L);
  }

  /** The event serial, an unsigned 32-bit number (0..4294967295); wraps to 0. */
  public long serial() {
    return serial;
  }

  /** The {@code node=} name auditd prepends ({@code name_format}), or null if none. */
  public String node() {
    return node;
  }

  /** The field's value for display (see {@code DisplayText}), or null if absent. */
  public String field(String name) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    return i < 0 ? null : f.display(i, true);
  }

  /** A copy of the field's exact decoded bytes, or null if absent. */
  public byte[] fieldBytes(String name) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    return i < 0 ? null : f.value(i);
  }

  /**
   * The field's value as a decimal {@code long} ({@code Long.parseLong} of {@link #field}), or
   * {@code missing} when the field is absent or not such a number. Reads the bytes in place: no
   * string for the kernel's plain decimals.
   */
  public long fieldLong(String name, long missing) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    return i < 0 ? missing : f.number(i, missing);
  }

  /** Whether the field is present and its decoded bytes are exactly {@code ascii}. */
  public boolean fieldIs(String name, String ascii) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    return i >= 0 && f.valueIs(i, ascii);
  }

  /**
   * Whether the field's exact decoded bytes are {@code value}'s, or, for a null {@code value},
   * whether the field is absent. Compares in place: no copy.
   */
  public boolean fieldBytesAre(String name, byte[] value) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    if (value == null) {
      return i < 0;
    }
    return i >= 0 && f.valueIs(i, value);
  }

  /**
   * Whether the field is the kernel's "no value": the bare word {@code (null)}. A quoted {@code
   * "(null)"} or a hex-encoded one is a value a user chose (a file, a command named so) and is not.
   */
  public boolean fieldIsBareNull(String name) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    return i >= 0 && !f.wasHex(i) && !f.wasQuoted(i) && f.valueIs(i, "(null)");
  }

  /** Whether the field's value was hex-encoded in the record (and has been decoded). */
  public boolean fieldWasHex(String name) {
    RecordFields f = parsedFields();
    int i = f.indexOf(name);
    return i >= 0 && f.wasHex(i);
  }

  public boolean hasField(String name) {
    return parsedFields().indexOf(name) >= 0;
  }

  /** How many fields the record has (a repeated name counts each time). */
  public int fieldCount() {
    return parsedFields().size();
  }

  /** The name of the i-th field in record order, 0 ≤ i < {@link #fieldCount()}. */
  public String fieldName(int i) {
    RecordFields f = parsedFields();
    Objects.checkIndex(i, f.size());
    return f.name(i);
  }

  /** The display value of the i-th field (as {@link #field} gives the first of a name). */
  public String fieldValue(int i) {
    RecordFields f = parsedFields();
    Objects.checkIndex(i, f.size());
    return f.display(i, true);
  }

  /** Field names in record order (a repeated name appears twice). */
  public List<String> fieldNames() {
    return parsedFields().names();
  }

  /** All fields for display, in record order; for a repeated name, the first value. */
  public Map<String, String> fields() {
    return parsedFields().toDisplayMap(true);
  }

  /**
   * The first problem met while parsing the fields (e.g. an unterminated quote), or null. Fields
   * are still available, parsed as far as they go.
   */
  public String fieldError() {
    return parsedFields().error();
  }

  /** The enriched section's fields ({@code UID="root"} …) for display; empty if none. */
  public Map<String, String> enriched() {
    return enrichedFields().toDisplayMap(false);
  }

  /** One enriched field, or null. */
  public String enrichedField(String name) {
    RecordFields f = enrichedFields();
    int i = f.indexOf(name);
    return i < 0 ? null : f.display(i, false);
  }

  /** A copy of the record text from {@code audit(} to the end, enriched section included. */
  public byte[] raw() {
    return text.clone();
  }

  /** The record text from {@code audit(} up to the enriched section, for display. */
  public String rawText() {
    return DisplayText.of(text, 0, bodyEnd);
  }

  private RecordFields parsedFields() {
    RecordFields f = fields;
    if (f == null) {
      f = FieldScanner.scan(type, text, bodyStart, bodyEnd);
      fields = f;
    }
    return f;
  }

  private RecordFields enrichedFields() {
    RecordFields f = enrichedFields;
    if (f == null) {
      f =
          enrichedStart < 0
              ? RecordFields.EMPTY
              : FieldScanner.scanEnriched(text, enrichedStart, text.length);
      enrichedFields = f;
    }
    return f;
  }

  @Override
  public String toString() {
    return (node == null ? "" : "node=" + node + " ") + "type=" + typeName() + " msg=" + rawText();
  }
}

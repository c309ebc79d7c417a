package dev.fim.auditlink.parse;

import dev.fim.auditlink.parse.AuditParseException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Stage: raw record bytes → {@link AuditRecord}. Two inputs:
 *
 * <ul>
 *   <li>a netlink payload, whose type travels in the {@code nlmsghdr}: {@code
 *       audit(1490137971.011:50406): arch=c000003e …} ({@link #parseNetlink});
 *   <li>an audit.log line as auditd writes it, optionally with a {@code node=} prefix and an
 *       enriched section after {@code 0x1d}: {@code node=h type=SYSCALL
 *       msg=audit(1490137971.011:50406): … \x1dARCH=x86_64 …} ({@link #parseLogLine}).
 * </ul>
 *
 * Only the header is parsed here (cheap work first); fields are parsed by the record on first
 * access. Garbage never throws out of the instance methods: it is counted ({@link #counters()}) and
 * {@code null} is returned. The static {@code …OrThrow} methods give the reason instead.
 *
 * <p>Instances are not thread-safe (plain counters): use one per reading thread.
 */
public final class RecordParser {
  /**
   * Default limit on one record: libaudit's MAX_AUDIT_MESSAGE_LENGTH is 8970 bytes for the kernel's
   * text, and auditd adds a node name, the type and (ENRICHED) interpretations; 64 KiB leaves room
   * for all of that and still rejects runaway lines cheaply.
   */
  public static final int DEFAULT_MAX_RECORD_BYTES = 64 * 1024;

  private final int maxRecordBytes;
  private long parsed;
  private long malformed;
  private long tooLong;
  private long unknownType;

  public RecordParser() {
    this(DEFAULT_MAX_RECORD_BYTES);
  }

  public RecordParser(int maxRecordBytes) {
    if (maxRecordBytes < 32) {
      throw new IllegalArgumentException(
          "maxRecordBytes " + maxRecordBytes + " is below 32, too small for any record header");
    }
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Parses an audit.log line; returns null (and counts why) if it is not a usable record. */
  public AuditRecord parseLogLine(byte[] line, int off, int len) {
    try {
      return count(logLine(line, off, len, maxRecordBytes));
    } catch (AuditParseException e) {
      return reject(e);
    }
  }

  public AuditRecord parseLogLine(byte[] line) {
    return parseLogLine(line, 0, line.length);
  }

  /** Parses a netlink payload of the given type; returns null (and counts why) if unusable. */
  public AuditRecord parseNetlink(int type, byte[] payload, int off, int len) {
    try {
      return count(netlink(type, payload, off, len, maxRecordBytes));
    } catch (AuditParseException e) {
      return reject(e);
    }
  }

  public ParseCounters counters() {
    return new ParseCounters(parsed, malformed, tooLong, unknownType);
  }

  /** As {@link #parseLogLine} with the default limit, throwing with the reason. */
  public static AuditRecord parseLogLineOrThrow(byte[] line, int off, int len)
      throws AuditParseException {
    return logLine(line, off, len, DEFAULT_MAX_RECORD_BYTES);
  }

  /** As {@link #parseNetlink} with the default limit, throwing with the reason. */
  public static AuditRecord parseNetlinkOrThrow(int type, byte[] payload, int off, int len)
      throws AuditParseException {
    return netlink(type, payload, off, len, DEFAULT_MAX_RECORD_BYTES);
  }

  private AuditRecord count(AuditRecord r) {
    parsed++;
    return r;
  }

  private AuditRecord reject(AuditParseException e) {
    switch (e.reason()) {
      case MALFORMED -> malformed++;
      case TOO_LONG -> tooLong++;
      case UNKNOWN_TYPE -> unknownType++;
    }
    return null;
  }

  private static AuditRecord logLine(byte[] b, int off, int len, int max)
      throws AuditParseException {
    checkBounds(b, off, len);
    int end = trimEnd(b, off, off + len);
    if (end - off > max) {
      throw new AuditParseException(
          Reason.TOO_LONG, "record of " + (end - off) + " bytes exceeds " + max);
    }
    int p = skipSpaces(b, off, end);
    String node = null;
    if (startsWith(b, p, end, "node=")) {
      int q = nextSpace(b, p, end);
      node = DisplayText.of(b, p + 5, q - p - 5);
      p = skipSpaces(b, q, end);
    }
    if (!startsWith(b, p, end, "type=")) {
      throw new AuditParseException(Reason.MALFORMED, "no type= at offset " + (p - off));
    }
    int q = nextSpace(b, p, end);
    String typeName = new String(b, p + 5, q - p - 5, StandardCharsets.ISO_8859_1);
    int type = RecordType.number(typeName);
    p = skipSpaces(b, q, end);
    if (!startsWith(b, p, end, "msg=")) {
      throw new AuditParseException(Reason.MALFORMED, "no msg= after type=" + typeName);
    }
    if (type < 0) {
      // Checked after the shape so that an unknown name on a well-formed line is told
      // apart from a truncated one.
      throw new AuditParseException(Reason.UNKNOWN_TYPE, "unknown record type " + typeName);
    }
    return header(type, node, b, p + 4, end);
  }

  private static AuditRecord netlink(int type, byte[] b, int off, int len, int max)
      throws AuditParseException {
    checkBounds(b, off, len);
    if (type < 0 || type > 0xffff) {
      throw new AuditParseException(
          Reason.MALFORMED, "type " + type + " is outside nlmsg_type's 16 bits");
    }
    int end = trimEnd(b, off, off + len);
    if (end - off > max) {
      throw new AuditParseException(
          Reason.TOO_LONG, "record of " + (end - off) + " bytes exceeds " + max);
    }
    return header(type, null, b, skipSpaces(b, off, end), end);
  }

  /** Parses {@code audit(SEC.FRAC:SERIAL):} at p; the rest is the body. */
  private static AuditRecord header(int type, String node, byte[] b, int p, int end)
      throws AuditParseException {
    int start = p;
    if (!startsWith(b, p, end, "audit(")) {
      throw new AuditParseException(Reason.MALFORMED, "no audit( header");
    }
    p += 6;
    int secStart = p;
    long seconds = 0;
    while (p < end && isDigit(b[p]) && p - secStart < 18) {
      seconds = seconds * 10 + (b[p++] - '0');
    }
    if (p == secStart || p >= end || b[p] != '.') {
      throw new AuditParseException(Reason.MALFORMED, "bad seconds in audit( header");
    }
    p++;
    int fracStart = p;
    int millis = 0;
    while (p < end && isDigit(b[p]) && p - fracStart < 9) {
      if (p - fracStart < 3) {
        millis = millis * 10 + (b[p] - '0');
      }
      p++;
    }
    int fracDigits = p - fracStart;
    if (fracDigits == 0 || p >= end || b[p] != ':') {
      throw new AuditParseException(Reason.MALFORMED, "bad fraction in audit( header");
    }
    for (int k = fracDigits; k < 3; k++) {
      millis *= 10;
    }
    p++;
    int serialStart = p;
    long serial = 0;
    while (p < end && isDigit(b[p]) && p - serialStart < 10) {
      serial = serial * 10 + (b[p++] - '0');
    }
    if (p == serialStart || serial > 0xffff_ffffL || p >= end || b[p] != ')') {
      throw new AuditParseException(Reason.MALFORMED, "bad serial in audit( header");
    }
    p++;
    // The ':' is optional: auditd 2.x wrote DAEMON_CONFIG as
    // "audit(1490239800.477:34) config changed, auid=0 …" (go-libaudit's audit-rhel7.log).
    if (p < end && b[p] == ':') {
      p++;
    }
    byte[] text = Arrays.copyOfRange(b, start, end);
    int bodyStart = p - start;
    int sep = FieldScanner.indexOf(text, (byte) 0x1d, bodyStart, text.length);
    int bodyEnd = sep < 0 ? text.length : sep;
    int enrichedStart = sep < 0 ? -1 : sep + 1;
    return new AuditRecord(
        type, seconds, millis, serial, node, text, bodyStart, bodyEnd, enrichedStart);
  }

  private static void checkBounds(byte[] b, int off, int len) {
    if (off < 0 || len < 0 || off > b.length - len) {
      throw new IndexOutOfBoundsException(
          "off " + off + " len " + len + " for " + b.length + " bytes");
    }
  }

  /** Drops trailing newline, carriage return and NUL (netlink payloads may be NUL-padded). */
  private static int trimEnd(byte[] b, int off, int end) {
    while (end > off && (b[end - 1] == '\n' || b[end - 1] == '\r' || b[end - 1] == 0)) {
      end--;
    }
    return end;
  }

  private static int skipSpaces(byte[] b, int p, int end) {
    while (p < end && b[p] == ' ') p++;
    return p;
  }

  private static int nextSpace(byte[] b, int p, int end) {
    while (p < end && b[p] != ' ') p++;
    return p;
  }

  private static boolean startsWith(byte[] b, int p, int end, String ascii) {
    if (end - p < ascii.length()) return false;
    for (int i = 0; i < ascii.length(); i++) {
      if (b[p + i] != ascii.charAt(i)) return false;
    }
    return true;
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }
}

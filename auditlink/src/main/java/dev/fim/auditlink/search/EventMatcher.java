package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The exact test of one event against the {@link SearchSettings} (the semantics are documented
 * there). Runs only on events the {@link Prefilter} let through. Stateless, thread-safe.
 */
final class EventMatcher implements EventFilter {
  private static final byte[] NULL_KEY = "(null)".getBytes(StandardCharsets.US_ASCII);
  private static final String[] UID_FIELDS = {"auid", "uid", "euid"};

  private final byte[] key;
  private final byte[] path;
  private final String auid;
  private final long fromMillis;
  private final long untilMillis;
  private final boolean exact;

  EventMatcher(SearchSettings s, Long auid) {
    this.key = s.key() == null ? null : s.key().getBytes(StandardCharsets.UTF_8);
    this.path = s.pathBytes();
    this.auid = auid == null ? null : Long.toString(auid);
    this.fromMillis = s.from() == null ? Long.MIN_VALUE : s.from().toEpochMilli();
    this.untilMillis = s.until() == null ? Long.MAX_VALUE : s.until().toEpochMilli();
    this.exact = s.exact();
  }

  @Override
  public boolean matches(AuditEvent e) {
    long t = e.records().get(0).timestampMillis();
    if (t < fromMillis || t > untilMillis) {
      return false;
    }
    return (key == null || hasKey(e))
        && (path == null || hasPath(e))
        && (auid == null || hasUser(e));
  }

  private boolean hasKey(AuditEvent e) {
    for (AuditRecord r : e.records()) {
      if (r.type() != RecordType.SYSCALL && r.type() != RecordType.CONFIG_CHANGE) continue;
      byte[] v = r.fieldBytes("key");
      if (v == null || Arrays.equals(v, NULL_KEY)) continue;
      // Several keys on one rule are logged as one hex value, separated by 0x01
      // (AUDIT_KEY_SEPARATOR in libaudit.h); each is a key of its own.
      int start = 0;
      for (int i = 0; i <= v.length; i++) {
        if (i == v.length || v[i] == 0x01) {
          if (same(v, start, i, key)) return true;
          start = i + 1;
        }
      }
    }
    return false;
  }

  private boolean hasPath(AuditEvent e) {
    for (AuditRecord r : e.records()) {
      if (r.type() == RecordType.PATH) {
        if (same(r.fieldBytes("name"), path)) return true;
      } else if (r.type() == RecordType.AVC) {
        if (same(r.fieldBytes("name"), path) || same(r.fieldBytes("path"), path)) return true;
      }
    }
    return false;
  }

  private boolean hasUser(AuditEvent e) {
    for (AuditRecord r : e.records()) {
      for (String f : UID_FIELDS) {
        if (auid.equals(r.field(f))) return true;
      }
    }
    return false;
  }

  private boolean same(byte[] v, byte[] needle) {
    return v != null && same(v, 0, v.length, needle);
  }

  private boolean same(byte[] v, int from, int to, byte[] needle) {
    if (exact) {
      return Arrays.equals(v, from, to, needle, 0, needle.length);
    }
    return to - from >= needle.length && Prefilter.indexOf(v, from, to, needle) >= 0;
  }
}

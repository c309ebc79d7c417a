package dev.fim.auditlink.search;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * What {@link AuditSearch} looks for. Every criterion that is set must match (ausearch ANDs its
 * options); null means "any". Immutable; the path is copied in and out.
 *
 * <p>Semantics follow ausearch 3.0.9 ({@code ausearch-match.c}; checked against the real binary on
 * the go-libaudit fixtures, see {@code AusearchParityTest}):
 *
 * <ul>
 *   <li>{@code key} ({@code -k}): one of the event's keys — the {@code key} field of its SYSCALL or
 *       CONFIG_CHANGE record, hex-decoded and split at 0x01 when a rule carries several keys;
 *       {@code (null)} is no key. It matches when the key <em>contains</em> the text ({@code -k
 *       user} finds {@code user_commands}), or equals it when {@code exact} is set (ausearch {@code
 *       -w}).
 *   <li>{@code path} ({@code -f}): the exact bytes of a name in a PATH record (or an AVC's {@code
 *       name}/{@code path}), again by containment unless {@code exact}. Names are matched as
 *       logged: a relative name ({@code public/pickup}) is not joined with the CWD record, so
 *       {@code -f /var/spool/postfix/public/pickup} does not find it, as in ausearch.
 *   <li>{@code auid} ({@code -ua}): a number or a user name (looked up in passwd); matches when the
 *       event's {@code auid}, {@code uid} or {@code euid} equals it (ausearch's "all user id"). One
 *       deliberate difference: {@code 4294967295} (unset) matches events whose auid, uid or euid is
 *       unset; ausearch 3.0.9 takes -1 as "no criterion" and returns every event.
 *   <li>{@code from}/{@code until} ({@code -ts}/{@code -te}): the event's timestamp, both ends
 *       inclusive.
 * </ul>
 *
 * @param key key text, or null
 * @param path file name bytes, or null
 * @param auid user id or name, or null
 * @param from earliest event time, or null
 * @param until latest event time, or null
 * @param exact whole-value matches for key and path instead of containment (ausearch {@code -w})
 */
public record SearchSettings(
    String key, byte[] path, String auid, Instant from, Instant until, boolean exact) {
  public SearchSettings {
    if (key != null && key.isEmpty()) {
      throw new IllegalArgumentException("key is empty: give a key or leave it unset");
    }
    if (path != null && path.length == 0) {
      throw new IllegalArgumentException("path is empty: give a file name or leave it unset");
    }
    if (auid != null && auid.isEmpty()) {
      throw new IllegalArgumentException(
          "auid is empty: give a user id or name, or leave it unset");
    }
    if (from != null && until != null && from.isAfter(until)) {
      throw new IllegalArgumentException("start " + from + " is after end " + until);
    }
    path = path == null ? null : path.clone();
  }

  /** No criterion: every event. */
  public static SearchSettings all() {
    return new SearchSettings(null, null, null, null, null, false);
  }

  public SearchSettings withKey(String k) {
    return new SearchSettings(k, path, auid, from, until, exact);
  }

  public SearchSettings withPath(String p) {
    return new SearchSettings(
        key, p == null ? null : p.getBytes(StandardCharsets.UTF_8), auid, from, until, exact);
  }

  public SearchSettings withPath(byte[] p) {
    return new SearchSettings(key, p, auid, from, until, exact);
  }

  public SearchSettings withAuid(String a) {
    return new SearchSettings(key, path, a, from, until, exact);
  }

  public SearchSettings withTime(Instant f, Instant u) {
    return new SearchSettings(key, path, auid, f, u, exact);
  }

  public SearchSettings withExact(boolean e) {
    return new SearchSettings(key, path, auid, from, until, e);
  }

  @Override
  public byte[] path() {
    return path == null ? null : path.clone();
  }

  byte[] pathBytes() {
    return path;
  }
}

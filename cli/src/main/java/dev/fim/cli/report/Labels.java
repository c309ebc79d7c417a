package dev.fim.cli.report;

import dev.fim.store.Actor;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The groupings of a report's totals, each a label for people. Stateless. */
final class Labels {
  private static final Pattern AUDIT_LOST = Pattern.compile("audit lost (\\d+) record");

  private Labels() {}

  /**
   * The login user behind a change: {@code alice (auid 1001)}, {@code auid 1001} without a name,
   * {@code (auid unset)} for daemons and timers ({@code (auid unset) via cron.service} when their
   * systemd unit is known, so the totals say which daemon), {@code uid 0} when only the effective
   * user is known, {@code unattributed} without an actor.
   */
  static String user(ChangeEvent e) {
    Actor a = e.actor();
    if (a == null) {
      return "unattributed";
    }
    if (a.auid() != null) {
      if (a.auid() == Actor.UNSET_ID) {
        return a.systemdUnit() == null ? "(auid unset)" : "(auid unset) via " + a.systemdUnit();
      }
      return a.auidName() == null ? "auid " + a.auid() : a.auidName() + " (auid " + a.auid() + ")";
    }
    if (a.uid() != null) {
      return a.uidName() == null ? "uid " + a.uid() : a.uidName() + " (uid " + a.uid() + ")";
    }
    return "unattributed";
  }

  /**
   * The directory a change is grouped under: the first {@code depth} components of the path, but
   * never the path itself ({@code /etc/hosts} → {@code /etc} at depth 2; {@code
   * /etc/ssh/sshd_config} → {@code /etc/ssh}; {@code /usr/lib/x/libc.so} → {@code /usr/lib});
   * {@code /} for a file at the root.
   */
  static String prefix(PathBytes path, int depth) {
    byte[] p = path.toBytes();
    int components = 0;
    int end = 0;
    int lastSlash = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] == '/' && i > 0) {
        components++;
        lastSlash = i;
        if (components == depth) {
          end = i;
          break;
        }
      }
    }
    if (end == 0) {
      end = lastSlash; // fewer components than depth: the path's parent
    }
    return end == 0 ? "/" : PathBytes.of(p, 0, end).display();
  }

  /**
   * The number of audit records a lost-audit overflow says were lost ({@code audit lost N record(s)
   * …}), else 0.
   */
  static long auditRecordsLost(ChangeEvent e) {
    if (e.message() == null) {
      return 0;
    }
    Matcher m = AUDIT_LOST.matcher(e.message());
    return m.find() ? Long.parseLong(m.group(1)) : 0;
  }

  /**
   * Why events were lost, as the overflow event says ({@code events were lost}, {@code audit
   * records were lost}…).
   */
  static String lossReason(ChangeEvent e) {
    return e.attributionReason() == null ? "unspecified" : e.attributionReason();
  }
}

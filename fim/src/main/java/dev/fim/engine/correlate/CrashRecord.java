package dev.fim.engine.correlate;

import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditRefusedException;
import dev.fim.auditlink.netlink.AuditStatus;
import dev.fim.store.KeyValueLines;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.sys.NativeException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What fim changed in the kernel's audit settings, written to the store's meta while a watch runs
 * and removed when it stops cleanly. A watch killed with SIGKILL (or a crash) cannot restore
 * anything itself: the next watch on the same database finds the record and undoes it first
 * (deletes those exact rules, puts {@code enabled} and {@code backlog_limit} back). The audit pid
 * needs nothing: the kernel forgets it when the socket's process dies.
 */
public final class CrashRecord {
  static final String META = "audit_restore";

  private CrashRecord() {}

  /** Records what {@code audit} changed; call right after it started. */
  public static void write(Store store, AuditAttributor audit) throws StoreException {
    AuditStatus before = audit.hostBefore();
    StringBuilder sb = new StringBuilder();
    sb.append("pid=").append(ProcessHandle.current().pid()).append('\n');
    sb.append("enabled=").append(before.enabled()).append('\n');
    sb.append("backlog_limit=").append(before.backlogLimit()).append('\n');
    for (byte[] rule : audit.addedRuleData()) {
      sb.append("rule=").append(HexFormat.of().formatHex(rule)).append('\n');
    }
    store.putMeta(META, sb.toString());
    store.sync();
  }

  /** The watch stopped cleanly and restored everything itself. */
  public static void clear(Store store) throws StoreException {
    store.putMeta(META, "");
    store.sync();
  }

  /**
   * Undoes what a watch that did not stop cleanly left behind, if the store says there is
   * something.
   *
   * @return a sentence for the start-up lines, or null when there was nothing to undo
   */
  public static String restoreIfLeft(Store store) throws StoreException, NativeException {
    String rec = store.getMetaString(META);
    if (rec == null || rec.isEmpty()) {
      return null;
    }
    String pid = "?";
    long enabled = -1;
    long backlog = -1;
    List<byte[]> rules = new ArrayList<>();
    for (var kv : KeyValueLines.parse(rec)) {
      String v = kv.getValue();
      switch (kv.getKey()) {
        case "pid" -> pid = v;
        case "enabled" -> enabled = Long.parseLong(v);
        case "backlog_limit" -> backlog = Long.parseLong(v);
        case "rule" -> rules.add(HexFormat.of().parseHex(v));
        default -> {}
      }
    }
    int deleted = 0;
    try (AuditClient client = AuditClient.open()) {
      for (byte[] rule : rules) {
        try {
          client.deleteRule(rule);
          deleted++;
        } catch (AuditRefusedException e) {
          // already gone (ENOENT): nothing to undo
        }
      }
      AuditStatus now = client.status();
      if (backlog >= 0 && now.backlogLimit() != backlog) {
        client.setBacklogLimit(backlog);
      }
      if (enabled >= 0 && enabled != 2 && now.enabled() != enabled && now.enabled() != 2) {
        client.setEnabled(enabled);
      }
    }
    clear(store);
    return "a fim watch (pid "
        + pid
        + ") did not stop cleanly: removed "
        + deleted
        + " of its audit rule(s), "
        + "audit enabled="
        + enabled
        + " and backlog_limit="
        + backlog
        + " put back";
  }
}

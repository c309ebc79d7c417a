package dev.fim.auditlink.search;

import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.search.EventSummary.Actor;
import dev.fim.auditlink.search.EventSummary.How;
import dev.fim.auditlink.search.EventSummary.ObjectPath;
import dev.fim.auditlink.search.EventSummary.Target;
import dev.fim.auditlink.search.EventSummary.User;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Stage: {@link AuditEvent} → {@link EventSummary}. Like aucoalesce, the actor is the auid
 * (primary) and uid (secondary) of the SYSCALL record, or of the first record that has them; the
 * action comes from {@link SyscallActions}; the object is the PATH records that name something the
 * syscall acted on. Stateless, thread-safe.
 */
final class Summarizer {
  private Summarizer() {}

  /** PARENT and UNKNOWN items are directories walked on the way, not the object. */
  private static final Set<String> OBJECT_NAMETYPES = Set.of("NORMAL", "CREATE", "DELETE");

  static EventSummary summarize(AuditEvent e, Interpreter names) {
    AuditRecord syscall = e.first(RecordType.SYSCALL);
    AuditRecord subject = syscall != null ? syscall : firstWith(e, "auid");
    Actor actor =
        subject == null
            ? new Actor(null, null)
            : new Actor(user(subject.field("auid"), names), user(subject.field("uid"), names));

    String syscallName = null;
    SyscallActions.Action row = null;
    String action;
    if (syscall != null) {
      String nr = syscall.field("syscall");
      syscallName = nr == null ? null : Interpreter.syscall(syscall.field("arch"), nr);
      row = syscallName == null ? null : SyscallActions.forSyscall(syscallName);
      action = row != null ? row.action() : syscallName;
    } else {
      String type = e.records().get(0).typeName();
      String known = SyscallActions.forRecordType(type);
      action = known != null ? known : type.toLowerCase(Locale.ROOT);
    }

    AuditRecord process = syscall != null ? syscall : firstWith(e, "exe");
    AuditRecord title = e.first(RecordType.PROCTITLE);
    How how =
        new How(
            process == null ? null : process.field("exe"),
            process == null ? null : process.field("comm"),
            title == null ? null : title.field("proctitle"),
            syscallName);

    return new EventSummary(
        e.sequence(),
        e.time(),
        e.node(),
        e.recordTypes(),
        keys(e),
        actor,
        action,
        result(syscall != null ? syscall : e.records().get(0)),
        target(e, row),
        how);
  }

  private static Target target(AuditEvent e, SyscallActions.Action row) {
    List<AuditRecord> items = new ArrayList<>();
    for (AuditRecord r : e.records()) {
      if (r.type() == RecordType.PATH) items.add(r);
    }
    items.sort(Comparator.comparingLong(r -> item(r)));
    List<ObjectPath> paths = new ArrayList<>();
    for (AuditRecord r : items) {
      // Old kernels log no nametype (go-libaudit's rhel7 fixture has objtype= instead).
      String nametype = r.field("nametype") != null ? r.field("nametype") : r.field("objtype");
      if (r.hasField("name") && (nametype == null || OBJECT_NAMETYPES.contains(nametype))) {
        paths.add(
            new ObjectPath(
                r.field("name"),
                r.fieldBytes("name"),
                nametype,
                r.field("inode"),
                r.field("mode")));
      }
    }
    String what = row != null ? row.what() : paths.isEmpty() ? null : "file";
    if (what == null) {
      return null;
    }
    if ("file".equals(what)
        && !paths.isEmpty()
        && paths.get(0).mode() != null
        && paths.get(0).mode().startsWith("04")
        && paths.get(0).mode().length() == 6) {
      what = "directory"; // S_IFDIR 0040000
    }
    return new Target(what, List.copyOf(paths));
  }

  private static long item(AuditRecord r) {
    try {
      return Long.parseLong(r.field("item"));
    } catch (RuntimeException ex) {
      return Long.MAX_VALUE; // no or odd item: keep it, after the numbered ones
    }
  }

  private static List<String> keys(AuditEvent e) {
    List<String> keys = new ArrayList<>();
    for (AuditRecord r : e.records()) {
      if (r.type() != RecordType.SYSCALL && r.type() != RecordType.CONFIG_CHANGE) continue;
      String k = r.field("key");
      if (k == null || k.equals("(null)")) continue;
      for (String part : k.split("\u0001")) {
        if (!part.isEmpty()) keys.add(part);
      }
    }
    return keys;
  }

  private static String result(AuditRecord r) {
    String success = r.field("success");
    if (success != null) {
      return success.equals("yes") ? "success" : success.equals("no") ? "fail" : success;
    }
    String res = r.field("res");
    if (res == null) return null;
    return switch (res) {
      case "success", "1" -> "success";
      case "failed", "0" -> "fail";
      default -> res;
    };
  }

  private static User user(String id, Interpreter names) {
    return id == null ? null : new User(id, names.user(id));
  }

  private static AuditRecord firstWith(AuditEvent e, String field) {
    for (AuditRecord r : e.records()) {
      if (r.hasField(field)) return r;
    }
    return null;
  }
}

package dev.fim.engine.output;

import dev.fim.store.Actor;
import dev.fim.store.AttributeChange;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;

/**
 * A {@link ChangeEvent} as one line for people, the text twin of {@link EventJson}: {@code
 * 2026-11-25T10:00:00.123456Z updated /etc/hosts content: xxh3_128:1f… -> xxh3_128:9a…, inode: 1201
 * -> 1234}, and, for {@code history} and {@code who}, who made it: {@code by alice (auid 1001) as
 * root, vim[4242] /usr/bin/vim.basic}, {@code by (auid unset) as root, sh[812] /usr/bin/dash via
 * cron.service, from /usr/sbin/cron[640] <- /usr/lib/systemd/systemd[1]} or {@code by unknown
 * (REASON)}. Paths are shown as {@link PathBytes#display()} (non-UTF-8 bytes escaped, one path is
 * one line); the JSON form keeps the exact bytes. A file of a package ends the line with {@link
 * #packageNote}. Stateless.
 */
public final class EventText {
  private EventText() {}

  /**
   * Time, action, path ({@code old -> new} for a move), message, and each change as {@code attr:
   * old -> new}.
   */
  public static String line(ChangeEvent e) {
    return appendLine(new StringBuilder(LINE_CAPACITY), e).toString();
  }

  /**
   * A line with its content hashes and times, about 300 characters: sized so that building it
   * copies nothing (a report renders a million; growing a smaller builder twice per line was the
   * largest single cost of the text report's render threads, JFR).
   */
  private static final int LINE_CAPACITY = 512;

  /** Appends {@link #line} to {@code sb} (a report renders a batch of lines into one builder). */
  public static StringBuilder appendLine(StringBuilder sb, ChangeEvent e) {
    sb.append(dev.fim.store.Timestamps.format(e.timeNs()))
        .append(' ')
        .append(e.action().label())
        .append(' ');
    if (e.oldPath() != null) {
      sb.append(e.oldPath().display()).append(" -> ");
    }
    sb.append(e.path().display());
    if (e.message() != null) {
      sb.append("  ").append(e.message());
    }
    String sep = "  ";
    for (AttributeChange c : e.changes()) {
      sb.append(sep)
          .append(c.attribute())
          .append(": ")
          .append(c.oldValue())
          .append(" -> ")
          .append(c.newValue());
      sep = ", ";
    }
    String pkg = packageNote(e.pkg());
    if (pkg != null) {
      sb.append("  ").append(pkg);
    }
    return sb;
  }

  /**
   * The package part of a line: {@code package hello 2.10-3 verified}, {@code NOT VERIFIED against
   * hello 2.10-3 (WHY)} (dpkg wrote content that is not the package's: the line to look at), or
   * {@code package hello 2.10-3} (the owner of a file someone else changed); null without a
   * package.
   */
  public static String packageNote(dev.fim.store.PackageOrigin p) {
    if (p == null) {
      return null;
    }
    String named = p.version() == null ? p.name() : p.name() + " " + p.version();
    if (p.verified() == null) {
      return "package " + named;
    }
    if (p.verified()) {
      return "package " + named + " verified";
    }
    return "NOT VERIFIED against " + named + (p.reason() == null ? "" : " (" + p.reason() + ")");
  }

  /** {@link #line} followed by two spaces and {@link #who}. */
  public static String lineWithWho(ChangeEvent e) {
    return appendLineWithWho(new StringBuilder(LINE_CAPACITY), e).toString();
  }

  /** Appends {@link #lineWithWho} to {@code sb}. */
  public static StringBuilder appendLineWithWho(StringBuilder sb, ChangeEvent e) {
    return appendWho(appendLine(sb, e).append("  "), e);
  }

  /**
   * Who made the change. With an actor: {@code by LOGIN (auid N)} (the login user, which survives
   * sudo; {@code by (auid unset)} for daemons and timers), {@code as USER} when the effective user
   * differs, then the process as {@code name[pid] executable}; for an unset login uid, what
   * explains it: {@code via UNIT} (its systemd unit) and {@code from EXE[PID] <- EXE[PID] (auid N)}
   * (its parents, nearest first, up to one with a login uid or pid 1). Without one: {@code by
   * unknown (REASON)}, the attribution reason.
   */
  public static String who(ChangeEvent e) {
    return appendWho(new StringBuilder(80), e).toString();
  }

  /** Appends {@link #who} to {@code out}. */
  public static StringBuilder appendWho(StringBuilder out, ChangeEvent e) {
    Actor a = e.actor();
    if (a == null) {
      out.append("by unknown");
      return e.attributionReason() == null
          ? out
          : out.append(" (").append(e.attributionReason()).append(')');
    }
    int start = out.length();
    StringBuilder sb = out.append("by");
    if (a.auid() != null) {
      sb.append(' ');
      if (a.auid() == Actor.UNSET_ID) {
        sb.append("(auid unset)");
      } else {
        if (a.auidName() == null) {
          sb.append("auid ").append(a.auid().longValue());
        } else {
          sb.append(a.auidName()).append(" (auid ").append(a.auid().longValue()).append(')');
        }
      }
      if (a.uid() != null && !a.uid().equals(a.auid())) {
        sb.append(" as ");
        if (a.uidName() == null) {
          sb.append("uid ").append(a.uid().longValue());
        } else {
          sb.append(a.uidName());
        }
      }
    } else if (a.uid() != null) {
      sb.append(' ')
          .append(a.uidName() == null ? "uid " + a.uid() : a.uidName() + " (uid " + a.uid() + ")");
    }
    if (a.name() != null || a.pid() != null || a.executable() != null) {
      sb.append(sb.length() - start > 2 ? ", " : " ");
      appendProcess(sb, a);
    }
    if (a.systemdUnit() != null) {
      sb.append(" via ").append(a.systemdUnit());
    }
    if (a.parents() != null && !a.parents().isEmpty()) {
      sb.append(sb.length() - start > 2 ? ", " : " ").append("from ");
      String sep = "";
      for (Actor.Parent p : a.parents()) {
        sb.append(sep)
            .append(
                p.executable() == null ? "pid " + p.pid() : p.executable() + "[" + p.pid() + "]");
        if (p.auid() != null && p.auid() != Actor.UNSET_ID) {
          sb.append(" (auid ").append(p.auid()).append(')');
        }
        sep = " <- ";
      }
      if (a.parentsCut()) {
        sb.append(" <- …"); // more ancestors than were read
      }
    }
    also(e, sb);
    if (sb.length() - start <= 2) {
      sb.setLength(start);
      sb.append("by unknown (the source named no user or process)");
    }
    return sb;
  }

  /**
   * The other writers of a change that several made ({@code fim.writers}), oldest first: {@code
   * (also: cp[4711] openat, chmod[4712] fchmodat)}; the last writer is the actor already named, and
   * is left out when it is.
   */
  private static void also(ChangeEvent e, StringBuilder sb) {
    java.util.List<dev.fim.store.Writer> ws = e.writers();
    if (ws.isEmpty()) {
      return;
    }
    dev.fim.store.Writer last = ws.get(ws.size() - 1);
    Actor a = e.actor();
    int n =
        a != null
                && java.util.Objects.equals(last.pid(), a.pid())
                && java.util.Objects.equals(last.executable(), a.executable())
            ? ws.size() - 1
            : ws.size();
    if (n == 0) {
      return;
    }
    sb.append(" (also: ");
    for (int i = 0; i < n; i++) {
      dev.fim.store.Writer w = ws.get(i);
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(w.name() != null ? w.name() : w.executable() != null ? w.executable() : "pid");
      if (w.pid() != null) {
        sb.append('[').append(w.pid()).append(']');
      }
      if (w.auid() != null && a != null && !w.auid().equals(a.auid())) {
        sb.append(w.auid() == Actor.UNSET_ID ? " auid unset" : " auid " + w.auid());
      }
      if (w.uid() != null && a != null && !w.uid().equals(a.uid())) {
        sb.append(" uid ").append(w.uid());
      }
      if (w.syscall() != null) {
        sb.append(' ').append(w.syscall());
      }
    }
    sb.append(')');
  }

  /** {@code name[pid] executable}, with what is known of it ({@code pid 4242} without a name). */
  private static void appendProcess(StringBuilder sb, Actor a) {
    if (a.name() != null) {
      sb.append(a.name());
      if (a.pid() != null) {
        sb.append('[').append(a.pid().intValue()).append(']');
      }
    } else if (a.pid() != null) {
      sb.append("pid ").append(a.pid().intValue());
    }
    if (a.executable() != null) {
      if (a.name() != null || a.pid() != null) {
        sb.append(' ');
      }
      sb.append(a.executable());
    }
  }
}

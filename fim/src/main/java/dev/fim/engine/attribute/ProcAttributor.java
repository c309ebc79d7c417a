package dev.fim.engine.attribute;

import dev.fim.store.Actor;
import dev.fim.store.sys.AccountFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Names the process behind a fanotify event from {@code /proc/PID} while it still lives: login uid
 * ({@code loginuid}, which survives sudo), effective uid and parent ({@code status}), executable
 * ({@code exe}), command name and line, audit session and terminal; and for a writer whose login
 * uid is unset or unknown (a daemon, a timer, a cron job) its systemd unit ({@code cgroup}) and
 * parent chain, which explain it. The fallback attribution ({@code fim.attribution: "proc"}) when
 * audit records are not correlated: it is racy by nature (a process that exits before its event is
 * read is gone; a pid may be reused), so it is read on the source's thread as the event arrives,
 * and an answer is kept for {@value #TTL_MS} ms per pid so a burst of writes by one process costs
 * one lookup.
 *
 * <p>One thread (the source's); not thread-safe. User names come from {@code /etc/passwd}, read
 * once.
 */
public final class ProcAttributor {
  static final long TTL_MS = 1000;
  private static final int CAPACITY = 1024;

  /** The longest parent chain read: {@link Actor#MAX_PARENTS}. */
  static final int MAX_PARENTS = Actor.MAX_PARENTS;

  private static final java.util.Set<String> UNIT_TYPES =
      java.util.Set.of("service", "scope", "socket", "mount", "swap");
  private static final Actor GONE =
      new Actor(null, null, null, null, null, null, null, null, null, null, null);

  private final Path proc;
  private final LongSupplier clockMs;
  private final LinkedHashMap<Integer, Cached> cache =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Cached> eldest) {
          return size() > CAPACITY;
        }
      };
  private final LinkedHashMap<Integer, Ancestor> ancestors =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Ancestor> eldest) {
          return size() > CAPACITY;
        }
      };
  private Map<Long, String> userNames;
  private long lookups;
  private long ancestorReads;

  private record Cached(Actor actor, long atMs) {}

  /** An ancestor as read at {@code atMs}; {@code parent} null when it was gone. */
  private record Ancestor(Actor.Parent parent, int ppid, long atMs) {}

  /** Reads the real {@code /proc}. */
  public ProcAttributor() {
    this(Path.of("/proc"), System::currentTimeMillis);
  }

  ProcAttributor(Path proc, LongSupplier clockMs) {
    this.proc = proc;
    this.clockMs = clockMs;
  }

  /**
   * The process {@code pid} as it is now, or null when it is gone (or pid is 0: the source did not
   * say).
   */
  public Actor lookup(int pid) {
    if (pid <= 0) {
      return null;
    }
    long now = clockMs.getAsLong();
    Cached c = cache.get(pid);
    if (c != null && now - c.atMs() < TTL_MS) {
      return c.actor() == GONE ? null : c.actor();
    }
    Actor a = read(pid);
    cache.put(pid, new Cached(a == null ? GONE : a, now));
    return a;
  }

  /** /proc reads so far (cache misses). */
  public long lookups() {
    return lookups;
  }

  private Actor read(int pid) {
    lookups++;
    Path dir = proc.resolve(Integer.toString(pid));
    try {
      String status = new String(Files.readAllBytes(dir.resolve("status")), StandardCharsets.UTF_8);
      Long uid = field(status, "Uid:", 1); // real, effective, saved, fs: the effective one
      Long ppid = field(status, "PPid:", 0);
      Long auid = number(dir.resolve("loginuid"));
      Long session = number(dir.resolve("sessionid"));
      String exe = readLink(dir.resolve("exe"));
      String comm = text(dir.resolve("comm"));
      List<String> args = cmdline(dir.resolve("cmdline"));
      String tty = tty(dir.resolve("stat"));
      String unit = null;
      List<Actor.Parent> parents = null;
      if (auid == null || auid == Actor.UNSET_ID) {
        // Nobody logged in behind it (a daemon, timer, cron job): what explains it is the unit it
        // runs in and who
        // started it. Read now, while it lives; only for such writers, so a login session's writes
        // cost nothing more.
        unit = systemdUnit(text(dir.resolve("cgroup")));
        parents = parents(ppid == null ? 0 : ppid.intValue());
      }
      return new Actor(
          auid,
          auid == null ? null : userName(auid),
          uid,
          uid == null ? null : userName(uid),
          pid,
          ppid == null ? null : ppid.intValue(),
          exe,
          comm,
          args,
          session,
          tty,
          unit,
          parents);
    } catch (IOException | RuntimeException e) {
      return null; // gone (ENOENT, ESRCH) or unreadable: no attribution rather than a wrong one
    }
  }

  /**
   * The parent chain from {@code ppid}: each ancestor's pid, executable and login uid, nearest
   * first, up to and including the first with a set login uid, or pid 1, at most {@value
   * #MAX_PARENTS}; an ancestor that is gone ends it. Ancestors are shared by many writers (cron, a
   * package manager), so each is cached like a lookup.
   */
  private List<Actor.Parent> parents(int ppid) {
    List<Actor.Parent> out = new ArrayList<>(4);
    long now = clockMs.getAsLong();
    for (int pid = ppid; pid > 0 && out.size() < MAX_PARENTS; ) {
      Ancestor a = ancestors.get(pid);
      if (a == null || now - a.atMs() >= TTL_MS) {
        a = readAncestor(pid, now);
        ancestors.put(pid, a);
      }
      if (a.parent() == null) {
        break; // gone
      }
      out.add(a.parent());
      if (pid == 1 || (a.parent().auid() != null && a.parent().auid() != Actor.UNSET_ID)) {
        break;
      }
      pid = a.ppid();
    }
    return out;
  }

  private Ancestor readAncestor(int pid, long now) {
    ancestorReads++;
    Path dir = proc.resolve(Integer.toString(pid));
    try {
      String status = new String(Files.readAllBytes(dir.resolve("status")), StandardCharsets.UTF_8);
      Long ppid = field(status, "PPid:", 0);
      return new Ancestor(
          new Actor.Parent(pid, readLink(dir.resolve("exe")), number(dir.resolve("loginuid"))),
          ppid == null ? 0 : ppid.intValue(),
          now);
    } catch (IOException | RuntimeException e) {
      return new Ancestor(null, 0, now);
    }
  }

  /** Ancestor reads so far (cache misses). */
  public long ancestorReads() {
    return ancestorReads;
  }

  /**
   * The systemd unit in a {@code /proc/PID/cgroup} text: the path component that names a unit
   * ({@code .service}, {@code .scope}, {@code .socket}, {@code .mount}, {@code .swap}) of the
   * unified hierarchy's line ({@code 0::/system.slice/cron.service}), else of the named v1 {@code
   * name=systemd} line, with the innermost unit of a delegated subtree after it ({@link #unitIn});
   * null when there is none (no systemd, or the root cgroup).
   */
  static String systemdUnit(String cgroup) {
    if (cgroup == null) {
      return null;
    }
    String v1 = null;
    for (String line : cgroup.split("\n")) {
      if (line.startsWith("0::")) {
        String u = unitIn(line.substring(3));
        if (u != null) {
          return u;
        }
      } else if (line.contains(":name=systemd:")) {
        v1 = unitIn(line.substring(line.indexOf(":name=systemd:") + 14));
      }
    }
    return v1;
  }

  /**
   * The unit of one cgroup path. systemd nests units only in slices, so a unit below another unit
   * lives in a subtree delegated to that unit (a user manager {@code user@1000.service}, a
   * container runtime), where the delegate names the groups: a user's own {@code cron.service} must
   * not read as the system's. Such a unit is shown under the unit systemd made, {@code
   * user@1000.service/app.service}; a unit that is not nested is shown alone.
   */
  private static String unitIn(String path) {
    String outer = null;
    String inner = null;
    for (String p : path.split("/")) {
      int dot = p.lastIndexOf('.');
      if (dot > 0 && UNIT_TYPES.contains(p.substring(dot + 1))) {
        if (outer == null) {
          outer = p;
        } else {
          inner = p;
        }
      }
    }
    return inner == null ? outer : outer + "/" + inner;
  }

  private static Long field(String status, String key, int index) {
    int at = status.indexOf("\n" + key);
    if (at < 0) {
      return null;
    }
    int end = status.indexOf('\n', at + 1);
    String[] parts =
        status
            .substring(at + 1 + key.length(), end < 0 ? status.length() : end)
            .trim()
            .split("\\s+");
    return index < parts.length ? Long.valueOf(parts[index]) : null;
  }

  private static Long number(Path p) {
    String s = text(p);
    return s == null || s.isEmpty() ? null : Long.valueOf(s);
  }

  private static String text(Path p) {
    try {
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return null;
    }
  }

  private static String readLink(Path p) {
    try {
      String s = Files.readSymbolicLink(p).toString();
      return s.endsWith(" (deleted)") ? s.substring(0, s.length() - 10) : s;
    } catch (IOException | UnsupportedOperationException e) {
      return null; // a kernel thread, or not ours to read
    }
  }

  private static List<String> cmdline(Path p) {
    byte[] b;
    try {
      b = Files.readAllBytes(p);
    } catch (IOException e) {
      return null;
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < b.length; i++) {
      if (b[i] == 0) {
        out.add(new String(b, start, i - start, StandardCharsets.UTF_8));
        start = i + 1;
      }
    }
    if (start < b.length) {
      out.add(new String(b, start, b.length - start, StandardCharsets.UTF_8));
    }
    return out;
  }

  /** The controlling terminal from {@code stat}'s tty_nr: {@code pts/N}, {@code ttyN}, or null. */
  static String tty(Path stat) {
    String s = text(stat);
    if (s == null) {
      return null;
    }
    int close = s.lastIndexOf(')'); // comm may hold spaces and parentheses
    String[] f = s.substring(close + 2).split(" ");
    int ttyNr = Integer.parseInt(f[4]); // fields after comm: state ppid pgrp session tty_nr
    if (ttyNr == 0) {
      return null;
    }
    int major = (ttyNr >> 8) & 0xfff;
    int minor = (ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00);
    if (major >= 136 && major <= 143) {
      return "pts/" + ((major - 136) * 256 + minor);
    }
    if (major == 4 && minor < 64) {
      return "tty" + minor;
    }
    return major + ":" + minor;
  }

  private String userName(long id) {
    if (id == Actor.UNSET_ID) {
      return null;
    }
    if (userNames == null) {
      try {
        userNames = AccountFile.namesById(AccountFile.read(AccountFile.PASSWD));
      } catch (IOException e) {
        userNames = Map.of(); // no names then: ids are still reported
      }
    }
    return userNames.get(id);
  }
}

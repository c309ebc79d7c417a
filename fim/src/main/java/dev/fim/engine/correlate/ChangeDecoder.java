package dev.fim.engine.correlate;

import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stage: one reassembled audit event (its records, one serial) → an {@link AuditedChange}, or null
 * when it is not one of fim's (no SYSCALL record, or another key). Reads SYSCALL (process, result,
 * {@code exe}), CWD, PATH (names, inodes, devices, nametypes) and PROCTITLE (the command line;
 * NUL-separated, at most 128 bytes as the kernel truncates it, kernel/auditsc.c {@code
 * MAX_PROCTITLE_AUDIT_LEN}).
 *
 * <p>PROCTITLE can be stale: the kernel reads the command line once per task, at the first event it
 * logs, and keeps it for the task's life (kernel/auditsc.c {@code audit_log_proctitle} caches
 * {@code context->proctitle}; seen on 6.18), so after an {@code execve} without a fork the old
 * program's command line comes back. A task that logged anything before the exec (a shell that set
 * its loginuid, a script that wrote a watched file) then reports the wrong args. The decoder
 * remembers, for every SYSCALL it sees (fim's key or not), the exe under which a pid's PROCTITLE
 * first appeared; the same PROCTITLE under another exe is that stale copy, and the args are left
 * unknown (null) rather than credited to the wrong program.
 *
 * <p>Consecutive events of one process with the same identity share one {@link Actor} instance (a
 * small map by pid), so a burst of writes by one process costs one actor. Not thread-safe: the
 * listener's thread decodes.
 */
final class ChangeDecoder {
  /**
   * include/uapi/linux/fcntl.h: AT_FDCWD (-100) as the kernel logs an int argument, low 32 bits.
   */
  static final long AT_FDCWD = 0xffffff9cL;

  private static final int ACTORS = 1024;
  private static final int TITLES = 4096;

  /**
   * The syscalls (among those the {@code perm=wa} classes cover) that take a directory fd, and
   * which of {@code a0..a3} it is: a relative name in their PATH items is relative to that fd, not
   * to the CWD (openat(2), renameat(2), linkat(2), symlinkat(2)…).
   */
  private static final Map<String, int[]> DIRFD_ARGS =
      Map.ofEntries(
          Map.entry("openat", new int[] {0}),
          Map.entry("openat2", new int[] {0}),
          Map.entry("mkdirat", new int[] {0}),
          Map.entry("mknodat", new int[] {0}),
          Map.entry("fchownat", new int[] {0}),
          Map.entry("fchmodat", new int[] {0}),
          Map.entry("fchmodat2", new int[] {0}),
          Map.entry("unlinkat", new int[] {0}),
          Map.entry("utimensat", new int[] {0}),
          Map.entry("futimesat", new int[] {0}),
          Map.entry("linkat", new int[] {0, 2}),
          Map.entry("renameat", new int[] {0, 2}),
          Map.entry("renameat2", new int[] {0, 2}),
          Map.entry("symlinkat", new int[] {1}),
          Map.entry("setxattrat", new int[] {0}),
          Map.entry("removexattrat", new int[] {0}),
          Map.entry("name_to_handle_at", new int[] {0}),
          Map.entry("faccessat", new int[] {0}),
          Map.entry("faccessat2", new int[] {0}));

  private final byte[] key;
  private final Interpreter names;
  private final LinkedHashMap<Integer, Actor> actors =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Actor> eldest) {
          return size() > ACTORS;
        }
      };
  private final LinkedHashMap<Integer, Title> titles =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Title> eldest) {
          return size() > TITLES;
        }
      };

  /** A PROCTITLE and the exe it first appeared under. */
  private record Title(String exe, byte[] proctitle) {}

  /**
   * @param key the rule key whose events are fim's; null: every event with a SYSCALL record (an
   *     audit.log written under the host's own rules)
   * @param names account names for the auid and euid
   */
  ChangeDecoder(String key, Interpreter names) {
    this.key = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    this.names = names;
  }

  /** The change the event describes, or null when it is not one of fim's. */
  AuditedChange decode(List<AuditRecord> records, long receivedNs) {
    AuditRecord syscall = null;
    AuditRecord cwd = null;
    AuditRecord proctitle = null;
    List<AuditRecord> paths = new ArrayList<>(4);
    for (AuditRecord r : records) {
      switch (r.type()) {
        case RecordType.SYSCALL -> syscall = r;
        case RecordType.CWD -> cwd = r;
        case RecordType.PATH -> paths.add(r);
        case RecordType.PROCTITLE -> proctitle = r;
        default -> {}
      }
    }
    if (syscall == null) {
      return null;
    }
    byte[] title = proctitle == null ? null : proctitle.fieldBytes("proctitle");
    int pid = (int) syscall.fieldLong("pid", 0);
    String exe = text(syscall, "exe");
    boolean stale = staleTitle(pid, exe, title);
    if (key != null && !hasKey(syscall.fieldBytes("key"))) {
      return null;
    }
    String name = Interpreter.syscall(syscall.field("arch"), syscall.field("syscall"));
    boolean relativeToFd = usesDirFd(name, syscall);
    PathBytes cwdPath = cwd == null ? null : absolute(cwd.fieldBytes("cwd"));
    paths.sort(Comparator.comparingLong(p -> p.fieldLong("item", 0)));
    List<PathItem> items = new ArrayList<>(paths.size());
    for (AuditRecord p : paths) {
      items.add(item(p, relativeToFd ? null : cwdPath));
    }
    Actor actor = actor(syscall, pid, exe, stale ? null : title);
    return new AuditedChange(
        syscall.serial(),
        syscall.timestampMillis() * 1_000_000L,
        receivedNs,
        name,
        syscall.fieldIs("success", "yes"),
        syscall.fieldLong("exit", 0),
        syscall.fieldLong("uid", Actor.UNSET_ID),
        actor,
        items);
  }

  /**
   * Whether the event is the kernel's CONFIG_CHANGE for an {@code AUDIT_ADD_RULE} of a rule with
   * fim's key (kernel/auditfilter.c {@code audit_log_rule_change}: logged for every attempt, {@code
   * res=0} when refused).
   */
  boolean isRuleAdd(List<AuditRecord> records) {
    for (AuditRecord r : records) {
      if (r.type() == RecordType.CONFIG_CHANGE
          && "add_rule".equals(r.field("op"))
          && hasKey(r.fieldBytes("key"))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code key=} may hold several keys separated by \x01 (auditctl -k twice); null or "(null)"
   * holds none.
   */
  private boolean hasKey(byte[] value) {
    if (key == null) {
      return true;
    }
    if (value == null) {
      return false;
    }
    int start = 0;
    for (int i = 0; i <= value.length; i++) {
      if (i == value.length || value[i] == 1) {
        if (Arrays.equals(value, start, i, key, 0, key.length)) {
          return true;
        }
        start = i + 1;
      }
    }
    return false;
  }

  /** Whether a directory-fd argument of the syscall is a real fd (not AT_FDCWD). */
  private static boolean usesDirFd(String syscall, AuditRecord r) {
    int[] args = DIRFD_ARGS.get(syscall);
    if (args == null) {
      return false;
    }
    for (int a : args) {
      String hex = r.field("a" + a);
      if (hex == null) {
        return true; // not logged: do not guess
      }
      try {
        if ((Long.parseUnsignedLong(hex, 16) & 0xffffffffL) != AT_FDCWD) {
          return true;
        }
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return false;
  }

  private static PathItem item(AuditRecord p, PathBytes cwd) {
    byte[] raw = p.fieldBytes("name");
    PathBytes name =
        raw == null || raw.length == 0 || Arrays.equals(raw, NULL_NAME) ? null : PathBytes.of(raw);
    PathBytes path = null;
    if (name != null) {
      if (raw[0] == '/') {
        path = fold(raw);
        if (path.equals(name)) {
          // One object for both when folding changed nothing (the usual absolute name): the index
          // holds up to 65,536 changes, and a burst kept them in an old generation collected in
          // full.
          path = name;
        }
      } else if (cwd != null) {
        path = fold(cwd.resolve(raw).toBytes());
      }
    }
    int major = -1;
    int minor = -1;
    String dev = p.field("dev");
    if (dev != null) {
      int colon = dev.indexOf(':');
      try {
        if (colon > 0) {
          major = Integer.parseInt(dev.substring(0, colon), 16);
          minor = Integer.parseInt(dev.substring(colon + 1), 16);
        }
      } catch (NumberFormatException e) {
        major = -1;
        minor = -1;
      }
    }
    return new PathItem(
        name, path, p.fieldLong("inode", 0), major, minor, NameType.of(p.field("nametype")));
  }

  /** The kernel's {@code name=(null)}: an item without a name. */
  private static final byte[] NULL_NAME = "(null)".getBytes(StandardCharsets.US_ASCII);

  private static PathBytes absolute(byte[] cwd) {
    return cwd == null || cwd.length == 0 || cwd[0] != '/' ? null : fold(cwd);
  }

  /**
   * {@code //}, {@code /./} and {@code dir/..} folded lexically, as the names fim compares with
   * are. Lexical {@code ..} is wrong across a symlink; such a path then fails to join by name and
   * the inode still joins.
   */
  static PathBytes fold(byte[] abs) {
    // Segments kept so far as (start, length) pairs: a path of n bytes has at most n / 2 + 1.
    int[] segments = new int[2 * (abs.length / 2 + 1)];
    int kept = 0;
    int total = 0;
    int i = 0;
    while (i < abs.length) {
      while (i < abs.length && abs[i] == '/') {
        i++;
      }
      int start = i;
      while (i < abs.length && abs[i] != '/') {
        i++;
      }
      int len = i - start;
      if (len == 0 || (len == 1 && abs[start] == '.')) {
        continue;
      }
      if (len == 2 && abs[start] == '.' && abs[start + 1] == '.') {
        if (kept > 0) {
          kept--;
          total -= 1 + segments[2 * kept + 1];
        }
        continue;
      }
      segments[2 * kept] = start;
      segments[2 * kept + 1] = len;
      kept++;
      total += 1 + len;
    }
    if (kept == 0) {
      return PathBytes.of(new byte[] {'/'});
    }
    byte[] out = new byte[total];
    int at = 0;
    for (int k = 0; k < kept; k++) {
      out[at++] = '/';
      System.arraycopy(abs, segments[2 * k], out, at, segments[2 * k + 1]);
      at += segments[2 * k + 1];
    }
    return PathBytes.of(out);
  }

  /**
   * Whether {@code title} is the stale copy from before an exec (see the class comment); remembers
   * it if new.
   */
  private boolean staleTitle(int pid, String exe, byte[] title) {
    if (title == null || pid == 0) {
      return false;
    }
    Title seen = titles.get(pid);
    if (seen == null || !Arrays.equals(seen.proctitle(), title)) {
      titles.put(
          pid, new Title(exe, title)); // a new process on this pid, or a kernel that refreshes it
      return false;
    }
    return !java.util.Objects.equals(seen.exe(), exe);
  }

  private Actor actor(AuditRecord s, int pid, String exe, byte[] proctitle) {
    long auid = s.fieldLong("auid", Actor.UNSET_ID);
    long euid = s.fieldLong("euid", Actor.UNSET_ID);
    Actor a =
        new Actor(
            auid,
            names.userName(auid),
            euid,
            names.userName(euid),
            pid,
            (int) s.fieldLong("ppid", 0),
            exe,
            text(s, "comm"),
            args(proctitle),
            s.fieldLong("ses", Actor.UNSET_ID),
            tty(s.field("tty")));
    Actor last = actors.get(pid);
    if (a.equals(last)) {
      return last;
    }
    actors.put(pid, a);
    return a;
  }

  private static String text(AuditRecord r, String field) {
    String v = r.field(field);
    return v == null || v.equals("(null)") ? null : v;
  }

  /** The argv area as the kernel logged it: NUL-separated, possibly cut short. */
  static List<String> args(byte[] proctitle) {
    if (proctitle == null) {
      return null;
    }
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= proctitle.length; i++) {
      if (i == proctitle.length || proctitle[i] == 0) {
        if (i > start || i < proctitle.length) {
          out.add(new String(proctitle, start, i - start, StandardCharsets.UTF_8));
        }
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * {@code tty=pts0} → {@code pts/0} (as ps and {@code /proc} attribution name it); {@code (none)}
   * → null.
   */
  static String tty(String v) {
    if (v == null || v.equals("(none)")) {
      return null;
    }
    if (v.startsWith("pts") && v.length() > 3 && Character.isDigit(v.charAt(3))) {
      return "pts/" + v.substring(3);
    }
    return v;
  }
}

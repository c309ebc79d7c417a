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
  private final LinkedHashMap<Integer, Known> actors =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Known> eldest) {
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
   * The last actor of a pid and the record values it was made of: the next event of the pid with
   * the same values has an equal actor, so it is given this one without making its Strings again
   * (issue 18: the watch's listener made exe, comm, tty and the args per change only to find them
   * equal to the last ones). A value that differs only makes the actor anew and compares it, as
   * before. The byte arrays are the decoder's own copies, never handed out.
   */
  private record Known(
      Actor actor,
      long auid,
      long euid,
      String auidName,
      String uidName,
      int ppid,
      long ses,
      String exe,
      byte[] exeBytes,
      byte[] comm,
      byte[] tty,
      byte[] proctitle) {}

  /**
   * The last {@code arch} and {@code syscall} values and their name ({@link Interpreter#syscall} is
   * a function of the two): one writer's events repeat them.
   */
  private byte[] lastArch;

  private byte[] lastSyscall;
  private String lastSyscallName;

  /** The last CWD record's value and its path ({@link #absolute} of it; null if not absolute). */
  private byte[] lastCwd;

  private PathBytes lastCwdPath;

  private static final Comparator<AuditRecord> BY_ITEM =
      Comparator.comparingLong(p -> p.fieldLong("item", 0));

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
    int pid = (int) syscall.fieldLong("pid", 0);
    byte[] title = proctitle == null ? null : title(proctitle, pid);
    String exe = exe(syscall, pid);
    boolean stale = staleTitle(pid, exe, title);
    if (key != null && !syscall.fieldBytesAre("key", key) && !hasKey(syscall.fieldBytes("key"))) {
      return null;
    }
    String name = syscallName(syscall);
    boolean relativeToFd = usesDirFd(name, syscall);
    PathBytes cwdPath = cwd == null ? null : cwd(cwd);
    if (paths.size() > 1) {
      paths.sort(BY_ITEM);
    }
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

  /** {@link Interpreter#syscall} of the record's {@code arch} and {@code syscall}. */
  private String syscallName(AuditRecord syscall) {
    if (lastSyscallName != null
        && syscall.fieldBytesAre("arch", lastArch)
        && syscall.fieldBytesAre("syscall", lastSyscall)) {
      return lastSyscallName;
    }
    String name = Interpreter.syscall(syscall.field("arch"), syscall.field("syscall"));
    lastArch = syscall.fieldBytes("arch");
    lastSyscall = syscall.fieldBytes("syscall");
    lastSyscallName = name;
    return name;
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
      if (r.fieldBytesAre(ARG_NAMES[a], AT_FDCWD_HEX)) {
        continue; // the kernel's usual spelling of AT_FDCWD: the parse below gives the same
      }
      String hex = r.field(ARG_NAMES[a]);
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

  private static final String[] ARG_NAMES = {"a0", "a1", "a2", "a3"};

  /** AT_FDCWD as the kernel logs a 32-bit int argument in hex. */
  private static final byte[] AT_FDCWD_HEX = "ffffff9c".getBytes(StandardCharsets.US_ASCII);

  private static PathItem item(AuditRecord p, PathBytes cwd) {
    byte[] raw = p.fieldBytes("name");
    PathBytes name =
        raw == null || raw.length == 0 || p.fieldIsBareNull("name") ? null : PathBytes.of(raw);
    PathBytes path = null;
    if (name != null) {
      if (raw[0] == '/') {
        path = isFolded(raw) ? name : fold(raw);
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
    long plainDev = plainDev(p.fieldBytes("dev"));
    if (plainDev >= 0) {
      major = (int) (plainDev >>> 32);
      minor = (int) plainDev;
    } else if (plainDev == NOT_PLAIN) {
      String dev = p.field("dev");
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
        name, path, p.fieldLong("inode", 0), major, minor, nameType(p.fieldBytes("nametype")));
  }

  private static final long NO_DEV_FIELD = -1;
  private static final long NOT_PLAIN = -2;

  /**
   * {@code dev=fd:01} as the kernel writes it (one to seven hex digits each side of one colon) →
   * major << 32 | minor; {@link #NO_DEV_FIELD} when absent; {@link #NOT_PLAIN} for anything else,
   * which takes {@code Integer.parseInt} of the display string as before.
   */
  static long plainDev(byte[] dev) {
    if (dev == null) {
      return NO_DEV_FIELD;
    }
    int colon = -1;
    for (int i = 0; i < dev.length; i++) {
      if (dev[i] == ':') {
        colon = i;
        break;
      }
    }
    if (colon < 1 || colon > 7 || dev.length - colon - 1 < 1 || dev.length - colon - 1 > 7) {
      return NOT_PLAIN;
    }
    long major = hex(dev, 0, colon);
    long minor = hex(dev, colon + 1, dev.length);
    return major < 0 || minor < 0 ? NOT_PLAIN : major << 32 | minor;
  }

  /** b[from, to) as plain ASCII hex digits, or -1. */
  private static long hex(byte[] b, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      int c = b[i];
      int d =
          c >= '0' && c <= '9'
              ? c - '0'
              : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private static final byte[] NORMAL = ascii("NORMAL");
  private static final byte[] PARENT = ascii("PARENT");
  private static final byte[] CREATE = ascii("CREATE");
  private static final byte[] DELETE = ascii("DELETE");

  /**
   * {@link NameType#of} of the value's display string: the bytes are those four ASCII words exactly
   * when the display string is (a display string of other bytes holds a non-ASCII character or a
   * {@code \x} escape).
   */
  static NameType nameType(byte[] v) {
    if (v == null) {
      return NameType.UNKNOWN;
    }
    if (Arrays.equals(v, NORMAL)) return NameType.NORMAL;
    if (Arrays.equals(v, PARENT)) return NameType.PARENT;
    if (Arrays.equals(v, CREATE)) return NameType.CREATE;
    if (Arrays.equals(v, DELETE)) return NameType.DELETE;
    return NameType.UNKNOWN;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Whether {@link #fold} gives {@code abs} back unchanged: it starts with '/', has no empty,
   * {@code .} or {@code ..} segment and no trailing '/' (or is "/" itself).
   */
  static boolean isFolded(byte[] abs) {
    if (abs.length == 0 || abs[0] != '/') {
      return false;
    }
    if (abs.length == 1) {
      return true;
    }
    int start = 1;
    for (int i = 1; i <= abs.length; i++) {
      if (i == abs.length || abs[i] == '/') {
        int len = i - start;
        if (len == 0
            || (len == 1 && abs[start] == '.')
            || (len == 2 && abs[start] == '.' && abs[start + 1] == '.')) {
          return false;
        }
        start = i + 1;
      }
    }
    return true;
  }

  /**
   * The PROCTITLE's bytes: the pid's last ones (the same array, never changed) when they are equal,
   * else a copy.
   */
  private byte[] title(AuditRecord proctitle, int pid) {
    Title seen = titles.get(pid);
    if (seen != null && proctitle.fieldBytesAre("proctitle", seen.proctitle())) {
      return seen.proctitle();
    }
    return proctitle.fieldBytes("proctitle");
  }

  /** {@code text(syscall, "exe")}: the pid's last String when the bytes are the same. */
  private String exe(AuditRecord syscall, int pid) {
    Known last = actors.get(pid);
    if (last != null && syscall.fieldBytesAre("exe", last.exeBytes())) {
      return last.exe();
    }
    return text(syscall, "exe");
  }

  /** The CWD record's path, folded; the last one when its bytes are the same (one writer's cwd). */
  private PathBytes cwd(AuditRecord cwd) {
    if (lastCwd != null && cwd.fieldBytesAre("cwd", lastCwd)) {
      return lastCwdPath;
    }
    byte[] raw = cwd.fieldBytes("cwd");
    PathBytes path = absolute(raw);
    if (raw != null) {
      lastCwd = raw;
      lastCwdPath = path;
    }
    return path;
  }

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
    String auidName = names.userName(auid);
    String uidName = names.userName(euid);
    int ppid = (int) s.fieldLong("ppid", 0);
    long ses = s.fieldLong("ses", Actor.UNSET_ID);
    Known last = actors.get(pid);
    if (last != null
        && last.auid() == auid
        && last.euid() == euid
        && last.ppid() == ppid
        && last.ses() == ses
        && java.util.Objects.equals(last.auidName(), auidName)
        && java.util.Objects.equals(last.uidName(), uidName)
        && java.util.Objects.equals(last.exe(), exe)
        && Arrays.equals(last.proctitle(), proctitle)
        && s.fieldBytesAre("comm", last.comm())
        && s.fieldBytesAre("tty", last.tty())) {
      return last.actor();
    }
    Actor a =
        new Actor(
            auid,
            auidName,
            euid,
            uidName,
            pid,
            ppid,
            exe,
            text(s, "comm"),
            args(proctitle),
            ses,
            tty(s.field("tty")));
    if (last != null && a.equals(last.actor())) {
      a = last.actor();
    }
    actors.put(
        pid,
        new Known(
            a,
            auid,
            euid,
            auidName,
            uidName,
            ppid,
            ses,
            exe,
            s.fieldBytes("exe"),
            s.fieldBytes("comm"),
            s.fieldBytes("tty"),
            proctitle));
    return a;
  }

  private static String text(AuditRecord r, String field) {
    String v = r.field(field);
    return v == null || r.fieldIsBareNull(field) ? null : v; // a quoted "(null)" is a value
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

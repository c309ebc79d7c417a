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
 * ({@code loginuid}, which survives sudo), effective uid and parent ({@code status}), executable ({@code exe}),
 * command name and line, audit session and terminal. The fallback attribution ({@code fim.attribution: "proc"})
 * when audit records are not correlated: it is racy by nature (a process that exits before its event is read is
 * gone; a pid may be reused), so it is read on the source's thread as the event arrives, and an answer is kept for
 * {@value #TTL_MS} ms per pid so a burst of writes by one process costs one lookup.
 *
 * <p>One thread (the source's); not thread-safe. User names come from {@code /etc/passwd}, read once.
 */
public final class ProcAttributor {
  static final long TTL_MS = 1000;
  private static final int CAPACITY = 1024;
  private static final Actor GONE = new Actor(null, null, null, null, null, null, null, null, null, null, null);

  private final Path proc;
  private final LongSupplier clockMs;
  private final LinkedHashMap<Integer, Cached> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Cached> eldest) {
      return size() > CAPACITY;
    }
  };
  private Map<Long, String> userNames;
  private long lookups;

  private record Cached(Actor actor, long atMs) {}

  /** Reads the real {@code /proc}. */
  public ProcAttributor() {
    this(Path.of("/proc"), System::currentTimeMillis);
  }

  ProcAttributor(Path proc, LongSupplier clockMs) {
    this.proc = proc;
    this.clockMs = clockMs;
  }

  /** The process {@code pid} as it is now, or null when it is gone (or pid is 0: the source did not say). */
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
      return new Actor(auid, auid == null ? null : userName(auid), uid, uid == null ? null : userName(uid), pid,
          ppid == null ? null : ppid.intValue(), exe, comm, args, session, tty);
    } catch (IOException | RuntimeException e) {
      return null; // gone (ENOENT, ESRCH) or unreadable: no attribution rather than a wrong one
    }
  }

  private static Long field(String status, String key, int index) {
    int at = status.indexOf("\n" + key);
    if (at < 0) {
      return null;
    }
    int end = status.indexOf('\n', at + 1);
    String[] parts = status.substring(at + 1 + key.length(), end < 0 ? status.length() : end).trim().split("\\s+");
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

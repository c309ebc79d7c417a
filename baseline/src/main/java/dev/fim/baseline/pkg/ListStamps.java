package dev.fim.baseline.pkg;

import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What says whether dpkg's file lists are still the ones an {@link OwnerCache} was built from: the
 * {@code info/} directory's stamp and, in the directory's order, each regular {@code *.list} file's
 * name and stamp. A stamp is device, inode, size, modification and status-change time (ns): any
 * write to a file moves its ctime, which no system call sets back, and any entry added, removed or
 * renamed in the directory moves the directory's. Read with the scan's own libc calls (one {@code
 * fstatat} per list, no objects per entry beyond the stamp).
 */
final class ListStamps {
  /** One stamp: what {@code fstatat} says of a file, the fields a writer cannot keep still. */
  record Stamp(long dev, long ino, long size, long mtimeNs, long ctimeNs) {
    static Stamp of(StatInfo s) {
      return new Stamp(s.dev(), s.ino(), s.size(), s.mtimeNs(), s.ctimeNs());
    }

    /**
     * Field by field: a record's generated equals goes through a method handle chain, which a cold
     * JVM interprets at ~10 µs a call, and the cache asks it once per list.
     */
    boolean sameAs(StatInfo s) {
      return dev == s.dev()
          && ino == s.ino()
          && size == s.size()
          && mtimeNs == s.mtimeNs()
          && ctimeNs == s.ctimeNs();
    }

    /** The later of the two times (the cache is not written while a file may still change). */
    long latestNs() {
      return Math.max(mtimeNs, ctimeNs);
    }
  }

  private static final byte[] SUFFIX = ".list".getBytes(StandardCharsets.US_ASCII);

  final Stamp dir;
  final List<byte[]> names;
  final List<Stamp> lists;

  ListStamps(Stamp dir, List<byte[]> names, List<Stamp> lists) {
    this.dir = dir;
    this.names = names;
    this.lists = lists;
  }

  /**
   * Lists {@code info} and stamps each regular {@code *.list} in it, as the full read takes them (a
   * name that is only ".list" and anything not a regular file, symlinks included, left out).
   *
   * @throws IOException when {@code info} cannot be opened without following a symlink, or read
   */
  static ListStamps read(Path info) throws IOException {
    PathBytes where = PathBytes.ofUtf8(info.toAbsolutePath().toString());
    DirCalls calls = new DirCalls();
    int fd = calls.openDirectory(DirCalls.AT_FDCWD, where.toBytes(), where);
    try {
      Stamp dir = Stamp.of(calls.fstat(fd, where));
      List<byte[]> all = new ArrayList<>();
      while (calls.readEntries(fd, where, (name, type) -> all.add(name)) > 0) {
        // every batch of getdents64, in the directory's order
      }
      List<byte[]> names = new ArrayList<>();
      List<Stamp> lists = new ArrayList<>();
      for (byte[] name : all) {
        if (name.length <= SUFFIX.length
            || !Arrays.equals(
                name, name.length - SUFFIX.length, name.length, SUFFIX, 0, SUFFIX.length)) {
          continue;
        }
        StatInfo s = calls.lstatAt(fd, name, where);
        if (s.isRegularFile()) {
          names.add(name);
          lists.add(Stamp.of(s));
        }
      }
      return new ListStamps(dir, names, lists);
    } finally {
      calls.close(fd);
    }
  }

  /**
   * Whether the list table {@code table} of a kept index (int count, then per list u16 length, name
   * and stamp, as {@link OwnerCache} writes it) names {@code count} distinct {@code *.list} files
   * of {@code info}, each a regular file that still has its stamp, in a directory that still has
   * the stamp {@code dir} (so every entry names the same inode as then): every list, none left out,
   * none changed, nothing after the table. False as soon as one is not so, and for a table cut
   * short.
   *
   * <p>One pass over the table with one descriptor of the directory, each list's checks in a method
   * of its own ({@link #listIsAsSealed}), which the JIT compiles after some hundred calls. The same
   * checks as two loops over ~1,000 lists (the table parsed into names and stamps, then every stamp
   * compared) each ran in the interpreter to its end: 5-6 and 7-8 ms of a 1-file update's main
   * thread, against ~2 ms for the system calls alone (issue 18, session 16).
   */
  static boolean tableIsCurrent(Path info, Stamp dir, ByteBuffer table, int count) {
    PathBytes where = PathBytes.ofUtf8(info.toAbsolutePath().toString());
    DirCalls calls = new DirCalls();
    int fd;
    try {
      fd = calls.openDirectory(DirCalls.AT_FDCWD, where.toBytes(), where);
    } catch (IOException e) {
      return false;
    }
    try {
      if (!dir.sameAs(calls.fstat(fd, where)) || table.getInt() != count) {
        return false;
      }
      Set<String> distinct = new HashSet<>(count * 2);
      for (int i = 0; i < count; i++) {
        if (!listIsAsSealed(table, calls, fd, where, distinct)) {
          return false;
        }
      }
      return !table.hasRemaining();
    } catch (IOException | RuntimeException e) {
      return false; // a list gone or unreadable, or a table cut short
    } finally {
      calls.close(fd);
    }
  }

  /**
   * The next list of {@code table}: its name one name of {@code info/} ending in {@code .list}, not
   * seen before in the table, and the file a regular file with the stamp the table gives.
   */
  private static boolean listIsAsSealed(
      ByteBuffer table, DirCalls calls, int fd, PathBytes where, Set<String> distinct)
      throws IOException {
    byte[] name = new byte[table.getShort() & 0xffff];
    table.get(name);
    String n = new String(name, StandardCharsets.ISO_8859_1);
    if (!n.endsWith(".list") || n.indexOf('/') >= 0 || n.indexOf('\0') >= 0 || !distinct.add(n)) {
      return false;
    }
    long dev = table.getLong();
    long ino = table.getLong();
    long size = table.getLong();
    long mtimeNs = table.getLong();
    long ctimeNs = table.getLong();
    StatInfo s = calls.lstatAt(fd, name, where);
    return s.isRegularFile()
        && s.dev() == dev
        && s.ino() == ino
        && s.size() == size
        && s.mtimeNs() == mtimeNs
        && s.ctimeNs() == ctimeNs;
  }

  /** The latest modification or status change among the directory and its lists. */
  long latestNs() {
    long t = dir.latestNs();
    for (Stamp s : lists) {
      t = Math.max(t, s.latestNs());
    }
    return t;
  }
}

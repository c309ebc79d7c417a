package dev.fim.baseline;

import dev.fim.baseline.capture.XattrReader;
import dev.fim.baseline.hash.ContentHasher;
import dev.fim.baseline.hash.HashResult;
import dev.fim.baseline.walk.DirCalls;
import dev.fim.baseline.walk.StatInfo;
import dev.fim.store.Digest;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.PathBytes;
import dev.fim.store.Xattr;
import dev.fim.store.sys.NativeException;
import java.util.List;
import jnr.constants.platform.Errno;

/**
 * Turns one directory entry into a {@link FileRecord}: lstat, selection, symlink target, xattrs,
 * content hash, in the manner of AIDE's {@code do_md.c}, and reports what it could not do as {@link
 * ScanProblem}s. One per worker thread (it uses the worker's native buffers); not thread-safe.
 *
 * <p>The order of checks is the point:
 *
 * <ol>
 *   <li>{@code fstatat(AT_SYMLINK_NOFOLLOW)}: the type comes from here, never from following.
 *   <li>Only a regular file is ever opened ({@code O_NOFOLLOW|O_NOATIME|O_NONBLOCK}); the fd is
 *       then {@code fstat}ed and must still be a regular file with the lstat's dev/ino, else the
 *       name changed under us (replaced by a FIFO or a symlink): capture the entry afresh once,
 *       then give up with {@link ScanProblem.Kind#NOT_A_REGULAR_FILE_ANYMORE}.
 *   <li>Shortcut for the common case: an entry the listing's {@code d_type} calls a regular file,
 *       whose content or xattrs are wanted, is opened that way without the lstat, and the fd's
 *       {@code fstat} is its stat (one syscall less per file). O_NOFOLLOW and O_NONBLOCK make that
 *       open as harmless as after an lstat: a symlink swapped in fails with ELOOP, a FIFO opens
 *       without blocking. Whatever the fstat shows that is not a regular file, and any failed open
 *       but ENOENT, sends the entry down the lstat path above, unrecorded so far.
 *   <li>"The hash belongs to a writer" (DESIGN.md): after hashing, {@code fstat} again; if size,
 *       mtime or ctime moved, hash again, at most {@value #HASH_TRIES} times, then record no digest
 *       and say "changed during hashing".
 * </ol>
 */
final class EntryCapture {
  static final int HASH_TRIES = 3;
  private static final String HASH_SKIPPED = "hash skipped, attributes kept";

  private final Selector selector;
  private final ScanOutput out;
  private final DirCalls calls;
  private final XattrReader xattrs;
  private final ContentHasher hasher;

  EntryCapture(
      Selector selector, ScanOutput out, DirCalls calls, XattrReader xattrs, ContentHasher hasher) {
    this.selector = selector;
    this.out = out;
    this.calls = calls;
    this.xattrs = xattrs;
    this.hasher = hasher;
  }

  /**
   * Captures {@code name} in {@code dirFd} ({@link DirCalls#AT_FDCWD} and the whole path for a
   * root). {@code hint} is the listing's d_type (null if unknown): an entry the selection skips by
   * its type is not even lstat'ed. {@code lpath} names the entry itself for the l*xattr calls
   * (null: {@code /proc/self/fd/<dirFd>/<name>}, built only when needed).
   *
   * @return the entry's lstat when it is a directory the walk must descend into, else null
   */
  StatInfo capture(int dirFd, byte[] name, FileType hint, PathBytes path, byte[] lpath) {
    try {
      return capture(dirFd, name, hint, path, lpath, 1);
    } finally {
      out.entriesDone.increment();
    }
  }

  private StatInfo capture(
      int dirFd, byte[] name, FileType hint, PathBytes path, byte[] lpath, int attempt) {
    AttributeSet set = null;
    Boolean descend = null;
    if (hint != null) {
      set = selector.select(path, hint);
      if (set == null) {
        descend = hint == FileType.DIRECTORY && selector.descend(path);
        if (!descend) {
          return null;
        }
      } else if (hint == FileType.FILE && readsContent(set)) {
        // The listing says "regular file": open it and fstat the fd, without an lstat first.
        if (!captureContent(dirFd, name, path, lpath, null, set, set.hashAlgorithms(), attempt)) {
          return null;
        }
        hint = null; // not what the listing said (or not openable): lstat it, as below
        set = null;
      }
    }
    StatInfo st;
    try {
      st = calls.lstatAt(dirFd, name, path);
    } catch (NativeException e) {
      if (e.is(Errno.ENOENT)) {
        out.problem(
            path,
            ScanProblem.Kind.VANISHED,
            e.explain(null, "vanished since it was listed").getMessage());
      } else {
        out.problem(
            path, ScanProblem.Kind.UNREADABLE_ENTRY, e.explain(null, "not recorded").getMessage());
      }
      return null;
    }
    FileType type = FileType.ofMode(st.mode());
    if (type != hint) {
      set = selector.select(path, type);
      descend = null;
    }
    if (descend == null) {
      descend = type == FileType.DIRECTORY && selector.descend(path);
    }
    if (set != null) {
      boolean again = record(dirFd, name, path, lpath, st, type, set, attempt);
      if (again) {
        return capture(dirFd, name, null, path, lpath, attempt + 1);
      }
    }
    return descend ? st : null;
  }

  /**
   * Builds and emits the record; true when the entry must be captured afresh (it changed type or
   * inode).
   */
  private boolean record(
      int dirFd,
      byte[] name,
      PathBytes path,
      byte[] lpath,
      StatInfo st,
      FileType type,
      AttributeSet set,
      int attempt) {
    byte[] link = null;
    String problem = null;
    if (type == FileType.SYMLINK) {
      try {
        link = calls.readLinkAt(dirFd, name, path);
      } catch (NativeException e) {
        if (e.is(Errno.ENOENT)) {
          out.problem(
              path,
              ScanProblem.Kind.VANISHED,
              e.explain(null, "vanished since it was listed").getMessage());
          return false;
        }
        problem = e.explain(null, "link target not recorded").getMessage();
        out.problem(path, ScanProblem.Kind.UNREADABLE_FILE, problem);
      }
    }
    if (type == FileType.FILE && readsContent(set)) {
      return captureContent(dirFd, name, path, lpath, st, set, set.hashAlgorithms(), attempt);
    }
    List<Xattr> x = null;
    if (set.wantsXattrs()) {
      try {
        x = xattrs.readNoFollow(lpath != null ? lpath : DirCalls.procPath(dirFd, name), path);
      } catch (NativeException e) {
        problem = e.explain("for xattrs", "xattrs not recorded").getMessage();
        out.problem(path, ScanProblem.Kind.UNREADABLE_FILE, problem);
      }
    }
    emit(path, st, type, link, x, List.of(), set, problem);
    return false;
  }

  /** A regular file under {@code set} is opened: for its hashes or its xattrs. */
  private static boolean readsContent(AttributeSet set) {
    return !set.hashAlgorithms().isEmpty() || set.wantsXattrs();
  }

  /**
   * Opens, fstats, reads the xattrs of and hashes a regular file, and emits its record. {@code st}
   * is the entry's lstat, or null when the listing's d_type said "regular file" and no lstat was
   * made: then the fd's fstat is the only stat, and anything unexpected (not a regular file, an
   * open that fails other than ENOENT) returns true without a record or a problem, so that the
   * caller captures the entry the long way, lstat first.
   *
   * @return true when the entry must be captured afresh (it changed type or inode)
   */
  private boolean captureContent(
      int dirFd,
      byte[] name,
      PathBytes path,
      byte[] lpath,
      StatInfo st,
      AttributeSet set,
      List<HashAlgorithm> algorithms,
      int attempt) {
    int fd;
    try {
      fd = calls.openFile(dirFd, name, path);
    } catch (NativeException e) {
      if (e.is(Errno.ENOENT)) {
        out.problem(
            path,
            ScanProblem.Kind.VANISHED,
            st == null
                ? e.explain(null, "vanished since it was listed").getMessage()
                : e.explain("for hashing", "vanished since its lstat").getMessage());
        return false;
      }
      if (st == null) {
        return true; // a symlink or a socket now (ELOOP, ENXIO), or unreadable: the lstat tells
      }
      if (e.is(Errno.ELOOP) || e.is(Errno.ENXIO)) { // now a symlink (O_NOFOLLOW) or a socket
        return notRegularAnymore(
            path, st, set, attempt, e.explain("for hashing", null).getMessage());
      }
      String problem = e.explain("for hashing", HASH_SKIPPED).getMessage();
      out.problem(path, ScanProblem.Kind.UNREADABLE_FILE, problem);
      List<Xattr> x = null;
      if (set.wantsXattrs()) {
        try {
          x = xattrs.readNoFollow(lpath != null ? lpath : DirCalls.procPath(dirFd, name), path);
        } catch (NativeException xe) {
          out.problem(
              path,
              ScanProblem.Kind.UNREADABLE_FILE,
              xe.explain("for xattrs", "xattrs not recorded").getMessage());
        }
      }
      emit(path, st, FileType.FILE, null, x, List.of(), set, problem);
      return false;
    }
    try {
      StatInfo before = calls.fstat(fd, path);
      if (st == null) {
        if (!before.isRegularFile()) {
          return true; // replaced since it was listed (a FIFO, a directory…): the lstat tells
        }
        st = before;
      }
      if (!before.isRegularFile() || !before.sameInode(st)) {
        String what =
            !before.isRegularFile()
                ? "is a " + FileType.ofMode(before.mode()).label() + " since its lstat"
                : "names another inode since its lstat";
        return notRegularAnymore(
            path, st, set, attempt, "open " + path.display() + " for hashing: " + what);
      }
      List<Xattr> x = set.wantsXattrs() ? xattrs.readFd(fd, path) : null;
      if (!algorithms.isEmpty()) {
        out.bytesDiscovered.add(before.size());
      }
      if (algorithms.isEmpty()) {
        emit(path, before, FileType.FILE, null, x, List.of(), set, null);
        return false;
      }
      for (int i = 0; i < HASH_TRIES; i++) {
        HashResult r = hasher.hash(fd, before.size(), algorithms, path);
        out.bytesHashed.add(r.bytesRead());
        StatInfo after = calls.fstat(fd, path);
        if (!r.truncated() && after.sameContentStamp(before)) {
          emit(path, after, FileType.FILE, null, x, r.digests(), set, null);
          return false;
        }
        before = after;
      }
      String problem = "changed during hashing (" + HASH_TRIES + " tries); no hash recorded";
      out.problem(path, ScanProblem.Kind.CHANGED_DURING_HASH, path.display() + ": " + problem);
      emit(path, before, FileType.FILE, null, x, List.of(), set, problem);
      return false;
    } catch (NativeException e) {
      if (st == null) {
        return true; // its fstat failed: the lstat path records what can be recorded
      }
      String problem = e.explain("for hashing", HASH_SKIPPED).getMessage();
      out.problem(path, ScanProblem.Kind.UNREADABLE_FILE, problem);
      emit(path, st, FileType.FILE, null, null, List.of(), set, problem);
      return false;
    } finally {
      calls.close(fd);
    }
  }

  private boolean notRegularAnymore(
      PathBytes path, StatInfo st, AttributeSet set, int attempt, String why) {
    if (attempt < 2) {
      return true; // capture afresh: the new lstat tells what the name is now
    }
    String problem = why + "; nothing read, attributes of the lstat kept";
    out.problem(path, ScanProblem.Kind.NOT_A_REGULAR_FILE_ANYMORE, problem);
    emit(path, st, FileType.FILE, null, null, List.of(), set, problem);
    return false;
  }

  private void emit(
      PathBytes path,
      StatInfo st,
      FileType type,
      byte[] link,
      List<Xattr> x,
      List<Digest> digests,
      AttributeSet set,
      String problem) {
    out.record(
        path,
        new FileRecord(
            type,
            st.mode() & 07777,
            st.uid(),
            st.gid(),
            st.size(),
            st.blocks(),
            st.mtimeNs(),
            st.ctimeNs(),
            st.dev(),
            st.ino(),
            st.nlink(),
            link,
            x,
            digests,
            set.bits(),
            problem));
  }
}

package dev.fim.baseline.pkg;

import dev.fim.store.FileType;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;

/**
 * Which package owns a path and whether the file's content is the package's, from dpkg's database
 * ({@code /var/lib/dpkg}): the entry point of this package. The path index is built on the first
 * question and rebuilt only when dpkg has changed its database since ({@code status}, {@code info/}
 * or {@code diversions} has a new modification time or size), so a command reads it once and a
 * long-running watch after each package operation. A host without dpkg answers null to everything.
 * Thread-safe (one lock; questions are rare beside changes of package files).
 *
 * <p>What a verification proves, and what it cannot: see docs/security.md, "What package
 * verification proves".
 */
public final class PackageDatabase implements AutoCloseable {
  /** dpkg's database on Debian and its derivatives. */
  public static final Path DPKG = Path.of("/var/lib/dpkg");

  /**
   * A running watch: how long {@link #owner} answers from the database as last read without asking
   * whether dpkg changed it (three stat calls), and the least time between two full reads while
   * dpkg keeps changing it (a long {@code apt upgrade}): a full read of ~100k paths takes about 0.2
   * s, too much for every file of an upgrade. A path the last read does not know is looked up in a
   * fresh read at once; {@code md5sums} is always read from disk when asked.
   */
  public static final long FOLLOW_NS = 1_000_000_000L;

  private final Path root;
  private final long recheckNs;
  private final long reloadNs;
  private long stampCheckedNs;
  private long loadedNs;
  private boolean behind;
  private DpkgSnapshot snapshot;
  private List<Object> stamp;
  private FileMd5 md5;
  private String problem;
  private long loads;

  /** Reads the database under {@code root} once (what one command needs). */
  public PackageDatabase(Path root) {
    this(root, Long.MAX_VALUE, Long.MAX_VALUE);
  }

  /**
   * @param recheckNs how long {@link #owner} may skip asking whether the database changed ({@link
   *     #verify} always asks unless this is {@code Long.MAX_VALUE}: read once)
   * @param reloadNs the least time between two full reads of a changing database, unless a path is
   *     not found
   */
  public PackageDatabase(Path root, long recheckNs, long reloadNs) {
    this.root = Objects.requireNonNull(root, "root");
    this.recheckNs = recheckNs;
    this.reloadNs = reloadNs;
  }

  /** dpkg's database, read once (a command: check, update). */
  public static PackageDatabase dpkg() {
    return new PackageDatabase(DPKG);
  }

  /** dpkg's database, followed while it changes (a running watch; see {@link #FOLLOW_NS}). */
  public static PackageDatabase dpkgFollowing() {
    return new PackageDatabase(DPKG, FOLLOW_NS, FOLLOW_NS);
  }

  /** Reads the database now if it was not read yet (to keep the first question fast). */
  public synchronized void preload() {
    current(false);
  }

  /**
   * The package that owns {@code path}, without looking at the content ({@code verified} null), or
   * null when no package owns it.
   */
  public synchronized PackageOrigin owner(PathBytes path) {
    List<DpkgSnapshot.Owner> owners = owners(path, false);
    return owners.isEmpty() ? null : origin(owners.get(0), null, null);
  }

  /**
   * The package that owns {@code path} and whether the file's content now is what that package
   * records ({@code md5sums}, or the conffile's MD5 in {@code status}). A path several packages
   * name is verified if one of them records its content. Only a regular file's content is recorded:
   * any other {@code type} gets the owner only ({@code verified} null). Null when no package owns
   * the path.
   */
  public synchronized PackageOrigin verify(PathBytes path, FileType type) {
    List<DpkgSnapshot.Owner> owners = owners(path, true);
    DpkgSnapshot s = snapshot;
    if (owners.isEmpty()) {
      return null;
    }
    if (type != FileType.FILE) {
      return origin(owners.get(0), null, null);
    }
    FileMd5.Result actual = null;
    PackageOrigin firstFailure = null;
    for (DpkgSnapshot.Owner o : owners) {
      DpkgSnapshot.Expected want = s.expected(o);
      String why;
      if (want.md5() == null) {
        why = want.why();
      } else {
        if (actual == null) {
          actual = md5().of(path);
        }
        if (actual.md5() == null) {
          why = "its content could not be read: " + actual.problem();
        } else if (actual.md5().equals(want.md5())) {
          return origin(o, true, null);
        } else {
          why = "its MD5 " + actual.md5() + " differs from the package's " + want.md5();
        }
      }
      if (firstFailure == null) {
        firstFailure = origin(o, false, why);
      }
    }
    return firstFailure;
  }

  /**
   * Waits until dpkg changes its database after the last answer (at most {@code timeoutNs}), then
   * reads it again whole. For a file dpkg wrote that did not verify while dpkg still runs: dpkg
   * renames a package's files into place before it installs the package's {@code md5sums} and
   * records its new version, so an early look compares new content with the old record. Returns
   * whether the database changed.
   */
  public synchronized boolean awaitChange(long timeoutNs) throws InterruptedException {
    if (stamp == null) {
      return false;
    }
    long end = System.nanoTime() + timeoutNs;
    List<Object> seen = stamp;
    while (stamp().equals(seen)) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      wait(CHANGE_POLL_MS); // dpkg writes its files without any notification fim could wait on
    }
    stampCheckedNs = System.nanoTime();
    reload(stamp());
    return true;
  }

  private static final long CHANGE_POLL_MS = 20;

  /** Why the database could not be read, or null. */
  public synchronized String problem() {
    return problem;
  }

  /** How often the database was read (once, plus once per change dpkg made to it). */
  public synchronized long loads() {
    return loads;
  }

  @Override
  public synchronized void close() {
    if (md5 != null) {
      md5.close();
      md5 = null;
    }
  }

  private static PackageOrigin origin(DpkgSnapshot.Owner o, Boolean verified, String why) {
    DpkgStatus.Installed i = o.installed();
    boolean present =
        i != null && !i.state().equals("not-installed") && !i.state().equals("config-files");
    return new PackageOrigin(o.key(), present ? i.version() : null, verified, why);
  }

  private FileMd5 md5() {
    if (md5 == null) {
      md5 = new FileMd5();
    }
    return md5;
  }

  /**
   * The owners of {@code path} in the database as it is now, within the bounds of {@link
   * #FOLLOW_NS}: {@code fresh} (a write by dpkg) always asks whether dpkg changed the database; a
   * changed database is read again unless it was read less than {@code reloadNs} ago and knows the
   * path.
   */
  private List<DpkgSnapshot.Owner> owners(PathBytes path, boolean fresh) {
    DpkgSnapshot s = current(fresh && recheckNs != Long.MAX_VALUE);
    if (s == null) {
      return List.of();
    }
    List<DpkgSnapshot.Owner> owners = s.owners(path.toBytes());
    if (owners.isEmpty() && behind) {
      s = reload(stamp);
      return s == null ? List.of() : s.owners(path.toBytes());
    }
    return owners;
  }

  /** The snapshot (read on first use), re-read when due; null when there is no database. */
  private DpkgSnapshot current(boolean fresh) {
    long t = System.nanoTime();
    if (stamp == null) {
      stampCheckedNs = t;
      return reload(stamp());
    }
    if (recheckNs == Long.MAX_VALUE || (!fresh && t - stampCheckedNs < recheckNs)) {
      return snapshot;
    }
    stampCheckedNs = t;
    List<Object> now = stamp();
    if (now.equals(stamp) && !behind) {
      return snapshot;
    }
    if (snapshot != null && t - loadedNs < reloadNs) {
      behind = true; // read again when due, or at once for a path this read does not know
      if (!now.get(0).equals(stamp.get(0))) {
        try {
          snapshot.replaceStatus(root); // versions and conffiles stay current (cheap beside lists)
        } catch (IOException | RuntimeException e) {
          return reload(now);
        }
      }
      stamp = now;
      return snapshot;
    }
    return reload(now);
  }

  private DpkgSnapshot reload(List<Object> now) {
    stamp = now;
    behind = false;
    loadedNs = System.nanoTime();
    try {
      snapshot = DpkgSnapshot.load(root);
      problem = null;
      loads++;
    } catch (NoSuchFileException e) {
      snapshot = null;
      problem = "no package database: " + e.getFile() + " does not exist";
    } catch (IOException | RuntimeException e) {
      snapshot = null;
      problem = "the package database " + root + " cannot be read: " + e.getMessage();
    }
    return snapshot;
  }

  private List<Object> stamp() {
    return List.of(
        stampOf(root.resolve("status")),
        stampOf(root.resolve("info")),
        stampOf(root.resolve("diversions")));
  }

  private static String stampOf(Path p) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return a.lastModifiedTime().toInstant() + "/" + a.size() + "/" + a.fileKey();
    } catch (IOException e) {
      return "-";
    }
  }
}

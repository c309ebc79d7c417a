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
   * How long {@link #owner} may answer from the database as last read without asking whether dpkg
   * changed it (three stat calls): a change by anyone but dpkg needs no fresher owner, and a burst
   * of changes should not stat dpkg's files for each.
   */
  public static final long OWNER_STALENESS_NS = 1_000_000_000L;

  private final Path root;
  private final long ownerStalenessNs;
  private long stampCheckedNs;
  private DpkgSnapshot snapshot;
  private List<Object> stamp;
  private FileMd5 md5;
  private String problem;
  private long loads;

  public PackageDatabase(Path root) {
    this(root, OWNER_STALENESS_NS);
  }

  /**
   * @param ownerStalenessNs see {@link #OWNER_STALENESS_NS}
   */
  public PackageDatabase(Path root, long ownerStalenessNs) {
    this.root = Objects.requireNonNull(root, "root");
    this.ownerStalenessNs = ownerStalenessNs;
  }

  /** Reads the database now if it was not read yet (to keep the first question fast). */
  public synchronized void preload() {
    current(true);
  }

  /** dpkg's own database. */
  public static PackageDatabase dpkg() {
    return new PackageDatabase(DPKG);
  }

  /**
   * The package that owns {@code path}, without looking at the content ({@code verified} null), or
   * null when no package owns it.
   */
  public synchronized PackageOrigin owner(PathBytes path) {
    DpkgSnapshot s = current(false);
    if (s == null) {
      return null;
    }
    List<DpkgSnapshot.Owner> owners = s.owners(path.toBytes());
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
    DpkgSnapshot s = current(true);
    if (s == null) {
      return null;
    }
    List<DpkgSnapshot.Owner> owners = s.owners(path.toBytes());
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
   * The snapshot, re-read when dpkg changed its database since; null when there is none. Not {@code
   * fresh}: the last answer while it is younger than the staleness bound.
   */
  private DpkgSnapshot current(boolean fresh) {
    long t = System.nanoTime();
    if (!fresh && stamp != null && t - stampCheckedNs < ownerStalenessNs) {
      return snapshot;
    }
    stampCheckedNs = t;
    List<Object> now = stamp();
    if (snapshot != null && now.equals(stamp)) {
      return snapshot;
    }
    if (problem != null && now.equals(stamp)) {
      return null;
    }
    stamp = now;
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

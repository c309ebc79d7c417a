package dev.fim.baseline.pkg;

import dev.fim.store.FileType;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import dev.fim.store.seal.HmacSha256;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Which package owns a path and whether the file's content is the package's, from dpkg's database
 * ({@code /var/lib/dpkg}): the entry point of this package. The path index is built on the first
 * question and rebuilt only when dpkg has changed its database since ({@code status}, its journal
 * {@code updates/}, {@code info/} or {@code diversions} has a new modification time or size), so a
 * command reads it once and a long-running watch after each package operation. A host without dpkg
 * answers null to everything. Thread-safe (one lock; questions are rare beside changes of package
 * files).
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
  private final Path cacheFile;
  private final Supplier<HmacSha256> cacheMacs;
  private OwnerCache cache;
  private final LongSupplier wallClockNs;
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
    this(root, recheckNs, reloadNs, null, null, null);
  }

  /**
   * Reads the database under {@code root} once, through the sealed index kept at {@code cacheFile}
   * ({@link OwnerCache}: used while dpkg's file lists are as it was built from, written when they
   * had to be read), its MACs from {@code cacheMacs}.
   */
  public PackageDatabase(Path root, Path cacheFile, Supplier<HmacSha256> cacheMacs) {
    this(root, cacheFile, cacheMacs, () -> System.currentTimeMillis() * 1_000_000L);
  }

  /** As above, with the wall clock (ns since the epoch) that says whether the lists settled. */
  PackageDatabase(
      Path root, Path cacheFile, Supplier<HmacSha256> cacheMacs, LongSupplier wallClockNs) {
    this(
        root,
        Long.MAX_VALUE,
        Long.MAX_VALUE,
        Objects.requireNonNull(cacheFile, "cacheFile"),
        Objects.requireNonNull(cacheMacs, "cacheMacs"),
        wallClockNs);
  }

  private PackageDatabase(
      Path root,
      long recheckNs,
      long reloadNs,
      Path cacheFile,
      Supplier<HmacSha256> cacheMacs,
      LongSupplier wallClockNs) {
    this.root = Objects.requireNonNull(root, "root");
    this.recheckNs = recheckNs;
    this.reloadNs = reloadNs;
    this.cacheFile = cacheFile;
    this.cacheMacs = cacheMacs;
    this.wallClockNs = wallClockNs;
  }

  /** dpkg's database, read once (a command: check, update). */
  public static PackageDatabase dpkg() {
    return new PackageDatabase(DPKG);
  }

  /**
   * dpkg's database, read once by a command whose database directory is {@code dbDir}: the index of
   * its file lists is kept there ({@link OwnerCache#FILE_NAME}), sealed with {@code macs} (a key
   * derived from the seal key), so that a command that finds a few changes does not read every
   * list.
   */
  public static PackageDatabase dpkg(Path dbDir, Supplier<HmacSha256> macs) {
    return new PackageDatabase(DPKG, dbDir.resolve(OwnerCache.FILE_NAME), macs);
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
    if (!owners.isEmpty() && owners.get(0).version() == null) {
      // A package dpkg was installing at the last look (its list was in, its version not yet):
      // ask now, not up to FOLLOW_NS later (three stat calls, only for such a path)
      owners = owners(path, true);
    }
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

  /** Whether the answers come from the index kept beside fim's database (for the tests). */
  synchronized boolean fromCache() {
    return cache != null;
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
    closeCache();
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

  private void closeCache() {
    if (cache != null) {
      cache.close();
      cache = null;
    }
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
    List<DpkgSnapshot.Owner> owners;
    try {
      owners = ownersIn(s, path);
    } catch (OwnerCache.Unusable e) {
      s = reload(stamp, false); // a part of the kept index did not verify: read every list
      return s == null ? List.of() : s.owners(path.toBytes());
    }
    if (owners.isEmpty() && behind) {
      s = reload(stamp);
      return s == null ? List.of() : s.owners(path.toBytes());
    }
    return owners;
  }

  /** The owners in {@code s}, its {@code status} read first if it was left for the first owner. */
  private List<DpkgSnapshot.Owner> ownersIn(DpkgSnapshot s, PathBytes path) {
    try {
      return s.owners(path.toBytes());
    } catch (DpkgSnapshot.StatusNotRead e) {
      try {
        s.statusRead();
      } catch (IOException | RuntimeException x) {
        unreadable(x); // as when the full read finds no status: no answers
        return List.of();
      }
      return s.owners(path.toBytes());
    }
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
      if (!now.get(0).equals(stamp.get(0)) || !now.get(3).equals(stamp.get(3))) {
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
    return reload(now, true);
  }

  private DpkgSnapshot reload(List<Object> now, boolean cached) {
    stamp = now;
    behind = false;
    loadedNs = System.nanoTime();
    try {
      snapshot = read(cached);
      problem = null;
      loads++;
    } catch (IOException | RuntimeException e) {
      unreadable(e);
    }
    return snapshot;
  }

  private void unreadable(Exception e) {
    snapshot = null;
    closeCache();
    problem =
        e instanceof NoSuchFileException n
            ? "no package database: " + n.getFile() + " does not exist"
            : "the package database " + root + " cannot be read: " + e.getMessage();
  }

  /**
   * The database as it is now: through the kept index when there is one ({@code cached}) and it
   * verifies and is current, else from every list, kept for the next command.
   */
  private DpkgSnapshot read(boolean cached) throws IOException {
    closeCache();
    if (cacheFile == null) {
      return DpkgSnapshot.load(root);
    }
    if (cached) {
      OwnerCache c = OwnerCache.open(cacheFile, root, cacheMacs);
      if (c != null) {
        try {
          DpkgSnapshot s = DpkgSnapshot.load(root, c);
          cache = c;
          return s;
        } finally {
          if (cache != c) {
            c.close();
          }
        }
      }
    }
    ListStamps before = null;
    // The clock before the stamps: the lists must have been left alone for SETTLE_NS before they
    // were stamped, not before a read of ~1,000 lists that may itself take seconds ended
    long stampedAtNs = wallClockNs.getAsLong();
    try {
      before = ListStamps.read(root.resolve("info")); // before the lists are read (see OwnerCache)
    } catch (IOException | RuntimeException | LinkageError e) {
      // no stamps, no cache: the lists are read as before
    }
    DpkgSnapshot s = DpkgSnapshot.load(root);
    if (before != null && s.fullIndex() != null) {
      OwnerCache.write(cacheFile, root, before, s.keys(), s.fullIndex(), cacheMacs, stampedAtNs);
    }
    return s;
  }

  private List<Object> stamp() {
    return List.of(
        stampOf(root.resolve("status")),
        stampOf(root.resolve("info")),
        stampOf(root.resolve("diversions")),
        stampOf(root.resolve("updates")));
  }

  /**
   * The file's modification time, size and identity (device and inode), only ever compared. The
   * time as seconds and nanoseconds, not {@code Instant.toString()}: its first use sets up {@code
   * DateTimeFormatter}, ~2 ms of the main thread of a check or update at its first finding, for a
   * string nobody reads (issue 18, session 16).
   */
  private static String stampOf(Path p) {
    try {
      BasicFileAttributes a =
          Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      java.time.Instant t = a.lastModifiedTime().toInstant();
      return new StringBuilder(64)
          .append(t.getEpochSecond())
          .append('.')
          .append(t.getNano())
          .append('/')
          .append(a.size())
          .append('/')
          .append(a.fileKey())
          .toString();
    } catch (IOException e) {
      return "-";
    }
  }
}

package dev.fim.engine.packages;

import dev.fim.baseline.pkg.PackageDatabase;
import dev.fim.engine.correlate.ChangeEnrichment;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PackageOrigin;
import java.util.Set;

/**
 * Names the package of a changed file and, when the package manager wrote it, whether the content
 * it left is the package's (ECS {@code package.name}, {@code package.version}, fim's {@code
 * fim.package_verified}):
 *
 * <ul>
 *   <li>written by dpkg (the attributed executable is dpkg itself: apt, aptitude and
 *       unattended-upgrades install through it): the file's MD5 now is compared with the package's
 *       {@code md5sums} line or conffile record: {@code verified} true or false, and why not;
 *   <li>any other writer, or a removal: the owning package only ({@code verified} absent), so a
 *       change to a packaged file says whose file it was without claiming the package vouches for
 *       the change;
 *   <li>no writer known, a temporary, an overflow, a path no package owns: nothing.
 * </ul>
 *
 * The writer is the one attribution named (audit's {@code exe=} or {@code /proc/PID/exe}, both from
 * the kernel): a program copied elsewhere or named "dpkg" is not dpkg. Maintainer scripts dpkg runs
 * are other programs and get the owner only.
 */
public final class PackageEnricher implements ChangeEnrichment {
  /** dpkg's path on merged-/usr and on older hosts. */
  static final Set<String> PACKAGE_MANAGERS = Set.of("/usr/bin/dpkg", "/bin/dpkg");

  private final PackageDatabase db;
  private final long recordWaitNs;

  public PackageEnricher(PackageDatabase db) {
    this(db, RECORD_WAIT_NS);
  }

  /** With another bound than {@link #RECORD_WAIT_NS} (the tests: one no load reaches). */
  PackageEnricher(PackageDatabase db, long recordWaitNs) {
    this.db = db;
    this.recordWaitNs = recordWaitNs;
  }

  /** True when {@code executable} is the package manager itself. */
  public static boolean isPackageManager(String executable) {
    return executable != null && PACKAGE_MANAGERS.contains(executable);
  }

  /**
   * How long, in all, a dpkg write that does not verify waits for the running dpkg to record its
   * package ({@code md5sums} and the new version come after the files are in place); the comparator
   * waits with it, so this bounds the delay a forged package adds to later events.
   */
  static final long RECORD_WAIT_NS = 5_000_000_000L;

  /**
   * A dpkg write that did not verify, whose path no package owns yet, or whose package has no
   * version yet, while dpkg still runs: asked again each time dpkg changes its database, until it
   * verifies, dpkg has exited, or the bound. A new directory or file is reported before dpkg writes
   * the package's file list (its {@code .list} comes after unpacking), so an early look finds no
   * owner.
   */
  private PackageOrigin verifyWhenRecorded(ChangeEvent e, PackageOrigin first) {
    long end = System.nanoTime() + recordWaitNs; // in all: a forged package never verifies
    PackageOrigin latest = first;
    try {
      while (db.awaitChange(end - System.nanoTime())) {
        PackageOrigin again = db.verify(e.path(), e.after().type());
        if (again != null) {
          latest = again;
        }
        if (settled(again) || !running(e.actor().pid())) {
          return latest;
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return latest;
  }

  /**
   * An answer for a dpkg write that will not change while dpkg goes on: owned, verified (or a
   * directory) and with the package's version. dpkg puts a new package's list and {@code md5sums}
   * in {@code info/} before it records the package's version (in its journal, {@code updates/}), so
   * a look in between finds a verified file of a package without a version.
   */
  private static boolean settled(PackageOrigin p) {
    return p != null && !p.failed() && p.version() != null;
  }

  private static boolean running(Integer pid) {
    return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public ChangeEvent enrich(ChangeEvent e) {
    if (e.action() == Action.OVERFLOW || (e.after() == null && e.before() == null)) {
      return e;
    }
    PackageOrigin p;
    if (e.after() != null && e.actor() != null && isPackageManager(e.actor().executable())) {
      p = db.verify(e.path(), e.after().type());
      if (!settled(p) && running(e.actor().pid())) {
        p = verifyWhenRecorded(e, p);
      }
    } else {
      p = db.owner(e.path());
    }
    return p == null ? e : e.withPackage(p);
  }
}

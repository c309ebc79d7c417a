package dev.fim.cli.doctor;

import dev.fim.baseline.BaselineJob;
import dev.fim.store.PathBytes;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.seal.SealKey;
import dev.fim.store.seal.Sealer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * fim's own files: the database (exists, private, room to grow, sealed, seal verifies with the
 * key), the seal key (present, 0600, owned by root or the user, outside the watched trees) and how
 * long ago the last check ran. The database is opened read-only and without its lock, so a running
 * watch is not disturbed.
 */
public final class DatabaseChecks {
  /** Below this much free space the database's filesystem is a warning. */
  static final long LOW_SPACE = 1L << 30;

  /** A check older than this is a warning: the nightly timer or cron job is not running. */
  static final Duration CHECK_AGE = Duration.ofHours(48);

  private DatabaseChecks() {}

  /**
   * @param db the database directory
   * @param key the seal key file
   * @param selected whether the config selects a path (as a regular file), null when it did not
   *     parse
   */
  public static void run(Path db, Path key, Predicate<PathBytes> selected, Consumer<Finding> out) {
    SealKey sealKey = key(key, selected, out);
    if (!Files.isRegularFile(db.resolve("CURRENT"))) {
      out.accept(
          Finding.fail(
              "database.exists",
              "no fim database in " + db,
              "fim init --db " + db + " (as root: the default /var/lib/fim)"));
      return;
    }
    out.accept(Finding.ok("database.exists", "database " + db));
    permissions(db, out);
    space(db, out);
    try (Store store = Store.open(db, Store.OpenMode.READ_ONLY)) {
      seal(store, sealKey, out);
      lastCheck(store, System.currentTimeMillis() * 1_000_000L, out);
    } catch (StoreException e) {
      out.accept(
          Finding.fail(
              "database.open",
              e.getMessage(),
              "restore the database from a backup or make a new one with fim init"));
    }
  }

  static void permissions(Path db, Consumer<Finding> out) {
    try {
      PosixFileAttributes a =
          Files.readAttributes(db, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      int uid = (Integer) Files.getAttribute(db, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      long me = new com.sun.security.auth.module.UnixSystem().getUid();
      Set<PosixFilePermission> p = a.permissions();
      String mode = PosixFilePermissions.toString(p);
      if (uid != me) {
        out.accept(
            Finding.fail(
                "database.permissions",
                db + " belongs to uid " + uid + ", not to uid " + me + " running fim",
                "chown -R " + me + " " + db));
      } else if (!PosixFilePermissions.fromString("rwx------").containsAll(p)) {
        out.accept(
            Finding.fail(
                "database.permissions",
                db + " has mode " + mode + ": others can read the change history",
                "chmod 700 " + db));
      } else {
        out.accept(Finding.ok("database.permissions", db + " " + mode + ", uid " + uid));
      }
    } catch (IOException e) {
      out.accept(Finding.fail("database.permissions", db + ": " + e.getMessage(), "ls -ld " + db));
    }
  }

  static void space(Path db, Consumer<Finding> out) {
    try {
      long free = Files.getFileStore(db).getUsableSpace();
      String text = (free >> 20) + " MiB free on the database's filesystem";
      out.accept(
          free < LOW_SPACE
              ? Finding.warn(
                  "database.space", text, "free space there, or move the database (--db)")
              : Finding.ok("database.space", text));
    } catch (IOException e) {
      out.accept(Finding.warn("database.space", db + ": " + e.getMessage(), "df " + db));
    }
  }

  static void seal(Store store, SealKey key, Consumer<Finding> out) throws StoreException {
    if (store.getMeta(Sealer.META_SEAL) == null) {
      out.accept(
          Finding.fail(
              "database.seal",
              "the database holds no sealed baseline",
              "fim init (or fim update) seals one"));
      return;
    }
    if (key == null) {
      out.accept(
          Finding.fail(
              "database.seal",
              "sealed, but not verified: the seal key is not usable (see key)",
              "fix the key first"));
      return;
    }
    try {
      new Sealer(key).verify(store);
      out.accept(Finding.ok("database.seal", "sealed; the seal verifies with " + key.file()));
    } catch (SealException e) {
      out.accept(
          Finding.fail(
              "database.seal",
              e.getMessage(),
              "find out who changed the database; then fim init on a host you trust"));
    }
  }

  static void lastCheck(Store store, long nowNs, Consumer<Finding> out) throws StoreException {
    Long check = BaselineJob.lastCheckNs(store);
    Long base = BaselineJob.baselineNs(store);
    if (check == null) {
      String since = base == null ? "" : " (baseline made " + ago(nowNs - base) + " ago)";
      out.accept(
          Finding.warn(
              "check.last",
              "no fim check has run on this database" + since,
              "enable fim-check.timer (systemctl enable --now fim-check.timer) or a cron job"));
      return;
    }
    Duration age = Duration.ofNanos(Math.max(0, nowNs - check));
    String text = "last check " + ago(nowNs - check) + " ago";
    out.accept(
        age.compareTo(CHECK_AGE) > 0
            ? Finding.warn(
                "check.last",
                text,
                "is fim-check.timer (or the cron job) running? systemctl list-timers fim-check.timer")
            : Finding.ok("check.last", text));
  }

  static String ago(long ns) {
    Duration d = Duration.ofNanos(Math.max(0, ns));
    if (d.toDays() > 0) {
      return d.toDays() + " d " + d.toHoursPart() + " h";
    }
    if (d.toHours() > 0) {
      return d.toHours() + " h " + d.toMinutesPart() + " min";
    }
    return d.toMinutes() + " min " + d.toSecondsPart() + " s";
  }

  /** The key's checks; the loaded key when it is usable, else null. */
  static SealKey key(Path key, Predicate<PathBytes> selected, Consumer<Finding> out) {
    PosixFileAttributes a;
    try {
      a = Files.readAttributes(key, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      out.accept(
          Finding.fail(
              "key.present",
              "seal key " + key + " does not exist",
              "fim init creates it; or name the right one with --key or seal_key= in the config"));
      return null;
    } catch (IOException e) {
      out.accept(Finding.fail("key.present", key + ": " + e.getMessage(), "ls -l " + key));
      return null;
    }
    out.accept(Finding.ok("key.present", "seal key " + key));
    boolean fine = true;
    if (a.isRegularFile()
        && !PosixFilePermissions.fromString("rw-------").containsAll(a.permissions())) {
      out.accept(
          Finding.fail(
              "key.mode",
              "seal key "
                  + key
                  + " has mode "
                  + PosixFilePermissions.toString(a.permissions())
                  + ": whoever can read it can forge the seal",
              "chmod 600 " + key));
      fine = false;
    } else if (a.isRegularFile()) {
      out.accept(Finding.ok("key.mode", PosixFilePermissions.toString(a.permissions())));
    }
    if (selected != null && selected.test(PathBytes.ofUtf8(key.toString()))) {
      // fim leaves its own key out of every scan, but a key inside the watched trees is one an
      // intruder who changes the trees can reach, and the watch sees every read of it.
      out.accept(
          Finding.warn(
              "key.location",
              "the config selects the seal key " + key + " (fim leaves it out of its scans)",
              "move it outside the watched trees (e.g. /var/lib/fim.key) and set seal_key="));
    }
    SealKey loaded = null;
    try {
      loaded = SealKey.load(key);
    } catch (IOException e) {
      if (fine) {
        out.accept(
            Finding.fail(
                "key.file",
                e.getMessage(),
                "do as the message says (fim refuses this key until then)"));
      }
      return null;
    }
    if (fine) {
      out.accept(Finding.ok("key.file", "32 bytes, owner and directories safe"));
    }
    return loaded;
  }
}

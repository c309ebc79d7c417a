package dev.fim.cli.report;

import dev.fim.store.Action;
import dev.fim.store.Actor;
import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.AttributeChange;
import dev.fim.store.Attribution;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Digest;
import dev.fim.store.EventLog;
import dev.fim.store.FileRecord;
import dev.fim.store.FileType;
import dev.fim.store.HashAlgorithm;
import dev.fim.store.Origin;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.WatchCoverage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A realistic change history for the report benchmark (bench/report.sh) and tests: events spread
 * over a period, a /usr-and-/etc-like mix of paths and actions, most attributed to a few login
 * users (some through sudo, some daemons with auid unset), some unattributed check findings,
 * overflow and audit-loss events, about 60 % approved, and watch runs with a gap and a crash.
 * Appended through {@link EventLog#append} in batches, as fim records them.
 *
 * <p>{@code java … dev.fim.cli.report.SyntheticHistory DB-DIR COUNT [SEED]} fills a new database
 * (30 days ending now).
 */
public final class SyntheticHistory {
  private static final String[] DIRS = {
    "/etc",
    "/etc/ssh",
    "/etc/systemd/system",
    "/etc/nginx/sites-enabled",
    "/usr/bin",
    "/usr/sbin",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/python3/dist-packages/requests",
    "/usr/share/doc/openssl",
    "/var/www/html",
    "/var/www/html/assets",
    "/boot",
    "/opt/app/bin",
    "/opt/app/conf"
  };
  private static final String[][] USERS = {
    {"1001", "alice"}, {"1002", "bob"}, {"1003", "carol"}, {"1004", "deploy"}
  };
  private static final String[][] EXES = {
    {"/usr/bin/vim.basic", "vim"},
    {"/usr/bin/dpkg", "dpkg"},
    {"/usr/bin/cp", "cp"},
    {"/usr/bin/python3.11", "python3"},
    {"/usr/bin/rsync", "rsync"},
    {"/usr/sbin/nginx", "nginx"}
  };
  private static final int BATCH = 5_000;

  private SyntheticHistory() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: SyntheticHistory DB-DIR COUNT [SEED]");
      System.exit(2);
    }
    long count = Long.parseLong(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    long now = System.currentTimeMillis() * 1_000_000L;
    long span = 30L * 24 * 3600 * 1_000_000_000L;
    long t0 = System.nanoTime();
    try (Store store = Store.open(Path.of(args[0]), Store.OpenMode.CREATE)) {
      // Sealed as fim seals what it records, with the key fim finds by default beside the database
      // (DB-DIR.key).
      dev.fim.store.EvidenceChain.attach(
          store,
          dev.fim.store.seal.EvidenceKey.of(
              dev.fim.store.seal.SealKey.loadOrCreate(Path.of(args[0] + ".key"))),
          null,
          null);
      fill(store, count, seed, now - span, span);
      store.flush();
    }
    System.err.printf(
        "SyntheticHistory: %d events in %.1f s%n", count, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Appends {@code count} events spread evenly over {@code [startNs, startNs + spanNs)}, with
   * approvals and coverage.
   */
  static void fill(Store store, long count, long seed, long startNs, long spanNs) throws Exception {
    SplittableRandom r = new SplittableRandom(seed);
    EventLog log = new EventLog(store);
    Approvals approvals = new Approvals(store);
    // Watch ran for the first 40 % (ended), then not for 10 %, then crashed at 70 %, then ran again
    // to the end.
    run(store, startNs, startNs + spanNs * 4 / 10, true);
    run(store, startNs + spanNs / 2, startNs + spanNs * 7 / 10, false);
    run(store, startNs + spanNs * 75 / 100, startNs + spanNs, true);
    List<ChangeEvent> batch = new ArrayList<>(BATCH);
    long step = Math.max(1, spanNs / Math.max(1, count));
    for (long i = 0; i < count; i++) {
      batch.add(event(r, startNs + i * step + r.nextLong(Math.max(1, step)), i));
      if (batch.size() == BATCH || i == count - 1) {
        List<ChangeEvent> stored = log.append(batch);
        List<ChangeEvent> approve = new ArrayList<>();
        for (ChangeEvent e : stored) {
          if (e.action() != Action.OVERFLOW && r.nextInt(10) < 6) {
            approve.add(e);
          }
        }
        if (!approve.isEmpty()) {
          ChangeEvent last = approve.get(approve.size() - 1);
          approvals.approve(
              approve,
              new Approval(
                  last.timeNs() + 3_600_000_000_000L,
                  1001,
                  "alice",
                  0,
                  "root",
                  "CHG-" + (1000 + r.nextInt(9000))));
        }
        batch.clear();
      }
    }
  }

  private static void run(Store store, long start, long end, boolean ended) throws Exception {
    WatchCoverage.Run run =
        WatchCoverage.begin(
            store,
            start,
            "web1",
            "fanotify",
            dev.fim.store.Attribution.AUDIT,
            List.of(
                PathBytes.ofUtf8("/etc"), PathBytes.ofUtf8("/usr"), PathBytes.ofUtf8("/var/www")));
    if (ended) {
      run.end(end);
    } else {
      run.heartbeat(end);
    }
  }

  private static ChangeEvent event(SplittableRandom r, long t, long i) {
    if (i % 100_000 == 99_999) {
      boolean audit = r.nextBoolean();
      return new ChangeEvent(
          t,
          0,
          Action.OVERFLOW,
          PathBytes.ofUtf8("/usr"),
          null,
          null,
          null,
          List.of(),
          Origin.WATCH,
          Attribution.NONE,
          audit ? "audit records were lost" : "events were lost",
          audit
              ? "audit lost " + (1 + r.nextInt(50)) + " record(s); /usr rescanned, 3 changes found"
              : "fanotify queue overflow; /usr rescanned, 12 changes found");
    }
    String dir = DIRS[r.nextInt(DIRS.length)];
    PathBytes path =
        PathBytes.ofUtf8(dir + "/file-" + r.nextInt(20_000) + (r.nextInt(4) == 0 ? ".conf" : ""));
    int a = r.nextInt(100);
    Action action =
        a < 60
            ? Action.UPDATED
            : a < 75
                ? Action.CREATED
                : a < 85 ? Action.DELETED : a < 95 ? Action.ATTRIBUTES_MODIFIED : Action.MOVED;
    FileRecord before = action == Action.CREATED ? null : record(r, t - 86_400_000_000_000L);
    FileRecord after = action == Action.DELETED ? null : record(r, t);
    List<AttributeChange> changes = new ArrayList<>();
    if (action == Action.UPDATED || action == Action.MOVED) {
      changes.add(
          new AttributeChange(
              "content",
              "xxh3_128:" + before.digests().get(0).hex(),
              "xxh3_128:" + after.digests().get(0).hex()));
      changes.add(
          new AttributeChange("size", Long.toString(before.size()), Long.toString(after.size())));
    }
    if (action == Action.ATTRIBUTES_MODIFIED) {
      changes.add(new AttributeChange("permissions", "0644", "0600"));
    }
    if (before != null && after != null) {
      changes.add(
          new AttributeChange(
              "mtime", EventTime.of(before.mtimeNs()), EventTime.of(after.mtimeNs())));
    }
    PathBytes old = action == Action.MOVED ? PathBytes.ofUtf8(path.display() + ".dpkg-new") : null;
    if (r.nextInt(10) < 2) { // a check finding: no writer
      return new ChangeEvent(
          t,
          0,
          action,
          path,
          old,
          after,
          before,
          changes,
          Origin.CHECK,
          Attribution.NONE,
          "fim check compares states; it does not observe writers");
    }
    Actor actor;
    if (r.nextInt(10) == 0) {
      actor =
          new Actor(
              Actor.UNSET_ID,
              null,
              0L,
              "root",
              700 + r.nextInt(30000),
              1,
              "/usr/bin/dpkg",
              "dpkg",
              List.of("dpkg", "--configure", "-a"),
              Actor.UNSET_ID,
              null);
    } else {
      String[] u = USERS[r.nextInt(USERS.length)];
      String[] x = EXES[r.nextInt(EXES.length)];
      boolean sudo = r.nextBoolean();
      actor =
          new Actor(
              Long.parseLong(u[0]),
              u[1],
              sudo ? 0L : Long.parseLong(u[0]),
              sudo ? "root" : u[1],
              1000 + r.nextInt(60000),
              900 + r.nextInt(1000),
              x[0],
              x[1],
              List.of(x[1], path.display()),
              (long) (1 + r.nextInt(50)),
              "pts/" + r.nextInt(4));
    }
    return new ChangeEvent(
        t,
        0,
        action,
        path,
        old,
        after,
        before,
        changes,
        Origin.WATCH,
        Attribution.AUDIT,
        null,
        null,
        actor);
  }

  private static FileRecord record(SplittableRandom r, long mtime) {
    byte[] h = new byte[16];
    for (int k = 0; k < 16; k++) {
      h[k] = (byte) r.nextInt(256);
    }
    return new FileRecord(
        FileType.FILE,
        0644,
        0,
        0,
        r.nextInt(200_000),
        8,
        mtime,
        mtime,
        2049,
        100_000 + r.nextInt(1_000_000),
        1,
        null,
        null,
        List.of(new Digest(HashAlgorithm.XXH3_128, h)),
        0x1ffffL,
        null);
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}

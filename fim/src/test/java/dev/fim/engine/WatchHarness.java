package dev.fim.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fim.baseline.select.ConfigParser;
import dev.fim.engine.sink.EventSink;
import dev.fim.engine.source.Sources;
import dev.fim.store.Action;
import dev.fim.store.ChangeEvent;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real {@link Watcher} on a temp tree under /var/tmp (not /tmp: vim writes in place under /tmp,
 * and tmpfs FID support varies), with a collecting sink, real processes to make changes, and
 * event-based waiting: no sleeps.
 *
 * <p>{@link #barrier()} proves that nothing else is coming: it creates a new marker file, whose
 * notice waits the quiet window like every name event and so is compared after every notice that
 * came before it; once its {@code created} event is in, the events before it are all there is. The
 * markers live in their own directory.
 */
final class WatchHarness implements AutoCloseable {
  static final long DEADLINE_MS = 30_000;

  final Path tree;
  final Path dbDir;
  final Sources.Backend backend;

  /** The watcher's status lines; guarded by this harness (the watcher's threads append). */
  private final List<String> status = new ArrayList<>();

  private final List<ChangeEvent> events = new ArrayList<>();
  private int barriers;
  private java.util.concurrent.CountDownLatch gate;
  private int consumed;
  private Store store;
  private Watcher watcher;
  private long temporaryHoldNs = WatchSettings.TEMPORARY_HOLD_NS;

  /** Added to {@link System#nanoTime()} on the watcher's {@link Ticker}: see {@link #jumpClock}. */
  private volatile long clockOffsetNs;

  WatchHarness(Sources.Backend backend) throws IOException {
    this.backend = backend;
    this.tree = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watch-");
    this.dbDir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-watchdb-");
    Files.createDirectory(tree.resolve(".barriers"));
  }

  /** Starts watching with the given window and bounds and waits until the start-up scan is done. */
  WatchHarness start(long windowMs, int maxPending, long backPressureNs) throws Exception {
    return start(windowMs, maxPending, backPressureNs, false);
  }

  WatchHarness start(long windowMs, int maxPending, long backPressureNs, boolean reportTemporaries)
      throws Exception {
    return start(
        windowMs,
        maxPending,
        backPressureNs,
        reportTemporaries,
        WatchSettings.AttributionMode.PROC);
  }

  /**
   * {@code attribution} AUDIT installs audit rules for the tree (root); the other tests keep to
   * /proc.
   */
  WatchHarness start(
      long windowMs,
      int maxPending,
      long backPressureNs,
      boolean reportTemporaries,
      WatchSettings.AttributionMode attribution)
      throws Exception {
    return start(
        windowMs,
        maxPending,
        backPressureNs,
        reportTemporaries,
        attribution,
        WatchSettings.RULE_CHECK_NS);
  }

  WatchHarness start(
      long windowMs,
      int maxPending,
      long backPressureNs,
      boolean reportTemporaries,
      WatchSettings.AttributionMode attribution,
      long ruleCheckNs)
      throws Exception {
    int seen;
    synchronized (this) {
      seen = status.size();
    }
    startNoWait(windowMs, maxPending, backPressureNs, reportTemporaries, attribution, ruleCheckNs);
    awaitStatus(
        seen, s -> s.startsWith("recorded ") || s.startsWith("reconciled"), "the start-up scan");
    return this;
  }

  /** Starts watching; returns when the backend is ready, while the start-up scan may still run. */
  WatchHarness startNoWait(
      long windowMs,
      int maxPending,
      long backPressureNs,
      boolean reportTemporaries,
      WatchSettings.AttributionMode attribution,
      long ruleCheckNs)
      throws Exception {
    store = Store.open(dbDir.resolve("db"), Store.OpenMode.CREATE);
    PathBytes root = PathBytes.ofUtf8(tree.toString());
    var selector = ConfigParser.defaultConfig().selector(List.of(root));
    watcher =
        Watcher.start(
            new WatchSettings(
                store,
                selector,
                List.of(root),
                backend,
                TimeUnit.MILLISECONDS.toNanos(windowMs),
                maxPending,
                backPressureNs,
                2,
                List.of(new Collecting()),
                reportTemporaries,
                attribution,
                TimeUnit.MILLISECONDS.toNanos(2000), // --correlation-ms's default
                ruleCheckNs,
                this::status,
                temporaryHoldNs),
            List.of(),
            () -> System.nanoTime() + clockOffsetNs);
    return this;
  }

  /**
   * Moves the watcher's clock ahead by {@code ns} at once, as if that much time had passed: what
   * the engine times (quiet windows, the hold of temporaries, periodic checks) sees the jump, real
   * waits do not.
   */
  void jumpClock(long ns) {
    clockOffsetNs += ns;
  }

  /** The hold of likely temporaries for the next start (default: {@link Watcher}'s). */
  WatchHarness holdTemporaries(long ms) {
    temporaryHoldNs = TimeUnit.MILLISECONDS.toNanos(ms);
    return this;
  }

  WatchHarness start() throws Exception {
    return start(200, 65536, WatchSettings.BACK_PRESSURE_NS);
  }

  Watcher watcher() {
    return watcher;
  }

  /** Stops the watcher and closes the store; the tree stays (for a restart). */
  void stop() throws Exception {
    if (watcher != null) {
      watcher.stop();
      watcher.await();
      watcher = null;
    }
    if (store != null) {
      store.close();
      store = null;
    }
  }

  private synchronized void status(String line) {
    status.add(line);
    notifyAll();
  }

  /** A copy of the status lines so far (the watcher's threads may be adding to them). */
  synchronized List<String> statusLines() {
    return List.copyOf(status);
  }

  /** Waits for a status line matching {@code p} among those after the first {@code from}. */
  synchronized void awaitStatus(int from, Predicate<String> p, String what)
      throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (status.subList(from, status.size()).stream().noneMatch(p)) {
      long left = end - System.currentTimeMillis();
      if (left <= 0) {
        fail("no status line for " + what + " within " + DEADLINE_MS + " ms; got " + status);
      }
      wait(left);
    }
  }

  /** Waits for an event matching {@code p} and returns it. */
  synchronized ChangeEvent await(Predicate<ChangeEvent> p, String what)
      throws InterruptedException {
    long end = System.currentTimeMillis() + DEADLINE_MS;
    while (true) {
      for (ChangeEvent e : events) {
        if (p.test(e)) {
          return e;
        }
      }
      long left = end - System.currentTimeMillis();
      if (left <= 0) {
        fail(
            "no event for "
                + what
                + " within "
                + DEADLINE_MS
                + " ms ("
                + backend
                + "); events: "
                + describe(events));
      }
      wait(left);
    }
  }

  /**
   * Creates a marker and waits for its event; returns the events (other than markers) that arrived
   * since the last barrier, in order.
   */
  List<ChangeEvent> barrier() throws Exception {
    Path marker = tree.resolve(".barriers").resolve("b" + (++barriers));
    // By a child process: the fanotify source ignores this JVM's own writes (fim never writes in
    // its trees).
    run(List.of("sh", "-c", "echo barrier > \"$0\"", marker.toString()));
    PathBytes m = PathBytes.ofUtf8(marker.toString());
    await(e -> e.action() == Action.CREATED && e.path().equals(m), "barrier " + marker);
    synchronized (this) {
      List<ChangeEvent> out = new ArrayList<>();
      for (int i = consumed; i < events.size(); i++) {
        ChangeEvent e = events.get(i);
        if (!e.path().isUnder(PathBytes.ofUtf8(tree.resolve(".barriers").toString()))) {
          out.add(e);
        }
      }
      consumed = events.size();
      return out;
    }
  }

  /** From now on the sink blocks (like a stalled log pipeline) until {@link #openGate()}. */
  void closeGate() {
    gate = new java.util.concurrent.CountDownLatch(1);
  }

  void openGate() {
    gate.countDown();
  }

  synchronized List<ChangeEvent> all() {
    return List.copyOf(events);
  }

  PathBytes path(String relative) {
    return PathBytes.ofUtf8(tree.resolve(relative).normalize().toString());
  }

  /**
   * Runs {@code script} with sh in the tree under LC_ALL=C, as a real process; fails on a non-zero
   * exit.
   */
  void sh(String script) throws Exception {
    run(List.of("sh", "-c", script));
  }

  void run(List<String> command) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(command).directory(tree.toFile()).redirectErrorStream(true);
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      fail(command + " did not finish");
    }
    assertEquals(0, p.exitValue(), command + ": " + new String(out, StandardCharsets.UTF_8));
  }

  static String describe(List<ChangeEvent> es) {
    StringBuilder sb = new StringBuilder("[");
    for (ChangeEvent e : es) {
      sb.append("\n  ").append(e.action().label()).append(' ').append(e.path().display());
      if (e.oldPath() != null) {
        sb.append(" <- ").append(e.oldPath().display());
      }
      sb.append(' ').append(e.changedAttributes());
    }
    return sb.append(']').toString();
  }

  @Override
  public void close() throws Exception {
    try {
      stop();
    } finally {
      deleteTree(tree);
      deleteTree(dbDir);
    }
  }

  /** {@code rm -rf}: the tree holds names that Java's file API cannot spell under every locale. */
  static void deleteTree(Path p) throws Exception {
    Process rm = new ProcessBuilder("rm", "-rf", "--", p.toString()).inheritIO().start();
    if (!rm.waitFor(DEADLINE_MS, TimeUnit.MILLISECONDS) || rm.exitValue() != 0) {
      throw new IOException("rm -rf " + p + " failed");
    }
  }

  private final class Collecting implements EventSink {
    @Override
    public void emit(ChangeEvent e) {
      java.util.concurrent.CountDownLatch g = gate;
      if (g != null) {
        try {
          g.await();
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (WatchHarness.this) {
        events.add(e);
        WatchHarness.this.notifyAll();
      }
    }

    @Override
    public void flush() {}
  }
}

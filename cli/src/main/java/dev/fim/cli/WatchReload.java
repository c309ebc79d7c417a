package dev.fim.cli;

import dev.fim.baseline.Selector;
import dev.fim.baseline.select.Config;
import dev.fim.baseline.select.ConfigWarning;
import dev.fim.engine.WatchSettings;
import dev.fim.engine.WatchStatus;
import dev.fim.engine.Watcher;
import dev.fim.store.PathBytes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * SIGHUP's config reload for {@code fim watch}, and the watcher in use. A reload parses the config
 * again (on the signal's thread); a config that does not parse, or selects nothing, is refused with
 * the reason and the watch goes on with the config it has. A good one that changes the trees or the
 * rules replaces the watcher: the old one stops in order (every notice it received is compared and
 * recorded), the new one opens its source and reconciles every tree with the state the old one
 * left, so a change made in between is reported, not lost; an added tree the store knows nothing of
 * is recorded first, without events. When the new watcher cannot start (a tree that is not there),
 * the previous trees are watched again.
 */
final class WatchReload {
  /** A config and what it makes fim watch: the selection and the trees. */
  record Plan(Config config, Selector selector, List<PathBytes> roots) {}

  /** The plan for {@code cfg}: command-line paths, if any, override its roots. */
  static Plan plan(CommonOptions common, Config cfg, List<PathBytes> scope, Path keyFile) {
    Selector selector = common.selector(cfg, scope, keyFile);
    return new Plan(cfg, selector, scope.isEmpty() ? selector.roots() : scope);
  }

  /** Builds a watcher's settings for a plan. */
  interface SettingsFor {
    WatchSettings of(Plan plan);
  }

  private final CommonOptions common;
  private final List<PathBytes> scope;
  private final Path keyFile;
  private final Consumer<String> status;
  private final long sinceNs = System.nanoTime();
  private Plan plan;
  private Plan pending;
  private Watcher current;
  private long replacements;
  private WatchStatus earlier;
  private long reloads;
  private boolean stopping;

  WatchReload(
      CommonOptions common,
      List<PathBytes> scope,
      Path keyFile,
      Plan plan,
      Consumer<String> status) {
    this.common = common;
    this.scope = List.copyOf(scope);
    this.keyFile = keyFile;
    this.plan = plan;
    this.status = status;
  }

  synchronized void started(Watcher w) {
    current = w;
  }

  /** SIGTERM/SIGINT: stops the watcher in use; no reload starts another. */
  void stopAll() {
    Watcher w;
    synchronized (this) {
      stopping = true;
      pending = null;
      w = current;
    }
    w.stop();
  }

  /**
   * SIGHUP: parse the config again; when it changes what is watched, replace the watcher. True when
   * a replacement is under way (the watch loop restarts it), false when the config was refused,
   * unchanged, or the watch is stopping.
   */
  boolean request() {
    Plan now;
    synchronized (this) {
      if (stopping) {
        return false;
      }
      now = pending != null ? pending : plan;
    }
    List<ConfigWarning> warnings = new ArrayList<>();
    Config cfg;
    try {
      cfg = CommonOptions.loadConfig(common.config, warnings::add);
    } catch (ErrorHandler.ConfigError e) {
      refused(
          configFile(),
          "reload refused, still watching "
              + trees(now.roots().size())
              + " with the config loaded before: "
              + e.getMessage().strip().replaceAll("\\s*\\R\\s*", "; "));
      return false;
    }
    for (ConfigWarning w : warnings) {
      status.accept("reload: warning: " + w);
    }
    Plan next = plan(common, cfg, scope, keyFile);
    if (next.roots().isEmpty()) {
      refused(
          configFile(),
          "reload refused, still watching "
              + trees(now.roots().size())
              + ": the config "
              + cfg.source()
              + " selects nothing");
      return false;
    }
    List<PathBytes> added = minus(next.roots(), now.roots());
    List<PathBytes> removed = minus(now.roots(), next.roots());
    if (added.isEmpty()
        && removed.isEmpty()
        && Arrays.equals(next.config().digest(), now.config().digest())) {
      status.accept("reload: the config is unchanged");
      return false;
    }
    status.accept(
        "reloading the config "
            + cfg.source()
            + ": "
            + (added.isEmpty() ? "" : "adds " + names(added) + "; ")
            + (removed.isEmpty() ? "" : "removes " + names(removed) + "; ")
            + "the trees are reconciled after the switch");
    Watcher w;
    synchronized (this) {
      if (stopping) {
        return false;
      }
      pending = next;
      w = current;
    }
    w.stop();
    return true;
  }

  /**
   * A refused reload: said on stderr and recorded as a watch notice (database and outputs), so a
   * log pipeline sees that the config on disk is not the one in force, and why.
   */
  private void refused(String configFile, String message) {
    status.accept(message);
    Watcher w;
    synchronized (this) {
      w = current;
    }
    if (w != null) {
      w.notice(PathBytes.ofUtf8(configFile), "config reload refused", message);
    }
  }

  /** The config file a reload reads (what {@link CommonOptions#loadConfig} reads). */
  private String configFile() {
    return (common.config != null ? common.config : CommonOptions.SYSTEM_CONFIG).toString();
  }

  /** The plan a reload asked for since the watcher in use started, or null. */
  synchronized Plan takePending() {
    Plan p = pending;
    pending = null;
    return p;
  }

  /**
   * Replaces the stopped watcher {@code old} with one for {@code next} (or, when that cannot start,
   * for the plan in use); the new watcher.
   */
  Watcher restart(Watcher old, Plan next, SettingsFor settings) throws Exception {
    WatchStatus done;
    synchronized (this) {
      done = old.status(sinceNs, reloads, earlier);
    }
    Watcher w;
    Plan using;
    try {
      w = Watcher.start(settings.of(next), minus(next.roots(), plan.roots()));
      using = next;
      status.accept(
          "reloaded: watching "
              + trees(next.roots().size())
              + " with "
              + w.backendDescription()
              + "; attribution: "
              + w.attributionDescription());
    } catch (java.io.IOException | dev.fim.store.StoreException | RuntimeException e) {
      status.accept(
          "reload failed ("
              + e.getMessage()
              + "); watching the "
              + trees(plan.roots().size())
              + " of the config loaded before");
      w = Watcher.start(settings.of(plan));
      using = plan;
    }
    synchronized (this) {
      earlier = done;
      current = w;
      replacements++;
      plan = using;
      if (using == next) {
        reloads++;
      }
      if (pending != null || stopping) {
        w.stop(); // another SIGHUP (or a stop) came while this one started
      }
    }
    return w;
  }

  /**
   * The watcher in use's {@link Watcher#progress} plus the replacements made so far (a new watcher
   * counts from zero again): what systemd's watchdog keep-alive is sent for.
   */
  long progress() {
    Watcher w;
    long r;
    synchronized (this) {
      w = current;
      r = replacements;
    }
    return (w == null ? 0 : w.progress()) + (r << 48);
  }

  /** "watching N trees with BACKEND" for the watcher in use (the service manager's STATUS). */
  synchronized String statusLine() {
    return WatchCommand.watching(plan.roots().size(), current);
  }

  /** The watch's status since it started, across reloads. */
  synchronized WatchStatus status() {
    return current.status(sinceNs, reloads, earlier);
  }

  private static List<PathBytes> minus(List<PathBytes> a, List<PathBytes> b) {
    List<PathBytes> out = new ArrayList<>(a);
    out.removeAll(b);
    return out;
  }

  private static String names(List<PathBytes> roots) {
    StringBuilder sb = new StringBuilder();
    for (PathBytes r : roots) {
      sb.append(sb.length() == 0 ? "" : " ").append(r.display());
    }
    return sb.toString();
  }

  private static String trees(int n) {
    return n + (n == 1 ? " tree" : " trees");
  }
}

package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.ChangeAttributor;
import dev.fim.baseline.Selector;
import dev.fim.baseline.select.Config;
import dev.fim.store.PathBytes;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.seal.SealKey;
import dev.fim.store.seal.Sealer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/**
 * Opens what init/check/update need — config, store, seal key — and closes it. Keeps the three
 * commands to their option mapping and output.
 */
final class BaselineSession implements AutoCloseable {
  final Store store;
  final BaselineJob job;
  final Path keyFile;
  final List<PathBytes> scope;
  private final ProgressLine progress;
  /** Seals the events and approvals this session records (evidence chain). */
  private Evidence evidence;

  private BaselineSession(Store store, BaselineJob job, Path keyFile, List<PathBytes> scope, ProgressLine progress) {
    this.store = store;
    this.job = job;
    this.keyFile = keyFile;
    this.scope = scope;
    this.progress = progress;
  }

  static BaselineSession open(CommonOptions common, List<String> pathArgs, boolean creating, PrintWriter err)
      throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    return open(common, pathArgs, creating, false, err, null);
  }

  /** @param attributor who made the changes a check finds (e.g. from audit.log), or null */
  static BaselineSession open(CommonOptions common, List<String> pathArgs, boolean creating, PrintWriter err,
      ChangeAttributor attributor) throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    return open(common, pathArgs, creating, false, err, attributor);
  }

  /**
   * As {@link #open(CommonOptions, List, boolean, PrintWriter, ChangeAttributor)}; with {@code keyOnlyWithBaseline}
   * a database without a baseline (only fim watch wrote it) and without a seal key opens with no job ({@code job}
   * null): fim accept then records approvals alone.
   */
  static BaselineSession open(CommonOptions common, List<String> pathArgs, boolean creating,
      boolean keyOnlyWithBaseline, PrintWriter err, ChangeAttributor attributor)
      throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    Config cfg = common.loadConfig(err);
    Path keyFile = common.keyFile(cfg);
    List<PathBytes> scope = CommonOptions.paths(pathArgs);
    Selector selector = common.selector(cfg, scope, keyFile);
    Preload.await();
    Store store = common.openBorrowing(creating ? Store.OpenMode.CREATE : Store.OpenMode.EXISTING, err);
    try {
      if (keyOnlyWithBaseline && !store.hasAny(dev.fim.store.Column.BASELINE) && store.getMeta("seal") == null) {
        // No baseline to protect: a key for the approvals' evidence chain may be made (as fim watch does).
        BaselineSession s = new BaselineSession(store, null, keyFile, scope, null);
        s.evidence = Evidence.attach(common, store, Evidence.keyForWatch(store, keyFile), err);
        return s;
      }
      SealKey key = creating ? SealKey.loadOrCreate(keyFile) : SealKey.load(keyFile);
      Evidence evidence = Evidence.attach(common, store, key, err);
      ProgressLine progress = Terminal.stderrIsTerminal() ? new ProgressLine(err) : null;
      BaselineJob job = new BaselineJob(new BaselineJob.Settings(store, selector, new Sealer(key), cfg.digest(),
          common.threads(cfg), scope, progress == null ? null : progress::start, attributor));
      BaselineSession s = new BaselineSession(store, job, keyFile, scope, progress);
      s.evidence = evidence;
      return s;
    } catch (IOException | RuntimeException | dev.fim.store.SealException e) {
      store.close();
      throw e;
    }
  }

  /** Stops the progress line (call before printing the report). */
  void endProgress() {
    if (progress != null) {
      progress.stop();
    }
  }

  @Override
  public void close() {
    endProgress();
    if (evidence != null) {
      evidence.close();
    }
    store.close();
  }
}

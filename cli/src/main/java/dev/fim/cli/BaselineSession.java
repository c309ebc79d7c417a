package dev.fim.cli;

import dev.fim.baseline.BaselineJob;
import dev.fim.baseline.ChangeAttributor;
import dev.fim.baseline.Selector;
import dev.fim.baseline.pkg.PackageDatabase;
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
  private final Signals.Interruption signals;

  /** dpkg's database, asked about each finding; closed with the session. */
  private PackageDatabase packages;

  /** Seals the events and approvals this session records (evidence chain). */
  private Evidence evidence;

  private BaselineSession(
      Store store,
      BaselineJob job,
      Path keyFile,
      List<PathBytes> scope,
      ProgressLine progress,
      Signals.Interruption signals) {
    this.store = store;
    this.job = job;
    this.keyFile = keyFile;
    this.scope = scope;
    this.progress = progress;
    this.signals = signals;
  }

  /** A job of the session, run by {@link #run}. */
  interface Job<T> {
    T run() throws Exception;
  }

  /**
   * Runs {@code job} so that SIGINT/SIGTERM stop it with a message: exit 21, naming the signal and
   * what was left ({@code left}, e.g. "the baseline is as it was"). A signal that comes once the
   * job is past its last point of return (the new baseline is committed) lets it finish.
   */
  <T> T run(String command, String left, Job<T> job) throws Exception {
    Preload.awaitScan(); // the libc bindings, made by the preload while the store opened
    try {
      T result = job.run();
      Thread
          .interrupted(); // a signal too late to stop the job: it is done, and the output must not
      // be cut short
      return result;
    } catch (InterruptedException e) {
      String sig = signals.received();
      InterruptedException stop =
          new InterruptedException(
              command
                  + " stopped by "
                  + (sig == null ? "an interruption" : sig)
                  + " before it finished; "
                  + left
                  + " (database "
                  + store.dir()
                  + ")");
      stop.initCause(e);
      throw stop;
    }
  }

  static BaselineSession open(
      CommonOptions common, List<String> pathArgs, boolean creating, PrintWriter err)
      throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    return open(common, pathArgs, creating, false, err, null);
  }

  /**
   * @param attributor who made the changes a check finds (e.g. from audit.log), or null
   */
  static BaselineSession open(
      CommonOptions common,
      List<String> pathArgs,
      boolean creating,
      PrintWriter err,
      ChangeAttributor attributor)
      throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    return open(common, pathArgs, creating, false, err, attributor);
  }

  /**
   * As {@link #open(CommonOptions, List, boolean, PrintWriter, ChangeAttributor)}; with {@code
   * keyOnlyWithBaseline} a database without a baseline (only fim watch wrote it) and without a seal
   * key opens with no job ({@code job} null): fim accept then records approvals alone.
   */
  static BaselineSession open(
      CommonOptions common,
      List<String> pathArgs,
      boolean creating,
      boolean keyOnlyWithBaseline,
      PrintWriter err,
      ChangeAttributor attributor)
      throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    Signals.Interruption signals = Signals.interruptOnStop();
    try {
      return open(common, pathArgs, creating, keyOnlyWithBaseline, err, attributor, signals);
    } catch (ErrorHandler.ConfigError
        | StoreException
        | IOException
        | dev.fim.store.SealException
        | RuntimeException
        | Error e) {
      signals.close();
      throw e;
    }
  }

  private static BaselineSession open(
      CommonOptions common,
      List<String> pathArgs,
      boolean creating,
      boolean keyOnlyWithBaseline,
      PrintWriter err,
      ChangeAttributor attributor,
      Signals.Interruption signals)
      throws ErrorHandler.ConfigError, StoreException, IOException, dev.fim.store.SealException {
    Config cfg = common.loadConfig(err);
    Path keyFile = common.keyFile(cfg);
    List<PathBytes> scope = CommonOptions.paths(pathArgs);
    Selector selector = common.selector(cfg, scope, keyFile);
    Preload.await();
    Store store =
        common.openBorrowing(creating ? Store.OpenMode.CREATE : Store.OpenMode.EXISTING, err);
    try {
      if (keyOnlyWithBaseline
          && !java.nio.file.Files.exists(keyFile)
          && !store.hasAny(dev.fim.store.Column.BASELINE)
          && store.getMeta("seal") == null) {
        // No baseline to protect: a key for the approvals' evidence chain may be made (as fim watch
        // does).
        BaselineSession s = new BaselineSession(store, null, keyFile, scope, null, signals);
        s.evidence = Evidence.attach(common, store, Evidence.keyForWatch(store, keyFile), err);
        return s;
      }
      if (creating
          && !java.nio.file.Files.exists(keyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)
          && (store.hasAny(dev.fim.store.Column.BASELINE) || store.getMeta("seal") != null)) {
        // A new key would seal records that nobody verified (issue 12): the old key or a new
        // database.
        throw new IOException(
            "seal key "
                + keyFile
                + " does not exist, but database "
                + store.dir()
                + " holds a baseline sealed with a key; fim does not make a new key for it (that would seal records"
                + " nobody verified): restore the key (or pass the right one with --key), or start over with a new --db");
      }
      SealKey key = creating ? SealKey.loadOrCreate(keyFile) : SealKey.load(keyFile);
      Evidence evidence = Evidence.attach(common, store, key, err);
      ProgressLine progress = Terminal.stderrIsTerminal() ? new ProgressLine(err) : null;
      // its file lists' index kept in the database directory, sealed under the seal key
      PackageDatabase packages = PackageDatabase.dpkg(store.dir(), key.dpkgIndexMacs());
      BaselineJob job =
          new BaselineJob(
              new BaselineJob.Settings(
                  store,
                  selector,
                  new Sealer(key),
                  cfg.digest(),
                  common.threads(cfg),
                  scope,
                  progress == null ? null : progress::start,
                  attributor,
                  // lazy: read only when a finding asks (init records no findings)
                  packages));
      BaselineSession s = new BaselineSession(store, job, keyFile, scope, progress, signals);
      s.evidence = evidence;
      s.packages = packages;
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
    if (packages != null) {
      packages.close();
    }
    if (evidence != null) {
      evidence.close();
    }
    store.close();
    signals.close();
  }
}

package dev.fim.cli.report;

import dev.fim.engine.output.JsonBytes;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EvidenceChain;
import dev.fim.store.SealException;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * {@code fim report}: the compliance report of a period, from the store's change history, approvals
 * and watch coverage, in one {@link ReportFormat}.
 *
 * <p>One pass over the period's events, as a stream (at most a few batches are held): each is
 * rendered as its row on the render threads, then, in order, totalled, added to the digest of the
 * data ({@link ReportDigest}, on its own thread) and its row written to a temporary body file. Only
 * then are the summary and digest known, so the report is the head (summary, digest), the body
 * copied after it, and the end; except JSON, whose summary and digest follow its changes, so its
 * rows go straight to the output. (Reading the events twice instead, once to total and once to
 * write, cost a second decode of every event: about 40 % more time at a million events,
 * bench/report.sh.) The body file is in {@code spillDir} (beside the output, on the same file
 * system) and is deleted afterwards.
 *
 * <p>Approvals are read beside the events (same key order), and only those accepted by the report's
 * time count, so the same report can be made again later ({@link ReportVerifier}). Reads only; safe
 * beside a running {@code fim watch} on a read-only store. Stateless.
 */
public final class ComplianceReport {
  private ComplianceReport() {}

  /**
   * What was written.
   *
   * @param sha256 the digest of the report's data (hex)
   * @param changes changes in the period (overflow events not counted)
   * @param unapproved of which not approved
   * @param overflows overflow (lost events) events in the period
   * @param evidenceVerified whether the evidence chain verified (the report says so in every
   *     format)
   * @param evidence the evidence chain's verification the report states
   */
  public record Result(
      String sha256,
      long changes,
      long unapproved,
      long overflows,
      boolean evidenceVerified,
      EvidenceChain.Verification evidence) {}

  /**
   * Writes the report of {@code p} to {@code out} (flushed, not closed), with its temporary body in
   * {@code spillDir}.
   *
   * @param chain the evidence chain's verification ({@code Evidence.verify} in the cli), stated in
   *     the report
   */
  public static Result write(
      Store store,
      ReportParameters p,
      EvidenceChain.Verification chain,
      OutputStream out,
      Path spillDir)
      throws StoreException, IOException {
    return write(new StoreSource(store), p, chain, out, spillDir);
  }

  /** As {@link #write(Store, ReportParameters, EvidenceChain.Verification, OutputStream, Path)}. */
  public static Result write(
      ReportSource store,
      ReportParameters p,
      EvidenceChain.Verification chain,
      OutputStream out,
      Path spillDir)
      throws StoreException, IOException {
    return known(() -> write(store, p, EvidenceCheck.of(chain), out, spillDir));
  }

  /**
   * As {@link #write(Store, ReportParameters, EvidenceChain.Verification, OutputStream, Path)},
   * with the evidence chain verified while the events are read ({@link EvidenceCheck}).
   *
   * @throws SealException when {@code check} refuses the report (nothing was written to out)
   */
  public static Result write(
      Store store, ReportParameters p, EvidenceCheck check, OutputStream out, Path spillDir)
      throws StoreException, IOException, SealException {
    return write(new StoreSource(store), p, check, out, spillDir);
  }

  /** As {@link #write(Store, ReportParameters, EvidenceCheck, OutputStream, Path)}. */
  public static Result write(
      ReportSource store, ReportParameters p, EvidenceCheck chain, OutputStream out, Path spillDir)
      throws StoreException, IOException, SealException {
    Writer text = new OutputStreamWriter(out, StandardCharsets.UTF_8);
    return write(
        store,
        p,
        chain,
        spillDir,
        text,
        body -> {
          text.flush();
          if (out instanceof ReportFile file) {
            file.copyFrom(body);
          } else {
            copy(body, out);
          }
        },
        (rows, length) -> {
          text.flush();
          out.write(rows, 0, length);
        });
  }

  /**
   * As {@link #write(Store, ReportParameters, OutputStream, Path)}, to characters (e.g. a
   * terminal's writer).
   */
  public static Result write(
      Store store, ReportParameters p, EvidenceChain.Verification chain, Writer out, Path spillDir)
      throws StoreException, IOException {
    return write(new StoreSource(store), p, chain, out, spillDir);
  }

  /** As {@link #write(Store, ReportParameters, EvidenceChain.Verification, Writer, Path)}. */
  public static Result write(
      ReportSource store,
      ReportParameters p,
      EvidenceChain.Verification chain,
      Writer out,
      Path spillDir)
      throws StoreException, IOException {
    return known(() -> write(store, p, EvidenceCheck.of(chain), out, spillDir));
  }

  /**
   * As {@link #write(Store, ReportParameters, EvidenceCheck, OutputStream, Path)}, to characters.
   */
  public static Result write(
      Store store, ReportParameters p, EvidenceCheck check, Writer out, Path spillDir)
      throws StoreException, IOException, SealException {
    return write(new StoreSource(store), p, check, out, spillDir);
  }

  /** As {@link #write(Store, ReportParameters, EvidenceCheck, Writer, Path)}. */
  public static Result write(
      ReportSource store, ReportParameters p, EvidenceCheck chain, Writer out, Path spillDir)
      throws StoreException, IOException, SealException {
    return write(
        store,
        p,
        chain,
        spillDir,
        out,
        body -> {
          body.position(0);
          try (Reader r =
              new java.io.InputStreamReader(
                  java.nio.channels.Channels.newInputStream(body), StandardCharsets.UTF_8)) {
            r.transferTo(out);
          }
        },
        (rows, length) -> out.write(new String(rows, 0, length, StandardCharsets.UTF_8)));
  }

  /**
   * Whether the period of {@code p} holds fewer events than a batch: such a report is rendered on
   * the calling thread, and is far too small for its output's page-cache advice ({@link DropBehind}
   * advises from 8 MiB written on; a batch's rows are ~0.3-1 MB), so its output file is created
   * without the C library (jffi's start sets up java.util.logging, which looks through every jar of
   * the class path: ~10 ms a tiny report's main thread waited for; issue 18, session 16). Counts
   * keys only, up to a batch.
   */
  public static boolean small(Store store, ReportParameters p) throws StoreException {
    return new dev.fim.store.EventLog(store).countUpTo(p.fromNs(), p.untilNs(), BATCH) < BATCH;
  }

  private interface Written {
    Result write() throws StoreException, IOException, SealException;
  }

  /** A report with a verdict known beforehand: {@link EvidenceCheck#of} never refuses one. */
  private static Result known(Written w) throws StoreException, IOException {
    try {
      return w.write();
    } catch (SealException e) {
      throw new IllegalStateException("a known verdict refused a report", e);
    }
  }

  /**
   * Copies the spilled body after the head in 1 MiB reads, each written straight through the
   * output's buffer ({@code Files.copy} moved a million-event body 8 KiB at a time, through the
   * buffer: 80,000 system calls and a copy more). Into a {@link ReportFile} (a {@code --output}
   * file) the body is copied in the kernel instead ({@link SpilledBody}).
   */
  private static void copy(FileChannel body, OutputStream out) throws IOException {
    byte[] buf = new byte[1 << 20];
    java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(buf);
    for (long at = 0; ; ) {
      bb.clear();
      int n = body.read(bb, at);
      if (n <= 0) {
        return;
      }
      out.write(buf, 0, n);
      at += n;
    }
  }

  /**
   * Writes to {@code ch} at its position; closing it leaves {@code ch} open (the body is copied out
   * of it afterwards).
   */
  private static OutputStream into(FileChannel ch) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        java.nio.ByteBuffer bb = java.nio.ByteBuffer.wrap(b, off, len);
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
      }
    };
  }

  private interface BodyCopy {
    void copy(FileChannel body) throws IOException;
  }

  /**
   * Where rows go: the spill file, or, for a format whose head comes first ({@link
   * ReportWriter#headFirst}), out.
   */
  private interface Rows {
    void write(byte[] rows, int length) throws IOException;
  }

  private static Result write(
      ReportSource store,
      ReportParameters p,
      EvidenceCheck check,
      Path spillDir,
      Writer out,
      BodyCopy copy,
      Rows direct)
      throws StoreException, IOException, SealException {
    List<WatchCoverage.Interval> runs = store.coverage(p.fromNs(), p.untilNs());
    // a fleet's is per host, known after its documents were read (below)
    Coverage coverage = Coverage.of(runs == null ? List.of() : runs, p);
    EvidenceChain.Verification known = check.known();
    Summary summary = new Summary(p, coverage, known);
    // Rows that state the verdict (CSV's) say "verified" while it is not known yet: a check that
    // ends otherwise refuses such a report (ReportCommand).
    boolean verified = known == null || known.verified();
    ReportWriter w = writer(p.format(), verified);
    boolean headFirst = w.headFirst();
    if (headFirst) {
      w.head(out, null, null);
    }
    Threads threads = new Threads();
    Body spilled = headFirst ? null : new Body(spillDir);
    ReportSource.Stopped stoppedAt;
    try {
      ReportDigest digest = new ReportDigest(p.agent());
      Rows body = headFirst ? direct : spilled;
      ArrayDeque<Future<Rendered>> inFlight = new ArrayDeque<>();
      Batch batch = new Batch();
      boolean[] first = {true};
      List<Future<?>> digested =
          new ArrayList<>(); // each checked: a failed batch must not go unnoticed
      ReportSource log = store;
      String[] lastHost = {null};
      stoppedAt =
          store.forEach(
              p,
              (key, host, identity, stored, a, storedApproval) -> {
                if (p.excludeVerifiedPackages()) {
                  // Decoded once more here (only with the filter): a verified package change is
                  // left
                  // out of the rows, the totals and the digest alike, and counted as left out.
                  ChangeEvent e = log.decode(stored);
                  if (e.pkg() != null && Boolean.TRUE.equals(e.pkg().verified())) {
                    summary.exclude(e);
                    if (key != null) {
                      check.event(key, stored); // left out of the report, not out of the evidence
                    }
                    return;
                  }
                }
                batch.add(key, host, identity, stored, a, storedApproval);
                if (batch.size() == BATCH) {
                  inFlight.add(
                      submit(
                          threads.render(),
                          log,
                          check,
                          p.format(),
                          verified,
                          summary,
                          batch.take(lastHost),
                          first));
                  while (inFlight.size() > MAX_IN_FLIGHT) {
                    digested.add(take(inFlight.poll(), summary, digest, threads.digesting(), body));
                  }
                }
              },
              // tagged on the render threads with the batch they arrive in
              batch::passed);
      if (batch.size() > 0) {
        inFlight.add(
            submit(
                threads.renderOrHere(),
                log,
                check,
                p.format(),
                verified,
                summary,
                batch.take(lastHost),
                first));
      } else {
        batch.tagPassed(check); // stepped past after the last batch's events (left out of it)
      }
      while (!inFlight.isEmpty()) {
        digested.add(take(inFlight.poll(), summary, digest, threads.digestingOrHere(), body));
      }
      for (Future<?> d : digested) {
        await(d);
      }
      if (spilled != null) {
        spilled.flush();
      }
      EvidenceChain.Verification chain = check.finish(stoppedAt);
      summary.chain = chain;
      if (!headFirst) {
        w = writer(p.format(), chain.verified());
      }
      summary.fleet = store.fleet();
      java.util.Map<String, List<WatchCoverage.Interval>> byHost = store.coverageByHost(p);
      if (byHost != null) {
        java.util.Map<String, Coverage> coverages = new java.util.LinkedHashMap<>();
        byHost.forEach((host, intervals) -> coverages.put(host, Coverage.of(intervals, p)));
        summary.coverageByHost(coverages);
      }
      String sha = digest.finish(summary);
      if (!headFirst) {
        w.head(out, summary, sha);
        spilled.copyAfterHead(copy, direct);
      }
      w.end(out, summary, sha);
      out.flush();
      return new Result(
          sha, summary.changes, summary.unapproved(), summary.overflows, chain.verified(), chain);
    } finally {
      threads.shutdownNow();
      if (spilled != null) {
        spilled.close();
      }
    }
  }

  /**
   * The render and digest threads, started with the first full batch. A report of fewer events than
   * a batch (the usual report of a quiet host) is rendered and digested on the calling thread: for
   * a handful of rows, starting the pools, handing the batch over and waiting for each thread's
   * first (interpreted) run cost more than the rows themselves (issue 18, session 16). The rows,
   * the totals and the digest are those of the same code either way.
   */
  private static final class Threads {
    private ExecutorService render;
    private ExecutorService digesting;

    Executor render() {
      if (render == null) {
        render = Executors.newFixedThreadPool(RENDER_THREADS, daemon("fim-report-render"));
      }
      return render;
    }

    Executor digesting() {
      if (digesting == null) {
        digesting = Executors.newSingleThreadExecutor(daemon("fim-report-digest"));
      }
      return digesting;
    }

    /** The render threads once started; else the calling thread (the report's only batch). */
    Executor renderOrHere() {
      return render != null ? render : CallingThread.INSTANCE;
    }

    /** The digest thread once started; else the calling thread. */
    Executor digestingOrHere() {
      return digesting != null ? digesting : CallingThread.INSTANCE;
    }

    void shutdownNow() {
      if (render != null) {
        render.shutdownNow();
      }
      if (digesting != null) {
        digesting.shutdownNow();
      }
    }
  }

  /** Runs each task at once, on the thread that hands it over. */
  private enum CallingThread implements Executor {
    INSTANCE;

    @Override
    public void execute(Runnable task) {
      task.run();
    }
  }

  /**
   * The rows of a format whose head follows them: spilled to a file in {@code spillDir} once a
   * report has more than one batch of rows, and copied after the head; the rows of a report of one
   * batch are kept in memory and written after the head as they are (a tiny report needs no spill
   * file, no copy in the kernel). The same bytes either way.
   */
  private static final class Body implements Rows {
    private final Path spillDir;
    private FileChannel spill;
    private OutputStream spilling;
    private byte[] held;
    private int heldLength;

    Body(Path spillDir) {
      this.spillDir = spillDir;
    }

    @Override
    public void write(byte[] rows, int length) throws IOException {
      if (spill == null && held == null) {
        held = rows; // the first batch's rows: kept until a second batch comes
        heldLength = length;
        return;
      }
      if (spill == null) {
        spill = SpilledBody.create(spillDir);
        spilling = new BufferedOutputStream(into(spill), 1 << 16);
        spilling.write(held, 0, heldLength);
        held = null;
      }
      spilling.write(rows, 0, length);
    }

    /** Writes what is buffered to the spill (before its copy). */
    void flush() throws IOException {
      if (spilling != null) {
        spilling.flush();
      }
    }

    void copyAfterHead(BodyCopy copy, Rows direct) throws IOException {
      if (spill != null) {
        copy.copy(spill);
      } else if (held != null) {
        direct.write(held, heldLength);
      }
    }

    void close() throws IOException {
      if (spill != null) {
        spill.close(); // its name went when it was made: this frees it
      }
    }
  }

  /**
   * Decoding the stored events and rendering their rows is most of a report's work: it runs on
   * every core, in batches, while this thread only reads the store; the batches are taken back in
   * order, totalled here, and the digest of the data is made from them on its own thread, so rows
   * and digest are those of one sequential pass (bench/report.sh: 1M events).
   */
  private static final int RENDER_THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  private static final int BATCH = 1024;
  private static final int MAX_IN_FLIGHT = 2 * RENDER_THREADS;

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Events read and not yet handed to a render thread: their stored bytes and approvals (nulls
   * allowed); the render thread decodes them into {@code events}.
   */
  private static final class Batch {
    /** The events' keys in the local store (nulls from another source), for the evidence. */
    List<byte[]> keys = new ArrayList<>(BATCH);

    List<String> hosts = new ArrayList<>(BATCH);
    List<String> identities = new ArrayList<>(BATCH);

    /** The host of the row before this batch's first (a new host starts a section). */
    String hostBefore;

    List<byte[]> stored = new ArrayList<>(BATCH);
    List<Approval> approvals = new ArrayList<>(BATCH);
    List<byte[]> storedApprovals = new ArrayList<>(BATCH);
    final List<ChangeEvent> events = new ArrayList<>(BATCH);

    /**
     * The approval records the read stepped past while it read this batch's events (keys and
     * values), for the evidence: tagged with the batch, not rendered.
     */
    List<byte[]> passedKeys = new ArrayList<>();

    List<byte[]> passedValues = new ArrayList<>();

    void passed(byte[] key, byte[] value) {
      passedKeys.add(key);
      passedValues.add(value);
    }

    void tagPassed(EvidenceCheck check) {
      for (int i = 0; i < passedKeys.size(); i++) {
        check.approval(passedKeys.get(i), passedValues.get(i));
      }
    }

    void add(byte[] key, String host, String identity, byte[] s, Approval a, byte[] sa) {
      keys.add(key);
      hosts.add(host);
      identities.add(identity);
      stored.add(s);
      approvals.add(a);
      storedApprovals.add(sa);
    }

    int size() {
      return stored.size();
    }

    Batch take(String[] lastHost) {
      Batch full = new Batch();
      full.keys = keys;
      keys = new ArrayList<>(BATCH);
      full.hosts = hosts;
      full.identities = identities;
      full.hostBefore = lastHost[0];
      lastHost[0] = hosts.get(hosts.size() - 1);
      hosts = new ArrayList<>(BATCH);
      identities = new ArrayList<>(BATCH);
      full.stored = stored;
      full.approvals = approvals;
      full.storedApprovals = storedApprovals;
      stored = new ArrayList<>(BATCH);
      approvals = new ArrayList<>(BATCH);
      storedApprovals = new ArrayList<>(BATCH);
      full.passedKeys = passedKeys;
      full.passedValues = passedValues;
      passedKeys = new ArrayList<>();
      passedValues = new ArrayList<>();
      return full;
    }
  }

  /** One batch, its rows in the report's format (the first {@code length} bytes) and its totals. */
  private record Rendered(Batch batch, byte[] rows, int length, Summary totals) {}

  /** About what a JSON row takes (~950 bytes, bench/report.sh): a batch's first guess. */
  private static final int JSON_ROW_BYTES = 1152;

  private static ReportWriter writer(ReportFormat f, boolean evidenceVerified) {
    return switch (f) {
      case TEXT -> new TextReport();
      case JSON -> new JsonReport();
      case CSV -> new CsvReport(evidenceVerified);
      case HTML -> new HtmlReport();
    };
  }

  private static Future<Rendered> submit(
      Executor pool,
      ReportSource log,
      EvidenceCheck check,
      ReportFormat f,
      boolean verified,
      Summary summary,
      Batch b,
      boolean[] first) {
    boolean firstBatch = first[0];
    first[0] = false;
    FutureTask<Rendered> task =
        new FutureTask<>(
            () -> {
              Summary totals = summary.part();
              b.tagPassed(check); // tagged here, on every core
              for (int i = 0; i < b.size(); i++) {
                if (b.keys.get(i) != null) {
                  check.event(b.keys.get(i), b.stored.get(i)); // tagged here, on every core
                }
                ChangeEvent e = log.decode(b.stored.get(i));
                b.events.add(e);
                totals.add(e, b.approvals.get(i));
                if (b.hosts.get(i) != null) {
                  totals.host(e, b.hosts.get(i));
                }
              }
              if (f == ReportFormat.JSON) {
                JsonBytes rows =
                    JsonReport.rows(
                        b.hosts, b.events, b.approvals, firstBatch, JSON_ROW_BYTES * b.size());
                b.events.clear();
                return new Rendered(b, rows.array(), rows.length(), totals);
              }
              // Rows as characters, encoded once per batch (an OutputStreamWriter per batch encoded
              // each of the row's many small writes under its lock).
              CharsWriter text = new CharsWriter(ROW_CHARS * b.size());
              ReportWriter w = writer(f, verified); // one per batch: writers keep per-row state
              String before = b.hostBefore;
              for (int i = 0; i < b.size(); i++) {
                String host = b.hosts.get(i);
                if (host != null) {
                  w.host(text, host, i == 0, !host.equals(before));
                  before = host;
                }
                w.change(text, b.events.get(i), b.approvals.get(i));
              }
              b.events.clear(); // rendered and totalled: not kept until the batch's turn
              byte[] utf8 = text.utf8();
              return new Rendered(b, utf8, utf8.length, totals);
            });
    pool.execute(task);
    return task;
  }

  /** About what a row takes (text and CSV ~320 characters, HTML ~450): a batch's first guess. */
  private static final int ROW_CHARS = 448;

  /**
   * Takes the next batch in order: totals, digest (handed to the digest thread), rows. Returns the
   * digest's task.
   */
  private static Future<?> take(
      Future<Rendered> f, Summary summary, ReportDigest digest, Executor digesting, Rows body)
      throws IOException, StoreException {
    Rendered r = await(f);
    Batch b = r.batch();
    summary.merge(r.totals());
    FutureTask<?> d =
        new FutureTask<>(
            () -> {
              for (int i = 0; i < b.size(); i++) {
                if (b.identities.get(i) != null) {
                  digest.identity(b.identities.get(i));
                }
                digest.change(b.stored.get(i), b.storedApprovals.get(i));
              }
            },
            null);
    digesting.execute(d);
    body.write(r.rows(), r.length());
    return d;
  }

  private static <T> T await(Future<T> f) throws IOException, StoreException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing the report");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof StoreException se) {
        throw se; // an event that cannot be decoded (on a render thread): the database's error,
        // exit 18
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}

package dev.fim.auditlink.search;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Entry point of the search: reads audit.log files in the order given (see {@link
 * InputFiles#rotations}), groups their records into events, and hands each event that matches the
 * {@link SearchSettings} to an {@link EventConsumer}, in the order the events end in the log.
 *
 * <p>Events may span files (an event cut by a rotation is joined). Lines that are not audit records
 * are skipped and counted in {@link SearchStats#garbage()}. When a criterion can be searched for as
 * bytes and few lines hold it, only the lines around those are read ({@link WindowedSearch}), on
 * one thread per core. Instances are immutable and may be reused; each {@link #run} is independent.
 */
public final class AuditSearch {
  private final SearchSettings settings;
  private final Long auid;
  private final int blockSize;
  private final Mode mode;

  /** Threads of a windowed search, and the least input per thread. */
  private final int threads;

  private final long minPart;

  /** How the input is read; {@link #AUTO} but in tests. */
  enum Mode {
    /** {@link #WINDOWED} when a criterion can be searched for as bytes and few lines hold it. */
    AUTO,
    /** Every line, in order ({@link LogScanner}). */
    SEQUENTIAL,
    /**
     * Only the lines around those that hold the criterion ({@link WindowedSearch}) when possible.
     */
    WINDOWED
  }

  /**
   * Does, on the calling thread, the one-time JVM work a search meets first: libc's {@code memmem}
   * for the byte search ({@link LibcMemmem#bind}: jffi's stub library, its {@code
   * java.util.logging} set-up and the symbol lookup), the time-zone rules (their provider is looked
   * up as a service, which opens every jar on the class path), the lambda machinery, Unsafe and the
   * record parser's tables. A CLI calls this on a second thread while its main thread reads the
   * options, resolves the zone and opens the inputs (on 2 cores the second one is idle then). The
   * binding comes first: a search of 8 MB or more waits for it before its first byte ({@link
   * WindowedSearch#open}), and behind the zone rules it kept the main thread waiting ~20 ms more
   * (issue 18, session 12), while the main thread resolves the zone itself meanwhile. No other
   * effect; errors are left to the search itself to meet and report.
   */
  public static void warmUp() {
    try {
      boolean memmem = LibcMemmem.bind();
      SearchTrace.mark("warm-up: byte search (libc memmem: %s)", memmem);
      LocalZone.systemDefault().getRules();
      SearchTrace.mark("warm-up: time-zone rules");
      Supplier<NativeBytes> lambda = () -> new NativeBytes(16);
      lambda.get();
      new dev.fim.auditlink.parse.RecordParser()
          .parseLogLine(
              "type=EOE msg=audit(1700000000.000:1): "
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      SearchTrace.mark("warm-up: done");
    } catch (RuntimeException | Error e) {
      // The search meets it again on its own thread and reports it there.
    }
  }

  /** As {@link #AuditSearch(SearchSettings, AccountSource)} with the host's passwd. */
  public AuditSearch(SearchSettings settings) {
    this(settings, AccountSource.system());
  }

  /**
   * @param accounts where a user name given as {@code auid} is looked up
   * @throws IllegalArgumentException if {@code auid} is neither a number nor a known user
   */
  public AuditSearch(SearchSettings settings, AccountSource accounts) {
    this(settings, accounts, Mode.AUTO);
  }

  AuditSearch(SearchSettings settings, AccountSource accounts, int blockSize) {
    this(settings, accounts, blockSize, Mode.SEQUENTIAL, 1, WindowedSearch.MIN_PART);
  }

  AuditSearch(SearchSettings settings, AccountSource accounts, Mode mode) {
    this(
        settings,
        accounts,
        LogScanner.BLOCK,
        mode,
        Runtime.getRuntime().availableProcessors(),
        WindowedSearch.MIN_PART);
  }

  /**
   * A windowed search cut into {@code threads} parts of at least {@code minPart} bytes (tests cut
   * small logs).
   */
  AuditSearch(
      SearchSettings settings, AccountSource accounts, Mode mode, int threads, long minPart) {
    this(settings, accounts, LogScanner.BLOCK, mode, threads, minPart);
  }

  private AuditSearch(
      SearchSettings settings,
      AccountSource accounts,
      int blockSize,
      Mode mode,
      int threads,
      long minPart) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.blockSize = blockSize;
    this.mode = mode;
    this.threads = threads;
    this.minPart = minPart;
    if (settings.auid() == null) {
      this.auid = null;
    } else {
      Interpreter names = new Interpreter(accounts);
      this.auid = names.uidOf(settings.auid());
      if (this.auid == null) {
        String why = names.accountsError();
        throw new IllegalArgumentException(
            "auid "
                + settings.auid()
                + ": no such user in passwd"
                + (why == null ? "" : " (" + why + ")")
                + "; give a user name or a numeric id");
      }
    }
  }

  public SearchSettings settings() {
    return settings;
  }

  /**
   * Searches {@code inputs} in order and hands each matching event to {@code out} on this thread,
   * in the order the events end in the log; returns what was read and found.
   */
  public SearchStats run(List<Path> inputs, EventConsumer out) throws IOException {
    Objects.requireNonNull(out, "out");
    return run(inputs, out, null, null);
  }

  /**
   * Searches {@code inputs} in order and writes each matching event with an {@link EventWriter} to
   * {@code out}, in the order the events end in the log: the same text as {@code run(inputs, e ->
   * writer.write(e, out))}, but the events may be rendered on several threads (one writer from
   * {@code writers} each) while {@code out} is only written from this one.
   */
  public SearchStats run(List<Path> inputs, Supplier<EventWriter> writers, Writer out)
      throws IOException {
    Objects.requireNonNull(writers, "writers");
    Objects.requireNonNull(out, "out");
    return run(inputs, null, writers, out);
  }

  /**
   * As {@link #run(List, Supplier, Writer)}, writing the text to {@code out} as UTF-8 (the bytes an
   * {@link java.io.OutputStreamWriter} for UTF-8 over {@code out} would write): the events a
   * windowed search renders are encoded on its threads, and this one writes their bytes as they
   * are, without a character stream's copies and encoding on the way. {@code out} is not flushed.
   */
  public SearchStats run(List<Path> inputs, Supplier<EventWriter> writers, OutputStream out)
      throws IOException {
    Objects.requireNonNull(writers, "writers");
    Objects.requireNonNull(out, "out");
    return run(inputs, null, writers, null, out);
  }

  private SearchStats run(
      List<Path> inputs, EventConsumer consumer, Supplier<EventWriter> writers, Writer text)
      throws IOException {
    return run(inputs, consumer, writers, text, null);
  }

  /**
   * Events go to {@code consumer}, or rendered by {@code writers} to {@code text} or {@code bytes}.
   */
  private SearchStats run(
      List<Path> inputs,
      EventConsumer consumer,
      Supplier<EventWriter> writers,
      Writer text,
      OutputStream bytes)
      throws IOException {
    for (Path p : inputs) {
      if (java.nio.file.Files.isDirectory(p)) {
        // Opening one for reading works; its first read would fail without naming it.
        throw new java.nio.file.FileSystemException(p.toString(), null, "Is a directory");
      }
    }
    Prefilter prefilter = new Prefilter(settings, auid);
    EventMatcher matcher = new EventMatcher(settings, auid);
    int bit = prefilter.needleBit();
    if (mode != Mode.SEQUENTIAL && bit != 0) {
      WindowedSearch ws = WindowedSearch.open(inputs);
      if (ws != null) {
        try (ws) {
          SearchTrace.mark("files opened");
          // Each candidate costs a byte search of about twice the window around it: past
          // a quarter of the input, reading every line in order is cheaper.
          long maxLines = mode == Mode.WINDOWED ? -1 : ws.total() / (8L * EventGrouper.WINDOW);
          WindowedSearch.Task task =
              new WindowedSearch.Task(
                  prefilter.needles(bit), new NeedleTest(prefilter, bit), matcher, writers);
          List<WindowedSearch.Match> found = ws.search(task, threads, minPart, maxLines);
          if (found != null) {
            for (WindowedSearch.Match m : found) {
              if (consumer != null) consumer.accept(m.event());
              else if (bytes != null) bytes.write(m.text());
              else text.write(new String(m.text(), StandardCharsets.UTF_8));
            }
            SearchTrace.mark("%d events delivered", found.size());
            return new SearchStats(
                inputs.size(), ws.total(), 0, 0, ws.rejected, ws.candidateEvents, ws.matched);
          }
        }
        SearchTrace.mark("too many candidates: reading every line");
      }
    }
    EventConsumer out = consumer;
    // Read in order: the text through a UTF-8 writer when bytes are asked for, flushed at the end.
    Writer encoder =
        bytes == null
            ? null
            : new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16);
    if (out == null) {
      EventWriter w = writers.get();
      Writer to = encoder != null ? encoder : text;
      out = e -> w.write(e, to);
    }
    EventGrouper grouper = new EventGrouper(prefilter.all(), matcher, out);
    LogScanner scanner = new LogScanner(prefilter, grouper, blockSize);
    for (Path p : inputs) {
      scanner.scan(p);
    }
    grouper.finishAll();
    if (encoder != null) encoder.flush();
    return new SearchStats(
        scanner.files,
        scanner.bytes,
        scanner.lines,
        scanner.records,
        scanner.garbage + grouper.rejected,
        grouper.scanned,
        grouper.matched);
  }

  /**
   * Whether a line's header and bytes pass the prefilter for the needle's criterion. A named class,
   * not a lambda: the main thread builds it before the first byte is read, and a lambda's first
   * link there ran the lambda machinery (method handles spun, ~3 ms) on the search's critical path.
   */
  private static final class NeedleTest implements WindowedSearch.LineTest {
    private final Prefilter prefilter;
    private final int bit;

    NeedleTest(Prefilter prefilter, int bit) {
      this.prefilter = prefilter;
      this.bit = bit;
    }

    @Override
    public boolean test(int type, long millis, byte[] b, int off, int end) {
      return (prefilter.hits(type, millis, b, off, end) & bit) != 0;
    }
  }
}

package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.Reassembler;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A search that reads only what can match: a byte search (with pread, on every core) finds the
 * lines that hold a needle of one criterion (the key, else the path, else {@code uid=N}, each also
 * in the kernel's hex form where it may be hex-encoded), and only the lines around each such line
 * are parsed to gather its event. Gives the same events in the same order as the sequential {@link
 * LogScanner} + {@link EventGrouper}, whose grouping rules are local for this reason: an event's
 * records lie within {@link EventGrouper#WINDOW} bytes of each other.
 *
 * <p>For a candidate line of (node, serial) K and timestamp M, the other lines of K are found by
 * searching for the serial's digits followed by {@code )} (then checking the line's header):
 * backwards while each earlier K line is within the window of the next and neither ends an event
 * nor has another timestamp, forwards likewise; the event ends at its last record, at a K line of
 * another timestamp, at the first record line starting more than the window after its latest
 * record, or at the end of input. Events are then parsed, matched exactly by the {@link
 * EventMatcher}, and handed on in the order the sequential grouper would end them.
 *
 * <p>The input is cut into parts at arbitrary offsets, one per thread; each thread byte-searches
 * its part and gathers, parses, matches and (given an {@link EventWriter}) renders the events of
 * the candidates it finds there, reading across the part's ends as an event needs (an occurrence
 * belongs to the part where it starts). An event with candidates in two parts is gathered by both,
 * the same from either line (the rules above are symmetric), and kept once. The caller's thread
 * then sorts the events into the grouper's order. Not thread-safe itself: one per search.
 */
final class WindowedSearch implements AutoCloseable {
  /**
   * Files larger than this are left to the sequential scan (offsets within a file are ints here).
   */
  static final long MAX_FILE = Integer.MAX_VALUE - 64;

  /** Inputs are cut into parts of at least this many bytes (one per thread). */
  static final long MIN_PART = 8 << 20;

  private static final int W = EventGrouper.WINDOW;

  /** Bytes past a line start within which its header's serial lies (longer: read directly). */
  private static final int HEADER_SLACK = 256;

  /** Events of a part timed as "cold" in a trace ({@link SearchTrace}): the first ones. */
  private static final int COLD_EVENTS = 100;

  /** Bytes byte-searched at a time: one pread, small enough to stay in L2 for each needle. */
  static final int CHUNK = 256 << 10;

  private final List<Path> files;

  /**
   * The inputs, opened once: every part reads the files that were sized, even if auditd rotates
   * them meanwhile (positional reads of one channel may run concurrently).
   */
  private final FileChannel[] channels;

  /** Where each input starts in the inputs' concatenation, and their total at the end. */
  private final long[] base;

  private final long total;

  long candidateEvents;
  long rejected;
  long matched;

  /** Blocks the parts read around candidates ({@link FileBytes}): the work beside the scan. */
  long blockReads;

  private WindowedSearch(List<Path> files, FileChannel[] channels, long[] base, long total) {
    this.files = files;
    this.channels = channels;
    this.base = base;
    this.total = total;
  }

  /**
   * Opens and sizes the inputs (what they hold now is what is searched), or returns null when this
   * search cannot serve them (use the sequential scan): a file too large for int offsets, or no
   * {@link NativeBytes} on this JVM. Everything is read with pread: the byte search of the whole
   * input into native memory, the reads around candidates through a few cached blocks ({@link
   * FileBytes}); a mapping's pages would each fault once (0.13 s against pread's 0.05 s for 300 MB,
   * measured). {@link #close()} closes the files.
   */
  static WindowedSearch open(List<Path> inputs) throws IOException {
    if (!NativeBytes.AVAILABLE) {
      return null;
    }
    FileChannel[] channels = new FileChannel[inputs.size()];
    long[] base = new long[inputs.size() + 1];
    long at = 0;
    boolean done = false;
    try {
      for (int i = 0; i < inputs.size(); i++) {
        channels[i] = FileChannel.open(inputs.get(i), StandardOpenOption.READ);
        long size = channels[i].size();
        if (size > MAX_FILE) {
          return null;
        }
        base[i] = at;
        at += size;
      }
      base[inputs.size()] = at;
      if (at >= MIN_PART) {
        // Wait for memmem (bound by the CLI's start-up thread, else now): the Java loop, still
        // interpreted at first, would burn the cores that binding needs and get through only a
        // few blocks meanwhile. A smaller input is searched with whatever is ready.
        LibcMemmem.bind();
      }
      done = true;
      return new WindowedSearch(List.copyOf(inputs), channels, base, at);
    } finally {
      if (!done) closeAll(channels);
    }
  }

  @Override
  public void close() throws IOException {
    closeAll(channels);
  }

  private static void closeAll(FileChannel[] channels) throws IOException {
    IOException first = null;
    for (FileChannel ch : channels) {
      try {
        if (ch != null) ch.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }

  private int files() {
    return base.length - 1;
  }

  long total() {
    return total;
  }

  /** What the search needs besides the needles; shared by the threads (all thread-safe). */
  record Task(
      byte[][] needles, LineTest accepts, EventMatcher matcher, Supplier<EventWriter> writers) {}

  /**
   * One matching event, and its text as UTF-8 when the search renders: encoded on the part's
   * thread, so that the caller's thread only writes bytes once the parts are done.
   */
  record Match(AuditEvent event, byte[] text) {}

  /**
   * Finds, gathers and matches the events of the lines that hold a needle.
   *
   * @param threads parts to search in parallel (fewer for inputs under {@code minPart} a part)
   * @param maxNeedleLines give up past this many lines holding a needle ({@code < 0}: never)
   * @return the matching events in the sequential grouper's order, or null when given up
   */
  List<Match> search(Task task, int threads, long minPart, long maxNeedleLines) throws IOException {
    int parts = (int) Math.max(1, Math.min(threads, total / Math.max(1, minPart)));
    Part[] ps = new Part[parts];
    AtomicLong needleLines = new AtomicLong();
    AtomicBoolean gaveUp = new AtomicBoolean();
    for (int p = 0; p < parts; p++) {
      ps[p] =
          new Part(
              task,
              total * p / parts,
              total * (p + 1) / parts,
              needleLines,
              maxNeedleLines,
              gaveUp);
    }
    if (parts == 1) {
      ps[0].run();
    } else {
      Thread[] ts = new Thread[parts];
      for (int p = 1; p < parts; p++) {
        ts[p] = new Thread(ps[p], "fim-search-" + p);
        ts[p].start();
      }
      ps[0].run(); // the caller's thread takes the first part
      for (int p = 1; p < parts; p++) {
        try {
          ts[p].join();
        } catch (InterruptedException e) {
          gaveUp.set(true);
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
    for (Part p : ps) {
      if (p.failed != null) {
        if (p.failed instanceof IOException io) throw io;
        if (p.failed instanceof RuntimeException re) throw re;
        if (p.failed instanceof Error err) throw err;
        throw new IOException("search failed: " + p.failed, p.failed);
      }
    }
    if (gaveUp.get()) {
      return null;
    }
    if (SearchTrace.ON) {
      for (int p = 0; p < parts; p++) {
        SearchTrace.mark(
            "part %d: first byte read at %d ms, last at %d ms, %d candidate events, %d ms cpu;"
                + " chunks searched with %s",
            p,
            ps[p].firstRead - SearchTrace.start(),
            ps[p].lastRead - SearchTrace.start(),
            ps[p].gathered.size(),
            ps[p].cpuNanos / 1_000_000,
            ps[p].chunk.chunkSearchChoice());
      }
    }
    if (SearchTrace.ON) {
      for (int p = 0; p < parts; p++) {
        Part q = ps[p];
        int n = q.gathered.size();
        SearchTrace.mark(
            "part %d: %d lines read, %d records parsed, %d serial searches; first %d events"
                + " %d us each, the other %d %d us each",
            p,
            q.linesRead,
            q.recordsParsed,
            q.serialSearches,
            Math.min(n, COLD_EVENTS),
            q.coldNanos / 1000 / Math.max(1, Math.min(n, COLD_EVENTS)),
            Math.max(0, n - COLD_EVENTS),
            q.warmNanos / 1000 / Math.max(1, n - COLD_EVENTS));
      }
    }
    SearchTrace.mark("searched, gathered, matched in %d parts", parts);
    List<Gathered> all = new ArrayList<>();
    for (Part p : ps) {
      all.addAll(p.gathered);
      for (FileBytes b : p.bufs) blockReads += b.blockReads;
    }
    all.sort(ORDER);
    List<Match> out = new ArrayList<>();
    Gathered last = null;
    for (Gathered g : all) {
      if (last != null && ORDER.compare(last, g) == 0) {
        continue; // the same event, gathered from candidates in two parts
      }
      last = g;
      candidateEvents++;
      rejected += g.rejected;
      if (g.match != null) {
        matched++;
        out.add(g.match);
      }
    }
    return out;
  }

  /**
   * The order the sequential grouper ends events in (see {@link EventGrouper}); unique per event.
   */
  private static final Comparator<Gathered> ORDER = new GrouperOrder();

  /**
   * {@link #ORDER}. A named class, not a lambda: this class is initialised on the main thread
   * before the first byte is read, and a lambda there ran the lambda machinery on the critical
   * path.
   */
  private static final class GrouperOrder implements Comparator<Gathered> {
    @Override
    public int compare(Gathered a, Gathered b) {
      int c = Long.compare(a.endsAt, b.endsAt);
      if (c != 0) return c;
      c = Integer.compare(a.rank, b.rank);
      return c != 0 ? c : Long.compare(a.order, b.order);
    }
  }

  /** Line test on a line's bytes (header already parsed). */
  @FunctionalInterface
  interface LineTest {
    boolean test(int type, long millis, byte[] b, int off, int end);
  }

  /** An event gathered by a part: where the grouper would end it, and what came of it. */
  private static final class Gathered {
    long endsAt; // line start where it ends; Long.MAX_VALUE at end of input
    int rank; // at one line: 0 aged out, 1 other timestamp, 2 own last record
    long order; // aged: latest record; end of input: first record
    int rejected; // records the parser refused
    Match match; // null when it does not match
  }

  // ---------------------------------------------------------------- one part

  /** One thread's share: the byte search of [from, to) and the events of its candidates. */
  private final class Part implements Runnable {
    private final Task task;
    private final long from;
    private final long to;
    private final AtomicLong needleLines;
    private final long maxNeedleLines;
    private final AtomicBoolean gaveUp;

    /** This thread's reads of each input around candidates (opened in {@link #run}). */
    private final FileBytes[] bufs;

    private final LogScanner.TypeNames types = new LogScanner.TypeNames();
    private final LogScanner.Header header = new LogScanner.Header();
    private final RecordParser parser = new RecordParser();
    private final EventWriter writer;
    private final int maxNeedle;

    /** The part's bytes being searched, read with pread. */
    private final NativeBytes chunk;

    /** The same for the serial searches around a candidate (gathering runs mid-chunk). */
    private final NativeBytes window;

    private byte[] scratch = new byte[4096];

    /** Blocks of a line being looked for (its start or end). */
    private final byte[] probe = new byte[512];

    /** Where the part's events are rendered, one after the other. */
    private final TextBuffer text = new TextBuffer();

    /** Positions of a serial search around a candidate ({@link #keyLines}). */
    private final LongList serialHits = new LongList();

    private final Set<Long> taken = new HashSet<>();
    final List<Gathered> gathered = new ArrayList<>();
    Throwable failed;

    /** With {@link SearchTrace#ON}: when the part's first and last chunk were read, its CPU. */
    long firstRead;

    /**
     * With {@link SearchTrace#ON}: header reads of lines, records parsed, serial searches around
     * candidates, and the time spent on the first {@link #COLD_EVENTS} events and on the rest.
     */
    long linesRead;

    long recordsParsed;
    long serialSearches;
    long coldNanos;
    long warmNanos;

    long lastRead;
    long cpuNanos;

    Part(
        Task task,
        long from,
        long to,
        AtomicLong needleLines,
        long maxNeedleLines,
        AtomicBoolean gaveUp) {
      this.task = task;
      this.from = from;
      this.to = to;
      this.needleLines = needleLines;
      this.maxNeedleLines = maxNeedleLines;
      this.gaveUp = gaveUp;
      this.bufs = new FileBytes[files()];
      for (int i = 0; i < bufs.length; i++) {
        bufs[i] = new FileBytes(channels[i], files.get(i), (int) (base[i + 1] - base[i]));
      }
      this.writer = task.writers() == null ? null : task.writers().get();
      int m = 1;
      for (byte[] n : task.needles()) m = Math.max(m, n.length);
      this.maxNeedle = m;
      this.chunk = new NativeBytes(CHUNK + m);
      this.window = new NativeBytes(64 << 10);
    }

    @Override
    public void run() {
      try {
        searchPart();
        if (SearchTrace.ON) cpuNanos = threadCpuNanos();
      } catch (Throwable t) {
        failed = t;
        gaveUp.set(true); // the others stop at their next chunk
      }
    }

    /**
     * This thread's time on a CPU (ns) from /proc, without loading JMX's classes for it; -1 when
     * /proc cannot tell (a trace must never fail a search).
     */
    private long threadCpuNanos() {
      try {
        String st =
            java.nio.file.Files.readString(java.nio.file.Path.of("/proc/thread-self/schedstat"));
        return Long.parseLong(st.substring(0, st.indexOf(' ')));
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    private void searchPart() throws IOException {
      LongList hits = new LongList();
      long lastLine = -1; // line starts only grow: hits are sorted per chunk, chunks in order
      long lastLineEnd = -1; // where the line at lastLine ends (its newline or its file's end)
      for (int s = segment(from); s < files() && base[s] < to; s++) {
        FileBytes bb = bufs[s];
        int lo = (int) (Math.max(from, base[s]) - base[s]);
        int hi = (int) (Math.min(to, base[s + 1]) - base[s]);
        if (lo >= hi) continue;
        for (int c = lo; c < hi; c += CHUNK) {
          if (gaveUp.get()) return;
          int starts = Math.min(CHUNK, hi - c); // occurrences starting in [c, c + starts)
          bb.unlend(); // the chunk's bytes change now
          int len = chunk.read(channels[s], c, Math.min(starts + maxNeedle - 1, bb.limit() - c));
          bb.lend(chunk, c); // its candidates' lines are read from it where they lie in it
          if (SearchTrace.ON) {
            lastRead = System.currentTimeMillis();
            if (firstRead == 0) firstRead = lastRead;
          }
          hits.n = 0;
          chunk.search(task.needles(), Math.min(starts, len), c, hits);
          if (hits.n > 1) Arrays.sort(hits.a, 0, hits.n);
          for (int i = 0; i < hits.n; i++) {
            long hit = base[s] + hits.a[i];
            // On the last candidate's line: skipped without walking back to its start, so that a
            // long line full of needles (a hostile log) costs one walk, not one per needle.
            if (hit >= lastLine && hit < lastLineEnd) continue;
            long ls = base[s] + lineStart(bb, (int) hits.a[i], probe);
            lastLineEnd = base[s] + lineEnd(bb, (int) hits.a[i], probe);
            if (ls == lastLine) continue;
            lastLine = ls;
            if (maxNeedleLines >= 0 && needleLines.incrementAndGet() > maxNeedleLines) {
              gaveUp.set(true);
              return;
            }
            candidate(ls);
          }
        }
        bb.unlend();
      }
    }

    /** Gathers, parses, matches (and renders) the event of the line starting at {@code c}. */
    private void candidate(long c) throws IOException {
      if (!SearchTrace.ON) {
        gatherEvent(c);
        return;
      }
      long t = System.nanoTime();
      int before = gathered.size();
      gatherEvent(c);
      if (gathered.size() == before) return;
      // The first events run interpreted (and wait for C1), the rest compiled.
      if (gathered.size() <= COLD_EVENTS) coldNanos += System.nanoTime() - t;
      else warmNanos += System.nanoTime() - t;
    }

    private void gatherEvent(long c) throws IOException {
      if (taken.contains(c)) return;
      Line line = new Line(c);
      if (!line.record() || line.type == RecordType.EOE) return;
      if (!task.accepts().test(line.type, line.millis, scratch, 0, line.len)) return;
      Found f = gather(line);
      for (Line l : f.lines) taken.add(l.start);
      Gathered g = new Gathered();
      g.endsAt = f.endsAt;
      g.rank = f.rank;
      g.order = f.order;
      List<AuditRecord> records = new ArrayList<>(f.lines.size());
      if (SearchTrace.ON) recordsParsed += f.lines.size();
      for (Line l : f.lines) {
        AuditRecord r = l.parse();
        if (r != null) records.add(r);
        else g.rejected++;
      }
      gathered.add(g);
      if (records.isEmpty()) return;
      AuditRecord first = records.get(0);
      AuditEvent event = new AuditEvent(first.serial(), first.timestamp(), first.node(), records);
      if (!task.matcher().matches(event)) return;
      if (writer == null) {
        g.match = new Match(event, null);
      } else {
        writer.write(event, text);
        // The text is all that is needed now; UTF-8 as an OutputStreamWriter encodes it (a lone
        // surrogate, which no renderer writes, would become '?' either way).
        g.match = new Match(null, text.take().getBytes(StandardCharsets.UTF_8));
      }
    }

    // ------------------------------------------------------------ lines

    /** One line: where it starts in the input, its header, and where the next line starts. */
    private final class Line {
      final long start;
      final long end; // exclusive, before the newline

      /** Start of the next line, or -1 at the end of input. */
      final long next;

      final int status;
      final long key;
      final long millis;
      final int type;

      /** Length without trailing CR and NUL bytes (a record's). */
      final int len;

      /**
       * Reads the line at {@code start}; its bytes stay in {@link #scratch} until the next Line.
       */
      Line(long start) throws IOException {
        if (SearchTrace.ON) linesRead++;
        this.start = start;
        int s = segment(start);
        FileBytes bb = bufs[s];
        int ls = (int) (start - base[s]);
        int le = lineEnd(bb, ls, probe);
        this.end = base[s] + le;
        long n = le < bb.limit() ? end + 1 : base[s + 1];
        this.next = n >= total ? -1 : n;
        int raw = le - ls;
        if (raw > RecordParser.DEFAULT_MAX_RECORD_BYTES) {
          status = LogScanner.GARBAGE;
          key = millis = 0;
          type = len = 0;
          return;
        }
        if (scratch.length < raw) scratch = new byte[Math.max(raw, scratch.length * 2)];
        bb.get(ls, scratch, 0, raw);
        status = LogScanner.parseHeader(scratch, 0, raw, types, header);
        boolean rec = status == LogScanner.RECORD;
        key = rec ? header.key : 0;
        millis = rec ? header.millis : 0;
        type = rec ? header.type : 0;
        len = rec ? header.end : 0;
      }

      boolean record() {
        return status == LogScanner.RECORD;
      }

      /**
       * The record parsed from its bytes as the grouper holds them (trailing CR and NUL dropped),
       * read into {@link #scratch} (the parser copies what it keeps); null if the parser refuses
       * it.
       */
      AuditRecord parse() throws IOException {
        int s = segment(start);
        if (scratch.length < len) scratch = new byte[Math.max(len, scratch.length * 2)];
        bufs[s].get((int) (start - base[s]), scratch, 0, len);
        return parser.parseLogLine(scratch, 0, len);
      }
    }

    private long lineStartAt(long at) throws IOException {
      int s = segment(at);
      return base[s] + lineStart(bufs[s], (int) (at - base[s]), probe);
    }

    // ------------------------------------------------------------ events

    /** A candidate event as the sequential grouper would end it. */
    private final class Found {
      final List<Line> lines = new ArrayList<>();
      long endsAt;
      int rank;
      long order;

      long first() {
        return lines.get(0).start;
      }
    }

    private Found gather(Line c) throws IOException {
      long key = c.key;
      long millis = c.millis;
      byte[] needle = serialNeedle(key);
      Found f = new Found();
      // Backwards: earlier lines of the event.
      List<Line> before = new ArrayList<>();
      long first = c.start;
      long searchedFrom = c.start; // [searchedFrom, c.start) has been searched
      boolean stop = false;
      while (!stop) {
        long lo = Math.max(0, first - W);
        if (lo >= searchedFrom) break;
        LongList ks = keyLines(needle, lo, searchedFrom, new LongList());
        searchedFrom = lo;
        boolean extended = false;
        for (int k = ks.n - 1; k >= 0; k--) {
          long ls = ks.a[k];
          if (ls >= first) continue;
          if (ls < first - W) break;
          Line l = new Line(ls);
          if (!l.record() || l.key != key) continue;
          if (l.millis != millis || Reassembler.endsEvent(l.type)) {
            stop = true;
            break;
          }
          before.add(l);
          first = ls;
          extended = true;
        }
        if (!extended) break;
      }
      for (int i = before.size() - 1; i >= 0; i--) f.lines.add(before.get(i));
      f.lines.add(c);
      if (Reassembler.endsEvent(c.type)) {
        f.endsAt = c.start;
        f.rank = 2;
        return f;
      }
      // Forwards.
      long last = c.start;
      long searchedTo = c.end; // (c.start, searchedTo) has been searched
      LongList ks = new LongList(); // line starts, ascending, each once
      int next = 0; // ks.a[next] is the first after done
      long done = c.start;
      while (true) {
        long hi = last + W; // lines starting at or before hi are before aging
        long scanEnd = Math.min(total, hi + 1 + HEADER_SLACK);
        if (scanEnd > searchedTo) {
          keyLines(needle, searchedTo, scanEnd, ks);
          // A line starting by hi whose header reaches past scanEnd: read it directly.
          if (scanEnd < total) {
            long ls = lineStartAt(scanEnd);
            if (ls > done && ls <= hi) ks.addSorted(ls);
          }
          searchedTo = scanEnd;
        }
        while (next < ks.n && ks.a[next] <= done) next++;
        long ls = next < ks.n ? ks.a[next] : -1;
        if (ls >= 0 && ls <= hi) {
          done = ls;
          Line l = new Line(ls);
          if (!l.record() || l.key != key) continue;
          if (l.millis != millis) {
            f.endsAt = ls;
            f.rank = 1;
            return f;
          }
          if (l.type != RecordType.EOE) f.lines.add(l);
          if (Reassembler.endsEvent(l.type)) {
            f.endsAt = ls;
            f.rank = 2;
            return f;
          }
          last = ls;
          continue;
        }
        if (searchedTo < Math.min(total, last + W + 1 + HEADER_SLACK)) continue;
        break;
      }
      // Aged out: at the first record line starting after last + W.
      long limit = last + W;
      f.rank = 0;
      f.order = last;
      if (limit >= total) {
        endOfInput(f);
        return f;
      }
      // The line holding offset 'limit' starts at or before it; the next one is the first after.
      long ls = new Line(lineStartAt(limit)).next;
      while (ls >= 0) {
        Line l = new Line(ls);
        if (l.record()) {
          f.endsAt = ls;
          return f;
        }
        ls = l.next;
      }
      endOfInput(f);
      return f;
    }

    private void endOfInput(Found f) {
      f.endsAt = Long.MAX_VALUE;
      f.rank = 0;
      f.order = f.first();
    }

    /**
     * Adds to {@code out} (ascending, each once) the starts of the lines in which the needle occurs
     * at a position in [from, to); returns {@code out}. A sorted array, not a TreeSet of boxed
     * longs: fewer distinct methods for C1 to compile in a one-shot search, no boxes.
     */
    private LongList keyLines(byte[] needle, long from, long to, LongList out) throws IOException {
      LongList hits = serialHits;
      if (SearchTrace.ON) serialSearches++;
      for (int s = segment(from); s < files() && base[s] < to; s++) {
        int lo = (int) (Math.max(from, base[s]) - base[s]);
        int hi = (int) (Math.min(to, base[s + 1]) - base[s]);
        if (lo >= hi) continue;
        hits.n = 0;
        // The serial's last digit and ')' as the compared pair: its first digit and ')'
        // would also flag every header nearby with a serial of the same length.
        FileBytes bb = bufs[s];
        int check = needle.length - 2;
        // Where the needle's last possible start ends: within the block in hand, search it there.
        int reach = (int) Math.min((long) hi + needle.length - 1, bb.limit());
        NativeBytes in = bb.lentHolding(lo, reach - lo);
        if (in != null) {
          in.search(needle, check, lo - bb.lentAt(), hi - lo, lo, hits);
        } else {
          search(channels[s], bb.limit(), needle, check, lo, hi, hits, window);
        }
        for (int i = 0; i < hits.n; i++) {
          out.addSorted(base[s] + lineStart(bufs[s], (int) hits.a[i], probe));
        }
      }
      return out;
    }
  }

  /** The serial's digits and the {@code )} that ends the header's {@code audit(…)}. */
  private static byte[] serialNeedle(long key) {
    String digits = Long.toString(key & 0xffff_ffffL);
    byte[] n = new byte[digits.length() + 1];
    digits.getBytes(0, digits.length(), n, 0); // ASCII digits
    n[digits.length()] = ')';
    return n;
  }

  // ---------------------------------------------------------------- the byte search

  /**
   * Adds to {@code out} the positions in [from, to) where {@code needle} starts in the file {@code
   * ch} of {@code size} bytes (reading up to needle.length - 1 bytes past {@code to}), read with
   * pread through {@code buf}; {@code check} as for {@link NativeBytes#search(byte[], int, int,
   * long, LongList)}.
   */
  static void search(
      FileChannel ch,
      long size,
      byte[] needle,
      int check,
      long from,
      long to,
      LongList out,
      NativeBytes buf)
      throws IOException {
    int n = needle.length;
    long lastStart = Math.min(to, size - n + 1); // exclusive bound on starts
    int step = buf.capacity() - n + 1;
    if (step < 1) {
      throw new IllegalArgumentException(
          "a buffer of " + buf.capacity() + " bytes for a needle of " + n);
    }
    for (long c = from; c < lastStart; c += step) {
      int starts = (int) Math.min(step, lastStart - c);
      int len = buf.read(ch, c, starts + n - 1); // within the size by lastStart's definition
      buf.search(needle, check, Math.min(starts, len), c, out);
    }
  }

  // ---------------------------------------------------------------- lines

  private int segment(long at) {
    int i = Arrays.binarySearch(base, at);
    if (i < 0) i = -i - 2;
    // Empty files share their base with the next: the last segment that starts at 'at'.
    while (i + 1 < files() && base[i + 1] == at) i++;
    return Math.min(i, files() - 1);
  }

  /**
   * Where the line holding offset {@code at} of {@code bb} starts, looking back through {@code
   * probe} a block at a time.
   */
  static int lineStart(FileBytes bb, int at, byte[] probe) throws IOException {
    int i = at;
    while (i > 0) {
      int n = Math.min(probe.length, i);
      bb.get(i - n, probe, 0, n);
      for (int k = n - 1; k >= 0; k--) {
        if (probe[k] == '\n') return i - n + k + 1;
      }
      i -= n;
    }
    return 0;
  }

  /**
   * Where the line starting at or before {@code at} ends (its newline, or the limit), as {@link
   * #lineStart}.
   */
  static int lineEnd(FileBytes bb, int at, byte[] probe) throws IOException {
    int lim = bb.limit();
    int i = at;
    while (i < lim) {
      int n = Math.min(probe.length, lim - i);
      bb.get(i, probe, 0, n);
      for (int k = 0; k < n; k++) {
        if (probe[k] == '\n')
          return i
              + k; // a byte loop: LogScanner's word loop would spin a VarHandle's classes (~10 ms)
      }
      i += n;
    }
    return lim;
  }

  static final class LongList {
    long[] a = new long[64];
    int n;

    void add(long v) {
      if (n == a.length) a = Arrays.copyOf(a, n * 2);
      a[n++] = v;
    }

    /**
     * Inserts {@code v} where it keeps the list ascending, unless it holds it already. Values
     * mostly come in ascending order (a search's hits, left to right): then this is an append.
     */
    void addSorted(long v) {
      int i = n;
      while (i > 0 && a[i - 1] > v) i--;
      if (i > 0 && a[i - 1] == v) return;
      if (n == a.length) a = Arrays.copyOf(a, n * 2);
      System.arraycopy(a, i, a, i + 1, n - i);
      a[i] = v;
      n++;
    }
  }
}

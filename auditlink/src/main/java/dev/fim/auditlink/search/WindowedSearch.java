package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.Reassembler;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A search that reads only what can match: the files are mapped, a byte search finds the
 * lines that hold a needle of one criterion (the key, else the path, else {@code uid=N}, each
 * also in the kernel's hex form where it may be hex-encoded), and only the lines around each
 * such line are parsed to gather its event. Gives the same events in the same order as the
 * sequential {@link LogScanner} + {@link EventGrouper}, whose grouping rules are local for
 * this reason: an event's records lie within {@link EventGrouper#WINDOW} bytes of each other.
 *
 * <p>For a candidate line of (node, serial) K and timestamp M, the other lines of K are found
 * by searching for the serial's digits followed by {@code )} (then checking the line's header):
 * backwards while each earlier K line is within the window of the next and neither ends an
 * event nor has another timestamp, forwards likewise; the event ends at its last record, at a
 * K line of another timestamp, at the first record line starting more than the window after
 * its latest record, or at the end of input. Events are then parsed, matched exactly by the
 * {@link EventMatcher}, and delivered in the order the sequential grouper would end them.
 *
 * <p>Not thread-safe: one per search. The byte search of the whole input runs on up to
 * {@link #threads} threads, split at arbitrary offsets (an occurrence belongs to the part
 * where it starts).
 */
final class WindowedSearch {
    /** Files larger than this are not mapped: the sequential scan reads them. */
    static final long MAX_MAPPED = Integer.MAX_VALUE - 64;
    private static final int W = EventGrouper.WINDOW;
    /** Bytes past a line start within which its header's serial lies (longer: read directly). */
    private static final int HEADER_SLACK = 256;

    private final ByteBuffer[] maps;
    private final long[] base;
    private final long total;
    private final LogScanner.TypeNames types = new LogScanner.TypeNames();
    private final LogScanner.Header header = new LogScanner.Header();
    private byte[] scratch = new byte[4096];

    long candidateLines;
    long candidateEvents;
    long rejected;
    long matched;

    private WindowedSearch(ByteBuffer[] maps, long[] base, long total) {
        this.maps = maps;
        this.base = base;
        this.total = total;
    }

    /** Maps the inputs, or returns null when one is too large to map (use the sequential scan). */
    static WindowedSearch open(List<Path> inputs) throws IOException {
        ByteBuffer[] maps = new ByteBuffer[inputs.size()];
        long[] base = new long[inputs.size() + 1];
        long at = 0;
        for (int i = 0; i < maps.length; i++) {
            try (FileChannel ch = FileChannel.open(inputs.get(i), StandardOpenOption.READ)) {
                long size = ch.size();
                if (size > MAX_MAPPED) {
                    return null;
                }
                maps[i] = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
                maps[i].order(ByteOrder.LITTLE_ENDIAN);
                base[i] = at;
                at += size;
            }
        }
        base[maps.length] = at;
        return new WindowedSearch(maps, base, at);
    }

    long total() {
        return total;
    }

    // ---------------------------------------------------------------- the byte search

    /** Offsets (in the input) of the starts of lines that hold one of the needles, ascending. */
    long[] linesWith(byte[][] needles, int threads) throws IOException {
        int parts = (int) Math.max(1, Math.min(threads, total / (8 << 20)));
        long[][] found = new long[parts][];
        if (parts == 1) {
            found[0] = linesWith(needles, 0, total);
        } else {
            Thread[] ts = new Thread[parts];
            AtomicReference<Throwable> failed = new AtomicReference<>();
            for (int p = 0; p < parts; p++) {
                final int part = p;
                final long from = total * p / parts;
                final long to = total * (p + 1) / parts;
                ts[p] = new Thread(() -> {
                    try {
                        found[part] = linesWith(needles, from, to);
                    } catch (Throwable t) {
                        failed.compareAndSet(null, t);
                    }
                }, "fim-search-" + p);
                ts[p].start();
            }
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
            if (failed.get() != null) {
                throw new IOException("search failed: " + failed.get(), failed.get());
            }
        }
        long[] all = Arrays.stream(found).flatMapToLong(Arrays::stream).sorted().distinct().toArray();
        return all;
    }

    /** Occurrences starting in [from, to): their line starts, ascending, distinct. */
    private long[] linesWith(byte[][] needles, long from, long to) {
        LongList out = new LongList();
        for (int s = segment(from); s < maps.length && base[s] < to; s++) {
            ByteBuffer bb = maps[s];
            int lo = (int) (Math.max(from, base[s]) - base[s]);
            int hi = (int) (Math.min(to, base[s + 1]) - base[s]);
            final int chunk = 1 << 20;
            LongList hits = new LongList();
            for (int c = lo; c < hi; c += chunk) {
                int ce = Math.min(hi, c + chunk);
                hits.n = 0;
                for (byte[] n : needles) {
                    search(bb, n, c, ce, hits);
                }
                if (hits.n > 1) Arrays.sort(hits.a, 0, hits.n);
                long lastLine = -1;
                for (int i = 0; i < hits.n; i++) {
                    int ls = lineStart(bb, (int) hits.a[i]);
                    if (ls != lastLine && (out.n == 0 || out.a[out.n - 1] != base[s] + ls)) {
                        out.add(base[s] + ls);
                    }
                    lastLine = ls;
                }
            }
        }
        return Arrays.copyOf(out.a, out.n);
    }

    private static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Per thread: the bytes being searched, copied out of the mapping (a plain array scans fastest). */
    private static final ThreadLocal<byte[]> CHUNK = ThreadLocal.withInitial(() -> new byte[(1 << 20) + 4096]);

    /**
     * Adds to {@code out} the positions in [from, to) where {@code needle} starts in {@code bb}
     * (reading up to needle.length - 1 bytes past {@code to}). The bytes are copied into an
     * array chunk by chunk, then searched eight positions at a time: the first and last byte of
     * the needle are compared as words ("has zero byte", Bit Twiddling Hacks; its rare false
     * flags are dropped by the full compare).
     */
    static void search(ByteBuffer bb, byte[] needle, int from, int to, LongList out) {
        int n = needle.length;
        int limit = bb.limit();
        int lastStart = Math.min(to, limit - n + 1); // exclusive bound on starts
        byte[] chunk = CHUNK.get();
        int step = chunk.length - 4096;
        for (int c = from; c < lastStart; c += step) {
            int starts = Math.min(step, lastStart - c);
            int len = starts + n - 1; // within limit by lastStart's definition
            bb.get(c, chunk, 0, len);
            search(chunk, len, needle, starts, c, out);
        }
    }

    private static void search(byte[] b, int len, byte[] needle, int starts, int at, LongList out) {
        int n = needle.length;
        long first = broadcast(needle[0]);
        long lastB = broadcast(needle[n - 1]);
        int i = 0;
        for (; i + 8 <= starts && i + n - 1 + 8 <= len; i += 8) {
            long x = ((long) LONG_LE.get(b, i) ^ first) | ((long) LONG_LE.get(b, i + n - 1) ^ lastB);
            long t = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            while (t != 0) {
                int k = i + (Long.numberOfTrailingZeros(t) >>> 3);
                if (Arrays.equals(b, k, k + n, needle, 0, n)) out.add(at + k);
                t &= t - 1;
            }
        }
        for (; i < starts; i++) {
            if (b[i] == needle[0] && Arrays.equals(b, i, i + n, needle, 0, n)) out.add(at + i);
        }
    }

    private static long broadcast(byte b) {
        return (b & 0xffL) * 0x0101010101010101L;
    }

    // ---------------------------------------------------------------- lines

    private int segment(long at) {
        int i = Arrays.binarySearch(base, at);
        if (i < 0) i = -i - 2;
        // Empty files share their base with the next: the last segment that starts at 'at'.
        while (i + 1 < maps.length && base[i + 1] == at) i++;
        return Math.min(i, maps.length - 1);
    }

    private static int lineStart(ByteBuffer bb, int at) {
        int i = at;
        while (i > 0 && bb.get(i - 1) != '\n') i--;
        return i;
    }

    private long lineStartAt(long at) {
        int s = segment(at);
        return base[s] + lineStart(maps[s], (int) (at - base[s]));
    }

    private static int lineEnd(ByteBuffer bb, int at) {
        int lim = bb.limit();
        int i = at;
        while (i < lim && bb.get(i) != '\n') i++;
        return i;
    }

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

        Line(long start) {
            this.start = start;
            int s = segment(start);
            ByteBuffer bb = maps[s];
            int ls = (int) (start - base[s]);
            int le = lineEnd(bb, ls);
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

        /** The record's bytes as the grouper holds them (trailing CR and NUL dropped). */
        byte[] bytes() {
            int s = segment(start);
            byte[] b = new byte[len];
            maps[s].get((int) (start - base[s]), b, 0, len);
            return b;
        }
    }

    // ---------------------------------------------------------------- events

    /** A candidate event as the sequential grouper would end it. */
    private static final class Found {
        final List<Line> lines = new ArrayList<>();
        long endsAt;  // line start where it ends; Long.MAX_VALUE at end of input
        int rank;     // at one line: 0 aged out, 1 other timestamp, 2 own last record
        long order;   // aged: latest record; end of input: first record

        long first() {
            return lines.get(0).start;
        }
    }

    /**
     * Gathers, matches and delivers the events of the given candidate lines.
     *
     * @param accepts whether a candidate line can decide the criterion (its type and content)
     */
    void deliver(long[] candidates, LineTest accepts, RecordParser parser, EventMatcher matcher, EventConsumer out)
            throws IOException {
        List<Found> events = new ArrayList<>();
        Set<Long> taken = new HashSet<>();
        for (long c : candidates) {
            if (taken.contains(c)) continue;
            Line line = new Line(c);
            if (!line.record() || line.type == RecordType.EOE) continue;
            if (!accepts.test(line.type, line.millis, scratch, 0, line.len)) continue;
            candidateLines++;
            Found f = gather(line);
            for (Line l : f.lines) taken.add(l.start);
            events.add(f);
        }
        candidateEvents = events.size();
        SearchTrace.mark("gathered %d events", events.size());
        events.sort(Comparator.comparingLong((Found f) -> f.endsAt).thenComparingInt(f -> f.rank)
                .thenComparingLong(f -> f.order));
        for (Found f : events) {
            List<AuditRecord> records = new ArrayList<>(f.lines.size());
            for (Line l : f.lines) {
                AuditRecord r = parser.parseLogLine(l.bytes());
                if (r != null) records.add(r); else rejected++;
            }
            if (records.isEmpty()) continue;
            AuditRecord first = records.get(0);
            AuditEvent event = new AuditEvent(first.serial(), first.timestamp(), first.node(), records);
            if (matcher.matches(event)) {
                matched++;
                out.accept(event);
            }
        }
        SearchTrace.mark("parsed, matched, written %d events", matched);
    }

    /** Line test on the bytes in {@link #scratch}. */
    @FunctionalInterface
    interface LineTest {
        boolean test(int type, long millis, byte[] b, int off, int end);
    }

    private Found gather(Line c) {
        long key = c.key;
        long millis = c.millis;
        byte[] needle = (Long.toString(key & 0xffff_ffffL) + ")").getBytes(StandardCharsets.US_ASCII);
        Found f = new Found();
        // Backwards: earlier lines of the event.
        List<Line> before = new ArrayList<>();
        long first = c.start;
        long searchedFrom = c.start; // [searchedFrom, c.start) has been searched
        boolean stop = false;
        while (!stop) {
            long lo = Math.max(0, first - W);
            if (lo >= searchedFrom) break;
            TreeSet<Long> ks = keyLines(needle, lo, searchedFrom);
            searchedFrom = lo;
            boolean extended = false;
            for (Long ls : ks.descendingSet()) {
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
        TreeSet<Long> ks = new TreeSet<>();
        long done = c.start;
        while (true) {
            long hi = last + W; // lines starting at or before hi are before aging
            long scanEnd = Math.min(total, hi + 1 + HEADER_SLACK);
            if (scanEnd > searchedTo) {
                ks.addAll(keyLines(needle, searchedTo, scanEnd));
                // A line starting by hi whose header reaches past scanEnd: read it directly.
                if (scanEnd < total) {
                    long ls = lineStartAt(scanEnd);
                    if (ls > done && ls <= hi) ks.add(ls);
                }
                searchedTo = scanEnd;
            }
            Long ls = ks.higher(done);
            if (ls != null && ls <= hi) {
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

    private static void endOfInput(Found f) {
        f.endsAt = Long.MAX_VALUE;
        f.rank = 0;
        f.order = f.first();
    }

    /** Starts of the lines in which the needle occurs at a position in [from, to). */
    private TreeSet<Long> keyLines(byte[] needle, long from, long to) {
        TreeSet<Long> out = new TreeSet<>();
        LongList hits = new LongList();
        for (int s = segment(from); s < maps.length && base[s] < to; s++) {
            int lo = (int) (Math.max(from, base[s]) - base[s]);
            int hi = (int) (Math.min(to, base[s + 1]) - base[s]);
            if (lo >= hi) continue;
            hits.n = 0;
            search(maps[s], needle, lo, hi, hits);
            for (int i = 0; i < hits.n; i++) {
                out.add(base[s] + lineStart(maps[s], (int) hits.a[i]));
            }
        }
        return out;
    }

    static final class LongList {
        long[] a = new long[64];
        int n;

        void add(long v) {
            if (n == a.length) a = Arrays.copyOf(a, n * 2);
            a[n++] = v;
        }
    }
}

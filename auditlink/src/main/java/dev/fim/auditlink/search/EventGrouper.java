package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.Reassembler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Groups log lines into events by (node, serial, timestamp) the way auparse does for files,
 * holding each line as a reference into the reader's buffer until the event ends. Only an
 * event whose lines collected every pre-filter bit is parsed (each line through
 * {@link RecordParser}) and offered to the {@link EventMatcher}; the rest are dropped as bytes.
 *
 * <p>Why not the {@link Reassembler}: it delivers events in serial order and hands a record
 * that arrives after a later serial was delivered on as an event of its own. A log file holds
 * whole events written in completion order, which is not always serial order; a search must
 * not split those (ausearch does not). The completion rules are the Reassembler's
 * ({@link Reassembler#endsEvent}); an event without a last record ends when more than
 * {@link #MAX_OPEN} events are open, or at the end of the input.
 *
 * <p>Not thread-safe: one per search.
 */
final class EventGrouper {
    /** Events held open at once (ReassemblySettings.defaults()'s bound). */
    static final int MAX_OPEN = 1000;

    private final int wanted;
    private final RecordParser parser = new RecordParser();
    private final EventMatcher matcher;
    private final EventConsumer out;
    private final LinkedHashMap<Long, Open> open = new LinkedHashMap<>();
    private Open last;
    private byte[] buf;

    long scanned;
    long matched;
    long rejected;

    EventGrouper(int wanted, EventMatcher matcher, EventConsumer out) {
        this.wanted = wanted;
        this.matcher = matcher;
        this.out = out;
    }

    /** The reader's buffer that line offsets refer to from now on. */
    void buffer(byte[] b) {
        buf = b;
    }

    void add(long key, long millis, int type, int off, int len, int hits) throws IOException {
        Open e = last;
        if (e == null || e.key != key) {
            e = open.get(key);
        }
        if (e != null && e.millis != millis) {
            // Same serial, another time: a new event after the serial wrapped or a restart.
            finish(e);
            e = null;
        }
        if (e == null) {
            if (type == RecordType.EOE) {
                return; // ends an event already gone, or never seen: nothing to deliver
            }
            e = new Open(key, millis);
            open.put(key, e);
            if (open.size() > MAX_OPEN) {
                Iterator<Open> it = open.values().iterator();
                Open eldest = it.next();
                finish(eldest);
            }
        }
        last = e;
        e.hits |= hits;
        if (type != RecordType.EOE) {
            e.add(off, len);
        }
        if (Reassembler.endsEvent(type)) {
            finish(e);
        }
    }

    /** Copies every held line out of the buffer, which the reader is about to reuse. */
    void detach() {
        for (Open e : open.values()) {
            e.detach(buf);
        }
    }

    /** End of input: every open event ends, oldest first. */
    void finishAll() throws IOException {
        while (!open.isEmpty()) {
            finish(open.values().iterator().next());
        }
    }

    private void finish(Open e) throws IOException {
        open.remove(e.key);
        if (last == e) {
            last = null;
        }
        scanned++;
        if ((e.hits & wanted) != wanted) {
            return;
        }
        List<AuditRecord> records = new ArrayList<>(e.n);
        for (int i = 0; i < e.n; i++) {
            byte[] copy = e.copies[i];
            AuditRecord r = copy != null ? parser.parseLogLine(copy) : parser.parseLogLine(buf, e.offs[i], e.lens[i]);
            if (r != null) {
                records.add(r);
            } else {
                rejected++;
            }
        }
        if (records.isEmpty()) {
            return;
        }
        AuditRecord first = records.get(0);
        AuditEvent event = new AuditEvent(first.serial(), first.timestamp(), first.node(), records);
        if (matcher.matches(event)) {
            matched++;
            out.accept(event);
        }
    }

    /** One open event: its lines as (offset, length) in the buffer, or as copies once detached. */
    private static final class Open {
        final long key;
        final long millis;
        int hits;
        int n;
        int[] offs = new int[6];
        int[] lens = new int[6];
        byte[][] copies = new byte[6][];

        Open(long key, long millis) {
            this.key = key;
            this.millis = millis;
        }

        void add(int off, int len) {
            if (n == offs.length) {
                offs = Arrays.copyOf(offs, n * 2);
                lens = Arrays.copyOf(lens, n * 2);
                copies = Arrays.copyOf(copies, n * 2);
            }
            offs[n] = off;
            lens[n] = len;
            n++;
        }

        void detach(byte[] buf) {
            for (int i = 0; i < n; i++) {
                if (copies[i] == null) {
                    copies[i] = Arrays.copyOfRange(buf, offs[i], offs[i] + lens[i]);
                }
            }
        }
    }
}

package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.Reassembler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.ArrayDeque;
import java.util.Comparator;
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
 * ({@link Reassembler#endsEvent}); an event without a last record ends when its slot is
 * needed (see {@link #SLOTS}), or at the end of the input.
 *
 * <p>Not thread-safe: one per search.
 */
final class EventGrouper {
    /**
     * Open events live in a direct-mapped table indexed by serial: an event that has not ended
     * when a serial {@value} later (same slot) arrives is ended then. A bound by serial
     * distance rather than by count keeps the per-line cost to one array load (this is the hot
     * path: a map here cost 40% of a search); 4096 is four times ReassemblySettings' default.
     */
    static final int SLOTS = 4096;

    private final int wanted;
    private final RecordParser parser = new RecordParser();
    private final EventMatcher matcher;
    private final EventConsumer out;
    private final Open[] slots = new Open[SLOTS];
    /** Ended events' holders, reused so that grouping allocates nothing per event. */
    private final ArrayDeque<Open> spare = new ArrayDeque<>();
    private byte[] buf;
    private long opened;

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
        int slot = (int) (key ^ (key >>> 29)) & (SLOTS - 1);
        Open e = slots[slot];
        if (e != null && (e.key != key || e.millis != millis)) {
            // Another event in the slot: a serial SLOTS later, another node, or the same serial
            // at another time (after a wrap or a restart). The older one ends here.
            finish(e);
            e = null;
        }
        if (e == null) {
            if (type == RecordType.EOE) {
                return; // ends an event already gone, or never seen: nothing to deliver
            }
            e = spare.isEmpty() ? new Open() : spare.pop();
            e.reset(key, millis, slot, opened++);
            slots[slot] = e;
        }
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
        for (Open e : slots) {
            if (e != null) e.detach(buf);
        }
    }

    /** End of input: every open event ends, in the order their first records came. */
    void finishAll() throws IOException {
        List<Open> left = new ArrayList<>();
        for (Open e : slots) {
            if (e != null) left.add(e);
        }
        left.sort(Comparator.comparingLong((Open e) -> e.opened));
        for (Open e : left) {
            finish(e);
        }
    }

    private void finish(Open e) throws IOException {
        slots[e.slot] = null;
        scanned++;
        try {
            if ((e.hits & wanted) == wanted) {
                deliver(e);
            }
        } finally {
            e.release();
            spare.push(e);
        }
    }

    private void deliver(Open e) throws IOException {
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
        long key;
        long millis;
        int slot;
        /** Order of first record, for ending the rest "oldest first" at end of input. */
        long opened;
        int hits;
        int n;
        int[] offs = new int[6];
        int[] lens = new int[6];
        byte[][] copies = new byte[6][];

        void reset(long key, long millis, int slot, long opened) {
            this.opened = opened;
            this.key = key;
            this.millis = millis;
            this.slot = slot;
            this.hits = 0;
        }

        /** Drops the lines (and copies) so that a reused holder keeps nothing alive. */
        void release() {
            for (int i = 0; i < n; i++) copies[i] = null;
            n = 0;
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

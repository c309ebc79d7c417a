package dev.fim.auditlink.search;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordParser;
import dev.fim.auditlink.parse.RecordType;
import dev.fim.auditlink.reassembly.Reassembler;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Groups log lines into events by (node, serial, timestamp) the way auparse does for files, holding
 * each line as a reference into the reader's buffer until the event ends. Only an event whose lines
 * collected every pre-filter bit is parsed (each line through {@link RecordParser}) and offered to
 * the {@link EventFilter} (the search's {@link EventMatcher}); the rest are dropped as bytes.
 *
 * <p>Why not the {@link Reassembler}: it delivers events in serial order and hands a record that
 * arrives after a later serial was delivered on as an event of its own. A log file holds whole
 * events written in completion order, which is not always serial order; a search must not split
 * those (ausearch does not).
 *
 * <p>The grouping rules (the {@link WindowedSearch} computes the same events and order from the
 * lines around each candidate, so these rules must stay local):
 *
 * <ol>
 *   <li>A record line joins the open event with its (node, serial) if that event has the same
 *       timestamp; if the timestamp differs, the open event ends at this line first.
 *   <li>An event ends at its last record ({@link Reassembler#endsEvent}, EOE included; an EOE whose
 *       event is not open is dropped).
 *   <li>An event ends when {@value #WINDOW} bytes of input have passed since the start of its
 *       latest record: at the first record line that starts more than {@value #WINDOW} bytes after
 *       it (input offsets run on over the files of one search, so an event cut by a rotation is
 *       still joined). The kernel writes an event's records together; records of events on other
 *       CPUs interleave within a few lines, far inside this window.
 *   <li>At the end of the input the events still open end, oldest first record first.
 * </ol>
 *
 * Events are delivered in the order they end; several ending at one line go as: those that aged out
 * (by their latest record), the one whose timestamp differed, the line's own.
 *
 * <p>Not thread-safe: one per search.
 */
final class EventGrouper {
  /** Bytes of input after which an event without news ends (see the class comment). */
  static final int WINDOW = 16 * 1024;

  /** Direct-mapped by serial with chains for the rare collision (nodes, serial resets). */
  static final int SLOTS = 4096;

  private final int wanted;
  private final RecordParser parser = new RecordParser();
  private final EventFilter matcher;
  private final EventConsumer out;
  private final Open[] slots = new Open[SLOTS];

  /** Open events by the start of their latest record, oldest first. */
  private Open lruHead;

  private Open lruTail;

  /** Ended events' holders, reused so that grouping allocates nothing per event. */
  private final ArrayDeque<Open> spare = new ArrayDeque<>();

  private byte[] buf;
  private long opened;

  long scanned;
  long matched;
  long rejected;

  EventGrouper(int wanted, EventFilter matcher, EventConsumer out) {
    this.wanted = wanted;
    this.matcher = matcher;
    this.out = out;
  }

  /** The reader's buffer that line offsets refer to from now on. */
  void buffer(byte[] b) {
    buf = b;
  }

  /**
   * @param at the line's offset in the input (over all files)
   */
  void add(long at, long key, long millis, int type, int off, int len, int hits)
      throws IOException {
    while (lruHead != null && lruHead.last + WINDOW < at) {
      finish(lruHead);
    }
    int slot = (int) (key ^ (key >>> 29)) & (SLOTS - 1);
    Open e = slots[slot];
    while (e != null && e.key != key) e = e.next;
    if (e != null && e.millis != millis) {
      // The same serial at another time (after a wrap or a restart): the older one ends here.
      finish(e);
      e = null;
    }
    if (e == null) {
      if (type == RecordType.EOE) {
        return; // ends an event already gone, or never seen: nothing to deliver
      }
      e = spare.isEmpty() ? new Open() : spare.pop();
      e.reset(key, millis, slot, opened++);
      e.next = slots[slot];
      slots[slot] = e;
    } else {
      unlink(e);
    }
    e.last = at;
    append(e);
    e.hits |= hits;
    if (type != RecordType.EOE) {
      e.add(off, len);
    }
    if (Reassembler.endsEvent(type)) {
      finish(e);
    }
  }

  private void append(Open e) {
    e.newer = null;
    e.older = lruTail;
    if (lruTail == null) lruHead = e;
    else lruTail.newer = e;
    lruTail = e;
  }

  private void unlink(Open e) {
    if (e.older == null) lruHead = e.newer;
    else e.older.newer = e.newer;
    if (e.newer == null) lruTail = e.older;
    else e.newer.older = e.older;
    e.older = e.newer = null;
  }

  /** Copies every held line out of the buffer, which the reader is about to reuse. */
  void detach() {
    for (Open e = lruHead; e != null; e = e.newer) {
      e.detach(buf);
    }
  }

  /** End of input: every open event ends, in the order their first records came. */
  void finishAll() throws IOException {
    List<Open> left = new ArrayList<>();
    for (Open e = lruHead; e != null; e = e.newer) {
      left.add(e);
    }
    left.sort(Comparator.comparingLong((Open e) -> e.opened));
    for (Open e : left) {
      finish(e);
    }
  }

  private void finish(Open e) throws IOException {
    Open p = slots[e.slot];
    if (p == e) {
      slots[e.slot] = e.next;
    } else {
      while (p.next != e) p = p.next;
      p.next = e.next;
    }
    e.next = null;
    unlink(e);
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
      AuditRecord r =
          copy != null ? parser.parseLogLine(copy) : parser.parseLogLine(buf, e.offs[i], e.lens[i]);
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

    /** Input offset of the latest record's line. */
    long last;

    Open next;
    Open older;
    Open newer;

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

package dev.fim.auditlink.reassembly;

import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.parse.RecordType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Stage: groups records into events by serial and hands each event to an {@link EventStream}.
 *
 * <p>An event is delivered when it is complete (EOE, or a type that is always the last record: see
 * {@code Completion}), when holding it would exceed {@link ReassemblySettings#maxInFlight}, when
 * its timeout passes, or on {@link #flush()}.
 *
 * <p>The timeout (and the gap wait) tells apart who is late. On {@link #tick()}, which the reader
 * calls when nothing came for a while (it has caught up), the reader's clock decides: the rest of
 * the event did not come. On a {@link #push}, the stream's own time must have passed it too (the
 * audit timestamp of the record pushed): a reader that was itself late (descheduled on a loaded
 * host, paused by a collection) finds the rest of an event already waiting in its socket, and must
 * not split the event because its clock moved while it did not read; only records stamped a timeout
 * later than the event's first show that its rest is not coming in order. (Before, a pause of the
 * listener between an event's PATH records delivered the event without its created file's item, and
 * the change went unattributed: seen at load 17.)
 *
 * <p>Events leave in serial order from the oldest: a complete event waits behind an older
 * incomplete one, so the next stage sees serials in order and a gap between two delivered serials
 * means events were lost (reported through {@link EventStream#eventsLost} before the event after
 * the gap). Serials wrap at 2^32; 4294967295 → 0 is not a gap.
 *
 * <p>Not thread-safe: one reader thread pushes, ticks and flushes (the netlink reader or the log
 * reader), and the stream is called on that thread.
 */
public final class Reassembler {
  private final int maxInFlight;
  private final long timeoutNanos;
  private final long gapWaitNanos;
  private final Ticker ticker;
  private final EventStream out;

  /**
   * In-flight events in serial order (wrap-aware), oldest first. Small: at most maxInFlight + 1.
   */
  private final List<Event> order = new ArrayList<>();

  private final Map<Long, Event> bySerial = new HashMap<>();

  private boolean haveLast;
  private long lastSerial;

  /** The audit time (ms since the epoch) of the last record pushed: the stream's own clock. */
  private long streamMillis;

  private long records;
  private long events;
  private long eoe;
  private long orphanEoe;
  private long incomplete;
  private long late;
  private long lost;

  public Reassembler(ReassemblySettings settings, Ticker ticker, EventStream out) {
    this.maxInFlight = settings.maxInFlight();
    this.timeoutNanos = settings.timeout().toNanos();
    this.gapWaitNanos = settings.gapWait().toNanos();
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    this.out = Objects.requireNonNull(out, "out");
  }

  /**
   * Whether a record of this type always ends its event (libaudit's last-record rules, see {@code
   * Completion}). For readers that group records without a Reassembler, such as the log search,
   * which must not split events that arrive after a later serial completed.
   */
  public static boolean endsEvent(int type) {
    return Completion.isLastRecord(type);
  }

  /** Adds one record; may deliver events (this one, older ones evicted by the bound or timeout). */
  public void push(AuditRecord r) {
    Objects.requireNonNull(r, "record");
    records++;
    long now = ticker.read();
    // The latest, not the greatest: after the clock is set back, a maximum would stay ahead of
    // every new event and time each out at its first record.
    streamMillis = r.timestampMillis();
    long serial = r.serial();
    Event e = bySerial.get(serial);
    if (r.type() == RecordType.EOE) {
      eoe++;
      if (e == null) {
        orphanEoe++;
      } else {
        e.markComplete(now, streamMillis);
      }
      evict(now, false);
      return;
    }
    if (e == null) {
      if (haveLast && !SerialOrder.isAfter(serial, lastSerial)) {
        // Its serial was delivered (or counted lost) already: the record arrived after
        // its event left. Deliver it alone rather than drop it or reopen the past.
        late++;
        events++;
        out.reassemblyComplete(List.of(r));
        evict(now, false);
        return;
      }
      e = new Event(serial, now + timeoutNanos, streamMillis);
      insert(e);
    }
    e.records.add(r);
    if (Completion.isLastRecord(r.type())) {
      e.markComplete(now, streamMillis);
    }
    evict(now, false);
  }

  /**
   * Delivers events whose timeout (or gap wait) has passed on the reader's clock. Call periodically
   * when no records arrive (the reader has caught up with the stream).
   */
  public void tick() {
    evict(ticker.read(), true);
  }

  /** Delivers every event in flight, complete or not, in serial order (end of input, shutdown). */
  public void flush() {
    while (!order.isEmpty()) {
      deliver(order.get(0));
    }
  }

  public ReassemblyCounters counters() {
    return new ReassemblyCounters(records, events, eoe, orphanEoe, incomplete, late, lost);
  }

  /** Events currently held. */
  public int inFlight() {
    return order.size();
  }

  /**
   * @param idle whether the reader has caught up ({@link #tick()}): the timeouts run on its clock
   *     {@code now}; else on its clock and the stream's ({@link #streamMillis}), both passed
   */
  private void evict(long now, boolean idle) {
    while (!order.isEmpty()) {
      Event head = order.get(0);
      boolean timedOut =
          now - head.deadline >= 0
              && (idle || (streamMillis - head.firstMillis) * 1_000_000L >= timeoutNanos);
      boolean forced = order.size() > maxInFlight || timedOut;
      if (forced || (head.complete && !waitingForGap(head, now, idle))) {
        deliver(head);
      } else {
        return;
      }
    }
  }

  /** A complete head held back because a lower serial is missing, for at most the gap wait. */
  private boolean waitingForGap(Event head, long now, boolean idle) {
    return haveLast
        && SerialOrder.isAfter(head.serial, lastSerial)
        && SerialOrder.gap(lastSerial, head.serial) > 0
        && (now - head.completedAt < gapWaitNanos
            || !idle && (streamMillis - head.completedMillis) * 1_000_000L < gapWaitNanos);
  }

  private void deliver(Event e) {
    order.remove(0);
    bySerial.remove(e.serial);
    if (haveLast && SerialOrder.isAfter(e.serial, lastSerial)) {
      long gap = SerialOrder.gap(lastSerial, e.serial);
      if (gap > 0) {
        lost += gap;
        out.eventsLost(gap);
      }
    }
    if (!haveLast || SerialOrder.isAfter(e.serial, lastSerial)) {
      lastSerial = e.serial;
      haveLast = true;
    }
    if (!e.complete) {
      incomplete++;
    }
    events++;
    out.reassemblyComplete(Collections.unmodifiableList(e.records));
  }

  private void insert(Event e) {
    int lo = 0;
    int hi = order.size();
    // Binary search by wrap-aware order; arrivals are nearly sorted, so this is cheap.
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (SerialOrder.compare(order.get(mid).serial, e.serial) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    order.add(lo, e);
    bySerial.put(e.serial, e);
  }

  private static final class Event {
    final long serial;

    /** When it times out on the reader's clock. */
    final long deadline;

    /** The audit time of its first record (the stream's clock). */
    final long firstMillis;

    final List<AuditRecord> records = new ArrayList<>(6);
    boolean complete;

    /** When it was completed, on the reader's clock and on the stream's. */
    long completedAt;

    long completedMillis;

    void markComplete(long now, long streamMillis) {
      if (!complete) {
        complete = true;
        completedAt = now;
        completedMillis = streamMillis;
      }
    }

    Event(long serial, long deadline, long firstMillis) {
      this.serial = serial;
      this.deadline = deadline;
      this.firstMillis = firstMillis;
    }
  }
}

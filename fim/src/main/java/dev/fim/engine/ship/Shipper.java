package dev.fim.engine.ship;

import dev.fim.engine.sink.StoreAccess;
import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.Store;
import dev.fim.store.StoreException;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends the events of a store that the destination has not acknowledged, in sequence order, in
 * bounded {@code _bulk} batches, and records how far it got ({@link ShipState}).
 *
 * <p>Exactly once: each document has a fixed id and index ({@link ShipDocuments}) and is sent with
 * {@code create}, so a document that made it before (its acknowledgement lost to a crash or an
 * outage) comes back 409, which counts as acknowledged. The acknowledged sequence only moves over a
 * contiguous prefix of successes: after a failure everything past the last success is sent again,
 * never skipped. Per item: 201 and 409 succeed; 429 and 5xx (and a request that fails as a whole,
 * or no answer) are retried with exponential backoff; any other refusal (a mapping error, 400)
 * stops shipping with the sequence, path and reason ({@link ShipException.Reason#REJECTED}), since
 * skipping it would lose evidence: fix the mapping (or the index) and run again.
 *
 * <p>Each round also sends the approvals accepted since ({@link #approvals}) and the watch coverage
 * intervals that changed ({@link #coverage}: a running watch's end moves; {@link CoverageState}).
 */
public final class Shipper {
  /**
   * How to ship.
   *
   * @param batchDocs at most this many documents per {@code _bulk} request
   * @param batchBytes and at most about this many bytes (a batch ends after the document that
   *     crosses it)
   * @param maxRate at most this many documents per second, 0 for no limit
   * @param retryFor give up (UNREACHABLE) after failing for this long without progress; null: never
   * @param backlogWarn warn when more than this many events wait to be shipped
   */
  public record Settings(
      int batchDocs, long batchBytes, double maxRate, Duration retryFor, long backlogWarn) {}

  /**
   * Records in the store that the backlog passed its bound (an overflow-style event, so the notice
   * is itself shipped and reported); once per crossing.
   */
  public interface BacklogNotice {
    /**
     * @throws Exception when it could not be recorded (shipping goes on; the warning says it)
     */
    void exceeded(long waiting, long bound) throws Exception;
  }

  /**
   * What a round did.
   *
   * @param complete false when it could not read all it meant to (the database lent meanwhile)
   */
  public record Round(
      long sent, long created, long alreadyPresent, long acknowledged, boolean complete) {}

  private static final long FIRST_BACKOFF_NS = 250_000_000L;
  private static final long MAX_BACKOFF_NS = 30_000_000_000L;

  private final BulkClient client;
  private final ShipDocuments documents;
  private final ShipState state;
  private final ShipState approvalState;
  private final CoverageState coverageState;
  private final Settings settings;
  private final Consumer<String> warnings;
  private final BacklogNotice notice;

  /** Whether this process tried to record the notice of the current crossing. */
  private boolean noticeTried;

  private final Object pause = new Object();
  private volatile boolean stopping;

  /** Set by {@link #wake}: new events are recorded; the wait between rounds ends. */
  private final java.util.concurrent.atomic.AtomicBoolean woken =
      new java.util.concurrent.atomic.AtomicBoolean();

  /** The thread in {@link #follow}, which {@link #wake} unparks. */
  private volatile Thread follower;

  /** How often rounds look for new approvals and changed watch coverage. */
  private static final long APPROVALS_EVERY_NS = 1_000_000_000L;

  /** When a round last looked for approvals (System.nanoTime), 0 never. */
  private long lastApprovalsNs;

  private long rateStartNs;
  private long rateDocs;

  public Shipper(
      BulkClient client,
      ShipDocuments documents,
      ShipState state,
      Settings settings,
      Consumer<String> warnings,
      BacklogNotice notice) {
    this.client = client;
    this.documents = documents;
    this.state = state;
    this.approvalState = state.approvals();
    this.coverageState = state.coverage();
    this.settings = settings;
    this.warnings = warnings;
    this.notice = notice;
  }

  /** Asks a running {@link #follow} to stop after the request in flight. */
  public void stop() {
    stopping = true;
    synchronized (pause) {
      pause.notifyAll();
    }
    Thread t = follower;
    if (t != null) {
      java.util.concurrent.locks.LockSupport.unpark(t);
    }
  }

  /**
   * New events were recorded: a {@link #follow} waiting between rounds starts the next one now
   * rather than at the end of its interval (not sooner than {@code minGap} after the last one
   * began). Never blocks, never waits for a lock: the watcher's comparator calls it after each
   * batch it recorded. A wake during a round is kept for the next wait, so none is lost. It does
   * not cut short a backoff after a failure or the --max-rate pacing.
   */
  public void wake() {
    if (!woken.getAndSet(true)) {
      Thread t = follower;
      if (t != null) {
        java.util.concurrent.locks.LockSupport.unpark(t);
      }
    }
  }

  public boolean stopping() {
    return stopping;
  }

  /** The destination's acknowledged sequence, as recorded now. */
  public long acknowledged() throws ShipException {
    return state.acknowledged();
  }

  /**
   * Ships what database {@code dbDir} holds now (opened read-only, beside a running {@code fim
   * watch}), then, unless {@code once}, looks for new events every {@code interval} until {@link
   * #stop}.
   *
   * @param progress told of every round that sent something
   */
  public void follow(Path dbDir, boolean once, Duration interval, Consumer<Round> progress)
      throws ShipException, StoreException, InterruptedException {
    follow(dbDir, once, interval, Duration.ZERO, progress);
  }

  /**
   * As {@link #follow(Path, boolean, Duration, Consumer)}; a {@link #wake} ends the wait between
   * rounds early, but a round starts at least {@code minGap} after the previous one started (a
   * burst of recorded batches costs one round, not one each).
   */
  public void follow(
      Path dbDir, boolean once, Duration interval, Duration minGap, Consumer<Round> progress)
      throws ShipException, StoreException, InterruptedException {
    follow(dbDir, () -> null, once, interval, minGap, progress);
  }

  /**
   * As {@link #follow(Path, boolean, Duration, Duration, Consumer)}, reading through {@code access}
   * when it gives one ({@code fim watch --ship}: the watch's own open store, through its guard,
   * instead of opening the database read-only each round, which costs 0.1–0.8 s of a loaded
   * machine). The store is only read through it, each batch read and rendered there and sent after:
   * the guard is never held across a request to the cluster (the watch lends the database under
   * it). When it refuses (the database is lent to a fim check), the round waits for the next; when
   * it gives null, the round opens the database read-only as fim ship does.
   */
  public void follow(
      Path dbDir,
      java.util.function.Supplier<StoreAccess> access,
      boolean once,
      Duration interval,
      Duration minGap,
      Consumer<Round> progress)
      throws ShipException, StoreException, InterruptedException {
    follower = Thread.currentThread();
    long[] seen = {-1};
    while (!stopping) {
      long began = System.nanoTime();
      StoreAccess held = access.get();
      if (held != null) {
        roundThrough(held, seen, once, progress);
      } else {
        try (Store store = Store.open(dbDir, Store.OpenMode.READ_ONLY)) {
          roundThrough(StoreAccess.direct(store), seen, once, progress);
        }
      }
      if (once) {
        return;
      }
      awaitRound(began + minGap.toNanos(), System.nanoTime() + interval.toNanos());
    }
  }

  /**
   * One round of events (when the head moved past {@code seen[0]}) and approvals (always when
   * {@code once}, else at most once a second).
   */
  private void roundThrough(StoreAccess access, long[] seen, boolean once, Consumer<Round> progress)
      throws ShipException, StoreException, InterruptedException {
    long[] head = {-1};
    if (!access.run(store -> head[0] = EventLog.headSequence(store))) {
      return; // lent: the next round
    }
    if (head[0] != seen[0]) { // nothing new, no scan
      Round r = round(access, head[0]);
      if (r.sent() > 0) {
        progress.accept(r);
      }
      if (!stopping && r.complete()) {
        seen[0] = head[0];
      }
    }
    long now = System.nanoTime();
    if (!stopping
        && (once || lastApprovalsNs == 0 || now - lastApprovalsNs >= APPROVALS_EVERY_NS)) {
      // accepting a change records no event: looked for apart from the events, at most once a
      // second (a watch's rounds come with each recorded batch; the scan reads every approval)
      approvals(access);
      if (!stopping) {
        coverage(access); // a running watch's heartbeat records no event either
      }
      lastApprovalsNs = now;
    }
  }

  /**
   * Waits until {@code latestNs}, or until a {@link #wake} (but not before {@code earliestNs}), or
   * {@link #stop} (System.nanoTime deadlines).
   */
  private void awaitRound(long earliestNs, long latestNs) throws InterruptedException {
    long left;
    while (!stopping && (left = latestNs - System.nanoTime()) > 0) {
      if (woken.get()) {
        long early = earliestNs - System.nanoTime();
        if (early <= 0) {
          break;
        }
        left = Math.min(left, early);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(this, left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    woken.set(false); // this round reads the head now: it ships what the wake announced
  }

  /**
   * Ships the events after the acknowledged sequence, up to {@code head}, reading each batch
   * through {@code access} and sending it outside it. A round that {@code access} refused part-way
   * (the database lent meanwhile) ends there, not {@link Round#complete}.
   */
  private Round round(StoreAccess access, long head)
      throws ShipException, StoreException, InterruptedException {
    long acked = state.acknowledged();
    long[][] found = {null};
    if (!access.run(store -> found[0] = new EventLog(store).pendingAfter(acked, head))) {
      return new Round(0, 0, 0, acked, false);
    }
    long[] pending = found[0];
    int count = pending.length / 2;
    backlog(count);
    Counts c = new Counts(acked);
    StringBuilder body = new StringBuilder();
    int[] offsets = new int[settings.batchDocs() + 1];
    long[] seqs = new long[settings.batchDocs()];
    String[] paths = new String[settings.batchDocs()];
    int[] at = {0, 0}; // {next pending index, documents in this batch}
    boolean complete = true;
    while (at[0] < count && !stopping) {
      body.setLength(0);
      at[1] = 0;
      boolean read =
          access.run(
              store -> {
                EventLog log = new EventLog(store);
                while (at[0] < count
                    && at[1] < settings.batchDocs()
                    && body.length() < settings.batchBytes()) {
                  long time = pending[2 * at[0]];
                  long seq = pending[2 * at[0] + 1];
                  at[0]++;
                  byte[] stored = log.stored(time, seq);
                  if (stored == null) {
                    continue; // not in this snapshot's events (cannot be: its key came from it)
                  }
                  ChangeEvent e = log.decode(stored);
                  int n = at[1];
                  offsets[n] = body.length();
                  seqs[n] = seq;
                  paths[n] = "event " + seq + " (" + e.path().display() + ")";
                  documents.append(e, stored, body);
                  at[1]++;
                }
              });
      if (!read) {
        complete = false; // lent meanwhile: the rest next round
        break;
      }
      int n = at[1];
      offsets[n] = body.length();
      if (n > 0) {
        send(body, offsets, seqs, paths, n, c, state, EVENTS);
        pace(n);
      }
    }
    if (count > settings.backlogWarn()) {
      long left = 0; // still waiting after this round: back at the bound ends the crossing
      for (int k = 0; k < count; k++) {
        if (pending[2 * k + 1] > c.acked) {
          left++;
        }
      }
      if (left <= settings.backlogWarn()) {
        backlog(left);
      }
    }
    return new Round(c.sent, c.created, c.present, c.acked, complete);
  }

  /** How a refusal names what was shipped so far: events by sequence. */
  private static final java.util.function.LongFunction<String> EVENTS =
      acked -> "events up to " + acked + " are shipped";

  /** Approvals by the time they were accepted. */
  private static final java.util.function.LongFunction<String> APPROVALS =
      acked ->
          "approvals accepted up to " + dev.fim.store.Timestamps.format(acked) + " are shipped";

  /**
   * Sends the approvals accepted since the last acknowledged one ({@code fim accept} on this host),
   * as documents of their own in {@code fim-approvals-*} (id: the approved event's, so a resent one
   * is 409). The acknowledged value is the acceptance time: approvals accepted at or after it are
   * sent again (409 for those already there). Returns how many were sent.
   */
  public long approvals(Store store) throws ShipException, StoreException, InterruptedException {
    return approvals(StoreAccess.direct(store));
  }

  /** As {@link #approvals(Store)}, read through {@code access} and sent outside it. */
  private long approvals(StoreAccess access)
      throws ShipException, StoreException, InterruptedException {
    long from = approvalState.acknowledged();
    List<Object[]> fresh = new java.util.ArrayList<>();
    boolean read =
        access.run(
            store ->
                new Approvals(store)
                    .forEach(
                        (time, seq, a, stored) -> {
                          if (a.acceptedNs() >= from) {
                            fresh.add(new Object[] {time, seq, a, stored});
                          }
                        }));
    if (!read) {
      return 0; // lent: the next round
    }
    fresh.sort(
        java.util.Comparator.comparingLong((Object[] x) -> ((Approval) x[2]).acceptedNs())
            .thenComparingLong(x -> (Long) x[1]));
    Counts c = new Counts(from);
    sendAll(
        fresh,
        (x, i) -> ((Approval) x[2]).acceptedNs(),
        (x, body) -> {
          documents.appendApproval((Long) x[0], (Long) x[1], (Approval) x[2], (byte[]) x[3], body);
          return "the approval of event " + x[1];
        },
        c,
        approvalState,
        APPROVALS);
    if (!stopping && !fresh.isEmpty()) {
      // all sent: the next round starts after the last (before, those accepted at the same
      // nanosecond as the last acknowledged one are sent again: one fim accept approves many)
      approvalState.acknowledge(c.acked + 1);
    }
    return c.created;
  }

  /**
   * Sends the watch coverage intervals whose current form the destination has not acknowledged
   * ({@link CoverageState}): a new run, a run whose end moved (heartbeat) or that ended. Returns
   * how many the cluster took (a copy it already had, or a newer one, is 409 and not counted).
   */
  public long coverage(Store store) throws ShipException, StoreException, InterruptedException {
    return coverage(StoreAccess.direct(store));
  }

  /**
   * As {@link #coverage(Store)}, reading through {@code access} (the intervals are read under it
   * and sent after it); 0 when it refuses (the database is lent).
   */
  long coverage(StoreAccess access) throws ShipException, StoreException, InterruptedException {
    if (coverageUnmapped != null) {
      if (!coverageWarned) {
        coverageWarned = true;
        warnings.accept(coverageUnmapped);
      }
      return 0;
    }
    CoverageState.Acknowledged acked = coverageState.acknowledged();
    List<List<WatchCoverage.Stored>> read = new ArrayList<>(1);
    if (!access.run(store -> read.add(WatchCoverage.startingAt(store, acked.finalBefore())))) {
      return 0;
    }
    CoverageState.Round round = coverageState.round(acked, read.get(0));
    List<WatchCoverage.Stored> fresh = round.pending();
    Counts c = new Counts(-1);
    sendAll(
        fresh,
        (x, i) -> i,
        (x, body) -> {
          documents.appendCoverage(x.interval(), x.record(), body);
          return "the coverage of the watch run started "
              + dev.fim.store.Timestamps.format(x.interval().startNs());
        },
        c,
        round,
        COVERAGE);
    return c.created;
  }

  /** Appends one document's NDJSON lines (action and source); returns how errors name it. */
  @FunctionalInterface
  private interface Appender<T> {
    String append(T item, StringBuilder body);
  }

  /** Where an item stands in what its state acknowledges (given the item and its index). */
  @FunctionalInterface
  private interface Position<T> {
    long of(T item, int index);
  }

  /**
   * Sends {@code items} in order, in bulk requests of at most the batch's documents and bytes, each
   * acknowledged in {@code state} by its {@code position} as the cluster takes it.
   */
  private <T> void sendAll(
      List<T> items,
      Position<T> position,
      Appender<T> appender,
      Counts c,
      Acknowledging state,
      java.util.function.LongFunction<String> shipped)
      throws ShipException, InterruptedException {
    StringBuilder body = new StringBuilder();
    int[] offsets = new int[settings.batchDocs() + 1];
    long[] positions = new long[settings.batchDocs()];
    String[] labels = new String[settings.batchDocs()];
    int i = 0;
    while (i < items.size() && !stopping) {
      body.setLength(0);
      int n = 0;
      while (i < items.size()
          && n < settings.batchDocs()
          && body.length() < settings.batchBytes()) {
        T x = items.get(i);
        offsets[n] = body.length();
        positions[n] = position.of(x, i);
        labels[n] = appender.append(x, body);
        i++;
        n++;
      }
      offsets[n] = body.length();
      send(body, offsets, positions, labels, n, c, state, shipped);
    }
  }

  private volatile String coverageUnmapped;
  private boolean coverageWarned;

  /**
   * Sends no coverage, saying {@code why} once: the cluster's template is older than the one that
   * maps {@code fim-coverage-*} (its documents would get guessed mappings). A fleet report then
   * shows this host as not covered, never as covered.
   */
  public void withoutCoverage(String why) {
    coverageUnmapped = why;
  }

  /**
   * Ships coverage only when the cluster's template, of version {@code template}, maps it (else
   * {@link #withoutCoverage}, saying how to update it).
   */
  public void forTemplate(int template) {
    if (template < IndexTemplate.COVERAGE_SINCE) {
      withoutCoverage(
          "index template "
              + IndexTemplate.NAME
              + " on "
              + client
              + " is version "
              + template
              + ", which does not map watch coverage: coverage is not shipped (a fleet report"
              + " shows this host as not watched) until fim ship --setup updates it");
    }
  }

  /** Coverage intervals by their position in the round. */
  private static final java.util.function.LongFunction<String> COVERAGE =
      acked -> (acked + 1) + " changed coverage intervals of this round are shipped";

  /**
   * Warns each round while more than the bound wait, and records one notice in the store when the
   * bound is crossed: not again until the backlog has fallen back to the bound (a marker beside the
   * shipping state remembers it across restarts).
   */
  private void backlog(long count) throws ShipException {
    long bound = settings.backlogWarn();
    if (count <= bound) {
      noticeTried = false;
      if (state.backlogNoted()) {
        state.backlogNoted(false);
      }
      return;
    }
    warnings.accept(
        count
            + " events wait to be shipped (bound "
            + bound
            + "): the cluster is far behind this host; events are kept in the store meanwhile");
    if (noticeTried || state.backlogNoted()) {
      return;
    }
    noticeTried = true;
    try {
      notice.exceeded(count, bound);
      state.backlogNoted(true);
    } catch (Exception e) {
      warnings.accept(
          "the backlog notice could not be recorded in the store: "
              + e.getMessage()
              + "; shipping goes on");
    }
  }

  private static final class Counts {
    long sent;
    long created;
    long present;
    long acked;

    Counts(long acked) {
      this.acked = acked;
    }
  }

  /** Sends one batch until every item succeeded; advances the acknowledged sequence as it goes. */
  private void send(
      StringBuilder body,
      int[] offsets,
      long[] seqs,
      String[] paths,
      int n,
      Counts c,
      Acknowledging state,
      java.util.function.LongFunction<String> shipped)
      throws ShipException, InterruptedException {
    int from = 0;
    long backoff = FIRST_BACKOFF_NS;
    long failingSince = 0;
    while (from < n) {
      String failure;
      BulkClient.Response resp = null;
      try {
        resp = client.bulk(body.substring(offsets[from], offsets[n]));
        failure = null;
      } catch (IOException e) {
        ShipException f = client.failure(e);
        if (f.reason() != ShipException.Reason.UNREACHABLE) {
          throw f;
        }
        failure = f.getMessage();
      }
      if (resp != null) {
        if (resp.status() == 429 || resp.status() >= 500) {
          failure = "the cluster answered " + resp.status() + ": " + excerpt(resp.body());
        } else if (resp.status() != 200) {
          throw new ShipException(
              resp.status() == 401 || resp.status() == 403
                  ? ShipException.Reason.SETUP
                  : ShipException.Reason.REJECTED,
              "the cluster refused the bulk request ("
                  + resp.status()
                  + (resp.status() == 401
                      ? ", not authenticated: check --user/--password-file or --api-key-file"
                      : resp.status() == 403 ? ", not allowed to write fim-events-*" : "")
                  + "): "
                  + excerpt(resp.body()));
        } else {
          List<BulkClient.Item> items;
          try {
            items = BulkClient.items(resp.body());
          } catch (IOException e) {
            throw new ShipException(
                ShipException.Reason.REJECTED,
                "the cluster's bulk response cannot be read: " + e.getMessage());
          }
          if (items.size() != n - from) {
            throw new ShipException(
                ShipException.Reason.REJECTED,
                "the cluster answered "
                    + items.size()
                    + " items to a bulk request of "
                    + (n - from)
                    + " documents");
          }
          c.sent += items.size();
          int k = 0;
          for (; k < items.size(); k++) {
            BulkClient.Item it = items.get(k);
            if (it.status() == 201 || it.status() == 200) {
              c.created++;
            } else if (it.status() == 409) {
              c.present++;
            } else {
              break;
            }
          }
          if (k > 0) {
            c.acked = seqs[from + k - 1];
            state.acknowledge(c.acked);
            failingSince = 0;
            backoff = FIRST_BACKOFF_NS;
          }
          from += k;
          if (from == n) {
            return;
          }
          BulkClient.Item bad = items.get(k);
          if (bad.status() != 429 && bad.status() < 500) {
            throw new ShipException(
                ShipException.Reason.REJECTED,
                "the cluster refused "
                    + paths[from]
                    + " with "
                    + bad.status()
                    + ": "
                    + bad.errorType()
                    + ": "
                    + bad.errorReason()
                    + "; it is not skipped (that would lose evidence): fix the index mapping and"
                    + " run fim ship again; "
                    + shipped.apply(c.acked));
          }
          failure =
              "the cluster could not take "
                  + paths[from]
                  + " now ("
                  + bad.status()
                  + " "
                  + bad.errorType()
                  + ")";
        }
      }
      long now = System.nanoTime();
      if (failingSince == 0) {
        failingSince = now;
        warnings.accept(failure + "; retrying (events stay in the store)");
      }
      if (settings.retryFor() != null && now - failingSince > settings.retryFor().toNanos()) {
        throw new ShipException(
            ShipException.Reason.UNREACHABLE,
            failure
                + "; gave up after "
                + settings.retryFor().toSeconds()
                + " s; "
                + shipped.apply(c.acked)
                + ", the rest will be sent by the next fim ship");
      }
      pauseUntil(now + backoff);
      if (stopping) {
        return;
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_NS);
    }
  }

  /** Waits so that no more than maxRate documents per second go out. */
  private void pace(int n) throws InterruptedException {
    if (settings.maxRate() <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (rateDocs == 0) {
      rateStartNs = now;
    }
    rateDocs += n;
    pauseUntil(rateStartNs + (long) (rateDocs * 1e9 / settings.maxRate()));
  }

  /** Waits until {@code deadlineNs} (System.nanoTime) or {@link #stop}. */
  private void pauseUntil(long deadlineNs) throws InterruptedException {
    synchronized (pause) {
      long left;
      while (!stopping && (left = deadlineNs - System.nanoTime()) > 0) {
        pause.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private static String excerpt(String body) {
    String s = body == null ? "" : body.replaceAll("\\s+", " ");
    return s.length() > 300 ? s.substring(0, 300) + "…" : s;
  }
}

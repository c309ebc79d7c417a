package dev.fim.store;

import dev.fim.store.seal.EvidenceKey;
import dev.fim.store.seal.HmacSha256;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;

/**
 * The seal of the evidence: the change events, their path index, the approvals and the watch
 * coverage intervals, as an append-only HMAC chain whose head lives in {@code meta}
 * (docs/security.md "Evidence chain").
 *
 * <p>Every record has a tag, HMAC(chain key, kind, key, value). Per kind, the head holds the number
 * of records and the XOR of their tags (the aggregate): a set digest that does not depend on the
 * order records were written in, so a reader verifies the whole evidence in one streamed pass in
 * key order, and a writer adds a batch by XORing in its tags without reading anything back. Each
 * batch a writer appends makes a new head: sequence + 1, the counts and aggregates after the batch,
 * and the previous head's MAC, all under one HMAC (the chain link), written in the same atomic
 * RocksDB write as the records. The aggregates are stored encrypted (XOR with a pad derived from
 * the key, the chain start and the sequence): someone who reads the database over time learns no
 * tag, so cannot pick a set of records to delete whose tags cancel.
 *
 * <p>Without the key, nobody can make a head that matches a set of records other than the one fim
 * wrote: deleting, adding, editing or swapping any record, wiping a column family, or editing or
 * deleting the head is seen by {@link #verify}. What it cannot see locally is a rollback to an
 * older, consistent copy (old records with their old head): the {@linkplain Listener listener}
 * publishes each head off-host (syslog) for that.
 *
 * <p>A writer {@linkplain #attach attaches} a chain to its open {@link Store}; {@link EventLog},
 * {@link Approvals} and {@link WatchCoverage} then seal what they write through {@link
 * SealedBatch}. A database without a head (written by a fim before the chain) gets one at the first
 * attach, whose aggregates take in the records found then ("adopted": sealed as they are at that
 * moment, not when they were recorded); reports say so. Thread-safe.
 */
public final class EvidenceChain {
  static final String META_HEAD = "evidence_chain";
  private static final byte[] META_HEAD_KEY = META_HEAD.getBytes(StandardCharsets.UTF_8);

  /** WatchCoverage's keys in meta (the intervals are the only sealed records there). */
  static final byte[] COVERAGE_PREFIX = "watch_coverage/".getBytes(StandardCharsets.US_ASCII);

  private static final byte[] MAC_DOMAIN = "fim-chain-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] PAD_DOMAIN = "fim-chain-pad-v1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] TAG_DOMAIN = "fim-record-v1".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  static final int TAG = 32;
  private static final int HEAD_BYTES = 1 + 4 * 8 + Kind.COUNT * 8 + Kind.COUNT * TAG + 2 * TAG;

  /** The chains attached to open stores (weakly: a store that is gone takes its chain with it). */
  private static final Map<Store, EvidenceChain> ATTACHED =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** What is sealed. */
  public enum Kind {
    EVENTS("events"),
    INDEX("events_by_path index entries"),
    APPROVALS("approvals"),
    COVERAGE("watch coverage intervals");

    static final int COUNT = 4;
    private final String label;

    Kind(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * Told of every new head, after its write (e.g. to publish it off-host); must be thread-safe and
   * not throw.
   */
  public interface Listener {
    void sealed(Store store, Head head);
  }

  /**
   * An authenticated chain head.
   *
   * @param sequence how many batches were sealed since the chain started (0: the start)
   * @param startNs when the chain started (ns since the epoch)
   * @param firstEvent the sequence number of the first event recorded after the chain started
   * @param adopted records already in the database when the chain started (sealed as found then)
   * @param counts records per {@link Kind}
   * @param mac the head's HMAC (its digest, published off-host)
   */
  public record Head(
      long sequence, long startNs, long firstEvent, long adopted, long[] counts, byte[] mac) {
    /** The head's MAC in lower-case hex: what {@code --expect-seal} compares and syslog records. */
    public String digest() {
      return HexFormat.of().formatHex(mac);
    }

    public long records() {
      long n = 0;
      for (long c : counts) {
        n += c;
      }
      return n;
    }
  }

  /**
   * What a reader found.
   *
   * @param verified true when the records are exactly those the head seals (or there is no evidence
   *     and no head)
   * @param head the authenticated head, or null (none, or not authentic)
   * @param problem why it did not verify, naming what differs; null when verified
   */
  public record Verification(boolean verified, Head head, String problem) {
    /** One line for people: "verified (…)" or "NOT VERIFIED: why". */
    public String describe() {
      if (!verified) {
        return "NOT VERIFIED: " + problem;
      }
      if (head == null) {
        return "verified (nothing recorded)";
      }
      return "verified ("
          + head.records()
          + " records, "
          + head.sequence()
          + " sealed batches; "
          + start(head)
          + ")";
    }

    /** Where the chain starts, and what it adopted then. */
    public static String start(Head h) {
      String at = Timestamps.format(h.startNs()); // Instant.toString's form, without its formatter
      return "chain starts at event "
          + h.firstEvent()
          + " ("
          + at
          + ")"
          + (h.adopted() == 0
              ? ""
              : "; the "
                  + h.adopted()
                  + " records written before it were sealed as found then, not when recorded");
    }
  }

  private final Store store;
  private final EvidenceKey key;
  private final Listener listener;

  /**
   * One keyed MAC per writing thread (the recorder, the heartbeat): getting and keying one per
   * batch costs.
   */
  private final ThreadLocal<HmacSha256> macs;

  /**
   * The head this chain wrote last, as stored and as authenticated (guarded by this). A writer
   * appends batch after batch: when the stored head is still byte for byte the one it wrote, it is
   * that authentic head, and checking its MAC and decrypting its aggregates again (five HMACs a
   * batch, most of the seal's cost for a batch of one change) proves nothing new. Any other bytes
   * (another process took the chain up, or someone edited the head) are authenticated in full.
   */
  private byte[] lastStored;

  private Full lastWritten;

  /** Heads read and authenticated in full (a test sees the writer's shortcut by it). */
  private long authenticated;

  /** Set to stop a {@link Pass}'s scan that nobody waits for any more (its store is closing). */
  private volatile boolean cancelled;

  private EvidenceChain(Store store, EvidenceKey key, Listener listener) {
    this.store = store;
    this.key = key;
    this.listener = listener;
    this.macs = ThreadLocal.withInitial(key::newMac);
  }

  /**
   * Attaches the chain to {@code store} (opened for writing): from now on events, approvals and
   * coverage written through it are sealed. Starts the chain when the database has no head (see the
   * class comment), telling {@code notices} when that adopts records written before.
   *
   * @throws SealException when the stored head is not authentic (edited outside fim, or another
   *     key)
   */
  public static Head attach(
      Store store, EvidenceKey key, Listener listener, Consumer<String> notices)
      throws StoreException, SealException {
    EvidenceChain chain = new EvidenceChain(store, key, listener == null ? (s, h) -> {} : listener);
    synchronized (chain) {
      Full head = chain.read(key.newMac());
      if (head == null) {
        head = chain.start(notices);
      }
      ATTACHED.put(store, chain);
      return head.head();
    }
  }

  /**
   * The chain attached to {@code store}, or null (writes are then not sealed: a reader will say
   * so).
   */
  static EvidenceChain of(Store store) {
    return ATTACHED.get(store);
  }

  /** Detaches the chain from {@code store} (its writes are no longer sealed). */
  public static void detach(Store store) {
    ATTACHED.remove(store);
  }

  /** The authenticated head of {@code store}'s chain, or null when it has none. */
  public static Head head(Store store, EvidenceKey key) throws StoreException, SealException {
    Full f = new EvidenceChain(store, key, null).read(key.newMac());
    return f == null ? null : f.head();
  }

  /** Whether {@code store} holds a chain head or any record the chain seals. */
  public static boolean hasEvidence(Store store) throws StoreException {
    if (store.getMeta(META_HEAD) != null) {
      return true;
    }
    for (Kind k : Kind.values()) {
      Column col = column(k);
      if (!store.has(col)) {
        continue;
      }
      try (RocksIterator it = store.db().newIterator(store.handle(col))) {
        if (k == Kind.COVERAGE) {
          it.seek(COVERAGE_PREFIX);
        } else {
          it.seekToFirst();
        }
        if (it.isValid() && (k != Kind.COVERAGE || startsWith(it.key(), COVERAGE_PREFIX))) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- reading: one streamed pass over every sealed record ----

  /** Verifies every sealed record of {@code store} against its head. Reads only. */
  public static Verification verify(Store store, EvidenceKey key) throws StoreException {
    return verify(store, key, java.util.EnumSet.allOf(Kind.class));
  }

  /**
   * Verifies the sealed records of the given kinds against the head (whose MAC covers every kind,
   * so the head itself is always authenticated): a reader checks what it reads. {@code fim report}
   * reads events, approvals and coverage, not the path index, which is a third of the records.
   * Reads only.
   */
  public static Verification verify(Store store, EvidenceKey key, java.util.Set<Kind> kinds)
      throws StoreException {
    EvidenceChain c = new EvidenceChain(store, key, null);
    HmacSha256 mac = key.newMac();
    Full head;
    try {
      head = c.read(mac);
    } catch (SealException e) {
      return new Verification(false, null, e.getMessage());
    }
    long[][] agg = new long[Kind.COUNT][4];
    long[] counts = new long[Kind.COUNT];
    c.scanAll(kinds, key, agg, counts);
    return c.judge(head, kinds, agg, counts);
  }

  /**
   * The verdict on the records found ({@code agg} and {@code counts} per kind's ordinal) against
   * {@code head} (null: none).
   */
  private Verification judge(Full head, java.util.Set<Kind> kinds, long[][] agg, long[] counts)
      throws StoreException {
    if (head == null) {
      long n = Arrays.stream(counts).sum();
      if (n == 0 && !hasState(store)) {
        return new Verification(true, null, null);
      }
      if (n == 0) {
        // Every fim that writes a baseline or a watch state starts the chain: without a head, the
        // evidence may have
        // been emptied along with it (nothing left to miss, nothing to count it).
        return new Verification(
            false,
            null,
            "database "
                + store.dir()
                + " holds a baseline but no evidence chain"
                + " head: it was deleted outside fim, and every event, approval and coverage interval with it, or a fim"
                + " older than the evidence chain wrote it (the next fim check, update, accept or watch starts the"
                + " chain)");
      }
      return new Verification(
          false,
          null,
          "database "
              + store.dir()
              + " holds "
              + n
              + " records of evidence ("
              + counts(counts)
              + ") but no evidence chain head: a fim older than the evidence chain wrote it (the next"
              + " fim check, update, accept or watch starts the chain), or the head was deleted outside fim");
    }
    List<String> wrong = new ArrayList<>();
    for (Kind k : kinds) {
      int i = k.ordinal();
      long sealed = head.counts[i];
      if (counts[i] < sealed) {
        wrong.add(
            (sealed - counts[i])
                + " of the "
                + sealed
                + " sealed "
                + k.label()
                + " are missing (deleted outside"
                + " fim"
                + (counts[i] == 0 ? ": the column family was emptied" : "")
                + ")");
      } else if (counts[i] > sealed) {
        wrong.add(
            (counts[i] - sealed)
                + " "
                + k.label()
                + " are not sealed ("
                + counts[i]
                + " found, "
                + sealed
                + " sealed: added outside fim, or the head was replaced by an older one)");
      } else if (!Arrays.equals(agg[i], head.aggregates[i])) {
        wrong.add(
            "the "
                + k.label()
                + " were edited, replaced or reordered outside fim ("
                + sealed
                + " as sealed, but not the same)");
      }
    }
    if (!wrong.isEmpty()) {
      return new Verification(
          false,
          head.head(),
          "evidence chain of " + store.dir() + " does not verify: " + String.join("; ", wrong));
    }
    return new Verification(true, head.head(), null);
  }

  /**
   * Whether {@code store} holds a baseline, its seal or a watch state (a fim with the chain started
   * one).
   */
  private static boolean hasState(Store store) throws StoreException {
    return store.getMeta("seal") != null
        || store.hasAny(Column.BASELINE)
        || store.hasAny(Column.CURRENT);
  }

  private static String counts(long[] counts) {
    List<String> s = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (counts[k.ordinal()] > 0) {
        s.add(counts[k.ordinal()] + " " + k.label());
      }
    }
    return String.join(", ", s);
  }

  /**
   * Tags every record of the given kinds, XORing them into {@code agg} and counting them in {@code
   * counts} (per kind's ordinal), on every core: a set digest does not depend on the order, so the
   * events and approvals are each cut in two key ranges ({@link #split}) and the ranges are scanned
   * side by side, each with its own MAC (a million-event report verified its evidence on one thread
   * for about a second while the other core waited, bench/report.sh).
   */
  private void scanAll(java.util.Set<Kind> kinds, EvidenceKey key, long[][] agg, long[] counts)
      throws StoreException {
    List<Range> all = new ArrayList<>();
    for (Kind k : Kind.values()) { // largest first: events, index, approvals, coverage
      if (!kinds.contains(k) || !store.has(column(k))) {
        continue;
      }
      byte[] mid = k == Kind.COVERAGE ? null : split(column(k));
      all.add(new Range(k, null, mid));
      if (mid != null) {
        all.add(new Range(k, mid, null));
      }
    }
    scanRanges(all, key, Runtime.getRuntime().availableProcessors(), agg, counts);
  }

  /**
   * Tags every record of the ranges {@code all} on up to {@code threads} threads (this one among
   * them), XORing them into {@code agg} and counting them in {@code counts}.
   */
  private void scanRanges(
      List<Range> all, EvidenceKey key, int threads, long[][] agg, long[] counts)
      throws StoreException {
    java.util.Queue<Range> ranges = new java.util.concurrent.ConcurrentLinkedQueue<>(all);
    Throwable[] failed = new Throwable[1];
    Runnable work =
        () -> {
          HmacSha256 mac = key.newMac();
          byte[] tag = new byte[TAG];
          for (Range r; (r = ranges.poll()) != null; ) {
            try {
              scan(r, mac, tag);
            } catch (StoreException | RuntimeException | Error e) {
              synchronized (failed) {
                if (failed[0] == null) {
                  failed[0] = e;
                }
              }
              ranges.clear();
            }
          }
        };
    threads = Math.min(all.size(), threads);
    List<Thread> helpers = new ArrayList<>();
    for (int t = 1; t < threads; t++) {
      Thread h = new Thread(work, "fim-evidence-verify");
      h.setDaemon(true);
      h.start();
      helpers.add(h);
    }
    work.run();
    for (Thread h : helpers) {
      try {
        h.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ranges.clear();
        throw new StoreException(
            StoreException.Reason.IO, "interrupted while verifying the evidence chain", e);
      }
    }
    synchronized (failed) {
      if (failed[0] instanceof StoreException se) {
        throw se;
      } else if (failed[0] instanceof RuntimeException re) {
        throw re;
      } else if (failed[0] instanceof Error er) {
        throw er;
      }
    }
    for (Range r : all) { // each written by one thread, seen here after its join
      for (int w = 0; w < 4; w++) {
        agg[r.kind.ordinal()][w] ^= r.agg[w];
      }
      counts[r.kind.ordinal()] += r.count;
    }
  }

  /**
   * The records of one kind with {@code from <= key < to} (null: no bound), and what {@link #scan}
   * found there.
   */
  private static final class Range {
    final Kind kind;
    final byte[] from;
    final byte[] to;
    final long[] agg = new long[4];
    long count;

    Range(Kind kind, byte[] from, byte[] to) {
      this.kind = kind;
      this.from = from;
      this.to = to;
    }
  }

  /**
   * A key between the first and the last of {@code col} (the midpoint of their first 8 bytes, big
   * endian: for events and approvals, the middle of their time span), or null when the column has
   * fewer than two such keys. Any key works for correctness: the two ranges cut at it hold every
   * record exactly once.
   */
  private byte[] split(Column col) throws StoreException {
    try (RocksIterator it = store.db().newIterator(store.handle(col))) {
      it.seekToFirst();
      if (!it.isValid()) {
        store.checkIterator(it, col);
        return null;
      }
      byte[] first = it.key();
      it.seekToLast();
      store.checkIterator(it, col);
      byte[] last = it.isValid() ? it.key() : first;
      if (first.length < 8 || last.length < 8 || Arrays.equals(first, last)) {
        return null;
      }
      long a = getLong(first, 0);
      long b = getLong(last, 0);
      long mid = (a >>> 1) + (b >>> 1) + (a & b & 1); // unsigned, no overflow
      ByteBuffer k = ByteBuffer.allocate(8).putLong(mid);
      return k.array();
    }
  }

  /** XORs the tags of every record of {@code r} into its aggregate and counts them. */
  private void scan(Range r, HmacSha256 mac, byte[] tag) throws StoreException {
    Kind k = r.kind;
    Column col = column(k);
    // Not through the block cache: a pass over every record would only push out what other
    // readers use, and filling it is work (each block inserted under its shard's lock).
    try (org.rocksdb.ReadOptions ro = Store.passOptions();
        RocksIterator it = store.db().newIterator(store.handle(col), ro)) {
      if (r.from != null) {
        it.seek(r.from);
      } else if (k == Kind.COVERAGE) {
        it.seek(COVERAGE_PREFIX);
      } else {
        it.seekToFirst();
      }
      for (; it.isValid() && !cancelled; it.next()) {
        byte[] key = it.key();
        if (k == Kind.COVERAGE && !startsWith(key, COVERAGE_PREFIX)) {
          break;
        }
        if (r.to != null && Arrays.compareUnsigned(key, r.to) >= 0) {
          break;
        }
        tag(mac, k, key, it.value(), tag);
        xor(r.agg, tag);
        r.count++;
      }
      try {
        it.status();
      } catch (org.rocksdb.RocksDBException e) {
        throw Store.translate(
            store.dir(), "read " + col.cfName() + " to verify the evidence chain", e);
      }
    }
  }

  static Column column(Kind k) {
    return switch (k) {
      case EVENTS -> Column.EVENTS;
      case INDEX -> Column.EVENTS_BY_PATH;
      case APPROVALS -> Column.APPROVALS;
      case COVERAGE -> Column.META;
    };
  }

  /**
   * The kind of a record written to {@code col} under {@code key}, or null when it is not sealed.
   */
  static Kind kindOf(Column col, byte[] key) {
    return switch (col) {
      case EVENTS -> Kind.EVENTS;
      case EVENTS_BY_PATH -> Kind.INDEX;
      case APPROVALS -> Kind.APPROVALS;
      case META -> startsWith(key, COVERAGE_PREFIX) ? Kind.COVERAGE : null;
      default -> null;
    };
  }

  private static boolean startsWith(byte[] k, byte[] prefix) {
    return k.length >= prefix.length
        && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length);
  }

  // ---- verifying while a reader reads the events ----

  /**
   * Starts a verification of the records of {@code kinds} (events among them) in which the caller
   * tags the events it reads anyway: those from {@code fromNs} on, in key order, as {@link
   * EventLog#forEachRaw} reads them, each handed to {@link Pass#event} (from any thread), up to the
   * key where its read stopped, handed to {@link Pass#finish}. Meanwhile one thread tags the rest
   * (the events before {@code fromNs}, the approvals, the coverage). A report thus reads its
   * million events once, not once to verify and once to render, and tags them on its render threads
   * (bench/report.sh). The verdict is the one {@link #verify(Store, EvidenceKey, java.util.Set)}
   * gives, provided the caller hands over every record of its range once: a record it skipped
   * counts as deleted, one it handed twice as added. Reads only; close it (it stops the scan)
   * before closing the store.
   */
  public static Pass pass(Store store, EvidenceKey key, java.util.Set<Kind> kinds, long fromNs)
      throws StoreException {
    return new Pass(store, key, kinds, fromNs, false);
  }

  /**
   * As {@link #pass(Store, EvidenceKey, java.util.Set, long)}, in which the caller also tags the
   * approvals it steps past ({@link Approvals#cursor(long, Approvals.Passed)} from {@code fromNs}):
   * each handed to {@link Pass#approval}, up to the key where its cursor stopped ({@link
   * Approvals.Cursor#position}), handed to {@link Pass#finish(byte[], byte[])}. The thread that
   * tags the rest then reads only the approvals before {@code fromNs} (a million-event report read
   * every approval a second time for it, bench/report.sh). As with events, an approval the caller
   * skipped counts as deleted, one it handed twice as added.
   */
  public static Pass passWithApprovals(
      Store store, EvidenceKey key, java.util.Set<Kind> kinds, long fromNs) throws StoreException {
    return new Pass(store, key, kinds, fromNs, true);
  }

  /** A verification made while its caller reads the events: see {@link #pass}. */
  public static final class Pass implements AutoCloseable {
    private final EvidenceChain chain;
    private final EvidenceKey key;
    private final java.util.Set<Kind> kinds;

    /** The verdict when known before any event is read (no head, a forged head): the old path. */
    private final Verification early;

    private final Full head;
    private final long[][] agg = new long[Kind.COUNT][4];
    private final long[] counts = new long[Kind.COUNT];
    private final List<Tagger> taggers = Collections.synchronizedList(new ArrayList<>());
    private final ThreadLocal<Tagger> tagger;
    private final Thread rest;
    private final Throwable[] restFailed = new Throwable[1];

    /** Whether the caller tags the approvals from the period's start on (and the rest not). */
    private final boolean callerTagsApprovals;

    private Pass(
        Store store,
        EvidenceKey key,
        java.util.Set<Kind> kinds,
        long fromNs,
        boolean callerTagsApprovals)
        throws StoreException {
      this.chain = new EvidenceChain(store, key, null);
      this.key = key;
      this.kinds = java.util.EnumSet.copyOf(kinds);
      this.callerTagsApprovals = callerTagsApprovals && kinds.contains(Kind.APPROVALS);
      this.tagger =
          ThreadLocal.withInitial(
              () -> {
                Tagger t = new Tagger(key.newMac());
                taggers.add(t);
                return t;
              });
      Full h;
      Verification v = null;
      try {
        h = chain.read(key.newMac());
      } catch (SealException e) {
        h = null;
        v = new Verification(false, null, e.getMessage());
      }
      if (v == null && (h == null || !kinds.contains(Kind.EVENTS))) {
        v = verify(store, key, kinds); // nothing to share with the reader: as before
      }
      this.head = h;
      this.early = v;
      if (early != null) {
        rest = null;
        return;
      }
      List<Range> others = new ArrayList<>();
      byte[] start = EventLog.eventKey(Math.max(fromNs, 0), 0);
      others.add(new Range(Kind.EVENTS, null, start));
      for (Kind k : kinds) {
        if (k != Kind.EVENTS && store.has(column(k))) {
          // The caller's cursor steps through the approvals from the same key on.
          boolean before = k == Kind.APPROVALS && this.callerTagsApprovals;
          others.add(new Range(k, null, before ? start : null));
        }
      }
      rest =
          new Thread(
              () -> {
                try {
                  chain.scanRanges(others, key, 1, agg, counts);
                } catch (StoreException | RuntimeException | Error e) {
                  restFailed[0] = e;
                }
              },
              "fim-evidence-verify");
      rest.setDaemon(true);
      rest.start();
    }

    /** The verdict if it was known before reading (no chain head, or a forged one), else null. */
    public Verification known() {
      return early;
    }

    /** Tags one event of the caller's range ({@code events} key and value). Thread-safe. */
    public void event(byte[] eventKey, byte[] value) {
      if (early == null) {
        tagger.get().event(eventKey, value);
      }
    }

    /**
     * Tags one approval the caller's cursor stepped past ({@code approvals} key and value; only in
     * a {@link #passWithApprovals} pass). Thread-safe.
     */
    public void approval(byte[] approvalKey, byte[] value) {
      if (!callerTagsApprovals) {
        throw new IllegalStateException("this pass tags the approvals itself");
      }
      if (early == null) {
        tagger.get().approval(approvalKey, value);
      }
    }

    /**
     * The verdict, once every event of the caller's range was handed to {@link #event} (and those
     * calls are visible to this thread): {@code stoppedAt} is the first key past the range (null:
     * it ran to the end).
     */
    public Verification finish(byte[] stoppedAt) throws StoreException {
      if (callerTagsApprovals && early == null) {
        throw new IllegalStateException("this pass needs where the caller's approvals stopped");
      }
      return finish(stoppedAt, null);
    }

    /**
     * As {@link #finish(byte[])}, in a {@link #passWithApprovals} pass: also every approval the
     * caller's cursor stepped past was handed to {@link #approval}, and {@code approvalsStoppedAt}
     * is its {@link Approvals.Cursor#position} (null: it ran to the end).
     */
    public Verification finish(byte[] stoppedAt, byte[] approvalsStoppedAt) throws StoreException {
      if (early != null) {
        return early;
      }
      try {
        rest.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException(
            StoreException.Reason.IO, "interrupted while verifying the evidence chain", e);
      }
      if (restFailed[0] instanceof StoreException se) {
        throw se;
      } else if (restFailed[0] instanceof RuntimeException re) {
        throw re;
      } else if (restFailed[0] instanceof Error er) {
        throw er;
      }
      List<Range> after = new ArrayList<>(); // after the join: the rest adds into the same totals
      if (stoppedAt != null) {
        after.add(new Range(Kind.EVENTS, stoppedAt, null));
      }
      if (callerTagsApprovals
          && approvalsStoppedAt != null
          && chain.store.has(column(Kind.APPROVALS))) {
        after.add(new Range(Kind.APPROVALS, approvalsStoppedAt, null));
      }
      if (!after.isEmpty()) {
        chain.scanRanges(after, key, 1, agg, counts);
      }
      long[][] all = new long[Kind.COUNT][];
      long[] n = counts.clone();
      for (int i = 0; i < Kind.COUNT; i++) {
        all[i] = agg[i].clone();
      }
      synchronized (taggers) {
        for (Tagger t : taggers) {
          int e = Kind.EVENTS.ordinal();
          int a = Kind.APPROVALS.ordinal();
          for (int w = 0; w < 4; w++) {
            all[e][w] ^= t.agg[w];
            all[a][w] ^= t.approvalAgg[w];
          }
          n[e] += t.count;
          n[a] += t.approvals;
        }
      }
      return chain.judge(head, kinds, all, n);
    }

    /** Stops the scan of the rest if it still runs, and waits for it (before the store closes). */
    @Override
    public void close() {
      if (rest != null && rest.isAlive()) {
        chain.cancelled = true;
        try {
          rest.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** One thread's tags of events and approvals: its own MAC, aggregates and counts. */
  private static final class Tagger {
    final HmacSha256 mac;
    final byte[] tag = new byte[TAG];
    final long[] agg = new long[4];
    long count;
    final long[] approvalAgg = new long[4];
    long approvals;

    Tagger(HmacSha256 mac) {
      this.mac = mac;
    }

    void event(byte[] key, byte[] value) {
      tag(mac, Kind.EVENTS, key, value, tag);
      xor(agg, tag);
      count++;
    }

    void approval(byte[] key, byte[] value) {
      tag(mac, Kind.APPROVALS, key, value, tag);
      xor(approvalAgg, tag);
      approvals++;
    }
  }

  // ---- writing ----

  /**
   * Writes {@code batch} with a new head that adds {@code changes}: one atomic write. Serialised
   * per chain, and the head is read back each time, so another process's appends (a check that
   * borrowed the database) are taken up.
   */
  synchronized void write(WriteBatch batch, long[][] changes, long[] deltas) throws StoreException {
    HmacSha256 mac = mac();
    Full h;
    try {
      byte[] stored = store.getMeta(META_HEAD);
      h = stored != null && Arrays.equals(stored, lastStored) ? lastWritten : read(mac, stored);
    } catch (SealException e) {
      throw new StoreException(
          StoreException.Reason.CORRUPT, e.getMessage() + "; nothing was written", e);
    }
    if (h == null) {
      throw new StoreException(
          StoreException.Reason.CORRUPT,
          "database "
              + store.dir()
              + ": the evidence chain"
              + " head disappeared while fim had the database open (deleted outside fim); nothing was written");
    }
    long[][] agg = new long[Kind.COUNT][];
    long[] counts = h.counts.clone();
    for (int i = 0; i < Kind.COUNT; i++) {
      agg[i] = h.aggregates[i].clone();
      for (int w = 0; w < 4; w++) {
        agg[i][w] ^= changes[i][w];
      }
      counts[i] += deltas[i];
    }
    Full next =
        new Full(h.sequence + 1, h.startNs, h.firstEvent, h.adopted, counts, agg, h.mac, null);
    next = next.withMac(mac(mac, next));
    byte[] encoded = encode(mac, next);
    try {
      batch.put(store.handle(Column.META), META_HEAD_KEY, encoded);
    } catch (org.rocksdb.RocksDBException e) {
      throw Store.translate(store.dir(), "seal the evidence", e);
    }
    store.write(batch);
    lastStored = encoded;
    lastWritten = next;
    listener.sealed(store, next.head());
  }

  /** Starts the chain: a head over the records there are now (sequence 0). */
  private Full start(Consumer<String> notices) throws StoreException {
    HmacSha256 mac = key.newMac();
    long[][] agg = new long[Kind.COUNT][4];
    long[] counts = new long[Kind.COUNT];
    scanAll(java.util.EnumSet.allOf(Kind.class), key, agg, counts);
    long adopted = Arrays.stream(counts).sum();
    String seq = store.getMetaString("event_sequence");
    long firstEvent = (seq == null ? 0 : Long.parseLong(seq.trim())) + 1;
    Full f =
        new Full(
            0,
            System.currentTimeMillis() * 1_000_000L,
            firstEvent,
            adopted,
            counts,
            agg,
            new byte[TAG],
            null);
    f = f.withMac(mac(mac, f));
    store.put(Column.META, META_HEAD_KEY, encode(mac, f));
    if (adopted > 0 && notices != null) {
      notices.accept(
          "the evidence chain starts now in "
              + store.dir()
              + ": the "
              + adopted
              + " records already"
              + " there ("
              + counts(counts)
              + ", written by an older fim) are sealed as they are now, not as they were"
              + " recorded; events from "
              + firstEvent
              + " on are sealed when written. If this database had a chain"
              + " before, its head was deleted: do not trust its history");
    }
    listener.sealed(store, f.head());
    return f;
  }

  // ---- the head ----

  /** A head with its (decrypted) aggregates and the previous head's MAC. */
  private record Full(
      long sequence,
      long startNs,
      long firstEvent,
      long adopted,
      long[] counts,
      long[][] aggregates,
      byte[] prev,
      byte[] mac) {
    Full withMac(byte[] m) {
      return new Full(sequence, startNs, firstEvent, adopted, counts, aggregates, prev, m);
    }

    Head head() {
      return new Head(sequence, startNs, firstEvent, adopted, counts.clone(), mac.clone());
    }
  }

  /** Reads and authenticates the head; null when there is none. */
  private Full read(HmacSha256 mac) throws StoreException, SealException {
    return read(mac, store.getMeta(META_HEAD));
  }

  /** Authenticates the stored head {@code v}; null when there is none. */
  private Full read(HmacSha256 mac, byte[] v) throws SealException {
    if (v == null) {
      return null;
    }
    authenticated++;
    if (v.length != HEAD_BYTES || v[0] != VERSION) {
      throw new SealException(
          forged() + " (" + v.length + " bytes, version " + (v.length == 0 ? "none" : v[0]) + ")");
    }
    ByteBuffer in = ByteBuffer.wrap(v, 1, v.length - 1);
    long seq = in.getLong();
    long startNs = in.getLong();
    long first = in.getLong();
    long adopted = in.getLong();
    long[] counts = new long[Kind.COUNT];
    for (int i = 0; i < Kind.COUNT; i++) {
      counts[i] = in.getLong();
    }
    long[][] agg = new long[Kind.COUNT][4];
    for (int i = 0; i < Kind.COUNT; i++) {
      long[] pad = pad(mac, startNs, seq, i);
      for (int w = 0; w < 4; w++) {
        agg[i][w] = in.getLong() ^ pad[w];
      }
    }
    byte[] prev = new byte[TAG];
    in.get(prev);
    byte[] stored = new byte[TAG];
    in.get(stored);
    Full f = new Full(seq, startNs, first, adopted, counts, agg, prev, stored);
    if (!MessageDigest.isEqual(stored, mac(mac, f))) {
      throw new SealException(forged());
    }
    return f;
  }

  private String forged() {
    return "the evidence chain head of "
        + store.dir()
        + " is not authentic: it was edited outside fim,"
        + " or "
        + key.file()
        + " is not the key that sealed it; do not trust the history, approvals or coverage";
  }

  /** How many heads this chain has read and authenticated in full so far. */
  synchronized long headsAuthenticated() {
    return authenticated;
  }

  private static byte[] encode(HmacSha256 mac, Full f) {
    ByteBuffer out = ByteBuffer.allocate(HEAD_BYTES);
    out.put((byte) VERSION)
        .putLong(f.sequence)
        .putLong(f.startNs)
        .putLong(f.firstEvent)
        .putLong(f.adopted);
    for (long c : f.counts) {
      out.putLong(c);
    }
    for (int i = 0; i < Kind.COUNT; i++) {
      long[] pad = pad(mac, f.startNs, f.sequence, i);
      for (int w = 0; w < 4; w++) {
        out.putLong(f.aggregates[i][w] ^ pad[w]);
      }
    }
    out.put(f.prev).put(f.mac);
    return out.array();
  }

  /**
   * The head's MAC: every field, the plain aggregates, and the previous head's MAC (the chain
   * link).
   */
  private static byte[] mac(HmacSha256 mac, Full f) {
    ByteBuffer b = ByteBuffer.allocate(4 * 8 + Kind.COUNT * 8 + Kind.COUNT * TAG + TAG);
    b.putLong(f.sequence).putLong(f.startNs).putLong(f.firstEvent).putLong(f.adopted);
    for (long c : f.counts) {
      b.putLong(c);
    }
    for (long[] a : f.aggregates) {
      for (long w : a) {
        b.putLong(w);
      }
    }
    b.put(f.prev);
    mac.update(MAC_DOMAIN);
    mac.update(b.array());
    return mac.doFinal();
  }

  /** The pad that hides one aggregate: unique per chain start, sequence and kind. */
  private static long[] pad(HmacSha256 mac, long startNs, long seq, int kind) {
    mac.update(PAD_DOMAIN);
    mac.update(ByteBuffer.allocate(20).putLong(startNs).putLong(seq).putInt(kind).array());
    ByteBuffer p = ByteBuffer.wrap(mac.doFinal());
    return new long[] {p.getLong(), p.getLong(), p.getLong(), p.getLong()};
  }

  /**
   * A record's tag: HMAC("fim-record-v1", kind, key length, key, value length, value) into {@code
   * out}. (One header array instead of an update per field: a reader tags every record, and each
   * update call costs.)
   */
  static void tag(HmacSha256 mac, Kind k, byte[] key, byte[] value, byte[] out) {
    byte[] head = new byte[TAG_DOMAIN.length + 5];
    System.arraycopy(TAG_DOMAIN, 0, head, 0, TAG_DOMAIN.length);
    int n = TAG_DOMAIN.length;
    head[n] = (byte) k.ordinal();
    putInt(head, n + 1, key.length);
    mac.update(head);
    mac.update(key);
    mac.update(int4(value.length));
    mac.update(value);
    mac.doFinal(out, 0);
  }

  private static void putInt(byte[] b, int off, int n) {
    b[off] = (byte) (n >>> 24);
    b[off + 1] = (byte) (n >>> 16);
    b[off + 2] = (byte) (n >>> 8);
    b[off + 3] = (byte) n;
  }

  private static byte[] int4(int n) {
    return new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n};
  }

  static void xor(long[] agg, byte[] tag) {
    for (int w = 0; w < 4; w++) {
      agg[w] ^= getLong(tag, w * 8);
    }
  }

  private static long getLong(byte[] b, int off) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[off + i] & 0xff);
    }
    return v;
  }

  /** This thread's keyed MAC (reset after each use by doFinal). */
  HmacSha256 mac() {
    return macs.get();
  }
}

package dev.fim.engine.correlate;

import dev.fim.auditlink.interpret.AccountSource;
import dev.fim.auditlink.interpret.Interpreter;
import dev.fim.auditlink.netlink.AuditClient;
import dev.fim.auditlink.netlink.AuditListener;
import dev.fim.auditlink.netlink.AuditRefusedException;
import dev.fim.auditlink.netlink.AuditState;
import dev.fim.auditlink.parse.AuditRecord;
import dev.fim.auditlink.reassembly.EventStream;
import dev.fim.auditlink.rules.RuleCompiler;
import dev.fim.auditlink.rules.RuleSettings;
import dev.fim.store.Actor;
import dev.fim.store.PathBytes;
import dev.fim.store.sys.NativeException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import jnr.constants.platform.Errno;

/**
 * Attributes file changes to the process that made them, from the kernel's audit records: the entry
 * point of {@code dev.fim.engine.correlate}.
 *
 * <p>{@link #start} installs fim's watch rules for the trees ({@link WatchRules}: per arch, key
 * {@code fim}), enables audit and raises the backlog limit if needed, and receives events with
 * auditlink's {@link AuditListener} (the audit pid when no auditd runs, else the multicast group
 * beside it). Each event with fim's key becomes an {@link AuditedChange} in a bounded index ({@link
 * AttributorSettings#retention()}, {@link AttributorSettings#maxEvents()}). {@link #find} joins a
 * change that fim saw with that index; {@link #await} waits, for a bounded time, for the audit
 * event to arrive, since audit may come after the change notification. {@link #close()} removes
 * exactly the rules that {@code start} added (a rule the host already had stays), and puts back
 * {@code enabled}, the backlog limit and the audit pid; a JVM that ends first (SIGTERM, SIGINT)
 * does the same from {@link AuditState}'s shutdown hook.
 *
 * <p>Must not: decide what a change is, hash, or touch rules that are not its own. Thread-safe: the
 * listener's thread indexes, any thread may query; completions of {@link #await} run on the
 * listener's thread or on the timer thread ({@code fim-audit-await}), so do slow work in an {@code
 * ...Async} stage.
 */
public final class AuditAttributor implements AutoCloseable {
  /**
   * The longest {@link #start} waits for its own rule additions to come through (see
   * awaitRuleAdds).
   */
  static final Duration READY_WAIT = Duration.ofSeconds(1);

  private final AttributorSettings settings;
  private final LongSupplier clockNs;
  private final AuditState state;
  private final AuditClient client;
  private final ChangeDecoder decoder;
  private final RecentChanges recent;
  private final List<WatchRules.Rule> rules;
  private final RuleCompiler compiler;
  private final List<WatchRules.Rule> added = new ArrayList<>();
  private final ProgressProbe probe;

  /**
   * Whether the kernel took the progress probe's rule (else waits end by the stream or the bound).
   */
  private volatile boolean probing;

  private final AtomicLong indexed = new AtomicLong();
  private final AtomicLong ignored = new AtomicLong();
  private final AtomicLong lostSerials = new AtomicLong();
  private final AtomicLong overruns = new AtomicLong();

  /**
   * CONFIG_CHANGE records of fim's own rule additions received; guarded by itself for wait/notify.
   */
  private final long[] ruleAddsSeen = new long[1];

  private AuditListener listener;
  private long kernelLostAtStart;
  private long kernelLost;

  /** Set once by close(), under the client's monitor. */
  private volatile boolean closed;

  private AuditAttributor(
      AttributorSettings settings,
      LongSupplier clockNs,
      AuditState state,
      AuditClient client,
      List<WatchRules.Rule> rules,
      RuleCompiler compiler) {
    this.settings = settings;
    this.clockNs = clockNs;
    this.state = state;
    this.client = client;
    this.rules = rules;
    this.compiler = compiler;
    this.decoder = new ChangeDecoder(settings.key(), new Interpreter(AccountSource.system()));
    this.probe =
        new ProgressProbe(settings.key(), compiler, ProcessHandle.current().pid(), clockNs);
    this.recent =
        new RecentChanges(
            new ChangeIndex(settings.retention().toNanos(), settings.maxEvents()),
            clockNs,
            this::probe);
  }

  /**
   * Installs the rules for {@code trees} and starts receiving. On any failure everything done so
   * far is undone before the exception leaves (rules added, enabled, backlog limit, audit pid).
   *
   * @param trees absolute directories to watch
   * @throws IllegalArgumentException a tree the rules cannot name (relative, not UTF-8), or no tree
   * @throws AuditRefusedException the kernel refused: immutable mode, no CAP_AUDIT_CONTROL, a tree
   *     that does not exist (named in the message)
   * @throws IOException the netlink socket or {@code /etc/passwd} failed
   */
  public static AuditAttributor start(List<PathBytes> trees, AttributorSettings settings)
      throws IOException {
    return start(trees, settings, AuditAttributor::wallClockNs);
  }

  static AuditAttributor start(
      List<PathBytes> trees, AttributorSettings settings, LongSupplier clockNs) throws IOException {
    Objects.requireNonNull(settings, "settings");
    RuleCompiler compiler = new RuleCompiler(RuleSettings.host());
    List<WatchRules.Rule> rules = WatchRules.compile(List.copyOf(trees), settings.key(), compiler);
    AuditState state = AuditState.capture();
    AuditClient client = null;
    AuditAttributor a = null;
    try {
      if (state.before().immutable()) {
        throw new AuditRefusedException(
            "AUDIT_ADD_RULE",
            Errno.EPERM.intValue(),
            "kernel audit is in immutable mode (enabled=2, auditctl -e 2): fim cannot install its watch"
                + " rules until reboot; attribute from /proc instead");
      }
      client = AuditClient.open();
      a = new AuditAttributor(settings, clockNs, state, client, rules, compiler);
      a.listen();
      state.enable();
      state.raiseBacklogLimit(settings.backlogLimit());
      a.install();
      a.awaitRuleAdds(READY_WAIT);
      a.kernelLostAtStart = client.status().lost();
      return a;
    } catch (IOException | RuntimeException | Error e) {
      try {
        state.close(); // rules, backlog, enabled; then the listener gives the audit pid back
      } catch (NativeException restore) {
        e.addSuppressed(restore);
      }
      if (client != null) {
        client.close();
      }
      if (a != null) {
        a.recent.close();
        a.probe.close();
      }
      throw e;
    }
  }

  private void listen() throws NativeException {
    EventStream stream =
        new EventStream() {
          @Override
          public void reassemblyComplete(List<AuditRecord> records) {
            accept(records);
          }

          @Override
          public void eventsLost(long count) {
            lostSerials.addAndGet(count);
          }
        };
    listener = AuditListener.start(settings.listener(), stream, overruns::set);
    state.closeListenerAfterRestore(listener);
  }

  /**
   * Waits until the listener has received the CONFIG_CHANGE record of every rule addition. While
   * fim is the audit pid these records stand alone (no SYSCALL or EOE follows them), so the
   * reassembler holds them, and every event after them, until its timeout; a change made right
   * after start would wait that long. Returning after them makes attribution prompt from the first
   * change. Bounded: after {@code max} start goes on regardless.
   */
  private void awaitRuleAdds(Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    synchronized (ruleAddsSeen) {
      while (ruleAddsSeen[0] < rules.size()) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || listener.failure() != null) {
          return;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(ruleAddsSeen, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void install() throws NativeException {
    // The probe's rule first: its CONFIG_CHANGE record is then flushed with the watch rules' ones
    // that awaitRuleAdds waits for. A kernel that refuses it leaves fim without probes, not
    // without attribution.
    try {
      state.addRule(probe.ruleBytes());
      probing = true;
      probe.prepare(); // the helper runs before the first change needs it
    } catch (AuditRefusedException e) {
      probing = false;
    }
    for (WatchRules.Rule r : rules) {
      try {
        if (state.addRule(r.bytes())) {
          added.add(r);
        }
      } catch (AuditRefusedException e) {
        String why = e.errnoValue() == Errno.ENOENT.intValue() ? "no such directory" : e.reason();
        throw new AuditRefusedException(
            e.call(),
            e.errnoValue(),
            "cannot watch "
                + r.tree().display()
                + " ("
                + r.text()
                + ")"
                + (why.isEmpty() ? "" : ": " + why));
      }
    }
  }

  /** On the listener's thread: index fim's events, wake the queries they answer. */
  private void accept(List<AuditRecord> records) {
    long now = clockNs.getAsLong();
    long probed = probe.returnedAt(records);
    if (probed != Long.MIN_VALUE) {
      recent.progress(probed);
      return;
    }
    AuditedChange c = decoder.decode(records, now);
    if (c == null) {
      ignored.incrementAndGet();
      // any event shows how far the stream has come: the kernel queues them in order
      if (!records.isEmpty()) {
        recent.progress(records.get(0).timestampMillis() * 1_000_000L);
      }
      if (decoder.isRuleAdd(records)) {
        synchronized (ruleAddsSeen) {
          ruleAddsSeen[0]++;
          ruleAddsSeen.notifyAll();
        }
      }
      return;
    }
    recent.add(c);
    indexed.incrementAndGet();
  }

  /**
   * The audited syscall that best explains the change (see {@link ChangeQuery} for the join), among
   * the events received so far; null when none matches.
   */
  public AuditedChange find(ChangeQuery q) {
    return recent.find(q);
  }

  /**
   * Who changed {@code path} (inode {@code inode}, 0 if unknown) near {@code timeNs}: the actor of
   * {@link #find(ChangeQuery)}, or null.
   */
  public Actor find(PathBytes path, long inode, int pid, long timeNs, long windowNs) {
    AuditedChange c = find(ChangeQuery.of(path, inode, pid, timeNs, windowNs));
    return c == null ? null : c.actor();
  }

  /**
   * As {@link #find(ChangeQuery)}, but when nothing matches yet (or, for a query with a pid,
   * nothing of that pid), waits for the audit event: the future completes as soon as a matching
   * event of the pid is indexed, else after {@code maxWait} with the best match then (possibly of
   * another pid), or null.
   *
   * @param maxWait at most {@link AttributorSettings#maxWait()}
   */
  public CompletableFuture<AuditedChange> await(ChangeQuery q, Duration maxWait) {
    if (maxWait.isNegative() || maxWait.compareTo(settings.maxWait()) > 0) {
      throw new IllegalArgumentException(
          "maxWait " + maxWait + " must be between 0 and " + settings.maxWait());
    }
    return recent.await(q, maxWait);
  }

  /**
   * Waits until the records of the syscalls behind a change seen as late as {@code passNs} are in
   * (see {@link RecentChanges#await(ChangeQuery, long, Duration)}): a match of the query's pid, or
   * the audit stream has passed {@code passNs} (an idle stream is made to move by a probe); at most
   * {@code maxWait}. Completes with the best match, or null.
   */
  public CompletableFuture<AuditedChange> awaitPassed(
      ChangeQuery q, long passNs, Duration maxWait) {
    if (maxWait.isNegative() || maxWait.compareTo(settings.maxWait()) > 0) {
      throw new IllegalArgumentException(
          "maxWait " + maxWait + " must be between 0 and " + settings.maxWait());
    }
    return recent.await(q, passNs, maxWait);
  }

  /**
   * As {@link #awaitPassed}, waiting on the caller's thread; a query with a pid gives its own
   * record a short grace before the progress probe fires (see {@link RecentChanges#answer}).
   */
  public AuditedChange answer(ChangeQuery q, long passNs, Duration maxWait)
      throws InterruptedException, ExecutionException {
    if (maxWait.isNegative() || maxWait.compareTo(settings.maxWait()) > 0) {
      throw new IllegalArgumentException(
          "maxWait " + maxWait + " must be between 0 and " + settings.maxWait());
    }
    return recent.answer(q, passNs, maxWait);
  }

  /**
   * Every successful audited syscall on the query's object with a time in [{@code fromNs}, {@code
   * toNs}], in the kernel's order: the writers of one change.
   */
  public List<AuditedChange> findAll(ChangeQuery q, long fromNs, long toNs) {
    return recent.findAll(q, fromNs, toNs);
  }

  /** Waits that ended because the stream passed the change without a record of its pid. */
  public long streamPassed() {
    return recent.passed();
  }

  /** Waits that ended at their bound ({@code --correlation-ms}). */
  public long waitsBounded() {
    return recent.timedOut();
  }

  /** Progress probes issued and come back (see {@link ProgressProbe}); 0 when not probing. */
  public long[] probes() {
    return new long[] {probe.fired(), probe.returned()};
  }

  /** Whether the kernel took the progress probe's rule. */
  public boolean probing() {
    return probing;
  }

  /** The progress probe (tests: its helper and tokens). */
  ProgressProbe progressProbe() {
    return probe;
  }

  private void probe() {
    if (probing && !closed) {
      probe.fire();
    }
  }

  /**
   * A snapshot of the counters; asks the kernel for its {@code lost} counter (one netlink round
   * trip).
   */
  public AttributorCounters counters() {
    return new AttributorCounters(
        indexed.get(),
        ignored.get(),
        recent.size(),
        recent.evicted(),
        lostSerials.get(),
        kernelLost(),
        overruns.get(),
        recent.found(),
        recent.notFound());
  }

  /** The events held now, oldest first: for a test's failure message. */
  List<AuditedChange> held() {
    return recent.held();
  }

  /** {@link AttributorCounters#lost()} now: every sign of audit loss since start; 0 means none. */
  public long lost() {
    return counters().lost();
  }

  /** How records arrive: as the audit pid, or from the multicast group beside auditd. */
  public AuditListener.Mode mode() {
    return listener.mode();
  }

  /** Why the receive loop stopped, or null while it runs: no more events will be indexed. */
  public Throwable failure() {
    return listener.failure();
  }

  /** The rules {@link #start} added, as auditctl text; {@link #close()} removes exactly these. */
  public List<String> addedRules() {
    return added.stream().map(WatchRules.Rule::text).toList();
  }

  /**
   * fim's rules (added or found already there) that the kernel no longer lists: someone deleted
   * them, or the kernel dropped a tree whose directory was removed. A removal is itself an alert
   * (DESIGN.md "Rule form").
   */
  public List<String> missingRules() throws NativeException {
    List<byte[]> installed;
    synchronized (client) {
      installed = client.listRules();
    }
    // Compared as text: the kernel lists a rule without the padding the compiler adds after its
    // strings.
    Set<String> texts = new HashSet<>();
    for (byte[] b : installed) {
      try {
        texts.add(compiler.decode(b));
      } catch (IllegalArgumentException e) {
        // a rule this decoder cannot read is not one of fim's
      }
    }
    List<String> out = new ArrayList<>();
    for (WatchRules.Rule r : rules) {
      if (!texts.contains(r.text())) {
        out.add(r.text());
      }
    }
    return out;
  }

  /** The audit state found at {@link #start} (what {@link #close()} restores). */
  public dev.fim.auditlink.netlink.AuditStatus hostBefore() {
    return state.before();
  }

  /** The exact audit_rule_data of the rules fim added (what {@link #close()} deletes). */
  public List<byte[]> addedRuleData() {
    return state.addedRules();
  }

  /**
   * Adds again each of fim's rules that the kernel no longer lists ({@link #missingRules()}) and
   * returns their texts (empty when all are in place). Re-added rules are removed by {@link
   * #close()} like the others.
   */
  public List<String> reinstallMissing() throws NativeException {
    List<String> missing = missingRules();
    List<String> readded = new ArrayList<>();
    for (WatchRules.Rule r : rules) {
      if (missing.contains(r.text()) && state.addRule(r.bytes())) {
        if (!added.contains(r)) {
          added.add(r);
        }
        readded.add(r.text());
      }
    }
    return readded;
  }

  private long kernelLost() {
    synchronized (client) {
      if (!closed) {
        try {
          // the kernel's counter is an unsigned 32-bit number and wraps
          kernelLost = (client.status().lost() - kernelLostAtStart) & 0xffffffffL;
        } catch (NativeException e) {
          // keep the last value: a counter read must not fail the caller
        }
      }
      return kernelLost;
    }
  }

  /**
   * Removes the rules {@link #start} added, restores the backlog limit and {@code enabled}, stops
   * the listener (giving the audit pid back), and completes pending {@link #await}s with what the
   * index holds. The index stays readable. Idempotent.
   */
  @Override
  public void close() throws NativeException {
    synchronized (client) {
      if (closed) {
        return;
      }
      kernelLost(); // the last reading, while the socket is open
      closed = true;
    }
    try {
      state.close();
    } finally {
      synchronized (client) {
        client.close();
      }
      recent.close();
      probe.close();
    }
  }

  private static long wallClockNs() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }
}

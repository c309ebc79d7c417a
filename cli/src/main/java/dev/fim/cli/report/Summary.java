package dev.fim.cli.report;

import dev.fim.store.Action;
import dev.fim.store.Approval;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EvidenceChain;
import dev.fim.store.Origin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A report's totals, built in one pass over its events ({@link #add}), then read by the renderers.
 * Overflow events are counted as loss, not as changes, and are never approvable. Not thread-safe.
 */
final class Summary {
  /**
   * Totals by user and path prefix keep at most this many rows; the rest is one "others" row (a
   * bounded report).
   */
  static final int TOP = 50;

  final ReportParameters parameters;

  /**
   * When fim watch ran: the store's runs; in a fleet report the fleet at a glance ({@link
   * Coverage#fleet}), set once the documents were read ({@link #coverageByHost}).
   */
  Coverage coverage;

  /**
   * A fleet report's coverage per host ({@code name (id)}, in order), each as that host's own
   * report computes it from its runs; null in a local report.
   */
  Map<String, Coverage> coverageByHost;

  /**
   * Whether the evidence (events, approvals, coverage) verified against its seal chain, stated in
   * every format.
   */
  EvidenceChain.Verification chain; // set once known: after the events were read (EvidenceCheck)

  final Timeline timeline;
  long changes;
  long approved;
  long overflows;
  long auditRecordsLost;

  /**
   * Changes whose content was compared with their package's record (dpkg wrote them, or check found
   * them).
   */
  long packageChanges;

  /** Of which the content is the package's. */
  long packageVerified;

  /** Verified package changes left out of the report ({@code --exclude-verified-packages}). */
  long excludedVerifiedPackages;

  long firstNs = Long.MAX_VALUE;
  long lastNs = Long.MIN_VALUE;
  private final Map<Action, Long> byAction = new EnumMap<>(Action.class);
  private final Map<String, Long> byUser = new HashMap<>();
  private final Map<String, Long> byPrefix = new HashMap<>();
  private final Map<String, Long> byOrigin = new HashMap<>();
  private final Map<String, Long> lossByReason = new HashMap<>();
  private final Map<String, Long> byHost = new HashMap<>();

  /** Where a fleet report's documents came from and what was found suspect; null when local. */
  FleetFacts fleet;

  Summary(ReportParameters parameters, Coverage coverage, EvidenceChain.Verification chain) {
    this.parameters = parameters;
    this.coverage = coverage;
    this.chain = chain;
    this.timeline = new Timeline(parameters.fromNs(), parameters.untilNs());
  }

  void add(ChangeEvent e, Approval a) {
    firstNs = Math.min(firstNs, e.timeNs());
    lastNs = Math.max(lastNs, e.timeNs());
    byAction.merge(e.action(), 1L, Long::sum);
    if (e.action() == Action.OVERFLOW) {
      overflows++;
      auditRecordsLost += Labels.auditRecordsLost(e);
      lossByReason.merge(Labels.lossReason(e), 1L, Long::sum);
      timeline.overflow(e.timeNs());
      return;
    }
    changes++;
    if (e.pkg() != null && e.pkg().checked()) {
      packageChanges++;
      if (e.pkg().verified()) {
        packageVerified++;
      }
    }
    if (a != null) {
      approved++;
    }
    byUser.merge(Labels.user(e), 1L, Long::sum);
    byPrefix.merge(Labels.prefix(e.path(), parameters.prefixDepth()), 1L, Long::sum);
    byOrigin.merge(e.origin() == null ? Origin.UNKNOWN.label() : e.origin().label(), 1L, Long::sum);
    timeline.change(e.timeNs(), a != null);
  }

  /** Sets a fleet report's coverage per host (and the fleet's at a glance). */
  void coverageByHost(Map<String, Coverage> byHost) {
    coverageByHost = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byHost));
    coverage = Coverage.fleet(coverageByHost, parameters);
  }

  /** A fleet report's change (overflows are loss, not changes) counted under its host. */
  void host(ChangeEvent e, String host) {
    if (e.action() != Action.OVERFLOW) {
      byHost.merge(host, 1L, Long::sum);
    }
  }

  /** Changes per host ({@code name (id)}); empty in a local report. */
  Map<String, Long> byHost() {
    return top(byHost);
  }

  /**
   * An empty summary of the same report, for one batch of its events: a render thread totals its
   * batch there (the labels by user and path prefix are a string or two per event), and the batches
   * are {@linkplain #merge merged} in order on the report's thread.
   */
  Summary part() {
    return new Summary(parameters, coverage, chain);
  }

  /**
   * Adds the totals of {@code part} (a {@link #part} of this one), as if its events had been {@link
   * #add}ed here: counts add up, so the order of merging does not change the result.
   */
  void merge(Summary part) {
    firstNs = Math.min(firstNs, part.firstNs);
    lastNs = Math.max(lastNs, part.lastNs);
    changes += part.changes;
    approved += part.approved;
    overflows += part.overflows;
    auditRecordsLost += part.auditRecordsLost;
    packageChanges += part.packageChanges;
    packageVerified += part.packageVerified;
    excludedVerifiedPackages += part.excludedVerifiedPackages;
    part.byAction.forEach((k, v) -> byAction.merge(k, v, Long::sum));
    part.byUser.forEach((k, v) -> byUser.merge(k, v, Long::sum));
    part.byPrefix.forEach((k, v) -> byPrefix.merge(k, v, Long::sum));
    part.byOrigin.forEach((k, v) -> byOrigin.merge(k, v, Long::sum));
    part.byHost.forEach((k, v) -> byHost.merge(k, v, Long::sum));
    part.lossByReason.forEach((k, v) -> lossByReason.merge(k, v, Long::sum));
    timeline.merge(part.timeline);
  }

  /**
   * The evidence chain's state for people: "verified; …" or "NOT VERIFIED: why". Stable while the
   * data is (not the head's sequence or record count, which grow with every event recorded after
   * the report): a report made again later from the same data reads the same.
   */
  String evidence() {
    if (fleet != null) {
      return fleet.evidence();
    }
    if (!chain.verified()) {
      return "NOT VERIFIED: "
          + chain.problem()
          + ". Do not rely on this report's events, approvals or coverage.";
    }
    if (chain.head() == null) {
      return "verified (nothing recorded)";
    }
    return "verified: every event, approval and coverage interval is as fim sealed it; "
        + EvidenceChain.Verification.start(chain.head());
  }

  /** A change the report leaves out under its filter: counted here, nowhere else. */
  void exclude(ChangeEvent e) {
    excludedVerifiedPackages++;
  }

  /** Whether the report says anything about packages (else its summary is as before packages). */
  boolean mentionsPackages() {
    return packageChanges > 0 || parameters.excludeVerifiedPackages();
  }

  long packageUnverified() {
    return packageChanges - packageVerified;
  }

  /**
   * {@code N changes by package installs (M verified)}, with the NOT VERIFIED count and the filter
   * when there are any.
   */
  String packagesLine() {
    String line = packageChanges + " changes by package installs (" + packageVerified + " verified";
    if (packageUnverified() > 0) {
      line += ", " + packageUnverified() + " NOT VERIFIED";
    }
    line += ")";
    if (parameters.excludeVerifiedPackages()) {
      line +=
          "; "
              + excludedVerifiedPackages
              + " verified package changes left out (--exclude-verified-packages)";
    }
    return line;
  }

  long unapproved() {
    return changes - approved;
  }

  /** Per action, in the enum's order, only those that occurred. */
  Map<String, Long> byAction() {
    Map<String, Long> m = new LinkedHashMap<>();
    byAction.forEach((k, v) -> m.put(k.label(), v));
    return m;
  }

  Map<String, Long> byUser() {
    return top(byUser);
  }

  Map<String, Long> byPrefix() {
    return top(byPrefix);
  }

  Map<String, Long> byOrigin() {
    return top(byOrigin);
  }

  Map<String, Long> lossByReason() {
    return top(lossByReason);
  }

  /**
   * Largest first, ties by name; beyond {@link #TOP} rows, the rest summed as {@code (N others)}.
   */
  private static Map<String, Long> top(Map<String, Long> counts) {
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(ByCountThenName.INSTANCE);
    Map<String, Long> m = new LinkedHashMap<>();
    long rest = 0;
    for (int i = 0; i < sorted.size(); i++) {
      if (i < TOP) {
        m.put(sorted.get(i).getKey(), sorted.get(i).getValue());
      } else {
        rest += sorted.get(i).getValue();
      }
    }
    if (sorted.size() > TOP) {
      m.put("(" + (sorted.size() - TOP) + " others)", rest);
    }
    return m;
  }

  /**
   * The largest count first, equal counts by name: {@code
   * Map.Entry.comparingByValue(reverseOrder()) .thenComparing(comparingByKey())} written out, whose
   * JDK lambdas the class-data archive does not hold, so every report spun their classes at run
   * time (~2 ms of a tiny report; issue 18, session 16).
   */
  private enum ByCountThenName implements Comparator<Map.Entry<String, Long>> {
    INSTANCE;

    @Override
    public int compare(Map.Entry<String, Long> a, Map.Entry<String, Long> b) {
      int byCount = b.getValue().compareTo(a.getValue());
      return byCount != 0 ? byCount : a.getKey().compareTo(b.getKey());
    }
  }
}

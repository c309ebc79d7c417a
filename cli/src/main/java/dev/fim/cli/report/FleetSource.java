package dev.fim.cli.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.fim.engine.ship.BulkClient;
import dev.fim.engine.ship.FleetSearch;
import dev.fim.engine.ship.ShipDocuments;
import dev.fim.engine.ship.ShipException;
import dev.fim.store.Approval;
import dev.fim.store.Approvals;
import dev.fim.store.ChangeEvent;
import dev.fim.store.EventLog;
import dev.fim.store.StoreException;
import dev.fim.store.Timestamps;
import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A fleet report's data ({@code fim report --source URL}): the event documents fim ship sent to a
 * cluster ({@link FleetSearch}, in the order host, database, sequence), each rendered from its
 * {@code fim.record} (the record as its host's store held it) by the local report's own code, with
 * its approval from {@code fim-approvals-*}, and each host's watch coverage from {@code
 * fim-coverage-*} (its runs decoded from their records, computed as the host's own report does).
 *
 * <p>A shared cluster has no seal. What a document can say about itself is checked: its {@code _id}
 * must be {@code <host.id>-<agent.id>-<sequence of its record>}, its index the month of its
 * record's time, and its {@code event.sequence} and {@code @timestamp} those of its record;
 * otherwise it is SUSPECT (rendered when its record decodes, and listed with the reason either way;
 * never left out silently). Not thread-safe; one per report.
 */
public final class FleetSource implements ReportSource {
  private static final JsonFactory FACTORY = new JsonFactory();

  /** Reads documents; {@link FleetSearch} against a client in the command. */
  public interface Search {
    FleetSearch.Counts events(String from, String until, List<String> hosts, FleetSearch.Sink s)
        throws IOException, InterruptedException, ShipException;

    FleetSearch.Counts approvals(String from, String until, List<String> hosts, FleetSearch.Sink s)
        throws IOException, InterruptedException, ShipException;

    FleetSearch.Counts coverage(String from, String until, List<String> hosts, FleetSearch.Sink s)
        throws IOException, InterruptedException, ShipException;
  }

  private final Search search;
  private final String source;
  private long read;
  private long counted;
  private long suspect;
  private long approvalDocuments;
  private final List<String> suspects = new ArrayList<>();
  private long coverageRead;
  private long coverageCounted;

  /** Each host's runs ({@code name (id)}) from its coverage documents. */
  private final Map<String, List<WatchCoverage.Interval>> coverageRuns = new HashMap<>();

  /** The hosts ({@code name (id)}) that sent events of the period, and their names alone. */
  private final Set<String> eventHosts = new HashSet<>();

  private final Set<String> hostNames = new HashSet<>();

  public FleetSource(Search search, String source) {
    this.search = search;
    this.source = source;
  }

  /** The cluster's address, as the report and its verification name it. */
  public String source() {
    return source;
  }

  /** The search of {@code client}'s cluster. */
  public static Search of(BulkClient client) {
    return new Search() {
      @Override
      public FleetSearch.Counts events(
          String from, String until, List<String> hosts, FleetSearch.Sink s)
          throws IOException, InterruptedException, ShipException {
        return FleetSearch.read(client, from, until, hosts, s);
      }

      @Override
      public FleetSearch.Counts approvals(
          String from, String until, List<String> hosts, FleetSearch.Sink s)
          throws IOException, InterruptedException, ShipException {
        return FleetSearch.readApprovals(client, from, until, hosts, s);
      }

      @Override
      public FleetSearch.Counts coverage(
          String from, String until, List<String> hosts, FleetSearch.Sink s)
          throws IOException, InterruptedException, ShipException {
        return FleetSearch.readCoverage(client, from, until, hosts, s);
      }
    };
  }

  @Override
  public List<WatchCoverage.Interval> coverage(long fromNs, long untilNs) {
    return null; // per host: coverageByHost
  }

  /**
   * Each host's runs from its coverage documents (those not SUSPECT: a forged claim of coverage
   * must not hide a gap, so a suspect one is listed and not counted), oldest first; every host that
   * sent events has an entry (no runs: not watched), and so has every host asked for with {@code
   * --host} that sent nothing ({@code NAME (no documents)}).
   */
  @Override
  public Map<String, List<WatchCoverage.Interval>> coverageByHost(ReportParameters p) {
    Map<String, List<WatchCoverage.Interval>> out = new TreeMap<>();
    for (String host : eventHosts) {
      out.put(host, new ArrayList<>());
    }
    coverageRuns.forEach(
        (host, runs) -> out.computeIfAbsent(host, h -> new ArrayList<>()).addAll(runs));
    for (String name : p.hostNames()) {
      if (!hostNames.contains(name)) {
        out.put(name + " (no documents)", new ArrayList<>());
      }
    }
    out.values()
        .forEach(runs -> runs.sort(Comparator.comparingLong(WatchCoverage.Interval::startNs)));
    return out;
  }

  @Override
  public ChangeEvent decode(byte[] stored) {
    return EventLog.decodeShipped(stored); // checked when read: only decodable records get here
  }

  @Override
  public FleetFacts fleet() {
    return new FleetFacts(
        source, read, counted, suspect, suspects, approvalDocuments, coverageRead, coverageCounted);
  }

  /** One document's fields that the report uses. */
  record Fields(
      String hostName,
      String hostId,
      String agentId,
      long sequence,
      String timestamp,
      byte[] record,
      String start,
      String end) {}

  @Override
  public Stopped forEach(ReportParameters p, Sink sink, PassedApprovals passed)
      throws StoreException, IOException {
    String from = Instant.ofEpochSecond(0, p.fromNs()).toString();
    String until = Instant.ofEpochSecond(0, p.untilNs()).toString();
    Map<String, Object[]> approvals = new HashMap<>();
    try {
      search.approvals(
          from,
          until,
          p.hostNames(),
          d -> {
            approvalDocuments++;
            Fields f = fields(d.source());
            String why = approvalProblem(d, f);
            if (why != null) {
              suspect("approval " + d.index() + "/" + d.id() + ": " + why);
              return;
            }
            Approval a = Approvals.decodeShipped(f.record());
            if (a.acceptedNs() <= p.generatedNs()) {
              approvals.put(d.id(), new Object[] {a, f.record()});
            }
          });
      FleetSearch.Counts cov =
          search.coverage(
              from,
              until,
              p.hostNames(),
              d -> {
                Fields f = fields(d.source());
                WatchCoverage.Interval i = null;
                String why;
                if (f.record() == null) {
                  why = "no fim.record";
                } else {
                  try {
                    i = WatchCoverage.decodeShipped(f.record());
                    why = coverageProblem(d, f, i);
                  } catch (IllegalArgumentException bad) {
                    why = "fim.record is not a coverage interval: " + bad.getMessage();
                  }
                }
                if (why != null) {
                  suspect("coverage " + d.index() + "/" + d.id() + ": " + why + " (not counted)");
                  return;
                }
                String host = f.hostName() + " (" + f.hostId() + ")";
                coverageRuns.computeIfAbsent(host, h -> new ArrayList<>()).add(i);
                hostNames.add(f.hostName());
              });
      coverageRead = cov.read();
      coverageCounted = cov.counted();
      FleetSearch.Counts c =
          search.events(
              from,
              until,
              p.hostNames(),
              d -> {
                Fields f = fields(d.source());
                ChangeEvent e = null;
                String why;
                if (f.record() == null) {
                  why = "no fim.record (not written by this fim ship)";
                } else {
                  try {
                    e = EventLog.decodeShipped(f.record());
                    why = eventProblem(d, f, e);
                  } catch (IllegalArgumentException bad) {
                    why = "fim.record is not an event record: " + bad.getMessage();
                  }
                }
                if (why != null) {
                  suspect(d.index() + "/" + d.id() + ": " + why);
                }
                if (e == null) {
                  return;
                }
                Object[] a = approvals.get(d.id());
                String host = f.hostName() + " (" + f.hostId() + ")";
                if (eventHosts.add(host)) {
                  hostNames.add(f.hostName());
                }
                try {
                  sink.accept(
                      null,
                      host,
                      d.index() + "\0" + d.id(),
                      f.record(),
                      a == null ? null : (Approval) a[0],
                      a == null ? null : (byte[]) a[1]);
                } catch (StoreException se) {
                  throw new UncheckedIOException(new IOException(se));
                }
              });
      read = c.read();
      counted = c.counted();
      return Stopped.NONE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading " + source);
    } catch (ShipException e) {
      throw new ClusterFailure(e);
    } catch (UncheckedIOException e) {
      if (e.getCause().getCause() instanceof StoreException se) {
        throw se;
      }
      throw e.getCause();
    }
  }

  /**
   * A cluster's failure (unreachable, refused), carried out as the I/O it is; exit 25 in the cli.
   */
  public static final class ClusterFailure extends IOException {
    private static final long serialVersionUID = 1L;

    ClusterFailure(ShipException cause) {
      super(cause.getMessage(), cause);
    }

    public ShipException ship() {
      return (ShipException) getCause();
    }
  }

  private void suspect(String why) {
    suspect++;
    if (suspects.size() < FleetFacts.LISTED) {
      suspects.add(why);
    }
  }

  /**
   * Why an event document is not what fim ship writes for its record, or null: id, index, sequence
   * and time must be its record's.
   */
  static String eventProblem(FleetSearch.Document d, Fields f, ChangeEvent e) {
    if (f.hostId() == null || f.agentId() == null) {
      return "host.id or agent.id missing";
    }
    String id = f.hostId() + "-" + f.agentId() + "-" + e.sequence();
    if (!id.equals(d.id())) {
      return "_id " + d.id() + " is not " + id + " (host.id-agent.id-sequence of its record)";
    }
    if (!ShipDocuments.index(e.timeNs()).equals(d.index())) {
      return "index " + d.index() + " is not the month of its record's time";
    }
    if (f.sequence() != e.sequence()
        || f.timestamp() == null
        || !f.timestamp().equals(Timestamps.format(e.timeNs()))) {
      return "event.sequence or @timestamp is not its record's ("
          + e.sequence()
          + ", "
          + Timestamps.format(e.timeNs())
          + ")";
    }
    return null;
  }

  /**
   * Why a coverage document is not what fim ship writes for its record, or null: its id must be
   * {@code <host.id>-<agent.id>-coverage-<start of its record>}, its index the month of that start,
   * and its {@code event.start} and {@code event.end} (what the search selected it by) its
   * record's.
   */
  static String coverageProblem(FleetSearch.Document d, Fields f, WatchCoverage.Interval i) {
    if (f.hostId() == null || f.agentId() == null || f.hostName() == null) {
      return "host.name, host.id or agent.id missing";
    }
    String id = f.hostId() + "-" + f.agentId() + "-coverage-" + i.startNs();
    if (!id.equals(d.id())) {
      return "_id " + d.id() + " is not " + id + " (host.id-agent.id-coverage-start of its record)";
    }
    if (!(ShipDocuments.COVERAGE_PREFIX + ShipDocuments.month(i.startNs())).equals(d.index())) {
      return "index " + d.index() + " is not the month of its record's start";
    }
    if (!Timestamps.format(i.startNs()).equals(f.start())
        || !Timestamps.format(i.endNs()).equals(f.end())) {
      return "event.start or event.end is not its record's ("
          + Timestamps.format(i.startNs())
          + ", "
          + Timestamps.format(i.endNs())
          + ")";
    }
    return null;
  }

  /** Why an approval document cannot count, or null. */
  static String approvalProblem(FleetSearch.Document d, Fields f) {
    if (f.record() == null) {
      return "no fim.record";
    }
    try {
      Approvals.decodeShipped(f.record());
    } catch (IllegalArgumentException e) {
      return "fim.record is not an approval: " + e.getMessage();
    }
    if (f.hostId() == null || f.agentId() == null || f.sequence() < 0) {
      return "host.id, agent.id or event.sequence missing";
    }
    String id = f.hostId() + "-" + f.agentId() + "-" + f.sequence();
    if (!id.equals(d.id())) {
      return "_id " + d.id() + " is not " + id;
    }
    return null;
  }

  /** The fields of a document's source that the report uses (others are skipped). */
  static Fields fields(String source) throws IOException {
    String hostName = null;
    String hostId = null;
    String agentId = null;
    long seq = -1;
    String ts = null;
    byte[] record = null;
    String start = null;
    String end = null;
    try (JsonParser p = FACTORY.createParser(source)) {
      p.nextToken();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String f = p.currentName();
        JsonToken t = p.nextToken();
        if (f.equals("@timestamp") && t == JsonToken.VALUE_STRING) {
          ts = p.getText();
        } else if (t == JsonToken.START_OBJECT
            && (f.equals("host") || f.equals("event") || f.equals("agent") || f.equals("fim"))) {
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = f + "." + p.currentName();
            JsonToken v = p.nextToken();
            switch (key) {
              case "host.name" -> hostName = v == JsonToken.VALUE_STRING ? p.getText() : null;
              case "host.id" -> hostId = v == JsonToken.VALUE_STRING ? p.getText() : null;
              case "agent.id" -> agentId = v == JsonToken.VALUE_STRING ? p.getText() : null;
              case "event.sequence" ->
                  seq = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
              case "event.start" -> start = v == JsonToken.VALUE_STRING ? p.getText() : null;
              case "event.end" -> end = v == JsonToken.VALUE_STRING ? p.getText() : null;
              case "fim.record" -> {
                if (v == JsonToken.VALUE_STRING) {
                  try {
                    record = Base64.getDecoder().decode(p.getText());
                  } catch (IllegalArgumentException e) {
                    record = null;
                  }
                }
              }
              default -> p.skipChildren();
            }
          }
        } else {
          p.skipChildren();
        }
      }
    }
    return new Fields(hostName, hostId, agentId, seq, ts, record, start, end);
  }
}

package dev.fim.engine.ship;

import dev.fim.store.WatchCoverage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What of a database's watch coverage one destination has ({@code ship/<16 hex>.coverage}, beside
 * the events' {@link ShipState}).
 *
 * <p>Unlike an event, a coverage interval changes while its watch runs: each heartbeat moves its
 * end forward and an orderly stop marks it ended. So an interval is sent again whenever it changed,
 * under the same id, with the version {@link #version} (external versioning: the cluster keeps the
 * newest copy whatever order copies arrive in, so two shippers racing never move an end back). The
 * file keeps the version acknowledged for each interval that may still change, and {@code
 * final_before}: every interval that started before it is final and in the cluster as it is. Final
 * means ended (nothing is written after an orderly stop) or followed by a later run (one watch
 * holds a database at a time, so a run killed before that later one started never writes again).
 * The file stays small however many runs there were. Written like the events' state (beside,
 * synced, renamed); it names its URL and database id, and a copied or damaged one is refused.
 * Deleting it is safe: every interval is sent again and the cluster answers 409 for those it has.
 */
public final class CoverageState {
  private final Path file;
  private final String url;
  private final String databaseId;

  CoverageState(Path file, String url, String databaseId) {
    this.file = file;
    this.url = url;
    this.databaseId = databaseId;
  }

  public Path file() {
    return file;
  }

  /**
   * The version a copy of {@code i} is sent with: {@code 2 × end + (ended ? 1 : 0)}, so a later end
   * is newer, and the orderly end of a run newer than its last heartbeat at the same instant.
   * Clamped to [0, Long.MAX_VALUE - 1] (the cluster's range; a clock before 1970 must not make it
   * refuse the document and stop shipping).
   */
  public static long version(WatchCoverage.Interval i) {
    long end = Math.max(0, Math.min(i.endNs(), (Long.MAX_VALUE - 2) / 2));
    return 2 * end + (i.ended() ? 1 : 0);
  }

  /** The acknowledged state as the file holds it. */
  public record Acknowledged(long finalBefore, Map<Long, Long> versions) {
    public Acknowledged {
      versions = java.util.Collections.unmodifiableMap(new TreeMap<>(versions));
    }
  }

  /** Reads the file; nothing acknowledged when there is none. */
  public Acknowledged acknowledged() throws ShipException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new Acknowledged(0, Map.of());
    } catch (IOException e) {
      throw new ShipException(
          ShipException.Reason.SETUP, "cannot read coverage shipping state " + file + ": " + e, e);
    }
    String u = null;
    String db = null;
    long finalBefore = -1;
    TreeMap<Long, Long> versions = new TreeMap<>();
    boolean damaged = false;
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String k = line.substring(0, eq);
      String v = line.substring(eq + 1);
      try {
        switch (k) {
          case "url" -> u = v;
          case "database_id" -> db = v;
          case "final_before" -> finalBefore = Long.parseLong(v);
          case "shipped" -> {
            int colon = v.indexOf(':');
            versions.put(
                Long.parseLong(v.substring(0, colon)), Long.parseLong(v.substring(colon + 1)));
          }
          default -> {}
        }
      } catch (RuntimeException e) { // a number that is none, a line without ':'
        damaged = true;
      }
    }
    if (damaged || !url.equals(u) || !databaseId.equals(db) || finalBefore < 0) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "coverage shipping state "
              + file
              + " does not belong to "
              + url
              + " and database "
              + databaseId
              + " or is damaged; remove it to ship the coverage again (documents already in the"
              + " cluster are recognised by their ids, not duplicated)");
    }
    return new Acknowledged(finalBefore, versions);
  }

  /**
   * One round: {@code stored} are the database's intervals from {@link Acknowledged#finalBefore}
   * on, oldest first; {@link Round#pending} those whose current version the cluster has not
   * acknowledged.
   */
  public Round round(Acknowledged acked, List<WatchCoverage.Stored> stored) {
    return new Round(acked, stored);
  }

  /**
   * The intervals of one round; {@link #acknowledge} takes a position in {@link #pending} and
   * records every interval up to it, durably.
   */
  public final class Round implements Acknowledging {
    private final List<WatchCoverage.Stored> stored;
    private final List<WatchCoverage.Stored> pending = new ArrayList<>();
    private final TreeMap<Long, Long> versions;
    private long finalBefore;

    private Round(Acknowledged acked, List<WatchCoverage.Stored> stored) {
      this.stored = List.copyOf(stored);
      this.versions = new TreeMap<>(acked.versions());
      this.finalBefore = acked.finalBefore();
      for (WatchCoverage.Stored s : stored) {
        Long v = versions.get(s.interval().startNs());
        if (v == null || v != version(s.interval())) {
          pending.add(s);
        }
      }
    }

    /** The intervals to send, oldest first. */
    public List<WatchCoverage.Stored> pending() {
      return pending;
    }

    @Override
    public void acknowledge(long position) throws ShipException {
      for (int k = 0; k <= position && k < pending.size(); k++) {
        WatchCoverage.Interval i = pending.get(k).interval();
        versions.put(i.startNs(), version(i));
      }
      for (int k = 0; k < stored.size(); k++) {
        WatchCoverage.Interval i = stored.get(k).interval();
        boolean isFinal = i.ended() || k < stored.size() - 1;
        Long v = versions.get(i.startNs());
        if (!isFinal || v == null || v != version(i)) {
          break;
        }
        finalBefore = Math.max(finalBefore, i.startNs() + 1);
      }
      versions.headMap(finalBefore).clear();
      StringBuilder b =
          new StringBuilder("url=")
              .append(url)
              .append("\ndatabase_id=")
              .append(databaseId)
              .append("\nfinal_before=")
              .append(finalBefore)
              .append('\n');
      versions.forEach(
          (start, v) -> b.append("shipped=").append(start).append(':').append(v).append('\n'));
      ShipState.writeDurably(
          file, b.toString().getBytes(StandardCharsets.UTF_8), "the acknowledged coverage");
    }
  }
}

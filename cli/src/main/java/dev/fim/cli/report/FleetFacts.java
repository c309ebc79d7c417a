package dev.fim.cli.report;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * What a fleet report says about its source, where a local report states its seal: the cluster, how
 * many documents were read against the cluster's count, and the documents found suspect (their
 * reasons; at most {@link #LISTED} listed, all counted). Immutable.
 *
 * @param source the cluster's address
 * @param read documents read
 * @param counted the cluster's count of the period's documents when the search began
 * @param suspect documents that are not what fim ship writes (ids, index, record)
 * @param suspects why, for the first {@link #LISTED} of them
 * @param approvals approval documents read
 * @param coverageRead coverage documents read
 * @param coverageCounted the cluster's count of the period's coverage documents
 */
public record FleetFacts(
    String source,
    long read,
    long counted,
    long suspect,
    List<String> suspects,
    long approvals,
    long coverageRead,
    long coverageCounted) {
  /** At most this many suspect documents are listed by reason (all are counted). */
  static final int LISTED = 100;

  public FleetFacts {
    suspects = List.copyOf(suspects);
  }

  /** The evidence line: a cluster has no seal. */
  String evidence() {
    String s =
        "NOT SEALED: a shared cluster has no seal (anyone with write access can add or remove"
            + " documents; see docs/fleet.md); "
            + read
            + " documents read, "
            + counted
            + " counted by the cluster";
    if (read < counted) {
      s += " (" + (counted - read) + " NOT READ: documents with equal sort keys, forged copies)";
    }
    s += "; " + coverageRead + " coverage documents read, " + coverageCounted + " counted";
    if (coverageRead < coverageCounted) {
      s += " (" + (coverageCounted - coverageRead) + " NOT READ)";
    }
    return s + "; " + suspect + " SUSPECT";
  }

  /** The approvals statement. */
  String approvalsLine() {
    return approvals
        + " approval documents read (approvals accepted after the report's time do not count)";
  }

  void json(JsonGenerator g) throws IOException {
    g.writeObjectFieldStart("evidence_chain");
    g.writeBooleanField("verified", false);
    g.writeStringField("status", "unsealed");
    g.writeStringField("source", source);
    g.writeNumberField("documents_read", read);
    g.writeNumberField("documents_counted", counted);
    g.writeNumberField("suspect", suspect);
    g.writeArrayFieldStart("suspects");
    for (String why : suspects) {
      g.writeString(why);
    }
    g.writeEndArray();
    g.writeNumberField("approval_documents", approvals);
    g.writeNumberField("coverage_documents_read", coverageRead);
    g.writeNumberField("coverage_documents_counted", coverageCounted);
    g.writeEndObject();
  }

  /** A cluster's text on one line: a forged value must not start a line of its own. */
  static String oneLine(String s) {
    if (s == null) {
      return "(none)";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}

package dev.fim.cli.report;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a report was made from: the period {@code [fromNs, untilNs)}, when and on which host it was
 * generated, the path-prefix depth of its totals and its format. Every report states them in one
 * line ({@link #line}: {@code fim-report-v1 since=… until=… generated=… host=… prefix-depth=2
 * format=html sha256=…}), so {@link ReportVerifier} can make the same report again from the
 * database and compare.
 *
 * <p>{@code excludeVerifiedPackages} ({@code fim report --exclude-verified-packages}) leaves out
 * changes whose package verified them (dpkg wrote the package's own content); the line states it
 * ({@code exclude=verified-packages}), so a copy of a filtered report verifies as filtered, and a
 * copy whose statement was removed does not verify.
 *
 * <p>{@code untilNs} is never after {@code generatedNs}: a report cannot speak for the future, and
 * a later verification must not see changes recorded after it was made. Approvals accepted after
 * {@code generatedNs} are not part of it either.
 */
public record ReportParameters(
    long fromNs,
    long untilNs,
    long generatedNs,
    String host,
    int prefixDepth,
    ReportFormat format,
    boolean excludeVerifiedPackages,
    String agent,
    String source,
    String hosts) {
  static final String MAGIC = "fim-report-v1";
  private static final Pattern LINE = Pattern.compile(MAGIC + "((?: [a-z0-9-]+=[^ \"<>\\r\\n]*)+)");

  /**
   * {@code agent=}: the fim that made the report, {@code TYPE/VERSION} (ECS agent.type and
   * agent.version), e.g. {@code fim/0.1.0-SNAPSHOT+394a37e9d125}. Null: a report made before fim
   * stated it, which renders and verifies as it always did.
   */
  private static final Pattern AGENT = Pattern.compile("[a-z0-9-]+/[A-Za-z0-9._+-]+");

  /** The value of {@code exclude=} for {@link #excludeVerifiedPackages}. */
  static final String VERIFIED_PACKAGES = "verified-packages";

  /**
   * A fleet report's {@code source=} (the cluster's URL) and {@code hosts=} (the {@code --host}
   * names, comma-separated): values of the parameter line, so no space, quote, angle bracket or
   * control character; a name also no comma.
   */
  private static final Pattern SOURCE = Pattern.compile("https?://[^ \"<>\\x00-\\x20\\x7f]+");

  private static final Pattern HOSTS =
      Pattern.compile("[^ ,\"<>\\x00-\\x20\\x7f]+(,[^ ,\"<>\\x00-\\x20\\x7f]+)*");

  /** A local report (no source). */
  public ReportParameters(
      long fromNs,
      long untilNs,
      long generatedNs,
      String host,
      int prefixDepth,
      ReportFormat format,
      boolean excludeVerifiedPackages,
      String agent) {
    this(
        fromNs,
        untilNs,
        generatedNs,
        host,
        prefixDepth,
        format,
        excludeVerifiedPackages,
        agent,
        null,
        null);
  }

  /** A report that states no agent (as made before fim stated it). */
  public ReportParameters(
      long fromNs,
      long untilNs,
      long generatedNs,
      String host,
      int prefixDepth,
      ReportFormat format,
      boolean excludeVerifiedPackages) {
    this(fromNs, untilNs, generatedNs, host, prefixDepth, format, excludeVerifiedPackages, null);
  }

  /** A report of every change (no filter). */
  public ReportParameters(
      long fromNs,
      long untilNs,
      long generatedNs,
      String host,
      int prefixDepth,
      ReportFormat format) {
    this(fromNs, untilNs, generatedNs, host, prefixDepth, format, false);
  }

  public ReportParameters {
    if (fromNs >= untilNs) {
      throw new IllegalArgumentException(
          "the period is empty: since "
              + EventTime.of(fromNs)
              + " is not before until "
              + EventTime.of(untilNs));
    }
    if (untilNs > generatedNs) {
      throw new IllegalArgumentException(
          "until "
              + EventTime.of(untilNs)
              + " is after the report's time "
              + EventTime.of(generatedNs));
    }
    if (prefixDepth < 1 || prefixDepth > 64) {
      throw new IllegalArgumentException("prefix depth " + prefixDepth + ": give 1 to 64");
    }
    if (agent != null && !AGENT.matcher(agent).matches()) {
      throw new IllegalArgumentException(
          "agent=" + agent + " is not TYPE/VERSION (letters, digits and ._+-)");
    }
    if (source != null && !SOURCE.matcher(source).matches()) {
      throw new IllegalArgumentException("source=" + source + " is not an http(s) URL");
    }
    if (hosts != null && (source == null || !HOSTS.matcher(hosts).matches())) {
      throw new IllegalArgumentException(
          "hosts=" + hosts + ": host names without spaces, commas or quotes, with a source");
    }
    if (host.isEmpty()
        || host.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '<' || c == '>' || c > 126)) {
      host = "unknown";
    }
  }

  /**
   * The period {@code [since, until)} with {@code until} clamped to {@code generated} (a future
   * until means now).
   */
  public static ReportParameters of(
      Instant since,
      Instant until,
      Instant generated,
      String host,
      int prefixDepth,
      ReportFormat format) {
    return of(since, until, generated, host, prefixDepth, format, false);
  }

  /** As {@link #of(Instant, Instant, Instant, String, int, ReportFormat)}, with the filter. */
  public static ReportParameters of(
      Instant since,
      Instant until,
      Instant generated,
      String host,
      int prefixDepth,
      ReportFormat format,
      boolean excludeVerifiedPackages) {
    long g = EventTime.ns(generated);
    return new ReportParameters(
        EventTime.ns(since),
        Math.min(EventTime.ns(until), g),
        g,
        host,
        prefixDepth,
        format,
        excludeVerifiedPackages);
  }

  /** These parameters, stated as made by {@code agent} ({@link #thisAgent}). */
  public ReportParameters withAgent(String agent) {
    return new ReportParameters(
        fromNs,
        untilNs,
        generatedNs,
        host,
        prefixDepth,
        format,
        excludeVerifiedPackages,
        agent,
        source,
        hosts);
  }

  /**
   * A fleet report of these parameters, from the cluster at {@code source}, of {@code hostNames}
   * only (empty: every host).
   */
  public ReportParameters withSource(String source, java.util.List<String> hostNames) {
    return new ReportParameters(
        fromNs,
        untilNs,
        generatedNs,
        host,
        prefixDepth,
        format,
        excludeVerifiedPackages,
        agent,
        source,
        hostNames.isEmpty() ? null : String.join(",", hostNames));
  }

  /** The {@code --host} names of a fleet report; empty: every host. */
  public java.util.List<String> hostNames() {
    return hosts == null ? java.util.List.of() : java.util.List.of(hosts.split(","));
  }

  /**
   * This build as an agent= value: {@code fim/VERSION+COMMIT} (the commit as SemVer build metadata;
   * a character the line cannot carry becomes '_').
   */
  public static String thisAgent() {
    String v = dev.fim.engine.output.BuildInfo.VERSION;
    String c = dev.fim.engine.output.BuildInfo.COMMIT;
    String version = c.equals("unknown") ? v : v + "+" + c;
    return dev.fim.engine.output.BuildInfo.AGENT_TYPE
        + "/"
        + version.replaceAll("[^A-Za-z0-9._+-]", "_");
  }

  /** ECS agent.type: the part of {@link #agent} before '/'; null when no agent is stated. */
  String agentType() {
    return agent == null ? null : agent.substring(0, agent.indexOf('/'));
  }

  /** ECS agent.version: the part of {@link #agent} after '/'; null when no agent is stated. */
  String agentVersion() {
    return agent == null ? null : agent.substring(agent.indexOf('/') + 1);
  }

  /** The one line stating the parameters and the data digest. */
  String line(String sha256) {
    return MAGIC
        + " since="
        + EventTime.of(fromNs)
        + " until="
        + EventTime.of(untilNs)
        + " generated="
        + EventTime.of(generatedNs)
        + " host="
        + host
        + " prefix-depth="
        + prefixDepth
        + " format="
        + format.label()
        + (excludeVerifiedPackages ? " exclude=" + VERIFIED_PACKAGES : "")
        + (agent != null ? " agent=" + agent : "")
        + (source != null ? " source=" + source : "")
        + (hosts != null ? " hosts=" + hosts : "")
        + " sha256="
        + sha256;
  }

  /** What {@link #line} stated, found anywhere in {@code text}; null when there is none. */
  static Stated find(String text) {
    return find(text, false);
  }

  /**
   * As {@link #find(String)}, taking the first line in {@code text} or, with {@code last}, the last
   * one: a JSON report states its parameters at its end, after the changes, whose paths (chosen by
   * whoever names a file) may spell a parameter line of their own.
   */
  static Stated find(String text, boolean last) {
    Matcher m = LINE.matcher(text);
    if (!m.find()) {
      return null;
    }
    if (last) {
      int at = m.start();
      while (m.find()) {
        at = m.start();
      }
      m.find(at);
    }
    Map<String, String> kv = new LinkedHashMap<>();
    for (String pair : m.group(1).trim().split(" ")) {
      int eq = pair.indexOf('=');
      kv.put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    try {
      ReportParameters p =
          new ReportParameters(
              EventTime.parse(kv.get("since")),
              EventTime.parse(kv.get("until")),
              EventTime.parse(kv.get("generated")),
              kv.get("host"),
              Integer.parseInt(kv.get("prefix-depth")),
              ReportFormat.ofLabel(kv.get("format")),
              excludes(kv.get("exclude")),
              kv.get("agent"),
              kv.get("source"),
              kv.get("hosts"));
      String sha = kv.get("sha256");
      if (sha == null || !sha.matches("[0-9a-f]{64}")) {
        throw new IllegalArgumentException("no sha256=");
      }
      return new Stated(p, sha);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "the report's parameter line is damaged (" + m.group() + "): " + e.getMessage(), e);
    }
  }

  /** {@code exclude=}: absent (no filter) or {@code verified-packages}; anything else is damage. */
  private static boolean excludes(String value) {
    if (value == null) {
      return false;
    }
    if (!value.equals(VERIFIED_PACKAGES)) {
      throw new IllegalArgumentException("exclude=" + value + " is not a filter this fim knows");
    }
    return true;
  }

  /** Parameters and digest as a report states them. */
  record Stated(ReportParameters parameters, String sha256) {}
}

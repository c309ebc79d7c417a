package dev.fim.engine.output;

/**
 * What this build of fim is: the version, the git commit and the build date, written at build time
 * into {@link BuildStamp} (compiled in) and into {@code dev/fim/engine/version.properties}
 * (fim/pom.xml, an antrun step after the module's compile). A build from sources without git (a
 * source tarball) says commit {@code unknown}; a class path where the build step did not run (an
 * IDE) says {@code unknown} for all three rather than fail. Read once, when the class loads: event
 * writers use the precomputed {@link #AGENT_JSON} and never look anything up per event.
 */
public final class BuildInfo {
  /** The resource the build writes beside {@link BuildStamp} (kept in step with fim/pom.xml). */
  static final String RESOURCE = "/dev/fim/engine/version.properties";

  /** The ECS {@code agent.type} of every event and report fim writes. */
  public static final String AGENT_TYPE = "fim";

  /** The project version (the Maven version, e.g. {@code 0.1.0-SNAPSHOT}). */
  public static final String VERSION;

  /** The git commit the build was made from ({@code +modified} when the tree had changes). */
  public static final String COMMIT;

  /** When the build ran (UTC, ISO-8601). */
  public static final String BUILT;

  /**
   * The ECS {@code agent} object as JSON text, {@code {"type":"fim","version":"…"}}, written raw
   * into each event (one constant, no per-event work).
   */
  public static final String AGENT_JSON;

  static {
    VERSION = value(BuildStamp.version());
    COMMIT = value(BuildStamp.commit());
    BUILT = value(BuildStamp.built());
    AGENT_JSON = "{\"type\":\"" + AGENT_TYPE + "\",\"version\":\"" + jsonEscape(VERSION) + "\"}";
  }

  private BuildInfo() {}

  static String value(String stamped) {
    String v = stamped.strip();
    // An unexpanded placeholder means the build step did not run: say so rather than print it.
    return v.isEmpty() || v.contains("${") ? "unknown" : v;
  }

  /** The three facts on one line, as {@code fim --version} prints them. */
  public static String describe() {
    return "fim " + VERSION + " (commit " + COMMIT + ", built " + BUILT + ")";
  }

  /** Escapes what JSON needs escaped (a version is plain ASCII; this keeps a odd one valid). */
  static String jsonEscape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20) {
        b.append("\\u00")
            .append(Character.forDigit(c >> 4, 16))
            .append(Character.forDigit(c & 15, 16));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}

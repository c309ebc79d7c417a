package dev.fim.engine.sink;

import dev.fim.engine.output.EventJson;
import dev.fim.store.Actor;
import dev.fim.store.ChangeEvent;
import dev.fim.store.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One event as an RFC 5424 syslog message:
 *
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME fim PID ACTION [fim@32473 action="…" sequence="…" path="…"
 *   old_path="…" auid="…" exe="…" attribution="…"] {event JSON}
 * </pre>
 *
 * PRI is facility × 8 + {@link EventPriority}; the timestamp is the event's (UTC, microseconds);
 * MSGID is the action, so a daemon can route on it without parsing; the structured data carries the
 * fields people filter on (rsyslog's {@code $!rfc5424-sd}, syslog-ng's {@code .SDATA.*}), and the
 * message is the complete event JSON without a BOM, which rsyslog's {@code mmjsonparse} (cookie "")
 * or an Elasticsearch ingest {@code json} processor turn into the ECS fields. SD-ID {@code
 * fim@32473}: 32473 is the private enterprise number RFC 5612 reserves for documentation and
 * examples; fim has none of its own.
 *
 * <p>A datagram longer than {@link #MAX_BYTES} (rsyslog's default maximum message size, 8 KiB)
 * would be cut by the daemon, in the middle of the JSON: instead the message becomes a short JSON
 * with the event's time, action, sequence and path and {@code "fim":{"truncated":true}}; the whole
 * event is in fim's database ({@code fim history}). Stateless.
 */
public final class SyslogFormat {
  /** rsyslog's default $MaxMessageSize. */
  public static final int MAX_BYTES = 8192;

  /** Structured-data values longer than this are cut (marked with "…"). */
  static final int MAX_PARAM_CHARS = 1024;

  public static final String SD_ID = "fim@32473";

  private final int facility;
  private final String hostname;
  private final String procid;

  public SyslogFormat(int facility, String hostname, long pid) {
    if (facility < 0 || facility > 23) {
      throw new IllegalArgumentException("syslog facility " + facility + " is not 0..23");
    }
    this.facility = facility;
    this.hostname = printable(hostname, 255);
    this.procid = Long.toString(pid);
  }

  /** The datagram for {@code e}, at most {@link #MAX_BYTES} long. */
  public byte[] format(ChangeEvent e) {
    String head = header(e);
    String json = EventJson.toJson(e);
    byte[] full = (head + json).getBytes(StandardCharsets.UTF_8);
    if (full.length <= MAX_BYTES) {
      return full;
    }
    byte[] shortened =
        (head + truncatedJson(e, json.getBytes(StandardCharsets.UTF_8).length))
            .getBytes(StandardCharsets.UTF_8);
    if (shortened.length <= MAX_BYTES) {
      return shortened;
    }
    // Only a path of thousands of escaped characters gets here: cut, at a character boundary.
    byte[] marker = "…[truncated]".getBytes(StandardCharsets.UTF_8);
    int end = MAX_BYTES - marker.length;
    while (end > 0 && (shortened[end] & 0xC0) == 0x80) {
      end--;
    }
    byte[] out = java.util.Arrays.copyOf(shortened, end + marker.length);
    System.arraycopy(marker, 0, out, end, marker.length);
    return out;
  }

  private String header(ChangeEvent e) {
    StringBuilder sb = new StringBuilder(256);
    sb.append('<')
        .append(facility * 8 + EventPriority.of(e.action()))
        .append(">1 ")
        .append(timestamp(e.timeNs()))
        .append(' ')
        .append(hostname)
        .append(" fim ")
        .append(procid)
        .append(' ')
        .append(e.action().label())
        .append(" [")
        .append(SD_ID);
    param(sb, "action", e.action().label());
    param(sb, "sequence", Long.toString(e.sequence()));
    param(sb, "path", e.path().display());
    if (e.oldPath() != null) {
      param(sb, "old_path", e.oldPath().display());
    }
    Actor a = e.actor();
    if (a != null && a.auid() != null) {
      param(sb, "auid", Long.toString(a.auid()));
    }
    if (a != null && a.executable() != null) {
      param(sb, "exe", a.executable());
    }
    param(sb, "attribution", e.attribution() == null ? "none" : e.attribution().label());
    return sb.append("] ").toString();
  }

  private static final java.time.format.DateTimeFormatter TIME =
      java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT)
          .withZone(java.time.ZoneOffset.UTC);

  /** RFC 5424 TIMESTAMP: RFC 3339 in UTC with at most six fractional digits (microseconds). */
  static String timestamp(long ns) {
    return TIME.format(
        java.time.Instant.ofEpochSecond(
            Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L) / 1000 * 1000));
  }

  /**
   * The short JSON that stands in for an event too long for one datagram (valid JSON); {@code
   * fullBytes} is the length of the whole event JSON.
   */
  static String truncatedJson(ChangeEvent e, int fullBytes) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"@timestamp\":\"")
        .append(Timestamps.format(e.timeNs()))
        .append("\",\"event\":{\"action\":\"")
        .append(e.action().label())
        .append("\",\"sequence\":")
        .append(e.sequence())
        .append("},\"file\":{\"path\":");
    jsonString(sb, e.path().display());
    sb.append("},\"fim\":{\"truncated\":true,\"event_bytes\":").append(fullBytes).append("}}");
    return sb.toString();
  }

  private static void jsonString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /**
   * {@code name="value"} with RFC 5424's escapes ({@code "}, {@code \} and {@code ]}) and control
   * characters as {@code \xHH}, so a file name cannot end the structured data or start a line.
   */
  private static void param(StringBuilder sb, String name, String value) {
    sb.append(' ').append(name).append("=\"");
    int n = Math.min(value.length(), MAX_PARAM_CHARS);
    for (int i = 0; i < n; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c == ']') {
        sb.append('\\').append(c);
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (n < value.length()) {
      sb.append('…');
    }
    sb.append('"');
  }

  /** HOSTNAME is printable US-ASCII without spaces (RFC 5424 PRINTUSASCII); "-" when empty. */
  private static String printable(String s, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < max; i++) {
      char c = s.charAt(i);
      if (c > 32 && c < 127) {
        sb.append(c);
      }
    }
    return sb.length() == 0 ? "-" : sb.toString();
  }

  /** Facility names as syslog.conf spells them, to numbers. */
  public static int facility(String name) {
    String[] names = {
      "kern",
      "user",
      "mail",
      "daemon",
      "auth",
      "syslog",
      "lpr",
      "news",
      "uucp",
      "cron",
      "authpriv",
      "ftp"
    };
    String n = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(n)) {
        return i;
      }
    }
    if (n.matches("local[0-7]")) {
      return 16 + (n.charAt(5) - '0');
    }
    throw new IllegalArgumentException(
        "unknown syslog facility \""
            + name
            + "\": expected authpriv, auth, daemon, user, local0 … local7 (or kern, mail, syslog, lpr,"
            + " news, uucp, cron, ftp)");
  }
}

package dev.fim.engine.sink;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A strict parser of one RFC 5424 message (section 6's ABNF): throws on anything the grammar does
 * not allow, so a test that parses fim's datagrams checks the wire format itself.
 */
record Rfc5424(
    int pri,
    String timestamp,
    String hostname,
    String appName,
    String procId,
    String msgId,
    String sdId,
    Map<String, String> params,
    String msg) {

  static Rfc5424 parse(byte[] datagram) {
    return new Parser(new String(datagram, StandardCharsets.UTF_8)).message();
  }

  private static final class Parser {
    private final String s;
    private int i;

    Parser(String s) {
      this.s = s;
    }

    Rfc5424 message() {
      expect('<');
      int start = i;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i == start || i - start > 3) {
        throw bad("PRIVAL of 1 to 3 digits");
      }
      int pri = Integer.parseInt(s.substring(start, i));
      if (pri > 191) {
        throw bad("PRIVAL <= 191");
      }
      expect('>');
      expect('1'); // VERSION
      expect(' ');
      String ts = token(64);
      if (!ts.matches(
          "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,6})?(Z|[+-]\\d\\d:\\d\\d)")) {
        throw bad("TIMESTAMP (RFC 3339, at most 6 fractional digits): " + ts);
      }
      expect(' ');
      String host = token(255);
      expect(' ');
      String app = token(48);
      expect(' ');
      String proc = token(128);
      expect(' ');
      String msgId = token(32);
      expect(' ');
      String sdId = null;
      Map<String, String> params = new LinkedHashMap<>();
      if (peek() == '-') {
        i++;
      } else {
        expect('[');
        sdId = sdName(32);
        while (peek() == ' ') {
          i++;
          String name = sdName(32);
          expect('=');
          expect('"');
          StringBuilder v = new StringBuilder();
          while (true) {
            char c = next();
            if (c == '"') {
              break;
            }
            if (c == '\\' && (peek() == '"' || peek() == '\\' || peek() == ']')) {
              v.append(next());
            } else if (c == ']') {
              throw bad("an unescaped ] in PARAM-VALUE");
            } else {
              v.append(c);
            }
          }
          if (params.put(name, v.toString()) != null) {
            throw bad("PARAM-NAME " + name + " twice");
          }
        }
        expect(']');
        if (peek() == '[') {
          throw bad("one SD-ELEMENT expected from fim");
        }
      }
      String msg = null;
      if (i < s.length()) {
        expect(' ');
        msg = s.substring(i);
      }
      return new Rfc5424(pri, ts, host, app, proc, msgId, sdId, params, msg);
    }

    /** 1*max PRINTUSASCII (33..126). */
    private String token(int max) {
      int start = i;
      while (i < s.length() && s.charAt(i) >= 33 && s.charAt(i) <= 126) {
        i++;
      }
      if (i == start || i - start > max) {
        throw bad("a field of 1 to " + max + " printable characters");
      }
      return s.substring(start, i);
    }

    /** SD-NAME: 1*max PRINTUSASCII except '=', SP, ']', '"'. */
    private String sdName(int max) {
      int start = i;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c < 33 || c > 126 || c == '=' || c == ']' || c == '"') {
          break;
        }
        i++;
      }
      if (i == start || i - start > max) {
        throw bad("an SD-NAME of 1 to " + max + " characters");
      }
      return s.substring(start, i);
    }

    private char peek() {
      return i < s.length() ? s.charAt(i) : '\0';
    }

    private char next() {
      if (i >= s.length()) {
        throw bad("more input");
      }
      return s.charAt(i++);
    }

    private void expect(char c) {
      if (next() != c) {
        i--;
        throw bad("'" + c + "'");
      }
    }

    private IllegalArgumentException bad(String expected) {
      return new IllegalArgumentException(
          "not RFC 5424 at offset " + i + ": expected " + expected + " in " + s);
    }
  }
}

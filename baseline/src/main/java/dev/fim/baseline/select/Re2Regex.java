package dev.fim.baseline.select;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * Compiles a config regex (AIDE's syntax is PCRE's) with RE2/J, whose matching time is linear in
 * the path's length whatever the regex: a selection line runs on every scanned path, and with a
 * backtracking engine one line such as {@code (.*a){25}$} took 40 s per path. The regex is
 * rewritten where PCRE and RE2 spell the same thing differently, and refused, with the reason,
 * where RE2 has no linear-time equivalent (backreferences, lookaround, atomic groups, possessive
 * quantifiers, recursion, conditionals), so a rule never silently means something else.
 *
 * <p>Rewritten to keep PCRE's (and fim's earlier java.util.regex) meaning on path bytes: {@code $}
 * and {@code \Z} also match before a final newline ({@code (?:\n?\z)}; not under {@code (?m)},
 * where RE2's {@code $} already means end of line); {@code \s} includes VT (0x0b); {@code \v},
 * {@code \h}, {@code \R} are PCRE's whitespace classes, not RE2's single VT char or errors; {@code
 * \e}, {@code \cX} become {@code \xHH}; {@code \Q…\E} is expanded to escaped chars (RE2 has no
 * {@code \Q} inside a class). Text is ISO-8859-1 (one char per path byte), so a rule byte matches
 * the same path byte.
 *
 * <p>Bounded: at most {@link #MAX_CHARS} chars, {@link #MAX_NESTING} nested groups and {@link
 * #MAX_PROGRAM} instructions, estimated before RE2/J compiles (RE2/J itself expands {@code
 * ((a{1000}){1000}){1000}} until the heap is exhausted) and checked after. Stateless.
 */
final class Re2Regex {
  /** Longest regex accepted, in bytes (a path regex this long is already unusual). */
  static final int MAX_CHARS = 4096;

  /** Deepest group nesting accepted (RE2/J's parser and compiler recurse per level). */
  static final int MAX_NESTING = 100;

  /**
   * Largest compiled program accepted. Matching costs at most path length × live threads, and the
   * threads are bounded by the program: {@code (.*a){450}$}, near this limit, took 12 ms on a
   * 256-byte path and 0.24 s on a 4 KiB one (2 shared cores); a literal regex of ~1900 bytes fits.
   */
  static final int MAX_PROGRAM = 2_000;

  static final String WHY =
      "fim matches with RE2, whose time is linear in the path length; "
          + "this construct needs a backtracking matcher, which one config line can keep busy for hours";

  /** A regex fim refuses; the message is the reason, for people. */
  static final class Rejected extends Exception {
    private static final long serialVersionUID = 1L;

    Rejected(String reason) {
      super(reason);
    }
  }

  private Re2Regex() {}

  /** The compiled RE2/J pattern for config regex {@code regex} (ISO-8859-1 text). */
  static Pattern compile(String regex) throws Rejected {
    if (regex.length() > MAX_CHARS) {
      throw new Rejected(
          "regex is " + regex.length() + " bytes long; at most " + MAX_CHARS + " are accepted");
    }
    Translation scan = new Translation(regex, false);
    scan.run();
    Translation t = new Translation(regex, scan.multiline);
    t.run();
    if (scan.caseInsensitive && scan.nonAscii) {
      throw new Rejected(
          "case-insensitive matching ((?i)) of a non-ASCII byte is not supported: RE2 folds case "
              + "over Unicode (byte 0xc3 would also match 0xe3), AIDE and fim compare path bytes; "
              + "spell both cases out instead, e.g. [Ee]");
    }
    Pattern p;
    try {
      p = Pattern.compile(t.out.toString());
    } catch (PatternSyntaxException e) {
      throw new Rejected("bad regex: " + e.getDescription());
    } catch (RuntimeException e) {
      // RE2/J reports some malformed input with unchecked exceptions other than its own.
      throw new Rejected("bad regex: " + e.getMessage());
    }
    if (p.programSize() > MAX_PROGRAM) {
      throw new Rejected(
          "regex too large: "
              + p.programSize()
              + " instructions once compiled, at most "
              + MAX_PROGRAM
              + " (a counted repetition such as {1000} copies what it repeats; split a long alternation into "
              + "several rules)");
    }
    return p;
  }

  /** One pass over the regex: checks, rewrites into {@link #out}, estimates the program size. */
  private static final class Translation {
    private static final String SPACE = "\\t\\n\\x0b\\f\\r ";
    private static final String VERTICAL = "\\n\\x0b\\f\\r\\x85";
    private static final String HORIZONTAL = "\\t \\xa0";
    // Complements within one byte (the text never holds a char above 0xff), for use inside a class.
    private static final String NOT_SPACE = "\\x00-\\x08\\x0e-\\x1f\\x21-\\xff";
    private static final String NOT_VERTICAL = "\\x00-\\x09\\x0e-\\x84\\x86-\\xff";
    private static final String NOT_HORIZONTAL = "\\x00-\\x08\\x0a-\\x1f\\x21-\\x9f\\xa1-\\xff";

    final String re;
    final boolean rewriteDollar;
    final StringBuilder out = new StringBuilder();
    boolean multiline;
    boolean caseInsensitive;
    boolean nonAscii;

    /** Per open group: [estimated size so far, size of the last atom]. */
    private final long[][] frames = new long[MAX_NESTING + 1][2];

    private int depth;
    private int i;

    Translation(String re, boolean multiline) {
      this.re = re;
      this.rewriteDollar = !multiline;
    }

    void run() throws Rejected {
      while (i < re.length()) {
        char c = re.charAt(i);
        if (c >= 0x80) {
          nonAscii = true;
        }
        switch (c) {
          case '\\' -> escape(false);
          case '[' -> charClass();
          case '(' -> open();
          case ')' -> {
            out.append(c);
            i++;
            if (depth > 0) {
              long size = frames[depth][0] + 1;
              depth--;
              atom(size);
            }
          }
          case '|' -> {
            out.append(c);
            i++;
            grow(1);
            frames[depth][1] = 0;
          }
          case '*', '+', '?' -> {
            out.append(c);
            i++;
            grow(1);
            possessive();
          }
          case '{' -> repetition();
          case '$' -> {
            out.append(rewriteDollar ? "(?:\\n?\\z)" : "$");
            i++;
            atom(3);
          }
          default -> {
            out.append(c);
            i++;
            atom(1);
          }
        }
      }
    }

    private void atom(long size) throws Rejected {
      grow(size);
      frames[depth][1] = size;
    }

    private void grow(long size) throws Rejected {
      frames[depth][0] += size;
      if (frames[depth][0] > MAX_PROGRAM) {
        throw new Rejected(
            "regex too large: more than "
                + MAX_PROGRAM
                + " instructions once compiled "
                + "(a counted repetition such as {1000} copies what it repeats; split a long alternation into "
                + "several rules)");
      }
    }

    private void possessive() throws Rejected {
      if (i < re.length() && re.charAt(i) == '+') {
        throw unsupported("possessive quantifier " + re.substring(i - 1, i + 1));
      }
    }

    /**
     * {@code {n}}, {@code {n,}}, {@code {n,m}}: multiplies the last atom; anything else is a
     * literal '{', as in RE2.
     */
    private void repetition() throws Rejected {
      int close = re.indexOf('}', i);
      String body = close < 0 ? "" : re.substring(i + 1, close);
      if (!body.matches("[0-9]{1,9}(,[0-9]{0,9})?")) {
        out.append("\\{");
        i++;
        atom(1);
        return;
      }
      int comma = body.indexOf(',');
      long n = Long.parseLong(comma < 0 ? body : body.substring(0, comma));
      long m =
          comma < 0 || comma == body.length() - 1 ? n : Long.parseLong(body.substring(comma + 1));
      long k = Math.max(1, Math.max(n, m));
      out.append(re, i, close + 1);
      i = close + 1;
      long last = frames[depth][1];
      if (k > MAX_PROGRAM || last * (k - 1) > MAX_PROGRAM) {
        grow(MAX_PROGRAM + 1);
      }
      grow(last * (k - 1) + 1);
      frames[depth][1] = last * k;
      possessive();
    }

    private void open() throws Rejected {
      if (re.startsWith("(*", i)) {
        throw unsupported("PCRE verb " + upTo(')'));
      }
      if (re.startsWith("(?", i)) {
        groupSyntax();
      }
      if (depth == MAX_NESTING) {
        throw new Rejected("groups nested deeper than " + MAX_NESTING + " levels");
      }
      out.append('(');
      i++;
      depth++;
      frames[depth][0] = 0;
      frames[depth][1] = 0;
    }

    /** Checks what follows "(?"; records the flags it turns on. */
    private void groupSyntax() throws Rejected {
      String s = re.substring(i);
      if (s.startsWith("(?=") || s.startsWith("(?!")) {
        throw unsupported("lookahead " + s.substring(0, 3) + "…)");
      }
      if (s.startsWith("(?<=") || s.startsWith("(?<!")) {
        throw unsupported("lookbehind " + s.substring(0, 4) + "…)");
      }
      if (s.startsWith("(?>")) {
        throw unsupported("atomic group (?>…)");
      }
      if (s.startsWith("(?(")) {
        throw unsupported("conditional group (?(…)…)");
      }
      if (s.startsWith("(?P=")
          || s.startsWith("(?P>")
          || s.startsWith("(?&")
          || s.startsWith("(?R")
          || (s.length() > 2
              && (Character.isDigit(s.charAt(2))
                  || ((s.charAt(2) == '+' || s.charAt(2) == '-')
                      && s.length() > 3
                      && Character.isDigit(s.charAt(3)))))) {
        throw unsupported("backreference or recursion " + upTo(')'));
      }
      if (s.startsWith("(?#")) {
        throw unsupported("comment group (?#…)");
      }
      if (s.startsWith("(?|")) {
        throw unsupported("branch reset group (?|…)");
      }
      if (s.startsWith("(?:") || s.startsWith("(?<") || s.startsWith("(?P<")) {
        return;
      }
      // flags: (?imsU-imsU) or (?imsU-imsU:…)
      int j = 2;
      boolean on = true;
      while (j < s.length() && s.charAt(j) != ')' && s.charAt(j) != ':') {
        char f = s.charAt(j);
        if (f == '-') {
          on = false;
        } else if (!Character.isLetter(f)) {
          return; // not a flag group: RE2/J reports what it is
        } else if ("imsU".indexOf(f) < 0) {
          throw new Rejected(
              "flag " + f + " in " + upTo(')') + " is not supported (RE2's flags: i m s U)");
        } else if (on && f == 'i') {
          caseInsensitive = true;
        } else if (on && f == 'm') {
          multiline = true;
        }
        j++;
      }
    }

    private void charClass() throws Rejected {
      out.append('[');
      i++;
      if (i < re.length() && re.charAt(i) == '^') {
        out.append('^');
        i++;
      }
      boolean first = true;
      while (i < re.length()) {
        char c = re.charAt(i);
        if (c >= 0x80) {
          nonAscii = true;
        }
        if (c == ']' && !first) {
          out.append(']');
          i++;
          atom(1);
          return;
        }
        first = false;
        if (c == '\\') {
          escape(true);
        } else if (c == '[' && re.startsWith("[:", i) && re.indexOf(":]", i + 2) >= 0) {
          int end = re.indexOf(":]", i + 2) + 2;
          out.append(re, i, end);
          i = end;
        } else {
          out.append(c);
          i++;
        }
      }
      // unterminated: RE2/J reports it ("missing closing ]")
    }

    private void escape(boolean inClass) throws Rejected {
      if (i + 1 >= re.length()) {
        out.append('\\');
        i++;
        return; // RE2/J reports the trailing backslash
      }
      char d = re.charAt(i + 1);
      i += 2;
      String r;
      switch (d) {
        case 'Q' -> {
          int end = re.indexOf("\\E", i);
          String lit = re.substring(i, end < 0 ? re.length() : end);
          i = end < 0 ? re.length() : end + 2;
          for (int k = 0; k < lit.length(); k++) {
            char c = lit.charAt(k);
            if (c >= 0x80) {
              nonAscii = true;
            }
            if (c < 0x80 && !Character.isLetterOrDigit(c)) {
              out.append('\\');
            }
            out.append(c);
            if (!inClass) {
              atom(1);
            }
          }
          return;
        }
        case '1', '2', '3', '4', '5', '6', '7', '8', '9' ->
            throw unsupported("backreference \\" + d);
        case 'g', 'k' -> throw unsupported("backreference \\" + d);
        case 'K' -> throw unsupported("match start reset \\K");
        case 'G' -> throw unsupported("\\G (end of the previous match)");
        case 'Z' -> r = inClass ? "\\Z" : "(?:\\n?\\z)";
        case 's' -> r = inClass ? SPACE : "[" + SPACE + "]";
        case 'S' -> r = inClass ? NOT_SPACE : "[^" + SPACE + "]";
        case 'v' -> r = inClass ? VERTICAL : "[" + VERTICAL + "]";
        case 'V' -> r = inClass ? NOT_VERTICAL : "[^" + VERTICAL + "]";
        case 'h' -> r = inClass ? HORIZONTAL : "[" + HORIZONTAL + "]";
        case 'H' -> r = inClass ? NOT_HORIZONTAL : "[^" + HORIZONTAL + "]";
        case 'R' -> r = inClass ? "\\R" : "(?:\\r\\n|[" + VERTICAL + "])";
        case 'e' -> r = "\\x1b";
        case 'c' -> {
          if (i >= re.length()) {
            throw new Rejected("\\c at the end of the regex needs a letter after it");
          }
          r = String.format("\\x%02x", re.charAt(i++) ^ 0x40);
        }
        case 'x' -> r = hex();
        case 'p', 'P' -> {
          nonAscii = true; // a Unicode class reaches bytes above 0x7f
          r = "\\" + d + braced();
        }
        default -> r = "\\" + d;
      }
      out.append(r);
      if (!inClass) {
        atom(r.length() > 2 ? 4 : 1);
      }
    }

    /** {@code \xHH} or {@code \x{H…}} (the "\x" already read); notes values above 0x7f. */
    private String hex() {
      String digits;
      String text;
      if (i < re.length() && re.charAt(i) == '{') {
        text = braced();
        digits = text.length() >= 2 ? text.substring(1, text.length() - 1) : "";
      } else {
        int end = i;
        while (end < re.length() && end < i + 2 && Character.digit(re.charAt(end), 16) >= 0) {
          end++;
        }
        text = re.substring(i, end);
        digits = text;
        i = end;
      }
      try {
        if (Integer.parseInt(digits, 16) >= 0x80) {
          nonAscii = true;
        }
      } catch (NumberFormatException e) {
        // RE2/J reports the malformed escape
      }
      return "\\x" + text;
    }

    /** A "{…}" at the current position (consumed), or "" when there is none. */
    private String braced() {
      if (i < re.length() && re.charAt(i) == '{') {
        int close = re.indexOf('}', i);
        int end = close < 0 ? re.length() : close + 1;
        String s = re.substring(i, end);
        i = end;
        return s;
      }
      if (i < re.length()) {
        return String.valueOf(re.charAt(i++)); // \pL: a one-letter class name
      }
      return "";
    }

    private String upTo(char close) {
      int end = re.indexOf(close, i);
      return re.substring(i, end < 0 ? re.length() : end + 1);
    }

    private Rejected unsupported(String construct) {
      return new Rejected(construct + " is not supported: " + WHY);
    }
  }
}

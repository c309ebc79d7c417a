package dev.fim.baseline.select;

import com.google.re2j.FimPrefixProbe;
import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.fim.baseline.AttributeSet;
import dev.fim.store.FileType;
import java.nio.charset.StandardCharsets;

/**
 * One compiled selection line. Besides the regex it keeps the rule's literal prefix (the bytes
 * every match must start with), used to reject most paths with a byte compare before any regex
 * runs, and its directory node (the literal prefix up to its last slash, AIDE's {@code strrxtok}),
 * which orders selective rules and anchors equals rules. The regex runs on RE2/J ({@link Re2Regex}:
 * linear time in the path length). Immutable and thread-safe; matching needs a caller-owned {@link
 * Matcher} from {@link #newMatcher()}.
 *
 * <p>A rule of fim's built-in config ({@link #builtIn}) and a command-line root ({@link #literal})
 * compile their regex when a path first needs it, not when the config is built: the built-in
 * config's 29 compiles were 12-15 ms of every command's start (issue 18), and a path rarely reaches
 * more than a few of them (most are plain literals, decided by their prefix alone). Their regexes
 * are known to compile (DefaultConfigFormTest compiles the built-in ones at build time; a quoted
 * literal always does); a config file's rules are compiled as they are read, so a bad line is
 * reported with its number as before.
 */
final class RegexRule {
  /** The four rule forms of aide.conf(5) "RULES". */
  enum Kind {
    /** {@code /re attrs}: the path and, the regex being a prefix match, everything below it. */
    SELECT("/"),
    /** {@code =/re attrs}: only paths whose parent directory is the rule's directory node. */
    EQUALS("=/"),
    /**
     * {@code !/re}: excludes matching paths; unrestricted, also everything below a matching
     * directory.
     */
    NEGATIVE("!/"),
    /**
     * {@code -/re} (AIDE 0.19 non-recursive negative): excludes matching paths and never enters a
     * matching directory.
     */
    PRUNE("-/");

    final String prefix;

    Kind(String prefix) {
      this.prefix = prefix;
    }

    boolean positive() {
      return this == SELECT || this == EQUALS;
    }
  }

  // PCRE and RE2 agree on these; a quantifier makes the char before it optional.
  private static final String META = ".^$?*+[](){}|\\";

  final Kind kind;

  /** The regex as compiled, ISO-8859-1 text (one char per byte). */
  final String regex;

  final int typeMask;
  final AttributeSet attributes;
  final int line;
  final byte[] literal;
  final boolean pureLiteral;
  final byte[] node;

  /**
   * The config line the rule was written on (file, number, text), for explanations; null for a
   * command-line root.
   */
  final ConfigLine origin;

  /**
   * The compiled regex; null until first needed for a rule built without it ({@link #pattern()}).
   */
  private volatile Pattern pattern;

  /** A command-line root's rule ({@link #literal}): its regex is quoted, compiled as it is. */
  private final boolean quotedLiteral;

  /**
   * @param regex the rule's regex after config unescaping, starting with "/"
   * @param typeMask bits {@code 1 << FileType.ordinal()}, 0 for an unrestricted rule
   * @throws Re2Regex.Rejected for a bad or unsupported regex, with the reason
   */
  RegexRule(Kind kind, String regex, int typeMask, AttributeSet attributes, int line)
      throws Re2Regex.Rejected {
    this(kind, regex, typeMask, attributes, line, (ConfigLine) null);
  }

  RegexRule(
      Kind kind, String regex, int typeMask, AttributeSet attributes, int line, ConfigLine origin)
      throws Re2Regex.Rejected {
    this(kind, regex, typeMask, attributes, line, origin, true);
  }

  /**
   * A rule of fim's built-in config ({@code DefaultConfigForm}), whose regex is compiled when a
   * path first needs it: DefaultConfigFormTest requires every one of them to compile as the parser
   * compiled it.
   */
  static RegexRule builtIn(
      Kind kind, String regex, int typeMask, AttributeSet attributes, int line, ConfigLine origin)
      throws Re2Regex.Rejected {
    return new RegexRule(kind, regex, typeMask, attributes, line, origin, false);
  }

  private RegexRule(
      Kind kind,
      String regex,
      int typeMask,
      AttributeSet attributes,
      int line,
      ConfigLine origin,
      boolean compileNow)
      throws Re2Regex.Rejected {
    this.origin = origin;
    this.kind = kind;
    this.regex = regex;
    this.typeMask = typeMask;
    this.attributes = attributes;
    this.line = line;
    this.quotedLiteral = false;
    // RE2's '.', '^' and '$' know only '\n' as a line end, as PCRE's: '.' matches byte 0x85 (NEL in
    // ISO-8859-1), a common UTF-8 continuation byte.
    if (compileNow) {
      this.pattern = Re2Regex.compile(regex);
    }
    String lit = literalPrefix(regex);
    this.pureLiteral = isPlainLiteral(regex);
    this.literal = lit.getBytes(StandardCharsets.ISO_8859_1);
    this.node = aideNode(regex).getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 1; i < node.length; i++) {
      if (node[i] == '/' && node[i - 1] == '/') {
        throw new Re2Regex.Rejected("invalid double slash");
      }
    }
  }

  /**
   * The rule's node in AIDE's selection tree (seltree.c {@code strrxtok}): the regex up to the last
   * "/" before the first of {@code ( ^ $ ? * [}, backslashes removed (the char after one is taken
   * as it is). Only those six chars end it: {@code .}, {@code +}, <code>{</code> and {@code |} are
   * kept, so {@code /tmp/tmp.x3/tree/d02/.*} belongs to {@code /tmp/tmp.x3/tree/d02} although its
   * regex also matches {@code /tmp/tmpAx3/…} (a path AIDE never tries it on).
   */
  static String aideNode(String regex) {
    StringBuilder p = new StringBuilder(regex);
    if (p.length() == 0) {
      return "/";
    }
    p.setCharAt(0, '/');
    int lastSlash = 1;
    scan:
    for (int i = 1; i < p.length(); i++) {
      switch (p.charAt(i)) {
        case '/':
          lastSlash = i;
          break;
        case '(':
        case '^':
        case '$':
        case '?':
        case '*':
        case '[':
          break scan;
        case '\\':
          p.deleteCharAt(i); // the next char is kept and not looked at
          break;
        default:
          break;
      }
    }
    p.setLength(lastSlash);
    return p.toString();
  }

  /** A rule that matches exactly the paths starting with {@code prefix} (no regex involved). */
  static RegexRule literal(Kind kind, byte[] prefix, AttributeSet attributes) {
    StringBuilder sb = new StringBuilder();
    for (byte b : prefix) {
      sb.append((char) (b & 0xff));
    }
    return new RegexRule(kind, Pattern.quote(sb.toString()), 0, attributes, 0, prefix);
  }

  private RegexRule(
      Kind kind, String quoted, int typeMask, AttributeSet attributes, int line, byte[] prefix) {
    this.origin = null;
    this.kind = kind;
    this.regex = quoted;
    this.typeMask = typeMask;
    this.attributes = attributes;
    this.line = line;
    this.quotedLiteral = true;
    this.literal =
        prefix.clone(); // the pattern (Pattern.quote'd, so it compiles) when first needed
    this.pureLiteral = true;
    int slash = -1;
    for (int i = 0; i < prefix.length; i++) {
      if (prefix[i] == '/') {
        slash = i;
      }
    }
    this.node = slash <= 0 ? new byte[] {'/'} : java.util.Arrays.copyOf(prefix, slash);
  }

  Matcher newMatcher() {
    return pattern().matcher("");
  }

  /**
   * Whether the regex is compiled yet (for the tests: a built-in rule compiles when first needed).
   */
  boolean compiled() {
    return pattern != null;
  }

  /** The compiled regex, compiled now if the rule was built without it. */
  private Pattern pattern() {
    Pattern p = pattern;
    if (p == null) {
      // Two threads may both compile it: the same immutable Pattern either way.
      try {
        p = quotedLiteral ? Pattern.compile(regex) : Re2Regex.compile(regex);
      } catch (Re2Regex.Rejected e) {
        throw new IllegalStateException("built-in config rule " + regex + ": " + e.getMessage(), e);
      }
      pattern = p;
    }
    return p;
  }

  boolean allows(FileType type) {
    return typeMask == 0 || (typeMask & (1 << type.ordinal())) != 0;
  }

  /** True when the rule's regex matches at the start of {@code text} (AIDE's implied "^"). */
  boolean matches(ByteChars text, Matcher m) {
    return text.startsWith(literal) && (pureLiteral || regexMatches(text, m));
  }

  /**
   * {@link #matches} once {@code text} is known to start with {@link #literal} and the rule is not
   * {@link #pureLiteral}: the regex run with {@code m}.
   */
  boolean regexMatches(ByteChars text, Matcher m) {
    m.reset(text);
    return m.lookingAt();
  }

  /**
   * True when some path starting with {@code probe} might match: the regex matches a prefix of it,
   * or its automaton is still alive when the probe ends ({@link FimPrefixProbe}, AIDE's partial
   * match). Never false for a path the rule can match; sometimes true for one it cannot
   * (conservative).
   */
  boolean mayMatchExtensionOf(ByteChars probe) {
    int n = Math.min(probe.length(), literal.length);
    for (int i = 0; i < n; i++) {
      if (probe.byteAt(i) != literal[i]) {
        return false;
      }
    }
    if (probe.length() < literal.length || pureLiteral) {
      return true;
    }
    return FimPrefixProbe.mayMatchExtensionOf(pattern(), probe);
  }

  /** True when the node is {@code dir} or lies below it. */
  boolean nodeIsAtOrBelow(byte[] dir, int dirLen) {
    if (dirLen == 1 && dir[0] == '/') {
      return true;
    }
    if (node.length < dirLen) {
      return false;
    }
    for (int i = 0; i < dirLen; i++) {
      if (node[i] != dir[i]) {
        return false;
      }
    }
    return node.length == dirLen || node[dirLen] == '/';
  }

  /** The canonical line for the digest and for people: {@code kind regex types attrs}. */
  String canonical() {
    return kind.prefix
        + regex.substring(1)
        + "\t"
        + typeMask
        + "\t"
        + Long.toHexString(attributes == null ? 0 : attributes.bits());
  }

  /**
   * The bytes every match starts with: the regex up to its first metacharacter, escapes resolved,
   * minus a char made optional by a following quantifier; empty when the regex has a top-level
   * alternation (each branch may start differently).
   */
  static String literalPrefix(String regex) {
    if (hasTopLevelAlternation(regex)) {
      return "";
    }
    StringBuilder lit = new StringBuilder();
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        if (i + 1 < regex.length() && !Character.isLetterOrDigit(regex.charAt(i + 1))) {
          if (quantifierAt(regex, i + 2)) {
            break;
          }
          lit.append(regex.charAt(++i));
          continue;
        }
        break; // \d, \x41, \Q…: a class or an encoding, not a literal char
      }
      if (META.indexOf(c) >= 0) {
        break;
      }
      if (quantifierAt(regex, i + 1)) {
        break;
      }
      lit.append(c);
    }
    return lit.toString();
  }

  private static boolean quantifierAt(String regex, int i) {
    return i < regex.length() && "?*{".indexOf(regex.charAt(i)) >= 0;
  }

  private static boolean isPlainLiteral(String regex) {
    return literalPrefix(regex).length() + countEscapes(regex) == regex.length();
  }

  private static int countEscapes(String regex) {
    int n = 0;
    for (int i = 0; i < regex.length(); i++) {
      if (regex.charAt(i) == '\\') {
        n++;
        i++;
      }
    }
    return n;
  }

  private static boolean hasTopLevelAlternation(String regex) {
    int depth = 0;
    boolean inClass = false;
    for (int i = 0; i < regex.length(); i++) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i++;
      } else if (inClass) {
        if (c == ']') {
          inClass = false;
        }
      } else if (c == '[') {
        inClass = true;
        if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
          i++; // "[]abc]": a leading ] is literal
        }
      } else if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      } else if (c == '|' && depth == 0) {
        return true;
      }
    }
    return false;
  }
}

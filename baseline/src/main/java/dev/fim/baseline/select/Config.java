package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import dev.fim.baseline.Selector;
import dev.fim.store.PathBytes;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A parsed config: the compiled selection, the attribute groups, fim's options and the digest of
 * the effective selection. Made only by {@link ConfigParser}. Immutable and thread-safe.
 *
 * <p>A final class rather than a record: it holds the compiled selector (a package-private type)
 * and hands out copies of the digest, which a record's public constructor and accessors would not
 * allow.
 */
public final class Config {
  private final String source;
  private final RuleSelector selector;
  private final List<String> rules;
  private final Map<String, AttributeSet> groups;
  private final int hashThreads;
  private final PathBytes sealKey;
  private final byte[] digest;

  Config(
      String source,
      RuleSelector selector,
      List<String> rules,
      Map<String, AttributeSet> groups,
      int hashThreads,
      PathBytes sealKey,
      byte[] digest) {
    this.source = source;
    this.selector = selector;
    this.rules = List.copyOf(rules);
    this.groups = groups;
    this.hashThreads = hashThreads;
    this.sealKey = sealKey;
    this.digest = digest.clone();
  }

  /** The name the config was parsed under (its file name, or {@code <default>}). */
  public String source() {
    return source;
  }

  /** The config's own selection (no command-line paths). */
  public Selector selector() {
    return selector;
  }

  /**
   * The selection for {@code fim init|check|update|watch PATH…}: only paths at or below the given
   * absolute paths; the config decides where it selects something, fim's default group ({@link
   * #defaultGroup()}) where it does not. An empty list means the config's own selection.
   *
   * @throws IllegalArgumentException for a relative path
   */
  public Selector selector(List<PathBytes> commandLinePaths) {
    if (commandLinePaths.isEmpty()) {
      return selector;
    }
    return RestrictedSelector.of(selector, commandLinePaths, Groups.FIM_DEFAULT);
  }

  /**
   * fim's default group, {@code p+ftype+i+n+u+g+s+m+c+l+xattrs+xxh3}: for paths only the command
   * line selects.
   */
  public static AttributeSet defaultGroup() {
    return Groups.FIM_DEFAULT;
  }

  /**
   * SHA-256 over the canonical form of the effective selection ({@link #rules()}, one per line,
   * after a version line): unchanged by comments, blank lines, group renames or macro layout;
   * changed by any rule, restriction or resolved attribute set. Options ({@code hash_threads},
   * {@code seal_key}) are not part of it: they do not change what a baseline contains.
   */
  public byte[] digest() {
    return digest.clone();
  }

  public String digestHex() {
    return HexFormat.of().formatHex(digest);
  }

  /**
   * The effective rules in config order, canonical form: {@code kind+regex TAB type-mask TAB
   * attribute-bits-hex}.
   */
  public List<String> rules() {
    return rules;
  }

  /** Every group known at the end of the config (predefined, then the config's), by name. */
  public Map<String, AttributeSet> groups() {
    return groups;
  }

  /** Hashing threads; 0 (the default) means one per available core. */
  public int hashThreads() {
    return hashThreads;
  }

  /** The HMAC key file sealing the baseline ({@code seal_key=}), or null when unset. */
  public PathBytes sealKey() {
    return sealKey;
  }

  /**
   * Why the config's own selection (no command-line paths) selects {@code path} or not, judged as
   * {@code type}: the rule that governs it, the negative rule that drops it, whether the walk
   * reaches it ({@code fim config check}).
   *
   * @throws IllegalArgumentException for a relative path
   */
  public Explanation explain(PathBytes path, dev.fim.store.FileType type) {
    return selector.explain(path, type);
  }

  /**
   * Rule counts by kind ({@code selective}, {@code equals}, {@code negative}, {@code non-recursive
   * negative}), config order of kinds.
   */
  public Map<String, Integer> ruleCounts() {
    Map<String, Integer> out = new java.util.LinkedHashMap<>();
    for (String k : List.of("selective", "equals", "negative", "non-recursive negative")) {
      out.put(k, 0);
    }
    for (String r : rules) {
      String k =
          r.startsWith("=/")
              ? "equals"
              : r.startsWith("!/")
                  ? "negative"
                  : r.startsWith("-/") ? "non-recursive negative" : "selective";
      out.merge(k, 1, Integer::sum);
    }
    return out;
  }

  @Override
  public String toString() {
    return "Config[" + source + ", " + rules.size() + " rules, digest " + digestHex() + "]";
  }
}

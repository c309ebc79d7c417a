package dev.fim.baseline.select;

import dev.fim.baseline.AttributeSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GENERATED from default.conf by DefaultConfigFormTest, which requires it to be that
 * parse; do not edit (regenerate: see that test). fim's built-in config, parsed: the
 * rules as the parser built them, the groups, the options and the digest of the
 * selection, so that a command without a config does not read, parse and hash the text
 * at every start (issue 18). Code in fim's own jar, as the parser and the text are.
 */
final class DefaultConfigForm {
  private static final String SOURCE = "<default>";

  private static final int HASH_THREADS = 0;

  /** SHA-256 of the selection's canonical form (Config#digest). */
  private static final String DIGEST = "63ef548be1b16e6031b3182a0f9d08d59079ba1cb24132d2e8d46c12322ab3e6";

  /** Every group at the end of the config, in order: name, attribute bits (hex). */
  private static final String[] GROUPS = {
    "X", "1e000",
    "R", "3fa7f",
    "L", "1f03f",
    ">", "11f07f",
    "H", "e0000",
    "E", "0",
    "NORMAL", "23a7f",
    "normal", "23a7f",
    "BIN", "23a7f",
    "VARFILE", "3033",
    "LOG", "11f07f",
  };

  /**
   * The rules in config order: kind, line number, type mask, attribute bits (hex; "-"
   * for none), regex, the line as written (ISO-8859-1, one char per byte).
   */
  private static final String[][] RULES = {
    {"SELECT", "37", "0", "23a7f", "/boot", "/boot           BIN"},
    {"SELECT", "38", "0", "23a7f", "/etc", "/etc            BIN"},
    {"SELECT", "39", "0", "23a7f", "/bin", "/bin            BIN"},
    {"SELECT", "40", "0", "23a7f", "/sbin", "/sbin           BIN"},
    {"SELECT", "41", "0", "23a7f", "/lib", "/lib            BIN"},
    {"SELECT", "42", "0", "23a7f", "/lib32", "/lib32          BIN"},
    {"SELECT", "43", "0", "23a7f", "/lib64", "/lib64          BIN"},
    {"SELECT", "44", "0", "23a7f", "/libx32", "/libx32         BIN"},
    {"SELECT", "45", "0", "23a7f", "/usr", "/usr            BIN"},
    {"SELECT", "46", "0", "23a7f", "/opt", "/opt            BIN"},
    {"SELECT", "49", "0", "23a7f", "/var/spool/cron", "/var/spool/cron BIN"},
    {"SELECT", "50", "0", "23a7f", "/root/\\.ssh", "/root/\\.ssh     BIN"},
    {"SELECT", "53", "1", "11f07f", "/var/log", "/var/log        f LOG"},
    {"SELECT", "57", "0", "3033", "/boot/grub/grubenv$", "/boot/grub/grubenv$       VARFILE"},
    {"SELECT", "58", "0", "3033", "/boot/grub2/grubenv$", "/boot/grub2/grubenv$      VARFILE"},
    {"SELECT", "60", "0", "3033", "/etc/resolv\\.conf$", "/etc/resolv\\.conf$        VARFILE"},
    {"NEGATIVE", "63", "0", "-", "/proc$", "!/proc$"},
    {"NEGATIVE", "64", "0", "-", "/sys$", "!/sys$"},
    {"NEGATIVE", "65", "0", "-", "/dev$", "!/dev$"},
    {"NEGATIVE", "66", "0", "-", "/run$", "!/run$"},
    {"NEGATIVE", "68", "0", "-", "/tmp$", "!/tmp$"},
    {"NEGATIVE", "69", "0", "-", "/var/tmp$", "!/var/tmp$"},
    {"NEGATIVE", "70", "0", "-", "/var/cache$", "!/var/cache$"},
    {"NEGATIVE", "72", "0", "-", "/var/lib/fim$", "!/var/lib/fim$"},
    {"NEGATIVE", "74", "0", "-", "/etc/mtab$", "!/etc/mtab$"},
    {"NEGATIVE", "75", "0", "-", "/etc/adjtime$", "!/etc/adjtime$"},
    {"NEGATIVE", "77", "0", "-", "/var/log/.*\\.[0-9]+(\\.gz|\\.xz|\\.zst)?$", "!/var/log/.*\\.[0-9]+(\\.gz|\\.xz|\\.zst)?$"},
    {"NEGATIVE", "78", "0", "-", "/var/log/.*\\.(gz|xz|zst|old)$", "!/var/log/.*\\.(gz|xz|zst|old)$"},
    {"NEGATIVE", "79", "0", "-", "/var/log/journal$", "!/var/log/journal$"},
  };

  private DefaultConfigForm() {}

  /** A new Config equal to the parse of default.conf. */
  static Config config() {
    Map<String, AttributeSet> groups = new LinkedHashMap<>();
    for (int i = 0; i < GROUPS.length; i += 2) {
      groups.put(GROUPS[i], AttributeSet.ofBits(Long.parseUnsignedLong(GROUPS[i + 1], 16)));
    }
    List<RegexRule> rules = new ArrayList<>(RULES.length);
    List<String> canonical = new ArrayList<>(RULES.length);
    for (String[] r : RULES) {
      int line = Integer.parseInt(r[1]);
      AttributeSet attributes =
          r[3].equals("-") ? null : AttributeSet.ofBits(Long.parseUnsignedLong(r[3], 16));
      RegexRule rule;
      try {
        rule =
            RegexRule.builtIn(
                RegexRule.Kind.valueOf(r[0]),
                r[4],
                Integer.parseInt(r[2]),
                attributes,
                line,
                new ConfigLine(SOURCE, line, r[5]));
      } catch (Re2Regex.Rejected e) {
        throw new IllegalStateException("default config: " + r[5] + ": " + e.getMessage(), e);
      }
      rules.add(rule);
      canonical.add(rule.canonical());
    }
    return new Config(
        SOURCE,
        new RuleSelector(rules),
        canonical,
        Collections.unmodifiableMap(groups),
        HASH_THREADS,
        null,
        HexFormat.of().parseHex(DIGEST));
  }
}

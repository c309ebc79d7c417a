package dev.fim.baseline.select;

import static dev.fim.baseline.select.Configs.group;
import static dev.fim.baseline.select.Configs.path;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.FileType;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The precedence table, in the manner of AIDE's tests/check_seltree.c: rule lines, then rows of
 * (path, file type, expected group or "-" for not selected). The first ten blocks are AIDE's own
 * cases (its EQUAL/SELECTIVE results are "selected", NO/PARTIAL results are "-").
 */
class SelectionPrecedenceTest {
  private static final FileType D = FileType.DIRECTORY;
  private static final FileType F = FileType.FILE;
  private static final FileType B = FileType.BLOCK_DEVICE;

  private record Row(String path, FileType type, String expected) {}

  private static Row row(String path, FileType type, String expected) {
    return new Row(path, type, expected);
  }

  private static final List<Arguments> CASES = new ArrayList<>();

  private static void table(String name, String rules, Row... rows) {
    for (Row r : rows) {
      CASES.add(Arguments.of(name, rules, r.path(), r.type(), r.expected()));
    }
  }

  static {
    String devTree = "AIDE test_unrestricted";
    table(
        devTree + "_equal_rule",
        "=/dev R",
        row("/", D, "-"),
        row("/dev", D, "R"),
        row("/dev/sda", B, "-"),
        row("/dev/pts", D, "-"),
        row("/dev/pts/0", B, "-"));
    table(
        devTree + "_equal_rule_slash",
        "=/dev/ R",
        row("/", D, "-"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "R"),
        row("/dev/pts", D, "R"),
        row("/dev/pts/0", B, "-"));
    table(
        devTree + "_negative_rule_eol",
        "!/dev$\n/ R",
        row("/", D, "R"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "-"),
        row("/dev/pts", D, "-"),
        row("/dev/pts/0", B, "-"));
    table(
        devTree + "_negative_rule",
        "!/dev\n/ R",
        row("/", D, "R"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "-"),
        row("/dev/pts", D, "-"),
        row("/dev/pts/0", B, "-"));
    table(
        devTree + "_deep_selective_rule",
        "/dev/.*/[0-9] R",
        row("/", D, "-"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "-"),
        row("/dev/pts", D, "-"),
        row("/dev/pts/0", B, "R"));
    String restricted = "AIDE test_f_type_restricted";
    table(
        restricted + "_equal_rule",
        "=/dev d R",
        row("/", D, "-"),
        row("/dev", D, "R"),
        row("/dev/sda", B, "-"),
        row("/dev/pts", D, "-"),
        row("/dev/pts/0", B, "-"));
    table(
        restricted + "_equal_rule_slash",
        "=/dev/ d R",
        row("/", D, "-"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "-"),
        row("/dev/pts", D, "R"),
        row("/dev/pts/0", B, "-"));
    table(
        restricted + "_negative_rule_eol",
        "!/dev$ d\n/ R",
        row("/", D, "R"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "R"),
        row("/dev/pts", D, "R"),
        row("/dev/pts/0", B, "R"));
    table(
        restricted + "_negative_rule",
        "!/dev d\n/ R",
        row("/", D, "R"),
        row("/dev", D, "-"),
        row("/dev/sda", B, "R"),
        row("/dev/pts", D, "-"),
        row("/dev/pts/0", B, "R"));
    table(
        restricted + "_deep_selective_rule",
        "/dev/.*/[0-9] b R",
        row("/dev/pts", B, "-"),
        row("/dev/pts/0", B, "R"),
        row("/dev/pts/0", F, "-"));

    // fim's precedence, beyond AIDE's table
    table(
        "deepest node wins, whatever the order",
        "/usr/bin L\n/usr R",
        row("/usr/bin/ls", F, "L"),
        row("/usr/lib/libc.so", F, "R"),
        row("/usr", D, "R"),
        row("/usr/bin", D, "L"));
    table(
        "deepest node wins, reversed order",
        "/usr R\n/usr/bin L",
        row("/usr/bin/ls", F, "L"),
        row("/usr/lib/libc.so", F, "R"));
    table(
        "first match within one node",
        "/etc/ssh L\n/etc/s R",
        row("/etc/ssh/sshd_config", F, "L"),
        row("/etc/sudoers", F, "R"));
    table(
        "first match within one node, reversed",
        "/etc/s R\n/etc/ssh L",
        row("/etc/ssh/sshd_config", F, "R"));
    table(
        "equals of the parent directory beats selective rules",
        "=/etc/ L\n/etc/ssh R",
        row("/etc/ssh", D, "L"),
        row("/etc/ssh/sshd_config", F, "R"),
        row("/etc/hosts", F, "L"),
        row("/etc", D, "-"));
    table(
        "equals matches by prefix like AIDE (=/foo also takes /foobar)",
        "=/foo R",
        row("/foo", D, "R"),
        row("/foobar", F, "R"),
        row("/foo/x", F, "-"));
    table(
        "negative wins, placed after",
        "/etc R\n!/etc/shadow$",
        row("/etc/shadow", F, "-"),
        row("/etc/shadow-", F, "R"),
        row("/etc/passwd", F, "R"));
    table(
        "negative wins, placed before",
        "!/etc/shadow$\n/etc R",
        row("/etc/shadow", F, "-"),
        row("/etc/shadow-", F, "R"));
    table(
        "negative in a shallower node excludes the deeper subtree",
        "!/var/lib$\n/var/lib/dpkg R\n/var R",
        row("/var/lib/dpkg/status", F, "-"),
        row("/var/lib", D, "-"),
        row("/var/log/x", F, "R"));
    table(
        "restricted rule is skipped for other types (manual: specific rule for directories)",
        "DIRS = R-m-c-i\n/run d DIRS\n/run R",
        row("/run", D, "DIRS"),
        row("/run/x", F, "R"),
        row("/run/sub", D, "DIRS"));
    table(
        "restricted negative excludes only that type (manual: all but directory entries)",
        "!/run d\n/run R",
        row("/run", D, "-"),
        row("/run/sub", D, "-"),
        row("/run/sub/f", F, "R"),
        row("/run/x", F, "R"));
    table(
        "growing log files",
        "/var/log f >",
        row("/var/log", D, "-"),
        row("/var/log/apt", D, "-"),
        row("/var/log/syslog", F, ">"),
        row("/var/log/apt/history.log", F, ">"),
        row("/var/log/lastlog", FileType.SYMLINK, "-"));
    table(
        "several types in one restriction",
        "/x f,d R\n/x L",
        row("/x", D, "R"),
        row("/x/f", F, "R"),
        row("/x/l", FileType.SYMLINK, "L"),
        row("/x/s", FileType.SOCKET, "L"));
    table(
        "0 means unrestricted",
        "/x 0 R",
        row("/x/p", FileType.FIFO, "R"),
        row("/x/u", FileType.UNKNOWN, "R"));
    table(
        "Solaris-only types never match",
        "/x D L\n/x R",
        row("/x/y", F, "R"),
        row("/x/u", FileType.UNKNOWN, "R"));
    table(
        "non-recursive negative (-/) with a type also prunes the subtree",
        "-/var/spool d\n/var R",
        row("/var/spool", D, "-"),
        row("/var/spool/cron/root", F, "-"),
        row("/var/spoolfile", F, "R"));
    table(
        "negative with $ excludes the directory and its subtree, not its siblings",
        "!/x/y$\n/x R",
        row("/x/y", D, "-"),
        row("/x/y/z", F, "-"),
        row("/x/yz", F, "R"));
    table(
        "top-level alternation",
        "/etc/(passwd|group)$ L\n/usr|/opt R",
        row("/etc/passwd", F, "L"),
        row("/etc/group", F, "L"),
        row("/etc/hosts", F, "-"),
        // AIDE files "/usr|/opt" under node "/usr|" (strrxtok stops only at ( ^ $ ? * [): never
        // tried.
        row("/usr/bin", D, "-"),
        row("/opt/x", F, "-"));
    // issue 14: a "." in a directory name does not end a rule's node (AIDE's strrxtok stops only at
    // ( ^ $ ? * [), so the deeper rule wins on a tree like /tmp/tmp.x3/tree, as in aide 0.18.3.
    table(
        "issue14 dot in the tree's path: the deeper node wins",
        "/tmp/tmp.x3/tree R\n/tmp/tmp.x3/tree/d02/.*\\.txt$ L",
        row("/tmp/tmp.x3/tree/d02/a.txt", F, "L"),
        row("/tmp/tmp.x3/tree/d02/a.log", F, "R"),
        row("/tmp/tmp.x3/tree/d01/a.txt", F, "R"),
        // a path the regexes match but off the nodes' way: never tried
        row("/tmp/tmpAx3/tree/d02/a.txt", F, "-"));
    // + and { stay in the node: the rule hangs on /a/b+c, a directory its regex cannot match, so
    // AIDE never applies it (its regex matches /a/bbc/d, which is off that node's way).
    table(
        "issue14 + and { stay in the node",
        "/a R\n/a/b+c/d L\n/a/x{2}/.* L",
        row("/a/b+c/d", F, "R"),
        row("/a/bbc/d", F, "R"),
        row("/a/x{2}/f", F, "R"),
        row("/a/xx/f", F, "R"));
    table(
        "issue14 a rule's negatives apply only on its node's way",
        "/t R\n!/t/a.b/x",
        row("/t/a.b/x", F, "-"),
        row("/t/aAb/x", F, "R"));
    table(
        "issue14 escaped metachar in a parent component: AIDE never reaches the node",
        "/t R\n/t/a\\*b/c\\*d/e L",
        row("/t/a*b/c*d/e", F, "R"));
    table("no rules", "# nothing", row("/", D, "-"), row("/etc", D, "-"));
  }

  static Stream<Arguments> cases() {
    return CASES.stream();
  }

  @ParameterizedTest(name = "{0}: {2} ({3}) -> {4}")
  @MethodSource("cases")
  void selects(String name, String rules, String path, FileType type, String expected) {
    Config c = Configs.of(rules);
    assertEquals(
        group(c, expected), c.selector().select(path(path), type), rules.replace('\n', ';'));
  }
}

package dev.fim.auditlink.rules;

import dev.fim.auditlink.kernel.Arch;
import dev.fim.store.sys.AccountFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What the rule compiler needs from the host, passed in so that the compiler itself reads nothing
 * (laurel's config → settings split). Immutable when the predicate is.
 *
 * @param machine the machine's arch: used for {@code -S} names when a rule has no {@code -F arch=},
 *     and to resolve {@code b64}/{@code b32} (auditctl uses the running machine)
 * @param users user name → uid, for {@code -F uid=root}; numbers always work without it
 * @param groups group name → gid, for {@code -F gid=wheel}
 * @param isDirectory for {@code -w PATH}: auditctl stat()s the path and installs {@code AUDIT_DIR}
 *     for a directory, {@code AUDIT_WATCH} otherwise. A path written with a trailing {@code /} is
 *     always treated as a directory.
 */
public record RuleSettings(
    Arch machine,
    Map<String, Integer> users,
    Map<String, Integer> groups,
    Predicate<String> isDirectory) {

  public RuleSettings {
    Objects.requireNonNull(machine, "machine");
    users = Map.copyOf(users);
    groups = Map.copyOf(groups);
    Objects.requireNonNull(isDirectory, "isDirectory");
  }

  /**
   * Settings that depend on nothing but the arch: numeric ids only, no path is a directory unless
   * written with '/'.
   */
  public static RuleSettings of(Arch machine) {
    return new RuleSettings(machine, Map.of(), Map.of(), path -> false);
  }

  /** The same settings for another machine arch (a golden made on another machine). */
  public RuleSettings withMachine(Arch other) {
    return new RuleSettings(other, users, groups, isDirectory);
  }

  /**
   * Settings of this host: {@code os.arch}, {@code /etc/passwd}, {@code /etc/group} (as auditctl's
   * getpwnam/getgrnam see them without NSS modules) and stat() of watch paths.
   *
   * @throws IOException when passwd or group cannot be read
   */
  public static RuleSettings host() throws IOException {
    Arch arch = Arch.fromMachineName(System.getProperty("os.arch", "x86_64")).orElse(Arch.X86_64);
    return new RuleSettings(
        arch,
        ids(AccountFile.read(AccountFile.PASSWD)),
        ids(AccountFile.read(AccountFile.GROUP)),
        RuleSettings::isHostDirectory);
  }

  /** name → id of a passwd or group file; the first entry of a name wins, as getpwnam's does. */
  static Map<String, Integer> ids(List<AccountFile.Entry> entries) {
    Map<String, Integer> ids = new HashMap<>();
    AccountFile.idsByName(entries)
        .forEach((name, id) -> ids.put(name, (int) (long) id)); // a u32 id, as the kernel's
    return ids;
  }

  private static boolean isHostDirectory(String path) {
    try {
      return Files.isDirectory(Path.of(path)); // stat(2) follows symlinks, as auditctl's does
    } catch (InvalidPathException e) {
      return false; // unrepresentable in this locale: auditctl would not find it either
    }
  }
}

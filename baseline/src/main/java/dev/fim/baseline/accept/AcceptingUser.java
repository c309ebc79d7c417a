package dev.fim.baseline.accept;

import dev.fim.store.Actor;
import dev.fim.store.sys.AccountFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Who runs {@code fim accept}: the login user ({@code /proc/self/loginuid}, the audit uid that
 * survives sudo and su, as the kernel keeps it) and the effective uid, each with its name from
 * {@code /etc/passwd}.
 *
 * @param auid login uid, or {@link Actor#UNSET_ID} (no login session: cron, a service)
 * @param auidName its name, or null when passwd has none
 * @param uid effective uid
 * @param uidName its name, or null
 */
public record AcceptingUser(long auid, String auidName, long uid, String uidName) {
  /** This process's user, from {@code /proc/self/loginuid} and {@code /etc/passwd}. */
  public static AcceptingUser current() {
    long uid = new com.sun.security.auth.module.UnixSystem().getUid();
    return of(Path.of("/proc/self/loginuid"), AccountFile.PASSWD, uid);
  }

  /**
   * As {@link #current()} from the given files (tests). A missing or unreadable loginuid counts as
   * unset.
   */
  static AcceptingUser of(Path loginuid, Path passwd, long uid) {
    long auid = Actor.UNSET_ID;
    try {
      auid = Long.parseLong(Files.readString(loginuid, StandardCharsets.US_ASCII).trim());
    } catch (IOException | NumberFormatException e) {
      // No audit support in the kernel (no loginuid file) or an odd value: the login user is
      // unknown, as unset.
    }
    Map<Long, String> names = names(passwd);
    return new AcceptingUser(
        auid, auid == Actor.UNSET_ID ? null : names.get(auid), uid, names.get(uid));
  }

  /** uid → name; the first entry of a uid wins, as getpwuid's does. */
  private static Map<Long, String> names(Path passwd) {
    try {
      return AccountFile.namesById(AccountFile.read(passwd));
    } catch (IOException e) {
      // Without passwd the ids stand alone (the approval keeps the numbers either way).
      return Map.of();
    }
  }
}

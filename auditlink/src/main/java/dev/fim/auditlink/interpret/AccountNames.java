package dev.fim.auditlink.interpret;

import dev.fim.store.sys.AccountFile;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * uid → user name and gid → group name, read once from an {@link AccountSource} on first use and
 * cached. A source that fails to read leaves the maps empty, and the failure is kept in {@link
 * #loadError()} rather than thrown: interpretation then shows numbers, as ausearch does for an
 * unknown id. Thread-safe (synchronized lazy load).
 */
final class AccountNames {
  private final AccountSource source;
  private Map<Long, String> users;
  private Map<Long, String> groups;
  private Map<String, Long> userIds;
  private String loadError;

  AccountNames(AccountSource source) {
    this.source = source;
  }

  synchronized String user(long uid) {
    load();
    return users.get(uid);
  }

  /** The uid of a user name (the lowest, if passwd lists the name twice), or null. */
  synchronized Long uidOf(String name) {
    load();
    return userIds.get(name);
  }

  synchronized String group(long gid) {
    load();
    return groups.get(gid);
  }

  synchronized String loadError() {
    load();
    return loadError;
  }

  private void load() {
    if (users != null) {
      return;
    }
    users = new HashMap<>();
    userIds = new HashMap<>();
    groups = new HashMap<>();
    try {
      users.putAll(AccountFile.namesById(AccountFile.parse(source.passwd())));
      for (Map.Entry<Long, String> u : users.entrySet()) {
        Long known = userIds.get(u.getValue());
        if (known == null || u.getKey() < known) userIds.put(u.getValue(), u.getKey());
      }
    } catch (IOException e) {
      loadError = "passwd: " + e.getMessage();
    }
    try {
      groups.putAll(AccountFile.namesById(AccountFile.parse(source.group())));
    } catch (IOException e) {
      loadError = (loadError == null ? "" : loadError + "; ") + "group: " + e.getMessage();
    }
  }
}

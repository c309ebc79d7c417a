package dev.fim.auditlink.interpret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * uid → user name and gid → group name, read once from an {@link AccountSource} on first use
 * and cached. A source that fails to read leaves the maps empty, and the failure is kept in
 * {@link #loadError()} rather than thrown: interpretation then shows numbers, as ausearch does
 * for an unknown id. Thread-safe (synchronized lazy load).
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
            parse(source.passwd(), users);
            for (Map.Entry<Long, String> u : users.entrySet()) {
                Long known = userIds.get(u.getValue());
                if (known == null || u.getKey() < known) userIds.put(u.getValue(), u.getKey());
            }
        } catch (IOException e) {
            loadError = "passwd: " + e.getMessage();
        }
        try {
            parse(source.group(), groups);
        } catch (IOException e) {
            loadError = (loadError == null ? "" : loadError + "; ") + "group: " + e.getMessage();
        }
    }

    /** passwd(5) and group(5) share the shape {@code name:x:ID:…}; the first entry for an id wins. */
    private static void parse(byte[] file, Map<Long, String> into) {
        String text = new String(file, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.isEmpty() || line.charAt(0) == '#') continue;
            String[] parts = line.split(":", 4);
            if (parts.length < 3 || parts[0].isEmpty()) continue;
            try {
                into.putIfAbsent(Long.parseLong(parts[2].trim()), parts[0]);
            } catch (NumberFormatException ignored) {
                // A malformed line names nobody; the rest of the file still counts.
            }
        }
    }
}

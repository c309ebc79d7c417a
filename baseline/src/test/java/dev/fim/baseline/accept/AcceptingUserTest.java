package dev.fim.baseline.accept;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fim.store.Actor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AcceptingUser}: the login uid and names as /proc and passwd give them, and what is
 * missing.
 */
class AcceptingUserTest {
  @TempDir Path tmp;

  @Test
  void loginUidAndEffectiveUidWithTheirPasswdNames() throws Exception {
    Path loginuid = Files.writeString(tmp.resolve("loginuid"), "1001");
    Path passwd =
        Files.writeString(
            tmp.resolve("passwd"),
            "root:x:0:0::/root:/bin/sh\nbroken line\nalice:x:1001:1001::/home/alice:/bin/sh\nalias:x:1001:1:::\n");
    assertEquals(
        new AcceptingUser(1001, "alice", 0, "root"), AcceptingUser.of(loginuid, passwd, 0));
  }

  @Test
  void unsetOrMissingLoginUidAndUnknownNames() throws Exception {
    Path unset = Files.writeString(tmp.resolve("loginuid"), "4294967295");
    Path passwd = Files.writeString(tmp.resolve("passwd"), "root:x:0:0::/root:/bin/sh\n");
    assertEquals(
        new AcceptingUser(Actor.UNSET_ID, null, 0, "root"), AcceptingUser.of(unset, passwd, 0));
    assertEquals(
        new AcceptingUser(Actor.UNSET_ID, null, 7, null),
        AcceptingUser.of(tmp.resolve("none"), tmp.resolve("nopasswd"), 7),
        "no audit in the kernel, no passwd");
  }

  /**
   * A commented-out account names nobody: fim accept must record the name the rule compiler and
   * {@code audit search} give the same uid (before the one AccountFile reader, this reader took
   * {@code #olduser} for uid 1001).
   */
  @Test
  void aCommentedOutAccountNamesNobody() throws Exception {
    Path loginuid = Files.writeString(tmp.resolve("loginuid"), "1001");
    Path passwd =
        Files.writeString(
            tmp.resolve("passwd"),
            "#olduser:x:1001:1001::/home/old:/bin/sh\nroot:x:0:0::/root:/bin/sh\nalice:x:1001:1001::/home/alice:/bin/sh\n");
    assertEquals(
        new AcceptingUser(1001, "alice", 0, "root"), AcceptingUser.of(loginuid, passwd, 0));
  }
}

package dev.fim.store.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link AccountFile}: the one passwd/group reader; what it takes, what it skips, which entry wins.
 */
class AccountFileTest {
  private static List<AccountFile.Entry> parse(String text) {
    return AccountFile.parse(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void commentsBlankAndMalformedLinesNameNobody() {
    List<AccountFile.Entry> e =
        parse(
            "root:x:0:0:root:/root:/bin/bash\n\n# alice:x:1:1::/:/x\n#bob:x:2:2::/:/x\n"
                + "broken line\n:x:3:3::/:/x\nneg:x:-1:1::/:/x\nbig:x:4294967296:1::/:/x\nword:x:ten:1::/:/x\n"
                + "nobody:x:65534:65534::/:/x\nmax:x:4294967295:1::/:/x\n");
    assertEquals(
        List.of(
            new AccountFile.Entry("root", 0),
            new AccountFile.Entry("nobody", 65534),
            new AccountFile.Entry("max", 4294967295L)),
        e);
  }

  @Test
  void groupLinesHaveTheSameShape() {
    assertEquals(List.of(new AccountFile.Entry("wheel", 10)), parse("wheel:x:10:alice,bob"));
  }

  @Test
  void theFirstEntryWinsInEachDirection() {
    List<AccountFile.Entry> e =
        parse("alice:x:1001:1::/:/x\nalias:x:1001:1::/:/x\nalice:x:5:5::/:/x\n");
    assertEquals(Map.of(1001L, "alice", 5L, "alice"), AccountFile.namesById(e), "getpwuid");
    assertEquals(Map.of("alice", 1001L, "alias", 1001L), AccountFile.idsByName(e), "getpwnam");
  }

  @Test
  void nonUtf8BytesDoNotStopTheRest() {
    byte[] file = {
      'o', (byte) 0xff, ':', 'x', ':', '7', ':', '7', '\n', 'r', ':', 'x', ':', '8', ':', '8', '\n'
    };
    List<AccountFile.Entry> e = AccountFile.parse(file);
    assertEquals(2, e.size());
    assertEquals("r", e.get(1).name());
  }
}

package dev.fim.engine.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.InputStream;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@link BuildInfo}: the facts compiled in ({@link BuildStamp}) are the build's. */
class BuildInfoTest {
  /** The compiled-in stamp and the resource the same build step writes say the same. */
  @Test
  void theCompiledStampIsTheBuildsVersionCommitAndTime() throws Exception {
    Properties built = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(BuildInfo.RESOURCE)) {
      assertNotNull(in, "the build wrote no " + BuildInfo.RESOURCE);
      built.load(in);
    }
    assertEquals(BuildInfo.value(built.getProperty("version")), BuildInfo.VERSION);
    assertEquals(BuildInfo.value(built.getProperty("commit")), BuildInfo.COMMIT);
    assertEquals(BuildInfo.value(built.getProperty("built")), BuildInfo.BUILT);
    assertEquals(
        "fim "
            + BuildInfo.VERSION
            + " (commit "
            + BuildInfo.COMMIT
            + ", built "
            + BuildInfo.BUILT
            + ")",
        BuildInfo.describe());
  }

  /** A placeholder the build did not replace (an IDE's class path) is said as unknown. */
  @Test
  void anUnreplacedPlaceholderIsUnknown() {
    assertEquals("unknown", BuildInfo.value("${fim.commit}"));
    assertEquals("unknown", BuildInfo.value(" "));
    assertEquals("0.1.0", BuildInfo.value("0.1.0\n"));
  }
}

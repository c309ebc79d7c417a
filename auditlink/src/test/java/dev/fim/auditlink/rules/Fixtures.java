package dev.fim.auditlink.rules;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves the peer fixtures (this module's {@code src/test/resources}, system property {@code fim.fixtures} set
 * by the parent pom) and fails with the missing file's name instead of a bare NoSuchFileException.
 */
final class Fixtures {
    private Fixtures() {
    }

    /** The fixtures root directory. */
    static Path root() {
        String dir = System.getProperty("fim.fixtures");
        if (dir == null) {
            fail("system property fim.fixtures is not set (the parent pom sets it to "
                    + "${maven.multiModuleProjectDirectory}/auditlink/src/test/resources)");
        }
        Path root = Path.of(dir).normalize();
        if (!Files.isDirectory(root)) {
            fail("fixtures directory " + root + " does not exist (fim.fixtures=" + dir + ")");
        }
        return root;
    }

    /** A file or directory under the fixtures root, which must exist. */
    static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            fail("missing fixture " + relative + " (looked for " + p + ")");
        }
        return p;
    }
}

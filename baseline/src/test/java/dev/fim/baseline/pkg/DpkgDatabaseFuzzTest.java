package dev.fim.baseline.pkg;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fim.store.FileType;
import dev.fim.store.PackageOrigin;
import dev.fim.store.PathBytes;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzz target for the dpkg database reader: any bytes as {@code status}, {@code diversions}, a
 * {@code .list} and its {@code .md5sums} give an answer (an owner, verified or not, or none) —
 * never an exception or a hang — and a file whose content differs from every MD5 the package could
 * record is never verified.
 */
class DpkgDatabaseFuzzTest {
  @FuzzTest(maxDuration = "30s")
  @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void answersWithoutFailing(FuzzedDataProvider data) throws Exception {
    Path root = Files.createTempDirectory("fim-dpkg-fuzz-");
    try {
      Path info = Files.createDirectories(root.resolve("info"));
      Path file = Files.writeString(root.resolve("file"), "content that no input names\n");
      String name = "p" + (data.consumeInt(0, 3) == 0 ? ":amd64" : "");
      Files.write(root.resolve("status"), data.consumeBytes(2048));
      if (data.consumeBoolean()) {
        Files.write(root.resolve("diversions"), data.consumeBytes(512));
      }
      byte[] list = data.consumeBytes(2048);
      Files.write(
          info.resolve(name + ".list"), data.consumeBoolean() ? withPath(list, file) : list);
      Files.write(info.resolve(name + ".md5sums"), data.consumeRemainingAsBytes());
      try (PackageDatabase db = new PackageDatabase(root)) {
        PackageOrigin p = db.verify(PathBytes.ofUtf8(file.toString()), FileType.FILE);
        if (p != null) {
          // the content's MD5 (d41d… is the empty file's) is nowhere in the input: never verified
          assertNotEquals(Boolean.TRUE, p.verified(), p.toString());
        }
        db.owner(PathBytes.ofUtf8("/"));
        db.owner(PathBytes.of(list));
      }
    } finally {
      try (var walk = Files.walk(root)) {
        walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static byte[] withPath(byte[] list, Path file) {
    byte[] line = ("\n" + file + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = java.util.Arrays.copyOf(list, list.length + line.length);
    System.arraycopy(line, 0, out, list.length, line.length);
    return out;
  }
}

package dev.fim.cli.ship;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * bench/ship.sh's cluster: {@link EmbeddedOpenSearch} in a JVM of its own. Writes the node's URL to
 * the file given as argument once it serves, then runs until SIGTERM, which closes the node and
 * removes its temporary home.
 */
public final class StandaloneOpenSearch {
  private StandaloneOpenSearch() {}

  public static void main(String[] args) throws Exception {
    EmbeddedOpenSearch os = EmbeddedOpenSearch.start();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    os.close();
                    EmbeddedOpenSearch.delete(os.home());
                  } catch (Exception e) {
                    e.printStackTrace();
                  }
                }));
    Path tmp = Path.of(args[0] + ".tmp");
    Files.writeString(tmp, os.uri() + "\n");
    Files.move(tmp, Path.of(args[0]), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    Thread.currentThread().join();
  }
}

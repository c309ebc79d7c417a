package dev.fim.cli.report;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Set;

/**
 * A report's new files (its temporary output, its body spill) under random names in a directory
 * others may write: each is created by its caller in one step that refuses a name already there,
 * and another random name is tried then (as {@code Files.createTempFile} draws them).
 */
final class FreshFile {
  /** The new files' mode: their owner alone, as {@code Files.createTempFile} made them. */
  static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Makes the file {@code name}, throwing {@link FileAlreadyExistsException} when it exists. */
  interface Create<T> {
    T at(Path name) throws IOException;
  }

  private FreshFile() {}

  /**
   * {@code create} of {@code prefix}, a random number and {@code suffix} in {@code dir}; another
   * number when that name exists, up to 100 times (then the last {@link
   * FileAlreadyExistsException}).
   */
  static <T> T named(Path dir, String prefix, String suffix, Create<T> create) throws IOException {
    for (int attempt = 0; ; attempt++) {
      try {
        return create.at(dir.resolve(prefix + Long.toUnsignedString(RANDOM.nextLong()) + suffix));
      } catch (FileAlreadyExistsException e) {
        if (attempt == 100) {
          throw e;
        }
      }
    }
  }
}

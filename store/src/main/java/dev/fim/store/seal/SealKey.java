package dev.fim.store.seal;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The secret that keys the seal: 32 random bytes in a 0600 file. {@code fim init} creates it
 * when missing; every later command only reads it. Keep it outside the watched trees (its hash
 * would otherwise sit in the very baseline it protects) and, for adversarial settings, on
 * read-only or offline media.
 */
public final class SealKey {
  static final int LENGTH = 32;
  private final byte[] key;
  private final Path file;

  private SealKey(Path file, byte[] key) {
    this.file = file;
    this.key = key;
  }

  /** Reads the key; a missing, unreadable or short key file is an error naming the file. */
  public static SealKey load(Path file) throws IOException {
    byte[] k;
    try {
      k = Files.readAllBytes(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("seal key " + file + " does not exist; it is created by fim init"
          + " (or pass the right one with --key)", e);
    } catch (IOException e) {
      throw new IOException("seal key " + file + " cannot be read: " + e.getMessage(), e);
    }
    if (k.length < LENGTH) {
      throw new IOException("seal key " + file + " has " + k.length + " bytes, expected " + LENGTH
          + "; it is not a fim key");
    }
    return new SealKey(file, Arrays.copyOf(k, LENGTH));
  }

  /** Loads the key, or creates a new random one (mode 0600, parent 0700) when the file is missing. */
  public static SealKey loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return load(file);
    }
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      Files.createDirectories(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    byte[] k = new byte[LENGTH];
    new SecureRandom().nextBytes(k);
    try {
      Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(
          PosixFilePermissions.fromString("rw-------"))), k, StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      return load(file); // another fim created it meanwhile
    } catch (IOException e) {
      throw new IOException("seal key " + file + " cannot be created: " + e.getMessage(), e);
    }
    return new SealKey(file, k);
  }

  public Path file() {
    return file;
  }

  byte[] bytes() {
    return key.clone();
  }
}

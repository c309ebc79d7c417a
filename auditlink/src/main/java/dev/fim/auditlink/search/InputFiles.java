package dev.fim.auditlink.search;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** Which files a search reads. Stateless. */
public final class InputFiles {
  private InputFiles() {}

  /**
   * {@code audit.log} and its rotations, oldest first: {@code audit.log.N … audit.log.1, audit.log}
   * (auditd's {@code max_log_file_action = ROTATE} renames .1 → .2 …, so a higher number is older).
   * Only plain numeric suffixes count ({@code audit.log.1.gz} or {@code audit.log.old} are not
   * auditd's). Missing members are skipped.
   *
   * @throws NoSuchFileException if neither the log nor any rotation exists
   */
  public static List<Path> rotations(Path auditLog) throws IOException {
    Path dir = auditLog.toAbsolutePath().getParent();
    String base = auditLog.getFileName().toString();
    TreeMap<Long, Path> rotated = new TreeMap<>();
    if (dir != null && Files.isDirectory(dir)) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, base + ".*")) {
        for (Path p : ds) {
          String suffix = p.getFileName().toString().substring(base.length() + 1);
          if (!suffix.isEmpty()
              && suffix.length() <= 9
              && suffix.chars().allMatch(c -> c >= '0' && c <= '9')
              && Files.isRegularFile(p)) {
            rotated.put(Long.parseLong(suffix), auditLog.resolveSibling(p.getFileName()));
          }
        }
      }
    }
    List<Path> out = new ArrayList<>(rotated.descendingMap().values());
    if (Files.isRegularFile(auditLog)) {
      out.add(auditLog);
    }
    if (out.isEmpty()) {
      throw new NoSuchFileException(
          auditLog.toString(), null, "no audit log and no rotation of it");
    }
    return out;
  }

  /** {@code Permission denied}, {@code No such file or directory}… as the JDK words the failure. */
  public static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null)
      return fse.getReason();
    if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
    if (e instanceof java.nio.file.NoSuchFileException) return "No such file or directory";
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}

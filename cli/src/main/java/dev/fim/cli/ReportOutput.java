package dev.fim.cli;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes a report file atomically: to a temporary file in the same directory, then renamed over the
 * target, so a reader (or a log shipper) never sees half a report.
 */
final class ReportOutput {
  private ReportOutput() {}

  interface Body {
    void write(Writer out) throws Exception;
  }

  interface StreamBody {
    void write(java.io.OutputStream out) throws Exception;
  }

  static void writeAtomically(Path target, Body body) throws Exception {
    writeBytesAtomically(
        target,
        out -> {
          try (Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8)) {
            body.write(w);
          }
        });
  }

  /** As {@link #writeAtomically}, for a body that writes bytes (buffered here). */
  static void writeBytesAtomically(Path target, StreamBody body) throws Exception {
    writeBytesAtomically(target, true, body);
  }

  /**
   * As {@link #writeBytesAtomically(Path, StreamBody)}; {@code advise} false for a body known to
   * stay small: its file is made without the C library and without page-cache advice ({@code
   * ReportFile.createTemp}).
   */
  static void writeBytesAtomically(Path target, boolean advise, StreamBody body) throws Exception {
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    // Created and opened in one step (O_EXCL, no symbolic link followed) under a random name: the
    // file written is the one created, even in a directory where others can rename and link.
    // Before, the temporary file was made and then opened again by its name, for writing and
    // truncating: someone who could replace that name with a symbolic link between the two had
    // fim truncate and write any file it can write. A file the report can copy its spilled body
    // into in the kernel (ComplianceReport), whose page cache goes behind the writes (a
    // million-event JSON report writes ~1 GB: DropBehind).
    dev.fim.cli.report.ReportFile file;
    try {
      file =
          dev.fim.cli.report.ReportFile.createTemp(
              dir, "." + abs.getFileName() + ".", ".tmp", 1 << 16, advise);
    } catch (IOException e) {
      throw new IOException(
          "report " + target + ": cannot create a file in " + dir + ": " + reason(e), e);
    }
    Path tmp = file.path();
    try {
      try (java.io.OutputStream o = file) {
        body.write(o);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new IOException("report " + target + ": cannot write: " + reason(e), e);
    } finally {
      try {
        Files.deleteIfExists(tmp); // after a failure: the report's own error is the one to say
      } catch (IOException e) {
        // a name someone else took meanwhile (a directory others write): theirs
      }
    }
  }

  private static String reason(IOException e) {
    if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such directory";
    }
    return String.valueOf(e.getMessage());
  }
}

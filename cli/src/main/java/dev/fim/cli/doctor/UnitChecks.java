package dev.fim.cli.doctor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * fim's systemd units (fim-watch.service, fim-check.timer and the fim-check.service it starts):
 * installed, enabled, last result, from {@code systemctl show} when systemd runs. A unit that is
 * not installed is a warning (cron may run the check instead), not a failure.
 */
public final class UnitChecks {
  private UnitChecks() {}

  public static void run(Consumer<Finding> out) {
    if (!Files.isDirectory(Path.of("/run/systemd/system"))) {
      out.accept(
          Finding.warn(
              "units",
              "systemd is not running: no service or timer runs fim",
              "run fim check from cron (e.g. 30 3 * * * root fim check --report /var/log/fim/check.txt)"
                  + " and fim watch from the init system"));
      return;
    }
    for (String unit : List.of("fim-watch.service", "fim-check.timer", "fim-check.service")) {
      out.accept(unit(unit));
    }
  }

  static Finding unit(String unit) {
    String check = "units." + unit;
    Map<String, String> p;
    try {
      p = show(unit);
    } catch (IOException e) {
      return Finding.warn(check, "systemctl show " + unit + " failed: " + e.getMessage(), "");
    }
    if (!"loaded".equals(p.get("LoadState"))) {
      return Finding.warn(
          check,
          unit + " is not installed (" + p.getOrDefault("LoadState", "?") + ")",
          "install fim's package, or copy the unit to /etc/systemd/system and systemctl daemon-reload");
    }
    String enabled = p.getOrDefault("UnitFileState", "?");
    String active = p.getOrDefault("ActiveState", "?");
    String result = p.getOrDefault("Result", "?");
    String detail =
        unit
            + ": "
            + enabled
            + ", "
            + active
            + ", last result "
            + result
            + (unit.endsWith(".service")
                ? ", last exit status " + p.getOrDefault("ExecMainStatus", "?")
                : "");
    boolean oneShotCheck = unit.equals("fim-check.service");
    if (!oneShotCheck && !enabled.equals("enabled")) {
      return Finding.warn(check, detail, "systemctl enable --now " + unit);
    }
    if (!oneShotCheck && !active.equals("active")) {
      return Finding.fail(
          check, detail, "systemctl start " + unit + "; journalctl -u " + unit + " says why not");
    }
    if (oneShotCheck) {
      // fim check's exit codes 1-15 are findings kept as the unit's result, not a failure of fim;
      // 16 and up are errors (config, database, seal...).
      int status = parseInt(p.get("ExecMainStatus"));
      if (status >= 16 || (!result.equals("success") && !result.equals("exit-code"))) {
        return Finding.fail(check, detail, "journalctl -u " + unit + " says what failed");
      }
      return Finding.ok(check, detail);
    }
    if (!result.equals("success")) {
      return Finding.fail(check, detail, "journalctl -u " + unit);
    }
    return Finding.ok(check, detail);
  }

  private static int parseInt(String v) {
    try {
      return v == null ? 0 : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static Map<String, String> show(String unit) throws IOException {
    Process p =
        new ProcessBuilder(
                "systemctl",
                "show",
                "-p",
                "LoadState,UnitFileState,ActiveState,Result,ExecMainStatus",
                unit)
            .redirectErrorStream(true)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(text.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    Map<String, String> m = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }
}

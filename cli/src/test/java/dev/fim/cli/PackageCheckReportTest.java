package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fim check and fim report on a tree a real package was installed into and upgraded by {@code dpkg
 * -i}: the upgraded file matches the new version's checksums (verified), a file changed by someone
 * else after the upgrade does not (NOT VERIFIED), the report counts them, and {@code
 * --exclude-verified-packages} leaves out the verified ones while its copy still verifies.
 */
@Tag("kernel")
class PackageCheckReportTest {
  @TempDir Path tmp;
  private EtcTree t;
  private TestDeb deb;
  private Path tool;
  private Path data;

  @BeforeEach
  void installAndUpgrade() throws Exception {
    String why = TestDeb.unavailable();
    assumeTrue(why == null, why);
    t = EtcTree.in(tmp, "");
    deb = new TestDeb();
    tool = t.tree().resolve("usr/bin/tool");
    data = t.tree().resolve("usr/share/tool/data");
    deb.install(
        deb.build(
            "1.0", TestDeb.files(tool, "#!/bin/sh\necho 1\n", data, "one\n"), List.of(), null));
    assertEquals(0, fim("init").exit());
    deb.install(
        deb.build(
            "2.0", TestDeb.files(tool, "#!/bin/sh\necho 2\n", data, "two\n"), List.of(), null));
    Files.writeString(data, "two, and an edit dpkg did not make\n");
  }

  @AfterEach
  void purge() throws Exception {
    if (deb != null) {
      deb.close(); // never leaves the package installed
    }
  }

  private Fim.Run fim(String... args) {
    return Fim.on(t.db(), t.key(), t.conf(), args);
  }

  private Fim.Run report(String... args) {
    List<String> a =
        new ArrayList<>(List.of("report", "--db", t.db().toString(), "--key", t.key().toString()));
    a.addAll(List.of(args));
    return Fim.run(a.toArray(String[]::new));
  }

  /** The event JSON of {@code p} among a check's {@code entries} (one compact object each). */
  private static String entry(String checkJson, Path p) {
    for (String chunk : checkJson.split("\\{\"@timestamp\"")) {
      if (chunk.contains("\"file\":{\"path\":\"" + p + "\"")) {
        return chunk;
      }
    }
    throw new AssertionError("no entry for " + p + " in " + checkJson);
  }

  @Test
  void checkVerifiesAnUpgradeAndReportCountsAndFiltersIt() throws Exception {
    Fim.Run json = fim("check", "--format", "json");
    assertEquals(ExitCodes.CHANGED, json.exit(), json.toString());
    String upgraded = entry(json.out(), tool);
    assertTrue(
        upgraded.contains("\"package\":{\"name\":\"" + deb.name + "\",\"version\":\"2.0\"}"),
        upgraded);
    assertTrue(upgraded.contains("\"package_verified\":true"), upgraded);
    String edited = entry(json.out(), data);
    assertTrue(edited.contains("\"package\":{\"name\":\"" + deb.name + "\""), edited);
    assertTrue(edited.contains("\"package_verified\":false,\"package_reason\":\"its MD5 "), edited);
    assertTrue(edited.contains("differs from the package's"), edited);

    Fim.Run text = fim("check");
    assertEquals(ExitCodes.CHANGED, text.exit(), text.toString());
    assertTrue(text.out().contains("      package " + deb.name + " 2.0 verified\n"), text.out());
    assertTrue(
        text.out().contains("      NOT VERIFIED against " + deb.name + " 2.0 (its MD5 "),
        text.out());

    // Two checks: each recorded the verified upgrade and the unverified edit.
    Fim.Run all = report("--since", "-1h");
    assertEquals(0, all.exit(), all.toString());
    assertTrue(
        all.out()
            .contains("Packages:    4 changes by package installs (2 verified, 2 NOT VERIFIED)\n"),
        all.out());

    Path html = tmp.resolve("r.html");
    Fim.Run filtered =
        report(
            "--since",
            "-1h",
            "--exclude-verified-packages",
            "--format",
            "html",
            "-o",
            html.toString());
    assertEquals(0, filtered.exit(), filtered.toString());
    String page = Files.readString(html);
    assertTrue(page.contains(" exclude=verified-packages "), "the filter is stated");
    assertTrue(
        page.contains(
            "2 changes by package installs (0 verified, 2 NOT VERIFIED); 2 verified package changes"
                + " left out (--exclude-verified-packages)"),
        page);
    assertFalse(page.contains(tool.toString()), "the verified upgrade is left out");
    assertTrue(page.contains("<span class=\"badge no\">NOT VERIFIED</span>"), page);
    Fim.Run v = report("--verify", html.toString());
    assertEquals(0, v.exit(), "a filtered report verifies as filtered: " + v);

    // Removing the statement of the filter makes the copy claim the whole period: it must not pass.
    Files.writeString(html, page.replace(" exclude=verified-packages", ""));
    Fim.Run forged = report("--verify", html.toString());
    assertNotEquals(0, forged.exit(), forged.toString());

    Fim.Run js = report("--since", "-1h", "--exclude-verified-packages", "--format", "json");
    assertTrue(
        js.out()
            .contains(
                "\"packages\":{\"changes\":2,\"verified\":0,\"not_verified\":2,"
                    + "\"verified_left_out\":2}"),
        js.out());
  }
}

package dev.fim.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.fim.store.Store;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Authentication and secret handling of {@code fim ship}. The one place its tests use a fake peer:
 * a small HTTP server (com.sun.net.httpserver) that answers like a cluster with security enabled
 * (401 without the right Authorization header), because the OpenSearch security plugin is too heavy
 * to run in the test JVM. It records the headers it saw.
 */
class ShipAuthTest {
  private Path dir;
  private Path db;
  private HttpServer server;
  private com.sun.net.httpserver.HttpHandler handler;
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final List<String> bodies = new CopyOnWriteArrayList<>();
  private volatile String expected;

  @BeforeEach
  void setUp() throws Exception {
    dir = Files.createTempDirectory(Path.of("/var/tmp"), "fim-ship-auth-");
    db = dir.resolve("db");
    long t = Instant.parse("2026-12-01T00:00:00Z").getEpochSecond() * 1_000_000_000L;
    try (Store s = Store.open(db, Store.OpenMode.CREATE)) {
      new dev.fim.store.EventLog(s)
          .append(List.of(ShipCommandTest.event(t, "/etc/a"), ShipCommandTest.event(t, "/etc/b")));
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    handler =
        ex -> {
          String auth = ex.getRequestHeaders().getFirst("Authorization");
          authorizations.add(String.valueOf(auth));
          byte[] in = ex.getRequestBody().readAllBytes();
          String reply;
          int status;
          if (!expected.equals(String.valueOf(auth))) {
            status = 401;
            reply = "{\"error\":\"unauthorized\"}";
          } else if (ex.getRequestURI().getPath().equals("/_bulk")) {
            bodies.add(new String(in, StandardCharsets.UTF_8));
            long docs = new String(in, StandardCharsets.UTF_8).lines().count() / 2;
            StringBuilder items = new StringBuilder();
            for (int i = 0; i < docs; i++) {
              items.append(i == 0 ? "" : ",").append("{\"create\":{\"status\":201}}");
            }
            status = 200;
            reply = "{\"took\":1,\"errors\":false,\"items\":[" + items + "]}";
          } else {
            status = 200;
            reply = "{\"index_templates\":[{\"_meta\":{\"fim_template_version\":1}}]}";
          }
          byte[] out = reply.getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().add("Content-Type", "application/json");
          ex.sendResponseHeaders(status, out.length);
          ex.getResponseBody().write(out);
          ex.close();
        };
    server.createContext("/", handler);
    server.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    server.stop(0);
    new ProcessBuilder("rm", "-rf", "--", dir.toString()).start().waitFor();
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private Path secret(String name, String content, String mode) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
    return f;
  }

  private Fim.Run ship(String... more) {
    List<String> a = new ArrayList<>(List.of("ship", "--db", db.toString(), "--to", url()));
    a.addAll(List.of(more));
    a.add("--once");
    return Fim.run(a.toArray(String[]::new));
  }

  @Test
  void basicAuthenticationSendsTheUserAndThePasswordFromTheFile() throws Exception {
    expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString("fim:s3cret pass".getBytes(StandardCharsets.UTF_8));
    Path pw = secret("password", "s3cret pass\n", "rw-------");
    Fim.Run run = ship("--user", "fim", "--password-file", pw.toString());
    assertEquals(0, run.exit(), run.toString());
    assertTrue(run.out().contains("2 events shipped"), run.toString());
    assertTrue(authorizations.stream().allMatch(expected::equals), authorizations.toString());
    assertEquals(1, bodies.size());
  }

  @Test
  void apiKeySendsTheEncodedKey() throws Exception {
    String encoded =
        Base64.getEncoder().encodeToString("id1:key1".getBytes(StandardCharsets.UTF_8));
    expected = "ApiKey " + encoded;
    Fim.Run raw = ship("--api-key-file", secret("key", "id1:key1\n", "rw-r-----").toString());
    assertEquals(0, raw.exit(), raw.toString());
    Fim.Run already =
        ship("--api-key-file", secret("key2", encoded + "\n", "r--------").toString());
    assertEquals(0, already.exit(), already.toString());
    assertTrue(authorizations.stream().allMatch(expected::equals), authorizations.toString());
  }

  @Test
  void aWrongPasswordIsACleanErrorAndNothingIsAcknowledged() throws Exception {
    expected = "Basic " + Base64.getEncoder().encodeToString("fim:right".getBytes());
    Fim.Run run =
        ship("--user", "fim", "--password-file", secret("pw", "wrong", "rw-------").toString());
    assertEquals(ExitCodes.SHIP, run.exit(), run.toString());
    assertTrue(run.err().contains("401"), run.toString());
    assertTrue(!run.err().contains("\tat "), run.toString());
    assertTrue(bodies.isEmpty());
  }

  @Test
  void aWorldReadableSecretFileIsRefusedBeforeAnythingIsSent() throws Exception {
    expected = "never";
    Path pw = secret("password", "s3cret\n", "rw-r--r--");
    Fim.Run run = ship("--user", "fim", "--password-file", pw.toString());
    assertEquals(ExitCodes.SHIP, run.exit(), run.toString());
    assertTrue(
        run.err().contains(pw + ": every user may read it (rw-r--r--); make it private first"),
        run.toString());
    assertTrue(authorizations.isEmpty(), authorizations.toString());
  }

  /**
   * TLS: a server whose certificate (self-signed by keytool, here its own CA) is trusted through
   * --ca-file gets the events; without --ca-file the JVM's trust refuses it at once (exit 25, not
   * retried: it is what a man in the middle looks like), and nothing is sent.
   */
  @Test
  void httpsTrustsTheCaFileAndRefusesAServerWithoutIt() throws Exception {
    Path ks = dir.resolve("server.p12");
    Path ca = dir.resolve("ca.pem");
    run(
        "keytool",
        "-genkeypair",
        "-alias",
        "fim",
        "-keyalg",
        "EC",
        "-groupname",
        "secp256r1",
        "-dname",
        "CN=localhost",
        "-ext",
        "SAN=ip:127.0.0.1,dns:localhost",
        "-validity",
        "2",
        "-keystore",
        ks.toString(),
        "-storepass",
        "changeit",
        "-storetype",
        "PKCS12");
    run(
        "keytool",
        "-exportcert",
        "-rfc",
        "-alias",
        "fim",
        "-keystore",
        ks.toString(),
        "-storepass",
        "changeit",
        "-file",
        ca.toString());
    java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    javax.net.ssl.KeyManagerFactory kmf =
        javax.net.ssl.KeyManagerFactory.getInstance(
            javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    com.sun.net.httpserver.HttpsServer https =
        com.sun.net.httpserver.HttpsServer.create(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(ctx));
    https.createContext("/", handler);
    https.start();
    try {
      expected = "null"; // no Authorization header
      String url = "https://127.0.0.1:" + https.getAddress().getPort();
      Fim.Run untrusted =
          Fim.run("ship", "--db", db.toString(), "--to", url, "--once", "--retry-for", "600");
      assertEquals(ExitCodes.SHIP, untrusted.exit(), untrusted.toString());
      assertTrue(
          untrusted.err().contains("TLS with " + url + " failed")
              && untrusted.err().contains("--ca-file"),
          untrusted.toString());
      assertTrue(bodies.isEmpty());
      Fim.Run trusted =
          Fim.run("ship", "--db", db.toString(), "--to", url, "--once", "--ca-file", ca.toString());
      assertEquals(0, trusted.exit(), trusted.toString());
      assertTrue(trusted.out().contains("2 events shipped to " + url), trusted.toString());
      assertEquals(1, bodies.size());
    } finally {
      https.stop(0);
    }
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
  }

  @Test
  void credentialsInTheUrlAreRefusedAndNotEchoed() throws Exception {
    expected = "never";
    Fim.Run run =
        Fim.run(
            "ship",
            "--db",
            db.toString(),
            "--to",
            "http://fim:s3cret@127.0.0.1:" + server.getAddress().getPort(),
            "--once");
    assertEquals(ExitCodes.SHIP, run.exit(), run.toString());
    assertTrue(run.err().contains("credentials in the URL"), run.toString());
    assertTrue(!run.err().contains("s3cret"), run.toString());
    assertTrue(authorizations.isEmpty());
  }
}

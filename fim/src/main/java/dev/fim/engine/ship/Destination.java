package dev.fim.engine.ship;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;
import java.util.Collection;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Where to ship and how to authenticate: the cluster's base URL, an {@code Authorization} header
 * (basic or API key, read from files) and the TLS trust (a CA file in PEM). Secrets come from files
 * only, never the command line (which every user sees in /proc), and a file that others may read is
 * refused.
 *
 * @param uri the cluster's base URL (http or https), without a trailing slash
 * @param authorization the {@code Authorization} header's value, or null
 * @param ssl the TLS context trusting the CA file, or null for the JVM's default trust
 */
public record Destination(URI uri, String authorization, SSLContext ssl) {

  /** Checks the URL: http(s), a host, no user info (credentials belong in files), no query. */
  public static URI parseUrl(String url) throws ShipException {
    URI u;
    try {
      u = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ShipException(ShipException.Reason.SETUP, "--to " + url + ": " + e.getMessage());
    }
    if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "--to " + url + ": the URL must start with http:// or https://");
    }
    if (u.getHost() == null) {
      throw new ShipException(ShipException.Reason.SETUP, "--to " + url + ": no host");
    }
    if (u.getUserInfo() != null) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "--to "
              + url.replace(u.getRawUserInfo() + "@", "")
              + ": credentials in the URL would be visible to every user in the process list;"
              + " use --user with --password-file, or --api-key-file");
    }
    if (u.getQuery() != null || u.getFragment() != null) {
      throw new ShipException(
          ShipException.Reason.SETUP, "--to " + url + ": no query or fragment, only the base URL");
    }
    String s = u.toString();
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return URI.create(s);
  }

  /** {@code Authorization: Basic base64(user:password)}, the password read from {@code file}. */
  public static String basic(String user, Path passwordFile) throws ShipException {
    if (user.indexOf(':') >= 0) {
      throw new ShipException(
          ShipException.Reason.SETUP, "--user " + user + ": a user name cannot contain ':'");
    }
    String password = secret(passwordFile, "--password-file");
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@code Authorization: ApiKey …}: the file holds the encoded key as Elasticsearch and OpenSearch
   * print it (base64 of {@code id:api_key}), or {@code id:api_key}, which is encoded here.
   */
  public static String apiKey(Path file) throws ShipException {
    String key = secret(file, "--api-key-file");
    if (key.indexOf(':') >= 0) {
      key = Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }
    return "ApiKey " + key;
  }

  /** The first line of a secret file that only its owner (and root) may read. */
  static String secret(Path file, String option) throws ShipException {
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new ShipException(
            ShipException.Reason.SETUP,
            option
                + " "
                + file
                + ": every user may read it ("
                + java.nio.file.attribute.PosixFilePermissions.toString(perms)
                + "); make it private first: chmod 600 "
                + file);
      }
      if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
        throw new ShipException(
            ShipException.Reason.SETUP, option + " " + file + ": not a regular file");
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int nl = text.indexOf('\n');
      String line = (nl < 0 ? text : text.substring(0, nl)).strip();
      if (line.isEmpty()) {
        throw new ShipException(ShipException.Reason.SETUP, option + " " + file + ": empty");
      }
      return line;
    } catch (IOException e) {
      throw new ShipException(
          ShipException.Reason.SETUP, option + " " + file + ": cannot read it: " + e, e);
    }
  }

  /** A TLS context that trusts the certificates in the PEM file {@code caFile} (and only them). */
  public static SSLContext trusting(Path caFile) throws ShipException {
    try {
      byte[] pem = Files.readAllBytes(caFile);
      Collection<? extends Certificate> certs =
          CertificateFactory.getInstance("X.509")
              .generateCertificates(new ByteArrayInputStream(pem));
      if (certs.isEmpty()) {
        throw new ShipException(
            ShipException.Reason.SETUP, "--ca-file " + caFile + ": no certificate in it");
      }
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        ks.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new ShipException(
          ShipException.Reason.SETUP,
          "--ca-file " + caFile + ": not a readable PEM certificate file: " + e.getMessage(),
          e);
    }
  }
}

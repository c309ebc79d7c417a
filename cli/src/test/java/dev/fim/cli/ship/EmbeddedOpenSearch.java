package dev.fim.cli.ship;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.cluster.service.ClusterService;
import org.opensearch.common.settings.Settings;
import org.opensearch.http.HttpServerTransport;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.transport.Netty4Plugin;

/**
 * A real OpenSearch 2.19 node (Lucene engine, Netty4 HTTP) inside the test JVM, on 127.0.0.1 only:
 * the cluster fim ship's tests ship to. It can be closed and started again on the same data
 * directory and port (an outage in the middle of shipping). After the recipe in the project's
 * notes: a Node subclass, because the constructor that takes classpath plugins is protected.
 */
public final class EmbeddedOpenSearch implements AutoCloseable {
  private static final class PluginNode extends Node {
    PluginNode(Settings s) {
      super(
          InternalSettingsPreparer.prepareEnvironment(s, Map.of(), null, () -> "embedded"),
          List.of(Netty4Plugin.class, CommonAnalysisPlugin.class),
          true);
    }

    /** The default sets a JVM-wide SetOnce; a second node in one JVM would log a warning. */
    @Override
    protected void configureNodeAndClusterIdStateListener(ClusterService cs) {}
  }

  private final Path home;
  private final Node node;
  private final URI uri;
  private boolean closed;

  private EmbeddedOpenSearch(Path home, Node node, URI uri) {
    this.home = home;
    this.node = node;
    this.uri = uri;
  }

  public URI uri() {
    return uri;
  }

  public Path home() {
    return home;
  }

  public int port() {
    return uri.getPort();
  }

  /** A node in a new temporary home on an ephemeral port. */
  public static EmbeddedOpenSearch start() throws Exception {
    return start(Files.createTempDirectory("fim-opensearch-"), 0);
  }

  /** A node whose data lives under {@code home} (kept), HTTP on {@code httpPort} (0: any). */
  public static EmbeddedOpenSearch start(Path home, int httpPort) throws Exception {
    Settings settings =
        Settings.builder()
            .put("path.home", home.toString())
            .put("cluster.name", "fim-test")
            .put("node.name", "fim-test")
            .put("discovery.type", "single-node")
            .put("network.host", "127.0.0.1")
            .put("http.port", Integer.toString(httpPort))
            .put("transport.port", "0")
            .put("cluster.routing.allocation.disk.threshold_enabled", false)
            .put("indices.breaker.total.use_real_memory", false)
            .put("action.auto_create_index", true)
            .build();
    Node node = null;
    try {
      node = new PluginNode(settings);
      node.start();
      InetSocketAddress a =
          node.injector()
              .getInstance(HttpServerTransport.class)
              .boundAddress()
              .publishAddress()
              .address();
      return new EmbeddedOpenSearch(
          home, node, URI.create("http://" + a.getHostString() + ":" + a.getPort()));
    } catch (Exception | Error e) {
      if (node != null) {
        node.close();
      }
      throw e;
    }
  }

  /** Stops the node; its data stays under {@link #home} for a restart. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      node.close();
      node.awaitClose(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Removes a node's home (after {@link #close}). */
  public static void delete(Path home) throws IOException {
    if (!Files.exists(home)) {
      return;
    }
    try (Stream<Path> s = Files.walk(home)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

package th.go.thgov.solr;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.solr.embedded.JettyConfig;
import org.apache.solr.embedded.JettySolrRunner;

/**
 * Runs one standalone Solr 9 node (real Jetty, real SolrDispatchFilter) on 127.0.0.1.
 *
 * <p>Usage: {@code SolrNode <solr-home> <port>}. Cores are discovered from core.properties files
 * under the Solr home, exactly as a packaged Solr server does.
 */
public final class SolrNode {
  private SolrNode() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: SolrNode <solr-home> <port>");
      System.exit(2);
    }
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    if (!Files.isRegularFile(home.resolve("solr.xml"))) {
      System.err.println("no solr.xml in " + home);
      System.exit(2);
    }
    // JettySolrRunner binds to the "host" property; never listen beyond loopback.
    System.setProperty("host", "127.0.0.1");
    System.setProperty("solr.solr.home", home.toString());
    System.setProperty("solr.install.dir", home.toString());

    JettyConfig config =
        JettyConfig.builder().setPort(port).setContext("/solr").stopAtShutdown(true).build();
    JettySolrRunner runner = new JettySolrRunner(home.toString(), config);
    try {
      runner.start();
      if (runner.getCoreContainer() == null || runner.getCoreContainer().isShutDown()) {
        throw new IllegalStateException("the Solr core container did not start; see the log above");
      }
    } catch (Exception e) {
      // Without this the JVM would linger with Jetty threads but no working Solr.
      e.printStackTrace();
      System.err.println("thgov-solr: Solr failed to start: " + e.getMessage());
      System.exit(1);
    }
    System.out.println("thgov-solr: Solr node listening on " + runner.getBaseUrl());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        runner.stop();
      } catch (Exception e) {
        e.printStackTrace();
      }
    }));
    Thread.currentThread().join();
  }
}

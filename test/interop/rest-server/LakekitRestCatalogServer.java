/*
 * Launcher for the Apache Iceberg REST catalog reference server
 * (org.apache.iceberg.rest.RESTCatalogServer, shipped as the runnable jar
 * org.apache.iceberg:iceberg-open-api). Compiled by test/interop/setup.mjs into
 * .cache/rest-launcher/ against the pinned jar.
 *
 * Why it exists: the upstream main() builds `new org.eclipse.jetty.server.Server(port)`,
 * which listens on every interface (0.0.0.0) and offers no bind-address setting. Test
 * peers must listen on 127.0.0.1 only, so this launcher builds the very same backend
 * catalog, adapter and servlet as RESTCatalogServer.start() (reaching its package-private
 * parts by reflection, which is fine for a pinned jar) but opens a Jetty connector bound
 * to a chosen host. It also accepts port 0 and prints the port actually bound, so the
 * test helper never races another process for a "free" port.
 *
 * Configuration is upstream's: CATALOG_* environment variables become catalog properties
 * (CATALOG_WAREHOUSE -> warehouse, CATALOG_URI -> uri, CATALOG_REST_PORT -> rest.port, ...).
 * Extra: system property lakekit.rest.host (default 127.0.0.1).
 *
 * On success it prints exactly one stdout line: "LAKEKIT_REST_LISTENING <host> <port>".
 */
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import org.apache.iceberg.rest.RESTCatalogAdapter;
import org.apache.iceberg.rest.RESTCatalogServer;
import org.apache.iceberg.rest.RESTCatalogServlet;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

public final class LakekitRestCatalogServer {
  private LakekitRestCatalogServer() {}

  public static void main(String[] args) throws Throwable {
    try {
      run();
    } catch (InvocationTargetException e) {
      // Reflection wraps upstream's own failure (bad catalog properties, ...); show that instead.
      throw e.getCause();
    }
  }

  private static void run() throws Exception {
    String host = System.getProperty("lakekit.rest.host", "127.0.0.1");

    // Same backend catalog as upstream: env CATALOG_* properties, JdbcCatalog on sqlite by default.
    Constructor<RESTCatalogServer> serverCtor = RESTCatalogServer.class.getDeclaredConstructor();
    serverCtor.setAccessible(true);
    RESTCatalogServer upstream = serverCtor.newInstance();
    Method init = RESTCatalogServer.class.getDeclaredMethod("initializeBackendCatalog");
    init.setAccessible(true);
    Object context = init.invoke(upstream);

    Class<?> contextClass = Class.forName("org.apache.iceberg.rest.RESTCatalogServer$CatalogContext");
    Method configuration = contextClass.getDeclaredMethod("configuration");
    configuration.setAccessible(true);
    @SuppressWarnings("unchecked")
    Map<String, String> config = (Map<String, String>) configuration.invoke(context);

    Constructor<?> adapterCtor =
        Class.forName("org.apache.iceberg.rest.RESTServerCatalogAdapter").getDeclaredConstructor(contextClass);
    adapterCtor.setAccessible(true);
    RESTCatalogAdapter adapter = (RESTCatalogAdapter) adapterCtor.newInstance(context);

    ServletContextHandler handler = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    handler.addServlet(new ServletHolder(new RESTCatalogServlet(adapter)), "/*");
    handler.insertHandler(new GzipHandler());

    int port = Integer.parseInt(config.getOrDefault(RESTCatalogServer.REST_PORT, "8181"));
    Server http = new Server();
    ServerConnector connector = new ServerConnector(http);
    connector.setHost(host);
    connector.setPort(port);
    http.addConnector(connector);
    http.setHandler(handler);
    // Stop Jetty cleanly on SIGTERM so the test helper sees a prompt, orderly exit.
    http.setStopAtShutdown(true);
    http.start();

    System.out.println("LAKEKIT_REST_LISTENING " + host + " " + connector.getLocalPort());
    System.out.flush();
    http.join();
  }
}

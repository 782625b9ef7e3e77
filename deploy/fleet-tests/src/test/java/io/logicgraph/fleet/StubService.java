package io.logicgraph.fleet;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for a service in the harness's own test: answers {@code /ready} on the management port
 * it is given, like the real services; {@code STUB_EXIT=n} makes it fail at start instead.
 */
public final class StubService {
  private StubService() {}

  public static void main(String[] args) throws IOException {
    String exit = System.getenv("STUB_EXIT");
    if (exit != null) {
      System.out.println("stub failing at start on purpose");
      System.exit(Integer.parseInt(exit));
    }
    int http = Integer.parseInt(System.getenv("QUARKUS_HTTP_PORT"));
    int management = Integer.parseInt(System.getenv("QUARKUS_MANAGEMENT_PORT"));
    serve(http, "/", "{\"service\":\"stub\"}");
    serve(management, "/ready", "{\"status\":\"UP\",\"checks\":[]}");
    System.out.println("stub started: http " + http + ", management " + management);
  }

  private static void serve(int port, String path, String body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        path,
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
  }
}

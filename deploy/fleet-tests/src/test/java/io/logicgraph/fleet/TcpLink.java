package io.logicgraph.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP relay on a loopback port in front of a real server (the fleet's PostgreSQL), standing for
 * the network between a worker and its database: {@link #cut()} closes the listening port and every
 * relayed connection (clients then get "connection refused" or a dropped connection, as when the
 * database host is unreachable), {@link #restore()} listens again on the same port.
 */
final class TcpLink implements AutoCloseable {
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new ArrayList<>();
  private ServerSocket server;

  TcpLink(int port, String targetHost, int targetPort) {
    this.port = port;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
  }

  int port() {
    return port;
  }

  synchronized boolean isUp() {
    return server != null && !server.isClosed();
  }

  /** Listens (again) on the link's port. */
  synchronized void restore() {
    if (isUp()) {
      return;
    }
    try {
      ServerSocket socket = new ServerSocket();
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
      server = socket;
      Thread acceptor = new Thread(() -> accept(socket), "tcp-link-" + port);
      acceptor.setDaemon(true);
      acceptor.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  /** Stops listening and drops every relayed connection. */
  synchronized void cut() {
    closeQuietly(server);
    server = null;
    open.forEach(TcpLink::closeQuietly);
    open.clear();
  }

  @Override
  public void close() {
    cut();
  }

  private void accept(ServerSocket socket) {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        return; // cut
      }
      Socket upstream = new Socket();
      try {
        upstream.connect(new InetSocketAddress(targetHost, targetPort), 3000);
      } catch (IOException e) {
        closeQuietly(client);
        closeQuietly(upstream);
        continue;
      }
      synchronized (this) {
        if (server != socket) {
          closeQuietly(client);
          closeQuietly(upstream);
          return;
        }
        open.add(client);
        open.add(upstream);
      }
      pump(client, upstream);
      pump(upstream, client);
    }
  }

  private void pump(Socket from, Socket to) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[16384];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (SocketException e) {
                // closed by cut() or by the other side
              } catch (IOException e) {
                // the connection broke; both ends are closed below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                synchronized (this) {
                  open.remove(from);
                  open.remove(to);
                }
              }
            },
            "tcp-link-pump");
    thread.setDaemon(true);
    thread.start();
  }

  private static void closeQuietly(AutoCloseable closeable) {
    if (closeable == null) {
      return;
    }
    try {
      closeable.close();
    } catch (Exception ignored) {
      // already closed
    }
  }
}

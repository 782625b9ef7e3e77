package io.logicgraph.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * A machine-wide lock on a fleet name: a fleet resets its virtual host, databases and Redis index
 * at start, so two test runs with the same name (two checkouts building at once) would destroy each
 * other's fleet. The second run waits for the first; the operating system releases the lock when a
 * test JVM dies.
 */
final class FleetLock implements AutoCloseable {
  private final FileChannel channel;
  private final FileLock lock;

  private FleetLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static FleetLock acquire(String name, Duration wait) {
    Path file =
        Path.of(System.getProperty("java.io.tmpdir"), "logic-graph-fleet-" + name + ".lock");
    try {
      FileChannel channel =
          FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + wait.toNanos();
      boolean told = false;
      while (true) {
        FileLock lock = channel.tryLock();
        if (lock != null) {
          channel.truncate(0);
          channel.write(StandardCharsets.UTF_8.encode(ProcessHandle.current().pid() + "\n"), 0);
          return new FleetLock(channel, lock);
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new IllegalStateException(
              "another test run holds the fleet name '"
                  + name
                  + "' ("
                  + file
                  + ") for more than "
                  + wait
                  + "; give this run another name: -Dfleet.name=... -Dfleet.redisDatabase=...");
        }
        if (!told) {
          System.out.printf(
              "fleet: another test run uses the fleet name '%s' (%s); waiting for it%n",
              name, file);
          told = true;
        }
        Thread.sleep(1000); // harness code, not a test: polling a lock held by another process
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot lock " + file, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException ignored) {
      // released when the channel or the process goes away anyway
    }
  }
}

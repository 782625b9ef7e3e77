package io.logicgraph.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one node task costs, measured between two samples taken at a window's start and end: CPU
 * time of every fleet process, of the PostgreSQL backends serving the fleet's database, of the
 * (shared) RabbitMQ and Redis servers, PostgreSQL commits, and the machine's CPU left to others.
 * These ratios hardly depend on how busy the machine is, unlike the throughput figures.
 */
final class CostMeter {
  /** Linux reports process CPU time in clock ticks of 10 ms (CLK_TCK = 100). */
  static final double MILLIS_PER_TICK = 10;

  static final String BROKER = "rabbitmq (whole broker, shared)";

  record Sample(
      long attempts,
      long commits,
      Map<String, Long> cpuTicks,
      long machineBusyTicks,
      long machineTotalTicks) {}

  private final BenchFleet fleet;
  private final List<Sample> samples = new ArrayList<>();

  CostMeter(BenchFleet fleet) {
    this.fleet = fleet;
  }

  /** Takes a sample and returns the node attempts recorded as succeeded so far. */
  long sample() {
    Map<String, Long> cpu = new LinkedHashMap<>();
    fleet.processes().values().forEach(p -> cpu.put(p.name(), ticks(p.pid())));
    long commits = 0;
    long postgres = 0;
    try (Connection db = fleet.stateDatabase();
        Statement statement = db.createStatement()) {
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()")) {
        rows.next();
        commits = rows.getLong(1);
      }
      try (ResultSet rows =
          statement.executeQuery(
              "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                  + " AND pid <> pg_backend_pid()")) {
        while (rows.next()) {
          postgres += Math.max(0, ticks(rows.getLong(1)));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot sample PostgreSQL: " + e.getMessage(), e);
    }
    cpu.put("postgres (this fleet's backends)", postgres);
    cpu.put(BROKER, brokerTicks());
    cpu.put("redis (whole server, shared)", commandTicks("redis-server"));
    long[] machine = machineTicks();
    samples.add(new Sample(fleet.succeededAttempts(), commits, cpu, machine[0], machine[1]));
    return samples.get(samples.size() - 1).attempts();
  }

  /** CPU ticks of the RabbitMQ server (every Erlang VM on the machine). */
  static long brokerTicks() {
    return commandTicks("beam.smp");
  }

  /** CPU ms per node task of one process between the first and the last sample, or NaN. */
  double perTaskMillis(String process) {
    if (samples.size() < 2) {
      return Double.NaN;
    }
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    long tasks = last.attempts() - first.attempts();
    Long before = first.cpuTicks().get(process);
    Long after = last.cpuTicks().get(process);
    if (tasks <= 0 || before == null || after == null || before < 0 || after < 0) {
      return Double.NaN;
    }
    return (after - before) * MILLIS_PER_TICK / tasks;
  }

  /** Markdown: per-task costs between the first and the last sample. */
  String markdown() {
    if (samples.size() < 2) {
      return "";
    }
    Sample first = samples.get(0);
    Sample last = samples.get(samples.size() - 1);
    long tasks = last.attempts() - first.attempts();
    if (tasks <= 0) {
      return "No node task completed in the window: no cost per task.\n";
    }
    StringBuilder md = new StringBuilder();
    md.append("| process | CPU ms per node task |\n|---|---|\n");
    double fleetTotal = 0;
    for (String process : last.cpuTicks().keySet()) {
      double perTask = perTaskMillis(process);
      if (Double.isNaN(perTask)) {
        continue;
      }
      if (!process.contains("shared")) {
        fleetTotal += perTask;
      }
      md.append(String.format(Locale.ROOT, "| %s | %.3f |%n", process, perTask));
    }
    double busy = last.machineBusyTicks() - first.machineBusyTicks();
    double total = last.machineTotalTicks() - first.machineTotalTicks();
    md.append(
        String.format(
            Locale.ROOT,
            "| **fleet services + their PostgreSQL backends** | **%.3f** |%n%n"
                + "%d node tasks in the window; %.2f PostgreSQL commits per node task. Machine CPU"
                + " busy %.0f %% of %d cores during the window. At %.3f CPU-ms per task (broker and"
                + " Redis not counted), %d cores can run at most %,.0f node tasks/s with nothing"
                + " else on them.%n",
            fleetTotal,
            tasks,
            (double) (last.commits() - first.commits()) / tasks,
            total == 0 ? 0 : busy / total * 100,
            Runtime.getRuntime().availableProcessors(),
            fleetTotal,
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().availableProcessors() * 1000 / fleetTotal));
    return md.toString();
  }

  /** utime + stime of a process in clock ticks, or -1 when it is gone. */
  private static long ticks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // fields[0] is the state (field 3 of stat); utime and stime are fields 14 and 15
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** CPU ticks of every process whose name (/proc/<pid>/comm) is {@code command}. */
  private static long commandTicks(String command) {
    long total = 0;
    try (var entries = Files.list(Path.of("/proc"))) {
      for (Path entry : (Iterable<Path>) entries::iterator) {
        String name = entry.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String comm = Files.readString(entry.resolve("comm"), StandardCharsets.US_ASCII).trim();
          if (comm.equals(command)) {
            total += Math.max(0, ticks(Long.parseLong(name)));
          }
        } catch (IOException e) {
          // the process ended meanwhile
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return total;
  }

  /**
   * Waits until the machine's CPU was below {@code busyBelow} (0-1, all cores) for one second, at
   * most {@code maxWait}; returns the busy share of the last second.
   */
  static double settle(double busyBelow, Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    while (true) {
      long[] first = machineTicks();
      Thread.sleep(1000);
      long[] last = machineTicks();
      long total = last[1] - first[1];
      double busy = total <= 0 ? 0 : (double) (last[0] - first[0]) / total;
      if (busy < busyBelow || System.nanoTime() > deadline) {
        return busy;
      }
    }
  }

  /** Busy and total ticks of all CPUs since boot (/proc/stat). */
  private static long[] machineTicks() {
    try {
      String[] cpu =
          Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)
              .get(0)
              .trim()
              .split("\\s+");
      long total = 0;
      for (int i = 1; i < cpu.length; i++) {
        total += Long.parseLong(cpu[i]);
      }
      long idle = Long.parseLong(cpu[4]) + Long.parseLong(cpu[5]);
      return new long[] {total - idle, total};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }
}

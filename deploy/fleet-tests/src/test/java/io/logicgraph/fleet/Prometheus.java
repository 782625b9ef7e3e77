package io.logicgraph.fleet;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A scrape of a service's {@code /metrics} (Prometheus text format), and lookups in it. */
final class Prometheus {
  /** One sample line: {@code name{labels} value}. */
  record Sample(String name, Map<String, String> labels, double value) {
    boolean has(Map<String, String> wanted) {
      return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }
  }

  private final Service service;
  private final List<Sample> samples;

  private Prometheus(Service service, List<Sample> samples) {
    this.service = service;
    this.samples = samples;
  }

  /** GET {@code /metrics} on the service's management port; asserts 200. */
  static Prometheus scrape(Fleet fleet, Service service) {
    Response response = given().baseUri(fleet.managementUri(service)).when().get("/metrics");
    assertThat(response.statusCode()).as("GET /metrics of %s", service.module()).isEqualTo(200);
    return new Prometheus(service, parse(response.asString()));
  }

  List<Sample> samples(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The samples of {@code name} carrying at least the given labels. */
  List<Sample> samples(String name, Map<String, String> labels) {
    return samples(name).stream().filter(s -> s.has(labels)).toList();
  }

  /** The sum of the samples of {@code name} with the given labels (0 when there are none). */
  double sum(String name, Map<String, String> labels) {
    return samples(name, labels).stream().mapToDouble(Sample::value).sum();
  }

  /**
   * Asserts that {@code name} is exported with every label in {@code labelNames} and at least one
   * sample carrying the given label values; returns those samples.
   */
  List<Sample> assertExported(String name, List<String> labelNames, Map<String, String> values) {
    List<Sample> all = samples(name);
    assertThat(all)
        .as(
            "%s exports %s (names it has: %s)",
            service.module(), name, names(name.replaceAll("_(total|bucket|seconds.*)$", "")))
        .isNotEmpty();
    for (Sample sample : all) {
      assertThat(sample.labels())
          .as("labels of %s on %s", name, service.module())
          .containsKeys(labelNames.toArray(String[]::new));
    }
    List<Sample> matching = samples(name, values);
    assertThat(matching)
        .as("%s on %s with %s; exported: %s", name, service.module(), values, all)
        .isNotEmpty();
    return matching;
  }

  /** Metric names starting like {@code prefix}, for failure messages. */
  private String names(String prefix) {
    String stem = prefix.length() > 6 ? prefix.substring(0, 6) : prefix;
    return samples.stream()
        .map(Sample::name)
        .filter(n -> n.startsWith(stem))
        .distinct()
        .collect(Collectors.joining(", ", "[", "]"));
  }

  static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      line = line.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.indexOf(' ');
      String name;
      Map<String, String> labels = new LinkedHashMap<>();
      String rest;
      if (brace >= 0 && (space < 0 || brace < space)) {
        name = line.substring(0, brace);
        int end = parseLabels(line, brace + 1, labels);
        rest = line.substring(end + 1).strip();
      } else {
        name = line.substring(0, space);
        rest = line.substring(space + 1).strip();
      }
      String value = rest.split("\\s+")[0];
      samples.add(new Sample(name, labels, parseValue(value)));
    }
    return samples;
  }

  /** Reads {@code k="v",...} from {@code start}; returns the index of the closing brace. */
  private static int parseLabels(String line, int start, Map<String, String> labels) {
    int i = start;
    while (i < line.length() && line.charAt(i) != '}') {
      int eq = line.indexOf('=', i);
      String key = line.substring(i, eq).strip();
      StringBuilder value = new StringBuilder();
      int j = eq + 2; // skip ="
      while (line.charAt(j) != '"') {
        char c = line.charAt(j);
        if (c == '\\') {
          char next = line.charAt(++j);
          value.append(next == 'n' ? '\n' : next);
        } else {
          value.append(c);
        }
        j++;
      }
      labels.put(key, value.toString());
      i = j + 1;
      if (i < line.length() && line.charAt(i) == ',') {
        i++;
      }
    }
    return i;
  }

  private static double parseValue(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      case "NaN" -> Double.NaN;
      default -> Double.parseDouble(value);
    };
  }
}

package io.logicgraph.fleet;

import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit glue for {@link Fleet}: one fleet per test JVM, started before the first class that uses it
 * and stopped when the run ends (also when tests fail). Test methods and constructors receive it as
 * a parameter. A failed test prints the tail of every log; a service that died on its own fails the
 * test during which it died.
 */
public final class FleetExtension
    implements BeforeAllCallback, AfterEachCallback, ParameterResolver, TestWatcher {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(FleetExtension.class);

  /** The shared fleet, or the failure that prevented it (not retried by every class). */
  private record Started(Fleet fleet, RuntimeException failure) implements AutoCloseable {
    Fleet get() {
      if (failure != null) {
        throw new IllegalStateException(
            "the fleet did not start: " + failure.getMessage(), failure);
      }
      return fleet;
    }

    @Override
    public void close() {
      if (fleet != null) {
        fleet.close();
      }
    }
  }

  static Fleet fleet(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .computeIfAbsent(Started.class, key -> start(), Started.class)
        .get();
  }

  private static Started start() {
    try {
      return new Started(Fleet.builder().start(), null);
    } catch (RuntimeException e) {
      return new Started(null, e);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    fleet(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    List<String> deaths = fleet(context).unexpectedDeaths();
    if (!deaths.isEmpty()) {
      throw new AssertionError("fleet process died during the test:\n" + String.join("\n", deaths));
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Fleet.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return fleet(context);
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    Started started = context.getRoot().getStore(NAMESPACE).get(Started.class, Started.class);
    if (started != null && started.fleet() != null) {
      System.err.println(
          "===== " + context.getDisplayName() + " failed; the fleet's logs end with: =====");
      started.fleet().printLogTails(System.err, 40);
    }
  }
}

package io.logicgraph.gateway.auth;

import java.util.regex.Pattern;

/** What a tenant id may look like: short, printable, safe in a Redis key and a log line. */
public final class Tenants {
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  private Tenants() {}

  public static boolean isValid(String tenant) {
    return tenant != null && VALID.matcher(tenant).matches();
  }

  /** The rule in words, for error messages. */
  public static final String RULE =
      "1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit";
}

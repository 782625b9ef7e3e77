package io.logicgraph.gateway.auth;

import io.logicgraph.gateway.GatewayConfig;
import io.logicgraph.gateway.GatewayProblem;
import io.logicgraph.gateway.store.Database;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * API keys: made here ({@code lgf_<id>_<secret>}, 256 random bits), stored in PostgreSQL only as
 * their SHA-256 digest (table {@code api_keys}), verified through an in-memory cache so a request
 * does not reach PostgreSQL for its key more than once per {@code gateway.auth.key-cache-ttl} per
 * gateway process. A revocation is immediate on the process that revoked and takes at most that
 * period on the others.
 */
@ApplicationScoped
public class ApiKeys {
  /** Every key made here starts with this, so leaked keys are recognizable by scanners. */
  public static final String PREFIX = "lgf_";

  /** Longest key accepted in a header; anything longer is refused without hashing or lookup. */
  static final int MAX_LENGTH = 256;

  private static final Pattern MADE_HERE = Pattern.compile("lgf_([a-z0-9]{12})_[A-Za-z0-9_-]{43}");
  private static final String ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The tenant a verified key acts for, and the key's public id (for logs). */
  public record Owner(String keyId, String tenant) {}

  /** A stored key, without anything secret. */
  public record ApiKey(
      String id,
      String tenant,
      String name,
      Instant createdAt,
      Instant revokedAt,
      Instant lastUsedAt) {}

  /** A key just made: the only moment its plaintext exists outside the client. */
  public record Created(ApiKey key, String plaintext) {}

  private record Cached(Owner owner, long expiresAt) {}

  private final Pool pool;
  private final long ttlNanos;
  private final int maxEntries;
  private final Duration timeout;
  private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompletableFuture<Owner>> lookups =
      new ConcurrentHashMap<>();

  public ApiKeys(Pool pool, GatewayConfig config) {
    this.pool = pool;
    this.ttlNanos = config.auth().keyCacheTtl().toNanos();
    this.maxEntries = config.auth().keyCacheSize();
    this.timeout = config.database().operationTimeout();
  }

  /** The SHA-256 digest of a key: what is stored and looked up, never the key. */
  public static byte[] digest(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /**
   * The owner of a presented key, or a null item when the key is unknown, revoked or malformed (the
   * caller cannot tell which). Fails with a 503 problem when PostgreSQL is needed and down.
   */
  public Uni<Owner> verify(String presented) {
    if (presented == null || presented.isEmpty() || presented.length() > MAX_LENGTH) {
      return Uni.createFrom().nullItem();
    }
    byte[] hash = digest(presented);
    String cacheKey = HexFormat.of().formatHex(hash);
    Cached cached = cache.get(cacheKey);
    long now = System.nanoTime();
    if (cached != null && now - cached.expiresAt() < 0) {
      return Uni.createFrom().item(cached.owner());
    }
    // one lookup per key at a time: a burst of requests with a key not cached yet (a fresh
    // process) waits for the first one's answer instead of each updating the same row in turn
    CompletableFuture<Owner> lookup = new CompletableFuture<>();
    CompletableFuture<Owner> running = lookups.putIfAbsent(cacheKey, lookup);
    if (running == null) {
      running = lookup;
      guarded(
              pool.preparedQuery(
                      "UPDATE api_keys SET last_used_at = now()"
                          + " WHERE key_hash = $1 AND revoked_at IS NULL"
                          + " RETURNING id, tenant_id")
                  .execute(Tuple.of(Buffer.buffer(hash))))
          .subscribe()
          .with(
              rows -> {
                Owner owner = null;
                for (Row row : rows) {
                  owner = new Owner(row.getString("id"), row.getString("tenant_id"));
                }
                remember(cacheKey, owner);
                lookups.remove(cacheKey, lookup);
                lookup.complete(owner);
              },
              failure -> {
                lookups.remove(cacheKey, lookup);
                lookup.completeExceptionally(failure);
              });
    }
    // the answer arrives on the context of the request that looked up: each waiting request goes
    // on on its own context (its database session is bound to it)
    Uni<Owner> answer = Uni.createFrom().completionStage(running.copy());
    Context context = Vertx.currentContext();
    return context == null ? answer : answer.emitOn(task -> context.runOnContext(v -> task.run()));
  }

  /** Makes a key for the tenant; its plaintext is in the answer and nowhere else. */
  public Uni<Created> create(String tenant, String name) {
    String id = randomId();
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String plaintext =
        PREFIX + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    return insert(id, plaintext, tenant, name)
        .map(
            rows -> {
              Row row = rows.iterator().next();
              return new Created(toKey(row), plaintext);
            });
  }

  /** Keys of one tenant, or of every tenant when {@code tenant} is empty; newest first. */
  public Uni<List<ApiKey>> list(Optional<String> tenant) {
    String select =
        "SELECT id, tenant_id, name, created_at, revoked_at, last_used_at FROM api_keys";
    Uni<RowSet<Row>> query =
        tenant.isPresent()
            ? pool.preparedQuery(select + " WHERE tenant_id = $1 ORDER BY created_at DESC, id")
                .execute(Tuple.of(tenant.get()))
            : pool.query(select + " ORDER BY created_at DESC, id").execute();
    return guarded(query)
        .map(
            rows -> {
              List<ApiKey> keys = new ArrayList<>();
              rows.forEach(row -> keys.add(toKey(row)));
              return keys;
            });
  }

  /**
   * Revokes a key (again is harmless); false when there is no key with this id. Immediate on this
   * process; other processes stop accepting it within the cache period.
   */
  public Uni<Boolean> revoke(String id) {
    return guarded(
            pool.preparedQuery(
                    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())"
                        + " WHERE id = $1 RETURNING key_hash")
                .execute(Tuple.of(id)))
        .map(
            rows -> {
              boolean found = false;
              for (Row row : rows) {
                found = true;
                cache.remove(HexFormat.of().formatHex(row.getBuffer("key_hash").getBytes()));
              }
              return found;
            });
  }

  /**
   * Makes sure the given key exists for the tenant (stored hashed; nothing happens when it does). A
   * revoked key stays revoked. Answers what is stored for it.
   */
  public Uni<ApiKey> ensure(String plaintext, String tenant, String name) {
    Matcher made = MADE_HERE.matcher(plaintext);
    String id = made.matches() ? made.group(1) : randomId();
    return insert(id, plaintext, tenant, name)
        .chain(
            ignored ->
                guarded(
                    pool.preparedQuery(
                            "SELECT id, tenant_id, name, created_at, revoked_at, last_used_at"
                                + " FROM api_keys WHERE key_hash = $1")
                        .execute(Tuple.of(Buffer.buffer(digest(plaintext))))))
        .map(
            rows -> {
              if (rows.size() == 0) {
                throw new IllegalStateException(
                    "the bootstrap key's id " + id + " is taken by another key");
              }
              return toKey(rows.iterator().next());
            });
  }

  /** Forgets every cached verdict (tests, and an operator who wants a revocation now). */
  public void clearCache() {
    cache.clear();
  }

  private Uni<RowSet<Row>> insert(String id, String plaintext, String tenant, String name) {
    return guarded(
        pool.preparedQuery(
                "INSERT INTO api_keys (id, key_hash, tenant_id, name, created_at)"
                    + " VALUES ($1, $2, $3, $4, now()) ON CONFLICT DO NOTHING"
                    + " RETURNING id, tenant_id, name, created_at, revoked_at, last_used_at")
            .execute(Tuple.of(id, Buffer.buffer(digest(plaintext)), tenant, name)));
  }

  private void remember(String cacheKey, Owner owner) {
    if (cache.size() >= maxEntries) {
      long now = System.nanoTime();
      cache.values().removeIf(entry -> now - entry.expiresAt() >= 0);
      if (cache.size() >= maxEntries) {
        cache.clear(); // a flood of made-up keys: start over rather than grow
      }
    }
    cache.put(cacheKey, new Cached(owner, System.nanoTime() + ttlNanos));
  }

  private <T> Uni<T> guarded(Uni<T> operation) {
    return operation
        .ifNoItem()
        .after(timeout)
        .failWith(GatewayProblem::databaseUnavailable)
        .onFailure(Database::isOutage)
        .transform(failure -> GatewayProblem.databaseUnavailable());
  }

  private static ApiKey toKey(Row row) {
    return new ApiKey(
        row.getString("id"),
        row.getString("tenant_id"),
        row.getString("name"),
        instant(row.getOffsetDateTime("created_at")),
        instant(row.getOffsetDateTime("revoked_at")),
        instant(row.getOffsetDateTime("last_used_at")));
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  private static String randomId() {
    StringBuilder id = new StringBuilder(12);
    for (int i = 0; i < 12; i++) {
      id.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
    }
    return id.toString();
  }
}

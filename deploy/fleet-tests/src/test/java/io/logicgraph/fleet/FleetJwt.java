package io.logicgraph.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * JWT bearer tokens for the fleet's gateway: an RSA key pair made for the test JVM, whose public
 * half the gateway verifies with (LGF_JWT_PUBLIC_KEY_LOCATION, LGF_JWT_ISSUER, LGF_JWT_AUDIENCE),
 * and RS256 tokens signed with the private half.
 */
final class FleetJwt {
  static final String ISSUER = "https://issuer.fleet-tests.logic-graph";
  static final String AUDIENCE = "logic-graph-api";

  private static final KeyPair KEYS = generate();

  private FleetJwt() {}

  /** Writes the public key as PEM into the directory; returns the file. */
  static Path writePublicKey(Path directory) {
    try {
      Files.createDirectories(directory);
      Path file = directory.resolve("jwt-public.pem");
      String base64 =
          Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
              .encodeToString(KEYS.getPublic().getEncoded());
      Files.writeString(
          file, "-----BEGIN PUBLIC KEY-----\n" + base64 + "\n-----END PUBLIC KEY-----\n");
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A token for the tenant, valid for the given time, unique (its jti is random). */
  static String token(String tenant, Duration validity) {
    long now = Instant.now().getEpochSecond();
    String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
    String claims =
        "{\"iss\":\""
            + ISSUER
            + "\",\"aud\":\""
            + AUDIENCE
            + "\",\"sub\":\"fleet-tests\",\"tenant\":\""
            + tenant
            + "\",\"iat\":"
            + now
            + ",\"exp\":"
            + (now + validity.toSeconds())
            + ",\"jti\":\""
            + UUID.randomUUID()
            + "\"}";
    String signed = base64Url(header) + "." + base64Url(claims);
    try {
      Signature rsa = Signature.getInstance("SHA256withRSA");
      rsa.initSign(KEYS.getPrivate());
      rsa.update(signed.getBytes(StandardCharsets.US_ASCII));
      return signed + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base64Url(String json) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static KeyPair generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}

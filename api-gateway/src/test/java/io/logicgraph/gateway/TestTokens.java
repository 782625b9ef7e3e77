package io.logicgraph.gateway;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;

/**
 * JWTs for the suite: a key pair made for the run (the public half configured as the gateway's
 * verification key, the private half signing the tokens tests send), plus a second pair whose
 * tokens the gateway must refuse.
 */
public final class TestTokens {
  public static final String ISSUER = "https://issuer.test.logic-graph";
  public static final String AUDIENCE = "logic-graph-api";
  private static final Path DIRECTORY = Path.of("target", "test-jwt");

  private TestTokens() {}

  /** The gateway's JWT settings; makes the run's key pair on first use. */
  static Map<String, String> verifierProperties() {
    try {
      Files.createDirectories(DIRECTORY);
      KeyPair pair = generate();
      Files.writeString(
          DIRECTORY.resolve("public.pem"), pem("PUBLIC KEY", pair.getPublic().getEncoded()));
      Files.writeString(
          DIRECTORY.resolve("private.pem"), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Map.of(
        "mp.jwt.verify.publickey.location",
        DIRECTORY.resolve("public.pem").toAbsolutePath().toString(),
        "mp.jwt.verify.issuer",
        ISSUER,
        "mp.jwt.verify.audiences",
        AUDIENCE);
  }

  /** Claims of a good token for the tenant (issuer, audience, an expiry 5 minutes away). */
  public static JwtClaimsBuilder claims(String tenant) {
    JwtClaimsBuilder claims =
        Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-client").expiresIn(300);
    return tenant == null ? claims : claims.claim("tenant", tenant);
  }

  /** Signed with the key the gateway trusts. */
  public static String sign(JwtClaimsBuilder claims) {
    return claims.sign(trustedKey());
  }

  /** Signed with a key the gateway has never seen. */
  public static String signWithStrangerKey(JwtClaimsBuilder claims) {
    return claims.sign(generate().getPrivate());
  }

  private static PrivateKey trustedKey() {
    try {
      String pem = Files.readString(DIRECTORY.resolve("private.pem"));
      String base64 = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
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

  private static String pem(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}

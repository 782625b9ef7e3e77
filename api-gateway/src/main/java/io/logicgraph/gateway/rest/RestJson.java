package io.logicgraph.gateway.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * JSON of the REST API: snake_case names and timestamps as ISO-8601 UTC with exactly six fractional
 * digits ({@code 2026-11-22T10:15:30.123456Z}), the precision PostgreSQL keeps.
 */
@Singleton
public class RestJson implements ObjectMapperCustomizer {
  static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public void customize(ObjectMapper mapper) {
    mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    SimpleModule timestamps = new SimpleModule("logic-graph-timestamps");
    timestamps.addSerializer(Instant.class, new MicrosecondInstantSerializer());
    mapper.registerModule(timestamps);
  }

  /** Writes an instant with microsecond precision, always six digits. */
  static final class MicrosecondInstantSerializer extends StdSerializer<Instant> {
    MicrosecondInstantSerializer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, JsonGenerator generator, SerializerProvider provider)
        throws IOException {
      generator.writeString(TIMESTAMP.format(value));
    }
  }
}

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LLM EMULATOR — not a real model. A single-file, JDK-only stand-in for OpenAI's chat completions
 * API, for local runs and tests of worker-ai:
 *
 * <pre>
 *   java deploy/local/llm-emulator/LlmEmulator.java [--port 8090] [--host 127.0.0.1] [--api-key KEY]
 * </pre>
 *
 * <p>{@code POST /v1/chat/completions} checks what OpenAI checks (a bearer key, a JSON body with
 * {@code model} and non-empty {@code messages}, {@code temperature} within 0..2) and answers
 * deterministically: the content is {@code "[emulator] "} followed by the first words of the last
 * user message, token counts are word counts. With {@code --api-key}, any other key gets 401.
 *
 * <p>Fault modes, chosen by the model name: {@code emulator-429} (429 with {@code Retry-After: 1}),
 * {@code emulator-500}, {@code emulator-401} (401 whose message quotes the key it received, as a
 * careless provider might: clients must not pass it on), {@code emulator-hang} (never answers),
 * {@code emulator-malformed} (200 with a body that is not JSON), {@code emulator-slow-<ms>} (answers
 * after that delay). {@code GET /emulator/last-request} shows the last completion request (body
 * and headers, the key masked); {@code GET /health} answers 200. Port 0 picks a free port; the
 * banner line {@code listening on http://HOST:PORT/v1} tells which.
 */
public final class LlmEmulator {
  private static final int SUMMARY_WORDS = 12;

  private final String apiKey;
  private final AtomicLong ids = new AtomicLong();
  private volatile String lastRequest = "{}";

  private LlmEmulator(String apiKey) {
    this.apiKey = apiKey;
  }

  public static void main(String[] args) throws IOException {
    int port = 8090;
    String host = "127.0.0.1";
    String apiKey = System.getenv("EMULATOR_API_KEY");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--host" -> host = args[++i];
        case "--api-key" -> apiKey = args[++i];
        default -> {
          System.err.println("usage: LlmEmulator [--port N] [--host H] [--api-key KEY]");
          System.exit(2);
        }
      }
    }
    LlmEmulator emulator = new LlmEmulator(apiKey == null || apiKey.isBlank() ? null : apiKey);
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 64);
    ExecutorService threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "emulator");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(threads);
    server.createContext("/v1/chat/completions", emulator::completions);
    server.createContext("/emulator/last-request", emulator::lastRequest);
    server.createContext("/health", exchange -> send(exchange, 200, "text/plain", "ok"));
    server.start();
    int bound = server.getAddress().getPort();
    System.out.println("==============================================================");
    System.out.println(" LLM EMULATOR — not a real model (deterministic test answers)");
    System.out.println(" listening on http://" + host + ":" + bound + "/v1");
    System.out.println(" api key check: " + (emulator.apiKey == null ? "any bearer key" : "on"));
    System.out.println("==============================================================");
    System.out.flush();
  }

  private void completions(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        error(exchange, 405, "invalid_request_error", "Only POST is supported.", null);
        return;
      }
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      String body = readBody(exchange.getRequestBody());
      Object parsed;
      try {
        parsed = new JsonReader(body).read();
      } catch (IllegalArgumentException e) {
        remember(exchange, authorization, body);
        error(exchange, 400, "invalid_request_error", "We could not parse the JSON body of your request.", null);
        return;
      }
      remember(exchange, authorization, parsed);
      if (authorization == null || !authorization.startsWith("Bearer ") || authorization.length() <= 7) {
        error(exchange, 401, "invalid_request_error",
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth.",
            null);
        return;
      }
      String key = authorization.substring(7);
      if (apiKey != null && !apiKey.equals(key)) {
        error(exchange, 401, "invalid_request_error", "Incorrect API key provided.", "invalid_api_key");
        return;
      }
      if (!(parsed instanceof Map<?, ?> request)) {
        error(exchange, 400, "invalid_request_error", "The request body must be a JSON object.", null);
        return;
      }
      if (!(request.get("model") instanceof String model) || model.isBlank()) {
        error(exchange, 400, "invalid_request_error", "you must provide a model parameter", null);
        return;
      }
      if (!(request.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
        error(exchange, 400, "invalid_request_error",
            "Invalid 'messages': empty array. Expected an array with minimum length 1.", null);
        return;
      }
      Object temperature = request.get("temperature");
      if (temperature != null
          && (!(temperature instanceof Number t) || t.doubleValue() < 0 || t.doubleValue() > 2)) {
        error(exchange, 400, "invalid_request_error",
            "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got "
                + temperature + " instead.",
            "decimal_above_max_value");
        return;
      }
      if (fault(exchange, model, key)) {
        return;
      }
      answer(exchange, model, messages, request.get("max_tokens"));
    }
  }

  /** Plays the fault mode the model name asks for; false when it names none. */
  private boolean fault(HttpExchange exchange, String model, String key) throws IOException {
    switch (model) {
      case "emulator-429" -> {
        exchange.getResponseHeaders().add("Retry-After", "1");
        error(exchange, 429, "rate_limit_error",
            "Rate limit reached for requests. Please try again in 1s.", "rate_limit_exceeded");
        return true;
      }
      case "emulator-500" -> {
        error(exchange, 500, "server_error", "The server had an error while processing your request.", null);
        return true;
      }
      case "emulator-401" -> {
        error(exchange, 401, "invalid_request_error", "Incorrect API key provided: " + key + ".",
            "invalid_api_key");
        return true;
      }
      case "emulator-malformed" -> {
        send(exchange, 200, "application/json", "{\"id\": \"chatcmpl-broken\", \"choices\": [");
        return true;
      }
      case "emulator-hang" -> {
        sleep(Long.MAX_VALUE);
        return true;
      }
      default -> {
        if (model.startsWith("emulator-slow-")) {
          sleep(Long.parseLong(model.substring("emulator-slow-".length())));
        }
        return false;
      }
    }
  }

  private void answer(HttpExchange exchange, String model, List<?> messages, Object maxTokens)
      throws IOException {
    String lastUser = "";
    int promptTokens = 0;
    for (Object message : messages) {
      if (message instanceof Map<?, ?> m && m.get("content") instanceof String content) {
        promptTokens += words(content).size();
        if ("user".equals(m.get("role"))) {
          lastUser = content;
        }
      }
    }
    List<String> words = words(lastUser);
    int limit = SUMMARY_WORDS;
    String finishReason = "stop";
    if (maxTokens instanceof Number n && n.intValue() < limit + 1) {
      limit = Math.max(0, n.intValue() - 1);
      finishReason = words.size() > limit ? "length" : "stop";
    }
    String summary = String.join(" ", words.subList(0, Math.min(limit, words.size())));
    if (words.size() > limit && finishReason.equals("stop")) {
      summary += " …";
    }
    String content = "[emulator] " + summary;
    int completionTokens = words(content).size();
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("id", "chatcmpl-emulator-" + ids.incrementAndGet());
    response.put("object", "chat.completion");
    response.put("created", System.currentTimeMillis() / 1000);
    response.put("model", model);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", content);
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("finish_reason", finishReason);
    response.put("choices", List.of(choice));
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", promptTokens + completionTokens);
    response.put("usage", usage);
    send(exchange, 200, "application/json", JsonWriter.write(response));
  }

  private void lastRequest(HttpExchange exchange) throws IOException {
    try (exchange) {
      send(exchange, 200, "application/json", lastRequest);
    }
  }

  private void remember(HttpExchange exchange, String authorization, Object body) {
    Map<String, Object> seen = new LinkedHashMap<>();
    seen.put("method", exchange.getRequestMethod());
    seen.put("path", exchange.getRequestURI().getPath());
    seen.put("content_type", exchange.getRequestHeaders().getFirst("Content-Type"));
    seen.put("authorization", mask(authorization));
    seen.put("body", body);
    lastRequest = JsonWriter.write(seen);
  }

  /** "Bearer sk-…abcd": enough to check the scheme and which key, never the key itself. */
  private static String mask(String authorization) {
    if (authorization == null) {
      return null;
    }
    if (!authorization.startsWith("Bearer ")) {
      return "(not a bearer token)";
    }
    String key = authorization.substring(7);
    return "Bearer " + (key.length() <= 8 ? "…" : key.substring(0, 3) + "…" + key.substring(key.length() - 4));
  }

  private static void error(HttpExchange exchange, int status, String type, String message, String code)
      throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("message", message);
    error.put("type", type);
    error.put("param", null);
    error.put("code", code);
    send(exchange, status, "application/json", JsonWriter.write(Map.of("error", error)));
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String readBody(InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.trim().split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Just enough JSON reading for request bodies: objects, arrays, strings, numbers, literals. */
  private static final class JsonReader {
    private final String text;
    private int pos;

    JsonReader(String text) {
      this.text = text;
    }

    Object read() {
      Object value = value();
      skipSpace();
      if (pos != text.length()) {
        throw new IllegalArgumentException("trailing characters at " + pos);
      }
      return value;
    }

    private Object value() {
      skipSpace();
      if (pos >= text.length()) {
        throw new IllegalArgumentException("unexpected end");
      }
      char c = text.charAt(pos);
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    private Map<String, Object> object() {
      Map<String, Object> object = new LinkedHashMap<>();
      pos++;
      skipSpace();
      if (peek('}')) {
        pos++;
        return object;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        object.put(key, value());
        skipSpace();
        if (peek(',')) {
          pos++;
        } else {
          expect('}');
          return object;
        }
      }
    }

    private List<Object> array() {
      List<Object> array = new ArrayList<>();
      pos++;
      skipSpace();
      if (peek(']')) {
        pos++;
        return array;
      }
      while (true) {
        array.add(value());
        skipSpace();
        if (peek(',')) {
          pos++;
        } else {
          expect(']');
          return array;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          char e = text.charAt(pos++);
          switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
              out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              pos += 4;
            }
            default -> out.append(e);
          }
        } else {
          out.append(c);
        }
      }
      throw new IllegalArgumentException("unterminated string");
    }

    private Number number() {
      int start = pos;
      while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      String raw = text.substring(start, pos);
      try {
        if (raw.contains(".") || raw.contains("e") || raw.contains("E")) {
          return Double.parseDouble(raw);
        }
        return Long.parseLong(raw);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad value at " + start);
      }
    }

    private Object literal(String word, Object value) {
      if (!text.startsWith(word, pos)) {
        throw new IllegalArgumentException("bad literal at " + pos);
      }
      pos += word.length();
      return value;
    }

    private boolean peek(char c) {
      return pos < text.length() && text.charAt(pos) == c;
    }

    private void expect(char c) {
      if (!peek(c)) {
        throw new IllegalArgumentException("expected '" + c + "' at " + pos);
      }
      pos++;
    }

    private void skipSpace() {
      while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
        pos++;
      }
    }
  }

  /** JSON writing for responses. */
  private static final class JsonWriter {
    static String write(Object value) {
      StringBuilder out = new StringBuilder();
      write(value, out);
      return out.toString();
    }

    private static void write(Object value, StringBuilder out) {
      if (value == null) {
        out.append("null");
      } else if (value instanceof String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
          switch (c) {
            case '"' -> out.append("\\\"");
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
              if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
              } else {
                out.append(c);
              }
            }
          }
        }
        out.append('"');
      } else if (value instanceof Map<?, ?> map) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
          if (!first) {
            out.append(',');
          }
          first = false;
          write(String.valueOf(entry.getKey()), out);
          out.append(':');
          write(entry.getValue(), out);
        }
        out.append('}');
      } else if (value instanceof List<?> list) {
        out.append('[');
        for (int i = 0; i < list.size(); i++) {
          if (i > 0) {
            out.append(',');
          }
          write(list.get(i), out);
        }
        out.append(']');
      } else {
        out.append(value);
      }
    }
  }
}

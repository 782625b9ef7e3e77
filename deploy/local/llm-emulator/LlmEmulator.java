import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * LLM EMULATOR — not a real model. A single-file, JDK-only stand-in for three LLM APIs, for local
 * runs and tests of worker-ai:
 *
 * <pre>
 *   java deploy/local/llm-emulator/LlmEmulator.java [--port 8090] [--host 127.0.0.1] [--api-key KEY]
 * </pre>
 *
 * <ul>
 *   <li>{@code POST /v1/chat/completions}: OpenAI chat completions. Checks a bearer key, a JSON body
 *       with {@code model} and non-empty {@code messages}, {@code temperature} within 0..2.
 *   <li>{@code POST /v1/messages}: Anthropic Messages. Checks the {@code x-api-key}, {@code
 *       anthropic-version} and {@code content-type: application/json} headers, {@code model},
 *       {@code max_tokens} (required, ≥ 1), non-empty {@code messages} with roles user/assistant
 *       only (a system prompt belongs in the top-level {@code system}), {@code temperature} within
 *       0..1, and no unknown top-level fields.
 *   <li>{@code POST /api/chat}: Ollama chat, non-streaming only. Checks {@code model}, non-empty
 *       {@code messages}, {@code "stream": false}, and known top-level fields and {@code options}
 *       (so {@code max_tokens} must be sent as {@code options.num_predict}). No key.
 * </ul>
 *
 * <p>A request of the wrong shape gets that provider's 400 error body (OpenAI {@code {"error":
 * {message, type, param, code}}}, Anthropic {@code {"type": "error", "error": {type, message}}},
 * Ollama {@code {"error": "..."}}). Answers are deterministic: the content is {@code "[emulator] "}
 * followed by the first words of the last user message (Anthropic: as two text blocks), token
 * counts are word counts, and {@code max_tokens}/{@code num_predict} below 13 cut the answer
 * (finish reason {@code length}, Anthropic {@code max_tokens}). With {@code --api-key}, OpenAI and
 * Anthropic requests with any other key get 401.
 *
 * <p>Fault modes, chosen by the model name, on every API: {@code emulator-<status>} answers that
 * HTTP status with the provider's error body, e.g. {@code emulator-429} (with {@code Retry-After:
 * 1}), {@code emulator-500}, {@code emulator-529} (Anthropic's "overloaded"), {@code emulator-404}
 * (model not found), {@code emulator-401} (whose message quotes the key it received, as a careless
 * provider might: clients must not pass it on); {@code emulator-hang} (never answers), {@code
 * emulator-malformed} (2xx with a body that is not JSON), {@code emulator-slow-<ms>} (answers after
 * that delay).
 *
 * <p>Test-only: {@code GET /emulator/last-request} shows the last request received (method, path,
 * headers with keys masked, body); {@code ?path=/v1/messages} the last one on that path. {@code GET
 * /health} answers 200. Port 0 picks a free port; the banner line {@code listening on
 * http://HOST:PORT/v1} tells which (Anthropic and Ollama base URLs are {@code http://HOST:PORT}).
 */
public final class LlmEmulator {
  private static final int SUMMARY_WORDS = 12;
  private static final Set<String> ANTHROPIC_VERSIONS = Set.of("2023-06-01", "2023-01-01");
  private static final Set<String> ANTHROPIC_FIELDS =
      Set.of(
          "model", "messages", "max_tokens", "system", "temperature", "top_p", "top_k",
          "stop_sequences", "stream", "metadata", "tools", "tool_choice", "thinking",
          "service_tier");
  private static final Set<String> OLLAMA_FIELDS =
      Set.of("model", "messages", "stream", "options", "format", "keep_alive", "tools", "think");
  private static final Set<String> OLLAMA_OPTIONS =
      Set.of(
          "temperature", "num_predict", "top_p", "top_k", "min_p", "seed", "stop", "num_ctx",
          "repeat_penalty", "repeat_last_n", "presence_penalty", "frequency_penalty");

  /** The three wire dialects; each has its own error body. */
  private enum Api {
    OPENAI,
    ANTHROPIC,
    OLLAMA
  }

  /** Ends request handling with an error answer already sent. */
  private static final class Rejected extends Exception {
    Rejected() {
      super(null, null, false, false);
    }
  }

  private final String apiKey;
  private final AtomicLong ids = new AtomicLong();
  private volatile String lastRequest = "{}";
  private final Map<String, String> lastRequestByPath = new ConcurrentHashMap<>();

  private LlmEmulator(String apiKey) {
    this.apiKey = apiKey;
  }

  public static void main(String[] args) throws IOException {
    // The JDK server leaves Nagle's algorithm on: on a kept-alive connection a response written in
    // two segments then waits for the client's delayed ACK, about 40 ms per request, which no real
    // provider adds. Read once when the server classes load, so it is set before anything else.
    System.setProperty("sun.net.httpserver.nodelay", "true");
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
    server.createContext("/v1/chat/completions", exchange -> emulator.handle(exchange, Api.OPENAI));
    server.createContext("/v1/messages", exchange -> emulator.handle(exchange, Api.ANTHROPIC));
    server.createContext("/api/chat", exchange -> emulator.handle(exchange, Api.OLLAMA));
    server.createContext("/emulator/last-request", emulator::lastRequest);
    server.createContext("/health", exchange -> send(exchange, 200, "text/plain", "ok"));
    server.start();
    int bound = server.getAddress().getPort();
    String root = "http://" + host + ":" + bound;
    System.out.println("==============================================================");
    System.out.println(" LLM EMULATOR — not a real model (deterministic test answers)");
    System.out.println(" listening on " + root + "/v1");
    System.out.println("   OpenAI     OPENAI_BASE_URL=" + root + "/v1");
    System.out.println("   Anthropic  ANTHROPIC_BASE_URL=" + root);
    System.out.println("   Ollama     OLLAMA_BASE_URL=" + root);
    System.out.println(" api key check: " + (emulator.apiKey == null ? "any key" : "on"));
    System.out.println("==============================================================");
    System.out.flush();
  }

  private void handle(HttpExchange exchange, Api api) throws IOException {
    try (exchange) {
      try {
        if (!"POST".equals(exchange.getRequestMethod())) {
          throw error(exchange, api, 405, "Only POST is supported.");
        }
        String body = readBody(exchange.getRequestBody());
        Object parsed;
        try {
          parsed = new JsonReader(body).read();
        } catch (IllegalArgumentException e) {
          remember(exchange, body);
          throw error(exchange, api, 400, unparsable(api, e));
        }
        remember(exchange, parsed);
        switch (api) {
          case OPENAI -> openAi(exchange, parsed);
          case ANTHROPIC -> anthropic(exchange, parsed);
          case OLLAMA -> ollama(exchange, parsed);
        }
      } catch (Rejected answered) {
        // the error answer is sent
      }
    }
  }

  // ------------------------------------------------------------------------------------ OpenAI

  private void openAi(HttpExchange exchange, Object parsed) throws IOException, Rejected {
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization == null
        || !authorization.startsWith("Bearer ")
        || authorization.length() <= 7) {
      throw error(
          exchange,
          Api.OPENAI,
          401,
          "You didn't provide an API key. You need to provide your API key in an Authorization"
              + " header using Bearer auth.");
    }
    String key = authorization.substring(7);
    if (apiKey != null && !apiKey.equals(key)) {
      throw error(exchange, Api.OPENAI, 401, "Incorrect API key provided.");
    }
    if (!(parsed instanceof Map<?, ?> request)) {
      throw error(exchange, Api.OPENAI, 400, "The request body must be a JSON object.");
    }
    if (!(request.get("model") instanceof String model) || model.isBlank()) {
      throw error(exchange, Api.OPENAI, 400, "you must provide a model parameter");
    }
    if (!(request.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
      throw error(
          exchange,
          Api.OPENAI,
          400,
          "Invalid 'messages': empty array. Expected an array with minimum length 1.");
    }
    Object temperature = request.get("temperature");
    if (temperature != null
        && (!(temperature instanceof Number t) || t.doubleValue() < 0 || t.doubleValue() > 2)) {
      throw error(
          exchange,
          Api.OPENAI,
          400,
          "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got "
              + temperature
              + " instead.");
    }
    fault(exchange, Api.OPENAI, model, key);
    Answer answer = answer(texts(messages, null), lastUser(messages), request.get("max_tokens"));
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("id", "chatcmpl-emulator-" + ids.incrementAndGet());
    response.put("object", "chat.completion");
    response.put("created", System.currentTimeMillis() / 1000);
    response.put("model", model);
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("content", answer.content());
    Map<String, Object> choice = new LinkedHashMap<>();
    choice.put("index", 0);
    choice.put("message", message);
    choice.put("finish_reason", answer.cut() ? "length" : "stop");
    response.put("choices", List.of(choice));
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("prompt_tokens", answer.promptTokens());
    usage.put("completion_tokens", answer.completionTokens());
    usage.put("total_tokens", answer.promptTokens() + answer.completionTokens());
    response.put("usage", usage);
    send(exchange, 200, "application/json", JsonWriter.write(response));
  }

  // --------------------------------------------------------------------------------- Anthropic

  private void anthropic(HttpExchange exchange, Object parsed) throws IOException, Rejected {
    Api api = Api.ANTHROPIC;
    String key = exchange.getRequestHeaders().getFirst("x-api-key");
    if (key == null || key.isBlank()) {
      throw error(exchange, api, 401, "x-api-key header is required");
    }
    if (apiKey != null && !apiKey.equals(key)) {
      throw error(exchange, api, 401, "invalid x-api-key");
    }
    String version = exchange.getRequestHeaders().getFirst("anthropic-version");
    if (version == null || version.isBlank()) {
      throw error(exchange, api, 400, "anthropic-version: header is required");
    }
    if (!ANTHROPIC_VERSIONS.contains(version)) {
      throw error(exchange, api, 400, "anthropic-version: invalid version '" + version + "'");
    }
    String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw error(exchange, api, 400, "content-type: must be application/json");
    }
    if (!(parsed instanceof Map<?, ?> request)) {
      throw error(exchange, api, 400, "body: Input should be a valid dictionary");
    }
    for (Object field : request.keySet()) {
      if (!ANTHROPIC_FIELDS.contains(String.valueOf(field))) {
        throw error(exchange, api, 400, field + ": Extra inputs are not permitted");
      }
    }
    if (!(request.get("model") instanceof String model) || model.isBlank()) {
      throw error(exchange, api, 400, "model: Field required");
    }
    Object maxTokens = request.get("max_tokens");
    if (maxTokens == null) {
      throw error(exchange, api, 400, "max_tokens: Field required");
    }
    if (!(maxTokens instanceof Long n) || n < 1) {
      throw error(exchange, api, 400, "max_tokens: Input should be an integer greater than 0");
    }
    if (!(request.get("messages") instanceof List<?> messages)) {
      throw error(exchange, api, 400, "messages: Field required");
    }
    if (messages.isEmpty()) {
      throw error(exchange, api, 400, "messages: at least one message is required");
    }
    for (int i = 0; i < messages.size(); i++) {
      if (!(messages.get(i) instanceof Map<?, ?> message)) {
        throw error(exchange, api, 400, "messages." + i + ": Input should be a valid dictionary");
      }
      Object role = message.get("role");
      if (!"user".equals(role) && !"assistant".equals(role)) {
        throw error(
            exchange,
            api,
            400,
            "messages."
                + i
                + ".role: Input should be 'user' or 'assistant'"
                + ("system".equals(role)
                    ? " (a system prompt goes in the top-level `system` parameter)"
                    : ""));
      }
      Object content = message.get("content");
      if (!(content instanceof String) && !(content instanceof List<?>)) {
        throw error(exchange, api, 400, "messages." + i + ".content: Field required");
      }
    }
    Object system = request.get("system");
    if (system != null && !(system instanceof String) && !(system instanceof List<?>)) {
      throw error(exchange, api, 400, "system: Input should be a valid string");
    }
    Object temperature = request.get("temperature");
    if (temperature != null
        && (!(temperature instanceof Number t) || t.doubleValue() < 0 || t.doubleValue() > 1)) {
      throw error(exchange, api, 400, "temperature: Input should be less than or equal to 1");
    }
    fault(exchange, api, model, key);
    Answer answer =
        answer(texts(messages, system instanceof String s ? s : null), lastUser(messages), maxTokens);
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("id", "msg_emulator_" + ids.incrementAndGet());
    response.put("type", "message");
    response.put("role", "assistant");
    response.put("model", model);
    // Two text blocks, so clients prove they join every block.
    response.put(
        "content",
        List.of(
            object("type", "text", "text", "[emulator] "),
            object("type", "text", "text", answer.content().substring("[emulator] ".length()))));
    response.put("stop_reason", answer.cut() ? "max_tokens" : "end_turn");
    response.put("stop_sequence", null);
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("input_tokens", answer.promptTokens());
    usage.put("output_tokens", answer.completionTokens());
    response.put("usage", usage);
    exchange.getResponseHeaders().set("request-id", "req_emulator_" + ids.get());
    send(exchange, 200, "application/json", JsonWriter.write(response));
  }

  // ------------------------------------------------------------------------------------ Ollama

  private void ollama(HttpExchange exchange, Object parsed) throws IOException, Rejected {
    Api api = Api.OLLAMA;
    if (!(parsed instanceof Map<?, ?> request)) {
      throw error(exchange, api, 400, "json: cannot unmarshal into Go value of type api.ChatRequest");
    }
    for (Object field : request.keySet()) {
      if (!OLLAMA_FIELDS.contains(String.valueOf(field))) {
        throw error(exchange, api, 400, "LLM emulator: unknown field \"" + field + "\"");
      }
    }
    if (!(request.get("model") instanceof String model) || model.isBlank()) {
      throw error(exchange, api, 400, "model is required");
    }
    if (!(request.get("messages") instanceof List<?> messages) || messages.isEmpty()) {
      throw error(exchange, api, 400, "messages is required");
    }
    for (Object item : messages) {
      if (!(item instanceof Map<?, ?> message)
          || !Set.of("system", "user", "assistant", "tool").contains(message.get("role"))
          || !(message.get("content") instanceof String)) {
        throw error(
            exchange,
            api,
            400,
            "each message needs a role (system, user, assistant or tool) and string content");
      }
    }
    if (!Boolean.FALSE.equals(request.get("stream"))) {
      throw error(
          exchange,
          api,
          400,
          "LLM emulator: only \"stream\": false is supported (Ollama streams by default)");
    }
    Object numPredict = null;
    Object options = request.get("options");
    if (options != null) {
      if (!(options instanceof Map<?, ?> map)) {
        throw error(exchange, api, 400, "options must be an object");
      }
      for (Object option : map.keySet()) {
        if (!OLLAMA_OPTIONS.contains(String.valueOf(option))) {
          throw error(exchange, api, 400, "LLM emulator: invalid option \"" + option + "\"");
        }
      }
      if (map.get("temperature") != null && !(map.get("temperature") instanceof Number)) {
        throw error(exchange, api, 400, "option \"temperature\" must be a number");
      }
      numPredict = map.get("num_predict");
      if (numPredict != null && !(numPredict instanceof Long)) {
        throw error(exchange, api, 400, "option \"num_predict\" must be an integer");
      }
    }
    fault(exchange, api, model, null);
    Answer answer = answer(texts(messages, null), lastUser(messages), numPredict);
    Map<String, Object> response = new LinkedHashMap<>();
    response.put("model", model);
    response.put("created_at", Instant.now().toString());
    response.put("message", object("role", "assistant", "content", answer.content()));
    response.put("done_reason", answer.cut() ? "length" : "stop");
    response.put("done", true);
    response.put("total_duration", 1_000_000L);
    response.put("load_duration", 1_000L);
    response.put("prompt_eval_count", answer.promptTokens());
    response.put("prompt_eval_duration", 1_000L);
    response.put("eval_count", answer.completionTokens());
    response.put("eval_duration", 1_000L);
    send(exchange, 200, "application/json; charset=utf-8", JsonWriter.write(response));
  }

  // ----------------------------------------------------------------------------- shared parts

  /** Plays the fault mode the model name asks for; returns when it names none. */
  private void fault(HttpExchange exchange, Api api, String model, String key)
      throws IOException, Rejected {
    if (model.equals("emulator-malformed")) {
      String broken =
          switch (api) {
            case OPENAI -> "{\"id\": \"chatcmpl-broken\", \"choices\": [";
            case ANTHROPIC -> "{\"id\": \"msg_broken\", \"type\": \"message\", \"content\": [";
            case OLLAMA -> "{\"model\": \"emulator-malformed\", \"message\": {\"role\": ";
          };
      send(exchange, 200, "application/json", broken);
      throw new Rejected();
    }
    if (model.equals("emulator-hang")) {
      sleep(Long.MAX_VALUE);
      throw new Rejected();
    }
    if (model.startsWith("emulator-slow-")) {
      sleep(Long.parseLong(model.substring("emulator-slow-".length())));
      return;
    }
    if (model.matches("emulator-[1-5][0-9][0-9]")) {
      int status = Integer.parseInt(model.substring("emulator-".length()));
      if (status == 429) {
        exchange.getResponseHeaders().add("Retry-After", "1");
      }
      throw error(exchange, api, status, faultMessage(api, status, model, key));
    }
  }

  private static String faultMessage(Api api, int status, String model, String key) {
    return switch (status) {
      case 401 ->
          switch (api) {
            case OPENAI -> "Incorrect API key provided: " + key + ".";
            case ANTHROPIC -> "invalid x-api-key: " + key;
            case OLLAMA -> "unauthorized";
          };
      case 404 ->
          switch (api) {
            case OPENAI ->
                "The model `" + model + "` does not exist or you do not have access to it.";
            case ANTHROPIC -> "model: " + model;
            case OLLAMA -> "model \"" + model + "\" not found, try pulling it first";
          };
      case 429 ->
          switch (api) {
            case OPENAI -> "Rate limit reached for requests. Please try again in 1s.";
            case ANTHROPIC ->
                "This request would exceed the rate limit for your organization. Please try"
                    + " again in 1s.";
            case OLLAMA -> "server busy, please try again. maximum pending requests exceeded";
          };
      case 500 ->
          switch (api) {
            case OPENAI -> "The server had an error while processing your request.";
            case ANTHROPIC -> "Internal server error";
            case OLLAMA -> "llama runner process has terminated: exit status 2";
          };
      case 529 -> "Overloaded";
      default -> "emulated status " + status;
    };
  }

  /** Sends the provider's error body and returns the exception that ends the handling. */
  private Rejected error(HttpExchange exchange, Api api, int status, String message)
      throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    switch (api) {
      case OPENAI -> {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", message);
        error.put("type", openAiType(status));
        error.put("param", null);
        error.put(
            "code",
            switch (status) {
              case 401 -> "invalid_api_key";
              case 404 -> "model_not_found";
              case 429 -> "rate_limit_exceeded";
              default -> null;
            });
        body.put("error", error);
      }
      case ANTHROPIC -> {
        body.put("type", "error");
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", anthropicType(status));
        error.put("message", message);
        body.put("error", error);
        String requestId = "req_emulator_" + ids.incrementAndGet();
        body.put("request_id", requestId);
        exchange.getResponseHeaders().set("request-id", requestId);
      }
      case OLLAMA -> body.put("error", message);
    }
    send(exchange, status, "application/json", JsonWriter.write(body));
    return new Rejected();
  }

  private static String openAiType(int status) {
    return switch (status) {
      case 429 -> "rate_limit_error";
      default -> status >= 500 ? "server_error" : "invalid_request_error";
    };
  }

  private static String anthropicType(int status) {
    return switch (status) {
      case 400, 405 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 529 -> "overloaded_error";
      default -> "api_error";
    };
  }

  private static String unparsable(Api api, IllegalArgumentException e) {
    return switch (api) {
      case OPENAI -> "We could not parse the JSON body of your request.";
      case ANTHROPIC -> "There was an error parsing the body of your request: " + e.getMessage();
      case OLLAMA -> "invalid character in JSON: " + e.getMessage();
    };
  }

  /** A deterministic answer: "[emulator] " and the start of the last user message. */
  private record Answer(String content, boolean cut, int promptTokens, int completionTokens) {}

  private static Answer answer(List<String> prompts, String lastUser, Object maxTokens) {
    int promptTokens = 0;
    for (String prompt : prompts) {
      promptTokens += words(prompt).size();
    }
    List<String> words = words(lastUser);
    int limit = SUMMARY_WORDS;
    boolean cut = false;
    if (maxTokens instanceof Number n && n.intValue() < limit + 1) {
      limit = Math.max(0, n.intValue() - 1);
      cut = words.size() > limit;
    }
    String summary = String.join(" ", words.subList(0, Math.min(limit, words.size())));
    if (words.size() > limit && !cut) {
      summary += " …";
    }
    String content = "[emulator] " + summary;
    return new Answer(content, cut, promptTokens, words(content).size());
  }

  /** Every text of the conversation (string contents, and text blocks), system first. */
  private static List<String> texts(List<?> messages, String system) {
    List<String> texts = new ArrayList<>();
    if (system != null) {
      texts.add(system);
    }
    for (Object message : messages) {
      if (message instanceof Map<?, ?> m) {
        texts.add(text(m.get("content")));
      }
    }
    return texts;
  }

  private static String lastUser(List<?> messages) {
    String last = "";
    for (Object message : messages) {
      if (message instanceof Map<?, ?> m && "user".equals(m.get("role"))) {
        last = text(m.get("content"));
      }
    }
    return last;
  }

  private static String text(Object content) {
    if (content instanceof String s) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    if (content instanceof List<?> blocks) {
      for (Object block : blocks) {
        if (block instanceof Map<?, ?> b && b.get("text") instanceof String t) {
          out.append(out.isEmpty() ? "" : " ").append(t);
        }
      }
    }
    return out.toString();
  }

  private void lastRequest(HttpExchange exchange) throws IOException {
    try (exchange) {
      String query = exchange.getRequestURI().getQuery();
      String seen = lastRequest;
      if (query != null && query.startsWith("path=")) {
        seen = lastRequestByPath.getOrDefault(query.substring("path=".length()), "{}");
      }
      send(exchange, 200, "application/json", seen);
    }
  }

  private void remember(HttpExchange exchange, Object body) {
    Map<String, Object> headers = new TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              String value = values.isEmpty() ? null : values.get(0);
              headers.put(
                  lower,
                  switch (lower) {
                    case "authorization" -> maskBearer(value);
                    case "x-api-key" -> maskKey(value);
                    default -> value;
                  });
            });
    String path = exchange.getRequestURI().getPath();
    Map<String, Object> seen = new LinkedHashMap<>();
    seen.put("method", exchange.getRequestMethod());
    seen.put("path", path);
    seen.put("content_type", headers.get("content-type"));
    seen.put("authorization", headers.get("authorization"));
    seen.put("headers", headers);
    seen.put("body", body);
    String json = JsonWriter.write(seen);
    lastRequest = json;
    lastRequestByPath.put(path, json);
  }

  /** "Bearer sk-…abcd": enough to check the scheme and which key, never the key itself. */
  private static String maskBearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    if (!authorization.startsWith("Bearer ")) {
      return "(not a bearer token)";
    }
    return "Bearer " + maskKey(authorization.substring(7));
  }

  private static String maskKey(String key) {
    if (key == null) {
      return null;
    }
    return key.length() <= 8 ? "…" : key.substring(0, 3) + "…" + key.substring(key.length() - 4);
  }

  /** A JSON object keeping its fields in the given order. */
  private static Map<String, Object> object(Object... fieldsAndValues) {
    Map<String, Object> object = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      object.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return object;
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

package org.dorametrics.sources.github;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real local HTTP server (the JDK's) that answers like GitHub's REST API: scripted replies per path and query, the
 * bearer token checked on every request (401 otherwise), ETags honoured (304), every request recorded. Bodies and
 * headers may hold {@code {name}} placeholders: {@code {base}} is the server's URL, others are set with {@link #set}.
 */
final class FakeGitHub implements AutoCloseable {
    static final String TOKEN = "test-token-for-the-local-server-only-7f3a9c";

    static {
        // Without it, small responses wait for delayed ACKs (Nagle): 40 ms a request instead of 1.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /** One request as the server saw it. */
    record Request(String target, String authorization, String ifNoneMatch, String accept, String apiVersion, String userAgent) {}

    /** One reply: status, body (a resource of src/test/resources/github, or literal text), headers, and faults. */
    record Reply(int status, String body, Map<String, String> headers, Duration delay, boolean cutInHalf) {
        Reply header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, more, delay, cutInHalf);
        }

        /** The same reply with an ETag: a request that sends it back as If-None-Match gets 304. */
        Reply etag(String etag) {
            return header("ETag", etag);
        }

        /** A Link header to the next page, as GitHub sends it. */
        Reply next(String target) {
            return header("Link", "<{base}" + target + ">; rel=\"next\", <{base}" + target + ">; rel=\"last\"");
        }

        Reply delayed(Duration by) {
            return new Reply(status, body, headers, by, cutInHalf);
        }

        /** Half the body, with a Content-Length that matches it: valid HTTP, broken JSON. */
        Reply truncated() {
            return new Reply(status, body, headers, delay, true);
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeGitHub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        values.put("base", baseUrl());
    }

    static FakeGitHub start() throws IOException {
        return new FakeGitHub();
    }

    String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /** Replies to one path and query, in order; the last one keeps answering. */
    FakeGitHub on(String target, Reply... script) {
        replies.put(target, new ArrayDeque<>(Arrays.asList(script)));
        return this;
    }

    /** The value a {@code {name}} placeholder stands for in bodies and headers. */
    FakeGitHub set(String name, String value) {
        values.put(name, value);
        return this;
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Request> requests(String target) {
        return requests.stream().filter(r -> r.target().equals(target)).toList();
    }

    static Reply json(String resource) {
        return new Reply(200, resource(resource), Map.of(), Duration.ZERO, false);
    }

    static Reply text(int status, String body) {
        return new Reply(status, body, Map.of(), Duration.ZERO, false);
    }

    static String resource(String name) {
        try (InputStream in = FakeGitHub.class.getResourceAsStream("/github/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource github/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String query = exchange.getRequestURI().getRawQuery();
            String target = exchange.getRequestURI().getRawPath() + (query != null ? "?" + query : "");
            var headers = exchange.getRequestHeaders();
            requests.add(new Request(target, headers.getFirst("Authorization"), headers.getFirst("If-None-Match"),
                    headers.getFirst("Accept"), headers.getFirst("X-GitHub-Api-Version"), headers.getFirst("User-Agent")));
            if (!("Bearer " + TOKEN).equals(headers.getFirst("Authorization"))) {
                send(exchange, text(401, "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}"));
                return;
            }
            Deque<Reply> script = replies.get(target);
            if (script == null) {
                send(exchange, text(404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}"));
                return;
            }
            Reply reply;
            synchronized (script) {
                reply = script.size() > 1 ? script.poll() : script.peek();
            }
            if (!reply.delay().isZero()) {
                Thread.sleep(reply.delay().toMillis());
            }
            String etag = reply.headers().get("ETag");
            if (etag != null && etag.equals(headers.getFirst("If-None-Match"))) {
                exchange.getResponseHeaders().add("ETag", etag);
                rateLimitHeaders(exchange, reply);
                exchange.sendResponseHeaders(304, -1);
                return;
            }
            send(exchange, reply);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body = fill(reply.body()).getBytes(StandardCharsets.UTF_8);
        if (reply.cutInHalf()) {
            body = Arrays.copyOf(body, body.length / 2);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
        rateLimitHeaders(exchange, reply);
        reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, fill(value)));
        exchange.sendResponseHeaders(reply.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** GitHub's rate limit headers on every answer, unless the reply sets its own. */
    private static void rateLimitHeaders(HttpExchange exchange, Reply reply) {
        if (!reply.headers().containsKey("x-ratelimit-remaining")) {
            exchange.getResponseHeaders().add("x-ratelimit-limit", "5000");
            exchange.getResponseHeaders().add("x-ratelimit-remaining", "4999");
            exchange.getResponseHeaders().add("x-ratelimit-reset", String.valueOf(Instant.now().plusSeconds(3600).getEpochSecond()));
            exchange.getResponseHeaders().add("x-ratelimit-resource", "core");
        }
    }

    private String fill(String text) {
        String filled = text;
        for (Map.Entry<String, String> value : values.entrySet()) {
            filled = filled.replace("{" + value.getKey() + "}", value.getValue());
        }
        return filled;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}

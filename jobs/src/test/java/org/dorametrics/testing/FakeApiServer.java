package org.dorametrics.testing;

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
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A real local HTTP server (the JDK's) that answers like a vendor's REST API, as its {@link Vendor} says: scripted
 * replies per path and query, the credentials checked on every request (401 otherwise), ETags honoured (304), every
 * request recorded. Bodies and headers may hold {@code {name}} placeholders: {@code {base}} is the server's URL, others
 * are set with {@link #set}.
 */
public final class FakeApiServer implements AutoCloseable {

    static {
        // Without it, small responses wait for delayed ACKs (Nagle): 40 ms a request instead of 1.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * What makes the server answer like one vendor.
     *
     * @param credentialHeader the request header that carries the credentials
     * @param credentials its expected value
     * @param unauthorized the body of a 401
     * @param notFound the body of a 404
     * @param quotaHeaders the rate limit headers of every answer that sets none of its own (checked by the first name)
     */
    public record Vendor(String credentialHeader, String credentials, String unauthorized, String notFound,
                         Supplier<Map<String, String>> quotaHeaders) {}

    /** One request as the server saw it, with its headers by lower-case name, its method and its body (empty for a GET). */
    public record Request(String target, Map<String, String> headers, String method, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One reply: status, body, headers, and faults. */
    public record Reply(int status, String body, Map<String, String> headers, Duration delay, boolean cutInHalf) {
        public Reply header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(name, value);
            return new Reply(status, body, more, delay, cutInHalf);
        }

        /** The same reply with an ETag: a request that sends it back as If-None-Match gets 304. */
        public Reply etag(String etag) {
            return header("ETag", etag);
        }

        /** A Link header to the next page, as GitHub and GitLab send it. */
        public Reply next(String target) {
            return header("Link", "<{base}" + target + ">; rel=\"next\", <{base}" + target + ">; rel=\"last\"");
        }

        public Reply delayed(Duration by) {
            return new Reply(status, body, headers, by, cutInHalf);
        }

        /** Half the body, with a Content-Length that matches it: valid HTTP, broken JSON. */
        public Reply truncated() {
            return new Reply(status, body, headers, delay, true);
        }
    }

    private final Vendor vendor;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Deque<Reply>> replies = new ConcurrentHashMap<>();
    private final Map<String, Deque<Reply>> anyQueryReplies = new ConcurrentHashMap<>();
    private final Map<String, String> values = new ConcurrentHashMap<>();
    private final Map<String, Function<Request, Reply>> handlers = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private FakeApiServer(Vendor vendor) throws IOException {
        this.vendor = vendor;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        values.put("base", baseUrl());
    }

    public static FakeApiServer start(Vendor vendor) throws IOException {
        return new FakeApiServer(vendor);
    }

    public String baseUrl() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    /** Replies to one path and query, in order; the last one keeps answering. */
    public FakeApiServer on(String target, Reply... script) {
        replies.put(target, new ArrayDeque<>(Arrays.asList(script)));
        return this;
    }

    /**
     * Replies to a path whatever its query, in order, when no {@link #on} script matches the exact target: for queries
     * that hold the run's own time (a since/until range).
     */
    public FakeApiServer onAnyQuery(String path, Reply... script) {
        anyQueryReplies.put(path, new ArrayDeque<>(Arrays.asList(script)));
        return this;
    }

    /**
     * Answers one path and query by a function of the request, which checks its credentials itself (an endpoint that
     * takes other credentials than the vendor's, such as GitHub's App token exchange).
     */
    public FakeApiServer answer(String target, Function<Request, Reply> handler) {
        handlers.put(target, handler);
        return this;
    }

    /** The value a {@code {name}} placeholder stands for in bodies and headers. */
    public FakeApiServer set(String name, String value) {
        values.put(name, value);
        return this;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> requests(String target) {
        return requests.stream().filter(r -> r.target().equals(target)).toList();
    }

    /** A 200 whose body is a test resource, such as {@code github/deployments.json}. */
    public static Reply json(String resource) {
        return new Reply(200, resource(resource), Map.of(), Duration.ZERO, false);
    }

    public static Reply text(int status, String body) {
        return new Reply(status, body, Map.of(), Duration.ZERO, false);
    }

    public static String resource(String name) {
        try (InputStream in = FakeApiServer.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
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
            Map<String, String> seen = new TreeMap<>();
            headers.forEach((name, values) -> seen.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            Request request = new Request(target, seen, exchange.getRequestMethod(),
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            requests.add(request);
            Function<Request, Reply> handler = handlers.get(target);
            if (handler != null) {
                send(exchange, handler.apply(request));
                return;
            }
            if (!vendor.credentials().equals(headers.getFirst(vendor.credentialHeader()))) {
                send(exchange, text(401, vendor.unauthorized()));
                return;
            }
            Deque<Reply> script = replies.getOrDefault(target, anyQueryReplies.get(exchange.getRequestURI().getRawPath()));
            if (script == null) {
                send(exchange, text(404, vendor.notFound()));
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

    /** The vendor's rate limit headers on every answer, unless the reply sets its own. */
    private void rateLimitHeaders(HttpExchange exchange, Reply reply) {
        Map<String, String> quota = vendor.quotaHeaders().get();
        if (quota.keySet().stream().noneMatch(reply.headers()::containsKey)) {
            quota.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
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
